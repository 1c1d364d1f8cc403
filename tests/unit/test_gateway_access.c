/*
 * gateway/access.c: ACL parsing and matching (IPv4, IPv6, prefixes,
 * IPv4-mapped sources), trunk identification by the source address, the
 * [trunk] acl / allow_open and [security] options with the open-ACL
 * refusal, and the per-source table: token bucket, blocks and their
 * expiry in virtual time, and the fixed bound under address spraying.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cmocka.h>

#include "gateway/access.h"
#include "gateway/cfg.h"
#include "sip/sip.h"

static struct sockaddr_storage ss;

static const struct sockaddr *sa(const char *ip)
{
	assert_int_equal(gw_access_ip_parse(&ss, ip), 0);
	return (const struct sockaddr *)&ss;
}

static struct sip_addr src(const char *ip, uint16_t port)
{
	struct sip_addr a;

	assert_int_equal(sip_addr_set(&a, ip, port), 0);
	return a;
}

static void acl_v4(void **state)
{
	struct gw_acl acl;
	char why[128];

	(void)state;
	assert_int_equal(gw_acl_parse(&acl, "192.0.2.7, 198.51.100.0/24", why,
				      sizeof(why)),
			 0);
	assert_int_equal(acl.n, 2);
	assert_true(gw_acl_match(&acl, sa("192.0.2.7")));
	assert_false(gw_acl_match(&acl, sa("192.0.2.8")));
	assert_true(gw_acl_match(&acl, sa("198.51.100.0")));
	assert_true(gw_acl_match(&acl, sa("198.51.100.255")));
	assert_false(gw_acl_match(&acl, sa("198.51.101.0")));
	assert_false(gw_acl_match(&acl, sa("2001:db8::7")));
	assert_true(gw_acl_open(&acl));
	/* a prefix not on a byte boundary */
	assert_int_equal(gw_acl_parse(&acl, "10.0.0.8/29", why, sizeof(why)),
			 0);
	assert_true(gw_acl_match(&acl, sa("10.0.0.15")));
	assert_false(gw_acl_match(&acl, sa("10.0.0.16")));
	assert_false(gw_acl_match(&acl, sa("10.0.0.7")));
	/* /32 is one host: not open */
	assert_int_equal(gw_acl_parse(&acl, "10.0.0.8/32", why, sizeof(why)),
			 0);
	assert_false(gw_acl_open(&acl));
	/* /0 matches every IPv4 source, no IPv6 one */
	assert_int_equal(gw_acl_parse(&acl, "0.0.0.0/0", why, sizeof(why)), 0);
	assert_true(gw_acl_match(&acl, sa("203.0.113.1")));
	assert_false(gw_acl_match(&acl, sa("::1")));
}

static void acl_v6_mapped_any(void **state)
{
	struct gw_acl acl;
	char why[128];

	(void)state;
	assert_int_equal(
		gw_acl_parse(&acl, "2001:db8::/32 ::1", why, sizeof(why)), 0);
	assert_true(gw_acl_match(&acl, sa("2001:db8:ffff::1")));
	assert_false(gw_acl_match(&acl, sa("2001:db9::1")));
	assert_true(gw_acl_match(&acl, sa("::1")));
	assert_false(gw_acl_match(&acl, sa("::2")));
	/* a dual-stack socket's IPv4 peer matches the IPv4 entry */
	assert_int_equal(gw_acl_parse(&acl, "192.0.2.7", why, sizeof(why)), 0);
	assert_true(gw_acl_match(&acl, sa("::ffff:192.0.2.7")));
	assert_false(gw_acl_match(&acl, sa("::ffff:192.0.2.8")));
	/* any: both families */
	assert_int_equal(gw_acl_parse(&acl, "any", why, sizeof(why)), 0);
	assert_true(gw_acl_match(&acl, sa("192.0.2.1")));
	assert_true(gw_acl_match(&acl, sa("2001:db8::1")));
	assert_true(gw_acl_open(&acl));
	/* the host form the config uses for an empty acl */
	assert_int_equal(gw_acl_host(&acl, "2001:db8::9"), 0);
	assert_false(gw_acl_open(&acl));
	assert_true(gw_acl_match(&acl, sa("2001:db8::9")));
}

static void acl_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"192.0.2.300",
		"192.0.2.0/33",
		"2001:db8::/129",
		"host.example",
		"192.0.2.7/24",
		"10.0.0.0/",
		"10.0.0.0/x",
		"/24",
		",",
	};
	struct gw_acl acl;
	char why[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		assert_int_equal(gw_acl_parse(&acl, bad[i], why, sizeof(why)),
				 -1);
		assert_true(why[0] != '\0');
	}
	/* host bits after the prefix: named */
	gw_acl_parse(&acl, "192.0.2.7/24", why, sizeof(why));
	assert_non_null(strstr(why, "host bits"));
	/* more entries than fit */
	char many[512] = "";
	for (int i = 0; i < GW_ACL_MAX + 1; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many),
			 "10.0.0.%d,", i);
	assert_int_equal(gw_acl_parse(&acl, many, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "more than"));
}

static int load(struct gw_cfg *cfg, const char *text, struct cfg_errors *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	err = cfg_load_stream(cfg, f, "t.conf", e);
	fclose(f);
	return err;
}

static struct gw_cfg cfg;

#define SIP "[sip]\nlisten = 127.0.0.1:5060\n"

static void trunk_identification(void **state)
{
	struct cfg_errors e;
	struct sip_addr a;

	(void)state;
	assert_int_equal(load(&cfg,
			      SIP
			      "[trunk a]\naddress = 192.0.2.10:5060\n"
			      "[trunk b]\naddress = 192.0.2.10:5070\n"
			      "[trunk proxies]\naddress = 198.51.100.1\n"
			      "acl = 198.51.100.0/29, 2001:db8::/64\n"
			      "inbound_user = p\ninbound_password = pw\n"
			      "[trunk v6]\naddress = [2001:db8:1::9]:5062\n",
			      &e),
			 0);
	cfg_errors_release(&e);
	/* the default acl is the address' host, any port */
	a = src("192.0.2.10", 5070);
	assert_ptr_equal(gw_access_trunk_of(&cfg, &a), &cfg.trunks[1]);
	a = src("192.0.2.10", 5060);
	assert_ptr_equal(gw_access_trunk_of(&cfg, &a), &cfg.trunks[0]);
	a = src("192.0.2.10", 40000); /* no exact ip:port: the first */
	assert_ptr_equal(gw_access_trunk_of(&cfg, &a), &cfg.trunks[0]);
	a = src("198.51.100.6", 5060);
	assert_ptr_equal(gw_access_trunk_of(&cfg, &a), &cfg.trunks[2]);
	a = src("2001:db8::77", 5060);
	assert_ptr_equal(gw_access_trunk_of(&cfg, &a), &cfg.trunks[2]);
	a = src("2001:db8:1::9", 5062);
	assert_ptr_equal(gw_access_trunk_of(&cfg, &a), &cfg.trunks[3]);
	a = src("198.51.100.8", 5060); /* just outside the /29 */
	assert_null(gw_access_trunk_of(&cfg, &a));
	a = src("127.0.0.9", 5060);
	assert_null(gw_access_trunk_of(&cfg, &a));
	assert_null(gw_access_trunk_of(&cfg, NULL));
	/* exemption: single-host acls only */
	assert_int_equal(cfg.exempt_trunks, 1);
	a = src("192.0.2.10", 1);
	assert_true(gw_access_exempt(&cfg, &a));
	a = src("198.51.100.6", 1);
	assert_false(gw_access_exempt(&cfg, &a));
	cfg.exempt_trunks = 0;
	a = src("192.0.2.10", 1);
	assert_false(gw_access_exempt(&cfg, &a));
}

static void security_options(void **state)
{
	struct cfg_errors e;

	(void)state;
	assert_int_equal(load(&cfg, SIP, &e), 0);
	cfg_errors_release(&e);
	/* the documented defaults */
	assert_int_equal(cfg.unknown_sources, CFG_UNKNOWN_REFUSE);
	assert_int_equal(cfg.guard.rate, 20);
	assert_int_equal(cfg.guard.burst, 40);
	assert_int_equal(cfg.guard.failures, 5);
	assert_int_equal(cfg.guard.window_s, 60);
	assert_int_equal(cfg.guard.block_s, 300);
	assert_int_equal(cfg.exempt_trunks, 1);
	assert_int_equal(load(&cfg,
			      SIP "unknown_sources = drop\n"
				  "[security]\nrate_limit = 0\nrate_burst = 5\n"
				  "auth_failures = 3\nwindow_s = 10\n"
				  "block_s = 0\nexempt_trunks = no\n",
			      &e),
			 0);
	cfg_errors_release(&e);
	assert_int_equal(cfg.unknown_sources, CFG_UNKNOWN_DROP);
	assert_int_equal(cfg.guard.rate, 0);
	assert_int_equal(cfg.guard.burst, 5);
	assert_int_equal(cfg.guard.failures, 3);
	assert_int_equal(cfg.guard.window_s, 10);
	assert_int_equal(cfg.guard.block_s, 0);
	assert_int_equal(cfg.exempt_trunks, 0);
	/* bad values, each named */
	assert_int_not_equal(load(&cfg,
				  SIP "unknown_sources = challenge\n"
				      "[security]\nrate_burst = 0\n"
				      "window_s = 0\nbogus = 1\n",
				  &e),
			     0);
	assert_non_null(strstr(e.text, "unknown_sources"));
	assert_non_null(strstr(e.text, "rate_burst"));
	assert_non_null(strstr(e.text, "window_s"));
	assert_non_null(strstr(e.text, "bogus"));
	cfg_errors_release(&e);
}

static void open_acl_refused(void **state)
{
	struct cfg_errors e;

	(void)state;
	/* any without a password: refused, with the way out named */
	assert_int_not_equal(
		load(&cfg, SIP "[trunk open]\naddress = 192.0.2.1\nacl = any\n",
		     &e),
		0);
	assert_non_null(strstr(e.text, "t.conf:3: [trunk open] acl: 'any' is "
				       "wider than one host"));
	assert_non_null(strstr(e.text, "allow_open"));
	cfg_errors_release(&e);
	/* a /24 the same */
	assert_int_not_equal(load(&cfg,
				  SIP "[trunk n]\naddress = 192.0.2.1\n"
				      "acl = 192.0.2.0/24\n",
				  &e),
			     0);
	cfg_errors_release(&e);
	/* with a password, or the explicit override: accepted */
	assert_int_equal(load(&cfg,
			      SIP "[trunk n]\naddress = 192.0.2.1\nacl = any\n"
				  "inbound_user = u\ninbound_password = p\n"
				  "[trunk o]\naddress = 192.0.2.2\n"
				  "acl = 192.0.2.0/24\nallow_open = yes\n",
			      &e),
			 0);
	cfg_errors_release(&e);
	/* single hosts need neither */
	assert_int_equal(load(&cfg,
			      SIP "[trunk h]\naddress = 192.0.2.1\n"
				  "acl = 192.0.2.1, 192.0.2.2/32, ::1\n",
			      &e),
			 0);
	cfg_errors_release(&e);
	/* a malformed acl: the option and the bad token named */
	assert_int_not_equal(load(&cfg,
				  SIP "[trunk h]\naddress = 192.0.2.1\n"
				      "acl = 192.0.2.1, nothost\n",
				  &e),
			     0);
	assert_non_null(strstr(e.text, "[trunk h] acl: 'nothost'"));
	cfg_errors_release(&e);
}

static struct gw_guard g;

static int guard_teardown(void **state)
{
	(void)state;
	gw_guard_release(&g);
	return 0;
}

static void bucket_and_block(void **state)
{
	struct gw_guard_cfg gc = { .rate = 10,
				   .burst = 5,
				   .failures = 3,
				   .window_s = 60,
				   .block_s = 300 };
	uint64_t t = 1000000;

	(void)state;
	assert_int_equal(gw_guard_init(&g, &gc), 0);
	/* a burst of 5 passes, the 6th in the same ms blocks */
	for (int i = 0; i < 5; i++)
		assert_int_equal(gw_guard_packet(&g, sa("192.0.2.7"), t),
				 GW_GUARD_PASS);
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.7"), t),
			 GW_GUARD_RATE);
	assert_int_equal(g.blocks_started, 1);
	assert_true(gw_guard_blocked(&g, sa("192.0.2.7"), t));
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.7"), t + 1000),
			 GW_GUARD_BLOCKED);
	/* another source is unaffected */
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.8"), t),
			 GW_GUARD_PASS);
	assert_int_equal(gw_guard_nblocked(&g, t + 1000), 1);
	char buf[256];
	assert_int_equal(gw_guard_list(&g, t + 1000, buf, sizeof(buf)), 1);
	assert_string_equal(buf, "192.0.2.7 299\n");
	/* the block expires by itself; a full bucket then */
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.7"), t + 299999),
			 GW_GUARD_BLOCKED);
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.7"), t + 300000),
			 GW_GUARD_PASS);
	assert_int_equal(gw_guard_nblocked(&g, t + 300000), 0);
	/* at the rate, forever: 10/s is one per 100 ms */
	uint64_t u = t + 300000;
	for (int i = 0; i < 100; i++) {
		u += 100;
		assert_int_equal(gw_guard_packet(&g, sa("192.0.2.7"), u),
				 GW_GUARD_PASS);
	}
	assert_int_equal(g.blocks_started, 1);
}

static void failures_and_unblock(void **state)
{
	struct gw_guard_cfg gc = { .rate = 0,
				   .burst = 5,
				   .failures = 3,
				   .window_s = 10,
				   .block_s = 60 };
	uint64_t t = 5000;

	(void)state;
	assert_int_equal(gw_guard_init(&g, &gc), 0);
	/* no rate limit: packets pass and leave no entry */
	assert_int_equal(gw_guard_packet(&g, sa("2001:db8::7"), t),
			 GW_GUARD_PASS);
	/* two failures, then the window passes: counting starts over */
	assert_false(gw_guard_failure(&g, sa("2001:db8::7"), t));
	assert_false(gw_guard_failure(&g, sa("2001:db8::7"), t + 1));
	assert_false(gw_guard_failure(&g, sa("2001:db8::7"), t + 10000));
	assert_false(gw_guard_failure(&g, sa("2001:db8::7"), t + 10001));
	assert_true(gw_guard_failure(&g, sa("2001:db8::7"), t + 10002));
	assert_int_equal(gw_guard_packet(&g, sa("2001:db8::7"), t + 10003),
			 GW_GUARD_BLOCKED);
	/* failures while blocked start nothing more */
	assert_false(gw_guard_failure(&g, sa("2001:db8::7"), t + 10004));
	assert_int_equal(g.blocks_started, 1);
	/* the operator ends it early; unknown and unblocked ones refused */
	assert_int_equal(gw_guard_unblock(&g, sa("2001:db8::7"), t + 10005), 0);
	assert_int_equal(gw_guard_packet(&g, sa("2001:db8::7"), t + 10006),
			 GW_GUARD_PASS);
	assert_int_equal(gw_guard_unblock(&g, sa("2001:db8::7"), t + 10007),
			 ENOENT);
	assert_int_equal(gw_guard_unblock(&g, sa("192.0.2.99"), t), ENOENT);
	/* an IPv4-mapped source is the IPv4 one */
	for (int i = 0; i < 3; i++)
		gw_guard_failure(&g, sa("192.0.2.5"), t);
	assert_true(gw_guard_blocked(&g, sa("::ffff:192.0.2.5"), t));
	/* block_s 0: never block */
	gw_guard_release(&g);
	gc.block_s = 0;
	gc.rate = 1;
	gc.burst = 1;
	assert_int_equal(gw_guard_init(&g, &gc), 0);
	for (int i = 0; i < 5; i++)
		assert_false(gw_guard_failure(&g, sa("192.0.2.5"), t));
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.5"), t),
			 GW_GUARD_PASS);
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.5"), t),
			 GW_GUARD_RATE);
	assert_int_equal(gw_guard_packet(&g, sa("192.0.2.5"), t + 1000),
			 GW_GUARD_PASS); /* dropped, not blocked */
	assert_int_equal(g.blocks_started, 0);
}

/* 100000 sprayed sources: the table stays at its fixed size, and a
 * blocked source survives the spray (blocks are evicted last). */
static void table_bound(void **state)
{
	struct gw_guard_cfg gc = { .rate = 10,
				   .burst = 1,
				   .failures = 1,
				   .window_s = 60,
				   .block_s = 600 };
	uint64_t t = 1;

	(void)state;
	assert_int_equal(gw_guard_init(&g, &gc), 0);
	assert_true(gw_guard_failure(&g, sa("203.0.113.1"), t));
	for (uint32_t i = 0; i < 100000; i++) {
		struct sockaddr_in s4 = { .sin_family = AF_INET };

		s4.sin_addr.s_addr = htonl(0x0a000000u + i);
		gw_guard_packet(&g, (const struct sockaddr *)&s4, t + i / 100);
	}
	assert_true(g.evictions >= 100000 - GW_GUARD_SETS * GW_GUARD_WAYS);
	assert_true(gw_guard_blocked(&g, sa("203.0.113.1"), t + 2000));
	assert_int_equal(gw_guard_nblocked(&g, t + 2000), 1);
	/* a source not IPv4/IPv6 passes untouched */
	struct sockaddr un = { .sa_family = AF_UNIX };
	assert_int_equal(gw_guard_packet(&g, &un, t), GW_GUARD_PASS);
	char ip[64];
	assert_string_equal(gw_access_ip_str(&un, ip, sizeof(ip)), "?");
	assert_string_equal(
		gw_access_ip_str(sa("::ffff:10.1.2.3"), ip, sizeof(ip)),
		"10.1.2.3");
	assert_int_equal(gw_access_ip_parse(&ss, "no"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(acl_v4),
		cmocka_unit_test(acl_v6_mapped_any),
		cmocka_unit_test(acl_bad),
		cmocka_unit_test(trunk_identification),
		cmocka_unit_test(security_options),
		cmocka_unit_test(open_acl_refused),
		cmocka_unit_test_teardown(bucket_and_block, guard_teardown),
		cmocka_unit_test_teardown(failures_and_unblock, guard_teardown),
		cmocka_unit_test_teardown(table_bound, guard_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
