/*
 * stack.c: the stack object: configuration, hooks (memory, log, send,
 * timers), the receive entry point and statistics.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sip/sip_int.h"

static const char *const timer_names[SIP_TMR__COUNT] = {
	[SIP_TMR_A] = "Timer A",
	[SIP_TMR_B] = "Timer B",
	[SIP_TMR_D] = "Timer D",
	[SIP_TMR_E] = "Timer E",
	[SIP_TMR_F] = "Timer F",
	[SIP_TMR_G] = "Timer G",
	[SIP_TMR_H] = "Timer H",
	[SIP_TMR_I] = "Timer I",
	[SIP_TMR_J] = "Timer J",
	[SIP_TMR_K] = "Timer K",
	[SIP_TMR_L] = "Timer L",
	[SIP_TMR_M] = "Timer M",
	[SIP_TMR_2XX] = "2xx retransmit",
	[SIP_TMR_ACK] = "ACK wait",
	[SIP_TMR_CANCEL] = "CANCEL wait",
	[SIP_TMR_GLARE] = "glare retry",
	[SIP_TMR_REFRESH] = "session refresh",
	[SIP_TMR_EXPIRE] = "session expiry",
	[SIP_TMR_REL1XX] = "reliable 1xx",
	[SIP_TMR_SUBS] = "subscription expiry",
	[SIP_TMR_REG] = "registration",
};

const char *sip_timer_name(enum sip_timer_id id)
{
	return (unsigned)id < SIP_TMR__COUNT ? timer_names[id] : "?";
}

void sip_timer_init(struct sip_timer *t, struct sip_stack *st,
		    enum sip_timer_id id, void (*fn)(void *), void *arg)
{
	t->st = st;
	t->h = NULL;
	t->id = id;
	t->fn = fn;
	t->arg = arg;
}

/* The handle is cleared before fn runs: fn may free the timer's owner. */
static void timer_fire(void *arg)
{
	struct sip_timer *t = arg;
	t->h = NULL;
	t->fn(t->arg);
}

void sip_timer_start(struct sip_timer *t, uint64_t ms)
{
	struct sip_stack *st = t->st;
	sip_timer_stop(t);
	t->h = st->h.timer_start(st->h.arg, ms, timer_fire, t);
	if (!t->h)
		sip_log(st, LOG_ERR, "%s: timer_start failed",
			sip_timer_name(t->id));
}

void sip_timer_stop(struct sip_timer *t)
{
	if (t->h) {
		t->st->h.timer_stop(t->st->h.arg, t->h);
		t->h = NULL;
	}
}

void *sip_zalloc(struct sip_stack *st, size_t size)
{
	if (st->h.zalloc)
		return st->h.zalloc(st->h.arg, size);
	return calloc(1, size);
}

void sip_free(struct sip_stack *st, void *p)
{
	if (!p)
		return;
	if (st->h.free)
		st->h.free(st->h.arg, p);
	else
		free(p);
}

char *sip_strdup(struct sip_stack *st, const char *s, size_t len)
{
	char *c = sip_zalloc(st, len + 1);
	if (c && len)
		memcpy(c, s, len);
	return c;
}

void sip_log(struct sip_stack *st, int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	if (!st->h.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	st->h.log(st->h.arg, level, line);
}

int sip_send(struct sip_stack *st, const struct sip_addr *dst, const char *buf,
	     size_t len)
{
	st->stats.tx_msgs++;
	int err = sip_transp_send(st, dst, buf, len);
	if (err) {
		char a[64];
		sip_log(st, LOG_WARNING, "send to %s failed: %d",
			sip_addr_str(dst, a, sizeof(a)), err);
	}
	return err;
}

/* xorshift64*: tags and branches need uniqueness, not secrecy. */
void sip_rand_hex(struct sip_stack *st, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		if (i % 16 == 0) {
			st->rnd ^= st->rnd >> 12;
			st->rnd ^= st->rnd << 25;
			st->rnd ^= st->rnd >> 27;
		}
		uint64_t v = st->rnd * 0x2545F4914F6CDD1DULL;
		buf[i] = hex[(v >> ((i % 16) * 4)) & 15];
	}
	buf[n] = '\0';
}

int sip_stack_alloc(struct sip_stack **stp, const struct sip_stack_cfg *cfg,
		    const struct sip_hooks *hooks)
{
	if (!stp || !cfg || !hooks || !hooks->now || !hooks->timer_start ||
	    !hooks->timer_stop || !hooks->send || !cfg->local_ip)
		return EINVAL;
	struct sip_stack *st = hooks->zalloc
				       ? hooks->zalloc(hooks->arg, sizeof(*st))
				       : calloc(1, sizeof(*st));
	if (!st)
		return ENOMEM;
	st->h = *hooks;
	snprintf(st->local_ip, sizeof(st->local_ip), "%s", cfg->local_ip);
	st->local_port = cfg->local_port ? cfg->local_port : 5060;
	if (cfg->user_agent)
		snprintf(st->user_agent, sizeof(st->user_agent), "%s",
			 cfg->user_agent);
	st->t1 = cfg->t1_ms ? cfg->t1_ms : 500;
	st->t2 = cfg->t2_ms ? cfg->t2_ms : 4000;
	st->t4 = cfg->t4_ms ? cfg->t4_ms : 5000;
	st->max_msg = cfg->max_msg_size ? cfg->max_msg_size : 65535;
	st->min_se = cfg->min_se ? cfg->min_se : 90;
	st->session_expires = cfg->session_expires;
	st->q850_text = cfg->q850_text;
	if (cfg->allow_events)
		snprintf(st->allow_events, sizeof(st->allow_events), "%s",
			 cfg->allow_events);
	if (st->session_expires && st->session_expires < st->min_se)
		st->session_expires = st->min_se;
	st->rnd =
		0x9E3779B97F4A7C15ULL ^ hooks->now(hooks->arg) ^ (uintptr_t)st;
	st->next_call_id = 1;
	*stp = st;
	return 0;
}

void sip_stack_free(struct sip_stack *st)
{
	if (!st)
		return;
	sip_ua_free_calls(st);
	while (st->trans)
		sip_trans_free(st->trans);
	sip_ua_auth_release(st);
	sip_free(st, st);
}

void sip_stack_shutdown(struct sip_stack *st)
{
	if (!st)
		return;
	st->shutting_down = true;
	sip_ua_shutdown(st);
}

void sip_stack_stats(const struct sip_stack *st, struct sip_stats *stats)
{
	*stats = st->stats;
}

size_t sip_stack_dump(const struct sip_stack *st, char *buf, size_t size)
{
	struct sip_mbuf mb;
	sip_mb_init(&mb, buf, size);
	for (const struct sip_trans *t = st->trans; t; t = t->next) {
		const char *tmr = t->t_retx.h  ? sip_timer_name(t->t_retx.id)
				  : t->t_tmo.h ? sip_timer_name(t->t_tmo.id)
				  : t->t_end.h ? sip_timer_name(t->t_end.id)
					       : "-";
		sip_mb_printf(&mb, "trans %s %s %s {%s} %s\n",
			      t->server ? "server" : "client",
			      sip_method_name(t->method), t->key,
			      sip_trans_state_name(t->state), tmr);
	}
	if (!mb.err)
		mb.len += sip_ua_dump(st, mb.buf + mb.len, mb.size - mb.len);
	return mb.len;
}

static int recv_msg(struct sip_stack *st, struct sip_msg *msg,
		    const struct sip_addr *src)
{
	if (!msg->req) {
		/* no transaction (RFC 3261 18.1.2): dropped and counted, but
		 * not an error: a late retransmission is normal */
		if (!sip_ctrans_recv(st, msg)) {
			st->stats.rx_rejected++;
			sip_log(st, LOG_DEBUG, "stray %u response dropped",
				msg->code);
		}
		return 0;
	}
	if (sip_strans_recv(st, msg, src))
		return 0;
	if (sip_validate_request(st, msg, src))
		return 0;
	sip_ua_recv_request(st, msg, src);
	return 0;
}

static void reject(struct sip_stack *st, const struct sip_msg *msg,
		   const struct sip_addr *src, int err)
{
	char a[64];
	unsigned code = err == EPROTONOSUPPORT ? 505
			: err == EMSGSIZE      ? 513
					       : 400;
	st->stats.rx_rejected++;
	if ((unsigned)msg->rej < SIP_REJ__COUNT)
		st->stats.rx_rej[msg->rej]++;
	sip_log(st, LOG_NOTICE, "rejected message from %s: %s (%s)",
		sip_addr_str(src, a, sizeof(a)), msg->err ? msg->err : "?",
		sip_rej_name(msg->rej));
	if (sip_msg_can_reply(msg)) {
		char buf[8192], tag[17], reason[128];
		struct sip_mbuf mb;
		/* the phrase says what was wrong: the sender's operator sees
		 * it in a trace (msg->err is a static printable string) */
		snprintf(reason, sizeof(reason), "%s (%s)",
			 sip_reason_phrase(code), msg->err ? msg->err : "?");
		/* a final response needs a To tag (RFC 3261 8.2.6.2) */
		sip_rand_hex(st, tag, 16);
		sip_mb_init(&mb, buf, sizeof(buf));
		sip_mb_response_head(&mb, msg, code, reason, tag);
		sip_mb_body(&mb, NULL, NULL, 0);
		if (!mb.err)
			sip_send(st, src, buf, mb.len);
		else
			sip_log(st, LOG_NOTICE,
				"%u not sent: the headers to echo do not fit",
				code);
	}
}

/*
 * What a response to req echoes (RFC 3261 8.2.6.2: Via, From, To,
 * Call-ID, CSeq; Record-Route in 1xx/2xx), with room for the header names.
 * Responses are built in SIP_UA_RESP_MAX bytes, with our own Contact,
 * Server, extra headers and SDP beside: more than SIP_ECHO_MAX to echo
 * and no answer could ever go out.
 */
#define SIP_ECHO_MAX 5120
static size_t echo_len(const struct sip_msg *req)
{
	size_t n = 0;
	for (unsigned i = 0; i < req->nhdr; i++) {
		switch (req->hdr[i].id) {
		case SIP_HDR_VIA:
		case SIP_HDR_RECORD_ROUTE:
		case SIP_HDR_FROM:
		case SIP_HDR_TO:
		case SIP_HDR_CALL_ID:
		case SIP_HDR_CSEQ:
			n += req->hdr[i].val.l + 16;
			break;
		default:
			break;
		}
	}
	return n;
}

int sip_stack_recv(struct sip_stack *st, const struct sip_addr *src,
		   const void *buf, size_t len)
{
	struct sip_msg msg;
	struct sip_addr rdst;
	if (!st || !src || !buf)
		return EINVAL;
	st->stats.rx_msgs++;
	/* a bare CRLF is a keep-alive (RFC 5626 4.4.1) */
	size_t ws = 0;
	while (ws < len && (((const char *)buf)[ws] == '\r' ||
			    ((const char *)buf)[ws] == '\n'))
		ws++;
	if (ws == len && len)
		return 0;
	int err = sip_msg_parse(&msg, buf, len, st->max_msg);
	sip_transp_resp_dst(&msg, src, &rdst);
	if (err) {
		reject(st, &msg, &rdst, err);
		return err;
	}
	/* refused before a transaction or a call exists that could never
	 * answer (a request padded with Vias to hold a call silent) */
	if (msg.req && msg.method != SIP_METHOD_ACK &&
	    echo_len(&msg) > SIP_ECHO_MAX) {
		char a[64];
		st->stats.rx_rejected++;
		st->stats.rx_rej[SIP_REJ_SIZE]++;
		sip_log(st, LOG_NOTICE,
			"rejected message from %s: %zu bytes of Via, "
			"Record-Route, From, To, Call-ID and CSeq to echo, "
			"over %u: no answer could be sent (size)",
			sip_addr_str(src, a, sizeof(a)), echo_len(&msg),
			SIP_ECHO_MAX);
		return EMSGSIZE;
	}
	/* transport checks and stamps (sip/transp.c) */
	if (src->tp != SIP_TP_UDP &&
	    !sip_msg_hdr(&msg, SIP_HDR_CONTENT_LENGTH, NULL)) {
		msg.err = "no Content-Length over a stream (RFC 3261 18.3)";
		msg.rej = SIP_REJ_CLEN; /* counted with the other bad ones */
		reject(st, &msg, &rdst, EBADMSG);
		return EBADMSG;
	}
	char *stamped = NULL;
	size_t cap = msg.req ? sip_transp_stamp(&msg, src, NULL, 0) : 0;
	if (cap && (stamped = sip_zalloc(st, cap))) {
		size_t n = sip_transp_stamp(&msg, src, stamped, cap);
		/* it parsed before: only the Via grew */
		if (n && sip_msg_parse(&msg, stamped, n, st->max_msg + 96)) {
			sip_free(st, stamped);
			st->stats.rx_rejected++;
			return EBADMSG;
		}
	}
	err = recv_msg(st, &msg, &rdst);
	sip_free(st, stamped);
	return err;
}
