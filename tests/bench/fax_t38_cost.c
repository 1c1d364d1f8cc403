/* t38_gateway_cost_ratio vs=spandsp: CPU per fax channel through
 * media_t38leg (UDPTL decode and recovery, the gateway wrapper, law
 * conversion) over spandsp's bare t38_gateway fed the same audio and the
 * same IFPs; t38_channels_per_core: line seconds one core carries through
 * media_t38leg per second of CPU. The input is recorded once from a
 * simulated one-page V.17 ECM fax (PSTN machine sending), then replayed.
 *
 * Like for like: both sides get the same blocks and IFPs in the same
 * order, spandsp set up with the options media_t38gw gives it, the same
 * number of runs, interleaved; the figures are medians (bench.h).
 * What only ours pays is what it adds: law conversion, UDPTL decoding,
 * redundancy and encoding, the playout hold, the trace.
 *
 * Profiling: FAX_COST_ONLY=leg|spandsp runs one side FAX_COST_RUNS times
 * (default 40) and prints its mean, e.g. under perf record or callgrind
 * (subtract a run with FAX_COST_RUNS=0: the recording is in both). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spandsp.h>

#include "tests/bench/bench.h"
#include "tests/sim/faxsim.h"

#define MAXEV 40000
#define BLOCK MEDIA_T38_BLOCK
#define ROUNDS 41

/* What the gateway was given, in order: a TDM block or a datagram. */
struct ev {
	bool tdm;
	uint16_t len;
	uint8_t *p;
};

static struct ev evs[MAXEV];
static unsigned nev, nblocks;
static struct media_udptl_pkt dec[MAXEV]; /* datagrams decoded for spandsp */
static int16_t (*lin)[BLOCK];

static void add(bool tdm, const uint8_t *p, size_t len)
{
	if (nev == MAXEV)
		return;
	evs[nev].tdm = tdm;
	evs[nev].len = (uint16_t)len;
	evs[nev].p = malloc(len);
	memcpy(evs[nev].p, p, len);
	nev++;
	nblocks += tdm;
}

static void rec_tdm(void *arg, const uint8_t *law, size_t n)
{
	(void)arg;
	add(true, law, n);
}

static void rec_dgram(void *arg, const uint8_t *p, size_t len)
{
	(void)arg;
	add(false, p, len);
}

static int drop(void *arg, const uint8_t *p, size_t len)
{
	(void)arg;
	(void)p;
	(void)len;
	return 0;
}

static double run_leg(void)
{
	struct media_t38leg_cfg c = { .law = MEDIA_LAW_ULAW,
				      .t38 = { .version = 3, .ecm = true },
				      .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct media_t38leg *l;
	uint8_t out[BLOCK];
	double t0;

	if (media_t38leg_alloc(&c, drop, NULL, &l))
		return -1;
	t0 = bench_cpu_now();
	for (unsigned i = 0; i < nev; i++) {
		if (evs[i].tdm)
			media_t38leg_tdm(l, evs[i].p, out, BLOCK);
		else
			media_t38leg_udptl_in(l, evs[i].p, evs[i].len);
	}
	t0 = bench_cpu_now() - t0;
	media_t38leg_free(l);
	return t0;
}

static int bare_tx(t38_core_state_t *s, void *user, const uint8_t *buf, int len,
		   int count)
{
	(void)s;
	(void)user;
	(void)buf;
	(void)len;
	(void)count;
	return 0;
}

/* spandsp alone: the same audio (already linear) and the same IFPs
 * (primaries already decoded), no UDPTL, no law conversion. */
static double run_bare(void)
{
	static const uint8_t blank[16] = { 0xff };
	t38_gateway_state_t *g = t38_gateway_init(NULL, bare_tx, NULL);
	t38_core_state_t *core;
	int16_t out[BLOCK];
	unsigned b = 0;
	double t0;

	if (!g)
		return -1;
	core = t38_gateway_get_t38_core_state(g);
	/* what media/t38gw.c configure() sets for this leg's options */
	t38_gateway_set_supported_modems(
		g, T30_SUPPORT_V27TER | T30_SUPPORT_V29 | T30_SUPPORT_V17);
	t38_gateway_set_ecm_capability(g, 1);
	t38_gateway_set_transmit_on_idle(g, 1);
	t38_gateway_set_tep_mode(g, 0);
	t38_gateway_set_fill_bit_removal(g, 0);
	t38_gateway_set_nsx_suppression(g, blank, 10, blank, 10);
	t38_set_t38_version(core, 3);
	t38_set_data_rate_management_method(
		core, T38_DATA_RATE_MANAGEMENT_TRANSFERRED_TCF);
	t38_set_fill_bit_removal(core, 0);
	t38_set_max_datagram_size(core, MEDIA_T38_DEFAULT_DGRAM);
	t38_set_sequence_number_handling(core, 1);
	t0 = bench_cpu_now();
	for (unsigned i = 0; i < nev; i++) {
		if (evs[i].tdm) {
			t38_gateway_rx(g, lin[b], BLOCK);
			t38_gateway_tx(g, out, BLOCK);
			b++;
		} else if (dec[i].primary.len) {
			t38_core_rx_ifp_packet(core, dec[i].primary.p,
					       (int)dec[i].primary.len,
					       dec[i].seq);
		}
	}
	t0 = bench_cpu_now() - t0;
	t38_gateway_free(g);
	return t0;
}

int main(void)
{
	struct faxsim_opts o = { .seed = 3,
				 .pstn_sends = true,
				 .ecm = true,
				 .ec = -1,
				 .rec_tdm = rec_tdm,
				 .rec_dgram = rec_dgram };
	struct faxsim_result r;
	const char *only = getenv("FAX_COST_ONLY");
	double ours, peer, ratio;
	unsigned b = 0;

	if (faxsim_run(&o, &r) || !r.ok) {
		fprintf(stderr, "fax_t38_cost: the recorded fax failed\n");
		return 1;
	}
	lin = calloc(nblocks, sizeof(*lin));
	if (!lin)
		return 1;
	for (unsigned i = 0; i < nev; i++) {
		if (evs[i].tdm)
			media_law_to_linear(MEDIA_LAW_ULAW, evs[i].p, lin[b++],
					    BLOCK);
		else if (media_udptl_decode(evs[i].p, evs[i].len, 512, &dec[i],
					    NULL))
			dec[i].primary.len = 0;
	}
	if (only) {
		const char *runs = getenv("FAX_COST_RUNS");
		int n = runs ? atoi(runs) : 40;
		double t = 0;

		for (int i = 0; i < n; i++)
			t += strcmp(only, "leg") ? run_bare() : run_leg();
		printf("%s: %.6f s per run\n", only, n > 0 ? t / n : 0);
		return 0;
	}
	if (bench_median_of(run_leg, run_bare, ROUNDS, &ours, &peer, &ratio))
		return 1;
	printf("BENCH t38_gateway_cost_ratio %.2f ratio vs=spandsp\n", ratio);
	printf("BENCH t38_channels_per_core %.0f channels\n",
	       (double)nblocks * BLOCK / MEDIA_RATE / ours);
	return 0;
}
