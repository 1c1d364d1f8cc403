/*
 * sipfax: a SIP fax terminal on the project's SIP stack and spandsp. It
 * sends a TIFF to a SIP URI, or answers INVITEs and receives faxes into
 * a spool directory, over T.38 (UDPTL) or G.711, switching to T.38 when
 * either side re-INVITEs. It stands in for a fax server in the tests and
 * lets operators test a deployment. Exit codes: opts.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/net.h"
#include "tools/sipfax/sipfax.h"

static struct sf_app *app_of(void *arg)
{
	return gw_container_of(arg, struct sf_app, hctx);
}

void sf_ev(struct sf_app *app, const char *fmt, ...)
{
	va_list ap;

	printf("sipfax t=%llu ",
	       (unsigned long long)(gw_loop_now(app->loop) - app->t0));
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static bool any_call(const struct sf_app *app)
{
	for (unsigned i = 0; i < SF_MAX_CALLS; i++)
		if (app->calls[i].used)
			return true;
	return false;
}

/* The outcome once no call is left, by command. */
static void maybe_finish(struct sf_app *app)
{
	if (any_call(app))
		return;
	if (app->o.send || app->stopping ||
	    (app->o.count && app->faxes >= app->o.count))
		gw_loop_stop(app->loop);
}

int sf_app_term(struct sf_app *app, struct sf_call *c)
{
	struct sf_term_cfg tc = {
		.send = app->o.send,
		.file = app->o.send ? app->o.file : c->file,
		.calling = app->o.send,
		.ecm = app->o.ecm,
		.ident = app->o.ident,
		.verbose = app->o.verbose,
	};
	char err[512];

	c->term = sf_term_alloc(&tc, err, sizeof(err));
	if (!c->term) {
		fprintf(stderr, "sipfax: %s\n", err);
		sf_ev(app, "event=error call=%u reason=\"%s\"", c->n, err);
		return EINVAL;
	}
	return 0;
}

/* ---- send ---- */

static void place_call(struct sf_app *app, enum sf_offer offer)
{
	struct sf_call *c = sf_call_new(app);
	struct sip_uri uri;
	char host[64], sdp[2048];

	if (!c) {
		app->exit_code = SF_EXIT_USAGE;
		gw_loop_stop(app->loop);
		return;
	}
	c->placed = true;
	snprintf(c->file, sizeof(c->file), "%s", app->o.file);
	struct sip_call_params p = {
		.ruri = app->o.uri,
		.from_user = app->o.from,
	};
	if (sip_uri_parse(&uri, app->o.uri, strlen(app->o.uri)) ||
	    sip_pl_copy(&uri.host, host, sizeof(host)) ||
	    sip_addr_set(&p.dst, host, uri.port ? uri.port : 5060)) {
		sf_ev(app, "event=error reason=bad_uri uri=%s", app->o.uri);
		app->exit_code = SF_EXIT_USAGE;
		sf_call_free(c);
		gw_loop_stop(app->loop);
		return;
	}
	if (sf_app_term(app, c) || sf_call_offer(c, offer, sdp, sizeof(sdp))) {
		app->exit_code = SF_EXIT_USAGE;
		sf_call_free(c);
		gw_loop_stop(app->loop);
		return;
	}
	p.sdp = sdp;
	if (sip_call_invite(app->sip, &p, c, &c->sip)) {
		sf_ev(app, "event=error call=%u reason=invite", c->n);
		app->exit_code = SF_EXIT_CALL_FAILED;
		sf_call_free(c);
		gw_loop_stop(app->loop);
		return;
	}
	snprintf(c->callid, sizeof(c->callid), "%s", sip_call_callid(c->sip));
	sf_ev(app, "event=calling call=%u uri=%s offer=%s callid=%s", c->n,
	      app->o.uri,
	      offer == SF_OFFER_T38    ? "t38"
	      : offer == SF_OFFER_BOTH ? "both"
				       : "audio",
	      c->callid);
}

/* ---- recv ---- */

static void incoming(void *arg, struct sip_call *scall,
		     const struct sip_msg *inv)
{
	struct sf_app *app = app_of(arg);
	struct sip_pl ctype, body = sip_msg_body(inv, &ctype),
			     fuser = sip_msg_from_user(inv);
	char from[64];
	struct sf_call *c;

	if (app->o.send || app->stopping) {
		sip_call_respond(scall, app->o.send ? 403 : 503, NULL, NULL);
		return;
	}
	c = sf_call_new(app);
	if (!c) {
		sip_call_respond(scall, 486, NULL, NULL);
		return;
	}
	c->sip = scall;
	sip_call_set_user(scall, c);
	snprintf(c->callid, sizeof(c->callid), "%s", sip_call_callid(scall));
	sip_pl_copy(&fuser, from, sizeof(from));
	if (sf_spool_name(app->o.spool, time(NULL), c->callid, c->file,
			  sizeof(c->file)) ||
	    sf_app_term(app, c)) {
		sip_call_respond(scall, 500, NULL, NULL);
		return;
	}
	sf_ev(app, "event=incoming call=%u from=%s callid=%s file=%s", c->n,
	      from, c->callid, c->file);
	sf_call_answer_invite(c, &body);
}

/* ---- SIP events ---- */

static bool fallback_code(unsigned code)
{
	return code == 488 || code == 415 || code == 606;
}

static void call_event(void *arg, struct sip_call *scall,
		       const struct sip_call_event *e)
{
	struct sf_app *app = app_of(arg);
	struct sf_call *c = sip_call_user(scall);

	if (!c)
		return;
	switch (e->type) {
	case SIP_CALL_EV_PROGRESS:
		sf_ev(app, "event=progress call=%u code=%u", c->n, e->code);
		return;
	case SIP_CALL_EV_ANSWERED:
		if (sf_call_answered(c, &e->sdp)) {
			sf_ev(app, "event=bad_answer call=%u", c->n);
			app->exit_code = SF_EXIT_CALL_FAILED;
			c->answered = false; /* no fax result for this call */
			sip_call_hangup(scall, 0, 88);
			return;
		}
		sf_ev(app, "event=answered call=%u", c->n);
		return;
	case SIP_CALL_EV_CONFIRMED:
		sf_ev(app, "event=confirmed call=%u", c->n);
		if (!app->o.send && app->o.t38_reinvite &&
		    sf_term_mode(c->term) == SF_MODE_AUDIO)
			sf_call_ask_t38(c);
		return;
	case SIP_CALL_EV_OFFER:
		sf_call_reoffer_in(c, &e->sdp);
		return;
	case SIP_CALL_EV_REOFFER_DONE:
		sf_call_reoffer_done(c, e->code, &e->sdp);
		return;
	case SIP_CALL_EV_FAILED:
		sf_ev(app, "event=failed call=%u code=%u", c->n, e->code);
		if (c->placed && c->offer == SF_OFFER_T38 &&
		    fallback_code(e->code) && !app->stopping) {
			/* T.38 refused: the same fax over G.711 */
			c->offer = SF_OFFER_AUDIO; /* no second fallback */
			sf_ev(app, "event=fallback call=%u offer=audio", c->n);
			app->exit_code = -1; /* the new call decides */
			return;
		}
		/* refused, or no answer at all (408: Timer B) */
		if (c->placed && app->exit_code <= 0)
			app->exit_code = SF_EXIT_CALL_FAILED;
		return;
	case SIP_CALL_EV_CANCELLED:
		sf_ev(app, "event=cancelled call=%u", c->n);
		return;
	case SIP_CALL_EV_BYE:
		sf_ev(app, "event=bye call=%u", c->n);
		return;
	case SIP_CALL_EV_ENDED: {
		bool again = c->placed && app->exit_code == -1;

		sf_call_ended(c);
		sf_ev(app, "event=ended call=%u", c->n);
		sip_call_set_user(scall, NULL);
		c->sip = NULL;
		sf_call_free(c);
		if (again) {
			app->exit_code = 0;
			place_call(app, SF_OFFER_AUDIO);
			return;
		}
		maybe_finish(app);
		return;
	}
	default:
		return;
	}
}

/* ---- process ---- */

static void tick(void *arg)
{
	struct sf_app *app = arg;

	for (unsigned i = 0; i < SF_MAX_CALLS; i++)
		if (app->calls[i].used)
			sf_call_tick(&app->calls[i]);
	app->next_tick += SF_TICK_US;
	/* after a stall, skip ahead rather than run a burst of ticks */
	if (app->next_tick + 10 * SF_TICK_US < gw_loop_now_us(app->loop))
		app->next_tick = gw_loop_now_us(app->loop) + SF_TICK_US;
	gw_timer_start_at_us(app->loop, app->next_tick, tick, app);
}

static int sip_send(void *arg, const struct sip_addr *dst, const void *buf,
		    size_t len)
{
	return gw_sipudp_send(&app_of(arg)->udp, dst, buf, len);
}

static void stop_all(struct sf_app *app)
{
	if (app->stopping)
		return;
	app->stopping = true;
	sf_ev(app, "event=stopping");
	for (unsigned i = 0; i < SF_MAX_CALLS; i++)
		if (app->calls[i].used && app->calls[i].sip)
			sip_call_hangup(app->calls[i].sip, 503, 16);
	maybe_finish(app);
}

static void timeout_fired(void *arg)
{
	struct sf_app *app = arg;

	sf_ev(app, "event=timeout");
	/* a sender never answered failed as a call; else the fax was late */
	if (app->o.send) {
		bool answered = false;

		for (unsigned i = 0; i < SF_MAX_CALLS; i++)
			answered |=
				app->calls[i].used && app->calls[i].answered;
		app->exit_code =
			answered ? SF_EXIT_TIMEOUT : SF_EXIT_CALL_FAILED;
	} else if (app->o.count && app->faxes < app->o.count) {
		app->exit_code = SF_EXIT_TIMEOUT;
	}
	gw_loop_stop(app->loop);
}

struct sigctx {
	struct sf_app *app;
	int fd;
};

static void on_signal(void *arg, uint32_t events)
{
	struct sigctx *sc = arg;
	struct signalfd_siginfo si;

	while (read(sc->fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		stop_all(sc->app);
}

/* After the loop: BYEs of a stop or timeout get a moment to leave and be
 * answered (bounded). */
static void drain(struct sf_app *app)
{
	for (unsigned i = 0; i < SF_MAX_CALLS; i++)
		if (app->calls[i].used && app->calls[i].sip)
			sip_call_hangup(app->calls[i].sip, 503, 16);
	for (int i = 0; i < 100 && any_call(app); i++)
		gw_loop_once(app->loop, 20);
	for (unsigned i = 0; i < SF_MAX_CALLS; i++)
		if (app->calls[i].used) {
			sf_call_ended(&app->calls[i]);
			sf_call_free(&app->calls[i]);
		}
}

static int final_code(const struct sf_app *app)
{
	if (app->exit_code > 0)
		return app->exit_code;
	if (app->failed)
		return SF_EXIT_FAX_FAILED;
	/* a sender whose call ended without a result */
	if (app->o.send && !app->faxes)
		return SF_EXIT_CALL_FAILED;
	return SF_EXIT_OK;
}

static int setup(struct sf_app *app, struct sigctx *sc)
{
	struct sip_hooks h;
	struct sip_stack_cfg cfg = { .local_ip = app->o.listen_ip,
				     .user_agent = "pstngw-sipfax" };
	struct stat st;
	int err;

	if (!app->o.send && (stat(app->o.spool, &st) || !S_ISDIR(st.st_mode) ||
			     access(app->o.spool, W_OK))) {
		fprintf(stderr,
			"sipfax: --spool %s: not a writable directory\n",
			app->o.spool);
		return SF_EXIT_USAGE;
	}
	err = gw_udp_bind(app->o.listen_ip, app->o.listen_port, &app->udp.fd);
	if (err) {
		fprintf(stderr, "sipfax: cannot listen on %s:%u: %s\n",
			app->o.listen_ip, app->o.listen_port, strerror(err));
		return SF_EXIT_USAGE;
	}
	app->o.listen_port = gw_sock_port(app->udp.fd);
	cfg.local_port = (uint16_t)app->o.listen_port;
	gw_hooks_sip_init(&h, &app->hctx);
	h.send = sip_send;
	h.call_incoming = incoming;
	h.call_event = call_event;
	if (sip_stack_alloc(&app->sip, &cfg, &h)) {
		fprintf(stderr, "sipfax: cannot start the SIP stack\n");
		return SF_EXIT_USAGE;
	}
	app->udp.sip = app->sip;
	if (gw_loop_fd_add(app->loop, app->udp.fd, EPOLLIN, gw_sipudp_readable,
			   &app->udp) ||
	    gw_loop_fd_add(app->loop, sc->fd, EPOLLIN, on_signal, sc)) {
		fprintf(stderr, "sipfax: cannot start the event loop\n");
		return SF_EXIT_USAGE;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct sf_app app;
	char err[512];
	sigset_t mask;
	int rc;

	rc = sf_opts_parse(&app.o, argc, argv, err, sizeof(err));
	if (rc == EAGAIN) {
		sf_usage(stdout);
		return SF_EXIT_OK;
	}
	if (rc) {
		fprintf(stderr, "sipfax: %s\n", err);
		sf_usage(stderr);
		return SF_EXIT_USAGE;
	}
	app.media_ip = app.o.media_ip ? app.o.media_ip : app.o.listen_ip;
	app.media_next = app.o.media_port;
	gw_log_init("sipfax", false);
	gw_log_set_level_all(getenv("SIPFAX_DEBUG") ? LOG_DEBUG : LOG_WARNING);
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	app.loop = gw_loop_alloc();
	if (!app.loop)
		return SF_EXIT_USAGE;
	app.hctx.loop = app.loop;
	app.t0 = gw_loop_now(app.loop);

	struct sigctx sc = { .app = &app,
			     .fd = signalfd(-1, &mask, SFD_NONBLOCK) };

	rc = sc.fd < 0 ? SF_EXIT_USAGE : setup(&app, &sc);
	if (rc) {
		gw_loop_free(app.loop);
		return rc;
	}
	app.next_tick = gw_loop_now_us(app.loop) + SF_TICK_US;
	gw_timer_start_at_us(app.loop, app.next_tick, tick, &app);
	if (app.o.timeout_s)
		gw_timer_start(app.loop, app.o.timeout_s * 1000ull,
			       timeout_fired, &app);
	sf_ev(&app, "event=ready listen=%s:%u", app.o.listen_ip,
	      app.o.listen_port);
	if (app.o.send)
		place_call(&app, app.o.offer);
	/* a sender whose file or URI was refused never runs the loop */
	if (app.exit_code <= 0)
		gw_loop_run(app.loop);
	drain(&app);
	rc = final_code(&app);
	sf_ev(&app, "event=exit code=%d faxes=%u failed=%u", rc, app.faxes,
	      app.failed);
	sip_stack_free(app.sip);
	close(app.udp.fd);
	close(sc.fd);
	gw_loop_free(app.loop);
	return rc;
}
