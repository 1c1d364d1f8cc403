#pragma once
/* sipfax's process state, shared by sipfax.c (process, SIP, sockets) and
 * call.c (one fax call: SDP, media, the terminal, results). */
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "gateway/hooks.h"
#include "gateway/loop.h"
#include "gateway/sipudp.h"
#include "media/media.h"
#include "sip/sip.h"
#include "tools/sipfax/opts.h"
#include "tools/sipfax/term.h"

#define SF_MAX_CALLS 16
#define SF_TICK_US 20000u
#define SF_BLOCK 160
#define SF_MEDIA_PORTS 1000
/* a receiver whose fax ended waits this long for the sender's BYE */
#define SF_BYE_WAIT_MS 5000
/* a sender lets its last T.30 frame leave before the BYE */
#define SF_BYE_GRACE_MS 300

struct sf_app;

struct sf_call {
	bool used;
	unsigned n; /* 1, 2, ... in order of appearance */
	struct sf_app *app;
	struct sip_call *sip; /* NULL once ENDED */
	bool placed;	      /* we sent the INVITE */
	bool answered;
	enum sf_offer offer; /* of our INVITE */
	int rtp_fd, udptl_fd;
	unsigned rtp_port, udptl_port;
	struct media_sess *media;
	unsigned audio_sessions;   /* started on this call, 1, 2, ... */
	bool had_t38;		   /* a T.38 leg ran: audio again is a return */
	struct sdp_crypto srtp_rx; /* the peer's key of the running audio */
	struct sockaddr_in udptl_peer;
	uint64_t udptl_foreign; /* datagrams from another address: dropped */
	struct sf_term *term;
	char file[4096];
	char file1[4096];    /* the first fax's, for the next ones' names */
	unsigned faxes_done; /* reported on this call */
	char callid[256];
	struct sdp_codec codecs[2]; /* the chosen law first */
	struct sdp_local local;
	struct sdp_t38_local t38local;
	uint64_t sess_version;
	bool t38_asked;	  /* our T.38 re-INVITE was sent (once per call) */
	bool audio_asked; /* our re-INVITE back to audio awaits its answer */
	bool reported;
	bool ok;
	struct gw_timer *bye_timer;
};

struct sf_app {
	struct gw_hookctx hctx;
	struct gw_loop *loop;
	struct sip_stack *sip;
	struct gw_sipudp udp;
	struct sf_opts o;
	const char *media_ip;
	unsigned media_next;
	struct sf_call calls[SF_MAX_CALLS];
	unsigned ncalls;
	unsigned faxes, failed; /* results reported */
	uint64_t t0, next_tick;
	int exit_code; /* set when the outcome is known */
	bool stopping;
};

/* One event line on stdout: "sipfax t=MS " + the formatted text. */
void sf_ev(struct sf_app *app, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* sipfax.c: the call's terminal for c->file, by command; 0 or EINVAL
 * (printed). */
int sf_app_term(struct sf_app *app, struct sf_call *c);

/* ---- audio.c ---- */
/* The RTP socket is readable (loop callback; arg: the call). */
void sf_rtp_readable(void *arg, uint32_t events);
/* --srtp: our one crypto line, a fresh key, into c->local; 0 (also
 * without --srtp) or EIO. */
int sf_audio_key(struct sf_call *c);
/* A new audio session for the negotiated res (the old one ends): SRTP
 * when res has it; 0 or errno. */
int sf_audio_start(struct sf_call *c, const struct sdp_result *res);
/* The audio session ends (if any): an event=audio line with its counts. */
void sf_audio_end(struct sf_call *c);
/* Answers an audio re-offer into ans: on running audio the same session
 * (new address, new peer key), back from T.38 a new one with a new key
 * of ours (--bad-return-crypto: a tag the offer lacks, and no session).
 * NULL, or why it must be refused (488). */
const char *sf_audio_answer(struct sf_call *c, struct sdp_session *offer,
			    bool back, struct sdp_result *res, char *ans,
			    size_t size);
/* --return-audio: our re-INVITE back to audio after a T.38 fax. */
void sf_audio_ask(struct sf_call *c);
/* Its final answer: a new audio session for a 2xx, T.38 stays else. */
void sf_audio_asked_done(struct sf_call *c, unsigned code,
			 const struct sip_pl *sdp);
/* One tick of audio outside the fax (after it, or between two): the far
 * end's read, silence sent. */
void sf_audio_idle(struct sf_call *c);

/* ---- call.c ---- */
/* A free slot with sockets bound; NULL (event printed) if none. */
struct sf_call *sf_call_new(struct sf_app *app);
/* Closes and frees what the call holds; the slot is free again. */
void sf_call_free(struct sf_call *c);
/* Our initial offer (send); 0 or errno. */
int sf_call_offer(struct sf_call *c, enum sf_offer offer, char *buf,
		  size_t size);
/* Answers an INVITE's offer: 200 with T.38 or audio, else 488. */
void sf_call_answer_invite(struct sf_call *c, const struct sip_pl *sdp);
/* The answer to our INVITE; 0, or errno when nothing usable came. */
int sf_call_answered(struct sf_call *c, const struct sip_pl *sdp);
/* A re-INVITE or UPDATE offer in the dialog. */
void sf_call_reoffer_in(struct sf_call *c, const struct sip_pl *sdp);
/* The answer to our own re-INVITE: T.38, or back to audio. */
void sf_call_reoffer_done(struct sf_call *c, unsigned code,
			  const struct sip_pl *sdp);
/* Asks the far end for T.38 (re-INVITE), once. */
void sf_call_ask_t38(struct sf_call *c);
/* One 20 ms tick: audio or T.38 time, results, the end of the fax. */
void sf_call_tick(struct sf_call *c);
/* The call ended: reports a fax that had not finished. */
void sf_call_ended(struct sf_call *c);
