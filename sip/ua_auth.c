/*
 * ua_auth.c: digest authentication in the UA core (RFC 3261 22.2, 22.3).
 * Client: a call made with credentials answers a 401/407 to its INVITE
 * with a new INVITE (same Call-ID and From tag, CSeq + 1; the transaction
 * ACKs the 401) and to its in-dialog requests with the same request
 * again, once per challenge. Server: requests from peers the application
 * names are challenged and verified (digest_srv.c).
 */
#include <errno.h>
#include <string.h>
#include "sip/ua_int.h"

/* Owned by its call. */
struct sip_ua_auth {
	char user[128];
	char password[128];
	char *ruri;  /* the INVITE's Request-URI, its target again */
	char *extra; /* the INVITE's extra headers */
	struct sip_addr dst;
	struct sip_digest_client cl;
	bool inv_answered; /* a fresh challenge to the INVITE answered */
	unsigned inv_stale;
	bool bye_tried;
};

int ua_auth_init(struct sip_call *c, const struct sip_call_params *p)
{
	struct sip_stack *st = c->st;
	if (!p->auth_user || !p->auth_password)
		return 0;
	if (strlen(p->auth_user) >= sizeof(c->auth->user) ||
	    strlen(p->auth_password) >= sizeof(c->auth->password))
		return EINVAL;
	struct sip_ua_auth *a = sip_zalloc(st, sizeof(*a));
	if (!a)
		return ENOMEM;
	c->auth = a;
	strcpy(a->user, p->auth_user);
	strcpy(a->password, p->auth_password);
	a->dst = p->dst;
	a->ruri = sip_strdup(st, p->ruri, strlen(p->ruri));
	if (p->extra_hdrs)
		a->extra = sip_strdup(st, p->extra_hdrs, strlen(p->extra_hdrs));
	if (!a->ruri || (p->extra_hdrs && !a->extra))
		return ENOMEM; /* the caller frees the call and a with it */
	return 0;
}

void ua_auth_free(struct sip_call *c)
{
	if (!c->auth)
		return;
	sip_free(c->st, c->auth->ruri);
	sip_free(c->st, c->auth->extra);
	sip_free(c->st, c->auth);
	c->auth = NULL;
}

/*
 * Writes "(Proxy-)Authorization: ...\r\n" answering resp's challenge for
 * method and uri, unless this request already answered one: a second
 * plain challenge means the credentials are wrong; stale ones get two
 * more tries. ENOENT when not answering.
 */
static int answer(struct sip_call *c, const struct sip_msg *resp,
		  bool *answered, unsigned *stale, const char *method,
		  const char *uri, char *hdr, size_t size)
{
	struct sip_ua_auth *a = c->auth;
	struct sip_digest_chal ch;
	char val[1536];
	if (!a || sip_digest_chal_pick(&ch, resp))
		return ENOENT;
	if (ch.stale ? *stale >= 2 : *answered) {
		sip_log(c->st, LOG_WARNING,
			"call %u {%s}: %u to %s again: credentials refused",
			c->id, sip_call_state_name(c->state), resp->code,
			method);
		return ENOENT;
	}
	if (ch.stale)
		(*stale)++;
	else
		*answered = true;
	sip_digest_client_take(&a->cl, &ch);
	int err = sip_digest_client_answer(&a->cl, a->user, a->password,
					   method, uri, val, sizeof(val));
	if (err)
		return err;
	int n = snprintf(hdr, size, "%s: %s\r\n", sip_digest_answer_hdr(&ch),
			 val);
	if (n < 0 || (size_t)n >= size)
		return ENOSPC;
	sip_log(c->st, LOG_INFO, "call %u {%s}: answering %u for %s (%s)",
		c->id, sip_call_state_name(c->state), resp->code, method,
		sip_digest_alg_name(ch.alg));
	return 0;
}

bool ua_auth_retry_invite(struct sip_call *c, const struct sip_msg *resp,
			  sip_ctrans_h *h)
{
	struct sip_stack *st = c->st;
	struct sip_ua_auth *a = c->auth;
	char hdr[1700], branch[32], buf[SIP_UA_RESP_MAX];
	struct sip_mbuf mb, xb;
	struct sip_addr dst;

	if (!a || c->cancel_pending ||
	    (c->state != SIP_CALL_CALLING && c->state != SIP_CALL_PROCEEDING))
		return false;
	if (answer(c, resp, &a->inv_answered, &a->inv_stale, "INVITE", a->ruri,
		   hdr, sizeof(hdr)))
		return false;
	/* the early dialog of a 1xx is gone with the 401 (12.1.2) */
	struct sip_dialog *d = &c->dlg;
	char *target = sip_strdup(st, a->ruri, strlen(a->ruri));
	if (!target)
		return false;
	sip_free(st, d->remote_tag);
	d->remote_tag = NULL;
	sip_free(st, d->route);
	d->route = NULL;
	sip_free(st, d->remote_target);
	d->remote_target = target;

	size_t xl = (a->extra ? strlen(a->extra) : 0) + strlen(hdr) + 1;
	char *x = sip_zalloc(st, xl);
	if (!x)
		return false;
	sip_mb_init(&xb, x, xl);
	if (a->extra)
		sip_mb_str(&xb, a->extra);
	sip_mb_str(&xb, hdr);
	ua_new_branch(st, branch);
	sip_mb_init(&mb, buf, sizeof(buf));
	int err = sip_dialog_request(d, &mb, SIP_METHOD_INVITE, 0, branch, x,
				     "application/sdp", c->local_sdp, &dst);
	sip_free(st, x);
	char *inv = err ? NULL : sip_strdup(st, buf, mb.len);
	if (!inv)
		return false;
	/* the old transaction ACKs the 401 and absorbs its retransmissions */
	sip_trans_detach(c->inv_t);
	sip_free(st, c->invite);
	c->invite = inv;
	c->invite_len = mb.len;
	if (sip_ctrans_request(&c->inv_t, st, SIP_METHOD_INVITE, &a->dst,
			       branch, buf, mb.len, h, c))
		return false;
	if (c->state == SIP_CALL_PROCEEDING)
		ua_set_state(c, SIP_CALL_CALLING);
	return true;
}

int ua_auth_indialog(struct sip_call *c, const struct sip_msg *resp,
		     bool *tried, const char *method, char *hdr, size_t size)
{
	bool answered = false;
	unsigned stale = 0;
	if (!c || !c->auth || !c->dlg.remote_target)
		return ENOENT;
	if (*tried) /* one answer per request, stale or not */
		return ENOENT;
	*tried = true;
	return answer(c, resp, &answered, &stale, method, c->dlg.remote_target,
		      hdr, size);
}

bool *ua_auth_bye_tried(struct sip_call *c)
{
	return c->auth ? &c->auth->bye_tried : NULL;
}
