/*
 * One sipfax call (see sipfax.h): its sockets, the SDP for audio and
 * T.38, the switch between them, and the fax result at the end.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/media_net.h"
#include "gateway/net.h"
#include "tools/sipfax/sipfax.h"

/* ---- sockets ---- */

static int udptl_send(void *arg, const uint8_t *pkt, size_t len)
{
	struct sf_call *c = arg;

	if (sendto(c->udptl_fd, pkt, len, 0, (struct sockaddr *)&c->udptl_peer,
		   sizeof(c->udptl_peer)) < 0)
		return errno;
	return 0;
}

static void udptl_readable(void *arg, uint32_t events)
{
	struct sf_call *c = arg;
	uint8_t buf[2048];
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	ssize_t n;

	for (int i = 0; i < 64; i++) {
		n = recvfrom(c->udptl_fd, buf, sizeof(buf), 0,
			     (struct sockaddr *)&sin, &sl);
		if (n < 0)
			return;
		sl = sizeof(sin);
		/* only the negotiated host may feed the fax */
		if (sf_term_mode(c->term) != SF_MODE_T38 ||
		    sin.sin_addr.s_addr != c->udptl_peer.sin_addr.s_addr) {
			c->udptl_foreign++;
			continue;
		}
		/* malformed datagrams are counted by UDPTL (t38_bad) */
		sf_term_udptl_in(c->term, buf, (size_t)n);
	}
}

/* What we offer (send), or the most we accept (recv: FEC if the
 * sender asks for it, T.38 Annex D lets the answer only go lower). */
static enum sdp_t38_ec t38_ec(const struct sf_opts *o)
{
	if (o->fec || (!o->send && o->redundancy))
		return SDP_T38_EC_FEC;
	return o->redundancy ? SDP_T38_EC_REDUNDANCY : SDP_T38_EC_NONE;
}

struct sf_call *sf_call_new(struct sf_app *app)
{
	unsigned max = app->o.media_port + SF_MEDIA_PORTS - 1;
	struct sf_call *c = NULL;
	int err;

	for (unsigned i = 0; i < SF_MAX_CALLS && !c; i++)
		if (!app->calls[i].used)
			c = &app->calls[i];
	if (!c) {
		sf_ev(app, "event=busy reason=too_many_calls");
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->used = true;
	c->app = app;
	c->n = ++app->ncalls;
	c->rtp_fd = c->udptl_fd = -1;
	c->sess_version = 1;
	err = gw_rtp_bind(app->media_ip, app->o.media_port, max,
			  &app->media_next, &c->rtp_fd, &c->rtp_port);
	if (!err)
		err = gw_rtp_bind(app->media_ip, app->o.media_port, max,
				  &app->media_next, &c->udptl_fd,
				  &c->udptl_port);
	if (!err)
		err = gw_loop_fd_add(app->loop, c->rtp_fd, EPOLLIN,
				     sf_rtp_readable, c);
	if (!err)
		err = gw_loop_fd_add(app->loop, c->udptl_fd, EPOLLIN,
				     udptl_readable, c);
	if (err) {
		sf_ev(app, "event=error call=%u reason=media_ports err=%s",
		      c->n, strerror(err));
		sf_call_free(c);
		return NULL;
	}
	/* both laws, the chosen one first: a fax needs no transcoding */
	c->codecs[app->o.law_alaw ? 1 : 0] =
		(struct sdp_codec){ .pt = 0, .name = "PCMU", .rate = 8000 };
	c->codecs[app->o.law_alaw ? 0 : 1] =
		(struct sdp_codec){ .pt = 8, .name = "PCMA", .rate = 8000 };
	c->local = (struct sdp_local){
		.ip = app->media_ip,
		.port = (uint16_t)c->rtp_port,
		.codecs = c->codecs,
		.ncodecs = 2,
		.ptime = 20,
		.te_pt = -1,
		.sess_id = 7000 + c->n,
		.dir = SDP_DIR_SENDRECV,
	};
	if (sf_audio_key(c)) {
		sf_ev(app, "event=error call=%u reason=srtp_key", c->n);
		sf_call_free(c);
		return NULL;
	}
	c->t38local = (struct sdp_t38_local){
		.ip = app->media_ip,
		.port = (uint16_t)c->udptl_port,
		.sess_id = 7000 + c->n,
		.caps = {
			.version = app->o.version,
			.max_bitrate = 14400,
			/* our offers; an answer echoes the offer's */
			.rate_mgmt = app->o.local_tcf ? SDP_T38_LOCAL_TCF
						      : SDP_T38_TRANSFERRED_TCF,
			.max_buffer = 2000,
			.max_datagram = app->o.max_datagram,
			.udp_ec = t38_ec(&app->o),
		},
	};
	return c;
}

void sf_call_free(struct sf_call *c)
{
	struct sf_app *app = c->app;

	if (c->bye_timer)
		gw_timer_stop(app->loop, c->bye_timer);
	if (c->rtp_fd >= 0) {
		gw_loop_fd_del(app->loop, c->rtp_fd);
		close(c->rtp_fd);
	}
	if (c->udptl_fd >= 0) {
		gw_loop_fd_del(app->loop, c->udptl_fd);
		close(c->udptl_fd);
	}
	sf_audio_end(c);
	sf_term_free(c->term);
	memset(c, 0, sizeof(*c));
}

/* ---- switching transports ---- */

static int start_audio(struct sf_call *c, const struct sdp_result *res)
{
	int err = sf_audio_start(c, res);

	if (!err)
		err = sf_term_start_audio(c->term);
	if (!err)
		sf_ev(c->app,
		      "event=mode call=%u mode=g711 codec=%s peer=%s:%u "
		      "srtp=%d%s%s",
		      c->n, res->name, res->addr, res->port, res->srtp ? 1 : 0,
		      res->srtp ? " suite=" : "",
		      res->srtp ? res->crypto_rx.suite : "");
	return err;
}

static int start_t38(struct sf_call *c, const struct sdp_t38_result *res)
{
	const struct sf_opts *o = &c->app->o;
	struct sf_t38_params p = {
		.version = res->t38.version,
		.local_tcf = res->t38.rate_mgmt == SDP_T38_LOCAL_TCF,
		.fill_bit_removal = res->t38.fill_bit_removal,
		.max_bitrate = res->t38.max_bitrate,
		.ec = res->t38.udp_ec == SDP_T38_EC_FEC ? MEDIA_UDPTL_EC_FEC
		      : res->t38.udp_ec == SDP_T38_EC_REDUNDANCY
			      ? MEDIA_UDPTL_EC_REDUNDANCY
			      : MEDIA_UDPTL_EC_NONE,
		.redundancy = o->redundancy ? o->redundancy : 1,
		.max_datagram = res->remote_max_datagram,
		.rx_max_datagram = o->max_datagram,
	};
	int err;

	if (gw_sockaddr_in(&c->udptl_peer, res->addr, res->port))
		return EINVAL;
	/* the audio session ends with the switch: no more RTP */
	sf_audio_end(c);
	err = sf_term_start_t38(c->term, &p, udptl_send, c);
	if (!err)
		c->had_t38 = true;
	if (!err)
		sf_ev(c->app,
		      "event=mode call=%u mode=t38 version=%u ec=%s peer=%s:%u"
		      " max_datagram=%u",
		      c->n, p.version, media_udptl_ec_name(p.ec), res->addr,
		      res->port, (unsigned)res->remote_max_datagram);
	return err;
}

/* ---- SDP ---- */

int sf_call_offer(struct sf_call *c, enum sf_offer offer, char *buf,
		  size_t size)
{
	char t38[1024];
	const char *m;
	size_t len, tl;
	int err;

	c->offer = offer;
	c->local.sess_version = c->t38local.sess_version = c->sess_version++;
	if (offer == SF_OFFER_T38)
		return sdp_t38_build_offer(&c->t38local, buf, size, &len);
	err = sdp_build_offer(&c->local, buf, size, &len);
	if (err || offer == SF_OFFER_AUDIO)
		return err;
	/* both: the audio session plus the T.38 offer's m=image section */
	err = sdp_t38_build_offer(&c->t38local, t38, sizeof(t38), &tl);
	if (err)
		return err;
	m = strstr(t38, "m=image");
	if (!m || len + strlen(m) + 1 > size)
		return ENOSPC;
	memcpy(buf + len, m, strlen(m) + 1);
	return 0;
}

void sf_call_answer_invite(struct sf_call *c, const struct sip_pl *sdp)
{
	struct sdp_session offer;
	struct sdp_t38_result tres;
	struct sdp_result ares;
	char ans[2048];
	size_t len;

	c->local.sess_version = c->t38local.sess_version = c->sess_version++;
	if (!sdp->l || sdp_parse(&offer, sdp->p, sdp->l)) {
		sf_ev(c->app, "event=reject call=%u code=488 reason=bad_sdp",
		      c->n);
		sip_call_respond(c->sip, 488, NULL, NULL);
		return;
	}
	if (sdp_t38_stream(&offer) && !c->app->o.refuse_t38 &&
	    !sdp_t38_answer(&offer, &c->t38local, &tres, ans, sizeof(ans),
			    &len) &&
	    !start_t38(c, &tres)) {
		sip_call_respond(c->sip, 200, NULL, ans);
		c->answered = true;
		return;
	}
	if (!sdp_answer(&offer, &c->local, &ares, ans, sizeof(ans), &len) &&
	    !start_audio(c, &ares)) {
		sip_call_respond(c->sip, 200, NULL, ans);
		c->answered = true;
		return;
	}
	sf_ev(c->app, "event=reject call=%u code=488 reason=%s", c->n,
	      sdp_t38_stream(&offer) ? "t38_refused" : "no_g711");
	sip_call_respond(c->sip, 488, NULL, NULL);
}

int sf_call_answered(struct sf_call *c, const struct sip_pl *sdp)
{
	struct sdp_session ans;
	struct sdp_t38_result tres;
	struct sdp_result ares;

	if (!sdp->l || sdp_parse(&ans, sdp->p, sdp->l))
		return EBADMSG;
	c->answered = true;
	if (c->offer != SF_OFFER_AUDIO &&
	    !sdp_t38_accept_answer(&ans, &c->t38local, &tres))
		return start_t38(c, &tres);
	if (c->offer != SF_OFFER_T38 &&
	    !sdp_accept_answer(&ans, &c->local, &ares))
		return start_audio(c, &ares);
	return ENOTSUP;
}

void sf_call_reoffer_in(struct sf_call *c, const struct sip_pl *sdp)
{
	struct sdp_session offer;
	struct sdp_t38_result tres;
	struct sdp_result ares;
	enum sf_mode mode = sf_term_mode(c->term);
	struct sf_term_result r;
	bool done = sf_term_done(c->term, &r), back;
	const char *why;
	char ans[2048];
	size_t len;

	/* no offer (a bare refresh): the stack answers with our last SDP */
	if (!sdp->l)
		return;
	c->local.sess_version = c->t38local.sess_version = c->sess_version++;
	if (sdp_parse(&offer, sdp->p, sdp->l)) {
		sf_ev(c->app, "event=reoffer call=%u answer=488 reason=bad_sdp",
		      c->n);
		sip_call_answer(c->sip, 488, NULL);
		return;
	}
	if (sdp_t38_stream(&offer)) {
		if (c->app->o.refuse_t38 ||
		    sdp_t38_answer(&offer, &c->t38local, &tres, ans,
				   sizeof(ans), &len)) {
			sf_ev(c->app, "event=reoffer call=%u answer=488 t38=1",
			      c->n);
			sip_call_answer(c->sip, 488, NULL);
			return;
		}
		/* already on T.38 (a session refresh): the fax goes on */
		if (mode == SF_MODE_T38) {
			gw_sockaddr_in(&c->udptl_peer, tres.addr, tres.port);
			sip_call_answer(c->sip, 200, ans);
			sf_ev(c->app,
			      "event=reoffer call=%u answer=200 t38=1 "
			      "restart=0",
			      c->n);
			return;
		}
		if (done || start_t38(c, &tres)) {
			sip_call_answer(c->sip, 488, NULL);
			return;
		}
		sip_call_answer(c->sip, 200, ans);
		sf_ev(c->app,
		      "event=reoffer call=%u answer=200 t38=1 restart=1", c->n);
		return;
	}
	/* audio: the same session again, or back to audio after the fax */
	if (mode == SF_MODE_T38 && (!done || c->app->o.refuse_audio)) {
		sf_ev(c->app, "event=reoffer call=%u answer=488 t38=0", c->n);
		sip_call_answer(c->sip, 488, NULL);
		return;
	}
	back = c->had_t38 && !c->media;
	why = sf_audio_answer(c, &offer, back, &ares, ans, sizeof(ans));
	if (why) {
		sf_ev(c->app,
		      "event=reoffer call=%u answer=488 t38=0 reason=%s", c->n,
		      why);
		sip_call_answer(c->sip, 488, NULL);
		return;
	}
	sip_call_answer(c->sip, 200, ans);
	sf_ev(c->app,
	      "event=reoffer call=%u answer=200 t38=0 srtp=%d back=%d%s", c->n,
	      ares.srtp ? 1 : 0, back ? 1 : 0,
	      back && c->app->o.bad_return_crypto ? " crypto=bad" : "");
}

void sf_call_ask_t38(struct sf_call *c)
{
	char sdp[1024];
	size_t len;

	if (c->t38_asked || !c->sip ||
	    sip_call_state(c->sip) != SIP_CALL_CONFIRMED)
		return;
	c->t38_asked = true;
	c->t38local.sess_version = c->sess_version++;
	if (sdp_t38_build_offer(&c->t38local, sdp, sizeof(sdp), &len) ||
	    sip_call_reoffer(c->sip, sdp)) {
		sf_ev(c->app, "event=t38_reinvite call=%u result=not_sent",
		      c->n);
		return;
	}
	sf_ev(c->app, "event=t38_reinvite call=%u", c->n);
}

void sf_call_reoffer_done(struct sf_call *c, unsigned code,
			  const struct sip_pl *sdp)
{
	struct sdp_session ans;
	struct sdp_t38_result tres;
	struct sf_term_result r;

	if (c->audio_asked) {
		sf_audio_asked_done(c, code, sdp);
		return;
	}
	if (code < 200 || code >= 300) {
		/* 488, 415, 606...: the fax goes on over G.711 */
		sf_ev(c->app, "event=t38_refused call=%u code=%u", c->n, code);
		return;
	}
	if (sf_term_done(c->term, &r))
		return;
	if (!sdp->l || sdp_parse(&ans, sdp->p, sdp->l) ||
	    sdp_t38_accept_answer(&ans, &c->t38local, &tres) ||
	    start_t38(c, &tres)) {
		sf_ev(c->app, "event=t38_refused call=%u code=%u reason=answer",
		      c->n, code);
		return;
	}
}

/* ---- the fax ---- */

static void bye_fired(void *arg)
{
	struct sf_call *c = arg;

	c->bye_timer = NULL;
	if (c->sip)
		sip_call_hangup(c->sip, 0, 16);
}

static void report(struct sf_call *c, const struct sf_term_result *r)
{
	struct sf_app *app = c->app;
	bool send = app->o.send;
	char line[1024];

	if (c->reported)
		return;
	c->reported = true;
	c->ok = sf_term_result_ok(r, send);
	app->faxes++;
	if (!c->ok)
		app->failed++;
	/* a receive that got nothing leaves no empty file behind */
	if (!send && r->pages < 1)
		unlink(c->file);
	printf("sipfax: %s %s: %d page%s%s, %d bit/s, ECM %s, %s; T.30 %d "
	       "(%s)",
	       send ? "sent" : "received", c->file, r->pages,
	       r->pages == 1 ? "" : "s",
	       send && r->pages != r->pages_in_file ? " (not all)" : "",
	       r->bit_rate, r->ecm ? "on" : "off",
	       r->mode == SF_MODE_T38 ? "T.38" : "G.711", r->code, r->text);
	if (r->mode == SF_MODE_T38)
		printf("; T.38 packets sent %llu, received %llu, recovered "
		       "%llu, lost %llu",
		       (unsigned long long)r->pkts_tx,
		       (unsigned long long)r->pkts_rx,
		       (unsigned long long)r->recovered,
		       (unsigned long long)r->lost);
	if (r->local_tcf)
		printf("; localTCF: %llu TCF checked (%llu bad), %llu made, "
		       "%llu TCF packets received",
		       (unsigned long long)r->tcf.tcf_checked,
		       (unsigned long long)r->tcf.tcf_bad,
		       (unsigned long long)r->tcf.tcf_made,
		       (unsigned long long)r->tcf.rx_tcf_data);
	printf("\n");
	if (sf_result_line(line, sizeof(line), send, c->file, c->callid, r))
		snprintf(line, sizeof(line), "result=%s",
			 c->ok ? "ok" : "failed");
	sf_ev(app, "event=fax call=%u %s udptl_foreign=%llu", c->n, line,
	      (unsigned long long)c->udptl_foreign);
}

/* recv --faxes-per-call: after a fax, a fresh terminal for the next one
 * into <file>-N.tif; it starts when the far end switches to T.38 again.
 * False: this was the call's last fax. */
static bool next_fax(struct sf_call *c)
{
	struct sf_app *app = c->app;
	unsigned want = app->o.faxes_per_call ? app->o.faxes_per_call : 1;
	struct sf_term *old = c->term;

	if (app->o.send || ++c->faxes_done >= want)
		return false;
	if (!c->file1[0])
		memcpy(c->file1, c->file, sizeof(c->file1));
	if (sf_spool_next(c->file1, c->faxes_done + 1, c->file,
			  sizeof(c->file)))
		return false;
	c->term = NULL;
	if (sf_app_term(app, c)) {
		c->term = old;
		return false;
	}
	sf_term_free(old);
	c->reported = false;
	sf_ev(app, "event=next_fax call=%u n=%u file=%s", c->n,
	      c->faxes_done + 1, c->file);
	return true;
}

void sf_call_tick(struct sf_call *c)
{
	struct sf_term_result r;
	int16_t rx[SF_BLOCK], tx[SF_BLOCK];
	uint8_t law[SF_BLOCK];

	if (!c->term)
		return;
	/* audio that carries no fax: back from T.38 (the fax on audio
	 * stops its sending once done, as before) */
	if (sf_term_mode(c->term) != SF_MODE_AUDIO)
		sf_audio_idle(c);
	if (c->reported)
		return;
	switch (sf_term_mode(c->term)) {
	case SF_MODE_AUDIO:
		if (!c->media)
			break;
		media_sess_tdm_out(c->media, law, SF_BLOCK);
		media_law_to_linear(MEDIA_LAW_ULAW, law, rx, SF_BLOCK);
		sf_term_audio(c->term, rx, tx, SF_BLOCK);
		media_linear_to_law(MEDIA_LAW_ULAW, tx, law, SF_BLOCK);
		media_sess_tdm_in(c->media, law, SF_BLOCK);
		if (c->placed && c->app->o.t38_reinvite &&
		    sf_term_answer_heard(c->term))
			sf_call_ask_t38(c);
		break;
	case SF_MODE_T38:
		sf_term_t38_tick(c->term, SF_BLOCK);
		break;
	default:
		break;
	}
	if (!sf_term_done(c->term, &r))
		return;
	report(c, &r);
	sf_audio_ask(c);
	if (next_fax(c))
		return;
	/* the sender clears (T.30: it sent DCN); the receiver waits */
	c->bye_timer =
		gw_timer_start(c->app->loop,
			       c->app->o.send	       ? SF_BYE_GRACE_MS
			       : c->app->o.bye_wait_ms ? c->app->o.bye_wait_ms
						       : SF_BYE_WAIT_MS,
			       bye_fired, c);
}

void sf_call_ended(struct sf_call *c)
{
	struct sf_term_result r;

	if (!c->term || !c->answered || c->reported)
		return;
	sf_term_stop(c->term);
	if (sf_term_done(c->term, &r))
		report(c, &r);
}
