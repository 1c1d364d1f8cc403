/* gateway/ctl_ops.c through gw_ctl_exec on a bare gateway: reload's
 * answers (no file, a broken file with its lines, a good one), originate's
 * refusals, also while draining. (test_gateway_capture drives trace and capture.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/ctl.h"
#include "tests/unit/ctl_test.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/route.h"

static struct gw gw;
static struct gw_ctl_out out;

static const char *run(const char *line, bool want_ok)
{
	return ctl_run(&gw, &out, line, want_ok);
}

static void reload(void **state)
{
	char path[] = "/tmp/test_ctl_ops_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	const char *r;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	memset(&gw, 0, sizeof(gw));
	r = run("reload", false);
	assert_non_null(strstr(r, "error: this gateway was started without a "
				  "configuration file"));
	gw.cfg_path = path;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[media]\ncodecs = pcmu\nptime_ms = 1\n", f);
	fclose(f);
	r = run("reload", false);
	assert_non_null(strstr(r, ":3: [media] ptime_ms"));
	assert_non_null(strstr(r, "reload refused (1 error)"));
	assert_non_null(strstr(r, "error: the configuration has errors; the "
				  "running one is unchanged\n"));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("[media]\ncodecs = pcmu\n", f);
	fclose(f);
	r = run("reload", true);
	assert_non_null(strstr(r, "reloaded "));
	assert_non_null(strstr(r, "calls in progress: 0"));
	assert_string_equal(gw.cfg.codecs, "pcmu");
	unlink(path);
	r = run("reload", false);
	assert_non_null(
		strstr(r, "error: the configuration could not be read"));
	gw_route_table_unref(gw.routes);
	gw.routes = NULL;
}

static void originate(void **state)
{
	const char *r;

	(void)state;
	memset(&gw, 0, sizeof(gw));
	r = run("originate group pri 123", false);
	assert_non_null(strstr(r, "error: say where"));
	r = run("originate span 1 123", false);
	assert_non_null(strstr(r, "error: no such span"));
	r = run("originate trunk x 123", false);
	assert_non_null(strstr(r, "error: no such trunk"));
	r = run("originate span", false);
	assert_non_null(
		strstr(r, "usage: originate [--force] span N|trunk NAME TO"));
	r = run("originate --force span 1", false); /* --force is no place */
	assert_non_null(strstr(r, "usage: originate [--force]"));
	assert_non_null(strstr(r, "error: wrong number of arguments"));
	gw.cfg.ntrunks = 1;
	snprintf(gw.cfg.trunks[0].name, CFG_NAME_LEN, "x");
	r = run("originate trunk x 123 secs=9999", false);
	assert_non_null(strstr(r, "error: secs must be from 1 to 3600"));
	r = run("originate trunk x 123 tone=5000", false);
	assert_non_null(strstr(r, "error: tone must be from 0 to 4000 Hz"));
	r = run("originate trunk x 123 size=2", false);
	assert_non_null(strstr(r, "error: unknown option"));
	r = run("originate trunk x 123 45x", false); /* positional FROM */
	assert_non_null(strstr(r, "error: numbers are digits"));
	r = run("originate trunk x 1-23", false);
	assert_non_null(strstr(r, "error: numbers are digits"));
	r = run("originate trunk x 123", false); /* no SIP stack */
	assert_non_null(strstr(r, "error: the gateway is shutting down"));
}

/* While draining a test call is refused unless forced; a forced one goes
 * on to the usual checks (here: no SIP stack, so "shutting down"). */
static void originate_draining(void **state)
{
	const char *r;

	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.cfg.ntrunks = 1;
	snprintf(gw.cfg.trunks[0].name, CFG_NAME_LEN, "x");
	gw.drain.state = GW_DRAIN_DRAINING;
	r = run("originate trunk x 123", false);
	assert_string_equal(r, "error: " GW_CTL_ERR_DRAINING
			       ": test calls are refused (originate --force "
			       "places one anyway)\n");
	gw.drain.state = GW_DRAIN_DRAINED;
	r = run("originate trunk x 123 555 secs=5", false);
	assert_non_null(strstr(r, "error: the gateway is draining"));
	/* bad input is named first, draining or not */
	r = run("originate trunk x 123 secs=0", false);
	assert_non_null(strstr(r, "error: secs must be"));
	r = run("originate trunk nobody 123", false);
	assert_non_null(strstr(r, "error: no such trunk"));
	r = run("originate --forced trunk x 123", false);
	assert_non_null(strstr(r, "error: say where"));
	/* forced, first or last: past the drain check */
	r = run("originate --force trunk x 123", false);
	assert_non_null(strstr(r, "error: the gateway is shutting down"));
	r = run("originate trunk x 123 555 secs=5 tone=0 --force", false);
	assert_non_null(strstr(r, "error: the gateway is shutting down"));
	r = run("originate trunk x 123 --force 555", false);
	assert_non_null(strstr(r, "error: the gateway is shutting down"));
	/* undrained: no --force needed */
	gw.drain.state = GW_DRAIN_OFF;
	r = run("originate trunk x 123", false);
	assert_non_null(strstr(r, "error: the gateway is shutting down"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reload),
		cmocka_unit_test(originate),
		cmocka_unit_test(originate_draining),
	};
	int rc;

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	gw_ctl_out_release(&out);
	return rc;
}
