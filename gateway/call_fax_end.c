/*
 * call_fax_end.c: a call after its T.38 fax (issue 6). Once the T.30 DCN
 * has passed we re-INVITE back to audio ([fax] return_to_audio); back on
 * audio, fax tone detection starts again so a second fax switches as the
 * first did. The UDPTL watchdog tells a fax that died (cause 41) from a
 * finished one whose far end has nothing more to send: that call stays
 * up until hangup, or ends with cause 16 under [fax] idle_release.
 */
#include <errno.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/call_fax.h"
#include "gateway/interwork.h"
#include "gateway/media_worker.h"

/* ---- decisions ------------------------------------------------------- */

enum call_fax_act call_fax_on_phase_e(const struct call_fax_policy *p,
				      enum call_fax_state st, bool no_return)
{
	/* only a running T.38 leg, once: a refused return is not retried */
	if (st != FAX_T38 || no_return || !p->cfg->return_to_audio)
		return FAXACT_NONE;
	return FAXACT_WAIT;
}

int call_fax_silent_cause(const struct call_fax_policy *p, bool ended)
{
	if (!ended)
		return GW_CAUSE_TEMPORARY_FAILURE; /* the fax died mid-way */
	return p->cfg && p->cfg->idle_release ? GW_CAUSE_NORMAL : 0;
}

void call_fax_rearm(struct call_fax *f)
{
	f->st = FAX_IDLE;
	f->tone = 0; /* the next fax's tone is counted again */
	f->rounds = 0;
	f->vbd = false;
	f->no_return = false; /* a second T.38 fax may return again */
	f->ended = false;
}

int call_fax_audio_offer_check(const struct sdp_local *loc,
			       const struct sdp_result *cur,
			       const struct sdp_session *offer)
{
	struct sdp_result res;
	char buf[2048];
	size_t len;

	if (sdp_answer(offer, loc, &res, buf, sizeof(buf), &len))
		return ENOTSUP;
	/* srtp_renew: a running call's encryption is never turned off */
	if (cur->srtp && !res.srtp)
		return ENOTSUP;
	/* call_media_start: no codec change mid-call */
	if (res.pt != cur->pt)
		return ENOTSUP;
	return 0;
}

/* ---- applying them --------------------------------------------------- */

void call_fax_back_on_audio(struct gw_call *c)
{
	call_fax_stop_wait(c);
	call_fax_rearm(&c->fax);
	/* the worker freed its detector when T.38 started */
	call_fax_media_started(c);
}

static void return_fired(void *arg)
{
	struct gw_call *c = arg;
	char sdp[sizeof(c->answer_sdp)];
	size_t len;
	int err;

	c->fax.wait = NULL;
	if (c->fax.st != FAX_T38 || c->state != CS_ACTIVE || !c->sip)
		return;
	c->local.sess_version++;
	err = sdp_build_offer(&c->local, sdp, sizeof(sdp), &len);
	if (!err)
		err = sip_call_reoffer(c->sip, sdp);
	if (err == EBUSY && ++c->fax.rounds < FAX_WAIT_ROUNDS) {
		/* an offer of ours is pending (a session refresh) */
		c->fax.wait = gw_timer_start(c->gw->loop, 500, return_fired, c);
		return;
	}
	if (err) {
		FLOG(c, LOG_WARNING,
		     "re-INVITE to audio not sent: %s: T.38 until hangup",
		     strerror(err));
		c->fax.no_return = true;
		return;
	}
	c->fax.st = FAX_RETURNING;
	FLOG(c, LOG_NOTICE, "fax ended: re-INVITE back to audio");
}

void gw_call_t38_phase_e(void *arg, uint64_t cookie)
{
	struct gw *gw = arg;
	struct gw_call *c = call_of_cookie(gw, cookie);
	unsigned ms;

	if (!c || c->state == CS_RELEASING || !c->fax.pol.cfg)
		return;
	c->fax.ended = true;
	if (call_fax_on_phase_e(&c->fax.pol, c->fax.st, c->fax.no_return) ==
	    FAXACT_NONE) {
		FLOG(c, LOG_INFO, "fax ended (DCN)");
		return;
	}
	ms = c->fax.pol.cfg->return_delay_ms;
	FLOG(c, LOG_INFO, "fax ended (DCN): back to audio in %u ms", ms);
	call_fax_stop_wait(c);
	c->fax.rounds = 0;
	c->fax.wait = gw_timer_start(gw->loop, ms, return_fired, c);
}

/* 491 never comes here (the stack retries it, RFC 3261 14.1); any other
 * refusal keeps T.38 until the call ends, as the far end's T.38 session
 * is still the agreed one. */
void call_fax_return_answered(struct gw_call *c, unsigned code,
			      const struct sip_pl *sdp)
{
	struct sdp_session ans;
	struct sdp_result res;
	int err;

	if (code < 200 || code >= 300) {
		c->fax.st = FAX_T38;
		c->fax.no_return = true;
		FLOG(c, LOG_NOTICE,
		     "re-INVITE to audio refused with %u: T.38 until hangup",
		     code);
		return;
	}
	err = sdp->l ? sdp_parse(&ans, sdp->p, sdp->l) : ENOENT;
	if (!err)
		err = sdp_accept_answer(&ans, &c->local, &res);
	if (err == EPROTO) {
		/* crypto lines answering none of ours (RFC 4568 7.1.3):
		 * neither side could read the other's audio */
		c->gw->stats.srtp_answer_refused++;
		FLOG(c, LOG_WARNING,
		     "audio answer's crypto lines answer none "
		     "of ours: releasing");
		call_hold(c);
		call_release(c, GW_CAUSE_BEARER_NOT_AVAIL, 0);
		c->state = CS_RELEASING;
		call_unhold(c);
		return;
	}
	if (!err)
		err = gw_mslot_t38_end(c->mslot);
	if (err) {
		/* the dialog says audio, the media is still T.38: the far
		 * end's next offer can set it right */
		c->fax.st = FAX_T38;
		c->fax.no_return = true;
		FLOG(c, LOG_WARNING, "audio answer not usable: %s",
		     strerror(err));
		return;
	}
	call_fax_back_on_audio(c);
	/* the answer's crypto line was checked against our offer (same
	 * tag and suite, sdp_accept_answer); its key, likely new after the
	 * T.38 leg, is installed like in any answer (call_media_start) */
	if ((res.pt != c->media_res.pt || res.port != c->media_res.port ||
	     strcmp(res.addr, c->media_res.addr) ||
	     !call_srtp_same(&res, &c->media_res)) &&
	    call_media_start(c, &res)) {
		if (!call_srtp_same(&res, &c->media_res)) {
			/* audio under keys the peer does not use: noise and
			 * auth failures for the rest of the call */
			FLOG(c, LOG_WARNING,
			     "SRTP of the audio answer not usable: releasing");
			call_hold(c);
			call_release(c, GW_CAUSE_BEARER_NOT_AVAIL, 0);
			c->state = CS_RELEASING;
			call_unhold(c);
			return;
		}
		FLOG(c, LOG_WARNING, "audio not restarted for %s:%u", res.addr,
		     res.port);
	}
	c->media_res.dir = res.dir;
	FLOG(c, LOG_NOTICE,
	     "back to audio (our re-INVITE), %s to %s:%u; fax detection "
	     "on again",
	     res.name, res.addr, res.port);
}

void gw_call_t38_silent(void *arg, uint64_t cookie)
{
	struct gw *gw = arg;
	struct gw_call *c = call_of_cookie(gw, cookie);
	unsigned ms;
	int cause;

	if (!c || c->state == CS_RELEASING)
		return;
	ms = c->fax.pol.cfg ? c->fax.pol.cfg->watchdog_ms : 0;
	cause = call_fax_silent_cause(&c->fax.pol, c->fax.ended);
	if (!cause) {
		gw->stats.fax_t38_idle_kept++;
		FLOG(c, LOG_INFO,
		     "no UDPTL datagram for %u ms after the fax: "
		     "kept until hangup",
		     ms);
		return;
	}
	if (cause == GW_CAUSE_NORMAL)
		gw->stats.fax_t38_idle_released++;
	else
		gw->stats.fax_watchdog++;
	FLOG(c, cause == GW_CAUSE_NORMAL ? LOG_NOTICE : LOG_WARNING,
	     "no UDPTL datagram for %u ms%s: releasing (cause %d)", ms,
	     c->fax.ended ? " after the fax" : "", cause);
	call_hold(c);
	call_release(c, cause, 0);
	c->state = CS_RELEASING;
	call_unhold(c);
}
