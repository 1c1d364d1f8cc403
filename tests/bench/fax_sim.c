/* Fax benchmarks in the simulation (tests/sim/faxsim.c):
 *   fax_sim_speedup: simulated seconds per wall-clock second, one-page
 *     V.17 T.38 fax through the whole simulated path;
 *   fax_success_loss1/5/10: share of 100 seeded one-page T.38 faxes
 *     delivered with every page equal at 1, 5, 10 % random loss both
 *     ways, default redundancy, 20 ms jitter; half each way, half with
 *     ECM; fax_g711_success_loss1/5/10 the same over G.711 pass-through. */
#include <stdio.h>
#include <time.h>

#include "tests/sim/faxsim.h"

#define FAXES 100

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int success(bool g711, double loss, unsigned depth, unsigned *ok)
{
	*ok = 0;
	for (unsigned i = 0; i < FAXES; i++) {
		struct faxsim_opts o = { .seed = 7000 + i,
					 .g711 = g711,
					 .pstn_sends = i % 2 == 0,
					 .ecm = i % 4 < 2,
					 .loss = loss,
					 .jitter_ms = 20,
					 .ec = -1,
					 .depth_image = depth };
		struct faxsim_result r;

		if (faxsim_run(&o, &r))
			return -1;
		*ok += r.ok;
	}
	return 0;
}

int main(void)
{
	struct faxsim_opts o = {
		.seed = 1, .pstn_sends = true, .ecm = true, .ec = -1
	};
	struct faxsim_result r;
	static const unsigned pct[] = { 1, 5, 10 };
	double line = 0, t0, wall;
	unsigned ok;

	t0 = wall_now();
	for (int i = 0; i < 10; i++) {
		o.seed = (uint64_t)i + 1;
		if (faxsim_run(&o, &r) || !r.ok) {
			fprintf(stderr, "fax_sim: the reference fax failed\n");
			return 1;
		}
		line += r.line_s;
	}
	wall = wall_now() - t0;
	printf("BENCH fax_sim_speedup %.0f realtime\n", line / wall);
	for (unsigned i = 0; i < 3; i++) {
		if (success(false, pct[i] / 100.0, 0, &ok))
			return 1;
		printf("BENCH fax_success_loss%u %u %%\n", pct[i],
		       ok * 100 / FAXES);
		if (success(true, pct[i] / 100.0, 0, &ok))
			return 1;
		printf("BENCH fax_g711_success_loss%u %u %%\n", pct[i],
		       ok * 100 / FAXES);
	}
	/* Beside the default (image redundancy 2, which loses an image
	 * IFP whenever three datagrams in a row are lost: non-ECM pages
	 * then miss rows), the same with image redundancy 4. */
	for (unsigned i = 1; i < 3; i++) {
		if (success(false, pct[i] / 100.0, 4, &ok))
			return 1;
		printf("BENCH fax_success_loss%u_image_red4 %u %%\n", pct[i],
		       ok * 100 / FAXES);
	}
	return 0;
}
