/*
 * A call: one SIP leg, one TDM leg, one media session, and the
 * interworking state machine between them, written as a table of
 * (state, event) -> action. Either leg may be the originating one.
 * See call_int.h for ownership.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/cdr.h"
#include "gateway/interwork.h"
#include "gateway/route.h"

static const char *const state_names[CS__COUNT] = {
	"SETUP", "ALERTING", "EARLY", "ACTIVE", "RELEASING",
};

static const char *const ev_names[EV__COUNT] = {
	"TDM_PROCEEDING",  "TDM_ALERTING",   "TDM_PROGRESS", "TDM_CONNECT",
	"TDM_CONNECT_ACK", "TDM_DISCONNECT", "TDM_RELEASED", "SIP_PROGRESS",
	"SIP_ANSWERED",	   "SIP_CONFIRMED",  "SIP_FAILED",   "SIP_CANCELLED",
	"SIP_BYE",	   "SIP_ENDED",	     "NO_ANSWER",    "SHUTDOWN",
};

const char *call_state_name(int s)
{
	return s >= 0 && s < CS__COUNT ? state_names[s] : "?";
}

const char *call_ev_name(int e)
{
	return e >= 0 && e < EV__COUNT ? ev_names[e] : "?";
}

unsigned call_cause_to_sip(const struct gw_call *c, int cause)
{
	return gw_iw_cause_to_sip(&c->iw_c2s, &c->gw->cfg.iw_c2s, cause);
}

int call_sip_to_cause(const struct gw_call *c, unsigned code)
{
	return gw_iw_sip_to_cause(&c->iw_s2c, &c->gw->cfg.iw_s2c, code);
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

void call_release(struct gw_call *c, int cause, unsigned code)
{
	call_rtone_stop(c); /* a release tone ends with the call */
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

/* ---- lifecycle ------------------------------------------------------- */

static void no_answer_fired(void *arg);

struct gw_call *call_alloc(struct gw *gw, enum call_orig orig)
{
	struct gw_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->gw = gw;
	c->id = ++gw->next_call_id;
	c->orig = orig;
	c->rtp_fd = c->rtcp_fd = -1;
	c->alt = -1;
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
	uint64_t now = gw_loop_now(gw->loop);
	char code[12] = "-";

	if (c->no_answer)
		gw_timer_stop(gw->loop, c->no_answer);
	call_rtone_stop(c);
	call_fax_close(c);
	gw_cdr_call_end(c); /* before the media slot is let go */
	call_media_close(c);
	gw_route_table_unref(c->rt);

	if (c->sip_code)
		snprintf(code, sizeof(code), "%u", c->sip_code);
	CLOG(c, LOG_NOTICE,
	     "ended: %s -> %s, cause %d (%s), sip %s, %s %llu ms",
	     c->calling[0] ? c->calling : "-", c->called, c->cause,
	     gw_cause_name(c->cause), code,
	     c->t_answer ? "talked" : "unanswered after",
	     (unsigned long long)(now -
				  (c->t_answer ? c->t_answer : c->t_start)));
	/* one outcome per call: answered was counted at answer time */
	if (!c->t_answer && c->abandoned)
		gw->stats.calls_abandoned++;
	else if (!c->t_answer)
		gw->stats.calls_failed++;
	free(c);
	if (gw->stopping && !gw->ncalls)
		gw_calls_drained(gw);
	gw_drain_event(gw, GW_DRAIN_EV_CALL_GONE); /* drained? (drain.c) */
}

void call_hold(struct gw_call *c)
{
	c->depth++;
}

void call_unhold(struct gw_call *c)
{
	if (--c->depth == 0 && !c->sip && !c->tdm)
		call_free(c);
}

static void no_answer_fired(void *arg)
{
	struct gw_call *c = arg;

	c->no_answer = NULL;
	call_dispatch(c, EV_NO_ANSWER, NULL);
}

/* ---- actions --------------------------------------------------------- */

typedef int(call_action)(struct gw_call *c, const struct call_evdata *d);

static int a_none(struct gw_call *c, const struct call_evdata *d)
{
	return 0;
}

/* ALERTING -> 180; with in-band information (progress indicator 8,
 * RFC 3398 8.2.3, Q.1912.5) -> 183 with SDP so the caller hears the
 * PSTN's own ringback; early_ringback: 183 and our ringback without. */
static int a_tdm_alerting(struct gw_call *c, const struct call_evdata *d)
{
	int err;
	bool inband = d && d->inband && c->mslot;

	if (!inband && (!c->gw->cfg.early_ringback || !c->mslot))
		return sip_call_respond(c->sip, 180, NULL, NULL);
	err = sip_call_respond(c->sip, 183, NULL, c->answer_sdp);
	if (err)
		return err;
	c->media_to_sip = true;
	if (!inband)
		call_tone(c, MEDIA_TONE_RINGBACK);
	return 0;
}

static int a_tdm_progress(struct gw_call *c, const struct call_evdata *d)
{
	call_tone(c, -1); /* the PSTN has its own in-band audio now */
	int err = sip_call_respond(c->sip, 183, NULL, c->answer_sdp);

	if (!err)
		c->media_to_sip = true;
	return err;
}

/* CALL PROCEEDING: the stack's 100 said it all, unless it carries
 * in-band information: then it is a PROGRESS (183 with SDP). */
static int a_tdm_proceeding(struct gw_call *c, const struct call_evdata *d)
{
	if (!d->inband || !c->mslot || c->state == CS_EARLY)
		return 0;
	c->state = CS_EARLY;
	return a_tdm_progress(c, d);
}

/* Both legs are through: media flows both ways, the call counts as
 * answered and the no-answer timer is done. */
static void call_answered(struct gw_call *c)
{
	call_tone(c, -1);
	c->media_to_sip = true;
	c->t_answer = gw_loop_now(c->gw->loop);
	c->gw->stats.calls_answered++;
	if (c->no_answer) {
		gw_timer_stop(c->gw->loop, c->no_answer);
		c->no_answer = NULL;
	}
}

static int a_tdm_connect(struct gw_call *c, const struct call_evdata *d)
{
	int err = sip_call_respond(c->sip, 200, NULL, c->answer_sdp);

	if (err)
		return err;
	call_answered(c);
	return 0;
}

static int a_sip_progress(struct gw_call *c, const struct call_evdata *d)
{
	if (d->code == 100)
		return 0;
	if (d->sdp.l && !call_accept_answer(c, &d->sdp)) {
		c->media_to_sip = true;
		c->state = CS_EARLY;
		/* 180 with SDP: ALERTING with in-band information (RFC 3398
		 * 7.2.2); 183 with SDP: PROGRESS, the far end's tones */
		if (d->code == 180)
			return tdm_call_alerting(c->tdm, true);
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
	if (d->sdp.l ? call_accept_answer(c, &d->sdp) : !c->mslot) {
		/* answered without usable media: nothing to bridge */
		call_release(c, GW_CAUSE_BEARER_NOT_AVAIL, 488);
		c->state = CS_RELEASING;
		return 0;
	}
	call_answered(c);
	c->state = CS_ACTIVE;
	return tdm_call_answer(c->tdm);
}

static int a_tdm_disconnect(struct gw_call *c, const struct call_evdata *d)
{
	int cause = d->cause > 0 ? d->cause : GW_CAUSE_NORMAL;

	if (!c->t_answer && c->orig == ORIG_PSTN)
		c->abandoned = true;
	/* busy/congestion to the SIP caller first: the PSTN leg clears now,
	 * the SIP leg when the tone ends (call_tone.c) */
	if (!c->t_answer && c->orig == ORIG_SIP && call_rtone_sip(c, cause)) {
		hangup_tdm(c, cause);
		return 0;
	}
	/* The TDM side has already started clearing; completing it is
	 * call_release()'s hangup (a no-op if the library did it). */
	if (!c->sip_code && c->orig == ORIG_SIP && !c->t_answer)
		c->sip_code = call_cause_to_sip(c, cause);
	call_release(c, cause, call_cause_to_sip(c, cause));
	c->state = CS_RELEASING;
	return 0;
}

/* A Reason header's Q.850 cause wins over the table (RFC 3326). */
static int sip_cause(const struct gw_call *c, const struct call_evdata *d,
		     int dflt)
{
	if (d->cause > 0)
		return d->cause;
	return d->code >= 300 ? call_sip_to_cause(c, d->code) : dflt;
}

static int a_sip_failed(struct gw_call *c, const struct call_evdata *d)
{
	int cause = sip_cause(c, d, GW_CAUSE_NORMAL_UNSPECIFIED);

	c->sip_code = d->code;
	c->sip_hungup = true; /* the transaction is over */
	/* busy/congestion to the PSTN caller first (call_tone.c) */
	if (!c->t_answer && c->orig == ORIG_PSTN && call_rtone_pstn(c, cause))
		return 0;
	call_release(c, cause, d->code);
	c->state = CS_RELEASING;
	return 0;
}

static int a_sip_cancelled(struct gw_call *c, const struct call_evdata *d)
{
	c->sip_code = 487;
	c->sip_hungup = true;
	c->abandoned = true; /* only an incoming INVITE can be cancelled */
	call_release(c, sip_cause(c, d, GW_CAUSE_NORMAL), 487);
	return 0;
}

static int a_sip_bye(struct gw_call *c, const struct call_evdata *d)
{
	c->sip_hungup = true;
	call_release(c, sip_cause(c, d, GW_CAUSE_NORMAL), 0);
	return 0;
}

static int a_tdm_released(struct gw_call *c, const struct call_evdata *d)
{
	int cause = d->cause > 0 ? d->cause : GW_CAUSE_NORMAL;

	c->tdm = NULL;
	if (c->rtone && !c->rtone_tdm)
		return 0; /* we cleared it; the SIP caller hears the tone */
	call_release(c, cause, call_cause_to_sip(c, cause));
	c->state = CS_RELEASING;
	return 0;
}

static int a_sip_ended(struct gw_call *c, const struct call_evdata *d)
{
	c->sip = NULL;
	if (c->rtone && c->rtone_tdm)
		return 0; /* failed; the PSTN caller hears the tone */
	call_release(c, GW_CAUSE_NORMAL, 0);
	c->state = CS_RELEASING;
	return 0;
}

static int a_no_answer(struct gw_call *c, const struct call_evdata *d)
{
	CLOG(c, LOG_NOTICE, "no answer after %u s", c->gw->cfg.no_answer_s);
	if (c->orig == ORIG_SIP)
		c->sip_code = 480; /* else the INVITE we sent is cancelled */
	call_release(c, GW_CAUSE_NO_ANSWER, 480);
	return 0;
}

static int a_shutdown(struct gw_call *c, const struct call_evdata *d)
{
	call_release(c, GW_CAUSE_NORMAL, 503);
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
	{ PRE, EV_TDM_PROCEEDING, a_tdm_proceeding, KEEP },
	{ B(CS_SETUP) | B(CS_ALERTING), EV_TDM_ALERTING, a_tdm_alerting,
	  CS_ALERTING },
	{ B(CS_EARLY), EV_TDM_ALERTING, a_none, KEEP },
	{ PRE, EV_TDM_PROGRESS, a_tdm_progress, CS_EARLY },
	{ PRE, EV_TDM_CONNECT, a_tdm_connect, CS_ACTIVE },
	{ UP, EV_TDM_CONNECT_ACK, a_none, KEEP },
	{ UP, EV_TDM_DISCONNECT, a_tdm_disconnect, KEEP },
	{ B(CS_RELEASING), EV_TDM_DISCONNECT, a_tdm_disconnect, KEEP },
	{ ANY, EV_TDM_RELEASED, a_tdm_released, KEEP },
	{ PRE, EV_SIP_PROGRESS, a_sip_progress, KEEP },
	{ PRE, EV_SIP_ANSWERED, a_sip_answered, KEEP },
	{ B(CS_ACTIVE), EV_SIP_CONFIRMED, a_none, KEEP },
	{ UP, EV_SIP_FAILED, a_sip_failed, KEEP },
	{ UP, EV_SIP_CANCELLED, a_sip_cancelled, CS_RELEASING },
	{ UP, EV_SIP_BYE, a_sip_bye, CS_RELEASING },
	{ B(CS_RELEASING), EV_SIP_FAILED, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_CANCELLED, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_BYE, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_PROGRESS, a_none, KEEP },
	{ B(CS_RELEASING), EV_SIP_CONFIRMED, a_none, KEEP },
	{ ANY, EV_SIP_ENDED, a_sip_ended, KEEP },
	{ PRE, EV_NO_ANSWER, a_no_answer, CS_RELEASING },
	{ UP, EV_SHUTDOWN, a_shutdown, CS_RELEASING },
	{ B(CS_RELEASING), EV_SHUTDOWN, a_none, KEEP },
};

void call_dispatch(struct gw_call *c, enum call_ev ev,
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
	gw_cdr_note(c, ev);
	call_hold(c);
	int err = t->act(c, d);

	if (err) {
		CLOG(c, LOG_WARNING, "%s failed: %s; releasing", ev_names[ev],
		     strerror(err));
		call_release(c, GW_CAUSE_TEMPORARY_FAILURE, 500);
		c->state = CS_RELEASING;
	} else if (t->next != KEEP && c->state != CS_RELEASING) {
		c->state = (enum call_state)t->next;
	}
	call_unhold(c);
}

void gw_call_shutdown_all(struct gw *gw)
{
	struct gw_call *c = gw->calls;

	while (c) {
		/* the call may be freed by its dispatch */
		struct gw_call *next = c->next;

		call_dispatch(c, EV_SHUTDOWN, NULL);
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
