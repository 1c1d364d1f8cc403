/* media/udptl.c: T.38 UDPTL codec, redundancy, parity FEC, sequence
 * handling and hostile input. Seeded and virtual: no clock, no sockets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "media/udptl.h"
#include "tests/unit/test_media_udptl_bad.h"

#define NSEQ 4096 /* IFP numbers a test may use */

/* What the deliver callback saw. */
struct sink {
	unsigned n;
	uint32_t seq[NSEQ];
	bool rec[NSEQ];
	unsigned bad_content;
	unsigned got[65536]; /* deliveries per seq */
};

static struct sink sink;

/* IFP number i: length and content derived from i, so that a delivered
 * IFP can be checked without keeping copies. */
static size_t ifp_make(unsigned i, uint8_t *buf, size_t max)
{
	size_t len = 1 + (i * 37u) % (max < 60 ? max : 60);

	for (size_t j = 0; j < len; j++)
		buf[j] = (uint8_t)(i * 13u + j * 7u + 1);
	return len;
}

static void deliver(void *arg, uint16_t seq, const uint8_t *ifp, size_t len,
		    bool recovered)
{
	uint8_t want[128];
	size_t wl;
	unsigned base = arg ? *(unsigned *)arg : 0;
	unsigned i = (uint16_t)(seq - base);

	(void)base;
	wl = ifp_make(i, want, 60);
	/* parity repairs may carry zero padding beyond the IFP's end */
	if (len < wl || memcmp(ifp, want, wl))
		sink.bad_content++;
	for (size_t j = wl; j < len; j++)
		if (ifp[j])
			sink.bad_content++;
	if (sink.n < NSEQ) {
		sink.seq[sink.n] = seq;
		sink.rec[sink.n] = recovered;
	}
	sink.n++;
	sink.got[seq]++;
}

static struct media_udptl_cfg cfg_red(unsigned depth)
{
	return (struct media_udptl_cfg){
		.ec = MEDIA_UDPTL_EC_REDUNDANCY,
		.depth_control = depth,
		.depth_image = depth,
		.fec_span = 3,
		.fec_entries = 3,
		.max_datagram = 1400,
		.max_ifp = 512,
		.window = 4,
		.deliver = deliver,
	};
}

static int setup(void **state)
{
	(void)state;
	memset(&sink, 0, sizeof(sink));
	return 0;
}

/* Sends IFPs first..first+n-1 from tx to rx, dropping those for which
 * drop(i) is true. */
static void pump(struct media_udptl *tx, struct media_udptl *rx, unsigned first,
		 unsigned n, bool (*drop)(unsigned i))
{
	uint8_t ifp[512], pkt[1500];
	size_t len, plen;

	for (unsigned i = first; i < first + n; i++) {
		len = ifp_make(i, ifp, 60);
		assert_int_equal(media_udptl_send(tx, ifp, len,
						  MEDIA_UDPTL_IMAGE, pkt,
						  sizeof(pkt), &plen),
				 0);
		if (!drop || !drop(i))
			assert_int_equal(media_udptl_recv(rx, pkt, plen), 0);
	}
}

static void test_codec_known_bytes(void **state)
{
	static const uint8_t a[] = { 1, 2 }, b[] = { 9 };
	static const uint8_t want[] = { 0x12, 0x34, 2, 1, 2, 0x00, 1, 1, 9 };
	struct media_udptl_pkt p = { .seq = 0x1234,
				     .primary = { a, 2 },
				     .n = 1 };
	struct media_udptl_pkt q;
	uint8_t buf[64];
	size_t n;

	(void)state;
	p.e[0] = (struct media_udptl_view){ b, 1 };
	assert_int_equal(media_udptl_encode(&p, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, n);
	assert_int_equal(media_udptl_decode(buf, n, 512, &q, NULL), 0);
	assert_int_equal(q.seq, 0x1234);
	assert_false(q.fec);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.e[0].len, 1);
	assert_int_equal(q.e[0].p[0], 9);
	/* fec-info: 0x80, INTEGER as length 1 + value, then the entries */
	p.fec = true;
	p.fec_npackets = 3;
	assert_int_equal(media_udptl_encode(&p, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, sizeof(want) + 2);
	assert_int_equal(buf[5], 0x80);
	assert_int_equal(buf[6], 1);
	assert_int_equal(buf[7], 3);
	assert_int_equal(media_udptl_decode(buf, n, 512, &q, NULL), 0);
	assert_true(q.fec);
	assert_int_equal(q.fec_npackets, 3);
	assert_int_equal(q.n, 1);
	/* too small a buffer */
	assert_int_equal(media_udptl_encode(&p, buf, n - 1, &n), EMSGSIZE);
}

/* The wire form of T.38 Annex D (aligned PER of UDPTLPacket), byte by
 * byte. These exact datagrams were also read back by Wireshark's T.38
 * dissector (tshark -d udp.port==N,t38 -V): seq-number, primary,
 * secondary-ifp-packets / fec-info with fec-npackets and fec-data as
 * written here. */
static void test_wire_bytes_annex_d(void **state)
{
	/* seq 0x1235; primary 01 02; fec-info: choice bit + padding (0x80),
	 * fec-npackets INTEGER (length 1, value 3), fec-data SEQUENCE OF
	 * (count 2) OCTET STRING (length + octets) */
	static const uint8_t fec[] = {
		0x12, 0x35, 0x02, 0x01, 0x02, 0x80, 0x01,
		0x03, 0x02, 0x01, 0x09, 0x02, 0x0a, 0x0b
	};
	/* a FEC wind-up packet: fec-npackets 0, no entries */
	static const uint8_t windup[] = { 0x00, 0x05, 0x01, 0x06,
					  0x80, 0x01, 0x00, 0x00 };
	static const uint8_t a[] = { 1, 2 }, e0[] = { 9 }, e1[] = { 10, 11 };
	struct media_udptl_pkt p = { .seq = 0x1235,
				     .primary = { a, 2 },
				     .fec = true,
				     .fec_npackets = 3,
				     .n = 2 };
	struct media_udptl_cfg c = cfg_red(0);
	struct media_udptl *rx;
	uint8_t buf[64];
	size_t n;

	(void)state;
	p.e[0] = (struct media_udptl_view){ e0, 1 };
	p.e[1] = (struct media_udptl_view){ e1, 2 };
	assert_int_equal(media_udptl_encode(&p, buf, sizeof(buf), &n), 0);
	assert_int_equal(n, sizeof(fec));
	assert_memory_equal(buf, fec, n);
	memset(&p, 0, sizeof(p));
	assert_int_equal(
		media_udptl_decode(windup, sizeof(windup), 512, &p, NULL), 0);
	assert_true(p.fec);
	assert_int_equal(p.fec_npackets, 0);
	assert_int_equal(p.n, 0);
	assert_int_equal(p.seq, 5);
	/* and its primary is delivered */
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	assert_int_equal(media_udptl_recv(rx, windup, sizeof(windup)), 0);
	assert_int_equal(media_udptl_stats(rx)->ifps_in, 1);
	assert_int_equal(media_udptl_stats(rx)->bad_total, 0);
	media_udptl_free(rx);
}

static void test_codec_long_lengths(void **state)
{
	static uint8_t big[3000], mid[200];
	struct media_udptl_pkt p = { .seq = 7,
				     .primary = { big, 3000 },
				     .n = 1 };
	struct media_udptl_pkt q;
	static uint8_t buf[4000];
	size_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	memset(mid, 0x5a, sizeof(mid));
	p.e[0] = (struct media_udptl_view){ mid, 200 };
	assert_int_equal(media_udptl_encode(&p, buf, sizeof(buf), &n), 0);
	/* 3000 = 0x0bb8 -> 0x8b 0xb8; 200 -> 0x80 0xc8 */
	assert_int_equal(buf[2], 0x8b);
	assert_int_equal(buf[3], 0xb8);
	assert_int_equal(n, 2 + 2 + 3000 + 1 + 1 + 2 + 200);
	assert_int_equal(media_udptl_decode(buf, n, 4000, &q, NULL), 0);
	assert_int_equal(q.primary.len, 3000);
	assert_memory_equal(q.primary.p, big, 3000);
	assert_int_equal(q.e[0].len, 200);
	/* the same IFP is too big for a 512-octet endpoint */
	enum media_udptl_bad bad;

	assert_int_equal(media_udptl_decode(buf, n, 512, &q, &bad), EBADMSG);
	assert_int_equal(bad, MEDIA_UDPTL_BAD_TOO_BIG);
	/* encoder refuses what PER's short forms cannot carry */
	p.primary.len = MEDIA_UDPTL_MAX_IFP + 1;
	assert_int_equal(media_udptl_encode(&p, buf, sizeof(buf), &n), EINVAL);
	p.primary.len = 0;
	assert_int_equal(media_udptl_encode(&p, buf, sizeof(buf), &n), EINVAL);
}

static void test_alloc_bounds(void **state)
{
	struct media_udptl_cfg c = cfg_red(3);
	struct media_udptl *u = NULL;

	(void)state;
	c.depth_image = MEDIA_UDPTL_MAX_DEPTH + 1;
	assert_int_equal(media_udptl_alloc(&c, &u), EINVAL);
	c = cfg_red(3);
	c.max_datagram = 10;
	assert_int_equal(media_udptl_alloc(&c, &u), EINVAL);
	c = cfg_red(3);
	c.deliver = NULL;
	assert_int_equal(media_udptl_alloc(&c, &u), EINVAL);
	c = cfg_red(3);
	c.fec_span = 0;
	assert_int_equal(media_udptl_alloc(&c, &u), EINVAL);
	assert_null(u);
	media_udptl_free(NULL);
	assert_string_equal(media_udptl_ec_name(MEDIA_UDPTL_EC_FEC), "fec");
	assert_string_equal(media_udptl_bad_name(MEDIA_UDPTL_BAD_FRAGMENT),
			    "fragmented length");
	assert_string_equal(media_udptl_bad_name(MEDIA_UDPTL_BAD_N), "?");
}

static void test_round_trip_in_order(void **state)
{
	struct media_udptl_cfg c = cfg_red(2);
	struct media_udptl *tx, *rx;

	(void)state;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	pump(tx, rx, 0, 100, NULL);
	assert_int_equal(sink.n, 100);
	for (unsigned i = 0; i < 100; i++) {
		assert_int_equal(sink.seq[i], i);
		assert_false(sink.rec[i]);
	}
	assert_int_equal(sink.bad_content, 0);
	assert_int_equal(media_udptl_stats(rx)->pkts_in, 100);
	assert_int_equal(media_udptl_stats(tx)->pkts_out, 100);
	assert_int_equal(media_udptl_stats(rx)->lost, 0);
	media_udptl_free(tx);
	media_udptl_free(rx);
}

static unsigned drop_from, drop_n;

static bool drop_range(unsigned i)
{
	return i >= drop_from && i < drop_from + drop_n;
}

/* Losing 1..depth consecutive packets: all IFPs arrive, in order, the
 * lost ones flagged recovered. depth + 1 losses lose exactly one. */
/* Whatever the reorder window (also below the depth: a burst as long as
 * the depth must not be given up before the secondaries arrive). */
static void test_redundancy_recovers_bursts(void **state)
{
	const unsigned depth = 4;
	static const unsigned windows[] = { 4, 2, 0 };

	(void)state;
	for (unsigned run = 0; run < 3 * (depth + 1); run++) {
		unsigned burst = 1 + run % (depth + 1);
		struct media_udptl_cfg c = cfg_red(depth);
		struct media_udptl *tx, *rx;

		c.window = windows[run / (depth + 1)];
		memset(&sink, 0, sizeof(sink));
		assert_int_equal(media_udptl_alloc(&c, &tx), 0);
		assert_int_equal(media_udptl_alloc(&c, &rx), 0);
		drop_from = 20;
		drop_n = burst;
		pump(tx, rx, 0, 60, drop_range);
		media_udptl_flush(rx);
		if (burst <= depth) {
			assert_int_equal(sink.n, 60);
			for (unsigned i = 0; i < 60; i++) {
				assert_int_equal(sink.seq[i], i);
				assert_int_equal(sink.rec[i],
						 drop_range(i) ? true : false);
			}
			assert_int_equal(media_udptl_stats(rx)->rec_red, burst);
			assert_int_equal(media_udptl_stats(rx)->lost, 0);
		} else {
			assert_int_equal(sink.n, 59);
			assert_int_equal(media_udptl_stats(rx)->lost, 1);
			assert_int_equal(sink.got[20], 0);
		}
		assert_int_equal(sink.bad_content, 0);
		media_udptl_free(tx);
		media_udptl_free(rx);
	}
}

/* The stream's first packets lost: the next ones' secondaries bring them
 * back, since the receiver starts as far back as the secondaries reach. */
static void test_first_packets_lost(void **state)
{
	struct media_udptl_cfg c = cfg_red(3);
	struct media_udptl *tx, *rx;

	(void)state;
	c.rx_max_datagram = 100;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	drop_from = 0;
	drop_n = 2;
	pump(tx, rx, 0, 30, drop_range);
	assert_int_equal(sink.n, 30);
	assert_true(sink.rec[0]);
	assert_true(sink.rec[1]);
	assert_false(sink.rec[2]);
	assert_int_equal(sink.seq[0], 0);
	assert_int_equal(sink.bad_content, 0);
	/* 60-octet IFPs with 3 secondaries exceed our 100: kept, counted */
	assert_true(media_udptl_stats(rx)->over_max > 0);
	assert_int_equal(media_udptl_stats(rx)->bad_total, 0);
	media_udptl_free(tx);
	media_udptl_free(rx);
}

/* Control IFPs carry depth_control secondaries, image IFPs depth_image. */
static void test_depth_by_kind(void **state)
{
	struct media_udptl_cfg c = cfg_red(0);
	struct media_udptl *tx;
	struct media_udptl_pkt p;
	uint8_t ifp[8] = { 1 }, pkt[256];
	size_t n;

	(void)state;
	c.depth_control = 5;
	c.depth_image = 1;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(media_udptl_send(tx, ifp, 8, MEDIA_UDPTL_IMAGE,
						  pkt, sizeof(pkt), &n),
				 0);
	assert_int_equal(media_udptl_decode(pkt, n, 512, &p, NULL), 0);
	assert_int_equal(p.n, 1);
	assert_int_equal(media_udptl_send(tx, ifp, 8, MEDIA_UDPTL_CONTROL, pkt,
					  sizeof(pkt), &n),
			 0);
	assert_int_equal(media_udptl_decode(pkt, n, 512, &p, NULL), 0);
	assert_int_equal(p.n, 5);
	assert_int_equal(p.seq, 8);
	media_udptl_free(tx);
}

/* Secondaries are dropped to respect T38FaxMaxDatagram; an IFP that does
 * not fit alone is refused and does not use a sequence number. */
static void test_max_datagram(void **state)
{
	struct media_udptl_cfg c = cfg_red(4);
	struct media_udptl *tx;
	struct media_udptl_pkt p;
	uint8_t ifp[100], pkt[1500];
	size_t n;

	(void)state;
	memset(ifp, 0x11, sizeof(ifp));
	c.max_datagram = 250;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	for (int i = 0; i < 10; i++) {
		assert_int_equal(media_udptl_send(tx, ifp, 60,
						  MEDIA_UDPTL_CONTROL, pkt,
						  sizeof(pkt), &n),
				 0);
		assert_true(n <= 250);
	}
	assert_int_equal(media_udptl_decode(pkt, n, 512, &p, NULL), 0);
	/* 2 + 61 + 1 + 1 + n * 61 octets: 3 secondaries fit 250, 4 do not */
	assert_int_equal(p.n, 3);
	assert_true(media_udptl_stats(tx)->red_dropped > 0);
	/* the caller's buffer bounds it too */
	assert_int_equal(media_udptl_send(tx, ifp, 60, MEDIA_UDPTL_CONTROL, pkt,
					  100, &n),
			 0);
	assert_true(n <= 100);
	/* an IFP larger than the datagram: refused, clear error */
	assert_int_equal(media_udptl_send(tx, ifp, 100, MEDIA_UDPTL_CONTROL,
					  pkt, 100, &n),
			 EMSGSIZE);
	assert_int_equal(media_udptl_stats(tx)->refused, 1);
	assert_int_equal(media_udptl_send(tx, ifp, 0, MEDIA_UDPTL_CONTROL, pkt,
					  sizeof(pkt), &n),
			 EINVAL);
	assert_int_equal(media_udptl_stats(tx)->refused, 2);
	assert_int_equal(media_udptl_send(tx, ifp, 60, MEDIA_UDPTL_CONTROL, pkt,
					  sizeof(pkt), &n),
			 0);
	assert_int_equal(media_udptl_decode(pkt, n, 512, &p, NULL), 0);
	assert_int_equal(p.seq, 11); /* refused IFPs used no number */
	media_udptl_free(tx);
}

static bool drop_one(unsigned i)
{
	return i == drop_from;
}

static struct media_udptl_cfg cfg_fec(unsigned span, unsigned entries)
{
	struct media_udptl_cfg c = cfg_red(0);

	c.ec = MEDIA_UDPTL_EC_FEC;
	c.fec_span = span;
	c.fec_entries = entries;
	return c;
}

/* Parity FEC repairs one lost packet, and a burst of up to `entries`
 * thanks to the interleaving; the packets really carry fec-info. */
static void test_fec_recovers(void **state)
{
	struct media_udptl_cfg c = cfg_fec(3, 2);
	struct media_udptl *tx, *rx;
	struct media_udptl_pkt p;
	uint8_t ifp[64], pkt[1500];
	size_t n, len;

	(void)state;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	for (unsigned i = 0; i < 7; i++) {
		len = ifp_make(i, ifp, 60);
		assert_int_equal(media_udptl_send(tx, ifp, len,
						  MEDIA_UDPTL_IMAGE, pkt,
						  sizeof(pkt), &n),
				 0);
		assert_int_equal(media_udptl_decode(pkt, n, 512, &p, NULL), 0);
		/* secondaries until a full group of 6 exists */
		assert_int_equal(p.fec, i >= 6);
	}
	assert_int_equal(p.fec_npackets, 3);
	assert_int_equal(p.n, 2);
	media_udptl_free(tx);

	/* parity too big for max_datagram: secondaries instead, as many as
	 * fit (FEC would be 2 + 1 + 40 + 1 + 2 + 1 + 2 * 41 = 129) */
	c.max_datagram = 100;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	memset(ifp, 0x33, 40);
	for (unsigned i = 0; i < 10; i++) {
		assert_int_equal(media_udptl_send(tx, ifp, 40,
						  MEDIA_UDPTL_IMAGE, pkt,
						  sizeof(pkt), &n),
				 0);
		assert_true(n <= 100);
	}
	assert_int_equal(media_udptl_decode(pkt, n, 512, &p, NULL), 0);
	assert_false(p.fec);
	assert_int_equal(p.n, 1);
	media_udptl_free(tx);
	c.max_datagram = 1400;

	/* one loss, deep in the stream (after the startup secondaries) */
	c.window = 8;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	drop_from = 30;
	pump(tx, rx, 0, 60, drop_one);
	media_udptl_flush(rx);
	assert_int_equal(sink.n, 60);
	assert_int_equal(sink.bad_content, 0);
	assert_int_equal(media_udptl_stats(rx)->rec_fec, 1);
	assert_int_equal(media_udptl_stats(rx)->lost, 0);
	assert_true(sink.rec[30]);
	media_udptl_free(tx);
	media_udptl_free(rx);

	/* a burst of two (= entries) */
	memset(&sink, 0, sizeof(sink));
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	drop_from = 40;
	drop_n = 2;
	pump(tx, rx, 0, 80, drop_range);
	media_udptl_flush(rx);
	assert_int_equal(sink.n, 80);
	assert_int_equal(sink.bad_content, 0);
	assert_int_equal(media_udptl_stats(rx)->rec_fec, 2);
	for (unsigned i = 0; i < 80; i++)
		assert_int_equal(sink.seq[i], i);
	media_udptl_free(tx);
	media_udptl_free(rx);
}

/* A peer that winds FEC up (another common sender: before a full group
 * exists it sends fec-npackets 0 and no entries, then fewer entries of
 * the full span) is decoded and repaired by the same mapping: entry m of
 * packet s is the XOR of s + m - k * entries, k = 1..span, with entries
 * the count in that packet. Parity built here independently. */
static void test_fec_windup_peer(void **state)
{
	const unsigned span = 3, entries = 3, total = 40;
	static uint8_t ifps[40][64], par[8][64], pkt[1500];
	size_t lens[40], n;
	struct media_udptl_cfg c = cfg_fec(span, entries);
	struct media_udptl *rx;

	(void)state;
	c.window = 4;
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	for (unsigned i = 0; i < total; i++)
		lens[i] = ifp_make(i, ifps[i], 60);
	for (unsigned s = 0; s < total; s++) {
		struct media_udptl_pkt p = { .seq = (uint16_t)s,
					     .primary = { ifps[s], lens[s] },
					     .fec = true };
		unsigned sp = span, en = entries;

		if (s < span * entries) {
			en = s / span;
			if (s < span)
				sp = 0;
		}
		p.fec_npackets = sp;
		p.n = en;
		for (unsigned m = 0; m < en; m++) {
			size_t len = 0;

			memset(par[m], 0, sizeof(par[m]));
			for (unsigned k = 1; k <= sp; k++) {
				unsigned q = s + m - k * en;

				for (size_t j = 0; j < lens[q]; j++)
					par[m][j] ^= ifps[q][j];
				if (lens[q] > len)
					len = lens[q];
			}
			p.e[m] = (struct media_udptl_view){ par[m], len };
		}
		if (sp == 0) {
			/* the encoder does not write span 0: the wire form */
			static uint8_t w[80];

			w[0] = 0;
			w[1] = (uint8_t)s;
			w[2] = (uint8_t)lens[s];
			memcpy(w + 3, ifps[s], lens[s]);
			memcpy(w + 3 + lens[s], "\x80\x01\x00\x00", 4);
			n = 3 + lens[s] + 4;
			memcpy(pkt, w, n);
		} else {
			assert_int_equal(
				media_udptl_encode(&p, pkt, sizeof(pkt), &n),
				0);
		}
		if (s == 1 || s == 20)
			continue; /* lost */
		assert_int_equal(media_udptl_recv(rx, pkt, n), 0);
	}
	media_udptl_flush(rx);
	assert_int_equal(sink.bad_content, 0);
	assert_int_equal(sink.n, total);
	assert_int_equal(media_udptl_stats(rx)->rec_fec, 2);
	assert_int_equal(media_udptl_stats(rx)->lost, 0);
	assert_int_equal(media_udptl_stats(rx)->bad_total, 0);
	assert_true(sink.rec[1]);
	assert_true(sink.rec[20]);
	media_udptl_free(rx);
}

static struct media_udptl_stats last_st;

/* Feed encoded packets to rx in a given order. */
static void feed_order(const unsigned *order, unsigned n,
		       struct media_udptl_cfg c)
{
	static uint8_t pkts[64][1500];
	size_t plen[64], len;
	uint8_t ifp[64];
	struct media_udptl *tx, *rx;

	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	for (unsigned i = 0; i < 64; i++) {
		len = ifp_make(i, ifp, 60);
		assert_int_equal(media_udptl_send(tx, ifp, len,
						  MEDIA_UDPTL_IMAGE, pkts[i],
						  sizeof(pkts[i]), &plen[i]),
				 0);
	}
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(
			media_udptl_recv(rx, pkts[order[i]], plen[order[i]]),
			0);
	media_udptl_flush(rx);
	assert_int_equal(sink.bad_content, 0);
	last_st = *media_udptl_stats(rx);
	media_udptl_free(tx);
	media_udptl_free(rx);
}

static void test_reorder_and_duplicates(void **state)
{
	/* no redundancy: only the window puts things back in order */
	static const unsigned order[] = { 0, 1, 3, 2, 4, 4, 6, 5, 7, 2, 8 };
	struct media_udptl_cfg c = cfg_red(0);

	(void)state;
	c.window = 3;
	feed_order(order, 11, c);
	assert_int_equal(sink.n, 9);
	for (unsigned i = 0; i < 9; i++) {
		assert_int_equal(sink.seq[i], i);
		assert_false(sink.rec[i]);
	}
	assert_int_equal(last_st.dup, 2); /* 4 again, 2 again */
	assert_int_equal(last_st.lost, 0);
}

static void test_reorder_beyond_window(void **state)
{
	/* 1 comes after 2..6: with window 3 it was given up at 5 */
	static const unsigned order[] = { 0, 2, 3, 4, 5, 6, 1, 7 };
	struct media_udptl_cfg c = cfg_red(0);

	(void)state;
	c.window = 3;
	feed_order(order, 8, c);
	assert_int_equal(sink.n, 7);
	assert_int_equal(sink.got[1], 0);
	assert_int_equal(last_st.lost, 1); /* lost */
	assert_int_equal(last_st.late, 1); /* late */
	for (unsigned i = 1; i < 7; i++)
		assert_int_equal(sink.seq[i], i + 1);
}

/* pending: what waits behind a gap, until it is filled or flushed. */
static void test_pending(void **state)
{
	struct media_udptl_cfg c = cfg_red(0);
	struct media_udptl *tx, *rx;
	uint8_t ifp[64], pkt[4][1500];
	size_t plen[4], len;

	(void)state;
	c.window = 3;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	assert_int_equal(media_udptl_pending(rx), 0);
	for (unsigned i = 0; i < 4; i++) {
		len = ifp_make(i, ifp, 60);
		assert_int_equal(media_udptl_send(tx, ifp, len,
						  MEDIA_UDPTL_IMAGE, pkt[i],
						  sizeof(pkt[i]), &plen[i]),
				 0);
	}
	assert_int_equal(media_udptl_recv(rx, pkt[0], plen[0]), 0);
	assert_int_equal(media_udptl_pending(rx), 0);
	assert_int_equal(media_udptl_recv(rx, pkt[2], plen[2]), 0);
	assert_int_equal(media_udptl_recv(rx, pkt[3], plen[3]), 0);
	/* 1 missing: 1, 2, 3 wait */
	assert_int_equal(media_udptl_pending(rx), 3);
	assert_int_equal(sink.n, 1);
	assert_int_equal(media_udptl_recv(rx, pkt[1], plen[1]), 0);
	assert_int_equal(media_udptl_pending(rx), 0);
	assert_int_equal(sink.n, 4);
	media_udptl_free(rx);
	/* the same gap flushed instead */
	memset(&sink, 0, sizeof(sink));
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	assert_int_equal(media_udptl_recv(rx, pkt[0], plen[0]), 0);
	assert_int_equal(media_udptl_recv(rx, pkt[2], plen[2]), 0);
	assert_int_equal(media_udptl_pending(rx), 2);
	media_udptl_flush(rx);
	assert_int_equal(media_udptl_pending(rx), 0);
	assert_int_equal(sink.n, 2);
	assert_int_equal(media_udptl_stats(rx)->lost, 1);
	media_udptl_free(tx);
	media_udptl_free(rx);
}

static void test_seq_wrap(void **state)
{
	struct media_udptl_cfg c = cfg_red(2);
	struct media_udptl *rx;
	struct media_udptl_pkt p = { .n = 0 };
	uint8_t ifp[64], pkt[256];
	unsigned base = 65530;
	size_t n, len;

	(void)state;
	c.arg = &base;
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	/* hand-built packets 65530 .. 65535, 0 .. 9, with 65535 and 1 lost
	 * (recovered from the next packet's secondary) */
	for (unsigned i = 0; i < 16; i++) {
		uint16_t seq = (uint16_t)(base + i);
		static uint8_t prev[64];
		static size_t prev_len;

		len = ifp_make(i, ifp, 60);
		p.seq = seq;
		p.primary = (struct media_udptl_view){ ifp, len };
		p.n = i ? 1 : 0;
		p.e[0] = (struct media_udptl_view){ prev, prev_len };
		assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &n),
				 0);
		memcpy(prev, ifp, len);
		prev_len = len;
		if (seq == 65535 || seq == 1)
			continue;
		assert_int_equal(media_udptl_recv(rx, pkt, n), 0);
	}
	media_udptl_flush(rx);
	assert_int_equal(sink.n, 16);
	assert_int_equal(sink.bad_content, 0);
	for (unsigned i = 0; i < 16; i++)
		assert_int_equal(sink.seq[i], (uint16_t)(base + i));
	assert_true(sink.rec[5]);
	assert_true(sink.rec[7]);
	assert_int_equal(media_udptl_stats(rx)->rec_red, 2);
	assert_int_equal(media_udptl_stats(rx)->lost, 0);
	media_udptl_free(rx);
}

/* A jump far ahead gives up the stretch in bounded work and goes on. */
static void test_seq_jump(void **state)
{
	struct media_udptl_cfg c = cfg_red(0);
	struct media_udptl *rx;
	struct media_udptl_pkt p = { .n = 0 };
	uint8_t ifp[4] = { 1, 2, 3, 4 }, pkt[64];
	size_t n;

	(void)state;
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	p.primary = (struct media_udptl_view){ ifp, 4 };
	p.seq = 10;
	assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &n), 0);
	assert_int_equal(media_udptl_recv(rx, pkt, n), 0);
	p.seq = 30010;
	assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &n), 0);
	assert_int_equal(media_udptl_recv(rx, pkt, n), 0);
	p.seq = 30011;
	assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &n), 0);
	assert_int_equal(media_udptl_recv(rx, pkt, n), 0);
	media_udptl_flush(rx);
	assert_int_equal(sink.n, 3);
	assert_int_equal(sink.seq[2], 30011);
	assert_int_equal(media_udptl_stats(rx)->lost, 29999);
	media_udptl_free(rx);
}

static void test_hostile(void **state)
{
	const struct udptl_bad_case *cases = udptl_bad_cases;
	const size_t ncases = UDPTL_BAD_CASES;
	struct media_udptl_cfg c = cfg_red(3);
	struct media_udptl *rx;
	const struct media_udptl_stats *st;
	uint64_t want[MEDIA_UDPTL_BAD_N] = { 0 };
	static const uint8_t good[] = { 0, 0, 1, 9, 0, 0 };

	(void)state;
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	st = media_udptl_stats(rx);
	for (size_t i = 0; i < ncases; i++) {
		enum media_udptl_bad why = MEDIA_UDPTL_BAD_N;
		struct media_udptl_pkt p;

		/* copy to an exact-size buffer so a read past it shows
		 * under ASan */
		uint8_t *b = test_malloc(cases[i].len + 1);

		memcpy(b, cases[i].b, cases[i].len);
		if (media_udptl_decode(b, cases[i].len, 512, &p, &why) !=
			    EBADMSG ||
		    why != cases[i].why)
			fail_msg("%s: got %s", cases[i].what,
				 media_udptl_bad_name(why));
		assert_int_equal(media_udptl_recv(rx, b, cases[i].len),
				 EBADMSG);
		want[cases[i].why]++;
		test_free(b);
	}
	for (int r = 0; r < MEDIA_UDPTL_BAD_N; r++)
		assert_int_equal(st->bad[r], want[r]);
	assert_int_equal(st->bad_total, ncases);
	assert_int_equal(st->pkts_in, 0);
	assert_int_equal(sink.n, 0);
	/* and the endpoint still works */
	assert_int_equal(media_udptl_recv(rx, good, sizeof(good)), 0);
	assert_int_equal(sink.n, 1);
	media_udptl_free(rx);
}

/* The far end's last RTP (and muxed RTCP) reaching the port after the
 * switch to T.38 is counted as stale RTP, not as malformed UDPTL; a
 * corrupted UDPTL packet whose sequence number has the same top bits
 * (0x8000..0xBFFF) and lies near the peer's numbers stays malformed. */
static void test_stale_rtp(void **state)
{
	struct media_udptl_cfg c = cfg_red(3);
	struct media_udptl *rx;
	const struct media_udptl_stats *st;
	uint8_t rtp[172] = { 0x80, 0x08, 0x12, 0x34, 0,	   0,
			     0x0f, 0xa0, 0xde, 0xad, 0xbe, 0xef };
	static const uint8_t rtcp[8] = { 0x81, 0xc9, 0, 1, 1, 2, 3, 4 };
	static const uint8_t good[] = { 0x90, 0x01, 1, 9, 0, 0 };
	static const uint8_t near_bad[] = { 0x90, 0x02, 1, 9, 0x40, 0, 0, 0 };
	static const uint8_t short_v2[] = { 0x80, 0x08, 0x12, 0x34, 0xff };

	(void)state;
	memset(rtp + 12, 0xd5, sizeof(rtp) - 12); /* A-law silence */
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	st = media_udptl_stats(rx);
	/* before any UDPTL */
	assert_int_equal(media_udptl_recv(rx, rtp, sizeof(rtp)), ENOMSG);
	assert_int_equal(media_udptl_recv(rx, rtcp, sizeof(rtcp)), ENOMSG);
	assert_int_equal(st->stale_rtp, 2);
	assert_int_equal(st->bad_total, 0);
	assert_int_equal(st->pkts_in, 0);
	assert_int_equal(sink.n, 0);
	/* too short for RTP: malformed */
	assert_int_equal(media_udptl_recv(rx, short_v2, sizeof(short_v2)),
			 EBADMSG);
	assert_int_equal(st->bad_total, 1);
	/* UDPTL numbered 0x9001 flows; RTP after it is still stale */
	assert_int_equal(media_udptl_recv(rx, good, sizeof(good)), 0);
	assert_int_equal(sink.n, 1);
	assert_int_equal(media_udptl_recv(rx, rtp, sizeof(rtp)), ENOMSG);
	assert_int_equal(st->stale_rtp, 3);
	/* a broken packet numbered 0x9002: the peer's, malformed */
	assert_int_equal(media_udptl_recv(rx, near_bad, sizeof(near_bad)),
			 EBADMSG);
	assert_int_equal(st->bad[MEDIA_UDPTL_BAD_CHOICE], 1);
	assert_int_equal(st->bad_total, 2);
	assert_int_equal(st->stale_rtp, 3);
	assert_int_equal(st->pkts_in, 1);
	assert_int_equal(sink.n, 1);
	media_udptl_free(rx);
}

static uint32_t rng;

static uint32_t rnd(void)
{
	rng = rng * 1664525u + 1013904223u;
	return rng >> 8;
}

/* Random corruption of valid packets: every datagram is either accepted
 * or rejected and counted; nothing crashes (run under ASan by make
 * check). */
static void test_mutations(void **state)
{
	struct media_udptl_cfg c = cfg_fec(2, 2);
	struct media_udptl *tx, *rx;
	uint8_t ifp[64], pkt[1500];
	size_t n, len;
	const struct media_udptl_stats *st;

	(void)state;
	rng = 12345;
	c.window = 2;
	assert_int_equal(media_udptl_alloc(&c, &tx), 0);
	assert_int_equal(media_udptl_alloc(&c, &rx), 0);
	st = media_udptl_stats(rx);
	for (unsigned i = 0; i < 5000; i++) {
		len = ifp_make(i, ifp, 60);
		assert_int_equal(media_udptl_send(tx, ifp, len,
						  i & 1 ? MEDIA_UDPTL_IMAGE
							: MEDIA_UDPTL_CONTROL,
						  pkt, sizeof(pkt), &n),
				 0);
		for (unsigned k = rnd() % 4; k > 0; k--)
			pkt[rnd() % n] = (uint8_t)rnd();
		if (rnd() % 8 == 0)
			n = rnd() % (n + 1);
		media_udptl_recv(rx, pkt, n);
	}
	/* a corrupted first octet may look like RTP: counted apart */
	assert_int_equal(st->pkts_in + st->bad_total + st->stale_rtp, 5000);
	assert_true(st->bad_total > 0);
	assert_true(st->pkts_in > 0);
	media_udptl_free(tx);
	media_udptl_free(rx);
}

static unsigned loss_pct;

static bool drop_random(unsigned i)
{
	(void)i;
	return rnd() % 1000 < loss_pct * 10;
}

/* 2000 IFPs, redundancy 3, independent random loss. An IFP is lost only
 * when its own packet and the 3 after it are all lost: p^4, 6.25e-6 at
 * 5 % and 1e-4 at 10 %, i.e. 0.0125 and 0.2 IFPs expected in 2000, plus
 * the stream's last IFPs, which have fewer followers (the very last one
 * is lost with probability p). >= 99.5 % (at most 10 lost) leaves ample
 * margin for any seed, yet fails if recovery were broken: without it
 * 10 % loss delivers about 90 %. */
static void test_seeded_loss(void **state)
{
	static const unsigned pcts[] = { 5, 10 };

	(void)state;
	for (unsigned k = 0; k < 2; k++) {
		struct media_udptl_cfg c = cfg_red(3);
		struct media_udptl *tx, *rx;
		double share;

		memset(&sink, 0, sizeof(sink));
		rng = 0x5eed0000u + pcts[k];
		loss_pct = pcts[k];
		assert_int_equal(media_udptl_alloc(&c, &tx), 0);
		assert_int_equal(media_udptl_alloc(&c, &rx), 0);
		pump(tx, rx, 0, 2000, drop_random);
		media_udptl_flush(rx);
		share = sink.n / 2000.0;
		printf("udptl loss %u%% redundancy 3: delivered %.2f%% "
		       "(recovered %llu, lost %llu, seed 0x%x)\n",
		       pcts[k], 100 * share,
		       (unsigned long long)media_udptl_stats(rx)->rec_red,
		       (unsigned long long)media_udptl_stats(rx)->lost,
		       0x5eed0000u + pcts[k]);
		assert_true(share >= 0.995);
		assert_true(media_udptl_stats(rx)->rec_red > 0);
		assert_int_equal(sink.bad_content, 0);
		for (unsigned i = 1; i < sink.n && i < NSEQ; i++)
			assert_true(sink.seq[i] > sink.seq[i - 1]);
		media_udptl_free(tx);
		media_udptl_free(rx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_codec_known_bytes, setup),
		cmocka_unit_test_setup(test_wire_bytes_annex_d, setup),
		cmocka_unit_test_setup(test_codec_long_lengths, setup),
		cmocka_unit_test_setup(test_alloc_bounds, setup),
		cmocka_unit_test_setup(test_round_trip_in_order, setup),
		cmocka_unit_test_setup(test_redundancy_recovers_bursts, setup),
		cmocka_unit_test_setup(test_first_packets_lost, setup),
		cmocka_unit_test_setup(test_depth_by_kind, setup),
		cmocka_unit_test_setup(test_max_datagram, setup),
		cmocka_unit_test_setup(test_fec_recovers, setup),
		cmocka_unit_test_setup(test_fec_windup_peer, setup),
		cmocka_unit_test_setup(test_reorder_and_duplicates, setup),
		cmocka_unit_test_setup(test_reorder_beyond_window, setup),
		cmocka_unit_test_setup(test_pending, setup),
		cmocka_unit_test_setup(test_seq_wrap, setup),
		cmocka_unit_test_setup(test_seq_jump, setup),
		cmocka_unit_test_setup(test_hostile, setup),
		cmocka_unit_test_setup(test_stale_rtp, setup),
		cmocka_unit_test_setup(test_mutations, setup),
		cmocka_unit_test_setup(test_seeded_loss, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
