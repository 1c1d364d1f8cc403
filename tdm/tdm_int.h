#pragma once
/* tdm/ private: span, channel, call and driver internals. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tdm/tdm.h"

struct tdm_group;

/*
 * Driver interface: a driver carries one span's layer 1, i.e. the
 * D-channel frames and the B-channel audio, for the loop simulation, a
 * DAHDI card or a sound device. A span names its driver in
 * tdm_span_cfg.driver; span.c finds it in tdm_drivers[] (add new drivers
 * there). The driver keeps its state in span->drv_priv.
 *
 * Driver -> span (all on the one signalling thread, each between
 * tdm_span_enter() and tdm_span_leave(): the user may free the span from
 * any event these raise, and the driver must stop once leave says so):
 *   tdm_span_l1(span, up)      the line came up / went away
 *   tdm_span_alarm(span, mask) layer 1 alarms now active (TDM_ALARM_*)
 *   tdm_isdn_rx(span, f, n)    a D-channel frame, with 2 trailing FCS
 *                              bytes (libpri strips 2; real HDLC drivers
 *                              append 2 dummy bytes after checking FCS)
 *   tdm_span_audio(span, rx, tx)  one 20 ms block: rx and tx hold
 *                              span->nchans * 160 samples, in B-channel
 *                              order (span->chans[i].ts)
 *   tdm_span_reject(span, ...) a malformed message from the line
 *   stats: rx_frames, tx_frames, rx_blocks, tx_blocks, rx_fcs_errors,
 *          dchan_drops are the driver's to count.
 */
/* Call signalling: libpri's Q.931 for every span with a D-channel
 * (tdm_isdn_*), or a driver's own (the console has no D-channel). */
struct tdm_sig {
	int (*setup)(struct tdm_call *c, const struct tdm_setup *setup);
	void (*proceeding)(struct tdm_call *c);
	void (*alerting)(struct tdm_call *c, bool inband);
	void (*progress)(struct tdm_call *c);
	void (*answer)(struct tdm_call *c);
	void (*hangup)(struct tdm_call *c, int cause);
	void (*digits)(struct tdm_call *c, const char *digits);
};

struct tdm_drv {
	const char *name;
	/* Signalling of its own instead of libpri; NULL: ISDN. A driver
	 * with its own marks layer 2 up together with layer 1. */
	const struct tdm_sig *sig;
	/* B-channels if not the span type's (23 or 30); 0: the type's. */
	int nchans;
	/* Config checks at tdm_span_alloc; may be NULL. 0 or EINVAL. */
	int (*validate)(const struct tdm_span_cfg *cfg);
	/* Start (connect, listen, open the device): 0 or errno. */
	int (*open)(struct tdm_span *span);
	/* Undo open; no upcalls. Called also after a failed open. */
	void (*close)(struct tdm_span *span);
	/* A frame as libpri wrote it (2 FCS placeholder bytes at the end:
	 * an HDLC driver drops them and lets the hardware add the FCS).
	 * Lost silently when the line is down, as on a cut cable. */
	void (*send_frame)(struct tdm_span *span, const uint8_t *buf,
			   size_t len);
	bool (*connected)(const struct tdm_span *span);
	/* Fault injection; NULL: ENOTSUP (see tdm.h). */
	int (*inject)(struct tdm_span *span, enum tdm_fault f);
	int (*dchan_drop)(struct tdm_span *span, unsigned ms);
	int (*alarm)(struct tdm_span *span, enum tdm_alarm a, bool on);
	int (*corrupt)(struct tdm_span *span);
	/* Sends the span's audio block that tdm_span_audio() left waiting
	 * (it returned false): the tx buffer given then, untouched since.
	 * NULL: the driver cannot defer, tdm_span_audio() always fills tx
	 * at once. */
	void (*audio_send)(struct tdm_span *span);
};

/* tdm_span_alloc on a driver given by the caller instead of one named
 * in cfg->driver: for harnesses that play the line themselves (a fuzzer
 * feeding D-channel frames with tdm_isdn_rx, no socket or device). */
int tdm_span_alloc_drv(const struct tdm_span_cfg *cfg,
		       const struct tdm_hooks *hooks, const struct tdm_drv *drv,
		       struct tdm_span **out);

/* NULL-terminated; span.c. */
extern const struct tdm_drv *const tdm_drivers[];
extern const struct tdm_drv tdm_drv_loop;
extern const struct tdm_drv tdm_drv_dahdi;
extern const struct tdm_drv tdm_drv_pa;

/* drv_pa.c: G.711 for the sound device (tdm/ cannot use media/). */
uint8_t tdm_pa_lin2law(enum tdm_law law, int16_t s);
int16_t tdm_pa_law2lin(enum tdm_law law, uint8_t b);

/* A B-channel. Owned by its span (array inside struct tdm_span). */
struct tdm_chan {
	int ts; /* timeslot = Q.931 channel number */
	enum tdm_chan_state state;
	struct tdm_call *call; /* set while IN_USE */
	bool blocked;	       /* we took it out of service */
	bool far_oos;	       /* far end took it out of service */
	bool restarting;       /* our RESTART awaits its acknowledgement */
	bool aud_wait;	       /* audio.c: its tx block is not filled yet */
	uint64_t idle_since;   /* hooks ms it last went idle */
	uint64_t idle_seq;     /* order of going idle, for LRU hunting */
};

/* A call. Owned by its span's call list; freed after RELEASED. */
struct tdm_call {
	struct tdm_call *next;
	struct tdm_span *span;
	unsigned id;
	enum tdm_call_dir dir;
	enum tdm_call_state state;
	struct tdm_chan *chan;
	void *pcall; /* libpri q931_call */
	void *user;
	bool hungup; /* pri_hangup() done */
	/* PRI_EVENT_HANGUP seen: libpri's call is in the Null state and the
	 * next pri_hangup() frees it; pcall is NULL from then on */
	bool pri_last;
	int cause;
	int cref; /* Q.931 call reference, 0: not known */
	/* A RELEASE COMPLETE ended it on the wire; libpri may have freed
	 * pcall without an event, so isdn.c releases the call itself. */
	bool relcomp;
	int relcomp_cause;
	struct tdm_call_info info; /* as received or sent */
	bool overlap;		   /* overlap: still sending / collecting */
	void *t302;		   /* overlap receiving: inter-digit timer */
	void *t310;		   /* our SETUP: CALL PROCEEDING, then? */
	uint32_t tried;		   /* timeslots refused with cause 44 */
	bool fixed_chan;	   /* the user asked for this timeslot */
	bool retrying;		   /* a cause 44 retry is being set up */
	bool reported;		   /* far end answered our SETUP somehow */
	bool heard;		   /* any message for it from the far end */
};

/* A span. Owned by its user (tdm_span_alloc / tdm_span_free). */
#define TDM_PRI_TIMERS 64 /* >= libpri's PRI_MAX_TIMERS */

struct tdm_span {
	unsigned id;
	enum tdm_span_type type;
	enum tdm_role role;
	enum tdm_law law;
	enum tdm_loop_mode loop_mode;
	int switchtype; /* libpri PRI_SWITCH_* */
	char switchname[16];
	char *loop_path;
	struct tdm_hooks hooks;
	enum tdm_span_state state;
	bool l1_up; /* driver connected */
	bool l2_up; /* libpri's D-channel up */
	bool trace; /* Q.931 decoded into the log (tdm_span_set_trace) */
	struct tdm_stats stats;

	int nchans;
	struct tdm_chan chans[TDM_MAX_BCHANS];

	struct tdm_call *calls;
	int ncalls;
	unsigned next_call_id;

	/* libpri controller (one per layer 1 connection, NULL while the
	 * wire is down) and its one timer */
	void *pri;
	void *pri_timer;
	void *reap_timer;	  /* releases calls ended by RELEASE COMPLETE */
	struct tdm_call *placing; /* learns its call reference from SETUP */
	int pri_timers[TDM_PRI_TIMERS]; /* set by name, -1: libpri default */
	uint64_t pri_deadline_us;	/* wall clock of the armed timer */
	int t302_ms;			/* overlap inter-digit timer */
	int t310_ms; /* after CALL PROCEEDING; 0: off (libpri has none) */
	bool restart_pending;	 /* start-up RESTART not yet acknowledged */
	bool l2_seen;		 /* layer 2 was up on this controller */
	void *restart_timer;	 /* gives up waiting for it */
	const uint8_t *rx_frame; /* handed to libpri's read callback */
	size_t rx_len;

	const struct tdm_drv *drv;
	void *drv_priv;
	struct tdm_span_cfg cfg; /* as given; strings not kept */
	unsigned alarms;	 /* TDM_ALARM_* active */
	struct tdm_group *group;
	int hunt_last; /* index of the channel taken last, -1: none */

	/* audio.c: the transmit block waiting for audio_tx (NULL: none) */
	uint8_t *aud_tx;
	void *aud_timer;

	/* A hook may free the span: defer it until the dispatch unwinds. */
	int depth;
	bool dying;
};

/* span.c */
void tdm_log(const struct tdm_span *span, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tdm_call_log(const struct tdm_call *call, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void tdm_span_emit(struct tdm_span *span, struct tdm_call *call,
		   const struct tdm_event *ev);
void tdm_span_enter(struct tdm_span *span);
/* true when the span was freed: the caller must return at once. */
bool tdm_span_leave(struct tdm_span *span);
/* Driver indications. */
void tdm_span_l1(struct tdm_span *span, bool up);
void tdm_span_l2(struct tdm_span *span, bool up);
/* The driver's layer 1 alarms now (TDM_ALARM_* mask). */
void tdm_span_alarm(struct tdm_span *span, unsigned alarms);
/* audio.c. One 20 ms block: rx and tx hold nchans * 160 samples,
 * timeslot order. true: tx is filled, send it now. false: the block
 * waits for the user (asynchronous audio); the span calls the driver's
 * audio_send when it is complete, and the driver leaves tx alone until
 * then. A block still waiting when the next one comes is completed and
 * sent first, so blocks keep their order and none is lost. */
bool tdm_span_audio(struct tdm_span *span, const uint8_t *rx, uint8_t *tx);
/* Sends a waiting block now (late); for drivers closing or resyncing. */
void tdm_span_audio_flush(struct tdm_span *span);
/* Forgets a waiting block without sending it (span going away). */
void tdm_span_audio_drop(struct tdm_span *span);
void tdm_span_reject(struct tdm_span *span, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* chan.c */
void tdm_chan_map_init(struct tdm_span *span);
struct tdm_chan *tdm_chan_find(struct tdm_span *span, int ts);
/* ts 0: an idle channel by the span's hunting (tdm_span_hunt), skipping
 * the timeslots in exclude (bit ts). NULL when none. */
struct tdm_chan *tdm_chan_take(struct tdm_span *span, int ts,
			       struct tdm_call *call);
struct tdm_chan *tdm_chan_take_ex(struct tdm_span *span, int ts,
				  struct tdm_call *call, uint32_t exclude);
void tdm_chan_put(struct tdm_span *span, struct tdm_chan *chan);
/* Recomputes a channel's state from its flags (and call), reporting
 * changes to or from BLOCKED and MAINT with TDM_EV_CHAN_STATE. */
void tdm_chan_update(struct tdm_span *span, struct tdm_chan *chan);

/* group.c */
/* Index into c[0..n) of the channel to take, -1 if none is idle; skip
 * (may be NULL) and exclude (bit ts) rule out candidates. last: index
 * taken last, -1 none. */
int tdm_hunt_pick(struct tdm_chan *const *c, const bool *skip, int n,
		  enum tdm_hunt h, int last, uint32_t exclude);
/* The span's strategy with DEFAULT resolved by its role. */
enum tdm_hunt tdm_span_hunt(const struct tdm_span *span);
void tdm_group_drop(struct tdm_span *span);

/* call.c */
struct tdm_call *tdm_call_new(struct tdm_span *span, enum tdm_call_dir dir,
			      void *user);
/* tdm_call_place on a given timeslot (0: hunt). */
int tdm_call_place_chan(struct tdm_span *span, int ts,
			const struct tdm_setup *setup, void *user,
			struct tdm_call **out);
/* Puts the call on its span's list. */
void tdm_call_link(struct tdm_call *c);
/* Unlinks and frees the call, idles its channel; no event. */
void tdm_call_destroy(struct tdm_call *c);
/* The far end cleared: DISCONNECT (once, state RELEASING). */
void tdm_call_disconnected(struct tdm_call *c, int cause);
/* The call is over: RELEASED, then the call is freed. */
void tdm_call_released(struct tdm_call *c, int cause);

/* isdn.c */
int tdm_isdn_init(struct tdm_span *span);
void tdm_isdn_release(struct tdm_span *span);
int tdm_isdn_switchtype(const char *name, enum tdm_span_type type, int *out);
/* A D-channel frame from the driver, FCS placeholder included. */
void tdm_isdn_rx(struct tdm_span *span, const uint8_t *frame, size_t len);
void tdm_isdn_l1_down(struct tdm_span *span);
int tdm_isdn_l1_up(struct tdm_span *span);
/* Frees every call without events (span teardown). */
void tdm_isdn_drop_calls(struct tdm_span *span);
/* Q.931 messages for a call; call.c has checked that its state allows
 * them. setup: 0, ENOMEM or EIO (c->pcall set on success only). */
int tdm_isdn_setup(struct tdm_call *c, const struct tdm_setup *setup);
void tdm_isdn_proceeding(struct tdm_call *c);
void tdm_isdn_alerting(struct tdm_call *c, bool inband);
void tdm_isdn_progress(struct tdm_call *c);
void tdm_isdn_answer(struct tdm_call *c);
/* RELEASE, or for an OFFERED call CALL PROCEEDING then RELEASE. */
void tdm_isdn_hangup(struct tdm_call *c, int cause);
void tdm_isdn_digits(struct tdm_call *c, const char *digits);
void tdm_isdn_keypad(struct tdm_call *c, const char *digits);
/* Stops the call's own Q.931 timers (T302, T310; libpri runs none). */
void tdm_isdn_overlap_stop(struct tdm_call *c);
/* CALL PROCEEDING for our SETUP: T310 runs until the next message. */
void tdm_isdn_t310_start(struct tdm_call *c);
/* Cause 44 on our SETUP: true if the call went on on another channel
 * (or was released trying); false: clear it as usual. */
bool tdm_isdn_retry(struct tdm_call *c, int cause, bool live);
struct tdm_call *tdm_isdn_find(struct tdm_span *span, void *pcall);
/* libpri sends nothing for a hangup in the Call Present state: CALL
 * PROCEEDING first, then clear. */
void tdm_isdn_refuse(struct tdm_span *span, void *pcall, int cause, int ts);
void tdm_isdn_sched(struct tdm_span *span);

/* isdn_maint.c: RESTART, SERVICE, start-up restart. e: a pri_event. */
void tdm_isdn_maint_event(struct tdm_span *span, void *e);
/* Tells the far end a channel's service state, where the switchtype has
 * SERVICE messages and the span allows them. */
void tdm_isdn_service(struct tdm_span *span, int ts, bool in_service);
/* Layer 2 came up: restart all channels once per connection. */
void tdm_isdn_start_restart(struct tdm_span *span);
void tdm_isdn_maint_release(struct tdm_span *span);
void tdm_isdn_maint_init(struct tdm_span *span, void *pri);

/* dchan.c */
struct tdm_q931_msg {
	int type;	/* Q.931 message type */
	int cref;	/* call reference value, flag bit removed */
	bool from_orig; /* sent by the side that originated the call */
	int cause;	/* Q.850 cause, 0 if none */
};
int tdm_dchan_parse(const uint8_t *frame, size_t len, struct tdm_q931_msg *m);
/* Every frame libpri reads (tx false) or writes (tx true). */
void tdm_dchan_seen(struct tdm_span *span, const uint8_t *frame, size_t len,
		    bool tx);
void tdm_dchan_release(struct tdm_span *span);

/* drv_loop.c: tdm_drv_loop, and for tests: */
/* Sends one raw message as is (tests inject faults with it). */
int tdm_loop_send_raw(struct tdm_span *span, const void *buf, size_t len);

/* isdn_info.c: struct tdm_call_info <-> libpri (void * keeps libpri
 * types out of this header). */
void tdm_info_copy(char *dst, size_t size, const char *src);
int tdm_info_plan(const struct tdm_number *n);
int tdm_info_pres(const struct tdm_number *n);
int tdm_info_redir_pri(enum tdm_redir r);
enum tdm_redir tdm_info_redir_tdm(int pri_reason);
unsigned tdm_info_progress(int pri_mask);
/* ring: a pri_event_ring */
void tdm_info_from_ring(struct tdm_call_info *info, const void *ring);
/* sr: a struct pri_sr */
void tdm_info_to_sr(const struct tdm_call_info *info, void *sr, bool complete);

/* drv_line.c: a simulated D-channel line for drivers (see the file). */
struct tdm_line;
/* bad: send it so that the far end sees a bad FCS */
typedef void (*tdm_line_send_fn)(void *arg, const uint8_t *buf, size_t len,
				 bool bad);
int tdm_line_alloc(struct tdm_span *span, bool paced, tdm_line_send_fn send,
		   void *arg, struct tdm_line **out);
void tdm_line_free(struct tdm_line *ln);
void tdm_line_reset(struct tdm_line *ln);
/* true while the D-channel is dropped (frames lost both ways) */
bool tdm_line_dropping(struct tdm_line *ln);
void tdm_line_drop(struct tdm_line *ln, unsigned ms);
void tdm_line_corrupt(struct tdm_line *ln);
void tdm_line_send(struct tdm_line *ln, const uint8_t *buf, size_t len);
int tdm_line_queued(const struct tdm_line *ln);
