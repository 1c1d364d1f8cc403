/* media/faxdet.c: CNG, CED, ANS with phase reversals and the V.21
 * preamble are found in signals made by spandsp's generators (and in a
 * real fax machine's audio); speech-like noise and DTMF stay silent. */
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

#include "media/fax.h"

#define BLK 160

/* Feeds blocks from gen until limit samples; the first hit's kind. */
typedef int (*gen_fn)(void *st, int16_t *amp, int n);

static enum media_faxtone feed(struct media_faxdet *d, gen_fn gen, void *st,
			       unsigned limit, uint64_t *when)
{
	int16_t buf[BLK];
	enum media_faxtone first = MEDIA_FAXTONE_NONE, t;
	unsigned s;
	int n;

	for (s = 0; s < limit; s += BLK) {
		n = gen(st, buf, BLK);
		if (n < BLK)
			memset(buf + n, 0, (BLK - n) * sizeof(*buf));
		t = media_faxdet_feed(d, buf, BLK);
		if (t != MEDIA_FAXTONE_NONE && first == MEDIA_FAXTONE_NONE) {
			first = t;
			if (when)
				*when = s;
		}
	}
	return first;
}

static int gen_tones(void *st, int16_t *amp, int n)
{
	return modem_connect_tones_tx(st, amp, n);
}

static void connect_tone(int type, enum media_faxtone want, unsigned max_ms)
{
	struct media_faxdet *d;
	modem_connect_tones_tx_state_t *tx =
		modem_connect_tones_tx_init(NULL, type);
	uint64_t when = 0, at = 0;
	unsigned k;

	assert_non_null(tx);
	assert_int_equal(media_faxdet_alloc(&d), 0);
	assert_int_equal(feed(d, gen_tones, tx, 4 * 8000, &when), want);
	assert_true(when <= max_ms * 8);
	assert_true(media_faxdet_seen(d, want, &at));
	assert_int_equal(at, when);
	/* nothing else claimed */
	for (k = MEDIA_FAXTONE_CNG; k < MEDIA_FAXTONE_COUNT; k++)
		if (k != (unsigned)want)
			assert_false(media_faxdet_seen(d, k, NULL));
	/* reported once */
	assert_int_equal(feed(d, gen_tones, tx, 8000, NULL),
			 MEDIA_FAXTONE_NONE);
	media_faxdet_reset(d);
	assert_false(media_faxdet_seen(d, want, NULL));
	media_faxdet_free(d);
	modem_connect_tones_tx_free(tx);
}

static void t_cng(void **state)
{
	(void)state;
	connect_tone(MODEM_CONNECT_TONES_FAX_CNG, MEDIA_FAXTONE_CNG, 1000);
}

static void t_ced(void **state)
{
	(void)state;
	connect_tone(MODEM_CONNECT_TONES_ANS, MEDIA_FAXTONE_CED, 1000);
}

static void t_ans_pr(void **state)
{
	(void)state;
	connect_tone(MODEM_CONNECT_TONES_ANS_PR, MEDIA_FAXTONE_ANS_PR, 2500);
}

/* V.21 channel 2 carrying HDLC flags then a DIS-like frame. */
struct v21 {
	fsk_tx_state_t *fsk;
	hdlc_tx_state_t *hdlc;
};

static int gen_v21(void *st, int16_t *amp, int n)
{
	struct v21 *v = st;

	return fsk_tx(v->fsk, amp, n);
}

static void t_v21_preamble(void **state)
{
	static const uint8_t dis[] = { 0xff, 0x13, 0x80, 0x00, 0xee, 0xf8 };
	struct media_faxdet *d;
	struct v21 v;
	uint64_t when = 0;

	(void)state;
	v.hdlc = hdlc_tx_init(NULL, 0, 2, 0, NULL, NULL);
	assert_non_null(v.hdlc);
	hdlc_tx_flags(v.hdlc, 40); /* ~1 s of preamble */
	hdlc_tx_frame(v.hdlc, dis, sizeof(dis));
	v.fsk = fsk_tx_init(NULL, &preset_fsk_specs[FSK_V21CH2],
			    (get_bit_func_t)hdlc_tx_get_bit, v.hdlc);
	assert_non_null(v.fsk);
	assert_int_equal(media_faxdet_alloc(&d), 0);
	assert_int_equal(feed(d, gen_v21, &v, 2 * 8000, &when),
			 MEDIA_FAXTONE_V21);
	/* well inside the 1 s preamble */
	assert_true(when < 600 * 8);
	assert_false(media_faxdet_seen(d, MEDIA_FAXTONE_CED, NULL));
	assert_false(media_faxdet_seen(d, MEDIA_FAXTONE_CNG, NULL));
	media_faxdet_free(d);
	fsk_tx_free(v.fsk);
	hdlc_tx_free(v.hdlc);
}

/* A real answering fax machine: CED, then DIS on V.21. */
static int gen_fax(void *st, int16_t *amp, int n)
{
	int16_t silence[BLK] = { 0 };

	fax_rx(st, silence, n);
	return fax_tx(st, amp, n);
}

static void t_answering_machine(void **state)
{
	struct media_faxdet *d;
	fax_state_t *f = fax_init(NULL, 0);
	uint64_t ced = 0, v21 = 0;

	(void)state;
	assert_non_null(f);
	fax_set_transmit_on_idle(f, 1);
	assert_int_equal(media_faxdet_alloc(&d), 0);
	assert_int_equal(feed(d, gen_fax, f, 8 * 8000, NULL),
			 MEDIA_FAXTONE_CED);
	assert_true(media_faxdet_seen(d, MEDIA_FAXTONE_CED, &ced));
	assert_true(media_faxdet_seen(d, MEDIA_FAXTONE_V21, &v21));
	assert_true(v21 > ced);
	assert_false(media_faxdet_seen(d, MEDIA_FAXTONE_CNG, NULL));
	media_faxdet_free(d);
	fax_free(f);
}

/* Speech-like: formant-ish tones that glide and change every 60-200 ms,
 * syllabic on/off, plus noise. */
struct babble {
	uint32_t rng;
	double ph[3], f[3], amp;
	unsigned left, on;
};

static uint32_t rnd(struct babble *b)
{
	b->rng = b->rng * 1103515245u + 12345u;
	return b->rng >> 8;
}

static int gen_babble(void *st, int16_t *amp, int n)
{
	struct babble *b = st;
	int i, k;

	for (i = 0; i < n; i++) {
		double v = 0;

		if (!b->left) {
			b->left = 480 + rnd(b) % 1120;
			b->on = rnd(b) % 4 != 0;
			b->f[0] = 200 + rnd(b) % 600;
			b->f[1] = 800 + rnd(b) % 1600;
			b->f[2] = 2000 + rnd(b) % 1200;
			b->amp = 1000 + rnd(b) % 6000;
		}
		b->left--;
		for (k = 0; k < 3; k++) {
			b->f[k] *= 1.00002;
			b->ph[k] += 2 * M_PI * b->f[k] / 8000;
			v += sin(b->ph[k]) / (k + 1);
		}
		v = b->on ? v * b->amp : 0;
		v += (double)(rnd(b) % 400) - 200;
		amp[i] = (int16_t)v;
	}
	return n;
}

static int gen_dtmf(void *st, int16_t *amp, int n)
{
	return dtmf_tx(st, amp, n);
}

static void t_silent_on_speech_and_dtmf(void **state)
{
	struct media_faxdet *d;
	struct babble b = { .rng = 12345 };
	dtmf_tx_state_t *dt = dtmf_tx_init(NULL);
	unsigned k;

	(void)state;
	assert_int_equal(media_faxdet_alloc(&d), 0);
	assert_int_equal(feed(d, gen_babble, &b, 60 * 8000, NULL),
			 MEDIA_FAXTONE_NONE);
	assert_non_null(dt);
	dtmf_tx_put(dt, "0123456789*#ABCD0123456789*#ABCD", -1);
	assert_int_equal(feed(d, gen_dtmf, dt, 8 * 8000, NULL),
			 MEDIA_FAXTONE_NONE);
	for (k = MEDIA_FAXTONE_CNG; k < MEDIA_FAXTONE_COUNT; k++)
		assert_false(media_faxdet_seen(d, k, NULL));
	dtmf_tx_free(dt);
	media_faxdet_free(d);
}

static void t_bad_input(void **state)
{
	struct media_faxdet *d;
	int16_t buf[BLK] = { 0 };

	(void)state;
	assert_int_equal(media_faxdet_alloc(NULL), EINVAL);
	assert_int_equal(media_faxdet_alloc(&d), 0);
	assert_int_equal(media_faxdet_feed(NULL, buf, BLK), MEDIA_FAXTONE_NONE);
	assert_int_equal(media_faxdet_feed(d, NULL, BLK), MEDIA_FAXTONE_NONE);
	assert_int_equal(media_faxdet_feed(d, buf, 0), MEDIA_FAXTONE_NONE);
	assert_false(media_faxdet_seen(d, MEDIA_FAXTONE_NONE, NULL));
	assert_false(media_faxdet_seen(d, (enum media_faxtone)42, NULL));
	assert_string_equal(media_faxtone_name(MEDIA_FAXTONE_V21),
			    "V.21-preamble");
	assert_string_equal(media_faxtone_name((enum media_faxtone)42), "?");
	media_faxdet_free(d);
	media_faxdet_free(NULL);
	media_faxdet_reset(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_cng),
		cmocka_unit_test(t_ced),
		cmocka_unit_test(t_ans_pr),
		cmocka_unit_test(t_v21_preamble),
		cmocka_unit_test(t_answering_machine),
		cmocka_unit_test(t_silent_on_speech_and_dtmf),
		cmocka_unit_test(t_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
