/* RTP/RTCP port pairs and address conversion for the media sessions. */
#include "gateway/media_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway/net.h"

/* Opened by the signalling thread, closed by it or a media worker. */
static atomic_uint rtp_sockets;

void gw_rtp_close(int fd)
{
	if (fd < 0)
		return;
	close(fd);
	atomic_fetch_sub(&rtp_sockets, 1);
}

unsigned gw_rtp_sockets(void)
{
	return atomic_load(&rtp_sockets);
}

int gw_rtp_bind_pair(const char *ip, unsigned min, unsigned max, unsigned *next,
		     int *rtp_fd, int *rtcp_fd, unsigned *port)
{
	unsigned lo = (min + 1) & ~1u, span, p;

	if (lo + 1 > max)
		return EINVAL;
	span = (max - 1 - lo) / 2 + 1;
	p = *next;
	for (unsigned i = 0; i < span; i++, p += 2) {
		int a, b, err;

		if (p < lo || p + 1 > max)
			p = lo;
		err = gw_udp_bind(ip, p, &a);
		if (err == EADDRINUSE)
			continue;
		if (err)
			return err;
		err = gw_udp_bind(ip, p + 1, &b);
		if (err) {
			close(a);
			if (err == EADDRINUSE)
				continue;
			return err;
		}
		atomic_fetch_add(&rtp_sockets, 2);
		*rtp_fd = a;
		*rtcp_fd = b;
		*port = p;
		*next = p + 2;
		return 0;
	}
	return EADDRINUSE;
}

void gw_media_addr_from_sin(struct media_addr *a, const struct sockaddr_in *sin)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	a->port = ntohs(sin->sin_port);
	memcpy(a->ip, &sin->sin_addr, 4);
}

int gw_media_addr_to_sin(const struct media_addr *a, struct sockaddr_in *sin)
{
	if (a->family != 4)
		return EAFNOSUPPORT;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(a->port);
	memcpy(&sin->sin_addr, a->ip, 4);
	return 0;
}

int gw_media_sendto(int fd, const struct media_addr *dst, const void *pkt,
		    size_t len)
{
	struct sockaddr_in sin;

	if (gw_media_addr_to_sin(dst, &sin))
		return EAFNOSUPPORT;
	if (sendto(fd, pkt, len, MSG_DONTWAIT, (struct sockaddr *)&sin,
		   sizeof(sin)) < 0)
		return errno;
	return 0;
}

void gw_media_rtp_drain(int fd, struct media_sess *s, unsigned max)
{
	uint8_t buf[2048];
	struct sockaddr_in sin;
	struct media_addr src;

	for (unsigned i = 0; i < max; i++) {
		socklen_t sl = sizeof(sin);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&sin, &sl);

		if (n < 0)
			return;
		gw_media_addr_from_sin(&src, &sin);
		if (s)
			media_sess_rtp_in(s, buf, (size_t)n, &src);
	}
}
