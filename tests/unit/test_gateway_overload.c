/*
 * gateway/overload.c: the admission decision by reason (max_calls,
 * media workers, B-channels, signalling load), the admit share under
 * signalling overload on a virtual clock (cut while busy, held in the
 * hysteresis band, grown back when calm, never to nothing), episodes
 * (logged once, ended after the hold time), bad samples; then the
 * daemon side: a refused INVITE's 503 and Retry-After decided at once
 * (no timer), drain left to drain.c, and the metrics lines. (The
 * stack's stateless answer: test_sip_ua's ua_invite_admit_hook.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/overload.h"

static void names(void **state)
{
	(void)state;
	assert_string_equal(gw_ovl_reason_name(GW_OVL_NONE), "none");
	assert_string_equal(gw_ovl_reason_name(GW_OVL_MAX_CALLS), "max_calls");
	assert_string_equal(gw_ovl_reason_name(GW_OVL_MEDIA), "media");
	assert_string_equal(gw_ovl_reason_name(GW_OVL_CHANNELS), "channels");
	assert_string_equal(gw_ovl_reason_name(GW_OVL_SIGNALLING),
			    "signalling");
	assert_string_equal(gw_ovl_reason_name(GW_OVL__COUNT), "?");
	assert_string_equal(gw_ovl_reason_name((enum gw_ovl_reason) - 1), "?");
}

/* Hard limits: refused at the limit, taken below it, 0 is no limit. */
static void decide_limits(void **state)
{
	struct gw_ovl o;
	struct gw_ovl_in in = { .ncalls = 9, .max_calls = 10 };

	(void)state;
	gw_ovl_init(&o);
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	in.ncalls = 10;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_MAX_CALLS);
	in.ncalls = 5000;
	in.max_calls = 0;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	/* media: the least loaded worker is full */
	in.per_worker = 50;
	in.worker_calls = 49;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	in.worker_calls = 50;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_MEDIA);
	/* media: the least loaded worker spends the limit in its ticks */
	in.worker_calls = 0;
	in.load_limit = 800;
	in.worker_load = 799;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	in.worker_load = 800;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_MEDIA);
	in.load_limit = 0; /* not looked at */
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	in.worker_calls = 50;
	/* max_calls is named first when both hold */
	in.max_calls = 100;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_MAX_CALLS);
	in = (struct gw_ovl_in){ .check_channels = true, .spans_up = 2 };
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_CHANNELS);
	in.idle_chans = 1;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	/* no span up: the call's own path answers, not overload */
	in.spans_up = in.idle_chans = 0;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	/* waited in the socket beyond the limit: refused; 0: no limit */
	in = (struct gw_ovl_in){ .queued_ms = 299, .queue_limit_ms = 300 };
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	in.queued_ms = 300;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_SIGNALLING);
	in.queue_limit_ms = 0;
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
	assert_int_equal(o.credit, 0); /* not a shed decision */
	/* a PSTN call needs no B-channel of ours */
	in = (struct gw_ovl_in){ .spans_up = 2 };
	assert_int_equal(gw_ovl_decide(&o, &in), GW_OVL_NONE);
}

/* Feeds one 100 ms sample busy pct % of the time; returns the ratio. */
static unsigned feed(struct gw_ovl *o, uint64_t *t, uint64_t *busy,
		     unsigned pct, unsigned limit)
{
	*t += 100;
	*busy += pct * 1000u; /* pct % of 100 ms, in us */
	return gw_ovl_sample(o, *t, *busy, limit, 0, 0);
}

/* Taken calls out of n decisions (nothing else limits them). */
static unsigned taken(struct gw_ovl *o, unsigned n)
{
	struct gw_ovl_in in = { 0 };
	unsigned k = 0;

	for (unsigned i = 0; i < n; i++)
		k += gw_ovl_decide(o, &in) == GW_OVL_NONE;
	return k;
}

static void signalling_share(void **state)
{
	struct gw_ovl o;
	uint64_t t = 5000, busy = 777;

	(void)state;
	gw_ovl_init(&o);
	/* the first sample only sets the base */
	assert_int_equal(gw_ovl_sample(&o, t, busy, 90, 0, 0), 1000);
	assert_int_equal(feed(&o, &t, &busy, 50, 90), 1000);
	assert_int_equal(o.busy_pct, 50);
	assert_int_equal(taken(&o, 1000), 1000);
	/* busy at the limit: a quarter less, spread evenly */
	assert_int_equal(feed(&o, &t, &busy, 95, 90), 750);
	assert_int_equal(taken(&o, 1000), 750);
	assert_int_equal(taken(&o, 4), 3);
	assert_int_equal(feed(&o, &t, &busy, 100, 90), 562);
	/* the hysteresis band (72..89 %): held */
	assert_int_equal(feed(&o, &t, &busy, 80, 90), 562);
	assert_int_equal(feed(&o, &t, &busy, 72, 90), 562);
	/* calm: back by a twentieth a sample */
	assert_int_equal(feed(&o, &t, &busy, 71, 90), 612);
	/* never below the floor, however long it stays busy */
	for (int i = 0; i < 50; i++)
		feed(&o, &t, &busy, 100, 90);
	assert_int_equal(feed(&o, &t, &busy, 100, 90), 50);
	assert_int_equal(taken(&o, 1000), 50);
	/* more than 100 % (a late timer): counted as 100 */
	t += 100;
	busy += 500000;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 90, 0, 0), 50);
	assert_int_equal(o.busy_pct, 100);
	/* calm for 19 samples: all taken again */
	for (int i = 0; i < 18; i++)
		feed(&o, &t, &busy, 10, 90);
	assert_int_equal(feed(&o, &t, &busy, 10, 90), 1000);
	assert_int_equal(o.shed_milli, 0);
	assert_int_equal(taken(&o, 100), 100);
	/* limit 0: off, at once */
	feed(&o, &t, &busy, 100, 90);
	assert_int_not_equal(o.shed_milli, 0);
	assert_int_equal(feed(&o, &t, &busy, 100, 0), 1000);
	assert_int_equal(taken(&o, 10), 10);
}

/* Socket waits drive the share too: a quarter less per late sample
 * (unless the wait already fell by a quarter), held between half the
 * target and the target, grown when calm; both limits 0: all taken at
 * once. */
static void queue_share(void **state)
{
	struct gw_ovl o;
	uint64_t t = 1000, busy = 0;

	(void)state;
	gw_ovl_init(&o);
	gw_ovl_sample(&o, t, busy, 0, 0, 75);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 80, 75), 750);
	assert_int_equal(o.queue_ms, 80);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 75, 75), 562);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 38, 75), 562);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 37, 75), 612);
	/* busy alone is not looked at with limit_pct 0 */
	t += 100;
	busy += 100000;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 0, 75), 662);
	/* either signal cuts: busy with a short queue */
	t += 100;
	busy += 100000;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 90, 0, 75), 496);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 0, 0), 1000);
	assert_int_equal(taken(&o, 10), 10);
	/* late but draining fast (the wait fell by a quarter): held, not
	 * cut again; late and draining slowly: cut */
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 200, 75), 750);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 150, 75), 750);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 130, 75), 562);
	t += 100;
	assert_int_equal(gw_ovl_sample(&o, t, busy, 0, 130, 75), 421);
}

/* A clock or a busy counter going backwards changes nothing. */
static void bad_samples(void **state)
{
	struct gw_ovl o;
	uint64_t t = 1000, busy = 0;

	(void)state;
	gw_ovl_init(&o);
	gw_ovl_sample(&o, t, busy, 90, 0, 0);
	assert_int_equal(feed(&o, &t, &busy, 100, 90), 750);
	assert_int_equal(gw_ovl_sample(&o, t - 50, busy + 100000, 90, 0, 0),
			 750);
	assert_int_equal(gw_ovl_sample(&o, t + 100, 10, 90, 0, 0), 750);
	assert_int_equal(gw_ovl_sample(&o, t + 100, 10, 90, 0, 0),
			 750); /* dt 0 */
	/* and the next good sample works from the new base */
	assert_int_equal(gw_ovl_sample(&o, t + 200, 10 + 95000, 90, 0, 0), 562);
	/* out-of-range reasons are not counted */
	assert_false(gw_ovl_refused(&o, GW_OVL_NONE, t));
	assert_false(gw_ovl_refused(&o, GW_OVL__COUNT, t));
	assert_false(gw_ovl_refused(&o, (enum gw_ovl_reason) - 3, t));
	assert_int_equal(o.episodes, 0);
	assert_false(gw_ovl_any(&o));
}

/* One episode per reason: begun once, ended GW_OVL_HOLD_MS after the
 * last refusal; signalling only once all calls are taken again. */
static void episodes(void **state)
{
	struct gw_ovl o;
	uint64_t t = 10000, busy = 0;

	(void)state;
	gw_ovl_init(&o);
	assert_true(gw_ovl_refused(&o, GW_OVL_MAX_CALLS, 1000));
	assert_false(gw_ovl_refused(&o, GW_OVL_MAX_CALLS, 1500));
	assert_false(gw_ovl_refused(&o, GW_OVL_MAX_CALLS, 1900));
	assert_true(gw_ovl_any(&o));
	assert_int_equal(o.refused[GW_OVL_MAX_CALLS], 3);
	assert_int_equal(o.episode_refused[GW_OVL_MAX_CALLS], 3);
	assert_int_equal(gw_ovl_expire(&o, 1900 + GW_OVL_HOLD_MS - 1), 0);
	assert_int_equal(gw_ovl_expire(&o, 1900 + GW_OVL_HOLD_MS),
			 1u << GW_OVL_MAX_CALLS);
	assert_false(gw_ovl_any(&o));
	assert_int_equal(gw_ovl_expire(&o, 99999), 0); /* once */
	/* a new episode counts from zero; the total goes on */
	assert_true(gw_ovl_refused(&o, GW_OVL_MAX_CALLS, 5000));
	assert_int_equal(o.episode_refused[GW_OVL_MAX_CALLS], 1);
	assert_int_equal(o.refused[GW_OVL_MAX_CALLS], 4);
	assert_int_equal(o.episodes, 2);
	/* signalling: held while a share is still shed */
	gw_ovl_sample(&o, t, busy, 90, 0, 0);
	feed(&o, &t, &busy, 100, 90);
	assert_true(gw_ovl_refused(&o, GW_OVL_SIGNALLING, t));
	assert_int_equal(gw_ovl_expire(&o, t + 10 * GW_OVL_HOLD_MS),
			 1u << GW_OVL_MAX_CALLS);
	assert_true(o.active[GW_OVL_SIGNALLING]);
	for (int i = 0; i < 5; i++)
		feed(&o, &t, &busy, 0, 90);
	assert_int_equal(o.shed_milli, 0);
	assert_int_equal(gw_ovl_expire(&o, t + GW_OVL_HOLD_MS),
			 1u << GW_OVL_SIGNALLING);
	assert_false(gw_ovl_any(&o));
}

/* ---- the daemon side on a struct gw ------------------------------- */

static struct gw gw;

static int setup(void **state)
{
	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	gw.hctx.loop = gw.loop;
	gw.cfg.overload_retry_after_s = 5;
	gw.cfg.overload_busy_pct = 90;
	gw_log_init("test", false);
	gw_log_set_level_all(getenv("GW_OVL_TEST_VERBOSE") ? LOG_DEBUG
							   : LOG_CRIT);
	return gw.loop ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	gw_overload_stop(&gw);
	gw_loop_free(gw.loop);
	return 0;
}

/* The refusal is decided in the call, from the state now: nothing is
 * scheduled (the loop holds no timer before or after). */
static void admit_sip(void **state)
{
	char hdrs[128] = "junk";

	(void)state;
	assert_int_equal(gw_overload_admit_sip(&gw, hdrs, sizeof(hdrs)), 0);
	assert_string_equal(hdrs, "");
	gw.cfg.max_calls = 2;
	gw.ncalls = 2;
	assert_int_equal(gw_overload_admit_sip(&gw, hdrs, sizeof(hdrs)), 503);
	assert_string_equal(hdrs, "Retry-After: 5 (overload: max_calls)\r\n");
	assert_int_equal(gw.ovl.refused[GW_OVL_MAX_CALLS], 1);
	assert_int_equal(gw.ovl.refused_sip, 1);
	assert_int_equal(gw.stats.calls_from_sip, 1);
	assert_int_equal(gw.stats.calls_failed, 1);
	assert_true(gw_ovl_any(&gw.ovl));
	assert_null(gw.ovl.timer);
	assert_int_equal(gw_loop_once(gw.loop, 0), 0); /* nothing pending */
	/* no Retry-After when configured so; a tiny buffer is safe */
	gw.cfg.overload_retry_after_s = 0;
	assert_int_equal(gw_overload_admit_sip(&gw, hdrs, sizeof(hdrs)), 503);
	assert_string_equal(hdrs, "");
	gw.cfg.overload_retry_after_s = 5;
	char tiny[8];

	assert_int_equal(gw_overload_admit_sip(&gw, tiny, sizeof(tiny)), 503);
	assert_int_equal(strlen(tiny), sizeof(tiny) - 1);
	assert_int_equal(gw_overload_admit_sip(&gw, NULL, 0), 503);
	assert_int_equal(gw.ovl.refused[GW_OVL_MAX_CALLS], 4);
	/* draining or stopping: drain.c and call_setup.c answer */
	gw.drain.state = GW_DRAIN_DRAINING;
	assert_int_equal(gw_overload_admit_sip(&gw, hdrs, sizeof(hdrs)), 0);
	gw.drain.state = GW_DRAIN_OFF;
	gw.stopping = true;
	assert_int_equal(gw_overload_admit_sip(&gw, hdrs, sizeof(hdrs)), 0);
	gw.stopping = false;
	gw.ncalls = 1;
	assert_int_equal(gw_overload_admit_sip(&gw, hdrs, sizeof(hdrs)), 0);
	assert_int_equal(gw.ovl.refused_sip, 4);
}

/* The sampling timer runs on the loop and stops cleanly. */
static void start_stop(void **state)
{
	(void)state;
	assert_int_equal(gw_overload_start(&gw), 0);
	assert_non_null(gw.ovl.timer);
	gw_overload_stop(&gw);
	assert_null(gw.ovl.timer);
	gw_overload_stop(&gw); /* twice: nothing */
}

static void metrics(void **state)
{
	struct gw_mbuf b = { 0 };

	(void)state;
	gw.cfg.max_calls = 1;
	gw.ncalls = 1;
	gw_overload_admit_sip(&gw, NULL, 0);
	gw_overload_metrics(&gw, &b);
	assert_false(b.oom);
	assert_non_null(strstr(b.p, "\npstngw_overload 1\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_overload_refused_total{reason=\"max_calls\"} 1\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_overload_refused_total{reason=\"signalling\"} 0\n"));
	assert_non_null(strstr(b.p, "pstngw_overload_admit_ratio 1.000\n"));
	assert_null(strstr(b.p, "reason=\"none\""));
	gw_mbuf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(decide_limits),
		cmocka_unit_test(signalling_share),
		cmocka_unit_test(queue_share),
		cmocka_unit_test(bad_samples),
		cmocka_unit_test(episodes),
		cmocka_unit_test_setup_teardown(admit_sip, setup, teardown),
		cmocka_unit_test_setup_teardown(start_stop, setup, teardown),
		cmocka_unit_test_setup_teardown(metrics, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
