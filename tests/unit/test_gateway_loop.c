/* gateway/loop.c: timer order, stop from callbacks, fd events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/loop.h"

struct rec {
	struct gw_loop *loop;
	int order[8];
	int n;
	struct gw_timer *victim;
};

static void fire(void *arg, int id)
{
	struct rec *r = arg;

	r->order[r->n++] = id;
}

static void t1(void *arg)
{
	fire(arg, 1);
}
static void t2(void *arg)
{
	fire(arg, 2);
}
static void t3(void *arg)
{
	fire(arg, 3);
}

static void t_stop(void *arg)
{
	struct rec *r = arg;

	fire(arg, 9);
	gw_loop_stop(r->loop);
}

static void t_cancel(void *arg)
{
	struct rec *r = arg;

	fire(arg, 7);
	gw_timer_stop(r->loop, r->victim); /* stop another pending timer */
}

static void timers_fire_in_deadline_order(void **state)
{
	struct rec r = { .loop = gw_loop_alloc() };

	assert_non_null(r.loop);
	/* absolute deadlines from one instant: a stall between two starts
	 * (a loaded machine) must not reorder them */
	uint64_t t0 = gw_loop_now_us(r.loop);
	gw_timer_start_at_us(r.loop, t0 + 30000, t3, &r);
	gw_timer_start_at_us(r.loop, t0 + 10000, t1, &r);
	gw_timer_start_at_us(r.loop, t0 + 20000, t2, &r);
	gw_timer_start_at_us(r.loop, t0 + 40000, t_stop, &r);
	assert_int_equal(gw_loop_run(r.loop), 0);
	assert_int_equal(r.n, 4);
	assert_int_equal(r.order[0], 1);
	assert_int_equal(r.order[1], 2);
	assert_int_equal(r.order[2], 3);
	assert_int_equal(r.order[3], 9);
	gw_loop_free(r.loop);
}

static void timer_stopped_by_another(void **state)
{
	struct rec r = { .loop = gw_loop_alloc() };

	uint64_t t0 = gw_loop_now_us(r.loop);
	gw_timer_start_at_us(r.loop, t0 + 5000, t_cancel, &r);
	r.victim = gw_timer_start_at_us(r.loop, t0 + 15000, t1, &r);
	gw_timer_start_at_us(r.loop, t0 + 30000, t_stop, &r);
	gw_loop_run(r.loop);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.order[0], 7);
	assert_int_equal(r.order[1], 9);
	gw_loop_free(r.loop); /* frees nothing twice (ASan) */
}

struct fdrec {
	struct gw_loop *loop;
	int fd;
	int hits;
};

static void on_read(void *arg, uint32_t events)
{
	struct fdrec *f = arg;
	char c;

	assert_true(events & EPOLLIN);
	assert_int_equal(read(f->fd, &c, 1), 1);
	f->hits++;
	/* removing itself from inside its callback is allowed */
	gw_loop_fd_del(f->loop, f->fd);
	gw_loop_stop(f->loop);
}

static void fd_callback_and_self_removal(void **state)
{
	int sv[2];
	struct fdrec f = { .loop = gw_loop_alloc() };

	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
	f.fd = sv[0];
	assert_int_equal(gw_loop_fd_add(f.loop, sv[0], EPOLLIN, on_read, &f),
			 0);
	assert_int_not_equal(
		gw_loop_fd_add(f.loop, sv[0], EPOLLIN, on_read, &f),
		0); /* twice: refused */
	assert_int_equal(write(sv[1], "x", 1), 1);
	assert_int_equal(write(sv[1], "y", 1), 1);
	gw_loop_run(f.loop);
	assert_int_equal(f.hits, 1);
	gw_loop_free(f.loop);
	close(sv[0]);
	close(sv[1]);
}

static void leftover_timers_freed(void **state)
{
	struct gw_loop *loop = gw_loop_alloc();
	struct rec r = { .loop = loop };

	for (int i = 0; i < 200; i++) /* grows the heap past its first size */
		assert_non_null(
			gw_timer_start(loop, 100000 + (uint64_t)i, t1, &r));
	gw_loop_free(loop);
}

static void count_idle(void *arg)
{
	(*(unsigned *)arg)++;
}

static void at_fired(void *arg)
{
	*(uint64_t *)arg = 1;
}

/* The idle hook runs once before each wait, and no more once removed; a
 * timer 1.5 ms ahead does not fire early (the wait is in microseconds,
 * not rounded to a millisecond either way). */
static void idle_hook_and_microsecond_timers(void **state)
{
	struct gw_loop *loop = gw_loop_alloc();
	unsigned idles = 0;
	uint64_t fired = 0, at;

	assert_non_null(loop);
	gw_loop_set_idle(loop, count_idle, &idles);
	assert_int_equal(gw_loop_once(loop, 0), 0);
	assert_int_equal(gw_loop_once(loop, 0), 0);
	assert_int_equal(idles, 2);
	gw_loop_set_idle(loop, NULL, NULL);
	assert_int_equal(gw_loop_once(loop, 0), 0);
	assert_int_equal(idles, 2);
	at = gw_loop_now_us(loop) + 1500;
	assert_non_null(gw_timer_start_at_us(loop, at, at_fired, &fired));
	for (int i = 0; i < 100 && !fired; i++)
		assert_int_equal(gw_loop_once(loop, 100), 0);
	assert_int_equal(fired, 1);
	assert_true(gw_loop_now_us(loop) >= at);
	gw_loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(timer_stopped_by_another),
		cmocka_unit_test(fd_callback_and_self_removal),
		cmocka_unit_test(leftover_timers_freed),
		cmocka_unit_test(idle_hook_and_microsecond_timers),
	};

	return cmocka_run_group_tests_name("gateway_loop", tests, NULL, NULL);
}
