/*
 * A call's media: its RTP socket (bound from the configured port range)
 * and its media session, started once an SDP exchange has picked a codec.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gateway/call_int.h"
#include "gateway/media_net.h"
#include "gateway/net.h"

static int send_to(int fd, const struct media_addr *dst, const void *pkt,
		   size_t len)
{
	struct sockaddr_in sin;

	if (gw_media_addr_to_sin(dst, &sin))
		return EAFNOSUPPORT;
	if (sendto(fd, pkt, len, 0, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return errno;
	return 0;
}

static int rtp_send(void *arg, const struct media_addr *dst, const void *pkt,
		    size_t len)
{
	return send_to(((struct gw_call *)arg)->rtp_fd, dst, pkt, len);
}

static int rtcp_send(void *arg, const struct media_addr *dst, const void *pkt,
		     size_t len)
{
	return send_to(((struct gw_call *)arg)->rtcp_fd, dst, pkt, len);
}

static uint64_t now_us(void *arg)
{
	return gw_loop_now_us(((struct gw_call *)arg)->gw->loop);
}

/* Counts what the session refused: a foreign source apart from the rest. */
static void count_rx(struct gw *gw, int err)
{
	if (err == EACCES)
		gw->stats.rtp_rx_foreign++;
	else if (err)
		gw->stats.rtp_rx_rejected++;
}

static void rtp_readable(void *arg, uint32_t events)
{
	struct gw_call *c = arg;
	uint8_t buf[2048];

	/* Bounded: a flood on one call must not starve the loop. */
	for (int i = 0; i < 16; i++) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof(sin);
		struct media_addr src;
		ssize_t n = recvfrom(c->rtp_fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&sin, &sl);

		if (n < 0)
			return;
		if (!c->media || sin.sin_family != AF_INET)
			continue;
		gw_media_addr_from_sin(&src, &sin);
		count_rx(c->gw,
			 media_sess_rtp_in(c->media, buf, (size_t)n, &src));
	}
}

static void rtcp_readable(void *arg, uint32_t events)
{
	struct gw_call *c = arg;
	uint8_t buf[1500];

	for (int i = 0; i < 16; i++) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof(sin);
		struct media_addr src;
		ssize_t n = recvfrom(c->rtcp_fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&sin, &sl);

		if (n < 0)
			return;
		if (!c->media || sin.sin_family != AF_INET)
			continue;
		gw_media_addr_from_sin(&src, &sin);
		count_rx(c->gw,
			 media_sess_rtcp_in(c->media, buf, (size_t)n, &src));
	}
}

static void close_fds(struct gw_call *c)
{
	struct gw *gw = c->gw;

	if (c->rtp_fd >= 0) {
		gw_loop_fd_del(gw->loop, c->rtp_fd);
		close(c->rtp_fd);
	}
	if (c->rtcp_fd >= 0) {
		gw_loop_fd_del(gw->loop, c->rtcp_fd);
		close(c->rtcp_fd);
	}
	c->rtp_fd = c->rtcp_fd = -1;
}

int call_rtp_open(struct gw_call *c)
{
	struct gw *gw = c->gw;
	int err = gw_rtp_bind_pair(gw->cfg.rtp_ip, gw->cfg.rtp_port_min,
				   gw->cfg.rtp_port_max, &gw->rtp_next_port,
				   &c->rtp_fd, &c->rtcp_fd, &c->rtp_port);

	if (err) {
		CLOG(c, LOG_ERR, "no RTP port pair in %u..%u: %s",
		     gw->cfg.rtp_port_min, gw->cfg.rtp_port_max, strerror(err));
		c->rtp_fd = c->rtcp_fd = -1;
		return err;
	}
	err = gw_loop_fd_add(gw->loop, c->rtp_fd, EPOLLIN, rtp_readable, c);
	if (!err)
		err = gw_loop_fd_add(gw->loop, c->rtcp_fd, EPOLLIN,
				     rtcp_readable, c);
	if (err) {
		/* fd_del of a descriptor never added is harmless */
		close_fds(c);
		return err;
	}
	c->local = (struct sdp_local){
		.ip = gw->cfg.rtp_ip,
		.port = (uint16_t)c->rtp_port,
		.codecs = gw->codecs,
		.ncodecs = gw->ncodecs,
		.ptime = gw->cfg.ptime_ms,
		.te_pt = -1,
		.sess_id = c->id + 1000u,
		.sess_version = 1,
		.dir = SDP_DIR_SENDRECV,
	};
	return 0;
}

/* Starts the media session for a negotiated stream. */
int call_media_start(struct gw_call *c, const struct sdp_result *res)
{
	struct gw *gw = c->gw;
	struct media_hooks h = { .arg = c,
				 .rtp_send = rtp_send,
				 .log = gw_hook_log_rtp,
				 .rtcp_send = gw->cfg.rtcp_interval_ms
						      ? rtcp_send
						      : NULL,
				 .now_us = now_us };
	struct sockaddr_in peer;
	struct timespec rt;
	char cname[80];
	struct media_sess_cfg mc = {
		.tdm_law = tdm_span_law(c->span) == TDM_LAW_ALAW
				   ? MEDIA_LAW_ALAW
				   : MEDIA_LAW_ULAW,
		.pt = res->pt,
		.ptime_ms = res->ptime ? res->ptime : gw->cfg.ptime_ms,
		.jb_ms = gw->cfg.jitter_ms,
		.te_enabled = res->te_pt >= 0,
		.te_pt = res->te_pt >= 0 ? (uint8_t)res->te_pt : 0,
		.cname = cname,
		.rtcp_interval_ms = gw->cfg.rtcp_interval_ms,
		.latch_silence_ms = gw->cfg.latch_silence_ms,
	};
	int codec = media_codec_lookup(res->name);
	uint8_t rnd[10];

	if (codec < 0) {
		CLOG(c, LOG_WARNING, "negotiated codec %s is not supported",
		     res->name);
		return ENOTSUP;
	}
	if (mc.ptime_ms > 60 || mc.ptime_ms % 10)
		mc.ptime_ms = 20;
	mc.codec = (enum media_codec)codec;
	if (getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd)) {
		memcpy(&mc.ssrc, rnd, 4);
		memcpy(&mc.seq, rnd + 4, 2);
		memcpy(&mc.ts, rnd + 6, 4);
	}
	if (gw_sockaddr_in(&peer, res->addr, res->port)) {
		CLOG(c, LOG_WARNING, "remote media address '%s' is not IPv4",
		     res->addr);
		return EINVAL;
	}
	gw_media_addr_from_sin(&mc.peer, &peer);
	snprintf(cname, sizeof(cname), "pstngw@%s", gw->cfg.rtp_ip);
	/* SR timestamps are wall-clock NTP; the session runs on the
	 * monotonic clock: pass the difference. */
	clock_gettime(CLOCK_REALTIME, &rt);
	mc.wall_offset_us = (uint64_t)rt.tv_sec * 1000000 +
			    (uint64_t)rt.tv_nsec / 1000 -
			    gw_loop_now_us(gw->loop);
	media_sess_free(c->media);
	c->media = NULL;
	int err = media_sess_alloc(&h, &mc, &c->media);

	if (err)
		return err;
	CLOG(c, LOG_INFO, "media %s/%u ptime %u: local %u, remote %s:%u",
	     res->name, res->pt, mc.ptime_ms, c->rtp_port, res->addr,
	     res->port);
	return 0;
}

int call_accept_answer(struct gw_call *c, const struct sip_pl *sdp)
{
	struct sdp_session sess;
	struct sdp_result res;
	int err;

	if (!sdp->l)
		return ENOENT;
	err = sdp_parse(&sess, sdp->p, sdp->l);
	if (!err)
		err = sdp_accept_answer(&sess, &c->local, &res);
	if (!err)
		err = call_media_start(c, &res);
	if (err)
		CLOG(c, LOG_WARNING, "SDP answer not usable: %s",
		     strerror(err));
	return err;
}

/* One line with both directions, for the log and the CDR's reader. */
static void log_stats(struct gw_call *c, const struct media_stats *st)
{
	char peer[64];

	CLOG(c, LOG_INFO,
	     "media: tx %llu pkts %llu B, rx %llu pkts %llu B, lost %llu "
	     "(last %u/256), late %llu, bad %llu, foreign %llu, jitter "
	     "%u us, ssrc changes %llu, peer %s",
	     (unsigned long long)st->tx_packets,
	     (unsigned long long)st->tx_bytes,
	     (unsigned long long)st->rx_packets,
	     (unsigned long long)st->rx_bytes, (unsigned long long)st->rx_lost,
	     st->fraction_lost, (unsigned long long)st->rx_late,
	     (unsigned long long)st->rx_bad, (unsigned long long)st->rx_foreign,
	     st->jitter_us, (unsigned long long)st->ssrc_changes,
	     media_addr_str(&st->peer, peer, sizeof(peer)));
	CLOG(c, LOG_INFO,
	     "rtcp: tx %llu rx %llu bad %llu foreign %llu; remote reports "
	     "lost %d (last %u/256) jitter %u us; rtt %s%u us",
	     (unsigned long long)st->rtcp_tx, (unsigned long long)st->rtcp_rx,
	     (unsigned long long)st->rtcp_bad,
	     (unsigned long long)st->rtcp_foreign,
	     st->have_remote ? st->remote_lost : 0, st->remote_fraction_lost,
	     st->remote_jitter_us, st->have_rtt ? "" : "unknown ", st->rtt_us);
}

void call_media_close(struct gw_call *c)
{
	if (c->media) {
		struct media_stats st;

		media_sess_bye(c->media);
		media_sess_stats(c->media, &st);
		log_stats(c, &st);
	}
	close_fds(c);
	media_sess_free(c->media);
	c->media = NULL;
}
