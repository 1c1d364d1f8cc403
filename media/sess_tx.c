/* A session's send path: TDM audio in, one RTP packet per ptime, and the
 * media clock its timestamps follow.
 *
 * RFC 3550 5.1: the timestamp is the sampling instant of the packet's
 * first sample, so it counts the samples handed to us, not the time we
 * happened to be called. The TDM tick that hands them can be late (a
 * loaded host wakes the media worker 8 ms, or 100 ms, after its time) and
 * then hands the blocks it owes at once; stamping by the wall clock made
 * the far end play a gap, then overflow when the burst came.
 *
 * Samples can also truly be missing: early media muted, a call on hold,
 * TDM blocks dropped by a stalled worker. The wall clock tells the two
 * apart: the media clock (tx_due_us) says when the samples handed so far
 * were complete. Samples handed up to SESS_LATE_MS after that are a late
 * tick: they follow on. Later than that, none of the queued blocks that
 * could still be on their way is that old (the gateway queues at most
 * 160 ms for a stalled worker), so samples are missing: the next frame's
 * timestamp skips the whole frames missed and carries the marker bit
 * (RFC 3551 4.1, a new talkspurt). Fax mode takes every gap for a late
 * tick: its blocks are always handed, and a jump would garble a modem.
 *
 * The media clock is pulled back at once to blocks handed earlier than it
 * says (its origin was a late block, or the TDM clock runs fast), and moved
 * on once a second by the least lateness of that second (the TDM clock
 * runs slow), so a drifting TDM clock is never taken for a pause. */
#include <errno.h>
#include <string.h>

#include "media/priv.h"

#define US_PER_SAMPLE (1000000 / MEDIA_RATE)
#define LAG_WINDOW MEDIA_RATE /* samples between forward corrections */

static void window_reset(struct media_sess *s)
{
	s->tx_lag_min = INT64_MAX;
	s->tx_lag_win = 0;
}

/* n samples are handed now: moves the media clock on, or notes a pause
 * for the next frame. */
static void tx_clock(struct media_sess *s, size_t n)
{
	uint64_t now, due;
	int64_t lag;

	if (!s->h.now_us || !n)
		return;
	now = media_sess_now(s);
	if (!s->tx_clocked) {
		s->tx_clocked = true;
		s->tx_due_us = now;
		window_reset(s);
		return;
	}
	due = s->tx_due_us + (uint64_t)n * US_PER_SAMPLE;
	lag = (int64_t)(now - due);
	if (lag < 0) {
		/* handed before they could be complete: the clock's origin
		 * was late; from now on it is this block */
		s->tx_due_us = now;
		return;
	}
	if (lag > 1000ll * SESS_LATE_MS && !s->fax) {
		uint64_t frames = (uint64_t)lag / (1000ull * s->cfg.ptime_ms);

		s->tx_gap += (uint32_t)(frames * s->ts_step);
		s->tx_gap_pending = true;
		s->tx_due_us = now;
		window_reset(s);
		return;
	}
	s->tx_due_us = due;
	if (lag < s->tx_lag_min)
		s->tx_lag_min = lag;
	s->tx_lag_win += (uint32_t)n;
	if (s->tx_lag_win >= LAG_WINDOW) {
		/* every block of the last second came late by at least this:
		 * the clock, not the ticks */
		s->tx_due_us += (uint64_t)s->tx_lag_min;
		window_reset(s);
	}
}

/* A frame begins: a pause noted before it shows in its timestamp. */
static void frame_start(struct media_sess *s)
{
	if (!s->tx_gap_pending)
		return;
	s->tx.ts += s->tx_gap;
	s->tx.marker = true;
	s->tx_gap = 0;
	s->tx_gap_pending = false;
}

uint32_t media_sess_tx_ts_at(const struct media_sess *s, uint64_t now)
{
	/* the next frame's timestamp, plus the samples already in it */
	uint32_t ts = s->tx.ts + (uint32_t)s->txfill * s->ts_per_sample;

	if (s->tx_clocked && now > s->tx_due_us)
		ts += (uint32_t)((now - s->tx_due_us) * s->clock_rate /
				 1000000);
	return ts;
}

/* One packet's audio in txbuf (TDM law) -> its payload, in txbuf too. */
static int encode(struct media_sess *s, size_t *plen)
{
	if (!s->enc) {
		media_law_transcode(s->cfg.tdm_law, s->codec_law, s->txbuf,
				    s->txbuf, s->frame);
		*plen = s->frame;
		return 0;
	}
	media_law_to_linear(s->cfg.tdm_law, s->txbuf, s->pcm, s->frame);
	return media_enc_encode(s->enc, s->pcm, s->txbuf, sizeof(s->txbuf),
				plen);
}

/* The frame in txbuf is complete: out as audio, or as the RFC 4733 event
 * that replaces it. */
static int send_frame(struct media_sess *s)
{
	size_t len, plen;
	int err;

	if (media_sess_dsp_te_send(s))
		return 0;
	if (s->tx.marker)
		s->talkspurts++;
	err = encode(s, &plen);
	if (!err)
		err = rtp_tx_packet(&s->tx, s->txbuf, plen, s->ts_step, s->pkt,
				    SESS_PKT_MAX, &len);
	if (!err)
		err = media_sess_send_pkt(s, len);
	return err;
}

int media_sess_send_pkt(struct media_sess *s, size_t len)
{
	int err;

	if (s->srtp) {
		err = media_srtp_protect(s->srtp, s->pkt, &len, false);
		if (err)
			return err;
	}
	return s->h.rtp_send(s->h.arg, &s->latch.cur, s->pkt, len);
}

int media_sess_tdm_in(struct media_sess *s, const uint8_t *law, size_t n)
{
	size_t take;
	int err, ret = 0;

	if (!s || (n && !law))
		return EINVAL;
	tx_clock(s, n);
	while (n) {
		if (!s->txfill)
			frame_start(s);
		take = s->frame - s->txfill;
		if (take > n)
			take = n;
		memcpy(s->txbuf + s->txfill, law, take);
		media_sess_dsp_in(s, s->txbuf + s->txfill, take);
		if (s->tone) {
			media_toneplay_run(s->tone, s->lin, take);
			media_linear_to_law(s->cfg.tdm_law, s->lin,
					    s->txbuf + s->txfill, take);
		}
		s->txfill += take;
		law += take;
		n -= take;
		if (s->txfill < s->frame)
			break;
		s->txfill = 0;
		err = send_frame(s);
		if (err && !ret) {
			ret = err;
			media_sess_log(s, MEDIA_LOG_DEBUG, "send: error %d",
				       err);
		}
	}
	return ret;
}
