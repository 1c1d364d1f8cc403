#pragma once
#include <stdbool.h>
#include <stddef.h>
/*
 * SIP <-> Q.931 interworking tables: Q.850 cause <-> SIP status
 * (RFC 3398 section 7.2.4.1 and 8.2.6.1, with the mappings the foundation
 * issue fixes: 19 <-> 480, timeouts <-> 408).
 */

/* SIP final status for a Q.850 cause that ended a call before answer. */
unsigned gw_cause_to_sip(int cause);
/* Q.850 cause for a SIP final status (>= 300). */
int gw_sip_to_cause(unsigned code);
/* Short name of a Q.850 cause for logs ("user busy"), "unknown" if none. */
const char *gw_cause_name(int cause);
/* The same for the text="" of Reason headers (RFC 3326); NULL if none. */
const char *gw_cause_text(int cause);

/*
 * Configured overrides of those tables: "17:486, 34:503" (Q.850 -> SIP)
 * or "404:1, 503:41" (SIP -> Q.850), from [sip] (every call) and
 * [trunk NAME] (calls with that trunk). A lookup tries the trunk's map,
 * then [sip]'s, then the built-in table.
 */
#define GW_IW_MAP_MAX 32
struct gw_iw_map {
	unsigned n;
	struct {
		unsigned short from, to;
	} e[GW_IW_MAP_MAX];
};
/* Parses "a:b, c:d" into *m (empty text: no entries). q850_to_sip: a is a
 * cause 1..127 and b a status 300..699, else the other way round. 0, or
 * EINVAL with the reason in why (m untouched). */
int gw_iw_map_parse(struct gw_iw_map *m, const char *text, bool q850_to_sip,
		    char *why, size_t n);
/* The maps may be NULL. */
unsigned gw_iw_cause_to_sip(const struct gw_iw_map *trunk,
			    const struct gw_iw_map *global, int cause);
int gw_iw_sip_to_cause(const struct gw_iw_map *trunk,
		       const struct gw_iw_map *global, unsigned code);

/* Q.850 causes the gateway itself uses. */
enum {
	GW_CAUSE_UNALLOCATED = 1,
	GW_CAUSE_NORMAL = 16,
	GW_CAUSE_BUSY = 17,
	GW_CAUSE_NO_USER_RESPONDING = 18,
	GW_CAUSE_NO_ANSWER = 19,
	GW_CAUSE_REJECTED = 21,
	GW_CAUSE_NORMAL_UNSPECIFIED = 31,
	GW_CAUSE_NO_CIRCUIT = 34,
	GW_CAUSE_TEMPORARY_FAILURE = 41,
	GW_CAUSE_CONGESTION = 42,
	GW_CAUSE_BEARER_NOT_AVAIL = 58,
	GW_CAUSE_INCOMPATIBLE_DEST = 88,
	GW_CAUSE_RECOVERY_ON_TIMER = 102,
	GW_CAUSE_INTERWORKING = 127,
};
