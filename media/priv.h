#pragma once
/* media/ private header: RTP sender/receiver state and the jitter buffer,
 * shared by the session and the unit tests, not by gateway/. */
#include "media/media.h"

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
