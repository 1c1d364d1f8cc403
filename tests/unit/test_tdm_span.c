/* tdm/span.c: config validation, channel maps, laws, names, audio fan-out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tdm/tdm.h"
#include "tdm/tdm_int.h"

static int timers_live;
static int audio_calls;

static uint64_t f_now(void *arg)
{
	return 0;
}

static void *f_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
			   void *fnarg)
{
	timers_live++;
	return &timers_live;
}

static void f_timer_stop(void *arg, void *t)
{
	timers_live--;
}

static int f_fd_watch(void *arg, int fd, void (*fn)(void *), void *fnarg)
{
	return 0;
}

static void f_fd_unwatch(void *arg, int fd)
{
}

static void f_audio(void *arg, struct tdm_span *span, struct tdm_call *call,
		    const uint8_t *rx, uint8_t *tx, size_t n)
{
	audio_calls++;
	memset(tx, rx[0], n);
}

static const struct tdm_hooks hooks = {
	.now = f_now,
	.timer_start = f_timer_start,
	.timer_stop = f_timer_stop,
	.fd_watch = f_fd_watch,
	.fd_unwatch = f_fd_unwatch,
	.audio = f_audio,
};

static struct tdm_span_cfg cfg_t1(void)
{
	struct tdm_span_cfg c = {
		.id = 1,
		.type = TDM_SPAN_T1,
		.role = TDM_ROLE_CPE,
		.loop_path = "/nonexistent/x.sock",
		.loop_mode = TDM_LOOP_CLIENT,
	};
	return c;
}

static void test_alloc_validation(void **state)
{
	struct tdm_span_cfg c;
	struct tdm_span *s = NULL;

	c = cfg_t1();
	c.id = 0;
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), EINVAL);
	c = cfg_t1();
	c.id = 128;
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), EINVAL);
	c = cfg_t1();
	c.switchtype = "foo";
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), EINVAL);
	c = cfg_t1();
	c.driver = "nonesuch";
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), ENOTSUP);
	c = cfg_t1();
	c.loop_path = NULL;
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), EINVAL);
	c = cfg_t1();
	c.type = (enum tdm_span_type)7;
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), EINVAL);
	c = cfg_t1();
	assert_int_equal(tdm_span_alloc(&c, NULL, &s), EINVAL);
	assert_null(s);
	tdm_span_free(NULL);
}

static void test_t1_map(void **state)
{
	struct tdm_span_cfg c = cfg_t1();
	struct tdm_span *s;
	int i;

	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), 0);
	assert_int_equal(tdm_span_id(s), 1);
	assert_int_equal(tdm_span_type(s), TDM_SPAN_T1);
	assert_int_equal(tdm_span_law(s), TDM_LAW_ULAW);
	assert_int_equal(tdm_span_bchans(s), 23);
	for (i = 0; i < 23; i++)
		assert_int_equal(tdm_span_bchan_ts(s, i), i + 1);
	assert_int_equal(tdm_span_bchan_ts(s, 23), -1);
	assert_int_equal(tdm_span_chan_state(s, 24), -1); /* D-channel */
	assert_int_equal(tdm_span_chan_state(s, 1), TDM_CHAN_IDLE);
	assert_int_equal(tdm_span_state(s), TDM_SPAN_DOWN);
	assert_false(tdm_span_is_up(s));
	assert_int_equal(tdm_span_calls(s, NULL, 0), 0);
	assert_int_equal(tdm_span_set_timer(s, "T303", 100), 0);
	assert_int_equal(tdm_span_set_timer(s, "T999", 100), EINVAL);
	tdm_span_free(s);
	assert_int_equal(timers_live, 0);
}

static void test_e1_map(void **state)
{
	struct tdm_span_cfg c = cfg_t1();
	struct tdm_span *s;
	int i;

	c.type = TDM_SPAN_E1;
	c.role = TDM_ROLE_NET;
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), 0);
	assert_int_equal(tdm_span_law(s), TDM_LAW_ALAW);
	assert_int_equal(tdm_span_bchans(s), 30);
	for (i = 0; i < 30; i++) {
		int ts = tdm_span_bchan_ts(s, i);

		assert_int_not_equal(ts, 16);
		assert_int_equal(ts, i < 15 ? i + 1 : i + 2);
	}
	assert_int_equal(tdm_span_chan_state(s, 16), -1);
	assert_int_equal(tdm_span_chan_state(s, 0), -1);
	assert_int_equal(tdm_span_chan_state(s, 31), TDM_CHAN_IDLE);
	tdm_span_free(s);
}

/* Idle channels carry the law's silence; calls get their own slice. */
static void test_audio_fanout(void **state)
{
	struct tdm_span_cfg c = cfg_t1();
	struct tdm_call fake = { 0 };
	uint8_t rx[23 * 160], tx[23 * 160];
	struct tdm_span *s;
	int i;

	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), 0);
	memset(rx, 0x55, sizeof(rx));
	audio_calls = 0;
	tdm_span_audio(s, rx, tx);
	assert_int_equal(audio_calls, 0);
	for (i = 0; i < (int)sizeof(tx); i++)
		assert_int_equal(tx[i], 0xFF);

	fake.span = s;
	fake.chan = tdm_chan_take(s, 3, &fake);
	assert_non_null(fake.chan);
	tdm_span_audio(s, rx, tx);
	assert_int_equal(audio_calls, 1);
	assert_int_equal(tx[2 * 160], 0x55);
	assert_int_equal(tx[2 * 160 + 159], 0x55);
	assert_int_equal(tx[1 * 160], 0xFF);
	assert_int_equal(tx[3 * 160], 0xFF);
	tdm_chan_put(s, fake.chan);
	tdm_span_free(s);
}

static void test_names(void **state)
{
	assert_string_equal(tdm_span_type_name(TDM_SPAN_E1), "e1");
	assert_string_equal(tdm_role_name(TDM_ROLE_NET), "net");
	assert_string_equal(tdm_law_name(TDM_LAW_ALAW), "alaw");
	assert_string_equal(tdm_loop_mode_name(TDM_LOOP_SERVER), "server");
	assert_string_equal(tdm_span_state_name(TDM_SPAN_L1_UP), "L1_UP");
	assert_string_equal(tdm_event_type_name(TDM_EV_REJECTED_FRAME),
			    "rejected_frame");
	assert_string_equal(tdm_event_type_name((enum tdm_event_type)99), "?");
	assert_int_equal(tdm_law_silence(TDM_LAW_ULAW), 0xFF);
	assert_int_equal(tdm_law_silence(TDM_LAW_ALAW), 0xD5);
}

/* A driver of the test's own: the test plays the line. */
static uint8_t fd_sent[8][64];
static size_t fd_len[8];
static int fd_nsent, fd_opens, fd_closes;

static int fd_open(struct tdm_span *span)
{
	fd_opens++;
	span->drv_priv = &fd_opens;
	return 0;
}

static void fd_close(struct tdm_span *span)
{
	fd_closes++;
	span->drv_priv = NULL;
}

static void fd_send(struct tdm_span *span, const uint8_t *buf, size_t len)
{
	if (fd_nsent < 8 && len <= sizeof(fd_sent[0])) {
		memcpy(fd_sent[fd_nsent], buf, len);
		fd_len[fd_nsent++] = len;
	}
}

static bool fd_connected(const struct tdm_span *span)
{
	return true;
}

static const struct tdm_drv fake_drv = {
	.name = "fake",
	.open = fd_open,
	.close = fd_close,
	.send_frame = fd_send,
	.connected = fd_connected,
};

static void test_alloc_drv(void **state)
{
	struct tdm_span_cfg c = cfg_t1();
	/* UA, a response from the network (C/R 0), F=1, 2 FCS bytes */
	static const uint8_t ua[] = { 0x00, 0x01, 0x73, 0, 0 };
	struct tdm_span *s = NULL;

	c.driver = "no-such-driver"; /* ignored: the driver is given */
	c.no_restart_on_start = true;
	assert_int_equal(tdm_span_alloc_drv(&c, &hooks, NULL, &s), EINVAL);
	assert_int_equal(tdm_span_alloc(&c, &hooks, &s), ENOTSUP);
	assert_int_equal(tdm_span_alloc_drv(&c, &hooks, &fake_drv, &s), 0);
	assert_int_equal(tdm_span_start(s), 0);
	assert_int_equal(fd_opens, 1);
	tdm_span_l1(s, true);
	assert_int_equal(tdm_span_state(s), TDM_SPAN_L1_UP);
	/* layer 2 starts at once: SABME (P=1) from the user side, C/R 0 */
	assert_true(fd_nsent >= 1);
	assert_int_equal(fd_len[0], 3 + 2);
	assert_int_equal(fd_sent[0][0], 0x00);
	assert_int_equal(fd_sent[0][1], 0x01);
	assert_int_equal(fd_sent[0][2], 0x7f);
	tdm_isdn_rx(s, ua, sizeof(ua));
	assert_int_equal(tdm_span_state(s), TDM_SPAN_UP);
	assert_int_equal(tdm_span_stats(s)->l2_ups, 1);
	tdm_span_free(s);
	assert_int_equal(fd_closes, 1);
	assert_int_equal(timers_live, 0);
}

/* A user freeing the span from inside the event that a call of its own
 * reports synchronously: the free waits until that call is done (the
 * span is still whole inside the handler), then happens. Found by
 * fuzz_q931 (heap-use-after-free in tdm_isdn_service after
 * tdm_span_chan_block). */
static struct tdm_span *free_span;
static int free_closes_in_handler = -1;

static void free_on_chan_state(void *arg, struct tdm_span *span,
			       struct tdm_call *call,
			       const struct tdm_event *ev)
{
	if (ev->type != TDM_EV_CHAN_STATE || span != free_span)
		return;
	free_span = NULL;
	tdm_span_free(span);
	/* deferred: the driver is still open */
	free_closes_in_handler = fd_closes;
}

static struct tdm_span *span_up_on_fake(void)
{
	static const uint8_t ua[] = { 0x00, 0x01, 0x73, 0, 0 };
	struct tdm_span_cfg c = cfg_t1();
	struct tdm_hooks h = hooks;
	struct tdm_span *s = NULL;

	h.event = free_on_chan_state;
	c.no_restart_on_start = true;
	assert_int_equal(tdm_span_alloc_drv(&c, &h, &fake_drv, &s), 0);
	assert_int_equal(tdm_span_start(s), 0);
	tdm_span_l1(s, true);
	tdm_isdn_rx(s, ua, sizeof(ua));
	assert_int_equal(tdm_span_state(s), TDM_SPAN_UP);
	return s;
}

static void test_free_in_chan_block_event(void **state)
{
	struct tdm_span *s = span_up_on_fake();
	int closes = fd_closes;

	free_span = s;
	free_closes_in_handler = -1;
	/* NI-2: blocking sends SERVICE after the state event */
	assert_int_equal(tdm_span_chan_block(s, 3, true), 0);
	assert_int_equal(free_closes_in_handler, closes);
	assert_int_equal(fd_closes, closes + 1);
	assert_int_equal(timers_live, 0);
}

static void test_free_in_restart_event(void **state)
{
	struct tdm_span *s = span_up_on_fake();
	int closes = fd_closes;

	free_span = s;
	free_closes_in_handler = -1;
	/* every channel goes to MAINT while restarting: the first event
	 * frees the span, no RESTART is sent on it */
	assert_int_equal(tdm_span_restart(s, 0), 0);
	assert_int_equal(free_closes_in_handler, closes);
	assert_int_equal(fd_closes, closes + 1);
	assert_int_equal(timers_live, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alloc_validation),
		cmocka_unit_test(test_t1_map),
		cmocka_unit_test(test_e1_map),
		cmocka_unit_test(test_audio_fanout),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_alloc_drv),
		cmocka_unit_test(test_free_in_chan_block_event),
		cmocka_unit_test(test_free_in_restart_event),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
