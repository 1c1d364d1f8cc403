/*
 * transp.c: the transport layer's part of the stack (RFC 3261 18, RFC
 * 3581): stamping received/rport on incoming requests, where responses
 * go, the transport named in our Via, and moving a request too large for
 * UDP to TCP. The sockets themselves belong to the stack's user.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include "sip/sip_int.h"

const char *sip_transp_via_name(enum sip_transport tp)
{
	return sip_transport_name(tp);
}

static void addr_ip(const struct sip_addr *a, char *buf, size_t size)
{
	buf[0] = '\0';
	if (a->ss.ss_family == AF_INET)
		inet_ntop(AF_INET,
			  &((const struct sockaddr_in *)&a->ss)->sin_addr, buf,
			  (socklen_t)size);
	else if (a->ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6,
			  &((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
			  buf, (socklen_t)size);
}

static uint16_t addr_port(const struct sip_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->ss)->sin_port);
	if (a->ss.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	return 0;
}

static void addr_set_port(struct sip_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

void sip_transp_resp_dst(const struct sip_msg *req, const struct sip_addr *src,
			 struct sip_addr *dst)
{
	*dst = *src;
	if (src->tp != SIP_TP_UDP || req->via.rport)
		return;
	/* received is always the source address here: the port comes from
	 * sent-by (RFC 3261 18.2.2) */
	addr_set_port(dst, req->via.port ? req->via.port : 5060);
}

/* Is the Via host the same address as ip (IPv6 spelled differently)? */
static bool host_is_ip(const struct sip_pl *host, const char *ip, int af)
{
	char h[64];
	unsigned char a[16], b[16];
	if (sip_pl_copy(host, h, sizeof(h)))
		return false;
	if (inet_pton(af, h, a) != 1 || inet_pton(af, ip, b) != 1)
		return false;
	return !memcmp(a, b, af == AF_INET ? 4 : 16);
}

/* Where a valueless rport parameter ends inside the Via params, or NULL. */
static const char *rport_end(const struct sip_pl *params)
{
	const char *p = params->p, *e = p ? p + params->l : NULL;
	while (p < e) {
		const char *s = p;
		while (p < e && *p != ';' && *p != '=')
			p++;
		const char *ne = p;
		while (ne > s && (ne[-1] == ' ' || ne[-1] == '\t'))
			ne--;
		while (s < ne && (*s == ' ' || *s == '\t'))
			s++;
		if (ne - s == 5 && !strncasecmp(s, "rport", 5))
			return p < e && *p == '=' ? NULL : ne;
		while (p < e && *p != ';')
			p++;
		if (p < e)
			p++;
	}
	return NULL;
}

size_t sip_transp_stamp(const struct sip_msg *req, const struct sip_addr *src,
			char *out, size_t size)
{
	const struct sip_via *v = &req->via;
	char ip[INET6_ADDRSTRLEN], port[8];
	const char *rp = NULL;
	size_t n = 0;
	if (!req->req || !v->host.l)
		return 0;
	addr_ip(src, ip, sizeof(ip));
	if (!ip[0])
		return 0;
	bool need_received =
		!v->received.l && !host_is_ip(&v->host, ip, src->ss.ss_family);
	if (v->rport && v->params.l)
		rp = rport_end(&v->params);
	if (!need_received && !rp)
		return 0;
	const char *vend = v->params.l ? v->params.p + v->params.l
				       : v->sentby.p + v->sentby.l;
	const char *b = req->buf, *e = req->buf + req->len;
	if (vend < b || vend > e || (rp && (rp < b || rp > vend)))
		return 0;
	snprintf(port, sizeof(port), "%u", addr_port(src));
	size_t extra = (rp ? 1 + strlen(port) : 0) +
		       (need_received ? 10 + strlen(ip) : 0);
	if (!out)
		return req->len + extra;
	if (req->len + extra > size)
		return 0;
	/* copy with "=port" after rport and ";received=ip" at the end of
	 * the top Via value */
	const char *cut1 = rp ? rp : vend;
	memcpy(out, b, (size_t)(cut1 - b));
	n = (size_t)(cut1 - b);
	if (rp) {
		n += (size_t)snprintf(out + n, size - n, "=%s", port);
		memcpy(out + n, rp, (size_t)(vend - rp));
		n += (size_t)(vend - rp);
	}
	if (need_received)
		n += (size_t)snprintf(out + n, size - n, ";received=%s", ip);
	memcpy(out + n, vend, (size_t)(e - vend));
	n += (size_t)(e - vend);
	return n;
}

void sip_stack_set_port(struct sip_stack *st, enum sip_transport tp,
			uint16_t port)
{
	if (st && (unsigned)tp < SIP_TP__COUNT)
		st->tp_port[tp] = port;
}

int sip_stack_set_alt_addr(struct sip_stack *st, const char *ip, uint16_t port)
{
	struct sip_addr a;
	if (!st || !ip || strlen(ip) >= sizeof(st->alt_ip) ||
	    sip_addr_set(&a, ip, port))
		return EINVAL;
	snprintf(st->alt_ip, sizeof(st->alt_ip), "%s", ip);
	st->alt_port = port ? port : 5060;
	return 0;
}

/* Our address of dst's family: local_ip, or the alternate one. */
static bool use_alt(const struct sip_stack *st, const struct sip_addr *dst)
{
	bool v6 = strchr(st->local_ip, ':') != NULL;
	return st->alt_ip[0] && dst->tp != SIP_TP_TLS &&
	       (dst->ss.ss_family == AF_INET6) != v6;
}

/* "ip:port" or "[ip]:port" of ours for a message to dst (over tp). */
static void hostport(const struct sip_stack *st, enum sip_transport tp,
		     bool alt, char *buf, size_t n)
{
	const char *ip = alt ? st->alt_ip : st->local_ip;
	bool v6 = strchr(ip, ':') != NULL;
	unsigned port = alt				      ? st->alt_port
			: tp != SIP_TP_UDP && st->tp_port[tp] ? st->tp_port[tp]
							      : st->local_port;
	snprintf(buf, n, "%s%s%s:%u", v6 ? "[" : "", ip, v6 ? "]" : "", port);
}

/* Appends [p, p+n) to out if it fits; false otherwise. */
static bool put(char *out, size_t size, size_t *o, const char *p, size_t n)
{
	if (n > size - *o)
		return false;
	memcpy(out + *o, p, n);
	*o += n;
	return true;
}

/*
 * The message as it must leave over tp: our top Via ("SIP/2.0/UDP
 * ip:port" as the dialog layer writes it) names tp and the port
 * we listen on for it, and our Contact gets that port and
 * ;transport=tcp|tls (RFC 3261 18.1.1, 19.1.4), so that the peer's
 * requests come back over the same transport; towards an IPv6 peer of an
 * IPv4 stack (or the reverse) both name our alternate address. Returns the new length, 0
 * if it does not fit.
 */
static size_t rewrite(const struct sip_stack *st, const struct sip_addr *dst,
		      const char *buf, size_t len, char *out, size_t size)
{
	enum sip_transport tp = dst->tp;
	static const char *const tparam[SIP_TP__COUNT] = {
		[SIP_TP_UDP] = "",
		[SIP_TP_TCP] = ";transport=tcp",
		[SIP_TP_TLS] = ";transport=tls"
	};
	char hp[96], nhp[96], via[128], cont[128];
	bool req = !(len >= 8 && !memcmp(buf, "SIP/2.0 ", 8));
	const char *hend = memmem(buf, len, "\r\n\r\n", 4);
	const char *e = hend ? hend + 2 : buf + len, *v = NULL, *c = NULL;
	size_t vl = 0, cl = 0, o = 0;
	hostport(st, SIP_TP_UDP, false, hp, sizeof(hp));
	hostport(st, tp, use_alt(st, dst), nhp, sizeof(nhp));
	/* the dialog layer may already have named the transport */
	for (int i = 0; req && !v && i < SIP_TP__COUNT; i++) {
		snprintf(via, sizeof(via), "\r\nVia: SIP/2.0/%s %s",
			 sip_transp_via_name((enum sip_transport)i), hp);
		vl = strlen(via);
		v = memmem(buf, (size_t)(e - buf), via, vl);
	}
	snprintf(cont, sizeof(cont), "\r\nContact: <sip:%s>", hp);
	cl = strlen(cont);
	c = memmem(buf, (size_t)(e - buf), cont, cl);
	const char *p = buf;
	/* the two edits in buffer order */
	for (int i = 0; i < 2; i++) {
		const char *at = (v && (!c || v < c)) ? v : c;
		if (!at)
			break;
		char rep[160];
		size_t skip;
		if (at == v) {
			snprintf(rep, sizeof(rep), "\r\nVia: SIP/2.0/%s %s",
				 sip_transp_via_name(tp), nhp);
			skip = vl;
			v = NULL;
		} else {
			snprintf(rep, sizeof(rep), "\r\nContact: <sip:%s%s>",
				 nhp, tparam[tp]);
			skip = cl;
			c = NULL;
		}
		if (!put(out, size, &o, p, (size_t)(at - p)) ||
		    !put(out, size, &o, rep, strlen(rep)))
			return 0;
		p = at + skip;
	}
	if (!put(out, size, &o, p, (size_t)(buf + len - p)))
		return 0;
	return o;
}

static int send_as(struct sip_stack *st, const struct sip_addr *dst,
		   const char *buf, size_t len)
{
	size_t size = len + 128;
	char *copy = sip_zalloc(st, size);
	if (!copy)
		return ENOMEM;
	size_t n = rewrite(st, dst, buf, len, copy, size);
	int err = n ? st->h.send(st->h.arg, dst, copy, n) : ENOSPC;
	sip_free(st, copy);
	return err;
}

int sip_transp_send(struct sip_stack *st, const struct sip_addr *dst,
		    const char *buf, size_t len)
{
	bool req = !(len >= 8 && !memcmp(buf, "SIP/2.0 ", 8));
	bool big = req && dst->tp == SIP_TP_UDP && len > SIP_UDP_MAX_REQ;
	/* built for UDP and our first address: nothing to change */
	if (dst->tp == SIP_TP_UDP && !big && !use_alt(st, dst))
		return st->h.send(st->h.arg, dst, buf, len);
	if (big) {
		/* RFC 3261 18.1.1: too large for UDP; back to UDP if no TCP
		 * connection can be had */
		struct sip_addr tcp = *dst;
		tcp.tp = SIP_TP_TCP;
		int err = send_as(st, &tcp, buf, len);
		if (!err) {
			st->stats.tx_tcp_upgrades++;
			return 0;
		}
		sip_log(st, LOG_INFO,
			"request of %zu bytes: TCP failed (%d), sending over UDP",
			len, err);
		return st->h.send(st->h.arg, dst, buf, len);
	}
	return send_as(st, dst, buf, len);
}

static bool same_addr(const struct sip_addr *a, const struct sip_addr *b)
{
	char x[64], y[64];
	return a->tp == b->tp && a->ss.ss_family == b->ss.ss_family &&
	       !strcmp(sip_addr_str(a, x, sizeof(x)),
		       sip_addr_str(b, y, sizeof(y)));
}

/*
 * RFC 3261 17.1.4 / 8.1.3.1: a transport failure ends the client
 * transactions waiting on dst at once (the TU sees a 503-like failure),
 * rather than after Timer B or F. Completed and accepted transactions are
 * left alone: their answer already came.
 */
unsigned sip_stack_transport_error(struct sip_stack *st,
				   const struct sip_addr *dst, int err)
{
	unsigned n = 0;
	char a[64];
	if (!st || !dst)
		return 0;
	/* a handler may free other transactions: start over after each */
	for (bool again = true; again;) {
		again = false;
		for (struct sip_trans *t = st->trans; t; t = t->next) {
			if (t->server || !same_addr(&t->peer, dst) ||
			    (t->state != SIP_TS_CALLING &&
			     t->state != SIP_TS_TRYING &&
			     t->state != SIP_TS_PROCEEDING))
				continue;
			sip_log(st, LOG_INFO,
				"trans %s %s: transport error to %s: %d",
				t->key, sip_method_name(t->method),
				sip_addr_str(dst, a, sizeof(a)), err);
			sip_ctrans_h *h = t->ch;
			void *arg = t->arg;
			sip_trans_free(t);
			n++;
			if (h)
				h(err ? err : EIO, NULL, arg);
			again = true;
			break;
		}
	}
	return n;
}
