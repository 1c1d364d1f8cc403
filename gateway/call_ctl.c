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
