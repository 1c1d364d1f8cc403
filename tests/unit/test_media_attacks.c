/* The regression pack of known attacks on the media side: UDPTL with
 * lengths past the datagram, entry counts nobody sends, huge sequence
 * jumps and floods of secondaries, garbage IFPs that decode; T.38 options
 * out of range (T38FaxMaxDatagram); RTCP compounds with 31 report blocks,
 * lying lengths and hundreds of packets. Each is refused and counted, or
 * taken at bounded cost, and the call's leg or session goes on. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "media/fax.h"
#include "media/priv.h"
#include "media/udptl.h"
#include "tests/unit/test_media_udptl_bad.h"

/* ---- UDPTL through a call's T.38 leg ---- */

static unsigned nsent;

static int leg_send(void *arg, const uint8_t *pkt, size_t len)
{
	(void)arg;
	(void)pkt;
	assert_true(len > 0);
	nsent++;
	return 0;
}

static struct media_t38leg *leg_alloc(void)
{
	struct media_t38leg_cfg c = { .law = MEDIA_LAW_ULAW,
				      .t38 = { .version = 0 },
				      .ec = MEDIA_UDPTL_EC_REDUNDANCY };
	struct media_t38leg *l = NULL;

	assert_int_equal(media_t38leg_alloc(&c, leg_send, NULL, &l), 0);
	return l;
}

/* A few TDM blocks: the leg keeps running (and sending) after the input. */
static void leg_run(struct media_t38leg *l, unsigned blocks)
{
	uint8_t in[MEDIA_T38_BLOCK], out[MEDIA_T38_BLOCK];

	memset(in, 0xff, sizeof(in)); /* mu-law silence */
	for (unsigned i = 0; i < blocks; i++)
		assert_int_equal(media_t38leg_tdm(l, in, out, sizeof(in)), 0);
}

static const struct media_udptl_stats *leg_udptl(struct media_t38leg *l)
{
	static struct media_t38leg_stats st;

	media_t38leg_stats(l, &st);
	return &st.udptl;
}

/* Every hostile datagram of the codec tests, through a live leg. */
static void attack_udptl_bogus_lengths(void **state)
{
	const struct udptl_bad_case *cases = udptl_bad_cases;
	const size_t n = UDPTL_BAD_CASES;
	struct media_t38leg *l = leg_alloc();

	(void)state;
	leg_run(l, 2);
	for (size_t i = 0; i < n; i++) {
		uint64_t before = leg_udptl(l)->bad[cases[i].why];

		if (media_t38leg_udptl_in(l, cases[i].b, cases[i].len) !=
		    EBADMSG)
			fail_msg("%s: not refused", cases[i].what);
		if (leg_udptl(l)->bad[cases[i].why] != before + 1)
			fail_msg("%s: not counted as %s", cases[i].what,
				 media_udptl_bad_name(cases[i].why));
	}
	assert_int_equal(leg_udptl(l)->bad_total, n);
	assert_int_equal(leg_udptl(l)->pkts_in, 0);
	/* a good datagram after them is taken */
	static const uint8_t ok[] = { 0, 0, 1, 0x00, 0x00, 0 };
	assert_int_equal(media_t38leg_udptl_in(l, ok, sizeof(ok)), 0);
	assert_int_equal(leg_udptl(l)->pkts_in, 1);
	leg_run(l, 10);
	assert_false(media_t38leg_silent(l));
	media_t38leg_free(l);
}

/* Huge sequence jumps both ways, and wrap: bounded work, nothing held. */
static void attack_udptl_seq_jumps(void **state)
{
	static const uint16_t seqs[] = { 0,	1,     40000, 2,     65535,
					 0,	32768, 32767, 65534, 100,
					 40001, 40002, 7,     1 };
	struct media_t38leg *l = leg_alloc();
	struct media_udptl_pkt p = { .n = 0 };
	uint8_t ifp[1] = { 0x00 }, pkt[64];
	size_t len;

	(void)state;
	p.primary = (struct media_udptl_view){ ifp, 1 };
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		p.seq = seqs[i];
		assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &len),
				 0);
		assert_int_equal(media_t38leg_udptl_in(l, pkt, len), 0);
		leg_run(l, 1);
	}
	leg_run(l, 20);
	const struct media_udptl_stats *s = leg_udptl(l);
	assert_int_equal(s->bad_total, 0);
	/* each jump gives up at most one sequence space of numbers */
	assert_true(s->lost < 14 * 65536u);
	assert_true(s->ifps_in + s->dup + s->late >= 3);
	media_t38leg_free(l);
}

/* 300 datagrams each with the most secondaries accepted (128), all
 * different: recovery stays bounded by the window, nothing breaks. */
static void attack_udptl_secondary_flood(void **state)
{
	struct media_t38leg *l = leg_alloc();
	static struct media_udptl_pkt p;
	static uint8_t ifps[MEDIA_UDPTL_MAX_ENTRIES + 1][3];
	static uint8_t pkt[2048];
	size_t len;

	(void)state;
	for (unsigned k = 0; k <= MEDIA_UDPTL_MAX_ENTRIES; k++) {
		/* t30 indicator IFPs of version 0: type 0, a few values */
		ifps[k][0] = (uint8_t)((k % 8) << 1);
		ifps[k][1] = 0;
		ifps[k][2] = 0;
	}
	for (unsigned i = 0; i < 300; i++) {
		p.seq = (uint16_t)(i * 7);
		p.primary = (struct media_udptl_view){ ifps[0], 1 };
		p.n = MEDIA_UDPTL_MAX_ENTRIES;
		for (unsigned k = 0; k < p.n; k++)
			p.e[k] = (struct media_udptl_view){ ifps[k + 1],
							    1 + k % 3 };
		assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &len),
				 0);
		assert_int_equal(media_t38leg_udptl_in(l, pkt, len), 0);
		if (i % 10 == 0)
			leg_run(l, 1);
	}
	/* one more entry than accepted: refused whole */
	p.n = MEDIA_UDPTL_MAX_ENTRIES;
	assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &len), 0);
	pkt[2 + 2 + 1] = MEDIA_UDPTL_MAX_ENTRIES + 1; /* the count octet */
	assert_int_equal(media_t38leg_udptl_in(l, pkt, len), EBADMSG);
	leg_run(l, 10);
	assert_int_equal(leg_udptl(l)->pkts_in, 300);
	assert_int_equal(leg_udptl(l)->bad[MEDIA_UDPTL_BAD_COUNT], 1);
	media_t38leg_free(l);
}

/* Well-framed UDPTL carrying IFPs of random octets: spandsp gets them and
 * must refuse them itself; the leg runs on. xorshift: reproducible. */
static void attack_udptl_garbage_ifps(void **state)
{
	struct media_t38leg *l = leg_alloc();
	struct media_udptl_pkt p = { .n = 0 };
	uint8_t ifp[300], pkt[400];
	uint32_t x = 0x1234567;
	size_t len;

	(void)state;
	for (unsigned i = 0; i < 500; i++) {
		size_t il = 1 + i % sizeof(ifp);
		for (size_t k = 0; k < il; k++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			ifp[k] = (uint8_t)x;
		}
		p.seq = (uint16_t)i;
		p.primary = (struct media_udptl_view){ ifp, il };
		assert_int_equal(media_udptl_encode(&p, pkt, sizeof(pkt), &len),
				 0);
		assert_int_equal(media_t38leg_udptl_in(l, pkt, len), 0);
		leg_run(l, 1);
	}
	leg_run(l, 50);
	assert_int_equal(leg_udptl(l)->pkts_in, 500);
	media_t38leg_free(l);
}

/* T38FaxMaxDatagram as a peer may write it: missing (0: our default),
 * too small to carry an IFP, beyond UDP. */
static void attack_t38_max_datagram(void **state)
{
	static const struct {
		unsigned peer, ours;
		int err;
	} cases[] = {
		/* below MEDIA_T38_MIN_DGRAM: the gateway raises a peer's
		 * (call_fax.c), the leg refuses it */
		{ 0, 0, 0 },	      { 400, 400, 0 },
		{ 100, 100, 0 },      { 72, 0, EINVAL },
		{ 0, 72, EINVAL },    { 65535, 0, 0 },
		{ 1, 0, EINVAL },     { 15, 0, EINVAL },
		{ 65536, 0, EINVAL }, { 4000000000u, 0, EINVAL },
		{ 0, 1, EINVAL },     { 0, 70000, EINVAL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct media_t38leg_cfg c = {
			.law = MEDIA_LAW_ALAW,
			.t38 = { .max_datagram = cases[i].peer },
			.rx_max_datagram = cases[i].ours,
		};
		struct media_t38leg *l = NULL;
		int err = media_t38leg_alloc(&c, leg_send, NULL, &l);

		if (err != cases[i].err)
			fail_msg("case %zu (%u/%u): %d, expected %d", i,
				 cases[i].peer, cases[i].ours, err,
				 cases[i].err);
		if (!err) {
			leg_run(l, 5);
			media_t38leg_free(l);
		} else {
			assert_null(l);
		}
	}
}

/* ---- RTCP ---- */

static size_t put_hdr(uint8_t *p, unsigned count, uint8_t pt, size_t words)
{
	p[0] = (uint8_t)(0x80 | count);
	p[1] = pt;
	p[2] = (uint8_t)(words >> 8);
	p[3] = (uint8_t)words;
	return 4;
}

/* An RR from ssrc with rc report blocks (lengths true). */
static size_t rr(uint8_t *p, uint32_t ssrc, unsigned rc)
{
	size_t len = 8 + 24 * (size_t)rc;

	memset(p, 0, len);
	put_hdr(p, rc, RTCP_RR, len / 4 - 1);
	p[4] = (uint8_t)(ssrc >> 24);
	p[5] = (uint8_t)(ssrc >> 16);
	p[6] = (uint8_t)(ssrc >> 8);
	p[7] = (uint8_t)ssrc;
	for (unsigned i = 0; i < rc; i++) {
		uint8_t *b = p + 8 + 24 * i;
		b[3] = (uint8_t)(i + 1); /* the reportee's ssrc */
		b[4] = 0xff;		 /* all lost */
		b[5] = 0x80;		 /* cumulative: most negative */
	}
	return len;
}

static void attack_rtcp_parse(void **state)
{
	static uint8_t b[70000];
	struct rtcp_info info;
	size_t n;

	(void)state;
	/* 31 report blocks, the most one packet can carry: all read */
	n = rr(b, 0x1111, 31);
	assert_int_equal(rtcp_parse(&info, b, n), 0);
	assert_int_equal(info.nrb, 31);
	assert_int_equal(info.rb[30].ssrc, 31);
	assert_int_equal(info.rb[0].lost, -8388608);
	/* and 31 more in each of 40 RRs of the same sender: capped */
	for (int i = 0; i < 40; i++)
		n += rr(b + n, 0x1111, 31);
	assert_int_equal(rtcp_parse(&info, b, n), 0);
	assert_int_equal(info.nrb, RTCP_MAX_RB);
	/* 31 announced, the length word says one */
	n = rr(b, 0x1111, 31);
	put_hdr(b, 31, RTCP_RR, 7);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	/* a length past the datagram, and the largest length of all */
	n = rr(b, 0x1111, 1);
	put_hdr(b, 1, RTCP_RR, 100);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	put_hdr(b, 1, RTCP_RR, 0xffff);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	/* a length of zero words: a header alone */
	put_hdr(b, 1, RTCP_RR, 0);
	assert_int_equal(rtcp_parse(&info, b, 4), EINVAL);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	/* 2000 packets in one compound (APP and unknown types): walked */
	n = rr(b, 0x1111, 0);
	for (int i = 0; i < 2000; i++)
		n += put_hdr(b + n, 0, (uint8_t)(204 + i % 3), 0);
	assert_int_equal(rtcp_parse(&info, b, n), 0);
	/* the same with one lying length in the middle */
	put_hdr(b + 8 + 4 * 1000, 0, 204, 5000);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	/* padding that claims more than the packet, or sits in the middle */
	n = rr(b, 0x1111, 1);
	b[0] |= 0x20;
	b[n - 1] = 200;
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	b[n - 1] = 0;
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	n = rr(b, 0x1111, 1);
	b[0] |= 0x20;
	b[n - 1] = 4;
	n += rr(b + n, 0x1111, 0);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	/* SDES: an item longer than its packet, 31 chunks with no data */
	n = rr(b, 0x1111, 0);
	size_t s = n;
	n += put_hdr(b + n, 1, RTCP_SDES, 2);
	memcpy(b + n, "\x00\x00\x11\x11\x01\xff\x41\x41", 8);
	n += 8;
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	n = s + put_hdr(b + s, 31, RTCP_SDES, 0);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	/* version 1, or an SDES first: not RTCP we read */
	n = rr(b, 0x1111, 1);
	b[0] = (uint8_t)((b[0] & 0x3f) | 0x40);
	assert_int_equal(rtcp_parse(&info, b, n), EPROTO);
	n = put_hdr(b, 0, RTCP_SDES, 0);
	memset(b + 4, 0, 4);
	assert_int_equal(rtcp_parse(&info, b, 8), EPROTO);
}

/* The same through a live session: refused, counted, and the session's
 * own RTCP and audio go on. */
static int s_send(void *arg, const struct media_addr *dst, const void *pkt,
		  size_t len)
{
	(void)dst;
	(void)pkt;
	(void)len;
	(*(unsigned *)arg)++;
	return 0;
}

static uint64_t s_now_us;

static uint64_t s_now(void *arg)
{
	(void)arg;
	return s_now_us;
}

static void attack_rtcp_session(void **state)
{
	static const struct media_addr peer = { .family = 4,
						.port = 40000,
						.ip = { 127, 0, 0, 2 } };
	static const struct media_addr peer_rtcp = { .family = 4,
						     .port = 40001,
						     .ip = { 127, 0, 0, 2 } };
	unsigned sent = 0;
	struct media_hooks h = { .arg = &sent,
				 .rtp_send = s_send,
				 .rtcp_send = s_send,
				 .now_us = s_now };
	struct media_sess_cfg cfg = { .tdm_law = MEDIA_LAW_ULAW,
				      .codec = MEDIA_CODEC_PCMU,
				      .ssrc = 0xabcd0001,
				      .peer = peer,
				      .cname = "gw@test" };
	struct media_sess *s = NULL;
	struct media_stats st;
	static uint8_t b[8192];
	uint8_t in[160], out[160];
	size_t n;

	(void)state;
	s_now_us = 1000000;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	/* a good compound of 31 blocks first (it latches the source) */
	n = rr(b, 0x5eed, 31);
	assert_int_equal(media_sess_rtcp_in(s, b, n, &peer_rtcp), 0);
	/* then 100 bad ones: lying count, lying length, padding */
	for (int i = 0; i < 100; i++) {
		n = rr(b, 0x5eed, 31);
		if (i % 3 == 0)
			put_hdr(b, 31, RTCP_RR, 7);
		else if (i % 3 == 1)
			put_hdr(b, 31, RTCP_RR, 0xffff);
		else
			b[0] |= 0x20, b[n - 1] = 0xff;
		assert_int_not_equal(media_sess_rtcp_in(s, b, n, &peer_rtcp),
				     0);
	}
	media_sess_stats(s, &st);
	assert_int_equal(st.rtcp_rx, 1);
	assert_int_equal(st.rtcp_bad, 100);
	/* the session still runs and reports */
	memset(in, 0xff, sizeof(in));
	for (int i = 0; i < 500; i++) {
		s_now_us += 20000;
		media_sess_tdm_in(s, in, sizeof(in));
		media_sess_tdm_out(s, out, sizeof(out));
		media_sess_poll(s);
	}
	media_sess_stats(s, &st);
	assert_true(st.rtcp_tx >= 1);
	assert_true(sent >= 500);
	media_sess_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attack_udptl_bogus_lengths),
		cmocka_unit_test(attack_udptl_seq_jumps),
		cmocka_unit_test(attack_udptl_secondary_flood),
		cmocka_unit_test(attack_udptl_garbage_ifps),
		cmocka_unit_test(attack_t38_max_datagram),
		cmocka_unit_test(attack_rtcp_parse),
		cmocka_unit_test(attack_rtcp_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
