/* gateway/interwork.c: the cause <-> status maps the foundation fixes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cause_to_status),
		cmocka_unit_test(status_to_cause),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests_name("gateway_interwork", tests, NULL,
					   NULL);
}
