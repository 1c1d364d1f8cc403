/*
 * B-channel allocation. libpri accepts any channel number (even the
 * D-channel timeslot), so the span's channel map here is the only
 * authority on which timeslots carry calls.
 */
#include <errno.h>
#include <stddef.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

static const char *const chan_state_names[] = {
	[TDM_CHAN_IDLE] = "IDLE",
	[TDM_CHAN_IN_USE] = "IN_USE",
	[TDM_CHAN_BLOCKED] = "BLOCKED",
};

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
		span->chans[n].state = TDM_CHAN_IDLE;
		span->chans[n].call = NULL;
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

struct tdm_chan *tdm_chan_take(struct tdm_span *span, int ts,
			       struct tdm_call *call)
{
	struct tdm_chan *ch = NULL;
	int i;

	if (ts) {
		ch = tdm_chan_find(span, ts);
		if (!ch || ch->state != TDM_CHAN_IDLE)
			return NULL;
	} else if (span->role == TDM_ROLE_NET) {
		for (i = span->nchans - 1; i >= 0 && !ch; i--)
			if (span->chans[i].state == TDM_CHAN_IDLE)
				ch = &span->chans[i];
	} else {
		for (i = 0; i < span->nchans && !ch; i++)
			if (span->chans[i].state == TDM_CHAN_IDLE)
				ch = &span->chans[i];
	}
	if (!ch)
		return NULL;
	ch->state = TDM_CHAN_IN_USE;
	ch->call = call;
	return ch;
}

void tdm_chan_put(struct tdm_chan *chan)
{
	if (!chan)
		return;
	chan->call = NULL;
	if (chan->state == TDM_CHAN_IN_USE)
		chan->state = TDM_CHAN_IDLE;
}

int tdm_span_chan_state(const struct tdm_span *span, int ts)
{
	int i;

	for (i = 0; i < span->nchans; i++)
		if (span->chans[i].ts == ts)
			return (int)span->chans[i].state;
	return -1;
}

int tdm_span_chan_block(struct tdm_span *span, int ts, bool blocked)
{
	struct tdm_chan *ch = tdm_chan_find(span, ts);

	if (!ch)
		return EINVAL;
	if (ch->state == TDM_CHAN_IN_USE)
		return EBUSY;
	ch->state = blocked ? TDM_CHAN_BLOCKED : TDM_CHAN_IDLE;
	tdm_log(span, LOG_NOTICE, "chan %d %s", ts,
		tdm_chan_state_name(ch->state));
	return 0;
}
