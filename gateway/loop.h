#pragma once
/*
 * gw_loop: the signalling thread's event loop. One epoll set for file
 * descriptors, one binary heap of timers on the monotonic clock.
 * Not thread-safe: only the thread that runs the loop may touch it.
 * Also linked by the tools (pstnsim, sipua), which run the same loop.
 */
#include <stdbool.h>
#include <stdint.h>

struct gw_loop;
struct gw_timer;

typedef void(gw_fd_fn)(void *arg, uint32_t events);
typedef void(gw_timer_fn)(void *arg);

struct gw_loop *gw_loop_alloc(void);
void gw_loop_free(struct gw_loop *loop);

/* Monotonic milliseconds, cached once per loop iteration. */
uint64_t gw_loop_now(struct gw_loop *loop);
/* Monotonic microseconds, read now (for drift-free media clocks). */
uint64_t gw_loop_now_us(struct gw_loop *loop);

/* Microseconds spent so far handling events and timers (not waiting,
 * not in the idle hook): the thread's load is its growth over wall time
 * (overload.c). */
uint64_t gw_loop_busy_us(const struct gw_loop *loop);

/* events: EPOLLIN / EPOLLOUT; 0 or errno. */
int gw_loop_fd_add(struct gw_loop *loop, int fd, uint32_t events, gw_fd_fn *fn,
		   void *arg);
int gw_loop_fd_mod(struct gw_loop *loop, int fd, uint32_t events);
void gw_loop_fd_del(struct gw_loop *loop, int fd);

/* One-shot timer firing after ms. The handle is valid until it fires or
 * is stopped; the callback may start or stop any timer. NULL on ENOMEM. */
struct gw_timer *gw_timer_start(struct gw_loop *loop, uint64_t ms,
				gw_timer_fn *fn, void *arg);
/* Same, with an absolute deadline in microseconds (gw_loop_now_us). */
struct gw_timer *gw_timer_start_at_us(struct gw_loop *loop, uint64_t at_us,
				      gw_timer_fn *fn, void *arg);
void gw_timer_stop(struct gw_loop *loop, struct gw_timer *t);

/* Called at the start of every iteration, before the loop may sleep: a
 * brief busy wait for work due within microseconds (the media workers'
 * answers), which a sleeping CPU might take milliseconds to wake for.
 * One per loop; NULL removes it. */
typedef void(gw_loop_idle_fn)(void *arg);
void gw_loop_set_idle(struct gw_loop *loop, gw_loop_idle_fn *fn, void *arg);

/* Runs until gw_loop_stop(); 0 or errno. */
int gw_loop_run(struct gw_loop *loop);
/* Runs one iteration waiting at most max_ms (-1: until something). */
int gw_loop_once(struct gw_loop *loop, int max_ms);
void gw_loop_stop(struct gw_loop *loop);
bool gw_loop_stopped(const struct gw_loop *loop);
