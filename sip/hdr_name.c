/*
 * hdr_name.c: the names the parser recognises: views, methods, header
 * names with their compact forms, and the reasons for rejecting a message.
 */
#include <errno.h>
#include <string.h>
#include "sip/sip_int.h"

bool sip_pl_isset(const struct sip_pl *pl)
{
	return pl && pl->p && pl->l;
}

bool sip_pl_eq(const struct sip_pl *pl, const char *s)
{
	size_t n = strlen(s);
	return pl->l == n && (n == 0 || memcmp(pl->p, s, n) == 0);
}

bool sip_pl_casecmp(const struct sip_pl *pl, const char *s)
{
	size_t n = strlen(s);
	return pl->l == n && (n == 0 || sip_ascii_caseeq(pl->p, s, n));
}

int sip_pl_copy(const struct sip_pl *pl, char *buf, size_t size)
{
	if (!size)
		return ENOSPC;
	if (pl->l >= size) {
		buf[0] = '\0';
		return ENOSPC;
	}
	if (pl->l)
		memcpy(buf, pl->p, pl->l);
	buf[pl->l] = '\0';
	return 0;
}

static const char *const method_names[SIP_METHOD__COUNT] = {
	[SIP_METHOD_OTHER] = "OTHER",
	[SIP_METHOD_INVITE] = "INVITE",
	[SIP_METHOD_ACK] = "ACK",
	[SIP_METHOD_BYE] = "BYE",
	[SIP_METHOD_CANCEL] = "CANCEL",
	[SIP_METHOD_OPTIONS] = "OPTIONS",
	[SIP_METHOD_REGISTER] = "REGISTER",
	[SIP_METHOD_PRACK] = "PRACK",
	[SIP_METHOD_INFO] = "INFO",
	[SIP_METHOD_UPDATE] = "UPDATE",
	[SIP_METHOD_SUBSCRIBE] = "SUBSCRIBE",
	[SIP_METHOD_NOTIFY] = "NOTIFY",
	[SIP_METHOD_REFER] = "REFER",
	[SIP_METHOD_MESSAGE] = "MESSAGE",
};

const char *sip_method_name(enum sip_method m)
{
	return (unsigned)m < SIP_METHOD__COUNT ? method_names[m] : "?";
}

/* Methods are case-sensitive (RFC 3261 7.1). */
enum sip_method sip_method_from_pl(const struct sip_pl *pl)
{
	for (int i = 1; i < SIP_METHOD__COUNT; i++)
		if (sip_pl_eq(pl, method_names[i]))
			return (enum sip_method)i;
	return SIP_METHOD_OTHER;
}

/* Header names and RFC 3261 7.3.3 (and RFC 3515, 4028, 6665) compact forms. */
static const struct {
	const char *name;
	unsigned char len;
	char compact;
} hdr_names[SIP_HDR__COUNT] = {
#define H(id, n, c) [id] = { n, sizeof(n) - 1, c }
	H(SIP_HDR_OTHER, "", 0),
	H(SIP_HDR_VIA, "Via", 'v'),
	H(SIP_HDR_FROM, "From", 'f'),
	H(SIP_HDR_TO, "To", 't'),
	H(SIP_HDR_CALL_ID, "Call-ID", 'i'),
	H(SIP_HDR_CSEQ, "CSeq", 0),
	H(SIP_HDR_CONTACT, "Contact", 'm'),
	H(SIP_HDR_MAX_FORWARDS, "Max-Forwards", 0),
	H(SIP_HDR_CONTENT_LENGTH, "Content-Length", 'l'),
	H(SIP_HDR_CONTENT_TYPE, "Content-Type", 'c'),
	H(SIP_HDR_ROUTE, "Route", 0),
	H(SIP_HDR_RECORD_ROUTE, "Record-Route", 0),
	H(SIP_HDR_REQUIRE, "Require", 0),
	H(SIP_HDR_PROXY_REQUIRE, "Proxy-Require", 0),
	H(SIP_HDR_SUPPORTED, "Supported", 'k'),
	H(SIP_HDR_ALLOW, "Allow", 0),
	H(SIP_HDR_ACCEPT, "Accept", 0),
	H(SIP_HDR_REASON, "Reason", 0),
	H(SIP_HDR_USER_AGENT, "User-Agent", 0),
	H(SIP_HDR_SERVER, "Server", 0),
	H(SIP_HDR_DATE, "Date", 0),
	H(SIP_HDR_EXPIRES, "Expires", 0),
	H(SIP_HDR_SUBJECT, "Subject", 's'),
	H(SIP_HDR_UNSUPPORTED, "Unsupported", 0),
	H(SIP_HDR_WWW_AUTHENTICATE, "WWW-Authenticate", 0),
	H(SIP_HDR_PROXY_AUTHENTICATE, "Proxy-Authenticate", 0),
	H(SIP_HDR_AUTHORIZATION, "Authorization", 0),
	H(SIP_HDR_PROXY_AUTHORIZATION, "Proxy-Authorization", 0),
	H(SIP_HDR_SESSION_EXPIRES, "Session-Expires", 'x'),
	H(SIP_HDR_MIN_SE, "Min-SE", 0),
	H(SIP_HDR_RSEQ, "RSeq", 0),
	H(SIP_HDR_RACK, "RAck", 0),
	H(SIP_HDR_P_ASSERTED_IDENTITY, "P-Asserted-Identity", 0),
	H(SIP_HDR_PRIVACY, "Privacy", 0),
	H(SIP_HDR_DIVERSION, "Diversion", 0),
	H(SIP_HDR_HISTORY_INFO, "History-Info", 0),
	H(SIP_HDR_REFER_TO, "Refer-To", 'r'),
	H(SIP_HDR_REFERRED_BY, "Referred-By", 'b'),
	H(SIP_HDR_EVENT, "Event", 'o'),
	H(SIP_HDR_SUBSCRIPTION_STATE, "Subscription-State", 0),
	H(SIP_HDR_RETRY_AFTER, "Retry-After", 0),
	H(SIP_HDR_ALLOW_EVENTS, "Allow-Events", 'u'),
	H(SIP_HDR_CONTENT_ENCODING, "Content-Encoding", 'e'),
	H(SIP_HDR_CONTENT_DISPOSITION, "Content-Disposition", 0),
	H(SIP_HDR_MIN_EXPIRES, "Min-Expires", 0),
	H(SIP_HDR_WARNING, "Warning", 0),
#undef H
};

const char *sip_hdr_name(enum sip_hdr_id id)
{
	return (unsigned)id < SIP_HDR__COUNT ? hdr_names[id].name : "?";
}

/* Candidates by first letter: a lookup compares with a handful of names. */
#define L(x, ...)                     \
	[x - 'a'] = (const uint8_t[]) \
	{                             \
		__VA_ARGS__, 0        \
	}
static const uint8_t *const by_letter[26] = {
	L('a', SIP_HDR_ACCEPT, SIP_HDR_ALLOW, SIP_HDR_ALLOW_EVENTS,
	  SIP_HDR_AUTHORIZATION),
	L('c', SIP_HDR_CALL_ID, SIP_HDR_CSEQ, SIP_HDR_CONTACT,
	  SIP_HDR_CONTENT_LENGTH, SIP_HDR_CONTENT_TYPE,
	  SIP_HDR_CONTENT_ENCODING, SIP_HDR_CONTENT_DISPOSITION),
	L('d', SIP_HDR_DATE, SIP_HDR_DIVERSION),
	L('e', SIP_HDR_EXPIRES, SIP_HDR_EVENT),
	L('f', SIP_HDR_FROM),
	L('h', SIP_HDR_HISTORY_INFO),
	L('m', SIP_HDR_MAX_FORWARDS, SIP_HDR_MIN_SE, SIP_HDR_MIN_EXPIRES),
	L('p', SIP_HDR_PROXY_REQUIRE, SIP_HDR_PROXY_AUTHENTICATE,
	  SIP_HDR_PROXY_AUTHORIZATION, SIP_HDR_P_ASSERTED_IDENTITY,
	  SIP_HDR_PRIVACY),
	L('r', SIP_HDR_ROUTE, SIP_HDR_RECORD_ROUTE, SIP_HDR_REQUIRE,
	  SIP_HDR_REASON, SIP_HDR_RSEQ, SIP_HDR_RACK, SIP_HDR_REFER_TO,
	  SIP_HDR_REFERRED_BY, SIP_HDR_RETRY_AFTER),
	L('s', SIP_HDR_SUPPORTED, SIP_HDR_SERVER, SIP_HDR_SUBJECT,
	  SIP_HDR_SESSION_EXPIRES, SIP_HDR_SUBSCRIPTION_STATE),
	L('t', SIP_HDR_TO),
	L('u', SIP_HDR_USER_AGENT, SIP_HDR_UNSUPPORTED),
	L('v', SIP_HDR_VIA),
	L('w', SIP_HDR_WWW_AUTHENTICATE, SIP_HDR_WARNING),
};
#undef L

enum sip_hdr_id sip_hdr_lookup(const struct sip_pl *name)
{
	unsigned f = (unsigned)((name->p[0] | 0x20) - 'a');
	if (f >= 26)
		return SIP_HDR_OTHER;
	if (name->l == 1) {
		char c = (char)(name->p[0] | 0x20);
		for (int i = 1; i < SIP_HDR__COUNT; i++)
			if (hdr_names[i].compact == c)
				return (enum sip_hdr_id)i;
		return SIP_HDR_OTHER;
	}
	const uint8_t *c = by_letter[f];
	for (; c && *c; c++)
		if (hdr_names[*c].len == name->l &&
		    sip_ascii_caseeq(name->p, hdr_names[*c].name, name->l))
			return (enum sip_hdr_id) * c;
	return SIP_HDR_OTHER;
}

static const char *const rej_names[SIP_REJ__COUNT] = {
	[SIP_REJ_NONE] = "none",
	[SIP_REJ_SIZE] = "size",
	[SIP_REJ_HDR_COUNT] = "header-count",
	[SIP_REJ_HDR_LEN] = "header-length",
	[SIP_REJ_START_LINE] = "start-line",
	[SIP_REJ_VERSION] = "version",
	[SIP_REJ_HDR_SYNTAX] = "header-syntax",
	[SIP_REJ_HDR_VALUE] = "header-value",
	[SIP_REJ_MISSING] = "missing-header",
	[SIP_REJ_DUPLICATE] = "duplicate-header",
	[SIP_REJ_CLEN] = "content-length",
	[SIP_REJ_CSEQ_METHOD] = "cseq-method",
	[SIP_REJ_APP] = "refused",
};

const char *sip_rej_name(enum sip_rej r)
{
	return (unsigned)r < SIP_REJ__COUNT ? rej_names[r] : "?";
}
