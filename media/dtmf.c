/* DTMF: modes and event codes, the in-band detector with its look-ahead
 * mute (spandsp dtmf_rx), the in-band generator, and SIP INFO
 * application/dtmf-relay bodies. RFC 4733 packets are in dtmf_te.c.
 *
 * The detector needs some 30-40 ms of a digit before it is sure; by then
 * the leading edge of the tone would already have gone out in the audio.
 * So the audio is delayed by a look-ahead and everything from the
 * detection back by the look-ahead is muted: no tone leaks to the far
 * end, which would otherwise hear the digit twice (in-band and RFC 4733). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <spandsp.h>

#include "media/media.h"

#define DET_DEFAULT_MS 40
#define DET_MAX_MS 100
#define DET_CHUNK 40	    /* samples per detector call: 5 ms of mute grain */
#define GEN_MIN 320	    /* 40 ms: the shortest digit we play */
#define GEN_GAP 320	    /* 40 ms of silence after each digit */
#define GEN_LEVEL_DEF (-10) /* dBm0 per frequency */

/* ---- modes and codes ---- */

static const char *const mode_names[] = {
	[MEDIA_DTMF_RFC4733] = "rfc4733",
	[MEDIA_DTMF_INBAND] = "inband",
	[MEDIA_DTMF_INFO] = "info",
};

const char *media_dtmf_mode_name(enum media_dtmf_mode m)
{
	if ((unsigned)m > MEDIA_DTMF_INFO)
		return "?";
	return mode_names[m];
}

int media_dtmf_mode_lookup(const char *name)
{
	int i;

	if (!name)
		return -1;
	if (!strcasecmp(name, "rfc2833")) /* the obsoleted RFC's name */
		return MEDIA_DTMF_RFC4733;
	for (i = 0; i <= MEDIA_DTMF_INFO; i++)
		if (!strcasecmp(name, mode_names[i]))
			return i;
	return -1;
}

/* RFC 4733 3.2: events 0-9, then *, #, A-D. */
static const char digits[] = "0123456789*#ABCD";

int media_dtmf_code(char digit)
{
	const char *p;

	if (digit >= 'a' && digit <= 'd')
		digit = (char)(digit - 'a' + 'A');
	if (!digit)
		return -1;
	p = strchr(digits, digit);
	return p ? (int)(p - digits) : -1;
}

char media_dtmf_digit(unsigned code)
{
	return code < 16 ? digits[code] : 0;
}

/* ---- in-band generator ---- */

static const unsigned row_hz[4] = { 697, 770, 852, 941 };
static const unsigned col_hz[4] = { 1209, 1336, 1477, 1633 };
/* keypad position of each event code: row * 4 + column */
static const uint8_t keypad[16] = { 13, 0,  1,	2,  4, 5, 6,  8,
				    9,	10, 12, 14, 3, 7, 11, 15 };

void media_dtmf_gen_init(struct media_dtmf_gen *g, int level_dbm0)
{
	memset(g, 0, sizeof(*g));
	g->level = level_dbm0 ? level_dbm0 : GEN_LEVEL_DEF;
}

static void gen_begin(struct media_dtmf_gen *g, char digit, uint32_t samples)
{
	unsigned k = keypad[media_dtmf_code(digit)];

	media_tonegen_init(&g->lo, row_hz[k / 4], g->level);
	media_tonegen_init(&g->hi, col_hz[k % 4], g->level);
	g->active = true;
	g->until_stop = !samples;
	g->left = samples < GEN_MIN ? GEN_MIN : samples;
	g->played = 0;
}

int media_dtmf_gen_start(struct media_dtmf_gen *g, char digit, uint32_t samples)
{
	unsigned tail;

	if (!g || media_dtmf_code(digit) < 0)
		return EINVAL;
	if (!g->active && !g->gap && !g->qn) {
		gen_begin(g, digit, samples);
		return 0;
	}
	if (g->qn == MEDIA_DTMF_GEN_QUEUE)
		return ENOSPC;
	tail = (g->qhead + g->qn) % MEDIA_DTMF_GEN_QUEUE;
	g->q[tail] = digit;
	g->qlen[tail] = samples;
	g->qn++;
	return 0;
}

void media_dtmf_gen_stop(struct media_dtmf_gen *g)
{
	unsigned i, k;

	if (!g)
		return;
	for (i = g->qn; i > 0; i--) {
		k = (g->qhead + i - 1) % MEDIA_DTMF_GEN_QUEUE;
		if (!g->qlen[k]) {
			g->qlen[k] = GEN_MIN;
			return;
		}
	}
	if (g->active && g->until_stop) {
		g->until_stop = false;
		g->left = g->played < GEN_MIN ? GEN_MIN - g->played : 0;
	}
}

bool media_dtmf_gen_active(const struct media_dtmf_gen *g)
{
	return g && (g->active || g->gap || g->qn);
}

bool media_dtmf_gen_run(struct media_dtmf_gen *g, int16_t *pcm, size_t n)
{
	int16_t hi[DET_CHUNK];
	size_t i, take;

	if (!media_dtmf_gen_active(g))
		return false;
	while (n) {
		if (g->active) {
			take = n < DET_CHUNK ? n : DET_CHUNK;
			if (!g->until_stop && take > g->left)
				take = g->left;
			media_tonegen_run(&g->lo, pcm, take);
			media_tonegen_run(&g->hi, hi, take);
			for (i = 0; i < take; i++)
				pcm[i] = (int16_t)(pcm[i] + hi[i]);
			g->played += (uint32_t)take;
			if (!g->until_stop) {
				g->left -= (uint32_t)take;
				if (!g->left) {
					g->active = false;
					g->gap = GEN_GAP;
				}
			}
		} else if (g->gap) {
			take = n < g->gap ? n : g->gap;
			memset(pcm, 0, take * sizeof(*pcm));
			g->gap -= (uint32_t)take;
			if (!g->gap && g->qn) {
				gen_begin(g, g->q[g->qhead], g->qlen[g->qhead]);
				g->qhead =
					(g->qhead + 1) % MEDIA_DTMF_GEN_QUEUE;
				g->qn--;
			}
		} else {
			/* Nothing more: the rest of the block is audio. */
			break;
		}
		pcm += take;
		n -= take;
	}
	return true;
}

/* ---- in-band detector ---- */

/* Owned by the media session that allocated it. */
struct media_dtmf_det {
	dtmf_rx_state_t *rx;
	size_t la;		     /* look-ahead, samples */
	int16_t *line;		     /* delay line of la samples (ring) */
	size_t lpos;		     /* next write position in line */
	uint64_t in;		     /* samples taken in so far */
	uint64_t mute_from, mute_to; /* input sample range muted */
	bool muting;		     /* a digit sounds: mute_to open */
	char digit;		     /* sounding digit, 0 none */
	uint64_t began;		     /* input sample of its detection */
	struct media_dtmf_ev ev[4];  /* from the callback, this chunk */
	unsigned nev;
};

static void det_report(void *user, int code, int level, int delay)
{
	struct media_dtmf_det *d = user;

	if (d->nev == sizeof(d->ev) / sizeof(d->ev[0]))
		return;
	if (code) {
		if (d->digit) /* no end seen for the last: close it */
			det_report(user, 0, level, delay);
		d->digit = (char)code;
		d->began = d->in;
		d->ev[d->nev++] = (struct media_dtmf_ev){ .digit = (char)code };
		return;
	}
	if (!d->digit)
		return;
	d->ev[d->nev++] = (struct media_dtmf_ev){
		.digit = d->digit,
		.end = true,
		.duration = (uint32_t)(d->in - d->began),
	};
	d->digit = 0;
}

int media_dtmf_det_alloc(unsigned lookahead_ms, struct media_dtmf_det **out)
{
	struct media_dtmf_det *d;

	if (!out || lookahead_ms > DET_MAX_MS)
		return EINVAL;
	if (!lookahead_ms)
		lookahead_ms = DET_DEFAULT_MS;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->la = lookahead_ms * (MEDIA_RATE / 1000);
	d->line = calloc(d->la, sizeof(*d->line));
	d->rx = dtmf_rx_init(NULL, NULL, NULL);
	if (!d->line || !d->rx) {
		media_dtmf_det_free(d);
		return ENOMEM;
	}
	dtmf_rx_set_realtime_callback(d->rx, det_report, d);
	*out = d;
	return 0;
}

void media_dtmf_det_free(struct media_dtmf_det *d)
{
	if (!d)
		return;
	if (d->rx)
		dtmf_rx_free(d->rx);
	free(d->line);
	free(d);
}

/* The delay line: writes x, returns what went in la samples ago. */
static int16_t delay(struct media_dtmf_det *d, int16_t x)
{
	int16_t y = d->line[d->lpos];

	d->line[d->lpos] = x;
	d->lpos = d->lpos + 1 == d->la ? 0 : d->lpos + 1;
	return y;
}

unsigned media_dtmf_det_run(struct media_dtmf_det *d, const int16_t *in,
			    int16_t *out, size_t n, bool mute,
			    struct media_dtmf_ev *ev, unsigned nev)
{
	unsigned got = 0, i;
	size_t take, k;
	uint64_t pos;

	if (!d || !in || !out)
		return 0;
	while (n) {
		take = n < DET_CHUNK ? n : DET_CHUNK;
		d->nev = 0;
		dtmf_rx(d->rx, in, (int)take);
		d->in += take;
		for (i = 0; i < d->nev; i++) {
			if (!d->ev[i].end) {
				/* Mute back to the look-ahead, joining a mute
				 * still draining from the last digit. */
				uint64_t from =
					d->in > d->la ? d->in - d->la : 0;

				if (d->mute_to <= from || !d->mute_to)
					d->mute_from = from;
				d->muting = true;
			} else {
				d->muting = false;
				d->mute_to = d->in;
			}
			if (got < nev)
				ev[got++] = d->ev[i];
		}
		/* The samples leaving the line now went in la ago. */
		pos = d->in - take;
		for (k = 0; k < take; k++, pos++) {
			int16_t y = delay(d, in[k]);
			uint64_t src = pos >= d->la ? pos - d->la : UINT64_MAX;
			bool m = src != UINT64_MAX && src >= d->mute_from &&
				 (d->muting || src < d->mute_to);

			out[k] = mute && m ? 0 : y;
		}
		in += take;
		out += take;
		n -= take;
	}
	return got;
}

/* ---- SIP INFO application/dtmf-relay ---- */

/* The value of key in a "Key=Value" line body, trimmed; NULL when absent. */
static const char *info_value(const char *body, size_t len, const char *key,
			      size_t *vlen)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t e = i, a, b;

		while (e < len && body[e] != '\n' && body[e] != '\r')
			e++;
		a = i;
		while (a < e && (body[a] == ' ' || body[a] == '\t'))
			a++;
		if (e - a > klen && !strncasecmp(body + a, key, klen)) {
			b = a + klen;
			while (b < e && (body[b] == ' ' || body[b] == '\t'))
				b++;
			if (b < e && body[b] == '=') {
				b++;
				while (b < e &&
				       (body[b] == ' ' || body[b] == '\t'))
					b++;
				while (e > b && (body[e - 1] == ' ' ||
						 body[e - 1] == '\t'))
					e--;
				*vlen = e - b;
				return body + b;
			}
		}
		i = e;
		while (i < len && (body[i] == '\n' || body[i] == '\r'))
			i++;
	}
	return NULL;
}

int media_dtmf_info_parse(const char *body, size_t len, char *digit,
			  unsigned *duration_ms)
{
	const char *v;
	size_t vlen, i;
	unsigned dur = 0;
	char sig;

	if (!body || !digit || !duration_ms)
		return EINVAL;
	v = info_value(body, len, "Signal", &vlen);
	if (!v || vlen != 1 || media_dtmf_code(v[0]) < 0)
		return EINVAL;
	sig = media_dtmf_digit((unsigned)media_dtmf_code(v[0]));
	v = info_value(body, len, "Duration", &vlen);
	if (v) {
		if (!vlen || vlen > 5)
			return EINVAL;
		for (i = 0; i < vlen; i++) {
			if (v[i] < '0' || v[i] > '9')
				return EINVAL;
			dur = dur * 10 + (unsigned)(v[i] - '0');
		}
		if (dur > 60000) /* a minute: surely garbage */
			return EINVAL;
	}
	*digit = sig;
	*duration_ms = dur;
	return 0;
}

int media_dtmf_info_build(char digit, unsigned duration_ms, char *buf,
			  size_t size, size_t *outlen)
{
	int code = media_dtmf_code(digit);
	int n;

	if (code < 0 || !buf || !outlen)
		return EINVAL;
	n = snprintf(buf, size, "Signal=%c\r\nDuration=%u\r\n",
		     media_dtmf_digit((unsigned)code), duration_ms);
	if (n < 0 || (size_t)n >= size)
		return ENOSPC;
	*outlen = (size_t)n;
	return 0;
}
