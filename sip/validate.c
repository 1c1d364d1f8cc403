/*
 * validate.c: the checks of RFC 3261 8.2 that need nothing but the request
 * itself, made before the UA core sees it: unknown method (501), unknown
 * URI scheme (416), a body we cannot read (415) and an Accept that rules
 * out the answer we would send (406). Dialog, transaction and extension
 * checks (481, 482, 420, 491) stay with the UA core.
 */
#include <string.h>
#include "sip/sip_int.h"

/* Methods whose body the UA reads: an offer or answer in SDP. */
static bool body_is_sdp(enum sip_method m)
{
	return m == SIP_METHOD_INVITE || m == SIP_METHOD_UPDATE ||
	       m == SIP_METHOD_PRACK;
}

/* Content-Encoding other than identity (RFC 3261 8.2.3). */
static bool encoded(const struct sip_msg *req)
{
	struct sip_hiter it;
	struct sip_pl el;
	sip_hiter_init(&it, req, SIP_HDR_CONTENT_ENCODING);
	while (sip_hiter_next(&it, &el))
		if (!sip_pl_casecmp(&el, "identity"))
			return true;
	return false;
}

/* True if an Accept header is present and admits no application/sdp. */
static bool sdp_refused(const struct sip_msg *req)
{
	struct sip_hiter it;
	struct sip_pl el;
	sip_hiter_init(&it, req, SIP_HDR_ACCEPT);
	while (sip_hiter_next(&it, &el)) {
		struct sip_ctype ct;
		if (sip_ctype_parse(&ct, &el))
			continue;
		if ((sip_pl_eq(&ct.type, "*") && sip_pl_eq(&ct.subtype, "*")) ||
		    (sip_pl_casecmp(&ct.type, "application") &&
		     (sip_pl_eq(&ct.subtype, "*") ||
		      sip_pl_casecmp(&ct.subtype, "sdp"))))
			return false;
	}
	/* an empty Accept means no body is acceptable (RFC 3261 20.1) */
	return sip_msg_hdr(req, SIP_HDR_ACCEPT, NULL) != NULL;
}

int sip_validate_request(struct sip_stack *st, const struct sip_msg *req,
			 const struct sip_addr *src)
{
	unsigned code = 0;
	const char *extra = NULL;

	if (req->method == SIP_METHOD_ACK)
		return 0; /* never answered */
	if (req->method == SIP_METHOD_OTHER) {
		code = 501; /* not recognised: 21.5.2 */
	} else if (req->ruri.scheme == SIP_URI_OTHER) {
		code = 416;
	} else if (!sip_ua_check_require(st, req, src)) {
		/* 8.2.2.3 before 8.2.3: answered there, counted here */
		st->stats.rx_rej[SIP_REJ_APP]++;
		return 420;
	} else if (body_is_sdp(req->method) && req->body.l) {
		struct sip_ctype ct;
		if (!req->ctype.p || sip_ctype_parse(&ct, &req->ctype) ||
		    !sip_ctype_is(&ct, "application", "sdp")) {
			code = 415;
			extra = "Accept: application/sdp\r\n";
		} else if (encoded(req)) {
			code = 415;
			extra = "Accept-Encoding: identity\r\n";
		}
	}
	if (!code && req->method == SIP_METHOD_INVITE && sdp_refused(req))
		code = 406;
	if (!code)
		return 0;
	st->stats.rx_rej[SIP_REJ_APP]++;
	sip_log(st, LOG_INFO, "%.*s refused with %u", (int)req->method_str.l,
		req->method_str.p, code);
	sip_ua_reply(st, req, src, code, extra);
	return (int)code;
}
