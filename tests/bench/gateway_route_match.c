/* BENCH gateway_route_match_us: one route lookup in a table of 1000 rules
 * (half prefixes, half regular expressions) whose last rule matches, the
 * worst case of the linear scan; sizes the setup-time cost of a big
 * route file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/route.h"
#include "tests/bench/bench.h"

#define RULES 1000
#define LOOKUPS 2000
#define ROUNDS 5

int main(void)
{
	static struct gw_cfg cfg;
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	size_t cap = (size_t)RULES * 96 + 64, len = 0;
	char *text = malloc(cap);
	double best = 1e9;

	if (!text)
		return 1;
	cfg.ntrunks = 1;
	strcpy(cfg.trunks[0].name, "t");
	for (int i = 0; i < RULES - 1; i++)
		len += (size_t)snprintf(
			text + len, cap - len,
			i % 2 ? "[route r%d]\ncalled = %d\ntarget = trunk t\n"
			      : "[route r%d]\ncalled = ~^%d[0-9]{4}$\n"
				"target = trunk t\n",
			i, 100000 + i);
	len += (size_t)snprintf(text + len, cap - len,
				"[route last]\ncalled = ~^9(.*)$\n"
				"called_out = +1\\1\ntarget = trunk t\n");
	FILE *f = fmemopen(text, len, "r");

	if (!f || gw_route_table_load_stream(&cfg, f, "bench", &t, &errs)) {
		fprintf(stderr, "%s", errs.text ? errs.text : "load failed\n");
		return 1;
	}
	fclose(f);
	struct gw_route_query q = { .side = CFG_FROM_PSTN,
				    .called = "95551234",
				    .calling = "2125550100" };
	struct gw_route_result r;

	for (int k = 0; k < ROUNDS; k++) {
		double t0 = bench_cpu_now();

		for (int i = 0; i < LOOKUPS; i++)
			if (gw_route_match(t, &q, &r) ||
			    strcmp(r.rule->name, "last"))
				return 1;
		double dt = bench_cpu_now() - t0;

		if (dt < best)
			best = dt;
	}
	printf("BENCH gateway_route_match_us %.2f us\n", best / LOOKUPS * 1e6);
	gw_route_table_unref(t);
	cfg_errors_release(&errs);
	free(text);
	return 0;
}
