/* Test signals: a sine generator and a dominant-frequency meter, used by the
 * simulator and the test phone to check that a tone crossed the gateway. */
#include <math.h>
#include <string.h>

#include "media/media.h"

/* Levels follow G.711 µ-law: a full-scale sine is +3.14 dBm0. */
#define FULL_SCALE_DBM0 3.14
#define SILENCE_DBM0 -45.0
#define COARSE_STEP_HZ 20
#define TWO_PI 6.283185307179586

/* Mean square of a 0 dBm0 sine. */
static double ref_power(void)
{
	double a = 32767.0 * pow(10.0, -FULL_SCALE_DBM0 / 20.0);

	return a * a / 2.0;
}

void media_tonegen_init(struct media_tonegen *g, unsigned freq_hz,
			int level_dbm0)
{
	memset(g, 0, sizeof(*g));
	if (!freq_hz || freq_hz >= MEDIA_RATE / 2)
		return;
	g->step =
		(uint32_t)llround((double)freq_hz * 4294967296.0 / MEDIA_RATE);
	g->amp = (float)(32767.0 *
			 pow(10.0, (level_dbm0 - FULL_SCALE_DBM0) / 20.0));
	if (g->amp > 32767.0f)
		g->amp = 32767.0f;
}

void media_tonegen_run(struct media_tonegen *g, int16_t *pcm, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		double ph = g->phase * (TWO_PI / 4294967296.0);

		pcm[i] = (int16_t)lrint(g->amp * sin(ph));
		g->phase += g->step;
	}
}

void media_freqmeter_init(struct media_freqmeter *m)
{
	memset(m, 0, sizeof(*m));
}

/* Power of one frequency in the windowed block (Goertzel). */
static double goertzel(const float *x, size_t n, double hz)
{
	float coeff = (float)(2.0 * cos(TWO_PI * hz / MEDIA_RATE));
	float s1 = 0, s2 = 0, s;
	size_t i;

	for (i = 0; i < n; i++) {
		s = x[i] + coeff * s1 - s2;
		s2 = s1;
		s1 = s;
	}
	return (double)s1 * s1 + (double)s2 * s2 - (double)coeff * s1 * s2;
}

static void analyse(struct media_freqmeter *m)
{
	float x[MEDIA_FM_BLOCK];
	double ms = 0, best = -1, p, pl, pr, hz, d;
	int f, fc = MEDIA_FM_MIN_HZ, fr, bin;
	size_t i;

	for (i = 0; i < MEDIA_FM_BLOCK; i++)
		ms += (double)m->block[i] * m->block[i];
	ms /= MEDIA_FM_BLOCK;
	if (ms <= 0 || 10.0 * log10(ms / ref_power()) < SILENCE_DBM0)
		return;
	/* The Hann window keeps leakage from masking the peak; its main
	 * lobe (+-15.6 Hz) is wider than half the coarse step, so the
	 * coarse winner is the neighbour of the true peak. */
	for (i = 0; i < MEDIA_FM_BLOCK; i++)
		x[i] = (float)(m->block[i] *
			       (0.5 - 0.5 * cos(TWO_PI * i / MEDIA_FM_BLOCK)));
	for (f = MEDIA_FM_MIN_HZ; f <= MEDIA_FM_MAX_HZ; f += COARSE_STEP_HZ) {
		p = goertzel(x, MEDIA_FM_BLOCK, f);
		if (p > best) {
			best = p;
			fc = f;
		}
	}
	best = -1;
	fr = fc;
	for (f = fc - COARSE_STEP_HZ / 2; f <= fc + COARSE_STEP_HZ / 2; f++) {
		p = goertzel(x, MEDIA_FM_BLOCK, f);
		if (p > best) {
			best = p;
			fr = f;
		}
	}
	/* Sub-hertz: a parabola through the peak and its neighbours. */
	pl = goertzel(x, MEDIA_FM_BLOCK, fr - 1);
	pr = goertzel(x, MEDIA_FM_BLOCK, fr + 1);
	d = pl - 2 * best + pr;
	hz = fr;
	if (d < 0) {
		d = 0.5 * (pl - pr) / d;
		if (d > -1 && d < 1)
			hz += d;
	}
	if (hz < MEDIA_FM_MIN_HZ)
		hz = MEDIA_FM_MIN_HZ;
	if (hz > MEDIA_FM_MAX_HZ)
		hz = MEDIA_FM_MAX_HZ;
	bin = (int)lround((hz - MEDIA_FM_MIN_HZ) / MEDIA_FM_BIN_HZ);
	m->vote[bin] += ms;
	m->vote_hz[bin] += ms * hz;
	m->power += ms;
	m->blocks++;
}

void media_freqmeter_feed(struct media_freqmeter *m, const int16_t *pcm,
			  size_t n)
{
	size_t take;

	while (n) {
		take = MEDIA_FM_BLOCK - m->fill;
		if (take > n)
			take = n;
		memcpy(m->block + m->fill, pcm, take * sizeof(*pcm));
		m->fill += take;
		pcm += take;
		n -= take;
		if (m->fill == MEDIA_FM_BLOCK) {
			analyse(m);
			m->fill = 0;
		}
	}
}

unsigned media_freqmeter_result(const struct media_freqmeter *m,
				double *level_dbm0)
{
	double best = -1, v, w = 0, wf = 0;
	int b, k, win = 0;

	if (!m->blocks)
		return 0;
	/* Neighbouring bins vote together, so a tone on a bin edge is not
	 * split in two. */
	for (b = 0; b < MEDIA_FM_BINS; b++) {
		v = m->vote[b];
		if (b > 0)
			v += m->vote[b - 1];
		if (b + 1 < MEDIA_FM_BINS)
			v += m->vote[b + 1];
		if (v > best) {
			best = v;
			win = b;
		}
	}
	for (k = win - 1; k <= win + 1; k++) {
		if (k < 0 || k >= MEDIA_FM_BINS)
			continue;
		w += m->vote[k];
		wf += m->vote_hz[k];
	}
	if (level_dbm0)
		*level_dbm0 = 10.0 * log10(m->power / m->blocks / ref_power());
	return (unsigned)lround(wf / w);
}
