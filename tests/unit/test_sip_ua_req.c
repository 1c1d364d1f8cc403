/* test_sip_ua_req.c: generic requests (sip/ua_req.c), virtual time. */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

struct got {
	unsigned n;
	int err;
	unsigned code;
	bool resend; /* resend with Authorization on 401 */
	bool abandon_in_handler;
	int resend_rc;
	char callid[128];
	uint32_t cseq;
};
static struct got got;

static void handler(void *arg, struct sip_req *req, int err,
		    const struct sip_msg *resp)
{
	(void)arg;
	got.n++;
	got.err = err;
	got.code = resp ? resp->code : 0;
	snprintf(got.callid, sizeof(got.callid), "%s", sip_req_callid(req));
	got.cseq = sip_req_cseq(req);
	if (got.abandon_in_handler)
		sip_req_abandon(req);
	if (got.resend && resp && resp->code == 401)
		got.resend_rc = sip_req_resend(
			req, "Authorization: Digest username=\"u\"\r\n");
}

static struct sip_req *send_options(void)
{
	struct sip_req *r = NULL;
	struct sip_req_params p = {
		.method = SIP_METHOD_OPTIONS,
		.ruri = "sip:trunk@192.0.2.10",
		.from_uri = "sip:gw@192.0.2.1",
		.dst = fk_peer(),
		.extra_hdrs = "Accept: application/sdp\r\n",
	};
	assert_int_equal(sip_req_send(fk.st, &p, handler, NULL, &r), 0);
	assert_non_null(r);
	return r;
}

/* OPTIONS out of dialog: extra headers sent, 1xx absorbed, 200 reported,
 * the request freed after the handler. */
static void req_options_200(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	fk_stack();
	send_options();
	assert_true(fk_is(0, "OPTIONS"));
	char v[256];
	assert_true(fk_hdr(0, "Accept", v, sizeof(v)));
	assert_string_equal(v, "application/sdp");
	assert_true(fk_hdr(0, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "1 OPTIONS");
	assert_false(fk_hdr(0, "Contact", v, sizeof(v)));
	assert_int_equal(fk_answer(0, 100, NULL, NULL), 0);
	assert_int_equal(got.n, 0);
	assert_int_equal(fk_answer(0, 200, "x", NULL), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.code, 200);
	assert_int_equal(got.err, 0);
	/* retransmitted 200: absorbed by the transaction */
	assert_int_equal(fk_answer(0, 200, "x", NULL), 0);
	assert_int_equal(got.n, 1);
	fk_advance(10000);
	fk_done();
}

/* 401, resend with Authorization: same Call-ID, CSeq + 1, new branch. */
static void req_resend_auth(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	got.resend = true;
	fk_stack();
	send_options();
	assert_int_equal(fk_answer(0, 401, "x", NULL), 0);
	assert_int_equal(got.resend_rc, 0);
	assert_int_equal(got.cseq, 1);
	assert_true(fk_is(1, "OPTIONS"));
	char a[256], b[256];
	assert_true(fk_hdr(1, "Authorization", a, sizeof(a)));
	assert_true(fk_hdr(1, "Accept", a, sizeof(a)));
	assert_true(fk_hdr(1, "CSeq", a, sizeof(a)));
	assert_string_equal(a, "2 OPTIONS");
	assert_true(fk_hdr(0, "Call-ID", a, sizeof(a)));
	assert_true(fk_hdr(1, "Call-ID", b, sizeof(b)));
	assert_string_equal(a, b);
	assert_true(fk_hdr(0, "Via", a, sizeof(a)));
	assert_true(fk_hdr(1, "Via", b, sizeof(b)));
	assert_string_not_equal(a, b);
	/* a second 401 replaces the added header instead of stacking it */
	assert_int_equal(fk_answer(1, 401, "x", NULL), 0);
	assert_true(fk_is(2, "OPTIONS"));
	assert_non_null(strstr(fk.sent[2].buf, "Authorization"));
	assert_null(strstr(strstr(fk.sent[2].buf, "Authorization") + 1,
			   "Authorization"));
	got.resend = false;
	assert_int_equal(fk_answer(2, 200, "x", NULL), 0);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.code, 200);
	assert_int_equal(got.cseq, 3);
	fk_advance(10000);
	fk_done();
}

/* No answer: Timer E retransmissions then Timer F (64*T1) -> ETIMEDOUT. */
static void req_timeout(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	fk_stack();
	send_options();
	uint64_t t0 = fk.now;
	fk_advance(31999);
	assert_int_equal(got.n, 0);
	fk_advance(1);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.err, ETIMEDOUT);
	assert_int_equal(got.code, 0);
	/* E: 500, 1500, 3500, 7500, then every T2 */
	static const uint64_t at[] = { 0,     500,   1500,  3500,  7500, 11500,
				       15500, 19500, 23500, 27500, 31500 };
	assert_int_equal(fk.nsent, 11);
	for (unsigned i = 0; i < 11; i++)
		assert_int_equal(fk.sent[i].at - t0, at[i]);
	fk_done();
}

/* REGISTER with Contact, a given Call-ID and CSeq (refresh). */
static void req_register_params(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	fk_stack();
	struct sip_req_params p = {
		.method = SIP_METHOD_REGISTER,
		.ruri = "sip:192.0.2.10",
		.from_uri = "sip:100@example.com",
		.to_uri = "sip:100@example.com",
		.call_id = "reg-1@192.0.2.1",
		.cseq = 7,
		.contact_user = "100",
		.dst = fk_peer(),
		.extra_hdrs = "Expires: 600\r\n",
	};
	assert_int_equal(sip_req_send(fk.st, &p, handler, NULL, NULL), 0);
	char v[256];
	assert_true(fk_hdr(0, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "7 REGISTER");
	assert_true(fk_hdr(0, "Call-ID", v, sizeof(v)));
	assert_string_equal(v, "reg-1@192.0.2.1");
	assert_true(fk_hdr(0, "Contact", v, sizeof(v)));
	assert_string_equal(v, "<sip:100@192.0.2.1:5060>");
	assert_true(fk_hdr(0, "To", v, sizeof(v)));
	assert_string_equal(v, "<sip:100@example.com>");
	assert_true(fk_hdr(0, "Expires", v, sizeof(v)));
	assert_int_equal(fk_answer(0, 200, "r", NULL), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.callid, "reg-1@192.0.2.1");
	fk_done();
}

/* Bad input: no URI, INVITE/ACK/CANCEL, a call without dialog. */
static void req_bad_params(void **state)
{
	(void)state;
	fk_stack();
	struct sip_req_params p = { .method = SIP_METHOD_OPTIONS,
				    .dst = fk_peer() };
	assert_int_equal(sip_req_send(fk.st, &p, NULL, NULL, NULL), EINVAL);
	p.ruri = "not a uri";
	assert_int_equal(sip_req_send(fk.st, &p, NULL, NULL, NULL), EINVAL);
	p.ruri = "sip:a@192.0.2.10";
	p.method = SIP_METHOD_INVITE;
	assert_int_equal(sip_req_send(fk.st, &p, NULL, NULL, NULL), EINVAL);
	p.method = SIP_METHOD_ACK;
	assert_int_equal(sip_req_send(fk.st, &p, NULL, NULL, NULL), EINVAL);
	assert_int_equal(sip_req_resend(NULL, NULL), EINVAL);
	assert_int_equal(sip_call_request(NULL, SIP_METHOD_INFO, NULL, NULL,
					  NULL, NULL, NULL, NULL),
			 EINVAL);
	/* an outgoing call without a 1xx has no dialog yet */
	struct sip_call *c = NULL;
	struct sip_call_params cp = { .ruri = "sip:1@192.0.2.10",
				      .from_user = "2",
				      .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &cp, NULL, &c), 0);
	assert_int_equal(sip_call_request(c, SIP_METHOD_INFO, NULL, NULL, NULL,
					  NULL, NULL, NULL),
			 ENOTCONN);
	assert_int_equal(fk.nsent, 1);
	fk_done();
}

/* Allocation failures never leak and report ENOMEM. */
static void req_alloc_failures(void **state)
{
	(void)state;
	for (long n = 1; n < 12; n++) {
		fk_stack();
		fk_fail_nth(n);
		struct sip_req_params p = { .method = SIP_METHOD_MESSAGE,
					    .ruri = "sip:a@192.0.2.10",
					    .dst = fk_peer(),
					    .extra_hdrs = "X: y\r\n",
					    .body = "hello" };
		int rc = sip_req_send(fk.st, &p, NULL, NULL, NULL);
		assert_true(rc == 0 || (rc == ENOMEM && fk.alloc_failed));
		fk_done();
	}
}

/* INFO in an answered incoming call: in-dialog tags and CSeq; the call
 * ending first leaves the request running but not resendable. */
static void req_in_dialog(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	fk_stack();
	fk_invite("z9hG4bKa1", 1);
	struct sip_call *c = fk.incoming;
	assert_non_null(c);
	assert_int_equal(sip_call_respond(c, 200, NULL, "v=0\r\n"), 0);
	char tag[32];
	fk_totag(1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKack", tag, 1, NULL);
	struct sip_req *r = NULL;
	assert_int_equal(sip_call_request(c, SIP_METHOD_INFO, NULL,
					  "application/dtmf-relay",
					  "Signal=5\r\nDuration=160\r\n",
					  handler, NULL, &r),
			 0);
	assert_ptr_equal(sip_req_call(r), c);
	unsigned i = fk.nsent - 1;
	assert_true(fk_is(i, "INFO"));
	assert_non_null(strstr(fk.sent[i].buf, "INFO sip:bob@192.0.2.10 "));
	char v[256];
	assert_true(fk_hdr(i, "From", v, sizeof(v)));
	assert_non_null(strstr(v, tag));
	assert_true(fk_hdr(i, "To", v, sizeof(v)));
	assert_non_null(strstr(v, "tag=ft"));
	assert_true(fk_hdr(i, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "2 INFO");
	assert_true(fk_hdr(i, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "application/dtmf-relay");
	/* remote BYE ends the call before the INFO is answered */
	fk_req("BYE", "z9hG4bKbye", tag, 2, NULL);
	assert_null(fk.incoming);
	assert_null(sip_req_call(r));
	got.resend = true;
	assert_int_equal(fk_answer(i, 401, NULL, NULL), 0);
	assert_int_equal(got.n, 1);
	assert_int_equal(got.resend_rc, ENOENT);
	fk_advance(40000);
	fk_done();
}

/* Abandoned: no handler call; abandoned from the handler: freed once. */
static void req_abandon(void **state)
{
	(void)state;
	memset(&got, 0, sizeof(got));
	fk_stack();
	struct sip_req *r = send_options();
	sip_req_abandon(r);
	assert_int_equal(fk_answer(0, 200, "x", NULL), 0);
	assert_int_equal(got.n, 0);
	got.abandon_in_handler = true;
	got.resend = true;
	send_options();
	assert_int_equal(fk_answer(1, 401, "x", NULL), 0);
	assert_int_equal(got.n, 1);
	fk_advance(40000);
	fk_done();
}

static int retry_rc;
static void retry_event(void *arg, struct sip_call *call,
			const struct sip_call_event *ev)
{
	fk_event(arg, call, ev);
	if (ev->type == SIP_CALL_EV_FAILED &&
	    (ev->code == 401 || ev->code == 407))
		retry_rc = sip_call_retry(
			call, "Proxy-Authorization: Digest username=\"u\"\r\n");
}

/* INVITE challenged (407 after an early 180): retried from the FAILED
 * event with credentials, same Call-ID and From tag, next CSeq, no To
 * tag; the call goes on and is answered. */
static void req_invite_retry(void **state)
{
	(void)state;
	struct sip_hooks h = fk_hooks();
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1" };
	h.call_event = retry_event;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	retry_rc = -1;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "2",
				     .dst = fk_peer(),
				     .sdp = "v=0\r\n",
				     .extra_hdrs = "X-Keep: 1\r\n" };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_int_equal(sip_call_retry(c, NULL), EPROTO);
	assert_int_equal(
		fk_answer(0, 180, "early", "Contact: <sip:x@192.0.2.99>\r\n"),
		0);
	assert_int_equal(fk_answer(0, 407, "early", NULL), 0);
	assert_int_equal(retry_rc, 0);
	assert_true(fk_is(1, "ACK"));
	assert_true(fk_is(2, "INVITE"));
	char a[256], b[256];
	assert_true(fk_hdr(2, "Proxy-Authorization", a, sizeof(a)));
	assert_true(fk_hdr(2, "X-Keep", a, sizeof(a)));
	assert_true(fk_hdr(2, "CSeq", a, sizeof(a)));
	assert_string_equal(a, "2 INVITE");
	assert_true(fk_hdr(2, "To", a, sizeof(a)));
	assert_null(strstr(a, "tag="));
	assert_non_null(strstr(fk.sent[2].buf, "INVITE sip:1@192.0.2.10 "));
	assert_true(fk_hdr(0, "Call-ID", a, sizeof(a)));
	assert_true(fk_hdr(2, "Call-ID", b, sizeof(b)));
	assert_string_equal(a, b);
	assert_true(fk_hdr(0, "From", a, sizeof(a)));
	assert_true(fk_hdr(2, "From", b, sizeof(b)));
	assert_string_equal(a, b);
	assert_int_equal(sip_call_state(c), SIP_CALL_CALLING);
	for (unsigned i = 0; i < fk.nev; i++)
		assert_int_not_equal(fk.ev[i], SIP_CALL_EV_ENDED);
	assert_int_equal(fk_answer(2, 200, "rt", NULL), 0);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ANSWERED);
	fk_advance(40000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(req_options_200),
		cmocka_unit_test(req_resend_auth),
		cmocka_unit_test(req_timeout),
		cmocka_unit_test(req_register_params),
		cmocka_unit_test(req_bad_params),
		cmocka_unit_test(req_alloc_failures),
		cmocka_unit_test(req_in_dialog),
		cmocka_unit_test(req_abandon),
		cmocka_unit_test(req_invite_retry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
