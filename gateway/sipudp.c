/* SIP datagrams between a UDP socket and the stack. */
#include "gateway/sipudp.h"

#include <errno.h>
#include <sys/socket.h>

#define SIPUDP_BURST 64

void gw_sipudp_readable(void *arg, uint32_t events)
{
	struct gw_sipudp *u = arg;
	/* one thread runs the loop; the largest UDP payload fits */
	static uint8_t buf[65536];

	for (int i = 0; i < SIPUDP_BURST; i++) {
		struct sip_addr src = { .len = sizeof(src.ss),
					.tp = SIP_TP_UDP };
		ssize_t n = recvfrom(u->fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&src.ss, &src.len);

		if (n < 0)
			return;
		if (u->admit && !u->admit(u->admit_arg, &src, false))
			continue; /* dropped unread: blocked or over its rate */
		if (u->tap)
			u->tap(u->tap_arg, u->fd, &src, false, buf, (size_t)n);
		sip_stack_recv(u->sip, &src, buf, (size_t)n);
	}
}

int gw_sipudp_send(const struct gw_sipudp *u, const struct sip_addr *dst,
		   const void *buf, size_t len)
{
	if (sendto(u->fd, buf, len, 0, (const struct sockaddr *)&dst->ss,
		   dst->len) < 0)
		return errno;
	if (u->tap)
		u->tap(u->tap_arg, u->fd, dst, true, buf, len);
	return 0;
}
