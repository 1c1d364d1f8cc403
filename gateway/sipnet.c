/*
 * The daemon's SIP transports from its configuration: UDP (gw.c binds
 * it), TCP on the same address, TLS on tls_listen, and the send hook that
 * picks the socket for each message by its transport.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "gateway/capture.h"
#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/net.h"

int gw_sipnet_send(struct gw *gw, const struct sip_addr *dst, const void *buf,
		   size_t len)
{
	if (dst->tp == SIP_TP_UDP) {
		/* the socket of the destination's address family */
		bool v6 = dst->ss.ss_family == AF_INET6;

		if (gw->sipudp2.sip &&
		    v6 != (strchr(gw->cfg.sip_host, ':') != NULL))
			return gw_sipudp_send(&gw->sipudp2, dst, buf, len);
		return gw_sipudp_send(&gw->sipudp, dst, buf, len);
	}
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

static int tcp_listen(struct gw *gw, const char *ip, unsigned port)
{
	int err = gw_siptcp_listen(&gw->siptcp, SIP_TP_TCP, ip, port);

	if (err)
		GW_ERR(SIP, "cannot listen on %s:%u/tcp: %s", ip, port,
		       strerror(err));
	else
		GW_NOTICE(SIP, "listening on %s:%u/tcp", ip, port);
	return err;
}

void gw_sipnet_udp_tune(struct gw *gw, int fd)
{
	unsigned want = gw->cfg.udp_rcvbuf_kb * 1024u, got = 0;

	/* arrival stamps and drops: how late requests are handled
	 * (overload.c) */
	if (gw_sipudp_stamp(fd))
		GW_WARN(SIP, "no arrival stamps on a SIP socket: %s",
			strerror(errno));
	if (gw_sipudp_rcvbuf(fd, want, &got) || got < want)
		GW_WARN(SIP,
			"SIP UDP receive buffer %u kB, not the %u kB of "
			"udp_rcvbuf_kb (raise net.core.rmem_max, or run with "
			"CAP_NET_ADMIN)",
			got / 1024, gw->cfg.udp_rcvbuf_kb);
}

/* UDP on the second address; the stack names it to peers of its family. */
static int listen2(struct gw *gw)
{
	const struct gw_cfg *cfg = &gw->cfg;
	int fd, err = gw_udp_bind(cfg->sip_host2, cfg->sip_port2, &fd);

	if (!err) {
		err = gw_loop_fd_add(gw->loop, fd, EPOLLIN, gw_sipudp_readable,
				     &gw->sipudp2);
		if (err)
			close(fd);
	}
	if (err) {
		GW_ERR(SIP, "cannot listen on %s:%u/udp: %s", cfg->sip_host2,
		       cfg->sip_port2, strerror(err));
		return err;
	}
	gw->sipudp2.fd = fd;
	gw_sipnet_udp_tune(gw, fd);
	gw->sipudp2.sip = gw->sip;
	gw->sipudp2.tap = gw_capture_sip_tap;
	gw->sipudp2.tap_arg = gw;
	gw->sipudp2.admit = gw_access_admit;
	gw->sipudp2.admit_arg = gw;
	sip_stack_set_alt_addr(gw->sip, cfg->sip_host2,
			       (uint16_t)cfg->sip_port2);
	GW_NOTICE(SIP, "listening on %s:%u/udp", cfg->sip_host2,
		  cfg->sip_port2);
	return 0;
}

/* encryption (issue 8): a TLS trunk's tls_name for a connection to dst
 * (its address and port), else NULL. */
static const char *trunk_tls_name(void *arg, const struct sip_addr *dst)
{
	const struct gw *gw = arg;
	char ip[INET6_ADDRSTRLEN] = "";
	unsigned port;

	if (dst->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)&dst->ss;

		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
	} else {
		const struct sockaddr_in *s4 = (const void *)&dst->ss;

		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
	}
	for (size_t i = 0; i < gw->cfg.ntrunks; i++) {
		const struct cfg_trunk *t = &gw->cfg.trunks[i];

		if (t->transport == CFG_TP_TLS && t->tls_name[0] &&
		    t->port == port && !strcmp(t->host, ip))
			return t->tls_name;
	}
	return NULL;
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
	gw->siptcp.tap = gw_capture_sip_tap;
	gw->siptcp.tap_arg = gw;
	gw->siptcp.admit = gw_access_admit;
	gw->siptcp.admit_arg = gw;
	gw->siptcp.tls_name = trunk_tls_name;
	gw->siptcp.tls_name_arg = gw;
	if (!err && cfg->sip_host2[0])
		err = listen2(gw);
	if (!err && cfg->sip_tcp)
		err = tcp_listen(gw, cfg->sip_host, cfg->sip_port);
	if (!err && cfg->sip_tcp && cfg->sip_host2[0])
		err = tcp_listen(gw, cfg->sip_host2, cfg->sip_port2);
	if (!err && tls_needed(cfg)) {
		struct gw_tls_cfg tls = {
			.cert = cfg->tls_cert,
			.key = cfg->tls_key,
			.ca = cfg->tls_ca,
			.verify = cfg->tls_verify == 1,
			.require_client_cert = cfg->tls_client_cert == 1,
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
	if (gw->sipudp2.sip) {
		gw_loop_fd_del(gw->loop, gw->sipudp2.fd);
		close(gw->sipudp2.fd);
		gw->sipudp2.sip = NULL;
		gw->sipudp2.fd = -1;
	}
}
