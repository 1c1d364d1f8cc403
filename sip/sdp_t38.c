/*
 * sdp_t38.c: T.38 fax streams in SDP (m=image <port> udptl t38, ITU-T
 * T.38 Annex D attributes) and their offer/answer: what the answer may
 * claim follows from the offer and from what we support.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

static const char *const rate_names[SDP_T38_RATE__COUNT] = {
	[SDP_T38_TRANSFERRED_TCF] = "transferredTCF",
	[SDP_T38_LOCAL_TCF] = "localTCF",
};

static const char *const ec_names[SDP_T38_EC__COUNT] = {
	[SDP_T38_EC_NONE] = "none",
	[SDP_T38_EC_REDUNDANCY] = "t38UDPRedundancy",
	[SDP_T38_EC_FEC] = "t38UDPFEC",
};

const char *sdp_t38_rate_name(enum sdp_t38_rate r)
{
	return (unsigned)r < SDP_T38_RATE__COUNT ? rate_names[r] : "?";
}

const char *sdp_t38_ec_name(enum sdp_t38_ec ec)
{
	return (unsigned)ec < SDP_T38_EC__COUNT ? ec_names[ec] : "?";
}

/* A decimal value up to max, the whole of [p, e). */
static int num(const char *p, const char *e, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;
	if (p == e)
		return EBADMSG;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return EBADMSG;
		n = n * 10 + (uint64_t)(*p - '0');
		if (n > max)
			return EBADMSG;
	}
	*v = (uint32_t)n;
	return 0;
}

static bool is(const char *p, const char *e, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(e - p) == n && strncasecmp(p, s, n) == 0;
}

/* A flag: present alone, or ":1"/":0" as some implementations write it. */
static int flag(const char *v, const char *e, bool *out)
{
	if (!v) {
		*out = true;
		return 0;
	}
	uint32_t n;
	if (num(v, e, 1, &n))
		return EBADMSG;
	*out = n == 1;
	return 0;
}

int sdp_t38_attr(struct sdp_t38 *t, const char *p, const char *e)
{
	const char *colon = memchr(p, ':', (size_t)(e - p));
	const char *ne = colon ? colon : e;
	const char *v = colon ? colon + 1 : NULL;
	uint32_t n;

	if (is(p, ne, "T38FaxVersion")) {
		if (!v || num(v, e, 3, &n))
			return EBADMSG;
		t->version = n;
	} else if (is(p, ne, "T38MaxBitRate")) {
		if (!v || num(v, e, 33600 * 4, &n))
			return EBADMSG;
		t->max_bitrate = n;
	} else if (is(p, ne, "T38FaxRateManagement")) {
		if (v && is(v, e, "transferredTCF"))
			t->rate_mgmt = SDP_T38_TRANSFERRED_TCF;
		else if (v && is(v, e, "localTCF"))
			t->rate_mgmt = SDP_T38_LOCAL_TCF;
		else
			return EBADMSG;
	} else if (is(p, ne, "T38FaxMaxBuffer")) {
		if (!v || num(v, e, 1 << 20, &n))
			return EBADMSG;
		t->max_buffer = n;
	} else if (is(p, ne, "T38FaxMaxDatagram")) {
		if (!v || num(v, e, 65535, &n))
			return EBADMSG;
		t->max_datagram = n;
	} else if (is(p, ne, "T38FaxUdpEC")) {
		if (v && is(v, e, "t38UDPRedundancy"))
			t->udp_ec = SDP_T38_EC_REDUNDANCY;
		else if (v && is(v, e, "t38UDPFEC"))
			t->udp_ec = SDP_T38_EC_FEC;
		else if (v && is(v, e, "t38UDPNoEC"))
			t->udp_ec = SDP_T38_EC_NONE;
		else
			return EBADMSG;
	} else if (is(p, ne, "T38FaxFillBitRemoval")) {
		return flag(v, e, &t->fill_bit_removal);
	} else if (is(p, ne, "T38FaxTranscodingMMR")) {
		return flag(v, e, &t->transcoding_mmr);
	} else if (is(p, ne, "T38FaxTranscodingJBIG")) {
		return flag(v, e, &t->transcoding_jbig);
	}
	/* other T38 attributes (T38VendorInfo, ...) are ignored */
	return 0;
}

const struct sdp_media *sdp_t38_stream(const struct sdp_session *s)
{
	for (unsigned i = 0; s && i < s->nmedia; i++)
		if (s->media[i].is_t38 && s->media[i].port)
			return &s->media[i];
	return NULL;
}

static void t38_stream(struct sip_mbuf *mb, uint16_t port,
		       const struct sdp_t38 *t)
{
	sip_mb_printf(mb,
		      "m=image %u udptl t38\r\n"
		      "a=T38FaxVersion:%u\r\n",
		      port, t->version);
	if (t->max_bitrate)
		sip_mb_printf(mb, "a=T38MaxBitRate:%" PRIu32 "\r\n",
			      t->max_bitrate);
	sip_mb_printf(mb, "a=T38FaxRateManagement:%s\r\n",
		      sdp_t38_rate_name(t->rate_mgmt));
	if (t->max_buffer)
		sip_mb_printf(mb, "a=T38FaxMaxBuffer:%" PRIu32 "\r\n",
			      t->max_buffer);
	if (t->max_datagram)
		sip_mb_printf(mb, "a=T38FaxMaxDatagram:%" PRIu32 "\r\n",
			      t->max_datagram);
	if (t->udp_ec != SDP_T38_EC_NONE)
		sip_mb_printf(mb, "a=T38FaxUdpEC:%s\r\n",
			      sdp_t38_ec_name(t->udp_ec));
	if (t->fill_bit_removal)
		sip_mb_str(mb, "a=T38FaxFillBitRemoval\r\n");
	if (t->transcoding_mmr)
		sip_mb_str(mb, "a=T38FaxTranscodingMMR\r\n");
	if (t->transcoding_jbig)
		sip_mb_str(mb, "a=T38FaxTranscodingJBIG\r\n");
}

static bool valid_local(const struct sdp_t38_local *loc)
{
	return loc && loc->ip && loc->caps.version <= 3 &&
	       (unsigned)loc->caps.rate_mgmt < SDP_T38_RATE__COUNT &&
	       (unsigned)loc->caps.udp_ec < SDP_T38_EC__COUNT;
}

int sdp_t38_build_offer(const struct sdp_t38_local *loc, char *buf, size_t size,
			size_t *lenp)
{
	struct sip_mbuf mb;
	if (!valid_local(loc) || !buf)
		return EINVAL;
	sip_mb_init(&mb, buf, size);
	sdp_mb_session(&mb, loc->ip, loc->sess_id, loc->sess_version);
	t38_stream(&mb, loc->port, &loc->caps);
	if (mb.err)
		return mb.err;
	if (lenp)
		*lenp = mb.len;
	return 0;
}

static uint32_t min_set(uint32_t a, uint32_t b)
{
	if (!a || !b)
		return a ? a : b;
	return a < b ? a : b;
}

/* What an answer may use given the offer (o) and our support (us). */
static struct sdp_t38 negotiate(const struct sdp_t38 *o,
				const struct sdp_t38 *us)
{
	struct sdp_t38 t;
	memset(&t, 0, sizeof(t));
	t.version = o->version < us->version ? o->version : us->version;
	t.max_bitrate = min_set(o->max_bitrate, us->max_bitrate);
	/* the answer repeats the offer's rate management (T.38 D.2.3) */
	t.rate_mgmt = o->rate_mgmt;
	/* our own receive limits: declarative, not negotiated */
	t.max_buffer = us->max_buffer;
	t.max_datagram = us->max_datagram;
	/* at most what was offered, and what we can do */
	if (o->udp_ec == SDP_T38_EC_FEC && us->udp_ec == SDP_T38_EC_FEC)
		t.udp_ec = SDP_T38_EC_FEC;
	else if (o->udp_ec != SDP_T38_EC_NONE && us->udp_ec != SDP_T38_EC_NONE)
		t.udp_ec = SDP_T38_EC_REDUNDANCY;
	t.fill_bit_removal = o->fill_bit_removal && us->fill_bit_removal;
	t.transcoding_mmr = o->transcoding_mmr && us->transcoding_mmr;
	t.transcoding_jbig = o->transcoding_jbig && us->transcoding_jbig;
	return t;
}

static void fill(struct sdp_t38_result *res, const struct sdp_media *m,
		 const struct sdp_t38 *t)
{
	memset(res, 0, sizeof(*res));
	snprintf(res->addr, sizeof(res->addr), "%s", m->addr);
	res->port = m->port;
	res->t38 = *t;
	res->remote_max_buffer = m->t38.max_buffer;
	res->remote_max_datagram = m->t38.max_datagram;
}

int sdp_t38_answer(const struct sdp_session *offer,
		   const struct sdp_t38_local *loc, struct sdp_t38_result *res,
		   char *buf, size_t size, size_t *lenp)
{
	struct sip_mbuf mb;
	if (!offer || !valid_local(loc) || !res || !buf)
		return EINVAL;
	const struct sdp_media *chosen = sdp_t38_stream(offer);
	if (!chosen)
		return ENOTSUP;
	struct sdp_t38 t = negotiate(&chosen->t38, &loc->caps);
	sip_mb_init(&mb, buf, size);
	sdp_mb_session(&mb, loc->ip, loc->sess_id, loc->sess_version);
	for (unsigned i = 0; i < offer->nmedia; i++) {
		const struct sdp_media *m = &offer->media[i];
		if (m == chosen)
			t38_stream(&mb, loc->port, &t);
		else
			sdp_mb_rejected(&mb, m);
	}
	if (mb.err)
		return mb.err;
	if (lenp)
		*lenp = mb.len;
	fill(res, chosen, &t);
	return 0;
}

int sdp_t38_accept_answer(const struct sdp_session *answer,
			  const struct sdp_t38_local *loc,
			  struct sdp_t38_result *res)
{
	if (!answer || !valid_local(loc) || !res)
		return EINVAL;
	const struct sdp_media *m = sdp_t38_stream(answer);
	if (!m)
		return ENOTSUP;
	const struct sdp_t38 *a = &m->t38, *us = &loc->caps;
	/* an answer may lower what we offered, never raise it */
	if (a->version > us->version ||
	    (a->max_bitrate && us->max_bitrate &&
	     a->max_bitrate > us->max_bitrate) ||
	    a->rate_mgmt != us->rate_mgmt ||
	    (a->udp_ec == SDP_T38_EC_FEC && us->udp_ec != SDP_T38_EC_FEC) ||
	    (a->udp_ec != SDP_T38_EC_NONE && us->udp_ec == SDP_T38_EC_NONE) ||
	    (a->fill_bit_removal && !us->fill_bit_removal) ||
	    (a->transcoding_mmr && !us->transcoding_mmr) ||
	    (a->transcoding_jbig && !us->transcoding_jbig))
		return EPROTO;
	struct sdp_t38 t = *a;
	t.max_buffer = us->max_buffer;
	t.max_datagram = us->max_datagram;
	fill(res, m, &t);
	return 0;
}
