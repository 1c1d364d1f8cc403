/*
 * Call progress tones the gateway plays itself, in the country profile of
 * the span's tone_country, else [media]'s: ringback towards SIP as early
 * media when the PSTN alerts without in-band information; and, with
 * release_tone, busy or congestion before a failed call is released:
 * towards a SIP caller (183; the PSTN leg is already cleared, so our own
 * 20 ms clock drives the media worker) or towards a PSTN caller on a
 * network-side span (PROGRESS with in-band information; the tone is made
 * here, on the signalling thread, 160 samples a block).
 */
#include <errno.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/interwork.h"
#include "gateway/media_worker.h"

static const char *country_of(const struct gw_call *c)
{
	const struct gw *gw = c->gw;

	for (size_t i = 0; i < gw->nspans; i++)
		if (gw->spans[i].span == c->span &&
		    gw->spans[i].cfg->tone_country[0])
			return gw->spans[i].cfg->tone_country;
	return gw->cfg.tone_country;
}

int call_tone(struct gw_call *c, int tone)
{
	struct media_toneplay *tp = NULL;
	int err;

	if (!c->mslot)
		return ENOENT;
	if (tone < 0 && !c->toning)
		return 0;
	if (tone >= 0) {
		err = media_toneplay_alloc(country_of(c), (enum media_tone)tone,
					   &tp);
		if (err) {
			CLOG(c, LOG_WARNING, "no %s tone for '%s': %s",
			     media_tone_name((enum media_tone)tone),
			     country_of(c), strerror(err));
			return err;
		}
	}
	err = gw_mslot_tone(c->mslot, tp);
	if (err) {
		media_toneplay_free(tp);
		CLOG(c, LOG_WARNING, "tone: media worker busy");
		return err;
	}
	c->toning = tone >= 0;
	if (tone >= 0)
		CLOG(c, LOG_INFO, "playing %s (%s) as early media",
		     media_tone_name((enum media_tone)tone), country_of(c));
	return 0;
}

/* ---- busy and congestion before release (release_tone) --------------- */

static int tone_for_cause(int cause)
{
	switch (cause) {
	case 17:
		return MEDIA_TONE_BUSY;
	case 34: /* no circuit */
	case 38: /* network out of order */
	case 41: /* temporary failure */
	case 42: /* switching equipment congestion */
	case 44: /* requested channel not available */
	case 47: /* resource unavailable */
		return MEDIA_TONE_CONGESTION;
	default:
		return -1;
	}
}

static bool span_is_net(const struct gw_call *c)
{
	const struct gw *gw = c->gw;

	for (size_t i = 0; i < gw->nspans; i++)
		if (gw->spans[i].span == c->span)
			return gw->spans[i].cfg->role == CFG_ROLE_NET;
	return false;
}

static void rtone_end(void *arg)
{
	struct gw_call *c = arg;
	int cause = c->rtone_cause;
	unsigned code = c->rtone_code;

	c->rtone_timer = NULL;
	CLOG(c, LOG_INFO, "%s tone over: releasing",
	     c->rtone_tdm ? "PSTN" : "SIP");
	call_hold(c); /* the release may end both legs at once */
	call_rtone_stop(c);
	if (code)
		c->sip_code = code;
	c->state = CS_RELEASING;
	call_release(c, cause, code);
	call_unhold(c);
}

/* The PSTN leg is gone, so no TDM block drives the media worker: feed it
 * silence on our own 20 ms clock (the tone replaces it towards RTP). */
static void rtone_pump(void *arg)
{
	struct gw_call *c = arg;
	uint8_t law = tdm_law_silence(tdm_span_law(c->span));
	uint8_t blk[GW_MW_BLOCK], out[GW_MW_BLOCK];

	c->rtone_pump = NULL;
	if (!c->rtone || !c->mslot)
		return;
	if (!c->tdm) {
		memset(blk, law, sizeof(blk));
		gw_mslot_audio(c->mslot, blk, out, sizeof(blk), true, law);
	}
	c->rtone_next_us += 20000;
	c->rtone_pump = gw_timer_start_at_us(c->gw->loop, c->rtone_next_us,
					     rtone_pump, c);
}

static bool rtone_arm(struct gw_call *c, int cause, unsigned code)
{
	struct gw *gw = c->gw;

	c->rtone_timer = gw_timer_start(
		gw->loop, gw->cfg.release_tone_s * 1000u, rtone_end, c);
	if (!c->rtone_timer)
		return false;
	c->rtone = true;
	c->rtone_cause = cause;
	c->rtone_code = code;
	gw->stats.release_tones++;
	return true;
}

bool call_rtone_sip(struct gw_call *c, int cause)
{
	int tone = tone_for_cause(cause);

	if (!c->gw->cfg.release_tone || tone < 0 || !c->mslot || !c->sip ||
	    c->sip_hungup || c->rtone)
		return false;
	if (!c->media_to_sip &&
	    sip_call_respond(c->sip, 183, NULL, c->answer_sdp))
		return false;
	c->media_to_sip = true;
	if (call_tone(c, tone) ||
	    !rtone_arm(c, cause, call_cause_to_sip(c, cause)))
		return false;
	c->rtone_next_us = gw_loop_now_us(c->gw->loop) + 20000;
	c->rtone_pump = gw_timer_start_at_us(c->gw->loop, c->rtone_next_us,
					     rtone_pump, c);
	c->gw->stats.release_tone_by[0][tone == MEDIA_TONE_CONGESTION]++;
	CLOG(c, LOG_INFO, "cause %d: %s to the SIP caller for %u s", cause,
	     media_tone_name((enum media_tone)tone), c->gw->cfg.release_tone_s);
	return true;
}

bool call_rtone_pstn(struct gw_call *c, int cause)
{
	int tone = tone_for_cause(cause);
	struct media_toneplay *tp = NULL;

	if (!c->gw->cfg.release_tone || tone < 0 || !c->tdm || c->tdm_hungup ||
	    c->rtone || !span_is_net(c))
		return false;
	if (media_toneplay_alloc(country_of(c), (enum media_tone)tone, &tp))
		return false;
	/* PROGRESS with progress indicator 8: in-band information follows */
	if (tdm_call_progress(c->tdm) || !rtone_arm(c, cause, 0)) {
		media_toneplay_free(tp);
		c->rtone = false;
		return false;
	}
	c->rtone_tdm = tp;
	c->gw->stats.release_tone_by[1][tone == MEDIA_TONE_CONGESTION]++;
	CLOG(c, LOG_INFO, "cause %d: %s to the PSTN caller for %u s", cause,
	     media_tone_name((enum media_tone)tone), c->gw->cfg.release_tone_s);
	return true;
}

bool call_rtone_tdm_tx(struct gw_call *c, uint8_t *tx, size_t n)
{
	int16_t lin[GW_MW_BLOCK];
	enum media_law law = tdm_span_law(c->span) == TDM_LAW_ALAW
				     ? MEDIA_LAW_ALAW
				     : MEDIA_LAW_ULAW;

	if (!c->rtone_tdm || n > GW_MW_BLOCK)
		return false;
	media_toneplay_run(c->rtone_tdm, lin, n);
	media_linear_to_law(law, lin, tx, n);
	return true;
}

void call_rtone_stop(struct gw_call *c)
{
	struct gw_loop *loop = c->gw->loop;

	if (c->rtone_timer)
		gw_timer_stop(loop, c->rtone_timer);
	if (c->rtone_pump)
		gw_timer_stop(loop, c->rtone_pump);
	c->rtone_timer = c->rtone_pump = NULL;
	media_toneplay_free(c->rtone_tdm);
	c->rtone_tdm = NULL;
	c->rtone = false;
}
