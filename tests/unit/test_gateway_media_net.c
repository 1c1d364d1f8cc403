/* gateway/media_net.c: RTP/RTCP port pairs and address conversion
 * (127.0.0.1 only). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/media_net.h"
#include "gateway/net.h"

/* A range unlikely to be busy elsewhere on the machine. */
#define LO 43100u
#define HI 43105u

static void pairs_are_even_odd_and_skip_busy(void **state)
{
	unsigned next = LO, port;
	int rtp, rtcp, busy, fds[4];

	/* take the odd port of the first pair: that pair is skipped */
	assert_int_equal(gw_udp_bind("127.0.0.1", LO + 1, &busy), 0);
	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 0);
	assert_int_equal(port, LO + 2);
	assert_int_equal(next, LO + 4);
	fds[0] = rtp;
	fds[1] = rtcp;
	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 0);
	assert_int_equal(port, LO + 4);
	fds[2] = rtp;
	fds[3] = rtcp;
	/* range exhausted: the first pair is still blocked by busy */
	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 EADDRINUSE);
	/* the even port LO is free again (its failed pair was closed) */
	close(busy);
	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 0);
	assert_int_equal(port, LO);
	close(rtp);
	close(rtcp);
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	/* a range without room for a pair, and a bad address */
	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, LO, &next, &rtp,
					  &rtcp, &port),
			 EINVAL);
	assert_int_equal(gw_rtp_bind_pair("not-an-ip", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 EINVAL);
}

/* The live socket gauge (metrics, soak): +2 a pair, -1 a close; failed
 * binds and closing "no socket" leave it alone. */
static void rtp_sockets_counted(void **state)
{
	unsigned base = gw_rtp_sockets(), next = LO, port;
	int rtp, rtcp;

	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 0);
	assert_int_equal(gw_rtp_sockets(), base + 2);
	gw_rtp_close(rtp);
	assert_int_equal(gw_rtp_sockets(), base + 1);
	gw_rtp_close(-1);
	assert_int_equal(gw_rtp_sockets(), base + 1);
	gw_rtp_close(rtcp);
	assert_int_equal(gw_rtp_sockets(), base);
	assert_int_equal(gw_rtp_bind_pair("127.0.0.1", LO, LO, &next, &rtp,
					  &rtcp, &port),
			 EINVAL);
	assert_int_equal(gw_rtp_bind_pair("not-an-ip", LO, HI, &next, &rtp,
					  &rtcp, &port),
			 EINVAL);
	assert_int_equal(gw_rtp_sockets(), base);
}

static void addr_conversion(void **state)
{
	struct sockaddr_in sin, back;
	struct media_addr a;

	assert_int_equal(gw_sockaddr_in(&sin, "127.0.0.9", 4242), 0);
	gw_media_addr_from_sin(&a, &sin);
	assert_int_equal(a.family, 4);
	assert_int_equal(a.port, 4242);
	assert_int_equal(a.ip[0], 127);
	assert_int_equal(a.ip[3], 9);
	assert_int_equal(gw_media_addr_to_sin(&a, &back), 0);
	assert_memory_equal(&back.sin_addr, &sin.sin_addr, 4);
	assert_int_equal(back.sin_port, sin.sin_port);
	a.family = 6;
	assert_int_equal(gw_media_addr_to_sin(&a, &back), EAFNOSUPPORT);
}

/* The plain-socket send hook and the bounded read: five datagrams sent,
 * a drain of three leaves two, another takes them; an IPv6 address is
 * refused without a send. */
static void sendto_and_bounded_drain(void **state)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	struct media_addr to;
	int tx, rx;
	char b[8];

	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &tx), 0);
	assert_int_equal(gw_udp_bind("127.0.0.1", 0, &rx), 0);
	assert_int_equal(getsockname(rx, (struct sockaddr *)&sin, &sl), 0);
	gw_media_addr_from_sin(&to, &sin);
	for (int i = 0; i < 5; i++)
		assert_int_equal(gw_media_sendto(tx, &to, "rtp", 3), 0);
	gw_media_rtp_drain(rx, NULL, 3);
	assert_int_equal(recv(rx, b, sizeof(b), MSG_DONTWAIT), 3);
	assert_int_equal(recv(rx, b, sizeof(b), MSG_DONTWAIT), 3);
	assert_int_equal(recv(rx, b, sizeof(b), MSG_DONTWAIT), -1);
	for (int i = 0; i < 2; i++)
		assert_int_equal(gw_media_sendto(tx, &to, "rtp", 3), 0);
	gw_media_rtp_drain(rx, NULL, 64); /* returns once it is empty */
	assert_int_equal(recv(rx, b, sizeof(b), MSG_DONTWAIT), -1);
	to.family = 6;
	assert_int_equal(gw_media_sendto(tx, &to, "rtp", 3), EAFNOSUPPORT);
	close(tx);
	close(rx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pairs_are_even_odd_and_skip_busy),
		cmocka_unit_test(addr_conversion),
		cmocka_unit_test(rtp_sockets_counted),
		cmocka_unit_test(sendto_and_bounded_drain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
