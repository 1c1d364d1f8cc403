/*
 * Media profiles (see media_prof.h). The [media] profile and one per
 * trunk are built at start, so a call only points at one.
 */
#include "gateway/media_prof.h"

#include <errno.h>
#include <stdio.h>
#include <sys/random.h>
#include <string.h>
#include <strings.h>

void gw_mprof_build(struct gw_mprof *p, const struct gw_cfg *cfg,
		    const char *codecs, int dtmf_mode)
{
	char buf[sizeof(cfg->codecs)];
	char *save = NULL;

	memset(p, 0, sizeof(*p));
	p->dtmf = (enum media_dtmf_mode)(dtmf_mode >= 0 ? dtmf_mode
							: cfg->dtmf_mode);
	/* RFC 7587 6.1: we decode up to 8 kHz audio unless told otherwise;
	 * we capture 8 kHz (the PSTN). */
	snprintf(p->opus_fmtp, sizeof(p->opus_fmtp),
		 "maxplaybackrate=%u;sprop-maxcapturerate=8000;useinbandfec=%d;"
		 "usedtx=%d",
		 cfg->opus_maxplaybackrate, cfg->opus_fec ? 1 : 0,
		 cfg->opus_dtx ? 1 : 0);
	snprintf(buf, sizeof(buf), "%s",
		 codecs && codecs[0] ? codecs : cfg->codecs);
	for (char *tok = strtok_r(buf, ", ", &save);
	     tok && p->ncodecs < CFG_MAX_CODECS;
	     tok = strtok_r(NULL, ", ", &save)) {
		int k = media_codec_lookup(tok);
		const struct media_codec_info *ci;

		if (k < 0)
			continue; /* cfg.c already refused unknown names */
		ci = media_codec_get((enum media_codec)k);
		p->codecs[p->ncodecs++] = (struct sdp_codec){
			.pt = ci->default_pt,
			.name = ci->name,
			.rate = ci->clock,
			.channels = ci->channels,
			.fmtp = k == MEDIA_CODEC_OPUS ? p->opus_fmtp : ci->fmtp,
		};
	}
}

void gw_mprof_srtp(struct gw_mprof *p, const struct cfg_trunk *t)
{
	char buf[sizeof(t->srtp_suites)];
	char *save = NULL;

	p->srtp = (enum sdp_srtp)t->srtp;
	p->nsuites = 0;
	snprintf(buf, sizeof(buf), "%s", t->srtp_suites);
	for (char *tok = strtok_r(buf, ", ", &save);
	     tok && p->nsuites < MEDIA_SRTP__COUNT;
	     tok = strtok_r(NULL, ", ", &save)) {
		int k = media_srtp_suite_lookup(tok);

		if (k >= 0) /* cfg_opts.c refused the others */
			p->suites[p->nsuites++] = (enum media_srtp_suite)k;
	}
}

void gw_media_random_start(struct media_sess_cfg *mc)
{
	uint8_t rnd[10];

	if (getrandom(rnd, sizeof(rnd), 0) == (ssize_t)sizeof(rnd)) {
		memcpy(&mc->ssrc, rnd, 4);
		memcpy(&mc->seq, rnd + 4, 2);
		memcpy(&mc->ts, rnd + 6, 4);
	}
}

int gw_srtp_key_new(struct sdp_crypto *k, enum media_srtp_suite s, unsigned tag)
{
	size_t len = media_srtp_key_len(s);

	memset(k, 0, sizeof(*k));
	if (!len || getrandom(k->key, len, 0) != (ssize_t)len) {
		memset(k, 0, sizeof(*k));
		return EIO;
	}
	k->tag = tag;
	snprintf(k->suite, sizeof(k->suite), "%s", media_srtp_suite_name(s));
	k->key_len = (uint8_t)len;
	k->ok = true;
	return 0;
}

/* Fresh keys for every call (RFC 4568 6.1: never reused), one line per
 * suite, tags 1..n. Without randomness no line: required then fails the
 * offer rather than send a weak key. */
void gw_mprof_srtp_local(const struct gw_mprof *p, struct sdp_local *loc)
{
	loc->srtp = p->srtp;
	loc->ncrypto = 0;
	memset(loc->crypto, 0, sizeof(loc->crypto));
	if (p->srtp == SDP_SRTP_NO)
		return;
	for (unsigned i = 0; i < p->nsuites && i < SDP_MAX_CRYPTO; i++) {
		if (gw_srtp_key_new(&loc->crypto[loc->ncrypto], p->suites[i],
				    loc->ncrypto + 1)) {
			memset(loc->crypto, 0, sizeof(loc->crypto));
			loc->ncrypto = 0;
			return;
		}
		loc->ncrypto++;
	}
}

bool gw_mprof_srtp_cfg(const struct sdp_local *loc,
		       const struct sdp_result *res, struct media_srtp_cfg *sc)
{
	int k;

	if (!res->srtp || res->crypto_local >= loc->ncrypto)
		return false;
	k = media_srtp_suite_lookup(res->crypto_rx.suite);
	if (k < 0)
		return false;
	memset(sc, 0, sizeof(*sc));
	sc->suite = (enum media_srtp_suite)k;
	memcpy(sc->tx_key, loc->crypto[res->crypto_local].key,
	       loc->crypto[res->crypto_local].key_len);
	memcpy(sc->rx_key, res->crypto_rx.key, res->crypto_rx.key_len);
	return true;
}

void gw_mprof_local(const struct gw_mprof *p, const struct gw_cfg *cfg,
		    struct sdp_local *loc)
{
	loc->codecs = p->codecs;
	loc->ncodecs = p->ncodecs;
	loc->ptime = cfg->ptime_ms;
	/* telephone-event only where digits go that way: offering it in
	 * inband or info mode would invite the peer to send both */
	loc->te_pt = p->dtmf == MEDIA_DTMF_RFC4733 ? GW_TE_PT : -1;
	loc->cn = cfg->comfort_noise != 0;
	gw_mprof_srtp_local(p, loc);
}

int gw_mprof_sess_cfg(const struct gw_mprof *p, const struct gw_cfg *cfg,
		      const struct sdp_result *res, struct media_sess_cfg *mc)
{
	int codec = media_codec_lookup(res->name);

	if (codec < 0)
		return ENOTSUP;
	mc->codec = (enum media_codec)codec;
	mc->pt = res->pt;
	mc->ptime_ms = res->ptime ? res->ptime : cfg->ptime_ms;
	/* every codec takes 20 ms; a ptime the codec cannot send (GSM at
	 * 10, Opus at 30) falls back to it */
	if (!media_codec_ptime_ok(mc->codec, mc->ptime_ms))
		mc->ptime_ms = 20;
	mc->fmtp = res->fmtp[0] ? res->fmtp : NULL;
	mc->jb_ms = cfg->jitter_ms;
	mc->jb_adaptive = cfg->jitter_adaptive != 0;
	mc->jb_min_ms = cfg->jitter_min_ms;
	mc->jb_max_ms = cfg->jitter_max_ms;
	mc->te_enabled = p->dtmf == MEDIA_DTMF_RFC4733 && res->te_pt >= 0;
	mc->te_pt = mc->te_enabled ? (uint8_t)res->te_pt : 0;
	/* info mode needs the digits detected even with dtmf_detect 0 */
	mc->dtmf_detect = cfg->dtmf_detect != 0 || p->dtmf == MEDIA_DTMF_INFO;
	mc->dtmf_mute = p->dtmf == MEDIA_DTMF_INFO;
	mc->cn_enabled = cfg->comfort_noise != 0;
	return 0;
}
