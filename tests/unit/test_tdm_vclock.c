/*
 * tdm/vclock.c: two loop spans in one process on a virtual clock. The
 * hooks run a tiny event loop whose time only moves when nothing is
 * readable: it jumps to the next timer. libpri reads the same clock, so
 * its default timers (T303 4 s, T203 10 s, T309 6 s) run at full length
 * in virtual time and take a fraction of that in wall time.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tdm/tdm.h"

#define VT_TIMERS 256
#define VT_FDS 16
#define VT_EV 4096

struct vt_timer {
	bool on;
	uint64_t at;
	void (*fn)(void *);
	void *arg;
};

struct vt_side {
	const char *name;
	struct tdm_span *span;
	struct tdm_call *call;
	enum tdm_event_type ev[VT_EV];
	int cause[VT_EV];
	int nev;
	bool answer;
};

static struct {
	uint64_t now_ms;
	struct vt_timer t[VT_TIMERS];
	struct {
		int fd;
		void (*fn)(void *);
		void *arg;
	} fd[VT_FDS];
	struct vt_side net, cpe;
	char dir[64], path[128];
} vt;

static uint64_t vt_now(void *arg)
{
	return vt.now_ms;
}

static void *vt_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
			    void *fnarg)
{
	for (int i = 0; i < VT_TIMERS; i++) {
		if (vt.t[i].on)
			continue;
		vt.t[i] = (struct vt_timer){ true, vt.now_ms + ms, fn, fnarg };
		return &vt.t[i];
	}
	return NULL;
}

static void vt_timer_stop(void *arg, void *t)
{
	((struct vt_timer *)t)->on = false;
}

static int vt_fd_watch(void *arg, int fd, void (*fn)(void *), void *fnarg)
{
	for (int i = 0; i < VT_FDS; i++) {
		if (vt.fd[i].fn)
			continue;
		vt.fd[i].fd = fd;
		vt.fd[i].fn = fn;
		vt.fd[i].arg = fnarg;
		return 0;
	}
	return ENOSPC;
}

static void vt_fd_unwatch(void *arg, int fd)
{
	for (int i = 0; i < VT_FDS; i++)
		if (vt.fd[i].fn && vt.fd[i].fd == fd)
			vt.fd[i].fn = NULL;
}

static void vt_log(void *arg, int level, const char *msg)
{
	if (getenv("TDM_TEST_VERBOSE"))
		fprintf(stderr, "[%llu %s] %s\n", (unsigned long long)vt.now_ms,
			((struct vt_side *)arg)->name, msg);
}

static void vt_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		     const struct tdm_event *ev)
{
	struct vt_side *s = arg;

	if (s->nev < VT_EV) {
		s->cause[s->nev] = ev->cause;
		s->ev[s->nev++] = ev->type;
	}
	if (ev->type == TDM_EV_SETUP) {
		s->call = call;
		if (s->answer)
			tdm_call_answer(call);
	}
	if (ev->type == TDM_EV_RELEASED && s->call == call)
		s->call = NULL;
}

static int vt_count(const struct vt_side *s, enum tdm_event_type t)
{
	int n = 0;

	for (int i = 0; i < s->nev; i++)
		n += s->ev[i] == t;
	return n;
}

/* One step: readable sockets first (no time passes), else the clock
 * jumps to the earliest timer and fires it. false: nothing to do. */
static bool vt_step(void)
{
	struct pollfd p[VT_FDS];
	int idx[VT_FDS], n = 0, i, best = -1;

	for (i = 0; i < VT_FDS; i++) {
		if (!vt.fd[i].fn)
			continue;
		p[n].fd = vt.fd[i].fd;
		p[n].events = POLLIN;
		idx[n++] = i;
	}
	if (n && poll(p, (nfds_t)n, 0) > 0) {
		for (i = 0; i < n; i++)
			if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    vt.fd[idx[i]].fn && vt.fd[idx[i]].fd == p[i].fd)
				vt.fd[idx[i]].fn(vt.fd[idx[i]].arg);
		return true;
	}
	for (i = 0; i < VT_TIMERS; i++)
		if (vt.t[i].on && (best < 0 || vt.t[i].at < vt.t[best].at))
			best = i;
	if (best < 0)
		return false;
	if (vt.t[best].at > vt.now_ms)
		vt.now_ms = vt.t[best].at;
	tdm_vclock_set(vt.now_ms * 1000);
	vt.t[best].on = false;
	vt.t[best].fn(vt.t[best].arg);
	return true;
}

/* Runs until pred() or max_ms of virtual time; bounded in steps. */
static bool vt_run(bool (*pred)(void), uint64_t max_ms)
{
	uint64_t end = vt.now_ms + max_ms;

	for (long i = 0; i < 2000000; i++) {
		if (pred && pred())
			return true;
		if (vt.now_ms >= end || !vt_step())
			break;
	}
	return pred ? pred() : true;
}

static bool both_up(void)
{
	return tdm_span_is_up(vt.net.span) && tdm_span_is_up(vt.cpe.span);
}

static int vt_span(struct vt_side *s, unsigned id, enum tdm_role role,
		   enum tdm_loop_mode mode)
{
	struct tdm_span_cfg cfg = { .id = id,
				    .type = TDM_SPAN_T1,
				    .role = role,
				    .loop_path = vt.path,
				    .loop_mode = mode };
	struct tdm_hooks h = {
		.arg = s,
		.now = vt_now,
		.timer_start = vt_timer_start,
		.timer_stop = vt_timer_stop,
		.fd_watch = vt_fd_watch,
		.fd_unwatch = vt_fd_unwatch,
		.log = vt_log,
		.event = vt_event,
	};
	int err = tdm_span_alloc(&cfg, &h, &s->span);

	return err ? err : tdm_span_start(s->span);
}

static int setup(void **state)
{
	struct timeval tv;

	memset(&vt, 0, sizeof(vt));
	vt.net.name = "net";
	vt.cpe.name = "cpe";
	/* start from the real time: libpri's clock must not jump back */
	gettimeofday(&tv, NULL);
	vt.now_ms = (uint64_t)tv.tv_sec * 1000 + (uint64_t)tv.tv_usec / 1000;
	tdm_vclock_set(vt.now_ms * 1000);
	snprintf(vt.dir, sizeof(vt.dir), "/tmp/tdmvtXXXXXX");
	if (!mkdtemp(vt.dir))
		return -1;
	snprintf(vt.path, sizeof(vt.path), "%s/span.sock", vt.dir);
	if (vt_span(&vt.net, 1, TDM_ROLE_NET, TDM_LOOP_SERVER) ||
	    vt_span(&vt.cpe, 2, TDM_ROLE_CPE, TDM_LOOP_CLIENT))
		return -1;
	return vt_run(both_up, 10000) ? 0 : -1;
}

static int teardown(void **state)
{
	tdm_span_free(vt.cpe.span);
	tdm_span_free(vt.net.span);
	unlink(vt.path);
	rmdir(vt.dir);
	tdm_vclock_off();
	return 0;
}

static bool cpe_released(void)
{
	return vt_count(&vt.cpe, TDM_EV_RELEASED) > 0;
}

static bool net_restarted(void)
{
	return vt_count(&vt.net, TDM_EV_RESTART) > 0 && !vt.net.call;
}

/* Default T303 (4 s, SETUP sent twice): an unanswered SETUP is cleared
 * after 8 s of virtual time. */
static void test_t303_default(void **state)
{
	struct tdm_setup s = { .called = "100" };
	struct tdm_call *c;
	uint64_t t0 = vt.now_ms;
	int i;

	assert_true(tdm_vclock_active());
	assert_int_equal(tdm_call_place(vt.cpe.span, &s, NULL, &c), 0);
	assert_true(vt_run(cpe_released, 30000));
	assert_true(vt.now_ms - t0 >= 8000);
	assert_true(vt.now_ms - t0 < 9000);
	/* libpri clears with cause 18 (no user responding) */
	for (i = 0; i < vt.cpe.nev && vt.cpe.ev[i] != TDM_EV_RELEASED; i++)
		;
	assert_true(i < vt.cpe.nev);
	assert_int_equal(vt.cpe.cause[i], 18);
	/* then RESTARTs the channel: the NET side's offered call goes */
	assert_true(vt_run(net_restarted, 5000));
	assert_null(vt.net.call);
}

static bool cpe_connected(void)
{
	return vt_count(&vt.cpe, TDM_EV_CONNECT) > 0;
}

static bool cpe_down(void)
{
	return !tdm_span_is_up(vt.cpe.span);
}

/* Default timers, T309 6 s: a D-channel dropped for 30 s takes layer 2
 * down, and the answered call is cleared by T309; the link comes back
 * once the D-channel does. */
static void test_t309_default(void **state)
{
	struct tdm_setup s = { .called = "100" };
	struct tdm_call *c;
	uint64_t t0, tdown;

	vt.net.nev = vt.cpe.nev = 0;
	vt.net.answer = true;
	assert_int_equal(tdm_call_place(vt.cpe.span, &s, NULL, &c), 0);
	assert_true(vt_run(cpe_connected, 5000));
	t0 = vt.now_ms;
	assert_int_equal(tdm_span_inject_dchan_drop(vt.cpe.span, 30000), 0);
	assert_true(vt_run(cpe_down, 20000));
	tdown = vt.now_ms;
	assert_true(vt_run(cpe_released, 10000));
	assert_int_equal(tdm_span_stats(vt.cpe.span)->t309_released, 1);
	/* libpri starts T309 once its re-establishment failed too: N200 + 1
	 * more T200s (4 s) after reporting the link down */
	assert_int_equal(vt.now_ms - tdown, 4000 + 6000);
	assert_true(vt_run(both_up, 60000));
	assert_true(vt.now_ms - t0 >= 30000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_t303_default),
		cmocka_unit_test(test_t309_default),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
