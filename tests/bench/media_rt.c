/*
 * Media runtime benchmarks (make bench; measured, never asserted):
 *
 *   BENCH mem_per_call_kib <KiB> KiB
 *     RSS growth per G.711 call with 1000 calls up in one worker.
 *   BENCH media_added_latency_ms <p99> ms
 *     LAT_CALLS calls (one E1 span, the unit whose block waits for the
 *     slowest of its calls), run as the gateway runs them by default: a
 *     worker per CPU ([media] workers = 0), the workers and the TDM side
 *     (this thread, the gateway's signalling thread) SCHED_FIFO
 *     (realtime_priority = 10; normal scheduling when refused, said on
 *     stderr), driven as gw.c drives them: each 20 ms the TDM side hands
 *     every call its block (gw_mslot_audio_rx), then takes the answers
 *     (gw_mslot_audio_tx) when the workers say they are ready, or late
 *     at TDM_AUDIO_WAIT_MS. The worst p99 of both directions: TDM -> RTP
 *     from the block's hand-over to its RTP packet handed to the kernel
 *     (packetization is over when the block is complete); RTP -> TDM
 *     from the block's hand-over to the answer played out of the jitter
 *     buffer being in the TDM side's hands (beyond the buffer's depth).
 *     stderr adds normal scheduling, one worker, the old one-block-ahead
 *     exchange, and the tick-to-packet p99 of a worker carrying half its
 *     capacity; `media_rt latency` runs only these, for 30, 60 and 120
 *     calls. All grow with the calls a worker runs (they are served one
 *     after the other in a tick) and with other loads on the machine.
 *   BENCH media_g711_calls_per_core <n> calls vs=udp_floor ratio=<x>
 *     Concurrent G.711 calls (TDM looped back, RTP on loopback to another
 *     call, 20 ms) one worker thread carries with no late tick, against
 *     the number of sockets a bare thread can send one datagram from and
 *     receive one datagram on every 20 ms (udp_floor), both SCHED_FIFO
 *     as the gateway's worker runs (normal scheduling when refused,
 *     said on stderr). Doubling, then
 *     bisection, the two searches' probes taking turns; each probe runs
 *     PROBE_MS. stderr adds the CPU time per call and tick of both at
 *     the latency run's load: what a core would carry if it were ours
 *     (the wall-clock search also counts other loads' preemptions).
 *     `media_rt cpu N` prints those for N calls only.
 * Everything stays on 127.0.0.1. The soft RLIMIT_NOFILE is raised to the
 * hard one; the search stops below it.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/loop.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/net.h"
#include "gateway/rt.h"

#define PORT_LO 20000u
#define PORT_HI 64999u
#define PROBE_MS 1500
#define WARM_MS 400
#define BISECT 4
#define MEM_CALLS 1000
#define LAT_CALLS 30
/* 500 ticks: one stalled tick holds all 30 calls' samples, and with 150
 * ticks (3 s) two stalls already made the p99 */
#define LAT_MS 10000
/* [media] realtime_priority's and busy_wait_us's defaults */
#define RT_PRIO 10
#define BUSY_US 300
#define STR_(x) #x
#define STR(x) STR_(x)

static unsigned max_calls;
static bool quick; /* `media_rt latency` */

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static uint64_t thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static long rss_kib(void)
{
	long pages = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

/* ---- the media path: n calls in one worker ---- */

struct run {
	struct gw_mpool *p;
	unsigned n;
	struct gw_mslot **s; /* the slots, for a TDM side driving them */
};

/* tick_ms 0: the caller drives the TDM side (cfg, if given, says how) */
static int calls_up_cfg(struct run *r, unsigned n, bool measure,
			unsigned tick_ms, const struct gw_mpool_cfg *base)
{
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .tick_ms = tick_ms,
				    .measure = measure };
	unsigned next = PORT_LO, *ports;
	int err;

	r->n = 0;
	if (base) {
		cfg = *base; /* workers 0: one per CPU, as the gateway */
		cfg.tick_ms = tick_ms;
		cfg.measure = measure;
	}
	r->s = calloc(n + 1, sizeof(*r->s));
	if (!r->s)
		return ENOMEM;
	err = gw_mpool_alloc(&cfg, &r->p);
	if (err)
		return err;
	ports = calloc(n + 1, sizeof(*ports));
	if (!ports)
		return ENOMEM;
	/* bind all first: call i's peer is call i ^ 1 */
	int *fds = calloc(2 * (size_t)n, sizeof(int));

	if (!fds) {
		free(ports);
		return ENOMEM;
	}
	for (unsigned i = 0; i < n && !err; i++)
		err = gw_rtp_bind_pair("127.0.0.1", PORT_LO, PORT_HI, &next,
				       &fds[2 * i], &fds[2 * i + 1], &ports[i]);
	for (unsigned i = 0; i < n && !err; i++) {
		struct media_sess_cfg mc = { .codec = MEDIA_CODEC_PCMU,
					     .ssrc = 0x10000 + i,
					     .seq = (uint16_t)i };
		struct sockaddr_in sin;
		struct media_hooks h;
		struct media_sess *sess;
		struct gw_mslot *s;

		gw_sockaddr_in(&sin, "127.0.0.1", ports[i ^ 1]);
		gw_media_addr_from_sin(&mc.peer, &sin);
		err = gw_mslot_alloc(r->p, fds[2 * i], fds[2 * i + 1], i, &s);
		if (err)
			break;
		gw_mslot_hooks(s, true, &h);
		err = media_sess_alloc(&h, &mc, &sess);
		if (err) {
			gw_mslot_discard(s, NULL);
			break;
		}
		/* the command ring is finite: let the worker catch up */
		for (int k = 0; k < 1000 && gw_mslot_start(s, sess) == EAGAIN;
		     k++)
			sleep_ms(1);
		r->s[r->n++] = s;
	}
	free(ports);
	free(fds);
	return err;
}

/* The capacity runs' scheduling: SCHED_FIFO for the worker and the
 * floor's thread alike (as the gateway runs), so that the search measures
 * what a core carries rather than what other loads leave over; 0 when
 * refused (both run normally then). */
static unsigned cap_rt;

static int calls_up(struct run *r, unsigned n, bool measure)
{
	struct gw_mpool_cfg cfg = { .workers = 1, .rt_prio = cap_rt };

	return calls_up_cfg(r, n, measure, 20, &cfg);
}

static void calls_down(struct run *r)
{
	gw_mpool_free(r->p);
	r->p = NULL;
	free(r->s);
	r->s = NULL;
}

/* Runs ms of real time; true when no tick was late or short of work. */
static bool window(struct run *r, unsigned ms, struct gw_mw_stats *d)
{
	struct gw_mw_stats a, b;

	gw_mpool_wstats(r->p, 0, &a);
	sleep_ms(ms);
	gw_mpool_wstats(r->p, 0, &b);
	memset(d, 0, sizeof(*d));
	d->ticks = b.ticks - a.ticks;
	d->late_ticks = b.late_ticks - a.late_ticks;
	d->tx_packets = b.tx_packets - a.tx_packets;
	d->rx_packets = b.rx_packets - a.rx_packets;
	d->max_tick_us = b.max_tick_us;
	d->cpu_us = b.cpu_us - a.cpu_us;
	for (int i = 0; i < GW_MW_HIST; i++)
		d->hist[i] = b.hist[i] - a.hist[i];
	/* every call sent and received a packet every tick (5% slack for
	 * the window's edges) */
	return !d->late_ticks && d->ticks >= ms / 20 - 2 &&
	       d->tx_packets >= (uint64_t)r->n * d->ticks * 95 / 100 &&
	       d->rx_packets >= (uint64_t)r->n * d->ticks * 95 / 100;
}

static bool probe_media(unsigned n)
{
	struct run r = { 0 };
	struct gw_mw_stats d;
	bool ok = false;

	if (!calls_up(&r, n, false)) {
		sleep_ms(WARM_MS);
		ok = window(&r, PROBE_MS, &d);
	}
	calls_down(&r);
	return ok;
}

/* ---- the floor: bare sockets, one send and one receive each per tick ---- */

/* Floor CPU time per socket and tick in the last probe_floor() run. */
static double floor_cpu_us;

static bool probe_floor(unsigned n)
{
	unsigned next = PORT_LO, port, *ports = calloc(n, sizeof(unsigned));
	int *fd = calloc(n, sizeof(int)), tfd = -1, junk, err = 0;
	struct sockaddr_in *peer = calloc(n, sizeof(*peer));
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
	uint8_t pkt[172] = { 0x80 }, buf[1500];
	uint64_t ticks = 0, late = 0, exp, t_end, cpu0 = 0, ticks0 = 0;
	bool measuring;
	unsigned bound = 0;
	struct timespec now;

	if (!ports || !fd || !peer)
		goto out;
	gw_rt_thread(pthread_self(), cap_rt);
	for (; bound < n && !err; bound++) {
		err = gw_rtp_bind_pair("127.0.0.1", PORT_LO, PORT_HI, &next,
				       &fd[bound], &junk, &port);
		if (!err) {
			close(junk); /* the floor needs no RTCP */
			ports[bound] = port;
		}
	}
	if (err) {
		bound--;
		goto out;
	}
	for (unsigned i = 0; i < n; i++)
		gw_sockaddr_in(&peer[i], "127.0.0.1", ports[i ^ 1]);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	if (tfd < 0 || timerfd_settime(tfd, 0, &its, NULL))
		goto out;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t_end = (uint64_t)now.tv_sec * 1000 + (uint64_t)now.tv_nsec / 1000000 +
		WARM_MS + PROBE_MS;
	for (;;) {
		uint64_t t;

		if (read(tfd, &exp, sizeof(exp)) != sizeof(exp))
			break;
		clock_gettime(CLOCK_MONOTONIC, &now);
		t = (uint64_t)now.tv_sec * 1000 +
		    (uint64_t)now.tv_nsec / 1000000;
		if (t >= t_end)
			break;
		ticks++;
		measuring = t + PROBE_MS >= t_end; /* warm-up is over */
		if (!measuring) {
			cpu0 = thread_cpu_us();
			ticks0 = ticks;
		}
		if (exp > 1 && measuring)
			late += exp - 1;
		for (unsigned i = 0; i < n; i++) {
			while (recv(fd[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
				;
			sendto(fd[i], pkt, sizeof(pkt), MSG_DONTWAIT,
			       (struct sockaddr *)&peer[i], sizeof(peer[i]));
		}
		/* the worker's rule: a tick whose work overran is late */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((uint64_t)now.tv_sec * 1000 +
				    (uint64_t)now.tv_nsec / 1000000 - t >
			    20 &&
		    measuring)
			late++;
	}
	if (ticks > ticks0 && n)
		floor_cpu_us = (double)(thread_cpu_us() - cpu0) /
			       (double)(ticks - ticks0) / n;
out:
	pthread_setschedparam(pthread_self(), SCHED_OTHER,
			      &(struct sched_param){ 0 });
	if (tfd >= 0)
		close(tfd);
	for (unsigned i = 0; i < bound && fd; i++)
		close(fd[i]);
	free(ports);
	free(fd);
	free(peer);
	return !err && tfd >= 0 && !late && ticks > 0;
}

/* One search: doubling from lo, then BISECT bisection steps. */
struct search {
	bool (*probe)(unsigned);
	unsigned good, bad, n;
	int steps;
	bool doubling, done;
};

static void search_init(struct search *s, bool (*probe)(unsigned), unsigned lo)
{
	*s = (struct search){ .probe = probe, .n = lo, .doubling = true };
}

/* One probe; sets done when the answer (good) is known. */
static void search_step(struct search *s)
{
	if (s->done)
		return;
	if (s->doubling) {
		if (s->n <= max_calls && s->probe(s->n)) {
			s->good = s->n;
			s->n *= 2;
			return;
		}
		s->doubling = false;
		s->bad = s->n <= max_calls ? s->n : max_calls + 1;
		s->done = !s->good;
		return;
	}
	if (s->steps >= BISECT || s->bad - s->good <= 1) {
		s->done = true;
		return;
	}
	s->steps++;
	s->n = s->good + (s->bad - s->good) / 2;
	if (s->probe(s->n))
		s->good = s->n;
	else
		s->bad = s->n;
}

/* The media path's and the floor's searches, probe by probe in turn, so
 * that both meet the same load from the rest of a shared machine. */
static void search_both(unsigned lo, unsigned *media, unsigned *floor_n)
{
	struct search m, f;

	search_init(&m, probe_media, lo);
	search_init(&f, probe_floor, lo);
	for (int i = 0; i < 64 && !(m.done && f.done); i++) {
		search_step(&m);
		search_step(&f);
	}
	*media = m.good;
	*floor_n = f.good;
}

static double p99_hist_ms(const uint32_t *hist)
{
	uint64_t total = 0, acc = 0;
	int i;

	for (i = 0; i < GW_MW_HIST; i++)
		total += hist[i];
	if (!total)
		return -1;
	for (i = 0; i < GW_MW_HIST; i++) {
		acc += hist[i];
		if (acc * 100 >= total * 99)
			break;
	}
	return (i + 1) * 10 / 1000.0; /* bucket's upper edge */
}

static double p99_ms(const struct gw_mw_stats *d)
{
	return p99_hist_ms(d->hist);
}

/* ---- a TDM side driving the worker, as gw.c and tdm/audio.c do ---- */

struct tdm_side {
	struct run r;
	struct gw_loop *loop;
	bool async;	     /* false: the one-block-ahead exchange */
	uint64_t tick_us;    /* this block's hand-over */
	uint64_t prev_us;    /* the previous one's */
	uint64_t next_us;    /* next tick, absolute */
	uint64_t end_us;     /* measuring ends */
	uint64_t measure_us; /* warm-up ends */
	struct gw_timer *deadline;
	unsigned missing; /* answers not taken this tick */
	bool *waiting;
	uint8_t (*pcm)[GW_MW_BLOCK]; /* per call: TDM looped back */
	uint64_t late, answers;
	uint32_t hist[GW_MW_HIST]; /* RTP -> TDM, 10 us buckets */
};

static void side_record(struct tdm_side *t, uint64_t age_us)
{
	uint64_t b = age_us / 10;

	if (gw_loop_now_us(t->loop) < t->measure_us)
		return;
	t->hist[b < GW_MW_HIST ? b : GW_MW_HIST - 1]++;
	t->answers++;
}

static void side_collect(struct tdm_side *t, bool late)
{
	for (unsigned i = 0; i < t->r.n && t->missing; i++) {
		if (!t->waiting[i] ||
		    !gw_mslot_audio_tx(t->r.s[i], t->pcm[i], GW_MW_BLOCK, late,
				       0xFF))
			continue;
		t->waiting[i] = false;
		t->missing--;
		side_record(t, gw_loop_now_us(t->loop) - t->tick_us);
	}
	if (!t->missing && t->deadline) {
		gw_timer_stop(t->loop, t->deadline);
		t->deadline = NULL;
	}
}

static void side_ready(void *arg)
{
	side_collect(arg, false);
}

static void side_deadline(void *arg)
{
	struct tdm_side *t = arg;

	t->deadline = NULL;
	if (t->missing && gw_loop_now_us(t->loop) >= t->measure_us)
		t->late += t->missing;
	side_collect(t, true);
}

static void side_tick(void *arg)
{
	struct tdm_side *t = arg;

	if (t->missing) /* the deadline always comes first; to be sure */
		side_deadline(t);
	t->prev_us = t->tick_us;
	t->tick_us = gw_loop_now_us(t->loop);
	for (unsigned i = 0; i < t->r.n; i++) {
		gw_mslot_audio_rx(t->r.s[i], t->pcm[i], GW_MW_BLOCK, true);
		if (t->async) {
			t->waiting[i] = true;
			continue;
		}
		/* the old exchange: what the worker made of the previous
		 * block, at once */
		gw_mslot_audio_tx(t->r.s[i], t->pcm[i], GW_MW_BLOCK, true,
				  0xFF);
		if (t->prev_us)
			side_record(t, gw_loop_now_us(t->loop) - t->prev_us);
	}
	if (t->async) {
		t->missing = t->r.n;
		t->deadline = gw_timer_start(t->loop, 10, side_deadline, t);
	}
	t->next_us += 20000;
	if (t->next_us < t->end_us)
		gw_timer_start_at_us(t->loop, t->next_us, side_tick, t);
}

/* Every worker's counters added up (max_tick_us: the longest). */
static void wstats_all(struct gw_mpool *p, struct gw_mw_stats *d)
{
	struct gw_mw_stats w;

	memset(d, 0, sizeof(*d));
	for (unsigned i = 0; i < gw_mpool_workers(p); i++) {
		gw_mpool_wstats(p, i, &w);
		d->ticks += w.ticks;
		d->late_ticks += w.late_ticks;
		d->cpu_us += w.cpu_us;
		d->spin_caught += w.spin_caught;
		d->spin_missed += w.spin_missed;
		d->tx_packets += w.tx_packets;
		d->rx_packets += w.rx_packets;
		if (w.max_tick_us > d->max_tick_us)
			d->max_tick_us = w.max_tick_us;
		for (int k = 0; k < GW_MW_HIST; k++)
			d->hist[k] += w.hist[k];
	}
}

/* p99 of both directions, or -1; the worker's counters in d. */
static double tdm_driven(unsigned n, unsigned workers, bool async, unsigned rt,
			 unsigned spin, struct gw_mw_stats *d, double *tdm_rtp,
			 double *rtp_tdm, uint64_t *late)
{
	struct tdm_side t = { .async = async };
	struct gw_mpool_cfg cfg = { .audio_ready = side_ready,
				    .report_arg = &t,
				    .rt_prio = rt,
				    .workers = workers,
				    .spin_us = spin };
	struct sched_param normal = { 0 };
	struct gw_mw_stats a;
	double res = -1;

	t.loop = gw_loop_alloc();
	t.waiting = calloc(n, sizeof(*t.waiting));
	t.pcm = calloc(n, sizeof(*t.pcm));
	if (!t.loop || !t.waiting || !t.pcm)
		goto out;
	for (unsigned i = 0; i < n; i++) /* a tone-ish pattern, not silence */
		for (int k = 0; k < GW_MW_BLOCK; k++)
			t.pcm[i][k] = (uint8_t)(0x10 + (k * 7 + i) % 64);
	cfg.loop = t.loop;
	/* this thread is the gateway's signalling thread: as gw.c does */
	if (rt && gw_rt_thread(pthread_self(), rt))
		goto out;
	if (calls_up_cfg(&t.r, n, true, 0, &cfg) || gw_mpool_rt_err(t.r.p))
		goto out;
	t.next_us = gw_loop_now_us(t.loop) + 20000;
	t.measure_us = t.next_us + WARM_MS * 1000ull;
	t.end_us = t.measure_us + LAT_MS * 1000ull;
	gw_timer_start_at_us(t.loop, t.next_us, side_tick, &t);
	memset(&a, 0, sizeof(a));
	for (unsigned i = 0; i < (WARM_MS + LAT_MS) / 2 + 1000; i++) {
		uint64_t now = gw_loop_now_us(t.loop);

		if (now >= t.end_us + 30000)
			break;
		if (!a.ticks && now >= t.measure_us) {
			wstats_all(t.r.p, &a);
			a.ticks = a.ticks ? a.ticks : 1;
		}
		gw_loop_once(t.loop, 5);
	}
	wstats_all(t.r.p, d);
	for (int i = 0; i < GW_MW_HIST; i++)
		d->hist[i] -= a.hist[i];
	d->cpu_us -= a.cpu_us; /* the workers' CPU over the measured run */
	d->spin_caught -= a.spin_caught;
	d->spin_missed -= a.spin_missed;
	*tdm_rtp = p99_ms(d);
	*rtp_tdm = p99_hist_ms(t.hist);
	*late = t.late;
	res = *tdm_rtp > *rtp_tdm ? *tdm_rtp : *rtp_tdm;
out:
	calls_down(&t.r);
	pthread_setschedparam(pthread_self(), SCHED_OTHER, &normal);
	free(t.waiting);
	free(t.pcm);
	gw_loop_free(t.loop);
	return res;
}

static unsigned ncpu(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/* One TDM-driven run on stderr (stdout for `media_rt latency`): workers
 * 0 is one per CPU; rt 0 normal scheduling; spin the busy wait. */
static void latency_line(unsigned n, unsigned workers, unsigned rt,
			 unsigned spin)
{
	struct gw_mw_stats d;
	double up, down;
	uint64_t late;
	FILE *f = n == LAT_CALLS && !quick ? stderr : stdout;

	if (tdm_driven(n, workers, true, rt, spin, &d, &up, &down, &late) < 0) {
		fprintf(f, "media_rt: %u calls, %u workers, %s: failed\n", n,
			workers ? workers : ncpu(),
			rt ? "SCHED_FIFO" : "normal scheduling");
		return;
	}
	fprintf(f,
		"media_rt: %u calls, %u workers, %s, busy_wait_us %u: "
		"TDM->RTP p99 %.2f ms, RTP->TDM p99 %.2f ms, %llu answers "
		"late, blocks caught awake %llu, missed %llu, workers' CPU "
		"%.1f %%\n",
		n, workers ? workers : ncpu(),
		rt ? "SCHED_FIFO " STR(RT_PRIO) : "normal scheduling", spin, up,
		down, (unsigned long long)late,
		(unsigned long long)d.spin_caught,
		(unsigned long long)d.spin_missed,
		(double)d.cpu_us / (LAT_MS * 10.0));
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	struct run r = { 0 };
	struct gw_mw_stats d;
	long before, after;
	unsigned media, floor_n, lat_calls;
	bool ok;
	int err;

	gw_log_init("bench", false);
	gw_log_set_level_all(LOG_ERR);
	if (!getrlimit(RLIMIT_NOFILE, &rl)) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* two sockets per call, and room for the rest */
	max_calls = rl.rlim_cur > 200 ? (unsigned)(rl.rlim_cur - 100) / 2 : 50;
	if (max_calls > (PORT_HI - PORT_LO) / 2 - 10)
		max_calls = (PORT_HI - PORT_LO) / 2 - 10;

	/* "latency": only the TDM-driven latency runs (for quick looks) */
	if (argc > 1 && !strcmp(argv[1], "latency")) {
		quick = true;
		for (unsigned n = 30; n <= 120; n *= 2) {
			/* the defaults, then one thing changed each */
			latency_line(n, 0, RT_PRIO, BUSY_US);
			latency_line(n, 0, RT_PRIO, 0);
			latency_line(n, 1, RT_PRIO, BUSY_US);
			latency_line(n, 0, 0, BUSY_US);
		}
		return 0;
	}
	/* "cpu N": CPU per call and tick at N calls, media and bare UDP
	 * (for profiling one load) */
	if (argc > 2 && !strcmp(argv[1], "cpu")) {
		unsigned n = (unsigned)strtoul(argv[2], NULL, 10) & ~1u;

		if (n < 2 || n > max_calls || calls_up(&r, n, false))
			return 1;
		sleep_ms(WARM_MS);
		window(&r, 3000, &d);
		calls_down(&r);
		probe_floor(n);
		printf("cpu %u calls: media %.2f us, bare UDP %.2f us per call "
		       "and tick (%llu ticks, %llu late)\n",
		       n, d.ticks ? (double)d.cpu_us / d.ticks / n : 0.0,
		       floor_cpu_us, (unsigned long long)d.ticks,
		       (unsigned long long)d.late_ticks);
		return 0;
	}
	/* capacity first: the latency is measured on a worker carrying
	 * half of what it can */
	cap_rt = gw_rt_thread(pthread_self(), RT_PRIO) ? 0 : RT_PRIO;
	pthread_setschedparam(pthread_self(), SCHED_OTHER,
			      &(struct sched_param){ 0 });
	search_both(64, &media, &floor_n);
	printf("BENCH media_g711_calls_per_core %u calls vs=udp_floor ratio=%.2f\n",
	       media, floor_n ? (double)media / floor_n : 0.0);
	fflush(stdout);
	fprintf(stderr,
		"media_rt: udp_floor %u sockets, search capped at %u, both %s\n",
		floor_n, max_calls,
		cap_rt ? "SCHED_FIFO " STR(RT_PRIO)
		       : "with normal scheduling (real time refused)");

	{
		double lat, up, down;
		uint64_t late;
		unsigned rt = RT_PRIO;

		/* as the gateway runs by default (a worker per CPU,
		 * SCHED_FIFO); refused (not root, no CAP_SYS_NICE): the
		 * normal-scheduling figure, said so */
		lat = tdm_driven(LAT_CALLS, 0, true, rt, BUSY_US, &d, &up,
				 &down, &late);
		if (lat < 0) {
			rt = 0;
			lat = tdm_driven(LAT_CALLS, 0, true, 0, BUSY_US, &d,
					 &up, &down, &late);
		}
		printf("BENCH media_added_latency_ms %.2f ms\n", lat);
		fflush(stdout);
		fprintf(stderr,
			"media_rt: %u calls, %u workers, %s, busy_wait_us "
			"%u: TDM->RTP p99 %.2f ms, RTP->TDM p99 %.2f ms "
			"beyond the jitter buffer, %llu answers late, blocks "
			"caught awake %llu, missed %llu\n",
			LAT_CALLS, ncpu(),
			rt ? "SCHED_FIFO " STR(RT_PRIO)
			   : "normal scheduling (real time refused)",
			BUSY_US, up, down, (unsigned long long)late,
			(unsigned long long)d.spin_caught,
			(unsigned long long)d.spin_missed);
		/* the other settings, for comparison */
		latency_line(LAT_CALLS, 0, rt, 0);
		latency_line(LAT_CALLS, 0, 0, BUSY_US);
		latency_line(LAT_CALLS, 1, rt, BUSY_US);
		if (tdm_driven(LAT_CALLS, 0, false, rt, BUSY_US, &d, &up, &down,
			       &late) >= 0)
			fprintf(stderr,
				"media_rt: the same with the one-block-ahead "
				"exchange (before issue 5's): TDM->RTP p99 "
				"%.2f ms, RTP->TDM p99 %.2f ms\n",
				up, down);
	}
	lat_calls = media / 2 > 2 ? media / 2 & ~1u : 2;
	err = calls_up(&r, lat_calls, true);
	if (!err) {
		sleep_ms(WARM_MS);
		ok = window(&r, 2000, &d);
		fprintf(stderr,
			"media_rt: half capacity, %u calls on one worker: tick "
			"to RTP packet p99 %.2f ms%s\n",
			lat_calls, p99_ms(&d),
			ok ? "" : " (late ticks: not real time)");
		/* CPU time, unlike wall time, ignores the other loads of a
		 * shared machine: what a core would carry if it were ours */
		calls_down(&r);
		/* again without the latency probes (a clock read per send) */
		if (!calls_up(&r, lat_calls, false)) {
			sleep_ms(WARM_MS);
			window(&r, PROBE_MS, &d);
		}
		if (d.ticks && lat_calls) {
			double media_cpu =
				(double)d.cpu_us / (double)d.ticks / lat_calls;

			calls_down(&r);
			probe_floor(lat_calls);
			fprintf(stderr,
				"media_rt: CPU per call and 20 ms tick: media %.2f us, "
				"bare UDP %.2f us: %.0f vs %.0f calls per core "
				"(ratio %.2f)\n",
				media_cpu, floor_cpu_us, 20000 / media_cpu,
				floor_cpu_us > 0 ? 20000 / floor_cpu_us : 0,
				floor_cpu_us / media_cpu);
		}
	}
	calls_down(&r);

	before = rss_kib();
	err = calls_up(&r, MEM_CALLS, false);
	if (err) {
		fprintf(stderr, "media_rt: %u calls: %s\n", MEM_CALLS,
			strerror(err));
		calls_down(&r);
		return 1;
	}
	sleep_ms(WARM_MS + 600); /* buffers filled, rings and jb in use */
	after = rss_kib();
	printf("BENCH mem_per_call_kib %.1f KiB\n",
	       (double)(after - before) / MEM_CALLS);
	calls_down(&r);
	return 0;
}
