/* media/cn.c: RFC 3389 comfort noise at the level the payload gives. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"

static void test_levels(void **state)
{
	static int16_t pcm[8000];
	struct media_cn *c = NULL;
	uint8_t lv[3] = { 0, 0x11, 0x22 }; /* with spectral octets */
	unsigned l;

	assert_int_equal(media_cn_alloc(5, &c), 0);
	assert_int_equal(media_cn_level(c), -1);
	/* Before any CN payload: silence. */
	memset(pcm, 0x55, sizeof(pcm));
	media_cn_run(c, pcm, 8000);
	assert_int_equal(pcm[100], 0);
	for (l = 30; l <= 80; l += 10) {
		lv[0] = (uint8_t)l;
		assert_int_equal(media_cn_put(c, lv, sizeof(lv)), 0);
		assert_int_equal(media_cn_level(c), (int)l);
		media_cn_run(c, pcm, 8000);
		/* What we play measures as what we were told, within 1 dB
		 * (quantisation to 16 bits shows at the low end only). */
		assert_in_range(media_cn_level_of(pcm, 8000), l - 1, l + 1);
	}
	/* Noise, not a constant. */
	lv[0] = 40;
	media_cn_put(c, lv, 1);
	media_cn_run(c, pcm, 100);
	assert_true(pcm[10] != pcm[11] || pcm[11] != pcm[12]);
	media_cn_free(c);
	media_cn_free(NULL);
}

static void test_bad(void **state)
{
	struct media_cn *c = NULL;
	uint8_t p[1] = { 128 };
	int16_t z[4] = { 0 };

	assert_int_equal(media_cn_alloc(0, NULL), EINVAL);
	assert_int_equal(media_cn_alloc(0, &c), 0);
	assert_int_equal(media_cn_put(c, p, 1), EPROTO);
	assert_int_equal(media_cn_put(c, p, 0), EPROTO);
	assert_int_equal(media_cn_put(c, NULL, 1), EPROTO);
	assert_int_equal(media_cn_level(c), -1);
	assert_int_equal(media_cn_level_of(z, 4), 127);
	assert_int_equal(media_cn_level_of(NULL, 0), 127);
	media_cn_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
