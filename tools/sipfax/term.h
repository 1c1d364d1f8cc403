#pragma once
/*
 * sipfax's fax terminal: spandsp's T.30 either on audio (fax_state_t, for
 * fax over G.711) or as a T.38 terminal whose IFPs travel in UDPTL
 * (media/udptl.h). One per call. It never reads a clock: the caller's
 * 20 ms tick paces it. Switching from audio to T.38 restarts T.30 on the
 * new transport (T.30 retransmits, so the far end recovers).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/t38tcf.h"
#include "media/udptl.h"

struct sf_term;

struct sf_term_cfg {
	bool send;	   /* send file, else receive into it */
	const char *file;  /* TIFF/F */
	bool calling;	   /* the calling side sends CNG, the called CED */
	bool ecm;	   /* offer error correction mode */
	const char *ident; /* TSI/CSI, may be NULL */
	bool verbose;	   /* spandsp's T.30 log on stderr */
};

/* What T.38 runs with, from the SDP negotiation. */
struct sf_t38_params {
	unsigned version; /* 0..3 */
	bool local_tcf;	  /* T38FaxRateManagement localTCF */
	bool fill_bit_removal;
	uint32_t max_bitrate;	/* 0: no limit */
	enum media_udptl_ec ec; /* what we send */
	unsigned redundancy;	/* depth for control IFPs (image: less) */
	size_t max_datagram;	/* the far end's, 0: unknown */
	size_t rx_max_datagram; /* ours (counted when exceeded) */
};

/* Sends one UDPTL datagram; 0 or errno. */
typedef int (*sf_term_send_fn)(void *arg, const uint8_t *pkt, size_t len);

enum sf_mode {
	SF_MODE_NONE,
	SF_MODE_AUDIO,
	SF_MODE_T38,
};
const char *sf_mode_name(enum sf_mode m);

struct sf_term_result {
	enum sf_mode mode; /* the transport the session ended on */
	int code;	   /* T.30 completion code, 0: success */
	const char *text;  /* spandsp's text for code */
	int pages;	   /* sent (confirmed) or received */
	int pages_in_file; /* send: pages of the file */
	int bit_rate;
	bool ecm;
	/* T.38 only (zero on audio): datagrams and IFPs */
	uint64_t pkts_tx, pkts_rx, recovered, lost, bad;
	bool local_tcf;		       /* T.38 ran with localTCF ... */
	struct media_t38tcf_stats tcf; /* ... and its shim's counts */
};

/* Checks the file (send: a TIFF with pages; receive: creatable). NULL
 * with a message in err. */
struct sf_term *sf_term_alloc(const struct sf_term_cfg *cfg, char *err,
			      size_t errlen);
void sf_term_free(struct sf_term *t);
enum sf_mode sf_term_mode(const struct sf_term *t);

/* Starts (or restarts) T.30 on audio; 0 or ENOMEM. */
int sf_term_start_audio(struct sf_term *t);
/* Starts (or restarts) T.30 as a T.38 terminal; 0, EINVAL, ENOMEM. */
int sf_term_start_t38(struct sf_term *t, const struct sf_t38_params *p,
		      sf_term_send_fn send, void *arg);

/* Audio mode: one block of n linear samples received (rx) and to send
 * (tx). Outside audio mode tx is silence. */
void sf_term_audio(struct sf_term *t, const int16_t *rx, int16_t *tx, size_t n);
/* True once the far end's fax answer (CED or V.21 preamble) was heard on
 * audio: the moment to ask for T.38. */
bool sf_term_answer_heard(const struct sf_term *t);

/* T.38 mode: n samples of time passed (drives T.30 timers and pacing). */
void sf_term_t38_tick(struct sf_term *t, size_t n);
/* T.38 mode: one received UDPTL datagram. EBADMSG for a malformed one
 * (counted), EAGAIN outside T.38 mode. */
int sf_term_udptl_in(struct sf_term *t, const uint8_t *pkt, size_t len);

/* True once the session ended (phase E); fills *r. */
bool sf_term_done(const struct sf_term *t, struct sf_term_result *r);
/* Ends a session still running (the call went away). */
void sf_term_stop(struct sf_term *t);
/* A send succeeded only when every page of the file was confirmed. */
bool sf_term_result_ok(const struct sf_term_result *r, bool send);
