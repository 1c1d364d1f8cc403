/*
 * gateway/sipconn.c: the stream connection table in virtual time: limits
 * on connections in total and per IP, lookup by address, transport and
 * alias, idle expiry, and the bounded send queue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "gateway/sipconn.h"

static struct sip_addr addr(const char *ip, uint16_t port,
			    enum sip_transport tp)
{
	struct sip_addr a;

	assert_int_equal(sip_addr_set(&a, ip, port), 0);
	a.tp = tp;
	return a;
}

static void limits_total_and_per_ip(void **state)
{
	struct gw_sipconns t;
	struct sip_addr a1 = addr("192.0.2.1", 1000, SIP_TP_TCP);
	struct sip_addr a2 = addr("192.0.2.1", 1001, SIP_TP_TLS);
	struct sip_addr a3 = addr("192.0.2.1", 1002, SIP_TP_TCP);
	struct sip_addr b1 = addr("2001:db8::1", 1000, SIP_TP_TCP);
	struct sip_addr c1 = addr("192.0.2.3", 1000, SIP_TP_TCP);

	gw_sipconns_init(&t, 3, 2, 1000, 1024, 4096);
	assert_int_equal(gw_sipconns_admit(&t, &a1), 0);
	assert_non_null(gw_sipconns_add(&t, &a1, 10, false, 0));
	assert_int_equal(gw_sipconns_admit(&t, &a2), 0);
	assert_non_null(gw_sipconns_add(&t, &a2, 11, false, 0));
	/* a third from 192.0.2.1, whatever the transport: refused */
	assert_int_equal(gw_sipconns_admit(&t, &a3), EUSERS);
	assert_int_equal(t.stats.refused_per_ip, 1);
	assert_int_equal(gw_sipconns_count_ip(&t, &a3), 2);
	assert_int_equal(gw_sipconns_admit(&t, &b1), 0);
	assert_non_null(gw_sipconns_add(&t, &b1, 12, true, 0));
	/* the table is full */
	assert_int_equal(gw_sipconns_admit(&t, &c1), EMFILE);
	assert_int_equal(t.stats.refused_total, 1);
	assert_int_equal(t.stats.accepted, 2);
	assert_int_equal(t.stats.opened, 1);
	/* one goes: room again */
	gw_sipconns_remove(&t, gw_sipconns_find(&t, &a1));
	assert_int_equal(t.n, 2);
	assert_int_equal(gw_sipconns_admit(&t, &c1), 0);
	assert_int_equal(gw_sipconns_admit(&t, &a3), 0);
	gw_sipconns_release(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.list);
}

static void lookup_by_addr_tp_alias(void **state)
{
	struct gw_sipconns t;
	struct sip_addr a = addr("192.0.2.1", 40000, SIP_TP_TCP);
	struct sip_addr q;
	struct gw_sipconn *c;

	gw_sipconns_init(&t, 10, 10, 1000, 1024, 4096);
	c = gw_sipconns_add(&t, &a, 10, false, 0);
	assert_non_null(c);
	assert_ptr_equal(gw_sipconns_find(&t, &a), c);
	/* same address, other transport: not this connection */
	q = addr("192.0.2.1", 40000, SIP_TP_TLS);
	assert_null(gw_sipconns_find(&t, &q));
	/* other port: only through the alias */
	q = addr("192.0.2.1", 5070, SIP_TP_TCP);
	assert_null(gw_sipconns_find(&t, &q));
	c->alias = q;
	c->has_alias = true;
	assert_ptr_equal(gw_sipconns_find(&t, &q), c);
	/* a dead connection is never found */
	c->dead = true;
	assert_null(gw_sipconns_find(&t, &a));
	assert_int_equal(gw_sipconns_count_ip(&t, &a), 0);
	/* IPv6 */
	struct sip_addr v6 = addr("::1", 5060, SIP_TP_TCP);
	struct sip_addr v6b = addr("0::1", 5060, SIP_TP_TCP);
	assert_non_null(gw_sipconns_add(&t, &v6, 11, true, 0));
	assert_non_null(gw_sipconns_find(&t, &v6b));
	assert_true(gw_sipaddr_eq(&v6, &v6b));
	assert_false(gw_sipaddr_eq(&v6, &a));
	gw_sipconns_release(&t);
}

static void idle_expiry_virtual_time(void **state)
{
	struct gw_sipconns t;
	struct sip_addr a = addr("192.0.2.1", 1000, SIP_TP_TCP);
	struct sip_addr b = addr("192.0.2.2", 1000, SIP_TP_TCP);
	struct gw_sipconn *ca, *cb;

	gw_sipconns_init(&t, 10, 10, 30000, 1024, 4096);
	ca = gw_sipconns_add(&t, &a, 10, false, 1000);
	cb = gw_sipconns_add(&t, &b, 11, false, 1000);
	assert_null(gw_sipconns_expired(&t, 30999));
	/* traffic on b at 20 s keeps it */
	cb->last_active = 20000;
	assert_ptr_equal(gw_sipconns_expired(&t, 31000), ca);
	gw_sipconns_remove(&t, ca);
	assert_null(gw_sipconns_expired(&t, 49999));
	assert_ptr_equal(gw_sipconns_expired(&t, 50000), cb);
	gw_sipconns_release(&t);
}

static void bounded_queue(void **state)
{
	struct gw_sipconns t;
	struct sip_addr a = addr("192.0.2.1", 1000, SIP_TP_TCP);
	struct gw_sipconn *c;
	char buf[100];

	memset(buf, 'x', sizeof(buf));
	gw_sipconns_init(&t, 10, 10, 1000, 1024, 250);
	c = gw_sipconns_add(&t, &a, 10, true, 0);
	assert_int_equal(gw_sipconn_queue(&t, c, buf, 100), 0);
	assert_int_equal(gw_sipconn_queue(&t, c, buf, 100), 0);
	/* 300 > 250: refused whole, nothing half-queued */
	assert_int_equal(gw_sipconn_queue(&t, c, buf, 100), ENOBUFS);
	assert_int_equal(c->out_len, 200);
	gw_sipconn_sent(c, 150);
	assert_int_equal(c->out_len, 50);
	assert_int_equal(gw_sipconn_queue(&t, c, "abc", 3), 0);
	assert_memory_equal(c->out + 50, "abc", 3);
	gw_sipconn_sent(c, 1000);
	assert_int_equal(c->out_len, 0);
	gw_sipconns_release(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limits_total_and_per_ip),
		cmocka_unit_test(lookup_by_addr_tp_alias),
		cmocka_unit_test(idle_expiry_virtual_time),
		cmocka_unit_test(bounded_queue),
	};
	return cmocka_run_group_tests_name("gateway_sipconn", tests, NULL,
					   NULL);
}
