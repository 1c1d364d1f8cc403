/*
 * pstnsim: a simulated PSTN switch with simulated phones. It serves spans
 * of the loop driver (NET side by default, and the 20 ms clock), places
 * and answers calls, plays a tone or a file into each call, records and
 * measures what it hears, and prints one event line per happening on
 * stdout for test scripts to parse.
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/loop.h"
#include "media/media.h"
#include "tdm/tdm.h"
#include "tools/pstnsim/pstnsim.h"

static struct sim S;

uint64_t sim_now(void)
{
	return sim_clock_ms() - S.t0;
}

void sim_out(const char *fmt, ...)
{
	char line[1024], stamped[1100];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	snprintf(stamped, sizeof(stamped), "pstnsim t=%llu %s",
		 (unsigned long long)sim_now(), line);
	puts(stamped);
	fflush(stdout);
	sim_ctl_event(stamped);
	sim_run_event(line);
}

/* ---- stopping ---- */

static void sim_exit(int code)
{
	size_t i;

	if (S.exiting)
		return;
	S.exiting = true;
	S.exit_code = code;
	for (i = 0; i < S.nspans; i++) {
		tdm_span_free(S.spans[i].span);
		S.spans[i].span = NULL;
	}
	sim_out("event=exit code=%d", code);
	sim_clock_stop();
}

static void sim_grace_over(void *arg)
{
	S.grace_timer = NULL;
	sim_exit(S.exit_code);
}

/* Hangs up every call, exits once all are released (or after 2 s). */
void sim_stop(int code)
{
	size_t i;

	if (S.stopping)
		return;
	S.stopping = true;
	S.exit_code = code;
	if (S.place_timer) {
		sim_timer_stop(S.place_timer);
		S.place_timer = NULL;
	}
	for (i = 0; i < S.nspans; i++) {
		struct tdm_call *calls[TDM_MAX_BCHANS * 2];
		int n, j;

		if (!S.spans[i].span)
			continue;
		n = tdm_span_calls(S.spans[i].span, calls, TDM_MAX_BCHANS * 2);
		for (j = 0; j < n && j < TDM_MAX_BCHANS * 2; j++)
			tdm_call_hangup(calls[j], 16);
	}
	if (!S.ncalls) {
		sim_exit(code);
		return;
	}
	S.grace_timer = sim_timer_start(2000, sim_grace_over, NULL);
}

void sim_call_done(void)
{
	S.completed++;
	if (S.opt.exit_after && S.completed >= S.opt.exit_after)
		sim_stop(0);
	else if (!S.opt.exit_after && S.opt.called && !S.opt.calls_left &&
		 S.ncalls == 0 && S.placed >= S.opt.calls)
		sim_stop(0);
	if (S.stopping && !S.ncalls)
		sim_exit(S.exit_code);
}

static void sim_timeout(void *arg)
{
	S.timeout_timer = NULL;
	sim_out("event=timeout");
	sim_exit(1);
}

static void sim_signal(void *arg, uint32_t events)
{
	struct signalfd_siginfo si;

	if (read(S.sigfd, &si, sizeof(si)) != sizeof(si))
		return;
	sim_out("event=signal sig=%u", si.ssi_signo);
	if (S.stopping)
		sim_exit(S.exit_code);
	else
		sim_stop(0);
}

/* ---- placing calls ---- */

static struct sim_span *sim_span_of(struct tdm_span *span)
{
	size_t i;

	for (i = 0; i < S.nspans; i++)
		if (S.spans[i].span == span)
			return &S.spans[i];
	return NULL;
}

static void sim_place(void *arg);

static void sim_place_arm(uint64_t ms)
{
	if (!S.place_timer && S.opt.calls_left && !S.stopping)
		S.place_timer = sim_timer_start(ms, sim_place, NULL);
}

struct sim_span *sim_span_by_id(unsigned id)
{
	size_t i;

	for (i = 0; i < S.nspans; i++)
		if (!id || S.spans[i].cfg.id == id)
			return &S.spans[i];
	return NULL;
}

int sim_place_call(struct sim_span *ss, const struct tdm_setup *setup,
		   struct sim_call **out)
{
	struct sim_call *sc;
	struct tdm_call *call;
	int err;

	if (!ss->span || !tdm_span_is_up(ss->span))
		err = ENOTCONN;
	else if (!(sc = sim_call_new(ss)))
		err = ENOMEM;
	else if ((err = tdm_call_place(ss->span, setup, sc, &call)))
		sim_call_free(sc);
	if (err) {
		sim_out("event=place_failed span=%u error=%s", ss->cfg.id,
			strerror(err));
		return err;
	}
	sim_call_bind(sc, call, TDM_DIR_OUT);
	sim_out("event=setup span=%u chan=%d call=%u dir=out called=%s "
		"calling=%s",
		ss->cfg.id, tdm_call_chan(call), sc->num, setup->called,
		setup->calling ? setup->calling : "");
	if (out)
		*out = sc;
	return 0;
}

static void sim_place(void *arg)
{
	struct sim_span *ss = &S.spans[0];
	struct tdm_setup setup = {
		.called = S.opt.called,
		.calling = S.opt.calling,
		.calling_name = S.opt.calling_name,
	};

	S.place_timer = NULL;
	if (!S.opt.calls_left || S.stopping || !ss->span)
		return;
	if (!tdm_span_is_up(ss->span))
		return; /* SPAN_UP re-arms */
	S.opt.calls_left--;
	S.placed++;
	if (sim_place_call(ss, &setup, NULL))
		sim_call_done();
	sim_place_arm(S.opt.interval_ms);
}

/* ---- tdm events ---- */

static void hk_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		     const struct tdm_event *ev)
{
	struct sim_span *ss = sim_span_of(span);
	unsigned id = ss ? ss->cfg.id : 0;

	switch (ev->type) {
	case TDM_EV_SPAN_UP:
		sim_out("event=span_up span=%u", id);
		if (ss == &S.spans[0])
			sim_place_arm(0);
		return;
	case TDM_EV_SPAN_DOWN:
		sim_out("event=span_down span=%u", id);
		return;
	case TDM_EV_L1_UP:
		sim_out("event=l1_up span=%u", id);
		return;
	case TDM_EV_L1_DOWN:
		sim_out("event=l1_down span=%u", id);
		return;
	case TDM_EV_REJECTED_FRAME:
		sim_out("event=rejected_frame span=%u reason=\"%s\"", id,
			ev->reason ? ev->reason : "");
		return;
	case TDM_EV_SETUP:
		sim_call_incoming(ss, call, ev);
		return;
	case TDM_EV_CHAN_STATE: {
		char st[16];
		size_t i;

		/* event values are lower case: IDLE -> idle */
		snprintf(st, sizeof(st), "%s",
			 tdm_chan_state_name(ev->chan_state));
		for (i = 0; st[i]; i++)
			st[i] = (char)tolower((unsigned char)st[i]);
		sim_out("event=chan_state span=%u chan=%d state=%s", id,
			ev->chan, st);
		return;
	}
	case TDM_EV_RESTART:
		sim_out("event=restart span=%u chan=%d", id, ev->chan);
		return;
	case TDM_EV_ALARM: {
		char names[32] = "";
		unsigned a;

		for (a = TDM_ALARM_RED; a <= TDM_ALARM_BLUE; a <<= 1)
			if (ev->alarms & a)
				snprintf(names + strlen(names),
					 sizeof(names) - strlen(names), "%s%s",
					 names[0] ? "," : "",
					 tdm_alarm_name((enum tdm_alarm)a));
		sim_out("event=alarm span=%u alarms=%s", id,
			names[0] ? names : "none");
		return;
	}
	default:
		if (call)
			sim_call_event(call, ev);
		return;
	}
}

static void inject_due(void *arg)
{
	struct sim_span *ss = arg;

	S.inject_timer = NULL;
	for (int f = 0; f < TDM_FAULT__COUNT; f++) {
		int err;

		if (!(S.opt.inject_mask & 1u << f))
			continue;
		err = tdm_span_inject(ss->span, (enum tdm_fault)f);
		sim_out("event=injected span=%u fault=%s%s%s", ss->cfg.id,
			tdm_fault_name((enum tdm_fault)f), err ? " error=" : "",
			err ? strerror(err) : "");
	}
}

void sim_inject_arm(struct sim_span *ss)
{
	if (!S.opt.inject_mask || S.injected || S.stopping)
		return;
	S.injected = true;
	S.inject_timer = sim_timer_start(S.opt.inject_after_ms, inject_due, ss);
}

static int sim_start_spans(void)
{
	struct tdm_hooks h;
	size_t i, j;
	int err;

	sim_clock_tdm_hooks(&h);
	h.event = hk_event;
	h.audio = sim_call_audio;

	for (i = 0; i < S.nspans; i++) {
		struct sim_span *ss = &S.spans[i];

		for (j = 0; j < i; j++)
			/* one path may join a server span to a client span of
			 * this same process (back to back, --virtual) */
			if (S.spans[j].cfg.id == ss->cfg.id ||
			    (!strcmp(S.spans[j].cfg.loop_path,
				     ss->cfg.loop_path) &&
			     S.spans[j].cfg.loop_mode == ss->cfg.loop_mode)) {
				fprintf(stderr,
					"pstnsim: span %u: id or path used twice\n",
					ss->cfg.id);
				return 2;
			}
		ss->cfg.overlap = S.opt.overlap;
		ss->cfg.overlap_digits = S.opt.overlap_digits;
		err = tdm_span_alloc(&ss->cfg, &h, &ss->span);
		if (!err && S.opt.t303)
			err = tdm_span_set_timer(ss->span, "T303", S.opt.t303);
		if (!err && S.opt.t200)
			err = tdm_span_set_timer(ss->span, "T200", S.opt.t200);
		for (unsigned t = 0; !err && t < S.opt.ntimers; t++)
			err = tdm_span_set_timer(ss->span, S.opt.timers[t].name,
						 S.opt.timers[t].ms);
		if (!err)
			err = tdm_span_start(ss->span);
		if (err) {
			fprintf(stderr, "pstnsim: span %u on %s: %s\n",
				ss->cfg.id, ss->cfg.loop_path, strerror(err));
			return 2;
		}
	}
	return 0;
}

/* A scenario refers to spans and files that must exist before it
 * starts: each wrong line is reported as FILE:LINE, and none runs. */
static int sim_script_refs(const struct sim_action *a, char *err, size_t errlen)
{
	bool file = a->type == SIM_ACT_SEND_FAX ||
		    (a->type == SIM_ACT_PLAY && !a->freq && !a->stop);

	if (a->span && !sim_span_by_id(a->span)) {
		snprintf(err, errlen, "%s: no --span with id %u",
			 sim_act_name(a->type), a->span);
		return -1;
	}
	if (file && !strstr(a->arg, "%u") && access(a->arg, R_OK)) {
		snprintf(err, errlen, "%s: %s: %s", sim_act_name(a->type),
			 a->arg, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sim_script script = { 0 };
	sigset_t mask;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	gw_log_init("pstnsim", false);
	rc = sim_parse_opts(argc, argv);
	if (!rc && S.opt.script)
		rc = sim_script_load(S.opt.script, &script, sim_script_refs,
				     stderr)
			     ? SIM_EXIT_USAGE
			     : 0;
	if (rc)
		return rc;
	gw_log_set_level_all(S.opt.verbose > 1 ? LOG_DEBUG
			     : S.opt.verbose   ? LOG_INFO
					       : LOG_WARNING);
	S.loop = gw_loop_alloc();
	if (!S.loop) {
		fprintf(stderr, "pstnsim: out of memory\n");
		return 2;
	}
	S.hctx.loop = S.loop;
	sim_clock_init(S.opt.virt);
	S.t0 = sim_clock_ms();
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	S.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (S.sigfd < 0 || sim_fd_watch(S.sigfd, sim_signal, NULL)) {
		fprintf(stderr, "pstnsim: signalfd: %s\n", strerror(errno));
		return 2;
	}
	rc = sim_start_spans();
	if (rc) {
		size_t i;

		for (i = 0; i < S.nspans; i++)
			tdm_span_free(S.spans[i].span);
		sim_script_release(&script);
		return rc;
	}
	if (S.opt.script) {
		S.script = sim_run_alloc(S.opt.script, NULL, NULL);
		if (!S.script) {
			fprintf(stderr, "pstnsim: out of memory\n");
			return 2;
		}
		sim_run_load(S.script, &script);
		sim_run_start(S.script);
	}
	if (S.opt.ctl && sim_ctl_start(S.opt.ctl)) {
		for (size_t i = 0; i < S.nspans; i++)
			tdm_span_free(S.spans[i].span);
		sim_run_free(S.script);
		return 2;
	}
	if (S.opt.timeout_s)
		S.timeout_timer = sim_timer_start(
			(uint64_t)S.opt.timeout_s * 1000, sim_timeout, NULL);
	sim_clock_run();
	if (S.timeout_timer)
		sim_timer_stop(S.timeout_timer);
	if (S.grace_timer)
		sim_timer_stop(S.grace_timer);
	if (S.place_timer)
		sim_timer_stop(S.place_timer);
	if (S.inject_timer)
		sim_timer_stop(S.inject_timer);
	sim_calls_free_all();
	sim_ctl_stop();
	sim_run_free(S.script);
	sim_run_shutdown();
	gw_hookctx_release(&S.hctx);
	sim_clock_release();
	gw_loop_free(S.loop);
	close(S.sigfd);
	sim_play_free();
	return S.exit_code;
}

struct sim *sim_get(void)
{
	return &S;
}
