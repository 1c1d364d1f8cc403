#pragma once
/*
 * Media profiles: what a call offers and how its media runs, from the
 * [media] section and the trunk it goes to or comes from (codec
 * preference, DTMF mode), turned into sip's sdp_local codecs and media's
 * session configuration.
 */
#include "gateway/cfg.h"
#include "media/media.h"
#include "sip/sip.h"

#define GW_TE_PT 101 /* our dynamic payload type for telephone-event */

struct gw_mprof {
	struct sdp_codec codecs[CFG_MAX_CODECS];
	unsigned ncodecs;
	enum media_dtmf_mode dtmf;
	char opus_fmtp[96]; /* what we announce for opus */
	/* encryption (issue 8): the trunk's SRTP mode and suites */
	enum sdp_srtp srtp;
	enum media_srtp_suite suites[MEDIA_SRTP__COUNT];
	unsigned nsuites;
};

/* The trunk's srtp and srtp_suites (checked lists) into p. */
void gw_mprof_srtp(struct gw_mprof *p, const struct cfg_trunk *t);
/* A random SSRC, first sequence number and timestamp for a session
 * (RFC 3550 5.1, 8.1; RFC 3711 needs the unpredictable start); left as
 * they are (zero) without randomness. */
void gw_media_random_start(struct media_sess_cfg *mc);
/* One crypto line of ours: suite s, a fresh random key (RFC 4568 6.1),
 * tag; 0, or EIO (no randomness, or a suite out of the enum: *k zeroed,
 * never a weak key). Also the test tools' (sipua, sipfax) lines. */
int gw_srtp_key_new(struct sdp_crypto *k, enum media_srtp_suite s,
		    unsigned tag);
/* p's SRTP mode and our crypto lines (fresh random keys, tags 1..n) into
 * loc: what gw_mprof_local sets, for a caller with its own codecs. */
void gw_mprof_srtp_local(const struct gw_mprof *p, struct sdp_local *loc);
/* The SRTP keys of a negotiated stream res (ours from loc, the peer's
 * from res) into sc. false when res is plain RTP. */
bool gw_mprof_srtp_cfg(const struct sdp_local *loc,
		       const struct sdp_result *res, struct media_srtp_cfg *sc);

/* codecs: a checked list of config tokens, empty for [media] codecs;
 * dtmf_mode: enum media_dtmf_mode, or -1 for [media] dtmf_mode. */
void gw_mprof_build(struct gw_mprof *p, const struct gw_cfg *cfg,
		    const char *codecs, int dtmf_mode);
/* Our SDP side for a call with profile p (codecs, CN, telephone-event
 * only in rfc4733 mode; with SRTP our crypto lines with fresh random
 * keys); address, port and session id are the caller's. */
void gw_mprof_local(const struct gw_mprof *p, const struct gw_cfg *cfg,
		    struct sdp_local *loc);
/* The media session's codec, payload, ptime, jitter buffer, DTMF and CN
 * settings for the negotiated stream res. ENOTSUP: codec unknown. */
int gw_mprof_sess_cfg(const struct gw_mprof *p, const struct gw_cfg *cfg,
		      const struct sdp_result *res, struct media_sess_cfg *mc);
