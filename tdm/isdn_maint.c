/*
 * Channel maintenance over the D-channel: RESTART (Q.931 5.5) sent and
 * received, SERVICE messages (NI-2, 4ESS, 5ESS: busy out / back in
 * service), and the start-up RESTART of every channel, so that nothing
 * stays stuck from a previous run of either end. The span is not UP for
 * calls until that RESTART is acknowledged (or we give up waiting).
 */
#include <errno.h>
#include <libpri.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

/* RESTART ACKNOWLEDGE wait before we use the channels anyway. libpri
 * retransmits RESTART only with T316 set. */
#define MAINT_RESTART_WAIT_MS 4000
/* Change status (NI-2 SERVICE): 0 in service, 2 out of service. */
#define MAINT_IN_SERVICE 0
#define MAINT_OUT_OF_SERVICE 2

static bool maint_has_service(const struct tdm_span *span)
{
	return !span->cfg.no_service_msgs &&
	       (span->switchtype == PRI_SWITCH_NI2 ||
		span->switchtype == PRI_SWITCH_LUCENT5E ||
		span->switchtype == PRI_SWITCH_ATT4ESS);
}

/* A call whose channel the far end or we restarted: no messages, libpri
 * forgets it (Q.931 5.5.2: the call is cleared by the restart). */
static void maint_drop_call(struct tdm_span *span, struct tdm_call *c)
{
	if (!c->hungup) {
		c->hungup = true;
		tdm_call_disconnected(c, PRI_CAUSE_NORMAL_TEMPORARY_FAILURE);
		if (span->dying)
			return;
	}
	if (c->pcall && !c->relcomp && span->pri)
		pri_destroycall(span->pri, c->pcall);
	c->pcall = NULL;
	tdm_call_released(c, c->cause ? c->cause
				      : PRI_CAUSE_NORMAL_TEMPORARY_FAILURE);
}

/* Drops the calls on ts (0: all). */
static void maint_drop_calls(struct tdm_span *span, int ts)
{
	struct tdm_call *c, *next;

	for (c = span->calls; c && !span->dying; c = next) {
		next = c->next;
		if (!ts || (c->chan && c->chan->ts == ts))
			maint_drop_call(span, c);
	}
}

static void maint_restart_done(struct tdm_span *span, int ts)
{
	for (int i = 0; i < span->nchans; i++) {
		struct tdm_chan *ch = &span->chans[i];

		if ((ts && ch->ts != ts) || !ch->restarting)
			continue;
		ch->restarting = false;
		tdm_chan_update(span, ch);
	}
	for (int i = 0; i < span->nchans; i++)
		if (span->chans[i].restarting)
			return;
	if (span->restart_timer)
		span->hooks.timer_stop(span->hooks.arg, span->restart_timer);
	span->restart_timer = NULL;
	if (span->restart_pending) {
		span->restart_pending = false;
		tdm_span_l2(span, span->l2_up);
	}
}

static void maint_restart_timeout(void *arg)
{
	struct tdm_span *span = arg;

	span->restart_timer = NULL;
	tdm_span_enter(span);
	tdm_log(span, LOG_WARNING,
		"no RESTART ACKNOWLEDGE in %d ms: channels taken as idle",
		MAINT_RESTART_WAIT_MS);
	for (int i = 0; i < span->nchans; i++)
		span->chans[i].restarting = false;
	maint_restart_done(span, 0);
	tdm_span_leave(span);
}

int tdm_span_restart(struct tdm_span *span, int ts)
{
	struct tdm_chan *ch = NULL;

	if (!span)
		return EINVAL;
	if (ts && !(ch = tdm_chan_find(span, ts)))
		return EINVAL;
	if (!span->pri || !span->l2_up)
		return ENOTCONN;
	/* the calls' and channels' events may free the span: deferred
	 * until we are done */
	tdm_span_enter(span);
	maint_drop_calls(span, ts);
	for (int i = 0; i < span->nchans && !span->dying; i++) {
		if (ts && span->chans[i].ts != ts)
			continue;
		span->chans[i].restarting = true;
		tdm_chan_update(span, &span->chans[i]);
	}
	if (tdm_span_leave(span) || span->dying)
		return 0;
	tdm_log(span, LOG_NOTICE, "RESTART %s%.0d", ts ? "chan " : "all", ts);
	/* libpri 1.6's pri_restart() sends nothing: one RESTART per channel */
	for (int i = 0; i < span->nchans; i++)
		if (!ts || span->chans[i].ts == ts) {
			span->stats.restarts_tx++;
			pri_reset(span->pri, span->chans[i].ts);
		}
	if (!span->restart_timer)
		span->restart_timer = span->hooks.timer_start(
			span->hooks.arg, MAINT_RESTART_WAIT_MS,
			maint_restart_timeout, span);
	tdm_isdn_sched(span);
	return 0;
}

void tdm_isdn_start_restart(struct tdm_span *span)
{
	if (span->cfg.no_restart_on_start)
		return;
	span->restart_pending = true;
}

/* Channel numbers in events carry span bits above bit 8; -1: all. */
static int maint_ts(int channel)
{
	return channel < 0 ? 0 : channel & 0xff;
}

void tdm_isdn_maint_event(struct tdm_span *span, void *ev)
{
	struct tdm_event out = { .type = TDM_EV_RESTART };
	pri_event *e = ev;
	struct tdm_chan *ch;
	int ts;

	switch (e->e) {
	case PRI_EVENT_RESTART:
		/* libpri has acknowledged it already */
		ts = maint_ts(e->restart.channel);
		span->stats.restarts_rx++;
		tdm_log(span, LOG_INFO, "far end restarted %s%.0d",
			ts ? "chan " : "all channels", ts);
		if (ts && !tdm_chan_find(span, ts))
			return;
		maint_drop_calls(span, ts);
		if (span->dying)
			return;
		out.chan = ts;
		tdm_span_emit(span, NULL, &out);
		return;
	case PRI_EVENT_RESTART_ACK:
		ts = maint_ts(e->restartack.channel);
		tdm_log(span, LOG_INFO, "RESTART ACKNOWLEDGE for %s%.0d",
			ts ? "chan " : "all", ts);
		maint_restart_done(span, ts);
		return;
	case PRI_EVENT_SERVICE:
		ts = maint_ts(e->service.channel);
		span->stats.service_rx++;
		tdm_log(span, LOG_NOTICE, "SERVICE chan %d: change status %d",
			ts, e->service.changestatus);
		for (int i = 0; i < span->nchans; i++) {
			ch = &span->chans[i];
			if (ts && ch->ts != ts)
				continue;
			ch->far_oos =
				e->service.changestatus != MAINT_IN_SERVICE;
			tdm_chan_update(span, ch);
		}
		return;
	case PRI_EVENT_SERVICE_ACK:
		tdm_log(span, LOG_INFO,
			"SERVICE ACKNOWLEDGE chan %d: change status %d",
			maint_ts(e->service_ack.channel),
			e->service_ack.changestatus);
		return;
	}
}

void tdm_isdn_service(struct tdm_span *span, int ts, bool in_service)
{
	if (!span->pri || !span->l2_up || !maint_has_service(span))
		return;
	span->stats.service_tx++;
	tdm_log(span, LOG_NOTICE, "SERVICE chan %d: %s", ts,
		in_service ? "in service" : "out of service");
	pri_maintenance_service(span->pri, 0, ts,
				in_service ? MAINT_IN_SERVICE
					   : MAINT_OUT_OF_SERVICE);
	tdm_isdn_sched(span);
}

/* For a fresh controller, on a new connection: a RESTART cut short by
 * the old one is moot, and the peer may be a new process that knows
 * nothing of its old SERVICE states. */
void tdm_isdn_maint_init(struct tdm_span *span, void *pri)
{
	for (int i = 0; i < span->nchans; i++) {
		struct tdm_chan *ch = &span->chans[i];

		if (!ch->restarting && !ch->far_oos)
			continue;
		ch->restarting = ch->far_oos = false;
		tdm_chan_update(span, ch);
	}
	if (maint_has_service(span))
		pri_set_service_message_support(pri, 1);
}

void tdm_isdn_maint_release(struct tdm_span *span)
{
	if (span->restart_timer)
		span->hooks.timer_stop(span->hooks.arg, span->restart_timer);
	span->restart_timer = NULL;
	span->restart_pending = false;
}
