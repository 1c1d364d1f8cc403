/*
 * Access control in the daemon (see access.h): the transports' admit
 * hook (rate limits, blocked sources dropped before parsing), the SIP
 * stack's screen hooks (requests from no trunk refused before they can
 * reach a B-channel; in-dialog requests from no source of the dialog's
 * peer refused before the dialog sees them), failed authentications,
 * block_file, and the control commands.
 * Every refusal logs one "SECURITY: ..." line with the source IP as a
 * bare token, for fail2ban (conf/fail2ban/filter.d/pstngw.conf).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/access.h"
#include "gateway/gw.h"
#include "gateway/log.h"

/* block_file is written at most this often (and at shutdown) */
#define GW_BLOCK_SAVE_MS 5000

/* Owned by the gateway (gw->access), from gw_access_start to _stop. */
struct gw_access_rt {
	struct gw_policy_cache pc; /* flushed at start and each reload */
	struct gw_timer *save_timer;
	uint64_t saved_changes; /* guard.changes when block_file was written */
	int save_err;		/* the last write's error, logged once */
};

static const char *src_ip(const struct sip_addr *src, char *buf, size_t n)
{
	return gw_access_ip_str((const struct sockaddr *)&src->ss, buf, n);
}

static uint64_t now_ms(const struct gw *gw)
{
	return gw_loop_now(gw->loop);
}

static void log_block(const struct gw *gw, const char *ip, const char *why)
{
	GW_WARN(SIP, "SECURITY: blocked %s for %u s: %s", ip,
		gw->cfg.guard.block_s, why);
}

/* The source's rate limits and exemption: cached per source until the
 * next reload (a datagram must not walk every trunk's acl). */
static const struct gw_access_policy *policy(struct gw *gw,
					     const struct sip_addr *src)
{
	return gw_policy_cache_get(&gw->access->pc, &gw->cfg, src);
}

/* A refusal or failed authentication counts towards a block. */
static void failure(struct gw *gw, const struct sip_addr *src)
{
	char ip[64];

	if (!gw->access || policy(gw, src)->exempt)
		return;
	if (gw_guard_failure(&gw->guard, (const struct sockaddr *)&src->ss,
			     now_ms(gw)))
		log_block(
			gw, src_ip(src, ip, sizeof(ip)),
			"too many refused requests or failed authentications");
}

bool gw_access_admit(void *arg, const struct sip_addr *src, bool conn)
{
	struct gw *gw = arg;
	char ip[64];

	if (!gw->access)
		return true;
	const struct gw_access_policy *p = policy(gw, src);

	if (p->exempt)
		return true;
	switch (gw_guard_packet_rate(&gw->guard,
				     (const struct sockaddr *)&src->ss,
				     now_ms(gw), p->rate, p->burst)) {
	case GW_GUARD_PASS:
		return true;
	case GW_GUARD_BLOCKED:
		/* not logged: a flood would flood the log too */
		gw->stats.refused_blocked++;
		return false;
	case GW_GUARD_RATE:
		gw->stats.refused_rate++;
		if (gw->cfg.guard.block_s)
			log_block(gw, src_ip(src, ip, sizeof(ip)),
				  conn ? "connection rate over rate_limit"
				       : "packet rate over rate_limit");
		return false;
	}
	return true;
}

unsigned gw_access_screen(struct gw *gw, const struct sip_addr *src,
			  const struct sip_msg *req)
{
	char ip[64];

	/* health checks may come from anywhere; they never reach the PSTN */
	if (req->method == SIP_METHOD_OPTIONS ||
	    gw_access_trunk_of(&gw->cfg, src))
		return 0;
	gw->stats.refused_acl++;
	GW_WARN(SIP, "SECURITY: refused %.*s from %s: no trunk ACL matches",
		(int)req->method_str.l, req->method_str.p,
		src_ip(src, ip, sizeof(ip)));
	failure(gw, src);
	return gw->cfg.unknown_sources == CFG_UNKNOWN_DROP ? 1 : 403;
}

unsigned gw_access_dialog(struct gw *gw, struct sip_call *call,
			  const struct sip_addr *src, const struct sip_msg *req)
{
	const struct sip_addr *peer = sip_call_peer(call);
	const struct cfg_trunk *t;
	char ip[64], pip[64];

	if (gw_access_dialog_ok(&gw->cfg, peer, src, &t))
		return 0;
	gw->stats.refused_dialog++;
	/* the peer named as the trunk, or as an address after the source:
	 * fail2ban's <HOST> is the first one, the source */
	GW_WARN(SIP,
		"SECURITY: refused %.*s from %s: not a source of its dialog's "
		"peer (%s%s, Call-ID %s)",
		(int)req->method_str.l, req->method_str.p,
		src_ip(src, ip, sizeof(ip)), t ? "trunk " : "",
		t ? t->name : (peer ? src_ip(peer, pip, sizeof(pip)) : "-"),
		sip_call_callid(call));
	failure(gw, src);
	return 403;
}

void gw_access_auth_failed(struct gw *gw, const struct sip_addr *src,
			   const struct sip_msg *req, const char *why)
{
	char ip[64];

	gw->stats.refused_auth++;
	GW_WARN(SIP, "SECURITY: auth failed from %s: %.*s, %s",
		src_ip(src, ip, sizeof(ip)), (int)req->method_str.l,
		req->method_str.p, why);
	failure(gw, src);
}

static int64_t wall_s(void)
{
	return (int64_t)time(NULL);
}

static void save_blocks(struct gw *gw, const char *why)
{
	struct gw_access_rt *a = gw->access;
	unsigned n = 0;
	int err = gw_access_file_save(&gw->guard, gw->cfg.block_file,
				      now_ms(gw), wall_s(), &n);

	if (err) {
		if (err != a->save_err) /* once per kind of failure */
			GW_ERR(SIP, "block_file %s: cannot write: %s",
			       gw->cfg.block_file, strerror(err));
		a->save_err = err;
		return;
	}
	if (a->save_err)
		GW_NOTICE(SIP, "block_file %s: written again",
			  gw->cfg.block_file);
	a->save_err = 0;
	a->saved_changes = gw->guard.changes;
	GW_DEBUG(SIP, "block_file %s: %u blocked source%s written (%s)",
		 gw->cfg.block_file, n, n == 1 ? "" : "s", why);
}

/* A rate-limited writer: a flood of new blocks costs one write per
 * period, not one per block. */
static void save_tick(void *arg)
{
	struct gw *gw = arg;
	struct gw_access_rt *a = gw->access;

	a->save_timer =
		gw_timer_start(gw->loop, GW_BLOCK_SAVE_MS, save_tick, gw);
	if (gw->cfg.block_file[0] && gw->guard.changes != a->saved_changes)
		save_blocks(gw, "changed");
}

static void load_blocks(struct gw *gw)
{
	struct gw_access_file_res r;
	const char *path = gw->cfg.block_file;
	int err =
		gw_access_file_load(&gw->guard, path, now_ms(gw), wall_s(), &r);

	if (err == ENOENT) {
		GW_INFO(SIP, "block_file %s: none yet", path);
		return;
	}
	if (err) { /* a warning, not a failed start */
		GW_WARN(SIP,
			"block_file %s: cannot read: %s; no block restored",
			path, strerror(err));
		return;
	}
	if (r.bad)
		GW_WARN(SIP,
			"block_file %s:%u: %u bad line%s skipped (expected "
			"\"IP UNTIL\"); the rest restored",
			path, r.first_bad, r.bad, r.bad == 1 ? "" : "s");
	GW_NOTICE(SIP,
		  "SECURITY: block_file %s: %u block%s restored, %u expired",
		  path, r.restored, r.restored == 1 ? "" : "s", r.expired);
	gw->access->saved_changes = gw->guard.changes;
}

int gw_access_start(struct gw *gw)
{
	int err = gw_guard_init(&gw->guard, &gw->cfg.guard);

	if (!err) {
		gw->access = calloc(1, sizeof(*gw->access));
		if (!gw->access)
			err = ENOMEM;
	}
	if (err) {
		GW_ERR(SIP, "access table: %s", strerror(err));
		gw_guard_release(&gw->guard);
		return err;
	}
	gw_policy_cache_flush(&gw->access->pc);
	if (gw->cfg.block_file[0])
		load_blocks(gw);
	gw->access->save_timer =
		gw_timer_start(gw->loop, GW_BLOCK_SAVE_MS, save_tick, gw);
	return 0;
}

void gw_access_reload(struct gw *gw)
{
	gw->guard.cfg = gw->cfg.guard;
	if (gw->access)
		gw_policy_cache_flush(&gw->access->pc);
}

void gw_access_stop(struct gw *gw)
{
	if (gw->access) {
		if (gw->cfg.block_file[0])
			save_blocks(gw, "shutdown");
		if (gw->access->save_timer)
			gw_timer_stop(gw->loop, gw->access->save_timer);
		free(gw->access);
		gw->access = NULL;
	}
	gw_guard_release(&gw->guard);
}

unsigned gw_access_nblocked(struct gw *gw)
{
	return gw->guard.tab ? gw_guard_nblocked(&gw->guard, now_ms(gw)) : 0;
}

int gw_access_ctl(struct gw *gw, const char *cmd, const char *arg, char *out,
		  size_t size)
{
	struct sockaddr_storage ss;

	if (!gw->guard.tab) {
		snprintf(out, size, "access table off\n");
		return EINVAL;
	}
	if (!strcmp(cmd, "show")) {
		unsigned n = gw_guard_list(&gw->guard, now_ms(gw), out, size);

		if (!n)
			snprintf(out, size, "no source blocked\n");
		return 0;
	}
	if (!arg || gw_access_ip_parse(&ss, arg)) {
		snprintf(out, size, "unblock: '%s' is not an IP address\n",
			 arg ? arg : "");
		return EINVAL;
	}
	if (gw_guard_unblock(&gw->guard, (const struct sockaddr *)&ss,
			     now_ms(gw))) {
		snprintf(out, size, "%s is not blocked\n", arg);
		return ENOENT;
	}
	GW_NOTICE(SIP, "SECURITY: unblocked %s by the operator", arg);
	snprintf(out, size, "unblocked %s\n", arg);
	return 0;
}
