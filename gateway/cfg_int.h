#pragma once
/*
 * gateway/ private: the configuration's option table (cfg_opts.c) and the
 * reader that applies it (cfg.c).
 */
#include <stdbool.h>
#include <stdio.h>

#include "gateway/cfg.h"

enum sect {
	S_GENERAL,
	S_SIP,
	S_MEDIA,
	S_FAX,
	S_SECURITY, /* the last section without a name (cfg.c) */
	S_SPAN,
	S_TRUNK,
	S_ROUTE,
	S_COUNT
};

extern const char *const cfg_sect_names[S_COUNT];
extern const char *const cfg_sect_help[S_COUNT];

enum opt_type { T_STR, T_UINT, T_ENUM };

struct cfg_ctx;
typedef int(check_fn)(struct cfg_ctx *c, void *obj, const char *val, char *why,
		      size_t n);

struct opt {
	enum sect sect;
	const char *key;
	enum opt_type type;
	const char *def; /* NULL: required */
	unsigned min, max;
	const char *const *choices;
	int base; /* T_ENUM stores base + index */
	size_t off, size;
	check_fn *check;
	const char *help;
};

struct cfg_ctx {
	struct gw_cfg *cfg;
	const char *file;
	int line;
	FILE *f;
	struct cfg_errors *errs;
	enum sect sect;
	void *obj; /* the struct the current section fills */
	bool bad_section;
};

/* Checks and names the reader shares with the table. */
check_fn cfg_check_name;
bool cfg_trunk_has_port(const char *addr);
extern const char *const cfg_hunt_names[];

/* The one option table, in sample-file order. */
extern const struct opt cfg_opts[];
extern const size_t cfg_nopts;
