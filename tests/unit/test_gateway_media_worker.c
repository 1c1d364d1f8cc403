/* gateway/media_worker.c: slots added, fed, queried and stopped across
 * threads; audio crosses two slots over loopback RTP; a stranger's packets
 * are dropped and counted; the workers' own clock. Waits are bounded
 * polls of the reply ring (the assertions are about content, not
 * timing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/loop.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/net.h"

#define LO 43200u
#define HI 43299u

#include "tests/unit/mslot_test.h"

static void tick20(void)
{
	struct timespec ts = { 0, 20000000 };

	nanosleep(&ts, NULL);
}

static void nap(void)
{
	struct timespec ts = { 0, 2000000 };

	nanosleep(&ts, NULL);
}

/* Until the worker took both slots' blocks (bounded: 2 s). */
static void settle(struct gw_mslot *a, struct gw_mslot *b)
{
	struct timespec ts = { 0, 200000 };

	for (int i = 0;
	     i < 10000 && (gw_mslot_backlog(a) || (b && gw_mslot_backlog(b)));
	     i++)
		nanosleep(&ts, NULL);
}

static void audio_crosses_two_slots(void **state)
{
	struct reports r = { 0 };
	struct gw_mpool_cfg cfg = { .workers = 2,
				    .report = on_report,
				    .report_arg = &r };
	struct gw_mpool *p;
	struct gw_mslot *a, *b;
	struct media_sess *sa, *sb;
	struct media_tonegen g;
	struct media_freqmeter m;
	unsigned next = LO, pa, pb, i, k;
	uint8_t in[160], silence[160], ta[160], tb[160];
	int16_t pcm[160];
	int stranger;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	assert_int_equal(gw_mpool_workers(p), 2);
	/* ports are taken in order: a gets LO, b gets LO + 2 */
	a = mk(p, &next, 0, &pa, LO + 2, &sa);
	b = mk(p, &next, 1, &pb, pa, &sb);
	assert_int_equal(pb, LO + 2);
	assert_int_equal(gw_mslot_start(a, sa), 0);
	assert_int_equal(gw_mslot_start(b, sb), 0);
	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &stranger), 0);
	media_tonegen_init(&g, 1000, -10);
	media_freqmeter_init(&m);
	memset(silence, 0xFF, sizeof(silence));
	for (i = 0; i < 150; i++) {
		struct sockaddr_in to;
		uint8_t junk[172] = { 0x80, 0 };

		media_tonegen_run(&g, pcm, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, in, 160);
		gw_mslot_audio(a, in, ta, 160, true, 0xFF);
		gw_mslot_audio(b, silence, tb, 160, true, 0xFF);
		if (i >= 20) {
			media_law_to_linear(MEDIA_LAW_ULAW, tb, pcm, 160);
			media_freqmeter_feed(&m, pcm, 160);
		}
		if (i % 10 == 5) { /* RTP from a stranger to a */
			gw_sockaddr_in(&to, "127.0.0.1", pa);
			assert_int_equal(sendto(stranger, junk, sizeof(junk), 0,
						(struct sockaddr *)&to,
						sizeof(to)),
					 sizeof(junk));
		}
		/* the TDM clock's pace: the session's timestamps follow the
		 * clock across pauses (talkspurts), so it is not rushed */
		settle(a, b);
		tick20();
		gw_mpool_poll(p);
	}
	k = media_freqmeter_result(&m, NULL);
	assert_true(k >= 990 && k <= 1010);
	assert_int_equal(gw_mslot_query(a), 0);
	for (i = 0; i < 500 && !r.stats; i++) {
		gw_mslot_audio(a, in, ta, 160, true, 0xFF);
		gw_mslot_audio(b, silence, tb, 160, true, 0xFF);
		settle(a, b);
		nap();
		gw_mpool_poll(p);
	}
	assert_int_equal(r.stats, 1);
	assert_int_equal(gw_mslot_backlog(NULL), 0);
	assert_int_equal(gw_mslot_stop(a), 0);
	assert_int_equal(gw_mslot_stop(b), 0);
	for (i = 0; i < 500 && r.finals < 2; i++) {
		nap();
		gw_mpool_poll(p);
	}
	assert_int_equal(r.finals, 2);
	/* every block was taken before the next one came; a's last
	 * packets may still be unread when b stops */
	assert_true(r.last[0].tx_packets >= 150);
	assert_true(r.last[1].rx_packets <= r.last[0].tx_packets);
	assert_true(r.last[1].rx_packets + 5 >= r.last[0].tx_packets);
	assert_int_equal(r.last[0].rx_foreign, 15);
	assert_int_equal(r.last[1].rx_foreign, 0);
	assert_int_equal(r.last[1].rx_bad, 0);
	/* the stopped slots sent their RTCP BYE */
	assert_true(r.last[0].rtcp_tx >= 1);
	close(stranger);
	gw_mpool_free(p);
}

static void own_clock_and_free_with_live_slots(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .tick_ms = 20,
				    .measure = true };
	struct gw_mpool *p;
	struct gw_mslot *a, *b;
	struct media_sess *sa, *sb;
	struct gw_mw_stats st;
	unsigned next = LO + 10, pa, pb, i;
	uint64_t sum = 0;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	a = mk(p, &next, 0, &pa, LO + 12, &sa);
	b = mk(p, &next, 1, &pb, pa, &sb);
	assert_int_equal(gw_mslot_start(a, sa), 0);
	assert_int_equal(gw_mslot_start(b, sb), 0);
	for (i = 0; i < 1000; i++) {
		gw_mpool_wstats(p, 0, &st);
		if (st.tx_packets >= 20 && st.rx_packets >= 10)
			break;
		nap();
	}
	assert_true(st.ticks > 0);
	assert_true(st.tx_packets >= 20);
	assert_true(st.rx_packets >= 10);
	assert_int_equal(st.slots, 2);
	for (i = 0; i < GW_MW_HIST; i++)
		sum += st.hist[i];
	assert_true(sum > 0);
	/* freed with both slots running: no reports, nothing leaks */
	gw_mpool_free(p);
}

struct spin_run {
	struct gw_loop *loop;
	struct gw_mslot *s;
	unsigned blocks, readies, answered;
	uint64_t next_us;
	uint8_t rx[GW_MW_BLOCK], tx[GW_MW_BLOCK];
};

static void spin_ready(void *arg)
{
	struct spin_run *r = arg;

	r->readies++;
	/* a stopped slot is the worker's to free: no longer ours to ask */
	if (r->s && gw_mslot_audio_tx(r->s, r->tx, sizeof(r->tx), false, 0xFF))
		r->answered++;
}

static void spin_tick(void *arg)
{
	struct spin_run *r = arg;

	if (!r->s)
		return; /* stopped: the clock stops with it */
	gw_mslot_audio_rx(r->s, r->rx, sizeof(r->rx), false);
	r->blocks++;
	r->next_us += 20000;
	gw_timer_start_at_us(r->loop, r->next_us, spin_tick, r);
}

/* busy_wait_us: the worker learns the TDM clock's phase and is awake
 * when the block comes (caught, not woken by the eventfd); the loop's
 * idle hook takes the answers before sleeping. A generous window, so a
 * loaded machine still lands most blocks in it. */
static void spin_catches_blocks(void **state)
{
	struct spin_run r = { 0 };
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .audio_ready = spin_ready,
				    .report_arg = &r,
				    .spin_us = 3000 };
	struct gw_mpool *p;
	struct media_sess *sess;
	struct gw_mw_stats st;
	unsigned next = LO + 20, port;

	cfg.spin_us = GW_MW_SPIN_MAX_US + 1;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), EINVAL);
	cfg.spin_us = 3000;
	r.loop = gw_loop_alloc();
	assert_non_null(r.loop);
	cfg.loop = r.loop;
	memset(r.rx, 0x55, sizeof(r.rx));
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	r.s = mk(p, &next, 0, &port, LO + 22, &sess);
	assert_int_equal(gw_mslot_start(r.s, sess), 0);
	r.next_us = gw_loop_now_us(r.loop) + 20000;
	gw_timer_start_at_us(r.loop, r.next_us, spin_tick, &r);
	for (int i = 0; i < 5000 && r.blocks < 60; i++)
		gw_loop_once(r.loop, 50);
	/* the last block's answer */
	for (int i = 0; i < 200 && r.answered < r.blocks; i++) {
		gw_mpool_poll(p);
		nap();
	}
	assert_int_equal(r.blocks, 60);
	assert_true(r.answered + 1 >= r.blocks);
	assert_true(r.readies >= r.answered);
	gw_mpool_wstats(p, 0, &st);
	/* the first blocks teach the phase; most after are caught */
	assert_true(st.spin_caught >= 30);
	struct gw_mslot *s = r.s;

	r.s = NULL; /* as the gateway drops its pointer when it stops one */
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	gw_mpool_free(p);
	/* the pool took its idle hook away: the loop runs on without it */
	assert_int_equal(gw_loop_once(r.loop, 0), 0);
	gw_loop_free(r.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audio_crosses_two_slots),
		cmocka_unit_test(own_clock_and_free_with_live_slots),
		cmocka_unit_test(spin_catches_blocks),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
