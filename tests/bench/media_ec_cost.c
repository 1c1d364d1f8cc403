/* BENCH media_ec_us_per_call_second: CPU of the line echo canceller per
 * second of call at its default 64 ms tail, while it adapts (far end
 * talking: the costly case). Sizes how many calls a core can cancel. */
#include <stdio.h>
#include <time.h>

#include "media/media.h"
#include "tests/bench/bench.h"

#define SECS 10
#define ROUNDS 5

int main(void)
{
	struct media_ec *ec = NULL;
	int16_t tx[160], rx[160];
	uint32_t rng = 1;
	double best = 1e9, t0, t;
	int r, k, i;

	for (r = 0; r < ROUNDS; r++) {
		if (media_ec_alloc(0, &ec))
			return 1;
		t0 = bench_cpu_now();
		for (k = 0; k < SECS * 50; k++) {
			for (i = 0; i < 160; i++) {
				rng = rng * 1664525u + 1013904223u;
				tx[i] = (int16_t)((int32_t)rng >> 20);
				rx[i] = (int16_t)(tx[i] / 4);
			}
			media_ec_process(ec, tx, rx, 160);
		}
		t = bench_cpu_now() - t0;
		if (t < best)
			best = t;
		media_ec_free(ec);
	}
	printf("BENCH media_ec_us_per_call_second %.1f us\n",
	       best / SECS * 1e6);
	return 0;
}
