/* tools/sipfax/opts.c: the command line (defaults, every option, every
 * bound and mistake with its message), spool file names and the
 * machine-readable result line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"
#include "tools/sipfax/opts.h"

static struct sf_opts o;
static char err[256];

/* Parses a NULL-terminated list after the program name. */
static int parse(const char *first, ...)
{
	char *argv[40] = { "sipfax" };
	int argc = 1;
	va_list ap;

	va_start(ap, first);
	for (const char *a = first; a && argc < 39;
	     a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	err[0] = '\0';
	return sf_opts_parse(&o, argc, argv, err, sizeof(err));
}

static void test_send_defaults(void **state)
{
	assert_int_equal(parse("send", "a.tif", "sip:fax@127.0.0.1:5080", NULL),
			 0);
	assert_true(o.send);
	assert_string_equal(o.file, "a.tif");
	assert_string_equal(o.uri, "sip:fax@127.0.0.1:5080");
	assert_string_equal(o.listen_ip, "127.0.0.1");
	assert_int_equal(o.listen_port, 0);
	assert_int_equal(o.offer, SF_OFFER_AUDIO);
	assert_true(o.ecm);
	assert_int_equal(o.redundancy, 3);
	assert_int_equal(o.max_datagram, 400);
	assert_int_equal(o.version, 0);
	assert_int_equal(o.timeout_s, 300);
	assert_int_equal(o.media_port, 40000);
	assert_string_equal(o.from, "sipfax");
	assert_false(o.refuse_t38);
	assert_false(o.refuse_audio);
	assert_false(o.local_tcf);
	assert_int_equal(o.srtp_suite, -1);
	assert_false(o.bad_return_crypto);
	assert_int_equal(o.return_audio, SF_RETURN_NONE);
}

static void test_recv_all_options(void **state)
{
	assert_int_equal(
		parse("recv", "--spool", "/tmp", "--listen", "[::1]:5090",
		      "--media-ip", "127.0.0.2", "--media-port", "30000",
		      "--count", "3", "--refuse-t38", "--refuse-audio",
		      "--local-tcf", "--t38-reinvite", "--ecm", "off",
		      "--redundancy", "5", "--fec", "--max-datagram", "1400",
		      "--version", "3", "--codec", "pcma", "--ident",
		      "+1 555 0100", "--timeout", "60", "--faxes-per-call", "2",
		      "--bye-wait", "9000", "-v", NULL),
		0);
	assert_false(o.send);
	assert_string_equal(o.spool, "/tmp");
	assert_string_equal(o.listen_ip, "::1");
	assert_int_equal(o.listen_port, 5090);
	assert_string_equal(o.media_ip, "127.0.0.2");
	assert_int_equal(o.media_port, 30000);
	assert_int_equal(o.count, 3);
	assert_true(o.refuse_t38);
	assert_true(o.refuse_audio);
	assert_true(o.local_tcf);
	assert_true(o.t38_reinvite);
	assert_false(o.ecm);
	assert_int_equal(o.redundancy, 5);
	assert_true(o.fec);
	assert_int_equal(o.max_datagram, 1400);
	assert_int_equal(o.version, 3);
	assert_true(o.law_alaw);
	assert_string_equal(o.ident, "+1 555 0100");
	assert_int_equal(o.timeout_s, 60);
	assert_int_equal(o.faxes_per_call, 2);
	assert_int_equal(o.bye_wait_ms, 9000);
	assert_true(o.verbose);
	/* recv defaults */
	assert_int_equal(parse("recv", "--spool", "d", NULL), 0);
	assert_int_equal(o.listen_port, 5060);
	assert_int_equal(o.timeout_s, 0);
	assert_int_equal(o.count, 0);
	/* FEC without redundancy depth still has a depth for control */
	assert_int_equal(parse("recv", "--spool", "d", "--redundancy", "0",
			       "--fec", NULL),
			 0);
	assert_int_equal(o.redundancy, 3);
}

static void test_offers(void **state)
{
	assert_int_equal(parse("send", "--offer", "t38", "a", "sip:x@h", NULL),
			 0);
	assert_int_equal(o.offer, SF_OFFER_T38);
	assert_int_equal(parse("send", "--offer", "both", "a", "sip:x@h", NULL),
			 0);
	assert_int_equal(o.offer, SF_OFFER_BOTH);
}

/* SRTP on audio: any SDES suite the media library knows, by name in any
 * case; the broken return answer only with it, in either command. */
static void test_srtp(void **state)
{
	assert_int_equal(parse("recv", "--spool", "d", "--srtp",
			       "AES_CM_128_HMAC_SHA1_80", NULL),
			 0);
	assert_int_equal(o.srtp_suite, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80);
	assert_false(o.bad_return_crypto);
	assert_int_equal(parse("send", "--srtp", "aead_aes_256_gcm",
			       "--bad-return-crypto", "a", "sip:x@h", NULL),
			 0);
	assert_int_equal(o.srtp_suite, MEDIA_SRTP_AEAD_AES_256_GCM);
	assert_true(o.bad_return_crypto);
	/* the order of the two does not matter */
	assert_int_equal(parse("recv", "--bad-return-crypto", "--spool", "d",
			       "--srtp", "AES_CM_128_HMAC_SHA1_32", NULL),
			 0);
	assert_true(o.bad_return_crypto);
	assert_int_equal(o.srtp_suite, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32);
}

/* Our own re-INVITE back to audio after a T.38 fax: as our audio, or
 * plain RTP (with or without --srtp). */
static void test_return_audio(void **state)
{
	assert_int_equal(
		parse("recv", "--spool", "d", "--return-audio", "same", NULL),
		0);
	assert_int_equal(o.return_audio, SF_RETURN_SAME);
	assert_int_equal(parse("send", "--return-audio", "plain", "--srtp",
			       "AES_CM_128_HMAC_SHA1_80", "a", "sip:x@h", NULL),
			 0);
	assert_int_equal(o.return_audio, SF_RETURN_PLAIN);
	assert_int_equal(o.srtp_suite, MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80);
}

static void test_help(void **state)
{
	assert_int_equal(parse("--help", NULL), EAGAIN);
	assert_int_equal(parse("send", "-h", NULL), EAGAIN);
	assert_int_equal(parse("recv", "--help", NULL), EAGAIN);
}

struct bad_case {
	const char *args[6];
	const char *msg;
};

static void test_bad_options(void **state)
{
	static const struct bad_case cases[] = {
		{ { NULL }, "a command is needed" },
		{ { "fax", NULL }, "unknown command 'fax'" },
		{ { "send", "a.tif", NULL }, "send needs FILE.tif" },
		{ { "send", "a", "b", "c", NULL }, "send needs FILE.tif" },
		{ { "send", "a", "tel:123", NULL }, "not a sip:USER@HOST" },
		{ { "send", "a", "sip:host", NULL }, "not a sip:USER@HOST" },
		{ { "recv", NULL }, "recv needs --spool" },
		{ { "recv", "--spool", "d", "extra", NULL }, "no arguments" },
		{ { "recv", "--spool", "d", "--offer", "t38", NULL },
		  "--offer is a send option" },
		{ { "send", "--spool", "d", "a", "sip:x@h", NULL },
		  "recv options" },
		{ { "recv", "--spool", "d", "--redundancy", "9", NULL },
		  "--redundancy: 0..8" },
		{ { "recv", "--spool", "d", "--redundancy", "-1", NULL },
		  "--redundancy: 0..8" },
		{ { "recv", "--spool", "d", "--version", "4", NULL },
		  "--version: 0..3" },
		{ { "recv", "--spool", "d", "--version", "2x", NULL },
		  "--version: 0..3" },
		{ { "recv", "--spool", "d", "--max-datagram", "63", NULL },
		  "--max-datagram: 64..1400" },
		{ { "recv", "--spool", "d", "--count", "0", NULL },
		  "--count: 1..1000000" },
		{ { "recv", "--spool", "d", "--faxes-per-call", "0", NULL },
		  "--faxes-per-call: 1..16" },
		{ { "recv", "--spool", "d", "--faxes-per-call", "17", NULL },
		  "--faxes-per-call: 1..16" },
		{ { "recv", "--spool", "d", "--bye-wait", "99", NULL },
		  "--bye-wait: 100..600000" },
		{ { "recv", "--spool", "d", "--bye-wait", "600001", NULL },
		  "--bye-wait: 100..600000" },
		{ { "send", "--faxes-per-call", "2", "a", "sip:x@h", NULL },
		  "recv options" },
		{ { "send", "--bye-wait", "200", "a", "sip:x@h", NULL },
		  "recv options" },
		{ { "recv", "--spool", "d", "--timeout", "", NULL },
		  "--timeout: 1..86400" },
		{ { "recv", "--spool", "d", "--ecm", "yes", NULL },
		  "--ecm: on or off" },
		{ { "recv", "--spool", "d", "--codec", "g729", NULL },
		  "--codec: pcmu or pcma" },
		{ { "recv", "--spool", "d", "--listen", "5060", NULL },
		  "--listen: expected IP:PORT" },
		{ { "recv", "--spool", "d", "--listen", "h:70000", NULL },
		  "--listen: expected IP:PORT" },
		{ { "recv", "--spool", "d", "--listen", "[::1:5060", NULL },
		  "--listen: expected IP:PORT" },
		{ { "recv", "--spool", "d", "--media-port", "80", NULL },
		  "--media-port: 1024..64534" },
		{ { "recv", "--spool", "d", "--ident", "123456789012345678901",
		    NULL },
		  "--ident: at most 20" },
		{ { "recv", "--spool", "d", "--bogus", NULL },
		  "unknown option" },
		{ { "recv", "--spool", NULL }, "missing value" },
		{ { "recv", "--spool", "d", "--srtp", "F8_128_HMAC_SHA1_80",
		    NULL },
		  "--srtp: an SDES suite" },
		{ { "recv", "--spool", "d", "--srtp", "", NULL },
		  "--srtp: an SDES suite" },
		{ { "recv", "--spool", "d", "--srtp", NULL }, "missing value" },
		{ { "recv", "--spool", "d", "--bad-return-crypto", NULL },
		  "--bad-return-crypto needs --srtp" },
		{ { "recv", "--spool", "d", "--return-audio", "srtp", NULL },
		  "--return-audio: same or plain, got 'srtp'" },
		{ { "recv", "--spool", "d", "--return-audio", NULL },
		  "missing value" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *const *a = cases[i].args;

		assert_int_equal(
			parse(a[0], a[0] ? a[1] : NULL,
			      a[0] && a[1] ? a[2] : NULL,
			      a[0] && a[1] && a[2] ? a[3] : NULL,
			      a[0] && a[1] && a[2] && a[3] ? a[4] : NULL, NULL),
			EINVAL);
		if (!strstr(err, cases[i].msg))
			fail_msg("case %zu: '%s' lacks '%s'", i, err,
				 cases[i].msg);
	}
}

static void test_spool_name(void **state)
{
	char buf[128];

	/* 2026-11-25 15:01:23 UTC */
	assert_int_equal(sf_spool_name("/var/spool/fax", 1795618883,
				       "a8f@127.0.0.1", buf, sizeof(buf)),
			 0);
	assert_string_equal(
		buf, "/var/spool/fax/20261125T150123Z-a8f_127.0.0.1.tif");
	/* nothing from the Call-ID can leave the directory or hide */
	assert_int_equal(
		sf_spool_name("d", 0, "../../etc/passwd", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "d/19700101T000000Z-_._.._etc_passwd.tif");
	assert_int_equal(sf_spool_name("d", 0, ".x y", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "d/19700101T000000Z-_x_y.tif");
	assert_int_equal(sf_spool_name("d", 0, "", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "d/19700101T000000Z-x.tif");
	assert_int_equal(sf_spool_name("d", 0, "abc", buf, 20), ENAMETOOLONG);
}

/* A call's later faxes: the first name with -N before .tif. */
static void test_spool_next(void **state)
{
	char buf[64];

	assert_int_equal(
		sf_spool_next("d/20261125T000000Z-ab.tif", 2, buf, sizeof(buf)),
		0);
	assert_string_equal(buf, "d/20261125T000000Z-ab-2.tif");
	assert_int_equal(sf_spool_next("d/x.tif", 16, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "d/x-16.tif");
	/* no .tif: the number goes at the end */
	assert_int_equal(sf_spool_next("d/x", 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "d/x-3");
	assert_int_equal(sf_spool_next(".tif", 2, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "-2.tif");
	/* no room: an error, not a cut name */
	assert_int_equal(sf_spool_next("d/x.tif", 2, buf, 9), ENAMETOOLONG);
}

static void test_result_line(void **state)
{
	struct sf_term_result r = {
		.mode = SF_MODE_T38,
		.code = 0,
		.text = "OK",
		.pages = 3,
		.pages_in_file = 3,
		.bit_rate = 14400,
		.ecm = true,
		.pkts_tx = 10,
		.pkts_rx = 20,
		.recovered = 2,
		.lost = 1,
		.bad = 4,
	};
	char buf[512];

	assert_int_equal(
		sf_result_line(buf, sizeof(buf), true, "/x.tif", "id@h", &r),
		0);
	assert_string_equal(
		buf, "result=ok dir=send mode=t38 file=/x.tif callid=id@h "
		     "pages=3 pages_in_file=3 bit_rate=14400 ecm=1 "
		     "t30_code=0 t38_sent=10 t38_received=20 "
		     "t38_recovered=2 t38_lost=1 t38_bad=4 "
		     "t30_text=\"OK\"");
	/* a page short is a failed send, whatever T.30 said */
	r.pages = 2;
	assert_int_equal(
		sf_result_line(buf, sizeof(buf), true, "/x.tif", NULL, &r), 0);
	assert_non_null(strstr(buf, "result=failed "));
	assert_non_null(strstr(buf, "callid=- "));
	/* a receive of 2 pages is fine; quotes in the text are replaced */
	r.mode = SF_MODE_AUDIO;
	r.code = 49;
	r.text = "Bad \"thing\"";
	assert_int_equal(sf_result_line(buf, sizeof(buf), false, "f", "c", &r),
			 0);
	assert_non_null(strstr(buf, "result=failed dir=recv mode=g711 "));
	assert_non_null(strstr(buf, "t30_code=49 "));
	assert_non_null(strstr(buf, "t30_text=\"Bad 'thing'\""));
	assert_int_equal(sf_result_line(buf, 40, false, "f", "c", &r), ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_send_defaults),
		cmocka_unit_test(test_recv_all_options),
		cmocka_unit_test(test_offers),
		cmocka_unit_test(test_srtp),
		cmocka_unit_test(test_return_audio),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_bad_options),
		cmocka_unit_test(test_spool_name),
		cmocka_unit_test(test_spool_next),
		cmocka_unit_test(test_result_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
