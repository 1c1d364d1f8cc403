/*
 * Q.931 messages for one call, sent for call.c (which has checked that
 * the call's state allows them): our SETUP from the call information,
 * its retry on another channel after cause 44, overlap digits, keypad,
 * and the answering side's messages.
 */
#include <errno.h>
#include <libpri.h>
#include <string.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

/* ---- Q.931 messages for call.c, which has checked the call's state ---- */

/* Sends our SETUP for c on c->chan, from c->info. 0, ENOMEM or EIO. */
static int isdn_send_setup(struct tdm_call *c)
{
	struct tdm_span *span = c->span;
	struct pri_sr *sr;
	int err = 0;

	c->pcall = pri_new_call(span->pri);
	sr = pri_sr_new();
	if (!c->pcall || !sr) {
		err = ENOMEM;
		goto out;
	}
	pri_sr_set_channel(sr, c->chan->ts, 1, 0);
	pri_sr_set_bearer(sr, PRI_TRANS_CAP_SPEECH,
			  span->law == TDM_LAW_ULAW ? PRI_LAYER_1_ULAW
						    : PRI_LAYER_1_ALAW);
	tdm_info_to_sr(&c->info, sr, !c->overlap);
	span->placing = c;
	if (pri_setup(span->pri, c->pcall, sr))
		err = EIO;
	span->placing = NULL;
out:
	if (sr)
		pri_sr_free(sr);
	if (err && c->pcall) {
		pri_destroycall(span->pri, c->pcall);
		c->pcall = NULL;
	}
	tdm_isdn_sched(span);
	return err;
}

int tdm_isdn_setup(struct tdm_call *c, const struct tdm_setup *setup)
{
	struct tdm_call_info *in = &c->info;

	if (setup->info)
		*in = *setup->info;
	else
		memset(in, 0, sizeof(*in));
	if (!in->called.digits[0])
		tdm_info_copy(in->called.digits, sizeof(in->called.digits),
			      setup->called);
	if (!setup->info) {
		tdm_info_copy(in->calling.digits, sizeof(in->calling.digits),
			      setup->calling);
		tdm_info_copy(in->calling_name, sizeof(in->calling_name),
			      setup->calling_name);
	}
	in->complete = !setup->overlap;
	c->overlap = setup->overlap;
	return isdn_send_setup(c);
}

/* Cause 44 (requested channel not available) on our SETUP, before the
 * far end took the call anywhere: send it again on another channel. The
 * call object, its id and its user stay. live: libpri still has the old
 * call (we finish it); else a RELEASE COMPLETE freed it already. */
#define ISDN_MAX_RETRIES 4

bool tdm_isdn_retry(struct tdm_call *c, int cause, bool live)
{
	struct tdm_span *span = c->span;
	struct tdm_chan *old = c->chan, *ch;
	int n = __builtin_popcount(c->tried);

	if (c->dir != TDM_DIR_OUT ||
	    cause != PRI_CAUSE_REQUESTED_CHAN_UNAVAIL || c->hungup || !old ||
	    !span->pri || n >= ISDN_MAX_RETRIES || c->fixed_chan ||
	    (c->state != TDM_CALL_DIALING && c->state != TDM_CALL_PROCEEDING))
		return false;
	c->tried |= 1u << old->ts;
	ch = tdm_chan_take_ex(span, 0, c, c->tried);
	if (!ch)
		return false;
	if (live && c->pcall)
		pri_hangup(span->pri, c->pcall, cause);
	c->pcall = NULL;
	c->relcomp = false;
	c->cref = 0;
	c->chan = ch;
	tdm_chan_put(span, old);
	span->stats.chan_retries++;
	c->state = TDM_CALL_DIALING;
	tdm_call_log(c, LOG_NOTICE, "chan %d refused (cause 44), retrying",
		     old->ts);
	if (isdn_send_setup(c)) {
		c->hungup = true;
		tdm_call_disconnected(c, cause);
		if (!span->dying)
			tdm_call_released(c, cause);
	}
	return true;
}

void tdm_isdn_digits(struct tdm_call *c, const char *digits)
{
	for (; *digits; digits++)
		pri_information(c->span->pri, c->pcall, *digits);
	tdm_isdn_sched(c->span);
}

void tdm_isdn_keypad(struct tdm_call *c, const char *digits)
{
	pri_keypad_facility(c->span->pri, c->pcall, digits);
	tdm_isdn_sched(c->span);
}

void tdm_isdn_proceeding(struct tdm_call *c)
{
	tdm_isdn_overlap_stop(c);
	pri_proceeding(c->span->pri, c->pcall, c->chan->ts, 0);
	tdm_isdn_sched(c->span);
}

void tdm_isdn_alerting(struct tdm_call *c, bool inband)
{
	tdm_isdn_overlap_stop(c);
	pri_acknowledge(c->span->pri, c->pcall, c->chan->ts, inband);
	tdm_isdn_sched(c->span);
}

void tdm_isdn_progress(struct tdm_call *c)
{
	pri_progress(c->span->pri, c->pcall, c->chan->ts, 1);
	tdm_isdn_sched(c->span);
}

void tdm_isdn_answer(struct tdm_call *c)
{
	tdm_isdn_overlap_stop(c);
	pri_answer(c->span->pri, c->pcall, c->chan->ts, 0);
	tdm_isdn_sched(c->span);
}

void tdm_isdn_hangup(struct tdm_call *c, int cause)
{
	tdm_isdn_overlap_stop(c);
	if (!c->pcall || !c->span->pri)
		return; /* libpri's call already gone */
	if (c->pri_last) {
		/* the far end's RELEASE or libpri's timer left it in the
		 * Null state: this frees it */
		pri_hangup(c->span->pri, c->pcall, cause);
		c->pcall = NULL;
	} else if (c->state == TDM_CALL_OFFERED) {
		tdm_isdn_refuse(c->span, c->pcall, cause, c->chan->ts);
	} else {
		pri_hangup(c->span->pri, c->pcall, cause);
	}
	tdm_isdn_sched(c->span);
}

/* Q.931 5.1.7: no ALERTING, CONNECT, DISCONNECT or PROGRESS within T310
 * of CALL PROCEEDING: clear with cause 102 (recovery on timer expiry). */
static void isdn_t310(void *arg)
{
	struct tdm_call *c = arg;
	struct tdm_span *span = c->span;

	c->t310 = NULL;
	tdm_span_enter(span);
	tdm_call_log(c, LOG_INFO, "T310 expired (%d ms after CALL PROCEEDING)",
		     span->t310_ms);
	tdm_call_disconnected(c, PRI_CAUSE_RECOVERY_ON_TIMER_EXPIRE);
	if (!span->dying && !c->hungup)
		tdm_call_hangup(c, PRI_CAUSE_RECOVERY_ON_TIMER_EXPIRE);
	if (tdm_span_leave(span))
		return;
	tdm_isdn_sched(span);
}

void tdm_isdn_t310_start(struct tdm_call *c)
{
	struct tdm_span *span = c->span;

	if (c->dir != TDM_DIR_OUT || span->t310_ms <= 0 || c->t310)
		return;
	c->t310 = span->hooks.timer_start(
		span->hooks.arg, (uint64_t)span->t310_ms, isdn_t310, c);
}
