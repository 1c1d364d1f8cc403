/*
 * ua_offer.c: offers inside a confirmed dialog: incoming re-INVITE (RFC
 * 3261 14.2) and UPDATE (RFC 3311) handed up as OFFER events, our own
 * re-INVITE with the ACK for its 2xx and the glare retry (14.1), and
 * session refreshes (UPDATE when the peer allows it, else re-INVITE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sip/ua_int.h"

static bool has_sdp(const struct sip_msg *m)
{
	return m->body.l && m->ctype.l >= 15 &&
	       strncasecmp(m->ctype.p, "application/sdp", 15) == 0;
}

void ua_target_refresh(struct sip_call *c, const struct sip_msg *m)
{
	if (!m->has_contact || !m->contact.uri_str.l)
		return;
	char *t = sip_strdup(c->st, m->contact.uri_str.p, m->contact.uri_str.l);
	if (!t)
		return; /* keep the old target */
	sip_free(c->st, c->dlg.remote_target);
	c->dlg.remote_target = t;
}

static void reinv_no_ack_fn(void *arg)
{
	struct sip_call *c = arg;
	sip_log(c->st, LOG_NOTICE, "call %u: no ACK for the re-INVITE 2xx",
		c->id);
	sip_timer_stop(&c->t_2xx);
	c->reinv_ack_wait = false;
	sip_call_hangup(c, 408, -1);
}

/* The response to the request of the current OFFER event. */
static int offer_respond(struct sip_call *c, unsigned code, const char *sdp)
{
	struct sip_stack *st = c->st;
	const struct sip_msg *req = c->offer_req;
	struct sip_trans *t = c->offer_st;
	char buf[SIP_UA_RESP_MAX], extra[512] = "";
	struct sip_mbuf mb, xb;
	bool ok = code >= 200 && code < 300;
	sip_mb_init(&xb, extra, sizeof(extra));
	if (ok) {
		ua_se_answer(c, req, &xb);
		sip_mb_printf(&xb, "Allow: %s\r\nSupported: %s\r\n",
			      SIP_UA_ALLOW, SIP_UA_SUPPORTED);
	}
	if (code == 491 || code == 500)
		sip_mb_printf(&xb, "Retry-After: %u\r\n", code == 500 ? 1 : 0);
	/* an UPDATE without an offer gets no SDP back */
	if (req->method == SIP_METHOD_UPDATE && !has_sdp(req))
		sdp = NULL;
	if (!ok)
		sdp = NULL;
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = ua_respond(st, t, req, &t->peer, code, NULL, NULL, extra, sdp,
			     &mb);
	c->offer_answered = true;
	if (err)
		return err;
	if (ok && sdp && sdp != c->local_sdp) {
		char *n = sip_strdup(st, sdp, strlen(sdp));
		if (n) {
			sip_free(st, c->local_sdp);
			c->local_sdp = n;
		}
	}
	if (ok && req->method == SIP_METHOD_INVITE) {
		/* 13.3.1.4: the TU retransmits its 2xx until the ACK */
		char *r = sip_strdup(st, buf, mb.len);
		sip_free(st, c->resp2xx);
		c->resp2xx = r;
		c->resp2xx_len = r ? mb.len : 0;
		c->reinv_ack_wait = true;
		c->reinv_rcseq = req->cseq;
		c->interval = st->t1;
		c->t_2xx.fn = ua_retx_2xx;
		if (r)
			sip_timer_start(&c->t_2xx, st->t1);
		c->t_wait.fn = reinv_no_ack_fn;
		c->t_wait.id = SIP_TMR_ACK;
		sip_timer_start(&c->t_wait, 64 * (uint64_t)st->t1);
	}
	return 0;
}

int sip_call_answer(struct sip_call *c, unsigned code, const char *sdp)
{
	if (!c || code < 200 || code > 699)
		return EINVAL;
	if (!c->offer_req || c->offer_answered || !c->offer_st)
		return EPROTO;
	return offer_respond(c, code, sdp);
}

/* re-INVITE or UPDATE in the dialog: checks, OFFER event, default answer. */
static void recv_offer(struct sip_call *c, const struct sip_msg *req,
		       const struct sip_addr *src)
{
	struct sip_stack *st = c->st;
	struct sip_trans *t = NULL;
	struct sip_call_event ev;
	char extra[128] = "";
	struct sip_mbuf xb;
	unsigned code = 0;
	bool inv = req->method == SIP_METHOD_INVITE;

	if (sip_strans_alloc(&t, st, req, src, NULL, NULL)) {
		if (!inv)
			sip_ua_reply(st, req, src, 500, NULL);
		return;
	}
	sip_mb_init(&xb, extra, sizeof(extra));
	if (c->state != SIP_CALL_CONFIRMED &&
	    !(req->method == SIP_METHOD_UPDATE &&
	      (c->state == SIP_CALL_EARLY || c->state == SIP_CALL_PROCEEDING)))
		code = 491; /* no re-INVITE before the dialog is confirmed */
	else if (c->reoffer_busy && c->reoffer_sdp && (inv || has_sdp(req)))
		code = 491; /* glare: both offered (14.2, RFC 3311 5.2) */
	if (!code)
		code = ua_se_check(st, req, &xb);
	if (code) {
		ua_reply_on(st, t, req, src, code, NULL, extra, NULL);
		sip_trans_detach(t);
		return;
	}
	ua_target_refresh(c, req);
	c->offer_req = req;
	c->offer_st = t;
	c->offer_answered = false;
	ua_fill_event(&ev, SIP_CALL_EV_OFFER, req);
	c->busy++; /* the request is answered even if the app hangs up */
	ua_emit(c, &ev);
	c->busy--;
	if (!c->offer_answered) {
		/* default: the session stays as it is */
		bool want = inv || has_sdp(req);
		unsigned dflt = !want || c->local_sdp ? 200 : 488;
		if (c->state != SIP_CALL_CONFIRMED &&
		    c->state != SIP_CALL_EARLY &&
		    c->state != SIP_CALL_PROCEEDING)
			dflt = 487; /* hung up meanwhile */
		if (offer_respond(c, dflt, c->local_sdp))
			sip_trans_free(t);
	}
	c->offer_req = NULL;
	c->offer_st = NULL;
	sip_trans_detach(t);
	if (c->state == SIP_CALL_ENDED && !c->busy)
		ua_call_free(c);
}

void ua_recv_reinvite(struct sip_call *c, const struct sip_msg *req,
		      const struct sip_addr *src)
{
	recv_offer(c, req, src);
}

void ua_recv_update(struct sip_call *c, const struct sip_msg *req,
		    const struct sip_addr *src)
{
	recv_offer(c, req, src);
}

/* ---- our offers ---- */

static int send_reinvite(struct sip_call *c);

static void reoffer_done(struct sip_call *c, unsigned code,
			 const struct sip_msg *resp)
{
	struct sip_call_event ev;
	bool app = c->reoffer_app;
	c->reoffer_busy = false;
	c->reoffer_sdp = false;
	c->reoffer_app = false;
	c->reoffer_refresh = false;
	sip_free(c->st, c->pending_sdp);
	c->pending_sdp = NULL;
	if (code == 481 || code == 408) {
		/* 12.2.1.2: the dialog is gone */
		sip_log(c->st, LOG_NOTICE, "call %u: re-offer got %u, ending",
			c->id, code);
		if (app) {
			ua_fill_event(&ev, SIP_CALL_EV_REOFFER_DONE, resp);
			ev.code = code;
			if (ua_emit(c, &ev))
				return;
		}
		sip_call_hangup(c, code, -1);
		return;
	}
	if (app) {
		ua_fill_event(&ev, SIP_CALL_EV_REOFFER_DONE, resp);
		ev.code = code;
		ua_emit(c, &ev);
	}
}

static void glare_fn(void *arg)
{
	struct sip_call *c = arg;
	if (send_reinvite(c))
		reoffer_done(c, 500, NULL);
}

static void send_reinv_ack(struct sip_call *c, const struct sip_msg *resp)
{
	struct sip_stack *st = c->st;
	/* the cached ACK is resent only for its own re-INVITE's 2xx: a
	 * later re-INVITE's needs its CSeq (13.2.2.4), or the far end
	 * retransmits its 2xx and ends the call at Timer H */
	if (!c->reinv_ack || resp->cseq != c->reinv_ack_cseq) {
		char buf[SIP_UA_RESP_MAX], branch[32];
		struct sip_mbuf mb;
		ua_new_branch(st, branch);
		sip_mb_init(&mb, buf, sizeof(buf));
		if (sip_dialog_request(&c->dlg, &mb, SIP_METHOD_ACK, resp->cseq,
				       branch, NULL, NULL, NULL,
				       &c->reinv_ack_dst))
			return;
		sip_free(st, c->reinv_ack);
		c->reinv_ack = sip_strdup(st, buf, mb.len);
		c->reinv_ack_len = c->reinv_ack ? mb.len : 0;
		c->reinv_ack_cseq = resp->cseq;
		if (!c->reinv_ack)
			return;
	} else {
		st->stats.retransmissions++;
	}
	sip_send(st, &c->reinv_ack_dst, c->reinv_ack, c->reinv_ack_len);
}

static void reinv_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *c = arg;
	struct sip_stack *st = c->st;
	if (err) {
		if (c->reoffer_busy)
			reoffer_done(c, 408, NULL);
		return;
	}
	if (msg->code < 200)
		return;
	if (msg->code < 300) {
		send_reinv_ack(c, msg); /* also for retransmissions */
		if (!c->reoffer_busy || msg->cseq != c->reinv_cseq)
			return;
		ua_target_refresh(c, msg);
		if (ua_allows(msg, "UPDATE"))
			c->peer_update = true;
		if (c->pending_sdp) {
			sip_free(st, c->local_sdp);
			c->local_sdp = c->pending_sdp;
			c->pending_sdp = NULL;
		}
		ua_se_answered(c, msg);
		reoffer_done(c, msg->code, msg);
		return;
	}
	if (!c->reoffer_busy)
		return;
	if (msg->code == 491) {
		/* 14.1: 2.1-4 s if we own the Call-ID (we sent the INVITE),
		 * else 0-2 s, in units of 10 ms */
		char r[5];
		sip_rand_hex(st, r, 4);
		uint64_t rnd = strtoul(r, NULL, 16);
		uint64_t ms =
			c->uac ? 2100 + (rnd % 191) * 10 : (rnd % 201) * 10;
		sip_log(st, LOG_INFO, "call %u: glare, retry in %llu ms", c->id,
			(unsigned long long)ms);
		c->t_glare.fn = glare_fn;
		sip_timer_start(&c->t_glare, ms);
		return;
	}
	reoffer_done(c, msg->code, msg);
}

static int send_reinvite(struct sip_call *c)
{
	struct sip_stack *st = c->st;
	char buf[SIP_UA_RESP_MAX], branch[32], extra[256];
	struct sip_mbuf mb, xb;
	struct sip_addr dst;
	const char *sdp = c->pending_sdp ? c->pending_sdp : c->local_sdp;
	sip_mb_init(&xb, extra, sizeof(extra));
	sip_mb_printf(&xb, "Allow: %s\r\nSupported: %s\r\n", SIP_UA_ALLOW,
		      SIP_UA_SUPPORTED);
	ua_se_request(c, &xb);
	ua_new_branch(st, branch);
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = sip_dialog_request(&c->dlg, &mb, SIP_METHOD_INVITE, 0, branch,
				     extra, "application/sdp", sdp, &dst);
	if (err)
		return err;
	c->reinv_cseq = c->dlg.local_cseq;
	sip_trans_detach(c->reinv_t); /* an older one ends by Timer M */
	return sip_ctrans_request(&c->reinv_t, st, SIP_METHOD_INVITE, &dst,
				  branch, buf, mb.len, reinv_resp, c);
}

int sip_call_reoffer(struct sip_call *c, const char *sdp)
{
	if (!c)
		return EINVAL;
	if (c->state != SIP_CALL_CONFIRMED)
		return EPROTO;
	if (c->reoffer_busy || c->reinv_ack_wait)
		return EBUSY;
	if (sdp) {
		c->pending_sdp = sip_strdup(c->st, sdp, strlen(sdp));
		if (!c->pending_sdp)
			return ENOMEM;
	}
	c->reoffer_busy = true;
	c->reoffer_sdp = true;
	c->reoffer_app = true;
	int err = send_reinvite(c);
	if (err) {
		c->reoffer_busy = false;
		c->reoffer_sdp = false;
		c->reoffer_app = false;
		sip_free(c->st, c->pending_sdp);
		c->pending_sdp = NULL;
	}
	return err;
}

static void update_resp(void *arg, struct sip_req *req, int err,
			const struct sip_msg *resp)
{
	struct sip_call *c = arg;
	(void)req;
	c->upd_req = NULL;
	if (!c->reoffer_busy)
		return;
	if (!err && resp->code >= 200 && resp->code < 300) {
		ua_target_refresh(c, resp);
		ua_se_answered(c, resp);
	}
	if (!err && resp->code == 491) {
		c->reoffer_busy = false; /* the refresh timer tries again */
		c->reoffer_sdp = false;
		sip_timer_start(&c->t_refresh, 2000);
		return;
	}
	reoffer_done(c, err ? 408 : resp->code, resp);
}

int ua_refresh(struct sip_call *c)
{
	if (c->state != SIP_CALL_CONFIRMED || c->reoffer_busy ||
	    c->reinv_ack_wait)
		return EBUSY;
	c->reoffer_busy = true;
	c->reoffer_refresh = true;
	c->reoffer_sdp = !c->peer_update; /* a re-INVITE carries our SDP */
	int err;
	if (c->peer_update) {
		char extra[256];
		struct sip_mbuf xb;
		sip_mb_init(&xb, extra, sizeof(extra));
		sip_mb_printf(&xb, "Supported: %s\r\n", SIP_UA_SUPPORTED);
		ua_se_request(c, &xb);
		err = sip_call_request(c, SIP_METHOD_UPDATE, extra, NULL, NULL,
				       update_resp, c, &c->upd_req);
	} else {
		err = send_reinvite(c);
	}
	if (err) {
		c->reoffer_busy = false;
		c->reoffer_sdp = false;
		c->reoffer_refresh = false;
	}
	return err;
}

int sip_call_refresh(struct sip_call *c)
{
	if (!c)
		return EINVAL;
	if (c->state != SIP_CALL_CONFIRMED)
		return EPROTO;
	return ua_refresh(c);
}

void ua_offer_free(struct sip_call *c)
{
	sip_timer_stop(&c->t_glare);
	sip_trans_detach(c->reinv_t);
	if (c->upd_req)
		sip_req_abandon(c->upd_req);
	c->upd_req = NULL;
	sip_free(c->st, c->reinv_ack);
	sip_free(c->st, c->pending_sdp);
	c->reinv_ack = NULL;
	c->pending_sdp = NULL;
}
