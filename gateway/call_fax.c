/*
 * call_fax.c: fax on a call (issue 6). A fax tone from the PSTN (the
 * media worker's detector) or the far end's T.38 re-INVITE moves the
 * call to T.38: the worker's slot swaps its audio session for a T.38 leg
 * (media_t38leg) on the same socket. When the far end refuses T.38 the
 * call stays on G.711 with fax-tuned media and a V.152 re-offer
 * (gpmd vbd=yes). The far end's audio re-INVITE returns the call to
 * audio; ours after the fax, and the watchdog, are in call_fax_end.c.
 * Results come back with the leg and go to the log, metrics, CDR and,
 * for a failed fax, a trace file (call_fax_res.c).
 *
 * The decisions are small pure functions (call_fax_*) so the unit tests
 * can drive them without sockets; the rest applies them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/call_int.h"
#include "gateway/call_fax.h"
#include "gateway/cdr.h"
#include "gateway/interwork.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/net.h"

static const char *const state_names[FAX_STATE__COUNT] = {
	"idle", "wait", "offering", "t38", "g711", "returning",
};

const char *call_fax_state_name(int s)
{
	return s >= 0 && s < FAX_STATE__COUNT ? state_names[s] : "?";
}

/* ---- decisions ------------------------------------------------------- */

void call_fax_policy_of(const struct gw_cfg *cfg, const struct cfg_trunk *tr,
			struct call_fax_policy *p)
{
	p->own = cfg->fax;
	p->cfg = &p->own;
	p->mode = tr && tr->fax_mode >= 0 ? tr->fax_mode : cfg->fax.mode;
	p->initiate = tr && tr->fax_initiate >= 0 ? tr->fax_initiate
						  : cfg->fax.initiate;
}

bool call_fax_tone_counts(int detect, enum media_faxtone t)
{
	switch (t) {
	case MEDIA_FAXTONE_CNG:
		return detect == CFG_FAX_DET_ANY;
	case MEDIA_FAXTONE_CED:
	case MEDIA_FAXTONE_ANS_PR:
		return detect != CFG_FAX_DET_V21;
	case MEDIA_FAXTONE_V21:
		return true;
	default:
		return false;
	}
}

enum call_fax_act call_fax_on_tone(const struct call_fax_policy *p,
				   enum call_fax_state st, bool refused,
				   enum media_faxtone t)
{
	if (p->mode == CFG_FAX_OFF || st != FAX_IDLE ||
	    !call_fax_tone_counts(p->cfg->detect, t))
		return FAXACT_NONE;
	/* T.38 is not ours to start, or the far end said no already */
	if (p->mode == CFG_FAX_G711 || p->initiate == CFG_FAX_INIT_SIP_ONLY ||
	    refused)
		return FAXACT_G711;
	return p->cfg->wait_ms ? FAXACT_WAIT : FAXACT_OFFER;
}

enum call_fax_act call_fax_on_answer(unsigned code)
{
	if (code >= 200 && code < 300)
		return FAXACT_T38;
	if (code == 481 || code == 408)
		return FAXACT_NONE; /* the dialog is gone: the stack hangs up */
	/* 488, 415, 606 and any other refusal: no T.38 with this peer
	 * (491 never comes here: the stack retries, RFC 3261 14.1) */
	return FAXACT_G711;
}

void call_fax_caps(const struct cfg_fax *f, struct sdp_t38 *t)
{
	static const enum sdp_t38_ec ecs[] = {
		[CFG_FAX_EC_REDUNDANCY] = SDP_T38_EC_REDUNDANCY,
		[CFG_FAX_EC_FEC] = SDP_T38_EC_FEC,
		[CFG_FAX_EC_NONE] = SDP_T38_EC_NONE,
	};

	memset(t, 0, sizeof(*t));
	t->version = f->version;
	/* no V.34 in this spandsp: never more than V.17's 14400 */
	t->max_bitrate = f->max_bitrate > 14400 ? 14400 : f->max_bitrate;
	/* our offers: transferredTCF, as T.38 requires over UDP; an
	 * offer of localTCF is answered localTCF (the answer cannot
	 * change it) and done by media's t38tcf shim */
	t->rate_mgmt = SDP_T38_TRANSFERRED_TCF;
	t->max_datagram = f->max_datagram;
	t->max_buffer = 0;
	t->udp_ec = (unsigned)f->ec < 3 ? ecs[f->ec] : SDP_T38_EC_REDUNDANCY;
	t->fill_bit_removal = f->fill_bit_removal;
}

/* Image modems allowed by a negotiated T38MaxBitRate (0: no limit). */
static unsigned modems_for(uint32_t rate)
{
	if (!rate || rate >= 12000)
		return MEDIA_T38_MODEMS_ALL;
	if (rate >= 7200)
		return MEDIA_T38_V29 | MEDIA_T38_V27TER;
	return MEDIA_T38_V27TER;
}

int call_fax_leg_cfg(const struct cfg_fax *f, enum media_law law,
		     const struct sdp_t38_result *neg,
		     struct media_t38leg_cfg *lc)
{
	if (neg->t38.version > 3)
		return EINVAL;
	memset(lc, 0, sizeof(*lc));
	lc->law = law;
	lc->t38.version = neg->t38.version;
	lc->t38.ecm = f->ecm;
	lc->t38.modems = modems_for(neg->t38.max_bitrate);
	lc->t38.rate = neg->t38.rate_mgmt == SDP_T38_LOCAL_TCF
			       ? MEDIA_T38_TCF_LOCAL
			       : MEDIA_T38_TCF_TRANSFERRED;
	lc->t38.fill_bit_removal = neg->t38.fill_bit_removal;
	lc->t38.nsx_suppress = f->nsx_suppress;
	/* what we may send is the far end's limit; a silly small one is
	 * raised to the floor the engine can work with */
	lc->t38.max_datagram =
		neg->remote_max_datagram
			? (neg->remote_max_datagram < MEDIA_T38_MIN_DGRAM
				   ? MEDIA_T38_MIN_DGRAM
				   : neg->remote_max_datagram)
			: 0;
	lc->ec = neg->t38.udp_ec == SDP_T38_EC_FEC ? MEDIA_UDPTL_EC_FEC
		 : neg->t38.udp_ec == SDP_T38_EC_REDUNDANCY
			 ? MEDIA_UDPTL_EC_REDUNDANCY
			 : MEDIA_UDPTL_EC_NONE;
	lc->depth_control = f->redundancy_control;
	lc->depth_image = f->redundancy_image;
	lc->fec_span = f->fec_span;
	lc->fec_entries = f->fec_entries;
	lc->rx_max_datagram = f->max_datagram;
	lc->watchdog_ms = f->watchdog_ms;
	return 0;
}

int call_fax_vbd_offer(const struct sdp_local *loc,
		       const struct sdp_result *cur, char *buf, size_t size,
		       size_t *lenp)
{
	struct sdp_local l = *loc;
	struct sdp_codec one;
	size_t len = 0;
	int n, err;

	/* V.152: the codec in use only, no comfort noise (no VAD) */
	for (unsigned i = 0; i < loc->ncodecs; i++)
		if (loc->codecs[i].pt == cur->pt) {
			one = loc->codecs[i];
			l.codecs = &one;
			l.ncodecs = 1;
			break;
		}
	if (l.ncodecs != 1)
		return ENOENT;
	l.cn = false;
	err = sdp_build_offer(&l, buf, size, &len);
	if (err)
		return err;
	/* the audio stream is the last m= section: its attribute */
	n = snprintf(buf + len, size - len, "a=gpmd:%u vbd=yes\r\n", cur->pt);
	if (n < 0 || (size_t)n >= size - len)
		return ENOSPC;
	*lenp = len + (size_t)n;
	return 0;
}

/* ---- applying them --------------------------------------------------- */

struct gw_call *call_of_cookie(struct gw *gw, uint64_t id)
{
	for (struct gw_call *c = gw->calls; c; c = c->next)
		if (c->id == id)
			return c;
	return NULL;
}

static enum media_law call_law(const struct gw_call *c)
{
	return tdm_span_law(c->span) == TDM_LAW_ALAW ? MEDIA_LAW_ALAW
						     : MEDIA_LAW_ULAW;
}

static struct sdp_t38_local t38_local(struct gw_call *c)
{
	struct sdp_t38_local l = {
		.ip = c->local.ip,
		.port = c->local.port,
		.sess_id = c->local.sess_id,
		.sess_version = c->local.sess_version,
	};

	call_fax_caps(c->fax.pol.cfg, &l.caps);
	return l;
}

void call_fax_init(struct gw_call *c, const struct cfg_trunk *tr)
{
	call_fax_policy_of(&c->gw->cfg, tr, &c->fax.pol);
	/* the one call-level flag: a fax server trunk or a fax route */
	c->fax.initial = ((tr && tr->t38_initial) || c->route_fax) &&
			 c->fax.pol.mode == CFG_FAX_T38;
}

void call_fax_media_started(struct gw_call *c)
{
	struct media_faxdet *d;

	if (!c->fax.pol.cfg)
		call_fax_init(c, NULL);
	if (c->fax.pol.mode == CFG_FAX_OFF || !c->mslot || !c->span)
		return;
	if (media_faxdet_alloc(&d)) {
		FLOG(c, LOG_WARNING, "no tone detector: no fax detection");
		return;
	}
	if (gw_mslot_faxdet(c->mslot, d, call_law(c))) {
		media_faxdet_free(d);
		FLOG(c, LOG_WARNING, "worker busy: no fax detection");
	}
}

void call_fax_stop_wait(struct gw_call *c)
{
	if (c->fax.wait) {
		gw_timer_stop(c->gw->loop, c->fax.wait);
		c->fax.wait = NULL;
	}
}

/* G.711 pass-through: jitter buffer fixed, echo canceller off; and a
 * V.152 re-offer saying so, once. */
static void go_g711(struct gw_call *c, const char *why)
{
	char sdp[sizeof(c->answer_sdp)];
	size_t len;

	call_fax_stop_wait(c);
	if (c->fax.st != FAX_G711)
		c->gw->stats.fax_g711++;
	c->fax.st = FAX_G711;
	c->fax.t_start = gw_loop_now(c->gw->loop);
	c->fax.rec = (struct gw_cdr_fax){ .mode = "g711",
					  .pages = -1,
					  .result = "" };
	if (gw_call_fax_mode(c))
		FLOG(c, LOG_WARNING, "media not tuned for fax");
	FLOG(c, LOG_NOTICE, "G.711 pass-through (%s), codec %s", why,
	     c->media_res.name);
	if (strncmp(c->media_res.name, "PCM", 3))
		FLOG(c, LOG_WARNING,
		     "codec %s is not G.711: the fax will likely fail",
		     c->media_res.name);
	if (c->fax.vbd || !c->sip || !c->fax.refused)
		return;
	c->local.sess_version++;
	if (call_fax_vbd_offer(&c->local, &c->media_res, sdp, sizeof(sdp),
			       &len) ||
	    sip_call_reoffer(c->sip, sdp)) {
		FLOG(c, LOG_INFO, "no V.152 re-offer sent");
		return;
	}
	c->fax.vbd = true;
}

static void send_t38_offer(struct gw_call *c)
{
	struct sdp_t38_local l;
	char sdp[sizeof(c->answer_sdp)];
	size_t len;
	int err;

	call_fax_stop_wait(c);
	if (!c->sip || c->state != CS_ACTIVE)
		return;
	c->local.sess_version++;
	l = t38_local(c);
	err = sdp_t38_build_offer(&l, sdp, sizeof(sdp), &len);
	if (!err)
		err = sip_call_reoffer(c->sip, sdp);
	if (err) {
		/* EBUSY: an offer of ours is pending (a session refresh);
		 * the fax goes on as G.711 rather than wait */
		FLOG(c, LOG_WARNING, "T.38 re-INVITE not sent: %s",
		     strerror(err));
		go_g711(c, "no re-INVITE");
		return;
	}
	c->gw->stats.fax_t38_offered++;
	c->fax.st = FAX_OFFERING;
	FLOG(c, LOG_NOTICE, "re-INVITE to T.38 (version <= %u)",
	     l.caps.version);
}

static void wait_fired(void *arg)
{
	struct gw_call *c = arg;

	c->fax.wait = NULL;
	if (c->fax.st != FAX_WAIT || c->state == CS_RELEASING)
		return;
	if (c->state != CS_ACTIVE && ++c->fax.rounds < FAX_WAIT_ROUNDS) {
		c->fax.wait = gw_timer_start(c->gw->loop, 500, wait_fired, c);
		return;
	}
	if (c->state != CS_ACTIVE) {
		go_g711(c, "not answered");
		return;
	}
	FLOG(c, LOG_INFO, "no T.38 re-INVITE from the far end in %u ms",
	     c->fax.pol.cfg->wait_ms);
	send_t38_offer(c);
}

void gw_call_faxtone(void *arg, uint64_t cookie, enum media_faxtone tone)
{
	struct gw *gw = arg;
	struct gw_call *c = call_of_cookie(gw, cookie);
	enum call_fax_act a;

	if (!c || c->state == CS_RELEASING)
		return;
	a = call_fax_on_tone(&c->fax.pol, c->fax.st, c->fax.refused, tone);
	FLOG(c, LOG_INFO, "%s from the PSTN%s", media_faxtone_name(tone),
	     a == FAXACT_NONE ? " (ignored)" : "");
	if (a == FAXACT_NONE)
		return;
	if (!c->fax.tone) {
		c->fax.tone = (int)tone;
		gw->stats.fax_detected++;
	}
	/* before answer the re-INVITE has no dialog to go in: tune now,
	 * switch once the call is up (the far end may do it first) */
	if (a == FAXACT_G711) {
		go_g711(c, c->fax.refused ? "T.38 refused" : "policy");
	} else if (a == FAXACT_OFFER && c->state == CS_ACTIVE) {
		send_t38_offer(c);
	} else {
		unsigned ms =
			c->fax.pol.cfg->wait_ms ? c->fax.pol.cfg->wait_ms : 200;

		c->fax.st = FAX_WAIT;
		gw_call_fax_mode(c); /* G.711 meanwhile: keep it clean */
		c->fax.wait = gw_timer_start(gw->loop, ms, wait_fired, c);
	}
}

/* The worker runs the leg from here on; EAGAIN etc: nothing changed. */
static int start_leg(struct gw_call *c, const struct sdp_t38_result *neg)
{
	struct media_t38leg_cfg lc;
	struct media_t38leg *leg = NULL;
	struct media_addr peer;
	struct sockaddr_in sin;
	char tag[32];
	int err;

	if (!c->mslot)
		return ENOENT;
	if (gw_sockaddr_in(&sin, neg->addr, neg->port))
		return EAFNOSUPPORT;
	gw_media_addr_from_sin(&peer, &sin);
	if (c->fax.st == FAX_T38) { /* a refresh or a move */
		if (!media_addr_eq(&peer, &c->fax.peer)) {
			err = gw_mslot_set_peer(c->mslot, &peer);
			if (err)
				return err;
			c->fax.peer = peer;
		}
		c->fax.neg = *neg;
		return 0;
	}
	err = call_fax_leg_cfg(c->fax.pol.cfg, call_law(c), neg, &lc);
	if (err)
		return err;
	snprintf(tag, sizeof(tag), "call %u", c->id);
	lc.t38.tag = tag;
	err = media_t38leg_alloc(&lc, gw_mslot_t38_send, c->mslot, &leg);
	if (!err)
		err = gw_mslot_t38(c->mslot, leg, &peer);
	if (err) {
		media_t38leg_free(leg);
		return err;
	}
	call_fax_stop_wait(c);
	c->fax.st = FAX_T38;
	c->fax.ended = false;
	c->fax.peer = peer;
	c->fax.neg = *neg;
	c->fax.t_start = gw_loop_now(c->gw->loop);
	FLOG(c, LOG_NOTICE,
	     "T.38 v%u to %s:%u, max bit rate %u, %s, max datagram %u/%u, %s",
	     neg->t38.version, neg->addr, neg->port,
	     (unsigned)neg->t38.max_bitrate, sdp_t38_ec_name(neg->t38.udp_ec),
	     (unsigned)neg->remote_max_datagram, c->fax.pol.cfg->max_datagram,
	     media_t38_rate_name(lc.t38.rate));
	return 0;
}

/* The far end's offer with T.38 in it: answered here whatever happens. */
static void t38_offered(struct gw_call *c, const struct sdp_session *offer)
{
	const struct sdp_media *m = sdp_t38_stream(offer);
	struct sdp_t38_result res;
	struct sdp_t38_local l;
	char buf[sizeof(c->answer_sdp)];
	size_t len;
	int err;

	if (c->fax.pol.mode != CFG_FAX_T38) {
		FLOG(c, LOG_NOTICE, "T.38 offered, fax mode %s: 488",
		     c->fax.pol.mode == CFG_FAX_G711 ? "g711" : "off");
		goto refuse;
	}
	if (m->t38.rate_mgmt == SDP_T38_LOCAL_TCF)
		FLOG(c, LOG_INFO,
		     "T.38 offered with localTCF: TCF made "
		     "and checked here");
	l = t38_local(c);
	err = sdp_t38_answer(offer, &l, &res, buf, sizeof(buf), &len);
	if (!err && strcmp(buf, c->answer_sdp)) {
		/* a changed answer gets a new o= version (RFC 3264 8); a
		 * refresh with the same offer keeps it */
		l.sess_version = ++c->local.sess_version;
		err = sdp_t38_answer(offer, &l, &res, buf, sizeof(buf), &len);
	}
	if (!err)
		err = start_leg(c, &res);
	if (err) {
		FLOG(c, LOG_WARNING, "T.38 offer not taken: %s: 488",
		     strerror(err));
		goto refuse;
	}
	c->gw->stats.fax_t38_accepted++;
	memcpy(c->answer_sdp, buf, len + 1);
	sip_call_answer(c->sip, 200, c->answer_sdp);
	return;
refuse:
	c->gw->stats.fax_t38_rejected++;
	sip_call_answer(c->sip, 488, NULL);
	if (c->fax.pol.mode == CFG_FAX_G711 && c->fax.st != FAX_G711)
		go_g711(c, "T.38 refused by us");
}

bool call_fax_offer(struct gw_call *c, const struct sip_pl *sdp)
{
	struct sdp_session offer;

	if (!c->fax.pol.cfg)
		call_fax_init(c, NULL);
	if (!c->sip || !sdp->l || sdp_parse(&offer, sdp->p, sdp->l))
		return false; /* call_reoffer answers (or the stack) */
	if (sdp_t38_stream(&offer)) {
		t38_offered(c, &offer);
		return true;
	}
	if (c->fax.st == FAX_T38 || c->fax.st == FAX_RETURNING) {
		/* an offer we refuse leaves the call on T.38: checked before
		 * the leg ends (an SRTP trunk's peer offering plain RTP
		 * back, say) */
		if (call_fax_audio_offer_check(&c->local, &c->media_res,
					       &offer)) {
			FLOG(c, LOG_WARNING,
			     "audio offer not acceptable: 488, T.38 stays");
			sip_call_answer(c->sip, 488, NULL);
			return true;
		}
		/* back to audio: the leg comes back with its results;
		 * call_reoffer answers the audio offer */
		if (gw_mslot_t38_end(c->mslot)) {
			FLOG(c, LOG_WARNING, "worker busy: 500");
			sip_call_answer(c->sip, 500, NULL);
			return true;
		}
		FLOG(c, LOG_NOTICE, "back to audio; fax detection on again");
		call_fax_back_on_audio(c);
	}
	return false;
}

void call_fax_reoffer_done(struct gw_call *c, unsigned code,
			   const struct sip_pl *sdp)
{
	struct sdp_session ans;
	struct sdp_t38_result res;
	struct sdp_t38_local l;
	int err;

	if (c->fax.vbd && c->fax.st == FAX_G711) {
		c->fax.vbd = false;
		FLOG(c, LOG_INFO, "V.152 re-offer answered %u", code);
		return; /* the media stays as it is either way */
	}
	if (c->fax.st == FAX_RETURNING) {
		call_fax_return_answered(c, code, sdp);
		return;
	}
	if (c->fax.st != FAX_OFFERING && c->fax.st != FAX_T38)
		return;
	switch (call_fax_on_answer(code)) {
	case FAXACT_T38:
		l = t38_local(c);
		err = sdp->l ? sdp_parse(&ans, sdp->p, sdp->l) : ENOENT;
		if (!err)
			err = sdp_t38_accept_answer(&ans, &l, &res);
		if (!err)
			err = start_leg(c, &res);
		if (!err)
			return;
		/* a 2xx we cannot use: the dialog now says T.38 while the
		 * media is audio; the far end's next offer can fix it */
		FLOG(c, LOG_WARNING, "T.38 answer not usable: %s",
		     strerror(err));
		c->fax.refused = true;
		go_g711(c, "unusable T.38 answer");
		return;
	case FAXACT_G711:
		c->gw->stats.fax_t38_refused++;
		c->fax.refused = true;
		FLOG(c, LOG_NOTICE, "T.38 refused with %u", code);
		go_g711(c, "T.38 refused");
		return;
	default:
		return;
	}
}

static int rest_stream(const struct gw_call *c, const struct sdp_t38_result *t,
		       struct sdp_result *res);

int call_fax_initial_offer(struct gw_call *c, char *sdp, size_t size,
			   size_t *len)
{
	struct sdp_t38_local l = t38_local(c);
	char img[sizeof(c->answer_sdp)];
	const char *m;
	size_t n;
	int err = sdp_t38_build_offer(&l, img, sizeof(img), &n);

	if (err)
		return err;
	/* its m=image section after our audio one, same session */
	m = strstr(img, "m=image ");
	if (!m)
		return EINVAL;
	n = strlen(m);
	if (*len + n + 1 > size)
		return ENOSPC;
	memcpy(sdp + *len, m, n + 1);
	*len += n;
	FLOG(c, LOG_INFO, "INVITE offers T.38 beside the audio");
	return 0;
}

int call_fax_initial_answer(struct gw_call *c, const struct sdp_session *answer)
{
	struct sdp_t38_local l = t38_local(c);
	struct sdp_t38_result t;
	struct sdp_result res;
	int err;

	/* audio taken (alone or beside T.38): the usual call, a fax tone
	 * may switch it later */
	for (unsigned i = 0; i < answer->nmedia; i++)
		if (!answer->media[i].is_t38 && answer->media[i].port &&
		    !strcmp(answer->media[i].type, "audio"))
			return ENOENT;
	err = sdp_t38_accept_answer(answer, &l, &t);
	if (err)
		return err == ENOTSUP ? ENOENT : err;
	/* the slot needs an audio session to rest: our first codec, aimed
	 * at the UDPTL address; it never sends (T.38 at once) */
	if (rest_stream(c, &t, &res))
		return ENOENT;
	err = call_media_start(c, &res);
	if (!err)
		err = start_leg(c, &t);
	if (err)
		FLOG(c, LOG_WARNING, "T.38 answer to our INVITE not usable: %s",
		     strerror(err));
	return err;
}

/* The audio stream a slot rests on while T.38 runs from the start. */
static int rest_stream(const struct gw_call *c, const struct sdp_t38_result *t,
		       struct sdp_result *res)
{
	if (!c->local.ncodecs)
		return ENOENT;
	memset(res, 0, sizeof(*res));
	res->pt = c->local.codecs[0].pt;
	snprintf(res->name, sizeof(res->name), "%s", c->local.codecs[0].name);
	res->rate = c->local.codecs[0].rate;
	snprintf(res->addr, sizeof(res->addr), "%s", t->addr);
	res->port = t->port;
	res->te_pt = -1;
	return 0;
}

int call_fax_incoming_offer(struct gw_call *c, const struct sdp_session *offer,
			    struct sdp_result *res)
{
	const struct sdp_media *m = sdp_t38_stream(offer);
	struct sdp_t38_local l;
	size_t len;
	int err;

	if (!c->fax.pol.cfg)
		call_fax_init(c, NULL);
	if (!m || c->fax.pol.mode != CFG_FAX_T38)
		return ENOTSUP;
	if (m->t38.rate_mgmt == SDP_T38_LOCAL_TCF)
		FLOG(c, LOG_INFO,
		     "INVITE offers T.38 with localTCF: TCF made "
		     "and checked here");
	l = t38_local(c);
	err = sdp_t38_answer(offer, &l, &c->fax.neg, c->answer_sdp,
			     sizeof(c->answer_sdp), &len);
	if (!err)
		err = rest_stream(c, &c->fax.neg, res);
	if (err)
		return err;
	c->fax.initial = true;
	FLOG(c, LOG_INFO, "INVITE with T.38 and no audio: a fax call");
	return 0;
}

int call_fax_incoming_start(struct gw_call *c)
{
	struct sdp_t38_result t = c->fax.neg;
	int err = start_leg(c, &t);

	if (err)
		FLOG(c, LOG_WARNING, "T.38 from the INVITE not started: %s",
		     strerror(err));
	else
		c->gw->stats.fax_t38_accepted++;
	return err;
}

void call_fax_close(struct gw_call *c)
{
	call_fax_stop_wait(c);
}
