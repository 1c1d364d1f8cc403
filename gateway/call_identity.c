/*
 * A call's numbers and identity between its legs (issue 7), on top of the
 * pure mappings of identity.c: which span's numbering plan, which trunk's
 * trust and cause maps, and where in the call the results go. call_setup.c
 * calls these at the points a call is built, so routing sees (and may
 * rewrite) the numbers in between.
 */
#include <stdio.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/identity.h"
#include "gateway/media_prof.h"

static const struct cfg_span *span_cfg_of(struct gw *gw,
					  const struct tdm_span *span)
{
	for (size_t i = 0; i < gw->nspans; i++)
		if (gw->spans[i].span == span)
			return gw->spans[i].cfg;
	return NULL;
}

/* The first span of the group: spans of a group share one plan (cfg.c
 * checks), and a SIP call needs it before a channel is hunted. */
static const struct cfg_span *group_cfg(struct gw *gw, const char *group)
{
	for (size_t i = 0; i < gw->nspans; i++)
		if (!strcmp(gw->spans[i].cfg->group, group))
			return gw->spans[i].cfg;
	return NULL;
}

static struct gw_numplan numplan_of(const struct cfg_span *sc)
{
	struct gw_numplan np = { 0 };

	if (sc) {
		np.cc = sc->country_code;
		np.natpfx = sc->national_prefix;
		np.intpfx = sc->international_prefix;
	}
	return np;
}

/* The trunk's cause maps go with the call (see call_int.h). */
static void take_maps(struct gw_call *c, const struct cfg_trunk *tr)
{
	if (!tr)
		return;
	c->iw_c2s = tr->iw_c2s;
	c->iw_s2c = tr->iw_s2c;
}

void call_id_from_pstn(struct gw_call *c, const struct tdm_event *ev)
{
	const struct tdm_call_info *in = ev->info;
	struct gw_numplan np = numplan_of(span_cfg_of(c->gw, c->span));

	if (!in)
		return;
	gw_id_to_e164(&np, in->called.digits, in->called.ton, c->called,
		      sizeof(c->called));
	gw_id_to_e164(&np, in->calling.digits, in->calling.ton, c->calling,
		      sizeof(c->calling));
}

void call_id_invite(struct gw_call *c, const struct cfg_trunk *tr,
		    struct gw_id_sip *ids, struct sip_call_params *p)
{
	struct gw_numplan np = numplan_of(span_cfg_of(c->gw, c->span));
	struct gw_id_opts io = { .np = &np,
				 .domain = c->gw->cfg.sip_domain,
				 .trust_pai = tr->trust_pai,
				 .redir = (enum gw_redir_hdr)tr->redir_hdr };
	struct tdm_call_info none = { 0 };
	const struct tdm_call_info *in = c->tdm ? tdm_call_info(c->tdm) : NULL;

	take_maps(c, tr); /* also on a failover to another trunk */
	gw_id_to_sip(&io, in ? in : &none, c->calling, c->called, ids);
	p->from_user = ids->from_user;
	p->from_display = ids->display[0] ? ids->display : NULL;
	if (ids->from_host)
		p->from_host = ids->from_host;
	if (!ids->hdrs[0])
		return;
	if (p->extra_hdrs && p->extra_hdrs[0]) {
		/* someone else's headers first; ours only if both fit */
		char both[sizeof(ids->hdrs)];
		int n = snprintf(both, sizeof(both), "%s%s", p->extra_hdrs,
				 ids->hdrs);

		if (n < 0 || (size_t)n >= sizeof(both)) {
			CLOG(c, LOG_WARNING,
			     "identity headers left out: too long");
			return;
		}
		memcpy(ids->hdrs, both, (size_t)n + 1);
	}
	p->extra_hdrs = ids->hdrs;
}

void call_id_from_sip(struct gw_call *c, const struct sip_msg *invite,
		      const struct cfg_trunk *src)
{
	struct gw_id_opts io = { .trust_pai = src && src->trust_pai };
	struct sip_pl pl = sip_msg_ruri_user(invite);
	struct tdm_number num;

	take_maps(c, src);
	/* a number (sip: user or tel:, RFC 3966 separators and parameters
	 * dropped) is routed as digits, '+' kept; anything else as it is */
	if (!gw_id_from_user(NULL, pl.p, pl.l, &num))
		snprintf(c->called, sizeof(c->called), "%s%s",
			 num.ton == TDM_TON_INTERNATIONAL ? "+" : "",
			 num.digits);
	/* the calling number routes see: the asserted identity of a trusted
	 * trunk, else the From user (left as it is if no number) */
	gw_id_from_sip(&io, invite, &c->id_sip, c->id_sip.calling_name,
		       sizeof(c->id_sip.calling_name));
	if (c->id_sip.calling.digits[0])
		snprintf(c->calling, sizeof(c->calling), "%s%s",
			 c->id_sip.calling.ton == TDM_TON_INTERNATIONAL ? "+"
									: "",
			 c->id_sip.calling.digits);
}

/* A number parsed without a plan, in the group's plan. */
static void replan(const struct gw_numplan *np, struct tdm_number *n)
{
	char s[TDM_NUM_MAX + 1];
	struct tdm_number out;

	if (n->ton != TDM_TON_INTERNATIONAL)
		return;
	snprintf(s, sizeof(s), "+%s", n->digits);
	if (!gw_id_from_user(np, s, strlen(s), &out)) {
		out.pres = n->pres;
		out.screen = n->screen;
		*n = out;
	}
}

const struct tdm_call_info *call_id_setup(struct gw_call *c, const char *group,
					  struct tdm_call_info *info)
{
	struct gw_numplan np = numplan_of(group_cfg(c->gw, group));
	struct tdm_number num;

	*info = c->id_sip;
	info->complete = true;
	/* the routed numbers (a route may have rewritten them) */
	if (!gw_id_from_user(&np, c->called, strlen(c->called), &num))
		info->called = num;
	else
		snprintf(info->called.digits, sizeof(info->called.digits),
			 "%.*s", TDM_NUM_MAX - 1, c->called); /* not a number */
	if (!gw_id_from_user(&np, c->calling, strlen(c->calling), &num)) {
		snprintf(info->calling.digits, sizeof(info->calling.digits),
			 "%s", num.digits);
		info->calling.ton = num.ton;
		info->calling.npi = num.npi;
	} else {
		info->calling.digits[0] = '\0';
		info->calling.ton = TDM_TON_UNKNOWN;
		info->calling.npi = TDM_NPI_UNKNOWN;
	}
	replan(&np, &info->redirecting);
	CLOG(c, LOG_INFO,
	     "to PSTN: calling '%s' %s %s %s, called '%s' %s, redirecting '%s' (%s)",
	     info->calling.digits, tdm_ton_name(info->calling.ton),
	     tdm_pres_name(info->calling.pres),
	     tdm_screen_name(info->calling.screen), info->called.digits,
	     tdm_ton_name(info->called.ton), info->redirecting.digits,
	     tdm_redir_name(info->redirect_reason));
	return info;
}
