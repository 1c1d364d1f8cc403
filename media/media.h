#pragma once
/*
 * media: the per-call media pipeline. Frames in, frames out: no sockets,
 * no clock, no threads. The application owns the UDP socket and the TDM
 * tick; it hands received datagrams to media_sess_rtp_in(), TDM audio to
 * media_sess_tdm_in() and pulls TDM audio with media_sess_tdm_out().
 * Functions return 0 or a positive errno.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MEDIA_RATE 8000 /* narrowband sample rate, samples per second */

/* ---- G.711 laws (g711.c) ---- */

enum media_law { MEDIA_LAW_ULAW, MEDIA_LAW_ALAW };

const char *media_law_name(enum media_law law);
/* "ulaw"/"mulaw"/"alaw" (case-insensitive) -> law, or -1. */
int media_law_lookup(const char *name);
void media_law_to_linear(enum media_law law, const uint8_t *in, int16_t *out,
			 size_t n);
void media_linear_to_law(enum media_law law, const int16_t *in, uint8_t *out,
			 size_t n);
/* µ<->A through a table; a plain copy when the laws are equal. In-place
 * (in == out) is allowed. */
void media_law_transcode(enum media_law from, enum media_law to,
			 const uint8_t *in, uint8_t *out, size_t n);
/* 0xFF for µ-law, 0xD5 for A-law. */
uint8_t media_law_silence(enum media_law law);

/* ---- codecs (sess.c) ---- */

enum media_codec { MEDIA_CODEC_PCMU, MEDIA_CODEC_PCMA };

const char *media_codec_name(enum media_codec c);
/* rtpmap encoding name ("PCMU"), case-insensitive -> codec, or -1. */
int media_codec_lookup(const char *rtpmap_name);
/* RFC 3551 static payload type (0 PCMU, 8 PCMA). */
uint8_t media_codec_static_pt(enum media_codec c);

/* ---- RTP fixed header (rtp.c), RFC 3550 section 5.1 ---- */

#define RTP_VERSION 2
#define RTP_HDR_LEN 12 /* fixed part, without CSRCs */
#define RTP_MAX_CSRC 15

/* A parsed header; payload points into the parsed packet (a view, not a
 * copy). Padding and the header extension are validated and skipped. */
struct rtp_hdr {
	bool marker;
	uint8_t pt;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	uint8_t cc;
	uint32_t csrc[RTP_MAX_CSRC];
	bool ext; /* an extension was present (and skipped) */
	uint16_t ext_profile;
	const uint8_t *payload;
	size_t payload_len;
	size_t pad_len; /* padding octets removed, 0 when none */
};

/*
 * Parses and validates a datagram.
 * EINVAL: NULL or shorter than the fixed header.
 * EPROTO: version not 2, CSRC list or extension running past the end,
 *         padding count 0 or larger than what follows the header.
 */
int rtp_hdr_parse(struct rtp_hdr *h, const void *pkt, size_t len);
/* Writes header (marker, pt, seq, ts, ssrc, cc CSRCs; no padding or
 * extension) and payload into buf. ENOSPC when size is too small, EINVAL
 * for pt > 127 or cc > 15. *outlen is the packet length. */
int rtp_build(const struct rtp_hdr *h, const void *payload, size_t plen,
	      uint8_t *buf, size_t size, size_t *outlen);

/* ---- media session (sess.c): one per call ---- */

#define MEDIA_LOG_DEBUG 7 /* syslog priorities, without <syslog.h> */
#define MEDIA_LOG_INFO 6
#define MEDIA_LOG_WARNING 4

/* A transport address, neutral of the socket API: family 4 uses ip[0..3],
 * 6 uses all 16 octets, 0 means none. Port in host order. */
struct media_addr {
	uint8_t family;
	uint16_t port;
	uint8_t ip[16];
};

bool media_addr_eq(const struct media_addr *a, const struct media_addr *b);
bool media_addr_ip_eq(const struct media_addr *a, const struct media_addr *b);
/* "1.2.3.4:5" or "[::1]:5" into buf (at least 48 octets). */
const char *media_addr_str(const struct media_addr *a, char *buf, size_t size);

struct media_hooks {
	void *arg;
	/* Sends one RTP datagram to dst; the application owns the socket. */
	int (*rtp_send)(void *arg, const struct media_addr *dst,
			const void *pkt, size_t len);
	/* level is a syslog priority; may be NULL. */
	void (*log)(void *arg, int level, const char *msg);
	/* Sends one RTCP compound packet; NULL: no RTCP. */
	int (*rtcp_send)(void *arg, const struct media_addr *dst,
			 const void *pkt, size_t len);
	/* Monotonic microseconds; NULL: no jitter, RTCP timing or
	 * re-latching (they all need a clock). */
	uint64_t (*now_us)(void *arg);
};

struct media_sess_cfg {
	enum media_law tdm_law; /* the span's law */
	enum media_codec codec;
	uint8_t pt;	   /* negotiated payload type, 0..127 */
	unsigned ptime_ms; /* 10..60 in steps of 10; 0 means 20 */
	uint32_t ssrc;	   /* initial values, random from the app */
	uint16_t seq;
	uint32_t ts;
	unsigned jb_ms; /* jitter buffer depth; 0 means 40 */
	/* Additions: */
	bool te_enabled; /* accept telephone-event packets on te_pt */
	uint8_t te_pt;
	/* The negotiated (SDP c= and m=) remote RTP address, and RTCP's
	 * (port 0: RTP port + 1, RFC 3550 section 11). */
	struct media_addr peer;
	struct media_addr peer_rtcp;
	const char *cname;	   /* SDES CNAME, copied; NULL: "pstngw" */
	unsigned rtcp_interval_ms; /* Tmin; 0: 5000 */
	unsigned latch_silence_ms; /* see media_sess_rtp_in; 0: 2000 */
	uint64_t wall_offset_us;   /* now_us + this = Unix time (SR NTP) */
};

/* Owned by the call; freeing the call frees its session. */
struct media_sess;

/* 0, EINVAL for a bad configuration, ENOMEM. */
int media_sess_alloc(const struct media_hooks *h,
		     const struct media_sess_cfg *cfg, struct media_sess **out);
void media_sess_free(struct media_sess *s); /* NULL ok */
/* TDM -> RTP: n samples of the TDM law (any n); sends one packet through
 * the hook each time ptime worth is collected. After a pause in sending
 * longer than two packets the timestamp jumps by the time elapsed and the
 * marker bit starts the new talkspurt (RFC 3551 section 4.1). Returns 0,
 * or the first error the send hook returned (the audio is still
 * consumed). */
int media_sess_tdm_in(struct media_sess *s, const uint8_t *law, size_t n);
/* RTP -> TDM: n samples of the TDM law from the jitter buffer; silence
 * (or the last frame attenuated, after a loss) when nothing is there. */
void media_sess_tdm_out(struct media_sess *s, uint8_t *law, size_t n);
/*
 * One received datagram from src: 0, or EINVAL/EPROTO for a bad packet
 * (counted, logged at debug, dropped). Packets with another PT than the
 * negotiated one (or the telephone-event PT) are counted in rx_wrong_pt,
 * dropped, and return 0.
 *
 * Strict latching (symmetric RTP, RFC 4961, without RTP Bleed): a packet
 * is accepted only from the current peer, which starts as the negotiated
 * address. The first packet from the negotiated IP address on another
 * port (a NAT rewriting the port) moves the peer there once; after that
 * the peer moves again only for a packet from the negotiated IP with a new
 * SSRC once the current source has been silent for latch_silence_ms. A
 * packet from any other IP address, or from another port of it outside
 * those rules, is dropped and counted in rx_foreign (EACCES) without
 * touching the session. RTP goes out to the current peer. A new SDP
 * address comes in through media_sess_set_peer().
 */
int media_sess_rtp_in(struct media_sess *s, const void *pkt, size_t len,
		      const struct media_addr *src);
/* One received RTCP compound packet: same latching rule (own latch),
 * EACCES for a foreign source, EINVAL/EPROTO for a bad one; all counted. */
int media_sess_rtcp_in(struct media_sess *s, const void *pkt, size_t len,
		       const struct media_addr *src);
/* Sends an RTCP report when one is due; call it every tick. */
void media_sess_poll(struct media_sess *s);
/* Sends the final RTCP report with a BYE (call end). */
int media_sess_bye(struct media_sess *s);
/* A new negotiated address (re-INVITE): latching starts again. */
int media_sess_set_peer(struct media_sess *s, const struct media_addr *rtp,
			const struct media_addr *rtcp);

struct media_stats {
	uint64_t tx_packets, tx_bytes; /* bytes: whole RTP datagrams */
	uint64_t rx_packets, rx_bytes; /* valid packets with a known PT */
	uint64_t rx_bad, rx_wrong_pt;
	uint64_t rx_late, rx_dup, rx_lost;
	uint64_t rx_reorder; /* addition: arrived out of order */
	uint64_t jb_overflow;
	uint64_t underruns; /* playout found the buffer empty */
	/* Runtime (RFC 3550) additions: */
	uint64_t rx_foreign;   /* neither negotiated nor latched: dropped */
	uint64_t latches;      /* peer moves (first port latch, re-latch) */
	uint64_t ssrc_changes; /* remote sources after the first */
	uint64_t talkspurts;   /* packets sent with the marker bit */
	uint64_t rtcp_tx, rtcp_rx, rtcp_bad, rtcp_foreign;
	uint32_t jitter_us;    /* interarrival jitter we measure (A.8) */
	uint8_t fraction_lost; /* ours, last report interval, 1/256 */
	/* What the peer reported about our stream (last RR/SR block): */
	bool have_remote;
	uint8_t remote_fraction_lost;
	int32_t remote_lost;
	uint32_t remote_jitter_us;
	bool have_rtt;
	uint32_t rtt_us;	/* last round trip, from LSR/DLSR */
	struct media_addr peer; /* where RTP goes now */
};

void media_sess_stats(const struct media_sess *s, struct media_stats *out);

/* ---- test signals (tone.c) ---- */

/* Sine generator; caller storage, no allocation. */
struct media_tonegen {
	uint32_t phase;
	uint32_t step;
	float amp;
};

void media_tonegen_init(struct media_tonegen *g, unsigned freq_hz,
			int level_dbm0); /* freq 0 = silence */
void media_tonegen_run(struct media_tonegen *g, int16_t *pcm, size_t n);

#define MEDIA_FM_BLOCK 1024 /* samples per analysed block (128 ms) */
#define MEDIA_FM_MIN_HZ 100
#define MEDIA_FM_MAX_HZ 3800
#define MEDIA_FM_BIN_HZ 10
#define MEDIA_FM_BINS \
	((MEDIA_FM_MAX_HZ - MEDIA_FM_MIN_HZ) / MEDIA_FM_BIN_HZ + 1)

/* Dominant-frequency meter; caller storage, fixed size (about 8 KB). */
struct media_freqmeter {
	int16_t block[MEDIA_FM_BLOCK];
	size_t fill;
	double vote[MEDIA_FM_BINS];    /* block winners, weighted by energy */
	double vote_hz[MEDIA_FM_BINS]; /* sum of weight * exact frequency */
	double power;		       /* sum of non-silent block powers */
	uint64_t blocks;	       /* non-silent blocks analysed */
};

void media_freqmeter_init(struct media_freqmeter *m);
void media_freqmeter_feed(struct media_freqmeter *m, const int16_t *pcm,
			  size_t n);
/* Dominant frequency (Hz, resolution <= 10 Hz, range 100..3800) over the
 * non-silent audio fed so far; 0 when all was silence (below about
 * -45 dBm0). Only whole blocks count. level_dbm0 (mean level of the
 * non-silent blocks) may be NULL. */
unsigned media_freqmeter_result(const struct media_freqmeter *m,
				double *level_dbm0);
