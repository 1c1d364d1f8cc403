/*
 * B-channel allocation and the channel state machine. libpri accepts any
 * channel number (even the D-channel timeslot), so the span's channel
 * map here is the only authority on which timeslots carry calls.
 *
 * A channel's state follows from its flags: a call makes it IN_USE; else
 * our block makes it BLOCKED; else a far-end SERVICE or a pending RESTART
 * makes it MAINT; else it is IDLE. A call keeps its channel until it is
 * released, whatever happens to the flags meanwhile.
 */
#include <errno.h>
#include <stddef.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

static const char *const chan_state_names[] = {
	[TDM_CHAN_IDLE] = "IDLE",
	[TDM_CHAN_IN_USE] = "IN_USE",
	[TDM_CHAN_BLOCKED] = "BLOCKED",
	[TDM_CHAN_MAINT] = "MAINT",
};

/* Process-wide: orders channels by the moment they went idle. */
static uint64_t chan_idle_counter;

const char *tdm_chan_state_name(enum tdm_chan_state s)
{
	if ((size_t)s >= sizeof(chan_state_names) / sizeof(chan_state_names[0]))
		return "?";
	return chan_state_names[s];
}

void tdm_chan_map_init(struct tdm_span *span)
{
	int ts, n = 0;

	if (span->type == TDM_SPAN_T1) {
		/* 24 timeslots, the last one is the D-channel */
		for (ts = 1; ts <= 23; ts++)
			span->chans[n++].ts = ts;
	} else {
		/* TS0 carries framing, TS16 the D-channel */
		for (ts = 1; ts <= 31; ts++)
			if (ts != 16)
				span->chans[n++].ts = ts;
	}
	span->nchans = n;
	for (n = 0; n < span->nchans; n++) {
		struct tdm_chan *ch = &span->chans[n];

		ch->state = TDM_CHAN_IDLE;
		ch->call = NULL;
		ch->blocked = ch->far_oos = ch->restarting = false;
		ch->idle_since = 0;
		ch->idle_seq = 0;
	}
}

struct tdm_chan *tdm_chan_find(struct tdm_span *span, int ts)
{
	int i;

	for (i = 0; i < span->nchans; i++)
		if (span->chans[i].ts == ts)
			return &span->chans[i];
	return NULL;
}

void tdm_chan_update(struct tdm_span *span, struct tdm_chan *ch)
{
	struct tdm_event ev = { .type = TDM_EV_CHAN_STATE };
	enum tdm_chan_state old = ch->state, st;

	st = ch->call			     ? TDM_CHAN_IN_USE
	     : ch->blocked		     ? TDM_CHAN_BLOCKED
	     : ch->far_oos || ch->restarting ? TDM_CHAN_MAINT
					     : TDM_CHAN_IDLE;
	if (st == old)
		return;
	ch->state = st;
	if (st == TDM_CHAN_IDLE) {
		ch->idle_since =
			span->hooks.now ? span->hooks.now(span->hooks.arg) : 0;
		ch->idle_seq = ++chan_idle_counter;
	}
	/* calls starting and ending are reported as calls; the start-up
	 * RESTART of every channel happens before the span is UP */
	if (((old == TDM_CHAN_IDLE || old == TDM_CHAN_IN_USE) &&
	     (st == TDM_CHAN_IDLE || st == TDM_CHAN_IN_USE)) ||
	    span->restart_pending)
		return;
	tdm_log(span, LOG_DEBUG, "chan %d %s -> %s", ch->ts,
		tdm_chan_state_name(old), tdm_chan_state_name(st));
	ev.chan = ch->ts;
	ev.chan_state = st;
	tdm_span_emit(span, NULL, &ev);
}

struct tdm_chan *tdm_chan_take_ex(struct tdm_span *span, int ts,
				  struct tdm_call *call, uint32_t exclude)
{
	struct tdm_chan *c[TDM_MAX_BCHANS];
	struct tdm_chan *ch = NULL;
	int i;

	if (ts) {
		ch = tdm_chan_find(span, ts);
		if (!ch || ch->state != TDM_CHAN_IDLE)
			return NULL;
	} else {
		for (i = 0; i < span->nchans; i++)
			c[i] = &span->chans[i];
		i = tdm_hunt_pick(c, NULL, span->nchans, tdm_span_hunt(span),
				  span->hunt_last, exclude);
		if (i < 0)
			return NULL;
		ch = c[i];
		span->hunt_last = i;
	}
	ch->call = call;
	ch->state = TDM_CHAN_IN_USE;
	return ch;
}

struct tdm_chan *tdm_chan_take(struct tdm_span *span, int ts,
			       struct tdm_call *call)
{
	return tdm_chan_take_ex(span, ts, call, 0);
}

void tdm_chan_put(struct tdm_span *span, struct tdm_chan *chan)
{
	if (!chan)
		return;
	chan->call = NULL;
	tdm_chan_update(span, chan);
}

int tdm_span_chan_state(const struct tdm_span *span, int ts)
{
	int i;

	for (i = 0; i < span->nchans; i++)
		if (span->chans[i].ts == ts)
			return (int)span->chans[i].state;
	return -1;
}

uint64_t tdm_span_chan_idle_since(const struct tdm_span *span, int ts)
{
	int i;

	for (i = 0; i < span->nchans; i++)
		if (span->chans[i].ts == ts)
			return span->chans[i].idle_since;
	return 0;
}

int tdm_span_chan_block(struct tdm_span *span, int ts, bool blocked)
{
	struct tdm_chan *ch = tdm_chan_find(span, ts);

	if (!ch)
		return EINVAL;
	if (ch->state == TDM_CHAN_IN_USE)
		return EBUSY;
	if (ch->blocked == blocked)
		return 0;
	ch->blocked = blocked;
	/* the state event may free the span: deferred until we are done */
	tdm_span_enter(span);
	tdm_chan_update(span, ch);
	/* tell the far end, where the switchtype has SERVICE messages */
	if (!span->dying)
		tdm_isdn_service(span, ts, !blocked);
	tdm_span_leave(span);
	return 0;
}
