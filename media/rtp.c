/* RTP (RFC 3550): fixed header parse and build, sender sequence state and
 * receive statistics with extended sequence numbers. */
#include <errno.h>
#include <string.h>

#include "media/priv.h"

int rtp_hdr_parse(struct rtp_hdr *h, const void *pkt, size_t len)
{
	const uint8_t *p = pkt;
	size_t off, end = len, pad = 0;
	unsigned cc, i;
	bool ext;
	uint16_t profile = 0;

	if (!h || !p || len < RTP_HDR_LEN)
		return EINVAL;
	if (p[0] >> 6 != RTP_VERSION)
		return EPROTO;
	cc = p[0] & 0x0f;
	ext = p[0] & 0x10;
	off = RTP_HDR_LEN + 4 * (size_t)cc;
	if (off > len)
		return EPROTO;
	if (ext) {
		size_t xlen;

		if (off + 4 > len)
			return EPROTO;
		profile = get16(p + off);
		xlen = 4 + 4 * (size_t)get16(p + off + 2);
		if (off + xlen > len)
			return EPROTO;
		off += xlen;
	}
	if (p[0] & 0x20) {
		/* The last octet counts itself; 0 is not a valid count. */
		pad = p[len - 1];
		if (pad == 0 || pad > len - off)
			return EPROTO;
		end = len - pad;
	}

	h->marker = p[1] & 0x80;
	h->pt = p[1] & 0x7f;
	h->seq = get16(p + 2);
	h->ts = get32(p + 4);
	h->ssrc = get32(p + 8);
	h->cc = (uint8_t)cc;
	for (i = 0; i < cc; i++)
		h->csrc[i] = get32(p + RTP_HDR_LEN + 4 * i);
	h->ext = ext;
	h->ext_profile = profile;
	h->payload = p + off;
	h->payload_len = end - off;
	h->pad_len = pad;
	return 0;
}

int rtp_build(const struct rtp_hdr *h, const void *payload, size_t plen,
	      uint8_t *buf, size_t size, size_t *outlen)
{
	size_t hlen;
	unsigned i;

	if (!h || !buf || h->pt > 127 || h->cc > RTP_MAX_CSRC ||
	    (plen && !payload))
		return EINVAL;
	hlen = RTP_HDR_LEN + 4 * (size_t)h->cc;
	if (size < hlen || size - hlen < plen)
		return ENOSPC;
	buf[0] = (uint8_t)(RTP_VERSION << 6 | h->cc);
	buf[1] = (uint8_t)((h->marker ? 0x80 : 0) | h->pt);
	put16(buf + 2, h->seq);
	put32(buf + 4, h->ts);
	put32(buf + 8, h->ssrc);
	for (i = 0; i < h->cc; i++)
		put32(buf + RTP_HDR_LEN + 4 * i, h->csrc[i]);
	if (plen)
		memcpy(buf + hlen, payload, plen);
	if (outlen)
		*outlen = hlen + plen;
	return 0;
}

void rtp_tx_init(struct rtp_tx *t, uint8_t pt, uint32_t ssrc, uint16_t seq,
		 uint32_t ts)
{
	memset(t, 0, sizeof(*t));
	t->pt = pt;
	t->ssrc = ssrc;
	t->seq = seq;
	t->ts = ts;
	t->marker = true; /* the first packet starts a talkspurt */
}

int rtp_tx_packet(struct rtp_tx *t, const void *payload, size_t plen,
		  uint32_t samples, uint8_t *buf, size_t size, size_t *outlen)
{
	struct rtp_hdr h = {
		.marker = t->marker,
		.pt = t->pt,
		.seq = t->seq,
		.ts = t->ts,
		.ssrc = t->ssrc,
	};
	size_t len;
	int err;

	err = rtp_build(&h, payload, plen, buf, size, &len);
	if (err)
		return err;
	t->marker = false;
	t->seq++;
	t->ts += samples;
	t->packets++;
	t->bytes += len;
	if (outlen)
		*outlen = len;
	return 0;
}

static const char *const verdict_names[] = {
	[RTP_RX_OK] = "ok",
	[RTP_RX_REORDER] = "reorder",
	[RTP_RX_DUP] = "dup",
	[RTP_RX_JUMP] = "jump",
	[RTP_RX_NEWSSRC] = "new-ssrc",
};

const char *rtp_rx_verdict_name(enum rtp_rx_verdict v)
{
	if ((unsigned)v >= sizeof(verdict_names) / sizeof(verdict_names[0]))
		return "?";
	return verdict_names[v];
}

void rtp_rx_init(struct rtp_rx *r)
{
	memset(r, 0, sizeof(*r));
	r->bad_seq = 0x10000;
}

static uint64_t expected(const struct rtp_rx *r)
{
	return r->have ? (uint64_t)(r->max - r->base) + 1 : 0;
}

static uint64_t lost_now(const struct rtp_rx *r)
{
	uint64_t exp = expected(r);

	return exp > r->received ? exp - r->received : 0;
}

/* Starts counting afresh at seq; loss so far is kept. */
static void rx_restart(struct rtp_rx *r, uint32_t ssrc, uint16_t seq)
{
	r->lost_prior += lost_now(r);
	r->have = true;
	r->ssrc = ssrc;
	/* Keep the cycle count out of 0 so base never goes below zero when
	 * an older packet arrives just after the start. */
	r->max = r->base = 0x10000u | seq;
	r->bad_seq = 0x10000;
	r->win[0] = 1;
	r->win[1] = 0;
	r->received = 1;
}

static void win_shift(struct rtp_rx *r, uint32_t n)
{
	if (n >= 128) {
		r->win[0] = r->win[1] = 0;
	} else if (n >= 64) {
		r->win[1] = r->win[0] << (n - 64);
		r->win[0] = 0;
	} else if (n) {
		r->win[1] = r->win[1] << n | r->win[0] >> (64 - n);
		r->win[0] <<= n;
	}
}

/* Tests and sets the "seen" bit of max - back. */
static bool win_test_set(struct rtp_rx *r, uint32_t back)
{
	uint64_t *w = &r->win[back / 64];
	uint64_t bit = (uint64_t)1 << (back % 64);
	bool seen = *w & bit;

	*w |= bit;
	return seen;
}

enum rtp_rx_verdict rtp_rx_update(struct rtp_rx *r, const struct rtp_hdr *h,
				  size_t len)
{
	int16_t delta;
	uint32_t back;

	r->packets++;
	r->bytes += len;
	if (!r->have || h->ssrc != r->ssrc) {
		rx_restart(r, h->ssrc, h->seq);
		return RTP_RX_NEWSSRC;
	}
	delta = (int16_t)(h->seq - (uint16_t)r->max);
	if (delta > 0 && delta < RTP_MAX_DROPOUT) {
		win_shift(r, (uint32_t)delta);
		r->win[0] |= 1;
		r->max += (uint32_t)delta;
		r->received++;
		r->bad_seq = 0x10000;
		return RTP_RX_OK;
	}
	if (delta == 0) {
		r->dups++;
		return RTP_RX_DUP;
	}
	if (delta < 0 && -delta <= RTP_MAX_MISORDER) {
		back = (uint32_t)-delta;
		if (win_test_set(r, back)) {
			r->dups++;
			return RTP_RX_DUP;
		}
		if (r->max - back < r->base)
			r->base = r->max - back;
		r->received++;
		r->reorder++;
		return RTP_RX_REORDER;
	}
	/* A big jump: the sender restarted or the packet is garbage. Believe
	 * it once the next packet follows it (RFC 3550 A.1). */
	if (h->seq == r->bad_seq) {
		rx_restart(r, h->ssrc, h->seq);
		return RTP_RX_OK;
	}
	r->bad_seq = (uint16_t)(h->seq + 1);
	r->jumps++;
	return RTP_RX_JUMP;
}

void rtp_rx_bad(struct rtp_rx *r)
{
	r->bad++;
}

uint64_t rtp_rx_lost(const struct rtp_rx *r)
{
	return r->lost_prior + lost_now(r);
}

uint64_t rtp_rx_expected(const struct rtp_rx *r)
{
	return expected(r);
}
