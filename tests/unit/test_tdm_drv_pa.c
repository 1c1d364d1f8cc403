/*
 * The PortAudio console span, headless: ALSA's null device stands in for
 * the sound card (ALSA_CONFIG_PATH points at a throwaway config with
 * pcm.!default { type null }). The null device keeps no time, so these
 * tests also show that the console is paced by our clock, not by it.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "test_tdm_harness.h"

static char alsa_conf[128], fifo_path[128], tmpdir[64];

static int console_new(const char *device, int auto_answer_ms, const char *fifo)
{
	struct tdm_span_cfg cfg = {
		.id = 9,
		.type = TDM_SPAN_T1,
		.role = TDM_ROLE_NET,
		.driver = "portaudio",
		.pa_device = device,
		.console_fifo = fifo,
		.console_number = "100",
		.auto_answer_ms = auto_answer_ms,
	};
	struct tdm_hooks h;
	int err;

	th_hooks(&th_g.net, &h);
	err = tdm_span_alloc(&cfg, &h, &th_g.net.span);
	if (err)
		return err;
	err = tdm_span_start(th_g.net.span);
	if (err) {
		tdm_span_free(th_g.net.span);
		th_g.net.span = NULL;
	}
	return err;
}

static int setup(void **state)
{
	memset(&th_g, 0, sizeof(th_g));
	th_g.net.th = th_g.cpe.th = &th_g;
	th_g.net.name = "console";
	th_g.cpe.name = "unused";
	th_g.loop = gw_loop_alloc();
	return th_g.loop ? 0 : -1;
}

static int teardown(void **state)
{
	if (th_g.net.span)
		tdm_span_free(th_g.net.span);
	th_g.net.span = NULL;
	gw_loop_free(th_g.loop);
	return 0;
}

/* G.711 both laws: every code survives decode + encode (µ-law's negative
 * zero 0x7F comes back as positive zero 0xFF), and a loud sine keeps its
 * sign and size. */
static void test_g711(void **state)
{
	for (int b = 0; b < 256; b++) {
		uint8_t a = tdm_pa_lin2law(
			TDM_LAW_ALAW, tdm_pa_law2lin(TDM_LAW_ALAW, (uint8_t)b));
		uint8_t u = tdm_pa_lin2law(
			TDM_LAW_ULAW, tdm_pa_law2lin(TDM_LAW_ULAW, (uint8_t)b));

		assert_int_equal(a, b);
		assert_int_equal(u, b == 0x7f ? 0xff : b);
	}
	assert_int_equal(tdm_pa_lin2law(TDM_LAW_ULAW, 0), 0xff);
	assert_int_equal(tdm_pa_lin2law(TDM_LAW_ALAW, 0), 0xd5);
	for (int s = -32768; s < 32768; s += 97) {
		int16_t back = tdm_pa_law2lin(
			TDM_LAW_ALAW, tdm_pa_lin2law(TDM_LAW_ALAW, (int16_t)s));
		int err = abs(back - s);

		/* A-law steps are at most 1/16 of the segment: 1024 at the
		 * top, 16 near zero */
		assert_true(err <= (abs(s) >> 4) + 16);
	}
}

static bool net_up(void)
{
	return th_g.net.span && tdm_span_is_up(th_g.net.span);
}

/* The console comes up by itself (no D-channel) and ticks every 20 ms of
 * our clock, though the null device would let it spin. */
static void test_paced_by_our_clock(void **state)
{
	uint64_t t0, blocks, elapsed;

	assert_int_equal(console_new(NULL, 0, NULL), 0);
	assert_true(th_run(net_up, 1000));
	assert_int_equal(tdm_span_bchans(th_g.net.span), 1);
	t0 = gw_loop_now(th_g.loop);
	th_run(NULL, 300);
	elapsed = gw_loop_now(th_g.loop) - t0;
	blocks = tdm_span_stats(th_g.net.span)->rx_blocks;
	assert_true(blocks >= 3);
	/* a spinning console would make thousands; ours may catch up on
	 * at most 200 ms of lag (drv_pa.c PA_MAX_LAG_MS) */
	assert_true(blocks <= elapsed / TDM_BLOCK_MS + 200 / TDM_BLOCK_MS + 2);
	assert_true(tdm_span_stats(th_g.net.span)->tx_blocks >= 3);
}

/* No such device: a clear error, the span does not start. */
static void test_no_device(void **state)
{
	assert_int_equal(console_new("no-such-sound-card", 0, NULL), ENODEV);
	assert_null(th_g.net.span);
}

static bool connected(void)
{
	return th_find(&th_g.net, TDM_EV_CONNECT) != NULL;
}

static bool released(void)
{
	return th_count(&th_g.net, TDM_EV_RELEASED) > 0;
}

/* A call to the console rings it (PROCEEDING, ALERTING), auto-answer
 * connects it, audio flows to the call, hangup releases it. */
static void test_call_to_console(void **state)
{
	struct tdm_setup s = { .called = "100", .calling = "2125550100" };
	struct tdm_call *call;
	int ts;

	assert_int_equal(console_new(NULL, 60, NULL), 0);
	assert_true(th_run(net_up, 1000));
	assert_int_equal(tdm_call_place(th_g.net.span, &s, NULL, &call), 0);
	/* the console has one line */
	assert_int_equal(tdm_call_place(th_g.net.span, &s, NULL, &call), EBUSY);
	assert_true(th_run(connected, 2000));
	assert_int_equal(th_count(&th_g.net, TDM_EV_PROCEEDING), 1);
	assert_int_equal(th_count(&th_g.net, TDM_EV_ALERTING), 1);
	assert_int_equal(tdm_call_state(call), TDM_CALL_CONNECTED);
	ts = tdm_call_chan(call);
	assert_int_equal(ts, 1);
	th_run(NULL, 100);
	assert_true(th_g.net.rx_blocks[ts] > 0);
	assert_int_equal(tdm_call_hangup(call, 16), 0);
	assert_true(th_run(released, 1000));
	assert_int_equal(tdm_span_calls(th_g.net.span, NULL, 0), 0);
}

static bool got_setup(void)
{
	return th_find(&th_g.net, TDM_EV_SETUP) != NULL;
}

static bool got_disconnect(void)
{
	return th_find(&th_g.net, TDM_EV_DISCONNECT) != NULL;
}

/* The operator dials: SETUP with the number and the console's own; the
 * gateway answers; the operator hangs up: DISCONNECT, then released. */
static void test_dial_from_console(void **state)
{
	const struct th_ev *ev;

	assert_int_equal(console_new(NULL, 0, NULL), 0);
	assert_true(th_run(net_up, 1000));
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_console_command(th_g.net.span, "dial 5551234"), 0);
	ev = th_find(&th_g.net, TDM_EV_SETUP);
	assert_non_null(ev);
	assert_string_equal(ev->called, "5551234");
	assert_string_equal(ev->calling, "100");
	assert_non_null(th_g.net.call);
	assert_int_equal(tdm_call_state(th_g.net.call), TDM_CALL_CONNECTED);
	assert_int_equal(tdm_console_command(th_g.net.span, "dial 1"), EBUSY);
	assert_int_equal(tdm_console_command(th_g.net.span, "digits 12#"), 0);
	assert_non_null(th_find(&th_g.net, TDM_EV_INFO));
	assert_int_equal(tdm_console_command(th_g.net.span, "hangup"), 0);
	assert_true(th_run(got_disconnect, 500));
	tdm_call_hangup(th_g.net.call, 16);
	assert_true(th_run(released, 1000));
}

/* Bad commands get a clear refusal and change nothing. */
static void test_bad_commands(void **state)
{
	assert_int_equal(console_new(NULL, 0, NULL), 0);
	assert_true(th_run(net_up, 1000));
	assert_int_equal(tdm_console_command(th_g.net.span, "dial abc"),
			 EINVAL);
	assert_int_equal(tdm_console_command(th_g.net.span, "dial"), EINVAL);
	assert_int_equal(tdm_console_command(th_g.net.span, "answer"), ENOENT);
	assert_int_equal(tdm_console_command(th_g.net.span, "hangup"), ENOENT);
	assert_int_equal(tdm_console_command(th_g.net.span, "reboot now"),
			 EINVAL);
	assert_int_equal(tdm_console_command(th_g.net.span, ""), EINVAL);
	assert_int_equal(
		th_g.net.nev > 0 ? th_count(&th_g.net, TDM_EV_SETUP) : 0, 0);
	assert_true(tdm_span_is_up(th_g.net.span));
}

/* Commands through the FIFO, split across writes. */
static void test_fifo(void **state)
{
	int fd;

	assert_int_equal(console_new(NULL, 0, fifo_path), 0);
	assert_true(th_run(net_up, 1000));
	fd = open(fifo_path, O_WRONLY | O_NONBLOCK);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "bogus\ndial 55", 13), 13);
	th_run(NULL, 50);
	assert_null(th_find(&th_g.net, TDM_EV_SETUP));
	assert_int_equal(write(fd, "5\n", 2), 2);
	assert_true(th_run(got_setup, 1000));
	assert_string_equal(th_find(&th_g.net, TDM_EV_SETUP)->called, "555");
	close(fd);
	tdm_call_hangup(th_g.net.call, 16);
	assert_true(th_run(released, 1000));
}

/* A console command on a span that is no console. */
static void test_not_a_console(void **state)
{
	assert_int_equal(tdm_console_command(NULL, "dial 1"), ENOTSUP);
}

/* Asynchronous audio on the console: the block to play waits for the
 * answer (made a loop turn after the read) and is written then, every
 * block once; never ready, it is written at the deadline. */
static struct {
	bool never;
	struct gw_timer *kick;
} pa_a;

static void pa_kick(void *arg)
{
	pa_a.kick = NULL;
	tdm_span_audio_kick(th_g.net.span);
}

static void pa_rx(void *arg, struct tdm_span *span, struct tdm_call *call,
		  const uint8_t *rx, size_t n)
{
	if (!pa_a.never && !pa_a.kick)
		pa_a.kick = gw_timer_start(th_g.loop, 0, pa_kick, NULL);
}

static bool pa_tx(void *arg, struct tdm_span *span, struct tdm_call *call,
		  uint8_t *tx, size_t n, bool late)
{
	if (!late && (pa_a.never || pa_a.kick))
		return false;
	memset(tx, 0x55, n);
	return true;
}

static void test_deferred_write(void **state)
{
	struct tdm_setup s = { .called = "100" };
	struct tdm_call *call;
	const struct tdm_stats *st;
	uint64_t rx0, tx0, waits0, late0;

	assert_int_equal(console_new(NULL, 20, NULL), 0);
	assert_true(th_run(net_up, 1000));
	assert_int_equal(tdm_call_place(th_g.net.span, &s, NULL, &call), 0);
	assert_true(th_run(connected, 2000));
	st = tdm_span_stats(th_g.net.span);
	memset(&pa_a, 0, sizeof(pa_a));
	th_g.net.span->hooks.audio_rx = pa_rx;
	th_g.net.span->hooks.audio_tx = pa_tx;
	rx0 = st->rx_blocks;
	tx0 = st->tx_blocks;
	waits0 = st->audio_waits;
	th_run(NULL, 400);
	assert_true(st->audio_waits >= waits0 + 10);
	/* each block written once, after its wait (one may still wait) */
	assert_true(st->tx_blocks + 1 >= tx0 + (st->rx_blocks - rx0));
	assert_true(st->tx_blocks <= tx0 + (st->rx_blocks - rx0));
	pa_a.never = true;
	late0 = st->audio_late;
	tx0 = st->tx_blocks;
	th_run(NULL, 300);
	assert_true(st->audio_late >= late0 + 5);
	assert_true(st->tx_blocks >= tx0 + 5);
	if (pa_a.kick)
		gw_timer_stop(th_g.loop, pa_a.kick);
	th_g.net.span->hooks.audio_rx = NULL;
	th_g.net.span->hooks.audio_tx = NULL;
	assert_int_equal(tdm_call_hangup(call, 16), 0);
	assert_true(th_run(released, 1000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_g711),
		cmocka_unit_test_setup_teardown(test_paced_by_our_clock, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_no_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_call_to_console, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dial_from_console, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_commands, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fifo, setup, teardown),
		cmocka_unit_test(test_not_a_console),
		cmocka_unit_test_setup_teardown(test_deferred_write, setup,
						teardown),
	};
	FILE *f;
	int rc;

	/* a sound card nobody has: ALSA's null device, from a private
	 * config (never the machine's own) */
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tdmpaXXXXXX");
	if (!mkdtemp(tmpdir))
		return 1;
	snprintf(alsa_conf, sizeof(alsa_conf), "%s/asound.conf", tmpdir);
	snprintf(fifo_path, sizeof(fifo_path), "%s/console", tmpdir);
	f = fopen(alsa_conf, "w");
	if (!f)
		return 1;
	fputs("pcm.!default { type null }\n", f);
	fclose(f);
	{
		char env[256];

		/* only ours: fewer devices to probe, no noise about the
		 * machine's missing cards */
		snprintf(env, sizeof(env), "%s", alsa_conf);
		setenv("ALSA_CONFIG_PATH", env, 1);
	}
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(fifo_path);
	unlink(alsa_conf);
	rmdir(tmpdir);
	return rc;
}
