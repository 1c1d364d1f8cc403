#pragma once
/*
 * pstnsim scenario lines: parsing only (no simulator state), so the
 * grammar is unit-tested on its own. run.c executes parsed actions; the
 * command socket (ctl.c) feeds it the same lines one at a time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_ARG_MAX 256
#define SIM_MATCH_MAX 16
#define SIM_KEY_MAX 32
#define SIM_VAL_MAX 64
#define SIM_NUMBER_MAX 32
#define SIM_CNAME_MAX 64

enum sim_act_type {
	SIM_ACT_SLEEP,	    /* wait DURATION */
	SIM_ACT_WAIT,	    /* wait KEY=VAL... [timeout=DUR] */
	SIM_ACT_EXPECT,	    /* expect KEY=VAL... [within=DUR] */
	SIM_ACT_CALL,	    /* call CALLED [from= name= span= chan= ...] */
	SIM_ACT_ANSWER,	    /* answer */
	SIM_ACT_REJECT,	    /* reject [cause=N] */
	SIM_ACT_HANGUP,	    /* hangup [cause=N] */
	SIM_ACT_DIGITS,	    /* digits DIGITS (in-band DTMF) */
	SIM_ACT_PLAY,	    /* play tone:FREQ | FILE | stop */
	SIM_ACT_RECORD,	    /* record FILE | stop */
	SIM_ACT_DETECT,	    /* detect tone FREQ | detect dtmf */
	SIM_ACT_SEND_FAX,   /* send-fax FILE [ecm=on|off] */
	SIM_ACT_RECV_FAX,   /* receive-fax FILE [ecm=on|off] */
	SIM_ACT_EXIT,	    /* exit [CODE] */
	SIM_ACT_RESTART,    /* restart [span=ID] [chan=TS] */
	SIM_ACT_DROP_DCHAN, /* drop-dchannel DURATION [span=ID] */
	SIM_ACT_ALARM,	    /* alarm red|yellow|blue|clear [span=ID] */
	SIM_ACT_INJECT,	    /* inject FAULT [span=ID] */
	SIM_ACT_FAIL,	    /* never parsed: a refused line, arg says why; it
			   * keeps the command socket's replies in order */
	SIM_ACT_PROGRESS,   /* progress: PROGRESS, in-band information */
	SIM_ACT__COUNT
};

/* One parsed line. Unset numeric fields are 0 unless noted. */
struct sim_action {
	enum sim_act_type type;
	unsigned line;
	unsigned call;	 /* call=N; 0: the newest live call */
	unsigned span;	 /* span=ID; 0: the first span */
	int chan;	 /* chan=TS for call; 0: any */
	uint64_t ms;	 /* sleep, or the wait/expect bound */
	int cause;	 /* reject/hangup; -1: the default */
	unsigned count;	 /* call: how many (1) */
	uint64_t gap_ms; /* call: between them (1000) */
	unsigned step;	 /* call: added to CALLED for each next call */
	unsigned freq;	 /* detect tone, play tone: */
	bool dtmf;	 /* detect dtmf */
	bool ecm;	 /* fax (default on) */
	bool stop;	 /* play stop, record stop */
	int code;	 /* exit */
	unsigned alarm;	 /* TDM_ALARM_* to raise; 0: clear all */
	/* call: the calling number's TON/NPI/presentation/screening, the
	 * called number's TON/NPI (-1: not given), redirecting number and
	 * reason, overlap sending */
	int ton, npi, pres, screen, called_ton, called_npi, reason;
	char redirecting[SIM_NUMBER_MAX];
	bool overlap;
	/* digits: how they are sent */
	enum { SIM_DIGITS_DTMF, SIM_DIGITS_OVERLAP, SIM_DIGITS_KEYPAD } mode;
	bool complete;	       /* digits mode=overlap: sending complete */
	char arg[SIM_ARG_MAX]; /* CALLED, DIGITS, FILE */
	char from[SIM_NUMBER_MAX];
	char name[SIM_CNAME_MAX];
	unsigned nmatch;
	struct {
		char key[SIM_KEY_MAX];
		char val[SIM_VAL_MAX];
	} match[SIM_MATCH_MAX];
};

#define SIM_WAIT_DEFAULT_MS 30000
#define SIM_EXPECT_DEFAULT_MS 5000

/* Parses one line. 0: an action in *a; 1: blank or comment (a untouched
 * except line); -1: error, a message (no file:line) in err. */
int sim_action_parse(const char *line, unsigned lineno, struct sim_action *a,
		     char *err, size_t errlen);

struct sim_script {
	struct sim_action *acts;
	size_t n, cap;
};

/* The user's own checks of a parsed line (spans, files): 0, or -1 with
 * a message in err. */
typedef int(sim_script_check_fn)(const struct sim_action *a, char *err,
				 size_t errlen);
/* Reads a whole scenario file. Every bad line is reported on errf as
 * "FILE:LINE: message: LINE"; 0, or EINVAL (any bad line) or errno.
 * check may be NULL. */
int sim_script_load(const char *path, struct sim_script *s,
		    sim_script_check_fn *check, FILE *errf);
void sim_script_release(struct sim_script *s);
/* Appends one action (the command socket); 0 or ENOMEM. */
int sim_script_add(struct sim_script *s, const struct sim_action *a);

/* "500ms", "2s", "1.5s", "2m" -> ms; 0 or EINVAL. */
int sim_duration_parse(const char *s, uint64_t *ms);
/* Does an event line ("event=connect span=1 ... name=\"x y\"") carry
 * every KEY=VAL of a? Values in quotes compare without the quotes. */
bool sim_event_matches(const struct sim_action *a, const char *line);
const char *sim_act_name(enum sim_act_type t);
