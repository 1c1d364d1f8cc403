/*
 * ua_subs.c: subscriptions we serve (RFC 6665) for the event packages in
 * sip_stack_cfg.allow_events, their state read through the event_state
 * hook; and REFER (RFC 3515): 202, then NOTIFYs with a message/sipfrag of
 * the progress the application reports.
 */
#include <errno.h>
#include <string.h>
#include "sip/ua_int.h"

#define SUBS_MAX_EXPIRES 3600
#define SUBS_MIN_EXPIRES 60
#define SUBS_BODY_MAX 2048

struct sip_subs {
	struct sip_subs *next;
	struct sip_stack *st;
	struct sip_dialog dlg;
	char event[64]; /* the package, as subscribed */
	uint64_t until; /* expiry, ms on the stack clock */
	struct sip_timer t_exp;
};

static const struct sip_hdr *hdr2(const struct sip_msg *m, const char *name,
				  const char *compact)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, name);
	return h ? h : sip_msg_hdr_name(m, compact);
}

/* The package name of an Event header, without parameters. */
static bool event_pkg(const struct sip_msg *m, struct sip_pl *pkg)
{
	const struct sip_hdr *h = hdr2(m, "Event", "o");
	if (!h)
		return false;
	struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
	sip_lex_lws(&lx);
	return sip_lex_token(&lx, pkg);
}

static bool served(struct sip_stack *st, const struct sip_pl *pkg)
{
	struct sip_lex lx = { st->allow_events,
			      st->allow_events + strlen(st->allow_events) };
	struct sip_pl e;
	while (sip_list_next(&lx, &e))
		if (e.l == pkg->l && memcmp(e.p, pkg->p, e.l) == 0)
			return true;
	return false;
}

static uint32_t req_expires(const struct sip_msg *m)
{
	const struct sip_hdr *h = sip_msg_hdr(m, SIP_HDR_EXPIRES, NULL);
	uint32_t v = SUBS_MAX_EXPIRES;
	if (h) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl tok;
		sip_lex_lws(&lx);
		if (!sip_lex_token(&lx, &tok) ||
		    sip_parse_u32(&tok, UINT32_MAX, &v))
			v = SUBS_MAX_EXPIRES;
	}
	return v > SUBS_MAX_EXPIRES ? SUBS_MAX_EXPIRES : v;
}

static void subs_free(struct sip_subs *s)
{
	struct sip_stack *st = s->st;
	sip_timer_stop(&s->t_exp);
	ua_req_dialog_gone(st, &s->dlg);
	for (struct sip_subs **pp = &st->subs; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	st->stats.active_subs--;
	sip_dialog_release(&s->dlg);
	sip_free(st, s);
}

static void notify_resp(void *arg, struct sip_req *req, int err,
			const struct sip_msg *resp)
{
	struct sip_subs *s = arg;
	(void)req;
	/* 4.2.2: a failed NOTIFY ends the subscription */
	if (err || resp->code == 481 || resp->code >= 500)
		subs_free(s);
}

/* NOTIFY with the current state; reason non-NULL: terminated. */
static int subs_notify(struct sip_subs *s, const char *reason)
{
	struct sip_stack *st = s->st;
	char body[SUBS_BODY_MAX], extra[256];
	int n = -1;
	if (st->h.event_state)
		n = st->h.event_state(st->h.arg, s->event, body, sizeof(body));
	if (n < 0 || (size_t)n >= sizeof(body))
		n = 0;
	body[n] = '\0';
	uint64_t now = st->h.now(st->h.arg);
	unsigned left =
		s->until > now ? (unsigned)((s->until - now) / 1000) : 0;
	if (reason)
		snprintf(extra, sizeof(extra),
			 "Event: %s\r\nSubscription-State: terminated;"
			 "reason=%s\r\n",
			 s->event, reason);
	else
		snprintf(extra, sizeof(extra),
			 "Event: %s\r\nSubscription-State: active;"
			 "expires=%u\r\n",
			 s->event, left);
	return ua_req_dialog(st, &s->dlg, SIP_METHOD_NOTIFY, extra,
			     "text/plain", n ? body : NULL,
			     reason ? NULL : notify_resp, s, NULL);
}

static void exp_fn(void *arg)
{
	struct sip_subs *s = arg;
	sip_log(s->st, LOG_INFO, "subscription %s expired", s->event);
	subs_notify(s, "timeout");
	subs_free(s);
}

static void reply_expires(struct sip_stack *st, const struct sip_msg *req,
			  const struct sip_addr *src, const char *tag,
			  uint32_t exp)
{
	char x[64];
	struct sip_trans *t = NULL;
	snprintf(x, sizeof(x), "Expires: %u\r\n", exp);
	if (sip_strans_alloc(&t, st, req, src, NULL, NULL))
		t = NULL;
	ua_reply_on(st, t, req, src, 200, tag, x, NULL);
	sip_trans_detach(t);
}

void ua_recv_subscribe(struct sip_stack *st, const struct sip_msg *req,
		       const struct sip_addr *src)
{
	struct sip_pl pkg;
	char x[192], tag[17];
	if (!event_pkg(req, &pkg) || !served(st, &pkg) || !st->h.event_state ||
	    pkg.l >= sizeof(((struct sip_subs *)0)->event)) {
		snprintf(x, sizeof(x), "Allow-Events: %s\r\n",
			 st->allow_events[0] ? st->allow_events : "refer");
		sip_ua_reply(st, req, src, 489, x);
		return;
	}
	uint32_t exp = req_expires(req);
	if (exp && exp < SUBS_MIN_EXPIRES) {
		snprintf(x, sizeof(x), "Min-Expires: %u\r\n", SUBS_MIN_EXPIRES);
		sip_ua_reply(st, req, src, 423, x);
		return;
	}
	if (st->shutting_down || st->subs_closed) {
		sip_ua_reply(st, req, src, 503, NULL);
		return;
	}
	struct sip_subs *s = sip_zalloc(st, sizeof(*s));
	sip_rand_hex(st, tag, 16);
	if (!s || sip_dialog_init_uas(&s->dlg, st, req, tag, src)) {
		sip_free(st, s);
		sip_ua_reply(st, req, src, 500, NULL);
		return;
	}
	s->st = st;
	memcpy(s->event, pkg.p, pkg.l);
	s->event[pkg.l] = '\0';
	s->next = st->subs;
	st->subs = s;
	st->stats.active_subs++;
	sip_timer_init(&s->t_exp, st, SIP_TMR_SUBS, exp_fn, s);
	s->until = st->h.now(st->h.arg) + (uint64_t)exp * 1000;
	reply_expires(st, req, src, tag, exp);
	sip_log(st, LOG_INFO, "subscription %s for %u s", s->event, exp);
	if (!exp) { /* a fetch (4.4.3): one NOTIFY, then terminated */
		subs_notify(s, "timeout");
		subs_free(s);
		return;
	}
	sip_timer_start(&s->t_exp, (uint64_t)exp * 1000);
	subs_notify(s, NULL);
}

bool ua_subs_in_dialog(struct sip_stack *st, const struct sip_msg *req,
		       const struct sip_addr *src)
{
	struct sip_subs *s = st->subs;
	while (s && !sip_dialog_match(&s->dlg, req))
		s = s->next;
	if (!s)
		return false;
	/* a refresh or unsubscribe from a source the out-of-dialog screen
	 * would refuse: refused alike, before the dialog sees it */
	if (st->h.screen) {
		unsigned code = st->h.screen(st->h.arg, src, req);

		if (code >= 300)
			sip_ua_reply(st, req, src, code, NULL);
		if (code)
			return true;
	}
	if (!sip_dialog_check_cseq(&s->dlg, req)) {
		sip_ua_reply(st, req, src, 500, NULL);
		return true;
	}
	if (req->method != SIP_METHOD_SUBSCRIBE) {
		sip_ua_reply(st, req, src, 405, "Allow: SUBSCRIBE\r\n");
		return true;
	}
	uint32_t exp = req_expires(req);
	if (exp && exp < SUBS_MIN_EXPIRES) {
		char x[64];
		snprintf(x, sizeof(x), "Min-Expires: %u\r\n", SUBS_MIN_EXPIRES);
		sip_ua_reply(st, req, src, 423, x);
		return true;
	}
	reply_expires(st, req, src, NULL, exp);
	s->until = st->h.now(st->h.arg) + (uint64_t)exp * 1000;
	if (!exp) { /* unsubscribe */
		subs_notify(s, "timeout");
		subs_free(s);
		return true;
	}
	sip_timer_start(&s->t_exp, (uint64_t)exp * 1000);
	subs_notify(s, NULL);
	return true;
}

void sip_stack_event_changed(struct sip_stack *st, const char *event)
{
	if (!st || !event)
		return;
	struct sip_subs *s = st->subs, *next;
	for (; s; s = next) {
		next = s->next;
		if (strcmp(s->event, event) == 0)
			subs_notify(s, NULL);
	}
}

void sip_stack_end_subscriptions(struct sip_stack *st)
{
	if (st)
		ua_subs_shutdown(st);
}

void ua_subs_shutdown(struct sip_stack *st)
{
	st->subs_closed = true;
	while (st->subs) {
		subs_notify(st->subs, "noresource");
		subs_free(st->subs);
	}
}

void ua_subs_free_all(struct sip_stack *st)
{
	while (st->subs)
		subs_free(st->subs);
}

size_t ua_subs_dump(const struct sip_stack *st, char *buf, size_t size)
{
	struct sip_mbuf mb;
	uint64_t now = st->h.now(st->h.arg);
	sip_mb_init(&mb, buf, size);
	for (const struct sip_subs *s = st->subs; s; s = s->next)
		sip_mb_printf(&mb, "subscription %s %s expires %llu s\n",
			      s->event, s->dlg.call_id ? s->dlg.call_id : "",
			      (unsigned long long)(s->until > now ? (s->until -
								     now) / 1000
								  : 0));
	return mb.len;
}

/* ---- REFER ---- */

static int refer_notify(struct sip_call *c, unsigned code)
{
	char extra[160], frag[96];
	snprintf(extra, sizeof(extra),
		 "Event: refer;id=%u\r\nSubscription-State: %s\r\n",
		 c->refer_cseq,
		 code >= 200 ? "terminated;reason=noresource"
			     : "active;expires=60");
	snprintf(frag, sizeof(frag), "SIP/2.0 %u %s\r\n", code,
		 sip_reason_phrase(code));
	int err = sip_call_request(c, SIP_METHOD_NOTIFY, extra,
				   "message/sipfrag;version=2.0", frag, NULL,
				   NULL, NULL);
	if (code >= 200)
		c->refer_cseq = 0;
	return err;
}

void ua_recv_refer(struct sip_call *c, const struct sip_msg *req,
		   const struct sip_addr *src)
{
	struct sip_call_event ev;
	const struct sip_hdr *rt = hdr2(req, "Refer-To", "r");
	if (!rt || !rt->val.l) {
		sip_ua_reply(c->st, req, src, 400, NULL);
		return;
	}
	if (c->state != SIP_CALL_CONFIRMED) {
		sip_ua_reply(c->st, req, src, 491, NULL);
		return;
	}
	sip_ua_reply(c->st, req, src, 202, NULL);
	c->refer_cseq = req->cseq;
	refer_notify(c, 100); /* 3: the first NOTIFY comes at once */
	ua_fill_event(&ev, SIP_CALL_EV_REFER, req);
	ev.refer_to = rt->val;
	ua_emit(c, &ev);
}

int sip_call_refer_notify(struct sip_call *c, unsigned code)
{
	if (!c || code < 100 || code > 699)
		return EINVAL;
	if (!c->refer_cseq)
		return EPROTO;
	return refer_notify(c, code);
}
