/* tdm/drv_loop.c: the loop wire, its clock, bad input and reconnects. */
#include "test_tdm_harness.h"

static struct tdm_call *placed;

static bool cpe_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) > 0;
}

static bool audio_flowing(void)
{
	int ts = tdm_call_chan(placed);

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
	assert_true(th_run(audio_flowing, 1000));
}

static bool bad_seen_2(void)
{
	return tdm_span_stats(th_g.net.span)->rx_bad >= 2 &&
	       tdm_span_stats(th_g.cpe.span)->rx_bad >= 2;
}

/* Wrong sizes and unknown types are counted and dropped; the call lives. */
static void test_bad_messages_call_survives(void **state)
{
	uint8_t msg[8 + 23 * 160 + 10];
	uint64_t blocks;

	call_up();
	memset(msg, 0, sizeof(msg));
	msg[0] = 2; /* audio, one sample short */
	assert_int_equal(
		tdm_loop_send_raw(th_g.cpe.span, msg, 8 + 23 * 160 - 1), 0);
	msg[0] = 9; /* unknown type */
	assert_int_equal(tdm_loop_send_raw(th_g.cpe.span, msg, 20), 0);
	msg[0] = 2; /* audio, too long */
	assert_int_equal(tdm_loop_send_raw(th_g.net.span, msg, sizeof(msg)), 0);
	msg[0] = 1; /* D-channel frame too short for Q.921 */
	assert_int_equal(tdm_loop_send_raw(th_g.net.span, msg, 3), 0);
	assert_true(th_run(bad_seen_2, 1000));
	assert_int_equal(tdm_span_stats(th_g.net.span)->rx_bad, 2);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->rx_bad, 2);
	assert_int_equal(th_count(&th_g.net, TDM_EV_REJECTED_FRAME), 2);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_REJECTED_FRAME), 2);

	/* still up, still talking */
	assert_int_equal(tdm_call_state(placed), TDM_CALL_CONNECTED);
	memset(th_g.net.rx_last, 0, sizeof(th_g.net.rx_last));
	memset(th_g.cpe.rx_last, 0, sizeof(th_g.cpe.rx_last));
	blocks = tdm_span_stats(th_g.net.span)->rx_blocks;
	assert_true(th_run(audio_flowing, 1000));
	assert_true(th_run(NULL, 100));
	assert_true(tdm_span_stats(th_g.net.span)->rx_blocks > blocks);
	assert_true(tdm_span_is_up(th_g.net.span));

	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_find(&th_g.net, TDM_EV_DISCONNECT)->cause, 16);
}

static bool cpe_bad_4(void)
{
	return tdm_span_stats(th_g.cpe.span)->rx_bad >= 4;
}

/* tdm_span_inject: every fault reaches the peer as a counted rejection. */
static void test_inject(void **state)
{
	uint64_t bad0 = tdm_span_stats(th_g.cpe.span)->rx_bad;

	for (int f = 0; f < TDM_FAULT__COUNT; f++) {
		assert_int_equal(tdm_fault_lookup(tdm_fault_name(f)), f);
		assert_int_equal(tdm_span_inject(th_g.net.span, f), 0);
	}
	assert_int_equal(tdm_fault_lookup("nonsense"), -1);
	assert_int_equal(tdm_span_inject(th_g.net.span, TDM_FAULT__COUNT),
			 EINVAL);
	assert_true(th_run(cpe_bad_4, 1000));
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->rx_bad - bad0, 4);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_REJECTED_FRAME), 4);
	assert_true(tdm_span_is_up(th_g.cpe.span));
}

/* The server clocks 50 blocks a second; the client answers each. */
static void test_clock_and_stats(void **state)
{
	uint64_t tx0 = tdm_span_stats(th_g.net.span)->tx_blocks;
	uint64_t rx0 = tdm_span_stats(th_g.cpe.span)->rx_blocks;
	const struct tdm_stats *n, *c;

	assert_true(th_run(NULL, 500));
	n = tdm_span_stats(th_g.net.span);
	c = tdm_span_stats(th_g.cpe.span);
	assert_in_range(n->tx_blocks - tx0, 20, 30);
	assert_in_range(c->rx_blocks - rx0, 19, 30);
	assert_true(c->tx_blocks >= c->rx_blocks - 1);
	assert_true(n->tx_frames > 0 && n->rx_frames > 0);
	assert_true(c->tx_frames > 0 && c->rx_frames > 0);
}

static bool cpe_down(void)
{
	return tdm_span_state(th_g.cpe.span) == TDM_SPAN_DOWN;
}

static bool cpe_released(void)
{
	return tdm_span_calls(th_g.cpe.span, NULL, 0) == 0;
}

/* The switch goes away with a call up, and comes back. */
static void test_reconnect(void **state)
{
	struct tdm_hooks h;
	const struct th_ev *r;

	call_up();
	tdm_span_free(th_g.net.span);
	th_g.net.span = NULL;
	assert_true(th_run(cpe_down, 1000));
	assert_true(th_run(cpe_released, 1000));
	r = th_find(&th_g.cpe, TDM_EV_DISCONNECT);
	assert_non_null(r);
	assert_int_equal(r->cause, 38);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_L1_DOWN), 1);
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_SPAN_DOWN), 1);
	assert_int_equal(tdm_span_chan_state(th_g.cpe.span, 1), TDM_CHAN_IDLE);

	/* a while without a server: the client keeps retrying */
	assert_true(th_run(NULL, 1200));
	assert_int_equal(tdm_span_state(th_g.cpe.span), TDM_SPAN_DOWN);

	th_hooks(&th_g.net, &h);
	assert_int_equal(th_span_new(&th_g.net, TDM_SPAN_T1, TDM_ROLE_NET, NULL,
				     TDM_LOOP_SERVER),
			 0);
	assert_true(th_run(th_both_up, 5000));
	assert_true(th_run(NULL, 300));
	assert_true(th_count(&th_g.cpe, TDM_EV_SPAN_UP) >= 1);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->connects, 2);
	/* UP once its new layer 2 and RESTART are done, not at connect
	 * with the old link's layer 2 state (which flapped down again) */
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_SPAN_DOWN), 1);
	assert_int_equal(tdm_span_state(th_g.cpe.span), TDM_SPAN_UP);

	/* and calls work again */
	th_reset(NULL);
	call_up();
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

/* A second client is refused while one is connected. */
static void test_second_peer_refused(void **state)
{
	struct th_side extra = { .name = "extra" };
	uint64_t c0 = tdm_span_stats(th_g.net.span)->connects;

	th_g.net.nev = 0;
	assert_int_equal(th_span_new(&extra, TDM_SPAN_T1, TDM_ROLE_CPE, NULL,
				     TDM_LOOP_CLIENT),
			 0);
	assert_true(th_run(NULL, 300));
	assert_int_equal(tdm_span_stats(th_g.net.span)->connects, c0);
	assert_true(tdm_span_is_up(th_g.cpe.span));
	tdm_span_free(extra.span);
	assert_true(th_run(NULL, 100));
	assert_true(tdm_span_is_up(th_g.cpe.span));
}

/* The client starts before the server exists. */
static void test_client_first(void **state)
{
	th_teardown_pair();
	memset(&th_g, 0, sizeof(th_g));
	th_g.net.name = "net";
	th_g.cpe.name = "cpe";
	snprintf(th_g.dir, sizeof(th_g.dir), "/tmp/tdmtestXXXXXX");
	assert_non_null(mkdtemp(th_g.dir));
	snprintf(th_g.path, sizeof(th_g.path), "%s/span.sock", th_g.dir);
	th_g.loop = gw_loop_alloc();
	assert_non_null(th_g.loop);
	assert_int_equal(th_span_new(&th_g.cpe, TDM_SPAN_E1, TDM_ROLE_CPE, NULL,
				     TDM_LOOP_CLIENT),
			 0);
	assert_true(th_run(NULL, 300));
	assert_int_equal(tdm_span_state(th_g.cpe.span), TDM_SPAN_DOWN);
	assert_int_equal(th_span_new(&th_g.net, TDM_SPAN_E1, TDM_ROLE_NET, NULL,
				     TDM_LOOP_SERVER),
			 0);
	assert_true(th_run(th_both_up, 5000));
	/* E1: a call on the top channel, 31, never 16 */
	{
		struct tdm_setup setup = { .called = "100" };

		th_g.cpe.on_setup = TH_ANSWER;
		assert_int_equal(
			tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			0);
		assert_int_equal(tdm_call_chan(placed), 31);
		assert_true(th_run(audio_flowing, 3000));
		assert_int_equal(tdm_call_hangup(placed, 16), 0);
		assert_true(th_run(th_all_released, 3000));
	}
}

/* What the server side heard on the call's timeslot, block by block. */
static uint8_t heard[512];
static int nheard;

static void record_audio(void *arg, struct tdm_span *span,
			 struct tdm_call *call, const uint8_t *rx, uint8_t *tx,
			 size_t n)
{
	if (nheard < (int)sizeof(heard))
		heard[nheard++] = rx[n - 1];
	th_audio(arg, span, call, rx, tx, n);
}

static bool heard_in_order(void)
{
	int want = 0;
	const uint8_t seq[] = { 0x11, 0x12, 0x13 };

	for (int i = 0; i < nheard && want < 3; i++)
		if (heard[i] == seq[want])
			want++;
	return want == 3;
}

/* A client that answers late sends several blocks between two ticks of
 * the server's clock: each is played, in order, none overwritten. */
static void test_late_blocks_kept(void **state)
{
	size_t samples =
		(size_t)tdm_span_bchans(th_g.cpe.span) * TDM_SAMPLES_PER_BLOCK;
	uint8_t msg[8 + TDM_MAX_BCHANS * TDM_SAMPLES_PER_BLOCK];
	int ts, idx = -1;

	call_up();
	ts = tdm_call_chan(placed);
	for (int i = 0; i < tdm_span_bchans(th_g.cpe.span); i++)
		if (tdm_span_bchan_ts(th_g.cpe.span, i) == ts)
			idx = i;
	assert_true(idx >= 0);
	nheard = 0;
	th_g.net.span->hooks.audio = record_audio;
	for (uint8_t mark = 0x11; mark <= 0x13; mark++) {
		memset(msg, 0, 8);
		msg[0] = 2; /* audio block */
		memset(msg + 8, 0xff, samples);
		memset(msg + 8 + (size_t)idx * TDM_SAMPLES_PER_BLOCK, mark,
		       TDM_SAMPLES_PER_BLOCK);
		assert_int_equal(
			tdm_loop_send_raw(th_g.cpe.span, msg, 8 + samples), 0);
	}
	assert_true(th_run(heard_in_order, 1000));
	th_g.net.span->hooks.audio = th_audio;
	tdm_call_hangup(placed, 16);
	assert_true(th_run(th_all_released, 3000));
}

/* Without a prefill the server's first tick finds no answer yet: it
 * plays the last block again (silence, before any), counted. With one, a
 * value above the limit is refused; within it the client's blocks are
 * still all played, in order, and the client answering every block never
 * leaves a tick without one. */
static void test_prefill(void **state)
{
	struct th_side tmp = { .name = "tmp" };

	assert_true(tdm_span_stats(th_g.net.span)->audio_repeats >= 1);
	th_teardown_pair();
	th_cfg_net.loop_prefill = TDM_LOOP_MAX_PREFILL + 1;
	memset(&th_g, 0, sizeof(th_g));
	snprintf(th_g.path, sizeof(th_g.path), "/tmp/tdmtest-none.sock");
	assert_int_equal(th_span_new(&tmp, TDM_SPAN_T1, TDM_ROLE_NET, NULL,
				     TDM_LOOP_SERVER),
			 EINVAL);
	th_cfg_net.loop_prefill = 3;
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
	test_late_blocks_kept(state);
	assert_int_equal(tdm_span_stats(th_g.net.span)->audio_repeats, 0);
	th_cfg_net.loop_prefill = 0;
}

/* The server's user frees its span from inside the ALARM event that a
 * new peer's connection raises (the old peer's alarms cleared): the free
 * waits until the accept is done. */
static int unwatches, unwatches_in_handler = -1;

static void count_unwatch(void *arg, int fd)
{
	unwatches++;
	th_fd_unwatch(arg, fd);
}

static void free_on_alarm_clear(void *arg, struct tdm_span *span,
				struct tdm_call *call,
				const struct tdm_event *ev)
{
	th_event(arg, span, call, ev);
	if (ev->type != TDM_EV_ALARM || ev->alarms || span != th_g.net.span)
		return;
	th_g.net.span = NULL;
	tdm_span_free(span);
	unwatches_in_handler = unwatches; /* nothing closed yet */
}

static bool net_red(void)
{
	return tdm_span_alarms(th_g.net.span) & TDM_ALARM_RED;
}

static bool net_down(void)
{
	return tdm_span_state(th_g.net.span) == TDM_SPAN_DOWN;
}

static bool net_gone(void)
{
	return th_g.net.span == NULL;
}

static void test_free_in_accept_alarm(void **state)
{
	assert_int_equal(
		tdm_span_inject_alarm(th_g.cpe.span, TDM_ALARM_RED, true), 0);
	assert_true(th_run(net_red, 2000));
	tdm_span_free(th_g.cpe.span);
	th_g.cpe.span = NULL;
	assert_true(th_run(net_down, 2000));
	th_g.net.span->hooks.event = free_on_alarm_clear;
	th_g.net.span->hooks.fd_unwatch = count_unwatch;
	unwatches = 0;
	assert_int_equal(th_span_new(&th_g.cpe, TDM_SPAN_T1, TDM_ROLE_CPE, NULL,
				     TDM_LOOP_CLIENT),
			 0);
	assert_true(th_run(net_gone, 2000));
	assert_int_equal(unwatches_in_handler, 0);
	/* then the server closed: its listening and peer sockets */
	assert_int_equal(unwatches, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_clock_and_stats, th_reset),
		cmocka_unit_test_setup(test_bad_messages_call_survives,
				       th_reset),
		cmocka_unit_test_setup(test_inject, th_reset),
		cmocka_unit_test_setup(test_late_blocks_kept, th_reset),
		cmocka_unit_test_setup(test_second_peer_refused, th_reset),
		cmocka_unit_test_setup(test_reconnect, th_reset),
		cmocka_unit_test_setup(test_client_first, th_reset),
		cmocka_unit_test_setup(test_prefill, th_reset),
		cmocka_unit_test_setup(test_free_in_accept_alarm, th_reset),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
