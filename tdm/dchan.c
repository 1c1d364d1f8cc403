/*
 * D-channel watch: what the frames say that libpri does not report.
 *
 * libpri frees a call without any event when a RELEASE COMPLETE ends it
 * in some states: sent by our own hangup with cause 1, 34, 44, 81 or 82
 * (its legacy shortcut), or received for an incoming call not yet
 * acknowledged. Our call and its B-channel would then stay in use for
 * good. Every frame to and from libpri passes here; a RELEASE COMPLETE
 * marks the call it ends, and once libpri is done with the frame a
 * zero-delay timer releases the marked calls still alive. Calls that
 * libpri did report were released and freed before that.
 *
 * Frames are as libpri writes and reads them: Q.921 address (2 bytes),
 * control (2 for an I-frame, 1 for UI), the Q.931 message, then 2 FCS
 * placeholder bytes.
 */
#include <errno.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

#define Q921_ADDR_LEN 2
#define Q921_UI 0x03
#define Q931_PD 0x08
#define Q931_SETUP 0x05
#define Q931_RELEASE_COMPLETE 0x5a
#define Q931_IE_CAUSE 0x08
#define FCS_LEN 2

/* The Q.931 message in a frame: 0, or EINVAL for anything else (layer 2
 * supervision, maintenance messages, the global call reference). */
int tdm_dchan_parse(const uint8_t *f, size_t len, struct tdm_q931_msg *m)
{
	size_t i, end, crlen;

	if (len < Q921_ADDR_LEN + 1 + FCS_LEN)
		return EINVAL;
	end = len - FCS_LEN;
	if (!(f[Q921_ADDR_LEN] & 1))
		i = Q921_ADDR_LEN + 2; /* I-frame */
	else if (f[Q921_ADDR_LEN] == Q921_UI)
		i = Q921_ADDR_LEN + 1;
	else
		return EINVAL;
	if (i + 2 > end || f[i] != Q931_PD)
		return EINVAL;
	crlen = f[i + 1] & 0x0f;
	i += 2;
	if (crlen < 1 || crlen > 2 || i + crlen + 1 > end)
		return EINVAL;
	m->from_orig = !(f[i] & 0x80);
	m->cref = f[i] & 0x7f;
	if (crlen == 2)
		m->cref = m->cref << 8 | f[i + 1];
	if (!m->cref)
		return EINVAL;
	i += crlen;
	m->type = f[i++];
	m->cause = 0;
	/* variable-length IEs up to the cause; single-octet ones have bit 8 */
	while (i < end) {
		size_t ielen, v;

		if (f[i] & 0x80) {
			i++;
			continue;
		}
		if (i + 2 > end || i + 2 + f[i + 1] > end)
			break;
		ielen = f[i + 1];
		if (f[i] == Q931_IE_CAUSE && ielen >= 2) {
			/* octet 3a (recommendation) follows when 3 lacks bit 8 */
			v = i + 2 + ((f[i + 2] & 0x80) ? 1 : 2);
			if (v < i + 2 + ielen)
				m->cause = f[v] & 0x7f;
			break;
		}
		i += 2 + ielen;
	}
	return 0;
}

static void dchan_reap(void *arg)
{
	struct tdm_span *span = arg;
	struct tdm_call *c;

	span->reap_timer = NULL;
	tdm_span_enter(span);
	for (c = span->calls; c && !span->dying; c = span->calls) {
		while (c && !c->relcomp)
			c = c->next;
		if (!c)
			break;
		/* libpri's call is gone: never hand the pointer back to it */
		c->pcall = NULL;
		tdm_call_log(c, LOG_INFO,
			     "cleared by RELEASE COMPLETE, cause %d",
			     c->relcomp_cause);
		if (!c->hungup && tdm_isdn_retry(c, c->relcomp_cause, false))
			continue;
		if (!c->hungup) {
			c->hungup = true;
			tdm_call_disconnected(c, c->relcomp_cause);
			if (span->dying)
				break;
		}
		tdm_call_released(c, c->cause ? c->cause : c->relcomp_cause);
	}
	tdm_span_leave(span);
}

void tdm_dchan_seen(struct tdm_span *span, const uint8_t *frame, size_t len,
		    bool tx)
{
	struct tdm_q931_msg m;
	enum tdm_call_dir dir;
	struct tdm_call *c;

	if (span->hooks.dchan && len > FCS_LEN)
		span->hooks.dchan(span->hooks.arg, span, tx, frame,
				  len - FCS_LEN);
	if (tdm_dchan_parse(frame, len, &m))
		return;
	tdm_log(span, LOG_DEBUG, "%s Q.931 type 0x%02x cref %d%s cause %d",
		tx ? "tx" : "rx", m.type, m.cref, m.from_orig ? "" : "'",
		m.cause);
	if (tx && m.type == Q931_SETUP && m.from_orig && span->placing) {
		span->placing->cref = m.cref;
		return;
	}
	/* Our outgoing calls are the ones whose originator we are. */
	dir = tx == m.from_orig ? TDM_DIR_OUT : TDM_DIR_IN;
	for (c = span->calls; c; c = c->next)
		if (c->cref == m.cref && c->dir == dir)
			break;
	if (c && !tx)
		c->heard = true;
	if (!c || c->relcomp || m.type != Q931_RELEASE_COMPLETE)
		return;
	c->relcomp = true;
	c->relcomp_cause = m.cause ? m.cause : c->cause ? c->cause : 16;
	if (!span->reap_timer && !span->dying)
		span->reap_timer = span->hooks.timer_start(span->hooks.arg, 0,
							   dchan_reap, span);
}

void tdm_dchan_release(struct tdm_span *span)
{
	if (span->reap_timer)
		span->hooks.timer_stop(span->hooks.arg, span->reap_timer);
	span->reap_timer = NULL;
}
