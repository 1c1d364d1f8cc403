/* gateway/pcap.c: the file format, appending and refusing foreign files,
 * the bounded buffer, and the IP/UDP/TCP headers with their checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/capture.h"
#include "gateway/log.h"

static char path[64];

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_pcap_XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static long fsize(void)
{
	struct stat st;

	return stat(path, &st) ? -1 : (long)st.st_size;
}

static void file_header_and_records(void **state)
{
	struct gw_pcap p = { .fd = -1 };
	uint8_t h[24];
	FILE *f;

	(void)state;
	assert_int_equal(gw_pcap_open(&p, path, GW_PCAP_LINKTYPE_RAW), 0);
	assert_int_equal(fsize(), 24);
	assert_int_equal(
		gw_pcap_add(&p, 1700000000123456ull, "ab", 2, "cde", 3), 0);
	assert_int_equal(fsize(), 24); /* buffered */
	gw_pcap_close(&p);
	assert_int_equal(fsize(), 24 + 16 + 5);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(h, 1, 24, f), 24);
	uint32_t magic, lt, rec[4];

	memcpy(&magic, h, 4);
	memcpy(&lt, h + 20, 4);
	assert_int_equal(magic, 0xa1b2c3d4u);
	assert_int_equal(lt, GW_PCAP_LINKTYPE_RAW);
	assert_int_equal(fread(rec, 4, 4, f), 4);
	assert_int_equal(rec[0], 1700000000u);
	assert_int_equal(rec[1], 123456u);
	assert_int_equal(rec[2], 5);
	assert_int_equal(rec[3], 5);
	char body[6] = { 0 };

	assert_int_equal(fread(body, 1, 5, f), 5);
	assert_string_equal(body, "abcde");
	fclose(f);

	/* appended to when of the same kind; refused when not */
	assert_int_equal(gw_pcap_open(&p, path, GW_PCAP_LINKTYPE_RAW), 0);
	gw_pcap_add(&p, 0, "x", 1, NULL, 0);
	gw_pcap_close(&p);
	assert_int_equal(fsize(), 24 + 16 + 5 + 16 + 1);
	assert_int_equal(gw_pcap_open(&p, path, GW_PCAP_LINKTYPE_LINUX_LAPD),
			 EINVAL);
	assert_int_equal(p.fd, -1);
	assert_null(p.buf);
}

static void not_a_pcap(void **state)
{
	struct gw_pcap p = { .fd = -1 };
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("hello, this is not a capture file at all\n", f);
	fclose(f);
	assert_int_equal(gw_pcap_open(&p, path, GW_PCAP_LINKTYPE_RAW), EINVAL);
	assert_int_equal(gw_pcap_open(&p, "/nonexistent/dir/x.pcap",
				      GW_PCAP_LINKTYPE_RAW),
			 ENOENT);
	assert_int_equal(gw_pcap_add(&p, 0, "x", 1, NULL, 0), EBADF);
}

/* a record larger than the snap length is cut; the buffer never grows */
static void bounded(void **state)
{
	struct gw_pcap p = { .fd = -1 };
	static uint8_t big[70000];

	(void)state;
	assert_int_equal(gw_pcap_open(&p, path, GW_PCAP_LINKTYPE_RAW), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(gw_pcap_add(&p, 0, big, sizeof(big), NULL, 0),
				 0);
	assert_true(p.len <= GW_PCAP_BUF);
	assert_int_equal(p.packets, 20);
	gw_pcap_close(&p);
	assert_int_equal(fsize(), 24 + 20 * (16 + (long)GW_PCAP_SNAPLEN));

	/* a failing file: records dropped and counted, nothing blocks */
	assert_int_equal(gw_pcap_open(&p, path, GW_PCAP_LINKTYPE_RAW), 0);
	close(p.fd);
	p.fd = open("/dev/full", O_WRONLY);
	assert_true(p.fd >= 0);
	for (int i = 0; i < 10; i++)
		gw_pcap_add(&p, 0, big, sizeof(big), NULL, 0);
	assert_true(p.write_errors > 0);
	assert_true(p.dropped > 0);
	gw_pcap_close(&p);
}

static uint16_t csum(const uint8_t *d, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)d[i] << 8 | d[i + 1];
	if (n & 1)
		s += (uint32_t)d[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static void v4(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in *a = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	inet_pton(AF_INET, ip, &a->sin_addr);
}

static void v6(struct sockaddr_storage *ss, const char *ip, uint16_t port)
{
	struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &a->sin6_addr);
}

static void ip_headers(void **state)
{
	struct sockaddr_storage a, b, c;
	uint8_t pkt[128];
	const char *msg = "OPTIONS sip:x SIP/2.0\r\n\r\n"; /* odd length */
	size_t ml = strlen(msg), hl;

	(void)state;
	v4(&a, "127.0.0.1", 5060);
	v4(&b, "127.0.0.2", 40000);
	hl = gw_pcap_ip_hdr(pkt, &a, &b, false, 0, msg, ml);
	assert_int_equal(hl, 28);
	assert_int_equal(pkt[0], 0x45);
	assert_int_equal(pkt[9], 17);
	assert_int_equal(pkt[2] << 8 | pkt[3], 28 + ml);
	assert_int_equal(csum(pkt, 20, 0), 0xffff); /* IPv4 header sums up */
	assert_int_equal(pkt[20] << 8 | pkt[21], 5060);
	assert_int_equal(pkt[22] << 8 | pkt[23], 40000);
	/* UDP: pseudo-header + header + payload sum to all ones */
	memcpy(pkt + hl, msg, ml);
	uint32_t ps = csum(pkt + 12, 8, 0) + 17 + (uint32_t)(8 + ml);

	assert_int_equal(csum(pkt + 20, 8 + ml, ps), 0xffff);

	v6(&a, "::1", 5060);
	v6(&b, "2001:db8::2", 5061);
	hl = gw_pcap_ip_hdr(pkt, &a, &b, true, 1000, msg, ml);
	assert_int_equal(hl, 60);
	assert_int_equal(pkt[0] >> 4, 6);
	assert_int_equal(pkt[6], 6);
	assert_int_equal(pkt[4] << 8 | pkt[5], 20 + ml);
	assert_int_equal(pkt[40 + 4] << 24 | pkt[40 + 5] << 16 |
				 pkt[40 + 6] << 8 | pkt[40 + 7],
			 1000);
	memcpy(pkt + hl, msg, ml);
	ps = csum(pkt + 8, 32, 0) + 6 + (uint32_t)(20 + ml);
	assert_int_equal(csum(pkt + 40, 20 + ml, ps), 0xffff);

	/* mixed families and unknown ones give nothing */
	v4(&c, "127.0.0.1", 1);
	assert_int_equal(gw_pcap_ip_hdr(pkt, &a, &c, false, 0, msg, ml), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(gw_pcap_ip_hdr(pkt, &c, &c, false, 0, msg, ml), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(file_header_and_records, setup,
						teardown),
		cmocka_unit_test_setup_teardown(not_a_pcap, setup, teardown),
		cmocka_unit_test_setup_teardown(bounded, setup, teardown),
		cmocka_unit_test(ip_headers),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
