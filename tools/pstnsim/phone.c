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

static void rec_open(struct sim_call *sc)
{
	struct sim *S = sim_get();
	char path[512];
	uint8_t h[WAV_HDR];

	if (!S->opt.record)
		return;
	if (strstr(S->opt.record, "%u")) {
		/* the option text is the format: only %u is documented */
		const char *p = strstr(S->opt.record, "%u");

		snprintf(path, sizeof(path), "%.*s%u%s",
			 (int)(p - S->opt.record), S->opt.record, sc->num,
			 p + 2);
	} else {
		snprintf(path, sizeof(path), "%s", S->opt.record);
	}
	sc->rec = fopen(path, "wb");
	if (!sc->rec) {
		fprintf(stderr, "pstnsim: record %s: %s\n", path,
			strerror(errno));
		return;
	}
	sc->rec_wav = is_wav(path);
	if (sc->rec_wav) {
		wav_header(h, 0);
		fwrite(h, 1, sizeof(h), sc->rec);
	}
}

static void rec_close(struct sim_call *sc)
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

int sim_play_load(const char *spec)
{
	struct sim *S = sim_get();
	uint8_t *buf = NULL, *data;
	size_t len = 0, dlen, i, cap = 0;
	unsigned long hz;
	char *end;
	FILE *f;

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
	f = fopen(spec, "rb");
	if (!f) {
		fprintf(stderr, "pstnsim: --play %s: %s\n", spec,
			strerror(errno));
		return 2;
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
	if (is_wav(spec)) {
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
		fprintf(stderr, "pstnsim: --play %s: no audio\n", spec);
		free(buf);
		return 2;
	}
	S->opt.play_len = dlen / 2;
	S->opt.play_pcm = malloc(S->opt.play_len * sizeof(int16_t));
	if (!S->opt.play_pcm) {
		free(buf);
		return 2;
	}
	for (i = 0; i < S->opt.play_len; i++)
		S->opt.play_pcm[i] =
			(int16_t)(data[2 * i] | (uint16_t)data[2 * i + 1] << 8);
	free(buf);
	return 0;
badwav:
	fprintf(stderr,
		"pstnsim: --play %s: not a 16-bit 8 kHz mono PCM WAV file\n",
		spec);
	free(buf);
	return 2;
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
	media_tonegen_init(&sc->tone, S->opt.play_tone, PLAY_LEVEL_DBM0);
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
		gw_timer_stop(S->loop, sc->answer_timer);
	if (sc->hangup_timer)
		gw_timer_stop(S->loop, sc->hangup_timer);
	rec_close(sc);
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

static void call_hangup(struct sim_call *sc, int cause)
{
	if (tdm_call_state(sc->call) == TDM_CALL_RELEASING)
		return;
	sim_out("event=hangup " CALL_FMT " cause=%d", CALL_ARGS(sc), cause);
	tdm_call_hangup(sc->call, cause);
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

	sc->connected = true;
	sim_out("event=connect " CALL_FMT, CALL_ARGS(sc));
	sim_inject_arm(sc->ss);
	rec_open(sc);
	if (S->opt.hangup_after_ms)
		sc->hangup_timer = gw_timer_start(
			S->loop, S->opt.hangup_after_ms, hangup_due, sc);
}

static void answer_due(void *arg)
{
	struct sim_call *sc = arg;

	sc->answer_timer = NULL;
	if (tdm_call_answer(sc->call) == 0)
		call_connected(sc);
}

void sim_call_incoming(struct sim_span *ss, struct tdm_call *call,
		       const struct tdm_event *ev)
{
	struct sim *S = sim_get();
	struct sim_call *sc;

	sc = ss ? sim_call_new(ss) : NULL;
	if (!sc) {
		tdm_call_hangup(call, 47); /* resource unavailable */
		return;
	}
	sim_call_bind(sc, call, TDM_DIR_IN);
	sim_out("event=setup " CALL_FMT " dir=in called=%s calling=%s "
		"name=\"%s\"",
		CALL_ARGS(sc), ev->called ? ev->called : "",
		ev->calling ? ev->calling : "",
		ev->calling_name ? ev->calling_name : "");
	if (S->stopping) {
		call_hangup(sc, 16);
		return;
	}
	if (S->opt.reject_cause) {
		call_hangup(sc, S->opt.reject_cause);
		return;
	}
	tdm_call_proceeding(call);
	tdm_call_alerting(call, false);
	sim_out("event=alerting " CALL_FMT " dir=in", CALL_ARGS(sc));
	if (S->opt.no_answer)
		return;
	if (!S->opt.answer_delay_ms) {
		answer_due(sc);
		return;
	}
	sc->answer_timer =
		gw_timer_start(S->loop, S->opt.answer_delay_ms, answer_due, sc);
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
		break;
	case TDM_EV_ALERTING:
		sim_out("event=alerting " CALL_FMT " dir=out inband=%d",
			CALL_ARGS(sc), ev->inband);
		break;
	case TDM_EV_CONNECT:
		call_connected(sc);
		break;
	case TDM_EV_INFO:
		sim_out("event=digits " CALL_FMT " digits=%s", CALL_ARGS(sc),
			ev->digits ? ev->digits : "");
		break;
	case TDM_EV_DISCONNECT:
		sim_out("event=disconnect " CALL_FMT " cause=%d", CALL_ARGS(sc),
			ev->cause);
		break;
	case TDM_EV_RELEASED:
		call_released(sc, ev->cause);
		break;
	default:
		break;
	}
}

void sim_call_audio(void *arg, struct tdm_span *span, struct tdm_call *call,
		    const uint8_t *rx, uint8_t *tx, size_t n)
{
	struct sim *S = sim_get();
	struct sim_call *sc = tdm_call_user(call);
	int16_t pcm[TDM_SAMPLES_PER_BLOCK];
	size_t i;

	if (!sc || !sc->connected || n > TDM_SAMPLES_PER_BLOCK)
		return; /* tx stays silence */
	media_law_to_linear(law_of(sc), rx, pcm, n);
	media_freqmeter_feed(&sc->fm, pcm, n);
	rec_write(sc, pcm, n);

	if (S->opt.play_tone) {
		media_tonegen_run(&sc->tone, pcm, n);
	} else if (S->opt.play_pcm) {
		for (i = 0; i < n; i++) {
			pcm[i] = S->opt.play_pcm[sc->play_pos++];
			if (sc->play_pos >= S->opt.play_len)
				sc->play_pos = 0;
		}
	} else {
		return;
	}
	media_linear_to_law(law_of(sc), pcm, tx, n);
}
