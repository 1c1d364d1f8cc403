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
#include "gateway/cdr.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"

#include "gateway/net.h"

static void close_fds(struct gw_call *c)
{
	gw_rtp_close(c->rtp_fd);
	gw_rtp_close(c->rtcp_fd);
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
	/* Nobody reads the sockets until the media worker has them: what
	 * comes early waits in the socket buffer. */
	c->local = (struct sdp_local){
		.ip = gw->cfg.rtp_ip,
		.port = (uint16_t)c->rtp_port,
		.sess_id = c->id + 1000u,
		.sess_version = 1,
		.dir = SDP_DIR_SENDRECV,
	};
	if (!c->mprof)
		call_set_mprof(c, &gw->mprof);
	gw_mprof_local(c->mprof, &gw->cfg, &c->local);
	return 0;
}

/* Both negotiations say the same about SRTP: off, or the same suite and
 * peer key (ours is fixed per suite for the whole call). */
bool call_srtp_same(const struct sdp_result *a, const struct sdp_result *b)
{
	if (a->srtp != b->srtp)
		return false;
	return !a->srtp || (a->crypto_local == b->crypto_local &&
			    !strcmp(a->crypto_rx.suite, b->crypto_rx.suite) &&
			    a->crypto_rx.key_len == b->crypto_rx.key_len &&
			    !memcmp(a->crypto_rx.key, b->crypto_rx.key,
				    a->crypto_rx.key_len));
}

/* Our sending context for line i is gone: a later switch back to that
 * suite gets a fresh key, as a new context for the old one would start
 * its SRTP and SRTCP indexes again under it (RFC 3711 9.1). */
static void retire_key(struct gw_call *c, unsigned i)
{
	struct sdp_crypto *k = &c->local.crypto[i];

	if (i >= c->local.ncrypto)
		return;
	if (getrandom(k->key, k->key_len, 0) != (ssize_t)k->key_len) {
		/* no fresh key: the line is neither offered nor picked */
		memset(k->key, 0, sizeof(k->key));
		k->ok = false;
		CLOG(c, LOG_WARNING, "no randomness: SRTP line %u dropped",
		     i + 1);
	}
}

/*
 * New SRTP keys for a running session (RFC 4568 6.1: a re-offer may
 * change key or suite; also an answer to our re-offer after T.38). The
 * peer's new key becomes what we receive with, replay window afresh.
 * Our answer keeps our line of the suite (sdp_answer): 7.1.4 lets the
 * answerer keep its key, and keeping it keeps our stream's index running
 * under it, which a new context for the same key would restart (key and
 * index reused: RFC 3711 9.1). A new suite is a new line of ours with
 * its own key: a new sending context then, and the old line's key is
 * retired (retire_key). SRTP turned off mid-call is
 * refused: it would strip a running call's encryption (a downgrade that
 * whoever can touch the signalling would ask for); plain -> SRTP is fine.
 */
static int srtp_renew(struct gw_call *c, const struct sdp_result *res)
{
	struct media_srtp_cfg sc;
	struct media_srtp *n = NULL;
	bool keep_tx;
	int err;

	if (call_srtp_same(&c->media_res, res))
		return 0;
	if (!res->srtp) {
		CLOG(c, LOG_WARNING, "SRTP off mid-call refused");
		return ENOTSUP;
	}
	if (!gw_mprof_srtp_cfg(&c->local, res, &sc))
		return ENOTSUP;
	keep_tx = c->media_res.srtp &&
		  c->media_res.crypto_local == res->crypto_local;
	err = media_srtp_alloc(&sc, c->media_ssrc, &n);
	memset(&sc, 0, sizeof(sc)); /* the keys live in the contexts only */
	if (!err) {
		err = gw_mslot_srtp(c->mslot, n, keep_tx);
		if (err)
			media_srtp_free(n);
	}
	if (err) {
		CLOG(c, LOG_WARNING, "SRTP keys not renewed: %s",
		     strerror(err));
		return err;
	}
	c->gw->stats.srtp_rekeys++;
	CLOG(c, LOG_NOTICE, "SRTP keys renewed: %s, peer tag %u, our key %s",
	     res->crypto_rx.suite, res->crypto_rx.tag,
	     keep_tx ? "kept" : "new");
	if (!keep_tx && c->media_res.srtp)
		retire_key(c, c->media_res.crypto_local);
	c->media_res.srtp = true;
	c->media_res.crypto_rx = res->crypto_rx;
	c->media_res.crypto_local = res->crypto_local;
	return 0;
}

/* Starts the media session for a negotiated stream, in a media worker
 * that takes over the call's sockets. */
int call_media_start(struct gw_call *c, const struct sdp_result *res)
{
	struct gw *gw = c->gw;
	struct media_hooks h;
	struct media_sess *sess = NULL;
	struct gw_mslot *slot = NULL;
	struct sockaddr_in peer;
	struct timespec rt;
	char cname[80];
	struct media_sess_cfg mc = {
		.tdm_law = tdm_span_law(c->span) == TDM_LAW_ALAW
				   ? MEDIA_LAW_ALAW
				   : MEDIA_LAW_ULAW,
		.cname = cname,
		.rtcp_interval_ms = gw->cfg.rtcp_interval_ms,
		.latch_silence_ms = gw->cfg.latch_silence_ms,
		.ec_tail_ms = gw->cfg.echo_tail_ms,
	};
	struct media_srtp_cfg sc;
	int err;

	if (gw_mprof_sess_cfg(c->mprof ? c->mprof : &gw->mprof, &gw->cfg, res,
			      &mc)) {
		CLOG(c, LOG_WARNING, "negotiated codec %s is not supported",
		     res->name);
		return ENOTSUP;
	}
	gw_media_random_start(&mc);
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
	if (c->mslot) {
		/* a second answer (183 then 200) or a re-offer: the worker
		 * keeps the session and its sockets; a new address is
		 * passed on, a new codec is not supported mid-call */
		if (c->media_res.pt != res->pt) {
			CLOG(c, LOG_WARNING,
			     "codec change to %s/%u mid-call not supported",
			     res->name, res->pt);
			return ENOTSUP;
		}
		err = srtp_renew(c, res);
		if (err)
			return err;
		CLOG(c, LOG_INFO, "media already running; peer %s:%u",
		     res->addr, res->port);
		err = gw_mslot_set_peer(c->mslot, &mc.peer);
		if (!err)
			c->media_res = *res;
		return err;
	}
	if (c->rtp_fd < 0)
		return EBADF;
	err = gw_mslot_alloc(gw->mpool, c->rtp_fd, c->rtcp_fd, c->id, &slot);
	if (err)
		return err;
	/* the slot owns the sockets from here on */
	c->rtp_fd = c->rtcp_fd = -1;
	gw_mslot_hooks(slot, gw->cfg.rtcp_interval_ms != 0, &h);
	if (gw_mprof_srtp_cfg(&c->local, res, &sc))
		mc.srtp = &sc;
	err = media_sess_alloc(&h, &mc, &sess);
	memset(&sc, 0, sizeof(sc)); /* the keys live in the session only */
	if (!err)
		err = gw_mslot_start(slot, sess);
	if (err) {
		CLOG(c, LOG_WARNING, "media: cannot start: %s", strerror(err));
		gw_mslot_discard(slot, sess);
		return err;
	}
	c->mslot = slot;
	c->media_res = *res;
	c->media_ssrc = mc.ssrc;
	call_fax_media_started(c);
	CLOG(c, LOG_INFO,
	     "media %s/%u ptime %u: local %u, remote %s:%u (dtmf %s, jb %s"
	     "%s%s)",
	     res->name, res->pt, mc.ptime_ms, c->rtp_port, res->addr, res->port,
	     media_dtmf_mode_name(c->mprof ? c->mprof->dtmf : gw->mprof.dtmf),
	     mc.jb_adaptive ? "adaptive" : "fixed", res->srtp ? ", srtp " : "",
	     res->srtp ? res->crypto_rx.suite : "");
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
	if (!err && c->fax.initial && !c->mslot) {
		/* a fax call: the answer may have taken T.38 */
		err = call_fax_initial_answer(c, &sess);
		if (err != ENOENT)
			return err;
		err = 0;
	}
	if (!err)
		err = sdp_accept_answer(&sess, &c->local, &res);
	if (err == EPROTO) {
		/* the caller ends the call (ACK, then BYE with a Reason) */
		c->gw->stats.srtp_answer_refused++;
		CLOG(c, LOG_WARNING,
		     "SDP answer's crypto lines answer none of ours "
		     "(RFC 4568 7.1.3): refused");
	}
	if (!err)
		err = call_media_start(c, &res);
	if (err)
		CLOG(c, LOG_WARNING, "SDP answer not usable: %s",
		     strerror(err));
	return err;
}

/* One line with both directions, for the log and the CDR's reader. */
static void log_stats(unsigned id, const struct media_stats *st)
{
	char peer[64];

	gw_log(GW_LOG_CALL, LOG_INFO,
	       "call %u: media: tx %llu pkts %llu B, rx %llu pkts %llu B, lost %llu "
	       "(last %u/256), late %llu, bad %llu, foreign %llu, jitter "
	       "%u us, ssrc changes %llu, peer %s",
	       id, (unsigned long long)st->tx_packets,
	       (unsigned long long)st->tx_bytes,
	       (unsigned long long)st->rx_packets,
	       (unsigned long long)st->rx_bytes,
	       (unsigned long long)st->rx_lost, st->fraction_lost,
	       (unsigned long long)st->rx_late, (unsigned long long)st->rx_bad,
	       (unsigned long long)st->rx_foreign, st->jitter_us,
	       (unsigned long long)st->ssrc_changes,
	       media_addr_str(&st->peer, peer, sizeof(peer)));
	if (st->srtp)
		gw_log(GW_LOG_CALL, LOG_INFO,
		       "call %u: srtp: dropped auth %llu replay %llu bad %llu; "
		       "rekeys %llu",
		       id, (unsigned long long)st->srtp_auth_fail,
		       (unsigned long long)st->srtp_replay,
		       (unsigned long long)st->srtp_bad,
		       (unsigned long long)st->srtp_rekeys);
	gw_log(GW_LOG_CALL, LOG_INFO,
	       "call %u: rtcp: tx %llu rx %llu bad %llu foreign %llu; remote reports "
	       "lost %d (last %u/256) jitter %u us; rtt %s%u us",
	       id, (unsigned long long)st->rtcp_tx,
	       (unsigned long long)st->rtcp_rx,
	       (unsigned long long)st->rtcp_bad,
	       (unsigned long long)st->rtcp_foreign,
	       st->have_remote ? st->remote_lost : 0, st->remote_fraction_lost,
	       st->remote_jitter_us, st->have_rtt ? "" : "unknown ",
	       st->rtt_us);
}

/* A worker's report: final ones come after the call let go of its slot
 * (the call may be gone by then), so they name the call by its id. */
void gw_call_media_report(void *arg, uint64_t cookie,
			  const struct media_stats *st, bool final)
{
	struct gw *gw = arg;

	if (!final) {
		/* an answer to show calls' query: kept for the next show */
		struct gw_call *c = call_of_cookie(gw, cookie);

		if (c) {
			c->live = *st;
			c->live_at = gw_loop_now(gw->loop);
			c->have_live = true;
		}
		return;
	}
	/* rejected counts every datagram dropped; foreign is the part
	 * that came from a source neither negotiated nor latched */
	gw->stats.rtp_rx_foreign += st->rx_foreign + st->rtcp_foreign;
	gw->stats.rtp_rx_rejected +=
		st->rx_bad + st->rtcp_bad + st->rx_foreign + st->rtcp_foreign;
	/* encryption (issue 8): SRTP drops, also counted as rejected */
	gw->stats.srtp_rx_dropped +=
		st->srtp_auth_fail + st->srtp_replay + st->srtp_bad;
	gw->stats.rtp_rx_rejected +=
		st->srtp_auth_fail + st->srtp_replay + st->srtp_bad;
	log_stats((unsigned)cookie, st);
	gw_cdr_media(gw, (unsigned)cookie, st);
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

	if (!c->sip || !c->mslot || !sdp->l)
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
	/* new SRTP keys go there too (srtp_renew) */
	if (res.pt != c->media_res.pt || res.port != c->media_res.port ||
	    strcmp(res.addr, c->media_res.addr) ||
	    !call_srtp_same(&res, &c->media_res)) {
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
	/* the worker sends the RTCP BYE, reports, closes the sockets */
	if (c->mslot && gw_mslot_stop(c->mslot))
		CLOG(c, LOG_ERR, "media worker queue full: media left running");
	c->mslot = NULL;
	close_fds(c);
}
