/* A session's RTCP (RFC 3550 section 6): a compound SR or RR with an SDES
 * CNAME every interval (Tmin 5 s, randomised), a BYE at the end, and the
 * peer's reports read for loss, jitter and round-trip time. Two parties,
 * so the interval is always Tmin's randomised value; the computation is
 * still the full one of appendix A.7. */
#include <errno.h>
#include <string.h>

#include "media/priv.h"

#define UDP_IP_OVERHEAD 28 /* IPv4 + UDP, counted in the average size */

/* xorshift32: the interval's randomisation, seeded per session. */
static double rng01(struct media_sess *s)
{
	uint32_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rng = x;
	return (double)(x >> 8) / (double)(1u << 24);
}

void media_sess_rtcp_init_latch(struct media_sess *s)
{
	struct media_addr a = s->cfg.peer_rtcp;

	if (!a.family) {
		a = s->cfg.peer;
		if (a.family)
			a.port = (uint16_t)(a.port + 1);
	}
	media_latch_init(&s->rtcp_latch, &a, s->latch.silence_us);
}

void media_sess_rtcp_init(struct media_sess *s)
{
	s->rng = (s->cfg.ssrc ^ s->cfg.ts ^ (uint32_t)s->cfg.seq << 16) | 1;
	/* an RR with one block and a short CNAME, on the wire */
	s->rtcp_avg_size = 60 + UDP_IP_OVERHEAD;
	s->rtcp_next_us = 0;
	media_sess_rtcp_init_latch(s);
}

void media_sess_rtcp_newsrc(struct media_sess *s)
{
	rtcp_src_init(&s->rsrc);
}

static void avg_size(struct media_sess *s, size_t len)
{
	s->rtcp_avg_size +=
		((double)(len + UDP_IP_OVERHEAD) - s->rtcp_avg_size) / 16;
}

static uint64_t interval(struct media_sess *s, bool initial)
{
	bool we_sent = s->tx.packets != s->tx_packets_at_report;
	unsigned senders = (we_sent ? 1 : 0) + (s->rx.have ? 1 : 0);
	/* both directions of one stream, with RTP and UDP/IP headers */
	double bw = 2.0 * (s->frame + RTP_HDR_LEN + UDP_IP_OVERHEAD) * 1000 /
		    s->cfg.ptime_ms;
	uint64_t tmin = 1000ull * (s->cfg.rtcp_interval_ms
					   ? s->cfg.rtcp_interval_ms
					   : RTCP_MIN_INTERVAL_US / 1000);
	uint64_t base = rtcp_interval_base_us(
		2, senders, we_sent, s->rtcp_avg_size, bw, initial, tmin);

	return rtcp_interval_rand_us(base, rng01(s));
}

static int send_report(struct media_sess *s, bool bye)
{
	uint64_t now = media_sess_now(s);
	struct rtcp_sender_info si;
	struct rtcp_rb rb;
	unsigned nrb = 0;
	size_t off = 0;
	int err;

	if (s->tx.packets != s->tx_packets_at_report) {
		si.ntp = rtcp_ntp_from_us(now + s->cfg.wall_offset_us);
		/* the media time of "now", by the samples sent */
		si.rtp_ts = media_sess_tx_ts_at(s, now);
		si.packets = (uint32_t)s->tx.packets;
		/* payload octets: whole packets minus the fixed header */
		si.octets =
			(uint32_t)(s->tx.bytes - RTP_HDR_LEN * s->tx.packets);
	}
	if (s->rx.have) {
		rtcp_src_report(&s->rsrc, &s->rx, now, &rb);
		s->fraction_lost = rb.fraction;
		nrb = 1;
	}
	err = rtcp_put_report(s->rtcp_buf, SESS_RTCP_MAX, &off, s->tx.ssrc,
			      s->tx.packets != s->tx_packets_at_report ? &si
								       : NULL,
			      &rb, nrb);
	if (!err)
		err = rtcp_put_cname(s->rtcp_buf, SESS_RTCP_MAX, &off,
				     s->tx.ssrc, s->cname);
	if (!err && bye)
		err = rtcp_put_bye(s->rtcp_buf, SESS_RTCP_MAX, &off,
				   s->tx.ssrc);
	if (err)
		return err;
	s->tx_packets_at_report = s->tx.packets;
	avg_size(s, off);
	if (s->srtp) {
		err = media_srtp_protect(s->srtp, s->rtcp_buf, &off, true);
		if (err)
			return err;
	}
	err = s->h.rtcp_send(s->h.arg, &s->rtcp_latch.cur, s->rtcp_buf, off);
	if (!err)
		s->rtcp_tx++;
	return err;
}

void media_sess_poll(struct media_sess *s)
{
	uint64_t now;

	if (!s || !s->h.rtcp_send || !s->h.now_us || s->bye_sent)
		return;
	now = media_sess_now(s);
	if (!s->rtcp_next_us) {
		s->rtcp_next_us = now + interval(s, true);
		return;
	}
	if (now < s->rtcp_next_us)
		return;
	send_report(s, false);
	s->rtcp_next_us = now + interval(s, false);
}

int media_sess_bye(struct media_sess *s)
{
	if (!s)
		return EINVAL;
	if (!s->h.rtcp_send || s->bye_sent)
		return 0;
	s->bye_sent = true;
	return send_report(s, true);
}

int media_sess_rtcp_in(struct media_sess *s, const void *pkt, size_t len,
		       const struct media_addr *src)
{
	struct rtcp_info info;
	uint64_t now, rtt;
	char a[64];
	int err;

	if (!s || !src)
		return EINVAL;
	if (s->srtp) {
		err = media_sess_srtp_in(s, &pkt, &len, src, true);
		if (err)
			return err;
	}
	err = rtcp_parse(&info, pkt, len);
	if (err) {
		if (!media_addr_eq(src, &s->rtcp_latch.cur)) {
			s->rtcp_foreign++;
			return EACCES;
		}
		s->rtcp_bad++;
		media_sess_log(s, MEDIA_LOG_DEBUG,
			       "bad RTCP (%zu octets): error %d", len, err);
		return err;
	}
	now = media_sess_now(s);
	switch (media_latch_judge(&s->rtcp_latch, src, info.ssrc,
				  s->h.now_us != NULL, now)) {
	case MEDIA_LATCH_FOREIGN:
		s->rtcp_foreign++;
		return EACCES;
	case MEDIA_LATCH_MOVE:
		media_sess_log(s, MEDIA_LOG_INFO, "RTCP peer -> %s",
			       media_addr_str(src, a, sizeof(a)));
		break;
	case MEDIA_LATCH_OK:
		break;
	}
	media_latch_accept(&s->rtcp_latch, src, info.ssrc, now);
	s->rtcp_rx++;
	avg_size(s, len);
	if (info.sr && (!s->rx.have || info.ssrc == s->rx.ssrc))
		rtcp_src_sr_heard(&s->rsrc, info.si.ntp, now);
	for (unsigned i = 0; i < info.nrb; i++) {
		if (info.rb[i].ssrc != s->tx.ssrc)
			continue;
		s->remote = info.rb[i];
		s->have_remote = true;
		if (rtcp_rtt_us(&info.rb[i],
				rtcp_ntp_from_us(now + s->cfg.wall_offset_us),
				&rtt)) {
			s->rtt_us =
				rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
			s->have_rtt = true;
		}
	}
	if (info.bye)
		media_sess_log(s, MEDIA_LOG_INFO, "peer sent RTCP BYE");
	return 0;
}
