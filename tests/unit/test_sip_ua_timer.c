/* test_sip_ua_timer.c: session timers, RFC 4028 (sip/ua_timer.c), in
 * virtual time. */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

/* Peer refreshes (refresher=uac): our 2xx says so with Require: timer;
 * without refresh we BYE at interval - min(32, interval/3). */
static void timer_refreshee_expires(void **state)
{
	(void)state;
	char tag[32], v[128];
	fk_stack();
	uint64_t t0 = fk.now;
	struct sip_call *c = fk_established_x(
		tag, sizeof(tag),
		"Session-Expires: 90;refresher=uac\r\nSupported: timer\r\n");
	int ok = fk_find_code(200);
	assert_true(fk_hdr((unsigned)ok, "Session-Expires", v, sizeof(v)));
	assert_string_equal(v, "90;refresher=uac");
	assert_true(fk_hdr((unsigned)ok, "Require", v, sizeof(v)));
	assert_string_equal(v, "timer");
	fk_advance(59999);
	assert_int_equal(fk_find_req("BYE"), -1);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	fk_advance(1);
	int bye = fk_find_req("BYE");
	assert_true(bye > 0);
	assert_int_equal(fk.sent[bye].at - t0, 60000);
	assert_true(fk_find_ev(SIP_CALL_EV_SESSION_EXPIRED) >= 0);
	assert_true(fk_hdr((unsigned)bye, "Reason", v, sizeof(v)));
	assert_string_equal(v, "Q.850;cause=102");
	fk_answer((unsigned)bye, 200, NULL, NULL);
	assert_true(fk_find_ev(SIP_CALL_EV_ENDED) >= 0);
	fk_done();
}

/* An UPDATE refresh restarts the interval. */
static void timer_refreshee_refreshed(void **state)
{
	(void)state;
	char tag[32], v[128];
	fk_stack();
	uint64_t t0 = fk.now;
	fk_established_x(tag, sizeof(tag),
			 "Session-Expires: 90;refresher=uac\r\n"
			 "Supported: timer\r\n");
	fk_advance(40000);
	fk_req("UPDATE", "z9hG4bKup1", tag, 2,
	       "Session-Expires: 90;refresher=uac\r\nSupported: timer\r\n");
	int ok = fk_find_code(200);
	assert_true(fk_hdr((unsigned)ok, "Session-Expires", v, sizeof(v)));
	assert_string_equal(v, "90;refresher=uac");
	fk_advance(59999); /* 40 s + 60 s - 1 */
	assert_int_equal(fk_find_req("BYE"), -1);
	fk_advance(1);
	int bye = fk_find_req("BYE");
	assert_true(bye > 0);
	assert_int_equal(fk.sent[bye].at - t0, 100000);
	fk_advance(40000);
	fk_done();
}

/* Below our Min-SE (90): 422 with Min-SE, no call reaches the app. */
static void timer_422(void **state)
{
	(void)state;
	char v[64];
	fk_stack();
	fk_recv("INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKx\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:bob@192.0.2.10>;tag=ft\r\n"
		"To: <sip:5551234@192.0.2.1>\r\n"
		"Call-ID: c422@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
		"Session-Expires: 30\r\nSupported: timer\r\n"
		"Content-Length: 0\r\n\r\n");
	assert_int_equal(fk_code(0), 422);
	assert_true(fk_hdr(0, "Min-SE", v, sizeof(v)));
	assert_string_equal(v, "90");
	assert_null(fk.incoming);
	assert_int_equal(fk.nev, 0);
	fk_advance(40000);
	fk_done();
}

/* The peer cannot refresh (no timer support): we do, by re-INVITE at
 * half the interval, or by UPDATE when its Allow lists UPDATE. */
static void timer_refresher(void **state)
{
	(void)state;
	char tag[32], v[128];
	for (int upd = 0; upd < 2; upd++) {
		fk_stack();
		uint64_t t0 = fk.now;
		fk_established_x(tag, sizeof(tag),
				 upd ? "Session-Expires: 120\r\n"
				       "Allow: INVITE, ACK, BYE, UPDATE\r\n"
				     : "Session-Expires: 120\r\n");
		int ok = fk_find_code(200);
		assert_true(
			fk_hdr((unsigned)ok, "Session-Expires", v, sizeof(v)));
		assert_string_equal(v, "120;refresher=uas");
		assert_false(fk_hdr((unsigned)ok, "Require", v, sizeof(v)));
		const char *m = upd ? "UPDATE" : "INVITE";
		fk_advance(59999);
		assert_true(fk_find_req(m) < ok);
		fk_advance(1);
		int r = fk_find_req(m);
		assert_true(r > ok);
		assert_int_equal(fk.sent[r].at - t0, 60000);
		assert_true(
			fk_hdr((unsigned)r, "Session-Expires", v, sizeof(v)));
		assert_string_equal(v, "120;refresher=uac");
		assert_int_equal(fk_answer((unsigned)r, 200, NULL,
					   "Session-Expires: 120;"
					   "refresher=uac\r\n"),
				 0);
		if (!upd)
			assert_true(fk_is(fk.nsent - 1, "ACK"));
		/* next refresh 60 s after the answer */
		fk_advance(60000);
		assert_true(fk_find_req(m) > r);
		fk_done();
	}
}

/* Our INVITE asks for the configured interval; a 2xx naming us as
 * refresher makes us refresh at half of it. */
static void timer_uac(void **state)
{
	(void)state;
	char v[128];
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .session_expires = 1800 };
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "2",
				     .dst = fk_peer(),
				     .sdp = fk_sdp };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_true(fk_hdr(0, "Session-Expires", v, sizeof(v)));
	assert_string_equal(v, "1800");
	assert_true(fk_hdr(0, "Min-SE", v, sizeof(v)));
	assert_string_equal(v, "90");
	assert_true(fk_hdr(0, "Supported", v, sizeof(v)));
	assert_string_equal(v, "100rel, timer");
	uint64_t t0 = fk.now;
	assert_int_equal(fk_answer(0, 200, "rt",
				   "Session-Expires: 1800;refresher=uac\r\n"
				   "Require: timer\r\n"),
			 0);
	fk_advance(900000);
	int r = fk_find_req("INVITE");
	assert_true(r > 0);
	assert_int_equal(fk.sent[r].at - t0, 900000);
	/* no answer: the re-INVITE times out (408) and the call ends */
	fk_advance(64 * 500);
	assert_true(fk_find_req("BYE") > r);
	fk_done();
}

/* 422 to our INVITE: one retry with the peer's Min-SE as interval and
 * Min-SE, a new CSeq, no FAILED event; a second 422 fails the call. */
static void timer_uac_422(void **state)
{
	(void)state;
	char v[128], cid0[128], cid1[128];
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .session_expires = 90 };
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "2",
				     .dst = fk_peer(),
				     .sdp = fk_sdp,
				     .extra_hdrs = "X-Keep: 1\r\n" };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_int_equal(fk_answer(0, 422, "rt", "Min-SE: 600\r\n"), 0);
	assert_true(fk_is(1, "ACK"));
	assert_true(fk_is(2, "INVITE"));
	assert_int_equal(fk.nev, 0);
	assert_true(fk_hdr(2, "Session-Expires", v, sizeof(v)));
	assert_string_equal(v, "600");
	assert_true(fk_hdr(2, "Min-SE", v, sizeof(v)));
	assert_string_equal(v, "600");
	assert_true(fk_hdr(2, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "2 INVITE");
	assert_true(fk_hdr(2, "X-Keep", v, sizeof(v)));
	assert_true(fk_hdr(0, "Call-ID", cid0, sizeof(cid0)));
	assert_true(fk_hdr(2, "Call-ID", cid1, sizeof(cid1)));
	assert_string_equal(cid0, cid1);
	assert_non_null(strstr(fk.sent[2].buf, "m=audio"));
	assert_int_equal(fk_answer(2, 422, "rt", "Min-SE: 900\r\n"), 0);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[0], 422);
	fk_advance(40000);
	fk_done();
}

/* A refresh asked by the app (sipua finds a lost dialog): a re-INVITE
 * with the session headers even though the peer is the refresher; a 481
 * ends the call with a BYE (RFC 3261 12.2.1.2). Bad calls refused. */
static void refresh_now_481_ends(void **state)
{
	(void)state;
	char tag[32], v[128];
	fk_stack();
	assert_int_equal(sip_call_refresh(NULL), EINVAL);
	struct sip_call *c = fk_established_x(
		tag, sizeof(tag),
		"Session-Expires: 90;refresher=uac\r\nSupported: timer\r\n");
	int ok = fk_find_code(200);
	assert_int_equal(sip_call_refresh(c), 0);
	int r = fk_find_req("INVITE");
	assert_true(r > ok);
	assert_true(fk_hdr((unsigned)r, "Session-Expires", v, sizeof(v)));
	assert_string_equal(v, "90;refresher=uac");
	/* one at a time */
	assert_int_equal(sip_call_refresh(c), EBUSY);
	assert_int_equal(fk_find_req("BYE"), -1);
	assert_int_equal(fk_answer((unsigned)r, 481, NULL, NULL), 0);
	int bye = fk_find_req("BYE");
	assert_true(bye > r);
	assert_int_equal(sip_call_refresh(c), EPROTO);
	fk_answer((unsigned)bye, 481, NULL, NULL);
	assert_true(fk_find_ev(SIP_CALL_EV_ENDED) >= 0);
	fk_advance(40000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timer_refreshee_expires),
		cmocka_unit_test(timer_refreshee_refreshed),
		cmocka_unit_test(timer_422),
		cmocka_unit_test(timer_refresher),
		cmocka_unit_test(timer_uac),
		cmocka_unit_test(timer_uac_422),
		cmocka_unit_test(refresh_now_481_ends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
