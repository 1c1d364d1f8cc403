/*
 * Channel hunting: which idle B-channel a new outgoing call takes, on one
 * span or across a span group. Candidates are a flat list of channels
 * (span by span in the order added, timeslot order inside a span) so one
 * routine serves both.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

#define GROUP_MAX_SPANS 32
#define GROUP_NAME_MAX 32

/* Owned by its user (tdm_group_alloc / tdm_group_free). */
struct tdm_group {
	char name[GROUP_NAME_MAX];
	enum tdm_hunt hunt;
	struct tdm_span *spans[GROUP_MAX_SPANS];
	int nspans;
	int last; /* flat index of the channel taken last, -1: none */
};

static const char *const hunt_names[TDM_HUNT__COUNT] = {
	[TDM_HUNT_DEFAULT] = "default",
	[TDM_HUNT_ASC] = "ascending",
	[TDM_HUNT_DESC] = "descending",
	[TDM_HUNT_RR_ASC] = "rr_ascending",
	[TDM_HUNT_RR_DESC] = "rr_descending",
	[TDM_HUNT_LRU] = "lru",
};

const char *tdm_hunt_name(enum tdm_hunt h)
{
	return (unsigned)h < TDM_HUNT__COUNT ? hunt_names[h] : "?";
}

int tdm_hunt_lookup(const char *name)
{
	for (int i = 0; name && i < TDM_HUNT__COUNT; i++)
		if (!strcmp(name, hunt_names[i]))
			return i;
	return -1;
}

const char *tdm_hunt_list(void)
{
	return "default, ascending, descending, rr_ascending, rr_descending, lru";
}

int tdm_hunt_pick(struct tdm_chan *const *c, const bool *skip, int n,
		  enum tdm_hunt h, int last, uint32_t exclude)
{
	int i, k, best = -1;

#define hunt_ok(ch, idx)                                                  \
	((ch)->state == TDM_CHAN_IDLE && !(exclude & (1u << (ch)->ts)) && \
	 !(skip && skip[idx]))

	if (n <= 0)
		return -1;
	switch (h) {
	case TDM_HUNT_DEFAULT: /* resolved by the caller */
	case TDM_HUNT_ASC:
	case TDM_HUNT__COUNT:
		for (i = 0; i < n; i++)
			if (hunt_ok(c[i], i))
				return i;
		return -1;
	case TDM_HUNT_DESC:
		for (i = n - 1; i >= 0; i--)
			if (hunt_ok(c[i], i))
				return i;
		return -1;
	case TDM_HUNT_RR_ASC:
		for (k = 1; k <= n; k++) {
			i = ((last < 0 ? -1 : last) + k) % n;
			if (hunt_ok(c[i], i))
				return i;
		}
		return -1;
	case TDM_HUNT_RR_DESC:
		for (k = 1; k <= n; k++) {
			i = ((last < 0 ? n : last) - k + 2 * n) % n;
			if (hunt_ok(c[i], i))
				return i;
		}
		return -1;
	case TDM_HUNT_LRU:
		for (i = 0; i < n; i++)
			if (hunt_ok(c[i], i) &&
			    (best < 0 || c[i]->idle_seq < c[best]->idle_seq))
				best = i;
		return best;
	}
	return -1;
#undef hunt_ok
}

enum tdm_hunt tdm_span_hunt(const struct tdm_span *span)
{
	if (span->cfg.hunt != TDM_HUNT_DEFAULT)
		return span->cfg.hunt;
	return span->role == TDM_ROLE_NET ? TDM_HUNT_DESC : TDM_HUNT_ASC;
}

int tdm_group_alloc(const char *name, enum tdm_hunt hunt,
		    struct tdm_group **out)
{
	struct tdm_group *g;

	if (!name || !name[0] || strlen(name) >= GROUP_NAME_MAX || !out ||
	    (unsigned)hunt >= TDM_HUNT__COUNT)
		return EINVAL;
	g = calloc(1, sizeof(*g));
	if (!g)
		return ENOMEM;
	strcpy(g->name, name);
	g->hunt = hunt == TDM_HUNT_DEFAULT ? TDM_HUNT_ASC : hunt;
	g->last = -1;
	*out = g;
	return 0;
}

void tdm_group_free(struct tdm_group *g)
{
	if (!g)
		return;
	for (int i = 0; i < g->nspans; i++)
		g->spans[i]->group = NULL;
	free(g);
}

int tdm_group_add(struct tdm_group *g, struct tdm_span *span)
{
	if (!g || !span || span->group)
		return EINVAL;
	if (g->nspans == GROUP_MAX_SPANS)
		return ENOSPC;
	g->spans[g->nspans++] = span;
	span->group = g;
	return 0;
}

const char *tdm_group_name(const struct tdm_group *g)
{
	return g->name;
}

/* Forgets a span being freed. */
void tdm_group_drop(struct tdm_span *span)
{
	struct tdm_group *g = span->group;
	int i, j;

	if (!g)
		return;
	for (i = j = 0; i < g->nspans; i++)
		if (g->spans[i] != span)
			g->spans[j++] = g->spans[i];
	g->nspans = j;
	g->last = -1;
	span->group = NULL;
}

int tdm_group_place(struct tdm_group *g, const struct tdm_setup *setup,
		    void *user, struct tdm_call **out)
{
	struct tdm_chan *c[GROUP_MAX_SPANS * TDM_MAX_BCHANS];
	struct tdm_span *owner[GROUP_MAX_SPANS * TDM_MAX_BCHANS];
	bool skip[GROUP_MAX_SPANS * TDM_MAX_BCHANS];
	int i, j, n = 0, pick, err;
	bool up = false;

	if (!g || !setup || !out)
		return EINVAL;
	/* every channel of every span keeps its flat index; spans that are
	 * down offer none */
	for (i = 0; i < g->nspans; i++) {
		struct tdm_span *s = g->spans[i];
		bool usable = s->state == TDM_SPAN_UP;

		up |= usable;
		for (j = 0; j < s->nchans; j++) {
			c[n] = &s->chans[j];
			skip[n] = !usable;
			owner[n++] = s;
		}
	}
	if (!up)
		return ENOTCONN;
	if (setup->chan)
		return EINVAL; /* a timeslot names no span of a group */
	pick = tdm_hunt_pick(c, skip, n, g->hunt, g->last, 0);
	if (pick < 0)
		return EBUSY;
	err = tdm_call_place_chan(owner[pick], c[pick]->ts, setup, user, out);
	if (!err)
		g->last = pick;
	return err;
}
