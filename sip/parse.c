/*
 * parse.c: SIP message parser. Zero-copy: every field is a view into the
 * datagram; nothing is allocated. Hard limits on size, header count and
 * value length; every rejection names its reason (enum sip_rej).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static bool is_lws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- message ---- */

/* Records the first error only: later ones are consequences. Returns the
 * first, so that the result always agrees with msg->rej. */
static int fail(struct sip_msg *msg, int *errp, int err, enum sip_rej rej,
		const char *why)
{
	if (!*errp) {
		*errp = err;
		msg->err = why;
		msg->rej = rej;
	}
	return *errp;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT; 1 if SIP but not 2.0. */
static int check_version(const char *p, const char *e)
{
	struct sip_pl v = { p, (size_t)(e - p) };
	if (v.l < 4 || strncasecmp(p, "SIP/", 4) != 0)
		return EBADMSG;
	if (sip_pl_casecmp(&v, "SIP/2.0"))
		return 0;
	const char *c = p + 4;
	if (c == e || !is_digit(*c))
		return EBADMSG;
	while (c < e && is_digit(*c))
		c++;
	if (c == e || *c++ != '.' || c == e)
		return EBADMSG;
	while (c < e && is_digit(*c))
		c++;
	return c == e ? EPROTONOSUPPORT : EBADMSG;
}

static int parse_status_line(struct sip_msg *msg, const char *p, const char *e)
{
	const char *sp = memchr(p, ' ', (size_t)(e - p));
	if (!sp)
		return EBADMSG;
	int r = check_version(p, sp);
	if (r)
		return r;
	const char *c = sp + 1;
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

/*
 * Request-Line = Method SP Request-URI SP SIP-Version. A bad method ends
 * parsing; a bad URI or version is recorded and the headers are still
 * read, so that a 400 or 505 can be sent (RFC 4475 3.1.2).
 */
static int parse_request_line(struct sip_msg *msg, const char *p, const char *e,
			      int *errp)
{
	const char *sp1 = memchr(p, ' ', (size_t)(e - p));
	if (!sp1 || sp1 == p)
		return EBADMSG;
	msg->req = true;
	msg->method_str.p = p;
	msg->method_str.l = (size_t)(sp1 - p);
	for (size_t i = 0; i < msg->method_str.l; i++)
		if (!sip_is_token_char(p[i]))
			return EBADMSG;
	msg->method = sip_method_from_pl(&msg->method_str);
	const char *u = sp1 + 1;
	const char *sp2 = e;
	while (sp2 > u && sp2[-1] != ' ')
		sp2--;
	if (sp2 <= u)
		return fail(msg, errp, EBADMSG, SIP_REJ_START_LINE,
			    "bad request line");
	sp2--; /* the last SP */
	msg->ruri_str.p = u;
	msg->ruri_str.l = (size_t)(sp2 - u);
	int r = check_version(sp2 + 1, e);
	if (r == EPROTONOSUPPORT)
		fail(msg, errp, r, SIP_REJ_VERSION, "unsupported SIP version");
	else if (r)
		fail(msg, errp, r, SIP_REJ_START_LINE, "bad SIP version");
	bool bad = !msg->ruri_str.l;
	for (size_t i = 0; i < msg->ruri_str.l && !bad; i++)
		bad = u[i] == '<' || u[i] == '>' || u[i] == '"' ||
		      (unsigned char)u[i] <= ' ';
	if (bad || sip_uri_parse(&msg->ruri, u, msg->ruri_str.l))
		fail(msg, errp, EBADMSG, SIP_REJ_START_LINE, "bad Request-URI");
	/* escaped headers make no sense in a Request-URI (RFC 4475 3.1.2.11) */
	else if (msg->ruri.scheme != SIP_URI_OTHER && msg->ruri.headers.p)
		fail(msg, errp, EBADMSG, SIP_REJ_START_LINE,
		     "headers in Request-URI");
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

static bool once(struct sip_msg *msg, int *errp, bool seen, const char *why)
{
	if (seen)
		fail(msg, errp, EBADMSG, SIP_REJ_DUPLICATE, why);
	return !seen;
}

static void parse_known(struct sip_msg *msg, struct sip_hdr *h, bool *seen_cl,
			uint32_t *cl, int *errp)
{
	struct sip_lex lx = { h->val.p, h->val.p + h->val.l };
	struct sip_pl el;

	switch (h->id) {
	case SIP_HDR_VIA: {
		bool first = !sip_pl_isset(&msg->via.sentby);
		if (!h->val.l) {
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
			     "empty Via");
			return;
		}
		/* one pass: each via-parm ends at a ',' or the end */
		do {
			struct sip_via v;
			if (sip_via_parse_one(&v, &lx)) {
				fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
				     "bad Via");
				return;
			}
			if (first)
				msg->via = v;
			first = false;
			if (!sip_lex_char(&lx, ','))
				break;
			sip_lex_lws(&lx); /* a trailing comma is tolerated */
		} while (lx.p < lx.e);
		if (lx.p != lx.e)
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE, "bad Via");
		return;
	}
	case SIP_HDR_FROM:
	case SIP_HDR_TO: {
		struct sip_naddr *na =
			h->id == SIP_HDR_FROM ? &msg->from : &msg->to;
		struct sip_naddr tmp;
		if (!once(msg, errp, na->uri_str.p != NULL,
			  "duplicate From/To"))
			return;
		if (sip_naddr_parse(&tmp, &lx) || lx.p != lx.e)
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
			     h->id == SIP_HDR_FROM ? "bad From" : "bad To");
		else
			*na = tmp;
		return;
	}
	case SIP_HDR_CALL_ID: {
		/* callid = word [ "@" word ]: no LWS inside */
		bool bad = !h->val.l;
		if (!once(msg, errp, msg->call_id.p != NULL,
			  "duplicate Call-ID"))
			return;
		for (size_t i = 0; i < h->val.l && !bad; i++)
			bad = is_lws(h->val.p[i]);
		if (bad)
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
			     "bad Call-ID");
		else
			msg->call_id = h->val;
		return;
	}
	case SIP_HDR_CSEQ: {
		struct sip_cseq c;
		if (!once(msg, errp, msg->cseq_method_str.p != NULL,
			  "duplicate CSeq"))
			return;
		if (sip_cseq_parse(&c, &h->val)) {
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE, "bad CSeq");
			return;
		}
		msg->cseq = c.num;
		msg->cseq_method = c.method;
		msg->cseq_method_str = c.method_str;
		return;
	}
	case SIP_HDR_MAX_FORWARDS: {
		uint32_t v;
		if (!once(msg, errp, msg->max_forwards >= 0,
			  "duplicate Max-Forwards"))
			return;
		if (sip_parse_u32(&h->val, 255, &v))
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
			     "bad Max-Forwards");
		else
			msg->max_forwards = (int)v;
		return;
	}
	case SIP_HDR_CONTENT_LENGTH: {
		uint32_t v;
		if (!once(msg, errp, *seen_cl, "duplicate Content-Length"))
			return;
		*seen_cl = true;
		if (sip_parse_u32(&h->val, 0x7fffffffu, &v))
			fail(msg, errp, EBADMSG, SIP_REJ_CLEN,
			     "bad Content-Length");
		else
			*cl = v;
		return;
	}
	case SIP_HDR_CONTENT_TYPE:
		if (!once(msg, errp, msg->ctype.p != NULL,
			  "duplicate Content-Type"))
			return;
		if (sip_hdr_check(h))
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
			     "bad Content-Type");
		else
			msg->ctype = h->val;
		return;
	case SIP_HDR_CONTACT: {
		struct sip_contact c;
		bool star = h->val.l == 1 && *h->val.p == '*';
		if (!h->val.l)
			goto bad_contact;
		while (sip_list_next(&lx, &el)) {
			/* '*' stands alone (RFC 3261 20.10) */
			if (sip_contact_parse(&c, &el) || (c.star && !star))
				goto bad_contact;
			if (!msg->has_contact && !c.star) {
				msg->contact = c.addr;
				msg->has_contact = true;
			}
		}
		return;
	bad_contact:
		fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE, "bad Contact");
		return;
	}
	case SIP_HDR_DATE:
		/* rfc1123-date is always GMT (RFC 3261 20.17) */
		if (h->val.l < 3 ||
		    strncmp(h->val.p + h->val.l - 3, "GMT", 3) != 0)
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE, "bad Date");
		return;
	default:
		if (sip_hdr_check(h))
			fail(msg, errp, EBADMSG, SIP_REJ_HDR_VALUE,
			     "bad header value");
		return;
	}
}

_Static_assert(SIP_HDR__COUNT <= 64, "single-valued set is a uint64_t");

/* Single-valued headers besides those parse_known counts itself. */
static bool single_valued(enum sip_hdr_id id)
{
	switch (id) {
	case SIP_HDR_EXPIRES:
	case SIP_HDR_MIN_EXPIRES:
	case SIP_HDR_SESSION_EXPIRES:
	case SIP_HDR_MIN_SE:
	case SIP_HDR_RSEQ:
	case SIP_HDR_RACK:
	case SIP_HDR_EVENT:
	case SIP_HDR_SUBSCRIPTION_STATE:
	case SIP_HDR_RETRY_AFTER:
	case SIP_HDR_REFER_TO:
	case SIP_HDR_REFERRED_BY:
	case SIP_HDR_DATE:
		return true;
	default:
		return false;
	}
}

/*
 * Finds the '\n' ending a line. Control bytes other than HT, and CR not
 * followed by LF, are not allowed in a header (RFC 3261 25.1: TEXT-UTF8
 * and LWS exclude them); NUL among them.
 */
static const char *line_end(const char *p, const char *e, bool *ctl)
{
	const char *start = p;
	/* eight bytes at a time while none is below 0x20 or is DEL: a byte
	 * b < 0x20 makes b - 0x20 borrow into its top bit (bytes >= 0x80,
	 * UTF-8, are masked out by ~x) */
	while (e - p >= 8) {
		uint64_t x, d;
		memcpy(&x, p, 8);
		d = x ^ 0x7f7f7f7f7f7f7f7fULL;
		if (((x - 0x2020202020202020ULL) & ~x & 0x8080808080808080ULL) |
		    ((d - 0x0101010101010101ULL) & ~d & 0x8080808080808080ULL))
			break;
		p += 8;
	}
	for (; p < e; p++) {
		unsigned char c = (unsigned char)*p;
		if (c >= 0x20 && c != 0x7f)
			continue;
		if (c == '\n')
			return p;
		if (c == '\t' || (c == '\r' && p + 1 < e && p[1] == '\n'))
			continue;
		/* quoted-pair: "\\" may escape any byte but CR and LF */
		if (c != '\r' && p > start && p[-1] == '\\')
			continue;
		*ctl = true;
	}
	return NULL;
}

int sip_msg_parse(struct sip_msg *msg, const void *buf, size_t len,
		  size_t max_size)
{
	const char *p = buf, *e = p + len;
	int err = 0;

	/* only the fixed part: hdr[] is written as it fills */
	memset(msg, 0, offsetof(struct sip_msg, hdr));
	memset(&msg->nhdr, 0, sizeof(*msg) - offsetof(struct sip_msg, nhdr));
	msg->max_forwards = -1;
	msg->buf = buf;
	msg->len = len;
	if (len > max_size && max_size) {
		/* read on within the limit: its Via and CSeq, if there, let
		 * the 513 be answered (RFC 3261 21.5.14) */
		fail(msg, &err, EMSGSIZE, SIP_REJ_SIZE, "message too large");
		len = max_size;
		e = p + len;
	} else if (len > max_size) {
		return fail(msg, &err, EMSGSIZE, SIP_REJ_SIZE,
			    "message too large");
	}
	if (!buf || !len)
		return fail(msg, &err, EBADMSG, SIP_REJ_START_LINE,
			    "empty message");
	while (p < e && (*p == '\r' || *p == '\n'))
		p++;

	/* start line */
	bool ctl = false;
	const char *eol = line_end(p, e, &ctl);
	if (!eol || ctl)
		return fail(msg, &err, EBADMSG, SIP_REJ_START_LINE,
			    eol ? "control byte in start line"
				: "no end of start line");
	const char *le = eol;
	if (le > p && le[-1] == '\r')
		le--;
	int r;
	if (e - p >= 4 && strncasecmp(p, "SIP/", 4) == 0) {
		r = parse_status_line(msg, p, le);
		if (r)
			return fail(msg, &err, r,
				    r == EPROTONOSUPPORT ? SIP_REJ_VERSION
							 : SIP_REJ_START_LINE,
				    r == EPROTONOSUPPORT
					    ? "unsupported SIP version"
					    : "bad status line");
	} else if ((r = parse_request_line(msg, p, le, &err))) {
		return fail(msg, &err, r, SIP_REJ_START_LINE,
			    "bad request line");
	}
	p = eol + 1;

	/* header lines; a line starting with SP/HT continues the last one */
	bool ended = false;
	/* after a refused line its continuations are refused too: joined to
	 * the header before, they would carry the refused line into it (and
	 * into the 400 that echoes it) */
	bool skipping = false;
	while (p < e) {
		ctl = false;
		eol = line_end(p, e, &ctl);
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
		if (ctl) {
			fail(msg, &err, EBADMSG, SIP_REJ_HDR_SYNTAX,
			     "control byte in header");
			p = next;
			skipping = true;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			if (skipping) {
				p = next;
				continue;
			}
			if (!msg->nhdr)
				return fail(msg, &err, EBADMSG,
					    SIP_REJ_HDR_SYNTAX,
					    "continuation without header");
			struct sip_hdr *h = &msg->hdr[msg->nhdr - 1];
			h->val.l = (size_t)(ce - h->val.p);
			p = next;
			continue;
		}
		if (msg->nhdr >= SIP_MAX_HDRS) {
			fail(msg, &err, E2BIG, SIP_REJ_HDR_COUNT,
			     "too many headers");
			break;
		}
		struct sip_hdr *h = &msg->hdr[msg->nhdr];
		struct sip_lex lx = { p, ce };
		p = next;
		skipping = true;
		if (!sip_lex_token(&lx, &h->name)) {
			fail(msg, &err, EBADMSG, SIP_REJ_HDR_SYNTAX,
			     "bad header name");
			continue;
		}
		while (lx.p < lx.e && (*lx.p == ' ' || *lx.p == '\t'))
			lx.p++;
		if (!sip_lex_char(&lx, ':')) {
			fail(msg, &err, EBADMSG, SIP_REJ_HDR_SYNTAX,
			     "header without colon");
			continue;
		}
		h->id = sip_hdr_lookup(&h->name);
		h->val.p = lx.p;
		h->val.l = (size_t)(ce - lx.p);
		msg->nhdr++;
		skipping = false;
	}
	if (!ended && err != E2BIG)
		return fail(msg, &err, EBADMSG, SIP_REJ_HDR_SYNTAX,
			    "no end of headers");

	bool seen_cl = false;
	uint32_t cl = 0;
	uint64_t single = 0;
	for (unsigned i = 0; i < msg->nhdr; i++) {
		struct sip_hdr *h = &msg->hdr[i];
		trim(&h->val);
		if (h->val.l > SIP_MAX_HDR_LEN) {
			fail(msg, &err, EBADMSG, SIP_REJ_HDR_LEN,
			     "header value too long");
			h->id = SIP_HDR_OTHER; /* never interpreted */
			continue;
		}
		if (single_valued(h->id)) {
			uint64_t bit = 1ull << h->id;
			once(msg, &err, single & bit, "duplicate header");
			single |= bit;
		}
		parse_known(msg, h, &seen_cl, &cl, &err);
	}

	size_t avail = (size_t)(e - p);
	msg->body.p = p;
	msg->body.l = avail;
	if (seen_cl) {
		/* a body we would never take: 513, whatever has arrived */
		if (max_size && cl > max_size)
			fail(msg, &err, EMSGSIZE, SIP_REJ_SIZE,
			     "Content-Length over the size limit");
		else if (cl > avail)
			fail(msg, &err, EBADMSG, SIP_REJ_CLEN,
			     "Content-Length exceeds body");
		else
			msg->body.l = cl; /* extra bytes are discarded */
	}
	if (!msg->via.sentby.p)
		fail(msg, &err, EBADMSG, SIP_REJ_MISSING, "missing Via");
	if (!msg->from.uri_str.p)
		fail(msg, &err, EBADMSG, SIP_REJ_MISSING, "missing From");
	if (!msg->to.uri_str.p)
		fail(msg, &err, EBADMSG, SIP_REJ_MISSING, "missing To");
	if (!msg->call_id.p)
		fail(msg, &err, EBADMSG, SIP_REJ_MISSING, "missing Call-ID");
	if (!msg->cseq_method_str.p) {
		fail(msg, &err, EBADMSG, SIP_REJ_MISSING, "missing CSeq");
	} else if (msg->req) {
		/* ACK and CANCEL carry the INVITE's number, their own name */
		bool ok =
			msg->method == SIP_METHOD_ACK ||
					msg->method == SIP_METHOD_CANCEL
				? sip_pl_eq(&msg->cseq_method_str,
					    sip_method_name(msg->method))
				: msg->cseq_method_str.l == msg->method_str.l &&
					  !memcmp(msg->cseq_method_str.p,
						  msg->method_str.p,
						  msg->method_str.l);
		if (!ok)
			fail(msg, &err, EBADMSG, SIP_REJ_CSEQ_METHOD,
			     "CSeq method mismatch");
	}
	return err;
}

/*
 * A response goes back to the source with the Vias and CSeq echoed; From,
 * To and Call-ID are copied as they are when present, so that even a
 * request missing them or with a broken Via gets its 400 (RFC 4475
 * 3.1.2.1, 3.3.1).
 */
bool sip_msg_can_reply(const struct sip_msg *msg)
{
	return msg->req && msg->method != SIP_METHOD_ACK &&
	       sip_msg_hdr(msg, SIP_HDR_VIA, NULL) &&
	       sip_msg_hdr(msg, SIP_HDR_CSEQ, NULL);
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
