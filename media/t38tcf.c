/* Local TCF (T.38 data rate management method 1) on an IFP stream: see
 * t38tcf.h. HDLC octets in IFPs are written as T.30 writes them, the
 * first bit on the line being the most significant (measured: spandsp's
 * gateway sends DCS as FF C8 C1 ..., its t30_fcf.h values bit-reversed).
 * So DCS "X100 0001" is 0x41 with X in bit 7, CFR 0x21, FTT 0x22. */
#include <errno.h>
#include <string.h>

#include "media/t38tcf.h"

#define RATE 8000 /* samples a second */
/* T.30 puts TCF 75 ms after DCS; a peer's training indicator comes
 * later than that (its modem must see the training, then the network):
 * only this long after the DCS ended is it taken as not coming. */
#define GAP_SAMPLES (RATE * 400 / 1000)
#define CHUNKS 50 /* 1.5 s of TCF in 30 ms IFPs */
#define CHUNK_SAMPLES (RATE * 30 / 1000)
#define LEAD_SAMPLES (RATE / 5) /* made TCF runs 200 ms ahead */
#define IFP_COPY 1024		/* longest IFP we rewrite */

#define FCF_DCS 0x41
#define FCF_CFR 0x21
#define FCF_FTT 0x22
#define FCF_X 0x80

enum { IND_V27_2400 = 4, IND_V17_14400_LONG = 15 };
enum {
	F_HDLC_DATA,
	F_SIG_END,
	F_FCS_OK,
	F_FCS_BAD,
	F_FCS_OK_END,
	F_FCS_BAD_END,
	F_TCF_DATA,
	F_TCF_END
};

/* One IFP taken apart. */
struct ifp {
	bool data;	/* t30-data, else t30-indicator */
	unsigned value; /* indicator or data type; 99 when extended */
	size_t nfields;
	struct {
		unsigned type;	 /* 99 when extended */
		size_t off, len; /* of the field data, len 0 when none */
	} f[16];
};

/* T.38 Annex A, aligned PER (media_t38_ifp_len walks it the same way).
 * false when it does not parse or has more fields than we look at. */
static bool parse(const uint8_t *p, size_t len, unsigned version, struct ifp *o)
{
	size_t ptr, count;
	bool half = false;

	if (len < 1)
		return false;
	o->data = p[0] & 0x40;
	o->value = (p[0] & 0x20) ? 99 : (p[0] >> 1) & 0x0F;
	o->nfields = 0;
	ptr = (p[0] & 0x20) ? 2 : 1;
	if (ptr > len)
		return false;
	if (!(p[0] & 0x80))
		return true;
	if (!o->data || ptr >= len || (p[ptr] & 0x80))
		return false;
	count = p[ptr++];
	if (count > 16)
		return false;
	for (size_t i = 0; i < count; i++) {
		bool present;
		unsigned type;

		if (ptr >= len)
			return false;
		if (version == 0) {
			if (half) {
				present = (p[ptr] >> 3) & 1;
				type = p[ptr] & 7;
				ptr++;
				half = false;
			} else {
				present = p[ptr] >> 7;
				type = (p[ptr] >> 4) & 7;
				if (present)
					ptr++;
				else
					half = true;
			}
		} else {
			present = p[ptr] >> 7;
			type = (p[ptr] & 0x40) ? 99 : (p[ptr] >> 3) & 7;
			ptr += (p[ptr] & 0x40) ? 2 : 1;
		}
		o->f[i].type = type;
		o->f[i].off = 0;
		o->f[i].len = 0;
		if (present) {
			size_t n;

			if (ptr + 2 > len)
				return false;
			n = ((size_t)p[ptr] << 8 | p[ptr + 1]) + 1;
			ptr += 2;
			if (ptr + n > len)
				return false;
			o->f[i].off = ptr;
			o->f[i].len = n;
			ptr += n;
		}
		o->nfields = i + 1;
	}
	return ptr + (half ? 1 : 0) <= len;
}

/* Training indicator -> modem data type and bit rate. */
static bool ind_rate(unsigned ind, unsigned *dtype, unsigned *bps)
{
	static const unsigned rate[] = {
		2400, 4800, 7200,  9600,  7200,	 7200,
		9600, 9600, 12000, 12000, 14400, 14400
	};
	static const unsigned type[] = { 1, 2, 3, 4, 5, 5, 6, 6, 7, 7, 8, 8 };

	if (ind < IND_V27_2400 || ind > IND_V17_14400_LONG)
		return false;
	*dtype = type[ind - IND_V27_2400];
	*bps = rate[ind - IND_V27_2400];
	return true;
}

bool media_t38tcf_dcs_rate(const uint8_t *fif, size_t len, unsigned *bps,
			   unsigned *indicator)
{
	unsigned code;

	/* T.30 table 2, DCS bits 11..14: the second FIF octet holds bits
	 * 9..16 from its most significant bit down. code is b11 + 2 b12 +
	 * 4 b13 + 8 b14. V.17 TCF follows a long training. */
	if (!fif || len < 2)
		return false;
	code = (fif[1] >> 5 & 1) | (fif[1] >> 3 & 2) | (fif[1] >> 1 & 4) |
	       (fif[1] << 1 & 8);
	switch (code) {
	case 0x0:
		*bps = 2400;
		*indicator = 4;
		return true;
	case 0x2:
		*bps = 4800;
		*indicator = 5;
		return true;
	case 0x3:
		*bps = 7200;
		*indicator = 6;
		return true;
	case 0x1:
		*bps = 9600;
		*indicator = 7;
		return true;
	case 0xB:
		*bps = 7200;
		*indicator = 9;
		return true;
	case 0x9:
		*bps = 9600;
		*indicator = 11;
		return true;
	case 0xA:
		*bps = 12000;
		*indicator = 13;
		return true;
	case 0x8:
		*bps = 14400;
		*indicator = 15;
		return true;
	default:
		return false;
	}
}

void media_t38tcf_init(struct media_t38tcf *t, unsigned version)
{
	memset(t, 0, sizeof(*t));
	t->version = version;
}

static void hdlc_add(struct media_t38tcf_hdlc *h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && h->n < MEDIA_T38TCF_FRAME_MAX; i++)
		h->f[h->n++] = p[i];
}

static bool is_end(unsigned type)
{
	return type >= F_SIG_END && type <= F_FCS_BAD_END;
}

/* A complete, good frame that is a DCS. */
static bool frame_dcs(const struct media_t38tcf_hdlc *h, unsigned type)
{
	return (type == F_FCS_OK || type == F_FCS_OK_END) && h->n >= 3 &&
	       (h->f[2] & ~FCF_X) == FCF_DCS;
}

static void tcf_zeros(struct media_t38tcf *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned b = p[i], lo = 0, hi = 0;

		if (!b) {
			t->tx_run += 8;
			continue;
		}
		while (!(b & (0x80u >> lo))) /* first bits on the line */
			lo++;
		while (!(b & (1u << hi)))
			hi++;
		t->tx_run += lo;
		if (t->tx_run > t->tx_best)
			t->tx_best = t->tx_run;
		t->tx_run = hi;
	}
	if (t->tx_run > t->tx_best)
		t->tx_best = t->tx_run;
}

static void tcf_verdict(struct media_t38tcf *t)
{
	/* T.30 5.3.2: 1.5 s of zeros; a receiver accepts 1 s of them */
	bool good = t->tx_best >= t->tx_rate;

	t->tx_dropping = false;
	t->st.tcf_checked++;
	if (!good)
		t->st.tcf_bad++;
	t->ftt_due = !good;
}

bool media_t38tcf_tx(struct media_t38tcf *t, const uint8_t *ifp, size_t len)
{
	struct ifp x;
	unsigned dtype, bps;

	if (!ifp || !parse(ifp, len, t->version, &x)) {
		t->st.bad_ifp++;
		return true;
	}
	if (!x.data) {
		if (t->tx_dropping)
			tcf_verdict(t); /* TCF ended without its signal end */
		if (t->tx_after_dcs && ind_rate(x.value, &dtype, &bps)) {
			t->tx_after_dcs = false;
			t->tx_dropping = true;
			t->tx_rate = bps;
			t->tx_run = t->tx_best = 0;
		}
		return true;
	}
	if (x.value != 0) { /* a fast modem's data */
		if (!t->tx_dropping)
			return true; /* image data */
		for (size_t i = 0; i < x.nfields; i++) {
			if (x.f[i].type == F_TCF_DATA)
				tcf_zeros(t, ifp + x.f[i].off, x.f[i].len);
			if (x.f[i].type == F_TCF_END)
				tcf_verdict(t);
		}
		t->st.tx_dropped++;
		return false;
	}
	if (t->tx_dropping)
		tcf_verdict(t);
	for (size_t i = 0; i < x.nfields; i++) {
		if (x.f[i].type == F_HDLC_DATA) {
			hdlc_add(&t->txf, ifp + x.f[i].off, x.f[i].len);
		} else if (is_end(x.f[i].type)) {
			if (t->txf.n >= 3)
				t->tx_after_dcs =
					frame_dcs(&t->txf, x.f[i].type);
			t->txf.n = 0;
		}
	}
	return true;
}

static void out_one(struct media_t38tcf *t, const uint8_t *p, size_t len,
		    media_t38tcf_out_fn out, void *arg)
{
	t->last_out++;
	t->shift++;
	t->st.rx_injected++;
	out(arg, p, len, t->last_out);
}

/* Training time of the modem an indicator names, in samples (T.30's
 * figures: V.27ter 943/708 ms, V.29 253 ms, V.17 142 ms short and
 * 1393 ms long). */
static uint64_t train_samples(unsigned ind)
{
	static const unsigned ms[] = { 943, 708,  253, 253,  142, 1393,
				       142, 1393, 142, 1393, 142, 1393 };

	return (uint64_t)ms[ind - IND_V27_2400] * RATE / 1000;
}

/* The chunks of the TCF being made that are due at now (all: every one
 * left), then its signal end. Paced like a modem sending them after its
 * training, data LEAD ahead (an engine with a modem buffers it) but the
 * end on time: an engine without one (a T.38 terminal) answers CFR at
 * the end, and must not while the far machine still sends its TCF. */
static void make_due(struct media_t38tcf *t, uint64_t now, bool all,
		     media_t38tcf_out_fn out, void *arg)
{
	uint8_t p[5 + 14400 * 3 / 800];
	size_t n = t->mk_bps * 3 / 800; /* 30 ms of bits, in octets */
	uint64_t el = now - t->mk_start + LEAD_SAMPLES; /* with the lead */

	p[0] = (uint8_t)(0xC0 | t->mk_dtype << 1);
	p[1] = 1;
	p[2] = t->version == 0 ? 0x80 | F_TCF_DATA << 4
			       : 0x80 | F_TCF_DATA << 3;
	p[3] = (uint8_t)((n - 1) >> 8);
	p[4] = (uint8_t)(n - 1);
	memset(p + 5, 0, n);
	while (t->making && t->mk_sent < CHUNKS &&
	       (all ||
		t->mk_train + (uint64_t)t->mk_sent * CHUNK_SAMPLES <= el)) {
		out_one(t, p, 5 + n, out, arg);
		t->mk_sent++;
	}
	if (t->making && t->mk_sent == CHUNKS &&
	    (all || t->mk_train + (uint64_t)CHUNKS * CHUNK_SAMPLES <=
			    now - t->mk_start)) {
		p[2] = t->version == 0 ? F_TCF_END << 4 : F_TCF_END << 3;
		out_one(t, p, 3, out, arg);
		t->making = false;
	}
}

/* Starts a TCF: the indicator (unless the peer sent it), then 1.5 s of
 * zeros and the signal end as time passes. */
static void make_tcf(struct media_t38tcf *t, unsigned ind, bool send_ind,
		     uint64_t now, media_t38tcf_out_fn out, void *arg)
{
	t->rx_after_dcs = false;
	if (!ind_rate(ind, &t->mk_dtype, &t->mk_bps))
		return;
	t->st.tcf_made++;
	t->rx_skipping = true;
	t->making = true;
	t->ind_owed = send_ind;
	t->mk_sent = 0;
	t->mk_start = now;
	t->mk_train = train_samples(ind);
	if (send_ind) {
		uint8_t p = (uint8_t)(ind << 1);

		out_one(t, &p, 1, out, arg);
	}
	make_due(t, now, false, out, arg);
}

int media_t38tcf_rx(struct media_t38tcf *t, const uint8_t *ifp, size_t len,
		    uint16_t seq, uint64_t now, media_t38tcf_out_fn out,
		    void *arg)
{
	uint8_t copy[IFP_COPY];
	const uint8_t *p = ifp;
	struct ifp x;
	unsigned dtype, bps;

	if (!t || !ifp || !len || !out)
		return EINVAL;
	make_due(t, now, false, out, arg);
	if (!parse(ifp, len, t->version, &x)) {
		/* the engine judges it (and counts it) */
		t->st.bad_ifp++;
		goto send;
	}
	if (x.data && x.value != 0 && x.value != 99) {
		if (t->rx_after_dcs) {
			/* the peer sends TCF itself, no indicator first:
			 * it goes on, and none is made on the timer */
			t->rx_after_dcs = false;
			t->st.rx_tcf_data++;
		}
		if (!t->rx_skipping)
			goto send;
		/* TCF data although the peer said localTCF: the engine
		 * has had ours; drop it and keep the stream gapless */
		t->st.rx_tcf_data++;
		t->shift--;
		for (size_t i = 0; i < x.nfields; i++)
			if (x.f[i].type == F_TCF_END)
				t->rx_skipping = false;
		return 0;
	}
	/* While TCF is made, the peer's no-signal or training indicator
	 * would cut it short in the engine; after one made on the timer,
	 * the peer's late training indicator would start a second. */
	if (!x.data && (t->making || t->ind_owed) &&
	    (x.value == 0 || ind_rate(x.value, &dtype, &bps)) &&
	    (t->making || x.value != 0)) {
		if (x.value)
			t->ind_owed = false;
		t->st.rx_swallowed++;
		t->shift--;
		return 0;
	}
	/* anything else (V.21, another signal): that TCF is over */
	t->rx_skipping = false;
	t->ind_owed = false;
	make_due(t, now, true, out, arg);
	if (!x.data) {
		if (t->rx_after_dcs && ind_rate(x.value, &dtype, &bps)) {
			t->have_seq = true;
			t->last_out = (uint16_t)(seq + t->shift);
			out(arg, ifp, len, t->last_out);
			make_tcf(t, x.value, false, now, out, arg);
			return 0;
		}
		goto send;
	}
	for (size_t i = 0; i < x.nfields; i++) {
		if (x.f[i].type == F_HDLC_DATA) {
			size_t at = t->rxf.n;

			if (t->ftt_due && at <= 2 && at + x.f[i].len > 2 &&
			    (ifp[x.f[i].off + 2 - at] & ~FCF_X) == FCF_CFR &&
			    len <= sizeof(copy)) {
				memcpy(copy, ifp, len);
				copy[x.f[i].off + 2 - at] =
					(uint8_t)(FCF_FTT |
						  (ifp[x.f[i].off + 2 - at] &
						   FCF_X));
				p = copy;
				t->ftt_due = false;
				t->st.ftt_forced++;
			}
			hdlc_add(&t->rxf, ifp + x.f[i].off, x.f[i].len);
		} else if (is_end(x.f[i].type)) {
			if (t->rxf.n >= 3 && frame_dcs(&t->rxf, x.f[i].type)) {
				unsigned ind;

				t->rx_after_dcs = media_t38tcf_dcs_rate(
					t->rxf.f + 3, t->rxf.n - 3, &bps, &ind);
				t->rx_dcs_ind = ind;
				t->rx_dcs_end = false;
				t->ftt_due = false; /* the far end trains now */
			}
			if (t->rx_after_dcs && (x.f[i].type == F_SIG_END ||
						x.f[i].type == F_FCS_OK_END ||
						x.f[i].type == F_FCS_BAD_END)) {
				t->rx_dcs_end = true;
				t->rx_dcs_at = now;
			}
			t->rxf.n = 0;
		}
	}
send:
	t->have_seq = true;
	t->last_out = (uint16_t)(seq + t->shift);
	out(arg, p, len, t->last_out);
	return 0;
}

void media_t38tcf_tick(struct media_t38tcf *t, uint64_t now,
		       media_t38tcf_out_fn out, void *arg)
{
	if (!t || !out)
		return;
	if (t->making) {
		make_due(t, now, false, out, arg);
		return;
	}
	if (!t->rx_after_dcs || !t->rx_dcs_end ||
	    now - t->rx_dcs_at < GAP_SAMPLES)
		return;
	make_tcf(t, t->rx_dcs_ind, true, now, out, arg);
}
