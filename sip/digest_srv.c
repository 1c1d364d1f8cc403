/*
 * digest_srv.c: the server side of digest authentication (RFC 7616 3.3,
 * 3.4, 5): challenges with self-verifying nonces, and verification of
 * the answers with replay detection by nonce count.
 *
 * A nonce is hex(time, sequence, HMAC-SHA-256(secret; time, sequence,
 * realm)[0..15]): it needs no state until a client uses it. Used nonces
 * sit in a fixed table with their highest nonce count and a 64-bit window
 * below it; when the table is full the oldest entry is dropped and every
 * nonce issued up to its time counts as stale, so an eviction never lets
 * a replay through.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include "sip/sip_int.h"

#define NONCE_RAW 28 /* 8 time + 4 sequence + 16 MAC */
#define NONCE_HEX (2 * NONCE_RAW)
#define DEFAULT_TTL_MS 300000
/* Hashed for unknown users so that they cost what known ones cost. */
#define DUMMY_PASSWORD "\x01no such user\x01"

static const char *const result_names[SIP_DIGEST__RESULTS] = {
	[SIP_DIGEST_OK] = "ok",
	[SIP_DIGEST_NONE] = "no credentials",
	[SIP_DIGEST_STALE] = "stale nonce",
	[SIP_DIGEST_DENIED] = "denied",
	[SIP_DIGEST_BAD] = "malformed",
};

const char *sip_digest_result_name(enum sip_digest_result r)
{
	return (unsigned)r < SIP_DIGEST__RESULTS ? result_names[r] : "?";
}

int sip_digest_server_init(struct sip_digest_server *s, const uint8_t *secret,
			   size_t len, uint64_t ttl_ms, sip_digest_rand_h *rand,
			   void *rand_arg)
{
	if (!s || (secret && len != sizeof(s->secret)))
		return EINVAL;
	memset(s, 0, sizeof(*s));
	s->ttl_ms = ttl_ms ? ttl_ms : DEFAULT_TTL_MS;
	if (secret) {
		memcpy(s->secret, secret, sizeof(s->secret));
		return 0;
	}
	if (rand)
		return rand(rand_arg, s->secret, sizeof(s->secret));
	return RAND_bytes(s->secret, sizeof(s->secret)) == 1 ? 0 : EIO;
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	for (int i = n - 1; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t get_be(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* MAC over the first 12 raw bytes and the realm into raw[12..27]. */
static int nonce_mac(const struct sip_digest_server *s, const uint8_t *raw,
		     const char *realm, uint8_t *mac)
{
	uint8_t in[12 + SIP_DIGEST_STR_MAX], out[EVP_MAX_MD_SIZE];
	unsigned olen = 0;
	size_t rl = strlen(realm);
	if (rl > SIP_DIGEST_STR_MAX)
		return EINVAL;
	memcpy(in, raw, 12);
	memcpy(in + 12, realm, rl);
	if (!HMAC(EVP_sha256(), s->secret, (int)sizeof(s->secret), in, 12 + rl,
		  out, &olen) ||
	    olen < 16)
		return EIO;
	memcpy(mac, out, 16);
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int sip_digest_server_challenge(struct sip_digest_server *s, uint64_t now,
				const char *realm, enum sip_digest_alg alg,
				bool stale, char *buf, size_t size)
{
	uint8_t raw[NONCE_RAW];
	char hex[NONCE_HEX + 1];
	struct sip_mbuf mb;
	if (!s || !realm || !buf || (unsigned)alg >= SIP_DIGEST__COUNT ||
	    strpbrk(realm, "\"\\\r\n"))
		return EINVAL;
	put_be(raw, now, 8);
	put_be(raw + 8, s->seq++, 4);
	int err = nonce_mac(s, raw, realm, raw + 12);
	if (err)
		return err;
	for (int i = 0; i < NONCE_RAW; i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	sip_mb_init(&mb, buf, size);
	sip_mb_printf(&mb,
		      "Digest realm=\"%s\", nonce=\"%s\", algorithm=%s, "
		      "qop=\"auth\"%s",
		      realm, hex, sip_digest_alg_name(alg),
		      stale ? ", stale=true" : "");
	if (!mb.err)
		s->stats.challenges++;
	return mb.err;
}

/* Decodes and authenticates a nonce of ours; false if it is not one. */
static bool nonce_check(const struct sip_digest_server *s, const char *nonce,
			const char *realm, uint64_t *ts, uint8_t *mac8)
{
	uint8_t raw[NONCE_RAW], mac[16];
	bool ok = strlen(nonce) == NONCE_HEX;
	for (int i = 0; ok && i < NONCE_RAW; i++) {
		int hi = hexval(nonce[2 * i]), lo = hexval(nonce[2 * i + 1]);
		if (hi < 0 || lo < 0)
			ok = false;
		else
			raw[i] = (uint8_t)(hi << 4 | lo);
	}
	if (!ok || nonce_mac(s, raw, realm, mac) ||
	    CRYPTO_memcmp(mac, raw + 12, sizeof(mac)) != 0)
		return false;
	*ts = get_be(raw, 8);
	memcpy(mac8, raw + 12, 8);
	return true;
}

/* Records nonce count nc (0: no qop, single use); false on a replay. */
static bool nc_accept(struct sip_digest_server *s, uint64_t now, uint64_t ts,
		      const uint8_t *mac8, uint32_t nc)
{
	struct sip_digest_nc *e = NULL, *victim = NULL;
	for (unsigned i = 0; i < SIP_DIGEST_NC_SLOTS; i++) {
		struct sip_digest_nc *x = &s->nc[i];
		if (x->used && x->ts == ts && !memcmp(x->mac, mac8, 8)) {
			e = x;
			break;
		}
		if (!x->used || now - x->ts > s->ttl_ms) {
			if (!victim || victim->used)
				victim = x; /* free or expired: no floor */
		} else if (!victim || (victim->used && x->ts < victim->ts &&
				       now - victim->ts <= s->ttl_ms)) {
			victim = x;
		}
	}
	if (e) {
		if (!nc || !e->top)
			return false; /* no qop: a nonce answers once */
		if (nc > e->top) {
			uint32_t sh = nc - e->top;
			e->window = sh >= 64 ? 0 : e->window << sh;
			e->window |= 1;
			e->top = nc;
			return true;
		}
		uint32_t d = e->top - nc;
		if (d >= 64 || (e->window >> d & 1))
			return false;
		e->window |= (uint64_t)1 << d;
		return true;
	}
	if (victim->used && now - victim->ts <= s->ttl_ms &&
	    victim->ts > s->floor)
		s->floor = victim->ts;
	victim->used = true;
	victim->ts = ts;
	memcpy(victim->mac, mac8, 8);
	victim->top = nc;
	victim->window = 1;
	return true;
}

static bool parse_nc(const struct sip_digest_param *a, uint32_t *nc)
{
	uint32_t v = 0;
	if (!a || a->val.l != 8)
		return false;
	for (int i = 0; i < 8; i++) {
		int h = hexval(a->val.p[i]);
		if (h < 0)
			return false;
		v = v << 4 | (uint32_t)h;
	}
	*nc = v;
	return v != 0;
}

/* Lower-case hex of the client's response, padded: compared in full. */
static void norm_hex(const struct sip_pl *v, char *out)
{
	memset(out, 0, 2 * SIP_DIGEST_HEX_MAX);
	for (size_t i = 0; i < v->l && i < 2 * SIP_DIGEST_HEX_MAX; i++) {
		char c = v->p[i];
		out[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
}

enum sip_digest_result sip_digest_server_verify(
	struct sip_digest_server *s, uint64_t now, const char *val, size_t len,
	const char *method, const struct sip_pl *ruri, const char *realm,
	sip_digest_lookup_h *lookup, void *arg, char *user, size_t user_size)
{
	struct sip_digest_param par[SIP_DIGEST_PARAMS_MAX];
	const struct sip_digest_param *a, *rs;
	struct sip_pl scheme;
	unsigned n;
	char uname[SIP_DIGEST_STR_MAX], rlm[SIP_DIGEST_STR_MAX];
	char nonce[SIP_DIGEST_STR_MAX], uri[SIP_DIGEST_STR_MAX];
	char cnonce[SIP_DIGEST_STR_MAX], ncs[9] = "";
	char want[2 * SIP_DIGEST_HEX_MAX], got[2 * SIP_DIGEST_HEX_MAX];
	enum sip_digest_alg alg = SIP_DIGEST_MD5;
	uint32_t nc = 0;
	const char *p = val;

	if (!s || !val || !method || !ruri || !realm || !lookup)
		return SIP_DIGEST_BAD;
	if (sip_digest_params_parse(&p, val + len, &scheme, par,
				    SIP_DIGEST_PARAMS_MAX, &n) ||
	    p != val + len)
		goto bad;
	if (!sip_pl_casecmp(&scheme, "Digest"))
		return SIP_DIGEST_NONE;
	a = sip_digest_param_find(par, n, "realm");
	if (!a || sip_digest_param_unq(a, rlm, sizeof(rlm)))
		goto bad;
	if (strcmp(rlm, realm) != 0)
		return SIP_DIGEST_NONE; /* someone else's credentials */
	a = sip_digest_param_find(par, n, "algorithm");
	if (a && sip_digest_alg_parse(a->val.p, a->val.l, &alg))
		goto bad;
	/* username* and userhash (RFC 7616 3.4.4) are not supported */
	a = sip_digest_param_find(par, n, "userhash");
	if ((a && sip_pl_casecmp(&a->val, "true")) ||
	    !(a = sip_digest_param_find(par, n, "username")) ||
	    sip_digest_param_unq(a, uname, sizeof(uname)) ||
	    !(a = sip_digest_param_find(par, n, "nonce")) ||
	    sip_digest_param_unq(a, nonce, sizeof(nonce)) ||
	    !(a = sip_digest_param_find(par, n, "uri")) ||
	    sip_digest_param_unq(a, uri, sizeof(uri)) ||
	    !(rs = sip_digest_param_find(par, n, "response")))
		goto bad;
	/* the digest-uri must be the Request-URI (RFC 7616 3.4.6) */
	if (!sip_pl_eq(ruri, uri))
		goto bad;
	a = sip_digest_param_find(par, n, "qop");
	bool qop = a != NULL;
	if (qop) {
		if (!sip_pl_casecmp(&a->val, "auth") ||
		    !parse_nc(sip_digest_param_find(par, n, "nc"), &nc) ||
		    !(a = sip_digest_param_find(par, n, "cnonce")) ||
		    sip_digest_param_unq(a, cnonce, sizeof(cnonce)) ||
		    !cnonce[0])
			goto bad;
		snprintf(ncs, sizeof(ncs), "%08x", (unsigned)nc);
	} else if (alg != SIP_DIGEST_MD5) {
		goto bad;
	}

	/* From here on a known and an unknown user cost the same. */
	uint64_t ts = 0;
	uint8_t mac8[8] = { 0 };
	bool nonce_ok = nonce_check(s, nonce, realm, &ts, mac8);
	const char *pw = lookup(arg, uname);
	bool known = pw != NULL;
	char hex[SIP_DIGEST_HEX_MAX + 1];
	if (sip_digest_response(alg, uname, realm, known ? pw : DUMMY_PASSWORD,
				method, uri, nonce, ncs, qop ? cnonce : NULL,
				hex))
		goto bad;
	struct sip_pl hp = { hex, strlen(hex) };
	norm_hex(&hp, want);
	norm_hex(&rs->val, got);
	bool match = CRYPTO_memcmp(want, got, sizeof(want)) == 0 &&
		     rs->val.l == hp.l;
	if (!(known & match & nonce_ok)) {
		s->stats.denied++;
		return SIP_DIGEST_DENIED;
	}
	if (ts > now || now - ts > s->ttl_ms || ts <= s->floor) {
		s->stats.stale++;
		return SIP_DIGEST_STALE;
	}
	if (!nc_accept(s, now, ts, mac8, nc)) {
		s->stats.replayed++;
		return SIP_DIGEST_STALE;
	}
	if (user && sip_pl_copy(&(struct sip_pl){ uname, strlen(uname) }, user,
				user_size))
		goto bad;
	s->stats.ok++;
	return SIP_DIGEST_OK;
bad:
	s->stats.bad++;
	return SIP_DIGEST_BAD;
}

enum sip_digest_result
sip_digest_server_verify_msg(struct sip_digest_server *s, uint64_t now,
			     const struct sip_msg *req, bool proxy,
			     const char *realm, sip_digest_lookup_h *lookup,
			     void *arg, char *user, size_t user_size)
{
	const char *name = proxy ? "Proxy-Authorization" : "Authorization";
	if (!req || !req->req)
		return SIP_DIGEST_BAD;
	char method[32];
	if (sip_pl_copy(&req->method_str, method, sizeof(method)))
		return SIP_DIGEST_BAD;
	/* one set of credentials per realm; the others are for proxies */
	for (unsigned i = 0; i < req->nhdr; i++) {
		const struct sip_hdr *h = &req->hdr[i];
		if (!sip_pl_casecmp(&h->name, name))
			continue;
		enum sip_digest_result r = sip_digest_server_verify(
			s, now, h->val.p, h->val.l, method, &req->ruri_str,
			realm, lookup, arg, user, user_size);
		if (r != SIP_DIGEST_NONE)
			return r;
	}
	return SIP_DIGEST_NONE;
}
