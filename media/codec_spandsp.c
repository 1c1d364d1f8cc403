/* Waveform codec back ends through spandsp: G.722, G.726-32 and GSM 06.10.
 *
 * G.722: spandsp's 8 kHz option feeds the 8 kHz TDM signal straight into
 * the lower sub-band and leaves the upper one silent, which is what the
 * QMF analysis of a band-limited 8 kHz-sampled signal would give; no
 * resampling filter of ours is needed and the stream stays a valid
 * 64 kbit/s G.722 stream for wideband terminals.
 *
 * G.726-32: RFC 3551 4.5.4 packs the first code word into the four least
 * significant bits of an octet; spandsp calls that G726_PACKING_RIGHT
 * (checked: codes 0xf then 0x7 pack to 0x7f). AAL2 (I.366.2) puts the first
 * code word in the most significant bits: G726_PACKING_LEFT.
 *
 * GSM 06.10: RFC 3551 4.5.8 frames of 33 octets with the 0xD signature,
 * spandsp's VoIP packing. */
#include <errno.h>
#include <stdlib.h>

#include <spandsp.h>

#include "media/priv.h"

#define GSM_FRAME 160
#define GSM_BYTES 33

/* ---- G.722 ---- */

static int be_g722_enc_new(const struct media_codec_cfg *cfg, void **st)
{
	*st = g722_encode_init(NULL, 64000, G722_SAMPLE_RATE_8000);
	return *st ? 0 : ENOMEM;
}

static int be_g722_enc(void *st, const int16_t *pcm, size_t n, uint8_t *out,
		       size_t size, size_t *len)
{
	if (size < n)
		return ENOSPC;
	*len = (size_t)g722_encode(st, out, pcm, (int)n);
	return 0;
}

static void be_g722_enc_free(void *st)
{
	g722_encode_free(st);
}

static int be_g722_dec_new(const struct media_codec_cfg *cfg, void **st)
{
	*st = g722_decode_init(NULL, 64000, G722_SAMPLE_RATE_8000);
	return *st ? 0 : ENOMEM;
}

static size_t be_g722_samples(const void *st, const uint8_t *p, size_t len)
{
	return len; /* one octet per 8 kHz sample at 64 kbit/s */
}

static int be_g722_dec(void *st, const uint8_t *p, size_t len, int16_t *pcm,
		       size_t max, size_t *n)
{
	if (len > max)
		return ENOSPC;
	*n = (size_t)g722_decode(st, pcm, p, (int)len);
	return 0;
}

static void be_g722_dec_free(void *st)
{
	g722_decode_free(st);
}

const struct media_codec_be media_be_g722 = {
	.enc_new = be_g722_enc_new,
	.enc = be_g722_enc,
	.enc_free = be_g722_enc_free,
	.dec_new = be_g722_dec_new,
	.dec = be_g722_dec,
	.samples = be_g722_samples,
	.dec_free = be_g722_dec_free,
};

/* ---- G.726-32 ---- */

static int be_g726_new(const struct media_codec_cfg *cfg, void **st)
{
	int packing = cfg->codec == MEDIA_CODEC_AAL2_G726_32
			      ? G726_PACKING_LEFT
			      : G726_PACKING_RIGHT;

	*st = g726_init(NULL, 32000, G726_ENCODING_LINEAR, packing);
	return *st ? 0 : ENOMEM;
}

static int be_g726_enc(void *st, const int16_t *pcm, size_t n, uint8_t *out,
		       size_t size, size_t *len)
{
	if (size < n / 2)
		return ENOSPC;
	*len = (size_t)g726_encode(st, out, pcm, (int)n);
	return 0;
}

static size_t be_g726_samples(const void *st, const uint8_t *p, size_t len)
{
	return len * 2;
}

static int be_g726_dec(void *st, const uint8_t *p, size_t len, int16_t *pcm,
		       size_t max, size_t *n)
{
	if (len * 2 > max)
		return ENOSPC;
	*n = (size_t)g726_decode(st, pcm, p, (int)len);
	return 0;
}

static void be_g726_free(void *st)
{
	g726_free(st);
}

const struct media_codec_be media_be_g726 = {
	.enc_new = be_g726_new,
	.enc = be_g726_enc,
	.enc_free = be_g726_free,
	.dec_new = be_g726_new,
	.dec = be_g726_dec,
	.samples = be_g726_samples,
	.dec_free = be_g726_free,
};

/* ---- GSM 06.10 ---- */

static int be_gsm_new(const struct media_codec_cfg *cfg, void **st)
{
	*st = gsm0610_init(NULL, GSM0610_PACKING_VOIP);
	return *st ? 0 : ENOMEM;
}

static int be_gsm_enc(void *st, const int16_t *pcm, size_t n, uint8_t *out,
		      size_t size, size_t *len)
{
	if (size < n / GSM_FRAME * GSM_BYTES)
		return ENOSPC;
	*len = (size_t)gsm0610_encode(st, out, pcm, (int)n);
	return 0;
}

/* Whole frames, each starting with the 0xD signature nibble. */
static size_t be_gsm_samples(const void *st, const uint8_t *p, size_t len)
{
	size_t i;

	if (len % GSM_BYTES)
		return 0;
	for (i = 0; i < len; i += GSM_BYTES)
		if ((p[i] >> 4) != 0xd)
			return 0;
	return len / GSM_BYTES * GSM_FRAME;
}

static int be_gsm_dec(void *st, const uint8_t *p, size_t len, int16_t *pcm,
		      size_t max, size_t *n)
{
	if (len / GSM_BYTES * GSM_FRAME > max)
		return ENOSPC;
	*n = (size_t)gsm0610_decode(st, pcm, p, (int)len);
	return 0;
}

static void be_gsm_free(void *st)
{
	gsm0610_free(st);
}

const struct media_codec_be media_be_gsm = {
	.enc_new = be_gsm_new,
	.enc = be_gsm_enc,
	.enc_free = be_gsm_free,
	.dec_new = be_gsm_new,
	.dec = be_gsm_dec,
	.samples = be_gsm_samples,
	.dec_free = be_gsm_free,
};
