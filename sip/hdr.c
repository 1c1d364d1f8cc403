/*
 * hdr.c: the header-value lexer and the structured headers built on it:
 * params, comma lists, name-addr (From, To, Contact, Route) and Via.
 * LWS, including folded CRLF, may appear between any two tokens.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool sip_lex_quoted(struct sip_lex *lx, struct sip_pl *q)
{
	if (!sip_lex_char(lx, '"'))
		return false;
	const char *s = lx->p;
	while (lx->p < lx->e) {
		if (*lx->p == '\\') {
			if (lx->e - lx->p < 2)
				return false;
			lx->p += 2;
			continue;
		}
		if (*lx->p == '"') {
			q->p = s;
			q->l = (size_t)(lx->p - s);
			lx->p++;
			return true;
		}
		lx->p++;
	}
	return false;
}

int sip_parse_u32(const struct sip_pl *pl, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;
	if (!pl->l)
		return EINVAL;
	for (size_t i = 0; i < pl->l; i++) {
		if (pl->p[i] < '0' || pl->p[i] > '9')
			return EINVAL;
		n = n * 10 + (uint64_t)(pl->p[i] - '0');
		if (n > max)
			return ERANGE;
	}
	*v = (uint32_t)n;
	return 0;
}

/* Param values: tokens plus what IPv6 addresses need (RFC 5118). */
static bool is_pval_char(char c)
{
	return sip_is_token_char(c) || c == ':' || c == '[' || c == ']';
}

static bool lex_param(struct sip_lex *lx, struct sip_pl *name,
		      struct sip_pl *val)
{
	sip_lex_lws(lx);
	if (!sip_lex_token(lx, name))
		return false;
	const char *save = lx->p;
	sip_lex_lws(lx);
	val->p = NULL;
	val->l = 0;
	if (!sip_lex_char(lx, '=')) {
		lx->p = save;
		return true;
	}
	sip_lex_lws(lx);
	if (lx->p < lx->e && *lx->p == '"')
		return sip_lex_quoted(lx, val);
	const char *s = lx->p;
	while (lx->p < lx->e && is_pval_char(*lx->p))
		lx->p++;
	val->p = s;
	val->l = (size_t)(lx->p - s);
	return val->l > 0;
}

/* Params up to ',' or the end; the value of 'want' (if any) on the way. */
static int params_parse(struct sip_lex *lx, struct sip_pl *all,
			const char *want, struct sip_pl *wval)
{
	all->p = NULL;
	all->l = 0;
	for (;;) {
		const char *save = lx->p;
		sip_lex_lws(lx);
		if (!sip_lex_char(lx, ';')) {
			lx->p = save;
			return 0;
		}
		sip_lex_lws(lx);
		if (!all->p)
			all->p = lx->p;
		struct sip_pl n, v;
		if (!lex_param(lx, &n, &v))
			return EBADMSG;
		if (want && !wval->p && sip_pl_casecmp(&n, want))
			*wval = v;
		all->l = (size_t)(lx->p - all->p);
	}
}

int sip_params_parse(struct sip_lex *lx, struct sip_pl *all)
{
	return params_parse(lx, all, NULL, NULL);
}

bool sip_param_find(const struct sip_pl *params, const char *name,
		    struct sip_pl *val)
{
	if (!sip_pl_isset(params))
		return false;
	struct sip_lex lx = { params->p, params->p + params->l };
	for (;;) {
		struct sip_pl n, v;
		if (!lex_param(&lx, &n, &v))
			return false;
		if (sip_pl_casecmp(&n, name)) {
			if (val)
				*val = v;
			return true;
		}
		sip_lex_lws(&lx);
		if (!sip_lex_char(&lx, ';'))
			return false;
	}
}

/* The only bytes sip_list_next() must look at: , " < > and \ . */
static inline bool list_special(char c)
{
	static const uint64_t map[2] = { 0x5000100400000000ULL,
					 0x0000000010000000ULL };
	unsigned char u = (unsigned char)c;
	return u < 128 && ((map[u >> 6] >> (u & 63)) & 1);
}

bool sip_list_next(struct sip_lex *lx, struct sip_pl *elem)
{
	sip_lex_lws(lx);
	if (lx->p >= lx->e)
		return false;
	const char *s = lx->p;
	bool quote = false, angle = false;
	while (lx->p < lx->e) {
		char c = *lx->p;
		if (!list_special(c)) {
			lx->p++;
			continue;
		}
		if (quote) {
			if (c == '\\' && lx->e - lx->p > 1)
				lx->p++;
			else if (c == '"')
				quote = false;
		} else if (c == '"') {
			quote = true;
		} else if (c == '<') {
			angle = true;
		} else if (c == '>') {
			angle = false;
		} else if (c == ',' && !angle) {
			break;
		}
		lx->p++;
	}
	const char *end = lx->p;
	while (end > s && is_lws(end[-1]))
		end--;
	elem->p = s;
	elem->l = (size_t)(end - s);
	if (lx->p < lx->e)
		lx->p++; /* the comma */
	return true;
}

/* name-addr or addr-spec (RFC 3261 25.1), then header params. */
int sip_naddr_parse(struct sip_naddr *na, struct sip_lex *lx)
{
	memset(na, 0, sizeof(*na));
	sip_lex_lws(lx);
	if (lx->p < lx->e && *lx->p == '"') {
		if (!sip_lex_quoted(lx, &na->dname))
			return EBADMSG;
		sip_lex_lws(lx);
		if (lx->p >= lx->e || *lx->p != '<')
			return EBADMSG;
	} else if (lx->p < lx->e && *lx->p != '<') {
		/* token display name followed by '<', or an addr-spec */
		struct sip_lex t = *lx;
		struct sip_pl tok;
		const char *s = t.p, *end = t.p;
		while (sip_lex_token(&t, &tok)) {
			end = t.p;
			sip_lex_lws(&t);
		}
		if (t.p < t.e && *t.p == '<' && end > s) {
			na->dname.p = s;
			na->dname.l = (size_t)(end - s);
			lx->p = t.p;
		}
	}
	if (sip_lex_char(lx, '<')) {
		const char *s = lx->p;
		while (lx->p < lx->e && *lx->p != '>') {
			if (is_lws(*lx->p))
				return EBADMSG;
			lx->p++;
		}
		if (lx->p >= lx->e)
			return EBADMSG;
		na->uri_str.p = s;
		na->uri_str.l = (size_t)(lx->p - s);
		lx->p++;
	} else {
		const char *s = lx->p;
		while (lx->p < lx->e && *lx->p != ';' && *lx->p != ',' &&
		       !is_lws(*lx->p)) {
			/* RFC 3261 20: these need the <> form */
			if (*lx->p == '?' || *lx->p == '<' || *lx->p == '>' ||
			    *lx->p == '"')
				return EBADMSG;
			lx->p++;
		}
		na->uri_str.p = s;
		na->uri_str.l = (size_t)(lx->p - s);
	}
	if (!na->uri_str.l ||
	    sip_uri_parse(&na->uri, na->uri_str.p, na->uri_str.l))
		return EBADMSG;
	/* the tag is picked up on the one pass over the params */
	if (params_parse(lx, &na->params, "tag", &na->tag))
		return EBADMSG;
	sip_lex_lws(lx);
	return 0;
}

static bool is_host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '-';
}

/* branch, received (RFC 5118 4.5: with or without []), rport (RFC 3581),
 * maddr and ttl (RFC 3261 20.42). */
static int via_params(struct sip_via *via)
{
	struct sip_pl n, v;
	uint32_t num;
	via->ttl = -1;
	/* no params: p is NULL, and NULL + 0 is already undefined */
	if (!via->params.p)
		return 0;
	struct sip_lex lx = { via->params.p, via->params.p + via->params.l };
	/* one pass over the params the parser already checked */
	while (lex_param(&lx, &n, &v)) {
		if (sip_pl_casecmp(&n, "branch")) {
			if (!v.l)
				return EBADMSG;
			via->branch = v;
		} else if (sip_pl_casecmp(&n, "received")) {
			if (v.l > 2 && v.p[0] == '[' && v.p[v.l - 1] == ']') {
				v.p++;
				v.l -= 2;
			}
			for (size_t i = 0; i < v.l; i++)
				if (!is_host_char(v.p[i]) && v.p[i] != ':')
					return EBADMSG;
			if (!v.l)
				return EBADMSG;
			via->received = v;
		} else if (sip_pl_casecmp(&n, "rport")) {
			via->rport = true;
			if (v.l) {
				if (sip_parse_u32(&v, 65535, &num) || !num)
					return EBADMSG;
				via->rport_port = (uint16_t)num;
			}
		} else if (sip_pl_casecmp(&n, "maddr")) {
			if (!v.l)
				return EBADMSG;
			via->maddr = v;
		} else if (sip_pl_casecmp(&n, "ttl")) {
			if (sip_parse_u32(&v, 255, &num))
				return EBADMSG;
			via->ttl = (int)num;
		}
		sip_lex_lws(&lx);
		if (!sip_lex_char(&lx, ';'))
			break;
	}
	return 0;
}

int sip_via_parse_one(struct sip_via *via, struct sip_lex *lx)
{
	struct sip_pl proto, ver;
	memset(via, 0, sizeof(*via));
	sip_lex_lws(lx);
	if (!sip_lex_token(lx, &proto))
		return EBADMSG;
	sip_lex_lws(lx);
	if (!sip_lex_char(lx, '/'))
		return EBADMSG;
	sip_lex_lws(lx);
	if (!sip_lex_token(lx, &ver))
		return EBADMSG;
	sip_lex_lws(lx);
	if (!sip_lex_char(lx, '/'))
		return EBADMSG;
	sip_lex_lws(lx);
	if (!sip_lex_token(lx, &via->transport))
		return EBADMSG;
	sip_lex_lws(lx);
	const char *s = lx->p;
	if (sip_lex_char(lx, '[')) {
		via->host.p = lx->p;
		while (lx->p < lx->e && *lx->p != ']')
			lx->p++;
		via->host.l = (size_t)(lx->p - via->host.p);
		if (!sip_lex_char(lx, ']') || !sip_ipv6_valid(&via->host))
			return EBADMSG;
	} else {
		via->host.p = lx->p;
		while (lx->p < lx->e && is_host_char(*lx->p))
			lx->p++;
		via->host.l = (size_t)(lx->p - via->host.p);
	}
	if (!via->host.l)
		return EBADMSG;
	const char *end = lx->p;
	struct sip_lex t = *lx;
	sip_lex_lws(&t);
	if (sip_lex_char(&t, ':')) {
		struct sip_pl port;
		uint32_t v;
		sip_lex_lws(&t);
		port.p = t.p;
		while (t.p < t.e && *t.p >= '0' && *t.p <= '9')
			t.p++;
		port.l = (size_t)(t.p - port.p);
		/* port 0 cannot be a response destination (RFC 3261 18.2.2) */
		if (sip_parse_u32(&port, 65535, &v) || !v)
			return EBADMSG;
		via->port = (uint16_t)v;
		*lx = t;
		end = lx->p;
	}
	via->sentby.p = s;
	via->sentby.l = (size_t)(end - s);
	if (sip_params_parse(lx, &via->params))
		return EBADMSG;
	sip_lex_lws(lx);
	return via_params(via);
}

int sip_via_parse(struct sip_via *via, struct sip_lex *lx)
{
	int err = sip_via_parse_one(via, lx);
	return err ? err : lx->p == lx->e ? 0 : EBADMSG;
}
