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
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len, 65535), 0);
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
	/* the INVITE's own headers are there again, once */
	hdr(0, "Supported", a);
	hdr(2, "Supported", b);
	assert_string_equal(a, b);
	hdr(0, "Allow", a);
	hdr(2, "Allow", b);
	assert_string_equal(a, b);
	assert_null(strstr(strstr(fk.sent[2].buf, "X-Test") + 1, "X-Test"));
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

/* A proxy (407, realm "proxy.test") and then the UAS (401, REALM): the
 * third INVITE answers both, each once (RFC 3261 22.3). */
static void ua_auth_proxy_then_uas(void **state)
{
	struct sip_digest_server proxy;
	uint8_t key[32] = { 8 };
	char c407[512], x[600];
	(void)state;
	call("pw");
	assert_int_equal(sip_digest_server_init(&proxy, key, 32, 0, NULL, NULL),
			 0);
	assert_int_equal(sip_digest_server_challenge(
				 &proxy, fk.now, "proxy.test", SIP_DIGEST_MD5,
				 false, c407, sizeof(c407)),
			 0);
	snprintf(x, sizeof(x), "Proxy-Authenticate: %s\r\n", c407);
	assert_int_equal(fk_answer(0, 407, "p", x), 0);
	assert_true(fk_is(2, "INVITE"));
	challenge(2, 401, false);
	assert_true(fk_is(4, "INVITE"));
	struct sip_msg m;
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[4].buf, fk.sent[4].len, 65535), 0);
	assert_int_equal(sip_digest_server_verify_msg(&proxy, fk.now, &m, true,
						      "proxy.test", lookup,
						      NULL, NULL, 0),
			 SIP_DIGEST_OK);
	assert_int_equal(verify(4, false), SIP_DIGEST_OK);
	char a[512];
	hdr(4, "CSeq", a);
	assert_string_equal(a, "3 INVITE");
	/* the UAS again: refused; nothing more is sent but the ACK */
	challenge(4, 401, false);
	assert_int_equal(fk.nsent, 6);
	assert_int_equal(fk.ev[fk.nev - 2], SIP_CALL_EV_FAILED);
	fk_advance(60000);
	fk_done();
}

/* After the retry a CANCEL goes with the new INVITE (branch, CSeq 2). */
static void ua_auth_cancel_after_retry(void **state)
{
	char a[512], b[512];
	(void)state;
	struct sip_call *c = call("pw");
	challenge(0, 401, false);
	assert_true(fk_is(2, "INVITE"));
	fk_answer(2, 180, "rt", NULL);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_true(fk_is(3, "CANCEL"));
	hdr(3, "CSeq", a);
	assert_string_equal(a, "2 CANCEL");
	hdr(2, "Via", a);
	hdr(3, "Via", b);
	assert_string_equal(a, b);
	fk_answer(3, 200, NULL, NULL);
	fk_answer(2, 487, "rt", NULL);
	assert_true(fk_is(4, "ACK"));
	hdr(4, "CSeq", a);
	assert_string_equal(a, "2 ACK");
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
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
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[3].buf, fk.sent[3].len, 65535), 0);
	assert_int_equal(sip_digest_server_verify_msg(&srv, fk.now, &m, false,
						      REALM, lookup, NULL, NULL,
						      0),
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

/* ---- server side ---- */

static unsigned required_calls;

static bool required(void *arg, const struct sip_addr *src,
		     const struct sip_msg *req)
{
	(void)arg;
	(void)req;
	struct sip_addr peer = fk_peer();
	required_calls++;
	return src->len == peer.len && !memcmp(&src->ss, &peer.ss, src->len);
}

static const char *src_lookup(void *arg, const struct sip_addr *src,
			      const char *user)
{
	(void)arg;
	(void)src;
	return strcmp(user, "bob") == 0 ? "bobpw" : NULL;
}

/* the failed hook: wrong (DENIED) and malformed (BAD) credentials */
static unsigned failed_denied, failed_bad;

static void src_failed(void *arg, const struct sip_addr *src,
		       const struct sip_msg *req, enum sip_digest_result r)
{
	(void)arg;
	(void)src;
	(void)req;
	if (r == SIP_DIGEST_DENIED)
		failed_denied++;
	else if (r == SIP_DIGEST_BAD)
		failed_bad++;
}

static void policy_on(void)
{
	struct sip_auth_policy pol = { .realm = "gw.test",
				       .required = required,
				       .lookup = src_lookup,
				       .failed = src_failed };
	failed_denied = failed_bad = 0;
	fk_stack();
	fk.auto_respond = 0;
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), 0);
}

/* An INVITE from the peer, with an Authorization line or none. */
static int invite_from_peer(const char *branch, unsigned cseq,
			    const char *authz)
{
	return fk_recv("INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 192.0.2.10;branch=%s\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:bob@192.0.2.10>;tag=ft\r\n"
		       "To: <sip:5551234@192.0.2.1>\r\n"
		       "Call-ID: auth-1@192.0.2.10\r\nCSeq: %u INVITE\r\n"
		       "Contact: <sip:bob@192.0.2.10>\r\n%s%s%s"
		       "Content-Length: 0\r\n\r\n",
		       branch, cseq, authz ? "Authorization: " : "",
		       authz ? authz : "", authz ? "\r\n" : "");
}

/* The client's answer to the first challenge in sent response i. */
static void answer_for(unsigned i, const char *user, const char *pw,
		       const char *uri, char *out, size_t size)
{
	struct sip_msg m;
	struct sip_digest_chal ch;
	struct sip_digest_client cl = { 0 };
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len, 65535), 0);
	assert_int_equal(sip_digest_chal_pick(&ch, &m), 0);
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(sip_digest_client_answer(&cl, user, pw, "INVITE", uri,
						  out, size),
			 0);
}

static void ua_auth_server_invite(void **state)
{
	char authz[1024];
	(void)state;
	policy_on();
	assert_int_equal(invite_from_peer("z9hG4bKa1", 1, NULL), 0);
	assert_int_equal(fk_code(0), 401);
	assert_null(fk.incoming);
	/* SHA-256 offered first, MD5 for older clients */
	const char *w1 = strstr(fk.sent[0].buf, "WWW-Authenticate: ");
	assert_non_null(w1);
	assert_non_null(strstr(w1, "algorithm=SHA-256"));
	const char *w2 = strstr(w1 + 1, "WWW-Authenticate: ");
	assert_non_null(w2);
	assert_true(strstr(w1, "algorithm=SHA-256") < w2);
	assert_non_null(strstr(w2, "algorithm=MD5"));
	/* retransmitted INVITE: the same 401 again, from the transaction */
	assert_int_equal(invite_from_peer("z9hG4bKa1", 1, NULL), 0);
	assert_int_equal(fk.nsent, 2);
	assert_string_equal(fk.sent[0].buf, fk.sent[1].buf);
	char tag[32];
	fk_totag(0, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKa1", tag, 1, NULL);
	assert_int_equal(fk.nsent, 2);
	/* wrong password and unknown user: the same plain 401 */
	answer_for(0, "bob", "nope", "sip:5551234@192.0.2.1", authz,
		   sizeof(authz));
	assert_int_equal(invite_from_peer("z9hG4bKa2", 2, authz), 0);
	assert_int_equal(fk_code(2), 401);
	answer_for(0, "eve", "bobpw", "sip:5551234@192.0.2.1", authz,
		   sizeof(authz));
	assert_int_equal(invite_from_peer("z9hG4bKa3", 3, authz), 0);
	assert_int_equal(fk_code(3), 401);
	assert_null(strstr(fk.sent[2].buf, "stale"));
	assert_null(strstr(fk.sent[3].buf, "stale"));
	/* the digest uri must be the Request-URI: 400 */
	answer_for(0, "bob", "bobpw", "sip:other@192.0.2.1", authz,
		   sizeof(authz));
	assert_int_equal(invite_from_peer("z9hG4bKa4", 4, authz), 0);
	assert_int_equal(fk_code(4), 400);
	/* right: the call comes in */
	answer_for(0, "bob", "bobpw", "sip:5551234@192.0.2.1", authz,
		   sizeof(authz));
	assert_int_equal(invite_from_peer("z9hG4bKa5", 5, authz), 0);
	assert_int_equal(fk_code(5), 100);
	assert_non_null(fk.incoming);
	assert_int_equal(sip_call_respond(fk.incoming, 486, NULL, NULL), 0);
	assert_int_equal(fk_code(6), 486);
	/* the same credentials again (a replay): stale */
	assert_int_equal(invite_from_peer("z9hG4bKa6", 6, authz), 0);
	assert_int_equal(fk_code(7), 401);
	assert_non_null(strstr(fk.sent[7].buf, "stale=true"));
	struct sip_digest_server_stats ss;
	sip_stack_auth_stats(fk.st, &ss);
	assert_int_equal(ss.ok, 1);
	assert_int_equal(ss.denied, 2);
	assert_int_equal(ss.bad, 1);
	assert_int_equal(ss.replayed, 1);
	/* the user heard of the two wrong ones and the malformed one only
	 * (no credentials and stale are part of a normal exchange) */
	assert_int_equal(failed_denied, 2);
	assert_int_equal(failed_bad, 1);
	fk_advance(60000);
	fk_done();
}

static void ua_auth_server_other(void **state)
{
	(void)state;
	policy_on();
	/* OPTIONS from the peer is challenged too */
	fk_recv("OPTIONS sip:192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKo1\r\n"
		"From: <sip:bob@192.0.2.10>;tag=f\r\nTo: <sip:192.0.2.1>\r\n"
		"Call-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(fk_code(0), 401);
	/* CANCEL and ACK are never challenged (22.1) */
	unsigned before = required_calls;
	fk_recv("CANCEL sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKc1\r\n"
		"From: <sip:bob@192.0.2.10>;tag=f\r\n"
		"To: <sip:5551234@192.0.2.1>\r\n"
		"Call-ID: c1\r\nCSeq: 1 CANCEL\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(fk_code(1), 481);
	assert_int_equal(required_calls, before);
	/* another source is not asked for credentials */
	struct sip_addr other;
	sip_addr_set(&other, "192.0.2.77", 5060);
	const char *opt = "OPTIONS sip:192.0.2.1 SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 192.0.2.77;branch=z9hG4bKo2\r\n"
			  "From: <sip:x@192.0.2.77>;tag=f\r\n"
			  "To: <sip:192.0.2.1>\r\nCall-ID: o2\r\n"
			  "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_stack_recv(fk.st, &other, opt, strlen(opt)), 0);
	assert_int_equal(fk_code(2), 200);
	/* policy off: the peer gets through */
	assert_int_equal(sip_stack_set_auth(fk.st, NULL), 0);
	assert_int_equal(invite_from_peer("z9hG4bKb1", 1, NULL), 0);
	assert_int_equal(fk_code(3), 100);
	fk_advance(60000);
	fk_done();
}

static void ua_auth_server_bad_policy(void **state)
{
	(void)state;
	fk_stack();
	struct sip_auth_policy pol = { .realm = "a\"b",
				       .required = required,
				       .lookup = src_lookup };
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), EINVAL);
	pol.realm = "";
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), EINVAL);
	pol.realm = "r";
	pol.lookup = NULL;
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), EINVAL);
	assert_int_equal(sip_stack_set_auth(NULL, NULL), EINVAL);
	pol.lookup = src_lookup;
	fk_fail_nth(1);
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), ENOMEM);
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), 0);
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), 0); /* replaced */
	pol.nalgs = SIP_DIGEST__COUNT + 1;
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), EINVAL);
	pol.nalgs = 1;
	pol.algs[0] = SIP_DIGEST__COUNT;
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), EINVAL);
	/* MD5 only: one challenge */
	pol.algs[0] = SIP_DIGEST_MD5;
	assert_int_equal(sip_stack_set_auth(fk.st, &pol), 0);
	assert_int_equal(invite_from_peer("z9hG4bKm1", 1, NULL), 0);
	assert_int_equal(fk_code(0), 401);
	const char *w = strstr(fk.sent[0].buf, "WWW-Authenticate: ");
	assert_non_null(w);
	assert_non_null(strstr(w, "algorithm=MD5"));
	assert_null(strstr(w + 1, "WWW-Authenticate: "));
	fk_advance(60000);
	fk_done(); /* freed with the stack */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ua_auth_invite_401),
		cmocka_unit_test(ua_auth_invite_407_after_early),
		cmocka_unit_test(ua_auth_invite_wrong_or_none),
		cmocka_unit_test(ua_auth_proxy_then_uas),
		cmocka_unit_test(ua_auth_cancel_after_retry),
		cmocka_unit_test(ua_auth_hangup_before_challenge),
		cmocka_unit_test(ua_auth_bye),
		cmocka_unit_test(ua_auth_in_dialog),
		cmocka_unit_test(ua_auth_bad_params),
		cmocka_unit_test(ua_auth_server_invite),
		cmocka_unit_test(ua_auth_server_other),
		cmocka_unit_test(ua_auth_server_bad_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
