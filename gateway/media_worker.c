/* Media workers: see media_worker.h for the threading model. */
#include "gateway/media_worker.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/media_ring.h"

#define CMDQ 4096  /* commands a worker may have pending */
#define REPQ 4096  /* replies the signalling thread may have pending */
#define AUDQ 4	   /* TDM blocks per audio ring */
#define RBATCH 8   /* datagrams per recvmmsg */
#define RROUNDS 4  /* recvmmsg calls per slot and tick at most */
#define TXQ 3	   /* RTP packets per slot and tick (ptime 10 ms: 2) */
#define TX_MAX 512 /* one RTP packet: 12 + 480 octets at most */
#define RX_MAX 1500
#define TAG_WAKE 0
#define TAG_TIMER 1

enum cmd_type { CMD_ADD, CMD_STOP, CMD_QUERY, CMD_PEER };

struct cmd {
	enum cmd_type type;
	struct gw_mslot *slot;
	struct media_addr peer; /* CMD_PEER */
};

enum rep_type { REP_STATS, REP_FINAL, REP_LOG };

struct rep {
	enum rep_type type;
	int level;
	uint64_t cookie;
	struct media_stats st;
	char msg[200];
};

struct up_blk {
	bool send;
	uint8_t pcm[GW_MW_BLOCK];
};

struct gw_mworker;

/* Owned by the signalling thread until gw_mslot_start(), then by its
 * worker, which frees it; only the audio rings are shared. */
struct gw_mslot {
	struct gw_mworker *w;
	struct media_sess *sess;
	int rtp_fd, rtcp_fd;
	uint64_t cookie;
	bool live; /* the worker has it: logs go through the reply ring */
	struct gw_ring up, down;
	struct up_blk upbuf[AUDQ];
	uint8_t downbuf[AUDQ][GW_MW_BLOCK];
	/* worker only */
	struct gw_mslot *next, *prev; /* the worker's list */
	bool stopping; /* final report owed (the reply ring was full) */
	unsigned ntx;
	struct mmsghdr txm[TXQ];
	struct iovec txiov[TXQ];
	struct sockaddr_in txdst[TXQ];
	uint8_t txbuf[TXQ][TX_MAX];
	uint8_t loop[GW_MW_BLOCK]; /* own clock: the TDM side, looped */
};

struct gw_mworker {
	struct gw_mpool *pool;
	unsigned id;
	pthread_t thr;
	bool started;
	int epfd, wakefd, repfd, tfd;
	_Atomic bool pending;	  /* a wake-up is on its way */
	_Atomic bool rep_pending; /* likewise for the reply eventfd */
	_Atomic bool quit;
	_Atomic unsigned live; /* slots it runs (for draining) */
	struct gw_ring cmd, rep;
	struct cmd *cmdbuf;
	struct rep *repbuf;
	unsigned assigned; /* signalling side: slots handed to it */
	/* worker only; a list, so adding a slot never allocates or fails */
	struct gw_mslot *slots;
	unsigned nslots;
	uint64_t tick_us; /* monotonic start of this tick */
	uint64_t pkt_us;  /* arrival of the packet in hand, 0: none */
	int64_t rt_off_us;
	struct mmsghdr rmsg[RBATCH];
	struct iovec riov[RBATCH];
	struct sockaddr_in rsrc[RBATCH];
	uint8_t rbuf[RBATCH][RX_MAX];
	uint8_t rctl[RBATCH][64];
	uint8_t scratch[GW_MW_BLOCK];
	struct gw_mw_stats st;
};

struct gw_mpool {
	struct gw_mpool_cfg cfg;
	unsigned n;
	struct gw_mworker *w;
};

static uint64_t clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void efd_signal(int fd)
{
	uint64_t one = 1;

	/* EAGAIN means it is already signalled: fine */
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;
}

static uint64_t efd_drain(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) < 0)
		return 0;
	return v;
}

/* ---- worker side: session hooks ---- */

static int h_rtp_send(void *arg, const struct media_addr *dst, const void *pkt,
		      size_t len);

static void flush_tx(struct gw_mworker *w, struct gw_mslot *s)
{
	int n;

	if (!s->ntx)
		return;
	n = sendmmsg(s->rtp_fd, s->txm, s->ntx, MSG_DONTWAIT);
	if (n < 0)
		n = 0;
	w->st.tx_packets += (unsigned)n;
	w->st.tx_errors += s->ntx - (unsigned)n;
	if (w->pool->cfg.measure) {
		uint64_t b = (clock_us(CLOCK_MONOTONIC) - w->tick_us) / 10;

		w->st.hist[b < GW_MW_HIST ? b : GW_MW_HIST - 1] += (unsigned)n;
	}
	s->ntx = 0;
}

static int h_rtp_send(void *arg, const struct media_addr *dst, const void *pkt,
		      size_t len)
{
	struct gw_mslot *s = arg;
	unsigned i;

	if (len > TX_MAX)
		return EMSGSIZE;
	if (s->ntx == TXQ)
		flush_tx(s->w, s);
	i = s->ntx;
	if (gw_media_addr_to_sin(dst, &s->txdst[i]))
		return EAFNOSUPPORT;
	memcpy(s->txbuf[i], pkt, len);
	s->txiov[i].iov_len = len;
	s->ntx++;
	return 0;
}

static int h_rtcp_send(void *arg, const struct media_addr *dst, const void *pkt,
		       size_t len)
{
	struct gw_mslot *s = arg;
	struct sockaddr_in sin;

	if (gw_media_addr_to_sin(dst, &sin))
		return EAFNOSUPPORT;
	if (sendto(s->rtcp_fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&sin,
		   sizeof(sin)) < 0)
		return errno;
	return 0;
}

static uint64_t h_now(void *arg)
{
	struct gw_mslot *s = arg;

	if (!s->live)
		return clock_us(CLOCK_MONOTONIC);
	return s->w->pkt_us ? s->w->pkt_us : s->w->tick_us;
}

static void rep_wake(struct gw_mworker *w)
{
	if (!atomic_exchange(&w->rep_pending, true))
		efd_signal(w->repfd);
}

static void h_log(void *arg, int level, const char *msg)
{
	struct gw_mslot *s = arg;
	struct rep *r;

	if (!s->live) { /* still on the signalling thread */
		gw_log(GW_LOG_RTP, level, "%s", msg);
		return;
	}
	if (!gw_log_enabled(GW_LOG_RTP, level))
		return;
	r = gw_ring_produce(&s->w->rep);
	if (!r) {
		s->w->st.logs_dropped++;
		return;
	}
	r->type = REP_LOG;
	r->level = level;
	r->cookie = s->cookie;
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
	gw_ring_publish(&s->w->rep);
	rep_wake(s->w);
}

/* ---- worker side: slots ---- */

static void slot_free(struct gw_mslot *s)
{
	media_sess_free(s->sess);
	if (s->rtp_fd >= 0)
		close(s->rtp_fd);
	if (s->rtcp_fd >= 0)
		close(s->rtcp_fd);
	free(s);
}

static void slot_add(struct gw_mworker *w, struct gw_mslot *s)
{
	if (s->rtcp_fd >= 0) {
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = s };

		/* without the watch the call still runs, without RTCP in */
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, s->rtcp_fd, &ev))
			w->st.logs_dropped++;
	}
	s->prev = NULL;
	s->next = w->slots;
	if (w->slots)
		w->slots->prev = s;
	w->slots = s;
	w->nslots++;
	atomic_fetch_add(&w->live, 1);
	s->live = true;
	w->st.slots++;
}

static void slot_remove(struct gw_mworker *w, struct gw_mslot *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		w->slots = s->next;
	if (s->next)
		s->next->prev = s->prev;
	w->nslots--;
	atomic_fetch_sub(&w->live, 1);
	if (s->rtcp_fd >= 0)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, s->rtcp_fd, NULL);
	w->st.slots--;
	slot_free(s);
}

static bool report(struct gw_mworker *w, struct gw_mslot *s, bool final)
{
	struct rep *r = gw_ring_produce(&w->rep);

	if (!r)
		return false;
	r->type = final ? REP_FINAL : REP_STATS;
	r->cookie = s->cookie;
	media_sess_stats(s->sess, &r->st);
	gw_ring_publish(&w->rep);
	rep_wake(w);
	return true;
}

static void try_final(struct gw_mworker *w, struct gw_mslot *s)
{
	if (report(w, s, true))
		slot_remove(w, s);
}

static void drain_cmds(struct gw_mworker *w)
{
	struct cmd *c;

	while ((c = gw_ring_peek(&w->cmd))) {
		struct gw_mslot *s = c->slot;

		switch (c->type) {
		case CMD_ADD:
			slot_add(w, s);
			break;
		case CMD_STOP:
			flush_tx(w, s);
			media_sess_bye(s->sess);
			s->stopping = true;
			try_final(w, s);
			break;
		case CMD_QUERY:
			report(w, s, false);
			break;
		case CMD_PEER:
			media_sess_set_peer(s->sess, &c->peer, NULL);
			break;
		}
		gw_ring_release(&w->cmd);
	}
}

static void count_rx(struct gw_mworker *w, int err)
{
	if (err == EACCES)
		w->st.rx_foreign++;
	else if (err)
		w->st.rx_rejected++;
}

/* The kernel's receive time (SO_TIMESTAMPNS, wall clock) on our clock. */
static uint64_t arrival(struct gw_mworker *w, struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)((int64_t)ts.tv_sec * 1000000 +
					  ts.tv_nsec / 1000 - w->rt_off_us);
		}
	return w->tick_us;
}

static void rx_drain(struct gw_mworker *w, struct gw_mslot *s)
{
	for (int round = 0; round < RROUNDS; round++) {
		int n;

		for (int i = 0; i < RBATCH; i++) {
			w->rmsg[i].msg_hdr.msg_namelen = sizeof(w->rsrc[i]);
			w->rmsg[i].msg_hdr.msg_controllen = sizeof(w->rctl[i]);
		}
		n = recvmmsg(s->rtp_fd, w->rmsg, RBATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			struct media_addr src;

			gw_media_addr_from_sin(&src, &w->rsrc[i]);
			w->pkt_us = arrival(w, &w->rmsg[i].msg_hdr);
			count_rx(w,
				 media_sess_rtp_in(s->sess, w->rbuf[i],
						   w->rmsg[i].msg_len, &src));
		}
		w->st.rx_packets += (unsigned)n;
		w->pkt_us = 0;
		if (n < RBATCH)
			break;
	}
}

static void rtcp_drain(struct gw_mworker *w, struct gw_mslot *s)
{
	for (int i = 0; i < 8; i++) {
		struct sockaddr_in sin;
		socklen_t sl = sizeof(sin);
		struct media_addr src;
		ssize_t n =
			recvfrom(s->rtcp_fd, w->rbuf[0], RX_MAX, MSG_DONTWAIT,
				 (struct sockaddr *)&sin, &sl);

		if (n < 0)
			return;
		w->st.rtcp_packets++;
		gw_media_addr_from_sin(&src, &sin);
		count_rx(w, media_sess_rtcp_in(s->sess, w->rbuf[0], (size_t)n,
					       &src));
	}
}

static void run_slot(struct gw_mworker *w, struct gw_mslot *s)
{
	struct up_blk *b;

	rx_drain(w, s);
	if (w->pool->cfg.tick_ms) {
		/* own clock: what the session played is what it sends */
		media_sess_tdm_in(s->sess, s->loop, GW_MW_BLOCK);
		media_sess_tdm_out(s->sess, s->loop, GW_MW_BLOCK);
	} else {
		while ((b = gw_ring_peek(&s->up))) {
			uint8_t *out = gw_ring_produce(&s->down);

			if (b->send)
				media_sess_tdm_in(s->sess, b->pcm, GW_MW_BLOCK);
			/* a full down ring: the channel side fell behind,
			 * the block is played into scratch and lost */
			media_sess_tdm_out(s->sess, out ? out : w->scratch,
					   GW_MW_BLOCK);
			if (out)
				gw_ring_publish(&s->down);
			gw_ring_release(&s->up);
		}
	}
	media_sess_poll(s->sess);
	flush_tx(w, s);
}

static void run_tick(struct gw_mworker *w)
{
	uint64_t work;

	w->tick_us = clock_us(CLOCK_MONOTONIC);
	w->rt_off_us = (int64_t)clock_us(CLOCK_REALTIME) - (int64_t)w->tick_us;
	atomic_store(&w->pending, false);
	drain_cmds(w);
	for (struct gw_mslot *s = w->slots, *next; s; s = next) {
		next = s->next; /* s may go */
		if (s->stopping)
			try_final(w, s);
		else
			run_slot(w, s);
	}
	work = clock_us(CLOCK_MONOTONIC) - w->tick_us;
	if (work > w->st.max_tick_us)
		w->st.max_tick_us = work;
	if (w->pool->cfg.tick_ms && work > 1000ull * w->pool->cfg.tick_ms)
		w->st.late_ticks++;
	w->st.ticks++;
}

static void *worker_main(void *arg)
{
	struct gw_mworker *w = arg;
	struct epoll_event ev[32];

	while (!atomic_load(&w->quit)) {
		bool tick = false;
		int n = epoll_wait(w->epfd, ev, 32, 500);

		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			if (tag == TAG_WAKE) {
				efd_drain(w->wakefd);
				if (w->pool->cfg.tick_ms) {
					atomic_store(&w->pending, false);
					drain_cmds(w);
				} else {
					tick = true;
				}
			} else if (tag == TAG_TIMER) {
				uint64_t exp = efd_drain(w->tfd);

				if (exp > 1)
					w->st.late_ticks += exp - 1;
				tick = true;
			} else {
				rtcp_drain(w, ev[i].data.ptr);
			}
		}
		if (tick)
			run_tick(w);
	}
	return NULL;
}

/* ---- signalling side ---- */

static void wake(struct gw_mworker *w)
{
	if (!atomic_exchange(&w->pending, true))
		efd_signal(w->wakefd);
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

	efd_drain(w->repfd);
	atomic_store(&w->rep_pending, false);
	while ((r = gw_ring_peek(&w->rep))) {
		if (r->type == REP_LOG)
			gw_log(GW_LOG_RTP, r->level, "%s", r->msg);
		else if (p->cfg.report)
			p->cfg.report(p->cfg.report_arg, r->cookie, &r->st,
				      r->type == REP_FINAL);
		gw_ring_release(&w->rep);
		n++;
	}
	return n;
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

static int worker_init(struct gw_mpool *p, struct gw_mworker *w, unsigned id)
{
	struct epoll_event ev = { .events = EPOLLIN };

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
	if (pthread_create(&w->thr, NULL, worker_main, w))
		return EAGAIN;
	w->started = true;
	return 0;
}

static void worker_release(struct gw_mpool *p, struct gw_mworker *w)
{
	if (w->started) {
		atomic_store(&w->quit, true);
		efd_signal(w->wakefd);
		pthread_join(w->thr, NULL);
	}
	if (p->cfg.loop && w->repfd >= 0)
		gw_loop_fd_del(p->cfg.loop, w->repfd);
	/* slots never started or still running: no reports any more */
	while (w->slots)
		slot_remove(w, w->slots);
	for (struct cmd *c; (c = gw_ring_peek(&w->cmd));) {
		if (c->type == CMD_ADD)
			slot_free(c->slot);
		gw_ring_release(&w->cmd);
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

	if (!cfg || !out || cfg->tick_ms > 1000)
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
	*out = p;
	return 0;
}

void gw_mpool_free(struct gw_mpool *p)
{
	if (!p)
		return;
	for (unsigned i = 0; i < p->n; i++)
		worker_release(p, &p->w[i]);
	free(p->w);
	free(p);
}

unsigned gw_mpool_workers(const struct gw_mpool *p)
{
	return p ? p->n : 0;
}

void gw_mpool_wstats(const struct gw_mpool *p, unsigned i,
		     struct gw_mw_stats *out)
{
	if (p && i < p->n && out)
		*out = p->w[i].st;
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

void gw_mslot_hooks(struct gw_mslot *s, bool rtcp, struct media_hooks *h)
{
	*h = (struct media_hooks){
		.arg = s,
		.rtp_send = h_rtp_send,
		.log = h_log,
		.rtcp_send = rtcp && s->rtcp_fd >= 0 ? h_rtcp_send : NULL,
		.now_us = h_now,
	};
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
	slot_free(s);
}

void gw_mslot_audio(struct gw_mslot *s, const uint8_t *rx, uint8_t *tx,
		    size_t n, bool send, uint8_t silence)
{
	struct up_blk *b;
	uint8_t *d;

	if (n != GW_MW_BLOCK) {
		memset(tx, silence, n);
		return;
	}
	b = gw_ring_produce(&s->up);
	if (b) { /* full: the worker is stalled, the block is lost */
		b->send = send;
		memcpy(b->pcm, rx, n);
		gw_ring_publish(&s->up);
	}
	d = gw_ring_peek(&s->down);
	if (d) {
		memcpy(tx, d, n);
		gw_ring_release(&s->down);
	} else {
		memset(tx, silence, n);
	}
	wake(s->w);
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
