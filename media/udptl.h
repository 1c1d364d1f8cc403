#pragma once
/*
 * UDPTL (ITU-T T.38 clause 9.1 and Annex D): the UDP framing of T.38 IFP
 * packets, with redundancy (secondary IFPs) or parity FEC. Sans-I/O and
 * without a clock: the caller hands IFPs to media_udptl_send() and sends
 * the datagram it gets back; it hands received datagrams to
 * media_udptl_recv(), which delivers IFPs in sequence order through the
 * deliver callback. All state is sized at creation: nothing is allocated
 * per packet. Functions return 0 or a positive errno.
 *
 * Wire form (aligned PER): seq-number (2 octets); primary IFP (length
 * determinant + octets); one octet choosing the error recovery (0x00
 * secondary IFPs, 0x80 fec-info); for secondaries a count and each IFP as
 * length + octets, most recent first; for fec-info fec-npackets as an
 * unconstrained INTEGER (length octet + value) and a count of FEC entries,
 * each length + octets.
 *
 * Parity FEC: a packet with sequence s carrying E entries and
 * fec-npackets S has entry m (0..E-1) equal to the XOR, zero padded to the
 * longest, of the IFPs s + m - k*E for k = 1..S (interleaved, so a burst of
 * up to E consecutive losses is repairable). The parity carries no length:
 * an IFP repaired from it is as long as the longest IFP of its group
 * (trailing zero octets); the IFP's own field lengths delimit it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_UDPTL_MAX_DEPTH 8	      /* secondary IFPs we send per packet */
#define MEDIA_UDPTL_MAX_FEC_SPAN 16   /* fec-npackets, either way */
#define MEDIA_UDPTL_MAX_FEC_ENTRIES 8 /* FEC entries, either way */
#define MEDIA_UDPTL_MAX_WINDOW 64     /* reorder window, packets */
#define MEDIA_UDPTL_MAX_ENTRIES 128   /* secondaries/FEC entries accepted */
#define MEDIA_UDPTL_MAX_IFP 16383     /* PER short-form length limit */

enum media_udptl_ec {
	MEDIA_UDPTL_EC_NONE,	   /* secondaries list always empty */
	MEDIA_UDPTL_EC_REDUNDANCY, /* t38UDPRedundancy */
	MEDIA_UDPTL_EC_FEC,	   /* t38UDPFEC */
};

/* What an IFP carries: indicators and T.30/V.21 control data are few and
 * vital, so they get deeper redundancy than image data. */
enum media_udptl_kind {
	MEDIA_UDPTL_CONTROL,
	MEDIA_UDPTL_IMAGE,
};

/* Why a received datagram was rejected (one counter each). */
enum media_udptl_bad {
	MEDIA_UDPTL_BAD_TRUNCATED, /* ends inside a field */
	MEDIA_UDPTL_BAD_LENGTH,	   /* a length runs past the datagram */
	MEDIA_UDPTL_BAD_FRAGMENT,  /* fragmented PER length (>= 16K) */
	MEDIA_UDPTL_BAD_COUNT,	   /* more entries than anyone sends */
	MEDIA_UDPTL_BAD_CHOICE,	   /* error-recovery octet not 0x00/0x80 */
	MEDIA_UDPTL_BAD_INTEGER,   /* fec-npackets unreadable or out of range */
	MEDIA_UDPTL_BAD_EMPTY,	   /* an IFP of zero octets */
	MEDIA_UDPTL_BAD_TOO_BIG,   /* an IFP longer than max_ifp */
	MEDIA_UDPTL_BAD_TRAILING,  /* octets after the packet */
	MEDIA_UDPTL_BAD_N
};

const char *media_udptl_ec_name(enum media_udptl_ec ec);
const char *media_udptl_bad_name(enum media_udptl_bad bad);

/* Called for each IFP in sequence order; recovered says it came from
 * redundancy or FEC. It must not free the endpoint. */
typedef void (*media_udptl_deliver_fn)(void *arg, uint16_t seq,
				       const uint8_t *ifp, size_t len,
				       bool recovered);

struct media_udptl_cfg {
	enum media_udptl_ec ec; /* what we send */
	unsigned depth_control; /* secondaries after control IFPs, 0..8 */
	unsigned depth_image;	/* secondaries after image IFPs, 0..8 */
	unsigned fec_span;	/* IFPs per FEC entry, 1..16 */
	unsigned fec_entries;	/* FEC entries per packet, 1..8 */
	size_t max_datagram;	/* far end's T38FaxMaxDatagram, >= 16 */
	size_t max_ifp;		/* largest IFP sent or kept, 1..16383 */
	size_t rx_max_datagram; /* our T38FaxMaxDatagram (0: unchecked) */
	unsigned window;	/* a gap waits for this many later seqs
				  * (0..64; 2..4 suits T.38 packet rates) */
	media_udptl_deliver_fn deliver;
	void *arg;
};

struct media_udptl_stats {
	uint64_t pkts_out;
	uint64_t pkts_in;     /* accepted datagrams */
	uint64_t ifps_in;     /* IFPs delivered, recovered included */
	uint64_t rec_red;     /* delivered from a secondary IFP */
	uint64_t rec_fec;     /* delivered from parity FEC */
	uint64_t lost;	      /* sequence numbers given up */
	uint64_t dup;	      /* primaries already held or delivered */
	uint64_t late;	      /* primaries for seqs already given up */
	uint64_t red_dropped; /* secondaries left out for max_datagram */
	uint64_t refused;     /* IFPs media_udptl_send() refused */
	uint64_t over_max;    /* datagrams above rx_max_datagram (kept:
				* a tolerant receiver loses no page) */
	uint64_t bad[MEDIA_UDPTL_BAD_N];
	uint64_t bad_total;
	uint64_t stale_rtp; /* RTP/RTCP, not UDPTL: the audio still in
			     * flight at the switch (not in bad_total) */
};

/* Owned by whoever allocated it (the call's fax leg). */
struct media_udptl;

/* EINVAL for a config out of the bounds above, ENOMEM. */
int media_udptl_alloc(const struct media_udptl_cfg *cfg,
		      struct media_udptl **out);
void media_udptl_free(struct media_udptl *u);

/* Encodes the next UDPTL packet carrying ifp into out. Secondary IFPs (or
 * FEC entries) are dropped as needed so that the datagram never exceeds
 * max_datagram nor out_size. EMSGSIZE: the IFP alone does not fit (it is
 * refused and counted, the sequence number is not used); EINVAL: empty or
 * longer than max_ifp. */
int media_udptl_send(struct media_udptl *u, const uint8_t *ifp, size_t len,
		     enum media_udptl_kind kind, uint8_t *out, size_t out_size,
		     size_t *out_len);

/* Decodes one datagram, recovers what it can and delivers what is in
 * order. EBADMSG for a malformed datagram (counted by reason, state
 * unchanged). ENOMSG for an RTP or RTCP packet (version 2 in the first
 * octet, at least 8 octets, not UDPTL, and its would-be sequence number
 * far from the one expected): the far end's audio in flight when the
 * call switched to T.38, counted as stale_rtp, state unchanged. */
int media_udptl_recv(struct media_udptl *u, const uint8_t *pkt, size_t len);

/* Delivers what is held and gives up the gaps (end of the fax). */
void media_udptl_flush(struct media_udptl *u);
/* Sequence numbers received beyond a gap and held for it (0: nothing
 * waits). A caller with a clock flushes when a gap has lasted too long. */
unsigned media_udptl_pending(const struct media_udptl *u);

const struct media_udptl_stats *media_udptl_stats(const struct media_udptl *u);

/* ---- the packet codec, usable on its own (tests, tools, tracing) ---- */

/* A decoded packet: views into the datagram, never copies. */
struct media_udptl_view {
	const uint8_t *p;
	size_t len;
};

struct media_udptl_pkt {
	uint16_t seq;
	struct media_udptl_view primary;
	bool fec;	       /* fec-info rather than secondaries */
	unsigned fec_npackets; /* when fec */
	unsigned n;	       /* secondaries or FEC entries held in e[] */
	struct media_udptl_view e[MEDIA_UDPTL_MAX_ENTRIES];
};

/* 0, or EBADMSG with *bad set. max_ifp bounds every IFP and FEC entry. */
int media_udptl_decode(const uint8_t *buf, size_t len, size_t max_ifp,
		       struct media_udptl_pkt *pkt, enum media_udptl_bad *bad);
/* 0, or EMSGSIZE when it does not fit size octets, EINVAL for an entry
 * of zero or more than MEDIA_UDPTL_MAX_IFP octets. */
int media_udptl_encode(const struct media_udptl_pkt *pkt, uint8_t *buf,
		       size_t size, size_t *out_len);
