/* media/jb.c: fixed jitter buffer ordering, loss, late, dup, overflow. */
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
	};

	return cmocka_run_group_tests_name("media_jb", tests, NULL, NULL);
}
