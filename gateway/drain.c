/*
 * drain.c: drain mode and the health answer to OPTIONS (drain.h). The
 * state lives in struct gw, not in the configuration, so a reload keeps
 * it; the options (drain_mode, drain_cause, retry_after_s,
 * options_health) are read when used, so a reload changes them at once.
 */
#include <limits.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gateway/ctl.h"
#include "gateway/drain.h"
#include "gateway/gw.h"
#include "gateway/interwork.h"
#include "gateway/log.h"
#include "gateway/metrics.h"

static const char *const state_names[GW_DRAIN__COUNT] = {
	[GW_DRAIN_OFF] = "off",
	[GW_DRAIN_DRAINING] = "draining",
	[GW_DRAIN_DRAINED] = "drained",
};

static const char *const health_names[GW_HEALTH__COUNT] = {
	[GW_HEALTH_OK] = "ok",
	[GW_HEALTH_DRAINING] = "draining",
	[GW_HEALTH_NO_SPAN] = "no span up",
	[GW_HEALTH_NO_CHANNEL] = "no free B-channel",
};

const char *gw_drain_state_name(enum gw_drain_state s)
{
	return (unsigned)s < GW_DRAIN__COUNT ? state_names[s] : "?";
}

const char *gw_health_name(enum gw_health h)
{
	return (unsigned)h < GW_HEALTH__COUNT ? health_names[h] : "?";
}

/*
 * (state, event) -> next state. BUSY: DRAINING or DRAINED by the number
 * of calls up; SAME: no change. A drain while draining changes nothing
 * (idempotent for scripts), and so does an undrain while taking calls.
 */
enum { SAME = -1, BUSY = -2 };
static const int next_tab[GW_DRAIN__COUNT][GW_DRAIN_EV__COUNT] = {
	[GW_DRAIN_OFF] = { [GW_DRAIN_EV_DRAIN] = BUSY,
			   [GW_DRAIN_EV_UNDRAIN] = SAME,
			   [GW_DRAIN_EV_CALL_GONE] = SAME },
	[GW_DRAIN_DRAINING] = { [GW_DRAIN_EV_DRAIN] = SAME,
				[GW_DRAIN_EV_UNDRAIN] = GW_DRAIN_OFF,
				[GW_DRAIN_EV_CALL_GONE] = BUSY },
	[GW_DRAIN_DRAINED] = { [GW_DRAIN_EV_DRAIN] = SAME,
			       [GW_DRAIN_EV_UNDRAIN] = GW_DRAIN_OFF,
			       [GW_DRAIN_EV_CALL_GONE] = BUSY },
};

enum gw_drain_state gw_drain_next(enum gw_drain_state s, enum gw_drain_event ev,
				  unsigned ncalls)
{
	if ((unsigned)s >= GW_DRAIN__COUNT ||
	    (unsigned)ev >= GW_DRAIN_EV__COUNT)
		return s;
	int n = next_tab[s][ev];

	if (n == SAME)
		return s;
	if (n == BUSY)
		return ncalls ? GW_DRAIN_DRAINING : GW_DRAIN_DRAINED;
	return (enum gw_drain_state)n;
}

bool gw_drain_active(const struct gw *gw)
{
	return gw->drain.state != GW_DRAIN_OFF;
}

static uint64_t now_ms(const struct gw *gw)
{
	return gw->loop ? gw_loop_now(gw->loop) : 0;
}

static void log_change(struct gw *gw, enum gw_drain_state from,
		       enum gw_drain_state to, enum gw_drain_event ev)
{
	struct gw_drain *d = &gw->drain;
	unsigned long long secs =
		(unsigned long long)((now_ms(gw) - d->since_ms) / 1000);

	if (from == GW_DRAIN_OFF) {
		char how[64];

		if (gw->cfg.drain_mode == GW_DRAIN_BUSYOUT)
			snprintf(how, sizeof(how),
				 "PRI cause %u, idle B-channels busied out",
				 gw->cfg.drain_cause);
		else
			snprintf(how, sizeof(how), "PRI cause %u",
				 gw->cfg.drain_cause);
		GW_NOTICE(MAIN,
			  "drain: started: new calls refused (SIP 503, %s); "
			  "%u call(s) in progress",
			  how, gw->ncalls);
		if (!gw->ncalls)
			GW_NOTICE(MAIN, "drain: no call in progress: drained");
	} else if (to == GW_DRAIN_OFF) {
		GW_NOTICE(MAIN,
			  "drain: ended after %llu s: new calls accepted "
			  "(refused while draining: sip %" PRIu64
			  ", pstn %" PRIu64 ")",
			  secs, d->refused_sip, d->refused_pstn);
	} else if (ev == GW_DRAIN_EV_CALL_GONE) {
		GW_NOTICE(MAIN,
			  "drain: last call finished after %llu s: drained",
			  secs);
	}
}

void gw_drain_event(struct gw *gw, enum gw_drain_event ev)
{
	struct gw_drain *d = &gw->drain;
	enum gw_drain_state from = d->state,
			    to = gw_drain_next(from, ev, gw->ncalls);

	if (to == from)
		return;
	log_change(gw, from, to, ev);
	d->state = to;
	if (from == GW_DRAIN_OFF || to == GW_DRAIN_OFF) {
		d->since_ms = now_ms(gw);
		d->drains += to != GW_DRAIN_OFF;
		/* busy-out (drain_mode busyout) in or out of service */
		gw_route_health(gw);
	}
	/* x-pstngw-trunks subscribers see drain= change (gw.c; coalesced
	 * with the channel changes of the same moment) */
	gw_trunks_changed(gw);
}

/* "Retry-After: N (why)\r\n", or nothing when retry_after_s is 0. */
static void retry_after(const struct gw *gw, const char *why, char *buf,
			size_t size)
{
	if (!size)
		return;
	buf[0] = 0;
	if (gw->cfg.retry_after_s)
		snprintf(buf, size, "Retry-After: %u (%s)\r\n",
			 gw->cfg.retry_after_s, why);
}

bool gw_drain_refuse_sip(struct gw *gw, struct sip_call *scall)
{
	char hdrs[96];

	if (!gw_drain_active(gw))
		return false;
	gw->drain.refused_sip++;
	gw->stats.calls_failed++; /* refused without a call object */
	retry_after(gw, "draining", hdrs, sizeof(hdrs));
	GW_INFO(CALL, "drain: INVITE %s refused with 503",
		sip_call_callid(scall));
	sip_call_respond_hdrs(scall, 503, NULL, NULL, hdrs);
	return true;
}

bool gw_drain_refuse_pstn(struct gw *gw, struct tdm_call *tcall)
{
	if (!gw_drain_active(gw))
		return false;
	gw->drain.refused_pstn++;
	gw->stats.calls_failed++;
	GW_INFO(CALL, "drain: SETUP on chan %d refused with cause %u",
		tdm_call_chan(tcall), gw->cfg.drain_cause);
	tdm_call_hangup(tcall, (int)gw->cfg.drain_cause);
	return true;
}

bool gw_drain_busy_out(const struct gw *gw, const struct gw_span *s)
{
	(void)s; /* every span: the whole box is leaving */
	return gw_drain_active(gw) && gw->cfg.drain_mode == GW_DRAIN_BUSYOUT;
}

enum gw_health gw_health_decide(bool draining, bool check, unsigned spans_up,
				unsigned idle_chans)
{
	if (draining)
		return GW_HEALTH_DRAINING;
	if (!check)
		return GW_HEALTH_OK;
	if (!spans_up)
		return GW_HEALTH_NO_SPAN;
	return idle_chans ? GW_HEALTH_OK : GW_HEALTH_NO_CHANNEL;
}

/* Spans up, and idle B-channels on them counted up to max_idle (the
 * scan of a span stops there: overload.c asks for one per INVITE). */
static unsigned count_idle(const struct gw *gw, unsigned *spans_up,
			   unsigned max_idle)
{
	unsigned up = 0, idle = 0;

	for (size_t i = 0; i < gw->nspans; i++) {
		const struct tdm_span *sp = gw->spans[i].span;

		if (!sp || !tdm_span_is_up(sp))
			continue;
		up++;
		/* IDLE: free and in service on both sides (not blocked by
		 * us, not out of service or restarting at the far end) */
		for (int k = 0; idle < max_idle && k < tdm_span_bchans(sp); k++)
			idle += tdm_span_chan_state(sp,
						    tdm_span_bchan_ts(sp, k)) ==
				TDM_CHAN_IDLE;
	}
	*spans_up = up;
	return idle;
}

enum gw_health gw_health_now(const struct gw *gw, unsigned *spans_up,
			     unsigned *idle_chans)
{
	unsigned up, idle = count_idle(gw, &up, UINT_MAX);

	if (spans_up)
		*spans_up = up;
	if (idle_chans)
		*idle_chans = idle;
	return gw_health_decide(gw_drain_active(gw), gw->cfg.options_health, up,
				idle);
}

bool gw_health_idle_chan(const struct gw *gw, unsigned *spans_up)
{
	return count_idle(gw, spans_up, 1) > 0;
}

unsigned gw_health_options(struct gw *gw, char *hdrs, size_t size)
{
	unsigned up, idle;
	enum gw_health h = gw_health_now(gw, &up, &idle);
	struct gw_drain *d = &gw->drain;

	d->options[h]++;
	/* a probe comes every few seconds: log changes only */
	if (h != d->last_health)
		GW_NOTICE(SIP,
			  "health: OPTIONS now answered %s (%s; %u span(s) up, "
			  "%u idle B-channel(s))",
			  h == GW_HEALTH_OK ? "200" : "503", gw_health_name(h),
			  up, idle);
	d->last_health = h;
	if (h == GW_HEALTH_OK) {
		if (size)
			hdrs[0] = 0;
		return 200;
	}
	retry_after(gw, gw_health_name(h), hdrs, size);
	return 503;
}

/* ---- control commands ---------------------------------------------- */

static void print_state(struct gw *gw, struct gw_ctl_out *out)
{
	const struct gw_drain *d = &gw->drain;
	unsigned long long secs =
		(unsigned long long)((now_ms(gw) - d->since_ms) / 1000);

	gw_ctl_printf(out, "drain %s", gw_drain_state_name(d->state));
	if (d->state != GW_DRAIN_OFF)
		gw_ctl_printf(out, " for %llu s", secs);
	gw_ctl_printf(out, "\ncalls %u\n", gw->ncalls);
}

const char *gw_cmd_drain(struct gw *gw, char **args, int nargs,
			 struct gw_ctl_out *out)
{
	(void)args;
	if (nargs) /* the table allows words to explain this one */
		return "drain takes no arguments (pstngw-ctl drain --wait "
		       "SECONDS waits for the calls to end)";
	if (gw->stopping)
		return "the daemon is shutting down";
	if (gw_drain_active(gw))
		gw_ctl_printf(out, "already draining\n");
	gw_drain_event(gw, GW_DRAIN_EV_DRAIN);
	print_state(gw, out);
	return NULL;
}

const char *gw_cmd_undrain(struct gw *gw, char **args, int nargs,
			   struct gw_ctl_out *out)
{
	(void)args;
	if (nargs)
		return "undrain takes no arguments";
	if (!gw_drain_active(gw))
		gw_ctl_printf(out, "not draining\n");
	gw_drain_event(gw, GW_DRAIN_EV_UNDRAIN);
	print_state(gw, out);
	return NULL;
}

const char *gw_cmd_show_drain(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out)
{
	const struct gw_drain *d = &gw->drain;
	unsigned up, idle;
	enum gw_health h = gw_health_now(gw, &up, &idle);
	unsigned busied = 0;

	(void)args;
	(void)nargs;
	for (size_t i = 0; i < gw->nspans && i < CFG_MAX_SPANS; i++)
		busied += (unsigned)__builtin_popcount(gw->busied[i]);
	print_state(gw, out);
	gw_ctl_printf(out,
		      "mode %s, PRI cause %u, Retry-After %u s\n"
		      "refused sip %" PRIu64 " pstn %" PRIu64
		      ", busied-out B-channels %u\n",
		      gw->cfg.drain_mode == GW_DRAIN_BUSYOUT ? "busyout"
							     : "refuse",
		      gw->cfg.drain_cause, gw->cfg.retry_after_s,
		      d->refused_sip, d->refused_pstn, busied);
	gw_ctl_printf(out,
		      "health %s (OPTIONS %s%s): %u of %zu span(s) up, %u "
		      "idle B-channel(s)\n",
		      gw_health_name(h), h == GW_HEALTH_OK ? "200" : "503",
		      gw->cfg.options_health ? "" : ", options_health no", up,
		      gw->nspans, idle);
	return NULL;
}

void gw_drain_metrics(const struct gw *gw, struct gw_mbuf *b)
{
	static const char *const hl[GW_HEALTH__COUNT] = { "ok", "draining",
							  "no_span",
							  "no_channel" };
	const struct gw_drain *d = &gw->drain;

	gw_mbuf_printf(b,
		       "# HELP pstngw_draining 1 while draining (pstngw-ctl "
		       "drain): new calls refused.\n"
		       "# TYPE pstngw_draining gauge\n"
		       "pstngw_draining %d\n",
		       gw_drain_active(gw));
	gw_mbuf_printf(b,
		       "# HELP pstngw_drain_refused_total New calls refused "
		       "while draining, by side.\n"
		       "# TYPE pstngw_drain_refused_total counter\n"
		       "pstngw_drain_refused_total{side=\"sip\"} %" PRIu64 "\n"
		       "pstngw_drain_refused_total{side=\"pstn\"} %" PRIu64
		       "\n",
		       d->refused_sip, d->refused_pstn);
	gw_mbuf_printf(b, "# HELP pstngw_options_health_total Out-of-dialog "
			  "OPTIONS answered, by health (ok: 200, else 503).\n"
			  "# TYPE pstngw_options_health_total counter\n");
	for (unsigned i = 0; i < GW_HEALTH__COUNT; i++)
		gw_mbuf_printf(b,
			       "pstngw_options_health_total{health=\"%s\"} "
			       "%" PRIu64 "\n",
			       hl[i], d->options[i]);
}
