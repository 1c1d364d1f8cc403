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
	uint64_t changes; /* blocks started, ended early or set: saving */
};

int gw_guard_init(struct gw_guard *g, const struct gw_guard_cfg *cfg);
void gw_guard_release(struct gw_guard *g);
/* One packet (or connection) from sa at now_ms. */
enum gw_guard_verdict
gw_guard_packet(struct gw_guard *g, const struct sockaddr *sa, uint64_t now_ms);
/* The same with a rate and burst of its own (a trunk's, access_pol.c). */
enum gw_guard_verdict gw_guard_packet_rate(struct gw_guard *g,
					   const struct sockaddr *sa,
					   uint64_t now_ms, unsigned rate,
					   unsigned burst);
/* Blocks sa until until_ms (a block read back from block_file), making
 * its entry as a packet would; 0, or EINVAL (not IP, or no time left). */
int gw_guard_block(struct gw_guard *g, const struct sockaddr *sa,
		   uint64_t now_ms, uint64_t until_ms);
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
/* Calls fn for each source blocked now; the count. */
unsigned gw_guard_each_blocked(struct gw_guard *g, uint64_t now_ms,
			       void (*fn)(void *arg, const struct sockaddr *sa,
					  uint64_t until_ms),
			       void *arg);
/* Sources blocked now (expired blocks are dropped first). */
unsigned gw_guard_nblocked(struct gw_guard *g, uint64_t now_ms);

/* The table's key of sa: family byte (4, 6), then the address (IPv4-
 * mapped as IPv4), zero-padded; the family, 0 if not IP. */
int gw_access_key(const struct sockaddr *sa, uint8_t key[17]);
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

/* ---- block_file (access_file.c): blocks kept over a restart ---- */

/* Writes the sources blocked now to path (via path.tmp and a rename);
 * wall_s is the Unix time of now_ms. 0 or errno; the count into *n. */
int gw_access_file_save(struct gw_guard *g, const char *path, uint64_t now_ms,
			int64_t wall_s, unsigned *n);

struct gw_access_file_res {
	unsigned restored, expired, bad;
	unsigned first_bad; /* line number of the first bad line */
};

/* Blocks the sources of path whose block still runs; expired lines and
 * bad ones are skipped (counted, the first bad line named). 0 or errno
 * (ENOENT: no file yet). */
int gw_access_file_load(struct gw_guard *g, const char *path, uint64_t now_ms,
			int64_t wall_s, struct gw_access_file_res *r);

/* ---- per-source policy (access_pol.c) ---- */

/* The rate limits that apply to one source: its trunk's rate_limit,
 * rate_burst and exempt, else [security]'s. */
struct gw_access_policy {
	unsigned rate, burst; /* rate 0: no limit */
	bool exempt;	      /* never rate limited nor blocked */
};

void gw_access_policy_of(const struct gw_cfg *cfg, const struct sip_addr *src,
			 struct gw_access_policy *p);

/* Policies by source, so that a datagram costs a hash, not a walk over
 * every trunk's acl; direct-mapped, emptied at each (re)load. */
#define GW_POLICY_CACHE 512

struct gw_policy_cache {
	struct {
		uint8_t key[17]; /* as the guard's; [0] == 0: free */
		uint32_t gen;
		struct gw_access_policy p;
	} e[GW_POLICY_CACHE];
	uint32_t gen; /* entries of another generation are stale */
	uint64_t hits, misses;
};

/* Starts a new generation: every entry is stale (a reload). */
void gw_policy_cache_flush(struct gw_policy_cache *pc);
const struct gw_access_policy *gw_policy_cache_get(struct gw_policy_cache *pc,
						   const struct gw_cfg *cfg,
						   const struct sip_addr *src);

/*
 * In-dialog requests: whether src may send one in a dialog set up with
 * peer (sip_call_peer). The trunk that identifies the peer must have src
 * in its acl (so a trunk whose acl is wider than a host may answer from
 * another of its hosts); a peer of no trunk must be the same IP. The
 * trunk is named into *trunk (NULL: none).
 */
bool gw_access_dialog_ok(const struct gw_cfg *cfg, const struct sip_addr *peer,
			 const struct sip_addr *src,
			 const struct cfg_trunk **trunk);
