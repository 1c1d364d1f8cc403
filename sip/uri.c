/*
 * uri.c: sip:, sips: and tel: URIs (RFC 3261 19.1, RFC 3966). The result
 * is a set of views into the parsed text.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static const char *const scheme_names[SIP_URI__COUNT] = {
	[SIP_URI_SIP] = "sip",
	[SIP_URI_SIPS] = "sips",
	[SIP_URI_TEL] = "tel",
	[SIP_URI_OTHER] = "other",
};

const char *sip_uri_scheme_name(enum sip_uri_scheme s)
{
	return (unsigned)s < SIP_URI__COUNT ? scheme_names[s] : "?";
}

/* unreserved (RFC 3261 25.1): alphanumerics and -_.!~*'() , as a bitmap */
static bool is_unreserved(char c)
{
	static const uint64_t map[2] = { 0x03ff678200000000ULL,
					 0x47fffffe87fffffeULL };
	unsigned char u = (unsigned char)c;
	return u < 128 && ((map[u >> 6] >> (u & 63)) & 1);
}

/* Checks chars of s[0..n) against unreserved + extra, with %HH escapes. */
static bool valid_chars(const char *s, size_t n, const char *extra)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '%') {
			if (i + 2 >= n)
				return false;
			if (!isxdigit((unsigned char)s[i + 1]) ||
			    !isxdigit((unsigned char)s[i + 2]))
				return false;
			i += 2;
			continue;
		}
		if (!is_unreserved(c) && !(c && strchr(extra, c)))
			return false;
	}
	return true;
}

/* RFC 5954 (correcting RFC 3261's ABNF): exactly the textual forms of
 * RFC 4291 2.2, so "2001:db8:::192.0.2.1" is malformed. */
bool sip_ipv6_valid(const struct sip_pl *host)
{
	char buf[INET6_ADDRSTRLEN];
	struct in6_addr a;
	if (!host->l || sip_pl_copy(host, buf, sizeof(buf)))
		return false;
	for (size_t i = 0; i < host->l; i++)
		if (!isxdigit((unsigned char)buf[i]) && buf[i] != ':' &&
		    buf[i] != '.')
			return false;
	return inet_pton(AF_INET6, buf, &a) == 1;
}

static int parse_hostport(struct sip_uri *uri, const char *p, const char *e)
{
	if (p < e && *p == '[') {
		const char *rb = memchr(p, ']', (size_t)(e - p));
		if (!rb || rb == p + 1)
			return EINVAL;
		uri->host.p = p + 1;
		uri->host.l = (size_t)(rb - p - 1);
		if (!sip_ipv6_valid(&uri->host))
			return EINVAL;
		uri->ipv6 = true;
		p = rb + 1;
	} else {
		uri->host.p = p;
		while (p < e &&
		       (isalnum((unsigned char)*p) || *p == '.' || *p == '-'))
			p++;
		uri->host.l = (size_t)(p - uri->host.p);
		if (!uri->host.l)
			return EINVAL;
	}
	if (p < e && *p == ':') {
		struct sip_pl port = { p + 1, (size_t)(e - p - 1) };
		uint32_t v;
		if (sip_parse_u32(&port, 65535, &v) || v == 0)
			return EINVAL;
		uri->port = (uint16_t)v;
		p = e;
	}
	return p == e ? 0 : EINVAL;
}

static int parse_sip(struct sip_uri *uri, const char *p, const char *e)
{
	/* '@' can only belong to userinfo: params and headers never hold it */
	const char *at = memchr(p, '@', (size_t)(e - p));
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		const char *ue = colon ? colon : at;
		uri->user.p = p;
		uri->user.l = (size_t)(ue - p);
		if (!uri->user.l || !valid_chars(p, uri->user.l, "&=+$,;?/"))
			return EINVAL;
		if (colon) {
			uri->password.p = colon + 1;
			uri->password.l = (size_t)(at - colon - 1);
			if (!valid_chars(uri->password.p, uri->password.l,
					 "&=+$,"))
				return EINVAL;
		}
		p = at + 1;
	}
	const char *he = p;
	if (he < e && *he == '[') {
		const char *rb = memchr(he, ']', (size_t)(e - he));
		if (!rb)
			return EINVAL;
		he = rb + 1;
	}
	while (he < e && *he != ';' && *he != '?')
		he++;
	if (parse_hostport(uri, p, he))
		return EINVAL;
	p = he;
	if (p < e && *p == ';') {
		const char *q = memchr(p, '?', (size_t)(e - p));
		const char *pe = q ? q : e;
		uri->params.p = p + 1;
		uri->params.l = (size_t)(pe - p - 1);
		if (!valid_chars(uri->params.p, uri->params.l, "[]/:&+$;="))
			return EINVAL;
		p = pe;
	}
	if (p < e && *p == '?') {
		uri->headers.p = p + 1;
		uri->headers.l = (size_t)(e - p - 1);
		if (!valid_chars(uri->headers.p, uri->headers.l, "[]/?:+$&="))
			return EINVAL;
	}
	return 0;
}

static int parse_tel(struct sip_uri *uri, const char *p, const char *e)
{
	const char *semi = memchr(p, ';', (size_t)(e - p));
	const char *ne = semi ? semi : e;
	uri->user.p = p;
	uri->user.l = (size_t)(ne - p);
	if (!uri->user.l)
		return EINVAL;
	for (const char *c = p; c < ne; c++)
		if (!isxdigit((unsigned char)*c) && !strchr("+-.()*#", *c))
			return EINVAL;
	if (semi) {
		uri->params.p = semi + 1;
		uri->params.l = (size_t)(e - semi - 1);
		if (!valid_chars(uri->params.p, uri->params.l, "[]/:&+$;="))
			return EINVAL;
	}
	return 0;
}

int sip_uri_parse(struct sip_uri *uri, const char *s, size_t len)
{
	memset(uri, 0, sizeof(*uri));
	if (!s || !len)
		return EINVAL;
	const char *e = s + len;
	const char *colon = memchr(s, ':', len);
	if (!colon || colon == s || !isalpha((unsigned char)s[0]))
		return EINVAL;
	for (const char *c = s; c < colon; c++)
		if (!isalnum((unsigned char)*c) && !strchr("+-.", *c))
			return EINVAL;
	size_t sl = (size_t)(colon - s);
	const char *p = colon + 1;
	if (sl == 3 && strncasecmp(s, "sip", 3) == 0) {
		uri->scheme = SIP_URI_SIP;
		return parse_sip(uri, p, e);
	}
	if (sl == 4 && strncasecmp(s, "sips", 4) == 0) {
		uri->scheme = SIP_URI_SIPS;
		return parse_sip(uri, p, e);
	}
	if (sl == 3 && strncasecmp(s, "tel", 3) == 0) {
		uri->scheme = SIP_URI_TEL;
		return parse_tel(uri, p, e);
	}
	uri->scheme = SIP_URI_OTHER;
	for (const char *c = p; c < e; c++)
		if ((unsigned char)*c <= ' ' || *c == '<' || *c == '>' ||
		    *c == '"')
			return EINVAL;
	uri->user.p = p;
	uri->user.l = (size_t)(e - p);
	return 0;
}

/* URI params are ';'-separated name[=value] without LWS. */
bool sip_uri_param(const struct sip_uri *uri, const char *name,
		   struct sip_pl *val)
{
	const char *p = uri->params.p, *e;
	size_t nl = strlen(name);
	/* no params: p is NULL, and NULL + 0 is already undefined */
	if (!p)
		return false;
	e = p + uri->params.l;
	while (p < e) {
		const char *semi = memchr(p, ';', (size_t)(e - p));
		const char *pe = semi ? semi : e;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		const char *ne = eq ? eq : pe;
		if ((size_t)(ne - p) == nl && strncasecmp(p, name, nl) == 0) {
			if (val) {
				val->p = eq ? eq + 1 : pe;
				val->l = eq ? (size_t)(pe - eq - 1) : 0;
			}
			return true;
		}
		p = semi ? semi + 1 : e;
	}
	return false;
}

/* ---- comparison (RFC 3261 19.1.4) ---- */

/* The end of a view; an absent part has p NULL, and NULL + 0 is already
 * undefined behaviour. */
static const char *pl_end(const struct sip_pl *pl)
{
	return pl->p ? pl->p + pl->l : NULL;
}

static int hexval(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* The next character of a view with %HH decoded; -1 at the end. */
static int next_unesc(const char **p, const char *e)
{
	if (*p >= e)
		return -1;
	if (**p == '%' && e - *p >= 3 && isxdigit((unsigned char)(*p)[1]) &&
	    isxdigit((unsigned char)(*p)[2])) {
		int v = hexval((*p)[1]) * 16 + hexval((*p)[2]);
		*p += 3;
		return v;
	}
	return (unsigned char)*(*p)++;
}

static bool esc_eq(const struct sip_pl *a, const struct sip_pl *b, bool icase)
{
	const char *p = a->p, *q = b->p;
	const char *pe = pl_end(a), *qe = pl_end(b);
	for (;;) {
		int x = next_unesc(&p, pe), y = next_unesc(&q, qe);
		if (x != y &&
		    !(icase && x >= 0 && y >= 0 && (x | 0x20) == (y | 0x20) &&
		      isalpha(x) && isalpha(y)))
			return false;
		if (x < 0)
			return true;
	}
}

/* tel: numbers compare without visual separators (RFC 3966 4, 3.1). */
static bool tel_number_eq(const struct sip_pl *a, const struct sip_pl *b)
{
	const char *p = a->p, *q = b->p;
	const char *pe = pl_end(a), *qe = pl_end(b);
	for (;;) {
		int x, y;
		do
			x = next_unesc(&p, pe);
		while (x == '-' || x == '.' || x == '(' || x == ')');
		do
			y = next_unesc(&q, qe);
		while (y == '-' || y == '.' || y == '(' || y == ')');
		if (x != y && !(x >= 0 && y >= 0 && isalpha(x) &&
				(x | 0x20) == (y | 0x20)))
			return false;
		if (x < 0)
			return true;
	}
}

/* name=value pairs of a ';'- (params) or '&'- (headers) separated list. */
static bool kv_next(const char **p, const char *e, char sep, struct sip_pl *n,
		    struct sip_pl *v)
{
	if (*p >= e)
		return false;
	const char *s = *p;
	const char *end = memchr(s, sep, (size_t)(e - s));
	if (!end)
		end = e;
	const char *eq = memchr(s, '=', (size_t)(end - s));
	n->p = s;
	n->l = (size_t)((eq ? eq : end) - s);
	v->p = eq ? eq + 1 : end;
	v->l = eq ? (size_t)(end - eq - 1) : 0;
	*p = end < e ? end + 1 : e;
	return true;
}

static bool kv_find(const struct sip_pl *list, char sep,
		    const struct sip_pl *name, struct sip_pl *val)
{
	const char *p = list->p, *e = pl_end(list);
	struct sip_pl n, v;
	while (p && kv_next(&p, e, sep, &n, &v))
		if (esc_eq(&n, name, true)) {
			*val = v;
			return true;
		}
	return false;
}

/* These must match whenever either URI has them. */
static bool param_required(const struct sip_pl *n)
{
	static const char *const names[] = { "user", "ttl", "method", "maddr",
					     "transport" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (sip_pl_casecmp(n, names[i]))
			return true;
	return false;
}

/* Every param of a agrees with b; one-sided only for ordinary params. */
static bool params_agree(const struct sip_uri *a, const struct sip_uri *b)
{
	const char *p = a->params.p, *e = pl_end(&a->params);
	struct sip_pl n, v, w;
	while (p && kv_next(&p, e, ';', &n, &v)) {
		if (!kv_find(&b->params, ';', &n, &w)) {
			if (param_required(&n))
				return false;
			continue;
		}
		if (!esc_eq(&v, &w, true))
			return false;
	}
	return true;
}

/* Header values are compared as written, names case-insensitively. */
static bool headers_agree(const struct sip_uri *a, const struct sip_uri *b)
{
	const char *p = a->headers.p, *e = pl_end(&a->headers);
	struct sip_pl n, v, w;
	while (p && kv_next(&p, e, '&', &n, &v))
		if (!kv_find(&b->headers, '&', &n, &w) ||
		    !esc_eq(&v, &w, false))
			return false;
	return true;
}

bool sip_uri_eq(const struct sip_uri *a, const struct sip_uri *b)
{
	if (a->scheme != b->scheme)
		return false;
	if (a->scheme == SIP_URI_OTHER)
		return esc_eq(&a->user, &b->user, false);
	if (a->scheme == SIP_URI_TEL)
		return tel_number_eq(&a->user, &b->user) &&
		       params_agree(a, b) && params_agree(b, a);
	return esc_eq(&a->user, &b->user, false) &&
	       esc_eq(&a->password, &b->password, false) &&
	       esc_eq(&a->host, &b->host, true) && a->port == b->port &&
	       params_agree(a, b) && params_agree(b, a) &&
	       headers_agree(a, b) && headers_agree(b, a);
}
