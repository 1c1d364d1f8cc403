/*
 * gateway/siptcp.c on 127.0.0.1 with the real loop and stack: a request
 * split over writes and one glued to a ping, answered on the same
 * connection; a message without Content-Length answered 400 and closed;
 * the per-IP limit; an outgoing connection reused; a peer that does not
 * read dropped once its queue is full. Every wait is bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/hooks.h"
#include "gateway/net.h"
#include "gateway/siptcp.h"

struct ctx {
	struct gw_hookctx h;
	struct gw_siptcp tcp;
	struct sip_stack *sip;
	unsigned port;
};

static struct ctx C;

static int send_hook(void *arg, const struct sip_addr *dst, const void *buf,
		     size_t len)
{
	struct ctx *c = gw_container_of(arg, struct ctx, h);

	return gw_siptcp_send(&c->tcp, dst, buf, len);
}

static void setup(unsigned per_ip, size_t max_out)
{
	struct sip_hooks h;
	struct sip_stack_cfg cfg = { .local_ip = "127.0.0.1" };
	struct gw_siptcp_cfg tc = { .max_per_ip = per_ip, .max_out = max_out };

	memset(&C, 0, sizeof(C));
	C.h.loop = gw_loop_alloc();
	assert_non_null(C.h.loop);
	gw_hooks_sip_init(&h, &C.h);
	h.send = send_hook;
	assert_int_equal(gw_siptcp_init(&C.tcp, C.h.loop, &tc), 0);
	assert_int_equal(gw_siptcp_listen(&C.tcp, SIP_TP_TCP, "127.0.0.1", 0),
			 0);
	C.port = gw_siptcp_port(&C.tcp, SIP_TP_TCP);
	assert_true(C.port > 0);
	cfg.local_port = (uint16_t)C.port;
	assert_int_equal(sip_stack_alloc(&C.sip, &cfg, &h), 0);
	C.tcp.sip = C.sip;
	/* no TLS configured: TLS listening is refused */
	assert_int_equal(gw_siptcp_listen(&C.tcp, SIP_TP_TLS, "127.0.0.1", 0),
			 ENOKEY);
}

static void teardown(void)
{
	gw_siptcp_release(&C.tcp);
	sip_stack_free(C.sip);
	gw_loop_free(C.h.loop);
}

static void pump(int rounds)
{
	for (int i = 0; i < rounds; i++)
		gw_loop_once(C.h.loop, 5);
}

static int client(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	assert_int_equal(gw_sockaddr(&ss, &len, "127.0.0.1", C.port), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, len), 0);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	return fd;
}

/* Reads what fd has until want is seen or the peer closes (bounded). */
static size_t collect(int fd, char *buf, size_t size, const char *want,
		      bool *closed)
{
	size_t n = 0;

	*closed = false;
	buf[0] = '\0';
	for (int i = 0; i < 200 && !*closed; i++) {
		pump(1);
		ssize_t r = read(fd, buf + n, size - 1 - n);

		/* an RST (the gateway closed with our bytes unread) too */
		if (r == 0 || (r < 0 && errno == ECONNRESET))
			*closed = true;
		if (r > 0) {
			n += (size_t)r;
			buf[n] = '\0';
		}
		if (want && strstr(buf, want))
			break;
	}
	return n;
}

#define OPTIONS(cid, cl)                                            \
	"OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"                      \
	"Via: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK" cid "\r\n" \
	"From: <sip:t@127.0.0.1>;tag=a\r\n"                         \
	"To: <sip:gw@127.0.0.1>\r\nCall-ID: " cid "\r\n"            \
	"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n" cl "\r\n"

static void split_and_ping_answered_on_connection(void **state)
{
	static const char m1[] = OPTIONS("c1", "Content-Length: 0\r\n");
	static const char m2[] = OPTIONS("c2", "Content-Length: 0\r\n");
	char buf[8192], glued[2048];
	bool closed;
	int fd;

	setup(0, 0);
	fd = client();
	/* half, then the rest */
	assert_int_equal(write(fd, m1, 40), 40);
	pump(3);
	assert_int_equal(write(fd, m1 + 40, strlen(m1) - 40),
			 (ssize_t)(strlen(m1) - 40));
	collect(fd, buf, sizeof(buf), "Call-ID: c1", &closed);
	assert_non_null(strstr(buf, "SIP/2.0 200"));
	assert_false(closed);
	/* a ping and a request in one write: pong, then the answer */
	snprintf(glued, sizeof(glued), "\r\n\r\n%s", m2);
	assert_int_equal(write(fd, glued, strlen(glued)),
			 (ssize_t)strlen(glued));
	collect(fd, buf, sizeof(buf), "Call-ID: c2", &closed);
	assert_int_equal(strncmp(buf, "\r\nSIP/2.0 200", 13), 0);
	assert_int_equal(C.tcp.conns.stats.pings, 1);
	assert_int_equal(C.tcp.conns.stats.accepted, 1);
	/* the peer's listening port became an alias of this connection */
	struct sip_addr al;
	assert_int_equal(sip_addr_set(&al, "127.0.0.1", 5999), 0);
	al.tp = SIP_TP_TCP;
	assert_non_null(gw_sipconns_find(&C.tcp.conns, &al));
	close(fd);
	pump(5);
	assert_int_equal(C.tcp.conns.stats.closed, 1);
	assert_int_equal(C.tcp.conns.n, 0);
	teardown();
}

static void missing_content_length_400_and_close(void **state)
{
	static const char m[] = OPTIONS("c3", "");
	char buf[8192];
	bool closed;
	int fd;

	setup(0, 0);
	fd = client();
	assert_int_equal(write(fd, m, strlen(m)), (ssize_t)strlen(m));
	collect(fd, buf, sizeof(buf), NULL, &closed);
	assert_non_null(strstr(buf, "SIP/2.0 400"));
	assert_true(closed);
	assert_int_equal(C.tcp.conns.stats.bad_framing, 1);
	/* the listener goes on */
	int fd2 = client();
	static const char ok[] = OPTIONS("c4", "Content-Length: 0\r\n");
	assert_int_equal(write(fd2, ok, strlen(ok)), (ssize_t)strlen(ok));
	collect(fd2, buf, sizeof(buf), "Call-ID: c4", &closed);
	assert_non_null(strstr(buf, "SIP/2.0 200"));
	close(fd);
	close(fd2);
	teardown();
}

static void bad_length_and_oversize_close(void **state)
{
	static const char bad[] = OPTIONS("c5", "Content-Length: x\r\n");
	char buf[8192];
	bool closed;
	int fd;

	setup(0, 0);
	fd = client();
	assert_int_equal(write(fd, bad, strlen(bad)), (ssize_t)strlen(bad));
	collect(fd, buf, sizeof(buf), NULL, &closed);
	assert_true(closed);
	/* answered from its headers, saying why, then closed */
	assert_non_null(strstr(buf, "SIP/2.0 400 Bad Request (bad Content-"
				    "Length)\r\n"));
	close(fd);
	/* a body larger than the framing limit: 513 before it comes */
	fd = client();
	static const char big[] = OPTIONS("c6", "Content-Length: 70000\r\n");
	assert_int_equal(write(fd, big, strlen(big)), (ssize_t)strlen(big));
	collect(fd, buf, sizeof(buf), NULL, &closed);
	assert_true(closed);
	assert_non_null(strstr(buf, "SIP/2.0 513 "));
	assert_int_equal(C.tcp.conns.stats.bad_framing, 2);
	close(fd);
	/* headers that never end fill the buffer: closed, nothing said */
	fd = client();
	static char junk[70000];
	memset(junk, 'x', sizeof(junk));
	ssize_t w = 0;
	for (int i = 0; i < 100 && w < (ssize_t)sizeof(junk); i++) {
		ssize_t k = send(fd, junk + w, sizeof(junk) - (size_t)w,
				 MSG_NOSIGNAL);
		if (k > 0)
			w += k;
		pump(1);
	}
	collect(fd, buf, sizeof(buf), NULL, &closed);
	assert_true(closed);
	assert_int_equal(strlen(buf), 0);
	assert_int_equal(C.tcp.conns.stats.bad_framing, 3);
	close(fd);
	assert_int_equal(C.tcp.conns.n, 0);
	teardown();
}

static void per_ip_limit(void **state)
{
	char buf[256];
	bool closed;
	int fds[3];

	setup(2, 0);
	for (int i = 0; i < 3; i++) {
		fds[i] = client();
		pump(3);
	}
	/* the third is accepted by the kernel, then closed by us */
	collect(fds[2], buf, sizeof(buf), NULL, &closed);
	assert_true(closed);
	assert_int_equal(C.tcp.conns.stats.refused_per_ip, 1);
	assert_int_equal(C.tcp.conns.n, 2);
	collect(fds[0], buf, sizeof(buf), NULL, &closed);
	assert_false(closed);
	for (int i = 0; i < 3; i++)
		close(fds[i]);
	teardown();
}

static int listener(unsigned *port)
{
	int fd;

	assert_int_equal(gw_tcp_listen("127.0.0.1", 0, 4, &fd), 0);
	*port = gw_sock_port(fd);
	return fd;
}

static void outgoing_reused_and_stuck_peer_dropped(void **state)
{
	static char chunk[65536];
	struct sip_addr dst;
	unsigned port;
	int lfd, afd = -1, err = 0, i;
	char buf[256];

	setup(0, 65536);
	lfd = listener(&port);
	assert_int_equal(sip_addr_set(&dst, "127.0.0.1", (uint16_t)port), 0);
	dst.tp = SIP_TP_TCP;
	assert_int_equal(gw_siptcp_send(&C.tcp, &dst, "one\r\n", 5), 0);
	assert_int_equal(gw_siptcp_send(&C.tcp, &dst, "two\r\n", 5), 0);
	pump(5);
	for (i = 0; i < 100 && afd < 0; i++) {
		afd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		pump(1);
	}
	assert_true(afd >= 0);
	bool closed;
	collect(afd, buf, sizeof(buf), "two", &closed);
	assert_string_equal(buf, "one\r\ntwo\r\n");
	assert_int_equal(C.tcp.conns.stats.opened, 1);
	/* nobody else connected: one connection carried both */
	assert_true(accept4(lfd, NULL, NULL, SOCK_NONBLOCK) < 0);
	/* the peer stops reading: kernel buffers fill, then our queue,
	 * then the connection is dropped and counted */
	memset(chunk, 'x', sizeof(chunk));
	for (i = 0; i < 1000 && !err; i++) {
		err = gw_siptcp_send(&C.tcp, &dst, chunk, sizeof(chunk));
		pump(1);
	}
	assert_int_equal(err, ENOBUFS);
	assert_int_equal(C.tcp.conns.stats.stuck_dropped, 1);
	pump(3);
	assert_int_equal(C.tcp.conns.n, 0);
	close(afd);
	close(lfd);
	/* nothing listens there now: the next send fails at once or the
	 * connect fails on the loop; the one after is refused from memory */
	err = gw_siptcp_send(&C.tcp, &dst, "x", 1);
	pump(10);
	assert_int_equal(gw_siptcp_send(&C.tcp, &dst, "x", 1), ECONNREFUSED);
	/* TLS without a TLS setup */
	dst.tp = SIP_TP_TLS;
	assert_int_equal(gw_siptcp_send(&C.tcp, &dst, "x", 1), EPROTONOSUPPORT);
	dst.tp = SIP_TP_UDP;
	assert_int_equal(gw_siptcp_send(&C.tcp, &dst, "x", 1), EPROTONOSUPPORT);
	teardown();
}

/* An OPTIONS over a new connection with a Via sent-by of host:port,
 * answered 200 on it (the answer left in buf); then the connection is
 * closed, with an RST if rst. Its address lands in src. */
static void options_then_close(const char *host, unsigned port, bool rst,
			       struct sip_addr *src, char *buf, size_t size)
{
	struct sockaddr_storage me;
	socklen_t ml = sizeof(me);
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char msg[1024];
	bool closed;
	int fd = client();

	snprintf(msg, sizeof(msg),
		 "OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/TCP %s:%u;branch=z9hG4bKlate\r\n"
		 "From: <sip:t@127.0.0.1>;tag=a\r\nTo: <sip:gw@127.0.0.1>\r\n"
		 "Call-ID: late\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
		 "Content-Length: 0\r\n\r\n",
		 host, port);
	assert_int_equal(write(fd, msg, strlen(msg)), (ssize_t)strlen(msg));
	collect(fd, buf, size, "Call-ID: late", &closed);
	assert_non_null(strstr(buf, "SIP/2.0 200"));
	assert_int_equal(getsockname(fd, (struct sockaddr *)&me, &ml), 0);
	memset(src, 0, sizeof(*src));
	src->tp = SIP_TP_TCP;
	memcpy(&src->ss, &me, sizeof(me));
	src->len = ml;
	if (rst)
		assert_int_equal(
			setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)),
			0);
	close(fd);
}

/* The gateway's new connection on lfd (within 100 loop rounds), on
 * which just "late\r\n" arrives. */
static int late_on_new(int lfd)
{
	char buf[64];
	bool closed;
	int afd = -1;

	for (int i = 0; i < 100 && afd < 0; i++) {
		pump(1);
		afd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
	}
	assert_true(afd >= 0);
	collect(afd, buf, sizeof(buf), "late", &closed);
	assert_string_equal(buf, "late\r\n");
	return afd;
}

/* RFC 3261 18.2.2: the connection a request came on is gone; the late
 * response goes to the port the peer's Via named. */
static void late_response_to_sent_by(void **state)
{
	struct sip_addr src;
	unsigned port;
	char buf[8192];
	int lfd;

	setup(0, 0);
	lfd = listener(&port);
	options_then_close("127.0.0.1", port, false, &src, buf, sizeof(buf));
	pump(5);
	assert_int_equal(C.tcp.conns.n, 0);
	assert_int_equal(gw_siptcp_send(&C.tcp, &src, "late\r\n", 6), 0);
	close(late_on_new(lfd));
	close(lfd);
	teardown();
}

/* RFC 3261 18.2.2 with a Via host that is a name (the peer behind NAT):
 * the new connection goes to the source IP ("received") and the sent-by
 * port. The reset is not read yet when the response is sent: the failed
 * write closes the connection and the response is sent again. */
static void reset_unread_response_to_received(void **state)
{
	struct sip_addr src;
	unsigned port;
	char buf[8192];
	bool closed;
	int lfd, afd;

	setup(0, 0);
	lfd = listener(&port);
	options_then_close("ua.example.invalid", port, true, &src, buf,
			   sizeof(buf));
	/* the 200 carries received=127.0.0.1 (the host is a name) */
	assert_non_null(strstr(buf, "received=127.0.0.1"));
	/* no pump: the loop has not seen the reset */
	assert_int_equal(C.tcp.conns.n, 1);
	assert_int_equal(gw_siptcp_send(&C.tcp, &src, "late\r\n", 6), 0);
	assert_int_equal(C.tcp.conns.stats.resent, 1);
	afd = late_on_new(lfd);
	/* a retransmission finds the new connection */
	assert_int_equal(gw_siptcp_send(&C.tcp, &src, "again\r\n", 7), 0);
	collect(afd, buf, sizeof(buf), "again", &closed);
	assert_string_equal(buf, "again\r\n");
	assert_int_equal(C.tcp.conns.stats.opened, 1);
	close(afd);
	close(lfd);
	teardown();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split_and_ping_answered_on_connection),
		cmocka_unit_test(missing_content_length_400_and_close),
		cmocka_unit_test(bad_length_and_oversize_close),
		cmocka_unit_test(per_ip_limit),
		cmocka_unit_test(outgoing_reused_and_stuck_peer_dropped),
		cmocka_unit_test(late_response_to_sent_by),
		cmocka_unit_test(reset_unread_response_to_received),
	};

	return cmocka_run_group_tests_name("gateway_siptcp", tests, NULL, NULL);
}
