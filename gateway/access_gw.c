/*
 * Access control in the daemon (see access.h): the transports' admit
 * hook (rate limits, blocked sources dropped before parsing), the SIP
 * stack's screen hook (requests from no trunk refused before they can
 * reach a B-channel), failed authentications, and the control commands.
 * Every refusal logs one "SECURITY: ..." line with the source IP as a
 * bare token, for fail2ban (conf/fail2ban/filter.d/pstngw.conf).
 */
#include <errno.h>
#include <string.h>

#include "gateway/access.h"
#include "gateway/gw.h"
#include "gateway/log.h"

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

/* A refusal or failed authentication counts towards a block. */
static void failure(struct gw *gw, const struct sip_addr *src)
{
	char ip[64];

	gw->guard.cfg = gw->cfg.guard; /* reload may have changed it */
	if (gw_access_exempt(&gw->cfg, src))
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

	gw->guard.cfg = gw->cfg.guard;
	if (gw_access_exempt(&gw->cfg, src))
		return true;
	switch (gw_guard_packet(&gw->guard, (const struct sockaddr *)&src->ss,
				now_ms(gw))) {
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

int gw_access_start(struct gw *gw)
{
	int err = gw_guard_init(&gw->guard, &gw->cfg.guard);

	if (err)
		GW_ERR(SIP, "access table: %s", strerror(err));
	return err;
}

void gw_access_stop(struct gw *gw)
{
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
