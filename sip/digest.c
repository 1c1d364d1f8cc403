/*
 * digest.c: HTTP digest authentication as SIP uses it (RFC 3261 22.4,
 * RFC 7616, RFC 8760): auth-param lists, hashes, and the client side
 * (parse a challenge, answer it). Pure: no I/O, no clock; randomness for
 * cnonces is injected or comes from OpenSSL. The server is digest_srv.c.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "sip/sip_int.h"

static const char *const alg_names[SIP_DIGEST__COUNT] = {
	[SIP_DIGEST_MD5] = "MD5",
	[SIP_DIGEST_SHA256] = "SHA-256",
	[SIP_DIGEST_SHA512_256] = "SHA-512-256",
};

const char *sip_digest_alg_name(enum sip_digest_alg a)
{
	return (unsigned)a < SIP_DIGEST__COUNT ? alg_names[a] : "?";
}

int sip_digest_alg_parse(const char *s, size_t len, enum sip_digest_alg *a)
{
	for (int i = 0; i < SIP_DIGEST__COUNT; i++) {
		if (strlen(alg_names[i]) == len &&
		    strncasecmp(s, alg_names[i], len) == 0) {
			*a = (enum sip_digest_alg)i;
			return 0;
		}
	}
	return EINVAL;
}

/* ---- auth-param lists (RFC 3261 25.1, RFC 7235 2.1) ---- */

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_lws(const char *p, const char *e)
{
	while (p < e && is_lws(*p))
		p++;
	return p;
}

/* RFC 3261 25.1 token; own copy so the auth lexer stands alone. */
static bool is_tchar(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c && strchr("-.!%*_+`'~", c) != NULL;
}

static const char *token_end(const char *p, const char *e)
{
	while (p < e && is_tchar(*p))
		p++;
	return p;
}

/* At the opening quote; returns the closing quote or NULL. */
static const char *quoted_end(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\') {
			if (++p == e)
				return NULL;
		} else if (*p == '"') {
			return p;
		}
	}
	return NULL;
}

int sip_digest_params_parse(const char **pp, const char *e,
			    struct sip_pl *scheme, struct sip_digest_param *par,
			    unsigned max, unsigned *n)
{
	const char *p = *pp;
	*n = 0;
	/* empty list elements are allowed: ", , Digest ..." */
	while (p < e && (is_lws(*p) || *p == ','))
		p++;
	if (p == e)
		return ENOENT;
	const char *t = token_end(p, e);
	if (t == p)
		return EBADMSG;
	scheme->p = p;
	scheme->l = (size_t)(t - p);
	p = t;
	if (p < e && !is_lws(*p) && *p != ',')
		return EBADMSG;
	for (;;) {
		p = skip_lws(p, e);
		if (p == e)
			break;
		const char *name = p;
		t = token_end(p, e);
		if (t == p)
			return EBADMSG;
		p = skip_lws(t, e);
		if (p == e || *p != '=') {
			if (*n == 0 && p == e)
				return EBADMSG; /* "Digest foo" */
			p = name; /* the next challenge's scheme */
			break;
		}
		if (*n == max)
			return E2BIG;
		struct sip_digest_param *a = &par[*n];
		a->name.p = name;
		a->name.l = (size_t)(t - name);
		for (unsigned i = 0; i < *n; i++)
			if (par[i].name.l == a->name.l &&
			    strncasecmp(par[i].name.p, name, a->name.l) == 0)
				return EBADMSG; /* each directive once */
		p = skip_lws(p + 1, e);
		if (p < e && *p == '"') {
			const char *q = quoted_end(p, e);
			if (!q)
				return EBADMSG;
			a->val.p = p + 1;
			a->val.l = (size_t)(q - p - 1);
			a->quoted = true;
			p = q + 1;
		} else {
			t = token_end(p, e);
			if (t == p)
				return EBADMSG;
			a->val.p = p;
			a->val.l = (size_t)(t - p);
			a->quoted = false;
			p = t;
		}
		(*n)++;
		p = skip_lws(p, e);
		if (p == e)
			break;
		if (*p != ',')
			return EBADMSG;
		while (p < e && (is_lws(*p) || *p == ','))
			p++;
	}
	*pp = p;
	return 0;
}

int sip_digest_param_unq(const struct sip_digest_param *a, char *buf,
			 size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < a->val.l; i++) {
		char c = a->val.p[i];
		if (a->quoted && c == '\\' && i + 1 < a->val.l)
			c = a->val.p[++i];
		if (o + 1 >= size) {
			if (size)
				buf[0] = '\0';
			return ENAMETOOLONG;
		}
		buf[o++] = c;
	}
	if (!size)
		return ENAMETOOLONG;
	buf[o] = '\0';
	return 0;
}

const struct sip_digest_param *
sip_digest_param_find(const struct sip_digest_param *par, unsigned n,
		      const char *name)
{
	for (unsigned i = 0; i < n; i++)
		if (sip_pl_casecmp(&par[i].name, name))
			return &par[i];
	return NULL;
}

/* ---- hashes ---- */

static const EVP_MD *alg_md(enum sip_digest_alg alg)
{
	switch (alg) {
	case SIP_DIGEST_MD5:
		return EVP_md5();
	case SIP_DIGEST_SHA256:
		return EVP_sha256();
	case SIP_DIGEST_SHA512_256:
		return EVP_sha512_256();
	default:
		return NULL;
	}
}

int sip_digest_hash(enum sip_digest_alg alg, const char *const *parts,
		    unsigned n, char *hex)
{
	static const char xd[] = "0123456789abcdef";
	const EVP_MD *md = alg_md(alg);
	unsigned char out[EVP_MAX_MD_SIZE];
	unsigned olen = 0;
	int err = ENOMEM;
	if (!md)
		return EINVAL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return ENOMEM;
	if (!EVP_DigestInit_ex(ctx, md, NULL))
		goto out;
	for (unsigned i = 0; i < n; i++) {
		if ((i && !EVP_DigestUpdate(ctx, ":", 1)) ||
		    !EVP_DigestUpdate(ctx, parts[i], strlen(parts[i])))
			goto out;
	}
	if (!EVP_DigestFinal_ex(ctx, out, &olen) ||
	    olen * 2 > SIP_DIGEST_HEX_MAX)
		goto out;
	for (unsigned i = 0; i < olen; i++) {
		hex[2 * i] = xd[out[i] >> 4];
		hex[2 * i + 1] = xd[out[i] & 15];
	}
	hex[2 * olen] = '\0';
	err = 0;
out:
	EVP_MD_CTX_free(ctx);
	return err;
}

int sip_digest_response(enum sip_digest_alg alg, const char *user,
			const char *realm, const char *password,
			const char *method, const char *uri, const char *nonce,
			const char *nc, const char *cnonce, char *hex)
{
	char ha1[SIP_DIGEST_HEX_MAX + 1], ha2[SIP_DIGEST_HEX_MAX + 1];
	const char *a1[] = { user, realm, password };
	const char *a2[] = { method, uri };
	int err = sip_digest_hash(alg, a1, 3, ha1);
	if (!err)
		err = sip_digest_hash(alg, a2, 2, ha2);
	if (err)
		return err;
	if (cnonce) {
		const char *kd[] = { ha1, nonce, nc, cnonce, "auth", ha2 };
		return sip_digest_hash(alg, kd, 6, hex);
	}
	const char *kd[] = { ha1, nonce, ha2 }; /* RFC 2069 / 2617 no qop */
	return sip_digest_hash(alg, kd, 3, hex);
}

/* ---- client ---- */

static int chal_from_params(struct sip_digest_chal *ch,
			    const struct sip_digest_param *par, unsigned n)
{
	const struct sip_digest_param *a;
	int err;

	memset(ch, 0, sizeof(*ch));
	ch->alg = SIP_DIGEST_MD5; /* absent algorithm means MD5 */
	a = sip_digest_param_find(par, n, "algorithm");
	if (a && sip_digest_alg_parse(a->val.p, a->val.l, &ch->alg))
		return ENOTSUP;
	a = sip_digest_param_find(par, n, "realm");
	const struct sip_digest_param *no =
		sip_digest_param_find(par, n, "nonce");
	if (!a || !no)
		return EBADMSG;
	if ((err = sip_digest_param_unq(a, ch->realm, sizeof(ch->realm))) ||
	    (err = sip_digest_param_unq(no, ch->nonce, sizeof(ch->nonce))))
		return err;
	if (!ch->nonce[0])
		return EBADMSG;
	a = sip_digest_param_find(par, n, "opaque");
	if (a &&
	    (err = sip_digest_param_unq(a, ch->opaque, sizeof(ch->opaque))))
		return err;
	a = sip_digest_param_find(par, n, "stale");
	ch->stale = a && a->val.l == 4 && strncasecmp(a->val.p, "true", 4) == 0;
	a = sip_digest_param_find(par, n, "qop");
	if (a) {
		/* a quoted, comma-separated list: "auth, auth-int" */
		const char *p = a->val.p, *e = p + a->val.l;
		while (p < e) {
			p = skip_lws(p, e);
			const char *t = token_end(p, e);
			if ((size_t)(t - p) == 4 &&
			    strncasecmp(p, "auth", 4) == 0)
				ch->qop_auth = true;
			p = skip_lws(t, e);
			if (p < e && *p != ',')
				return EBADMSG;
			if (p < e)
				p++;
		}
		if (!ch->qop_auth)
			return ENOTSUP; /* auth-int only: no bodies hashed */
	}
	/* no qop: the RFC 2069 form, also with SHA-256 (kamailio sends it) */
	return 0;
}

/* Parses the challenge at *pp, advancing it. */
static int chal_parse_at(struct sip_digest_chal *ch, const char **pp,
			 const char *e)
{
	struct sip_digest_param par[SIP_DIGEST_PARAMS_MAX];
	struct sip_pl scheme;
	unsigned n;
	int err = sip_digest_params_parse(pp, e, &scheme, par,
					  SIP_DIGEST_PARAMS_MAX, &n);
	if (err)
		return err;
	if (!sip_pl_casecmp(&scheme, "Digest"))
		return ENOTSUP;
	return chal_from_params(ch, par, n);
}

int sip_digest_chal_parse(struct sip_digest_chal *ch, const char *val,
			  size_t len)
{
	struct sip_digest_chal tmp;
	if (!ch || !val)
		return EINVAL;
	const char *p = val;
	int err = chal_parse_at(&tmp, &p, val + len);
	if (err == ENOENT)
		return EBADMSG;
	if (!err)
		*ch = tmp;
	return err;
}

int sip_digest_chal_pick(struct sip_digest_chal *ch, const struct sip_msg *resp)
{
	const char *name;
	struct sip_digest_chal tmp, best;
	bool found = false;

	if (!ch || !resp || resp->req)
		return EINVAL;
	if (resp->code == 401)
		name = "WWW-Authenticate";
	else if (resp->code == 407)
		name = "Proxy-Authenticate";
	else
		return ENOENT;
	for (unsigned i = 0; i < resp->nhdr; i++) {
		const struct sip_hdr *h = &resp->hdr[i];
		if (!sip_pl_casecmp(&h->name, name))
			continue;
		const char *p = h->val.p, *e = p + h->val.l;
		/* each round consumes input or stops: bounded by the length */
		while (p < e) {
			const char *before = p;
			int err = chal_parse_at(&tmp, &p, e);
			if (err == ENOENT || p == before)
				break;
			if (err == EBADMSG || err == E2BIG)
				break; /* cannot find the next one reliably */
			if (err)
				continue; /* another scheme or algorithm */
			if (!found || tmp.alg > best.alg) {
				best = tmp;
				found = true;
			}
		}
	}
	if (!found)
		return ENOENT;
	best.proxy = resp->code == 407;
	*ch = best;
	return 0;
}

const char *sip_digest_answer_hdr(const struct sip_digest_chal *ch)
{
	return ch && ch->proxy ? "Proxy-Authorization" : "Authorization";
}

void sip_digest_client_take(struct sip_digest_client *cl,
			    const struct sip_digest_chal *ch)
{
	if (!cl->have || strcmp(cl->ch.nonce, ch->nonce) != 0)
		cl->nc = 0;
	cl->ch = *ch;
	cl->have = true;
}

/* A quoted-string with '"' and '\' escaped (RFC 3261 25.1). */
static void mb_quoted(struct sip_mbuf *mb, const char *s)
{
	sip_mb_str(mb, "\"");
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			sip_mb_str(mb, "\\");
		sip_mb_printf(mb, "%c", *s);
	}
	sip_mb_str(mb, "\"");
}

int sip_digest_answer(const struct sip_digest_chal *ch, const char *user,
		      const char *password, const char *method, const char *uri,
		      uint32_t nc, const char *cnonce, char *buf, size_t size)
{
	char resp[SIP_DIGEST_HEX_MAX + 1], ncs[9];
	struct sip_mbuf mb;
	if (!ch || !user || !password || !method || !uri || !buf ||
	    (ch->qop_auth && (!cnonce || !nc)))
		return EINVAL;
	snprintf(ncs, sizeof(ncs), "%08x", (unsigned)nc);
	int err = sip_digest_response(ch->alg, user, ch->realm, password,
				      method, uri, ch->nonce, ncs,
				      ch->qop_auth ? cnonce : NULL, resp);
	if (err)
		return err;
	sip_mb_init(&mb, buf, size);
	sip_mb_str(&mb, "Digest username=");
	mb_quoted(&mb, user);
	sip_mb_str(&mb, ", realm=");
	mb_quoted(&mb, ch->realm);
	sip_mb_str(&mb, ", nonce=");
	mb_quoted(&mb, ch->nonce);
	sip_mb_str(&mb, ", uri=");
	mb_quoted(&mb, uri);
	sip_mb_printf(&mb, ", response=\"%s\", algorithm=%s", resp,
		      sip_digest_alg_name(ch->alg));
	if (ch->qop_auth) {
		sip_mb_str(&mb, ", cnonce=");
		mb_quoted(&mb, cnonce);
		sip_mb_printf(&mb, ", qop=auth, nc=%s", ncs);
	}
	if (ch->opaque[0]) {
		sip_mb_str(&mb, ", opaque=");
		mb_quoted(&mb, ch->opaque);
	}
	return mb.err;
}

int sip_digest_client_answer(struct sip_digest_client *cl, const char *user,
			     const char *password, const char *method,
			     const char *uri, char *buf, size_t size)
{
	static const char xd[] = "0123456789abcdef";
	uint8_t rnd[16];
	char cnonce[2 * sizeof(rnd) + 1];
	if (!cl || !cl->have)
		return EINVAL;
	int err = cl->rand ? cl->rand(cl->rand_arg, rnd, sizeof(rnd))
			   : (RAND_bytes(rnd, sizeof(rnd)) == 1 ? 0 : EIO);
	if (err)
		return err;
	for (size_t i = 0; i < sizeof(rnd); i++) {
		cnonce[2 * i] = xd[rnd[i] >> 4];
		cnonce[2 * i + 1] = xd[rnd[i] & 15];
	}
	cnonce[2 * sizeof(rnd)] = '\0';
	if (cl->nc == UINT32_MAX)
		return EOVERFLOW; /* nc would wrap: wait for a new nonce */
	err = sip_digest_answer(&cl->ch, user, password, method, uri,
				cl->nc + 1, cnonce, buf, size);
	if (!err)
		cl->nc++;
	return err;
}
