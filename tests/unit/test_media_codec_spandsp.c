/* media/codec_spandsp.c: G.726-32 bit orders, G.722 8 kHz mode against a
 * wideband G.722 peer both ways. */
#include <errno.h>
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
#include "test_media_sig.h"

/* RFC 3551 packs G726-32 code words from the least significant nibble;
 * AAL2 from the most significant: the same audio gives the same codes,
 * nibbles swapped. */
static void test_g726_bit_order(void **state)
{
	struct media_codec_cfg rc = { .codec = MEDIA_CODEC_G726_32 };
	struct media_codec_cfg ac = { .codec = MEDIA_CODEC_AAL2_G726_32 };
	struct media_enc *r = NULL, *a = NULL;
	g726_state_t *ref;
	int16_t in[160];
	uint8_t pr[80], pa[80], codes[160];
	size_t lr, la, i;

	signal3(in, 160);
	assert_int_equal(media_enc_alloc(&rc, &r), 0);
	assert_int_equal(media_enc_alloc(&ac, &a), 0);
	assert_int_equal(media_enc_encode(r, in, pr, sizeof(pr), &lr), 0);
	assert_int_equal(media_enc_encode(a, in, pa, sizeof(pa), &la), 0);
	assert_int_equal(lr, 80);
	assert_int_equal(la, 80);
	/* One code word per octet from an unpacked reference encoder. */
	ref = g726_init(NULL, 32000, G726_ENCODING_LINEAR, G726_PACKING_NONE);
	assert_int_equal(g726_encode(ref, codes, in, 160), 160);
	g726_free(ref);
	for (i = 0; i < 80; i++) {
		assert_int_equal(pr[i] & 0xf, codes[2 * i]);
		assert_int_equal(pr[i] >> 4, codes[2 * i + 1]);
		assert_int_equal(pa[i] >> 4, codes[2 * i]);
		assert_int_equal(pa[i] & 0xf, codes[2 * i + 1]);
	}
	media_enc_free(r);
	media_enc_free(a);
}

/* Our 8 kHz-mode G.722 stream is a valid wideband stream: a 16 kHz
 * decoder (what a wideband phone runs) plays the same tone at the same
 * level. */
static void test_g722_wideband_peer(void **state)
{
	struct media_codec_cfg cfg = { .codec = MEDIA_CODEC_G722 };
	struct media_enc *e = NULL;
	struct media_tonegen g;
	struct media_freqmeter m;
	g722_decode_state_t *wb;
	static int16_t in[N], wide[2 * N], nb[N];
	uint8_t pl[160];
	size_t i, len;
	double level;

	media_tonegen_init(&g, 1000, -10);
	media_tonegen_run(&g, in, N);
	assert_int_equal(media_enc_alloc(&cfg, &e), 0);
	wb = g722_decode_init(NULL, 64000, 0);
	for (i = 0; i < N; i += 160) {
		assert_int_equal(
			media_enc_encode(e, in + i, pl, sizeof(pl), &len), 0);
		assert_int_equal(g722_decode(wb, wide + 2 * i, pl, (int)len),
				 320);
	}
	/* The upper band is empty, so dropping every other sample aliases
	 * nothing audible. */
	for (i = 0; i < N; i++)
		nb[i] = wide[2 * i];
	media_freqmeter_init(&m);
	media_freqmeter_feed(&m, nb + SKIP, N - SKIP);
	assert_int_equal(media_freqmeter_result(&m, &level) / 10, 100);
	assert_true(fabs(level + 10) < 1.5);
	g722_decode_free(wb);
	media_enc_free(e);
}

/* The other way: a wideband phone's stream with 1 kHz and 6 kHz. Our
 * 8 kHz decoder keeps the lower sub-band only (the QMF's band split is the
 * anti-alias filter), so 1 kHz comes out at its level and 6 kHz does not
 * fold down to 2 kHz. */
static void test_g722_from_wideband(void **state)
{
	struct media_codec_cfg cfg = { .codec = MEDIA_CODEC_G722 };
	struct media_dec *d = NULL;
	struct media_freqmeter m;
	g722_encode_state_t *wb;
	static int16_t wide[2 * N], nb[N];
	uint8_t pl[160];
	size_t i, n;
	double level, p2k = 0, p1k = 0;

	for (i = 0; i < 2 * N; i++)
		wide[i] = (int16_t)(7000 * sin(2 * M_PI * 1000 * i / 16000.0) +
				    7000 * sin(2 * M_PI * 6000 * i / 16000.0));
	wb = g722_encode_init(NULL, 64000, 0);
	assert_int_equal(media_dec_alloc(&cfg, &d), 0);
	for (i = 0; i < N; i += 160) {
		assert_int_equal(g722_encode(wb, pl, wide + 2 * i, 320), 160);
		assert_int_equal(media_dec_decode(d, pl, 160, nb + i, 160, &n),
				 0);
	}
	media_freqmeter_init(&m);
	media_freqmeter_feed(&m, nb + SKIP, N - SKIP);
	assert_int_equal((media_freqmeter_result(&m, &level) + 5) / 10, 100);
	/* Goertzel-style correlation at 1 and 2 kHz. */
	for (i = SKIP; i < N; i++) {
		double c1 = cos(2 * M_PI * 1000 * i / 8000.0),
		       c2 = cos(2 * M_PI * 2000 * i / 8000.0);

		p1k += nb[i] * c1;
		p2k += nb[i] * c2;
	}
	assert_true(fabs(p2k) < fabs(p1k) / 100); /* alias under -40 dB */
	g722_encode_free(wb);
	media_dec_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_g726_bit_order),
		cmocka_unit_test(test_g722_wideband_peer),
		cmocka_unit_test(test_g722_from_wideband),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
