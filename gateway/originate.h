#pragma once
/*
 * Operator test calls (originate.c): a call placed on a span or a SIP
 * trunk that plays a test tone once answered and hangs up after a set
 * time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"
#include "tdm/tdm.h"

struct gw;

#define GW_ORIG_MAX_SECS 3600
#define GW_ORIG_RING_S 30    /* an unanswered test call rings this long more */
#define GW_ORIG_TONE_HZ 1004 /* the usual test tone (O.41 avoids 1000) */

/*
 * Calls to on span span_id (from: calling number or NULL), plays
 * tone_hz (0: silence) at -13 dBm0 for secs once answered, then hangs
 * up (cause 16). 0 with *id; ENOENT no such span, EINVAL bad number or
 * duration, ENOTCONN span down, EBUSY no free channel, ESHUTDOWN.
 */
int gw_originate_span(struct gw *gw, unsigned span_id, const char *to,
		      const char *from, unsigned secs, unsigned tone_hz,
		      unsigned *id);
/*
 * The same towards SIP trunk 'trunk' (offering PCMU and PCMA, the tone
 * sent as 20 ms RTP packets), hung up with BYE or CANCEL. ENOENT no such
 * trunk, EINVAL, EAGAIN no RTP port, EIO the INVITE could not be sent,
 * ESHUTDOWN.
 */
int gw_originate_trunk(struct gw *gw, const char *trunk, const char *to,
		       const char *from, unsigned secs, unsigned tone_hz,
		       unsigned *id);
/* A span event or audio block for a test call: true when it was one
 * (call_setup.c asks before the calls). */
bool gw_orig_tdm_event(struct gw *gw, struct tdm_call *tcall,
		       const struct tdm_event *ev);
bool gw_orig_tdm_audio(struct gw *gw, struct tdm_call *tcall, uint8_t *tx,
		       size_t n);
/* A SIP event for a test call: true when it was one. */
bool gw_orig_sip_event(struct gw *gw, struct sip_call *scall,
		       const struct sip_call_event *ev);
/* Shutdown: hang every test call up; stop: free what is left. */
void gw_orig_shutdown(struct gw *gw);
void gw_orig_free_all(struct gw *gw);
unsigned gw_orig_count(const struct gw *gw);
