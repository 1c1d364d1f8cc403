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
#include <unistd.h>

#include "gateway/call_int.h"
#include "gateway/net.h"

static int rtp_send(void *arg, const void *pkt, size_t len)
{
	struct gw_call *c = arg;

	if (sendto(c->rtp_fd, pkt, len, 0, (struct sockaddr *)&c->rtp_peer,
		   sizeof(c->rtp_peer)) < 0)
		return errno;
	return 0;
}

static void rtp_readable(void *arg, uint32_t events)
{
	struct gw_call *c = arg;
	uint8_t buf[2048];

	/* Bounded: a flood on one call must not starve the loop. */
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv(c->rtp_fd, buf, sizeof(buf), 0);

		if (n < 0)
			return;
		if (!c->media)
			continue;
		if (media_sess_rtp_in(c->media, buf, (size_t)n))
			c->gw->stats.rtp_rx_rejected++;
	}
}

int call_rtp_open(struct gw_call *c)
{
	struct gw *gw = c->gw;
	int err = gw_rtp_bind(gw->cfg.rtp_ip, gw->cfg.rtp_port_min,
			      gw->cfg.rtp_port_max, &gw->rtp_next_port,
			      &c->rtp_fd, &c->rtp_port);

	if (err) {
		CLOG(c, LOG_ERR, "no RTP port in %u..%u: %s",
		     gw->cfg.rtp_port_min, gw->cfg.rtp_port_max, strerror(err));
		c->rtp_fd = -1;
		return err;
	}
	err = gw_loop_fd_add(gw->loop, c->rtp_fd, EPOLLIN, rtp_readable, c);
	if (err) {
		close(c->rtp_fd);
		c->rtp_fd = -1;
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
				 .log = gw_hook_log_rtp };
	struct media_sess_cfg mc = {
		.tdm_law = tdm_span_law(c->span) == TDM_LAW_ALAW
				   ? MEDIA_LAW_ALAW
				   : MEDIA_LAW_ULAW,
		.pt = res->pt,
		.ptime_ms = res->ptime ? res->ptime : gw->cfg.ptime_ms,
		.jb_ms = gw->cfg.jitter_ms,
		.te_enabled = res->te_pt >= 0,
		.te_pt = res->te_pt >= 0 ? (uint8_t)res->te_pt : 0,
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
	if (gw_sockaddr_in(&c->rtp_peer, res->addr, res->port)) {
		CLOG(c, LOG_WARNING, "remote media address '%s' is not IPv4",
		     res->addr);
		return EINVAL;
	}
	media_sess_free(c->media);
	c->media = NULL;
	int err = media_sess_alloc(&h, &mc, &c->media);

	if (err)
		return err;
	c->media_res = *res;
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

/*
 * RFC 3264 8: the answer mirrors the offer's direction (hold: sendonly ->
 * recvonly); its o= version rises only when the answer changes. The
 * media session restarts only for a new address, port or codec.
 */
void call_reoffer(struct gw_call *c, const struct sip_pl *sdp)
{
	struct sdp_session offer;
	struct sdp_result res;
	char buf[sizeof(c->answer_sdp)];
	size_t len;

	if (!c->sip || !c->media || !sdp->l)
		return; /* the stack answers with the session's last SDP */
	if (sdp_parse(&offer, sdp->p, sdp->l) ||
	    sdp_answer(&offer, &c->local, &res, buf, sizeof(buf), &len)) {
		CLOG(c, LOG_WARNING, "re-offer not acceptable: 488");
		sip_call_answer(c->sip, 488, NULL);
		return;
	}
	if (strcmp(buf, c->answer_sdp)) {
		c->local.sess_version++;
		if (sdp_answer(&offer, &c->local, &res, c->answer_sdp,
			       sizeof(c->answer_sdp), &len)) {
			sip_call_answer(c->sip, 488, NULL);
			return;
		}
	}
	if (res.pt != c->media_res.pt || res.port != c->media_res.port ||
	    strcmp(res.addr, c->media_res.addr)) {
		if (call_media_start(c, &res)) {
			sip_call_answer(c->sip, 488, NULL);
			return;
		}
	}
	c->media_res.dir = res.dir;
	CLOG(c, LOG_INFO, "re-offer answered, remote %s",
	     sdp_dir_name(res.dir));
	sip_call_answer(c->sip, 200, c->answer_sdp);
}

void call_media_close(struct gw_call *c)
{
	struct gw *gw = c->gw;

	if (c->rtp_fd >= 0) {
		gw_loop_fd_del(gw->loop, c->rtp_fd);
		close(c->rtp_fd);
		c->rtp_fd = -1;
	}
	if (c->media) {
		struct media_stats st;

		media_sess_stats(c->media, &st);
		CLOG(c, LOG_INFO,
		     "media: tx %llu rx %llu packets, lost %llu, late %llu, bad %llu",
		     (unsigned long long)st.tx_packets,
		     (unsigned long long)st.rx_packets,
		     (unsigned long long)st.rx_lost,
		     (unsigned long long)st.rx_late,
		     (unsigned long long)st.rx_bad);
	}
	media_sess_free(c->media);
	c->media = NULL;
}
