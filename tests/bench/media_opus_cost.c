/* BENCH media_opus_cost_ratio: CPU per call for TDM <-> Opus through our
 * pipeline components (law -> linear -> media_enc -> media_dec -> linear ->
 * law) over raw libopus encode + decode of the same frames with the same
 * settings (8 kHz mono, VoIP, 16 kbit/s, complexity 5, 20 ms). Best of
 * several rounds each, on thread CPU time, so other load on the machine
 * counts as little as it can. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <opus.h>

#include "media/media.h"
#include "tests/bench/bench.h"

#define FRAME 160
#define FRAMES 500 /* 10 s of audio per round */
#define ROUNDS 7

static int16_t pcm[FRAMES * FRAME];
static uint8_t law[FRAMES * FRAME];

static double run_ours(void)
{
	struct media_codec_cfg cfg = { .codec = MEDIA_CODEC_OPUS };
	struct media_enc *e = NULL;
	struct media_dec *d = NULL;
	int16_t lin[FRAME], out[FRAME];
	uint8_t pl[1500], back[FRAME];
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
	OpusEncoder *e;
	OpusDecoder *d;
	int16_t out[FRAME];
	uint8_t pl[1500];
	int err, len;
	size_t i;
	double t0, t;

	e = opus_encoder_create(8000, 1, OPUS_APPLICATION_VOIP, &err);
	d = opus_decoder_create(8000, 1, &err);
	if (!e || !d)
		return -1;
	opus_encoder_ctl(e, OPUS_SET_BITRATE(16000));
	opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(5));
	opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(0));
	opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC(0));
	opus_encoder_ctl(e, OPUS_SET_DTX(0));
	opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	opus_encoder_ctl(e, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	t0 = bench_cpu_now();
	for (i = 0; i < FRAMES; i++) {
		len = opus_encode(e, pcm + i * FRAME, FRAME, pl, 1275);
		if (len < 0 || opus_decode(d, pl, len, out, FRAME, 0) < 0)
			return -1;
	}
	t = bench_cpu_now() - t0;
	opus_encoder_destroy(e);
	opus_decoder_destroy(d);
	return t;
}

int main(void)
{
	static int16_t tmp[FRAMES * FRAME];
	double ours, raw;

	bench_two_tone(pcm, law, tmp, FRAMES * FRAME);
	if (bench_best_of(run_ours, run_raw, ROUNDS, &ours, &raw))
		return 1;
	printf("BENCH media_opus_us_per_call_second %.1f us\n",
	       ours / (FRAMES * FRAME / 8000.0) * 1e6);
	printf("BENCH media_opus_cost_ratio %.3f ratio vs=libopus ratio=%.3f\n",
	       ours / raw, ours / raw);
	return 0;
}
