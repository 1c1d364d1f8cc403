/* Media workers, the worker threads' side: a tick over every slot, the
 * sessions' hooks, the commands they take. See media_worker.h. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/media_worker_int.h"

uint64_t gw_mw_clock_us(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

void gw_mw_efd_signal(int fd)
{
	uint64_t one = 1;

	/* EAGAIN means it is already signalled: fine */
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		return;
}

uint64_t gw_mw_efd_drain(int fd)
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
		/* from the TDM block's hand-over when it came from tdm/ */
		uint64_t t0 = w->blk_us ? w->blk_us : w->tick_us;
		uint64_t b = (gw_mw_clock_us(CLOCK_MONOTONIC) - t0) / 10;

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

	return gw_media_sendto(s->rtcp_fd, dst, pkt, len);
}

static uint64_t h_now(void *arg)
{
	struct gw_mslot *s = arg;

	if (!s->live)
		return gw_mw_clock_us(CLOCK_MONOTONIC);
	return s->w->pkt_us ? s->w->pkt_us : s->w->tick_us;
}

static void rep_wake(struct gw_mworker *w)
{
	if (!atomic_exchange(&w->rep_pending, true))
		gw_mw_efd_signal(w->repfd);
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

void gw_mw_slot_free(struct gw_mslot *s)
{
	media_sess_free(s->sess);
	media_t38leg_free(s->leg);
	media_faxdet_free(s->det);
	gw_rtp_close(s->rtp_fd);
	gw_rtp_close(s->rtcp_fd);
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

void gw_mw_slot_remove(struct gw_mworker *w, struct gw_mslot *s)
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
	gw_mw_slot_free(s);
}

/* Digits must not be lost: unlike log lines they count as a drop only
 * when the reply ring is full (4096 entries), which is logged. */
static void h_dtmf(void *arg, char digit, bool end, bool from_rtp)
{
	struct gw_mslot *s = arg;
	struct rep *r;

	if (!s->live)
		return; /* nothing plays before the worker has the session */
	r = gw_ring_produce(&s->w->rep);
	if (!r) {
		s->w->st.logs_dropped++;
		return;
	}
	r->type = REP_DTMF;
	r->cookie = s->cookie;
	r->digit = digit;
	r->end = end;
	r->from_rtp = from_rtp;
	gw_ring_publish(&s->w->rep);
	rep_wake(s->w);
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
		gw_mw_slot_remove(w, s);
}

/* ---- worker side: fax ---- */

static struct rep *rep_new(struct gw_mworker *w, struct gw_mslot *s,
			   enum rep_type type)
{
	struct rep *r = gw_ring_produce(&w->rep);

	if (!r) {
		w->st.logs_dropped++;
		return NULL;
	}
	r->type = type;
	r->cookie = s->cookie;
	return r;
}

static void rep_done(struct gw_mworker *w)
{
	gw_ring_publish(&w->rep);
	rep_wake(w);
}

/* The leg goes back to the signalling thread with its results; with
 * the reply ring full it is freed here and its results are lost
 * (counted as a dropped reply). */
static void t38_handback(struct gw_mworker *w, struct gw_mslot *s, bool end)
{
	struct rep *r;

	if (!s->leg)
		return;
	media_t38leg_finish(s->leg);
	r = rep_new(w, s, REP_T38_DONE);
	if (r) {
		r->leg = s->leg;
		r->end = end;
		r->t38_foreign = s->t38_foreign;
		rep_done(w);
	} else {
		media_t38leg_free(s->leg);
	}
	s->leg = NULL;
}

static void t38_start(struct gw_mworker *w, struct gw_mslot *s,
		      const struct cmd *c)
{
	t38_handback(w, s, false); /* a second switch: the old leg's done */
	s->leg = c->leg;
	s->t38_neg = s->t38_peer = c->peer;
	s->t38_latched = s->t38_silent_told = s->t38_end_told = false;
	s->t38_foreign = 0;
	/* the fax is found: detection has done its job */
	media_faxdet_free(s->det);
	s->det = NULL;
}

int gw_mslot_t38_send(void *slot, const uint8_t *pkt, size_t len)
{
	struct gw_mslot *s = slot;
	struct sockaddr_in sin;

	if (gw_media_addr_to_sin(&s->t38_peer, &sin))
		return EAFNOSUPPORT;
	if (sendto(s->rtp_fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&sin,
		   sizeof(sin)) < 0) {
		s->w->st.tx_errors++;
		return errno;
	}
	s->w->st.tx_packets++;
	return 0;
}

/* Source latching as for RTP: only the negotiated IP address; its port
 * may move once, before anything was accepted from the current one. */
static bool t38_src_ok(struct gw_mslot *s, const struct media_addr *src)
{
	if (!media_addr_ip_eq(src, &s->t38_neg))
		return false;
	if (media_addr_eq(src, &s->t38_peer))
		return true;
	if (s->t38_latched)
		return false;
	s->t38_peer = *src;
	return true;
}

static void t38_rx(struct gw_mworker *w, struct gw_mslot *s, int n)
{
	for (int i = 0; i < n; i++) {
		struct media_addr src;

		gw_media_addr_from_sin(&src, &w->rsrc[i]);
		if (!t38_src_ok(s, &src)) {
			s->t38_foreign++;
			w->st.rx_foreign++;
			continue;
		}
		if (media_t38leg_udptl_in(s->leg, w->rbuf[i],
					  w->rmsg[i].msg_len))
			w->st.rx_rejected++; /* counted by the leg too */
		else
			s->t38_latched = true;
	}
}

static void t38_tdm(struct gw_mworker *w, struct gw_mslot *s)
{
	struct up_blk *b;
	struct rep *r;

	if (w->pool->cfg.tick_ms) {
		media_t38leg_tdm(s->leg, s->loop, w->scratch, GW_MW_BLOCK);
		memcpy(s->loop, w->scratch, GW_MW_BLOCK);
	}
	while (!w->pool->cfg.tick_ms && (b = gw_ring_peek(&s->up))) {
		uint8_t *out = gw_ring_produce(&s->down);

		media_t38leg_tdm(s->leg, b->pcm, out ? out : w->scratch,
				 GW_MW_BLOCK);
		if (out)
			gw_ring_publish(&s->down);
		gw_ring_release(&s->up);
	}
	if (!s->t38_end_told && media_t38leg_done(s->leg)) {
		r = rep_new(w, s, REP_T38_PHASE_E);
		if (r) {
			s->t38_end_told = true;
			rep_done(w);
		}
	}
	if (!s->t38_silent_told && media_t38leg_silent(s->leg)) {
		r = rep_new(w, s, REP_T38_SILENT);
		if (r) {
			s->t38_silent_told = true;
			rep_done(w);
		}
	}
}

/* One TDM rx block through the fax tone detector; a new tone is told. */
static void faxdet_feed(struct gw_mworker *w, struct gw_mslot *s,
			const uint8_t *pcm)
{
	enum media_faxtone t;
	struct rep *r;

	media_law_to_linear(s->law, pcm, w->lin, GW_MW_BLOCK);
	t = media_faxdet_feed(s->det, w->lin, GW_MW_BLOCK);
	if (t == MEDIA_FAXTONE_NONE)
		return;
	r = rep_new(w, s, REP_FAXTONE);
	if (r) {
		r->tone = t;
		rep_done(w);
	}
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
			t38_handback(w, s, true); /* before the final report */
			media_sess_bye(s->sess);
			s->stopping = true;
			try_final(w, s);
			break;
		case CMD_QUERY:
			report(w, s, false);
			break;
		case CMD_PEER:
			if (s->leg) { /* a new UDPTL address: latch again */
				s->t38_neg = s->t38_peer = c->peer;
				s->t38_latched = false;
			} else {
				media_sess_set_peer(s->sess, &c->peer, NULL);
			}
			break;
		case CMD_DTMF:
			media_sess_dtmf_play(s->sess, c->digit, c->ms);
			break;
		case CMD_FAX:
			media_sess_fax_mode_ms(s->sess, c->ms);
			break;
		case CMD_TONE:
			media_sess_tone(s->sess, c->tone);
			break;
		case CMD_FAXDET:
			media_faxdet_free(s->det);
			s->det = c->det;
			s->law = c->law;
			break;
		case CMD_T38:
			t38_start(w, s, c);
			break;
		case CMD_T38_END:
			t38_handback(w, s, false);
			break;
		case CMD_SRTP:
			media_sess_srtp_rekey(s->sess, c->srtp, c->keep_tx);
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
		if (s->leg) {
			t38_rx(w, s, n);
			w->st.rx_packets += (unsigned)n;
			if (n < RBATCH)
				break;
			continue;
		}
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

/* The slot's received RTP and its TDM blocks: what the TDM side waits
 * for. Its packets are queued, sent by slot_send(). */
static void slot_audio(struct gw_mworker *w, struct gw_mslot *s)
{
	struct up_blk *b;

	rx_drain(w, s);
	if (s->leg) { /* T.38: the session rests until the fax is over */
		t38_tdm(w, s);
		return;
	}
	if (w->pool->cfg.tick_ms) {
		/* own clock: what the session played is what it sends */
		media_sess_tdm_in(s->sess, s->loop, GW_MW_BLOCK);
		media_sess_tdm_out(s->sess, s->loop, GW_MW_BLOCK);
		return;
	}
	while ((b = gw_ring_peek(&s->up))) {
		uint8_t *out = gw_ring_produce(&s->down);

		/* measure: the send latency counts from the hand-over */
		s->blk_us = b->t_us;
		if (s->det)
			faxdet_feed(w, s, b->pcm);
		if (b->send)
			media_sess_tdm_in(s->sess, b->pcm, GW_MW_BLOCK);
		/* a full down ring: the channel side fell behind, the block
		 * is played into scratch and lost */
		media_sess_tdm_out(s->sess, out ? out : w->scratch,
				   GW_MW_BLOCK);
		if (out)
			gw_ring_publish(&s->down);
		gw_ring_release(&s->up);
	}
}

/* The session's timers (RTCP, DTMF retransmissions) and the packets
 * queued this tick, in one sendmmsg. */
static void slot_send(struct gw_mworker *w, struct gw_mslot *s)
{
	if (s->leg)
		return; /* the leg sends as it goes */
	media_sess_poll(s->sess);
	w->blk_us = s->blk_us;
	flush_tx(w, s);
	w->blk_us = s->blk_us = 0;
}

/* TDM driven with spin_us: where the next block is expected, from when
 * the signalling thread handed the last one over (a, not our wake-up,
 * which may have been late). An early block (or a first one) sets the
 * phase; a late one moves it by an eighth of its lateness only, so one
 * late TDM tick does not make us late for every block after, while a
 * clock drifting against ours is still followed. */
static void spin_phase(struct gw_mworker *w, uint64_t a)
{
	const uint64_t period = 1000ull * GW_MW_BLOCK / 8;

	if (!w->next_us || a <= w->next_us || a > w->next_us + period / 2)
		w->next_us = a + period;
	else
		w->next_us += period + (a - w->next_us) / 8;
}

/* TDM driven, two passes: every slot's audio first, then the signalling
 * thread is told (it sends the spans' blocks while we go on), then the
 * sends. The TDM side's wait so ends after the cheap half of the tick,
 * not after every slot's sendmmsg (on loopback a send also runs the
 * receiver's network stack). Own clock: nobody waits, one pass. */
/* The worker's load: wall time in ticks over wall time, per window.
 * Wall, not CPU, time: a tick preempted by other threads is as late for
 * its calls as one with too much work. */
void gw_mw_load_account(struct gw_mworker *w, uint64_t end, uint64_t work)
{
	if (!w->load_t0 || end - w->load_t0 > 4 * GW_MW_LOAD_WINDOW_US) {
		w->load_t0 = end - work; /* first tick, or idle since */
		w->load_work = 0;
	}
	w->load_work += work;
	if (end - w->load_t0 < GW_MW_LOAD_WINDOW_US)
		return;
	uint64_t milli = w->load_work * 1000 / (end - w->load_t0);

	atomic_store(&w->load_milli, milli > 1000 ? 1000u : (unsigned)milli);
	atomic_store(&w->load_at_us, end);
	w->load_t0 = end;
	w->load_work = 0;
}

static void run_tick(struct gw_mworker *w)
{
	bool tdm = !w->pool->cfg.tick_ms;
	uint64_t work;

	w->tick_us = gw_mw_clock_us(CLOCK_MONOTONIC);
	w->rt_off_us =
		(int64_t)gw_mw_clock_us(CLOCK_REALTIME) - (int64_t)w->tick_us;
	atomic_store(&w->pending, false);
	if (atomic_exchange(&w->handed, false))
		spin_phase(w, atomic_load(&w->handed_us));
	drain_cmds(w);
	for (struct gw_mslot *s = w->slots, *next; s; s = next) {
		next = s->next; /* s may go */
		if (s->stopping) {
			try_final(w, s);
			continue;
		}
		slot_audio(w, s);
		if (!tdm)
			slot_send(w, s);
	}
	/* the spans' blocks wait for this tick's answers; tell the
	 * signalling thread once (a kick finding nothing is cheap) */
	if (tdm && w->nslots) {
		atomic_store(&w->aud_ready, true);
		rep_wake(w);
	}
	for (struct gw_mslot *s = w->slots; tdm && s; s = s->next)
		if (!s->stopping)
			slot_send(w, s);
	uint64_t end = gw_mw_clock_us(CLOCK_MONOTONIC);

	work = end - w->tick_us;
	gw_mw_load_account(w, end, work);
	w->st.cpu_us = gw_mw_clock_us(CLOCK_THREAD_CPUTIME_ID);
	if (work > w->st.max_tick_us)
		w->st.max_tick_us = work;
	if (!tdm && work > 1000ull * w->pool->cfg.tick_ms)
		w->st.late_ticks++;
	w->st.ticks++;
}

static void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/* How long epoll may sleep (ns) and whether the worker
 * should rather watch for the block itself now. */
static int64_t wait_ns(struct gw_mworker *w, uint64_t now, bool *spin)
{
	unsigned sp = w->pool->cfg.spin_us;

	*spin = false;
	if (w->pool->cfg.tick_ms || !sp || !w->next_us || !w->nslots)
		return 500000000;
	if (now + sp < w->next_us)
		return (int64_t)(w->next_us - sp - now) * 1000;
	if (now < w->next_us + sp + GW_MW_SPIN_LATE_US) {
		*spin = true;
		return 0;
	}
	return 500000000; /* the window passed: the eventfd brings it */
}

/* Watches w->pending until the window closes; true when a wake-up came
 * (its eventfd then drained). sched_yield, not only a pause: a thread
 * of our priority woken on this CPU (the TDM side handing the block
 * over, with SCHED_FIFO) runs meanwhile instead of waiting for us. */
static bool spin_wait(struct gw_mworker *w)
{
	uint64_t end = w->next_us + w->pool->cfg.spin_us + GW_MW_SPIN_LATE_US;

	for (uint64_t now = gw_mw_clock_us(CLOCK_MONOTONIC); now < end;
	     now = gw_mw_clock_us(CLOCK_MONOTONIC)) {
		if (atomic_load(&w->pending) || atomic_load(&w->quit)) {
			gw_mw_efd_drain(w->wakefd);
			return true;
		}
		cpu_relax();
		sched_yield();
	}
	w->st.spin_missed++;
	return false;
}

void *gw_mw_main(void *arg)
{
	struct gw_mworker *w = arg;
	struct epoll_event ev[32];

	while (!atomic_load(&w->quit)) {
		bool tick = false, spin;
		int64_t ns = wait_ns(w, gw_mw_clock_us(CLOCK_MONOTONIC), &spin);
		struct timespec ts = { ns / 1000000000, ns % 1000000000 };
		int n = epoll_pwait2(w->epfd, ev, 32, &ts, NULL);

		if (n < 0 && errno == ENOSYS) /* before Linux 5.11 */
			n = epoll_wait(w->epfd, ev, 32, (int)(ns / 1000000));
		for (int i = 0; i < n; i++) {
			uint64_t tag = ev[i].data.u64;

			if (tag == TAG_WAKE) {
				gw_mw_efd_drain(w->wakefd);
				if (w->pool->cfg.tick_ms) {
					atomic_store(&w->pending, false);
					drain_cmds(w);
				} else {
					tick = true;
				}
			} else if (tag == TAG_TIMER) {
				uint64_t exp = gw_mw_efd_drain(w->tfd);

				if (exp > 1)
					w->st.late_ticks += exp - 1;
				tick = true;
			} else {
				rtcp_drain(w, ev[i].data.ptr);
			}
		}
		if (!tick && spin && spin_wait(w)) {
			tick = true;
			w->st.spin_caught++;
		}
		if (tick)
			run_tick(w);
	}
	return NULL;
}

void gw_mslot_hooks(struct gw_mslot *s, bool rtcp, struct media_hooks *h)
{
	*h = (struct media_hooks){
		.arg = s,
		.rtp_send = h_rtp_send,
		.log = h_log,
		.rtcp_send = rtcp && s->rtcp_fd >= 0 ? h_rtcp_send : NULL,
		.now_us = h_now,
		.dtmf = h_dtmf,
	};
}
