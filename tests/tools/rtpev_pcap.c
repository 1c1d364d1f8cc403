/*
 * rtpev_pcap: writes a pcap (Ethernet, IPv4, UDP) of one RTP stream that
 * presses DTMF digits as RFC 4733 telephone-events, for SIPp's
 * play_pcap_audio (which replays the UDP payloads at the capture's pace
 * from its media port to the negotiated one).
 *
 *   rtpev_pcap OUT.pcap DIGITS [EVENT_PT [MS]]
 *
 * The stream: PCMU silence (payload type 0) every 20 ms, 300 ms before
 * the first digit and between digits (GAP_MS) and after the last; each
 * digit is an event of MS ms (default 120): a packet every 20 ms with the
 * marker bit on the first, the same timestamp and a growing duration,
 * then three end packets (RFC 4733 2.5.1.4: sequence numbers go on, the
 * duration stays). Digits 0-9 * # A-D; EVENT_PT default 101.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GAP_MS 200
#define LEAD_MS 300
#define SSRC 0x5eed4733u

struct out {
	FILE *f;
	uint64_t t_us; /* capture time of the next packet */
	uint16_t seq, ipid;
	uint32_t ts; /* RTP timestamp of the next audio packet */
};

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static void le32(FILE *f, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };

	fwrite(b, 1, 4, f);
}

static void le16(FILE *f, unsigned v)
{
	uint8_t b[2] = { (uint8_t)v, (uint8_t)(v >> 8) };

	fwrite(b, 1, 2, f);
}

static unsigned ip_sum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* One RTP packet (header + payload) in Ethernet/IPv4/UDP, then the
 * capture clock moves on by step_us. */
static void packet(struct out *o, unsigned pt, bool marker, uint32_t ts,
		   const uint8_t *pl, size_t plen, unsigned step_us)
{
	uint8_t fr[14 + 20 + 8 + 12 + 160];
	size_t rtp = 12 + plen, udp = 8 + rtp, ip = 20 + udp, all = 14 + ip;
	uint8_t *e = fr, *h = fr + 14, *u = h + 20, *r = u + 8;

	memset(fr, 0, sizeof(fr));
	e[12] = 0x08; /* IPv4 */
	h[0] = 0x45;
	put16(h + 2, (unsigned)ip);
	put16(h + 4, o->ipid++);
	h[8] = 64;
	h[9] = 17; /* UDP */
	put32(h + 12, 0x7f000001u);
	put32(h + 16, 0x7f000001u);
	put16(h + 10, ip_sum(h, 20));
	put16(u, 40000);
	put16(u + 2, 40002);
	put16(u + 4, (unsigned)udp); /* checksum 0: none (IPv4) */
	r[0] = 0x80;
	r[1] = (uint8_t)(pt | (marker ? 0x80 : 0));
	put16(r + 2, o->seq++);
	put32(r + 4, ts);
	put32(r + 8, SSRC);
	memcpy(r + 12, pl, plen);
	le32(o->f, (uint32_t)(o->t_us / 1000000));
	le32(o->f, (uint32_t)(o->t_us % 1000000));
	le32(o->f, (uint32_t)all);
	le32(o->f, (uint32_t)all);
	fwrite(fr, 1, all, o->f);
	o->t_us += step_us;
}

static void silence(struct out *o, unsigned ms)
{
	uint8_t pcmu[160];

	memset(pcmu, 0xff, sizeof(pcmu));
	for (unsigned t = 0; t < ms; t += 20) {
		packet(o, 0, false, o->ts, pcmu, sizeof(pcmu), 20000);
		o->ts += 160;
	}
}

static int event_code(char d)
{
	static const char map[] = "0123456789*#ABCD";
	const char *p = d ? strchr(map, d) : NULL;

	return p ? (int)(p - map) : -1;
}

static void event(struct out *o, int code, unsigned pt, unsigned ms)
{
	uint8_t pl[4] = { (uint8_t)code, 10, 0, 0 }; /* volume -10 dBm0 */
	unsigned dur = 0;

	for (unsigned t = 0; t < ms; t += 20) {
		dur += 160;
		put16(pl + 2, dur);
		packet(o, pt, t == 0, o->ts, pl, sizeof(pl), 20000);
	}
	pl[1] |= 0x80; /* E */
	for (int i = 0; i < 3; i++)
		packet(o, pt, false, o->ts, pl, sizeof(pl), i < 2 ? 0 : 20000);
	o->ts += dur;
}

int main(int argc, char **argv)
{
	struct out o = { .t_us = 1000000, .seq = 4733, .ts = 160000 };
	unsigned pt = 101, ms = 120;
	const char *digits;

	if (argc < 3 || argc > 5) {
		fprintf(stderr,
			"usage: rtpev_pcap OUT.pcap DIGITS [EVENT_PT [MS]]\n");
		return 2;
	}
	digits = argv[2];
	if (argc > 3)
		pt = (unsigned)strtoul(argv[3], NULL, 10);
	if (argc > 4)
		ms = (unsigned)strtoul(argv[4], NULL, 10);
	if (pt < 96 || pt > 127 || ms < 40 || ms > 2000 || !digits[0]) {
		fprintf(stderr, "rtpev_pcap: EVENT_PT 96..127, MS 40..2000, "
				"at least one digit\n");
		return 2;
	}
	for (const char *d = digits; *d; d++)
		if (event_code(*d) < 0) {
			fprintf(stderr, "rtpev_pcap: bad digit '%c'\n", *d);
			return 2;
		}
	o.f = fopen(argv[1], "wb");
	if (!o.f) {
		fprintf(stderr, "rtpev_pcap: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	le32(o.f, 0xa1b2c3d4u); /* pcap, microseconds */
	le16(o.f, 2);
	le16(o.f, 4);
	le32(o.f, 0);
	le32(o.f, 0);
	le32(o.f, 65535);
	le32(o.f, 1); /* Ethernet */
	silence(&o, LEAD_MS);
	for (const char *d = digits; *d; d++) {
		event(&o, event_code(*d), pt, ms);
		silence(&o, GAP_MS);
	}
	silence(&o, LEAD_MS);
	if (fclose(o.f)) {
		fprintf(stderr, "rtpev_pcap: %s: %s\n", argv[1],
			strerror(errno));
		return 1;
	}
	return 0;
}
