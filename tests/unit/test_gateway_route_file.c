/* gateway/route_file.c: the route file's forms, its errors (file:line,
 * every one collected, the whole file refused), and the table built from
 * pstngw.conf's [route] sections when there is no route file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/route.h"

static struct gw_cfg cfg;

static int setup(void **state)
{
	memset(&cfg, 0, sizeof(cfg));
	cfg.nspans = 1;
	strcpy(cfg.spans[0].group, "pri");
	cfg.ntrunks = 2;
	strcpy(cfg.trunks[0].name, "carrier");
	strcpy(cfg.trunks[1].name, "backup");
	return 0;
}

/* Loads text; returns the rc, the errors in errs (caller releases). */
static int load(const char *text, struct gw_route_table **t,
		struct cfg_errors *errs)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	assert_non_null(f);
	int rc = gw_route_table_load_stream(&cfg, f, "routes.conf", t, errs);

	fclose(f);
	return rc;
}

/* The file is refused with exactly this one error line. */
static void refused(const char *text, const char *expect)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;

	assert_int_equal(load(text, &t, &errs), EINVAL);
	assert_null(t);
	assert_non_null(errs.text);
	if (strcmp(errs.text, expect))
		print_error("got:    %sexpect: %s", errs.text, expect);
	assert_string_equal(errs.text, expect);
	assert_int_equal(errs.count, 1);
	cfg_errors_release(&errs);
}

static void every_form_loads(void **state)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	const char *text = "# comment\n"
			   "; another\n"
			   "\n"
			   "[limits]\n"
			   "trunk carrier = 30\n"
			   "group pri = 23\n"
			   "\n"
			   "[route fax-dids]\n"
			   "  from = group pri  \n"
			   "called = ~^555(9[0-9]{3})$\n"
			   "calling = 212\n"
			   "called_out = +1555\\1\n"
			   "calling_out = +1\\0\n"
			   "time = 08:30-17:45\n"
			   "days = mon-wed,fri\n"
			   "target = trunk carrier\n"
			   "alternative = trunk backup\n"
			   "failover = 503, 34,408\n"
			   "fax = yes\n"
			   "refuse_cause = 41\n"
			   "busy_out = yes\n"
			   "[route out]\n"
			   "from = sip\n"
			   "called = +1\n"
			   "strip = 2\n"
			   "add = 1\n"
			   "target = group pri\n";

	assert_int_equal(load(text, &t, &errs), 0);
	assert_int_equal(errs.count, 0);
	assert_non_null(t);
	assert_int_equal(t->nrules, 2);
	assert_int_equal(t->nlimits, 2);
	const struct gw_route_rule *r = &t->rules[0];

	assert_string_equal(r->name, "fax-dids");
	assert_int_equal(r->line, 8);
	assert_int_equal(r->src, GW_SRC_GROUP);
	assert_string_equal(r->src_name, "pri");
	assert_true(r->called.is_re);
	assert_false(r->calling.is_re);
	assert_string_equal(r->calling.text, "212");
	assert_true(r->has_time);
	assert_int_equal(r->t_from, 8 * 60 + 30);
	assert_int_equal(r->t_to, 17 * 60 + 45);
	assert_int_equal(r->days,
			 (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5));
	assert_int_equal(r->ntargets, 2);
	assert_int_equal(r->targets[1].kind, CFG_TARGET_TRUNK);
	assert_string_equal(r->targets[1].name, "backup");
	assert_int_equal(r->nfailover, 3);
	assert_int_equal(r->failover[2], 408);
	assert_true(r->fax);
	assert_int_equal(r->refuse_cause, 41);
	assert_string_equal(t->file, "routes.conf");
	r = &t->rules[1];
	assert_int_equal(r->src, GW_SRC_SIP);
	assert_int_equal(r->strip, 2);
	assert_string_equal(r->add, "1");
	assert_int_equal(r->targets[0].kind, CFG_TARGET_GROUP);
	gw_route_table_unref(t);
}

static void wrapping_day_range(void **state)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;

	assert_int_equal(load("[route w]\ndays = fri-mon\n"
			      "target = trunk carrier\n",
			      &t, &errs),
			 0);
	assert_int_equal(t->rules[0].days,
			 (1u << 5) | (1u << 6) | (1u << 0) | (1u << 1));
	gw_route_table_unref(t);
}

static void bad_lines_name_file_and_line(void **state)
{
	refused("[route a]\ntarget = trunk nosuch\n",
		"routes.conf:2: target: no [trunk nosuch] in the configuration\n");
	refused("[route a]\ntarget = group nosuch\n",
		"routes.conf:2: target: no span in group 'nosuch'\n");
	refused("[route a]\ntarget = sip carrier\n",
		"routes.conf:2: target: expected 'trunk NAME' or 'group NAME', not 'sip carrier'\n");
	refused("[route a]\ncalled = ~^(12\ntarget = trunk carrier\n",
		"routes.conf:2: called: bad regular expression '^(12': Unmatched ( or \\(\n");
	refused("[route a]\ncalled = 12a\ntarget = trunk carrier\n",
		"routes.conf:2: called: '12a' is no number prefix (digits, +, *, #; ~REGEX for a regular expression)\n");
	refused("[route a]\nfrom = mars\ntarget = trunk carrier\n",
		"routes.conf:2: from: unknown source 'mars' (expected: any, pstn, sip, group NAME, trunk NAME)\n");
	refused("[route a]\ntime = 8-17\ntarget = trunk carrier\n",
		"routes.conf:2: time: expected HH:MM-HH:MM, not '8-17'\n");
	refused("[route a]\ntime = 08:00-25:00\ntarget = trunk carrier\n",
		"routes.conf:2: time: expected HH:MM-HH:MM, not '08:00-25:00'\n");
	refused("[route a]\ndays = mon-xyz\ntarget = trunk carrier\n",
		"routes.conf:2: days: expected days like mon-fri,sun, not 'mon-xyz'\n");
	refused("[route a]\ntarget = trunk carrier\nfailover = 503,200\n",
		"routes.conf:3: failover: '200' is neither a SIP status (300-699) nor a Q.850 cause (1-127)\n");
	refused("[route a]\ntarget = trunk carrier\nfax = maybe\n",
		"routes.conf:3: fax: expected yes or no, not 'maybe'\n");
	refused("[route a]\ntarget = trunk carrier\nrefuse_cause = 0\n",
		"routes.conf:3: refuse_cause: '0' is no Q.850 cause (1-127)\n");
	refused("[route a]\ntarget = trunk carrier\ncolour = red\n",
		"routes.conf:3: [route a] unknown option 'colour' (expected: from, called, calling, called_out, calling_out, strip, add, time, days, target, alternative, failover, fax, refuse_cause, busy_out)\n");
	refused("[route a]\ntarget = trunk carrier\ntarget = trunk backup\n",
		"routes.conf:3: target: given twice (further targets are 'alternative')\n");
	refused("[route a]\nalternative = trunk backup\ntarget = trunk carrier\n",
		"routes.conf:2: alternative: comes after target\n");
	refused("[route a]\ntarget = trunk carrier\nalternative = trunk carrier\n",
		"routes.conf:3: alternative: trunk carrier is already a target\n");
	refused("[route a]\nfrom = pstn\n",
		"routes.conf:1: [route a] target: required\n");
	refused("[route a]\ntarget = trunk carrier\nbusy_out = yes\n",
		"routes.conf:1: [route a] busy_out: needs 'from = group NAME' (the group whose B-channels go out of service)\n");
	refused("[route a]\ncalled = ~^(1)$\ncalled_out = \\2\n"
		"target = trunk carrier\n",
		"routes.conf:1: called_out: \\2, but its match has 1 group\n");
	refused("[route a]\ntarget = trunk carrier\n[route a]\n"
		"target = trunk backup\n",
		"routes.conf:3: [route a] already defined at line 1\n");
	refused("[routes]\ntarget = trunk carrier\n",
		"routes.conf:1: unknown section [routes] (expected: route NAME, limits)\n");
	refused("[route a\ntarget = trunk carrier\n",
		"routes.conf:1: syntax error (expected [section])\n");
	refused("[route a]\ntarget = trunk carrier\nfax\n",
		"routes.conf:3: syntax error (expected key = value)\n");
	refused("from = pstn\n",
		"routes.conf:1: option 'from' outside a section\n");
	refused("[limits]\ntrunk carrier = lots\n",
		"routes.conf:2: limits: trunk carrier: 'lots' is no call count (1-100000)\n");
	refused("[limits]\ntrunk carrier = 2\ntrunk carrier = 3\n",
		"routes.conf:3: limits: trunk carrier given twice\n");
	refused("[limits]\nbucket x = 2\n",
		"routes.conf:2: limits: expected 'trunk NAME' or 'group NAME', not 'bucket x'\n");
}

static void every_error_collected(void **state)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;

	assert_int_equal(load("[route a]\n"
			      "called = x\n"
			      "target = trunk nosuch\n"
			      "[route b]\n"
			      "target = trunk carrier\n"
			      "days = someday\n"
			      "[route c]\n"
			      "from = sip\n",
			      &t, &errs),
			 EINVAL);
	assert_null(t);
	/* a's bad target is not also reported missing */
	assert_int_equal(errs.count, 4);
	assert_non_null(strstr(errs.text, "routes.conf:2: called:"));
	assert_non_null(strstr(errs.text, "routes.conf:3: target:"));
	assert_non_null(
		strstr(errs.text, "routes.conf:7: [route c] target: required"));
	assert_non_null(strstr(errs.text, "routes.conf:6: days:"));
	cfg_errors_release(&errs);
}

/* Loads one rule whose called number is ~re: "loaded", "too much" or
 * (printed) the error. */
static const char *re_load(const char *re)
{
	char text[256];
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;

	snprintf(text, sizeof(text),
		 "[route a]\ncalled = ~%s\ntarget = trunk carrier\n", re);
	const char *how = "loaded";

	if (load(text, &t, &errs)) {
		how = "too much";
		if (!strstr(errs.text, "repeats too much")) {
			print_message("%s: %s", re, errs.text);
			how = "error";
		}
	}
	cfg_errors_release(&errs);
	gw_route_table_unref(t);
	return how;
}

/*
 * regcomp expands bounded repetitions: ((1{1000}){1000}) alone takes
 * 200 MB (the fuzzer found a reload could take the daemon down). Numbers
 * keep every expression a real plan needs; the others are refused by
 * name before regcomp sees them.
 */
static void repetition_bounded(void **state)
{
	static const char *const fine[] = {
		"^555(9[0-9]{3})$",   "^(00|\\+)49([0-9]{2,12})$",
		"^[0-9]{1,15}$",      "^1{0}2",
		"[{]{200}",	      "^(1{16}){16}$",
		"^[0-9]{120}+?",      "^([0-9]{2}){3,}",
		"^[[:digit:]]{200}$", "^a{,100}",
		"^\\{{200}", /* an escaped brace is a literal */
	};
	static const char *const huge[] = {
		"((1{1000}){1000})",
		"1{257}",
		"(1{16}){17}",
		"1{1,300}",
		"1{300,}",
		"1{256,}",
		"(1{200})+",
		"1{20}{20}",
		"((((((((1{3}){3}){3}){3}){3}){3}){3}){3})",
		"[]{]{2000}",
		"\\{{300}",
	};

	for (size_t i = 0; i < sizeof(fine) / sizeof(fine[0]); i++)
		assert_string_equal(re_load(fine[i]), "loaded");
	for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
		assert_string_equal(re_load(huge[i]), "too much");
	refused("[route a]\ncalled = ~1{99999}\ntarget = trunk carrier\n",
		"routes.conf:2: called: regular expression '1{99999}' repeats too much (more than 256 positions once its {m,n} are expanded; a number has at most 15 digits)\n");

	/* back-references: exponential time on a caller's number */
	refused("[route a]\ncalled = ~^(1*)*\\1$\ntarget = trunk carrier\n",
		"routes.conf:2: called: regular expression '^(1*)*\\1$' has a back-reference (\\1..\\9): refused, matching one can take seconds per call\n");
	assert_string_equal(re_load("^[\\1]{3}$"), "loaded"); /* a member */

	/* and the whole file: 300 rules of 250 positions each */
	size_t cap = 300 * 64, len = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	for (int i = 0; i < 300; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"[route r%d]\ncalled = ~^[0-9]{250}\n"
					"target = trunk carrier\n",
					i);
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;

	assert_int_equal(load(text, &t, &errs), EINVAL);
	/* 262 rules fit in 65536 positions: the 263rd (line 787) is refused */
	assert_int_equal(errs.count, 300 - 262);
	assert_non_null(strstr(
		errs.text,
		"routes.conf:788: called: the file's regular expressions together exceed 65536 positions"));
	cfg_errors_release(&errs);
	free(text);
}

static void long_line_refused(void **state)
{
	char text[1400];

	memcpy(text, "[route a]\ncalled = ", 19);
	memset(text + 19, '1', 1200);
	strcpy(text + 1219, "\ntarget = trunk carrier\n");
	refused(text, "routes.conf:2: line longer than 1022 characters\n");
}

static void legacy_route_sections(void **state)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	struct cfg_route *r = &cfg.routes[cfg.nroutes++];

	strcpy(r->name, "in");
	r->line = 7;
	r->from = CFG_FROM_PSTN;
	strcpy(r->prefix, "555");
	r->strip = 3;
	strcpy(r->add, "9");
	r->target_kind = CFG_TARGET_TRUNK;
	strcpy(r->target_name, "carrier");
	assert_int_equal(
		gw_route_table_build(&cfg, "/etc/x/pstngw.conf", &t, &errs), 0);
	assert_int_equal(t->nrules, 1);
	assert_string_equal(t->file, "");

	struct gw_route_result res;
	struct gw_route_query q = { .side = CFG_FROM_PSTN,
				    .called = "5551234" };

	assert_int_equal(gw_route_match(t, &q, &res), 0);
	assert_string_equal(res.called, "91234");
	assert_int_equal(res.rule->line, 7);
	q.side = CFG_FROM_SIP;
	assert_int_equal(gw_route_match(t, &q, &res), ENOENT);
	gw_route_table_unref(t);

	/* a route file beside them is refused, naming the section */
	strcpy(cfg.route_file, "/nonexistent/routes.conf");
	assert_int_equal(
		gw_route_table_build(&cfg, "/etc/x/pstngw.conf", &t, &errs),
		EINVAL);
	assert_string_equal(
		errs.text,
		"/nonexistent/routes.conf: route file given, but pstngw.conf also has [route in] (line 7): move it into the route file\n");
	cfg_errors_release(&errs);
}

static void relative_file_beside_the_config(void **state)
{
	char dir[] = "/tmp/routetest.XXXXXX", path[64], conf[64];
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/r.conf", dir);
	snprintf(conf, sizeof(conf), "%s/pstngw.conf", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[route a]\ntarget = trunk backup\n", f);
	fclose(f);
	strcpy(cfg.route_file, "r.conf");
	assert_int_equal(gw_route_table_build(&cfg, conf, &t, &errs), 0);
	assert_string_equal(t->file, path);
	assert_string_equal(t->rules[0].targets[0].name, "backup");
	gw_route_table_unref(t);
	unlink(path);
	rmdir(dir);

	/* gone: the open error names the file */
	assert_int_equal(gw_route_table_build(&cfg, conf, &t, &errs), ENOENT);
	assert_non_null(strstr(errs.text, "r.conf: cannot open route file: "));
	cfg_errors_release(&errs);
}

/* conf/routes.conf, the documented sample, loads and means what its
 * comments say. */
static void shipped_sample_loads(void **state)
{
	struct cfg_errors errs = { 0 };
	struct gw_route_table *t = NULL;
	struct gw_route_result r;
	struct gw_route_query q = { .side = CFG_FROM_PSTN,
				    .group = "pri",
				    .called = "5559001",
				    .calling = "2125550100",
				    .wday = 1,
				    .minute = 600 };

	cfg.nspans = 2;
	strcpy(cfg.spans[1].group, "pri2");
	cfg.ntrunks = 3;
	strcpy(cfg.trunks[0].name, "faxserver");
	strcpy(cfg.trunks[1].name, "faxserver2");
	strcpy(cfg.trunks[2].name, "pbx");
	int rc = gw_route_table_load(&cfg, "conf/routes.conf", &t, &errs);

	if (rc)
		print_error("%s", errs.text ? errs.text : "?");
	assert_int_equal(rc, 0);
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "fax-dids");
	assert_string_equal(r.called, "+15559001");
	assert_true(r.rule->fax);
	q.called = "3035550100";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "pstn-in");
	assert_string_equal(r.called, "+13035550100");
	assert_string_equal(r.calling, "+12125550100");
	q.side = CFG_FROM_SIP;
	q.called = "+13035550100";
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "sip-out");
	assert_string_equal(r.called, "3035550100");
	q.side = CFG_FROM_PSTN;
	q.called = "5550100";
	assert_int_equal(gw_route_match(t, &q, &r), ENOENT); /* 10:00 */
	q.minute = 20 * 60;
	assert_int_equal(gw_route_match(t, &q, &r), 0);
	assert_string_equal(r.rule->name, "night");
	assert_int_equal(gw_route_limit(t, CFG_TARGET_TRUNK, "faxserver"), 60);
	gw_route_table_unref(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(every_form_loads, setup),
		cmocka_unit_test_setup(wrapping_day_range, setup),
		cmocka_unit_test_setup(bad_lines_name_file_and_line, setup),
		cmocka_unit_test_setup(every_error_collected, setup),
		cmocka_unit_test_setup(repetition_bounded, setup),
		cmocka_unit_test_setup(long_line_refused, setup),
		cmocka_unit_test_setup(legacy_route_sections, setup),
		cmocka_unit_test_setup(relative_file_beside_the_config, setup),
		cmocka_unit_test_setup(shipped_sample_loads, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
