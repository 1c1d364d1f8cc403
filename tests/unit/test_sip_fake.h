/*
 * test_sip_fake.h: fake hooks for the SIP unit tests: a virtual clock,
 * fake timers fired in deadline order, captured sends, recorded call
 * events, an allocation counter and a switch that fails the Nth
 * allocation. Header-only: each test is one file.
 */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sip/sip.h"

#define FK_TIMERS 512
#define FK_SENT 128
#define FK_EVENTS 32

struct fk_timer {
	bool live;
	uint64_t at;
	void (*fn)(void *);
	void *arg;
};

struct fk_sent {
	uint64_t at;
	struct sip_addr dst;
	char buf[4096];
	size_t len;
};

struct fk {
	uint64_t now;
	struct fk_timer tmr[FK_TIMERS];
	struct fk_sent sent[FK_SENT];
	unsigned nsent;
	enum sip_call_ev_type ev[FK_EVENTS];
	unsigned evcode[FK_EVENTS];
	int evcause[FK_EVENTS];
	bool evsdp[FK_EVENTS];
	unsigned nev;
	long allocs;	   /* live allocations */
	long nallocs;	   /* allocations attempted since fk_stack() */
	long fail_at;	   /* > 0: allocation number fail_at returns NULL */
	bool alloc_failed; /* set once fail_at has been hit */
	struct sip_call *incoming;
	unsigned auto_respond; /* respond with this code on call_incoming */
	struct sip_stack *st;
};

static struct fk fk;

static inline uint64_t fk_now(void *arg)
{
	(void)arg;
	return fk.now;
}

static inline void *fk_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
				   void *fnarg)
{
	(void)arg;
	for (int i = 0; i < FK_TIMERS; i++) {
		if (!fk.tmr[i].live) {
			fk.tmr[i] = (struct fk_timer){ true, fk.now + ms, fn,
						       fnarg };
			return &fk.tmr[i];
		}
	}
	return NULL;
}

static inline void fk_timer_stop(void *arg, void *h)
{
	(void)arg;
	struct fk_timer *t = h;
	assert_true(t->live); /* never stopped after firing */
	t->live = false;
}

static inline int fk_send(void *arg, const struct sip_addr *dst,
			  const void *buf, size_t len)
{
	(void)arg;
	if (fk.nsent < FK_SENT) {
		struct fk_sent *s = &fk.sent[fk.nsent++];
		s->at = fk.now;
		s->dst = *dst;
		s->len = len < sizeof(s->buf) - 1 ? len : sizeof(s->buf) - 1;
		memcpy(s->buf, buf, s->len);
		s->buf[s->len] = '\0';
	}
	return 0;
}

static inline void fk_log(void *arg, int level, const char *msg)
{
	(void)arg;
	(void)level;
	if (getenv("SIP_TEST_LOG"))
		fprintf(stderr, "[%llu] %s\n", (unsigned long long)fk.now, msg);
}

static inline void fk_incoming(void *arg, struct sip_call *call,
			       const struct sip_msg *invite)
{
	(void)arg;
	(void)invite;
	fk.incoming = call;
	if (fk.auto_respond)
		sip_call_respond(call, fk.auto_respond, NULL, NULL);
}

static inline void fk_event(void *arg, struct sip_call *call,
			    const struct sip_call_event *ev)
{
	(void)arg;
	if (fk.nev < FK_EVENTS) {
		fk.ev[fk.nev] = ev->type;
		fk.evcode[fk.nev] = ev->code;
		fk.evcause[fk.nev] = ev->q850_cause;
		fk.evsdp[fk.nev] = ev->sdp.l > 0;
		fk.nev++;
	}
	if (ev->type == SIP_CALL_EV_ENDED && fk.incoming == call)
		fk.incoming = NULL;
}

static inline void *fk_zalloc(void *arg, size_t size)
{
	(void)arg;
	if (++fk.nallocs == fk.fail_at) {
		fk.alloc_failed = true;
		return NULL;
	}
	void *p = calloc(1, size);
	if (p)
		fk.allocs++;
	return p;
}

static inline void fk_free(void *arg, void *p)
{
	(void)arg;
	fk.allocs--;
	free(p);
}

/* Fires due timers in deadline order up to now + ms. */
static inline void fk_advance(uint64_t ms)
{
	uint64_t end = fk.now + ms;
	for (;;) {
		int best = -1;
		for (int i = 0; i < FK_TIMERS; i++)
			if (fk.tmr[i].live && fk.tmr[i].at <= end &&
			    (best < 0 || fk.tmr[i].at < fk.tmr[best].at))
				best = i;
		if (best < 0)
			break;
		fk.now = fk.tmr[best].at;
		fk.tmr[best].live = false;
		fk.tmr[best].fn(fk.tmr[best].arg);
	}
	fk.now = end;
}

static inline unsigned fk_live_timers(void)
{
	unsigned n = 0;
	for (int i = 0; i < FK_TIMERS; i++)
		n += fk.tmr[i].live;
	return n;
}

static inline struct sip_addr fk_peer(void)
{
	struct sip_addr a;
	sip_addr_set(&a, "192.0.2.10", 5060);
	return a;
}

static inline struct sip_hooks fk_hooks(void)
{
	struct sip_hooks h = {
		.now = fk_now,
		.timer_start = fk_timer_start,
		.timer_stop = fk_timer_stop,
		.send = fk_send,
		.log = fk_log,
		.call_incoming = fk_incoming,
		.call_event = fk_event,
		.zalloc = fk_zalloc,
		.free = fk_free,
	};
	return h;
}

/* Resets the fake and allocates fk.st with cfg; returns the error. */
static inline int fk_stack_cfg(const struct sip_stack_cfg *cfg)
{
	struct sip_hooks h = fk_hooks();
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	return sip_stack_alloc(&fk.st, cfg, &h);
}

static inline struct sip_stack *fk_stack(void)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060,
				     .user_agent = "pstngw-test" };
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	return fk.st;
}

/* Fails the nth allocation from now on (1: the next one). */
static inline void fk_fail_nth(long n)
{
	fk.fail_at = fk.nallocs + n;
	fk.alloc_failed = false;
}

/* Frees the stack and checks that nothing leaked or kept running. */
static inline void fk_done(void)
{
	sip_stack_free(fk.st);
	fk.st = NULL;
	assert_int_equal(fk.allocs, 0);
	assert_int_equal(fk_live_timers(), 0);
}

static inline int fk_recv(const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	struct sip_addr a = fk_peer();
	return sip_stack_recv(fk.st, &a, buf, (size_t)n);
}

static inline const struct fk_sent *fk_last(void)
{
	return fk.nsent ? &fk.sent[fk.nsent - 1] : NULL;
}

/* Status code of sent message i, or 0 for a request. */
static inline unsigned fk_code(unsigned i)
{
	unsigned code = 0;
	if (i < fk.nsent && strncmp(fk.sent[i].buf, "SIP/2.0 ", 8) == 0)
		code = (unsigned)atoi(fk.sent[i].buf + 8);
	return code;
}

static inline bool fk_is(unsigned i, const char *method)
{
	return i < fk.nsent &&
	       strncmp(fk.sent[i].buf, method, strlen(method)) == 0 &&
	       fk.sent[i].buf[strlen(method)] == ' ';
}

/* Copies the value of header 'name' of sent message i into out. */
static inline bool fk_hdr(unsigned i, const char *name, char *out, size_t size)
{
	struct sip_msg m;
	if (i >= fk.nsent ||
	    sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len, 65535))
		return false;
	const struct sip_hdr *h = sip_msg_hdr_name(&m, name);
	return h && sip_pl_copy(&h->val, out, size) == 0;
}
