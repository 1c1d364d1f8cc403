#pragma once
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
