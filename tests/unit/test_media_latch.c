/* media/latch.c: addresses and the strict latching rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

static struct media_addr a4(uint8_t last, uint16_t port)
{
	return (struct media_addr){ .family = 4,
				    .port = port,
				    .ip = { 10, 0, 0, last } };
}

static void test_addr(void **state)
{
	struct media_addr a = a4(1, 5000), b = a4(1, 5000), v6 = { 0 };
	char buf[64];

	assert_true(media_addr_eq(&a, &b));
	b.port = 5002;
	assert_false(media_addr_eq(&a, &b));
	assert_true(media_addr_ip_eq(&a, &b));
	b = a4(2, 5000);
	assert_false(media_addr_ip_eq(&a, &b));
	assert_false(media_addr_eq(&a, NULL));
	v6.family = 6;
	v6.ip[15] = 1;
	v6.port = 9;
	assert_false(media_addr_ip_eq(&a, &v6));
	/* family 0 equals nothing, not even itself */
	b = (struct media_addr){ 0 };
	assert_false(media_addr_eq(&b, &b));
	assert_string_equal(media_addr_str(&a, buf, sizeof(buf)),
			    "10.0.0.1:5000");
	assert_string_equal(media_addr_str(&v6, buf, sizeof(buf)),
			    "[0:0:0:0:0:0:0:1]:9");
	assert_string_equal(media_addr_str(&b, buf, sizeof(buf)), "none");
}

static void test_negotiated_source_ok(void **state)
{
	struct media_addr neg = a4(1, 5000);
	struct media_latch l;

	media_latch_init(&l, &neg, 2000000);
	assert_int_equal(media_latch_judge(&l, &neg, 7, true, 0),
			 MEDIA_LATCH_OK);
	assert_false(media_latch_accept(&l, &neg, 7, 0));
	assert_true(l.latched);
}

static void test_other_ip_never(void **state)
{
	struct media_addr neg = a4(1, 5000), evil = a4(66, 5000);
	struct media_latch l;

	media_latch_init(&l, &neg, 2000000);
	/* not before the first packet, */
	assert_int_equal(media_latch_judge(&l, &evil, 7, true, 0),
			 MEDIA_LATCH_FOREIGN);
	media_latch_accept(&l, &neg, 7, 0);
	/* nor after a long silence with a new SSRC */
	assert_int_equal(media_latch_judge(&l, &evil, 8, true, 60000000),
			 MEDIA_LATCH_FOREIGN);
	/* nor when nothing was negotiated */
	media_latch_init(&l, NULL, 2000000);
	assert_int_equal(media_latch_judge(&l, &neg, 7, true, 0),
			 MEDIA_LATCH_FOREIGN);
}

static void test_port_move_once_before_traffic(void **state)
{
	struct media_addr neg = a4(1, 5000), nat = a4(1, 61000),
			  other = a4(1, 62000);
	struct media_latch l;

	media_latch_init(&l, &neg, 2000000);
	assert_int_equal(media_latch_judge(&l, &nat, 7, true, 0),
			 MEDIA_LATCH_MOVE);
	assert_true(media_latch_accept(&l, &nat, 7, 0));
	assert_true(media_addr_eq(&l.cur, &nat));
	/* now latched: another port, same SSRC or too soon, is foreign */
	assert_int_equal(media_latch_judge(&l, &other, 7, true, 5000000),
			 MEDIA_LATCH_FOREIGN);
	assert_int_equal(media_latch_judge(&l, &other, 8, true, 1999999),
			 MEDIA_LATCH_FOREIGN);
	/* the negotiated port itself is now just another port */
	assert_int_equal(media_latch_judge(&l, &neg, 7, true, 10),
			 MEDIA_LATCH_FOREIGN);
}

static void test_relatch_after_silence_new_ssrc(void **state)
{
	struct media_addr neg = a4(1, 5000), next = a4(1, 5002);
	struct media_latch l;

	media_latch_init(&l, &neg, 2000000);
	media_latch_accept(&l, &neg, 7, 1000000);
	assert_int_equal(media_latch_judge(&l, &next, 8, true, 3000000),
			 MEDIA_LATCH_MOVE);
	/* without a clock there is no silence to measure: never */
	assert_int_equal(media_latch_judge(&l, &next, 8, false, 3000000),
			 MEDIA_LATCH_FOREIGN);
	assert_true(media_latch_accept(&l, &next, 8, 3000000));
	assert_int_equal(media_latch_judge(&l, &next, 8, true, 3000020),
			 MEDIA_LATCH_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_negotiated_source_ok),
		cmocka_unit_test(test_other_ip_never),
		cmocka_unit_test(test_port_move_once_before_traffic),
		cmocka_unit_test(test_relatch_after_silence_new_ssrc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
