/* A fixed jitter buffer. Playout runs a fixed depth behind the first
 * packet's timestamp; time advances only as the caller takes frames, so it
 * follows the TDM clock and needs no clock of its own. Frames come out
 * whole, which keeps the interface the same for an adaptive buffer and for
 * codecs whose packets cannot be split. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "media/priv.h"

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
};

int jb_alloc(const struct jb_cfg *cfg, struct jb **out)
{
	unsigned rate, depth_ms, i;
	struct jb *jb;

	if (!cfg || !out || !cfg->max_payload || cfg->depth_ms > 1000 ||
	    cfg->slots > 1000)
		return EINVAL;
	rate = cfg->rate ? cfg->rate : MEDIA_RATE;
	depth_ms = cfg->depth_ms ? cfg->depth_ms : JB_DEFAULT_MS;
	jb = calloc(1, sizeof(*jb));
	if (!jb)
		return ENOMEM;
	jb->depth = (uint32_t)((uint64_t)rate * depth_ms / 1000);
	jb->jump = rate > 4 * jb->depth ? rate : 4 * jb->depth;
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
}

unsigned jb_count(const struct jb *jb)
{
	return jb->n;
}

void jb_stats(const struct jb *jb, struct jb_stats *out)
{
	*out = jb->st;
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
}

enum jb_put_result jb_put(struct jb *jb, uint32_t ts, uint32_t samples,
			  const void *payload, size_t len)
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
	} else if ((int64_t)d + samples <= 0) {
		/* A long underrun means the sender paused without advancing
		 * its timestamps (hold): follow it rather than drop it all. */
		if (jb->n || jb->starved < 2 * jb->depth) {
			jb->st.late++;
			return JB_PUT_LATE;
		}
		anchor(jb, ts);
		jb->st.resync++;
		res = JB_PUT_RESYNC;
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
	jb->st.gaps++;
	return JB_GET_GAP;
}
