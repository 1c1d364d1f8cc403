/* gateway/interwork.c: the cause <-> status maps the foundation fixes,
 * the configured overrides ([sip] and [trunk]) and their errors. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <stdio.h>

#include "gateway/cfg.h"
#include "gateway/interwork.h"

static void cause_to_status(void **state)
{
	assert_int_equal(gw_cause_to_sip(1), 404);
	assert_int_equal(gw_cause_to_sip(17), 486);
	assert_int_equal(gw_cause_to_sip(19), 480);
	assert_int_equal(gw_cause_to_sip(102), 408);
	assert_int_equal(gw_cause_to_sip(34), 503);
	assert_int_equal(gw_cause_to_sip(28), 484);
	assert_int_equal(gw_cause_to_sip(250), 500); /* unknown: 500 */
}

static void status_to_cause(void **state)
{
	assert_int_equal(gw_sip_to_cause(404), 1);
	assert_int_equal(gw_sip_to_cause(486), 17);
	assert_int_equal(gw_sip_to_cause(480), 19);
	assert_int_equal(gw_sip_to_cause(408), 102);
	assert_int_equal(gw_sip_to_cause(487), 16);
	assert_int_equal(gw_sip_to_cause(503), 34);
	assert_int_equal(gw_sip_to_cause(499), 31); /* unlisted 4xx */
	assert_int_equal(gw_sip_to_cause(599), 41); /* unlisted 5xx */
	assert_int_equal(gw_sip_to_cause(699), 31); /* unlisted 6xx */
}

/* Where the issue asks for a two-way mapping, it round-trips. */
static void round_trips(void **state)
{
	static const int causes[] = { 1, 17, 19, 102 };

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(gw_sip_to_cause(gw_cause_to_sip(causes[i])),
				 causes[i]);
}

static void names(void **state)
{
	assert_string_equal(gw_cause_name(17), "user busy");
	assert_string_equal(gw_cause_name(999), "unknown");
}

/* RFC 3398 8.2.6.1 rows the foundation table lacked, and Q.1912.5's. */
static void rfc3398_defaults(void **state)
{
	assert_int_equal(gw_cause_to_sip(18), 408);
	assert_int_equal(gw_cause_to_sip(20), 480);
	assert_int_equal(gw_cause_to_sip(27), 502);
	assert_int_equal(gw_cause_to_sip(65), 488);
	assert_int_equal(gw_cause_to_sip(69), 501);
	assert_int_equal(gw_cause_to_sip(70), 488);
	assert_int_equal(gw_sip_to_cause(400), 41);
	assert_int_equal(gw_sip_to_cause(603), 21);
	assert_int_equal(gw_sip_to_cause(606), 58);
}

static void map_parse_ok(void **state)
{
	struct gw_iw_map m = { 0 };
	char why[160];

	assert_int_equal(gw_iw_map_parse(&m, " 17:486,34 : 503 ,1:404", true,
					 why, sizeof(why)),
			 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.e[1].from, 34);
	assert_int_equal(m.e[1].to, 503);
	assert_int_equal(gw_iw_map_parse(&m, "", true, why, sizeof(why)), 0);
	assert_int_equal(m.n, 0);
	assert_int_equal(
		gw_iw_map_parse(&m, "404:1, 503:41", false, why, sizeof(why)),
		0);
	assert_int_equal(m.n, 2);
	assert_int_equal(m.e[1].to, 41);
}

static void map_parse_bad(void **state)
{
	struct gw_iw_map m = { .n = 7 };
	char why[160];

	/* cause out of range, status out of range, wrong direction */
	assert_int_equal(gw_iw_map_parse(&m, "200:486", true, why, sizeof(why)),
			 EINVAL);
	assert_string_equal(
		why,
		"'200:486': expected cause:status with a cause 1..127 and a status 300..699");
	assert_int_equal(gw_iw_map_parse(&m, "17:200", true, why, sizeof(why)),
			 EINVAL);
	assert_int_equal(gw_iw_map_parse(&m, "17:486", false, why, sizeof(why)),
			 EINVAL);
	assert_non_null(strstr(why, "status:cause"));
	assert_int_equal(
		gw_iw_map_parse(&m, "17:486 34:503", true, why, sizeof(why)),
		EINVAL);
	assert_non_null(strstr(why, "expected ','"));
	assert_int_equal(
		gw_iw_map_parse(&m, "17:486, 17:480", true, why, sizeof(why)),
		EINVAL);
	assert_string_equal(why, "17 is mapped twice");
	assert_int_equal(gw_iw_map_parse(&m, "17:", true, why, sizeof(why)),
			 EINVAL);
	assert_int_equal(gw_iw_map_parse(&m, "x", true, why, sizeof(why)),
			 EINVAL);
	assert_int_equal(gw_iw_map_parse(&m, "17:486,", true, why, sizeof(why)),
			 0); /* a trailing comma is harmless */
	m.n = 7;
	char big[512] = "";

	for (int i = 1; i <= GW_IW_MAP_MAX + 1; i++)
		snprintf(big + strlen(big), sizeof(big) - strlen(big),
			 "%d:500,", i);
	assert_int_equal(gw_iw_map_parse(&m, big, true, why, sizeof(why)),
			 EINVAL);
	assert_non_null(strstr(why, "more than 32 entries"));
	assert_int_equal(m.n, 7); /* untouched on error */
}

/* The trunk's map wins over [sip]'s, which wins over the table. */
static void lookup_order(void **state)
{
	struct gw_iw_map tr = { 0 }, gl = { 0 };
	char why[160];

	assert_int_equal(gw_iw_map_parse(&tr, "17:600", true, why, 160), 0);
	assert_int_equal(gw_iw_map_parse(&gl, "17:486, 34:480", true, why, 160),
			 0);
	assert_int_equal(gw_iw_cause_to_sip(&tr, &gl, 17), 600);
	assert_int_equal(gw_iw_cause_to_sip(&tr, &gl, 34), 480);
	assert_int_equal(gw_iw_cause_to_sip(&tr, &gl, 1), 404);
	assert_int_equal(gw_iw_cause_to_sip(NULL, NULL, 17), 486);
	assert_int_equal(gw_iw_map_parse(&tr, "503:41", false, why, 160), 0);
	assert_int_equal(gw_iw_sip_to_cause(&tr, NULL, 503), 41);
	assert_int_equal(gw_iw_sip_to_cause(NULL, NULL, 503), 34);
	assert_int_equal(gw_iw_sip_to_cause(NULL, &tr, 486), 17);
}

static int load_text(const char *text, struct gw_cfg *cfg, struct cfg_errors *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	rc = cfg_load_stream(cfg, f, "iw.conf", e);
	fclose(f);
	return rc;
}

static struct gw_cfg cfg;

static void config_maps(void **state)
{
	struct cfg_errors e = { 0 };
	static const char good[] =
		"[sip]\nq850_to_sip = 34:480\nsip_to_q850 = 404:3\n"
		"[trunk a]\naddress = 127.0.0.1\nq850_to_sip = 17:600\n"
		"trust_pai = yes\nredirect_header = history-info\n"
		"[span 1]\npath = /tmp/x\ncountry_code = 1\n"
		"national_prefix = 1\ninternational_prefix = 011\n";

	assert_int_equal(load_text(good, &cfg, &e), 0);
	assert_int_equal(cfg.iw_c2s.n, 1);
	assert_int_equal(cfg.iw_s2c.e[0].to, 3);
	assert_int_equal(cfg.trunks[0].iw_c2s.e[0].to, 600);
	assert_int_equal(cfg.trunks[0].iw_s2c.n, 0);
	assert_int_equal(cfg.trunks[0].trust_pai, 1);
	assert_int_equal(cfg.trunks[0].redir_hdr, 1);
	assert_string_equal(cfg.spans[0].country_code, "1");
	assert_string_equal(cfg.spans[0].international_prefix, "011");
	cfg_errors_release(&e);
}

static void config_bad(void **state)
{
	struct cfg_errors e = { 0 };
	static const char bad[] =
		"[sip]\nq850_to_sip = 34:200\n"
		"[trunk a]\naddress = 127.0.0.1\nsip_to_q850 = 404:1 486\n"
		"redirect_header = both-ways\n"
		"[span 1]\npath = /tmp/x\ncountry_code = +1\n";

	assert_int_not_equal(load_text(bad, &cfg, &e), 0);
	assert_int_equal(e.count, 4);
	assert_non_null(strstr(
		e.text,
		"iw.conf:2: [sip] q850_to_sip: '34:200': expected cause:status"));
	assert_non_null(strstr(e.text, "iw.conf:5: [trunk a] sip_to_q850: "
				       "'486': expected ',' between entries"));
	assert_non_null(strstr(e.text, "iw.conf:6: [trunk a] redirect_header: "
				       "unknown value 'both-ways'"));
	assert_non_null(strstr(e.text, "iw.conf:9: [span 1] country_code: "
				       "'+1' is not a string of digits"));
	cfg_errors_release(&e);
}

/* SIP calls to a group take its first span's numbering plan: the spans
 * of one group must share it. */
static void config_group_plan(void **state)
{
	struct cfg_errors e = { 0 };
	static const char bad[] =
		"[span 1]\npath = /tmp/x\ncountry_code = 1\n"
		"[span 2]\npath = /tmp/y\ncountry_code = 1\n"
		"international_prefix = 011\n"
		"[span 3]\npath = /tmp/z\ngroup = other\ncountry_code = 49\n";

	assert_int_not_equal(load_text(bad, &cfg, &e), 0);
	assert_int_equal(e.count, 1);
	assert_non_null(strstr(
		e.text, "iw.conf:4: [span 2] country_code: numbering plan "
			"differs from span 1 of group 'pri'"));
	cfg_errors_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cause_to_status),
		cmocka_unit_test(status_to_cause),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(names),
		cmocka_unit_test(rfc3398_defaults),
		cmocka_unit_test(map_parse_ok),
		cmocka_unit_test(map_parse_bad),
		cmocka_unit_test(lookup_order),
		cmocka_unit_test(config_maps),
		cmocka_unit_test(config_bad),
		cmocka_unit_test(config_group_plan),
	};

	return cmocka_run_group_tests_name("gateway_interwork", tests, NULL,
					   NULL);
}
