#pragma once
/*
 * Access control: who a SIP packet comes from and whether it may reach
 * the PSTN. Sources are identified by the packet's real source address
 * (the UDP datagram's, the TCP/TLS connection's peer), never by a header
 * the sender writes (Via, Contact). Per-source token buckets block
 * flooding or guessing sources for a while, in a table of fixed size.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- ACLs: lists of IPv4/IPv6 prefixes ---- */

#define GW_ACL_MAX 16

struct gw_cidr {
	uint8_t fam;  /* 4 or 6 */
	uint8_t bits; /* prefix length */
	uint8_t addr[16];
};

struct gw_acl {
	struct gw_cidr e[GW_ACL_MAX];
	unsigned n;
};

/* "192.0.2.7, 198.51.100.0/24, 2001:db8::/32" or "any" (both families);
 * 0, or -1 with why. */
int gw_acl_parse(struct gw_acl *acl, const char *text, char *why, size_t n);
/* The single host ip (a numeric literal); 0 or -1. */
int gw_acl_host(struct gw_acl *acl, const char *ip);
/* IPv4-mapped IPv6 sources (::ffff:a.b.c.d) match IPv4 entries. */
bool gw_acl_match(const struct gw_acl *acl, const struct sockaddr *sa);
/* True if an entry covers more than one host (any, /24, ...). */
bool gw_acl_open(const struct gw_acl *acl);

/* ---- the per-source table: rate limiting and temporary blocks ---- */

/* 1024 sets of 8: a fixed 8192 sources; spraying addresses only evicts
 * the least recently seen unblocked source of a set. */
#define GW_GUARD_SETS 1024
#define GW_GUARD_WAYS 8

struct gw_guard_cfg {
	unsigned rate;	   /* requests/s per source; 0: no limit */
	unsigned burst;	   /* bucket depth */
	unsigned failures; /* refusals/auth failures per window; 0: off */
	unsigned window_s;
	unsigned block_s; /* 0: never block */
};

struct gw_guard_src {
	uint8_t key[17];   /* family byte, then the address; [0] == 0: free */
	uint32_t tokens_m; /* tokens * 1000 */
	uint32_t nfail;
	uint64_t last_ms;	/* last refill and use (LRU) */
	uint64_t win_start_ms;	/* of the failure window */
	uint64_t blocked_until; /* ms; 0: not blocked */
};

enum gw_guard_verdict {
	GW_GUARD_PASS,
	GW_GUARD_BLOCKED, /* blocked earlier: drop */
	GW_GUARD_RATE,	  /* over its rate now: dropped and blocked */
};

struct gw_guard {
	struct gw_guard_cfg cfg;
	struct gw_guard_src *tab; /* SETS * WAYS, owned */
	unsigned nblocked;	  /* blocked now (as of the last call) */
	uint64_t blocks_started;
	uint64_t evictions;
};

int gw_guard_init(struct gw_guard *g, const struct gw_guard_cfg *cfg);
void gw_guard_release(struct gw_guard *g);
/* One packet (or connection) from sa at now_ms. */
enum gw_guard_verdict
gw_guard_packet(struct gw_guard *g, const struct sockaddr *sa, uint64_t now_ms);
/* Whether sa is blocked now, without spending a token. */
bool gw_guard_blocked(struct gw_guard *g, const struct sockaddr *sa,
		      uint64_t now_ms);
/* A refused request or failed authentication: true if it started a block. */
bool gw_guard_failure(struct gw_guard *g, const struct sockaddr *sa,
		      uint64_t now_ms);
/* Ends a block; 0, or ENOENT if sa was not blocked. */
int gw_guard_unblock(struct gw_guard *g, const struct sockaddr *sa,
		     uint64_t now_ms);
/* Blocked sources: "IP remaining_s\n" lines into buf; the count. */
unsigned gw_guard_list(struct gw_guard *g, uint64_t now_ms, char *buf,
		       size_t size);
/* Sources blocked now (expired blocks are dropped first). */
unsigned gw_guard_nblocked(struct gw_guard *g, uint64_t now_ms);

/* "192.0.2.7" or "2001:db8::7" (IPv4-mapped as IPv4) into buf. */
const char *gw_access_ip_str(const struct sockaddr *sa, char *buf, size_t size);
/* Parses a bare IPv4/IPv6 literal into ss; 0 or -1. */
int gw_access_ip_parse(struct sockaddr_storage *ss, const char *ip);

/* ---- source identification ---- */

struct gw_cfg;
struct cfg_trunk;
struct sip_addr;

/* The trunk src (a packet's transport source) belongs to: among trunks
 * whose acl matches, the one whose address ip:port is src, else the
 * first in file order; NULL if none. */
const struct cfg_trunk *gw_access_trunk_of(const struct gw_cfg *cfg,
					   const struct sip_addr *src);
/* Whether src is exempt from rate limits: exempt_trunks and a trunk
 * whose acl names single hosts only matches it. */
bool gw_access_exempt(const struct gw_cfg *cfg, const struct sip_addr *src);
