#pragma once
/*
 * tdm: PRI spans and their channels. ISDN signalling runs through libpri
 * inside this library; its users see neutral call events and raw channel
 * audio (G.711 of the span's law, 8000 samples/s, 20 ms blocks).
 *
 * No clock, socket watch or timer of its own: everything goes through
 * struct tdm_hooks. Not thread-safe: one thread owns all spans.
 *
 * NFAS (one D-channel for several spans) is not supported: libpri 1.6
 * can address another interface's B-channels (channel number
 * (1 << 16) | iface << 8 | b, verified over the loop) and enslave a
 * backup D-channel (pri_enslave), but here calls and channels belong to
 * the span whose D-channel signals them, and choosing the active
 * D-channel on failover would be ours to write.
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

/* IDLE: free for calls; IN_USE: carries a call; BLOCKED: taken out of
 * service on our side (tdm_span_chan_block; the far end is told with a
 * SERVICE message where the switchtype has them); MAINT: out of service
 * by the far end (SERVICE received) or a RESTART of it is pending. */
enum tdm_chan_state {
	TDM_CHAN_IDLE,
	TDM_CHAN_IN_USE,
	TDM_CHAN_BLOCKED,
	TDM_CHAN_MAINT,
};

/* Layer 1 alarms, a bit mask. RED: our receiver lost signal or framing;
 * YELLOW: the far end reports it lost ours (RAI); BLUE: the far end
 * sends all ones (AIS, an upstream failure). Red and blue make the
 * line unusable (no D-channel, no audio); yellow does not. */
enum tdm_alarm {
	TDM_ALARM_RED = 1,
	TDM_ALARM_YELLOW = 2,
	TDM_ALARM_BLUE = 4,
};

/* Channel hunting, for a span or a span group. DEFAULT: descending on a
 * NET span, ascending on a CPE span (so two ends rarely glare). RR_*:
 * round robin, starting after (before) the channel taken last. LRU: the
 * channel idle for the longest time. */
enum tdm_hunt {
	TDM_HUNT_DEFAULT,
	TDM_HUNT_ASC,
	TDM_HUNT_DESC,
	TDM_HUNT_RR_ASC,
	TDM_HUNT_RR_DESC,
	TDM_HUNT_LRU,
	TDM_HUNT__COUNT
};

/* Q.931 party numbers: type of number and numbering plan as coded in
 * octet 3 of the called/calling/redirecting party number IEs. */
enum tdm_ton {
	TDM_TON_UNKNOWN = 0,
	TDM_TON_INTERNATIONAL = 1,
	TDM_TON_NATIONAL = 2,
	TDM_TON_NETWORK = 3,
	TDM_TON_SUBSCRIBER = 4,
	TDM_TON_ABBREVIATED = 6,
};
enum tdm_npi {
	TDM_NPI_UNKNOWN = 0,
	TDM_NPI_E164 = 1,
	TDM_NPI_DATA = 3, /* X.121 */
	TDM_NPI_TELEX = 4,
	TDM_NPI_NATIONAL = 8,
	TDM_NPI_PRIVATE = 9,
};
/* Presentation and screening indicators (octet 3a). */
enum tdm_pres {
	TDM_PRES_ALLOWED = 0,
	TDM_PRES_RESTRICTED = 1,
	TDM_PRES_UNAVAILABLE = 2,
};
enum tdm_screen {
	TDM_SCREEN_USER_NOT_SCREENED = 0,
	TDM_SCREEN_USER_PASSED = 1,
	TDM_SCREEN_USER_FAILED = 2,
	TDM_SCREEN_NETWORK = 3,
};
/* Redirecting reason (redirecting number IE, octet 3b). */
enum tdm_redir {
	TDM_REDIR_UNKNOWN,
	TDM_REDIR_BUSY,
	TDM_REDIR_NO_REPLY,
	TDM_REDIR_DEFLECTION,
	TDM_REDIR_OUT_OF_ORDER,
	TDM_REDIR_BY_DTE,
	TDM_REDIR_UNCONDITIONAL,
	TDM_REDIR__COUNT
};
/* Progress indicator descriptions (Q.931 4.5.23) as a bit mask. */
#define TDM_PROG_NOT_E2E_ISDN (1u << 0)	 /* 1: call not end-to-end ISDN */
#define TDM_PROG_DEST_NOT_ISDN (1u << 1) /* 2: destination not ISDN */
#define TDM_PROG_ORIG_NOT_ISDN (1u << 2) /* 3: origination not ISDN */
#define TDM_PROG_INBAND (1u << 3)	 /* 8: in-band information */
#define TDM_PROG_DELAY (1u << 4)	 /* 10: delay at interface */
#define TDM_PROG_INTERWORKING (1u << 5)	 /* interworking with public */

/* A party number; digits[0] == 0: absent. */
struct tdm_number {
	char digits[TDM_NUM_MAX];
	enum tdm_ton ton;
	enum tdm_npi npi;
	enum tdm_pres pres;
	enum tdm_screen screen;
};

/* Everything a SETUP carries beyond the bearer and the channel. In an
 * incoming SETUP event all of it as received; for tdm_call_place what to
 * send (fields the switchtype cannot carry are left out on the wire:
 * NI-2 and QSIG carry the name, EuroISDN does not). */
struct tdm_call_info {
	struct tdm_number called;
	struct tdm_number calling;
	char calling_name[TDM_NAME_MAX]; /* display / name; "" if none */
	struct tdm_number redirecting;	 /* digits "": not redirected */
	enum tdm_redir redirect_reason;
	char keypad[TDM_NUM_MAX]; /* keypad facility; "" if none */
	unsigned progress;	  /* TDM_PROG_* in the SETUP */
	/* incoming: the number was complete (sending complete, or overlap
	 * digits collected); outgoing: ignored, see tdm_setup.overlap */
	bool complete;
};

enum tdm_call_dir { TDM_DIR_IN, TDM_DIR_OUT };

enum tdm_call_state {
	TDM_CALL_OFFERED,    /* incoming SETUP, not yet acknowledged */
	TDM_CALL_DIALING,    /* our SETUP sent */
	TDM_CALL_PROCEEDING, /* CALL PROCEEDING sent or received */
	TDM_CALL_ALERTING,   /* ALERTING sent or received */
	TDM_CALL_CONNECTED,  /* answered */
	TDM_CALL_RELEASING,  /* DISCONNECT sent or received */
	TDM_CALL_OVERLAP,    /* incoming: SETUP ACK sent, collecting digits;
				outgoing: SETUP ACK received, sending them */
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
	/* added with issue 4 (append only: pstnsim and gateway switch on
	 * these) */
	TDM_EV_SETUP_ACK,  /* our overlap SETUP acknowledged: send digits */
	TDM_EV_CHAN_STATE, /* chan, chan_state: service, restart, block */
	TDM_EV_RESTART,	   /* far end restarted chan (0: all channels) */
	TDM_EV_ALARM,	   /* layer 1 alarms changed: alarms (0: clear) */
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
	/* SETUP: the full call information (called/calling above are
	 * info->called.digits and info->calling.digits). */
	const struct tdm_call_info *info;
	unsigned progress;		/* TDM_PROG_* of ALERTING, PROGRESS,
					   PROCEEDING, SETUP_ACK */
	enum tdm_chan_state chan_state; /* CHAN_STATE */
	unsigned alarms;		/* ALARM: TDM_ALARM_* now active */
	bool complete;			/* INFO: sending complete seen */
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
	/* Asynchronous audio (issue 5), used instead of audio when both are
	 * set: for media worked out on other threads, so that what they
	 * make of block k goes out with block k, not k + 1. audio_rx hands
	 * every call its received block as it arrives; the span's transmit
	 * block then waits until audio_tx has filled every call's tx
	 * (returning true when it had the block; tx is prefilled with
	 * silence), re-asked at each tdm_span_audio_kick(), or until
	 * TDM_AUDIO_WAIT_MS passed: then audio_tx is asked once more with
	 * late true and must fill tx with what it has (the block goes out
	 * anyway; counted in audio_late). Drivers without a deferred send
	 * ask with late true at once (the one-block-ahead exchange). */
	void (*audio_rx)(void *arg, struct tdm_span *span,
			 struct tdm_call *call, const uint8_t *rx, size_t n);
	bool (*audio_tx)(void *arg, struct tdm_span *span,
			 struct tdm_call *call, uint8_t *tx, size_t n,
			 bool late);
	/* Every D-channel frame (Q.921 from the address field, without the
	 * FCS), tx true for ours; for captures. May be NULL. */
	void (*dchan)(void *arg, struct tdm_span *span, bool tx,
		      const uint8_t *frame, size_t len);
};

/* How long a span's transmit block waits for audio_tx at most: half a
 * block, so that the loop peer (which plays our answer on its next
 * tick) and DAHDI's write buffers absorb it without a gap. */
#define TDM_AUDIO_WAIT_MS 10

struct tdm_span_cfg {
	unsigned id; /* 1..127, names the span in logs */
	enum tdm_span_type type;
	enum tdm_role role;
	const char
		*switchtype; /* tdm_switchtype_valid(); NULL: ni2 / euroisdn */
	const char *driver;  /* "loop"; NULL means "loop" */
	const char *loop_path; /* Unix socket path, loop driver */
	enum tdm_loop_mode loop_mode;
	/* added with issue 4; zero means the default for each */
	enum tdm_hunt hunt; /* channel choice for calls placed on the span */
	/* Overlap receiving: a SETUP without sending complete is answered
	 * with SETUP ACKNOWLEDGE and digits are collected from INFORMATION
	 * until '#', sending complete, overlap_digits digits, or T302
	 * (tdm_span_set_timer "T302", default 15000 ms) after the last
	 * digit; then SETUP is reported complete. false: SETUP at once. */
	bool overlap;
	int overlap_digits;	  /* complete at this length; 0: no limit */
	bool no_service_msgs;	  /* never send SERVICE (switch lacks them) */
	bool no_restart_on_start; /* skip RESTART of all channels at L2 up */
	bool dchan_rate_limit;	  /* loop: pace D-channel at 64 kbit/s */
	/* dahdi driver: DAHDI channel number of timeslot 1 (system.conf);
	 * 0: (id - 1) * 24 + 1 on T1, (id - 1) * 31 + 1 on E1 */
	int dahdi_base;
	/* portaudio driver (a console of one channel): device name or part
	 * of it (NULL: the default device), command FIFO (NULL: none), the
	 * console's own number for calls it dials, and auto-answer (0: no) */
	const char *pa_device;
	const char *console_fifo;
	const char *console_number;
	int auto_answer_ms;
	/* loop server: blocks of silence queued before the client's first
	 * block, so the client's answers play that much later and a late one
	 * (a loaded machine) is still in time; at most TDM_LOOP_MAX_PREFILL */
	unsigned loop_prefill;
};

#define TDM_LOOP_MAX_PREFILL 12

struct tdm_setup {
	const char *called;
	const char *calling;	  /* may be NULL */
	const char *calling_name; /* may be NULL */
	int chan;		  /* wanted timeslot, 0: any free one */
	/* added with issue 4. info, if set, gives numbers with TON/NPI,
	 * presentation, redirecting, keypad (its called.digits replaces
	 * called when non-empty). overlap: send the SETUP without sending
	 * complete; more digits follow with tdm_call_send_digits(). */
	const struct tdm_call_info *info;
	bool overlap;
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
	/* added with issue 4 */
	uint64_t l2_ups, l2_downs; /* layer 2 (D-channel) transitions */
	uint64_t alarms_red, alarms_yellow, alarms_blue; /* times raised */
	uint64_t restarts_rx, restarts_tx;		 /* RESTART messages */
	uint64_t service_rx, service_tx;		 /* SERVICE messages */
	uint64_t chan_retries;	/* our SETUP retried: cause 44 */
	uint64_t rx_fcs_errors; /* D-channel frames with a bad FCS */
	uint64_t dchan_drops;	/* frames lost to a dropped D-channel */
	uint64_t t309_released; /* calls cleared after T309 */
	uint64_t tx_paced;	/* frames that waited for the 64 kbit/s wire */
	/* added with issue 5: asynchronous audio */
	uint64_t audio_late; /* blocks sent at TDM_AUDIO_WAIT_MS, not ready */
	uint64_t audio_repeats; /* loop server: no client block, last again */
	uint64_t audio_waits;	/* blocks that waited for audio_tx */
	/* libpri's own error reports ("!!" lines): a call into it it did
	 * not expect, e.g. on a call it already freed; should stay 0 */
	uint64_t pri_errors;
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
/* Asynchronous audio: some call's transmit block may now be ready (the
 * user's media threads answered); the span's block goes out once all
 * are. Does nothing when no block waits. Signalling thread only. */
void tdm_span_audio_kick(struct tdm_span *span);
/* Number of B-channels (23 or 30) and the timeslot of the i-th one. */
int tdm_span_bchans(const struct tdm_span *span);
int tdm_span_bchan_ts(const struct tdm_span *span, int idx);
/* A timeslot's state; -1 if ts is no B-channel of this span. */
int tdm_span_chan_state(const struct tdm_span *span, int ts);
/* Takes a B-channel out of (or back into) service; EBUSY while in use. */
int tdm_span_chan_block(struct tdm_span *span, int ts, bool blocked);
/* Sets a Q.921/Q.931 timer by its standard name ("T200", "T303", "N200");
 * 0, EINVAL for an unknown name or value. Values in ms (counts for
 * N200, K). Besides libpri's own, "T302" is the overlap inter-digit
 * timer and "T309" how long calls survive a D-channel outage. */
int tdm_span_set_timer(struct tdm_span *span, const char *name, int value);
/* Q.931 tracing: libpri's decoded messages and state changes go to the
 * log hook at LOG_NOTICE while on. 0 or EINVAL. */
int tdm_span_set_trace(struct tdm_span *span, bool on);
/* The timers tdm_span_set_timer() knows, NULL-terminated, for config
 * tables: "T200", "T203", "N200", "K", "T302", "T303", ... */
const char *const *tdm_timer_names(void);
/* Layer 1 alarms now active (TDM_ALARM_* mask). */
unsigned tdm_span_alarms(const struct tdm_span *span);
/* RESTART for one B-channel (its call, if any, is released) or, ts 0,
 * for the whole interface. 0, ENOTCONN, EINVAL. */
int tdm_span_restart(struct tdm_span *span, int ts);
/* Time (hooks' ms) a channel last went idle, for LRU hunting; 0 never. */
uint64_t tdm_span_chan_idle_since(const struct tdm_span *span, int ts);
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
/* Line faults on the loop driver (0, ENOTCONN, ENOTSUP, EINVAL):
 * drop the D-channel both ways for ms (0: restore now); */
int tdm_span_inject_dchan_drop(struct tdm_span *span, unsigned ms);
/* make the far end see alarm a (TDM_ALARM_*) on the line we send it, or
 * clear it; a far end in red or blue answers with yellow (RAI); */
int tdm_span_inject_alarm(struct tdm_span *span, enum tdm_alarm a, bool on);
/* send the next D-channel frame with a bad FCS (the far end drops it). */
int tdm_span_inject_corrupt(struct tdm_span *span);
const char *tdm_fault_name(enum tdm_fault f);
/* "short_block", ... -> fault, or -1. */
int tdm_fault_lookup(const char *name);

/* Virtual time for simulation binaries (tdm/vclock.c): libpri reads the
 * wall clock, so a binary that drives spans with virtual-time hooks sets
 * the same time here (microseconds) before each callback; from the first
 * call on, gettimeofday() and time() in that binary return it. Never
 * call these in the daemon: they live outside libtdm.a, in
 * $(TDM_VCLOCK_OBJ) (build/tdm/vclock.o), linked only by such binaries. */
void tdm_vclock_set(uint64_t us);
void tdm_vclock_off(void);
bool tdm_vclock_active(void);

/* Switch types: "ni2" (alias "national"), "ni1", "dms100", "5ess", "4ess",
 * "euroisdn", "qsig". */
bool tdm_switchtype_valid(const char *name);
/* Comma-separated list of the names above, for error messages. */
const char *tdm_switchtype_list(void);

/* Span groups: calls placed on a group hunt a B-channel across its
 * spans (in the order added) with the group's strategy. A span belongs
 * to one group at most. The group does not own its spans: free the
 * group first. */
struct tdm_group;
int tdm_group_alloc(const char *name, enum tdm_hunt hunt,
		    struct tdm_group **out);
void tdm_group_free(struct tdm_group *g);
/* 0, EINVAL (NULL, already in a group), ENOSPC (too many spans). */
int tdm_group_add(struct tdm_group *g, struct tdm_span *span);
const char *tdm_group_name(const struct tdm_group *g);
/* Like tdm_call_place on the first span with a free channel in hunting
 * order. EBUSY: none free; ENOTCONN: no span up. */
int tdm_group_place(struct tdm_group *g, const struct tdm_setup *setup,
		    void *user, struct tdm_call **out);
const char *tdm_hunt_name(enum tdm_hunt h);
/* "ascending", ... -> hunt, or -1. */
int tdm_hunt_lookup(const char *name);
const char *tdm_hunt_list(void);

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
/* Console spans (driver "portaudio"): one command as the operator would
 * type it: "dial NUMBER", "answer", "hangup", "digits D". 0, ENOTSUP
 * (not a console), EINVAL (bad command), ENOENT (no call), EBUSY. */
int tdm_console_command(struct tdm_span *span, const char *line);

/* Overlap sending: more called digits in INFORMATION, for our call placed
 * with setup.overlap; complete adds sending complete. */
int tdm_call_send_digits(struct tdm_call *call, const char *digits,
			 bool complete);
/* Keypad facility digits during the call (INFORMATION). */
int tdm_call_send_keypad(struct tdm_call *call, const char *digits);
/* The call's information: as received (incoming) or sent (outgoing);
 * called.digits grows with overlap digits. */
const struct tdm_call_info *tdm_call_info(const struct tdm_call *call);

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
const char *tdm_alarm_name(enum tdm_alarm a);
const char *tdm_ton_name(enum tdm_ton t);
const char *tdm_npi_name(enum tdm_npi n);
const char *tdm_pres_name(enum tdm_pres p);
const char *tdm_screen_name(enum tdm_screen s);
const char *tdm_redir_name(enum tdm_redir r);
/* The law's idle pattern: 0xFF (µ-law), 0xD5 (A-law). */
uint8_t tdm_law_silence(enum tdm_law l);
