/* tools/pstnsim/run.c: scenario runners on a real gw_loop with fakes of
 * the simulator around them: waits and their order rules, bounds, action
 * errors, call series, exit codes and the command socket's reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/loop.h"
#include "tools/pstnsim/pstnsim.h"

/* ---- fakes of the simulator ---- */

static struct sim S;
static int stopped = -1;
static char placed[8][SIM_NUMBER_MAX];
static unsigned nplaced;
static struct sim_call fake_call;
static bool have_call;
static unsigned answers;
static char outs[4096];

struct sim *sim_get(void)
{
	return &S;
}

void sim_out(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	strncat(outs, line, sizeof(outs) - strlen(outs) - 2);
	strcat(outs, "\n");
	sim_run_event(line);
}

void sim_stop(int code)
{
	if (stopped < 0)
		stopped = code;
	sim_clock_stop();
}

struct sim_span *sim_span_by_id(unsigned id)
{
	return id <= 1 ? &S.spans[0] : NULL;
}

int sim_place_call(struct sim_span *ss, const struct tdm_setup *setup,
		   struct sim_call **out)
{
	if (nplaced < 8)
		snprintf(placed[nplaced++], SIM_NUMBER_MAX, "%s",
			 setup->called);
	return 0;
}

struct sim_call *sim_call_find(unsigned num)
{
	return have_call && (!num || num == 1) ? &fake_call : NULL;
}

struct sim_call *sim_call_find_ringing(void)
{
	return have_call ? &fake_call : NULL;
}

int sim_call_answer(struct sim_call *sc, char *err, size_t errlen)
{
	answers++;
	return 0;
}

int sim_call_progress(struct sim_call *sc, char *err, size_t errlen)
{
	return 0;
}

int sim_call_hangup(struct sim_call *sc, int cause, char *err, size_t errlen)
{
	snprintf(err, errlen, "hangup refused");
	return -1;
}

int sim_call_digits(struct sim_call *sc, const char *d, char *e, size_t l)
{
	return 0;
}

int sim_call_play(struct sim_call *sc, const struct sim_action *a, char *e,
		  size_t l)
{
	return 0;
}

int sim_call_record(struct sim_call *sc, const struct sim_action *a, char *e,
		    size_t l)
{
	return 0;
}

int sim_call_detect(struct sim_call *sc, const struct sim_action *a, char *e,
		    size_t l)
{
	return 0;
}

int sim_call_fax(struct sim_call *sc, bool send, const char *file, bool ecm,
		 char *e, size_t l)
{
	return 0;
}

/* ---- helpers ---- */

static int setup(void **state)
{
	memset(&S, 0, sizeof(S));
	S.loop = gw_loop_alloc();
	sim_clock_init(false);
	S.spans[0].cfg.id = 1;
	S.nspans = 1;
	stopped = -1;
	nplaced = 0;
	have_call = false;
	answers = 0;
	outs[0] = 0;
	return S.loop ? 0 : -1;
}

static int teardown(void **state)
{
	sim_run_shutdown();
	sim_clock_release();
	gw_loop_free(S.loop);
	return 0;
}

static struct sim_runner *script(const char *const *lines, size_t n)
{
	struct sim_script s = { 0 };
	struct sim_runner *r = sim_run_alloc("t.scn", NULL, NULL);
	struct sim_action a;
	char err[160];
	size_t i;

	assert_non_null(r);
	for (i = 0; i < n; i++) {
		assert_int_equal(sim_action_parse(lines[i], (unsigned)i + 1, &a,
						  err, sizeof(err)),
				 0);
		assert_int_equal(sim_script_add(&s, &a), 0);
	}
	sim_run_load(r, &s);
	return r;
}

static void emit_due(void *arg)
{
	sim_out("%s", (const char *)arg);
}

/* runs the loop until stopped, at most ms of real time */
static void run_for(unsigned ms)
{
	uint64_t end = gw_loop_now(S.loop) + ms;

	while (stopped < 0 && gw_loop_now(S.loop) < end)
		gw_loop_once(S.loop, 10);
}

#define LINES(...)                            \
	(const char *const[]){ __VA_ARGS__ }, \
		sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(char *)

/* ---- tests ---- */

static void t_waits_any_order(void **state)
{
	struct sim_runner *r =
		script(LINES("wait event=span_up span=1", "wait 10ms",
			     "expect event=span_up span=2"));

	/* span 2 comes up first, before the scenario even starts */
	sim_out("event=span_up span=2");
	sim_run_start(r);
	sim_timer_start(30, emit_due, "event=span_up span=1");
	run_for(1000);
	assert_int_equal(stopped, SIM_EXIT_OK);
	assert_non_null(strstr(outs, "event=scenario_done"));
	sim_run_free(r);
}

static void t_one_event_one_line(void **state)
{
	/* two waits for the same kind of event need two events */
	struct sim_runner *r =
		script(LINES("wait event=x", "expect event=x within=100ms"));

	sim_out("event=x n=1");
	sim_run_start(r);
	run_for(1000);
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	assert_non_null(strstr(outs, "scenario_failed line=2 action=expect"));
	sim_run_free(r);
}

static void t_action_ends_run(void **state)
{
	struct sim_runner *r =
		script(LINES("wait event=setup", "answer",
			     "expect event=connect within=50ms"));

	have_call = true;
	sim_out("event=connect call=0"); /* stale: before the answer */
	sim_out("event=setup call=1");
	sim_run_start(r);
	run_for(1000);
	assert_int_equal(answers, 1);
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	sim_run_free(r);
}

static void t_expect_bound(void **state)
{
	struct sim_runner *r =
		script(LINES("expect event=never within=60ms", "exit 9"));
	uint64_t t0 = gw_loop_now(S.loop);

	sim_run_start(r);
	run_for(2000);
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	assert_true(gw_loop_now(S.loop) - t0 >= 60);
	sim_run_free(r);
}

static void t_action_errors(void **state)
{
	struct sim_runner *r = script(LINES("answer"));

	sim_run_start(r);
	run_for(1000);
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	assert_int_equal(answers, 0);
	sim_run_free(r);

	teardown(NULL);
	setup(NULL);
	have_call = true;
	r = script(LINES("hangup"));
	sim_run_start(r);
	run_for(1000);
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	sim_run_free(r);
}

static void t_exit_code_and_series(void **state)
{
	struct sim_runner *r =
		script(LINES("call 5551098 count=3 interval=10ms step=1",
			     "call 0999 step=5", "exit 7"));

	sim_run_start(r);
	run_for(2000);
	assert_int_equal(stopped, 7);
	assert_int_equal(nplaced, 4);
	assert_string_equal(placed[0], "5551098");
	assert_string_equal(placed[1], "5551099");
	assert_string_equal(placed[2], "5551100");
	assert_string_equal(placed[3], "0999"); /* count 1: no step */
	sim_run_free(r);
}

static void t_span_actions(void **state)
{
	/* span 1 exists but has no tdm span: refused, not crashed */
	struct sim_runner *r = script(LINES("restart span=1"));

	sim_run_start(r);
	run_for(1000);
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	sim_run_free(r);
}

/* clock.c in virtual time: a minute of waits and bounds takes no real
 * time, timers fire in deadline order, and the clock shows their sum. */
static void t_virtual_clock(void **state)
{
	struct sim_runner *r;

	sim_clock_init(true);
	assert_true(sim_clock_virtual());
	assert_int_equal(sim_clock_ms(), 0);
	r = script(LINES("wait 40s", "wait event=late",
			 "expect event=never within=20s", "exit 4"));
	sim_timer_start(50000, emit_due, "event=late");
	sim_timer_start(1, emit_due, "event=early");
	sim_run_start(r);
	sim_clock_run();
	assert_int_equal(stopped, SIM_EXIT_SCENARIO);
	/* 50 s until "late", then the 20 s bound of the expect */
	assert_int_equal(sim_clock_ms(), 70000);
	assert_non_null(strstr(outs, "event=early\nevent=late\n"));
	/* libpri's wall clock followed it (tdm_vclock_set) */
	assert_true(tdm_vclock_active());
	sim_run_free(r);
	tdm_vclock_off();
}

static char reports[512];

static void report(void *arg, const struct sim_action *a, const char *err)
{
	size_t n = strlen(reports);

	snprintf(reports + n, sizeof(reports) - n, "%u:%s ", a->line,
		 err ? "error" : "ok");
}

static void t_reports(void **state)
{
	struct sim_runner *r = sim_run_alloc("ctl", report, NULL);
	struct sim_action a;
	char err[160];

	reports[0] = 0;
	assert_int_equal(sim_action_parse("wait 20ms", 1, &a, err, 160), 0);
	assert_int_equal(sim_run_add(r, &a), 0);
	memset(&a, 0, sizeof(a));
	a.type = SIM_ACT_FAIL;
	a.line = 2;
	strcpy(a.arg, "bad line");
	assert_int_equal(sim_run_add(r, &a), 0);
	assert_int_equal(
		sim_action_parse("expect event=y within=20ms", 3, &a, err, 160),
		0);
	assert_int_equal(sim_run_add(r, &a), 0);
	assert_int_equal(sim_action_parse("answer", 4, &a, err, 160), 0);
	assert_int_equal(sim_run_add(r, &a), 0);
	run_for(300);
	/* in line order, and a failure does not stop pstnsim */
	assert_string_equal(reports, "1:ok 2:error 3:error 4:error ");
	assert_int_equal(stopped, -1);
	/* an idle runner takes more lines later */
	assert_int_equal(sim_action_parse("wait event=z", 5, &a, err, 160), 0);
	assert_int_equal(sim_run_add(r, &a), 0);
	sim_out("event=z");
	run_for(100);
	assert_string_equal(reports, "1:ok 2:error 3:error 4:error 5:ok ");
	sim_run_free(r);
}

/* A command connection busy with a long call series pins the history
 * (its cursor does not move) until the forced trim at HIST_MAX (8192)
 * lines. The lines of every later event then went through a second trim
 * that took the runner's cursor, now below the oldest line kept, for a
 * huge count to drop and freed the stale tail: a double free after about
 * 1200 soak calls (make soak). Lines keep coming by the tens of
 * thousands; the runner's next wait starts at the oldest line kept. */
static void t_history_bounded(void **state)
{
	struct sim_runner *r = sim_run_alloc("ctl", report, NULL);
	struct sim_action a;
	char err[160];

	assert_non_null(r);
	reports[0] = 0;
	for (unsigned i = 0; i < 3 * 8192; i++) {
		outs[0] = 0;
		sim_out("event=filler n=%u", i);
	}
	/* the newest lines are kept, the oldest went */
	assert_int_equal(sim_action_parse("expect event=filler n=24575 "
					  "within=20ms",
					  1, &a, err, 160),
			 0);
	assert_int_equal(sim_run_add(r, &a), 0);
	assert_int_equal(sim_action_parse("expect event=filler n=0 within=20ms",
					  2, &a, err, 160),
			 0);
	assert_int_equal(sim_run_add(r, &a), 0);
	run_for(300);
	assert_string_equal(reports, "1:ok 2:error ");
	assert_int_equal(stopped, -1);
	sim_run_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(t_waits_any_order, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_one_event_one_line, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_action_ends_run, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_expect_bound, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_action_errors, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_exit_code_and_series, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_span_actions, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(t_history_bounded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(t_virtual_clock, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
