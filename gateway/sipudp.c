/* SIP datagrams between a UDP socket and the stack. */
#include "gateway/sipudp.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Datagrams read in one go (one recvmmsg) and then handed to the stack,
 * the messages of calls in progress first. */
#define SIPUDP_BURST 64
/* Each gets the largest UDP payload: only the pages a datagram touches
 * become resident. One thread runs the loop. */
#define SIPUDP_MAX 65536

/* The kernel's arrival stamp of the datagram in the stack's hands (one
 * thread runs the loop), CLOCK_REALTIME us; 0: none. */
static uint64_t rx_stamp_us;
/* the longest wait of any datagram since gw_sipudp_take_max_queued_us() */
static uint64_t max_queued_us;
/* datagrams the kernel dropped on full sockets since gw_sipudp_take_drops() */
static uint64_t new_drops;

int gw_sipudp_stamp(int fd)
{
	int on = 1;

	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)))
		return errno;
	/* the socket's drop count rides on every datagram read */
	return setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on)) ? errno
									: 0;
}

int gw_sipudp_rcvbuf(int fd, unsigned bytes, unsigned *got)
{
	int v = (int)(bytes / 2), err = 0; /* the kernel doubles it */
	socklen_t len = sizeof(v);

	/* FORCE passes net.core.rmem_max with CAP_NET_ADMIN; else the
	 * plain option, capped at rmem_max */
	if (bytes &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)))
		err = errno;
	if (got) {
		v = 0;
		getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, &len);
		*got = v > 0 ? (unsigned)v : 0;
	}
	return err;
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

uint64_t gw_sipudp_take_drops(void)
{
	uint64_t d = new_drops;

	new_drops = 0;
	return d;
}

/* The arrival stamp (us) and the socket's drop count, when present. */
static uint64_t cmsg_read(struct msghdr *mh, uint32_t *drops, bool *has_drops)
{
	uint64_t stamp = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		if (c->cmsg_level != SOL_SOCKET)
			continue;
		if (c->cmsg_type == SO_TIMESTAMPNS) {
			struct timespec ts;

			memcpy(&ts, CMSG_DATA(c), sizeof(ts));
			stamp = (uint64_t)ts.tv_sec * 1000000u +
				(uint64_t)ts.tv_nsec / 1000u;
		} else if (c->cmsg_type == SO_RXQ_OVFL) {
			memcpy(drops, CMSG_DATA(c), sizeof(*drops));
			*has_drops = true;
		}
	}
	return stamp;
}

/* Responses, ACKs and BYEs belong to calls already taken: under load they
 * go to the stack before the new requests read with them, so those calls
 * complete instead of waiting behind INVITEs that may be refused anyway.
 * Everything else keeps its order (a CANCEL must not pass its INVITE). */
static bool in_progress(const uint8_t *b, size_t n)
{
	return (n >= 8 && !memcmp(b, "SIP/2.0 ", 8)) ||
	       (n >= 4 && !memcmp(b, "ACK ", 4)) ||
	       (n >= 4 && !memcmp(b, "BYE ", 4));
}

void gw_sipudp_readable(void *arg, uint32_t events)
{
	struct gw_sipudp *u = arg;
	static uint8_t arena[SIPUDP_BURST][SIPUDP_MAX];
	static union {
		struct cmsghdr align;
		char b[CMSG_SPACE(sizeof(struct timespec)) +
		       CMSG_SPACE(sizeof(uint32_t))];
	} ctl[SIPUDP_BURST];
	static struct mmsghdr mm[SIPUDP_BURST];
	static struct iovec iov[SIPUDP_BURST];
	static struct sip_addr src[SIPUDP_BURST];
	uint64_t stamp[SIPUDP_BURST];
	bool first[SIPUDP_BURST];
	int n;

	(void)events;
	for (int i = 0; i < SIPUDP_BURST; i++) {
		src[i] = (struct sip_addr){ .len = sizeof(src[i].ss),
					    .tp = SIP_TP_UDP };
		iov[i] = (struct iovec){ .iov_base = arena[i],
					 .iov_len = SIPUDP_MAX };
		mm[i].msg_hdr = (struct msghdr){
			.msg_name = &src[i].ss,
			.msg_namelen = src[i].len,
			.msg_iov = &iov[i],
			.msg_iovlen = 1,
			.msg_control = ctl[i].b,
			.msg_controllen = sizeof(ctl[i].b),
		};
	}
	n = recvmmsg(u->fd, mm, SIPUDP_BURST, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return;
	for (int i = 0; i < n; i++) {
		size_t len = mm[i].msg_len;
		uint32_t drops = 0;
		bool has_drops = false;

		src[i].len = mm[i].msg_hdr.msg_namelen;
		stamp[i] = cmsg_read(&mm[i].msg_hdr, &drops, &has_drops);
		if (has_drops && drops != u->drops_seen) {
			/* the kernel's count wraps at 2^32 */
			uint32_t d = drops - u->drops_seen;

			u->drops_seen = drops;
			u->dropped += d;
			new_drops += d;
		}
		first[i] = false;
		mm[i].msg_len = 0; /* 0: not handed to the stack */
		if (u->admit && !u->admit(u->admit_arg, &src[i], false))
			continue; /* dropped unread: blocked or over its rate */
		if (u->tap)
			u->tap(u->tap_arg, u->fd, &src[i], false, arena[i],
			       len);
		mm[i].msg_len = (unsigned)len + 1;
		first[i] = in_progress(arena[i], len);
	}
	/* two passes: the calls in progress, then the rest, each in order */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < n; i++) {
			if (!mm[i].msg_len || first[i] != !pass)
				continue;
			rx_stamp_us = stamp[i];
			if (rx_stamp_us) {
				uint64_t q = gw_sipudp_queued_us();

				if (q > max_queued_us)
					max_queued_us = q;
			}
			sip_stack_recv(u->sip, &src[i], arena[i],
				       mm[i].msg_len - 1);
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
