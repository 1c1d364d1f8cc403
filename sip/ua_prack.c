/*
 * ua_prack.c: reliable provisional responses (RFC 3262). As UAS a 1xx
 * goes reliably when the INVITE requires 100rel: RSeq, retransmitted from
 * T1 doubling until the PRACK, 500 to the INVITE after 64*T1. As UAC each
 * reliable 1xx in RSeq order is acknowledged with a PRACK.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "sip/ua_int.h"

static void rel_fn(void *arg)
{
	struct sip_call *c = arg;
	struct sip_stack *st = c->st;
	uint64_t limit = 64 * (uint64_t)st->t1;
	c->rel_spent += c->rel_interval;
	if (c->rel_spent >= limit) {
		sip_log(st, LOG_NOTICE, "call %u: no PRACK for RSeq %u", c->id,
			c->rseq);
		ua_rel_stop(c);
		sip_call_respond(c, 500, NULL, NULL);
		return;
	}
	st->stats.retransmissions++;
	sip_send(st, &c->dlg.peer, c->rel1xx, c->rel1xx_len);
	c->rel_interval *= 2;
	if (c->rel_interval > limit - c->rel_spent)
		c->rel_interval = limit - c->rel_spent;
	sip_timer_start(&c->t_rel, c->rel_interval);
}

void ua_rel_init(struct sip_call *c)
{
	sip_timer_init(&c->t_rel, c->st, SIP_TMR_REL1XX, rel_fn, c);
}

void ua_rel_stop(struct sip_call *c)
{
	sip_timer_stop(&c->t_rel);
	sip_free(c->st, c->rel1xx);
	c->rel1xx = NULL;
	c->rel1xx_len = 0;
}

void ua_rel_invite(struct sip_call *c, const struct sip_msg *inv)
{
	c->rel_required = ua_has_tag(inv, SIP_HDR_REQUIRE, "100rel");
	c->rel_peer =
		c->rel_required || ua_has_tag(inv, SIP_HDR_SUPPORTED, "100rel");
	if (c->rel_required) {
		/* 3: the first RSeq is random, below 2**31 */
		char r[5];
		sip_rand_hex(c->st, r, 4);
		c->rseq = 256 + (uint32_t)strtoul(r, NULL, 16);
	}
}

int ua_rel_1xx(struct sip_call *c, unsigned code, struct sip_mbuf *x)
{
	if (code <= 100 || !c->rel_required)
		return 0;
	if (c->rel1xx)
		return -1;
	c->rseq++;
	sip_mb_printf(x, "Require: 100rel\r\nRSeq: %u\r\n", c->rseq);
	return 1;
}

void ua_rel_sent(struct sip_call *c, const char *buf, size_t len)
{
	ua_rel_stop(c);
	c->rel1xx = sip_strdup(c->st, buf, len);
	if (!c->rel1xx)
		return; /* the INVITE's retransmissions still carry it */
	c->rel1xx_len = len;
	c->rel_interval = c->st->t1;
	c->rel_spent = 0;
	sip_timer_start(&c->t_rel, c->rel_interval);
}

/* RAck: response-num CSeq-num Method */
static bool parse_rack(const struct sip_msg *m, uint32_t *rseq, uint32_t *cseq,
		       struct sip_pl *method)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, "RAck");
	if (!h)
		return false;
	struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
	struct sip_pl a, b;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &a) || sip_parse_u32(&a, UINT32_MAX, rseq))
		return false;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &b) || sip_parse_u32(&b, UINT32_MAX, cseq))
		return false;
	sip_lex_lws(&lx);
	return sip_lex_token(&lx, method);
}

void ua_recv_prack(struct sip_call *c, const struct sip_msg *req,
		   const struct sip_addr *src)
{
	struct sip_msg inv;
	uint32_t rseq, cseq;
	struct sip_pl m;
	if (!parse_rack(req, &rseq, &cseq, &m)) {
		sip_ua_reply(c->st, req, src, 400, NULL);
		return;
	}
	if (!c->rel1xx || !c->invite ||
	    sip_msg_parse(&inv, c->invite, c->invite_len, c->invite_len) ||
	    rseq != c->rseq || cseq != inv.cseq || !sip_pl_eq(&m, "INVITE")) {
		sip_ua_reply(c->st, req, src, 481, NULL);
		return;
	}
	ua_rel_stop(c);
	sip_ua_reply(c->st, req, src, 200, NULL);
}

static bool parse_rseq(const struct sip_msg *m, uint32_t *rseq)
{
	const struct sip_hdr *h = sip_msg_hdr_name(m, "RSeq");
	if (!h)
		return false;
	struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
	struct sip_pl a;
	sip_lex_lws(&lx);
	return sip_lex_token(&lx, &a) && !sip_parse_u32(&a, UINT32_MAX, rseq);
}

bool ua_rel_got_1xx(struct sip_call *c, const struct sip_msg *resp)
{
	uint32_t rseq;
	char rack[96];
	if (!ua_has_tag(resp, SIP_HDR_REQUIRE, "100rel"))
		return true;
	if (!parse_rseq(resp, &rseq) || !resp->to.tag.l)
		return false;
	/* 4: in order only; a retransmission is PRACKed by the PRACK's
	 * own retransmissions, not again */
	if (c->rseq_rx && rseq != c->rseq_rx + 1)
		return false;
	c->rseq_rx = rseq;
	snprintf(rack, sizeof(rack), "RAck: %u %u INVITE\r\n", rseq,
		 resp->cseq);
	int err = sip_call_request(c, SIP_METHOD_PRACK, rack, NULL, NULL, NULL,
				   NULL, NULL);
	if (err)
		sip_log(c->st, LOG_WARNING, "call %u: PRACK not sent: %d",
			c->id, err);
	return true;
}
