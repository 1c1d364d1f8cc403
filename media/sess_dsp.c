/* A session's TDM-side DSP, from media-dsp's components: the line echo
 * canceller, in-band DTMF detection (digits muted and sent as RFC 4733
 * when the peer takes telephone-events), RFC 4733 events received played
 * in-band towards the PSTN, and digits the application asks to play. The
 * audio is converted to linear only while one of them is at work, so a
 * plain G.711 call stays a byte copy. */
#include <errno.h>
#include <string.h>

#include "media/priv.h"

#define TE_VOLUME 10	/* -dBm0 announced in our events */
#define GEN_LEVEL (-10) /* dBm0 of the digits we play */
#define PLAY_DEFAULT_MS 100

int media_sess_dsp_init(struct media_sess *s)
{
	int err = 0;

	media_te_tx_init(&s->te_tx, TE_VOLUME);
	/* an event whose end packets were all lost ends after 1 s */
	media_te_rx_init(&s->te_rx, s->clock_rate);
	media_dtmf_gen_init(&s->gen, GEN_LEVEL);
	if (s->cfg.ec_tail_ms)
		err = media_ec_alloc(s->cfg.ec_tail_ms, &s->ec);
	if (!err && s->cfg.dtmf_detect)
		err = media_dtmf_det_alloc(0, &s->det);
	return err;
}

void media_sess_dsp_free(struct media_sess *s)
{
	media_ec_free(s->ec);
	media_dtmf_det_free(s->det);
	s->ec = NULL;
	s->det = NULL;
}

static void report(struct media_sess *s, char digit, bool end, bool from_rtp)
{
	media_sess_log(s, MEDIA_LOG_INFO, "dtmf %c %s (%s)", digit,
		       end ? "end" : "begin", from_rtp ? "rfc4733" : "in-band");
	if (s->h.dtmf)
		s->h.dtmf(s->h.arg, digit, end, from_rtp);
}

void media_sess_dsp_in(struct media_sess *s, uint8_t *law, size_t n)
{
	struct media_dtmf_ev ev[4];
	unsigned nev, i;

	if (!s->ec && !s->det)
		return;
	media_law_to_linear(s->cfg.tdm_law, law, s->lin, n);
	if (s->ec) {
		/* the reference is what went out over the same block */
		if (s->ref_len < n)
			memset(s->ref + s->ref_len, 0,
			       (n - s->ref_len) * sizeof(s->ref[0]));
		media_ec_process(s->ec, s->ref, s->lin, n);
	}
	if (s->det) {
		nev = media_dtmf_det_run(s->det, s->lin, s->lin, n,
					 s->cfg.te_enabled || s->cfg.dtmf_mute,
					 ev, 4);
		for (i = 0; i < nev; i++) {
			if (s->cfg.te_enabled && !ev[i].end &&
			    !media_te_tx_start(&s->te_tx, ev[i].digit, s->tx.ts,
					       0))
				s->dtmf_tx++;
			else if (s->cfg.te_enabled && ev[i].end)
				media_te_tx_stop(&s->te_tx);
			report(s, ev[i].digit, ev[i].end, false);
		}
	}
	media_linear_to_law(s->cfg.tdm_law, s->lin, law, n);
}

void media_sess_dsp_out(struct media_sess *s, uint8_t *law, size_t n)
{
	struct media_dtmf_ev ev;
	bool played = false;

	if (media_te_rx_tick(&s->te_rx, (uint32_t)n * s->ts_per_sample, &ev)) {
		media_dtmf_gen_stop(&s->gen);
		report(s, ev.digit, true, true);
	}
	if (!s->ec && !media_dtmf_gen_active(&s->gen))
		return;
	media_law_to_linear(s->cfg.tdm_law, law, s->lin, n);
	played = media_dtmf_gen_run(&s->gen, s->lin, n);
	if (played)
		media_linear_to_law(s->cfg.tdm_law, s->lin, law, n);
	if (s->ec) {
		memcpy(s->ref, s->lin, n * sizeof(s->ref[0]));
		s->ref_len = n;
	}
}

bool media_sess_dsp_te_send(struct media_sess *s)
{
	uint8_t payload[MEDIA_TE_PAYLOAD];
	struct rtp_hdr h = { .pt = s->cfg.te_pt, .ssrc = s->tx.ssrc };
	uint32_t ts;
	bool marker;
	size_t len;

	if (!s->cfg.te_enabled || !media_te_tx_active(&s->te_tx))
		return false;
	if (!media_te_tx_poll(&s->te_tx, s->ts_step, payload, &ts, &marker))
		return false;
	h.seq = s->tx.seq;
	h.ts = ts;
	h.marker = marker;
	if (rtp_build(&h, payload, sizeof(payload), s->pkt, SESS_PKT_MAX, &len))
		return false;
	/* The event replaces this frame's audio; audio time goes on. Its
	 * first packet, marked (RFC 4733 2.5.1.1), starts a talkspurt
	 * pending after a pause too: the audio after it follows on. */
	if (marker && s->tx.marker) {
		s->tx.marker = false;
		s->talkspurts++;
	}
	s->tx.seq++;
	s->tx.ts += s->ts_step;
	s->tx.packets++;
	s->tx.bytes += len;
	media_sess_send_pkt(s, len);
	return true;
}

void media_sess_dsp_te_rx(struct media_sess *s, const struct rtp_hdr *h)
{
	struct media_dtmf_ev ev[3];
	unsigned nev = 0;

	if (media_te_rx_put(&s->te_rx, h->ts, h->marker, h->payload,
			    h->payload_len, ev, &nev)) {
		s->rx_bad++;
		return;
	}
	for (unsigned i = 0; i < nev; i++) {
		if (ev[i].end) {
			media_dtmf_gen_stop(&s->gen);
		} else {
			media_dtmf_gen_start(&s->gen, ev[i].digit, 0);
			s->dtmf_rx++;
		}
		report(s, ev[i].digit, ev[i].end, true);
	}
}

int media_sess_dtmf_play(struct media_sess *s, char digit, unsigned ms)
{
	if (!s)
		return EINVAL;
	return media_dtmf_gen_start(&s->gen, digit,
				    (ms ? ms : PLAY_DEFAULT_MS) *
					    (MEDIA_RATE / 1000));
}

void media_sess_ec_disable(struct media_sess *s)
{
	if (s && s->ec)
		media_ec_disable(s->ec);
}

void media_sess_fax_mode(struct media_sess *s)
{
	media_sess_fax_mode_ms(s, 0);
}

/* A deeper buffer costs a fax nothing (T.30 waits seconds for answers)
 * while every underrun garbles the modem signal; the one step back here
 * happens at the switch, on a tone or silence, not in a page. */
void media_sess_fax_mode_ms(struct media_sess *s, unsigned jb_ms)
{
	if (!s)
		return;
	jb_fixed_at_least(s->jb,
			  (uint32_t)((uint64_t)jb_ms * s->clock_rate / 1000));
	if (s->fax)
		return;
	s->fax = true;
	media_sess_ec_disable(s);
	media_sess_log(s, MEDIA_LOG_INFO,
		       "fax/modem: jitter buffer fixed, echo canceller off");
}

void media_sess_tone(struct media_sess *s, struct media_toneplay *tp)
{
	if (!s) {
		media_toneplay_free(tp);
		return;
	}
	media_toneplay_free(s->tone);
	s->tone = tp;
}

bool media_sess_jb_adaptive(const struct media_sess *s)
{
	return s && jb_is_adaptive(s->jb);
}
