/*
 * hdr_typed.c: typed views of header values (RFC 3261 25.1 and the
 * extensions the gateway speaks: RFC 3262, 3323, 3326, 3515, 3892, 4028,
 * 4244, 5806, 6665, 3325). Each parser reads one value into views, never
 * allocates, and rejects what the grammar does not allow.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static struct sip_lex lex_pl(const struct sip_pl *pl)
{
	/* an unset view has p NULL: NULL + 0 is undefined */
	struct sip_lex lx = { pl->p, pl->p ? pl->p + pl->l : NULL };
	return lx;
}

static bool at_end(struct sip_lex *lx)
{
	sip_lex_lws(lx);
	return lx->p == lx->e;
}

/* delta-seconds: too large a value saturates (RFC 4475 3.1.2.4 lets an
 * expiry out of range be treated as a default rather than an error). */
static int lex_delta(struct sip_lex *lx, uint32_t *v)
{
	uint64_t n = 0;
	const char *s = lx->p;
	while (lx->p < lx->e && *lx->p >= '0' && *lx->p <= '9') {
		n = n * 10 + (uint64_t)(*lx->p - '0');
		if (n > UINT32_MAX)
			n = (uint64_t)UINT32_MAX + 1; /* stays saturated */
		lx->p++;
	}
	if (lx->p == s)
		return EBADMSG;
	*v = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	return 0;
}

static int pl_delta(const struct sip_pl *pl, uint32_t *v)
{
	struct sip_lex lx = lex_pl(pl);
	if (lex_delta(&lx, v) || lx.p != lx.e)
		return EBADMSG;
	return 0;
}

/* ---- lists ---- */

void sip_hiter_init(struct sip_hiter *it, const struct sip_msg *msg,
		    enum sip_hdr_id id)
{
	it->msg = msg;
	it->id = id;
	it->h = NULL;
	it->p = it->e = NULL;
}

bool sip_hiter_next(struct sip_hiter *it, struct sip_pl *val)
{
	while (it->msg) { /* NULL once the last header is done */
		if (it->h) {
			struct sip_lex lx = { it->p, it->e };
			if (sip_list_next(&lx, val)) {
				it->p = lx.p;
				return true;
			}
		}
		it->h = sip_msg_hdr(it->msg, it->id, it->h);
		if (!it->h) {
			it->msg = NULL;
			break;
		}
		it->p = it->h->val.p;
		it->e = it->p + it->h->val.l;
	}
	return false;
}

int sip_naddr_parse_pl(struct sip_naddr *na, const struct sip_pl *val)
{
	struct sip_naddr tmp;
	struct sip_lex lx = lex_pl(val);
	if (!val->l || sip_naddr_parse(&tmp, &lx) || lx.p != lx.e)
		return EBADMSG;
	*na = tmp;
	return 0;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ) */
static int parse_q(const struct sip_pl *pl, int *q)
{
	if (!pl->l || pl->l > 5 || (pl->p[0] != '0' && pl->p[0] != '1'))
		return EBADMSG;
	int v = (pl->p[0] - '0') * 1000, scale = 100;
	if (pl->l > 1 && pl->p[1] != '.')
		return EBADMSG;
	for (size_t i = 2; i < pl->l; i++, scale /= 10) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return EBADMSG;
		v += (pl->p[i] - '0') * scale;
	}
	if (v > 1000)
		return EBADMSG;
	*q = v;
	return 0;
}

int sip_contact_parse(struct sip_contact *c, const struct sip_pl *val)
{
	struct sip_contact tmp;
	struct sip_pl v;
	memset(&tmp, 0, sizeof(tmp));
	tmp.q = -1;
	if (val->l == 1 && val->p[0] == '*') {
		tmp.star = true;
		*c = tmp;
		return 0;
	}
	if (sip_naddr_parse_pl(&tmp.addr, val))
		return EBADMSG;
	if (sip_param_find(&tmp.addr.params, "expires", &v)) {
		if (pl_delta(&v, &tmp.expires))
			return EBADMSG;
		tmp.has_expires = true;
	}
	if (sip_param_find(&tmp.addr.params, "q", &v) && parse_q(&v, &tmp.q))
		return EBADMSG;
	*c = tmp;
	return 0;
}

bool sip_msg_has_token(const struct sip_msg *msg, enum sip_hdr_id id,
		       const char *tok)
{
	struct sip_hiter it;
	struct sip_pl el;
	sip_hiter_init(&it, msg, id);
	while (sip_hiter_next(&it, &el))
		if (sip_pl_casecmp(&el, tok))
			return true;
	return false;
}

/* priv-value *(";" priv-value): its own separator, not a comma. */
bool sip_msg_privacy(const struct sip_msg *msg, const char *value)
{
	const struct sip_hdr *h = NULL;
	while ((h = sip_msg_hdr(msg, SIP_HDR_PRIVACY, h))) {
		struct sip_lex lx = lex_pl(&h->val);
		struct sip_pl t;
		do {
			sip_lex_lws(&lx);
			if (sip_lex_token(&lx, &t) && sip_pl_casecmp(&t, value))
				return true;
			sip_lex_lws(&lx);
		} while (sip_lex_char(&lx, ';'));
	}
	return false;
}

/* ---- single values ---- */

int sip_cseq_parse(struct sip_cseq *c, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_pl num;
	struct sip_cseq tmp;
	sip_lex_lws(&lx);
	num.p = lx.p;
	while (lx.p < lx.e && *lx.p >= '0' && *lx.p <= '9')
		lx.p++;
	num.l = (size_t)(lx.p - num.p);
	/* less than 2**31 (RFC 3261 8.1.1.5) */
	if (sip_parse_u32(&num, 0x7fffffffu, &tmp.num))
		return EBADMSG;
	if (lx.p == lx.e || !(*lx.p == ' ' || *lx.p == '\t' || *lx.p == '\r'))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.method_str) || !at_end(&lx))
		return EBADMSG;
	tmp.method = sip_method_from_pl(&tmp.method_str);
	*c = tmp;
	return 0;
}

int sip_ctype_parse(struct sip_ctype *ct, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_ctype tmp;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.type))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (!sip_lex_char(&lx, '/'))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.subtype) ||
	    sip_params_parse(&lx, &tmp.params) || !at_end(&lx))
		return EBADMSG;
	*ct = tmp;
	return 0;
}

bool sip_ctype_is(const struct sip_ctype *ct, const char *type,
		  const char *subtype)
{
	return sip_pl_casecmp(&ct->type, type) &&
	       sip_pl_casecmp(&ct->subtype, subtype);
}

/* auth-param = token EQUAL ( token / quoted-string ), COMMA separated. */
static bool lex_auth_param(struct sip_lex *lx, struct sip_pl *name,
			   struct sip_pl *val)
{
	sip_lex_lws(lx);
	if (!sip_lex_token(lx, name))
		return false;
	sip_lex_lws(lx);
	if (!sip_lex_char(lx, '='))
		return false;
	sip_lex_lws(lx);
	if (lx->p < lx->e && *lx->p == '"')
		return sip_lex_quoted(lx, val);
	return sip_lex_token(lx, val);
}

int sip_auth_parse(struct sip_auth *a, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_auth tmp;
	struct sip_pl n, v;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.scheme))
		return EBADMSG;
	sip_lex_lws(&lx);
	tmp.params.p = lx.p;
	tmp.params.l = 0;
	if (lx.p < lx.e) {
		do {
			if (!lex_auth_param(&lx, &n, &v))
				return EBADMSG;
			sip_lex_lws(&lx);
		} while (sip_lex_char(&lx, ','));
		if (lx.p != lx.e)
			return EBADMSG;
		tmp.params.l = (size_t)(lx.e - tmp.params.p);
	}
	*a = tmp;
	return 0;
}

bool sip_auth_param(const struct sip_auth *a, const char *name,
		    struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(&a->params);
	struct sip_pl n, v;
	while (lx.p < lx.e && lex_auth_param(&lx, &n, &v)) {
		if (sip_pl_casecmp(&n, name)) {
			if (val)
				*val = v;
			return true;
		}
		sip_lex_lws(&lx);
		if (!sip_lex_char(&lx, ','))
			break;
	}
	return false;
}

int sip_delta_parse(const struct sip_pl *val, uint32_t *delta,
		    struct sip_pl *params)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_pl pr;
	uint32_t d;
	sip_lex_lws(&lx);
	if (lex_delta(&lx, &d) || sip_params_parse(&lx, &pr) || !at_end(&lx))
		return EBADMSG;
	if (!params && pr.p)
		return EBADMSG; /* this header takes no parameters */
	if (params)
		*params = pr;
	*delta = d;
	return 0;
}

int sip_sess_expires_parse(struct sip_sess_expires *se,
			   const struct sip_pl *val)
{
	struct sip_sess_expires tmp;
	memset(&tmp, 0, sizeof(tmp));
	if (sip_delta_parse(val, &tmp.delta, &tmp.params))
		return EBADMSG;
	if (sip_param_find(&tmp.params, "refresher", &tmp.refresher) &&
	    !sip_pl_casecmp(&tmp.refresher, "uac") &&
	    !sip_pl_casecmp(&tmp.refresher, "uas"))
		return EBADMSG;
	*se = tmp;
	return 0;
}

/* RAck = response-num LWS CSeq-num LWS Method (RFC 3262 7.2) */
int sip_rack_parse(struct sip_rack *r, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_pl a, b;
	struct sip_rack tmp;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &a))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &b))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.method_str) || !at_end(&lx) ||
	    sip_parse_u32(&a, 0x7fffffffu, &tmp.rseq) || !tmp.rseq ||
	    sip_parse_u32(&b, 0x7fffffffu, &tmp.cseq))
		return EBADMSG;
	tmp.method = sip_method_from_pl(&tmp.method_str);
	*r = tmp;
	return 0;
}

int sip_reason_parse(struct sip_reason *r, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_reason tmp;
	struct sip_pl v;
	uint32_t c;
	memset(&tmp, 0, sizeof(tmp));
	tmp.cause = -1;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.protocol) ||
	    sip_params_parse(&lx, &tmp.params) || !at_end(&lx))
		return EBADMSG;
	if (sip_param_find(&tmp.params, "cause", &v)) {
		if (sip_parse_u32(&v, 65535, &c))
			return EBADMSG;
		tmp.cause = (int)c;
	}
	sip_param_find(&tmp.params, "text", &tmp.text);
	*r = tmp;
	return 0;
}

int sip_event_parse(struct sip_event *ev, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_event tmp;
	memset(&tmp, 0, sizeof(tmp));
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.package) ||
	    sip_params_parse(&lx, &tmp.params) || !at_end(&lx))
		return EBADMSG;
	sip_param_find(&tmp.params, "id", &tmp.id);
	*ev = tmp;
	return 0;
}

/* An optional numeric parameter: -1 if absent. */
static int param_num(const struct sip_pl *params, const char *name,
		     int64_t *out)
{
	struct sip_pl v;
	uint32_t n;
	*out = -1;
	if (!sip_param_find(params, name, &v))
		return 0;
	if (pl_delta(&v, &n))
		return EBADMSG;
	*out = n;
	return 0;
}

int sip_substate_parse(struct sip_substate *ss, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_substate tmp;
	memset(&tmp, 0, sizeof(tmp));
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tmp.state) ||
	    sip_params_parse(&lx, &tmp.params) || !at_end(&lx) ||
	    param_num(&tmp.params, "expires", &tmp.expires) ||
	    param_num(&tmp.params, "retry-after", &tmp.retry_after))
		return EBADMSG;
	sip_param_find(&tmp.params, "reason", &tmp.reason);
	*ss = tmp;
	return 0;
}

/* comment = LPAREN *(ctext / quoted-pair / comment) RPAREN, nested. */
static bool lex_comment(struct sip_lex *lx, struct sip_pl *c)
{
	unsigned depth = 0;
	const char *s = lx->p + 1;
	for (; lx->p < lx->e; lx->p++) {
		char ch = *lx->p;
		if (ch == '\\' && lx->e - lx->p > 1) {
			lx->p++;
		} else if (ch == '(') {
			depth++;
		} else if (ch == ')' && --depth == 0) {
			c->p = s;
			c->l = (size_t)(lx->p - s);
			lx->p++;
			return true;
		}
	}
	return false;
}

int sip_retry_after_parse(struct sip_retry_after *ra, const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_retry_after tmp;
	memset(&tmp, 0, sizeof(tmp));
	sip_lex_lws(&lx);
	if (lex_delta(&lx, &tmp.delta))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (lx.p < lx.e && *lx.p == '(' && !lex_comment(&lx, &tmp.comment))
		return EBADMSG;
	if (sip_params_parse(&lx, &tmp.params) || !at_end(&lx) ||
	    param_num(&tmp.params, "duration", &tmp.duration))
		return EBADMSG;
	*ra = tmp;
	return 0;
}

/* ---- checks at parse time ---- */

/* option-tag *(COMMA option-tag) and the like, in one pass; may be empty */
static int check_tokens(const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_pl t;
	if (at_end(&lx))
		return 0;
	do {
		sip_lex_lws(&lx);
		if (!sip_lex_token(&lx, &t))
			return EBADMSG;
		sip_lex_lws(&lx);
	} while (sip_lex_char(&lx, ','));
	return lx.p == lx.e ? 0 : EBADMSG;
}

static int check_list(const struct sip_hdr *h)
{
	struct sip_lex lx = lex_pl(&h->val);
	struct sip_pl el;
	union {
		struct sip_naddr na;
		struct sip_contact c;
		struct sip_reason r;
	} u;
	while (sip_list_next(&lx, &el)) {
		int err;
		if (h->id == SIP_HDR_CONTACT)
			err = el.l == 1 && *el.p == '*' && h->val.l > 1
				      ? EBADMSG /* '*' stands alone */
				      : sip_contact_parse(&u.c, &el);
		else if (h->id == SIP_HDR_REASON)
			err = sip_reason_parse(&u.r, &el);
		else
			err = sip_naddr_parse_pl(&u.na, &el);
		if (err)
			return err;
	}
	return 0;
}

static int check_privacy(const struct sip_pl *val)
{
	struct sip_lex lx = lex_pl(val);
	struct sip_pl t;
	do {
		sip_lex_lws(&lx);
		if (!sip_lex_token(&lx, &t))
			return EBADMSG;
		sip_lex_lws(&lx);
	} while (sip_lex_char(&lx, ';'));
	return lx.p == lx.e ? 0 : EBADMSG;
}

int sip_hdr_check(const struct sip_hdr *h)
{
	union {
		struct sip_naddr na;
		struct sip_ctype ct;
		struct sip_auth a;
		struct sip_sess_expires se;
		struct sip_rack ra;
		struct sip_event ev;
		struct sip_substate ss;
		struct sip_retry_after rt;
		struct sip_pl pl;
	} u;
	uint32_t v;

	switch (h->id) {
	case SIP_HDR_CONTACT:
		return h->val.l ? check_list(h) : EBADMSG;
	case SIP_HDR_ROUTE:
	case SIP_HDR_RECORD_ROUTE:
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_DIVERSION:
	case SIP_HDR_HISTORY_INFO:
	case SIP_HDR_REASON:
		return h->val.l ? check_list(h) : EBADMSG;
	case SIP_HDR_REQUIRE:
	case SIP_HDR_PROXY_REQUIRE:
	case SIP_HDR_SUPPORTED:
	case SIP_HDR_UNSUPPORTED:
	case SIP_HDR_ALLOW:
	case SIP_HDR_ALLOW_EVENTS:
	case SIP_HDR_CONTENT_ENCODING:
		return check_tokens(&h->val);
	case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY:
		return sip_naddr_parse_pl(&u.na, &h->val);
	case SIP_HDR_CONTENT_TYPE:
		return sip_ctype_parse(&u.ct, &h->val);
	case SIP_HDR_WWW_AUTHENTICATE:
	case SIP_HDR_PROXY_AUTHENTICATE:
	case SIP_HDR_AUTHORIZATION:
	case SIP_HDR_PROXY_AUTHORIZATION:
		return sip_auth_parse(&u.a, &h->val);
	case SIP_HDR_EXPIRES:
	case SIP_HDR_MIN_EXPIRES:
		return sip_delta_parse(&h->val, &v, NULL);
	case SIP_HDR_RSEQ:
		/* 1 to 2**31 - 1 (RFC 3262 7.1) */
		return sip_parse_u32(&h->val, 0x7fffffffu, &v) || !v ? EBADMSG
								     : 0;
	case SIP_HDR_MIN_SE:
		return sip_delta_parse(&h->val, &v, &u.pl);
	case SIP_HDR_SESSION_EXPIRES:
		return sip_sess_expires_parse(&u.se, &h->val);
	case SIP_HDR_RACK:
		return sip_rack_parse(&u.ra, &h->val);
	case SIP_HDR_EVENT:
		return sip_event_parse(&u.ev, &h->val);
	case SIP_HDR_SUBSCRIPTION_STATE:
		return sip_substate_parse(&u.ss, &h->val);
	case SIP_HDR_RETRY_AFTER:
		return sip_retry_after_parse(&u.rt, &h->val);
	case SIP_HDR_PRIVACY:
		return check_privacy(&h->val);
	default:
		return 0; /* kept verbatim */
	}
}
