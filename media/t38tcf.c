/* Local TCF (T.38 data rate management method 1) on an IFP stream: see
 * t38tcf.h. HDLC octets in IFPs are written as T.30 writes them, the
 * first bit on the line being the most significant (measured: spandsp's
 * gateway sends DCS as FF C8 C1 ..., its t30_fcf.h values bit-reversed).
 * So DCS "X100 0001" is 0x41 with X in bit 7, CFR 0x21, FTT 0x22. */
#include <errno.h>
#include <string.h>

#include "media/t38tcf.h"

#define RATE 8000		       /* samples a second */
#define GAP_SAMPLES (RATE * 75 / 1000) /* T.30: 75 ms before TCF */
#define CHUNKS 50		       /* 1.5 s of TCF in 30 ms IFPs */
#define IFP_COPY 1024		       /* longest IFP we rewrite */

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

/* Indicator (unless the peer sent it), 1.5 s of zeros, signal end. */
static void make_tcf(struct media_t38tcf *t, unsigned ind, bool send_ind,
		     media_t38tcf_out_fn out, void *arg)
{
	uint8_t p[5 + 14400 * 3 / 800];
	unsigned dtype, bps;
	size_t n, h;

	t->rx_after_dcs = false;
	if (!ind_rate(ind, &dtype, &bps))
		return;
	t->st.tcf_made++;
	t->rx_skipping = true;
	if (send_ind) {
		p[0] = (uint8_t)(ind << 1);
		out_one(t, p, 1, out, arg);
	}
	n = bps * 3 / 800; /* 30 ms of bits, in octets */
	p[0] = (uint8_t)(0xC0 | dtype << 1);
	p[1] = 1;
	p[2] = t->version == 0 ? 0x80 | F_TCF_DATA << 4
			       : 0x80 | F_TCF_DATA << 3;
	p[3] = (uint8_t)((n - 1) >> 8);
	p[4] = (uint8_t)(n - 1);
	h = 5;
	memset(p + h, 0, n);
	for (unsigned i = 0; i < CHUNKS; i++)
		out_one(t, p, h + n, out, arg);
	p[2] = t->version == 0 ? F_TCF_END << 4 : F_TCF_END << 3;
	out_one(t, p, 3, out, arg);
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
	if (!parse(ifp, len, t->version, &x)) {
		/* the engine judges it (and counts it) */
		t->st.bad_ifp++;
		goto send;
	}
	if (x.data && x.value != 0 && x.value != 99) {
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
	t->rx_skipping = false;
	if (!x.data) {
		if (t->rx_after_dcs && ind_rate(x.value, &dtype, &bps)) {
			t->have_seq = true;
			t->last_out = (uint16_t)(seq + t->shift);
			out(arg, ifp, len, t->last_out);
			make_tcf(t, x.value, false, out, arg);
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
	if (!t || !out || !t->rx_after_dcs || !t->rx_dcs_end ||
	    now - t->rx_dcs_at < GAP_SAMPLES)
		return;
	make_tcf(t, t->rx_dcs_ind, true, out, arg);
}
