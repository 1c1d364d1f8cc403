/* gateway/route.c: first match in file order, sources, prefixes and
 * regular expressions, rewrites with captures, time windows with an
 * injected clock, failover causes both ways, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/route.h"

static struct gw_cfg cfg;

/* A table from route-file text (the parser has its own tests). */
static struct gw_route_table *table(const char *text)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	int rc = gw_route_table_load_stream(&cfg, f, "r.conf", &t, &errs);

	if (rc)
		print_error("%s", errs.text ? errs.text : "?");
	assert_int_equal(rc, 0);
	fclose(f);
	cfg_errors_release(&errs);
	return t;
}

static int setup(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.nspans = 2;
	strcpy(cfg.spans[0].group, "pri");
	strcpy(cfg.spans[1].group, "pri2");
	cfg.ntrunks = 3;
	strcpy(cfg.trunks[0].name, "fax");
	strcpy(cfg.trunks[1].name, "carrier");
	strcpy(cfg.trunks[2].name, "backup");
	return 0;
}

static struct gw_route_query q_pstn(const char *group, const char *called,
				    const char *calling)
{
	return (struct gw_route_query){ .side = CFG_FROM_PSTN,
					.group = group,
					.called = called,
					.calling = calling,
					.wday = 3,
					.minute = 600 };
}

static void first_match_wins_and_prefix_rewrites(void **state)
{
	struct gw_route_table *t = table("[route fax]\n"
					 "called = 5551\n"
					 "strip = 4\n"
					 "target = trunk fax\n"
					 "[route e164]\n"
					 "from = pstn\n"
					 "called = 555\n"
					 "add = +1\n"
					 "target = trunk carrier\n"
					 "[route all-sip]\n"
					 "from = sip\n"
					 "strip = 1\n"
					 "target = group pri\n");
	struct gw_route_result r;
	struct gw_route_query q = q_pstn("pri", "5551000", "");

	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "fax");
	assert_string_equal(r.called, "000");
	q.called = "5552000";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "e164");
	assert_string_equal(r.called, "+15552000");
	q.called = "4441000";
	assert_int_equal(gw_route_match(t, &q, &r), ENOENT);
	q.side = CFG_FROM_SIP;
	q.called = "5551000";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "fax"); /* from = any */
	q.called = "7001000";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "all-sip");
	assert_string_equal(r.called, "001000");
	gw_route_table_unref(t);
}

static void source_group_and_trunk(void **state)
{
	struct gw_route_table *t = table("[route g2]\n"
					 "from = group pri2\n"
					 "target = trunk backup\n"
					 "[route fromfax]\n"
					 "from = trunk fax\n"
					 "target = group pri\n"
					 "[route rest]\n"
					 "from = pstn\n"
					 "target = trunk carrier\n");
	struct gw_route_result r;
	struct gw_route_query q = q_pstn("pri2", "1", "");

	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "g2");
	q.group = "pri";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "rest");
	q.group = NULL;
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "rest");
	q.side = CFG_FROM_SIP;
	q.trunk = "carrier";
	assert_int_equal(gw_route_match(t, &q, &r), ENOENT);
	q.trunk = "fax";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "fromfax");
	gw_route_table_unref(t);
}

static void regex_captures_rewrite_both_numbers(void **state)
{
	struct gw_route_table *t = table("[route intl]\n"
					 "called = ~^00([1-9][0-9]*)$\n"
					 "calling = ~^0([1-9][0-9]+)$\n"
					 "called_out = +\\1\n"
					 "calling_out = +49\\1\n"
					 "target = trunk carrier\n"
					 "[route national]\n"
					 "called = ~^0(1)(5)(5)([0-9]{4})$\n"
					 "called_out = \\4-\\3\\2\\1-\\0\n"
					 "target = trunk carrier\n");
	struct gw_route_result r;
	struct gw_route_query q = q_pstn("pri", "0033123456", "030123");

	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "intl");
	assert_string_equal(r.called, "+33123456");
	assert_string_equal(r.calling, "+4930123");
	/* the calling condition fails: the next rule, calling unchanged */
	q.called = "01551234";
	q.calling = "anonymous";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "national");
	assert_string_equal(r.called, "1234-551-01551234");
	assert_string_equal(r.calling, "anonymous");
	q.called = "0033";
	q.calling = "x";
	assert_int_equal(gw_route_match(t, &q, &r), ENOENT);
	gw_route_table_unref(t);
}

static void prefix_capture_is_the_rest(void **state)
{
	struct gw_route_table *t = table("[route p]\n"
					 "called = 9\n"
					 "called_out = 0\\1\n"
					 "target = trunk carrier\n");
	struct gw_route_result r;
	struct gw_route_query q = q_pstn("pri", "9123", "");

	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.called, "0123");
	gw_route_table_unref(t);
}

static void rewrite_too_long_skips_the_rule(void **state)
{
	struct gw_route_table *t = table("[route long]\n"
					 "called = ~^(.*)$\n"
					 "called_out = \\1\\1\\1\n"
					 "target = trunk carrier\n"
					 "[route short]\n"
					 "target = trunk backup\n");
	struct gw_route_result r;
	char num[40];
	struct gw_route_query q = q_pstn("pri", num, "");

	memset(num, '7', sizeof(num) - 1);
	num[sizeof(num) - 1] = '\0';
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "short");
	assert_string_equal(r.called, num);
	gw_route_table_unref(t);
}

static void expand_templates(void **state)
{
	regmatch_t m[3] = { { 0, 5 }, { 1, 3 }, { -1, -1 } };
	char out[8];

	assert_int_equal(gw_route_expand("a\\1b\\2c\\9", "01234", m, 3, out,
					 sizeof(out)),
			 0);
	assert_string_equal(out, "a12bc");
	assert_int_equal(
		gw_route_expand("\\0\\0", "01234", m, 3, out, sizeof(out)),
		ENOSPC);
	assert_int_equal(
		gw_route_expand("x\\", "01234", m, 3, out, sizeof(out)), 0);
	assert_string_equal(out, "x\\");
}

static void time_of_day_and_weekdays(void **state)
{
	struct gw_route_table *t = table("[route office]\n"
					 "time = 08:00-18:00\n"
					 "days = mon-fri\n"
					 "target = trunk carrier\n"
					 "[route night]\n"
					 "time = 22:00-06:00\n"
					 "days = fri\n"
					 "target = trunk backup\n"
					 "[route weekend]\n"
					 "days = sat,sun\n"
					 "target = trunk fax\n"
					 "[route other]\n"
					 "target = group pri\n");
	struct gw_route_result r;
	struct gw_route_query q = q_pstn("pri", "1", "");

	q.wday = 3; /* Wednesday 10:00 */
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "office");
	q.minute = 18 * 60; /* the end is outside */
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "other");
	q.minute = 8 * 60; /* the start inside */
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "office");
	q.wday = 5; /* Friday 23:00 */
	q.minute = 23 * 60;
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "night");
	q.wday = 6; /* Saturday 02:00: still Friday's night */
	q.minute = 120;
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "night");
	q.wday = 5; /* Friday 02:00: Thursday's night, not a Friday one */
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "other");
	q.wday = 0; /* Sunday noon */
	q.minute = 720;
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "weekend");
	gw_route_table_unref(t);
}

static void when_from_unix_time(void **state)
{
	struct gw_route_query q = { 0 };

	setenv("TZ", "UTC", 1);
	tzset();
	gw_route_when(1764081000LL, &q); /* 2025-11-25 14:30 UTC, a Tuesday */
	assert_int_equal(q.wday, 2);
	assert_int_equal(q.minute, 14 * 60 + 30);
}

static void failover_causes_map_both_ways(void **state)
{
	struct gw_route_table *t = table("[route a]\n"
					 "target = trunk carrier\n"
					 "alternative = trunk backup\n"
					 "failover = 503\n"
					 "[route b]\n"
					 "called = 1\n"
					 "target = trunk carrier\n"
					 "failover = 34, 486\n"
					 "[route c]\n"
					 "target = trunk carrier\n");
	const struct gw_route_rule *a = &t->rules[0], *b = &t->rules[1],
				   *c = &t->rules[2];

	assert_int_equal(a->ntargets, 2);
	assert_true(gw_route_fails_over(a, 503, 0));
	assert_true(gw_route_fails_over(a, 0, 34)); /* 34 -> 503 */
	assert_false(gw_route_fails_over(a, 486, 17));
	assert_false(gw_route_fails_over(a, 0, 16));
	assert_true(gw_route_fails_over(b, 0, 34));
	assert_true(gw_route_fails_over(b, 503, 0)); /* 503 is 34's status */
	assert_true(gw_route_fails_over(b, 486, 0));
	assert_true(gw_route_fails_over(b, 0, 17)); /* 17 -> 486 */
	assert_false(gw_route_fails_over(b, 404, 1));
	assert_false(gw_route_fails_over(c, 503, 34));
	gw_route_table_unref(t);
}

static void limits_by_kind_and_name(void **state)
{
	struct gw_route_table *t = table("[limits]\n"
					 "trunk carrier = 2\n"
					 "group pri = 23\n"
					 "[route a]\n"
					 "target = trunk carrier\n");

	assert_int_equal(gw_route_limit(t, CFG_TARGET_TRUNK, "carrier"), 2);
	assert_int_equal(gw_route_limit(t, CFG_TARGET_GROUP, "pri"), 23);
	assert_int_equal(gw_route_limit(t, CFG_TARGET_GROUP, "carrier"), 0);
	assert_int_equal(gw_route_limit(t, CFG_TARGET_TRUNK, "backup"), 0);
	assert_int_equal(gw_route_limit(NULL, CFG_TARGET_TRUNK, "x"), 0);
	gw_route_table_unref(t);
}

static void flags_and_defaults(void **state)
{
	struct gw_route_table *t = table("[route fax]\n"
					 "called = 5559\n"
					 "fax = yes\n"
					 "refuse_cause = 41\n"
					 "from = group pri\n"
					 "busy_out = yes\n"
					 "target = trunk fax\n"
					 "[route plain]\n"
					 "target = trunk carrier\n");

	assert_true(t->rules[0].fax);
	assert_true(t->rules[0].busy_out);
	assert_int_equal(t->rules[0].refuse_cause, 41);
	assert_false(t->rules[1].fax);
	assert_false(t->rules[1].busy_out);
	assert_int_equal(t->rules[1].refuse_cause, 34);
	assert_int_equal(t->rules[1].src, GW_SRC_ANY);
	/* a reference keeps the table alive */
	assert_ptr_equal(gw_route_table_ref(t), t);
	gw_route_table_unref(t);
	assert_int_equal(t->refs, 1);
	gw_route_table_unref(t);
	gw_route_table_unref(NULL);
}

static void names(void **state)
{
	assert_string_equal(gw_route_src_name(GW_SRC_GROUP), "group");
	assert_string_equal(gw_route_src_name(99), "?");
	assert_string_equal(gw_route_kind_name(CFG_TARGET_TRUNK), "trunk");
	assert_string_equal(gw_route_kind_name(CFG_TARGET_GROUP), "group");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(first_match_wins_and_prefix_rewrites,
				       setup),
		cmocka_unit_test_setup(source_group_and_trunk, setup),
		cmocka_unit_test_setup(regex_captures_rewrite_both_numbers,
				       setup),
		cmocka_unit_test_setup(prefix_capture_is_the_rest, setup),
		cmocka_unit_test_setup(rewrite_too_long_skips_the_rule, setup),
		cmocka_unit_test(expand_templates),
		cmocka_unit_test_setup(time_of_day_and_weekdays, setup),
		cmocka_unit_test(when_from_unix_time),
		cmocka_unit_test_setup(failover_causes_map_both_ways, setup),
		cmocka_unit_test_setup(limits_by_kind_and_name, setup),
		cmocka_unit_test_setup(flags_and_defaults, setup),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
