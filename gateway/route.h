#pragma once
/*
 * Routing: the first [route] of the configuration, in file order, whose
 * source and called-number prefix match; it rewrites the called number
 * (strip leading digits, then add a prefix) and names a target.
 */
#include <stddef.h>

#include "gateway/cfg.h"

struct gw_route_result {
	const struct cfg_route *route;
	char called[64]; /* rewritten */
};

/* 0, or ENOENT when no route matches (and res is untouched). */
int gw_route_lookup(const struct gw_cfg *cfg, int from, const char *called,
		    struct gw_route_result *res);
