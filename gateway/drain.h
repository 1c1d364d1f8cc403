#pragma once
/*
 * Scale-out (issue 9): drain mode and the health answer to OPTIONS.
 *
 * Draining stops new calls from both sides while calls in progress go on
 * untouched (re-INVITEs, session refreshes, T.38 switch-overs, BYE): new
 * INVITEs and out-of-dialog OPTIONS get 503 with Retry-After, new PRI
 * SETUPs are refused with [general] drain_cause, or with drain_mode =
 * busyout the idle B-channels also go out of service (SERVICE messages,
 * through route_gw.c's busy-out). A daemon starts undrained; a reload
 * keeps the state; only `pstngw-ctl undrain` (or a restart) ends it.
 *
 * Health: an out-of-dialog OPTIONS is answered 200 only when the gateway
 * can place a call to the PSTN: some span up (D-channel) with an idle,
 * in-service B-channel. A load balancer's probe then sees the truth.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gw;
struct gw_span;
struct gw_ctl_out;
struct sip_call;
struct sip_msg;
struct tdm_call;

enum gw_drain_state {
	GW_DRAIN_OFF,	   /* taking calls */
	GW_DRAIN_DRAINING, /* refusing new calls, some still up */
	GW_DRAIN_DRAINED,  /* refusing new calls, none up */
	GW_DRAIN__COUNT
};

enum gw_drain_event {
	GW_DRAIN_EV_DRAIN,     /* pstngw-ctl drain */
	GW_DRAIN_EV_UNDRAIN,   /* pstngw-ctl undrain */
	GW_DRAIN_EV_CALL_GONE, /* a call object was freed */
	GW_DRAIN_EV__COUNT
};

/* [general] drain_mode */
enum gw_drain_mode { GW_DRAIN_REFUSE, GW_DRAIN_BUSYOUT };

/* What an OPTIONS probe is told, and why. */
enum gw_health {
	GW_HEALTH_OK,	      /* 200 */
	GW_HEALTH_DRAINING,   /* 503: pstngw-ctl drain */
	GW_HEALTH_NO_SPAN,    /* 503: no span has its D-channel up */
	GW_HEALTH_NO_CHANNEL, /* 503: spans up, no idle B-channel */
	GW_HEALTH__COUNT
};

/* Owned by struct gw; zero is "taking calls, nothing counted". */
struct gw_drain {
	enum gw_drain_state state;
	uint64_t since_ms; /* loop time of the last drain or undrain */
	uint64_t drains;   /* times drain started */
	uint64_t refused_sip, refused_pstn; /* new calls refused draining */
	uint64_t options[GW_HEALTH__COUNT]; /* OPTIONS answered, by health */
	enum gw_health last_health;	    /* of the last probe (logged on
					       change) */
};

const char *gw_drain_state_name(enum gw_drain_state s);
const char *gw_health_name(enum gw_health h);

/* The table: the state after ev in s with ncalls calls up. */
enum gw_drain_state gw_drain_next(enum gw_drain_state s, enum gw_drain_event ev,
				  unsigned ncalls);
/* Applies an event to gw (logs each change). */
void gw_drain_event(struct gw *gw, enum gw_drain_event ev);
bool gw_drain_active(const struct gw *gw);

/* A new call while draining: refused here (503 with Retry-After, or the
 * drain cause), counted; true if it was. */
bool gw_drain_refuse_sip(struct gw *gw, struct sip_call *scall);
bool gw_drain_refuse_pstn(struct gw *gw, struct tdm_call *tcall);
/* route_gw.c: whether drain wants span s's idle B-channels out of
 * service (drain_mode busyout). */
bool gw_drain_busy_out(const struct gw *gw, const struct gw_span *s);

/* The decision from its inputs (unit-tested apart from the spans). */
enum gw_health gw_health_decide(bool draining, bool check, unsigned spans_up,
				unsigned idle_chans);
/* The decision for gw now; spans_up/idle_chans may be NULL. */
enum gw_health gw_health_now(const struct gw *gw, unsigned *spans_up,
			     unsigned *idle_chans);
/* Whether some span up has an idle B-channel (the scan stops at the
 * first); *spans_up as above. For each new call (overload.c). */
bool gw_health_idle_chan(const struct gw *gw, unsigned *spans_up);
/* sip_hooks.options: the status and a Retry-After line; counted. */
unsigned gw_health_options(struct gw *gw, char *hdrs, size_t size);

/* Control commands (ctl_cmd.c's table): NULL ok, else the error. */
const char *gw_cmd_drain(struct gw *gw, char **args, int nargs,
			 struct gw_ctl_out *out);
const char *gw_cmd_undrain(struct gw *gw, char **args, int nargs,
			   struct gw_ctl_out *out);
const char *gw_cmd_show_drain(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out);
/* metrics.c: pstngw_draining and the drain/health counters. */
struct gw_mbuf;
void gw_drain_metrics(const struct gw *gw, struct gw_mbuf *b);
