/*
 * gateway/drain.c: the drain state table, the OPTIONS health decision,
 * the control commands and their bad input, the metrics lines; then on
 * a real PRI span pair (the gateway's CPE span against an in-process NET
 * span over the loop driver): health from span and channel states, a
 * SETUP refused with drain_cause while draining, and drain_mode busyout
 * taking idle B-channels out of service with SERVICE messages (the NET
 * side sees them go, x-pstngw-trunks shows free=0 drain=drained) and
 * back on undrain. (test_gateway_gw: the x-pstngw-trunks body and its
 * NOTIFYs on drain changes.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/ctl.h"
#include "tests/unit/ctl_test.h"
#include "gateway/drain.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/metrics.h"

static struct gw gw;
static struct gw_ctl_out out;

static void cfg_defaults(void)
{
	gw.cfg.drain_mode = GW_DRAIN_REFUSE;
	gw.cfg.drain_cause = 34;
	gw.cfg.retry_after_s = 60;
	gw.cfg.options_health = 1;
}

static int setup(void **state)
{
	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	gw.hctx.loop = gw.loop;
	cfg_defaults();
	gw_log_init("test", false);
	gw_log_set_level_all(getenv("GW_DRAIN_TEST_VERBOSE") ? LOG_DEBUG
							     : LOG_CRIT);
	memset(&out, 0, sizeof(out));
	return gw.loop ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	gw_loop_free(gw.loop);
	gw_ctl_out_release(&out);
	return 0;
}

static const char *run(const char *line, bool want_ok)
{
	return ctl_run(&gw, &out, line, want_ok);
}

static void state_table(void **state)
{
	(void)state;
	/* drain: draining with calls up, drained without */
	assert_int_equal(gw_drain_next(GW_DRAIN_OFF, GW_DRAIN_EV_DRAIN, 3),
			 GW_DRAIN_DRAINING);
	assert_int_equal(gw_drain_next(GW_DRAIN_OFF, GW_DRAIN_EV_DRAIN, 0),
			 GW_DRAIN_DRAINED);
	/* a second drain changes nothing */
	assert_int_equal(gw_drain_next(GW_DRAIN_DRAINING, GW_DRAIN_EV_DRAIN, 0),
			 GW_DRAIN_DRAINING);
	assert_int_equal(gw_drain_next(GW_DRAIN_DRAINED, GW_DRAIN_EV_DRAIN, 2),
			 GW_DRAIN_DRAINED);
	/* calls ending: drained once none is left */
	assert_int_equal(
		gw_drain_next(GW_DRAIN_DRAINING, GW_DRAIN_EV_CALL_GONE, 1),
		GW_DRAIN_DRAINING);
	assert_int_equal(
		gw_drain_next(GW_DRAIN_DRAINING, GW_DRAIN_EV_CALL_GONE, 0),
		GW_DRAIN_DRAINED);
	assert_int_equal(gw_drain_next(GW_DRAIN_OFF, GW_DRAIN_EV_CALL_GONE, 0),
			 GW_DRAIN_OFF);
	/* undrain from both draining states; idempotent when off */
	assert_int_equal(
		gw_drain_next(GW_DRAIN_DRAINING, GW_DRAIN_EV_UNDRAIN, 4),
		GW_DRAIN_OFF);
	assert_int_equal(
		gw_drain_next(GW_DRAIN_DRAINED, GW_DRAIN_EV_UNDRAIN, 0),
		GW_DRAIN_OFF);
	assert_int_equal(gw_drain_next(GW_DRAIN_OFF, GW_DRAIN_EV_UNDRAIN, 0),
			 GW_DRAIN_OFF);
	/* out of range: unchanged */
	assert_int_equal(gw_drain_next(GW_DRAIN_OFF, GW_DRAIN_EV__COUNT, 0),
			 GW_DRAIN_OFF);
	assert_string_equal(gw_drain_state_name(GW_DRAIN_DRAINED), "drained");
	assert_string_equal(gw_drain_state_name(GW_DRAIN__COUNT), "?");
	assert_string_equal(gw_health_name(GW_HEALTH_NO_CHANNEL),
			    "no free B-channel");
}

static void health_decision(void **state)
{
	(void)state;
	assert_int_equal(gw_health_decide(false, true, 1, 5), GW_HEALTH_OK);
	assert_int_equal(gw_health_decide(false, true, 0, 0),
			 GW_HEALTH_NO_SPAN);
	assert_int_equal(gw_health_decide(false, true, 2, 0),
			 GW_HEALTH_NO_CHANNEL);
	/* draining wins over everything, also without the health check */
	assert_int_equal(gw_health_decide(true, true, 1, 5),
			 GW_HEALTH_DRAINING);
	assert_int_equal(gw_health_decide(true, false, 1, 5),
			 GW_HEALTH_DRAINING);
	/* options_health = no: 200 whatever the spans */
	assert_int_equal(gw_health_decide(false, false, 0, 0), GW_HEALTH_OK);
}

/* The OPTIONS hook on a gateway without spans: 503 no span up. */
static void options_answer(void **state)
{
	char h[128];

	(void)state;
	assert_int_equal(gw_health_options(&gw, h, sizeof(h)), 503);
	assert_string_equal(h, "Retry-After: 60 (no span up)\r\n");
	gw.cfg.retry_after_s = 0;
	assert_int_equal(gw_health_options(&gw, h, sizeof(h)), 503);
	assert_string_equal(h, "");
	gw.cfg.options_health = 0;
	assert_int_equal(gw_health_options(&gw, h, sizeof(h)), 200);
	assert_string_equal(h, "");
	gw.cfg.retry_after_s = 5;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	assert_int_equal(gw_health_options(&gw, h, sizeof(h)), 503);
	assert_string_equal(h, "Retry-After: 5 (draining)\r\n");
	assert_int_equal(gw.drain.options[GW_HEALTH_NO_SPAN], 2);
	assert_int_equal(gw.drain.options[GW_HEALTH_OK], 1);
	assert_int_equal(gw.drain.options[GW_HEALTH_DRAINING], 1);
	/* a tiny buffer still gets a terminated (cut) line */
	assert_int_equal(gw_health_options(&gw, h, 4), 503);
	assert_int_equal(strlen(h), 3);
}

static void commands(void **state)
{
	const char *r;

	(void)state;
	r = run("show drain", true);
	assert_non_null(strstr(r, "drain off\ncalls 0\n"));
	assert_non_null(strstr(r, "mode refuse, PRI cause 34, Retry-After 60"));
	assert_non_null(strstr(r, "health no span up (OPTIONS 503)"));
	/* calls up: draining, then drained when the last one is gone */
	gw.ncalls = 2;
	r = run("drain", true);
	assert_string_equal(r, "drain draining for 0 s\ncalls 2\nok\n");
	assert_int_equal(gw.drain.state, GW_DRAIN_DRAINING);
	assert_int_equal(gw.drain.drains, 1);
	r = run("drain", true);
	assert_non_null(strstr(r, "already draining\n"));
	assert_int_equal(gw.drain.drains, 1);
	gw.ncalls = 1;
	gw_drain_event(&gw, GW_DRAIN_EV_CALL_GONE);
	assert_int_equal(gw.drain.state, GW_DRAIN_DRAINING);
	gw.ncalls = 0;
	gw_drain_event(&gw, GW_DRAIN_EV_CALL_GONE);
	assert_int_equal(gw.drain.state, GW_DRAIN_DRAINED);
	r = run("show drain", true);
	assert_non_null(strstr(r, "drain drained for 0 s\ncalls 0\n"));
	assert_non_null(strstr(r, "health draining (OPTIONS 503)"));
	r = run("undrain", true);
	assert_string_equal(r, "drain off\ncalls 0\nok\n");
	r = run("undrain", true);
	assert_string_equal(r, "not draining\ndrain off\ncalls 0\nok\n");
	/* bad input: a clear error, state unchanged */
	r = run("drain now", false);
	assert_non_null(strstr(r, "error: drain takes no arguments"));
	r = run("drain --wait 30", false);
	assert_non_null(strstr(r, "pstngw-ctl drain --wait SECONDS"));
	r = run("drain a b c", false);
	assert_non_null(strstr(r, "usage: drain\n"));
	r = run("undrain please", false);
	assert_string_equal(r, "error: undrain takes no arguments\n");
	r = run("show drain x", false);
	assert_non_null(strstr(r, "wrong number of arguments"));
	assert_int_equal(gw.drain.state, GW_DRAIN_OFF);
	/* not while shutting down */
	gw.stopping = true;
	r = run("drain", false);
	assert_string_equal(r, "error: the daemon is shutting down\n");
	gw.stopping = false;
	r = run("help", true);
	assert_non_null(strstr(r, "\ndrain\n"));
	assert_non_null(strstr(r, "\nshow drain\n"));
}

/* The log (stderr) of what fn does, into buf. */
static void capture_log(void (*fn)(void), char *buf, size_t size)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);

	assert_non_null(tmp);
	assert_true(saved >= 0);
	fflush(stderr);
	dup2(fileno(tmp), 2);
	gw_log_set_level_all(LOG_NOTICE);
	fn();
	fflush(stderr);
	gw_log_set_level_all(LOG_CRIT);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	size_t n = fread(buf, 1, size - 1, tmp);

	buf[n] = 0;
	fclose(tmp);
}

static void drain_cycle(void)
{
	char h[64];

	gw.ncalls = 1;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN); /* again: nothing logged */
	gw.ncalls = 0;
	gw_drain_event(&gw, GW_DRAIN_EV_CALL_GONE);
	gw.drain.refused_sip = 4;
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	gw.cfg.drain_mode = GW_DRAIN_BUSYOUT;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	/* health: logged on changes only */
	gw_health_options(&gw, h, sizeof(h));
	gw_health_options(&gw, h, sizeof(h));
	gw.cfg.options_health = 0;
	gw_health_options(&gw, h, sizeof(h));
}

static void log_lines(void **state)
{
	char log[4096];

	(void)state;
	capture_log(drain_cycle, log, sizeof(log));
	assert_non_null(
		strstr(log, "drain: started: new calls refused (SIP 503, PRI "
			    "cause 34); 1 call(s) in progress\n"));
	assert_non_null(
		strstr(log, "drain: last call finished after 0 s: drained\n"));
	assert_non_null(strstr(log,
			       "drain: ended after 0 s: new calls accepted "
			       "(refused while draining: sip 4, pstn 0)\n"));
	assert_non_null(strstr(log, "drain: started: new calls refused (SIP "
				    "503, PRI cause 34, idle B-channels busied "
				    "out); 0 call(s) in progress\n"));
	assert_non_null(strstr(log, "drain: no call in progress: drained\n"));
	const char *a = strstr(log, "health: OPTIONS now answered 503 (no span "
				    "up; 0 span(s) up, 0 idle B-channel(s))");

	assert_non_null(a);
	assert_null(strstr(a + 40, "answered 503")); /* past this one */
	assert_non_null(strstr(a, "health: OPTIONS now answered 200 (ok;"));
	/* one start line per drain, not for the repeated one */
	int starts = 0;

	for (const char *p = log; (p = strstr(p, "drain: started")); p++)
		starts++;
	assert_int_equal(starts, 2);
}

static void metrics_lines(void **state)
{
	struct gw_mbuf b = { 0 };

	(void)state;
	gw.drain.refused_sip = 3;
	gw.drain.refused_pstn = 2;
	gw.drain.options[GW_HEALTH_NO_CHANNEL] = 7;
	gw_drain_metrics(&gw, &b);
	assert_false(b.oom);
	assert_non_null(strstr(b.p, "# TYPE pstngw_draining gauge\n"
				    "pstngw_draining 0\n"));
	assert_non_null(
		strstr(b.p, "pstngw_drain_refused_total{side=\"sip\"} 3\n"));
	assert_non_null(
		strstr(b.p, "pstngw_drain_refused_total{side=\"pstn\"} 2\n"));
	assert_non_null(strstr(
		b.p, "pstngw_options_health_total{health=\"no_channel\"} 7\n"));
	gw_mbuf_release(&b);
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	gw_metrics_render(&gw, &b); /* the whole page carries it */
	assert_non_null(strstr(b.p, "\npstngw_draining 1\n"));
	gw_mbuf_release(&b);
}

/* ---- on a PRI span pair ------------------------------------------------ */

struct net_side {
	struct gw_hookctx hctx;
	struct tdm_span *span;
	int released_cause;   /* of the last call, -1 none yet */
	unsigned oos_changes; /* CHAN_STATE events to MAINT (far end OOS) */
	unsigned ins_changes; /* ... back to IDLE */
	struct tdm_call *out;
};

static struct net_side net;
static struct cfg_span span_cfg;
static char dir[64], path[128];
static unsigned setups_passed; /* SETUPs drain let through */

static void net_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const struct tdm_event *ev)
{
	(void)arg;
	(void)span;
	if (ev->type == TDM_EV_CHAN_STATE) {
		net.oos_changes += ev->chan_state == TDM_CHAN_MAINT;
		net.ins_changes += ev->chan_state == TDM_CHAN_IDLE;
	}
	if (call &&
	    (ev->type == TDM_EV_DISCONNECT || ev->type == TDM_EV_RELEASED)) {
		net.released_cause = ev->cause;
		if (ev->type == TDM_EV_DISCONNECT)
			tdm_call_hangup(call, ev->cause);
		else if (net.out == call)
			net.out = NULL;
	}
}

static void cpe_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const struct tdm_event *ev)
{
	(void)arg;
	(void)span;
	if (ev->type == TDM_EV_SETUP && !gw_drain_refuse_pstn(&gw, call)) {
		setups_passed++;
		tdm_call_hangup(call, 16);
	}
	if (ev->type == TDM_EV_RELEASED)
		gw_route_health(&gw); /* as call_setup.c does */
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#define RUN_UNTIL(cond, max_ms)                                              \
	do {                                                                 \
		uint64_t end_ = mono_ms() + (uint64_t)(max_ms);              \
		for (int i_ = 0; !(cond) && i_ < 100000 && mono_ms() < end_; \
		     i_++)                                                   \
			gw_loop_once(gw.loop, 5);                            \
	} while (0)

static int spans_setup(void **state)
{
	struct tdm_hooks h;
	struct tdm_span_cfg nc = {
		.id = 9,
		.type = TDM_SPAN_T1,
		.role = TDM_ROLE_NET,
		.switchtype = "ni2",
		.driver = "loop",
		.loop_mode = TDM_LOOP_SERVER,
	};

	if (setup(state))
		return -1;
	snprintf(dir, sizeof(dir), "/tmp/gwdrainXXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/span1.sock", dir);
	nc.loop_path = path;
	memset(&net, 0, sizeof(net));
	net.released_cause = -1;
	net.hctx.loop = gw.loop;
	gw_hooks_tdm_init(&h, &net.hctx);
	h.event = net_event;
	if (tdm_span_alloc(&nc, &h, &net.span) || tdm_span_start(net.span))
		return -1;

	struct tdm_span_cfg cc = nc;

	cc.id = 1;
	cc.role = TDM_ROLE_CPE;
	cc.loop_mode = TDM_LOOP_CLIENT;
	gw_hooks_tdm_init(&h, &gw.hctx);
	h.event = cpe_event;
	if (tdm_span_alloc(&cc, &h, &gw.spans[0].span))
		return -1;
	memset(&span_cfg, 0, sizeof(span_cfg));
	span_cfg.id = 1;
	snprintf(span_cfg.switchtype, sizeof(span_cfg.switchtype), "ni2");
	snprintf(span_cfg.group, sizeof(span_cfg.group), "pri");
	span_cfg.service_messages = 1;
	gw.spans[0].cfg = &span_cfg;
	gw.nspans = 1;
	setups_passed = 0;
	if (tdm_span_start(gw.spans[0].span))
		return -1;
	RUN_UNTIL(tdm_span_is_up(gw.spans[0].span) && tdm_span_is_up(net.span),
		  5000);
	/* the far end's RESTARTs at start settle first */
	RUN_UNTIL(false, 300);
	return tdm_span_is_up(gw.spans[0].span) ? 0 : -1;
}

static int spans_teardown(void **state)
{
	tdm_span_free(gw.spans[0].span);
	tdm_span_free(net.span);
	gw_hookctx_release(&net.hctx);
	gw_hookctx_release(&gw.hctx);
	unlink(path);
	rmdir(dir);
	return teardown(state);
}

static unsigned idle_now(void)
{
	unsigned idle = 0;

	gw_health_now(&gw, NULL, &idle);
	return idle;
}

static void health_on_spans(void **state)
{
	struct tdm_span *sp = gw.spans[0].span;
	unsigned up = 0, idle = 0;
	int n = tdm_span_bchans(sp);
	char h[64];

	(void)state;
	assert_int_equal(gw_health_now(&gw, &up, &idle), GW_HEALTH_OK);
	assert_int_equal(up, 1);
	assert_int_equal(idle, (unsigned)n);
	assert_int_equal(gw_health_options(&gw, h, sizeof(h)), 200);
	/* every B-channel out of service but one, then that one too */
	for (int k = 0; k < n - 1; k++)
		assert_int_equal(
			tdm_span_chan_block(sp, tdm_span_bchan_ts(sp, k), true),
			0);
	assert_int_equal(gw_health_now(&gw, NULL, &idle), GW_HEALTH_OK);
	assert_int_equal(idle, 1);
	assert_int_equal(
		tdm_span_chan_block(sp, tdm_span_bchan_ts(sp, n - 1), true), 0);
	assert_int_equal(gw_health_now(&gw, NULL, NULL), GW_HEALTH_NO_CHANNEL);
	assert_int_equal(gw_health_options(&gw, h, sizeof(h)), 503);
	assert_string_equal(h, "Retry-After: 60 (no free B-channel)\r\n");
	for (int k = 0; k < n; k++)
		tdm_span_chan_block(sp, tdm_span_bchan_ts(sp, k), false);
	assert_int_equal(idle_now(), (unsigned)n);
	/* the NET side stops: the span goes down, no span up */
	tdm_span_free(net.span);
	net.span = NULL;
	RUN_UNTIL(!tdm_span_is_up(sp), 5000);
	assert_int_equal(gw_health_now(&gw, &up, NULL), GW_HEALTH_NO_SPAN);
	assert_int_equal(up, 0);
}

/* drain_mode refuse: a SETUP while draining is refused with the cause;
 * after undrain the next one gets through. */
static void refuse_setup(void **state)
{
	struct tdm_setup s = { .called = "5551000", .calling = "2125550100" };

	(void)state;
	gw.cfg.drain_cause = 42;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	assert_int_equal(gw.drain.state, GW_DRAIN_DRAINED);
	/* refuse mode takes no channel out of service */
	assert_int_equal(idle_now(), (unsigned)tdm_span_bchans(net.span));
	assert_int_equal(tdm_call_place(net.span, &s, NULL, &net.out), 0);
	RUN_UNTIL(net.released_cause >= 0 && !net.out, 3000);
	assert_int_equal(net.released_cause, 42);
	assert_int_equal(setups_passed, 0);
	assert_int_equal(gw.drain.refused_pstn, 1);
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	net.released_cause = -1;
	assert_int_equal(tdm_call_place(net.span, &s, NULL, &net.out), 0);
	RUN_UNTIL(net.released_cause >= 0 && !net.out, 3000);
	assert_int_equal(setups_passed, 1);
	assert_int_equal(net.released_cause, 16);
	assert_int_equal(gw.drain.refused_pstn, 1);
}

/* drain_mode busyout: idle B-channels out of service by SERVICE messages
 * (the switch sees them go), every one back on undrain; an operator's
 * own block stays. */
static void busyout(void **state)
{
	struct tdm_span *sp = gw.spans[0].span;
	int n = tdm_span_bchans(sp);
	int own = tdm_span_bchan_ts(sp, 0);

	(void)state;
	assert_int_equal(tdm_span_chan_block(sp, own, true), 0);
	RUN_UNTIL(net.oos_changes >= 1, 2000);
	net.oos_changes = 0;
	gw.cfg.drain_mode = GW_DRAIN_BUSYOUT;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	assert_int_equal(__builtin_popcount(gw.busied[0]), n - 1);
	assert_int_equal(idle_now(), 0);
	RUN_UNTIL(net.oos_changes >= (unsigned)n - 1, 5000);
	assert_int_equal(net.oos_changes, n - 1);
	const char *r = run("show drain", true);

	assert_non_null(strstr(r, "mode busyout"));
	assert_non_null(strstr(r, "busied-out B-channels 22"));
	/* what x-pstngw-trunks subscribers see: no free channel, drained */
	char b[512];

	assert_true(gw_trunks_state(&gw, b, sizeof(b)) > 0);
	assert_string_equal(b,
			    "spans=1 up=1 channels=23 free=0 drain=drained\r\n"
			    "span=1 state=up group=pri channels=23 free=0\r\n");
	/* the span without SERVICE messages would only refuse */
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	assert_int_equal(gw.busied[0], 0);
	assert_int_equal(idle_now(), (unsigned)n - 1); /* own block stays */
	RUN_UNTIL(net.ins_changes >= (unsigned)n - 1, 5000);
	assert_int_equal(net.ins_changes, n - 1);
	assert_int_equal(tdm_span_chan_state(sp, own), TDM_CHAN_BLOCKED);
	/* without service_messages: refuse only, nothing busied */
	span_cfg.service_messages = 0;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	assert_int_equal(gw.busied[0], 0);
	assert_int_equal(idle_now(), (unsigned)n - 1);
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(state_table, setup, teardown),
		cmocka_unit_test_setup_teardown(health_decision, setup,
						teardown),
		cmocka_unit_test_setup_teardown(options_answer, setup,
						teardown),
		cmocka_unit_test_setup_teardown(commands, setup, teardown),
		cmocka_unit_test_setup_teardown(metrics_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(log_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(refuse_setup, spans_setup,
						spans_teardown),
		cmocka_unit_test_setup_teardown(busyout, spans_setup,
						spans_teardown),
		cmocka_unit_test_setup_teardown(health_on_spans, spans_setup,
						spans_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
