/* gateway/media_prof.c and its [media]/[trunk]/[span] options: codec
 * preference lists per trunk with every media/ codec (Opus fmtp from the
 * options), DTMF mode per trunk deciding telephone-event in the SDP and the
 * session's detection/muting, jitter buffer options, the trunk of an
 * INVITE, and the config errors for bad values. */
#include <errno.h>
#include <stdio.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/cfg.h"
#include "gateway/media_prof.h"

#define FIX "tests/fixtures/cfg/"

static struct gw_cfg cfg;

static void load_media(void)
{
	struct cfg_errors e = { 0 };

	assert_int_equal(cfg_load(&cfg, FIX "media.conf", &e), 0);
	cfg_errors_release(&e);
}

static void options_parsed(void **state)
{
	load_media();
	assert_int_equal(cfg.dtmf_mode, MEDIA_DTMF_INBAND);
	assert_int_equal(cfg.jitter_adaptive, 0);
	assert_int_equal(cfg.jitter_ms, 60);
	assert_int_equal(cfg.jitter_min_ms, 30);
	assert_int_equal(cfg.jitter_max_ms, 300);
	assert_int_equal(cfg.opus_dtx, 1);
	assert_int_equal(cfg.opus_fec, 1); /* default */
	assert_int_equal(cfg.opus_maxplaybackrate, 16000);
	assert_int_equal(cfg.comfort_noise, 0);
	assert_string_equal(cfg.tone_country, "de");
	assert_string_equal(cfg.spans[0].tone_country, "uk");
	assert_int_equal(cfg.trunks[0].dtmf_mode, MEDIA_DTMF_INFO);
	assert_int_equal(cfg.trunks[1].dtmf_mode, -1); /* default */
	assert_string_equal(cfg.trunks[1].codecs, "");
}

static void profiles(void **state)
{
	struct gw_mprof m, a, b;
	struct sdp_local loc = { 0 };

	load_media();
	gw_mprof_build(&m, &cfg, NULL, -1);
	gw_mprof_build(&a, &cfg, cfg.trunks[0].codecs, cfg.trunks[0].dtmf_mode);
	gw_mprof_build(&b, &cfg, cfg.trunks[1].codecs, cfg.trunks[1].dtmf_mode);
	/* [media]: opus, g722, pcmu in that order */
	assert_int_equal(m.ncodecs, 3);
	assert_string_equal(m.codecs[0].name, "opus");
	assert_int_equal(m.codecs[0].rate, 48000);
	assert_int_equal(m.codecs[0].channels, 2);
	assert_int_equal(m.codecs[0].pt, 111);
	assert_non_null(strstr(m.codecs[0].fmtp, "maxplaybackrate=16000"));
	assert_non_null(strstr(m.codecs[0].fmtp, "useinbandfec=1"));
	assert_non_null(strstr(m.codecs[0].fmtp, "usedtx=1"));
	assert_string_equal(m.codecs[1].name, "G722");
	assert_int_equal(m.codecs[1].rate, 8000); /* RFC 3551 */
	assert_int_equal(m.codecs[1].pt, 9);
	assert_int_equal(m.codecs[2].pt, 0);
	assert_int_equal(m.dtmf, MEDIA_DTMF_INBAND);
	/* trunk a: its own list and mode; distinct dynamic PTs */
	assert_int_equal(a.ncodecs, 3);
	assert_string_equal(a.codecs[0].name, "GSM");
	assert_int_equal(a.codecs[0].pt, 3);
	assert_string_equal(a.codecs[1].name, "AAL2-G726-32");
	assert_string_equal(a.codecs[2].name, "G726-32");
	assert_int_not_equal(a.codecs[1].pt, a.codecs[2].pt);
	assert_int_equal(a.dtmf, MEDIA_DTMF_INFO);
	/* trunk b inherits */
	assert_int_equal(b.ncodecs, 3);
	assert_string_equal(b.codecs[0].name, "opus");
	assert_int_equal(b.dtmf, MEDIA_DTMF_INBAND);

	/* telephone-event offered only in rfc4733 mode; CN per option */
	gw_mprof_local(&m, &cfg, &loc);
	assert_int_equal(loc.te_pt, -1);
	assert_false(loc.cn);
	assert_int_equal(loc.ncodecs, 3);
	m.dtmf = MEDIA_DTMF_RFC4733;
	cfg.comfort_noise = 1;
	gw_mprof_local(&m, &cfg, &loc);
	assert_int_equal(loc.te_pt, GW_TE_PT);
	assert_true(loc.cn);
	assert_int_equal(loc.ptime, cfg.ptime_ms);
}

static void sess_cfg(void **state)
{
	struct gw_mprof p;
	struct sdp_result res = { .pt = 96,
				  .name = "opus",
				  .ptime = 30,
				  .te_pt = 101,
				  .fmtp = "usedtx=1" };
	struct media_sess_cfg mc;

	load_media();
	/* rfc4733 with a peer that takes telephone-event */
	gw_mprof_build(&p, &cfg, NULL, MEDIA_DTMF_RFC4733);
	memset(&mc, 0, sizeof(mc));
	assert_int_equal(gw_mprof_sess_cfg(&p, &cfg, &res, &mc), 0);
	assert_int_equal(mc.codec, MEDIA_CODEC_OPUS);
	assert_int_equal(mc.pt, 96);
	assert_int_equal(mc.ptime_ms, 20); /* no 30 ms Opus frame */
	assert_string_equal(mc.fmtp, "usedtx=1");
	assert_true(mc.te_enabled);
	assert_int_equal(mc.te_pt, 101);
	assert_false(mc.dtmf_mute);
	assert_false(mc.jb_adaptive);
	assert_int_equal(mc.jb_ms, 60);
	assert_int_equal(mc.jb_min_ms, 30);
	assert_int_equal(mc.jb_max_ms, 300);
	assert_false(mc.cn_enabled);
	/* info: no telephone-event even if offered; detected and muted */
	gw_mprof_build(&p, &cfg, NULL, MEDIA_DTMF_INFO);
	cfg.dtmf_detect = 0;
	assert_int_equal(gw_mprof_sess_cfg(&p, &cfg, &res, &mc), 0);
	assert_false(mc.te_enabled);
	assert_true(mc.dtmf_detect);
	assert_true(mc.dtmf_mute);
	/* inband: neither */
	gw_mprof_build(&p, &cfg, NULL, MEDIA_DTMF_INBAND);
	assert_int_equal(gw_mprof_sess_cfg(&p, &cfg, &res, &mc), 0);
	assert_false(mc.te_enabled);
	assert_false(mc.dtmf_mute);
	/* G.722 at 40 ms kept; an unknown codec refused */
	struct sdp_result g = {
		.pt = 9, .name = "G722", .ptime = 40, .te_pt = -1
	};
	assert_int_equal(gw_mprof_sess_cfg(&p, &cfg, &g, &mc), 0);
	assert_int_equal(mc.codec, MEDIA_CODEC_G722);
	assert_int_equal(mc.ptime_ms, 40);
	assert_null(mc.fmtp);
	struct sdp_result x = { .pt = 18, .name = "G729", .te_pt = -1 };
	assert_int_equal(gw_mprof_sess_cfg(&p, &cfg, &x, &mc), ENOTSUP);
}

static void bad_media_options(void **state)
{
	static const char *const want[] = {
		"bad-media.conf:2: [media] codecs: codec 'opus' listed twice",
		"bad-media.conf:3: [media] dtmf_mode: unknown value 'sometimes' (expected: rfc4733, inband, info)",
		"bad-media.conf:4: [media] jitter_mode: unknown value 'elastic' (expected: fixed, adaptive)",
		"[media] tone_country: unknown country 'xx'",
		"[media] jitter_min_ms: 300 is above jitter_max_ms 100",
		"bad-media.conf:11: [trunk a] codecs: unknown codec 'g729'",
		"bad-media.conf:12: [trunk a] dtmf_mode: unknown value 'rfc2833'",
	};
	struct cfg_errors e = { 0 };

	assert_int_not_equal(cfg_load(&cfg, FIX "bad-media.conf", &e), 0);
	assert_non_null(e.text);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(e.text, want[i]))
			fail_msg("missing error line:\n  %s\ngot:\n%s", want[i],
				 e.text);
	assert_int_equal(e.count, 7);
	cfg_errors_release(&e);
}

/* A trunk's SRTP: our crypto lines (tags 1..n, the suites' key lengths,
 * the AEAD ones too, fresh keys each time), and the keys of a negotiated
 * stream: ours of the picked line, the peer's from the answer. */
static void srtp_lines(void **state)
{
	struct cfg_trunk t = { .srtp = SDP_SRTP_OPTIONAL };
	struct gw_mprof p;
	struct sdp_local a = { 0 }, b = { 0 };
	struct sdp_result res = { .srtp = true, .crypto_local = 2 };
	struct media_srtp_cfg sc;

	snprintf(t.srtp_suites, sizeof(t.srtp_suites), "%s",
		 "AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM,AEAD_AES_256_GCM");
	gw_mprof_srtp(&p, &t);
	assert_int_equal(p.nsuites, 3);
	gw_mprof_srtp_local(&p, &a);
	gw_mprof_srtp_local(&p, &b);
	assert_int_equal(a.srtp, SDP_SRTP_OPTIONAL);
	assert_int_equal(a.ncrypto, 3);
	assert_int_equal(a.crypto[1].tag, 2);
	assert_string_equal(a.crypto[1].suite, "AEAD_AES_128_GCM");
	assert_int_equal(a.crypto[0].key_len, 30);
	assert_int_equal(a.crypto[1].key_len, 28);
	assert_int_equal(a.crypto[2].key_len, 44);
	assert_true(a.crypto[2].ok);
	assert_memory_not_equal(a.crypto[2].key, b.crypto[2].key, 44);
	/* the answer took our tag 3 */
	res.crypto_rx = (struct sdp_crypto){
		.tag = 3, .suite = "AEAD_AES_256_GCM", .key_len = 44, .ok = true
	};
	memset(res.crypto_rx.key, 0x5a, 44);
	assert_true(gw_mprof_srtp_cfg(&a, &res, &sc));
	assert_int_equal(sc.suite, MEDIA_SRTP_AEAD_AES_256_GCM);
	assert_memory_equal(sc.tx_key, a.crypto[2].key, 44);
	assert_int_equal(sc.rx_key[43], 0x5a);
	/* plain RTP, or a line index we do not have: no keys */
	res.crypto_local = 3;
	assert_false(gw_mprof_srtp_cfg(&a, &res, &sc));
	res.srtp = false;
	assert_false(gw_mprof_srtp_cfg(&a, &res, &sc));
	/* srtp = no: no lines */
	t.srtp = SDP_SRTP_NO;
	gw_mprof_srtp(&p, &t);
	gw_mprof_srtp_local(&p, &a);
	assert_int_equal(a.srtp, SDP_SRTP_NO);
	assert_int_equal(a.ncrypto, 0);
}

/* One line of ours (the test tools' too): the suite's name and key
 * length, the tag asked, a fresh key each time; a suite out of the enum
 * is refused with nothing left behind. */
static void srtp_key_new(void **state)
{
	struct sdp_crypto a, b;

	(void)state;
	assert_int_equal(
		gw_srtp_key_new(&a, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80, 7), 0);
	assert_int_equal(
		gw_srtp_key_new(&b, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80, 1), 0);
	assert_true(a.ok);
	assert_int_equal(a.tag, 7);
	assert_int_equal(b.tag, 1);
	assert_string_equal(a.suite, "AES_CM_128_HMAC_SHA1_80");
	assert_int_equal(a.key_len, 30);
	assert_memory_not_equal(a.key, b.key, 30);
	assert_int_equal(
		gw_srtp_key_new(&a, MEDIA_SRTP_AES_256_CM_HMAC_SHA1_32, 2), 0);
	assert_int_equal(a.key_len, 46);
	assert_int_equal(gw_srtp_key_new(&a, (enum media_srtp_suite)99, 1),
			 EIO);
	assert_false(a.ok);
	assert_int_equal(a.key_len, 0);
	assert_int_equal(a.suite[0], '\0');
}

/* Each session starts somewhere else (SSRC, sequence, timestamp), and
 * nothing else of the configuration is touched. Two equal draws of all
 * 80 bits: 2^-80. */
static void random_start(void **state)
{
	struct media_sess_cfg a = { .pt = 8, .ptime_ms = 20 }, b = a;

	(void)state;
	gw_media_random_start(&a);
	gw_media_random_start(&b);
	assert_false(a.ssrc == b.ssrc && a.seq == b.seq && a.ts == b.ts);
	assert_int_equal(a.pt, 8);
	assert_int_equal(b.ptime_ms, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_parsed),
		cmocka_unit_test(profiles),
		cmocka_unit_test(sess_cfg),
		cmocka_unit_test(bad_media_options),
		cmocka_unit_test(srtp_lines),
		cmocka_unit_test(srtp_key_new),
		cmocka_unit_test(random_start),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
