/*
 * sipua: a scriptable SIP test phone built on the project's own SIP stack
 * and media session. It calls or answers, plays a tone, measures the
 * dominant frequency it hears, and prints one machine-readable line per
 * event, so integration tests can check audio end to end.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/hooks.h"
#include "gateway/log.h"
#include "gateway/loop.h"
#include "gateway/media_net.h"
#include "gateway/media_prof.h"
#include "gateway/net.h"
#include "gateway/siptcp.h"
#include "gateway/sipudp.h"
#include "media/media.h"
#include "sip/sip.h"
#include "tools/sipua/sipua.h"

static struct ua *ua_of(void *arg)
{
	return gw_container_of(arg, struct ua, hctx);
}

/* ---- output ---- */

void ev(struct ua *ua, const char *fmt, ...)
{
	va_list ap;

	printf("sipua t=%llu ",
	       (unsigned long long)(gw_loop_now(ua->loop) - ua->t0));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* ---- media ----------------------------------------------------------- */

static int rtp_send(void *arg, const struct media_addr *dst, const void *pkt,
		    size_t len)
{
	struct ua_call *c = arg;

	/* the session picks the (latched) destination */
	return gw_media_sendto(c->rtp_fd, dst, pkt, len);
}

static void rtp_readable(void *arg, uint32_t events)
{
	struct ua_call *c = arg;

	/* bounded: a flood cannot hold the loop (level-triggered: the
	 * rest is read on the next round) */
	gw_media_rtp_drain(c->rtp_fd, c->media, 64);
}

static int media_open(struct ua *ua, struct ua_call *c)
{
	int err = gw_rtp_bind(ua->rtp_ip, 20000, 29998, &ua->rtp_next,
			      &c->rtp_fd, &c->rtp_port);

	if (err)
		return err;
	err = gw_loop_fd_add(ua->loop, c->rtp_fd, EPOLLIN, rtp_readable, c);
	if (err)
		return err;
	c->local = (struct sdp_local){
		.ip = ua->rtp_ip,
		.port = (uint16_t)c->rtp_port,
		.codecs = &ua->codec,
		.ncodecs = 1,
		.ptime = 20,
		.te_pt = ua->dtmf_mode == MEDIA_DTMF_RFC4733 ? 101 : -1,
		.sess_id = 4000 + c->n,
		.sess_version = 1,
		.dir = SDP_DIR_SENDRECV,
	};
	media_tonegen_init(&c->gen, ua->tone, -10);
	media_freqmeter_init(&c->meter);
	if (ua_srtp_local(c))
		return EIO;
	return ua_dtmf_init(&c->dtmf, ua->dtmf_mode, ua->digits);
}

static int media_start(struct ua_call *c, const struct sdp_result *res)
{
	struct media_hooks h = { .arg = c,
				 .rtp_send = rtp_send,
				 .dtmf = ua_media_dtmf };
	bool te = c->ua->dtmf_mode == MEDIA_DTMF_RFC4733 && res->te_pt >= 0;
	struct media_sess_cfg mc = {
		.tdm_law = MEDIA_LAW_ULAW,
		.pt = res->pt,
		.ptime_ms = 20,
		.te_enabled = te,
		.te_pt = te ? (uint8_t)res->te_pt : 0,
		/* our keypad's tones leave as RFC 4733 events */
		.dtmf_detect = te,
		.fmtp = res->fmtp[0] ? res->fmtp : NULL,
		.cn_enabled = true,
	};
	int codec = media_codec_lookup(res->name);
	struct media_srtp_cfg sc;
	int err;

	if (codec < 0)
		return ENOTSUP;
	mc.codec = (enum media_codec)codec;
	gw_media_random_start(&mc);
	if (gw_sockaddr_in(&c->peer, res->addr, res->port))
		return EINVAL;
	gw_media_addr_from_sin(&mc.peer, &c->peer);
	if (gw_mprof_srtp_cfg(&c->local, res, &sc))
		mc.srtp = &sc;
	err = media_sess_alloc(&h, &mc, &c->media);
	memset(&sc, 0, sizeof(sc));
	if (!err)
		ua_srtp_started(c, res);
	return err;
}

/* The phone's own 20 ms clock: tone out, meter in. */
static void tick(void *arg)
{
	struct ua *ua = arg;
	int16_t pcm[BLOCK];
	uint8_t law[BLOCK];
	char heard[4], due;
	unsigned k;

	for (unsigned i = 0; i < MAX_CALLS; i++) {
		struct ua_call *c = &ua->calls[i];

		if (!c->used || !c->media || !c->talking)
			continue;
		media_tonegen_run(&c->gen, pcm, BLOCK);
		due = ua_dtmf_tx(&c->dtmf, pcm, BLOCK);
		if (due)
			ua_send_info(c, due);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, law, BLOCK);
		media_sess_tdm_in(c->media, law, BLOCK);
		media_sess_tdm_out(c->media, law, BLOCK);
		media_law_to_linear(MEDIA_LAW_ULAW, law, pcm, BLOCK);
		media_freqmeter_feed(&c->meter, pcm, BLOCK);
		k = ua_dtmf_rx(&c->dtmf, pcm, BLOCK, heard, 4);
		for (unsigned j = 0; j < k; j++)
			ev(ua, "event=dtmf call=%u digit=%c via=inband", c->n,
			   heard[j]);
	}
	ua->next_tick += TICK_US;
	gw_timer_start_at_us(ua->loop, ua->next_tick, tick, ua);
}

/* ---- calls ----------------------------------------------------------- */

static struct ua_call *call_new(struct ua *ua)
{
	for (unsigned i = 0; i < MAX_CALLS; i++) {
		struct ua_call *c = &ua->calls[i];

		if (c->used)
			continue;
		memset(c, 0, sizeof(*c));
		c->used = true;
		c->n = ++ua->ncalls;
		c->rtp_fd = -1;
		c->ua = ua;
		return c;
	}
	return NULL;
}

static void call_done(struct ua *ua, struct ua_call *c)
{
	if (c->media) {
		double level = 0;
		unsigned f = media_freqmeter_result(&c->meter, &level);
		struct media_stats st;

		media_sess_stats(c->media, &st);
		ev(ua,
		   "event=heard call=%u freq=%u level=%.1f rx_packets=%llu "
		   "tx_packets=%llu srtp_dropped=%llu",
		   c->n, f, level, (unsigned long long)st.rx_packets,
		   (unsigned long long)st.tx_packets,
		   (unsigned long long)(st.srtp_auth_fail + st.srtp_replay +
					st.srtp_bad));
	}
	if (c->answer_timer)
		gw_timer_stop(ua->loop, c->answer_timer);
	if (c->hangup_timer)
		gw_timer_stop(ua->loop, c->hangup_timer);
	if (c->cancel_timer)
		gw_timer_stop(ua->loop, c->cancel_timer);
	ua_srtp_done(c);
	if (c->refresh_timer)
		gw_timer_stop(ua->loop, c->refresh_timer);
	if (c->rtp_fd >= 0) {
		gw_loop_fd_del(ua->loop, c->rtp_fd);
		close(c->rtp_fd);
	}
	media_sess_free(c->media);
	ua_dtmf_free(&c->dtmf);
	memset(c, 0, sizeof(*c));
	ua->ended++;
	if (ua->exit_after && ua->ended >= ua->exit_after)
		gw_loop_stop(ua->loop);
	if (ua->stopping)
		for (unsigned i = 0; i < MAX_CALLS; i++)
			if (ua->calls[i].used)
				return;
	if (ua->stopping)
		gw_loop_stop(ua->loop);
}

static void hangup_fired(void *arg)
{
	struct ua_call *c = arg;

	c->hangup_timer = NULL;
	ev(c->ua, "event=hangup call=%u", c->n);
	sip_call_hangup(c->sip, c->ua->hangup_code, 16);
}

/* Only calls this phone placed are hung up by it; the far end ends the
 * others, so a test knows which side clears. */
static void cancel_fired(void *arg)
{
	struct ua_call *c = arg;

	c->cancel_timer = NULL;
	ev(c->ua, "event=cancel call=%u", c->n);
	sip_call_hangup(c->sip, 0, 16);
}

/* What a real peer's session timer does, on a test's time scale: a
 * refresh now and then; a 481 or no answer (the far end lost the dialog,
 * e.g. it was restarted) ends the call in the stack. */
static void refresh_fired(void *arg)
{
	struct ua_call *c = arg;
	struct ua *ua = c->ua;
	int err;

	c->refresh_timer = NULL;
	err = sip_call_refresh(c->sip);
	if (!c->used)
		return; /* ended inside */
	if (!err)
		ev(ua, "event=refresh call=%u", c->n);
	c->refresh_timer =
		gw_timer_start(ua->loop, ua->refresh_ms, refresh_fired, c);
}

static void talking(struct ua *ua, struct ua_call *c, bool placed)
{
	c->talking = true;
	ua_srtp_talking(c);
	if (ua->refresh_ms && !c->refresh_timer)
		c->refresh_timer = gw_timer_start(ua->loop, ua->refresh_ms,
						  refresh_fired, c);
	if (c->cancel_timer) {
		gw_timer_stop(ua->loop, c->cancel_timer);
		c->cancel_timer = NULL;
	}
	if (placed && ua->hangup_after_ms >= 0)
		c->hangup_timer =
			gw_timer_start(ua->loop, (uint64_t)ua->hangup_after_ms,
				       hangup_fired, c);
}

static void answer_fired(void *arg)
{
	struct ua_call *c = arg;

	c->answer_timer = NULL;
	if (!sip_call_respond(c->sip, 200, NULL, c->answer)) {
		ev(c->ua, "event=answer call=%u", c->n);
		talking(c->ua, c, false);
	}
}

static void incoming(void *arg, struct sip_call *scall,
		     const struct sip_msg *inv)
{
	struct ua *ua = ua_of(arg);
	struct sip_pl ruser = sip_msg_ruri_user(inv),
		      fuser = sip_msg_from_user(inv), ctype,
		      body = sip_msg_body(inv, &ctype);
	char to[64], from[64];
	struct ua_call *c = call_new(ua);
	struct sdp_session offer;
	struct sdp_result res;
	size_t len;

	sip_pl_copy(&ruser, to, sizeof(to));
	sip_pl_copy(&fuser, from, sizeof(from));
	if (!c) {
		sip_call_respond(scall, 486, NULL, NULL);
		return;
	}
	c->sip = scall;
	sip_call_set_user(scall, c);
	ev(ua, "event=incoming call=%u from=%s to=%s", c->n, from, to);
	if (ua->reject) {
		ev(ua, "event=reject call=%u code=%u", c->n, ua->reject);
		sip_call_respond(scall, ua->reject, NULL, NULL);
		return;
	}
	if (media_open(ua, c) || sdp_parse(&offer, body.p, body.l) ||
	    sdp_answer(&offer, &c->local, &res, c->answer, sizeof(c->answer),
		       &len) ||
	    media_start(c, &res)) {
		ev(ua, "event=reject call=%u code=488", c->n);
		sip_call_respond(scall, 488, NULL, NULL);
		return;
	}
	ua_srtp_mangle(c);
	sip_call_respond(scall, 180, NULL, NULL);
	if (ua->no_answer)
		return;
	c->answer_timer = gw_timer_start(
		ua->loop, (uint64_t)ua->answer_delay_ms, answer_fired, c);
}

/* A 1xx with SDP: media starts before the answer. */
static int early_media(struct ua_call *c, const struct sip_pl *sdp)
{
	struct sdp_session s;
	struct sdp_result res;

	if (sdp_parse(&s, sdp->p, sdp->l) ||
	    sdp_accept_answer(&s, &c->local, &res))
		return EINVAL;
	return media_start(c, &res);
}

static void call_event(void *arg, struct sip_call *scall,
		       const struct sip_call_event *e)
{
	struct ua *ua = ua_of(arg);
	struct ua_call *c = sip_call_user(scall);

	if (!c)
		return;
	switch (e->type) {
	case SIP_CALL_EV_PROGRESS:
		ev(ua, "event=progress call=%u code=%u%s", c->n, e->code,
		   e->sdp.l ? " sdp=1" : "");
		if (e->sdp.l && !c->media && !early_media(c, &e->sdp))
			c->talking = true; /* hear the early media */
		return;
	case SIP_CALL_EV_ANSWERED: {
		struct sdp_session s;
		struct sdp_result res;

		if (c->media && !e->sdp.l) { /* the early media's session */
			ev(ua, "event=answered call=%u codec=early", c->n);
			talking(ua, c, true);
			return;
		}
		media_sess_free(c->media);
		c->media = NULL;
		if (sdp_parse(&s, e->sdp.p, e->sdp.l) ||
		    sdp_accept_answer(&s, &c->local, &res) ||
		    media_start(c, &res)) {
			ev(ua, "event=bad_answer call=%u", c->n);
			sip_call_hangup(scall, 0, 88);
			return;
		}
		ev(ua, "event=answered call=%u codec=%s", c->n, res.name);
		talking(ua, c, true);
		return;
	}
	case SIP_CALL_EV_CONFIRMED:
		return;
	case SIP_CALL_EV_INFO:
		ua_info_rx(c, e);
		return;
	case SIP_CALL_EV_REOFFER_DONE:
		ua_srtp_reoffer_done(c, e);
		return;
	case SIP_CALL_EV_FAILED:
		ev(ua, "event=failed call=%u code=%u cause=%d", c->n, e->code,
		   e->q850_cause);
		return;
	case SIP_CALL_EV_CANCELLED:
		ev(ua, "event=cancelled call=%u cause=%d", c->n, e->q850_cause);
		return;
	case SIP_CALL_EV_BYE:
		ev(ua, "event=bye call=%u cause=%d", c->n, e->q850_cause);
		return;
	case SIP_CALL_EV_ENDED:
		ev(ua, "event=ended call=%u", c->n);
		sip_call_set_user(scall, NULL);
		call_done(ua, c);
		return;
	default:
		return;
	}
}

static void place_call(void *arg)
{
	struct ua *ua = arg;
	struct ua_call *c = call_new(ua);
	struct sip_uri uri;
	char host[64], sdp[1024];
	size_t len;

	if (!c)
		return;
	ua->calls_placed++;
	struct sip_call_params p = {
		.ruri = ua->call_uri,
		.from_user = ua->from,
	};

	if (sip_uri_parse(&uri, ua->call_uri, strlen(ua->call_uri)) ||
	    sip_pl_copy(&uri.host, host, sizeof(host)) ||
	    sip_addr_set(&p.dst, host,
			 uri.port		       ? uri.port
			 : ua->transport == SIP_TP_TLS ? 5061
						       : 5060) ||
	    media_open(ua, c) ||
	    sdp_build_offer(&c->local, sdp, sizeof(sdp), &len)) {
		ev(ua, "event=error call=%u reason=bad_uri_or_media", c->n);
		ua->exit_code = 1;
		call_done(ua, c);
		return;
	}
	p.dst.tp = ua->transport;
	p.extra_hdrs = ua->pad_hdr;
	p.sdp = sdp;
	ev(ua, "event=calling call=%u uri=%s", c->n, ua->call_uri);
	if (sip_call_invite(ua->sip, &p, c, &c->sip)) {
		ev(ua, "event=error call=%u reason=invite", c->n);
		call_done(ua, c);
		return;
	}
	if (ua->cancel_after_ms >= 0)
		c->cancel_timer =
			gw_timer_start(ua->loop, (uint64_t)ua->cancel_after_ms,
				       cancel_fired, c);
	if (ua->calls_placed < ua->calls_to_place)
		gw_timer_start(ua->loop, ua->interval_ms, place_call, ua);
}

/* ---- process --------------------------------------------------------- */

static int sip_send(void *arg, const struct sip_addr *dst, const void *buf,
		    size_t len)
{
	if (dst->tp != SIP_TP_UDP)
		return gw_siptcp_send(&ua_of(arg)->tcp, dst, buf, len);
	return gw_sipudp_send(&ua_of(arg)->udp, dst, buf, len);
}

static void stop_all(struct ua *ua)
{
	bool any = false;

	ua->stopping = true;
	for (unsigned i = 0; i < MAX_CALLS; i++)
		if (ua->calls[i].used && ua->calls[i].sip) {
			any = true;
			sip_call_hangup(ua->calls[i].sip, 503, 16);
		}
	if (!any)
		gw_loop_stop(ua->loop);
}

static void timeout_fired(void *arg)
{
	struct ua *ua = arg;

	ev(ua, "event=timeout");
	ua->exit_code = 3;
	gw_loop_stop(ua->loop);
}

struct sigctx {
	struct ua *ua;
	int fd;
};

static void on_signal(void *arg, uint32_t events)
{
	struct sigctx *sc = arg;
	struct signalfd_siginfo si;

	while (read(sc->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		stop_all(sc->ua);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: sipua --listen IP:PORT|[IPv6]:PORT [options]\n"
		"  --transport T       udp, tcp or tls for placed calls (default udp;\n"
		"                      TCP is always accepted on the listen port)\n"
		"  --tls-listen IP:PORT  accept TLS there (needs --tls-cert)\n"
		"  --tls-cert PEM --tls-key PEM --tls-ca PEM\n"
		"  --tls-verify none|peer  check the peer's certificate (default peer)\n"
		"  --rtp-ip IP         RTP address (default: the listen address)\n"
		"  --pad BYTES         add a header of BYTES to placed INVITEs\n"
		"  --call URI          place a call (sip:user@ip:port)\n"
		"  --from USER         calling user (default sipua)\n"
		"  --calls N           how many calls to place (default 1)\n"
		"  --interval MS       between placed calls (default 1000)\n"
		"  --answer-delay MS   answer incoming calls after MS (default 0)\n"
		"  --reject CODE       answer incoming calls with CODE (e.g. 486)\n"
		"  --no-answer         let incoming calls ring\n"
		"  --tone HZ           play a tone into every call (0: silence)\n"
		"  --hangup-after MS   hang up placed calls MS after answer\n"
		"  --cancel-after MS   cancel a placed call not answered after MS\n"
		"  --refresh MS        session refresh (RFC 4028) every MS in a call;\n"
		"                      a 481 or no answer ends the call\n"
		"  --codec NAME        offered/accepted codec: pcmu (default), pcma,\n"
		"                      g722, g726-32, aal2-g726-32, gsm, opus\n"
		"  --dtmf-mode MODE    rfc4733 (telephone-event), inband or info\n"
		"  --digits DIGITS     sent 1 s into each call, one per 300 ms (info:\n"
		"                      a non-digit is sent as is, a bad body)\n"
		"  --srtp SUITE        RTP/SAVP with one SDES key (RFC 4568)\n"
		"  --rekey-after MS    re-INVITE with a new SRTP key MS into a call\n"
		"  --rekey-suite SUITE   that key of another suite\n"
		"  --rekeys N          re-key N times (default 1), suites alternating\n"
		"  --srtp-answer-tag N   answer with crypto tag N (a broken phone)\n"
		"  --exit-after N      exit once N calls have ended\n"
		"  --timeout SEC       exit 3 after SEC seconds (default 60)\n"
		"Prints one line per event: sipua t=MS event=NAME key=value...\n");
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "listen", required_argument, NULL, 'L' },
		{ "call", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'F' },
		{ "calls", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "answer-delay", required_argument, NULL, 'a' },
		{ "reject", required_argument, NULL, 'r' },
		{ "no-answer", no_argument, NULL, 'N' },
		{ "tone", required_argument, NULL, 't' },
		{ "hangup-after", required_argument, NULL, 'H' },
		{ "codec", required_argument, NULL, 'C' },
		{ "dtmf-mode", required_argument, NULL, 'M' },
		{ "digits", required_argument, NULL, 'd' },
		{ "cancel-after", required_argument, NULL, 'X' },
		{ "refresh", required_argument, NULL, 'f' },
		{ "exit-after", required_argument, NULL, 'x' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "transport", required_argument, NULL, 'P' },
		{ "tls-listen", required_argument, NULL, 'S' },
		{ "tls-cert", required_argument, NULL, 'E' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tls-ca", required_argument, NULL, 'A' },
		{ "tls-verify", required_argument, NULL, 'V' },
		{ "rtp-ip", required_argument, NULL, 'R' },
		{ "pad", required_argument, NULL, 'D' },
		{ "srtp", required_argument, NULL, 's' },
		{ "rekey-after", required_argument, NULL, 'k' },
		{ "rekey-suite", required_argument, NULL, 'Y' },
		{ "srtp-answer-tag", required_argument, NULL, 'G' },
		{ "rekeys", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct ua ua;
	const char *listen = NULL, *tls_listen = NULL;
	struct gw_tls_cfg tls = { .verify = true };
	int opt;

	ua.from = "sipua";
	ua.calls_to_place = 1;
	ua.interval_ms = 1000;
	ua.hangup_after_ms = -1;
	ua.cancel_after_ms = -1;
	ua.timeout_s = 60;
	ua.dtmf_mode = UA_DTMF_NONE;
	ua.srtp_suite = -1;
	ua.rekey_after_ms = -1;
	ua.rekey_suite = -1;
	ua.answer_tag = -1;
	ua.rekeys = 1;
	ua.codec = (struct sdp_codec){ .pt = 0, .name = "PCMU", .rate = 8000 };
	while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (opt) {
		case 'L':
			listen = optarg;
			break;
		case 'c':
			ua.call_uri = optarg;
			break;
		case 'F':
			ua.from = optarg;
			break;
		case 'n':
			ua.calls_to_place = (unsigned)atoi(optarg);
			break;
		case 'i':
			ua.interval_ms = (unsigned)atoi(optarg);
			break;
		case 'a':
			ua.answer_delay_ms = atoi(optarg);
			break;
		case 'r':
			ua.reject = (unsigned)atoi(optarg);
			break;
		case 'N':
			ua.no_answer = true;
			break;
		case 't':
			ua.tone = (unsigned)atoi(optarg);
			break;
		case 'H':
			ua.hangup_after_ms = atoi(optarg);
			break;
		case 'X':
			ua.cancel_after_ms = atoi(optarg);
			break;
		case 'f':
			ua.refresh_ms = (unsigned)atoi(optarg);
			if (ua.refresh_ms < 100 || ua.refresh_ms > 3600000) {
				fprintf(stderr,
					"sipua: --refresh 100..3600000\n");
				return 2;
			}
			break;
		case 'x':
			ua.exit_after = (unsigned)atoi(optarg);
			break;
		case 'T':
			ua.timeout_s = (unsigned)atoi(optarg);
			break;
		case 'C': {
			int k = media_codec_lookup(optarg);
			const struct media_codec_info *ci =
				k < 0 ? NULL
				      : media_codec_get((enum media_codec)k);

			if (!ci) {
				fprintf(stderr, "sipua: unknown codec '%s'\n",
					optarg);
				return 2;
			}
			ua.codec = (struct sdp_codec){ .pt = ci->default_pt,
						       .name = ci->name,
						       .rate = ci->clock,
						       .channels = ci->channels,
						       .fmtp = ci->fmtp };
			break;
		}
		case 'M':
			ua.dtmf_mode = media_dtmf_mode_lookup(optarg);
			if (ua.dtmf_mode < 0) {
				fprintf(stderr,
					"sipua: unknown DTMF mode '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'd':
			ua.digits = optarg;
			break;
		case 's':
			ua.srtp_suite = media_srtp_suite_lookup(optarg);
			if (ua.srtp_suite < 0) {
				fprintf(stderr, "sipua: unknown suite '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'k':
			ua.rekey_after_ms = atoi(optarg);
			break;
		case 'G':
			ua.answer_tag = atoi(optarg);
			break;
		case 'W':
			ua.rekeys = (unsigned)atoi(optarg);
			break;
		case 'Y':
			ua.rekey_suite = media_srtp_suite_lookup(optarg);
			if (ua.rekey_suite < 0) {
				fprintf(stderr, "sipua: unknown suite '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'P':
			if (!strcmp(optarg, "tcp"))
				ua.transport = SIP_TP_TCP;
			else if (!strcmp(optarg, "tls"))
				ua.transport = SIP_TP_TLS;
			else if (strcmp(optarg, "udp")) {
				fprintf(stderr,
					"sipua: unknown transport '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'S':
			tls_listen = optarg;
			break;
		case 'E':
			tls.cert = optarg;
			break;
		case 'K':
			tls.key = optarg;
			break;
		case 'A':
			tls.ca = optarg;
			break;
		case 'V':
			tls.verify = strcmp(optarg, "none") != 0;
			break;
		case 'R':
			ua.rtp_ip = optarg;
			break;
		case 'D': {
			int pad = atoi(optarg);

			if (pad < 1 || pad > 8000) {
				fprintf(stderr, "sipua: --pad 1..8000\n");
				return 2;
			}
			ua.pad_hdr = malloc((size_t)pad + 16);
			if (!ua.pad_hdr)
				return 2;
			memcpy(ua.pad_hdr, "X-Pad: ", 7);
			memset(ua.pad_hdr + 7, 'p', (size_t)pad);
			memcpy(ua.pad_hdr + 7 + pad, "\r\n", 3);
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	char *colon = listen ? strrchr(listen, ':') : NULL;

	if (!colon || (size_t)(colon - listen) >= sizeof(ua.ip)) {
		usage(stderr);
		return 2;
	}
	/* [v6]:port */
	const char *hs = listen[0] == '[' ? listen + 1 : listen;
	size_t hl = (size_t)(colon - hs) - (listen[0] == '[');

	memcpy(ua.ip, hs, hl);
	ua.ip[hl] = '\0';
	ua.port = (unsigned)atoi(colon + 1);
	if (!ua.rtp_ip)
		ua.rtp_ip = ua.ip;
	gw_log_init("sipua", false);
	gw_log_set_level_all(getenv("SIPUA_DEBUG") ? LOG_DEBUG : LOG_WARNING);

	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	ua.loop = gw_loop_alloc();
	ua.hctx.loop = ua.loop;
	ua.t0 = gw_loop_now(ua.loop);
	ua.rtp_next = 20000 + (ua.port % 1000) * 8;

	struct sigctx sc = { .ua = &ua,
			     .fd = signalfd(-1, &mask, SFD_NONBLOCK) };
	int err = gw_udp_bind(ua.ip, ua.port, &ua.udp.fd);

	if (err) {
		fprintf(stderr, "sipua: cannot listen on %s: %s\n", listen,
			strerror(err));
		return 2;
	}
	struct sip_hooks h;
	struct sip_stack_cfg cfg = { .local_ip = ua.ip,
				     .local_port = (uint16_t)ua.port,
				     .user_agent = "pstngw-sipua" };

	gw_hooks_sip_init(&h, &ua.hctx);
	h.send = sip_send;
	h.call_incoming = incoming;
	h.call_event = call_event;
	if (sip_stack_alloc(&ua.sip, &cfg, &h)) {
		fprintf(stderr, "sipua: cannot start the SIP stack\n");
		return 2;
	}
	ua.udp.sip = ua.sip;
	if (gw_siptcp_init(&ua.tcp, ua.loop, &(struct gw_siptcp_cfg){ 0 }) ||
	    gw_siptcp_listen(&ua.tcp, SIP_TP_TCP, ua.ip, ua.port)) {
		fprintf(stderr, "sipua: cannot listen on %s/tcp\n", listen);
		return 2;
	}
	ua.tcp.sip = ua.sip;
	if (tls_listen || ua.transport == SIP_TP_TLS) {
		char why[256] = "";

		if (gw_siptcp_tls(&ua.tcp, &tls, why, sizeof(why))) {
			fprintf(stderr, "sipua: TLS: %s\n", why);
			return 2;
		}
	}
	if (tls_listen) {
		char tip[64];
		const char *tc = strrchr(tls_listen, ':');
		const char *th =
			tls_listen[0] == '[' ? tls_listen + 1 : tls_listen;
		size_t tl = tc ? (size_t)(tc - th) - (tls_listen[0] == '[') : 0;

		if (!tc || tl >= sizeof(tip)) {
			usage(stderr);
			return 2;
		}
		memcpy(tip, th, tl);
		tip[tl] = '\0';
		if (gw_siptcp_listen(&ua.tcp, SIP_TP_TLS, tip,
				     (unsigned)atoi(tc + 1))) {
			fprintf(stderr, "sipua: cannot listen on %s/tls\n",
				tls_listen);
			return 2;
		}
		sip_stack_set_port(ua.sip, SIP_TP_TLS, (uint16_t)atoi(tc + 1));
	}
	if (gw_loop_fd_add(ua.loop, ua.udp.fd, EPOLLIN, gw_sipudp_readable,
			   &ua.udp) ||
	    gw_loop_fd_add(ua.loop, sc.fd, EPOLLIN, on_signal, &sc)) {
		fprintf(stderr, "sipua: cannot start\n");
		return 2;
	}
	ua.next_tick = gw_loop_now_us(ua.loop) + TICK_US;
	gw_timer_start_at_us(ua.loop, ua.next_tick, tick, &ua);
	gw_timer_start(ua.loop, ua.timeout_s * 1000ull, timeout_fired, &ua);
	if (ua.call_uri)
		place_call(&ua);
	ev(&ua, "event=ready listen=%s", listen);
	gw_loop_run(ua.loop);
	for (unsigned i = 0; i < MAX_CALLS; i++)
		if (ua.calls[i].used)
			call_done(&ua, &ua.calls[i]);
	ev(&ua, "event=exit code=%d", ua.exit_code);
	gw_siptcp_release(&ua.tcp);
	sip_stack_free(ua.sip);
	free(ua.pad_hdr);
	close(ua.udp.fd);
	gw_loop_free(ua.loop);
	return ua.exit_code;
}
