/*
 * Access control building blocks (see access.h): prefix lists and the
 * fixed-size per-source table behind rate limits and temporary blocks.
 * No I/O, no clock: the caller passes the time, so tests run it in
 * virtual time.
 */
#include "gateway/access.h"
#include "gateway/cfg.h"
#include "sip/sip.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- addresses ---- */

/* The family (4 or 6) and address bytes of sa; IPv4-mapped IPv6 as IPv4
 * (dual-stack sockets report IPv4 peers that way). 0 for other families. */
static int sa_bytes(const struct sockaddr *sa, uint8_t out[16])
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0,    0,
					    0, 0, 0, 0, 0xff, 0xff };

	if (sa->sa_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 4;
	}
	if (sa->sa_family == AF_INET6) {
		const uint8_t *a =
			((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;

		if (!memcmp(a, mapped, sizeof(mapped))) {
			memcpy(out, a + 12, 4);
			return 4;
		}
		memcpy(out, a, 16);
		return 6;
	}
	return 0;
}

const char *gw_access_ip_str(const struct sockaddr *sa, char *buf, size_t size)
{
	uint8_t a[16];
	int fam = sa_bytes(sa, a);

	if (!fam ||
	    !inet_ntop(fam == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

int gw_access_ip_parse(struct sockaddr_storage *ss, const char *ip)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

/* ---- source identification ---- */

static bool same_host_port(const struct cfg_trunk *t,
			   const struct sip_addr *src)
{
	struct sockaddr_storage ss;
	uint8_t a[16], b[16];
	unsigned port;
	int fa, fb;

	if (gw_access_ip_parse(&ss, t->host))
		return false;
	fa = sa_bytes((const struct sockaddr *)&ss, a);
	fb = sa_bytes((const struct sockaddr *)&src->ss, b);
	if (!fa || fa != fb || memcmp(a, b, fa == 4 ? 4 : 16))
		return false;
	port = src->ss.ss_family == AF_INET
		       ? ntohs(((const struct sockaddr_in *)&src->ss)->sin_port)
		       : ntohs(((const struct sockaddr_in6 *)&src->ss)
				       ->sin6_port);
	return port == t->port;
}

const struct cfg_trunk *gw_access_trunk_of(const struct gw_cfg *cfg,
					   const struct sip_addr *src)
{
	const struct cfg_trunk *first = NULL;

	if (!src)
		return NULL;
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		const struct cfg_trunk *t = &cfg->trunks[i];

		if (!gw_acl_match(&t->acl, (const struct sockaddr *)&src->ss))
			continue;
		if (same_host_port(t, src))
			return t;
		if (!first)
			first = t;
	}
	return first;
}

bool gw_access_exempt(const struct gw_cfg *cfg, const struct sip_addr *src)
{
	if (!cfg->exempt_trunks)
		return false;
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		const struct cfg_trunk *t = &cfg->trunks[i];

		if (!gw_acl_open(&t->acl) &&
		    gw_acl_match(&t->acl, (const struct sockaddr *)&src->ss))
			return true;
	}
	return false;
}

/* ---- ACLs ---- */

static int cidr_parse(struct gw_cidr *c, const char *tok, char *why, size_t n)
{
	char ip[64];
	const char *slash = strchr(tok, '/');
	size_t l = slash ? (size_t)(slash - tok) : strlen(tok);
	unsigned long bits;

	if (l == 0 || l >= sizeof(ip)) {
		snprintf(why, n, "'%s': expected an address or prefix", tok);
		return -1;
	}
	memcpy(ip, tok, l);
	ip[l] = '\0';
	memset(c, 0, sizeof(*c));
	if (inet_pton(AF_INET, ip, c->addr) == 1)
		c->fam = 4;
	else if (inet_pton(AF_INET6, ip, c->addr) == 1)
		c->fam = 6;
	else {
		snprintf(why, n, "'%s' is not an IPv4 or IPv6 address", ip);
		return -1;
	}
	unsigned max = c->fam == 4 ? 32 : 128;

	bits = max;
	if (slash) {
		char *end;

		errno = 0;
		bits = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || errno || bits > max) {
			snprintf(why, n, "'%s': prefix length 0..%u", tok, max);
			return -1;
		}
	}
	c->bits = (uint8_t)bits;
	/* host bits must be zero: 192.0.2.7/24 is most likely a typo */
	for (unsigned i = c->bits; i < max; i++)
		if (c->addr[i / 8] & (0x80 >> (i % 8))) {
			snprintf(why, n, "'%s': host bits set after /%u", tok,
				 c->bits);
			return -1;
		}
	return 0;
}

int gw_acl_parse(struct gw_acl *acl, const char *text, char *why, size_t n)
{
	char buf[512], *save = NULL;

	memset(acl, 0, sizeof(*acl));
	if (strlen(text) >= sizeof(buf)) {
		snprintf(why, n, "list too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", text);
	for (char *tok = strtok_r(buf, ", \t", &save); tok;
	     tok = strtok_r(NULL, ", \t", &save)) {
		if (!strcmp(tok, "any")) {
			if (acl->n + 2 > GW_ACL_MAX)
				goto full;
			acl->e[acl->n++] = (struct gw_cidr){ .fam = 4 };
			acl->e[acl->n++] = (struct gw_cidr){ .fam = 6 };
			continue;
		}
		if (acl->n == GW_ACL_MAX)
			goto full;
		if (cidr_parse(&acl->e[acl->n], tok, why, n))
			return -1;
		acl->n++;
	}
	if (!acl->n) {
		snprintf(why, n,
			 "empty list (expected addresses, prefixes or any)");
		return -1;
	}
	return 0;
full:
	snprintf(why, n, "more than %d entries", GW_ACL_MAX);
	return -1;
}

int gw_acl_host(struct gw_acl *acl, const char *ip)
{
	char why[96];

	return gw_acl_parse(acl, ip, why, sizeof(why));
}

static bool cidr_match(const struct gw_cidr *c, int fam, const uint8_t *a)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;

	if (c->fam != fam || memcmp(c->addr, a, full))
		return false;
	if (!rest)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	return (c->addr[full] & mask) == (a[full] & mask);
}

bool gw_acl_match(const struct gw_acl *acl, const struct sockaddr *sa)
{
	uint8_t a[16];
	int fam = sa_bytes(sa, a);

	for (unsigned i = 0; fam && i < acl->n; i++)
		if (cidr_match(&acl->e[i], fam, a))
			return true;
	return false;
}

bool gw_acl_open(const struct gw_acl *acl)
{
	for (unsigned i = 0; i < acl->n; i++)
		if (acl->e[i].bits < (acl->e[i].fam == 4 ? 32 : 128))
			return true;
	return false;
}

/* ---- the per-source table ---- */

int gw_guard_init(struct gw_guard *g, const struct gw_guard_cfg *cfg)
{
	memset(g, 0, sizeof(*g));
	g->cfg = *cfg;
	g->tab = calloc((size_t)GW_GUARD_SETS * GW_GUARD_WAYS, sizeof(*g->tab));
	return g->tab ? 0 : ENOMEM;
}

void gw_guard_release(struct gw_guard *g)
{
	free(g->tab);
	g->tab = NULL;
}

int gw_access_key(const struct sockaddr *sa, uint8_t key[17])
{
	memset(key, 0, 17);
	int fam = sa_bytes(sa, key + 1);

	key[0] = (uint8_t)fam;
	return fam;
}

/* FNV-1a: cheap, and the set index only spreads sources; an attacker
 * crowding one set evicts only the unblocked sources of that set */
static unsigned key_set(const uint8_t key[17])
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % GW_GUARD_SETS;
}

static bool is_blocked(const struct gw_guard_src *s, uint64_t now)
{
	return s->blocked_until && s->blocked_until > now;
}

/* The source's entry, made (evicting the least recently seen unblocked
 * one, or the block ending first) when create; NULL if absent. */
static struct gw_guard_src *lookup(struct gw_guard *g,
				   const struct sockaddr *sa, uint64_t now,
				   bool create, unsigned burst)
{
	uint8_t key[17];

	if (!gw_access_key(sa, key))
		return NULL;
	struct gw_guard_src *set = &g->tab[key_set(key) * GW_GUARD_WAYS];
	struct gw_guard_src *victim = NULL;

	for (int i = 0; i < GW_GUARD_WAYS; i++) {
		struct gw_guard_src *s = &set[i];

		if (s->key[0] && !memcmp(s->key, key, sizeof(key)))
			return s;
	}
	if (!create)
		return NULL;
	for (int i = 0; i < GW_GUARD_WAYS; i++) {
		struct gw_guard_src *s = &set[i];

		if (!s->key[0]) {
			victim = s;
			break;
		}
		bool sb = is_blocked(s, now);

		if (!victim) {
			victim = s;
			continue;
		}
		bool vb = is_blocked(victim, now);

		if ((vb && !sb) ||
		    (vb == sb && (sb ? s->blocked_until < victim->blocked_until
				     : s->last_ms < victim->last_ms)))
			victim = s;
	}
	if (victim->key[0])
		g->evictions++;
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->key, key, sizeof(key));
	victim->tokens_m = burst * 1000u;
	victim->last_ms = now;
	victim->win_start_ms = now;
	return victim;
}

static void start_block(struct gw_guard *g, struct gw_guard_src *s,
			uint64_t now)
{
	s->blocked_until = now + (uint64_t)g->cfg.block_s * 1000;
	s->nfail = 0;
	g->blocks_started++;
	g->changes++;
}

enum gw_guard_verdict
gw_guard_packet(struct gw_guard *g, const struct sockaddr *sa, uint64_t now_ms)
{
	return gw_guard_packet_rate(g, sa, now_ms, g->cfg.rate, g->cfg.burst);
}

enum gw_guard_verdict gw_guard_packet_rate(struct gw_guard *g,
					   const struct sockaddr *sa,
					   uint64_t now_ms, unsigned rate,
					   unsigned burst)
{
	struct gw_guard_src *s;

	if (!rate) {
		/* no rate limit: only blocks from failures matter, and those
		 * sources have an entry already */
		s = lookup(g, sa, now_ms, false, burst);
		return s && is_blocked(s, now_ms) ? GW_GUARD_BLOCKED
						  : GW_GUARD_PASS;
	}
	s = lookup(g, sa, now_ms, true, burst);
	if (!s)
		return GW_GUARD_PASS; /* not IP: nothing to key on */
	if (is_blocked(s, now_ms))
		return GW_GUARD_BLOCKED;
	if (s->blocked_until) { /* a block ran out: a full bucket again */
		s->blocked_until = 0;
		s->tokens_m = burst * 1000u;
		s->last_ms = now_ms;
	}
	uint64_t add = (now_ms - s->last_ms) * rate;
	uint64_t t = s->tokens_m + add;
	uint64_t cap = (uint64_t)burst * 1000u;

	s->tokens_m = (uint32_t)(t > cap ? cap : t);
	s->last_ms = now_ms;
	if (s->tokens_m >= 1000) {
		s->tokens_m -= 1000;
		return GW_GUARD_PASS;
	}
	if (g->cfg.block_s)
		start_block(g, s, now_ms);
	return GW_GUARD_RATE;
}

int gw_guard_block(struct gw_guard *g, const struct sockaddr *sa,
		   uint64_t now_ms, uint64_t until_ms)
{
	if (until_ms <= now_ms)
		return EINVAL;
	struct gw_guard_src *s = lookup(g, sa, now_ms, true, g->cfg.burst);

	if (!s)
		return EINVAL;
	s->blocked_until = until_ms;
	s->nfail = 0;
	g->changes++;
	return 0;
}

bool gw_guard_blocked(struct gw_guard *g, const struct sockaddr *sa,
		      uint64_t now_ms)
{
	struct gw_guard_src *s = lookup(g, sa, now_ms, false, g->cfg.burst);

	return s && is_blocked(s, now_ms);
}

bool gw_guard_failure(struct gw_guard *g, const struct sockaddr *sa,
		      uint64_t now_ms)
{
	if (!g->cfg.failures || !g->cfg.block_s)
		return false;
	struct gw_guard_src *s = lookup(g, sa, now_ms, true, g->cfg.burst);

	if (!s || is_blocked(s, now_ms))
		return false;
	if (now_ms - s->win_start_ms >= (uint64_t)g->cfg.window_s * 1000) {
		s->win_start_ms = now_ms;
		s->nfail = 0;
	}
	if (++s->nfail < g->cfg.failures)
		return false;
	start_block(g, s, now_ms);
	return true;
}

int gw_guard_unblock(struct gw_guard *g, const struct sockaddr *sa,
		     uint64_t now_ms)
{
	struct gw_guard_src *s = lookup(g, sa, now_ms, false, g->cfg.burst);

	if (!s || !is_blocked(s, now_ms))
		return ENOENT;
	s->blocked_until = 0;
	s->nfail = 0;
	s->tokens_m = g->cfg.burst * 1000u;
	s->last_ms = now_ms;
	g->changes++;
	return 0;
}

static const char *key_str(const uint8_t key[17], char *buf, size_t size)
{
	if (!inet_ntop(key[0] == 4 ? AF_INET : AF_INET6, key + 1, buf,
		       (socklen_t)size))
		snprintf(buf, size, "?");
	return buf;
}

unsigned gw_guard_list(struct gw_guard *g, uint64_t now_ms, char *buf,
		       size_t size)
{
	unsigned n = 0;
	size_t len = 0;

	if (size)
		buf[0] = '\0';
	for (size_t i = 0; i < (size_t)GW_GUARD_SETS * GW_GUARD_WAYS; i++) {
		const struct gw_guard_src *s = &g->tab[i];
		char ip[INET6_ADDRSTRLEN];

		if (!s->key[0] || !is_blocked(s, now_ms))
			continue;
		n++;
		if (len < size) {
			int w = snprintf(
				buf + len, size - len, "%s %llu\n",
				key_str(s->key, ip, sizeof(ip)),
				(unsigned long long)((s->blocked_until -
						      now_ms + 999) /
						     1000));
			len += w > 0 ? (size_t)w : 0;
		}
	}
	return n;
}

/* the key back into an address (port 0) */
static void key_sa(const uint8_t key[17], struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (key[0] == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, key + 1, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, key + 1, 16);
	}
}

unsigned gw_guard_each_blocked(struct gw_guard *g, uint64_t now_ms,
			       void (*fn)(void *arg, const struct sockaddr *sa,
					  uint64_t until_ms),
			       void *arg)
{
	unsigned n = 0;

	for (size_t i = 0; i < (size_t)GW_GUARD_SETS * GW_GUARD_WAYS; i++) {
		const struct gw_guard_src *s = &g->tab[i];
		struct sockaddr_storage ss;

		if (!s->key[0] || !is_blocked(s, now_ms))
			continue;
		key_sa(s->key, &ss);
		fn(arg, (const struct sockaddr *)&ss, s->blocked_until);
		n++;
	}
	return n;
}

unsigned gw_guard_nblocked(struct gw_guard *g, uint64_t now_ms)
{
	unsigned n = 0;

	for (size_t i = 0; i < (size_t)GW_GUARD_SETS * GW_GUARD_WAYS; i++)
		if (g->tab[i].key[0] && is_blocked(&g->tab[i], now_ms))
			n++;
	g->nblocked = n;
	return n;
}
