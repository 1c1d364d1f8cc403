#pragma once
/*
 * Per-call signal work of pstnsim's phones with spandsp: DTMF sending
 * (dtmf_tx), DTMF detection (dtmf_rx) and single-tone detection
 * (spandsp's Goertzel). Events come back through a callback so the
 * caller decides how to print them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_dsp;

enum sim_dsp_ev { SIM_DSP_TONE_ON, SIM_DSP_TONE_OFF, SIM_DSP_DTMF };

/* digit: the DTMF digit, for SIM_DSP_DTMF; freq for the tone ones. */
typedef void(sim_dsp_fn)(void *arg, enum sim_dsp_ev ev, unsigned freq,
			 char digit);

struct sim_dsp *sim_dsp_alloc(sim_dsp_fn *fn, void *arg);
void sim_dsp_free(struct sim_dsp *d);

/* Queues in-band DTMF digits; 0, or ENOSPC when too many are queued. */
int sim_dsp_send_digits(struct sim_dsp *d, const char *digits);
/* Starts DTMF detection / detection of a tone of freq Hz (one at a time);
 * 0 or ENOMEM. */
int sim_dsp_detect_dtmf(struct sim_dsp *d);
int sim_dsp_detect_tone(struct sim_dsp *d, unsigned freq);

/* Feeds n received samples to the detectors. */
void sim_dsp_rx(struct sim_dsp *d, const int16_t *rx, size_t n);
/* While digits are queued, writes n samples of them into tx and returns
 * true; false when there is nothing to send. */
bool sim_dsp_tx(struct sim_dsp *d, int16_t *tx, size_t n);
