/* media/sess_tx.c: the send path's timestamps on a virtual clock. They
 * follow the samples handed: a late tick and its backlog stay contiguous,
 * whatever the codec's clock; a real pause moves them on by the pause with
 * the marker bit (RFC 3551 4.1); RFC 4733 events keep their start across
 * either; the RTCP sender report names the same media clock. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

#define NREC 512
#define TE_PT 101

static const struct media_addr PEER = { .family = 4,
					.port = 40000,
					.ip = { 127, 0, 0, 2 } };

struct fake {
	uint64_t now;
	struct rtp_hdr h[NREC];
	uint8_t te[NREC][4]; /* telephone-event payloads */
	unsigned n;
	uint8_t rtcp[600];
	size_t rtcp_len;
	char digits[8];
	unsigned ndigits;
};

static int f_rtp(void *arg, const struct media_addr *dst, const void *pkt,
		 size_t len)
{
	struct fake *f = arg;

	assert_true(f->n < NREC);
	assert_int_equal(rtp_hdr_parse(&f->h[f->n], pkt, len), 0);
	if (f->h[f->n].pt == TE_PT) {
		assert_int_equal(f->h[f->n].payload_len, 4);
		memcpy(f->te[f->n], f->h[f->n].payload, 4);
	}
	f->h[f->n].payload = NULL; /* the packet is gone after the hook */
	f->n++;
	return 0;
}

static int f_rtcp(void *arg, const struct media_addr *dst, const void *pkt,
		  size_t len)
{
	struct fake *f = arg;

	assert_true(len <= sizeof(f->rtcp));
	memcpy(f->rtcp, pkt, len);
	f->rtcp_len = len;
	return 0;
}

static uint64_t f_now(void *arg)
{
	return ((struct fake *)arg)->now;
}

static void f_dtmf(void *arg, char digit, bool end, bool from_rtp)
{
	struct fake *f = arg;

	if (!end && f->ndigits < sizeof(f->digits) - 1)
		f->digits[f->ndigits++] = digit;
}

static struct media_sess *mk_cfg(struct fake *f, enum media_codec codec,
				 uint8_t pt, unsigned ptime, bool dtmf)
{
	struct media_hooks h = { .arg = f,
				 .rtp_send = f_rtp,
				 .rtcp_send = f_rtcp,
				 .dtmf = f_dtmf,
				 .now_us = f_now };
	struct media_sess_cfg cfg = {
		.tdm_law = MEDIA_LAW_ULAW,
		.codec = codec,
		.pt = pt,
		.ptime_ms = ptime,
		.ssrc = 0x5eed0001,
		.ts = 0xfffff000, /* the timestamp wraps during the tests */
		.peer = PEER,
		.te_enabled = dtmf,
		.te_pt = TE_PT,
		.dtmf_detect = dtmf,
	};
	struct media_sess *s = NULL;

	memset(f, 0, sizeof(*f));
	f->now = 5000000;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	return s;
}

static struct media_sess *mk(struct fake *f, unsigned ptime)
{
	return mk_cfg(f, MEDIA_CODEC_PCMU, 0, ptime, false);
}

/* The clock moves on by us, then n 20 ms blocks are handed at once. */
static void feed(struct fake *f, struct media_sess *s, uint64_t us, unsigned n)
{
	uint8_t in[160];

	memset(in, 0xAA, sizeof(in));
	f->now += us;
	for (unsigned i = 0; i < n; i++)
		assert_int_equal(media_sess_tdm_in(s, in, sizeof(in)), 0);
}

/* Packets [from, to) are one talkspurt: consecutive sequence numbers,
 * timestamps step apart, the marker on the first only. */
static void assert_spurt(const struct fake *f, unsigned from, unsigned to,
			 uint32_t step)
{
	assert_true(to <= f->n);
	assert_true(f->h[from].marker);
	for (unsigned i = from + 1; i < to; i++) {
		assert_int_equal(f->h[i].seq, (uint16_t)(f->h[i - 1].seq + 1));
		assert_int_equal(f->h[i].ts - f->h[i - 1].ts, step);
		assert_false(f->h[i].marker);
	}
}

/* A tick missed and the next one 8 ms late: the two blocks handed at once
 * are the next 40 ms, at every ptime (at 10 ms the old clock rule already
 * jumped on a single tick 8 ms late). */
static void test_late_tick_contiguous(void **state)
{
	static const unsigned ptimes[] = { 10, 20, 30, 40, 60 };
	static struct fake f;
	struct media_stats st;

	for (unsigned p = 0; p < sizeof(ptimes) / sizeof(ptimes[0]); p++) {
		struct media_sess *s = mk(&f, ptimes[p]);

		feed(&f, s, 20000, 6);
		for (unsigned i = 0; i < 5; i++)
			feed(&f, s, 20000, 1);
		feed(&f, s, 48000, 2); /* late tick */
		feed(&f, s, 12000, 1); /* back on time */
		feed(&f, s, 28000, 1); /* a single tick 8 ms late */
		for (unsigned i = 0; i < 12; i++)
			feed(&f, s, 20000, 1);
		/* 27 blocks of 20 ms */
		assert_int_equal(f.n, 27 * 20 / ptimes[p]);
		assert_spurt(&f, 0, f.n, 8 * ptimes[p]);
		media_sess_stats(s, &st);
		assert_int_equal(st.talkspurts, 1);
		media_sess_free(s);
	}
}

/* Opus: the 48 kHz clock steps 960 per 20 ms across the late tick. */
static void test_late_tick_opus(void **state)
{
	static struct fake f;
	struct media_sess *s = mk_cfg(&f, MEDIA_CODEC_OPUS, 111, 20, false);

	for (unsigned i = 0; i < 4; i++)
		feed(&f, s, 20000, 1);
	feed(&f, s, 48000, 2);
	feed(&f, s, 12000, 1);
	feed(&f, s, 20000, 1);
	assert_int_equal(f.n, 8);
	assert_spurt(&f, 0, 8, 960);
	media_sess_free(s);
}

/* A stalled worker gets the queued blocks at once: up to SESS_LATE_MS
 * behind, they still follow one another. */
static void test_stall_backlog_contiguous(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 20);
	unsigned late = SESS_LATE_MS / 20;

	feed(&f, s, 20000, 3);
	/* the first queued block is SESS_LATE_MS late when its turn comes */
	feed(&f, s, 20000 * (late + 1), late + 1);
	feed(&f, s, 20000, 2);
	assert_int_equal(f.n, late + 6);
	assert_spurt(&f, 0, f.n, 160);
	media_sess_free(s);
}

/* 200 ms (or 1 s: early media muted) with no block: the timestamp moves
 * on by the pause, the marker starts the new talkspurt, and what follows
 * is contiguous again. */
static void pause_case(enum media_codec codec, uint8_t pt, uint32_t step,
		       unsigned missing)
{
	static struct fake f;
	struct media_sess *s = mk_cfg(&f, codec, pt, 20, false);
	struct media_stats st;

	for (unsigned i = 0; i < 5; i++)
		feed(&f, s, 20000, 1);
	feed(&f, s, 20000ull * (missing + 1), 1);
	for (unsigned i = 0; i < 4; i++)
		feed(&f, s, 20000, 1);
	feed(&f, s, 48000, 2); /* a late tick after the pause */
	feed(&f, s, 12000, 1);
	assert_int_equal(f.n, 13);
	assert_spurt(&f, 0, 5, step);
	assert_int_equal(f.h[5].ts - f.h[4].ts, (missing + 1) * step);
	assert_int_equal(f.h[5].seq, (uint16_t)(f.h[4].seq + 1));
	assert_spurt(&f, 5, 13, step);
	media_sess_stats(s, &st);
	assert_int_equal(st.talkspurts, 2);
	media_sess_free(s);
}

static void test_pause_advances(void **state)
{
	pause_case(MEDIA_CODEC_PCMU, 0, 160, 10);
	pause_case(MEDIA_CODEC_OPUS, 111, 960, 10);
	pause_case(MEDIA_CODEC_PCMU, 0, 160, 50);
	pause_case(MEDIA_CODEC_PCMA, 8, 160, 9); /* just over SESS_LATE_MS */
}

/* The gap counts whole frames: at 60 ms a pause of 200 ms adds three
 * frames (180 ms) to the normal step, not a fraction of one. */
static void test_pause_whole_frames(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 60);

	feed(&f, s, 20000, 6);
	feed(&f, s, 200000, 3);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.h[1].ts - f.h[0].ts, 480);
	assert_int_equal(f.h[2].ts - f.h[1].ts, 4 * 480);
	assert_true(f.h[2].marker);
	media_sess_free(s);
}

/* The first block itself came late: the clock then sets its origin by the
 * earlier blocks that follow, and a later pause is measured exactly. */
static void test_late_first_block(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 20);

	feed(&f, s, 0, 1);
	feed(&f, s, 10000, 1); /* 10 ms after the one handed 10 ms late */
	feed(&f, s, 20000, 1);
	feed(&f, s, 20000 + 200000, 1);
	assert_int_equal(f.n, 4);
	assert_spurt(&f, 0, 3, 160);
	assert_int_equal(f.h[3].ts - f.h[2].ts, 1760);
	assert_true(f.h[3].marker);
	media_sess_free(s);
}

/* A TDM clock 0.1 % slower or faster than the host's for 20 minutes: the
 * offset it builds (1.2 s) is followed, never taken for a pause; a real
 * pause afterwards is still seen. */
static void drift_case(int64_t ppm)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 20);
	uint64_t block_us = (uint64_t)(20000 + 20000 * ppm / 1000000);
	unsigned blocks = 20 * 60 * 50, seen;

	for (unsigned i = 0; i < blocks; i++) {
		feed(&f, s, block_us, 1);
		/* a late tick now and then */
		if (i % 997 == 500) {
			feed(&f, s, block_us * 2 + 8000, 2);
			feed(&f, s, block_us - 8000, 1);
			i += 3;
		}
		if (f.n >= NREC - 8) {
			/* keep the last packet as the first of the next batch */
			assert_spurt(&f, 0, f.n, 160);
			f.h[0] = f.h[f.n - 1];
			f.h[0].marker = true;
			f.n = 1;
		}
	}
	seen = f.n;
	assert_spurt(&f, 0, seen, 160);
	f.h[0] = f.h[seen - 1];
	f.n = 1;
	feed(&f, s, block_us + 310000, 1);
	assert_int_equal(f.n, 2);
	assert_true(f.h[1].marker);
	assert_int_equal(f.h[1].ts - f.h[0].ts, 160 + 15 * 160);
	media_sess_free(s);
}

static void test_clock_drift(void **state)
{
	drift_case(1000);
	drift_case(-1000);
}

/* Fax mode: the same clock with no pause ever; a gap in the ticks is a
 * late tick whose blocks come next. */
static void test_fax_no_timestamp_jump(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 20);
	struct media_stats st;

	media_sess_fax_mode(s);
	feed(&f, s, 20000, 1);
	feed(&f, s, 320000, 2); /* far beyond SESS_LATE_MS */
	feed(&f, s, 20000, 1);
	assert_int_equal(f.n, 4);
	assert_spurt(&f, 0, 4, 160);
	media_sess_stats(s, &st);
	assert_int_equal(st.talkspurts, 1);
	media_sess_free(s);
}

/* A clock hook that steps back (a bad one): the samples still count, the
 * clock starts over from there, and a later pause is measured from it. */
static void test_clock_backwards(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 20);

	feed(&f, s, 20000, 3);
	f.now -= 1000000;
	feed(&f, s, 0, 1);
	feed(&f, s, 20000, 1);
	feed(&f, s, 20000 + 300000, 1);
	assert_int_equal(f.n, 6);
	assert_spurt(&f, 0, 5, 160);
	assert_int_equal(f.h[5].ts - f.h[4].ts, 16 * 160);
	assert_true(f.h[5].marker);
	media_sess_free(s);
}

/* Without a clock hook the timestamps follow the samples alone. */
static void test_no_clock(void **state)
{
	static struct fake f;
	struct media_hooks h = { .arg = &f, .rtp_send = f_rtp };
	struct media_sess_cfg cfg = { .peer = PEER };
	struct media_sess *s = NULL;
	uint8_t in[160] = { 0 };

	memset(&f, 0, sizeof(f));
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	for (unsigned i = 0; i < 5; i++)
		assert_int_equal(media_sess_tdm_in(s, in, 160), 0);
	/* no block and no error for nothing handed */
	assert_int_equal(media_sess_tdm_in(s, NULL, 0), 0);
	assert_int_equal(media_sess_tdm_in(s, NULL, 160), EINVAL);
	assert_int_equal(media_sess_tdm_in(NULL, in, 160), EINVAL);
	assert_int_equal(f.n, 5);
	assert_spurt(&f, 0, 5, 160);
	media_sess_free(s);
}

/* The digit 7 from the PSTN, dur_blocks long from block `from`, with
 * `gap` blocks (0: none) missing before block `at`, or a late tick there
 * (two blocks at once) when gap is 0. Returns the timestamp the event
 * carries; checks every packet stands for one 20 ms frame. */
static uint32_t digit_run(struct fake *f, unsigned from, unsigned at,
			  unsigned gap)
{
	struct media_sess *s = mk_cfg(f, MEDIA_CODEC_PCMU, 0, 20, true);
	struct media_dtmf_gen gen;
	struct media_stats st;
	uint8_t in[160];
	int16_t pcm[160];
	uint32_t expect = 0, ev_ts = 0, dur, last_dur = 0;
	bool in_ev = false;
	unsigned te = 0, ends = 0;

	media_dtmf_gen_init(&gen, -10);
	for (unsigned i = 0; i < 40; i++) {
		uint64_t us = 20000;

		if (i == at) /* a pause, or a tick 8 ms late and at + 1 */
			us = gap ? 20000 * (gap + 1) : 48000;
		if (i == at + 1 && !gap)
			us = 0;
		if (i == at + 2 && !gap)
			us = 12000;
		if (i == from)
			assert_int_equal(
				media_dtmf_gen_start(&gen, '7', 120 * 8), 0);
		memset(pcm, 0, sizeof(pcm));
		media_dtmf_gen_run(&gen, pcm, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, in, 160);
		f->now += us;
		assert_int_equal(media_sess_tdm_in(s, in, 160), 0);
	}
	assert_string_equal(f->digits, "7");
	assert_int_equal(f->n, 40);
	for (unsigned i = 0; i < f->n; i++) {
		const struct rtp_hdr *h = &f->h[i];

		if (i)
			assert_int_equal(h->seq,
					 (uint16_t)(f->h[i - 1].seq + 1));
		if (i == at && gap) {
			expect += (gap + 1) * 160;
			assert_true(h->marker || h->pt == TE_PT);
		} else if (i) {
			expect += 160;
		} else {
			expect = h->ts;
		}
		if (h->pt != TE_PT) {
			assert_int_equal(h->ts, expect);
			assert_int_equal(h->marker, i == 0 || (i == at && gap));
			in_ev = false;
			continue;
		}
		dur = (uint32_t)f->te[i][2] << 8 | f->te[i][3];
		if (!in_ev) { /* the event starts with this frame */
			in_ev = true;
			ev_ts = h->ts;
			assert_true(h->marker);
			assert_int_equal(h->ts, expect);
		} else {
			assert_false(h->marker);
			assert_int_equal(h->ts, ev_ts);
		}
		if (f->te[i][1] & 0x80) {
			ends++;
		} else {
			/* the duration reaches the end of this frame */
			assert_int_equal(dur, expect + 160 - ev_ts);
		}
		assert_true(dur >= last_dur);
		last_dur = dur;
		te++;
	}
	assert_true(te >= 6);
	assert_int_equal(ends, 3);
	media_sess_stats(s, &st);
	assert_int_equal(st.dtmf_tx, 1);
	media_sess_free(s);
	return ev_ts;
}

/* RFC 4733 across a late tick in the middle of the digit: one event, its
 * timestamp the frame it began in, its duration in whole frames, the
 * audio around it contiguous. */
static void test_dtmf_across_late_tick(void **state)
{
	static struct fake f;

	digit_run(&f, 10, 12, 0);
	digit_run(&f, 10, 9, 0); /* the late tick just before the digit */
}

/* A digit right after a pause: its event is in the new time line. */
static void test_dtmf_after_pause(void **state)
{
	static struct fake f;
	uint32_t ts = digit_run(&f, 12, 12, 10);

	/* the pause added 10 frames: the event is at frame 12 + 10 or
	 * later, counted from the call's first timestamp */
	assert_true(ts - 0xfffff000u >= 22 * 160);
}

/* At 60 ms a digit starting right after a pause is heard within the first
 * frame: the event's first packet, marked, starts the talkspurt; the
 * audio after the event carries no second marker. */
static void test_dtmf_starts_talkspurt(void **state)
{
	static struct fake f;
	struct media_sess *s = mk_cfg(&f, MEDIA_CODEC_PCMU, 0, 60, true);
	struct media_dtmf_gen gen;
	struct media_stats st;
	uint8_t in[160];
	int16_t pcm[160];
	unsigned i, te = 0;

	media_dtmf_gen_init(&gen, -10);
	for (i = 0; i < 30; i++) {
		if (i == 6)
			assert_int_equal(
				media_dtmf_gen_start(&gen, '3', 180 * 8), 0);
		memset(pcm, 0, sizeof(pcm));
		media_dtmf_gen_run(&gen, pcm, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, in, 160);
		f.now += i == 6 ? 20000 + 300000 : 20000;
		assert_int_equal(media_sess_tdm_in(s, in, 160), 0);
	}
	assert_string_equal(f.digits, "3");
	assert_int_equal(f.n, 10);
	assert_int_equal(f.h[2].pt, TE_PT);
	assert_true(f.h[2].marker);
	assert_int_equal(f.h[2].ts - f.h[1].ts, 480 + 5 * 480);
	for (i = 2; i < f.n; i++) {
		if (f.h[i].pt == TE_PT) {
			te++;
			continue;
		}
		assert_false(f.h[i].marker);
		assert_int_equal(f.h[i].ts - f.h[2].ts, (i - 2) * 480);
	}
	assert_true(te >= 4 && te < f.n - 2);
	media_sess_stats(s, &st);
	assert_int_equal(st.talkspurts, 2);
	media_sess_free(s);
}

/* The sender report's RTP timestamp is the media clock at "now": the next
 * frame's timestamp plus the time since the samples handed last were due,
 * whatever tick was late. */
static void test_sr_timestamp_follows_samples(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, 20);
	struct rtcp_info info;

	feed(&f, s, 20000, 4);
	feed(&f, s, 28000, 1);
	feed(&f, s, 12000, 1);
	feed(&f, s, 20000, 1);
	f.now += 5000;
	assert_int_equal(media_sess_bye(s), 0);
	assert_int_equal(rtcp_parse(&info, f.rtcp, f.rtcp_len), 0);
	assert_true(info.sr);
	assert_int_equal(info.si.packets, 7);
	/* seven frames sent, 5 ms (40 units) since the last was complete */
	assert_int_equal(info.si.rtp_ts - 0xfffff000u, 7 * 160 + 40);
	media_sess_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_late_tick_contiguous),
		cmocka_unit_test(test_late_tick_opus),
		cmocka_unit_test(test_stall_backlog_contiguous),
		cmocka_unit_test(test_pause_advances),
		cmocka_unit_test(test_pause_whole_frames),
		cmocka_unit_test(test_late_first_block),
		cmocka_unit_test(test_clock_drift),
		cmocka_unit_test(test_fax_no_timestamp_jump),
		cmocka_unit_test(test_clock_backwards),
		cmocka_unit_test(test_no_clock),
		cmocka_unit_test(test_dtmf_across_late_tick),
		cmocka_unit_test(test_dtmf_after_pause),
		cmocka_unit_test(test_dtmf_starts_talkspurt),
		cmocka_unit_test(test_sr_timestamp_follows_samples),
	};

	return cmocka_run_group_tests_name("media_sess_tx", tests, NULL, NULL);
}
