/*
 * Cause and status maps. Tables, not switch statements, so that a later
 * issue can load per-trunk overrides from the configuration.
 */
#include "gateway/interwork.h"

#include <stddef.h>

struct cause_map {
	int cause;
	unsigned code;
	const char *name;
};

/* Q.850 cause -> SIP status: RFC 3398 section 8.2.6.1, except 19 -> 480
 * and 102 -> 408 which the issue fixes. */
static const struct cause_map cause_to_sip[] = {
	{ 1, 404, "unallocated number" },
	{ 2, 404, "no route to transit network" },
	{ 3, 404, "no route to destination" },
	{ 16, 480, "normal clearing" },
	{ 17, 486, "user busy" },
	{ 18, 408, "no user responding" },
	{ 19, 480, "no answer from user" },
	{ 20, 480, "subscriber absent" },
	{ 21, 403, "call rejected" },
	{ 22, 410, "number changed" },
	{ 23, 410, "redirection to new destination" },
	{ 26, 404, "non-selected user clearing" },
	{ 27, 502, "destination out of order" },
	{ 28, 484, "invalid number format" },
	{ 29, 501, "facility rejected" },
	{ 31, 480, "normal, unspecified" },
	{ 34, 503, "no circuit/channel available" },
	{ 38, 503, "network out of order" },
	{ 41, 503, "temporary failure" },
	{ 42, 503, "switching equipment congestion" },
	{ 44, 503, "requested channel not available" },
	{ 47, 503, "resource unavailable" },
	{ 55, 403, "incoming calls barred" },
	{ 57, 403, "bearer capability not authorized" },
	{ 58, 503, "bearer capability not available" },
	{ 65, 488, "bearer capability not implemented" },
	{ 79, 501, "service not implemented" },
	{ 87, 403, "user not member of CUG" },
	{ 88, 503, "incompatible destination" },
	{ 102, 408, "recovery on timer expiry" },
	{ 111, 500, "protocol error" },
	{ 127, 500, "interworking, unspecified" },
};

/* SIP status -> Q.850 cause: RFC 3398 section 7.2.4.1, except 480 -> 19
 * and 408 -> 102 which the issue fixes. */
static const struct {
	unsigned code;
	int cause;
} sip_to_cause[] = {
	{ 400, 41 },  { 401, 21 },  { 402, 21 },  { 403, 21 },	{ 404, 1 },
	{ 405, 63 },  { 406, 79 },  { 407, 21 },  { 408, 102 }, { 410, 22 },
	{ 413, 127 }, { 414, 127 }, { 415, 79 },  { 416, 127 }, { 420, 127 },
	{ 421, 127 }, { 423, 127 }, { 480, 19 },  { 481, 41 },	{ 482, 25 },
	{ 483, 25 },  { 484, 28 },  { 485, 1 },	  { 486, 17 },	{ 487, 16 },
	{ 488, 65 },  { 500, 41 },  { 501, 79 },  { 502, 38 },	{ 503, 34 },
	{ 504, 102 }, { 505, 127 }, { 513, 127 }, { 600, 17 },	{ 603, 21 },
	{ 604, 1 },   { 606, 58 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

unsigned gw_cause_to_sip(int cause)
{
	for (size_t i = 0; i < N(cause_to_sip); i++)
		if (cause_to_sip[i].cause == cause)
			return cause_to_sip[i].code;
	return 500; /* RFC 3398: everything else is a server error */
}

int gw_sip_to_cause(unsigned code)
{
	for (size_t i = 0; i < N(sip_to_cause); i++)
		if (sip_to_cause[i].code == code)
			return sip_to_cause[i].cause;
	/* RFC 3398: unlisted codes map by class */
	if (code >= 600)
		return 31;
	if (code >= 500)
		return 41;
	return 31;
}

const char *gw_cause_name(int cause)
{
	for (size_t i = 0; i < N(cause_to_sip); i++)
		if (cause_to_sip[i].cause == cause)
			return cause_to_sip[i].name;
	return "unknown";
}
