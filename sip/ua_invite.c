/*
 * ua_invite.c: the INVITE session (RFC 3261 13, 14, 15): UAC INVITE with
 * CANCEL and the ACK for 2xx, UAS responses with 2xx retransmission until
 * the ACK, BYE, and the call API (invite, respond, hangup).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/ua_int.h"

/* ---- UAC ---- */

static int send_bye_auth(struct sip_call *c, int cause, const char *auth);

static void bye_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *c = arg;
	char hdr[1700];
	if (!err && msg && msg->code < 200)
		return;
	/* a BYE challenged by the peer or a proxy: answered once */
	if (!err && msg && (msg->code == 401 || msg->code == 407) &&
	    ua_auth_bye_tried(c) &&
	    !ua_auth_indialog(c, msg, ua_auth_bye_tried(c), "BYE", hdr,
			      sizeof(hdr))) {
		sip_trans_detach(c->bye_t);
		if (!send_bye_auth(c, c->cause, hdr))
			return;
	}
	ua_end_call(c);
}

static int send_bye(struct sip_call *c, int cause)
{
	return send_bye_auth(c, cause, NULL);
}

static int send_bye_auth(struct sip_call *c, int cause, const char *auth)
{
	struct sip_stack *st = c->st;
	char buf[SIP_UA_RESP_MAX], extra[1800] = "", branch[32];
	struct sip_mbuf mb, xb;
	struct sip_addr dst;
	ua_new_branch(st, branch);
	sip_mb_init(&xb, extra, sizeof(extra));
	sip_mb_hdr_reason(&xb, st, cause);
	if (auth)
		sip_mb_str(&xb, auth);
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = sip_dialog_request(&c->dlg, &mb, SIP_METHOD_BYE, 0, branch,
				     extra, NULL, NULL, &dst);
	if (!err)
		err = sip_ctrans_request(&c->bye_t, st, SIP_METHOD_BYE, &dst,
					 branch, buf, mb.len, bye_resp, c);
	return err;
}

static void cancel_resp(int err, const struct sip_msg *msg, void *arg)
{
	(void)err;
	(void)msg;
	(void)arg; /* the INVITE's 487 (or CANCEL wait) ends the call */
}

/*
 * RFC 3261 9.1: no final response 64*T1 after the CANCEL, or no CANCEL
 * could be sent: the INVITE transaction is destroyed with the call, as
 * after a 1xx it has no timer that would ever end it.
 */
static void uac_give_up(struct sip_call *c)
{
	sip_trans_free(c->inv_t);
	ua_end_call(c);
}

static void cancel_wait_fn(void *arg)
{
	uac_give_up(arg);
}

static int send_cancel(struct sip_call *c)
{
	struct sip_stack *st = c->st;
	struct sip_msg inv;
	char buf[SIP_UA_RESP_MAX], extra[160] = "";
	struct sip_mbuf mb, xb;
	if (sip_msg_parse(&inv, c->invite, c->invite_len, c->invite_len))
		return EINVAL;
	sip_mb_init(&xb, extra, sizeof(extra));
	sip_mb_hdr_reason(&xb, st, c->cause);
	sip_mb_init(&mb, buf, sizeof(buf));
	sip_mb_ack_cancel(&mb, &inv, SIP_METHOD_CANCEL, NULL, extra);
	if (mb.err)
		return mb.err;
	char branch[64];
	sip_pl_copy(&inv.via.branch, branch, sizeof(branch));
	c->cancel_pending = false;
	c->t_wait.fn = cancel_wait_fn;
	c->t_wait.id = SIP_TMR_CANCEL;
	sip_timer_start(&c->t_wait, 64 * (uint64_t)st->t1);
	return sip_ctrans_request(&c->cancel_t, st, SIP_METHOD_CANCEL,
				  &c->ack_dst, branch, buf, mb.len, cancel_resp,
				  c);
}

static void send_ack_2xx(struct sip_call *c, const struct sip_msg *resp)
{
	struct sip_stack *st = c->st;
	if (!c->ack) {
		char buf[SIP_UA_RESP_MAX], branch[32];
		struct sip_mbuf mb;
		ua_new_branch(st, branch);
		sip_mb_init(&mb, buf, sizeof(buf));
		if (sip_dialog_request(&c->dlg, &mb, SIP_METHOD_ACK, resp->cseq,
				       branch, NULL, NULL, NULL, &c->ack_dst))
			return;
		c->ack = sip_strdup(st, buf, mb.len);
		if (!c->ack)
			return;
		c->ack_len = mb.len;
	} else {
		st->stats.retransmissions++;
	}
	sip_send(st, &c->ack_dst, c->ack, c->ack_len);
}

static int send_invite(struct sip_call *c);
static int reset_early(struct sip_call *c);

static void uac_inv_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *c = arg;
	struct sip_call_event ev;

	if (err) { /* Timer B, or a transport error (sip/transp.c) */
		if (c->state == SIP_CALL_CALLING ||
		    c->state == SIP_CALL_PROCEEDING) {
			ua_fill_event(&ev, SIP_CALL_EV_FAILED, NULL);
			ev.code = err == ETIMEDOUT ? 408 : 503;
			ev.reason.p = err == ETIMEDOUT ? "Request Timeout"
						       : "Service Unavailable";
			ev.reason.l = strlen(ev.reason.p);
			if (ua_emit(c, &ev))
				return;
		}
		ua_end_call(c);
		return;
	}
	if (msg->code < 200) {
		if (msg->to.tag.l)
			sip_dialog_update_uac(&c->dlg, msg);
		if (msg->code > 100 && !ua_rel_got_1xx(c, msg))
			return; /* an out-of-order reliable 1xx (RFC 3262 4) */
		if (c->cancel_pending) {
			if (send_cancel(c))
				uac_give_up(c);
			return;
		}
		if (c->state == SIP_CALL_CALLING)
			ua_set_state(c, SIP_CALL_PROCEEDING);
		if (c->state != SIP_CALL_PROCEEDING || msg->code == 100)
			return;
		ua_fill_event(&ev, SIP_CALL_EV_PROGRESS, msg);
		ua_emit(c, &ev);
		return;
	}
	if (msg->code < 300) {
		if (c->state == SIP_CALL_CONFIRMED ||
		    c->state == SIP_CALL_TERMINATING) {
			send_ack_2xx(c, msg); /* retransmitted 2xx */
			return;
		}
		if (sip_dialog_update_uac(&c->dlg, msg)) {
			/* no To tag: a broken 2xx we cannot ACK into a dialog */
			sip_log(c->st, LOG_WARNING, "call %u: 2xx without tag",
				c->id);
			return;
		}
		sip_trans_detach(c->cancel_t);
		sip_timer_stop(&c->t_wait);
		send_ack_2xx(c, msg);
		if (c->state == SIP_CALL_CANCELLING) {
			/* CANCEL crossed the 2xx: end the session (9.1) */
			c->cancel_pending = false;
			ua_set_state(c, SIP_CALL_TERMINATING);
			if (send_bye(c, c->cause))
				ua_end_call(c);
			return;
		}
		if (ua_allows(msg, "UPDATE"))
			c->peer_update = true;
		ua_set_state(c, SIP_CALL_CONFIRMED);
		ua_se_answered(c, msg);
		ua_fill_event(&ev, SIP_CALL_EV_ANSWERED, msg);
		ua_emit(c, &ev);
		return;
	}
	if ((msg->code == 401 || msg->code == 407) &&
	    ua_auth_take_invite(c, msg) && !reset_early(c) && !send_invite(c)) {
		/* answered: a new INVITE, CSeq + 1 (RFC 3261 22.2) */
		if (c->state == SIP_CALL_PROCEEDING)
			ua_set_state(c, SIP_CALL_CALLING);
		return;
	}
	if (msg->code == 422 && !c->se_retried &&
	    (c->state == SIP_CALL_CALLING || c->state == SIP_CALL_PROCEEDING)) {
		/* RFC 4028 7.4: once more with the interval the peer wants */
		uint32_t min = ua_se_min(msg);
		c->se_retried = true;
		if (min && !reset_early(c)) {
			c->se_ask = min;
			if (!send_invite(c)) {
				ua_set_state(c, SIP_CALL_CALLING);
				return;
			}
		}
	}
	if (c->state == SIP_CALL_CALLING || c->state == SIP_CALL_PROCEEDING) {
		ua_fill_event(&ev, SIP_CALL_EV_FAILED, msg);
		c->may_retry = true;
		c->retried = false;
		bool gone = ua_emit(c, &ev);
		if (gone)
			return;
		c->may_retry = false;
		if (c->retried)
			return; /* sip_call_retry() sent a new INVITE */
	}
	ua_end_call(c);
}

/* A new INVITE after a failure starts without the early dialog's remote
 * tag, target and route (RFC 3261 8.1.3.5, 22.2). */
static int reset_early(struct sip_call *c)
{
	char *t = sip_strdup(c->st, c->ruri, strlen(c->ruri));
	if (!t)
		return ENOMEM;
	sip_free(c->st, c->dlg.remote_target);
	c->dlg.remote_target = t;
	sip_free(c->st, c->dlg.remote_tag);
	c->dlg.remote_tag = NULL;
	sip_free(c->st, c->dlg.route);
	c->dlg.route = NULL;
	c->dlg.confirmed = false;
	c->rseq_rx = 0;
	return 0;
}

int sip_call_retry(struct sip_call *c, const char *add_hdrs)
{
	if (!c || !c->uac)
		return EINVAL;
	if (!c->may_retry || c->retried)
		return EPROTO;
	char *h = NULL;
	if (add_hdrs) {
		h = sip_strdup(c->st, add_hdrs, strlen(add_hdrs));
		if (!h)
			return ENOMEM;
	}
	sip_free(c->st, c->retry_hdrs);
	c->retry_hdrs = h;
	int err = reset_early(c);
	if (!err)
		err = send_invite(c);
	if (err)
		return err;
	c->retried = true;
	c->cancel_pending = false;
	ua_set_state(c, SIP_CALL_CALLING);
	return 0;
}

/* Builds the (initial) INVITE with the next CSeq and starts its client
 * transaction; also used for the retry after a 422 (RFC 4028 7.4). */
static int send_invite(struct sip_call *c)
{
	struct sip_stack *st = c->st;
	char buf[SIP_UA_RESP_MAX], branch[32];
	struct sip_mbuf mb, xb;
	struct sip_addr dst;
	char *extra = sip_zalloc(st, SIP_UA_RESP_MAX);
	if (!extra)
		return ENOMEM;
	ua_new_branch(st, branch);
	sip_mb_init(&xb, extra, SIP_UA_RESP_MAX);
	sip_mb_printf(&xb, "Allow: %s\r\nSupported: %s\r\n", SIP_UA_ALLOW,
		      SIP_UA_SUPPORTED);
	ua_se_request(c, &xb);
	if (c->extra_hdrs)
		sip_mb_str(&xb, c->extra_hdrs);
	if (c->retry_hdrs)
		sip_mb_str(&xb, c->retry_hdrs);
	ua_auth_put_invite(c, &xb);
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = xb.err;
	if (!err)
		err = sip_dialog_request(&c->dlg, &mb, SIP_METHOD_INVITE, 0,
					 branch, extra, "application/sdp",
					 c->local_sdp, &dst);
	sip_free(st, extra);
	if (err)
		return err;
	char *inv = sip_strdup(st, buf, mb.len);
	if (!inv)
		return ENOMEM;
	sip_free(st, c->invite);
	c->invite = inv;
	c->invite_len = mb.len;
	sip_trans_detach(c->inv_t); /* a 422's transaction ends by Timer D */
	return sip_ctrans_request(&c->inv_t, st, SIP_METHOD_INVITE, &c->ack_dst,
				  branch, buf, mb.len, uac_inv_resp, c);
}

int sip_call_invite(struct sip_stack *st, const struct sip_call_params *p,
		    void *user, struct sip_call **callp)
{
	struct sip_uri ruri;
	char call_id[96], tag[17], from[384], to[384];
	int err;

	if (!st || !p || !p->ruri || !p->from_user || !callp ||
	    sip_uri_parse(&ruri, p->ruri, strlen(p->ruri)))
		return EINVAL;
	if (st->shutting_down)
		return ESHUTDOWN;
	struct sip_call *c = ua_call_alloc(st, true);
	if (!c)
		return ENOMEM;
	c->user = user;
	c->ack_dst = p->dst;
	c->src = p->dst; /* the peer in-dialog requests are screened by */
	sip_rand_hex(st, tag, 16);
	sip_rand_hex(st, call_id, 24);
	snprintf(call_id + 24, sizeof(call_id) - 24, "@%s", st->local_ip);
	bool v6 = strchr(st->local_ip, ':') && !p->from_host;
	snprintf(from, sizeof(from), "%s%s%s<sip:%s@%s%s%s>",
		 p->from_display ? "\"" : "",
		 p->from_display ? p->from_display : "",
		 p->from_display ? "\" " : "", p->from_user, v6 ? "[" : "",
		 p->from_host ? p->from_host : st->local_ip, v6 ? "]" : "");
	snprintf(to, sizeof(to), "%s%s%s<%s>", p->to_display ? "\"" : "",
		 p->to_display ? p->to_display : "", p->to_display ? "\" " : "",
		 p->to_uri ? p->to_uri : p->ruri);
	err = sip_dialog_init_uac(&c->dlg, st, call_id, from, tag, to, p->ruri,
				  0, &p->dst);
	if (!err) {
		ua_call_hash(c);
		err = ua_auth_init(c, p);
	}
	if (err)
		goto out;
	err = ENOMEM;
	c->ruri = sip_strdup(st, p->ruri, strlen(p->ruri));
	if (!c->ruri)
		goto out;
	if (p->sdp) {
		c->local_sdp = sip_strdup(st, p->sdp, strlen(p->sdp));
		if (!c->local_sdp)
			goto out;
	}
	if (p->extra_hdrs) {
		c->extra_hdrs =
			sip_strdup(st, p->extra_hdrs, strlen(p->extra_hdrs));
		if (!c->extra_hdrs)
			goto out;
	}
	c->state = SIP_CALL_CALLING;
	err = send_invite(c);
	if (err)
		goto out;
	sip_log(st, LOG_INFO, "call %u {CALLING}: INVITE %s", c->id, p->ruri);
	*callp = c;
	return 0;
out:
	ua_call_free(c);
	return err;
}

/* 13.3.1.4: our 2xx again, T1 doubling up to T2, until the ACK; also
 * for the 2xx to a re-INVITE (ua_offer.c). */
void ua_retx_2xx(void *arg)
{
	struct sip_call *c = arg;
	struct sip_stack *st = c->st;
	st->stats.retransmissions++;
	sip_send(st, &c->dlg.peer, c->resp2xx, c->resp2xx_len);
	c->interval *= 2;
	if (c->interval > st->t2)
		c->interval = st->t2;
	sip_timer_start(&c->t_2xx, c->interval);
}

static void ack_wait_fn(void *arg) /* RFC 3261 13.3.1.4: no ACK */
{
	struct sip_call *c = arg;
	sip_log(c->st, LOG_NOTICE, "call %u {%s}: no ACK, sending BYE", c->id,
		sip_call_state_name(c->state));
	sip_timer_stop(&c->t_2xx);
	send_bye(c, -1);
	sip_trans_detach(c->bye_t);
	ua_end_call(c);
}

int sip_call_respond(struct sip_call *c, unsigned code, const char *reason,
		     const char *sdp)
{
	return sip_call_respond_hdrs(c, code, reason, sdp, NULL);
}

int sip_call_respond_hdrs(struct sip_call *c, unsigned code, const char *reason,
			  const char *sdp, const char *extra_hdrs)
{
	if (!c || c->uac || code < 101 || code > 699)
		return EINVAL;
	if (c->state != SIP_CALL_INCOMING && c->state != SIP_CALL_EARLY)
		return EPROTO;
	if (!c->inv_t)
		return ENOENT;
	struct sip_stack *st = c->st;
	struct sip_msg req;
	struct sip_trans *t = c->inv_t;
	if (sip_msg_parse(&req, c->invite, c->invite_len, c->invite_len))
		return EINVAL;
	char buf[SIP_UA_RESP_MAX], extra[512] = "";
	struct sip_mbuf mb, xb;
	int rel = 0;
	sip_mb_init(&xb, extra, sizeof(extra));
	if (code >= 300)
		sip_mb_hdr_reason(&xb, st, c->cause);
	if (extra_hdrs)
		sip_mb_str(&xb, extra_hdrs);
	if (code < 200) {
		rel = ua_rel_1xx(c, code, &xb);
		if (rel < 0)
			return 0; /* one reliable 1xx at a time (RFC 3262 3) */
	}
	if (code >= 200 && code < 300) {
		sip_mb_printf(&xb, "Allow: %s\r\nSupported: %s\r\n",
			      SIP_UA_ALLOW, SIP_UA_SUPPORTED);
		ua_se_answer(c, &req, &xb);
	}
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = ua_respond(st, t, &req, &t->peer, code, reason,
			     c->dlg.local_tag, extra, sdp, &mb);
	if (err) {
		if (code >= 200 && code < 300)
			ua_se_stop(c);
		return err;
	}
	if (code >= 200)
		ua_rel_stop(c); /* a final ends 1xx retransmissions */
	if (rel > 0)
		ua_rel_sent(c, buf, mb.len);
	if (code < 200) {
		if (c->state == SIP_CALL_INCOMING)
			ua_set_state(c, SIP_CALL_EARLY);
		return 0;
	}
	if (code >= 300) {
		ua_end_call(c);
		return 0;
	}
	c->resp2xx = sip_strdup(st, buf, mb.len);
	if (sdp && !c->local_sdp)
		c->local_sdp = sip_strdup(st, sdp, strlen(sdp));
	c->resp2xx_len = mb.len;
	c->dlg.confirmed = true;
	ua_set_state(c, SIP_CALL_ANSWERED);
	c->interval = st->t1;
	if (c->resp2xx) {
		c->t_2xx.fn = ua_retx_2xx;
		sip_timer_start(&c->t_2xx, st->t1);
	}
	c->t_wait.fn = ack_wait_fn;
	c->t_wait.id = SIP_TMR_ACK;
	sip_timer_start(&c->t_wait, 64 * (uint64_t)st->t1);
	return 0;
}

int sip_call_hangup(struct sip_call *c, unsigned sip_code, int q850_cause)
{
	if (!c)
		return EINVAL;
	c->cause = q850_cause;
	switch (c->state) {
	case SIP_CALL_CALLING:
		c->cancel_pending = true;
		ua_set_state(c, SIP_CALL_CANCELLING);
		return 0;
	case SIP_CALL_PROCEEDING:
		ua_set_state(c, SIP_CALL_CANCELLING);
		if (send_cancel(c))
			uac_give_up(c);
		return 0;
	case SIP_CALL_INCOMING:
	case SIP_CALL_EARLY:
		return sip_call_respond(c, sip_code >= 300 ? sip_code : 480,
					NULL, NULL);
	case SIP_CALL_ANSWERED:
	case SIP_CALL_CONFIRMED:
		sip_timer_stop(&c->t_2xx);
		sip_timer_stop(&c->t_wait);
		ua_set_state(c, SIP_CALL_TERMINATING);
		if (send_bye(c, q850_cause))
			ua_end_call(c);
		return 0;
	default:
		return EALREADY;
	}
}

void ua_recv_cancel(struct sip_stack *st, const struct sip_msg *req,
		    const struct sip_addr *src)
{
	struct sip_trans *it = sip_strans_find_invite(st, req);
	struct sip_call_event ev;
	if (!it) {
		sip_ua_reply(st, req, src, 481, NULL);
		return;
	}
	struct sip_call *c = it->arg;
	if (c && !ua_dialog_screen(c, req, src))
		return;
	sip_ua_reply(st, req, src, 200, NULL);
	if (!c || (c->state != SIP_CALL_INCOMING && c->state != SIP_CALL_EARLY))
		return;
	struct sip_msg inv;
	if (sip_msg_parse(&inv, c->invite, c->invite_len, c->invite_len))
		return;
	ua_reply_on(st, it, &inv, src, 487, c->dlg.local_tag, NULL, NULL);
	ua_set_state(c, SIP_CALL_TERMINATING);
	ua_fill_event(&ev, SIP_CALL_EV_CANCELLED, req);
	if (!ua_emit(c, &ev))
		ua_end_call(c);
}

void ua_recv_invite(struct sip_stack *st, const struct sip_msg *req,
		    const struct sip_addr *src)
{
	char tag[17];
	if (st->shutting_down || !st->h.call_incoming) {
		sip_ua_reply(st, req, src, 503, NULL);
		return;
	}
	/* the same INVITE again once its transaction is gone (8.2.2.2) */
	for (struct sip_call *o = ua_calls_of(st, &req->call_id); o;
	     o = o->hnext)
		if (!o->uac && o->dlg.call_id &&
		    sip_pl_eq(&req->call_id, o->dlg.call_id) &&
		    o->dlg.remote_tag &&
		    sip_pl_eq(&req->from.tag, o->dlg.remote_tag) &&
		    o->dlg.remote_cseq == req->cseq)
			return;
	if (st->h.invite_admit) {
		char hdrs[128] = "";
		unsigned code =
			st->h.invite_admit(st->h.arg, req, hdrs, sizeof(hdrs));

		if (code) {
			hdrs[sizeof(hdrs) - 1] = 0;
			if (code < 300 || code > 699)
				code = 500; /* a user bug: still a refusal */
			sip_ua_reply(st, req, src, code, hdrs);
			return;
		}
	}
	struct sip_call *c = ua_call_alloc(st, false);
	if (!c)
		goto fail;
	sip_rand_hex(st, tag, 16);
	c->state = SIP_CALL_INCOMING;
	c->src = *src;
	c->invite = sip_strdup(st, req->buf, req->len);
	if (!c->invite || sip_dialog_init_uas(&c->dlg, st, req, tag, src) ||
	    sip_strans_alloc(&c->inv_t, st, req, src, NULL, c)) {
		ua_call_free(c);
		goto fail;
	}
	ua_call_hash(c);
	c->invite_len = req->len;
	c->peer_update = ua_allows(req, "UPDATE");
	ua_rel_invite(c, req);
	char x[64];
	struct sip_mbuf xb;
	sip_mb_init(&xb, x, sizeof(x));
	unsigned code = ua_se_check(st, req, &xb);
	if (code) { /* Session-Expires below our Min-SE */
		ua_respond(st, c->inv_t, req, src, code, NULL, tag, x, NULL,
			   NULL);
		ua_call_free(c);
		return;
	}
	ua_respond(st, c->inv_t, req, src, 100, NULL, NULL, NULL, NULL, NULL);
	sip_log(st, LOG_INFO, "call %u {INCOMING}: INVITE %.*s", c->id,
		(int)req->ruri_str.l, req->ruri_str.p);
	c->busy++;
	st->h.call_incoming(st->h.arg, c, req);
	c->busy--;
	if (c->state == SIP_CALL_ENDED && !c->busy)
		ua_call_free(c);
	return;
fail:
	sip_ua_reply(st, req, src, 500, NULL);
}

void ua_recv_ack(struct sip_call *c, const struct sip_msg *req)
{
	struct sip_call_event ev;
	if (c && c->reinv_ack_wait && req->cseq == c->reinv_rcseq) {
		/* the ACK for our 2xx to a re-INVITE */
		c->reinv_ack_wait = false;
		sip_timer_stop(&c->t_2xx);
		sip_timer_stop(&c->t_wait);
		return;
	}
	if (!c || c->state != SIP_CALL_ANSWERED)
		return;
	sip_timer_stop(&c->t_2xx);
	sip_timer_stop(&c->t_wait);
	ua_set_state(c, SIP_CALL_CONFIRMED);
	ua_fill_event(&ev, SIP_CALL_EV_CONFIRMED, req);
	ua_emit(c, &ev);
}

void ua_recv_bye(struct sip_call *c, const struct sip_msg *req,
		 const struct sip_addr *src)
{
	struct sip_call_event ev;
	sip_ua_reply(c->st, req, src, 200, NULL);
	if (c->state == SIP_CALL_TERMINATING)
		return; /* BYEs crossed: ours ends the call */
	sip_timer_stop(&c->t_2xx);
	sip_timer_stop(&c->t_wait);
	ua_set_state(c, SIP_CALL_TERMINATING);
	ua_fill_event(&ev, SIP_CALL_EV_BYE, req);
	if (!ua_emit(c, &ev))
		ua_end_call(c);
}
