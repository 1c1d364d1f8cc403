/* gateway/cfg.c: fixture files that must load, and broken ones with the
 * exact errors an operator sees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "gateway/cfg.h"
#include "sip/sip.h" /* enum sdp_srtp: the trunk srtp values */

#define FIX "tests/fixtures/cfg/"

static struct gw_cfg cfg;

static void load_ok(void **state)
{
	struct cfg_errors e = { 0 };

	assert_int_equal(cfg_load(&cfg, FIX "good.conf", &e), 0);
	assert_int_equal(e.count, 0);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_string_equal(cfg.sip_host, "127.0.0.1");
	assert_int_equal(cfg.sip_port, 5062);
	assert_int_equal(cfg.t1_ms, 250);
	assert_int_equal(cfg.t2_ms, 4000);	      /* default */
	assert_string_equal(cfg.rtp_ip, "127.0.0.1"); /* from listen */
	assert_int_equal(cfg.ptime_ms, 30);
	assert_int_equal(cfg.nspans, 2);
	assert_int_equal(cfg.spans[0].id, 1);
	assert_int_equal(cfg.spans[0].type, CFG_SPAN_E1);
	assert_int_equal(cfg.spans[0].role, CFG_ROLE_NET);
	assert_string_equal(cfg.spans[0].switchtype, "euroisdn");
	assert_int_equal(cfg.spans[1].type, CFG_SPAN_T1);
	assert_string_equal(cfg.spans[1].switchtype, "ni2");
	assert_int_equal(cfg.spans[1].role, CFG_ROLE_CPE);
	assert_int_equal(cfg.ntrunks, 1);
	assert_string_equal(cfg.trunks[0].host, "127.0.0.1");
	assert_int_equal(cfg.trunks[0].port, 5070);
	assert_int_equal(cfg.nroutes, 2);
	assert_int_equal(cfg.routes[0].from, CFG_FROM_PSTN);
	assert_int_equal(cfg.routes[0].strip, 3);
	assert_int_equal(cfg.routes[0].target_kind, CFG_TARGET_TRUNK);
	assert_string_equal(cfg.routes[0].target_name, "fax");
	assert_int_equal(cfg.routes[1].target_kind, CFG_TARGET_GROUP);
	cfg_errors_release(&e);
}

static void expect_errors(const char *file, const char *const *want, unsigned n)
{
	struct cfg_errors e = { 0 };

	assert_int_not_equal(cfg_load(&cfg, file, &e), 0);
	assert_non_null(e.text);
	for (unsigned i = 0; i < n; i++) {
		if (!strstr(e.text, want[i]))
			fail_msg("missing error line:\n  %s\ngot:\n%s", want[i],
				 e.text);
	}
	assert_int_equal(e.count, n);
	cfg_errors_release(&e);
}

static void bad_values(void **state)
{
	static const char *const want[] = {
		FIX "bad-values.conf:2: [sip] listen: '99999': bad port",
		FIX
		"bad-values.conf:3: [sip] t1_ms: 5 out of range (50..10000)",
		FIX
		"bad-values.conf:5: [span 1] type: unknown value 'j1' (expected: t1, e1)",
		FIX
		"bad-values.conf:6: [span 1] switchtype: unknown value 'foo' (expected: ni2, national, ni1, dms100, 5ess, 4ess, euroisdn, qsig)",
		FIX "bad-values.conf:8: [span 1] unknown option 'color'",
		FIX
		"bad-values.conf:10: [media] codecs: unknown codec 'g729' (expected: pcmu, pcma, g722, g726-32, aal2-g726-32, gsm, opus)",
	};

	expect_errors(FIX "bad-values.conf", want, 6);
}

static void bad_refs(void **state)
{
	static const char *const want[] = {
		FIX
		"bad-refs.conf:3: [span 1] span 1 already defined at line 1",
		FIX "bad-refs.conf:10: unknown section [bogus]",
		FIX
		"bad-refs.conf:1: [span 1] path: required for the loop driver",
		FIX "bad-refs.conf:5: [route r1] target: no [trunk nowhere]",
		FIX "bad-refs.conf:8: [route r2] from: required (pstn or sip)",
		FIX
		"bad-refs.conf:8: [route r2] target: no span in group 'nothere'",
	};

	expect_errors(FIX "bad-refs.conf", want, 6);
}

static void bad_syntax(void **state)
{
	static const char *const want[] = {
		FIX "bad-syntax.conf:3: syntax error",
	};

	expect_errors(FIX "bad-syntax.conf", want, 1);
}

static void missing_file(void **state)
{
	struct cfg_errors e = { 0 };

	assert_int_not_equal(cfg_load(&cfg, FIX "nonexistent.conf", &e), 0);
	assert_non_null(strstr(e.text, "nonexistent.conf: No such file"));
	cfg_errors_release(&e);
}

/* The generated sample parses, and its only errors are the options that
 * have no default (so every default is valid). */
static void sample_loads(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cfg_errors e = { 0 };

	cfg_write_sample(f);
	fclose(f);
	assert_non_null(strstr(buf, "; Q.931 variant of the far switch."));
	assert_non_null(strstr(buf, "listen = 127.0.0.1:5060"));
	/* only the options without a default are left to fill in */
	f = fmemopen(buf, len, "r");
	cfg_load_stream(&cfg, f, "sample", &e);
	fclose(f);
	assert_non_null(e.text);
	assert_non_null(strstr(e.text, "[trunk fax] address: required"));
	assert_non_null(strstr(e.text, "[route pstn-to-fax] from: required"));
	assert_non_null(strstr(e.text, "[span 1] path: required"));
	assert_non_null(strstr(e.text, "[route pstn-to-fax] target: required"));
	assert_int_equal(e.count, 4);
	cfg_errors_release(&e);
	free(buf);
}

/* ---- [sip] transports (sip-net) ------------------------------------ */

static int load_text(const char *text, struct cfg_errors *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc = cfg_load_stream(&cfg, f, "t.conf", e);

	fclose(f);
	return rc;
}

static const char span_route[] = "[span 1]\npath = /tmp/x.sock\n"
				 "[route r]\nfrom = pstn\ntarget = trunk a\n";

/* IPv6 listen and trunks, TCP/TLS options and their defaults. */
static void transports_ok(void **state)
{
	char text[1024];
	struct cfg_errors e = { 0 };

	snprintf(text, sizeof(text),
		 "[sip]\nlisten = [::1]:5062\ntcp_idle_s = 60\n"
		 "listen2 = 127.0.0.1:5064\n"
		 "tls_listen = 127.0.0.1\ntls_cert = /x.pem\n"
		 "tls_verify = none\n"
		 "[trunk a]\naddress = [2001:db8::9]:5070\ntransport = tcp\n"
		 "[trunk b]\naddress = 2001:db8::10\ntransport = tls\n"
		 "[trunk c]\naddress = 192.0.2.1:5080\ntransport = tls\n%s",
		 span_route);
	assert_int_equal(load_text(text, &e), 0);
	assert_string_equal(cfg.sip_host, "::1");
	assert_int_equal(cfg.sip_port, 5062);
	assert_string_equal(cfg.sip_domain, "[::1]");
	assert_string_equal(cfg.sip_host2, "127.0.0.1");
	assert_int_equal(cfg.sip_port2, 5064);
	assert_int_equal(cfg.sip_tcp, 1);
	assert_int_equal(cfg.tcp_idle_s, 60);
	assert_int_equal(cfg.tcp_max_conns, 256);
	assert_int_equal(cfg.tcp_max_conns_per_ip, 32);
	assert_string_equal(cfg.tls_host, "127.0.0.1");
	assert_int_equal(cfg.tls_port, 5061);
	assert_int_equal(cfg.tls_verify, 0);
	assert_string_equal(cfg.trunks[0].host, "2001:db8::9");
	assert_int_equal(cfg.trunks[0].port, 5070);
	assert_int_equal(cfg.trunks[0].transport, CFG_TP_TCP);
	assert_string_equal(cfg.trunks[1].host, "2001:db8::10");
	assert_int_equal(cfg.trunks[1].port, 5061); /* tls default */
	assert_int_equal(cfg.trunks[2].port, 5080); /* as written */
	cfg_errors_release(&e);
	/* defaults: TCP on, no TLS, verify peer, UDP trunks */
	snprintf(text, sizeof(text), "[trunk a]\naddress = 192.0.2.1\n%s",
		 span_route);
	assert_int_equal(load_text(text, &e), 0);
	assert_int_equal(cfg.sip_tcp, 1);
	assert_string_equal(cfg.tls_host, "");
	assert_int_equal(cfg.tls_verify, 1);
	assert_int_equal(cfg.tls_client_cert, 0); /* optional */
	assert_int_equal(cfg.trunks[0].transport, CFG_TP_UDP);
	assert_int_equal(cfg.trunks[0].port, 5060);
	cfg_errors_release(&e);
}

static void transports_bad(void **state)
{
	static const char *const bad[][2] = {
		/* a bare IPv6 literal has no port: this is not ::1 port 99999 */
		{ "[sip]\nlisten = ::1:99999\n",
		  "[sip] listen: '::1:99999' is not an IPv4 or IPv6 address" },
		{ "[sip]\nlisten = [::1\n",
		  "[sip] listen: '[::1': expected [address]:port" },
		{ "[sip]\nlisten = [::g]:5060\n",
		  "[sip] listen: '::g' is not an IPv4 or IPv6 address" },
		{ "[sip]\ntcp = maybe\n", "[sip] tcp: " },
		{ "[sip]\ntls_verify = sometimes\n", "[sip] tls_verify: " },
		{ "[sip]\ntls_listen = 127.0.0.1:5061\n",
		  "[sip] tls_listen: needs tls_cert" },
		{ "[sip]\ntls_listen = 127.0.0.1:5061\ntls_cert = /c.pem\n",
		  "[sip] tls_verify: peer needs tls_ca (or tls_verify = none)" },
		{ "[sip]\ntcp_max_conns = 0\n", "[sip] tcp_max_conns: " },
		/* access: mutual TLS needs the CA client certificates chain to */
		{ "[sip]\ntls_client_cert = always\n",
		  "[sip] tls_client_cert: " },
		{ "[sip]\ntls_listen = 127.0.0.1:5061\ntls_cert = /c.pem\n"
		  "tls_verify = none\ntls_client_cert = require\n",
		  "[sip] tls_client_cert: require needs tls_ca" },
		{ "[trunk a]\ntransport = sctp\n", "[trunk a] transport: " },
		{ "[sip]\nlisten2 = 127.0.0.2:5060\n",
		  "[sip] listen2: must be of the other IP family than listen" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors e = { 0 };

		snprintf(text, sizeof(text),
			 "%s[trunk a]\naddress = 192.0.2.1\n%s", bad[i][0],
			 span_route);
		/* a duplicate [trunk a] would add its own error */
		if (strstr(bad[i][0], "[trunk a]"))
			snprintf(
				text, sizeof(text),
				"[trunk a]\naddress = 192.0.2.1\ntransport = sctp\n%s",
				span_route);
		assert_int_not_equal(load_text(text, &e), 0);
		assert_non_null(e.text);
		if (!strstr(e.text, bad[i][1]))
			fail_msg("case %zu: want '%s', got:\n%s", i, bad[i][1],
				 e.text);
		cfg_errors_release(&e);
	}
}

/* ---- encryption (issue 8): srtp, srtp_suites, the clear-transport
 * warning ---- */

static void srtp_options(void **state)
{
	char text[1024], out[512] = "";
	struct cfg_errors e = { 0 };
	FILE *w;

	snprintf(text, sizeof(text),
		 "[sip]\ntls_verify = none\n"
		 "[trunk a]\naddress = 192.0.2.1\nsrtp = required\n"
		 "srtp_suites = AES_256_CM_HMAC_SHA1_32, "
		 "aes_cm_128_hmac_sha1_80\n"
		 "[trunk b]\naddress = 192.0.2.2\ntransport = tls\n"
		 "srtp = optional\n"
		 "[trunk c]\naddress = 192.0.2.3\n%s",
		 span_route);
	assert_int_equal(load_text(text, &e), 0);
	assert_int_equal(cfg.trunks[0].srtp, SDP_SRTP_REQUIRED);
	assert_string_equal(cfg.trunks[0].srtp_suites,
			    "AES_256_CM_HMAC_SHA1_32, aes_cm_128_hmac_sha1_80");
	assert_int_equal(cfg.trunks[1].srtp, SDP_SRTP_OPTIONAL);
	/* defaults: no SRTP, the two AES_CM_128 suites */
	assert_int_equal(cfg.trunks[2].srtp, SDP_SRTP_NO);
	assert_string_equal(cfg.trunks[2].srtp_suites,
			    "AES_CM_128_HMAC_SHA1_80,AES_CM_128_HMAC_SHA1_32");
	/* only trunk a (udp) is warned about; b is tls, c has no SRTP */
	w = fmemopen(out, sizeof(out), "w");
	assert_int_equal(cfg_warnings(&cfg, "t.conf", w), 1);
	fclose(w);
	assert_non_null(strstr(out, "t.conf:3: [trunk a] srtp: warning: SRTP "
				    "keys travel in the SDP in the clear over "
				    "udp; use transport = tls"));
	cfg_errors_release(&e);
}

static void srtp_options_bad(void **state)
{
	static const char *const bad[][2] = {
		{ "srtp = always\n", "[trunk a] srtp: " },
		{ "srtp_suites = F8_128_HMAC_SHA1_80\n",
		  "[trunk a] srtp_suites: unknown suite 'F8_128_HMAC_SHA1_80'" },
		{ "srtp_suites = AES_CM_128_HMAC_SHA1_80,"
		  "AES_CM_128_HMAC_SHA1_80\n",
		  "suite 'AES_CM_128_HMAC_SHA1_80' listed twice" },
		{ "srtp_suites = ,\n", "at least one suite is needed" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors e = { 0 };

		snprintf(text, sizeof(text),
			 "[trunk a]\naddress = 192.0.2.1\n%s%s", bad[i][0],
			 span_route);
		assert_int_not_equal(load_text(text, &e), 0);
		assert_non_null(e.text);
		if (!strstr(e.text, bad[i][1]))
			fail_msg("case %zu: want '%s', got:\n%s", i, bad[i][1],
				 e.text);
		cfg_errors_release(&e);
	}
}

/* The shipped configurations must be valid. */
static void shipped_confs_load(void **state)
{
	static const char *const files[] = { "conf/demo.conf",
					     "conf/pstngw.conf" };

	for (size_t i = 0; i < 2; i++) {
		struct cfg_errors e = { 0 };

		if (cfg_load(&cfg, files[i], &e))
			fail_msg("%s: %s", files[i], e.text);
		cfg_errors_release(&e);
	}
}

/* conf/pstngw.conf.sample is what the option table generates. */
static void shipped_sample_current(void **state)
{
	char *want = NULL, got[65536];
	size_t wlen = 0;
	FILE *f = open_memstream(&want, &wlen);
	FILE *s = fopen("conf/pstngw.conf.sample", "r");
	size_t glen;

	cfg_write_sample(f);
	fclose(f);
	assert_non_null(s);
	glen = fread(got, 1, sizeof(got), s);
	fclose(s);
	if (glen != wlen || memcmp(got, want, wlen))
		fail_msg(
			"conf/pstngw.conf.sample is stale: run "
			"build/pstngw --sample-config > conf/pstngw.conf.sample");
	free(want);
}

/* [span N] PRI options: parsed, defaults, and the timer table that the
 * gateway hands to tdm_span_set_timer(). */
static void pri_options(void **state)
{
	struct cfg_errors e = { 0 };
	const struct cfg_span *s;

	assert_int_equal(cfg_load(&cfg, FIX "pri.conf", &e), 0);
	assert_int_equal(e.count, 0);
	s = &cfg.spans[0];
	assert_int_equal(s->hunt, 4); /* rr_descending, enum tdm_hunt */
	assert_int_equal(s->overlap, 1);
	assert_int_equal(s->overlap_digits, 10);
	assert_int_equal(s->service_messages, 0);
	assert_int_equal(s->restart_on_start, 0);
	assert_int_equal(s->dchan_rate_limit, 1);
	assert_int_equal(s->t200_ms, 500);
	assert_int_equal(s->n200, 4);
	assert_int_equal(s->k, 5);
	assert_int_equal(s->t309_ms, 15000);
	assert_int_equal(s->n316, 3);
	s = &cfg.spans[1];
	assert_int_equal(s->overlap, 0);
	assert_int_equal(s->service_messages, 1);
	assert_int_equal(s->restart_on_start, 1);
	assert_int_equal(s->t303_ms, 0); /* libpri's default */
	/* the table names every timer option once, with its field */
	for (size_t i = 0; cfg_span_timers[i].name; i++)
		assert_true(cfg_span_timers[i].off < sizeof(struct cfg_span));
	assert_int_equal(
		*(const unsigned *)(const void *)((const char *)&cfg.spans[0] +
						  cfg_span_timers[5].off),
		2000); /* T303 */
	assert_string_equal(cfg_span_timers[5].name, "T303");
	cfg_errors_release(&e);
}

static void pri_options_bad(void **state)
{
	static const char *const want[] = {
		FIX
		"pri-bad.conf:3: [span 1] hunt: unknown value 'sideways' (expected: default, ascending, descending, rr_ascending, rr_descending, lru)",
		FIX
		"pri-bad.conf:4: [span 1] t303_ms: 700000 out of range (0..600000)",
		FIX
		"pri-bad.conf:5: [span 1] overlap: unknown value 'maybe' (expected: no, yes)",
		FIX
		"pri-bad.conf:6: [span 2] hunt: 'lru' differs from span 1 of group 'pri' ('default')",
	};

	expect_errors(FIX "pri-bad.conf", want, 4);
}

/* ---- [fax] (issue 6) ------------------------------------------------ */

static void fax_options(void **state)
{
	char text[1024];
	struct cfg_errors e = { 0 };

	snprintf(text, sizeof(text), "[trunk a]\naddress = 192.0.2.1\n%s",
		 span_route);
	assert_int_equal(load_text(text, &e), 0);
	/* defaults */
	assert_int_equal(cfg.fax.mode, CFG_FAX_T38);
	assert_int_equal(cfg.fax.initiate, CFG_FAX_INIT_PSTN_DETECT);
	assert_int_equal(cfg.fax.detect, CFG_FAX_DET_ANY);
	assert_int_equal(cfg.fax.wait_ms, 1500);
	assert_int_equal(cfg.fax.version, 3);
	assert_int_equal(cfg.fax.max_bitrate, 14400);
	assert_int_equal(cfg.fax.ec, CFG_FAX_EC_REDUNDANCY);
	assert_int_equal(cfg.fax.watchdog_ms, 30000);
	assert_int_equal(cfg.fax.g711_jitter_ms, 160);
	assert_int_equal(cfg.fax.idle_release, 0);
	assert_int_equal(cfg.trunks[0].fax_mode, -1);
	assert_int_equal(cfg.trunks[0].fax_initiate, -1);
	cfg_errors_release(&e);
	snprintf(text, sizeof(text),
		 "[fax]\nmode = g711\ninitiate = sip-only\ndetect = v21\n"
		 "wait_ms = 0\nt38_version = 0\nmax_bitrate = 9600\n"
		 "error_correction = fec\nnsx_suppress = yes\n"
		 "trace_dir = /var/tmp\nidle_release = yes\n"
		 "[trunk a]\naddress = 192.0.2.1\nfax_mode = off\n"
		 "fax_initiate = pstn-detect\n%s",
		 span_route);
	assert_int_equal(load_text(text, &e), 0);
	assert_int_equal(cfg.fax.mode, CFG_FAX_G711);
	assert_int_equal(cfg.fax.initiate, CFG_FAX_INIT_SIP_ONLY);
	assert_int_equal(cfg.fax.detect, CFG_FAX_DET_V21);
	assert_int_equal(cfg.fax.wait_ms, 0);
	assert_int_equal(cfg.fax.version, 0);
	assert_int_equal(cfg.fax.max_bitrate, 9600);
	assert_int_equal(cfg.fax.ec, CFG_FAX_EC_FEC);
	assert_int_equal(cfg.fax.nsx_suppress, 1);
	assert_string_equal(cfg.fax.trace_dir, "/var/tmp");
	assert_int_equal(cfg.fax.idle_release, 1);
	assert_int_equal(cfg.trunks[0].fax_mode, CFG_FAX_OFF);
	assert_int_equal(cfg.trunks[0].fax_initiate, CFG_FAX_INIT_PSTN_DETECT);
	cfg_errors_release(&e);
}

static void fax_options_bad(void **state)
{
	static const char *const bad[][2] = {
		{ "[fax]\nmode = t30\n",
		  "t.conf:2: [fax] mode: unknown value 't30' (expected: t38, "
		  "g711, off)" },
		{ "[fax]\nt38_version = 4\n",
		  "t.conf:2: [fax] t38_version: 4 out of range (0..3)" },
		/* no V.34: 33600 cannot be asked for */
		{ "[fax]\nmax_bitrate = 33600\n",
		  "t.conf:2: [fax] max_bitrate: 33600 out of range" },
		{ "[fax]\nwatchdog_ms = 10\n",
		  "t.conf:2: [fax] watchdog_ms: 10 out of range" },
		{ "[fax]\ng711_jitter_ms = 501\n",
		  "t.conf:2: [fax] g711_jitter_ms: 501 out of range" },
		{ "[fax]\nredundancy_image = 9\n",
		  "t.conf:2: [fax] redundancy_image: 9 out of range" },
		{ "[fax]\nmax_datagram = 50\n",
		  "t.conf:2: [fax] max_datagram: 50 out of range" },
		{ "[fax]\ninitiate = always\n", "t.conf:2: [fax] initiate: " },
		{ "[fax]\nidle_release = sometimes\n",
		  "t.conf:2: [fax] idle_release: unknown value 'sometimes' "
		  "(expected: no, yes)" },
		{ "[fax]\nbogus = 1\n",
		  "t.conf:2: [fax] unknown option 'bogus'" },
		{ "[fax x]\n",
		  "t.conf:1: unknown section [fax x] (expected: general, sip, media, fax," },
		{ "[trunk b]\naddress = 192.0.2.2\nfax_mode = maybe\n",
		  "t.conf:3: [trunk b] fax_mode: unknown value 'maybe'" },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors e = { 0 };

		snprintf(text, sizeof(text),
			 "%s[trunk a]\naddress = 192.0.2.1\n%s", bad[i][0],
			 span_route);
		assert_int_equal(load_text(text, &e), EINVAL);
		if (!strstr(e.text, bad[i][1]))
			fail_msg("case %zu: want '%s' in '%s'", i, bad[i][1],
				 e.text);
		cfg_errors_release(&e);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(load_ok),
		cmocka_unit_test(bad_values),
		cmocka_unit_test(bad_refs),
		cmocka_unit_test(bad_syntax),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(sample_loads),
		cmocka_unit_test(shipped_confs_load),
		cmocka_unit_test(shipped_sample_current),
		cmocka_unit_test(pri_options),
		cmocka_unit_test(pri_options_bad),
		cmocka_unit_test(transports_ok),
		cmocka_unit_test(transports_bad),
		cmocka_unit_test(srtp_options),
		cmocka_unit_test(srtp_options_bad),
		cmocka_unit_test(fax_options),
		cmocka_unit_test(fax_options_bad),
	};

	return cmocka_run_group_tests_name("gateway_cfg", tests, NULL, NULL);
}
