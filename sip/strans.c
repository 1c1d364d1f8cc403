/*
 * strans.c: server transactions (RFC 3261 17.2, RFC 6026). INVITE:
 * Timers G, H, I and L; non-INVITE: Timer J. Retransmitted requests are
 * answered from the last response and never reach the TU.
 */
#include <errno.h>
#include <string.h>
#include "sip/sip_int.h"

/*
 * RFC 3261 17.2.3: with the magic cookie, branch + sent-by identify the
 * transaction; otherwise (RFC 2543 peers) fall back on dialog fields.
 */
void sip_trans_key(const struct sip_msg *msg, char *buf, size_t size)
{
	const struct sip_via *v = &msg->via;
	if (v->branch.l > 7 && memcmp(v->branch.p, SIP_BRANCH_COOKIE, 7) == 0)
		snprintf(buf, size, "%.*s|%.*s", (int)v->branch.l, v->branch.p,
			 (int)v->sentby.l, v->sentby.p);
	else
		snprintf(buf, size, "2543|%.*s|%u|%.*s|%.*s|%.*s",
			 (int)msg->call_id.l, msg->call_id.p, msg->cseq,
			 (int)msg->from.tag.l, msg->from.tag.p,
			 (int)v->sentby.l, v->sentby.p, (int)v->branch.l,
			 v->branch.p);
}

static void set_state(struct sip_trans *t, enum sip_trans_state s)
{
	sip_log(t->st, LOG_DEBUG, "strans %s %s {%s}: -> %s", t->key,
		sip_method_name(t->method), sip_trans_state_name(t->state),
		sip_trans_state_name(s));
	t->state = s;
}

static void resend(struct sip_trans *t)
{
	if (!t->resp)
		return;
	t->st->stats.retransmissions++;
	sip_send(t->st, &t->peer, t->resp, t->resp_len);
}

static void retx_fn(void *arg) /* Timer G */
{
	struct sip_trans *t = arg;
	resend(t);
	t->interval *= 2;
	if (t->interval > t->st->t2)
		t->interval = t->st->t2;
	sip_timer_start(&t->t_retx, t->interval);
}

static void tmo_fn(void *arg) /* Timer H, or L in ACCEPTED */
{
	struct sip_trans *t = arg;
	sip_strans_h *h = t->sh;
	void *harg = t->arg;
	bool no_ack = t->state == SIP_TS_COMPLETED;
	if (no_ack)
		sip_log(t->st, LOG_INFO, "strans %s: Timer H: no ACK", t->key);
	sip_trans_free(t);
	if (h && no_ack)
		h(ETIMEDOUT, harg);
}

static void end_fn(void *arg) /* Timers I, J */
{
	sip_trans_free(arg);
}

int sip_strans_alloc(struct sip_trans **tp, struct sip_stack *st,
		     const struct sip_msg *req, const struct sip_addr *src,
		     sip_strans_h *h, void *arg)
{
	struct sip_trans *t = sip_zalloc(st, sizeof(*t));
	if (!t)
		return ENOMEM;
	bool inv = req->method == SIP_METHOD_INVITE;
	t->st = st;
	t->server = true;
	t->method = req->method;
	t->peer = *src;
	t->sh = h;
	t->arg = arg;
	sip_trans_key(req, t->key, sizeof(t->key));
	sip_timer_init(&t->t_retx, st, SIP_TMR_G, retx_fn, t);
	sip_timer_init(&t->t_tmo, st, SIP_TMR_H, tmo_fn, t);
	sip_timer_init(&t->t_end, st, inv ? SIP_TMR_I : SIP_TMR_J, end_fn, t);
	t->state = inv ? SIP_TS_PROCEEDING : SIP_TS_TRYING;
	sip_trans_link(t, tp);
	return 0;
}

int sip_strans_reply(struct sip_trans *t, const char *buf, size_t len,
		     unsigned code)
{
	struct sip_stack *st = t->st;
	bool udp = t->peer.tp == SIP_TP_UDP;
	if (t->state != SIP_TS_TRYING && t->state != SIP_TS_PROCEEDING)
		return EPROTO; /* a final response was already sent */
	char *copy = sip_strdup(st, buf, len);
	if (!copy)
		return ENOMEM;
	sip_free(st, t->resp);
	t->resp = copy;
	t->resp_len = len;
	t->resp_code = code;
	sip_send(st, &t->peer, buf, len);
	if (code < 200) {
		if (t->state == SIP_TS_TRYING)
			set_state(t, SIP_TS_PROCEEDING);
		return 0;
	}
	if (t->method == SIP_METHOD_INVITE) {
		if (code < 300) {
			set_state(t, SIP_TS_ACCEPTED);
			t->t_tmo.id = SIP_TMR_L;
			sip_timer_start(&t->t_tmo, 64 * (uint64_t)st->t1);
		} else {
			set_state(t, SIP_TS_COMPLETED);
			t->interval = st->t1;
			if (udp)
				sip_timer_start(&t->t_retx, st->t1);
			sip_timer_start(&t->t_tmo, 64 * (uint64_t)st->t1);
		}
	} else {
		set_state(t, SIP_TS_COMPLETED);
		sip_timer_start(&t->t_end, udp ? 64 * (uint64_t)st->t1 : 0);
	}
	return 0;
}

static struct sip_trans *find(struct sip_stack *st, const char *key,
			      enum sip_method m)
{
	for (struct sip_trans *t = *sip_trans_bucket(st, key, strlen(key)); t;
	     t = t->hnext)
		if (t->server && t->method == m && strcmp(t->key, key) == 0)
			return t;
	return NULL;
}

bool sip_strans_recv(struct sip_stack *st, const struct sip_msg *msg,
		     const struct sip_addr *src)
{
	char key[sizeof(((struct sip_trans *)0)->key)];
	enum sip_method m =
		msg->method == SIP_METHOD_ACK ? SIP_METHOD_INVITE : msg->method;
	sip_trans_key(msg, key, sizeof(key));
	struct sip_trans *t = find(st, key, m);
	if (!t)
		return false;
	if (msg->method == SIP_METHOD_ACK) {
		switch (t->state) {
		case SIP_TS_COMPLETED:
			sip_timer_stop(&t->t_retx);
			sip_timer_stop(&t->t_tmo);
			set_state(t, SIP_TS_CONFIRMED);
			sip_timer_start(&t->t_end,
					t->peer.tp == SIP_TP_UDP ? st->t4 : 0);
			return true;
		case SIP_TS_ACCEPTED:
			return false; /* ACK for a 2xx belongs to the TU */
		default:
			return true;
		}
	}
	switch (t->state) {
	case SIP_TS_PROCEEDING:
	case SIP_TS_COMPLETED:
		resend(t);
		break;
	default:
		break; /* TRYING, CONFIRMED, ACCEPTED: absorbed */
	}
	return true;
}

struct sip_trans *sip_strans_find_invite(struct sip_stack *st,
					 const struct sip_msg *cancel)
{
	char key[sizeof(((struct sip_trans *)0)->key)];
	sip_trans_key(cancel, key, sizeof(key));
	return find(st, key, SIP_METHOD_INVITE);
}
