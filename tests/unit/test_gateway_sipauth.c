/*
 * gateway/sipauth.c and its [trunk] options in cfg.c: registrations
 * started from the configuration, their removal on shutdown holding the
 * exit until answered, trunk credentials for calls, and the inbound
 * challenge policy by source address. The SIP stack runs on the fake
 * hooks of the SIP unit tests (virtual time, captured datagrams).
 */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>
#include <syslog.h>
#include "gateway/gw.h"

static struct gw gw;

static int load(const char *text, struct cfg_errors *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	int err = cfg_load_stream(&gw.cfg, f, "t.conf", e);
	fclose(f);
	return err;
}

#define BASE                               \
	"[sip]\nlisten = 192.0.2.1:5060\n" \
	"[trunk itsp]\naddress = 192.0.2.10:5060\n"

static const char good[] = BASE "user = 5551000\n"
				"auth_user = gwauth\n"
				"password = s3cret\n"
				"domain = pstngw.test\n"
				"register = yes\n"
				"registrar = 192.0.2.10:5080\n"
				"expires = 600\n"
				"inbound_user = itsp\n"
				"inbound_password = inpw\n"
				"[trunk plain]\naddress = 192.0.2.20\n";

static void sipauth_cfg(void **state)
{
	struct cfg_errors e;
	(void)state;
	assert_int_equal(load(good, &e), 0);
	const struct cfg_trunk *t = &gw.cfg.trunks[0];
	assert_string_equal(t->user, "5551000");
	assert_string_equal(t->auth_user, "gwauth");
	assert_string_equal(t->password, "s3cret");
	assert_string_equal(t->domain, "pstngw.test");
	assert_int_equal(t->reg, 1);
	assert_string_equal(t->reg_host, "192.0.2.10");
	assert_int_equal(t->reg_port, 5080);
	assert_int_equal(t->expires, 600);
	assert_string_equal(t->in_user, "itsp");
	/* defaults */
	t = &gw.cfg.trunks[1];
	assert_int_equal(t->reg, 0);
	assert_int_equal(t->expires, 3600);
	assert_string_equal(t->password, "");
	const char *u, *p;
	gw_sipauth_call_creds(&gw.cfg.trunks[0], &u, &p);
	assert_string_equal(u, "gwauth");
	assert_string_equal(p, "s3cret");
	gw_sipauth_call_creds(&gw.cfg.trunks[1], &u, &p);
	assert_null(u);
	assert_null(p);
	cfg_errors_release(&e);
}

static void sipauth_cfg_bad(void **state)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ BASE "register = yes\n",
		  "t.conf:3: [trunk itsp] register: needs user" },
		{ BASE "password = x\n",
		  "[trunk itsp] password: needs user or auth_user" },
		{ BASE "inbound_password = x\n",
		  "[trunk itsp] inbound_password: needs inbound_user" },
		{ BASE "password = a\"b\n",
		  "t.conf:5: [trunk itsp] password: control characters, quotes and backslashes are not allowed" },
		{ BASE "expires = 10\n",
		  "t.conf:5: [trunk itsp] expires: 10 out of range (60..86400)" },
		{ BASE "register = maybe\n",
		  "[trunk itsp] register: unknown value 'maybe' (expected: no, yes)" },
		{ BASE "registrar = 192.0.2.10:99999\n",
		  "[trunk itsp] registrar: '99999': bad port" },
		{ "[sip]\nrealm = a\\b\n",
		  "t.conf:2: [sip] realm: control characters" },
		{ "[sip]\nauth_algorithms = md5,sha-1\n",
		  "t.conf:2: [sip] auth_algorithms: unknown algorithm 'sha-1' (expected: sha-256, sha-512-256, md5)" },
		{ "[sip]\nauth_algorithms = ,\n",
		  "[sip] auth_algorithms: at least one algorithm is needed" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors e;
		assert_int_not_equal(load(bad[i].text, &e), 0);
		if (!e.text || !strstr(e.text, bad[i].err))
			fail_msg("want: %s\ngot: %s", bad[i].err,
				 e.text ? e.text : "(none)");
		cfg_errors_release(&e);
	}
}

static void setup_gw(const char *text)
{
	struct cfg_errors e;
	memset(&gw, 0, sizeof(gw));
	assert_int_equal(load(text, &e), 0);
	cfg_errors_release(&e);
	gw.loop = gw_loop_alloc();
	assert_non_null(gw.loop);
	gw.sip = fk_stack();
}

static void teardown_gw(void)
{
	gw_sipauth_stop(&gw);
	fk_advance(100000);
	fk_done();
	gw_loop_free(gw.loop);
}

static void hdr_is(unsigned i, const char *name, const char *want)
{
	char v[512];
	assert_true(fk_hdr(i, name, v, sizeof(v)));
	assert_string_equal(v, want);
}

static void sipauth_register(void **state)
{
	(void)state;
	setup_gw(good);
	assert_int_equal(gw_sipauth_start(&gw), 0);
	/* one REGISTER, to the registrar address, for the trunk's domain */
	assert_int_equal(fk.nsent, 1);
	assert_true(fk_is(0, "REGISTER sip:pstngw.test"));
	char a[64];
	assert_string_equal(sip_addr_str(&fk.sent[0].dst, a, sizeof(a)),
			    "192.0.2.10:5080");
	hdr_is(0, "To", "<sip:5551000@pstngw.test>");
	hdr_is(0, "Contact", "<sip:5551000@192.0.2.1:5060>");
	hdr_is(0, "Expires", "600");
	fk_answer(0, 401, "t",
		  "WWW-Authenticate: Digest realm=\"pstngw.test\", "
		  "nonce=\"abc\", qop=\"auth\", algorithm=SHA-256\r\n");
	assert_int_equal(fk.nsent, 2);
	char v[1024];
	assert_true(fk_hdr(1, "Authorization", v, sizeof(v)));
	assert_non_null(strstr(v, "username=\"gwauth\""));
	assert_non_null(strstr(v, "uri=\"sip:pstngw.test\""));
	fk_answer(1, 200, "t", "Expires: 600\r\n");
	assert_int_equal(sip_reg_state(gw.regs[0]), SIP_REG_REGISTERED);
	assert_null(gw.regs[1]); /* register = no */
	assert_int_equal(gw_sipauth_pending(&gw), 0);

	/* shutdown: the removal holds the exit until it is answered */
	gw.stopping = true;
	gw_sipauth_shutdown(&gw);
	assert_int_equal(fk.nsent, 3);
	hdr_is(2, "Expires", "0");
	assert_int_equal(gw_sipauth_pending(&gw), 1);
	gw_calls_drained(&gw); /* the calls are gone: not yet */
	assert_false(gw_loop_stopped(gw.loop));
	fk_answer(2, 200, "t", NULL);
	assert_int_equal(gw_sipauth_pending(&gw), 0);
	assert_true(gw_loop_stopped(gw.loop));
	teardown_gw();
}

static void sipauth_register_own_port(void **state)
{
	(void)state;
	/* no domain, a port of its own: the Request-URI keeps the port */
	setup_gw(BASE "[trunk kam]\naddress = 192.0.2.30:5080\nuser = gw\n"
		      "register = yes\n");
	assert_int_equal(gw_sipauth_start(&gw), 0);
	assert_true(fk_is(0, "REGISTER sip:192.0.2.30:5080"));
	hdr_is(0, "To", "<sip:gw@192.0.2.30>");
	assert_false(fk_hdr(0, "Authorization", (char[8]){ 0 }, 8));
	/* shutdown before any answer: un-REGISTER all the same */
	gw.stopping = true;
	gw_sipauth_shutdown(&gw);
	assert_true(fk_is(1, "REGISTER"));
	hdr_is(1, "Expires", "0");
	teardown_gw();
}

static void sipauth_inbound(void **state)
{
	(void)state;
	setup_gw(good);
	assert_int_equal(gw_sipauth_start(&gw), 0);
	unsigned n = fk.nsent;
	/* from the trunk's IP (another port): challenged */
	struct sip_addr src;
	sip_addr_set(&src, "192.0.2.10", 5999);
	const char *inv =
		"INVITE sip:2125551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5999;branch=z9hG4bKi1\r\n"
		"From: <sip:a@192.0.2.10>;tag=f\r\n"
		"To: <sip:2125551234@192.0.2.1>\r\nCall-ID: i1\r\n"
		"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_stack_recv(gw.sip, &src, inv, strlen(inv)), 0);
	assert_int_equal(fk_code(n), 401);
	assert_non_null(strstr(fk.sent[n].buf, "realm=\"192.0.2.1\""));
	/* from elsewhere: not asked (OPTIONS answered 200) */
	sip_addr_set(&src, "192.0.2.99", 5060);
	const char *opt = "OPTIONS sip:192.0.2.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKo1\r\n"
			  "From: <sip:a@192.0.2.99>;tag=f\r\n"
			  "To: <sip:192.0.2.1>\r\nCall-ID: o1\r\n"
			  "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_stack_recv(gw.sip, &src, opt, strlen(opt)), 0);
	assert_int_equal(fk_code(n + 1), 200);
	teardown_gw();
}

static void sipauth_realm(void **state)
{
	(void)state;
	setup_gw(BASE "inbound_user = u\ninbound_password = p\n"
		      "[sip]\nrealm = gw.example\nauth_algorithms = md5\n");
	assert_int_equal(gw_sipauth_start(&gw), 0);
	assert_int_equal(fk.nsent, 0); /* no registration */
	struct sip_addr src;
	sip_addr_set(&src, "192.0.2.10", 5060);
	const char *opt = "OPTIONS sip:192.0.2.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKo1\r\n"
			  "From: <sip:a@192.0.2.10>;tag=f\r\n"
			  "To: <sip:192.0.2.1>\r\nCall-ID: o1\r\n"
			  "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_stack_recv(gw.sip, &src, opt, strlen(opt)), 0);
	assert_int_equal(fk_code(0), 401);
	assert_non_null(strstr(fk.sent[0].buf, "realm=\"gw.example\""));
	assert_non_null(strstr(fk.sent[0].buf, "algorithm=MD5"));
	assert_null(strstr(fk.sent[0].buf, "SHA-256"));
	teardown_gw();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sipauth_cfg),
		cmocka_unit_test(sipauth_cfg_bad),
		cmocka_unit_test(sipauth_register),
		cmocka_unit_test(sipauth_register_own_port),
		cmocka_unit_test(sipauth_inbound),
		cmocka_unit_test(sipauth_realm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
