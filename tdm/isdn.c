/*
 * ISDN signalling through libpri: one controller per layer-1 connection
 * of a span, run over our own transport (pri_new_cb), its events turned
 * into neutral tdm events and its timers driven by one hook timer,
 * re-armed after every call into libpri. Call states and the public call
 * API are call.c's; this file sends what call.c allowed. Only isdn*.c
 * include libpri.h (isdn_info.c: call information, isdn_maint.c: RESTART,
 * SERVICE, T309).
 */
#include <errno.h>
#include <libpri.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

/* libpri runs at most this many expired timers per hook timer. */
#define ISDN_SCHED_BURST 32
/* Q.931 T302 default (overlap receiving) */
#define ISDN_T302_MS 15000

static const struct {
	const char *name;
	int t1, e1; /* PRI_SWITCH_* for each span type */
} switchtypes[] = {
	{ "ni2", PRI_SWITCH_NI2, PRI_SWITCH_NI2 },
	{ "national", PRI_SWITCH_NI2, PRI_SWITCH_NI2 },
	{ "ni1", PRI_SWITCH_NI1, PRI_SWITCH_NI1 },
	{ "dms100", PRI_SWITCH_DMS100, PRI_SWITCH_DMS100 },
	{ "5ess", PRI_SWITCH_LUCENT5E, PRI_SWITCH_LUCENT5E },
	{ "4ess", PRI_SWITCH_ATT4ESS, PRI_SWITCH_ATT4ESS },
	{ "euroisdn", PRI_SWITCH_EUROISDN_T1, PRI_SWITCH_EUROISDN_E1 },
	{ "qsig", PRI_SWITCH_QSIG, PRI_SWITCH_QSIG },
};

int tdm_isdn_switchtype(const char *name, enum tdm_span_type type, int *out)
{
	size_t i;

	for (i = 0; name && i < sizeof(switchtypes) / sizeof(switchtypes[0]);
	     i++) {
		if (strcmp(name, switchtypes[i].name))
			continue;
		*out = type == TDM_SPAN_T1 ? switchtypes[i].t1
					   : switchtypes[i].e1;
		return 0;
	}
	return EINVAL;
}

bool tdm_switchtype_valid(const char *name)
{
	int sw;

	return tdm_isdn_switchtype(name, TDM_SPAN_T1, &sw) == 0;
}

const char *tdm_switchtype_list(void)
{
	return "ni2, national, ni1, dms100, 5ess, 4ess, euroisdn, qsig";
}

/* Truncating copy: numbers longer than ours are cut, not refused. */
#define isdn_copy tdm_info_copy

/* libpri's message and error hooks are process-wide: find the span
 * through the controller's user data. */
static void isdn_pri_text(struct pri *pri, char *s, int level)
{
	struct tdm_span *span = pri ? pri_get_userdata(pri) : NULL;
	char buf[256];
	size_t n;

	if (!span || !s)
		return;
	isdn_copy(buf, sizeof(buf), s);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = 0;
	if (!strncmp(buf, "!!", 2))
		span->stats.pri_errors++;
	if (n)
		tdm_log(span, level, "libpri: %s", buf);
}

static void isdn_pri_message(struct pri *pri, char *s)
{
	struct tdm_span *span = pri ? pri_get_userdata(pri) : NULL;

	/* while traced, libpri's Q.931 dumps are what the operator asked
	 * to see: logged where the default level shows them */
	isdn_pri_text(pri, s, span && span->trace ? LOG_NOTICE : LOG_DEBUG);
}

#define ISDN_TRACE_BITS (PRI_DEBUG_Q931_DUMP | PRI_DEBUG_Q931_STATE)

int tdm_span_set_trace(struct tdm_span *span, bool on)
{
	if (!span)
		return EINVAL;
	span->trace = on;
	if (span->pri)
		pri_set_debug(span->pri, on ? ISDN_TRACE_BITS : 0);
	return 0;
}

static void isdn_pri_error(struct pri *pri, char *s)
{
	isdn_pri_text(pri, s, LOG_INFO);
}

static int isdn_read(struct pri *pri, void *buf, int buflen)
{
	struct tdm_span *span = pri_get_userdata(pri);
	size_t n;

	/* 0, not -1, when nothing waits (see NOTES.md). */
	if (!span || !span->rx_frame || buflen <= 0)
		return 0;
	n = span->rx_len < (size_t)buflen ? span->rx_len : (size_t)buflen;
	memcpy(buf, span->rx_frame, n);
	span->rx_frame = NULL;
	span->rx_len = 0;
	return (int)n;
}

static int isdn_write(struct pri *pri, void *buf, int buflen)
{
	struct tdm_span *span = pri_get_userdata(pri);

	if (span && buflen > 0) {
		tdm_dchan_seen(span, buf, (size_t)buflen, true);
		span->drv->send_frame(span, buf, (size_t)buflen);
	}
	/* libpri treats a short count as a failed link */
	return buflen;
}

/* libpri's deadlines are on its own wall clock (gettimeofday), so only
 * that clock can turn them into a delay for the hook timer. */
static uint64_t isdn_wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

static void isdn_timer_fn(void *arg);
static void isdn_retire(struct tdm_span *span);

void tdm_isdn_sched(struct tdm_span *span)
{
	struct timeval *tv;
	uint64_t dl, now, ms;

	if (span->dying || !span->pri)
		return;
	tv = pri_schedule_next(span->pri);
	dl = tv ? (uint64_t)tv->tv_sec * 1000000u + (uint64_t)tv->tv_usec : 0;
	if (span->pri_timer && tv && dl == span->pri_deadline_us)
		return;
	if (span->pri_timer) {
		span->hooks.timer_stop(span->hooks.arg, span->pri_timer);
		span->pri_timer = NULL;
	}
	if (!tv)
		return;
	now = isdn_wall_us();
	ms = dl > now ? (dl - now + 999) / 1000 : 0;
	span->pri_timer = span->hooks.timer_start(span->hooks.arg, ms,
						  isdn_timer_fn, span);
	if (!span->pri_timer)
		tdm_log(span, LOG_ERR, "cannot start the Q.921/Q.931 timer");
	span->pri_deadline_us = dl;
}

struct tdm_call *tdm_isdn_find(struct tdm_span *span, void *pc)
{
	struct tdm_call *c;

	for (c = span->calls; c; c = c->next)
		if (c->pcall == pc)
			return c;
	return NULL;
}

/* libpri sends nothing for a hangup in the Call Present state (the call
 * is not "alive" yet): acknowledge first, then clear normally. */
void tdm_isdn_refuse(struct tdm_span *span, void *pcall, int cause, int ts)
{
	pri_proceeding(span->pri, pcall, ts, 0);
	pri_hangup(span->pri, pcall, cause);
}

static int isdn_ring_chan(const pri_event_ring *r)
{
	int b;

	if (r->channel == -1)
		return 0;
	b = r->channel & 0xff;
	return b == 0xff ? 0 : b;
}

/* Overlap receiving is over (or never started): the call is offered
 * with what it has. */
static void isdn_offer(struct tdm_call *c, bool complete)
{
	struct tdm_event ev = { .type = TDM_EV_SETUP };

	tdm_isdn_overlap_stop(c);
	c->overlap = false;
	c->info.complete = complete;
	c->state = TDM_CALL_OFFERED;
	tdm_call_log(c, LOG_INFO, "SETUP from '%s' to '%s'",
		     c->info.calling.digits, c->info.called.digits);
	ev.chan = c->chan->ts;
	ev.info = &c->info;
	ev.called = c->info.called.digits;
	ev.calling = c->info.calling.digits;
	ev.calling_name = c->info.calling_name;
	ev.digits = c->info.keypad;
	tdm_span_emit(c->span, c, &ev);
}

static void isdn_t302(void *arg)
{
	struct tdm_call *c = arg;
	struct tdm_span *span = c->span;

	c->t302 = NULL;
	tdm_span_enter(span);
	if (c->info.called.digits[0]) {
		tdm_call_log(c, LOG_INFO, "T302: number '%s' taken as complete",
			     c->info.called.digits);
		isdn_offer(c, true);
	} else {
		/* nothing dialled: invalid number format (Q.931 5.2.5.3) */
		tdm_call_log(c, LOG_INFO, "T302: no digits");
		c->overlap = false;
		tdm_call_hangup(c, PRI_CAUSE_INVALID_NUMBER_FORMAT);
	}
	if (tdm_span_leave(span))
		return;
	tdm_isdn_sched(span);
}

void tdm_isdn_overlap_stop(struct tdm_call *c)
{
	if (c->t302)
		c->span->hooks.timer_stop(c->span->hooks.arg, c->t302);
	c->t302 = NULL;
	if (c->t310)
		c->span->hooks.timer_stop(c->span->hooks.arg, c->t310);
	c->t310 = NULL;
}

static void isdn_t302_arm(struct tdm_call *c)
{
	struct tdm_span *span = c->span;

	if (c->t302)
		span->hooks.timer_stop(span->hooks.arg, c->t302);
	c->t302 = span->hooks.timer_start(
		span->hooks.arg, (uint64_t)span->t302_ms, isdn_t302, c);
}

/* Digits for a call collecting its number: complete on '#', sending
 * complete, or the configured length; else wait T302 for more. */
static void isdn_overlap_digits(struct tdm_call *c, const char *d,
				bool complete)
{
	char *num = c->info.called.digits;
	size_t n = strlen(num);
	int max = c->span->cfg.overlap_digits;

	for (; *d && n + 1 < sizeof(c->info.called.digits); d++) {
		if (*d == '#') {
			complete = true;
			break;
		}
		/* dialled digits are 0-9 and '*': anything else is the far
		 * end's mistake, dropped and counted */
		if ((*d < '0' || *d > '9') && *d != '*') {
			tdm_span_reject(
				c->span,
				"INFORMATION for call %u: bad digit 0x%02x dropped",
				c->id, (unsigned char)*d);
			continue;
		}
		num[n++] = *d;
	}
	num[n] = 0;
	if (max > 0 && (int)n >= max)
		complete = true;
	if (complete)
		isdn_offer(c, true);
	else
		isdn_t302_arm(c);
}

static void isdn_on_ring(struct tdm_span *span, pri_event_ring *r)
{
	q931_call *pc = r->call;
	int want = isdn_ring_chan(r);
	struct tdm_call *c;
	char called[TDM_NUM_MAX];
	int cause = 0;

	c = tdm_call_new(span, TDM_DIR_IN, NULL);
	if (!c) {
		cause = PRI_CAUSE_SWITCH_CONGESTION;
		goto reject;
	}
	/* Copy now: the event buffer is libpri's and reused. */
	tdm_info_from_ring(&c->info, r);
	if (want && !tdm_chan_find(span, want) && !r->flexible) {
		tdm_log(span, LOG_WARNING,
			"SETUP for chan %d: no such B-channel", want);
		cause = PRI_CAUSE_CHANNEL_UNACCEPTABLE;
		goto reject;
	}
	c->chan = tdm_chan_take(span, want, c);
	if (!c->chan && want && r->flexible)
		c->chan = tdm_chan_take(span, 0, c);
	if (!c->chan) {
		tdm_log(span, LOG_WARNING, "SETUP for chan %d: %s", want,
			want ? "channel not available" : "no free channel");
		cause = want ? PRI_CAUSE_REQUESTED_CHAN_UNAVAIL
			     : PRI_CAUSE_NORMAL_CIRCUIT_CONGESTION;
		goto reject;
	}
	c->pcall = pc;
	c->cref = r->cref & 0x7fff;
	c->state = TDM_CALL_OFFERED;
	tdm_call_link(c);
	span->stats.calls_in++;
	if (span->cfg.overlap && !c->info.complete) {
		/* collect the rest of the number: SETUP ACKNOWLEDGE */
		c->state = TDM_CALL_OVERLAP;
		c->overlap = true;
		tdm_call_log(c, LOG_INFO, "overlap SETUP to '%s'",
			     c->info.called.digits);
		pri_need_more_info(span->pri, pc, c->chan->ts, 0);
		isdn_copy(called, sizeof(called), c->info.called.digits);
		c->info.called.digits[0] = 0;
		isdn_overlap_digits(c, called, false);
		return;
	}
	isdn_offer(c, c->info.complete);
	return;
reject:
	if (c)
		tdm_chan_put(span, c->chan);
	free(c);
	span->stats.calls_failed++;
	tdm_isdn_refuse(span, pc, cause, 0);
}

static void isdn_on_event(struct tdm_span *span, pri_event *e)
{
	struct tdm_event ev = { .type = TDM_EV_INFO };
	struct tdm_call *c = NULL;
	char digits[TDM_NUM_MAX];
	q931_call *pc = NULL;
	bool unheard;
	int cause, ts;

	switch (e->e) {
	case PRI_EVENT_DCHAN_UP:
		/* once per connection: the start-up RESTART (UP waits), and
		 * our blocked channels told to a far end that may be new */
		if (!span->l2_seen) {
			span->l2_seen = true;
			tdm_isdn_start_restart(span);
		}
		tdm_span_l2(span, true);
		if (span->restart_pending && !span->dying)
			tdm_span_restart(span, 0);
		for (int i = 0; i < span->nchans && !span->dying; i++)
			if (span->chans[i].blocked)
				tdm_isdn_service(span, span->chans[i].ts,
						 false);
		return;
	case PRI_EVENT_DCHAN_DOWN:
		tdm_span_l2(span, false);
		return;
	case PRI_EVENT_RING:
		isdn_on_ring(span, &e->ring);
		return;
	case PRI_EVENT_RESTART:
	case PRI_EVENT_RESTART_ACK:
	case PRI_EVENT_SERVICE:
	case PRI_EVENT_SERVICE_ACK:
		tdm_isdn_maint_event(span, e);
		return;
	case PRI_EVENT_SETUP_ACK:
		pc = e->setup_ack.call;
		break;
	case PRI_EVENT_RINGING:
		pc = e->ringing.call;
		break;
	case PRI_EVENT_ANSWER:
		pc = e->answer.call;
		break;
	case PRI_EVENT_PROCEEDING:
	case PRI_EVENT_PROGRESS:
		pc = e->proceeding.call;
		break;
	case PRI_EVENT_CONNECT_ACK:
		pc = e->connect_ack.call;
		break;
	case PRI_EVENT_INFO_RECEIVED:
		pc = e->ring.call;
		break;
	case PRI_EVENT_KEYPAD_DIGIT:
		pc = e->digit.call;
		break;
	case PRI_EVENT_HANGUP_REQ:
	case PRI_EVENT_HANGUP:
	case PRI_EVENT_HANGUP_ACK:
		pc = e->hangup.call;
		break;
	default:
		tdm_log(span, LOG_DEBUG, "libpri event %s ignored",
			pri_event2str(e->e));
		return;
	}
	c = pc ? tdm_isdn_find(span, pc) : NULL;
	if (!c) {
		/* libpri still owns the call; let it finish clearing. */
		if (pc &&
		    (e->e == PRI_EVENT_HANGUP_REQ || e->e == PRI_EVENT_HANGUP))
			pri_hangup(span->pri, pc, e->hangup.cause);
		tdm_log(span, LOG_DEBUG, "%s for no call of ours",
			pri_event2str(e->e));
		return;
	}
	ev.chan = c->chan ? c->chan->ts : 0;

	switch (e->e) {
	case PRI_EVENT_SETUP_ACK:
		if (c->state == TDM_CALL_DIALING)
			c->state = TDM_CALL_OVERLAP;
		c->reported = true;
		ev.type = TDM_EV_SETUP_ACK;
		ev.progress = tdm_info_progress(e->setup_ack.progressmask);
		break;
	case PRI_EVENT_RINGING:
		tdm_isdn_overlap_stop(c); /* T310 */
		if (c->state == TDM_CALL_DIALING ||
		    c->state == TDM_CALL_PROCEEDING ||
		    c->state == TDM_CALL_OVERLAP)
			c->state = TDM_CALL_ALERTING;
		c->reported = true;
		c->overlap = false;
		ev.type = TDM_EV_ALERTING;
		ev.progress = tdm_info_progress(e->ringing.progressmask);
		ev.inband = ev.progress & TDM_PROG_INBAND;
		break;
	case PRI_EVENT_PROCEEDING:
		if (c->state == TDM_CALL_DIALING ||
		    c->state == TDM_CALL_OVERLAP) {
			c->state = TDM_CALL_PROCEEDING;
			tdm_isdn_t310_start(c);
		}
		c->overlap = false;
		ev.type = TDM_EV_PROCEEDING;
		ev.progress = tdm_info_progress(e->proceeding.progressmask);
		break;
	case PRI_EVENT_PROGRESS:
		if (c->t310)
			tdm_isdn_overlap_stop(c);
		ev.type = TDM_EV_PROGRESS;
		ev.progress = tdm_info_progress(e->proceeding.progressmask);
		ev.inband = ev.progress & TDM_PROG_INBAND;
		break;
	case PRI_EVENT_ANSWER:
		tdm_isdn_overlap_stop(c); /* T310 */
		if (c->state != TDM_CALL_RELEASING)
			c->state = TDM_CALL_CONNECTED;
		c->reported = true;
		c->overlap = false;
		ev.type = TDM_EV_CONNECT;
		break;
	case PRI_EVENT_CONNECT_ACK:
		ev.type = TDM_EV_CONNECT_ACK;
		break;
	case PRI_EVENT_INFO_RECEIVED:
	case PRI_EVENT_KEYPAD_DIGIT:
		isdn_copy(digits, sizeof(digits),
			  e->e == PRI_EVENT_KEYPAD_DIGIT ? e->digit.digits
							 : e->ring.callednum);
		if (e->e == PRI_EVENT_INFO_RECEIVED && c->overlap &&
		    c->state == TDM_CALL_OVERLAP) {
			isdn_overlap_digits(c, digits, e->ring.complete);
			return;
		}
		ev.digits = digits;
		ev.complete =
			e->e == PRI_EVENT_INFO_RECEIVED && e->ring.complete;
		break;
	case PRI_EVENT_HANGUP_REQ:
		/* DISCONNECT from the far end: report, then RELEASE. */
		cause = e->hangup.cause;
		if (!c->hungup && tdm_isdn_retry(c, cause, true))
			return;
		if (!c->hungup)
			tdm_call_disconnected(c, cause);
		if (span->dying)
			return;
		if (!c->hungup) {
			c->hungup = true;
			pri_hangup(span->pri, pc, cause);
		}
		return;
	case PRI_EVENT_HANGUP:
		/* RELEASE (COMPLETE) from the far end: our pri_hangup now
		 * answers or frees libpri's call. */
		cause = e->hangup.cause;
		if (!c->hungup && tdm_isdn_retry(c, cause, true))
			return;
		/* libpri waits for one pri_hangup() to free its call: the
		 * user's hangup inside the report below (T303, T309: nothing
		 * was hung up before) or ours after it, never both */
		c->pri_last = true;
		if (!c->hungup)
			tdm_call_disconnected(c, cause);
		if (span->dying)
			return;
		c->hungup = true;
		if (!span->l2_up)
			span->stats.t309_released++; /* libpri's T309 */
		/* our SETUP never answered (libpri's T303 gave up): the far
		 * end's view of the channel is unknown, and Q.931 5.5's
		 * RESTART is what returns it to idle on both sides */
		unheard = c->dir == TDM_DIR_OUT && !c->heard && span->l2_up &&
			  c->chan;
		ts = c->chan ? c->chan->ts : 0;
		if (c->pcall)
			pri_hangup(span->pri, c->pcall, cause);
		c->pcall = NULL;
		tdm_call_released(c, c->cause ? c->cause : cause);
		if (unheard && !span->dying) {
			tdm_log(span, LOG_NOTICE,
				"chan %d: SETUP never answered: RESTART", ts);
			tdm_span_restart(span, ts);
		}
		return;
	case PRI_EVENT_HANGUP_ACK:
		tdm_call_released(c, c->cause ? c->cause : e->hangup.cause);
		return;
	}
	tdm_call_log(c, LOG_DEBUG, "%s", tdm_event_type_name(ev.type));
	tdm_span_emit(span, c, &ev);
}

void tdm_isdn_rx(struct tdm_span *span, const uint8_t *frame, size_t len)
{
	pri_event *e;

	if (!span->pri)
		return;
	tdm_dchan_seen(span, frame, len, false);
	span->rx_frame = frame;
	span->rx_len = len;
	tdm_span_enter(span);
	e = pri_check_event(span->pri);
	span->rx_frame = NULL; /* consumed, or not wanted */
	if (e && !span->dying)
		isdn_on_event(span, e);
	if (tdm_span_leave(span))
		return;
	tdm_isdn_sched(span);
}

static void isdn_timer_fn(void *arg)
{
	struct tdm_span *span = arg;
	struct timeval *tv;
	pri_event *e;
	int i;

	span->pri_timer = NULL;
	tdm_span_enter(span);
	for (i = 0; i < ISDN_SCHED_BURST && !span->dying; i++) {
		tv = pri_schedule_next(span->pri);
		if (!tv ||
		    (uint64_t)tv->tv_sec * 1000000u + (uint64_t)tv->tv_usec >
			    isdn_wall_us())
			break;
		e = pri_schedule_run(span->pri);
		if (e)
			isdn_on_event(span, e);
	}
	if (tdm_span_leave(span))
		return;
	tdm_isdn_sched(span);
}

/* The far end vanished with the wire: free libpri's calls and ours. */
void tdm_isdn_l1_down(struct tdm_span *span)
{
	while (span->calls && !span->dying) {
		struct tdm_call *c = span->calls;

		if (!c->hungup)
			tdm_call_disconnected(c,
					      PRI_CAUSE_NETWORK_OUT_OF_ORDER);
		if (span->dying)
			break;
		if (c->pcall && !c->relcomp)
			pri_destroycall(span->pri, c->pcall);
		tdm_call_released(c, c->cause);
	}
	if (!span->dying)
		isdn_retire(span);
}

void tdm_isdn_drop_calls(struct tdm_span *span)
{
	while (span->calls) {
		struct tdm_call *c = span->calls;

		/* a call ended by RELEASE COMPLETE may be freed already */
		if (c->pcall && !c->relcomp)
			pri_destroycall(span->pri, c->pcall);
		tdm_call_destroy(c);
	}
}

/* libpri has no destructor: retired controllers stay reachable here, so
 * leak checkers see an owner, and are never called again. */
static struct pri **isdn_retired;
static size_t isdn_nretired;

static void isdn_retire(struct tdm_span *span)
{
	struct pri **r;

	if (span->pri_timer) {
		span->hooks.timer_stop(span->hooks.arg, span->pri_timer);
		span->pri_timer = NULL;
	}
	if (!span->pri)
		return;
	pri_set_userdata(span->pri, NULL);
	r = realloc(isdn_retired, (isdn_nretired + 1) * sizeof(*r));
	if (r) {
		isdn_retired = r;
		isdn_retired[isdn_nretired++] = span->pri;
	}
	span->pri = NULL;
}

_Static_assert(PRI_MAX_TIMERS <= TDM_PRI_TIMERS, "TDM_PRI_TIMERS too small");

int tdm_isdn_init(struct tdm_span *span)
{
	static bool hooked;

	if (!hooked) {
		pri_set_message(isdn_pri_message);
		pri_set_error(isdn_pri_error);
		hooked = true;
	}
	for (int i = 0; i < TDM_PRI_TIMERS; i++)
		span->pri_timers[i] = -1;
	span->t302_ms = ISDN_T302_MS;
	return 0;
}

/*
 * The wire is up: start a fresh controller, so layer 2 starts now with
 * SABME on a live link. A controller made earlier has sent its SABME
 * into the void and retransmits it only after T200; that retransmission
 * reaches a far end which has meanwhile established the link from its
 * own side, resets it, and clears the first SETUP on it (cause 101).
 * libpri has no call to restart layer 2, hence one controller per
 * connection (the old one is retired, see above).
 */
int tdm_isdn_l1_up(struct tdm_span *span)
{
	struct pri *pri;

	isdn_retire(span);
	pri = pri_new_cb(-1, span->role == TDM_ROLE_NET ? PRI_NETWORK : PRI_CPE,
			 span->switchtype, isdn_read, isdn_write, span);
	if (!pri) {
		tdm_log(span, LOG_ERR, "cannot start the D-channel: no memory");
		return ENOMEM;
	}
	span->pri = pri;
	span->l2_seen = false;
	tdm_isdn_maint_release(span);
	tdm_isdn_maint_init(span, pri);
	pri_set_debug(pri, span->trace ? ISDN_TRACE_BITS : 0);
	for (int i = 0; i < PRI_MAX_TIMERS; i++)
		if (span->pri_timers[i] >= 0)
			pri_set_timer(pri, i, span->pri_timers[i]);
	tdm_isdn_sched(span);
	return 0;
}

void tdm_isdn_release(struct tdm_span *span)
{
	tdm_isdn_maint_release(span);
	tdm_dchan_release(span);
	isdn_retire(span);
}

static const char *const isdn_timer_names[] = {
	"N200", "K",	"T200", "T203", "T302", "T303", "T305",
	"T308", "T309", "T310", "T313", "T316", "N316", NULL,
};

const char *const *tdm_timer_names(void)
{
	return isdn_timer_names;
}

int tdm_span_set_timer(struct tdm_span *span, const char *name, int value)
{
	int idx;

	if (!span || !name || value < 0)
		return EINVAL;
	/* libpri has no T302 of its own: overlap receiving is ours */
	if (!strcmp(name, "T302")) {
		if (value < 1)
			return EINVAL;
		span->t302_ms = value;
		return 0;
	}
	/* libpri 1.6 names T310 but never runs it: ours too */
	if (!strcmp(name, "T310")) {
		span->t310_ms = value;
		return 0;
	}
	idx = pri_timer2idx(name);
	if (idx < 0 || idx >= PRI_MAX_TIMERS)
		return EINVAL;
	/* kept for the controllers of later connections */
	span->pri_timers[idx] = value;
	if (span->pri) {
		pri_set_timer(span->pri, idx, value);
		tdm_isdn_sched(span);
	}
	return 0;
}
