/*
 * pstnsim's simulated phones: one per call. They answer or refuse
 * incoming calls, hang up on schedule, play a tone or a file once
 * connected, record what they hear and report its dominant frequency.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gateway/loop.h"
#include "tools/pstnsim/pstnsim.h"

#define PLAY_LEVEL_DBM0 (-13)
#define WAV_HDR 44

static enum media_law law_of(const struct sim_call *sc)
{
	return tdm_span_law(sc->ss->span) == TDM_LAW_ALAW ? MEDIA_LAW_ALAW
							  : MEDIA_LAW_ULAW;
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put_le32(uint8_t *p, uint32_t v)
{
	put_le16(p, (uint16_t)v);
	put_le16(p + 2, (uint16_t)(v >> 16));
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool is_wav(const char *path)
{
	size_t n = strlen(path);

	return n > 4 && !strcasecmp(path + n - 4, ".wav");
}

static void wav_header(uint8_t *h, uint32_t data_bytes)
{
	memcpy(h, "RIFF", 4);
	put_le32(h + 4, 36 + data_bytes);
	memcpy(h + 8, "WAVEfmt ", 8);
	put_le32(h + 16, 16);
	put_le16(h + 20, 1); /* PCM */
	put_le16(h + 22, 1); /* mono */
	put_le32(h + 24, MEDIA_RATE);
	put_le32(h + 28, MEDIA_RATE * 2);
	put_le16(h + 32, 2);
	put_le16(h + 34, 16);
	memcpy(h + 36, "data", 4);
	put_le32(h + 40, data_bytes);
}

int sim_rec_open(struct sim_call *sc, const char *spec, char *err,
		 size_t errlen)
{
	const char *p = strstr(spec, "%u");
	char path[512];
	uint8_t h[WAV_HDR];

	sim_rec_close(sc);
	if (p) /* only %u is documented: the call number */
		snprintf(path, sizeof(path), "%.*s%u%s", (int)(p - spec), spec,
			 sc->num, p + 2);
	else
		snprintf(path, sizeof(path), "%s", spec);
	sc->rec = fopen(path, "wb");
	if (!sc->rec) {
		snprintf(err, errlen, "record %s: %s", path, strerror(errno));
		return -1;
	}
	sc->rec_bytes = 0;
	sc->rec_wav = is_wav(path);
	if (sc->rec_wav) {
		wav_header(h, 0);
		fwrite(h, 1, sizeof(h), sc->rec);
	}
	return 0;
}

void sim_rec_close(struct sim_call *sc)
{
	uint8_t h[WAV_HDR];

	if (!sc->rec)
		return;
	if (sc->rec_wav && !fseek(sc->rec, 0, SEEK_SET)) {
		wav_header(h, sc->rec_bytes);
		fwrite(h, 1, sizeof(h), sc->rec);
	}
	fclose(sc->rec);
	sc->rec = NULL;
}

static void rec_write(struct sim_call *sc, const int16_t *pcm, size_t n)
{
	uint8_t b[2 * TDM_SAMPLES_PER_BLOCK];
	size_t i;

	if (!sc->rec || n > TDM_SAMPLES_PER_BLOCK)
		return;
	for (i = 0; i < n; i++)
		put_le16(b + 2 * i, (uint16_t)pcm[i]);
	if (fwrite(b, 2, n, sc->rec) == n)
		sc->rec_bytes += (uint32_t)(2 * n);
}

int sim_pcm_load(const char *path, int16_t **pcm, size_t *plen, char *err,
		 size_t errlen)
{
	uint8_t *buf = NULL, *data;
	size_t len = 0, dlen, i, cap = 0;
	int16_t *out;
	FILE *f;

	f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t n;

		if (len == cap) {
			uint8_t *nb = realloc(buf, cap ? cap * 2 : 65536);

			if (!nb)
				break;
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		n = fread(buf + len, 1, cap - len, f);
		if (!n)
			break;
		len += n;
	}
	fclose(f);
	data = buf;
	dlen = len;
	if (is_wav(path)) {
		/* walk the RIFF chunks: 16-bit PCM, mono, 8 kHz only */
		size_t off = 12;
		bool fmt_ok = false;

		dlen = 0;
		if (len < 12 || memcmp(buf, "RIFF", 4) ||
		    memcmp(buf + 8, "WAVE", 4))
			goto badwav;
		while (off + 8 <= len) {
			uint32_t csz = get_le32(buf + off + 4);

			if (csz > len - off - 8)
				csz = (uint32_t)(len - off - 8);
			if (!memcmp(buf + off, "fmt ", 4) && csz >= 16)
				fmt_ok = buf[off + 8] == 1 &&
					 buf[off + 9] == 0 &&
					 buf[off + 10] == 1 &&
					 get_le32(buf + off + 12) ==
						 MEDIA_RATE &&
					 buf[off + 22] == 16;
			if (!memcmp(buf + off, "data", 4)) {
				data = buf + off + 8;
				dlen = csz;
				break;
			}
			off += 8 + csz + (csz & 1);
		}
		if (!fmt_ok || !dlen)
			goto badwav;
	}
	if (dlen < 2) {
		snprintf(err, errlen, "%s: no audio", path);
		free(buf);
		return -1;
	}
	out = malloc(dlen / 2 * sizeof(int16_t));
	if (!out) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(buf);
		return -1;
	}
	for (i = 0; i < dlen / 2; i++)
		out[i] =
			(int16_t)(data[2 * i] | (uint16_t)data[2 * i + 1] << 8);
	free(buf);
	*pcm = out;
	*plen = dlen / 2;
	return 0;
badwav:
	snprintf(err, errlen, "%s: not a 16-bit 8 kHz mono PCM WAV file", path);
	free(buf);
	return -1;
}

int sim_play_load(const char *spec)
{
	struct sim *S = sim_get();
	unsigned long hz;
	char *end, err[600];

	if (!strncmp(spec, "tone:", 5)) {
		hz = strtoul(spec + 5, &end, 10);
		if (end == spec + 5 || *end || hz < 1 || hz > 3999) {
			fprintf(stderr,
				"pstnsim: --play tone:FREQ needs 1..3999 "
				"Hz, got '%s'\n",
				spec);
			return 2;
		}
		S->opt.play_tone = (unsigned)hz;
		return 0;
	}
	if (sim_pcm_load(spec, &S->opt.play_pcm, &S->opt.play_len, err,
			 sizeof(err))) {
		fprintf(stderr, "pstnsim: --play %s\n", err);
		return 2;
	}
	return 0;
}

void sim_play_free(void)
{
	struct sim *S = sim_get();

	free(S->opt.play_pcm);
	S->opt.play_pcm = NULL;
}

struct sim_call *sim_call_new(struct sim_span *ss)
{
	struct sim *S = sim_get();
	struct sim_call *sc = calloc(1, sizeof(*sc));

	if (!sc)
		return NULL;
	sc->ss = ss;
	sc->num = ++S->next_num;
	/* the command line's --play is every call's default */
	sc->play_tone = S->opt.play_tone;
	sc->play_pcm = S->opt.play_pcm;
	sc->play_len = S->opt.play_len;
	media_tonegen_init(&sc->tone, sc->play_tone, PLAY_LEVEL_DBM0);
	media_freqmeter_init(&sc->fm);
	sc->next = S->calls;
	S->calls = sc;
	S->ncalls++;
	return sc;
}

void sim_call_bind(struct sim_call *sc, struct tdm_call *call,
		   enum tdm_call_dir dir)
{
	sc->call = call;
	sc->dir = dir;
	tdm_call_set_user(call, sc);
}

void sim_call_free(struct sim_call *sc)
{
	struct sim *S = sim_get();
	struct sim_call **pp;

	for (pp = &S->calls; *pp; pp = &(*pp)->next) {
		if (*pp == sc) {
			*pp = sc->next;
			S->ncalls--;
			break;
		}
	}
	if (sc->answer_timer)
		sim_timer_stop(sc->answer_timer);
	if (sc->hangup_timer)
		sim_timer_stop(sc->hangup_timer);
	sim_call_media_end(sc);
	sim_rec_close(sc);
	free(sc->play_own);
	free(sc);
}

void sim_calls_free_all(void)
{
	struct sim *S = sim_get();

	while (S->calls)
		sim_call_free(S->calls);
}

#define CALL_FMT "span=%u chan=%d call=%u"
#define CALL_ARGS(sc) (sc)->ss->cfg.id, tdm_call_chan((sc)->call), (sc)->num

int sim_call_hangup(struct sim_call *sc, int cause, char *err, size_t errlen)
{
	int rc;

	if (tdm_call_state(sc->call) == TDM_CALL_RELEASING) {
		snprintf(err, errlen, "call %u is already clearing", sc->num);
		return -1;
	}
	sim_out("event=hangup " CALL_FMT " cause=%d", CALL_ARGS(sc), cause);
	rc = tdm_call_hangup(sc->call, cause);
	if (rc) {
		snprintf(err, errlen, "call %u: hangup: %s", sc->num,
			 strerror(rc));
		return -1;
	}
	return 0;
}

static void call_hangup(struct sim_call *sc, int cause)
{
	char err[128];

	if (tdm_call_state(sc->call) != TDM_CALL_RELEASING)
		sim_call_hangup(sc, cause, err, sizeof(err));
}

static void hangup_due(void *arg)
{
	struct sim_call *sc = arg;

	sc->hangup_timer = NULL;
	call_hangup(sc, sim_get()->opt.cause);
}

static void call_connected(struct sim_call *sc)
{
	struct sim *S = sim_get();
	char err[600];

	sc->connected = true;
	sim_out("event=connect " CALL_FMT, CALL_ARGS(sc));
	sim_inject_arm(sc->ss);
	if (S->opt.record && sim_rec_open(sc, S->opt.record, err, sizeof(err)))
		fprintf(stderr, "pstnsim: %s\n", err);
	if ((S->opt.send_fax || S->opt.receive_fax) &&
	    sim_call_fax(sc, S->opt.send_fax != NULL,
			 S->opt.send_fax ? S->opt.send_fax : S->opt.receive_fax,
			 S->opt.fax_ecm, err, sizeof(err))) {
		fprintf(stderr, "pstnsim: %s\n", err);
		call_hangup(sc, 16);
		return;
	}
	if (S->opt.hangup_after_ms)
		sc->hangup_timer =
			sim_timer_start(S->opt.hangup_after_ms, hangup_due, sc);
}

int sim_call_answer(struct sim_call *sc, char *err, size_t errlen)
{
	int rc;

	if (sc->dir != TDM_DIR_IN || sc->connected) {
		snprintf(err, errlen, "call %u is not an incoming call ringing",
			 sc->num);
		return -1;
	}
	if (sc->answer_timer) {
		sim_timer_stop(sc->answer_timer);
		sc->answer_timer = NULL;
	}
	rc = tdm_call_answer(sc->call);
	if (rc) {
		snprintf(err, errlen, "call %u: answer: %s", sc->num,
			 strerror(rc));
		return -1;
	}
	call_connected(sc);
	return 0;
}

int sim_call_progress(struct sim_call *sc, char *err, size_t errlen)
{
	int rc;

	if (sc->dir != TDM_DIR_IN || sc->connected) {
		snprintf(err, errlen, "call %u is not an incoming call ringing",
			 sc->num);
		return -1;
	}
	rc = tdm_call_progress(sc->call);
	if (rc) {
		snprintf(err, errlen, "call %u: progress: %s", sc->num,
			 strerror(rc));
		return -1;
	}
	sim_out("event=progress " CALL_FMT " dir=in inband=1", CALL_ARGS(sc));
	return 0;
}

static void answer_due(void *arg)
{
	struct sim_call *sc = arg;

	sc->answer_timer = NULL;
	if (tdm_call_answer(sc->call) == 0)
		call_connected(sc);
}

/* The rest of an incoming SETUP's information, for the setup line:
 * numbering of both numbers, presentation and screening, redirecting,
 * keypad, whether the number was complete. */
static void setup_info(const struct tdm_call_info *ci, char *buf, size_t len)
{
	int n;

	buf[0] = 0;
	if (!ci)
		return;
	n = snprintf(
		buf, len,
		" calling_ton=%s calling_npi=%s calling_pres=%s "
		"calling_screen=%s called_ton=%s called_npi=%s complete=%d",
		tdm_ton_name(ci->calling.ton), tdm_npi_name(ci->calling.npi),
		tdm_pres_name(ci->calling.pres),
		tdm_screen_name(ci->calling.screen),
		tdm_ton_name(ci->called.ton), tdm_npi_name(ci->called.npi),
		ci->complete ? 1 : 0);
	if (n > 0 && (size_t)n < len && ci->redirecting.digits[0])
		n += snprintf(buf + n, len - (size_t)n,
			      " redirecting=%s reason=%s",
			      ci->redirecting.digits,
			      tdm_redir_name(ci->redirect_reason));
	if (n > 0 && (size_t)n < len && ci->keypad[0])
		snprintf(buf + n, len - (size_t)n, " keypad=%s", ci->keypad);
}

void sim_call_incoming(struct sim_span *ss, struct tdm_call *call,
		       const struct tdm_event *ev)
{
	struct sim *S = sim_get();
	struct sim_call *sc;
	char info[400];

	sc = ss ? sim_call_new(ss) : NULL;
	if (!sc) {
		tdm_call_hangup(call, 47); /* resource unavailable */
		return;
	}
	sim_call_bind(sc, call, TDM_DIR_IN);
	setup_info(ev->info, info, sizeof(info));
	sim_out("event=setup " CALL_FMT " dir=in called=%s calling=%s "
		"name=\"%s\"%s",
		CALL_ARGS(sc), ev->called ? ev->called : "",
		ev->calling ? ev->calling : "",
		ev->calling_name ? ev->calling_name : "", info);
	if (S->stopping) {
		call_hangup(sc, 16);
		return;
	}
	if (S->opt.reject_cause) {
		call_hangup(sc, S->opt.reject_cause);
		return;
	}
	if (S->opt.silent == 1)
		return;
	tdm_call_proceeding(call);
	if (S->opt.silent == 2)
		return;
	tdm_call_alerting(call, S->opt.alert_inband);
	sim_out("event=alerting " CALL_FMT " dir=in%s", CALL_ARGS(sc),
		S->opt.alert_inband ? " inband=1" : "");
	if (S->opt.no_answer)
		return;
	if (!S->opt.answer_delay_ms) {
		answer_due(sc);
		return;
	}
	sc->answer_timer =
		sim_timer_start(S->opt.answer_delay_ms, answer_due, sc);
}

static void call_released(struct sim_call *sc, int cause)
{
	double level = 0;
	unsigned hz = media_freqmeter_result(&sc->fm, &level);

	sim_out("event=released " CALL_FMT " cause=%d", CALL_ARGS(sc), cause);
	sim_out("event=heard call=%u freq=%u level=%.1f", sc->num, hz,
		hz ? level : -99.0);
	sim_call_free(sc);
	sim_call_done();
}

void sim_call_event(struct tdm_call *call, const struct tdm_event *ev)
{
	struct sim_call *sc = tdm_call_user(call);

	if (!sc)
		return;
	switch (ev->type) {
	case TDM_EV_PROCEEDING:
		sim_out("event=proceeding " CALL_FMT, CALL_ARGS(sc));
		break;
	case TDM_EV_PROGRESS:
		sim_out("event=progress " CALL_FMT " inband=%d", CALL_ARGS(sc),
			ev->inband);
		sc->early |= ev->inband;
		break;
	case TDM_EV_ALERTING:
		sim_out("event=alerting " CALL_FMT " dir=out inband=%d",
			CALL_ARGS(sc), ev->inband);
		sc->early |= ev->inband;
		break;
	case TDM_EV_CONNECT:
		call_connected(sc);
		break;
	case TDM_EV_INFO:
		sim_out("event=digits " CALL_FMT " digits=%s complete=%d",
			CALL_ARGS(sc), ev->digits ? ev->digits : "",
			ev->complete ? 1 : 0);
		break;
	case TDM_EV_SETUP_ACK:
		sim_out("event=setup_ack " CALL_FMT, CALL_ARGS(sc));
		break;
	case TDM_EV_DISCONNECT:
		sim_out("event=disconnect " CALL_FMT " cause=%d", CALL_ARGS(sc),
			ev->cause);
		break;
	case TDM_EV_RELEASED:
		/* a fax cut short reports before the call is gone */
		sim_call_media_end(sc);
		call_released(sc, ev->cause);
		break;
	default:
		break;
	}
}

void sim_call_audio(void *arg, struct tdm_span *span, struct tdm_call *call,
		    const uint8_t *rx, uint8_t *tx, size_t n)
{
	struct sim_call *sc = tdm_call_user(call);
	int16_t pcm[TDM_SAMPLES_PER_BLOCK], out[TDM_SAMPLES_PER_BLOCK];
	size_t i;

	if (sc && !sc->connected && sc->early && n <= TDM_SAMPLES_PER_BLOCK) {
		/* the far end's in-band tones before answer: heard, not
		 * answered (tx stays silence) */
		media_law_to_linear(law_of(sc), rx, pcm, n);
		media_freqmeter_feed(&sc->fm, pcm, n);
		rec_write(sc, pcm, n);
		return;
	}
	if (!sc || !sc->connected || n > TDM_SAMPLES_PER_BLOCK)
		return; /* tx stays silence */
	media_law_to_linear(law_of(sc), rx, pcm, n);
	media_freqmeter_feed(&sc->fm, pcm, n);
	rec_write(sc, pcm, n);

	if (sim_call_media(sc, pcm, out, n)) {
		/* a fax or DTMF owns the line */
	} else if (sc->play_tone) {
		media_tonegen_run(&sc->tone, out, n);
	} else if (sc->play_pcm) {
		for (i = 0; i < n; i++) {
			out[i] = sc->play_pcm[sc->play_pos++];
			if (sc->play_pos >= sc->play_len)
				sc->play_pos = 0;
		}
	} else {
		return;
	}
	media_linear_to_law(law_of(sc), out, tx, n);
}
