/* sipua's SRTP: see ua_srtp.h. */
#include "tools/sipua/ua_srtp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "gateway/media_prof.h"
#include "tools/sipua/sipua.h"

int ua_srtp_local(struct ua_call *c)
{
	if (c->ua->srtp_suite < 0)
		return 0;
	c->local.srtp = SDP_SRTP_REQUIRED;
	c->local.ncrypto = 1;
	return gw_srtp_key_new(&c->local.crypto[0],
			       (enum media_srtp_suite)c->ua->srtp_suite, 1);
}

/* The first octets of a peer's key, for a test to tell keys apart. */
static void key_id(const struct sdp_crypto *k, char *out, size_t n)
{
	snprintf(out, n, "%02x%02x%02x%02x", k->key[0], k->key[1], k->key[2],
		 k->key[3]);
}

void ua_srtp_started(struct ua_call *c, const struct sdp_result *res)
{
	char id[12];

	if (!res->srtp)
		return;
	key_id(&res->crypto_rx, id, sizeof(id));
	ev(c->ua, "event=srtp call=%u suite=%s peer_key=%s", c->n,
	   res->crypto_rx.suite, id);
}

static void rekey_fired(void *arg)
{
	struct ua_call *c = arg;
	char sdp[1024];
	size_t len;
	/* --rekey-suite, then back to --srtp's, and so on */
	int suite = c->ua->rekey_suite >= 0 && c->rekeys_done % 2 == 0
			    ? c->ua->rekey_suite
			    : c->ua->srtp_suite;

	c->rekey_timer = NULL;
	c->local.sess_version++;
	if (gw_srtp_key_new(&c->local.crypto[0], (enum media_srtp_suite)suite,
			    1) ||
	    sdp_build_offer(&c->local, sdp, sizeof(sdp), &len) ||
	    sip_call_reoffer(c->sip, sdp)) {
		ev(c->ua, "event=rekey_failed call=%u code=0", c->n);
		return;
	}
	c->rekey_pending = true;
	ev(c->ua, "event=rekey call=%u", c->n);
}

void ua_srtp_talking(struct ua_call *c)
{
	if (c->ua->rekey_after_ms >= 0 && c->local.ncrypto && !c->rekey_timer)
		c->rekey_timer = gw_timer_start(c->ua->loop,
						(uint64_t)c->ua->rekey_after_ms,
						rekey_fired, c);
}

/* Until the answer, we send under the old key, which the peer (already
 * on our new one) drops: a few packets, as RFC 4568 7.1.4 foresees. */
void ua_srtp_reoffer_done(struct ua_call *c, const struct sip_call_event *e)
{
	struct sdp_session s;
	struct sdp_result res;
	struct media_srtp_cfg sc;
	struct media_srtp *n = NULL;
	int err = EINVAL;

	if (!c->rekey_pending)
		return; /* a session refresh's (--refresh) */
	c->rekey_pending = false;
	if (e->code >= 200 && e->code < 300 && c->media && e->sdp.l &&
	    !sdp_parse(&s, e->sdp.p, e->sdp.l) &&
	    !sdp_accept_answer(&s, &c->local, &res) &&
	    gw_mprof_srtp_cfg(&c->local, &res, &sc)) {
		err = media_srtp_alloc(&sc, media_sess_ssrc(c->media), &n);
		memset(&sc, 0, sizeof(sc));
		if (!err)
			err = media_sess_srtp_rekey(c->media, n, false);
	}
	char id[12];

	if (err) {
		ev(c->ua, "event=rekey_failed call=%u code=%u", c->n, e->code);
		return;
	}
	key_id(&res.crypto_rx, id, sizeof(id));
	ev(c->ua, "event=rekeyed call=%u suite=%s peer_key=%s", c->n,
	   res.crypto_rx.suite, id);
	if (++c->rekeys_done < c->ua->rekeys)
		ua_srtp_talking(c);
}

void ua_srtp_mangle(struct ua_call *c)
{
	char *p = strstr(c->answer, "a=crypto:");
	char rest[sizeof(c->answer)];
	size_t at;

	if (c->ua->answer_tag < 0 || !p)
		return;
	p += strlen("a=crypto:");
	at = (size_t)(p - c->answer);
	snprintf(rest, sizeof(rest), "%s", p + strspn(p, "0123456789"));
	snprintf(p, sizeof(c->answer) - at, "%d%s", c->ua->answer_tag, rest);
}

void ua_srtp_done(struct ua_call *c)
{
	if (c->rekey_timer)
		gw_timer_stop(c->ua->loop, c->rekey_timer);
	c->rekey_timer = NULL;
}
