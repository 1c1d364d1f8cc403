/*
 * Per-source policy (see access.h): which rate limits apply to a source
 * (its trunk's overrides, else [security]'s), a small cache of them by
 * source, and whether a source may speak in a dialog set up with another
 * peer. Pure functions of the configuration: no I/O, no clock.
 */
#include "gateway/access.h"
#include "gateway/cfg.h"
#include "sip/sip.h"

#include <string.h>

void gw_access_policy_of(const struct gw_cfg *cfg, const struct sip_addr *src,
			 struct gw_access_policy *p)
{
	const struct cfg_trunk *t = gw_access_trunk_of(cfg, src);

	p->rate = cfg->guard.rate;
	p->burst = cfg->guard.burst;
	p->exempt = gw_access_exempt(cfg, src);
	if (!t)
		return;
	if (t->rate_limit >= 0)
		p->rate = (unsigned)t->rate_limit;
	if (t->rate_burst >= 0)
		p->burst = (unsigned)t->rate_burst;
	if (t->exempt >= 0) /* the trunk's word wins over exempt_trunks */
		p->exempt = t->exempt;
}

void gw_policy_cache_flush(struct gw_policy_cache *pc)
{
	/* generation 0 never matches: entries start zeroed */
	if (++pc->gen == 0)
		pc->gen = 1;
}

static unsigned slot_of(const uint8_t key[17])
{
	uint32_t h = 2166136261u; /* FNV-1a, as the guard's table */

	for (int i = 0; i < 17; i++)
		h = (h ^ key[i]) * 16777619u;
	return h % GW_POLICY_CACHE;
}

const struct gw_access_policy *gw_policy_cache_get(struct gw_policy_cache *pc,
						   const struct gw_cfg *cfg,
						   const struct sip_addr *src)
{
	uint8_t key[17];

	if (!pc->gen)
		pc->gen = 1;
	if (!gw_access_key((const struct sockaddr *)&src->ss, key))
		key[0] = 0xff; /* not IP: one shared slot, still correct */
	unsigned i = slot_of(key);

	if (pc->e[i].gen == pc->gen && !memcmp(pc->e[i].key, key, 17)) {
		pc->hits++;
		return &pc->e[i].p;
	}
	pc->misses++;
	memcpy(pc->e[i].key, key, 17);
	pc->e[i].gen = pc->gen;
	gw_access_policy_of(cfg, src, &pc->e[i].p);
	return &pc->e[i].p;
}

static bool same_ip(const struct sip_addr *a, const struct sip_addr *b)
{
	uint8_t ka[17], kb[17];

	return gw_access_key((const struct sockaddr *)&a->ss, ka) &&
	       gw_access_key((const struct sockaddr *)&b->ss, kb) &&
	       !memcmp(ka, kb, sizeof(ka));
}

bool gw_access_dialog_ok(const struct gw_cfg *cfg, const struct sip_addr *peer,
			 const struct sip_addr *src,
			 const struct cfg_trunk **trunk)
{
	const struct cfg_trunk *t = peer ? gw_access_trunk_of(cfg, peer) : NULL;

	*trunk = t;
	if (!peer || !src)
		return false;
	if (t) /* any host of the trunk, any port (TCP, a proxy farm) */
		return gw_acl_match(&t->acl, (const struct sockaddr *)&src->ss);
	return same_ip(peer, src);
}
