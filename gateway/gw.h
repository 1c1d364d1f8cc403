#pragma once
/*
 * The daemon's context: the only place that knows sip/, tdm/ and media/
 * together. One instance, owned by main(); everything runs on the
 * signalling thread's loop.
 */
#include <stdbool.h>
#include <stdint.h>

#include "gateway/cfg.h"
#include "gateway/drain.h"
#include "gateway/hooks.h"
#include "gateway/loop.h"
#include "gateway/media_prof.h"
#include "gateway/media_worker.h"
#include "gateway/overload.h"
#include "gateway/siptcp.h"
#include "gateway/sipudp.h"
#include "media/fax.h"
#include "media/media.h"
#include "sip/sip.h"
#include "tdm/tdm.h"

struct gw_call;
struct gw_route_table;
struct gw_cdr;
struct gw_metrics;
struct gw_capture;
struct gw_orig;

struct gw_span {
	struct tdm_span *span;
	const struct cfg_span *cfg;
	struct tdm_group *group; /* shared by the spans of its group; owned
				    by the first of them */
};

/* Counters of what the gateway decided (libraries keep their own).
 * Every call counted in calls_from_* ends as exactly one of answered,
 * failed or abandoned. */
struct gw_counters {
	uint64_t calls_from_pstn;
	uint64_t calls_from_sip;
	uint64_t calls_answered;
	uint64_t calls_failed;	  /* ended unanswered for any other reason */
	uint64_t calls_abandoned; /* the caller hung up before answer */
	uint64_t no_route;
	/* routing (route_gw.c): refused while every trunk of the route was
	 * down; failovers to a next alternative; targets skipped at limit */
	uint64_t route_refused_down, route_failovers, route_limited;
	uint64_t no_channel;
	uint64_t refused_stopping;
	uint64_t bad_events; /* events the call state did not allow */
	uint64_t rtp_rx_rejected;
	uint64_t rtp_rx_foreign;  /* of those, from an unlatched source */
	uint64_t srtp_rx_dropped; /* of those, failing SRTP auth/replay */
	uint64_t span_frames_rejected;
	/* DTMF mode info (call_dtmf.c) */
	uint64_t dtmf_info_tx, dtmf_info_rx, dtmf_info_bad, dtmf_info_failed;
	uint64_t release_tones; /* busy/congestion played before release */
	/* the same by [to: 0 SIP, 1 PSTN][tone: 0 busy, 1 congestion] */
	uint64_t release_tone_by[2][2];
	/* fax (call_fax.c) */
	uint64_t fax_detected;	     /* calls with a fax tone from the PSTN */
	uint64_t fax_t38_offered;    /* our T.38 re-INVITEs */
	uint64_t fax_t38_refused;    /* ... answered 488/415/606 and the like */
	uint64_t fax_t38_accepted;   /* the far end's T.38 offers taken */
	uint64_t fax_t38_rejected;   /* ... refused (mode, localTCF, bad SDP) */
	uint64_t fax_ok, fax_failed; /* T.38 faxes by T.30 result */
	uint64_t fax_g711;	     /* calls that went on as G.711 fax */
	uint64_t fax_pages;
	uint64_t fax_watchdog; /* released: UDPTL silent */
	/* UDPTL silent after the fax's DCN: kept up, released (cause 16) */
	uint64_t fax_t38_idle_kept, fax_t38_idle_released;
	/* localTCF: TCF from the PSTN checked here (media/t38tcf.c) */
	uint64_t fax_tcf_good, fax_tcf_bad;
	uint64_t udptl_rx, udptl_tx, udptl_recovered, udptl_lost;
	uint64_t udptl_foreign;
	uint64_t udptl_malformed;
	uint64_t udptl_stale_rtp; /* audio in flight at the switch */
	/* access (access_gw.c): refused by reason */
	uint64_t refused_acl, refused_auth, refused_rate, refused_blocked;
	uint64_t refused_dialog; /* in-dialog, not from the dialog's peer */
};

struct gw {
	struct gw_hookctx hctx; /* the libraries' hook arg */
	struct gw_loop *loop;
	struct gw_cfg cfg;
	const char *cfg_path;

	struct sip_stack *sip;
	struct gw_sipudp sipudp;  /* its socket; .sip is the same stack */
	struct gw_siptcp siptcp;  /* TCP and TLS (sipnet.c) */
	struct gw_sipudp sipudp2; /* UDP on listen2; .sip set once bound */

	struct gw_span spans[CFG_MAX_SPANS];
	size_t nspans;

	struct gw_call *calls;
	unsigned ncalls;
	unsigned next_call_id;
	unsigned rtp_next_port;

	struct gw_mpool *mpool; /* media workers */

	/* media profiles: [media]'s and each trunk's (media_prof.h) */
	struct gw_mprof mprof;
	struct gw_mprof tr_mprof[CFG_MAX_TRUNKS];

	struct sip_reg *regs[CFG_MAX_TRUNKS]; /* by trunk index (sipauth.c) */
	struct gw_keepalive *kas[CFG_MAX_TRUNKS]; /* keepalive.c */

	struct gw_ctl *ctl; /* control socket (ctl.c), NULL: none */
	/* reload (reload.c); -l on the command line wins over log_level */
	bool log_level_fixed;
	unsigned reloads, reloads_refused;
	struct gw_capture *capture; /* capture.c, NULL: none */
	struct gw_orig *origs;	    /* operator test calls (originate.c) */
	unsigned next_orig_id;

	/* the route table (route.h), swapped whole on reload; calls hold
	 * references to the one they were routed with */
	struct gw_route_table *routes;
	/* B-channels route_gw.c took out of service for busy_out, by span
	 * index: bit ts (so an operator's own blocks stay as they are) */
	uint32_t busied[CFG_MAX_SPANS];

	struct gw_counters stats;
	struct gw_guard guard; /* per-source rate limits, blocks (access.h) */
	struct gw_access_rt *access; /* access_gw.c: policies, block_file */
	struct gw_drain drain;	     /* drain mode, OPTIONS health (drain.c) */
	struct gw_ovl ovl;	     /* overload control (overload.c) */
	struct gw_cdr *cdr;	     /* cdr.c */
	struct gw_metrics *metrics;  /* metrics.c */
	bool stopping;
	struct gw_timer *stop_timer;
	struct gw_timer *trunks_timer; /* pending trunk NOTIFY */
};

/* SIP event package served to SUBSCRIBE: trunk availability. */
#define GW_TRUNKS_EVENT "x-pstngw-trunks"
/* Its text/plain body into buf; length, or -1 if it does not fit. */
int gw_trunks_state(const struct gw *gw, char *buf, size_t size);
/* Spans or channels changed: NOTIFY the subscribers. */
void gw_trunks_changed(struct gw *gw);

/* Brings up SIP, spans and sockets from gw->cfg; 0 or errno (logged). */
int gw_start(struct gw *gw);
/* Releases every call (cause 16, BYE/CANCEL), then stops the loop once
 * they are gone or after a grace period. */
void gw_shutdown(struct gw *gw);
/* Frees what gw_start() created. */
void gw_stop(struct gw *gw);

/* sipnet.c: TCP and TLS from the config, and the stack's send hook */
int gw_sipnet_start(struct gw *gw);
/* A SIP UDP socket's arrival stamps, drop reports and receive buffer
 * ([sip] udp_rcvbuf_kb), for overload.c; warns what it cannot set. */
void gw_sipnet_udp_tune(struct gw *gw, int fd);
void gw_sipnet_stop(struct gw *gw);
int gw_sipnet_send(struct gw *gw, const struct sip_addr *dst, const void *buf,
		   size_t len);

/* call.c: library events into the call state machine */
void gw_call_tdm_event(struct gw *gw, struct tdm_span *span,
		       struct tdm_call *tcall, const struct tdm_event *ev);
/* tdm/'s asynchronous audio: the block up to the media worker, then its
 * answer (false: not ready yet, only when not late). */
void gw_call_tdm_audio_rx(struct gw *gw, struct tdm_call *tcall,
			  const uint8_t *rx, size_t n);
bool gw_call_tdm_audio_tx(struct gw *gw, struct tdm_call *tcall, uint8_t *tx,
			  size_t n, bool late);
void gw_call_sip_incoming(struct gw *gw, struct sip_call *scall,
			  const struct sip_msg *invite);
void gw_call_sip_event(struct gw *gw, struct sip_call *scall,
		       const struct sip_call_event *ev);
void gw_call_shutdown_all(struct gw *gw);
/* call_media.c: a media worker's statistics report (gw_mslot_report_fn) */
void gw_call_media_report(void *arg, uint64_t cookie,
			  const struct media_stats *st, bool final);
/* call_dtmf.c: a digit from a worker's session (mpool cfg dtmf) */
void gw_call_media_dtmf(void *arg, uint64_t cookie, char digit, bool end,
			bool from_rtp);
/* call_fax.c: the media workers' fax reports (struct gw_mpool_cfg) */
void gw_call_faxtone(void *arg, uint64_t cookie, enum media_faxtone tone);
void gw_call_t38_silent(void *arg, uint64_t cookie);
void gw_call_t38_phase_e(void *arg, uint64_t cookie);
void gw_call_t38_done(void *arg, uint64_t cookie, struct media_t38leg *leg,
		      uint64_t foreign, bool end);
/* gw.c: the media profiles from gw->cfg (start, reload) */
void gw_mprof_rebuild(struct gw *gw);
/* gw.c: the media profile of calls with trunk t ([media]'s for NULL) */
const struct gw_mprof *gw_mprof_for(const struct gw *gw,
				    const struct cfg_trunk *t);
/* call.c, when the last call is gone during a shutdown. */
void gw_calls_drained(struct gw *gw);
/* Frees every call without signalling (after a failed shutdown). */
void gw_call_free_all(struct gw *gw);

/* route_gw.c: while every trunk of a busy_out route is down, its source
 * group's idle B-channels go out of service; back once one is up. Called
 * when a trunk's state changes and when a call releases a channel. */
void gw_route_health(struct gw *gw);
/* Whether keepalive.c saw the trunk down (unknown counts as up). */
bool gw_route_trunk_down(const struct gw *gw, const char *name);

/* keepalive.c: OPTIONS to trunks with keepalive_s; their reachability */
enum gw_trunk_state { GW_TRUNK_UNKNOWN, GW_TRUNK_UP, GW_TRUNK_DOWN };
struct gw_trunk_counts {
	uint64_t sent, answered, failed;
};
int gw_keepalive_start(struct gw *gw);
/* Frees the probes; before the SIP stack. */
void gw_keepalive_stop(struct gw *gw);
/* UNKNOWN also for a trunk without keep-alives; n may be NULL. */
enum gw_trunk_state gw_trunk_state(const struct gw *gw, size_t idx,
				   struct gw_trunk_counts *n);
const char *gw_trunk_state_name(enum gw_trunk_state s);

/* access_gw.c: access control (access.h) */
int gw_access_start(struct gw *gw);
void gw_access_stop(struct gw *gw);
/* The transports' admit hook (arg: gw): false drops the packet or
 * closes the new connection. */
bool gw_access_admit(void *arg, const struct sip_addr *src, bool conn);
/* The stack's screen hook: 0, 403, or 1 (drop). */
unsigned gw_access_screen(struct gw *gw, const struct sip_addr *src,
			  const struct sip_msg *req);
/* The stack's dialog_screen hook: 0 or 403. */
unsigned gw_access_dialog(struct gw *gw, struct sip_call *call,
			  const struct sip_addr *src,
			  const struct sip_msg *req);
/* After a reload swapped gw->cfg: limits, cached policies. */
void gw_access_reload(struct gw *gw);
void gw_access_auth_failed(struct gw *gw, const struct sip_addr *src,
			   const struct sip_msg *req, const char *why);
unsigned gw_access_nblocked(struct gw *gw);
/* Control commands "show" (blocked sources) and "unblock" IP: 0 or
 * errno, text into out. */
int gw_access_ctl(struct gw *gw, const char *cmd, const char *arg, char *out,
		  size_t size);

/* sipauth.c: registrations, trunk credentials, inbound challenges */
int gw_sipauth_start(struct gw *gw);
/* Un-REGISTERs every registration (gw_sipauth_pending() counts them). */
void gw_sipauth_shutdown(struct gw *gw);
unsigned gw_sipauth_pending(const struct gw *gw);
/* Frees the registrations; before the SIP stack. */
void gw_sipauth_stop(struct gw *gw);
/* Credentials calls to trunk t answer 401/407 with (NULLs: none). */
void gw_sipauth_call_creds(const struct cfg_trunk *t, const char **user,
			   const char **password);
