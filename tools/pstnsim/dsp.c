/*
 * pstnsim per-call DTMF and tone work with spandsp (see dsp.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "tools/pstnsim/dsp.h"

#define BLOCK 160
/* Share of a block's energy at the wanted frequency for it to count as
 * that tone (a clean tone reads ~1.0; 30 Hz off reads ~0.25). */
#define TONE_RATIO 0.6
/* mean square of about -50 dBm0: below that a block is silence */
#define TONE_MIN_MS 30.0
#define TONE_BLOCKS 3 /* 60 ms on (or off) before reporting */
#define DTMF_LEVEL (-10)

struct sim_dsp {
	sim_dsp_fn *fn;
	void *arg;
	dtmf_tx_state_t *dtx;
	bool sending;
	dtmf_rx_state_t *drx;
	unsigned tone_hz;
	goertzel_descriptor_t gd;
	int16_t blk[BLOCK];
	size_t fill;
	int run; /* consecutive blocks disagreeing with tone_on */
	bool tone_on;
};

struct sim_dsp *sim_dsp_alloc(sim_dsp_fn *fn, void *arg)
{
	struct sim_dsp *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->fn = fn;
	d->arg = arg;
	return d;
}

void sim_dsp_free(struct sim_dsp *d)
{
	if (!d)
		return;
	if (d->dtx)
		dtmf_tx_free(d->dtx);
	if (d->drx)
		dtmf_rx_free(d->drx);
	free(d);
}

int sim_dsp_send_digits(struct sim_dsp *d, const char *digits)
{
	int len = (int)strlen(digits);

	if (!d->dtx) {
		d->dtx = dtmf_tx_init(NULL);
		if (!d->dtx)
			return ENOMEM;
		dtmf_tx_set_level(d->dtx, DTMF_LEVEL, 0);
	}
	/* 0.0.6 returns how many digits did not fit (its header says the
	 * opposite) */
	if (dtmf_tx_put(d->dtx, digits, len) != 0)
		return ENOSPC;
	d->sending = true;
	return 0;
}

static void dtmf_digits(void *arg, const char *digits, int len)
{
	struct sim_dsp *d = arg;
	int i;

	for (i = 0; i < len; i++)
		d->fn(d->arg, SIM_DSP_DTMF, 0, digits[i]);
}

int sim_dsp_detect_dtmf(struct sim_dsp *d)
{
	if (d->drx)
		return 0;
	d->drx = dtmf_rx_init(NULL, dtmf_digits, d);
	return d->drx ? 0 : ENOMEM;
}

int sim_dsp_detect_tone(struct sim_dsp *d, unsigned freq)
{
	make_goertzel_descriptor(&d->gd, (float)freq, BLOCK);
	d->tone_hz = freq;
	d->fill = 0;
	d->run = 0;
	d->tone_on = false;
	return 0;
}

static void tone_block(struct sim_dsp *d)
{
	goertzel_state_t g;
	double e = 0;
	float p;
	bool on;
	size_t i;

	for (i = 0; i < BLOCK; i++)
		e += (double)d->blk[i] * d->blk[i];
	goertzel_init(&g, &d->gd);
	goertzel_update(&g, d->blk, BLOCK);
	p = goertzel_result(&g);
	on = e / BLOCK > TONE_MIN_MS && p > TONE_RATIO * e * BLOCK;
	if (on == d->tone_on) {
		d->run = 0;
		return;
	}
	if (++d->run < TONE_BLOCKS)
		return;
	d->run = 0;
	d->tone_on = on;
	d->fn(d->arg, on ? SIM_DSP_TONE_ON : SIM_DSP_TONE_OFF, d->tone_hz, 0);
}

void sim_dsp_rx(struct sim_dsp *d, const int16_t *rx, size_t n)
{
	if (d->drx)
		dtmf_rx(d->drx, rx, (int)n);
	if (!d->tone_hz)
		return;
	while (n) {
		size_t k = BLOCK - d->fill;

		if (k > n)
			k = n;
		memcpy(d->blk + d->fill, rx, k * sizeof(*rx));
		d->fill += k;
		rx += k;
		n -= k;
		if (d->fill == BLOCK) {
			tone_block(d);
			d->fill = 0;
		}
	}
}

bool sim_dsp_tx(struct sim_dsp *d, int16_t *tx, size_t n)
{
	int got;

	if (!d->sending)
		return false;
	got = dtmf_tx(d->dtx, tx, (int)n);
	if (got < 0)
		got = 0;
	if ((size_t)got < n) {
		/* the queue ran dry inside this block */
		memset(tx + got, 0, (n - (size_t)got) * sizeof(*tx));
		d->sending = false;
	}
	return true;
}
