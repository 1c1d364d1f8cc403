/*
 * pcap files (the classic libpcap format: a 24-byte file header, then a
 * 16-byte header per record, host byte order with magic 0xa1b2c3d4 so a
 * reader can tell), written through a bounded buffer, and the IP/UDP/TCP
 * headers that put a SIP message between its real addresses.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/capture.h"
#include "gateway/log.h"

#define PCAP_MAGIC 0xa1b2c3d4u

struct pcap_filehdr {
	uint32_t magic;
	uint16_t major, minor;
	int32_t thiszone;
	uint32_t sigfigs, snaplen, linktype;
};

struct pcap_rechdr {
	uint32_t sec, usec, caplen, len;
};

/* An existing file is appended to only if it is our kind of pcap. */
static int check_header(int fd, uint32_t linktype)
{
	struct pcap_filehdr h;

	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
		return EINVAL;
	return h.magic == PCAP_MAGIC && h.linktype == linktype ? 0 : EINVAL;
}

int gw_pcap_open(struct gw_pcap *p, const char *path, uint32_t linktype)
{
	struct stat st;
	int err = 0;

	if (strlen(path) >= sizeof(p->path))
		return ENAMETOOLONG;
	if (p->path != path)
		memcpy(p->path, path, strlen(path) + 1);
	p->linktype = linktype;
	p->len = 0;
	if (!p->buf && !(p->buf = malloc(GW_PCAP_BUF)))
		return ENOMEM;
	/* a regular file: O_APPEND writes do not wait on anything but the
	 * page cache, like the CDR file */
	p->fd = open(p->path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (p->fd < 0) {
		err = errno;
		goto out;
	}
	if (fstat(p->fd, &st) < 0) {
		err = errno;
		goto out;
	}
	if (st.st_size > 0) {
		int rfd = open(p->path, O_RDONLY | O_CLOEXEC);

		err = rfd < 0 ? errno : check_header(rfd, linktype);
		if (rfd >= 0)
			close(rfd);
		goto out;
	}
	struct pcap_filehdr h = { .magic = PCAP_MAGIC,
				  .major = 2,
				  .minor = 4,
				  .snaplen = GW_PCAP_SNAPLEN,
				  .linktype = linktype };

	if (write(p->fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
		err = errno ? errno : EIO;
out:
	if (err) {
		if (p->fd >= 0)
			close(p->fd);
		p->fd = -1;
		free(p->buf);
		p->buf = NULL;
	}
	return err;
}

int gw_pcap_flush(struct gw_pcap *p)
{
	size_t off = 0;
	int err = 0;

	while (off < p->len) {
		ssize_t n = write(p->fd, p->buf + off, p->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : EIO;
			break;
		}
		off += (size_t)n;
	}
	if (err) {
		p->write_errors++;
		if (!p->failing)
			GW_ERR(MAIN, "capture %s: cannot write: %s", p->path,
			       strerror(err));
		p->failing = true;
		/* keep only whole records is not possible after a partial
		 * write: drop the rest rather than corrupt the file more */
		p->dropped++;
		p->len = 0;
		return err;
	}
	if (p->failing)
		GW_NOTICE(MAIN, "capture %s: writing again", p->path);
	p->failing = false;
	p->len = 0;
	return 0;
}

void gw_pcap_close(struct gw_pcap *p)
{
	if (p->fd >= 0) {
		gw_pcap_flush(p);
		close(p->fd);
	}
	p->fd = -1;
	free(p->buf);
	p->buf = NULL;
	p->len = 0;
}

int gw_pcap_reopen(struct gw_pcap *p)
{
	if (p->fd < 0)
		return 0;
	gw_pcap_flush(p);
	close(p->fd);
	p->fd = -1;
	return gw_pcap_open(p, p->path, p->linktype);
}

int gw_pcap_add(struct gw_pcap *p, uint64_t unix_us, const void *a, size_t alen,
		const void *b, size_t blen)
{
	size_t len = alen + blen,
	       cap = len > GW_PCAP_SNAPLEN ? GW_PCAP_SNAPLEN : len;
	struct pcap_rechdr h = { .sec = (uint32_t)(unix_us / 1000000u),
				 .usec = (uint32_t)(unix_us % 1000000u),
				 .caplen = (uint32_t)cap,
				 .len = (uint32_t)len };

	if (p->fd < 0 || !p->buf)
		return EBADF;
	if (p->len + sizeof(h) + cap > GW_PCAP_BUF)
		gw_pcap_flush(p);
	if (p->len + sizeof(h) + cap > GW_PCAP_BUF) {
		p->dropped++;
		return ENOSPC;
	}
	memcpy(p->buf + p->len, &h, sizeof(h));
	p->len += sizeof(h);
	if (alen > cap)
		alen = cap;
	memcpy(p->buf + p->len, a, alen);
	p->len += alen;
	if (cap > alen)
		memcpy(p->buf + p->len, b, cap - alen);
	p->len += cap - alen;
	p->packets++;
	if (p->len > GW_PCAP_BUF / 2)
		gw_pcap_flush(p);
	return 0;
}

/* ---- IP, UDP and TCP headers (RFC 791, 8200, 768, 793) --------------- */

static uint32_t sum16(uint32_t s, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)d[i] << 8 | d[i + 1];
	if (n & 1)
		s += (uint32_t)d[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

size_t gw_pcap_ip_hdr(uint8_t *out, const struct sockaddr_storage *src,
		      const struct sockaddr_storage *dst, bool tcp,
		      uint32_t seq, const void *payload, size_t plen)
{
	bool v6 = src->ss_family == AF_INET6;
	size_t iph = v6 ? 40 : 20, l4h = tcp ? 20 : 8;
	uint8_t *l4 = out + iph, proto = tcp ? 6 : 17;
	const uint8_t *sa, *da;
	uint16_t sport, dport;
	size_t alen;
	uint32_t s;

	if (src->ss_family != dst->ss_family ||
	    (!v6 && src->ss_family != AF_INET) ||
	    plen + l4h + (v6 ? 0 : iph) > 0xffff)
		return 0;
	if (v6) {
		const struct sockaddr_in6 *a = (const void *)src,
					  *b = (const void *)dst;

		sa = a->sin6_addr.s6_addr;
		da = b->sin6_addr.s6_addr;
		sport = ntohs(a->sin6_port);
		dport = ntohs(b->sin6_port);
		alen = 16;
	} else {
		const struct sockaddr_in *a = (const void *)src,
					 *b = (const void *)dst;

		sa = (const uint8_t *)&a->sin_addr;
		da = (const uint8_t *)&b->sin_addr;
		sport = ntohs(a->sin_port);
		dport = ntohs(b->sin_port);
		alen = 4;
	}
	memset(out, 0, iph + l4h);
	if (v6) {
		out[0] = 0x60;
		put16(out + 4, (uint16_t)(l4h + plen));
		out[6] = proto;
		out[7] = 64;
		memcpy(out + 8, sa, 16);
		memcpy(out + 24, da, 16);
	} else {
		out[0] = 0x45;
		put16(out + 2, (uint16_t)(iph + l4h + plen));
		out[6] = 0x40; /* don't fragment */
		out[8] = 64;
		out[9] = proto;
		memcpy(out + 12, sa, 4);
		memcpy(out + 16, da, 4);
		put16(out + 10, fold(sum16(0, out, iph)));
	}
	put16(l4, sport);
	put16(l4 + 2, dport);
	if (tcp) {
		put32(l4 + 4, seq);
		put32(l4 + 8, 1); /* acknowledges nothing we know of */
		l4[12] = 5 << 4;
		l4[13] = 0x18; /* PSH, ACK */
		put16(l4 + 14, 65535);
	} else {
		put16(l4 + 4, (uint16_t)(l4h + plen));
	}
	/* checksum over the pseudo-header, the L4 header and the payload */
	s = sum16(0, sa, alen);
	s = sum16(s, da, alen);
	s += proto;
	s += (uint32_t)(l4h + plen);
	s = sum16(s, l4, l4h);
	s = sum16(s, payload, plen);
	uint16_t c = fold(s);

	if (!tcp && !c)
		c = 0xffff; /* 0 means "no checksum" in UDP */
	put16(l4 + (tcp ? 16 : 6), c);
	return iph + l4h;
}
