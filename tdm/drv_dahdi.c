/*
 * DAHDI driver: a span on a telephony card (T1/E1) through the DAHDI
 * kernel drivers. Each B-channel and the D-channel is a file of its own,
 * /dev/dahdi/channel bound to a DAHDI channel number with DAHDI_SPECIFY.
 * dahdi_cfg (system.conf) has already given the span its framing and
 * coding and the D-channel its HDLC mode: we check them, never set them.
 *
 * D-channel. In HDLC-with-FCS mode the kernel writes the frame check
 * sequence into the last two bytes of every write, and every read returns
 * the frame with its two (already checked) FCS bytes: exactly libpri's
 * convention of len + 2, so frames pass through unchanged. A frame that
 * failed the check never reaches us; DAHDI_EVENT_BADFCS says so.
 *
 * Audio. The card is the clock: each B-channel delivers a 160-byte block
 * every 20 ms (DAHDI_SET_BLOCKSIZE). The first B-channel's file is
 * watched; when it has a block, every B-channel is read once, as one span
 * block for tdm_span_audio(), and written once when the span's answer is
 * complete: at once, or (asynchronous audio, tdm/audio.c) when the media
 * workers have played this very block, at most TDM_AUDIO_WAIT_MS later.
 * A channel with nothing to read contributes silence and is counted
 * (rx_bad), never waited for.
 *
 * The deferred write needs no primed queue. With the immediate transmit
 * policy the kernel plays a block as soon as it is written and idles
 * (sends silence) while its queue is empty, losing nothing: a write later
 * than the last one's delay after its read inserts that difference as
 * silence once, and from then on the queue holds that much slack. The
 * delay so settles at the largest wait seen (at most TDM_AUDIO_WAIT_MS
 * plus the loop's wake-up), one short silence per new maximum, instead
 * of the 20 ms of answering one block ahead. Q.24 receivers bridge
 * interruptions under 10 ms, so a digit is not cut.
 *
 * Events. read() and write() fail with ELAST while an event waits on the
 * file; DAHDI_GETEVENT takes it. Alarms come as DAHDI_EVENT_ALARM and
 * NOALARM on the D-channel; which alarms (red, yellow, blue) is read with
 * DAHDI_SPANSTAT.
 */
#include <dahdi/user.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <syslog.h>
#include <unistd.h>

#include "tdm/drv_dahdi.h"
#include "tdm/tdm_int.h"

#define DAHDI_BLOCK TDM_SAMPLES_PER_BLOCK
/* D-channel buffers: a Q.921 frame is at most 260 bytes plus FCS. */
#define DAHDI_DBUF_SIZE 1024
#define DAHDI_DBUF_COUNT 16
/* Audio buffers: a few blocks of slack against scheduling delays. */
#define DAHDI_BBUF_COUNT 4
/* Reads per wake-up, so a storm on one file cannot starve the loop. */
#define DAHDI_RX_BURST 32
#define DAHDI_EVENT_BURST 16

struct dahdi_priv {
	struct tdm_span *span;
	int base;   /* DAHDI channel number of timeslot 1 */
	int spanno; /* DAHDI's own span number, for DAHDI_SPANSTAT */
	int dfd;    /* D-channel, -1 when closed */
	int bfd[TDM_MAX_BCHANS];
	bool dwatch, bwatch;
	bool l1; /* what we last told the span */
	uint8_t rx[TDM_MAX_BCHANS * DAHDI_BLOCK];
	uint8_t tx[TDM_MAX_BCHANS * DAHDI_BLOCK];
	uint8_t frame[DAHDI_DBUF_SIZE];
};

static int sys_open(const char *path, int flags)
{
	return open(path, flags);
}

static int sys_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

static const struct tdm_dahdi_ops sys_ops = {
	.open = sys_open,
	.close = close,
	.ioctl = sys_ioctl,
	.read = read,
	.write = write,
};

static const struct tdm_dahdi_ops *ops = &sys_ops;

void tdm_dahdi_set_ops(const struct tdm_dahdi_ops *o)
{
	ops = o ? o : &sys_ops;
}

static struct dahdi_priv *dahdi_of(const struct tdm_span *span)
{
	return span->drv == &tdm_drv_dahdi ? span->drv_priv : NULL;
}

/* The D-channel's timeslot: 24 on T1, 16 on E1. */
static int dahdi_dchan_ts(const struct tdm_span *span)
{
	return span->type == TDM_SPAN_T1 ? 24 : 16;
}

/* Opens one channel file bound to DAHDI channel channo. -1 and errno. */
static int dahdi_open_chan(struct dahdi_priv *d, int channo)
{
	int fd = ops->open(TDM_DAHDI_DEV, O_RDWR | O_NONBLOCK);
	int err;

	if (fd < 0) {
		err = errno;
		tdm_log(d->span, LOG_ERR,
			"dahdi: cannot open " TDM_DAHDI_DEV
			" for channel %d: %s%s",
			channo, strerror(err),
			err == ENOENT ? " (are the DAHDI modules loaded and "
					"dahdi_cfg run?)"
				      : "");
		errno = err;
		return -1;
	}
	if (ops->ioctl(fd, DAHDI_SPECIFY, &channo) < 0) {
		err = errno;
		tdm_log(d->span, LOG_ERR,
			"dahdi: channel %d: DAHDI_SPECIFY: %s (is it "
			"configured in system.conf?)",
			channo, strerror(err));
		ops->close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static int dahdi_bufinfo(int fd, int size, int count)
{
	struct dahdi_bufferinfo bi;

	memset(&bi, 0, sizeof(bi));
	bi.txbufpolicy = DAHDI_POLICY_IMMEDIATE;
	bi.rxbufpolicy = DAHDI_POLICY_IMMEDIATE;
	bi.bufsize = size;
	bi.numbufs = count;
	return ops->ioctl(fd, DAHDI_SET_BUFINFO, &bi);
}

/* Checks what dahdi_cfg made of the D-channel; records the span number. */
static int dahdi_check_dchan(struct dahdi_priv *d, int channo)
{
	struct dahdi_params p;

	memset(&p, 0, sizeof(p));
	p.channo = channo;
	if (ops->ioctl(d->dfd, DAHDI_GET_PARAMS, &p) < 0) {
		tdm_log(d->span, LOG_ERR,
			"dahdi: channel %d: DAHDI_GET_PARAMS: %s", channo,
			strerror(errno));
		return EIO;
	}
	if (p.sigtype != DAHDI_SIG_HDLCFCS && p.sigtype != DAHDI_SIG_HARDHDLC) {
		tdm_log(d->span, LOG_ERR,
			"dahdi: channel %d is not a D-channel (signalling "
			"0x%x); system.conf needs dchan=%d or hardhdlc=%d",
			channo, (unsigned)p.sigtype, channo, channo);
		return EINVAL;
	}
	d->spanno = p.spanno;
	if (dahdi_bufinfo(d->dfd, DAHDI_DBUF_SIZE, DAHDI_DBUF_COUNT) < 0) {
		tdm_log(d->span, LOG_ERR,
			"dahdi: channel %d: DAHDI_SET_BUFINFO: %s", channo,
			strerror(errno));
		return EIO;
	}
	return 0;
}

/* A B-channel in 20 ms blocks of the span's law. */
static int dahdi_setup_bchan(struct dahdi_priv *d, int fd, int channo)
{
	struct dahdi_params p;
	int bs = DAHDI_BLOCK, audio = 1;
	int law =
		d->span->law == TDM_LAW_ULAW ? DAHDI_LAW_MULAW : DAHDI_LAW_ALAW;

	memset(&p, 0, sizeof(p));
	p.channo = channo;
	if (ops->ioctl(fd, DAHDI_GET_PARAMS, &p) < 0 ||
	    ops->ioctl(fd, DAHDI_SET_BLOCKSIZE, &bs) < 0 ||
	    dahdi_bufinfo(fd, DAHDI_BLOCK, DAHDI_BBUF_COUNT) < 0 ||
	    ops->ioctl(fd, DAHDI_AUDIOMODE, &audio) < 0) {
		tdm_log(d->span, LOG_ERR, "dahdi: channel %d: setup: %s",
			channo, strerror(errno));
		return EIO;
	}
	if (p.sigtype != DAHDI_SIG_CLEAR) {
		tdm_log(d->span, LOG_ERR,
			"dahdi: channel %d is not a B-channel (signalling "
			"0x%x); system.conf needs bchan=%d",
			channo, (unsigned)p.sigtype, channo);
		return EINVAL;
	}
	/* The span's law is the config's; a card set otherwise would turn
	 * every sample into noise, so say it and convert in the kernel. */
	if (p.curlaw != law) {
		tdm_log(d->span, LOG_WARNING,
			"dahdi: channel %d uses %s, the span is %s: "
			"switching the channel",
			channo, p.curlaw == DAHDI_LAW_ALAW ? "A-law" : "mu-law",
			tdm_law_name(d->span->law));
		if (ops->ioctl(fd, DAHDI_SETLAW, &law) < 0) {
			tdm_log(d->span, LOG_ERR,
				"dahdi: channel %d: DAHDI_SETLAW: %s", channo,
				strerror(errno));
			return EIO;
		}
	}
	return 0;
}

static unsigned dahdi_alarm_mask(int dahdi_alarms)
{
	unsigned m = 0;

	if (dahdi_alarms & (DAHDI_ALARM_RED | DAHDI_ALARM_LOS |
			    DAHDI_ALARM_LFA | DAHDI_ALARM_LMFA))
		m |= TDM_ALARM_RED;
	if (dahdi_alarms & DAHDI_ALARM_YELLOW)
		m |= TDM_ALARM_YELLOW;
	if (dahdi_alarms & DAHDI_ALARM_BLUE)
		m |= TDM_ALARM_BLUE;
	return m;
}

/* Tells the span what layer 1 is now. Red and blue take the line away;
 * yellow (the far end lost us) leaves it usable. */
static void dahdi_refresh_alarms(struct dahdi_priv *d)
{
	struct dahdi_spaninfo si;
	unsigned m;
	bool up;

	memset(&si, 0, sizeof(si));
	si.spanno = d->spanno;
	if (ops->ioctl(d->dfd, DAHDI_SPANSTAT, &si) < 0) {
		tdm_log(d->span, LOG_ERR, "dahdi: span %d: DAHDI_SPANSTAT: %s",
			d->spanno, strerror(errno));
		m = TDM_ALARM_RED; /* cannot tell: assume the worst */
	} else {
		m = dahdi_alarm_mask(si.alarms);
	}
	tdm_span_alarm(d->span, m);
	up = !(m & (TDM_ALARM_RED | TDM_ALARM_BLUE));
	if (up != d->l1) {
		d->l1 = up;
		tdm_span_l1(d->span, up);
	}
}

static void dahdi_event(struct dahdi_priv *d, int fd, int chan_ts)
{
	int ev;

	if (ops->ioctl(fd, DAHDI_GETEVENT, &ev) < 0) {
		tdm_log(d->span, LOG_ERR, "dahdi: DAHDI_GETEVENT: %s",
			strerror(errno));
		return;
	}
	switch (ev) {
	case DAHDI_EVENT_NONE:
		break;
	case DAHDI_EVENT_ALARM:
	case DAHDI_EVENT_NOALARM:
		dahdi_refresh_alarms(d);
		break;
	case DAHDI_EVENT_BADFCS:
		d->span->stats.rx_fcs_errors++;
		tdm_log(d->span, LOG_DEBUG,
			"dahdi: D-channel frame with a bad FCS");
		break;
	case DAHDI_EVENT_ABORT:
	case DAHDI_EVENT_OVERRUN:
	case DAHDI_EVENT_READ_OVERRUN:
	case DAHDI_EVENT_WRITE_UNDERRUN:
		d->span->stats.rx_bad++;
		tdm_log(d->span, LOG_INFO, "dahdi: timeslot %d: %s", chan_ts,
			ev == DAHDI_EVENT_ABORT		   ? "HDLC abort"
			: ev == DAHDI_EVENT_WRITE_UNDERRUN ? "write underrun"
							   : "overrun");
		break;
	case DAHDI_EVENT_REMOVED:
		tdm_log(d->span, LOG_ERR, "dahdi: the card was removed");
		if (d->l1) {
			d->l1 = false;
			tdm_span_l1(d->span, false);
		}
		break;
	default:
		tdm_log(d->span, LOG_DEBUG, "dahdi: timeslot %d: event %d",
			chan_ts, ev);
		break;
	}
}

static void dahdi_dchan_readable(void *arg)
{
	struct dahdi_priv *d = arg;
	struct tdm_span *span = d->span;
	int dts = dahdi_dchan_ts(span);

	tdm_span_enter(span);
	for (int i = 0; i < DAHDI_RX_BURST && !span->dying && d->dfd >= 0;
	     i++) {
		ssize_t n = ops->read(d->dfd, d->frame, sizeof(d->frame));

		if (n > 0) {
			/* address, control and the 2 FCS bytes at least */
			if (n < 5) {
				tdm_span_reject(span,
						"dahdi: D-channel frame of %zd "
						"bytes",
						n);
				continue;
			}
			span->stats.rx_frames++;
			if (d->l1)
				tdm_isdn_rx(span, d->frame, (size_t)n);
			continue;
		}
		if (n < 0 && errno == ELAST) {
			dahdi_event(d, d->dfd, dts);
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			break;
		tdm_log(span, LOG_ERR, "dahdi: D-channel read: %s",
			n < 0 ? strerror(errno) : "end of file");
		if (d->l1) {
			d->l1 = false;
			tdm_span_l1(span, false);
		}
		break;
	}
	tdm_span_leave(span);
}

/* Writes the span block in d->tx, every B-channel once. */
static void dahdi_audio_send(struct tdm_span *span)
{
	struct dahdi_priv *d = dahdi_of(span);

	if (!d)
		return;
	for (int i = 0; i < span->nchans && !span->dying; i++) {
		ssize_t n =
			ops->write(d->bfd[i], d->tx + (size_t)i * DAHDI_BLOCK,
				   DAHDI_BLOCK);

		if (n < 0 && errno == ELAST) {
			dahdi_event(d, d->bfd[i], span->chans[i].ts);
			n = ops->write(d->bfd[i],
				       d->tx + (size_t)i * DAHDI_BLOCK,
				       DAHDI_BLOCK);
		}
		if (n != DAHDI_BLOCK)
			span->stats.rx_bad++;
	}
	span->stats.tx_blocks++;
}

/* One span block: every B-channel read once; written by
 * dahdi_audio_send() at once or when tdm/audio.c has the answers. */
static void dahdi_bchan_readable(void *arg)
{
	struct dahdi_priv *d = arg;
	struct tdm_span *span = d->span;
	uint8_t idle = tdm_law_silence(span->law);
	bool any = false;

	tdm_span_enter(span);
	for (int i = 0; i < span->nchans; i++) {
		uint8_t *rx = d->rx + (size_t)i * DAHDI_BLOCK;
		ssize_t n = ops->read(d->bfd[i], rx, DAHDI_BLOCK);

		if (n < 0 && errno == ELAST) {
			dahdi_event(d, d->bfd[i], span->chans[i].ts);
			n = ops->read(d->bfd[i], rx, DAHDI_BLOCK);
		}
		if (n == DAHDI_BLOCK) {
			any = true;
			continue;
		}
		if (n >= 0 || (errno != EAGAIN && errno != EINTR))
			span->stats.rx_bad++;
		memset(rx, idle, DAHDI_BLOCK);
	}
	/* Woken with nothing to read on any channel: not a tick. */
	if (!any || span->dying) {
		tdm_span_leave(span);
		return;
	}
	span->stats.rx_blocks++;
	if (tdm_span_audio(span, d->rx, d->tx))
		dahdi_audio_send(span);
	tdm_span_leave(span);
}

static void dahdi_close(struct tdm_span *span)
{
	struct dahdi_priv *d = dahdi_of(span);

	if (!d)
		return;
	if (d->dwatch)
		span->hooks.fd_unwatch(span->hooks.arg, d->dfd);
	if (d->bwatch)
		span->hooks.fd_unwatch(span->hooks.arg, d->bfd[0]);
	if (d->dfd >= 0)
		ops->close(d->dfd);
	for (int i = 0; i < span->nchans; i++)
		if (d->bfd[i] >= 0)
			ops->close(d->bfd[i]);
	free(d);
	span->drv_priv = NULL;
}

static int dahdi_open(struct tdm_span *span)
{
	struct dahdi_priv *d = calloc(1, sizeof(*d));
	int dchan, err;

	if (!d)
		return ENOMEM;
	d->span = span;
	d->base = span->cfg.dahdi_base > 0
			  ? span->cfg.dahdi_base
			  : (int)(span->id -
				  1) * (span->type == TDM_SPAN_T1 ? 24 : 31) +
				    1;
	d->dfd = -1;
	for (int i = 0; i < TDM_MAX_BCHANS; i++)
		d->bfd[i] = -1;
	span->drv_priv = d;

	dchan = tdm_dahdi_channo(d->base, dahdi_dchan_ts(span));
	d->dfd = dahdi_open_chan(d, dchan);
	if (d->dfd < 0)
		goto fail_errno;
	err = dahdi_check_dchan(d, dchan);
	if (err)
		goto fail;
	for (int i = 0; i < span->nchans; i++) {
		int channo = tdm_dahdi_channo(d->base, span->chans[i].ts);

		d->bfd[i] = dahdi_open_chan(d, channo);
		if (d->bfd[i] < 0)
			goto fail_errno;
		err = dahdi_setup_bchan(d, d->bfd[i], channo);
		if (err)
			goto fail;
	}
	err = span->hooks.fd_watch(span->hooks.arg, d->dfd,
				   dahdi_dchan_readable, d);
	if (err)
		goto fail;
	d->dwatch = true;
	if (span->nchans > 0) {
		err = span->hooks.fd_watch(span->hooks.arg, d->bfd[0],
					   dahdi_bchan_readable, d);
		if (err)
			goto fail;
		d->bwatch = true;
	}
	tdm_log(span, LOG_INFO,
		"dahdi: DAHDI span %d, channels %d-%d, D-channel %d", d->spanno,
		d->base, d->base + (span->type == TDM_SPAN_T1 ? 23 : 30),
		dchan);
	tdm_span_enter(span);
	dahdi_refresh_alarms(d);
	tdm_span_leave(span);
	return 0;

fail_errno:
	err = errno ? errno : EIO;
fail:
	dahdi_close(span);
	return err;
}

static void dahdi_send_frame(struct tdm_span *span, const uint8_t *buf,
			     size_t len)
{
	struct dahdi_priv *d = dahdi_of(span);
	ssize_t n;

	if (!d || d->dfd < 0 || !d->l1)
		return;
	/* The 2 trailing bytes are where the kernel puts the FCS. */
	n = ops->write(d->dfd, buf, len);
	if (n < 0 && errno == ELAST) {
		dahdi_event(d, d->dfd, dahdi_dchan_ts(span));
		n = ops->write(d->dfd, buf, len);
	}
	if (n == (ssize_t)len) {
		span->stats.tx_frames++;
		return;
	}
	/* Buffers full or the line in trouble: Q.921 retransmits. */
	span->stats.dchan_drops++;
	tdm_log(span, LOG_INFO,
		"dahdi: D-channel frame of %zu bytes not sent: %s", len,
		n < 0 ? strerror(errno) : "short write");
}

static bool dahdi_connected(const struct tdm_span *span)
{
	const struct dahdi_priv *d = dahdi_of(span);

	return d && d->l1;
}

static int dahdi_validate(const struct tdm_span_cfg *cfg)
{
	return cfg->dahdi_base < 0 ? EINVAL : 0;
}

const struct tdm_drv tdm_drv_dahdi = {
	.name = "dahdi",
	.validate = dahdi_validate,
	.open = dahdi_open,
	.close = dahdi_close,
	.send_frame = dahdi_send_frame,
	.connected = dahdi_connected,
	.audio_send = dahdi_audio_send,
};
