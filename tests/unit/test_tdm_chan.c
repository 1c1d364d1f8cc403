/* tdm/chan.c: B-channel allocation and maintenance states. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tdm/tdm.h"
#include "tdm/tdm_int.h"

static struct tdm_span span;
static struct tdm_call call;

static void init(enum tdm_span_type type, enum tdm_role role)
{
	memset(&span, 0, sizeof(span));
	span.id = 1;
	span.type = type;
	span.role = role;
	tdm_chan_map_init(&span);
}

static void test_cpe_takes_lowest_net_highest(void **state)
{
	init(TDM_SPAN_T1, TDM_ROLE_CPE);
	assert_int_equal(tdm_chan_take(&span, 0, &call)->ts, 1);
	assert_int_equal(tdm_chan_take(&span, 0, &call)->ts, 2);
	init(TDM_SPAN_T1, TDM_ROLE_NET);
	assert_int_equal(tdm_chan_take(&span, 0, &call)->ts, 23);
	init(TDM_SPAN_E1, TDM_ROLE_NET);
	assert_int_equal(tdm_chan_take(&span, 0, &call)->ts, 31);
}

static void test_specific_and_busy(void **state)
{
	struct tdm_chan *c;

	init(TDM_SPAN_T1, TDM_ROLE_CPE);
	c = tdm_chan_take(&span, 5, &call);
	assert_non_null(c);
	assert_int_equal(c->ts, 5);
	assert_ptr_equal(c->call, &call);
	assert_int_equal(tdm_span_chan_state(&span, 5), TDM_CHAN_IN_USE);
	assert_null(tdm_chan_take(&span, 5, &call));
	assert_null(tdm_chan_take(&span, 24, &call)); /* D-channel */
	assert_null(tdm_chan_take(&span, 99, &call));
	tdm_chan_put(&span, c);
	assert_int_equal(tdm_span_chan_state(&span, 5), TDM_CHAN_IDLE);
	assert_null(c->call);
	tdm_chan_put(&span, NULL);
}

static void test_exhaustion_e1_skips_ts16(void **state)
{
	struct tdm_chan *c;
	int i;

	init(TDM_SPAN_E1, TDM_ROLE_CPE);
	for (i = 0; i < 30; i++) {
		c = tdm_chan_take(&span, 0, &call);
		assert_non_null(c);
		assert_int_not_equal(c->ts, 16);
		assert_true(c->ts >= 1 && c->ts <= 31);
	}
	assert_null(tdm_chan_take(&span, 0, &call));
	assert_null(tdm_chan_take(&span, 16, &call));
}

static void test_block(void **state)
{
	init(TDM_SPAN_T1, TDM_ROLE_CPE);
	assert_int_equal(tdm_span_chan_block(&span, 1, true), 0);
	assert_int_equal(tdm_span_chan_state(&span, 1), TDM_CHAN_BLOCKED);
	/* a blocked channel is never handed out */
	assert_int_equal(tdm_chan_take(&span, 0, &call)->ts, 2);
	assert_null(tdm_chan_take(&span, 1, &call));
	assert_int_equal(tdm_span_chan_block(&span, 2, true), EBUSY);
	assert_int_equal(tdm_span_chan_block(&span, 24, true), EINVAL);
	assert_int_equal(tdm_span_chan_block(&span, 1, false), 0);
	assert_int_equal(tdm_chan_take(&span, 0, &call)->ts, 1);
}

static void test_names(void **state)
{
	assert_string_equal(tdm_chan_state_name(TDM_CHAN_IDLE), "IDLE");
	assert_string_equal(tdm_chan_state_name(TDM_CHAN_IN_USE), "IN_USE");
	assert_string_equal(tdm_chan_state_name(TDM_CHAN_BLOCKED), "BLOCKED");
	assert_string_equal(tdm_chan_state_name((enum tdm_chan_state)9), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpe_takes_lowest_net_highest),
		cmocka_unit_test(test_specific_and_busy),
		cmocka_unit_test(test_exhaustion_e1_skips_ts16),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
