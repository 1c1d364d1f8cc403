#pragma once
/* media/ private header: RTP sender/receiver state and the jitter buffer,
 * shared by the session and the unit tests, not by gateway/. */
#include "media/media.h"

/* Network byte order in packets (RTP, RTCP). */
static inline uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---- RTP sender state (rtp.c) ---- */

struct rtp_tx {
	uint32_t ssrc;
	uint16_t seq; /* of the next packet */
	uint32_t ts;  /* of the next packet */
	uint8_t pt;
	bool marker; /* set on the next packet (talkspurt start) */
	uint64_t packets;
	uint64_t bytes;
};

void rtp_tx_init(struct rtp_tx *t, uint8_t pt, uint32_t ssrc, uint16_t seq,
		 uint32_t ts);
/* Builds the next packet into buf, then advances seq by 1 and ts by
 * samples. Errors as rtp_build(); state is unchanged on error. */
int rtp_tx_packet(struct rtp_tx *t, const void *payload, size_t plen,
		  uint32_t samples, uint8_t *buf, size_t size, size_t *outlen);

/* ---- RTP receive statistics (rtp.c), after RFC 3550 appendix A.1 ---- */

#define RTP_MAX_DROPOUT 3000
#define RTP_MAX_MISORDER 100

enum rtp_rx_verdict {
	RTP_RX_OK,	/* in order (possibly after a gap) */
	RTP_RX_REORDER, /* older than the highest seen, not seen before */
	RTP_RX_DUP,	/* seen before: drop */
	RTP_RX_JUMP,	/* implausible sequence jump: drop (a second,
			   consecutive one resynchronises) */
	RTP_RX_NEWSSRC, /* first packet of a new source */
};

struct rtp_rx {
	bool have;
	uint32_t ssrc;
	uint32_t max;	     /* highest extended sequence number */
	uint32_t base;	     /* lowest extended sequence number expected */
	uint32_t bad_seq;    /* seq that would confirm a jump, or > 0xffff */
	uint64_t win[2];     /* bit i: max - i was received (i < 128) */
	uint64_t received;   /* distinct packets since base */
	uint64_t lost_prior; /* loss of earlier sources / before resyncs */
	uint64_t packets, bytes, dups, reorder, bad, jumps;
};

const char *rtp_rx_verdict_name(enum rtp_rx_verdict v);
void rtp_rx_init(struct rtp_rx *r);
/* Accounts one parsed packet of len octets. */
enum rtp_rx_verdict rtp_rx_update(struct rtp_rx *r, const struct rtp_hdr *h,
				  size_t len);
/* Counts a packet that failed to parse. */
void rtp_rx_bad(struct rtp_rx *r);
/* Expected minus received, never negative. */
uint64_t rtp_rx_lost(const struct rtp_rx *r);
/* Packets expected from the current source (RFC 3550 A.3). */
uint64_t rtp_rx_expected(const struct rtp_rx *r);

/* ---- jitter buffer (jb.c): fixed or adaptive ---- */

#define JB_DEFAULT_MS 40
#define JB_DEFAULT_MIN_MS 20
#define JB_DEFAULT_MAX_MS 200

struct jb_cfg {
	unsigned depth_ms;  /* fixed: playout delay after the first packet;
			       adaptive: the starting delay; 0: 40 */
	unsigned slots;	    /* packets held at most; 0: enough for 1 s */
	size_t max_payload; /* octets per packet at most */
	unsigned rate;	    /* timestamp units per second; 0: 8000 */
	/* Adaptive mode: the delay follows the measured jitter (RFC 3550
	 * A.8) within [min_ms, max_ms]: it grows at once, shrinks slowly,
	 * preferably at a talkspurt start. Off (fixed) for fax and modems. */
	bool adaptive;
	unsigned min_ms; /* 0: 20 */
	unsigned max_ms; /* 0: 200 */
};

enum jb_put_result {
	JB_PUT_OK,
	JB_PUT_LATE,	 /* its time has been played out already: dropped */
	JB_PUT_DUP,	 /* a packet with that timestamp is queued: dropped */
	JB_PUT_RESYNC,	 /* timestamp far off: buffer flushed, re-anchored */
	JB_PUT_TOOBIG,	 /* payload larger than max_payload: dropped */
	JB_PUT_OVERFLOW, /* full: the oldest packet (maybe this one) dropped */
};

enum jb_get_result {
	JB_GET_IDLE,  /* no packet received yet: play silence */
	JB_GET_FRAME, /* f->data holds a frame */
	JB_GET_GAP,   /* nothing for f->samples: conceal */
};

/* A frame handed to playout; data stays valid until the next jb call. */
struct jb_frame {
	const uint8_t *data;
	size_t len;
	uint32_t ts;
	uint32_t samples; /* playout time this frame covers */
	uint32_t skip;	  /* leading samples already played out: skip */
	bool underrun;	  /* a gap with nothing queued at all */
};

struct jb_stats {
	uint64_t put, late, dup, overflow, resync, toobig, frames, gaps,
		underruns;
	uint64_t grow, shrink;	/* adaptive delay changes */
	uint64_t grow_deferred; /* growths put off: the audio was loud */
	uint64_t grown, shrunk; /* by how much in all, ts units */
	uint32_t delay;		/* playout delay now, timestamp units */
	uint32_t target;	/* what adaptive mode aims for */
	uint32_t jitter;	/* RFC 3550 interarrival jitter, ts units */
};

struct jb;

int jb_alloc(const struct jb_cfg *cfg, struct jb **out);
void jb_free(struct jb *jb);
/* Queues a packet of the given timestamp covering samples units. */
enum jb_put_result jb_put(struct jb *jb, uint32_t ts, uint32_t samples,
			  const void *payload, size_t len);
/* As jb_put; marker is the RTP marker bit (a talkspurt starts: the
 * adaptive buffer may change its delay here without being heard). */
enum jb_put_result jb_put_marked(struct jb *jb, uint32_t ts, uint32_t samples,
				 const void *payload, size_t len, bool marker);
/* The next frame in playout order; a gap covers at most max_samples. */
enum jb_get_result jb_get(struct jb *jb, uint32_t max_samples,
			  struct jb_frame *f);
/* The earliest queued packet without taking it (for Opus FEC: on a gap,
 * the packet after it carries the gap's redundancy); false when empty.
 * f->data stays valid until the next put or get. */
bool jb_peek(const struct jb *jb, struct jb_frame *f);
/* Packets queued now. */
unsigned jb_count(const struct jb *jb);
void jb_stats(const struct jb *jb, struct jb_stats *out);
/* Forgets everything queued; the next packet anchors playout again. */
void jb_reset(struct jb *jb);
/* What plays now is loud (a tone, speech) or not. While it is, adaptive
 * mode does not grow its delay for a late packet (the packet is dropped,
 * one frame concealed), since growing inserts a gap there: a gap of two
 * frames or more cuts an in-band DTMF digit in two, and the PSTN hears it
 * twice. It grows once the audio is quiet, or after JB_LOUD_MAX_MS of
 * loud audio (continuous speech must not lose packets for ever). */
void jb_set_loud(struct jb *jb, bool loud);
/* Adaptive -> fixed (fax, modem): the delay stays where it is now. */
void jb_set_fixed(struct jb *jb);
/* Fixed mode: the delay grows to depth (timestamp units) if it is less,
 * playout stepping back once; never shrinks. */
void jb_fixed_at_least(struct jb *jb, uint32_t depth);
bool jb_is_adaptive(const struct jb *jb);

/* ---- RTCP (rtcp.c), RFC 3550 section 6 ---- */

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_SDES 202
#define RTCP_BYE 203
#define RTCP_APP 204
#define RTCP_MAX_RB 31
#define RTCP_CNAME_MAX 255
#define RTCP_MIN_INTERVAL_US 5000000u /* Tmin, section 6.2 */

/* One report block (section 6.4.1). */
struct rtcp_rb {
	uint32_t ssrc;
	uint8_t fraction; /* lost since the last report, 1/256 */
	int32_t lost;	  /* cumulative, 24-bit signed on the wire */
	uint32_t ext_max; /* extended highest sequence number */
	uint32_t jitter;  /* interarrival jitter, timestamp units */
	uint32_t lsr;	  /* middle 32 bits of the last SR's NTP time */
	uint32_t dlsr;	  /* delay since that SR, 1/65536 s */
};

struct rtcp_sender_info {
	uint64_t ntp; /* NTP timestamp, 32.32 fixed point */
	uint32_t rtp_ts;
	uint32_t packets;
	uint32_t octets;
};

/* What one compound packet said; views into nothing (all copied). */
struct rtcp_info {
	uint32_t ssrc; /* of the SR/RR sender */
	bool sr;       /* a sender report (si valid) */
	struct rtcp_sender_info si;
	unsigned nrb;
	struct rtcp_rb rb[RTCP_MAX_RB];
	char cname[RTCP_CNAME_MAX + 1]; /* "" when none came */
	bool bye;
};

/* Validates a compound packet as appendix A.2 asks (version 2, first an
 * SR or RR, padding only in the last one, lengths adding up) and reads
 * its SR/RR, the sender's CNAME and BYE. 0, EINVAL (NULL or short),
 * EPROTO (malformed). */
int rtcp_parse(struct rtcp_info *info, const void *pkt, size_t len);

/* Appends one packet at buf + *off; ENOSPC (nothing written) when it does
 * not fit. si NULL makes an RR. */
int rtcp_put_report(uint8_t *buf, size_t size, size_t *off, uint32_t ssrc,
		    const struct rtcp_sender_info *si, const struct rtcp_rb *rb,
		    unsigned nrb);
int rtcp_put_cname(uint8_t *buf, size_t size, size_t *off, uint32_t ssrc,
		   const char *cname);
int rtcp_put_bye(uint8_t *buf, size_t size, size_t *off, uint32_t ssrc);

/* Unix microseconds -> NTP 32.32; its middle 32 bits (LSR units). */
uint64_t rtcp_ntp_from_us(uint64_t unix_us);
uint32_t rtcp_ntp_mid(uint64_t ntp);

/* Receive-side state for one remote source, next to struct rtp_rx: the
 * interarrival jitter (appendix A.8), the interval counts behind the
 * fraction lost (A.3) and the last SR heard (LSR/DLSR). */
struct rtcp_src {
	bool have_transit;
	uint32_t transit;
	uint32_t jitter_q4; /* jitter * 16, as A.8 keeps it */
	uint64_t expected_prior, received_prior;
	uint32_t lsr;	    /* 0: no SR yet */
	uint64_t lsr_at_us; /* when it arrived, caller's clock */
};

void rtcp_src_init(struct rtcp_src *s);
/* One in-order or reordered packet: its RTP timestamp and its arrival
 * expressed in the same timestamp units. */
void rtcp_src_jitter(struct rtcp_src *s, uint32_t rtp_ts, uint32_t arrival);
uint32_t rtcp_src_jitter_units(const struct rtcp_src *s);
/* Fills a report block about the source and starts a new interval. */
void rtcp_src_report(struct rtcp_src *s, const struct rtp_rx *rx,
		     uint64_t now_us, struct rtcp_rb *rb);
void rtcp_src_sr_heard(struct rtcp_src *s, uint64_t ntp, uint64_t now_us);
/* Round trip from a report block about us (RFC 3550 6.4.1: A - LSR -
 * DLSR), in microseconds; false when the block carries no LSR. */
bool rtcp_rtt_us(const struct rtcp_rb *rb, uint64_t now_ntp, uint64_t *rtt_us);

/* The deterministic RTCP interval (section 6.3.1 / appendix A.7) before
 * randomisation, in microseconds: avg_size octets, bw octets/s of the
 * whole session. */
uint64_t rtcp_interval_base_us(unsigned members, unsigned senders, bool we_sent,
			       double avg_size, double bw, bool initial,
			       uint64_t tmin_us);
/* Randomised: base * [0.5, 1.5) / (e - 3/2); r is uniform in [0, 1). */
uint64_t rtcp_interval_rand_us(uint64_t base_us, double r);

/* ---- strict source latching (latch.c), see media_sess_rtp_in() ---- */

enum media_latch_verdict {
	MEDIA_LATCH_OK,	     /* from the current peer */
	MEDIA_LATCH_MOVE,    /* allowed to become the peer */
	MEDIA_LATCH_FOREIGN, /* drop */
};

struct media_latch {
	struct media_addr neg; /* negotiated */
	struct media_addr cur; /* current peer, where we send */
	bool latched;	       /* a packet came from cur */
	uint32_t ssrc;	       /* of the latest accepted packet */
	uint64_t last_us;      /* when it came */
	uint64_t silence_us;
};

void media_latch_init(struct media_latch *l, const struct media_addr *neg,
		      uint64_t silence_us);
/* What to do with a packet from src carrying ssrc; changes nothing. */
enum media_latch_verdict media_latch_judge(const struct media_latch *l,
					   const struct media_addr *src,
					   uint32_t ssrc, bool have_clock,
					   uint64_t now_us);
/* Records an accepted packet (OK or MOVE); true when the peer moved. */
bool media_latch_accept(struct media_latch *l, const struct media_addr *src,
			uint32_t ssrc, uint64_t now_us);

/* ---- the session object (sess.c; send path in sess_tx.c, RTCP side in
 * sess_rtcp.c) ---- */

#define SESS_MAX_FRAME 480    /* 60 ms, the longest ptime we send */
#define SESS_MAX_RX 960	      /* 120 ms, the longest packet we accept */
#define SESS_CONCEAL_FRAMES 2 /* attenuated repeats before silence */
#define SESS_RTCP_MAX 512     /* our compound packets stay below this */
#define SESS_PKT_MAX (RTP_HDR_LEN + SESS_MAX_FRAME) /* RTP we send */
/* Samples handed up to this late are a late tick's and follow on; later,
 * samples are missing (sess_tx.c). */
#define SESS_LATE_MS 160

struct media_sess {
	struct media_hooks h;
	struct media_sess_cfg cfg;
	char cname[RTCP_CNAME_MAX + 1];
	enum media_law codec_law;
	uint32_t frame; /* 8 kHz samples per sent packet */
	uint32_t clock_rate;
	/* Codecs other than G.711 (media-dsp's components); NULL for the
	 * G.711 pass-through. */
	const struct media_codec_info *info;
	struct media_enc *enc;
	struct media_dec *dec;
	uint32_t ts_step; /* RTP timestamp units per sent packet */
	unsigned ts_per_sample;

	struct rtp_tx tx;
	uint8_t txbuf[SESS_MAX_FRAME];
	size_t txfill;
	/* room for the SRTP tag after the longest packet */
	uint8_t pkt[SESS_PKT_MAX + MEDIA_SRTP_TRAILER_MAX];
	/* the media clock (sess_tx.c): when the samples handed so far were
	 * complete, by their count; the least lateness seen in the current
	 * second; a pause the next frame's timestamp skips */
	bool tx_clocked;
	uint64_t tx_due_us;
	int64_t tx_lag_min;
	uint32_t tx_lag_win; /* samples counted in this second */
	uint32_t tx_gap;     /* timestamp units */
	bool tx_gap_pending;
	uint64_t talkspurts;

	struct media_latch latch;
	uint64_t rx_foreign, latches, ssrc_changes;
	bool foreign_logged;

	struct rtp_rx rx;
	struct rtcp_src rsrc; /* jitter, loss intervals, LSR of rx.ssrc */
	struct jb *jb;
	uint64_t rx_bad, rx_wrong_pt, rx_packets, rx_bytes;
	uint8_t cur[SESS_MAX_RX]; /* playout frame, TDM law */
	size_t cur_len, cur_pos;
	uint8_t last[SESS_MAX_RX]; /* last good frame, TDM law */
	size_t last_len;
	unsigned concealed;	  /* gap frames since the last good one */
	int16_t pcm[SESS_MAX_RX]; /* concealment scratch */

	/* RTCP (sess_rtcp.c) */
	struct media_latch rtcp_latch;
	uint64_t rtcp_next_us; /* 0: not scheduled yet */
	uint64_t tx_packets_at_report;
	double rtcp_avg_size;
	uint32_t rng;
	uint64_t rtcp_tx, rtcp_rx, rtcp_bad, rtcp_foreign;
	uint8_t fraction_lost;
	bool have_remote, have_rtt, bye_sent;
	struct rtcp_rb remote; /* the peer's last block about us */
	uint32_t rtt_us;
	uint8_t rtcp_buf[SESS_RTCP_MAX + MEDIA_SRTP_TRAILER_MAX];

	/* TDM-side DSP (sess_dsp.c); NULL/false when off */
	struct media_ec *ec;
	struct media_dtmf_det *det;
	struct media_te_tx te_tx;
	struct media_te_rx te_rx;
	struct media_dtmf_gen gen;
	int16_t ref[SESS_MAX_RX]; /* last audio sent to TDM (echo ref) */
	size_t ref_len;
	int16_t lin[SESS_MAX_RX]; /* scratch */
	uint64_t dtmf_tx, dtmf_rx;
	struct media_cn *cn; /* RFC 3389 comfort noise, NULL when off */
	uint64_t cn_rx;
	bool cn_on; /* a CN payload came after the last audio frame */
	bool fax;   /* media_sess_fax_mode() was called */
	struct media_toneplay *tone; /* replaces the TDM audio, NULL: off */
	struct media_srtp *srtp;     /* SRTP/SRTCP, NULL: plain RTP */
	bool srtp_logged;
};

__attribute__((format(printf, 3, 4))) void
media_sess_log(const struct media_sess *s, int level, const char *fmt, ...);
uint64_t media_sess_now(const struct media_sess *s);
/* sess_tx.c: the RTP timestamp of the instant now on the media clock (for
 * the sender report). */
uint32_t media_sess_tx_ts_at(const struct media_sess *s, uint64_t now);
/* sess_tx.c: sends the RTP packet of len octets in s->pkt (protected
 * first with SRTP); the send hook's error. */
int media_sess_send_pkt(struct media_sess *s, size_t len);
/* sess.c: a received SRTP (rtcp: SRTCP) datagram from src: dropped as
 * foreign (EACCES) without crypto when the latch would not take its
 * source, else authenticated, replay-checked and decrypted: pkt and len
 * then point at the plain packet. Failures are counted, never latched. */
int media_sess_srtp_in(struct media_sess *s, const void **pkt, size_t *len,
		       const struct media_addr *src, bool rtcp);
/* sess_rtcp.c */
void media_sess_rtcp_init(struct media_sess *s);
/* A new remote source: its RTCP receive state starts afresh. */
void media_sess_rtcp_newsrc(struct media_sess *s);
/* sess_dsp.c */
int media_sess_dsp_init(struct media_sess *s);
void media_sess_dsp_free(struct media_sess *s);
/* TDM audio in (law, n <= SESS_MAX_RX), in place: echo cancelled, digits
 * detected (and muted when they go out as RFC 4733). */
void media_sess_dsp_in(struct media_sess *s, uint8_t *law, size_t n);
/* TDM audio out, in place: digits played; kept as the echo reference. */
void media_sess_dsp_out(struct media_sess *s, uint8_t *law, size_t n);
/* At a packet boundary: true when an RFC 4733 packet replaced the audio
 * packet (the audio timestamp still advances). */
bool media_sess_dsp_te_send(struct media_sess *s);
/* A telephone-event payload received. */
void media_sess_dsp_te_rx(struct media_sess *s, const struct rtp_hdr *h);
/* The RTCP latch follows a new negotiated address. */
void media_sess_rtcp_init_latch(struct media_sess *s);

/* ---- codec back ends (codec.c, codec_spandsp.c, codec_opus.c) ----
 * Each back end keeps its state behind one pointer made at call setup.
 * Sample counts are 8 kHz samples. */

struct media_codec_be {
	int (*enc_new)(const struct media_codec_cfg *cfg, void **st);
	/* n is a whole packet (ptime * 8). */
	int (*enc)(void *st, const int16_t *pcm, size_t n, uint8_t *out,
		   size_t size, size_t *len);
	void (*enc_free)(void *st);
	int (*dec_new)(const struct media_codec_cfg *cfg, void **st);
	int (*dec)(void *st, const uint8_t *p, size_t len, int16_t *pcm,
		   size_t max, size_t *n);
	/* 8 kHz samples a payload decodes to; 0 for an invalid one. */
	size_t (*samples)(const void *st, const uint8_t *p, size_t len);
	/* NULL: the generic spandsp PLC conceals for this codec. */
	void (*conceal)(void *st, const uint8_t *next, size_t next_len,
			int16_t *pcm, size_t n);
	void (*dec_free)(void *st);
};

extern const struct media_codec_be media_be_g722, media_be_g726, media_be_gsm,
	media_be_opus;

/* ---- T.30 as seen passing through a T.38 gateway (t30mon.c) ----
 *
 * spandsp's gateway runs no T.30 engine, so the fax's outcome is inferred
 * from the control frames and the indicators passing through. Codes are
 * spandsp's T30_ERR_* numbers. */
struct media_t30mon {
	bool seen_dis, seen_dcs, last_ftt, done, success;
	bool phase_c;	  /* CFR seen: a training now starts image data */
	bool image;	  /* image data since the last MCF */
	bool mcf_guessed; /* the last frame: MCF to a command not seen */
	int page_cmd;	  /* post-page command awaiting its answer, or 0 */
	bool page_end;	  /* it ends a page (not a PPS-NULL block) */
	bool page_eop;	  /* it ends the document */
	unsigned pages;	  /* pages the receiver confirmed */
	unsigned guessed; /* of which confirmed by an MCF to a missed command */
	int code;	  /* fixed once DCN is seen */
};

/* A complete, CRC-good HDLC control frame (address, control, FCF ...). */
void media_t30mon_frame(struct media_t30mon *m, const uint8_t *msg, size_t len);
/* A T.38 t30-indicator value (T.38 Annex A: 0 no-signal ... 15 V.17
 * 14400 long training; trainings are 4..15). */
void media_t30mon_indicator(struct media_t30mon *m, unsigned ind);
/* The outcome: once DCN was seen, the code fixed then; before, what the
 * call ending now means (t1: no frame at all within T.30's T1). */
int media_t30mon_code(const struct media_t30mon *m, bool t1);
