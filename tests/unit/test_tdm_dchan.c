/* tdm/dchan.c: Q.931 messages found in D-channel frames. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "tdm/tdm_int.h"

#define FCS 0xaa, 0xbb /* libpri's placeholder bytes */

static void test_release_complete(void **state)
{
	/* I-frame, cref 6 sent from the originator, cause 34 */
	static const uint8_t f[] = { 0x00, 0x01, 0x0a, 0x0c, 0x08, 0x02, 0x00,
				     0x06, 0x5a, 0x08, 0x02, 0x81, 0xa2, FCS };
	struct tdm_q931_msg m;

	assert_int_equal(tdm_dchan_parse(f, sizeof(f), &m), 0);
	assert_int_equal(m.type, 0x5a);
	assert_int_equal(m.cref, 6);
	assert_true(m.from_orig);
	assert_int_equal(m.cause, 34);
}

static void test_flag_and_long_cref(void **state)
{
	/* to the originator, cref 0x1234, a single-octet IE first, cause
	 * with the recommendation octet 3a */
	static const uint8_t f[] = { 0x02, 0x01, 0x00, 0x00, 0x08, 0x02,
				     0x92, 0x34, 0x45, 0xa1, 0x08, 0x03,
				     0x02, 0x80, 0x90, FCS };
	struct tdm_q931_msg m;

	assert_int_equal(tdm_dchan_parse(f, sizeof(f), &m), 0);
	assert_int_equal(m.type, 0x45); /* DISCONNECT */
	assert_int_equal(m.cref, 0x1234);
	assert_false(m.from_orig);
	assert_int_equal(m.cause, 16);
}

static void test_ui_frame_no_cause(void **state)
{
	static const uint8_t f[] = { 0x00, 0x7f, 0x03, 0x08,
				     0x01, 0x05, 0x05, FCS };
	struct tdm_q931_msg m;

	assert_int_equal(tdm_dchan_parse(f, sizeof(f), &m), 0);
	assert_int_equal(m.type, 0x05); /* SETUP */
	assert_int_equal(m.cref, 5);
	assert_int_equal(m.cause, 0);
}

static void test_not_a_message(void **state)
{
	static const uint8_t rr[] = { 0x00, 0x01, 0x01, 0x0c, FCS };
	static const uint8_t sabme[] = { 0x00, 0x01, 0x7f, FCS };
	static const uint8_t global[] = { 0x00, 0x01, 0x0a, 0x0c, 0x08,
					  0x02, 0x00, 0x00, 0x46, FCS };
	static const uint8_t other_pd[] = { 0x00, 0x01, 0x0a, 0x0c, 0x03,
					    0x02, 0x00, 0x01, 0x0f, FCS };
	static const uint8_t cut[] = { 0x00, 0x01, 0x0a, 0x0c,
				       0x08, 0x02, 0x00, FCS };
	static const uint8_t bad_cr[] = { 0x00, 0x01, 0x0a, 0x0c, 0x08,
					  0x05, 0x00, 0x01, 0x5a, FCS };
	/* an IE longer than the frame: message found, cause not */
	static const uint8_t long_ie[] = { 0x00, 0x01, 0x0a, 0x0c, 0x08,
					   0x02, 0x00, 0x01, 0x5a, 0x08,
					   0x09, 0x81, FCS };
	struct tdm_q931_msg m;

	assert_int_equal(tdm_dchan_parse(rr, sizeof(rr), &m), EINVAL);
	assert_int_equal(tdm_dchan_parse(sabme, sizeof(sabme), &m), EINVAL);
	assert_int_equal(tdm_dchan_parse(global, sizeof(global), &m), EINVAL);
	assert_int_equal(tdm_dchan_parse(other_pd, sizeof(other_pd), &m),
			 EINVAL);
	assert_int_equal(tdm_dchan_parse(cut, sizeof(cut), &m), EINVAL);
	assert_int_equal(tdm_dchan_parse(bad_cr, sizeof(bad_cr), &m), EINVAL);
	assert_int_equal(tdm_dchan_parse(rr, 3, &m), EINVAL);
	assert_int_equal(tdm_dchan_parse(long_ie, sizeof(long_ie), &m), 0);
	assert_int_equal(m.type, 0x5a);
	assert_int_equal(m.cause, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_complete),
		cmocka_unit_test(test_flag_and_long_cref),
		cmocka_unit_test(test_ui_frame_no_cause),
		cmocka_unit_test(test_not_a_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
