#pragma once
/*
 * Reload (SIGHUP, `pstngw-ctl reload`): the configuration file is read
 * again and validated whole before anything changes. A file with errors
 * is refused and the running configuration stays. A valid one is
 * applied without touching calls in progress: each call holds a copy of
 * what it needs (its media profile; the SIP stack copied its trunk's
 * credentials), so only new calls see the new trunks, routes, codecs
 * and media options. What only a restart can change (listen addresses,
 * spans and their drivers, ...) keeps its running value and is reported
 * as "needs restart: ...".
 */
#include <stdbool.h>
#include <stddef.h>

#include "gateway/cfg.h"

struct gw;

/* The outcome, as lines for the log and the control tool. */
struct gw_reload_res {
	char *text; /* NUL-terminated lines; NULL when empty */
	size_t len, cap;
	bool refused; /* the file had errors: nothing changed */
};

void gw_reload_res_release(struct gw_reload_res *r);

/* What differs between two configurations, by what it takes to apply. */
enum {
	GW_RELOAD_TRUNKS = 1 << 0,  /* trunks or inbound auth: re-register */
	GW_RELOAD_MEDIA = 1 << 1,   /* codecs, media profiles */
	GW_RELOAD_ROUTES = 1 << 2,  /* the route table */
	GW_RELOAD_LOG = 1 << 3,	    /* log level */
	GW_RELOAD_CDR = 1 << 4,	    /* CDR file */
	GW_RELOAD_OTHER = 1 << 5,   /* read per call: nothing to do */
	GW_RELOAD_RESTART = 1 << 6, /* some option needs a restart */
};

/*
 * Compares the running configuration old with the new one nw, puts
 * old's value back into nw for every option that needs a restart (and
 * names each in r as "needs restart: [section] key ..."), and returns
 * the GW_RELOAD_* bits of what differs. Pure: the unit tests drive it.
 */
unsigned gw_reload_diff(const struct gw_cfg *old, struct gw_cfg *nw,
			struct gw_reload_res *r);

/*
 * Reads gw->cfg_path again and applies it. 0 when applied (r says what
 * changed and what needs a restart); EINVAL when refused (r holds the
 * file:line errors); another errno when the file cannot be read or
 * memory is short. Everything is also logged.
 */
int gw_reload(struct gw *gw, struct gw_reload_res *r);
