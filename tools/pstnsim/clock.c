/*
 * pstnsim's one clock: every timer, fd watch and the time itself go
 * through here, in one of two modes.
 *
 * Real time: the gateway's event loop (gw_loop) and its tdm adapters.
 *
 * Virtual time (--virtual): for spans whose peers all live in this
 * process (a NET server span and a CPE client span on the same path).
 * The loop first drains every readable descriptor, and only when none
 * is ready jumps the clock to the next timer and fires it; the loop
 * driver's 20 ms ticks, libpri's timers (through tdm_vclock_set, which
 * interposes gettimeofday), the fax machines and the scenario all follow
 * that clock, so a minute of line time takes a fraction of a second and
 * no audio block is ever late.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/time.h>

#include "gateway/loop.h"
#include "tools/pstnsim/pstnsim.h"

#define MAX_FDS 64
#define IDLE_WAIT_MS 100 /* nothing scheduled: wait this long for input */

struct sim_timer {
	struct sim_timer *next;
	uint64_t at; /* virtual ms */
	uint64_t seq;
	void (*fn)(void *);
	void *arg;
};

struct vfd {
	int fd;
	void (*fn)(void *arg, uint32_t events); /* pstnsim's own watches */
	void (*tfn)(void *arg);			/* tdm's */
	void *arg;
};

static struct {
	bool virt, stop;
	uint64_t now;	  /* virtual ms */
	uint64_t base_us; /* wall clock at start, for libpri */
	uint64_t seq;
	struct sim_timer *timers; /* sorted by (at, seq) */
	struct vfd fds[MAX_FDS];
	int nfds;
} V;

bool sim_clock_virtual(void)
{
	return V.virt;
}

void sim_clock_init(bool virt)
{
	struct timeval tv;

	memset(&V, 0, sizeof(V));
	V.virt = virt;
	if (!virt)
		return;
	gettimeofday(&tv, NULL);
	V.base_us = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
	tdm_vclock_set(V.base_us);
}

uint64_t sim_clock_ms(void)
{
	return V.virt ? V.now : gw_loop_now(sim_get()->loop);
}

struct sim_timer *sim_timer_start(uint64_t ms, void (*fn)(void *), void *arg)
{
	struct sim_timer *t, **pp;

	if (!V.virt)
		return (struct sim_timer *)(void *)gw_timer_start(
			sim_get()->loop, ms, fn, arg);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->at = V.now + ms;
	t->seq = V.seq++;
	t->fn = fn;
	t->arg = arg;
	for (pp = &V.timers; *pp && (*pp)->at <= t->at; pp = &(*pp)->next)
		;
	t->next = *pp;
	*pp = t;
	return t;
}

void sim_timer_stop(struct sim_timer *t)
{
	struct sim_timer **pp;

	if (!t)
		return;
	if (!V.virt) {
		gw_timer_stop(sim_get()->loop, (struct gw_timer *)(void *)t);
		return;
	}
	for (pp = &V.timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			free(t);
			return;
		}
}

static int vfd_add(int fd, void (*fn)(void *, uint32_t), void (*tfn)(void *),
		   void *arg)
{
	if (V.nfds == MAX_FDS)
		return ENOSPC;
	V.fds[V.nfds++] = (struct vfd){ fd, fn, tfn, arg };
	return 0;
}

int sim_fd_watch(int fd, void (*fn)(void *arg, uint32_t events), void *arg)
{
	if (!V.virt)
		return gw_loop_fd_add(sim_get()->loop, fd, EPOLLIN, fn, arg);
	return vfd_add(fd, fn, NULL, arg);
}

void sim_fd_unwatch(int fd)
{
	int i;

	if (!V.virt) {
		gw_loop_fd_del(sim_get()->loop, fd);
		return;
	}
	for (i = 0; i < V.nfds; i++)
		if (V.fds[i].fd == fd) {
			V.fds[i] = V.fds[--V.nfds];
			return;
		}
}

/* ---- tdm hooks in virtual time ---- */

static uint64_t hk_now(void *arg)
{
	return V.now;
}

static void *hk_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
			    void *fnarg)
{
	return sim_timer_start(ms, fn, fnarg);
}

static void hk_timer_stop(void *arg, void *t)
{
	sim_timer_stop(t);
}

static int hk_fd_watch(void *arg, int fd, void (*fn)(void *), void *fnarg)
{
	return vfd_add(fd, NULL, fn, fnarg);
}

static void hk_fd_unwatch(void *arg, int fd)
{
	sim_fd_unwatch(fd);
}

void sim_clock_tdm_hooks(struct tdm_hooks *h)
{
	gw_hooks_tdm_init(h, &sim_get()->hctx);
	if (!V.virt)
		return;
	h->now = hk_now;
	h->timer_start = hk_timer_start;
	h->timer_stop = hk_timer_stop;
	h->fd_watch = hk_fd_watch;
	h->fd_unwatch = hk_fd_unwatch;
}

/* ---- the virtual loop ---- */

/* Calls the handler of every ready descriptor once; how many ran. */
static int poll_fds(int wait_ms)
{
	struct pollfd p[MAX_FDS];
	struct vfd ready[MAX_FDS];
	int i, n = V.nfds, nready = 0, k;

	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = V.fds[i].fd, .events = POLLIN };
	k = poll(p, (nfds_t)n, wait_ms);
	if (k <= 0)
		return 0;
	/* copy first: a handler may add or remove watches */
	for (i = 0; i < n; i++)
		if (p[i].revents)
			ready[nready++] = V.fds[i];
	for (i = 0; i < nready && !V.stop; i++) {
		int j;
		bool still = false;

		for (j = 0; j < V.nfds; j++)
			if (V.fds[j].fd == ready[i].fd &&
			    V.fds[j].arg == ready[i].arg)
				still = true;
		if (!still)
			continue;
		if (ready[i].tfn)
			ready[i].tfn(ready[i].arg);
		else
			ready[i].fn(ready[i].arg, EPOLLIN);
	}
	return nready;
}

void sim_clock_run(void)
{
	if (!V.virt) {
		gw_loop_run(sim_get()->loop);
		return;
	}
	while (!V.stop) {
		struct sim_timer *t;

		if (poll_fds(0) > 0)
			continue;
		t = V.timers;
		if (!t) {
			/* only the outside (a signal, a peer) can go on */
			poll_fds(IDLE_WAIT_MS);
			continue;
		}
		V.timers = t->next;
		if (t->at > V.now) {
			V.now = t->at;
			tdm_vclock_set(V.base_us + V.now * 1000u);
		}
		t->fn(t->arg);
		free(t);
	}
}

void sim_clock_stop(void)
{
	if (V.virt)
		V.stop = true;
	else
		gw_loop_stop(sim_get()->loop);
}

void sim_clock_release(void)
{
	while (V.timers) {
		struct sim_timer *t = V.timers;

		V.timers = t->next;
		free(t);
	}
	V.nfds = 0;
}
