/*
 * stream.c: Content-Length framing of SIP over TCP and TLS (RFC 3261
 * 18.3). A stream has no datagram boundaries, so the end of a message is
 * the blank line after the headers plus Content-Length bytes of body; a
 * message without Content-Length cannot be framed. CRLFs before a start
 * line are skipped (RFC 3261 7.5); a double CRLF there is an RFC 5626
 * keep-alive ping, which the caller answers with one CRLF.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static const char *const res_names[SIP_STREAM__COUNT] = {
	[SIP_STREAM_MORE] = "more",
	[SIP_STREAM_MSG] = "message",
	[SIP_STREAM_PING] = "ping",
	[SIP_STREAM_NOCL] = "no Content-Length",
	[SIP_STREAM_TOOBIG] = "too large",
	[SIP_STREAM_BADCL] = "bad Content-Length",
};

const char *sip_stream_res_name(enum sip_stream_res r)
{
	return (unsigned)r < SIP_STREAM__COUNT ? res_names[r] : "?";
}

int sip_stream_init(struct sip_stream *s, size_t max_msg)
{
	memset(s, 0, sizeof(*s));
	if (max_msg < 64)
		return EINVAL;
	s->buf = malloc(max_msg);
	if (!s->buf)
		return ENOMEM;
	s->size = max_msg;
	return 0;
}

void sip_stream_release(struct sip_stream *s)
{
	free(s->buf);
	memset(s, 0, sizeof(*s));
}

static void drop(struct sip_stream *s, size_t n)
{
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->scanned = 0; /* a new message starts at buf[0] */
}

char *sip_stream_space(struct sip_stream *s, size_t *room)
{
	/* what was handed out is done with once the caller reads again */
	if (s->consumed) {
		drop(s, s->consumed);
		s->consumed = 0;
	}
	*room = s->size - s->len;
	return s->buf + s->len;
}

void sip_stream_added(struct sip_stream *s, size_t n)
{
	if (n > s->size - s->len)
		n = s->size - s->len; /* caller bug; never overrun */
	s->len += n;
}

static bool name_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

/*
 * Finds Content-Length (or its compact form 'l') in the header block
 * [p, e). Returns 0 and *cl, ENOENT if absent, EBADMSG if unreadable or
 * given twice with different values.
 */
static int find_cl(const char *p, const char *e, size_t *cl)
{
	bool found = false;
	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p));
		const char *le = eol ? eol : e;
		const char *colon = memchr(p, ':', (size_t)(le - p));
		/* a continuation line (folding) starts with WS: not a name */
		if (colon && *p != ' ' && *p != '\t') {
			const char *ne = colon;
			while (ne > p && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			size_t nl = (size_t)(ne - p);
			if (name_is(p, nl, "Content-Length") ||
			    name_is(p, nl, "l")) {
				const char *v = colon + 1;
				size_t val = 0, digits = 0, sig = 0;
				while (v < le && (*v == ' ' || *v == '\t'))
					v++;
				for (; v < le && *v >= '0' && *v <= '9'; v++) {
					/* leading zeros are legal (1*DIGIT):
					 * count only what carries a value */
					if ((val || *v != '0') && ++sig > 9)
						return EBADMSG;
					digits++;
					val = val * 10 + (size_t)(*v - '0');
				}
				while (v < le &&
				       (*v == ' ' || *v == '\t' || *v == '\r'))
					v++;
				if (!digits || v != le || (found && val != *cl))
					return EBADMSG;
				*cl = val;
				found = true;
			}
		}
		if (!eol)
			break;
		p = eol + 1;
	}
	return found ? 0 : ENOENT;
}

enum sip_stream_res sip_stream_next(struct sip_stream *s, const char **p,
				    size_t *len)
{
	if (s->consumed) {
		drop(s, s->consumed);
		s->consumed = 0;
	}
	/* RFC 3261 7.5: ignore CRLF before the start line; CRLFCRLF is a
	 * ping. A lone CRLF (a pong, or half a ping) waits for more. */
	for (;;) {
		if (s->len >= 4 && !memcmp(s->buf, "\r\n\r\n", 4)) {
			s->consumed = 4;
			*p = s->buf;
			*len = 4;
			return SIP_STREAM_PING;
		}
		if (s->len >= 2 && !memcmp(s->buf, "\r\n", 2) &&
		    (s->len == 2 || (s->len == 3 && s->buf[2] == '\r')))
			return SIP_STREAM_MORE;
		if (s->len >= 3 && !memcmp(s->buf, "\r\n", 2)) {
			drop(s, 2);
			continue;
		}
		if (s->len >= 1 && s->buf[0] == '\r' && s->len < 2)
			return SIP_STREAM_MORE;
		break;
	}
	if (!s->len)
		return SIP_STREAM_MORE;
	const char *end = NULL;
	for (size_t i = s->scanned; i + 4 <= s->len; i++)
		if (s->buf[i] == '\r' && !memcmp(s->buf + i, "\r\n\r\n", 4)) {
			end = s->buf + i + 4;
			break;
		}
	if (!end) {
		/* a slow sender (a byte per segment) costs a scan of what is
		 * new, not of the whole buffer again each time */
		s->scanned = s->len >= 3 ? s->len - 3 : 0;
		if (s->len < s->size)
			return SIP_STREAM_MORE;
		*p = s->buf;
		*len = 0; /* no end of headers: nothing to answer */
		return SIP_STREAM_TOOBIG;
	}
	size_t hlen = (size_t)(end - s->buf), cl = 0;
	int err = find_cl(s->buf, end, &cl);
	if (err == ENOENT) {
		s->consumed = hlen;
		*p = s->buf;
		*len = hlen;
		return SIP_STREAM_NOCL;
	}
	/* the header block goes out with both: the caller can answer it (400,
	 * 513) before it closes the connection, whose framing is lost */
	if (err || cl > s->size - hlen) {
		s->consumed = hlen;
		*p = s->buf;
		*len = hlen;
		return err ? SIP_STREAM_BADCL : SIP_STREAM_TOOBIG;
	}
	if (s->len < hlen + cl)
		return SIP_STREAM_MORE;
	s->consumed = hlen + cl;
	*p = s->buf;
	*len = hlen + cl;
	return SIP_STREAM_MSG;
}
