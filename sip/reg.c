/*
 * reg.c: registration client (RFC 3261 10.2): one binding per object,
 * refreshed before it runs out, retried with bounded exponential backoff
 * (or after Retry-After), removed with Expires: 0 on stop. Answers 401
 * and 407 with digest credentials (digest.c), once per challenge; later
 * REGISTERs carry the last challenge's answer pre-emptively.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sip/sip_int.h"

#define DEFAULT_EXPIRES 3600
#define DEFAULT_RETRY_MIN 30
#define DEFAULT_RETRY_MAX 1800
#define RETRY_AFTER_MAX 86400

/* Owned by the caller (sip_reg_alloc / sip_reg_free). */
struct sip_reg {
	struct sip_stack *st;
	char name[64];
	char registrar[256];
	char aor[256];
	char contact_user[64];
	char auth_user[128];
	char password[128];
	char call_id[96]; /* one Call-ID for every REGISTER (10.2) */
	uint32_t cseq;	  /* of the last REGISTER sent */
	struct sip_addr dst;
	uint32_t want, granted;
	uint32_t retry_min, retry_max;
	unsigned fails;
	enum sip_reg_state state;
	struct sip_req *req; /* in flight */
	struct sip_timer t;
	struct sip_digest_client auth;
	/* per attempt: a fresh challenge answered, stale ones, a 423 */
	bool answered;
	unsigned stale_tries;
	bool brief_tried;
	unsigned busy; /* in the application's callback */
	bool free_pending;
	sip_reg_h *h;
	void *arg;
};

static const char *const state_names[SIP_REG__COUNT] = {
	[SIP_REG_REGISTERING] = "REGISTERING",
	[SIP_REG_REGISTERED] = "REGISTERED",
	[SIP_REG_RETRY_WAIT] = "RETRY_WAIT",
	[SIP_REG_UNREGISTERING] = "UNREGISTERING",
	[SIP_REG_UNREGISTERED] = "UNREGISTERED",
};

const char *sip_reg_state_name(enum sip_reg_state s)
{
	return (unsigned)s < SIP_REG__COUNT ? state_names[s] : "?";
}

enum sip_reg_state sip_reg_state(const struct sip_reg *r)
{
	return r ? r->state : SIP_REG_UNREGISTERED;
}

uint32_t sip_reg_expires(const struct sip_reg *r)
{
	return r && r->state == SIP_REG_REGISTERED ? r->granted : 0;
}

static void reg_release(struct sip_reg *r)
{
	sip_timer_stop(&r->t);
	if (r->req)
		sip_req_abandon(r->req);
	r->req = NULL;
	sip_free(r->st, r);
}

/* Tells the application; returns true if it freed r meanwhile. */
static bool notify(struct sip_reg *r, unsigned code)
{
	if (!r->h)
		return false;
	r->busy++;
	r->h(r->arg, r, r->state, code, sip_reg_expires(r));
	r->busy--;
	if (r->free_pending && !r->busy) {
		reg_release(r);
		return true;
	}
	return false;
}

static void reg_resp(void *arg, struct sip_req *req, int err,
		     const struct sip_msg *resp);

/* Sends one REGISTER asking for expires seconds (0: remove). */
static int send_register(struct sip_reg *r, uint32_t expires)
{
	char extra[2048], authz[1536] = "";
	struct sip_mbuf mb;
	int err;

	if (r->auth.have && r->auth_user[0]) {
		err = sip_digest_client_answer(
			&r->auth, r->auth_user, r->password, "REGISTER",
			r->registrar, authz, sizeof(authz));
		if (err)
			r->auth.have = false; /* start over without */
	}
	sip_mb_init(&mb, extra, sizeof(extra));
	sip_mb_printf(&mb, "Expires: %u\r\n", (unsigned)expires);
	if (r->auth.have && authz[0])
		sip_mb_printf(&mb, "%s: %s\r\n",
			      sip_digest_answer_hdr(&r->auth.ch), authz);
	if (mb.err)
		return mb.err;
	struct sip_req_params p = {
		.method = SIP_METHOD_REGISTER,
		.ruri = r->registrar,
		.from_uri = r->aor,
		.to_uri = r->aor,
		.call_id = r->call_id,
		.cseq = r->cseq + 1,
		.contact_user = r->contact_user,
		.dst = r->dst,
		.extra_hdrs = extra,
	};
	err = sip_req_send(r->st, &p, reg_resp, r, &r->req);
	if (!err)
		r->cseq = sip_req_cseq(r->req);
	return err;
}

static void new_attempt(struct sip_reg *r)
{
	r->answered = false;
	r->stale_tries = 0;
	r->brief_tried = false;
}

static void timer_fn(void *arg);

static void retry_later(struct sip_reg *r, unsigned code, uint32_t after)
{
	uint32_t delay = after;
	if (!delay) {
		delay = r->retry_min;
		for (unsigned i = 1; i < r->fails && delay < r->retry_max; i++)
			delay *= 2;
		if (delay > r->retry_max)
			delay = r->retry_max;
	}
	r->granted = 0;
	r->state = SIP_REG_RETRY_WAIT;
	sip_log(r->st, LOG_WARNING, "registration %s: failed %u, retry in %u s",
		r->name, code, (unsigned)delay);
	sip_timer_start(&r->t, (uint64_t)delay * 1000);
	notify(r, code);
}

static void attempt(struct sip_reg *r)
{
	new_attempt(r);
	int err = send_register(r, r->want);
	if (err) {
		sip_log(r->st, LOG_ERR, "registration %s: cannot send: %s",
			r->name, strerror(err));
		r->fails++;
		retry_later(r, 0, 0);
		return;
	}
	if (r->state != SIP_REG_REGISTERED)
		r->state = SIP_REG_REGISTERING;
}

static void timer_fn(void *arg)
{
	attempt(arg);
}

/* Leading decimal seconds of a header value (Retry-After, Min-Expires). */
static bool hdr_secs(const struct sip_msg *m, const char *name, uint32_t *v)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, name);
	if (!h)
		return false;
	struct sip_pl num = { h->val.p, 0 };
	while (num.l < h->val.l && num.l < 10 && h->val.p[num.l] >= '0' &&
	       h->val.p[num.l] <= '9')
		num.l++;
	return sip_parse_u32(&num, 0xffffffffu, v) == 0;
}

/* Is this Contact URI ours (user, local address and port)? */
static bool contact_is_ours(const struct sip_reg *r, const struct sip_uri *u)
{
	const struct sip_stack *st = r->st;
	uint16_t port = u->port ? u->port : 5060;
	return sip_pl_eq(&u->user, r->contact_user) &&
	       sip_pl_casecmp(&u->host, st->local_ip) && port == st->local_port;
}

/* The time granted for our binding (10.2.4): its Contact's expires
 * parameter, else the Expires header, else what we asked for. */
static uint32_t granted_of(const struct sip_reg *r, const struct sip_msg *m)
{
	uint32_t v;
	for (unsigned i = 0; i < m->nhdr; i++) {
		const struct sip_hdr *h = &m->hdr[i];
		if (h->id != SIP_HDR_CONTACT)
			continue;
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl el, ex;
		while (sip_list_next(&lx, &el)) {
			struct sip_lex cl = { el.p, el.p + el.l };
			struct sip_naddr na;
			if (sip_naddr_parse(&na, &cl) ||
			    !contact_is_ours(r, &na.uri))
				continue;
			if (sip_param_find(&na.params, "expires", &ex) &&
			    !sip_parse_u32(&ex, 0xffffffffu, &v))
				return v;
		}
	}
	const struct sip_hdr *e = sip_msg_hdr(m, SIP_HDR_EXPIRES, NULL);
	if (e && !sip_parse_u32(&e->val, 0xffffffffu, &v))
		return v;
	return r->want;
}

/* Refresh at half the time when short, else a minute before the end. */
static uint32_t refresh_after(uint32_t granted)
{
	if (granted < 120)
		return granted / 2 ? granted / 2 : 1;
	return granted - 60;
}

/* Answers a 401/407 if allowed; true if a new REGISTER went out. */
static bool answer_challenge(struct sip_reg *r, const struct sip_msg *resp,
			     uint32_t expires)
{
	struct sip_digest_chal ch;
	if (!r->auth_user[0] || sip_digest_chal_pick(&ch, resp))
		return false;
	/* once per challenge: a second plain one means wrong credentials */
	if (ch.stale ? r->stale_tries >= 2 : r->answered)
		return false;
	if (ch.stale)
		r->stale_tries++;
	else
		r->answered = true;
	sip_digest_client_take(&r->auth, &ch);
	return send_register(r, expires) == 0;
}

static void reg_resp(void *arg, struct sip_req *req, int err,
		     const struct sip_msg *resp)
{
	struct sip_reg *r = arg;
	unsigned code = err || !resp ? 408 : resp->code;
	bool removing = r->state == SIP_REG_UNREGISTERING;
	uint32_t asked = removing ? 0 : r->want, v;

	r->req = NULL; /* freed by the stack after this handler */
	(void)req;
	if (code == 401 || code == 407) {
		if (answer_challenge(r, resp, asked))
			return;
	} else if (code == 423 && !removing && !r->brief_tried &&
		   hdr_secs(resp, "Min-Expires", &v) && v > r->want) {
		r->brief_tried = true;
		r->want = v; /* Interval Too Brief (10.2.8) */
		if (!send_register(r, r->want))
			return;
	}
	if (removing) {
		r->state = SIP_REG_UNREGISTERED;
		r->granted = 0;
		sip_log(r->st, LOG_INFO, "registration %s: unregistered (%u)",
			r->name, code);
		notify(r, code);
		return;
	}
	if (code >= 200 && code < 300) {
		r->granted = granted_of(r, resp);
		if (!r->granted) {
			/* the registrar dropped our binding at once */
			r->fails++;
			retry_later(r, code, 0);
			return;
		}
		r->fails = 0;
		r->state = SIP_REG_REGISTERED;
		sip_log(r->st, LOG_INFO,
			"registration %s: registered, expires %u", r->name,
			(unsigned)r->granted);
		sip_timer_start(&r->t,
				(uint64_t)refresh_after(r->granted) * 1000);
		notify(r, code);
		return;
	}
	uint32_t after = 0;
	if (resp && hdr_secs(resp, "Retry-After", &v) && v) {
		after = v > RETRY_AFTER_MAX ? RETRY_AFTER_MAX : v;
	}
	r->fails++;
	retry_later(r, code, after);
}

static int copy_str(char *dst, size_t size, const char *s, bool required)
{
	if (!s || !*s) {
		dst[0] = '\0';
		return required ? EINVAL : 0;
	}
	if (strlen(s) >= size || strpbrk(s, "\r\n"))
		return EINVAL;
	memcpy(dst, s, strlen(s) + 1);
	return 0;
}

int sip_reg_alloc(struct sip_stack *st, const struct sip_reg_params *p,
		  sip_reg_h *h, void *arg, struct sip_reg **regp)
{
	struct sip_uri u;
	if (!st || !p || !regp || !p->registrar || !p->aor ||
	    sip_uri_parse(&u, p->registrar, strlen(p->registrar)) ||
	    sip_uri_parse(&u, p->aor, strlen(p->aor)))
		return EINVAL;
	if (st->shutting_down)
		return ESHUTDOWN;
	struct sip_reg *r = sip_zalloc(st, sizeof(*r));
	if (!r)
		return ENOMEM;
	r->st = st;
	r->h = h;
	r->arg = arg;
	if (copy_str(r->name, sizeof(r->name), p->name ? p->name : "?", true) ||
	    copy_str(r->registrar, sizeof(r->registrar), p->registrar, true) ||
	    copy_str(r->aor, sizeof(r->aor), p->aor, true) ||
	    copy_str(r->contact_user, sizeof(r->contact_user), p->contact_user,
		     false) ||
	    copy_str(r->auth_user, sizeof(r->auth_user), p->auth_user, false) ||
	    copy_str(r->password, sizeof(r->password), p->password, false)) {
		sip_free(st, r);
		return EINVAL;
	}
	r->dst = p->dst;
	r->want = p->expires ? p->expires : DEFAULT_EXPIRES;
	r->retry_min = p->retry_min_s ? p->retry_min_s : DEFAULT_RETRY_MIN;
	r->retry_max = p->retry_max_s ? p->retry_max_s : DEFAULT_RETRY_MAX;
	if (r->retry_max < r->retry_min)
		r->retry_max = r->retry_min;
	sip_rand_hex(st, r->call_id, 24);
	snprintf(r->call_id + 24, sizeof(r->call_id) - 24, "@%s", st->local_ip);
	sip_timer_init(&r->t, st, SIP_TMR_REG, timer_fn, r);
	r->state = SIP_REG_REGISTERING;
	sip_log(st, LOG_INFO, "registration %s: REGISTER %s as %s, expires %u",
		r->name, r->registrar, r->aor, (unsigned)r->want);
	*regp = r;
	attempt(r);
	return 0;
}

int sip_reg_stop(struct sip_reg *r)
{
	if (!r)
		return EINVAL;
	if (r->state == SIP_REG_UNREGISTERED ||
	    r->state == SIP_REG_UNREGISTERING)
		return 0;
	sip_timer_stop(&r->t);
	bool bound = r->state == SIP_REG_REGISTERED ||
		     r->state == SIP_REG_REGISTERING;
	if (r->req)
		sip_req_abandon(r->req);
	r->req = NULL;
	new_attempt(r);
	r->state = SIP_REG_UNREGISTERING;
	if (bound && send_register(r, 0) == 0) {
		sip_log(r->st, LOG_INFO, "registration %s: unregistering",
			r->name);
		return 0;
	}
	r->state = SIP_REG_UNREGISTERED;
	r->granted = 0;
	sip_log(r->st, LOG_INFO, "registration %s: stopped", r->name);
	notify(r, 0);
	return 0;
}

void sip_reg_free(struct sip_reg *r)
{
	if (!r)
		return;
	if (r->busy) {
		r->free_pending = true;
		return;
	}
	reg_release(r);
}
