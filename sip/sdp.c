/*
 * sdp.c: SDP parse and build (RFC 4566) and audio offer/answer (RFC 3264).
 * The parsed session holds copies, bounded by fixed limits: bad or
 * oversized SDP is an error, never a truncation.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static const char *const dir_names[SDP_DIR__COUNT] = {
	[SDP_DIR_SENDRECV] = "sendrecv",
	[SDP_DIR_SENDONLY] = "sendonly",
	[SDP_DIR_RECVONLY] = "recvonly",
	[SDP_DIR_INACTIVE] = "inactive",
};

const char *sdp_dir_name(enum sdp_dir d)
{
	return (unsigned)d < SDP_DIR__COUNT ? dir_names[d] : "?";
}

static int copy_word(char *dst, size_t size, const char **pp, const char *e)
{
	const char *p = *pp, *s;
	while (p < e && *p == ' ')
		p++;
	s = p;
	while (p < e && *p != ' ')
		p++;
	if (p == s || (size_t)(p - s) >= size)
		return EBADMSG;
	memcpy(dst, s, (size_t)(p - s));
	dst[p - s] = '\0';
	*pp = p;
	return 0;
}

static int word_u64(uint64_t *v, uint64_t max, const char **pp, const char *e)
{
	char w[24];
	struct sip_pl pl;
	uint64_t n = 0;
	if (copy_word(w, sizeof(w), pp, e))
		return EBADMSG;
	pl.p = w;
	pl.l = strlen(w);
	for (size_t i = 0; i < pl.l; i++) {
		if (w[i] < '0' || w[i] > '9')
			return EBADMSG;
		if (n > (max - (uint64_t)(w[i] - '0')) / 10)
			return EBADMSG;
		n = n * 10 + (uint64_t)(w[i] - '0');
	}
	*v = n;
	return 0;
}

/* "c=IN IP4 192.0.2.1" */
static int parse_conn(char *addr, const char *p, const char *e)
{
	char nt[8], at[8];
	if (copy_word(nt, sizeof(nt), &p, e) || strcmp(nt, "IN") ||
	    copy_word(at, sizeof(at), &p, e) ||
	    (strcmp(at, "IP4") && strcmp(at, "IP6")) ||
	    copy_word(addr, SDP_ADDR_LEN, &p, e))
		return EBADMSG;
	char *slash = strchr(addr, '/'); /* multicast TTL */
	if (slash)
		*slash = '\0';
	return 0;
}

static struct sdp_fmt *find_fmt(struct sdp_media *m, unsigned pt)
{
	for (unsigned i = 0; i < m->nfmt; i++)
		if (m->fmt[i].pt == pt)
			return &m->fmt[i];
	return NULL;
}

static void static_names(struct sdp_fmt *f)
{
	if (f->pt == 0)
		snprintf(f->name, sizeof(f->name), "PCMU");
	else if (f->pt == 8)
		snprintf(f->name, sizeof(f->name), "PCMA");
	else if (f->pt == 9)
		snprintf(f->name, sizeof(f->name), "G722");
	else if (f->pt == 18)
		snprintf(f->name, sizeof(f->name), "G729");
	else
		return;
	f->rate = 8000;
	f->channels = 1;
}

static int bad(struct sdp_session *s, int err, const char *why)
{
	if (!s->err)
		s->err = why;
	return err;
}

static int parse_media(struct sdp_session *s, const char *p, const char *e)
{
	uint64_t v;
	if (s->nmedia >= SDP_MAX_MEDIA)
		return bad(s, E2BIG, "too many m= lines");
	struct sdp_media *m = &s->media[s->nmedia];
	memset(m, 0, sizeof(*m));
	m->te_pt = -1;
	m->dir = s->dir;
	if (copy_word(m->type, sizeof(m->type), &p, e))
		return bad(s, EBADMSG, "bad media type");
	const char *ps = p;
	while (ps < e && *ps == ' ')
		ps++;
	const char *slash = memchr(ps, '/', (size_t)(e - ps));
	const char *sp = memchr(ps, ' ', (size_t)(e - ps));
	if (slash && (!sp || slash < sp)) { /* port/count */
		const char *pe = slash;
		if (word_u64(&v, 65535, &ps, pe))
			return bad(s, EBADMSG, "bad media port");
		p = sp ? sp : e;
	} else if (word_u64(&v, 65535, &p, e)) {
		return bad(s, EBADMSG, "bad media port");
	}
	m->port = (uint16_t)v;
	if (copy_word(m->proto, sizeof(m->proto), &p, e))
		return bad(s, EBADMSG, "bad media protocol");
	bool rtp = strncmp(m->proto, "RTP/", 4) == 0;
	while (p < e) {
		while (p < e && *p == ' ')
			p++;
		if (p == e)
			break;
		if (m->nfmt >= SDP_MAX_FMT)
			return bad(s, E2BIG, "too many formats");
		struct sdp_fmt *f = &m->fmt[m->nfmt];
		memset(f, 0, sizeof(*f));
		if (rtp) {
			/* payload types are 7 bits (RFC 3551) */
			if (word_u64(&v, 127, &p, e))
				return bad(s, EBADMSG, "bad payload type");
			f->pt = (uint8_t)v;
			static_names(f);
		} else {
			if (copy_word(f->name, sizeof(f->name), &p, e))
				return bad(s, EBADMSG, "bad media format");
		}
		m->nfmt++;
	}
	if (!m->nfmt)
		return bad(s, EBADMSG, "m= line without formats");
	m->is_t38 = strcmp(m->type, "image") == 0 &&
		    strcasecmp(m->proto, "udptl") == 0 && m->nfmt == 1 &&
		    strcasecmp(m->fmt[0].name, "t38") == 0;
	if (m->is_t38)
		m->t38.udp_ec = SDP_T38_EC_NONE; /* absent means none */
	s->nmedia++;
	return 0;
}

static int parse_attr(struct sdp_session *s, struct sdp_media *m, const char *p,
		      const char *e)
{
	static const char *const dirs[] = { "sendrecv", "sendonly", "recvonly",
					    "inactive" };
	size_t n = (size_t)(e - p);
	for (int i = 0; i < 4; i++) {
		if (n == strlen(dirs[i]) && memcmp(p, dirs[i], n) == 0) {
			if (m)
				m->dir = (enum sdp_dir)i;
			else
				s->dir = (enum sdp_dir)i;
			return 0;
		}
	}
	if (!m)
		return 0;
	uint64_t v;
	if (m->is_t38 && n > 3 && strncasecmp(p, "T38", 3) == 0)
		return sdp_t38_attr(&m->t38, p, e) ? bad(s, EBADMSG,
							 "bad T.38 "
							 "attribute")
						   : 0;
	if (n > 7 && memcmp(p, "crypto:", 7) == 0) {
		/* kept even when unusable (offer/answer skips it); one
		 * past the limit is ignored, like an unknown attribute */
		if (m->ncrypto < SDP_MAX_CRYPTO)
			sdp_crypto_parse(&m->crypto[m->ncrypto++], p + 7,
					 n - 7);
	} else if (n > 6 && memcmp(p, "ptime:", 6) == 0) {
		p += 6;
		if (word_u64(&v, 1000, &p, e))
			return bad(s, EBADMSG, "bad ptime");
		m->ptime = (unsigned)v;
	} else if (n > 9 && memcmp(p, "maxptime:", 9) == 0) {
		p += 9;
		if (word_u64(&v, 1000, &p, e))
			return bad(s, EBADMSG, "bad maxptime");
		m->maxptime = (unsigned)v;
	} else if (n > 7 && memcmp(p, "rtpmap:", 7) == 0) {
		char enc[40];
		p += 7;
		if (word_u64(&v, 127, &p, e) ||
		    copy_word(enc, sizeof(enc), &p, e))
			return bad(s, EBADMSG, "bad rtpmap");
		struct sdp_fmt *f = find_fmt(m, (unsigned)v);
		if (!f)
			return 0; /* rtpmap for a format not offered */
		char *s1 = strchr(enc, '/');
		if (!s1)
			return bad(s, EBADMSG, "bad rtpmap");
		*s1++ = '\0';
		char *s2 = strchr(s1, '/');
		if (s2)
			*s2++ = '\0';
		char *end;
		unsigned long rate = strtoul(s1, &end, 10);
		if (!*s1 || *end || rate == 0 || rate > 1000000 ||
		    strlen(enc) >= sizeof(f->name) || !*enc)
			return bad(s, EBADMSG, "bad rtpmap");
		unsigned long ch = 1;
		if (s2 && (!*s2 || (ch = strtoul(s2, &end, 10)) == 0 || *end ||
			   ch > 255))
			return bad(s, EBADMSG, "bad rtpmap channels");
		memcpy(f->name, enc, strlen(enc) + 1);
		f->rate = (uint32_t)rate;
		f->channels = (uint8_t)ch;
		if (strcasecmp(enc, "telephone-event") == 0)
			m->te_pt = f->pt;
	} else if (n > 5 && memcmp(p, "fmtp:", 5) == 0) {
		p += 5;
		if (word_u64(&v, 127, &p, e))
			return bad(s, EBADMSG, "bad fmtp");
		struct sdp_fmt *f = find_fmt(m, (unsigned)v);
		while (p < e && *p == ' ')
			p++;
		if (f && (size_t)(e - p) < sizeof(f->fmtp)) {
			memcpy(f->fmtp, p, (size_t)(e - p));
			f->fmtp[e - p] = '\0';
		}
	}
	return 0;
}

int sdp_parse(struct sdp_session *s, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	bool seen_v = false, seen_o = false;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (!buf)
		return bad(s, EBADMSG, "no SDP");
	if (len > SDP_MAX_LEN)
		return bad(s, E2BIG, "SDP too long");
	while (p < end && !err) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *le = eol ? eol : end;
		const char *next = eol ? eol + 1 : end;
		if (le > p && le[-1] == '\r')
			le--;
		if (le - p > SDP_MAX_LINE)
			return bad(s, E2BIG, "SDP line too long");
		if (le == p) { /* tolerate a trailing empty line */
			p = next;
			continue;
		}
		if (le - p < 2 || p[1] != '=')
			return bad(s, EBADMSG, "line is not type=value");
		for (const char *c = p; c < le; c++)
			if ((unsigned char)*c < 0x20 && *c != '\t')
				return bad(s, EBADMSG, "control byte in SDP");
		char type = p[0];
		const char *v = p + 2;
		struct sdp_media *m =
			s->nmedia ? &s->media[s->nmedia - 1] : NULL;
		if (!seen_v && type != 'v')
			return bad(s, EBADMSG, "v= is not first");
		switch (type) {
		case 'v':
			if (le - v != 1 || *v != '0' || seen_v)
				return bad(s, EBADMSG, "bad v= line");
			seen_v = true;
			break;
		case 'o': {
			char nt[8], at[8];
			uint64_t id, ver;
			if (copy_word(s->origin_user, sizeof(s->origin_user),
				      &v, le) ||
			    word_u64(&id, UINT64_MAX, &v, le) ||
			    word_u64(&ver, UINT64_MAX, &v, le) ||
			    copy_word(nt, sizeof(nt), &v, le) ||
			    copy_word(at, sizeof(at), &v, le) ||
			    copy_word(s->origin_addr, sizeof(s->origin_addr),
				      &v, le))
				return bad(s, EBADMSG, "bad o= line");
			s->sess_id = id;
			s->sess_version = ver;
			seen_o = true;
			break;
		}
		case 'c':
			if (parse_conn(m ? m->addr : s->addr, v, le))
				return bad(s, EBADMSG, "bad c= line");
			break;
		case 'm':
			err = parse_media(s, v, le);
			break;
		case 'a':
			err = parse_attr(s, m, v, le);
			break;
		default:
			if (type < 'a' || type > 'z')
				return bad(s, EBADMSG, "bad line type");
			break; /* s=, t=, b=, i=... are not needed here */
		}
		p = next;
	}
	if (err)
		return err == E2BIG ? E2BIG : EBADMSG;
	if (!seen_v || !seen_o)
		return bad(s, EBADMSG, "v= or o= missing");
	for (unsigned i = 0; i < s->nmedia; i++) {
		struct sdp_media *m = &s->media[i];
		if (!m->addr[0]) {
			if (!s->addr[0] && m->port)
				return bad(s, EBADMSG,
					   "no c= for an active stream");
			memcpy(m->addr, s->addr, sizeof(m->addr));
		}
		/* RFC 2543 hold: still understood (RFC 3264 8.4) */
		m->hold = strcmp(m->addr, "0.0.0.0") == 0;
	}
	return 0;
}

static enum sdp_dir reverse_dir(enum sdp_dir d)
{
	return d == SDP_DIR_SENDONLY   ? SDP_DIR_RECVONLY
	       : d == SDP_DIR_RECVONLY ? SDP_DIR_SENDONLY
				       : d;
}

void sdp_mb_session(struct sip_mbuf *mb, const char *ip, uint64_t id,
		    uint64_t ver)
{
	const char *af = strchr(ip, ':') ? "IP6" : "IP4";
	sip_mb_printf(mb,
		      "v=0\r\no=pstngw %" PRIu64 " %" PRIu64
		      " IN %s %s\r\ns=pstngw\r\nc=IN %s %s\r\nt=0 0\r\n",
		      id, ver, af, ip, af, ip);
}

/* A stream refused in an answer: port 0, as offered (RFC 3264 6). */
void sdp_mb_rejected(struct sip_mbuf *mb, const struct sdp_media *m)
{
	bool rtp = strncmp(m->proto, "RTP/", 4) == 0;
	sip_mb_printf(mb, "m=%s 0 %s", m->type, m->proto);
	for (unsigned i = 0; i < m->nfmt; i++) {
		if (rtp)
			sip_mb_printf(mb, " %u", m->fmt[i].pt);
		else
			sip_mb_printf(mb, " %s", m->fmt[i].name);
	}
	sip_mb_str(mb, "\r\n");
}

/* Our a=crypto lines: one (with the offer's tag) in an answer, all of
 * them in an offer. */
static void crypto_lines(struct sip_mbuf *mb, const struct sdp_crypto *c,
			 unsigned n)
{
	char line[160];

	for (unsigned i = 0; i < n; i++) {
		if (!c[i].ok) /* a line of ours withdrawn mid-call */
			continue;
		if (sdp_crypto_print(&c[i], line, sizeof(line)))
			mb->err = EINVAL;
		else
			sip_mb_str(mb, line);
	}
}

static void audio_stream(struct sip_mbuf *mb, const struct sdp_local *loc,
			 const struct sdp_codec *const *codecs, unsigned n,
			 int te_pt, bool cn, enum sdp_dir dir, uint16_t port,
			 const char *proto, const struct sdp_crypto *crypto,
			 unsigned ncrypto)
{
	sip_mb_printf(mb, "m=audio %u %s", port, proto);
	for (unsigned i = 0; i < n; i++)
		sip_mb_printf(mb, " %u", codecs[i]->pt);
	if (cn)
		sip_mb_str(mb, " 13");
	if (te_pt >= 0)
		sip_mb_printf(mb, " %d", te_pt);
	sip_mb_str(mb, "\r\n");
	for (unsigned i = 0; i < n; i++) {
		sip_mb_printf(mb, "a=rtpmap:%u %s/%u", codecs[i]->pt,
			      codecs[i]->name, codecs[i]->rate);
		if (codecs[i]->channels > 1)
			sip_mb_printf(mb, "/%u", codecs[i]->channels);
		sip_mb_str(mb, "\r\n");
		if (codecs[i]->fmtp && codecs[i]->fmtp[0])
			sip_mb_printf(mb, "a=fmtp:%u %s\r\n", codecs[i]->pt,
				      codecs[i]->fmtp);
	}
	if (cn)
		sip_mb_str(mb, "a=rtpmap:13 CN/8000\r\n");
	if (te_pt >= 0)
		sip_mb_printf(mb,
			      "a=rtpmap:%d telephone-event/8000\r\n"
			      "a=fmtp:%d 0-15\r\n",
			      te_pt, te_pt);
	if (loc->ptime)
		sip_mb_printf(mb, "a=ptime:%u\r\n", loc->ptime);
	sip_mb_printf(mb, "a=%s\r\n", sdp_dir_name(dir));
	crypto_lines(mb, crypto, ncrypto);
}

int sdp_build_offer(const struct sdp_local *loc, char *buf, size_t size,
		    size_t *lenp)
{
	const struct sdp_codec *list[SDP_MAX_FMT];
	struct sip_mbuf mb;
	if (!loc || !loc->ip || !loc->ncodecs || loc->ncodecs > SDP_MAX_FMT - 1)
		return EINVAL;
	for (unsigned i = 0; i < loc->ncodecs; i++)
		list[i] = &loc->codecs[i];
	sip_mb_init(&mb, buf, size);
	sdp_mb_session(&mb, loc->ip, loc->sess_id, loc->sess_version);
	/* optional: best-effort SDES, crypto lines in an RTP/AVP offer that
	 * a peer without SRTP ignores; required: RTP/SAVP (RFC 4568) */
	bool sdes = loc->srtp != SDP_SRTP_NO && loc->ncrypto;
	if (loc->srtp == SDP_SRTP_REQUIRED && !loc->ncrypto)
		return EINVAL;
	audio_stream(&mb, loc, list, loc->ncodecs, loc->te_pt, loc->cn,
		     loc->dir, loc->port,
		     loc->srtp == SDP_SRTP_REQUIRED ? "RTP/SAVP" : "RTP/AVP",
		     loc->crypto, sdes ? loc->ncrypto : 0);
	if (mb.err)
		return mb.err;
	if (lenp)
		*lenp = mb.len;
	return 0;
}

static bool fmt_is(const struct sdp_fmt *f, const struct sdp_codec *c)
{
	if (f->name[0])
		return strcasecmp(f->name, c->name) == 0 &&
		       (!f->rate || f->rate == c->rate);
	return f->pt == c->pt && c->pt < 96; /* static PT without rtpmap */
}

/* What both directions allow: we hold (loc) and the far end holds. */
static enum sdp_dir both_dirs(enum sdp_dir a, enum sdp_dir b)
{
	static const unsigned bits[SDP_DIR__COUNT] = { [SDP_DIR_SENDRECV] = 3,
						       [SDP_DIR_SENDONLY] = 1,
						       [SDP_DIR_RECVONLY] = 2,
						       [SDP_DIR_INACTIVE] = 0 };
	static const enum sdp_dir dirs[4] = { SDP_DIR_INACTIVE,
					      SDP_DIR_SENDONLY,
					      SDP_DIR_RECVONLY,
					      SDP_DIR_SENDRECV };
	return dirs[bits[a] & bits[b]];
}

static bool usable_audio(const struct sdp_media *m)
{
	/* RTP/SAVP is sorted out by the SRTP rules (crypto_pick) */
	return strcmp(m->type, "audio") == 0 && m->port &&
	       (strcmp(m->proto, "RTP/AVP") == 0 ||
		strcmp(m->proto, "RTP/SAVP") == 0);
}

/*
 * The SRTP rule for stream m: true when it can be used, with *ri the
 * offered (or answered) crypto line taken and *li ours of the same suite
 * (tag too when answer is set: it must answer one of our lines), or *ri
 * -1 for plain RTP.
 */
static bool crypto_pick(const struct sdp_media *m, const struct sdp_local *loc,
			bool answer, int *ri, unsigned *li)
{
	bool savp = strcmp(m->proto, "RTP/SAVP") == 0;

	*ri = -1;
	if (loc->srtp == SDP_SRTP_NO)
		return !savp;
	for (unsigned i = 0; i < m->ncrypto; i++) {
		const struct sdp_crypto *c = &m->crypto[i];

		if (!c->ok)
			continue;
		for (unsigned k = 0; k < loc->ncrypto; k++)
			if (loc->crypto[k].ok &&
			    !strcmp(c->suite, loc->crypto[k].suite) &&
			    (!answer || c->tag == loc->crypto[k].tag)) {
				*ri = (int)i;
				*li = k;
				return true;
			}
	}
	return !savp && loc->srtp == SDP_SRTP_OPTIONAL;
}

static void fill_crypto(struct sdp_result *r, const struct sdp_media *m, int ri,
			unsigned li)
{
	r->srtp = ri >= 0;
	if (r->srtp) {
		r->crypto_rx = m->crypto[ri];
		r->crypto_local = li;
	}
}

static struct sdp_media *first_audio(const struct sdp_session *s)
{
	for (unsigned i = 0; i < s->nmedia; i++)
		if (usable_audio(&s->media[i]))
			return (struct sdp_media *)&s->media[i];
	return NULL;
}

/* The direction the far end means: c=0.0.0.0 is "send me nothing". */
static enum sdp_dir remote_dir(const struct sdp_media *m)
{
	if (!m->hold)
		return m->dir;
	return m->dir == SDP_DIR_SENDRECV   ? SDP_DIR_SENDONLY
	       : m->dir == SDP_DIR_RECVONLY ? SDP_DIR_INACTIVE
					    : m->dir;
}

/* RFC 3389: CN/8000, or static PT 13 without an rtpmap. */
static bool has_cn(const struct sdp_media *m)
{
	for (unsigned i = 0; i < m->nfmt; i++) {
		const struct sdp_fmt *f = &m->fmt[i];
		if (f->name[0] ? !strcasecmp(f->name, "CN") &&
					 (!f->rate || f->rate == 8000)
			       : f->pt == 13)
			return true;
	}
	return false;
}

static void fill_result(struct sdp_result *res, const struct sdp_media *m,
			const struct sdp_fmt *f)
{
	memset(res, 0, sizeof(*res));
	res->pt = f->pt;
	snprintf(res->name, sizeof(res->name), "%s", f->name);
	res->rate = f->rate ? f->rate : 8000;
	snprintf(res->addr, sizeof(res->addr), "%s", m->addr);
	res->port = m->port;
	res->ptime = m->ptime;
	res->maxptime = m->maxptime;
	res->te_pt = m->te_pt;
	res->dir = remote_dir(m);
	res->hold =
		res->dir == SDP_DIR_SENDONLY || res->dir == SDP_DIR_INACTIVE;
	snprintf(res->fmtp, sizeof(res->fmtp), "%s", f->fmtp);
	res->cn = has_cn(m);
}

/* The first local codec (in our order) that stream m offers. */
static const struct sdp_fmt *pick(const struct sdp_media *m,
				  const struct sdp_local *loc, unsigned *ci)
{
	for (unsigned c = 0; c < loc->ncodecs; c++)
		for (unsigned i = 0; i < m->nfmt; i++)
			if (fmt_is(&m->fmt[i], &loc->codecs[c])) {
				*ci = c;
				return &m->fmt[i];
			}
	return NULL;
}

int sdp_answer(const struct sdp_session *offer, const struct sdp_local *loc,
	       struct sdp_result *res, char *buf, size_t size, size_t *lenp)
{
	const struct sdp_media *chosen = NULL;
	const struct sdp_fmt *f = NULL;
	unsigned ci = 0, li = 0;
	int ri = -1;
	if (!offer || !loc || !res || !loc->ip)
		return EINVAL;
	for (unsigned i = 0; i < offer->nmedia && !chosen; i++)
		if (usable_audio(&offer->media[i]) &&
		    crypto_pick(&offer->media[i], loc, false, &ri, &li) &&
		    (f = pick(&offer->media[i], loc, &ci)))
			chosen = &offer->media[i];
	if (!chosen)
		return ENOTSUP;
	/* answer with the offerer's PT (RFC 3264 6.1) */
	struct sdp_codec use = { f->pt, loc->codecs[ci].name,
				 loc->codecs[ci].rate, loc->codecs[ci].channels,
				 loc->codecs[ci].fmtp };
	const struct sdp_codec *list[1] = { &use };
	int te = loc->te_pt >= 0 ? chosen->te_pt : -1;
	struct sdp_result r;
	struct sip_mbuf mb;
	fill_result(&r, chosen, f);
	fill_crypto(&r, chosen, ri, li);
	/* ours of the suite picked, with the offer's tag (RFC 4568 7.1.2) */
	struct sdp_crypto ours = { 0 };
	if (r.srtp) {
		ours = loc->crypto[li];
		ours.tag = r.crypto_rx.tag;
	}
	r.te_pt = te;
	r.cn = r.cn && loc->cn;
	sip_mb_init(&mb, buf, size);
	sdp_mb_session(&mb, loc->ip, loc->sess_id, loc->sess_version);
	/* every offered stream, in order; only the chosen one accepted */
	for (unsigned i = 0; i < offer->nmedia; i++) {
		const struct sdp_media *m = &offer->media[i];
		if (m == chosen)
			audio_stream(&mb, loc, list, 1, te, r.cn,
				     both_dirs(reverse_dir(r.dir), loc->dir),
				     loc->port, m->proto, &ours,
				     r.srtp ? 1 : 0);
		else
			sdp_mb_rejected(&mb, m);
	}
	if (mb.err)
		return mb.err;
	if (lenp)
		*lenp = mb.len;
	*res = r;
	return 0;
}

int sdp_accept_answer(const struct sdp_session *answer,
		      const struct sdp_local *loc, struct sdp_result *res)
{
	if (!answer || !loc || !res)
		return EINVAL;
	const struct sdp_media *m = first_audio(answer);
	unsigned li = 0;
	int ri = -1;
	if (!m)
		return ENOTSUP;
	/* an answer without crypto to our best-effort offer is plain RTP;
	 * required wants one answering a line of ours. Crypto lines that
	 * answer none of ours (tag and suite) are an error, not a plain
	 * RTP answer (RFC 4568 7.1.3, 7.5): the answerer meant SRTP with
	 * keys we did not offer, and neither side could read the other. */
	bool ours = crypto_pick(m, loc, true, &ri, &li);
	if (ri < 0 && m->ncrypto && loc->srtp != SDP_SRTP_NO && loc->ncrypto)
		return EPROTO;
	if (!ours || (ri < 0 && loc->srtp == SDP_SRTP_REQUIRED))
		return ENOTSUP;
	/* the answerer's order wins: its first format that we offered */
	for (unsigned i = 0; i < m->nfmt; i++)
		for (unsigned c = 0; c < loc->ncodecs; c++)
			if (fmt_is(&m->fmt[i], &loc->codecs[c])) {
				fill_result(res, m, &m->fmt[i]);
				fill_crypto(res, m, ri, li);
				if (loc->te_pt < 0)
					res->te_pt = -1;
				res->cn = res->cn && loc->cn;
				return 0;
			}
	return ENOTSUP;
}
