/*
 * test_sip_ua_auth.c: digest authentication in the UA core
 * (sip/ua_auth.c): INVITE, BYE and in-dialog requests answering 401/407
 * once per challenge; the answers are checked by the digest server.
 */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

#define REALM "ua.test"
#define RURI "sip:5551234@192.0.2.10"

static struct sip_digest_server srv;
static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n";

static const char *lookup(void *arg, const char *user)
{
	(void)arg;
	return strcmp(user, "gw") == 0 ? "pw" : NULL;
}

static struct sip_call *call(const char *password)
{
	struct sip_call *c = NULL;
	struct sip_call_params p = {
		.ruri = RURI,
		.from_user = "100",
		.dst = fk_peer(),
		.sdp = sdp,
		.extra_hdrs = "X-Test: 1\r\n",
		.auth_user = password ? "gw" : NULL,
		.auth_password = password,
	};
	fk_stack();
	uint8_t key[32] = { 4 };
	assert_int_equal(sip_digest_server_init(&srv, key, 32, 0, NULL, NULL),
			 0);
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	return c;
}

/* Answers sent request i with a 401 (or 407) carrying srv's challenge. */
static void challenge(unsigned i, unsigned code, bool stale)
{
	char c[512], x[600];
	assert_int_equal(sip_digest_server_challenge(&srv, fk.now, REALM,
						     SIP_DIGEST_SHA256, stale,
						     c, sizeof(c)),
			 0);
	snprintf(x, sizeof(x), "%s: %s\r\n",
		 code == 407 ? "Proxy-Authenticate" : "WWW-Authenticate", c);
	assert_int_equal(fk_answer(i, code, "rt", x), 0);
}

static enum sip_digest_result verify(unsigned i, bool proxy)
{
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len,
				       65535),
			 0);
	return sip_digest_server_verify_msg(&srv, fk.now, &m, proxy, REALM,
					    lookup, NULL, NULL, 0);
}

static void hdr(unsigned i, const char *name, char *v)
{
	assert_true(fk_hdr(i, name, v, 512));
}

static void ua_auth_invite_401(void **state)
{
	char a[512], b[512];
	(void)state;
	struct sip_call *c = call("pw");
	assert_true(fk_is(0, "INVITE"));
	challenge(0, 401, false);
	/* the transaction ACKs the 401; a new INVITE follows */
	assert_true(fk_is(1, "ACK"));
	assert_true(fk_is(2, "INVITE " RURI));
	assert_int_equal(fk.nev, 0);
	assert_int_equal(sip_call_state(c), SIP_CALL_CALLING);
	assert_int_equal(verify(2, false), SIP_DIGEST_OK);
	hdr(0, "Call-ID", a);
	hdr(2, "Call-ID", b);
	assert_string_equal(a, b);
	hdr(0, "From", a);
	hdr(2, "From", b);
	assert_string_equal(a, b); /* same tag */
	hdr(2, "CSeq", a);
	assert_string_equal(a, "2 INVITE");
	hdr(2, "To", a);
	assert_null(strstr(a, "tag="));
	hdr(2, "X-Test", a);
	assert_string_equal(a, "1");
	assert_non_null(strstr(fk.sent[2].buf, "\r\n\r\nv=0"));
	/* a CANCEL now goes with the new INVITE's branch and CSeq */
	fk_answer(2, 180, "rt", NULL);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_PROGRESS);
	fk_answer(2, 200, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_true(fk_is(3, "ACK"));
	hdr(3, "CSeq", a);
	assert_string_equal(a, "2 ACK");
	assert_int_equal(fk.ev[1], SIP_CALL_EV_ANSWERED);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	fk_answer(4, 200, NULL, NULL);
	fk_advance(60000);
	fk_done();
}

static void ua_auth_invite_407_after_early(void **state)
{
	char a[512];
	(void)state;
	struct sip_call *c = call("pw");
	fk_answer(0, 183, "early", "Contact: <sip:y@192.0.2.99>\r\n");
	assert_int_equal(sip_call_state(c), SIP_CALL_PROCEEDING);
	challenge(0, 407, false);
	assert_true(fk_is(2, "INVITE " RURI)); /* not the early Contact */
	hdr(2, "To", a);
	assert_null(strstr(a, "tag="));
	assert_int_equal(verify(2, true), SIP_DIGEST_OK);
	assert_int_equal(sip_call_state(c), SIP_CALL_CALLING);
	/* the answer to a stale nonce is tried again; then refused */
	challenge(2, 407, true);
	assert_true(fk_is(4, "INVITE"));
	hdr(4, "CSeq", a);
	assert_string_equal(a, "3 INVITE");
	assert_int_equal(verify(4, true), SIP_DIGEST_OK);
	challenge(4, 407, false);
	assert_true(fk_is(5, "ACK"));
	assert_int_equal(fk.nsent, 6);
	assert_int_equal(fk.ev[fk.nev - 2], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[fk.nev - 2], 407);
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	fk_advance(60000);
	fk_done();
}

static void ua_auth_invite_wrong_or_none(void **state)
{
	(void)state;
	call("wrong");
	challenge(0, 401, false);
	assert_int_equal(verify(2, false), SIP_DIGEST_DENIED);
	challenge(2, 401, false);
	assert_int_equal(fk.nsent, 4); /* INVITE ACK INVITE ACK: no loop */
	assert_int_equal(fk.ev[0], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[0], 401);
	fk_advance(60000);
	fk_done();

	call(NULL); /* no credentials: the 401 fails the call */
	challenge(0, 401, false);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_FAILED);
	fk_advance(60000);
	fk_done();
}

static void ua_auth_hangup_before_challenge(void **state)
{
	(void)state;
	struct sip_call *c = call("pw");
	assert_int_equal(sip_call_hangup(c, 0, 16), 0); /* CANCEL pending */
	challenge(0, 401, false);
	assert_int_equal(fk.nsent, 2); /* just the ACK */
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	fk_advance(60000);
	fk_done();
}

static struct sip_call *answered(void)
{
	struct sip_call *c = call("pw");
	fk_answer(0, 200, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	return c;
}

static void ua_auth_bye(void **state)
{
	char a[512];
	(void)state;
	struct sip_call *c = answered();
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_true(fk_is(2, "BYE sip:x@192.0.2.10"));
	challenge(2, 401, false);
	assert_true(fk_is(3, "BYE"));
	hdr(3, "CSeq", a);
	assert_string_equal(a, "3 BYE");
	hdr(3, "Reason", a);
	assert_string_equal(a, "Q.850;cause=16");
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, fk.sent[3].buf, fk.sent[3].len,
				       65535),
			 0);
	assert_int_equal(sip_digest_server_verify_msg(&srv, fk.now, &m, false,
						      REALM, lookup, NULL,
						      NULL, 0),
			 SIP_DIGEST_OK); /* uri: the BYE's, the target */
	char authz[512];
	hdr(3, "Authorization", authz);
	assert_non_null(strstr(authz, "uri=\"sip:x@192.0.2.10\""));
	/* challenged again: the call ends anyway */
	challenge(3, 401, false);
	assert_int_equal(fk.nsent, 4);
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	fk_advance(60000);
	fk_done();
}

struct got {
	unsigned n, code;
};
static struct got got;

static void info_h(void *arg, struct sip_req *req, int err,
		   const struct sip_msg *resp)
{
	(void)arg;
	(void)req;
	(void)err;
	got.n++;
	got.code = resp ? resp->code : 0;
}

static void ua_auth_in_dialog(void **state)
{
	char a[512];
	(void)state;
	memset(&got, 0, sizeof(got));
	struct sip_call *c = answered();
	assert_int_equal(sip_call_request(c, SIP_METHOD_INFO, NULL, NULL, NULL,
					  info_h, NULL, NULL),
			 0);
	assert_true(fk_is(2, "INFO"));
	challenge(2, 407, false);
	assert_int_equal(got.n, 0); /* answered inside the stack */
	assert_true(fk_is(3, "INFO"));
	hdr(3, "Proxy-Authorization", a);
	assert_non_null(strstr(a, "realm=\"" REALM "\""));
	hdr(3, "CSeq", a);
	assert_string_equal(a, "3 INFO");
	/* once per request: the next challenge goes to the handler */
	challenge(3, 407, false);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.code, 407);
	/* a new request may answer again */
	assert_int_equal(sip_call_request(c, SIP_METHOD_INFO, NULL, NULL, NULL,
					  info_h, NULL, NULL),
			 0);
	challenge(4, 401, false);
	assert_true(fk_is(5, "INFO"));
	fk_answer(5, 200, NULL, NULL);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.code, 200);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	fk_answer(6, 200, NULL, NULL);
	fk_advance(60000);
	fk_done();
}

static void ua_auth_bad_params(void **state)
{
	char big[200];
	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fk_stack();
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = RURI,
				     .from_user = "100",
				     .dst = fk_peer(),
				     .auth_user = "gw",
				     .auth_password = big };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), EINVAL);
	assert_int_equal(fk.nsent, 0);
	/* allocation failures while setting up credentials are clean */
	p.auth_password = "pw";
	p.extra_hdrs = "X-A: 1\r\n";
	for (long n = 1; n < 12; n++) {
		fk_fail_nth(n);
		int err = sip_call_invite(fk.st, &p, NULL, &c);
		if (!err) {
			sip_call_hangup(c, 0, 16);
			fk_advance(60000);
		} else {
			assert_int_equal(err, ENOMEM);
		}
	}
	fk.fail_at = 0;
	fk_advance(60000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ua_auth_invite_401),
		cmocka_unit_test(ua_auth_invite_407_after_early),
		cmocka_unit_test(ua_auth_invite_wrong_or_none),
		cmocka_unit_test(ua_auth_hangup_before_challenge),
		cmocka_unit_test(ua_auth_bye),
		cmocka_unit_test(ua_auth_in_dialog),
		cmocka_unit_test(ua_auth_bad_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
