#pragma once
/*
 * media: local TCF (T.38 clause 8, data rate management method 1,
 * SDP T38FaxRateManagement:localTCF) as a shim on an IFP stream.
 *
 * spandsp 0.0.6 stores the method but its gateway and terminal always
 * send TCF as T.38 data (method 2). This shim sits between such a T.38
 * engine and the network and makes it a method 1 peer:
 *
 * - towards IP (media_t38tcf_tx): after a DCS the engine sends, the
 *   training indicator goes on but the TCF data and its signal end do
 *   not; the dropped TCF is checked here (T.30: 1.5 s of zeros; good
 *   when a run of zeros of at least 1 s was seen). After a bad one, the
 *   next CFR coming from IP reaches the engine as FTT, so its fax
 *   machine retrains at a lower rate.
 * - from IP (media_t38tcf_rx): after a DCS from IP, when its training
 *   indicator arrives (or, with none, 400 ms after the DCS's signal end:
 *   media_t38tcf_tick), TCF is made up here: the indicator if it was
 *   missing, then as time passes (media_t38tcf_tick) as a modem would
 *   send them after its training, 1.5 s of zeros at its rate in 30 ms
 *   IFPs (200 ms ahead) and the signal end (on time). Sequence numbers of what follows are shifted so the
 *   engine sees a gapless stream (losses and repeats stay what they were).
 *
 * Pure: no I/O, no allocation, time is the caller's sample count (8 kHz).
 * IFP encoding is T.38 Annex A as media_t38_ifp_len() parses it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_T38TCF_FRAME_MAX 8 /* octets of an HDLC frame looked at */

struct media_t38tcf_stats {
	uint64_t tx_dropped;   /* TCF IFPs not sent over IP */
	uint64_t tcf_checked;  /* dropped TCFs checked ... */
	uint64_t tcf_bad;      /* ... of which too short or not zeros */
	uint64_t rx_injected;  /* IFPs made up towards the engine */
	uint64_t tcf_made;     /* TCFs made up */
	uint64_t ftt_forced;   /* CFRs from IP turned into FTT */
	uint64_t rx_tcf_data;  /* TCF data from IP (peer is not local) */
	uint64_t rx_swallowed; /* the peer's indicators held back while (or
				* after) TCF was made */
	uint64_t bad_ifp; /* IFPs that did not parse (passed as they are) */
};

/* One direction's HDLC frame being watched: its first octets. */
struct media_t38tcf_hdlc {
	uint8_t f[MEDIA_T38TCF_FRAME_MAX];
	size_t n;
};

struct media_t38tcf {
	unsigned version; /* T38FaxVersion: encoding of version 0 differs */
	/* towards IP */
	struct media_t38tcf_hdlc txf;
	bool tx_after_dcs;	  /* DCS sent: TCF comes next */
	bool tx_dropping;	  /* inside the TCF being dropped */
	uint64_t tx_run, tx_best; /* zero bits: current run, longest */
	unsigned tx_rate;	  /* bit/s of the TCF dropped */
	bool ftt_due;		  /* last TCF bad: next CFR becomes FTT */
	/* from IP */
	struct media_t38tcf_hdlc rxf;
	bool rx_after_dcs; /* DCS received: TCF to make up */
	bool rx_dcs_end;   /* ... its signal ended at rx_dcs_at */
	uint64_t rx_dcs_at;
	unsigned rx_dcs_ind; /* training indicator the DCS asks for */
	bool rx_skipping;    /* TCF made up: the peer's own is dropped */
	bool making;	     /* a TCF being made, started at mk_start */
	bool ind_owed;	     /* made with our indicator: the peer's is due */
	unsigned mk_dtype, mk_bps, mk_sent;
	uint64_t mk_start, mk_train;
	bool have_seq;
	uint16_t last_out; /* last sequence number given to the engine */
	uint16_t shift;	   /* added to the numbers from IP */
	struct media_t38tcf_stats st;
};

/* IFP towards the engine, with its (shifted) sequence number. */
typedef void (*media_t38tcf_out_fn)(void *arg, const uint8_t *ifp, size_t len,
				    uint16_t seq);

void media_t38tcf_init(struct media_t38tcf *t, unsigned version);
/* An IFP the engine sends: true when it goes over IP, false when it is
 * TCF to drop. Unparsable IFPs pass (counted). */
bool media_t38tcf_tx(struct media_t38tcf *t, const uint8_t *ifp, size_t len);
/* An IFP from IP with its sequence number at time now (samples): handed
 * to out, rewritten when a CFR must become FTT, preceded or followed by
 * made-up TCF. EINVAL for a NULL or empty IFP (nothing is sent on). */
int media_t38tcf_rx(struct media_t38tcf *t, const uint8_t *ifp, size_t len,
		    uint16_t seq, uint64_t now, media_t38tcf_out_fn out,
		    void *arg);
/* Time passes: makes up TCF for a DCS whose training indicator did not
 * come within 75 ms of its signal end. */
void media_t38tcf_tick(struct media_t38tcf *t, uint64_t now,
		       media_t38tcf_out_fn out, void *arg);

/* Helpers, exposed for tests: the bit rate and the training indicator a
 * DCS's FIF asks for (octets after the FCF); false when not known. */
bool media_t38tcf_dcs_rate(const uint8_t *fif, size_t len, unsigned *bps,
			   unsigned *indicator);
