/*
 * Bringing the daemon up and down: SIP socket and stack, spans, and the
 * hooks that route library events into call control.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/capture.h"
#include "gateway/cdr.h"
#include "gateway/ctl.h"
#include "gateway/gw.h"
#include "gateway/interwork.h"
#include "gateway/route.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/net.h"
#include "gateway/originate.h"
#include "gateway/rt.h"

#define GW_STOP_GRACE_MS 4000
#define GW_TRUNKS_DELAY_MS 100

static struct gw *gw_of(void *arg)
{
	return gw_container_of(arg, struct gw, hctx);
}

static int sip_send(void *arg, const struct sip_addr *dst, const void *buf,
		    size_t len)
{
	return gw_sipnet_send(gw_of(arg), dst, buf, len);
}

static void sip_incoming(void *arg, struct sip_call *call,
			 const struct sip_msg *invite)
{
	gw_call_sip_incoming(gw_of(arg), call, invite);
}

static void sip_event(void *arg, struct sip_call *call,
		      const struct sip_call_event *ev)
{
	gw_call_sip_event(gw_of(arg), call, ev);
}

static void tdm_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const struct tdm_event *ev)
{
	gw_call_tdm_event(gw_of(arg), span, call, ev);
}

static void tdm_audio_rx(void *arg, struct tdm_span *span,
			 struct tdm_call *call, const uint8_t *rx, size_t n)
{
	gw_call_tdm_audio_rx(gw_of(arg), call, rx, n);
}

static bool tdm_audio_tx(void *arg, struct tdm_span *span,
			 struct tdm_call *call, uint8_t *tx, size_t n,
			 bool late)
{
	return gw_call_tdm_audio_tx(gw_of(arg), call, tx, n, late);
}

/* A media worker played TDM blocks: the spans waiting may send theirs. */
static void media_audio_ready(void *arg)
{
	struct gw *gw = arg;

	for (size_t i = 0; i < gw->nspans; i++)
		tdm_span_audio_kick(gw->spans[i].span);
}

/*
 * Event package x-pstngw-trunks (README): one summary line, then one
 * line per span. A span that is not up has no free channel. drain= comes
 * last on the summary line, so readers of the older four fields (and
 * SIPp's regexps on them) see no change; a subscriber choosing where to
 * send calls must take anything but drain=off as "no new calls".
 */
int gw_trunks_state(const struct gw *gw, char *buf, size_t size)
{
	unsigned up = 0, chans = 0, free_ch = 0;
	size_t len = 0;
	char spans[1536] = "";

	for (size_t i = 0; i < gw->nspans; i++) {
		const struct tdm_span *sp = gw->spans[i].span;
		bool is_up = tdm_span_is_up(sp);
		int n = tdm_span_bchans(sp), nfree = 0;

		for (int k = 0; is_up && k < n; k++)
			nfree += tdm_span_chan_state(
					 sp, tdm_span_bchan_ts(sp, k)) ==
				 TDM_CHAN_IDLE;
		up += is_up;
		chans += (unsigned)n;
		free_ch += (unsigned)nfree;
		int w = snprintf(spans + len, sizeof(spans) - len,
				 "span=%u state=%s group=%s channels=%d "
				 "free=%d\r\n",
				 tdm_span_id(sp), is_up ? "up" : "down",
				 gw->spans[i].cfg->group, n, nfree);
		if (w < 0 || (size_t)w >= sizeof(spans) - len)
			break;
		len += (size_t)w;
	}
	int w = snprintf(buf, size,
			 "spans=%zu up=%u channels=%u free=%u drain=%s\r\n%s",
			 gw->nspans, up, chans, free_ch,
			 gw_drain_state_name(gw->drain.state), spans);
	return w < 0 || (size_t)w >= size ? -1 : w;
}

static void trunks_notify(void *arg)
{
	struct gw *gw = arg;

	gw->trunks_timer = NULL;
	if (gw->sip)
		sip_stack_event_changed(gw->sip, GW_TRUNKS_EVENT);
}

/* Deferred a little: a released channel is idle only after its event,
 * and a burst of changes makes one NOTIFY. */
void gw_trunks_changed(struct gw *gw)
{
	if (gw->sip && !gw->trunks_timer && !gw->stopping)
		gw->trunks_timer = gw_timer_start(gw->loop, GW_TRUNKS_DELAY_MS,
						  trunks_notify, gw);
}

static int sip_event_state(void *arg, const char *event, char *body,
			   size_t size)
{
	if (strcmp(event, GW_TRUNKS_EVENT))
		return -1;
	return gw_trunks_state(gw_of(arg), body, size);
}

static unsigned sip_options(void *arg, const struct sip_msg *req, char *hdrs,
			    size_t size)
{
	(void)req;
	return gw_health_options(gw_of(arg), hdrs, size);
}

static unsigned sip_screen(void *arg, const struct sip_addr *src,
			   const struct sip_msg *req)
{
	return gw_access_screen(gw_of(arg), src, req);
}

static unsigned sip_dialog_screen(void *arg, struct sip_call *call,
				  const struct sip_addr *src,
				  const struct sip_msg *req)
{
	return gw_access_dialog(gw_of(arg), call, src, req);
}

static unsigned sip_invite_admit(void *arg, const struct sip_msg *req,
				 char *hdrs, size_t size)
{
	(void)req;
	return gw_overload_admit_sip(gw_of(arg), hdrs, size);
}

static int start_sip(struct gw *gw)
{
	struct sip_hooks h;
	struct sip_stack_cfg sc = {
		.local_ip = gw->cfg.sip_host,
		.local_port = (uint16_t)gw->cfg.sip_port,
		.user_agent = gw->cfg.user_agent,
		.t1_ms = gw->cfg.t1_ms,
		.t2_ms = gw->cfg.t2_ms,
		.t4_ms = gw->cfg.t4_ms,
		.session_expires = gw->cfg.session_expires_s,
		.min_se = gw->cfg.min_se_s,
		.allow_events = GW_TRUNKS_EVENT,
		.q850_text = gw_cause_text, /* Reason text="" (issue 7) */
	};
	int err =
		gw_udp_bind(gw->cfg.sip_host, gw->cfg.sip_port, &gw->sipudp.fd);

	gw_hooks_sip_init(&h, &gw->hctx);
	h.send = sip_send;
	h.call_incoming = sip_incoming;
	h.call_event = sip_event;
	h.event_state = sip_event_state;
	h.options = sip_options;	     /* health (drain.c) */
	h.screen = sip_screen;		     /* access (issue 8) */
	h.dialog_screen = sip_dialog_screen; /* access: in-dialog */
	h.invite_admit = sip_invite_admit;   /* overload.c */
	if (err) {
		GW_ERR(SIP, "cannot listen on %s:%u/udp: %s", gw->cfg.sip_host,
		       gw->cfg.sip_port, strerror(err));
		gw->sipudp.fd = -1;
		return err;
	}
	err = sip_stack_alloc(&gw->sip, &sc, &h);
	gw_sipnet_udp_tune(gw, gw->sipudp.fd);
	gw->sipudp.sip = gw->sip;
	gw->sipudp.tap = gw_capture_sip_tap; /* captures, SIP tracing */
	gw->sipudp.tap_arg = gw;
	gw->sipudp.admit = gw_access_admit; /* access (issue 8) */
	gw->sipudp.admit_arg = gw;
	if (!err)
		err = gw_loop_fd_add(gw->loop, gw->sipudp.fd, EPOLLIN,
				     gw_sipudp_readable, &gw->sipudp);
	if (err) {
		GW_ERR(SIP, "SIP stack: %s", strerror(err));
		return err;
	}
	GW_NOTICE(SIP, "listening on %s:%u/udp", gw->cfg.sip_host,
		  gw->cfg.sip_port);
	return gw_sipnet_start(gw);
}

/* [span N] PRI options into the tdm span: timers, and the span group
 * (one tdm_group per group name, hunting across its spans). */
static int span_setup(struct gw *gw, struct gw_span *s)
{
	const struct cfg_span *cs = s->cfg;
	int err;

	for (size_t t = 0; cfg_span_timers[t].name; t++) {
		unsigned v = *(
			const unsigned *)(const void *)((const char *)cs +
							cfg_span_timers[t].off);

		if (v && (err = tdm_span_set_timer(
				  s->span, cfg_span_timers[t].name, (int)v)))
			return err;
	}
	for (size_t i = 0; i + 1 < gw->nspans; i++)
		if (!strcmp(gw->spans[i].cfg->group, cs->group)) {
			s->group = gw->spans[i].group;
			return tdm_group_add(s->group, s->span);
		}
	err = tdm_group_alloc(cs->group, (enum tdm_hunt)cs->hunt, &s->group);
	if (!err && (err = tdm_group_add(s->group, s->span))) {
		tdm_group_free(s->group);
		s->group = NULL;
	}
	return err;
}

static int start_spans(struct gw *gw)
{
	struct tdm_hooks h;

	gw_hooks_tdm_init(&h, &gw->hctx);
	h.event = tdm_event;
	h.audio_rx = tdm_audio_rx;
	h.audio_tx = tdm_audio_tx;
	h.dchan = gw_capture_dchan_tap; /* D-channel captures */
	for (size_t i = 0; i < gw->cfg.nspans; i++) {
		const struct cfg_span *cs = &gw->cfg.spans[i];
		struct tdm_span_cfg tc = {
			.id = cs->id,
			.type = cs->type == CFG_SPAN_E1 ? TDM_SPAN_E1
							: TDM_SPAN_T1,
			.role = cs->role == CFG_ROLE_NET ? TDM_ROLE_NET
							 : TDM_ROLE_CPE,
			.switchtype = cs->switchtype,
			.driver = cs->driver,
			.loop_path = cs->path,
			.loop_mode = TDM_LOOP_CLIENT,
			.hunt = (enum tdm_hunt)cs->hunt,
			.overlap = cs->overlap,
			.overlap_digits = (int)cs->overlap_digits,
			.no_service_msgs = !cs->service_messages,
			.no_restart_on_start = !cs->restart_on_start,
			.dchan_rate_limit = cs->dchan_rate_limit,
			.dahdi_base = (int)cs->dahdi_base,
			.pa_device = cs->device[0] ? cs->device : NULL,
			.console_fifo =
				cs->console_fifo[0] ? cs->console_fifo : NULL,
			.console_number = cs->console_number,
			.auto_answer_ms = (int)cs->auto_answer_ms,
		};
		struct gw_span *s = &gw->spans[gw->nspans];
		int err = tdm_span_alloc(&tc, &h, &s->span);

		if (!err) {
			s->cfg = cs;
			gw->nspans++;
			err = span_setup(gw, s);
			if (!err)
				err = tdm_span_start(s->span);
		}
		if (err) {
			GW_ERR(TDM, "span %u: cannot start: %s", cs->id,
			       strerror(err));
			return err;
		}
		GW_NOTICE(TDM, "span %u: %s %s %s, group %s, driver %s %s",
			  cs->id, cfg_span_type_name(cs->type), cs->switchtype,
			  cfg_span_role_name(cs->role), cs->group, cs->driver,
			  cs->path);
	}
	return 0;
}

void gw_mprof_rebuild(struct gw *gw)
{
	gw_mprof_build(&gw->mprof, &gw->cfg, NULL, -1);
	for (size_t i = 0; i < gw->cfg.ntrunks; i++) {
		gw_mprof_build(&gw->tr_mprof[i], &gw->cfg,
			       gw->cfg.trunks[i].codecs,
			       gw->cfg.trunks[i].dtmf_mode);
		gw_mprof_srtp(&gw->tr_mprof[i], &gw->cfg.trunks[i]);
	}
}

const struct gw_mprof *gw_mprof_for(const struct gw *gw,
				    const struct cfg_trunk *t)
{
	if (!t || t < gw->cfg.trunks || t >= gw->cfg.trunks + gw->cfg.ntrunks)
		return &gw->mprof;
	return &gw->tr_mprof[t - gw->cfg.trunks];
}

/* The signalling thread carries the TDM clock (spans' blocks, the
 * answers' collection): real time like the workers. One line says what
 * came of it; a refusal is not fatal. */
static void start_realtime(struct gw *gw)
{
	unsigned prio = gw->cfg.realtime_priority;
	int err, merr = 0;

	if (!prio)
		return;
	err = gw_rt_thread(pthread_self(), prio);
	if (!err)
		err = gw_mpool_rt_err(gw->mpool);
	if (err) {
		GW_WARN(RTP,
			"realtime_priority %u refused (%s): media runs with "
			"normal scheduling; grant CAP_SYS_NICE or LimitRTPRIO=%u",
			prio, strerror(err), prio);
		return;
	}
	if (gw->cfg.lock_memory)
		merr = gw_rt_lock_memory();
	GW_NOTICE(RTP, "media threads run SCHED_FIFO %u; memory %s%s", prio,
		  !gw->cfg.lock_memory ? "not locked (lock_memory = no)"
		  : merr == ENOMEM     ? "not locked (no CAP_IPC_LOCK and a "
					 "finite LimitMEMLOCK)"
		  : merr	       ? "not locked: "
				       : "locked",
		  merr && merr != ENOMEM ? strerror(merr) : "");
}

static int start_media(struct gw *gw)
{
	struct gw_mpool_cfg mc = {
		.workers = gw->cfg.media_workers,
		.loop = gw->loop,
		.report = gw_call_media_report,
		.dtmf = gw_call_media_dtmf,
		.audio_ready = media_audio_ready,
		.faxtone = gw_call_faxtone,
		.t38_silent = gw_call_t38_silent,
		.t38_phase_e = gw_call_t38_phase_e,
		.t38_done = gw_call_t38_done,
		.report_arg = gw,
		.rt_prio = gw->cfg.realtime_priority,
		.spin_us = gw->cfg.busy_wait_us,
	};
	int err = gw_mpool_alloc(&mc, &gw->mpool);

	if (err) {
		GW_ERR(RTP, "cannot start the media workers: %s",
		       strerror(err));
		return err;
	}
	GW_NOTICE(RTP, "%u media worker(s)", gw_mpool_workers(gw->mpool));
	start_realtime(gw);
	return 0;
}

/* The route table, unless main() loaded it with the configuration. */
static int start_routes(struct gw *gw)
{
	struct cfg_errors errs = { 0 };
	int err = 0;

	if (!gw->routes) {
		err = gw_route_table_build(&gw->cfg, gw->cfg_path, &gw->routes,
					   &errs);
		if (err)
			GW_ERR(CFG, "route table refused:\n%s",
			       errs.text ? errs.text : strerror(err));
	}
	cfg_errors_release(&errs);
	return err;
}

int gw_start(struct gw *gw)
{
	int err;

	gw->hctx.loop = gw->loop;
	gw->sipudp.fd = -1;
	gw->rtp_next_port = gw->cfg.rtp_port_min;
	gw_mprof_rebuild(gw);
	err = start_routes(gw);
	if (!err)
		err = gw_metrics_start(gw);
	if (!err)
		err = gw_cdr_start(gw);
	if (!err)
		err = gw_capture_start(gw);
	if (!err)
		err = gw_overload_start(gw);
	if (!err)
		err = start_media(gw);
	if (!err)
		err = gw_access_start(gw);
	if (!err)
		err = start_sip(gw);
	if (!err)
		err = gw_sipauth_start(gw);
	if (!err)
		err = gw_keepalive_start(gw);
	if (!err)
		err = start_spans(gw);
	if (!err) /* the daemon runs without it if it cannot be made */
		gw_ctl_start(gw);
	return err;
}

static void stop_grace(void *arg)
{
	struct gw *gw = arg;

	gw->stop_timer = NULL;
	GW_WARN(MAIN,
		"%u call(s), %u un-REGISTER(s) still pending after %d ms; exiting",
		gw->ncalls, gw_sipauth_pending(gw), GW_STOP_GRACE_MS);
	gw_loop_stop(gw->loop);
}

void gw_shutdown(struct gw *gw)
{
	if (gw->stopping)
		return;
	gw->stopping = true;
	struct sip_stats ss = { 0 };

	if (gw->sip)
		sip_stack_stats(gw->sip, &ss);
	GW_NOTICE(MAIN,
		  "shutting down: releasing %u call(s), SIP dialogs %u, "
		  "transactions %u, subscriptions %u",
		  gw->ncalls, ss.active_calls, ss.active_trans, ss.active_subs);
	gw_call_shutdown_all(gw);
	gw_orig_shutdown(gw); /* test calls (originate.c) */
	gw_sipauth_shutdown(gw);
	if (gw->sip) /* subscriptions end with a terminated NOTIFY */
		sip_stack_end_subscriptions(gw->sip);
	if (!gw->ncalls && !gw_sipauth_pending(gw)) {
		gw_loop_stop(gw->loop);
		return;
	}
	gw->stop_timer =
		gw_timer_start(gw->loop, GW_STOP_GRACE_MS, stop_grace, gw);
}

void gw_calls_drained(struct gw *gw)
{
	if (gw_sipauth_pending(gw))
		return; /* un-REGISTERs still out: their answer ends it */
	if (gw->stop_timer)
		gw_timer_stop(gw->loop, gw->stop_timer);
	gw->stop_timer = NULL;
	gw_loop_stop(gw->loop);
}

void gw_stop(struct gw *gw)
{
	gw_ctl_stop(gw);
	if (gw->stop_timer)
		gw_timer_stop(gw->loop, gw->stop_timer);
	gw->stop_timer = NULL;
	if (gw->trunks_timer)
		gw_timer_stop(gw->loop, gw->trunks_timer);
	gw->trunks_timer = NULL;
	gw_overload_stop(gw);
	gw_call_free_all(gw);
	gw_orig_free_all(gw);
	gw_keepalive_stop(gw);
	gw_sipauth_stop(gw);
	/* the workers send their BYEs and report the last calls */
	if (gw->mpool && !gw_mpool_drain(gw->mpool, 500))
		GW_WARN(RTP, "media workers did not finish in time");
	gw_mpool_free(gw->mpool);
	gw->mpool = NULL;
	gw_cdr_stop(gw); /* after the last media reports */
	gw_metrics_stop(gw);
	gw_sipnet_stop(gw);
	if (gw->sip)
		sip_stack_free(gw->sip);
	gw->sip = NULL;
	/* groups first: a group names its spans; the first span of a group
	 * holds it */
	for (size_t i = 0; i < gw->nspans; i++) {
		struct gw_span *s = &gw->spans[i];
		bool first = true;

		for (size_t j = 0; j < i; j++)
			first &= gw->spans[j].group != s->group;
		if (first)
			tdm_group_free(s->group);
	}
	for (size_t i = 0; i < gw->nspans; i++)
		tdm_span_free(gw->spans[i].span);
	gw->nspans = 0;
	if (gw->sipudp.fd >= 0) {
		gw_loop_fd_del(gw->loop, gw->sipudp.fd);
		close(gw->sipudp.fd);
	}
	gw->sipudp.fd = -1;
	gw_access_stop(gw);
	gw_capture_stop(gw); /* last: the spans' final frames are in it */
	gw_hookctx_release(&gw->hctx);
	gw_route_table_unref(gw->routes);
	gw->routes = NULL;
}
