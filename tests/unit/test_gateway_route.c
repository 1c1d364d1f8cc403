/* gateway/route.c: first match in file order, prefix, rewrite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/route.h"

static struct gw_cfg cfg;

static void add(int from, const char *prefix, unsigned strip, const char *addv,
		const char *name)
{
	struct cfg_route *r = &cfg.routes[cfg.nroutes++];

	memset(r, 0, sizeof(*r));
	r->from = from;
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	r->strip = strip;
	snprintf(r->add, sizeof(r->add), "%s", addv);
	snprintf(r->name, sizeof(r->name), "%s", name);
}

static int setup(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	add(CFG_FROM_PSTN, "5551", 4, "", "fax");
	add(CFG_FROM_PSTN, "555", 0, "+1", "e164");
	add(CFG_FROM_SIP, "", 1, "", "all-sip");
	return 0;
}

static void first_match_wins(void **state)
{
	struct gw_route_result r;

	assert_int_equal(gw_route_lookup(&cfg, CFG_FROM_PSTN, "5551000", &r),
			 0);
	assert_string_equal(r.route->name, "fax");
	assert_string_equal(r.called, "000");
	assert_int_equal(gw_route_lookup(&cfg, CFG_FROM_PSTN, "5552000", &r),
			 0);
	assert_string_equal(r.route->name, "e164");
	assert_string_equal(r.called, "+15552000");
}

static void source_must_match(void **state)
{
	struct gw_route_result r;

	assert_int_equal(gw_route_lookup(&cfg, CFG_FROM_PSTN, "4441000", &r),
			 ENOENT);
	assert_int_equal(gw_route_lookup(&cfg, CFG_FROM_SIP, "5551000", &r), 0);
	assert_string_equal(r.route->name, "all-sip");
	assert_string_equal(r.called, "551000");
}

static void strip_longer_than_number(void **state)
{
	struct gw_route_result r;

	assert_int_equal(gw_route_lookup(&cfg, CFG_FROM_PSTN, "5551", &r), 0);
	assert_string_equal(r.called, "");
}

static void prefix_longer_than_number(void **state)
{
	struct gw_route_result r;

	assert_int_equal(gw_route_lookup(&cfg, CFG_FROM_PSTN, "55", &r),
			 ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(first_match_wins, setup),
		cmocka_unit_test_setup(source_must_match, setup),
		cmocka_unit_test_setup(strip_longer_than_number, setup),
		cmocka_unit_test_setup(prefix_longer_than_number, setup),
	};

	return cmocka_run_group_tests_name("gateway_route", tests, NULL, NULL);
}
