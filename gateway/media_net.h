#pragma once
/* Media sockets: RTP/RTCP port pairs and the conversion between socket
 * addresses and media/'s neutral struct media_addr. */
#include <netinet/in.h>

#include "media/media.h"

/*
 * Binds an RTP socket on the first free even port p of [min, max] whose
 * odd neighbour p + 1 (RTCP, RFC 3550 section 11) is free as well and
 * within max, starting at *next and wrapping; *next advances by 2.
 * 0 or errno (EADDRINUSE when the range is full).
 */
int gw_rtp_bind_pair(const char *ip, unsigned min, unsigned max, unsigned *next,
		     int *rtp_fd, int *rtcp_fd, unsigned *port);
/* Closes one socket of a pair from gw_rtp_bind_pair() (fd < 0: none),
 * keeping the live count right; any thread. */
void gw_rtp_close(int fd);
/* RTP and RTCP sockets open now (gauge; the soak checks it returns to 0). */
unsigned gw_rtp_sockets(void);
void gw_media_addr_from_sin(struct media_addr *a,
			    const struct sockaddr_in *sin);
/* 0, or EAFNOSUPPORT for anything but IPv4. */
int gw_media_addr_to_sin(const struct media_addr *a, struct sockaddr_in *sin);
/* One datagram on fd to dst (never blocks): 0, EAFNOSUPPORT, or the
 * errno of sendto. The send hook of a media session on a plain socket. */
int gw_media_sendto(int fd, const struct media_addr *dst, const void *pkt,
		    size_t len);
/* Reads up to max RTP datagrams waiting on fd into session s (NULL: read
 * and dropped): bounded, so a flood cannot hold the caller's loop. */
void gw_media_rtp_drain(int fd, struct media_sess *s, unsigned max);
