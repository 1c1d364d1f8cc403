/*
 * fuzz_q931: D-channel frames from a hostile carrier or PBX into a whole
 * PRI span: libpri's Q.921 and Q.931, then tdm/'s call handling and the
 * events a gateway would get. The span runs on a driver of our own (no
 * socket, no device: frames in with tdm_isdn_rx, frames out kept), its
 * timers and libpri's wall clock on one virtual clock (tdm/vclock.c).
 *
 * Input: three octets, then frames, each after a two-octet big-endian
 * word (fuzz_next_dgram): bits 0-8 the frame's length, bits 9-15 how long
 * to let virtual time run first (v < 100: v * 10 ms, else (v - 99) * 2 s,
 * firing due timers on the way). An empty frame delivers nothing, and
 * with v 127 is a layer 1 cut and reconnection, with v 126 our RESTART
 * of all channels, with v 125 channel 1 blocked or unblocked by the
 * operator. Frames come without FCS (the harness adds libpri's 2
 * placeholder octets).
 *
 * Octet 0: bits 0-2 switchtype (ni2, dms100, 5ess, euroisdn on an E1,
 * qsig; 5-7 wrap round), 8 NET role (else CPE), 16 Q.921 by the harness:
 * it answers SABME, acknowledges libpri's I-frames and wraps each frame
 * as the Q.931 message of an I-frame (SAPI 0, TEI 0, N(S)/N(R) tracked),
 * else frames go in raw so LAPD is fuzzed too; 32 overlap receiving, 64
 * the start-up RESTART of all channels, 128 one outgoing call placed
 * once the span is up.
 * Octet 1, how the "gateway" handles an incoming SETUP: bits 0-2 0
 * nothing, 1 proceeding, 2 alerting, 3 proceeding + alerting + answer,
 * 4 answer, 5 progress + alerting, 6 hang up (cause 17), 7 hang up
 * (cause 34); 8 hang up on DISCONNECT as the gateway does; 16 hang up
 * once connected (either direction); 32 the outgoing call uses overlap
 * sending (digits on SETUP ACKNOWLEDGE); 64 Q.931 trace on (libpri's
 * decoder); 128 short libpri timers (T200 200, T203 2000, T303 1000).
 * Octet 2: bits 0-5 K: the span freed from inside its K-th event (0:
 * never), as a reload may; 64 our outgoing call hung up on CALL
 * PROCEEDING, PROGRESS or ALERTING (a SIP CANCEL); 128 incoming calls
 * hung up on INFORMATION (digits) and PROGRESS.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tdm/tdm.h"
#include "tdm/tdm_int.h"
#include "tests/fuzz/fuzz.h"

#define FQ_TIMERS 256
#define FQ_CALLS 64
#define FQ_MAX_FRAME 512
/* bounds on the work one input may cause */
#define FQ_MAX_FIRES 4096
#define FQ_MAX_PUMP 64
#define FQ_BASE_US 1700000000000000ull /* virtual wall clock at start */

struct fq_timer {
	bool live;
	uint64_t at;
	void (*fn)(void *);
	void *arg;
};

static struct {
	uint64_t now; /* ms since the start of the input */
	struct fq_timer tmr[FQ_TIMERS];
	unsigned fires;
	uint8_t f0, f1, f2;
	unsigned nev; /* events so far */
	bool blocked; /* channel 1, by the operator */
	struct tdm_span *span;
	struct tdm_call *calls[FQ_CALLS];
	struct tdm_call *ours; /* our outgoing call */
	bool placed;
	bool verbose;
	/* Q.921 by the harness (the far end's layer 2) */
	bool wrap;
	bool net;	  /* the harness is the network side */
	bool ua_due;	  /* libpri sent SABME: answer UA */
	bool ua_final;	  /* that SABME's P bit */
	bool rr_due;	  /* libpri sent I-frames or polled: answer RR */
	bool rr_final;	  /* a poll: F bit */
	bool established; /* multiple-frame operation */
	unsigned vs, vr;  /* our N(S) next, libpri's N(S) expected */
} fq;

/* ---- libpri's heap: every block it holds, freed after each input ----
 *
 * libpri 1.6 has no destructor, so tdm/ keeps every retired controller
 * (about 30 KB each). This binary links libpri statically with calloc,
 * malloc and free renamed to these (tests/fuzz/module.mk), so what a
 * controller still holds once its span is freed can be freed here. The
 * blocks stay ordinary heap blocks for the sanitizers. */

struct fq_blk {
	struct fq_blk *prev, *next;
	size_t size;
	size_t pad; /* keeps the block 16-aligned */
};

static struct fq_blk fq_heap = { &fq_heap, &fq_heap, 0, 0 };
static size_t fq_heap_n;

void *fq_pri_malloc(size_t n);
void *fq_pri_calloc(size_t k, size_t n);
void fq_pri_free(void *p);

void *fq_pri_malloc(size_t n)
{
	struct fq_blk *b;

	if (n > SIZE_MAX - sizeof(*b) || !(b = malloc(sizeof(*b) + n)))
		return NULL;
	b->size = n;
	b->next = fq_heap.next;
	b->prev = &fq_heap;
	fq_heap.next->prev = b;
	fq_heap.next = b;
	fq_heap_n++;
	return b + 1;
}

void *fq_pri_calloc(size_t k, size_t n)
{
	void *p;

	if (n && k > SIZE_MAX / n)
		return NULL;
	p = fq_pri_malloc(k * n);
	if (p)
		memset(p, 0, k * n);
	return p;
}

void fq_pri_free(void *p)
{
	struct fq_blk *b = p;

	if (!p)
		return;
	b--;
	b->prev->next = b->next;
	b->next->prev = b->prev;
	fq_heap_n--;
	free(b);
}

/* Only once no span uses libpri any more. */
static void fq_pri_free_all(void)
{
	while (fq_heap.next != &fq_heap)
		fq_pri_free(fq_heap.next + 1);
}

/* ---- hooks: virtual clock and timers ---- */

static uint64_t fq_now(void *arg)
{
	(void)arg;
	return fq.now;
}

static void fq_vclock(void)
{
	tdm_vclock_set(FQ_BASE_US + fq.now * 1000u);
}

static void *fq_timer_start(void *arg, uint64_t ms, void (*fn)(void *),
			    void *fnarg)
{
	(void)arg;
	for (int i = 0; i < FQ_TIMERS; i++)
		if (!fq.tmr[i].live) {
			fq.tmr[i] = (struct fq_timer){ true, fq.now + ms, fn,
						       fnarg };
			return &fq.tmr[i];
		}
	return NULL;
}

static void fq_timer_stop(void *arg, void *t)
{
	(void)arg;
	((struct fq_timer *)t)->live = false;
}

static int fq_fd_watch(void *arg, int fd, void (*fn)(void *), void *fnarg)
{
	(void)arg, (void)fd, (void)fn, (void)fnarg;
	return 0;
}

static void fq_fd_unwatch(void *arg, int fd)
{
	(void)arg, (void)fd;
}

static void fq_log(void *arg, int level, const char *msg)
{
	(void)arg;
	if (fq.verbose)
		fprintf(stderr, "[%llu %d] %s\n", (unsigned long long)fq.now,
			level, msg);
}

/* ---- the "gateway": reactions to the span's events ---- */

static void fq_track(struct tdm_call *c, bool add)
{
	for (int i = 0; i < FQ_CALLS; i++) {
		if (add && !fq.calls[i]) {
			fq.calls[i] = c;
			return;
		}
		if (!add && fq.calls[i] == c)
			fq.calls[i] = NULL;
	}
}

static void fq_on_setup(struct tdm_call *c)
{
	switch (fq.f1 & 7) {
	case 1:
		tdm_call_proceeding(c);
		break;
	case 2:
		tdm_call_alerting(c, true);
		break;
	case 3:
		tdm_call_proceeding(c);
		tdm_call_alerting(c, false);
		tdm_call_answer(c);
		break;
	case 4:
		tdm_call_answer(c);
		break;
	case 5:
		tdm_call_progress(c);
		tdm_call_alerting(c, true);
		break;
	case 6:
		tdm_call_hangup(c, 17);
		break;
	case 7:
		tdm_call_hangup(c, 34);
		break;
	}
}

static void fq_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		     const struct tdm_event *ev)
{
	(void)arg;
	fq.nev++;
	if (fq.verbose)
		fprintf(stderr, "[%llu] event %s call %u chan %d cause %d\n",
			(unsigned long long)fq.now,
			tdm_event_type_name(ev->type),
			call ? tdm_call_id(call) : 0, ev->chan, ev->cause);
	switch (ev->type) {
	case TDM_EV_SETUP:
		fq_track(call, true);
		fq_on_setup(call);
		break;
	case TDM_EV_SETUP_ACK:
		if (call == fq.ours)
			tdm_call_send_digits(call, "5551234", true);
		break;
	case TDM_EV_CONNECT:
	case TDM_EV_CONNECT_ACK:
		if (fq.f1 & 16)
			tdm_call_hangup(call, 16);
		break;
	case TDM_EV_DISCONNECT:
		if (fq.f1 & 8)
			tdm_call_hangup(call, ev->cause ? ev->cause : 16);
		break;
	case TDM_EV_PROCEEDING:
	case TDM_EV_PROGRESS:
	case TDM_EV_ALERTING:
	case TDM_EV_INFO:
		if ((call && call == fq.ours) ? fq.f2 & 64 : fq.f2 & 128)
			tdm_call_hangup(call, 16);
		break;
	case TDM_EV_RELEASED:
		fq_track(call, false);
		if (call == fq.ours)
			fq.ours = NULL;
		break;
	default:
		break;
	}
	if ((fq.f2 & 63) && fq.nev == (fq.f2 & 63u) && fq.span == span) {
		/* tdm/ defers it until its dispatch unwinds */
		tdm_span_free(span);
		fq.span = NULL;
		fq.ours = NULL;
	}
}

/* ---- the line: a driver whose far end is this harness ---- */

static int fq_drv_open(struct tdm_span *span)
{
	span->drv_priv = &fq;
	return 0;
}

static void fq_drv_close(struct tdm_span *span)
{
	span->drv_priv = NULL;
}

/* What libpri sent, for the harness's layer 2: answers go out after
 * libpri returns (never from inside its write callback). */
static void fq_dump(const char *dir, const uint8_t *f, size_t len)
{
	if (!fq.verbose)
		return;
	fprintf(stderr, "[%llu] %s", (unsigned long long)fq.now, dir);
	for (size_t i = 0; i < len && i < 24; i++)
		fprintf(stderr, " %02x", f[i]);
	fprintf(stderr, "%s\n", len > 24 ? " ..." : "");
}

static void fq_drv_send(struct tdm_span *span, const uint8_t *f, size_t len)
{
	(void)span;
	fq_dump("tx", f, len);
	if (!fq.wrap || len < 3 + 2 || (f[0] >> 2) != 0 || (f[1] >> 1) != 0)
		return;
	uint8_t ctl = f[2];

	if (!(ctl & 1)) { /* I-frame: N(S) in octet 3, P in octet 4 */
		if (len < 4 + 2)
			return;
		fq.vr = ((ctl >> 1) + 1) & 127;
		fq.rr_due = true;
		fq.rr_final |= (f[3] & 1) != 0;
	} else if ((ctl & 0xef) == 0x6f) { /* SABME */
		fq.ua_due = true;
		fq.ua_final = (ctl & 0x10) != 0;
	} else if ((ctl & 0xef) == 0x43) { /* DISC */
		fq.ua_due = true;
		fq.ua_final = (ctl & 0x10) != 0;
		fq.established = false;
	} else if ((ctl & 3) == 1 && len >= 4 + 2 && (f[3] & 1)) {
		/* supervisory frame with P (T203 expiry, T200 enquiry):
		 * only a command polls; ours then are responses */
		bool cmd = ((f[0] >> 1) & 1) == (fq.net ? 0 : 1);

		if (cmd) {
			fq.rr_due = true;
			fq.rr_final = true;
		}
	}
}

static bool fq_drv_connected(const struct tdm_span *span)
{
	(void)span;
	return true;
}

static const struct tdm_drv fq_drv = {
	.name = "fuzz",
	.open = fq_drv_open,
	.close = fq_drv_close,
	.send_frame = fq_drv_send,
	.connected = fq_drv_connected,
};

/* One frame into the span, with libpri's 2 FCS placeholder octets. */
static void fq_rx(const uint8_t *f, size_t len)
{
	uint8_t buf[FQ_MAX_FRAME + 2];

	if (!fq.span || len > FQ_MAX_FRAME)
		return;
	memcpy(buf, f, len);
	buf[len] = buf[len + 1] = 0;
	fq_dump("rx", f, len);
	fq_vclock();
	tdm_isdn_rx(fq.span, buf, len + 2);
}

/* Q.921 address of the harness's frames: C/R is 1 for the network's
 * commands and the user's responses (Q.921 3.3.2). */
static void fq_addr(uint8_t *a, bool cmd)
{
	a[0] = (uint8_t)((cmd == fq.net) << 1); /* SAPI 0 */
	a[1] = 0x01;				/* TEI 0, EA */
}

/* The harness's layer 2 duties, until libpri has nothing more to hear. */
static void fq_pump(void)
{
	uint8_t f[4];

	for (int i = 0; i < FQ_MAX_PUMP && fq.wrap && fq.span; i++) {
		if (fq.ua_due) {
			fq.ua_due = false;
			fq_addr(f, false);
			f[2] = fq.ua_final ? 0x73 : 0x63;
			/* a SABME resets both sequence numbers */
			fq.vs = fq.vr = 0;
			fq.established = true;
			fq_rx(f, 3);
		} else if (fq.rr_due && fq.established) {
			fq.rr_due = false;
			fq_addr(f, false);
			f[2] = 0x01;
			f[3] = (uint8_t)(fq.vr << 1 | (fq.rr_final ? 1 : 0));
			fq.rr_final = false;
			fq_rx(f, 4);
		} else {
			break;
		}
	}
}

/* A Q.931 message as the far end's next I-frame. */
static void fq_rx_iframe(const uint8_t *msg, size_t len)
{
	uint8_t f[FQ_MAX_FRAME + 4];

	if (!fq.established) {
		/* take the link up from our side first */
		fq_addr(f, true);
		f[2] = 0x7f; /* SABME, P */
		fq.vs = fq.vr = 0;
		fq_rx(f, 3);
		fq.established = true;
		fq_pump();
	}
	if (len > FQ_MAX_FRAME)
		len = FQ_MAX_FRAME;
	fq_addr(f, true);
	f[2] = (uint8_t)(fq.vs << 1);
	f[3] = (uint8_t)(fq.vr << 1);
	memcpy(f + 4, msg, len);
	fq.vs = (fq.vs + 1) & 127;
	/* it acknowledges everything libpri has sent so far */
	if (!fq.rr_final)
		fq.rr_due = false;
	fq_rx(f, len + 4);
	fq_pump();
}

/* Our outgoing call, as the gateway places one for a SIP INVITE. */
static void fq_place(void)
{
	struct tdm_setup s = {
		.called = "2125551234",
		.calling = "7035550100",
		.calling_name = "Fuzz Gateway",
		.overlap = (fq.f1 & 32) != 0,
	};

	if (fq.placed || !fq.span || !tdm_span_is_up(fq.span))
		return;
	fq.placed = true;
	if (s.overlap)
		s.called = "212";
	fq_vclock();
	tdm_call_place(fq.span, &s, NULL, &fq.ours);
}

/* Lets virtual time run ms, firing due timers in order. */
static void fq_advance(uint64_t ms)
{
	uint64_t end = fq.now + ms;

	while (fq.fires < FQ_MAX_FIRES) {
		struct fq_timer *t = NULL;

		for (int i = 0; i < FQ_TIMERS; i++)
			if (fq.tmr[i].live && fq.tmr[i].at <= end &&
			    (!t || fq.tmr[i].at < t->at))
				t = &fq.tmr[i];
		if (!t)
			break;
		if (t->at > fq.now)
			fq.now = t->at;
		t->live = false;
		fq.fires++;
		fq_vclock();
		t->fn(t->arg);
		fq_pump();
		if (fq.f0 & 128)
			fq_place();
	}
	if (fq.fires < FQ_MAX_FIRES)
		fq.now = end;
}

/* Layer 1 news, as a driver gives it: inside the span's dispatch (a
 * user freeing the span from the event is deferred to its end). */
static void fq_l1(bool up)
{
	struct tdm_span *span = fq.span;

	fq_vclock();
	tdm_span_enter(span);
	tdm_span_l1(span, up);
	if (tdm_span_leave(span))
		fq.span = NULL;
}

static void fq_l1_up(void)
{
	fq.ua_due = fq.rr_due = fq.established = false;
	fq.vs = fq.vr = 0;
	fq_l1(true);
	fq_pump();
}

static void fq_start(void)
{
	static const char *const sw[] = { "ni2", "dms100", "5ess", "euroisdn",
					  "qsig" };
	unsigned swi = (fq.f0 & 7) % 5;
	struct tdm_span_cfg cfg = {
		.id = 1,
		.type = swi == 3 ? TDM_SPAN_E1 : TDM_SPAN_T1,
		.role = fq.f0 & 8 ? TDM_ROLE_NET : TDM_ROLE_CPE,
		.switchtype = sw[swi],
		.overlap = (fq.f0 & 32) != 0,
		.no_restart_on_start = !(fq.f0 & 64),
	};
	struct tdm_hooks h = {
		.now = fq_now,
		.timer_start = fq_timer_start,
		.timer_stop = fq_timer_stop,
		.fd_watch = fq_fd_watch,
		.fd_unwatch = fq_fd_unwatch,
		.log = fq_log,
		.event = fq_event,
	};

	fq.net = fq.f0 & 8 ? false : true; /* the far end of a CPE span */
	fq.wrap = (fq.f0 & 16) != 0;
	fq_vclock();
	if (tdm_span_alloc_drv(&cfg, &h, &fq_drv, &fq.span)) {
		fq.span = NULL;
		return;
	}
	/* our own timers within reach of the time words */
	tdm_span_set_timer(fq.span, "T302", 5000);
	tdm_span_set_timer(fq.span, "T310", 10000);
	if (fq.f1 & 128) {
		tdm_span_set_timer(fq.span, "T200", 200);
		tdm_span_set_timer(fq.span, "T203", 2000);
		tdm_span_set_timer(fq.span, "T303", 1000);
	}
	if (fq.f1 & 64)
		tdm_span_set_trace(fq.span, true);
	if (tdm_span_start(fq.span)) {
		tdm_span_free(fq.span);
		fq.span = NULL;
		return;
	}
	fq_l1_up();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int verbose = -1;
	size_t pos = 3;
	const uint8_t *frame;
	size_t len;
	unsigned word;

	if (size < 3)
		return 0;
	if (verbose < 0)
		verbose = getenv("FUZZ_Q931_VERBOSE") != NULL;
	memset(&fq, 0, sizeof(fq));
	fq.verbose = verbose;
	fq.f0 = data[0];
	fq.f1 = data[1];
	fq.f2 = data[2];
	fq_start();
	while (fq.span &&
	       fuzz_next_dgram(data, size, &pos, 0x1ff, &word, &frame, &len)) {
		unsigned v = word >> 9;

		fq_advance(v < 100 ? v * 10u : (v - 99u) * 2000u);
		if (fq.f0 & 128)
			fq_place();
		fq_vclock();
		if (!fq.span)
			break;
		if (!len && v == 127) {
			/* the cable pulled and put back */
			fq_l1(false);
			if (fq.span)
				fq_l1_up();
		} else if (!len && v == 126) {
			tdm_span_restart(fq.span, 0);
		} else if (!len && v == 125) {
			fq.blocked = !fq.blocked;
			tdm_span_chan_block(fq.span, 1, fq.blocked);
		} else if (len && fq.wrap) {
			fq_rx_iframe(frame, len);
		} else if (len) {
			fq_rx(frame, len);
		}
		fq_pump();
	}
	/* let the calls' and libpri's timers run out a while */
	if (fq.span)
		fq_advance(2000);
	fq_vclock();
	tdm_span_free(fq.span);
	for (int i = 0; i < FQ_TIMERS; i++)
		if (fq.tmr[i].live) {
			/* a timer outliving its span would fire into freed
			 * memory in the daemon */
			fprintf(stderr, "fuzz_q931: timer left after free\n");
			abort();
		}
	/* the retired controllers: tdm/ never touches them again */
	if (fq.verbose)
		fprintf(stderr, "libpri blocks left: %zu\n", fq_heap_n);
	fq_pri_free_all();
	tdm_vclock_off();
	return 0;
}
