/* One media session per call: TDM audio in the span's law to RTP and back
 * through a jitter buffer. G.711 payloads of the span's law pass through
 * untouched; the other law is transcoded byte for byte. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "media/priv.h"

#define SESS_MAX_FRAME 480    /* 60 ms, the longest ptime we send */
#define SESS_MAX_RX 960	      /* 120 ms, the longest packet we accept */
#define SESS_CONCEAL_FRAMES 2 /* attenuated repeats before silence */

struct media_sess {
	struct media_hooks h;
	struct media_sess_cfg cfg;
	enum media_law codec_law;
	uint32_t frame; /* samples per sent packet */

	struct rtp_tx tx;
	uint8_t txbuf[SESS_MAX_FRAME];
	size_t txfill;
	uint8_t pkt[RTP_HDR_LEN + SESS_MAX_FRAME];

	struct rtp_rx rx;
	struct jb *jb;
	uint64_t rx_bad, rx_wrong_pt, rx_packets, rx_bytes;
	uint8_t cur[SESS_MAX_RX]; /* playout frame, TDM law */
	size_t cur_len, cur_pos;
	uint8_t last[SESS_MAX_RX]; /* last good frame, TDM law */
	size_t last_len;
	unsigned concealed;	  /* gap frames since the last good one */
	int16_t pcm[SESS_MAX_RX]; /* concealment scratch */
};

/* The TDM law each pass-through codec carries. */
static const enum media_law codec_law[] = {
	[MEDIA_CODEC_PCMU] = MEDIA_LAW_ULAW,
	[MEDIA_CODEC_PCMA] = MEDIA_LAW_ALAW,
};

#define NCODECS (sizeof(codec_law) / sizeof(codec_law[0]))

__attribute__((format(printf, 3, 4))) static void
slog(const struct media_sess *s, int level, const char *fmt, ...)
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
	    (unsigned)cfg->codec >= NCODECS || cfg->pt > 127 || ptime < 10 ||
	    ptime > 60 || ptime % 10 ||
	    (cfg->te_enabled && (cfg->te_pt > 127 || cfg->te_pt == cfg->pt)))
		return EINVAL;
	jcfg.depth_ms = cfg->jb_ms ? cfg->jb_ms : JB_DEFAULT_MS;
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
	s->codec_law = codec_law[cfg->codec];
	s->frame = ptime * (MEDIA_RATE / 1000);
	rtp_tx_init(&s->tx, cfg->pt, cfg->ssrc, cfg->seq, cfg->ts);
	rtp_rx_init(&s->rx);
	slog(s, MEDIA_LOG_DEBUG, "%s pt %u ptime %u, tdm %s, jb %u ms",
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
	free(s);
}

int media_sess_tdm_in(struct media_sess *s, const uint8_t *law, size_t n)
{
	size_t take, len;
	int err, ret = 0;

	if (!s || (n && !law))
		return EINVAL;
	while (n) {
		take = s->frame - s->txfill;
		if (take > n)
			take = n;
		memcpy(s->txbuf + s->txfill, law, take);
		s->txfill += take;
		law += take;
		n -= take;
		if (s->txfill < s->frame)
			break;
		s->txfill = 0;
		media_law_transcode(s->cfg.tdm_law, s->codec_law, s->txbuf,
				    s->txbuf, s->frame);
		err = rtp_tx_packet(&s->tx, s->txbuf, s->frame, s->frame,
				    s->pkt, sizeof(s->pkt), &len);
		if (!err)
			err = s->h.rtp_send(s->h.arg, s->pkt, len);
		if (err && !ret) {
			ret = err;
			slog(s, MEDIA_LOG_DEBUG, "send: error %d", err);
		}
	}
	return ret;
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

/* Refills cur from the jitter buffer; false when playout has not begun. */
static bool refill(struct media_sess *s)
{
	struct jb_frame f;
	size_t len;

	s->cur_pos = 0;
	s->cur_len = 0;
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
		return true;
	case JB_GET_GAP:
		conceal(s, f.samples);
		s->cur_len = f.samples;
		return true;
	}
	return false;
}

void media_sess_tdm_out(struct media_sess *s, uint8_t *law, size_t n)
{
	size_t take;

	if (!s || !law)
		return;
	while (n) {
		if (s->cur_pos == s->cur_len && !refill(s)) {
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

int media_sess_rtp_in(struct media_sess *s, const void *pkt, size_t len)
{
	struct rtp_hdr h;
	enum rtp_rx_verdict v;
	int err;

	if (!s)
		return EINVAL;
	err = rtp_hdr_parse(&h, pkt, len);
	if (err) {
		s->rx_bad++;
		rtp_rx_bad(&s->rx);
		slog(s, MEDIA_LOG_DEBUG, "bad packet (%zu octets): error %d",
		     len, err);
		return err;
	}
	if (h.pt != s->cfg.pt && !(s->cfg.te_enabled && h.pt == s->cfg.te_pt)) {
		s->rx_wrong_pt++;
		slog(s, MEDIA_LOG_DEBUG, "dropped pt %u", h.pt);
		return 0;
	}
	if (h.payload_len > SESS_MAX_RX) {
		s->rx_bad++;
		slog(s, MEDIA_LOG_DEBUG, "payload of %zu octets too large",
		     h.payload_len);
		return EPROTO;
	}
	s->rx_packets++;
	s->rx_bytes += len;
	v = rtp_rx_update(&s->rx, &h, len);
	switch (v) {
	case RTP_RX_NEWSSRC:
		if (s->rx.packets > 1) {
			slog(s, MEDIA_LOG_INFO, "new remote ssrc %08x", h.ssrc);
			jb_reset(s->jb);
		}
		break;
	case RTP_RX_DUP:
		return 0;
	case RTP_RX_JUMP:
		slog(s, MEDIA_LOG_DEBUG, "seq jump to %u, dropped", h.seq);
		return 0;
	case RTP_RX_OK:
	case RTP_RX_REORDER:
		break;
	}
	/* Telephone events are accepted and counted; their decoding is
	 * the DTMF module's job. */
	if (h.pt != s->cfg.pt || !h.payload_len)
		return 0;
	jb_put(s->jb, h.ts, (uint32_t)h.payload_len, h.payload, h.payload_len);
	return 0;
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
}
