/*
 * The route file: [route NAME] sections in match order and an optional
 * [limits] section (conf/routes.conf documents every form). Read line by
 * line here rather than through libinih so that a regular expression
 * may hold ';' or '#' (only whole-line comments exist) and so every
 * error names its line. Any error refuses the whole file.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "gateway/route.h"

#define MAX_RULES 4096
#define MAX_LIMITS 256
/*
 * glibc's regcomp expands every bounded repetition into copies of its
 * atom (about 200 bytes each): "((1{1000}){1000})" alone takes 200 MB, a
 * few more digits take the daemon down at reload. A number never needs
 * many: E.164 has 15 digits. Per expression, and for the whole file.
 */
#define RE_MAX_POSITIONS 256
#define RE_MAX_FILE_POSITIONS 65536

struct rf_ctx {
	const struct gw_cfg *cfg;
	const char *file;
	int line;
	struct cfg_errors *errs;
	struct gw_route_table *t;
	struct gw_route_rule *rule; /* current [route], NULL otherwise */
	bool in_limits, bad_section;
	size_t cap_rules, cap_limits;
	bool target_seen;
	size_t re_positions; /* summed over the file's expressions */
};

static void rf_err(struct rf_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One error line "file:line: why" into errs (the format cfg.c uses). */
static void rf_err(struct rf_ctx *c, const char *fmt, ...)
{
	char why[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (c->line > 0)
		cfg_errors_add(c->errs, "%s:%d: %s", c->file, c->line, why);
	else
		cfg_errors_add(c->errs, "%s: %s", c->file, why);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static bool group_exists(const struct gw_cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nspans; i++)
		if (!strcmp(cfg->spans[i].group, name))
			return true;
	return false;
}

/* "trunk NAME" or "group NAME" that exists in cfg; false with an error. */
static bool parse_target(struct rf_ctx *c, const char *key, const char *v,
			 struct gw_route_target *t)
{
	char kind[8], name[CFG_NAME_LEN + 1], extra;

	if (sscanf(v, "%7s %32s %c", kind, name, &extra) != 2 ||
	    strlen(name) >= CFG_NAME_LEN) {
		rf_err(c, "%s: expected 'trunk NAME' or 'group NAME', not '%s'",
		       key, v);
		return false;
	}
	if (!strcmp(kind, "trunk")) {
		t->kind = CFG_TARGET_TRUNK;
		if (!cfg_trunk_find(c->cfg, name)) {
			rf_err(c, "%s: no [trunk %s] in the configuration", key,
			       name);
			return false;
		}
	} else if (!strcmp(kind, "group")) {
		t->kind = CFG_TARGET_GROUP;
		if (!group_exists(c->cfg, name)) {
			rf_err(c, "%s: no span in group '%s'", key, name);
			return false;
		}
	} else {
		rf_err(c, "%s: expected 'trunk NAME' or 'group NAME', not '%s'",
		       key, v);
		return false;
	}
	strcpy(t->name, name);
	return true;
}

static bool parse_uint(const char *s, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = (unsigned)v;
	return true;
}

/* Skip a bracket expression; p is just past its '['. */
static const char *re_skip_bracket(const char *p)
{
	if (*p == '^')
		p++;
	if (*p == ']')
		p++; /* a leading ']' is a member */
	while (*p && *p != ']') {
		if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			char end = p[1];

			for (p += 2; *p && !(p[0] == end && p[1] == ']'); p++)
				;
			if (*p)
				p += 2;
			continue;
		}
		p++;
	}
	return *p ? p + 1 : p;
}

/*
 * "{m}", "{m,}", "{m,n}", "{,n}" at p (just past '{'): how many copies
 * regcomp makes of the atom before it, and where the bound ends; 0 when
 * this is no bound (regcomp then judges the brace itself).
 */
static size_t re_bound(const char *p, const char **after)
{
	unsigned long m = 0, n = 0;
	bool has_m = false, has_n = false, comma = false;

	for (; isdigit((unsigned char)*p); p++, has_m = true)
		m = m > 100000 ? m : m * 10 + (unsigned long)(*p - '0');
	if (*p == ',') {
		comma = true;
		for (p++; isdigit((unsigned char)*p); p++, has_n = true)
			n = n > 100000 ? n : n * 10 + (unsigned long)(*p - '0');
	}
	if (*p != '}' || (!has_m && !has_n))
		return 0;
	*after = p + 1;
	if (comma && !has_n)
		m++; /* "{m,}": m copies and a star */
	else if (has_n && n > m)
		m = n;
	return m ? m : 1;
}

/*
 * The positions regcomp builds for an extended expression once its
 * repetitions are expanded, or SIZE_MAX beyond limit. Only the bounds
 * and groups matter; regcomp itself still judges the syntax. *backref
 * tells of a back-reference (\1..\9): glibc matches those by trying
 * every split, 15 s for a 60-digit number against "(1*)*(1*)*(1*)*(1*)*
 * \4\3\2\1$", and the number comes from the caller.
 */
static size_t re_positions(const char *p, size_t limit, bool *backref)
{
	size_t stack[GW_ROUTE_NUM_LEN]; /* cur of the enclosing groups */
	size_t depth = 0, cur = 0, last = 0;

	while (*p) {
		size_t times = 1, atom = 1; /* a literal by default */
		const char *after = p + 1;

		switch (*p) {
		case '(':
			if (depth == GW_ROUTE_NUM_LEN)
				return SIZE_MAX;
			stack[depth++] = cur;
			cur = last = atom = 0;
			break;
		case ')':
			if (depth) {
				atom = cur ? cur : 1;
				cur = stack[--depth];
			}
			break;
		case '|':
			last = atom = 0;
			break;
		case '{':
			times = re_bound(p + 1, &after);
			if (times)
				atom = 0;
			else
				after = p + 1; /* a literal brace */
			break;
		case '+':
			times = 2; /* regcomp makes "a+" into "aa*" */
			atom = 0;
			break;
		case '*':
		case '?':
		case '^':
		case '$':
			atom = 0;
			break;
		case '[':
			after = re_skip_bracket(p + 1);
			break;
		case '\\':
			if (p[1] >= '1' && p[1] <= '9')
				*backref = true;
			after = p[1] ? p + 2 : p + 1;
			break;
		}
		if (atom) {
			cur += atom;
			last = atom;
		} else if (times > 1 && last) {
			if (last > limit / times)
				return SIZE_MAX;
			cur += last * (times - 1);
			last *= times;
		}
		if (cur > limit)
			return SIZE_MAX;
		p = after;
	}
	while (depth--)
		cur += stack[depth];
	return cur > limit ? SIZE_MAX : cur;
}

static bool parse_num(struct rf_ctx *c, const char *key, const char *v,
		      struct gw_route_num *n)
{
	if (strlen(v) >= sizeof(n->text)) {
		rf_err(c, "%s: longer than %zu characters", key,
		       sizeof(n->text) - 1);
		return false;
	}
	if (n->set) {
		rf_err(c, "%s: given twice", key);
		return false;
	}
	if (v[0] == '~') {
		bool backref = false;
		size_t pos = re_positions(v + 1, RE_MAX_POSITIONS, &backref);

		if (backref) {
			rf_err(c,
			       "%s: regular expression '%s' has a back-reference (\\1..\\9): refused, matching one can take seconds per call",
			       key, v + 1);
			return false;
		}
		if (pos == SIZE_MAX) {
			rf_err(c,
			       "%s: regular expression '%s' repeats too much (more than %d positions once its {m,n} are expanded; a number has at most 15 digits)",
			       key, v + 1, RE_MAX_POSITIONS);
			return false;
		}
		if (c->re_positions + pos > RE_MAX_FILE_POSITIONS) {
			rf_err(c,
			       "%s: the file's regular expressions together exceed %d positions once their {m,n} are expanded",
			       key, RE_MAX_FILE_POSITIONS);
			return false;
		}
		c->re_positions += pos;
		int rc = regcomp(&n->re, v + 1, REG_EXTENDED);

		if (rc) {
			char why[128];

			regerror(rc, &n->re, why, sizeof(why));
			rf_err(c, "%s: bad regular expression '%s': %s", key,
			       v + 1, why);
			return false;
		}
		n->is_re = true;
	} else {
		for (const char *p = v; *p; p++)
			if (!isdigit((unsigned char)*p) && !strchr("+*#", *p)) {
				rf_err(c,
				       "%s: '%s' is no number prefix (digits, +, *, #; ~REGEX for a regular expression)",
				       key, v);
				return false;
			}
	}
	strcpy(n->text, v);
	n->set = true;
	return true;
}

static bool parse_hhmm(const char *s, unsigned *min)
{
	unsigned h, m;
	char extra;

	if (sscanf(s, "%2u:%2u%c", &h, &m, &extra) != 2 || h > 24 || m > 59 ||
	    (h == 24 && m))
		return false;
	*min = h * 60 + m;
	return true;
}

static int day_index(const char *s, size_t n)
{
	static const char *const days[] = { "sun", "mon", "tue", "wed",
					    "thu", "fri", "sat" };

	for (int i = 0; i < 7; i++)
		if (n == 3 && !strncasecmp(s, days[i], 3))
			return i;
	return -1;
}

/* "mon-fri,sun": a list of days and ranges (a range may wrap). */
static bool parse_days(const char *v, unsigned *mask)
{
	unsigned m = 0;
	const char *p = v;

	while (*p) {
		const char *end = p + strcspn(p, ",");
		const char *dash = memchr(p, '-', (size_t)(end - p));
		int a, b;

		while (p < end && *p == ' ')
			p++;
		if (dash) {
			a = day_index(p, (size_t)(dash - p));
			b = day_index(dash + 1, (size_t)(end - dash - 1));
		} else {
			a = b = day_index(p, (size_t)(end - p));
		}
		if (a < 0 || b < 0)
			return false;
		for (int d = a;; d = (d + 1) % 7) {
			m |= 1u << d;
			if (d == b)
				break;
		}
		p = *end ? end + 1 : end;
	}
	if (!m)
		return false;
	*mask = m;
	return true;
}

static bool parse_bool(const char *v, bool *b)
{
	if (!strcmp(v, "yes") || !strcmp(v, "on") || !strcmp(v, "true")) {
		*b = true;
		return true;
	}
	if (!strcmp(v, "no") || !strcmp(v, "off") || !strcmp(v, "false")) {
		*b = false;
		return true;
	}
	return false;
}

static bool parse_failover(struct rf_ctx *c, char *v, struct gw_route_rule *r)
{
	r->nfailover = 0;
	for (char *save, *tok = strtok_r(v, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		unsigned n;

		if (!parse_uint(tok, 1, 699, &n) || (n > 127 && n < 300)) {
			rf_err(c,
			       "failover: '%s' is neither a SIP status (300-699) nor a Q.850 cause (1-127)",
			       tok);
			return false;
		}
		if (r->nfailover == GW_ROUTE_MAX_FAILOVER) {
			rf_err(c, "failover: at most %d values",
			       GW_ROUTE_MAX_FAILOVER);
			return false;
		}
		r->failover[r->nfailover++] = n;
	}
	return true;
}

static bool parse_from(struct rf_ctx *c, const char *v, struct gw_route_rule *r)
{
	char kind[8], name[CFG_NAME_LEN + 1], extra;
	int n = sscanf(v, "%7s %32s %c", kind, name, &extra);
	static const char *const one[] = { "any", "pstn", "sip" };

	for (int i = 0; n == 1 && i < 3; i++)
		if (!strcmp(kind, one[i])) {
			r->src = i; /* GW_SRC_ANY, _PSTN, _SIP */
			return true;
		}
	if (n == 2 && strlen(name) < CFG_NAME_LEN && !strcmp(kind, "group")) {
		if (!group_exists(c->cfg, name)) {
			rf_err(c, "from: no span in group '%s'", name);
			return false;
		}
		r->src = GW_SRC_GROUP;
		strcpy(r->src_name, name);
		return true;
	}
	if (n == 2 && strlen(name) < CFG_NAME_LEN && !strcmp(kind, "trunk")) {
		if (!cfg_trunk_find(c->cfg, name)) {
			rf_err(c, "from: no [trunk %s] in the configuration",
			       name);
			return false;
		}
		r->src = GW_SRC_TRUNK;
		strcpy(r->src_name, name);
		return true;
	}
	rf_err(c,
	       "from: unknown source '%s' (expected: any, pstn, sip, group NAME, trunk NAME)",
	       v);
	return false;
}

/* A rewrite template names only groups its number's match has (the
 * length was checked when it was read). */
static void check_template(struct rf_ctx *c, const char *key, const char *v,
			   const struct gw_route_num *cond)
{
	size_t groups = cond->is_re ? cond->re.re_nsub : 1;

	for (const char *p = strchr(v, '\\'); p; p = strchr(p + 1, '\\'))
		if (p[1] >= '1' && p[1] <= '9' &&
		    (size_t)(p[1] - '0') > groups) {
			rf_err(c, "%s: \\%c, but its match has %zu group%s",
			       key, p[1], groups, groups == 1 ? "" : "s");
			return;
		}
}

static void rule_option(struct rf_ctx *c, const char *key, char *v)
{
	struct gw_route_rule *r = c->rule;
	struct gw_route_target t;
	unsigned n;

	if (!strcmp(key, "from")) {
		parse_from(c, v, r);
	} else if (!strcmp(key, "called")) {
		parse_num(c, key, v, &r->called);
	} else if (!strcmp(key, "calling")) {
		parse_num(c, key, v, &r->calling);
	} else if (!strcmp(key, "called_out")) {
		/* checked against the condition once the section is read */
		if (strlen(v) >= sizeof(r->called_out))
			rf_err(c, "called_out: longer than %zu characters",
			       sizeof(r->called_out) - 1);
		else
			strcpy(r->called_out, v);
	} else if (!strcmp(key, "calling_out")) {
		if (strlen(v) >= sizeof(r->calling_out))
			rf_err(c, "calling_out: longer than %zu characters",
			       sizeof(r->calling_out) - 1);
		else
			strcpy(r->calling_out, v);
	} else if (!strcmp(key, "strip")) {
		if (!parse_uint(v, 0, GW_ROUTE_NUM_LEN, &r->strip))
			rf_err(c, "strip: '%s' is no number of digits (0-%d)",
			       v, GW_ROUTE_NUM_LEN);
	} else if (!strcmp(key, "add")) {
		if (strlen(v) >= sizeof(r->add))
			rf_err(c, "add: longer than %zu characters",
			       sizeof(r->add) - 1);
		else
			strcpy(r->add, v);
	} else if (!strcmp(key, "time")) {
		char a[8], z[8], extra;

		if (sscanf(v, "%7[0-9:]-%7[0-9:]%c", a, z, &extra) != 2 ||
		    !parse_hhmm(a, &r->t_from) || !parse_hhmm(z, &r->t_to))
			rf_err(c, "time: expected HH:MM-HH:MM, not '%s'", v);
		else
			r->has_time = true;
	} else if (!strcmp(key, "days")) {
		if (!parse_days(v, &r->days))
			rf_err(c,
			       "days: expected days like mon-fri,sun, not '%s'",
			       v);
	} else if (!strcmp(key, "target") || !strcmp(key, "alternative")) {
		if (!strcmp(key, "target") && c->target_seen) {
			rf_err(c,
			       "target: given twice (further targets are 'alternative')");
			return;
		}
		if (!strcmp(key, "alternative") && !c->target_seen) {
			rf_err(c, "alternative: comes after target");
			return;
		}
		if (!strcmp(key, "target"))
			c->target_seen = true;
		if (!parse_target(c, key, v, &t))
			return;
		if (r->ntargets == GW_ROUTE_MAX_TARGETS) {
			rf_err(c, "%s: at most %d targets per route", key,
			       GW_ROUTE_MAX_TARGETS);
			return;
		}
		for (size_t i = 0; i < r->ntargets; i++)
			if (r->targets[i].kind == t.kind &&
			    !strcmp(r->targets[i].name, t.name)) {
				rf_err(c, "%s: %s %s is already a target", key,
				       gw_route_kind_name(t.kind), t.name);
				return;
			}
		r->targets[r->ntargets++] = t;
	} else if (!strcmp(key, "failover")) {
		parse_failover(c, v, r);
	} else if (!strcmp(key, "fax")) {
		if (!parse_bool(v, &r->fax))
			rf_err(c, "fax: expected yes or no, not '%s'", v);
	} else if (!strcmp(key, "busy_out")) {
		if (!parse_bool(v, &r->busy_out))
			rf_err(c, "busy_out: expected yes or no, not '%s'", v);
	} else if (!strcmp(key, "refuse_cause")) {
		if (!parse_uint(v, 1, 127, &n))
			rf_err(c,
			       "refuse_cause: '%s' is no Q.850 cause (1-127)",
			       v);
		else
			r->refuse_cause = (int)n;
	} else {
		rf_err(c,
		       "[route %s] unknown option '%s' (expected: from, called, calling, called_out, calling_out, strip, add, time, days, target, alternative, failover, fax, refuse_cause, busy_out)",
		       r->name, key);
	}
}

static void limit_option(struct rf_ctx *c, const char *key, const char *v)
{
	struct gw_route_target t;
	unsigned n;

	if (!parse_target(c, "limits", key, &t))
		return;
	if (!parse_uint(v, 1, 100000, &n)) {
		rf_err(c, "limits: %s: '%s' is no call count (1-100000)", key,
		       v);
		return;
	}
	for (size_t i = 0; i < c->t->nlimits; i++)
		if (c->t->limits[i].kind == t.kind &&
		    !strcmp(c->t->limits[i].name, t.name)) {
			rf_err(c, "limits: %s given twice", key);
			return;
		}
	if (c->t->nlimits == c->cap_limits) {
		size_t cap = c->cap_limits ? c->cap_limits * 2 : 8;
		void *p = cap <= MAX_LIMITS
				  ? realloc(c->t->limits,
					    cap * sizeof(*c->t->limits))
				  : NULL;

		if (!p) {
			rf_err(c, "limits: too many (at most %d)", MAX_LIMITS);
			return;
		}
		c->t->limits = p;
		c->cap_limits = cap;
	}
	struct gw_route_limit *l = &c->t->limits[c->t->nlimits++];

	l->kind = t.kind;
	strcpy(l->name, t.name);
	l->max = n;
}

/* Checks a finished [route] section. */
static void rule_end(struct rf_ctx *c)
{
	struct gw_route_rule *r = c->rule;
	int line = c->line;

	if (!r)
		return;
	c->line = r->line;
	if (!r->ntargets && !c->target_seen) /* else reported at its line */
		rf_err(c, "[route %s] target: required", r->name);
	if (r->called_out[0])
		check_template(c, "called_out", r->called_out, &r->called);
	if (r->calling_out[0])
		check_template(c, "calling_out", r->calling_out, &r->calling);
	if (r->busy_out && r->src != GW_SRC_GROUP)
		rf_err(c,
		       "[route %s] busy_out: needs 'from = group NAME' (the group whose B-channels go out of service)",
		       r->name);
	c->line = line;
	c->rule = NULL;
}

static void section_begin(struct rf_ctx *c, const char *name)
{
	rule_end(c);
	c->in_limits = false;
	c->bad_section = false;
	if (!strcmp(name, "limits")) {
		c->in_limits = true;
		return;
	}
	if (strncmp(name, "route ", 6) || !*trim((char *)name + 6) ||
	    strlen(trim((char *)name + 6)) >= CFG_NAME_LEN) {
		rf_err(c, "unknown section [%s] (expected: route NAME, limits)",
		       name);
		c->bad_section = true;
		return;
	}
	const char *rn = trim((char *)name + 6);

	for (size_t i = 0; i < c->t->nrules; i++)
		if (!strcmp(c->t->rules[i].name, rn)) {
			rf_err(c, "[route %s] already defined at line %d", rn,
			       c->t->rules[i].line);
			c->bad_section = true;
			return;
		}
	if (c->t->nrules == c->cap_rules) {
		size_t cap = c->cap_rules ? c->cap_rules * 2 : 16;
		void *p = cap <= MAX_RULES ? realloc(c->t->rules,
						     cap * sizeof(*c->t->rules))
					   : NULL;

		if (!p) {
			rf_err(c, "too many routes (at most %d)", MAX_RULES);
			c->bad_section = true;
			return;
		}
		c->t->rules = p;
		c->cap_rules = cap;
	}
	struct gw_route_rule *r = &c->t->rules[c->t->nrules++];

	memset(r, 0, sizeof(*r));
	strcpy(r->name, rn);
	r->line = c->line;
	r->src = GW_SRC_ANY;
	r->refuse_cause = 34; /* no circuit/channel available */
	c->rule = r;
	c->target_seen = false;
}

static void parse_line(struct rf_ctx *c, char *s)
{
	char *eq;

	s = trim(s);
	if (!*s || *s == '#' || *s == ';')
		return;
	if (*s == '[') {
		char *end = strchr(s, ']');

		if (!end || *trim(end + 1)) {
			rf_err(c, "syntax error (expected [section])");
			rule_end(c);
			c->bad_section = true;
			return;
		}
		*end = '\0';
		section_begin(c, trim(s + 1));
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		rf_err(c, "syntax error (expected key = value)");
		return;
	}
	*eq = '\0';
	char *key = trim(s), *val = trim(eq + 1);

	if (c->bad_section)
		return; /* reported once, at the header */
	if (c->in_limits)
		limit_option(c, key, val);
	else if (c->rule)
		rule_option(c, key, val);
	else
		rf_err(c, "option '%s' outside a section", key);
}

int gw_route_table_load_stream(const struct gw_cfg *cfg, FILE *f,
			       const char *name, struct gw_route_table **out,
			       struct cfg_errors *errs)
{
	struct rf_ctx c = { .cfg = cfg, .file = name, .errs = errs };
	unsigned before = errs->count;
	char buf[1024];

	c.t = calloc(1, sizeof(*c.t));
	if (!c.t)
		return ENOMEM;
	c.t->refs = 1;
	snprintf(c.t->file, sizeof(c.t->file), "%s", name);
	while (fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);

		c.line++;
		if (n == sizeof(buf) - 1 && buf[n - 1] != '\n') {
			int ch;

			rf_err(&c, "line longer than %zu characters",
			       sizeof(buf) - 2);
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		parse_line(&c, buf);
	}
	c.line++;
	rule_end(&c);
	if (ferror(f)) {
		c.line = 0;
		rf_err(&c, "cannot be read");
	}
	if (errs->count != before) {
		gw_route_table_unref(c.t);
		return EINVAL;
	}
	*out = c.t;
	return 0;
}

int gw_route_table_load(const struct gw_cfg *cfg, const char *path,
			struct gw_route_table **out, struct cfg_errors *errs)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		struct rf_ctx c = { .file = path, .errs = errs };
		int err = errno;

		rf_err(&c, "cannot open route file: %s", strerror(err));
		return err;
	}
	rc = gw_route_table_load_stream(cfg, f, path, out, errs);
	fclose(f);
	return rc;
}

/* The [route] sections of pstngw.conf, as rules (cfg.c checked them). */
static int from_cfg(const struct gw_cfg *cfg, struct gw_route_table **out)
{
	struct gw_route_table *t = calloc(1, sizeof(*t));

	if (!t)
		return ENOMEM;
	t->refs = 1;
	t->rules = calloc(cfg->nroutes ? cfg->nroutes : 1, sizeof(*t->rules));
	if (!t->rules) {
		free(t);
		return ENOMEM;
	}
	for (size_t i = 0; i < cfg->nroutes; i++) {
		const struct cfg_route *cr = &cfg->routes[i];
		struct gw_route_rule *r = &t->rules[t->nrules++];

		snprintf(r->name, sizeof(r->name), "%s", cr->name);
		r->line = cr->line;
		r->src = cr->from == CFG_FROM_SIP ? GW_SRC_SIP : GW_SRC_PSTN;
		r->called.set = true;
		snprintf(r->called.text, sizeof(r->called.text), "%s",
			 cr->prefix);
		r->strip = cr->strip;
		snprintf(r->add, sizeof(r->add), "%s", cr->add);
		r->targets[0].kind = cr->target_kind;
		snprintf(r->targets[0].name, sizeof(r->targets[0].name), "%s",
			 cr->target_name);
		r->ntargets = 1;
		r->refuse_cause = 34;
	}
	*out = t;
	return 0;
}

int gw_route_table_build(const struct gw_cfg *cfg, const char *cfg_path,
			 struct gw_route_table **out, struct cfg_errors *errs)
{
	char path[sizeof(cfg->route_file) + CFG_PATH_LEN * 4];
	const char *slash = cfg_path ? strrchr(cfg_path, '/') : NULL;

	if (!cfg->route_file[0])
		return from_cfg(cfg, out);
	/* relative to pstngw.conf's directory: the daemon runs in / */
	if (cfg->route_file[0] != '/' && slash)
		snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - cfg_path),
			 cfg_path, cfg->route_file);
	else
		snprintf(path, sizeof(path), "%s", cfg->route_file);
	if (cfg->nroutes) {
		struct rf_ctx c = { .file = path, .errs = errs };

		rf_err(&c,
		       "route file given, but pstngw.conf also has [route %s] (line %d): move it into the route file",
		       cfg->routes[0].name, cfg->routes[0].line);
		return EINVAL;
	}
	return gw_route_table_load(cfg, path, out, errs);
}
