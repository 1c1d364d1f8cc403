/* gateway/log.c: levels per module, names, the line format on stderr. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gateway/log.h"

/* Runs fn with stderr redirected to a temp file; returns what it wrote. */
static char *capture(void (*fn)(void))
{
	char path[] = "/tmp/gwlogXXXXXX";
	int fd = mkstemp(path), saved = dup(2);
	static char buf[4096];
	FILE *f;
	size_t n;

	assert_true(fd >= 0);
	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(path);
	return buf;
}

static void emit(void)
{
	gw_log_init("test", false);
	gw_log_set_level_all(LOG_INFO);
	gw_log_set_level(GW_LOG_SIP, LOG_DEBUG);
	GW_DEBUG(SIP, "sip debug %d", 1);
	GW_DEBUG(TDM, "tdm debug hidden");
	GW_NOTICE(CALL, "call %u {%s}: ended", 17u, "RELEASING");
	GW_ERR(CFG, "bad");
}

static void levels_and_format(void **state)
{
	char *out = capture(emit);

	assert_non_null(strstr(out, " test debug sip: sip debug 1\n"));
	assert_null(strstr(out, "tdm debug hidden"));
	assert_non_null(
		strstr(out, " test notice call: call 17 {RELEASING}: ended\n"));
	assert_non_null(strstr(out, " test err cfg: bad\n"));
}

static void names(void **state)
{
	assert_int_equal(gw_log_mod_lookup("isdn"), GW_LOG_ISDN);
	assert_int_equal(gw_log_mod_lookup("nope"), -1);
	assert_string_equal(gw_log_mod_name(GW_LOG_RTP), "rtp");
	assert_string_equal(gw_log_mod_name(GW_LOG_MOD_COUNT), "?");
	assert_int_equal(gw_log_level_lookup("warning"), LOG_WARNING);
	assert_int_equal(gw_log_level_lookup("debug"), LOG_DEBUG);
	assert_int_equal(gw_log_level_lookup("loud"), -1);
	assert_string_equal(gw_log_level_name(LOG_CRIT), "err");
	assert_string_equal(gw_log_level_name(LOG_NOTICE), "notice");
}

static void enabled(void **state)
{
	gw_log_set_level_all(LOG_WARNING);
	assert_true(gw_log_enabled(GW_LOG_MAIN, LOG_ERR));
	assert_false(gw_log_enabled(GW_LOG_MAIN, LOG_INFO));
	gw_log_set_level(GW_LOG_MAIN, LOG_DEBUG);
	assert_true(gw_log_enabled(GW_LOG_MAIN, LOG_DEBUG));
	assert_false(gw_log_enabled(GW_LOG_SIP, LOG_INFO));
	/* an out-of-range module is ignored, not written past the table */
	gw_log_set_level((enum gw_log_mod)99, LOG_DEBUG);
}

static char long_line[3000];

static void emit_long(void)
{
	memset(long_line, 'x', sizeof(long_line) - 1);
	gw_log_set_level_all(LOG_INFO);
	GW_INFO(MAIN, "%s", long_line);
}

static void long_lines_truncated(void **state)
{
	char *out = capture(emit_long);

	assert_true(strlen(out) < 1100);
	assert_non_null(strstr(out, "main: xxxx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_and_format),
		cmocka_unit_test(names),
		cmocka_unit_test(enabled),
		cmocka_unit_test(long_lines_truncated),
	};

	return cmocka_run_group_tests_name("gateway_log", tests, NULL, NULL);
}
