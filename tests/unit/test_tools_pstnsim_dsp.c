/* tools/pstnsim/dsp.c: DTMF out and back in through G.711, tone
 * detection on and off, and what it must not detect. */
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
#include "tools/pstnsim/dsp.h"

struct seen {
	char digits[64];
	size_t nd;
	unsigned on, off, freq;
};

static void cb(void *arg, enum sim_dsp_ev ev, unsigned freq, char digit)
{
	struct seen *s = arg;

	if (ev == SIM_DSP_DTMF && s->nd + 1 < sizeof(s->digits))
		s->digits[s->nd++] = digit;
	else if (ev == SIM_DSP_TONE_ON)
		s->on++, s->freq = freq;
	else if (ev == SIM_DSP_TONE_OFF)
		s->off++;
}

/* tx of a into rx of b through µ-law, 20 ms blocks, for ms. */
static void run(struct sim_dsp *a, struct sim_dsp *b, unsigned ms)
{
	int16_t pcm[160];
	uint8_t law[160];
	unsigned t;

	for (t = 0; t < ms; t += 20) {
		if (!sim_dsp_tx(a, pcm, 160))
			memset(pcm, 0, sizeof(pcm));
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, law, 160);
		media_law_to_linear(MEDIA_LAW_ULAW, law, pcm, 160);
		sim_dsp_rx(b, pcm, 160);
	}
}

static void t_dtmf_round_trip(void **state)
{
	struct seen sa = { 0 }, sb = { 0 };
	struct sim_dsp *a = sim_dsp_alloc(cb, &sa);
	struct sim_dsp *b = sim_dsp_alloc(cb, &sb);
	int16_t pcm[160];

	assert_non_null(a);
	assert_non_null(b);
	assert_false(sim_dsp_tx(a, pcm, 160)); /* nothing queued */
	assert_int_equal(sim_dsp_detect_dtmf(b), 0);
	assert_int_equal(sim_dsp_detect_dtmf(b), 0); /* twice is fine */
	assert_int_equal(sim_dsp_send_digits(a, "123#"), 0);
	assert_int_equal(sim_dsp_send_digits(a, "A*0D"), 0);
	run(a, b, 3000);
	assert_string_equal(sb.digits, "123#A*0D");
	assert_false(sim_dsp_tx(a, pcm, 160)); /* drained */
	assert_int_equal(sa.nd, 0);
	sim_dsp_free(a);
	sim_dsp_free(b);
	sim_dsp_free(NULL);
}

static void t_dtmf_queue_full(void **state)
{
	struct seen s = { 0 };
	struct sim_dsp *a = sim_dsp_alloc(cb, &s);
	char many[300];
	int rc = 0, i;

	memset(many, '5', sizeof(many) - 1);
	many[sizeof(many) - 1] = 0;
	for (i = 0; i < 4 && !rc; i++)
		rc = sim_dsp_send_digits(a, many);
	assert_int_equal(rc, ENOSPC);
	sim_dsp_free(a);
}

static void tone(int16_t *pcm, size_t n, double hz, double amp, size_t *ph)
{
	size_t i;

	for (i = 0; i < n; i++, (*ph)++)
		pcm[i] = (int16_t)(amp *
				   sin(2 * M_PI * hz * (double)*ph / 8000));
}

/* feeds hz (0: silence) for ms in blocks of blk samples */
static void feed(struct sim_dsp *d, double hz, double amp, unsigned ms,
		 size_t blk)
{
	int16_t pcm[400];
	size_t n = ms * 8, ph = 0;

	while (n) {
		size_t k = n < blk ? n : blk;

		tone(pcm, k, hz, hz ? amp : 0, &ph);
		sim_dsp_rx(d, pcm, k);
		n -= k;
	}
}

static void t_tone_on_off(void **state)
{
	struct seen s = { 0 };
	struct sim_dsp *d = sim_dsp_alloc(cb, &s);

	assert_int_equal(sim_dsp_detect_tone(d, 1000), 0);
	feed(d, 0, 0, 500, 160);
	assert_int_equal(s.on, 0);
	/* odd block sizes: the detector keeps its own 20 ms blocks */
	feed(d, 1000, 3000, 500, 97);
	assert_int_equal(s.on, 1);
	assert_int_equal(s.freq, 1000);
	assert_int_equal(s.off, 0);
	feed(d, 0, 0, 200, 333);
	assert_int_equal(s.off, 1);
	sim_dsp_free(d);
}

static void t_tone_rejects(void **state)
{
	struct seen s = { 0 };
	struct sim_dsp *d = sim_dsp_alloc(cb, &s);

	assert_int_equal(sim_dsp_detect_tone(d, 1000), 0);
	feed(d, 1100, 3000, 500, 160); /* another frequency */
	feed(d, 440, 3000, 500, 160);
	feed(d, 1000, 3, 500, 160); /* far below any signal level */
	assert_int_equal(s.on, 0);
	/* too short a burst (40 ms) is no tone either */
	feed(d, 1000, 3000, 40, 160);
	feed(d, 0, 0, 100, 160);
	assert_int_equal(s.on, 0);
	sim_dsp_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_dtmf_round_trip),
		cmocka_unit_test(t_dtmf_queue_full),
		cmocka_unit_test(t_tone_on_off),
		cmocka_unit_test(t_tone_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
