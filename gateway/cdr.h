#pragma once
/*
 * Call detail records: one CSV line (RFC 4180) per call, written when the
 * call ends, to [general] cdr_file. The file starts with a header line;
 * SIGHUP reopens it so logrotate can move it away. A failing write is
 * logged once, counted, and never stops a call.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gw;
struct gw_call;
struct media_stats;

#define GW_CDR_HEADER                                                         \
	"call,start,answer,end,direction,calling_in,called_in,calling_out,"   \
	"called_out,span,channel,call_id,route_target,q850_cause,sip_status," \
	"hangup_by,codec,duration_s,rtp_rx_packets,rtp_tx_packets,rtp_lost,"  \
	"rtp_jitter_ms,fax_pages,fax_result,fax_mode,fax_rate,fax_ecm,"       \
	"fax_t30_code,udptl_rx,udptl_tx,udptl_recovered,udptl_lost,"          \
	"fax_tcf_local_good,fax_tcf_local_bad\r\n"

/* One call, as written. Strings are never NULL ("" when unknown). */
struct gw_cdr_rec {
	unsigned id;
	uint64_t start_ms, answer_ms, end_ms; /* Unix ms; answer 0: none */
	const char *direction;		      /* "pstn-sip" or "sip-pstn" */
	const char *calling_in, *called_in, *calling_out, *called_out;
	unsigned span; /* 0: no span */
	int chan;      /* 0: no channel */
	const char *call_id, *target;
	int cause;	   /* Q.850, 0: none */
	unsigned sip_code; /* 0: no final status */
	const char *hangup_by;
	const char *codec;
	bool have_rtp;
	uint64_t rtp_rx, rtp_tx, rtp_lost;
	uint32_t jitter_us;
	int fax_pages; /* fax (issue 6): < 0 empty */
	const char *fax_result;
	/* the last fax of the call: mode "t38" or "g711" (empty: none);
	 * the rest only for T.38 (have_t38) */
	const char *fax_mode;
	bool have_t38;
	unsigned fax_rate; /* bit/s */
	bool fax_ecm;
	int fax_code; /* T.30 completion code, 0 success */
	uint64_t udptl_rx, udptl_tx, udptl_recovered, udptl_lost;
	/* localTCF: the PSTN machine's TCFs checked here, good and bad (0
	 * and 0 when TCF crossed IP: transferredTCF) */
	uint64_t tcf_good, tcf_bad;
};

/* A fax's outcome for the CDR (call_fax_res.c). */
struct gw_cdr_fax {
	const char *mode; /* "t38", "g711" */
	int pages;	  /* < 0: unknown (G.711) */
	const char *result;
	bool have_t38;
	unsigned rate;
	bool ecm;
	int code;
	uint64_t udptl_rx, udptl_tx, udptl_recovered, udptl_lost;
	uint64_t tcf_good, tcf_bad; /* localTCF checks (gw_cdr_rec) */
};

/* s as one CSV field, quoted when it holds a comma, quote, CR or LF
 * (quotes doubled); length written, or -1 if it does not fit. */
int gw_cdr_csv_field(char *dst, size_t size, const char *s);
/* "2026-11-25T13:26:04.123Z"; empty for 0. Length or -1. */
int gw_cdr_time(uint64_t unix_ms, char *buf, size_t size);
/* The record's line with its CRLF; length or -1 if it does not fit. */
int gw_cdr_format(const struct gw_cdr_rec *r, char *buf, size_t size);

/* The file. Owned by its gw_cdr; fd -1 when closed. */
struct gw_cdr_file {
	char path[256];
	int fd;
	uint64_t lines, errors;
	bool failing; /* the last write failed: logged once until it works */
};

/* Opens (creating, appending) path; writes the header into an empty
 * file. 0 or errno (logged by the caller). */
int gw_cdr_file_open(struct gw_cdr_file *f, const char *path);
/* Closes and opens the same path again (rotation); 0 or errno. */
int gw_cdr_file_reopen(struct gw_cdr_file *f);
void gw_cdr_file_close(struct gw_cdr_file *f);
/* One write() of the whole line; 0, or errno after counting and (the
 * first time in a row) logging it. */
int gw_cdr_file_write(struct gw_cdr_file *f, const char *line, size_t len);

/* The gateway's side (gw.c, call.c, call_media.c). */
int gw_cdr_start(struct gw *gw);
/* Writes the records still waiting for media statistics, closes. */
void gw_cdr_stop(struct gw *gw);
/* SIGHUP: reopen for log rotation. */
void gw_cdr_reopen(struct gw *gw);
/* Reload: write to path from now on ("" stops); 0 or errno (the old
 * file stays then). */
int gw_cdr_set_path(struct gw *gw, const char *path);
/* Every call event (before its action): remembers the Call-ID, channel
 * and who started the release. */
void gw_cdr_note(struct gw_call *c, int ev);
/* The call is being freed: its record is written, or kept until its
 * media worker's final statistics arrive (bounded wait). */
void gw_cdr_call_end(struct gw_call *c);
/* A media worker's final statistics of call id. */
void gw_cdr_media(struct gw *gw, unsigned id, const struct media_stats *st);
/* A fax's results of call id, reported by the worker with its leg
 * (before the final media statistics). */
void gw_cdr_fax(struct gw *gw, unsigned id, const struct gw_cdr_fax *f);
/* Lines written and writes failed (metrics). */
void gw_cdr_counts(const struct gw *gw, uint64_t *lines, uint64_t *errors);
