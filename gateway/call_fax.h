#pragma once
/*
 * Private to gateway/call*.c: the decisions of call_fax.c as pure
 * functions (no call, no socket), so that unit tests can drive them.
 */
#include <stdbool.h>
#include <stddef.h>

#include "gateway/call_int.h"

/* A fax log line naming the call and both its states. */
#define FLOG(c, lvl, fmt, ...)                                                \
	gw_log(GW_LOG_FAX, lvl, "call %u {%s} fax {%s}: " fmt, (c)->id,       \
	       call_state_name((c)->state), call_fax_state_name((c)->fax.st), \
	       ##__VA_ARGS__)

/* Before answer there is no dialog to re-INVITE in: wait again, a
 * bounded number of times, then stay on G.711. (Also bounds the retries
 * of the re-INVITE back to audio while another offer is pending.) */
#define FAX_WAIT_ROUNDS 20

enum call_fax_act {
	FAXACT_NONE,  /* nothing to do */
	FAXACT_WAIT,  /* give the far end wait_ms to re-INVITE first */
	FAXACT_OFFER, /* re-INVITE to T.38 now */
	FAXACT_G711,  /* G.711 pass-through, media tuned for fax */
	FAXACT_T38,   /* T.38 accepted: start the leg */
};

/* [fax] with trunk tr's overrides (tr NULL: none). */
void call_fax_policy_of(const struct gw_cfg *cfg, const struct cfg_trunk *tr,
			struct call_fax_policy *p);
/* Whether tone t counts as a fax under [fax] detect. */
bool call_fax_tone_counts(int detect, enum media_faxtone t);
/* A fax tone from the PSTN in state st; refused: the far end refused
 * our T.38 offer before. */
enum call_fax_act call_fax_on_tone(const struct call_fax_policy *p,
				   enum call_fax_state st, bool refused,
				   enum media_faxtone t);
/* The final status of our T.38 re-INVITE: T38, G711 or NONE. */
enum call_fax_act call_fax_on_answer(unsigned code);
/* The fax of a T.38 leg ended (DCN) in state st: WAIT (re-INVITE back
 * to audio after return_delay_ms) or NONE. no_return: refused before. */
enum call_fax_act call_fax_on_phase_e(const struct call_fax_policy *p,
				      enum call_fax_state st, bool no_return);
/* The Q.850 cause for a T.38 call whose UDPTL went silent (watchdog):
 * 41 while its fax runs; once the fax has ended (DCN, ended) silence is
 * normal: 16 with [fax] idle_release, else 0 (the call stays up). */
int call_fax_silent_cause(const struct call_fax_policy *p, bool ended);
/* Back on audio after a T.38 fax: the per-fax state cleared, so that a
 * second fax on the call switches as the first did (refused stays: it
 * is the far end's answer to T.38, not to one fax). */
void call_fax_rearm(struct call_fax *f);
/* The far end's audio offer to a call on T.38 (its way back to audio):
 * 0 when call_reoffer will take it with our side loc and the audio
 * session cur the call rests on; else ENOTSUP (no codec or crypto line
 * of ours, SRTP off, another codec: call_reoffer and call_media_start
 * refuse those), and the call must stay on T.38: a refused re-INVITE
 * leaves the session as it was (RFC 3261 14.2). */
int call_fax_audio_offer_check(const struct sdp_local *loc,
			       const struct sdp_result *cur,
			       const struct sdp_session *offer);
/* The T.38 SDP capabilities we offer and answer with. */
void call_fax_caps(const struct cfg_fax *f, struct sdp_t38 *t);
/* The leg for a negotiated stream (localTCF: the leg runs t38tcf). */
int call_fax_leg_cfg(const struct cfg_fax *f, enum media_law law,
		     const struct sdp_t38_result *neg,
		     struct media_t38leg_cfg *lc);
/* An audio re-offer for G.711 fax: the codec in use only, no CN, with
 * V.152's a=gpmd:<pt> vbd=yes. ENOENT if cur's codec is not ours. */
int call_fax_vbd_offer(const struct sdp_local *loc,
		       const struct sdp_result *cur, char *buf, size_t size,
		       size_t *lenp);

/* call_fax.c and call_fax_end.c between them. */
void call_fax_stop_wait(struct gw_call *c);
/* The answer to our re-INVITE back to audio (FAX_RETURNING). */
void call_fax_return_answered(struct gw_call *c, unsigned code,
			      const struct sip_pl *sdp);
/* The call is back on audio: rearmed, fax tone detection started again. */
void call_fax_back_on_audio(struct gw_call *c);
