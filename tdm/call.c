/*
 * Calls: the neutral call object, its state machine and the public call
 * API. Which requests each state allows is one table here; isdn.c turns
 * the allowed ones into Q.931 messages and reports the far end's with
 * tdm_call_disconnected() and tdm_call_released().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

#define ST(s) (1u << TDM_CALL_##s)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const call_state_names[] = {
	[TDM_CALL_OFFERED] = "OFFERED",
	[TDM_CALL_DIALING] = "DIALING",
	[TDM_CALL_PROCEEDING] = "PROCEEDING",
	[TDM_CALL_ALERTING] = "ALERTING",
	[TDM_CALL_CONNECTED] = "CONNECTED",
	[TDM_CALL_RELEASING] = "RELEASING",
	[TDM_CALL_OVERLAP] = "OVERLAP",
};

static const char *const call_dir_names[] = {
	[TDM_DIR_IN] = "in",
	[TDM_DIR_OUT] = "out",
};

const char *tdm_call_state_name(enum tdm_call_state s)
{
	if ((size_t)s >= NELEM(call_state_names) || !call_state_names[s])
		return "?";
	return call_state_names[s];
}

const char *tdm_call_dir_name(enum tdm_call_dir d)
{
	if ((size_t)d >= NELEM(call_dir_names) || !call_dir_names[d])
		return "?";
	return call_dir_names[d];
}

/* The answering side's requests: only the called side (an incoming call)
 * may make them, and only in the states listed. */
enum call_req { REQ_PROCEEDING, REQ_ALERTING, REQ_PROGRESS, REQ_ANSWER };

static const struct {
	const char *name;
	unsigned states; /* ST() mask of the states allowing it */
	int next;	 /* state entered, -1: unchanged */
} call_reqs[] = {
	[REQ_PROCEEDING] = { "proceeding", ST(OFFERED), TDM_CALL_PROCEEDING },
	[REQ_ALERTING] = { "alerting", ST(OFFERED) | ST(PROCEEDING),
			   TDM_CALL_ALERTING },
	[REQ_PROGRESS] = { "progress",
			   ST(OFFERED) | ST(PROCEEDING) | ST(ALERTING), -1 },
	[REQ_ANSWER] = { "answer", ST(OFFERED) | ST(PROCEEDING) | ST(ALERTING),
			 TDM_CALL_CONNECTED },
};

static const struct tdm_sig sig_isdn = {
	.setup = tdm_isdn_setup,
	.proceeding = tdm_isdn_proceeding,
	.alerting = tdm_isdn_alerting,
	.progress = tdm_isdn_progress,
	.answer = tdm_isdn_answer,
	.hangup = tdm_isdn_hangup,
	.digits = tdm_isdn_digits,
};

/* Q.931 through libpri, unless the driver signals by itself. */
static const struct tdm_sig *call_sig(const struct tdm_call *c)
{
	return c->span->drv->sig ? c->span->drv->sig : &sig_isdn;
}

/* The one dispatch point for the requests above: checks, logs, sends. */
static int call_request(struct tdm_call *c, enum call_req r, bool inband)
{
	if (!c)
		return EINVAL;
	if (c->span->state != TDM_SPAN_UP)
		return ENOTCONN;
	if (c->dir != TDM_DIR_IN || c->hungup ||
	    !(call_reqs[r].states & (1u << c->state))) {
		tdm_call_log(c, LOG_WARNING, "%s not allowed (%s call%s)",
			     call_reqs[r].name, tdm_call_dir_name(c->dir),
			     c->hungup ? ", hung up" : "");
		return EINVAL;
	}
	switch (r) {
	case REQ_PROCEEDING:
		call_sig(c)->proceeding(c);
		break;
	case REQ_ALERTING:
		call_sig(c)->alerting(c, inband);
		break;
	case REQ_PROGRESS:
		call_sig(c)->progress(c);
		break;
	case REQ_ANSWER:
		call_sig(c)->answer(c);
		break;
	}
	if (call_reqs[r].next >= 0)
		c->state = (enum tdm_call_state)call_reqs[r].next;
	tdm_call_log(c, r == REQ_ANSWER ? LOG_INFO : LOG_DEBUG, "%s sent",
		     call_reqs[r].name);
	return 0;
}

struct tdm_call *tdm_call_new(struct tdm_span *span, enum tdm_call_dir dir,
			      void *user)
{
	struct tdm_call *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->span = span;
	c->id = span->next_call_id++;
	if (!span->next_call_id)
		span->next_call_id = 1;
	c->dir = dir;
	c->user = user;
	return c;
}

void tdm_call_link(struct tdm_call *c)
{
	c->next = c->span->calls;
	c->span->calls = c;
	c->span->ncalls++;
}

static void call_unlink(struct tdm_call *c)
{
	struct tdm_call **pp;

	for (pp = &c->span->calls; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			c->span->ncalls--;
			break;
		}
	}
}

void tdm_call_destroy(struct tdm_call *c)
{
	tdm_isdn_overlap_stop(c);
	call_unlink(c);
	tdm_chan_put(c->span, c->chan);
	free(c);
}

/* The channel is idle when RELEASED is delivered; the call dies after. */
void tdm_call_released(struct tdm_call *c, int cause)
{
	struct tdm_event ev = { .type = TDM_EV_RELEASED, .cause = cause };

	ev.chan = c->chan ? c->chan->ts : 0;
	tdm_call_log(c, LOG_INFO, "released, cause %d", cause);
	tdm_isdn_overlap_stop(c);
	/* c->chan stays set: the handler may still ask for the timeslot */
	call_unlink(c);
	tdm_chan_put(c->span, c->chan);
	tdm_span_emit(c->span, c, &ev);
	free(c);
}

void tdm_call_disconnected(struct tdm_call *c, int cause)
{
	struct tdm_event ev = { .type = TDM_EV_DISCONNECT, .cause = cause };

	ev.chan = c->chan ? c->chan->ts : 0;
	c->cause = cause;
	if (c->state == TDM_CALL_RELEASING)
		return;
	c->state = TDM_CALL_RELEASING;
	tdm_call_log(c, LOG_INFO, "far end disconnected, cause %d", cause);
	tdm_span_emit(c->span, c, &ev);
}

int tdm_call_place(struct tdm_span *span, const struct tdm_setup *setup,
		   void *user, struct tdm_call **out)
{
	if (!span || !setup)
		return EINVAL;
	return tdm_call_place_chan(span, setup->chan, setup, user, out);
}

int tdm_call_place_chan(struct tdm_span *span, int ts,
			const struct tdm_setup *setup, void *user,
			struct tdm_call **out)
{
	const char *called;
	struct tdm_call *c;
	int err;

	if (!span || !setup || !out)
		return EINVAL;
	called = setup->info && setup->info->called.digits[0]
			 ? setup->info->called.digits
			 : setup->called;
	/* overlap sending may start with no digit at all */
	if (!setup->overlap && (!called || !called[0]))
		return EINVAL;
	if (span->state != TDM_SPAN_UP)
		return ENOTCONN;
	if (ts && !tdm_chan_find(span, ts))
		return EINVAL;
	c = tdm_call_new(span, TDM_DIR_OUT, user);
	if (!c)
		return ENOMEM;
	c->chan = tdm_chan_take(span, ts, c);
	if (!c->chan) {
		free(c);
		span->stats.calls_failed++;
		return EBUSY;
	}
	c->fixed_chan = setup->chan != 0;
	if (!setup->called && !setup->info) {
		static const struct tdm_call_info none;

		struct tdm_setup s2 = *setup;
		s2.info = &none;
		err = call_sig(c)->setup(c, &s2);
	} else {
		err = call_sig(c)->setup(c, setup);
	}
	if (err) {
		tdm_chan_put(span, c->chan);
		free(c);
		span->stats.calls_failed++;
		return err;
	}
	c->state = TDM_CALL_DIALING;
	tdm_call_link(c);
	span->stats.calls_out++;
	tdm_call_log(c, LOG_INFO, "SETUP from '%s' to '%s'%s",
		     c->info.calling.digits, c->info.called.digits,
		     c->overlap ? " (overlap)" : "");
	*out = c;
	return 0;
}

int tdm_call_proceeding(struct tdm_call *call)
{
	return call_request(call, REQ_PROCEEDING, false);
}

int tdm_call_alerting(struct tdm_call *call, bool inband)
{
	return call_request(call, REQ_ALERTING, inband);
}

int tdm_call_progress(struct tdm_call *call)
{
	return call_request(call, REQ_PROGRESS, false);
}

int tdm_call_answer(struct tdm_call *call)
{
	return call_request(call, REQ_ANSWER, false);
}

/* Allowed in every state, also while layer 2 is down: clearing a call
 * must always be possible. A second hangup does nothing. */
int tdm_call_hangup(struct tdm_call *call, int cause)
{
	if (!call || cause < 1 || cause > 127)
		return EINVAL;
	if (call->hungup)
		return 0;
	call->hungup = true;
	if (!call->cause)
		call->cause = cause;
	tdm_call_log(call, LOG_INFO, "hangup, cause %d", cause);
	call_sig(call)->hangup(call, cause);
	call->state = TDM_CALL_RELEASING;
	return 0;
}

int tdm_call_send_digits(struct tdm_call *call, const char *digits,
			 bool complete)
{
	struct tdm_call_info *in;
	size_t n, k;

	if (!call || !digits ||
	    strspn(digits, "0123456789*#") != strlen(digits))
		return EINVAL;
	if (call->span->state != TDM_SPAN_UP)
		return ENOTCONN;
	if (call->dir != TDM_DIR_OUT || !call->overlap || call->hungup ||
	    (call->state != TDM_CALL_DIALING &&
	     call->state != TDM_CALL_OVERLAP)) {
		tdm_call_log(call, LOG_WARNING, "digits not allowed");
		return EINVAL;
	}
	in = &call->info;
	n = strlen(in->called.digits);
	k = strlen(digits);
	if (n + k >= sizeof(in->called.digits))
		return EINVAL;
	memcpy(in->called.digits + n, digits, k + 1);
	call_sig(call)->digits(call, digits);
	if (complete) {
		call->overlap = false;
		in->complete = true;
	}
	tdm_call_log(call, LOG_DEBUG, "digits '%s'%s", digits,
		     complete ? ", complete" : "");
	return 0;
}

int tdm_call_send_keypad(struct tdm_call *call, const char *digits)
{
	if (!call || !digits || !digits[0] ||
	    strspn(digits, "0123456789*#") != strlen(digits))
		return EINVAL;
	if (call->span->state != TDM_SPAN_UP)
		return ENOTCONN;
	if (call->hungup || call->state == TDM_CALL_RELEASING || !call->pcall)
		return EINVAL;
	if (call->span->drv->sig)
		call->span->drv->sig->digits(call, digits);
	else
		tdm_isdn_keypad(call, digits);
	return 0;
}

const struct tdm_call_info *tdm_call_info(const struct tdm_call *call)
{
	return &call->info;
}

void *tdm_call_user(const struct tdm_call *call)
{
	return call->user;
}

void tdm_call_set_user(struct tdm_call *call, void *user)
{
	call->user = user;
}

int tdm_call_chan(const struct tdm_call *call)
{
	return call->chan ? call->chan->ts : 0;
}

unsigned tdm_call_id(const struct tdm_call *call)
{
	return call->id;
}

struct tdm_span *tdm_call_span(const struct tdm_call *call)
{
	return call->span;
}

enum tdm_call_dir tdm_call_dir(const struct tdm_call *call)
{
	return call->dir;
}

enum tdm_call_state tdm_call_state(const struct tdm_call *call)
{
	return call->state;
}
