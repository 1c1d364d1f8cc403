/*
 * A call: one SIP leg, one TDM leg, one media session, and the
 * interworking state machine between them, written as a table of
 * (state, event) -> action. Either leg may be the originating one.
 *
 * Ownership: struct gw owns its calls; a call owns its media session and
 * RTP socket. The legs belong to their libraries: a call drops its
 * pointer to a leg when that leg's final event (TDM RELEASED, SIP ENDED)
 * arrives, and is freed once both are gone.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/gw.h"
#include "gateway/interwork.h"
#include "gateway/log.h"
#include "gateway/net.h"
#include "gateway/route.h"

enum call_state {
	CS_SETUP,     /* the outgoing leg is being set up */
	CS_ALERTING,  /* the called side rings */
	CS_EARLY,     /* in-band early media flows */
	CS_ACTIVE,    /* answered */
	CS_RELEASING, /* one leg is gone or going; waiting for the other */
	CS__COUNT
};

enum call_ev {
	EV_TDM_PROCEEDING,
	EV_TDM_ALERTING,
	EV_TDM_PROGRESS,
	EV_TDM_CONNECT,
	EV_TDM_CONNECT_ACK,
	EV_TDM_DISCONNECT,
	EV_TDM_RELEASED,
	EV_SIP_PROGRESS,
	EV_SIP_ANSWERED,
	EV_SIP_CONFIRMED,
	EV_SIP_FAILED,
	EV_SIP_CANCELLED,
	EV_SIP_BYE,
	EV_SIP_ENDED,
	EV_NO_ANSWER,
	EV_SHUTDOWN,
	EV__COUNT
};

enum call_orig { ORIG_PSTN, ORIG_SIP };

static const char *const state_names[CS__COUNT] = {
	"SETUP", "ALERTING", "EARLY", "ACTIVE", "RELEASING",
};

static const char *const ev_names[EV__COUNT] = {
	"TDM_PROCEEDING", "TDM_ALERTING",  "TDM_PROGRESS", "TDM_CONNECT",
	"TDM_CONNECT_ACK", "TDM_DISCONNECT", "TDM_RELEASED", "SIP_PROGRESS",
	"SIP_ANSWERED",	  "SIP_CONFIRMED", "SIP_FAILED",   "SIP_CANCELLED",
	"SIP_BYE",	  "SIP_ENDED",	   "NO_ANSWER",	   "SHUTDOWN",
};

struct gw_call {
	struct gw_call *next;
	struct gw *gw;
	unsigned id;
	enum call_orig orig;
	enum call_state state;
	int depth; /* dispatch nesting: free only at the outermost level */

	struct sip_call *sip;  /* NULL once the SIP leg ended */
	struct tdm_call *tdm;  /* NULL once the TDM leg is released */
	struct tdm_span *span;
	bool sip_hungup, tdm_hungup;

	struct media_sess *media;
	int rtp_fd;
	unsigned rtp_port;
	struct sockaddr_in rtp_peer;
	bool media_to_sip; /* RTP may flow: the SIP side has our SDP answer */
	struct sdp_local local;
	char answer_sdp[1024];

	struct gw_timer *no_answer;
	char called[64], calling[64], name[64];
	int cause;	   /* Q.850 cause that ended it, 0 while up */
	unsigned sip_code; /* SIP final status, 0 if none */
	uint64_t t_start, t_answer;
};

/* What came with an event. */
struct call_evdata {
	int cause;
	unsigned code;
	bool inband;
	struct sip_pl sdp;
};

#define CLOG(c, lvl, fmt, ...)                                            \
	gw_log(GW_LOG_CALL, lvl, "call %u {%s}: " fmt, (c)->id,            \
	       state_names[(c)->state], ##__VA_ARGS__)

const char *gw_call_state_name(int s);
const char *gw_call_ev_name(int e);

const char *gw_call_state_name(int s)
{
	return s >= 0 && s < CS__COUNT ? state_names[s] : "?";
}

const char *gw_call_ev_name(int e)
{
	return e >= 0 && e < EV__COUNT ? ev_names[e] : "?";
}

/* ---- legs ------------------------------------------------------------ */

static void hangup_tdm(struct gw_call *c, int cause)
{
	if (!c->tdm || c->tdm_hungup)
		return;
	c->tdm_hungup = true;
	int err = tdm_call_hangup(c->tdm, cause);

	if (err)
		CLOG(c, LOG_DEBUG, "tdm hangup: %s", strerror(err));
}

static void hangup_sip(struct gw_call *c, unsigned code, int cause)
{
	if (!c->sip || c->sip_hungup)
		return;
	c->sip_hungup = true;
	int err = sip_call_hangup(c->sip, code, cause);

	if (err)
		CLOG(c, LOG_DEBUG, "sip hangup: %s", strerror(err));
}

/* Clears both legs with one cause; the SIP code is used where a final
 * response is still owed. */
static void release_both(struct gw_call *c, int cause, unsigned code)
{
	if (!c->cause)
		c->cause = cause;
	if (c->no_answer) {
		gw_timer_stop(c->gw->loop, c->no_answer);
		c->no_answer = NULL;
	}
	c->media_to_sip = false;
	hangup_tdm(c, cause);
	hangup_sip(c, code, cause);
}

/* ---- media ----------------------------------------------------------- */

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

static int rtp_open(struct gw_call *c)
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
static int media_start(struct gw_call *c, const struct sdp_result *res)
{
	struct gw *gw = c->gw;
	struct media_hooks h = { .arg = c, .rtp_send = rtp_send,
				 .log = gw_hook_log_rtp };
	struct media_sess_cfg mc = {
		.tdm_law = tdm_span_law(c->span) == TDM_LAW_ALAW ?
				   MEDIA_LAW_ALAW : MEDIA_LAW_ULAW,
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
	CLOG(c, LOG_INFO, "media %s/%u ptime %u: local %u, remote %s:%u",
	     res->name, res->pt, mc.ptime_ms, c->rtp_port, res->addr,
	     res->port);
	return 0;
}

/* ---- lifecycle ------------------------------------------------------- */

static void no_answer_fired(void *arg);
static void dispatch(struct gw_call *c, enum call_ev ev,
		     const struct call_evdata *d);

static struct gw_call *call_alloc(struct gw *gw, enum call_orig orig)
{
	struct gw_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->gw = gw;
	c->id = ++gw->next_call_id;
	c->orig = orig;
	c->rtp_fd = -1;
	c->t_start = gw_loop_now(gw->loop);
	c->next = gw->calls;
	gw->calls = c;
	gw->ncalls++;
	c->no_answer = gw_timer_start(gw->loop, gw->cfg.no_answer_s * 1000u,
				      no_answer_fired, c);
	return c;
}

static void call_free(struct gw_call *c)
{
	struct gw *gw = c->gw;

	for (struct gw_call **pp = &gw->calls; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	gw->ncalls--;
	if (c->no_answer)
		gw_timer_stop(gw->loop, c->no_answer);
	if (c->rtp_fd >= 0) {
		gw_loop_fd_del(gw->loop, c->rtp_fd);
		close(c->rtp_fd);
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
	uint64_t now = gw_loop_now(gw->loop);

	char code[12] = "-";

	if (c->sip_code)
		snprintf(code, sizeof(code), "%u", c->sip_code);
	CLOG(c, LOG_NOTICE,
	     "ended: %s -> %s, cause %d (%s), sip %s, %s %llu ms",
	     c->calling[0] ? c->calling : "-", c->called, c->cause,
	     gw_cause_name(c->cause), code,
	     c->t_answer ? "talked" : "unanswered after",
	     (unsigned long long)(now - (c->t_answer ? c->t_answer :
						       c->t_start)));
	free(c);
	if (gw->stopping && !gw->ncalls)
		gw_loop_stop(gw->loop);
}

static void maybe_free(struct gw_call *c)
{
	if (c->depth == 0 && !c->sip && !c->tdm)
		call_free(c);
}

static void no_answer_fired(void *arg)
{
	struct gw_call *c = arg;

	c->no_answer = NULL;
	dispatch(c, EV_NO_ANSWER, NULL);
}

/* ---- actions --------------------------------------------------------- */

typedef int(call_action)(struct gw_call *c, const struct call_evdata *d);

static int a_none(struct gw_call *c, const struct call_evdata *d)
{
	return 0;
}

static int a_tdm_alerting(struct gw_call *c, const struct call_evdata *d)
{
	return sip_call_respond(c->sip, 180, NULL, NULL);
}

static int a_tdm_progress(struct gw_call *c, const struct call_evdata *d)
{
	int err = sip_call_respond(c->sip, 183, NULL, c->answer_sdp);

	if (!err)
		c->media_to_sip = true;
	return err;
}

static int a_tdm_connect(struct gw_call *c, const struct call_evdata *d)
{
	int err = sip_call_respond(c->sip, 200, NULL, c->answer_sdp);

	if (err)
		return err;
	c->media_to_sip = true;
	c->t_answer = gw_loop_now(c->gw->loop);
	c->gw->stats.calls_answered++;
	if (c->no_answer) {
		gw_timer_stop(c->gw->loop, c->no_answer);
		c->no_answer = NULL;
	}
	return 0;
}

/* Reads the SDP answer to our offer and starts media; 0 or errno. */
static int accept_answer(struct gw_call *c, const struct sip_pl *sdp)
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
		err = media_start(c, &res);
	if (err)
		CLOG(c, LOG_WARNING, "SDP answer not usable: %s", strerror(err));
	return err;
}

static int a_sip_progress(struct gw_call *c, const struct call_evdata *d)
{
	if (d->code == 100)
		return 0;
	if (d->sdp.l && !accept_answer(c, &d->sdp)) {
		/* 183 with SDP: the far end sends in-band progress */
		c->media_to_sip = true;
		c->state = CS_EARLY;
		return tdm_call_progress(c->tdm);
	}
	if (c->state == CS_SETUP) {
		c->state = CS_ALERTING;
		return tdm_call_alerting(c->tdm, false);
	}
	return 0;
}

static int a_sip_answered(struct gw_call *c, const struct call_evdata *d)
{
	if (d->sdp.l ? accept_answer(c, &d->sdp) : !c->media) {
		/* answered without usable media: nothing to bridge */
		release_both(c, GW_CAUSE_BEARER_NOT_AVAIL, 488);
		c->state = CS_RELEASING;
		return 0;
	}
	c->media_to_sip = true;
	c->t_answer = gw_loop_now(c->gw->loop);
	c->gw->stats.calls_answered++;
	if (c->no_answer) {
		gw_timer_stop(c->gw->loop, c->no_answer);
		c->no_answer = NULL;
	}
	c->state = CS_ACTIVE;
	return tdm_call_answer(c->tdm);
}

static int a_tdm_disconnect(struct gw_call *c, const struct call_evdata *d)
{
	int cause = d->cause > 0 ? d->cause : GW_CAUSE_NORMAL;

	if (!c->t_answer)
		c->gw->stats.calls_failed++;
	/* The TDM side has already started clearing; completing it is
	 * release_both()'s hangup (a no-op if the library did it). */
	if (!c->sip_code && c->orig == ORIG_SIP && !c->t_answer)
		c->sip_code = gw_cause_to_sip(cause);
	release_both(c, cause, gw_cause_to_sip(cause));
	return 0;
}

static int sip_cause(const struct call_evdata *d, int dflt)
{
	if (d->cause > 0)
		return d->cause;
	return d->code >= 300 ? gw_sip_to_cause(d->code) : dflt;
}

static int a_sip_failed(struct gw_call *c, const struct call_evdata *d)
{
	c->sip_code = d->code;
	c->sip_hungup = true; /* the transaction is over */
	c->gw->stats.calls_failed++;
	release_both(c, sip_cause(d, GW_CAUSE_NORMAL_UNSPECIFIED), d->code);
	return 0;
}

static int a_sip_cancelled(struct gw_call *c, const struct call_evdata *d)
{
	c->sip_code = 487;
	c->sip_hungup = true;
	release_both(c, sip_cause(d, GW_CAUSE_NORMAL), 487);
	return 0;
}

static int a_sip_bye(struct gw_call *c, const struct call_evdata *d)
{
	c->sip_hungup = true;
	release_both(c, sip_cause(d, GW_CAUSE_NORMAL), 0);
	return 0;
}

static int a_tdm_released(struct gw_call *c, const struct call_evdata *d)
{
	c->tdm = NULL;
	release_both(c, d->cause > 0 ? d->cause : GW_CAUSE_NORMAL,
		     gw_cause_to_sip(d->cause > 0 ? d->cause :
						    GW_CAUSE_NORMAL));
	return 0;
}

static int a_sip_ended(struct gw_call *c, const struct call_evdata *d)
{
	c->sip = NULL;
	release_both(c, GW_CAUSE_NORMAL, 0);
	return 0;
}

static int a_no_answer(struct gw_call *c, const struct call_evdata *d)
{
	CLOG(c, LOG_NOTICE, "no answer after %u s", c->gw->cfg.no_answer_s);
	c->sip_code = 480;
	c->gw->stats.calls_failed++;
	release_both(c, GW_CAUSE_NO_ANSWER, 480);
	return 0;
}

static int a_shutdown(struct gw_call *c, const struct call_evdata *d)
{
	release_both(c, GW_CAUSE_NORMAL, 503);
	return 0;
}

/* ---- the table ------------------------------------------------------- */

#define B(s) (1u << (s))
#define PRE (B(CS_SETUP) | B(CS_ALERTING) | B(CS_EARLY))
#define UP (PRE | B(CS_ACTIVE))
#define ANY (UP | B(CS_RELEASING))
#define KEEP (-1)

struct transition {
	unsigned states; /* bit mask of states the event is allowed in */
	enum call_ev ev;
	call_action *act;
	int next; /* KEEP: the action decides */
};

static const struct transition table[] = {
	{ PRE, EV_TDM_PROCEEDING, a_none, KEEP },
	{ B(CS_SETUP) | B(CS_ALERTING), EV_TDM_ALERTING, a_tdm_alerting, CS_ALERTING },
	{ B(CS_EARLY), EV_TDM_ALERTING, a_none, KEEP },
	{ PRE, EV_TDM_PROGRESS, a_tdm_progress, CS_EARLY },
	{ PRE, EV_TDM_CONNECT, a_tdm_connect, CS_ACTIVE },
	{ UP, EV_TDM_CONNECT_ACK, a_none, KEEP },
	{ UP, EV_TDM_DISCONNECT, a_tdm_disconnect, CS_RELEASING },
	{ B(CS_RELEASING), EV_TDM_DISCONNECT, a_tdm_disconnect, KEEP },
	{ ANY, EV_TDM_RELEASED, a_tdm_released, CS_RELEASING },
	{ PRE, EV_SIP_PROGRESS, a_sip_progress, KEEP },
	{ PRE, EV_SIP_ANSWERED, a_sip_answered, KEEP },
	{ B(CS_ACTIVE), EV_SIP_CONFIRMED, a_none, KEEP },
	{ UP, EV_SIP_FAILED, a_sip_failed, CS_RELEASING },
	{ UP, EV_SIP_CANCELLED, a_sip_cancelled, CS_RELEASING },
	{ UP, EV_SIP_BYE, a_sip_bye, CS_RELEASING },
	{ B(CS_RELEASING), EV_SIP_FAILED, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_CANCELLED, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_BYE, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_PROGRESS, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_CONFIRMED, a_none, KEEP },
	{ ANY, EV_SIP_ENDED, a_sip_ended, CS_RELEASING },
	{ PRE, EV_NO_ANSWER, a_no_answer, CS_RELEASING },
	{ UP, EV_SHUTDOWN, a_shutdown, CS_RELEASING },
	{ B(CS_RELEASING), EV_SHUTDOWN, a_none, KEEP },
};

static void dispatch(struct gw_call *c, enum call_ev ev,
		     const struct call_evdata *d)
{
	static const struct call_evdata none;
	const struct transition *t = NULL;

	if (!d)
		d = &none;
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (table[i].ev == ev && (table[i].states & B(c->state))) {
			t = &table[i];
			break;
		}
	if (!t) {
		CLOG(c, LOG_WARNING, "event %s not allowed here, ignored",
		     ev_names[ev]);
		c->gw->stats.bad_events++;
		return;
	}
	CLOG(c, LOG_DEBUG, "event %s", ev_names[ev]);
	c->depth++;
	int err = t->act(c, d);

	if (err) {
		CLOG(c, LOG_WARNING, "%s failed: %s; releasing", ev_names[ev],
		     strerror(err));
		release_both(c, GW_CAUSE_TEMPORARY_FAILURE, 500);
		c->state = CS_RELEASING;
	} else if (t->next != KEEP && c->state != CS_RELEASING) {
		c->state = (enum call_state)t->next;
	}
	c->depth--;
	maybe_free(c);
}

/* ---- TDM side -------------------------------------------------------- */

static void copy_str(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src ? src : "");
}

/* An incoming PSTN call: route it to a SIP trunk. */
static void tdm_setup(struct gw *gw, struct tdm_span *span,
		      struct tdm_call *tcall, const struct tdm_event *ev)
{
	struct gw_route_result rr;
	struct gw_call *c;
	int cause = 0;

	gw->stats.calls_from_pstn++;
	if (gw->stopping) {
		gw->stats.refused_stopping++;
		tdm_call_hangup(tcall, GW_CAUSE_CONGESTION);
		return;
	}
	c = call_alloc(gw, ORIG_PSTN);
	if (!c) {
		tdm_call_hangup(tcall, GW_CAUSE_TEMPORARY_FAILURE);
		return;
	}
	c->tdm = tcall;
	c->span = span;
	tdm_call_set_user(tcall, c);
	copy_str(c->called, sizeof(c->called), ev->called);
	copy_str(c->calling, sizeof(c->calling), ev->calling);
	copy_str(c->name, sizeof(c->name), ev->calling_name);
	CLOG(c, LOG_NOTICE, "from span %u chan %d: %s -> %s", tdm_span_id(span),
	     ev->chan, c->calling[0] ? c->calling : "-", c->called);

	c->depth++;
	if (gw_route_lookup(&gw->cfg, CFG_FROM_PSTN, c->called, &rr)) {
		CLOG(c, LOG_NOTICE, "no route for %s", c->called);
		gw->stats.no_route++;
		cause = GW_CAUSE_UNALLOCATED;
		goto out;
	}
	const struct cfg_trunk *tr =
		rr.route->target_kind == CFG_TARGET_TRUNK ?
			cfg_trunk_find(&gw->cfg, rr.route->target_name) : NULL;

	if (!tr) {
		CLOG(c, LOG_WARNING, "route %s leads back to the PSTN",
		     rr.route->name);
		gw->stats.no_route++;
		cause = GW_CAUSE_UNALLOCATED;
		goto out;
	}
	copy_str(c->called, sizeof(c->called), rr.called);
	if (rtp_open(c)) {
		cause = GW_CAUSE_TEMPORARY_FAILURE;
		goto out;
	}

	char ruri[160], sdp[1024];
	size_t sdplen;
	struct sip_call_params p = {
		.ruri = ruri,
		.from_user = c->calling[0] ? c->calling : "anonymous",
		.from_display = c->name[0] ? c->name : NULL,
		.from_host = gw->cfg.sip_domain,
	};

	snprintf(ruri, sizeof(ruri), "sip:%s@%s:%u", c->called, tr->host,
		 tr->port);
	if (sip_addr_set(&p.dst, tr->host, (uint16_t)tr->port) ||
	    sdp_build_offer(&c->local, sdp, sizeof(sdp), &sdplen)) {
		cause = GW_CAUSE_TEMPORARY_FAILURE;
		goto out;
	}
	p.sdp = sdp;
	int err = sip_call_invite(gw->sip, &p, c, &c->sip);

	if (err) {
		CLOG(c, LOG_WARNING, "INVITE to trunk %s failed: %s", tr->name,
		     strerror(err));
		cause = GW_CAUSE_TEMPORARY_FAILURE;
		goto out;
	}
	CLOG(c, LOG_INFO, "route %s: INVITE %s via trunk %s", rr.route->name,
	     ruri, tr->name);
	if (tdm_call_proceeding(tcall))
		CLOG(c, LOG_DEBUG, "could not send CALL PROCEEDING");
out:
	if (cause) {
		gw->stats.calls_failed++;
		release_both(c, cause, 0);
		c->state = CS_RELEASING;
	}
	c->depth--;
	maybe_free(c);
}

void gw_call_tdm_event(struct gw *gw, struct tdm_span *span,
		       struct tdm_call *tcall, const struct tdm_event *ev)
{
	struct gw_call *c = tcall ? tdm_call_user(tcall) : NULL;
	struct call_evdata d = { .cause = ev->cause, .inband = ev->inband };
	static const int map[] = {
		[TDM_EV_PROCEEDING] = EV_TDM_PROCEEDING,
		[TDM_EV_ALERTING] = EV_TDM_ALERTING,
		[TDM_EV_PROGRESS] = EV_TDM_PROGRESS,
		[TDM_EV_CONNECT] = EV_TDM_CONNECT,
		[TDM_EV_CONNECT_ACK] = EV_TDM_CONNECT_ACK,
		[TDM_EV_DISCONNECT] = EV_TDM_DISCONNECT,
		[TDM_EV_RELEASED] = EV_TDM_RELEASED,
	};

	switch (ev->type) {
	case TDM_EV_SETUP:
		tdm_setup(gw, span, tcall, ev);
		return;
	case TDM_EV_SPAN_UP:
	case TDM_EV_SPAN_DOWN:
	case TDM_EV_L1_UP:
	case TDM_EV_L1_DOWN:
		gw_log(GW_LOG_TDM, LOG_NOTICE, "span %u: %s", tdm_span_id(span),
		       tdm_event_type_name(ev->type));
		return;
	case TDM_EV_REJECTED_FRAME:
		gw->stats.span_frames_rejected++;
		gw_log(GW_LOG_TDM, LOG_WARNING, "span %u: rejected frame: %s",
		       tdm_span_id(span), ev->reason ? ev->reason : "?");
		return;
	case TDM_EV_INFO:
		return; /* overlap dialling comes with the PRI issue */
	default:
		break;
	}
	if (!c) {
		if (ev->type != TDM_EV_RELEASED)
			gw_log(GW_LOG_CALL, LOG_DEBUG,
			       "span %u: %s for no call", tdm_span_id(span),
			       tdm_event_type_name(ev->type));
		return;
	}
	if ((size_t)ev->type < sizeof(map) / sizeof(map[0]))
		dispatch(c, (enum call_ev)map[ev->type], &d);
}

void gw_call_tdm_audio(struct gw *gw, struct tdm_call *tcall,
		       const uint8_t *rx, uint8_t *tx, size_t n)
{
	struct gw_call *c = tdm_call_user(tcall);

	if (!c || !c->media)
		return;
	if (c->media_to_sip)
		media_sess_tdm_in(c->media, rx, n);
	media_sess_tdm_out(c->media, tx, n);
}

/* ---- SIP side -------------------------------------------------------- */

/* Places the PSTN leg on the first span of the group that takes it. */
static int place_on_group(struct gw_call *c, const char *group)
{
	struct gw *gw = c->gw;
	struct tdm_setup setup = {
		.called = c->called,
		.calling = c->calling[0] ? c->calling : NULL,
		.calling_name = c->name[0] ? c->name : NULL,
	};
	int err = ENOENT;

	for (size_t i = 0; i < gw->nspans; i++) {
		struct gw_span *s = &gw->spans[i];

		if (strcmp(s->cfg->group, group) || !tdm_span_is_up(s->span))
			continue;
		err = tdm_call_place(s->span, &setup, c, &c->tdm);
		if (!err) {
			c->span = s->span;
			CLOG(c, LOG_INFO, "placed on span %u chan %d",
			     s->cfg->id, tdm_call_chan(c->tdm));
			return 0;
		}
	}
	return err;
}

void gw_call_sip_incoming(struct gw *gw, struct sip_call *scall,
			  const struct sip_msg *invite)
{
	struct gw_route_result rr;
	struct gw_call *c;
	struct sip_pl pl, ctype;
	unsigned code = 0;
	int err;

	gw->stats.calls_from_sip++;
	if (gw->stopping) {
		gw->stats.refused_stopping++;
		sip_call_respond(scall, 503, NULL, NULL);
		return;
	}
	c = call_alloc(gw, ORIG_SIP);
	if (!c) {
		sip_call_respond(scall, 500, NULL, NULL);
		return;
	}
	c->sip = scall;
	sip_call_set_user(scall, c);
	pl = sip_msg_ruri_user(invite);
	sip_pl_copy(&pl, c->called, sizeof(c->called));
	pl = sip_msg_from_user(invite);
	sip_pl_copy(&pl, c->calling, sizeof(c->calling));
	pl = sip_msg_from_display(invite);
	sip_pl_copy(&pl, c->name, sizeof(c->name));
	CLOG(c, LOG_NOTICE, "from SIP: %s -> %s (Call-ID %s)",
	     c->calling[0] ? c->calling : "-", c->called,
	     sip_call_callid(scall));

	c->depth++;
	if (!c->called[0] ||
	    gw_route_lookup(&gw->cfg, CFG_FROM_SIP, c->called, &rr) ||
	    rr.route->target_kind != CFG_TARGET_GROUP) {
		CLOG(c, LOG_NOTICE, "no route for '%s'", c->called);
		gw->stats.no_route++;
		code = 404;
		goto out;
	}
	copy_str(c->called, sizeof(c->called), rr.called);

	pl = sip_msg_body(invite, &ctype);
	struct sdp_session offer;
	struct sdp_result res;
	size_t len;

	if (!pl.l || !sip_pl_casecmp(&ctype, "application/sdp")) {
		/* RFC 3261 allows an offer in the 200; not yet supported */
		CLOG(c, LOG_NOTICE, "INVITE without an SDP offer refused");
		code = 488;
		goto out;
	}
	if (sdp_parse(&offer, pl.p, pl.l)) {
		CLOG(c, LOG_NOTICE, "INVITE with malformed SDP refused");
		code = 400;
		goto out;
	}
	if (rtp_open(c)) {
		code = 503;
		goto out;
	}
	err = sdp_answer(&offer, &c->local, &res, c->answer_sdp,
			 sizeof(c->answer_sdp), &len);
	if (err) {
		CLOG(c, LOG_NOTICE, "no common codec in the offer");
		code = 488;
		goto out;
	}
	/* The span, and so the TDM law, is known only once placed. */
	err = place_on_group(c, rr.route->target_name);
	if (err) {
		if (err == ENOENT)
			CLOG(c, LOG_NOTICE, "no span of group %s is up",
			     rr.route->target_name);
		else
			CLOG(c, LOG_NOTICE, "no channel in group %s: %s",
			     rr.route->target_name, strerror(err));
		gw->stats.no_channel++;
		code = 503;
		goto out;
	}
	if (media_start(c, &res)) {
		code = 488;
		goto out;
	}
out:
	if (code) {
		c->sip_code = code;
		gw->stats.calls_failed++;
		release_both(c, gw_sip_to_cause(code), code);
		c->state = CS_RELEASING;
	}
	c->depth--;
	maybe_free(c);
}

void gw_call_sip_event(struct gw *gw, struct sip_call *scall,
		       const struct sip_call_event *ev)
{
	struct gw_call *c = sip_call_user(scall);
	struct call_evdata d = { .code = ev->code, .cause = ev->q850_cause,
				 .sdp = ev->sdp };
	static const int map[SIP_CALL_EV__COUNT] = {
		[SIP_CALL_EV_PROGRESS] = EV_SIP_PROGRESS,
		[SIP_CALL_EV_ANSWERED] = EV_SIP_ANSWERED,
		[SIP_CALL_EV_CONFIRMED] = EV_SIP_CONFIRMED,
		[SIP_CALL_EV_FAILED] = EV_SIP_FAILED,
		[SIP_CALL_EV_CANCELLED] = EV_SIP_CANCELLED,
		[SIP_CALL_EV_BYE] = EV_SIP_BYE,
		[SIP_CALL_EV_ENDED] = EV_SIP_ENDED,
	};

	if (!c || (unsigned)ev->type >= SIP_CALL_EV__COUNT)
		return;
	dispatch(c, (enum call_ev)map[ev->type], &d);
}

void gw_call_shutdown_all(struct gw *gw)
{
	struct gw_call *c = gw->calls;

	while (c) {
		/* the call may be freed by its dispatch */
		struct gw_call *next = c->next;

		dispatch(c, EV_SHUTDOWN, NULL);
		c = next;
	}
}

void gw_call_free_all(struct gw *gw)
{
	while (gw->calls) {
		struct gw_call *c = gw->calls;

		/* the libraries free their legs themselves */
		c->sip = NULL;
		c->tdm = NULL;
		call_free(c);
	}
}
