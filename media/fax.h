#pragma once
/*
 * media: fax on the TDM leg. A per-call T.38 gateway (t38gw.c: PSTN fax
 * audio <-> T.38 IFP packets) and fax tone detectors (faxdet.c: CNG,
 * CED/ANS, V.21 preamble) that tell call control when to switch a call
 * to T.38. No sockets, no clock: audio in blocks of 8 kHz samples, IFP
 * packets in and out (UDPTL framing is udptl.c's job). Functions return
 * 0 or a positive errno.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/media.h"
#include "media/udptl.h"

/* ---- T.38 gateway (t38gw.c) ---- */

#define MEDIA_T38_BLOCK 160	    /* samples per audio block (20 ms) */
#define MEDIA_T38_IFP_MAX 512	    /* longest IFP packet accepted */
#define MEDIA_T38_RXQ 64	    /* IFP packets queued between blocks */
#define MEDIA_T38_DEFAULT_DGRAM 400 /* T38FaxMaxDatagram when 0 */
#define MEDIA_T38_MIN_DGRAM 100
#define MEDIA_T38_TRACE_DEFAULT 8192 /* octets of phase trace kept */

/* Image modems offered to the fax machines. This spandsp has no V.34,
 * so there is no bit for it: it can be neither advertised nor used. */
enum media_t38_modem {
	MEDIA_T38_V27TER = 1u << 0,
	MEDIA_T38_V29 = 1u << 1,
	MEDIA_T38_V17 = 1u << 2,
};
#define MEDIA_T38_MODEMS_ALL (MEDIA_T38_V27TER | MEDIA_T38_V29 | MEDIA_T38_V17)

/* T38FaxRateManagement. transferredTCF (method 2: TCF crosses IP) is
 * what T.38 requires over UDP (method 1, localTCF, is for TCP) and all
 * this engine does: spandsp 0.0.6 stores the method but never reads it,
 * its gateway relays TCF whatever it is told. So localTCF is refused
 * (ENOTSUP) and a localTCF offer gets 488: the answer cannot change the
 * method. */
enum media_t38_rate {
	MEDIA_T38_TCF_TRANSFERRED,
	MEDIA_T38_TCF_LOCAL,
};

const char *media_t38_rate_name(enum media_t38_rate r);

struct media_t38_cfg {
	unsigned version;	  /* T38FaxVersion negotiated, 0..3 */
	bool ecm;		  /* let the machines use ECM (and T.6) */
	unsigned modems;	  /* enum media_t38_modem bits; 0: all */
	enum media_t38_rate rate; /* only TRANSFERRED is accepted */
	bool fill_bit_removal;	  /* T38FaxFillBitRemoval negotiated */
	bool nsx_suppress;	  /* blank NSF/NSC/NSS so machines of one
				  maker do not try private modes */
	unsigned max_datagram;	  /* T38FaxMaxDatagram of the peer; 0: 400 */
	size_t trace_size;	  /* phase trace octets; 0: 8192 */
	const char *tag;	  /* names the call in the trace; may be NULL */
};

/* IFP packet out: send copies datagrams with the same sequence number
 * (spandsp repeats indicators and ends of data). The packet is only
 * valid during the call. Called from inside media_t38gw_process(). */
typedef void (*media_t38_tx_fn)(void *arg, const uint8_t *ifp, size_t len,
				uint16_t seq, unsigned copies);

struct media_t38_result {
	bool done;	   /* the machines said goodbye (DCN seen) */
	bool ok;	   /* code 0 */
	int code;	   /* T.30 completion code (spandsp t30 numbers) */
	const char *text;  /* spandsp's name for it */
	unsigned pages;	   /* pages confirmed by the receiver (MCF) */
	unsigned bit_rate; /* image modem speed last used, bit/s */
	bool ecm;	   /* ECM was used */
	uint64_t ifp_tx;   /* packets handed to the tx callback */
	uint64_t ifp_tx_copies;
	uint64_t ifp_rx;	  /* packets delivered to the gateway */
	uint64_t ifp_rx_bad;	  /* rejected: too long, empty, malformed */
	uint64_t ifp_rx_overflow; /* dropped: the queue was full */
	uint64_t ifp_rx_lost;	  /* skipped sequence numbers */
	uint64_t ifp_rx_repeat;	  /* sequence numbers already passed */
	uint64_t frames;	  /* T.30 control frames seen */
	uint64_t samples;	  /* audio processed */
};

struct media_t38gw;

/* EINVAL for bad options, ENOTSUP for localTCF. */
int media_t38gw_alloc(const struct media_t38_cfg *cfg, media_t38_tx_fn tx,
		      void *arg, struct media_t38gw **out);
void media_t38gw_free(struct media_t38gw *g);
/* Queues a received IFP packet with its (UDPTL) sequence number; it
 * reaches spandsp at the next media_t38gw_process(), never from inside a
 * spandsp callback. EINVAL (empty), EMSGSIZE (too long), ENOBUFS (queue
 * full): counted in the result. */
int media_t38gw_ifp_in(struct media_t38gw *g, const uint8_t *ifp, size_t len,
		       uint16_t seq);
/* One block: queued IFP delivered, n samples of TDM audio in, n samples
 * out (silence padded). n <= MEDIA_T38_BLOCK * 4. */
int media_t38gw_process(struct media_t38gw *g, const int16_t *in, int16_t *out,
			size_t n);
/* The same on G.711 octets of the span's law. */
int media_t38gw_process_law(struct media_t38gw *g, enum media_law law,
			    const uint8_t *in, uint8_t *out, size_t n);
/* True once the machines said goodbye (T.30 DCN seen: phase E). */
bool media_t38gw_done(const struct media_t38gw *g);
/* Result so far; once the call ends, the fax's outcome. */
void media_t38gw_result(const struct media_t38gw *g,
			struct media_t38_result *r);
/* The T.30 phase trace, NUL terminated: the control frames both ways
 * ("call 7   12.34 pstn->ip DCS", seconds of line time), then spandsp's
 * flow log. Each part keeps its newest lines within trace_size and says
 * when older ones were dropped. Valid until the next call on g. */
const char *media_t38gw_trace(const struct media_t38gw *g);

/* ---- fax tone detection (faxdet.c) ---- */

enum media_faxtone {
	MEDIA_FAXTONE_NONE,
	MEDIA_FAXTONE_CNG,    /* 1100 Hz, 0.5 s on / 3 s off: calling fax */
	MEDIA_FAXTONE_CED,    /* 2100 Hz, no phase reversals (ANS) */
	MEDIA_FAXTONE_ANS_PR, /* 2100 Hz with phase reversals (ANS/) */
	MEDIA_FAXTONE_V21,    /* V.21 ch 2 HDLC flags: T.30 preamble */
	MEDIA_FAXTONE_COUNT
};

const char *media_faxtone_name(enum media_faxtone t);

struct media_faxdet_hit {
	enum media_faxtone tone;
	uint64_t at; /* sample count at detection */
};

struct media_faxdet;

int media_faxdet_alloc(struct media_faxdet **out);
void media_faxdet_free(struct media_faxdet *d);
/* Audio in; returns the first tone newly detected in this block (each
 * kind is reported once) or MEDIA_FAXTONE_NONE. */
enum media_faxtone media_faxdet_feed(struct media_faxdet *d, const int16_t *pcm,
				     size_t n);
/* When a kind was first seen; false when it has not been. */
bool media_faxdet_seen(const struct media_faxdet *d, enum media_faxtone t,
		       uint64_t *at);
/* Forgets what was seen (a new call phase). */
void media_faxdet_reset(struct media_faxdet *d);

/* ---- one call's T.38 leg (t38leg.c): TDM audio <-> UDPTL datagrams ----
 *
 * What the gateway's media worker runs for a call switched to
 * image/udptl, and what the fax simulation (tests/sim) runs as "the
 * gateway": a media_t38gw and a media_udptl joined, with the watchdog and
 * the statistics a fax needs. Sans-I/O and clockless like its parts: time
 * is the TDM audio it is given (8000 samples a second); datagrams go out
 * through the send callback to wherever the caller latched the peer.
 */

#define MEDIA_T38LEG_WATCHDOG_DEFAULT_MS 30000

struct media_t38leg_cfg {
	enum media_law law;	  /* the span's law */
	struct media_t38_cfg t38; /* negotiated (max_datagram: the far
				   end's T38FaxMaxDatagram) */
	/* UDPTL error recovery we send, as negotiated (T38FaxUdpEC), and
	 * its depth: secondaries after control/indicator IFPs and after
	 * image IFPs (0s: 4 and 4), or parity FEC span x entries (0s: 3, 3).
	 * Whatever the far end sends (redundancy or FEC) is decoded. */
	enum media_udptl_ec ec;
	unsigned depth_control, depth_image;
	unsigned fec_span, fec_entries;
	unsigned rx_max_datagram; /* ours, as we advertised it; 0: 400 */
	/* No datagram for this long while the leg runs (audio time) makes
	 * media_t38leg_silent() true; 0: MEDIA_T38LEG_WATCHDOG_DEFAULT_MS. */
	unsigned watchdog_ms;
	/* Addition: playout delay. Each signal the far end starts (an
	 * indicator) reaches the gateway this much audio time late, and what
	 * follows it queues behind: the modulator then has that much data in
	 * hand when the far end's packets come late (jitter), instead of
	 * running dry in the middle of a non-ECM page. 0: default
	 * (MEDIA_T38LEG_PLAYOUT_DEFAULT_MS); no_playout: none. At most
	 * MEDIA_T38LEG_PLAYOUT_MAX_MS. */
	unsigned playout_ms;
	bool no_playout;
};

#define MEDIA_T38LEG_PLAYOUT_DEFAULT_MS 100
#define MEDIA_T38LEG_PLAYOUT_MAX_MS 500

/* spandsp's copies: with EC none, copies identical datagrams (same
 * sequence number) at once; with redundancy or FEC one datagram, and
 * while nothing newer is sent the same datagram again once per TDM
 * block, up to copies - 1 times (later packets carry it otherwise).
 *
 * One UDPTL datagram to send (at most the far end's max datagram).
 * Returns 0 or a positive errno (counted as a send error). */
typedef int (*media_t38leg_send_fn)(void *arg, const uint8_t *pkt, size_t len);

struct media_t38leg_stats {
	struct media_t38_result fax;	/* pages, rate, ECM, T.30 code ... */
	struct media_udptl_stats udptl; /* sent, received, recovered by
					 * redundancy / FEC, lost, rejected */
	uint64_t send_errors;
	uint64_t silent_ms; /* since the last datagram (or the start) */
	/* Additions: datagrams sent again for spandsp's copies (t38leg.c
	 * says how copies map onto UDPTL), and receive gaps given up after
	 * 40 ms of audio time rather than the UDPTL window. */
	uint64_t repeats;
	uint64_t gap_flushes;
};

struct media_t38leg;

/* EINVAL for bad options (ENOTSUP for localTCF, as media_t38gw_alloc),
 * ENOMEM. Nothing is allocated after this. */
int media_t38leg_alloc(const struct media_t38leg_cfg *cfg,
		       media_t38leg_send_fn send, void *arg,
		       struct media_t38leg **out);
void media_t38leg_free(struct media_t38leg *l); /* NULL ok */
/* A datagram from the peer (source latching is the caller's): decoded,
 * recovered and queued for the next media_t38leg_tdm(). EBADMSG for a
 * malformed one (counted; nothing else changes). */
int media_t38leg_udptl_in(struct media_t38leg *l, const uint8_t *pkt,
			  size_t len);
/* One TDM block of n samples (n <= MEDIA_T38_BLOCK * 4) in the span's law:
 * in from the PSTN, out towards it; the datagrams this produces are sent
 * before it returns. Advances the leg's time by n samples. */
int media_t38leg_tdm(struct media_t38leg *l, const uint8_t *in, uint8_t *out,
		     size_t n);
/* True once no datagram has arrived for watchdog_ms of audio time. */
bool media_t38leg_silent(const struct media_t38leg *l);
/* True once the fax has ended (DCN seen), so the call may go back to
 * audio. */
bool media_t38leg_done(const struct media_t38leg *l);
/* Flushes what UDPTL still holds into the gateway (the fax ended). */
void media_t38leg_finish(struct media_t38leg *l);
void media_t38leg_stats(const struct media_t38leg *l,
			struct media_t38leg_stats *out);
/* The T.30 phase trace (media_t38gw_trace). */
const char *media_t38leg_trace(const struct media_t38leg *l);

/* Addition: the length of the IFP at the start of ifp (T.38 Annex A
 * encoding of that version), 0 when it does not parse within len. The
 * leg uses it to cut the zero padding off IFPs repaired by parity FEC
 * (spandsp refuses them otherwise); other UDPTL users may too. */
size_t media_t38_ifp_len(const uint8_t *ifp, size_t len, unsigned version);
