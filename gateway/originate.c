/*
 * Test calls placed by the operator (`pstngw-ctl originate span|trunk`):
 * the gateway calls a number on a span or on a SIP trunk, plays a test
 * tone once answered (into the B-channel, or as G.711 RTP), and hangs up
 * after a set time. A test call checks one side and the network beyond
 * it, without involving the other side.
 *
 * A test call is not a struct gw_call: it has one leg. Its events and
 * audio reach it through gw_orig_tdm_event()/gw_orig_tdm_audio() and
 * gw_orig_sip_event(), which call_setup.c asks first.
 */
#include "gateway/originate.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/media_prof.h"

#define RTP_SAMPLES 160 /* 20 ms at 8 kHz */

struct gw_orig {
	struct gw_orig *next;
	struct gw *gw;
	unsigned id;
	struct tdm_call *tdm; /* NULL once released */
	struct tdm_span *span;
	struct media_tonegen tone;
	unsigned secs;
	bool answered, hanging_up;
	struct gw_timer *timer;
	char to[32];
	char where[CFG_NAME_LEN + 8]; /* "span 1", "trunk NAME" */
	/* a SIP test call: its dialog, RTP socket pair and G.711 stream */
	struct sip_call *sip;
	int rtp_fd, rtcp_fd;
	struct sdp_local local;
	struct sockaddr_storage rtp_dst;
	socklen_t rtp_dstlen;
	enum media_law law;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts, ssrc;
	uint64_t next_us, rtp_sent;
	struct gw_timer *rtp_timer;
	struct media_srtp *srtp; /* the trunk's srtp mode: SRTP sending */
};

#define OLOG(o, lvl, fmt, ...)                                           \
	gw_log(GW_LOG_CALL, lvl, "originate %u (%s, %s): " fmt, (o)->id, \
	       (o)->where, (o)->to, ##__VA_ARGS__)

static const struct sdp_codec orig_codecs[] = {
	{ .pt = 0, .name = "PCMU", .rate = 8000 },
	{ .pt = 8, .name = "PCMA", .rate = 8000 },
};

static struct gw_orig *find(struct gw *gw, const struct tdm_call *tcall)
{
	for (struct gw_orig *o = gw->origs; o; o = o->next)
		if (o->tdm == tcall)
			return o;
	return NULL;
}

static void orig_free(struct gw_orig *o)
{
	struct gw_orig **pp = &o->gw->origs;

	while (*pp && *pp != o)
		pp = &(*pp)->next;
	if (*pp)
		*pp = o->next;
	if (o->timer)
		gw_timer_stop(o->gw->loop, o->timer);
	if (o->rtp_timer)
		gw_timer_stop(o->gw->loop, o->rtp_timer);
	gw_rtp_close(o->rtp_fd);
	gw_rtp_close(o->rtcp_fd);
	media_srtp_free(o->srtp);
	if (o->sip) /* only at gw_stop: the stack goes right after */
		sip_call_set_user(o->sip, NULL);
	free(o);
}

static void hangup(struct gw_orig *o, int cause)
{
	if (o->hanging_up || (!o->tdm && !o->sip))
		return;
	o->hanging_up = true;
	if (o->rtp_timer) {
		gw_timer_stop(o->gw->loop, o->rtp_timer);
		o->rtp_timer = NULL;
	}
	if (o->tdm && tdm_call_hangup(o->tdm, cause))
		OLOG(o, LOG_WARNING, "the span refused the hangup");
	if (o->sip && sip_call_hangup(o->sip, 0, cause))
		OLOG(o, LOG_WARNING, "the SIP call could not be ended");
}

static void time_up(void *arg)
{
	struct gw_orig *o = arg;

	o->timer = NULL;
	OLOG(o, LOG_NOTICE, "%s after %u s: hanging up",
	     o->answered ? "tone played" : "no answer", o->secs);
	hangup(o, 16);
}

bool gw_orig_tdm_event(struct gw *gw, struct tdm_call *tcall,
		       const struct tdm_event *ev)
{
	struct gw_orig *o = tcall ? find(gw, tcall) : NULL;

	if (!o)
		return false;
	switch (ev->type) {
	case TDM_EV_PROCEEDING:
	case TDM_EV_ALERTING:
	case TDM_EV_PROGRESS:
		OLOG(o, LOG_INFO, "%s", tdm_event_type_name(ev->type));
		break;
	case TDM_EV_CONNECT:
		o->answered = true;
		OLOG(o, LOG_NOTICE, "answered on chan %d: tone for %u s",
		     tdm_call_chan(tcall), o->secs);
		if (o->timer)
			gw_timer_stop(gw->loop, o->timer);
		o->timer =
			gw_timer_start(gw->loop, o->secs * 1000u, time_up, o);
		break;
	case TDM_EV_DISCONNECT:
		OLOG(o, LOG_NOTICE, "far end hung up, cause %d", ev->cause);
		hangup(o, ev->cause ? ev->cause : 16);
		break;
	case TDM_EV_RELEASED:
		OLOG(o, LOG_NOTICE, "ended, cause %d, %s", ev->cause,
		     o->answered ? "answered" : "not answered");
		o->tdm = NULL;
		orig_free(o);
		gw_trunks_changed(gw); /* its channel is free again */
		break;
	default:
		break;
	}
	return true;
}

bool gw_orig_tdm_audio(struct gw *gw, struct tdm_call *tcall, uint8_t *tx,
		       size_t n)
{
	struct gw_orig *o = gw->origs ? find(gw, tcall) : NULL;
	int16_t pcm[160];

	if (!o)
		return false;
	if (!o->answered || o->hanging_up)
		return true; /* tx is prefilled with silence */
	enum media_law law = tdm_span_law(o->span) == TDM_LAW_ALAW
				     ? MEDIA_LAW_ALAW
				     : MEDIA_LAW_ULAW;

	for (size_t off = 0; off < n; off += 160) {
		size_t k = n - off < 160 ? n - off : 160;

		media_tonegen_run(&o->tone, pcm, k);
		media_linear_to_law(law, pcm, tx + off, k);
	}
	return true;
}

int gw_originate_span(struct gw *gw, unsigned span_id, const char *to,
		      const char *from, unsigned secs, unsigned tone_hz,
		      unsigned *id)
{
	struct tdm_span *span = NULL;
	struct gw_orig *o;
	int err;

	for (size_t i = 0; i < gw->nspans; i++)
		if (tdm_span_id(gw->spans[i].span) == span_id)
			span = gw->spans[i].span;
	if (!span)
		return ENOENT;
	if (!to[0] || strlen(to) >= sizeof(o->to) ||
	    strspn(to, "0123456789*#") != strlen(to) ||
	    (from && strspn(from, "0123456789*#") != strlen(from)) || !secs ||
	    secs > GW_ORIG_MAX_SECS || tone_hz > 4000)
		return EINVAL;
	if (gw->stopping)
		return ESHUTDOWN;
	o = calloc(1, sizeof(*o));
	if (!o)
		return ENOMEM;
	o->gw = gw;
	o->span = span;
	o->rtp_fd = o->rtcp_fd = -1;
	snprintf(o->where, sizeof(o->where), "span %u", span_id);
	o->secs = secs;
	o->id = ++gw->next_orig_id;
	snprintf(o->to, sizeof(o->to), "%s", to);
	media_tonegen_init(&o->tone, tone_hz, -13); /* test tone level */

	struct tdm_setup setup = { .called = to,
				   .calling = from && from[0] ? from : NULL };

	err = tdm_call_place(span, &setup, NULL, &o->tdm);
	if (err) {
		free(o);
		return err;
	}
	o->next = gw->origs;
	gw->origs = o;
	gw_trunks_changed(gw); /* x-pstngw-trunks: one channel less free */
	/* unanswered: given up after the same time plus a ringing allowance */
	o->timer = gw_timer_start(gw->loop, (secs + GW_ORIG_RING_S) * 1000u,
				  time_up, o);
	OLOG(o, LOG_NOTICE, "calling from %s, tone %u Hz for %u s",
	     from && from[0] ? from : "-", tone_hz, secs);
	*id = o->id;
	return 0;
}

/* ---- SIP test calls ---------------------------------------------------- */

static struct gw_orig *find_sip(struct gw *gw, const struct sip_call *sc)
{
	for (struct gw_orig *o = gw->origs; o; o = o->next)
		if (o->sip == sc)
			return o;
	return NULL;
}

/* One 20 ms RTP packet (RFC 3550 5.1) of the tone, on an absolute
 * schedule so the stream does not drift with the loop's latency. */
static void rtp_tick(void *arg)
{
	struct gw_orig *o = arg;
	struct rtp_hdr h = { .marker = o->seq == 0, /* the first */
			     .pt = o->pt,
			     .seq = o->seq++,
			     .ts = o->ts,
			     .ssrc = o->ssrc };
	uint8_t pkt[RTP_HDR_LEN + RTP_SAMPLES + MEDIA_SRTP_TRAILER_MAX],
		law[RTP_SAMPLES];
	int16_t pcm[RTP_SAMPLES];
	size_t len;

	o->rtp_timer = NULL;
	o->ts += RTP_SAMPLES;
	media_tonegen_run(&o->tone, pcm, RTP_SAMPLES);
	media_linear_to_law(o->law, pcm, law, RTP_SAMPLES);
	if (!rtp_build(&h, law, sizeof(law), pkt, sizeof(pkt), &len) &&
	    (!o->srtp || !media_srtp_protect(o->srtp, pkt, &len, false)) &&
	    sendto(o->rtp_fd, pkt, len, 0, (const struct sockaddr *)&o->rtp_dst,
		   o->rtp_dstlen) == (ssize_t)len)
		o->rtp_sent++;
	o->next_us += 20000;
	o->rtp_timer =
		gw_timer_start_at_us(o->gw->loop, o->next_us, rtp_tick, o);
}

static void sip_answered(struct gw_orig *o, const struct sip_call_event *ev)
{
	struct sdp_session ans;
	struct sdp_result res;
	struct sip_addr a;
	struct media_srtp_cfg sc;
	int err = EINVAL;

	o->answered = true;
	if (ev->sdp.l && !sdp_parse(&ans, ev->sdp.p, ev->sdp.l))
		err = sdp_accept_answer(&ans, &o->local, &res);
	if (!err)
		err = sip_addr_set(&a, res.addr, res.port);
	/* the trunk's srtp mode as for any call: required wants SRTP in
	 * the answer, crypto lines answering none of ours end it */
	if (!err && gw_mprof_srtp_cfg(&o->local, &res, &sc)) {
		err = media_srtp_alloc(&sc, o->ssrc, &o->srtp);
		memset(&sc, 0, sizeof(sc));
	}
	if (err) {
		if (err == EPROTO)
			o->gw->stats.srtp_answer_refused++;
		OLOG(o, LOG_WARNING, "answered without a usable SDP answer%s",
		     err == EPROTO ? " (crypto lines answer none of ours)"
				   : "");
		hangup(o, 47); /* resource unavailable */
		return;
	}
	o->pt = res.pt;
	o->law = res.pt == 8 ? MEDIA_LAW_ALAW : MEDIA_LAW_ULAW;
	o->rtp_dst = a.ss;
	o->rtp_dstlen = a.len;
	OLOG(o, LOG_NOTICE, "answered: %s to %s:%u%s%s, tone for %u s",
	     res.name, res.addr, res.port, o->srtp ? ", srtp " : "",
	     o->srtp ? res.crypto_rx.suite : "", o->secs);
	o->next_us = gw_loop_now_us(o->gw->loop);
	rtp_tick(o);
	if (o->timer)
		gw_timer_stop(o->gw->loop, o->timer);
	o->timer = gw_timer_start(o->gw->loop, o->secs * 1000u, time_up, o);
}

bool gw_orig_sip_event(struct gw *gw, struct sip_call *scall,
		       const struct sip_call_event *ev)
{
	struct gw_orig *o = scall && gw->origs ? find_sip(gw, scall) : NULL;

	if (!o)
		return false;
	switch (ev->type) {
	case SIP_CALL_EV_PROGRESS:
		OLOG(o, LOG_INFO, "%u", ev->code);
		break;
	case SIP_CALL_EV_ANSWERED:
		sip_answered(o, ev);
		break;
	case SIP_CALL_EV_FAILED:
		OLOG(o, LOG_NOTICE, "failed: %u", ev->code);
		break;
	case SIP_CALL_EV_BYE:
		OLOG(o, LOG_NOTICE, "far end hung up");
		o->hanging_up = true;
		break;
	case SIP_CALL_EV_OFFER: /* a test call keeps its stream as it is */
		sip_call_answer(scall, 488, NULL);
		break;
	case SIP_CALL_EV_ENDED:
		OLOG(o, LOG_NOTICE, "ended, %s, %llu RTP packets sent",
		     o->answered ? "answered" : "not answered",
		     (unsigned long long)o->rtp_sent);
		o->sip = NULL;
		orig_free(o);
		break;
	default:
		break;
	}
	return true;
}

int gw_originate_trunk(struct gw *gw, const char *trunk, const char *to,
		       const char *from, unsigned secs, unsigned tone_hz,
		       unsigned *id)
{
	const struct cfg_trunk *tr = cfg_trunk_find(&gw->cfg, trunk);
	static const char *const tparam[] = { "", ";transport=tcp",
					      ";transport=tls" };
	char ruri[160], sdp[1024];
	struct gw_orig *o;
	size_t sdplen;
	unsigned port;
	int err;

	if (!tr)
		return ENOENT;
	if (!to[0] || strlen(to) >= sizeof(o->to) ||
	    strspn(to, "0123456789*#") != strlen(to) ||
	    (from && strspn(from, "0123456789*#") != strlen(from)) || !secs ||
	    secs > GW_ORIG_MAX_SECS || tone_hz > 4000)
		return EINVAL;
	if (gw->stopping || !gw->sip)
		return ESHUTDOWN;
	o = calloc(1, sizeof(*o));
	if (!o)
		return ENOMEM;
	o->gw = gw;
	o->secs = secs;
	o->rtp_fd = o->rtcp_fd = -1;
	snprintf(o->to, sizeof(o->to), "%s", to);
	snprintf(o->where, sizeof(o->where), "trunk %s", tr->name);
	media_tonegen_init(&o->tone, tone_hz, -13);
	err = gw_rtp_bind_pair(gw->cfg.rtp_ip, gw->cfg.rtp_port_min,
			       gw->cfg.rtp_port_max, &gw->rtp_next_port,
			       &o->rtp_fd, &o->rtcp_fd, &port);
	if (err) {
		free(o);
		return EAGAIN;
	}
	o->id = ++gw->next_orig_id;
	o->ssrc = 0x7e570000u ^ o->id; /* "test" */
	o->local = (struct sdp_local){
		.ip = gw->cfg.rtp_ip,
		.port = (uint16_t)port,
		.codecs = orig_codecs,
		.ncodecs = 2,
		.ptime = 20,
		.te_pt = -1,
		.sess_id = 900000u + o->id,
		.sess_version = 1,
		.dir = SDP_DIR_SENDRECV,
	};
	/* encryption (issue 8): the trunk's srtp mode and suites */
	struct gw_mprof mp = { 0 };

	gw_mprof_srtp(&mp, tr);
	gw_mprof_srtp_local(&mp, &o->local);

	bool v6 = strchr(tr->host, ':') != NULL;
	struct sip_call_params p = {
		.ruri = ruri,
		.from_user = from && from[0] ? from : "pstngw-test",
		.from_host = gw->cfg.sip_domain[0] ? gw->cfg.sip_domain : NULL,
		.sdp = sdp,
	};

	snprintf(ruri, sizeof(ruri), "sip:%s@%s%s%s:%u%s", to, v6 ? "[" : "",
		 tr->host, v6 ? "]" : "", tr->port, tparam[tr->transport % 3]);
	err = sdp_build_offer(&o->local, sdp, sizeof(sdp), &sdplen);
	if (!err)
		err = sip_addr_set(&p.dst, tr->host, (uint16_t)tr->port);
	if (!err) {
		p.dst.tp = (enum sip_transport)tr->transport;
		gw_sipauth_call_creds(tr, &p.auth_user, &p.auth_password);
		err = sip_call_invite(gw->sip, &p, o, &o->sip);
	}
	if (err) {
		gw_rtp_close(o->rtp_fd);
		gw_rtp_close(o->rtcp_fd);
		free(o);
		return EIO;
	}
	o->next = gw->origs;
	gw->origs = o;
	o->timer = gw_timer_start(gw->loop, (secs + GW_ORIG_RING_S) * 1000u,
				  time_up, o);
	OLOG(o, LOG_NOTICE, "INVITE %s from %s, tone %u Hz for %u s", ruri,
	     p.from_user, tone_hz, secs);
	*id = o->id;
	return 0;
}

void gw_orig_shutdown(struct gw *gw)
{
	for (struct gw_orig *o = gw->origs; o; o = o->next)
		hangup(o, 16);
}

void gw_orig_free_all(struct gw *gw)
{
	while (gw->origs)
		orig_free(gw->origs);
}

unsigned gw_orig_count(const struct gw *gw)
{
	unsigned n = 0;

	for (const struct gw_orig *o = gw->origs; o; o = o->next)
		n++;
	return n;
}
