#pragma once
/* Shared by the benchmark programs: CPU clock, the test signal, and the
 * interleaved best-of-rounds comparison against a peer. */
#include <stdbool.h>
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

static inline void bench_sort(double *v, int n)
{
	for (int i = 1; i < n; i++) {
		double x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

#define BENCH_MAX_ROUNDS 101

/* Interleaved rounds, the order swapped every round so that neither side
 * always runs with warm caches or right after the other's load spike;
 * the medians of each side, and the median of the per-round ratios
 * (ours / peer, from two runs moments apart, so load that comes and goes
 * over the rounds cancels). rounds <= BENCH_MAX_ROUNDS. Each run returns
 * its CPU seconds, or < 0 on failure (then -1 here). */
static inline int bench_median_of(double (*ours_fn)(void),
				  double (*peer_fn)(void), int rounds,
				  double *ours, double *peer, double *ratio)
{
	double o[BENCH_MAX_ROUNDS], p[BENCH_MAX_ROUNDS], r[BENCH_MAX_ROUNDS];

	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS)
		return -1;
	for (int i = 0; i < rounds; i++) {
		bool peer_first = i % 2;

		p[i] = peer_first ? peer_fn() : 0;
		o[i] = ours_fn();
		if (!peer_first)
			p[i] = peer_fn();
		if (o[i] < 0 || p[i] <= 0)
			return -1;
		r[i] = o[i] / p[i];
	}
	bench_sort(o, rounds);
	bench_sort(p, rounds);
	bench_sort(r, rounds);
	*ours = o[rounds / 2];
	*peer = p[rounds / 2];
	*ratio = r[rounds / 2];
	return 0;
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
