#pragma once
/* sipua's SRTP (SDES, RFC 4568): --srtp SUITE offers and answers
 * RTP/SAVP with one crypto line of a fresh key; --rekey-after MS sends,
 * MS after a call starts talking, a re-INVITE with a new key of ours
 * (RFC 4568 6.1), of the --rekey-suite SUITE if given, and installs the
 * keys of its answer; --rekeys N does that N times, MS apart, the suite
 * alternating. */
#include <stdbool.h>

#include "media/media.h"
#include "sip/sip.h"

struct ua;
struct ua_call;

/* The call's crypto line (none without --srtp); 0 or EIO (no random). */
int ua_srtp_local(struct ua_call *c);
/* Media started: an event line with the suite and the peer's key id. */
void ua_srtp_started(struct ua_call *c, const struct sdp_result *res);
/* The call talks: arms the re-key timer (--rekey-after). */
void ua_srtp_talking(struct ua_call *c);
/* Our re-INVITE's outcome (SIP_CALL_EV_REOFFER_DONE). */
void ua_srtp_reoffer_done(struct ua_call *c, const struct sip_call_event *e);
/* --srtp-answer-tag N: our answer's crypto tag rewritten to N, a broken
 * phone answering a line that was never offered (RFC 4568 7.1.3). */
void ua_srtp_mangle(struct ua_call *c);
/* The call ends: its timer stops. */
void ua_srtp_done(struct ua_call *c);
