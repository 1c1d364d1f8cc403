/*
 * The DAHDI driver against an in-process fake of /dev/dahdi/channel.
 *
 * The fake hands the driver one end of a SEQPACKET socket pair per open
 * and keeps the other ("the card side"). It answers the ioctls as the
 * kernel does for a configured span, records their order, emulates the
 * HDLC/FCS mode (computes the FCS into the last two bytes of a D-channel
 * write, checks it on the way to the far span, raises BADFCS when it is
 * wrong) and queues events (read and write fail with ELAST until
 * DAHDI_GETEVENT takes them). Two spans on the fake are wired back to back
 * like two cards joined by a cable: span A (CPE, DAHDI channels 1-24) and
 * span B (NET, 25-48). A 20 ms timer plays the cards' clock.
 */
#include <dahdi/user.h>
#include <fcntl.h>
#include <sys/socket.h>

#include "test_tdm_harness.h"
#include "tdm/drv_dahdi.h"

#define FK_MAX_CHAN 64
#define FK_MAX_IOCTL 512
#define FK_BASE_A 1
#define FK_BASE_B 25

struct fk_file {
	bool open;
	int card; /* card side of the socket pair */
	int channo;
	int event; /* pending, DAHDI_EVENT_NONE if none */
};

struct fk_ioctl {
	int channo;
	unsigned long req;
};

static struct fk {
	struct fk_file f[TH_MAX_FD];
	int by_chan[FK_MAX_CHAN]; /* driver fd of a channel, -1 */
	struct fk_ioctl log[FK_MAX_IOCTL];
	int nlog;
	int alarms[3];	     /* DAHDI alarms by DAHDI span 1, 2 */
	int open_errno;	     /* open() fails with it */
	int not_dchan;	     /* this channel is no D-channel */
	int curlaw;	     /* laws the "card" reports */
	bool corrupt_next;   /* next D-channel frame gets a bad FCS */
	int frames, bad_fcs; /* D-channel frames carried, dropped */
	int setlaw;	     /* DAHDI_SETLAW calls */
	void *clock;
	int ticks;
} fk;

static uint16_t fk_fcs(const uint8_t *p, size_t n)
{
	uint16_t fcs = 0xffff;

	/* CRC-16/X.25, bit-reversed polynomial 0x8408 (ISO 3309) */
	while (n--) {
		fcs ^= *p++;
		for (int b = 0; b < 8; b++)
			fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408)
					: (uint16_t)(fcs >> 1);
	}
	return (uint16_t)~fcs;
}

static int fk_dspan(int channo)
{
	return channo >= FK_BASE_B ? 2 : 1;
}

static bool fk_is_dchan(int channo)
{
	return (channo == FK_BASE_A + 23 || channo == FK_BASE_B + 23) &&
	       channo != fk.not_dchan;
}

static int fk_open(const char *path, int flags)
{
	int sv[2];

	assert_string_equal(path, TDM_DAHDI_DEV);
	assert_true(flags & O_NONBLOCK);
	if (fk.open_errno) {
		errno = fk.open_errno;
		return -1;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv) < 0)
		return -1;
	assert_true(sv[0] < TH_MAX_FD);
	fk.f[sv[0]] = (struct fk_file){ .open = true, .card = sv[1] };
	return sv[0];
}

static int fk_close(int fd)
{
	assert_true(fk.f[fd].open);
	if (fk.f[fd].channo > 0 && fk.f[fd].channo < FK_MAX_CHAN)
		fk.by_chan[fk.f[fd].channo] = -1;
	gw_loop_fd_del(th_g.loop, fk.f[fd].card);
	close(fk.f[fd].card);
	fk.f[fd].open = false;
	return close(fd);
}

static int fk_ioctl(int fd, unsigned long req, void *arg)
{
	struct fk_file *f = &fk.f[fd];

	assert_true(f->open);
	if (fk.nlog < FK_MAX_IOCTL)
		fk.log[fk.nlog++] =
			(struct fk_ioctl){ .channo = f->channo, .req = req };
	if (req == DAHDI_SPECIFY) {
		int ch = *(int *)arg;

		if (ch < 1 || ch >= FK_MAX_CHAN || fk.by_chan[ch] >= 0) {
			errno = EBUSY;
			return -1;
		}
		f->channo = ch;
		fk.by_chan[ch] = fd;
		return 0;
	}
	/* everything else needs a bound channel, as in the kernel */
	if (!f->channo) {
		errno = EINVAL;
		return -1;
	}
	if (req == DAHDI_GET_PARAMS) {
		struct dahdi_params *p = arg;

		p->sigtype = fk_is_dchan(f->channo) ? DAHDI_SIG_HDLCFCS
						    : DAHDI_SIG_CLEAR;
		p->spanno = fk_dspan(f->channo);
		p->curlaw = fk.curlaw;
		return 0;
	}
	if (req == DAHDI_SPANSTAT) {
		struct dahdi_spaninfo *si = arg;

		si->alarms = fk.alarms[si->spanno == 2 ? 2 : 1];
		return 0;
	}
	if (req == DAHDI_GETEVENT) {
		*(int *)arg = f->event;
		f->event = DAHDI_EVENT_NONE;
		return 0;
	}
	if (req == DAHDI_SETLAW) {
		fk.setlaw++;
		return 0;
	}
	if (req == DAHDI_SET_BLOCKSIZE) {
		assert_int_equal(*(int *)arg, TDM_SAMPLES_PER_BLOCK);
		return 0;
	}
	if (req == DAHDI_SET_BUFINFO || req == DAHDI_AUDIOMODE)
		return 0;
	errno = ENOTTY;
	return -1;
}

static ssize_t fk_read(int fd, void *buf, size_t len)
{
	if (fk.f[fd].event) {
		errno = ELAST;
		return -1;
	}
	return read(fd, buf, len);
}

static ssize_t fk_write(int fd, const void *buf, size_t len)
{
	uint8_t frame[1024];
	uint16_t fcs;

	if (fk.f[fd].event) {
		errno = ELAST;
		return -1;
	}
	if (!fk_is_dchan(fk.f[fd].channo))
		return write(fd, buf, len);
	/* HDLC/FCS mode: the last two bytes are the kernel's to fill */
	assert_true(len >= 2 && len <= sizeof(frame));
	memcpy(frame, buf, len);
	fcs = fk_fcs(frame, len - 2);
	if (fk.corrupt_next) {
		fcs ^= 0x5a5a;
		fk.corrupt_next = false;
	}
	frame[len - 2] = (uint8_t)fcs;
	frame[len - 1] = (uint8_t)(fcs >> 8);
	return write(fd, frame, len);
}

static const struct tdm_dahdi_ops fk_ops = {
	.open = fk_open,
	.close = fk_close,
	.ioctl = fk_ioctl,
	.read = fk_read,
	.write = fk_write,
};

/* The far channel on the other card of the cable. */
static int fk_peer_chan(int channo)
{
	return channo >= FK_BASE_B ? channo - FK_BASE_B + FK_BASE_A
				   : channo - FK_BASE_A + FK_BASE_B;
}

static void fk_raise(int channo, int ev)
{
	int fd = fk.by_chan[channo];

	assert_true(fd >= 0);
	fk.f[fd].event = ev;
	/* the kernel wakes a poller for an event too */
	if (th_g.watch[fd].fn)
		th_g.watch[fd].fn(th_g.watch[fd].arg);
}

/* A D-channel frame arrives on a card's cable side: check the FCS and
 * hand it to the other card's driver, or tell that driver it was bad. */
static void fk_dframe(void *arg, uint32_t events)
{
	int fd = (int)(intptr_t)arg;
	uint8_t frame[1024];
	ssize_t n;

	while ((n = read(fk.f[fd].card, frame, sizeof(frame))) > 0) {
		int peer = fk.by_chan[fk_peer_chan(fk.f[fd].channo)];
		uint16_t fcs = (uint16_t)(frame[n - 2] | frame[n - 1] << 8);

		if (peer < 0)
			continue;
		if (fcs != fk_fcs(frame, (size_t)n - 2)) {
			fk.bad_fcs++;
			fk_raise(fk.f[peer].channo, DAHDI_EVENT_BADFCS);
			continue;
		}
		fk.frames++;
		write(fk.f[peer].card, frame, (size_t)n);
	}
}

/* The cards' 20 ms clock: each B-channel gets what its far channel sent
 * during the last block (silence before anything was sent). */
static void fk_tick(void *arg)
{
	fk.clock = gw_timer_start(th_g.loop, TDM_BLOCK_MS, fk_tick, NULL);
	fk.ticks++;
	for (int ch = 1; ch < FK_MAX_CHAN; ch++) {
		int fd = fk.by_chan[ch], peer;
		uint8_t blk[TDM_SAMPLES_PER_BLOCK];

		if (fd < 0 || fk_is_dchan(ch))
			continue;
		peer = fk.by_chan[fk_peer_chan(ch)];
		memset(blk, 0xff, sizeof(blk));
		if (peer >= 0) {
			ssize_t n = read(fk.f[peer].card, blk, sizeof(blk));

			if (n != (ssize_t)sizeof(blk))
				memset(blk, 0xff, sizeof(blk));
		}
		write(fk.f[fd].card, blk, sizeof(blk));
	}
}

/* Card-side watches for the D-channels once both spans are open. */
static void fk_wire(void)
{
	for (int ch = 1; ch < FK_MAX_CHAN; ch++) {
		int fd = fk.by_chan[ch];

		if (fd >= 0 && fk_is_dchan(ch))
			gw_loop_fd_add(th_g.loop, fk.f[fd].card, EPOLLIN,
				       fk_dframe, (void *)(intptr_t)fd);
	}
	fk.clock = gw_timer_start(th_g.loop, TDM_BLOCK_MS, fk_tick, NULL);
}

static int fk_span_new(struct th_side *s, unsigned id, enum tdm_role role,
		       int base)
{
	struct tdm_span_cfg cfg = {
		.id = id,
		.type = TDM_SPAN_T1,
		.role = role,
		.driver = "dahdi",
		.dahdi_base = base,
	};
	struct tdm_hooks h;
	int err;

	th_hooks(s, &h);
	err = tdm_span_alloc(&cfg, &h, &s->span);
	if (err)
		return err;
	tdm_span_set_timer(s->span, "T200", 100);
	err = tdm_span_start(s->span);
	if (err) {
		tdm_span_free(s->span);
		s->span = NULL;
	}
	return err;
}

static void fk_reset(void)
{
	memset(&fk, 0, sizeof(fk));
	for (int i = 0; i < FK_MAX_CHAN; i++)
		fk.by_chan[i] = -1;
	fk.curlaw = DAHDI_LAW_MULAW;
	tdm_dahdi_set_ops(&fk_ops);
}

static int setup(void **state)
{
	memset(&th_g, 0, sizeof(th_g));
	th_g.net.th = th_g.cpe.th = &th_g;
	th_g.net.name = "net";
	th_g.cpe.name = "cpe";
	th_g.loop = gw_loop_alloc();
	fk_reset();
	return th_g.loop ? 0 : -1;
}

static int teardown(void **state)
{
	if (fk.clock)
		gw_timer_stop(th_g.loop, fk.clock);
	fk.clock = NULL;
	if (th_g.cpe.span)
		tdm_span_free(th_g.cpe.span);
	if (th_g.net.span)
		tdm_span_free(th_g.net.span);
	th_g.cpe.span = th_g.net.span = NULL;
	gw_loop_free(th_g.loop);
	tdm_dahdi_set_ops(NULL);
	for (int i = 0; i < TH_MAX_FD; i++)
		assert_false(fk.f[i].open); /* every file closed */
	return 0;
}

static int start_pair(void)
{
	if (fk_span_new(&th_g.cpe, 1, TDM_ROLE_CPE, FK_BASE_A) ||
	    fk_span_new(&th_g.net, 2, TDM_ROLE_NET, FK_BASE_B))
		return -1;
	fk_wire();
	return th_run(th_both_up, 5000) ? 0 : -1;
}

/* No DAHDI here: the span does not start, and says why and where. */
static void test_no_device(void **state)
{
	fk.open_errno = ENOENT;
	assert_int_equal(fk_span_new(&th_g.cpe, 1, TDM_ROLE_CPE, 1), ENOENT);
	assert_null(th_g.cpe.span);
}

/* A system.conf without dchan= on timeslot 24 is refused clearly. */
static void test_not_a_dchan(void **state)
{
	fk.not_dchan = FK_BASE_A + 23;
	assert_int_equal(fk_span_new(&th_g.cpe, 1, TDM_ROLE_CPE, FK_BASE_A),
			 EINVAL);
}

/* The ioctl sequence: each file bound first; D-channel checked; every
 * B-channel gets 20 ms blocks; the channel numbers follow the base. */
static void test_ioctl_sequence(void **state)
{
	int specify = 0, blocksize = 0, dparams = 0;

	assert_int_equal(fk_span_new(&th_g.cpe, 1, TDM_ROLE_CPE, FK_BASE_A), 0);
	assert_int_equal(fk.log[0].req, DAHDI_SPECIFY);
	assert_int_equal(fk.f[fk.by_chan[24]].channo, 24); /* D first */
	for (int i = 0; i < fk.nlog; i++) {
		if (fk.log[i].req == DAHDI_SPECIFY)
			specify++;
		else if (fk.log[i].req == DAHDI_SET_BLOCKSIZE)
			blocksize++;
		else if (fk.log[i].req == DAHDI_GET_PARAMS &&
			 fk.log[i].channo == 24)
			dparams++;
		/* nothing before SPECIFY on a file */
		if (fk.log[i].req != DAHDI_SPECIFY)
			assert_true(fk.log[i].channo > 0);
	}
	assert_int_equal(specify, 24);
	assert_int_equal(blocksize, 23);
	assert_int_equal(dparams, 1);
	for (int ch = 1; ch <= 24; ch++)
		assert_true(fk.by_chan[ch] >= 0);
	assert_int_equal(fk.by_chan[25], -1);
	assert_int_equal(fk.setlaw, 0);
}

/* A card left in A-law on a T1 span is switched, with a warning. */
static void test_law_mismatch(void **state)
{
	fk.curlaw = DAHDI_LAW_ALAW;
	assert_int_equal(fk_span_new(&th_g.cpe, 1, TDM_ROLE_CPE, FK_BASE_A), 0);
	assert_int_equal(fk.setlaw, 23);
}

static bool cpe_connected(void)
{
	return th_find(&th_g.cpe, TDM_EV_CONNECT) != NULL;
}

static bool audio_flows(void)
{
	int ts = th_g.cpe.call ? tdm_call_chan(th_g.cpe.call) : 0;

	return ts > 0 && th_g.net.call &&
	       th_g.cpe.rx_last[ts] == th_tx_byte(&th_g.net, ts) &&
	       th_g.net.rx_last[ts] == th_tx_byte(&th_g.cpe, ts);
}

/* libpri over the driver: layer 2 comes up through the FCS emulation,
 * a call connects and audio flows both ways on its timeslot. */
static void test_call_and_audio(void **state)
{
	struct tdm_setup setup = { .called = "5551234",
				   .calling = "2125550100" };
	struct tdm_call *call;
	const struct th_ev *ev;

	assert_int_equal(start_pair(), 0);
	assert_true(fk.frames > 0);
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &call), 0);
	th_g.cpe.call = call;
	assert_true(th_run(cpe_connected, 3000));
	ev = th_find(&th_g.net, TDM_EV_SETUP);
	assert_non_null(ev);
	assert_string_equal(ev->called, "5551234");
	assert_true(th_run(audio_flows, 2000));
	assert_true(tdm_span_stats(th_g.cpe.span)->rx_blocks > 0);
	assert_true(tdm_span_stats(th_g.cpe.span)->tx_frames > 0);
	tdm_call_hangup(call, 16);
	assert_true(th_run(th_all_released, 3000));
}

static bool cpe_red(void)
{
	return tdm_span_alarms(th_g.cpe.span) & TDM_ALARM_RED;
}

static bool cpe_clear_and_up(void)
{
	return !tdm_span_alarms(th_g.cpe.span) && th_both_up();
}

/* DAHDI_EVENT_ALARM: the driver reads the alarms, takes the line away on
 * red; NOALARM brings it back and layer 2 recovers. */
static void test_alarms(void **state)
{
	const struct th_ev *ev;

	assert_int_equal(start_pair(), 0);
	fk.alarms[1] = DAHDI_ALARM_RED | DAHDI_ALARM_LOS;
	fk_raise(24, DAHDI_EVENT_ALARM);
	assert_true(th_run(cpe_red, 2000));
	ev = th_find(&th_g.cpe, TDM_EV_ALARM);
	assert_non_null(ev);
	assert_false(tdm_span_is_up(th_g.cpe.span));
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->alarms_red, 1);

	fk.alarms[1] = DAHDI_ALARM_NONE;
	fk_raise(24, DAHDI_EVENT_NOALARM);
	assert_true(th_run(cpe_clear_and_up, 5000));

	/* yellow: reported, the line stays usable */
	fk.alarms[1] = DAHDI_ALARM_YELLOW;
	fk_raise(24, DAHDI_EVENT_ALARM);
	th_run(NULL, 200);
	assert_int_equal(tdm_span_alarms(th_g.cpe.span), TDM_ALARM_YELLOW);
	assert_true(tdm_span_is_up(th_g.cpe.span));
}

static bool net_saw_bad_fcs(void)
{
	return tdm_span_stats(th_g.net.span)->rx_fcs_errors > 0;
}

/* A frame damaged on the line is dropped by the "kernel", counted by the
 * driver from DAHDI_EVENT_BADFCS, and Q.921 recovers: calls still work. */
static void test_bad_fcs(void **state)
{
	struct tdm_setup setup = { .called = "5550000" };
	struct tdm_call *call;

	assert_int_equal(start_pair(), 0);
	fk.corrupt_next = true;
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &call), 0);
	th_g.cpe.call = call;
	assert_true(th_run(net_saw_bad_fcs, 2000));
	assert_int_equal(fk.bad_fcs, 1);
	assert_true(th_run(cpe_connected, 5000));
	tdm_call_hangup(call, 16);
	assert_true(th_run(th_all_released, 3000));
}

/* The card removed: layer 1 goes down, reported once; no crash. */
static void test_removed(void **state)
{
	assert_int_equal(start_pair(), 0);
	fk_raise(24, DAHDI_EVENT_REMOVED);
	th_run(NULL, 200);
	assert_false(tdm_span_is_up(th_g.cpe.span));
	assert_int_equal(th_count(&th_g.cpe, TDM_EV_L1_DOWN), 1);
}

/* A runt frame from the card is rejected and counted, nothing else. */
static void test_runt_frame(void **state)
{
	uint64_t bad;

	assert_int_equal(start_pair(), 0);
	bad = tdm_span_stats(th_g.cpe.span)->rx_bad;
	write(fk.f[fk.by_chan[24]].card, "\x02\x01", 2);
	th_run(NULL, 100);
	assert_int_equal(tdm_span_stats(th_g.cpe.span)->rx_bad, bad + 1);
	assert_true(tdm_span_is_up(th_g.cpe.span));
}

/* ---- asynchronous audio: the deferred write ---------------------------- */

/* NET sends a new byte every block and records what it hears; CPE echoes
 * it: at once (SYNC, the reference), through the async hooks a loop turn
 * later (LATER), or never in time (NEVER: the deadline writes 0x11). */
enum echo { ECHO_SYNC, ECHO_LATER, ECHO_NEVER };

static struct {
	enum echo mode;
	int ts, ticks;
	uint8_t got, sent[64], heard[64];
	struct gw_timer *kick;
} e;

static void e_net(void *arg, struct tdm_span *span, struct tdm_call *call,
		  const uint8_t *rx, uint8_t *tx, size_t n)
{
	if (tdm_call_chan(call) != e.ts || e.ticks >= 64)
		return;
	e.heard[e.ticks] = rx[n - 1];
	e.sent[e.ticks] = (uint8_t)(0x20 + e.ticks);
	memset(tx, e.sent[e.ticks], n);
	e.ticks++;
}

static void e_cpe_sync(void *arg, struct tdm_span *span, struct tdm_call *call,
		       const uint8_t *rx, uint8_t *tx, size_t n)
{
	memset(tx, rx[n - 1], n);
}

static void e_kick(void *arg)
{
	e.kick = NULL;
	tdm_span_audio_kick(th_g.cpe.span);
}

static void e_cpe_rx(void *arg, struct tdm_span *span, struct tdm_call *call,
		     const uint8_t *rx, size_t n)
{
	e.got = rx[n - 1];
	if (e.mode == ECHO_LATER && !e.kick)
		e.kick = gw_timer_start(th_g.loop, 0, e_kick, NULL);
}

static bool e_cpe_tx(void *arg, struct tdm_span *span, struct tdm_call *call,
		     uint8_t *tx, size_t n, bool late)
{
	if (!late && (e.mode == ECHO_NEVER || e.kick))
		return false; /* still working */
	memset(tx, late ? 0x11 : e.got, n);
	return true;
}

static bool e_forty(void)
{
	return e.ticks >= 40;
}

/* Blocks (of 30, from 10 on) in which NET heard its byte of d blocks
 * before. */
static int e_in_step(int d)
{
	int n = 0;

	for (int k = 10; k < 40; k++)
		n += e.heard[k] == e.sent[k - d];
	return n;
}

static void e_run(enum echo mode)
{
	struct tdm_span *cpe = th_g.cpe.span;

	if (e.kick)
		gw_timer_stop(th_g.loop, e.kick);
	memset(e.sent, 0, sizeof(e.sent));
	memset(e.heard, 0, sizeof(e.heard));
	e.kick = NULL;
	e.ticks = 0;
	e.mode = mode;
	cpe->hooks.audio = mode == ECHO_SYNC ? e_cpe_sync : th_audio;
	cpe->hooks.audio_rx = mode == ECHO_SYNC ? NULL : e_cpe_rx;
	cpe->hooks.audio_tx = mode == ECHO_SYNC ? NULL : e_cpe_tx;
	assert_true(th_run(e_forty, 3000));
}

/* The answer to a block, made a loop turn after the block was read,
 * reaches the far end as early as an answer made at once: the driver
 * holds the write back (counted as waits) instead of sending the block
 * before (one block ahead). Never ready: the deadline writes anyway. */
static void test_deferred_write(void **state)
{
	struct tdm_setup setup = { .called = "5551234" };
	struct tdm_call *call;
	uint64_t waits, late;
	int d, best = 0, d_sync = -1;

	assert_int_equal(start_pair(), 0);
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &call), 0);
	th_g.cpe.call = call;
	assert_true(th_run(cpe_connected, 3000));
	e.ts = tdm_call_chan(call);
	th_g.net.span->hooks.audio = e_net;

	e_run(ECHO_SYNC);
	for (d = 1; d < 6; d++)
		if (e_in_step(d) > best) {
			best = e_in_step(d);
			d_sync = d;
		}
	assert_true(best >= 20); /* a steady echo at d_sync blocks */

	waits = tdm_span_stats(th_g.cpe.span)->audio_waits;
	e_run(ECHO_LATER);
	assert_true(tdm_span_stats(th_g.cpe.span)->audio_waits >= waits + 20);
	/* the same delay as the immediate answer, not one block more
	 * (a stall on a loaded machine may shift a few blocks) */
	assert_true(e_in_step(d_sync) >= 20);
	assert_true(e_in_step(d_sync + 1) < e_in_step(d_sync));

	late = tdm_span_stats(th_g.cpe.span)->audio_late;
	e_run(ECHO_NEVER);
	assert_true(tdm_span_stats(th_g.cpe.span)->audio_late >= late + 20);
	d = 0;
	for (int k = 10; k < 40; k++)
		d += e.heard[k] == 0x11;
	assert_true(d >= 20); /* every block went out at the deadline */

	if (e.kick)
		gw_timer_stop(th_g.loop, e.kick);
	e.kick = NULL;
	th_g.cpe.span->hooks.audio = th_audio;
	th_g.cpe.span->hooks.audio_rx = NULL;
	th_g.cpe.span->hooks.audio_tx = NULL;
	th_g.net.span->hooks.audio = th_audio;
	tdm_call_hangup(call, 16);
	assert_true(th_run(th_all_released, 3000));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_not_a_dchan, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_ioctl_sequence, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_law_mismatch, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_call_and_audio, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alarms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_fcs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_removed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runt_frame, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deferred_write, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
