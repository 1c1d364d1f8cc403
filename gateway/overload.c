/*
 * overload.c: admission of new calls under overload (overload.h). The
 * decision (gw_ovl_*) is pure and takes time as an argument, so the unit
 * test drives it on a virtual clock; the gw_overload_* functions feed it
 * from the daemon and answer the refused calls.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gateway/gw.h"
#include "gateway/interwork.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/overload.h"

static const char *const reason_names[GW_OVL__COUNT] = {
	[GW_OVL_NONE] = "none",
	[GW_OVL_MAX_CALLS] = "max_calls",
	[GW_OVL_MEDIA] = "media",
	[GW_OVL_CHANNELS] = "channels",
	[GW_OVL_SIGNALLING] = "signalling",
};

/* Admit ratio steps: multiplicative decrease while busy, additive
 * increase while calm (the classic stable pair); never below a floor,
 * so some calls still pass and the load is still measured with them. */
#define ADMIT_ALL 1000u
#define ADMIT_FLOOR 50u
#define ADMIT_STEP 50u
/* calm: below four fifths of the limit (hysteresis band above that) */
#define CALM_NUM 4u
#define CALM_DEN 5u

const char *gw_ovl_reason_name(enum gw_ovl_reason r)
{
	return (unsigned)r < GW_OVL__COUNT ? reason_names[r] : "?";
}

void gw_ovl_init(struct gw_ovl *o)
{
	memset(o, 0, sizeof(*o));
}

enum gw_ovl_reason gw_ovl_decide(struct gw_ovl *o, const struct gw_ovl_in *in)
{
	if (in->max_calls && in->ncalls >= in->max_calls)
		return GW_OVL_MAX_CALLS;
	if (in->per_worker && in->worker_calls >= in->per_worker)
		return GW_OVL_MEDIA;
	if (in->load_limit && in->worker_load >= in->load_limit)
		return GW_OVL_MEDIA;
	/* no span up is not overload: the call's own path refuses it */
	if (in->check_channels && in->spans_up && !in->idle_chans)
		return GW_OVL_CHANNELS;
	if (in->queue_limit_ms && in->queued_ms >= in->queue_limit_ms)
		return GW_OVL_SIGNALLING;
	if (!o->shed_milli)
		return GW_OVL_NONE;
	/* a share of 1 - shed_milli / 1000, spread evenly over the calls */
	o->credit += ADMIT_ALL - o->shed_milli;
	if (o->credit >= ADMIT_ALL) {
		o->credit -= ADMIT_ALL;
		return GW_OVL_NONE;
	}
	return GW_OVL_SIGNALLING;
}

unsigned gw_ovl_sample(struct gw_ovl *o, uint64_t now_ms, uint64_t busy_us,
		       unsigned limit_pct, unsigned queue_ms,
		       unsigned queue_target_ms)
{
	uint64_t prev_ms = o->last_sample_ms, prev_busy = o->last_busy_us;
	unsigned prev_queue = o->queue_ms;
	bool first = !o->sampled;

	o->sampled = true;
	o->last_sample_ms = now_ms;
	o->last_busy_us = busy_us;
	o->queue_ms = queue_ms;
	if (!limit_pct && !queue_target_ms) {
		o->shed_milli = 0;
		o->credit = 0;
		return ADMIT_ALL;
	}
	if (first || now_ms <= prev_ms || busy_us < prev_busy)
		return ADMIT_ALL - o->shed_milli;
	uint64_t dt = now_ms - prev_ms, db = busy_us - prev_busy;
	uint64_t pct = db / 10 / dt; /* us per ms of wall time, in % */

	o->busy_pct = pct > 100 ? 100 : (unsigned)pct;
	unsigned admit = ADMIT_ALL - o->shed_milli;

	bool busy = limit_pct && o->busy_pct >= limit_pct;
	bool late = queue_target_ms && queue_ms >= queue_target_ms;
	bool calm =
		(!limit_pct || o->busy_pct * CALM_DEN < limit_pct * CALM_NUM) &&
		(!queue_target_ms || queue_ms * 2 < queue_target_ms);

	/* still late but the wait fell by a quarter or more since the last
	 * sample: what was shed already drains the queue; cutting again
	 * would overshoot (and refuse calls the thread could carry) */
	if (late && !busy && queue_ms * 4 <= prev_queue * 3) {
		late = false;
		calm = false;
	}
	if (busy || late) {
		admit = admit * 3 / 4;
		if (admit < ADMIT_FLOOR)
			admit = ADMIT_FLOOR;
	} else if (calm) {
		admit += ADMIT_STEP;
		if (admit > ADMIT_ALL)
			admit = ADMIT_ALL;
	}
	o->shed_milli = ADMIT_ALL - admit;
	if (!o->shed_milli)
		o->credit = 0;
	return admit;
}

bool gw_ovl_refused(struct gw_ovl *o, enum gw_ovl_reason r, uint64_t now_ms)
{
	bool first;

	if (r <= GW_OVL_NONE || r >= GW_OVL__COUNT)
		return false;
	o->refused[r]++;
	first = !o->active[r];
	if (first) {
		o->active[r] = true;
		o->since_ms[r] = now_ms;
		o->episode_refused[r] = 0;
		o->episodes++;
	}
	o->episode_refused[r]++;
	o->last_ms[r] = now_ms;
	return first;
}

unsigned gw_ovl_expire(struct gw_ovl *o, uint64_t now_ms)
{
	unsigned ended = 0;

	for (unsigned r = GW_OVL_NONE + 1; r < GW_OVL__COUNT; r++) {
		if (!o->active[r] || now_ms - o->last_ms[r] < GW_OVL_HOLD_MS)
			continue;
		if (r == GW_OVL_SIGNALLING && o->shed_milli)
			continue;
		o->active[r] = false;
		ended |= 1u << r;
	}
	return ended;
}

bool gw_ovl_any(const struct gw_ovl *o)
{
	for (unsigned r = GW_OVL_NONE + 1; r < GW_OVL__COUNT; r++)
		if (o->active[r])
			return true;
	return false;
}

/* ---- the daemon's side -------------------------------------------- */

static uint64_t now_ms(const struct gw *gw)
{
	return gw->loop ? gw_loop_now(gw->loop) : 0;
}

static void sample_timer(void *arg)
{
	struct gw *gw = arg;
	struct gw_ovl *o = &gw->ovl;
	uint64_t now = now_ms(gw);
	unsigned before = o->shed_milli, ended, target, queued;
	uint64_t drops = gw_sipudp_take_drops();

	o->timer = NULL;
	target = gw->cfg.overload_queue_ms / 4;
	queued = (unsigned)(gw_sipudp_take_max_queued_us() / 1000);
	/* a datagram the kernel dropped waited longer than any: the thread
	 * is behind (the queue may still look short when it is small) */
	if (drops && queued < target)
		queued = target;
	gw_ovl_sample(o, now, gw_loop_busy_us(gw->loop),
		      gw->cfg.overload_busy_pct, queued, target);
	if (o->shed_milli && !before)
		GW_NOTICE(MAIN,
			  "overload: signalling: thread %u %% busy, SIP "
			  "datagrams up to %u ms in the socket: taking a "
			  "share of new calls",
			  o->busy_pct, o->queue_ms);
	ended = gw_ovl_expire(o, now);
	for (unsigned r = GW_OVL_NONE + 1; r < GW_OVL__COUNT; r++)
		if (ended & (1u << r))
			GW_NOTICE(MAIN,
				  "overload: %s: ended after %" PRIu64
				  " ms, %" PRIu64 " new call(s) refused",
				  reason_names[r], now - o->since_ms[r],
				  o->episode_refused[r]);
	o->timer = gw_timer_start(gw->loop, GW_OVL_SAMPLE_MS, sample_timer, gw);
}

int gw_overload_start(struct gw *gw)
{
	gw_ovl_init(&gw->ovl);
	gw->ovl.timer =
		gw_timer_start(gw->loop, GW_OVL_SAMPLE_MS, sample_timer, gw);
	return gw->ovl.timer ? 0 : ENOMEM;
}

void gw_overload_stop(struct gw *gw)
{
	if (gw->ovl.timer)
		gw_timer_stop(gw->loop, gw->ovl.timer);
	gw->ovl.timer = NULL;
}

static void log_start(struct gw *gw, enum gw_ovl_reason r,
		      const struct gw_ovl_in *in)
{
	switch (r) {
	case GW_OVL_MAX_CALLS:
		GW_NOTICE(MAIN,
			  "overload: max_calls: %u call(s) in progress "
			  "(limit %u): new calls refused",
			  in->ncalls, in->max_calls);
		break;
	case GW_OVL_MEDIA:
		if (in->per_worker && in->worker_calls >= in->per_worker)
			GW_NOTICE(MAIN,
				  "overload: media: every media worker has %u "
				  "call(s) (max_calls_per_worker %u): new "
				  "calls refused",
				  in->worker_calls, in->per_worker);
		else
			GW_NOTICE(MAIN,
				  "overload: media: every media worker is %u "
				  "%% busy (max_worker_load_pct %u): new calls "
				  "refused",
				  in->worker_load / 10, in->load_limit / 10);
		break;
	case GW_OVL_CHANNELS:
		GW_NOTICE(MAIN,
			  "overload: channels: no idle B-channel on %u "
			  "span(s) up: new SIP calls refused",
			  in->spans_up);
		break;
	default:
		GW_NOTICE(MAIN,
			  "overload: signalling: thread %u %% busy, INVITE "
			  "%u ms in the socket (limit %u): taking %u of 1000 "
			  "new calls",
			  gw->ovl.busy_pct, in->queued_ms, in->queue_limit_ms,
			  ADMIT_ALL - gw->ovl.shed_milli);
		break;
	}
}

/* The inputs now; channels only for calls to the PSTN. */
static enum gw_ovl_reason decide(struct gw *gw, bool sip, struct gw_ovl_in *in)
{
	*in = (struct gw_ovl_in){
		.ncalls = gw->ncalls,
		.max_calls = gw->cfg.max_calls,
		.per_worker = gw->cfg.max_calls_per_worker,
		.check_channels = sip,
	};
	if (in->per_worker)
		in->worker_calls = gw_mpool_min_calls(gw->mpool);
	in->load_limit = gw->cfg.max_worker_load_pct * 10;
	if (in->load_limit)
		in->worker_load = gw_mpool_min_load(gw->mpool);
	if (sip) {
		in->idle_chans = gw_health_idle_chan(gw, &in->spans_up);
		in->queue_limit_ms = gw->cfg.overload_queue_ms;
		in->queued_ms = (unsigned)(gw_sipudp_queued_us() / 1000);
	}
	return gw_ovl_decide(&gw->ovl, in);
}

unsigned gw_overload_admit_sip(struct gw *gw, char *hdrs, size_t size)
{
	struct gw_ovl_in in;
	enum gw_ovl_reason r;

	if (size)
		hdrs[0] = 0;
	/* draining and stopping answer in gw_call_sip_incoming() */
	if (gw->stopping || gw_drain_active(gw))
		return 0;
	r = decide(gw, true, &in);
	if (r == GW_OVL_NONE)
		return 0;
	gw->ovl.refused_sip++;
	gw->stats.calls_from_sip++;
	gw->stats.calls_failed++; /* refused without a call object */
	if (gw_ovl_refused(&gw->ovl, r, now_ms(gw)))
		log_start(gw, r, &in);
	if (gw->cfg.overload_retry_after_s && size)
		snprintf(hdrs, size, "Retry-After: %u (overload: %s)\r\n",
			 gw->cfg.overload_retry_after_s, reason_names[r]);
	return 503;
}

bool gw_overload_refuse_pstn(struct gw *gw, struct tdm_call *tcall)
{
	struct gw_ovl_in in;
	enum gw_ovl_reason r = decide(gw, false, &in);
	/* 34: no circuit here, the switch tries another route; 42: the
	 * exchange itself is congested */
	int cause = r == GW_OVL_SIGNALLING ? GW_CAUSE_CONGESTION
					   : GW_CAUSE_NO_CIRCUIT;

	if (r == GW_OVL_NONE)
		return false;
	gw->ovl.refused_pstn++;
	gw->stats.calls_failed++;
	if (gw_ovl_refused(&gw->ovl, r, now_ms(gw)))
		log_start(gw, r, &in);
	GW_DEBUG(CALL, "overload: SETUP on chan %d refused with cause %d (%s)",
		 tdm_call_chan(tcall), cause, reason_names[r]);
	tdm_call_hangup(tcall, cause);
	return true;
}

void gw_overload_metrics(const struct gw *gw, struct gw_mbuf *b)
{
	const struct gw_ovl *o = &gw->ovl;

	gw_mbuf_printf(b,
		       "# HELP pstngw_overload 1 while new calls are refused "
		       "for overload (any reason).\n"
		       "# TYPE pstngw_overload gauge\n"
		       "pstngw_overload %d\n",
		       gw_ovl_any(o));
	gw_mbuf_printf(b, "# HELP pstngw_overload_refused_total New calls "
			  "refused for overload (SIP 503, PRI cause 34/42), by "
			  "reason.\n"
			  "# TYPE pstngw_overload_refused_total counter\n");
	for (unsigned r = GW_OVL_NONE + 1; r < GW_OVL__COUNT; r++)
		gw_mbuf_printf(b,
			       "pstngw_overload_refused_total{reason=\"%s\"} "
			       "%" PRIu64 "\n",
			       reason_names[r], o->refused[r]);
	gw_mbuf_printf(b,
		       "# HELP pstngw_signalling_busy_ratio Share of the last "
		       "100 ms the signalling thread was busy.\n"
		       "# TYPE pstngw_signalling_busy_ratio gauge\n"
		       "pstngw_signalling_busy_ratio %.2f\n"
		       "# HELP pstngw_overload_admit_ratio Share of new calls "
		       "taken under signalling overload (1: all).\n"
		       "# TYPE pstngw_overload_admit_ratio gauge\n"
		       "pstngw_overload_admit_ratio %.3f\n"
		       "# HELP pstngw_sip_udp_dropped_total SIP datagrams the "
		       "kernel dropped on full sockets (the signalling thread "
		       "was behind).\n"
		       "# TYPE pstngw_sip_udp_dropped_total counter\n"
		       "pstngw_sip_udp_dropped_total %" PRIu64 "\n"
		       "# HELP pstngw_media_worker_load Share of the time the "
		       "least loaded media worker spends in its ticks.\n"
		       "# TYPE pstngw_media_worker_load gauge\n"
		       "pstngw_media_worker_load %.3f\n",
		       o->busy_pct / 100.0,
		       (ADMIT_ALL - o->shed_milli) / 1000.0,
		       gw->sipudp.dropped + gw->sipudp2.dropped,
		       gw_mpool_min_load(gw->mpool) / 1000.0);
}
