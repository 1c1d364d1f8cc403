/* tdm/drv_line.c and the loop driver's line faults: layer 1 alarms, a
 * dropped D-channel against T309, a frame with a bad FCS, and 64 kbit/s
 * pacing. */
#include "test_tdm_harness.h"

static struct tdm_call *placed;

static bool cpe_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) > 0;
}

static bool audio_flowing(void)
{
	int ts = tdm_call_chan(placed);

	th_g.net.rx_last[ts] = th_g.cpe.rx_last[ts] = 0;
	th_run(NULL, 60);
	return th_g.net.rx_last[ts] == th_tx_byte(&th_g.cpe, ts) &&
	       th_g.cpe.rx_last[ts] == th_tx_byte(&th_g.net, ts);
}

static void call_up(void)
{
	struct tdm_setup setup = { .called = "5551000" };

	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_connected, 3000));
	assert_true(audio_flowing());
}

/* An idle link notices a dead D-channel after T203 + N200 * T200:
 * keep that short (libpri applies a new T203 only when it re-arms it,
 * so set it before the spans start). */
static int group_setup(void **state)
{
	th_t203_ms = 300;
	return th_setup_pair(TDM_SPAN_T1, NULL);
}

static bool cpe_red_net_yellow(void)
{
	return tdm_span_alarms(th_g.cpe.span) == TDM_ALARM_RED &&
	       tdm_span_alarms(th_g.net.span) == TDM_ALARM_YELLOW;
}

static bool no_alarms(void)
{
	return !tdm_span_alarms(th_g.cpe.span) &&
	       !tdm_span_alarms(th_g.net.span);
}

static bool cpe_l2_down(void)
{
	return !tdm_span_is_up(th_g.cpe.span);
}

/* Red toward the CPE: the CPE is in red, answers with yellow, the NET
 * sees yellow; the D-channel is dead, so layer 2 drops; clearing brings
 * all back. */
static void test_alarm_red(void **state)
{
	const struct tdm_stats *c = tdm_span_stats(th_g.cpe.span);
	const struct tdm_stats *n = tdm_span_stats(th_g.net.span);
	uint64_t downs = c->l2_downs, ups = c->l2_ups;
	const struct th_ev *r;

	assert_int_equal(
		tdm_span_inject_alarm(th_g.net.span, TDM_ALARM_RED, true), 0);
	assert_true(th_run(cpe_red_net_yellow, 2000));
	r = th_find(&th_g.cpe, TDM_EV_ALARM);
	assert_non_null(r);
	assert_int_equal(r->alarms, TDM_ALARM_RED);
	assert_int_equal(th_find(&th_g.net, TDM_EV_ALARM)->alarms,
			 TDM_ALARM_YELLOW);
	assert_int_equal(c->alarms_red, 1);
	assert_int_equal(n->alarms_yellow, 1);
	assert_true(th_run(cpe_l2_down, 3000));
	assert_int_equal(c->l2_downs, downs + 1);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_SPAN_DOWN), 1);

	assert_int_equal(
		tdm_span_inject_alarm(th_g.net.span, TDM_ALARM_RED, false), 0);
	assert_true(th_run(no_alarms, 2000));
	assert_int_equal(th_find(&th_g.cpe, TDM_EV_ALARM)->alarms, 0);
	assert_true(th_run(th_both_up, 3000));
	assert_int_equal(c->l2_ups, ups + 1);
	/* no start-up RESTART on a re-established link */
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RESTART), 0);
}

static bool cpe_blue(void)
{
	return tdm_span_alarms(th_g.cpe.span) == TDM_ALARM_BLUE &&
	       tdm_span_alarms(th_g.net.span) == TDM_ALARM_YELLOW;
}

static bool cpe_yellow(void)
{
	return tdm_span_alarms(th_g.cpe.span) == TDM_ALARM_YELLOW;
}

/* Blue (AIS) is answered with yellow too; yellow alone is just shown. */
static void test_alarm_blue_yellow(void **state)
{
	const struct tdm_stats *c = tdm_span_stats(th_g.cpe.span);
	uint64_t blue = c->alarms_blue, yellow = c->alarms_yellow;

	assert_int_equal(
		tdm_span_inject_alarm(th_g.net.span, TDM_ALARM_BLUE, true), 0);
	assert_true(th_run(cpe_blue, 2000));
	assert_int_equal(c->alarms_blue, blue + 1);
	assert_int_equal(
		tdm_span_inject_alarm(th_g.net.span, TDM_ALARM_BLUE, false), 0);
	assert_true(th_run(no_alarms, 2000));

	assert_int_equal(
		tdm_span_inject_alarm(th_g.net.span, TDM_ALARM_YELLOW, true),
		0);
	assert_true(th_run(cpe_yellow, 2000));
	th_run(NULL, 100);
	assert_int_equal(tdm_span_alarms(th_g.net.span), 0);
	assert_int_equal(c->alarms_yellow, yellow + 1);
	assert_true(tdm_span_is_up(th_g.cpe.span)); /* yellow: line works */
	assert_int_equal(
		tdm_span_inject_alarm(th_g.net.span, TDM_ALARM_YELLOW, false),
		0);
	assert_true(th_run(no_alarms, 2000));

	/* bad input */
	assert_int_equal(tdm_span_inject_alarm(th_g.net.span, 3, true), EINVAL);
	assert_int_equal(tdm_span_inject_alarm(NULL, TDM_ALARM_RED, true),
			 EINVAL);
	assert_string_equal(tdm_alarm_name(TDM_ALARM_BLUE), "blue");
	assert_string_equal(tdm_alarm_name(9), "?");
}

static bool cpe_relinked(void)
{
	return tdm_span_stats(th_g.cpe.span)->l2_downs > 0 && th_both_up();
}

static bool cpe_released(void)
{
	return th_count(&th_g.cpe, TDM_EV_RELEASED) > 0 &&
	       th_count(&th_g.net, TDM_EV_RELEASED) > 0;
}

/* A D-channel outage shorter than T309: layer 2 drops and comes back,
 * the call (and its audio) survives. Longer than T309: the call is
 * released on both sides, the link comes back for new calls. */
static void test_t309(void **state)
{
	const struct tdm_stats *c = tdm_span_stats(th_g.cpe.span);
	uint64_t downs = c->l2_downs;

	assert_int_equal(tdm_span_set_timer(th_g.net.span, "T309", 2500), 0);
	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "T309", 2500), 0);
	call_up();
	assert_int_equal(tdm_span_inject_dchan_drop(th_g.cpe.span, 1200), 0);
	assert_true(th_run(cpe_l2_down, 3000));
	assert_true(th_run(cpe_relinked, 4000));
	assert_true(c->l2_downs > downs);
	assert_true(c->dchan_drops > 0);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_RELEASED), 0);
	assert_int_equal(tdm_call_state(placed), TDM_CALL_CONNECTED);
	assert_true(audio_flowing());
	assert_int_equal(c->t309_released, 0);

	/* now longer than T309 */
	assert_int_equal(tdm_span_set_timer(th_g.net.span, "T309", 800), 0);
	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "T309", 800), 0);
	assert_int_equal(tdm_span_inject_dchan_drop(th_g.cpe.span, 3500), 0);
	assert_true(th_run(cpe_released, 4000));
	assert_int_equal(c->t309_released, 1);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 1), TDM_CHAN_IDLE);
	assert_true(th_run(th_both_up, 5000));
	th_reset(NULL);
	call_up();
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(tdm_span_inject_dchan_drop(NULL, 10), EINVAL);
}

/* A frame with a bad FCS is dropped and counted; Q.921 retransmits and
 * the call completes. */
static void test_corrupt_frame(void **state)
{
	const struct tdm_stats *n = tdm_span_stats(th_g.net.span);
	uint64_t bad = n->rx_fcs_errors;

	assert_int_equal(tdm_span_inject_corrupt(th_g.cpe.span), 0);
	call_up();
	assert_int_equal(n->rx_fcs_errors, bad + 1);
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(tdm_span_inject_corrupt(NULL), EINVAL);
}

static bool two_rejected(void)
{
	return tdm_span_stats(th_g.cpe.span)->rx_bad >= 2;
}

/* A line condition message of the wrong size or with unknown bits is
 * rejected and counted; the alarms stay as they were. */
static void test_bad_line_messages(void **state)
{
	uint8_t short_msg[1] = { 3 }, bad_bits[2] = { 3, 0x80 };
	uint64_t bad = tdm_span_stats(th_g.cpe.span)->rx_bad;

	assert_int_equal(tdm_loop_send_raw(th_g.net.span, short_msg, 1), 0);
	assert_int_equal(tdm_loop_send_raw(th_g.net.span, bad_bits, 2), 0);
	assert_true(th_run(two_rejected, 1000));
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->rx_bad, bad + 2);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_REJECTED_FRAME), 2);
	assert_int_equal(tdm_span_alarms(th_g.cpe.span), 0);
	assert_true(tdm_span_is_up(th_g.cpe.span));
}

static bool five_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) == 5;
}

/* 64 kbit/s pacing: five SETUPs at once queue for the wire, go out in
 * order, and all calls connect. */
static void test_rate_limit(void **state)
{
	struct tdm_setup setup = { .called = "5551000" };
	struct tdm_call *calls[5];

	th_teardown_pair();
	memset(&th_cfg_net, 0, sizeof(th_cfg_net));
	memset(&th_cfg_cpe, 0, sizeof(th_cfg_cpe));
	th_cfg_net.dchan_rate_limit = th_cfg_cpe.dchan_rate_limit = true;
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
	memset(&th_cfg_net, 0, sizeof(th_cfg_net));
	memset(&th_cfg_cpe, 0, sizeof(th_cfg_cpe));
	th_g.net.on_setup = TH_ANSWER;
	for (int i = 0; i < 5; i++)
		assert_int_equal(
			tdm_call_place(th_g.cpe.span, &setup, NULL, &calls[i]),
			0);
	assert_true(tdm_span_stats(th_g.cpe.span)->tx_paced >= 4);
	assert_true(th_run(five_connected, 5000));
	for (int i = 0; i < 5; i++)
		assert_int_equal(tdm_call_hangup(calls[i], 16), 0);
	assert_true(th_run(th_all_released, 5000));
	/* calls came in the order placed: channels 1..5 */
	for (int i = 0, k = 0; i < th_g.net.nev; i++)
		if (th_g.net.ev[i].type == TDM_EV_SETUP)
			assert_int_equal(th_g.net.ev[i].chan, ++k);
	assert_int_equal(th_count(&th_g.net, TDM_EV_SETUP), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_alarm_red, th_reset),
		cmocka_unit_test_setup(test_alarm_blue_yellow, th_reset),
		cmocka_unit_test_setup(test_t309, th_reset),
		cmocka_unit_test_setup(test_corrupt_frame, th_reset),
		cmocka_unit_test_setup(test_bad_line_messages, th_reset),
		cmocka_unit_test_setup(test_rate_limit, th_reset),
	};

	return cmocka_run_group_tests(tests, group_setup, th_group_teardown);
}
