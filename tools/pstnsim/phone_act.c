/*
 * What a scenario (or the command socket) does to one of pstnsim's
 * phones beyond answering and hanging up: DTMF, tones and files, tone
 * detection, and the fax machine. Results found on the audio path are
 * printed from there; anything that acts on the call waits for a timer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/loop.h"
#include "tools/pstnsim/dsp.h"
#include "tools/pstnsim/fax.h"
#include "tools/pstnsim/pstnsim.h"

#define PLAY_LEVEL_DBM0 (-13)
#define FAX_HANGUP_MS 2000 /* on hook after DCN, once the far end is done too */

struct sim_call *sim_call_find(unsigned num)
{
	struct sim_call *sc;

	for (sc = sim_get()->calls; sc; sc = sc->next)
		if (!num || sc->num == num)
			return sc;
	return NULL;
}

struct sim_call *sim_call_find_ringing(void)
{
	struct sim_call *sc, *found = NULL;

	/* newest first in the list: the last match is the oldest */
	for (sc = sim_get()->calls; sc; sc = sc->next)
		if (sc->dir == TDM_DIR_IN && !sc->connected &&
		    tdm_call_state(sc->call) != TDM_CALL_RELEASING)
			found = sc;
	return found;
}

static void dsp_event(void *arg, enum sim_dsp_ev ev, unsigned freq, char digit)
{
	struct sim_call *sc = arg;

	switch (ev) {
	case SIM_DSP_TONE_ON:
		sim_out("event=tone call=%u freq=%u", sc->num, freq);
		break;
	case SIM_DSP_TONE_OFF:
		sim_out("event=tone_end call=%u freq=%u", sc->num, freq);
		break;
	case SIM_DSP_DTMF:
		sim_out("event=dtmf call=%u digit=%c", sc->num, digit);
		break;
	}
}

static int need_dsp(struct sim_call *sc, char *err, size_t errlen)
{
	if (!sc->dsp)
		sc->dsp = sim_dsp_alloc(dsp_event, sc);
	if (!sc->dsp) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int sim_call_digits(struct sim_call *sc, const char *digits, char *err,
		    size_t errlen)
{
	int rc;

	if (need_dsp(sc, err, errlen))
		return -1;
	rc = sim_dsp_send_digits(sc->dsp, digits);
	if (rc) {
		snprintf(err, errlen, "call %u: digits: %s", sc->num,
			 strerror(rc));
		return -1;
	}
	return 0;
}

int sim_call_play(struct sim_call *sc, const struct sim_action *a, char *err,
		  size_t errlen)
{
	int16_t *pcm = NULL;
	size_t len = 0;

	if (!a->stop && !a->freq &&
	    sim_pcm_load(a->arg, &pcm, &len, err, errlen))
		return -1;
	free(sc->play_own);
	sc->play_own = pcm;
	sc->play_pcm = pcm;
	sc->play_len = len;
	sc->play_pos = 0;
	sc->play_tone = a->freq;
	media_tonegen_init(&sc->tone, sc->play_tone, PLAY_LEVEL_DBM0);
	return 0;
}

int sim_call_record(struct sim_call *sc, const struct sim_action *a, char *err,
		    size_t errlen)
{
	if (a->stop) {
		sim_rec_close(sc);
		return 0;
	}
	return sim_rec_open(sc, a->arg, err, errlen);
}

int sim_call_detect(struct sim_call *sc, const struct sim_action *a, char *err,
		    size_t errlen)
{
	int rc;

	if (need_dsp(sc, err, errlen))
		return -1;
	rc = a->dtmf ? sim_dsp_detect_dtmf(sc->dsp)
		     : sim_dsp_detect_tone(sc->dsp, a->freq);
	if (rc) {
		snprintf(err, errlen, "call %u: detect: %s", sc->num,
			 strerror(rc));
		return -1;
	}
	return 0;
}

static void fax_report(struct sim_call *sc)
{
	struct sim_fax_result r;

	if (!sc->fax || sc->fax_reported || !sim_fax_done(sc->fax, &r))
		return;
	sc->fax_reported = true;
	sim_out("event=fax call=%u dir=%s result=%d text=\"%s\" pages=%d "
		"pages_in_file=%d bitrate=%d ecm=%d",
		sc->num, r.send ? "send" : "receive", r.code, r.text, r.pages,
		r.pages_in_file, r.bit_rate, r.ecm ? 1 : 0);
}

static void fax_hangup_due(void *arg)
{
	struct sim_call *sc = arg;
	char err[128];

	sc->hangup_timer = NULL;
	if (tdm_call_state(sc->call) != TDM_CALL_RELEASING)
		sim_call_hangup(sc, 16, err, sizeof(err));
}

/* Off the audio path: print the result, then go on hook. */
static void fax_result_due(void *arg)
{
	struct sim_call *sc = arg;

	sc->fax_timer = NULL;
	fax_report(sc);
	sim_fax_free(sc->fax);
	sc->fax = NULL;
	if (sc->hangup_timer)
		sim_timer_stop(sc->hangup_timer);
	sc->hangup_timer = sim_timer_start(
		sim_get()->opt.fax_hangup_ms ? sim_get()->opt.fax_hangup_ms
					     : FAX_HANGUP_MS,
		fax_hangup_due, sc);
	sc->fax_hangup = true;
}

int sim_call_fax(struct sim_call *sc, bool send, const char *file, bool ecm,
		 char *err, size_t errlen)
{
	struct sim *S = sim_get();
	char ident[32];
	char path[512];
	const char *p = strstr(file, "%u");
	struct sim_fax_cfg cfg = {
		.send = send,
		.ecm = ecm,
		.calling = sc->dir == TDM_DIR_OUT,
		.ident = ident,
		.verbose = S->opt.verbose > 1,
	};

	if (sc->fax) {
		snprintf(err, errlen, "call %u already runs a fax", sc->num);
		return -1;
	}
	if (p) /* as for recordings: %u is the call number */
		snprintf(path, sizeof(path), "%.*s%u%s", (int)(p - file), file,
			 sc->num, p + 2);
	else
		snprintf(path, sizeof(path), "%s", file);
	cfg.file = path;
	snprintf(ident, sizeof(ident), "pstnsim %u", sc->num);
	sc->fax = sim_fax_alloc(&cfg, err, errlen);
	if (!sc->fax)
		return -1;
	sc->fax_reported = false;
	if (sc->fax_hangup && sc->hangup_timer) {
		/* a second fax on the call: the last one's on-hook is off */
		sim_timer_stop(sc->hangup_timer);
		sc->hangup_timer = NULL;
	}
	sc->fax_hangup = false;
	sim_out("event=fax_start call=%u dir=%s ecm=%d", sc->num,
		send ? "send" : "receive", ecm ? 1 : 0);
	return 0;
}

bool sim_call_media(struct sim_call *sc, int16_t *rx, int16_t *tx, size_t n)
{
	struct sim_fax_result r;

	if (sc->dsp)
		sim_dsp_rx(sc->dsp, rx, n);
	if (sc->fax) {
		sim_fax_audio(sc->fax, rx, tx, n);
		if (!sc->fax_timer && sim_fax_done(sc->fax, &r))
			sc->fax_timer = sim_timer_start(0, fax_result_due, sc);
		return true;
	}
	return sc->dsp && sim_dsp_tx(sc->dsp, tx, n);
}

void sim_call_media_end(struct sim_call *sc)
{
	if (sc->fax_timer) {
		sim_timer_stop(sc->fax_timer);
		sc->fax_timer = NULL;
	}
	if (sc->fax) {
		sim_fax_stop(sc->fax);
		fax_report(sc);
		sim_fax_free(sc->fax);
		sc->fax = NULL;
	}
	sim_dsp_free(sc->dsp);
	sc->dsp = NULL;
}
