/*
 * call_ctl.c: what the control socket shows of calls and how it hangs
 * one up. Here rather than in ctl_cmd.c because the call object is
 * private to gateway/call*.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/ctl.h"
#include "gateway/interwork.h"
#include "gateway/media_worker.h"

static const char *state_word(const struct gw_call *c)
{
	switch (c->state) {
	case CS_SETUP:
		return "setup";
	case CS_ALERTING:
		return "alerting";
	case CS_EARLY:
		return "early-media";
	case CS_ACTIVE:
		return "active";
	default:
		return "releasing";
	}
}

/* The media worker owns the session: its counters come back as a
 * report after a query, so a show prints what the show before asked
 * for (with its age) and asks again. Nothing is asked while nobody
 * looks. */
static void show_rtp(struct gw_call *c, struct gw_ctl_out *out, uint64_t now)
{
	const struct media_stats *st = &c->live;

	if (!c->mslot) {
		gw_ctl_printf(out, "call %u: no media\n", c->id);
		return;
	}
	if (c->have_live) {
		uint64_t age = now - c->live_at;
		char srtp[96] = "";

		/* encryption (issue 8): SRTP drops (forged, replayed) */
		if (st->srtp)
			snprintf(srtp, sizeof(srtp),
				 "srtp auth-fail %llu replay %llu bad %llu; ",
				 (unsigned long long)st->srtp_auth_fail,
				 (unsigned long long)st->srtp_replay,
				 (unsigned long long)st->srtp_bad);

		gw_ctl_printf(
			out,
			"call %u: rtp rx %llu tx %llu lost %llu late %llu "
			"bad %llu foreign %llu jitter %u us; "
			"rtcp rx %llu bad %llu foreign %llu; "
			"%s%llu.%llu s ago\n",
			c->id, (unsigned long long)st->rx_packets,
			(unsigned long long)st->tx_packets,
			(unsigned long long)st->rx_lost,
			(unsigned long long)st->rx_late,
			(unsigned long long)st->rx_bad,
			(unsigned long long)st->rx_foreign, st->jitter_us,
			(unsigned long long)st->rtcp_rx,
			(unsigned long long)st->rtcp_bad,
			(unsigned long long)st->rtcp_foreign, srtp,
			(unsigned long long)(age / 1000),
			(unsigned long long)(age % 1000 / 100));
	} else {
		gw_ctl_printf(out, "call %u: rtp counters on the next show\n",
			      c->id);
	}
	/* EAGAIN (command ring full): the next show asks again */
	(void)gw_mslot_query(c->mslot);
}

void gw_ctl_show_rtp(struct gw *gw, struct gw_ctl_out *out)
{
	uint64_t now = gw_loop_now(gw->loop);

	if (!gw->calls)
		gw_ctl_printf(out, "no calls\n");
	for (struct gw_call *c = gw->calls; c; c = c->next)
		show_rtp(c, out, now);
}

/* The same counts as pstngw_release_tones_total (metrics.c). */
static void show_release_tones(const struct gw *gw, struct gw_ctl_out *out)
{
	const uint64_t(*n)[2] = gw->stats.release_tone_by; /* [to][tone] */

	gw_ctl_printf(out,
		      "release tones: busy to sip %llu to pstn %llu; "
		      "congestion to sip %llu to pstn %llu\n",
		      (unsigned long long)n[0][0], (unsigned long long)n[1][0],
		      (unsigned long long)n[0][1], (unsigned long long)n[1][1]);
}

void gw_ctl_show_calls(struct gw *gw, struct gw_ctl_out *out)
{
	uint64_t now = gw_loop_now(gw->loop);

	if (!gw->calls)
		gw_ctl_printf(out, "no calls\n");
	for (const struct gw_call *c = gw->calls; c; c = c->next) {
		const char *cid = c->sip ? sip_call_callid(c->sip) : NULL;
		char chan[24] = "-";

		if (c->tdm)
			snprintf(chan, sizeof(chan), "%u/%d",
				 tdm_span_id(tdm_call_span(c->tdm)),
				 tdm_call_chan(c->tdm));
		/* duration: talk time once answered, else time since setup */
		gw_ctl_printf(
			out,
			"call %u: %s %s -> %s state %s %s %llu s "
			"call-id %s span/chan %s codec %s\n",
			c->id, c->orig == ORIG_PSTN ? "pstn->sip" : "sip->pstn",
			c->calling[0] ? c->calling : "-",
			c->called[0] ? c->called : "-", state_word(c),
			c->t_answer ? "talking" : "waiting",
			(unsigned long long)((now - (c->t_answer
							     ? c->t_answer
							     : c->t_start)) /
					     1000),
			cid && cid[0] ? cid : "-", chan,
			c->mslot && c->media_res.name[0] ? c->media_res.name
							 : "-");
	}
	show_release_tones(gw, out);
}

static struct gw_call *find(struct gw *gw, const char *which)
{
	char *end;
	unsigned long id = strtoul(which, &end, 10);
	bool numeric = which[0] >= '0' && which[0] <= '9' && !*end;

	for (struct gw_call *c = gw->calls; c; c = c->next) {
		const char *cid = c->sip ? sip_call_callid(c->sip) : NULL;

		if ((numeric && c->id == id) || (cid && !strcmp(cid, which)))
			return c;
	}
	return NULL;
}

int gw_ctl_hangup(struct gw *gw, const char *which, int cause)
{
	struct gw_call *c = find(gw, which);

	if (!c)
		return ENOENT;
	if (c->state == CS_RELEASING)
		return EALREADY;
	CLOG(c, LOG_NOTICE, "hung up from the control socket, cause %d", cause);
	call_hold(c);
	if (!c->t_answer && c->orig == ORIG_SIP)
		c->sip_code = call_cause_to_sip(c, cause);
	call_release(c, cause, call_cause_to_sip(c, cause));
	c->state = CS_RELEASING;
	call_unhold(c);
	return 0;
}
