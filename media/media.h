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

/* ---- codec registry (codec.c) ---- */

enum media_codec {
	MEDIA_CODEC_PCMU,
	MEDIA_CODEC_PCMA,
	MEDIA_CODEC_G722,
	MEDIA_CODEC_G726_32,	  /* RFC 3551: first code in the low nibble */
	MEDIA_CODEC_AAL2_G726_32, /* I.366.2 (AAL2) order: high nibble first */
	MEDIA_CODEC_GSM,
	MEDIA_CODEC_OPUS,
	MEDIA_CODEC_COUNT
};

/* What the SDP layer needs to offer and answer a codec. */
struct media_codec_info {
	const char *name;     /* rtpmap encoding name ("PCMU", "opus") */
	const char *cfg_name; /* config token ("pcmu", "g726-32") */
	uint32_t clock;	      /* RTP clock rate (rtpmap and timestamps) */
	unsigned channels;    /* rtpmap channels (opus: 2), else 1 */
	int static_pt;	      /* RFC 3551 static payload type, or -1 */
	uint8_t default_pt;   /* static_pt, or our default dynamic one */
	const char *fmtp;     /* default a=fmtp parameters, or NULL */
	unsigned frame_ms;    /* ptime must be a multiple of this */
	unsigned min_ptime, max_ptime; /* ms */
	unsigned ts_per_sample; /* RTP timestamp units per 8 kHz sample */
};

/* NULL for an unknown codec. */
const struct media_codec_info *media_codec_get(enum media_codec c);
const char *media_codec_name(enum media_codec c);
/* rtpmap encoding name or config token, case-insensitive -> codec, or
 * -1. */
int media_codec_lookup(const char *name);
/* The static payload type, or the default dynamic one. */
uint8_t media_codec_static_pt(enum media_codec c);
/* ptime (ms) is one this codec can send: a multiple of its frame within
 * its bounds (and one Opus frame: 10, 20, 40 or 60). */
bool media_codec_ptime_ok(enum media_codec c, unsigned ptime_ms);
/* Upper bound of one packet's payload at this ptime, octets. */
size_t media_codec_max_payload(enum media_codec c, unsigned ptime_ms);

/* ---- encoders and decoders (codec.c, codec_*.c) ----
 * Linear 16-bit audio at 8 kHz on the TDM side; allocated at call setup,
 * no allocation per frame. One encoder and one decoder per call. */

struct media_codec_cfg {
	enum media_codec codec;
	unsigned ptime_ms; /* packet length; 0 means 20 */
	/* Opus only (RFC 7587 fmtp of the remote side): */
	unsigned bitrate;	  /* bits/s; 0: 16000 */
	unsigned complexity;	  /* 1..10; 0: 5 */
	bool fec;		  /* useinbandfec=1: send in-band FEC */
	bool dtx;		  /* usedtx=1 */
	unsigned loss_pct;	  /* expected loss, tunes the FEC; 0..100 */
	unsigned maxplaybackrate; /* remote's, Hz; 0: 8000 (narrowband) */
};

struct media_enc;
struct media_dec;

/* 0, EINVAL (bad codec or ptime), ENOMEM. */
int media_enc_alloc(const struct media_codec_cfg *cfg, struct media_enc **out);
void media_enc_free(struct media_enc *e); /* NULL ok */
/* 8 kHz samples one packet takes (ptime * 8). */
size_t media_enc_samples(const struct media_enc *e);
/* RTP timestamp advance per packet. */
uint32_t media_enc_ts_step(const struct media_enc *e);
/* Encodes one packet: media_enc_samples() samples from pcm into out.
 * *len is the payload length (Opus with DTX may give 1-2 octets of
 * silence). ENOSPC when size is too small, EIO when the codec failed. */
int media_enc_encode(struct media_enc *e, const int16_t *pcm, uint8_t *out,
		     size_t size, size_t *len);

int media_dec_alloc(const struct media_codec_cfg *cfg, struct media_dec **out);
void media_dec_free(struct media_dec *d); /* NULL ok */
/* Playout time one payload covers, RTP timestamp units (for the jitter
 * buffer), or 0 for a payload that cannot be valid. */
uint32_t media_dec_duration(const struct media_dec *d, const uint8_t *payload,
			    size_t len);
/* Decodes one payload into pcm (at most max 8 kHz samples); *n is what
 * was written. The output also feeds the loss concealer. EPROTO for a
 * corrupt payload (nothing written), ENOSPC when max is too small. */
int media_dec_decode(struct media_dec *d, const uint8_t *payload, size_t len,
		     int16_t *pcm, size_t max, size_t *n);
/* Fills n samples for lost audio: Opus' own PLC, or, when next (the packet
 * right after the gap) is given, the in-band FEC it carries for the end of
 * the gap; spandsp PLC for the waveform codecs (fading to silence). */
void media_dec_conceal(struct media_dec *d, const uint8_t *next,
		       size_t next_len, int16_t *pcm, size_t n);

/* Packet loss concealment for 8 kHz linear audio (spandsp PLC), for
 * paths that do not go through a decoder (G.711 pass-through). */
struct media_plc;
int media_plc_alloc(struct media_plc **out);
void media_plc_free(struct media_plc *p); /* NULL ok */
/* Good audio: remembered as history (pcm may be adjusted at the join). */
void media_plc_rx(struct media_plc *p, int16_t *pcm, size_t n);
/* Synthesises n samples for a gap. */
void media_plc_fill(struct media_plc *p, int16_t *pcm, size_t n);

/* Opus fmtp (RFC 7587 section 6.1): maxplaybackrate, useinbandfec,
 * usedtx, maxaveragebitrate, into cfg. Unknown parameters are ignored;
 * EINVAL for a malformed value. */
int media_opus_fmtp_parse(const char *fmtp, struct media_codec_cfg *cfg);
/* Our own fmtp line for an offer/answer, from cfg. */
int media_opus_fmtp_build(const struct media_codec_cfg *cfg, char *buf,
			  size_t size);

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

/* ---- SRTP/SRTCP (srtp.c): RFC 3711 through libsrtp2, SDES keys ---- */

enum media_srtp_suite {
	MEDIA_SRTP_AES_CM_128_HMAC_SHA1_80, /* RFC 4568 */
	MEDIA_SRTP_AES_CM_128_HMAC_SHA1_32,
	MEDIA_SRTP_AES_256_CM_HMAC_SHA1_80, /* RFC 6188 */
	MEDIA_SRTP_AES_256_CM_HMAC_SHA1_32,
	MEDIA_SRTP_AEAD_AES_128_GCM, /* RFC 7714 */
	MEDIA_SRTP_AEAD_AES_256_GCM,
	MEDIA_SRTP__COUNT
};

#define MEDIA_SRTP_KEY_MAX 46	   /* master key + salt, octets */
#define MEDIA_SRTP_TRAILER_MAX 148 /* room to leave after a packet */
#define MEDIA_SRTP_RX_MAX 1500	   /* largest datagram unprotected */

/* The SDES name ("AES_CM_128_HMAC_SHA1_80"), or "?". */
const char *media_srtp_suite_name(enum media_srtp_suite s);
/* SDES name (case-insensitive) -> suite, or -1. */
int media_srtp_suite_lookup(const char *name);
/* Master key + salt length of a suite (30 or 46), 0 for a bad one. */
size_t media_srtp_key_len(enum media_srtp_suite s);

/* One suite both ways (the answer picks it); our key protects what we
 * send, the peer's what we receive. */
struct media_srtp_cfg {
	enum media_srtp_suite suite;
	uint8_t tx_key[MEDIA_SRTP_KEY_MAX];
	uint8_t rx_key[MEDIA_SRTP_KEY_MAX];
};

struct media_srtp_stats {
	uint64_t rx_auth_fail; /* authentication failed: dropped */
	uint64_t rx_replay;    /* replayed or too old: dropped */
	uint64_t rx_bad;       /* too short, too long, other errors */
	uint64_t tx_fail;
	uint64_t rekeys; /* new keys installed mid-call */
};

struct media_srtp;

/* libsrtp's process-wide initialisation, once (thread-safe); EIO. */
int media_srtp_lib_init(void);
/* Contexts for both directions; replay protection on. 0, EINVAL (bad
 * suite or key), EIO, ENOMEM. */
int media_srtp_alloc(const struct media_srtp_cfg *cfg, uint32_t tx_ssrc,
		     struct media_srtp **out);
void media_srtp_free(struct media_srtp *m); /* NULL ok */
/* New keys mid-call (an RFC 4568 re-offer): m takes n's receiving
 * context (a fresh replay window) and, unless keep_tx, its sending one;
 * n is freed. keep_tx keeps our stream's index running under our
 * unchanged key: a key must never protect an index twice (RFC 3711
 * 9.1), which a new context for the same key would do. */
void media_srtp_take(struct media_srtp *m, struct media_srtp *n, bool keep_tx);
/* In place: buf must have MEDIA_SRTP_TRAILER_MAX octets of room after
 * *len, which grows by the tag (and the SRTCP index). EIO on failure. */
int media_srtp_protect(struct media_srtp *m, uint8_t *buf, size_t *len,
		       bool rtcp);
/* Authenticates, checks replay and decrypts a received datagram into the
 * object's own buffer: out and outlen are valid until the next call.
 * EBADMSG (authentication), EALREADY (replay), EPROTO (other); each
 * counted. */
int media_srtp_unprotect(struct media_srtp *m, const void *pkt, size_t len,
			 bool rtcp, const uint8_t **out, size_t *outlen);
void media_srtp_stats(const struct media_srtp *m, struct media_srtp_stats *out);

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
	/* A DTMF digit began or ended: detected in-band on the TDM side
	 * (from_rtp false) or received as RFC 4733 (true). May be NULL. */
	void (*dtmf)(void *arg, char digit, bool end, bool from_rtp);
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
	/* TDM-side DSP (sess_dsp.c): */
	unsigned ec_tail_ms; /* line echo canceller tail, 8..256; 0: off */
	/* In-band DTMF from the PSTN is detected; with te_enabled it is
	 * muted and sent as RFC 4733 instead. RFC 4733 events received are
	 * always played in-band towards the PSTN. */
	bool dtmf_detect;
	/* Without te_enabled, detected digits are muted too (DTMF sent as
	 * SIP INFO); false leaves them in the audio (DTMF mode inband). */
	bool dtmf_mute;
	/* Jitter buffer mode: adaptive within [jb_min_ms, jb_max_ms] starting
	 * at jb_ms (0s: 20, 200), else fixed at jb_ms. */
	bool jb_adaptive;
	unsigned jb_min_ms, jb_max_ms;
	/* The remote's a=fmtp for the codec (Opus: RFC 7587 maxplaybackrate,
	 * useinbandfec, usedtx decide how we encode); NULL: none. */
	const char *fmtp;
	/* RFC 3389 comfort noise accepted on payload type 13 (MEDIA_PT_CN):
	 * played as noise at the signalled level until audio comes back. */
	bool cn_enabled;
	/* SRTP/SRTCP (RFC 3711) with these keys; NULL: plain RTP. Copied. */
	const struct media_srtp_cfg *srtp;
};

/* Owned by the call; freeing the call frees its session. */
struct media_sess;
struct media_toneplay; /* tones.c */

/* 0, EINVAL for a bad configuration, ENOMEM. */
int media_sess_alloc(const struct media_hooks *h,
		     const struct media_sess_cfg *cfg, struct media_sess **out);
void media_sess_free(struct media_sess *s); /* NULL ok */
/* TDM -> RTP: n samples of the TDM law (any n); sends one packet through
 * the hook each time ptime worth is collected. Timestamps count the
 * samples handed, so a late tick's blocks handed at once follow on. When
 * samples are handed more than 160 ms after they were due (nothing handed
 * for a while: muted, on hold, blocks lost) the timestamp skips the whole
 * frames missed and the marker bit starts the new talkspurt (RFC 3551
 * section 4.1); never in fax mode. Returns 0, or the first error the send
 * hook returned (the audio is still consumed). */
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
/* Plays a digit in-band towards the PSTN for ms milliseconds (0: 100),
 * e.g. for a SIP INFO. EINVAL for a bad digit. */
int media_sess_dtmf_play(struct media_sess *s, char digit, unsigned ms);
/* Fax or modem call: the echo canceller stays off from now on. */
void media_sess_ec_disable(struct media_sess *s);
/* Fax or modem detected (2100 Hz answer tone, V.21 preamble): the jitter
 * buffer turns fixed at its current delay and the echo canceller off, for
 * the rest of the call. Idempotent. */
void media_sess_fax_mode(struct media_sess *s);
/* The same, the fixed jitter buffer at least jb_ms deep (0: as it is);
 * may be called again to deepen it. */
void media_sess_fax_mode_ms(struct media_sess *s, unsigned jb_ms);
/* Call progress tone towards RTP (early media the PSTN does not give):
 * tp replaces the TDM audio from now on; NULL stops it. The session owns
 * tp and frees the previous one. */
void media_sess_tone(struct media_sess *s, struct media_toneplay *tp);
/* The jitter buffer adapts (false after media_sess_fax_mode()). */
bool media_sess_jb_adaptive(const struct media_sess *s);
/* A new negotiated address (re-INVITE): latching starts again. */
int media_sess_set_peer(struct media_sess *s, const struct media_addr *rtp,
			const struct media_addr *rtcp);
/* New SRTP keys (re-offer): n (media_srtp_alloc with the session's
 * ssrc, media_sess_ssrc) becomes the session's, see media_srtp_take;
 * a plain session turns SRTP on (keep_tx is then ignored). Datagrams
 * still under the old peer key fail authentication: counted, dropped.
 * n is the session's from then on; EINVAL (n freed) for bad args. */
int media_sess_srtp_rekey(struct media_sess *s, struct media_srtp *n,
			  bool keep_tx);
/* The SSRC the session sends with. */
uint32_t media_sess_ssrc(const struct media_sess *s);

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
	uint64_t dtmf_tx, dtmf_rx; /* digits sent as / received in RFC 4733 */
	uint64_t cn_rx;		   /* RFC 3389 comfort noise payloads */
	/* SRTP: datagrams dropped for failed authentication or replay
	 * (RTP and RTCP), and other SRTP errors; never latched on */
	bool srtp;
	uint64_t srtp_auth_fail, srtp_replay, srtp_bad;
	uint64_t srtp_rekeys;  /* new keys installed mid-call */
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

/* ---- DTMF (dtmf.c, dtmf_te.c) ---- */

enum media_dtmf_mode {
	MEDIA_DTMF_RFC4733, /* telephone-event packets */
	MEDIA_DTMF_INBAND,  /* tones left in the audio */
	MEDIA_DTMF_INFO,    /* SIP INFO application/dtmf-relay */
};

const char *media_dtmf_mode_name(enum media_dtmf_mode m);
/* "rfc4733"/"rfc2833"/"inband"/"info" -> mode, or -1. */
int media_dtmf_mode_lookup(const char *name);

/* RFC 4733 event codes 0..15 for 0-9 * # A-D; -1 for another digit. */
int media_dtmf_code(char digit);
/* The digit of an event code 0..15, or 0. */
char media_dtmf_digit(unsigned code);

/* A digit starting or ending, from any source. */
struct media_dtmf_ev {
	char digit;
	bool end;	   /* false: it began */
	uint32_t duration; /* at the end: length, RTP timestamp units */
};

#define MEDIA_TE_PAYLOAD 4 /* octets of one RFC 4733 event block */

/* RFC 4733 sender; caller storage, no allocation. A begun event sends a
 * packet every poll with the duration so far; after stop, three end
 * packets with the E bit, all with the event's timestamp. */
struct media_te_tx {
	int code;	   /* event being sent, -1 none */
	uint32_t ts;	   /* its timestamp */
	uint32_t duration; /* sent so far */
	uint32_t min_dur;  /* stop takes effect after this much */
	unsigned ends;	   /* end packets still to send (3 .. 1) */
	bool stopping, first;
	uint8_t volume; /* -dBm0, 0..63 */
	/* A digit begun while the last one's end packets still go out
	 * waits here, its time running, until they are sent. */
	int pend_code; /* -1 none */
	uint32_t pend_ts, pend_elapsed, pend_min;
	bool pend_stop;
};

void media_te_tx_init(struct media_te_tx *t, unsigned volume);
/* Starts digit at RTP timestamp ts; min_dur (ts units) is the shortest it
 * lasts, 0 for "until stop". While the last event's end packets are being
 * sent the new one waits for them (one such digit). EINVAL for a bad
 * digit, EBUSY while another event runs (not stopped) or one waits. */
int media_te_tx_start(struct media_te_tx *t, char digit, uint32_t ts,
		      uint32_t min_dur);
void media_te_tx_stop(struct media_te_tx *t);
bool media_te_tx_active(const struct media_te_tx *t);
/* Call once per packet interval with the time elapsed since the last call
 * (ts units). true when a packet is due: payload (MEDIA_TE_PAYLOAD
 * octets), its timestamp and marker bit. */
bool media_te_tx_poll(struct media_te_tx *t, uint32_t elapsed,
		      uint8_t payload[MEDIA_TE_PAYLOAD], uint32_t *ts,
		      bool *marker);

/* RFC 4733 receiver; caller storage. Retransmissions and updates of one
 * event (same timestamp) give one begin and one end; an event whose end
 * packets were all lost ends after timeout ts units without packets.
 * Events other than DTMF (codes above 15) are ignored. */
struct media_te_rx {
	bool active;
	char digit;
	uint32_t ts;	   /* of the current or last event */
	uint32_t duration; /* highest seen */
	uint32_t quiet;	   /* ts units since its last packet */
	uint32_t timeout;
	bool have_last; /* ts of an ended event is known */
	uint64_t events, bad, lost_ends, ignored;
};

void media_te_rx_init(struct media_te_rx *r, uint32_t timeout);
/* One telephone-event payload with its RTP timestamp and marker. Writes up
 * to 2 events (the end of an event cut short by a new one, and the new
 * one's begin or end) and sets *nev. EPROTO for a malformed payload
 * (counted). */
int media_te_rx_put(struct media_te_rx *r, uint32_t ts, bool marker,
		    const uint8_t *p, size_t len, struct media_dtmf_ev ev[3],
		    unsigned *nev);
/* Time passes (elapsed ts units); true with *ev when an event timed out. */
bool media_te_rx_tick(struct media_te_rx *r, uint32_t elapsed,
		      struct media_dtmf_ev *ev);

/* In-band detector (spandsp dtmf_rx) with a look-ahead: the audio comes
 * out delayed by the look-ahead, muted from each digit's leading edge to
 * its end, so no tone leaks when the digit is sent out of band. */
struct media_dtmf_det;

/* lookahead_ms 0..100 (0: 40). 0, EINVAL, ENOMEM. */
int media_dtmf_det_alloc(unsigned lookahead_ms, struct media_dtmf_det **out);
void media_dtmf_det_free(struct media_dtmf_det *d); /* NULL ok */
/* in -> out (n samples, may be the same buffer; out lags by the
 * look-ahead). Writes at most nev events, returns how many. When mute is
 * false the audio passes unmuted (detection still reported). */
unsigned media_dtmf_det_run(struct media_dtmf_det *d, const int16_t *in,
			    int16_t *out, size_t n, bool mute,
			    struct media_dtmf_ev *ev, unsigned nev);

/* In-band generator: plays digits of any length into the audio towards
 * the PSTN; caller storage. Each digit lasts at least 40 ms and is
 * followed by 40 ms of silence, so repeated digits stay apart; digits
 * started while one plays are queued. */
#define MEDIA_DTMF_GEN_QUEUE 16

struct media_dtmf_gen {
	struct media_tonegen lo, hi;
	bool active;	 /* a digit is sounding */
	bool until_stop; /* ... and lasts until stop */
	uint32_t left;	 /* samples still to play when !until_stop */
	uint32_t played; /* samples of this digit so far */
	uint32_t gap;	 /* silence still owed after a digit */
	int level;
	char q[MEDIA_DTMF_GEN_QUEUE];
	uint32_t qlen[MEDIA_DTMF_GEN_QUEUE]; /* 0: until stop */
	unsigned qhead, qn;
};

void media_dtmf_gen_init(struct media_dtmf_gen *g, int level_dbm0);
/* samples 0 plays until stop. EINVAL for a bad digit, ENOSPC when the
 * queue is full. */
int media_dtmf_gen_start(struct media_dtmf_gen *g, char digit,
			 uint32_t samples);
/* Ends the digit that lasts until stop (the latest queued one, else the
 * sounding one). */
void media_dtmf_gen_stop(struct media_dtmf_gen *g);
/* A digit sounds, is queued, or its trailing gap runs. */
bool media_dtmf_gen_active(const struct media_dtmf_gen *g);
/* Replaces pcm with the tone (and the inter-digit gap) while active;
 * false when it left pcm alone. */
bool media_dtmf_gen_run(struct media_dtmf_gen *g, int16_t *pcm, size_t n);

/* SIP INFO application/dtmf-relay bodies ("Signal=5\r\nDuration=160\r\n").
 * parse: 0 or EINVAL (no or bad Signal, bad Duration); duration_ms is 0
 * when absent. build: 0 or ENOSPC/EINVAL, *outlen without the NUL. */
int media_dtmf_info_parse(const char *body, size_t len, char *digit,
			  unsigned *duration_ms);
int media_dtmf_info_build(char digit, unsigned duration_ms, char *buf,
			  size_t size, size_t *outlen);

/* ---- line echo canceller on the TDM side (ec.c) ---- */

enum media_ec_state {
	MEDIA_EC_ACTIVE,
	MEDIA_EC_TONE_OFF, /* 2100 Hz with phase reversals heard */
	MEDIA_EC_FAX_OFF,  /* disabled by the call (fax, modem) */
};

const char *media_ec_state_name(enum media_ec_state s);

struct media_ec;

/* tail_ms 8..256 (0: 64). 0, EINVAL, ENOMEM. */
int media_ec_alloc(unsigned tail_ms, struct media_ec **out);
void media_ec_free(struct media_ec *ec); /* NULL ok */
/* One block: tx is what went to the PSTN (the echo reference), rx what
 * came back (cleaned in place). Both directions are watched for the
 * 2100 Hz disabler. */
void media_ec_process(struct media_ec *ec, const int16_t *tx, int16_t *rx,
		      size_t n);
/* For fax and modem calls: stays off for the rest of the call. */
void media_ec_disable(struct media_ec *ec);
enum media_ec_state media_ec_state(const struct media_ec *ec);

/* ---- call progress tones (tones.c), per country ---- */

enum media_tone { MEDIA_TONE_RINGBACK, MEDIA_TONE_BUSY, MEDIA_TONE_CONGESTION };

const char *media_tone_name(enum media_tone t);
/* Country profile by code ("us", "uk", "de", ...), case-insensitive:
 * 0 when known, else ENOENT. */
int media_tone_country_check(const char *country);
/* The known codes, comma separated (for config errors and help). */
const char *media_tone_countries(void);

struct media_toneplay;

/* 0, ENOENT (unknown country), EINVAL, ENOMEM. */
int media_toneplay_alloc(const char *country, enum media_tone t,
			 struct media_toneplay **out);
void media_toneplay_free(struct media_toneplay *p); /* NULL ok */
/* n samples of the tone's cadence, repeating. */
void media_toneplay_run(struct media_toneplay *p, int16_t *pcm, size_t n);

/* ---- comfort noise, RFC 3389 (cn.c) ---- */

#define MEDIA_PT_CN 13 /* RFC 3551 static payload type of CN */

struct media_cn;

int media_cn_alloc(uint32_t seed, struct media_cn **out);
void media_cn_free(struct media_cn *c); /* NULL ok */
/* A CN payload: noise level (first octet, -dBov 0..127) and spectral
 * coefficients (ignored: white noise). EPROTO for an empty payload or a
 * level above 127. */
int media_cn_put(struct media_cn *c, const uint8_t *p, size_t len);
/* Level in -dBov of the last CN payload; -1 before the first. */
int media_cn_level(const struct media_cn *c);
/* n samples of noise at that level (silence before any CN payload). */
void media_cn_run(struct media_cn *c, int16_t *pcm, size_t n);
/* A CN payload of one octet for the level of pcm (n samples). */
uint8_t media_cn_level_of(const int16_t *pcm, size_t n);
