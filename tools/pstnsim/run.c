/*
 * pstnsim scenario runners: execute parsed actions (script.h) in order
 * on the live simulator. A runner blocks on wait/expect/sleep and on the
 * gaps between the calls of "call count=N"; it never runs from inside a
 * library callback: every event only schedules a step on a 0 ms timer,
 * so actions never re-enter tdm or the fax machine.
 *
 * Waits look at a shared history of event lines. Each runner keeps its
 * own cursor (just past the last event it matched), so an event that
 * came before its wait line is still found. A run of consecutive
 * wait/expect lines (sleeps included) all search from where the run
 * began, each event meeting one line at most: their events may come in
 * any order (two spans coming up, say). Any other action ends the run.
 * Lines every runner has passed are dropped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/loop.h"
#include "tools/pstnsim/pstnsim.h"

#define MAX_RUNNERS 16
#define HIST_MAX 8192	/* event lines kept for waits at most */
#define RUN_USED_MAX 64 /* events a run of waits can match unordered */

enum run_state {
	RUN_READY,   /* execute the action at pc */
	RUN_BLOCKED, /* sleep, or the gap of a call series: timer pending */
	RUN_WAIT,    /* wait/expect: scan history, timer is the bound */
	RUN_DONE,
};

struct sim_runner {
	char name[256];
	struct sim_script script;
	size_t pc;
	size_t cursor; /* absolute index into the history */
	/* the current run of waits: where it began, events it matched */
	bool in_run;
	size_t run_start;
	size_t used[RUN_USED_MAX];
	unsigned nused;
	enum run_state st;
	struct sim_timer *timer, *kick;
	unsigned calls_left; /* call count=N in progress */
	sim_run_report_fn *report;
	void *arg;
	bool stepping;
};

static struct {
	char **lines;
	size_t base; /* absolute index of lines[0] */
	size_t n, cap;
	struct sim_runner *runners[MAX_RUNNERS];
	size_t nrunners;
} H;

static void step(struct sim_runner *r);
static bool scan(struct sim_runner *r);

static void kick_due(void *arg)
{
	struct sim_runner *r = arg;

	r->kick = NULL;
	step(r);
}

static void kick(struct sim_runner *r)
{
	if (!r->kick && r->st != RUN_DONE)
		r->kick = sim_timer_start(0, kick_due, r);
}

/* The oldest history line a runner may still look at. */
static size_t runner_low(const struct sim_runner *r)
{
	return r->in_run && r->run_start < r->cursor ? r->run_start : r->cursor;
}

static void hist_trim(void)
{
	size_t lo = H.base + H.n, i, drop;

	for (i = 0; i < H.nrunners; i++) {
		size_t low = runner_low(H.runners[i]);

		/* a runner whose lines a forced trim took starts at base:
		 * below it, lo - base would wrap and free the stale tail */
		if (low < H.base)
			low = H.base;
		if (low < lo)
			lo = low;
	}
	drop = lo - H.base;
	/* an idle command connection must not pin every line forever: its
	 * next wait then starts at the oldest line kept */
	if (H.n >= HIST_MAX && drop < H.n - HIST_MAX / 2)
		drop = H.n - HIST_MAX / 2;
	if (!drop || (drop < 64 && H.n < H.cap))
		return;
	for (i = 0; i < drop; i++)
		free(H.lines[i]);
	memmove(H.lines, H.lines + drop, (H.n - drop) * sizeof(*H.lines));
	H.n -= drop;
	H.base += drop;
}

void sim_run_event(const char *line)
{
	size_t i;
	char *copy;

	if (!H.nrunners)
		return;
	hist_trim();
	if (H.n == H.cap) {
		size_t cap = H.cap ? H.cap * 2 : 256;
		char **nl = realloc(H.lines, cap * sizeof(*nl));

		if (!nl)
			return; /* a lost line only makes a wait time out */
		H.lines = nl;
		H.cap = cap;
	}
	copy = strdup(line);
	if (!copy)
		return;
	H.lines[H.n++] = copy;
	for (i = 0; i < H.nrunners; i++)
		if (H.runners[i]->st == RUN_WAIT)
			kick(H.runners[i]);
}

struct sim_runner *sim_run_alloc(const char *name, sim_run_report_fn *report,
				 void *arg)
{
	struct sim_runner *r;

	if (H.nrunners == MAX_RUNNERS)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->report = report;
	r->arg = arg;
	r->cursor = H.base + H.n;
	r->st = RUN_DONE; /* until started */
	H.runners[H.nrunners++] = r;
	return r;
}

void sim_run_load(struct sim_runner *r, struct sim_script *s)
{
	sim_script_release(&r->script);
	r->script = *s;
	memset(s, 0, sizeof(*s));
	r->pc = 0;
}

int sim_run_add(struct sim_runner *r, const struct sim_action *a)
{
	int rc = sim_script_add(&r->script, a);

	if (!rc && r->st == RUN_DONE) {
		r->st = RUN_READY;
		kick(r);
	}
	return rc;
}

void sim_run_start(struct sim_runner *r)
{
	r->st = RUN_READY;
	kick(r);
}

void sim_run_free(struct sim_runner *r)
{
	size_t i;

	if (!r)
		return;
	if (r->timer)
		sim_timer_stop(r->timer);
	if (r->kick)
		sim_timer_stop(r->kick);
	for (i = 0; i < H.nrunners; i++)
		if (H.runners[i] == r) {
			H.runners[i] = H.runners[--H.nrunners];
			break;
		}
	sim_script_release(&r->script);
	free(r);
}

void sim_run_shutdown(void)
{
	size_t i;

	for (i = 0; i < H.n; i++)
		free(H.lines[i]);
	free(H.lines);
	memset(&H, 0, sizeof(H));
}

static const struct sim_action *cur(const struct sim_runner *r)
{
	return &r->script.acts[r->pc];
}

/* The action at pc is over: report it, go on with the next one. */
static void finish(struct sim_runner *r, const char *error)
{
	const struct sim_action *a = cur(r);

	if (r->timer) {
		sim_timer_stop(r->timer);
		r->timer = NULL;
	}
	r->calls_left = 0;
	if (r->report) {
		r->pc++;
		r->st = r->pc < r->script.n ? RUN_READY : RUN_DONE;
		r->report(r->arg, a, error);
		return;
	}
	if (error) {
		fprintf(stderr, "pstnsim: %s:%u: %s\n", r->name, a->line,
			error);
		sim_out("event=scenario_failed line=%u action=%s", a->line,
			sim_act_name(a->type));
		r->st = RUN_DONE;
		sim_stop(SIM_EXIT_SCENARIO);
		return;
	}
	r->pc++;
	r->st = RUN_READY;
}

static void bound_due(void *arg)
{
	struct sim_runner *r = arg;
	const struct sim_action *a = cur(r);
	char msg[SIM_MATCH_MAX * (SIM_KEY_MAX + SIM_VAL_MAX + 2) + 64];
	size_t off = 0;
	unsigned i;

	r->timer = NULL;
	if (r->st == RUN_WAIT && scan(r)) {
		/* the event came in the same tick as the bound */
		finish(r, NULL);
		step(r);
		return;
	}
	if (r->st == RUN_BLOCKED) {
		/* end of a sleep, or time for the next call of a series */
		if (r->calls_left)
			r->st = RUN_READY;
		else
			finish(r, NULL);
		step(r);
		return;
	}
	off += (size_t)snprintf(msg, sizeof(msg), "%s", sim_act_name(a->type));
	for (i = 0; i < a->nmatch && off < sizeof(msg); i++)
		off += (size_t)snprintf(msg + off, sizeof(msg) - off, " %s=%s",
					a->match[i].key, a->match[i].val);
	if (off < sizeof(msg))
		snprintf(msg + off, sizeof(msg) - off,
			 ": no such event within %llu ms",
			 (unsigned long long)a->ms);
	finish(r, msg);
	step(r);
}

static bool used(const struct sim_runner *r, size_t abs)
{
	unsigned k;

	for (k = 0; k < r->nused; k++)
		if (r->used[k] == abs)
			return true;
	return false;
}

/* wait/expect: true once an event since the run began, not matched by
 * an earlier line of the run, matches. */
static bool scan(struct sim_runner *r)
{
	const struct sim_action *a = cur(r);
	size_t i, from;

	if (!r->in_run) {
		r->in_run = true;
		r->run_start = r->cursor;
		r->nused = 0;
	}
	if (r->nused == RUN_USED_MAX) {
		/* too many to track: go on in order */
		r->run_start = r->cursor;
		r->nused = 0;
	}
	from = r->run_start < H.base ? H.base : r->run_start;
	for (i = from - H.base; i < H.n; i++) {
		if (used(r, H.base + i) || !sim_event_matches(a, H.lines[i]))
			continue;
		r->used[r->nused++] = H.base + i;
		if (H.base + i + 1 > r->cursor)
			r->cursor = H.base + i + 1;
		return true;
	}
	return false;
}

/* The Q.931 call information a call line gives (unset: tdm's defaults,
 * as a plain number would have). */
static void call_info(const struct sim_action *a, struct tdm_call_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	/* the parser kept CALLED within a number's size */
	snprintf(ci->called.digits, sizeof(ci->called.digits), "%.*s",
		 (int)sizeof(ci->called.digits) - 1, a->arg);
	snprintf(ci->calling.digits, sizeof(ci->calling.digits), "%s", a->from);
	snprintf(ci->calling_name, sizeof(ci->calling_name), "%s", a->name);
	snprintf(ci->redirecting.digits, sizeof(ci->redirecting.digits), "%s",
		 a->redirecting);
	if (a->ton >= 0)
		ci->calling.ton = (enum tdm_ton)a->ton;
	if (a->npi >= 0)
		ci->calling.npi = (enum tdm_npi)a->npi;
	if (a->pres >= 0)
		ci->calling.pres = (enum tdm_pres)a->pres;
	if (a->screen >= 0)
		ci->calling.screen = (enum tdm_screen)a->screen;
	if (a->called_ton >= 0)
		ci->called.ton = (enum tdm_ton)a->called_ton;
	if (a->called_npi >= 0)
		ci->called.npi = (enum tdm_npi)a->called_npi;
	if (a->reason >= 0)
		ci->redirect_reason = (enum tdm_redir)a->reason;
}

static bool has_info(const struct sim_action *a)
{
	return a->ton >= 0 || a->npi >= 0 || a->pres >= 0 || a->screen >= 0 ||
	       a->called_ton >= 0 || a->called_npi >= 0 || a->reason >= 0 ||
	       a->redirecting[0];
}

/* CALLED + add, as decimal digits of the same width (wrapping), for
 * the i-th call of a series. */
static void number_add(const char *in, unsigned long long add, char *out,
		       size_t len)
{
	size_t n = strlen(in), k;
	unsigned carry;

	snprintf(out, len, "%.*s", (int)len - 1, in);
	if (strspn(in, "0123456789") != n || n >= len)
		return; /* * or #: dialled as given */
	for (k = n; k-- > 0 && add;) {
		carry = (unsigned)(out[k] - '0') + (unsigned)(add % 10);
		add /= 10;
		if (carry >= 10)
			add++;
		out[k] = (char)('0' + carry % 10);
	}
}

static int place(struct sim_runner *r, const struct sim_action *a, char *err,
		 size_t errlen)
{
	struct sim_span *ss = sim_span_by_id(a->span);
	struct tdm_call_info ci;
	char called[SIM_NUMBER_MAX];
	struct tdm_setup setup = {
		.called = called,
		.calling = a->from[0] ? a->from : NULL,
		.calling_name = a->name[0] ? a->name : NULL,
		.chan = a->chan,
		.overlap = a->overlap,
	};
	int rc;

	number_add(a->arg,
		   (unsigned long long)a->step * (a->count - r->calls_left),
		   called, sizeof(called));
	if (has_info(a)) {
		call_info(a, &ci);
		snprintf(ci.called.digits, sizeof(ci.called.digits), "%s",
			 called);
		setup.info = &ci;
	}

	if (!ss) {
		snprintf(err, errlen, "no span %u", a->span);
		return -1;
	}
	rc = sim_place_call(ss, &setup, NULL);
	if (rc) {
		snprintf(err, errlen, "call %s on span %u: %s", called,
			 ss->cfg.id, strerror(rc));
		return -1;
	}
	return 0;
}

/* restart, drop-dchannel, alarm: line actions on a span. */
static int span_act(const struct sim_action *a, char *err, size_t errlen)
{
	struct sim_span *ss = sim_span_by_id(a->span);
	unsigned al;
	int rc = 0;

	if (!ss || !ss->span) {
		snprintf(err, errlen, "no span %u", a->span);
		return -1;
	}
	switch (a->type) {
	case SIM_ACT_RESTART:
		rc = tdm_span_restart(ss->span, a->chan);
		break;
	case SIM_ACT_INJECT:
		rc = !strcmp(a->arg, "corrupt")
			     ? tdm_span_inject_corrupt(ss->span)
			     : tdm_span_inject(ss->span,
					       (enum tdm_fault)tdm_fault_lookup(
						       a->arg));
		if (!rc)
			sim_out("event=injected span=%u fault=%s", ss->cfg.id,
				a->arg);
		break;
	case SIM_ACT_DROP_DCHAN:
		rc = tdm_span_inject_dchan_drop(
			ss->span,
			a->ms > 86400000 ? 86400000 : (unsigned)a->ms);
		break;
	default:
		if (a->alarm) {
			rc = tdm_span_inject_alarm(
				ss->span, (enum tdm_alarm)a->alarm, true);
			break;
		}
		for (al = TDM_ALARM_RED; al <= TDM_ALARM_BLUE && !rc; al <<= 1)
			rc = tdm_span_inject_alarm(ss->span, (enum tdm_alarm)al,
						   false);
		break;
	}
	if (rc) {
		snprintf(err, errlen, "%s on span %u: %s",
			 sim_act_name(a->type), ss->cfg.id,
			 rc == ENOTSUP ? "not supported by this tdm driver"
				       : strerror(rc));
		return -1;
	}
	return 0;
}

/* Runs the action at pc. 0: done; 1: the runner now blocks; -1: error. */
static int exec(struct sim_runner *r, char *err, size_t errlen)
{
	const struct sim_action *a = cur(r);
	struct sim_call *sc = NULL;
	int rc;

	/* an action ends a run of waits: later ones look past its events */
	if (a->type != SIM_ACT_SLEEP && a->type != SIM_ACT_WAIT &&
	    a->type != SIM_ACT_EXPECT)
		r->in_run = false;
	switch (a->type) {
	case SIM_ACT_SLEEP:
		r->st = RUN_BLOCKED;
		r->timer = sim_timer_start(a->ms, bound_due, r);
		return 1;
	case SIM_ACT_WAIT:
	case SIM_ACT_EXPECT:
		if (scan(r))
			return 0;
		r->st = RUN_WAIT;
		r->timer = sim_timer_start(a->ms, bound_due, r);
		return 1;
	case SIM_ACT_CALL:
		if (!r->calls_left)
			r->calls_left = a->count;
		if (place(r, a, err, errlen))
			return -1;
		if (--r->calls_left == 0)
			return 0;
		r->st = RUN_BLOCKED;
		r->timer = sim_timer_start(a->gap_ms, bound_due, r);
		return 1;
	case SIM_ACT_FAIL:
		snprintf(err, errlen, "%s", a->arg);
		return -1;
	case SIM_ACT_RESTART:
	case SIM_ACT_DROP_DCHAN:
	case SIM_ACT_ALARM:
	case SIM_ACT_INJECT:
		return span_act(a, err, errlen);
	case SIM_ACT_EXIT:
		r->st = RUN_DONE;
		sim_stop(a->code);
		return 1;
	default:
		break;
	}
	/* answer/reject without call=: the oldest call still ringing here,
	 * so a later call coming in meanwhile cannot take the action */
	sc = !a->call && (a->type == SIM_ACT_ANSWER ||
			  a->type == SIM_ACT_REJECT ||
			  a->type == SIM_ACT_PROGRESS)
		     ? sim_call_find_ringing()
		     : sim_call_find(a->call);
	if (!sc) {
		if (a->call)
			snprintf(err, errlen, "no call %u", a->call);
		else
			snprintf(err, errlen, "no call to %s",
				 sim_act_name(a->type));
		return -1;
	}
	switch (a->type) {
	case SIM_ACT_ANSWER:
		return sim_call_answer(sc, err, errlen);
	case SIM_ACT_PROGRESS:
		return sim_call_progress(sc, err, errlen);
	case SIM_ACT_REJECT:
		if (sc->dir != TDM_DIR_IN || sc->connected) {
			snprintf(err, errlen, "call %u is not ringing here",
				 sc->num);
			return -1;
		}
		return sim_call_hangup(sc, a->cause > 0 ? a->cause : 21, err,
				       errlen);
	case SIM_ACT_HANGUP:
		return sim_call_hangup(sc, a->cause > 0 ? a->cause : 16, err,
				       errlen);
	case SIM_ACT_DIGITS:
		if (a->mode == SIM_DIGITS_DTMF)
			return sim_call_digits(sc, a->arg, err, errlen);
		rc = a->mode == SIM_DIGITS_OVERLAP
			     ? tdm_call_send_digits(sc->call, a->arg,
						    a->complete)
			     : tdm_call_send_keypad(sc->call, a->arg);
		if (rc) {
			snprintf(err, errlen, "call %u: digits: %s", sc->num,
				 strerror(rc));
			return -1;
		}
		return 0;
	case SIM_ACT_PLAY:
		return sim_call_play(sc, a, err, errlen);
	case SIM_ACT_RECORD:
		return sim_call_record(sc, a, err, errlen);
	case SIM_ACT_DETECT:
		return sim_call_detect(sc, a, err, errlen);
	case SIM_ACT_SEND_FAX:
	case SIM_ACT_RECV_FAX:
		return sim_call_fax(sc, a->type == SIM_ACT_SEND_FAX, a->arg,
				    a->ecm, err, errlen);
	default:
		snprintf(err, errlen, "action not supported");
		return -1;
	}
}

static void step(struct sim_runner *r)
{
	char err[600];
	size_t guard;

	/* bounded: one pass per action at most, plus the current wait */
	if (r->stepping)
		return;
	r->stepping = true;
	for (guard = 0; guard <= r->script.n + 1; guard++) {
		int rc;

		if (sim_get()->exiting)
			break;
		if (r->st == RUN_WAIT) {
			if (!scan(r))
				break;
			finish(r, NULL);
			continue;
		}
		if (r->st != RUN_READY)
			break;
		if (r->pc >= r->script.n) {
			r->st = RUN_DONE;
			if (!r->report) {
				sim_out("event=scenario_done");
				sim_stop(SIM_EXIT_OK);
			}
			break;
		}
		err[0] = 0;
		rc = exec(r, err, sizeof(err));
		if (rc == 1)
			break;
		finish(r, rc ? err : NULL);
	}
	r->stepping = false;
}
