/*
 * Configuration parsing. The option table (cfg_opts.c) is the single
 * source of truth: the parser, the defaults, the bounds and the sample
 * file all come from it. libinih on Debian reports no line numbers to the
 * handler, so the stream reader counts lines itself.
 */
#include "gateway/cfg.h"

#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "gateway/cfg_int.h"

void cfg_errors_add(struct cfg_errors *e, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line))
		n = sizeof(line) - 1;
	e->count++;
	if (e->len + (size_t)n + 2 > e->cap) {
		size_t cap = (e->cap + (size_t)n + 2) * 2;
		char *t = realloc(e->text, cap);

		if (!t)
			return; /* the count still says it failed */
		e->text = t;
		e->cap = cap;
	}
	memcpy(e->text + e->len, line, (size_t)n);
	e->len += (size_t)n;
	e->text[e->len++] = '\n';
	e->text[e->len] = '\0';
}

void cfg_errors_release(struct cfg_errors *errs)
{
	if (!errs)
		return;
	free(errs->text);
	memset(errs, 0, sizeof(*errs));
}

static void choices_str(const char *const *ch, char *buf, size_t n)
{
	size_t len = 0;

	buf[0] = '\0';
	for (; *ch && len < n; ch++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s",
					len ? ", " : "", *ch);
}

/* Writes one option's value into obj; 0 or -1 with why filled. */
static int opt_set(struct cfg_ctx *c, const struct opt *o, void *obj,
		   const char *val, char *why, size_t n)
{
	char *dst = (char *)obj + o->off;

	switch (o->type) {
	case T_STR:
		if (strlen(val) >= o->size) {
			snprintf(why, n,
				 "value too long (at most %zu characters)",
				 o->size - 1);
			return -1;
		}
		if (o->check && o->check(c, obj, val, why, n))
			return -1;
		memcpy(dst, val, strlen(val) + 1);
		return 0;
	case T_UINT: {
		char *end;
		unsigned long v;

		errno = 0;
		v = strtoul(val, &end, 10);
		if (!*val || *end || errno || val[0] == '-') {
			snprintf(why, n, "'%s' is not a number", val);
			return -1;
		}
		if (v < o->min || v > o->max) {
			snprintf(why, n, "%lu out of range (%u..%u)", v, o->min,
				 o->max);
			return -1;
		}
		*(unsigned *)(void *)dst = (unsigned)v;
		return 0;
	}
	case T_ENUM:
		for (int i = 0; o->choices[i]; i++) {
			if (strcasecmp(val, o->choices[i]))
				continue;
			if (o->size == sizeof(int))
				*(int *)(void *)dst = o->base + i;
			else
				snprintf(dst, o->size, "%s", o->choices[i]);
			return 0;
		}
		char list[160];

		choices_str(o->choices, list, sizeof(list));
		snprintf(why, n, "unknown value '%.40s' (expected: %s)", val,
			 list);
		return -1;
	}
	return -1;
}

static void apply_defaults(struct cfg_ctx *c, enum sect s, void *obj)
{
	char why[128];

	for (size_t i = 0; i < cfg_nopts; i++)
		if (cfg_opts[i].sect == s && cfg_opts[i].def)
			opt_set(c, &cfg_opts[i], obj, cfg_opts[i].def, why,
				sizeof(why));
}

/* Starts a new section; sets c->obj, or reports why it is not known. */
static void section_begin(struct cfg_ctx *c, const char *section)
{
	struct gw_cfg *cfg = c->cfg;
	char kind[16], name[CFG_NAME_LEN + 1], extra;
	int nf = sscanf(section, "%15s %32s %c", kind, name, &extra);

	c->obj = NULL;
	c->bad_section = true;
	for (int s = 0; s < S_COUNT; s++) {
		if (nf < 1 || strcasecmp(kind, cfg_sect_names[s]))
			continue;
		c->sect = (enum sect)s;
		if (s <= S_SECURITY) {
			if (nf != 1)
				break;
			c->obj = cfg;
			c->bad_section = false;
			return;
		}
		if (nf != 2 || strlen(name) >= CFG_NAME_LEN) {
			cfg_errors_add(
				c->errs,
				"%s:%d: [%s] needs one name, as [%s NAME]",
				c->file, c->line, section, cfg_sect_names[s]);
			return;
		}
		char why[128];

		if (cfg_check_name(c, NULL, name, why, sizeof(why))) {
			cfg_errors_add(c->errs, "%s:%d: [%s] %s", c->file,
				       c->line, section, why);
			return;
		}
		if (s == S_SPAN) {
			char *end;
			unsigned long id = strtoul(name, &end, 10);

			if (*end || id < 1 || id > 255) {
				cfg_errors_add(
					c->errs,
					"%s:%d: [%s] span number must be 1..255",
					c->file, c->line, section);
				return;
			}
			for (size_t i = 0; i < cfg->nspans; i++)
				if (cfg->spans[i].id == id) {
					cfg_errors_add(
						c->errs,
						"%s:%d: [%s] span %lu already defined at line %d",
						c->file, c->line, section, id,
						cfg->spans[i].line);
					return;
				}
			if (cfg->nspans == CFG_MAX_SPANS) {
				cfg_errors_add(
					c->errs,
					"%s:%d: [%s] too many spans (at most %d)",
					c->file, c->line, section,
					CFG_MAX_SPANS);
				return;
			}
			struct cfg_span *sp = &cfg->spans[cfg->nspans++];

			memset(sp, 0, sizeof(*sp));
			sp->id = (unsigned)id;
			sp->line = c->line;
			apply_defaults(c, S_SPAN, sp);
			c->obj = sp;
		} else if (s == S_TRUNK) {
			if (cfg_trunk_find(cfg, name)) {
				cfg_errors_add(
					c->errs,
					"%s:%d: [%s] trunk '%s' already defined",
					c->file, c->line, section, name);
				return;
			}
			if (cfg->ntrunks == CFG_MAX_TRUNKS) {
				cfg_errors_add(
					c->errs,
					"%s:%d: [%s] too many trunks (at most %d)",
					c->file, c->line, section,
					CFG_MAX_TRUNKS);
				return;
			}
			struct cfg_trunk *t = &cfg->trunks[cfg->ntrunks++];

			memset(t, 0, sizeof(*t));
			strcpy(t->name, name);
			t->line = c->line;
			apply_defaults(c, S_TRUNK, t);
			c->obj = t;
		} else {
			if (cfg->nroutes == CFG_MAX_ROUTES) {
				cfg_errors_add(
					c->errs,
					"%s:%d: [%s] too many routes (at most %d)",
					c->file, c->line, section,
					CFG_MAX_ROUTES);
				return;
			}
			struct cfg_route *r = &cfg->routes[cfg->nroutes++];

			memset(r, 0, sizeof(*r));
			strcpy(r->name, name);
			r->line = c->line;
			r->from = -1;
			apply_defaults(c, S_ROUTE, r);
			c->obj = r;
		}
		c->bad_section = false;
		return;
	}
	cfg_errors_add(
		c->errs,
		"%s:%d: unknown section [%s] (expected: general, sip, media, fax, security, span N, trunk NAME, route NAME)",
		c->file, c->line, section);
}

static int handler(void *user, const char *section, const char *key,
		   const char *value)
{
	struct cfg_ctx *c = user;
	char why[256];

	if (c->bad_section)
		return 1; /* reported once, at the header */
	if (!c->obj) {
		cfg_errors_add(c->errs, "%s:%d: option '%s' outside a section",
			       c->file, c->line, key);
		return 1;
	}
	for (size_t i = 0; i < cfg_nopts; i++) {
		const struct opt *o = &cfg_opts[i];

		if (o->sect != c->sect || strcasecmp(o->key, key))
			continue;
		if (opt_set(c, o, c->obj, value, why, sizeof(why)))
			cfg_errors_add(c->errs, "%s:%d: [%s] %s: %s", c->file,
				       c->line, section, key, why);
		return 1;
	}
	cfg_errors_add(c->errs, "%s:%d: [%s] unknown option '%s'", c->file,
		       c->line, section, key);
	return 1;
}

/*
 * Feeds libinih line by line, counting lines, and starts sections here:
 * libinih reports a section only with its first key, so an empty or
 * repeated section would go unseen.
 */
static char *reader(char *str, int num, void *stream)
{
	struct cfg_ctx *c = stream;
	char *r = fgets(str, num, c->f);
	const char *p = str, *end;

	if (!r)
		return NULL;
	c->line++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '[' && (end = strchr(p, ']'))) {
		char name[96];
		size_t n = (size_t)(end - p - 1);

		if (n >= sizeof(name))
			n = sizeof(name) - 1;
		memcpy(name, p + 1, n);
		name[n] = '\0';
		section_begin(c, name);
	}
	return r;
}

const struct cfg_trunk *cfg_trunk_find(const struct gw_cfg *cfg,
				       const char *name)
{
	for (size_t i = 0; i < cfg->ntrunks; i++)
		if (!strcmp(cfg->trunks[i].name, name))
			return &cfg->trunks[i];
	return NULL;
}

const struct cfg_span_timer cfg_span_timers[] = {
	{ "T200", offsetof(struct cfg_span, t200_ms) },
	{ "T203", offsetof(struct cfg_span, t203_ms) },
	{ "N200", offsetof(struct cfg_span, n200) },
	{ "K", offsetof(struct cfg_span, k) },
	{ "T302", offsetof(struct cfg_span, t302_ms) },
	{ "T303", offsetof(struct cfg_span, t303_ms) },
	{ "T305", offsetof(struct cfg_span, t305_ms) },
	{ "T308", offsetof(struct cfg_span, t308_ms) },
	{ "T309", offsetof(struct cfg_span, t309_ms) },
	{ "T310", offsetof(struct cfg_span, t310_ms) },
	{ "T313", offsetof(struct cfg_span, t313_ms) },
	{ "T316", offsetof(struct cfg_span, t316_ms) },
	{ "N316", offsetof(struct cfg_span, n316) },
	{ NULL, 0 },
};

static bool group_exists(const struct gw_cfg *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nspans; i++)
		if (!strcmp(cfg->spans[i].group, name))
			return true;
	return false;
}

/* Checks that need the whole file: required options, references. */
static void validate(struct cfg_ctx *c)
{
	struct gw_cfg *cfg = c->cfg;

	for (size_t i = 0; i < cfg->nspans; i++) {
		struct cfg_span *s = &cfg->spans[i];

		if (!s->path[0] && !strcmp(s->driver, "loop"))
			cfg_errors_add(
				c->errs,
				"%s:%d: [span %u] path: required for the loop driver",
				c->file, s->line, s->id);
		for (size_t j = 0; j < i; j++) {
			if (s->path[0] && !strcmp(s->path, cfg->spans[j].path))
				cfg_errors_add(
					c->errs,
					"%s:%d: [span %u] path: also used by span %u",
					c->file, s->line, s->id,
					cfg->spans[j].id);
			/* one hunting order per group */
			if (!strcmp(s->group, cfg->spans[j].group) &&
			    s->hunt != cfg->spans[j].hunt)
				cfg_errors_add(
					c->errs,
					"%s:%d: [span %u] hunt: '%s' differs from span %u of group '%s' ('%s')",
					c->file, s->line, s->id,
					cfg_hunt_names[s->hunt],
					cfg->spans[j].id, s->group,
					cfg_hunt_names[cfg->spans[j].hunt]);
			/* one numbering plan per group (issue 7): SIP calls
			 * take the first span's before a channel is hunted */
			if (!strcmp(s->group, cfg->spans[j].group) &&
			    (strcmp(s->country_code,
				    cfg->spans[j].country_code) ||
			     strcmp(s->national_prefix,
				    cfg->spans[j].national_prefix) ||
			     strcmp(s->international_prefix,
				    cfg->spans[j].international_prefix)))
				cfg_errors_add(
					c->errs,
					"%s:%d: [span %u] country_code: numbering plan differs from span %u of group '%s'",
					c->file, s->line, s->id,
					cfg->spans[j].id, s->group);
		}
	}
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		struct cfg_trunk *t = &cfg->trunks[i];

		if (!t->host[0])
			cfg_errors_add(c->errs,
				       "%s:%d: [trunk %s] address: required",
				       c->file, t->line, t->name);
		if (t->reg && !t->user[0])
			cfg_errors_add(c->errs,
				       "%s:%d: [trunk %s] register: needs user",
				       c->file, t->line, t->name);
		if (t->password[0] && !t->user[0] && !t->auth_user[0])
			cfg_errors_add(
				c->errs,
				"%s:%d: [trunk %s] password: needs user or auth_user",
				c->file, t->line, t->name);
		if (t->in_password[0] && !t->in_user[0])
			cfg_errors_add(
				c->errs,
				"%s:%d: [trunk %s] inbound_password: needs inbound_user",
				c->file, t->line, t->name);
		/* access (issue 8): no unauthenticated door for a whole net */
		if (!t->acl_text[0] && t->host[0])
			gw_acl_host(&t->acl, t->host);
		if (!t->rate_text[0])
			t->rate_limit = -1;
		if (!t->burst_text[0])
			t->rate_burst = -1;
		if (gw_acl_open(&t->acl) && !t->in_password[0] &&
		    !t->allow_open)
			cfg_errors_add(
				c->errs,
				"%s:%d: [trunk %s] acl: '%s' is wider than one host: set inbound_password, or allow_open = yes to let everyone in it call unauthenticated",
				c->file, t->line, t->name, t->acl_text);
	}
	for (size_t i = 0; i < cfg->nroutes; i++) {
		struct cfg_route *r = &cfg->routes[i];

		if (r->from < 0)
			cfg_errors_add(
				c->errs,
				"%s:%d: [route %s] from: required (pstn or sip)",
				c->file, r->line, r->name);
		if (!r->target[0]) {
			cfg_errors_add(c->errs,
				       "%s:%d: [route %s] target: required",
				       c->file, r->line, r->name);
			continue;
		}
		if (r->target_kind == CFG_TARGET_TRUNK &&
		    !cfg_trunk_find(cfg, r->target_name))
			cfg_errors_add(
				c->errs,
				"%s:%d: [route %s] target: no [trunk %s]",
				c->file, r->line, r->name, r->target_name);
		if (r->target_kind == CFG_TARGET_GROUP &&
		    !group_exists(cfg, r->target_name))
			cfg_errors_add(
				c->errs,
				"%s:%d: [route %s] target: no span in group '%s'",
				c->file, r->line, r->name, r->target_name);
	}
	if (cfg->rtp_port_min >= cfg->rtp_port_max)
		cfg_errors_add(
			c->errs,
			"%s: [media] rtp_port_min %u must be below rtp_port_max %u",
			c->file, cfg->rtp_port_min, cfg->rtp_port_max);
	if (cfg->ptime_ms % 10)
		cfg_errors_add(
			c->errs,
			"%s: [media] ptime_ms: %u is not a multiple of 10",
			c->file, cfg->ptime_ms);
	if (cfg->jitter_min_ms > cfg->jitter_max_ms)
		cfg_errors_add(
			c->errs,
			"%s: [media] jitter_min_ms: %u is above jitter_max_ms %u",
			c->file, cfg->jitter_min_ms, cfg->jitter_max_ms);
	if (cfg->echo_tail_ms && cfg->echo_tail_ms < 8)
		cfg_errors_add(
			c->errs,
			"%s: [media] echo_tail_ms: %u is below 8 (0 turns it off)",
			c->file, cfg->echo_tail_ms);
	if (!cfg->rtp_ip[0])
		snprintf(cfg->rtp_ip, sizeof(cfg->rtp_ip), "%s", cfg->sip_host);
	if (!cfg->sip_domain[0])
		snprintf(cfg->sip_domain, sizeof(cfg->sip_domain),
			 strchr(cfg->sip_host, ':') ? "[%s]" : "%s",
			 cfg->sip_host);
	/* TLS trunks default to 5061 (the address check ran before the
	 * transport was known) */
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		struct cfg_trunk *t = &cfg->trunks[i];

		if (t->transport == CFG_TP_TLS && t->port == 5060 &&
		    !cfg_trunk_has_port(t->addr))
			t->port = 5061;
	}
	if (cfg->sip_host2[0] &&
	    !strchr(cfg->sip_host2, ':') == !strchr(cfg->sip_host, ':'))
		cfg_errors_add(
			c->errs,
			"%s: [sip] listen2: must be of the other IP family than listen",
			c->file);
	bool tls = cfg->tls_host[0];

	for (size_t i = 0; i < cfg->ntrunks; i++)
		tls |= cfg->trunks[i].transport == CFG_TP_TLS;
	if (tls && cfg->tls_verify && !cfg->tls_ca[0])
		cfg_errors_add(
			c->errs,
			"%s: [sip] tls_verify: peer needs tls_ca (or tls_verify = none)",
			c->file);
	if (cfg->tls_host[0] && cfg->tls_client_cert && !cfg->tls_ca[0])
		cfg_errors_add(
			c->errs,
			"%s: [sip] tls_client_cert: require needs tls_ca (the CA client certificates must chain to)",
			c->file);
	if ((cfg->tls_host[0] && !cfg->tls_cert[0]))
		cfg_errors_add(c->errs, "%s: [sip] tls_listen: needs tls_cert",
			       c->file);
}

int cfg_load_stream(struct gw_cfg *cfg, FILE *f, const char *name,
		    struct cfg_errors *errs)
{
	struct cfg_ctx c = { .cfg = cfg, .file = name, .f = f, .errs = errs };
	int rc;

	memset(cfg, 0, sizeof(*cfg));
	apply_defaults(&c, S_GENERAL, cfg);
	apply_defaults(&c, S_SIP, cfg);
	apply_defaults(&c, S_MEDIA, cfg);
	apply_defaults(&c, S_FAX, cfg);
	apply_defaults(&c, S_SECURITY, cfg);
	rc = ini_parse_stream(reader, &c, handler, &c);
	if (rc > 0)
		cfg_errors_add(
			errs,
			"%s:%d: syntax error (expected [section] or key = value)",
			name, rc);
	else if (rc < 0)
		cfg_errors_add(errs, "%s: cannot be read", name);
	validate(&c);
	return errs->count ? EINVAL : 0;
}

int cfg_load(struct gw_cfg *cfg, const char *path, struct cfg_errors *errs)
{
	FILE *f = fopen(path, "r");
	int rc;

	if (!f) {
		int err = errno;

		cfg_errors_add(errs, "%s: %s", path, strerror(err));
		return err;
	}
	rc = cfg_load_stream(cfg, f, path, errs);
	fclose(f);
	return rc;
}

static void write_help(FILE *out, const char *help)
{
	fprintf(out, "; ");
	for (const char *p = help; *p; p++) {
		fputc(*p, out);
		if (*p == '\n' && p[1] != ';')
			fprintf(out, "; ");
	}
	fputc('\n', out);
}

void cfg_write_sample(FILE *out)
{
	static const char *const example_name[S_COUNT] = {
		NULL, NULL, NULL, NULL, NULL, "1", "fax", "pstn-to-fax",
	};

	fprintf(out,
		"; pstngw.conf: every option with its default.\n"
		"; Generated by `pstngw --sample-config` from the option table.\n");
	for (int s = 0; s < S_COUNT; s++) {
		fprintf(out, "\n");
		write_help(out, cfg_sect_help[s]);
		if (example_name[s])
			fprintf(out, "[%s %s]\n", cfg_sect_names[s],
				example_name[s]);
		else
			fprintf(out, "[%s]\n", cfg_sect_names[s]);
		for (size_t i = 0; i < cfg_nopts; i++) {
			const struct opt *o = &cfg_opts[i];

			if (o->sect != (enum sect)s)
				continue;
			fprintf(out, "; %s", o->help);
			if (o->type == T_UINT)
				fprintf(out, " (%u..%u)", o->min, o->max);
			if (o->type == T_ENUM) {
				char list[256];

				choices_str(o->choices, list, sizeof(list));
				fprintf(out, " (%s)", list);
			}
			fprintf(out, "\n");
			if (o->def)
				fprintf(out, "%s%s = %s\n", *o->def ? "" : ";",
					o->key, o->def);
			else
				fprintf(out, ";%s =   (required)\n", o->key);
		}
	}
}

const char *cfg_span_type_name(int type)
{
	return type == CFG_SPAN_E1 ? "e1" : "t1";
}

const char *cfg_span_role_name(int role)
{
	return role == CFG_ROLE_NET ? "net" : "cpe";
}

unsigned cfg_warnings(const struct gw_cfg *cfg, const char *file, FILE *out)
{
	unsigned n = 0;

	/* SDES keys are in the SDP: over UDP or TCP anyone on the path
	 * reads them, and SRTP then protects nothing */
	for (size_t i = 0; i < cfg->ntrunks; i++) {
		const struct cfg_trunk *t = &cfg->trunks[i];

		if (t->srtp && t->transport != CFG_TP_TLS) {
			fprintf(out,
				"%s:%d: [trunk %s] srtp: warning: SRTP keys "
				"travel in the SDP in the clear over %s; use "
				"transport = tls\n",
				file, t->line, t->name,
				t->transport == CFG_TP_TCP ? "tcp" : "udp");
			n++;
		}
	}
	return n;
}
