#pragma once
/*
 * Private to gateway/call*.c: the call object and the pieces its files
 * share. call.c holds the object's life and the (state, event) table,
 * call_media.c its RTP socket and media session, call_setup.c the arrival
 * of new calls and of library events.
 *
 * Ownership: struct gw owns its calls; a call owns its media session and
 * RTP socket. The legs belong to their libraries: a call drops its
 * pointer to a leg when that leg's final event (TDM RELEASED, SIP ENDED)
 * arrives, and is freed once both are gone.
 */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "gateway/gw.h"
#include "gateway/cdr.h"
#include "gateway/interwork.h"
#include "gateway/log.h"
#include "media/fax.h"

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

/* A call's fax state (call_fax.c). */
enum call_fax_state {
	FAX_IDLE,      /* audio; detection running */
	FAX_WAIT,      /* a fax tone: the far end may re-INVITE first */
	FAX_OFFERING,  /* our T.38 re-INVITE is out */
	FAX_T38,       /* the worker runs a T.38 leg */
	FAX_G711,      /* fax over G.711 pass-through (tuned media) */
	FAX_RETURNING, /* T.38 still; our re-INVITE to audio is out */
	FAX_STATE__COUNT
};

/* What a call does with a fax: [fax] with its trunk's overrides. */
/* A call's copy of the [fax] settings it started with (a reload changes
 * the next calls only); cfg points at own: never copy a policy. */
struct call_fax_policy {
	const struct cfg_fax *cfg;
	struct cfg_fax own;
	int mode;     /* enum cfg_fax_mode */
	int initiate; /* enum cfg_fax_initiate */
};

struct call_fax {
	enum call_fax_state st;
	struct call_fax_policy pol;
	int tone;	       /* enum media_faxtone first counted, 0 none */
	struct gw_timer *wait; /* FAX_WAIT: our re-INVITE's delay */
	unsigned rounds;       /* waits re-armed before answer */
	bool refused;	       /* our T.38 offer was refused: no retry */
	/* the call is a fax (trunk t38_initial; fax routes set it too):
	 * our INVITE offers T.38 beside the audio */
	bool initial;
	bool vbd;		/* our V.152 (gpmd vbd=yes) re-offer is out */
	bool no_return;		/* our audio re-offer was refused: T.38 stays */
	bool ended;		/* the T.38 leg's fax passed its DCN */
	struct media_addr peer; /* UDPTL peer negotiated */
	struct sdp_t38_result neg;
	/* the last fax, for the CDR (rec.mode NULL: none) */
	struct gw_cdr_fax rec;
	char result[64];
	uint64_t t_start; /* into T.38 or G.711 */
};

struct gw_call {
	struct gw_call *next;
	struct gw *gw;
	unsigned id;
	enum call_orig orig;
	enum call_state state;
	int depth; /* dispatch nesting: free only at the outermost level */

	struct sip_call *sip; /* NULL once the SIP leg ended */
	struct tdm_call *tdm; /* NULL once the TDM leg is released */
	struct tdm_span *span;
	bool sip_hungup, tdm_hungup;
	bool abandoned; /* the caller gave up before answer */

	struct gw_mslot *mslot; /* its media, run by a worker */
	int rtp_fd, rtcp_fd;	/* RTCP on rtp_port + 1 */
	unsigned rtp_port;
	bool media_to_sip; /* RTP may flow: the SIP side has our SDP answer */
	struct sdp_local local;
	char answer_sdp[1024];
	struct sdp_result media_res; /* the stream the media session runs */
	uint32_t media_ssrc; /* the session's SSRC (new SRTP contexts) */
	const struct gw_mprof *mprof; /* codecs, DTMF mode: its trunk's */
	struct gw_mprof mprof_own;    /* mprof points here: a reload does
					 not change a call in progress */
	uint64_t dtmf_begin_us;	      /* info mode: when the digit began */
	bool toning;		      /* our progress tone goes to SIP */
	/* release_tone (call_tone.c): busy/congestion before release */
	bool rtone;			  /* playing; the release waits */
	int rtone_cause;		  /* the release's, when it ends */
	unsigned rtone_code;		  /* SIP final response, 0: none */
	struct gw_timer *rtone_timer;	  /* the tone's end */
	struct gw_timer *rtone_pump;	  /* SIP caller: 20 ms media clock */
	uint64_t rtone_next_us;		  /* the pump's next tick */
	struct media_toneplay *rtone_tdm; /* PSTN caller: the tone to play */

	/* interworking (issue 7): the trunk's cause maps, copied so that a
	 * reload cannot pull them away under the call */
	struct gw_iw_map iw_c2s, iw_s2c;
	/* a SIP call's identity for its SETUP (call_identity.c) */
	struct tdm_call_info id_sip;
	/* routing (route.h, call_setup.c): the rule, from the table this
	 * call holds a reference to, and the target tried now (an index of
	 * rule->targets; -1 before the first) */
	struct gw_route_table *rt;
	const struct gw_route_rule *rule;
	int alt;
	bool route_fax; /* a fax route: offer T.38 in the initial INVITE */

	struct gw_timer *no_answer;
	char called[64], calling[64], name[64];
	int cause;	   /* Q.850 cause that ended it, 0 while up */
	unsigned sip_code; /* SIP final status, 0 if none */
	struct call_fax fax;
	uint64_t t_start, t_answer;
	/* show calls (call_ctl.c): the worker's last statistics, asked for
	 * by the show before (gw_mslot_query), and when they came (ms) */
	struct media_stats live;
	uint64_t live_at;
	bool have_live;
	/* CDR (cdr.c): what the record needs once the legs are gone */
	struct {
		char called_in[64]; /* before the route rewrote it */
		char calling_in[64];
		char target[CFG_NAME_LEN];
		char call_id[128];
		int chan;
		const char *hangup_by; /* "pstn", "sip", "gateway" */
	} cdr;
};

/* What came with an event. */
struct call_evdata {
	int cause;
	unsigned code;
	bool inband;
	struct sip_pl sdp;
};

#define CLOG(c, lvl, fmt, ...)                                  \
	gw_log(GW_LOG_CALL, lvl, "call %u {%s}: " fmt, (c)->id, \
	       call_state_name((c)->state), ##__VA_ARGS__)

const char *call_state_name(int s);
const char *call_ev_name(int e);

/* The call keeps its own copy of profile p (reload.c swaps the
 * gateway's profiles while calls run on theirs). */
static inline void call_set_mprof(struct gw_call *c, const struct gw_mprof *p)
{
	c->mprof_own = *p;
	c->mprof = &c->mprof_own;
}

/* route_gw.c: the concurrent calls on a target (for its limit) */
unsigned call_count_on(const struct gw *gw, int kind, const char *name);

/* call.c */
struct gw_call *call_alloc(struct gw *gw, enum call_orig orig);
/* Runs one event through the table; may free the call (see call_hold). */
void call_dispatch(struct gw_call *c, enum call_ev ev,
		   const struct call_evdata *d);
/* Clears both legs with one cause; the SIP code is used where a final
 * response is still owed. */
void call_release(struct gw_call *c, int cause, unsigned code);
/* While held, a call is not freed even when both legs are gone; the
 * last call_unhold() frees it then. */
void call_hold(struct gw_call *c);
void call_unhold(struct gw_call *c);

/* Cause <-> status for this call: its trunk's map, [sip]'s, RFC 3398. */
unsigned call_cause_to_sip(const struct gw_call *c, int cause);
int call_sip_to_cause(const struct gw_call *c, unsigned code);

/* call_identity.c: numbers and identity between the legs (issue 7).
 * PSTN call: its numbers as E.164 by the span's plan (before routing);
 * then From, PAI, Privacy, Diversion, History-Info of the INVITE to tr
 * (ids holds what p points to until the INVITE is sent). */
struct gw_id_sip;
void call_id_from_pstn(struct gw_call *c, const struct tdm_event *ev);
void call_id_invite(struct gw_call *c, const struct cfg_trunk *tr,
		    struct gw_id_sip *ids, struct sip_call_params *p);
/* SIP call: the called and calling numbers routes see, the trunk's cause
 * maps (before routing); then the SETUP's information for the group. */
/* src: the trunk the INVITE's source identifies (access.c), or NULL */
void call_id_from_sip(struct gw_call *c, const struct sip_msg *invite,
		      const struct cfg_trunk *src);
const struct tdm_call_info *call_id_setup(struct gw_call *c, const char *group,
					  struct tdm_call_info *info);

/* call_media.c */
int call_rtp_open(struct gw_call *c);
int call_media_start(struct gw_call *c, const struct sdp_result *res);
/* Two negotiations agree on SRTP: off, or the same suite and keys. */
bool call_srtp_same(const struct sdp_result *a, const struct sdp_result *b);
/* Reads the SDP answer to our offer and starts media; 0 or errno. */
/* A re-INVITE/UPDATE offer (sip_call_answer during the OFFER event). */
void call_reoffer(struct gw_call *c, const struct sip_pl *sdp);
int call_accept_answer(struct gw_call *c, const struct sip_pl *sdp);
/* Logs the media statistics, frees the session, closes the socket. */
void call_media_close(struct gw_call *c);

/* call_dtmf.c: DTMF both ways for DTMF mode info (SIP INFO with
 * application/dtmf-relay), and the fax/modem switch. */
void call_dtmf_info_rx(struct gw_call *c, const struct sip_call_event *ev);
/* Fax or modem detected on the call (issue 6 calls this): jitter buffer
 * fixed, echo canceller off. 0, ENOENT without media, EAGAIN. */
int gw_call_fax_mode(struct gw_call *c);

/* call_fax.c: fax detection and the switch to T.38 or G.711 (issue 6). */
const char *call_fax_state_name(int s);
/* The call's policy from its trunk (NULL: [fax]'s); at call setup. */
void call_fax_init(struct gw_call *c, const struct cfg_trunk *tr);
/* The media slot runs: detection starts (unless mode off). */
void call_fax_media_started(struct gw_call *c);
/* A re-INVITE/UPDATE offer: true when it was answered here (T.38 in it,
 * or the switch back from T.38, which call_reoffer then answers). */
bool call_fax_offer(struct gw_call *c, const struct sip_pl *sdp);
/* The answer (code, sdp) to our re-offer. */
void call_fax_reoffer_done(struct gw_call *c, unsigned code,
			   const struct sip_pl *sdp);
/* The call is being freed. */
void call_fax_close(struct gw_call *c);
/* A fax call's INVITE: the T.38 stream appended to the audio offer in
 * sdp (length *len of size); 0 or an errno (the offer is unchanged). */
int call_fax_initial_offer(struct gw_call *c, char *sdp, size_t size,
			   size_t *len);
/* An INVITE from SIP offering T.38 and no audio we take: c->answer_sdp
 * gets the T.38 answer and res the audio stream the slot rests on (our
 * first codec towards the UDPTL address). 0, or an errno (488 it). */
int call_fax_incoming_offer(struct gw_call *c, const struct sdp_session *offer,
			    struct sdp_result *res);
/* Once placed and its media started: T.38 runs. 0 or an errno. */
int call_fax_incoming_start(struct gw_call *c);
/* The answer to that INVITE: ENOENT when it did not take T.38 (audio
 * goes on as usual), else 0 once media runs in T.38, or an errno. */
int call_fax_initial_answer(struct gw_call *c,
			    const struct sdp_session *answer);
/* The live call with this id (a worker's cookie), or NULL. */
struct gw_call *call_of_cookie(struct gw *gw, uint64_t id);

/* call_tone.c: tone (enum media_tone) replaces the PSTN audio towards SIP;
 * -1 stops it. 0, ENOENT without media, or an errno. */
int call_tone(struct gw_call *c, int tone);
/* release_tone: the PSTN cleared a SIP caller's call with cause. true:
 * the tone plays as early media and the SIP final response follows when
 * it ends (the caller hangs up the TDM leg). false: release now. */
bool call_rtone_sip(struct gw_call *c, int cause);
/* release_tone: the SIP side failed a PSTN caller's call with cause.
 * true: PROGRESS sent, the tone plays towards the PSTN, DISCONNECT
 * follows when it ends. false: release now. */
bool call_rtone_pstn(struct gw_call *c, int cause);
/* Fills a TDM block with the PSTN-side tone; false: none playing. */
bool call_rtone_tdm_tx(struct gw_call *c, uint8_t *tx, size_t n);
/* Stops it (timers, tone); the release itself is the caller's. */
void call_rtone_stop(struct gw_call *c);
