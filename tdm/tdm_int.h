#pragma once
/* tdm/ private: span, channel, call and driver internals. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tdm/tdm.h"

struct tdm_loop;

/* A B-channel. Owned by its span (array inside struct tdm_span). */
struct tdm_chan {
	int ts; /* timeslot = Q.931 channel number */
	enum tdm_chan_state state;
	struct tdm_call *call; /* set while IN_USE */
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
	int cause;
	int cref; /* Q.931 call reference, 0: not known */
	/* A RELEASE COMPLETE ended it on the wire; libpri may have freed
	 * pcall without an event, so isdn.c releases the call itself. */
	bool relcomp;
	int relcomp_cause;
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
	const uint8_t *rx_frame;	/* handed to libpri's read callback */
	size_t rx_len;

	struct tdm_loop *loop;

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
/* One 20 ms block: rx and tx hold nchans * 160 samples, timeslot order. */
void tdm_span_audio(struct tdm_span *span, const uint8_t *rx, uint8_t *tx);
void tdm_span_reject(struct tdm_span *span, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* chan.c */
void tdm_chan_map_init(struct tdm_span *span);
struct tdm_chan *tdm_chan_find(struct tdm_span *span, int ts);
/* ts 0: any idle channel (highest first on NET, lowest on CPE, so two
 * ends rarely glare). NULL when none. */
struct tdm_chan *tdm_chan_take(struct tdm_span *span, int ts,
			       struct tdm_call *call);
void tdm_chan_put(struct tdm_chan *chan);

/* call.c */
struct tdm_call *tdm_call_new(struct tdm_span *span, enum tdm_call_dir dir,
			      void *user);
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

/* drv_loop.c */
int tdm_loop_open(struct tdm_span *span);
void tdm_loop_close(struct tdm_span *span);
void tdm_loop_send_frame(struct tdm_span *span, const uint8_t *buf, size_t len);
/* Sends one raw message as is (tests inject faults with it). */
int tdm_loop_send_raw(struct tdm_span *span, const void *buf, size_t len);
bool tdm_loop_connected(const struct tdm_span *span);
