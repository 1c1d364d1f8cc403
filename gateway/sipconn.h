#pragma once
/*
 * The table of SIP stream connections (TCP and TLS): lookup by remote
 * address or alias, admission limits (total and per source IP), idle
 * expiry and the bounded send queue of each connection. No sockets here:
 * time is passed in, so the limits and the idle timeout are tested in
 * virtual time. gateway/siptcp.c does the I/O.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sip/sip.h"

/* One connection. Owned by its table; freed by gw_sipconns_remove(). */
struct gw_sipconn {
	struct gw_sipconn *next;
	unsigned id;
	int fd;
	struct sip_addr peer; /* remote address; .tp is TCP or TLS */
	struct sip_addr
		alias; /* source IP, Via sent-by port (RFC 3261 18.2.2) */
	bool has_alias;
	bool alias_checked; /* the first request's Via was looked at */
	bool outbound;	    /* we opened it */
	bool connecting;    /* TCP connect or TLS handshake under way */
	bool tcp_up;	    /* TCP connected: a TLS handshake may follow */
	bool close_after;   /* close once the queue is written (after a 400) */
	bool dead;	    /* closed; freed after the current event */
	uint64_t last_active; /* ms */
	struct sip_stream in;
	char *out; /* send queue, at most max_out bytes */
	size_t out_len;
	void *tls;	 /* the TLS session (gateway/siptls.c), or NULL */
	uint32_t events; /* what the loop watches */
	void *owner;	 /* the struct gw_siptcp, for loop callbacks */
};

struct gw_sipconns_stats {
	uint64_t accepted, opened, closed;
	uint64_t refused_total;	 /* over max_conns */
	uint64_t refused_per_ip; /* over max_per_ip */
	uint64_t idle_closed;
	uint64_t stuck_dropped; /* send queue full: peer not reading */
	uint64_t bad_framing;	/* no/bad Content-Length, too large */
	uint64_t pings;		/* CRLFCRLF keep-alives answered */
	uint64_t tls_failed;	/* handshakes that failed */
	uint64_t resent; /* sends to a gone connection's sent-by (18.2.2) */
};

struct gw_sipconns {
	struct gw_sipconn *list;
	unsigned n;
	unsigned next_id;
	unsigned max_conns, max_per_ip;
	uint64_t idle_ms;
	size_t max_msg; /* framing buffer per connection */
	size_t max_out; /* send queue per connection */
	struct gw_sipconns_stats stats;
};

void gw_sipconns_init(struct gw_sipconns *t, unsigned max_conns,
		      unsigned max_per_ip, uint64_t idle_ms, size_t max_msg,
		      size_t max_out);
/* Frees every connection (the caller closed their sockets). */
void gw_sipconns_release(struct gw_sipconns *t);

/* May a new connection with this peer be had? 0, or EMFILE (total) or
 * EUSERS (per IP), counted. */
int gw_sipconns_admit(struct gw_sipconns *t, const struct sip_addr *peer);
/* Adds a connection (after admit); NULL on ENOMEM. */
struct gw_sipconn *gw_sipconns_add(struct gw_sipconns *t,
				   const struct sip_addr *peer, int fd,
				   bool outbound, uint64_t now);
/* A live connection to dst (same transport, address and port, or alias). */
struct gw_sipconn *gw_sipconns_find(const struct gw_sipconns *t,
				    const struct sip_addr *dst);
void gw_sipconns_remove(struct gw_sipconns *t, struct gw_sipconn *c);
/* Connections from the same IP (any port, any transport). */
unsigned gw_sipconns_count_ip(const struct gw_sipconns *t,
			      const struct sip_addr *peer);
/* The first live connection idle since before now - idle_ms, or NULL. */
struct gw_sipconn *gw_sipconns_expired(const struct gw_sipconns *t,
				       uint64_t now);

/* Appends to the send queue; ENOBUFS if max_out would be exceeded. */
int gw_sipconn_queue(struct gw_sipconns *t, struct gw_sipconn *c,
		     const void *buf, size_t len);
/* Drops n written bytes from the head of the queue. */
void gw_sipconn_sent(struct gw_sipconn *c, size_t n);

/* Same address family, address and port (transport not compared). */
bool gw_sipaddr_eq(const struct sip_addr *a, const struct sip_addr *b);
