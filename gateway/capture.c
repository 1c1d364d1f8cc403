/*
 * The gateway's captures and SIP tracing: taps on the SIP transports and
 * the spans' D-channels feed the pcap files (pcap.c) and the log.
 */
#include "gateway/capture.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gateway/ctl.h"
#include "gateway/gw.h"
#include "gateway/log.h"

#define FLOWS 32 /* TCP flows whose sequence numbers we follow */

/* A TCP direction's next sequence number, so tshark sees a stream. */
struct tcp_flow {
	struct sockaddr_storage src, dst;
	uint32_t next_seq;
	uint64_t used; /* for replacing the least recently used */
};

struct gw_capture {
	struct gw *gw;
	struct gw_pcap sip, dchan;
	bool trace_sip;
	struct gw_timer *flush_timer;
	struct tcp_flow flows[FLOWS];
	uint64_t uses;
};

static uint64_t wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void flush_fired(void *arg)
{
	struct gw_capture *cp = arg;

	cp->flush_timer = NULL;
	if (cp->sip.fd >= 0 && cp->sip.len)
		gw_pcap_flush(&cp->sip);
	if (cp->dchan.fd >= 0 && cp->dchan.len)
		gw_pcap_flush(&cp->dchan);
}

/* Buffered records reach the file within GW_PCAP_FLUSH_MS. */
static void flush_soon(struct gw_capture *cp)
{
	if (!cp->flush_timer && cp->gw->loop)
		cp->flush_timer = gw_timer_start(cp->gw->loop, GW_PCAP_FLUSH_MS,
						 flush_fired, cp);
}

static bool ss_eq(const struct sockaddr_storage *a,
		  const struct sockaddr_storage *b)
{
	size_t n = a->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
					    : sizeof(struct sockaddr_in);

	return a->ss_family == b->ss_family && !memcmp(a, b, n);
}

static uint32_t tcp_seq(struct gw_capture *cp,
			const struct sockaddr_storage *src,
			const struct sockaddr_storage *dst, size_t len)
{
	struct tcp_flow *f = &cp->flows[0];
	uint32_t seq;

	for (size_t i = 0; i < FLOWS; i++) {
		struct tcp_flow *g = &cp->flows[i];

		if (g->used && ss_eq(&g->src, src) && ss_eq(&g->dst, dst)) {
			f = g;
			goto found;
		}
		if (g->used < f->used)
			f = g;
	}
	f->src = *src;
	f->dst = *dst;
	f->next_seq = 1;
found:
	f->used = ++cp->uses;
	seq = f->next_seq;
	f->next_seq += (uint32_t)len;
	return seq;
}

/* The first line, and the message as lines with a direction prefix. */
static void trace_msg(const struct sip_addr *peer, bool tx, const char *buf,
		      size_t len)
{
	static const char *const tpn[] = { "udp", "tcp", "tls" };
	char a[80];
	const char *p = buf, *end = buf + len;

	sip_addr_str(peer, a, sizeof(a));
	GW_NOTICE(SIP, "trace: %s %s/%s, %zu bytes", tx ? "sent to" : "from", a,
		  (unsigned)peer->tp < 3 ? tpn[peer->tp] : "?", len);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (l && p[l - 1] == '\r')
			l--;
		GW_NOTICE(SIP, "trace: %s %.*s", tx ? ">>" : "<<", (int)l, p);
		p = nl ? nl + 1 : end;
	}
}

void gw_capture_sip_tap(void *arg, int fd, const struct sip_addr *peer, bool tx,
			const void *buf, size_t len)
{
	struct gw *gw = arg;
	struct gw_capture *cp = gw ? gw->capture : NULL;
	struct sockaddr_storage local;
	socklen_t sl = sizeof(local);
	uint8_t hdr[64];
	bool tcp = peer->tp != SIP_TP_UDP;
	size_t hl;

	if (!cp)
		return;
	if (cp->trace_sip)
		trace_msg(peer, tx, buf, len);
	if (cp->sip.fd < 0 || getsockname(fd, (struct sockaddr *)&local, &sl))
		return;
	const struct sockaddr_storage *src = tx ? &local : &peer->ss,
				      *dst = tx ? &peer->ss : &local;
	uint32_t seq = tcp ? tcp_seq(cp, src, dst, len) : 0;

	hl = gw_pcap_ip_hdr(hdr, src, dst, tcp, seq, buf, len);
	if (!hl) {
		cp->sip.dropped++;
		return;
	}
	gw_pcap_add(&cp->sip, wall_us(), hdr, hl, buf, len);
	flush_soon(cp);
}

void gw_capture_dchan_tap(void *arg, struct tdm_span *span, bool tx,
			  const uint8_t *frame, size_t len)
{
	struct gw *gw = arg;
	struct gw_capture *cp = gw ? gw->capture : NULL;
	uint8_t sll[16] = { 0 };
	bool net = false;

	if (!cp || cp->dchan.fd < 0)
		return;
	for (size_t i = 0; i < gw->nspans; i++)
		if (gw->spans[i].span == span)
			net = gw->spans[i].cfg->role == CFG_ROLE_NET;
	/* Linux LAPD pseudo-header: packet type (0 to us, 4 outgoing),
	 * ARPHRD_LAPD (8445), address length 1, address: 1 when we are the
	 * network side, protocol ETH_P_LAPD (0x0030); all big-endian */
	sll[1] = tx ? 4 : 0;
	sll[2] = 8445 >> 8;
	sll[3] = 8445 & 0xff;
	sll[5] = 1;
	sll[6] = net;
	sll[15] = 0x30;
	gw_pcap_add(&cp->dchan, wall_us(), sll, sizeof(sll), frame, len);
	flush_soon(cp);
}

static int set_file(struct gw *gw, struct gw_pcap *p, const char *path,
		    uint32_t linktype, const char *what)
{
	struct gw_pcap np = { .fd = -1 };
	int err;

	if (!gw->capture)
		return ENOENT;
	if (p->fd >= 0 && !strcmp(p->path, path))
		return 0; /* the same file goes on */
	if (path[0] && (err = gw_pcap_open(&np, path, linktype))) {
		GW_ERR(MAIN, "cannot capture %s to %s: %s", what, path,
		       strerror(err));
		return err;
	}
	if (p->fd >= 0)
		GW_NOTICE(MAIN, "%s capture to %s stopped (%llu packets)", what,
			  p->path, (unsigned long long)p->packets);
	gw_pcap_close(p);
	*p = np;
	if (path[0])
		GW_NOTICE(MAIN, "capturing %s to %s", what, path);
	return 0;
}

int gw_capture_set_sip(struct gw *gw, const char *path)
{
	return set_file(gw, &gw->capture->sip, path, GW_PCAP_LINKTYPE_RAW,
			"SIP");
}

int gw_capture_set_dchan(struct gw *gw, const char *path)
{
	return set_file(gw, &gw->capture->dchan, path,
			GW_PCAP_LINKTYPE_LINUX_LAPD, "D-channel");
}

int gw_capture_start(struct gw *gw)
{
	struct gw_capture *cp = calloc(1, sizeof(*cp));
	int err;

	if (!cp)
		return ENOMEM;
	cp->gw = gw;
	cp->sip.fd = cp->dchan.fd = -1;
	gw->capture = cp;
	err = gw_capture_set_sip(gw, gw->cfg.capture_sip);
	if (!err)
		err = gw_capture_set_dchan(gw, gw->cfg.capture_dchan);
	return err;
}

void gw_capture_stop(struct gw *gw)
{
	struct gw_capture *cp = gw->capture;

	if (!cp)
		return;
	if (cp->flush_timer)
		gw_timer_stop(gw->loop, cp->flush_timer);
	gw_pcap_close(&cp->sip);
	gw_pcap_close(&cp->dchan);
	free(cp);
	gw->capture = NULL;
}

void gw_capture_reopen(struct gw *gw)
{
	struct gw_capture *cp = gw->capture;
	struct gw_pcap *ps[] = { cp ? &cp->sip : NULL, cp ? &cp->dchan : NULL };

	for (size_t i = 0; cp && i < 2; i++) {
		int err;

		if (ps[i]->fd < 0)
			continue;
		err = gw_pcap_reopen(ps[i]);
		if (err)
			GW_ERR(MAIN, "cannot reopen capture %s: %s",
			       ps[i]->path, strerror(err));
		else
			GW_NOTICE(MAIN, "capture %s reopened", ps[i]->path);
	}
}

void gw_capture_trace_sip(struct gw *gw, bool on)
{
	if (gw->capture)
		gw->capture->trace_sip = on;
}

bool gw_capture_tracing_sip(const struct gw *gw)
{
	return gw->capture && gw->capture->trace_sip;
}

void gw_capture_show(const struct gw *gw, struct gw_ctl_out *out)
{
	const struct gw_capture *cp = gw->capture;
	const struct gw_pcap *ps[] = { cp ? &cp->sip : NULL,
				       cp ? &cp->dchan : NULL };
	static const char *const names[] = { "sip", "dchan" };

	for (size_t i = 0; i < 2; i++) {
		if (!cp || ps[i]->fd < 0) {
			gw_ctl_printf(out, "capture %s: off\n", names[i]);
			continue;
		}
		gw_ctl_printf(out,
			      "capture %s: %s packets %llu dropped %llu "
			      "write_errors %llu\n",
			      names[i], ps[i]->path,
			      (unsigned long long)ps[i]->packets,
			      (unsigned long long)ps[i]->dropped,
			      (unsigned long long)ps[i]->write_errors);
	}
}
