/* One call's T.38 leg: the per-call gateway (t38gw.c) joined to UDPTL
 * (udptl.c), timed by the TDM audio it is given.
 *
 * spandsp asks for some IFPs (indicators, the ends of HDLC frames and of
 * image data) to be sent several times ("copies"). How that maps onto
 * UDPTL depends on the error recovery in use:
 *
 * - none: each copy is the same datagram, same sequence number, sent at
 *   once (a repeat keeps its number, so the receiver drops the spare
 *   ones as duplicates). Nothing else protects the packet.
 * - redundancy or FEC: the packet goes out once with a new sequence
 *   number; every later packet repeats it (as a secondary IFP, or inside
 *   parity), so extra copies sent at once would only cost bandwidth. What
 *   later packets cannot protect is the last packet before a pause (an
 *   HDLC frame's end, then silence until the far machine answers). So
 *   while no newer packet has been sent, the newest datagram is sent again
 *   once per TDM block, up to copies - 1 times: spaced 20 ms apart, which
 *   also survives a short burst of loss better than back-to-back copies.
 *
 * A gap in the received sequence waits for the UDPTL window (a few
 * packets, for reordering and FEC) or RX_GAP_SAMPLES of audio time,
 * whichever ends first: after an IFP lost for good at the end of a burst
 * no later packet may come to push the ones held behind it out.
 *
 * Towards the gateway, a playout delay (hold_put) gives the modulator
 * data in hand, and IFPs repaired by parity are cut to their own length
 * (media_t38_ifp_len). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "media/fax.h"

#define RX_GAP_SAMPLES (MEDIA_RATE / 25) /* 40 ms */
#define HOLDQ 64			 /* IFPs held for the playout delay */
#define UDPTL_OVERHEAD 8 /* seq, lengths, choice: what the IFP cannot use */

/* Owned by the call (media worker) or the simulation that allocated it. */
struct media_t38leg {
	struct media_t38leg_cfg cfg;
	media_t38leg_send_fn send;
	void *arg;
	struct media_t38gw *gw;
	struct media_udptl *u;
	uint64_t silent;   /* samples since the last new datagram either way */
	uint64_t gap_wait; /* samples a receive gap has lasted */
	uint64_t send_errors, repeats, gap_flushes;
	bool sent_this_block;
	unsigned repeat_left; /* copies of the newest datagram still due */
	uint8_t *last;	      /* the newest datagram, for those copies */
	size_t last_len, dgram_size;
	/* playout: IFPs held until hold_left samples have passed */
	uint64_t hold_samples, hold_left;
	bool holding;
	unsigned hq_head, hq_n;
	struct {
		uint16_t seq, len;
		uint8_t buf[MEDIA_T38_IFP_MAX];
	} * hq;
};

/* T.38 Annex A IFP: two leading zero bits are a t30-indicator; a
 * t30-data IFP carries its data type in bits 4..1 (V.21 is 0, with the
 * extension bit 5 clear). Indicators and V.21 are the session's control. */
static enum media_udptl_kind ifp_kind(const uint8_t *ifp, size_t len)
{
	if (len < 1 || !(ifp[0] & 0x40))
		return MEDIA_UDPTL_CONTROL;
	if (!(ifp[0] & 0x20) && ((ifp[0] >> 1) & 0x0F) == 0)
		return MEDIA_UDPTL_CONTROL;
	return MEDIA_UDPTL_IMAGE;
}

static void send_dgram(struct media_t38leg *l, const uint8_t *p, size_t len)
{
	if (l->send(l->arg, p, len))
		l->send_errors++;
}

static void gw_tx(void *arg, const uint8_t *ifp, size_t len, uint16_t seq,
		  unsigned copies)
{
	struct media_t38leg *l = arg;
	size_t out_len;

	(void)seq; /* UDPTL numbers the datagrams itself */
	if (media_udptl_send(l->u, ifp, len, ifp_kind(ifp, len), l->last,
			     l->dgram_size, &out_len)) {
		/* refused (counted by UDPTL): nothing to repeat either */
		l->repeat_left = 0;
		return;
	}
	l->last_len = out_len;
	l->sent_this_block = true;
	/* a receiving far end is silent while our page and post-page
	 * commands go out (tens of seconds at low rates): until the DCN the
	 * watchdog counts from the last new message in either direction;
	 * after it, only the far end's silence counts (idle_release) */
	if (!media_t38gw_done(l->gw))
		l->silent = 0;
	send_dgram(l, l->last, out_len);
	if (l->cfg.ec == MEDIA_UDPTL_EC_NONE) {
		for (unsigned i = 1; i < copies; i++) {
			l->repeats++;
			send_dgram(l, l->last, out_len);
		}
		l->repeat_left = 0;
	} else {
		l->repeat_left = copies > 1 ? copies - 1 : 0;
	}
}

/* T.38 Annex A, aligned PER as T.38 endpoints write it. First octet:
 * data-field present (bit 7), t30-data rather than t30-indicator (6),
 * the type's extension bit (5) which adds a second octet. A data field is
 * a count (one octet: no IFP has 128 fields) then per field its
 * field-data-present bit and type, and when present a 16-bit length - 1
 * and the octets. Version 0 (T.38 of 1998, no extension marker) packs a
 * field without data into half an octet, the next field's in the other
 * half; later versions give every field its own octet (two when the type
 * is extended). */
size_t media_t38_ifp_len(const uint8_t *ifp, size_t len, unsigned version)
{
	size_t ptr, count;
	bool half = false;

	if (!ifp || len < 1)
		return 0;
	ptr = (ifp[0] & 0x20) ? 2 : 1;
	if (!(ifp[0] & 0x80))
		return ptr <= len ? ptr : 0;
	if (ptr >= len || (ifp[ptr] & 0x80))
		return 0;
	count = ifp[ptr++];
	for (size_t i = 0; i < count; i++) {
		bool present;

		if (ptr >= len)
			return 0;
		if (version == 0) {
			if (half) {
				present = (ifp[ptr] >> 3) & 1;
				ptr++;
				half = false;
			} else {
				present = ifp[ptr] >> 7;
				if (present)
					ptr++;
				else
					half = true;
			}
		} else {
			present = ifp[ptr] >> 7;
			ptr += (ifp[ptr] & 0x40) ? 2 : 1;
		}
		if (present) {
			if (ptr + 2 > len)
				return 0;
			ptr += 2 + ((size_t)ifp[ptr] << 8 | ifp[ptr + 1]) + 1;
		}
		if (ptr > len)
			return 0;
	}
	if (half)
		ptr++; /* the last half octet */
	return ptr <= len ? ptr : 0;
}

static void hold_release(struct media_t38leg *l)
{
	while (l->hq_n) {
		unsigned i = l->hq_head;

		/* refusals are counted by the gateway */
		(void)media_t38gw_ifp_in(l->gw, l->hq[i].buf, l->hq[i].len,
					 l->hq[i].seq);
		l->hq_head = (l->hq_head + 1) % HOLDQ;
		l->hq_n--;
	}
	l->holding = false;
}

/* An indicator starts a hold (unless one runs); while it runs, IFPs
 * queue in order. A full queue lets everything through at once. */
static void hold_put(struct media_t38leg *l, const uint8_t *ifp, size_t len,
		     uint16_t seq)
{
	unsigned i;

	if (!l->holding && l->hold_samples && len >= 1 && !(ifp[0] & 0xC0)) {
		l->holding = true;
		l->hold_left = l->hold_samples;
	}
	if (!l->holding || len > MEDIA_T38_IFP_MAX) {
		hold_release(l);
		(void)media_t38gw_ifp_in(l->gw, ifp, len, seq);
		return;
	}
	if (l->hq_n == HOLDQ) {
		hold_release(l);
		(void)media_t38gw_ifp_in(l->gw, ifp, len, seq);
		return;
	}
	i = (l->hq_head + l->hq_n) % HOLDQ;
	l->hq[i].seq = seq;
	l->hq[i].len = (uint16_t)len;
	memcpy(l->hq[i].buf, ifp, len);
	l->hq_n++;
}

static void deliver(void *arg, uint16_t seq, const uint8_t *ifp, size_t len,
		    bool recovered)
{
	struct media_t38leg *l = arg;

	/* Parity carries no length: an IFP repaired by FEC is as long as
	 * the longest of its group, and spandsp refuses an IFP with octets
	 * after its end. Its own fields say where it ends. */
	if (recovered) {
		size_t n = media_t38_ifp_len(ifp, len, l->cfg.t38.version);

		if (n)
			len = n;
	}
	hold_put(l, ifp, len, seq);
}

static int check_cfg(const struct media_t38leg_cfg *c)
{
	if ((unsigned)c->law > MEDIA_LAW_ALAW ||
	    (unsigned)c->ec > MEDIA_UDPTL_EC_FEC ||
	    c->depth_control > MEDIA_UDPTL_MAX_DEPTH ||
	    c->depth_image > MEDIA_UDPTL_MAX_DEPTH ||
	    c->fec_span > MEDIA_UDPTL_MAX_FEC_SPAN ||
	    c->fec_entries > MEDIA_UDPTL_MAX_FEC_ENTRIES)
		return EINVAL;
	if (c->t38.max_datagram && (c->t38.max_datagram < MEDIA_T38_MIN_DGRAM ||
				    c->t38.max_datagram > 65535))
		return EINVAL;
	if (c->playout_ms > MEDIA_T38LEG_PLAYOUT_MAX_MS)
		return EINVAL;
	if (c->rx_max_datagram && (c->rx_max_datagram < MEDIA_T38_MIN_DGRAM ||
				   c->rx_max_datagram > 65535))
		return EINVAL;
	return 0;
}

int media_t38leg_alloc(const struct media_t38leg_cfg *cfg,
		       media_t38leg_send_fn send, void *arg,
		       struct media_t38leg **out)
{
	struct media_udptl_cfg uc = { 0 };
	struct media_t38_cfg tc;
	struct media_t38leg *l;
	size_t dgram;
	int err;

	if (!cfg || !send || !out)
		return EINVAL;
	err = check_cfg(cfg);
	if (err)
		return err;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ENOMEM;
	l->cfg = *cfg;
	l->send = send;
	l->arg = arg;
	if (!l->cfg.depth_control && !l->cfg.depth_image) {
		/* 4 for image too: with 2, three datagrams lost in a row
		 * cost image rows (fax_success_loss5/10 in make bench);
		 * at V.17 a datagram still stays near 300 octets */
		l->cfg.depth_control = 4;
		l->cfg.depth_image = 4;
	}
	if (!l->cfg.fec_span)
		l->cfg.fec_span = 3;
	if (!l->cfg.fec_entries)
		l->cfg.fec_entries = 3;
	if (!l->cfg.rx_max_datagram)
		l->cfg.rx_max_datagram = MEDIA_T38_DEFAULT_DGRAM;
	if (!l->cfg.watchdog_ms)
		l->cfg.watchdog_ms = MEDIA_T38LEG_WATCHDOG_DEFAULT_MS;
	dgram = cfg->t38.max_datagram ? cfg->t38.max_datagram
				      : MEDIA_T38_DEFAULT_DGRAM;
	/* spandsp sizes IFPs by the max datagram it is told: leave room
	 * for the UDPTL header around the primary */
	tc = cfg->t38;
	tc.max_datagram = dgram - UDPTL_OVERHEAD < MEDIA_T38_MIN_DGRAM
				  ? MEDIA_T38_MIN_DGRAM
				  : dgram - UDPTL_OVERHEAD;
	uc.ec = l->cfg.ec;
	uc.depth_control = l->cfg.depth_control;
	uc.depth_image = l->cfg.depth_image;
	uc.fec_span = l->cfg.fec_span;
	uc.fec_entries = l->cfg.fec_entries;
	uc.max_datagram = dgram;
	uc.max_ifp = MEDIA_T38_IFP_MAX;
	uc.rx_max_datagram = l->cfg.rx_max_datagram;
	/* reordering by a packet or two; FEC repairs a loss once the next
	 * packets of its column arrive, up to fec_entries later, so a
	 * gap waits that long. Whatever the far end sends, the widest FEC
	 * we accept is bounded by the time limit anyway. */
	uc.window = l->cfg.fec_entries > 2 ? l->cfg.fec_entries : 2;
	uc.deliver = deliver;
	uc.arg = l;
	if (!cfg->no_playout)
		l->hold_samples =
			(uint64_t)(cfg->playout_ms
					   ? cfg->playout_ms
					   : MEDIA_T38LEG_PLAYOUT_DEFAULT_MS) *
			MEDIA_RATE / 1000;
	l->dgram_size = dgram;
	l->last = malloc(dgram);
	l->hq = calloc(HOLDQ, sizeof(*l->hq));
	err = l->last && l->hq ? media_udptl_alloc(&uc, &l->u) : ENOMEM;
	if (!err)
		err = media_t38gw_alloc(&tc, gw_tx, l, &l->gw);
	if (err) {
		media_t38leg_free(l);
		return err;
	}
	*out = l;
	return 0;
}

void media_t38leg_free(struct media_t38leg *l)
{
	if (!l)
		return;
	media_t38gw_free(l->gw);
	media_udptl_free(l->u);
	free(l->last);
	free(l->hq);
	free(l);
}

int media_t38leg_udptl_in(struct media_t38leg *l, const uint8_t *pkt,
			  size_t len)
{
	int err;

	if (!l)
		return EINVAL;
	err = media_udptl_recv(l->u, pkt, len);
	if (err)
		return err;
	l->silent = 0;
	return 0;
}

int media_t38leg_tdm(struct media_t38leg *l, const uint8_t *in, uint8_t *out,
		     size_t n)
{
	int err;

	if (!l || !in || !out || n > MEDIA_T38_BLOCK * 4)
		return EINVAL;
	/* a gap held too long is given up before this block's audio */
	if (media_udptl_pending(l->u)) {
		l->gap_wait += n;
		if (l->gap_wait >= RX_GAP_SAMPLES) {
			media_udptl_flush(l->u);
			l->gap_flushes++;
			l->gap_wait = 0;
		}
	} else {
		l->gap_wait = 0;
	}
	if (l->holding) {
		l->hold_left = l->hold_left > n ? l->hold_left - n : 0;
		if (!l->hold_left)
			hold_release(l);
	}
	l->sent_this_block = false;
	err = media_t38gw_process_law(l->gw, l->cfg.law, in, out, n);
	if (err)
		return err;
	if (!l->sent_this_block && l->repeat_left) {
		l->repeat_left--;
		l->repeats++;
		send_dgram(l, l->last, l->last_len);
	}
	l->silent += n;
	return 0;
}

bool media_t38leg_silent(const struct media_t38leg *l)
{
	return l->silent * 1000 >= (uint64_t)l->cfg.watchdog_ms * MEDIA_RATE;
}

bool media_t38leg_done(const struct media_t38leg *l)
{
	return media_t38gw_done(l->gw);
}

void media_t38leg_finish(struct media_t38leg *l)
{
	if (!l)
		return;
	media_udptl_flush(l->u);
	hold_release(l);
}

void media_t38leg_stats(const struct media_t38leg *l,
			struct media_t38leg_stats *out)
{
	memset(out, 0, sizeof(*out));
	media_t38gw_result(l->gw, &out->fax);
	out->udptl = *media_udptl_stats(l->u);
	out->send_errors = l->send_errors;
	out->silent_ms = l->silent * 1000 / MEDIA_RATE;
	out->repeats = l->repeats;
	out->gap_flushes = l->gap_flushes;
}

const char *media_t38leg_trace(const struct media_t38leg *l)
{
	return media_t38gw_trace(l->gw);
}
