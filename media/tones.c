/* Call progress tones per country: ringback, busy and congestion, played
 * as early media towards SIP when the PSTN gives none (or towards the PSTN
 * for calls it does not connect). Frequencies and cadences from ITU-T
 * E.180 Supplement 2 (the national tone plans); each tone is one or two
 * frequencies switched on and off by a repeating cadence.
 *
 * Our own cadence player rather than spandsp's super_tone_tx: building a
 * super_tone_tx tree needs spandsp's private step structure, and a table
 * row per tone is easier to check against E.180. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "media/media.h"

#define MAX_SEG 4 /* on/off pairs per cadence */

struct tone_def {
	unsigned f1, f2; /* Hz; f2 0 for a single frequency */
	int level;	 /* dBm0 per frequency */
	/* on, off, on, off, ... ms; a 0 ends the list; all 0: continuous */
	unsigned cad[2 * MAX_SEG];
};

struct country {
	const char *code;
	struct tone_def t[3]; /* by enum media_tone */
};

/* The 425 Hz plan most of Europe shares, with its own cadences. */
#define EU(ring_on, ring_off, busy, cong)                \
	{                                                \
		{ 425, 0, -13, { ring_on, ring_off } },  \
			{ 425, 0, -13, { busy, busy } }, \
		{                                        \
			425, 0, -13,                     \
			{                                \
				cong, cong               \
			}                                \
		}                                        \
	}

static const struct country countries[] = {
	{ "us",
	  { { 440, 480, -19, { 2000, 4000 } },
	    { 480, 620, -24, { 500, 500 } },
	    { 480, 620, -24, { 250, 250 } } } },
	{ "ca",
	  { { 440, 480, -19, { 2000, 4000 } },
	    { 480, 620, -24, { 500, 500 } },
	    { 480, 620, -24, { 250, 250 } } } },
	{ "uk",
	  { { 400, 450, -19, { 400, 200, 400, 2000 } },
	    { 400, 0, -19, { 375, 375 } },
	    { 400, 0, -19, { 400, 350, 225, 525 } } } },
	{ "de", EU(1000, 4000, 480, 240) },
	{ "at", EU(1000, 5000, 400, 200) },
	{ "ch", EU(1000, 4000, 500, 200) },
	{ "nl", EU(1000, 4000, 500, 250) },
	{ "it", EU(1000, 4000, 500, 200) },
	{ "se", EU(1000, 5000, 250, 250) },
	{ "es",
	  { { 425, 0, -13, { 1500, 3000 } },
	    { 425, 0, -13, { 200, 200 } },
	    { 425, 0, -13, { 200, 200, 200, 200, 200, 600 } } } },
	{ "fr",
	  { { 440, 0, -13, { 1500, 3500 } },
	    { 440, 0, -13, { 500, 500 } },
	    { 440, 0, -13, { 250, 250 } } } },
	{ "au",
	  { { 400, 450, -19, { 400, 200, 400, 2000 } },
	    { 425, 0, -13, { 375, 375 } },
	    { 425, 0, -13, { 375, 375 } } } },
	{ "jp",
	  { { 400, 0, -16, { 1000, 2000 } },
	    { 400, 0, -16, { 500, 500 } },
	    { 400, 0, -16, { 500, 500 } } } },
};

#define NCOUNTRIES (sizeof(countries) / sizeof(countries[0]))

static const char *const tone_names[] = {
	[MEDIA_TONE_RINGBACK] = "ringback",
	[MEDIA_TONE_BUSY] = "busy",
	[MEDIA_TONE_CONGESTION] = "congestion",
};

const char *media_tone_name(enum media_tone t)
{
	if ((unsigned)t > MEDIA_TONE_CONGESTION)
		return "?";
	return tone_names[t];
}

static const struct country *find(const char *code)
{
	unsigned i;

	if (!code)
		return NULL;
	for (i = 0; i < NCOUNTRIES; i++)
		if (!strcasecmp(code, countries[i].code))
			return &countries[i];
	return NULL;
}

int media_tone_country_check(const char *country)
{
	return find(country) ? 0 : ENOENT;
}

const char *media_tone_countries(void)
{
	return "us, ca, uk, de, at, ch, nl, it, se, es, fr, au, jp";
}

/* Owned by the call that plays it. */
struct media_toneplay {
	struct media_tonegen g1, g2;
	bool two;
	uint32_t seg[2 * MAX_SEG]; /* cadence in samples */
	unsigned nseg;
	unsigned cur;  /* segment index; even: on */
	uint32_t left; /* samples left in it */
	int16_t tmp[160];
};

int media_toneplay_alloc(const char *country, enum media_tone t,
			 struct media_toneplay **out)
{
	const struct country *c = find(country);
	const struct tone_def *d;
	struct media_toneplay *p;
	unsigned i;

	if (!out || (unsigned)t > MEDIA_TONE_CONGESTION)
		return EINVAL;
	if (!c)
		return ENOENT;
	d = &c->t[t];
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	media_tonegen_init(&p->g1, d->f1, d->level);
	media_tonegen_init(&p->g2, d->f2, d->level);
	p->two = d->f2 != 0;
	for (i = 0; i < 2 * MAX_SEG && d->cad[i]; i++)
		p->seg[i] = d->cad[i] * (MEDIA_RATE / 1000);
	p->nseg = i;
	p->left = p->nseg ? p->seg[0] : 0;
	*out = p;
	return 0;
}

void media_toneplay_free(struct media_toneplay *p)
{
	free(p);
}

/* Plays (on) or silences (off) n samples. */
static void fill(struct media_toneplay *p, int16_t *pcm, size_t n, bool on)
{
	size_t i, k;

	if (!on) {
		memset(pcm, 0, n * sizeof(*pcm));
		return;
	}
	media_tonegen_run(&p->g1, pcm, n);
	if (!p->two)
		return;
	for (i = 0; i < n; i += k) {
		k = n - i < 160 ? n - i : 160;
		media_tonegen_run(&p->g2, p->tmp, k);
		for (size_t j = 0; j < k; j++)
			pcm[i + j] = (int16_t)(pcm[i + j] + p->tmp[j]);
	}
}

void media_toneplay_run(struct media_toneplay *p, int16_t *pcm, size_t n)
{
	size_t take;

	if (!p || !pcm)
		return;
	if (!p->nseg) { /* continuous */
		fill(p, pcm, n, true);
		return;
	}
	while (n) {
		take = n < p->left ? n : p->left;
		fill(p, pcm, take, !(p->cur & 1));
		pcm += take;
		n -= take;
		p->left -= (uint32_t)take;
		if (!p->left) {
			p->cur = (p->cur + 1) % p->nseg;
			p->left = p->seg[p->cur];
		}
	}
}
