/* tdm/isdn.c: whole calls between a NET and a CPE span through libpri. */
#include "test_tdm_harness.h"

static struct tdm_call *placed;

static bool cpe_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) > 0;
}

static bool net_connected(void)
{
	return th_count(&th_g.net, TDM_EV_CONNECT) > 0;
}

static bool cpe_has_setup(void)
{
	return th_count(&th_g.cpe, TDM_EV_SETUP) > 0;
}

static bool net_has_setup(void)
{
	return th_count(&th_g.net, TDM_EV_SETUP) > 0;
}

static bool audio_flowing(void)
{
	int ts = tdm_call_chan(placed);

	return th_g.net.rx_last[ts] == th_tx_byte(&th_g.cpe, ts) &&
	       th_g.cpe.rx_last[ts] == th_tx_byte(&th_g.net, ts);
}

/* Gateway side (CPE) calls out; the switch (NET) answers. */
static void test_call_out_cpe_to_net(void **state)
{
	struct tdm_setup setup = { .called = "5551000",
				   .calling = "2125550100",
				   .calling_name = "Test" };
	const struct th_ev *r;
	int ts;

	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, &th_g, &placed),
			 0);
	assert_int_equal(tdm_call_dir(placed), TDM_DIR_OUT);
	assert_ptr_equal(tdm_call_user(placed), &th_g);
	ts = tdm_call_chan(placed);
	assert_int_equal(ts, 1); /* CPE allocates from the bottom */
	assert_true(th_run(cpe_connected, 3000));
	assert_int_equal(tdm_call_state(placed), TDM_CALL_CONNECTED);

	r = th_find(&th_g.net, TDM_EV_SETUP);
	assert_non_null(r);
	assert_string_equal(r->called, "5551000");
	assert_string_equal(r->calling, "2125550100");
	assert_int_equal(r->chan, ts);
	assert_true(th_count(&th_g.cpe, TDM_EV_ALERTING) >= 1);

	/* bytes written on one side arrive on the other's channel */
	assert_true(th_run(audio_flowing, 1000));

	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	r = th_find(&th_g.net, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 16);
	assert_int_equal(th_count(&th_g.net, TDM_EV_RELEASED), 1);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 1);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_DISCONNECT), 0);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, ts), TDM_CHAN_IDLE);
	assert_int_equal(tdm_span_chan_state(th_g.net.span, ts), TDM_CHAN_IDLE);
}

/* The switch calls in; the gateway side answers; the switch hangs up. */
static void test_call_in_net_to_cpe(void **state)
{
	struct tdm_setup setup = { .called = "100", .calling = "5550123" };
	const struct th_ev *r;

	th_g.cpe.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			 0);
	assert_int_equal(tdm_call_chan(placed), 23); /* NET: from the top */
	assert_true(th_run(net_connected, 3000));
	r = th_find(&th_g.cpe, TDM_EV_SETUP);
	assert_non_null(r);
	assert_string_equal(r->called, "100");
	assert_int_equal(r->chan, 23);
	assert_true(th_run(audio_flowing, 1000));

	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	r = th_find(&th_g.cpe, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 16);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 1);
	assert_int_equal(th_count(&th_g.net, TDM_EV_RELEASED), 1);
}

/* The called side refuses: the caller sees DISCONNECT cause 17. */
static void test_reject_busy(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	const struct th_ev *r;

	th_g.cpe.on_setup = TH_REJECT;
	th_g.cpe.reject_cause = 17;
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(th_all_released, 3000));
	r = th_find(&th_g.net, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 17);
	assert_int_equal(th_count(&th_g.net, TDM_EV_RELEASED), 1);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 1);

	/* and after alerting, from the other direction */
	th_reset(NULL);
	th_g.net.on_setup = TH_ALERT;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(net_has_setup, 3000));
	assert_int_equal(tdm_call_hangup(th_g.net.call, 17), 0);
	assert_true(th_run(th_all_released, 3000));
	r = th_find(&th_g.cpe, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 17);
}

static bool net_setups_23(void)
{
	return th_count(&th_g.net, TDM_EV_SETUP) == 23;
}

/* Every B-channel taken: EBUSY, and a named busy channel too. */
static void test_no_free_channel(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_call *calls[23], *extra = NULL;
	int i;

	th_g.net.on_setup = TH_ALERT;
	for (i = 0; i < 23; i++)
		assert_int_equal(
			tdm_call_place(th_g.cpe.span, &setup, NULL, &calls[i]),
			0);
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &extra),
			 EBUSY);
	assert_null(extra);
	assert_true(th_run(net_setups_23, 3000));
	assert_int_equal(tdm_span_calls(th_g.net.span, NULL, 0), 23);

	/* one freed: a named channel works only when idle */
	assert_int_equal(tdm_call_hangup(calls[4], 16), 0);
	assert_true(th_run(NULL, 300));
	setup.chan = 6;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &extra),
			 EBUSY);
	setup.chan = 5;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &extra),
			 0);
	assert_int_equal(tdm_call_chan(extra), 5);
	setup.chan = 24; /* the D-channel */
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &extra),
			 EINVAL);

	for (i = 0; i < 23; i++)
		if (i != 4)
			tdm_call_hangup(calls[i], 16);
	tdm_call_hangup(th_g.cpe.call ? th_g.cpe.call : calls[0], 16);
	{
		struct tdm_call *all[32];
		int n = tdm_span_calls(th_g.cpe.span, all, 32);

		for (i = 0; i < n; i++)
			tdm_call_hangup(all[i], 16);
	}
	assert_true(th_run(th_all_released, 5000));
}

/* No answer at all: T303 (shortened) clears the SETUP. */
static void test_t303_timeout(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	const struct th_ev *r;
	int ts;

	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "T303", 100), 0);
	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "nosuch", 1),
			 EINVAL);
	th_g.net.on_setup = TH_NONE;
	/* the user hangs up in the DISCONNECT report, as the gateway does:
	 * libpri's call is freed once, not again (no "invalid call ptr") */
	th_g.cpe.hangup_on_disc = true;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(net_has_setup, 2000));
	/* the CPE gives up, then RESTARTs the channel: the NET side's
	 * offered call, never answered, is released by it */
	assert_true(th_run(NULL, 600));
	r = th_find(&th_g.cpe, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 18);
	r = th_find(&th_g.cpe, TDM_EV_RELEASED);
	assert_non_null(r);
	ts = r->chan;
	assert_true(ts > 0);
	assert_true(th_run(th_all_released, 3000));
	r = th_find(&th_g.net, TDM_EV_RESTART);
	assert_non_null(r);
	assert_int_equal(r->chan, ts);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->pri_errors, 0);
	tdm_span_set_timer(th_g.cpe.span, "T303", 4000);
}

static bool cpe_released_t310(void)
{
	return th_find(&th_g.cpe, TDM_EV_RELEASED) != NULL;
}

/* CALL PROCEEDING and then nothing: our T310 (libpri runs none) clears
 * with cause 102 on both sides; ALERTING in time stops it. */
static void test_t310_timeout(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	const struct th_ev *r;

	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "T310", 200), 0);
	th_g.net.on_setup = TH_PROCEED;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_released_t310, 2000));
	r = th_find(&th_g.cpe, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 102);
	assert_true(th_run(th_all_released, 3000));
	r = th_find(&th_g.net, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 102);

	th_reset(NULL);
	th_g.net.on_setup = TH_ALERT;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(NULL, 600));
	assert_null(th_find(&th_g.cpe, TDM_EV_DISCONNECT));
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	tdm_span_set_timer(th_g.cpe.span, "T310", 0);
}

/* Requests out of state are refused, not sent. */
static void test_bad_requests(void **state)
{
	struct tdm_setup setup = { .called = "100" };

	assert_int_equal(tdm_call_place(th_g.cpe.span, NULL, NULL, &placed),
			 EINVAL);
	setup.called = "";
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 EINVAL);
	setup.called = "100";
	th_g.net.on_setup = TH_NONE;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	/* outgoing calls cannot be answered by us */
	assert_int_equal(tdm_call_answer(placed), EINVAL);
	assert_int_equal(tdm_call_alerting(placed, false), EINVAL);
	assert_int_equal(tdm_call_hangup(placed, 0), EINVAL);
	assert_true(th_run(cpe_has_setup, 200) || true);
	assert_true(th_run(net_has_setup, 2000));
	assert_int_equal(tdm_call_answer(th_g.net.call), 0);
	assert_int_equal(tdm_call_alerting(th_g.net.call, false), EINVAL);
	assert_true(th_run(cpe_connected, 2000));
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_int_equal(tdm_call_hangup(placed, 16), 0); /* idempotent */
	assert_true(th_run(th_all_released, 3000));
}

struct sw_case {
	enum tdm_span_type type;
	const char *sw;
};

/* One full call per switch type, T1 and E1. */
static void test_switchtypes(void **state)
{
	static const struct sw_case cases[] = {
		{ TDM_SPAN_T1, "ni2" },	     { TDM_SPAN_T1, "dms100" },
		{ TDM_SPAN_T1, "5ess" },     { TDM_SPAN_T1, "4ess" },
		{ TDM_SPAN_T1, "ni1" },	     { TDM_SPAN_E1, "euroisdn" },
		{ TDM_SPAN_T1, "euroisdn" }, { TDM_SPAN_E1, "qsig" },
	};
	struct tdm_setup setup = { .called = "5551000", .calling = "100" };
	size_t i;

	th_teardown_pair();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(th_setup_pair(cases[i].type, cases[i].sw), 0);
		th_g.net.on_setup = TH_ANSWER;
		assert_int_equal(
			tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			0);
		assert_true(th_run(cpe_connected, 3000));
		assert_true(th_run(audio_flowing, 1000));
		assert_int_equal(tdm_call_hangup(placed, 16), 0);
		assert_true(th_run(th_all_released, 3000));
		assert_int_equal(th_find(&th_g.net, TDM_EV_DISCONNECT)->cause,
				 16);
		th_teardown_pair();
	}
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
}

static void test_switchtype_names(void **state)
{
	assert_true(tdm_switchtype_valid("ni2"));
	assert_true(tdm_switchtype_valid("national"));
	assert_true(tdm_switchtype_valid("qsig"));
	assert_false(tdm_switchtype_valid("foo"));
	assert_false(tdm_switchtype_valid(NULL));
	assert_non_null(strstr(tdm_switchtype_list(), "dms100"));
	assert_string_equal(tdm_call_state_name(TDM_CALL_ALERTING), "ALERTING");
	assert_string_equal(tdm_call_dir_name(TDM_DIR_IN), "in");
}

static bool net_up(void)
{
	return tdm_span_is_up(th_g.net.span);
}

/*
 * Regression: the switch side listens long before the gateway connects,
 * with libpri's default T200 (1 s). Layer 2 must come up as soon as the
 * wire does (not a T200 later), and a SETUP sent the moment the switch
 * sees layer 2 up must reach the gateway instead of being cleared by a
 * late SABME retransmission resetting the link (cause 101).
 */
static void test_late_client_call_at_once(void **state)
{
	struct tdm_setup setup = { .called = "5551000", .calling = "100" };
	const struct th_ev *r;
	struct tdm_hooks h;
	uint64_t t0;

	th_teardown_pair();
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
	th_teardown_pair();
	/* a fresh pair by hand: default timers, client 400 ms late */
	memset(&th_g, 0, sizeof(th_g));
	th_g.net.th = th_g.cpe.th = &th_g;
	th_g.net.name = "net";
	th_g.cpe.name = "cpe";
	snprintf(th_g.dir, sizeof(th_g.dir), "/tmp/tdmtestXXXXXX");
	assert_non_null(mkdtemp(th_g.dir));
	snprintf(th_g.path, sizeof(th_g.path), "%s/span.sock", th_g.dir);
	th_g.loop = gw_loop_alloc();
	struct tdm_span_cfg cfg = { .id = 1,
				    .type = TDM_SPAN_T1,
				    .role = TDM_ROLE_NET,
				    .driver = "loop",
				    .loop_path = th_g.path,
				    .loop_mode = TDM_LOOP_SERVER };

	th_hooks(&th_g.net, &h);
	assert_int_equal(tdm_span_alloc(&cfg, &h, &th_g.net.span), 0);
	assert_int_equal(tdm_span_start(th_g.net.span), 0);
	th_run(NULL, 400);
	cfg.id = 2;
	cfg.role = TDM_ROLE_CPE;
	cfg.loop_mode = TDM_LOOP_CLIENT;
	th_hooks(&th_g.cpe, &h);
	assert_int_equal(tdm_span_alloc(&cfg, &h, &th_g.cpe.span), 0);
	t0 = gw_loop_now_us(th_g.loop);
	assert_int_equal(tdm_span_start(th_g.cpe.span), 0);
	assert_true(th_run(net_up, 3000));
	assert_true(gw_loop_now_us(th_g.loop) - t0 < 500000);

	th_g.cpe.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(net_connected, 3000));
	r = th_find(&th_g.cpe, TDM_EV_SETUP);
	assert_non_null(r);
	assert_string_equal(r->called, "5551000");
	assert_int_equal(th_count(&th_g.net, TDM_EV_DISCONNECT), 0);
	/* no second link establishment after the call is up */
	th_run(NULL, 1500);
	assert_int_equal(th_count(&th_g.net, TDM_EV_DISCONNECT), 0);
	assert_int_equal(th_count(&th_g.net, TDM_EV_SPAN_UP), 1);
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switchtype_names),
		cmocka_unit_test_setup(test_call_out_cpe_to_net, th_reset),
		cmocka_unit_test_setup(test_call_in_net_to_cpe, th_reset),
		cmocka_unit_test_setup(test_reject_busy, th_reset),
		cmocka_unit_test_setup(test_no_free_channel, th_reset),
		cmocka_unit_test_setup(test_t303_timeout, th_reset),
		cmocka_unit_test_setup(test_t310_timeout, th_reset),
		cmocka_unit_test_setup(test_bad_requests, th_reset),
		cmocka_unit_test_setup(test_switchtypes, th_reset),
		cmocka_unit_test_setup(test_late_client_call_at_once, th_reset),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
