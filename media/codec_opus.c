/* Opus back end (RFC 6716, RTP per RFC 7587). The TDM leg is 8 kHz, so the
 * encoder and decoder run at 8 kHz mono: libopus resamples internally for
 * nothing and the RTP clock still advances at 48 kHz (registry:
 * ts_per_sample 6). Loss is concealed by Opus' own PLC, or by the in-band
 * FEC of the packet after the gap when it carries some. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <opus.h>

#include "media/priv.h"

#define OPUS_RATE 8000
#define OPUS_STEP 20	     /* 2.5 ms at 8 kHz: the smallest Opus frame */
#define OPUS_MAX_SAMPLES 960 /* 120 ms at 8 kHz: the longest packet */
#define OPUS_DEF_BITRATE 16000
#define OPUS_DEF_COMPLEXITY 5

static int op_enc_new(const struct media_codec_cfg *cfg, void **st)
{
	OpusEncoder *e;
	int err;

	e = opus_encoder_create(OPUS_RATE, 1, OPUS_APPLICATION_VOIP, &err);
	if (!e)
		return err == OPUS_ALLOC_FAIL ? ENOMEM : EINVAL;
	opus_encoder_ctl(e, OPUS_SET_BITRATE(cfg->bitrate ? (int)cfg->bitrate
							  : OPUS_DEF_BITRATE));
	opus_encoder_ctl(e, OPUS_SET_COMPLEXITY(cfg->complexity
							? (int)cfg->complexity
							: OPUS_DEF_COMPLEXITY));
	opus_encoder_ctl(e, OPUS_SET_INBAND_FEC(cfg->fec ? 1 : 0));
	opus_encoder_ctl(e, OPUS_SET_PACKET_LOSS_PERC((int)cfg->loss_pct));
	opus_encoder_ctl(e, OPUS_SET_DTX(cfg->dtx ? 1 : 0));
	opus_encoder_ctl(e, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
	/* 8 kHz input holds nothing above 4 kHz anyway. */
	opus_encoder_ctl(e, OPUS_SET_MAX_BANDWIDTH(OPUS_BANDWIDTH_NARROWBAND));
	*st = e;
	return 0;
}

static int op_enc(void *st, const int16_t *pcm, size_t n, uint8_t *out,
		  size_t size, size_t *len)
{
	opus_int32 r;

	if (size > 1275)
		size = 1275;
	r = opus_encode(st, pcm, (int)n, out, (opus_int32)size);
	if (r == OPUS_BUFFER_TOO_SMALL)
		return ENOSPC;
	if (r < 0)
		return EIO;
	*len = (size_t)r;
	return 0;
}

static void op_enc_free(void *st)
{
	opus_encoder_destroy(st);
}

static int op_dec_new(const struct media_codec_cfg *cfg, void **st)
{
	OpusDecoder *d;
	int err;

	d = opus_decoder_create(OPUS_RATE, 1, &err);
	if (!d)
		return err == OPUS_ALLOC_FAIL ? ENOMEM : EINVAL;
	*st = d;
	return 0;
}

static size_t op_samples(const void *st, const uint8_t *p, size_t len)
{
	int n = opus_packet_get_nb_samples(p, (opus_int32)len, OPUS_RATE);

	return n > 0 && n <= OPUS_MAX_SAMPLES ? (size_t)n : 0;
}

static int op_dec(void *st, const uint8_t *p, size_t len, int16_t *pcm,
		  size_t max, size_t *n)
{
	int r;

	if (op_samples(st, p, len) > max)
		return ENOSPC;
	r = opus_decode(st, p, (opus_int32)len, pcm, (int)max, 0);
	if (r < 0)
		return EPROTO;
	*n = (size_t)r;
	return 0;
}

/* Opus conceals in multiples of 2.5 ms; a ragged tail is taken from one
 * more step (the surplus is dropped, a sub-millisecond skip). */
static void op_plc(OpusDecoder *d, int16_t *pcm, size_t n)
{
	int16_t tmp[OPUS_STEP];
	size_t whole, chunk;
	int r;

	whole = n - n % OPUS_STEP;
	while (whole) {
		chunk = whole > OPUS_MAX_SAMPLES ? OPUS_MAX_SAMPLES : whole;
		r = opus_decode(d, NULL, 0, pcm, (int)chunk, 0);
		if (r <= 0)
			memset(pcm, 0, chunk * sizeof(*pcm));
		pcm += chunk;
		whole -= chunk;
	}
	if (n % OPUS_STEP) {
		r = opus_decode(d, NULL, 0, tmp, OPUS_STEP, 0);
		if (r <= 0)
			memset(tmp, 0, sizeof(tmp));
		memcpy(pcm, tmp, (n % OPUS_STEP) * sizeof(*pcm));
	}
}

static void op_conceal(void *st, const uint8_t *next, size_t next_len,
		       int16_t *pcm, size_t n)
{
	size_t f = 0;
	int r;

	/* libopus 1.3 has no opus_packet_has_lbrr(); decoding FEC from a
	 * packet without any falls back to PLC inside libopus. */
	if (next && next_len)
		f = op_samples(st, next, next_len);
	/* FEC rebuilds the last frame before next; PLC covers the rest. The
	 * decoder wants the exact missing duration for FEC. */
	if (!f || f > n || n % OPUS_STEP) {
		op_plc(st, pcm, n);
		return;
	}
	if (n > f)
		op_plc(st, pcm, n - f);
	r = opus_decode(st, next, (opus_int32)next_len, pcm + (n - f), (int)f,
			1);
	if (r <= 0)
		op_plc(st, pcm + (n - f), f);
}

static void op_dec_free(void *st)
{
	opus_decoder_destroy(st);
}

const struct media_codec_be media_be_opus = {
	.enc_new = op_enc_new,
	.enc = op_enc,
	.enc_free = op_enc_free,
	.dec_new = op_dec_new,
	.dec = op_dec,
	.samples = op_samples,
	.conceal = op_conceal,
	.dec_free = op_dec_free,
};

/* ---- fmtp (RFC 7587 section 6.1) ---- */

static int parse_uint(const char *v, size_t len, unsigned max, unsigned *out)
{
	unsigned x = 0;
	size_t i;

	if (!len || len > 9)
		return EINVAL;
	for (i = 0; i < len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return EINVAL;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	if (x > max)
		return EINVAL;
	*out = x;
	return 0;
}

int media_opus_fmtp_parse(const char *fmtp, struct media_codec_cfg *cfg)
{
	struct media_codec_cfg c;
	const char *p, *end, *eq;
	unsigned v;

	if (!fmtp || !cfg)
		return EINVAL;
	c = *cfg;
	for (p = fmtp; *p; p = *end ? end + 1 : end) {
		size_t klen, vlen;

		while (*p == ' ' || *p == '\t')
			p++;
		end = strchr(p, ';');
		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq) {
			if (end != p)
				return EINVAL;
			continue;
		}
		klen = (size_t)(eq - p);
		vlen = (size_t)(end - eq - 1);
		while (vlen && (eq[vlen] == ' ' || eq[vlen] == '\t'))
			vlen--;
#define KEY(k) (klen == sizeof(k) - 1 && !strncasecmp(p, k, klen))
		if (KEY("maxplaybackrate")) {
			if (parse_uint(eq + 1, vlen, 48000, &v) || v < 8000)
				return EINVAL;
			c.maxplaybackrate = v;
		} else if (KEY("useinbandfec") || KEY("usedtx")) {
			if (parse_uint(eq + 1, vlen, 1, &v))
				return EINVAL;
			if (KEY("usedtx"))
				c.dtx = v;
			else
				c.fec = v;
		} else if (KEY("maxaveragebitrate")) {
			if (parse_uint(eq + 1, vlen, 510000, &v) || v < 6000)
				return EINVAL;
			c.bitrate = v;
		}
#undef KEY
	}
	*cfg = c;
	return 0;
}

int media_opus_fmtp_build(const struct media_codec_cfg *cfg, char *buf,
			  size_t size)
{
	int n;

	if (!cfg || !buf)
		return EINVAL;
	/* We play out (and capture) at 8 kHz: the remote need not send more. */
	n = snprintf(buf, size,
		     "maxplaybackrate=8000;sprop-maxcapturerate=8000;"
		     "useinbandfec=1%s",
		     cfg->dtx ? ";usedtx=1" : "");
	return n < 0 || (size_t)n >= size ? ENOSPC : 0;
}
