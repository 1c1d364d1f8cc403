/* Line echo canceller on the TDM side. The hybrid in the PSTN reflects
 * what we send (tx) back into what we receive (rx); the canceller models
 * that path over a tail of tail_ms with an NLMS adaptive FIR filter and
 * subtracts its estimate from rx. A Geigel detector stops adaptation while
 * the near end talks (double talk), so speech does not spoil the model.
 *
 * Not spandsp's echo_can: the Debian build of spandsp 0.0.6 prints two
 * debug lines to stdout for every sample echo_can_update() processes
 * ("echo is ...", "Narrowband score ..."), which a daemon cannot have.
 *
 * Modems and fax machines that run their own cancellers send 2100 Hz with
 * phase reversals every 450 ms (ANS/ or ANSam/, V.25/V.8) to ask the
 * network's cancellers to step aside (G.165/G.168 tone disabler); plain
 * ANS (fax CED) only disables echo suppressors, so it is not acted on.
 * Both directions are watched. Once the line has been quiet for 250 ms
 * (G.168: 250 +- 150 ms below the release level) the canceller comes
 * back. Fax calls turn it off for good. */
#include <errno.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <spandsp.h>

#include "media/media.h"

#define EC_DEFAULT_MS 64
#define EC_MIN_MS 8
#define EC_MAX_MS 256
#define EC_RELEASE_SAMPLES 2000 /* 250 ms */
#define EC_QUIET_POWER 100.0	/* mean square: about -50 dBm0 */
#define EC_BLOCK 160		/* power measured per 20 ms */
#define EC_MU 0.5f		/* NLMS step, 0 < mu < 2 */
#define EC_DT_HANG 240		/* 30 ms: double talk holds adaptation */
#define EC_MIN_POWER 1000.0f	/* far end below ~ -50 dBm0: no adapting */
#define EC_GBLK 32

/* Owned by the media session that allocated it. */
struct media_ec {
	unsigned taps;
	float *h;     /* the echo path estimate */
	float *x;     /* far-end history, stored twice (2 * taps) so the
			   newest taps samples are always contiguous */
	unsigned pos; /* x[pos] and x[pos + taps] hold the newest */
	double power; /* sum of the squares in the history */
	/* Geigel detector: the loudest far-end sample over the tail, kept
	 * as maxima of EC_GBLK-sample blocks (the window is the tail plus
	 * up to one block) so it costs a few operations per sample. */
	unsigned *bmax; /* per block, ring */
	unsigned nblk, blk, blk_fill;
	unsigned old_peak; /* max over the completed blocks */
	unsigned dt_hold;  /* samples of double talk hangover left */
	modem_connect_tones_rx_state_t *tone_tx, *tone_rx; /* per direction */
	enum media_ec_state state;
	bool heard_pr;	/* a disabler tone was reported by a detector */
	uint32_t quiet; /* samples of silence while disabled */
	double acc;	/* power accumulator for the block */
	uint32_t acc_n;
};

static const char *const state_names[] = {
	[MEDIA_EC_ACTIVE] = "active",
	[MEDIA_EC_TONE_OFF] = "tone-disabled",
	[MEDIA_EC_FAX_OFF] = "off",
};

const char *media_ec_state_name(enum media_ec_state s)
{
	if ((unsigned)s > MEDIA_EC_FAX_OFF)
		return "?";
	return state_names[s];
}

static void tone_seen(void *user, int code, int level, int delay)
{
	struct media_ec *e = user;

	if (code == MODEM_CONNECT_TONES_ANS_PR ||
	    code == MODEM_CONNECT_TONES_ANSAM_PR)
		e->heard_pr = true;
}

int media_ec_alloc(unsigned tail_ms, struct media_ec **out)
{
	struct media_ec *e;

	if (!out || (tail_ms && (tail_ms < EC_MIN_MS || tail_ms > EC_MAX_MS)))
		return EINVAL;
	if (!tail_ms)
		tail_ms = EC_DEFAULT_MS;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ENOMEM;
	e->taps = tail_ms * (MEDIA_RATE / 1000);
	e->h = calloc(e->taps, sizeof(*e->h));
	e->x = calloc(2 * (size_t)e->taps, sizeof(*e->x));
	e->nblk = e->taps / EC_GBLK + 1;
	e->bmax = calloc(e->nblk, sizeof(*e->bmax));
	e->tone_tx = modem_connect_tones_rx_init(
		NULL, MODEM_CONNECT_TONES_ANS_PR, tone_seen, e);
	e->tone_rx = modem_connect_tones_rx_init(
		NULL, MODEM_CONNECT_TONES_ANS_PR, tone_seen, e);
	if (!e->h || !e->x || !e->bmax || !e->tone_tx || !e->tone_rx) {
		media_ec_free(e);
		return ENOMEM;
	}
	*out = e;
	return 0;
}

void media_ec_free(struct media_ec *e)
{
	if (!e)
		return;
	free(e->h);
	free(e->x);
	free(e->bmax);
	if (e->tone_tx)
		modem_connect_tones_rx_free(e->tone_tx);
	if (e->tone_rx)
		modem_connect_tones_rx_free(e->tone_rx);
	free(e);
}

/* While tone-disabled: back on after EC_RELEASE_SAMPLES of quiet line. */
static void watch_release(struct media_ec *e, const int16_t *tx,
			  const int16_t *rx, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		e->acc += (double)tx[i] * tx[i] + (double)rx[i] * rx[i];
		if (++e->acc_n < EC_BLOCK)
			continue;
		if (e->acc / EC_BLOCK < EC_QUIET_POWER)
			e->quiet += EC_BLOCK;
		else
			e->quiet = 0;
		e->acc = 0;
		e->acc_n = 0;
		if (e->quiet >= EC_RELEASE_SAMPLES) {
			e->state = MEDIA_EC_ACTIVE;
			e->heard_pr = false;
			e->quiet = 0;
			/* The path may have changed: learn it anew. */
			memset(e->h, 0, e->taps * sizeof(*e->h));
			return;
		}
	}
}

/* GCC/clang vector extension: four floats, one SSE/NEON register. */
typedef float v4f __attribute__((vector_size(16)));

/* Feeds |tx| to the Geigel maxima; returns the loudest over the tail. */
static unsigned far_peak(struct media_ec *e, int16_t tx)
{
	unsigned a = (unsigned)(tx < 0 ? -(int)tx : tx), i, m = 0;

	if (a > e->bmax[e->blk])
		e->bmax[e->blk] = a;
	if (++e->blk_fill == EC_GBLK) {
		e->blk_fill = 0;
		e->blk = (e->blk + 1) % e->nblk;
		e->bmax[e->blk] = 0;
		for (i = 0; i < e->nblk; i++)
			if (e->bmax[i] > m)
				m = e->bmax[i];
		e->old_peak = m;
	}
	return e->bmax[e->blk] > e->old_peak ? e->bmax[e->blk] : e->old_peak;
}

/* One sample: tx went out, rx came back; returns rx without the echo. */
static int16_t ec_update(struct media_ec *e, int16_t tx, int16_t rx)
{
	/* restrict: the filter and the history never overlap, which lets
	 * the compiler vectorise both loops. */
	float *restrict h = e->h;
	const float *restrict x;
	v4f acc = { 0, 0, 0, 0 }, hv, xv, gv;
	float err, g, old;
	unsigned k, peak;
	long out;

	/* Newest sample first: x[0] is tx now, x[k] is tx k samples ago. */
	e->pos = e->pos ? e->pos - 1 : e->taps - 1;
	old = e->x[e->pos];
	e->power += (double)tx * tx - (double)old * old;
	if (e->power < 0)
		e->power = 0;
	e->x[e->pos] = tx;
	e->x[e->pos + e->taps] = tx;
	x = e->x + e->pos;
	/* Four lanes at a time (taps is a multiple of 8): the filter is the
	 * whole cost of the canceller, so it is written for SIMD. */
	for (k = 0; k < e->taps; k += 4) {
		memcpy(&hv, h + k, sizeof(hv));
		memcpy(&xv, x + k, sizeof(xv));
		acc += hv * xv;
	}
	err = (float)rx - ((acc[0] + acc[1]) + (acc[2] + acc[3]));
	/* Geigel: near-end speech is louder than half the loudest far-end
	 * sample that could echo now. */
	peak = far_peak(e, tx);
	if (2 * (unsigned)(rx < 0 ? -(int)rx : rx) > peak)
		e->dt_hold = EC_DT_HANG;
	else if (e->dt_hold)
		e->dt_hold--;
	if (!e->dt_hold && e->power > EC_MIN_POWER * e->taps) {
		g = EC_MU * err / (float)(e->power + 1.0);
		gv = (v4f){ g, g, g, g };
		for (k = 0; k < e->taps; k += 4) {
			memcpy(&hv, h + k, sizeof(hv));
			memcpy(&xv, x + k, sizeof(xv));
			hv += gv * xv;
			memcpy(h + k, &hv, sizeof(hv));
		}
	}
	out = lrintf(err);
	if (out > INT16_MAX)
		out = INT16_MAX;
	if (out < INT16_MIN)
		out = INT16_MIN;
	return (int16_t)out;
}

void media_ec_process(struct media_ec *e, const int16_t *tx, int16_t *rx,
		      size_t n)
{
	size_t i;

	if (!e || !tx || !rx || e->state == MEDIA_EC_FAX_OFF)
		return;
	modem_connect_tones_rx(e->tone_tx, tx, (int)n);
	modem_connect_tones_rx(e->tone_rx, rx, (int)n);
	if (e->state == MEDIA_EC_ACTIVE && e->heard_pr) {
		e->state = MEDIA_EC_TONE_OFF;
		e->quiet = 0;
		e->acc = 0;
		e->acc_n = 0;
	}
	if (e->state == MEDIA_EC_TONE_OFF) {
		watch_release(e, tx, rx, n);
		return;
	}
	for (i = 0; i < n; i++)
		rx[i] = ec_update(e, tx[i], rx[i]);
}

void media_ec_disable(struct media_ec *e)
{
	if (e)
		e->state = MEDIA_EC_FAX_OFF;
}

enum media_ec_state media_ec_state(const struct media_ec *e)
{
	return e ? e->state : MEDIA_EC_FAX_OFF;
}
