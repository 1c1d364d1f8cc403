/*
 * Route lookup. Linear in the number of routes, which is fine for the
 * hundreds a config file holds; the route-table issue brings indexes.
 */
#include "gateway/route.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int gw_route_lookup(const struct gw_cfg *cfg, int from, const char *called,
		    struct gw_route_result *res)
{
	size_t clen = strlen(called);

	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct cfg_route *r = &cfg->routes[i];
		size_t plen = strlen(r->prefix);
		size_t strip;

		if (r->from != from || plen > clen ||
		    strncmp(called, r->prefix, plen))
			continue;
		strip = r->strip < clen ? r->strip : clen;
		if (strlen(r->add) + clen - strip >= sizeof(res->called))
			continue; /* cannot be rewritten: not this route */
		snprintf(res->called, sizeof(res->called), "%s%s", r->add,
			 called + strip);
		res->route = r;
		return 0;
	}
	return ENOENT;
}
