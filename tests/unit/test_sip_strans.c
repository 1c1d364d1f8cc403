/* test_sip_strans.c: server transactions (sip/strans.c), virtual time. */
#include "tests/unit/test_sip_inv.h"

/* INVITE retransmission re-sends the last provisional; no second call. */
static void strans_invite_retx(void **state)
{
	(void)state;
	fk_stack();
	assert_int_equal(fk_invite("z9hG4bKi1", 1), 0);
	assert_int_equal(fk_code(0), 100);
	assert_non_null(fk.incoming);
	struct sip_call *c = fk.incoming;
	assert_int_equal(sip_call_respond(c, 180, NULL, NULL), 0);
	assert_int_equal(fk_code(1), 180);
	assert_int_equal(fk_invite("z9hG4bKi1", 1), 0);
	assert_int_equal(fk_code(2), 180);
	assert_ptr_equal(fk.incoming, c);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_calls, 1);
	assert_int_equal(s.retransmissions, 1);
	fk_done();
}

/* Non-2xx final: Timer G doubles to T2, the ACK stops it (Timer I). */
static void strans_timer_g_ack(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKi2", 1);
	uint64_t t0 = fk.now;
	assert_int_equal(sip_call_hangup(fk.incoming, 486, 17), 0);
	assert_int_equal(fk_code(1), 486);
	char reason[64];
	assert_true(fk_hdr(1, "Reason", reason, sizeof(reason)));
	assert_string_equal(reason, "Q.850;cause=17");
	assert_int_equal(fk.ev[0], SIP_CALL_EV_ENDED);
	fk_advance(8000);
	/* 486 at 0, 500, 1500, 3500, 7500 */
	assert_int_equal(fk.nsent, 6);
	assert_int_equal(fk.sent[5].at - t0, 7500);
	char tag[32];
	fk_totag(1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKi2", tag, 1, NULL);
	fk_advance(20000);
	assert_int_equal(fk.nsent, 6);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_trans, 0);
	fk_done();
}

/* No ACK: Timer H (64*T1) ends retransmissions, G capped at T2. */
static void strans_timer_h(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKi3", 1);
	uint64_t t0 = fk.now;
	sip_call_respond(fk.incoming, 404, NULL, NULL);
	fk_advance(40000);
	/* 0 500 1500 3500 7500 11500 ... 31500 */
	assert_int_equal(fk.nsent, 1 + 11);
	assert_int_equal(fk.sent[11].at - t0, 31500);
	assert_int_equal(fk.sent[6].at - fk.sent[5].at, 4000);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_trans, 0);
	fk_done();
}

/* Non-INVITE: retransmitted request re-sends the final; Timer J. */
static void strans_timer_j(void **state)
{
	(void)state;
	fk_stack();
	fk_req("OPTIONS", "z9hG4bKo1", NULL, 5, NULL);
	assert_int_equal(fk_code(0), 200);
	fk_req("OPTIONS", "z9hG4bKo1", NULL, 5, NULL);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk_code(1), 200);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_trans, 1);
	fk_advance(32000);
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_trans, 0);
	fk_done();
}

static unsigned live_trans(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s.active_trans;
}

/* Timer I: after the ACK of a non-2xx, T4 absorbing ACK copies. */
static void strans_timer_i_exact(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKi1", 1);
	sip_call_respond(fk.incoming, 486, NULL, NULL);
	char tag[32];
	fk_totag(1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKi1", tag, 1, NULL);
	fk_advance(4999);
	assert_int_equal(live_trans(), 1);
	fk_req("ACK", "z9hG4bKi1", tag, 1, NULL); /* absorbed */
	assert_int_equal(fk.nsent, 2);
	fk_advance(1);
	assert_int_equal(live_trans(), 0);
	fk_done();
}

/* Timer J: a non-INVITE server transaction lives exactly 64*T1. */
static void strans_timer_j_exact(void **state)
{
	(void)state;
	fk_stack();
	fk_req("OPTIONS", "z9hG4bKo1", NULL, 5, NULL);
	fk_advance(31999);
	assert_int_equal(live_trans(), 1);
	fk_advance(1);
	assert_int_equal(live_trans(), 0);
	fk_done();
}

/* RFC 6026 Accepted: after a 2xx a retransmitted INVITE is absorbed
 * (the UA core retransmits the 2xx itself), Timer L at 64*T1. */
static void strans_timer_l(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKi1", 1);
	sip_call_respond(fk.incoming, 200, NULL, "v=0\r\n");
	assert_int_equal(fk.nsent, 2);
	fk_invite("z9hG4bKi1", 1);
	assert_int_equal(fk.nsent, 2); /* absorbed, not re-answered */
	fk_advance(100);
	char tag[32];
	fk_totag(1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKack", tag, 1, NULL);
	fk_advance(64 * 500 - 100 - 1);
	assert_int_equal(live_trans(), 1);
	fk_advance(1);
	assert_int_equal(live_trans(), 0);
	fk_done();
}

static int recv_tcp(const char *msg)
{
	struct sip_addr a = fk_peer();
	a.tp = SIP_TP_TCP;
	return sip_stack_recv(fk.st, &a, msg, strlen(msg));
}

/* A reliable transport: no Timer G, Timers I and J are zero, H stays. */
static void strans_reliable(void **state)
{
	(void)state;
	fk_stack();
	recv_tcp("OPTIONS sip:x@192.0.2.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKt1\r\n"
		 "From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: t\r\n"
		 "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(fk_code(0), 200);
	assert_int_equal(fk.sent[0].dst.tp, SIP_TP_TCP);
	fk_advance(0);
	assert_int_equal(live_trans(), 0); /* J = 0 */
	recv_tcp("INVITE sip:x@192.0.2.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/TCP 192.0.2.10;branch=z9hG4bKt2\r\n"
		 "From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: t2\r\n"
		 "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
	assert_non_null(fk.incoming);
	sip_call_respond(fk.incoming, 486, NULL, NULL);
	unsigned n = fk.nsent;
	fk_advance(31999);
	assert_int_equal(fk.nsent, n); /* no Timer G */
	assert_int_equal(live_trans(), 1);
	fk_advance(1); /* Timer H */
	assert_int_equal(live_trans(), 0);
	fk_done();
}

/* CANCEL matches its INVITE by branch and sent-by (9.2); another branch
 * gets 481 and leaves the call alone. */
static void strans_cancel_match(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKi1", 1);
	assert_non_null(fk.incoming);
	fk_req("CANCEL", "z9hG4bKother", NULL, 1, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 481);
	assert_non_null(fk.incoming);
	/* with the To tag of our 180 (as some peers send it): still ours */
	assert_int_equal(sip_call_respond(fk.incoming, 180, NULL, NULL), 0);
	char tag[32];
	fk_totag(fk.nsent - 1, tag, sizeof(tag));
	fk_req("CANCEL", "z9hG4bKi1", tag, 1, NULL);
	assert_int_equal(fk_code(fk.nsent - 2), 200);
	assert_int_equal(fk_code(fk.nsent - 1), 487);
	assert_null(fk.incoming);
	fk_advance(40000);
	fk_done();
}

/* A CANCEL crossing our 200 (tag of the 200 in its To): 200 to the
 * CANCEL, the answered call is left as it is and the ACK confirms it. */
static void strans_cancel_after_2xx(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKi1", 1);
	struct sip_call *c = fk.incoming;
	assert_int_equal(sip_call_respond(c, 200, NULL, "v=0\r\n"), 0);
	char tag[32];
	fk_totag(fk.nsent - 1, tag, sizeof(tag));
	fk_req("CANCEL", "z9hG4bKi1", tag, 1, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	assert_int_equal(sip_call_state(c), SIP_CALL_ANSWERED);
	fk_req("ACK", "z9hG4bKack", tag, 1, NULL);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strans_invite_retx),
		cmocka_unit_test(strans_timer_g_ack),
		cmocka_unit_test(strans_timer_h),
		cmocka_unit_test(strans_timer_j),
		cmocka_unit_test(strans_timer_i_exact),
		cmocka_unit_test(strans_timer_j_exact),
		cmocka_unit_test(strans_timer_l),
		cmocka_unit_test(strans_reliable),
		cmocka_unit_test(strans_cancel_match),
		cmocka_unit_test(strans_cancel_after_2xx),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
