/*
 * ua.c: UA core (RFC 3261 8, 13, 15) and the call API: an INVITE session
 * as one stack-owned object, with events to the application.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

#define ALLOW "INVITE, ACK, BYE, CANCEL, OPTIONS, INFO"
#define RESP_MAX 8192

/* Owned by the stack (st->calls) until the ENDED event has been delivered. */
struct sip_call {
	struct sip_call *next;
	struct sip_stack *st;
	unsigned id;
	void *user;
	enum sip_call_state state;
	bool uac;
	bool cancel_pending; /* hangup before any 1xx: CANCEL waits (9.1) */
	unsigned busy;	     /* > 0 while an app callback runs */
	int cause;
	struct sip_dialog dlg;
	struct sip_trans *inv_t;
	struct sip_trans *bye_t;
	struct sip_trans *cancel_t;
	char *invite; /* UAC: INVITE as sent, for CANCEL */
	size_t invite_len;
	char *ack; /* UAC: ACK for the 2xx, re-sent on retransmission */
	size_t ack_len;
	struct sip_addr ack_dst;
	char *resp2xx; /* UAS: 2xx retransmitted until the ACK */
	size_t resp2xx_len;
	char *local_sdp;
	uint64_t interval;
	struct sip_timer t_2xx;
	struct sip_timer t_wait; /* ACK wait (UAS) or CANCEL wait (UAC) */
};

static const char *const state_names[SIP_CALL__COUNT] = {
	[SIP_CALL_CALLING] = "CALLING",
	[SIP_CALL_PROCEEDING] = "PROCEEDING",
	[SIP_CALL_INCOMING] = "INCOMING",
	[SIP_CALL_EARLY] = "EARLY",
	[SIP_CALL_ANSWERED] = "ANSWERED",
	[SIP_CALL_CONFIRMED] = "CONFIRMED",
	[SIP_CALL_CANCELLING] = "CANCELLING",
	[SIP_CALL_TERMINATING] = "TERMINATING",
	[SIP_CALL_ENDED] = "ENDED",
};

const char *sip_call_state_name(enum sip_call_state s)
{
	return (unsigned)s < SIP_CALL__COUNT ? state_names[s] : "?";
}

static const char *const ev_names[SIP_CALL_EV__COUNT] = {
	[SIP_CALL_EV_PROGRESS] = "PROGRESS",
	[SIP_CALL_EV_ANSWERED] = "ANSWERED",
	[SIP_CALL_EV_CONFIRMED] = "CONFIRMED",
	[SIP_CALL_EV_FAILED] = "FAILED",
	[SIP_CALL_EV_CANCELLED] = "CANCELLED",
	[SIP_CALL_EV_BYE] = "BYE",
	[SIP_CALL_EV_ENDED] = "ENDED",
};

const char *sip_call_ev_name(enum sip_call_ev_type t)
{
	return (unsigned)t < SIP_CALL_EV__COUNT ? ev_names[t] : "?";
}

void sip_call_set_user(struct sip_call *call, void *user)
{
	if (call)
		call->user = user;
}

void *sip_call_user(const struct sip_call *call)
{
	return call ? call->user : NULL;
}

unsigned sip_call_id(const struct sip_call *call)
{
	return call ? call->id : 0;
}

enum sip_call_state sip_call_state(const struct sip_call *call)
{
	return call ? call->state : SIP_CALL_ENDED;
}

const char *sip_call_callid(const struct sip_call *call)
{
	return call && call->dlg.call_id ? call->dlg.call_id : "";
}

static void set_state(struct sip_call *c, enum sip_call_state s)
{
	sip_log(c->st, LOG_INFO, "call %u {%s}: -> %s", c->id,
		sip_call_state_name(c->state), sip_call_state_name(s));
	c->state = s;
}

static void call_free(struct sip_call *c)
{
	struct sip_stack *st = c->st;
	sip_timer_stop(&c->t_2xx);
	sip_timer_stop(&c->t_wait);
	/* transactions live on to absorb retransmissions */
	sip_trans_detach(c->inv_t);
	sip_trans_detach(c->bye_t);
	sip_trans_detach(c->cancel_t);
	for (struct sip_call **pp = &st->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	st->stats.active_calls--;
	sip_dialog_release(&c->dlg);
	sip_free(st, c->invite);
	sip_free(st, c->ack);
	sip_free(st, c->resp2xx);
	sip_free(st, c->local_sdp);
	sip_free(st, c);
}

/* Returns true if the call is gone after the callback. */
static bool emit(struct sip_call *c, struct sip_call_event *ev)
{
	struct sip_stack *st = c->st;
	sip_log(st, LOG_INFO, "call %u {%s}: event %s %u", c->id,
		sip_call_state_name(c->state), sip_call_ev_name(ev->type),
		ev->code);
	c->busy++;
	if (st->h.call_event)
		st->h.call_event(st->h.arg, c, ev);
	c->busy--;
	if (c->state == SIP_CALL_ENDED && ev->type != SIP_CALL_EV_ENDED) {
		if (!c->busy)
			call_free(c);
		return true;
	}
	return false;
}

static void end_call(struct sip_call *c)
{
	if (c->state == SIP_CALL_ENDED)
		return;
	set_state(c, SIP_CALL_ENDED);
	sip_timer_stop(&c->t_2xx);
	sip_timer_stop(&c->t_wait);
	struct sip_call_event ev = { .type = SIP_CALL_EV_ENDED,
				     .q850_cause = -1 };
	emit(c, &ev);
	if (!c->busy)
		call_free(c);
}

static void fill_event(struct sip_call_event *ev, enum sip_call_ev_type type,
		       const struct sip_msg *msg)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->q850_cause = -1;
	ev->msg = msg;
	if (!msg)
		return;
	if (!msg->req) {
		ev->code = msg->code;
		ev->reason = msg->reason;
	}
	ev->q850_cause = sip_msg_q850_cause(msg);
	struct sip_pl ct = msg->ctype;
	if (msg->body.l && ct.l >= 15 &&
	    strncasecmp(ct.p, "application/sdp", 15) == 0)
		ev->sdp = msg->body;
}

static struct sip_call *call_alloc(struct sip_stack *st, bool uac)
{
	struct sip_call *c = sip_zalloc(st, sizeof(*c));
	if (!c)
		return NULL;
	c->st = st;
	c->uac = uac;
	c->id = st->next_call_id++;
	c->cause = -1;
	sip_timer_init(&c->t_2xx, st, SIP_TMR_2XX, NULL, c);
	sip_timer_init(&c->t_wait, st, SIP_TMR_ACK, NULL, c);
	c->next = st->calls;
	st->calls = c;
	st->stats.active_calls++;
	return c;
}

static void new_branch(struct sip_stack *st, char *buf)
{
	memcpy(buf, SIP_BRANCH_COOKIE, 7);
	sip_rand_hex(st, buf + 7, 16);
}

/* ---- UAC ---- */

static void bye_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *c = arg;
	if (!err && msg && msg->code < 200)
		return;
	end_call(c);
}

static int send_bye(struct sip_call *c, int cause)
{
	struct sip_stack *st = c->st;
	char buf[RESP_MAX], extra[64] = "", branch[32];
	struct sip_mbuf mb, xb;
	struct sip_addr dst;
	new_branch(st, branch);
	sip_mb_init(&xb, extra, sizeof(extra));
	sip_mb_hdr_reason(&xb, cause);
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
	end_call(c);
}

static void cancel_wait_fn(void *arg)
{
	uac_give_up(arg);
}

static int send_cancel(struct sip_call *c)
{
	struct sip_stack *st = c->st;
	struct sip_msg inv;
	char buf[RESP_MAX], extra[64] = "";
	struct sip_mbuf mb, xb;
	if (sip_msg_parse(&inv, c->invite, c->invite_len, c->invite_len))
		return EINVAL;
	sip_mb_init(&xb, extra, sizeof(extra));
	sip_mb_hdr_reason(&xb, c->cause);
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
		char buf[RESP_MAX], branch[32];
		struct sip_mbuf mb;
		new_branch(st, branch);
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

static void uac_inv_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_call *c = arg;
	struct sip_call_event ev;

	if (err) { /* Timer B, or a transport error (sip/transp.c) */
		if (c->state == SIP_CALL_CALLING ||
		    c->state == SIP_CALL_PROCEEDING) {
			fill_event(&ev, SIP_CALL_EV_FAILED, NULL);
			ev.code = err == ETIMEDOUT ? 408 : 503;
			ev.reason.p = err == ETIMEDOUT ? "Request Timeout"
						       : "Service Unavailable";
			ev.reason.l = strlen(ev.reason.p);
			if (emit(c, &ev))
				return;
		}
		end_call(c);
		return;
	}
	if (msg->code < 200) {
		if (msg->to.tag.l)
			sip_dialog_update_uac(&c->dlg, msg);
		if (c->cancel_pending) {
			if (send_cancel(c))
				uac_give_up(c);
			return;
		}
		if (c->state == SIP_CALL_CALLING)
			set_state(c, SIP_CALL_PROCEEDING);
		if (c->state != SIP_CALL_PROCEEDING || msg->code == 100)
			return;
		fill_event(&ev, SIP_CALL_EV_PROGRESS, msg);
		emit(c, &ev);
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
			set_state(c, SIP_CALL_TERMINATING);
			if (send_bye(c, c->cause))
				end_call(c);
			return;
		}
		set_state(c, SIP_CALL_CONFIRMED);
		fill_event(&ev, SIP_CALL_EV_ANSWERED, msg);
		emit(c, &ev);
		return;
	}
	if (c->state == SIP_CALL_CALLING || c->state == SIP_CALL_PROCEEDING) {
		fill_event(&ev, SIP_CALL_EV_FAILED, msg);
		if (emit(c, &ev))
			return;
	}
	end_call(c);
}

int sip_call_invite(struct sip_stack *st, const struct sip_call_params *p,
		    void *user, struct sip_call **callp)
{
	struct sip_uri ruri;
	char call_id[96], tag[17], branch[32], from[384], to[384];
	char buf[RESP_MAX];
	struct sip_mbuf mb;
	struct sip_addr dst;
	int err;

	if (!st || !p || !p->ruri || !p->from_user || !callp ||
	    sip_uri_parse(&ruri, p->ruri, strlen(p->ruri)))
		return EINVAL;
	if (st->shutting_down)
		return ESHUTDOWN;
	struct sip_call *c = call_alloc(st, true);
	if (!c)
		return ENOMEM;
	c->user = user;
	c->ack_dst = p->dst;
	sip_rand_hex(st, tag, 16);
	sip_rand_hex(st, call_id, 24);
	snprintf(call_id + 24, sizeof(call_id) - 24, "@%s", st->local_ip);
	new_branch(st, branch);
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
	if (err)
		goto out;
	sip_mb_init(&mb, buf, sizeof(buf));
	err = sip_dialog_request(&c->dlg, &mb, SIP_METHOD_INVITE, 0, branch,
				 p->extra_hdrs, "application/sdp", p->sdp,
				 &dst);
	if (err)
		goto out;
	err = ENOMEM;
	c->invite = sip_strdup(st, buf, mb.len);
	if (!c->invite)
		goto out;
	c->invite_len = mb.len;
	if (p->sdp) {
		c->local_sdp = sip_strdup(st, p->sdp, strlen(p->sdp));
		if (!c->local_sdp)
			goto out;
	}
	c->state = SIP_CALL_CALLING;
	err = sip_ctrans_request(&c->inv_t, st, SIP_METHOD_INVITE, &p->dst,
				 branch, buf, mb.len, uac_inv_resp, c);
	if (err)
		goto out;
	sip_log(st, LOG_INFO, "call %u {CALLING}: INVITE %s", c->id, p->ruri);
	*callp = c;
	return 0;
out:
	call_free(c);
	return err;
}

/* ---- UAS ---- */

/* Builds a response with our Contact (dialog-forming) and sends it on t,
 * or statelessly when t is NULL. */
static int respond(struct sip_stack *st, struct sip_trans *t,
		   const struct sip_msg *req, const struct sip_addr *src,
		   unsigned code, const char *reason, const char *to_tag,
		   const char *extra, const char *sdp, struct sip_mbuf *out)
{
	char sbuf[RESP_MAX];
	struct sip_mbuf mb;
	struct sip_mbuf *m = out ? out : &mb;
	if (!out)
		sip_mb_init(&mb, sbuf, sizeof(sbuf));
	sip_mb_response_head(m, req, code, reason, to_tag);
	if (req->method == SIP_METHOD_INVITE && code > 100 && code < 300) {
		bool v6 = strchr(st->local_ip, ':') != NULL;
		sip_mb_printf(m, "Contact: <sip:%s%s%s:%u>\r\n", v6 ? "[" : "",
			      st->local_ip, v6 ? "]" : "", st->local_port);
	}
	if (st->user_agent[0])
		sip_mb_printf(m, "Server: %s\r\n", st->user_agent);
	if (extra)
		sip_mb_str(m, extra);
	sip_mb_body(m, "application/sdp", sdp, sdp ? strlen(sdp) : 0);
	if (m->err)
		return m->err;
	if (t)
		return sip_strans_reply(t, m->buf, m->len, code);
	return sip_send(st, src, m->buf, m->len);
}

/*
 * A response on server transaction t. If t cannot keep a copy (no memory)
 * nothing was sent: t is freed, clearing its owner's pointer, and the
 * response goes statelessly, so the request is answered and no
 * transaction is left without a response or a timer.
 */
static void reply_on(struct sip_stack *st, struct sip_trans *t,
		     const struct sip_msg *req, const struct sip_addr *src,
		     unsigned code, const char *to_tag, const char *extra,
		     const char *sdp)
{
	if (!respond(st, t, req, src, code, NULL, to_tag, extra, sdp, NULL) ||
	    !t)
		return;
	sip_trans_free(t);
	respond(st, NULL, req, src, code, NULL, to_tag, extra, sdp, NULL);
}

/* A non-INVITE answered through its own server transaction. */
void sip_ua_reply(struct sip_stack *st, const struct sip_msg *req,
		  const struct sip_addr *src, unsigned code, const char *extra)
{
	struct sip_trans *t = NULL;
	char tag[17];
	sip_rand_hex(st, tag, 16);
	if (req->method == SIP_METHOD_ACK)
		return;
	if (req->method != SIP_METHOD_INVITE &&
	    sip_strans_alloc(&t, st, req, src, NULL, NULL))
		t = NULL;
	reply_on(st, t, req, src, code, tag, extra, NULL);
	sip_trans_detach(t);
}

static void retx_2xx_fn(void *arg)
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
	end_call(c);
}

int sip_call_respond(struct sip_call *c, unsigned code, const char *reason,
		     const char *sdp)
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
	char buf[RESP_MAX], extra[64] = "";
	struct sip_mbuf mb, xb;
	sip_mb_init(&xb, extra, sizeof(extra));
	if (code >= 300)
		sip_mb_hdr_reason(&xb, c->cause);
	if (code >= 200 && code < 300)
		sip_mb_printf(&xb, "Allow: %s\r\n", ALLOW);
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = respond(st, t, &req, &t->peer, code, reason, c->dlg.local_tag,
			  extra, sdp, &mb);
	if (err)
		return err;
	if (code < 200) {
		if (c->state == SIP_CALL_INCOMING)
			set_state(c, SIP_CALL_EARLY);
		return 0;
	}
	if (code >= 300) {
		end_call(c);
		return 0;
	}
	c->resp2xx = sip_strdup(st, buf, mb.len);
	if (sdp && !c->local_sdp)
		c->local_sdp = sip_strdup(st, sdp, strlen(sdp));
	c->resp2xx_len = mb.len;
	c->dlg.confirmed = true;
	set_state(c, SIP_CALL_ANSWERED);
	c->interval = st->t1;
	if (c->resp2xx) {
		c->t_2xx.fn = retx_2xx_fn;
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
		set_state(c, SIP_CALL_CANCELLING);
		return 0;
	case SIP_CALL_PROCEEDING:
		set_state(c, SIP_CALL_CANCELLING);
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
		set_state(c, SIP_CALL_TERMINATING);
		if (send_bye(c, q850_cause))
			end_call(c);
		return 0;
	default:
		return EALREADY;
	}
}

static struct sip_call *find_dialog(struct sip_stack *st,
				    const struct sip_msg *req)
{
	for (struct sip_call *c = st->calls; c; c = c->next)
		if (c->state != SIP_CALL_ENDED &&
		    sip_dialog_match(&c->dlg, req))
			return c;
	return NULL;
}

static void in_dialog(struct sip_stack *st, const struct sip_msg *req,
		      const struct sip_addr *src)
{
	struct sip_call *c = find_dialog(st, req);
	struct sip_call_event ev;

	if (req->method == SIP_METHOD_ACK) {
		if (!c || c->state != SIP_CALL_ANSWERED)
			return; /* an ACK is never answered */
		sip_timer_stop(&c->t_2xx);
		sip_timer_stop(&c->t_wait);
		set_state(c, SIP_CALL_CONFIRMED);
		fill_event(&ev, SIP_CALL_EV_CONFIRMED, req);
		emit(c, &ev);
		return;
	}
	if (!c) {
		sip_ua_reply(st, req, src, 481, NULL);
		return;
	}
	if (!sip_dialog_check_cseq(&c->dlg, req)) {
		sip_ua_reply(st, req, src, 500, NULL);
		return;
	}
	switch (req->method) {
	case SIP_METHOD_BYE:
		sip_ua_reply(st, req, src, 200, NULL);
		if (c->state == SIP_CALL_TERMINATING)
			return; /* BYEs crossed: ours ends the call */
		sip_timer_stop(&c->t_2xx);
		sip_timer_stop(&c->t_wait);
		set_state(c, SIP_CALL_TERMINATING);
		fill_event(&ev, SIP_CALL_EV_BYE, req);
		if (!emit(c, &ev))
			end_call(c);
		return;
	case SIP_METHOD_INVITE: {
		/* re-INVITE (refresh, hold): keep the session as it is */
		struct sip_trans *t = NULL;
		if (sip_strans_alloc(&t, st, req, src, NULL, NULL))
			return;
		reply_on(st, t, req, src, c->local_sdp ? 200 : 488,
			 c->dlg.local_tag, NULL, c->local_sdp);
		sip_trans_detach(t);
		return;
	}
	case SIP_METHOD_OPTIONS:
	case SIP_METHOD_INFO:
		sip_ua_reply(st, req, src, 200, NULL);
		return;
	default:
		sip_ua_reply(st, req, src, 405, "Allow: " ALLOW "\r\n");
		return;
	}
}

static void recv_cancel(struct sip_stack *st, const struct sip_msg *req,
			const struct sip_addr *src)
{
	struct sip_trans *it = sip_strans_find_invite(st, req);
	struct sip_call_event ev;
	if (!it) {
		sip_ua_reply(st, req, src, 481, NULL);
		return;
	}
	sip_ua_reply(st, req, src, 200, NULL);
	struct sip_call *c = it->arg;
	if (!c || (c->state != SIP_CALL_INCOMING && c->state != SIP_CALL_EARLY))
		return;
	struct sip_msg inv;
	if (sip_msg_parse(&inv, c->invite, c->invite_len, c->invite_len))
		return;
	reply_on(st, it, &inv, src, 487, c->dlg.local_tag, NULL, NULL);
	set_state(c, SIP_CALL_TERMINATING);
	fill_event(&ev, SIP_CALL_EV_CANCELLED, req);
	if (!emit(c, &ev))
		end_call(c);
}

static void recv_invite(struct sip_stack *st, const struct sip_msg *req,
			const struct sip_addr *src)
{
	char tag[17];
	if (st->shutting_down || !st->h.call_incoming) {
		sip_ua_reply(st, req, src, 503, NULL);
		return;
	}
	/* the same INVITE again once its transaction is gone (8.2.2.2) */
	for (struct sip_call *o = st->calls; o; o = o->next)
		if (!o->uac && o->dlg.call_id &&
		    sip_pl_eq(&req->call_id, o->dlg.call_id) &&
		    o->dlg.remote_tag &&
		    sip_pl_eq(&req->from.tag, o->dlg.remote_tag) &&
		    o->dlg.remote_cseq == req->cseq)
			return;
	struct sip_call *c = call_alloc(st, false);
	if (!c)
		goto fail;
	sip_rand_hex(st, tag, 16);
	c->state = SIP_CALL_INCOMING;
	c->invite = sip_strdup(st, req->buf, req->len);
	if (!c->invite || sip_dialog_init_uas(&c->dlg, st, req, tag, src) ||
	    sip_strans_alloc(&c->inv_t, st, req, src, NULL, c)) {
		call_free(c);
		goto fail;
	}
	c->invite_len = req->len;
	respond(st, c->inv_t, req, src, 100, NULL, NULL, NULL, NULL, NULL);
	sip_log(st, LOG_INFO, "call %u {INCOMING}: INVITE %.*s", c->id,
		(int)req->ruri_str.l, req->ruri_str.p);
	c->busy++;
	st->h.call_incoming(st->h.arg, c, req);
	c->busy--;
	if (c->state == SIP_CALL_ENDED && !c->busy)
		call_free(c);
	return;
fail:
	sip_ua_reply(st, req, src, 500, NULL);
}

void sip_ua_recv_request(struct sip_stack *st, const struct sip_msg *req,
			 const struct sip_addr *src)
{
	if (req->ruri.scheme == SIP_URI_OTHER) {
		sip_ua_reply(st, req, src, 416, NULL);
		return;
	}
	/* we support no extensions yet: any Require is unsupported (8.2.2.3) */
	const struct sip_hdr *rq = sip_msg_hdr(req, SIP_HDR_REQUIRE, NULL);
	if (rq && req->method != SIP_METHOD_ACK &&
	    req->method != SIP_METHOD_CANCEL) {
		char extra[512];
		snprintf(extra, sizeof(extra), "Unsupported: %.*s\r\n",
			 (int)rq->val.l, rq->val.p);
		sip_ua_reply(st, req, src, 420, extra);
		return;
	}
	if (req->max_forwards == 0 && req->method != SIP_METHOD_ACK &&
	    req->method != SIP_METHOD_OPTIONS) {
		sip_ua_reply(st, req, src, 483, NULL);
		return;
	}
	if (req->to.tag.l) {
		in_dialog(st, req, src);
		return;
	}
	switch (req->method) {
	case SIP_METHOD_INVITE:
		recv_invite(st, req, src);
		break;
	case SIP_METHOD_CANCEL:
		recv_cancel(st, req, src);
		break;
	case SIP_METHOD_OPTIONS:
		sip_ua_reply(st, req, src, 200,
			     "Allow: " ALLOW "\r\n"
			     "Accept: application/sdp\r\n"
			     "Supported: \r\n");
		break;
	case SIP_METHOD_ACK:
		break;
	case SIP_METHOD_BYE:
		sip_ua_reply(st, req, src, 481, NULL);
		break;
	default:
		sip_ua_reply(st, req, src, 405, "Allow: " ALLOW "\r\n");
		break;
	}
}

void sip_ua_free_calls(struct sip_stack *st)
{
	while (st->calls)
		call_free(st->calls);
}

void sip_ua_shutdown(struct sip_stack *st)
{
	struct sip_call *c = st->calls, *next;
	for (; c; c = next) {
		next = c->next;
		sip_call_hangup(c, 503, -1);
	}
}

size_t sip_ua_dump(const struct sip_stack *st, char *buf, size_t size)
{
	struct sip_mbuf mb;
	sip_mb_init(&mb, buf, size);
	for (const struct sip_call *c = st->calls; c; c = c->next)
		sip_mb_printf(&mb, "call %u {%s} %s %s\n", c->id,
			      sip_call_state_name(c->state),
			      c->uac ? "out" : "in", sip_call_callid(c));
	return mb.len;
}
