/*
 * msg.c: building messages into a caller buffer, reason phrases and
 * address helpers. Overflow is sticky in the builder so callers check once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "sip/sip_int.h"

void sip_mb_init(struct sip_mbuf *mb, char *buf, size_t size)
{
	mb->buf = buf;
	mb->size = size;
	mb->len = 0;
	mb->err = size ? 0 : ENOSPC;
	if (size)
		buf[0] = '\0';
}

void sip_mb_printf(struct sip_mbuf *mb, const char *fmt, ...)
{
	va_list ap;
	if (mb->err)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(mb->buf + mb->len, mb->size - mb->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= mb->size - mb->len) {
		mb->err = ENOSPC;
		mb->buf[mb->len] = '\0';
		return;
	}
	mb->len += (size_t)n;
}

void sip_mb_pl(struct sip_mbuf *mb, const struct sip_pl *pl)
{
	if (mb->err)
		return;
	if (pl->l >= mb->size - mb->len) {
		mb->err = ENOSPC;
		return;
	}
	if (pl->l)
		memcpy(mb->buf + mb->len, pl->p, pl->l);
	mb->len += pl->l;
	mb->buf[mb->len] = '\0';
}

void sip_mb_str(struct sip_mbuf *mb, const char *s)
{
	struct sip_pl pl = { s, strlen(s) };
	sip_mb_pl(mb, &pl);
}

void sip_mb_body(struct sip_mbuf *mb, const char *ctype, const char *body,
		 size_t blen)
{
	if (body && blen && ctype)
		sip_mb_printf(mb, "Content-Type: %s\r\n", ctype);
	sip_mb_printf(mb, "Content-Length: %zu\r\n\r\n", body ? blen : 0);
	if (body && blen) {
		struct sip_pl pl = { body, blen };
		sip_mb_pl(mb, &pl);
	}
}

static void mb_hdr(struct sip_mbuf *mb, const char *name,
		   const struct sip_pl *val)
{
	sip_mb_printf(mb, "%s: ", name);
	sip_mb_pl(mb, val);
	sip_mb_str(mb, "\r\n");
}

/*
 * From, To, Call-ID and CSeq are copied as received (RFC 3261 8.2.6.2);
 * one missing from a malformed request is left out rather than invented.
 * Record-Route goes back in order in 101-299 answers (RFC 3261 12.1.1):
 * without it a record-routing proxy's caller sends its ACK and BYE
 * straight to us and the proxy loses the dialog.
 */
void sip_mb_response_head(struct sip_mbuf *mb, const struct sip_msg *req,
			  unsigned code, const char *reason, const char *to_tag)
{
	const struct sip_hdr *h = NULL;
	sip_mb_printf(mb, "SIP/2.0 %u %s\r\n", code,
		      reason ? reason : sip_reason_phrase(code));
	while ((h = sip_msg_hdr(req, SIP_HDR_VIA, h)))
		mb_hdr(mb, "Via", &h->val);
	h = sip_msg_hdr(req, SIP_HDR_FROM, NULL);
	if (h)
		mb_hdr(mb, "From", &h->val);
	h = sip_msg_hdr(req, SIP_HDR_TO, NULL);
	if (h) {
		sip_mb_str(mb, "To: ");
		sip_mb_pl(mb, &h->val);
		if (!req->to.tag.l && to_tag && code > 100)
			sip_mb_printf(mb, ";tag=%s", to_tag);
		sip_mb_str(mb, "\r\n");
	}
	h = sip_msg_hdr(req, SIP_HDR_CALL_ID, NULL);
	if (h)
		mb_hdr(mb, "Call-ID", &h->val);
	if (code > 100 && code < 300) {
		h = NULL;
		while ((h = sip_msg_hdr(req, SIP_HDR_RECORD_ROUTE, h)))
			mb_hdr(mb, "Record-Route", &h->val);
	}
	if (req->cseq_method_str.p) {
		sip_mb_printf(mb, "CSeq: %u ", req->cseq);
		sip_mb_pl(mb, &req->cseq_method_str);
		sip_mb_str(mb, "\r\n");
	} else if ((h = sip_msg_hdr(req, SIP_HDR_CSEQ, NULL))) {
		mb_hdr(mb, "CSeq", &h->val);
	}
}

/*
 * ACK for a non-2xx (RFC 3261 17.1.1.3) or CANCEL (9.1): both copy the
 * INVITE's Request-URI, top Via, Route, From, Call-ID and CSeq number.
 */
void sip_mb_ack_cancel(struct sip_mbuf *mb, const struct sip_msg *inv,
		       enum sip_method m, const struct sip_msg *resp,
		       const char *extra)
{
	const struct sip_hdr *h = sip_msg_hdr(inv, SIP_HDR_VIA, NULL);
	sip_mb_printf(mb, "%s ", sip_method_name(m));
	sip_mb_pl(mb, &inv->ruri_str);
	sip_mb_str(mb, " SIP/2.0\r\n");
	if (h) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl el;
		if (sip_list_next(&lx, &el))
			mb_hdr(mb, "Via", &el);
	}
	h = NULL;
	while ((h = sip_msg_hdr(inv, SIP_HDR_ROUTE, h)))
		mb_hdr(mb, "Route", &h->val);
	sip_mb_str(mb, "Max-Forwards: 70\r\n");
	h = sip_msg_hdr(inv, SIP_HDR_FROM, NULL);
	if (h)
		mb_hdr(mb, "From", &h->val);
	h = sip_msg_hdr(resp ? resp : inv, SIP_HDR_TO, NULL);
	if (h)
		mb_hdr(mb, "To", &h->val);
	mb_hdr(mb, "Call-ID", &inv->call_id);
	sip_mb_printf(mb, "CSeq: %u %s\r\n", inv->cseq, sip_method_name(m));
	if (extra)
		sip_mb_str(mb, extra);
	sip_mb_body(mb, NULL, NULL, 0);
}

void sip_mb_hdr_reason(struct sip_mbuf *mb, const struct sip_stack *st,
		       int q850_cause)
{
	const char *text = NULL;

	if (q850_cause <= 0)
		return;
	if (st && st->q850_text)
		text = st->q850_text(q850_cause);
	/* a quoted-string: no quote, backslash or control may end it */
	for (const char *p = text; p && *p; p++)
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20)
			text = NULL;
	if (text && *text)
		sip_mb_printf(mb, "Reason: Q.850;cause=%d;text=\"%s\"\r\n",
			      q850_cause, text);
	else
		sip_mb_printf(mb, "Reason: Q.850;cause=%d\r\n", q850_cause);
}

static const struct {
	unsigned code;
	const char *phrase;
} phrases[] = {
	{ 100, "Trying" },
	{ 180, "Ringing" },
	{ 181, "Call Is Being Forwarded" },
	{ 182, "Queued" },
	{ 183, "Session Progress" },
	{ 200, "OK" },
	{ 202, "Accepted" },
	{ 300, "Multiple Choices" },
	{ 301, "Moved Permanently" },
	{ 302, "Moved Temporarily" },
	{ 400, "Bad Request" },
	{ 401, "Unauthorized" },
	{ 403, "Forbidden" },
	{ 404, "Not Found" },
	{ 405, "Method Not Allowed" },
	{ 406, "Not Acceptable" },
	{ 407, "Proxy Authentication Required" },
	{ 408, "Request Timeout" },
	{ 410, "Gone" },
	{ 413, "Request Entity Too Large" },
	{ 415, "Unsupported Media Type" },
	{ 416, "Unsupported URI Scheme" },
	{ 420, "Bad Extension" },
	{ 421, "Extension Required" },
	{ 480, "Temporarily Unavailable" },
	{ 481, "Call/Transaction Does Not Exist" },
	{ 482, "Loop Detected" },
	{ 483, "Too Many Hops" },
	{ 484, "Address Incomplete" },
	{ 485, "Ambiguous" },
	{ 486, "Busy Here" },
	{ 487, "Request Terminated" },
	{ 488, "Not Acceptable Here" },
	{ 491, "Request Pending" },
	{ 500, "Server Internal Error" },
	{ 502, "Bad Gateway" },
	{ 503, "Service Unavailable" },
	{ 504, "Server Time-out" },
	{ 505, "Version Not Supported" },
	{ 513, "Message Too Large" },
	{ 600, "Busy Everywhere" },
	{ 603, "Decline" },
	{ 604, "Does Not Exist Anywhere" },
	{ 606, "Not Acceptable" },
};

const char *sip_reason_phrase(unsigned code)
{
	for (size_t i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++)
		if (phrases[i].code == code)
			return phrases[i].phrase;
	return "";
}

static const char *const tp_names[SIP_TP__COUNT] = {
	[SIP_TP_UDP] = "UDP",
	[SIP_TP_TCP] = "TCP",
	[SIP_TP_TLS] = "TLS",
};

const char *sip_transport_name(enum sip_transport tp)
{
	return (unsigned)tp < SIP_TP__COUNT ? tp_names[tp] : "?";
}

int sip_addr_set(struct sip_addr *addr, const char *ip, uint16_t port)
{
	struct sip_addr a;
	memset(&a, 0, sizeof(a));
	struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a.ss;
	if (inet_pton(AF_INET, ip, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		a.len = sizeof(*in);
	} else if (inet_pton(AF_INET6, ip, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		a.len = sizeof(*in6);
	} else {
		return EINVAL;
	}
	a.tp = SIP_TP_UDP;
	*addr = a;
	return 0;
}

int sip_addr_from_uri(struct sip_addr *a, const struct sip_uri *uri)
{
	char host[64];
	if (sip_pl_copy(&uri->host, host, sizeof(host)))
		return EINVAL;
	/* transport=tcp/tls and sips: pick the transport (RFC 3261 19.1.2,
	 * 26.2.2); TLS defaults to port 5061 */
	struct sip_pl tp = { NULL, 0 };
	enum sip_transport t = SIP_TP_UDP;
	sip_uri_param(uri, "transport", &tp);
	if (uri->scheme == SIP_URI_SIPS || sip_pl_casecmp(&tp, "tls"))
		t = SIP_TP_TLS;
	else if (sip_pl_casecmp(&tp, "tcp"))
		t = SIP_TP_TCP;
	int err = sip_addr_set(a, host,
			       uri->port	 ? uri->port
			       : t == SIP_TP_TLS ? 5061
						 : 5060);
	if (!err)
		a->tp = t;
	return err;
}

const char *sip_addr_str(const struct sip_addr *addr, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (addr && addr->ss.ss_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)&addr->ss;
		inet_ntop(AF_INET, &in->sin_addr, ip, sizeof(ip));
		port = ntohs(in->sin_port);
		snprintf(buf, size, "%s:%u", ip, port);
	} else if (addr && addr->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)&addr->ss;
		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		port = ntohs(in6->sin6_port);
		snprintf(buf, size, "[%s]:%u", ip, port);
	} else {
		snprintf(buf, size, "?");
	}
	return buf;
}
