/* test_sip_inv.h: canned requests shared by the transaction and UA tests. */
#pragma once
#include "tests/unit/test_sip_build.h"
#include "tests/unit/test_sip_fake.h"

static inline int fk_invite(const char *branch, unsigned cseq)
{
	return fk_recv(SIPT_INV_LINE SIPT_INV_HDRS(
			       "%s", "call-1@192.0.2.10",
			       "%u") "Content-Type: application/sdp\r\n"
				     "Content-Length: 5\r\n\r\nv=0\r\n",
		       branch, cseq);
}

/* An in-dialog or transaction-level request to the incoming call. */
static inline int fk_req(const char *method, const char *branch,
			 const char *totag, unsigned cseq, const char *extra)
{
	return fk_recv("%s sip:5551234@192.0.2.1 SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 192.0.2.10;branch=%s\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: \"Bob\" <sip:bob@192.0.2.10>;tag=ft\r\n"
		       "To: <sip:5551234@192.0.2.1>%s%s\r\n"
		       "Call-ID: call-1@192.0.2.10\r\nCSeq: %u %s\r\n%s"
		       "Content-Length: 0\r\n\r\n",
		       method, branch, totag ? ";tag=" : "", totag ? totag : "",
		       cseq, method, extra ? extra : "");
}

/* The To tag we put in sent response i. */
static inline void fk_totag(unsigned i, char *tag, size_t size)
{
	struct sip_msg m;
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len, 65535), 0);
	assert_int_equal(sip_pl_copy(&m.to.tag, tag, size), 0);
}

/* Answers the last sent request with code, copying its Via/From/To/CSeq. */
static inline int fk_answer(unsigned i, unsigned code, const char *totag,
			    const char *extra)
{
	struct sip_msg m;
	char buf[4096];
	int n;
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len, 65535), 0);
	const struct sip_hdr *via = sip_msg_hdr(&m, SIP_HDR_VIA, NULL);
	const struct sip_hdr *from = sip_msg_hdr(&m, SIP_HDR_FROM, NULL);
	const struct sip_hdr *to = sip_msg_hdr(&m, SIP_HDR_TO, NULL);
	n = snprintf(
		buf, sizeof(buf),
		"SIP/2.0 %u X\r\nVia: %.*s\r\nFrom: %.*s\r\nTo: %.*s%s%s\r\n"
		"Call-ID: %.*s\r\nCSeq: %u %.*s\r\n%sContent-Length: 0\r\n\r\n",
		code, (int)via->val.l, via->val.p, (int)from->val.l,
		from->val.p, (int)to->val.l, to->val.p,
		totag && !m.to.tag.l ? ";tag=" : "",
		totag && !m.to.tag.l ? totag : "", (int)m.call_id.l,
		m.call_id.p, m.cseq, (int)m.cseq_method_str.l,
		m.cseq_method_str.p, extra ? extra : "");
	struct sip_addr a = fk_peer();
	return sip_stack_recv(fk.st, &a, buf, (size_t)n);
}

static const char fk_sdp[] = SIPT_SDP_HEAD "m=audio 4000 RTP/AVP 0\r\n";

/* An incoming call answered with fk_sdp and ACKed; tag gets our To tag.
 * extra: more headers on the INVITE (Session-Expires, Supported...). */
static inline struct sip_call *fk_established_x(char *tag, size_t size,
						const char *extra)
{
	fk_recv(SIPT_INV_LINE SIPT_INV_HDRS(
			"z9hG4bKinv1", "call-1@192.0.2.10",
			"1") "%s"
			     "Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\n"
			     "v=0\r\n",
		extra ? extra : "");
	struct sip_call *c = fk.incoming;
	assert_non_null(c);
	assert_int_equal(sip_call_respond(c, 200, NULL, fk_sdp), 0);
	unsigned i = fk.nsent - 1;
	assert_int_equal(fk_code(i), 200);
	fk_totag(i, tag, size);
	fk_req("ACK", "z9hG4bKack1", tag, 1, NULL);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	return c;
}

static inline struct sip_call *fk_established(char *tag, size_t size)
{
	return fk_established_x(tag, size, NULL);
}

/* Index of the last sent message that is a response with code, or -1. */
static inline int fk_find_code(unsigned code)
{
	for (int i = (int)fk.nsent - 1; i >= 0; i--)
		if (fk_code((unsigned)i) == code)
			return i;
	return -1;
}

/* Index of the last sent request of method, or -1. */
static inline int fk_find_req(const char *method)
{
	for (int i = (int)fk.nsent - 1; i >= 0; i--)
		if (fk_is((unsigned)i, method))
			return i;
	return -1;
}

/* Index of the last event of type, or -1. */
static inline int fk_find_ev(enum sip_call_ev_type t)
{
	for (int i = (int)fk.nev - 1; i >= 0; i--)
		if (fk.ev[i] == t)
			return i;
	return -1;
}
