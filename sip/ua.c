/*
 * ua.c: UA core (RFC 3261 8, 12, 13): the call object and its events,
 * responses, and the dispatch of incoming requests to the method handlers
 * in the other ua_*.c files.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/ua_int.h"

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
	[SIP_CALL_EV_OFFER] = "OFFER",
	[SIP_CALL_EV_INFO] = "INFO",
	[SIP_CALL_EV_REFER] = "REFER",
	[SIP_CALL_EV_SESSION_EXPIRED] = "SESSION_EXPIRED",
	[SIP_CALL_EV_REOFFER_DONE] = "REOFFER_DONE",
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

const struct sip_addr *sip_call_source(const struct sip_call *call)
{
	return call && !call->uac ? &call->src : NULL;
}

const struct sip_addr *sip_call_peer(const struct sip_call *call)
{
	return call ? &call->src : NULL;
}

bool ua_dialog_screen(struct sip_call *c, const struct sip_msg *req,
		      const struct sip_addr *src)
{
	struct sip_stack *st = c->st;

	if (!st->h.dialog_screen)
		return true;
	unsigned code = st->h.dialog_screen(st->h.arg, c, src, req);

	if (code >= 300 && req->method != SIP_METHOD_ACK)
		sip_ua_reply(st, req, src, code > 699 ? 403 : code, NULL);
	return code == 0;
}

const char *sip_call_callid(const struct sip_call *call)
{
	return call && call->dlg.call_id ? call->dlg.call_id : "";
}

void ua_set_state(struct sip_call *c, enum sip_call_state s)
{
	sip_log(c->st, LOG_INFO, "call %u {%s}: -> %s", c->id,
		sip_call_state_name(c->state), sip_call_state_name(s));
	c->state = s;
}

void ua_call_free(struct sip_call *c)
{
	struct sip_stack *st = c->st;
	sip_timer_stop(&c->t_2xx);
	sip_timer_stop(&c->t_wait);
	/* transactions live on to absorb retransmissions */
	sip_trans_detach(c->inv_t);
	sip_trans_detach(c->bye_t);
	sip_trans_detach(c->cancel_t);
	ua_se_stop(c);
	ua_rel_stop(c);
	ua_offer_free(c);
	ua_req_call_gone(c);
	for (struct sip_call **pp = &st->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	if (c->hpprev) {
		*c->hpprev = c->hnext;
		if (c->hnext)
			c->hnext->hpprev = c->hpprev;
	}
	st->stats.active_calls--;
	sip_dialog_release(&c->dlg);
	sip_free(st, c->invite);
	sip_free(st, c->ack);
	sip_free(st, c->resp2xx);
	sip_free(st, c->local_sdp);
	sip_free(st, c->extra_hdrs);
	sip_free(st, c->retry_hdrs);
	sip_free(st, c->ruri);
	ua_auth_free(c);
	sip_free(st, c);
}

/* Returns true if the call is gone after the callback. */
bool ua_emit(struct sip_call *c, struct sip_call_event *ev)
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
			ua_call_free(c);
		return true;
	}
	return false;
}

void ua_end_call(struct sip_call *c)
{
	if (c->state == SIP_CALL_ENDED)
		return;
	ua_set_state(c, SIP_CALL_ENDED);
	sip_timer_stop(&c->t_2xx);
	sip_timer_stop(&c->t_wait);
	sip_timer_stop(&c->t_glare);
	ua_se_stop(c);
	ua_rel_stop(c);
	struct sip_call_event ev = { .type = SIP_CALL_EV_ENDED,
				     .q850_cause = -1 };
	ua_emit(c, &ev);
	if (!c->busy)
		ua_call_free(c);
}

void ua_fill_event(struct sip_call_event *ev, enum sip_call_ev_type type,
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

struct sip_call *ua_call_alloc(struct sip_stack *st, bool uac)
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
	sip_timer_init(&c->t_glare, st, SIP_TMR_GLARE, NULL, c);
	ua_se_init(c);
	ua_rel_init(c);
	c->next = st->calls;
	st->calls = c;
	st->stats.active_calls++;
	return c;
}

void ua_call_hash(struct sip_call *c)
{
	struct sip_call **b;

	if (c->hpprev || !c->dlg.call_id)
		return;
	b = &c->st->call_hash[sip_hash(c->dlg.call_id, strlen(c->dlg.call_id)) &
			      (SIP_CALL_HASH - 1)];
	c->hnext = *b;
	if (c->hnext)
		c->hnext->hpprev = &c->hnext;
	*b = c;
	c->hpprev = b;
}

struct sip_call *ua_calls_of(struct sip_stack *st, const struct sip_pl *cid)
{
	return st->call_hash[sip_hash(cid->p, cid->l) & (SIP_CALL_HASH - 1)];
}

void ua_new_branch(struct sip_stack *st, char *buf)
{
	memcpy(buf, SIP_BRANCH_COOKIE, 7);
	sip_rand_hex(st, buf + 7, 16);
}

/* ---- UAS ---- */

/* Builds a response with our Contact (dialog-forming) and sends it on t,
 * or statelessly when t is NULL. */
int ua_respond(struct sip_stack *st, struct sip_trans *t,
	       const struct sip_msg *req, const struct sip_addr *src,
	       unsigned code, const char *reason, const char *to_tag,
	       const char *extra, const char *sdp, struct sip_mbuf *out)
{
	char sbuf[SIP_UA_RESP_MAX];
	struct sip_mbuf mb;
	struct sip_mbuf *m = out ? out : &mb;
	if (!out)
		sip_mb_init(&mb, sbuf, sizeof(sbuf));
	sip_mb_response_head(m, req, code, reason, to_tag);
	/* dialog-forming and target refresh responses carry our Contact */
	bool contact = (req->method == SIP_METHOD_INVITE && code > 100 &&
			code < 300) ||
		       ((req->method == SIP_METHOD_UPDATE ||
			 req->method == SIP_METHOD_SUBSCRIBE ||
			 req->method == SIP_METHOD_REFER) &&
			code >= 200 && code < 300);
	if (contact) {
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
void ua_reply_on(struct sip_stack *st, struct sip_trans *t,
		 const struct sip_msg *req, const struct sip_addr *src,
		 unsigned code, const char *to_tag, const char *extra,
		 const char *sdp)
{
	if (!ua_respond(st, t, req, src, code, NULL, to_tag, extra, sdp,
			NULL) ||
	    !t)
		return;
	sip_trans_free(t);
	ua_respond(st, NULL, req, src, code, NULL, to_tag, extra, sdp, NULL);
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
	ua_reply_on(st, t, req, src, code, tag, extra, NULL);
	sip_trans_detach(t);
}

static struct sip_call *find_dialog(struct sip_stack *st,
				    const struct sip_msg *req)
{
	for (struct sip_call *c = ua_calls_of(st, &req->call_id); c;
	     c = c->hnext)
		if (c->state != SIP_CALL_ENDED &&
		    sip_dialog_match(&c->dlg, req))
			return c;
	return NULL;
}

static void recv_info(struct sip_call *c, const struct sip_msg *req,
		      const struct sip_addr *src)
{
	struct sip_call_event ev;
	sip_ua_reply(c->st, req, src, 200, NULL);
	ua_fill_event(&ev, SIP_CALL_EV_INFO, req);
	ua_emit(c, &ev);
}

static const char options_hdrs[] = "Allow: " SIP_UA_ALLOW "\r\n"
				   "Accept: application/sdp\r\n"
				   "Supported: " SIP_UA_SUPPORTED "\r\n";

/* Out of dialog: the user's health answer (a 2xx also lists what we
 * support, other statuses only the user's headers). */
static void recv_options(struct sip_stack *st, const struct sip_msg *req,
			 const struct sip_addr *src)
{
	char hdrs[256] = "", extra[sizeof(options_hdrs) + sizeof(hdrs)];
	unsigned code = 200;

	if (st->h.options)
		code = st->h.options(st->h.arg, req, hdrs, sizeof(hdrs));
	hdrs[sizeof(hdrs) - 1] = 0;
	if (code < 200 || code > 699)
		code = 500; /* a user bug: still a final answer */
	snprintf(extra, sizeof(extra), "%s%s", code < 300 ? options_hdrs : "",
		 hdrs);
	sip_ua_reply(st, req, src, code, extra);
}

static void in_dialog(struct sip_stack *st, const struct sip_msg *req,
		      const struct sip_addr *src)
{
	struct sip_call *c = find_dialog(st, req);

	/* before the dialog sees it: no CSeq, offer or state change */
	if (c && !ua_dialog_screen(c, req, src))
		return;
	if (req->method == SIP_METHOD_ACK) {
		ua_recv_ack(c, req); /* an ACK is never answered */
		return;
	}
	if (!c) {
		if (!ua_subs_in_dialog(st, req, src))
			sip_ua_reply(st, req, src, 481, NULL);
		return;
	}
	if (!sip_dialog_check_cseq(&c->dlg, req)) {
		sip_ua_reply(st, req, src, 500, NULL);
		return;
	}
	switch (req->method) {
	case SIP_METHOD_BYE:
		ua_recv_bye(c, req, src);
		return;
	case SIP_METHOD_INVITE:
		ua_recv_reinvite(c, req, src);
		return;
	case SIP_METHOD_UPDATE:
		ua_recv_update(c, req, src);
		return;
	case SIP_METHOD_PRACK:
		ua_recv_prack(c, req, src);
		return;
	case SIP_METHOD_REFER:
		ua_recv_refer(c, req, src);
		return;
	case SIP_METHOD_INFO:
		recv_info(c, req, src);
		return;
	case SIP_METHOD_OPTIONS:
		sip_ua_reply(st, req, src, 200, options_hdrs);
		return;
	default:
		sip_ua_reply(st, req, src, 405, "Allow: " SIP_UA_ALLOW "\r\n");
		return;
	}
}

static bool tag_known(const struct sip_pl *tag)
{
	return sip_pl_casecmp(tag, "100rel") || sip_pl_casecmp(tag, "timer");
}

/* 8.2.2.3: 420 naming only the option tags we do not know. validate.c
 * calls it between the header checks and the content checks (8.2.3), so
 * an unknown Require is answered before a body we cannot read. */
bool sip_ua_check_require(struct sip_stack *st, const struct sip_msg *req,
			  const struct sip_addr *src)
{
	char extra[512];
	struct sip_mbuf xb;
	unsigned n = 0;
	const struct sip_hdr *h = NULL;
	if (req->method == SIP_METHOD_ACK || req->method == SIP_METHOD_CANCEL)
		return true;
	sip_mb_init(&xb, extra, sizeof(extra));
	sip_mb_str(&xb, "Unsupported: ");
	while ((h = sip_msg_hdr(req, SIP_HDR_REQUIRE, h))) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl e;
		while (sip_list_next(&lx, &e)) {
			if (tag_known(&e))
				continue;
			if (n++)
				sip_mb_str(&xb, ", ");
			sip_mb_pl(&xb, &e);
		}
	}
	if (!n)
		return true;
	sip_mb_str(&xb, "\r\n");
	if (xb.err)
		snprintf(extra, sizeof(extra), "Unsupported: x\r\n");
	sip_ua_reply(st, req, src, 420, extra);
	return false;
}

void sip_ua_recv_request(struct sip_stack *st, const struct sip_msg *req,
			 const struct sip_addr *src)
{
	if (req->ruri.scheme == SIP_URI_OTHER) {
		sip_ua_reply(st, req, src, 416, NULL);
		return;
	}
	if (req->max_forwards == 0 && req->method != SIP_METHOD_ACK &&
	    req->method != SIP_METHOD_OPTIONS) {
		sip_ua_reply(st, req, src, 483, NULL);
		return;
	}
	/* a CANCEL matches its INVITE by transaction (9.2), whatever its To
	 * tag: some peers copy the tag of a 1xx into it */
	if (req->method == SIP_METHOD_CANCEL) {
		ua_recv_cancel(st, req, src);
		return;
	}
	if (req->to.tag.l) {
		in_dialog(st, req, src);
		return;
	}
	if (req->method != SIP_METHOD_ACK && st->h.screen) {
		unsigned code = st->h.screen(st->h.arg, src, req);

		if (code >= 300)
			sip_ua_reply(st, req, src, code, NULL);
		if (code)
			return;
	}
	if (!ua_auth_check(st, req, src))
		return; /* challenged or refused */
	switch (req->method) {
	case SIP_METHOD_INVITE:
		ua_recv_invite(st, req, src);
		break;
	case SIP_METHOD_CANCEL:
		ua_recv_cancel(st, req, src);
		break;
	case SIP_METHOD_OPTIONS:
		recv_options(st, req, src);
		break;
	case SIP_METHOD_SUBSCRIBE:
		ua_recv_subscribe(st, req, src);
		break;
	case SIP_METHOD_ACK:
		break;
	case SIP_METHOD_BYE:
	case SIP_METHOD_PRACK:
	case SIP_METHOD_UPDATE:
	case SIP_METHOD_INFO:
	case SIP_METHOD_REFER:
		sip_ua_reply(st, req, src, 481, NULL);
		break;
	default:
		sip_ua_reply(st, req, src, 405, "Allow: " SIP_UA_ALLOW "\r\n");
		break;
	}
}

void sip_ua_free_calls(struct sip_stack *st)
{
	while (st->calls)
		ua_call_free(st->calls);
	ua_subs_free_all(st);
	ua_req_free_all(st);
}

void sip_ua_shutdown(struct sip_stack *st)
{
	struct sip_call *c = st->calls, *next;
	ua_subs_shutdown(st);
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
		sip_mb_printf(&mb, "call %u {%s} %s %s se=%u%s\n", c->id,
			      sip_call_state_name(c->state),
			      c->uac ? "out" : "in", sip_call_callid(c), c->se,
			      c->se && c->se_refresher ? " refresher" : "");
	if (!mb.err)
		mb.len += ua_subs_dump(st, mb.buf + mb.len, mb.size - mb.len);
	return mb.len;
}
