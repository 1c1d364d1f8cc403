/* media/sess_rtcp.c and the session's runtime rules in sess.c, on a
 * virtual clock: RTCP reports and their interval, BYE, the peer's reports
 * (loss, jitter, RTT), strict latching of RTP and RTCP, SSRC changes.
 * Timestamps and talkspurt markers: test_media_sess_tx.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

#define NREC 64

struct rec {
	struct media_addr dst;
	uint8_t pkt[600];
	size_t len;
};

struct fake {
	uint64_t now;
	struct rec rtp[NREC], rtcp[NREC];
	unsigned nrtp, nrtcp;
	unsigned logs;
};

static const struct media_addr PEER = { .family = 4,
					.port = 40000,
					.ip = { 127, 0, 0, 2 } };

static int rec(struct rec *r, unsigned *n, const struct media_addr *dst,
	       const void *pkt, size_t len)
{
	assert_true(len <= sizeof(r->pkt));
	if (*n < NREC) {
		r[*n].dst = *dst;
		memcpy(r[*n].pkt, pkt, len);
		r[*n].len = len;
	}
	(*n)++;
	return 0;
}

static int f_rtp(void *arg, const struct media_addr *dst, const void *pkt,
		 size_t len)
{
	struct fake *f = arg;

	return rec(f->rtp, &f->nrtp, dst, pkt, len);
}

static int f_rtcp(void *arg, const struct media_addr *dst, const void *pkt,
		  size_t len)
{
	struct fake *f = arg;

	return rec(f->rtcp, &f->nrtcp, dst, pkt, len);
}

static uint64_t f_now(void *arg)
{
	return ((struct fake *)arg)->now;
}

static void f_log(void *arg, int level, const char *msg)
{
	((struct fake *)arg)->logs++;
}

static struct media_sess *mk(struct fake *f)
{
	struct media_hooks h = { .arg = f,
				 .rtp_send = f_rtp,
				 .log = f_log,
				 .rtcp_send = f_rtcp,
				 .now_us = f_now };
	struct media_sess_cfg cfg = {
		.tdm_law = MEDIA_LAW_ULAW,
		.codec = MEDIA_CODEC_PCMU,
		.ssrc = 0xabcd0001,
		.peer = PEER,
		.cname = "gw@test",
	};
	struct media_sess *s = NULL;

	memset(f, 0, sizeof(*f));
	f->now = 1000000;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	return s;
}

static size_t pkt(uint8_t *buf, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	struct rtp_hdr h = { .pt = 0, .seq = seq, .ts = ts, .ssrc = ssrc };
	uint8_t payload[160];
	size_t len;

	memset(payload, 0x55, sizeof(payload));
	assert_int_equal(rtp_build(&h, payload, 160, buf, 300, &len), 0);
	return len;
}

/* 20 ms of the call: one TDM block each way, one packet from src (unless
 * lost), then the RTCP poll. */
static void tick(struct fake *f, struct media_sess *s, unsigned i, bool lost,
		 const struct media_addr *src, uint32_t ssrc)
{
	uint8_t in[160], out[160], buf[300];
	size_t len;

	memset(in, 0xAA, sizeof(in));
	f->now += 20000;
	media_sess_tdm_in(s, in, 160);
	if (!lost) {
		len = pkt(buf, (uint16_t)i, 160 * i, ssrc);
		assert_int_equal(media_sess_rtp_in(s, buf, len, src), 0);
	}
	media_sess_tdm_out(s, out, 160);
	media_sess_poll(s);
}

static void test_reports_on_interval_with_loss(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f);
	struct rtcp_info info;
	struct media_stats st;
	uint64_t first_at = 0, prev_at = 0;
	unsigned i, seen = 0;

	/* 30 s of a call, every 10th packet lost */
	for (i = 0; i < 1500; i++) {
		tick(&f, s, i, i % 10 == 9, &PEER, 0x5eed);
		if (f.nrtcp > seen) {
			uint64_t gap = f.now - prev_at;

			assert_int_equal(f.nrtcp, seen + 1);
			if (!seen)
				first_at = f.now;
			else /* 5 s randomised: [0.5, 1.5) / 1.21828 */
				assert_true(gap >= 2040000 && gap <= 6180000);
			prev_at = f.now;
			seen = f.nrtcp;
		}
	}
	/* the first one after the halved initial interval */
	assert_true(first_at - 1000000 >= 1020000 &&
		    first_at - 1000000 <= 3100000);
	assert_true(seen >= 5 && seen <= 14);
	assert_true(media_addr_eq(
		&f.rtcp[0].dst,
		&(struct media_addr){
			.family = 4, .port = 40001, .ip = { 127, 0, 0, 2 } }));
	assert_int_equal(
		rtcp_parse(&info, f.rtcp[seen - 1].pkt, f.rtcp[seen - 1].len),
		0);
	assert_true(info.sr);
	assert_int_equal(info.ssrc, 0xabcd0001);
	assert_string_equal(info.cname, "gw@test");
	assert_int_equal(info.nrb, 1);
	assert_int_equal(info.rb[0].ssrc, 0x5eed);
	/* 10% loss: 25 or 26 of 256 depending on the interval's edges */
	assert_in_range(info.rb[0].fraction, 22, 29);
	/* seq 0..ext_max seen or missed: every 10th of them lost */
	assert_int_equal(info.rb[0].lost, (info.rb[0].ext_max + 1) / 10);
	assert_true(info.rb[0].ext_max > 1000);
	assert_int_equal(info.rb[0].jitter, 0); /* perfectly paced */
	assert_false(info.bye);
	/* both directions run in step: one packet each per tick */
	assert_in_range(info.si.packets, info.rb[0].ext_max,
			info.rb[0].ext_max + 2);
	assert_int_equal(info.si.octets, info.si.packets * 160);
	media_sess_stats(s, &st);
	assert_int_equal(st.rtcp_tx, seen);
	assert_int_equal(st.rx_lost, 149);
	assert_in_range(st.fraction_lost, 22, 29);
	/* BYE at the end, once */
	assert_int_equal(media_sess_bye(s), 0);
	assert_int_equal(media_sess_bye(s), 0);
	assert_int_equal(f.nrtcp, seen + 1);
	assert_int_equal(rtcp_parse(&info, f.rtcp[seen].pkt, f.rtcp[seen].len),
			 0);
	assert_true(info.bye);
	/* no reports after the BYE */
	for (i = 1500; i < 1800; i++)
		tick(&f, s, i, false, &PEER, 0x5eed);
	assert_int_equal(f.nrtcp, seen + 1);
	media_sess_free(s);
}

static void test_jitter_measured(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f);
	struct media_stats st;
	uint8_t buf[300];

	/* every other packet 5 ms late: |D| = 5 ms */
	for (unsigned i = 0; i < 500; i++) {
		size_t len = pkt(buf, (uint16_t)i, 160 * i, 9);

		f.now = 1000000 + 20000ull * i + (i % 2 ? 5000 : 0);
		assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	}
	media_sess_stats(s, &st);
	assert_in_range(st.jitter_us, 4800, 5000);
	media_sess_free(s);
}

/* The peer's RR about our stream, echoing our SR's time as LSR. */
static void test_peer_report_and_rtt(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f);
	struct rtcp_info ours;
	struct rtcp_rb rb = {
		.ssrc = 0xabcd0001, .fraction = 64, .lost = 12, .jitter = 80
	};
	struct media_addr rtcp_peer = PEER;
	struct media_stats st;
	uint8_t buf[128];
	size_t off = 0;
	unsigned i;

	rtcp_peer.port = 40001;
	for (i = 0; f.nrtcp == 0 && i < 500; i++)
		tick(&f, s, i, false, &PEER, 0x5eed);
	assert_int_equal(f.nrtcp, 1);
	assert_int_equal(rtcp_parse(&ours, f.rtcp[0].pkt, f.rtcp[0].len), 0);
	assert_true(ours.sr);
	/* the peer held it 100 ms and the network took 30 ms both ways */
	rb.lsr = rtcp_ntp_mid(ours.si.ntp);
	rb.dlsr = 100 * 65536 / 1000;
	f.now += 160000;
	assert_int_equal(
		rtcp_put_report(buf, sizeof(buf), &off, 0x5eed, NULL, &rb, 1),
		0);
	assert_int_equal(media_sess_rtcp_in(s, buf, off, &rtcp_peer), 0);
	media_sess_stats(s, &st);
	assert_true(st.have_remote);
	assert_int_equal(st.remote_fraction_lost, 64);
	assert_int_equal(st.remote_lost, 12);
	assert_int_equal(st.remote_jitter_us, 10000);
	assert_true(st.have_rtt);
	assert_in_range(st.rtt_us, 59900, 60100);
	assert_int_equal(st.rtcp_rx, 1);
	/* garbage from the peer: counted as bad */
	assert_int_equal(media_sess_rtcp_in(s, buf, 6, &rtcp_peer), EINVAL);
	buf[0] = 0;
	assert_int_equal(media_sess_rtcp_in(s, buf, off, &rtcp_peer), EPROTO);
	/* a report from elsewhere: foreign, ignored */
	buf[0] = 0x81;
	rtcp_peer.ip[3] = 66;
	assert_int_equal(media_sess_rtcp_in(s, buf, off, &rtcp_peer), EACCES);
	assert_int_equal(media_sess_rtcp_in(s, buf, 6, &rtcp_peer), EACCES);
	media_sess_stats(s, &st);
	assert_int_equal(st.rtcp_bad, 2);
	assert_int_equal(st.rtcp_foreign, 2);
	assert_int_equal(st.rtcp_rx, 1);
	media_sess_free(s);
}

static void test_foreign_rtp_dropped_call_unaffected(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f);
	struct media_addr evil = PEER, evil_port = PEER;
	struct media_stats st;
	uint8_t buf[300], out[160];
	size_t len;
	unsigned i;

	evil.ip[3] = 99;
	evil_port.port = 40100;
	for (i = 0; i < 50; i++) {
		tick(&f, s, i, false, &PEER, 0x5eed);
		/* an attacker sends a packet every tick, with the next
		 * sequence number, from another host and from another port
		 * of the peer's host */
		len = pkt(buf, (uint16_t)(i + 1), 160 * (i + 1), 0xbad);
		assert_int_equal(media_sess_rtp_in(s, buf, len, &evil), EACCES);
		assert_int_equal(media_sess_rtp_in(s, buf, len, &evil_port),
				 EACCES);
		/* even garbage from there counts as foreign, not bad */
		assert_int_equal(media_sess_rtp_in(s, buf, 3, &evil), EACCES);
	}
	media_sess_stats(s, &st);
	assert_int_equal(st.rx_foreign, 150);
	assert_int_equal(st.rx_packets, 50);
	assert_int_equal(st.rx_bad, 0);
	assert_int_equal(st.rx_dup, 0);
	assert_int_equal(st.ssrc_changes, 0);
	assert_int_equal(st.latches, 0);
	assert_true(media_addr_eq(&st.peer, &PEER));
	/* our audio still goes to the peer, and its audio plays */
	assert_true(media_addr_eq(&f.rtp[f.nrtp - 1].dst, &PEER));
	media_sess_tdm_out(s, out, 160);
	assert_int_equal(out[0], 0x55);
	/* one log line for the whole flood */
	assert_true(f.logs < 10);
	media_sess_free(s);
}

static void test_port_latch_and_relatch(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f);
	struct media_addr nat = PEER, later = PEER;
	struct media_stats st;
	uint8_t buf[300];
	size_t len;
	unsigned i;

	nat.port = 61000;
	later.port = 61002;
	/* the first packet comes from another port of the negotiated
	 * host: the peer moves there, and so does our RTP */
	for (i = 0; i < 10; i++)
		tick(&f, s, i, false, &nat, 0x5eed);
	assert_true(media_addr_eq(&f.rtp[f.nrtp - 1].dst, &nat));
	/* the negotiated port now is foreign */
	len = pkt(buf, 10, 1600, 0x5eed);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), EACCES);
	/* a new source on yet another port while the current one talks:
	 * foreign */
	len = pkt(buf, 500, 99999, 0x77);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &later), EACCES);
	/* after 2 s of silence, a new SSRC from the host re-latches */
	f.now += 2000000;
	assert_int_equal(media_sess_rtp_in(s, buf, len, &later), 0);
	media_sess_stats(s, &st);
	assert_int_equal(st.latches, 2);
	assert_int_equal(st.ssrc_changes, 1);
	assert_int_equal(st.rx_foreign, 2);
	assert_true(media_addr_eq(&st.peer, &later));
	/* a re-INVITE elsewhere starts over */
	nat.ip[3] = 3;
	assert_int_equal(media_sess_set_peer(s, &nat, NULL), 0);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &later), EACCES);
	len = pkt(buf, 501, 100159, 0x77);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &nat), 0);
	assert_int_equal(media_sess_set_peer(NULL, &nat, NULL), EINVAL);
	assert_int_equal(media_sess_rtp_in(s, buf, len, NULL), EINVAL);
	media_sess_free(s);
}

static void test_no_rtcp_without_hook(void **state)
{
	static struct fake f;
	struct media_hooks h = { .arg = &f, .rtp_send = f_rtp };
	struct media_sess_cfg cfg = { .peer = PEER };
	struct media_sess *s = NULL;

	memset(&f, 0, sizeof(f));
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	for (unsigned i = 0; i < 600; i++)
		media_sess_poll(s);
	assert_int_equal(media_sess_bye(s), 0);
	assert_int_equal(f.nrtcp, 0);
	assert_int_equal(media_sess_bye(NULL), EINVAL);
	media_sess_poll(NULL);
	media_sess_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_on_interval_with_loss),
		cmocka_unit_test(test_jitter_measured),
		cmocka_unit_test(test_peer_report_and_rtt),
		cmocka_unit_test(test_foreign_rtp_dropped_call_unaffected),
		cmocka_unit_test(test_port_latch_and_relatch),
		cmocka_unit_test(test_no_rtcp_without_hook),
	};

	return cmocka_run_group_tests_name("media_sess_rtcp", tests, NULL,
					   NULL);
}
