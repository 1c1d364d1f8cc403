#pragma once
/*
 * sipfax's command line and its report formats: pure functions, so the
 * unit tests cover them without sockets.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "tools/sipfax/term.h"

/* Exit codes (README "sipfax"). */
enum sf_exit {
	SF_EXIT_OK = 0,		/* every fax succeeded (send: every page) */
	SF_EXIT_FAX_FAILED = 1, /* a fax failed: T.30 code in the result */
	SF_EXIT_USAGE = 2,	/* bad options, file, address or port */
	SF_EXIT_TIMEOUT = 3,	/* --timeout passed first */
	SF_EXIT_CALL_FAILED = 4 /* the call was refused or never answered */
};

enum sf_offer {
	SF_OFFER_AUDIO, /* G.711 only; T.38 when the far end re-INVITEs */
	SF_OFFER_T38,	/* T.38 only; audio again after 488/415/606 */
	SF_OFFER_BOTH,	/* audio and T.38 streams; the answer picks */
};

enum sf_return {
	SF_RETURN_NONE,	 /* the far end's re-INVITE, if any */
	SF_RETURN_SAME,	 /* our audio as before */
	SF_RETURN_PLAIN, /* RTP/AVP, no crypto line */
};

#define SF_DEFAULT_SEND_LISTEN "127.0.0.1:0"
#define SF_DEFAULT_RECV_LISTEN "127.0.0.1:5060"

struct sf_opts {
	bool send; /* "send", else "recv" */
	/* send */
	const char *file;
	const char *uri;
	enum sf_offer offer;
	const char *from;
	/* recv */
	const char *spool;
	unsigned count; /* 0: run until signalled or --timeout */
	/* faxes awaited on one call before the BYE wait (0: 1); each after
	 * the first is received when the call comes back to T.38 */
	unsigned faxes_per_call;
	unsigned bye_wait_ms; /* recv: our BYE after the last fax (0: 5000) */
	/* both */
	char listen_ip[64];
	unsigned listen_port;
	const char *media_ip; /* NULL: listen_ip */
	unsigned media_port;  /* first RTP/UDPTL port */
	bool refuse_t38;
	bool refuse_audio; /* 488 to a re-INVITE back to audio from T.38 */
	bool local_tcf;	   /* offer T38FaxRateManagement localTCF */
	bool t38_reinvite;
	bool ecm;
	unsigned redundancy;
	bool fec;
	unsigned max_datagram;
	unsigned version;
	const char *ident;
	unsigned timeout_s; /* 0: none */
	bool law_alaw;	    /* PCMA rather than PCMU */
	/* SDES SRTP on audio (RFC 4568): RTP/SAVP with one crypto line of
	 * this suite (enum media_srtp_suite), a fresh key per audio
	 * session; -1: plain RTP */
	int srtp_suite;
	/* the answer to an audio re-offer after a T.38 fax carries a crypto
	 * tag the offer does not have (a broken peer, RFC 4568 7.1.3) */
	bool bad_return_crypto;
	/* after a T.38 fax we re-INVITE back to audio ourselves: as our
	 * audio (SRTP with --srtp) or, plain, RTP/AVP without crypto (a
	 * peer that drops SRTP on the way back) */
	enum sf_return return_audio;
	bool verbose;
};

/* Fills o from argv (argv[1] is the command). 0; or EINVAL with the
 * reason in err; or EAGAIN when --help was asked (usage on stdout). */
int sf_opts_parse(struct sf_opts *o, int argc, char **argv, char *err,
		  size_t errlen);
void sf_usage(void *file);

/* DIR/<UTC time>-<Call-ID>.tif with every character of the Call-ID
 * outside [A-Za-z0-9._-] replaced by '_'. 0 or ENAMETOOLONG. */
int sf_spool_name(const char *dir, time_t t, const char *callid, char *buf,
		  size_t size);
/* The spool file of a call's fax n (n >= 2): first with "-n" before its
 * ".tif" (or at its end). 0 or ENAMETOOLONG. */
int sf_spool_next(const char *first, unsigned n, char *buf, size_t size);

/* The machine-readable result line (key=value, one line, no newline):
 * "result=ok dir=recv mode=t38 file=... pages=..." and so on. */
int sf_result_line(char *buf, size_t size, bool send, const char *file,
		   const char *callid, const struct sf_term_result *r);
