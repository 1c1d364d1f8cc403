/* media/jb.c: ordering, loss, late, dup, overflow (fixed mode), and the
 * adaptive mode in virtual time under a seeded network model. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

#define F 160 /* 20 ms frames */

static struct jb *mk(unsigned depth_ms, unsigned slots)
{
	struct jb_cfg cfg = {
		.depth_ms = depth_ms,
		.slots = slots,
		.max_payload = 480,
	};
	struct jb *jb = NULL;

	assert_int_equal(jb_alloc(&cfg, &jb), 0);
	return jb;
}

/* Puts a 20 ms frame whose octets all carry its timestamp's low byte. */
static enum jb_put_result put(struct jb *jb, uint32_t ts)
{
	uint8_t p[F];

	memset(p, (uint8_t)(ts / F), sizeof(p));
	return jb_put(jb, ts, F, p, sizeof(p));
}

static void expect_frame(struct jb *jb, uint32_t ts)
{
	struct jb_frame f;

	assert_int_equal(jb_get(jb, F, &f), JB_GET_FRAME);
	assert_int_equal(f.ts, ts);
	assert_int_equal(f.len, F);
	assert_int_equal(f.samples, F);
	assert_int_equal(f.skip, 0);
	assert_int_equal(f.data[0], (uint8_t)(ts / F));
}

static void expect_gap(struct jb *jb, uint32_t samples, bool underrun)
{
	struct jb_frame f;

	assert_int_equal(jb_get(jb, F, &f), JB_GET_GAP);
	assert_int_equal(f.samples, samples);
	assert_int_equal(f.underrun, underrun);
}

static void test_in_order_depth(void **state)
{
	struct jb *jb = mk(40, 0);
	struct jb_frame f;
	struct jb_stats st;

	assert_int_equal(jb_get(jb, F, &f), JB_GET_IDLE);
	assert_int_equal(put(jb, 1600), JB_PUT_OK);
	/* 40 ms of prebuffer, then the frame. */
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 1600);
	assert_int_equal(put(jb, 1760), JB_PUT_OK);
	assert_int_equal(put(jb, 1920), JB_PUT_OK);
	expect_frame(jb, 1760);
	expect_frame(jb, 1920);
	/* Nothing queued: an underrun. */
	expect_gap(jb, F, true);
	jb_stats(jb, &st);
	assert_int_equal(st.frames, 3);
	assert_int_equal(st.gaps, 3);
	assert_int_equal(st.underruns, 1);
	jb_free(jb);
}

static void test_reorder_dup(void **state)
{
	struct jb *jb = mk(40, 0);
	struct jb_stats st;

	assert_int_equal(put(jb, 1600), JB_PUT_OK);
	assert_int_equal(put(jb, 1920), JB_PUT_OK);
	assert_int_equal(put(jb, 2080), JB_PUT_OK);
	assert_int_equal(put(jb, 1760), JB_PUT_OK);
	assert_int_equal(put(jb, 1920), JB_PUT_DUP);
	assert_int_equal(jb_count(jb), 4);
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 1600);
	expect_frame(jb, 1760);
	expect_frame(jb, 1920);
	expect_frame(jb, 2080);
	jb_stats(jb, &st);
	assert_int_equal(st.dup, 1);
	assert_int_equal(st.late, 0);
	jb_free(jb);
}

/* On a gap the next packet can be looked at (Opus FEC) without taking
 * it. */
static void test_peek(void **state)
{
	struct jb *jb = mk(40, 0);
	struct jb_frame f;

	assert_false(jb_peek(jb, &f));
	put(jb, 1600);
	put(jb, 1920); /* 1760 lost */
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 1600);
	expect_gap(jb, F, false);
	assert_true(jb_peek(jb, &f));
	assert_int_equal(f.ts, 1920);
	assert_int_equal(f.len, F);
	assert_int_equal(f.data[0], (uint8_t)(1920 / F));
	assert_int_equal(jb_count(jb), 1);
	expect_frame(jb, 1920);
	assert_false(jb_peek(jb, &f));
	jb_free(jb);
}

static void test_loss_late(void **state)
{
	struct jb *jb = mk(40, 0);
	struct jb_stats st;
	struct jb_frame f;

	put(jb, 1600);
	put(jb, 1920); /* 1760 lost */
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 1600);
	expect_gap(jb, F, false); /* a loss, not an underrun */
	expect_frame(jb, 1920);
	put(jb, 2080);
	/* 1760 shows up after its time: dropped. */
	assert_int_equal(put(jb, 1760), JB_PUT_LATE);
	expect_frame(jb, 2080);
	jb_stats(jb, &st);
	assert_int_equal(st.late, 1);
	assert_int_equal(jb_get(jb, F, &f), JB_GET_GAP);
	assert_true(f.underrun);
	jb_free(jb);
}

static void test_partial_overlap(void **state)
{
	struct jb *jb = mk(20, 0);
	struct jb_frame f;
	uint8_t p[F];

	put(jb, 1600);
	expect_gap(jb, F, false);
	expect_frame(jb, 1600);
	/* Playout is at 1760; a packet from 1680 has 80 samples left. */
	memset(p, 7, sizeof(p));
	assert_int_equal(jb_put(jb, 1680, F, p, F), JB_PUT_OK);
	assert_int_equal(jb_get(jb, F, &f), JB_GET_FRAME);
	assert_int_equal(f.skip, 80);
	assert_int_equal(f.samples, 80);
	/* A packet ahead of playout: the gap stops where it starts. */
	put(jb, 1920);
	expect_gap(jb, 80, false);
	expect_frame(jb, 1920);
	jb_free(jb);
}

static void test_overflow(void **state)
{
	struct jb *jb = mk(40, 4);
	struct jb_stats st;
	uint32_t ts;

	/* Anchored on 1920: playout starts at 1600. */
	for (ts = 1920; ts < 1920 + 4 * F; ts += F)
		assert_int_equal(put(jb, ts), JB_PUT_OK);
	/* Full, and older than everything queued: this one goes. */
	assert_int_equal(put(jb, 1760), JB_PUT_OVERFLOW);
	/* Full: the oldest (1920) goes, playout skips ahead to 2080. */
	assert_int_equal(put(jb, 1920 + 4 * F), JB_PUT_OVERFLOW);
	assert_int_equal(jb_count(jb), 4);
	for (ts = 2080; ts <= 1920 + 4 * F; ts += F)
		expect_frame(jb, ts);
	jb_stats(jb, &st);
	assert_int_equal(st.overflow, 2);
	assert_int_equal(st.late, 0);
	jb_free(jb);
}

static void test_resync(void **state)
{
	struct jb *jb = mk(40, 0);
	struct jb_stats st;
	uint8_t big[481] = { 0 };
	int i;

	put(jb, 1600);
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 1600);
	/* The sender restarted its timestamps far away. */
	assert_int_equal(put(jb, 900000), JB_PUT_RESYNC);
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 900000);
	/* Hold: 1 s of nothing, then timestamps carry on where they were. */
	for (i = 0; i < 50; i++)
		expect_gap(jb, F, true);
	assert_int_equal(put(jb, 900000 + F), JB_PUT_RESYNC);
	expect_gap(jb, F, false);
	expect_gap(jb, F, false);
	expect_frame(jb, 900000 + F);
	jb_stats(jb, &st);
	assert_int_equal(st.resync, 2);
	assert_int_equal(st.late, 0);

	/* Too big, and reset. */
	assert_int_equal(jb_put(jb, 0, 481, big, sizeof(big)), JB_PUT_TOOBIG);
	put(jb, 901000);
	jb_reset(jb);
	assert_int_equal(jb_count(jb), 0);
	jb_free(jb);
}

static void test_alloc(void **state)
{
	struct jb_cfg cfg = { .max_payload = 0 };
	struct jb *jb = NULL;

	assert_int_equal(jb_alloc(&cfg, &jb), EINVAL);
	cfg.max_payload = 160;
	cfg.depth_ms = 5000;
	assert_int_equal(jb_alloc(&cfg, &jb), EINVAL);
	assert_null(jb);
	jb_free(NULL);
}

/* ---- adaptive mode in virtual time ---- */

#define SIM_MAX 3000 /* packets: 60 s of 20 ms */

/* Network model: a base delay, a jitter drawn per packet (so packets
 * reorder when it exceeds 20 ms), loss; deterministic by seed. */
struct net {
	uint64_t rng;
	unsigned base_ms, loss_pct;
	unsigned jitter_ms[SIM_MAX]; /* per packet: jitter bound */
	bool talk[SIM_MAX];	     /* false: silence, nothing sent */
};

static uint32_t rnd(struct net *n)
{
	/* xorshift64* */
	n->rng ^= n->rng >> 12;
	n->rng ^= n->rng << 25;
	n->rng ^= n->rng >> 27;
	return (uint32_t)((n->rng * 2685821657736338717ULL) >> 32);
}

struct sim_out {
	uint32_t delay[SIM_MAX / 50]; /* target at the end of each second */
	unsigned played[SIM_MAX];     /* times each packet was played */
	unsigned sent, lost, late, gaps_after_start;
	uint64_t gap_samples, grown; /* after playout started */
	uint32_t min_delay, max_delay;
};

static void simulate(struct net *net, const struct jb_cfg *cfg, unsigned n,
		     struct sim_out *o)
{
	static uint32_t arrival[SIM_MAX]; /* samples; UINT32_MAX: lost */
	struct jb *jb = NULL;
	struct jb_stats st;
	struct jb_frame f;
	unsigned k, tick, ntick, got = 0;
	bool started = false, prev_talk = false;
	uint32_t now;

	memset(o, 0, sizeof(*o));
	o->min_delay = UINT32_MAX;
	assert_int_equal(jb_alloc(cfg, &jb), 0);
	for (k = 0; k < n; k++) {
		uint32_t j =
			net->jitter_ms[k] ? rnd(net) % net->jitter_ms[k] : 0;

		arrival[k] = UINT32_MAX;
		if (!net->talk[k])
			continue;
		o->sent++;
		if (rnd(net) % 100 < net->loss_pct) {
			o->lost++;
			continue;
		}
		arrival[k] = k * F + (net->base_ms + j) * 8;
	}
	/* The TDM tick: every 20 ms deliver what arrived, then play 20 ms. */
	ntick = n + 50;
	for (tick = 0; tick < ntick; tick++) {
		now = tick * F;
		for (k = 0; k < n; k++) {
			uint8_t p[F];

			if (arrival[k] == UINT32_MAX || arrival[k] > now ||
			    arrival[k] + F <= now)
				continue;
			memset(p, 0, sizeof(p));
			memcpy(p, &k, sizeof(k));
			/* marker: first packet after silence */
			prev_talk = k && net->talk[k - 1];
			if (jb_put_marked(jb, k * F, F, p, F, !prev_talk) ==
			    JB_PUT_LATE)
				o->late++;
		}
		/* Like the session: a frame longer than the tick needs is
		 * kept for the next tick. */
		for (got = got > F ? got - F : 0; got < F;) {
			switch (jb_get(jb, F - got, &f)) {
			case JB_GET_IDLE:
				got = F;
				break;
			case JB_GET_FRAME:
				memcpy(&k, f.data, sizeof(k));
				assert_true(k < n);
				o->played[k]++;
				started = true;
				got += f.samples;
				break;
			case JB_GET_GAP:
				/* The underrun after the last packet is
				 * the end of the call, not a gap. */
				if (started && !(tick >= n && f.underrun)) {
					o->gaps_after_start++;
					o->gap_samples += f.samples;
				}
				got += f.samples;
				break;
			}
		}
		jb_stats(jb, &st);
		if (tick % 50 == 49 && tick / 50 < SIM_MAX / 50)
			o->delay[tick / 50] = st.delay;
		if (started && st.delay < o->min_delay)
			o->min_delay = st.delay;
		if (st.delay > o->max_delay)
			o->max_delay = st.delay;
		o->grown = st.grown;
	}
	jb_free(jb);
}

static void net_init(struct net *net, uint64_t seed)
{
	unsigned k;

	memset(net, 0, sizeof(*net));
	net->rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	net->base_ms = 30;
	for (k = 0; k < SIM_MAX; k++)
		net->talk[k] = true;
}

/* Jitter rises from 5 to 100 ms for 10 s, then falls back: the delay
 * grows within a second to cover it (few late packets), stays within the
 * bounds, and shrinks back within about the 8 s window plus its steps. */
static void test_adaptive_up_down(void **state)
{
	struct jb_cfg cfg = {
		.max_payload = F, .adaptive = true, .min_ms = 20, .max_ms = 200
	};
	static struct net net;
	static struct sim_out o;
	unsigned k, s, late_high = 0, seed;

	for (seed = 1; seed <= 5; seed++) {
		print_message("seed %u\n", seed);
		net_init(&net, seed);
		for (k = 0; k < 2250; k++)
			net.jitter_ms[k] = k >= 500 && k < 1000 ? 100 : 5;
		simulate(&net, &cfg, 2250, &o);
		for (s = 0; s < 45; s++)
			print_message(" %u", o.delay[s] / 8);
		print_message(" ms; late %u\n", o.late);
		/* Calm start: near the minimum. */
		assert_true(o.delay[8] <= 30 * 8);
		/* Within a second of the jitter rising, the delay covers it. */
		assert_true(o.delay[11] >= 90 * 8);
		assert_true(o.delay[19] >= 90 * 8);
		/* Bounds hold throughout. */
		assert_true(o.min_delay >= 20 * 8);
		assert_true(o.max_delay <= 200 * 8);
		/* After the jitter falls it shrinks: not before the window
		 * has forgotten it, then 10 ms a second (no marker here). */
		assert_true(o.delay[26] >= 100 * 8);
		assert_true(o.delay[44] <= 40 * 8);
		/* Few late drops: only while growing (under 2%). */
		late_high = o.late;
		assert_true(late_high < 2250 / 50);
		/* Nothing played twice. */
		for (k = 0; k < 2250; k++)
			assert_true(o.played[k] <= 1);
	}
}

/* Loss and reordering: each packet that arrives is played exactly once,
 * in order; each lost one leaves a gap for the concealer. */
static void test_adaptive_loss_reorder(void **state)
{
	struct jb_cfg cfg = { .max_payload = F, .adaptive = true };
	static struct net net;
	static struct sim_out o;
	unsigned k, played = 0, seed;

	for (seed = 10; seed < 15; seed++) {
		print_message("seed %u\n", seed);
		net_init(&net, seed);
		net.loss_pct = 5;
		for (k = 0; k < 1000; k++)
			net.jitter_ms[k] = 60; /* up to 3 packets reordered */
		simulate(&net, &cfg, 1000, &o);
		played = 0;
		for (k = 0; k < 1000; k++) {
			assert_true(o.played[k] <= 1);
			played += o.played[k];
		}
		print_message("sent %u lost %u late %u played %u gap samples "
			      "%llu grown %llu\n",
			      o.sent, o.lost, o.late, played,
			      (unsigned long long)o.gap_samples,
			      (unsigned long long)o.grown);
		assert_int_equal(played + o.lost + o.late, o.sent);
		assert_true(o.late < 10);
		/* Every lost or late packet leaves a gap for the concealer;
		 * growing the delay adds the rest. */
		assert_true(o.gap_samples >= (uint64_t)o.lost * F);
		assert_true(o.gap_samples <=
			    (uint64_t)(o.lost + o.late) * F + o.grown);
	}
}

/* Talkspurts: with a marker after each silence the buffer shrinks at the
 * spurt start, so the delay falls without cutting into speech. */
static void test_adaptive_talkspurts(void **state)
{
	struct jb_cfg cfg = { .max_payload = F, .adaptive = true };
	static struct net net;
	static struct sim_out o;
	unsigned k;

	net_init(&net, 42);
	for (k = 0; k < 1500; k++) {
		net.jitter_ms[k] = k < 300 ? 120 : 4;
		net.talk[k] = k % 60 < 45; /* 0.9 s talk, 0.3 s silence */
	}
	simulate(&net, &cfg, 1500, &o);
	for (k = 0; k < 30; k++)
		print_message(" %u", o.delay[k] / 8);
	print_message(" ms\n");
	assert_true(o.delay[5] >= 100 * 8);
	/* The high jitter ended at 6 s; the window forgets it by 14 s and
	 * the next talkspurt start takes the whole cut. */
	assert_true(o.delay[16] <= 30 * 8);
}

/* Fixed mode (fax, modems): the delay never moves, whatever the jitter. */
static void test_fixed_mode_keeps_delay(void **state)
{
	struct jb_cfg cfg = { .max_payload = F, .depth_ms = 60 };
	static struct net net;
	static struct sim_out o;
	unsigned k;

	net_init(&net, 7);
	for (k = 0; k < 500; k++)
		net.jitter_ms[k] = k < 250 ? 10 : 100;
	simulate(&net, &cfg, 500, &o);
	assert_int_equal(o.min_delay, 60 * 8);
	assert_int_equal(o.max_delay, 60 * 8);
	assert_true(o.late > 0); /* 100 ms of jitter beats 60 ms */
}

/* Loud audio playing: a late packet is dropped instead of growing the
 * delay (the gap would cut a tone); quiet again, the delay grows; a packet
 * older than what was already played is never played, even after the
 * delay grew (it would resume a tone after its end). */
static void test_loud_defers_growth(void **state)
{
	struct jb_cfg cfg = { .max_payload = F,
			      .adaptive = true,
			      .depth_ms = 20,
			      .min_ms = 20,
			      .max_ms = 200 };
	struct jb *jb = NULL;
	struct jb_stats st;
	struct jb_frame f;
	uint32_t k, delay;

	assert_int_equal(jb_alloc(&cfg, &jb), 0);
	for (k = 0; k < 50; k++) { /* steady, one frame queued */
		assert_int_equal(put(jb, k * F), JB_PUT_OK);
		jb_get(jb, F, &f);
	}
	jb_stats(jb, &st);
	delay = st.delay;
	jb_set_loud(jb, true);
	expect_frame(jb, 49 * F);
	/* packet 50 is late: its time is concealed, 51 played */
	assert_int_equal(jb_get(jb, F, &f), JB_GET_GAP);
	assert_int_equal(put(jb, 51 * F), JB_PUT_OK);
	jb_stats(jb, &st);
	assert_int_equal(st.grow_deferred, 1); /* 51 itself came late */
	expect_frame(jb, 51 * F);
	assert_int_equal(put(jb, 50 * F), JB_PUT_LATE);
	jb_stats(jb, &st);
	assert_true(st.grow_deferred >= 1);
	assert_int_equal(st.grow, 0);
	assert_int_equal(st.delay, delay);
	/* quiet: the next put grows the delay, and 50, older than 51
	 * played already, stays out */
	jb_set_loud(jb, false);
	assert_int_equal(put(jb, 53 * F), JB_PUT_OK);
	assert_int_equal(put(jb, 50 * F), JB_PUT_LATE);
	jb_stats(jb, &st);
	assert_true(st.grow >= 1);
	assert_true(st.delay > delay);
	for (k = 0; k < 10 && jb_get(jb, F, &f) != JB_GET_FRAME; k++)
		;
	assert_int_equal(f.ts, 53 * F);
	jb_free(jb);

	/* loud for longer than JB_LOUD_MAX_MS (500 ms): the same late
	 * packet makes it grow */
	assert_int_equal(jb_alloc(&cfg, &jb), 0);
	for (k = 0; k < 80; k++) {
		if (k == 50)
			jb_set_loud(jb, true);
		assert_int_equal(put(jb, k * F), JB_PUT_OK);
		jb_get(jb, F, &f);
	}
	expect_frame(jb, 79 * F);
	assert_int_equal(jb_get(jb, F, &f), JB_GET_GAP);
	assert_int_equal(put(jb, 81 * F), JB_PUT_OK);
	jb_stats(jb, &st);
	assert_int_equal(st.grow_deferred, 0);
	assert_int_equal(st.grow, 1);
	jb_free(jb);
}

/* Fax switch: adaptive turns fixed; the delay is kept, later jitter does
 * not move it, and a fixed buffer stays fixed. */
static void test_set_fixed(void **state)
{
	struct jb_cfg cfg = { .max_payload = F,
			      .adaptive = true,
			      .depth_ms = 60,
			      .min_ms = 20,
			      .max_ms = 200 };
	struct jb *jb = NULL;
	struct jb_stats st;
	struct jb_frame f;
	uint32_t before;

	assert_int_equal(jb_alloc(&cfg, &jb), 0);
	assert_true(jb_is_adaptive(jb));
	for (uint32_t k = 0; k < 20; k++) {
		assert_int_equal(put(jb, k * 160), JB_PUT_OK);
		jb_get(jb, 160, &f);
	}
	jb_stats(jb, &st);
	before = st.delay;
	jb_set_fixed(jb);
	assert_false(jb_is_adaptive(jb));
	jb_stats(jb, &st);
	assert_int_equal(st.delay, before);
	/* a late burst would grow an adaptive buffer: not this one */
	for (uint32_t k = 20; k < 60; k++) {
		put(jb, k * 160 - (k % 2 ? 800 : 0));
		jb_get(jb, 160, &f);
	}
	jb_stats(jb, &st);
	assert_int_equal(st.delay, before);
	jb_set_fixed(jb); /* idempotent */
	assert_false(jb_is_adaptive(jb));
	jb_free(jb);
}

/* Fax with a deeper fixed buffer: the delay grows once (a gap as long as
 * the growth, nothing dropped), never shrinks, and a sender stalled for
 * less than the depth then costs no underrun. */
static void test_fixed_at_least(void **state)
{
	struct jb *jb = mk(40, 0);
	struct jb_stats st;
	struct jb_frame f;
	uint32_t k, underruns;

	for (k = 0; k < 20; k++) {
		assert_int_equal(put(jb, k * F), JB_PUT_OK);
		jb_get(jb, F, &f);
	}
	assert_int_equal(f.ts, 17 * F);
	jb_fixed_at_least(jb, 6 * F);
	jb_stats(jb, &st);
	assert_int_equal(st.delay, 6 * F);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(jb_get(jb, F, &f), JB_GET_GAP);
		assert_false(f.underrun);
	}
	expect_frame(jb, 18 * F);
	expect_frame(jb, 19 * F);
	jb_fixed_at_least(jb, 2 * F); /* never shrinks */
	jb_stats(jb, &st);
	assert_int_equal(st.delay, 6 * F);
	/* refill to the new depth, then steady */
	for (k = 20; k < 26; k++)
		assert_int_equal(put(jb, k * F), JB_PUT_OK);
	for (; k < 40; k++) {
		assert_int_equal(put(jb, k * F), JB_PUT_OK);
		expect_frame(jb, (k - 6) * F);
	}
	underruns = st.underruns;
	/* the sender stalls 100 ms, then sends its backlog at once */
	for (uint32_t i = 0; i < 5; i++)
		expect_frame(jb, (k - 6 + i) * F);
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(put(jb, (k + i) * F), JB_PUT_OK);
	for (k += 5; k < 60; k++) {
		assert_int_equal(put(jb, k * F), JB_PUT_OK);
		expect_frame(jb, (k - 6) * F);
	}
	jb_stats(jb, &st);
	assert_int_equal(st.underruns, underruns);
	assert_int_equal(st.late, 0);
	jb_free(jb);
}

static void test_adaptive_cfg(void **state)
{
	struct jb_cfg cfg = {
		.max_payload = F, .adaptive = true, .min_ms = 300, .max_ms = 100
	};
	struct jb *jb = NULL;
	struct jb_stats st;

	assert_int_equal(jb_alloc(&cfg, &jb), EINVAL);
	cfg.min_ms = 0;
	cfg.max_ms = 1001;
	assert_int_equal(jb_alloc(&cfg, &jb), EINVAL);
	/* The starting delay is clamped into the bounds. */
	cfg.max_ms = 100;
	cfg.min_ms = 50;
	cfg.depth_ms = 20;
	assert_int_equal(jb_alloc(&cfg, &jb), 0);
	jb_stats(jb, &st);
	assert_int_equal(st.target, 50 * 8);
	jb_free(jb);
}

/* fuzz_rtp: the first packet of an adaptive buffer stamped past 2^31
 * (any 32-bit value is legal on the wire) overflowed the signed playout
 * delay arithmetic (undefined; wrong delay). The arithmetic wraps now:
 * the frame plays after the usual prebuffer, not late nor never. */
static void test_adaptive_ts_wrap(void **state)
{
	static const uint32_t stamps[] = { 0x80000062u, 0x7fffff00u,
					   0xffffff60u };
	(void)state;
	for (size_t k = 0; k < sizeof(stamps) / sizeof(stamps[0]); k++) {
		struct jb_cfg cfg = { .max_payload = F, .adaptive = true };
		struct jb *jb = NULL;
		struct jb_frame f;
		struct jb_stats st;
		unsigned gets = 0;
		enum jb_get_result r;

		assert_int_equal(jb_alloc(&cfg, &jb), 0);
		assert_int_equal(put(jb, stamps[k]), JB_PUT_OK);
		while ((r = jb_get(jb, F, &f)) == JB_GET_GAP && gets < 50)
			gets++;
		assert_int_equal(r, JB_GET_FRAME);
		assert_int_equal(f.ts, stamps[k]);
		assert_true(gets <= 20); /* at most the 200 ms maximum */
		jb_stats(jb, &st);
		assert_int_equal(st.late, 0);
		jb_free(jb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_depth),
		cmocka_unit_test(test_reorder_dup),
		cmocka_unit_test(test_loss_late),
		cmocka_unit_test(test_partial_overlap),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_resync),
		cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_adaptive_up_down),
		cmocka_unit_test(test_adaptive_loss_reorder),
		cmocka_unit_test(test_adaptive_talkspurts),
		cmocka_unit_test(test_fixed_mode_keeps_delay),
		cmocka_unit_test(test_adaptive_cfg),
		cmocka_unit_test(test_set_fixed),
		cmocka_unit_test(test_fixed_at_least),
		cmocka_unit_test(test_loud_defers_growth),
		cmocka_unit_test(test_adaptive_ts_wrap),
	};

	return cmocka_run_group_tests_name("media_jb", tests, NULL, NULL);
}
