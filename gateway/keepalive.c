/*
 * keepalive.c: OPTIONS to every trunk with keepalive_s set (RFC 3261
 * 11.1), so an operator sees in the log when a trunk stops answering, and
 * NAT bindings and TCP connections towards it stay open.
 *
 * Any final response means the peer is alive: a 404, 405 or 401 comes
 * from a running SIP server. No answer at all (Timer F), a transport
 * error, 408 or 503 count as unreachable. Only changes are logged; the
 * counters keep the rest.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gateway/gw.h"
#include "gateway/log.h"

struct gw_keepalive {
	struct gw *gw;
	const struct cfg_trunk *trunk;
	struct gw_timer *timer;
	struct sip_req *req; /* in flight, NULL when none */
	enum gw_trunk_state state;
	uint64_t sent, answered, failed;
};

static void ka_send(void *arg);

static void ka_arm(struct gw_keepalive *ka)
{
	ka->timer = gw_timer_start(ka->gw->loop,
				   (uint64_t)ka->trunk->keepalive_s * 1000,
				   ka_send, ka);
}

static void ka_set(struct gw_keepalive *ka, enum gw_trunk_state st,
		   const char *why)
{
	if (st == ka->state)
		return;
	if (st == GW_TRUNK_UP)
		GW_NOTICE(SIP, "trunk %s: reachable (%s)", ka->trunk->name,
			  why);
	else
		GW_WARN(SIP, "trunk %s: unreachable (%s)", ka->trunk->name,
			why);
	ka->state = st;
	gw_route_health(ka->gw); /* busy_out follows the trunks */
}

static void ka_response(void *arg, struct sip_req *req, int err,
			const struct sip_msg *resp)
{
	struct gw_keepalive *ka = arg;
	char why[48];

	ka->req = NULL;
	if (err || !resp) {
		ka->failed++;
		snprintf(why, sizeof(why), "OPTIONS %s",
			 err == ETIMEDOUT ? "timed out" : strerror(err));
		ka_set(ka, GW_TRUNK_DOWN, why);
	} else if (resp->code == 408 || resp->code == 503) {
		ka->failed++;
		snprintf(why, sizeof(why), "OPTIONS answered %u", resp->code);
		ka_set(ka, GW_TRUNK_DOWN, why);
	} else {
		ka->answered++;
		snprintf(why, sizeof(why), "OPTIONS answered %u", resp->code);
		ka_set(ka, GW_TRUNK_UP, why);
	}
	if (!ka->gw->stopping)
		ka_arm(ka);
}

static void ka_send(void *arg)
{
	struct gw_keepalive *ka = arg;
	const struct cfg_trunk *t = ka->trunk;
	static const char *const tparam[] = { "", ";transport=tcp",
					      ";transport=tls" };
	bool v6 = strchr(t->host, ':') != NULL;
	char ruri[CFG_HOST_LEN + 40];
	struct sip_req_params p = { .method = SIP_METHOD_OPTIONS,
				    .ruri = ruri };
	int err;

	ka->timer = NULL;
	snprintf(ruri, sizeof(ruri), "sip:%s%s%s:%u%s", v6 ? "[" : "", t->host,
		 v6 ? "]" : "", t->port, tparam[t->transport % 3]);
	err = sip_addr_set(&p.dst, t->host, (uint16_t)t->port);
	p.dst.tp = (enum sip_transport)t->transport;
	if (!err)
		err = sip_req_send(ka->gw->sip, &p, ka_response, ka, &ka->req);
	if (err) {
		/* no transaction, no handler: count and try again later */
		ka->req = NULL;
		ka->failed++;
		ka_set(ka, GW_TRUNK_DOWN, strerror(err));
		ka_arm(ka);
		return;
	}
	ka->sent++;
}

int gw_keepalive_start(struct gw *gw)
{
	for (size_t i = 0; i < gw->cfg.ntrunks; i++) {
		const struct cfg_trunk *t = &gw->cfg.trunks[i];
		struct gw_keepalive *ka;

		if (!t->keepalive_s)
			continue;
		ka = calloc(1, sizeof(*ka));
		if (!ka)
			return ENOMEM;
		ka->gw = gw;
		ka->trunk = t;
		ka->state = GW_TRUNK_UNKNOWN;
		gw->kas[i] = ka;
		/* the first probe at once: the state is known from the start */
		ka->timer = gw_timer_start(gw->loop, 0, ka_send, ka);
	}
	return 0;
}

void gw_keepalive_stop(struct gw *gw)
{
	for (size_t i = 0; i < CFG_MAX_TRUNKS; i++) {
		struct gw_keepalive *ka = gw->kas[i];

		if (!ka)
			continue;
		if (ka->timer)
			gw_timer_stop(gw->loop, ka->timer);
		if (ka->req)
			sip_req_abandon(ka->req);
		free(ka);
		gw->kas[i] = NULL;
	}
}

enum gw_trunk_state gw_trunk_state(const struct gw *gw, size_t idx,
				   struct gw_trunk_counts *n)
{
	const struct gw_keepalive *ka =
		idx < CFG_MAX_TRUNKS ? gw->kas[idx] : NULL;

	if (n) {
		memset(n, 0, sizeof(*n));
		if (ka) {
			n->sent = ka->sent;
			n->answered = ka->answered;
			n->failed = ka->failed;
		}
	}
	return ka ? ka->state : GW_TRUNK_UNKNOWN;
}

const char *gw_trunk_state_name(enum gw_trunk_state s)
{
	static const char *const names[] = { "unknown", "up", "down" };

	return (unsigned)s < 3 ? names[s] : "?";
}
