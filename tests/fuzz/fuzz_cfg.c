/*
 * fuzz_cfg: the configuration parser (gateway/cfg*.c: libinih with the
 * line-counting reader, the option table, the cross-section checks) on
 * the input as a pstngw.conf, then the route table its [route] sections
 * (or route_file) build.
 */
#include <stdio.h>

#include "gateway/cfg.h"
#include "gateway/route.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gw_cfg cfg;
	struct cfg_errors errs = { 0 };

	if (!size)
		return 0;
	FILE *f = fmemopen((void *)data, size, "r");

	if (!f)
		return 0;
	int err = cfg_load_stream(&cfg, f, "fuzz.conf", &errs);

	fclose(f);
	sink += errs.count + errs.len;
	cfg_errors_release(&errs);
	if (!err) {
		struct gw_route_table *t = NULL;
		struct cfg_errors rerrs = { 0 };

		/* a relative route_file is looked for beside this (absent) */
		if (!gw_route_table_build(&cfg, "/nonexistent/fuzz.conf", &t,
					  &rerrs))
			gw_route_table_unref(t);
		cfg_errors_release(&rerrs);
	}
	return 0;
}
