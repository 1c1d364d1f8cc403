/* RTCP (RFC 3550 section 6): compound packet parse and build (SR, RR,
 * SDES CNAME, BYE), receiver statistics for report blocks (fraction and
 * cumulative loss, appendix A.3; interarrival jitter, A.8), LSR/DLSR and
 * round-trip time, and the transmission interval (A.7). No clock of its
 * own: every time comes in as an argument. */
#include <errno.h>
#include <string.h>

#include "media/priv.h"

#define NTP_UNIX_OFFSET 2208988800ull /* 1900-01-01 to 1970-01-01, s */
#define RTCP_HDR 4
#define RB_LEN 24
#define SI_LEN 20
#define SDES_END 0
#define SDES_CNAME 1

/* ---- parse ---- */

static void get_rb(const uint8_t *p, struct rtcp_rb *rb)
{
	uint32_t lost = get32(p + 4) & 0xffffff;

	rb->ssrc = get32(p);
	rb->fraction = p[4];
	/* 24-bit two's complement */
	rb->lost = (int32_t)(lost & 0x800000 ? lost | 0xff000000u : lost);
	rb->ext_max = get32(p + 8);
	rb->jitter = get32(p + 12);
	rb->lsr = get32(p + 16);
	rb->dlsr = get32(p + 20);
}

static int parse_report(struct rtcp_info *info, const uint8_t *p, size_t len,
			bool sr, bool first)
{
	unsigned rc = p[0] & 0x1f, i;
	size_t need = RTCP_HDR + 4 + (sr ? SI_LEN : 0) + (size_t)rc * RB_LEN;
	const uint8_t *rb;
	uint32_t ssrc;

	if (len < need)
		return EPROTO;
	ssrc = get32(p + 4);
	if (!first && ssrc != info->ssrc)
		return 0; /* another sender's report: not ours to read */
	info->ssrc = ssrc;
	rb = p + RTCP_HDR + 4;
	if (sr) {
		info->sr = true;
		info->si.ntp = (uint64_t)get32(rb) << 32 | get32(rb + 4);
		info->si.rtp_ts = get32(rb + 8);
		info->si.packets = get32(rb + 12);
		info->si.octets = get32(rb + 16);
		rb += SI_LEN;
	}
	for (i = 0; i < rc && info->nrb < RTCP_MAX_RB; i++)
		get_rb(rb + (size_t)i * RB_LEN, &info->rb[info->nrb++]);
	return 0;
}

/* Chunks of SSRC and items; keeps the report sender's CNAME. */
static int parse_sdes(struct rtcp_info *info, const uint8_t *p, size_t len)
{
	unsigned sc = p[0] & 0x1f, i;
	size_t off = RTCP_HDR;

	for (i = 0; i < sc; i++) {
		uint32_t ssrc;

		if (off + 4 > len)
			return EPROTO;
		ssrc = get32(p + off);
		off += 4;
		for (;;) {
			uint8_t type, ilen;

			if (off >= len)
				return EPROTO;
			type = p[off];
			if (type == SDES_END) {
				/* the end item, then padding to 32 bits */
				off = (off + 4) & ~(size_t)3;
				break;
			}
			if (off + 2 > len)
				return EPROTO;
			ilen = p[off + 1];
			if (off + 2 + ilen > len)
				return EPROTO;
			if (type == SDES_CNAME && ssrc == info->ssrc) {
				memcpy(info->cname, p + off + 2, ilen);
				info->cname[ilen] = '\0';
			}
			off += 2 + (size_t)ilen;
		}
		if (off > len)
			return EPROTO;
	}
	return 0;
}

int rtcp_parse(struct rtcp_info *info, const void *pkt, size_t len)
{
	const uint8_t *p = pkt;
	size_t off = 0;
	bool first = true;
	int err;

	if (!info || !p || len < RTCP_HDR + 4)
		return EINVAL;
	memset(info, 0, sizeof(*info));
	/* Appendix A.2: the first packet is an SR or RR without padding. */
	if ((p[0] & 0xe0) != RTP_VERSION << 6 ||
	    (p[1] != RTCP_SR && p[1] != RTCP_RR))
		return EPROTO;
	while (off < len) {
		const uint8_t *q = p + off;
		size_t plen;

		if (len - off < RTCP_HDR || q[0] >> 6 != RTP_VERSION)
			return EPROTO;
		plen = 4 * ((size_t)get16(q + 2) + 1);
		if (plen > len - off)
			return EPROTO;
		if (q[0] & 0x20) {
			/* padding only in the last packet of the compound */
			if (off + plen != len || !q[plen - 1] ||
			    q[plen - 1] > plen - RTCP_HDR)
				return EPROTO;
			plen -= q[plen - 1];
		}
		switch (q[1]) {
		case RTCP_SR:
		case RTCP_RR:
			err = parse_report(info, q, plen, q[1] == RTCP_SR,
					   first);
			break;
		case RTCP_SDES:
			err = parse_sdes(info, q, plen);
			break;
		case RTCP_BYE:
			info->bye = true;
			err = 0;
			break;
		default:
			err = 0; /* APP and later types: skipped */
			break;
		}
		if (err)
			return err;
		first = false;
		off += 4 * ((size_t)get16(q + 2) + 1);
	}
	return 0;
}

/* ---- build ---- */

static void put_hdr(uint8_t *p, unsigned count, uint8_t pt, size_t len)
{
	p[0] = (uint8_t)(RTP_VERSION << 6 | count);
	p[1] = pt;
	put16(p + 2, (uint16_t)(len / 4 - 1));
}

static void put_rb(uint8_t *p, const struct rtcp_rb *rb)
{
	int32_t lost = rb->lost;

	/* clamp to what 24 signed bits hold */
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	put32(p, rb->ssrc);
	put32(p + 4,
	      (uint32_t)rb->fraction << 24 | ((uint32_t)lost & 0xffffff));
	put32(p + 8, rb->ext_max);
	put32(p + 12, rb->jitter);
	put32(p + 16, rb->lsr);
	put32(p + 20, rb->dlsr);
}

int rtcp_put_report(uint8_t *buf, size_t size, size_t *off, uint32_t ssrc,
		    const struct rtcp_sender_info *si, const struct rtcp_rb *rb,
		    unsigned nrb)
{
	size_t len = RTCP_HDR + 4 + (si ? SI_LEN : 0) + (size_t)nrb * RB_LEN;
	uint8_t *p;
	unsigned i;

	if (!buf || !off || nrb > RTCP_MAX_RB || (nrb && !rb))
		return EINVAL;
	if (*off > size || size - *off < len)
		return ENOSPC;
	p = buf + *off;
	put_hdr(p, nrb, si ? RTCP_SR : RTCP_RR, len);
	put32(p + 4, ssrc);
	p += 8;
	if (si) {
		put32(p, (uint32_t)(si->ntp >> 32));
		put32(p + 4, (uint32_t)si->ntp);
		put32(p + 8, si->rtp_ts);
		put32(p + 12, si->packets);
		put32(p + 16, si->octets);
		p += SI_LEN;
	}
	for (i = 0; i < nrb; i++)
		put_rb(p + (size_t)i * RB_LEN, &rb[i]);
	*off += len;
	return 0;
}

int rtcp_put_cname(uint8_t *buf, size_t size, size_t *off, uint32_t ssrc,
		   const char *cname)
{
	size_t clen, len;
	uint8_t *p;

	if (!buf || !off || !cname)
		return EINVAL;
	clen = strlen(cname);
	if (clen > RTCP_CNAME_MAX)
		return EINVAL;
	/* header, SSRC, item type and length, text, at least one end
	 * octet, padded to 32 bits */
	len = (RTCP_HDR + 4 + 2 + clen + 1 + 3) & ~(size_t)3;
	if (*off > size || size - *off < len)
		return ENOSPC;
	p = buf + *off;
	memset(p, 0, len);
	put_hdr(p, 1, RTCP_SDES, len);
	put32(p + 4, ssrc);
	p[8] = SDES_CNAME;
	p[9] = (uint8_t)clen;
	memcpy(p + 10, cname, clen);
	*off += len;
	return 0;
}

int rtcp_put_bye(uint8_t *buf, size_t size, size_t *off, uint32_t ssrc)
{
	if (!buf || !off)
		return EINVAL;
	if (*off > size || size - *off < 8)
		return ENOSPC;
	put_hdr(buf + *off, 1, RTCP_BYE, 8);
	put32(buf + *off + 4, ssrc);
	*off += 8;
	return 0;
}

/* ---- time ---- */

uint64_t rtcp_ntp_from_us(uint64_t unix_us)
{
	uint64_t sec = unix_us / 1000000 + NTP_UNIX_OFFSET;
	uint64_t frac = ((unix_us % 1000000) << 32) / 1000000;

	return sec << 32 | frac;
}

uint32_t rtcp_ntp_mid(uint64_t ntp)
{
	return (uint32_t)(ntp >> 16);
}

/* ---- receiver statistics ---- */

void rtcp_src_init(struct rtcp_src *s)
{
	memset(s, 0, sizeof(*s));
}

void rtcp_src_jitter(struct rtcp_src *s, uint32_t rtp_ts, uint32_t arrival)
{
	uint32_t transit = arrival - rtp_ts, d;

	if (!s->have_transit) {
		s->have_transit = true;
		s->transit = transit;
		return;
	}
	/* |D| in unsigned arithmetic: a jump of exactly 2^31 (a forged
	 * timestamp) has no positive int32_t; it gives 2^31 here */
	d = transit - s->transit;
	s->transit = transit;
	if (d & 0x80000000u)
		d = 0u - d;
	/* J += (|D| - J) / 16, kept scaled by 16 (appendix A.8) */
	s->jitter_q4 += d - ((s->jitter_q4 + 8) >> 4);
}

uint32_t rtcp_src_jitter_units(const struct rtcp_src *s)
{
	return s->jitter_q4 >> 4;
}

void rtcp_src_report(struct rtcp_src *s, const struct rtp_rx *rx,
		     uint64_t now_us, struct rtcp_rb *rb)
{
	uint64_t expected = rtp_rx_expected(rx);
	uint64_t exp_int = expected - s->expected_prior;
	uint64_t rcv_int = rx->received - s->received_prior;
	int64_t lost = (int64_t)expected - (int64_t)rx->received;

	memset(rb, 0, sizeof(*rb));
	rb->ssrc = rx->ssrc;
	if (exp_int && exp_int > rcv_int)
		rb->fraction = (uint8_t)(((exp_int - rcv_int) << 8) / exp_int);
	s->expected_prior = expected;
	s->received_prior = rx->received;
	rb->lost = lost > 0x7fffff ? 0x7fffff : (int32_t)lost;
	/* our extended numbers start one cycle up (rtp.c) */
	rb->ext_max = rx->have ? rx->max - 0x10000u : 0;
	rb->jitter = rtcp_src_jitter_units(s);
	if (s->lsr) {
		rb->lsr = s->lsr;
		rb->dlsr =
			(uint32_t)((now_us - s->lsr_at_us) * 65536 / 1000000);
	}
}

void rtcp_src_sr_heard(struct rtcp_src *s, uint64_t ntp, uint64_t now_us)
{
	s->lsr = rtcp_ntp_mid(ntp);
	s->lsr_at_us = now_us;
}

bool rtcp_rtt_us(const struct rtcp_rb *rb, uint64_t now_ntp, uint64_t *rtt_us)
{
	uint32_t a = rtcp_ntp_mid(now_ntp);
	uint32_t rtt;

	if (!rb->lsr)
		return false;
	rtt = a - rb->lsr - rb->dlsr;
	if (rtt & 0x80000000u)
		rtt = 0; /* clocks or a forged block: not negative */
	*rtt_us = (uint64_t)rtt * 1000000 / 65536;
	return true;
}

/* ---- interval ---- */

uint64_t rtcp_interval_base_us(unsigned members, unsigned senders, bool we_sent,
			       double avg_size, double bw, bool initial,
			       uint64_t tmin_us)
{
	double rtcp_bw = 0.05 * bw, n = members, t;
	uint64_t tmin = initial ? tmin_us / 2 : tmin_us;

	/* Senders share a quarter of the RTCP bandwidth when they are
	 * few (section 6.3.1). */
	if (senders > 0 && senders <= members / 4.0) {
		if (we_sent) {
			rtcp_bw *= 0.25;
			n = senders;
		} else {
			rtcp_bw *= 0.75;
			n -= senders;
		}
	}
	if (rtcp_bw <= 0)
		return tmin;
	t = avg_size * n / rtcp_bw * 1e6;
	return t < (double)tmin ? tmin : (uint64_t)t;
}

uint64_t rtcp_interval_rand_us(uint64_t base_us, double r)
{
	/* e - 3/2 compensates the timer reconsideration bias (A.7) */
	return (uint64_t)((double)base_us * (r + 0.5) / 1.21828);
}
