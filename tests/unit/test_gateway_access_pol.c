/*
 * gateway/access_pol.c: a source's rate limits (a trunk's rate_limit,
 * rate_burst and exempt over [security]'s, their config parsing and
 * errors), the policy cache (hits, flush at reload, not-IP sources) and
 * the in-dialog source check (trunk acl, wide acls, trunk-less peers).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "gateway/access.h"
#include "gateway/cfg.h"
#include "sip/sip.h"

static struct gw_cfg cfg;

static struct sip_addr src(const char *ip, uint16_t port)
{
	struct sip_addr a;

	assert_int_equal(sip_addr_set(&a, ip, port), 0);
	return a;
}

static int load(const char *text, struct cfg_errors *e)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int err;

	assert_non_null(f);
	memset(e, 0, sizeof(*e));
	err = cfg_load_stream(&cfg, f, "t.conf", e);
	fclose(f);
	return err;
}

#define CONF                                                          \
	"[sip]\nlisten = 127.0.0.1:5060\n"                            \
	"[security]\nrate_limit = 20\nrate_burst = 40\n"              \
	"[trunk host]\naddress = 192.0.2.10\n"                        \
	"[trunk farm]\naddress = 198.51.100.1\n"                      \
	"acl = 198.51.100.0/29\nallow_open = yes\n"                   \
	"rate_limit = 500\nrate_burst = 1000\n"                       \
	"[trunk free]\naddress = 203.0.113.1\nacl = 203.0.113.0/30\n" \
	"allow_open = yes\nexempt = yes\nrate_limit = 0\n"            \
	"[trunk strict]\naddress = 192.0.2.20\nexempt = no\n"

static void load_ok(void)
{
	struct cfg_errors e;

	assert_int_equal(load(CONF, &e), 0);
	cfg_errors_release(&e);
}

static void trunk_options(void **state)
{
	struct cfg_errors e;

	(void)state;
	load_ok();
	assert_int_equal(cfg.trunks[0].rate_limit, -1); /* not set */
	assert_int_equal(cfg.trunks[0].rate_burst, -1);
	assert_int_equal(cfg.trunks[0].exempt, -1);
	assert_int_equal(cfg.trunks[1].rate_limit, 500);
	assert_int_equal(cfg.trunks[1].rate_burst, 1000);
	assert_int_equal(cfg.trunks[2].exempt, 1);
	assert_int_equal(cfg.trunks[2].rate_limit, 0);
	assert_int_equal(cfg.trunks[3].exempt, 0);
	/* bad values, each named with its line */
	assert_int_not_equal(
		load("[sip]\nlisten = 127.0.0.1:5060\n"
		     "[trunk a]\naddress = 192.0.2.1\nrate_limit = -3\n"
		     "rate_burst = 0\nexempt = maybe\n"
		     "[trunk b]\naddress = 192.0.2.2\nrate_limit = 100001\n"
		     "rate_burst = 12x\n",
		     &e),
		0);
	assert_non_null(strstr(e.text, "t.conf:5: [trunk a] rate_limit"));
	assert_non_null(strstr(e.text, "'-3': expected 0..100000"));
	assert_non_null(strstr(e.text, "'0': expected 1..100000"));
	assert_non_null(strstr(e.text, "maybe"));
	assert_non_null(strstr(e.text, "'100001'"));
	assert_non_null(strstr(e.text, "'12x'"));
	cfg_errors_release(&e);
}

static void policies(void **state)
{
	struct gw_access_policy p;
	struct sip_addr a;

	(void)state;
	load_ok();
	/* a single host: [security]'s limits, exempt by exempt_trunks */
	a = src("192.0.2.10", 5060);
	gw_access_policy_of(&cfg, &a, &p);
	assert_int_equal(p.rate, 20);
	assert_int_equal(p.burst, 40);
	assert_true(p.exempt);
	/* a wide acl with its own limits, not exempt */
	a = src("198.51.100.5", 40000);
	gw_access_policy_of(&cfg, &a, &p);
	assert_int_equal(p.rate, 500);
	assert_int_equal(p.burst, 1000);
	assert_false(p.exempt);
	/* a wide acl made exempt by its trunk */
	a = src("203.0.113.2", 5060);
	gw_access_policy_of(&cfg, &a, &p);
	assert_true(p.exempt);
	assert_int_equal(p.rate, 0);
	/* a single host made not exempt by its trunk */
	a = src("192.0.2.20", 5060);
	gw_access_policy_of(&cfg, &a, &p);
	assert_false(p.exempt);
	assert_int_equal(p.rate, 20);
	/* nobody's: [security]'s */
	a = src("127.0.0.9", 5060);
	gw_access_policy_of(&cfg, &a, &p);
	assert_false(p.exempt);
	assert_int_equal(p.rate, 20);
	assert_int_equal(p.burst, 40);
}

static struct gw_policy_cache pc;

static void cache(void **state)
{
	struct sip_addr a = src("198.51.100.5", 1), b = src("127.0.0.9", 2);
	const struct gw_access_policy *p;

	(void)state;
	load_ok();
	memset(&pc, 0, sizeof(pc));
	gw_policy_cache_flush(&pc);
	p = gw_policy_cache_get(&pc, &cfg, &a);
	assert_int_equal(p->rate, 500);
	assert_int_equal(pc.misses, 1);
	p = gw_policy_cache_get(&pc, &cfg, &a);
	assert_int_equal(p->rate, 500);
	assert_int_equal(pc.hits, 1);
	p = gw_policy_cache_get(&pc, &cfg, &b);
	assert_int_equal(p->rate, 20);
	/* a reload changes the trunk: stale until flushed, then new */
	cfg.trunks[1].rate_limit = 7;
	assert_int_equal(gw_policy_cache_get(&pc, &cfg, &a)->rate, 500);
	gw_policy_cache_flush(&pc);
	assert_int_equal(gw_policy_cache_get(&pc, &cfg, &a)->rate, 7);
	/* many sources share slots: each answer is still its own */
	for (unsigned i = 0; i < 3 * GW_POLICY_CACHE; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%u.%u.1", i / 250, i % 250);
		struct sip_addr x = src(ip, 1);

		assert_int_equal(gw_policy_cache_get(&pc, &cfg, &x)->rate, 20);
		assert_int_equal(gw_policy_cache_get(&pc, &cfg, &a)->rate, 7);
	}
	/* a source that is not IP: the [security] answer, no crash */
	struct sip_addr un;

	memset(&un, 0, sizeof(un));
	un.ss.ss_family = AF_UNIX;
	assert_int_equal(gw_policy_cache_get(&pc, &cfg, &un)->rate, 20);
	/* generation wrap: 0 is skipped (it would match fresh entries) */
	pc.gen = UINT32_MAX;
	gw_policy_cache_flush(&pc);
	assert_int_equal(pc.gen, 1);
}

static void dialog_sources(void **state)
{
	const struct cfg_trunk *t;
	struct sip_addr peer, s;

	(void)state;
	load_ok();
	/* a single-host trunk: that host, any port (TCP) */
	peer = src("192.0.2.10", 5060);
	s = src("192.0.2.10", 43210);
	assert_true(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	assert_ptr_equal(t, &cfg.trunks[0]);
	s = src("192.0.2.11", 5060);
	assert_false(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	/* another trunk's host is a stranger to this dialog */
	s = src("192.0.2.20", 5060);
	assert_false(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	/* a farm: any host of its acl may send the BYE */
	peer = src("198.51.100.1", 5060);
	s = src("198.51.100.6", 5060);
	assert_true(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	assert_ptr_equal(t, &cfg.trunks[1]);
	s = src("198.51.100.9", 5060); /* just outside the /29 */
	assert_false(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	/* a peer of no trunk: the same IP only */
	peer = src("127.0.0.9", 5060);
	s = src("127.0.0.9", 5070);
	assert_true(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	assert_null(t);
	s = src("127.0.0.10", 5060);
	assert_false(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	/* IPv4-mapped source of an IPv4 peer */
	s = src("::ffff:127.0.0.9", 5060);
	assert_true(gw_access_dialog_ok(&cfg, &peer, &s, &t));
	/* no peer known: refused */
	assert_false(gw_access_dialog_ok(&cfg, NULL, &s, &t));
	assert_null(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trunk_options),
		cmocka_unit_test(policies),
		cmocka_unit_test(cache),
		cmocka_unit_test(dialog_sources),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
