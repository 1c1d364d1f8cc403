#pragma once
/* Test signals and measures shared by the media codec tests. */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "media/media.h"

#define N 8000	    /* one second */
#define SKIP 1600   /* codec start-up left out of the SNR */
#define MAXDELAY 80 /* codec delays searched, samples */

/* Three tones at -16 dBm0 each, not harmonically related, so the signal is
 * not periodic within the delay search and a wrong alignment shows. */
static inline void signal3(int16_t *pcm, size_t n)
{
	static const unsigned f[3] = { 440, 1130, 2310 };
	struct media_tonegen g;
	int16_t tmp[N];
	size_t i, k;

	memset(pcm, 0, n * sizeof(*pcm));
	for (k = 0; k < 3; k++) {
		media_tonegen_init(&g, f[k], -16);
		media_tonegen_run(&g, tmp, n);
		for (i = 0; i < n; i++)
			pcm[i] = (int16_t)(pcm[i] + tmp[i]);
	}
}

/* SNR in dB of out against in at the codec's delay (the best one up to
 * MAXDELAY) with the best gain, over [SKIP, n - MAXDELAY). */
static inline double snr(const int16_t *in, const int16_t *out, size_t n)
{
	double best = -100;
	size_t i;
	int d;

	for (d = 0; d < MAXDELAY; d++) {
		double s = 0, e = 0, xy = 0, yy = 0, g;

		for (i = SKIP; i < n - MAXDELAY; i++) {
			xy += (double)in[i] * out[i + d];
			yy += (double)out[i + d] * out[i + d];
		}
		g = yy > 0 ? xy / yy : 1;
		for (i = SKIP; i < n - MAXDELAY; i++) {
			double x = in[i], y = g * out[i + d];

			s += x * x;
			e += (x - y) * (x - y);
		}
		if (e > 0 && 10 * log10(s / e) > best)
			best = 10 * log10(s / e);
		if (e == 0)
			return 100;
	}
	return best;
}

/* Power of n samples, dB relative to full scale squared. */
static inline double power_db(const int16_t *p, size_t n)
{
	double s = 1e-9;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)p[i] * p[i];
	return 10 * log10(s / (double)n);
}
