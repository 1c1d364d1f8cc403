#pragma once
/*
 * Shared by the tdm tests that run real spans: a NET server span and a
 * CPE client span over a Unix socket in a temp dir, on gw_loop, with
 * scripted reactions and a record of every event. Every wait is bounded
 * in iterations and wall time.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cmocka.h>

#include "gateway/loop.h"
#include "tdm/tdm.h"
#include "tdm/tdm_int.h"

#define TH_MAX_FD 1024
#define TH_MAX_EV 512

enum th_action { TH_NONE, TH_ALERT, TH_ANSWER, TH_REJECT, TH_PROCEED };

struct th_ev {
	enum tdm_event_type type;
	unsigned call;
	int chan;
	int cause;
	char called[TDM_NUM_MAX];
	char calling[TDM_NUM_MAX];
	char digits[TDM_NUM_MAX];
	struct tdm_call_info info; /* SETUP */
	bool has_info;
	unsigned progress;
	int chan_state;
	unsigned alarms;
	bool complete;
};

struct th;

struct th_side {
	struct th *th;
	const char *name;
	struct tdm_span *span;
	struct th_ev ev[TH_MAX_EV];
	int nev;
	enum th_action on_setup;
	int reject_cause;
	/* hang up from inside a DISCONNECT report, as the gateway does */
	bool hangup_on_disc;
	struct tdm_call *call;		       /* latest live call */
	int live;			       /* calls not yet released */
	uint8_t rx_last[TDM_MAX_TIMESLOT + 1]; /* last sample heard, per ts */
	int rx_blocks[TDM_MAX_TIMESLOT + 1];
};

struct th {
	struct gw_loop *loop;
	char dir[64];
	char path[128];
	struct {
		void (*fn)(void *);
		void *arg;
	} watch[TH_MAX_FD];
	struct th_side net, cpe;
};

/* One harness per test binary; cmocka runs tests one at a time. */
static struct th th_g;

/* Sent on timeslot ts by a side: distinct per side and channel. */
static inline uint8_t th_tx_byte(const struct th_side *s, int ts)
{
	return (uint8_t)((s == &th_g.net ? 0x40 : 0x80) + ts);
}

static inline uint64_t th_now(void *arg)
{
	return gw_loop_now(th_g.loop);
}

static inline void *th_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
				   void *fnarg)
{
	return gw_timer_start(th_g.loop, ms, fn, fnarg);
}

static inline void th_timer_stop(void *arg, void *t)
{
	gw_timer_stop(th_g.loop, t);
}

static inline void th_fd_ready(void *arg, uint32_t events)
{
	int fd = (int)(intptr_t)arg;

	if (fd >= 0 && fd < TH_MAX_FD && th_g.watch[fd].fn)
		th_g.watch[fd].fn(th_g.watch[fd].arg);
}

static inline int th_fd_watch(void *arg, int fd, void (*fn)(void *),
			      void *fnarg)
{
	if (fd < 0 || fd >= TH_MAX_FD)
		return EINVAL;
	th_g.watch[fd].fn = fn;
	th_g.watch[fd].arg = fnarg;
	return gw_loop_fd_add(th_g.loop, fd, EPOLLIN, th_fd_ready,
			      (void *)(intptr_t)fd);
}

static inline void th_fd_unwatch(void *arg, int fd)
{
	gw_loop_fd_del(th_g.loop, fd);
	if (fd >= 0 && fd < TH_MAX_FD)
		th_g.watch[fd].fn = NULL;
}

static inline void th_log(void *arg, int level, const char *msg)
{
	struct th_side *s = arg;

	if (getenv("TDM_TEST_VERBOSE"))
		fprintf(stderr, "[%s %d] %s\n", s->name, level, msg);
}

static inline void th_event(void *arg, struct tdm_span *span,
			    struct tdm_call *call, const struct tdm_event *ev)
{
	struct th_side *s = arg;
	struct th_ev *r;

	if (getenv("TDM_TEST_VERBOSE"))
		fprintf(stderr, "[%s] event %s call %u chan %d cause %d\n",
			s->name, tdm_event_type_name(ev->type),
			call ? tdm_call_id(call) : 0, ev->chan, ev->cause);
	if (s->nev < TH_MAX_EV) {
		r = &s->ev[s->nev++];
		memset(r, 0, sizeof(*r));
		r->type = ev->type;
		r->call = call ? tdm_call_id(call) : 0;
		r->chan = ev->chan;
		r->cause = ev->cause;
		if (ev->called)
			snprintf(r->called, sizeof(r->called), "%.31s",
				 ev->called);
		if (ev->calling)
			snprintf(r->calling, sizeof(r->calling), "%.31s",
				 ev->calling);
		if (ev->digits)
			snprintf(r->digits, sizeof(r->digits), "%.31s",
				 ev->digits);
		if (ev->info) {
			r->info = *ev->info;
			r->has_info = true;
		}
		r->progress = ev->progress;
		r->chan_state = (int)ev->chan_state;
		r->alarms = ev->alarms;
		r->complete = ev->complete;
	}
	switch (ev->type) {
	case TDM_EV_SETUP:
		s->call = call;
		s->live++;
		if (s->on_setup == TH_ALERT || s->on_setup == TH_ANSWER) {
			tdm_call_proceeding(call);
			tdm_call_alerting(call, true);
		}
		if (s->on_setup == TH_ANSWER)
			tdm_call_answer(call);
		if (s->on_setup == TH_REJECT)
			tdm_call_hangup(call, s->reject_cause);
		if (s->on_setup == TH_PROCEED)
			tdm_call_proceeding(call);
		break;
	case TDM_EV_DISCONNECT:
		if (s->hangup_on_disc)
			tdm_call_hangup(call, ev->cause);
		break;
	case TDM_EV_RELEASED:
		s->live--;
		if (s->call == call)
			s->call = NULL;
		break;
	default:
		break;
	}
}

static inline void th_audio(void *arg, struct tdm_span *span,
			    struct tdm_call *call, const uint8_t *rx,
			    uint8_t *tx, size_t n)
{
	struct th_side *s = arg;
	int ts = tdm_call_chan(call);

	if (ts < 1 || ts > TDM_MAX_TIMESLOT)
		return;
	s->rx_last[ts] = rx[n - 1];
	s->rx_blocks[ts]++;
	memset(tx, th_tx_byte(s, ts), n);
}

static inline void th_hooks(struct th_side *s, struct tdm_hooks *h)
{
	memset(h, 0, sizeof(*h));
	h->arg = s;
	h->now = th_now;
	h->timer_start = th_timer_start;
	h->timer_stop = th_timer_stop;
	h->fd_watch = th_fd_watch;
	h->fd_unwatch = th_fd_unwatch;
	h->log = th_log;
	h->event = th_event;
	h->audio = th_audio;
}

/* Runs the loop until pred() holds or max_ms pass; returns pred(). */
static inline bool th_run(bool (*pred)(void), int max_ms)
{
	uint64_t end = gw_loop_now_us(th_g.loop) + (uint64_t)max_ms * 1000;
	int i;

	for (i = 0; i < max_ms * 4 + 100; i++) {
		if (pred && pred())
			return true;
		if (gw_loop_now_us(th_g.loop) >= end)
			break;
		gw_loop_once(th_g.loop, 5);
	}
	return pred ? pred() : true;
}

static inline int th_count(const struct th_side *s, enum tdm_event_type t)
{
	int i, n = 0;

	for (i = 0; i < s->nev; i++)
		n += s->ev[i].type == t;
	return n;
}

/* The latest event of type t, or NULL. */
static inline const struct th_ev *th_find(const struct th_side *s,
					  enum tdm_event_type t)
{
	int i;

	for (i = s->nev - 1; i >= 0; i--)
		if (s->ev[i].type == t)
			return &s->ev[i];
	return NULL;
}

static inline bool th_both_up(void)
{
	return th_g.net.span && th_g.cpe.span &&
	       tdm_span_is_up(th_g.net.span) && tdm_span_is_up(th_g.cpe.span);
}

static inline bool th_all_released(void)
{
	return (!th_g.net.span ||
		tdm_span_calls(th_g.net.span, NULL, 0) == 0) &&
	       (!th_g.cpe.span || tdm_span_calls(th_g.cpe.span, NULL, 0) == 0);
}

/* Extra span settings for the next th_setup_pair (fields other than
 * id, type, role, switchtype, driver, path and mode), per side. */
static struct tdm_span_cfg th_cfg_net, th_cfg_cpe;
/* T203 for the next th_setup_pair, 0: libpri's default */
static int th_t203_ms;

static inline int th_span_new(struct th_side *s, enum tdm_span_type type,
			      enum tdm_role role, const char *sw,
			      enum tdm_loop_mode mode)
{
	struct tdm_span_cfg cfg =
		mode == TDM_LOOP_SERVER ? th_cfg_net : th_cfg_cpe;
	struct tdm_span_cfg base = {
		.id = mode == TDM_LOOP_SERVER ? 1 : 2,
		.type = type,
		.role = role,
		.switchtype = sw,
		.driver = "loop",
		.loop_path = th_g.path,
		.loop_mode = mode,
	};
	struct tdm_hooks h;
	int err;

	cfg.id = base.id;
	cfg.type = base.type;
	cfg.role = base.role;
	cfg.switchtype = base.switchtype;
	cfg.driver = base.driver;
	cfg.loop_path = base.loop_path;
	cfg.loop_mode = base.loop_mode;
	th_hooks(s, &h);
	err = tdm_span_alloc(&cfg, &h, &s->span);
	if (err)
		return err;
	/* fast layer 2 bring-up and recovery */
	tdm_span_set_timer(s->span, "T200", 100);
	if (th_t203_ms)
		tdm_span_set_timer(s->span, "T203", th_t203_ms);
	return tdm_span_start(s->span);
}

/* NET server + CPE client, both layer 2 up. */
static inline int th_setup_pair(enum tdm_span_type type, const char *sw)
{
	memset(&th_g, 0, sizeof(th_g));
	th_g.net.th = th_g.cpe.th = &th_g;
	th_g.net.name = "net";
	th_g.cpe.name = "cpe";
	snprintf(th_g.dir, sizeof(th_g.dir), "/tmp/tdmtestXXXXXX");
	if (!mkdtemp(th_g.dir))
		return -1;
	snprintf(th_g.path, sizeof(th_g.path), "%s/span.sock", th_g.dir);
	th_g.loop = gw_loop_alloc();
	if (!th_g.loop)
		return -1;
	if (th_span_new(&th_g.net, type, TDM_ROLE_NET, sw, TDM_LOOP_SERVER) ||
	    th_span_new(&th_g.cpe, type, TDM_ROLE_CPE, sw, TDM_LOOP_CLIENT))
		return -1;
	return th_run(th_both_up, 5000) ? 0 : -1;
}

static inline void th_teardown_pair(void)
{
	tdm_span_free(th_g.cpe.span);
	tdm_span_free(th_g.net.span);
	th_g.cpe.span = th_g.net.span = NULL;
	gw_loop_free(th_g.loop);
	th_g.loop = NULL;
	unlink(th_g.path);
	rmdir(th_g.dir);
}

static inline int th_group_setup_t1(void **state)
{
	return th_setup_pair(TDM_SPAN_T1, NULL);
}

static inline int th_group_teardown(void **state)
{
	th_teardown_pair();
	return 0;
}

/* Per test: clear the record and the scripted reactions. */
static inline int th_reset(void **state)
{
	struct th_side *s[2] = { &th_g.net, &th_g.cpe };
	int i;

	for (i = 0; i < 2; i++) {
		s[i]->nev = 0;
		s[i]->on_setup = TH_NONE;
		s[i]->reject_cause = 0;
		s[i]->hangup_on_disc = false;
		memset(s[i]->rx_last, 0, sizeof(s[i]->rx_last));
		memset(s[i]->rx_blocks, 0, sizeof(s[i]->rx_blocks));
	}
	return 0;
}
