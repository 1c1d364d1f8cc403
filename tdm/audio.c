/*
 * A span's audio block, handed to the user's calls and sent back.
 *
 * Synchronous (hooks.audio): every call fills its part of tx at once.
 *
 * Asynchronous (hooks.audio_rx/audio_tx, for media processed on other
 * threads): rx goes to every call as the block arrives and the transmit
 * block waits, bounded by TDM_AUDIO_WAIT_MS, until every call's part is
 * ready; tdm_span_audio_kick() re-asks the calls still missing. The wait
 * costs no thread anything: the signalling thread goes on with its loop
 * and one timer guarantees the deadline. A late call is then asked for
 * whatever it has, so the block always goes out and nothing queued on the
 * user's side is dropped (it plays a block later, as before).
 */
#include <string.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

static bool async_hooks(const struct tdm_span *span)
{
	return span->hooks.audio_rx && span->hooks.audio_tx;
}

/* Asks every call still missing; true when none is. */
static bool collect(struct tdm_span *span, bool late)
{
	bool all = true;

	for (int i = 0; i < span->nchans && !span->dying; i++) {
		struct tdm_chan *ch = &span->chans[i];
		size_t off = (size_t)i * TDM_SAMPLES_PER_BLOCK;

		if (!ch->aud_wait)
			continue;
		/* a call gone meanwhile leaves its part silent; one that took
		 * the channel meanwhile fills it if it has something */
		if (!ch->call ||
		    span->hooks.audio_tx(span->hooks.arg, span, ch->call,
					 span->aud_tx + off,
					 TDM_SAMPLES_PER_BLOCK, late) ||
		    late)
			ch->aud_wait = false;
		else
			all = false;
	}
	return all || span->dying;
}

/* The block is complete: hand it to the driver. */
static void finish(struct tdm_span *span)
{
	if (span->aud_timer)
		span->hooks.timer_stop(span->hooks.arg, span->aud_timer);
	span->aud_timer = NULL;
	span->aud_tx = NULL;
	if (!span->dying)
		span->drv->audio_send(span);
}

static void deadline(void *arg)
{
	struct tdm_span *span = arg;

	span->aud_timer = NULL;
	if (!span->aud_tx)
		return;
	tdm_span_enter(span);
	span->stats.audio_late++;
	collect(span, true);
	finish(span);
	tdm_span_leave(span);
}

bool tdm_span_audio(struct tdm_span *span, const uint8_t *rx, uint8_t *tx)
{
	uint8_t idle = tdm_law_silence(span->law);
	bool defer = async_hooks(span) && span->drv->audio_send;

	tdm_span_audio_flush(span); /* before tx is reused */
	memset(tx, idle, (size_t)span->nchans * TDM_SAMPLES_PER_BLOCK);
	for (int i = 0; i < span->nchans && !span->dying; i++) {
		struct tdm_chan *ch = &span->chans[i];
		size_t off = (size_t)i * TDM_SAMPLES_PER_BLOCK;

		ch->aud_wait = false;
		if (!ch->call)
			continue;
		if (async_hooks(span)) {
			span->hooks.audio_rx(span->hooks.arg, span, ch->call,
					     rx + off, TDM_SAMPLES_PER_BLOCK);
			ch->aud_wait = true;
		} else if (span->hooks.audio) {
			span->hooks.audio(span->hooks.arg, span, ch->call,
					  rx + off, tx + off,
					  TDM_SAMPLES_PER_BLOCK);
		}
	}
	span->aud_tx = tx;
	if (!defer || span->dying) {
		collect(span, true);
		span->aud_tx = NULL;
		return true;
	}
	/* the user may already have answered (a worker with nothing else to
	 * do, or no call at all) */
	if (collect(span, false)) {
		span->aud_tx = NULL;
		return true;
	}
	span->stats.audio_waits++;
	span->aud_timer = span->hooks.timer_start(
		span->hooks.arg, TDM_AUDIO_WAIT_MS, deadline, span);
	if (!span->aud_timer) { /* no timer: never wait unbounded */
		tdm_log(span, LOG_ERR, "audio deadline timer: none");
		collect(span, true);
		span->aud_tx = NULL;
		return true;
	}
	return false;
}

void tdm_span_audio_kick(struct tdm_span *span)
{
	if (!span || !span->aud_tx)
		return;
	tdm_span_enter(span);
	if (collect(span, false))
		finish(span);
	tdm_span_leave(span);
}

void tdm_span_audio_flush(struct tdm_span *span)
{
	if (!span->aud_tx)
		return;
	span->stats.audio_late++;
	collect(span, true);
	finish(span);
}

void tdm_span_audio_drop(struct tdm_span *span)
{
	if (span->aud_timer)
		span->hooks.timer_stop(span->hooks.arg, span->aud_timer);
	span->aud_timer = NULL;
	span->aud_tx = NULL;
	for (int i = 0; i < span->nchans; i++)
		span->chans[i].aud_wait = false;
}
