/*
 * ctl_cmd.c: the control commands. A line is split into words and looked
 * up in one table; each command appends its lines and says ok or why
 * not. Nothing here touches a socket, so the unit tests drive it with a
 * bare struct gw.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/ctl.h"
#include "gateway/gw.h"
#include "gateway/log.h"

#ifndef PSTNGW_VERSION
#define PSTNGW_VERSION "0.1.0"
#endif

#define MAX_WORDS 8

void gw_ctl_printf(struct gw_ctl_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->overflow)
		return;
	for (;;) {
		size_t room = o->cap - o->len;
		int n;

		va_start(ap, fmt);
		n = vsnprintf(o->buf ? o->buf + o->len : NULL,
			      o->buf ? room : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (o->buf && (size_t)n < room) {
			o->len += (size_t)n;
			return;
		}
		size_t want = o->len + (size_t)n + 1,
		       cap = o->cap ? o->cap : 1024;

		while (cap < want)
			cap *= 2;
		char *nb = want <= GW_CTL_OUT_MAX ? realloc(o->buf, cap) : NULL;

		if (!nb) {
			o->overflow = true;
			return;
		}
		o->buf = nb;
		o->cap = cap;
	}
}

void gw_ctl_out_release(struct gw_ctl_out *o)
{
	free(o->buf);
	*o = (struct gw_ctl_out){ 0 };
}

struct cmd {
	const char *w1, *w2;	/* w2 NULL: one-word command */
	int min_args, max_args; /* after the command words */
	const char *usage;
	/* NULL: ok; else the error sentence */
	const char *(*fn)(struct gw *gw, char **args, int nargs,
			  struct gw_ctl_out *out);
};

/* Parses an unsigned decimal in [lo, hi]; false if it is not one. */
static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *v)
{
	char *end;
	unsigned long n;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n < lo || n > hi)
		return false;
	*v = (unsigned)n;
	return true;
}

static const struct gw_span *span_find(const struct gw *gw, unsigned id)
{
	for (size_t i = 0; i < gw->nspans; i++)
		if (tdm_span_id(gw->spans[i].span) == id)
			return &gw->spans[i];
	return NULL;
}

static void alarm_names(unsigned mask, char *buf, size_t size)
{
	static const enum tdm_alarm all[] = { TDM_ALARM_RED, TDM_ALARM_YELLOW,
					      TDM_ALARM_BLUE };
	size_t len = 0;

	buf[0] = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (mask & (unsigned)all[i]) {
			int n = snprintf(buf + len, size - len, "%s%s",
					 len ? "," : "",
					 tdm_alarm_name(all[i]));
			if (n < 0 || (size_t)n >= size - len)
				break;
			len += (size_t)n;
		}
	if (!len)
		snprintf(buf, size, "none");
}

static const char *cmd_show_spans(struct gw *gw, char **args, int nargs,
				  struct gw_ctl_out *out)
{
	/* red and blue leave no usable line, even while connected */
	const unsigned bad_l1 = TDM_ALARM_RED | TDM_ALARM_BLUE;

	(void)args;
	(void)nargs;
	if (!gw->nspans)
		gw_ctl_printf(out, "no spans configured\n");
	for (size_t i = 0; i < gw->nspans; i++) {
		const struct gw_span *s = &gw->spans[i];
		const struct tdm_stats *st = tdm_span_stats(s->span);
		enum tdm_span_state ss = tdm_span_state(s->span);
		char alarms[32];

		unsigned al = tdm_span_alarms(s->span);

		alarm_names(al, alarms, sizeof(alarms));
		gw_ctl_printf(
			out,
			"span %u: %s %s %s group %s state %s layer1 %s "
			"alarms %s layer2 %s\n",
			tdm_span_id(s->span),
			tdm_span_type_name(tdm_span_type(s->span)),
			s->cfg->switchtype, cfg_span_role_name(s->cfg->role),
			s->cfg->group, tdm_span_state_name(ss),
			ss == TDM_SPAN_DOWN || (al & bad_l1) ? "down" : "up",
			alarms, ss == TDM_SPAN_UP ? "up" : "down");
		gw_ctl_printf(
			out,
			"  calls_in %llu calls_out %llu calls_failed %llu "
			"rx_frames %llu tx_frames %llu rx_bad %llu "
			"l2_ups %llu l2_downs %llu restarts_rx %llu "
			"restarts_tx %llu service_rx %llu service_tx %llu "
			"pri_errors %llu\n",
			(unsigned long long)st->calls_in,
			(unsigned long long)st->calls_out,
			(unsigned long long)st->calls_failed,
			(unsigned long long)st->rx_frames,
			(unsigned long long)st->tx_frames,
			(unsigned long long)st->rx_bad,
			(unsigned long long)st->l2_ups,
			(unsigned long long)st->l2_downs,
			(unsigned long long)st->restarts_rx,
			(unsigned long long)st->restarts_tx,
			(unsigned long long)st->service_rx,
			(unsigned long long)st->service_tx,
			(unsigned long long)st->pri_errors);
		/* waits: blocks that waited for the media workers; late: sent
		 * at the deadline without every answer (tdm/audio.c) */
		gw_ctl_printf(
			out,
			"  audio rx_blocks %llu tx_blocks %llu waits %llu "
			"late %llu\n",
			(unsigned long long)st->rx_blocks,
			(unsigned long long)st->tx_blocks,
			(unsigned long long)st->audio_waits,
			(unsigned long long)st->audio_late);
	}
	return NULL;
}

static const char *chan_state_word(int st)
{
	switch (st) {
	case TDM_CHAN_IDLE:
		return "idle";
	case TDM_CHAN_IN_USE:
		return "in-use";
	case TDM_CHAN_BLOCKED:
		return "blocked";
	case TDM_CHAN_MAINT:
		return "maintenance";
	default:
		return "unknown";
	}
}

static const char *cmd_show_channels(struct gw *gw, char **args, int nargs,
				     struct gw_ctl_out *out)
{
	unsigned only = 0;

	if (nargs &&
	    (!parse_uint(args[0], 1, UINT_MAX, &only) || !span_find(gw, only)))
		return "no such span";
	if (!gw->nspans)
		gw_ctl_printf(out, "no spans configured\n");
	for (size_t i = 0; i < gw->nspans; i++) {
		const struct tdm_span *sp = gw->spans[i].span;

		if (only && tdm_span_id(sp) != only)
			continue;
		for (int k = 0; k < tdm_span_bchans(sp); k++) {
			int ts = tdm_span_bchan_ts(sp, k);

			gw_ctl_printf(
				out, "span %u chan %d: %s\n", tdm_span_id(sp),
				ts,
				chan_state_word(tdm_span_chan_state(sp, ts)));
		}
	}
	return NULL;
}

static const char *const tp_names[] = { "udp", "tcp", "tls" };

static const char *reg_word(const struct gw *gw, size_t i)
{
	if (!gw->cfg.trunks[i].reg)
		return "none";
	if (!gw->regs[i])
		return "not-started";
	return sip_reg_state_name(sip_reg_state(gw->regs[i]));
}

static const char *cmd_show_trunks(struct gw *gw, char **args, int nargs,
				   struct gw_ctl_out *out)
{
	(void)args;
	(void)nargs;
	if (!gw->cfg.ntrunks)
		gw_ctl_printf(out, "no trunks configured\n");
	for (size_t i = 0; i < gw->cfg.ntrunks; i++) {
		const struct cfg_trunk *t = &gw->cfg.trunks[i];
		struct gw_trunk_counts n = { 0 };
		enum gw_trunk_state st = gw_trunk_state(gw, i, &n);
		int tp = t->transport;

		gw_ctl_printf(out,
			      "trunk %s: address %s transport %s keepalive %s "
			      "state %s options_sent %llu answered %llu "
			      "failed %llu registration %s\n",
			      t->name, t->addr,
			      tp >= 0 && tp < 3 ? tp_names[tp] : "?",
			      t->keepalive_s ? "on" : "off",
			      gw_trunk_state_name(st),
			      (unsigned long long)n.sent,
			      (unsigned long long)n.answered,
			      (unsigned long long)n.failed, reg_word(gw, i));
	}
	return NULL;
}

static const char *cmd_show_regs(struct gw *gw, char **args, int nargs,
				 struct gw_ctl_out *out)
{
	unsigned shown = 0;

	(void)args;
	(void)nargs;
	for (size_t i = 0; i < gw->cfg.ntrunks; i++) {
		const struct cfg_trunk *t = &gw->cfg.trunks[i];

		if (!t->reg)
			continue;
		shown++;
		gw_ctl_printf(out,
			      "trunk %s: registrar %s user %s state %s "
			      "expires %u\n",
			      t->name, t->registrar[0] ? t->registrar : t->addr,
			      t->user[0] ? t->user : "-", reg_word(gw, i),
			      gw->regs[i] ? sip_reg_expires(gw->regs[i]) : 0);
	}
	if (!shown)
		gw_ctl_printf(out, "no registrations configured\n");
	return NULL;
}

static const char *cmd_show_fax(struct gw *gw, char **args, int nargs,
				struct gw_ctl_out *out)
{
	(void)args;
	(void)nargs;
	gw_ctl_show_fax(gw, out);
	return NULL;
}

static const char *cmd_show_calls(struct gw *gw, char **args, int nargs,
				  struct gw_ctl_out *out)
{
	(void)args;
	(void)nargs;
	gw_ctl_show_calls(gw, out);
	return NULL;
}

static const char *cmd_show_rtp(struct gw *gw, char **args, int nargs,
				struct gw_ctl_out *out)
{
	(void)args;
	(void)nargs;
	gw_ctl_show_rtp(gw, out);
	return NULL;
}

static const char *cmd_hangup(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out)
{
	unsigned cause = 16; /* normal call clearing */

	if (nargs > 1 && !parse_uint(args[1], 1, 127, &cause))
		return "the cause must be a Q.850 cause number from 1 to 127";
	switch (gw_ctl_hangup(gw, args[0], (int)cause)) {
	case 0:
		gw_ctl_printf(out, "call %s: hanging up with cause %u\n",
			      args[0], cause);
		return NULL;
	case EALREADY:
		return "that call is already being released";
	default:
		return "no such call";
	}
}

static const char *cmd_debug(struct gw *gw, char **args, int nargs,
			     struct gw_ctl_out *out)
{
	int level = gw_log_level_lookup(args[1]);
	int mod = strcmp(args[0], "all") ? gw_log_mod_lookup(args[0]) : -2;

	(void)gw;
	(void)nargs;
	if (mod == -1) {
		gw_ctl_printf(out, "modules: all");
		for (int m = 0; m < GW_LOG_MOD_COUNT; m++)
			gw_ctl_printf(out, " %s",
				      gw_log_mod_name((enum gw_log_mod)m));
		gw_ctl_printf(out, "\n");
		return "unknown log module";
	}
	if (level < 0)
		return "unknown level (err, warning, notice, info or debug)";
	if (mod == -2)
		gw_log_set_level_all(level);
	else
		gw_log_set_level((enum gw_log_mod)mod, level);
	GW_NOTICE(CTL, "log level of %s set to %s", args[0],
		  gw_log_level_name(level));
	return NULL;
}

static const char *block(struct gw *gw, char **args, bool on)
{
	unsigned id, ts;
	const struct gw_span *s;

	if (!parse_uint(args[0], 1, UINT_MAX, &id) || !(s = span_find(gw, id)))
		return "no such span";
	if (!parse_uint(args[1], 1, TDM_MAX_TIMESLOT, &ts) ||
	    tdm_span_chan_state(s->span, (int)ts) < 0)
		return "no such B-channel on that span";
	switch (tdm_span_chan_block(s->span, (int)ts, on)) {
	case 0:
		break;
	case EBUSY:
		return "the channel carries a call; hang it up first";
	default:
		return "the span refused the change";
	}
	GW_NOTICE(CTL, "span %u chan %u %s", id, ts,
		  on ? "blocked" : "unblocked");
	gw_trunks_changed(gw);
	return NULL;
}

static const char *cmd_block(struct gw *gw, char **args, int nargs,
			     struct gw_ctl_out *out)
{
	(void)nargs;
	(void)out;
	return block(gw, args, true);
}

static const char *cmd_unblock(struct gw *gw, char **args, int nargs,
			       struct gw_ctl_out *out)
{
	if (nargs == 1) { /* a source IP the access table blocked */
		char text[160];
		int err = gw_access_ctl(gw, "unblock", args[0], text,
					sizeof(text));

		if (err)
			return err == ENOENT ? "that address is not blocked"
					     : "not an IP address";
		gw_ctl_printf(out, "%s", text);
		return NULL;
	}
	return block(gw, args, false);
}

static const char *cmd_show_blocked(struct gw *gw, char **args, int nargs,
				    struct gw_ctl_out *out)
{
	static char text[16384]; /* the signalling thread only */

	(void)args;
	(void)nargs;
	if (gw_access_ctl(gw, "show", NULL, text, sizeof(text)))
		return "the access table is off";
	gw_ctl_printf(out, "%s", text);
	return NULL;
}

static const char *cmd_version(struct gw *gw, char **args, int nargs,
			       struct gw_ctl_out *out)
{
	(void)gw;
	(void)args;
	(void)nargs;
	gw_ctl_printf(out, "pstngw %s\n", PSTNGW_VERSION);
	return NULL;
}

/* parse_uint and span_find for the operations commands (ctl_ops.c) */
bool gw_ctl_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *v)
{
	return parse_uint(s, lo, hi, v);
}

bool gw_ctl_span_exists(const struct gw *gw, unsigned id)
{
	return span_find(gw, id) != NULL;
}

static const char *cmd_help(struct gw *gw, char **args, int nargs,
			    struct gw_ctl_out *out);

static const struct cmd cmds[] = {
	{ "show", "spans", 0, 0, "show spans", cmd_show_spans },
	{ "show", "channels", 0, 1, "show channels [SPAN]", cmd_show_channels },
	{ "show", "calls", 0, 0, "show calls", cmd_show_calls },
	{ "show", "rtp", 0, 0, "show rtp", cmd_show_rtp },
	{ "show", "fax", 0, 0, "show fax", cmd_show_fax },
	{ "show", "trunks", 0, 0, "show trunks", cmd_show_trunks },
	{ "show", "registrations", 0, 0, "show registrations", cmd_show_regs },
	{ "hangup", NULL, 1, 2, "hangup CALL [CAUSE]", cmd_hangup },
	{ "debug", NULL, 2, 2, "debug MODULE|all LEVEL", cmd_debug },
	{ "block", NULL, 2, 2, "block SPAN CHAN", cmd_block },
	{ "unblock", NULL, 1, 2, "unblock SPAN CHAN | unblock IP",
	  cmd_unblock },
	{ "show", "blocked", 0, 0, "show blocked", cmd_show_blocked },
	{ "reload", NULL, 0, 0, "reload", gw_cmd_reload },
	{ "trace", "sip", 1, 1, "trace sip on|off", gw_cmd_trace_sip },
	{ "trace", "q931", 1, 2, "trace q931 on|off [SPAN]",
	  gw_cmd_trace_q931 },
	{ "capture", "sip", 1, 1, "capture sip FILE|off", gw_cmd_capture_sip },
	{ "capture", "dchan", 1, 1, "capture dchan FILE|off",
	  gw_cmd_capture_dchan },
	{ "show", "captures", 0, 0, "show captures", gw_cmd_show_captures },
	{ "originate", NULL, 3, GW_CTL_ORIG_MAX_ARGS, GW_CTL_ORIG_USAGE,
	  gw_cmd_originate },
	{ "version", NULL, 0, 0, "version", cmd_version },
	{ "route", "test", 2, 3,
	  "route test FROM TO [pstn|sip|group:NAME|trunk:NAME] (FROM - for none)",
	  gw_ctl_route_test },
	/* scale-out (drain.c); extra words get drain's own error */
	{ "drain", NULL, 0, 2, "drain", gw_cmd_drain },
	{ "undrain", NULL, 0, 1, "undrain", gw_cmd_undrain },
	{ "show", "drain", 0, 0, "show drain", gw_cmd_show_drain },
	{ "help", NULL, 0, 0, "help", cmd_help },
};
#define NCMDS (sizeof(cmds) / sizeof(cmds[0]))

static const char *cmd_help(struct gw *gw, char **args, int nargs,
			    struct gw_ctl_out *out)
{
	(void)gw;
	(void)args;
	(void)nargs;
	for (size_t i = 0; i < NCMDS; i++)
		gw_ctl_printf(out, "%s\n", cmds[i].usage);
	return NULL;
}

/* Text is printable ASCII, spaces and tabs; anything else is refused
 * before it is split (binary garbage gets one clear error). */
static bool is_text(const char *s)
{
	for (; *s; s++)
		if ((*s < 0x20 && *s != '\t') || *s == 0x7f || *s & 0x80)
			return false;
	return true;
}

bool gw_ctl_exec(struct gw *gw, const char *line, struct gw_ctl_out *out)
{
	char copy[GW_CTL_LINE_MAX], *words[MAX_WORDS + 1], *save = NULL;
	const char *err = NULL;
	size_t start = out->len;
	int n = 0;

	if (strlen(line) >= sizeof(copy))
		err = "command line too long";
	else if (!is_text(line))
		err = "the command contains bytes that are not text";
	if (err)
		goto done;
	snprintf(copy, sizeof(copy), "%s", line);
	for (char *w = strtok_r(copy, " \t", &save); w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (n == MAX_WORDS + 1) {
			err = "too many words in the command";
			goto done;
		}
		words[n++] = w;
	}
	if (!n) {
		err = "empty command (try help)";
		goto done;
	}
	const struct cmd *c = NULL;
	bool first_known = false;

	for (size_t i = 0; i < NCMDS && !c; i++) {
		if (strcmp(cmds[i].w1, words[0]))
			continue;
		first_known = true;
		if (!cmds[i].w2 || (n > 1 && !strcmp(cmds[i].w2, words[1])))
			c = &cmds[i];
	}
	if (!c) {
		err = !first_known ? "unknown command (try help)"
		      : !strcmp(words[0], "show")
			      ? "unknown thing to show (spans, channels, "
				"calls, trunks, registrations, captures or blocked)"
		      : !strcmp(words[0], "trace")
			      ? "unknown thing to trace (sip or q931)"
		      : !strcmp(words[0], "capture")
			      ? "unknown thing to capture (sip or dchan)"
			      : "unknown subcommand (try help)";
		goto done;
	}
	int skip = c->w2 ? 2 : 1, nargs = n - skip;

	if (nargs < c->min_args || nargs > c->max_args) {
		gw_ctl_printf(out, "usage: %s\n", c->usage);
		err = "wrong number of arguments";
		goto done;
	}
	err = c->fn(gw, words + skip, nargs, out);
done:
	if (out->overflow) {
		/* keep the final line: drop the partial body for it */
		out->overflow = false;
		out->len = start;
		err = "the reply is too large";
	}
	if (err)
		gw_ctl_printf(out, "error: %s\n", err);
	else
		gw_ctl_printf(out, "ok\n");
	return !err;
}
