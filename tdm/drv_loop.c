/*
 * Loop driver: a span carried over one Unix-domain SOCK_SEQPACKET
 * connection, standing in for a PRI card and its cable.
 *
 * Wire protocol (one message per send; byte 0 is the type):
 *
 *   type 1, D-channel frame:  [1][Q.921 frame as libpri wrote it, with its
 *                              2 FCS placeholder bytes]; 1 + 5..TDM_LOOP_MAX_FRAME
 *                              bytes. Passed unchanged to the peer's libpri.
 *   type 2, audio block:      [2][0][0][0][uint32 block counter, network
 *                              order][160 samples per B-channel, channels in
 *                              timeslot order]; exactly 8 + 160 * 23 bytes on
 *                              T1 (µ-law), 8 + 160 * 30 on E1 (A-law). Idle
 *                              channels carry the law's silence (0xFF, 0xD5).
 *
 *   type 3, line condition:   [3][TDM_ALARM_* mask]: what the sender's
 *                              line now shows the receiver: red (loss of
 *                              signal/frame), blue (AIS) or yellow (RAI);
 *                              0 clears. Sent on every change. A receiver
 *                              in red or blue answers with yellow (RAI) of
 *                              its own, as a real framer does. While red
 *                              or blue is active the D-channel carries
 *                              nothing either way (audio blocks go on).
 *   type 4, bad frame:        [4][frame]: a D-channel frame whose FCS
 *                              failed on the wire; the receiver counts it
 *                              (rx_fcs_errors) and drops it, as an HDLC
 *                              receiver would. Q.921 recovers.
 *
 * Peers built before types 3 and 4 reject them as unknown (counted,
 * dropped), so old and new ends still interwork.
 *
 * The server (switch side) listens, takes one peer at a time and is the
 * clock: every 20 ms, on absolute deadlines, it sends a block. The client
 * (card side) answers each block with one of its own carrying the same
 * counter. The server plays the client's blocks in arrival order, one a
 * tick, from a queue of LOOP_SRV_QUEUE: a late answer adds delay, it is
 * never overwritten. A tick with nothing queued plays the last block
 * again (a slip, as a real T1 makes one), not silence: a fax modem keeps
 * its carrier through a repeated 20 ms block, not through a gap.
 * cfg.loop_prefill queues that many blocks of silence first, so every
 * answer plays that much later and a client (or a server) late by up to
 * that many blocks costs nothing at all. So the client may answer a little later than at
 * once: with asynchronous audio (tdm/audio.c) it sends its answer when
 * the media threads have made it, at most TDM_AUDIO_WAIT_MS after the
 * server's block, well before the server's next tick. A message of unknown type or wrong size is logged, counted
 * (rx_bad) and dropped; nothing else changes. The client reconnects every
 * second while the server is missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "tdm/tdm_int.h"

#define LOOP_MSG_FRAME 1
#define LOOP_MSG_AUDIO 2
#define LOOP_MSG_LINE 3
#define LOOP_MSG_BAD_FRAME 4
#define LOOP_ALARMS (TDM_ALARM_RED | TDM_ALARM_YELLOW | TDM_ALARM_BLUE)
#define LOOP_HDR 8
#define TDM_LOOP_MAX_FRAME 512
#define LOOP_RETRY_MS 1000
/* Reads per wake-up, so one busy peer cannot starve the loop. */
#define LOOP_RX_BURST 64
/* Clock more than this late: skip ahead instead of bursting blocks. */
#define LOOP_MAX_LAG_MS 200
/* Server: client blocks waiting for a tick. A reply that misses its tick
 * (a busy client) is played on the next one instead of being overwritten:
 * fax modems survive added delay, never lost blocks. */
#define LOOP_SRV_QUEUE 16

/* Owned by its span (span->drv_priv). */
struct tdm_loop {
	struct tdm_span *span;
	int lfd; /* server: listening socket */
	bool lwatched;
	int fd;		    /* the connection, -1 when none */
	void *retry_timer;  /* client: reconnect */
	void *clock_timer;  /* server: next block */
	uint64_t next_tick; /* server: absolute deadline, hook ms */
	uint32_t counter;
	uint32_t tx_counter; /* of the block in tx */
	bool failing;	     /* client: connect failure already logged */
	size_t block_len;
	uint8_t *rx; /* receive buffer, one message */
	uint8_t *tx; /* block being sent */
	/* server: the client's blocks in arrival order (a ring of
	 * LOOP_SRV_QUEUE), plus one block of silence after them */
	uint8_t *srv_rx;
	unsigned q_head, q_len;
	struct tdm_line *line;
	unsigned tx_inject; /* line condition injected toward the peer */
	bool tx_rai;	    /* we answer the peer's red/blue with yellow */
	unsigned rx_cond;   /* condition the peer's line shows us */
};

static void loop_hangup(struct tdm_loop *l);

static void loop_send_cond(struct tdm_loop *l);

/* A new connection is a new line: no condition, nothing queued. Our
 * own injected condition is re-announced. */
static void loop_line_fresh(struct tdm_loop *l)
{
	tdm_line_reset(l->line);
	l->rx_cond = 0;
	l->tx_rai = false;
	if (l->tx_inject)
		loop_send_cond(l);
	tdm_span_alarm(l->span, 0);
}

static int loop_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return errno;
	return 0;
}

static int loop_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa->sun_path))
		return ENAMETOOLONG;
	strcpy(sa->sun_path, path);
	return 0;
}

static struct tdm_loop *loop_of(const struct tdm_span *span)
{
	return span->drv == &tdm_drv_loop ? span->drv_priv : NULL;
}

static bool loop_connected(const struct tdm_span *span)
{
	struct tdm_loop *l = loop_of(span);

	return l && l->fd >= 0;
}

int tdm_loop_send_raw(struct tdm_span *span, const void *buf, size_t len)
{
	struct tdm_loop *l = loop_of(span);

	if (!l || l->fd < 0)
		return ENOTCONN;
	if (send(l->fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return errno;
	return 0;
}

/* Red or blue: the line carries no D-channel. */
static bool loop_line_dead(const struct tdm_loop *l)
{
	return l->rx_cond & (TDM_ALARM_RED | TDM_ALARM_BLUE);
}

/* The frame on the wire (after the line's pacing and faults). */
static void loop_wire_frame(void *arg, const uint8_t *buf, size_t len, bool bad)
{
	struct tdm_span *span = arg;
	uint8_t msg[1 + TDM_LOOP_MAX_FRAME];
	int err;

	if (!loop_connected(span))
		return;
	msg[0] = bad ? LOOP_MSG_BAD_FRAME : LOOP_MSG_FRAME;
	memcpy(msg + 1, buf, len);
	err = tdm_loop_send_raw(span, msg, len + 1);
	if (err)
		tdm_log(span, LOG_WARNING, "D-channel send: %s", strerror(err));
	else
		span->stats.tx_frames++;
}

static void loop_send_frame(struct tdm_span *span, const uint8_t *buf,
			    size_t len)
{
	struct tdm_loop *l = loop_of(span);

	/* No wire: the frame is lost, as on a cut cable; Q.921 retries. */
	if (!loop_connected(span))
		return;
	if (len > TDM_LOOP_MAX_FRAME) {
		tdm_log(span, LOG_ERR, "D-channel frame of %zu bytes dropped",
			len);
		return;
	}
	if (loop_line_dead(l)) {
		span->stats.dchan_drops++;
		return;
	}
	tdm_line_send(l->line, buf, len);
}

/* Tells the peer what our line shows it now. */
static void loop_send_cond(struct tdm_loop *l)
{
	uint8_t msg[2] = { LOOP_MSG_LINE,
			   (uint8_t)(l->tx_inject |
				     (l->tx_rai ? TDM_ALARM_YELLOW : 0)) };

	tdm_loop_send_raw(l->span, msg, sizeof(msg));
}

/* The peer's line condition changed: our alarms follow, and red or blue
 * is answered with yellow (RAI). */
static void loop_rx_cond(struct tdm_loop *l, unsigned cond)
{
	bool rai = cond & (TDM_ALARM_RED | TDM_ALARM_BLUE);

	l->rx_cond = cond & LOOP_ALARMS;
	if (rai != l->tx_rai) {
		l->tx_rai = rai;
		loop_send_cond(l);
	}
	tdm_span_alarm(l->span, l->rx_cond);
}

static int loop_alarm(struct tdm_span *span, enum tdm_alarm a, bool on)
{
	struct tdm_loop *l = loop_of(span);

	if (!l)
		return ENOTSUP;
	if (l->fd < 0)
		return ENOTCONN;
	if (on)
		l->tx_inject |= a;
	else
		l->tx_inject &= ~(unsigned)a;
	tdm_log(span, LOG_NOTICE, "line toward the peer: %s %s",
		tdm_alarm_name(a), on ? "raised" : "cleared");
	loop_send_cond(l);
	return 0;
}

static int loop_dchan_drop(struct tdm_span *span, unsigned ms)
{
	struct tdm_loop *l = loop_of(span);

	if (!l)
		return ENOTSUP;
	if (l->fd < 0)
		return ENOTCONN;
	tdm_line_drop(l->line, ms);
	return 0;
}

static int loop_corrupt(struct tdm_span *span)
{
	struct tdm_loop *l = loop_of(span);

	if (!l)
		return ENOTSUP;
	if (l->fd < 0)
		return ENOTCONN;
	tdm_line_corrupt(l->line);
	return 0;
}

static int loop_inject(struct tdm_span *span, enum tdm_fault f)
{
	struct tdm_loop *l = loop_of(span);
	uint8_t *msg;
	size_t len;
	int err;

	if (!l)
		return ENOTSUP;
	if (l->fd < 0)
		return ENOTCONN;
	/* a block-sized scratch buffer, idle content */
	msg = calloc(1, l->block_len + 1);
	if (!msg)
		return ENOMEM;
	switch (f) {
	case TDM_FAULT_SHORT_BLOCK:
		msg[0] = LOOP_MSG_AUDIO;
		len = l->block_len - TDM_SAMPLES_PER_BLOCK;
		break;
	case TDM_FAULT_LONG_BLOCK:
		msg[0] = LOOP_MSG_AUDIO;
		len = l->block_len + 1;
		break;
	case TDM_FAULT_UNKNOWN_TYPE:
		msg[0] = 0x7f;
		len = 16;
		break;
	case TDM_FAULT_RUNT_FRAME:
		msg[0] = LOOP_MSG_FRAME;
		len = 1 + 2;
		break;
	default:
		free(msg);
		return EINVAL;
	}
	err = tdm_loop_send_raw(span, msg, len);
	free(msg);
	if (!err)
		tdm_log(span, LOG_NOTICE, "injected fault %s",
			tdm_fault_name(f));
	return err;
}

static void loop_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t loop_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static size_t loop_samples(const struct tdm_loop *l)
{
	return l->block_len - LOOP_HDR;
}

static void loop_srv_push(struct tdm_loop *l, const uint8_t *samples)
{
	if (l->q_len == LOOP_SRV_QUEUE) {
		/* the client ran ahead of our clock: keep the newest */
		l->q_head = (l->q_head + 1) % LOOP_SRV_QUEUE;
		l->q_len--;
		tdm_log(l->span, LOG_DEBUG,
			"client audio ahead: block dropped");
	}
	memcpy(l->srv_rx + ((l->q_head + l->q_len) % LOOP_SRV_QUEUE) *
				   loop_samples(l),
	       samples, loop_samples(l));
	l->q_len++;
}

/* The next client block for a tick; when none came, the last one again
 * (silence before the first). The slot after the queue keeps a copy of
 * the last block played. */
static const uint8_t *loop_srv_pop(struct tdm_loop *l)
{
	uint8_t *last = l->srv_rx + LOOP_SRV_QUEUE * loop_samples(l);

	if (!l->q_len) {
		l->span->stats.audio_repeats++;
		return last;
	}
	memcpy(last, l->srv_rx + l->q_head * loop_samples(l), loop_samples(l));
	l->q_head = (l->q_head + 1) % LOOP_SRV_QUEUE;
	l->q_len--;
	return last;
}

/* A new peer: nothing of an old one plays; the prefill is silence. */
static void loop_srv_reset(struct tdm_loop *l)
{
	uint8_t idle = tdm_law_silence(l->span->law);
	unsigned n = l->span->cfg.loop_prefill;

	l->q_head = l->q_len = 0;
	memset(l->srv_rx, idle, (LOOP_SRV_QUEUE + 1) * loop_samples(l));
	l->q_len = n < TDM_LOOP_MAX_PREFILL ? n : TDM_LOOP_MAX_PREFILL;
}

/* Sends the block in l->tx (its samples filled by tdm_span_audio). */
static void loop_audio_send(struct tdm_span *span)
{
	struct tdm_loop *l = span->drv_priv;
	int err;

	if (!l || span->dying || l->fd < 0)
		return;
	memset(l->tx, 0, LOOP_HDR);
	l->tx[0] = LOOP_MSG_AUDIO;
	loop_put32(l->tx + 4, l->tx_counter);
	err = tdm_loop_send_raw(span, l->tx, l->block_len);
	if (err == EAGAIN)
		tdm_log(span, LOG_DEBUG, "audio block %u dropped: peer slow",
			l->tx_counter);
	else if (err)
		tdm_log(span, LOG_WARNING, "audio send: %s", strerror(err));
	else
		span->stats.tx_blocks++;
}

/* Runs the span's audio on rx samples and sends the result, now or (the
 * user's media threads still working) once tdm/audio.c has it all. */
static void loop_send_block(struct tdm_loop *l, const uint8_t *rx,
			    uint32_t counter)
{
	struct tdm_span *span = l->span;
	bool now = tdm_span_audio(span, rx, l->tx + LOOP_HDR);

	/* after tdm_span_audio: a block still waiting went out first with
	 * its own counter */
	l->tx_counter = counter;
	if (now)
		loop_audio_send(span);
}

static void loop_rx_msg(struct tdm_loop *l, size_t len)
{
	struct tdm_span *span = l->span;
	const uint8_t *m = l->rx;

	switch (m[0]) {
	case LOOP_MSG_FRAME:
		if (len < 1 + 5 || len > 1 + TDM_LOOP_MAX_FRAME) {
			tdm_span_reject(span, "D-channel frame of %zu bytes",
					len - 1);
			return;
		}
		span->stats.rx_frames++;
		if (loop_line_dead(l) || tdm_line_dropping(l->line)) {
			span->stats.dchan_drops++;
			return;
		}
		tdm_isdn_rx(span, m + 1, len - 1);
		return;
	case LOOP_MSG_BAD_FRAME:
		span->stats.rx_fcs_errors++;
		tdm_log(span, LOG_INFO,
			"D-channel frame with a bad FCS dropped");
		return;
	case LOOP_MSG_LINE:
		if (len != 2 || (m[1] & ~LOOP_ALARMS)) {
			tdm_span_reject(span, "line condition of %zu bytes",
					len);
			return;
		}
		loop_rx_cond(l, m[1]);
		return;
	case LOOP_MSG_AUDIO:
		if (len != l->block_len) {
			tdm_span_reject(
				span, "audio block of %zu bytes, expected %zu",
				len, l->block_len);
			return;
		}
		span->stats.rx_blocks++;
		if (span->loop_mode == TDM_LOOP_SERVER) {
			/* played on a coming tick of our own clock */
			loop_srv_push(l, m + LOOP_HDR);
			return;
		}
		loop_send_block(l, m + LOOP_HDR, loop_get32(m + 4));
		return;
	default:
		tdm_span_reject(span, "unknown message type %u (%zu bytes)",
				m[0], len);
		return;
	}
}

static void loop_readable(void *arg)
{
	struct tdm_loop *l = arg;
	struct tdm_span *span = l->span;
	int i;

	tdm_span_enter(span);
	for (i = 0; i < LOOP_RX_BURST && l->fd >= 0 && !span->dying; i++) {
		struct iovec iov = { l->rx, l->block_len + 1 };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
		ssize_t n = recvmsg(l->fd, &mh, MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		if (n <= 0) {
			tdm_log(span, LOG_WARNING, "peer gone: %s",
				n ? strerror(errno) : "closed");
			loop_hangup(l);
			break;
		}
		if (mh.msg_flags & MSG_TRUNC) {
			tdm_span_reject(span, "message over %zu bytes",
					l->block_len);
			continue;
		}
		loop_rx_msg(l, (size_t)n);
	}
	tdm_span_leave(span);
}

/* ---- server: the clock ---- */

static void loop_tick(void *arg);

static void loop_clock_arm(struct tdm_loop *l)
{
	struct tdm_span *span = l->span;
	uint64_t now = span->hooks.now(span->hooks.arg);

	if (now > l->next_tick + LOOP_MAX_LAG_MS) {
		tdm_log(span, LOG_WARNING, "clock %llu ms late, skipping",
			(unsigned long long)(now - l->next_tick));
		l->next_tick = now;
	}
	l->clock_timer = span->hooks.timer_start(
		span->hooks.arg, l->next_tick > now ? l->next_tick - now : 0,
		loop_tick, l);
	if (!l->clock_timer)
		tdm_log(span, LOG_ERR, "cannot start the audio clock");
}

static void loop_tick(void *arg)
{
	struct tdm_loop *l = arg;
	struct tdm_span *span = l->span;

	l->clock_timer = NULL;
	tdm_span_enter(span);
	/* the popped slot stays valid: nothing is pushed during the send */
	loop_send_block(l, loop_srv_pop(l), l->counter++);
	if (tdm_span_leave(span))
		return;
	if (l->fd < 0)
		return;
	l->next_tick += TDM_BLOCK_MS;
	loop_clock_arm(l);
}

static void loop_accept(void *arg)
{
	struct tdm_loop *l = arg;
	struct tdm_span *span = l->span;
	int fd, err;

	fd = accept(l->lfd, NULL, NULL);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			tdm_log(span, LOG_WARNING, "accept: %s",
				strerror(errno));
		return;
	}
	if (l->fd >= 0) {
		tdm_log(span, LOG_WARNING,
			"second peer refused: one at a time");
		close(fd);
		return;
	}
	err = loop_nonblock(fd);
	if (!err)
		err = span->hooks.fd_watch(span->hooks.arg, fd, loop_readable,
					   l);
	if (err) {
		tdm_log(span, LOG_ERR, "peer setup: %s", strerror(err));
		close(fd);
		return;
	}
	l->fd = fd;
	/* clearing the old peer's alarms is an event, which may free the
	 * span: deferred until we are done */
	tdm_span_enter(span);
	loop_line_fresh(l);
	tdm_log(span, LOG_NOTICE, "peer connected on %s", span->loop_path);
	if (!span->dying)
		tdm_span_l1(span, true);
	if (tdm_span_leave(span))
		return;
	if (l->fd >= 0 && !l->clock_timer) {
		loop_srv_reset(l);
		l->next_tick = span->hooks.now(span->hooks.arg) + TDM_BLOCK_MS;
		loop_clock_arm(l);
	}
}

static int loop_listen(struct tdm_loop *l)
{
	struct tdm_span *span = l->span;
	struct sockaddr_un sa;
	int err;

	err = loop_addr(span->loop_path, &sa);
	if (err)
		return err;
	l->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (l->lfd < 0)
		return errno;
	/* a socket file left by an earlier run would block bind() */
	unlink(span->loop_path);
	if (bind(l->lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(l->lfd, 4) < 0 || loop_nonblock(l->lfd)) {
		err = errno;
		tdm_log(span, LOG_ERR, "listen on %s: %s", span->loop_path,
			strerror(err));
		return err;
	}
	err = span->hooks.fd_watch(span->hooks.arg, l->lfd, loop_accept, l);
	if (err)
		return err;
	l->lwatched = true;
	tdm_log(span, LOG_INFO, "listening on %s", span->loop_path);
	return 0;
}

/* ---- client: connect and retry ---- */

static void loop_retry(void *arg);

static void loop_retry_arm(struct tdm_loop *l)
{
	struct tdm_span *span = l->span;

	if (l->retry_timer)
		return;
	l->retry_timer = span->hooks.timer_start(span->hooks.arg, LOOP_RETRY_MS,
						 loop_retry, l);
	if (!l->retry_timer)
		tdm_log(span, LOG_ERR, "cannot start the reconnect timer");
}

static void loop_connect(struct tdm_loop *l)
{
	struct tdm_span *span = l->span;
	struct sockaddr_un sa;
	int fd, err;

	err = loop_addr(span->loop_path, &sa);
	if (err)
		goto fail;
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = errno;
		goto fail;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = errno;
		close(fd);
		goto fail;
	}
	err = loop_nonblock(fd);
	if (!err)
		err = span->hooks.fd_watch(span->hooks.arg, fd, loop_readable,
					   l);
	if (err) {
		close(fd);
		goto fail;
	}
	l->fd = fd;
	loop_line_fresh(l);
	l->failing = false;
	tdm_log(span, LOG_NOTICE, "connected to %s", span->loop_path);
	tdm_span_l1(span, true);
	return;
fail:
	tdm_log(span, l->failing ? LOG_DEBUG : LOG_WARNING,
		"connect to %s: %s; retrying every %d ms", span->loop_path,
		strerror(err), LOOP_RETRY_MS);
	l->failing = true;
	loop_retry_arm(l);
}

static void loop_retry(void *arg)
{
	struct tdm_loop *l = arg;
	struct tdm_span *span = l->span;

	l->retry_timer = NULL;
	tdm_span_enter(span);
	loop_connect(l);
	tdm_span_leave(span);
}

/* Peer gone: layer 1 down; the client dials again. */
static void loop_hangup(struct tdm_loop *l)
{
	struct tdm_span *span = l->span;

	if (l->fd < 0)
		return;
	tdm_span_audio_drop(span); /* no wire for it any more */
	span->hooks.fd_unwatch(span->hooks.arg, l->fd);
	close(l->fd);
	l->fd = -1;
	if (l->clock_timer) {
		span->hooks.timer_stop(span->hooks.arg, l->clock_timer);
		l->clock_timer = NULL;
	}
	tdm_span_l1(span, false);
	if (!span->dying && span->loop_mode == TDM_LOOP_CLIENT)
		loop_retry_arm(l);
}

static void loop_close(struct tdm_span *span);

static int loop_open(struct tdm_span *span)
{
	struct tdm_loop *l;
	size_t samples = (size_t)span->nchans * TDM_SAMPLES_PER_BLOCK;
	int err = 0;

	l = calloc(1, sizeof(*l));
	if (!l)
		return ENOMEM;
	l->span = span;
	l->lfd = -1;
	l->fd = -1;
	l->block_len = LOOP_HDR + samples;
	l->rx = malloc(l->block_len + 1);
	l->tx = malloc(l->block_len);
	l->srv_rx = malloc((LOOP_SRV_QUEUE + 1) * samples);
	if (!l->rx || !l->tx || !l->srv_rx ||
	    tdm_line_alloc(span, span->cfg.dchan_rate_limit, loop_wire_frame,
			   span, &l->line)) {
		free(l->rx);
		free(l->tx);
		free(l->srv_rx);
		free(l);
		return ENOMEM;
	}
	memset(l->srv_rx, tdm_law_silence(span->law),
	       (LOOP_SRV_QUEUE + 1) * samples);
	span->drv_priv = l;
	if (span->loop_mode == TDM_LOOP_SERVER) {
		err = loop_listen(l);
		if (err)
			loop_close(span);
		return err;
	}
	tdm_span_enter(span);
	loop_connect(l);
	tdm_span_leave(span);
	return 0;
}

static void loop_close(struct tdm_span *span)
{
	struct tdm_loop *l = loop_of(span);

	if (!l)
		return;
	if (l->fd >= 0) {
		span->hooks.fd_unwatch(span->hooks.arg, l->fd);
		close(l->fd);
	}
	if (l->lfd >= 0) {
		if (l->lwatched)
			span->hooks.fd_unwatch(span->hooks.arg, l->lfd);
		close(l->lfd);
		unlink(span->loop_path);
	}
	if (l->retry_timer)
		span->hooks.timer_stop(span->hooks.arg, l->retry_timer);
	if (l->clock_timer)
		span->hooks.timer_stop(span->hooks.arg, l->clock_timer);
	tdm_line_free(l->line);
	free(l->rx);
	free(l->tx);
	free(l->srv_rx);
	free(l);
	span->drv_priv = NULL;
}

static int loop_validate(const struct tdm_span_cfg *cfg)
{
	if (!cfg->loop_path || !cfg->loop_path[0] ||
	    (cfg->loop_mode != TDM_LOOP_CLIENT &&
	     cfg->loop_mode != TDM_LOOP_SERVER) ||
	    cfg->loop_prefill > TDM_LOOP_MAX_PREFILL)
		return EINVAL;
	return 0;
}

const struct tdm_drv tdm_drv_loop = {
	.name = "loop",
	.validate = loop_validate,
	.open = loop_open,
	.close = loop_close,
	.send_frame = loop_send_frame,
	.connected = loop_connected,
	.inject = loop_inject,
	.dchan_drop = loop_dchan_drop,
	.alarm = loop_alarm,
	.corrupt = loop_corrupt,
	.audio_send = loop_audio_send,
};
