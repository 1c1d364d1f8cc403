/* gateway/net.c: UDP binding and the RTP port walk (127.0.0.1 only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "gateway/net.h"

/* A port range unlikely to be busy; the test skips ports it finds taken. */
#define LO 41000u
#define HI 41011u

static void sockaddr_parsing(void **state)
{
	struct sockaddr_in sin;

	assert_int_equal(gw_sockaddr_in(&sin, "127.0.0.1", 5060), 0);
	assert_int_equal(ntohs(sin.sin_port), 5060);
	assert_int_equal(sin.sin_family, AF_INET);
	assert_int_equal(gw_sockaddr_in(&sin, "localhost", 5060), EINVAL);
	assert_int_equal(gw_sockaddr_in(&sin, "127.0.0.1", 70000), EINVAL);
	assert_int_equal(gw_sockaddr_in(&sin, "::1", 5060), EINVAL);
}

static void bind_is_nonblocking(void **state)
{
	int fd, again;
	char b;

	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &fd), 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	again = recv(fd, &b, 1, 0) < 0 && errno == EAGAIN;
	assert_true(again);
	close(fd);
	assert_int_equal(gw_udp_bind("not-an-ip", 0, &fd), EINVAL);
}

static void rtp_ports_even_and_advancing(void **state)
{
	unsigned next = LO, p1, p2;
	int f1, f2;

	assert_int_equal(gw_rtp_bind("127.0.0.1", LO, HI, &next, &f1, &p1), 0);
	assert_int_equal(p1 % 2, 0);
	assert_int_equal(next, p1 + 2);
	assert_int_equal(gw_rtp_bind("127.0.0.1", LO, HI, &next, &f2, &p2), 0);
	assert_true(p2 > p1);
	assert_int_equal(p2 % 2, 0);
	close(f1);
	close(f2);
}

static void rtp_range_exhausted(void **state)
{
	int fds[8], n = 0, fd;
	unsigned next = LO, port;

	/* LO..HI holds 6 even ports: take them all, the 7th must fail */
	while (n < 8 &&
	       !gw_rtp_bind("127.0.0.1", LO, HI, &next, &fds[n], &port))
		n++;
	assert_true(n <= 6);
	assert_int_equal(gw_rtp_bind("127.0.0.1", LO, HI, &next, &fd, &port),
			 EADDRINUSE);
	while (n--)
		close(fds[n]);
	/* a range without an even port */
	assert_int_equal(
		gw_rtp_bind("127.0.0.1", 41001, 41001, &next, &fd, &port),
		EINVAL);
}

static void rtp_wraps_to_start(void **state)
{
	unsigned next = HI + 10, port;
	int fd;

	assert_int_equal(gw_rtp_bind("127.0.0.1", LO, HI, &next, &fd, &port),
			 0);
	assert_true(port >= LO && port <= HI);
	close(fd);
}

/* IPv6 literals, and TCP listening on an ephemeral port. */
static void ipv6_and_tcp(void **state)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;

	assert_int_equal(gw_sockaddr(&ss, &len, "::1", 5060), 0);
	assert_int_equal(ss.ss_family, AF_INET6);
	assert_int_equal(len, sizeof(struct sockaddr_in6));
	assert_int_equal(gw_sockaddr(&ss, &len, "127.0.0.1", 5060), 0);
	assert_int_equal(ss.ss_family, AF_INET);
	assert_int_equal(gw_sockaddr(&ss, &len, "[::1]", 5060), EINVAL);
	assert_int_equal(gw_sockaddr(&ss, &len, "::1", 65536), EINVAL);
	/* ::1 may be missing in a sandbox: only a clean error then */
	int err = gw_udp_bind("::1", 0, &fd);
	if (!err) {
		assert_true(gw_sock_port(fd) > 0);
		close(fd);
	} else {
		assert_int_equal(err, EADDRNOTAVAIL);
	}
	assert_int_equal(gw_tcp_listen("127.0.0.1", 0, 4, &fd), 0);
	assert_true(gw_sock_port(fd) > 0);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	assert_int_equal(gw_tcp_listen("nope", 0, 4, &fd), EINVAL);
	assert_int_equal(gw_sock_port(-1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ipv6_and_tcp),
		cmocka_unit_test(sockaddr_parsing),
		cmocka_unit_test(bind_is_nonblocking),
		cmocka_unit_test(rtp_ports_even_and_advancing),
		cmocka_unit_test(rtp_range_exhausted),
		cmocka_unit_test(rtp_wraps_to_start),
	};

	return cmocka_run_group_tests_name("gateway_net", tests, NULL, NULL);
}
