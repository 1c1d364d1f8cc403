/*
 * fuzz_route_file: the route file (gateway/route_file.c) against a fixed
 * configuration (one span group, two trunks), then a few lookups through
 * the table it built (regex matches, rewrites, time windows).
 */
#include <stdio.h>
#include <string.h>

#include "gateway/cfg.h"
#include "gateway/route.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_cfg cfg;
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;

	if (!size)
		return 0;
	memset(&cfg, 0, sizeof(cfg));
	cfg.nspans = 1;
	strcpy(cfg.spans[0].group, "pri");
	cfg.ntrunks = 2;
	strcpy(cfg.trunks[0].name, "carrier");
	strcpy(cfg.trunks[1].name, "backup");
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return 0;
	int err = gw_route_table_load_stream(&cfg, f, "routes.conf", &t, &errs);

	fclose(f);
	sink += errs.count;
	cfg_errors_release(&errs);
	if (err)
		return 0;
	static const char *const nums[] = { "5551234", "+4930123456", "",
					    "00493012345678901234567890" };
	for (unsigned i = 0; i < 8; i++) {
		struct gw_route_query q = {
			.side = i & 1 ? CFG_FROM_SIP : CFG_FROM_PSTN,
			.group = i & 1 ? NULL : "pri",
			.trunk = i & 1 ? "carrier" : NULL,
			.called = nums[i % 4],
			.calling = nums[(i + 1) % 4],
			.wday = (int)(i % 7),
			.minute = i * 200,
		};
		struct gw_route_result res;

		if (!gw_route_match(t, &q, &res))
			sink += strlen(res.called) + strlen(res.calling);
	}
	gw_route_table_unref(t);
	return 0;
}
