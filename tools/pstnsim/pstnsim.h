#pragma once
/* pstnsim internals shared by pstnsim.c (switch, options) and phone.c
 * (the simulated phones: answer, play, record, measure). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gateway/hooks.h"
#include "media/media.h"
#include "tdm/tdm.h"

#define SIM_MAX_SPANS 8

struct sim_span {
	struct tdm_span_cfg cfg;
	struct tdm_span *span;
};

/* One simulated phone per call. Owned by the sim's call list; freed
 * when its tdm call is released. */
struct sim_call {
	struct sim_call *next;
	struct sim_span *ss;
	struct tdm_call *call;
	unsigned num; /* call=N in the event log */
	enum tdm_call_dir dir;
	bool connected;
	struct gw_timer *answer_timer;
	struct gw_timer *hangup_timer;
	struct media_tonegen tone;
	size_t play_pos;
	struct media_freqmeter fm;
	FILE *rec;
	bool rec_wav;
	uint32_t rec_bytes;
};

struct sim {
	struct gw_loop *loop;
	uint64_t t0;
	int sigfd;
	struct gw_hookctx hctx; /* the tdm hooks' arg */
	struct sim_span spans[SIM_MAX_SPANS];
	size_t nspans;
	struct sim_call *calls;
	unsigned ncalls; /* live */
	unsigned next_num;
	unsigned placed, completed;
	struct gw_timer *place_timer, *timeout_timer, *grace_timer;
	struct gw_timer *inject_timer;
	bool injected;
	bool stopping, exiting;
	int exit_code;
	struct {
		const char *called, *calling, *calling_name;
		unsigned calls, calls_left, interval_ms;
		unsigned answer_delay_ms, hangup_after_ms;
		int reject_cause, cause;
		bool no_answer;
		unsigned play_tone; /* Hz, 0: file or silence */
		int16_t *play_pcm;  /* whole file, looped */
		size_t play_len;
		const char *record;
		unsigned exit_after, timeout_s;
		int t303, t200;
		unsigned inject_mask; /* 1 << enum tdm_fault */
		unsigned inject_after_ms;
		int verbose;
	} opt;
};

struct sim *sim_get(void);
/* --inject: once, some time after the first call connects on span. */
void sim_inject_arm(struct sim_span *ss);
/* One event line on stdout: "pstnsim t=MS " + the formatted rest. */
void sim_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sim_call_done(void);

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
/* "tone:FREQ" or a file; 0, or 2 after printing the error. */
int sim_play_load(const char *spec);
void sim_play_free(void);
