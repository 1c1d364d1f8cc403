/* Fax tone detection on the TDM audio, so call control can switch a call
 * to T.38 (T.38 clause 7 lists the signals a gateway acts on):
 *
 * - CNG, the calling machine's 1100 Hz in 0.5 s bursts (T.30 4.1):
 *   spandsp's modem_connect_tones detector, which checks the burst;
 * - CED/ANS, the answering 2100 Hz (V.25), with or without the 180
 *   degree phase reversals of a modem's ANS/: the same detector in its
 *   ANS_PR mode tells the two apart;
 * - the V.21 preamble: T.30 frames start with a second of HDLC flags at
 *   300 bit/s on V.21 channel 2 (1650/1850 Hz). An FSK demodulator feeds
 *   an HDLC receiver whose "framing OK" (several flags back to back) is
 *   the detection; this catches a fax answering without CED, and a
 *   machine that starts straight with DIS.
 *
 * Each kind is reported once, with the sample count at which it was
 * seen, until media_faxdet_reset(). */
#include <errno.h>
#include <stdlib.h>

#include <spandsp.h>

#include "media/fax.h"

#define FLAGS_NEEDED 5 /* back-to-back flags: about 130 ms of preamble */

/* Owned by the call that allocated it. */
struct media_faxdet {
	modem_connect_tones_rx_state_t *cng, *ans;
	fsk_rx_state_t *fsk;
	hdlc_rx_state_t *hdlc;
	uint64_t samples; /* fed so far */
	uint64_t block_at;
	bool seen[MEDIA_FAXTONE_COUNT];
	uint64_t at[MEDIA_FAXTONE_COUNT];
	enum media_faxtone fresh; /* first new hit of the current block */
};

static const char *const tone_names[] = {
	[MEDIA_FAXTONE_NONE] = "none",
	[MEDIA_FAXTONE_CNG] = "CNG",
	[MEDIA_FAXTONE_CED] = "CED",
	[MEDIA_FAXTONE_ANS_PR] = "ANS/PR",
	[MEDIA_FAXTONE_V21] = "V.21-preamble",
};

const char *media_faxtone_name(enum media_faxtone t)
{
	if ((unsigned)t >= MEDIA_FAXTONE_COUNT)
		return "?";
	return tone_names[t];
}

static void hit(struct media_faxdet *d, enum media_faxtone t)
{
	if (d->seen[t])
		return;
	d->seen[t] = true;
	d->at[t] = d->block_at;
	if (d->fresh == MEDIA_FAXTONE_NONE)
		d->fresh = t;
}

static void tone_cb(void *user, int code, int level, int delay)
{
	struct media_faxdet *d = user;

	(void)level;
	(void)delay;
	switch (code) {
	case MODEM_CONNECT_TONES_FAX_CNG:
		hit(d, MEDIA_FAXTONE_CNG);
		break;
	case MODEM_CONNECT_TONES_ANS:
		hit(d, MEDIA_FAXTONE_CED);
		break;
	case MODEM_CONNECT_TONES_ANS_PR:
	case MODEM_CONNECT_TONES_ANSAM_PR:
		hit(d, MEDIA_FAXTONE_ANS_PR);
		break;
	default:
		break;
	}
}

static void hdlc_cb(void *user, const uint8_t *pkt, int len, int ok)
{
	struct media_faxdet *d = user;

	(void)ok;
	/* a status report, not a frame: flags enough to call it framing */
	if (!pkt && len == SIG_STATUS_FRAMING_OK)
		hit(d, MEDIA_FAXTONE_V21);
	else if (pkt && len > 0 && ok)
		hit(d, MEDIA_FAXTONE_V21); /* a whole frame: surely V.21 */
}

int media_faxdet_alloc(struct media_faxdet **out)
{
	struct media_faxdet *d;

	if (!out)
		return EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return ENOMEM;
	d->cng = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_FAX_CNG,
					     tone_cb, d);
	d->ans = modem_connect_tones_rx_init(NULL, MODEM_CONNECT_TONES_ANS_PR,
					     tone_cb, d);
	d->hdlc = hdlc_rx_init(NULL, 0, 0, FLAGS_NEEDED, hdlc_cb, d);
	if (d->hdlc)
		d->fsk = fsk_rx_init(NULL, &preset_fsk_specs[FSK_V21CH2],
				     FSK_FRAME_MODE_SYNC,
				     (put_bit_func_t)hdlc_rx_put_bit, d->hdlc);
	if (!d->cng || !d->ans || !d->hdlc || !d->fsk) {
		media_faxdet_free(d);
		return ENOMEM;
	}
	*out = d;
	return 0;
}

void media_faxdet_free(struct media_faxdet *d)
{
	if (!d)
		return;
	if (d->cng)
		modem_connect_tones_rx_free(d->cng);
	if (d->ans)
		modem_connect_tones_rx_free(d->ans);
	if (d->fsk)
		fsk_rx_free(d->fsk);
	if (d->hdlc)
		hdlc_rx_free(d->hdlc);
	free(d);
}

enum media_faxtone media_faxdet_feed(struct media_faxdet *d, const int16_t *pcm,
				     size_t n)
{
	if (!d || !pcm || !n || n > (size_t)MEDIA_RATE)
		return MEDIA_FAXTONE_NONE;
	d->fresh = MEDIA_FAXTONE_NONE;
	d->block_at = d->samples;
	modem_connect_tones_rx(d->cng, pcm, (int)n);
	modem_connect_tones_rx(d->ans, pcm, (int)n);
	fsk_rx(d->fsk, pcm, (int)n);
	d->samples += n;
	return d->fresh;
}

bool media_faxdet_seen(const struct media_faxdet *d, enum media_faxtone t,
		       uint64_t *at)
{
	if (!d || t <= MEDIA_FAXTONE_NONE || t >= MEDIA_FAXTONE_COUNT ||
	    !d->seen[t])
		return false;
	if (at)
		*at = d->at[t];
	return true;
}

void media_faxdet_reset(struct media_faxdet *d)
{
	unsigned i;

	if (!d)
		return;
	for (i = 0; i < MEDIA_FAXTONE_COUNT; i++) {
		d->seen[i] = false;
		d->at[i] = 0;
	}
	modem_connect_tones_rx_init(d->cng, MODEM_CONNECT_TONES_FAX_CNG,
				    tone_cb, d);
	modem_connect_tones_rx_init(d->ans, MODEM_CONNECT_TONES_ANS_PR, tone_cb,
				    d);
	hdlc_rx_restart(d->hdlc);
	fsk_rx_restart(d->fsk, &preset_fsk_specs[FSK_V21CH2],
		       FSK_FRAME_MODE_SYNC);
}
