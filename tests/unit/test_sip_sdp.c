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
	{ 0, "PCMU", 8000 },
	{ 8, "PCMA", 8000 },
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
	static const struct sdp_codec g722[] = { { 9, "G722", 8000 } };
	loc.codecs = g722;
	loc.ncodecs = 1;
	assert_int_equal(sdp_answer(&s, &loc, &r, buf, sizeof(buf), &len),
			 ENOTSUP);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sdp_parse_ok),
		cmocka_unit_test(sdp_answer_offer),
		cmocka_unit_test(sdp_offer_and_answer),
		cmocka_unit_test(sdp_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
