/*
 * Cause and status maps. Tables, not switch statements, so that a later
 * issue can load per-trunk overrides from the configuration.
 */
#include "gateway/interwork.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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
	{ 69, 501, "requested facility not implemented" },
	{ 70, 488, "only restricted digital information available" },
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

const char *gw_cause_text(int cause)
{
	for (size_t i = 0; i < N(cause_to_sip); i++)
		if (cause_to_sip[i].cause == cause)
			return cause_to_sip[i].name;
	return NULL;
}

static bool map_find(const struct gw_iw_map *m, unsigned from, unsigned *to)
{
	if (!m)
		return false;
	for (unsigned i = 0; i < m->n; i++)
		if (m->e[i].from == from) {
			*to = m->e[i].to;
			return true;
		}
	return false;
}

unsigned gw_iw_cause_to_sip(const struct gw_iw_map *trunk,
			    const struct gw_iw_map *global, int cause)
{
	unsigned to;

	if (cause > 0 && (map_find(trunk, (unsigned)cause, &to) ||
			  map_find(global, (unsigned)cause, &to)))
		return to;
	return gw_cause_to_sip(cause);
}

int gw_iw_sip_to_cause(const struct gw_iw_map *trunk,
		       const struct gw_iw_map *global, unsigned code)
{
	unsigned to;

	if (map_find(trunk, code, &to) || map_find(global, code, &to))
		return (int)to;
	return gw_sip_to_cause(code);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* One decimal number within [lo, hi]; *pp moves past it. */
static bool parse_num(const char **pp, unsigned lo, unsigned hi, unsigned *v)
{
	const char *p = *pp;
	unsigned long x = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9' && x <= 100000)
		x = x * 10 + (unsigned long)(*p++ - '0');
	if (x < lo || x > hi)
		return false;
	*v = (unsigned)x;
	*pp = p;
	return true;
}

/* "a:b" with a in [flo, fhi] and b in [tlo, thi]. */
static bool parse_entry(const char **pp, unsigned flo, unsigned fhi,
			unsigned tlo, unsigned thi, unsigned *a, unsigned *b)
{
	const char *p = *pp;

	if (!parse_num(&p, flo, fhi, a))
		return false;
	p = skip_ws(p);
	if (*p != ':')
		return false;
	p = skip_ws(p + 1);
	if (!parse_num(&p, tlo, thi, b))
		return false;
	*pp = p;
	return true;
}

int gw_iw_map_parse(struct gw_iw_map *m, const char *text, bool q850_to_sip,
		    char *why, size_t n)
{
	struct gw_iw_map tmp = { 0 };
	const char *p = skip_ws(text);
	const char *what = q850_to_sip ? "cause:status" : "status:cause";
	unsigned flo = q850_to_sip ? 1 : 300, fhi = q850_to_sip ? 127 : 699;
	unsigned tlo = q850_to_sip ? 300 : 1, thi = q850_to_sip ? 699 : 127;

	while (*p) {
		const char *start = p;
		unsigned a, b, i;

		if (!parse_entry(&p, flo, fhi, tlo, thi, &a, &b)) {
			size_t l = strcspn(start, ",");

			snprintf(
				why, n,
				"'%.*s': expected %s with a %s %u..%u and a %s %u..%u",
				(int)(l > 20 ? 20 : l), start, what,
				q850_to_sip ? "cause" : "status", flo, fhi,
				q850_to_sip ? "status" : "cause", tlo, thi);
			return EINVAL;
		}
		for (i = 0; i < tmp.n; i++)
			if (tmp.e[i].from == a) {
				snprintf(why, n, "%u is mapped twice", a);
				return EINVAL;
			}
		if (tmp.n == GW_IW_MAP_MAX) {
			snprintf(why, n, "more than %d entries", GW_IW_MAP_MAX);
			return EINVAL;
		}
		tmp.e[tmp.n].from = (unsigned short)a;
		tmp.e[tmp.n].to = (unsigned short)b;
		tmp.n++;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p) {
			snprintf(why, n,
				 "'%.20s': expected ',' between entries", p);
			return EINVAL;
		}
	}
	*m = tmp;
	return 0;
}
