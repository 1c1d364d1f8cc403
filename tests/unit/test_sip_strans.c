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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strans_invite_retx),
		cmocka_unit_test(strans_timer_g_ack),
		cmocka_unit_test(strans_timer_h),
		cmocka_unit_test(strans_timer_j),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
