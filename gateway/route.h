#pragma once
/*
 * Routing: an ordered table of rules, read from the route file
 * ([general] route_file, see conf/routes.conf) or built from the
 * [route NAME] sections of pstngw.conf when there is no route file.
 *
 * The first rule, in file order, whose source, called number, calling
 * number and time window all match, wins. It rewrites the numbers and
 * names an ordered list of targets (SIP trunks or span groups): the
 * first is tried first, the others on the failure causes the rule lists.
 *
 * A table is immutable once loaded and reference counted: a call keeps a
 * reference to the table its rule came from, so a reload can swap in a
 * new one (gw_route_table_build) while calls still use the old.
 */
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "gateway/cfg.h"

#define GW_ROUTE_MAX_TARGETS 8
#define GW_ROUTE_MAX_FAILOVER 16
#define GW_ROUTE_NUM_LEN 64

/* Where a call comes from, as a rule matches it. */
enum gw_route_src {
	GW_SRC_ANY,   /* from = any */
	GW_SRC_PSTN,  /* any span */
	GW_SRC_SIP,   /* any SIP peer */
	GW_SRC_GROUP, /* spans of one group */
	GW_SRC_TRUNK, /* one SIP trunk (by address) */
};

struct gw_route_target {
	int kind; /* CFG_TARGET_TRUNK or CFG_TARGET_GROUP */
	char name[CFG_NAME_LEN];
};

/* A number condition: a prefix ("" matches all) or a regular
 * expression (POSIX extended, written ~REGEX in the file). */
struct gw_route_num {
	bool set, is_re;
	char text[GW_ROUTE_NUM_LEN];
	regex_t re; /* when is_re */
};

struct gw_route_rule {
	char name[CFG_NAME_LEN];
	int line;
	int src; /* enum gw_route_src */
	char src_name[CFG_NAME_LEN];
	struct gw_route_num called, calling;
	/* rewrites: templates with \0..\9 from the number's own match;
	 * empty: unchanged. strip/add apply to the called number first. */
	unsigned strip;
	char add[32];
	char called_out[GW_ROUTE_NUM_LEN], calling_out[GW_ROUTE_NUM_LEN];
	/* time window: minutes of the day [from, to), wrapping past
	 * midnight when to < from; days: bit 0 Sunday .. bit 6 Saturday */
	bool has_time;
	unsigned t_from, t_to;
	unsigned days; /* 0: every day */
	struct gw_route_target targets[GW_ROUTE_MAX_TARGETS];
	size_t ntargets;
	/* failover: SIP status codes (300..699) and Q.850 causes (1..127) */
	unsigned failover[GW_ROUTE_MAX_FAILOVER];
	size_t nfailover;
	bool fax;	  /* the call is a fax: T.38 in the initial INVITE */
	int refuse_cause; /* while every trunk target is down */
	bool busy_out;	  /* ... and the source group's B-channels too */
};

struct gw_route_limit {
	int kind; /* CFG_TARGET_TRUNK or CFG_TARGET_GROUP */
	char name[CFG_NAME_LEN];
	unsigned max;
};

struct gw_route_table {
	unsigned refs;
	char file[CFG_PATH_LEN * 2]; /* "" when built from [route] sections */
	struct gw_route_rule *rules;
	size_t nrules;
	struct gw_route_limit *limits;
	size_t nlimits;
};

/* What is being routed. */
struct gw_route_query {
	int side;	   /* CFG_FROM_PSTN or CFG_FROM_SIP */
	const char *group; /* the span's group (PSTN), or NULL */
	const char *trunk; /* the trunk it came from (SIP), or NULL */
	const char *called, *calling;
	/* local time (injected: the caller reads the clock) */
	int wday;	 /* 0 Sunday .. 6 Saturday */
	unsigned minute; /* of the day, 0..1439 */
};

struct gw_route_result {
	const struct gw_route_rule *rule;
	char called[GW_ROUTE_NUM_LEN]; /* rewritten */
	char calling[GW_ROUTE_NUM_LEN];
};

/*
 * The table the configuration asks for: the route file named by
 * cfg->route_file, else the [route] sections. A route file and [route]
 * sections together are refused; a relative route file is found beside
 * cfg_path (pstngw.conf). 0 with *out (refs 1); else EINVAL with
 * every problem in errs as "file:line: why" (or an errno), *out untouched.
 * This is what a reload calls to get the new table.
 */
int gw_route_table_build(const struct gw_cfg *cfg, const char *cfg_path,
			 struct gw_route_table **out, struct cfg_errors *errs);
/* The route file alone; targets are checked against cfg's trunks and
 * groups. name is used in error lines. */
int gw_route_table_load(const struct gw_cfg *cfg, const char *path,
			struct gw_route_table **out, struct cfg_errors *errs);
int gw_route_table_load_stream(const struct gw_cfg *cfg, FILE *f,
			       const char *name, struct gw_route_table **out,
			       struct cfg_errors *errs);
struct gw_route_table *gw_route_table_ref(struct gw_route_table *t);
void gw_route_table_unref(struct gw_route_table *t);

/* The first matching rule into *res: 0, or ENOENT (res untouched). A rule
 * whose rewrite does not fit is skipped. */
int gw_route_match(const struct gw_route_table *t,
		   const struct gw_route_query *q, struct gw_route_result *res);
/* Expands tmpl with \0..\9 from m (for src); 0 or ENOSPC. */
int gw_route_expand(const char *tmpl, const char *src, const regmatch_t *m,
		    size_t nm, char *out, size_t size);
/* Whether a failed attempt (SIP status, Q.850 cause; 0: unknown) is
 * one the rule fails over on. Either number matches, and each is also
 * mapped to the other side (RFC 3398), so "503" and "34" both catch a
 * SIP 503 and a cause 34. */
bool gw_route_fails_over(const struct gw_route_rule *r, unsigned code,
			 int cause);
/* The limit on a target's concurrent calls; 0: none. */
unsigned gw_route_limit(const struct gw_route_table *t, int kind,
			const char *name);
/* The minute of the day and weekday of a Unix time, in local time. */
void gw_route_when(long long unix_s, struct gw_route_query *q);
const char *gw_route_src_name(int src);
const char *gw_route_kind_name(int kind);
