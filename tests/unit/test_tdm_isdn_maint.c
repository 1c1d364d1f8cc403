/* tdm/isdn_maint.c: RESTART, SERVICE, the start-up restart, and cause 44
 * retries, between a NET and a CPE span through libpri. */
#include "test_tdm_harness.h"

static struct tdm_call *placed;

static bool cpe_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) > 0;
}

static int count_chan_ev(const struct th_side *s, int ts, int state)
{
	int n = 0;

	for (int i = 0; i < s->nev; i++)
		n += s->ev[i].type == TDM_EV_CHAN_STATE &&
		     s->ev[i].chan == ts && s->ev[i].chan_state == state;
	return n;
}

/* Both ends restarted every B-channel when layer 2 first came up, and
 * said UP only after the acknowledgements. */
static void test_startup_restart(void **state)
{
	const struct tdm_stats *n = tdm_span_stats(th_g.net.span);
	const struct tdm_stats *c = tdm_span_stats(th_g.cpe.span);

	assert_int_equal(n->restarts_tx, 23);
	assert_int_equal(c->restarts_tx, 23);
	assert_int_equal(n->restarts_rx, 23);
	assert_int_equal(c->restarts_rx, 23);
	for (int ts = 1; ts <= 23; ts++) {
		assert_int_equal(tdm_span_chan_state(th_g.net.span, ts),
				 TDM_CHAN_IDLE);
		assert_int_equal(tdm_span_chan_state(th_g.cpe.span, ts),
				 TDM_CHAN_IDLE);
	}
	assert_int_equal(n->l2_ups, 1);
	assert_int_equal(n->l2_downs, 0);
}

static bool chan1_back(void)
{
	return tdm_span_chan_state(th_g.net.span, 1) == TDM_CHAN_IDLE &&
	       th_all_released();
}

/* RESTART of a channel carrying a call releases the call on both sides;
 * the channel is MAINT until the acknowledgement. */
static void test_restart_in_use(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	const struct th_ev *r;
	uint64_t rx0 = tdm_span_stats(th_g.cpe.span)->restarts_rx;

	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_int_equal(tdm_call_chan(placed), 1);
	assert_true(th_run(cpe_connected, 3000));
	assert_int_equal(tdm_span_restart(th_g.net.span, 1), 0);
	assert_int_equal(tdm_span_chan_state(th_g.net.span, 1), TDM_CHAN_MAINT);
	assert_true(th_run(chan1_back, 3000));
	r = th_find(&th_g.cpe, TDM_EV_RESTART);
	assert_non_null(r);
	assert_int_equal(r->chan, 1);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 1);
	assert_int_equal(th_count(&th_g.net, TDM_EV_RELEASED), 1);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->restarts_rx, rx0 + 1);
	assert_int_equal(count_chan_ev(&th_g.net, 1, TDM_CHAN_MAINT), 1);
	assert_int_equal(count_chan_ev(&th_g.net, 1, TDM_CHAN_IDLE), 1);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 1), TDM_CHAN_IDLE);

	/* the channel carries calls again */
	th_reset(NULL);
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_connected, 3000));
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

static void test_restart_bad(void **state)
{
	assert_int_equal(tdm_span_restart(NULL, 1), EINVAL);
	assert_int_equal(tdm_span_restart(th_g.net.span, 24), EINVAL);
	assert_int_equal(tdm_span_restart(th_g.net.span, -1), EINVAL);
}

static bool net_sees_oos5(void)
{
	return tdm_span_chan_state(th_g.net.span, 5) == TDM_CHAN_MAINT;
}

static bool net_sees_is5(void)
{
	return tdm_span_chan_state(th_g.net.span, 5) == TDM_CHAN_IDLE;
}

static bool cpe_sees_oos7(void)
{
	return tdm_span_chan_state(th_g.cpe.span, 7) == TDM_CHAN_MAINT;
}

static bool cpe_sees_is7(void)
{
	return tdm_span_chan_state(th_g.cpe.span, 7) == TDM_CHAN_IDLE;
}

/* 5ESS and 4ESS have SERVICE too, both ways; EuroISDN has none: a block
 * stays local. */
static void test_service_switchtypes(void **state)
{
	static const char *const sw[] = { "5ess", "4ess", "ni2" };

	th_teardown_pair();
	for (size_t i = 0; i < sizeof(sw) / sizeof(sw[0]); i++) {
		assert_int_equal(th_setup_pair(TDM_SPAN_T1, sw[i]), 0);
		/* CPE -> NET */
		assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, true),
				 0);
		assert_true(th_run(net_sees_oos5, 3000));
		assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, false),
				 0);
		assert_true(th_run(net_sees_is5, 3000));
		/* NET -> CPE */
		assert_int_equal(tdm_span_chan_block(th_g.net.span, 7, true),
				 0);
		assert_true(th_run(cpe_sees_oos7, 3000));
		assert_int_equal(tdm_span_chan_block(th_g.net.span, 7, false),
				 0);
		assert_true(th_run(cpe_sees_is7, 3000));
		assert_int_equal(tdm_span_stats(th_g.cpe.span)->service_rx, 2);
		th_teardown_pair();
	}
	assert_int_equal(th_setup_pair(TDM_SPAN_E1, "euroisdn"), 0);
	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, true), 0);
	th_run(NULL, 200);
	assert_int_equal(tdm_span_chan_state(th_g.net.span, 5), TDM_CHAN_IDLE);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->service_tx, 0);
	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, false), 0);
	th_teardown_pair();
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
}

/* NI-2 SERVICE: a channel we block is out of service at the far end
 * too, and comes back with our unblock. */
static void test_service_messages(void **state)
{
	struct tdm_setup setup = { .called = "100", .chan = 5 };
	const struct tdm_stats *n = tdm_span_stats(th_g.net.span);
	uint64_t rx0 = n->service_rx;

	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, true), 0);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 5),
			 TDM_CHAN_BLOCKED);
	assert_true(th_run(net_sees_oos5, 3000));
	assert_int_equal(n->service_rx, rx0 + 1);
	assert_int_equal(count_chan_ev(&th_g.net, 5, TDM_CHAN_MAINT), 1);
	/* neither end offers the channel */
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			 EBUSY);
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 EBUSY);
	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, false), 0);
	assert_true(th_run(net_sees_is5, 3000));
	assert_int_equal(n->service_rx, rx0 + 2);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->service_tx, 2);
}

/* A far end's SERVICE state does not outlive its connection: the peer
 * that comes back may be a new process. */
static void test_service_forgotten_on_reconnect(void **state)
{
	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 5, true), 0);
	assert_true(th_run(net_sees_oos5, 3000));
	tdm_span_free(th_g.cpe.span);
	th_g.cpe.span = NULL;
	assert_int_equal(th_span_new(&th_g.cpe, TDM_SPAN_T1, TDM_ROLE_CPE, NULL,
				     TDM_LOOP_CLIENT),
			 0);
	assert_true(th_run(th_both_up, 5000));
	assert_int_equal(tdm_span_chan_state(th_g.net.span, 5), TDM_CHAN_IDLE);
}

static bool net_sees_oos9(void)
{
	return tdm_span_chan_state(th_g.net.span, 9) == TDM_CHAN_MAINT;
}

/* Our block outlives the connection: a far end that comes back (a new
 * process) is told again once layer 2 is up. */
static void test_block_told_again(void **state)
{
	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 9, true), 0);
	assert_true(th_run(net_sees_oos9, 3000));
	tdm_span_free(th_g.net.span);
	th_g.net.span = NULL;
	assert_int_equal(th_span_new(&th_g.net, TDM_SPAN_T1, TDM_ROLE_NET, NULL,
				     TDM_LOOP_SERVER),
			 0);
	assert_true(th_run(th_both_up, 5000));
	assert_true(th_run(net_sees_oos9, 3000));
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 9),
			 TDM_CHAN_BLOCKED);
	assert_int_equal(tdm_span_chan_block(th_g.cpe.span, 9, false), 0);
	assert_true(th_run(th_both_up, 100));
}

static bool cpe_released(void)
{
	return th_count(&th_g.cpe, TDM_EV_RELEASED) > 0;
}

/* Cause 44: the NET has ts 1 and 2 blocked without telling (its
 * SERVICE messages are off): the CPE's SETUP on 1 is refused with cause
 * 44, the call goes on on 2, refused again, and connects on 3. */
static void test_cause44_retry(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	unsigned id;

	th_teardown_pair();
	memset(&th_cfg_net, 0, sizeof(th_cfg_net));
	th_cfg_net.no_service_msgs = true;
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
	memset(&th_cfg_net, 0, sizeof(th_cfg_net));
	assert_int_equal(tdm_span_chan_block(th_g.net.span, 1, true), 0);
	assert_int_equal(tdm_span_chan_block(th_g.net.span, 2, true), 0);
	th_run(NULL, 50);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 1), TDM_CHAN_IDLE);

	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, &th_g, &placed),
			 0);
	id = tdm_call_id(placed);
	assert_int_equal(tdm_call_chan(placed), 1);
	assert_true(th_run(cpe_connected, 3000));
	assert_int_equal(tdm_call_chan(placed), 3);
	assert_int_equal(tdm_call_id(placed), id);
	assert_ptr_equal(tdm_call_user(placed), &th_g);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->chan_retries, 2);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 0);
	assert_int_equal(th_find(&th_g.net, TDM_EV_SETUP)->chan, 3);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 1), TDM_CHAN_IDLE);
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));

	/* a wanted channel refused is not moved: the caller asked for it */
	th_reset(NULL);
	setup.chan = 2;
	assert_int_equal(tdm_span_chan_block(th_g.net.span, 3, true), 0);
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_released, 3000));
	assert_int_equal(th_find(&th_g.cpe, TDM_EV_RELEASED)->cause, 44);
	assert_true(th_run(th_all_released, 3000));
	for (int ts = 1; ts <= 3; ts++)
		assert_int_equal(tdm_span_chan_block(th_g.net.span, ts, false),
				 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_startup_restart, th_reset),
		cmocka_unit_test_setup(test_restart_in_use, th_reset),
		cmocka_unit_test_setup(test_restart_bad, th_reset),
		cmocka_unit_test_setup(test_service_messages, th_reset),
		cmocka_unit_test_setup(test_service_switchtypes, th_reset),
		cmocka_unit_test_setup(test_service_forgotten_on_reconnect,
				       th_reset),
		cmocka_unit_test_setup(test_block_told_again, th_reset),
		cmocka_unit_test_setup(test_cause44_retry, th_reset),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
