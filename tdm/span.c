/*
 * Span model: a T1 (23B+D, D on 24, µ-law) or an E1 (30B+D, timeslots
 * 1-15 and 17-31, D on 16, A-law), its layer 1/2 state, the per-block
 * audio fan-out to calls, logging and event delivery.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

#define NAME(tab, i)                                                         \
	((size_t)(i) < sizeof(tab) / sizeof((tab)[0]) && (tab)[i] ? (tab)[i] \
								  : "?")

static const char *const span_type_names[] = {
	[TDM_SPAN_T1] = "t1",
	[TDM_SPAN_E1] = "e1",
};
static const char *const role_names[] = {
	[TDM_ROLE_CPE] = "cpe",
	[TDM_ROLE_NET] = "net",
};
static const char *const law_names[] = {
	[TDM_LAW_ULAW] = "ulaw",
	[TDM_LAW_ALAW] = "alaw",
};
static const char *const loop_mode_names[] = {
	[TDM_LOOP_CLIENT] = "client",
	[TDM_LOOP_SERVER] = "server",
};
static const char *const span_state_names[] = {
	[TDM_SPAN_DOWN] = "DOWN",
	[TDM_SPAN_L1_UP] = "L1_UP",
	[TDM_SPAN_UP] = "UP",
};
static const char *const event_names[] = {
	[TDM_EV_SETUP] = "setup",
	[TDM_EV_PROCEEDING] = "proceeding",
	[TDM_EV_ALERTING] = "alerting",
	[TDM_EV_PROGRESS] = "progress",
	[TDM_EV_CONNECT] = "connect",
	[TDM_EV_CONNECT_ACK] = "connect_ack",
	[TDM_EV_INFO] = "info",
	[TDM_EV_DISCONNECT] = "disconnect",
	[TDM_EV_RELEASED] = "released",
	[TDM_EV_SPAN_UP] = "span_up",
	[TDM_EV_SPAN_DOWN] = "span_down",
	[TDM_EV_L1_UP] = "l1_up",
	[TDM_EV_L1_DOWN] = "l1_down",
	[TDM_EV_REJECTED_FRAME] = "rejected_frame",
	[TDM_EV_SETUP_ACK] = "setup_ack",
	[TDM_EV_CHAN_STATE] = "chan_state",
	[TDM_EV_RESTART] = "restart",
	[TDM_EV_ALARM] = "alarm",
};
static const char *const ton_names[] = {
	[TDM_TON_UNKNOWN] = "unknown",
	[TDM_TON_INTERNATIONAL] = "international",
	[TDM_TON_NATIONAL] = "national",
	[TDM_TON_NETWORK] = "network",
	[TDM_TON_SUBSCRIBER] = "subscriber",
	[TDM_TON_ABBREVIATED] = "abbreviated",
};
static const char *const npi_names[] = {
	[TDM_NPI_UNKNOWN] = "unknown",	 [TDM_NPI_E164] = "e164",
	[TDM_NPI_DATA] = "data",	 [TDM_NPI_TELEX] = "telex",
	[TDM_NPI_NATIONAL] = "national", [TDM_NPI_PRIVATE] = "private",
};
static const char *const pres_names[] = {
	[TDM_PRES_ALLOWED] = "allowed",
	[TDM_PRES_RESTRICTED] = "restricted",
	[TDM_PRES_UNAVAILABLE] = "unavailable",
};
static const char *const screen_names[] = {
	[TDM_SCREEN_USER_NOT_SCREENED] = "user_not_screened",
	[TDM_SCREEN_USER_PASSED] = "user_passed",
	[TDM_SCREEN_USER_FAILED] = "user_failed",
	[TDM_SCREEN_NETWORK] = "network",
};
static const char *const redir_names[] = {
	[TDM_REDIR_UNKNOWN] = "unknown",
	[TDM_REDIR_BUSY] = "busy",
	[TDM_REDIR_NO_REPLY] = "no_reply",
	[TDM_REDIR_DEFLECTION] = "deflection",
	[TDM_REDIR_OUT_OF_ORDER] = "out_of_order",
	[TDM_REDIR_BY_DTE] = "by_dte",
	[TDM_REDIR_UNCONDITIONAL] = "unconditional",
};

const char *tdm_span_type_name(enum tdm_span_type t)
{
	return NAME(span_type_names, t);
}

const char *tdm_role_name(enum tdm_role r)
{
	return NAME(role_names, r);
}

const char *tdm_law_name(enum tdm_law l)
{
	return NAME(law_names, l);
}

const char *tdm_loop_mode_name(enum tdm_loop_mode m)
{
	return NAME(loop_mode_names, m);
}

const char *tdm_span_state_name(enum tdm_span_state s)
{
	return NAME(span_state_names, s);
}

const char *tdm_event_type_name(enum tdm_event_type t)
{
	return NAME(event_names, t);
}

const char *tdm_alarm_name(enum tdm_alarm a)
{
	switch (a) {
	case TDM_ALARM_RED:
		return "red";
	case TDM_ALARM_YELLOW:
		return "yellow";
	case TDM_ALARM_BLUE:
		return "blue";
	}
	return "?";
}

const char *tdm_ton_name(enum tdm_ton t)
{
	return NAME(ton_names, t);
}

const char *tdm_npi_name(enum tdm_npi n)
{
	return NAME(npi_names, n);
}

const char *tdm_pres_name(enum tdm_pres p)
{
	return NAME(pres_names, p);
}

const char *tdm_screen_name(enum tdm_screen s)
{
	return NAME(screen_names, s);
}

const char *tdm_redir_name(enum tdm_redir r)
{
	return NAME(redir_names, r);
}

uint8_t tdm_law_silence(enum tdm_law l)
{
	return l == TDM_LAW_ALAW ? 0xD5 : 0xFF;
}

static void span_vlog(const struct tdm_span *span, int level,
		      const char *prefix, const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	if (!span->hooks.log)
		return;
	n = snprintf(buf, sizeof(buf), "%s", prefix);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = 0;
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	span->hooks.log(span->hooks.arg, level, buf);
}

void tdm_log(const struct tdm_span *span, int level, const char *fmt, ...)
{
	char prefix[32];
	va_list ap;

	snprintf(prefix, sizeof(prefix), "span %u: ", span->id);
	va_start(ap, fmt);
	span_vlog(span, level, prefix, fmt, ap);
	va_end(ap);
}

void tdm_call_log(const struct tdm_call *call, int level, const char *fmt, ...)
{
	char prefix[80];
	va_list ap;

	snprintf(prefix, sizeof(prefix),
		 "span %u chan %d call %u {%s}: ", call->span->id,
		 call->chan ? call->chan->ts : 0, call->id,
		 tdm_call_state_name(call->state));
	va_start(ap, fmt);
	span_vlog(call->span, level, prefix, fmt, ap);
	va_end(ap);
}

void tdm_span_emit(struct tdm_span *span, struct tdm_call *call,
		   const struct tdm_event *ev)
{
	if (span->dying || !span->hooks.event)
		return;
	span->hooks.event(span->hooks.arg, span, call, ev);
}

void tdm_span_enter(struct tdm_span *span)
{
	span->depth++;
}

static void span_destroy(struct tdm_span *span);

bool tdm_span_leave(struct tdm_span *span)
{
	if (--span->depth > 0 || !span->dying)
		return false;
	span_destroy(span);
	return true;
}

void tdm_span_reject(struct tdm_span *span, const char *fmt, ...)
{
	struct tdm_event ev = { .type = TDM_EV_REJECTED_FRAME };
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	span->stats.rx_bad++;
	tdm_log(span, LOG_WARNING, "rejected message: %s (%llu so far)", reason,
		(unsigned long long)span->stats.rx_bad);
	ev.reason = reason;
	tdm_span_emit(span, NULL, &ev);
}

/* UP needs both the wire (driver) and layer 2 (libpri); libpri may keep
 * believing in layer 2 across a short cut, so each is tracked apart. */
static void span_update(struct tdm_span *span)
{
	enum tdm_span_state st = !span->l1_up ? TDM_SPAN_DOWN
				 : span->l2_up && !span->restart_pending
					 ? TDM_SPAN_UP
					 : TDM_SPAN_L1_UP;
	struct tdm_event ev = { .type = TDM_EV_SPAN_UP };
	bool was_up = span->state == TDM_SPAN_UP;

	if (span->state == st)
		return;
	tdm_log(span, LOG_NOTICE, "%s -> %s", tdm_span_state_name(span->state),
		tdm_span_state_name(st));
	span->state = st;
	if (was_up == (st == TDM_SPAN_UP))
		return;
	ev.type = was_up ? TDM_EV_SPAN_DOWN : TDM_EV_SPAN_UP;
	tdm_span_emit(span, NULL, &ev);
}

void tdm_span_l1(struct tdm_span *span, bool up)
{
	struct tdm_event ev = { .type = up ? TDM_EV_L1_UP : TDM_EV_L1_DOWN };

	if (up)
		span->stats.connects++;
	span->l1_up = up;
	if (up && span->drv->sig)
		span->l2_up = true; /* no D-channel: signalling is local */
	else if (up)
		tdm_isdn_l1_up(span);
	tdm_span_emit(span, NULL, &ev);
	if (span->dying)
		return;
	span_update(span);
	/* The B-channels went with the wire: clear the calls now. */
	if (!up && !span->dying && span->drv->sig)
		span->l2_up = false;
	else if (!up && !span->dying)
		tdm_isdn_l1_down(span);
	/* the wire's controller is gone with it: the next connection is
	 * UP only once its own layer 2 and start-up RESTART are done */
	if (!up && !span->dying)
		tdm_span_l2(span, false);
}

void tdm_span_l2(struct tdm_span *span, bool up)
{
	if (up != span->l2_up) {
		if (up)
			span->stats.l2_ups++;
		else
			span->stats.l2_downs++;
	}
	span->l2_up = up;
	span_update(span);
}

void tdm_span_alarm(struct tdm_span *span, unsigned alarms)
{
	struct tdm_event ev = { .type = TDM_EV_ALARM, .alarms = alarms };
	unsigned raised = alarms & ~span->alarms;

	if (alarms == span->alarms)
		return;
	span->stats.alarms_red += !!(raised & TDM_ALARM_RED);
	span->stats.alarms_yellow += !!(raised & TDM_ALARM_YELLOW);
	span->stats.alarms_blue += !!(raised & TDM_ALARM_BLUE);
	tdm_log(span, alarms ? LOG_WARNING : LOG_NOTICE,
		"layer 1 alarms:%s%s%s%s", alarms & TDM_ALARM_RED ? " red" : "",
		alarms & TDM_ALARM_YELLOW ? " yellow" : "",
		alarms & TDM_ALARM_BLUE ? " blue" : "",
		alarms ? "" : " cleared");
	span->alarms = alarms;
	tdm_span_emit(span, NULL, &ev);
}

unsigned tdm_span_alarms(const struct tdm_span *span)
{
	return span->alarms;
}

/* Every driver this build has; drivers add themselves here. */
const struct tdm_drv *const tdm_drivers[] = {
	&tdm_drv_loop,
	&tdm_drv_dahdi,
	&tdm_drv_pa,
	NULL,
};

static const struct tdm_drv *tdm_drv_find(const char *name)
{
	for (size_t i = 0; tdm_drivers[i]; i++)
		if (!strcmp(tdm_drivers[i]->name, name))
			return tdm_drivers[i];
	return NULL;
}

static const char *const fault_names[TDM_FAULT__COUNT] = {
	[TDM_FAULT_SHORT_BLOCK] = "short_block",
	[TDM_FAULT_LONG_BLOCK] = "long_block",
	[TDM_FAULT_UNKNOWN_TYPE] = "unknown_type",
	[TDM_FAULT_RUNT_FRAME] = "runt_frame",
};

const char *tdm_fault_name(enum tdm_fault f)
{
	return (unsigned)f < TDM_FAULT__COUNT ? fault_names[f] : "?";
}

int tdm_fault_lookup(const char *name)
{
	for (int i = 0; i < TDM_FAULT__COUNT; i++)
		if (!strcmp(name, fault_names[i]))
			return i;
	return -1;
}

int tdm_span_inject(struct tdm_span *span, enum tdm_fault f)
{
	if (!span)
		return EINVAL;
	return span->drv->inject ? span->drv->inject(span, f) : ENOTSUP;
}

int tdm_span_inject_dchan_drop(struct tdm_span *span, unsigned ms)
{
	if (!span)
		return EINVAL;
	return span->drv->dchan_drop ? span->drv->dchan_drop(span, ms)
				     : ENOTSUP;
}

int tdm_span_inject_alarm(struct tdm_span *span, enum tdm_alarm a, bool on)
{
	if (!span || (a != TDM_ALARM_RED && a != TDM_ALARM_YELLOW &&
		      a != TDM_ALARM_BLUE))
		return EINVAL;
	return span->drv->alarm ? span->drv->alarm(span, a, on) : ENOTSUP;
}

int tdm_span_inject_corrupt(struct tdm_span *span)
{
	if (!span)
		return EINVAL;
	return span->drv->corrupt ? span->drv->corrupt(span) : ENOTSUP;
}

/* The drivers' strings in span->cfg are the span's own copies; on
 * failure the ones not copied are NULL, so span_free_strings() is safe. */
static int span_dup_strings(struct tdm_span *span)
{
	const char **str[] = { &span->cfg.pa_device, &span->cfg.console_fifo,
			       &span->cfg.console_number };
	const char *src[3];
	int err = 0;

	for (size_t i = 0; i < 3; i++) {
		src[i] = *str[i];
		*str[i] = NULL;
	}
	for (size_t i = 0; i < 3; i++) {
		if (src[i] && !(*str[i] = strdup(src[i])))
			err = ENOMEM;
	}
	return err;
}

static void span_free_strings(struct tdm_span *span)
{
	free((char *)span->cfg.pa_device);
	free((char *)span->cfg.console_fifo);
	free((char *)span->cfg.console_number);
}

int tdm_span_alloc(const struct tdm_span_cfg *cfg,
		   const struct tdm_hooks *hooks, struct tdm_span **out)
{
	const struct tdm_drv *drv;

	if (!cfg)
		return EINVAL;
	drv = tdm_drv_find(cfg->driver ? cfg->driver : "loop");
	if (!drv)
		return ENOTSUP;
	return tdm_span_alloc_drv(cfg, hooks, drv, out);
}

int tdm_span_alloc_drv(const struct tdm_span_cfg *cfg,
		       const struct tdm_hooks *hooks, const struct tdm_drv *drv,
		       struct tdm_span **out)
{
	struct tdm_span *span;
	const char *sw;
	int swtype;
	int err;

	if (!cfg || !hooks || !drv || !out || !hooks->timer_start ||
	    !hooks->timer_stop || !hooks->fd_watch || !hooks->fd_unwatch ||
	    !hooks->now)
		return EINVAL;
	if (cfg->id < 1 || cfg->id > 127 ||
	    (cfg->type != TDM_SPAN_T1 && cfg->type != TDM_SPAN_E1) ||
	    (cfg->role != TDM_ROLE_CPE && cfg->role != TDM_ROLE_NET) ||
	    (unsigned)cfg->hunt >= TDM_HUNT__COUNT || cfg->overlap_digits < 0 ||
	    cfg->overlap_digits >= TDM_NUM_MAX)
		return EINVAL;
	if (drv->validate && drv->validate(cfg))
		return EINVAL;
	sw = cfg->switchtype ? cfg->switchtype
			     : (cfg->type == TDM_SPAN_T1 ? "ni2" : "euroisdn");
	if (tdm_isdn_switchtype(sw, cfg->type, &swtype))
		return EINVAL;

	span = calloc(1, sizeof(*span));
	if (!span)
		return ENOMEM;
	span->loop_path = strdup(cfg->loop_path ? cfg->loop_path : "");
	if (!span->loop_path) {
		free(span);
		return ENOMEM;
	}
	span->drv = drv;
	span->cfg = *cfg;
	span->cfg.switchtype = span->cfg.driver = NULL;
	span->cfg.loop_path = span->loop_path;
	if (span_dup_strings(span)) {
		span_free_strings(span);
		free(span->loop_path);
		free(span);
		return ENOMEM;
	}
	span->hunt_last = -1;
	span->id = cfg->id;
	span->type = cfg->type;
	span->role = cfg->role;
	span->law = cfg->type == TDM_SPAN_T1 ? TDM_LAW_ULAW : TDM_LAW_ALAW;
	span->loop_mode = cfg->loop_mode;
	span->switchtype = swtype;
	snprintf(span->switchname, sizeof(span->switchname), "%s", sw);
	span->hooks = *hooks;
	span->state = TDM_SPAN_DOWN;
	span->next_call_id = 1;
	tdm_chan_map_init(span);
	if (drv->nchans > 0 && drv->nchans < span->nchans)
		span->nchans = drv->nchans;

	err = tdm_isdn_init(span);
	if (err) {
		span_free_strings(span);
		free(span->loop_path);
		free(span);
		return err;
	}
	tdm_log(span, LOG_INFO, "%s %s %s, %d B-channels, driver %s %s %s",
		tdm_span_type_name(span->type), tdm_role_name(span->role),
		span->switchname, span->nchans, span->drv->name,
		tdm_loop_mode_name(span->loop_mode), span->loop_path);
	*out = span;
	return 0;
}

int tdm_span_start(struct tdm_span *span)
{
	if (!span)
		return EINVAL;
	if (span->drv_priv)
		return EALREADY;
	return span->drv->open(span);
}

static void span_destroy(struct tdm_span *span)
{
	tdm_span_audio_drop(span);
	tdm_group_drop(span);
	span->drv->close(span);
	tdm_isdn_drop_calls(span);
	tdm_isdn_release(span);
	span_free_strings(span);
	free(span->loop_path);
	free(span);
}

void tdm_span_free(struct tdm_span *span)
{
	if (!span)
		return;
	if (span->depth > 0) {
		span->dying = true;
		return;
	}
	span_destroy(span);
}

unsigned tdm_span_id(const struct tdm_span *span)
{
	return span->id;
}

enum tdm_span_type tdm_span_type(const struct tdm_span *span)
{
	return span->type;
}

enum tdm_span_state tdm_span_state(const struct tdm_span *span)
{
	return span->state;
}

bool tdm_span_is_up(const struct tdm_span *span)
{
	return span->state == TDM_SPAN_UP;
}

enum tdm_law tdm_span_law(const struct tdm_span *span)
{
	return span->law;
}

const struct tdm_stats *tdm_span_stats(const struct tdm_span *span)
{
	return &span->stats;
}

int tdm_span_bchans(const struct tdm_span *span)
{
	return span->nchans;
}

int tdm_span_bchan_ts(const struct tdm_span *span, int idx)
{
	if (idx < 0 || idx >= span->nchans)
		return -1;
	return span->chans[idx].ts;
}

int tdm_span_calls(const struct tdm_span *span, struct tdm_call **calls,
		   int max)
{
	struct tdm_call *c;
	int n = 0;

	for (c = span->calls; c; c = c->next) {
		if (calls && n < max)
			calls[n] = c;
		n++;
	}
	return n;
}
