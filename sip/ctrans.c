/*
 * ctrans.c: client transactions (RFC 3261 17.1, RFC 6026). INVITE:
 * Timers A, B, D and M; ACK for non-2xx built here. Non-INVITE: E, F, K.
 * Also the pieces shared with server transactions (list, free, names).
 */
#include <errno.h>
#include <string.h>
#include "sip/sip_int.h"

static const char *const state_names[SIP_TS__COUNT] = {
	[SIP_TS_CALLING] = "CALLING",	    [SIP_TS_TRYING] = "TRYING",
	[SIP_TS_PROCEEDING] = "PROCEEDING", [SIP_TS_COMPLETED] = "COMPLETED",
	[SIP_TS_CONFIRMED] = "CONFIRMED",   [SIP_TS_ACCEPTED] = "ACCEPTED",
	[SIP_TS_TERMINATED] = "TERMINATED",
};

const char *sip_trans_state_name(enum sip_trans_state s)
{
	return (unsigned)s < SIP_TS__COUNT ? state_names[s] : "?";
}

void sip_trans_detach(struct sip_trans *t)
{
	if (!t)
		return;
	t->ch = NULL;
	t->sh = NULL;
	t->arg = NULL;
	if (t->ref)
		*t->ref = NULL;
	t->ref = NULL;
}

void sip_trans_free(struct sip_trans *t)
{
	if (!t)
		return;
	struct sip_stack *st = t->st;
	sip_trans_detach(t);
	sip_timer_stop(&t->t_retx);
	sip_timer_stop(&t->t_tmo);
	sip_timer_stop(&t->t_end);
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	*t->hpprev = t->hnext;
	if (t->hnext)
		t->hnext->hpprev = t->hpprev;
	st->stats.active_trans--;
	sip_free(st, t->req);
	sip_free(st, t->resp);
	sip_free(st, t->ack);
	sip_free(st, t);
}

uint32_t sip_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)key[i]) * 16777619u;
	return h;
}

struct sip_trans **sip_trans_bucket(struct sip_stack *st, const char *key,
				    size_t len)
{
	return &st->trans_hash[sip_hash(key, len) & (SIP_TRANS_HASH - 1)];
}

void sip_trans_link(struct sip_trans *t, struct sip_trans **ref)
{
	struct sip_stack *st = t->st;
	struct sip_trans **b = sip_trans_bucket(st, t->key, strlen(t->key));

	t->next = st->trans;
	if (t->next)
		t->next->pprev = &t->next;
	st->trans = t;
	t->pprev = &st->trans;
	t->hnext = *b;
	if (t->hnext)
		t->hnext->hpprev = &t->hnext;
	*b = t;
	t->hpprev = b;
	t->st->stats.active_trans++;
	t->ref = ref;
	if (ref)
		*ref = t;
}

static void set_state(struct sip_trans *t, enum sip_trans_state s)
{
	sip_log(t->st, LOG_DEBUG, "trans %s %s {%s}: -> %s", t->key,
		sip_method_name(t->method), sip_trans_state_name(t->state),
		sip_trans_state_name(s));
	t->state = s;
}

/* Ends with an error for the TU: the handler runs last, t is gone. */
static void fail_to_tu(struct sip_trans *t, int err)
{
	sip_ctrans_h *h = t->ch;
	void *arg = t->arg;
	sip_trans_free(t);
	if (h)
		h(err, NULL, arg);
}

static void retx_fn(void *arg)
{
	struct sip_trans *t = arg;
	struct sip_stack *st = t->st;
	sip_send(st, &t->peer, t->req, t->req_len);
	st->stats.retransmissions++;
	if (t->method == SIP_METHOD_INVITE) {
		t->interval *= 2;
	} else {
		t->interval *= 2;
		if (t->interval > st->t2 || t->state == SIP_TS_PROCEEDING)
			t->interval = st->t2;
	}
	sip_timer_start(&t->t_retx, t->interval);
}

static void tmo_fn(void *arg)
{
	struct sip_trans *t = arg;
	if (t->state == SIP_TS_ACCEPTED) { /* Timer M */
		sip_trans_free(t);
		return;
	}
	sip_log(t->st, LOG_INFO, "trans %s %s: %s expired", t->key,
		sip_method_name(t->method), sip_timer_name(t->t_tmo.id));
	fail_to_tu(t, ETIMEDOUT);
}

static void end_fn(void *arg)
{
	sip_trans_free(arg);
}

int sip_ctrans_request(struct sip_trans **tp, struct sip_stack *st,
		       enum sip_method method, const struct sip_addr *dst,
		       const char *branch, const char *buf, size_t len,
		       sip_ctrans_h *h, void *arg)
{
	struct sip_trans *t = sip_zalloc(st, sizeof(*t));
	if (!t)
		return ENOMEM;
	t->req = sip_strdup(st, buf, len);
	if (!t->req) {
		sip_free(st, t);
		return ENOMEM;
	}
	bool inv = method == SIP_METHOD_INVITE;
	t->st = st;
	t->method = method;
	t->req_len = len;
	t->peer = *dst;
	t->ch = h;
	t->arg = arg;
	snprintf(t->key, sizeof(t->key), "%s", branch);
	sip_timer_init(&t->t_retx, st, inv ? SIP_TMR_A : SIP_TMR_E, retx_fn, t);
	sip_timer_init(&t->t_tmo, st, inv ? SIP_TMR_B : SIP_TMR_F, tmo_fn, t);
	sip_timer_init(&t->t_end, st, inv ? SIP_TMR_D : SIP_TMR_K, end_fn, t);
	t->state = inv ? SIP_TS_CALLING : SIP_TS_TRYING;
	sip_trans_link(t, tp);
	t->interval = st->t1;
	if (dst->tp == SIP_TP_UDP)
		sip_timer_start(&t->t_retx, st->t1);
	sip_timer_start(&t->t_tmo, 64 * (uint64_t)st->t1);
	sip_send(st, dst, buf, len);
	return 0;
}

/* RFC 3261 17.1.1.3: the ACK for a non-2xx reuses the request's top Via. */
static void send_ack(struct sip_trans *t, const struct sip_msg *resp)
{
	struct sip_stack *st = t->st;
	struct sip_msg req;
	char buf[4096];
	struct sip_mbuf mb;

	if (!t->ack) {
		if (sip_msg_parse(&req, t->req, t->req_len, t->req_len))
			return;
		sip_mb_init(&mb, buf, sizeof(buf));
		sip_mb_ack_cancel(&mb, &req, SIP_METHOD_ACK, resp, NULL);
		if (mb.err)
			return;
		t->ack = sip_strdup(st, buf, mb.len);
		if (!t->ack)
			return;
		t->ack_len = mb.len;
	} else {
		st->stats.retransmissions++;
	}
	sip_send(st, &t->peer, t->ack, t->ack_len);
}

static void to_tu(struct sip_trans *t, const struct sip_msg *msg)
{
	if (t->ch)
		t->ch(0, msg, t->arg);
}

static void recv_invite(struct sip_trans *t, const struct sip_msg *msg)
{
	struct sip_stack *st = t->st;
	switch (t->state) {
	case SIP_TS_CALLING:
	case SIP_TS_PROCEEDING:
		if (msg->code < 200) {
			/* Timer B only guards the Calling state */
			sip_timer_stop(&t->t_retx);
			sip_timer_stop(&t->t_tmo);
			if (t->state != SIP_TS_PROCEEDING)
				set_state(t, SIP_TS_PROCEEDING);
		} else if (msg->code < 300) {
			sip_timer_stop(&t->t_retx);
			set_state(t, SIP_TS_ACCEPTED);
			t->t_tmo.id = SIP_TMR_M;
			sip_timer_start(&t->t_tmo, 64 * (uint64_t)st->t1);
		} else {
			sip_timer_stop(&t->t_retx);
			sip_timer_stop(&t->t_tmo);
			set_state(t, SIP_TS_COMPLETED);
			send_ack(t, msg);
			sip_timer_start(&t->t_end,
					t->peer.tp == SIP_TP_UDP ? 32000 : 0);
		}
		to_tu(t, msg);
		break;
	case SIP_TS_ACCEPTED:
		if (msg->code >= 200 && msg->code < 300)
			to_tu(t, msg); /* the TU ACKs 2xx retransmissions */
		break;
	case SIP_TS_COMPLETED:
		if (msg->code >= 300)
			send_ack(t, msg);
		break;
	default:
		break;
	}
}

static void recv_noninvite(struct sip_trans *t, const struct sip_msg *msg)
{
	struct sip_stack *st = t->st;
	if (t->state != SIP_TS_TRYING && t->state != SIP_TS_PROCEEDING)
		return; /* retransmitted final: absorbed */
	if (msg->code < 200) {
		if (t->state != SIP_TS_PROCEEDING)
			set_state(t, SIP_TS_PROCEEDING);
	} else {
		sip_timer_stop(&t->t_retx);
		sip_timer_stop(&t->t_tmo);
		set_state(t, SIP_TS_COMPLETED);
		sip_timer_start(&t->t_end,
				t->peer.tp == SIP_TP_UDP ? st->t4 : 0);
	}
	to_tu(t, msg);
}

bool sip_ctrans_recv(struct sip_stack *st, const struct sip_msg *msg)
{
	struct sip_trans **b =
		sip_trans_bucket(st, msg->via.branch.p, msg->via.branch.l);

	for (struct sip_trans *t = *b; t; t = t->hnext) {
		if (t->server || t->method != msg->cseq_method ||
		    !sip_pl_eq(&msg->via.branch, t->key))
			continue;
		if (t->method == SIP_METHOD_INVITE)
			recv_invite(t, msg);
		else
			recv_noninvite(t, msg);
		return true;
	}
	return false;
}
