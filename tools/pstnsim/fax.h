#pragma once
/*
 * pstnsim's fax machine: spandsp's T.30 over audio (fax_state_t) on one
 * call's B-channel. It runs on the samples it is given, block by block:
 * the channel's 20 ms blocks pace it, so it keeps the loop driver's time
 * (real or virtual) and never reads a clock of its own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_fax;

struct sim_fax_cfg {
	bool send;	   /* send file, else receive into it */
	const char *file;  /* TIFF/F */
	bool ecm;	   /* offer error correction mode */
	bool calling;	   /* the calling side sends CNG, the called CED */
	const char *ident; /* TSI/CSI, may be NULL */
	bool verbose;	   /* spandsp's T.30 log on stderr */
};

struct sim_fax_result {
	bool send;
	int code;	   /* T.30 completion code, 0: success */
	const char *text;  /* spandsp's text for code */
	int pages;	   /* sent or received */
	int pages_in_file; /* send: pages of the file, -1 unknown */
	int bit_rate;
	bool ecm;
};

/* Checks the file (send: a TIFF with pages; receive: creatable) and
 * sets up the machine. NULL with a message in err. */
struct sim_fax *sim_fax_alloc(const struct sim_fax_cfg *cfg, char *err,
			      size_t errlen);
/* One block: n received samples in rx (clobbered), n to send into tx. */
void sim_fax_audio(struct sim_fax *f, int16_t *rx, int16_t *tx, size_t n);
/* True once the session ended (phase E); fills *r. */
bool sim_fax_done(const struct sim_fax *f, struct sim_fax_result *r);
/* Ends a session still running (the call went away): its result then
 * reads as call dropped. */
void sim_fax_stop(struct sim_fax *f);
void sim_fax_free(struct sim_fax *f);
