#pragma once
/*
 * SIP over TCP and TLS: listening sockets, outgoing connections, framing
 * (sip/stream.c) and the connection table (gateway/sipconn.c), on the
 * epoll loop. Requests to a peer reuse a live connection to it; responses
 * leave on the connection their request came in on (the stack addresses
 * them to the connection's remote address). Shared by the daemon, the
 * test phone and the tests.
 */
#include <stdint.h>

#include "gateway/loop.h"
#include "gateway/sipconn.h"
#include "gateway/siptls.h"
#include "gateway/sipudp.h" /* gw_sip_tap_fn */
#include "sip/sip.h"

struct gw_siptcp_cfg {
	unsigned max_conns;  /* 0: 256 */
	unsigned max_per_ip; /* 0: 32 */
	unsigned idle_s;     /* 0: 300 */
	size_t max_msg;	     /* framing limit; 0: 65535 */
	size_t max_out;	     /* send queue per connection; 0: 256 KiB */
};

struct gw_siptcp_lsn {
	struct gw_siptcp *t;
	enum sip_transport tp;
	int fd;
};

#define GW_SIPTCP_FAILED 16

struct gw_siptcp {
	struct gw_loop *loop;
	struct sip_stack *sip;	     /* set by the user once the stack exists */
	struct gw_tls *tls;	     /* NULL: no TLS (owned) */
	struct gw_siptcp_lsn lsn[4]; /* TCP and TLS, on one or two addresses */
	struct gw_sipconns conns;
	struct gw_timer *idle_timer, *reap_timer;
	/* peers a connection to failed lately: sends to them fail at once,
	 * so the stack can fall back to UDP (RFC 3261 18.1.1) */
	struct {
		struct sip_addr addr;
		uint64_t until;
	} failed[GW_SIPTCP_FAILED];
	/* inbound connections closed lately, with the sent-by their peer
	 * named: a late response goes there (RFC 3261 18.2.2) */
	struct {
		struct sip_addr peer, alias;
		uint64_t until;
	} gone[GW_SIPTCP_FAILED];
	gw_sip_tap_fn *tap; /* every message (captures, tracing); NULL: none */
	void *tap_arg;
	gw_sip_admit_fn *admit; /* access control; NULL: all taken */
	void *admit_arg;
	/* encryption (issue 8): the name a TLS server at dst must show in
	 * its certificate (a trunk's tls_name); NULL or "": dst's address */
	const char *(*tls_name)(void *arg, const struct sip_addr *dst);
	void *tls_name_arg;
};

int gw_siptcp_init(struct gw_siptcp *t, struct gw_loop *loop,
		   const struct gw_siptcp_cfg *cfg);
/* Closes every connection and listener and frees the TLS contexts. */
void gw_siptcp_release(struct gw_siptcp *t);
/* Sets up TLS (takes ownership of nothing; copies what it needs). */
int gw_siptcp_tls(struct gw_siptcp *t, const struct gw_tls_cfg *cfg, char *why,
		  size_t n);
/* Listens on ip:port for tp (SIP_TP_TCP or SIP_TP_TLS); port 0 picks
 * one (see gw_siptcp_port). 0 or errno. */
int gw_siptcp_listen(struct gw_siptcp *t, enum sip_transport tp, const char *ip,
		     unsigned port);
unsigned gw_siptcp_port(const struct gw_siptcp *t, enum sip_transport tp);
/* For the stack's send hook (dst->tp TCP or TLS): over the connection to
 * dst, opened if there is none. 0 or errno. */
int gw_siptcp_send(struct gw_siptcp *t, const struct sip_addr *dst,
		   const void *buf, size_t len);
