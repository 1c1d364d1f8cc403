/*
 * sipsend: a raw SIP sender for the attack tests (libc only). Sends each
 * FILE as it is (NUL bytes and all: generated hostile messages) to
 * HOST:PORT over UDP (one datagram per file) or one TCP connection, then
 * listens for WAIT ms and prints the status line of every reply:
 *
 *   sipsend [-t udp|tcp] [-w MS] [-a] [-r] [-f] [-l PORT -c MS]
 *           HOST PORT FILE...
 *     -t   transport (default udp)
 *     -w   listen this long after the last send (default 1000, <= 60000)
 *     -a   ACK a 2xx to an INVITE (a call that is then up); a failure
 *          to an INVITE is always ACKed
 *     -r   close the TCP connection with an RST (SO_LINGER 0), not a FIN
 *     -f   stop listening at the first final response
 *     -l   TCP: listen on 127.0.0.1:PORT (the Via port of the FILEs)
 *     -c   TCP: close our connection MS after the last send, then take
 *          the replies on the connection the gateway opens to -l (RFC
 *          3261 18.2.2); a BYE there is answered 200
 *
 * Prints "reply: <status line>" per response, "request: <method>" per
 * request, "closed" if the gateway closed the connection, "accepted" per
 * connection taken on -l, and exits 0 (2: bad usage, 1: I/O error).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILE (1 << 20)
#define RX_BUF 65536

static char rx[RX_BUF + 1];
static size_t rx_len;
static char ruri[1024];

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *load(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = malloc(MAX_FILE);
	if (!f || !buf) {
		fprintf(stderr, "sipsend: cannot read %s\n", path);
		exit(1);
	}
	*len = fread(buf, 1, MAX_FILE, f);
	fclose(f);
	return buf;
}

/* The value of header name (full form) in the message [p, e), or NULL. */
static const char *hdr(const char *p, const char *e, const char *name,
		       size_t *vl)
{
	size_t nl = strlen(name);
	while (p < e) {
		const char *eol = memchr(p, '\n', (size_t)(e - p));
		if (!eol || eol == p || (eol == p + 1 && *p == '\r'))
			return NULL;
		if ((size_t)(eol - p) > nl + 1 && !strncasecmp(p, name, nl) &&
		    p[nl] == ':') {
			const char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			*vl = (size_t)(eol - v);
			if (*vl && v[*vl - 1] == '\r')
				(*vl)--;
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

/* ACK for the final response at [p, e): its From, To (with tag), Call-ID,
 * CSeq; a 2xx gets a new branch, any other the INVITE's own Via (RFC 3261
 * 17.1.1.3: the ACK is part of that transaction). */
static void send_ack(int fd, const char *p, const char *e, const char *tp,
		     int ok)
{
	size_t fl, tl, cl, sl, vl;
	const char *f = hdr(p, e, "From", &fl), *t = hdr(p, e, "To", &tl);
	const char *c = hdr(p, e, "Call-ID", &cl), *s = hdr(p, e, "CSeq", &sl);
	const char *v = hdr(p, e, "Via", &vl);
	char ack[4096], via[1024];
	struct sockaddr_in me;
	socklen_t ml = sizeof(me);
	if (!f || !t || !c || !s || !v || !ruri[0] || vl >= sizeof(via))
		return;
	getsockname(fd, (struct sockaddr *)&me, &ml);
	if (ok)
		snprintf(via, sizeof(via),
			 "SIP/2.0/%s 127.0.0.1:%u;branch=z9hG4bKack%ld", tp,
			 ntohs(me.sin_port), now_ms());
	else
		snprintf(via, sizeof(via), "%.*s", (int)vl, v);
	int n = snprintf(ack, sizeof(ack),
			 "ACK %s SIP/2.0\r\nVia: %s\r\n"
			 "Max-Forwards: 70\r\nFrom: %.*s\r\nTo: %.*s\r\n"
			 "Call-ID: %.*s\r\nCSeq: %ld ACK\r\n"
			 "Content-Length: 0\r\n\r\n",
			 ruri, via, (int)fl, f, (int)tl, t, (int)cl, c,
			 strtol(s, NULL, 10));
	if (n > 0 && (size_t)n < sizeof(ack) && send(fd, ack, (size_t)n, 0) > 0)
		printf("sent: ACK\n");
}

static int finals; /* final responses seen */

/* 200 to a BYE at [p, e): its Via, From, To, Call-ID and CSeq back. */
static void send_200(int fd, const char *p, const char *e)
{
	static const char *const names[] = { "Via", "From", "To", "Call-ID",
					     "CSeq" };
	char out[4096];
	int n = snprintf(out, sizeof(out), "SIP/2.0 200 OK\r\n");

	for (size_t i = 0; i < 5; i++) {
		size_t vl;
		const char *v = hdr(p, e, names[i], &vl);

		if (!v || n < 0 || (size_t)n >= sizeof(out))
			return;
		n += snprintf(out + n, sizeof(out) - (size_t)n, "%s: %.*s\r\n",
			      names[i], (int)vl, v);
	}
	n += snprintf(out + n, sizeof(out) - (size_t)n,
		      "Content-Length: 0\r\n\r\n");
	if (n > 0 && (size_t)n < sizeof(out) &&
	    send(fd, out, (size_t)n, MSG_NOSIGNAL) > 0)
		printf("sent: 200\n");
}

/* Prints and consumes the complete replies in rx[]. */
static void replies(int fd, int ack, const char *tp)
{
	for (;;) {
		rx[rx_len] = '\0';
		char *end = strstr(rx, "\r\n\r\n");
		if (!end)
			return;
		size_t hl = (size_t)(end + 4 - rx), bl = 0, vl;
		const char *cl = hdr(rx, end + 2, "Content-Length", &vl);
		if (cl)
			bl = strtoul(cl, NULL, 10);
		if (hl + bl > rx_len)
			return;
		if (!strncmp(rx, "SIP/2.0 ", 8)) {
			char *eol = strstr(rx, "\r\n");
			printf("reply: %.*s\n", (int)(eol - rx), rx);
			finals += rx[8] >= '2';
			const char *cs = hdr(rx, end + 2, "CSeq", &vl);
			/* -a: 2xx; a failure is always ACKed, so that the
			 * gateway stops sending it */
			if (cs && memmem(cs, vl, "INVITE", 6) &&
			    ((ack && rx[8] == '2') || rx[8] >= '3'))
				send_ack(fd, rx, end + 2, tp, rx[8] == '2');
		} else {
			char *sp = strchr(rx, ' ');
			printf("request: %.*s\n", sp ? (int)(sp - rx) : 0, rx);
			if (!strncmp(rx, "BYE ", 4))
				send_200(fd, rx, end + 2);
		}
		memmove(rx, rx + hl + bl, rx_len - hl - bl);
		rx_len -= hl + bl;
	}
}

/* A TCP listener on 127.0.0.1:port, or -1. */
static int listen_on(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port) };
	int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 4)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* Closes fd, with an RST rather than a FIN if rst. */
static void drop(int fd, int rst)
{
	if (fd < 0)
		return;
	if (rst) {
		struct linger l = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	}
	close(fd);
}

int main(int argc, char **argv)
{
	const char *tp = "UDP";
	long wait = 1000;
	int ack = 0, rst = 0, first = 0, opt, lport = 0, lfd = -1;
	long close_after = -1;

	while ((opt = getopt(argc, argv, "t:w:arfl:c:")) != -1) {
		if (opt == 't' && !strcmp(optarg, "tcp"))
			tp = "TCP";
		else if (opt == 't' && strcmp(optarg, "udp"))
			goto usage;
		else if (opt == 'w')
			wait = strtol(optarg, NULL, 10);
		else if (opt == 'a')
			ack = 1;
		else if (opt == 'r')
			rst = 1;
		else if (opt == 'f')
			first = 1;
		else if (opt == 'l')
			lport = atoi(optarg);
		else if (opt == 'c')
			close_after = strtol(optarg, NULL, 10);
		else if (opt != 't')
			goto usage;
	}
	if (argc - optind < 3 || wait < 0 || wait > 60000 || lport < 0 ||
	    lport > 65535 || close_after > 60000 || (lport && close_after < 0))
		goto usage;
	struct sockaddr_in to = { .sin_family = AF_INET };
	to.sin_port = htons((uint16_t)atoi(argv[optind + 1]));
	if (inet_pton(AF_INET, argv[optind], &to.sin_addr) != 1)
		goto usage;
	int tcp = !strcmp(tp, "TCP");
	if (lport && (!tcp || (lfd = listen_on((uint16_t)lport)) < 0)) {
		perror("sipsend: listen");
		return 1;
	}
	int fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&to, sizeof(to))) {
		perror("sipsend: connect");
		return 1;
	}
	for (int i = optind + 2; i < argc; i++) {
		size_t len;
		char *m = load(argv[i], &len);
		/* the Request-URI of the first request, for an ACK */
		char *sp = memchr(m, ' ', len < 64 ? len : 64);
		if (!ruri[0] && sp && len > 8 && strncmp(m, "SIP/", 4)) {
			char *sp2 =
				memchr(sp + 1, ' ', len - (size_t)(sp + 1 - m));
			if (sp2 && (size_t)(sp2 - sp - 1) < sizeof(ruri))
				snprintf(ruri, sizeof(ruri), "%.*s",
					 (int)(sp2 - sp - 1), sp + 1);
		}
		for (size_t off = 0; off < len;) {
			ssize_t n = send(fd, m + off, len - off, MSG_NOSIGNAL);
			if (n < 0) {
				printf("send failed: %s\n", strerror(errno));
				break;
			}
			off += (size_t)n;
		}
		printf("sent: %s (%zu bytes)\n", argv[i], len);
		free(m);
	}
	long until = now_ms() + wait, now;
	long close_at = close_after >= 0 ? now_ms() + close_after : -1;
	for (long left;
	     (left = until - (now = now_ms())) > 0 && !(first && finals);) {
		if (close_at >= 0 && now >= close_at) {
			drop(fd, rst);
			printf("closed ours\n");
			fd = -1;
			close_at = -1;
			rx_len = 0;
		}
		struct pollfd p[2] = { { .fd = fd, .events = POLLIN },
				       { .fd = lfd, .events = POLLIN } };
		if (close_at >= 0 && close_at - now < left)
			left = close_at - now;
		if (poll(p, 2, (int)left) <= 0)
			continue;
		if (p[1].revents & POLLIN) {
			/* the gateway's new connection replaces ours */
			int afd = accept(lfd, NULL, NULL);
			if (afd >= 0) {
				printf("accepted\n");
				if (fd >= 0)
					close(fd);
				fd = afd;
				rx_len = 0;
			}
			continue;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		ssize_t n = recv(fd, rx + rx_len, RX_BUF - rx_len, 0);
		if (n == 0 || (n < 0 && tcp)) {
			printf("closed\n");
			if (lfd >= 0) {
				close(fd);
				fd = -1;
				continue;
			}
			break;
		}
		if (n < 0)
			continue; /* UDP: ICMP port unreachable */
		rx_len += (size_t)n;
		replies(fd, ack, tp);
		if (!tcp)
			rx_len = 0; /* one datagram is one message */
		if (rx_len == RX_BUF)
			rx_len = 0;
	}
	if (lfd >= 0)
		close(lfd);
	if (fd >= 0)
		drop(fd, rst);
	fflush(stdout);
	return 0;
usage:
	fprintf(stderr, "usage: sipsend [-t udp|tcp] [-w MS] [-a] [-r] [-f] "
			"[-l PORT -c MS] HOST PORT FILE...\n");
	return 2;
}
