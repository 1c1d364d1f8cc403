/* The jitter buffer. Playout runs a delay behind the first packet's
 * timestamp; time advances only as the caller takes frames, so it follows
 * the TDM clock and needs no clock of its own. Frames come out whole, for
 * codecs whose packets cannot be split.
 *
 * Fixed mode keeps the configured delay (fax and modems: no sample may be
 * dropped or inserted once playout runs). Adaptive mode measures each
 * packet's transit time against the local (TDM) clock: the RFC 3550 A.8
 * interarrival jitter, and the spread of transit times over the last
 * JB_WINDOWS seconds. The target delay covers that spread plus the jitter;
 * it grows at once (playout steps back, the caller conceals the gap) unless
 * the audio playing is loud (jb_set_loud: the gap would cut a tone), and
 * shrinks only when the spread has stayed lower for the whole window: all
 * at once at a talkspurt start (the marker bit: silence, nothing is
 * heard), otherwise by at most 10 ms a second. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "media/priv.h"

#define JB_WINDOWS 8 /* seconds of transit history */
/* Longest a growth waits for quiet audio: longer than any DTMF digit. */
#define JB_LOUD_MAX_MS 500

struct jb_slot {
	uint32_t ts;
	uint32_t samples;
	size_t len;
	uint8_t *data;
};

struct jb {
	uint32_t depth; /* playout delay, timestamp units */
	uint32_t jump;	/* a timestamp this far off re-anchors */
	unsigned nslots;
	size_t max_payload;
	struct jb_slot *slot;
	unsigned *order; /* queued slots, oldest timestamp first */
	unsigned n;
	unsigned *freel; /* unused slots */
	unsigned nfree;
	uint8_t *store;
	bool anchored;
	uint32_t play_ts; /* timestamp of the next sample to play */
	uint32_t starved; /* consecutive underrun, timestamp units */
	struct jb_stats st;

	/* adaptive mode */
	bool adaptive;
	uint32_t rate;
	uint32_t min, max;    /* delay bounds, timestamp units */
	uint32_t now;	      /* local clock: units handed out by jb_get */
	bool have_transit;    /* t0, last_transit valid */
	uint32_t t0;	      /* reference transit: others relative to it */
	int32_t last_transit; /* relative to t0 */
	uint32_t jitter16;    /* RFC 3550 A.8 estimate, times 16 */
	int32_t wmin[JB_WINDOWS], wmax[JB_WINDOWS]; /* per window */
	uint32_t win_start;			    /* of wmin[0]/wmax[0] */
	uint32_t last_shrink;			    /* now at the last step */
	uint32_t cur;				    /* delay now, ts units */
	bool loud;				    /* jb_set_loud() */
	bool played;				    /* played_end is valid */
	uint32_t played_end; /* end of the newest frame played */
	uint32_t loud_since; /* now when it began */
};

int jb_alloc(const struct jb_cfg *cfg, struct jb **out)
{
	unsigned rate, depth_ms, i;
	struct jb *jb;

	unsigned min_ms, max_ms;

	if (!cfg || !out || !cfg->max_payload || cfg->depth_ms > 1000 ||
	    cfg->slots > 1000 || cfg->max_ms > 1000 ||
	    cfg->min_ms > (cfg->max_ms ? cfg->max_ms : JB_DEFAULT_MAX_MS))
		return EINVAL;
	min_ms = cfg->min_ms ? cfg->min_ms : JB_DEFAULT_MIN_MS;
	max_ms = cfg->max_ms ? cfg->max_ms : JB_DEFAULT_MAX_MS;
	if (min_ms > max_ms)
		return EINVAL;
	rate = cfg->rate ? cfg->rate : MEDIA_RATE;
	depth_ms = cfg->depth_ms ? cfg->depth_ms : JB_DEFAULT_MS;
	jb = calloc(1, sizeof(*jb));
	if (!jb)
		return ENOMEM;
	jb->rate = rate;
	jb->adaptive = cfg->adaptive;
	jb->min = (uint32_t)((uint64_t)rate * min_ms / 1000);
	jb->max = (uint32_t)((uint64_t)rate * max_ms / 1000);
	jb->depth = (uint32_t)((uint64_t)rate * depth_ms / 1000);
	if (jb->adaptive && jb->depth < jb->min)
		jb->depth = jb->min;
	if (jb->adaptive && jb->depth > jb->max)
		jb->depth = jb->max;
	/* Adaptive: the delay may grow up to max, so a jump is judged
	 * against that. */
	i = jb->adaptive ? jb->max : jb->depth;
	jb->jump = rate > 4 * i ? rate : 4 * i;
	jb->nslots = cfg->slots ? cfg->slots : 50;
	jb->max_payload = cfg->max_payload;
	jb->slot = calloc(jb->nslots, sizeof(*jb->slot));
	jb->order = calloc(jb->nslots, sizeof(*jb->order));
	jb->freel = calloc(jb->nslots, sizeof(*jb->freel));
	jb->store = calloc(jb->nslots, jb->max_payload);
	if (!jb->slot || !jb->order || !jb->freel || !jb->store) {
		jb_free(jb);
		return ENOMEM;
	}
	for (i = 0; i < jb->nslots; i++)
		jb->slot[i].data = jb->store + (size_t)i * jb->max_payload;
	jb_reset(jb);
	*out = jb;
	return 0;
}

void jb_free(struct jb *jb)
{
	if (!jb)
		return;
	free(jb->slot);
	free(jb->order);
	free(jb->freel);
	free(jb->store);
	free(jb);
}

void jb_reset(struct jb *jb)
{
	unsigned i;

	jb->n = 0;
	jb->nfree = jb->nslots;
	for (i = 0; i < jb->nslots; i++)
		jb->freel[i] = jb->nslots - 1 - i;
	jb->anchored = false;
	jb->starved = 0;
	jb->have_transit = false;
	jb->played = false;
}

void jb_set_loud(struct jb *jb, bool loud)
{
	if (loud && !jb->loud)
		jb->loud_since = jb->now;
	jb->loud = loud;
}

void jb_set_fixed(struct jb *jb)
{
	if (!jb->adaptive)
		return;
	/* keep the delay playout has now: changing it would cut or
	 * stretch the audio under a modem that cannot take it */
	if (jb->anchored && jb->cur)
		jb->depth = jb->cur;
	jb->adaptive = false;
}

void jb_fixed_at_least(struct jb *jb, uint32_t depth)
{
	jb_set_fixed(jb);
	if (depth <= jb->depth)
		return;
	if (jb->anchored) {
		jb->play_ts -= depth - jb->depth;
		jb->st.grow++;
		jb->st.grown += depth - jb->depth;
	}
	jb->depth = depth;
	if (jb->jump < 4 * depth)
		jb->jump = 4 * depth;
}

bool jb_is_adaptive(const struct jb *jb)
{
	return jb->adaptive;
}

unsigned jb_count(const struct jb *jb)
{
	return jb->n;
}

bool jb_peek(const struct jb *jb, struct jb_frame *f)
{
	const struct jb_slot *s;

	if (!jb->n)
		return false;
	s = &jb->slot[jb->order[0]];
	memset(f, 0, sizeof(*f));
	f->data = s->data;
	f->len = s->len;
	f->ts = s->ts;
	f->samples = s->samples;
	return true;
}

void jb_stats(const struct jb *jb, struct jb_stats *out)
{
	*out = jb->st;
	out->target = jb->depth;
	out->delay = jb->adaptive ? jb->cur : jb->depth;
	out->jitter = jb->jitter16 >> 4;
}

/* Timestamp order relative to the playout point, so wrap-around works. */
static int32_t rel(const struct jb *jb, uint32_t ts)
{
	return (int32_t)(ts - jb->play_ts);
}

static void drop_head(struct jb *jb)
{
	jb->freel[jb->nfree++] = jb->order[0];
	jb->n--;
	memmove(jb->order, jb->order + 1, jb->n * sizeof(*jb->order));
}

static void anchor(struct jb *jb, uint32_t ts)
{
	jb->anchored = true;
	jb->play_ts = ts - jb->depth;
	jb->starved = 0;
	jb->played = false; /* a new time line: nothing of it played yet */
}

/* ---- adaptive delay ---- */

static void window_reset(struct jb *jb, int32_t rt)
{
	unsigned i;

	for (i = 0; i < JB_WINDOWS; i++) {
		jb->wmin[i] = rt;
		jb->wmax[i] = rt;
	}
	jb->win_start = jb->now;
}

/* Moves the windows along to now: a new second starts empty (seeded with
 * the value just measured). */
static void window_advance(struct jb *jb, int32_t rt)
{
	unsigned k = 0;

	while ((int32_t)(jb->now - jb->win_start) >= (int32_t)jb->rate &&
	       k++ < JB_WINDOWS) {
		memmove(jb->wmin + 1, jb->wmin,
			(JB_WINDOWS - 1) * sizeof(*jb->wmin));
		memmove(jb->wmax + 1, jb->wmax,
			(JB_WINDOWS - 1) * sizeof(*jb->wmax));
		jb->wmin[0] = rt;
		jb->wmax[0] = rt;
		jb->win_start += jb->rate;
	}
	if ((int32_t)(jb->now - jb->win_start) >= (int32_t)jb->rate)
		jb->win_start = jb->now; /* a long pause: start afresh */
	if (rt < jb->wmin[0])
		jb->wmin[0] = rt;
	if (rt > jb->wmax[0])
		jb->wmax[0] = rt;
}

/* Records the transit of a packet stamped ts arriving now (RFC 3550
 * A.8): transit = arrival - timestamp, both in timestamp units. */
static void measure(struct jb *jb, uint32_t ts)
{
	uint32_t transit = jb->now - ts;
	int32_t rt;
	int64_t d; /* rt and last_transit come from the wire: any values */

	if (!jb->have_transit) {
		jb->have_transit = true;
		jb->t0 = transit;
		jb->last_transit = 0;
		window_reset(jb, 0);
		return;
	}
	rt = (int32_t)(transit - jb->t0);
	d = (int64_t)rt - jb->last_transit;
	if (d < 0)
		d = -d;
	jb->last_transit = rt;
	jb->jitter16 += (uint32_t)d - ((jb->jitter16 + 8) >> 4);
	window_advance(jb, rt);
}

/* The delay the measurements ask for, within the bounds. */
static uint32_t target(const struct jb *jb, int32_t *mint)
{
	int32_t lo = jb->wmin[0], hi = jb->wmax[0];
	int64_t t;
	unsigned i;

	for (i = 1; i < JB_WINDOWS; i++) {
		if (jb->wmin[i] < lo)
			lo = jb->wmin[i];
		if (jb->wmax[i] > hi)
			hi = jb->wmax[i];
	}
	*mint = lo;
	/* The spread of transit times, plus the jitter and 2 ms as a
	 * cushion against the next, slightly larger, excursion. */
	t = (int64_t)hi - lo + (jb->jitter16 >> 4) + jb->rate / 500;
	if (t < jb->min)
		t = jb->min;
	if (t > jb->max)
		t = jb->max;
	return (uint32_t)t;
}

/* Moves playout so the delay over the fastest packet is the target: at
 * once when it must grow; when it may shrink, all at once at a talkspurt
 * start, else 10 ms per second. */
static void adapt(struct jb *jb, bool marker)
{
	int32_t mint, cur, want, diff, step;
	int64_t d64;
	uint32_t t;

	if (!jb->have_transit)
		return;
	t = target(jb, &mint);
	/* How far playout runs behind the fastest packet's arrival. */
	/* Timestamps from the wire can be anything: the arithmetic wraps
	 * (unsigned) and the difference is clamped, never overflowing. */
	cur = (int32_t)(jb->now - jb->play_ts - jb->t0 - (uint32_t)mint);
	want = (int32_t)t;
	jb->depth = t;
	jb->cur = cur > 0 ? (uint32_t)cur : 0;
	d64 = (int64_t)want - cur;
	diff = d64 > INT32_MAX	  ? INT32_MAX
	       : d64 < -INT32_MAX ? -INT32_MAX
				  : (int32_t)d64;
	if (diff > 0 && jb->loud &&
	    (int32_t)(jb->now - jb->loud_since) <
		    (int32_t)(jb->rate / 1000 * JB_LOUD_MAX_MS)) {
		/* later, where the gap is not heard */
		jb->st.grow_deferred++;
		return;
	}
	if (diff > 0) {
		jb->play_ts -= (uint32_t)diff;
		jb->st.grow++;
		jb->st.grown += (uint32_t)diff;
		jb->cur = t;
		return;
	}
	/* A little slack is not worth a cut. */
	if (-diff <= (int32_t)(jb->rate / 200))
		return;
	if (marker) {
		step = -diff;
	} else {
		if ((int32_t)(jb->now - jb->last_shrink) < (int32_t)jb->rate)
			return;
		step = (int32_t)(jb->rate / 100);
		if (step > -diff)
			step = -diff;
	}
	jb->play_ts += (uint32_t)step;
	jb->st.shrink++;
	jb->st.shrunk += (uint32_t)step;
	jb->last_shrink = jb->now;
	jb->cur -= (uint32_t)step;
}

enum jb_put_result jb_put(struct jb *jb, uint32_t ts, uint32_t samples,
			  const void *payload, size_t len)
{
	return jb_put_marked(jb, ts, samples, payload, len, false);
}

enum jb_put_result jb_put_marked(struct jb *jb, uint32_t ts, uint32_t samples,
				 const void *payload, size_t len, bool marker)
{
	enum jb_put_result res = JB_PUT_OK;
	struct jb_slot *s;
	unsigned i, pos, idx;
	int32_t d;

	jb->st.put++;
	if (len > jb->max_payload) {
		jb->st.toobig++;
		return JB_PUT_TOOBIG;
	}
	if (!jb->anchored)
		anchor(jb, ts);
	d = rel(jb, ts);
	if (d > (int32_t)jb->jump || d < -(int32_t)jb->jump) {
		/* The sender restarted its timestamps: start over. */
		jb_reset(jb);
		anchor(jb, ts);
		jb->st.resync++;
		res = JB_PUT_RESYNC;
	} else if ((int64_t)d + samples <= 0 && !jb->n &&
		   jb->starved >= 2 * jb->depth) {
		/* A long underrun means the sender paused without advancing
		 * its timestamps (hold): follow it rather than drop it all.
		 * Its transit times start afresh too. */
		anchor(jb, ts);
		jb->have_transit = false;
		jb->st.resync++;
		res = JB_PUT_RESYNC;
	}
	if (jb->adaptive) {
		/* Late packets count too: they are what the delay is for. */
		measure(jb, ts);
		adapt(jb, marker);
	}
	d = rel(jb, ts);
	/* Growing stepped playout back, but what was played over (concealed,
	 * or newer audio) is never played again: a tone would resume after
	 * its end and be heard twice. */
	if ((int64_t)d + samples <= 0 ||
	    (jb->played && (int32_t)(ts + samples - jb->played_end) <= 0)) {
		jb->st.late++;
		return JB_PUT_LATE;
	}
	d = rel(jb, ts);
	for (pos = 0; pos < jb->n; pos++) {
		int32_t q = rel(jb, jb->slot[jb->order[pos]].ts);

		if (q == d) {
			jb->st.dup++;
			return JB_PUT_DUP;
		}
		if (q > d)
			break;
	}
	if (!jb->nfree) {
		/* Full: the oldest goes, and playout skips ahead to what is
		 * left, since holding on would only add delay. */
		jb->st.overflow++;
		if (pos == 0)
			return JB_PUT_OVERFLOW;
		drop_head(jb);
		pos--;
		d = pos ? rel(jb, jb->slot[jb->order[0]].ts) : d;
		if (d > 0)
			jb->play_ts += (uint32_t)d;
		res = JB_PUT_OVERFLOW;
	}
	idx = jb->freel[--jb->nfree];
	s = &jb->slot[idx];
	s->ts = ts;
	s->samples = samples;
	s->len = len;
	if (len)
		memcpy(s->data, payload, len);
	for (i = jb->n; i > pos; i--)
		jb->order[i] = jb->order[i - 1];
	jb->order[pos] = idx;
	jb->n++;
	return res;
}

enum jb_get_result jb_get(struct jb *jb, uint32_t max_samples,
			  struct jb_frame *f)
{
	const struct jb_slot *s;
	int32_t d;

	memset(f, 0, sizeof(*f));
	if (!jb->anchored)
		return JB_GET_IDLE;
	if (!max_samples)
		max_samples = 1;
	while (jb->n) {
		s = &jb->slot[jb->order[0]];
		d = rel(jb, s->ts);
		if (d > 0)
			break;
		if ((int64_t)d + s->samples <= 0) {
			/* Overtaken by playout (after an overflow skip). */
			drop_head(jb);
			jb->st.late++;
			continue;
		}
		f->data = s->data;
		f->len = s->len;
		f->ts = s->ts;
		f->skip = (uint32_t)-d;
		f->samples = s->samples - f->skip;
		jb->play_ts = s->ts + s->samples;
		jb->played = true;
		jb->played_end = jb->play_ts;
		jb->now += f->samples;
		jb->starved = 0;
		/* The slot goes back on the free list; its data stays intact
		 * until the next put. */
		drop_head(jb);
		jb->st.frames++;
		return JB_GET_FRAME;
	}
	f->ts = jb->play_ts;
	f->samples = max_samples;
	if (jb->n) {
		d = rel(jb, jb->slot[jb->order[0]].ts);
		if ((uint32_t)d < max_samples)
			f->samples = (uint32_t)d;
	} else {
		f->underrun = true;
		jb->st.underruns++;
		if (jb->starved < UINT32_MAX - max_samples)
			jb->starved += max_samples;
	}
	jb->play_ts += f->samples;
	jb->now += f->samples;
	jb->st.gaps++;
	return JB_GET_GAP;
}
