/* UDP socket helpers. */
#include "gateway/net.h"

#include <arpa/inet.h>
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

int gw_udp_bind(const char *ip, unsigned port, int *fd)
{
	struct sockaddr_in sin;
	int s, err;

	if (gw_sockaddr_in(&sin, ip, port))
		return EINVAL;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		err = errno;
		close(s);
		return err;
	}
	*fd = s;
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
