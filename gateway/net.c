/* Socket helpers: UDP and TCP, IPv4 and IPv6. */
#include "gateway/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int gw_sockaddr_in(struct sockaddr_in *sin, const char *ip, unsigned port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	if (port > 65535 || inet_pton(AF_INET, ip, &sin->sin_addr) != 1)
		return EINVAL;
	return 0;
}

int gw_sockaddr(struct sockaddr_storage *ss, socklen_t *len, const char *ip,
		unsigned port)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (port > 65535)
		return EINVAL;
	if (!gw_sockaddr_in((struct sockaddr_in *)ss, ip, port)) {
		*len = sizeof(struct sockaddr_in);
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, ip, &in6->sin6_addr) != 1)
		return EINVAL;
	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	*len = sizeof(*in6);
	return 0;
}

static int sock_bind(const char *ip, unsigned port, int type, int *fd)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int s, err, one = 1;

	if (gw_sockaddr(&ss, &len, ip, port))
		return EINVAL;
	s = socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	/* a v6 socket serves only v6: the v4 address has its own socket */
	if (ss.ss_family == AF_INET6)
		setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (type == SOCK_STREAM)
		setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&ss, len) < 0) {
		err = errno;
		close(s);
		return err;
	}
	*fd = s;
	return 0;
}

int gw_udp_bind(const char *ip, unsigned port, int *fd)
{
	return sock_bind(ip, port, SOCK_DGRAM, fd);
}

int gw_tcp_listen(const char *ip, unsigned port, int backlog, int *fd)
{
	int err = sock_bind(ip, port, SOCK_STREAM, fd);

	if (err)
		return err;
	if (listen(*fd, backlog) < 0) {
		err = errno;
		close(*fd);
		*fd = -1;
	}
	return err;
}

unsigned gw_sock_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

int gw_rtp_bind(const char *ip, unsigned min, unsigned max, unsigned *next,
		int *fd, unsigned *port)
{
	unsigned lo = (min + 1) & ~1u, span, p;

	if (lo > max)
		return EINVAL;
	span = (max - lo) / 2 + 1;
	p = *next;
	for (unsigned i = 0; i < span; i++) {
		int err;

		if (p < lo || p > max)
			p = lo;
		err = gw_udp_bind(ip, p, fd);
		if (!err) {
			*port = p;
			*next = p + 2;
			return 0;
		}
		if (err != EADDRINUSE)
			return err;
		p += 2;
	}
	return EADDRINUSE;
}
