/* Transport addresses and strict source latching. Symmetric RTP (RFC 4961)
 * learns where to send from where packets come from; doing that for any
 * source lets whoever sends first steal the call's audio ("RTP Bleed").
 * Here only the negotiated IP address may ever be latched, a port move is
 * allowed once before anything came from the current peer, and later only
 * for a new SSRC after the current source fell silent. */
#include <stdio.h>
#include <string.h>

#include "media/priv.h"

static size_t ip_len(const struct media_addr *a)
{
	return a->family == 6 ? 16 : 4;
}

bool media_addr_ip_eq(const struct media_addr *a, const struct media_addr *b)
{
	return a && b && a->family && a->family == b->family &&
	       !memcmp(a->ip, b->ip, ip_len(a));
}

bool media_addr_eq(const struct media_addr *a, const struct media_addr *b)
{
	return media_addr_ip_eq(a, b) && a->port == b->port;
}

const char *media_addr_str(const struct media_addr *a, char *buf, size_t size)
{
	const uint8_t *p = a ? a->ip : NULL;

	if (!a || !a->family) {
		snprintf(buf, size, "none");
	} else if (a->family == 4) {
		snprintf(buf, size, "%u.%u.%u.%u:%u", p[0], p[1], p[2], p[3],
			 a->port);
	} else {
		size_t n = (size_t)snprintf(buf, size, "[");

		for (int i = 0; i < 16 && n < size; i += 2)
			n += (size_t)snprintf(buf + n, size - n, "%s%x",
					      i ? ":" : "",
					      (unsigned)(p[i] << 8 | p[i + 1]));
		if (n < size)
			snprintf(buf + n, size - n, "]:%u", a->port);
	}
	return buf;
}

void media_latch_init(struct media_latch *l, const struct media_addr *neg,
		      uint64_t silence_us)
{
	memset(l, 0, sizeof(*l));
	if (neg) {
		l->neg = *neg;
		l->cur = *neg;
	}
	l->silence_us = silence_us;
}

enum media_latch_verdict media_latch_judge(const struct media_latch *l,
					   const struct media_addr *src,
					   uint32_t ssrc, bool have_clock,
					   uint64_t now_us)
{
	if (!src || !l->neg.family || !media_addr_ip_eq(src, &l->neg))
		return MEDIA_LATCH_FOREIGN;
	if (media_addr_eq(src, &l->cur))
		return MEDIA_LATCH_OK;
	if (!l->latched)
		return MEDIA_LATCH_MOVE;
	if (have_clock && ssrc != l->ssrc &&
	    now_us - l->last_us >= l->silence_us)
		return MEDIA_LATCH_MOVE;
	return MEDIA_LATCH_FOREIGN;
}

bool media_latch_accept(struct media_latch *l, const struct media_addr *src,
			uint32_t ssrc, uint64_t now_us)
{
	bool moved = !media_addr_eq(src, &l->cur);

	l->cur = *src;
	l->latched = true;
	l->ssrc = ssrc;
	l->last_us = now_us;
	return moved;
}
