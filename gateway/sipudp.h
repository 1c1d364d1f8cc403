#pragma once
/*
 * SIP over one UDP socket: the I/O the sans-I/O stack leaves to its user.
 * Shared by the daemon, the test phone and the tests.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gateway/loop.h"
#include "sip/sip.h"

/* Sees every message sent or received (captures, tracing); fd is the
 * socket it went through. */
typedef void(gw_sip_tap_fn)(void *arg, int fd, const struct sip_addr *peer,
			    bool tx, const void *buf, size_t len);

/* Decides before parsing whether a packet (conn false) or a new TCP/TLS
 * connection (conn true) from src is taken (access control). */
typedef bool(gw_sip_admit_fn)(void *arg, const struct sip_addr *src, bool conn);

struct gw_sipudp {
	int fd;
	struct sip_stack *sip;
	gw_sip_tap_fn *tap; /* NULL: none */
	void *tap_arg;
	gw_sip_admit_fn *admit; /* NULL: every datagram */
	void *admit_arg;
	uint32_t drops_seen; /* the kernel's drop count last read */
	uint64_t dropped;    /* datagrams dropped on the full socket */
};

/* Loop callback (arg: struct gw_sipudp): hands the waiting datagrams to
 * the stack, at most 64 a call so that a flood cannot starve the rest of
 * the loop; of those, responses, ACKs and BYEs first (calls in progress
 * before new ones, for overload). Rejections are counted and logged by
 * the stack. */
void gw_sipudp_readable(void *arg, uint32_t events);
/* Has the kernel stamp each datagram's arrival on fd (SO_TIMESTAMPNS)
 * and report the socket's drops (SO_RXQ_OVFL); 0 or errno. */
int gw_sipudp_stamp(int fd);
/* Sets fd's receive buffer to bytes (0: leaves it), past rmem_max when
 * allowed; *got (may be NULL) is what the kernel then has (it counts its
 * own overhead: about twice the payload it holds). 0 or errno. */
int gw_sipudp_rcvbuf(int fd, unsigned bytes, unsigned *got);
/* How long the datagram now in the stack's hands waited in its socket
 * (us; 0: not from a stamped socket). For overload.c, from within the
 * stack's callbacks. */
uint64_t gw_sipudp_queued_us(void);
/* The longest such wait since the last call (us), reset (overload.c's
 * sampling). */
uint64_t gw_sipudp_take_max_queued_us(void);
/* Datagrams dropped by the kernel on full SIP sockets since the last
 * call, reset (overload.c's sampling: a sure sign the thread is behind). */
uint64_t gw_sipudp_take_drops(void);
/* For the stack's send hook: one datagram to dst; 0 or errno. */
int gw_sipudp_send(const struct gw_sipudp *u, const struct sip_addr *dst,
		   const void *buf, size_t len);
