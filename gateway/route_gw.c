/*
 * route_gw.c: what routing needs from the running gateway: calls per
 * target (limits), trunk health from keepalive.c's OPTIONS, and busy-out:
 * while every trunk of a busy_out route is down, the idle B-channels of
 * its source group are taken out of service (SERVICE messages where the
 * span has them), so the PSTN stops offering calls nobody can take.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "gateway/call_int.h"
#include "gateway/ctl.h"
#include "gateway/route.h"

unsigned call_count_on(const struct gw *gw, int kind, const char *name)
{
	unsigned n = 0;

	for (const struct gw_call *c = gw->calls; c; c = c->next)
		if (c->rule && c->alt >= 0 && c->state != CS_RELEASING &&
		    c->rule->targets[c->alt].kind == kind &&
		    !strcmp(c->rule->targets[c->alt].name, name))
			n++;
	return n;
}

bool gw_route_trunk_down(const struct gw *gw, const char *name)
{
	const struct cfg_trunk *t = cfg_trunk_find(&gw->cfg, name);

	return t && gw_trunk_state(gw, (size_t)(t - gw->cfg.trunks), NULL) ==
			    GW_TRUNK_DOWN;
}

/* Every target is a trunk and every one of them is down. */
static bool rule_down(const struct gw *gw, const struct gw_route_rule *r)
{
	for (size_t i = 0; i < r->ntargets; i++)
		if (r->targets[i].kind != CFG_TARGET_TRUNK ||
		    !gw_route_trunk_down(gw, r->targets[i].name))
			return false;
	return r->ntargets > 0;
}

/* Whether some busy_out route from group wants it out of service. */
static bool group_busy(const struct gw *gw, const char *group)
{
	const struct gw_route_table *t = gw->routes;

	for (size_t i = 0; t && i < t->nrules; i++) {
		const struct gw_route_rule *r = &t->rules[i];

		if (r->busy_out && r->src == GW_SRC_GROUP &&
		    !strcmp(r->src_name, group) && rule_down(gw, r))
			return true;
	}
	return false;
}

/* Whether the span tells the switch with SERVICE messages (NI-2, 5ESS,
 * 4ESS with service_messages on, as tdm/isdn_maint.c sends them). A span
 * without them is left alone: blocking only our side would make the
 * switch's SETUPs fail with another cause than the route's. */
static bool span_has_service(const struct cfg_span *sc)
{
	static const char *const with[] = { "ni2", "national", "5ess", "4ess" };

	for (size_t i = 0; sc->service_messages && i < 4; i++)
		if (!strcmp(sc->switchtype, with[i]))
			return true;
	return false;
}

void gw_route_health(struct gw *gw)
{
	for (size_t i = 0; i < gw->nspans; i++) {
		struct gw_span *s = &gw->spans[i];
		bool route = s->cfg && s->cfg->group[0] &&
			     group_busy(gw, s->cfg->group);
		bool busy = s->cfg && span_has_service(s->cfg) &&
			    (route || gw_drain_busy_out(gw, s));
		int n = s->span ? tdm_span_bchans(s->span) : 0;
		unsigned changed = 0;

		for (int k = 0; k < n; k++) {
			int ts = tdm_span_bchan_ts(s->span, k);
			uint32_t bit = 1u << (ts & 31);

			/* a RESTART or the far end may have put it back */
			if ((gw->busied[i] & bit) &&
			    tdm_span_chan_state(s->span, ts) !=
				    TDM_CHAN_BLOCKED)
				gw->busied[i] &= ~bit;
			bool mine = gw->busied[i] & bit;

			if (busy == mine)
				continue;
			if (busy &&
			    tdm_span_chan_state(s->span, ts) != TDM_CHAN_IDLE)
				continue; /* busy or blocked already */
			/* EBUSY while a call holds it: retried at release */
			if (tdm_span_chan_block(s->span, ts, busy))
				continue;
			gw->busied[i] ^= bit;
			changed++;
		}
		if (changed)
			GW_NOTICE(
				TDM, "span %u: %u B-channel(s) %s (busy_out)",
				s->cfg->id, changed,
				!busy ? "back in service"
				: route ? "out of service: every trunk of its route is down"
					: "out of service: draining");
	}
}

/* `route test FROM TO [SOURCE]`: what the table would do with a call,
 * at the current local time, without placing it. */
const char *gw_ctl_route_test(struct gw *gw, char **args, int nargs,
			      struct gw_ctl_out *out)
{
	const char *src = nargs > 2 ? args[2] : "pstn";
	struct gw_route_query q = { .calling = args[0], .called = args[1] };
	struct gw_route_result rr;
	const struct gw_route_table *t = gw->routes;

	if (!strcmp(src, "pstn")) {
		q.side = CFG_FROM_PSTN;
	} else if (!strcmp(src, "sip")) {
		q.side = CFG_FROM_SIP;
	} else if (!strncmp(src, "group:", 6) && src[6]) {
		q.side = CFG_FROM_PSTN;
		q.group = src + 6;
	} else if (!strncmp(src, "trunk:", 6) && src[6]) {
		q.side = CFG_FROM_SIP;
		q.trunk = src + 6;
		if (!cfg_trunk_find(&gw->cfg, q.trunk))
			return "no such trunk";
	} else {
		return "unknown source (pstn, sip, group:NAME or trunk:NAME)";
	}
	if (!strcmp(q.calling, "-"))
		q.calling = ""; /* no calling number */
	gw_route_when((long long)time(NULL), &q);
	if (gw_route_match(t, &q, &rr))
		return "no route matches";

	const struct gw_route_rule *r = rr.rule;
	bool down = r->ntargets > 0;

	gw_ctl_printf(out, "rule %s (%s:%d)\n", r->name,
		      t->file[0] ? t->file : "pstngw.conf [route]", r->line);
	gw_ctl_printf(out, "called %s -> %s\n", q.called, rr.called);
	gw_ctl_printf(out, "calling %s -> %s\n", q.calling[0] ? q.calling : "-",
		      rr.calling[0] ? rr.calling : "-");
	for (size_t i = 0; i < r->ntargets; i++) {
		const struct gw_route_target *tg = &r->targets[i];
		unsigned max = gw_route_limit(t, tg->kind, tg->name);
		bool tdown = tg->kind == CFG_TARGET_TRUNK &&
			     gw_route_trunk_down(gw, tg->name);
		char lim[32] = "";

		down &= tdown;
		if (max)
			snprintf(lim, sizeof(lim), ", %u/%u calls",
				 call_count_on(gw, tg->kind, tg->name), max);
		gw_ctl_printf(out, "%s %s %s (%s%s)\n",
			      i ? "alternative" : "target",
			      gw_route_kind_name(tg->kind), tg->name,
			      tdown ? "down" : "usable", lim);
	}
	gw_ctl_printf(out, "failover on");
	for (size_t i = 0; i < r->nfailover; i++)
		gw_ctl_printf(out, " %u", r->failover[i]);
	gw_ctl_printf(out, "%s\n", r->nfailover ? "" : " nothing");
	if (r->has_time)
		gw_ctl_printf(out, "time %02u:%02u-%02u:%02u\n", r->t_from / 60,
			      r->t_from % 60, r->t_to / 60, r->t_to % 60);
	if (r->days) {
		static const char *const dn[] = { "sun", "mon", "tue", "wed",
						  "thu", "fri", "sat" };

		gw_ctl_printf(out, "days");
		for (int d = 0; d < 7; d++)
			if (r->days & (1u << d))
				gw_ctl_printf(out, " %s", dn[d]);
		gw_ctl_printf(out, "\n");
	}
	gw_ctl_printf(out, "fax %s\n", r->fax ? "yes" : "no");
	if (down)
		gw_ctl_printf(out,
			      "refused now: every trunk is down (cause %d%s)\n",
			      r->refuse_cause, r->busy_out ? ", busy-out" : "");
	return NULL;
}
