/* SIP over TCP and TLS on the event loop. */
#include "gateway/siptcp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/log.h"
#include "gateway/net.h"

#define ACCEPT_BURST 16 /* per readable event: a flood cannot starve */
#define READ_BURST 16
#define FRAMES_PER_READ 64
#define FAILED_MS 30000 /* how long a failed peer gets UDP instead */
/* a 2xx to an INVITE is resent for 64*T1 (32 s at T1 = 500 ms) */
#define GONE_MS 40000
#define REAP_MS 0
#define IDLE_TICK_MS 1000

static const char *addr_s(const struct sip_addr *a, char *buf, size_t n)
{
	char s[64];

	snprintf(buf, n, "%s/%s", sip_addr_str(a, s, sizeof(s)),
		 sip_transport_name(a->tp));
	return buf;
}

static void reap_fn(void *arg)
{
	struct gw_siptcp *t = arg;
	struct gw_sipconn **pp = &t->conns.list;

	t->reap_timer = NULL;
	while (*pp) {
		struct gw_sipconn *c = *pp;

		if (c->dead)
			gw_sipconns_remove(&t->conns, c);
		else
			pp = &c->next;
	}
}

/* Closes now; the struct lives until the reap timer, so code up the
 * stack that still holds it only sees c->dead. */
static void conn_close(struct gw_siptcp *t, struct gw_sipconn *c,
		       const char *why)
{
	char a[96];

	if (c->dead)
		return;
	GW_INFO(SIP, "conn %u %s: closed: %s", c->id,
		addr_s(&c->peer, a, sizeof(a)), why);
	c->dead = true;
	if (!c->outbound && c->has_alias) {
		size_t old = 0;

		for (size_t i = 1; i < GW_SIPTCP_FAILED; i++)
			if (t->gone[i].until < t->gone[old].until)
				old = i;
		t->gone[old].peer = c->peer;
		t->gone[old].alias = c->alias;
		t->gone[old].until = gw_loop_now(t->loop) + GONE_MS;
	}
	gw_loop_fd_del(t->loop, c->fd);
	gw_tls_session_free(c->tls);
	c->tls = NULL;
	close(c->fd);
	c->fd = -1;
	if (!t->reap_timer)
		t->reap_timer = gw_timer_start(t->loop, REAP_MS, reap_fn, t);
}

static void set_events(struct gw_siptcp *t, struct gw_sipconn *c, bool want_w)
{
	uint32_t ev = (c->close_after ? 0 : EPOLLIN) |
		      (c->out_len || c->connecting || want_w ? EPOLLOUT : 0);

	if (ev != c->events && !c->dead) {
		c->events = ev;
		gw_loop_fd_mod(t->loop, c->fd, ev);
	}
}

enum io { IO_OK, IO_AGAIN, IO_WANT_W, IO_EOF, IO_ERR };

static enum io conn_read(struct gw_sipconn *c, char *buf, size_t len,
			 size_t *done, char *why, size_t n)
{
	if (c->tls) {
		switch (gw_tls_read(c->tls, buf, len, done, why, n)) {
		case GW_TLS_OK:
			return IO_OK;
		case GW_TLS_WANT_READ:
			return IO_AGAIN;
		case GW_TLS_WANT_WRITE:
			return IO_WANT_W;
		case GW_TLS_CLOSED:
			return IO_EOF;
		default:
			return IO_ERR;
		}
	}
	ssize_t r = read(c->fd, buf, len);
	if (r > 0) {
		*done = (size_t)r;
		return IO_OK;
	}
	if (r == 0)
		return IO_EOF;
	if (errno == EAGAIN || errno == EINTR)
		return IO_AGAIN;
	snprintf(why, n, "read: %s", strerror(errno));
	return IO_ERR;
}

static enum io conn_write(struct gw_sipconn *c, const void *buf, size_t len,
			  size_t *done, char *why, size_t n)
{
	*done = 0;
	if (c->tls) {
		switch (gw_tls_write(c->tls, buf, len, done, why, n)) {
		case GW_TLS_OK:
			return IO_OK;
		case GW_TLS_WANT_READ:
		case GW_TLS_WANT_WRITE:
			return IO_AGAIN;
		default:
			return IO_ERR;
		}
	}
	ssize_t r = send(c->fd, buf, len, MSG_NOSIGNAL);
	if (r >= 0) {
		*done = (size_t)r;
		return IO_OK;
	}
	if (errno == EAGAIN || errno == EINTR)
		return IO_AGAIN;
	snprintf(why, n, "write: %s", strerror(errno));
	return IO_ERR;
}

/* Writes what is queued; closes on error or once a close_after
 * connection has said everything. */
static void flush(struct gw_siptcp *t, struct gw_sipconn *c)
{
	char why[256];

	while (c->out_len && !c->connecting && !c->dead) {
		size_t done;
		enum io r = conn_write(c, c->out, c->out_len, &done, why,
				       sizeof(why));

		if (r == IO_ERR) {
			conn_close(t, c, why);
			return;
		}
		if (r == IO_AGAIN || !done)
			break;
		gw_sipconn_sent(c, done);
		c->last_active = gw_loop_now(t->loop);
	}
	if (c->dead)
		return;
	if (c->close_after && !c->out_len) {
		conn_close(t, c, "after a framing error");
		return;
	}
	set_events(t, c, false);
}

static int conn_send(struct gw_siptcp *t, struct gw_sipconn *c, const void *buf,
		     size_t len)
{
	char why[256];
	size_t done = 0;

	if (!c->out_len && !c->connecting) {
		enum io r = conn_write(c, buf, len, &done, why, sizeof(why));

		if (r == IO_ERR) {
			conn_close(t, c, why);
			return EPIPE;
		}
		c->last_active = gw_loop_now(t->loop);
	}
	if (done < len) {
		if (gw_sipconn_queue(&t->conns, c, (const char *)buf + done,
				     len - done)) {
			/* the peer does not read: drop it rather than queue
			 * without end */
			t->conns.stats.stuck_dropped++;
			conn_close(t, c, "send queue full (peer not reading)");
			return ENOBUFS;
		}
		set_events(t, c, false);
	}
	return 0;
}

/* Where a response goes once this connection is gone (RFC 3261 18.2.2):
 * the IP the request came from (its "received"), the port of its Via
 * sent-by, else the transport's default. Requests for that address reuse
 * this connection too (RFC 5923-style: a peer whose connections come from
 * ephemeral ports). Only the source IP: nobody can claim someone else's
 * address. */
static void learn_alias(struct gw_sipconn *c, const char *p, size_t len)
{
	struct sip_msg m;
	struct sip_addr a = c->peer;
	uint16_t port;

	/* one parse per connection: its first request */
	if (c->alias_checked || c->outbound ||
	    sip_msg_parse(&m, p, len, len + 1) || !m.req)
		return;
	c->alias_checked = true;
	port = m.via.port ? m.via.port : c->peer.tp == SIP_TP_TLS ? 5061 : 5060;
	if (a.ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a.ss)->sin_port = htons(port);
	else if (a.ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a.ss)->sin6_port = htons(port);
	else
		return;
	if (!gw_sipaddr_eq(&a, &c->peer)) {
		c->alias = a;
		c->has_alias = true;
	}
}

/* Hands every complete message to the stack. */
static void process(struct gw_siptcp *t, struct gw_sipconn *c)
{
	char a[96];

	for (int i = 0; i < FRAMES_PER_READ && !c->dead && !c->close_after;
	     i++) {
		const char *p;
		size_t len;
		enum sip_stream_res r = sip_stream_next(&c->in, &p, &len);

		switch (r) {
		case SIP_STREAM_MORE:
			return;
		case SIP_STREAM_MSG:
			if (t->admit &&
			    !t->admit(t->admit_arg, &c->peer, false)) {
				conn_close(t, c, "source blocked");
				return;
			}
			learn_alias(c, p, len);
			if (t->tap)
				t->tap(t->tap_arg, c->fd, &c->peer, false, p,
				       len);
			sip_stack_recv(t->sip, &c->peer, p, len);
			break;
		case SIP_STREAM_PING:
			/* RFC 5626 4.4.1: pong with one CRLF */
			t->conns.stats.pings++;
			conn_send(t, c, "\r\n", 2);
			break;
		case SIP_STREAM_NOCL:
			/* the stack answers 400; then the stream is lost */
			t->conns.stats.bad_framing++;
			GW_NOTICE(SIP,
				  "conn %u %s: message without "
				  "Content-Length: 400 and close",
				  c->id, addr_s(&c->peer, a, sizeof(a)));
			sip_stack_recv(t->sip, &c->peer, p, len);
			if (!c->dead) {
				c->close_after = true;
				flush(t, c);
			}
			return;
		default:
			t->conns.stats.bad_framing++;
			GW_NOTICE(SIP, "conn %u %s: %s%s", c->id,
				  addr_s(&c->peer, a, sizeof(a)),
				  sip_stream_res_name(r),
				  len ? ": answered, then closed" : "");
			/* headers complete: the stack answers them (400 or
			 * 513, counted), then the lost stream is closed */
			if (len)
				sip_stack_recv(t->sip, &c->peer, p, len);
			if (len && !c->dead) {
				c->close_after = true;
				flush(t, c);
			} else if (!c->dead) {
				conn_close(t, c, sip_stream_res_name(r));
			}
			return;
		}
	}
}

static void readable(struct gw_siptcp *t, struct gw_sipconn *c)
{
	char why[256];

	for (int i = 0; i < READ_BURST && !c->dead && !c->close_after; i++) {
		size_t room, done;
		char *p = sip_stream_space(&c->in, &room);
		enum io r;

		if (!room) {
			process(t, c);
			continue;
		}
		r = conn_read(c, p, room, &done, why, sizeof(why));
		if (r == IO_AGAIN)
			return;
		if (r == IO_WANT_W) {
			set_events(t, c, true);
			return;
		}
		if (r == IO_EOF) {
			conn_close(t, c, "closed by peer");
			return;
		}
		if (r == IO_ERR) {
			conn_close(t, c, why);
			return;
		}
		sip_stream_added(&c->in, done);
		c->last_active = gw_loop_now(t->loop);
		process(t, c);
	}
}

static void note_failed(struct gw_siptcp *t, const struct sip_addr *a)
{
	size_t oldest = 0;

	for (size_t i = 0; i < GW_SIPTCP_FAILED; i++)
		if (t->failed[i].until < t->failed[oldest].until)
			oldest = i;
	t->failed[oldest].addr = *a;
	t->failed[oldest].until = gw_loop_now(t->loop) + FAILED_MS;
}

static bool recently_failed(const struct gw_siptcp *t, const struct sip_addr *a,
			    uint64_t now)
{
	for (size_t i = 0; i < GW_SIPTCP_FAILED; i++)
		if (t->failed[i].until > now && t->failed[i].addr.tp == a->tp &&
		    gw_sipaddr_eq(&t->failed[i].addr, a))
			return true;
	return false;
}

/* What was sent on a connection that never came up is lost: the stack
 * ends the transactions waiting for it now. */
static void transport_error(struct gw_siptcp *t, struct gw_sipconn *c, int err)
{
	char a[96];
	unsigned n;

	if (!c->outbound || !t->sip)
		return;
	n = sip_stack_transport_error(t->sip, &c->peer, err);
	if (n)
		GW_INFO(SIP, "conn %u %s: %u transaction(s) failed", c->id,
			addr_s(&c->peer, a, sizeof(a)), n);
}

/* TCP connect done or TLS handshake step; false if the conn closed. */
static bool connect_step(struct gw_siptcp *t, struct gw_sipconn *c)
{
	char why[256], a[96];
	int err = 0;
	socklen_t el = sizeof(err);

	if (c->outbound && !c->tcp_up) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
			err = errno;
		if (err == EINPROGRESS || err == EALREADY)
			return true;
		if (err) {
			snprintf(why, sizeof(why), "connect: %s",
				 strerror(err));
			note_failed(t, &c->peer);
			conn_close(t, c, why);
			transport_error(t, c, err);
			return false;
		}
		c->tcp_up = true;
		if (!c->tls) {
			c->connecting = false;
			GW_INFO(SIP, "conn %u %s: connected", c->id,
				addr_s(&c->peer, a, sizeof(a)));
			return true;
		}
	}
	switch (gw_tls_handshake(c->tls, why, sizeof(why))) {
	case GW_TLS_OK:
		c->connecting = false;
		GW_INFO(SIP, "conn %u %s: TLS established", c->id,
			addr_s(&c->peer, a, sizeof(a)));
		return true;
	case GW_TLS_WANT_READ:
		set_events(t, c, false);
		return true;
	case GW_TLS_WANT_WRITE:
		set_events(t, c, true);
		return true;
	default:
		t->conns.stats.tls_failed++;
		GW_WARN(SIP, "conn %u %s: TLS handshake failed: %s", c->id,
			addr_s(&c->peer, a, sizeof(a)), why);
		if (c->outbound)
			note_failed(t, &c->peer);
		conn_close(t, c, "TLS handshake failed");
		transport_error(t, c, ECONNABORTED);
		return false;
	}
}

static void conn_event(void *arg, uint32_t events)
{
	struct gw_sipconn *c = arg;
	struct gw_siptcp *t = c->owner;

	if (c->dead)
		return;
	if (c->connecting) {
		if (!connect_step(t, c) || c->connecting)
			return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		readable(t, c);
	if (!c->dead)
		flush(t, c);
}

static int conn_watch(struct gw_siptcp *t, struct gw_sipconn *c)
{
	c->owner = t;
	c->events = EPOLLIN | (c->connecting ? EPOLLOUT : 0);
	return gw_loop_fd_add(t->loop, c->fd, c->events, conn_event, c);
}

static void accept_fn(void *arg, uint32_t events)
{
	struct gw_siptcp_lsn *l = arg;
	struct gw_siptcp *t = l->t;
	char a[96];

	for (int i = 0; i < ACCEPT_BURST; i++) {
		struct sip_addr peer = { .len = sizeof(peer.ss), .tp = l->tp };
		int fd = accept4(l->fd, (struct sockaddr *)&peer.ss, &peer.len,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct gw_sipconn *c;
		int err;

		if (fd < 0)
			return;
		if (t->admit && !t->admit(t->admit_arg, &peer, true)) {
			close(fd); /* blocked: not even a TLS handshake */
			continue;
		}
		err = gw_sipconns_admit(&t->conns, &peer);
		if (err) {
			GW_WARN(SIP, "refused connection from %s: %s",
				addr_s(&peer, a, sizeof(a)),
				err == EMFILE ? "too many connections"
					      : "too many from this address");
			close(fd);
			continue;
		}
		c = gw_sipconns_add(&t->conns, &peer, fd, false,
				    gw_loop_now(t->loop));
		if (!c) {
			close(fd);
			continue;
		}
		if (l->tp == SIP_TP_TLS) {
			c->tls = gw_tls_session(t->tls, fd, true, NULL);
			c->connecting = c->tcp_up = true;
		}
		if ((l->tp == SIP_TP_TLS && !c->tls) || conn_watch(t, c)) {
			conn_close(t, c, "out of memory");
			continue;
		}
		GW_INFO(SIP, "conn %u %s: accepted", c->id,
			addr_s(&peer, a, sizeof(a)));
	}
}

static void idle_fn(void *arg)
{
	struct gw_siptcp *t = arg;
	uint64_t now = gw_loop_now(t->loop);
	struct gw_sipconn *c;

	while ((c = gw_sipconns_expired(&t->conns, now))) {
		t->conns.stats.idle_closed++;
		conn_close(t, c, "idle");
	}
	t->idle_timer = gw_timer_start(t->loop, IDLE_TICK_MS, idle_fn, t);
}

int gw_siptcp_init(struct gw_siptcp *t, struct gw_loop *loop,
		   const struct gw_siptcp_cfg *cfg)
{
	memset(t, 0, sizeof(*t));
	t->loop = loop;
	for (int i = 0; i < 4; i++) {
		t->lsn[i].t = t;
		t->lsn[i].fd = -1;
	}
	gw_sipconns_init(&t->conns, cfg->max_conns ? cfg->max_conns : 256,
			 cfg->max_per_ip ? cfg->max_per_ip : 32,
			 (uint64_t)(cfg->idle_s ? cfg->idle_s : 300) * 1000,
			 cfg->max_msg ? cfg->max_msg : 65535,
			 cfg->max_out ? cfg->max_out : 256 * 1024);
	t->idle_timer = gw_timer_start(loop, IDLE_TICK_MS, idle_fn, t);
	return t->idle_timer ? 0 : ENOMEM;
}

void gw_siptcp_release(struct gw_siptcp *t)
{
	if (!t->loop)
		return;
	for (struct gw_sipconn *c = t->conns.list; c; c = c->next)
		if (!c->dead)
			conn_close(t, c, "shutting down");
	gw_sipconns_release(&t->conns);
	for (int i = 0; i < 4; i++)
		if (t->lsn[i].fd >= 0) {
			gw_loop_fd_del(t->loop, t->lsn[i].fd);
			close(t->lsn[i].fd);
			t->lsn[i].fd = -1;
		}
	if (t->idle_timer)
		gw_timer_stop(t->loop, t->idle_timer);
	if (t->reap_timer)
		gw_timer_stop(t->loop, t->reap_timer);
	gw_tls_free(t->tls);
	t->tls = NULL;
	t->loop = NULL;
}

int gw_siptcp_tls(struct gw_siptcp *t, const struct gw_tls_cfg *cfg, char *why,
		  size_t n)
{
	gw_tls_free(t->tls);
	t->tls = NULL;
	return gw_tls_alloc(&t->tls, cfg, why, n);
}

int gw_siptcp_listen(struct gw_siptcp *t, enum sip_transport tp, const char *ip,
		     unsigned port)
{
	struct gw_siptcp_lsn *l = NULL;
	int err;

	if (tp != SIP_TP_TCP && tp != SIP_TP_TLS)
		return EINVAL;
	if (tp == SIP_TP_TLS && !gw_tls_can_serve(t->tls))
		return ENOKEY;
	for (int i = 0; i < 4 && !l; i++)
		if (t->lsn[i].fd < 0)
			l = &t->lsn[i];
	if (!l)
		return EMFILE;
	l->tp = tp;
	err = gw_tcp_listen(ip, port, 64, &l->fd);
	if (!err)
		err = gw_loop_fd_add(t->loop, l->fd, EPOLLIN, accept_fn, l);
	if (err && l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	return err;
}

unsigned gw_siptcp_port(const struct gw_siptcp *t, enum sip_transport tp)
{
	for (int i = 0; i < 4; i++)
		if (t->lsn[i].fd >= 0 && t->lsn[i].tp == tp)
			return gw_sock_port(t->lsn[i].fd);
	return 0;
}

static struct gw_sipconn *open_conn(struct gw_siptcp *t,
				    const struct sip_addr *dst, int *errp)
{
	char a[96];
	struct gw_sipconn *c;
	int fd, err;

	if (dst->tp == SIP_TP_TLS && !t->tls) {
		*errp = EPROTONOSUPPORT;
		return NULL;
	}
	if (recently_failed(t, dst, gw_loop_now(t->loop))) {
		*errp = ECONNREFUSED;
		return NULL;
	}
	err = gw_sipconns_admit(&t->conns, dst);
	if (err) {
		*errp = err;
		return NULL;
	}
	fd = socket(dst->ss.ss_family,
		    SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*errp = errno;
		return NULL;
	}
	if (connect(fd, (const struct sockaddr *)&dst->ss, dst->len) < 0 &&
	    errno != EINPROGRESS) {
		*errp = errno;
		note_failed(t, dst);
		close(fd);
		GW_INFO(SIP, "connect to %s: %s", addr_s(dst, a, sizeof(a)),
			strerror(*errp));
		return NULL;
	}
	c = gw_sipconns_add(&t->conns, dst, fd, true, gw_loop_now(t->loop));
	if (!c) {
		close(fd);
		*errp = ENOMEM;
		return NULL;
	}
	c->connecting = true;
	if (dst->tp == SIP_TP_TLS) {
		/* the server must prove it is the peer we meant: its
		 * trunk's tls_name, else the address we connect to */
		const char *name =
			t->tls_name ? t->tls_name(t->tls_name_arg, dst) : NULL;
		char ip[INET6_ADDRSTRLEN] = "";

		if (!name || !name[0]) {
			name = ip;
			if (dst->ss.ss_family == AF_INET6)
				inet_ntop(
					AF_INET6,
					&((const struct sockaddr_in6 *)&dst->ss)
						 ->sin6_addr,
					ip, sizeof(ip));
			else
				inet_ntop(
					AF_INET,
					&((const struct sockaddr_in *)&dst->ss)
						 ->sin_addr,
					ip, sizeof(ip));
		}
		c->tls = gw_tls_session(t->tls, fd, false, name);
	}
	if ((dst->tp == SIP_TP_TLS && !c->tls) || conn_watch(t, c)) {
		conn_close(t, c, "out of memory");
		*errp = ENOMEM;
		return NULL;
	}
	GW_INFO(SIP, "conn %u %s: connecting", c->id,
		addr_s(dst, a, sizeof(a)));
	return c;
}

/* The sent-by of a recently closed inbound connection to dst, or NULL. */
static const struct sip_addr *gone_alias(const struct gw_siptcp *t,
					 const struct sip_addr *dst)
{
	uint64_t now = gw_loop_now(t->loop);

	for (size_t i = 0; i < GW_SIPTCP_FAILED; i++)
		if (t->gone[i].until > now && t->gone[i].peer.tp == dst->tp &&
		    gw_sipaddr_eq(&t->gone[i].peer, dst))
			return &t->gone[i].alias;
	return NULL;
}

static void log_resend(const struct sip_addr *to)
{
	char a[96];

	GW_INFO(SIP, "connection gone: the response goes to its sent-by %s",
		addr_s(to, a, sizeof(a)));
}

int gw_siptcp_send(struct gw_siptcp *t, const struct sip_addr *dst,
		   const void *buf, size_t len)
{
	const struct sip_addr *alias;
	struct gw_sipconn *c;
	int err = 0;

	if (!t || !t->loop || (dst->tp != SIP_TP_TCP && dst->tp != SIP_TP_TLS))
		return EPROTONOSUPPORT;
	c = gw_sipconns_find(&t->conns, dst);
	if (!c && (alias = gone_alias(t, dst))) {
		/* the peer's connection is gone: its ephemeral port is no
		 * use; open one to the port its Via named instead */
		t->conns.stats.resent++;
		dst = alias;
		c = gw_sipconns_find(&t->conns, dst);
		if (!c)
			log_resend(dst);
	}
	if (!c)
		c = open_conn(t, dst, &err);
	if (!c)
		return err;
	if (t->tap)
		t->tap(t->tap_arg, c->fd, &c->peer, true, buf, len);
	err = conn_send(t, c, buf, len);
	if (err == EPIPE && !c->outbound && (alias = gone_alias(t, dst))) {
		/* the reset was not read yet: the write found it; once more
		 * over a new connection (RFC 3261 18.2.2) */
		t->conns.stats.resent++;
		log_resend(alias);
		if (!(c = open_conn(t, alias, &err)))
			return err;
		if (t->tap)
			t->tap(t->tap_arg, c->fd, &c->peer, true, buf, len);
		err = conn_send(t, c, buf, len);
	}
	return err;
}
