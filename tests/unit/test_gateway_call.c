/*
 * gateway/call.c: the call state machine driven end to end in one process.
 * The gateway (struct gw from an in-memory configuration) runs its CPE span
 * against an in-process NET span (the PSTN switch) and its SIP stack
 * against an in-process SIP peer (the phone), all on one gw_loop over
 * 127.0.0.1 and a Unix socket in a temp dir. Each test scripts the two
 * ends, records what they see and checks both legs, the counters, and
 * that every call is gone afterwards.
 * GW_CALL_TEST_VERBOSE=1 prints the gateway and library logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "gateway/ctl.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/net.h"

#define NET_TX_BYTE 0x55  /* what the PSTN phone says (µ-law) */
#define PEER_TX_BYTE 0x2A /* what the SIP phone says (PCMU) */
#define MAX_EV 64
#define PEER_MAX_CALLS 4
#define NO_ANSWER_S 30 /* the default for these tests; two tests lower it */
#define SEV_INVITE SIP_CALL_EV__COUNT /* peer record: an INVITE arrived */

/* ---- the PSTN side: a NET span, the switch ---------------------------- */

enum net_action {
	NET_NONE,
	NET_ALERT,
	NET_ANSWER,
	NET_ALERT_ANSWER,
	NET_REJECT
};

struct pev {
	enum tdm_event_type type;
	int cause, chan;
	char called[TDM_NUM_MAX], calling[TDM_NUM_MAX];
};

struct pstn {
	struct gw_hookctx hctx;
	struct tdm_span *span;
	struct pev ev[MAX_EV];
	int nev;
	struct { /* what to do with an incoming SETUP */
		enum net_action on_setup;
		int reject_cause;
		unsigned answer_ms;
	} script;
	struct gw_timer *answer_timer;
	struct tdm_call *in, *out; /* latest incoming / placed call */
	int live;		   /* calls not yet released */
	unsigned rx_match;	   /* blocks heard carrying PEER_TX_BYTE */
};

/* ---- the SIP side: a phone with its own stack ------------------------- */

/* PEER_ANSWER_G729: answers, but with a codec the gateway did not offer */
enum peer_action { PEER_ANSWER, PEER_ANSWER_G729, PEER_RING, PEER_REJECT };

struct sev {
	int type; /* SIP_CALL_EV_* or SEV_INVITE */
	unsigned code;
	int cause;
};

struct pcall {
	struct sip_call *sc; /* NULL: a free slot */
	char answer[1024];
	struct sockaddr_in rtp_dst;
	bool have_dst;
	struct gw_timer *answer_timer, *rtp_timer;
	unsigned rtp_left;
	uint16_t seq;
	uint32_t ts;
};

struct peer {
	struct gw_hookctx hctx;
	struct sip_stack *sip;
	struct gw_sipudp udp; /* fd and the same stack */
	int fd, rtp_fd;
	unsigned port;
	struct sdp_codec codec;
	struct sdp_local local;
	struct sev ev[MAX_EV];
	int nev;
	char ruri_user[64], from_user[64];
	struct { /* what to do with an incoming INVITE */
		enum peer_action on_invite;
		unsigned reject_code, answer_ms;
	} script;
	struct pcall calls[PEER_MAX_CALLS];
	unsigned rtp_match; /* datagrams carrying NET_TX_BYTE */
	unsigned rtp_any;   /* PCMU datagrams with audio, any */
};

static const struct sdp_codec g729 = { .pt = 18, .name = "G729", .rate = 8000 };

static struct {
	struct gw_loop *loop;
	char dir[64], path[128];
	struct gw gw;
	struct pstn net;
	struct peer peer;
	struct gw_counters base;
} H;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Runs the loop until cond holds, bounded in wall time and iterations. */
#define RUN_UNTIL(cond, max_ms)                                              \
	do {                                                                 \
		uint64_t end_ = mono_ms() + (uint64_t)(max_ms);              \
		for (int i_ = 0; !(cond) && i_ < 200000 && mono_ms() < end_; \
		     i_++)                                                   \
			gw_loop_once(H.loop, 5);                             \
	} while (0)

#define WAIT_FOR(cond, max_ms)           \
	do {                             \
		RUN_UNTIL(cond, max_ms); \
		assert_true(cond);       \
	} while (0)

/* ---- PSTN hooks ------------------------------------------------------- */

static struct pstn *pstn_of(void *arg)
{
	return gw_container_of(arg, struct pstn, hctx);
}

static void net_answer_fired(void *arg)
{
	struct pstn *p = arg;

	p->answer_timer = NULL;
	if (p->in)
		tdm_call_answer(p->in);
}

static void net_event(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const struct tdm_event *ev)
{
	struct pstn *p = pstn_of(arg);

	if (!call)
		return; /* span-level events */
	if (p->nev < MAX_EV) {
		struct pev *r = &p->ev[p->nev++];

		*r = (struct pev){ .type = ev->type,
				   .cause = ev->cause,
				   .chan = ev->chan };
		snprintf(r->called, sizeof(r->called), "%s",
			 ev->called ? ev->called : "");
		snprintf(r->calling, sizeof(r->calling), "%s",
			 ev->calling ? ev->calling : "");
	}
	if (ev->type == TDM_EV_SETUP) {
		p->in = call;
		p->live++;
		if (p->script.on_setup == NET_REJECT)
			tdm_call_hangup(call, p->script.reject_cause);
		if (p->script.on_setup == NET_REJECT ||
		    p->script.on_setup == NET_NONE)
			return;
		tdm_call_proceeding(call);
		tdm_call_alerting(call, false);
		if (p->script.on_setup == NET_ANSWER)
			tdm_call_answer(call);
		if (p->script.on_setup == NET_ALERT_ANSWER)
			p->answer_timer =
				gw_timer_start(H.loop, p->script.answer_ms,
					       net_answer_fired, p);
	} else if (ev->type == TDM_EV_RELEASED) {
		p->live--;
		if (p->in == call) {
			if (p->answer_timer)
				gw_timer_stop(H.loop, p->answer_timer);
			p->answer_timer = NULL;
			p->in = NULL;
		}
		if (p->out == call)
			p->out = NULL;
	}
}

/* The phone on every B-channel in use: says NET_TX_BYTE, listens for the
 * SIP phone's PEER_TX_BYTE. */
static void net_audio(void *arg, struct tdm_span *span, struct tdm_call *call,
		      const uint8_t *rx, uint8_t *tx, size_t n)
{
	size_t i;

	for (i = 0; i < n && rx[i] == PEER_TX_BYTE; i++)
		;
	if (n && i == n)
		pstn_of(arg)->rx_match++;
	memset(tx, NET_TX_BYTE, n);
}

static int net_find(enum tdm_event_type t, int from)
{
	for (int i = from; i < H.net.nev; i++)
		if (H.net.ev[i].type == t)
			return i;
	return -1;
}

static int net_count(enum tdm_event_type t)
{
	int n = 0;

	for (int i = 0; i < H.net.nev; i++)
		n += H.net.ev[i].type == t;
	return n;
}

/* The PSTN places a call towards the gateway. */
static void net_call(const char *called, const char *calling)
{
	struct tdm_setup s = { .called = called, .calling = calling };

	assert_int_equal(tdm_call_place(H.net.span, &s, NULL, &H.net.out), 0);
	H.net.live++;
}

/* ---- SIP peer hooks --------------------------------------------------- */

static struct peer *peer_of(void *arg)
{
	return gw_container_of(arg, struct peer, hctx);
}

static int peer_send(void *arg, const struct sip_addr *dst, const void *buf,
		     size_t len)
{
	return gw_sipudp_send(&peer_of(arg)->udp, dst, buf, len);
}

static void peer_record(int type, unsigned code, int cause)
{
	if (H.peer.nev < MAX_EV)
		H.peer.ev[H.peer.nev++] = (struct sev){ type, code, cause };
}

static struct pcall *pcall_new(void)
{
	for (int i = 0; i < PEER_MAX_CALLS; i++)
		if (!H.peer.calls[i].sc)
			return memset(&H.peer.calls[i], 0,
				      sizeof(struct pcall));
	return NULL;
}

static void pcall_done(struct pcall *pc)
{
	if (pc->answer_timer)
		gw_timer_stop(H.loop, pc->answer_timer);
	if (pc->rtp_timer)
		gw_timer_stop(H.loop, pc->rtp_timer);
	memset(pc, 0, sizeof(*pc));
}

static void peer_answer_fired(void *arg)
{
	struct pcall *pc = arg;

	pc->answer_timer = NULL;
	if (pc->sc)
		sip_call_respond(pc->sc, 200, NULL, pc->answer);
}

static void peer_incoming(void *arg, struct sip_call *sc,
			  const struct sip_msg *inv)
{
	struct peer *p = peer_of(arg);
	struct sip_pl ruser = sip_msg_ruri_user(inv);
	struct sip_pl fuser = sip_msg_from_user(inv);
	struct sip_pl ctype, body = sip_msg_body(inv, &ctype);
	struct sdp_session offer;
	struct sdp_result res;
	struct pcall *pc;
	size_t len;

	sip_pl_copy(&ruser, p->ruri_user, sizeof(p->ruri_user));
	sip_pl_copy(&fuser, p->from_user, sizeof(p->from_user));
	peer_record(SEV_INVITE, 0, -1);
	if (p->script.on_invite == PEER_REJECT || !(pc = pcall_new())) {
		sip_call_respond(
			sc, p->script.reject_code ? p->script.reject_code : 486,
			NULL, NULL);
		return;
	}
	pc->sc = sc;
	sip_call_set_user(sc, pc);
	if (sdp_parse(&offer, body.p, body.l) ||
	    sdp_answer(&offer, &p->local, &res, pc->answer, sizeof(pc->answer),
		       &len) ||
	    gw_sockaddr_in(&pc->rtp_dst, res.addr, res.port)) {
		sip_call_respond(sc, 488, NULL, NULL);
		return;
	}
	pc->have_dst = true;
	if (p->script.on_invite == PEER_ANSWER_G729) {
		struct sdp_local bad = p->local;

		bad.codecs = &g729;
		sdp_build_offer(&bad, pc->answer, sizeof(pc->answer), &len);
	}
	sip_call_respond(sc, 180, NULL, NULL);
	if (p->script.on_invite != PEER_RING)
		pc->answer_timer = gw_timer_start(H.loop, p->script.answer_ms,
						  peer_answer_fired, pc);
}

static char reoffer_answer[1024]; /* SDP of the last REOFFER_DONE */

static void peer_event(void *arg, struct sip_call *sc,
		       const struct sip_call_event *ev)
{
	struct pcall *pc = sip_call_user(sc);
	struct sdp_session s;
	struct sdp_result res;

	peer_record(ev->type, ev->code, ev->q850_cause);
	if (ev->type == SIP_CALL_EV_REOFFER_DONE)
		snprintf(reoffer_answer, sizeof(reoffer_answer), "%.*s",
			 (int)ev->sdp.l, ev->sdp.p ? ev->sdp.p : "");
	if (pc && ev->type == SIP_CALL_EV_ANSWERED && ev->sdp.l &&
	    !sdp_parse(&s, ev->sdp.p, ev->sdp.l) &&
	    !sdp_accept_answer(&s, &H.peer.local, &res) &&
	    !gw_sockaddr_in(&pc->rtp_dst, res.addr, res.port))
		pc->have_dst = true;
	if (pc && ev->type == SIP_CALL_EV_ENDED)
		pcall_done(pc);
}

static void peer_rtp_readable(void *arg, uint32_t events)
{
	struct peer *p = arg;
	uint8_t buf[2048];
	struct rtp_hdr h;

	for (;;) {
		ssize_t n = recv(p->rtp_fd, buf, sizeof(buf), 0);
		size_t i;

		if (n < 0)
			return;
		if (rtp_hdr_parse(&h, buf, (size_t)n) || h.pt != 0 ||
		    !h.payload_len)
			continue;
		p->rtp_any++;
		for (i = 0; i < h.payload_len && h.payload[i] == NET_TX_BYTE;
		     i++)
			;
		if (i == h.payload_len)
			p->rtp_match++;
	}
}

/* The SIP phone talks: one 20 ms PCMU packet of PEER_TX_BYTE per tick. */
static void peer_rtp_tick(void *arg)
{
	struct pcall *pc = arg;
	uint8_t payload[160], pkt[256];
	struct rtp_hdr h = {
		.pt = 0, .seq = pc->seq++, .ts = pc->ts, .ssrc = 0x5eed1234u
	};
	size_t len;

	pc->rtp_timer = NULL;
	pc->ts += sizeof(payload);
	memset(payload, PEER_TX_BYTE, sizeof(payload));
	if (!rtp_build(&h, payload, sizeof(payload), pkt, sizeof(pkt), &len))
		sendto(H.peer.rtp_fd, pkt, len, 0,
		       (const struct sockaddr *)&pc->rtp_dst,
		       sizeof(pc->rtp_dst));
	if (--pc->rtp_left && pc->sc)
		pc->rtp_timer = gw_timer_start(H.loop, 20, peer_rtp_tick, pc);
}

static void peer_talk(struct pcall *pc, unsigned packets)
{
	assert_true(pc->have_dst);
	pc->rtp_left = packets;
	pc->seq = 1000;
	pc->ts = 160000;
	peer_rtp_tick(pc);
}

static struct pcall *peer_invite(const char *called, const char *from_user,
				 const struct sdp_local *loc)
{
	char ruri[96], sdp[1024];
	size_t len;
	struct pcall *pc = pcall_new();
	struct sip_call_params prm = { .ruri = ruri, .from_user = from_user };

	assert_non_null(pc);
	snprintf(ruri, sizeof(ruri), "sip:%s@127.0.0.1:%u", called,
		 H.gw.cfg.sip_port);
	assert_int_equal(sip_addr_set(&prm.dst, "127.0.0.1",
				      (uint16_t)H.gw.cfg.sip_port),
			 0);
	assert_int_equal(sdp_build_offer(loc, sdp, sizeof(sdp), &len), 0);
	prm.sdp = sdp;
	assert_int_equal(sip_call_invite(H.peer.sip, &prm, pc, &pc->sc), 0);
	return pc;
}

static int peer_find(int type, int from)
{
	for (int i = from; i < H.peer.nev; i++)
		if (H.peer.ev[i].type == type)
			return i;
	return -1;
}

static int peer_count(int type)
{
	int n = 0;

	for (int i = 0; i < H.peer.nev; i++)
		n += H.peer.ev[i].type == type;
	return n;
}

/* ---- whole-harness checks --------------------------------------------- */

static bool idle(void)
{
	struct sip_stats ps, gs;

	sip_stack_stats(H.peer.sip, &ps);
	sip_stack_stats(H.gw.sip, &gs);
	return H.gw.ncalls == 0 && H.net.live == 0 &&
	       tdm_span_calls(H.net.span, NULL, 0) == 0 &&
	       tdm_span_calls(H.gw.spans[0].span, NULL, 0) == 0 &&
	       ps.active_calls == 0 && gs.active_calls == 0;
}

static bool gw_chans_idle(void)
{
	struct tdm_span *s = H.gw.spans[0].span;

	for (int i = 0; i < tdm_span_bchans(s); i++)
		if (tdm_span_chan_state(s, tdm_span_bchan_ts(s, i)) !=
		    TDM_CHAN_IDLE)
			return false;
	return true;
}

/* Counter deltas since the test began. Every finished call has one
 * outcome: answered, failed or abandoned (the caller gave up first). */
static void expect_stats(long pstn, long sip, long answered, long failed,
			 long no_route)
{
	const struct gw_counters *s = &H.gw.stats, *b = &H.base;
	long abandoned = pstn + sip - answered - failed;

	assert_int_equal(s->calls_from_pstn - b->calls_from_pstn, pstn);
	assert_int_equal(s->calls_from_sip - b->calls_from_sip, sip);
	assert_int_equal(s->calls_answered - b->calls_answered, answered);
	assert_int_equal(s->calls_failed - b->calls_failed, failed);
	assert_int_equal(s->calls_abandoned - b->calls_abandoned, abandoned);
	assert_int_equal(s->no_route - b->no_route, no_route);
	assert_int_equal(s->bad_events, b->bad_events);
}

/* Every test ends with both legs gone on both sides and the channel free. */
static void expect_idle(void)
{
	WAIT_FOR(idle(), 4000);
	assert_int_equal(H.gw.ncalls, 0);
	assert_true(gw_chans_idle());
}

/* ---- setup and teardown ----------------------------------------------- */

static unsigned pick_port(unsigned salt)
{
	return 20000u + ((unsigned)getpid() * 7u + salt * 211u) % 10000u;
}

static int load_gw(unsigned sip_port)
{
	unsigned rtp_min = 30000u + ((unsigned)getpid() % 100u) * 200u;
	char text[2048];
	struct cfg_errors errs = { 0 };
	FILE *f;
	int err;

	snprintf(text, sizeof(text),
		 "[general]\nlog_level = err\n"
		 "[sip]\nlisten = 127.0.0.1:%u\nt1_ms = 50\nno_answer_s = %d\n"
		 "[media]\nrtp_port_min = %u\nrtp_port_max = %u\n"
		 "[span 1]\ntype = t1\nrole = cpe\ndriver = loop\npath = %s\n"
		 "group = pri\n"
		 "[trunk phone]\naddress = 127.0.0.1:%u\n"
		 "[route pstn-to-sip]\nfrom = pstn\nprefix = 555\n"
		 "target = trunk phone\n"
		 "[route sip-to-pstn]\nfrom = sip\nprefix = 212\nstrip = 3\n"
		 "add = 9\ntarget = group pri\n",
		 sip_port, NO_ANSWER_S, rtp_min, rtp_min + 198, H.path,
		 H.peer.port);
	f = fmemopen(text, strlen(text), "r");
	if (!f)
		return errno;
	memset(&H.gw, 0, sizeof(H.gw));
	err = cfg_load_stream(&H.gw.cfg, f, "test.conf", &errs);
	fclose(f);
	if (err && errs.text)
		fprintf(stderr, "%s", errs.text);
	cfg_errors_release(&errs);
	H.gw.loop = H.loop;
	return err;
}

static int start_net(void)
{
	struct tdm_hooks h;
	struct tdm_span_cfg tc = {
		.id = 9,
		.type = TDM_SPAN_T1,
		.role = TDM_ROLE_NET,
		.driver = "loop",
		.loop_path = H.path,
		.loop_mode = TDM_LOOP_SERVER,
	};

	gw_hooks_tdm_init(&h, &H.net.hctx);
	h.event = net_event;
	h.audio = net_audio;
	H.net.hctx.loop = H.loop;
	if (tdm_span_alloc(&tc, &h, &H.net.span))
		return -1;
	return tdm_span_start(H.net.span) ? -1 : 0;
}

static int start_peer(void)
{
	struct sip_hooks h;
	struct sip_stack_cfg sc = { .local_ip = "127.0.0.1", .t1_ms = 50 };
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int err = EADDRINUSE;

	gw_hooks_sip_init(&h, &H.peer.hctx);
	h.send = peer_send;
	h.call_incoming = peer_incoming;
	h.call_event = peer_event;
	H.peer.hctx.loop = H.loop;
	H.peer.fd = H.peer.rtp_fd = -1;
	for (unsigned salt = 1; err == EADDRINUSE && salt < 50; salt++) {
		H.peer.port = pick_port(salt);
		err = gw_udp_bind("127.0.0.1", H.peer.port, &H.peer.fd);
	}
	if (err || gw_udp_bind("127.0.0.1", 0, &H.peer.rtp_fd) ||
	    getsockname(H.peer.rtp_fd, (struct sockaddr *)&sin, &slen))
		return -1;
	sc.local_port = (uint16_t)H.peer.port;
	H.peer.codec =
		(struct sdp_codec){ .pt = 0, .name = "PCMU", .rate = 8000 };
	H.peer.local = (struct sdp_local){
		.ip = "127.0.0.1",
		.port = ntohs(sin.sin_port),
		.codecs = &H.peer.codec,
		.ncodecs = 1,
		.ptime = 20,
		.te_pt = -1,
		.sess_id = 4242,
		.sess_version = 1,
		.dir = SDP_DIR_SENDRECV,
	};
	if (sip_stack_alloc(&H.peer.sip, &sc, &h))
		return -1;
	H.peer.udp = (struct gw_sipudp){ .fd = H.peer.fd, .sip = H.peer.sip };
	if (gw_loop_fd_add(H.loop, H.peer.fd, EPOLLIN, gw_sipudp_readable,
			   &H.peer.udp) ||
	    gw_loop_fd_add(H.loop, H.peer.rtp_fd, EPOLLIN, peer_rtp_readable,
			   &H.peer))
		return -1;
	return 0;
}

static int group_setup(void **state)
{
	int err = EADDRINUSE;

	gw_log_init("test_gateway_call", false);
	gw_log_set_level_all(getenv("GW_CALL_TEST_VERBOSE") ? LOG_DEBUG
							    : LOG_CRIT);
	snprintf(H.dir, sizeof(H.dir), "/tmp/gwcallXXXXXX");
	if (!mkdtemp(H.dir))
		return -1;
	snprintf(H.path, sizeof(H.path), "%s/span1.sock", H.dir);
	H.loop = gw_loop_alloc();
	if (!H.loop || start_net() || start_peer())
		return -1;
	for (unsigned salt = 100; err == EADDRINUSE && salt < 150; salt++) {
		unsigned port = pick_port(salt);

		if (port == H.peer.port || load_gw(port))
			continue;
		err = gw_start(&H.gw);
		if (err == EADDRINUSE)
			gw_stop(&H.gw);
	}
	if (err)
		return -1;
	RUN_UNTIL(tdm_span_is_up(H.gw.spans[0].span) &&
			  tdm_span_is_up(H.net.span),
		  5000);
	return tdm_span_is_up(H.gw.spans[0].span) ? 0 : -1;
}

static void close_watched(int fd)
{
	if (fd < 0)
		return;
	gw_loop_fd_del(H.loop, fd);
	close(fd);
}

static int group_teardown(void **state)
{
	for (int i = 0; i < PEER_MAX_CALLS; i++)
		pcall_done(&H.peer.calls[i]);
	if (H.net.answer_timer)
		gw_timer_stop(H.loop, H.net.answer_timer);
	gw_stop(&H.gw);
	tdm_span_free(H.net.span);
	gw_hookctx_release(&H.net.hctx);
	sip_stack_free(H.peer.sip);
	gw_hookctx_release(&H.peer.hctx);
	close_watched(H.peer.fd);
	close_watched(H.peer.rtp_fd);
	gw_loop_free(H.loop);
	unlink(H.path);
	rmdir(H.dir);
	return 0;
}

/* Per test: clear the records and scripts; clear up after a failed test. */
static int reset(void **state)
{
	RUN_UNTIL(idle(), 3000);
	if (!idle()) {
		struct tdm_call *tc[8];
		int n = tdm_span_calls(H.net.span, tc, 8);

		for (int i = 0; i < n && i < 8; i++)
			tdm_call_hangup(tc[i], 16);
		for (int i = 0; i < PEER_MAX_CALLS; i++)
			if (H.peer.calls[i].sc)
				sip_call_hangup(H.peer.calls[i].sc, 480, 16);
		RUN_UNTIL(idle(), 4000);
	}
	H.net.nev = H.peer.nev = 0;
	memset(&H.net.script, 0, sizeof(H.net.script));
	memset(&H.peer.script, 0, sizeof(H.peer.script));
	H.net.rx_match = H.peer.rtp_match = H.peer.rtp_any = 0;
	H.gw.cfg.release_tone = 0;
	H.gw.cfg.release_tone_s = 4;
	H.peer.ruri_user[0] = H.peer.from_user[0] = '\0';
	H.gw.cfg.no_answer_s = NO_ANSWER_S;
	H.base = H.gw.stats;
	return idle() ? 0 : -1;
}

/* The first record of an event type, after waiting for it. */
static const struct pev *wait_net(enum tdm_event_type t)
{
	RUN_UNTIL(net_find(t, 0) >= 0, 3000);
	if (net_find(t, 0) < 0)
		fail_msg("the PSTN side saw no %s", tdm_event_type_name(t));
	return &H.net.ev[net_find(t, 0)];
}

static const struct sev *wait_peer(int type)
{
	RUN_UNTIL(peer_find(type, 0) >= 0, 3000);
	if (peer_find(type, 0) < 0)
		fail_msg("the SIP phone saw no %s",
			 type == SEV_INVITE
				 ? "INVITE"
				 : sip_call_ev_name(
					   (enum sip_call_ev_type)type));
	return &H.peer.ev[peer_find(type, 0)];
}

/* show rtp's line for the one call: rx packets, or -1 while the line
 * has no counters yet (they come from the show before). */
static long long show_rtp_rx(char *line, size_t size)
{
	static struct gw_ctl_out o;
	long long rx = -1;
	unsigned id;

	o.len = 0;
	assert_true(gw_ctl_exec(&H.gw, "show rtp", &o));
	snprintf(line, size, "%.*s", (int)strcspn(o.buf, "\n"), o.buf);
	assert_string_equal(o.buf + strlen(line), "\nok\n"); /* one call */
	if (sscanf(line, "call %u: rtp rx %lld ", &id, &rx) != 2)
		assert_non_null(
			strstr(line, ": rtp counters on the next show"));
	return rx;
}

/* ---- 1. PSTN -> SIP ----------------------------------------------------- */

/* A PSTN call reaches the trunk as an INVITE for the called number from
 * the calling number; the phone's 180 becomes ALERTING and its 200 a
 * CONNECT; audio flows both ways; the PSTN's DISCONNECT 16 becomes a BYE
 * carrying Reason Q.850 cause 16. */
static void pstn_to_sip_answered(void **state)
{
	H.peer.script.answer_ms = 150;
	net_call("5551234", "7185550123");
	wait_peer(SEV_INVITE);
	assert_string_equal(H.peer.ruri_user, "5551234");
	assert_string_equal(H.peer.from_user, "7185550123");

	wait_net(TDM_EV_CONNECT);
	int alert = net_find(TDM_EV_ALERTING, 0);

	assert_true(alert >= 0 && alert < net_find(TDM_EV_CONNECT, 0));
	assert_int_equal(H.gw.ncalls, 1);
	wait_peer(SIP_CALL_EV_CONFIRMED);

	/* RTP both ways: TDM -> RTP at the phone, RTP -> TDM at the switch */
	peer_talk(&H.peer.calls[0], 40);
	WAIT_FOR(H.peer.rtp_match >= 5 && H.net.rx_match >= 3, 3000);

	/* show rtp has the worker's live counters: the phone's packets
	 * counted, nothing bad or foreign */
	char line[512];

	RUN_UNTIL(show_rtp_rx(line, sizeof(line)) >= 3, 3000);
	assert_true(show_rtp_rx(line, sizeof(line)) >= 3);
	assert_non_null(strstr(line, " bad 0 foreign 0 jitter "));
	assert_non_null(strstr(line, " s ago"));

	assert_int_equal(tdm_call_hangup(H.net.out, 16), 0);
	assert_int_equal(wait_peer(SIP_CALL_EV_BYE)->cause, 16);
	expect_idle();
	assert_int_equal(net_count(TDM_EV_RELEASED), 1);
	assert_int_equal(peer_count(SIP_CALL_EV_ENDED), 1);
	expect_stats(1, 0, 1, 0, 0);
}

/* ---- 2. SIP -> PSTN ----------------------------------------------------- */

/* An INVITE to 212... leaves on a B-channel as SETUP for the rewritten
 * number (strip 3, add 9) with the From user as calling number; ALERTING
 * and CONNECT come back as 180 and 200; audio flows both ways; the
 * phone's BYE clears the channel with cause 16. */
static void sip_to_pstn_answered(void **state)
{
	H.net.script.on_setup = NET_ALERT_ANSWER;
	H.net.script.answer_ms = 150;
	struct pcall *pc =
		peer_invite("2125550100", "7005551000", &H.peer.local);
	const struct pev *setup = wait_net(TDM_EV_SETUP);

	assert_string_equal(setup->called, "95550100");
	assert_string_equal(setup->calling, "7005551000");
	assert_int_equal(wait_peer(SIP_CALL_EV_ANSWERED)->code, 200);
	int ring = peer_find(SIP_CALL_EV_PROGRESS, 0);

	assert_true(ring >= 0 && ring < peer_find(SIP_CALL_EV_ANSWERED, 0));
	assert_int_equal(H.peer.ev[ring].code, 180);

	peer_talk(pc, 40);
	WAIT_FOR(H.peer.rtp_match >= 5 && H.net.rx_match >= 3, 3000);

	assert_int_equal(sip_call_hangup(pc->sc, 0, 16), 0);
	wait_net(TDM_EV_RELEASED);
	int disc = net_find(TDM_EV_DISCONNECT, 0);

	assert_true(disc >= 0 && disc < net_find(TDM_EV_RELEASED, 0));
	assert_int_equal(H.net.ev[disc].cause, 16);
	expect_idle();
	expect_stats(0, 1, 1, 0, 0);
}

static void clear_records(void);

/* The phone puts the call on hold and back (re-INVITE sendonly, then
 * sendrecv): the gateway answers recvonly, then sendrecv, with a new o=
 * version each time, and the call stays up. */
static void sip_hold_resume(void **state)
{
	H.net.script.on_setup = NET_ALERT_ANSWER;
	H.net.script.answer_ms = 50;
	struct pcall *pc =
		peer_invite("2125550100", "7005551000", &H.peer.local);
	wait_peer(SIP_CALL_EV_ANSWERED);
	struct sdp_local hold = H.peer.local;
	char sdp[1024];
	size_t len;

	hold.dir = SDP_DIR_SENDONLY;
	hold.sess_version++;
	assert_int_equal(sdp_build_offer(&hold, sdp, sizeof(sdp), &len), 0);
	assert_int_equal(sip_call_reoffer(pc->sc, sdp), 0);
	assert_int_equal(wait_peer(SIP_CALL_EV_REOFFER_DONE)->code, 200);
	assert_non_null(strstr(reoffer_answer, "a=recvonly"));
	assert_non_null(strstr(reoffer_answer, " 2 IN IP4"));
	clear_records();
	hold.dir = SDP_DIR_SENDRECV;
	hold.sess_version++;
	assert_int_equal(sdp_build_offer(&hold, sdp, sizeof(sdp), &len), 0);
	assert_int_equal(sip_call_reoffer(pc->sc, sdp), 0);
	assert_int_equal(wait_peer(SIP_CALL_EV_REOFFER_DONE)->code, 200);
	assert_non_null(strstr(reoffer_answer, "a=sendrecv"));
	assert_non_null(strstr(reoffer_answer, " 3 IN IP4"));
	assert_int_equal(H.gw.ncalls, 1);
	assert_int_equal(sip_call_hangup(pc->sc, 0, 16), 0);
	wait_net(TDM_EV_RELEASED);
	expect_idle();
}

/* ---- 3. cause and status mapping ---------------------------------------- */

static void clear_records(void)
{
	H.net.nev = H.peer.nev = 0;
	H.base = H.gw.stats;
}

/* The switch rejects a SIP call: busy (17) is 486 Busy Here, unallocated
 * number (1) is 404 Not Found, each with the cause in a Reason header. */
static void net_reject_maps_to_sip(void **state)
{
	static const struct {
		int cause;
		unsigned code;
	} map[] = {
		{ 17, 486 },
		{ 1, 404 },
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		clear_records();
		H.net.script.on_setup = NET_REJECT;
		H.net.script.reject_cause = map[i].cause;
		peer_invite("2125550100", "7005551000", &H.peer.local);
		const struct sev *f = wait_peer(SIP_CALL_EV_FAILED);

		assert_int_equal(f->code, map[i].code);
		assert_int_equal(f->cause, map[i].cause);
		expect_idle();
		assert_int_equal(net_count(TDM_EV_SETUP), 1);
		expect_stats(0, 1, 0, 1, 0);
	}
}

/* release_tone: the switch refuses a SIP call with busy: the PSTN leg
 * clears at once, the phone gets 183 and the tone as RTP for
 * release_tone_s, then 486. A cause without a tone (1) is 404 at once; a
 * CANCEL during the tone ends it at once (no 503 after it). */
static void release_tone_to_sip(void **state)
{
	uint64_t t0;

	H.gw.cfg.release_tone = 1;
	H.gw.cfg.release_tone_s = 1;
	H.net.script.on_setup = NET_REJECT;
	H.net.script.reject_cause = 17;
	peer_invite("2125550100", "7005551000", &H.peer.local);
	assert_int_equal(wait_peer(SIP_CALL_EV_PROGRESS)->code, 183);
	t0 = mono_ms();
	wait_net(TDM_EV_RELEASED);
	assert_int_equal(peer_find(SIP_CALL_EV_FAILED, 0), -1);
	const struct sev *f = wait_peer(SIP_CALL_EV_FAILED);

	assert_int_equal(f->code, 486);
	assert_int_equal(f->cause, 17);
	assert_true(mono_ms() - t0 >= 800);
	assert_true(H.peer.rtp_any >= 25); /* 1 s of tone: 50 packets */
	expect_idle();
	expect_stats(0, 1, 0, 1, 0);
	assert_int_equal(H.gw.stats.release_tones - H.base.release_tones, 1);
	assert_int_equal(H.gw.stats.release_tone_by[0][0] -
				 H.base.release_tone_by[0][0],
			 1);

	clear_records();
	H.net.script.reject_cause = 1;
	peer_invite("2125550100", "7005551000", &H.peer.local);
	assert_int_equal(wait_peer(SIP_CALL_EV_FAILED)->code, 404);
	assert_int_equal(peer_find(SIP_CALL_EV_PROGRESS, 0), -1);
	expect_idle();
	assert_int_equal(H.gw.stats.release_tones - H.base.release_tones, 0);

	clear_records();
	H.gw.cfg.release_tone_s = 10;
	H.net.script.reject_cause = 34;
	struct pcall *pc =
		peer_invite("2125550100", "7005551000", &H.peer.local);

	assert_int_equal(wait_peer(SIP_CALL_EV_PROGRESS)->code, 183);
	wait_net(TDM_EV_RELEASED);
	t0 = mono_ms();
	assert_int_equal(sip_call_hangup(pc->sc, 0, 16), 0);
	expect_idle();
	assert_true(mono_ms() - t0 < 3000);
	assert_int_equal(peer_find(SIP_CALL_EV_FAILED, 0), -1);
	/* cause 34: congestion */
	assert_int_equal(H.gw.stats.release_tone_by[0][1] -
				 H.base.release_tone_by[0][1],
			 1);
}

/* The phone rejects a PSTN call: 486 is DISCONNECT cause 17, 480 is
 * cause 19 (no answer); the PSTN call is never connected. */
static void sip_reject_maps_to_cause(void **state)
{
	static const struct {
		unsigned code;
		int cause;
	} map[] = {
		{ 486, 17 },
		{ 480, 19 },
	};

	H.peer.script.on_invite = PEER_REJECT;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		clear_records();
		H.peer.script.reject_code = map[i].code;
		net_call("5551234", "7185550123");
		assert_int_equal(wait_net(TDM_EV_DISCONNECT)->cause,
				 map[i].cause);
		expect_idle();
		assert_int_equal(peer_count(SEV_INVITE), 1);
		assert_int_equal(net_find(TDM_EV_CONNECT, 0), -1);
		expect_stats(1, 0, 0, 1, 0);
	}
}

/* No [route] from sip matches 312...: 404 (Reason cause 1), and no
 * B-channel is tried. */
static void sip_no_route_is_404(void **state)
{
	peer_invite("3125550100", "7005551000", &H.peer.local);
	const struct sev *f = wait_peer(SIP_CALL_EV_FAILED);

	assert_int_equal(f->code, 404);
	assert_int_equal(f->cause, 1);
	expect_idle();
	assert_int_equal(H.net.nev, 0);
	expect_stats(0, 1, 0, 1, 1);
}

/* No [route] from pstn matches 444...: DISCONNECT cause 1, no INVITE. */
static void pstn_no_route_is_cause_1(void **state)
{
	net_call("4441234", "7185550123");
	assert_int_equal(wait_net(TDM_EV_DISCONNECT)->cause, 1);
	expect_idle();
	assert_int_equal(H.peer.nev, 0);
	expect_stats(1, 0, 0, 1, 1);
}

/* A SIP call the PSTN only rings for: after no_answer_s the phone gets
 * 480 (Reason cause 19) and the switch DISCONNECT cause 19. */
static void sip_to_pstn_no_answer(void **state)
{
	uint64_t t0 = mono_ms();

	H.gw.cfg.no_answer_s = 1;
	H.net.script.on_setup = NET_ALERT;
	peer_invite("2125550100", "7005551000", &H.peer.local);
	assert_int_equal(wait_peer(SIP_CALL_EV_PROGRESS)->code, 180);
	const struct sev *f = wait_peer(SIP_CALL_EV_FAILED);

	assert_true(mono_ms() - t0 >= 900);
	assert_int_equal(f->code, 480);
	assert_int_equal(f->cause, 19);
	assert_int_equal(wait_net(TDM_EV_DISCONNECT)->cause, 19);
	expect_idle();
	expect_stats(0, 1, 0, 1, 0);
}

/* A PSTN call the phone only rings for: after no_answer_s the INVITE is
 * cancelled (Reason cause 19) and the switch gets DISCONNECT cause 19. */
static void pstn_to_sip_no_answer(void **state)
{
	H.gw.cfg.no_answer_s = 1;
	H.peer.script.on_invite = PEER_RING;
	net_call("5551234", "7185550123");
	wait_net(TDM_EV_ALERTING);
	assert_int_equal(wait_net(TDM_EV_DISCONNECT)->cause, 19);
	assert_int_equal(wait_peer(SIP_CALL_EV_CANCELLED)->cause, 19);
	expect_idle();
	expect_stats(1, 0, 0, 1, 0);
}

/* ---- 4. CANCEL before answer ------------------------------------------ */

/* The SIP caller gives up while the PSTN rings: its CANCEL ends the call,
 * the switch gets DISCONNECT 16 then RELEASED, and the gateway's
 * B-channel is idle again. (calls_failed: see the next test.) */
static void sip_cancel_before_answer(void **state)
{
	H.net.script.on_setup = NET_ALERT;
	struct pcall *pc =
		peer_invite("2125550100", "7005551000", &H.peer.local);

	wait_peer(SIP_CALL_EV_PROGRESS);
	int chan = wait_net(TDM_EV_SETUP)->chan;

	assert_int_equal(tdm_span_chan_state(H.gw.spans[0].span, chan),
			 TDM_CHAN_IN_USE);
	assert_int_equal(sip_call_hangup(pc->sc, 0, 16), 0);
	wait_net(TDM_EV_RELEASED);
	int disc = net_find(TDM_EV_DISCONNECT, 0);

	assert_true(disc >= 0 && disc < net_find(TDM_EV_RELEASED, 0));
	assert_int_equal(H.net.ev[disc].cause, 16);
	/* the stack ends its own cancelled INVITE without a FAILED event */
	expect_idle();
	assert_int_equal(peer_count(SIP_CALL_EV_ENDED), 1);
	assert_int_equal(peer_find(SIP_CALL_EV_ANSWERED, 0), -1);
	assert_int_equal(tdm_span_chan_state(H.gw.spans[0].span, chan),
			 TDM_CHAN_IDLE);
	expect_stats(0, 1, 0, 0, 0); /* abandoned */
}

/* The PSTN caller gives up while the phone rings: the INVITE is cancelled
 * with Reason cause 16, and the call counts as abandoned, as above. */
static void pstn_abandon_before_answer(void **state)
{
	H.peer.script.on_invite = PEER_RING;
	net_call("5551234", "7185550123");
	wait_net(TDM_EV_ALERTING);
	assert_int_equal(tdm_call_hangup(H.net.out, 16), 0);
	assert_int_equal(wait_peer(SIP_CALL_EV_CANCELLED)->cause, 16);
	expect_idle();
	expect_stats(1, 0, 0, 0, 0); /* abandoned */
}

/* ---- 6. codec negotiation ---------------------------------------------- */

/* An offer with only G.729 (PT 18): 488, and no SETUP on the PSTN. */
static void unsupported_codec_is_488(void **state)
{
	struct sdp_local loc = H.peer.local;

	loc.codecs = &g729;
	peer_invite("2125550100", "7005551000", &loc);
	assert_int_equal(wait_peer(SIP_CALL_EV_FAILED)->code, 488);
	expect_idle();
	assert_int_equal(H.net.nev, 0);
	expect_stats(0, 1, 0, 1, 0);
}

/* The phone answers a PSTN call with a codec the gateway never offered:
 * nothing can be bridged, so the gateway ends the SIP dialog with a BYE
 * (Reason cause 58) and clears the PSTN call with cause 58. */
static void answer_without_common_codec(void **state)
{
	H.peer.script.on_invite = PEER_ANSWER_G729;
	net_call("5551234", "7185550123");
	assert_int_equal(wait_net(TDM_EV_DISCONNECT)->cause, 58);
	assert_int_equal(net_find(TDM_EV_CONNECT, 0), -1);
	assert_int_equal(wait_peer(SIP_CALL_EV_BYE)->cause, 58);
	expect_idle();
	expect_stats(1, 0, 0, 1, 0);
}

/* ---- 5. shutdown (last: the gateway refuses calls afterwards) ----------- */

/* With one call up each way, gw_shutdown clears both with DISCONNECT 16
 * on the PSTN and BYE on SIP; the loop is stopped once both are gone, and
 * a new INVITE meanwhile gets 503. */
static void shutdown_releases_everything(void **state)
{
	H.net.script.on_setup = NET_ANSWER;
	net_call("5551234", "7185550123");
	wait_peer(SIP_CALL_EV_CONFIRMED);
	peer_invite("2125550100", "7005551000", &H.peer.local);
	wait_peer(SIP_CALL_EV_ANSWERED);
	assert_int_equal(H.gw.ncalls, 2);
	assert_int_equal(H.net.live, 2);

	gw_shutdown(&H.gw);
	assert_false(gw_loop_stopped(H.loop)); /* calls are still clearing */
	WAIT_FOR(gw_loop_stopped(H.loop), 3000);
	assert_int_equal(H.gw.ncalls, 0);
	expect_idle();
	assert_int_equal(net_count(TDM_EV_DISCONNECT), 2);
	for (int i = 0; i < H.net.nev; i++)
		if (H.net.ev[i].type == TDM_EV_DISCONNECT)
			assert_int_equal(H.net.ev[i].cause, 16);
	assert_int_equal(peer_count(SIP_CALL_EV_BYE), 2);
	assert_int_equal(peer_count(SIP_CALL_EV_ENDED), 2);

	peer_invite("2125550100", "7005551000", &H.peer.local);
	assert_int_equal(wait_peer(SIP_CALL_EV_FAILED)->code, 503);
	assert_int_equal(H.gw.stats.refused_stopping - H.base.refused_stopping,
			 1);
	expect_idle();
	expect_stats(1, 2, 2, 1, 0); /* the refused one failed */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(pstn_to_sip_answered, reset),
		cmocka_unit_test_setup(sip_to_pstn_answered, reset),
		cmocka_unit_test_setup(sip_hold_resume, reset),
		cmocka_unit_test_setup(net_reject_maps_to_sip, reset),
		cmocka_unit_test_setup(sip_reject_maps_to_cause, reset),
		cmocka_unit_test_setup(release_tone_to_sip, reset),
		cmocka_unit_test_setup(sip_no_route_is_404, reset),
		cmocka_unit_test_setup(pstn_no_route_is_cause_1, reset),
		cmocka_unit_test_setup(sip_to_pstn_no_answer, reset),
		cmocka_unit_test_setup(pstn_to_sip_no_answer, reset),
		cmocka_unit_test_setup(sip_cancel_before_answer, reset),
		cmocka_unit_test_setup(pstn_abandon_before_answer, reset),
		cmocka_unit_test_setup(unsupported_codec_is_488, reset),
		cmocka_unit_test_setup(answer_without_common_codec, reset),
		cmocka_unit_test_setup(shutdown_releases_everything, reset),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
