/* One media session per call: TDM audio in the span's law to RTP and back
 * through a jitter buffer. G.711 payloads of the span's law pass through
 * untouched; the other law is transcoded byte for byte. This file: setup,
 * the receive side and statistics; the send path is sess_tx.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "media/priv.h"

/* The TDM law each pass-through codec carries. */
static const enum media_law codec_law[] = {
	[MEDIA_CODEC_PCMU] = MEDIA_LAW_ULAW,
	[MEDIA_CODEC_PCMA] = MEDIA_LAW_ALAW,
};

#define NLAWS (sizeof(codec_law) / sizeof(codec_law[0]))

static bool is_g711(enum media_codec c)
{
	return (unsigned)c < NLAWS;
}

/* Encoder and decoder of a codec that is not a G.711 pass-through. */
static int codec_open(struct media_sess *s)
{
	struct media_codec_cfg cc = { .codec = s->cfg.codec,
				      .ptime_ms = s->cfg.ptime_ms };
	int err;

	if (is_g711(s->cfg.codec))
		return 0;
	/* RFC 7587 6.1: the receiver's fmtp says what it wants from us */
	if (s->cfg.codec == MEDIA_CODEC_OPUS && s->cfg.fmtp &&
	    media_opus_fmtp_parse(s->cfg.fmtp, &cc))
		media_sess_log(s, MEDIA_LOG_INFO, "opus fmtp '%s' ignored",
			       s->cfg.fmtp);
	err = media_enc_alloc(&cc, &s->enc);
	if (!err)
		err = media_dec_alloc(&cc, &s->dec);
	return err;
}

void media_sess_log(const struct media_sess *s, int level, const char *fmt, ...)
{
	char msg[200];
	int n;
	va_list ap;

	if (!s->h.log)
		return;
	n = snprintf(msg, sizeof(msg), "media ssrc %08x: ", s->tx.ssrc);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	s->h.log(s->h.arg, level, msg);
}

uint64_t media_sess_now(const struct media_sess *s)
{
	return s->h.now_us ? s->h.now_us(s->h.arg) : 0;
}

int media_sess_alloc(const struct media_hooks *h,
		     const struct media_sess_cfg *cfg, struct media_sess **out)
{
	struct jb_cfg jcfg = { .max_payload = SESS_MAX_RX };
	struct media_sess *s;
	unsigned ptime;
	int err;

	if (!h || !h->rtp_send || !cfg || !out)
		return EINVAL;
	ptime = cfg->ptime_ms ? cfg->ptime_ms : 20;
	if ((unsigned)cfg->tdm_law > MEDIA_LAW_ALAW ||
	    !media_codec_get(cfg->codec) || cfg->pt > 127 ||
	    !media_codec_ptime_ok(cfg->codec, ptime) ||
	    (cfg->te_enabled && (cfg->te_pt > 127 || cfg->te_pt == cfg->pt)))
		return EINVAL;
	jcfg.depth_ms = cfg->jb_ms ? cfg->jb_ms : JB_DEFAULT_MS;
	jcfg.adaptive = cfg->jb_adaptive;
	jcfg.min_ms = cfg->jb_min_ms;
	jcfg.max_ms = cfg->jb_max_ms;
	jcfg.rate = media_codec_get(cfg->codec)->clock;
	/* Sized for this call, not for the worst one: packets of up to 60 ms
	 * of this codec, and enough of them for the depth plus 120 ms of
	 * 10 ms packets. At 1 s of 120 ms slots it was 48 KB a call. */
	jcfg.max_payload = media_codec_max_payload(cfg->codec, 60);
	if (jcfg.max_payload > SESS_MAX_RX || !jcfg.max_payload)
		jcfg.max_payload = SESS_MAX_RX;
	jcfg.slots = ((jcfg.adaptive && jcfg.max_ms > jcfg.depth_ms
			       ? jcfg.max_ms
			       : jcfg.depth_ms) +
		      120) /
		     10;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	err = jb_alloc(&jcfg, &s->jb);
	if (err) {
		free(s);
		return err;
	}
	s->h = *h;
	s->cfg = *cfg;
	s->cfg.ptime_ms = ptime;
	s->cfg.jb_ms = jcfg.depth_ms;
	snprintf(s->cname, sizeof(s->cname), "%s",
		 cfg->cname ? cfg->cname : "pstngw");
	s->cfg.cname = s->cname;
	s->cfg.fmtp = NULL; /* read once, in codec_open() */
	s->info = media_codec_get(cfg->codec);
	s->codec_law =
		is_g711(cfg->codec) ? codec_law[cfg->codec] : cfg->tdm_law;
	s->clock_rate = s->info->clock;
	s->ts_per_sample = s->info->ts_per_sample ? s->info->ts_per_sample : 1;
	s->frame = ptime * (MEDIA_RATE / 1000);
	s->ts_step = s->frame * s->ts_per_sample;
	rtp_tx_init(&s->tx, cfg->pt, cfg->ssrc, cfg->seq, cfg->ts);
	rtp_rx_init(&s->rx);
	rtcp_src_init(&s->rsrc);
	media_latch_init(&s->latch, &cfg->peer,
			 1000ull * (cfg->latch_silence_ms
					    ? cfg->latch_silence_ms
					    : 2000));
	media_sess_rtcp_init(s);
	s->cfg.fmtp = cfg->fmtp;
	err = codec_open(s);
	s->cfg.fmtp = NULL;
	if (!err && cfg->cn_enabled)
		err = media_cn_alloc(cfg->ssrc ^ 0x5a5a5a5au, &s->cn);
	if (!err && cfg->srtp)
		err = media_srtp_alloc(cfg->srtp, cfg->ssrc, &s->srtp);
	s->cfg.srtp = NULL; /* the keys live in the contexts only */
	if (!err)
		err = media_sess_dsp_init(s);
	if (err) {
		media_sess_free(s);
		return err;
	}
	media_sess_log(s, MEDIA_LOG_DEBUG,
		       "%s pt %u ptime %u, tdm %s, jb %u ms",
		       media_codec_name(cfg->codec), cfg->pt, ptime,
		       media_law_name(cfg->tdm_law), jcfg.depth_ms);
	*out = s;
	return 0;
}

void media_sess_free(struct media_sess *s)
{
	if (!s)
		return;
	jb_free(s->jb);
	media_cn_free(s->cn);
	media_toneplay_free(s->tone);
	media_srtp_free(s->srtp);
	media_sess_dsp_free(s);
	media_enc_free(s->enc);
	media_dec_free(s->dec);
	free(s);
}

/* Fills cur with n samples of concealment: the last good frame, fading
 * by 6 dB per repeat, then silence. */
static void conceal(struct media_sess *s, size_t n)
{
	size_t i, k;
	int shift;

	s->concealed++;
	if (!s->last_len || s->concealed > SESS_CONCEAL_FRAMES) {
		memset(s->cur, media_law_silence(s->cfg.tdm_law), n);
		return;
	}
	shift = (int)s->concealed;
	for (i = 0, k = 0; i < n; i++, k = (k + 1) % s->last_len)
		s->cur[i] = s->last[k];
	media_law_to_linear(s->cfg.tdm_law, s->cur, s->pcm, n);
	for (i = 0; i < n; i++)
		s->pcm[i] = (int16_t)(s->pcm[i] / (1 << shift));
	media_linear_to_law(s->cfg.tdm_law, s->pcm, s->cur, n);
}

/* After an RFC 3389 payload the sender is silent on purpose: gaps are
 * filled with noise at its level instead of being concealed. */
static bool cn_fill(struct media_sess *s, size_t n)
{
	if (!s->cn_on)
		return false;
	if (n > SESS_MAX_RX)
		n = SESS_MAX_RX;
	media_cn_run(s->cn, s->pcm, n);
	media_linear_to_law(s->cfg.tdm_law, s->pcm, s->cur, n);
	s->cur_pos = 0;
	s->cur_len = n;
	return true;
}

/* Peak above which playout counts as loud for the jitter buffer
 * (jb_set_loud): about -36 dBm0, well below a DTMF tone or speech. */
#define SESS_LOUD_PEAK 400

/* Tells the adaptive jitter buffer whether the n linear samples just
 * taken out are loud: it then puts off growing (a gap would cut a tone). */
static void tell_loudness(struct media_sess *s, const int16_t *pcm, size_t n)
{
	bool loud = false;

	for (size_t i = 0; i < n && !loud; i++)
		loud = pcm[i] > SESS_LOUD_PEAK || pcm[i] < -SESS_LOUD_PEAK;
	jb_set_loud(s->jb, loud);
}

/* refill() for a decoding codec: the jitter buffer counts in RTP
 * timestamp units, the TDM side in 8 kHz samples. */
static bool refill_decoded(struct media_sess *s)
{
	struct jb_frame f;
	size_t n = 0, skip;

	switch (jb_get(s->jb, s->ts_step, &f)) {
	case JB_GET_IDLE:
		return false;
	case JB_GET_FRAME:
		if (media_dec_decode(s->dec, f.data, f.len, s->pcm, SESS_MAX_RX,
				     &n)) {
			/* corrupt payload: conceal its time instead */
			n = f.samples / s->ts_per_sample;
			media_dec_conceal(s->dec, NULL, 0, s->pcm, n);
			s->rx_bad++;
		}
		skip = f.skip / s->ts_per_sample;
		tell_loudness(s, s->pcm, n);
		if (skip >= n)
			return true;
		media_linear_to_law(s->cfg.tdm_law, s->pcm + skip, s->cur,
				    n - skip);
		s->cur_len = n - skip;
		return true;
	case JB_GET_GAP:
		n = f.samples / s->ts_per_sample;
		if (n > SESS_MAX_RX)
			n = SESS_MAX_RX;
		if (cn_fill(s, n))
			return true;
		media_dec_conceal(s->dec, NULL, 0, s->pcm, n);
		media_linear_to_law(s->cfg.tdm_law, s->pcm, s->cur, n);
		s->cur_len = n;
		return true;
	}
	return false;
}

/* Refills cur from the jitter buffer; false when playout has not begun. */
static bool refill(struct media_sess *s)
{
	struct jb_frame f;
	size_t len;

	s->cur_pos = 0;
	s->cur_len = 0;
	if (s->dec)
		return refill_decoded(s);
	switch (jb_get(s->jb, s->frame, &f)) {
	case JB_GET_IDLE:
		return false;
	case JB_GET_FRAME:
		/* G.711: one octet per sample. */
		if (f.skip >= f.len)
			return true;
		len = f.len - f.skip;
		media_law_transcode(s->codec_law, s->cfg.tdm_law,
				    f.data + f.skip, s->cur, len);
		memcpy(s->last, s->cur, len);
		s->last_len = len;
		s->cur_len = len;
		s->concealed = 0;
		if (jb_is_adaptive(s->jb)) {
			media_law_to_linear(s->cfg.tdm_law, s->cur, s->pcm,
					    len);
			tell_loudness(s, s->pcm, len);
		}
		return true;
	case JB_GET_GAP:
		if (cn_fill(s, f.samples))
			return true;
		conceal(s, f.samples);
		s->cur_len = f.samples;
		return true;
	}
	return false;
}

static void tdm_out(struct media_sess *s, uint8_t *law, size_t n)
{
	size_t take;

	while (n) {
		if (s->cur_pos == s->cur_len && !refill(s) && !cn_fill(s, n)) {
			memset(law, media_law_silence(s->cfg.tdm_law), n);
			return;
		}
		take = s->cur_len - s->cur_pos;
		if (take > n)
			take = n;
		memcpy(law, s->cur + s->cur_pos, take);
		s->cur_pos += take;
		law += take;
		n -= take;
	}
}

/* Counts a packet from a source we do not take; logs only the first, so a
 * flood costs no log line per packet. */
static int foreign(struct media_sess *s, const struct media_addr *src)
{
	char a[64];

	s->rx_foreign++;
	if (!s->foreign_logged) {
		s->foreign_logged = true;
		media_sess_log(s, MEDIA_LOG_INFO,
			       "dropping RTP from %s: neither negotiated nor "
			       "latched (further drops only counted)",
			       media_addr_str(src, a, sizeof(a)));
	}
	return EACCES;
}

static void moved(struct media_sess *s, const struct media_addr *src)
{
	char a[64], b[64];

	s->latches++;
	media_sess_log(s, MEDIA_LOG_INFO, "RTP peer %s -> %s",
		       media_addr_str(&s->latch.cur, a, sizeof(a)),
		       media_addr_str(src, b, sizeof(b)));
}

void media_sess_tdm_out(struct media_sess *s, uint8_t *law, size_t n)
{
	if (!s || !law)
		return;
	for (size_t off = 0; off < n; off += SESS_MAX_RX) {
		size_t k = n - off < SESS_MAX_RX ? n - off : SESS_MAX_RX;

		tdm_out(s, law + off, k);
		media_sess_dsp_out(s, law + off, k);
	}
}

int media_sess_srtp_in(struct media_sess *s, const void **pkt, size_t *len,
		       const struct media_addr *src, bool rtcp)
{
	const uint8_t *p = *pkt, *out;
	struct media_latch *l = rtcp ? &s->rtcp_latch : &s->latch;
	uint32_t ssrc;
	size_t n;
	int err;

	/* the header is in the clear; the rest waits for authentication */
	if (*len < RTP_HDR_LEN || p[0] >> 6 != RTP_VERSION) {
		if (!media_addr_eq(src, &l->cur))
			return rtcp ? (s->rtcp_foreign++, EACCES)
				    : foreign(s, src);
		if (rtcp)
			s->rtcp_bad++;
		else
			s->rx_bad++;
		return EPROTO;
	}
	ssrc = get32(p + (rtcp ? 4 : 8));
	if (media_latch_judge(l, src, ssrc, s->h.now_us != NULL,
			      media_sess_now(s)) == MEDIA_LATCH_FOREIGN)
		return rtcp ? (s->rtcp_foreign++, EACCES) : foreign(s, src);
	err = media_srtp_unprotect(s->srtp, p, *len, rtcp, &out, &n);
	if (err) {
		if (!s->srtp_logged) {
			s->srtp_logged = true;
			media_sess_log(s, MEDIA_LOG_INFO,
				       "dropping %s that fails SRTP checks "
				       "(error %d; further drops only counted)",
				       rtcp ? "RTCP" : "RTP", err);
		}
		return err;
	}
	*pkt = out;
	*len = n;
	return 0;
}

int media_sess_rtp_in(struct media_sess *s, const void *pkt, size_t len,
		      const struct media_addr *src)
{
	struct rtp_hdr h;
	enum rtp_rx_verdict v;
	enum media_latch_verdict lv;
	uint64_t now;
	uint32_t dur;
	int err;

	if (!s || !src)
		return EINVAL;
	if (s->srtp) {
		err = media_sess_srtp_in(s, &pkt, &len, src, false);
		if (err)
			return err;
	}
	err = rtp_hdr_parse(&h, pkt, len);
	if (err) {
		if (!media_addr_eq(src, &s->latch.cur))
			return foreign(s, src);
		s->rx_bad++;
		rtp_rx_bad(&s->rx);
		media_sess_log(s, MEDIA_LOG_DEBUG,
			       "bad packet (%zu octets): error %d", len, err);
		return err;
	}
	now = media_sess_now(s);
	lv = media_latch_judge(&s->latch, src, h.ssrc, s->h.now_us != NULL,
			       now);
	if (lv == MEDIA_LATCH_FOREIGN)
		return foreign(s, src);
	if (h.pt != s->cfg.pt && !(s->cfg.te_enabled && h.pt == s->cfg.te_pt) &&
	    !(s->cn && h.pt == MEDIA_PT_CN)) {
		s->rx_wrong_pt++;
		media_sess_log(s, MEDIA_LOG_DEBUG, "dropped pt %u", h.pt);
		return 0;
	}
	if (h.payload_len > SESS_MAX_RX) {
		s->rx_bad++;
		media_sess_log(s, MEDIA_LOG_DEBUG,
			       "payload of %zu octets too large",
			       h.payload_len);
		return EPROTO;
	}
	if (lv == MEDIA_LATCH_MOVE)
		moved(s, src);
	media_latch_accept(&s->latch, src, h.ssrc, now);
	s->rx_packets++;
	s->rx_bytes += len;
	v = rtp_rx_update(&s->rx, &h, len);
	switch (v) {
	case RTP_RX_NEWSSRC:
		media_sess_rtcp_newsrc(s);
		if (s->rx.packets > 1) {
			s->ssrc_changes++;
			media_sess_log(s, MEDIA_LOG_INFO,
				       "new remote ssrc %08x", h.ssrc);
			jb_reset(s->jb);
		}
		break;
	case RTP_RX_DUP:
		return 0;
	case RTP_RX_JUMP:
		media_sess_log(s, MEDIA_LOG_DEBUG, "seq jump to %u, dropped",
			       h.seq);
		return 0;
	case RTP_RX_OK:
	case RTP_RX_REORDER:
		break;
	}
	if (s->h.now_us)
		rtcp_src_jitter(&s->rsrc, h.ts,
				(uint32_t)(now * s->clock_rate / 1000000));
	if (s->cfg.te_enabled && h.pt == s->cfg.te_pt) {
		media_sess_dsp_te_rx(s, &h);
		return 0;
	}
	if (s->cn && h.pt == MEDIA_PT_CN) {
		if (media_cn_put(s->cn, h.payload, h.payload_len)) {
			s->rx_bad++;
			return EPROTO;
		}
		s->cn_rx++;
		s->cn_on = true;
		return 0;
	}
	if (!h.payload_len)
		return 0;
	dur = s->dec ? media_dec_duration(s->dec, h.payload, h.payload_len)
		     : (uint32_t)h.payload_len;
	if (!dur) {
		s->rx_bad++;
		media_sess_log(s, MEDIA_LOG_DEBUG, "undecodable payload");
		return EPROTO;
	}
	s->cn_on = false; /* speech again: gaps are losses now */
	jb_put_marked(s->jb, h.ts, dur, h.payload, h.payload_len, h.marker);
	return 0;
}

int media_sess_set_peer(struct media_sess *s, const struct media_addr *rtp,
			const struct media_addr *rtcp)
{
	char a[64];

	if (!s || !rtp)
		return EINVAL;
	media_latch_init(&s->latch, rtp, s->latch.silence_us);
	s->cfg.peer = *rtp;
	s->cfg.peer_rtcp = rtcp ? *rtcp : (struct media_addr){ 0 };
	media_sess_rtcp_init_latch(s);
	s->foreign_logged = false;
	media_sess_log(s, MEDIA_LOG_INFO, "negotiated peer %s",
		       media_addr_str(rtp, a, sizeof(a)));
	return 0;
}

int media_sess_srtp_rekey(struct media_sess *s, struct media_srtp *n,
			  bool keep_tx)
{
	if (!s || !n) {
		media_srtp_free(n);
		return EINVAL;
	}
	if (s->srtp)
		media_srtp_take(s->srtp, n, keep_tx);
	else
		s->srtp = n;
	s->srtp_logged = false; /* the old key's stragglers get one line */
	media_sess_log(s, MEDIA_LOG_INFO, "new SRTP keys%s",
		       keep_tx ? " (ours kept)" : "");
	return 0;
}

uint32_t media_sess_ssrc(const struct media_sess *s)
{
	return s ? s->tx.ssrc : 0;
}

static uint32_t ts_to_us(const struct media_sess *s, uint32_t units)
{
	return (uint32_t)((uint64_t)units * 1000000 / s->clock_rate);
}

void media_sess_stats(const struct media_sess *s, struct media_stats *out)
{
	struct jb_stats js;

	if (!s || !out)
		return;
	jb_stats(s->jb, &js);
	memset(out, 0, sizeof(*out));
	out->tx_packets = s->tx.packets;
	out->tx_bytes = s->tx.bytes;
	out->rx_packets = s->rx_packets;
	out->rx_bytes = s->rx_bytes;
	out->rx_bad = s->rx_bad;
	out->rx_wrong_pt = s->rx_wrong_pt;
	out->rx_late = js.late;
	out->rx_dup = s->rx.dups + js.dup;
	out->rx_lost = rtp_rx_lost(&s->rx);
	out->rx_reorder = s->rx.reorder;
	out->jb_overflow = js.overflow;
	out->underruns = js.underruns;
	out->rx_foreign = s->rx_foreign;
	out->latches = s->latches;
	out->ssrc_changes = s->ssrc_changes;
	out->talkspurts = s->talkspurts;
	out->rtcp_tx = s->rtcp_tx;
	out->rtcp_rx = s->rtcp_rx;
	out->rtcp_bad = s->rtcp_bad;
	out->rtcp_foreign = s->rtcp_foreign;
	out->dtmf_tx = s->dtmf_tx;
	out->dtmf_rx = s->dtmf_rx;
	out->cn_rx = s->cn_rx;
	if (s->srtp) {
		struct media_srtp_stats ss;

		media_srtp_stats(s->srtp, &ss);
		out->srtp = true;
		out->srtp_auth_fail = ss.rx_auth_fail;
		out->srtp_replay = ss.rx_replay;
		out->srtp_bad = ss.rx_bad + ss.tx_fail;
		out->srtp_rekeys = ss.rekeys;
	}
	out->jitter_us = ts_to_us(s, rtcp_src_jitter_units(&s->rsrc));
	out->fraction_lost = s->fraction_lost;
	out->have_remote = s->have_remote;
	if (s->have_remote) {
		out->remote_fraction_lost = s->remote.fraction;
		out->remote_lost = s->remote.lost;
		out->remote_jitter_us = ts_to_us(s, s->remote.jitter);
	}
	out->have_rtt = s->have_rtt;
	out->rtt_us = s->rtt_us;
	out->peer = s->latch.cur;
}
