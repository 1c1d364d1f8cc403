/*
 * One sipfax call's audio (see sipfax.h): its RTP socket, the media
 * session and, with --srtp, its SDES keys (RFC 4568): a fresh key of
 * ours for every session, the peer's installed from the negotiation.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "gateway/media_net.h"
#include "gateway/media_prof.h"
#include "gateway/net.h"
#include "tools/sipfax/sipfax.h"

static int rtp_send(void *arg, const struct media_addr *dst, const void *pkt,
		    size_t len)
{
	struct sf_call *c = arg;

	return gw_media_sendto(c->rtp_fd, dst, pkt, len);
}

void sf_rtp_readable(void *arg, uint32_t events)
{
	struct sf_call *c = arg;

	gw_media_rtp_drain(c->rtp_fd, c->media, 64);
}

/* --srtp: our one crypto line, a fresh key. Every audio session gets
 * one (the return from T.38 too): a new session starts its SRTP index
 * again, which an old key must not see twice (RFC 3711 9.1). */
int sf_audio_key(struct sf_call *c)
{
	if (c->app->o.srtp_suite < 0)
		return 0;
	c->local.srtp = SDP_SRTP_REQUIRED;
	c->local.ncrypto = 1;
	return gw_srtp_key_new(&c->local.crypto[0],
			       (enum media_srtp_suite)c->app->o.srtp_suite, 1);
}

/* An audio session ends: what it received (SRTP: authenticated only)
 * and dropped, for a test to tell working keys from wrong ones. */
void sf_audio_end(struct sf_call *c)
{
	struct media_stats st;

	if (!c->media)
		return;
	media_sess_stats(c->media, &st);
	sf_ev(c->app,
	      "event=audio call=%u session=%u after_t38=%d srtp=%d "
	      "rx_packets=%llu tx_packets=%llu srtp_auth_fail=%llu "
	      "srtp_replay=%llu srtp_bad=%llu",
	      c->n, c->audio_sessions, c->had_t38 ? 1 : 0, st.srtp ? 1 : 0,
	      (unsigned long long)st.rx_packets,
	      (unsigned long long)st.tx_packets,
	      (unsigned long long)st.srtp_auth_fail,
	      (unsigned long long)st.srtp_replay,
	      (unsigned long long)st.srtp_bad);
	media_sess_free(c->media);
	c->media = NULL;
}

/* A new audio session for res (the old one ends); SRTP with our line
 * and the peer's when res has it. */
int sf_audio_start(struct sf_call *c, const struct sdp_result *res)
{
	struct media_hooks h = { .arg = c, .rtp_send = rtp_send };
	/* fax-tuned: a fixed buffer, deep because an underrun garbles the
	 * modem signal; no comfort noise, no echo canceller */
	struct media_sess_cfg mc = {
		.tdm_law = MEDIA_LAW_ULAW,
		.pt = res->pt,
		.ptime_ms = 20,
		.jb_ms = 120,
		.jb_adaptive = false,
	};
	struct media_srtp_cfg sc;
	struct sockaddr_in sin;
	int codec = media_codec_lookup(res->name);
	int err;

	if (codec < 0 || gw_sockaddr_in(&sin, res->addr, res->port))
		return ENOTSUP;
	mc.codec = (enum media_codec)codec;
	gw_media_random_start(&mc);
	gw_media_addr_from_sin(&mc.peer, &sin);
	if (gw_mprof_srtp_cfg(&c->local, res, &sc))
		mc.srtp = &sc;
	sf_audio_end(c);
	err = media_sess_alloc(&h, &mc, &c->media);
	memset(&sc, 0, sizeof(sc)); /* the keys live in the session only */
	if (err)
		return err;
	c->audio_sessions++;
	c->srtp_rx = res->srtp ? res->crypto_rx : (struct sdp_crypto){ 0 };
	media_sess_fax_mode(c->media);
	return 0;
}

/* An audio re-offer on running audio with a new key of the peer's (RFC
 * 4568 6.1): ours stays (our answer kept our line), so does our stream's
 * context. */
static int srtp_renew(struct sf_call *c, const struct sdp_result *res)
{
	struct media_srtp_cfg sc;
	struct media_srtp *n = NULL;
	int err;

	if (!res->srtp || (res->crypto_rx.key_len == c->srtp_rx.key_len &&
			   !strcmp(res->crypto_rx.suite, c->srtp_rx.suite) &&
			   !memcmp(res->crypto_rx.key, c->srtp_rx.key,
				   res->crypto_rx.key_len)))
		return 0;
	if (!gw_mprof_srtp_cfg(&c->local, res, &sc))
		return ENOTSUP;
	err = media_srtp_alloc(&sc, media_sess_ssrc(c->media), &n);
	memset(&sc, 0, sizeof(sc));
	if (!err)
		err = media_sess_srtp_rekey(c->media, n, true);
	if (!err)
		c->srtp_rx = res->crypto_rx;
	return err;
}

/* --bad-return-crypto: the offer's crypto tags moved out of its range
 * before we answer, so our answer echoes a tag it never had (RFC 4568
 * 7.1.3: the offerer must refuse it). */
static void retag(struct sdp_session *offer)
{
	for (unsigned i = 0; i < offer->nmedia; i++)
		for (unsigned k = 0; k < offer->media[i].ncrypto; k++)
			offer->media[i].crypto[k].tag += 1000;
}

/* Our answer to an audio re-offer in ans: the same session (a new
 * address or key passed on), or, back from T.38, a new one with a new
 * key of ours. NULL, or why it is refused (488). */
const char *sf_audio_answer(struct sf_call *c, struct sdp_session *offer,
			    bool back, struct sdp_result *res, char *ans,
			    size_t size)
{
	size_t len;

	if (back && sf_audio_key(c))
		return "srtp_key";
	if (back && c->app->o.bad_return_crypto)
		retag(offer);
	if (sdp_answer(offer, &c->local, res, ans, size, &len))
		return "sdp";
	if (!back && c->media) {
		struct sockaddr_in sin;
		struct media_addr a;

		if (!gw_sockaddr_in(&sin, res->addr, res->port)) {
			gw_media_addr_from_sin(&a, &sin);
			media_sess_set_peer(c->media, &a, NULL);
		}
		if (srtp_renew(c, res))
			return "srtp_keys";
	}
	/* a broken answer starts no audio: the far end cannot read it */
	if (back && !c->app->o.bad_return_crypto && sf_audio_start(c, res))
		return "media";
	return NULL;
}

void sf_audio_ask(struct sf_call *c)
{
	enum sf_return how = c->app->o.return_audio;
	char sdp[2048];
	size_t len;
	int err;

	if (how == SF_RETURN_NONE || !c->had_t38 || c->media || !c->sip ||
	    sip_call_state(c->sip) != SIP_CALL_CONFIRMED)
		return;
	/* a new audio session: a new key of ours (plain: none at all, and
	 * the next audio offer we answer gets one again, sf_audio_answer) */
	err = sf_audio_key(c);
	if (!err && how == SF_RETURN_PLAIN) {
		c->local.srtp = SDP_SRTP_NO;
		c->local.ncrypto = 0;
	}
	c->local.sess_version = c->sess_version++;
	if (!err)
		err = sdp_build_offer(&c->local, sdp, sizeof(sdp), &len);
	if (!err)
		err = sip_call_reoffer(c->sip, sdp);
	if (err) {
		sf_ev(c->app, "event=audio_reinvite call=%u result=not_sent",
		      c->n);
		return;
	}
	c->audio_asked = true;
	sf_ev(c->app, "event=audio_reinvite call=%u srtp=%d", c->n,
	      c->local.ncrypto ? 1 : 0);
}

void sf_audio_asked_done(struct sf_call *c, unsigned code,
			 const struct sip_pl *sdp)
{
	struct sdp_session ans;
	struct sdp_result res;

	c->audio_asked = false;
	if (code < 200 || code >= 300) {
		sf_ev(c->app, "event=audio_refused call=%u code=%u", c->n,
		      code);
		return;
	}
	if (!sdp->l || sdp_parse(&ans, sdp->p, sdp->l) ||
	    sdp_accept_answer(&ans, &c->local, &res) ||
	    sf_audio_start(c, &res)) {
		sf_ev(c->app,
		      "event=audio_refused call=%u code=%u "
		      "reason=answer",
		      c->n, code);
		return;
	}
	sf_ev(c->app, "event=audio_back call=%u srtp=%d", c->n,
	      res.srtp ? 1 : 0);
}

void sf_audio_idle(struct sf_call *c)
{
	uint8_t law[SF_BLOCK];

	if (!c->media)
		return;
	/* the far end's audio read (and counted), silence sent, so both
	 * directions run until the hangup */
	media_sess_tdm_out(c->media, law, SF_BLOCK);
	memset(law, 0xff, sizeof(law)); /* u-law silence */
	media_sess_tdm_in(c->media, law, SF_BLOCK);
}
