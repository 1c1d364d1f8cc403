#pragma once
/*
 * Media workers: threads that each own a set of calls' media outright
 * (session, RTP and RTCP sockets) and run them all on the TDM tick.
 *
 * The signalling thread and a worker share nothing mutable but
 * single-producer single-consumer rings and eventfds:
 *  - a command ring (signalling -> worker): add, stop, stats query;
 *  - a reply ring (worker -> signalling, eventfd watched by the loop):
 *    statistics and log lines, so the log stays single-threaded;
 *  - per slot, two audio rings: TDM blocks up (signalling -> worker) and
 *    blocks to play down (worker -> signalling). tdm/'s asynchronous
 *    audio lets the span's transmit block wait (bounded) for the worker:
 *    gw_mslot_audio_rx() hands block k up, the worker plays it and sets
 *    its "audio ready" flag, the signalling thread is woken through the
 *    reply eventfd, calls cfg.audio_ready, and the TDM side takes the
 *    answer with gw_mslot_audio_tx(): block k's playout leaves with
 *    block k, no extra 20 ms. A worker that misses the span's deadline
 *    gets its previous block repeated (no gap to cut a tone in two) and
 *    falls back to one block ahead (nothing dropped) until a silent
 *    block lets the slot catch up.
 * A worker wakes once per tick (eventfd, written only when it was idle),
 * drains every slot's RTP socket with recvmmsg, feeds and plays the TDM
 * blocks, and sends each slot's packets with one sendmmsg. Nothing is
 * allocated on that path.
 * With cfg.spin_us, both ends of the exchange stay awake around it: a
 * worker learns when the TDM blocks come (their phase, 20 ms apart) and
 * wakes spin_us before by its own timer to watch for them, and the
 * loop's thread, before it sleeps, watches for the answers it is owed
 * (gw_loop_set_idle). An idle CPU woken by another's eventfd write can
 * take milliseconds to run (a VM's idle vCPU waits for the host), and
 * that would be every block's latency; a CPU's own timer wakes it in
 * time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/loop.h"
#include "media/fax.h"
#include "media/media.h"

#define GW_MW_BLOCK 160 /* samples per TDM block (20 ms) */

struct gw_mpool;
struct gw_mslot;

/* A worker's report about a slot, delivered on the signalling thread:
 * final is true once, when the slot is gone. */
typedef void(gw_mslot_report_fn)(void *arg, uint64_t cookie,
				 const struct media_stats *st, bool final);

struct gw_mpool_cfg {
	unsigned workers; /* 0: one per online CPU */
	/* Replies are delivered from this loop; NULL: gw_mpool_poll(). */
	struct gw_loop *loop;
	gw_mslot_report_fn *report;
	void *report_arg;
	/* A DTMF digit began or ended in a slot's session (detected in-band
	 * or received as RFC 4733), delivered like reports; may be NULL. */
	void (*dtmf)(void *arg, uint64_t cookie, char digit, bool end,
		     bool from_rtp);
	/* A worker played TDM blocks handed up: gw_mslot_audio_tx() may now
	 * have them. Delivered like reports; may be NULL. */
	void (*audio_ready)(void *arg);
	/* Fax (all may be NULL): a fax tone seen on a slot's TDM rx audio;
	 * its T.38 leg's watchdog fired (once per leg); the leg handed back
	 * (switch-back to audio: end false; the slot stopped: end true,
	 * before its final report), the callee owns it then. foreign:
	 * datagrams refused by source latching. */
	void (*faxtone)(void *arg, uint64_t cookie, enum media_faxtone tone);
	void (*t38_silent)(void *arg, uint64_t cookie);
	/* the leg's fax ended (T.30 DCN), once per leg */
	void (*t38_phase_e)(void *arg, uint64_t cookie);
	void (*t38_done)(void *arg, uint64_t cookie, struct media_t38leg *leg,
			 uint64_t foreign, bool end);
	/* 0: ticks come from gw_mslot_audio(). Otherwise the worker keeps
	 * its own clock and loops each slot's TDM side back into itself
	 * (benchmarks, tests). */
	unsigned tick_ms;
	bool measure; /* per-packet send latency histogram (benchmarks) */
	/* SCHED_FIFO priority of the worker threads (rt.h); 0: as the
	 * creating thread. Refused: they run as they are, see
	 * gw_mpool_rt_err(). */
	unsigned rt_prio;
	/* TDM driven: microseconds a worker is awake and watching before
	 * the next block is due (and after, as long again plus
	 * GW_MW_SPIN_LATE_US), and the loop's thread waits for the
	 * workers' answers, busy instead of asleep. A sleeping CPU can take
	 * milliseconds to wake (a VM's idle vCPU), which the added latency
	 * would carry. 0: always asleep. Costs about 2 * spin_us / 20000 of
	 * a core per worker. */
	unsigned spin_us;
};
#define GW_MW_SPIN_MAX_US 5000
#define GW_MW_SPIN_LATE_US 500

/* Per-worker counters, read with gw_mpool_wstats() after the run. */
struct gw_mw_stats {
	uint64_t ticks;
	uint64_t late_ticks;  /* own clock: a tick missed, or ran over */
	uint64_t max_tick_us; /* longest tick's work */
	uint64_t cpu_us;      /* the thread's CPU time so far */
	uint64_t rx_packets, tx_packets, tx_errors, rtcp_packets;
	uint64_t rx_foreign, rx_rejected;
	uint64_t logs_dropped; /* reply ring full */
	uint64_t slots;	       /* live now */
	/* spin_us: blocks caught awake, and the windows that passed with
	 * none (the block then came through the eventfd) */
	uint64_t spin_caught, spin_missed;
	/* measure: sends per 10 us bucket after the tick began */
#define GW_MW_HIST 2048
	uint32_t hist[GW_MW_HIST];
};

int gw_mpool_alloc(const struct gw_mpool_cfg *cfg, struct gw_mpool **out);
/* Stops the threads; slots still there are freed without reports. */
void gw_mpool_free(struct gw_mpool *p); /* NULL ok */
unsigned gw_mpool_workers(const struct gw_mpool *p);
/* 0, or why the workers did not get cfg.rt_prio (EPERM: not allowed). */
int gw_mpool_rt_err(const struct gw_mpool *p);
/* Delivers pending replies now; returns how many. */
unsigned gw_mpool_poll(struct gw_mpool *p);
/* Waits (at most max_ms, delivering replies) until the workers have
 * finished every slot stopped; false on time-out. For shutdown. */
bool gw_mpool_drain(struct gw_mpool *p, unsigned max_ms);
/* Calls (slots handed over, not yet gone) of the least loaded worker,
 * the one a new slot goes to: signalling thread only (overload.c). */
unsigned gw_mpool_min_calls(const struct gw_mpool *p);
/* The lowest worker load, in thousandths of the wall time spent in
 * ticks over the last GW_MW_LOAD_WINDOW_US (a worker with no fresh
 * measure, idle, counts 0): overload.c. */
#define GW_MW_LOAD_WINDOW_US 200000u
unsigned gw_mpool_min_load(const struct gw_mpool *p);
/* Media sessions (slots) the workers run now, all workers (gauge). */
unsigned gw_mpool_sessions(const struct gw_mpool *p); /* NULL: 0 */
/* Copies worker i's counters (a consistent copy only once it is idle). */
void gw_mpool_wstats(const struct gw_mpool *p, unsigned i,
		     struct gw_mw_stats *out);

/*
 * A slot is one call's media. Made on the signalling thread around the
 * call's sockets (which it then owns); the session is created with the
 * slot's hooks, then handed over by gw_mslot_start(): from then on only
 * the worker touches session and sockets.
 */
int gw_mslot_alloc(struct gw_mpool *p, int rtp_fd, int rtcp_fd, uint64_t cookie,
		   struct gw_mslot **out);
/* The session's hooks; rtcp false leaves RTCP out. */
void gw_mslot_hooks(struct gw_mslot *s, bool rtcp, struct media_hooks *h);
/* 0, or EAGAIN when the worker's command ring is full (retry later). */
int gw_mslot_start(struct gw_mslot *s, struct media_sess *sess);
/* Instead of start (setup failed): frees slot and session, closes the
 * sockets. */
void gw_mslot_discard(struct gw_mslot *s, struct media_sess *sess);
/* Signalling thread, once per TDM block: rx goes to the worker (and out
 * as RTP when send), tx gets the worker's next block (silence if none).
 * n must be GW_MW_BLOCK; other sizes play silence and are dropped. */
void gw_mslot_audio(struct gw_mslot *s, const uint8_t *rx, uint8_t *tx,
		    size_t n, bool send, uint8_t silence);
/* The same in two steps (tdm/'s asynchronous audio): rx up to the
 * worker, then, once cfg.audio_ready said so or the TDM side cannot
 * wait any longer (late), the block it played into tx. false (only when
 * not late): not played yet, tx untouched. Late with nothing played:
 * the previous block again (silence before the first). */
void gw_mslot_audio_rx(struct gw_mslot *s, const uint8_t *rx, size_t n,
		       bool send);
bool gw_mslot_audio_tx(struct gw_mslot *s, uint8_t *tx, size_t n, bool late,
		       uint8_t silence);
/* A new negotiated peer address (re-INVITE); 0 or EAGAIN. */
int gw_mslot_set_peer(struct gw_mslot *s, const struct media_addr *peer);
/* Plays a digit in-band towards the PSTN for ms (SIP INFO); 0 or
 * EAGAIN. */
int gw_mslot_dtmf_play(struct gw_mslot *s, char digit, unsigned ms);
/* A call progress tone replaces the TDM audio towards RTP (tp made on the
 * signalling thread, owned by the session from then on); NULL stops it.
 * 0, or EAGAIN (tp is still the caller's). */
int gw_mslot_tone(struct gw_mslot *s, struct media_toneplay *tp);
/* Fax or modem: media_sess_fax_mode_ms(jb_ms) in the worker, and the
 * TDM side's fax cushion (FAX_CUSHION blocks); 0 or EAGAIN. */
int gw_mslot_fax_mode(struct gw_mslot *s, unsigned jb_ms);
/* Fax tone detection on the TDM rx audio of the span's law (d made on
 * the signalling thread, the slot's from then on; NULL stops it). 0, or
 * EAGAIN (d is still the caller's). */
int gw_mslot_faxdet(struct gw_mslot *s, struct media_faxdet *d,
		    enum media_law law);
/* The send function of a T.38 leg run by slot s: give it and s to
 * media_t38leg_alloc(). Worker side; sends on the RTP socket to the
 * latched UDPTL peer. */
int gw_mslot_t38_send(void *slot, const uint8_t *pkt, size_t len);
/* T.38 mode: the leg (made on the signalling thread, the slot's from
 * then on) replaces the audio session on the same socket; datagrams are
 * taken only from peer's IP, latched on the first accepted one. Fax tone
 * detection stops. 0, or EAGAIN (leg still the caller's). */
int gw_mslot_t38(struct gw_mslot *s, struct media_t38leg *leg,
		 const struct media_addr *peer);
/* Back to the audio session; the leg comes back through t38_done. 0 or
 * EAGAIN. A new UDPTL peer in T.38 mode: gw_mslot_set_peer(). */
int gw_mslot_t38_end(struct gw_mslot *s);
/* TDM blocks handed to the worker and not yet taken (signalling side). */
unsigned gw_mslot_backlog(struct gw_mslot *s);
/* Asks for statistics, reported with final false; 0 or EAGAIN. */
int gw_mslot_query(struct gw_mslot *s);
/* Ends the slot: the worker sends the RTCP BYE, reports the final
 * statistics, frees the session, closes the sockets and frees the slot.
 * The handle is dead on return. 0 or EAGAIN (nothing changed). */
int gw_mslot_stop(struct gw_mslot *s);
