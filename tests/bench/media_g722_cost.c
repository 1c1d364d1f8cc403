/* BENCH media_g722_cost_ratio: CPU per call for TDM <-> G.722 through our
 * pipeline components (law -> linear -> media_enc -> media_dec -> linear ->
 * law) over raw spandsp G.722 encode + decode of the same frames with the
 * same settings (64 kbit/s, 8 kHz mode, 20 ms). Best of several rounds
 * each, on thread CPU time. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <spandsp.h>

#include "media/media.h"
#include "tests/bench/bench.h"

#define FRAME 160
#define FRAMES 2500 /* 50 s of audio per round: G.722 is cheap */
#define ROUNDS 7

static int16_t pcm[FRAMES * FRAME];
static uint8_t law[FRAMES * FRAME];

static double run_ours(void)
{
	struct media_codec_cfg cfg = { .codec = MEDIA_CODEC_G722 };
	struct media_enc *e = NULL;
	struct media_dec *d = NULL;
	int16_t lin[FRAME], out[FRAME];
	uint8_t pl[FRAME], back[FRAME];
	size_t i, len, n;
	double t0, t;

	if (media_enc_alloc(&cfg, &e) || media_dec_alloc(&cfg, &d))
		return -1;
	t0 = bench_cpu_now();
	for (i = 0; i < FRAMES; i++) {
		media_law_to_linear(MEDIA_LAW_ULAW, law + i * FRAME, lin,
				    FRAME);
		if (media_enc_encode(e, lin, pl, sizeof(pl), &len) ||
		    media_dec_decode(d, pl, len, out, FRAME, &n))
			return -1;
		media_linear_to_law(MEDIA_LAW_ULAW, out, back, n);
	}
	t = bench_cpu_now() - t0;
	media_enc_free(e);
	media_dec_free(d);
	return t;
}

static double run_raw(void)
{
	g722_encode_state_t *e;
	g722_decode_state_t *d;
	int16_t out[FRAME];
	uint8_t pl[FRAME];
	size_t i;
	int len;
	double t0, t;

	e = g722_encode_init(NULL, 64000, G722_SAMPLE_RATE_8000);
	d = g722_decode_init(NULL, 64000, G722_SAMPLE_RATE_8000);
	if (!e || !d)
		return -1;
	t0 = bench_cpu_now();
	for (i = 0; i < FRAMES; i++) {
		len = g722_encode(e, pl, pcm + i * FRAME, FRAME);
		g722_decode(d, out, pl, len);
	}
	t = bench_cpu_now() - t0;
	g722_encode_free(e);
	g722_decode_free(d);
	return t;
}

int main(void)
{
	static int16_t tmp[FRAMES * FRAME];
	double ours, raw;

	bench_two_tone(pcm, law, tmp, FRAMES * FRAME);
	if (bench_best_of(run_ours, run_raw, ROUNDS, &ours, &raw))
		return 1;
	printf("BENCH media_g722_us_per_call_second %.1f us\n",
	       ours / (FRAMES * FRAME / 8000.0) * 1e6);
	printf("BENCH media_g722_cost_ratio %.3f ratio vs=spandsp ratio=%.3f\n",
	       ours / raw, ours / raw);
	return 0;
}
