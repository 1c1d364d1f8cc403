/* tdm/call.c: argument and state checks of the call API, the call states
 * each request and far-end message leads to, accessors and names. */
#include "test_tdm_harness.h"

static struct th_side *want_side;
static enum tdm_event_type want_type;
static int want_count;

static bool have_events(void)
{
	return th_count(want_side, want_type) >= want_count;
}

/* Runs the loop until side s has seen n events of type t. */
static bool wait_ev(struct th_side *s, enum tdm_event_type t, int n)
{
	want_side = s;
	want_type = t;
	want_count = n;
	return th_run(have_events, 3000);
}

/* NET calls the CPE side, which only records the SETUP. */
static struct tdm_call *offer_to_cpe(struct tdm_call **net_call)
{
	struct tdm_setup setup = { .called = "100", .calling = "5550123" };

	th_g.cpe.on_setup = TH_NONE;
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, net_call),
			 0);
	assert_true(wait_ev(&th_g.cpe, TDM_EV_SETUP, 1));
	assert_non_null(th_g.cpe.call);
	return th_g.cpe.call;
}

static void test_names(void **state)
{
	static const char *const states[] = { "OFFERED",    "DIALING",
					      "PROCEEDING", "ALERTING",
					      "CONNECTED",  "RELEASING" };
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		assert_string_equal(tdm_call_state_name((enum tdm_call_state)i),
				    states[i]);
	assert_string_equal(tdm_call_state_name((enum tdm_call_state)99), "?");
	assert_string_equal(tdm_call_state_name((enum tdm_call_state) - 1),
			    "?");
	assert_string_equal(tdm_call_dir_name(TDM_DIR_IN), "in");
	assert_string_equal(tdm_call_dir_name(TDM_DIR_OUT), "out");
	assert_string_equal(tdm_call_dir_name((enum tdm_call_dir)7), "?");
}

static void test_place_arguments(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_call *sentinel = (struct tdm_call *)&setup;
	struct tdm_call *out = sentinel;
	struct tdm_span *cpe = th_g.cpe.span;
	uint64_t failed = tdm_span_stats(cpe)->calls_failed;

	assert_int_equal(tdm_call_place(NULL, &setup, NULL, &out), EINVAL);
	assert_int_equal(tdm_call_place(cpe, NULL, NULL, &out), EINVAL);
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, NULL), EINVAL);
	setup.called = NULL;
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EINVAL);
	setup.called = "";
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EINVAL);
	setup.called = "100";
	/* timeslots that are no B-channel of a T1 */
	setup.chan = 24;
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EINVAL);
	setup.chan = 99;
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EINVAL);
	setup.chan = -1;
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EINVAL);

	/* the out-parameter is written only on success, nothing was sent */
	assert_ptr_equal(out, sentinel);
	assert_int_equal(tdm_span_calls(cpe, NULL, 0), 0);
	assert_int_equal(tdm_span_stats(cpe)->calls_failed, failed);
	assert_true(th_run(NULL, 100));
	assert_int_equal(th_count(&th_g.net, TDM_EV_SETUP), 0);
}

/* A span that never started, and one whose layer 2 went down. */
static void test_span_not_up(void **state)
{
	struct tdm_span_cfg cfg = { .id = 9,
				    .type = TDM_SPAN_E1,
				    .role = TDM_ROLE_CPE,
				    .driver = "loop",
				    .loop_path = th_g.path,
				    .loop_mode = TDM_LOOP_CLIENT };
	struct tdm_setup setup = { .called = "100" };
	struct th_side idle = { .name = "idle" };
	struct tdm_call *out = NULL, *net_call, *c;
	struct tdm_span *span;
	struct tdm_hooks h;

	th_hooks(&idle, &h);
	assert_int_equal(tdm_span_alloc(&cfg, &h, &span), 0);
	assert_int_equal(tdm_call_place(span, &setup, NULL, &out), ENOTCONN);
	assert_null(out);
	/* the state of the span is checked before the channel */
	setup.chan = 16;
	assert_int_equal(tdm_call_place(span, &setup, NULL, &out), ENOTCONN);
	tdm_span_free(span);

	c = offer_to_cpe(&net_call);
	tdm_span_l2(th_g.cpe.span, false);
	assert_int_equal(tdm_span_state(th_g.cpe.span), TDM_SPAN_L1_UP);
	setup.chan = 0;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &out),
			 ENOTCONN);
	assert_null(out);
	assert_int_equal(tdm_call_proceeding(c), ENOTCONN);
	assert_int_equal(tdm_call_alerting(c, true), ENOTCONN);
	assert_int_equal(tdm_call_progress(c), ENOTCONN);
	assert_int_equal(tdm_call_answer(c), ENOTCONN);
	assert_int_equal(tdm_call_state(c), TDM_CALL_OFFERED);
	/* clearing is always possible */
	assert_int_equal(tdm_call_hangup(c, 16), 0);
	assert_int_equal(tdm_call_state(c), TDM_CALL_RELEASING);
	tdm_span_l2(th_g.cpe.span, true);
	assert_true(tdm_span_is_up(th_g.cpe.span));
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_find(&th_g.net, TDM_EV_DISCONNECT)->cause, 16);
}

static void test_place_busy(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_span *cpe = th_g.cpe.span;
	struct tdm_call *a = NULL, *out = NULL;
	uint64_t failed = tdm_span_stats(cpe)->calls_failed;
	int ts;

	th_g.net.on_setup = TH_ALERT;
	/* every B-channel out of service */
	for (ts = 1; ts <= 23; ts++)
		assert_int_equal(tdm_span_chan_block(cpe, ts, true), 0);
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EBUSY);
	assert_null(out);
	assert_int_equal(tdm_span_stats(cpe)->calls_failed, failed + 1);
	for (ts = 1; ts <= 23; ts++)
		assert_int_equal(tdm_span_chan_block(cpe, ts, false), 0);

	/* a named channel already carrying a call */
	setup.chan = 7;
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &a), 0);
	assert_int_equal(tdm_call_chan(a), 7);
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &out), EBUSY);
	assert_null(out);
	assert_int_equal(tdm_span_stats(cpe)->calls_failed, failed + 2);
	assert_int_equal(tdm_span_calls(cpe, NULL, 0), 1);
	assert_true(wait_ev(&th_g.cpe, TDM_EV_ALERTING, 1));
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

/* The called side walks its call through every request it may make. */
static void test_incoming_states(void **state)
{
	struct tdm_call *net_call, *c = offer_to_cpe(&net_call);
	int marker;

	assert_int_equal(tdm_call_dir(c), TDM_DIR_IN);
	assert_int_equal(tdm_call_state(c), TDM_CALL_OFFERED);
	assert_ptr_equal(tdm_call_span(c), th_g.cpe.span);
	assert_int_equal(tdm_call_chan(c), 23);
	assert_null(tdm_call_user(c));
	tdm_call_set_user(c, &marker);
	assert_ptr_equal(tdm_call_user(c), &marker);
	assert_int_equal(tdm_call_state(net_call), TDM_CALL_DIALING);

	assert_int_equal(tdm_call_proceeding(c), 0);
	assert_int_equal(tdm_call_state(c), TDM_CALL_PROCEEDING);
	assert_int_equal(tdm_call_proceeding(c), EINVAL);
	assert_true(wait_ev(&th_g.net, TDM_EV_PROCEEDING, 1));
	assert_int_equal(tdm_call_state(net_call), TDM_CALL_PROCEEDING);

	assert_int_equal(tdm_call_progress(c), 0);
	assert_int_equal(tdm_call_state(c), TDM_CALL_PROCEEDING);
	assert_true(wait_ev(&th_g.net, TDM_EV_PROGRESS, 1));

	assert_int_equal(tdm_call_alerting(c, true), 0);
	assert_int_equal(tdm_call_state(c), TDM_CALL_ALERTING);
	assert_int_equal(tdm_call_alerting(c, true), EINVAL);
	assert_int_equal(tdm_call_proceeding(c), EINVAL);
	assert_int_equal(tdm_call_progress(c), 0);
	assert_true(wait_ev(&th_g.net, TDM_EV_ALERTING, 1));
	assert_int_equal(tdm_call_state(net_call), TDM_CALL_ALERTING);

	assert_int_equal(tdm_call_answer(c), 0);
	assert_int_equal(tdm_call_state(c), TDM_CALL_CONNECTED);
	assert_int_equal(tdm_call_answer(c), EINVAL);
	assert_int_equal(tdm_call_alerting(c, false), EINVAL);
	assert_int_equal(tdm_call_progress(c), EINVAL);
	assert_true(wait_ev(&th_g.net, TDM_EV_CONNECT, 1));
	assert_int_equal(tdm_call_state(net_call), TDM_CALL_CONNECTED);

	assert_int_equal(tdm_call_hangup(NULL, 16), EINVAL);
	assert_int_equal(tdm_call_hangup(c, 0), EINVAL);
	assert_int_equal(tdm_call_hangup(c, 128), EINVAL);
	assert_int_equal(tdm_call_state(c), TDM_CALL_CONNECTED);
	assert_int_equal(tdm_call_hangup(c, 31), 0);
	assert_int_equal(tdm_call_state(c), TDM_CALL_RELEASING);
	assert_int_equal(tdm_call_hangup(c, 16), 0); /* does nothing */
	assert_int_equal(tdm_call_answer(c), EINVAL);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_find(&th_g.net, TDM_EV_DISCONNECT)->cause, 31);
	assert_int_equal(th_find(&th_g.cpe, TDM_EV_RELEASED)->cause, 31);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_DISCONNECT), 0);
}

/* The calling side may make none of the answering side's requests; the
 * far end's messages move its state. */
static void test_outgoing_states(void **state)
{
	struct tdm_setup setup = { .called = "5551000" };
	struct tdm_call *c, *in;

	th_g.net.on_setup = TH_NONE;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, &th_g, &c), 0);
	assert_int_equal(tdm_call_dir(c), TDM_DIR_OUT);
	assert_int_equal(tdm_call_state(c), TDM_CALL_DIALING);
	assert_ptr_equal(tdm_call_user(c), &th_g);
	assert_int_equal(tdm_call_chan(c), 1);
	assert_int_equal(tdm_call_proceeding(c), EINVAL);
	assert_int_equal(tdm_call_alerting(c, false), EINVAL);
	assert_int_equal(tdm_call_progress(c), EINVAL);
	assert_int_equal(tdm_call_answer(c), EINVAL);
	assert_int_equal(tdm_call_state(c), TDM_CALL_DIALING);

	assert_true(wait_ev(&th_g.net, TDM_EV_SETUP, 1));
	in = th_g.net.call;
	assert_int_equal(tdm_call_proceeding(in), 0);
	assert_true(wait_ev(&th_g.cpe, TDM_EV_PROCEEDING, 1));
	assert_int_equal(tdm_call_state(c), TDM_CALL_PROCEEDING);
	assert_int_equal(tdm_call_alerting(in, false), 0);
	assert_true(wait_ev(&th_g.cpe, TDM_EV_ALERTING, 1));
	assert_int_equal(tdm_call_state(c), TDM_CALL_ALERTING);
	assert_int_equal(tdm_call_answer(in), 0);
	assert_true(wait_ev(&th_g.cpe, TDM_EV_CONNECT, 1));
	assert_int_equal(tdm_call_state(c), TDM_CALL_CONNECTED);
	assert_int_equal(tdm_call_answer(c), EINVAL);

	/* the far end clears: DISCONNECT, then RELEASED with its cause */
	assert_int_equal(tdm_call_hangup(in, 17), 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_find(&th_g.cpe, TDM_EV_DISCONNECT)->cause, 17);
	assert_int_equal(th_find(&th_g.cpe, TDM_EV_RELEASED)->cause, 17);
}

/* Hanging up an offered or proceeding call refuses it with the cause. */
static void test_refuse(void **state)
{
	struct tdm_call *net_call, *c = offer_to_cpe(&net_call);

	assert_int_equal(tdm_call_hangup(c, 21), 0);
	assert_int_equal(tdm_call_proceeding(c), EINVAL);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_find(&th_g.net, TDM_EV_DISCONNECT)->cause, 21);
	assert_int_equal(th_count(&th_g.net, TDM_EV_CONNECT), 0);

	th_reset(NULL);
	c = offer_to_cpe(&net_call);
	assert_int_equal(tdm_call_proceeding(c), 0);
	assert_int_equal(tdm_call_hangup(c, 34), 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_find(&th_g.net, TDM_EV_DISCONNECT)->cause, 34);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 23), TDM_CHAN_IDLE);
	assert_int_equal(tdm_span_chan_state(th_g.net.span, 23), TDM_CHAN_IDLE);
}

static bool cpe_has_call(void)
{
	return th_g.cpe.call != NULL;
}

/*
 * Every clearing ends in RELEASED on both sides with the channel idle,
 * whatever the cause and state. libpri by default answers causes 1, 34,
 * 44, 81 and 82 with RELEASE COMPLETE and frees its call silently, which
 * left ours (and its B-channel) behind for good.
 */
static void test_hangup_any_cause(void **state)
{
	static const int causes[] = { 1, 6, 16, 34, 44, 81, 82 };
	static const enum tdm_call_state stages[] = { TDM_CALL_OFFERED,
						      TDM_CALL_PROCEEDING,
						      TDM_CALL_ALERTING,
						      TDM_CALL_CONNECTED };
	struct tdm_setup setup = { .called = "100" };
	size_t i, j;
	int side;

	/* A caller hanging up before any answer to its SETUP (the far end
	 * still OFFERED) is held by libpri until the far end responds or
	 * T303 expires; keep that short. */
	assert_int_equal(tdm_span_set_timer(th_g.net.span, "T303", 300), 0);
	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "T303", 300), 0);
	for (i = 0; i < sizeof(causes) / sizeof(causes[0]); i++)
		for (j = 0; j < sizeof(stages) / sizeof(stages[0]); j++)
			for (side = 0; side < 2; side++) {
				struct tdm_call *out, *in;
				struct th_side *far;

				/* the caller answers cause 44 before any
				 * alerting with a retry on another channel:
				 * test_cause44_* in test_tdm_maint.c */
				if (causes[i] == 44 && side == 0 &&
				    stages[j] <= TDM_CALL_PROCEEDING)
					continue;
				th_reset(NULL);
				assert_int_equal(tdm_call_place(th_g.net.span,
								&setup, NULL,
								&out),
						 0);
				assert_true(th_run(cpe_has_call, 3000));
				in = th_g.cpe.call;
				if (stages[j] >= TDM_CALL_PROCEEDING)
					assert_int_equal(
						tdm_call_proceeding(in), 0);
				if (stages[j] >= TDM_CALL_ALERTING)
					assert_int_equal(
						tdm_call_alerting(in, false),
						0);
				if (stages[j] == TDM_CALL_CONNECTED)
					assert_int_equal(tdm_call_answer(in),
							 0);
				assert_int_equal(tdm_call_state(in), stages[j]);
				/* let the far end catch up before clearing */
				th_run(NULL, 40);
				far = side ? &th_g.cpe : &th_g.net;
				assert_int_equal(
					tdm_call_hangup(side ? out : in,
							causes[i]),
					0);
				if (!th_run(th_all_released, 3000))
					fail_msg("cause %d in %s, %s side: not "
						 "released",
						 causes[i],
						 tdm_call_state_name(stages[j]),
						 side ? "calling" : "called");
				assert_int_equal(
					th_find(far, TDM_EV_DISCONNECT)->cause,
					causes[i]);
				assert_int_equal(
					th_count(&th_g.net, TDM_EV_RELEASED),
					1);
				assert_int_equal(
					th_count(&th_g.cpe, TDM_EV_RELEASED),
					1);
				assert_int_equal(
					tdm_span_chan_state(th_g.cpe.span, 23),
					TDM_CHAN_IDLE);
				assert_int_equal(
					tdm_span_chan_state(th_g.net.span, 23),
					TDM_CHAN_IDLE);
			}
}

/* Ids count up per span; the span lists its live calls. */
static void test_ids_and_list(void **state)
{
	struct tdm_setup setup = { .called = "100" };
	struct tdm_call *a, *b, *list[4] = { 0 };
	struct tdm_span *cpe = th_g.cpe.span;
	uint64_t out0 = tdm_span_stats(cpe)->calls_out;

	th_g.net.on_setup = TH_ALERT;
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &a), 0);
	assert_int_equal(tdm_call_place(cpe, &setup, NULL, &b), 0);
	assert_int_equal(tdm_call_id(b), tdm_call_id(a) + 1);
	assert_int_equal(tdm_call_chan(a), 1);
	assert_int_equal(tdm_call_chan(b), 2);
	assert_int_equal(tdm_span_stats(cpe)->calls_out, out0 + 2);
	assert_int_equal(tdm_span_calls(cpe, NULL, 0), 2);
	assert_int_equal(tdm_span_calls(cpe, list, 1), 2);
	assert_true(list[0] == a || list[0] == b);
	assert_null(list[1]);
	assert_int_equal(tdm_span_calls(cpe, list, 4), 2);
	assert_true((list[0] == a && list[1] == b) ||
		    (list[0] == b && list[1] == a));
	assert_true(wait_ev(&th_g.cpe, TDM_EV_ALERTING, 2));
	assert_int_equal(tdm_call_hangup(a, 16), 0);
	assert_int_equal(tdm_call_hangup(b, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(tdm_span_calls(cpe, NULL, 0), 0);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test_setup(test_place_arguments, th_reset),
		cmocka_unit_test_setup(test_span_not_up, th_reset),
		cmocka_unit_test_setup(test_place_busy, th_reset),
		cmocka_unit_test_setup(test_incoming_states, th_reset),
		cmocka_unit_test_setup(test_outgoing_states, th_reset),
		cmocka_unit_test_setup(test_refuse, th_reset),
		cmocka_unit_test_setup(test_hangup_any_cause, th_reset),
		cmocka_unit_test_setup(test_ids_and_list, th_reset),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
