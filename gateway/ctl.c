/*
 * ctl.c: the control socket. A Unix stream socket on the signalling
 * loop; each connection reads lines into a fixed buffer and queues its
 * replies. Nothing blocks: a client that does not read its replies, or
 * stays silent, is dropped after GW_CTL_IDLE_MS; one that floods gets at
 * GW_CTL_READS_PER_TURN reads per loop turn and is dropped once
 * GW_CTL_OUT_MAX reply bytes wait for it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gateway/ctl.h"
#include "gateway/gw.h"
#include "gateway/log.h"

struct ctl_conn {
	struct gw_ctl *ctl;
	int fd;
	unsigned id;
	char in[GW_CTL_LINE_MAX];
	size_t inlen;
	bool discarding; /* the rest of an overlong line */
	bool eof;	 /* the client shut its side: close once flushed */
	struct gw_ctl_out out;
	size_t sent; /* of out */
	struct gw_timer *idle;
};

struct gw_ctl {
	struct gw *gw;
	int fd;
	char path[CFG_PATH_LEN];
	dev_t dev;
	ino_t ino; /* of the socket file we made: removed only if still ours */
	struct ctl_conn *conns[GW_CTL_MAX_CONNS];
	unsigned next_id;
};

static void conn_close(struct ctl_conn *cn, const char *why)
{
	struct gw_ctl *ctl = cn->ctl;

	if (why)
		GW_WARN(CTL, "connection %u dropped: %s", cn->id, why);
	else
		GW_DEBUG(CTL, "connection %u closed", cn->id);
	for (size_t i = 0; i < GW_CTL_MAX_CONNS; i++)
		if (ctl->conns[i] == cn)
			ctl->conns[i] = NULL;
	if (cn->idle)
		gw_timer_stop(ctl->gw->loop, cn->idle);
	gw_loop_fd_del(ctl->gw->loop, cn->fd);
	close(cn->fd);
	gw_ctl_out_release(&cn->out);
	free(cn);
}

static void idle_fired(void *arg)
{
	struct ctl_conn *cn = arg;

	cn->idle = NULL;
	conn_close(cn, cn->out.len > cn->sent ? "replies not read in time"
					      : "idle");
}

static void idle_restart(struct ctl_conn *cn)
{
	struct gw_loop *loop = cn->ctl->gw->loop;

	if (cn->idle)
		gw_timer_stop(loop, cn->idle);
	cn->idle = gw_timer_start(loop, GW_CTL_IDLE_MS, idle_fired, cn);
}

/* Sends what is queued; false if the connection was closed. */
static bool conn_flush(struct ctl_conn *cn)
{
	while (cn->sent < cn->out.len) {
		ssize_t n = send(cn->fd, cn->out.buf + cn->sent,
				 cn->out.len - cn->sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_close(cn, n < 0 ? strerror(errno) : "send failed");
			return false;
		}
		cn->sent += (size_t)n;
		idle_restart(cn); /* progress: the client reads */
	}
	if (cn->sent == cn->out.len) {
		cn->sent = cn->out.len = 0;
		if (cn->eof) {
			conn_close(cn, NULL);
			return false;
		}
	}
	gw_loop_fd_mod(cn->ctl->gw->loop, cn->fd,
		       (cn->eof ? 0 : EPOLLIN) | (cn->out.len ? EPOLLOUT : 0));
	return true;
}

static void run_line(struct ctl_conn *cn, const char *line)
{
	GW_DEBUG(CTL, "connection %u: %.80s", cn->id, line);
	if (!gw_ctl_exec(cn->ctl->gw, line, &cn->out))
		GW_INFO(CTL, "connection %u: refused: %.80s", cn->id, line);
}

/* Runs every complete line in the buffer (at most a buffer's worth). */
static void take_lines(struct ctl_conn *cn)
{
	size_t start = 0;

	for (;;) {
		char *nl = memchr(cn->in + start, '\n', cn->inlen - start);

		if (!nl)
			break;
		/* a NUL inside the line: binary, not text */
		bool nul = memchr(cn->in + start, 0,
				  (size_t)(nl - (cn->in + start)));

		*nl = 0;
		if (nl > cn->in + start && nl[-1] == '\r')
			nl[-1] = 0;
		if (cn->discarding) {
			cn->discarding = false;
		} else if (nul) {
			gw_ctl_printf(&cn->out, "error: the command contains "
						"bytes that are not text\n");
		} else {
			run_line(cn, cn->in + start);
		}
		start = (size_t)(nl - cn->in) + 1;
	}
	memmove(cn->in, cn->in + start, cn->inlen - start);
	cn->inlen -= start;
	if (cn->inlen == sizeof(cn->in)) {
		/* a full buffer without a newline: refuse the line once and
		 * skip to its end */
		if (!cn->discarding)
			gw_ctl_printf(&cn->out,
				      "error: command line too long (at most "
				      "%d bytes)\n",
				      GW_CTL_LINE_MAX - 1);
		cn->discarding = true;
		cn->inlen = 0;
	}
}

static void conn_event(void *arg, uint32_t events)
{
	struct ctl_conn *cn = arg;

	if (events & EPOLLERR) {
		conn_close(cn, "socket error");
		return;
	}
	if ((events & EPOLLHUP) && cn->eof) {
		conn_close(cn, NULL); /* gone: nobody left to read replies */
		return;
	}
	if ((events & EPOLLOUT) && !conn_flush(cn))
		return;
	/* bounded per turn: the rest of a flood waits for the next one */
	for (int k = 0; k < GW_CTL_READS_PER_TURN && !cn->eof &&
			(events & (EPOLLIN | EPOLLHUP));
	     k++) {
		ssize_t n = recv(cn->fd, cn->in + cn->inlen,
				 sizeof(cn->in) - cn->inlen, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			conn_close(cn, strerror(errno));
			return;
		}
		if (n == 0) {
			cn->eof = true;
			break;
		}
		cn->inlen += (size_t)n;
		idle_restart(cn);
		take_lines(cn);
	}
	if (cn->out.len - cn->sent > GW_CTL_OUT_MAX / 2 || cn->out.overflow) {
		conn_close(cn, "too many unread replies");
		return;
	}
	conn_flush(cn);
}

static void set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static void accept_ready(void *arg, uint32_t events)
{
	struct gw_ctl *ctl = arg;

	(void)events;
	for (int k = 0; k < GW_CTL_MAX_CONNS; k++) {
		int fd = accept4(ctl->fd, NULL, NULL,
				 SOCK_NONBLOCK | SOCK_CLOEXEC);
		size_t slot = GW_CTL_MAX_CONNS;

		if (fd < 0)
			return;
		for (size_t i = 0; i < GW_CTL_MAX_CONNS; i++)
			if (!ctl->conns[i]) {
				slot = i;
				break;
			}
		struct ctl_conn *cn =
			slot < GW_CTL_MAX_CONNS ? calloc(1, sizeof(*cn)) : NULL;

		if (!cn || gw_loop_fd_add(ctl->gw->loop, fd, EPOLLIN,
					  conn_event, cn)) {
			static const char busy[] =
				"error: too many control connections\n";

			/* non-blocking: a short reply fits the socket buffer */
			if (send(fd, busy, sizeof(busy) - 1, MSG_NOSIGNAL) < 0)
				GW_DEBUG(CTL, "refusal not sent");
			GW_WARN(CTL, "connection refused: %s",
				cn ? "event loop" : "too many connections");
			free(cn);
			close(fd);
			continue;
		}
		cn->ctl = ctl;
		cn->fd = fd;
		cn->id = ++ctl->next_id;
		ctl->conns[slot] = cn;
		idle_restart(cn);
		GW_DEBUG(CTL, "connection %u opened", cn->id);
	}
}

/* A socket file left by a daemon that died is replaced; one a live
 * daemon answers on is not. */
static int claim_path(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, alive;

	if (lstat(sa->sun_path, &st))
		return errno == ENOENT ? 0 : errno;
	if (!S_ISSOCK(st.st_mode))
		return EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return errno;
	alive = !connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (alive)
		return EADDRINUSE;
	return unlink(sa->sun_path) ? errno : 0;
}

static int open_socket(struct gw_ctl *ctl)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	char dir[CFG_PATH_LEN];
	char *slash;
	int err;

	if (strlen(ctl->path) >= sizeof(sa.sun_path))
		return ENAMETOOLONG;
	memcpy(sa.sun_path, ctl->path, strlen(ctl->path) + 1);
	/* the default lives in /run/pstngw, which may not exist yet */
	snprintf(dir, sizeof(dir), "%s", ctl->path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		if (mkdir(dir, 0750) && errno != EEXIST)
			return errno;
	}
	if ((err = claim_path(&sa)))
		return err;
	ctl->fd =
		socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (ctl->fd < 0)
		return errno;
	if (bind(ctl->fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    chmod(ctl->path, 0660) || listen(ctl->fd, GW_CTL_MAX_CONNS) ||
	    lstat(ctl->path, &st))
		return errno;
	ctl->dev = st.st_dev;
	ctl->ino = st.st_ino;
	return gw_loop_fd_add(ctl->gw->loop, ctl->fd, EPOLLIN, accept_ready,
			      ctl);
}

int gw_ctl_start(struct gw *gw)
{
	struct gw_ctl *ctl;
	int err;

	if (!gw->cfg.ctl_socket[0])
		return 0;
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return ENOMEM;
	ctl->gw = gw;
	ctl->fd = -1;
	snprintf(ctl->path, sizeof(ctl->path), "%s", gw->cfg.ctl_socket);
	err = open_socket(ctl);
	if (err) {
		GW_ERR(CTL, "control socket %s: %s; running without it",
		       ctl->path, strerror(err));
		if (ctl->fd >= 0)
			close(ctl->fd);
		free(ctl);
		return err;
	}
	gw->ctl = ctl;
	GW_NOTICE(CTL, "control socket %s", ctl->path);
	set_nonblock(ctl->fd);
	return 0;
}

void gw_ctl_stop(struct gw *gw)
{
	struct gw_ctl *ctl = gw->ctl;
	struct stat st;

	if (!ctl)
		return;
	for (size_t i = 0; i < GW_CTL_MAX_CONNS; i++)
		if (ctl->conns[i])
			conn_close(ctl->conns[i], NULL);
	gw_loop_fd_del(gw->loop, ctl->fd);
	close(ctl->fd);
	if (!lstat(ctl->path, &st) && st.st_dev == ctl->dev &&
	    st.st_ino == ctl->ino)
		unlink(ctl->path);
	free(ctl);
	gw->ctl = NULL;
}
