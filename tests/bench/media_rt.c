/*
 * Media runtime benchmarks (make bench; measured, never asserted):
 *
 *   BENCH mem_per_call_kib <KiB> KiB
 *     RSS growth per G.711 call with 1000 calls up in one worker.
 *   BENCH media_added_latency_ms <p99> ms
 *     With those 1000 calls: from the start of a TDM tick (the block is
 *     complete, packetization is over) to each call's RTP packet handed to
 *     the kernel, p99. The same pass has already played the call's
 *     received audio out to TDM, so this also bounds RTP -> TDM beyond the
 *     jitter buffer. Not counted: the tick quantization of block TDM.
 *   BENCH media_g711_calls_per_core <n> calls vs=udp_floor ratio=<x>
 *     Concurrent G.711 calls (TDM looped back, RTP on loopback to another
 *     call, 20 ms) one worker thread carries with no late tick, against
 *     the number of sockets a bare thread can send one datagram from and
 *     receive one datagram on every 20 ms (udp_floor). Doubling, then
 *     bisection; each probe runs PROBE_S seconds.
 * Everything stays on 127.0.0.1. The soft RLIMIT_NOFILE is raised to the
 * hard one; the search stops below it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/net.h"

#define PORT_LO 20000u
#define PORT_HI 64999u
#define PROBE_MS 1500
#define WARM_MS 400
#define BISECT 4
#define MEM_CALLS 1000

static unsigned max_calls;

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
};

static int calls_up(struct run *r, unsigned n, bool measure)
{
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .tick_ms = 20,
				    .measure = measure };
	unsigned next = PORT_LO, *ports;
	int err;

	r->n = 0;
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
		r->n++;
	}
	free(ports);
	free(fds);
	return err;
}

static void calls_down(struct run *r)
{
	gw_mpool_free(r->p);
	r->p = NULL;
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
	if (tfd >= 0)
		close(tfd);
	for (unsigned i = 0; i < bound && fd; i++)
		close(fd[i]);
	free(ports);
	free(fd);
	free(peer);
	return !err && tfd >= 0 && !late && ticks > 0;
}

/* Doubling from lo, then bisection: the largest n that passes. */
static unsigned search(bool (*probe)(unsigned), unsigned lo)
{
	unsigned good = 0, bad = 0, n = lo;

	while (n <= max_calls && probe(n)) {
		good = n;
		n *= 2;
	}
	bad = n <= max_calls ? n : max_calls + 1;
	if (!good)
		return 0;
	for (int i = 0; i < BISECT && bad - good > 1; i++) {
		unsigned mid = good + (bad - good) / 2;

		if (probe(mid))
			good = mid;
		else
			bad = mid;
	}
	return good;
}

static double p99_ms(const struct gw_mw_stats *d)
{
	uint64_t total = 0, acc = 0;
	int i;

	for (i = 0; i < GW_MW_HIST; i++)
		total += d->hist[i];
	if (!total)
		return -1;
	for (i = 0; i < GW_MW_HIST; i++) {
		acc += d->hist[i];
		if (acc * 100 >= total * 99)
			break;
	}
	return (i + 1) * 10 / 1000.0; /* bucket's upper edge */
}

int main(void)
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

	/* capacity first: the latency is measured on a worker carrying
	 * half of what it can */
	media = search(probe_media, 64);
	floor_n = search(probe_floor, 64);
	printf("BENCH media_g711_calls_per_core %u calls vs=udp_floor ratio=%.2f\n",
	       media, floor_n ? (double)media / floor_n : 0.0);
	fflush(stdout);
	fprintf(stderr, "media_rt: udp_floor %u sockets, search capped at %u\n",
		floor_n, max_calls);

	lat_calls = media / 2 > 2 ? media / 2 & ~1u : 2;
	err = calls_up(&r, lat_calls, true);
	if (!err) {
		sleep_ms(WARM_MS);
		ok = window(&r, 2000, &d);
		printf("BENCH media_added_latency_ms %.2f ms\n", p99_ms(&d));
		fflush(stdout);
		fprintf(stderr,
			"media_rt: latency with %u calls on one worker%s\n",
			lat_calls, ok ? "" : " (late ticks: not real time)");
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
