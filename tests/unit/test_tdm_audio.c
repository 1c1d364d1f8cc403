/* tdm/audio.c: asynchronous audio on the loop driver. The server (NET)
 * sends a new byte every block; the client (CPE) echoes it through the
 * async hooks. The server plays the client's answer to block k on its
 * tick k + 1, so an answer made in the same block comes back one tick
 * after it was sent; one block ahead, two. */
#include "test_tdm_harness.h"

static struct tdm_call *placed;

enum mode { READY_LATER, NEVER_READY };

static struct {
	enum mode mode;
	uint8_t got[TDM_MAX_TIMESLOT + 1]; /* client: last rx per ts */
	struct gw_timer *kick;
	/* server: bytes sent and heard per tick on the call's timeslot */
	uint8_t sent[64], heard[64];
	int ticks;
	int ts;
} a;

static bool cpe_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) > 0;
}

static void net_audio(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const uint8_t *rx, uint8_t *tx, size_t n)
{
	if (tdm_call_chan(call) != a.ts || a.ticks >= 64)
		return;
	a.heard[a.ticks] = rx[n - 1];
	a.sent[a.ticks] = (uint8_t)(0x20 + a.ticks);
	memset(tx, a.sent[a.ticks], n);
	a.ticks++;
}

static void kick_now(void *arg)
{
	a.kick = NULL;
	tdm_span_audio_kick(th_g.cpe.span);
}

static void cpe_rx(void *arg, struct tdm_span *span, struct tdm_call *call,
		   const uint8_t *rx, size_t n)
{
	a.got[tdm_call_chan(call)] = rx[n - 1];
	/* the "worker" answers a little later: on the loop's next turn */
	if (a.mode == READY_LATER && !a.kick)
		a.kick = gw_timer_start(th_g.loop, 0, kick_now, NULL);
}

static bool cpe_tx(void *arg, struct tdm_span *span, struct tdm_call *call,
		   uint8_t *tx, size_t n, bool late)
{
	if (a.mode == NEVER_READY && !late)
		return false;
	if (a.mode == READY_LATER && a.kick && !late)
		return false; /* still working */
	memset(tx, late ? 0x11 : a.got[tdm_call_chan(call)], n);
	return true;
}

static bool forty_ticks(void)
{
	return a.ticks >= 40;
}

static void call_up(enum mode mode)
{
	struct tdm_setup setup = { .called = "5551000" };

	memset(&a, 0, sizeof(a));
	a.mode = mode;
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_connected, 3000));
	a.ts = tdm_call_chan(placed);
	th_g.cpe.span->hooks.audio_rx = cpe_rx;
	th_g.cpe.span->hooks.audio_tx = cpe_tx;
	th_g.net.span->hooks.audio = net_audio;
}

static void call_down(void)
{
	th_g.net.span->hooks.audio = th_audio;
	th_g.cpe.span->hooks.audio_rx = NULL;
	th_g.cpe.span->hooks.audio_tx = NULL;
	if (a.kick)
		gw_timer_stop(th_g.loop, a.kick);
	a.kick = NULL;
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

/* Answers that come after the block (a loop turn later) leave with that
 * block: the server hears each byte one tick after sending it. */
static void test_answer_in_same_block(void **state)
{
	struct tdm_stats before = *tdm_span_stats(th_g.cpe.span);
	int in_step = 0, bad = 0;
	bool stalled = false;

	call_up(READY_LATER);
	assert_true(th_run(forty_ticks, 3000));
	/* Each byte comes back one tick after it was sent. A stall on a
	 * loaded machine (the answer misses the server's next tick: it
	 * hears silence or its own last block again) queues that answer at the server, which then
	 * stays a tick behind; one block ahead, every byte would come back
	 * two ticks after, after a first silent tick, and none in step. */
	for (int k = 1; k < 40; k++) {
		if (a.heard[k] == a.sent[k - 1])
			in_step++;
		else if (a.heard[k] == 0xFF || a.heard[k] == 0x11 ||
			 a.heard[k] == a.heard[k - 1])
			stalled = true; /* silence, a late answer, or the
					 * server's slip (its last block again) */
		else if (!stalled || k < 2 || a.heard[k] != a.sent[k - 2])
			bad++;
	}
	assert_true(in_step >= 3);
	assert_int_equal(bad, 0);
	assert_true(tdm_span_stats(th_g.cpe.span)->audio_waits >
		    before.audio_waits + 20);
	call_down();
}

/* Never ready: at TDM_AUDIO_WAIT_MS every block goes out anyway with
 * what the late answer gave, counted; the clock never stalls. */
static void test_deadline_sends_anyway(void **state)
{
	struct tdm_stats before = *tdm_span_stats(th_g.cpe.span);
	int marked = 0, other = 0;

	call_up(NEVER_READY);
	assert_true(th_run(forty_ticks, 3000));
	for (int k = 10; k < 40; k++) {
		marked += a.heard[k] == 0x11;
		/* an answer later than the server's next tick (a loaded
		 * machine) leaves it silence for that tick, never data */
		other += a.heard[k] != 0x11 && a.heard[k] != 0xFF;
	}
	assert_true(marked >= 24);
	assert_int_equal(other, 0);
	assert_true(tdm_span_stats(th_g.cpe.span)->audio_late >=
		    before.audio_late + 35);
	assert_true(tdm_span_stats(th_g.cpe.span)->tx_blocks >=
		    before.tx_blocks + 35);
	call_down();
}

static bool block_waiting(void)
{
	return th_g.cpe.span->aud_tx != NULL;
}

/* A call released while its block waits leaves silence; a span freed
 * while one waits leaves no timer behind. */
static void test_release_and_free_while_waiting(void **state)
{
	uint64_t late;

	call_up(NEVER_READY);
	assert_true(th_run(block_waiting, 1000));
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
	late = tdm_span_stats(th_g.cpe.span)->audio_late;
	assert_true(th_run(NULL, 100));
	/* no call: nothing waits any more */
	assert_true(tdm_span_stats(th_g.cpe.span)->audio_late <= late + 1);
	assert_false(block_waiting());

	call_up(NEVER_READY);
	assert_true(th_run(block_waiting, 1000));
	tdm_span_free(th_g.cpe.span); /* the deadline timer goes with it */
	th_g.cpe.span = NULL;
	assert_true(th_run(NULL, 60));
	/* the group teardown frees the NET side */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_answer_in_same_block, th_reset),
		cmocka_unit_test_setup(test_deadline_sends_anyway, th_reset),
		cmocka_unit_test_setup(test_release_and_free_while_waiting,
				       th_reset),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
