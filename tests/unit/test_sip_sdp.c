/* test_sip_sdp.c: SDP parse/build and offer/answer (sip/sdp.c). */
#include "tests/unit/test_sip_fake.h"
#include <errno.h>

static const char offer[] =
	"v=0\r\no=bob 123 456 IN IP4 192.0.2.10\r\ns=-\r\n"
	"c=IN IP4 192.0.2.10\r\nt=0 0\r\n"
	"m=audio 49170 RTP/AVP 18 8 0 101\r\n"
	"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
	"a=ptime:30\r\na=sendonly\r\n"
	"m=image 0 udptl t38\r\n";

static const struct sdp_codec prefs[] = {
	{ .pt = 0, .name = "PCMU", .rate = 8000 },
	{ .pt = 8, .name = "PCMA", .rate = 8000 },
};

static void sdp_parse_ok(void **state)
{
	struct sdp_session s;
	(void)state;
	assert_int_equal(sdp_parse(&s, offer, strlen(offer)), 0);
	assert_int_equal(s.sess_id, 123);
	assert_string_equal(s.origin_addr, "192.0.2.10");
	assert_int_equal(s.nmedia, 2);
	struct sdp_media *m = &s.media[0];
	assert_string_equal(m->type, "audio");
	assert_int_equal(m->port, 49170);
	assert_int_equal(m->nfmt, 4);
	assert_string_equal(m->fmt[1].name, "PCMA"); /* static, no rtpmap */
	assert_int_equal(m->te_pt, 101);
	assert_string_equal(m->fmt[3].fmtp, "0-16");
	assert_int_equal(m->ptime, 30);
	assert_int_equal(m->dir, SDP_DIR_SENDONLY);
	assert_string_equal(m->addr, "192.0.2.10");
	assert_string_equal(s.media[1].type, "image");
	assert_string_equal(sdp_dir_name(SDP_DIR_INACTIVE), "inactive");
}

static void sdp_answer_offer(void **state)
{
	struct sdp_session s, a;
	struct sdp_result r;
	char buf[1024];
	size_t len;
	struct sdp_local loc = { .ip = "192.0.2.1",
				 .port = 4000,
				 .codecs = prefs,
				 .ncodecs = 2,
				 .ptime = 20,
				 .te_pt = 101,
				 .sess_id = 9,
				 .sess_version = 1 };
	(void)state;
	assert_int_equal(sdp_parse(&s, offer, strlen(offer)), 0);
	assert_int_equal(sdp_answer(&s, &loc, &r, buf, sizeof(buf), &len), 0);
	assert_int_equal(r.pt, 0); /* our first preference the offer carries */
	assert_string_equal(r.addr, "192.0.2.10");
	assert_int_equal(r.port, 49170);
	assert_int_equal(r.ptime, 30);
	assert_int_equal(r.te_pt, 101);
	assert_int_equal(sdp_parse(&a, buf, len), 0);
	assert_int_equal(a.media[0].nfmt, 2);
	assert_int_equal(a.media[0].dir, SDP_DIR_RECVONLY);
	/* nothing in common: ENOTSUP (488) */
	static const struct sdp_codec g722[] = {
		{ .pt = 9, .name = "G722", .rate = 8000 }
	};
	loc.codecs = g722;
	loc.ncodecs = 1;
	assert_int_equal(sdp_answer(&s, &loc, &r, buf, sizeof(buf), &len),
			 ENOTSUP);
}

/* Opus (rtpmap channels, fmtp) and CN: offered, answered with our fmtp,
 * the remote's fmtp and CN support reported. */
static void sdp_opus_and_cn(void **state)
{
	static const struct sdp_codec opus[] = {
		{ .pt = 111,
		  .name = "opus",
		  .rate = 48000,
		  .channels = 2,
		  .fmtp = "maxplaybackrate=8000;useinbandfec=1" },
		{ .pt = 0, .name = "PCMU", .rate = 8000 },
	};
	struct sdp_local loc = { .ip = "192.0.2.1",
				 .port = 4000,
				 .codecs = opus,
				 .ncodecs = 2,
				 .ptime = 20,
				 .te_pt = 101,
				 .cn = true };
	struct sdp_session s;
	struct sdp_result r;
	char buf[1024];
	size_t len;
	(void)state;
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), 0);
	assert_non_null(strstr(buf, "m=audio 4000 RTP/AVP 111 0 13 101\r\n"));
	assert_non_null(strstr(buf, "a=rtpmap:111 opus/48000/2\r\n"));
	assert_non_null(strstr(buf, "a=fmtp:111 maxplaybackrate=8000;"));
	assert_non_null(strstr(buf, "a=rtpmap:13 CN/8000\r\n"));
	assert_int_equal(sdp_parse(&s, buf, len), 0);
	assert_int_equal(s.media[0].fmt[0].channels, 2);

	static const char off[] =
		"v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\n"
		"c=IN IP4 198.51.100.7\r\nt=0 0\r\n"
		"m=audio 5000 RTP/AVP 96 13\r\n"
		"a=rtpmap:96 OPUS/48000/2\r\n"
		"a=fmtp:96 useinbandfec=1;usedtx=1\r\n";
	assert_int_equal(sdp_parse(&s, off, strlen(off)), 0);
	assert_int_equal(sdp_answer(&s, &loc, &r, buf, sizeof(buf), &len), 0);
	assert_int_equal(r.pt, 96); /* the offerer's PT */
	assert_int_equal(r.rate, 48000);
	assert_string_equal(r.fmtp, "useinbandfec=1;usedtx=1");
	assert_true(r.cn);
	assert_non_null(strstr(buf, "m=audio 4000 RTP/AVP 96 13\r\n"));
	assert_non_null(strstr(buf, "a=rtpmap:96 opus/48000/2\r\n"));
	assert_non_null(strstr(buf, "a=fmtp:96 maxplaybackrate=8000;"));
	/* CN not wanted locally: not answered, not reported */
	loc.cn = false;
	assert_int_equal(sdp_answer(&s, &loc, &r, buf, sizeof(buf), &len), 0);
	assert_false(r.cn);
	assert_null(strstr(buf, "CN/8000"));
	/* an answer without CN to our offer with it */
	static const char ans[] =
		"v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\n"
		"c=IN IP4 198.51.100.7\r\nt=0 0\r\n"
		"m=audio 5000 RTP/AVP 0\r\n";
	loc.cn = true;
	assert_int_equal(sdp_parse(&s, ans, strlen(ans)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_int_equal(r.pt, 0);
	assert_false(r.cn);
	assert_string_equal(r.fmtp, "");
}

static void sdp_offer_and_answer(void **state)
{
	struct sdp_session s;
	struct sdp_result r;
	char buf[1024];
	size_t len;
	struct sdp_local loc = { .ip = "192.0.2.1",
				 .port = 4000,
				 .codecs = prefs,
				 .ncodecs = 2,
				 .ptime = 20,
				 .te_pt = 101 };
	(void)state;
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), 0);
	assert_int_equal(sdp_parse(&s, buf, len), 0);
	assert_int_equal(s.media[0].nfmt, 3);
	assert_int_equal(s.media[0].ptime, 20);
	static const char ans[] =
		"v=0\r\no=- 1 1 IN IP4 198.51.100.1\r\ns=-\r\n"
		"t=0 0\r\nm=audio 5000 RTP/AVP 8\r\n"
		"c=IN IP4 198.51.100.7\r\n";
	assert_int_equal(sdp_parse(&s, ans, strlen(ans)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_int_equal(r.pt, 8);
	assert_string_equal(r.addr, "198.51.100.7");
	assert_int_equal(r.te_pt, -1);
	assert_int_equal(sdp_build_offer(&loc, buf, 20, &len), ENOSPC);
}

static void sdp_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"x=1\r\n",
		"v=1\r\n",
		"v=0\r\nm=audio 1 RTP/AVP 0\r\n",
		"v=0\r\no=a 1 1 IN IP4 h\r\nm=audio 99999 RTP/AVP 0\r\n",
		"v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\nm=audio 1 RTP/AVP 300\r\n",
		"v=0\r\no=a 1 1 IN IP4 h\r\nm=audio 1 RTP/AVP 0\r\n", /* no c= */
		"v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\nm=audio 1 RTP/AVP 96\r\na=rtpmap:96 x\r\n",
		"v=0\r\no=a 99999999999999999999999 1 IN IP4 h\r\n",
	};
	struct sdp_session s;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(sdp_parse(&s, bad[i], strlen(bad[i])), 0);
	char many[4096];
	size_t n =
		(size_t)snprintf(many, sizeof(many),
				 "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n");
	for (int i = 0; i < SDP_MAX_MEDIA + 1; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n,
				      "m=audio 1 RTP/AVP 0\r\n");
	assert_int_equal(sdp_parse(&s, many, n), E2BIG);
}

static const struct sdp_local loc4000 = { .ip = "192.0.2.1",
					  .port = 4000,
					  .codecs = prefs,
					  .ncodecs = 2,
					  .te_pt = -1,
					  .sess_id = 9,
					  .sess_version = 1 };

/* Every offered stream comes back in order; refused ones with port 0. */
static void sdp_rejected_streams(void **state)
{
	static const char o[] = "v=0\r\no=a 1 1 IN IP4 192.0.2.10\r\ns=-\r\n"
				"c=IN IP4 192.0.2.10\r\nt=0 0\r\n"
				"m=video 3227 RTP/AVP 31 34\r\n"
				"m=audio 0 RTP/AVP 0\r\n"
				"m=audio 5004 RTP/SAVP 0\r\n"
				"m=audio 4010 RTP/AVP 18 8\r\n"
				"a=maxptime:40\r\n"
				"m=image 5000 udptl t38\r\n";
	struct sdp_session s, a;
	struct sdp_result r;
	char buf[2048];
	size_t len;
	(void)state;
	assert_int_equal(sdp_parse(&s, o, strlen(o)), 0);
	assert_int_equal(s.media[3].maxptime, 40);
	assert_int_equal(sdp_answer(&s, &loc4000, &r, buf, sizeof(buf), &len),
			 0);
	assert_int_equal(r.port, 4010);
	assert_int_equal(r.pt, 8);
	assert_int_equal(r.maxptime, 40);
	assert_int_equal(sdp_parse(&a, buf, len), 0);
	assert_int_equal(a.nmedia, 5);
	static const struct {
		const char *type, *proto;
		uint16_t port;
		unsigned nfmt;
	} want[] = {
		{ "video", "RTP/AVP", 0, 2 },  { "audio", "RTP/AVP", 0, 1 },
		{ "audio", "RTP/SAVP", 0, 1 }, { "audio", "RTP/AVP", 4000, 1 },
		{ "image", "udptl", 0, 1 },
	};
	for (unsigned i = 0; i < 5; i++) {
		assert_string_equal(a.media[i].type, want[i].type);
		assert_string_equal(a.media[i].proto, want[i].proto);
		assert_int_equal(a.media[i].port, want[i].port);
		assert_int_equal(a.media[i].nfmt, want[i].nfmt);
	}
	assert_int_equal(a.media[0].fmt[1].pt, 34); /* formats as offered */
	assert_string_equal(a.media[4].fmt[0].name, "t38");
	assert_int_equal(a.media[3].fmt[0].pt, 8);
}

static const char *dir_offer(char *buf, size_t size, const char *addr,
			     const char *attr)
{
	snprintf(buf, size,
		 "v=0\r\no=a 1 2 IN IP4 192.0.2.10\r\ns=-\r\n"
		 "c=IN IP4 %s\r\nt=0 0\r\nm=audio 4010 RTP/AVP 0\r\n%s",
		 addr, attr);
	return buf;
}

/* Hold and resume (RFC 3264 8.4), the old c=0.0.0.0 form included. */
static void sdp_hold_resume(void **state)
{
	static const struct {
		const char *addr, *attr;
		enum sdp_dir remote, answer;
		bool hold;
	} cases[] = {
		{ "192.0.2.10", "a=sendonly\r\n", SDP_DIR_SENDONLY,
		  SDP_DIR_RECVONLY, true },
		{ "192.0.2.10", "a=inactive\r\n", SDP_DIR_INACTIVE,
		  SDP_DIR_INACTIVE, true },
		{ "0.0.0.0", "", SDP_DIR_SENDONLY, SDP_DIR_RECVONLY, true },
		{ "0.0.0.0", "a=recvonly\r\n", SDP_DIR_INACTIVE,
		  SDP_DIR_INACTIVE, true },
		{ "192.0.2.10", "a=recvonly\r\n", SDP_DIR_RECVONLY,
		  SDP_DIR_SENDONLY, false },
		/* resume */
		{ "192.0.2.10", "a=sendrecv\r\n", SDP_DIR_SENDRECV,
		  SDP_DIR_SENDRECV, false },
		{ "192.0.2.10", "", SDP_DIR_SENDRECV, SDP_DIR_SENDRECV, false },
	};
	char o[512], buf[1024];
	struct sdp_session s, a;
	struct sdp_result r;
	size_t len;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dir_offer(o, sizeof(o), cases[i].addr, cases[i].attr);
		assert_int_equal(sdp_parse(&s, o, strlen(o)), 0);
		assert_int_equal(
			sdp_answer(&s, &loc4000, &r, buf, sizeof(buf), &len),
			0);
		assert_int_equal(sdp_parse(&a, buf, len), 0);
		if (r.dir != cases[i].remote || r.hold != cases[i].hold ||
		    a.media[0].dir != cases[i].answer)
			fail_msg("case %zu: remote %s hold %d answer %s", i,
				 sdp_dir_name(r.dir), r.hold,
				 sdp_dir_name(a.media[0].dir));
	}
	/* we hold: our sendonly meets their sendrecv */
	struct sdp_local held = loc4000;
	held.dir = SDP_DIR_SENDONLY;
	dir_offer(o, sizeof(o), "192.0.2.10", "");
	assert_int_equal(sdp_parse(&s, o, strlen(o)), 0);
	assert_int_equal(sdp_answer(&s, &held, &r, buf, sizeof(buf), &len), 0);
	assert_int_equal(sdp_parse(&a, buf, len), 0);
	assert_int_equal(a.media[0].dir, SDP_DIR_SENDONLY);
	/* and our hold offer says so */
	assert_int_equal(sdp_build_offer(&held, buf, sizeof(buf), &len), 0);
	assert_int_equal(sdp_parse(&a, buf, len), 0);
	assert_int_equal(a.media[0].dir, SDP_DIR_SENDONLY);
}

static int parse_err(const char *text, const char **why)
{
	static struct sdp_session s;
	int err = sdp_parse(&s, text, strlen(text));
	*why = s.err;
	return err;
}

/* Absurd values and sizes: refused with a reason, never truncated. */
static void sdp_limits(void **state)
{
	static const char head[] = "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n";
	static char big[SDP_MAX_LEN + 4096];
	const char *why;
	(void)state;
	snprintf(big, sizeof(big), "%sm=audio 0 RTP/AVP 4294967296\r\n", head);
	assert_int_equal(parse_err(big, &why), EBADMSG);
	assert_string_equal(why, "bad payload type");
	snprintf(big, sizeof(big), "%sm=audio 4294967296 RTP/AVP 0\r\n", head);
	assert_int_equal(parse_err(big, &why), EBADMSG);
	assert_string_equal(why, "bad media port");
	snprintf(big, sizeof(big), "%sm=audio 1 RTP/AVP -1\r\n", head);
	assert_int_equal(parse_err(big, &why), EBADMSG);
	/* thousands of streams */
	size_t n = (size_t)snprintf(big, sizeof(big), "%s", head);
	for (int i = 0; i < 2000 && n < SDP_MAX_LEN - 64; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "m=audio %d RTP/AVP 0\r\n", 1000 + i);
	assert_int_equal(parse_err(big, &why), E2BIG);
	assert_string_equal(why, "too many m= lines");
	/* too many formats on one line */
	n = (size_t)snprintf(big, sizeof(big), "%sm=audio 1 RTP/AVP", head);
	for (int i = 0; i <= SDP_MAX_FMT; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, " %d", i);
	snprintf(big + n, sizeof(big) - n, "\r\n");
	assert_int_equal(parse_err(big, &why), E2BIG);
	assert_string_equal(why, "too many formats");
	/* a line over SDP_MAX_LINE, a body over SDP_MAX_LEN */
	n = (size_t)snprintf(big, sizeof(big), "%sa=x:", head);
	memset(big + n, 'x', SDP_MAX_LINE);
	snprintf(big + n + SDP_MAX_LINE, 8, "\r\n");
	assert_int_equal(parse_err(big, &why), E2BIG);
	assert_string_equal(why, "SDP line too long");
	n = (size_t)snprintf(big, sizeof(big), "%s", head);
	while (n <= SDP_MAX_LEN)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "a=x\r\n");
	assert_int_equal(parse_err(big, &why), E2BIG);
	assert_string_equal(why, "SDP too long");
	/* odd bytes and odd attributes */
	snprintf(big, sizeof(big), "%sm=audio 1 RTP/AVP 0\r\na=x\x01y\r\n",
		 head);
	assert_int_equal(parse_err(big, &why), EBADMSG);
	static const char *const bad_attr[] = {
		"a=rtpmap:96 opus/48000/0\r\n",
		"a=rtpmap:96 opus/48000/x\r\n",
		"a=rtpmap:96 opus/x\r\n",
		"a=ptime:1001\r\n",
		"a=maxptime:x\r\n",
		"a=fmtp:128 x\r\n",
	};
	for (size_t i = 0; i < sizeof(bad_attr) / sizeof(bad_attr[0]); i++) {
		snprintf(big, sizeof(big), "%sm=audio 1 RTP/AVP 96\r\n%s", head,
			 bad_attr[i]);
		if (parse_err(big, &why) != EBADMSG || !why)
			fail_msg("accepted %s", bad_attr[i]);
	}
	snprintf(big, sizeof(big),
		 "%sm=audio 1 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n",
		 head);
	assert_int_equal(parse_err(big, &why), 0);
	assert_null(why);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sdp_parse_ok),
		cmocka_unit_test(sdp_answer_offer),
		cmocka_unit_test(sdp_offer_and_answer),
		cmocka_unit_test(sdp_bad),
		cmocka_unit_test(sdp_rejected_streams),
		cmocka_unit_test(sdp_hold_resume),
		cmocka_unit_test(sdp_limits),
		cmocka_unit_test(sdp_opus_and_cn),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
