/* test_sip_sdp_crypto.c: the SDES a=crypto attribute (sip/sdp_crypto.c)
 * and SRTP in offer/answer (sip/sdp.c). */
#include "tests/unit/test_sip_fake.h"
#include <errno.h>

#define K30 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"
#define K46 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLQ=="
/* AEAD (RFC 7714): 16 or 32 key octets + a 12-octet salt */
#define K28 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGw=="
#define K44 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKis="

static int parse(struct sdp_crypto *c, const char *s)
{
	return sdp_crypto_parse(c, s, strlen(s));
}

static void crypto_good(void **state)
{
	struct sdp_crypto c;
	char buf[160];
	(void)state;
	assert_int_equal(parse(&c, "1 AES_CM_128_HMAC_SHA1_80 inline:" K30), 0);
	assert_true(c.ok);
	assert_int_equal(c.tag, 1);
	assert_string_equal(c.suite, "AES_CM_128_HMAC_SHA1_80");
	assert_int_equal(c.key_len, 30);
	for (unsigned i = 0; i < 30; i++)
		assert_int_equal(c.key[i], i);
	/* 46 octets with padding; a lifetime is fine */
	assert_int_equal(
		parse(&c, "42 AES_256_CM_HMAC_SHA1_32 inline:" K46 "|2^31"), 0);
	assert_int_equal(c.key_len, 46);
	assert_int_equal(c.key[45], 45);
	assert_int_equal(
		parse(&c, "7 AES_CM_128_HMAC_SHA1_32 inline:" K30 "|1048576"),
		0);
	/* printed back as parsed */
	assert_int_equal(sdp_crypto_print(&c, buf, sizeof(buf)), 0);
	assert_string_equal(
		buf, "a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" K30 "\r\n");
	assert_int_equal(parse(&c, "9 AES_256_CM_HMAC_SHA1_80 inline:" K46), 0);
	assert_int_equal(sdp_crypto_print(&c, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, K46));
	assert_int_equal(sdp_crypto_print(&c, buf, 20), ENOSPC);
	assert_int_equal(sdp_crypto_key_len("AES_CM_128_HMAC_SHA1_80"), 30);
	assert_int_equal(sdp_crypto_key_len("NULL"), 0);
	assert_int_equal(parse(&c, "3 AEAD_AES_128_GCM inline:" K28), 0);
	assert_int_equal(c.key_len, 28);
	assert_int_equal(c.key[27], 27);
	assert_int_equal(parse(&c, "4 AEAD_AES_256_GCM inline:" K44), 0);
	assert_int_equal(c.key_len, 44);
	assert_int_equal(sdp_crypto_print(&c, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
			    "a=crypto:4 AEAD_AES_256_GCM inline:" K44 "\r\n");
	assert_string_equal(sdp_srtp_name(SDP_SRTP_REQUIRED), "required");
	assert_string_equal(sdp_srtp_name(SDP_SRTP__COUNT), "?");
}

static void crypto_bad(void **state)
{
	static const struct {
		const char *line;
		int err;
		const char *why;
	} cases[] = {
		{ "AES_CM_128_HMAC_SHA1_80 inline:" K30, EBADMSG, "tag" },
		{ "1234567890 AES_CM_128_HMAC_SHA1_80 inline:" K30, EBADMSG,
		  "tag" },
		{ "1", EBADMSG, "tag" },
		{ "1 AES_CM_128_HMAC_SHA1_80", EBADMSG, "no key" },
		{ "1 AES_CM_128_HMAC_SHA1_80 uri:x", EBADMSG, "inline" },
		{ "1 F8_128_HMAC_SHA1_80 inline:" K30, ENOTSUP, "unknown" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:AAEC*wQF", EBADMSG,
		  "base64" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:A", EBADMSG, "base64" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:AA=B", EBADMSG, "base64" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K46, EBADMSG, "length" },
		{ "1 AES_256_CM_HMAC_SHA1_80 inline:" K30, EBADMSG, "length" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K30 "|2^20|1:4", ENOTSUP,
		  "MKI" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K30 "|x", EBADMSG,
		  "lifetime" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K30 "||", EBADMSG,
		  "empty" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K30 " UNENCRYPTED_SRTP",
		  ENOTSUP, "session" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K30 ";inline:" K30,
		  ENOTSUP, "several" },
		{ "1 AES_192_CM_HMAC_SHA1_80 inline:" K30, EBADMSG, "length" },
		/* the AES-CM salt (14 octets) on an AEAD suite, and back */
		{ "1 AEAD_AES_128_GCM inline:" K30, EBADMSG, "length" },
		{ "1 AEAD_AES_256_GCM inline:" K46, EBADMSG, "length" },
		{ "1 AES_CM_128_HMAC_SHA1_80 inline:" K28, EBADMSG, "length" },
		{ "1 AEAD_AES_192_GCM inline:" K28, ENOTSUP, "unknown" },
	};
	struct sdp_crypto c;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int err = parse(&c, cases[i].line);
		if (err != cases[i].err || c.ok || !c.why ||
		    !strstr(c.why, cases[i].why))
			fail_msg("case %zu '%s': %d (%s)", i, cases[i].line,
				 err, c.why ? c.why : "-");
	}
}

/* ---- offer/answer ---- */

static const struct sdp_codec prefs[] = {
	{ .pt = 0, .name = "PCMU", .rate = 8000 },
};

static void local(struct sdp_local *loc, enum sdp_srtp mode)
{
	memset(loc, 0, sizeof(*loc));
	loc->ip = "192.0.2.1";
	loc->port = 4000;
	loc->codecs = prefs;
	loc->ncodecs = 1;
	loc->te_pt = -1;
	loc->srtp = mode;
	/* ours: 32-bit tags preferred, then 80 */
	loc->ncrypto = 2;
	loc->crypto[0] =
		(struct sdp_crypto){ .tag = 1,
				     .suite = "AES_CM_128_HMAC_SHA1_32",
				     .key_len = 30,
				     .ok = true };
	loc->crypto[1] =
		(struct sdp_crypto){ .tag = 2,
				     .suite = "AES_CM_128_HMAC_SHA1_80",
				     .key_len = 30,
				     .ok = true };
	memset(loc->crypto[0].key, 0x11, 30);
	memset(loc->crypto[1].key, 0x22, 30);
}

static char sdpbuf[2048];

static const char *mk(const char *proto, const char *crypto)
{
	snprintf(sdpbuf, sizeof(sdpbuf),
		 "v=0\r\no=x 1 1 IN IP4 192.0.2.9\r\ns=-\r\nc=IN IP4 "
		 "192.0.2.9\r\nt=0 0\r\nm=audio 5000 %s 0\r\n%s",
		 proto, crypto);
	return sdpbuf;
}

static int answer(enum sdp_srtp mode, const char *proto, const char *crypto,
		  struct sdp_result *r, char *buf)
{
	struct sdp_session s;
	struct sdp_local loc;
	size_t len;
	const char *o = mk(proto, crypto);
	local(&loc, mode);
	assert_int_equal(sdp_parse(&s, o, strlen(o)), 0);
	return sdp_answer(&s, &loc, r, buf, 2048, &len);
}

static void answer_savp(void **state)
{
	struct sdp_result r;
	char buf[2048];
	(void)state;
	/* the first offered line of a suite of ours: tag 5 (the bad
	 * line 4 and the unknown suite 3 skipped), answered with our key */
	assert_int_equal(
		answer(SDP_SRTP_OPTIONAL, "RTP/SAVP",
		       "a=crypto:3 F8_128_HMAC_SHA1_80 inline:" K30 "\r\n"
		       "a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n"
		       "a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n"
		       "a=crypto:6 AES_CM_128_HMAC_SHA1_32 inline:" K30 "\r\n",
		       &r, buf),
		0);
	assert_true(r.srtp);
	assert_int_equal(r.crypto_rx.tag, 5);
	assert_int_equal(r.crypto_rx.key[29], 29);
	assert_int_equal(r.crypto_local, 1);
	assert_non_null(strstr(buf, "m=audio 4000 RTP/SAVP 0\r\n"));
	assert_non_null(strstr(
		buf, "a=crypto:5 AES_CM_128_HMAC_SHA1_80 "
		     "inline:IiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIiIi\r\n"));
	assert_null(strstr(buf, "a=crypto:1"));
	/* required: the same */
	assert_int_equal(answer(SDP_SRTP_REQUIRED, "RTP/SAVP",
				"a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" K30
				"\r\n",
				&r, buf),
			 0);
	assert_true(r.srtp);
	assert_int_equal(r.crypto_local, 0);
	/* no: RTP/SAVP refused (488) */
	assert_int_equal(answer(SDP_SRTP_NO, "RTP/SAVP",
				"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30
				"\r\n",
				&r, buf),
			 ENOTSUP);
	/* RTP/SAVP with nothing acceptable: refused */
	assert_int_equal(answer(SDP_SRTP_OPTIONAL, "RTP/SAVP",
				"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"
				"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBka\r\n",
				&r, buf),
			 ENOTSUP);
}

static void answer_avp(void **state)
{
	struct sdp_result r;
	char buf[2048];
	(void)state;
	/* required: plain RTP refused */
	assert_int_equal(answer(SDP_SRTP_REQUIRED, "RTP/AVP", "", &r, buf),
			 ENOTSUP);
	/* optional: plain RTP taken, no crypto in the answer */
	assert_int_equal(answer(SDP_SRTP_OPTIONAL, "RTP/AVP", "", &r, buf), 0);
	assert_false(r.srtp);
	assert_null(strstr(buf, "a=crypto"));
	/* optional: best-effort SDES taken, answered in RTP/AVP */
	assert_int_equal(answer(SDP_SRTP_OPTIONAL, "RTP/AVP",
				"a=crypto:8 AES_CM_128_HMAC_SHA1_32 inline:" K30
				"\r\n",
				&r, buf),
			 0);
	assert_true(r.srtp);
	assert_non_null(strstr(buf, "m=audio 4000 RTP/AVP 0\r\n"));
	assert_non_null(strstr(buf, "a=crypto:8 AES_CM_128_HMAC_SHA1_32 "));
	/* no: crypto lines ignored */
	assert_int_equal(answer(SDP_SRTP_NO, "RTP/AVP",
				"a=crypto:8 AES_CM_128_HMAC_SHA1_32 inline:" K30
				"\r\n",
				&r, buf),
			 0);
	assert_false(r.srtp);
	assert_null(strstr(buf, "a=crypto"));
}

static void offer_and_accept(void **state)
{
	struct sdp_local loc;
	struct sdp_session s;
	struct sdp_result r;
	char buf[2048];
	const char *a;
	size_t len;
	(void)state;
	local(&loc, SDP_SRTP_REQUIRED);
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), 0);
	assert_non_null(strstr(buf, "m=audio 4000 RTP/SAVP 0\r\n"));
	assert_non_null(strstr(buf, "a=crypto:1 AES_CM_128_HMAC_SHA1_32 "));
	assert_non_null(strstr(buf, "a=crypto:2 AES_CM_128_HMAC_SHA1_80 "));
	/* the answer takes our tag 2 */
	a = mk("RTP/SAVP",
	       "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_true(r.srtp);
	assert_int_equal(r.crypto_local, 1);
	assert_int_equal(r.crypto_rx.key[1], 1);
	/* a tag we did not offer, or another suite under our tag: crypto
	 * lines answering none of ours, an error (RFC 4568 7.1.3) */
	a = mk("RTP/SAVP",
	       "a=crypto:9 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), EPROTO);
	a = mk("RTP/SAVP",
	       "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), EPROTO);
	/* required and a plain answer */
	a = mk("RTP/AVP", "");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), ENOTSUP);
	/* optional: RTP/AVP offer with crypto; a plain answer is plain */
	local(&loc, SDP_SRTP_OPTIONAL);
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), 0);
	assert_non_null(strstr(buf, "m=audio 4000 RTP/AVP 0\r\n"));
	assert_non_null(strstr(buf, "a=crypto:1 "));
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_false(r.srtp);
	/* no: neither */
	local(&loc, SDP_SRTP_NO);
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), 0);
	assert_null(strstr(buf, "a=crypto"));
	/* required without keys is a caller's bug */
	local(&loc, SDP_SRTP_REQUIRED);
	loc.ncrypto = 0;
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), EINVAL);
}

/* optional: an answer with crypto lines that answer none of ours is
 * an error, not plain RTP (RFC 4568 7.1.3); one without any is plain. */
static void optional_answer_mismatch(void **state)
{
	static const char *const bad[] = {
		/* a tag we did not offer */
		"a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" K30 "\r\n",
		/* our tag with the other suite */
		"a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" K30 "\r\n",
		/* a suite we do not know */
		"a=crypto:1 F8_128_HMAC_SHA1_80 inline:" K30 "\r\n",
		/* our tag and suite, an unusable key */
		"a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:AAAA\r\n",
	};
	struct sdp_local loc;
	struct sdp_session s;
	struct sdp_result r;
	const char *a;
	(void)state;
	local(&loc, SDP_SRTP_OPTIONAL);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = mk("RTP/AVP", bad[i]);
		assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
		assert_int_equal(sdp_accept_answer(&s, &loc, &r), EPROTO);
		a = mk("RTP/SAVP", bad[i]);
		assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
		assert_int_equal(sdp_accept_answer(&s, &loc, &r), EPROTO);
	}
	/* the right one among wrong ones is taken */
	a = mk("RTP/AVP",
	       "a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:" K30 "\r\n"
	       "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" K30 "\r\n");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_true(r.srtp);
	assert_int_equal(r.crypto_local, 0);
	/* no crypto line on RTP/AVP: plain RTP */
	a = mk("RTP/AVP", "");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_false(r.srtp);
	/* no SRTP of ours: crypto lines in an RTP/AVP answer ignored */
	local(&loc, SDP_SRTP_NO);
	a = mk("RTP/AVP", bad[0]);
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), 0);
	assert_false(r.srtp);
}

/* A line of ours withdrawn mid-call (ok false: its key retired without
 * a fresh one) is neither offered nor picked by an offer or answer. */
static void withdrawn_line(void **state)
{
	struct sdp_local loc;
	struct sdp_session s;
	struct sdp_result r;
	char buf[2048];
	const char *a;
	size_t len;
	(void)state;
	local(&loc, SDP_SRTP_OPTIONAL);
	loc.crypto[0].ok = false;
	assert_int_equal(sdp_build_offer(&loc, buf, sizeof(buf), &len), 0);
	assert_null(strstr(buf, "a=crypto:1 "));
	assert_non_null(strstr(buf, "a=crypto:2 "));
	a = mk("RTP/AVP",
	       "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:" K30 "\r\n");
	assert_int_equal(sdp_parse(&s, a, strlen(a)), 0);
	assert_int_equal(sdp_accept_answer(&s, &loc, &r), EPROTO);
	/* an offer of that suite only: not taken, plain RTP (optional) */
	assert_int_equal(sdp_answer(&s, &loc, &r, buf, sizeof(buf), &len), 0);
	assert_false(r.srtp);
	assert_null(strstr(buf, "a=crypto"));
}

/* More a=crypto lines than kept: the rest ignored, not an error. */
static void many_crypto_lines(void **state)
{
	struct sdp_session s;
	char lines[2048] = "";
	const char *o;
	(void)state;
	for (int i = 0; i < 20; i++)
		snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines),
			 "a=crypto:%d AES_CM_128_HMAC_SHA1_80 inline:" K30
			 "\r\n",
			 i + 1);
	o = mk("RTP/SAVP", lines);
	assert_int_equal(sdp_parse(&s, o, strlen(o)), 0);
	assert_int_equal(s.media[0].ncrypto, SDP_MAX_CRYPTO);
	assert_true(s.media[0].crypto[0].ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(crypto_good),
		cmocka_unit_test(crypto_bad),
		cmocka_unit_test(answer_savp),
		cmocka_unit_test(answer_avp),
		cmocka_unit_test(offer_and_accept),
		cmocka_unit_test(many_crypto_lines),
		cmocka_unit_test(optional_answer_mismatch),
		cmocka_unit_test(withdrawn_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
