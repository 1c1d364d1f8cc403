/* media/rtcp.c: compound packets, report blocks against a known loss
 * pattern in virtual time, jitter (A.8), round trip, interval (A.7). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

static void test_sr_sdes_bye_round_trip(void **state)
{
	struct rtcp_sender_info si = { .ntp = 0x0123456789abcdefull,
				       .rtp_ts = 160000,
				       .packets = 1000,
				       .octets = 160000 };
	struct rtcp_rb rb = { .ssrc = 0xbeef,
			      .fraction = 25,
			      .lost = -3,
			      .ext_max = 0x1ffff,
			      .jitter = 80,
			      .lsr = 0x11112222,
			      .dlsr = 65536 };
	struct rtcp_info info;
	uint8_t buf[256];
	size_t off = 0;

	assert_int_equal(
		rtcp_put_report(buf, sizeof(buf), &off, 0xcafe, &si, &rb, 1),
		0);
	assert_int_equal(off, 52);
	assert_int_equal(
		rtcp_put_cname(buf, sizeof(buf), &off, 0xcafe, "gw@127.0.0.1"),
		0);
	assert_int_equal(off % 4, 0);
	assert_int_equal(rtcp_put_bye(buf, sizeof(buf), &off, 0xcafe), 0);
	assert_int_equal(rtcp_parse(&info, buf, off), 0);
	assert_int_equal(info.ssrc, 0xcafe);
	assert_true(info.sr);
	assert_true(info.si.ntp == si.ntp);
	assert_int_equal(info.si.packets, 1000);
	assert_int_equal(info.si.octets, 160000);
	assert_int_equal(info.nrb, 1);
	assert_int_equal(info.rb[0].ssrc, 0xbeef);
	assert_int_equal(info.rb[0].fraction, 25);
	assert_int_equal(info.rb[0].lost, -3);
	assert_int_equal(info.rb[0].ext_max, 0x1ffff);
	assert_int_equal(info.rb[0].jitter, 80);
	assert_int_equal(info.rb[0].lsr, 0x11112222);
	assert_int_equal(info.rb[0].dlsr, 65536);
	assert_string_equal(info.cname, "gw@127.0.0.1");
	assert_true(info.bye);
}

static void test_rr_no_blocks(void **state)
{
	struct rtcp_info info;
	uint8_t buf[64];
	size_t off = 0;

	assert_int_equal(
		rtcp_put_report(buf, sizeof(buf), &off, 7, NULL, NULL, 0), 0);
	assert_int_equal(off, 8);
	assert_int_equal(buf[1], RTCP_RR);
	assert_int_equal(rtcp_parse(&info, buf, off), 0);
	assert_false(info.sr);
	assert_int_equal(info.nrb, 0);
	assert_false(info.bye);
	assert_string_equal(info.cname, "");
}

static void test_build_errors(void **state)
{
	uint8_t buf[64];
	size_t off = 0;
	char big[300];

	assert_int_equal(rtcp_put_report(buf, 20, &off, 7, NULL,
					 &(struct rtcp_rb){ 0 }, 1),
			 ENOSPC);
	assert_int_equal(off, 0);
	assert_int_equal(
		rtcp_put_report(buf, sizeof(buf), &off, 7, NULL, NULL, 32),
		EINVAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(rtcp_put_cname(buf, sizeof(buf), &off, 7, big),
			 EINVAL);
	assert_int_equal(rtcp_put_cname(buf, 12, &off, 7, "abcdef"), ENOSPC);
	off = 60;
	assert_int_equal(rtcp_put_bye(buf, sizeof(buf), &off, 7), ENOSPC);
	assert_int_equal(off, 60);
}

static size_t rr_cname(uint8_t *buf)
{
	size_t off = 0;

	assert_int_equal(rtcp_put_report(buf, 128, &off, 7, NULL,
					 &(struct rtcp_rb){ .ssrc = 9 }, 1),
			 0);
	assert_int_equal(rtcp_put_cname(buf, 128, &off, 7, "abc"), 0);
	return off;
}

static void test_parse_rejects(void **state)
{
	struct rtcp_info info;
	uint8_t buf[128];
	size_t len = rr_cname(buf);

	assert_int_equal(rtcp_parse(NULL, buf, len), EINVAL);
	assert_int_equal(rtcp_parse(&info, buf, 4), EINVAL);
	/* truncated: lengths no longer add up */
	assert_int_equal(rtcp_parse(&info, buf, len - 4), EPROTO);
	/* trailing junk */
	assert_int_equal(rtcp_parse(&info, buf, len + 2), EPROTO);
	/* version 1 */
	buf[0] = (uint8_t)((buf[0] & 0x3f) | 0x40);
	assert_int_equal(rtcp_parse(&info, buf, len), EPROTO);
	/* first packet not SR/RR */
	len = rr_cname(buf);
	buf[1] = RTCP_SDES;
	assert_int_equal(rtcp_parse(&info, buf, len), EPROTO);
	/* report count larger than the packet */
	len = rr_cname(buf);
	buf[0] = (uint8_t)(buf[0] + 2);
	assert_int_equal(rtcp_parse(&info, buf, len), EPROTO);
	/* padding bit on the first of two packets */
	len = rr_cname(buf);
	buf[0] |= 0x20;
	assert_int_equal(rtcp_parse(&info, buf, len), EPROTO);
	/* CNAME item running past its packet */
	len = rr_cname(buf);
	buf[32 + 9] = 40;
	assert_int_equal(rtcp_parse(&info, buf, len), EPROTO);
	/* an RTP packet is no RTCP */
	memset(buf, 0, 16);
	buf[0] = 0x80;
	buf[1] = 0;
	assert_int_equal(rtcp_parse(&info, buf, 16), EPROTO);
}

static void test_parse_padding_last(void **state)
{
	struct rtcp_info info;
	uint8_t buf[64];
	size_t off = 0;

	assert_int_equal(
		rtcp_put_report(buf, sizeof(buf), &off, 7, NULL, NULL, 0), 0);
	assert_int_equal(rtcp_put_bye(buf, sizeof(buf), &off, 7), 0);
	/* pad the BYE with 4 octets */
	buf[8] |= 0x20;
	buf[11] = 2; /* length 2 words + 1 */
	memset(buf + 16, 0, 4);
	buf[19] = 4;
	assert_int_equal(rtcp_parse(&info, buf, 20), 0);
	assert_true(info.bye);
	buf[19] = 0; /* a zero padding count is invalid */
	assert_int_equal(rtcp_parse(&info, buf, 20), EPROTO);
}

/* Feeds packets seq 0..n-1 of ssrc, skipping those for which drop(seq),
 * arriving exactly on time (transit constant). */
static void feed(struct rtp_rx *rx, struct rtcp_src *src, unsigned from,
		 unsigned n, unsigned every)
{
	for (unsigned i = from; i < from + n; i++) {
		struct rtp_hdr h = { .seq = (uint16_t)(65500 + i),
				     .ts = 160 * i,
				     .ssrc = 0x5eed };

		if (every && i % every == every - 1)
			continue;
		rtp_rx_update(rx, &h, 172);
		rtcp_src_jitter(src, h.ts, 1000 + 160 * i);
	}
}

static void test_report_known_loss(void **state)
{
	struct rtp_rx rx;
	struct rtcp_src src;
	struct rtcp_rb rb;

	rtp_rx_init(&rx);
	rtcp_src_init(&src);
	/* 100 packets, every 10th lost (the last is lost too, but the
	 * highest seen is 98: 99 expected, 90 received) */
	feed(&rx, &src, 0, 100, 10);
	rtcp_src_report(&src, &rx, 5000000, &rb);
	assert_int_equal(rb.ssrc, 0x5eed);
	assert_int_equal(rb.lost, 9);
	assert_int_equal(rb.fraction, 9 * 256 / 99);
	/* seq wrapped past 65535: one cycle in the extended number */
	assert_int_equal(rb.ext_max, 0x10000u + (uint16_t)(65500 + 98));
	assert_int_equal(rb.jitter, 0);
	assert_int_equal(rb.lsr, 0);
	assert_int_equal(rb.dlsr, 0);
	/* next interval: 99 turns out lost too (1 of 51 expected) */
	feed(&rx, &src, 100, 50, 0);
	rtcp_src_report(&src, &rx, 10000000, &rb);
	assert_int_equal(rb.fraction, 256 / 51);
	assert_int_equal(rb.lost, 10);
	/* a quiet interval: nothing expected, fraction 0 */
	rtcp_src_report(&src, &rx, 12000000, &rb);
	assert_int_equal(rb.fraction, 0);
	assert_int_equal(rb.lost, 10);
	/* then half of 40 lost */
	feed(&rx, &src, 150, 40, 2);
	rtcp_src_report(&src, &rx, 15000000, &rb);
	assert_int_equal(rb.lost, 10 + 19);
	/* highest 188 (189 lost): 39 expected in the interval, 20 got */
	assert_int_equal(rb.fraction, 19 * 256 / 39);
}

static void test_report_counts_a_duplicate_once(void **state)
{
	struct rtp_rx rx;
	struct rtcp_src src;
	struct rtcp_rb rb;
	struct rtp_hdr h = { .seq = 1, .ts = 0, .ssrc = 1 };

	rtp_rx_init(&rx);
	rtcp_src_init(&src);
	rtp_rx_update(&rx, &h, 10);
	rtp_rx_update(&rx, &h, 10);
	h.seq = 3;
	rtp_rx_update(&rx, &h, 10);
	rtcp_src_report(&src, &rx, 0, &rb);
	assert_int_equal(rb.lost, 1);
	assert_int_equal(rb.fraction, 256 / 3);
}

static void test_jitter_a8(void **state)
{
	struct rtcp_src s;

	rtcp_src_init(&s);
	/* constant transit: no jitter */
	for (uint32_t i = 0; i < 50; i++)
		rtcp_src_jitter(&s, 160 * i, 7777 + 160 * i);
	assert_int_equal(rtcp_src_jitter_units(&s), 0);
	/* arrivals alternately 40 units early and late: |D| = 80, J -> 80 */
	for (uint32_t i = 50; i < 1050; i++)
		rtcp_src_jitter(&s, 160 * i,
				7777 + 160 * i + (i % 2 ? 40 : -40));
	assert_in_range(rtcp_src_jitter_units(&s), 78, 80);
	/* first step from 0 by 16: J = |D|/16 exactly */
	rtcp_src_init(&s);
	rtcp_src_jitter(&s, 0, 100);
	rtcp_src_jitter(&s, 160, 100 + 160 + 160);
	assert_int_equal(rtcp_src_jitter_units(&s), 10);
}

static void test_lsr_dlsr_rtt(void **state)
{
	struct rtp_rx rx;
	struct rtcp_src src;
	struct rtcp_rb rb;
	uint64_t t0 = 1700000000ull * 1000000, ntp_sent, rtt;

	rtp_rx_init(&rx);
	rtcp_src_init(&src);
	feed(&rx, &src, 0, 10, 0);
	/* the peer's SR reaches us at local time 2 s; we report at 2.5 s */
	ntp_sent = rtcp_ntp_from_us(t0);
	rtcp_src_sr_heard(&src, ntp_sent, 2000000);
	rtcp_src_report(&src, &rx, 2500000, &rb);
	assert_int_equal(rb.lsr, rtcp_ntp_mid(ntp_sent));
	assert_int_equal(rb.dlsr, 32768); /* 0.5 s in 1/65536 s */
	/* The peer gets it back 0.5 s + 80 ms round trip after sending
	 * its SR: RTT = A - LSR - DLSR = 80 ms (to 1/65536 s). */
	assert_true(rtcp_rtt_us(&rb, rtcp_ntp_from_us(t0 + 580000), &rtt));
	assert_in_range(rtt, 79950, 80050);
	rb.lsr = 0;
	assert_false(rtcp_rtt_us(&rb, 0, &rtt));
	/* a block claiming more delay than elapsed: 0, not huge */
	rb.lsr = rtcp_ntp_mid(ntp_sent);
	rb.dlsr = 65536 * 10;
	assert_true(rtcp_rtt_us(&rb, rtcp_ntp_from_us(t0 + 1000000), &rtt));
	assert_int_equal(rtt, 0);
}

static void test_ntp(void **state)
{
	uint64_t n = rtcp_ntp_from_us(1500000);

	assert_int_equal(n >> 32, 2208988800ull + 1);
	assert_int_equal((uint32_t)n, 0x80000000u);
	assert_int_equal(rtcp_ntp_mid(n),
			 (uint32_t)((2208988801ull << 16) | 0x8000));
}

static void test_interval(void **state)
{
	/* two parties at G.711: far below Tmin, so Tmin (half at first) */
	assert_int_equal(rtcp_interval_base_us(2, 2, true, 100, 10000, false,
					       RTCP_MIN_INTERVAL_US),
			 5000000);
	assert_int_equal(rtcp_interval_base_us(2, 2, true, 100, 10000, true,
					       RTCP_MIN_INTERVAL_US),
			 2500000);
	/* 1000 members, 10 senders, 1000 B/s session: receivers share 75%
	 * of 50 B/s: 990 * 100 / 37.5 = 2640 s */
	assert_int_equal(rtcp_interval_base_us(1000, 10, false, 100, 1000,
					       false, RTCP_MIN_INTERVAL_US) /
				 1000000,
			 2640);
	/* randomised into [0.5, 1.5) / 1.21828 of the base */
	assert_in_range(rtcp_interval_rand_us(5000000, 0.0), 2052072, 2052074);
	assert_in_range(rtcp_interval_rand_us(5000000, 0.999999), 6156210,
			6156220);
	assert_in_range(rtcp_interval_rand_us(5000000, 0.5), 4104145, 4104148);
}

/* Found by fuzz_rtp: a transit jump of exactly 2^31 (a forged timestamp)
 * was negated as an int32_t (undefined). |D| is now 2^31, and J moves by
 * |D|/16 both ways. */
static void test_jitter_half_range_jump(void **state)
{
	struct rtcp_src s;

	(void)state;
	rtcp_src_init(&s);
	rtcp_src_jitter(&s, 0, 1000);
	rtcp_src_jitter(&s, 0x80000000u, 1000); /* transit - 2^31 */
	assert_int_equal(rtcp_src_jitter_units(&s), 0x80000000u / 16);
	rtcp_src_init(&s);
	rtcp_src_jitter(&s, 0x80000000u, 1000);
	rtcp_src_jitter(&s, 0, 1000); /* transit + 2^31 */
	assert_int_equal(rtcp_src_jitter_units(&s), 0x80000000u / 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sr_sdes_bye_round_trip),
		cmocka_unit_test(test_rr_no_blocks),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_padding_last),
		cmocka_unit_test(test_report_known_loss),
		cmocka_unit_test(test_report_counts_a_duplicate_once),
		cmocka_unit_test(test_jitter_a8),
		cmocka_unit_test(test_lsr_dlsr_rtt),
		cmocka_unit_test(test_ntp),
		cmocka_unit_test(test_interval),
		cmocka_unit_test(test_jitter_half_range_jump),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
