/*
 * ua_timer.c: session timers (RFC 4028). The refresher re-offers at half
 * the interval; both sides end the session with a BYE when it lapses
 * (the refreshee a little early, 10.2: interval - min(32, interval/3)).
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include "sip/ua_int.h"

#define SE_MAX 86400 /* accepted, then capped: a day */

bool ua_has_tag(const struct sip_msg *m, enum sip_hdr_id id, const char *tag)
{
	const struct sip_hdr *h = NULL;
	while ((h = sip_msg_hdr(m, id, h))) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl e;
		while (sip_list_next(&lx, &e))
			if (sip_pl_casecmp(&e, tag))
				return true;
	}
	return false;
}

bool ua_allows(const struct sip_msg *m, const char *method)
{
	const struct sip_hdr *h = NULL;
	while ((h = sip_msg_hdr(m, SIP_HDR_ALLOW, h))) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl e;
		while (sip_list_next(&lx, &e))
			if (sip_pl_eq(&e, method))
				return true;
	}
	return false;
}

static const struct sip_hdr *hdr2(const struct sip_msg *m, const char *name,
				  const char *compact)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, name);
	return h ? h : sip_msg_hdr_name(m, compact);
}

/* Session-Expires (compact x): delta-seconds *(;se-params). refresher:
 * 0 absent, 1 uac, 2 uas. False if absent or malformed. */
static bool parse_se(const struct sip_msg *m, uint32_t *delta, int *refresher)
{
	const struct sip_hdr *h = hdr2(m, "Session-Expires", "x");
	if (!h)
		return false;
	struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
	struct sip_pl tok, params = { NULL, 0 }, val;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &tok) || sip_parse_u32(&tok, UINT32_MAX, delta))
		return false;
	*refresher = 0;
	if (lx.p < lx.e && !sip_params_parse(&lx, &params) &&
	    sip_param_find(&params, "refresher", &val))
		*refresher = sip_pl_casecmp(&val, "uac")   ? 1
			     : sip_pl_casecmp(&val, "uas") ? 2
							   : 0;
	return true;
}

uint32_t ua_se_min(const struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, "Min-SE");
	uint32_t v = 0;
	if (h) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl tok;
		sip_lex_lws(&lx);
		if (!sip_lex_token(&lx, &tok) ||
		    sip_parse_u32(&tok, UINT32_MAX, &v))
			v = 0;
	}
	return v;
}

static void refresh_fn(void *arg)
{
	struct sip_call *c = arg;
	sip_log(c->st, LOG_INFO, "call %u: session refresh (%u s)", c->id,
		c->se);
	if (ua_refresh(c)) /* busy: try again a little later */
		sip_timer_start(&c->t_refresh, 2000);
}

static void expire_fn(void *arg)
{
	struct sip_call *c = arg;
	struct sip_call_event ev;
	sip_log(c->st, LOG_NOTICE, "call %u {%s}: session expired (%u s)",
		c->id, sip_call_state_name(c->state), c->se);
	ua_fill_event(&ev, SIP_CALL_EV_SESSION_EXPIRED, NULL);
	ev.code = 408;
	sip_timer_stop(&c->t_refresh);
	if (ua_emit(c, &ev))
		return;
	if (c->state != SIP_CALL_ENDED && c->state != SIP_CALL_TERMINATING)
		sip_call_hangup(c, 408, 102); /* cause 102: timer expiry */
}

void ua_se_init(struct sip_call *c)
{
	sip_timer_init(&c->t_refresh, c->st, SIP_TMR_REFRESH, refresh_fn, c);
	sip_timer_init(&c->t_expire, c->st, SIP_TMR_EXPIRE, expire_fn, c);
}

void ua_se_stop(struct sip_call *c)
{
	sip_timer_stop(&c->t_refresh);
	sip_timer_stop(&c->t_expire);
}

/* (Re)starts the timers for the interval just negotiated. */
static void se_start(struct sip_call *c, uint32_t se, bool we_refresh)
{
	ua_se_stop(c);
	if (se > SE_MAX)
		se = SE_MAX;
	c->se = se;
	c->se_refresher = we_refresh;
	if (!se)
		return;
	uint64_t ms = (uint64_t)se * 1000;
	if (we_refresh) {
		sip_timer_start(&c->t_refresh, ms / 2);
		sip_timer_start(&c->t_expire, ms);
	} else {
		uint32_t early = se / 3 < 32 ? se / 3 : 32;
		sip_timer_start(&c->t_expire, ms - (uint64_t)early * 1000);
	}
	sip_log(c->st, LOG_INFO, "call %u: session timer %u s, refresher %s",
		c->id, se, we_refresh ? "us" : "peer");
}

unsigned ua_se_check(struct sip_stack *st, const struct sip_msg *req,
		     struct sip_mbuf *x)
{
	uint32_t se;
	int refresher;
	if (!parse_se(req, &se, &refresher))
		return 0;
	if (se < st->min_se) {
		sip_mb_printf(x, "Min-SE: %u\r\n", st->min_se);
		return 422;
	}
	return 0;
}

void ua_se_answer(struct sip_call *c, const struct sip_msg *req,
		  struct sip_mbuf *x)
{
	uint32_t se = 0;
	int refresher = 0;
	bool timer = ua_has_tag(req, SIP_HDR_SUPPORTED, "timer") ||
		     ua_has_tag(req, SIP_HDR_REQUIRE, "timer");
	if (!parse_se(req, &se, &refresher)) {
		uint32_t min = ua_se_min(req);
		/* no interval asked: offer ours if the peer can refresh */
		if (!timer || !c->st->session_expires) {
			se_start(c, 0, false);
			return;
		}
		se = c->st->session_expires;
		if (se < min)
			se = min;
		refresher = 1;
	}
	if (!refresher)
		refresher = timer ? 1 : 2; /* 9: the UAC refreshes if able */
	if (!timer)
		refresher = 2; /* it cannot: we do */
	sip_mb_printf(x, "Session-Expires: %u;refresher=%s\r\n", se,
		      refresher == 1 ? "uac" : "uas");
	if (timer)
		sip_mb_str(x, "Require: timer\r\n");
	se_start(c, se, refresher == 2);
}

void ua_se_request(struct sip_call *c, struct sip_mbuf *x)
{
	struct sip_stack *st = c->st;
	uint32_t se = c->se ? c->se : st->session_expires;
	uint32_t min = st->min_se;
	if (c->se_ask > se)
		se = c->se_ask;
	if (c->se_ask > min)
		min = c->se_ask;
	if (!se)
		return;
	/* a refresh names us as refresher (RFC 4028 7.4) */
	if (c->se)
		sip_mb_printf(x, "Session-Expires: %u;refresher=uac\r\n", se);
	else
		sip_mb_printf(x, "Session-Expires: %u\r\n", se);
	sip_mb_printf(x, "Min-SE: %u\r\n", min);
}

void ua_se_answered(struct sip_call *c, const struct sip_msg *resp)
{
	uint32_t se;
	int refresher;
	if (!parse_se(resp, &se, &refresher)) {
		/* the peer knows no timers: we keep refreshing if we did */
		if (c->se && c->se_refresher)
			se_start(c, c->se, true);
		else
			se_start(c, 0, false);
		return;
	}
	/* absent refresher in a 2xx: the UAC (we) refresh (7.2) */
	se_start(c, se, refresher != 2);
}
