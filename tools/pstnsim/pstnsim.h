#pragma once
/* pstnsim internals shared by pstnsim.c (switch, spans, stopping),
 * opts.c (command line), phone.c (the simulated phones), run.c (scenario
 * execution) and ctl.c (command socket). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gateway/hooks.h"
#include "media/media.h"
#include "tdm/tdm.h"
#include "tools/pstnsim/script.h"

#define SIM_MAX_SPANS 8

/* Exit status */
#define SIM_EXIT_OK 0
#define SIM_EXIT_TIMEOUT 1
#define SIM_EXIT_USAGE 2
#define SIM_EXIT_SCENARIO 3

struct sim_span {
	struct tdm_span_cfg cfg;
	struct tdm_span *span;
};

struct sim_dsp;
struct sim_fax;
struct sim_runner;

/* One simulated phone per call. Owned by the sim's call list; freed
 * when its tdm call is released. */
struct sim_call {
	struct sim_call *next;
	struct sim_span *ss;
	struct tdm_call *call;
	unsigned num; /* call=N in the event log */
	enum tdm_call_dir dir;
	bool connected;
	bool early; /* PROGRESS/ALERTING with in-band information: listen */
	struct sim_timer *answer_timer;
	struct sim_timer *hangup_timer;
	bool fax_hangup; /* hangup_timer is the on-hook after a fax */
	/* what it sends: a tone, a file (looped) or silence */
	unsigned play_tone;
	struct media_tonegen tone;
	const int16_t *play_pcm;
	size_t play_len;
	int16_t *play_own; /* play_pcm when the call loaded it itself */
	size_t play_pos;
	struct media_freqmeter fm;
	FILE *rec;
	bool rec_wav;
	uint32_t rec_bytes;
	struct sim_dsp *dsp; /* DTMF and tone detection, on first use */
	struct sim_fax *fax;
	struct sim_timer *fax_timer; /* reports the result off the audio path */
	bool fax_reported;
};

struct sim {
	struct gw_loop *loop;
	uint64_t t0;
	int sigfd;
	struct gw_hookctx hctx; /* the tdm hooks' arg */
	struct sim_span spans[SIM_MAX_SPANS];
	size_t nspans;
	struct sim_call *calls; /* newest first */
	unsigned ncalls;	/* live */
	unsigned next_num;
	unsigned placed, completed;
	struct sim_timer *place_timer, *timeout_timer, *grace_timer;
	struct sim_timer *inject_timer;
	bool injected;
	bool stopping, exiting;
	int exit_code;
	struct sim_runner *script; /* --script */
	struct {
		const char *called, *calling, *calling_name;
		unsigned calls, calls_left, interval_ms;
		unsigned answer_delay_ms, hangup_after_ms;
		unsigned line_buffer_blocks; /* --line-buffer / 20 ms */
		unsigned fax_hangup_ms;	     /* --fax-hangup; 0: 2000 */
		bool answer_delay_set;
		int reject_cause, cause;
		bool no_answer;
		/* --silent: 1 SETUP unanswered, 2 after CALL PROCEEDING */
		int silent;
		bool alert_inband;  /* ALERTING with progress indicator 8 */
		unsigned play_tone; /* Hz, 0: file or silence */
		int16_t *play_pcm;  /* whole file, looped */
		size_t play_len;
		const char *record;
		const char *send_fax, *receive_fax;
		bool fax_ecm;
		const char *script;
		const char *ctl;
		bool overlap; /* overlap receiving on every span */
		bool virt;    /* --virtual */
		int overlap_digits;
		unsigned exit_after, timeout_s;
		int t303, t200;
		/* --timer NAME=MS: any libpri timer tdm_span_set_timer takes */
		struct {
			char name[8];
			int ms;
		} timers[8];
		unsigned ntimers;
		unsigned inject_mask; /* 1 << enum tdm_fault */
		unsigned inject_after_ms;
		int verbose;
	} opt;
};

/* clock.c: the one clock, real (gw_loop) or virtual (--virtual). */
struct sim_timer;
void sim_clock_init(bool virt);
bool sim_clock_virtual(void);
uint64_t sim_clock_ms(void);
/* One-shot; the handle is valid until it fires or is stopped. */
struct sim_timer *sim_timer_start(uint64_t ms, void (*fn)(void *), void *arg);
void sim_timer_stop(struct sim_timer *t);
int sim_fd_watch(int fd, void (*fn)(void *arg, uint32_t events), void *arg);
void sim_fd_unwatch(int fd);
/* The tdm hooks on this clock. */
void sim_clock_tdm_hooks(struct tdm_hooks *h);
void sim_clock_run(void);
void sim_clock_stop(void);
void sim_clock_release(void);

struct sim *sim_get(void);
/* The one clock of pstnsim (ms since start): event stamps, waits and
 * scenario bounds all read it, so a virtual clock plugs in here. */
uint64_t sim_now(void);
/* --inject: once, some time after the first call connects on span. */
void sim_inject_arm(struct sim_span *ss);
/* One event line on stdout: "pstnsim t=MS " + the formatted rest; the
 * rest also goes to the scenario runners. */
void sim_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_call_done(void);
/* Hangs up every call, exits with code once they are released. */
void sim_stop(int code);
/* span ID -> span; 0: the first. NULL if none. */
struct sim_span *sim_span_by_id(unsigned id);
/* Places one call; prints setup or place_failed. 0 or errno. */
int sim_place_call(struct sim_span *ss, const struct tdm_setup *setup,
		   struct sim_call **out);

/* opts.c: 0 or an exit status (after printing the error). */
int sim_parse_opts(int argc, char **argv);

/* phone.c */
struct sim_call *sim_call_new(struct sim_span *ss);
void sim_call_bind(struct sim_call *sc, struct tdm_call *call,
		   enum tdm_call_dir dir);
void sim_call_free(struct sim_call *sc);
void sim_calls_free_all(void);
void sim_call_incoming(struct sim_span *ss, struct tdm_call *call,
		       const struct tdm_event *ev);
void sim_call_event(struct tdm_call *call, const struct tdm_event *ev);
void sim_call_audio(void *arg, struct tdm_span *span, struct tdm_call *call,
		    const uint8_t *rx, uint8_t *tx, size_t n);
/* "tone:FREQ" or a file as the default of every call; 0, or 2 after
 * printing the error. */
int sim_play_load(const char *spec);
void sim_play_free(void);
/* Reads a raw (16-bit LE, 8 kHz) or .wav file; 0 or -1 with err set. */
int sim_pcm_load(const char *path, int16_t **pcm, size_t *len, char *err,
		 size_t errlen);

/* phone_act.c: what a scenario does to a call. Each returns 0, or -1
 * with a message in err. */
struct sim_call *sim_call_find(unsigned num); /* 0: the newest live */
/* The oldest incoming call still ringing (answer/reject's default). */
struct sim_call *sim_call_find_ringing(void);
int sim_call_answer(struct sim_call *sc, char *err, size_t errlen);
/* PROGRESS with in-band information on a call ringing here. */
int sim_call_progress(struct sim_call *sc, char *err, size_t errlen);
int sim_call_hangup(struct sim_call *sc, int cause, char *err, size_t errlen);
int sim_call_digits(struct sim_call *sc, const char *digits, char *err,
		    size_t errlen);
int sim_call_play(struct sim_call *sc, const struct sim_action *a, char *err,
		  size_t errlen);
int sim_call_record(struct sim_call *sc, const struct sim_action *a, char *err,
		    size_t errlen);
int sim_call_detect(struct sim_call *sc, const struct sim_action *a, char *err,
		    size_t errlen);
int sim_call_fax(struct sim_call *sc, bool send, const char *file, bool ecm,
		 char *err, size_t errlen);
/* Audio of the scenario's media (dsp, fax) for one block; true if it
 * filled tx itself. */
bool sim_call_media(struct sim_call *sc, int16_t *rx, int16_t *tx, size_t n);
/* Ends a fax still running and prints its result (call going away). */
void sim_call_media_end(struct sim_call *sc);
/* Opens a recording of the call into path (%u: call number). */
int sim_rec_open(struct sim_call *sc, const char *spec, char *err,
		 size_t errlen);
void sim_rec_close(struct sim_call *sc);

/* run.c: scenario runners. A runner executes actions in order; waits
 * look at the event lines sim_out() hands to sim_run_event(). */
typedef void(sim_run_report_fn)(void *arg, const struct sim_action *a,
				const char *error);
/* report is called once per finished action (error NULL on success);
 * with report NULL a failure stops pstnsim with SIM_EXIT_SCENARIO and
 * the end of the actions stops it with 0. */
struct sim_runner *sim_run_alloc(const char *name, sim_run_report_fn *report,
				 void *arg);
/* Takes the actions of s (s is emptied). */
void sim_run_load(struct sim_runner *r, struct sim_script *s);
/* Appends one action and runs it when its turn comes; 0 or ENOMEM. */
int sim_run_add(struct sim_runner *r, const struct sim_action *a);
void sim_run_start(struct sim_runner *r);
void sim_run_free(struct sim_runner *r);
void sim_run_event(const char *line);
void sim_run_shutdown(void);

/* ctl.c: the command socket. */
int sim_ctl_start(const char *path);
/* Copies an event line (with its stamp) to every connection. */
void sim_ctl_event(const char *stamped);
void sim_ctl_stop(void);
