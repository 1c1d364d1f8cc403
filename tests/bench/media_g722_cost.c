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

#define FRAME 160
#define FRAMES 2500 /* 50 s of audio per round: G.722 is cheap */
#define ROUNDS 7

static int16_t pcm[FRAMES * FRAME];
static uint8_t law[FRAMES * FRAME];

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

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
	t0 = cpu_now();
	for (i = 0; i < FRAMES; i++) {
		media_law_to_linear(MEDIA_LAW_ULAW, law + i * FRAME, lin,
				    FRAME);
		if (media_enc_encode(e, lin, pl, sizeof(pl), &len) ||
		    media_dec_decode(d, pl, len, out, FRAME, &n))
			return -1;
		media_linear_to_law(MEDIA_LAW_ULAW, out, back, n);
	}
	t = cpu_now() - t0;
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
	t0 = cpu_now();
	for (i = 0; i < FRAMES; i++) {
		len = g722_encode(e, pl, pcm + i * FRAME, FRAME);
		g722_decode(d, out, pl, len);
	}
	t = cpu_now() - t0;
	g722_encode_free(e);
	g722_decode_free(d);
	return t;
}

int main(void)
{
	struct media_tonegen g[2];
	static int16_t tmp[FRAMES * FRAME];
	double ours = 1e9, raw = 1e9, t;
	size_t i;
	int r;

	media_tonegen_init(&g[0], 440, -16);
	media_tonegen_init(&g[1], 1130, -16);
	media_tonegen_run(&g[0], pcm, FRAMES * FRAME);
	media_tonegen_run(&g[1], tmp, FRAMES * FRAME);
	for (i = 0; i < FRAMES * FRAME; i++)
		pcm[i] = (int16_t)(pcm[i] + tmp[i]);
	media_linear_to_law(MEDIA_LAW_ULAW, pcm, law, FRAMES * FRAME);
	media_law_to_linear(MEDIA_LAW_ULAW, law, pcm, FRAMES * FRAME);
	for (r = 0; r < ROUNDS; r++) {
		t = run_ours();
		if (t < 0)
			return 1;
		if (t < ours)
			ours = t;
		t = run_raw();
		if (t < 0)
			return 1;
		if (t < raw)
			raw = t;
	}
	printf("BENCH media_g722_us_per_call_second %.1f us\n",
	       ours / (FRAMES * FRAME / 8000.0) * 1e6);
	printf("BENCH media_g722_cost_ratio %.3f ratio vs=spandsp ratio=%.3f\n",
	       ours / raw, ours / raw);
	return 0;
}
