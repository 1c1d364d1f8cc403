/*
 * pstnsim: a simulated PSTN switch with simulated phones. It serves spans
 * of the loop driver (NET side by default, and the 20 ms clock), places
 * and answers calls, plays a tone or a file into each call, records and
 * measures what it hears, and prints one event line per happening on
 * stdout for test scripts to parse.
 */
#include <errno.h>
#include <getopt.h>
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

void sim_out(const char *fmt, ...)
{
	va_list ap;

	printf("pstnsim t=%llu ",
	       (unsigned long long)(gw_loop_now(S.loop) - S.t0));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

/* ---- tdm hooks on gw_loop ---- */

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
	gw_loop_stop(S.loop);
}

static void sim_grace_over(void *arg)
{
	S.grace_timer = NULL;
	sim_exit(S.exit_code);
}

/* Hangs up every call, exits once all are released (or after 2 s). */
static void sim_stop(int code)
{
	size_t i;

	if (S.stopping)
		return;
	S.stopping = true;
	S.exit_code = code;
	if (S.place_timer) {
		gw_timer_stop(S.loop, S.place_timer);
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
	S.grace_timer = gw_timer_start(S.loop, 2000, sim_grace_over, NULL);
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
		S.place_timer = gw_timer_start(S.loop, ms, sim_place, NULL);
}

static void sim_place(void *arg)
{
	struct sim_span *ss = &S.spans[0];
	struct tdm_setup setup = {
		.called = S.opt.called,
		.calling = S.opt.calling,
		.calling_name = S.opt.calling_name,
	};
	struct sim_call *sc;
	struct tdm_call *call;
	int err;

	S.place_timer = NULL;
	if (!S.opt.calls_left || S.stopping || !ss->span)
		return;
	if (!tdm_span_is_up(ss->span))
		return; /* SPAN_UP re-arms */
	S.opt.calls_left--;
	S.placed++;
	sc = sim_call_new(ss);
	if (!sc) {
		err = ENOMEM;
	} else {
		err = tdm_call_place(ss->span, &setup, sc, &call);
		if (!err)
			sim_call_bind(sc, call, TDM_DIR_OUT);
		else
			sim_call_free(sc);
	}
	if (err) {
		sim_out("event=place_failed span=%u error=%s", ss->cfg.id,
			strerror(err));
		sim_call_done();
	} else {
		sim_out("event=setup span=%u chan=%d call=%u dir=out called=%s "
			"calling=%s",
			ss->cfg.id, tdm_call_chan(call), sc->num, S.opt.called,
			S.opt.calling ? S.opt.calling : "");
	}
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
	default:
		if (call)
			sim_call_event(call, ev);
		return;
	}
}

/* ---- options ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pstnsim --span ID:PATH[:t1|e1[:SWITCHTYPE[:net|cpe[:server|client]]]]\n"
		"               [options]\n"
		"\n"
		"Simulated PSTN switch on the loop driver: listens on PATH (the switch\n"
		"side and the 20 ms clock) for a gateway span connecting as the card.\n"
		"\n"
		"  --span SPEC          serve a span (repeatable); defaults t1, ni2 (t1) or\n"
		"                       euroisdn (e1), net, server. client connects to PATH\n"
		"                       instead (a second pstnsim as the gateway's card).\n"
		"                       Switch types: %s\n"
		"  --call CALLED        place calls to CALLED on the first span\n"
		"  --from CALLING       calling number of placed calls\n"
		"  --name NAME          calling name of placed calls\n"
		"  --calls N            number of calls to place (default 1)\n"
		"  --interval MS        time between placed calls (default 1000)\n"
		"  --answer-delay MS    answer incoming calls after MS (default 0)\n"
		"  --reject CAUSE       reject incoming calls with Q.850 CAUSE\n"
		"  --no-answer          let incoming calls ring\n"
		"  --play tone:FREQ     send a FREQ Hz tone (-13 dBm0) into each call\n"
		"  --play FILE          send FILE (raw 16-bit 8 kHz mono, or .wav), looped\n"
		"  --record FILE        record what each call hears (.wav or raw); %%u in\n"
		"                       FILE is replaced by the call number\n"
		"  --hangup-after MS    hang up MS after connect, with --cause (default 16)\n"
		"  --cause N            Q.850 cause for --hangup-after\n"
		"  --exit-after N       exit after N calls completed (default: once the\n"
		"                       placed calls are done, else run until a signal)\n"
		"  --timeout SEC        hard limit; exits 1 (default none)\n"
		"  --t303 MS, --t200 MS shorten libpri timers\n"
		"  --inject FAULT       send a malformed message to the peer (repeatable):\n"
		"                       short_block, long_block, unknown_type, runt_frame\n"
		"  --inject-after MS    that long after the first call connects (500)\n"
		"  -v, --verbose        log more on stderr (repeat for debug)\n"
		"  -h, --help           this text\n"
		"\n"
		"Events on stdout, one per line, flushed:\n"
		"  pstnsim t=MS event=NAME [span=ID] [chan=TS] [call=N] [key=value...]\n"
		"  span_up span_down l1_up l1_down      span state (layer 2 / layer 1)\n"
		"  setup dir=in|out called= calling= name=\"\"  call offered or placed\n"
		"  proceeding progress alerting         received; alerting also when sent\n"
		"  connect                              far end answered, or we answered\n"
		"  disconnect cause=N                   far end hung up or rejected\n"
		"  hangup cause=N                       we hung up or rejected\n"
		"  released cause=N                     call over, channel idle\n"
		"  heard freq=HZ level=DBM0             per call on release (freq 0: silence)\n"
		"  digits digits=D, place_failed error=E, rejected_frame reason=\"\"\n"
		"  injected fault=F                     --inject sent it\n"
		"  signal sig=N, timeout, exit code=N\n"
		"Exit status: 0 done, 1 timeout, 2 usage or setup error.\n",
		tdm_switchtype_list());
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return EINVAL;
	*out = v;
	return 0;
}

/* ID:PATH[:t1|e1[:switchtype[:net|cpe[:server|client]]]] */
static int parse_span(char *spec, struct sim_span *ss)
{
	char *f[6] = { 0 };
	unsigned long id;
	int n = 0;
	char *p = spec;

	while (n < 6 && p) {
		f[n++] = p;
		p = strchr(p, ':');
		if (p)
			*p++ = 0;
	}
	if (p || n < 2 || parse_uint(f[0], 127, &id) || id < 1 || !f[1][0])
		return EINVAL;
	memset(ss, 0, sizeof(*ss));
	ss->cfg.id = (unsigned)id;
	ss->cfg.loop_path = f[1];
	ss->cfg.type = TDM_SPAN_T1;
	ss->cfg.role = TDM_ROLE_NET;
	ss->cfg.loop_mode = TDM_LOOP_SERVER;
	ss->cfg.driver = "loop";
	if (n > 2 && f[2][0]) {
		if (!strcmp(f[2], "e1"))
			ss->cfg.type = TDM_SPAN_E1;
		else if (strcmp(f[2], "t1"))
			return EINVAL;
	}
	if (n > 3 && f[3][0]) {
		if (!tdm_switchtype_valid(f[3]))
			return EINVAL;
		ss->cfg.switchtype = f[3];
	}
	if (n > 4 && f[4][0]) {
		if (!strcmp(f[4], "cpe"))
			ss->cfg.role = TDM_ROLE_CPE;
		else if (strcmp(f[4], "net"))
			return EINVAL;
	}
	if (n > 5 && f[5][0]) {
		if (!strcmp(f[5], "client"))
			ss->cfg.loop_mode = TDM_LOOP_CLIENT;
		else if (strcmp(f[5], "server"))
			return EINVAL;
	}
	return 0;
}

enum {
	OPT_SPAN = 256,
	OPT_CALL,
	OPT_FROM,
	OPT_NAME,
	OPT_CALLS,
	OPT_INTERVAL,
	OPT_ANSWER_DELAY,
	OPT_REJECT,
	OPT_NO_ANSWER,
	OPT_PLAY,
	OPT_RECORD,
	OPT_HANGUP_AFTER,
	OPT_CAUSE,
	OPT_EXIT_AFTER,
	OPT_TIMEOUT,
	OPT_T303,
	OPT_T200,
	OPT_INJECT,
	OPT_INJECT_AFTER,
};

static const struct option long_opts[] = {
	{ "span", required_argument, NULL, OPT_SPAN },
	{ "call", required_argument, NULL, OPT_CALL },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "calls", required_argument, NULL, OPT_CALLS },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "answer-delay", required_argument, NULL, OPT_ANSWER_DELAY },
	{ "reject", required_argument, NULL, OPT_REJECT },
	{ "no-answer", no_argument, NULL, OPT_NO_ANSWER },
	{ "play", required_argument, NULL, OPT_PLAY },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "hangup-after", required_argument, NULL, OPT_HANGUP_AFTER },
	{ "cause", required_argument, NULL, OPT_CAUSE },
	{ "exit-after", required_argument, NULL, OPT_EXIT_AFTER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "t303", required_argument, NULL, OPT_T303 },
	{ "t200", required_argument, NULL, OPT_T200 },
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "inject-after", required_argument, NULL, OPT_INJECT_AFTER },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

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
	S.inject_timer =
		gw_timer_start(S.loop, S.opt.inject_after_ms, inject_due, ss);
}

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "pstnsim: invalid value for --%s: '%s'\n", opt, val);
	return 2;
}

static int parse_opts(int argc, char **argv)
{
	unsigned long v;
	int c, idx = 0;

	S.opt.calls = 1;
	S.opt.interval_ms = 1000;
	S.opt.cause = 16;
	S.opt.inject_after_ms = 500;
	while ((c = getopt_long(argc, argv, "vh", long_opts, &idx)) != -1) {
		const char *name = "";

		if (c >= OPT_SPAN && idx >= 0 && long_opts[idx].val == c)
			name = long_opts[idx].name;
		switch (c) {
		case OPT_SPAN: {
			char orig[256];

			snprintf(orig, sizeof(orig), "%s", optarg);
			if (S.nspans >= SIM_MAX_SPANS ||
			    parse_span(optarg, &S.spans[S.nspans]))
				return bad("span", orig);
		}
			S.nspans++;
			break;
		case OPT_CALL:
			S.opt.called = optarg;
			break;
		case OPT_FROM:
			S.opt.calling = optarg;
			break;
		case OPT_NAME:
			S.opt.calling_name = optarg;
			break;
		case OPT_CALLS:
			if (parse_uint(optarg, 1000000, &v) || !v)
				return bad("calls", optarg);
			S.opt.calls = (unsigned)v;
			break;
		case OPT_INJECT: {
			int f = tdm_fault_lookup(optarg);

			if (f < 0)
				return bad("inject", optarg);
			S.opt.inject_mask |= 1u << f;
			break;
		}
		case OPT_INJECT_AFTER:
			if (parse_uint(optarg, 86400000, &v))
				return bad("inject-after", optarg);
			S.opt.inject_after_ms = (unsigned)v;
			break;
		case OPT_INTERVAL:
		case OPT_ANSWER_DELAY:
		case OPT_HANGUP_AFTER:
		case OPT_T303:
		case OPT_T200:
			if (parse_uint(optarg, 86400000, &v))
				return bad(name, optarg);
			if (c == OPT_INTERVAL)
				S.opt.interval_ms = (unsigned)v;
			else if (c == OPT_ANSWER_DELAY)
				S.opt.answer_delay_ms = (unsigned)v;
			else if (c == OPT_HANGUP_AFTER)
				S.opt.hangup_after_ms = (unsigned)v;
			else if (c == OPT_T303)
				S.opt.t303 = (int)v;
			else
				S.opt.t200 = (int)v;
			break;
		case OPT_REJECT:
		case OPT_CAUSE:
			if (parse_uint(optarg, 127, &v) || !v)
				return bad(name, optarg);
			if (c == OPT_REJECT)
				S.opt.reject_cause = (int)v;
			else
				S.opt.cause = (int)v;
			break;
		case OPT_NO_ANSWER:
			S.opt.no_answer = true;
			break;
		case OPT_PLAY:
			if (sim_play_load(optarg))
				return 2;
			break;
		case OPT_RECORD:
			S.opt.record = optarg;
			break;
		case OPT_EXIT_AFTER:
			if (parse_uint(optarg, 1000000, &v) || !v)
				return bad("exit-after", optarg);
			S.opt.exit_after = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 86400 * 7, &v) || !v)
				return bad("timeout", optarg);
			S.opt.timeout_s = (unsigned)v;
			break;
		case 'v':
			S.opt.verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "pstnsim: unexpected argument '%s'\n",
			argv[optind]);
		return 2;
	}
	if (!S.nspans) {
		fprintf(stderr, "pstnsim: at least one --span is needed\n");
		return 2;
	}
	if ((S.opt.calling || S.opt.calling_name) && !S.opt.called) {
		fprintf(stderr, "pstnsim: --from/--name need --call\n");
		return 2;
	}
	S.opt.calls_left = S.opt.called ? S.opt.calls : 0;
	return 0;
}

static int sim_start_spans(void)
{
	struct tdm_hooks h;
	size_t i, j;
	int err;

	gw_hooks_tdm_init(&h, &S.hctx);
	h.event = hk_event;
	h.audio = sim_call_audio;

	for (i = 0; i < S.nspans; i++) {
		struct sim_span *ss = &S.spans[i];

		for (j = 0; j < i; j++)
			if (S.spans[j].cfg.id == ss->cfg.id ||
			    !strcmp(S.spans[j].cfg.loop_path,
				    ss->cfg.loop_path)) {
				fprintf(stderr,
					"pstnsim: span %u: id or path used twice\n",
					ss->cfg.id);
				return 2;
			}
		err = tdm_span_alloc(&ss->cfg, &h, &ss->span);
		if (!err && S.opt.t303)
			err = tdm_span_set_timer(ss->span, "T303", S.opt.t303);
		if (!err && S.opt.t200)
			err = tdm_span_set_timer(ss->span, "T200", S.opt.t200);
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

int main(int argc, char **argv)
{
	sigset_t mask;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	gw_log_init("pstnsim", false);
	rc = parse_opts(argc, argv);
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
	S.t0 = gw_loop_now(S.loop);
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	S.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (S.sigfd < 0 ||
	    gw_loop_fd_add(S.loop, S.sigfd, EPOLLIN, sim_signal, NULL)) {
		fprintf(stderr, "pstnsim: signalfd: %s\n", strerror(errno));
		return 2;
	}
	rc = sim_start_spans();
	if (rc) {
		size_t i;

		for (i = 0; i < S.nspans; i++)
			tdm_span_free(S.spans[i].span);
		return rc;
	}
	if (S.opt.timeout_s)
		S.timeout_timer =
			gw_timer_start(S.loop, (uint64_t)S.opt.timeout_s * 1000,
				       sim_timeout, NULL);
	gw_loop_run(S.loop);
	if (S.timeout_timer)
		gw_timer_stop(S.loop, S.timeout_timer);
	if (S.grace_timer)
		gw_timer_stop(S.loop, S.grace_timer);
	if (S.place_timer)
		gw_timer_stop(S.loop, S.place_timer);
	if (S.inject_timer)
		gw_timer_stop(S.loop, S.inject_timer);
	sim_calls_free_all();
	gw_hookctx_release(&S.hctx);
	gw_loop_free(S.loop);
	close(S.sigfd);
	sim_play_free();
	return S.exit_code;
}

struct sim *sim_get(void)
{
	return &S;
}
