/*
 * New calls and library events: a PSTN SETUP routed to a SIP trunk, a SIP
 * INVITE routed to a span group, and every later event of either leg
 * handed to the call's state machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/media_worker.h"
#include "gateway/interwork.h"
#include "gateway/route.h"

/* ---- TDM side -------------------------------------------------------- */

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* An incoming PSTN call: route it to a SIP trunk. */
static void tdm_setup(struct gw *gw, struct tdm_span *span,
		      struct tdm_call *tcall, const struct tdm_event *ev)
{
	struct gw_route_result rr;
	struct gw_call *c;
	int cause = 0;

	gw->stats.calls_from_pstn++;
	if (gw->stopping) {
		gw->stats.refused_stopping++;
		gw->stats.calls_failed++; /* refused without a call object */
		tdm_call_hangup(tcall, GW_CAUSE_CONGESTION);
		return;
	}
	c = call_alloc(gw, ORIG_PSTN);
	if (!c) {
		gw->stats.calls_failed++;
		tdm_call_hangup(tcall, GW_CAUSE_TEMPORARY_FAILURE);
		return;
	}
	c->tdm = tcall;
	c->span = span;
	tdm_call_set_user(tcall, c);
	copy_str(c->called, sizeof(c->called), ev->called);
	copy_str(c->calling, sizeof(c->calling), ev->calling);
	copy_str(c->name, sizeof(c->name), ev->calling_name);
	CLOG(c, LOG_NOTICE, "from span %u chan %d: %s -> %s", tdm_span_id(span),
	     ev->chan, c->calling[0] ? c->calling : "-", c->called);
	if (ev->info) /* mapping these to SIP is issue 7's */
		CLOG(c, LOG_INFO,
		     "calling %s/%s %s %s, called %s/%s, redirecting '%s' (%s)",
		     tdm_ton_name(ev->info->calling.ton),
		     tdm_npi_name(ev->info->calling.npi),
		     tdm_pres_name(ev->info->calling.pres),
		     tdm_screen_name(ev->info->calling.screen),
		     tdm_ton_name(ev->info->called.ton),
		     tdm_npi_name(ev->info->called.npi),
		     ev->info->redirecting.digits,
		     tdm_redir_name(ev->info->redirect_reason));

	call_hold(c);
	if (gw_route_lookup(&gw->cfg, CFG_FROM_PSTN, c->called, &rr)) {
		CLOG(c, LOG_NOTICE, "no route for %s", c->called);
		gw->stats.no_route++;
		cause = GW_CAUSE_UNALLOCATED;
		goto out;
	}
	const struct cfg_trunk *tr =
		rr.route->target_kind == CFG_TARGET_TRUNK
			? cfg_trunk_find(&gw->cfg, rr.route->target_name)
			: NULL;

	if (!tr) {
		CLOG(c, LOG_WARNING, "route %s leads back to the PSTN",
		     rr.route->name);
		gw->stats.no_route++;
		cause = GW_CAUSE_UNALLOCATED;
		goto out;
	}
	copy_str(c->cdr.called_in, sizeof(c->cdr.called_in), c->called);
	copy_str(c->cdr.target, sizeof(c->cdr.target), rr.route->target_name);
	copy_str(c->called, sizeof(c->called), rr.called);
	c->mprof = gw_mprof_for(gw, tr); /* media: the trunk's codecs, DTMF */
	call_fax_init(c, tr);
	if (call_rtp_open(c)) {
		cause = GW_CAUSE_TEMPORARY_FAILURE;
		goto out;
	}

	char ruri[160], sdp[1024];
	size_t sdplen;
	struct sip_call_params p = {
		.ruri = ruri,
		.from_user = c->calling[0] ? c->calling : "anonymous",
		.from_display = c->name[0] ? c->name : NULL,
		.from_host = gw->cfg.sip_domain,
	};

	/* IPv6 in brackets; the trunk's transport in the URI and next hop */
	bool v6 = strchr(tr->host, ':') != NULL;
	static const char *const tparam[] = { "", ";transport=tcp",
					      ";transport=tls" };

	snprintf(ruri, sizeof(ruri), "sip:%s@%s%s%s:%u%s", c->called,
		 v6 ? "[" : "", tr->host, v6 ? "]" : "", tr->port,
		 tparam[tr->transport % 3]);
	if (sip_addr_set(&p.dst, tr->host, (uint16_t)tr->port) ||
	    sdp_build_offer(&c->local, sdp, sizeof(sdp), &sdplen)) {
		cause = GW_CAUSE_TEMPORARY_FAILURE;
		goto out;
	}
	if (c->fax.initial &&
	    call_fax_initial_offer(c, sdp, sizeof(sdp), &sdplen))
		CLOG(c, LOG_WARNING, "T.38 left out of the INVITE");
	p.dst.tp = (enum sip_transport)tr->transport;
	p.sdp = sdp;
	gw_sipauth_call_creds(tr, &p.auth_user, &p.auth_password);
	int err = sip_call_invite(gw->sip, &p, c, &c->sip);

	if (err) {
		CLOG(c, LOG_WARNING, "INVITE to trunk %s failed: %s", tr->name,
		     strerror(err));
		cause = GW_CAUSE_TEMPORARY_FAILURE;
		goto out;
	}
	CLOG(c, LOG_INFO, "route %s: INVITE %s via trunk %s", rr.route->name,
	     ruri, tr->name);
	if (tdm_call_proceeding(tcall))
		CLOG(c, LOG_DEBUG, "could not send CALL PROCEEDING");
out:
	if (cause) {
		call_release(c, cause, 0);
		c->state = CS_RELEASING;
	}
	call_unhold(c);
}

/* The TDM events that belong to a call's state machine, or -1. */
static int tdm_call_ev(enum tdm_event_type t)
{
	switch (t) {
	case TDM_EV_PROCEEDING:
		return EV_TDM_PROCEEDING;
	case TDM_EV_ALERTING:
		return EV_TDM_ALERTING;
	case TDM_EV_PROGRESS:
		return EV_TDM_PROGRESS;
	case TDM_EV_CONNECT:
		return EV_TDM_CONNECT;
	case TDM_EV_CONNECT_ACK:
		return EV_TDM_CONNECT_ACK;
	case TDM_EV_DISCONNECT:
		return EV_TDM_DISCONNECT;
	case TDM_EV_RELEASED:
		return EV_TDM_RELEASED;
	default:
		return -1;
	}
}

void gw_call_tdm_event(struct gw *gw, struct tdm_span *span,
		       struct tdm_call *tcall, const struct tdm_event *ev)
{
	struct gw_call *c = tcall ? tdm_call_user(tcall) : NULL;
	struct call_evdata d = { .cause = ev->cause, .inband = ev->inband };
	int cev = tdm_call_ev(ev->type);

	switch (ev->type) {
	case TDM_EV_SETUP:
		tdm_setup(gw, span, tcall, ev);
		gw_trunks_changed(gw);
		return;
	case TDM_EV_SPAN_UP:
	case TDM_EV_SPAN_DOWN:
	case TDM_EV_L1_UP:
	case TDM_EV_L1_DOWN:
		gw_log(GW_LOG_TDM, LOG_NOTICE, "span %u: %s", tdm_span_id(span),
		       tdm_event_type_name(ev->type));
		gw_trunks_changed(gw);
		return;
	case TDM_EV_ALARM:
		gw_log(GW_LOG_TDM, ev->alarms ? LOG_WARNING : LOG_NOTICE,
		       "span %u: layer 1 alarms%s%s%s%s", tdm_span_id(span),
		       ev->alarms & TDM_ALARM_RED ? " red" : "",
		       ev->alarms & TDM_ALARM_YELLOW ? " yellow" : "",
		       ev->alarms & TDM_ALARM_BLUE ? " blue" : "",
		       ev->alarms ? "" : " cleared");
		return;
	case TDM_EV_CHAN_STATE:
	case TDM_EV_RESTART:
		/* the far end restarts every channel at each start */
		gw_log(GW_LOG_TDM,
		       ev->type == TDM_EV_RESTART ? LOG_DEBUG : LOG_INFO,
		       "span %u chan %d: %s %s", tdm_span_id(span), ev->chan,
		       tdm_event_type_name(ev->type),
		       ev->type == TDM_EV_CHAN_STATE
			       ? tdm_chan_state_name(ev->chan_state)
			       : "");
		if (ev->type == TDM_EV_CHAN_STATE)
			gw_trunks_changed(gw);
		return;
	case TDM_EV_REJECTED_FRAME:
		gw->stats.span_frames_rejected++;
		gw_log(GW_LOG_TDM, LOG_WARNING, "span %u: rejected frame: %s",
		       tdm_span_id(span), ev->reason ? ev->reason : "?");
		return;
	default:
		break;
	}
	if (ev->type == TDM_EV_RELEASED)
		gw_trunks_changed(gw);
	if (cev < 0)
		return; /* INFO: overlap dialling comes with the PRI issue */
	if (!c) {
		if (ev->type != TDM_EV_RELEASED)
			gw_log(GW_LOG_CALL, LOG_DEBUG,
			       "span %u: %s for no call", tdm_span_id(span),
			       tdm_event_type_name(ev->type));
		return;
	}
	call_dispatch(c, (enum call_ev)cev, &d);
}

void gw_call_tdm_audio_rx(struct gw *gw, struct tdm_call *tcall,
			  const uint8_t *rx, size_t n)
{
	struct gw_call *c = tdm_call_user(tcall);

	if (c && c->mslot)
		gw_mslot_audio_rx(c->mslot, rx, n, c->media_to_sip);
}

bool gw_call_tdm_audio_tx(struct gw *gw, struct tdm_call *tcall, uint8_t *tx,
			  size_t n, bool late)
{
	struct gw_call *c = tdm_call_user(tcall);

	if (c && call_rtone_tdm_tx(c, tx, n))
		return true; /* busy/congestion before release */
	/* no media (yet, or any more): tx keeps its silence */
	if (!c || !c->mslot)
		return true;
	return gw_mslot_audio_tx(c->mslot, tx, n, late,
				 tdm_law_silence(tdm_span_law(c->span)));
}

/* ---- SIP side -------------------------------------------------------- */

/* Places the PSTN leg on the group: tdm hunts a channel across its
 * spans with the group's strategy. */
static int place_on_group(struct gw_call *c, const char *group)
{
	struct gw *gw = c->gw;
	struct tdm_setup setup = {
		.called = c->called,
		.calling = c->calling[0] ? c->calling : NULL,
		.calling_name = c->name[0] ? c->name : NULL,
	};
	int err;

	for (size_t i = 0; i < gw->nspans; i++) {
		struct gw_span *s = &gw->spans[i];

		if (strcmp(s->cfg->group, group) || !s->group)
			continue;
		err = tdm_group_place(s->group, &setup, c, &c->tdm);
		if (err)
			return err == ENOTCONN ? ENOENT : err;
		c->span = tdm_call_span(c->tdm);
		gw_trunks_changed(gw);
		CLOG(c, LOG_INFO, "placed on span %u chan %d",
		     tdm_span_id(c->span), tdm_call_chan(c->tdm));
		return 0;
	}
	return ENOENT;
}

void gw_call_sip_incoming(struct gw *gw, struct sip_call *scall,
			  const struct sip_msg *invite)
{
	struct gw_route_result rr;
	struct gw_call *c;
	struct sip_pl pl, ctype;
	unsigned code = 0;
	int err;

	gw->stats.calls_from_sip++;
	if (gw->stopping) {
		gw->stats.refused_stopping++;
		gw->stats.calls_failed++; /* refused without a call object */
		sip_call_respond(scall, 503, NULL, NULL);
		return;
	}
	c = call_alloc(gw, ORIG_SIP);
	if (!c) {
		gw->stats.calls_failed++;
		sip_call_respond(scall, 500, NULL, NULL);
		return;
	}
	c->sip = scall;
	sip_call_set_user(scall, c);
	pl = sip_msg_ruri_user(invite);
	sip_pl_copy(&pl, c->called, sizeof(c->called));
	pl = sip_msg_from_user(invite);
	sip_pl_copy(&pl, c->calling, sizeof(c->calling));
	pl = sip_msg_from_display(invite);
	sip_pl_copy(&pl, c->name, sizeof(c->name));
	CLOG(c, LOG_NOTICE, "from SIP: %s -> %s (Call-ID %s)",
	     c->calling[0] ? c->calling : "-", c->called,
	     sip_call_callid(scall));

	call_hold(c);
	if (!c->called[0] ||
	    gw_route_lookup(&gw->cfg, CFG_FROM_SIP, c->called, &rr) ||
	    rr.route->target_kind != CFG_TARGET_GROUP) {
		CLOG(c, LOG_NOTICE, "no route for '%s'", c->called);
		gw->stats.no_route++;
		code = 404;
		goto out;
	}
	copy_str(c->cdr.called_in, sizeof(c->cdr.called_in), c->called);
	copy_str(c->cdr.target, sizeof(c->cdr.target), rr.route->target_name);
	copy_str(c->called, sizeof(c->called), rr.called);

	pl = sip_msg_body(invite, &ctype);
	struct sdp_session offer;
	struct sdp_result res;
	size_t len;

	if (!pl.l || !sip_pl_casecmp(&ctype, "application/sdp")) {
		/* RFC 3261 allows an offer in the 200; not yet supported */
		CLOG(c, LOG_NOTICE, "INVITE without an SDP offer refused");
		code = 488;
		goto out;
	}
	if (sdp_parse(&offer, pl.p, pl.l)) {
		CLOG(c, LOG_NOTICE, "INVITE with malformed SDP refused");
		code = 400;
		goto out;
	}
	/* media: codecs and DTMF mode of the trunk it comes from */
	const struct cfg_trunk *from = gw_mprof_trunk_of(&gw->cfg, invite);

	c->mprof = gw_mprof_for(gw, from);
	call_fax_init(c, from);
	if (call_rtp_open(c)) {
		code = 503;
		goto out;
	}
	err = sdp_answer(&offer, &c->local, &res, c->answer_sdp,
			 sizeof(c->answer_sdp), &len);
	/* no audio we take, but T.38 (a fax server sending): a fax call */
	bool t38 = err && !call_fax_incoming_offer(c, &offer, &res);

	if (t38)
		err = 0;
	if (err) {
		CLOG(c, LOG_NOTICE, "no common codec in the offer");
		code = 488;
		goto out;
	}
	/* The span, and so the TDM law, is known only once placed. */
	err = place_on_group(c, rr.route->target_name);
	if (err) {
		if (err == ENOENT)
			CLOG(c, LOG_NOTICE, "no span of group %s is up",
			     rr.route->target_name);
		else
			CLOG(c, LOG_NOTICE, "no channel in group %s: %s",
			     rr.route->target_name, strerror(err));
		gw->stats.no_channel++;
		code = 503;
		goto out;
	}
	if (call_media_start(c, &res) || (t38 && call_fax_incoming_start(c))) {
		code = 488;
		goto out;
	}
out:
	if (code) {
		c->sip_code = code;
		call_release(c, gw_sip_to_cause(code), code);
		c->state = CS_RELEASING;
	}
	call_unhold(c);
}

void gw_call_sip_event(struct gw *gw, struct sip_call *scall,
		       const struct sip_call_event *ev)
{
	struct gw_call *c = sip_call_user(scall);
	struct call_evdata d = { .code = ev->code,
				 .cause = ev->q850_cause,
				 .sdp = ev->sdp };
	/* 0: not for the call's state table (the stack answered already) */
	static const int map[SIP_CALL_EV__COUNT] = {
		[SIP_CALL_EV_PROGRESS] = EV_SIP_PROGRESS,
		[SIP_CALL_EV_ANSWERED] = EV_SIP_ANSWERED,
		[SIP_CALL_EV_CONFIRMED] = EV_SIP_CONFIRMED,
		[SIP_CALL_EV_FAILED] = EV_SIP_FAILED,
		[SIP_CALL_EV_CANCELLED] = EV_SIP_CANCELLED,
		[SIP_CALL_EV_BYE] = EV_SIP_BYE,
		[SIP_CALL_EV_ENDED] = EV_SIP_ENDED,
		/* the stack sent the BYE: clear the PSTN side alike */
		[SIP_CALL_EV_SESSION_EXPIRED] = EV_SIP_BYE,
	};

	if (!c || (unsigned)ev->type >= SIP_CALL_EV__COUNT)
		return;
	if (ev->type == SIP_CALL_EV_OFFER) {
		if (!call_fax_offer(c, &ev->sdp)) /* T.38, or back from it */
			call_reoffer(c, &ev->sdp);
		return;
	}
	if (ev->type == SIP_CALL_EV_REOFFER_DONE) {
		call_fax_reoffer_done(c, ev->code, &ev->sdp);
		return;
	}
	if (ev->type == SIP_CALL_EV_INFO) {
		call_dtmf_info_rx(c, ev); /* media: DTMF by SIP INFO */
		return;
	}
	if (ev->type == SIP_CALL_EV_REFER) {
		/* no call transfer across the PSTN: the REFER fails (RFC 3515
		 * 2.4.5: a final sipfrag in the last NOTIFY) */
		CLOG(c, LOG_NOTICE, "REFER to %.*s declined",
		     (int)ev->refer_to.l, ev->refer_to.p);
		sip_call_refer_notify(scall, 603);
		return;
	}
	if (ev->type == SIP_CALL_EV_SESSION_EXPIRED)
		d.cause = 102; /* recovery on timer expiry */
	else if (!map[ev->type])
		return; /* re-INVITE/UPDATE keep the media; INFO, REFER */
	call_dispatch(c, (enum call_ev)map[ev->type], &d);
}
