/* media/t38tcf.c: the localTCF shim on hand-made IFP streams. DCS seen
 * both ways, TCF dropped towards IP and checked (good and bad), CFR
 * turned into FTT after a bad one, TCF made up from IP (on the training
 * indicator, or 75 ms after the DCS) with renumbering, the peer's own
 * TCF dropped, and bad IFPs passed on and counted. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/fax.h"
#include "media/t38tcf.h"

#define MAXOUT 128

struct sink {
	unsigned n;
	uint16_t seq[MAXOUT];
	size_t len[MAXOUT];
	uint8_t p[MAXOUT][64];
};

static void sink_out(void *arg, const uint8_t *ifp, size_t len, uint16_t seq)
{
	struct sink *s = arg;

	assert_true(s->n < MAXOUT);
	s->seq[s->n] = seq;
	s->len[s->n] = len;
	memcpy(s->p[s->n], ifp, len < 64 ? len : 64);
	s->n++;
}

/* t30-data IFP of version >= 1 with one field, data optional. */
static size_t mk(uint8_t *b, unsigned dtype, unsigned ftype, const uint8_t *d,
		 size_t n)
{
	b[0] = (uint8_t)(0xC0 | dtype << 1);
	b[1] = 1;
	b[2] = (uint8_t)((n ? 0x80 : 0) | ftype << 3);
	if (!n)
		return 3;
	b[3] = (uint8_t)((n - 1) >> 8);
	b[4] = (uint8_t)(n - 1);
	memcpy(b + 5, d, n);
	return 5 + n;
}

/* DCS for V.17 14400 (bits 11..14 = 0001) and CFR, as spandsp's
 * gateway sends them (first bit on the line most significant) */
static const uint8_t dcs[] = { 0xFF, 0xC8, 0xC1, 0x00, 0x45, 0x1F };
static const uint8_t cfr[] = { 0xFF, 0xC8, 0x21 };

/* Sends a frame towards IP: data, then FCS OK + signal end. */
static void tx_frame(struct media_t38tcf *t, const uint8_t *f, size_t n)
{
	uint8_t b[64];

	assert_true(media_t38tcf_tx(t, b, mk(b, 0, 0, f, n)));
	assert_true(media_t38tcf_tx(t, b, mk(b, 0, 4, NULL, 0)));
}

static void rx_frame(struct media_t38tcf *t, const uint8_t *f, size_t n,
		     uint16_t *seq, uint64_t now, struct sink *s)
{
	uint8_t b[64];

	assert_int_equal(media_t38tcf_rx(t, b, mk(b, 0, 0, f, n), (*seq)++, now,
					 sink_out, s),
			 0);
	assert_int_equal(media_t38tcf_rx(t, b, mk(b, 0, 4, NULL, 0), (*seq)++,
					 now, sink_out, s),
			 0);
}

/* TCF towards IP at 14400: indicator passes, data and end are dropped. */
static void tx_tcf(struct media_t38tcf *t, uint8_t fill, unsigned chunks)
{
	uint8_t b[64], d[54], ind = 15 << 1;

	memset(d, fill, sizeof(d));
	assert_true(media_t38tcf_tx(t, &ind, 1));
	for (unsigned i = 0; i < chunks; i++)
		assert_false(media_t38tcf_tx(t, b, mk(b, 8, 6, d, sizeof(d))));
	assert_false(media_t38tcf_tx(t, b, mk(b, 8, 7, NULL, 0)));
}

static void t_dcs_rate(void **state)
{
	unsigned bps = 0, ind = 0;
	uint8_t fif[2] = { 0, 0 };

	(void)state;
	assert_true(media_t38tcf_dcs_rate(dcs + 3, 3, &bps, &ind));
	assert_int_equal(bps, 14400);
	assert_int_equal(ind, 15);
	assert_true(media_t38tcf_dcs_rate(fif, 2, &bps, &ind));
	assert_int_equal(bps, 2400);
	assert_int_equal(ind, 4);
	fif[1] = 0x20; /* bit 11: V.29 9600 */
	assert_true(media_t38tcf_dcs_rate(fif, 2, &bps, &ind));
	assert_int_equal(bps, 9600);
	assert_int_equal(ind, 7);
	fif[1] = 0x10; /* bit 12: V.27ter 4800 */
	assert_true(media_t38tcf_dcs_rate(fif, 2, &bps, &ind));
	assert_int_equal(bps, 4800);
	fif[1] = 0x14; /* bits 12, 14: V.17 12000 */
	assert_true(media_t38tcf_dcs_rate(fif, 2, &bps, &ind));
	assert_int_equal(bps, 12000);
	assert_int_equal(ind, 13);
	fif[1] = 0x08; /* bit 13 alone: not a rate */
	assert_false(media_t38tcf_dcs_rate(fif, 2, &bps, &ind));
	assert_false(media_t38tcf_dcs_rate(fif, 1, &bps, &ind));
	assert_false(media_t38tcf_dcs_rate(NULL, 2, &bps, &ind));
}

static void t_tx_good_tcf(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint16_t seq = 1;
	uint8_t b[64], d[8] = { 0 };

	(void)state;
	media_t38tcf_init(&t, 2);
	/* image data with no DCS before passes */
	assert_true(media_t38tcf_tx(&t, b, mk(b, 8, 6, d, sizeof(d))));
	tx_frame(&t, dcs, sizeof(dcs));
	tx_tcf(&t, 0, 50);
	assert_int_equal(t.st.tx_dropped, 51);
	assert_int_equal(t.st.tcf_checked, 1);
	assert_int_equal(t.st.tcf_bad, 0);
	/* page data after CFR passes again */
	assert_true(media_t38tcf_tx(&t, b, mk(b, 8, 6, d, sizeof(d))));
	rx_frame(&t, cfr, sizeof(cfr), &seq, 0, &s);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.p[0][5 + 2], 0x21); /* still CFR */
	assert_int_equal(t.st.ftt_forced, 0);
	assert_int_equal(t.st.bad_ifp, 0);
}

static void t_tx_bad_tcf_forces_ftt(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint16_t seq = 100;
	const uint8_t cfr_x[] = { 0xFF, 0xC8, 0xA1 };

	(void)state;
	media_t38tcf_init(&t, 3);
	tx_frame(&t, dcs, sizeof(dcs));
	tx_tcf(&t, 0x55, 50); /* no zero run at all */
	assert_int_equal(t.st.tcf_bad, 1);
	rx_frame(&t, cfr_x, sizeof(cfr_x), &seq, 0, &s);
	assert_int_equal(s.p[0][5 + 2], 0xA2); /* FTT, X bit kept */
	assert_int_equal(s.seq[0], 100);
	assert_int_equal(t.st.ftt_forced, 1);
	/* once only */
	rx_frame(&t, cfr, sizeof(cfr), &seq, 0, &s);
	assert_int_equal(s.p[2][5 + 2], 0x21);
	/* too short (0.5 s of zeros) is bad too; a good one clears it */
	tx_frame(&t, dcs, sizeof(dcs));
	tx_tcf(&t, 0, 16);
	assert_int_equal(t.st.tcf_bad, 2);
	tx_frame(&t, dcs, sizeof(dcs));
	tx_tcf(&t, 0, 40);
	assert_int_equal(t.st.tcf_checked, 3);
	assert_int_equal(t.st.tcf_bad, 2);
	rx_frame(&t, cfr, sizeof(cfr), &seq, 0, &s);
	assert_int_equal(s.p[4][5 + 2], 0x21);
	assert_int_equal(t.st.ftt_forced, 1);
}

/* The CFR's FCF split over two IFPs is still found. */
static void t_ftt_split_frame(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint8_t b[64];

	(void)state;
	media_t38tcf_init(&t, 2);
	tx_frame(&t, dcs, sizeof(dcs));
	tx_tcf(&t, 0xFF, 50);
	assert_int_equal(
		media_t38tcf_rx(&t, b, mk(b, 0, 0, cfr, 2), 1, 0, sink_out, &s),
		0);
	assert_int_equal(media_t38tcf_rx(&t, b, mk(b, 0, 0, cfr + 2, 1), 2, 0,
					 sink_out, &s),
			 0);
	assert_int_equal(s.p[1][5], 0x22);
	assert_int_equal(t.st.ftt_forced, 1);
}

static void check_tcf_chunk(const struct sink *s, unsigned i, unsigned dtype,
			    size_t n)
{
	assert_int_equal(s->p[i][0], 0xC0 | dtype << 1);
	assert_int_equal(s->len[i], 5 + n);
	assert_int_equal(s->p[i][2], 0x80 | 6 << 3);
	for (size_t k = 5; k < 5 + n && k < 64; k++)
		assert_int_equal(s->p[i][k], 0);
}

static void t_rx_made_on_indicator(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint16_t seq = 65530; /* wraps */
	uint8_t ind = 15 << 1, b[64], d[54] = { 0 };

	(void)state;
	media_t38tcf_init(&t, 2);
	rx_frame(&t, dcs, sizeof(dcs), &seq, 0, &s);
	assert_int_equal(media_t38tcf_rx(&t, &ind, 1, seq++, 0, sink_out, &s),
			 0);
	/* DCS (2), indicator; then, as time passes, 30 ms chunks after the
	 * V.17 long training (1393 ms: 11144 samples), 200 ms (1600) ahead;
	 * the signal end on time */
	assert_int_equal(s.n, 2 + 1);
	media_t38tcf_tick(&t, 11144 - 1600 - 1, sink_out, &s);
	assert_int_equal(s.n, 2 + 1);
	media_t38tcf_tick(&t, 11144 - 1600 + 240 * 9, sink_out, &s);
	assert_int_equal(s.n, 2 + 1 + 10);
	media_t38tcf_tick(&t, 11144 + 12000 - 1, sink_out, &s);
	assert_int_equal(s.n, 2 + 1 + 50);
	media_t38tcf_tick(&t, 11144 + 12000, sink_out, &s);
	/* 50 chunks, end */
	assert_int_equal(s.n, 2 + 1 + 50 + 1);
	check_tcf_chunk(&s, 3, 8, 54); /* 30 ms at 14400 */
	assert_int_equal(s.p[s.n - 1][2], 7 << 3);
	assert_int_equal(media_t38_ifp_len(s.p[3], s.len[3], 2), s.len[3]);
	/* the peer's own TCF (it did not do local TCF) is dropped */
	assert_int_equal(media_t38tcf_rx(&t, b, mk(b, 8, 6, d, 54), seq++, 0,
					 sink_out, &s),
			 0);
	assert_int_equal(media_t38tcf_rx(&t, b, mk(b, 8, 7, NULL, 0), seq++, 0,
					 sink_out, &s),
			 0);
	assert_int_equal(t.st.rx_tcf_data, 2);
	assert_int_equal(s.n, 54);
	/* what follows is numbered on without a gap */
	rx_frame(&t, cfr, sizeof(cfr), &seq, 0, &s);
	assert_int_equal(s.n, 56);
	assert_int_equal((uint16_t)(s.seq[54] - s.seq[53]), 1);
	/* a loss from IP stays a gap of the same size */
	seq++;
	rx_frame(&t, cfr, sizeof(cfr), &seq, 0, &s);
	assert_int_equal((uint16_t)(s.seq[56] - s.seq[55]), 2);
	/* image data after the CFR is not dropped */
	assert_int_equal(media_t38tcf_rx(&t, &ind, 1, seq++, 0, sink_out, &s),
			 0);
	assert_int_equal(media_t38tcf_rx(&t, b, mk(b, 8, 6, d, 54), seq++, 0,
					 sink_out, &s),
			 0);
	assert_int_equal(s.n, 60);
	assert_int_equal(t.st.tcf_made, 1);
}

/* No indicator from the peer: made up 75 ms after the DCS ended, at the
 * DCS's rate, indicator first. Version 0 encoding. */
static void t_rx_made_on_timer(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint16_t seq = 7;
	uint8_t b[64], ind = 7 << 1;
	const uint8_t v29[] = { 0xFF, 0xC8, 0xC1, 0x00, 0x60, 0x00 };
	size_t n;

	(void)state;
	media_t38tcf_init(&t, 0);
	b[0] = 0xC0;
	b[1] = 1;
	b[2] = 0x80; /* hdlc-data, present (version 0: type in bits 6..4) */
	b[3] = 0;
	b[4] = sizeof(v29) - 1;
	memcpy(b + 5, v29, sizeof(v29));
	n = 5 + sizeof(v29);
	assert_int_equal(media_t38tcf_rx(&t, b, n, seq++, 1000, sink_out, &s),
			 0);
	b[2] = 4 << 4; /* fcs-OK-sig-end, no data */
	assert_int_equal(media_t38tcf_rx(&t, b, 3, seq++, 1000, sink_out, &s),
			 0);
	media_t38tcf_tick(&t, 1000 + 3199, sink_out, &s);
	assert_int_equal(s.n, 2);
	media_t38tcf_tick(&t, 1000 + 3200, sink_out, &s);
	assert_int_equal(s.n, 2 + 1);
	assert_int_equal(s.p[2][0], 7 << 1); /* V.29 9600 training */
	/* the peer's no-signal and late training indicator while it is
	 * made do not cut it short (nor start a second): held back */
	ind = 0;
	assert_int_equal(
		media_t38tcf_rx(&t, &ind, 1, seq++, 4300, sink_out, &s), 0);
	ind = 7 << 1;
	assert_int_equal(
		media_t38tcf_rx(&t, &ind, 1, seq++, 4400, sink_out, &s), 0);
	assert_int_equal(t.st.rx_swallowed, 2);
	assert_int_equal(s.n, 2 + 1);
	/* time finishes it: 253 ms of V.29 training, then 1.5 s */
	media_t38tcf_tick(&t, 4200 + 2024 + 12000, sink_out, &s);
	assert_int_equal(s.n, 2 + 1 + 50 + 1);
	assert_int_equal(s.p[3][0], 0xC0 | 4 << 1);
	assert_int_equal(s.p[3][2], 0x80 | 6 << 4);
	assert_int_equal(s.len[3], 5 + 36); /* 30 ms at 9600 */
	assert_int_equal(media_t38_ifp_len(s.p[3], s.len[3], 0), s.len[3]);
	assert_int_equal(s.p[53][2], 7 << 4);
	assert_int_equal(media_t38_ifp_len(s.p[53], s.len[53], 0), 3);
	/* once; the peer's V.21 (its CFR) follows without a gap */
	media_t38tcf_tick(&t, 50000, sink_out, &s);
	ind = 3 << 1;
	assert_int_equal(
		media_t38tcf_rx(&t, &ind, 1, seq++, 50000, sink_out, &s), 0);
	assert_int_equal(s.n, 55);
	assert_int_equal(s.seq[54], (uint16_t)(s.seq[53] + 1));
	assert_int_equal(t.st.tcf_made, 1);
}

/* A V.21 preamble while TCF is made ends it at once (the peer moved
 * on): the rest and the signal end come before it. */
static void t_rx_made_cut_by_v21(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint16_t seq = 1;
	uint8_t ind = 15 << 1;

	(void)state;
	media_t38tcf_init(&t, 2);
	rx_frame(&t, dcs, sizeof(dcs), &seq, 0, &s);
	assert_int_equal(media_t38tcf_rx(&t, &ind, 1, seq++, 0, sink_out, &s),
			 0);
	media_t38tcf_tick(&t, 11144, sink_out, &s);
	assert_int_equal(s.n, 2 + 1 + 7);
	ind = 3 << 1;
	assert_int_equal(
		media_t38tcf_rx(&t, &ind, 1, seq++, 11200, sink_out, &s), 0);
	assert_int_equal(s.n, 2 + 1 + 50 + 1 + 1);
	assert_int_equal(s.p[53][2], 7 << 3);
	assert_int_equal(s.p[54][0], 3 << 1);
	for (unsigned i = 1; i < s.n; i++)
		assert_int_equal((uint16_t)(s.seq[i] - s.seq[i - 1]), 1);
	assert_int_equal(t.st.rx_swallowed, 0);
}

/* A peer that sends its TCF without a training indicator first: it
 * passes, and no TCF is made on the timer on top of it. */
static void t_rx_peer_tcf_no_indicator(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	uint16_t seq = 1;
	uint8_t b[64], d[54] = { 0 };

	(void)state;
	media_t38tcf_init(&t, 2);
	rx_frame(&t, dcs, sizeof(dcs), &seq, 0, &s);
	assert_int_equal(media_t38tcf_rx(&t, b, mk(b, 8, 6, d, 54), seq++, 800,
					 sink_out, &s),
			 0);
	media_t38tcf_tick(&t, 100000, sink_out, &s);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.seq[2], 3);
	assert_int_equal(t.st.tcf_made, 0);
	assert_int_equal(t.st.rx_tcf_data, 1);
}

static void t_bad_ifps(void **state)
{
	struct media_t38tcf t;
	struct sink s = { 0 };
	const uint8_t trunc[] = { 0xC0, 1, 0x80, 0x00, 0x10, 1, 2 };
	const uint8_t many[] = { 0xC0, 17, 0, 0, 0 };
	const uint8_t ext[] = { 0x20 }; /* extended indicator, octet missing */

	(void)state;
	media_t38tcf_init(&t, 2);
	assert_true(media_t38tcf_tx(&t, trunc, sizeof(trunc)));
	assert_true(media_t38tcf_tx(&t, many, sizeof(many)));
	assert_true(media_t38tcf_tx(&t, ext, sizeof(ext)));
	assert_true(media_t38tcf_tx(&t, NULL, 3));
	assert_int_equal(t.st.bad_ifp, 4);
	assert_int_equal(
		media_t38tcf_rx(&t, trunc, sizeof(trunc), 1, 0, sink_out, &s),
		0);
	assert_int_equal(s.n, 1); /* passed on: spandsp judges it */
	assert_int_equal(t.st.bad_ifp, 5);
	assert_int_equal(media_t38tcf_rx(&t, NULL, 1, 2, 0, sink_out, &s),
			 EINVAL);
	assert_int_equal(media_t38tcf_rx(&t, trunc, 0, 2, 0, sink_out, &s),
			 EINVAL);
	assert_int_equal(media_t38tcf_rx(&t, trunc, 3, 2, 0, NULL, &s), EINVAL);
	assert_int_equal(s.n, 1);
	media_t38tcf_tick(NULL, 0, sink_out, &s);
	assert_int_equal(t.st.tcf_made, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_dcs_rate),
		cmocka_unit_test(t_tx_good_tcf),
		cmocka_unit_test(t_tx_bad_tcf_forces_ftt),
		cmocka_unit_test(t_ftt_split_frame),
		cmocka_unit_test(t_rx_made_on_indicator),
		cmocka_unit_test(t_rx_made_on_timer),
		cmocka_unit_test(t_rx_made_cut_by_v21),
		cmocka_unit_test(t_rx_peer_tcf_no_indicator),
		cmocka_unit_test(t_bad_ifps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
