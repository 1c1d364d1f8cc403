/* Media workers, the signalling thread's side: starting and stopping the
 * threads, handing slots over, audio blocks in and out, replies. See
 * media_worker.h. */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_worker_int.h"
#include "gateway/rt.h"

static void wake(struct gw_mworker *w)
{
	if (!atomic_exchange(&w->pending, true))
		gw_mw_efd_signal(w->wakefd);
}

static int push_cmd(struct gw_mworker *w, enum cmd_type type,
		    struct gw_mslot *s, const struct media_addr *peer)
{
	struct cmd *c = gw_ring_produce(&w->cmd);

	if (!c)
		return EAGAIN;
	c->type = type;
	c->slot = s;
	if (peer)
		c->peer = *peer;
	gw_ring_publish(&w->cmd);
	wake(w);
	return 0;
}

static unsigned deliver(struct gw_mpool *p, struct gw_mworker *w)
{
	unsigned n = 0;
	struct rep *r;

	gw_mw_efd_drain(w->repfd);
	atomic_store(&w->rep_pending, false);
	if (atomic_exchange(&w->aud_ready, false)) {
		w->awaiting = false;
		if (p->cfg.audio_ready)
			p->cfg.audio_ready(p->cfg.report_arg);
	}
	while ((r = gw_ring_peek(&w->rep))) {
		if (r->type == REP_LOG)
			gw_log(GW_LOG_RTP, r->level, "%s", r->msg);
		else if (r->type == REP_DTMF) {
			if (p->cfg.dtmf)
				p->cfg.dtmf(p->cfg.report_arg, r->cookie,
					    r->digit, r->end, r->from_rtp);
		} else if (r->type == REP_FAXTONE) {
			if (p->cfg.faxtone)
				p->cfg.faxtone(p->cfg.report_arg, r->cookie,
					       r->tone);
		} else if (r->type == REP_T38_SILENT) {
			if (p->cfg.t38_silent)
				p->cfg.t38_silent(p->cfg.report_arg, r->cookie);
		} else if (r->type == REP_T38_PHASE_E) {
			if (p->cfg.t38_phase_e)
				p->cfg.t38_phase_e(p->cfg.report_arg,
						   r->cookie);
		} else if (r->type == REP_T38_DONE) {
			if (p->cfg.t38_done)
				p->cfg.t38_done(p->cfg.report_arg, r->cookie,
						r->leg, r->t38_foreign, r->end);
			else
				media_t38leg_free(r->leg);
		} else if (p->cfg.report)
			p->cfg.report(p->cfg.report_arg, r->cookie, &r->st,
				      r->type == REP_FINAL);
		gw_ring_release(&w->rep);
		n++;
	}
	return n;
}

/* The loop is about to sleep: the workers handed blocks this tick answer
 * within microseconds, and a CPU gone to sleep meanwhile could take
 * milliseconds to wake for their eventfd. Watch for them a little while
 * (spin_us); sched_yield lets a worker of our priority on this CPU run. */
static void await_answers(void *arg)
{
	struct gw_mpool *p = arg;
	uint64_t end = 0;

	for (;;) {
		bool owed = false;

		for (unsigned i = 0; i < p->n; i++) {
			struct gw_mworker *w = &p->w[i];

			if (!w->awaiting)
				continue;
			if (atomic_load(&w->aud_ready)) {
				w->awaiting = false;
				deliver(p, w);
			} else {
				owed = true;
			}
		}
		if (!owed)
			return;
		uint64_t now = gw_mw_clock_us(CLOCK_MONOTONIC);

		if (!end)
			end = now + p->cfg.spin_us;
		if (now >= end)
			break;
		sched_yield();
	}
	for (unsigned i = 0; i < p->n; i++) /* the eventfd brings them */
		p->w[i].awaiting = false;
}

static void rep_readable(void *arg, uint32_t events)
{
	struct gw_mworker *w = arg;

	deliver(w->pool, w);
}

unsigned gw_mpool_poll(struct gw_mpool *p)
{
	unsigned n = 0;

	for (unsigned i = 0; p && i < p->n; i++)
		n += deliver(p, &p->w[i]);
	return n;
}

/* The command and reply rings (2.2 MB a worker) are written round and
 * round, a few entries per call: left to calloc's untouched pages they
 * became resident one page at a time for half an hour of calls (RSS
 * growing like a leak in make soak), each first touch a page fault on the
 * hot path. Touched once here, they are resident from the start. */
static void prefault(void *buf, size_t len)
{
	volatile unsigned char *b = buf;

	for (size_t i = 0; i < len; i += 4096)
		b[i] = 0;
	if (len)
		b[len - 1] = 0;
}

static int worker_init(struct gw_mpool *p, struct gw_mworker *w, unsigned id)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int err;

	w->pool = p;
	w->id = id;
	w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->repfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->tfd = -1;
	w->cmdbuf = calloc(CMDQ, sizeof(*w->cmdbuf));
	w->repbuf = calloc(REPQ, sizeof(*w->repbuf));
	if (w->wakefd < 0 || w->repfd < 0 || w->epfd < 0 || !w->cmdbuf ||
	    !w->repbuf)
		return ENOMEM;
	prefault(w->cmdbuf, CMDQ * sizeof(*w->cmdbuf));
	prefault(w->repbuf, REPQ * sizeof(*w->repbuf));
	gw_ring_init(&w->cmd, w->cmdbuf, CMDQ, sizeof(*w->cmdbuf));
	gw_ring_init(&w->rep, w->repbuf, REPQ, sizeof(*w->repbuf));
	for (int i = 0; i < RBATCH; i++) {
		w->riov[i] = (struct iovec){ w->rbuf[i], RX_MAX };
		w->rmsg[i].msg_hdr = (struct msghdr){
			.msg_name = &w->rsrc[i],
			.msg_iov = &w->riov[i],
			.msg_iovlen = 1,
			.msg_control = w->rctl[i],
		};
	}
	ev.data.u64 = TAG_WAKE;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ev))
		return errno;
	if (p->cfg.tick_ms) {
		struct itimerspec its = { 0 };

		w->tfd = timerfd_create(CLOCK_MONOTONIC,
					TFD_NONBLOCK | TFD_CLOEXEC);
		if (w->tfd < 0)
			return errno;
		its.it_interval.tv_nsec = (long)p->cfg.tick_ms * 1000000;
		its.it_value = its.it_interval;
		ev.data.u64 = TAG_TIMER;
		if (timerfd_settime(w->tfd, 0, &its, NULL) ||
		    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->tfd, &ev))
			return errno;
	}
	if (p->cfg.loop &&
	    gw_loop_fd_add(p->cfg.loop, w->repfd, EPOLLIN, rep_readable, w))
		return ENOMEM;
	if (pthread_create(&w->thr, NULL, gw_mw_main, w))
		return EAGAIN;
	w->started = true;
	/* not fatal: the worker runs, only its wake-ups may come late */
	err = gw_rt_thread(w->thr, p->cfg.rt_prio);
	if (err && !p->rt_err)
		p->rt_err = err;
	return 0;
}

static void worker_release(struct gw_mpool *p, struct gw_mworker *w)
{
	if (w->started) {
		atomic_store(&w->quit, true);
		gw_mw_efd_signal(w->wakefd);
		pthread_join(w->thr, NULL);
	}
	if (p->cfg.loop && w->repfd >= 0)
		gw_loop_fd_del(p->cfg.loop, w->repfd);
	/* slots never started or still running: no reports any more */
	while (w->slots)
		gw_mw_slot_remove(w, w->slots);
	for (struct cmd *c; (c = gw_ring_peek(&w->cmd));) {
		if (c->type == CMD_ADD)
			gw_mw_slot_free(c->slot);
		else if (c->type == CMD_TONE)
			media_toneplay_free(c->tone);
		else if (c->type == CMD_FAXDET)
			media_faxdet_free(c->det);
		else if (c->type == CMD_T38)
			media_t38leg_free(c->leg);
		gw_ring_release(&w->cmd);
	}
	/* legs handed back but never delivered */
	for (struct rep *r; (r = gw_ring_peek(&w->rep));) {
		if (r->type == REP_T38_DONE)
			media_t38leg_free(r->leg);
		gw_ring_release(&w->rep);
	}
	if (w->tfd >= 0)
		close(w->tfd);
	if (w->epfd >= 0)
		close(w->epfd);
	if (w->wakefd >= 0)
		close(w->wakefd);
	if (w->repfd >= 0)
		close(w->repfd);
	free(w->cmdbuf);
	free(w->repbuf);
}

int gw_mpool_alloc(const struct gw_mpool_cfg *cfg, struct gw_mpool **out)
{
	struct gw_mpool *p;
	long ncpu;
	int err = 0;

	if (!cfg || !out || cfg->tick_ms > 1000 ||
	    cfg->rt_prio > GW_RT_PRIO_MAX || cfg->spin_us > GW_MW_SPIN_MAX_US)
		return EINVAL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return ENOMEM;
	p->cfg = *cfg;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	p->n = cfg->workers ? cfg->workers : (ncpu > 0 ? (unsigned)ncpu : 1);
	p->w = calloc(p->n, sizeof(*p->w));
	if (!p->w) {
		free(p);
		return ENOMEM;
	}
	for (unsigned i = 0; i < p->n; i++)
		p->w[i].wakefd = p->w[i].repfd = p->w[i].epfd = p->w[i].tfd =
			-1;
	for (unsigned i = 0; i < p->n && !err; i++)
		err = worker_init(p, &p->w[i], i);
	if (err) {
		gw_mpool_free(p);
		return err;
	}
	if (p->cfg.loop && p->cfg.spin_us && !p->cfg.tick_ms)
		gw_loop_set_idle(p->cfg.loop, await_answers, p);
	*out = p;
	return 0;
}

void gw_mpool_free(struct gw_mpool *p)
{
	if (!p)
		return;
	if (p->cfg.loop && p->cfg.spin_us && !p->cfg.tick_ms)
		gw_loop_set_idle(p->cfg.loop, NULL, NULL);
	for (unsigned i = 0; i < p->n; i++)
		worker_release(p, &p->w[i]);
	free(p->w);
	free(p);
}

unsigned gw_mpool_workers(const struct gw_mpool *p)
{
	return p ? p->n : 0;
}

int gw_mpool_rt_err(const struct gw_mpool *p)
{
	return p ? p->rt_err : EINVAL;
}

void gw_mpool_wstats(const struct gw_mpool *p, unsigned i,
		     struct gw_mw_stats *out)
{
	if (p && i < p->n && out)
		*out = p->w[i].st;
}

unsigned gw_mpool_min_load(const struct gw_mpool *p)
{
	uint64_t now = gw_mw_clock_us(CLOCK_MONOTONIC);
	unsigned m = 0;

	for (unsigned i = 0; p && i < p->n; i++) {
		const struct gw_mworker *w = &p->w[i];
		uint64_t at = atomic_load(&w->load_at_us);
		/* stale: the worker stopped ticking (no call), so it is idle */
		unsigned l = at && now - at < 3 * GW_MW_LOAD_WINDOW_US
				     ? atomic_load(&w->load_milli)
				     : 0;

		if (!i || l < m)
			m = l;
	}
	return m;
}

unsigned gw_mpool_min_calls(const struct gw_mpool *p)
{
	unsigned m = 0;

	for (unsigned i = 0; p && i < p->n; i++)
		if (!i || p->w[i].assigned < m)
			m = p->w[i].assigned;
	return m;
}

int gw_mslot_alloc(struct gw_mpool *p, int rtp_fd, int rtcp_fd, uint64_t cookie,
		   struct gw_mslot **out)
{
	struct gw_mworker *w;
	struct gw_mslot *s;
	int on = 1;

	if (!p || rtp_fd < 0 || !out)
		return EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return ENOMEM;
	/* the least loaded worker */
	w = &p->w[0];
	for (unsigned i = 1; i < p->n; i++)
		if (p->w[i].assigned < w->assigned)
			w = &p->w[i];
	s->w = w;
	s->rtp_fd = rtp_fd;
	s->rtcp_fd = rtcp_fd;
	s->cookie = cookie;
	gw_ring_init(&s->up, s->upbuf, AUDQ, sizeof(s->upbuf[0]));
	gw_ring_init(&s->down, s->downbuf, AUDQ, sizeof(s->downbuf[0]));
	for (int i = 0; i < TXQ; i++) {
		s->txiov[i].iov_base = s->txbuf[i];
		s->txm[i].msg_hdr = (struct msghdr){
			.msg_name = &s->txdst[i],
			.msg_namelen = sizeof(s->txdst[i]),
			.msg_iov = &s->txiov[i],
			.msg_iovlen = 1,
		};
	}
	/* arrival times for the jitter estimate: the worker reads the
	 * socket once per tick, not when the packet came */
	setsockopt(rtp_fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
	*out = s;
	return 0;
}

int gw_mslot_start(struct gw_mslot *s, struct media_sess *sess)
{
	struct gw_mworker *w;
	int err;

	if (!s || !sess)
		return EINVAL;
	w = s->w;
	s->sess = sess;
	err = push_cmd(w, CMD_ADD, s, NULL);
	if (err)
		s->sess = NULL;
	else
		w->assigned++;
	return err;
}

void gw_mslot_discard(struct gw_mslot *s, struct media_sess *sess)
{
	if (!s) {
		media_sess_free(sess);
		return;
	}
	s->sess = sess;
	gw_mw_slot_free(s);
}

void gw_mslot_audio_rx(struct gw_mslot *s, const uint8_t *rx, size_t n,
		       bool send)
{
	struct up_blk *b;

	if (n != GW_MW_BLOCK)
		return; /* gw_mslot_audio_tx answers silence */
	b = gw_ring_produce(&s->up);
	if (b) { /* full: the worker is stalled, the block is lost */
		b->send = send;
		b->t_us = s->w->pool->cfg.measure
				  ? gw_mw_clock_us(CLOCK_MONOTONIC)
				  : 0;
		memcpy(b->pcm, rx, n);
		gw_ring_publish(&s->up);
	}
	s->waiting = b != NULL;
	/* the tick's first hand-over: its time is the TDM clock's phase
	 * (the worker's own wake-up may be late), stored before the flag */
	if (s->w->pool->cfg.spin_us && !atomic_load(&s->w->handed)) {
		atomic_store(&s->w->handed_us, gw_mw_clock_us(CLOCK_MONOTONIC));
		atomic_store(&s->w->handed, true);
		s->w->awaiting = true;
	}
	wake(s->w);
}

/* true when every sample is the law's idle pattern */
static bool idle_block(const uint8_t *d, size_t n, uint8_t silence)
{
	for (size_t i = 0; i < n; i++)
		if (d[i] != silence)
			return false;
	return true;
}

/* A block the worker has not made: the last block again rather than a
 * gap, which would cut a tone in two (a DTMF digit heard twice) or drop
 * a modem's carrier; its answer plays next, one block ahead. A whole
 * 20 ms block repeated keeps the carrier and symbol phase of every fax
 * modem (V.17, V.29, V.27ter: whole cycles and symbols in 160 samples):
 * the far machine sees a few wrong symbols, not a lost carrier (the fax
 * simulation: silence in the gaps failed every fax that a repeat let
 * through). */
static void fill_in(struct gw_mslot *s, uint8_t *tx, size_t n, uint8_t silence)
{
	if (s->have_last) {
		memcpy(tx, s->last, n);
		s->repeats++;
		GW_DEBUG(
			RTP,
			"media slot %llu: worker late, last block played again",
			(unsigned long long)s->cookie);
	} else {
		memset(tx, silence, n);
	}
}

bool gw_mslot_audio_tx(struct gw_mslot *s, uint8_t *tx, size_t n, bool late,
		       uint8_t silence)
{
	uint8_t *d;

	if (n != GW_MW_BLOCK) {
		memset(tx, silence, n);
		return true;
	}
	/* up is read before down: the worker publishes down first, so an
	 * emptied up ring means this tick's block is in down */
	if (!late && !s->cushion && s->waiting && gw_ring_count(&s->up) &&
	    !gw_ring_count(&s->down))
		return false;
	s->waiting = false;
	/* fax: the cushion is built once, at the switch, a block a tick */
	if (s->cushion_fill) {
		s->cushion_fill--;
		fill_in(s, tx, n, silence);
		return true;
	}
	/* more blocks ahead than wanted (a late tick without a cushion): a
	 * silent block is dropped to get back in step without losing
	 * anything heard */
	if (gw_ring_count(&s->down) > 1 + s->cushion) {
		d = gw_ring_peek(&s->down);
		if (idle_block(d, n, silence)) {
			gw_ring_release(&s->down);
			s->resyncs++;
			GW_DEBUG(RTP,
				 "media slot %llu: back in step (a silent "
				 "block dropped)",
				 (unsigned long long)s->cookie);
		}
	}
	d = gw_ring_peek(&s->down);
	if (d) {
		memcpy(tx, d, n);
		memcpy(s->last, d, n);
		s->have_last = true;
		gw_ring_release(&s->down);
	} else {
		fill_in(s, tx, n, silence);
	}
	return true;
}

void gw_mslot_audio(struct gw_mslot *s, const uint8_t *rx, uint8_t *tx,
		    size_t n, bool send, uint8_t silence)
{
	gw_mslot_audio_rx(s, rx, n, send);
	gw_mslot_audio_tx(s, tx, n, true, silence);
}

int gw_mslot_query(struct gw_mslot *s)
{
	return s ? push_cmd(s->w, CMD_QUERY, s, NULL) : EINVAL;
}

int gw_mslot_stop(struct gw_mslot *s)
{
	struct gw_mworker *w;
	int err;

	if (!s)
		return EINVAL;
	/* once pushed, the worker may free s at any moment */
	w = s->w;
	err = push_cmd(w, CMD_STOP, s, NULL);
	if (!err)
		w->assigned--;
	return err;
}

int gw_mslot_dtmf_play(struct gw_mslot *s, char digit, unsigned ms)
{
	struct gw_mworker *w;
	struct cmd *c;

	if (!s || media_dtmf_code(digit) < 0)
		return EINVAL;
	w = s->w;
	c = gw_ring_produce(&w->cmd);
	if (!c)
		return EAGAIN;
	c->type = CMD_DTMF;
	c->slot = s;
	c->digit = digit;
	c->ms = ms;
	gw_ring_publish(&w->cmd);
	wake(w);
	return 0;
}

int gw_mslot_tone(struct gw_mslot *s, struct media_toneplay *tp)
{
	struct gw_mworker *w;
	struct cmd *c;

	if (!s)
		return EINVAL;
	w = s->w;
	c = gw_ring_produce(&w->cmd);
	if (!c)
		return EAGAIN;
	c->type = CMD_TONE;
	c->slot = s;
	c->tone = tp;
	gw_ring_publish(&w->cmd);
	wake(w);
	return 0;
}

/* Fax, G.711 or T.38: the worker's answers run FAX_CUSHION blocks ahead
 * of the span's clock, built up with one repeated block a tick from
 * here on (a tone or silence at the switch), so that a worker or a peer
 * late by up to that many blocks costs the fax machine nothing: the
 * span's block is answered at once from the cushion, never with a
 * repeat (t_fax_g711_fallback under load: 20 to 90 repeats a call
 * without it). Signalling side; kept through a second switch (G.711 to
 * T.38), dropped when T.38 ends (gw_mslot_t38_end). */
static void fax_cushion(struct gw_mslot *s)
{
	if (s->cushion)
		return;
	s->cushion = FAX_CUSHION;
	s->cushion_fill = FAX_CUSHION;
}

int gw_mslot_fax_mode(struct gw_mslot *s, unsigned jb_ms)
{
	struct cmd *c;

	if (!s)
		return EINVAL;
	c = gw_ring_produce(&s->w->cmd);
	if (!c)
		return EAGAIN;
	c->type = CMD_FAX;
	c->slot = s;
	c->ms = jb_ms;
	gw_ring_publish(&s->w->cmd);
	wake(s->w);
	fax_cushion(s);
	return 0;
}

int gw_mslot_faxdet(struct gw_mslot *s, struct media_faxdet *d,
		    enum media_law law)
{
	struct cmd *c;

	if (!s)
		return EINVAL;
	c = gw_ring_produce(&s->w->cmd);
	if (!c)
		return EAGAIN;
	c->type = CMD_FAXDET;
	c->slot = s;
	c->det = d;
	c->law = law;
	gw_ring_publish(&s->w->cmd);
	wake(s->w);
	return 0;
}

int gw_mslot_t38(struct gw_mslot *s, struct media_t38leg *leg,
		 const struct media_addr *peer)
{
	struct cmd *c;

	if (!s || !leg || !peer)
		return EINVAL;
	c = gw_ring_produce(&s->w->cmd);
	if (!c)
		return EAGAIN;
	c->type = CMD_T38;
	c->slot = s;
	c->leg = leg;
	c->peer = *peer;
	gw_ring_publish(&s->w->cmd);
	wake(s->w);
	fax_cushion(s);
	return 0;
}

/* Back to voice: the cushion goes, so the 100 ms it added leaves with
 * the next silent blocks (gw_mslot_audio_tx drops them) instead of
 * staying for the rest of the call; a second fax builds it again. */
int gw_mslot_t38_end(struct gw_mslot *s)
{
	int err;

	if (!s)
		return EINVAL;
	err = push_cmd(s->w, CMD_T38_END, s, NULL);
	if (!err)
		s->cushion = s->cushion_fill = 0;
	return err;
}

int gw_mslot_set_peer(struct gw_mslot *s, const struct media_addr *peer)
{
	return s && peer ? push_cmd(s->w, CMD_PEER, s, peer) : EINVAL;
}

bool gw_mpool_drain(struct gw_mpool *p, unsigned max_ms)
{
	for (unsigned t = 0;; t++) {
		unsigned live = 0;

		gw_mpool_poll(p);
		for (unsigned i = 0; p && i < p->n; i++)
			live += atomic_load(&p->w[i].live) +
				gw_ring_count(&p->w[i].cmd);
		if (!live)
			return true;
		if (t >= max_ms)
			return false;
		usleep(1000);
	}
}

unsigned gw_mpool_sessions(const struct gw_mpool *p)
{
	unsigned live = 0;

	for (unsigned i = 0; p && i < p->n; i++)
		live += atomic_load(&p->w[i].live);
	return live;
}

unsigned gw_mslot_backlog(struct gw_mslot *s)
{
	return s ? gw_ring_count(&s->up) : 0;
}
