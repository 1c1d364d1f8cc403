/*
 * New calls and library events: a PSTN SETUP routed to a SIP trunk, a SIP
 * INVITE routed to a span group, and every later event of either leg
 * handed to the call's state machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/call_int.h"
#include "gateway/media_worker.h"
#include "gateway/identity.h"
#include "gateway/interwork.h"
#include "gateway/originate.h"
#include "gateway/route.h"

/* ---- TDM side -------------------------------------------------------- */

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* The local time, for rules with time windows. */
static void route_query(struct gw_call *c, int side, const char *group,
			const char *trunk, struct gw_route_query *q)
{
	*q = (struct gw_route_query){ .side = side,
				      .group = group,
				      .trunk = trunk,
				      .called = c->called,
				      .calling = c->calling };
	gw_route_when((long long)time(NULL), q);
}

/* Matches the call against the table; the call keeps the table, its
 * rule and the rewritten numbers. false: no rule (logged, counted). */
static bool route_call(struct gw_call *c, const struct gw_route_query *q)
{
	struct gw *gw = c->gw;
	struct gw_route_result rr;

	if (!c->called[0] || gw_route_match(gw->routes, q, &rr)) {
		CLOG(c, LOG_NOTICE, "no route for %s (from %s)",
		     c->called[0] ? c->called : "an empty number",
		     c->calling[0] ? c->calling : "-");
		gw->stats.no_route++;
		return false;
	}
	c->rt = gw_route_table_ref(gw->routes);
	c->rule = rr.rule;
	c->route_fax = rr.rule->fax;
	copy_str(c->cdr.called_in, sizeof(c->cdr.called_in), c->called);
	copy_str(c->cdr.calling_in, sizeof(c->cdr.calling_in), c->calling);
	copy_str(c->called, sizeof(c->called), rr.called);
	copy_str(c->calling, sizeof(c->calling), rr.calling);
	CLOG(c, LOG_INFO, "route %s (%s:%d): %s -> %s%s", rr.rule->name,
	     c->rt->file[0] ? c->rt->file : "pstngw.conf", rr.rule->line,
	     c->calling[0] ? c->calling : "-", c->called,
	     c->route_fax ? ", fax" : "");
	return true;
}

/* Whether the rule has a target of this kind: a rule sending PSTN calls
 * only to groups (or SIP calls only to trunks) is no route for them. */
static bool has_kind(struct gw_call *c, int kind)
{
	for (size_t i = 0; i < c->rule->ntargets; i++)
		if (c->rule->targets[i].kind == kind)
			return true;
	CLOG(c, LOG_WARNING, "route %s leads back to %s", c->rule->name,
	     kind == CFG_TARGET_TRUNK ? "the PSTN" : "SIP");
	c->gw->stats.no_route++;
	return false;
}

/* Whether target i can take a call now; why not into why. */
static bool target_usable(struct gw_call *c, size_t i, const char **why)
{
	const struct gw_route_target *t = &c->rule->targets[i];
	unsigned max = gw_route_limit(c->rt, t->kind, t->name);

	if (t->kind == CFG_TARGET_TRUNK &&
	    gw_route_trunk_down(c->gw, t->name)) {
		*why = "down (OPTIONS)";
		return false;
	}
	if (max && call_count_on(c->gw, t->kind, t->name) >= max) {
		c->gw->stats.route_limited++;
		*why = "at its call limit";
		return false;
	}
	return true;
}

/* INVITE to trunk tr for a PSTN call; 0 or errno (logged). */
static int invite_trunk(struct gw_call *c, const struct cfg_trunk *tr)
{
	struct gw *gw = c->gw;
	char ruri[160], sdp[1024];
	size_t sdplen;
	struct sip_call_params p = {
		.ruri = ruri,
		.from_user = c->calling[0] ? c->calling : "anonymous",
		.from_display = c->name[0] ? c->name : NULL,
		.from_host = gw->cfg.sip_domain,
	};
	struct gw_id_sip ids;

	call_id_invite(c, tr, &ids, &p); /* From, PAI, Privacy, Diversion */

	/* IPv6 in brackets; the trunk's transport in the URI and next hop */
	bool v6 = strchr(tr->host, ':') != NULL;
	static const char *const tparam[] = { "", ";transport=tcp",
					      ";transport=tls" };

	snprintf(ruri, sizeof(ruri), "sip:%s@%s%s%s:%u%s", c->called,
		 v6 ? "[" : "", tr->host, v6 ? "]" : "", tr->port,
		 tparam[tr->transport % 3]);
	if (sip_addr_set(&p.dst, tr->host, (uint16_t)tr->port) ||
	    sdp_build_offer(&c->local, sdp, sizeof(sdp), &sdplen))
		return EINVAL;
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
		return err;
	}
	CLOG(c, LOG_INFO, "route %s: INVITE %s via trunk %s", c->rule->name,
	     ruri, tr->name);
	return 0;
}

/* Tries the rule's targets from index `from` on: the first trunk that
 * is up, under its limit and takes the INVITE. 0, or the cause to
 * refuse the call with. */
static int try_trunks(struct gw_call *c, size_t from)
{
	struct gw *gw = c->gw;
	int cause = GW_CAUSE_NO_CIRCUIT;

	for (size_t i = from; i < c->rule->ntargets; i++) {
		const struct gw_route_target *t = &c->rule->targets[i];
		const struct cfg_trunk *tr;
		const char *why;

		if (t->kind != CFG_TARGET_TRUNK) {
			CLOG(c, LOG_WARNING,
			     "route %s: group %s leads back to the PSTN",
			     c->rule->name, t->name);
			continue;
		}
		tr = cfg_trunk_find(&gw->cfg, t->name);
		if (!tr) { /* a reload removed it */
			CLOG(c, LOG_WARNING, "route %s: no trunk %s",
			     c->rule->name, t->name);
			continue;
		}
		if (!target_usable(c, i, &why)) {
			CLOG(c, LOG_NOTICE, "route %s: trunk %s skipped: %s",
			     c->rule->name, t->name, why);
			continue;
		}
		c->alt = (int)i;
		call_set_mprof(c, gw_mprof_for(gw, tr)); /* codecs, DTMF */
		call_fax_init(c, tr); /* its fax mode; T.38 in the INVITE? */
		if (c->rtp_fd < 0) {
			if (call_rtp_open(c))
				return GW_CAUSE_TEMPORARY_FAILURE;
		} else { /* a failover: the same port, this trunk's codecs */
			gw_mprof_local(c->mprof, &gw->cfg, &c->local);
		}
		if (invite_trunk(c, tr)) {
			cause = GW_CAUSE_TEMPORARY_FAILURE;
			c->alt = -1;
			continue;
		}
		copy_str(c->cdr.target, sizeof(c->cdr.target), t->name);
		return 0;
	}
	return cause;
}

/* An incoming PSTN call: route it to a SIP trunk. */
static void tdm_setup(struct gw *gw, struct tdm_span *span,
		      struct tdm_call *tcall, const struct tdm_event *ev)
{
	struct gw_route_query q;
	struct gw_call *c;
	int cause = 0;

	gw->stats.calls_from_pstn++;
	if (gw->stopping) {
		gw->stats.refused_stopping++;
		gw->stats.calls_failed++; /* refused without a call object */
		tdm_call_hangup(tcall, GW_CAUSE_CONGESTION);
		return;
	}
	if (gw_drain_refuse_pstn(gw, tcall)) /* drain.c */
		return;
	if (gw_overload_refuse_pstn(gw, tcall)) /* overload.c */
		return;
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
	call_id_from_pstn(c, ev); /* numbers as E.164 (call_identity.c) */
	CLOG(c, LOG_NOTICE, "from span %u chan %d: %s -> %s", tdm_span_id(span),
	     ev->chan, c->calling[0] ? c->calling : "-", c->called);
	if (ev->info) /* to SIP: call_id_invite() */
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
	const struct gw_span *gs = NULL;

	for (size_t i = 0; i < gw->nspans; i++)
		if (gw->spans[i].span == span)
			gs = &gw->spans[i];
	route_query(c, CFG_FROM_PSTN,
		    gs && gs->cfg->group[0] ? gs->cfg->group : NULL, NULL, &q);
	if (!route_call(c, &q) || !has_kind(c, CFG_TARGET_TRUNK)) {
		cause = GW_CAUSE_UNALLOCATED;
		goto out;
	}
	/* health: every trunk of the route is down (keepalive OPTIONS) */
	bool all_down = c->rule->ntargets > 0;

	for (size_t i = 0; i < c->rule->ntargets; i++)
		all_down &= c->rule->targets[i].kind == CFG_TARGET_TRUNK &&
			    gw_route_trunk_down(gw, c->rule->targets[i].name);
	if (all_down) {
		CLOG(c, LOG_NOTICE,
		     "route %s: every trunk is down; refused with cause %d",
		     c->rule->name, c->rule->refuse_cause);
		gw->stats.route_refused_down++;
		cause = c->rule->refuse_cause;
		goto out;
	}
	cause = try_trunks(c, 0);
	if (cause) {
		CLOG(c, LOG_NOTICE, "route %s: no target took the call",
		     c->rule->name);
		goto out;
	}
	if (tdm_call_proceeding(tcall))
		CLOG(c, LOG_DEBUG, "could not send CALL PROCEEDING");
out:
	if (cause) {
		call_release(c, cause, 0);
		c->state = CS_RELEASING;
	}
	call_unhold(c);
}

/*
 * A PSTN call's INVITE failed: the next alternative, if the rule fails
 * over on this failure and one is left. Only before the trunk rang (the
 * PSTN caller has heard nothing from it yet). true: a new INVITE is out
 * and the failed leg is let go.
 */
static bool failover_sip(struct gw_call *c, struct sip_call *scall,
			 const struct sip_call_event *ev)
{
	if (c->orig != ORIG_PSTN || c->state != CS_SETUP || !c->rule ||
	    c->alt < 0 || c->tdm_hungup ||
	    !gw_route_fails_over(c->rule, ev->code, ev->q850_cause))
		return false;
	int prev = c->alt;

	/* the old leg ends on its own; its later events are not ours */
	sip_call_set_user(scall, NULL);
	c->sip = NULL;
	if (try_trunks(c, (size_t)prev + 1)) {
		c->alt = prev;
		c->sip = scall;
		sip_call_set_user(scall, c);
		return false;
	}
	c->gw->stats.route_failovers++;
	char cause[24] = "";

	if (ev->q850_cause > 0)
		snprintf(cause, sizeof(cause), ", cause %d", ev->q850_cause);
	CLOG(c, LOG_NOTICE,
	     "route %s: trunk %s failed (SIP %u%s): trying trunk %s",
	     c->rule->name, c->rule->targets[prev].name, ev->code, cause,
	     c->rule->targets[c->alt].name);
	return true;
}

static bool failover_tdm(struct gw_call *c, struct tdm_call *tcall, int cause,
			 bool released);

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
	struct call_evdata d = {
		.cause = ev->cause,
		.inband = ev->inband || (ev->progress & TDM_PROG_INBAND),
	};
	int cev = tdm_call_ev(ev->type);

	if (gw_orig_tdm_event(gw, tcall, ev)) /* an operator's test call */
		return;

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
		/* busy_out again after a restart */
		if (ev->type == TDM_EV_SPAN_UP)
			gw_route_health(gw);
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
	if (ev->type == TDM_EV_RELEASED) {
		gw_trunks_changed(gw);
		gw_route_health(gw); /* busy_out waits for channels in use */
	}
	if (cev < 0)
		return; /* INFO: overlap dialling comes with the PRI issue */
	if (c &&
	    (ev->type == TDM_EV_DISCONNECT || ev->type == TDM_EV_RELEASED) &&
	    failover_tdm(c, tcall, ev->cause > 0 ? ev->cause : GW_CAUSE_NORMAL,
			 ev->type == TDM_EV_RELEASED))
		return;
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

	if (gw_orig_tdm_audio(gw, tcall, tx, n)) /* a test call's tone */
		return true;
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
	struct tdm_call_info info;
	int err;

	setup.info = call_id_setup(c, group, &info); /* call_identity.c */

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

/* Places a SIP call on the rule's targets from index `from` on: the
 * first group under its limit with a free channel; a group without one
 * passes the call on only if the rule fails over on cause 34. 0, or the
 * SIP status to refuse with. */
static unsigned try_groups(struct gw_call *c, size_t from)
{
	struct gw *gw = c->gw;

	for (size_t i = from; i < c->rule->ntargets; i++) {
		const struct gw_route_target *t = &c->rule->targets[i];
		const char *why;
		int err;

		if (t->kind != CFG_TARGET_GROUP) {
			CLOG(c, LOG_WARNING,
			     "route %s: trunk %s leads back to SIP",
			     c->rule->name, t->name);
			continue;
		}
		if (!target_usable(c, i, &why)) {
			CLOG(c, LOG_NOTICE, "route %s: group %s skipped: %s",
			     c->rule->name, t->name, why);
			continue;
		}
		err = place_on_group(c, t->name);
		if (!err) {
			c->alt = (int)i;
			copy_str(c->cdr.target, sizeof(c->cdr.target), t->name);
			return 0;
		}
		if (err == ENOENT)
			CLOG(c, LOG_NOTICE, "no span of group %s is up",
			     t->name);
		else
			CLOG(c, LOG_NOTICE, "no channel in group %s: %s",
			     t->name, strerror(err));
		gw->stats.no_channel++;
		if (!gw_route_fails_over(c->rule, 0, GW_CAUSE_NO_CIRCUIT))
			break;
	}
	return 503;
}

/*
 * A SIP call's PSTN leg was cleared before it rang: the next group, if
 * the rule fails over on the cause. true: placed anew; the cleared leg
 * is finished here and its later events are not the call's.
 */
static bool failover_tdm(struct gw_call *c, struct tdm_call *tcall, int cause,
			 bool released)
{
	if (c->orig != ORIG_SIP || c->state != CS_SETUP || !c->rule ||
	    c->alt < 0 || c->sip_hungup ||
	    !gw_route_fails_over(c->rule, 0, cause))
		return false;
	int prev = c->alt;
	struct tdm_span *span = c->span;

	tdm_call_set_user(tcall, NULL);
	c->tdm = NULL;
	if (try_groups(c, (size_t)prev + 1)) {
		c->alt = prev;
		c->tdm = tcall;
		c->span = span;
		tdm_call_set_user(tcall, c);
		return false;
	}
	if (!released)
		tdm_call_hangup(tcall, cause); /* completes the clearing */
	c->gw->stats.route_failovers++;
	CLOG(c, LOG_NOTICE,
	     "route %s: group %s failed (cause %d): trying group %s",
	     c->rule->name, c->rule->targets[prev].name, cause,
	     c->rule->targets[c->alt].name);
	return true;
}

void gw_call_sip_incoming(struct gw *gw, struct sip_call *scall,
			  const struct sip_msg *invite)
{
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
	if (gw_drain_refuse_sip(gw, scall)) /* drain.c */
		return;
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
	/* by the packet's source, never a header (access.c) */
	const struct cfg_trunk *from_tr =
		gw_access_trunk_of(&gw->cfg, sip_call_source(scall));

	call_id_from_sip(c, invite, from_tr); /* identity, cause maps */
	CLOG(c, LOG_NOTICE, "from SIP: %s -> %s (Call-ID %s)",
	     c->calling[0] ? c->calling : "-", c->called,
	     sip_call_callid(scall));

	call_hold(c);
	struct gw_route_query q;

	route_query(c, CFG_FROM_SIP, NULL, from_tr ? from_tr->name : NULL, &q);
	if (!route_call(c, &q) || !has_kind(c, CFG_TARGET_GROUP)) {
		code = 404;
		goto out;
	}
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
		char why[96];

		CLOG(c, LOG_NOTICE, "INVITE with malformed SDP refused: %s",
		     offer.err ? offer.err : "?");
		/* the phrase names the fault for the sender's operator */
		snprintf(why, sizeof(why), "Bad Request (SDP: %s)",
			 offer.err ? offer.err : "malformed");
		if (c->sip && !sip_call_respond(c->sip, 400, why, NULL))
			c->sip_hungup = true;
		code = 400;
		goto out;
	}
	/* media: codecs and DTMF mode of the trunk it comes from */
	call_set_mprof(c, gw_mprof_for(gw, from_tr));
	call_fax_init(c, from_tr);
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
	code = try_groups(c, 0);
	if (code)
		goto out;
	if (call_media_start(c, &res) || (t38 && call_fax_incoming_start(c))) {
		code = 488;
		goto out;
	}
out:
	if (code) {
		c->sip_code = code;
		call_release(c, call_sip_to_cause(c, code), code);
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

	if (gw_orig_sip_event(gw, scall, ev)) /* an operator's test call */
		return;
	if (!c || (unsigned)ev->type >= SIP_CALL_EV__COUNT)
		return;
	if (ev->type == SIP_CALL_EV_FAILED && failover_sip(c, scall, ev))
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
