/*
 * fuzz_sip_msg: one datagram through sip_msg_parse(), then every typed
 * header view the stack reads (Via, CSeq, Contact, Route, Reason, RAck,
 * Session-Expires, Event, Retry-After, authentication ...) over every
 * header line, as the stack and the gateway would call them, plus the
 * body, the response address and the stream framer fed the same bytes.
 */
#include <string.h>

#include "sip/sip.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

static void use(const struct sip_pl *pl)
{
	if (pl->l)
		sink += (unsigned char)pl->p[0] +
			(unsigned char)pl->p[pl->l - 1];
}

static void typed(const struct sip_msg *m, const struct sip_hdr *h)
{
	struct sip_naddr na;
	struct sip_contact c;
	struct sip_cseq cs;
	struct sip_ctype ct;
	struct sip_auth a;
	struct sip_sess_expires se;
	struct sip_rack rk;
	struct sip_reason r;
	struct sip_event ev;
	struct sip_substate ss;
	struct sip_retry_after ra;
	struct sip_pl params, v;
	uint32_t d;

	switch (h->id) {
	case SIP_HDR_FROM:
	case SIP_HDR_TO:
	case SIP_HDR_P_ASSERTED_IDENTITY:
	case SIP_HDR_DIVERSION:
	case SIP_HDR_HISTORY_INFO:
	case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY:
		if (!sip_naddr_parse_pl(&na, &h->val)) {
			use(&na.dname);
			use(&na.tag);
			if (sip_uri_param(&na.uri, "user", &v))
				use(&v);
		}
		break;
	case SIP_HDR_CONTACT:
		if (!sip_contact_parse(&c, &h->val))
			use(&c.addr.uri.host);
		break;
	case SIP_HDR_CSEQ:
		if (!sip_cseq_parse(&cs, &h->val))
			use(&cs.method_str);
		break;
	case SIP_HDR_CONTENT_TYPE:
		if (!sip_ctype_parse(&ct, &h->val))
			sink += sip_ctype_is(&ct, "application", "sdp");
		break;
	case SIP_HDR_WWW_AUTHENTICATE:
	case SIP_HDR_PROXY_AUTHENTICATE:
	case SIP_HDR_AUTHORIZATION:
	case SIP_HDR_PROXY_AUTHORIZATION:
		if (!sip_auth_parse(&a, &h->val)) {
			const char *names[] = { "realm",    "nonce", "uri",
						"response", "qop",   "nc" };
			for (size_t i = 0; i < 6; i++)
				if (sip_auth_param(&a, names[i], &v))
					use(&v);
		}
		break;
	case SIP_HDR_EXPIRES:
	case SIP_HDR_MIN_EXPIRES:
	case SIP_HDR_MAX_FORWARDS:
	case SIP_HDR_RSEQ:
	case SIP_HDR_MIN_SE:
		if (!sip_delta_parse(&h->val, &d, &params))
			sink += d;
		break;
	case SIP_HDR_SESSION_EXPIRES:
		if (!sip_sess_expires_parse(&se, &h->val))
			use(&se.refresher);
		break;
	case SIP_HDR_RACK:
		if (!sip_rack_parse(&rk, &h->val))
			use(&rk.method_str);
		break;
	case SIP_HDR_REASON:
		if (!sip_reason_parse(&r, &h->val))
			use(&r.text);
		break;
	case SIP_HDR_EVENT:
		if (!sip_event_parse(&ev, &h->val))
			use(&ev.id);
		break;
	case SIP_HDR_SUBSCRIPTION_STATE:
		if (!sip_substate_parse(&ss, &h->val))
			use(&ss.reason);
		break;
	case SIP_HDR_RETRY_AFTER:
		if (!sip_retry_after_parse(&ra, &h->val))
			use(&ra.comment);
		break;
	default:
		break;
	}
	(void)m;
}

static void lists(const struct sip_msg *m)
{
	static const enum sip_hdr_id ids[] = {
		SIP_HDR_VIA,	   SIP_HDR_ROUTE,     SIP_HDR_RECORD_ROUTE,
		SIP_HDR_CONTACT,   SIP_HDR_REASON,    SIP_HDR_HISTORY_INFO,
		SIP_HDR_DIVERSION, SIP_HDR_SUPPORTED, SIP_HDR_ALLOW,
	};
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		struct sip_hiter it;
		struct sip_pl val;
		unsigned n = 0;

		sip_hiter_init(&it, m, ids[i]);
		while (sip_hiter_next(&it, &val) && n++ < 1000) {
			struct sip_naddr na;
			struct sip_contact c;

			use(&val);
			if (ids[i] == SIP_HDR_CONTACT)
				sink += !sip_contact_parse(&c, &val);
			else if (ids[i] == SIP_HDR_ROUTE ||
				 ids[i] == SIP_HDR_RECORD_ROUTE)
				sink += !sip_naddr_parse_pl(&na, &val);
		}
	}
	sink += sip_msg_has_token(m, SIP_HDR_REQUIRE, "100rel");
	sink += sip_msg_has_token(m, SIP_HDR_SUPPORTED, "timer");
	sink += sip_msg_privacy(m, "id");
}

static void framer(const uint8_t *data, size_t size)
{
	struct sip_stream s;

	if (sip_stream_init(&s, 4096))
		return;
	size_t off = 0;

	for (unsigned rounds = 0; rounds < 64; rounds++) {
		size_t room;
		char *sp = sip_stream_space(&s, &room);
		size_t n = size - off < room ? size - off : room;

		if (n) {
			memcpy(sp, data + off, n);
			sip_stream_added(&s, n);
			off += n;
		}
		const char *p;
		size_t len;
		enum sip_stream_res r = sip_stream_next(&s, &p, &len);

		if (r == SIP_STREAM_MSG || r == SIP_STREAM_NOCL) {
			struct sip_msg m;

			sink += sip_msg_parse(&m, p, len, 65535);
		} else if (r != SIP_STREAM_PING && !n) {
			break; /* MORE with nothing left, or closed */
		} else if (r == SIP_STREAM_TOOBIG || r == SIP_STREAM_BADCL) {
			break;
		}
	}
	sip_stream_release(&s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_msg m; /* 5 KB: keep it off the stack */
	int err = sip_msg_parse(&m, data, size, 65535);

	sink += sip_msg_can_reply(&m);
	if (!err) {
		struct sip_pl ctype, body = sip_msg_body(&m, &ctype);
		struct sip_addr src, dst;

		use(&body);
		use(&ctype);
		for (unsigned i = 0; i < m.nhdr; i++)
			typed(&m, &m.hdr[i]);
		lists(&m);
		sink += (size_t)sip_msg_q850_cause(&m);
		struct sip_pl u = sip_msg_ruri_user(&m);
		use(&u);
		u = sip_msg_from_user(&m);
		use(&u);
		u = sip_msg_from_display(&m);
		use(&u);
		u = sip_msg_to_user(&m);
		use(&u);
		if (m.req) {
			sip_addr_set(&src, "192.0.2.10", 5060);
			sip_transp_resp_dst(&m, &src, &dst);
			sink += dst.len;
		} else {
			struct sip_digest_chal ch;

			sink += !sip_digest_chal_pick(&ch, &m);
		}
		const struct sip_hdr *h = sip_msg_hdr_name(&m, "X-Unknown");
		if (h)
			use(&h->val);
	}
	framer(data, size);
	return 0;
}
