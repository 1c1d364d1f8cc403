/* media/tones.c: each country's tones have the right frequency, level
 * and cadence; unknown countries are refused. */
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

#define SECS 12
#define N (SECS * 8000)
#define BLK 80 /* 10 ms */

/* On/off per 10 ms block; returns the fraction of blocks on. */
static double on_fraction(const int16_t *pcm, size_t n, unsigned *first_on)
{
	size_t b, i, on = 0, nb = n / BLK;
	bool seen_off = false;

	*first_on = 0;
	for (b = 0; b < nb; b++) {
		double s = 0;

		for (i = 0; i < BLK; i++)
			s += (double)pcm[b * BLK + i] * pcm[b * BLK + i];
		if (s / BLK > 1000) {
			on++;
			if (!seen_off)
				(*first_on)++;
		} else {
			seen_off = true;
		}
	}
	return (double)on / (double)nb;
}

static void test_us_and_uk(void **state)
{
	static int16_t pcm[N];
	struct media_toneplay *p = NULL;
	struct media_freqmeter m;
	unsigned first, hz;
	double level;

	/* US ringback: 440 + 480 Hz, 2 s on, 4 s off. */
	assert_int_equal(media_toneplay_alloc("US", MEDIA_TONE_RINGBACK, &p),
			 0);
	media_toneplay_run(p, pcm, N);
	assert_true(fabs(on_fraction(pcm, N, &first) - 2.0 / 6.0) < 0.01);
	assert_int_equal(first, 200);
	media_freqmeter_init(&m);
	media_freqmeter_feed(&m, pcm, 16000);
	hz = media_freqmeter_result(&m, &level);
	assert_true(hz / 10 == 44 || hz / 10 == 48);
	/* Two tones at -19 dBm0 each: -16 dBm0 together. */
	assert_true(fabs(level + 16) < 1.5);
	media_toneplay_free(p);

	/* US busy: 0.5/0.5; congestion (reorder) 0.25/0.25. */
	assert_int_equal(media_toneplay_alloc("us", MEDIA_TONE_BUSY, &p), 0);
	media_toneplay_run(p, pcm, N);
	assert_true(fabs(on_fraction(pcm, N, &first) - 0.5) < 0.01);
	assert_int_equal(first, 50);
	media_toneplay_free(p);
	assert_int_equal(media_toneplay_alloc("us", MEDIA_TONE_CONGESTION, &p),
			 0);
	media_toneplay_run(p, pcm, N);
	assert_int_equal(on_fraction(pcm, N, &first) > 0.49, true);
	assert_int_equal(first, 25);
	media_toneplay_free(p);

	/* UK ringback: 0.4 on 0.2 off 0.4 on 2 off. */
	assert_int_equal(media_toneplay_alloc("uk", MEDIA_TONE_RINGBACK, &p),
			 0);
	media_toneplay_run(p, pcm, N);
	assert_true(fabs(on_fraction(pcm, N, &first) - 0.8 / 3.0) < 0.01);
	assert_int_equal(first, 40);
	media_toneplay_free(p);
}

/* Every country and tone: plays, with its frequency, in small blocks as
 * the TDM tick would ask. */
static void test_all_countries(void **state)
{
	static const char *const cs[] = { "us", "ca", "uk", "de", "at",
					  "ch", "nl", "it", "se", "es",
					  "fr", "au", "jp" };
	static int16_t pcm[N];
	struct media_toneplay *p = NULL;
	struct media_freqmeter m;
	unsigned i, t, first;
	size_t k;
	double level;

	for (i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		assert_int_equal(media_tone_country_check(cs[i]), 0);
		assert_non_null(strstr(media_tone_countries(), cs[i]));
		for (t = 0; t <= MEDIA_TONE_CONGESTION; t++) {
			assert_int_equal(media_toneplay_alloc(
						 cs[i], (enum media_tone)t, &p),
					 0);
			for (k = 0; k < N; k += 160)
				media_toneplay_run(p, pcm + k, 160);
			media_freqmeter_init(&m);
			media_freqmeter_feed(&m, pcm, N);
			assert_in_range(media_freqmeter_result(&m, &level), 390,
					630);
			assert_in_range((unsigned)-level, 8, 25);
			/* Cadenced: neither always on nor silent. */
			assert_in_range(
				(unsigned)(on_fraction(pcm, N, &first) * 100),
				10, 70);
			media_toneplay_free(p);
		}
	}
}

static void test_bad(void **state)
{
	struct media_toneplay *p = NULL;

	assert_int_equal(media_toneplay_alloc("xx", MEDIA_TONE_BUSY, &p),
			 ENOENT);
	assert_int_equal(media_toneplay_alloc(NULL, MEDIA_TONE_BUSY, &p),
			 ENOENT);
	assert_int_equal(media_toneplay_alloc("us", (enum media_tone)3, &p),
			 EINVAL);
	assert_null(p);
	assert_int_equal(media_tone_country_check("Zz"), ENOENT);
	assert_string_equal(media_tone_name(MEDIA_TONE_CONGESTION),
			    "congestion");
	assert_string_equal(media_tone_name((enum media_tone)5), "?");
	media_toneplay_free(NULL);
	media_toneplay_run(NULL, NULL, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_us_and_uk),
		cmocka_unit_test(test_all_countries),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
