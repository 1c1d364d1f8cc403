#pragma once
/*
 * The control socket (ctl.c) and its commands (ctl_cmd.c, call_ctl.c).
 *
 * Protocol: one command a line (at most GW_CTL_LINE_MAX - 1 bytes, text
 * only); the reply is zero or more lines, then a final "ok" or
 * "error: <sentence>" line. Everything runs on the signalling thread's
 * loop; a client never blocks it.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct gw;

#define GW_CTL_LINE_MAX 512	    /* a command line, with its newline */
#define GW_CTL_MAX_CONNS 8	    /* at once; more are told and closed */
#define GW_CTL_OUT_MAX (256 * 1024) /* unsent reply bytes before a drop */
#define GW_CTL_IDLE_MS 30000	    /* silent client or unread replies */
#define GW_CTL_READS_PER_TURN 4	    /* then the loop serves others */

/* A reply being built; grows up to GW_CTL_OUT_MAX, then marks overflow. */
struct gw_ctl_out {
	char *buf;
	size_t len, cap;
	bool overflow;
};

void gw_ctl_printf(struct gw_ctl_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gw_ctl_out_release(struct gw_ctl_out *o);

/*
 * Runs one command line (without its newline) and appends the whole
 * reply, final line included. Returns true for "ok". Counts nothing
 * itself; never fails the daemon.
 */
bool gw_ctl_exec(struct gw *gw, const char *line, struct gw_ctl_out *out);

/* Opens gw->cfg.ctl_socket (empty: none). A socket that cannot be made
 * is logged and the daemon runs without it; returns 0 or errno. */
int gw_ctl_start(struct gw *gw);
/* Closes every connection and removes the socket file. */
void gw_ctl_stop(struct gw *gw);

/* call_ctl.c: the calls' side of the commands */
void gw_ctl_show_calls(struct gw *gw, struct gw_ctl_out *out);
/* Each call's live RTP/RTCP counters, as of the show rtp before. */
void gw_ctl_show_rtp(struct gw *gw, struct gw_ctl_out *out);
/* call_fax_res.c: calls with a fax now or before, and the fax counters */
void gw_ctl_show_fax(struct gw *gw, struct gw_ctl_out *out);
/* Hangs up the call with gateway id or SIP Call-ID 'which' with a Q.850
 * cause; 0, ENOENT if there is no such call, EALREADY if it is already
 * being released. */
int gw_ctl_hangup(struct gw *gw, const char *which, int cause);

/* route_gw.c: `route test FROM TO [SOURCE]` (NULL: ok, else the error) */
const char *gw_ctl_route_test(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out);

/* ctl_ops.c: the operations commands (reload, trace, capture, originate,
 * show captures); each appends its lines and returns NULL or the error
 * sentence, like every command of ctl_cmd.c's table. */
const char *gw_cmd_reload(struct gw *gw, char **args, int nargs,
			  struct gw_ctl_out *out);
const char *gw_cmd_trace_sip(struct gw *gw, char **args, int nargs,
			     struct gw_ctl_out *out);
const char *gw_cmd_trace_q931(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out);
const char *gw_cmd_capture_sip(struct gw *gw, char **args, int nargs,
			       struct gw_ctl_out *out);
const char *gw_cmd_capture_dchan(struct gw *gw, char **args, int nargs,
				 struct gw_ctl_out *out);
const char *gw_cmd_show_captures(struct gw *gw, char **args, int nargs,
				 struct gw_ctl_out *out);
const char *gw_cmd_originate(struct gw *gw, char **args, int nargs,
			     struct gw_ctl_out *out);
#define GW_CTL_ORIG_USAGE                                                    \
	"originate [--force] span N|trunk NAME TO [[from=]NUMBER] [secs=S] " \
	"[tone=HZ]"
#define GW_CTL_ORIG_MAX_ARGS 7 /* the words after originate */
/* The start of the error sentence of a command refused because the
 * gateway drains: pstngw-ctl exits with its own status on it. */
#define GW_CTL_ERR_DRAINING "the gateway is draining"
/* ctl_cmd.c's helpers for them */
bool gw_ctl_parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *v);
bool gw_ctl_span_exists(const struct gw *gw, unsigned id);
