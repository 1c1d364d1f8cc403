/* media/tone.c: sine generator and dominant-frequency meter. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"

#define SECOND MEDIA_RATE

/* Feeds n samples of a tone (freq 0: silence) in 160-sample ticks,
 * optionally through a G.711 law. */
static void feed(struct media_freqmeter *m, unsigned hz, int dbm0, size_t n,
		 int law)
{
	struct media_tonegen g;
	int16_t pcm[160];
	uint8_t code[160];
	size_t k;

	media_tonegen_init(&g, hz, dbm0);
	while (n) {
		k = n < 160 ? n : 160;
		media_tonegen_run(&g, pcm, k);
		if (law >= 0) {
			media_linear_to_law((enum media_law)law, pcm, code, k);
			media_law_to_linear((enum media_law)law, code, pcm, k);
		}
		media_freqmeter_feed(m, pcm, k);
		n -= k;
	}
}

static unsigned measure(unsigned hz, int dbm0, int law, double *level)
{
	struct media_freqmeter m;

	media_freqmeter_init(&m);
	feed(&m, hz, dbm0, SECOND, law);
	return media_freqmeter_result(&m, level);
}

static void test_generator(void **state)
{
	struct media_tonegen g;
	int16_t pcm[800];
	double ms = 0, a0;
	int i, peak = 0;

	media_tonegen_init(&g, 1000, 0);
	media_tonegen_run(&g, pcm, 800);
	for (i = 0; i < 800; i++) {
		ms += (double)pcm[i] * pcm[i];
		if (abs(pcm[i]) > peak)
			peak = abs(pcm[i]);
	}
	/* 0 dBm0: 3.14 dB below a full-scale sine. */
	a0 = 32767.0 * pow(10, -3.14 / 20);
	assert_true(fabs(10 * log10(ms / 800 / (a0 * a0 / 2))) < 0.1);
	assert_true(abs(peak - (int)a0) < 3);
	/* 1 kHz at 8 kHz: period of 8 samples. */
	assert_int_equal(pcm[0], pcm[8]);
	assert_int_equal(pcm[3], pcm[403]);

	media_tonegen_init(&g, 0, 0);
	media_tonegen_run(&g, pcm, 800);
	for (i = 0; i < 800; i++)
		assert_int_equal(pcm[i], 0);
}

static void test_tones(void **state)
{
	static const unsigned hz[] = { 440, 1000, 2600, 350, 3700, 1234 };
	double level;
	unsigned i, got;

	for (i = 0; i < sizeof(hz) / sizeof(hz[0]); i++) {
		got = measure(hz[i], -10, -1, &level);
		assert_true(abs((int)got - (int)hz[i]) <= 2);
		assert_true(fabs(level + 10) < 1.0);
		/* Companding noise does not move it. */
		got = measure(hz[i], -20, MEDIA_LAW_ULAW, NULL);
		assert_true(abs((int)got - (int)hz[i]) <= 2);
		got = measure(hz[i], -30, MEDIA_LAW_ALAW, NULL);
		assert_true(abs((int)got - (int)hz[i]) <= 2);
	}
}

static void test_silence(void **state)
{
	struct media_freqmeter m;
	double level = 1;

	assert_int_equal(measure(0, 0, MEDIA_LAW_ALAW, NULL), 0);
	assert_int_equal(measure(0, 0, -1, &level), 0);
	assert_true(level == 1); /* untouched */
	/* Below -45 dBm0 counts as silence. */
	assert_int_equal(measure(1000, -50, -1, NULL), 0);
	/* Fewer samples than one block: nothing to say yet. */
	media_freqmeter_init(&m);
	feed(&m, 1000, -10, 1000, -1);
	assert_int_equal(media_freqmeter_result(&m, NULL), 0);
}

static void test_half_silence(void **state)
{
	struct media_freqmeter m;
	double level;
	unsigned got;

	/* A call: silent start, the tone, silent end; then a second tone
	 * that is quieter and shorter does not win. */
	media_freqmeter_init(&m);
	feed(&m, 0, 0, SECOND / 2, MEDIA_LAW_ULAW);
	feed(&m, 2600, -15, SECOND, MEDIA_LAW_ULAW);
	feed(&m, 0, 0, SECOND / 2, MEDIA_LAW_ULAW);
	feed(&m, 440, -25, SECOND / 4, MEDIA_LAW_ULAW);
	got = media_freqmeter_result(&m, &level);
	assert_true(abs((int)got - 2600) <= 2);
	assert_true(level < -14 && level > -26);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generator),
		cmocka_unit_test(test_tones),
		cmocka_unit_test(test_silence),
		cmocka_unit_test(test_half_silence),
	};

	return cmocka_run_group_tests_name("media_tone", tests, NULL, NULL);
}
