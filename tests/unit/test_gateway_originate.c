/* gateway/originate.c: requests checked before anything is placed, a
 * span that is down refused, and events/audio of other calls left to
 * the call code. (t_originate places a real test call through pstnsim.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/originate.h"

static struct gw gw;

static int setup(void **state)
{
	struct tdm_hooks h;
	struct tdm_span_cfg tc = {
		.id = 3,
		.type = TDM_SPAN_E1,
		.role = TDM_ROLE_CPE,
		.driver = "loop",
		.loop_path = "/tmp/test_originate_nobody.sock",
		.loop_mode = TDM_LOOP_CLIENT,
	};

	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	gw.hctx.loop = gw.loop;
	gw_hooks_tdm_init(&h, &gw.hctx);
	if (!gw.loop || tdm_span_alloc(&tc, &h, &gw.spans[0].span))
		return -1;
	gw.nspans = 1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gw_orig_free_all(&gw);
	tdm_span_free(gw.spans[0].span);
	gw_hookctx_release(&gw.hctx);
	gw_loop_free(gw.loop);
	return 0;
}

static void requests(void **state)
{
	unsigned id = 77;
	static const char long_num[] = "12345678901234567890123456789012";

	(void)state;
	assert_int_equal(gw_originate_span(&gw, 9, "123", NULL, 5, 1004, &id),
			 ENOENT);
	assert_int_equal(gw_originate_span(&gw, 3, "", NULL, 5, 1004, &id),
			 EINVAL);
	assert_int_equal(gw_originate_span(&gw, 3, "12a", NULL, 5, 1004, &id),
			 EINVAL);
	assert_int_equal(
		gw_originate_span(&gw, 3, long_num, NULL, 5, 1004, &id),
		EINVAL);
	assert_int_equal(gw_originate_span(&gw, 3, "123", "55x", 5, 1004, &id),
			 EINVAL);
	assert_int_equal(gw_originate_span(&gw, 3, "123", NULL, 0, 1004, &id),
			 EINVAL);
	assert_int_equal(gw_originate_span(&gw, 3, "123", NULL,
					   GW_ORIG_MAX_SECS + 1, 1004, &id),
			 EINVAL);
	assert_int_equal(gw_originate_span(&gw, 3, "123", NULL, 5, 4001, &id),
			 EINVAL);
	/* valid, but the span never came up */
	assert_int_equal(gw_originate_span(&gw, 3, "123#", "555", 5, 1004, &id),
			 ENOTCONN);
	assert_int_equal(gw_orig_count(&gw), 0);
	assert_int_equal(id, 77); /* written only on success */
	/* towards a trunk: checked the same way; no SIP stack yet */
	gw.cfg.ntrunks = 1;
	snprintf(gw.cfg.trunks[0].name, CFG_NAME_LEN, "pbx");
	assert_int_equal(
		gw_originate_trunk(&gw, "nobody", "123", NULL, 5, 1004, &id),
		ENOENT);
	assert_int_equal(
		gw_originate_trunk(&gw, "pbx", "1 2", NULL, 5, 1004, &id),
		EINVAL);
	assert_int_equal(
		gw_originate_trunk(&gw, "pbx", "123", NULL, 9999, 1004, &id),
		EINVAL);
	assert_int_equal(
		gw_originate_trunk(&gw, "pbx", "123", NULL, 5, 1004, &id),
		ESHUTDOWN);
	assert_int_equal(gw_orig_count(&gw), 0);
	assert_int_equal(id, 77);
	gw.stopping = true;
	assert_int_equal(gw_originate_span(&gw, 3, "123", NULL, 5, 1004, &id),
			 ESHUTDOWN);
}

/* with no test call, every event and block is the call code's */
static void not_ours(void **state)
{
	struct tdm_event ev = { .type = TDM_EV_CONNECT };
	uint8_t tx[160];

	(void)state;
	assert_false(gw_orig_tdm_event(&gw, NULL, &ev));
	assert_false(gw_orig_tdm_event(&gw, (struct tdm_call *)&ev, &ev));
	assert_false(gw_orig_tdm_audio(&gw, (struct tdm_call *)&ev, tx, 160));
	struct sip_call_event sev = { .type = SIP_CALL_EV_ANSWERED };

	assert_false(gw_orig_sip_event(&gw, NULL, &sev));
	assert_false(gw_orig_sip_event(&gw, (struct sip_call *)&sev, &sev));
	gw_orig_shutdown(&gw); /* nothing to hang up */
	assert_int_equal(gw_orig_count(&gw), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(requests, setup, teardown),
		cmocka_unit_test_setup_teardown(not_ours, setup, teardown),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
