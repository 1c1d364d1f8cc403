/* media/g711.c: law conversions, round trips and µ<->A transcoding. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <spandsp.h>

#include "media/media.h"

/* SNR in dB of a -10 dBm0 1 kHz tone coded and decoded in one law. */
static double round_trip_snr(enum media_law law, int level)
{
	struct media_tonegen g;
	int16_t in[800], out[800];
	uint8_t code[800];
	double sig = 0, err = 0;
	size_t i;

	media_tonegen_init(&g, 1000, level);
	media_tonegen_run(&g, in, 800);
	media_linear_to_law(law, in, code, 800);
	media_law_to_linear(law, code, out, 800);
	for (i = 0; i < 800; i++) {
		sig += (double)in[i] * in[i];
		err += (double)(in[i] - out[i]) * (in[i] - out[i]);
	}
	return 10 * log10(sig / err);
}

static void test_snr(void **state)
{
	int level;

	/* G.711 holds about 38 dB over a wide range of levels. */
	for (level = -30; level <= 0; level += 10) {
		assert_true(round_trip_snr(MEDIA_LAW_ULAW, level) > 33);
		assert_true(round_trip_snr(MEDIA_LAW_ALAW, level) > 33);
	}
}

static void test_codes_round_trip(void **state)
{
	uint8_t code[256], back[256];
	int16_t lin[256];
	int i;

	for (i = 0; i < 256; i++)
		code[i] = (uint8_t)i;
	media_law_to_linear(MEDIA_LAW_ALAW, code, lin, 256);
	media_linear_to_law(MEDIA_LAW_ALAW, lin, back, 256);
	assert_memory_equal(code, back, 256);

	media_law_to_linear(MEDIA_LAW_ULAW, code, lin, 256);
	media_linear_to_law(MEDIA_LAW_ULAW, lin, back, 256);
	for (i = 0; i < 256; i++) {
		/* µ-law has two zeros; -0 (0x7F) comes back as +0. */
		if (i == 0x7F)
			assert_int_equal(back[i], 0xFF);
		else
			assert_int_equal(back[i], i);
	}
}

/* The tables give spandsp's coders' answer for every sample and code. */
static void test_tables_match_spandsp(void **state)
{
	static int16_t lin[65536];
	static uint8_t code[65536];
	int16_t back[256];
	uint8_t all[256];
	int i;

	for (i = 0; i < 65536; i++)
		lin[i] = (int16_t)(uint16_t)i;
	media_linear_to_law(MEDIA_LAW_ULAW, lin, code, 65536);
	for (i = 0; i < 65536; i++)
		assert_int_equal(code[i], linear_to_ulaw(lin[i]));
	media_linear_to_law(MEDIA_LAW_ALAW, lin, code, 65536);
	for (i = 0; i < 65536; i++)
		assert_int_equal(code[i], linear_to_alaw(lin[i]));
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	media_law_to_linear(MEDIA_LAW_ULAW, all, back, 256);
	for (i = 0; i < 256; i++)
		assert_int_equal(back[i], ulaw_to_linear(all[i]));
	media_law_to_linear(MEDIA_LAW_ALAW, all, back, 256);
	for (i = 0; i < 256; i++)
		assert_int_equal(back[i], alaw_to_linear(all[i]));
}

static void test_transcode(void **state)
{
	uint8_t u[256], a[256], u2[256], buf[256];
	int16_t lu, la;
	int i;

	for (i = 0; i < 256; i++)
		u[i] = (uint8_t)i;
	media_law_transcode(MEDIA_LAW_ULAW, MEDIA_LAW_ALAW, u, a, 256);
	for (i = 0; i < 256; i++) {
		media_law_to_linear(MEDIA_LAW_ULAW, &u[i], &lu, 1);
		media_law_to_linear(MEDIA_LAW_ALAW, &a[i], &la, 1);
		/* G.711 tables map to a neighbouring step, not always the
		 * nearest one: within 3%. */
		assert_true(abs(lu - la) <= 16 + abs(lu) / 32);
	}
	assert_int_equal(a[0xFF], media_law_silence(MEDIA_LAW_ALAW));

	media_law_transcode(MEDIA_LAW_ALAW, MEDIA_LAW_ULAW, a, u2, 256);
	for (i = 0; i < 256; i++) {
		media_law_to_linear(MEDIA_LAW_ULAW, &u2[i], &lu, 1);
		media_law_to_linear(MEDIA_LAW_ULAW, &u[i], &la, 1);
		assert_true(abs(lu - la) <= 16 + abs(la) / 30);
	}
	/* Mid-range codes survive the tandem exactly. */
	assert_int_equal(u2[0x20], 0x20);
	assert_int_equal(u2[0xA0], 0xA0);

	/* Equal laws copy, also in place. */
	media_law_transcode(MEDIA_LAW_ALAW, MEDIA_LAW_ALAW, a, buf, 256);
	assert_memory_equal(a, buf, 256);
	media_law_transcode(MEDIA_LAW_ULAW, MEDIA_LAW_ULAW, buf, buf, 256);
	assert_memory_equal(a, buf, 256);
	memcpy(buf, u, 256);
	media_law_transcode(MEDIA_LAW_ULAW, MEDIA_LAW_ALAW, buf, buf, 256);
	assert_memory_equal(a, buf, 256);
}

static void test_names(void **state)
{
	int16_t z;
	uint8_t s;

	assert_string_equal(media_law_name(MEDIA_LAW_ULAW), "ulaw");
	assert_string_equal(media_law_name(MEDIA_LAW_ALAW), "alaw");
	assert_string_equal(media_law_name((enum media_law)7), "?");
	assert_int_equal(media_law_lookup("ALAW"), MEDIA_LAW_ALAW);
	assert_int_equal(media_law_lookup("mulaw"), MEDIA_LAW_ULAW);
	assert_int_equal(media_law_lookup("x"), -1);
	assert_int_equal(media_law_silence(MEDIA_LAW_ULAW), 0xFF);
	assert_int_equal(media_law_silence(MEDIA_LAW_ALAW), 0xD5);
	s = media_law_silence(MEDIA_LAW_ALAW);
	media_law_to_linear(MEDIA_LAW_ALAW, &s, &z, 1);
	assert_true(abs(z) <= 8);
	s = media_law_silence(MEDIA_LAW_ULAW);
	media_law_to_linear(MEDIA_LAW_ULAW, &s, &z, 1);
	assert_int_equal(z, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snr),
		cmocka_unit_test(test_codes_round_trip),
		cmocka_unit_test(test_tables_match_spandsp),
		cmocka_unit_test(test_transcode),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("media_g711", tests, NULL, NULL);
}
