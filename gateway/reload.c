/*
 * Reload: validate the file again, keep what needs a restart, swap the
 * rest in. See reload.h for what a call in progress keeps.
 */
#include "gateway/reload.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/capture.h"
#include "gateway/cdr.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/route.h"

static void res_printf(struct gw_reload_res *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void res_printf(struct gw_reload_res *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (r->len + (size_t)n + 1 > r->cap) {
		size_t cap = r->cap ? r->cap : 256;

		while (cap < r->len + (size_t)n + 1)
			cap *= 2;
		char *nt = realloc(r->text, cap);

		if (!nt)
			return; /* the report is shortened, nothing else */
		r->text = nt;
		r->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(r->text + r->len, r->cap - r->len, fmt, ap);
	va_end(ap);
	r->len += (size_t)n;
}

void gw_reload_res_release(struct gw_reload_res *r)
{
	free(r->text);
	*r = (struct gw_reload_res){ 0 };
}

/* Options read once at start (sockets, the stack's settings, threads,
 * the log target): a reload keeps their running value. */
#define F(sec, key, field)                                  \
	{                                                   \
		sec, key, offsetof(struct gw_cfg, field),   \
			sizeof(((struct gw_cfg *)0)->field) \
	}
static const struct restart_field {
	const char *section, *key;
	size_t off, size;
} restart_fields[] = {
	F("general", "log_target", log_target),
	F("general", "pid_file", pid_file),
	F("general", "control_socket", ctl_socket),
	F("sip", "listen", sip_listen),
	F("sip", "listen", sip_host),
	F("sip", "listen", sip_port),
	F("sip", "listen2", sip_listen2),
	F("sip", "listen2", sip_host2),
	F("sip", "listen2", sip_port2),
	F("sip", "tcp", sip_tcp),
	F("sip", "tcp_idle_s", tcp_idle_s),
	F("sip", "tcp_max_conns", tcp_max_conns),
	F("sip", "tcp_max_conns_per_ip", tcp_max_conns_per_ip),
	F("sip", "tls_listen", tls_listen),
	F("sip", "tls_listen", tls_host),
	F("sip", "tls_listen", tls_port),
	F("sip", "tls_cert", tls_cert),
	F("sip", "tls_key", tls_key),
	F("sip", "tls_ca", tls_ca),
	F("sip", "tls_verify", tls_verify),
	F("sip", "user_agent", user_agent),
	F("sip", "t1_ms", t1_ms),
	F("sip", "t2_ms", t2_ms),
	F("sip", "t4_ms", t4_ms),
	F("sip", "session_expires_s", session_expires_s),
	F("sip", "min_se_s", min_se_s),
	F("media", "workers", media_workers),
	F("media", "realtime_priority", realtime_priority),
	F("media", "lock_memory", lock_memory),
	F("media", "busy_wait_us", busy_wait_us),
	/* read once at start; a new path taken silently would be written
	 * without its blocks ever being read */
	F("security", "block_file", block_file),
};
#undef F
#define NRESTART (sizeof(restart_fields) / sizeof(restart_fields[0]))

/* Options that make the registrations and probes start again. */
static bool auth_differs(const struct gw_cfg *a, const struct gw_cfg *b)
{
	return strcmp(a->sip_domain, b->sip_domain) ||
	       strcmp(a->sip_realm, b->sip_realm) ||
	       strcmp(a->sip_auth_algs, b->sip_auth_algs);
}

/* Line numbers move when comments are edited: not a change. */
static bool span_differs(const struct cfg_span *a, const struct cfg_span *b)
{
	struct cfg_span x = *a, y = *b;

	x.line = y.line = 0;
	return memcmp(&x, &y, sizeof(x)) != 0;
}

static bool trunks_differ(const struct gw_cfg *a, const struct gw_cfg *b)
{
	if (a->ntrunks != b->ntrunks)
		return true;
	for (size_t i = 0; i < a->ntrunks; i++) {
		struct cfg_trunk x = a->trunks[i], y = b->trunks[i];

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)))
			return true;
	}
	return false;
}

static bool routes_differ(const struct gw_cfg *a, const struct gw_cfg *b)
{
	if (a->nroutes != b->nroutes)
		return true;
	for (size_t i = 0; i < a->nroutes; i++) {
		struct cfg_route x = a->routes[i], y = b->routes[i];

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)))
			return true;
	}
	return false;
}

/* [media] options other than workers (call_media.c reads them per call,
 * media_prof.c builds the profiles from them). */
static bool media_differs(const struct gw_cfg *a, const struct gw_cfg *b)
{
	size_t from = offsetof(struct gw_cfg, rtp_ip),
	       to = offsetof(struct gw_cfg, spans);
	struct gw_cfg *x = malloc(sizeof(*x)), *y = malloc(sizeof(*y));
	bool d = true;

	/* compare [media] as one block with the thread options blanked */
	if (x && y) {
		memcpy((char *)x + from, (const char *)a + from, to - from);
		memcpy((char *)y + from, (const char *)b + from, to - from);
		x->media_workers = y->media_workers = 0;
		x->realtime_priority = y->realtime_priority = 0;
		x->lock_memory = y->lock_memory = 0;
		x->busy_wait_us = y->busy_wait_us = 0;
		d = memcmp((char *)x + from, (char *)y + from, to - from) != 0;
	}
	free(x);
	free(y);
	return d;
}

unsigned gw_reload_diff(const struct gw_cfg *old, struct gw_cfg *nw,
			struct gw_reload_res *r)
{
	unsigned what = 0;
	const char *last = "";

	for (size_t i = 0; i < NRESTART; i++) {
		const struct restart_field *f = &restart_fields[i];
		const char *o = (const char *)old + f->off;
		char *n = (char *)nw + f->off;

		if (!memcmp(o, n, f->size))
			continue;
		memcpy(n, o, f->size);
		what |= GW_RELOAD_RESTART;
		if (strcmp(last, f->key)) /* one line per option */
			res_printf(r,
				   "needs restart: [%s] %s (kept as it runs)\n",
				   f->section, f->key);
		last = f->key;
	}
	/* spans and their drivers: added, removed or changed */
	for (size_t i = 0; i < old->nspans || i < nw->nspans; i++) {
		const struct cfg_span *o =
			i < old->nspans ? &old->spans[i] : NULL;
		const struct cfg_span *n =
			i < nw->nspans ? &nw->spans[i] : NULL;

		if (o && n && !span_differs(o, n))
			continue;
		what |= GW_RELOAD_RESTART;
		res_printf(r, "needs restart: [span %u] %s (kept as it runs)\n",
			   o ? o->id : n->id,
			   !n	? "removed"
			   : !o ? "added"
				: "changed");
	}
	/* the running spans stay, and gw_span.cfg points at them */
	memcpy(nw->spans, old->spans, sizeof(nw->spans));
	nw->nspans = old->nspans;

	if (trunks_differ(old, nw) || auth_differs(old, nw))
		what |= GW_RELOAD_TRUNKS;
	if (routes_differ(old, nw))
		what |= GW_RELOAD_ROUTES;
	if (media_differs(old, nw) || trunks_differ(old, nw))
		what |= GW_RELOAD_MEDIA;
	if (old->log_level != nw->log_level)
		what |= GW_RELOAD_LOG;
	if (strcmp(old->cdr_file, nw->cdr_file))
		what |= GW_RELOAD_CDR;
	/* anything else is read when a call needs it */
	if (memcmp(old, nw, sizeof(*nw)))
		what |= GW_RELOAD_OTHER;
	return what;
}

static void log_lines(int level, const char *prefix, const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		int len = nl ? (int)(nl - text) : (int)strlen(text);

		gw_log(GW_LOG_CFG, level, "%s%.*s", prefix, len, text);
		text += len + (nl ? 1 : 0);
	}
}

/* Registrations and OPTIONS probes hold trunk pointers into gw->cfg:
 * they are stopped before the swap and started from the new table. */
static void trunks_restart(struct gw *gw, bool before)
{
	if (before) {
		gw_keepalive_stop(gw);
		gw_sipauth_stop(gw);
		return;
	}
	if (gw_sipauth_start(gw))
		GW_ERR(CFG, "reload: registrations could not be started");
	if (gw_keepalive_start(gw))
		GW_ERR(CFG, "reload: trunk keep-alives could not be started");
}

int gw_reload(struct gw *gw, struct gw_reload_res *r)
{
	struct cfg_errors errs = { 0 };
	struct gw_cfg *nw = malloc(sizeof(*nw));
	struct gw_route_table *nt = NULL, *old_routes;
	unsigned what;
	int err;

	if (!nw) {
		res_printf(r, "not enough memory to read the configuration\n");
		return ENOMEM;
	}
	err = cfg_load(nw, gw->cfg_path, &errs);
	/* the route table (a route file or the [route] sections) is part
	 * of the configuration: refused together, swapped together */
	if (!err)
		err = gw_route_table_build(nw, gw->cfg_path, &nt, &errs);
	if (err) {
		gw->reloads_refused++;
		r->refused = true;
		res_printf(r, "%s", errs.text ? errs.text : "");
		res_printf(r,
			   "%s: reload refused (%u error%s); the running "
			   "configuration is unchanged\n",
			   gw->cfg_path, errs.count,
			   errs.count == 1 ? "" : "s");
		log_lines(LOG_ERR, "reload: ", r->text);
		cfg_errors_release(&errs);
		free(nw);
		return err;
	}
	cfg_errors_release(&errs);

	what = gw_reload_diff(&gw->cfg, nw, r);
	if (nw->route_file[0]) /* its content is new whatever its name */
		what |= GW_RELOAD_ROUTES;
	if ((what & GW_RELOAD_CDR) && gw_cdr_set_path(gw, nw->cdr_file)) {
		res_printf(r, "cdr_file %s cannot be opened: CDRs stay in %s\n",
			   nw->cdr_file, gw->cfg.cdr_file);
		memcpy(nw->cdr_file, gw->cfg.cdr_file, sizeof(nw->cdr_file));
		what &= ~(unsigned)GW_RELOAD_CDR;
	}
	/* metrics: the server moves, its counters stay; an address that
	 * cannot be had keeps the running one */
	if (strcmp(nw->metrics_listen, gw->cfg.metrics_listen)) {
		int e = gw_metrics_relisten(gw, nw->metrics_host,
					    nw->metrics_port);

		if (e) {
			res_printf(r,
				   "metrics_listen %s cannot be used (%s): "
				   "unchanged\n",
				   nw->metrics_listen, strerror(e));
			memcpy(nw->metrics_listen, gw->cfg.metrics_listen,
			       sizeof(nw->metrics_listen));
			memcpy(nw->metrics_host, gw->cfg.metrics_host,
			       sizeof(nw->metrics_host));
			nw->metrics_port = gw->cfg.metrics_port;
		} else {
			res_printf(r, "metrics now on %s\n",
				   nw->metrics_listen[0] ? nw->metrics_listen
							 : "(off)");
		}
	}
	/* captures: a file that cannot be opened keeps the running one */
	if (strcmp(nw->capture_sip, gw->cfg.capture_sip) &&
	    gw_capture_set_sip(gw, nw->capture_sip)) {
		res_printf(r, "capture_sip %s cannot be opened: unchanged\n",
			   nw->capture_sip);
		memcpy(nw->capture_sip, gw->cfg.capture_sip,
		       sizeof(nw->capture_sip));
	}
	if (strcmp(nw->capture_dchan, gw->cfg.capture_dchan) &&
	    gw_capture_set_dchan(gw, nw->capture_dchan)) {
		res_printf(r, "capture_dchan %s cannot be opened: unchanged\n",
			   nw->capture_dchan);
		memcpy(nw->capture_dchan, gw->cfg.capture_dchan,
		       sizeof(nw->capture_dchan));
	}
	/* TLS is set up at start only when something needs it */
	for (size_t i = 0; i < nw->ntrunks && !gw->siptcp.tls; i++)
		if (nw->trunks[i].transport == CFG_TP_TLS)
			res_printf(r,
				   "needs restart: [trunk %s] transport tls "
				   "(TLS was not set up at start; calls to it "
				   "fail until then)\n",
				   nw->trunks[i].name);
	if (what & GW_RELOAD_TRUNKS)
		trunks_restart(gw, true);
	/*
	 * The swap. Calls hold no pointer into gw->cfg (their media profile
	 * is a copy, the stack copied credentials), the spans are the same
	 * bytes at the same place, so this is safe between two events. A
	 * call holds a reference to the route table its rule came from: the
	 * old table lives until the last of them ends.
	 */
	gw->cfg = *nw;
	free(nw);
	old_routes = gw->routes;
	gw->routes = nt;
	gw_route_table_unref(old_routes);
	gw_mprof_rebuild(gw);
	gw_access_reload(gw); /* rate limits, cached policies */
	if (what & GW_RELOAD_TRUNKS)
		trunks_restart(gw, false);
	if ((what & GW_RELOAD_LOG) && !gw->log_level_fixed)
		gw_log_set_level_all(gw->cfg.log_level);
	if (gw->rtp_next_port < gw->cfg.rtp_port_min ||
	    gw->rtp_next_port > gw->cfg.rtp_port_max)
		gw->rtp_next_port = gw->cfg.rtp_port_min;
	gw->reloads++;
	gw_route_health(gw); /* busy-out follows new routes and drain_mode */
	if (gw_drain_active(gw)) /* a reload never undrains */
		res_printf(r, "still draining: new calls refused until "
			      "undrain\n");
	res_printf(r,
		   "reloaded %s: %s%s%s%s%s%s; calls in progress: %u "
		   "(they keep their settings)\n",
		   gw->cfg_path,
		   what & ~(unsigned)GW_RELOAD_RESTART ? "changed"
						       : "no change",
		   what & GW_RELOAD_TRUNKS ? " trunks" : "",
		   what & GW_RELOAD_ROUTES ? " routes" : "",
		   what & GW_RELOAD_MEDIA ? " media" : "",
		   what & GW_RELOAD_LOG ? " log_level" : "",
		   what & GW_RELOAD_CDR ? " cdr_file" : "", gw->ncalls);
	log_lines(LOG_NOTICE, "reload: ", r->text);
	return 0;
}
