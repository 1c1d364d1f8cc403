/*
 * parse.c: SIP message parser. Zero-copy: every field is a view into the
 * datagram; nothing is allocated. Hard limits on size and header count.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
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
	return pl->l == n && (n == 0 || strncasecmp(pl->p, s, n) == 0);
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

static const struct {
	const char *name;
	char compact;
} hdr_names[SIP_HDR__COUNT] = {
	[SIP_HDR_OTHER] = { "", 0 },
	[SIP_HDR_VIA] = { "Via", 'v' },
	[SIP_HDR_FROM] = { "From", 'f' },
	[SIP_HDR_TO] = { "To", 't' },
	[SIP_HDR_CALL_ID] = { "Call-ID", 'i' },
	[SIP_HDR_CSEQ] = { "CSeq", 0 },
	[SIP_HDR_CONTACT] = { "Contact", 'm' },
	[SIP_HDR_MAX_FORWARDS] = { "Max-Forwards", 0 },
	[SIP_HDR_CONTENT_LENGTH] = { "Content-Length", 'l' },
	[SIP_HDR_CONTENT_TYPE] = { "Content-Type", 'c' },
	[SIP_HDR_ROUTE] = { "Route", 0 },
	[SIP_HDR_RECORD_ROUTE] = { "Record-Route", 0 },
	[SIP_HDR_REQUIRE] = { "Require", 0 },
	[SIP_HDR_PROXY_REQUIRE] = { "Proxy-Require", 0 },
	[SIP_HDR_SUPPORTED] = { "Supported", 'k' },
	[SIP_HDR_ALLOW] = { "Allow", 0 },
	[SIP_HDR_ACCEPT] = { "Accept", 0 },
	[SIP_HDR_REASON] = { "Reason", 0 },
	[SIP_HDR_USER_AGENT] = { "User-Agent", 0 },
	[SIP_HDR_SERVER] = { "Server", 0 },
	[SIP_HDR_DATE] = { "Date", 0 },
	[SIP_HDR_EXPIRES] = { "Expires", 0 },
	[SIP_HDR_SUBJECT] = { "Subject", 's' },
	[SIP_HDR_UNSUPPORTED] = { "Unsupported", 0 },
};

const char *sip_hdr_name(enum sip_hdr_id id)
{
	return (unsigned)id < SIP_HDR__COUNT ? hdr_names[id].name : "?";
}

static enum sip_hdr_id hdr_lookup(const struct sip_pl *name)
{
	if (name->l == 1) {
		char c = (char)(name->p[0] | 0x20);
		for (int i = 1; i < SIP_HDR__COUNT; i++)
			if (hdr_names[i].compact == c)
				return (enum sip_hdr_id)i;
		return SIP_HDR_OTHER;
	}
	for (int i = 1; i < SIP_HDR__COUNT; i++)
		if (sip_pl_casecmp(name, hdr_names[i].name))
			return (enum sip_hdr_id)i;
	return SIP_HDR_OTHER;
}

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- message ---- */

static int fail(struct sip_msg *msg, int *errp, int err, const char *why)
{
	if (!*errp) {
		*errp = err;
		msg->err = why;
	}
	return err;
}

static int parse_start_line(struct sip_msg *msg, const char *p, const char *e)
{
	const char *sp1 = memchr(p, ' ', (size_t)(e - p));
	if (!sp1)
		return EBADMSG;
	if (e - p >= 4 && strncasecmp(p, "SIP/", 4) == 0) {
		struct sip_pl ver = { p, (size_t)(sp1 - p) };
		if (!sip_pl_casecmp(&ver, "SIP/2.0"))
			return EPROTONOSUPPORT;
		const char *c = sp1 + 1;
		if (e - c < 3)
			return EBADMSG;
		struct sip_pl code = { c, 3 };
		uint32_t v;
		if (sip_parse_u32(&code, 999, &v) || v < 100 || v > 699)
			return EBADMSG;
		c += 3;
		if (c < e && *c != ' ')
			return EBADMSG; /* four or more digits */
		msg->code = v;
		if (c < e)
			c++;
		msg->reason.p = c;
		msg->reason.l = (size_t)(e - c);
		msg->req = false;
		return 0;
	}
	msg->req = true;
	msg->method_str.p = p;
	msg->method_str.l = (size_t)(sp1 - p);
	for (size_t i = 0; i < msg->method_str.l; i++)
		if (!sip_is_token_char(p[i]))
			return EBADMSG;
	if (!msg->method_str.l)
		return EBADMSG;
	msg->method = sip_method_from_pl(&msg->method_str);
	const char *u = sp1 + 1;
	const char *sp2 = memchr(u, ' ', (size_t)(e - u));
	if (!sp2 || sp2 == u)
		return EBADMSG;
	msg->ruri_str.p = u;
	msg->ruri_str.l = (size_t)(sp2 - u);
	struct sip_pl ver = { sp2 + 1, (size_t)(e - sp2 - 1) };
	if (memchr(ver.p, ' ', ver.l) || memchr(ver.p, '\t', ver.l))
		return EBADMSG;
	if (ver.l < 4 || strncasecmp(ver.p, "SIP/", 4) != 0)
		return EBADMSG;
	if (!sip_pl_casecmp(&ver, "SIP/2.0"))
		return EPROTONOSUPPORT;
	for (size_t i = 0; i < msg->ruri_str.l; i++)
		if (u[i] == '<' || u[i] == '>' || u[i] == '"' ||
		    (unsigned char)u[i] <= ' ')
			return EBADMSG;
	if (sip_uri_parse(&msg->ruri, u, msg->ruri_str.l))
		return EBADMSG;
	/* escaped headers make no sense in a Request-URI (RFC 4475 3.1.2.11) */
	if (msg->ruri.scheme != SIP_URI_OTHER && msg->ruri.headers.p)
		return EBADMSG;
	return 0;
}

static void trim(struct sip_pl *pl)
{
	while (pl->l && is_lws(pl->p[0])) {
		pl->p++;
		pl->l--;
	}
	while (pl->l && is_lws(pl->p[pl->l - 1]))
		pl->l--;
}

static int parse_cseq(struct sip_msg *msg, const struct sip_pl *val)
{
	struct sip_lex lx = { val->p, val->p + val->l };
	struct sip_pl num;
	sip_lex_lws(&lx);
	num.p = lx.p;
	while (lx.p < lx.e && *lx.p >= '0' && *lx.p <= '9')
		lx.p++;
	num.l = (size_t)(lx.p - num.p);
	if (sip_parse_u32(&num, 0x7fffffffu, &msg->cseq))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (!sip_lex_token(&lx, &msg->cseq_method_str))
		return EBADMSG;
	sip_lex_lws(&lx);
	if (lx.p != lx.e)
		return EBADMSG;
	msg->cseq_method = sip_method_from_pl(&msg->cseq_method_str);
	return 0;
}

static int parse_known(struct sip_msg *msg, struct sip_hdr *h, bool *seen_cl,
		       uint32_t *cl, int *errp)
{
	struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
	struct sip_pl el;

	switch (h->id) {
	case SIP_HDR_VIA: {
		bool first = !sip_pl_isset(&msg->via.sentby);
		if (!h->val.l)
			return fail(msg, errp, EBADMSG, "empty Via");
		while (sip_list_next(&lx, &el)) {
			struct sip_lex vl = { el.p, el.p + el.l };
			struct sip_via v;
			if (!el.l || sip_via_parse(&v, &vl))
				return fail(msg, errp, EBADMSG, "bad Via");
			if (first)
				msg->via = v;
			first = false;
		}
		return 0;
	}
	case SIP_HDR_FROM:
	case SIP_HDR_TO: {
		struct sip_naddr *na =
			h->id == SIP_HDR_FROM ? &msg->from : &msg->to;
		struct sip_naddr tmp;
		if (na->uri_str.p)
			return fail(msg, errp, EBADMSG, "duplicate From/To");
		if (sip_naddr_parse(&tmp, &lx) || lx.p != lx.e)
			return fail(msg, errp, EBADMSG,
				    h->id == SIP_HDR_FROM ? "bad From"
							  : "bad To");
		*na = tmp;
		return 0;
	}
	case SIP_HDR_CALL_ID:
		if (msg->call_id.p)
			return fail(msg, errp, EBADMSG, "duplicate Call-ID");
		for (size_t i = 0; i < h->val.l; i++)
			if (is_lws(h->val.p[i]))
				return fail(msg, errp, EBADMSG, "bad Call-ID");
		if (!h->val.l)
			return fail(msg, errp, EBADMSG, "empty Call-ID");
		msg->call_id = h->val;
		return 0;
	case SIP_HDR_CSEQ: {
		struct sip_msg tmp;
		if (msg->cseq_method_str.p)
			return fail(msg, errp, EBADMSG, "duplicate CSeq");
		if (parse_cseq(&tmp, &h->val))
			return fail(msg, errp, EBADMSG, "bad CSeq");
		msg->cseq = tmp.cseq;
		msg->cseq_method = tmp.cseq_method;
		msg->cseq_method_str = tmp.cseq_method_str;
		return 0;
	}
	case SIP_HDR_MAX_FORWARDS: {
		uint32_t v;
		if (sip_parse_u32(&h->val, 255, &v))
			return fail(msg, errp, EBADMSG, "bad Max-Forwards");
		msg->max_forwards = (int)v;
		return 0;
	}
	case SIP_HDR_CONTENT_LENGTH: {
		uint32_t v;
		if (sip_parse_u32(&h->val, 0x7fffffffu, &v))
			return fail(msg, errp, EBADMSG, "bad Content-Length");
		if (*seen_cl && v != *cl)
			return fail(msg, errp, EBADMSG,
				    "conflicting Content-Length");
		*seen_cl = true;
		*cl = v;
		return 0;
	}
	case SIP_HDR_CONTENT_TYPE:
		msg->ctype = h->val;
		return 0;
	case SIP_HDR_CONTACT:
		if (h->val.l == 1 && h->val.p[0] == '*')
			return 0;
		while (sip_list_next(&lx, &el)) {
			struct sip_lex cl2 = { el.p, el.p + el.l };
			struct sip_naddr na;
			if (!el.l || sip_naddr_parse(&na, &cl2) ||
			    cl2.p != cl2.e)
				return fail(msg, errp, EBADMSG, "bad Contact");
			if (!msg->has_contact) {
				msg->contact = na;
				msg->has_contact = true;
			}
		}
		return 0;
	case SIP_HDR_DATE:
		/* rfc1123-date is always GMT (RFC 3261 20.17) */
		if (h->val.l < 3 ||
		    strncmp(h->val.p + h->val.l - 3, "GMT", 3) != 0)
			return fail(msg, errp, EBADMSG, "bad Date");
		return 0;
	default:
		return 0;
	}
}

int sip_msg_parse(struct sip_msg *msg, const void *buf, size_t len,
		  size_t max_size)
{
	const char *p = buf, *e = p + len;
	int err = 0;

	memset(msg, 0, sizeof(*msg));
	msg->max_forwards = -1;
	msg->buf = buf;
	msg->len = len;
	if (len > max_size) {
		msg->err = "message too large";
		return EMSGSIZE;
	}
	if (!buf || !len) {
		msg->err = "empty message";
		return EBADMSG;
	}
	while (p < e && (*p == '\r' || *p == '\n'))
		p++;

	/* start line */
	const char *eol = memchr(p, '\n', (size_t)(e - p));
	if (!eol) {
		msg->err = "no end of start line";
		return EBADMSG;
	}
	const char *le = eol;
	if (le > p && le[-1] == '\r')
		le--;
	int r = parse_start_line(msg, p, le);
	if (r) {
		msg->err = r == EPROTONOSUPPORT ? "unsupported SIP version"
						: "bad start line";
		if (r != EPROTONOSUPPORT)
			return r;
		fail(msg, &err, r, msg->err);
	}
	p = eol + 1;

	/* header lines; a line starting with SP/HT continues the last one */
	bool ended = false;
	while (p < e) {
		eol = memchr(p, '\n', (size_t)(e - p));
		le = eol ? eol : e;
		const char *next = eol ? eol + 1 : e;
		const char *ce = le;
		if (ce > p && ce[-1] == '\r')
			ce--;
		if (ce == p) { /* blank line: end of headers */
			p = next;
			ended = true;
			break;
		}
		if (*p == ' ' || *p == '\t') {
			if (!msg->nhdr) {
				msg->err = "continuation without header";
				return EBADMSG;
			}
			struct sip_hdr *h = &msg->hdr[msg->nhdr - 1];
			h->val.l = (size_t)(ce - h->val.p);
			p = next;
			continue;
		}
		if (msg->nhdr >= SIP_MAX_HDRS) {
			msg->err = "too many headers";
			return E2BIG;
		}
		struct sip_hdr *h = &msg->hdr[msg->nhdr];
		struct sip_lex lx = { p, ce };
		if (!sip_lex_token(&lx, &h->name)) {
			msg->err = "bad header name";
			return EBADMSG;
		}
		while (lx.p < lx.e && (*lx.p == ' ' || *lx.p == '\t'))
			lx.p++;
		if (!sip_lex_char(&lx, ':')) {
			msg->err = "header without colon";
			return EBADMSG;
		}
		h->id = hdr_lookup(&h->name);
		h->val.p = lx.p;
		h->val.l = (size_t)(ce - lx.p);
		msg->nhdr++;
		p = next;
	}
	if (!ended) {
		msg->err = "no end of headers";
		return EBADMSG;
	}

	bool seen_cl = false;
	uint32_t cl = 0;
	for (unsigned i = 0; i < msg->nhdr; i++) {
		trim(&msg->hdr[i].val);
		parse_known(msg, &msg->hdr[i], &seen_cl, &cl, &err);
	}

	size_t avail = (size_t)(e - p);
	msg->body.p = p;
	msg->body.l = avail;
	if (seen_cl) {
		if (cl > avail)
			fail(msg, &err, EBADMSG, "Content-Length exceeds body");
		else
			msg->body.l = cl; /* extra bytes are discarded */
	}
	if (!msg->via.sentby.p)
		fail(msg, &err, EBADMSG, "missing Via");
	if (!msg->from.uri_str.p)
		fail(msg, &err, EBADMSG, "missing From");
	if (!msg->to.uri_str.p)
		fail(msg, &err, EBADMSG, "missing To");
	if (!msg->call_id.p)
		fail(msg, &err, EBADMSG, "missing Call-ID");
	if (!msg->cseq_method_str.p)
		fail(msg, &err, EBADMSG, "missing CSeq");
	else if (msg->req && msg->method != SIP_METHOD_ACK &&
		 msg->method != SIP_METHOD_CANCEL &&
		 (msg->cseq_method_str.l != msg->method_str.l ||
		  memcmp(msg->cseq_method_str.p, msg->method_str.p,
			 msg->method_str.l)))
		fail(msg, &err, EBADMSG, "CSeq method mismatch");
	else if (msg->req &&
		 (msg->method == SIP_METHOD_ACK ||
		  msg->method == SIP_METHOD_CANCEL) &&
		 !sip_pl_eq(&msg->cseq_method_str,
			    sip_method_name(msg->method)))
		fail(msg, &err, EBADMSG, "CSeq method mismatch");
	return err;
}

bool sip_msg_can_reply(const struct sip_msg *msg)
{
	return msg->req && msg->method != SIP_METHOD_ACK && msg->via.sentby.p &&
	       msg->from.uri_str.p && msg->to.uri_str.p && msg->call_id.p &&
	       msg->cseq_method_str.p;
}

const struct sip_hdr *sip_msg_hdr(const struct sip_msg *msg, enum sip_hdr_id id,
				  const struct sip_hdr *prev)
{
	unsigned i = prev ? (unsigned)(prev - msg->hdr) + 1 : 0;
	for (; i < msg->nhdr; i++)
		if (msg->hdr[i].id == id)
			return &msg->hdr[i];
	return NULL;
}

const struct sip_hdr *sip_msg_hdr_name(const struct sip_msg *msg,
				       const char *name)
{
	for (unsigned i = 0; i < msg->nhdr; i++)
		if (sip_pl_casecmp(&msg->hdr[i].name, name))
			return &msg->hdr[i];
	return NULL;
}

struct sip_pl sip_msg_ruri_user(const struct sip_msg *msg)
{
	return msg->ruri.user;
}

struct sip_pl sip_msg_from_user(const struct sip_msg *msg)
{
	return msg->from.uri.user;
}

struct sip_pl sip_msg_from_display(const struct sip_msg *msg)
{
	return msg->from.dname;
}

struct sip_pl sip_msg_to_user(const struct sip_msg *msg)
{
	return msg->to.uri.user;
}

struct sip_pl sip_msg_call_id(const struct sip_msg *msg)
{
	return msg->call_id;
}

struct sip_pl sip_msg_body(const struct sip_msg *msg, struct sip_pl *ctype)
{
	if (ctype)
		*ctype = msg->ctype;
	return msg->body;
}

/* Reason: Q.850 ;cause=16 ;text="..." (RFC 3326); the first Q.850 wins. */
int sip_msg_q850_cause(const struct sip_msg *msg)
{
	const struct sip_hdr *h = NULL;
	while ((h = sip_msg_hdr(msg, SIP_HDR_REASON, h))) {
		struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
		struct sip_pl el;
		while (sip_list_next(&lx, &el)) {
			struct sip_lex rl = { el.p, el.p + el.l };
			struct sip_pl proto, params, cause;
			uint32_t v;
			if (!sip_lex_token(&rl, &proto) ||
			    !sip_pl_casecmp(&proto, "Q.850"))
				continue;
			if (sip_params_parse(&rl, &params) ||
			    !sip_param_find(&params, "cause", &cause) ||
			    sip_parse_u32(&cause, 127, &v))
				continue;
			return (int)v;
		}
	}
	return -1;
}
