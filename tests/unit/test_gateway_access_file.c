/*
 * gateway/access_file.c: block_file written and read back across a
 * "restart" (a new table, a new monotonic clock): remaining time kept,
 * expired blocks dropped, IPv6 kept, a corrupt file skipped line by line
 * with the first bad line named, no file (ENOENT), an unwritable path
 * (error, no temporary left behind), and an absurd UNTIL capped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/access.h"

static struct sockaddr_storage ss;
static char dir[64], path[128];

static const struct sockaddr *sa(const char *ip)
{
	assert_int_equal(gw_access_ip_parse(&ss, ip), 0);
	return (const struct sockaddr *)&ss;
}

static const struct gw_guard_cfg gc = {
	.rate = 10, .burst = 10, .failures = 1, .window_s = 60, .block_s = 300
};

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/pstngw-blk-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/blocks", dir);
	return 0;
}

static int teardown(void **state)
{
	char tmp[160];

	(void)state;
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	unlink(tmp);
	rmdir(dir);
	return 0;
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void round_trip(void **state)
{
	struct gw_guard a, b;
	struct gw_access_file_res r;
	unsigned n = 99;

	(void)state;
	assert_int_equal(gw_guard_init(&a, &gc), 0);
	/* before: the first process, its monotonic clock at 50 s */
	assert_true(gw_guard_failure(&a, sa("192.0.2.7"), 50000));
	assert_true(gw_guard_failure(&a, sa("2001:db8::9"), 60000));
	assert_int_equal(gw_guard_block(&a, sa("192.0.2.8"), 60000, 61000), 0);
	assert_int_equal(gw_guard_block(&a, sa("192.0.2.9"), 60000, 60000),
			 EINVAL); /* no time left */
	uint64_t ch = a.changes;

	assert_int_equal(ch, 3);
	/* saved at 60 s mono = 1000000 s wall: 290, 300 and 1 s left */
	assert_int_equal(gw_access_file_save(&a, path, 60000, 1000000, &n), 0);
	assert_int_equal(n, 3);
	char tmp[160];

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_not_equal(access(tmp, F_OK), 0); /* renamed away */
	gw_guard_release(&a);

	/* the restart: 100 s later in wall time, mono clock at 5 s */
	assert_int_equal(gw_guard_init(&b, &gc), 0);
	assert_int_equal(gw_access_file_load(&b, path, 5000, 1000100, &r), 0);
	assert_int_equal(r.restored, 2);
	assert_int_equal(r.expired, 1); /* 192.0.2.8: its second is over */
	assert_int_equal(r.bad, 0);
	assert_true(gw_guard_blocked(&b, sa("192.0.2.7"), 5000));
	assert_true(gw_guard_blocked(&b, sa("2001:db8::9"), 5000));
	assert_false(gw_guard_blocked(&b, sa("192.0.2.8"), 5000));
	/* 190 s left for .7 (290 - 100), 200 s for the v6 one */
	assert_true(gw_guard_blocked(&b, sa("192.0.2.7"), 5000 + 189000));
	assert_false(gw_guard_blocked(&b, sa("192.0.2.7"), 5000 + 190000));
	assert_true(gw_guard_blocked(&b, sa("2001:db8::9"), 5000 + 199000));
	assert_int_equal(gw_guard_packet(&b, sa("192.0.2.7"), 6000),
			 GW_GUARD_BLOCKED);
	/* an empty table writes a file with its header only */
	assert_int_equal(gw_guard_unblock(&b, sa("192.0.2.7"), 6000), 0);
	assert_int_equal(gw_guard_unblock(&b, sa("2001:db8::9"), 6000), 0);
	assert_int_equal(gw_access_file_save(&b, path, 6000, 1000101, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(gw_access_file_load(&b, path, 6000, 1000101, &r), 0);
	assert_int_equal(r.restored + r.expired + r.bad, 0);
	gw_guard_release(&b);
}

static void corrupt_and_missing(void **state)
{
	struct gw_guard g;
	struct gw_access_file_res r;
	char longline[400];

	(void)state;
	assert_int_equal(gw_guard_init(&g, &gc), 0);
	assert_int_equal(gw_access_file_load(&g, path, 0, 1000, &r), ENOENT);
	memset(longline, '9', sizeof(longline) - 2);
	longline[sizeof(longline) - 2] = '\n';
	longline[sizeof(longline) - 1] = '\0';
	write_file("# header\n"
		   "192.0.2.1 2000\n"
		   "not an address 2000\n" /* line 3: the first bad one */
		   "192.0.2.2\n"
		   "192.0.2.3 12abc\n"
		   "192.0.2.4 -5\n"
		   "\n"
		   "192.0.2.5 2000\n");
	FILE *f = fopen(path, "a");

	assert_non_null(f);
	fputs(longline, f);
	fputs("192.0.2.6 2000\n\x01\x02\xff garbage", f);
	fclose(f);
	assert_int_equal(gw_access_file_load(&g, path, 0, 1000, &r), 0);
	assert_int_equal(r.restored, 3); /* .1, .5, .6 */
	assert_int_equal(r.bad, 6);
	assert_int_equal(r.first_bad, 3);
	assert_true(gw_guard_blocked(&g, sa("192.0.2.6"), 0));
	assert_false(gw_guard_blocked(&g, sa("192.0.2.4"), 0));
	/* an absurd UNTIL (a clock set back): capped at a week */
	write_file("192.0.2.9 99999999999\n");
	assert_int_equal(gw_access_file_load(&g, path, 0, 1000, &r), 0);
	assert_int_equal(r.restored, 1);
	assert_true(gw_guard_blocked(&g, sa("192.0.2.9"), 604799000ull));
	assert_false(gw_guard_blocked(&g, sa("192.0.2.9"), 604800000ull));
	/* a path that cannot be written: an error, nothing left behind */
	char bad[160];

	snprintf(bad, sizeof(bad), "%s/no/such/dir/blocks", dir);
	assert_int_equal(gw_access_file_save(&g, bad, 0, 1000, NULL), ENOENT);
	/* a directory as the file: rename fails, the .tmp is removed */
	char sub[160], subtmp[170];

	snprintf(sub, sizeof(sub), "%s/d", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_not_equal(gw_access_file_save(&g, sub, 0, 1000, NULL), 0);
	snprintf(subtmp, sizeof(subtmp), "%s.tmp", sub);
	assert_int_not_equal(access(subtmp, F_OK), 0);
	rmdir(sub);
	gw_guard_release(&g);
}

/* the per-trunk rate entry point and the visitor */
static unsigned nvisit;

static void visit(void *arg, const struct sockaddr *s, uint64_t until)
{
	char ip[64];

	(void)arg;
	nvisit++;
	assert_string_equal(gw_access_ip_str(s, ip, sizeof(ip)), "192.0.2.50");
	assert_int_equal(until, 1000 + 300000);
}

static void rate_override(void **state)
{
	struct gw_guard g;

	(void)state;
	assert_int_equal(gw_guard_init(&g, &gc), 0);
	/* its own burst of 3 at 1/s: the fourth at once is over */
	for (int i = 0; i < 3; i++)
		assert_int_equal(
			gw_guard_packet_rate(&g, sa("192.0.2.50"), 1000, 1, 3),
			GW_GUARD_PASS);
	assert_int_equal(gw_guard_packet_rate(&g, sa("192.0.2.50"), 1000, 1, 3),
			 GW_GUARD_RATE);
	/* rate 0: no limit, but a block still holds */
	assert_int_equal(gw_guard_packet_rate(&g, sa("192.0.2.50"), 2000, 0, 3),
			 GW_GUARD_BLOCKED);
	for (int i = 0; i < 100; i++)
		assert_int_equal(
			gw_guard_packet_rate(&g, sa("192.0.2.51"), 2000, 0, 1),
			GW_GUARD_PASS);
	nvisit = 0;
	assert_int_equal(gw_guard_each_blocked(&g, 2000, visit, NULL), 1);
	assert_int_equal(nvisit, 1);
	gw_guard_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(corrupt_and_missing, setup,
						teardown),
		cmocka_unit_test(rate_override),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
