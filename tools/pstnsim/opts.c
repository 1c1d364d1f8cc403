/*
 * pstnsim's command line: every option fills struct sim's opt (or its
 * spans); main() then starts what they ask for.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/pstnsim/pstnsim.h"

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
		"  --silent setup|proceeding  a dead far end: leave incoming SETUPs\n"
		"                       unanswered, or send CALL PROCEEDING and\n"
		"                       nothing more (the gateway's T303 / T310)\n"
		"  --alert-inband       ALERTING with progress indicator 8 (in-band\n"
		"                       information: the switch plays ringback)\n"
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
		"  --timer NAME=MS     set a libpri timer (T203, T309, T316...;\n"
		"                       repeatable, at most 8)\n"
		"  --inject FAULT       send a malformed message to the peer (repeatable):\n"
		"                       short_block, long_block, unknown_type, runt_frame\n"
		"  --inject-after MS    that long after the first call connects (500)\n"
		"  --send-fax FILE.tif  act as a fax machine sending FILE on each call\n"
		"  --receive-fax FILE   act as a fax machine receiving into FILE (%%u:\n"
		"                       call number); it hangs up 2 s after the result\n"
		"  --fax-ecm on|off     offer T.30 error correction (default on)\n"
		"  --fax-hangup MS      on hook MS after a fax's result (100..600000,\n"
		"                       default 2000); a script's next send-fax or\n"
		"                       receive-fax on the call cancels it\n"
		"  --line-buffer MS     the switch plays the gateway's audio MS later\n"
		"                       (multiple of 20, at most 240; default 0): a\n"
		"                       late answer from a loaded machine is then\n"
		"                       still in time, as fax modems need\n"
		"  --script FILE        run a scenario (one action a line; see README);\n"
		"                       incoming calls then ring until it answers them\n"
		"  --ctl PATH           command socket (unix stream) taking scenario\n"
		"                       lines; replies 'ok N VERB' or 'error N: why'\n"
		"  --overlap[=N]        overlap receiving on every span: SETUP ACK, digits\n"
		"                       in INFORMATION until #, sending complete, N\n"
		"                       digits or T302\n"
		"  --virtual            virtual time: every span's peer is in this process\n"
		"                       (a NET server span and a CPE client span on the\n"
		"                       same PATH); the clock jumps to the next timer\n"
		"                       whenever nothing is left to read; --timeout and\n"
		"                       event stamps are in virtual time\n"
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
		"  setup dir=in also: calling_ton= calling_npi= calling_pres=\n"
		"        calling_screen= called_ton= called_npi= complete=0|1\n"
		"        [redirecting= reason=] [keypad=]\n"
		"  digits digits=D complete=0|1        INFORMATION (overlap, keypad)\n"
		"  setup_ack, chan_state chan= state=, restart chan=, alarm alarms=\n"
		"  place_failed error=E, rejected_frame reason=\"\"\n"
		"  fax_start dir=send|receive ecm=0|1   fax machine started\n"
		"  fax dir= result=N text=\"\" pages=N pages_in_file=N bitrate=N ecm=0|1\n"
		"  tone freq=HZ, tone_end freq=HZ, dtmf digit=D   detect results\n"
		"  scenario_done, scenario_failed line=N action=A\n"
		"  injected fault=F                     --inject sent it\n"
		"  signal sig=N, timeout, exit code=N\n"
		"Exit status: 0 done, 1 timeout, 2 usage or setup error (a bad\n"
		"scenario line: FILE:LINE on stderr), 3 scenario failed.\n",
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
	OPT_SILENT,
	OPT_ALERT_INBAND,
	OPT_PLAY,
	OPT_RECORD,
	OPT_HANGUP_AFTER,
	OPT_CAUSE,
	OPT_EXIT_AFTER,
	OPT_TIMEOUT,
	OPT_T303,
	OPT_T200,
	OPT_TIMER,
	OPT_INJECT,
	OPT_INJECT_AFTER,
	OPT_SEND_FAX,
	OPT_RECEIVE_FAX,
	OPT_FAX_ECM,
	OPT_SCRIPT,
	OPT_CTL,
	OPT_OVERLAP,
	OPT_VIRTUAL,
	OPT_LINE_BUFFER,
	OPT_FAX_HANGUP,
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
	{ "silent", required_argument, NULL, OPT_SILENT },
	{ "alert-inband", no_argument, NULL, OPT_ALERT_INBAND },
	{ "play", required_argument, NULL, OPT_PLAY },
	{ "record", required_argument, NULL, OPT_RECORD },
	{ "hangup-after", required_argument, NULL, OPT_HANGUP_AFTER },
	{ "cause", required_argument, NULL, OPT_CAUSE },
	{ "exit-after", required_argument, NULL, OPT_EXIT_AFTER },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "t303", required_argument, NULL, OPT_T303 },
	{ "t200", required_argument, NULL, OPT_T200 },
	{ "timer", required_argument, NULL, OPT_TIMER },
	{ "inject", required_argument, NULL, OPT_INJECT },
	{ "inject-after", required_argument, NULL, OPT_INJECT_AFTER },
	{ "send-fax", required_argument, NULL, OPT_SEND_FAX },
	{ "receive-fax", required_argument, NULL, OPT_RECEIVE_FAX },
	{ "fax-ecm", required_argument, NULL, OPT_FAX_ECM },
	{ "script", required_argument, NULL, OPT_SCRIPT },
	{ "ctl", required_argument, NULL, OPT_CTL },
	{ "overlap", optional_argument, NULL, OPT_OVERLAP },
	{ "virtual", no_argument, NULL, OPT_VIRTUAL },
	{ "line-buffer", required_argument, NULL, OPT_LINE_BUFFER },
	{ "fax-hangup", required_argument, NULL, OPT_FAX_HANGUP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int bad(const char *opt, const char *val)
{
	fprintf(stderr, "pstnsim: invalid value for --%s: '%s'\n", opt, val);
	return 2;
}

int sim_parse_opts(int argc, char **argv)
{
	struct sim *sp = sim_get();
#define S (*sp)
	unsigned long v;
	int c, idx = 0;

	S.opt.calls = 1;
	S.opt.interval_ms = 1000;
	S.opt.cause = 16;
	S.opt.inject_after_ms = 500;
	S.opt.fax_ecm = true;
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
		case OPT_LINE_BUFFER:
			if (parse_uint(optarg, TDM_LOOP_MAX_PREFILL * 20, &v) ||
			    v % 20)
				return bad("line-buffer", optarg);
			S.opt.line_buffer_blocks = (unsigned)v / 20;
			break;
		case OPT_FAX_HANGUP:
			if (parse_uint(optarg, 600000, &v) || v < 100)
				return bad("fax-hangup", optarg);
			S.opt.fax_hangup_ms = (unsigned)v;
			break;
		case OPT_INJECT_AFTER:
			if (parse_uint(optarg, 86400000, &v))
				return bad("inject-after", optarg);
			S.opt.inject_after_ms = (unsigned)v;
			break;
		case OPT_ANSWER_DELAY:
			S.opt.answer_delay_set = true;
			/* fall through */
		case OPT_INTERVAL:
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
		case OPT_SILENT:
			if (!strcmp(optarg, "setup"))
				S.opt.silent = 1;
			else if (!strcmp(optarg, "proceeding"))
				S.opt.silent = 2;
			else
				return bad(name, optarg);
			break;
		case OPT_TIMER: {
			const char *eq = strchr(optarg, '=');
			unsigned n = S.opt.ntimers;

			if (!eq || eq == optarg ||
			    eq - optarg >= (long)sizeof(S.opt.timers[0].name) ||
			    n >= 8 || parse_uint(eq + 1, 600000, &v))
				return bad(name, optarg);
			memcpy(S.opt.timers[n].name, optarg,
			       (size_t)(eq - optarg));
			S.opt.timers[n].name[eq - optarg] = '\0';
			S.opt.timers[n].ms = (int)v;
			S.opt.ntimers++;
			break;
		}
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
		case OPT_ALERT_INBAND:
			S.opt.alert_inband = true;
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
		case OPT_SEND_FAX:
			S.opt.send_fax = optarg;
			break;
		case OPT_RECEIVE_FAX:
			S.opt.receive_fax = optarg;
			break;
		case OPT_FAX_ECM:
			if (!strcmp(optarg, "on"))
				S.opt.fax_ecm = true;
			else if (!strcmp(optarg, "off"))
				S.opt.fax_ecm = false;
			else
				return bad("fax-ecm", optarg);
			break;
		case OPT_SCRIPT:
			S.opt.script = optarg;
			break;
		case OPT_CTL:
			S.opt.ctl = optarg;
			break;
		case OPT_VIRTUAL:
			S.opt.virt = true;
			break;
		case OPT_OVERLAP:
			S.opt.overlap = true;
			if (optarg &&
			    (parse_uint(optarg, TDM_NUM_MAX - 1, &v) || !v))
				return bad("overlap", optarg);
			S.opt.overlap_digits = optarg ? (int)v : 0;
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
	if (S.opt.send_fax && S.opt.receive_fax) {
		fprintf(stderr,
			"pstnsim: --send-fax and --receive-fax exclude each other\n");
		return 2;
	}
	for (unsigned i = 0; i < S.nspans; i++)
		if (S.spans[i].cfg.loop_mode == TDM_LOOP_SERVER)
			S.spans[i].cfg.loop_prefill = S.opt.line_buffer_blocks;
	/* a scenario answers its calls itself, unless told otherwise */
	if (S.opt.script && !S.opt.answer_delay_set && !S.opt.reject_cause)
		S.opt.no_answer = true;
	S.opt.calls_left = S.opt.called ? S.opt.calls : 0;
	return 0;
#undef S
}
