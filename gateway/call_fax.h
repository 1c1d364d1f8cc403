#pragma once
/*
 * Private to gateway/call*.c: the decisions of call_fax.c as pure
 * functions (no call, no socket), so that unit tests can drive them.
 */
#include <stdbool.h>
#include <stddef.h>

#include "gateway/call_int.h"

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
