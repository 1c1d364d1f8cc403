#pragma once
/* Shared by the benchmark programs: CPU clock, the test signal, and the
 * interleaved best-of-rounds comparison against a peer. */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "media/media.h"

/* Thread CPU time in seconds: other load on the machine counts as little
 * as it can. */
static inline double bench_cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A two-tone signal (440 + 1130 Hz), coded once to µ-law and back, so
 * both sides of a comparison see the same TDM audio. tmp: n samples. */
static inline void bench_two_tone(int16_t *pcm, uint8_t *law, int16_t *tmp,
				  size_t n)
{
	struct media_tonegen g[2];

	media_tonegen_init(&g[0], 440, -16);
	media_tonegen_init(&g[1], 1130, -16);
	media_tonegen_run(&g[0], pcm, n);
	media_tonegen_run(&g[1], tmp, n);
	for (size_t i = 0; i < n; i++)
		pcm[i] = (int16_t)(pcm[i] + tmp[i]);
	media_linear_to_law(MEDIA_LAW_ULAW, pcm, law, n);
	media_law_to_linear(MEDIA_LAW_ULAW, law, pcm, n);
}

/* Interleaved rounds, best of each, so drift hits both alike. Each run
 * returns its CPU seconds, or < 0 on failure (then -1 here). */
static inline int bench_best_of(double (*ours_fn)(void),
				double (*peer_fn)(void), int rounds,
				double *ours, double *peer)
{
	*ours = *peer = 1e9;
	for (int r = 0; r < rounds; r++) {
		double t = ours_fn();

		if (t < 0)
			return -1;
		if (t < *ours)
			*ours = t;
		t = peer_fn();
		if (t < 0)
			return -1;
		if (t < *peer)
			*peer = t;
	}
	return 0;
}
