/* media/rtp.c: header parse/build, sender state, receive statistics. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

static const uint8_t payload[4] = { 1, 2, 3, 4 };

/* A valid packet: V=2, no CSRC, PT 8, seq 0x1234, ts 0x01020304,
 * SSRC 0xdeadbeef, 4 payload octets. */
static size_t good_packet(uint8_t *p)
{
	static const uint8_t pkt[] = {
		0x80, 0x88, 0x12, 0x34, 0x01, 0x02, 0x03, 0x04,
		0xde, 0xad, 0xbe, 0xef, 1,    2,    3,	  4,
	};

	memcpy(p, pkt, sizeof(pkt));
	return sizeof(pkt);
}

static void test_parse_good(void **state)
{
	struct rtp_hdr h;
	uint8_t p[64];
	size_t len = good_packet(p);

	assert_int_equal(rtp_hdr_parse(&h, p, len), 0);
	assert_true(h.marker);
	assert_int_equal(h.pt, 8);
	assert_int_equal(h.seq, 0x1234);
	assert_int_equal(h.ts, 0x01020304);
	assert_int_equal(h.ssrc, 0xdeadbeef);
	assert_int_equal(h.cc, 0);
	assert_false(h.ext);
	assert_int_equal(h.payload_len, 4);
	assert_memory_equal(h.payload, payload, 4);

	/* Header only: empty payload is valid. */
	assert_int_equal(rtp_hdr_parse(&h, p, 12), 0);
	assert_int_equal(h.payload_len, 0);
}

static void test_parse_csrc_ext_pad(void **state)
{
	uint8_t p[64] = {
		0xb2, 0x00, 0,	  1,	0, 0, 0, 2,
		0,    0,    0,	  3,		       /* P X cc=2 */
		0,    0,    0,	  0x11, 0, 0, 0, 0x22, /* CSRCs */
		0xbe, 0xde, 0,	  1,	9, 9, 9, 9,    /* one-word ext */
		0xaa, 0xbb, 0xcc,		       /* payload */
		0,    0,    3,			       /* padding */
	};
	struct rtp_hdr h;

	assert_int_equal(rtp_hdr_parse(&h, p, 34), 0);
	assert_int_equal(h.cc, 2);
	assert_int_equal(h.csrc[0], 0x11);
	assert_int_equal(h.csrc[1], 0x22);
	assert_true(h.ext);
	assert_int_equal(h.ext_profile, 0xbede);
	assert_int_equal(h.pad_len, 3);
	assert_int_equal(h.payload_len, 3);
	assert_int_equal(h.payload[0], 0xaa);
	assert_int_equal(h.payload[2], 0xcc);
}

static void test_parse_bad(void **state)
{
	struct rtp_hdr h;
	uint8_t p[80];
	size_t len;

	/* Short. */
	len = good_packet(p);
	assert_int_equal(rtp_hdr_parse(&h, p, 11), EINVAL);
	assert_int_equal(rtp_hdr_parse(&h, p, 0), EINVAL);
	assert_int_equal(rtp_hdr_parse(&h, NULL, 16), EINVAL);

	/* Wrong version (1, 0 and 3). */
	p[0] = 0x40;
	assert_int_equal(rtp_hdr_parse(&h, p, len), EPROTO);
	p[0] = 0x00;
	assert_int_equal(rtp_hdr_parse(&h, p, len), EPROTO);
	p[0] = 0xc0;
	assert_int_equal(rtp_hdr_parse(&h, p, len), EPROTO);

	/* CSRC count beyond the length: 2 CSRCs need 20 octets. */
	len = good_packet(p);
	p[0] = 0x82;
	assert_int_equal(rtp_hdr_parse(&h, p, 16), EPROTO);
	assert_int_equal(rtp_hdr_parse(&h, p, 20), 0);
	p[0] = 0x8f;
	assert_int_equal(rtp_hdr_parse(&h, p, 72), 0);
	assert_int_equal(rtp_hdr_parse(&h, p, 71), EPROTO);

	/* Padding count larger than what follows the header, and zero. */
	len = good_packet(p);
	p[0] = 0xa0;
	p[len - 1] = 5;
	assert_int_equal(rtp_hdr_parse(&h, p, len), EPROTO);
	p[len - 1] = 0;
	assert_int_equal(rtp_hdr_parse(&h, p, len), EPROTO);
	p[len - 1] = 4;
	assert_int_equal(rtp_hdr_parse(&h, p, len), 0);
	assert_int_equal(h.payload_len, 0);

	/* Extension header or its body beyond the length. */
	len = good_packet(p);
	p[0] = 0x90;
	assert_int_equal(rtp_hdr_parse(&h, p, 14), EPROTO);
	p[12] = 0xbe;
	p[13] = 0xde;
	p[14] = 0;
	p[15] = 1; /* one word more than the 16 octets present */
	assert_int_equal(rtp_hdr_parse(&h, p, 16 + 3), EPROTO);
	assert_int_equal(rtp_hdr_parse(&h, p, 16 + 4), 0);
	assert_int_equal(h.payload_len, 0);
	p[15] = 0;
	assert_int_equal(rtp_hdr_parse(&h, p, 16), 0);
	p[14] = 0xff; /* 65280 words */
	assert_int_equal(rtp_hdr_parse(&h, p, 64), EPROTO);

	/* Extension plus padding eating into the extension. */
	memset(p, 0, sizeof(p));
	p[0] = 0xb0;
	p[15] = 1;
	p[19] = 5;
	assert_int_equal(rtp_hdr_parse(&h, p, 20), EPROTO);
}

static void test_build(void **state)
{
	struct rtp_hdr h = {
		.marker = true, .pt = 96, .seq = 65535, .ts = 0xfffffff0,
		.ssrc = 42, .cc = 1, .csrc = { 7 },
	}, back;
	uint8_t buf[64];
	size_t len;

	assert_int_equal(rtp_build(&h, payload, 4, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 20);
	assert_int_equal(rtp_hdr_parse(&back, buf, len), 0);
	assert_true(back.marker);
	assert_int_equal(back.pt, 96);
	assert_int_equal(back.seq, 65535);
	assert_int_equal(back.ts, 0xfffffff0);
	assert_int_equal(back.ssrc, 42);
	assert_int_equal(back.cc, 1);
	assert_int_equal(back.csrc[0], 7);
	assert_memory_equal(back.payload, payload, 4);

	assert_int_equal(rtp_build(&h, payload, 4, buf, 19, &len), ENOSPC);
	h.pt = 128;
	assert_int_equal(rtp_build(&h, payload, 4, buf, 64, &len), EINVAL);
	h.pt = 0;
	h.cc = 16;
	assert_int_equal(rtp_build(&h, payload, 4, buf, 64, &len), EINVAL);
}

static void test_tx_wrap(void **state)
{
	struct rtp_tx t;
	struct rtp_hdr h;
	uint8_t buf[64];
	size_t len;

	rtp_tx_init(&t, 0, 0x11223344, 65534, 0xffffff00);
	assert_int_equal(rtp_tx_packet(&t, payload, 4, 160, buf, 64, &len), 0);
	assert_int_equal(rtp_hdr_parse(&h, buf, len), 0);
	assert_true(h.marker);
	assert_int_equal(h.seq, 65534);
	assert_int_equal(h.ts, 0xffffff00);

	assert_int_equal(rtp_tx_packet(&t, payload, 4, 160, buf, 64, &len), 0);
	assert_int_equal(rtp_hdr_parse(&h, buf, len), 0);
	assert_false(h.marker);
	assert_int_equal(h.seq, 65535);
	assert_int_equal(h.ts, 0xffffffa0);

	assert_int_equal(rtp_tx_packet(&t, payload, 4, 160, buf, 64, &len), 0);
	assert_int_equal(rtp_hdr_parse(&h, buf, len), 0);
	assert_int_equal(h.seq, 0);
	assert_int_equal(h.ts, 0x40);
	assert_int_equal(h.ssrc, 0x11223344);
	assert_int_equal(t.packets, 3);
	assert_int_equal(t.bytes, 48);

	/* Errors leave the state alone. */
	assert_int_equal(rtp_tx_packet(&t, payload, 4, 160, buf, 8, &len),
			 ENOSPC);
	assert_int_equal(t.seq, 1);
}

static enum rtp_rx_verdict rx(struct rtp_rx *r, uint32_t ssrc, uint16_t seq)
{
	struct rtp_hdr h = { .ssrc = ssrc, .seq = seq };

	return rtp_rx_update(r, &h, 172);
}

static void test_rx_wrap_and_loss(void **state)
{
	struct rtp_rx r;
	uint32_t i;

	rtp_rx_init(&r);
	assert_int_equal(rx(&r, 1, 65530), RTP_RX_NEWSSRC);
	for (i = 65531; i <= 65535; i++)
		assert_int_equal(rx(&r, 1, (uint16_t)i), RTP_RX_OK);
	/* 65535 -> 0: no loss across the wrap. */
	assert_int_equal(rx(&r, 1, 0), RTP_RX_OK);
	assert_int_equal(rtp_rx_lost(&r), 0);
	/* 1 and 2 lost, 3 arrives. */
	assert_int_equal(rx(&r, 1, 3), RTP_RX_OK);
	assert_int_equal(rtp_rx_lost(&r), 2);
	/* 2 arrives late: out of order, no longer lost. */
	assert_int_equal(rx(&r, 1, 2), RTP_RX_REORDER);
	assert_int_equal(rtp_rx_lost(&r), 1);
	/* Duplicates, recent and older, do not hide loss. */
	assert_int_equal(rx(&r, 1, 3), RTP_RX_DUP);
	assert_int_equal(rx(&r, 1, 2), RTP_RX_DUP);
	assert_int_equal(rx(&r, 1, 65533), RTP_RX_DUP);
	assert_int_equal(rtp_rx_lost(&r), 1);
	assert_int_equal(r.packets, 12);
	assert_int_equal(r.bytes, 12 * 172);
	assert_int_equal(r.dups, 3);
	assert_int_equal(r.reorder, 1);
	/* Older than the first packet: counts towards expected too. */
	assert_int_equal(rx(&r, 1, 65528), RTP_RX_REORDER);
	assert_int_equal(rtp_rx_lost(&r), 2);
}

static void test_rx_many_wraps(void **state)
{
	struct rtp_rx r;
	uint32_t i, lost = 0;

	rtp_rx_init(&r);
	/* Three wraps, every 10th packet lost. */
	for (i = 0; i < 3 * 65536; i++) {
		if (i % 10 == 5)
			lost++;
		else
			rx(&r, 9, (uint16_t)i);
	}
	assert_int_equal(rtp_rx_lost(&r), lost);
	assert_int_equal(r.dups, 0);
	assert_int_equal(r.reorder, 0);
}

static void test_rx_jump_and_ssrc(void **state)
{
	struct rtp_rx r;

	rtp_rx_init(&r);
	rx(&r, 1, 100);
	rx(&r, 1, 101);
	/* One stray packet far away is dropped... */
	assert_int_equal(rx(&r, 1, 30000), RTP_RX_JUMP);
	assert_int_equal(rx(&r, 1, 102), RTP_RX_OK);
	assert_int_equal(rtp_rx_lost(&r), 0);
	/* ...two in sequence mean the sender restarted. */
	assert_int_equal(rx(&r, 1, 40000), RTP_RX_JUMP);
	assert_int_equal(rx(&r, 1, 40001), RTP_RX_OK);
	assert_int_equal(rx(&r, 1, 40003), RTP_RX_OK);
	assert_int_equal(rtp_rx_lost(&r), 1);
	/* A new SSRC starts over but keeps the loss so far. */
	assert_int_equal(rx(&r, 2, 7), RTP_RX_NEWSSRC);
	assert_int_equal(rx(&r, 2, 9), RTP_RX_OK);
	assert_int_equal(rtp_rx_lost(&r), 2);
	assert_int_equal(r.jumps, 2);
	rtp_rx_bad(&r);
	assert_int_equal(r.bad, 1);
	assert_string_equal(rtp_rx_verdict_name(RTP_RX_DUP), "dup");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_csrc_ext_pad),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_tx_wrap),
		cmocka_unit_test(test_rx_wrap_and_loss),
		cmocka_unit_test(test_rx_many_wraps),
		cmocka_unit_test(test_rx_jump_and_ssrc),
	};

	return cmocka_run_group_tests_name("media_rtp", tests, NULL, NULL);
}
