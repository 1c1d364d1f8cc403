#pragma once
/* Sockets for SIP and RTP: non-blocking, close-on-exec, IPv4 and IPv6. */
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

/* Binds a UDP socket to ip:port (IPv4 or IPv6 literal, no brackets);
 * 0 or errno, *fd set on success. */
int gw_udp_bind(const char *ip, unsigned port, int *fd);
/*
 * Binds an RTP socket on the first free even port of [min, max], starting
 * after *next and wrapping; *next advances so ports are not reused at once.
 */
int gw_rtp_bind(const char *ip, unsigned min, unsigned max, unsigned *next,
		int *fd, unsigned *port);
/* ip:port into a sockaddr_in; 0 or EINVAL. */
int gw_sockaddr_in(struct sockaddr_in *sin, const char *ip, unsigned port);
/* ip (IPv4 or IPv6 literal, no brackets):port into ss; 0 or EINVAL. */
int gw_sockaddr(struct sockaddr_storage *ss, socklen_t *len, const char *ip,
		unsigned port);
/* A listening TCP socket on ip:port (SO_REUSEADDR); 0 or errno. */
int gw_tcp_listen(const char *ip, unsigned port, int backlog, int *fd);
/* The local port a socket is bound to (0 on error). */
unsigned gw_sock_port(int fd);
