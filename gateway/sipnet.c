/*
 * The daemon's SIP transports from its configuration: UDP (gw.c binds
 * it), TCP on the same address, TLS on tls_listen, and the send hook that
 * picks the socket for each message by its transport.
 */
#include <errno.h>
#include <string.h>

#include "gateway/gw.h"
#include "gateway/log.h"

int gw_sipnet_send(struct gw *gw, const struct sip_addr *dst, const void *buf,
		   size_t len)
{
	if (dst->tp == SIP_TP_UDP)
		return gw_sipudp_send(&gw->sipudp, dst, buf, len);
	if (dst->tp == SIP_TP_TCP && !gw->cfg.sip_tcp)
		return EPROTONOSUPPORT;
	return gw_siptcp_send(&gw->siptcp, dst, buf, len);
}

static bool tls_needed(const struct gw_cfg *cfg)
{
	if (cfg->tls_host[0])
		return true;
	for (size_t i = 0; i < cfg->ntrunks; i++)
		if (cfg->trunks[i].transport == CFG_TP_TLS)
			return true;
	return false;
}

int gw_sipnet_start(struct gw *gw)
{
	const struct gw_cfg *cfg = &gw->cfg;
	struct gw_siptcp_cfg tc = {
		.max_conns = cfg->tcp_max_conns,
		.max_per_ip = cfg->tcp_max_conns_per_ip,
		.idle_s = cfg->tcp_idle_s,
	};
	int err = gw_siptcp_init(&gw->siptcp, gw->loop, &tc);

	gw->siptcp.sip = gw->sip;
	if (!err && cfg->sip_tcp) {
		err = gw_siptcp_listen(&gw->siptcp, SIP_TP_TCP, cfg->sip_host,
				       cfg->sip_port);
		if (err)
			GW_ERR(SIP, "cannot listen on %s:%u/tcp: %s",
			       cfg->sip_host, cfg->sip_port, strerror(err));
		else
			GW_NOTICE(SIP, "listening on %s:%u/tcp", cfg->sip_host,
				  cfg->sip_port);
	}
	if (!err && tls_needed(cfg)) {
		struct gw_tls_cfg tls = {
			.cert = cfg->tls_cert,
			.key = cfg->tls_key,
			.ca = cfg->tls_ca,
			.verify = cfg->tls_verify == 1,
		};
		char why[256] = "";

		err = gw_siptcp_tls(&gw->siptcp, &tls, why, sizeof(why));
		if (err)
			GW_ERR(SIP, "TLS: %s", why);
	}
	if (!err && cfg->tls_host[0]) {
		err = gw_siptcp_listen(&gw->siptcp, SIP_TP_TLS, cfg->tls_host,
				       cfg->tls_port);
		if (err)
			GW_ERR(SIP, "cannot listen on %s:%u/tls: %s",
			       cfg->tls_host, cfg->tls_port, strerror(err));
		else
			GW_NOTICE(SIP, "listening on %s:%u/tls", cfg->tls_host,
				  cfg->tls_port);
		/* Via and Contact of what leaves over TLS name this port */
		sip_stack_set_port(gw->sip, SIP_TP_TLS,
				   (uint16_t)cfg->tls_port);
	}
	return err;
}

void gw_sipnet_stop(struct gw *gw)
{
	gw_siptcp_release(&gw->siptcp);
}
