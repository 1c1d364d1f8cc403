#pragma once
/*
 * tdm: PRI spans and their channels. ISDN signalling runs through libpri
 * inside this library; its users see neutral call events and raw channel
 * audio (G.711 of the span's law, 8000 samples/s, 20 ms blocks).
 *
 * No clock, socket watch or timer of its own: everything goes through
 * struct tdm_hooks. Not thread-safe: one thread owns all spans.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tdm_span;
struct tdm_call;
struct tdm_event;

#define TDM_SAMPLES_PER_BLOCK 160 /* 20 ms at 8 kHz */
#define TDM_BLOCK_MS 20
#define TDM_MAX_BCHANS 30
#define TDM_MAX_TIMESLOT 31
#define TDM_NUM_MAX 32 /* digits of a number, incl. NUL */
#define TDM_NAME_MAX 64

enum tdm_span_type { TDM_SPAN_T1, TDM_SPAN_E1 };
enum tdm_role { TDM_ROLE_CPE, TDM_ROLE_NET };
enum tdm_law { TDM_LAW_ULAW, TDM_LAW_ALAW };
/* Loop driver: client is the gateway's card side, server the switch side
 * (listens, and is the 20 ms clock). */
enum tdm_loop_mode { TDM_LOOP_CLIENT, TDM_LOOP_SERVER };

/* DOWN: no layer 1; L1_UP: connected, layer 2 not established;
 * UP: layer 2 up, calls possible. */
enum tdm_span_state { TDM_SPAN_DOWN, TDM_SPAN_L1_UP, TDM_SPAN_UP };

enum tdm_chan_state { TDM_CHAN_IDLE, TDM_CHAN_IN_USE, TDM_CHAN_BLOCKED };

enum tdm_call_dir { TDM_DIR_IN, TDM_DIR_OUT };

enum tdm_call_state {
	TDM_CALL_OFFERED,    /* incoming SETUP, not yet acknowledged */
	TDM_CALL_DIALING,    /* our SETUP sent */
	TDM_CALL_PROCEEDING, /* CALL PROCEEDING sent or received */
	TDM_CALL_ALERTING,   /* ALERTING sent or received */
	TDM_CALL_CONNECTED,  /* answered */
	TDM_CALL_RELEASING,  /* DISCONNECT sent or received */
};

enum tdm_event_type {
	TDM_EV_SETUP, /* incoming call: called, calling, name, chan */
	TDM_EV_PROCEEDING,
	TDM_EV_ALERTING,    /* inband: far end plays ringback itself */
	TDM_EV_PROGRESS,    /* inband audio available */
	TDM_EV_CONNECT,	    /* far end answered our call */
	TDM_EV_CONNECT_ACK, /* our answer was acknowledged */
	TDM_EV_INFO,	    /* digits */
	TDM_EV_DISCONNECT,  /* far end hung up or rejected: cause */
	TDM_EV_RELEASED,    /* call over, channel idle; call freed on return */
	TDM_EV_SPAN_UP,	    /* layer 2 up */
	TDM_EV_SPAN_DOWN,   /* layer 2 down */
	TDM_EV_L1_UP,	    /* driver connected */
	TDM_EV_L1_DOWN,	    /* driver lost its peer */
	TDM_EV_REJECTED_FRAME, /* bad message from the peer: reason */
};

/* Only the fields named for each type are set; strings live until the
 * event handler returns. */
struct tdm_event {
	enum tdm_event_type type;
	int chan;		  /* timeslot, 0 if none */
	int cause;		  /* Q.850, DISCONNECT and RELEASED */
	bool inband;		  /* ALERTING, PROGRESS */
	const char *called;	  /* SETUP */
	const char *calling;	  /* SETUP */
	const char *calling_name; /* SETUP */
	const char *digits;	  /* SETUP (keypad), INFO */
	const char *reason;	  /* REJECTED_FRAME */
};

struct tdm_hooks {
	void *arg;
	uint64_t (*now)(void *arg); /* monotonic ms */
	void *(*timer_start)(void *arg, uint64_t ms, void (*fn)(void *fnarg),
			     void *fnarg);
	/* never called for a timer that fired */
	void (*timer_stop)(void *arg, void *timer);
	/* call fn when fd is readable; 0 or errno */
	int (*fd_watch)(void *arg, int fd, void (*fn)(void *fnarg),
			void *fnarg);
	void (*fd_unwatch)(void *arg, int fd);
	/* syslog priority LOG_ERR..LOG_DEBUG */
	void (*log)(void *arg, int level, const char *msg);
	void (*event)(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const struct tdm_event *ev);
	/* Once per 20 ms block for every call holding a B-channel: n received
	 * samples of the span's law in rx; fill n samples to send into tx
	 * (prefilled with silence). May be NULL. */
	void (*audio)(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const uint8_t *rx, uint8_t *tx, size_t n);
};

struct tdm_span_cfg {
	unsigned id; /* 1..127, names the span in logs */
	enum tdm_span_type type;
	enum tdm_role role;
	const char
		*switchtype; /* tdm_switchtype_valid(); NULL: ni2 / euroisdn */
	const char *driver;  /* "loop"; NULL means "loop" */
	const char *loop_path; /* Unix socket path, loop driver */
	enum tdm_loop_mode loop_mode;
};

struct tdm_setup {
	const char *called;
	const char *calling;	  /* may be NULL */
	const char *calling_name; /* may be NULL */
	int chan;		  /* wanted timeslot, 0: any free one */
};

/* Per span, monotonically increasing. */
struct tdm_stats {
	uint64_t rx_frames; /* D-channel frames received */
	uint64_t tx_frames; /* D-channel frames sent */
	uint64_t rx_bad;    /* rejected messages */
	uint64_t rx_blocks; /* audio blocks received */
	uint64_t tx_blocks; /* audio blocks sent */
	uint64_t connects;  /* layer 1 connections made */
	uint64_t calls_in;
	uint64_t calls_out;
	uint64_t calls_failed; /* channel or libpri refused */
};

/* Span lifecycle. alloc validates the config and creates the signalling
 * stack; start brings up the driver (connect or listen). 0 or errno. */
int tdm_span_alloc(const struct tdm_span_cfg *cfg,
		   const struct tdm_hooks *hooks, struct tdm_span **out);
int tdm_span_start(struct tdm_span *span);
/* Releases every call (no events), the driver, timers and watches. */
void tdm_span_free(struct tdm_span *span);

unsigned tdm_span_id(const struct tdm_span *span);
enum tdm_span_type tdm_span_type(const struct tdm_span *span);
enum tdm_span_state tdm_span_state(const struct tdm_span *span);
bool tdm_span_is_up(const struct tdm_span *span);
enum tdm_law tdm_span_law(const struct tdm_span *span);
const struct tdm_stats *tdm_span_stats(const struct tdm_span *span);
/* Number of B-channels (23 or 30) and the timeslot of the i-th one. */
int tdm_span_bchans(const struct tdm_span *span);
int tdm_span_bchan_ts(const struct tdm_span *span, int idx);
/* A timeslot's state; -1 if ts is no B-channel of this span. */
int tdm_span_chan_state(const struct tdm_span *span, int ts);
/* Takes a B-channel out of (or back into) service; EBUSY while in use. */
int tdm_span_chan_block(struct tdm_span *span, int ts, bool blocked);
/* Sets a Q.921/Q.931 timer by its standard name ("T200", "T303", "N200");
 * 0, EINVAL for an unknown name or value. */
int tdm_span_set_timer(struct tdm_span *span, const char *name, int value);
/* Number of calls, and each one (for the control tool). */
int tdm_span_calls(const struct tdm_span *span, struct tdm_call **calls,
		   int max);

/* Fault injection (loop driver): sends one malformed message to the peer,
 * as a broken card or simulator would, to prove the far end rejects it
 * cleanly. 0, ENOTCONN without a peer, ENOTSUP for another driver. */
enum tdm_fault {
	TDM_FAULT_SHORT_BLOCK,	/* audio block one channel short */
	TDM_FAULT_LONG_BLOCK,	/* audio block one byte long */
	TDM_FAULT_UNKNOWN_TYPE, /* a message type that does not exist */
	TDM_FAULT_RUNT_FRAME,	/* D-channel frame shorter than any Q.921 one */
	TDM_FAULT__COUNT
};
int tdm_span_inject(struct tdm_span *span, enum tdm_fault f);
const char *tdm_fault_name(enum tdm_fault f);
/* "short_block", ... -> fault, or -1. */
int tdm_fault_lookup(const char *name);

/* Switch types: "ni2" (alias "national"), "ni1", "dms100", "5ess", "4ess",
 * "euroisdn", "qsig". */
bool tdm_switchtype_valid(const char *name);
/* Comma-separated list of the names above, for error messages. */
const char *tdm_switchtype_list(void);

/* Calls. Every function returns 0 or errno: EINVAL for a call state that
 * does not allow it, ENOTCONN while the span is not up. */
/* EBUSY when no B-channel is free (or the wanted one is taken). */
int tdm_call_place(struct tdm_span *span, const struct tdm_setup *setup,
		   void *user, struct tdm_call **out);
int tdm_call_proceeding(struct tdm_call *call);
int tdm_call_alerting(struct tdm_call *call, bool inband);
int tdm_call_progress(struct tdm_call *call);
int tdm_call_answer(struct tdm_call *call);
/* Starts clearing; RELEASED follows. Also rejects an offered call. */
int tdm_call_hangup(struct tdm_call *call, int cause);

void *tdm_call_user(const struct tdm_call *call);
void tdm_call_set_user(struct tdm_call *call, void *user);
int tdm_call_chan(const struct tdm_call *call);
unsigned tdm_call_id(const struct tdm_call *call);
struct tdm_span *tdm_call_span(const struct tdm_call *call);
enum tdm_call_dir tdm_call_dir(const struct tdm_call *call);
enum tdm_call_state tdm_call_state(const struct tdm_call *call);

const char *tdm_span_type_name(enum tdm_span_type t);
const char *tdm_role_name(enum tdm_role r);
const char *tdm_law_name(enum tdm_law l);
const char *tdm_loop_mode_name(enum tdm_loop_mode m);
const char *tdm_span_state_name(enum tdm_span_state s);
const char *tdm_chan_state_name(enum tdm_chan_state s);
const char *tdm_call_dir_name(enum tdm_call_dir d);
const char *tdm_call_state_name(enum tdm_call_state s);
const char *tdm_event_type_name(enum tdm_event_type t);
/* The law's idle pattern: 0xFF (µ-law), 0xD5 (A-law). */
uint8_t tdm_law_silence(enum tdm_law l);
