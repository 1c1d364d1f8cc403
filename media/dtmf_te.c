/* RFC 4733 telephone-events for DTMF: the sender and the receiver.
 *
 * Payload (RFC 4733 2.3): event (8 bits), E (end), R (reserved), volume
 * (6 bits, -dBm0), duration (16 bits, timestamp units). All packets of one
 * event carry the timestamp of its start; the duration grows with each
 * packet; the end is sent three times with the E bit (2.5.1.4) so a single
 * loss does not lose it. Receivers identify an event by its timestamp, so
 * retransmissions and updates are not new digits (2.5.2.1). */
#include <errno.h>
#include <string.h>

#include "media/media.h"

#define TE_ENDS 3	   /* end packets per event */
#define TE_MAX_DUR 0xffffu /* the 16-bit duration field */
#define TE_E 0x80

void media_te_tx_init(struct media_te_tx *t, unsigned volume)
{
	memset(t, 0, sizeof(*t));
	t->code = -1;
	t->pend_code = -1;
	t->volume = (uint8_t)(volume > 63 ? 63 : volume);
}

int media_te_tx_start(struct media_te_tx *t, char digit, uint32_t ts,
		      uint32_t min_dur)
{
	int code = media_dtmf_code(digit);

	if (!t || code < 0)
		return EINVAL;
	if (t->code >= 0) {
		if (!t->stopping || t->pend_code >= 0)
			return EBUSY;
		t->pend_code = code;
		t->pend_ts = ts;
		t->pend_elapsed = 0;
		t->pend_min = min_dur > TE_MAX_DUR ? TE_MAX_DUR : min_dur;
		t->pend_stop = false;
		return 0;
	}
	t->code = code;
	t->ts = ts;
	t->duration = 0;
	t->min_dur = min_dur > TE_MAX_DUR ? TE_MAX_DUR : min_dur;
	t->ends = 0;
	t->stopping = false;
	t->first = true;
	return 0;
}

void media_te_tx_stop(struct media_te_tx *t)
{
	if (t && t->pend_code >= 0)
		t->pend_stop = true;
	else if (t && t->code >= 0)
		t->stopping = true;
}

bool media_te_tx_active(const struct media_te_tx *t)
{
	return t && t->code >= 0;
}

bool media_te_tx_poll(struct media_te_tx *t, uint32_t elapsed,
		      uint8_t payload[MEDIA_TE_PAYLOAD], uint32_t *ts,
		      bool *marker)
{
	bool end = false;

	if (!t || t->code < 0)
		return false;
	*marker = false;
	if (t->ends) {
		/* The end is repeated with the final duration. */
		end = true;
		t->ends--;
	} else {
		if ((uint64_t)t->duration + elapsed > TE_MAX_DUR) {
			/* RFC 4733 2.5.1.3: a long event goes on as a new
			 * segment at a new timestamp. */
			uint32_t done = t->duration;

			t->ts += done;
			t->duration = 0;
			t->min_dur = t->min_dur > done ? t->min_dur - done : 0;
		}
		t->duration += elapsed;
		if (t->stopping && t->duration >= t->min_dur) {
			end = true;
			t->ends = TE_ENDS - 1;
		}
	}
	*marker = t->first;
	t->first = false;
	*ts = t->ts;
	payload[0] = (uint8_t)t->code;
	payload[1] = (uint8_t)((end ? TE_E : 0) | t->volume);
	payload[2] = (uint8_t)(t->duration >> 8);
	payload[3] = (uint8_t)t->duration;
	if (t->pend_code >= 0)
		t->pend_elapsed += elapsed;
	if (end && !t->ends) {
		t->code = -1;
		if (t->pend_code >= 0) {
			/* The waiting digit takes over, with the time it
			 * has already been sounding. */
			t->code = t->pend_code;
			t->ts = t->pend_ts;
			t->duration = t->pend_elapsed;
			t->min_dur = t->pend_min;
			t->stopping = t->pend_stop;
			t->first = true;
			t->pend_code = -1;
		}
	}
	return true;
}

void media_te_rx_init(struct media_te_rx *r, uint32_t timeout)
{
	memset(r, 0, sizeof(*r));
	r->timeout = timeout ? timeout : 8000; /* 1 s at 8 kHz */
}

static void emit(struct media_dtmf_ev *ev, unsigned *nev, char digit, bool end,
		 uint32_t duration)
{
	ev[*nev].digit = digit;
	ev[*nev].end = end;
	ev[*nev].duration = duration;
	(*nev)++;
}

int media_te_rx_put(struct media_te_rx *r, uint32_t ts, bool marker,
		    const uint8_t *p, size_t len, struct media_dtmf_ev ev[3],
		    unsigned *nev)
{
	uint32_t dur;
	bool e;
	char digit;

	*nev = 0;
	if (!p || len < MEDIA_TE_PAYLOAD) {
		r->bad++;
		return EPROTO;
	}
	digit = media_dtmf_digit(p[0]);
	e = p[1] & TE_E;
	dur = (uint32_t)p[2] << 8 | p[3];
	if (!digit) {
		r->ignored++; /* flash, modem tones, ...: not ours */
		return 0;
	}
	if ((r->active || r->have_last) && ts == r->ts) {
		/* The same event: an update, or a repeated end. */
		if (!r->active)
			return 0;
		r->quiet = 0;
		if (dur > r->duration)
			r->duration = dur;
		if (e) {
			r->active = false;
			r->have_last = true;
			emit(ev, nev, r->digit, true, r->duration);
		}
		return 0;
	}
	if ((r->active || r->have_last) && (int32_t)(ts - r->ts) < 0)
		return 0; /* a straggler of an older event */
	if (r->active) {
		/* A new event while the last never ended: its end packets
		 * were all lost. */
		r->lost_ends++;
		emit(ev, nev, r->digit, true, r->duration);
	}
	r->active = true;
	r->have_last = false;
	r->digit = digit;
	r->ts = ts;
	r->duration = dur;
	r->quiet = 0;
	r->events++;
	emit(ev, nev, digit, false, 0);
	if (e) {
		r->active = false;
		r->have_last = true;
		emit(ev, nev, digit, true, dur);
	}
	(void)marker; /* the timestamp identifies events, not the marker */
	return 0;
}

bool media_te_rx_tick(struct media_te_rx *r, uint32_t elapsed,
		      struct media_dtmf_ev *ev)
{
	if (!r->active)
		return false;
	if ((uint64_t)r->quiet + elapsed < r->timeout) {
		r->quiet += elapsed;
		return false;
	}
	r->active = false;
	r->have_last = true;
	r->lost_ends++;
	ev->digit = r->digit;
	ev->end = true;
	ev->duration = r->duration;
	return true;
}
