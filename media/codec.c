/* The codec registry (names, clocks, payload types, fmtp defaults and
 * ptime rules for the SDP layer) and the encoder/decoder objects that the
 * session calls per packet. The back ends live in codec_*.c; G.711 is here
 * because it is a table lookup. Waveform codecs share spandsp's PLC. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spandsp.h>

#include "media/priv.h"

static const struct media_codec_info infos[MEDIA_CODEC_COUNT] = {
	[MEDIA_CODEC_PCMU] = { "PCMU", "pcmu", 8000, 1, 0, 0, NULL, 10, 10, 60,
			       1 },
	[MEDIA_CODEC_PCMA] = { "PCMA", "pcma", 8000, 1, 8, 8, NULL, 10, 10, 60,
			       1 },
	/* RFC 3551 4.5.2: the clock rate is 8000 though it samples at 16 kHz
	 * (an error in RFC 1890 kept for compatibility). */
	[MEDIA_CODEC_G722] = { "G722", "g722", 8000, 1, 9, 9, NULL, 10, 10, 60,
			       1 },
	[MEDIA_CODEC_G726_32] = { "G726-32", "g726-32", 8000, 1, -1, 112, NULL,
				  10, 10, 60, 1 },
	[MEDIA_CODEC_AAL2_G726_32] = { "AAL2-G726-32", "aal2-g726-32", 8000, 1,
				       -1, 113, NULL, 10, 10, 60, 1 },
	[MEDIA_CODEC_GSM] = { "GSM", "gsm", 8000, 1, 3, 3, NULL, 20, 20, 60,
			      1 },
	/* RFC 7587: always opus/48000/2 whatever is coded; we code narrowband
	 * (the TDM leg is 8 kHz), so say so with maxplaybackrate. */
	[MEDIA_CODEC_OPUS] = { "opus", "opus", 48000, 2, -1, 111,
			       "maxplaybackrate=8000;sprop-maxcapturerate=8000;"
			       "useinbandfec=1",
			       10, 10, 60, 6 },
};

const struct media_codec_info *media_codec_get(enum media_codec c)
{
	if ((unsigned)c >= MEDIA_CODEC_COUNT)
		return NULL;
	return &infos[c];
}

const char *media_codec_name(enum media_codec c)
{
	if ((unsigned)c >= MEDIA_CODEC_COUNT)
		return "?";
	return infos[c].name;
}

int media_codec_lookup(const char *name)
{
	unsigned i;

	if (!name)
		return -1;
	for (i = 0; i < MEDIA_CODEC_COUNT; i++)
		if (!strcasecmp(name, infos[i].name) ||
		    !strcasecmp(name, infos[i].cfg_name))
			return (int)i;
	return -1;
}

uint8_t media_codec_static_pt(enum media_codec c)
{
	if ((unsigned)c >= MEDIA_CODEC_COUNT)
		return 0;
	return infos[c].default_pt;
}

bool media_codec_ptime_ok(enum media_codec c, unsigned ptime_ms)
{
	const struct media_codec_info *i = media_codec_get(c);

	if (!i || ptime_ms < i->min_ptime || ptime_ms > i->max_ptime ||
	    ptime_ms % i->frame_ms)
		return false;
	/* Opus codes 10, 20, 40 and 60 ms as one frame; 30 and 50 would need
	 * several frames per packet, which we do not send. */
	if (c == MEDIA_CODEC_OPUS && (ptime_ms == 30 || ptime_ms == 50))
		return false;
	return true;
}

size_t media_codec_max_payload(enum media_codec c, unsigned ptime_ms)
{
	size_t samples = (size_t)ptime_ms * (MEDIA_RATE / 1000);

	switch (c) {
	case MEDIA_CODEC_PCMU:
	case MEDIA_CODEC_PCMA:
	case MEDIA_CODEC_G722: /* 64 kbit/s: one octet per 8 kHz sample */
		return samples;
	case MEDIA_CODEC_G726_32:
	case MEDIA_CODEC_AAL2_G726_32:
		return samples / 2;
	case MEDIA_CODEC_GSM:
		return ptime_ms / 20 * 33;
	case MEDIA_CODEC_OPUS:
		return 1275; /* one Opus frame at most (RFC 6716 3.2.1) */
	case MEDIA_CODEC_COUNT:
		break;
	}
	return 0;
}

/* ---- G.711 back end ---- */

static int pcm_new(const struct media_codec_cfg *cfg, void **st)
{
	/* The law is the state: no allocation. */
	*st = cfg->codec == MEDIA_CODEC_PCMA ? (void *)&infos[MEDIA_CODEC_PCMA]
					     : (void *)&infos[MEDIA_CODEC_PCMU];
	return 0;
}

static enum media_law pcm_law(const void *st)
{
	return st == &infos[MEDIA_CODEC_PCMA] ? MEDIA_LAW_ALAW : MEDIA_LAW_ULAW;
}

static int pcm_enc(void *st, const int16_t *pcm, size_t n, uint8_t *out,
		   size_t size, size_t *len)
{
	if (size < n)
		return ENOSPC;
	media_linear_to_law(pcm_law(st), pcm, out, n);
	*len = n;
	return 0;
}

static int pcm_dec(void *st, const uint8_t *p, size_t len, int16_t *pcm,
		   size_t max, size_t *n)
{
	if (len > max)
		return ENOSPC;
	media_law_to_linear(pcm_law(st), p, pcm, len);
	*n = len;
	return 0;
}

static size_t pcm_samples(const void *st, const uint8_t *p, size_t len)
{
	return len;
}

static void pcm_free(void *st)
{
}

static const struct media_codec_be be_g711 = {
	.enc_new = pcm_new,
	.enc = pcm_enc,
	.enc_free = pcm_free,
	.dec_new = pcm_new,
	.dec = pcm_dec,
	.samples = pcm_samples,
	.dec_free = pcm_free,
};

static const struct media_codec_be *backend(enum media_codec c)
{
	switch (c) {
	case MEDIA_CODEC_PCMU:
	case MEDIA_CODEC_PCMA:
		return &be_g711;
	case MEDIA_CODEC_G722:
		return &media_be_g722;
	case MEDIA_CODEC_G726_32:
	case MEDIA_CODEC_AAL2_G726_32:
		return &media_be_g726;
	case MEDIA_CODEC_GSM:
		return &media_be_gsm;
	case MEDIA_CODEC_OPUS:
		return &media_be_opus;
	case MEDIA_CODEC_COUNT:
		break;
	}
	return NULL;
}

/* ---- encoder and decoder objects ---- */

/* Owned by the media session that allocated it. */
struct media_enc {
	const struct media_codec_be *be;
	void *st;
	size_t samples;
	uint32_t ts_step;
};

/* Owned by the media session that allocated it. */
struct media_dec {
	const struct media_codec_be *be;
	void *st;
	enum media_codec codec;
	plc_state_t plc; /* waveform codecs only */
};

static int check_cfg(const struct media_codec_cfg *cfg, unsigned *ptime)
{
	if (!cfg || !backend(cfg->codec))
		return EINVAL;
	*ptime = cfg->ptime_ms ? cfg->ptime_ms : 20;
	if (!media_codec_ptime_ok(cfg->codec, *ptime) || cfg->complexity > 10 ||
	    cfg->loss_pct > 100)
		return EINVAL;
	return 0;
}

int media_enc_alloc(const struct media_codec_cfg *cfg, struct media_enc **out)
{
	struct media_enc *e;
	unsigned ptime;
	int err;

	if (!out || check_cfg(cfg, &ptime))
		return EINVAL;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->be = backend(cfg->codec);
	e->samples = (size_t)ptime * (MEDIA_RATE / 1000);
	e->ts_step = (uint32_t)e->samples * infos[cfg->codec].ts_per_sample;
	err = e->be->enc_new(cfg, &e->st);
	if (err) {
		free(e);
		return err;
	}
	*out = e;
	return 0;
}

void media_enc_free(struct media_enc *e)
{
	if (!e)
		return;
	e->be->enc_free(e->st);
	free(e);
}

size_t media_enc_samples(const struct media_enc *e)
{
	return e->samples;
}

uint32_t media_enc_ts_step(const struct media_enc *e)
{
	return e->ts_step;
}

int media_enc_encode(struct media_enc *e, const int16_t *pcm, uint8_t *out,
		     size_t size, size_t *len)
{
	if (!e || !pcm || !out || !len)
		return EINVAL;
	return e->be->enc(e->st, pcm, e->samples, out, size, len);
}

/*
 * spandsp 0.0.6's plc_fillin() first rotates its history buffer with a
 * memcpy whose source and destination overlap (undefined behaviour, and an
 * AddressSanitizer abort) whenever the ring's start is in its first half.
 * Rotating it ourselves, with memmove, leaves spandsp nothing to rotate.
 */
static void plc_fillin_safe(plc_state_t *st, int16_t *pcm, int n)
{
	if (st->buf_ptr > 0 && st->buf_ptr < PLC_HISTORY_LEN) {
		int16_t head[PLC_HISTORY_LEN];
		size_t k = (size_t)st->buf_ptr;

		memcpy(head, st->history, k * sizeof(int16_t));
		memmove(st->history, st->history + k,
			(PLC_HISTORY_LEN - k) * sizeof(int16_t));
		memcpy(st->history + PLC_HISTORY_LEN - k, head,
		       k * sizeof(int16_t));
		st->buf_ptr = 0;
	}
	plc_fillin(st, pcm, n);
}

int media_dec_alloc(const struct media_codec_cfg *cfg, struct media_dec **out)
{
	struct media_dec *d;
	unsigned ptime;
	int err;

	if (!out || check_cfg(cfg, &ptime))
		return EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->be = backend(cfg->codec);
	d->codec = cfg->codec;
	plc_init(&d->plc);
	err = d->be->dec_new(cfg, &d->st);
	if (err) {
		free(d);
		return err;
	}
	*out = d;
	return 0;
}

void media_dec_free(struct media_dec *d)
{
	if (!d)
		return;
	d->be->dec_free(d->st);
	free(d);
}

uint32_t media_dec_duration(const struct media_dec *d, const uint8_t *payload,
			    size_t len)
{
	size_t n;

	if (!d || !payload || !len)
		return 0;
	n = d->be->samples(d->st, payload, len);
	if (n > UINT32_MAX / 8)
		return 0;
	return (uint32_t)n * infos[d->codec].ts_per_sample;
}

int media_dec_decode(struct media_dec *d, const uint8_t *payload, size_t len,
		     int16_t *pcm, size_t max, size_t *n)
{
	size_t got = 0;
	int err;

	if (!d || !payload || !pcm || !n)
		return EINVAL;
	if (!len || !d->be->samples(d->st, payload, len))
		return EPROTO;
	err = d->be->dec(d->st, payload, len, pcm, max, &got);
	if (err)
		return err;
	if (!d->be->conceal)
		plc_rx(&d->plc, pcm, (int)got);
	*n = got;
	return 0;
}

void media_dec_conceal(struct media_dec *d, const uint8_t *next,
		       size_t next_len, int16_t *pcm, size_t n)
{
	if (!d || !pcm || !n)
		return;
	if (d->be->conceal)
		d->be->conceal(d->st, next, next_len, pcm, n);
	else
		plc_fillin_safe(&d->plc, pcm, (int)n);
}

/* ---- stand-alone PLC ---- */

/* Owned by whoever allocated it (a media session). */
struct media_plc {
	plc_state_t st;
};

int media_plc_alloc(struct media_plc **out)
{
	struct media_plc *p;

	if (!out)
		return EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	plc_init(&p->st);
	*out = p;
	return 0;
}

void media_plc_free(struct media_plc *p)
{
	free(p);
}

void media_plc_rx(struct media_plc *p, int16_t *pcm, size_t n)
{
	if (p && pcm && n)
		plc_rx(&p->st, pcm, (int)n);
}

void media_plc_fill(struct media_plc *p, int16_t *pcm, size_t n)
{
	if (p && pcm && n)
		plc_fillin_safe(&p->st, pcm, (int)n);
}
