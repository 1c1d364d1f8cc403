/*
 * pstnsim's command socket: a Unix stream socket taking scenario lines
 * (script.h), one action a line, for interactive use and for tests that
 * steer a running simulator. Each connection has its own runner, so its
 * actions run in order while other connections and --script go on.
 *
 * Replies, one line each: "ok N VERB" when action N (the connection's
 * line number) is done, "error N: why" when it is refused or fails. A
 * failure never stops pstnsim. Event lines ("pstnsim t=...") are copied
 * to every connection as well.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "gateway/loop.h"
#include "tools/pstnsim/pstnsim.h"

#define CTL_MAX_CONNS 8
#define CTL_LINE_MAX 1024

struct ctl_conn {
	int fd;
	char buf[CTL_LINE_MAX];
	size_t len;
	unsigned lineno;
	bool overlong; /* discarding the rest of a too long line */
	bool dead;     /* closing on closer */
	struct sim_timer *closer;
	struct sim_runner *run;
};

static struct {
	int fd;
	char path[108];
	struct ctl_conn *conns[CTL_MAX_CONNS];
} C = { .fd = -1 };

static void conn_close(struct ctl_conn *c)
{
	size_t i;

	if (c->closer)
		sim_timer_stop(c->closer);
	for (i = 0; i < CTL_MAX_CONNS; i++)
		if (C.conns[i] == c)
			C.conns[i] = NULL;
	if (!c->dead)
		sim_fd_unwatch(c->fd);
	close(c->fd);
	sim_run_free(c->run);
	free(c);
}

static void closer_due(void *arg)
{
	struct ctl_conn *c = arg;

	c->closer = NULL;
	conn_close(c);
}

/* Its runner may be on the stack (a reply or an event sent from inside
 * an action): close from a timer, never here. */
static void conn_fail(struct ctl_conn *c)
{
	if (c->dead)
		return;
	c->dead = true;
	sim_fd_unwatch(c->fd);
	c->closer = sim_timer_start(0, closer_due, c);
}

/* Never blocks the simulator: a client that does not read is dropped. */
static int conn_send(struct ctl_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int conn_send(struct ctl_conn *c, const char *fmt, ...)
{
	char line[CTL_LINE_MAX + 128];
	va_list ap;
	int n;

	if (c->dead)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	if (send(c->fd, line, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == n)
		return 0;
	conn_fail(c);
	return -1;
}

static void report(void *arg, const struct sim_action *a, const char *error)
{
	struct ctl_conn *c = arg;

	if (error)
		conn_send(c, "error %u: %s\n", a->line, error);
	else
		conn_send(c, "ok %u %s\n", a->line, sim_act_name(a->type));
}

/* A refused line queues behind the actions before it, so replies keep
 * the order of the lines. */
static void conn_refuse(struct ctl_conn *c, const char *why)
{
	struct sim_action a = { .type = SIM_ACT_FAIL, .line = c->lineno };

	snprintf(a.arg, sizeof(a.arg), "%s", why);
	if (sim_run_add(c->run, &a))
		conn_send(c, "error %u: out of memory\n", c->lineno);
}

static void conn_line(struct ctl_conn *c, char *line)
{
	struct sim_action a;
	char err[160];
	int rc;

	c->lineno++;
	rc = sim_action_parse(line, c->lineno, &a, err, sizeof(err));
	if (rc > 0)
		return; /* blank or comment */
	if (rc < 0) {
		conn_refuse(c, err);
		return;
	}
	if (a.span && !sim_span_by_id(a.span)) {
		snprintf(err, sizeof(err), "no span %u", a.span);
		conn_refuse(c, err);
		return;
	}
	if (sim_run_add(c->run, &a))
		conn_send(c, "error %u: out of memory\n", c->lineno);
}

static void conn_readable(void *arg, uint32_t events)
{
	struct ctl_conn *c = arg;
	char tmp[512];
	ssize_t n;
	size_t i;

	n = read(c->fd, tmp, sizeof(tmp));
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		conn_fail(c);
		return;
	}
	for (i = 0; i < (size_t)n; i++) {
		char ch = tmp[i];

		if (ch == '\n') {
			if (c->overlong) {
				c->lineno++;
				conn_refuse(c, "line too long");
			} else {
				c->buf[c->len] = 0;
				conn_line(c, c->buf);
			}
			c->len = 0;
			c->overlong = false;
		} else if (c->len + 1 < CTL_LINE_MAX) {
			c->buf[c->len++] = ch;
		} else {
			c->overlong = true;
		}
	}
}

static void ctl_accept(void *arg, uint32_t events)
{
	struct ctl_conn *c;
	size_t i;
	int fd = accept4(C.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (i = 0; i < CTL_MAX_CONNS && C.conns[i]; i++)
		;
	c = i < CTL_MAX_CONNS ? calloc(1, sizeof(*c)) : NULL;
	if (c)
		c->run = sim_run_alloc("ctl", report, c);
	if (!c || !c->run || sim_fd_watch(fd, conn_readable, c)) {
		static const char busy[] = "error 0: too many connections\n";

		if (send(fd, busy, sizeof(busy) - 1,
			 MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
			/* nothing more to tell it */
		}
		if (c)
			sim_run_free(c->run);
		free(c);
		close(fd);
		return;
	}
	c->fd = fd;
	C.conns[i] = c;
}

int sim_ctl_start(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "pstnsim: --ctl %s: path too long\n", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	C.fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (C.fd < 0)
		goto fail;
	unlink(path); /* a stale socket of an earlier run */
	if (bind(C.fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(C.fd, 4) ||
	    sim_fd_watch(C.fd, ctl_accept, NULL))
		goto fail;
	snprintf(C.path, sizeof(C.path), "%s", path);
	return 0;
fail:
	fprintf(stderr, "pstnsim: --ctl %s: %s\n", path, strerror(errno));
	if (C.fd >= 0)
		close(C.fd);
	C.fd = -1;
	return -1;
}

void sim_ctl_event(const char *stamped)
{
	size_t i;

	for (i = 0; i < CTL_MAX_CONNS; i++) {
		struct ctl_conn *c = C.conns[i];

		if (c)
			conn_send(c, "%s\n", stamped);
	}
}

void sim_ctl_stop(void)
{
	size_t i;

	for (i = 0; i < CTL_MAX_CONNS; i++)
		if (C.conns[i])
			conn_close(C.conns[i]);
	if (C.fd < 0)
		return;
	sim_fd_unwatch(C.fd);
	close(C.fd);
	C.fd = -1;
	unlink(C.path);
}
