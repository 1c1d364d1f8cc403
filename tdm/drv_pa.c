/*
 * PortAudio driver: a sound device as a span of one voice channel, the
 * operator's console (a headset on the gateway). There is no D-channel:
 * the "far end" is the person at the console, so the driver brings its own
 * signalling (struct tdm_sig) instead of libpri:
 *
 *   a call placed on the span    rings the console; it is answered with
 *                                the "answer" command, or by itself after
 *                                auto_answer_ms;
 *   "dial NUMBER"                offers a call from the console (SETUP
 *                                event), routed by the gateway like any
 *                                other PSTN call;
 *   "hangup"                     clears the console's call (cause 16);
 *   "digits 123"                 keypad digits (INFO event).
 *
 * Commands arrive one a line on a FIFO (console_fifo in the span's config)
 * and, for tests, through tdm_console_command().
 *
 * Audio is paced by the gateway's clock (a 20 ms timer with absolute
 * deadlines), never by the sound device: ALSA's null device, and some real
 * ones, keep no time. Each tick moves at most one 160-sample block each
 * way and never blocks: when the device has no block to give, the channel
 * hears silence; when it cannot take one, the block is dropped. Both are
 * counted (rx_bad). The block to play is written when the span's answer
 * is complete: at once, or with asynchronous audio when the media
 * workers have played the block just read (pa_audio_send).
 */
#include <errno.h>
#include <fcntl.h>
#include <portaudio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "tdm/tdm_int.h"

#define PA_BLOCK TDM_SAMPLES_PER_BLOCK
#define PA_RATE 8000
#define PA_CMD_MAX 128
/* Clock more than this late: skip ahead instead of bursting blocks. */
#define PA_MAX_LAG_MS 200

struct pa_priv {
	struct tdm_span *span;
	PaStream *stream;
	void *clock;
	uint64_t next_tick;
	void *answer_timer;
	void *release_timer;
	void *ring_timer;
	int fifo; /* command FIFO, -1 if none */
	char cmd[PA_CMD_MAX];
	size_t cmdlen;
	struct tdm_call *call; /* the console has one call at most */
	int16_t lin[PA_BLOCK];
	uint8_t rx[PA_BLOCK], tx[PA_BLOCK];
};

static unsigned pa_users; /* Pa_Initialize is process-wide */

/* ---- G.711 (ITU-T G.711 tables 1a/2a, computed) ------------------------ */

static uint8_t pa_lin2ulaw(int16_t s)
{
	int v = s, sign = 0, exp = 7;

	if (v < 0) {
		v = -v;
		sign = 0x80;
	}
	if (v > 32635)
		v = 32635;
	v += 0x84; /* bias */
	while (exp > 0 && !(v & (0x4000 >> (7 - exp))))
		exp--;
	return (uint8_t) ~(sign | exp << 4 | ((v >> (exp + 3)) & 0x0f));
}

static int16_t pa_ulaw2lin(uint8_t u)
{
	int v;

	u = (uint8_t)~u;
	v = (((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 7);
	return (int16_t)((u & 0x80) ? 0x84 - v : v - 0x84);
}

static uint8_t pa_lin2alaw(int16_t s)
{
	int v = s >> 3, sign = 0x80, exp, mant;

	if (v < 0) {
		v = -v - 1;
		sign = 0;
	}
	if (v > 0xfff)
		v = 0xfff;
	for (exp = 0; exp < 7 && v >= (0x20 << exp); exp++)
		;
	mant = exp ? (v >> exp) & 0x0f : (v >> 1) & 0x0f;
	return (uint8_t)((sign | exp << 4 | mant) ^ 0x55);
}

static int16_t pa_alaw2lin(uint8_t a)
{
	int exp, mant, v;

	a ^= 0x55;
	exp = (a >> 4) & 7;
	mant = a & 0x0f;
	v = exp ? ((mant << 1) | 0x21) << (exp - 1) : (mant << 1) | 1;
	v <<= 3;
	return (int16_t)((a & 0x80) ? v : -v);
}

uint8_t tdm_pa_lin2law(enum tdm_law law, int16_t s)
{
	return law == TDM_LAW_ULAW ? pa_lin2ulaw(s) : pa_lin2alaw(s);
}

int16_t tdm_pa_law2lin(enum tdm_law law, uint8_t b)
{
	return law == TDM_LAW_ULAW ? pa_ulaw2lin(b) : pa_alaw2lin(b);
}

/* ---- audio ---------------------------------------------------------------- */

static struct pa_priv *pa_of(const struct tdm_span *span)
{
	return span->drv == &tdm_drv_pa ? span->drv_priv : NULL;
}

/* Writes the span's tx block to the device: at once, or when tdm/audio.c
 * has the answers (at most TDM_AUDIO_WAIT_MS after the read). The
 * device's own output buffer (its stream latency, tens of ms) is the
 * slack that absorbs the wait: nothing to prime. */
static void pa_audio_send(struct tdm_span *span)
{
	struct pa_priv *d = pa_of(span);
	long avail;

	if (!d || !d->stream)
		return;
	for (int i = 0; i < PA_BLOCK; i++)
		d->lin[i] = tdm_pa_law2lin(span->law, d->tx[i]);
	avail = Pa_GetStreamWriteAvailable(d->stream);
	if (avail >= PA_BLOCK &&
	    Pa_WriteStream(d->stream, d->lin, PA_BLOCK) == paNoError)
		span->stats.tx_blocks++;
	else
		span->stats.rx_bad++; /* the device is behind: drop */
}

static void pa_block(struct pa_priv *d)
{
	struct tdm_span *span = d->span;
	uint8_t idle = tdm_law_silence(span->law);
	long avail = Pa_GetStreamReadAvailable(d->stream);

	if (avail >= PA_BLOCK &&
	    Pa_ReadStream(d->stream, d->lin, PA_BLOCK) == paNoError) {
		for (int i = 0; i < PA_BLOCK; i++)
			d->rx[i] = tdm_pa_lin2law(span->law, d->lin[i]);
	} else {
		/* nothing captured in time: the caller hears silence */
		memset(d->rx, idle, sizeof(d->rx));
		span->stats.rx_bad++;
	}
	span->stats.rx_blocks++;
	if (tdm_span_audio(span, d->rx, d->tx) && !span->dying)
		pa_audio_send(span);
}

static void pa_tick(void *arg)
{
	struct pa_priv *d = arg;
	struct tdm_span *span = d->span;
	uint64_t now = span->hooks.now(span->hooks.arg);

	d->clock = NULL;
	if (now > d->next_tick + PA_MAX_LAG_MS)
		d->next_tick = now; /* stalled: do not burst to catch up */
	d->next_tick += TDM_BLOCK_MS;
	tdm_span_enter(span);
	pa_block(d);
	if (tdm_span_leave(span))
		return;
	d->clock = span->hooks.timer_start(
		span->hooks.arg, d->next_tick > now ? d->next_tick - now : 0,
		pa_tick, d);
}

/* ---- console signalling ------------------------------------------------ */

static void pa_emit(struct tdm_call *c, enum tdm_event_type type,
		    enum tdm_call_state st)
{
	struct tdm_event ev = { .type = type,
				.chan = c->chan ? c->chan->ts : 0 };

	c->state = st;
	tdm_span_emit(c->span, c, &ev);
}

static void pa_stop_timer(struct pa_priv *d, void **t)
{
	if (*t)
		d->span->hooks.timer_stop(d->span->hooks.arg, *t);
	*t = NULL;
}

static void pa_answer_now(void *arg)
{
	struct pa_priv *d = arg;
	struct tdm_span *span = d->span;

	d->answer_timer = NULL;
	if (!d->call || d->call->dir != TDM_DIR_OUT || d->call->hungup ||
	    d->call->state == TDM_CALL_CONNECTED)
		return;
	tdm_log(span, LOG_NOTICE, "console: answered");
	tdm_span_enter(span);
	pa_emit(d->call, TDM_EV_CONNECT, TDM_CALL_CONNECTED);
	tdm_span_leave(span);
}

/* Released from a timer: never inside the caller's tdm_call_hangup(). */
static void pa_release(void *arg)
{
	struct pa_priv *d = arg;
	struct tdm_span *span = d->span;
	struct tdm_call *c = d->call;

	d->release_timer = NULL;
	if (!c)
		return;
	d->call = NULL;
	tdm_span_enter(span);
	tdm_call_released(c, c->cause ? c->cause : 16);
	tdm_span_leave(span);
}

static int pa_sig_setup(struct tdm_call *c, const struct tdm_setup *s)
{
	struct pa_priv *d = pa_of(c->span);
	const struct tdm_call_info *info = s->info;

	if (!d || d->call)
		return EBUSY;
	if (info)
		c->info = *info;
	if (s->called && !c->info.called.digits[0])
		snprintf(c->info.called.digits, sizeof(c->info.called.digits),
			 "%s", s->called);
	if (s->calling && !c->info.calling.digits[0])
		snprintf(c->info.calling.digits, sizeof(c->info.calling.digits),
			 "%s", s->calling);
	d->call = c;
	tdm_log(c->span, LOG_NOTICE,
		"console: incoming call from '%s' to '%s': ringing%s",
		c->info.calling.digits, c->info.called.digits,
		c->span->cfg.auto_answer_ms > 0 ? " (auto-answer)"
						: " ('answer' to take it)");
	if (c->span->cfg.auto_answer_ms > 0)
		d->answer_timer = c->span->hooks.timer_start(
			c->span->hooks.arg,
			(uint64_t)c->span->cfg.auto_answer_ms, pa_answer_now,
			d);
	return 0;
}

/* The console rings at once: the gateway sees proceeding and alerting as
 * soon as its SETUP is taken, from a zero timer (after tdm_call_place
 * has returned the call). */
static void pa_ring(void *arg)
{
	struct pa_priv *d = arg;
	struct tdm_span *span = d->span;

	d->ring_timer = NULL;
	if (!d->call || d->call->hungup)
		return;
	tdm_span_enter(span);
	pa_emit(d->call, TDM_EV_PROCEEDING, TDM_CALL_PROCEEDING);
	if (!span->dying && d->call && !d->call->hungup)
		pa_emit(d->call, TDM_EV_ALERTING, TDM_CALL_ALERTING);
	tdm_span_leave(span);
}

static int pa_sig_setup_ring(struct tdm_call *c, const struct tdm_setup *s)
{
	struct pa_priv *d = pa_of(c->span);
	int err = pa_sig_setup(c, s);

	if (!err)
		d->ring_timer = c->span->hooks.timer_start(c->span->hooks.arg,
							   0, pa_ring, d);
	return err;
}

static void pa_sig_note(struct tdm_call *c, const char *what)
{
	tdm_log(c->span, LOG_NOTICE, "console: %s", what);
}

static void pa_sig_proceeding(struct tdm_call *c)
{
	pa_sig_note(c, "call proceeding");
}

static void pa_sig_alerting(struct tdm_call *c, bool inband)
{
	pa_sig_note(c, "ringing at the far end");
}

static void pa_sig_progress(struct tdm_call *c)
{
	pa_sig_note(c, "in-band progress");
}

static void pa_sig_answer(struct tdm_call *c)
{
	pa_sig_note(c, "far end answered");
}

static void pa_sig_hangup(struct tdm_call *c, int cause)
{
	struct pa_priv *d = pa_of(c->span);

	tdm_log(c->span, LOG_NOTICE, "console: call cleared, cause %d", cause);
	if (!d || d->call != c)
		return;
	pa_stop_timer(d, &d->answer_timer);
	pa_stop_timer(d, &d->ring_timer);
	pa_stop_timer(d, &d->release_timer);
	d->release_timer = c->span->hooks.timer_start(c->span->hooks.arg, 0,
						      pa_release, d);
}

static void pa_sig_digits(struct tdm_call *c, const char *digits)
{
	tdm_log(c->span, LOG_NOTICE, "console: far end sent digits '%s'",
		digits);
}

const struct tdm_sig tdm_sig_console = {
	.setup = pa_sig_setup_ring,
	.proceeding = pa_sig_proceeding,
	.alerting = pa_sig_alerting,
	.progress = pa_sig_progress,
	.answer = pa_sig_answer,
	.hangup = pa_sig_hangup,
	.digits = pa_sig_digits,
};

static int pa_dial(struct pa_priv *d, const char *number)
{
	struct tdm_span *span = d->span;
	struct tdm_event ev = { .type = TDM_EV_SETUP };
	struct tdm_call *c;

	if (d->call)
		return EBUSY;
	if (!number[0] || strlen(number) >= TDM_NUM_MAX ||
	    strspn(number, "0123456789*#+") != strlen(number))
		return EINVAL;
	c = tdm_call_new(span, TDM_DIR_IN, NULL);
	if (!c)
		return ENOMEM;
	c->chan = tdm_chan_take(span, 0, c);
	if (!c->chan) {
		free(c);
		return EBUSY;
	}
	/* length checked above */
	memcpy(c->info.called.digits, number, strlen(number) + 1);
	snprintf(c->info.calling.digits, sizeof(c->info.calling.digits), "%s",
		 span->cfg.console_number ? span->cfg.console_number : "");
	c->info.complete = true;
	c->state = TDM_CALL_OFFERED;
	tdm_call_link(c);
	span->stats.calls_in++;
	d->call = c;
	ev.chan = c->chan->ts;
	ev.called = c->info.called.digits;
	ev.calling = c->info.calling.digits;
	ev.info = &c->info;
	tdm_log(span, LOG_NOTICE, "console: dialling '%s'", number);
	tdm_span_emit(span, c, &ev);
	return 0;
}

int tdm_console_command(struct tdm_span *span, const char *line)
{
	struct pa_priv *d = span ? pa_of(span) : NULL;
	char verb[16] = "", arg[TDM_NUM_MAX + 1] = "";
	int err = 0;

	if (!d || !line)
		return ENOTSUP;
	if (sscanf(line, "%15s %32s", verb, arg) < 1)
		return EINVAL;
	tdm_span_enter(span);
	if (!strcmp(verb, "dial")) {
		err = pa_dial(d, arg);
	} else if (!strcmp(verb, "answer")) {
		if (d->call && d->call->dir == TDM_DIR_OUT && !d->call->hungup)
			pa_answer_now(d);
		else
			err = ENOENT;
	} else if (!strcmp(verb, "hangup")) {
		if (d->call && !d->call->hungup)
			tdm_call_disconnected(d->call, 16);
		else
			err = ENOENT;
	} else if (!strcmp(verb, "digits")) {
		struct tdm_event ev = { .type = TDM_EV_INFO, .digits = arg };

		if (!d->call ||
		    strspn(arg, "0123456789*#ABCD") != strlen(arg) || !arg[0])
			err = d->call ? EINVAL : ENOENT;
		else
			tdm_span_emit(span, d->call, &ev);
	} else {
		err = EINVAL;
	}
	if (err)
		tdm_log(span, LOG_WARNING, "console: '%s': %s", line,
			err == ENOENT	? "no call"
			: err == EBUSY	? "a call is up already"
			: err == EINVAL ? "bad command (dial N, answer, "
					  "hangup, digits D)"
					: strerror(err));
	tdm_span_leave(span);
	return err;
}

static void pa_fifo_readable(void *arg)
{
	struct pa_priv *d = arg;
	char buf[256];
	ssize_t n;

	while ((n = read(d->fifo, buf, sizeof(buf))) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				d->cmd[d->cmdlen] = 0;
				d->cmdlen = 0;
				if (d->cmd[0] &&
				    tdm_console_command(d->span, d->cmd) == 0 &&
				    d->span->dying)
					return;
			} else if (d->cmdlen + 1 < sizeof(d->cmd)) {
				d->cmd[d->cmdlen++] = buf[i];
			}
		}
	}
}

/* ---- driver ---------------------------------------------------------------- */

static void pa_close(struct tdm_span *span)
{
	struct pa_priv *d = pa_of(span);

	if (!d)
		return;
	pa_stop_timer(d, &d->clock);
	pa_stop_timer(d, &d->answer_timer);
	pa_stop_timer(d, &d->release_timer);
	pa_stop_timer(d, &d->ring_timer);
	if (d->fifo >= 0) {
		span->hooks.fd_unwatch(span->hooks.arg, d->fifo);
		close(d->fifo);
	}
	if (d->stream) {
		Pa_AbortStream(d->stream);
		Pa_CloseStream(d->stream);
	}
	if (pa_users && --pa_users == 0)
		Pa_Terminate();
	free(d);
	span->drv_priv = NULL;
}

static PaDeviceIndex pa_find_device(struct tdm_span *span, const char *name)
{
	int n = Pa_GetDeviceCount();

	if (!name || !name[0] || !strcmp(name, "default"))
		return Pa_GetDefaultInputDevice();
	for (int i = 0; i < n; i++) {
		const PaDeviceInfo *di = Pa_GetDeviceInfo(i);

		if (di && di->name && strstr(di->name, name) &&
		    di->maxInputChannels > 0 && di->maxOutputChannels > 0)
			return i;
	}
	return paNoDevice;
}

static int pa_open_stream(struct pa_priv *d)
{
	struct tdm_span *span = d->span;
	PaDeviceIndex dev = pa_find_device(span, span->cfg.pa_device);
	PaStreamParameters in, out;
	PaError e;

	if (dev == paNoDevice) {
		tdm_log(span, LOG_ERR,
			"portaudio: no sound device%s%s (%d devices found)",
			span->cfg.pa_device ? " matching " : "",
			span->cfg.pa_device ? span->cfg.pa_device : "",
			Pa_GetDeviceCount());
		return ENODEV;
	}
	memset(&in, 0, sizeof(in));
	in.device = dev;
	in.channelCount = 1;
	in.sampleFormat = paInt16;
	in.suggestedLatency = Pa_GetDeviceInfo(dev)->defaultLowInputLatency;
	out = in;
	out.suggestedLatency = Pa_GetDeviceInfo(dev)->defaultLowOutputLatency;
	/* the output device of a duplex pair: same name if there is one */
	if (!span->cfg.pa_device && Pa_GetDefaultOutputDevice() != paNoDevice)
		out.device = Pa_GetDefaultOutputDevice();
	e = Pa_OpenStream(&d->stream, &in, &out, PA_RATE, PA_BLOCK, paClipOff,
			  NULL, NULL);
	if (e == paNoError)
		e = Pa_StartStream(d->stream);
	if (e != paNoError) {
		tdm_log(span, LOG_ERR, "portaudio: %s: %s",
			Pa_GetDeviceInfo(dev)->name, Pa_GetErrorText(e));
		return EIO;
	}
	tdm_log(span, LOG_INFO, "portaudio: console on '%s', 8000 Hz mono",
		Pa_GetDeviceInfo(dev)->name);
	return 0;
}

static int pa_open_fifo(struct pa_priv *d)
{
	struct tdm_span *span = d->span;
	const char *path = span->cfg.console_fifo;
	struct stat st;

	if (!path || !path[0])
		return 0;
	if (mkfifo(path, 0600) < 0 && errno != EEXIST) {
		tdm_log(span, LOG_ERR, "console: %s: %s", path,
			strerror(errno));
		return errno;
	}
	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode)) {
		tdm_log(span, LOG_ERR, "console: %s exists and is no FIFO",
			path);
		return EINVAL;
	}
	/* read-write, so the FIFO never reports end of file between
	 * writers */
	d->fifo = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (d->fifo < 0) {
		tdm_log(span, LOG_ERR, "console: %s: %s", path,
			strerror(errno));
		return errno;
	}
	return span->hooks.fd_watch(span->hooks.arg, d->fifo, pa_fifo_readable,
				    d);
}

static int pa_open(struct tdm_span *span)
{
	struct pa_priv *d = calloc(1, sizeof(*d));
	PaError e;
	int err;

	if (!d)
		return ENOMEM;
	d->span = span;
	d->fifo = -1;
	span->drv_priv = d;
	if (pa_users++ == 0 && (e = Pa_Initialize()) != paNoError) {
		pa_users = 0;
		tdm_log(span, LOG_ERR, "portaudio: %s", Pa_GetErrorText(e));
		free(d);
		span->drv_priv = NULL;
		return EIO;
	}
	err = pa_open_stream(d);
	if (!err)
		err = pa_open_fifo(d);
	if (err) {
		pa_close(span);
		return err;
	}
	d->next_tick = span->hooks.now(span->hooks.arg) + TDM_BLOCK_MS;
	d->clock = span->hooks.timer_start(span->hooks.arg, TDM_BLOCK_MS,
					   pa_tick, d);
	tdm_span_enter(span);
	tdm_span_l1(span, true);
	tdm_span_leave(span);
	return 0;
}

static void pa_send_frame(struct tdm_span *span, const uint8_t *buf, size_t len)
{
	/* no D-channel on a console */
}

static bool pa_connected(const struct tdm_span *span)
{
	const struct pa_priv *d = pa_of(span);

	return d && d->stream;
}

const struct tdm_drv tdm_drv_pa = {
	.name = "portaudio",
	.open = pa_open,
	.close = pa_close,
	.send_frame = pa_send_frame,
	.connected = pa_connected,
	.sig = &tdm_sig_console,
	.nchans = 1,
	.audio_send = pa_audio_send,
};
