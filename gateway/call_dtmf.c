/*
 * DTMF through the gateway beyond what the media session does by itself
 * (RFC 4733 both ways, in-band left alone): DTMF mode info sends digits
 * detected on the PSTN leg as SIP INFO (application/dtmf-relay) and plays
 * the digits of INFO requests received in-band towards the PSTN, in any
 * mode. Plus the fax/modem switch of the media session.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/media_worker.h"

#define INFO_MIN_MS 40	 /* a digit shorter than this is not sent shorter */
#define INFO_PLAY_MS 100 /* an INFO without Duration */

static struct gw_call *call_by_id(struct gw *gw, unsigned id)
{
	for (struct gw_call *c = gw->calls; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static void info_done(void *arg, struct sip_req *req, int err,
		      const struct sip_msg *resp)
{
	struct gw *gw = arg;

	if (err || !resp || resp->code >= 300) {
		gw->stats.dtmf_info_failed++;
		gw_log(GW_LOG_CALL, LOG_WARNING, "DTMF INFO not accepted: %s",
		       err ? strerror(err) : "error response");
	}
}

/* A digit began or ended in a call's session (worker report). */
void gw_call_media_dtmf(void *arg, uint64_t cookie, char digit, bool end,
			bool from_rtp)
{
	struct gw *gw = arg;
	struct gw_call *c = call_by_id(gw, (unsigned)cookie);
	char body[64];
	size_t len;
	unsigned ms;
	uint64_t now = gw_loop_now_us(gw->loop);
	int err;

	if (!c || from_rtp || !c->mprof || c->mprof->dtmf != MEDIA_DTMF_INFO)
		return; /* RFC 4733 and in-band: the session did it all */
	if (!end) {
		c->dtmf_begin_us = now;
		return;
	}
	/* sent at the end, with the length the caller pressed */
	ms = c->dtmf_begin_us ? (unsigned)((now - c->dtmf_begin_us) / 1000)
			      : INFO_PLAY_MS;
	c->dtmf_begin_us = 0;
	if (ms < INFO_MIN_MS)
		ms = INFO_MIN_MS;
	if (!c->sip || !c->media_to_sip ||
	    media_dtmf_info_build(digit, ms, body, sizeof(body), &len)) {
		CLOG(c, LOG_NOTICE, "DTMF %c not sent: no SIP dialog", digit);
		gw->stats.dtmf_info_failed++;
		return;
	}
	err = sip_call_request(c->sip, SIP_METHOD_INFO, NULL,
			       "application/dtmf-relay", body, info_done, gw,
			       NULL);
	if (err) {
		CLOG(c, LOG_WARNING, "DTMF %c: INFO not sent: %s", digit,
		     strerror(err));
		gw->stats.dtmf_info_failed++;
		return;
	}
	gw->stats.dtmf_info_tx++;
	CLOG(c, LOG_INFO, "DTMF %c (%u ms) sent as INFO", digit, ms);
}

void call_dtmf_info_rx(struct gw_call *c, const struct sip_call_event *ev)
{
	struct sip_pl ctype, body;
	char digit;
	unsigned ms;
	int err;

	if (!ev->msg)
		return;
	body = sip_msg_body(ev->msg, &ctype);
	if (!sip_pl_casecmp(&ctype, "application/dtmf-relay")) {
		CLOG(c, LOG_DEBUG, "INFO without dtmf-relay body ignored");
		return;
	}
	if (media_dtmf_info_parse(body.p, body.l, &digit, &ms)) {
		c->gw->stats.dtmf_info_bad++;
		CLOG(c, LOG_NOTICE, "INFO with a bad dtmf-relay body ignored");
		return;
	}
	if (!c->mslot) {
		CLOG(c, LOG_NOTICE, "DTMF %c by INFO before media: dropped",
		     digit);
		c->gw->stats.dtmf_info_bad++;
		return;
	}
	err = gw_mslot_dtmf_play(c->mslot, digit, ms ? ms : INFO_PLAY_MS);
	if (err) {
		CLOG(c, LOG_WARNING, "DTMF %c by INFO not played: %s", digit,
		     strerror(err));
		return;
	}
	c->gw->stats.dtmf_info_rx++;
	CLOG(c, LOG_INFO, "DTMF %c (%u ms) by INFO played to the PSTN", digit,
	     ms);
}

int gw_call_fax_mode(struct gw_call *c)
{
	int err;

	if (!c || !c->mslot)
		return ENOENT;
	err = gw_mslot_fax_mode(c->mslot, c->gw->cfg.fax.g711_jitter_ms);
	if (!err)
		CLOG(c, LOG_INFO, "fax/modem: jitter buffer fixed, EC off");
	return err;
}
