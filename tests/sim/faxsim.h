#pragma once
/*
 * The deterministic fax simulation: one process, one virtual clock
 * (20 ms TDM blocks), seeded impairments.
 *
 * T.38: a PSTN fax machine (spandsp fax_state on audio, the span's law
 * applied) <-> the gateway's T.38 leg (media_t38leg, configured from an
 * SDP offer/answer made with sip/'s sdp_t38_*) <-> a simulated IP network
 * (seeded loss, jitter that reorders) <-> a fax server (spandsp
 * t38_terminal framed by our media_udptl).
 *
 * G.711 pass-through: fax machine <-> media_sess (fax mode: fixed jitter
 * buffer, no echo canceller) <-> the same network <-> media_sess <-> a fax
 * terminal on audio.
 *
 * Used by tests/sim/t_fax_sim.c (make sim) and the fax benchmarks.
 */
#include <stdbool.h>
#include <stdint.h>

#include "media/fax.h"

struct faxsim_opts {
	uint64_t seed;
	bool g711;	 /* pass-through instead of T.38 */
	bool pstn_sends; /* else the fax server sends */
	bool ecm;
	unsigned modems; /* MEDIA_T38_* bits; 0: all (V.17) */
	enum media_law law;
	unsigned pages, rows; /* document; 0s: 1 page, 300 rows */
	double loss;	      /* per datagram, 0..1, both ways */
	unsigned jitter_ms;   /* uniform extra delay 0..jitter (reorders) */
	unsigned version;     /* T38FaxVersion we offer; 0: 3 ... */
	bool version0;	      /* ... unless this: offer version 0 */
	int ec;		      /* -1: default (redundancy); enum sdp_t38_ec */
	unsigned depth_image; /* redundancy after image IFPs, both ends;
			       * 0: the leg's default (2) */
	unsigned limit_s;     /* line-time bound; 0: 300 */
	bool verbose;	      /* keep the gateway's trace in the result */
	/* The fax server offers T.38 with localTCF (the gateway answers)
	 * and runs its T.38 terminal behind media's t38tcf shim. */
	bool local_tcf;
	/* T.38 only, may be NULL: what the gateway leg is given, in order
	 * (a TDM block from the PSTN, a datagram from the IP side), so a
	 * benchmark can replay the same input. */
	void (*rec_tdm)(void *arg, const uint8_t *law, size_t n);
	void (*rec_dgram)(void *arg, const uint8_t *pkt, size_t len);
	void *rec_arg;
};

struct faxsim_result {
	bool ok;		/* both machines code 0 and every page equal */
	int code_pstn, code_ip; /* T.30 completion codes (-1: none) */
	unsigned pages_sent, pages_equal;
	double line_s; /* simulated seconds */
	struct media_t38leg_stats leg;
	struct media_udptl_stats server; /* the fax server's UDPTL */
	uint64_t dgrams_sent, dgrams_lost;
	/* localTCF: the server's shim, and TCF data IFPs that crossed IP
	 * either way (an observer looks for fast-modem data between a DCS
	 * and the next V.21 signal: 0 when both ends do local TCF) */
	struct media_t38tcf_stats server_tcf;
	uint64_t tcf_ifps_crossed;
	char why[160];	  /* what failed, for the report */
	char trace[8192]; /* the gateway's phase trace, when verbose */
};

/* 0, or a positive errno when the simulation could not be set up. */
int faxsim_run(const struct faxsim_opts *o, struct faxsim_result *r);
