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
};

/* Loop callback (arg: struct gw_sipudp): hands the waiting datagrams to
 * the stack, at most 64 a call so that a flood cannot starve the rest of
 * the loop. Rejections are counted and logged by the stack. */
void gw_sipudp_readable(void *arg, uint32_t events);
/* For the stack's send hook: one datagram to dst; 0 or errno. */
int gw_sipudp_send(const struct gw_sipudp *u, const struct sip_addr *dst,
		   const void *buf, size_t len);
