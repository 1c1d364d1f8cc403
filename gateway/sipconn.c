/* The SIP stream connection table: limits, lookup, idle expiry, queues. */
#include "gateway/sipconn.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

void gw_sipconns_init(struct gw_sipconns *t, unsigned max_conns,
		      unsigned max_per_ip, uint64_t idle_ms, size_t max_msg,
		      size_t max_out)
{
	memset(t, 0, sizeof(*t));
	t->max_conns = max_conns;
	t->max_per_ip = max_per_ip;
	t->idle_ms = idle_ms;
	t->max_msg = max_msg;
	t->max_out = max_out;
	t->next_id = 1;
}

static bool ip_eq(const struct sip_addr *a, const struct sip_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)&b->ss)->sin_addr.s_addr;
	if (a->ss.ss_family == AF_INET6)
		return !memcmp(
			&((const struct sockaddr_in6 *)&a->ss)->sin6_addr,
			&((const struct sockaddr_in6 *)&b->ss)->sin6_addr, 16);
	return false;
}

static uint16_t port_of(const struct sip_addr *a)
{
	if (a->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&a->ss)->sin_port;
	if (a->ss.ss_family == AF_INET6)
		return ((const struct sockaddr_in6 *)&a->ss)->sin6_port;
	return 0;
}

bool gw_sipaddr_eq(const struct sip_addr *a, const struct sip_addr *b)
{
	return ip_eq(a, b) && port_of(a) == port_of(b);
}

unsigned gw_sipconns_count_ip(const struct gw_sipconns *t,
			      const struct sip_addr *peer)
{
	unsigned n = 0;

	for (const struct gw_sipconn *c = t->list; c; c = c->next)
		n += !c->dead && ip_eq(&c->peer, peer);
	return n;
}

int gw_sipconns_admit(struct gw_sipconns *t, const struct sip_addr *peer)
{
	if (t->n >= t->max_conns) {
		t->stats.refused_total++;
		return EMFILE;
	}
	if (gw_sipconns_count_ip(t, peer) >= t->max_per_ip) {
		t->stats.refused_per_ip++;
		return EUSERS;
	}
	return 0;
}

struct gw_sipconn *gw_sipconns_add(struct gw_sipconns *t,
				   const struct sip_addr *peer, int fd,
				   bool outbound, uint64_t now)
{
	struct gw_sipconn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->out = malloc(t->max_out);
	if (!c->out || sip_stream_init(&c->in, t->max_msg)) {
		free(c->out);
		free(c);
		return NULL;
	}
	c->id = t->next_id++;
	c->fd = fd;
	c->peer = *peer;
	c->outbound = outbound;
	c->last_active = now;
	c->next = t->list;
	t->list = c;
	t->n++;
	if (outbound)
		t->stats.opened++;
	else
		t->stats.accepted++;
	return c;
}

struct gw_sipconn *gw_sipconns_find(const struct gw_sipconns *t,
				    const struct sip_addr *dst)
{
	for (struct gw_sipconn *c = t->list; c; c = c->next) {
		if (c->dead || c->peer.tp != dst->tp)
			continue;
		if (gw_sipaddr_eq(&c->peer, dst) ||
		    (c->has_alias && gw_sipaddr_eq(&c->alias, dst)))
			return c;
	}
	return NULL;
}

void gw_sipconns_remove(struct gw_sipconns *t, struct gw_sipconn *c)
{
	for (struct gw_sipconn **pp = &t->list; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			t->n--;
			t->stats.closed++;
			sip_stream_release(&c->in);
			free(c->out);
			free(c);
			return;
		}
	}
}

void gw_sipconns_release(struct gw_sipconns *t)
{
	while (t->list)
		gw_sipconns_remove(t, t->list);
}

struct gw_sipconn *gw_sipconns_expired(const struct gw_sipconns *t,
				       uint64_t now)
{
	for (struct gw_sipconn *c = t->list; c; c = c->next)
		if (!c->dead && now >= c->last_active + t->idle_ms)
			return c;
	return NULL;
}

int gw_sipconn_queue(struct gw_sipconns *t, struct gw_sipconn *c,
		     const void *buf, size_t len)
{
	if (len > t->max_out - c->out_len)
		return ENOBUFS;
	memcpy(c->out + c->out_len, buf, len);
	c->out_len += len;
	return 0;
}

void gw_sipconn_sent(struct gw_sipconn *c, size_t n)
{
	if (n > c->out_len)
		n = c->out_len;
	memmove(c->out, c->out + n, c->out_len - n);
	c->out_len -= n;
}
