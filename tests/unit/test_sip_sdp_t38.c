/* test_sip_sdp_t38.c: T.38 streams in SDP and their offer/answer
 * (sip/sdp_t38.c). */
#include "tests/unit/test_sip_fake.h"
#include <errno.h>

static const char full[] = "v=0\r\no=fax 1 1 IN IP4 192.0.2.20\r\ns=-\r\n"
			   "c=IN IP4 192.0.2.20\r\nt=0 0\r\n"
			   "m=image 6000 udptl t38\r\n"
			   "a=T38FaxVersion:3\r\n"
			   "a=T38MaxBitRate:33600\r\n"
			   "a=T38FaxRateManagement:localTCF\r\n"
			   "a=T38FaxMaxBuffer:1800\r\n"
			   "a=T38FaxMaxDatagram:160\r\n"
			   "a=T38FaxUdpEC:t38UDPFEC\r\n"
			   "a=T38FaxFillBitRemoval\r\n"
			   "a=T38FaxTranscodingMMR:1\r\n"
			   "a=T38FaxTranscodingJBIG:0\r\n"
			   "a=T38VendorInfo:0 0 0\r\n";

static struct sdp_t38_local ours(void)
{
	struct sdp_t38_local l = {
		.ip = "192.0.2.1",
		.port = 7000,
		.caps = { .version = 0,
			  .max_bitrate = 14400,
			  .rate_mgmt = SDP_T38_TRANSFERRED_TCF,
			  .max_buffer = 2000,
			  .max_datagram = 400,
			  .udp_ec = SDP_T38_EC_REDUNDANCY,
			  .fill_bit_removal = true },
		.sess_id = 5,
		.sess_version = 1,
	};
	return l;
}

/* Field by field: padding bytes are not part of the value. */
static bool t38_eq(const struct sdp_t38 *a, const struct sdp_t38 *b)
{
	return a->version == b->version && a->max_bitrate == b->max_bitrate &&
	       a->rate_mgmt == b->rate_mgmt && a->max_buffer == b->max_buffer &&
	       a->max_datagram == b->max_datagram && a->udp_ec == b->udp_ec &&
	       a->fill_bit_removal == b->fill_bit_removal &&
	       a->transcoding_mmr == b->transcoding_mmr &&
	       a->transcoding_jbig == b->transcoding_jbig;
}

static void t38_parse(void **state)
{
	struct sdp_session s;
	(void)state;
	assert_int_equal(sdp_parse(&s, full, strlen(full)), 0);
	const struct sdp_media *m = sdp_t38_stream(&s);
	assert_non_null(m);
	assert_true(m->is_t38);
	assert_int_equal(m->port, 6000);
	assert_int_equal(m->t38.version, 3);
	assert_int_equal(m->t38.max_bitrate, 33600);
	assert_int_equal(m->t38.rate_mgmt, SDP_T38_LOCAL_TCF);
	assert_int_equal(m->t38.max_buffer, 1800);
	assert_int_equal(m->t38.max_datagram, 160);
	assert_int_equal(m->t38.udp_ec, SDP_T38_EC_FEC);
	assert_true(m->t38.fill_bit_removal);
	assert_true(m->t38.transcoding_mmr);
	assert_false(m->t38.transcoding_jbig);
	/* attribute names are case-insensitive in practice */
	static const char lc[] = "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
				 "m=image 1 UDPTL t38\r\na=t38faxversion:1\r\n"
				 "a=t38faxudpec:t38UDPRedundancy\r\n";
	assert_int_equal(sdp_parse(&s, lc, strlen(lc)), 0);
	assert_int_equal(s.media[0].t38.version, 1);
	assert_int_equal(s.media[0].t38.udp_ec, SDP_T38_EC_REDUNDANCY);
	/* absent attributes: the defaults */
	static const char bare[] = "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
				   "m=image 1 udptl t38\r\n";
	assert_int_equal(sdp_parse(&s, bare, strlen(bare)), 0);
	assert_int_equal(s.media[0].t38.rate_mgmt, SDP_T38_TRANSFERRED_TCF);
	assert_int_equal(s.media[0].t38.udp_ec, SDP_T38_EC_NONE);
	assert_int_equal(s.media[0].t38.max_datagram, 0);
	/* not T.38: another image format, or T.38 over something else */
	static const char tcp[] = "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
				  "m=image 1 tcptl t38\r\n";
	assert_int_equal(sdp_parse(&s, tcp, strlen(tcp)), 0);
	assert_null(sdp_t38_stream(&s));
}

static void t38_parse_bad(void **state)
{
	static const char *const bad[] = {
		"a=T38FaxVersion:4",
		"a=T38FaxVersion:",
		"a=T38FaxVersion",
		"a=T38MaxBitRate:99999999999",
		"a=T38FaxRateManagement:remoteTCF",
		"a=T38FaxMaxBuffer:-1",
		"a=T38FaxMaxDatagram:65536",
		"a=T38FaxUdpEC:t38UDPMagic",
		"a=T38FaxFillBitRemoval:2",
		"a=T38FaxTranscodingMMR:yes",
	};
	struct sdp_session s;
	char buf[256];
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
			 "m=image 1 udptl t38\r\n%s\r\n",
			 bad[i]);
		if (sdp_parse(&s, buf, strlen(buf)) != EBADMSG || !s.err)
			fail_msg("accepted %s", bad[i]);
	}
	/* the same attributes on an audio stream are not T.38's business */
	snprintf(buf, sizeof(buf),
		 "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
		 "m=audio 1 RTP/AVP 0\r\na=T38FaxVersion:9\r\n");
	assert_int_equal(sdp_parse(&s, buf, strlen(buf)), 0);
	assert_string_equal(sdp_t38_rate_name(SDP_T38_LOCAL_TCF), "localTCF");
	assert_string_equal(sdp_t38_ec_name(SDP_T38_EC_FEC), "t38UDPFEC");
	assert_string_equal(sdp_t38_ec_name(SDP_T38_EC__COUNT), "?");
	assert_string_equal(sdp_t38_rate_name(SDP_T38_RATE__COUNT), "?");
}

static void t38_offer_roundtrip(void **state)
{
	struct sdp_t38_local l = ours();
	struct sdp_session s;
	char buf[1024];
	size_t len;
	(void)state;
	l.caps.transcoding_jbig = true;
	assert_int_equal(sdp_t38_build_offer(&l, buf, sizeof(buf), &len), 0);
	assert_int_equal(strlen(buf), len);
	assert_int_equal(sdp_parse(&s, buf, len), 0);
	const struct sdp_media *m = sdp_t38_stream(&s);
	assert_non_null(m);
	assert_int_equal(m->port, 7000);
	assert_true(t38_eq(&m->t38, &l.caps));
	assert_int_equal(sdp_t38_build_offer(&l, buf, 40, &len), ENOSPC);
	l.caps.version = 4;
	assert_int_equal(sdp_t38_build_offer(&l, buf, sizeof(buf), &len),
			 EINVAL);
	assert_int_equal(sdp_t38_build_offer(NULL, buf, sizeof(buf), &len),
			 EINVAL);
}

static void t38_answer_negotiates(void **state)
{
	struct sdp_t38_local l = ours();
	struct sdp_session s, a;
	struct sdp_t38_result r;
	char buf[1024];
	size_t len;
	(void)state;
	assert_int_equal(sdp_parse(&s, full, strlen(full)), 0);
	assert_int_equal(sdp_t38_answer(&s, &l, &r, buf, sizeof(buf), &len), 0);
	assert_string_equal(r.addr, "192.0.2.20");
	assert_int_equal(r.port, 6000);
	assert_int_equal(r.t38.version, 0);		       /* the lower */
	assert_int_equal(r.t38.max_bitrate, 14400);	       /* the lower */
	assert_int_equal(r.t38.rate_mgmt, SDP_T38_LOCAL_TCF);  /* as offered */
	assert_int_equal(r.t38.udp_ec, SDP_T38_EC_REDUNDANCY); /* no FEC here */
	assert_true(r.t38.fill_bit_removal);
	assert_false(r.t38.transcoding_mmr);	   /* offered, not supported */
	assert_int_equal(r.t38.max_datagram, 400); /* ours */
	assert_int_equal(r.remote_max_datagram, 160);
	assert_int_equal(r.remote_max_buffer, 1800);
	/* the answer says the same */
	assert_int_equal(sdp_parse(&a, buf, len), 0);
	const struct sdp_media *m = sdp_t38_stream(&a);
	assert_non_null(m);
	assert_int_equal(m->port, 7000);
	assert_true(t38_eq(&m->t38, &r.t38));
	/* and the offerer accepts it */
	struct sdp_t38_local off = { .ip = "192.0.2.20",
				     .port = 6000,
				     .caps = s.media[0].t38 };
	struct sdp_t38_result r2;
	assert_int_equal(sdp_t38_accept_answer(&a, &off, &r2), 0);
	assert_int_equal(r2.port, 7000);
	assert_int_equal(r2.t38.udp_ec, SDP_T38_EC_REDUNDANCY);
	assert_int_equal(r2.remote_max_datagram, 400);
	assert_int_equal(r2.t38.max_datagram, 160);

	/* FEC on both sides stays FEC; none offered stays none */
	l.caps.udp_ec = SDP_T38_EC_FEC;
	assert_int_equal(sdp_t38_answer(&s, &l, &r, buf, sizeof(buf), &len), 0);
	assert_int_equal(r.t38.udp_ec, SDP_T38_EC_FEC);
	static const char none[] = "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
				   "m=image 1 udptl t38\r\n";
	assert_int_equal(sdp_parse(&s, none, strlen(none)), 0);
	assert_int_equal(sdp_t38_answer(&s, &l, &r, buf, sizeof(buf), &len), 0);
	assert_int_equal(r.t38.udp_ec, SDP_T38_EC_NONE);
	assert_null(strstr(buf, "T38FaxUdpEC"));
	assert_int_equal(r.t38.max_bitrate, 14400); /* ours when absent */
}

/* A re-INVITE from audio to T.38: the audio stream stays, port 0. */
static void t38_answer_switch(void **state)
{
	static const char o[] = "v=0\r\no=fax 1 2 IN IP4 192.0.2.20\r\ns=-\r\n"
				"c=IN IP4 192.0.2.20\r\nt=0 0\r\n"
				"m=audio 0 RTP/AVP 0\r\n"
				"m=image 6000 udptl t38\r\n"
				"a=T38FaxVersion:0\r\n";
	struct sdp_t38_local l = ours();
	struct sdp_session s, a;
	struct sdp_t38_result r;
	char buf[1024];
	size_t len;
	(void)state;
	assert_int_equal(sdp_parse(&s, o, strlen(o)), 0);
	assert_int_equal(sdp_t38_answer(&s, &l, &r, buf, sizeof(buf), &len), 0);
	assert_int_equal(sdp_parse(&a, buf, len), 0);
	assert_int_equal(a.nmedia, 2);
	assert_string_equal(a.media[0].type, "audio");
	assert_int_equal(a.media[0].port, 0);
	assert_true(a.media[1].is_t38);
	assert_int_equal(a.media[1].port, 7000);
	/* no usable T.38: ENOTSUP, so the caller can answer 488 */
	static const char no[] =
		"v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 h\r\n"
		"m=audio 1 RTP/AVP 0\r\nm=image 0 udptl t38\r\n";
	assert_int_equal(sdp_parse(&s, no, strlen(no)), 0);
	assert_int_equal(sdp_t38_answer(&s, &l, &r, buf, sizeof(buf), &len),
			 ENOTSUP);
	assert_int_equal(sdp_t38_answer(NULL, &l, &r, buf, sizeof(buf), &len),
			 EINVAL);
	assert_int_equal(sdp_t38_answer(&s, &l, &r, buf, 10, &len), ENOTSUP);
}

static void t38_accept_checks(void **state)
{
	struct sdp_t38_local l = ours();
	struct sdp_session a;
	struct sdp_t38_result r;
	char buf[512];
	(void)state;
	static const struct {
		const char *attrs;
		int want;
	} cases[] = {
		{ "a=T38FaxVersion:0\r\na=T38MaxBitRate:9600\r\n"
		  "a=T38FaxUdpEC:t38UDPRedundancy\r\n",
		  0 },
		{ "a=T38FaxVersion:1\r\n", EPROTO }, /* above what we offered */
		{ "a=T38MaxBitRate:33600\r\n", EPROTO },
		{ "a=T38FaxRateManagement:localTCF\r\n", EPROTO },
		{ "a=T38FaxUdpEC:t38UDPFEC\r\n", EPROTO },
		{ "a=T38FaxTranscodingJBIG\r\n", EPROTO },
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(buf, sizeof(buf),
			 "v=0\r\no=a 1 1 IN IP4 h\r\nc=IN IP4 198.51.100.9\r\n"
			 "m=image 6100 udptl t38\r\n%s",
			 cases[i].attrs);
		assert_int_equal(sdp_parse(&a, buf, strlen(buf)), 0);
		if (sdp_t38_accept_answer(&a, &l, &r) != cases[i].want)
			fail_msg("case %zu", i);
	}
	assert_int_equal(r.port, 6100);
	assert_string_equal(r.addr, "198.51.100.9");
	/* refused: port 0 */
	static const char refused[] = "v=0\r\no=a 1 1 IN IP4 h\r\n"
				      "m=image 0 udptl t38\r\n";
	assert_int_equal(sdp_parse(&a, refused, strlen(refused)), 0);
	assert_int_equal(sdp_t38_accept_answer(&a, &l, &r), ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t38_parse),
		cmocka_unit_test(t38_parse_bad),
		cmocka_unit_test(t38_offer_roundtrip),
		cmocka_unit_test(t38_answer_negotiates),
		cmocka_unit_test(t38_answer_switch),
		cmocka_unit_test(t38_accept_checks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
