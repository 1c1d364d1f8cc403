#pragma once
/* sipua's keypad: digits to send (in-band tones, which the media session
 * turns into RFC 4733 when it negotiated telephone-event, or SIP INFO),
 * and an in-band detector on what the phone hears. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "media/media.h"

#define UA_DTMF_NONE (-1)

struct ua_dtmf {
	int mode;	    /* enum media_dtmf_mode, or UA_DTMF_NONE */
	const char *digits; /* to send, NULL: none */
	unsigned next;	    /* index of the next digit */
	unsigned blocks;    /* 20 ms blocks since talking began */
	struct media_dtmf_gen gen;
	struct media_dtmf_det *det; /* NULL in rfc4733 mode */
};

/* 0 or ENOMEM. */
int ua_dtmf_init(struct ua_dtmf *d, int mode, const char *digits);
void ua_dtmf_free(struct ua_dtmf *d);
/* One 20 ms block going out: adds the tones of in-band digits (modes
 * rfc4733 and inband). Returns a digit due as SIP INFO (mode info), or 0. */
char ua_dtmf_tx(struct ua_dtmf *d, int16_t *pcm, size_t n);
/* One block heard: digits detected in-band (begin only) into out, at most
 * max; returns how many. */
unsigned ua_dtmf_rx(struct ua_dtmf *d, const int16_t *pcm, size_t n, char *out,
		    unsigned max);
