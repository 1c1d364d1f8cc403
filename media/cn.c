/* Comfort noise, RFC 3389. A CN payload gives the background level the
 * sender stopped transmitting at (first octet: the level in -dBov, 0..127)
 * and optionally its spectrum (reflection coefficients). We play white
 * noise at that level until speech resumes; the spectral shape is ignored,
 * which RFC 3389 allows (section 4: a receiver may use the level alone).
 *
 * dBov (RFC 3389 section 3): relative to the overload point of the
 * system; 0 dBov is the level of a full-scale square wave, so the noise's
 * RMS is 32767 * 10^(-level/20). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "media/media.h"

#define CN_FULL 32767.0

/* Owned by the media session that allocated it. */
struct media_cn {
	uint32_t rng;
	int level; /* -dBov; -1: no CN payload yet */
	float rms;
};

int media_cn_alloc(uint32_t seed, struct media_cn **out)
{
	struct media_cn *c;

	if (!out)
		return EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return ENOMEM;
	c->rng = seed ? seed : 1;
	c->level = -1;
	*out = c;
	return 0;
}

void media_cn_free(struct media_cn *c)
{
	free(c);
}

int media_cn_put(struct media_cn *c, const uint8_t *p, size_t len)
{
	if (!c || !p || !len || p[0] > 127)
		return EPROTO;
	c->level = p[0];
	c->rms = (float)(CN_FULL * pow(10.0, -p[0] / 20.0));
	return 0;
}

int media_cn_level(const struct media_cn *c)
{
	return c ? c->level : -1;
}

/* Uniform in [-1, 1) from a 32-bit LCG (Numerical Recipes constants). */
static float uni(struct media_cn *c)
{
	c->rng = c->rng * 1664525u + 1013904223u;
	return (float)(int32_t)c->rng / 2147483648.0f;
}

void media_cn_run(struct media_cn *c, int16_t *pcm, size_t n)
{
	size_t i;
	float v;

	if (!c || !pcm)
		return;
	for (i = 0; i < n; i++) {
		if (c->level < 0) {
			pcm[i] = 0;
			continue;
		}
		/* The sum of three uniforms is near Gaussian with variance
		 * 3 * 1/3 = 1: scale straight to the RMS. */
		v = (uni(c) + uni(c) + uni(c)) * c->rms;
		if (v > 32767.0f)
			v = 32767.0f;
		if (v < -32768.0f)
			v = -32768.0f;
		pcm[i] = (int16_t)lrintf(v);
	}
}

uint8_t media_cn_level_of(const int16_t *pcm, size_t n)
{
	double s = 0, l;
	size_t i;

	if (!pcm || !n)
		return 127;
	for (i = 0; i < n; i++)
		s += (double)pcm[i] * pcm[i];
	if (s <= 0)
		return 127;
	l = -10 * log10(s / (double)n / (CN_FULL * CN_FULL));
	if (l < 0)
		l = 0;
	if (l > 127)
		l = 127;
	return (uint8_t)lrint(l);
}
