/* gateway/media_pool.c: the signalling side's API: bad arguments, slots
 * discarded before start, a peer change, draining at shutdown, the
 * two-step (asynchronous) TDM audio exchange, T.38 mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/media_net.h"
#include "gateway/media_worker.h"
#include "gateway/media_worker_int.h"
#include "gateway/net.h"
#include "media/udptl.h"

#define LO 43400u
#define HI 43499u

#include "tests/unit/mslot_test.h"

static void bad_input(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1 };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	uint8_t rx[100] = { 0 }, tx[100];
	unsigned next = LO + 20, port;

	cfg.tick_ms = 5000;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), EINVAL);
	assert_int_equal(gw_mpool_alloc(NULL, &p), EINVAL);
	cfg.tick_ms = 0;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	assert_int_equal(gw_mslot_alloc(p, -1, -1, 0, &s), EINVAL);
	assert_int_equal(gw_mslot_start(NULL, NULL), EINVAL);
	assert_int_equal(gw_mslot_stop(NULL), EINVAL);
	assert_int_equal(gw_mslot_query(NULL), EINVAL);
	s = mk(p, &next, 0, &port, 9, &sess);
	/* a block of the wrong size plays silence */
	gw_mslot_audio(s, rx, tx, sizeof(tx), true, 0xFF);
	for (size_t i = 0; i < sizeof(tx); i++)
		assert_int_equal(tx[i], 0xFF);
	/* setup failed before start: slot, session, sockets go */
	gw_mslot_discard(s, sess);
	gw_mslot_discard(NULL, NULL);
	assert_int_equal(gw_mpool_poll(p), 0);
	gw_mpool_free(p);
	gw_mpool_free(NULL);
}

static void peer_change_and_drain(void **state)
{
	struct reports r = { 0 };
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .report = on_report,
				    .report_arg = &r };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	struct media_addr to = { .family = 4,
				 .port = 9,
				 .ip = { 127, 0, 0, 1 } };
	unsigned next = LO + 40, port;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 2, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	assert_int_equal(gw_mslot_set_peer(s, &to), 0);
	assert_int_equal(gw_mslot_set_peer(NULL, &to), EINVAL);
	assert_int_equal(gw_mslot_stop(s), 0);
	/* the worker finishes the slot and its report arrives */
	assert_true(gw_mpool_drain(p, 2000));
	assert_int_equal(r.finals, 1);
	assert_true(gw_mpool_drain(p, 0));
	gw_mpool_free(p);
}

/* The live gauges the soak checks: sessions while a worker runs a slot,
 * none once it is stopped and drained; the slot's two RTP sockets are
 * closed then (by the worker), and by a discard before start. */
static void sessions_and_sockets_counted(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 2 };
	struct gw_mpool *p;
	struct gw_mslot *s, *s2;
	struct media_sess *sess, *sess2;
	unsigned next = LO + 60, port, base = gw_rtp_sockets();

	assert_int_equal(gw_mpool_sessions(NULL), 0);
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	assert_int_equal(gw_mpool_sessions(p), 0);
	s = mk(p, &next, 0, &port, 9, &sess);
	s2 = mk(p, &next, 1, &port, 9, &sess2);
	assert_int_equal(gw_rtp_sockets(), base + 4);
	gw_mslot_discard(s2, sess2);
	assert_int_equal(gw_rtp_sockets(), base + 2);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	for (int i = 0; i < 2000 && gw_mpool_sessions(p) != 1; i++)
		usleep(1000);
	assert_int_equal(gw_mpool_sessions(p), 1);
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	assert_int_equal(gw_mpool_sessions(p), 0);
	assert_int_equal(gw_rtp_sockets(), base);
	gw_mpool_free(p);
}

/* A worker's load is the wall time in ticks over the wall time, per
 * window of GW_MW_LOAD_WINDOW_US; a long pause (idle) starts afresh.
 * The pool's minimum counts a worker without a fresh measure as idle. */
static void worker_load(void **state)
{
	struct gw_mworker *w = calloc(1, sizeof(*w));
	struct gw_mpool_cfg cfg = { .workers = 2 };
	struct gw_mpool *p;
	uint64_t t = 1000000, now;

	assert_non_null(w);
	/* the first window starts with the first tick and is published
	 * once 200 ms have passed */
	for (unsigned i = 0; i < 20 && !atomic_load(&w->load_at_us); i++) {
		t += 20000;
		gw_mw_load_account(w, t, 5000);
	}
	assert_int_equal(atomic_load(&w->load_at_us), t);
	/* then 20 ms ticks of 5 ms work: a quarter over the next window */
	for (unsigned i = 0; i < 10; i++) {
		t += 20000;
		gw_mw_load_account(w, t, 5000);
	}
	assert_int_equal(atomic_load(&w->load_milli), 250);
	assert_int_equal(atomic_load(&w->load_at_us), t);
	/* ticks running over: capped at all of the time */
	for (unsigned i = 0; i < 10; i++) {
		t += 20000;
		gw_mw_load_account(w, t, 30000);
	}
	assert_int_equal(atomic_load(&w->load_milli), 1000);
	/* idle for a second, then light work: a new window from the first
	 * tick's start (22 ms of work in 202 ms), not diluted over the
	 * pause */
	t += 1000000;
	for (unsigned i = 0; i < 11; i++) {
		t += 20000;
		gw_mw_load_account(w, t, 2000);
	}
	assert_int_equal(atomic_load(&w->load_milli), 108);
	assert_int_equal(atomic_load(&w->load_at_us), t);
	free(w);

	assert_int_equal(gw_mpool_min_load(NULL), 0);
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	assert_int_equal(gw_mpool_min_load(p), 0); /* no measure yet */
	now = gw_mw_clock_us(CLOCK_MONOTONIC);
	atomic_store(&p->w[0].load_milli, 900);
	atomic_store(&p->w[0].load_at_us, now);
	atomic_store(&p->w[1].load_milli, 850);
	atomic_store(&p->w[1].load_at_us, now);
	assert_int_equal(gw_mpool_min_load(p), 850);
	/* a worker that stopped ticking (no call left) is idle */
	atomic_store(&p->w[1].load_at_us, now - 5 * GW_MW_LOAD_WINDOW_US);
	assert_int_equal(gw_mpool_min_load(p), 0);
	gw_mpool_free(p);
}

/* Every page of a worker's command and reply rings is resident once the
 * pool is made: the rings never add to the RSS later (make soak). */
static bool resident(const void *buf, size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)buf & ~(uintptr_t)(pg - 1);
	size_t n = ((uintptr_t)buf + len - a + (size_t)pg - 1) / (size_t)pg;
	unsigned char vec[1024];

	assert_true(n <= sizeof(vec));
	assert_int_equal(mincore((void *)a, n * (size_t)pg, vec), 0);
	for (size_t i = 0; i < n; i++)
		if (!(vec[i] & 1))
			return false;
	return true;
}

static void rings_resident(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 2 };
	struct gw_mpool *p;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	for (unsigned i = 0; i < 2; i++) {
		assert_true(resident(p->w[i].cmdbuf,
				     CMDQ * sizeof(*p->w[i].cmdbuf)));
		assert_true(resident(p->w[i].repbuf,
				     REPQ * sizeof(*p->w[i].repbuf)));
	}
	gw_mpool_free(p);
}

/* ---- T.38 mode (issue 6) ---- */

struct faxrep {
	unsigned done, silent, tones;
	bool end;
	uint64_t foreign;
	struct media_t38leg_stats st;
};

static void on_t38_done(void *arg, uint64_t cookie, struct media_t38leg *leg,
			uint64_t foreign, bool end)
{
	struct faxrep *r = arg;

	r->done++;
	r->end = end;
	r->foreign = foreign;
	media_t38leg_stats(leg, &r->st);
	media_t38leg_free(leg); /* ours now */
}

static void on_t38_silent(void *arg, uint64_t cookie)
{
	((struct faxrep *)arg)->silent++;
}

static void on_faxtone(void *arg, uint64_t cookie, enum media_faxtone t)
{
	((struct faxrep *)arg)->tones++;
}

static int udp_bound(const char *ip, unsigned *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	assert_true(fd >= 0);
	assert_int_equal(inet_pton(AF_INET, ip, &sin.sin_addr), 1);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &sl), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void send_to(int fd, unsigned port, const void *buf, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port) };

	inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
	assert_int_equal(
		sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)),
		(ssize_t)len);
}

/* n TDM blocks of silence, paced so the worker takes each one. */
static void blocks(struct gw_mpool *p, struct gw_mslot *s, unsigned n)
{
	uint8_t rx[GW_MW_BLOCK], tx[GW_MW_BLOCK];

	memset(rx, 0xFF, sizeof(rx));
	for (unsigned i = 0; i < n; i++) {
		for (int k = 0; k < 200 && gw_mslot_backlog(s) >= 3; k++)
			usleep(500);
		gw_mslot_audio(s, rx, tx, sizeof(rx), true, 0xFF);
		gw_mpool_poll(p);
	}
	for (int k = 0; k < 200 && gw_mslot_backlog(s); k++)
		usleep(500);
}

static struct media_t38leg *mk_leg(struct gw_mslot *s, unsigned watchdog_ms)
{
	struct media_t38leg_cfg lc = {
		.law = MEDIA_LAW_ULAW,
		.t38 = { .version = 0, .ecm = true },
		.ec = MEDIA_UDPTL_EC_REDUNDANCY,
		.watchdog_ms = watchdog_ms,
	};
	struct media_t38leg *leg;

	assert_int_equal(media_t38leg_alloc(&lc, gw_mslot_t38_send, s, &leg),
			 0);
	return leg;
}

/* Datagrams from a foreign IP, and from a second port once latched, are
 * refused; a malformed one is counted by the leg; the leg comes back
 * with its statistics when the slot stops. */
static void t38_latching_and_handback(void **state)
{
	struct faxrep r = { 0 };
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .t38_done = on_t38_done,
				    .t38_silent = on_t38_silent,
				    .faxtone = on_faxtone,
				    .report_arg = &r };
	static const uint8_t ifp[] = { 0x00 }; /* indicator: no signal */
	struct media_udptl_pkt pkt = { .seq = 0,
				       .primary = { ifp, sizeof(ifp) } };
	uint8_t dg[64], junk[3] = { 0xff, 0xff, 0xff };
	size_t dlen;
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	struct media_faxdet *det;
	struct media_addr peer = { .family = 4, .ip = { 127, 0, 0, 1 } };
	unsigned next = LO + 60, port, pa, pa2, pb;
	int a = udp_bound("127.0.0.1", &pa), a2 = udp_bound("127.0.0.1", &pa2);
	int b = udp_bound("127.0.0.2", &pb);

	assert_int_equal(media_udptl_encode(&pkt, dg, sizeof(dg), &dlen), 0);
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 3, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	assert_int_equal(media_faxdet_alloc(&det), 0);
	assert_int_equal(gw_mslot_faxdet(s, det, MEDIA_LAW_ULAW), 0);
	assert_int_equal(gw_mslot_faxdet(NULL, NULL, MEDIA_LAW_ULAW), EINVAL);
	assert_int_equal(gw_mslot_t38(s, NULL, &peer), EINVAL);
	peer.port = (uint16_t)pa;
	assert_int_equal(gw_mslot_t38(s, mk_leg(s, 30000), &peer), 0);
	blocks(p, s, 2);
	send_to(b, port, dg, dlen);	      /* foreign IP */
	send_to(a, port, junk, sizeof(junk)); /* ours, malformed */
	send_to(a, port, dg, dlen);	      /* ours: latched */
	blocks(p, s, 3);
	pkt.seq = 1;
	assert_int_equal(media_udptl_encode(&pkt, dg, sizeof(dg), &dlen), 0);
	send_to(a2, port, dg, dlen); /* same IP, other port, after latching */
	blocks(p, s, 3);
	assert_int_equal(r.done, 0);
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	assert_int_equal(r.done, 1);
	assert_true(r.end);
	assert_int_equal(r.foreign, 2);
	assert_int_equal(r.st.udptl.pkts_in, 1);
	assert_true(r.st.udptl.bad_total >= 1);
	assert_int_equal(r.silent, 0);
	assert_int_equal(r.tones, 0); /* silence is no fax tone */
	gw_mpool_free(p);
	close(a);
	close(a2);
	close(b);
}

/* No datagram for watchdog_ms of TDM audio: told once; switching back
 * to audio hands the leg back (end false) and the slot goes on. */
static void t38_watchdog_and_switch_back(void **state)
{
	struct faxrep r = { 0 };
	struct gw_mpool_cfg cfg = { .workers = 1,
				    .t38_done = on_t38_done,
				    .t38_silent = on_t38_silent,
				    .report_arg = &r };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	struct media_addr peer = { .family = 4,
				   .port = 9,
				   .ip = { 127, 0, 0, 1 } };
	unsigned next = LO + 80, port;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 1, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	assert_int_equal(gw_mslot_t38(s, mk_leg(s, 1000), &peer), 0);
	blocks(p, s, 40); /* 800 ms of audio */
	assert_int_equal(r.silent, 0);
	blocks(p, s, 40); /* past 1000 ms */
	for (int k = 0; k < 100 && !r.silent; k++) {
		usleep(1000);
		gw_mpool_poll(p);
	}
	assert_int_equal(r.silent, 1);
	blocks(p, s, 20);
	assert_int_equal(r.silent, 1); /* once per leg */
	assert_int_equal(s->cushion, FAX_CUSHION);
	assert_int_equal(gw_mslot_t38_end(s), 0);
	assert_int_equal(s->cushion, 0); /* back to voice: no added delay */
	assert_int_equal(s->cushion_fill, 0);
	assert_int_equal(gw_mslot_t38_end(NULL), EINVAL);
	blocks(p, s, 2);
	for (int k = 0; k < 100 && !r.done; k++) {
		usleep(1000);
		gw_mpool_poll(p);
	}
	assert_int_equal(r.done, 1);
	assert_false(r.end);
	/* a second leg on the same slot, still running at stop */
	assert_int_equal(gw_mslot_t38(s, mk_leg(s, 0), &peer), 0);
	assert_int_equal(s->cushion, FAX_CUSHION); /* built again */
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	assert_int_equal(r.done, 2);
	assert_true(r.end);
	gw_mpool_free(p);
}

/* A leg handed over but never run (the pool goes first) is freed. */
static void t38_leg_freed_with_pool(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1 };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	struct media_addr peer = { .family = 4,
				   .port = 9,
				   .ip = { 127, 0, 0, 1 } };
	unsigned next = LO + 90, port;

	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 1, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	assert_int_equal(gw_mslot_t38(s, mk_leg(s, 0), &peer), 0);
	/* no t38_done callback: the pool frees handed-back legs itself */
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	gw_mpool_free(p);
}

static void put_down(struct gw_mslot *s, uint8_t v)
{
	uint8_t *d = gw_ring_produce(&s->down);

	assert_non_null(d);
	memset(d, v, GW_MW_BLOCK);
	gw_ring_publish(&s->down);
}

/* Not played yet: the TDM side is told to wait, unless late; a slot one
 * block ahead drops a silent block to get back in step, never a heard
 * one. The slot is never started, so nothing else touches its rings. */
static void audio_two_steps(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1 };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	uint8_t rx[GW_MW_BLOCK], tx[GW_MW_BLOCK];
	unsigned next = LO + 60, port;

	memset(rx, 0x33, sizeof(rx));
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 0, &port, 9, &sess);
	gw_mslot_audio_rx(s, rx, sizeof(rx), true);
	assert_int_equal(gw_mslot_backlog(s), 1);
	memset(tx, 0x77, sizeof(tx));
	assert_false(gw_mslot_audio_tx(s, tx, sizeof(tx), false, 0xFF));
	assert_int_equal(tx[0], 0x77); /* untouched */
	/* late, nothing played yet: silence, and the next ask does not
	 * wait again */
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(tx[0], 0xFF);
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), false, 0xFF));
	assert_int_equal(s->repeats, 0);

	/* one block ahead, the older one silent: it goes */
	put_down(s, 0xFF);
	put_down(s, 0x55);
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(tx[0], 0x55);
	assert_int_equal(s->resyncs, 1);
	/* the older one heard: played, kept in order */
	put_down(s, 0x44);
	put_down(s, 0x55);
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(tx[0], 0x44);
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(tx[0], 0x55);
	assert_int_equal(s->resyncs, 1);
	/* late with nothing new: the last block again (a tone goes on) */
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(tx[0], 0x55);
	assert_int_equal(s->repeats, 1);
	/* a wrong size: silence at once, nothing handed up */
	gw_mslot_audio_rx(s, rx, 100, true);
	assert_true(gw_mslot_audio_tx(s, tx, 100, false, 0xD5));
	assert_int_equal(tx[99], 0xD5);
	gw_mslot_discard(s, sess);
	gw_mpool_free(p);
}

static unsigned readies;

static void on_ready(void *arg)
{
	readies++;
}

/* A started slot: each block handed up is played by the worker, which
 * says so; the answer is then there without waiting. */
static void audio_ready_callback(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1, .audio_ready = on_ready };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	uint8_t rx[GW_MW_BLOCK], tx[GW_MW_BLOCK];
	unsigned next = LO + 80, port, answered = 0;

	memset(rx, 0xFF, sizeof(rx));
	readies = 0;
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 0, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	for (int blk = 0; blk < 10; blk++) {
		unsigned before = readies;

		gw_mslot_audio_rx(s, rx, sizeof(rx), false);
		for (int i = 0; i < 500 && readies == before; i++) {
			gw_mpool_poll(p);
			if (readies == before)
				usleep(1000);
		}
		if (readies > before &&
		    gw_mslot_audio_tx(s, tx, sizeof(tx), false, 0xFF))
			answered++;
	}
	assert_int_equal(answered, 10);
	assert_int_equal(gw_mslot_backlog(s), 0);
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	gw_mpool_free(p);
}

/* Waits (bounded) until the worker took every block handed up and
 * published its answers. */
static void wait_worker(struct gw_mpool *p, struct gw_mslot *s, unsigned down)
{
	for (int i = 0; i < 2000 &&
			(gw_mslot_backlog(s) || gw_ring_count(&s->down) < down);
	     i++) {
		gw_mpool_poll(p);
		usleep(1000);
	}
	assert_int_equal(gw_mslot_backlog(s), 0);
	assert_int_equal(gw_ring_count(&s->down), down);
}

/* Fax mode: the cushion is built with one repeat a tick, then the span's
 * block is answered at once from it, and a burst of FAX_CUSHION ticks
 * the worker has not answered costs no repeat; only the next one does. */
static void audio_fax_cushion(void **state)
{
	struct gw_mpool_cfg cfg = { .workers = 1 };
	struct gw_mpool *p;
	struct gw_mslot *s;
	struct media_sess *sess;
	uint8_t rx[GW_MW_BLOCK], tx[GW_MW_BLOCK];
	unsigned next = LO + 100, port;

	memset(rx, 0x33, sizeof(rx));
	assert_int_equal(gw_mpool_alloc(&cfg, &p), 0);
	s = mk(p, &next, 0, &port, 9, &sess);
	assert_int_equal(gw_mslot_start(s, sess), 0);
	/* voice: one block played, the usual way */
	gw_mslot_audio_rx(s, rx, sizeof(rx), false);
	wait_worker(p, s, 1);
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), false, 0xFF));
	assert_int_equal(s->repeats, 0);

	assert_int_equal(gw_mslot_fax_mode(s, 160), 0);
	assert_int_equal(s->cushion, FAX_CUSHION);
	for (int i = 0; i < FAX_CUSHION; i++) {
		gw_mslot_audio_rx(s, rx, sizeof(rx), false);
		/* never told to wait, whatever the worker has done */
		assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), false, 0xFF));
		assert_int_equal(s->repeats, (uint64_t)i + 1);
	}
	wait_worker(p, s, FAX_CUSHION);
	/* a second switch (T.38 after G.711) keeps the cushion as it is */
	assert_int_equal(gw_mslot_fax_mode(s, 0), 0);
	assert_int_equal(s->cushion_fill, 0);
	/* steady: each block answered at once, the cushion stays */
	for (int i = 0; i < 3; i++) {
		gw_mslot_audio_rx(s, rx, sizeof(rx), false);
		assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), false, 0xFF));
		wait_worker(p, s, FAX_CUSHION);
	}
	assert_int_equal(s->repeats, FAX_CUSHION);
	/* the worker (or the far peer) late by FAX_CUSHION blocks */
	for (int i = 0; i < FAX_CUSHION; i++)
		assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(s->repeats, FAX_CUSHION);
	assert_true(gw_mslot_audio_tx(s, tx, sizeof(tx), true, 0xFF));
	assert_int_equal(s->repeats, FAX_CUSHION + 1);
	assert_int_equal(s->resyncs, 0);
	assert_int_equal(gw_mslot_stop(s), 0);
	assert_true(gw_mpool_drain(p, 2000));
	gw_mpool_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input),
		cmocka_unit_test(peer_change_and_drain),
		cmocka_unit_test(sessions_and_sockets_counted),
		cmocka_unit_test(rings_resident),
		cmocka_unit_test(worker_load),
		cmocka_unit_test(audio_two_steps),
		cmocka_unit_test(audio_ready_callback),
		cmocka_unit_test(audio_fax_cushion),
		cmocka_unit_test(t38_latching_and_handback),
		cmocka_unit_test(t38_watchdog_and_switch_back),
		cmocka_unit_test(t38_leg_freed_with_pool),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_WARNING);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
