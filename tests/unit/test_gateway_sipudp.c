/* gateway/sipudp.c: datagrams from a UDP socket into the SIP stack and
 * the stack's answers back out, on 127.0.0.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/hooks.h"
#include "gateway/net.h"
#include "gateway/sipudp.h"

struct ctx {
	struct gw_hookctx h;
	struct gw_sipudp udp;
};

static struct gw_sipudp *udp_of(void *arg)
{
	return &gw_container_of(arg, struct ctx, h)->udp;
}

static int send_hook(void *arg, const struct sip_addr *dst, const void *buf,
		     size_t len)
{
	return gw_sipudp_send(udp_of(arg), dst, buf, len);
}

static unsigned port_of(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	return ntohs(sin.sin_port);
}

/* A gateway socket with its stack (c) and a peer socket on 127.0.0.1;
 * returns the gateway's port. */
static unsigned pair_open(struct ctx *c, int *peer)
{
	struct sip_hooks h;
	struct sip_stack_cfg cfg = { .local_ip = "127.0.0.1" };

	*c = (struct ctx){ .h.loop = gw_loop_alloc() };
	gw_hooks_sip_init(&h, &c->h);
	h.send = send_hook;
	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &c->udp.fd), 0);
	assert_int_equal(gw_udp_bind("127.0.0.1", 0, peer), 0);
	cfg.local_port = (uint16_t)port_of(c->udp.fd);
	assert_int_equal(sip_stack_alloc(&c->udp.sip, &cfg, &h), 0);
	return cfg.local_port;
}

static void pair_close(struct ctx *c, int peer)
{
	sip_stack_free(c->udp.sip);
	close(c->udp.fd);
	close(peer);
	gw_loop_free(c->h.loop);
}

static void options_answered_and_garbage_counted(void **state)
{
	struct ctx c = { .h.loop = gw_loop_alloc() };
	struct sip_hooks h;
	struct sip_stack_cfg cfg = { .local_ip = "127.0.0.1" };
	struct sip_stats st;
	struct pollfd pfd;
	char msg[512], resp[2048];
	int peer, n;

	gw_hooks_sip_init(&h, &c.h);
	h.send = send_hook;
	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &c.udp.fd), 0);
	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &peer), 0);
	cfg.local_port = (uint16_t)port_of(c.udp.fd);
	assert_int_equal(sip_stack_alloc(&c.udp.sip, &cfg, &h), 0);

	struct sockaddr_in to;

	assert_int_equal(gw_sockaddr_in(&to, "127.0.0.1", cfg.local_port), 0);
	n = snprintf(msg, sizeof(msg),
		     "OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKt1\r\n"
		     "From: <sip:t@127.0.0.1>;tag=a\r\n"
		     "To: <sip:gw@127.0.0.1>\r\nCall-ID: t1\r\n"
		     "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
		     "Content-Length: 0\r\n\r\n",
		     port_of(peer));
	assert_int_equal(sendto(peer, "garbage\r\n\r\n", 11, 0,
				(struct sockaddr *)&to, sizeof(to)),
			 11);
	assert_int_equal(sendto(peer, msg, (size_t)n, 0, (struct sockaddr *)&to,
				sizeof(to)),
			 n);
	pfd = (struct pollfd){ .fd = c.udp.fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	usleep(10000); /* both datagrams queued */
	gw_sipudp_readable(&c.udp, 0);

	pfd = (struct pollfd){ .fd = peer, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	n = (int)recv(peer, resp, sizeof(resp) - 1, 0);
	assert_true(n > 0);
	resp[n] = '\0';
	assert_non_null(strstr(resp, "SIP/2.0 200"));
	assert_non_null(strstr(resp, "Call-ID: t1"));
	sip_stack_stats(c.udp.sip, &st);
	assert_true(st.rx_msgs >= 1);
	assert_int_equal(st.rx_rejected, 1); /* the garbage */

	/* nothing waiting: returns at once */
	gw_sipudp_readable(&c.udp, 0);
	sip_stack_free(c.udp.sip);
	close(c.udp.fd);
	close(peer);
	gw_loop_free(c.h.loop);
}

/* The admit hook (access control) sees every datagram's source before
 * parsing; false drops it unread: the stack counts nothing. */
static unsigned admit_calls;

static bool admit_none(void *arg, const struct sip_addr *src, bool conn)
{
	(void)arg;
	assert_false(conn);
	assert_int_equal(src->tp, SIP_TP_UDP);
	assert_int_equal(src->ss.ss_family, AF_INET);
	admit_calls++;
	return false;
}

static void admit_hook_drops_before_parsing(void **state)
{
	struct ctx c;
	struct sip_stats st;
	struct pollfd pfd;
	struct sockaddr_in to;
	int peer;
	unsigned port = pair_open(&c, &peer);

	c.udp.admit = admit_none;
	admit_calls = 0;
	assert_int_equal(gw_sockaddr_in(&to, "127.0.0.1", port), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(sendto(peer, "garbage\r\n\r\n", 11, 0,
					(struct sockaddr *)&to, sizeof(to)),
				 11);
	pfd = (struct pollfd){ .fd = c.udp.fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	usleep(10000);
	gw_sipudp_readable(&c.udp, 0);
	assert_int_equal(admit_calls, 3);
	sip_stack_stats(c.udp.sip, &st);
	assert_int_equal(st.rx_msgs, 0);
	assert_int_equal(st.rx_rejected, 0);
	pair_close(&c, peer);
	(void)state;
}

static void send_to_closed_port_reports_nothing_fatal(void **state)
{
	struct gw_sipudp u = { .fd = -1 };
	struct sip_addr dst;

	assert_int_equal(sip_addr_set(&dst, "127.0.0.1", 9), 0);
	/* a bad socket gives an errno, never a crash */
	assert_int_not_equal(gw_sipudp_send(&u, &dst, "x", 1), 0);
}

static uint64_t seen_queued_us = 1;

static unsigned options_hook(void *arg, const struct sip_msg *req, char *hdrs,
			     size_t size)
{
	(void)arg;
	(void)req;
	(void)hdrs;
	(void)size;
	seen_queued_us = gw_sipudp_queued_us();
	return 200;
}

/* With arrival stamps, the stack's callbacks learn how long the datagram
 * waited in the socket (overload.c); without, 0; outside, 0. */
static void queued_time_from_stamps(void **state)
{
	for (int stamped = 1; stamped >= 0; stamped--) {
		struct ctx c = { .h.loop = gw_loop_alloc() };
		struct sip_hooks h;
		struct sip_stack_cfg cfg = { .local_ip = "127.0.0.1" };
		struct sockaddr_in to;
		struct pollfd pfd;
		char msg[512];
		int peer, n;

		gw_hooks_sip_init(&h, &c.h);
		h.send = send_hook;
		h.options = options_hook;
		assert_int_equal(gw_udp_bind("127.0.0.1", 0, &c.udp.fd), 0);
		/* the kernel turns stamping on through deferred work: a
		 * datagram right after would get its read time instead */
		if (stamped) {
			assert_int_equal(gw_sipudp_stamp(c.udp.fd), 0);
			usleep(50000);
		}
		assert_int_equal(gw_udp_bind("127.0.0.1", 0, &peer), 0);
		cfg.local_port = (uint16_t)port_of(c.udp.fd);
		assert_int_equal(sip_stack_alloc(&c.udp.sip, &cfg, &h), 0);
		assert_int_equal(
			gw_sockaddr_in(&to, "127.0.0.1", cfg.local_port), 0);
		n = snprintf(
			msg, sizeof(msg),
			"OPTIONS sip:gw@127.0.0.1 SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bKq%d\r\n"
			"From: <sip:t@127.0.0.1>;tag=a\r\n"
			"To: <sip:gw@127.0.0.1>\r\nCall-ID: q%d\r\n"
			"CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
			"Content-Length: 0\r\n\r\n",
			port_of(peer), stamped, stamped);
		assert_int_equal(sendto(peer, msg, (size_t)n, 0,
					(struct sockaddr *)&to, sizeof(to)),
				 n);
		pfd = (struct pollfd){ .fd = c.udp.fd, .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 1000), 1);
		usleep(30000); /* it waits 30 ms at least */
		seen_queued_us = 1;
		gw_sipudp_readable(&c.udp, 0);
		if (stamped) {
			assert_true(seen_queued_us >= 25000);
			assert_true(seen_queued_us < 10000000);
		} else {
			assert_int_equal(seen_queued_us, 0);
		}
		assert_int_equal(gw_sipudp_queued_us(), 0);
		/* answered to the right address (recvmsg's source) */
		pfd = (struct pollfd){ .fd = peer, .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 1000), 1);
		sip_stack_free(c.udp.sip);
		close(c.udp.fd);
		close(peer);
		gw_loop_free(c.h.loop);
	}
	(void)state;
}

/* One out-of-dialog request from peer to port: method, Call-ID cid. */
static void send_req(int peer, unsigned port, const char *method,
		     const char *cid)
{
	struct sockaddr_in to;
	char msg[512];
	int n;

	assert_int_equal(gw_sockaddr_in(&to, "127.0.0.1", port), 0);
	n = snprintf(msg, sizeof(msg),
		     "%s sip:gw@127.0.0.1 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 127.0.0.1:%u;branch=z9hG4bK%s\r\n"
		     "From: <sip:t@127.0.0.1>;tag=a\r\n"
		     "To: <sip:gw@127.0.0.1>\r\nCall-ID: %s\r\n"
		     "CSeq: 1 %s\r\nMax-Forwards: 70\r\n"
		     "Content-Length: 0\r\n\r\n",
		     method, port_of(peer), cid, cid, method);
	assert_int_equal(sendto(peer, msg, (size_t)n, 0, (struct sockaddr *)&to,
				sizeof(to)),
			 n);
}

/* Read together, the messages of calls in progress (responses, ACK,
 * BYE) reach the stack before the others, which keep their order: the
 * answers leave in that order. */
static void calls_in_progress_first(void **state)
{
	struct ctx c;
	struct pollfd pfd;
	char resp[2048];
	const char *want[] = { "Call-ID: bye1", "Call-ID: opt1",
			       "Call-ID: opt2" };
	int peer;
	unsigned port = pair_open(&c, &peer);

	send_req(peer, port, "OPTIONS", "opt1");
	send_req(peer, port, "OPTIONS", "opt2");
	send_req(peer, port, "BYE", "bye1"); /* no dialog: 481 */
	pfd = (struct pollfd){ .fd = c.udp.fd, .events = POLLIN };
	assert_int_equal(poll(&pfd, 1, 1000), 1);
	usleep(20000); /* all three queued */
	gw_sipudp_readable(&c.udp, 0);
	for (unsigned i = 0; i < 3; i++) {
		ssize_t n;

		pfd = (struct pollfd){ .fd = peer, .events = POLLIN };
		assert_int_equal(poll(&pfd, 1, 1000), 1);
		n = recv(peer, resp, sizeof(resp) - 1, 0);
		assert_true(n > 0);
		resp[n] = 0;
		assert_non_null(strstr(resp, want[i]));
		if (i == 0)
			assert_non_null(strstr(resp, "SIP/2.0 481"));
	}
	pair_close(&c, peer);
	(void)state;
}

/* The receive buffer is set as asked (past rmem_max as root); the
 * datagrams the kernel drops on the full socket are counted from its
 * own report (SO_RXQ_OVFL): per socket and for overload.c. */
static void receive_buffer_and_drops(void **state)
{
	struct ctx c;
	unsigned got = 0;
	int peer, sent = 0;
	unsigned port = pair_open(&c, &peer);

	assert_int_equal(gw_sipudp_stamp(c.udp.fd), 0);
	if (geteuid() == 0) {
		assert_int_equal(gw_sipudp_rcvbuf(c.udp.fd, 8u << 20, &got), 0);
		assert_true(got >= 8u << 20);
	}
	/* the smallest buffer: a few datagrams fill it */
	gw_sipudp_rcvbuf(c.udp.fd, 1, &got);
	assert_true(got > 0 && got < 8192);
	gw_sipudp_take_drops();
	for (int i = 0; i < 200; i++) {
		char cid[16];

		snprintf(cid, sizeof(cid), "d%d", i);
		send_req(peer, port, "OPTIONS", cid);
		sent++;
	}
	usleep(20000);
	gw_sipudp_readable(&c.udp, 0);
	/* the kernel stamps its count on the datagrams queued after the
	 * drops: one more comes once there is room */
	send_req(peer, port, "OPTIONS", "after");
	usleep(20000);
	gw_sipudp_readable(&c.udp, 0);
	assert_true(c.udp.dropped > 0);
	assert_true(c.udp.dropped < (uint64_t)sent);
	assert_int_equal(gw_sipudp_take_drops(), c.udp.dropped);
	assert_int_equal(gw_sipudp_take_drops(), 0); /* taken */
	/* a bad socket: an error, never a crash */
	assert_int_not_equal(gw_sipudp_rcvbuf(-1, 4096, &got), 0);
	pair_close(&c, peer);
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_answered_and_garbage_counted),
		cmocka_unit_test(send_to_closed_port_reports_nothing_fatal),
		cmocka_unit_test(admit_hook_drops_before_parsing),
		cmocka_unit_test(queued_time_from_stamps),
		cmocka_unit_test(calls_in_progress_first),
		cmocka_unit_test(receive_buffer_and_drops),
	};

	return cmocka_run_group_tests_name("gateway_sipudp", tests, NULL, NULL);
}
