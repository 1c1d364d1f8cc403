/*
 * udpspoof: sends UDP datagrams with a chosen source address and port
 * (a raw IPv4 socket: root, as in the tests' network namespace). The
 * media attack tests use it to send bogus UDPTL and RTCP "from" a call's
 * latched peer, so that the gateway parses them instead of dropping them
 * as foreign. libc only.
 *
 *   udpspoof [-n COUNT] SRCIP SRCPORT DSTIP DSTPORT HEX...
 *
 * Each HEX argument is one datagram's payload in hex ("80c9..."); each is
 * sent COUNT times (default 1). Exits 0, 1 on an error, 2 on bad usage.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PAYLOAD 65000

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int main(int argc, char **argv)
{
	static uint8_t
		pkt[sizeof(struct iphdr) + sizeof(struct udphdr) + MAX_PAYLOAD];
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr src;
	long count = 1;
	int opt, on = 1;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			goto usage;
		count = strtol(optarg, NULL, 10);
	}
	if (argc - optind < 5 || count < 1 || count > 100000 ||
	    inet_pton(AF_INET, argv[optind], &src) != 1 ||
	    inet_pton(AF_INET, argv[optind + 2], &dst.sin_addr) != 1)
		goto usage;
	uint16_t sport = (uint16_t)atoi(argv[optind + 1]);
	uint16_t dport = (uint16_t)atoi(argv[optind + 3]);
	int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on))) {
		perror("udpspoof: raw socket");
		return 1;
	}
	for (int a = optind + 4; a < argc; a++) {
		const char *h = argv[a];
		size_t hl = strlen(h), n = hl / 2;
		struct iphdr *ip = (struct iphdr *)pkt;
		struct udphdr *udp = (struct udphdr *)(ip + 1);
		uint8_t *pl = (uint8_t *)(udp + 1);

		if (hl % 2 || n > MAX_PAYLOAD)
			goto usage;
		for (size_t i = 0; i < n; i++) {
			int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
			if (hi < 0 || lo < 0)
				goto usage;
			pl[i] = (uint8_t)(hi << 4 | lo);
		}
		memset(ip, 0, sizeof(*ip) + sizeof(*udp));
		ip->version = 4;
		ip->ihl = 5;
		ip->ttl = 64;
		ip->protocol = IPPROTO_UDP;
		ip->saddr = src.s_addr;
		ip->daddr = dst.sin_addr.s_addr;
		/* the kernel fills in the total length, id and checksum */
		udp->source = htons(sport);
		udp->dest = htons(dport);
		udp->len = htons((uint16_t)(sizeof(*udp) + n));
		udp->check = 0; /* none: allowed over IPv4 */
		size_t total = sizeof(*ip) + sizeof(*udp) + n;
		for (long k = 0; k < count; k++)
			if (sendto(fd, pkt, total, 0, (struct sockaddr *)&dst,
				   sizeof(dst)) != (ssize_t)total) {
				perror("udpspoof: sendto");
				return 1;
			}
	}
	close(fd);
	return 0;
usage:
	fprintf(stderr, "usage: udpspoof [-n COUNT] SRCIP SRCPORT DSTIP "
			"DSTPORT HEX...\n");
	return 2;
}
