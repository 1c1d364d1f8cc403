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

/* Protection spaces an INVITE may have to answer at once: an
 * authenticating proxy (407) and the UAS or a second proxy (22.3). */
#define UA_AUTH_SPACES 2

/* One (proxy or not, realm) the INVITE answers, and how often. */
struct ua_space {
	struct sip_digest_client cl; /* cl.have: in use */
	bool answered; /* a fresh challenge of this space answered */
	unsigned stale;
};

/* Owned by its call. */
struct sip_ua_auth {
	char user[128];
	char password[128];
	char *ruri; /* the INVITE's Request-URI, its target again */
	struct ua_space inv[UA_AUTH_SPACES];
	struct sip_digest_client cl; /* in-dialog requests */
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
	a->ruri = sip_strdup(st, p->ruri, strlen(p->ruri));
	if (!a->ruri)
		return ENOMEM; /* the caller frees the call and a with it */
	return 0;
}

void ua_auth_free(struct sip_call *c)
{
	if (!c->auth)
		return;
	sip_free(c->st, c->auth->ruri);
	sip_free(c->st, c->auth);
	c->auth = NULL;
}

/* Takes resp's challenge into cl unless this space already answered one:
 * a second plain challenge means the credentials are wrong; stale ones
 * get two more tries. ENOENT when not answering. */
static int take(struct sip_call *c, const struct sip_digest_chal *ch,
		unsigned code, struct sip_digest_client *cl, bool *answered,
		unsigned *stale, const char *method)
{
	if (ch->stale ? *stale >= 2 : *answered) {
		sip_log(c->st, LOG_WARNING,
			"call %u {%s}: %u to %s again: credentials refused",
			c->id, sip_call_state_name(c->state), code, method);
		return ENOENT;
	}
	if (ch->stale)
		(*stale)++;
	else
		*answered = true;
	sip_digest_client_take(cl, ch);
	sip_log(c->st, LOG_INFO, "call %u {%s}: answering %u for %s (%s)",
		c->id, sip_call_state_name(c->state), code, method,
		sip_digest_alg_name(ch->alg));
	return 0;
}

/* Appends "(Proxy-)Authorization: ...\r\n" for cl's challenge. */
static int put_answer(struct sip_call *c, struct sip_digest_client *cl,
		      const char *method, const char *uri, struct sip_mbuf *mb)
{
	struct sip_ua_auth *a = c->auth;
	char val[1536];
	int err = sip_digest_client_answer(cl, a->user, a->password, method,
					   uri, val, sizeof(val));
	if (err)
		return err;
	sip_mb_printf(mb, "%s: %s\r\n", sip_digest_answer_hdr(&cl->ch), val);
	return mb->err;
}

/* Takes the challenge of a 401/407 to the INVITE into its protection
 * space; ENOENT if it is not to be answered. */
static int take_invite(struct sip_call *c, const struct sip_msg *resp)
{
	struct sip_ua_auth *a = c->auth;
	struct sip_digest_chal ch;
	struct ua_space *sp = NULL;
	if (sip_digest_chal_pick(&ch, resp))
		return ENOENT;
	for (int i = 0; i < UA_AUTH_SPACES && !sp; i++)
		if (a->inv[i].cl.have && a->inv[i].cl.ch.proxy == ch.proxy &&
		    !strcmp(a->inv[i].cl.ch.realm, ch.realm))
			sp = &a->inv[i];
	for (int i = 0; i < UA_AUTH_SPACES && !sp; i++)
		if (!a->inv[i].cl.have)
			sp = &a->inv[i];
	if (!sp) {
		sip_log(c->st, LOG_WARNING,
			"call %u: more than %d realms challenge the INVITE",
			c->id, UA_AUTH_SPACES);
		return ENOENT;
	}
	return take(c, &ch, resp->code, &sp->cl, &sp->answered, &sp->stale,
		    "INVITE");
}

bool ua_auth_take_invite(struct sip_call *c, const struct sip_msg *resp)
{
	struct sip_stack *st = c->st;
	struct sip_ua_auth *a = c->auth;

	if (!a || c->cancel_pending ||
	    (c->state != SIP_CALL_CALLING && c->state != SIP_CALL_PROCEEDING))
		return false;
	if (take_invite(c, resp))
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
	c->rseq_rx = 0; /* reliable 1xx of the new INVITE count afresh */
	return true;
}

void ua_auth_put_invite(struct sip_call *c, struct sip_mbuf *mb)
{
	struct sip_ua_auth *a = c->auth;
	for (int i = 0; a && i < UA_AUTH_SPACES; i++)
		if (a->inv[i].cl.have &&
		    put_answer(c, &a->inv[i].cl, "INVITE", a->ruri, mb))
			a->inv[i].cl.have = false; /* cannot answer: drop it */
}

int ua_auth_indialog(struct sip_call *c, const struct sip_msg *resp,
		     bool *tried, const char *method, char *hdr, size_t size)
{
	bool answered = false;
	unsigned stale = 0;
	struct sip_digest_chal ch;
	struct sip_mbuf mb;
	if (!c || !c->auth || !c->dlg.remote_target ||
	    sip_digest_chal_pick(&ch, resp))
		return ENOENT;
	if (*tried) /* one answer per request, stale or not */
		return ENOENT;
	*tried = true;
	int err = take(c, &ch, resp->code, &c->auth->cl, &answered, &stale,
		       method);
	if (err)
		return err;
	sip_mb_init(&mb, hdr, size);
	return put_answer(c, &c->auth->cl, method, c->dlg.remote_target, &mb);
}

bool *ua_auth_bye_tried(struct sip_call *c)
{
	return c->auth ? &c->auth->bye_tried : NULL;
}

/* ---- server ---- */

/* Owned by the stack. */
struct sip_ua_authsrv {
	struct sip_auth_policy pol;
	char realm[SIP_DIGEST_STR_MAX];
	struct sip_digest_server srv;
	const struct sip_addr *src; /* during a lookup */
};

int sip_stack_set_auth(struct sip_stack *st, const struct sip_auth_policy *pol)
{
	if (!st)
		return EINVAL;
	sip_ua_auth_release(st);
	if (!pol)
		return 0;
	if (pol->nalgs > SIP_DIGEST__COUNT)
		return EINVAL;
	for (unsigned i = 0; i < pol->nalgs; i++)
		if ((unsigned)pol->algs[i] >= SIP_DIGEST__COUNT)
			return EINVAL;
	if (!pol->realm || !*pol->realm || !pol->required || !pol->lookup ||
	    strlen(pol->realm) >= SIP_DIGEST_STR_MAX ||
	    strpbrk(pol->realm, "\"\\\r\n"))
		return EINVAL;
	struct sip_ua_authsrv *a = sip_zalloc(st, sizeof(*a));
	if (!a)
		return ENOMEM;
	int err = sip_digest_server_init(&a->srv, NULL, 0,
					 (uint64_t)pol->nonce_ttl_s * 1000,
					 NULL, NULL);
	if (err) {
		sip_free(st, a);
		return err;
	}
	a->pol = *pol;
	if (!pol->nalgs) {
		a->pol.algs[0] = SIP_DIGEST_SHA256;
		a->pol.algs[1] = SIP_DIGEST_MD5;
		a->pol.nalgs = 2;
	}
	strcpy(a->realm, pol->realm);
	a->pol.realm = a->realm;
	st->authsrv = a;
	return 0;
}

void sip_ua_auth_release(struct sip_stack *st)
{
	if (!st->authsrv)
		return;
	/* the secret goes with it */
	memset(st->authsrv, 0, sizeof(*st->authsrv));
	sip_free(st, st->authsrv);
	st->authsrv = NULL;
}

void sip_stack_auth_stats(const struct sip_stack *st,
			  struct sip_digest_server_stats *stats)
{
	memset(stats, 0, sizeof(*stats));
	if (st && st->authsrv)
		*stats = st->authsrv->srv.stats;
}

static const char *lookup_src(void *arg, const char *user)
{
	struct sip_ua_authsrv *a = arg;
	return a->pol.lookup(a->pol.arg, a->src, user);
}

/* 401 with one challenge per algorithm, in the policy's order. */
static void send_challenge(struct sip_stack *st, const struct sip_msg *req,
			   const struct sip_addr *src, bool stale)
{
	struct sip_ua_authsrv *a = st->authsrv;
	char extra[1024], val[480];
	struct sip_mbuf mb;
	uint64_t now = st->h.now(st->h.arg);
	sip_mb_init(&mb, extra, sizeof(extra));
	for (unsigned i = 0; i < a->pol.nalgs; i++) {
		if (sip_digest_server_challenge(&a->srv, now, a->realm,
						a->pol.algs[i], stale, val,
						sizeof(val)))
			continue;
		sip_mb_printf(&mb, "WWW-Authenticate: %s\r\n", val);
	}
	if (mb.err || !mb.len) {
		sip_ua_reply(st, req, src, 500, NULL);
		return;
	}
	if (req->method != SIP_METHOD_INVITE) {
		sip_ua_reply(st, req, src, 401, extra);
		return;
	}
	/* an INVITE transaction retransmits the 401 and takes its ACK */
	struct sip_trans *t = NULL;
	char tag[17];
	sip_rand_hex(st, tag, 16);
	if (sip_strans_alloc(&t, st, req, src, NULL, NULL))
		t = NULL;
	ua_reply_on(st, t, req, src, 401, tag, extra, NULL);
	sip_trans_detach(t);
}

bool ua_auth_check(struct sip_stack *st, const struct sip_msg *req,
		   const struct sip_addr *src)
{
	struct sip_ua_authsrv *a = st->authsrv;
	char addr[64];
	if (!a || req->method == SIP_METHOD_ACK ||
	    req->method == SIP_METHOD_CANCEL ||
	    !a->pol.required(a->pol.arg, src, req))
		return true;
	a->src = src;
	enum sip_digest_result r = sip_digest_server_verify_msg(
		&a->srv, st->h.now(st->h.arg), req, false, a->realm, lookup_src,
		a, NULL, 0);
	a->src = NULL;
	if (r == SIP_DIGEST_OK)
		return true;
	sip_log(st, r == SIP_DIGEST_NONE ? LOG_INFO : LOG_NOTICE,
		"auth: %.*s from %s: %s", (int)req->method_str.l,
		req->method_str.p, sip_addr_str(src, addr, sizeof(addr)),
		sip_digest_result_name(r));
	if ((r == SIP_DIGEST_BAD || r == SIP_DIGEST_DENIED) && a->pol.failed)
		a->pol.failed(a->pol.arg, src, req, r);
	if (r == SIP_DIGEST_BAD) {
		st->stats.rx_rejected++;
		sip_ua_reply(st, req, src, 400, NULL);
		return false;
	}
	send_challenge(st, req, src, r == SIP_DIGEST_STALE);
	return false;
}
