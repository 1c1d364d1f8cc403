/* SIP datagrams between a UDP socket and the stack. */
#include "gateway/sipudp.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define SIPUDP_BURST 64

/* The kernel's arrival stamp of the datagram in the stack's hands (one
 * thread runs the loop), CLOCK_REALTIME us; 0: none. */
static uint64_t rx_stamp_us;
/* the longest wait of any datagram since gw_sipudp_take_max_queued_us() */
static uint64_t max_queued_us;

int gw_sipudp_stamp(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on))
		       ? errno
		       : 0;
}

uint64_t gw_sipudp_queued_us(void)
{
	struct timespec ts;
	uint64_t now;

	if (!rx_stamp_us)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	/* a wall clock step (the stamps are CLOCK_REALTIME) is no wait */
	if (now <= rx_stamp_us || now - rx_stamp_us > 60000000u)
		return 0;
	return now - rx_stamp_us;
}

uint64_t gw_sipudp_take_max_queued_us(void)
{
	uint64_t m = max_queued_us;

	max_queued_us = 0;
	return m;
}

static uint64_t cmsg_stamp(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			return (uint64_t)ts.tv_sec * 1000000u +
			       (uint64_t)ts.tv_nsec / 1000u;
		}
	return 0;
}

void gw_sipudp_readable(void *arg, uint32_t events)
{
	struct gw_sipudp *u = arg;
	/* one thread runs the loop; the largest UDP payload fits */
	static uint8_t buf[65536];
	union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct timespec))];
	} ctl;

	for (int i = 0; i < SIPUDP_BURST; i++) {
		struct sip_addr src = { .len = sizeof(src.ss),
					.tp = SIP_TP_UDP };
		struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
		struct msghdr mh = { .msg_name = &src.ss,
				     .msg_namelen = src.len,
				     .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = ctl.b,
				     .msg_controllen = sizeof(ctl.b) };
		ssize_t n = recvmsg(u->fd, &mh, 0);

		if (n < 0)
			return;
		src.len = mh.msg_namelen;
		if (u->admit && !u->admit(u->admit_arg, &src, false))
			continue; /* dropped unread: blocked or over its rate */
		if (u->tap)
			u->tap(u->tap_arg, u->fd, &src, false, buf, (size_t)n);
		rx_stamp_us = cmsg_stamp(&mh);
		if (rx_stamp_us) {
			uint64_t q = gw_sipudp_queued_us();

			if (q > max_queued_us)
				max_queued_us = q;
		}
		sip_stack_recv(u->sip, &src, buf, (size_t)n);
		rx_stamp_us = 0;
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
