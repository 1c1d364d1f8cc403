/*
 * The D-channel as a line, for drivers that simulate one (loop): a
 * dropped D-channel (frames lost both ways until a deadline), one frame
 * sent with a bad FCS, and pacing at 64 kbit/s with a bounded queue, as
 * a real HDLC link would. Time comes from the span's hooks only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tdm/tdm_int.h"

#define LINE_QUEUE 64 /* frames waiting for the wire */
#define LINE_MAX_FRAME 512
#define LINE_BITS_PER_MS 64 /* 64 kbit/s */
/* HDLC overhead per frame on the wire: opening flag (the closing one is
 * the next frame's opening); the 2 FCS bytes are in the frame already. */
#define LINE_OVERHEAD 1

struct line_frame {
	size_t len;
	uint8_t buf[LINE_MAX_FRAME];
};

/* Owned by the driver that made it (tdm_line_alloc / tdm_line_free). */
struct tdm_line {
	struct tdm_span *span;
	tdm_line_send_fn send;
	void *arg;
	bool paced;
	uint64_t drop_until; /* hooks ms; frames lost before it */
	bool dropping;
	bool corrupt_next;
	uint64_t free_at_us; /* pacing: when the wire is free again */
	void *timer;
	struct line_frame *q; /* ring of LINE_QUEUE, only when paced */
	int qhead, qlen;
};

static uint64_t line_now(const struct tdm_line *ln)
{
	return ln->span->hooks.now(ln->span->hooks.arg);
}

int tdm_line_alloc(struct tdm_span *span, bool paced, tdm_line_send_fn send,
		   void *arg, struct tdm_line **out)
{
	struct tdm_line *ln = calloc(1, sizeof(*ln));

	if (!ln)
		return ENOMEM;
	if (paced) {
		ln->q = calloc(LINE_QUEUE, sizeof(*ln->q));
		if (!ln->q) {
			free(ln);
			return ENOMEM;
		}
	}
	ln->span = span;
	ln->send = send;
	ln->arg = arg;
	ln->paced = paced;
	*out = ln;
	return 0;
}

void tdm_line_free(struct tdm_line *ln)
{
	if (!ln)
		return;
	if (ln->timer)
		ln->span->hooks.timer_stop(ln->span->hooks.arg, ln->timer);
	free(ln->q);
	free(ln);
}

/* A line reset (new connection): nothing queued, no fault pending. */
void tdm_line_reset(struct tdm_line *ln)
{
	ln->qlen = 0;
	ln->free_at_us = 0;
	ln->corrupt_next = false;
	if (ln->timer)
		ln->span->hooks.timer_stop(ln->span->hooks.arg, ln->timer);
	ln->timer = NULL;
}

bool tdm_line_dropping(struct tdm_line *ln)
{
	if (!ln->dropping)
		return false;
	if (line_now(ln) < ln->drop_until)
		return true;
	ln->dropping = false;
	tdm_log(ln->span, LOG_NOTICE, "D-channel restored");
	return false;
}

void tdm_line_drop(struct tdm_line *ln, unsigned ms)
{
	ln->dropping = ms > 0;
	ln->drop_until = line_now(ln) + ms;
	if (ms)
		tdm_log(ln->span, LOG_NOTICE, "D-channel dropped for %u ms",
			ms);
}

void tdm_line_corrupt(struct tdm_line *ln)
{
	ln->corrupt_next = true;
}

static void line_wire(struct tdm_line *ln, const uint8_t *buf, size_t len)
{
	bool bad = ln->corrupt_next;

	ln->corrupt_next = false;
	if (ln->paced) {
		uint64_t now = line_now(ln) * 1000;
		uint64_t us =
			(len + LINE_OVERHEAD) * 8 * 1000 / LINE_BITS_PER_MS;

		if (ln->free_at_us < now)
			ln->free_at_us = now;
		ln->free_at_us += us;
	}
	ln->send(ln->arg, buf, len, bad);
}

static void line_kick(void *arg);

static void line_arm(struct tdm_line *ln)
{
	uint64_t now = line_now(ln) * 1000, ms;

	if (ln->timer || !ln->qlen)
		return;
	ms = ln->free_at_us > now ? (ln->free_at_us - now + 999) / 1000 : 0;
	ln->timer = ln->span->hooks.timer_start(ln->span->hooks.arg, ms,
						line_kick, ln);
}

static void line_kick(void *arg)
{
	struct tdm_line *ln = arg;
	struct tdm_span *span = ln->span;
	uint64_t now;

	ln->timer = NULL;
	tdm_span_enter(span);
	now = line_now(ln) * 1000;
	/* the wire frees up by the deadline; anything due goes now */
	while (ln->qlen && ln->free_at_us <= now + 999 && !span->dying) {
		struct line_frame *f = &ln->q[ln->qhead];

		ln->qhead = (ln->qhead + 1) % LINE_QUEUE;
		ln->qlen--;
		line_wire(ln, f->buf, f->len);
	}
	if (tdm_span_leave(span))
		return;
	line_arm(ln);
}

void tdm_line_send(struct tdm_line *ln, const uint8_t *buf, size_t len)
{
	struct line_frame *f;

	if (tdm_line_dropping(ln)) {
		ln->span->stats.dchan_drops++;
		return;
	}
	if (!ln->paced ||
	    (!ln->qlen && ln->free_at_us <= line_now(ln) * 1000)) {
		line_wire(ln, buf, len);
		return;
	}
	if (ln->qlen == LINE_QUEUE || len > LINE_MAX_FRAME) {
		/* a full queue is a congested link: Q.921 recovers */
		ln->span->stats.dchan_drops++;
		tdm_log(ln->span, LOG_WARNING,
			"D-channel queue full: frame dropped");
		return;
	}
	ln->span->stats.tx_paced++;
	f = &ln->q[(ln->qhead + ln->qlen++) % LINE_QUEUE];
	memcpy(f->buf, buf, len);
	f->len = len;
	line_arm(ln);
}

int tdm_line_queued(const struct tdm_line *ln)
{
	return ln->qlen;
}
