/*
 * The control commands of operations (issue 7): reload, SIP and Q.931
 * tracing, captures, test calls. ctl_cmd.c's table names them; kept here
 * so the command file stays one concern per file.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "gateway/capture.h"
#include "gateway/ctl.h"
#include "gateway/drain.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/originate.h"
#include "gateway/reload.h"

const char *gw_cmd_reload(struct gw *gw, char **args, int nargs,
			  struct gw_ctl_out *out)
{
	struct gw_reload_res r = { 0 };
	int err;

	(void)args;
	(void)nargs;
	if (!gw->cfg_path)
		return "this gateway was started without a configuration file";
	err = gw_reload(gw, &r);
	if (r.text)
		gw_ctl_printf(out, "%s", r.text);
	gw_reload_res_release(&r);
	if (err == EINVAL)
		return "the configuration has errors; the running one is "
		       "unchanged";
	if (err)
		return "the configuration could not be read; the running one "
		       "is unchanged";
	return NULL;
}

/* "on" or "off"; -1 otherwise */
static int on_off(const char *w)
{
	return !strcmp(w, "on") ? 1 : !strcmp(w, "off") ? 0 : -1;
}

const char *gw_cmd_trace_sip(struct gw *gw, char **args, int nargs,
			     struct gw_ctl_out *out)
{
	int on = on_off(args[0]);

	(void)nargs;
	(void)out;
	if (on < 0)
		return "say on or off";
	if (!gw->capture)
		return "tracing is not available before the gateway runs";
	gw_capture_trace_sip(gw, on);
	GW_NOTICE(CTL, "SIP tracing %s", on ? "on" : "off");
	return NULL;
}

const char *gw_cmd_trace_q931(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out)
{
	int on = on_off(args[0]);
	unsigned id = 0;

	(void)out;
	if (on < 0)
		return "say on or off";
	if (nargs > 1 && (!gw_ctl_parse_uint(args[1], 1, UINT_MAX, &id) ||
			  !gw_ctl_span_exists(gw, id)))
		return "no such span";
	if (!gw->nspans)
		return "no spans configured";
	for (size_t i = 0; i < gw->nspans; i++)
		if (!id || tdm_span_id(gw->spans[i].span) == id)
			tdm_span_set_trace(gw->spans[i].span, on);
	if (id)
		GW_NOTICE(CTL, "Q.931 tracing %s on span %u", on ? "on" : "off",
			  id);
	else
		GW_NOTICE(CTL, "Q.931 tracing %s on every span",
			  on ? "on" : "off");
	return NULL;
}

static const char *capture_set(struct gw *gw, const char *what, const char *arg)
{
	bool sip = !strcmp(what, "sip");
	const char *path = strcmp(arg, "off") ? arg : "";
	int err;

	if (!gw->capture)
		return "captures are not available before the gateway runs";
	if (path[0] && path[0] != '/')
		return "give the capture file as an absolute path";
	err = sip ? gw_capture_set_sip(gw, path)
		  : gw_capture_set_dchan(gw, path);
	switch (err) {
	case 0:
		return NULL;
	case EINVAL:
		return "that file exists and is not a capture of this kind";
	case EACCES:
	case EPERM:
		return "the gateway may not write that file";
	case ENOENT:
		return "that directory does not exist";
	default:
		return "the capture file cannot be opened";
	}
}

const char *gw_cmd_capture_sip(struct gw *gw, char **args, int nargs,
			       struct gw_ctl_out *out)
{
	(void)nargs;
	(void)out;
	return capture_set(gw, "sip", args[0]);
}

const char *gw_cmd_capture_dchan(struct gw *gw, char **args, int nargs,
				 struct gw_ctl_out *out)
{
	(void)nargs;
	(void)out;
	return capture_set(gw, "dchan", args[0]);
}

const char *gw_cmd_show_captures(struct gw *gw, char **args, int nargs,
				 struct gw_ctl_out *out)
{
	(void)args;
	(void)nargs;
	gw_capture_show(gw, out);
	gw_ctl_printf(out, "trace sip: %s\n",
		      gw_capture_tracing_sip(gw) ? "on" : "off");
	return NULL;
}

/* Takes "--force" out of args (anywhere: operators add it last as often
 * as first); the count of the words left. */
static int take_force(char **args, int nargs, char **left, bool *force)
{
	int n = 0;

	*force = false;
	for (int i = 0; i < nargs; i++) {
		if (!strcmp(args[i], "--force"))
			*force = true;
		else
			left[n++] = args[i];
	}
	return n;
}

/* originate [--force] span N|trunk NAME TO [[from=]NUMBER] [secs=S]
 * [tone=HZ] */
const char *gw_cmd_originate(struct gw *gw, char **all, int nall,
			     struct gw_ctl_out *out)
{
	unsigned span = 0, secs = 10, tone = GW_ORIG_TONE_HZ, id = 0;
	const char *from = NULL;
	char *args[GW_CTL_ORIG_MAX_ARGS];
	bool force = false;
	int nargs = nall <= GW_CTL_ORIG_MAX_ARGS
			    ? take_force(all, nall, args, &force)
			    : -1;
	int err;

	if (nargs < 3 || nargs > GW_CTL_ORIG_MAX_ARGS - 1) {
		gw_ctl_printf(out, "usage: %s\n", GW_CTL_ORIG_USAGE);
		return "wrong number of arguments";
	}
	bool trunk = !strcmp(args[0], "trunk");

	if (!trunk && strcmp(args[0], "span"))
		return "say where: originate span N TO or originate trunk NAME TO";
	if (trunk && !cfg_trunk_find(&gw->cfg, args[1]))
		return "no such trunk";
	if (!trunk && (!gw_ctl_parse_uint(args[1], 1, UINT_MAX, &span) ||
		       !gw_ctl_span_exists(gw, span)))
		return "no such span";
	for (int i = 3; i < nargs; i++) {
		if (i == 3 && !strchr(args[i], '=')) /* originate ... TO FROM */
			from = args[i];
		else if (!strncmp(args[i], "from=", 5))
			from = args[i] + 5;
		else if (!strncmp(args[i], "secs=", 5)) {
			if (!gw_ctl_parse_uint(args[i] + 5, 1, GW_ORIG_MAX_SECS,
					       &secs))
				return "secs must be from 1 to 3600";
		} else if (!strncmp(args[i], "tone=", 5)) {
			if (!gw_ctl_parse_uint(args[i] + 5, 0, 4000, &tone))
				return "tone must be from 0 to 4000 Hz";
		} else
			return "unknown option (from=, secs= or tone=)";
	}
	/* a draining box is being emptied for maintenance: a test call
	 * there is a mistake unless the operator says it is not (a forced
	 * one is not counted as a call in progress by drain) */
	if (gw_drain_active(gw) && !force) {
		GW_NOTICE(CTL,
			  "originate to %s on %s %s refused: %s (no --force)",
			  args[2], args[0], args[1],
			  gw_drain_state_name(gw->drain.state));
		return GW_CTL_ERR_DRAINING
			": test calls are refused (originate --force places "
			"one anyway)";
	}
	err = trunk ? gw_originate_trunk(gw, args[1], args[2], from, secs, tone,
					 &id)
		    : gw_originate_span(gw, span, args[2], from, secs, tone,
					&id);
	switch (err) {
	case 0:
		gw_ctl_printf(out,
			      "originate %u: calling %s on %s %s, tone %u Hz "
			      "for %u s once answered%s\n",
			      id, args[2], args[0], args[1], tone, secs,
			      gw_drain_active(gw) ? " (forced while draining)"
						  : "");
		return NULL;
	case EAGAIN:
		return "no RTP port is free";
	case EIO:
		return "the INVITE could not be sent";
	case EINVAL:
		return "numbers are digits, * and # (at most 31)";
	case ENOTCONN:
		return "that span is not up";
	case EBUSY:
		return "no B-channel is free on that span";
	case ESHUTDOWN:
		return "the gateway is shutting down";
	default:
		return "the span could not place the call";
	}
}
