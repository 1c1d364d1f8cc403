/*
 * Route matching and rewriting. Linear in the number of rules, which is
 * fine for the hundreds a route file holds; regular expressions are
 * compiled once, at load.
 */
#include "gateway/route.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/interwork.h"

struct gw_route_table *gw_route_table_ref(struct gw_route_table *t)
{
	if (t)
		t->refs++;
	return t;
}

void gw_route_table_unref(struct gw_route_table *t)
{
	if (!t || --t->refs)
		return;
	for (size_t i = 0; i < t->nrules; i++) {
		struct gw_route_rule *r = &t->rules[i];

		if (r->called.is_re)
			regfree(&r->called.re);
		if (r->calling.is_re)
			regfree(&r->calling.re);
	}
	free(t->rules);
	free(t->limits);
	free(t);
}

const char *gw_route_src_name(int src)
{
	static const char *const names[] = { "any", "pstn", "sip", "group",
					     "trunk" };

	return src >= 0 && src <= GW_SRC_TRUNK ? names[src] : "?";
}

const char *gw_route_kind_name(int kind)
{
	return kind == CFG_TARGET_TRUNK ? "trunk" : "group";
}

int gw_route_expand(const char *tmpl, const char *src, const regmatch_t *m,
		    size_t nm, char *out, size_t size)
{
	size_t n = 0;

	for (const char *p = tmpl; *p; p++) {
		const char *add = p;
		size_t len = 1;

		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '9') {
			size_t i = (size_t)(p[1] - '0');

			p++;
			len = 0; /* an unset group expands to nothing */
			if (i < nm && m[i].rm_so >= 0) {
				add = src + m[i].rm_so;
				len = (size_t)(m[i].rm_eo - m[i].rm_so);
			}
		}
		if (n + len >= size)
			return ENOSPC;
		memcpy(out + n, add, len);
		n += len;
	}
	out[n] = '\0';
	return 0;
}

/* Whether num matches cond; m gets \0 (all), \1.. (the regex's groups,
 * or for a prefix, \1 the rest after it). */
static bool num_match(const struct gw_route_num *cond, const char *num,
		      regmatch_t *m, size_t nm)
{
	size_t len = strlen(num);

	for (size_t i = 0; i < nm; i++)
		m[i].rm_so = m[i].rm_eo = -1;
	if (cond->set && cond->is_re)
		return regexec(&cond->re, num, nm, m, 0) == 0;
	size_t plen = cond->set ? strlen(cond->text) : 0;

	if (plen > len || strncmp(num, cond->text, plen))
		return false;
	m[0].rm_so = 0;
	m[0].rm_eo = (regoff_t)len;
	m[1].rm_so = (regoff_t)plen;
	m[1].rm_eo = (regoff_t)len;
	return true;
}

static bool src_match(const struct gw_route_rule *r,
		      const struct gw_route_query *q)
{
	switch (r->src) {
	case GW_SRC_ANY:
		return true;
	case GW_SRC_PSTN:
		return q->side == CFG_FROM_PSTN;
	case GW_SRC_SIP:
		return q->side == CFG_FROM_SIP;
	case GW_SRC_GROUP:
		return q->side == CFG_FROM_PSTN && q->group &&
		       !strcmp(q->group, r->src_name);
	case GW_SRC_TRUNK:
		return q->side == CFG_FROM_SIP && q->trunk &&
		       !strcmp(q->trunk, r->src_name);
	default:
		return false;
	}
}

static bool time_match(const struct gw_route_rule *r,
		       const struct gw_route_query *q)
{
	int wday = q->wday;

	if (!r->has_time && !r->days)
		return true;
	if (r->has_time && r->t_from != r->t_to) {
		bool in =
			r->t_from < r->t_to
				? q->minute >= r->t_from && q->minute < r->t_to
				: q->minute >= r->t_from || q->minute < r->t_to;

		if (!in)
			return false;
		/* after midnight, a window that began the day before
		 * belongs to that day's weekday */
		if (r->t_from > r->t_to && q->minute < r->t_to)
			wday = (wday + 6) % 7;
	}
	return !r->days || (r->days & (1u << (wday % 7)));
}

/* Applies the rule's rewrites; false if a number does not fit. */
static bool rewrite(const struct gw_route_rule *r, const char *called,
		    const regmatch_t *cm, const char *calling,
		    const regmatch_t *gm, struct gw_route_result *res)
{
	char tmp[GW_ROUTE_NUM_LEN];
	size_t clen = strlen(called), strip = r->strip < clen ? r->strip : clen;

	if (r->called_out[0]) {
		if (gw_route_expand(r->called_out, called, cm, 10, tmp,
				    sizeof(tmp)))
			return false;
	} else if ((size_t)snprintf(tmp, sizeof(tmp), "%s", called) >=
		   sizeof(tmp)) {
		return false;
	}
	if (strip || r->add[0]) {
		clen = strlen(tmp);
		strip = r->strip < clen ? r->strip : clen;
		if ((size_t)snprintf(res->called, sizeof(res->called), "%s%s",
				     r->add,
				     tmp + strip) >= sizeof(res->called))
			return false;
	} else {
		memcpy(res->called, tmp, sizeof(tmp));
	}
	if (r->calling_out[0])
		return !gw_route_expand(r->calling_out, calling, gm, 10,
					res->calling, sizeof(res->calling));
	return (size_t)snprintf(res->calling, sizeof(res->calling), "%s",
				calling) < sizeof(res->calling);
}

int gw_route_match(const struct gw_route_table *t,
		   const struct gw_route_query *q, struct gw_route_result *res)
{
	const char *called = q->called ? q->called : "",
		   *calling = q->calling ? q->calling : "";
	regmatch_t cm[10], gm[10];
	struct gw_route_result r;

	if (!t)
		return ENOENT;
	for (size_t i = 0; i < t->nrules; i++) {
		const struct gw_route_rule *rule = &t->rules[i];

		if (!src_match(rule, q) || !time_match(rule, q) ||
		    !num_match(&rule->called, called, cm, 10) ||
		    !num_match(&rule->calling, calling, gm, 10))
			continue;
		if (!rewrite(rule, called, cm, calling, gm, &r))
			continue; /* cannot be rewritten: not this rule */
		r.rule = rule;
		*res = r;
		return 0;
	}
	return ENOENT;
}

bool gw_route_fails_over(const struct gw_route_rule *r, unsigned code,
			 int cause)
{
	for (size_t i = 0; i < r->nfailover; i++) {
		unsigned e = r->failover[i];

		if (e >= 300) { /* a SIP status */
			if (code == e ||
			    (cause > 0 && gw_cause_to_sip(cause) == e))
				return true;
		} else if ((cause > 0 && (unsigned)cause == e) ||
			   (code >= 300 &&
			    ((unsigned)gw_sip_to_cause(code) == e ||
			     gw_cause_to_sip((int)e) == code))) {
			return true;
		}
	}
	return false;
}

unsigned gw_route_limit(const struct gw_route_table *t, int kind,
			const char *name)
{
	for (size_t i = 0; t && i < t->nlimits; i++)
		if (t->limits[i].kind == kind &&
		    !strcmp(t->limits[i].name, name))
			return t->limits[i].max;
	return 0;
}

void gw_route_when(long long unix_s, struct gw_route_query *q)
{
	time_t tt = (time_t)unix_s;
	struct tm tm;

	if (!localtime_r(&tt, &tm)) {
		q->wday = 0;
		q->minute = 0;
		return;
	}
	q->wday = tm.tm_wday;
	q->minute = (unsigned)(tm.tm_hour * 60 + tm.tm_min);
}
