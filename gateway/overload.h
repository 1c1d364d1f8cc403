#pragma once
/*
 * Overload control (issue 8): new calls are refused at once, before any
 * call, channel or media is set up, when taking them would hurt the
 * calls already up:
 *  - max_calls: [general] max_calls calls in progress (0: no limit);
 *  - media: the least loaded media worker has [media]
 *    max_calls_per_worker calls (0: no limit), or spends [media]
 *    max_worker_load_pct of its time in its ticks (0: not looked at);
 *  - channels (SIP side only): no span up has an idle B-channel;
 *  - signalling: datagrams wait in the SIP socket a quarter of [general]
 *    overload_queue_ms or more (the thread is behind), or the thread is
 *    busy overload_busy_pct of the time, or the kernel dropped SIP
 *    datagrams on a full socket. Then only a share of new calls is
 *    taken (admit ratio: cut by a quarter per busy sample, grown by a
 *    twentieth per calm one), so the thread keeps time for the calls up
 *    and those being set up, and goodput stays near capacity instead of
 *    collapsing under retransmissions. And a new INVITE that waited in
 *    the UDP socket longer than [general] overload_queue_ms (the kernel's
 *    arrival stamp) is refused at once: the thread is behind, and the
 *    caller's retransmission is already on its way.
 * A refused INVITE gets a stateless 503 with Retry-After (the stack's
 * invite_admit hook: no dialog, transaction or call object), a refused
 * PRI SETUP cause 34 (capacity) or 42 (signalling congestion). No timer
 * is in that path. Entering and leaving overload is logged once each;
 * refusals are counted by reason.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gw;
struct gw_mbuf;
struct sip_msg;
struct tdm_call;

enum gw_ovl_reason {
	GW_OVL_NONE,
	GW_OVL_MAX_CALLS,
	GW_OVL_MEDIA,
	GW_OVL_CHANNELS,
	GW_OVL_SIGNALLING,
	GW_OVL__COUNT
};

/* Sampling period of the signalling load, and how long a reason stays
 * "active" after its last refusal (hysteresis in time: one log line per
 * episode, not one per call). */
#define GW_OVL_SAMPLE_MS 100
#define GW_OVL_HOLD_MS 1000

/* What the admission decision looks at (filled by the caller). */
struct gw_ovl_in {
	unsigned ncalls, max_calls;	   /* max_calls 0: no limit */
	unsigned worker_calls, per_worker; /* per_worker 0: no limit */
	unsigned worker_load, load_limit;  /* thousandths; limit 0: none */
	bool check_channels;		   /* SIP side: a B-channel needed */
	unsigned spans_up, idle_chans;
	/* how long the request waited in its socket; limit 0: no check */
	unsigned queued_ms, queue_limit_ms;
};

/* Owned by struct gw; zero is "no overload, nothing counted". */
struct gw_ovl {
	unsigned shed_milli; /* share of new calls refused, 0: none */
	unsigned credit;     /* admission credit, in thousandths */
	unsigned busy_pct;   /* last sample's signalling load */
	unsigned queue_ms;   /* last sample's longest socket wait */
	uint64_t last_busy_us, last_sample_ms;
	bool sampled;
	bool active[GW_OVL__COUNT];
	uint64_t since_ms[GW_OVL__COUNT], last_ms[GW_OVL__COUNT];
	uint64_t episode_refused[GW_OVL__COUNT];
	uint64_t refused[GW_OVL__COUNT]; /* since start, by reason */
	uint64_t refused_sip, refused_pstn;
	uint64_t episodes;
	struct gw_timer *timer; /* the sampling timer (gw_overload_start) */
};

const char *gw_ovl_reason_name(enum gw_ovl_reason r);

void gw_ovl_init(struct gw_ovl *o);
/* The decision for one new call: GW_OVL_NONE takes it. Consumes
 * admission credit while some share is shed. */
enum gw_ovl_reason gw_ovl_decide(struct gw_ovl *o, const struct gw_ovl_in *in);
/* One load sample at now_ms: the loop's busy time so far and the longest
 * socket wait of a datagram since the last sample. Congested: busy at
 * limit_pct or more (0: not looked at), or a wait of queue_target_ms or
 * more (0: not looked at); calm: below four fifths of the one and half
 * of the other. Returns the new admit ratio (1000: all). */
unsigned gw_ovl_sample(struct gw_ovl *o, uint64_t now_ms, uint64_t busy_us,
		       unsigned limit_pct, unsigned queue_ms,
		       unsigned queue_target_ms);
/* Notes a refusal (true: a new episode began for r: log it). */
bool gw_ovl_refused(struct gw_ovl *o, enum gw_ovl_reason r, uint64_t now_ms);
/* Ends the episodes quiet for GW_OVL_HOLD_MS (and signalling's once the
 * ratio is back to all); returns a bit per reason that ended. */
unsigned gw_ovl_expire(struct gw_ovl *o, uint64_t now_ms);
bool gw_ovl_any(const struct gw_ovl *o);

/* ---- the daemon's side (struct gw) ------------------------------------ */

/* Starts the sampling timer on gw->loop; 0 or errno. */
int gw_overload_start(struct gw *gw);
void gw_overload_stop(struct gw *gw);
/* sip_hooks.invite_admit: 0, or 503 with a Retry-After line in hdrs. */
unsigned gw_overload_admit_sip(struct gw *gw, char *hdrs, size_t size);
/* A new PRI SETUP: refused here (cause 34 or 42), true if it was. */
bool gw_overload_refuse_pstn(struct gw *gw, struct tdm_call *tcall);
/* metrics.c: pstngw_overload, pstngw_overload_refused_total{reason} */
void gw_overload_metrics(const struct gw *gw, struct gw_mbuf *b);
