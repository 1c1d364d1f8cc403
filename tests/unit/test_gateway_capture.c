/* gateway/capture.c on a bare gateway: captures from the config, the SIP
 * and D-channel taps, switching and rotating files, tracing, and the
 * control commands that drive them (bad input refused with a sentence). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gateway/capture.h"
#include "gateway/ctl.h"
#include "tests/unit/ctl_test.h"
#include "gateway/gw.h"
#include "gateway/log.h"

static struct gw gw;
static char dir[64], sip_path[96], d_path[96];
static struct gw_ctl_out out;

static long fsize(const char *p)
{
	struct stat st;

	return stat(p, &st) ? -1 : (long)st.st_size;
}

static int setup(void **state)
{
	(void)state;
	memset(&gw, 0, sizeof(gw));
	memset(&out, 0, sizeof(out));
	snprintf(dir, sizeof(dir), "/tmp/test_capture_XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(sip_path, sizeof(sip_path), "%s/sip.pcap", dir);
	snprintf(d_path, sizeof(d_path), "%s/d.pcap", dir);
	gw.loop = gw_loop_alloc();
	return gw.loop ? 0 : -1;
}

static int teardown(void **state)
{
	char p[128];

	(void)state;
	gw_capture_stop(&gw);
	gw_loop_free(gw.loop);
	gw_ctl_out_release(&out);
	unlink(sip_path);
	unlink(d_path);
	snprintf(p, sizeof(p), "%s/old.pcap", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/junk", dir);
	unlink(p);
	rmdir(dir);
	return 0;
}

static int udp_sock(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static const char *run(const char *line, bool want_ok)
{
	return ctl_run(&gw, &out, line, want_ok);
}

static void taps_and_files(void **state)
{
	struct sip_addr peer = { .tp = SIP_TP_UDP };
	static const uint8_t frame[] = { 0x00, 0x01, 0x00, 0x00,
					 0x08, 0x01, 0x01, 0x05 };
	const char *msg = "OPTIONS sip:a@127.0.0.1 SIP/2.0\r\n\r\n";
	int fd = udp_sock();

	(void)state;
	snprintf(gw.cfg.capture_sip, sizeof(gw.cfg.capture_sip), "%s",
		 sip_path);
	snprintf(gw.cfg.capture_dchan, sizeof(gw.cfg.capture_dchan), "%s",
		 d_path);
	assert_int_equal(gw_capture_start(&gw), 0);
	assert_int_equal(fsize(sip_path), 24);
	assert_int_equal(fsize(d_path), 24);

	assert_int_equal(sip_addr_set(&peer, "127.0.0.1", 5099), 0);
	gw_capture_sip_tap(&gw, fd, &peer, true, msg, strlen(msg));
	gw_capture_sip_tap(&gw, fd, &peer, false, msg, strlen(msg));
	gw_capture_dchan_tap(&gw, NULL, true, frame, sizeof(frame));
	/* a socket that is gone: nothing written, nothing breaks */
	gw_capture_sip_tap(&gw, -1, &peer, true, msg, strlen(msg));
	const char *r = run("show captures", true);

	assert_non_null(strstr(r, "capture sip: "));
	assert_non_null(strstr(r, "sip.pcap packets 2 dropped 0"));
	assert_non_null(strstr(r, "d.pcap packets 1 dropped 0"));
	assert_non_null(strstr(r, "trace sip: off"));

	/* rotation: the file moved away, a new one is started */
	char old[128];

	snprintf(old, sizeof(old), "%s/old.pcap", dir);
	assert_int_equal(rename(sip_path, old), 0);
	gw_capture_reopen(&gw);
	assert_int_equal(fsize(old), 24 + 2 * (16 + 28 + (long)strlen(msg)));
	assert_int_equal(fsize(sip_path), 24);

	/* a foreign file is refused and the capture goes on */
	char junk[128];
	FILE *f;

	snprintf(junk, sizeof(junk), "%s/junk", dir);
	f = fopen(junk, "w");
	assert_non_null(f);
	fputs("not a pcap, not at all, no header here\n", f);
	fclose(f);
	assert_int_equal(gw_capture_set_sip(&gw, junk), EINVAL);
	gw_capture_sip_tap(&gw, fd, &peer, true, msg, strlen(msg));
	gw_capture_set_sip(&gw, ""); /* off: flushed and closed */
	assert_int_equal(fsize(sip_path), 24 + 16 + 28 + (long)strlen(msg));
	assert_non_null(strstr(run("show captures", true), "capture sip: off"));
	close(fd);
}

static void commands(void **state)
{
	char line[160];
	const char *r;

	(void)state;
	/* before the gateway runs: refused with a sentence */
	r = run("trace sip on", false);
	assert_non_null(strstr(r, "error: tracing is not available"));
	assert_int_equal(gw_capture_start(&gw), 0);
	run("trace sip on", true);
	assert_true(gw_capture_tracing_sip(&gw));
	assert_non_null(strstr(run("show captures", true), "trace sip: on"));
	run("trace sip off", true);
	assert_false(gw_capture_tracing_sip(&gw));
	r = run("trace sip maybe", false);
	assert_non_null(strstr(r, "error: say on or off"));
	r = run("trace q931 on", false);
	assert_non_null(strstr(r, "error: no spans configured"));
	r = run("trace q931 on 7", false);
	assert_non_null(strstr(r, "error: no such span"));
	r = run("trace rtp on", false);
	assert_non_null(strstr(r, "unknown thing to trace"));
	r = run("capture sip relative.pcap", false);
	assert_non_null(
		strstr(r, "error: give the capture file as an absolute"));
	r = run("capture dchan /nonexistent/dir/x.pcap", false);
	assert_non_null(strstr(r, "error: that directory does not exist"));
	r = run("capture rtp /tmp/x", false);
	assert_non_null(strstr(r, "unknown thing to capture"));
	snprintf(line, sizeof(line), "capture dchan %s", d_path);
	run(line, true);
	assert_int_equal(fsize(d_path), 24);
	snprintf(line, sizeof(line), "capture sip %s", d_path);
	r = run(line, false); /* a LAPD capture is no SIP capture */
	assert_non_null(strstr(r, "not a capture of this kind"));
	run("capture dchan off", true);
	assert_non_null(
		strstr(run("show captures", true), "capture dchan: off"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(taps_and_files, setup,
						teardown),
		cmocka_unit_test_setup_teardown(commands, setup, teardown),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
