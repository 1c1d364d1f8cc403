/*
 * The signalling thread's event loop: epoll for descriptors, a binary heap
 * of timers keyed on monotonic microseconds. Deliberately small: everything
 * the gateway does on this thread is a callback from here.
 */
#include "gateway/loop.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

struct gw_timer {
	uint64_t at_us;
	size_t idx; /* position in the heap */
	gw_timer_fn *fn;
	void *arg;
};

struct fd_watch {
	int fd;
	gw_fd_fn *fn;
	void *arg;
	struct fd_watch *next;
};

struct gw_loop {
	int epfd;
	bool stop;
	uint64_t now_us;
	struct gw_timer **heap;
	size_t nheap, cap;
	/* descriptors are few (sockets, D-channels): a list is enough */
	struct fd_watch *watches;
	/* removed during a round; freed when the round's events are done */
	struct fd_watch *dead;
	gw_loop_idle_fn *idle; /* before each wait, see gw_loop_set_idle */
	void *idle_arg;
	uint64_t busy_us; /* handling events and timers (gw_loop_busy_us) */
};

static void free_dead(struct gw_loop *loop);

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

struct gw_loop *gw_loop_alloc(void)
{
	struct gw_loop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0) {
		free(loop);
		return NULL;
	}
	loop->now_us = mono_us();
	return loop;
}

void gw_loop_free(struct gw_loop *loop)
{
	if (!loop)
		return;
	while (loop->watches) {
		struct fd_watch *w = loop->watches;

		loop->watches = w->next;
		free(w);
	}
	free_dead(loop);
	for (size_t i = 0; i < loop->nheap; i++)
		free(loop->heap[i]);
	free(loop->heap);
	close(loop->epfd);
	free(loop);
}

uint64_t gw_loop_now(struct gw_loop *loop)
{
	return loop->now_us / 1000u;
}

uint64_t gw_loop_now_us(struct gw_loop *loop)
{
	loop->now_us = mono_us();
	return loop->now_us;
}

static struct fd_watch *watch_find(struct gw_loop *loop, int fd)
{
	for (struct fd_watch *w = loop->watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

int gw_loop_fd_add(struct gw_loop *loop, int fd, uint32_t events, gw_fd_fn *fn,
		   void *arg)
{
	struct epoll_event ev = { .events = events };
	struct fd_watch *w;

	if (fd < 0 || !fn)
		return EINVAL;
	if (watch_find(loop, fd))
		return EEXIST;
	w = calloc(1, sizeof(*w));
	if (!w)
		return ENOMEM;
	w->fd = fd;
	w->fn = fn;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(loop->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		int err = errno;

		free(w);
		return err;
	}
	w->next = loop->watches;
	loop->watches = w;
	return 0;
}

int gw_loop_fd_mod(struct gw_loop *loop, int fd, uint32_t events)
{
	struct fd_watch *w = watch_find(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!w)
		return ENOENT;
	ev.data.ptr = w;
	return epoll_ctl(loop->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? errno : 0;
}

void gw_loop_fd_del(struct gw_loop *loop, int fd)
{
	for (struct fd_watch **pp = &loop->watches; *pp; pp = &(*pp)->next) {
		struct fd_watch *w = *pp;

		if (w->fd != fd)
			continue;
		epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
		/* A pending event for it in this round must not fire, and its
		 * memory must stay valid until the round is over. */
		*pp = w->next;
		w->fn = NULL;
		w->next = loop->dead;
		loop->dead = w;
		return;
	}
}

static void free_dead(struct gw_loop *loop)
{
	while (loop->dead) {
		struct fd_watch *w = loop->dead;

		loop->dead = w->next;
		free(w);
	}
}

static void heap_swap(struct gw_loop *loop, size_t a, size_t b)
{
	struct gw_timer *t = loop->heap[a];

	loop->heap[a] = loop->heap[b];
	loop->heap[b] = t;
	loop->heap[a]->idx = a;
	loop->heap[b]->idx = b;
}

static void heap_up(struct gw_loop *loop, size_t i)
{
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (loop->heap[p]->at_us <= loop->heap[i]->at_us)
			break;
		heap_swap(loop, p, i);
		i = p;
	}
}

static void heap_down(struct gw_loop *loop, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < loop->nheap &&
		    loop->heap[l]->at_us < loop->heap[m]->at_us)
			m = l;
		if (r < loop->nheap &&
		    loop->heap[r]->at_us < loop->heap[m]->at_us)
			m = r;
		if (m == i)
			return;
		heap_swap(loop, i, m);
		i = m;
	}
}

static void heap_remove(struct gw_loop *loop, size_t i)
{
	size_t last = --loop->nheap;

	if (i != last) {
		heap_swap(loop, i, last);
		heap_down(loop, i);
		heap_up(loop, i);
	}
}

struct gw_timer *gw_timer_start_at_us(struct gw_loop *loop, uint64_t at_us,
				      gw_timer_fn *fn, void *arg)
{
	struct gw_timer *t;

	if (loop->nheap == loop->cap) {
		size_t cap = loop->cap ? loop->cap * 2 : 64;
		struct gw_timer **h = realloc(loop->heap, cap * sizeof(*h));

		if (!h)
			return NULL;
		loop->heap = h;
		loop->cap = cap;
	}
	t = malloc(sizeof(*t));
	if (!t)
		return NULL;
	t->at_us = at_us;
	t->fn = fn;
	t->arg = arg;
	t->idx = loop->nheap;
	loop->heap[loop->nheap++] = t;
	heap_up(loop, t->idx);
	return t;
}

struct gw_timer *gw_timer_start(struct gw_loop *loop, uint64_t ms,
				gw_timer_fn *fn, void *arg)
{
	return gw_timer_start_at_us(loop, mono_us() + ms * 1000u, fn, arg);
}

void gw_timer_stop(struct gw_loop *loop, struct gw_timer *t)
{
	if (!t)
		return;
	heap_remove(loop, t->idx);
	free(t);
}

static void run_timers(struct gw_loop *loop)
{
	/* Bounded: timers started by callbacks for "now" wait a round. */
	uint64_t now = gw_loop_now_us(loop);
	size_t budget = loop->nheap;

	while (budget-- && loop->nheap && loop->heap[0]->at_us <= now) {
		struct gw_timer *t = loop->heap[0];
		gw_timer_fn *fn = t->fn;
		void *arg = t->arg;

		heap_remove(loop, 0);
		free(t);
		fn(arg);
	}
}

void gw_loop_set_idle(struct gw_loop *loop, gw_loop_idle_fn *fn, void *arg)
{
	loop->idle = fn;
	loop->idle_arg = arg;
}

int gw_loop_once(struct gw_loop *loop, int max_ms)
{
	struct epoll_event evs[64];
	/* microseconds: a millisecond timeout would let the TDM tick's
	 * timer fire up to 1 ms late, and the media workers expect it */
	int64_t timeout = max_ms < 0 ? -1 : (int64_t)max_ms * 1000;
	struct timespec ts, *tsp = NULL;
	int n;

	if (loop->idle)
		loop->idle(loop->idle_arg);
	gw_loop_now_us(loop);
	if (loop->nheap) {
		uint64_t at = loop->heap[0]->at_us;
		int64_t d =
			at > loop->now_us ? (int64_t)(at - loop->now_us) : 0;

		if (timeout < 0 || d < timeout)
			timeout = d;
	}
	if (timeout >= 0) {
		ts.tv_sec = timeout / 1000000;
		ts.tv_nsec = (long)(timeout % 1000000) * 1000;
		tsp = &ts;
	}
	n = epoll_pwait2(loop->epfd, evs, 64, tsp, NULL);
	if (n < 0 && errno == ENOSYS) /* before Linux 5.11 */
		n = epoll_wait(loop->epfd, evs, 64,
			       timeout < 0 ? -1
					   : (int)((timeout + 999) / 1000));
	if (n < 0) {
		if (errno != EINTR)
			return errno;
		n = 0;
	}
	uint64_t t0 = gw_loop_now_us(loop);

	for (int i = 0; i < n; i++) {
		struct fd_watch *w = evs[i].data.ptr;

		if (w->fn)
			w->fn(w->arg, evs[i].events);
	}
	free_dead(loop);
	run_timers(loop);
	loop->busy_us += mono_us() - t0;
	return 0;
}

uint64_t gw_loop_busy_us(const struct gw_loop *loop)
{
	return loop ? loop->busy_us : 0;
}

int gw_loop_run(struct gw_loop *loop)
{
	int err = 0;

	loop->stop = false;
	while (!loop->stop && !err)
		err = gw_loop_once(loop, -1);
	return err;
}

void gw_loop_stop(struct gw_loop *loop)
{
	loop->stop = true;
}

bool gw_loop_stopped(const struct gw_loop *loop)
{
	return loop->stop;
}
