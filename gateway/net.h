#pragma once
/* UDP sockets for SIP and RTP: non-blocking, close-on-exec, IPv4. */
#include <netinet/in.h>
#include <stdint.h>

/* Binds a UDP socket to ip:port; 0 or errno, *fd set on success. */
int gw_udp_bind(const char *ip, unsigned port, int *fd);
/*
 * Binds an RTP socket on the first free even port of [min, max], starting
 * after *next and wrapping; *next advances so ports are not reused at once.
 */
int gw_rtp_bind(const char *ip, unsigned min, unsigned max, unsigned *next,
		int *fd, unsigned *port);
/* ip:port into a sockaddr_in; 0 or EINVAL. */
int gw_sockaddr_in(struct sockaddr_in *sin, const char *ip, unsigned port);
