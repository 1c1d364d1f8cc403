/*
 * ua_req.c: generic requests (RFC 3261 8.1, 12.2.1): any non-INVITE method
 * out of dialog or in a call's dialog, with the final response handed to
 * the caller and a re-send with added headers and a new CSeq (22.2: the
 * retry after a 401/407 is a new transaction of the same request).
 */
#include <errno.h>
#include <string.h>
#include "sip/ua_int.h"

struct sip_req {
	struct sip_req *next;
	struct sip_stack *st;
	enum sip_method method;
	struct sip_call *call;	 /* in-dialog: the call, NULL once it ended */
	struct sip_dialog own;	 /* out of dialog: identifiers and CSeq */
	struct sip_dialog *dlg;	 /* &own, &call->dlg, or NULL */
	struct sip_addr dst;	 /* out of dialog: the fixed next hop */
	struct sip_trans *trans; /* the current client transaction */
	char *extra;		 /* original extra headers (may be NULL) */
	char *ctype;
	char *body;
	uint32_t cseq;
	sip_req_h *h;
	void *arg;
	bool in_handler;
	bool resent;	 /* resend called from the handler: keep it */
	bool dropped;	 /* abandoned from the handler: free after it */
	bool auth_tried; /* answered a 401/407 (ua_auth.c) */
};

static void req_unlink(struct sip_req *r)
{
	for (struct sip_req **pp = &r->st->reqs; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
}

static void req_free(struct sip_req *r)
{
	struct sip_stack *st = r->st;
	sip_trans_detach(r->trans);
	req_unlink(r);
	sip_dialog_release(&r->own);
	sip_free(st, r->extra);
	sip_free(st, r->ctype);
	sip_free(st, r->body);
	sip_free(st, r);
}

static int req_start(struct sip_req *r, const char *add);

static void req_resp(int err, const struct sip_msg *msg, void *arg)
{
	struct sip_req *r = arg;
	if (!err && msg && msg->code < 200)
		return;
	/* the transaction stays to absorb retransmitted finals */
	sip_trans_detach(r->trans);
	/* a challenge to an in-dialog request of a call with credentials */
	char hdr[1700];
	if (!err && msg && (msg->code == 401 || msg->code == 407) && r->call &&
	    r->dlg &&
	    !ua_auth_indialog(r->call, msg, &r->auth_tried,
			      sip_method_name(r->method), hdr, sizeof(hdr)) &&
	    !req_start(r, hdr))
		return;
	r->resent = false;
	r->in_handler = true;
	if (r->h && !r->dropped)
		r->h(r->arg, r, err, err ? NULL : msg);
	r->in_handler = false;
	if (!r->resent || r->dropped)
		req_free(r);
}

static char *dup_opt(struct sip_stack *st, const char *s, bool *fail)
{
	if (!s)
		return NULL;
	char *c = sip_strdup(st, s, strlen(s));
	if (!c)
		*fail = true;
	return c;
}

/* Builds and starts a transaction for r with extra + add headers. */
static int req_start(struct sip_req *r, const char *add)
{
	struct sip_stack *st = r->st;
	char buf[SIP_UA_RESP_MAX], branch[32];
	struct sip_mbuf mb, xb;
	struct sip_addr dst;
	size_t xl = (r->extra ? strlen(r->extra) : 0) + (add ? strlen(add) : 0);
	char *x = sip_zalloc(st, xl + 1);
	if (!x)
		return ENOMEM;
	sip_mb_init(&xb, x, xl + 1);
	if (r->extra)
		sip_mb_str(&xb, r->extra);
	if (add)
		sip_mb_str(&xb, add);
	ua_new_branch(st, branch);
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = sip_dialog_request(r->dlg, &mb, r->method, 0, branch, x,
				     r->ctype, r->body, &dst);
	sip_free(st, x);
	if (err)
		return err;
	r->cseq = r->dlg->local_cseq;
	if (r->dlg == &r->own)
		dst = r->dst;
	return sip_ctrans_request(&r->trans, st, r->method, &dst, branch, buf,
				  mb.len, req_resp, r);
}

static struct sip_req *req_alloc(struct sip_stack *st, enum sip_method m,
				 const char *extra, const char *ctype,
				 const char *body, sip_req_h *h, void *arg)
{
	bool fail = false;
	struct sip_req *r = sip_zalloc(st, sizeof(*r));
	if (!r)
		return NULL;
	r->st = st;
	r->method = m;
	r->h = h;
	r->arg = arg;
	r->next = st->reqs;
	st->reqs = r;
	r->extra = dup_opt(st, extra, &fail);
	if (body) {
		r->body = dup_opt(st, body, &fail);
		r->ctype = dup_opt(st, ctype ? ctype : "text/plain", &fail);
	}
	if (fail) {
		req_free(r);
		return NULL;
	}
	return r;
}

static bool method_ok(enum sip_method m)
{
	return m != SIP_METHOD_OTHER && m < SIP_METHOD__COUNT &&
	       m != SIP_METHOD_INVITE && m != SIP_METHOD_ACK &&
	       m != SIP_METHOD_CANCEL;
}

int sip_req_send(struct sip_stack *st, const struct sip_req_params *p,
		 sip_req_h *h, void *arg, struct sip_req **reqp)
{
	struct sip_uri ruri;
	char call_id[128], tag[17], from[384], to[384];
	if (reqp)
		*reqp = NULL;
	if (!st || !p || !p->ruri || !method_ok(p->method) ||
	    sip_uri_parse(&ruri, p->ruri, strlen(p->ruri)))
		return EINVAL;
	if (p->call_id && strlen(p->call_id) >= sizeof(call_id))
		return EINVAL;
	struct sip_req *r =
		req_alloc(st, p->method, NULL, p->ctype, p->body, h, arg);
	if (!r)
		return ENOMEM;
	bool v6 = strchr(st->local_ip, ':') != NULL;
	char xbuf[512] = "";
	if (p->contact_user)
		snprintf(xbuf, sizeof(xbuf), "Contact: <sip:%s%s%s%s%s:%u>\r\n",
			 p->contact_user, *p->contact_user ? "@" : "",
			 v6 ? "[" : "", st->local_ip, v6 ? "]" : "",
			 st->local_port);
	if (p->extra_hdrs || xbuf[0]) {
		size_t l = strlen(xbuf) +
			   (p->extra_hdrs ? strlen(p->extra_hdrs) : 0);
		r->extra = sip_zalloc(st, l + 1);
		if (!r->extra) {
			req_free(r);
			return ENOMEM;
		}
		snprintf(r->extra, l + 1, "%s%s", xbuf,
			 p->extra_hdrs ? p->extra_hdrs : "");
	}
	r->dst = p->dst;
	sip_rand_hex(st, tag, 16);
	if (p->call_id) {
		snprintf(call_id, sizeof(call_id), "%s", p->call_id);
	} else {
		sip_rand_hex(st, call_id, 24);
		snprintf(call_id + 24, sizeof(call_id) - 24, "@%s",
			 st->local_ip);
	}
	if (p->from_uri)
		snprintf(from, sizeof(from), "%s%s%s<%s>",
			 p->from_display ? "\"" : "",
			 p->from_display ? p->from_display : "",
			 p->from_display ? "\" " : "", p->from_uri);
	else
		snprintf(from, sizeof(from), "<sip:%s%s%s>", v6 ? "[" : "",
			 st->local_ip, v6 ? "]" : "");
	snprintf(to, sizeof(to), "<%s>", p->to_uri ? p->to_uri : p->ruri);
	int err = sip_dialog_init_uac(&r->own, st, call_id, from, tag, to,
				      p->ruri, p->cseq ? p->cseq - 1 : 0,
				      &p->dst);
	if (!err) {
		r->dlg = &r->own;
		err = req_start(r, NULL);
	}
	if (err) {
		req_free(r);
		return err;
	}
	sip_log(st, LOG_INFO, "request %s %s sent", sip_method_name(p->method),
		p->ruri);
	if (reqp)
		*reqp = r;
	return 0;
}

int sip_call_request(struct sip_call *c, enum sip_method method,
		     const char *extra_hdrs, const char *ctype,
		     const char *body, sip_req_h *h, void *arg,
		     struct sip_req **reqp)
{
	if (reqp)
		*reqp = NULL;
	if (!c || !method_ok(method))
		return EINVAL;
	if (c->state == SIP_CALL_ENDED || !c->dlg.call_id ||
	    !c->dlg.remote_tag || !*c->dlg.remote_tag)
		return ENOTCONN; /* no dialog (yet) */
	struct sip_req *r =
		req_alloc(c->st, method, extra_hdrs, ctype, body, h, arg);
	if (!r)
		return ENOMEM;
	r->call = c;
	r->dlg = &c->dlg;
	int err = req_start(r, NULL);
	if (err) {
		req_free(r);
		return err;
	}
	sip_log(c->st, LOG_INFO, "call %u {%s}: %s sent", c->id,
		sip_call_state_name(c->state), sip_method_name(method));
	if (reqp)
		*reqp = r;
	return 0;
}

int sip_req_resend(struct sip_req *r, const char *add_hdrs)
{
	if (!r || !r->in_handler || r->dropped)
		return EINVAL;
	if (!r->dlg)
		return ENOENT;
	int err = req_start(r, add_hdrs);
	if (!err)
		r->resent = true;
	return err;
}

void sip_req_abandon(struct sip_req *r)
{
	if (!r)
		return;
	if (r->in_handler) {
		r->dropped = true;
		return;
	}
	req_free(r);
}

enum sip_method sip_req_method(const struct sip_req *r)
{
	return r ? r->method : SIP_METHOD_OTHER;
}

const char *sip_req_callid(const struct sip_req *r)
{
	return r && r->dlg && r->dlg->call_id ? r->dlg->call_id : "";
}

uint32_t sip_req_cseq(const struct sip_req *r)
{
	return r ? r->cseq : 0;
}

struct sip_call *sip_req_call(const struct sip_req *r)
{
	return r ? r->call : NULL;
}

int ua_req_dialog(struct sip_stack *st, struct sip_dialog *d, enum sip_method m,
		  const char *extra, const char *ctype, const char *body,
		  sip_req_h *h, void *arg, struct sip_req **reqp)
{
	struct sip_req *r = req_alloc(st, m, extra, ctype, body, h, arg);
	if (reqp)
		*reqp = NULL;
	if (!r)
		return ENOMEM;
	r->dlg = d;
	int err = req_start(r, NULL);
	if (err) {
		req_free(r);
		return err;
	}
	if (reqp)
		*reqp = r;
	return 0;
}

void ua_req_dialog_gone(struct sip_stack *st, struct sip_dialog *d)
{
	for (struct sip_req *r = st->reqs; r; r = r->next) {
		if (r->dlg == d) {
			r->dlg = NULL;
			r->h = NULL;
		}
	}
}

void ua_req_call_gone(struct sip_call *c)
{
	for (struct sip_req *r = c->st->reqs; r; r = r->next) {
		if (r->call == c) {
			r->call = NULL;
			r->dlg = NULL;
		}
	}
}

void ua_req_free_all(struct sip_stack *st)
{
	while (st->reqs)
		req_free(st->reqs);
}
