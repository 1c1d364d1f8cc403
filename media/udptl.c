/* UDPTL (T.38 clause 9.1, Annex D): packet codec, redundancy and parity
 * FEC on send, sequence handling and recovery on receive. Every length
 * read from the network is checked against what is left of the datagram
 * before it is used: this is where fax gateways have overflowed before. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "media/udptl.h"

/* a UDPTL number this close to the newest one received is the peer's */
#define STALE_NEAR 256

static const char *const ec_names[] = {
	[MEDIA_UDPTL_EC_NONE] = "none",
	[MEDIA_UDPTL_EC_REDUNDANCY] = "redundancy",
	[MEDIA_UDPTL_EC_FEC] = "fec",
};

static const char *const bad_names[MEDIA_UDPTL_BAD_N] = {
	[MEDIA_UDPTL_BAD_TRUNCATED] = "truncated",
	[MEDIA_UDPTL_BAD_LENGTH] = "length past end",
	[MEDIA_UDPTL_BAD_FRAGMENT] = "fragmented length",
	[MEDIA_UDPTL_BAD_COUNT] = "too many entries",
	[MEDIA_UDPTL_BAD_CHOICE] = "bad error-recovery choice",
	[MEDIA_UDPTL_BAD_INTEGER] = "bad fec-npackets",
	[MEDIA_UDPTL_BAD_EMPTY] = "empty IFP",
	[MEDIA_UDPTL_BAD_TOO_BIG] = "IFP too big",
	[MEDIA_UDPTL_BAD_TRAILING] = "trailing octets",
};

const char *media_udptl_ec_name(enum media_udptl_ec ec)
{
	return (unsigned)ec < sizeof(ec_names) / sizeof(ec_names[0])
		       ? ec_names[ec]
		       : "?";
}

const char *media_udptl_bad_name(enum media_udptl_bad bad)
{
	return (unsigned)bad < MEDIA_UDPTL_BAD_N ? bad_names[bad] : "?";
}

/* ---- PER codec ---- */

struct rd {
	const uint8_t *p;
	size_t left;
	enum media_udptl_bad bad;
};

/* X.691 unconstrained length determinant, aligned: one octet below 128,
 * two octets (10xxxxxx) below 16384; 11xxxxxx starts a fragmented
 * encoding, which no IFP needs and we refuse. */
static bool rd_len(struct rd *r, size_t *len)
{
	if (r->left < 1) {
		r->bad = MEDIA_UDPTL_BAD_TRUNCATED;
		return false;
	}
	if (!(r->p[0] & 0x80)) {
		*len = r->p[0];
		r->p++;
		r->left--;
		return true;
	}
	if ((r->p[0] & 0xc0) == 0xc0) {
		r->bad = MEDIA_UDPTL_BAD_FRAGMENT;
		return false;
	}
	if (r->left < 2) {
		r->bad = MEDIA_UDPTL_BAD_TRUNCATED;
		return false;
	}
	*len = (size_t)(r->p[0] & 0x3f) << 8 | r->p[1];
	r->p += 2;
	r->left -= 2;
	return true;
}

/* An octet string preceded by its length, non-empty, <= max. */
static bool rd_octets(struct rd *r, size_t max, struct media_udptl_view *v)
{
	size_t len;

	if (!rd_len(r, &len))
		return false;
	if (len == 0) {
		r->bad = MEDIA_UDPTL_BAD_EMPTY;
		return false;
	}
	if (len > r->left) {
		r->bad = MEDIA_UDPTL_BAD_LENGTH;
		return false;
	}
	if (len > max) {
		r->bad = MEDIA_UDPTL_BAD_TOO_BIG;
		return false;
	}
	v->p = r->p;
	v->len = len;
	r->p += len;
	r->left -= len;
	return true;
}

static bool rd_count(struct rd *r, unsigned *n)
{
	size_t len;

	if (!rd_len(r, &len))
		return false;
	if (len > MEDIA_UDPTL_MAX_ENTRIES) {
		r->bad = MEDIA_UDPTL_BAD_COUNT;
		return false;
	}
	*n = (unsigned)len;
	return true;
}

/* fec-npackets: unconstrained INTEGER, a length octet then the two's
 * complement value, 0..MEDIA_UDPTL_MAX_FEC_SPAN. 0 is legal only with
 * no entries: senders winding FEC up at the start of a stream (before a
 * group exists) send fec-npackets 0 and an empty fec-data. */
static bool rd_npackets(struct rd *r, unsigned *v)
{
	size_t len;
	int64_t x = 0;

	if (!rd_len(r, &len))
		return false;
	if (len == 0 || len > 4) {
		r->bad = MEDIA_UDPTL_BAD_INTEGER;
		return false;
	}
	if (len > r->left) {
		r->bad = MEDIA_UDPTL_BAD_LENGTH;
		return false;
	}
	x = (r->p[0] & 0x80) ? -1 : 0;
	for (size_t i = 0; i < len; i++)
		x = x * 256 + r->p[i];
	r->p += len;
	r->left -= len;
	if (x < 0 || x > MEDIA_UDPTL_MAX_FEC_SPAN) {
		r->bad = MEDIA_UDPTL_BAD_INTEGER;
		return false;
	}
	*v = (unsigned)x;
	return true;
}

int media_udptl_decode(const uint8_t *buf, size_t len, size_t max_ifp,
		       struct media_udptl_pkt *pkt, enum media_udptl_bad *bad)
{
	struct rd r = { .p = buf, .left = buf ? len : 0 };
	uint8_t choice;

	memset(pkt, 0, sizeof(*pkt));
	if (r.left < 2) {
		r.bad = MEDIA_UDPTL_BAD_TRUNCATED;
		goto bad;
	}
	pkt->seq = (uint16_t)(r.p[0] << 8 | r.p[1]);
	r.p += 2;
	r.left -= 2;
	if (!rd_octets(&r, max_ifp, &pkt->primary))
		goto bad;
	if (r.left < 1) {
		r.bad = MEDIA_UDPTL_BAD_TRUNCATED;
		goto bad;
	}
	/* the choice bit, then padding to the aligned length that follows */
	choice = r.p[0];
	r.p++;
	r.left--;
	if (choice != 0x00 && choice != 0x80) {
		r.bad = MEDIA_UDPTL_BAD_CHOICE;
		goto bad;
	}
	pkt->fec = choice == 0x80;
	if (pkt->fec && !rd_npackets(&r, &pkt->fec_npackets))
		goto bad;
	if (!rd_count(&r, &pkt->n))
		goto bad;
	if (pkt->fec && !pkt->fec_npackets && pkt->n) {
		r.bad = MEDIA_UDPTL_BAD_INTEGER; /* parity over no packets */
		goto bad;
	}
	for (unsigned i = 0; i < pkt->n; i++)
		if (!rd_octets(&r, max_ifp, &pkt->e[i]))
			goto bad;
	if (r.left) {
		r.bad = MEDIA_UDPTL_BAD_TRAILING;
		goto bad;
	}
	return 0;
bad:
	if (bad)
		*bad = r.bad;
	return EBADMSG;
}

static size_t len_size(size_t len)
{
	return len < 128 ? 1 : 2;
}

static void wr_len(uint8_t **p, size_t len)
{
	if (len < 128) {
		*(*p)++ = (uint8_t)len;
	} else {
		*(*p)++ = (uint8_t)(0x80 | len >> 8);
		*(*p)++ = (uint8_t)len;
	}
}

static size_t pkt_size(const struct media_udptl_pkt *pkt)
{
	size_t n = 2 + len_size(pkt->primary.len) + pkt->primary.len + 1;

	if (pkt->fec)
		n += 2;
	n += len_size(pkt->n);
	for (unsigned i = 0; i < pkt->n; i++)
		n += len_size(pkt->e[i].len) + pkt->e[i].len;
	return n;
}

static bool view_ok(const struct media_udptl_view *v)
{
	return v->p && v->len > 0 && v->len <= MEDIA_UDPTL_MAX_IFP;
}

int media_udptl_encode(const struct media_udptl_pkt *pkt, uint8_t *buf,
		       size_t size, size_t *out_len)
{
	uint8_t *p = buf;
	size_t need;

	if (!view_ok(&pkt->primary) || pkt->n > MEDIA_UDPTL_MAX_ENTRIES)
		return EINVAL;
	if (pkt->fec && (pkt->fec_npackets < 1 ||
			 pkt->fec_npackets > MEDIA_UDPTL_MAX_FEC_SPAN))
		return EINVAL;
	for (unsigned i = 0; i < pkt->n; i++)
		if (!view_ok(&pkt->e[i]))
			return EINVAL;
	need = pkt_size(pkt);
	if (need > size)
		return EMSGSIZE;
	*p++ = (uint8_t)(pkt->seq >> 8);
	*p++ = (uint8_t)pkt->seq;
	wr_len(&p, pkt->primary.len);
	memcpy(p, pkt->primary.p, pkt->primary.len);
	p += pkt->primary.len;
	*p++ = pkt->fec ? 0x80 : 0x00;
	if (pkt->fec) {
		*p++ = 1;
		*p++ = (uint8_t)pkt->fec_npackets;
	}
	wr_len(&p, pkt->n);
	for (unsigned i = 0; i < pkt->n; i++) {
		wr_len(&p, pkt->e[i].len);
		memcpy(p, pkt->e[i].p, pkt->e[i].len);
		p += pkt->e[i].len;
	}
	*out_len = (size_t)(p - buf);
	return 0;
}

/* ---- endpoint ---- */

enum { FROM_PRIMARY, FROM_RED, FROM_FEC };

/* One IFP kept by sequence number; seq is the extended (32-bit) number,
 * so a stale slot never passes for a current one after 16-bit wrap. */
struct slot {
	uint32_t seq;
	uint16_t len;
	bool have;
	uint8_t how; /* FROM_PRIMARY, FROM_RED, FROM_FEC */
	uint8_t *data;
};

struct media_udptl {
	struct media_udptl_cfg cfg;
	struct media_udptl_stats st;
	/* send: the last tx_n IFPs, for secondaries and parity */
	struct slot *tx;
	unsigned tx_n;
	uint32_t tx_seq; /* extended number of the next packet */
	/* receive: window + FEC history, indexed by extended seq */
	struct slot *rx;
	unsigned rx_n;
	bool rx_started;
	uint32_t rx_next;   /* next to deliver */
	uint32_t rx_newest; /* highest seen */
	uint8_t *scratch;   /* FEC entries being built or XORed */
};

static bool cfg_ok(const struct media_udptl_cfg *c)
{
	return c && c->deliver && c->ec <= MEDIA_UDPTL_EC_FEC &&
	       c->depth_control <= MEDIA_UDPTL_MAX_DEPTH &&
	       c->depth_image <= MEDIA_UDPTL_MAX_DEPTH && c->fec_span >= 1 &&
	       c->fec_span <= MEDIA_UDPTL_MAX_FEC_SPAN && c->fec_entries >= 1 &&
	       c->fec_entries <= MEDIA_UDPTL_MAX_FEC_ENTRIES &&
	       c->max_datagram >= 16 && c->max_ifp >= 1 &&
	       c->max_ifp <= MEDIA_UDPTL_MAX_IFP &&
	       c->window <= MEDIA_UDPTL_MAX_WINDOW;
}

static struct slot *slots_alloc(unsigned n, size_t size, uint8_t **pool)
{
	struct slot *s = calloc(n, sizeof(*s));

	*pool = calloc(n, size);
	if (!s || !*pool) {
		free(s);
		free(*pool);
		*pool = NULL;
		return NULL;
	}
	for (unsigned i = 0; i < n; i++)
		s[i].data = *pool + (size_t)i * size;
	return s;
}

int media_udptl_alloc(const struct media_udptl_cfg *cfg,
		      struct media_udptl **out)
{
	struct media_udptl *u;
	uint8_t *pool;

	if (!cfg_ok(cfg) || !out)
		return EINVAL;
	u = calloc(1, sizeof(*u));
	if (!u)
		return ENOMEM;
	u->cfg = *cfg;
	/* send history covers the deepest redundancy and a full FEC group;
	 * receive keeps the reorder window plus the largest FEC group we
	 * accept, so parity can use IFPs already delivered */
	u->tx_n = MEDIA_UDPTL_MAX_DEPTH;
	if (cfg->fec_span * cfg->fec_entries > u->tx_n)
		u->tx_n = cfg->fec_span * cfg->fec_entries;
	u->rx_n = cfg->window + 1 +
		  MEDIA_UDPTL_MAX_FEC_SPAN * MEDIA_UDPTL_MAX_FEC_ENTRIES;
	u->tx = slots_alloc(u->tx_n, cfg->max_ifp, &pool);
	if (u->tx)
		u->rx = slots_alloc(u->rx_n, cfg->max_ifp, &pool);
	if (u->rx)
		u->scratch = calloc(MEDIA_UDPTL_MAX_FEC_ENTRIES, cfg->max_ifp);
	if (!u->scratch) {
		media_udptl_free(u);
		return ENOMEM;
	}
	*out = u;
	return 0;
}

void media_udptl_free(struct media_udptl *u)
{
	if (!u)
		return;
	if (u->tx)
		free(u->tx[0].data);
	if (u->rx)
		free(u->rx[0].data);
	free(u->tx);
	free(u->rx);
	free(u->scratch);
	free(u);
}

const struct media_udptl_stats *media_udptl_stats(const struct media_udptl *u)
{
	return &u->st;
}

/* The sent IFP with extended number seq, or NULL once it left history. */
static const struct slot *tx_get(const struct media_udptl *u, uint32_t seq)
{
	const struct slot *s = &u->tx[seq % u->tx_n];

	return s->have && s->seq == seq ? s : NULL;
}

/* Parity entries for packet number seq into scratch; false while the
 * history does not yet hold a full group (the stream's first packets). */
static bool fec_build(struct media_udptl *u, uint32_t seq, unsigned span,
		      unsigned entries, struct media_udptl_view *e)
{
	size_t max = u->cfg.max_ifp;

	if (seq < span * entries)
		return false;
	for (unsigned m = 0; m < entries; m++) {
		uint8_t *d = u->scratch + m * max;
		size_t len = 0;

		memset(d, 0, max);
		for (unsigned k = 1; k <= span; k++) {
			const struct slot *s = tx_get(u, seq + m - k * entries);

			if (!s)
				return false;
			for (size_t i = 0; i < s->len; i++)
				d[i] ^= s->data[i];
			if (s->len > len)
				len = s->len;
		}
		e[m].p = d;
		e[m].len = len;
	}
	return true;
}

int media_udptl_send(struct media_udptl *u, const uint8_t *ifp, size_t len,
		     enum media_udptl_kind kind, uint8_t *out, size_t out_size,
		     size_t *out_len)
{
	struct media_udptl_pkt pkt;
	size_t limit =
		out_size < u->cfg.max_datagram ? out_size : u->cfg.max_datagram;
	unsigned depth = 0, want;
	struct slot *s;
	int err;

	if (!ifp || len == 0 || len > u->cfg.max_ifp) {
		u->st.refused++;
		return EINVAL;
	}
	memset(&pkt, 0, sizeof(pkt));
	pkt.seq = (uint16_t)u->tx_seq;
	pkt.primary = (struct media_udptl_view){ ifp, len };
	if (u->cfg.ec == MEDIA_UDPTL_EC_FEC &&
	    fec_build(u, u->tx_seq, u->cfg.fec_span, u->cfg.fec_entries,
		      pkt.e)) {
		pkt.fec = true;
		pkt.fec_npackets = u->cfg.fec_span;
		pkt.n = u->cfg.fec_entries;
		if (pkt_size(&pkt) > limit) /* fall back to secondaries */
			pkt.fec = false;
	}
	if (!pkt.fec) {
		if (u->cfg.ec == MEDIA_UDPTL_EC_REDUNDANCY)
			depth = kind == MEDIA_UDPTL_CONTROL
					? u->cfg.depth_control
					: u->cfg.depth_image;
		else if (u->cfg.ec == MEDIA_UDPTL_EC_FEC)
			/* until a parity group exists, or when it does not
			 * fit, one entry per FEC entry as secondaries */
			depth = u->cfg.fec_entries;
		pkt.n = 0;
		while (pkt.n < depth) {
			s = (struct slot *)tx_get(u, u->tx_seq - 1 - pkt.n);
			if (!s)
				break;
			pkt.e[pkt.n].p = s->data;
			pkt.e[pkt.n].len = s->len;
			pkt.n++;
		}
		want = pkt.n;
		while (pkt.n > 0 && pkt_size(&pkt) > limit)
			pkt.n--;
		u->st.red_dropped += want - pkt.n;
	}
	err = media_udptl_encode(&pkt, out, limit, out_len);
	if (err) {
		u->st.refused++;
		return err == EMSGSIZE ? EMSGSIZE : EINVAL;
	}
	s = &u->tx[u->tx_seq % u->tx_n];
	s->seq = u->tx_seq;
	s->len = (uint16_t)len;
	s->have = true;
	memcpy(s->data, ifp, len);
	u->tx_seq++;
	u->st.pkts_out++;
	return 0;
}

/* ---- receive ---- */

static struct slot *rx_slot(struct media_udptl *u, uint32_t seq)
{
	return &u->rx[seq % u->rx_n];
}

static const struct slot *rx_get(struct media_udptl *u, uint32_t seq)
{
	const struct slot *s = rx_slot(u, seq);

	return s->have && s->seq == seq ? s : NULL;
}

static bool rx_put(struct media_udptl *u, uint32_t seq, const uint8_t *d,
		   size_t len, uint8_t how)
{
	struct slot *s = rx_slot(u, seq);

	if (s->have && s->seq == seq)
		return false;
	s->seq = seq;
	s->have = true;
	s->how = how;
	s->len = (uint16_t)len;
	memcpy(s->data, d, len);
	return true;
}

static void rx_hand(struct media_udptl *u)
{
	const struct slot *s = rx_get(u, u->rx_next);

	if (s) {
		u->st.ifps_in++;
		u->st.rec_red += s->how == FROM_RED;
		u->st.rec_fec += s->how == FROM_FEC;
		u->cfg.deliver(u->cfg.arg, (uint16_t)u->rx_next, s->data,
			       s->len, s->how != FROM_PRIMARY);
	} else {
		u->st.lost++;
	}
	u->rx_next++;
}

/* Delivers from rx_next while held; gives up a gap once a packet more
 * than window beyond it has come (or always when flushing). */
static void rx_deliver(struct media_udptl *u, bool flush)
{
	while ((int32_t)(u->rx_newest - u->rx_next) >= 0) {
		if (!rx_get(u, u->rx_next) && !flush &&
		    u->rx_newest - u->rx_next <= u->cfg.window)
			break;
		rx_hand(u);
	}
}

/* Before seq and its back secondaries are stored: everything older than
 * seq - max(window, back) is delivered or given up, so that no held IFP
 * shares a ring slot with a new one, and no number the packet's
 * secondaries can still fill is given up first (a burst as long as the
 * redundancy depth, beyond the window, must come back). A long jump gives
 * up the stretch nobody holds in one step (bounded work per datagram
 * whatever the sequence numbers). */
static void rx_advance(struct media_udptl *u, uint32_t seq, unsigned back)
{
	uint32_t target = seq - (back > u->cfg.window ? back : u->cfg.window);

	while ((int32_t)(target - u->rx_next) > 0) {
		if ((int32_t)(u->rx_next - u->rx_newest) > 0) {
			u->st.lost += target - u->rx_next;
			u->rx_next = target;
			break;
		}
		rx_hand(u);
	}
}

/* An entry of the current parity group repairs its one missing IFP. */
static void rx_fec(struct media_udptl *u, uint32_t seq,
		   const struct media_udptl_pkt *pkt)
{
	unsigned span = pkt->fec_npackets, ent = pkt->n;

	for (unsigned m = 0; m < ent; m++) {
		uint32_t miss = 0;
		unsigned nmiss = 0;
		size_t len = pkt->e[m].len;
		uint8_t *d = u->scratch;
		bool ok = true;

		if ((size_t)span * ent >= u->rx_n - u->cfg.window)
			return; /* reaches past what we keep */
		memcpy(d, pkt->e[m].p, len);
		for (unsigned k = 1; k <= span && ok; k++) {
			uint32_t q = seq + m - k * ent;
			const struct slot *s = rx_get(u, q);

			if (!s) {
				miss = q;
				nmiss++;
				continue;
			}
			if (s->len > len) {
				ok = false; /* not the group we hold */
				break;
			}
			for (size_t i = 0; i < s->len; i++)
				d[i] ^= s->data[i];
		}
		if (!ok || nmiss != 1 || (int32_t)(miss - u->rx_next) < 0)
			continue;
		rx_put(u, miss, d, len, FROM_FEC);
	}
}

static void rx_start(struct media_udptl *u, uint32_t seq, unsigned back)
{
	/* the first packet's secondaries reach back before it */
	u->rx_started = true;
	u->rx_next = seq - back;
	u->rx_newest = seq;
	for (unsigned i = 0; i < u->rx_n; i++)
		u->rx[i].have = false;
}

/* After a switch to T.38 the far end's last RTP (and RTCP, when muxed)
 * still arrives on the port for a moment. RTP and RTCP start with version
 * 2 (top bits 10); so does a UDPTL sequence number of 0x8000..0xBFFF, so a
 * datagram that is no valid UDPTL counts as RTP only when those two
 * octets, read as a UDPTL number, are not near the numbers the peer is
 * sending (a corrupted UDPTL packet stays malformed). */
static bool stale_rtp(const struct media_udptl *u, const uint8_t *buf,
		      size_t len)
{
	int16_t d;

	if (len < 8 || (buf[0] & 0xC0) != 0x80)
		return false;
	if (!u->rx_started)
		return true;
	d = (int16_t)((uint16_t)(buf[0] << 8 | buf[1]) -
		      (uint16_t)u->rx_newest);
	return d > STALE_NEAR || d < -STALE_NEAR;
}

int media_udptl_recv(struct media_udptl *u, const uint8_t *buf, size_t len)
{
	struct media_udptl_pkt pkt;
	enum media_udptl_bad bad = MEDIA_UDPTL_BAD_TRUNCATED;
	uint32_t seq;
	int32_t ahead;
	unsigned back;

	if (media_udptl_decode(buf, len, u->cfg.max_ifp, &pkt, &bad)) {
		if (stale_rtp(u, buf, len)) {
			u->st.stale_rtp++;
			return ENOMSG;
		}
		u->st.bad[bad]++;
		u->st.bad_total++;
		return EBADMSG;
	}
	u->st.pkts_in++;
	if (u->cfg.rx_max_datagram && len > u->cfg.rx_max_datagram)
		u->st.over_max++;
	/* secondaries reach back this far; the ring holds window + 129
	 * numbers and a packet at most MEDIA_UDPTL_MAX_ENTRIES (128) */
	back = pkt.fec ? 0 : pkt.n;
	if (!u->rx_started)
		/* extended numbers start at 65536 so seq - back never
		 * wraps below zero */
		rx_start(u, 0x10000u + pkt.seq, back);
	seq = u->rx_newest +
	      (uint32_t)(int16_t)(pkt.seq - (uint16_t)u->rx_newest);
	ahead = (int32_t)(seq - u->rx_next);
	if (ahead < 0) {
		if (rx_get(u, seq))
			u->st.dup++;
		else
			u->st.late++;
		return 0;
	}
	if (rx_get(u, seq) && rx_get(u, seq)->how == FROM_PRIMARY) {
		u->st.dup++;
		return 0;
	}
	rx_advance(u, seq, back);
	if ((int32_t)(seq - u->rx_newest) > 0)
		u->rx_newest = seq;
	/* a primary replaces an IFP recovered early for the same number */
	rx_slot(u, seq)->have = false;
	rx_put(u, seq, pkt.primary.p, pkt.primary.len, FROM_PRIMARY);
	if (pkt.fec) {
		rx_fec(u, seq, &pkt);
	} else {
		for (unsigned i = 0; i < pkt.n; i++) {
			uint32_t q = seq - 1 - i;

			if ((int32_t)(q - u->rx_next) < 0)
				break;
			rx_put(u, q, pkt.e[i].p, pkt.e[i].len, FROM_RED);
		}
	}
	rx_deliver(u, false);
	return 0;
}

void media_udptl_flush(struct media_udptl *u)
{
	if (u->rx_started)
		rx_deliver(u, true);
}

unsigned media_udptl_pending(const struct media_udptl *u)
{
	if (!u->rx_started || (int32_t)(u->rx_newest - u->rx_next) < 0)
		return 0;
	return u->rx_newest - u->rx_next + 1;
}
