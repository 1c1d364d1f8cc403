/* gateway/ctl*.c: the command parser and dispatcher on a bare gateway (no
 * spans, no calls), and the socket: replies, bad bytes, limits, the
 * socket file's life. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "gateway/ctl.h"
#include "tests/unit/ctl_test.h"
#include "gateway/gw.h"
#include "gateway/route.h"
#include "gateway/log.h"

static struct gw gw;
static struct gw_ctl_out out;

static int setup(void **state)
{
	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	gw.cfg.ntrunks = 2;
	snprintf(gw.cfg.trunks[0].name, CFG_NAME_LEN, "carrier");
	snprintf(gw.cfg.trunks[0].addr, CFG_HOST_LEN, "192.0.2.1:5061");
	gw.cfg.trunks[0].transport = CFG_TP_TLS;
	gw.cfg.trunks[0].reg = 1;
	snprintf(gw.cfg.trunks[0].user, 64, "alice");
	snprintf(gw.cfg.trunks[1].name, CFG_NAME_LEN, "pbx");
	snprintf(gw.cfg.trunks[1].addr, CFG_HOST_LEN, "192.0.2.2");
	gw_log_init("test", false);
	gw_log_set_level_all(LOG_ERR);
	memset(&out, 0, sizeof(out));
	return gw.loop ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	gw_ctl_stop(&gw);
	gw_loop_free(gw.loop);
	gw_ctl_out_release(&out);
	return 0;
}

/* Runs one line; returns the reply as a string. */
static const char *run(const char *line, bool want_ok)
{
	return ctl_run(&gw, &out, line, want_ok);
}

static void version_help(void **state)
{
	(void)state;
	assert_string_equal(run("version", true) +
				    strlen(run("version", true)) - 3,
			    "ok\n");
	assert_non_null(strstr(run("  version \t", true), "pstngw "));
	const char *h = run("help", true);

	assert_non_null(strstr(h, "show calls\n"));
	assert_non_null(strstr(h, "show rtp\n"));
	assert_non_null(strstr(h, "hangup CALL [CAUSE]\n"));
	assert_non_null(strstr(h, "show fax\n"));
	assert_null(strstr(h, "not yet"));
	assert_non_null(strstr(h, "\nreload\n"));
	assert_non_null(strstr(h, "trace sip on|off\n"));
	assert_non_null(strstr(h, "capture dchan FILE|off\n"));
	assert_non_null(strstr(h, "originate [--force] span N|trunk NAME TO"));
	/* no calls: no fax sessions, and the counters line */
	const char *f = run("show fax", true);

	assert_non_null(strstr(f, "no fax sessions\n"));
	assert_non_null(strstr(f, "faxes: ok 0 failed 0"));
}

static void bad_commands(void **state)
{
	char longl[GW_CTL_LINE_MAX + 10];

	(void)state;
	assert_string_equal(run("", false),
			    "error: empty command (try help)\n");
	assert_string_equal(run("frobnicate", false),
			    "error: unknown command (try help)\n");
	assert_non_null(strstr(run("show", false), "error: unknown thing"));
	assert_non_null(
		strstr(run("show nonsense", false), "error: unknown thing"));
	assert_string_equal(
		run("show spans extra", false),
		"usage: show spans\nerror: wrong number of arguments\n");
	assert_non_null(strstr(run("hangup", false), "usage: hangup CALL"));
	assert_string_equal(run("a b c d e f g h i j", false),
			    "error: too many words in the command\n");
	assert_string_equal(
		run("ver\x01sion", false),
		"error: the command contains bytes that are not text\n");
	assert_string_equal(
		run("show \xff\xfe", false),
		"error: the command contains bytes that are not text\n");
	memset(longl, 'x', sizeof(longl) - 1);
	longl[sizeof(longl) - 1] = 0;
	assert_string_equal(run(longl, false),
			    "error: command line too long\n");
	/* commands are case-sensitive words */
	assert_non_null(strstr(run("VERSION", false), "unknown command"));
}

static void route_test(void **state)
{
	static const char text[] = "[limits]\n"
				   "trunk carrier = 4\n"
				   "[route fax]\n"
				   "from = group pri\n"
				   "called = ~^555(9[0-9]+)$\n"
				   "called_out = +1555\\1\n"
				   "target = trunk carrier\n"
				   "alternative = trunk pbx\n"
				   "failover = 503,34\n"
				   "fax = yes\n"
				   "[route out]\n"
				   "from = trunk pbx\n"
				   "time = 00:00-24:00\n"
				   "days = sat-fri\n"
				   "target = group pri\n";
	struct cfg_errors errs = { 0 };
	FILE *f = fmemopen((void *)text, sizeof(text) - 1, "r");

	(void)state;
	gw.cfg.nspans = 1;
	snprintf(gw.cfg.spans[0].group, CFG_NAME_LEN, "pri");
	assert_int_equal(gw_route_table_load_stream(&gw.cfg, f, "routes.conf",
						    &gw.routes, &errs),
			 0);
	fclose(f);
	assert_string_equal(
		run("route test 2125550100 5559123 group:pri", true),
		"rule fax (routes.conf:3)\n"
		"called 5559123 -> +15559123\n"
		"calling 2125550100 -> 2125550100\n"
		"target trunk carrier (usable, 0/4 calls)\n"
		"alternative trunk pbx (usable)\n"
		"failover on 503 34\n"
		"fax yes\n"
		"ok\n");
	/* the source decides: from another group, or from SIP */
	assert_string_equal(run("route test - 5559123 group:other", false),
			    "error: no route matches\n");
	assert_string_equal(run("route test - 5559123", false),
			    "error: no route matches\n");
	assert_non_null(strstr(run("route test - 2125551234 trunk:pbx", true),
			       "rule out (routes.conf:11)\n"
			       "called 2125551234 -> 2125551234\n"
			       "calling - -> -\n"
			       "target group pri (usable)\n"
			       "failover on nothing\n"
			       "time 00:00-24:00\n"
			       "days sun mon tue wed thu fri sat\n"
			       "fax no\nok\n"));
	assert_string_equal(run("route test 1 2 trunk:nosuch", false),
			    "error: no such trunk\n");
	assert_string_equal(
		run("route test 1 2 mars", false),
		"error: unknown source (pstn, sip, group:NAME or trunk:NAME)\n");
	assert_non_null(strstr(run("route test 1", false),
			       "usage: route test FROM TO"));
	assert_string_equal(run("route frobnicate", false),
			    "error: unknown subcommand (try help)\n");
	assert_non_null(strstr(run("help", true), "route test FROM TO"));
	gw_route_table_unref(gw.routes);
	gw.routes = NULL;
	/* no table at all */
	assert_string_equal(run("route test 1 2", false),
			    "error: no route matches\n");
	cfg_errors_release(&errs);
}

static void shows_without_spans(void **state)
{
	(void)state;
	assert_string_equal(run("show spans", true),
			    "no spans configured\nok\n");
	assert_string_equal(run("show channels", true),
			    "no spans configured\nok\n");
	assert_string_equal(run("show channels 1", false),
			    "error: no such span\n");
	assert_string_equal(run("show channels x", false),
			    "error: no such span\n");
	assert_string_equal(run("show calls", true),
			    "no calls\nrelease tones: busy to sip 0 to pstn 0; "
			    "congestion to sip 0 to pstn 0\nok\n");
	assert_string_equal(run("show rtp", true), "no calls\nok\n");
	assert_string_equal(
		run("show rtp 1", false),
		"usage: show rtp\nerror: wrong number of arguments\n");
}

/* show calls ends with the release tone counts, the same as the metric
 * pstngw_release_tones_total{tone,to}: [to][tone], sip/pstn, busy/cong. */
static void shows_release_tones(void **state)
{
	(void)state;
	gw.stats.release_tone_by[0][0] = 3;  /* busy to a SIP caller */
	gw.stats.release_tone_by[1][0] = 1;  /* busy to a PSTN caller */
	gw.stats.release_tone_by[0][1] = 7;  /* congestion to SIP */
	gw.stats.release_tone_by[1][1] = 12; /* congestion to the PSTN */
	assert_string_equal(run("show calls", true),
			    "no calls\nrelease tones: busy to sip 3 to pstn 1; "
			    "congestion to sip 7 to pstn 12\nok\n");
	/* extra words: usage, and no counts */
	assert_string_equal(run("show calls now", false),
			    "usage: show calls\n"
			    "error: wrong number of arguments\n");
}

static void shows_trunks(void **state)
{
	(void)state;
	const char *t = run("show trunks", true);

	assert_non_null(strstr(t, "trunk carrier: address 192.0.2.1:5061 "
				  "transport tls keepalive off state "));
	assert_non_null(strstr(t, "registration not-started\n"));
	assert_non_null(
		strstr(t, "trunk pbx: address 192.0.2.2 transport udp"));
	assert_non_null(strstr(t, "registration none\n"));
	t = run("show registrations", true);
	assert_non_null(strstr(t, "trunk carrier: registrar 192.0.2.1:5061 "
				  "user alice state not-started expires 0\n"));
	assert_null(strstr(t, "pbx"));
	gw.cfg.ntrunks = 0;
	assert_string_equal(run("show registrations", true),
			    "no registrations configured\nok\n");
	assert_string_equal(run("show trunks", true),
			    "no trunks configured\nok\n");
}

static void hangup_block_debug(void **state)
{
	(void)state;
	assert_string_equal(run("hangup 5", false), "error: no such call\n");
	assert_string_equal(run("hangup abc@host 16", false),
			    "error: no such call\n");
	assert_non_null(strstr(run("hangup 5 0", false), "Q.850 cause"));
	assert_non_null(strstr(run("hangup 5 128", false), "Q.850 cause"));
	assert_non_null(strstr(run("hangup 5 1x", false), "Q.850 cause"));
	assert_string_equal(run("block 1 1", false), "error: no such span\n");
	assert_string_equal(run("unblock -1 1", false),
			    "error: no such span\n");

	assert_false(gw_log_enabled(GW_LOG_SIP, LOG_DEBUG));
	run("debug sip debug", true);
	assert_true(gw_log_enabled(GW_LOG_SIP, LOG_DEBUG));
	assert_false(gw_log_enabled(GW_LOG_TDM, LOG_DEBUG));
	run("debug all info", true);
	assert_false(gw_log_enabled(GW_LOG_SIP, LOG_DEBUG));
	assert_true(gw_log_enabled(GW_LOG_TDM, LOG_INFO));
	const char *r = run("debug nosuch debug", false);

	assert_non_null(strstr(r, "modules: all main cfg sip"));
	assert_non_null(strstr(r, "error: unknown log module\n"));
	assert_non_null(strstr(run("debug sip loud", false), "unknown level"));
	assert_true(gw_log_enabled(GW_LOG_TDM, LOG_INFO)); /* unchanged */
}

static void out_bounded(void **state)
{
	static char chunk[4096];
	struct gw_ctl_out o = { 0 };

	(void)state;
	memset(chunk, 'z', sizeof(chunk) - 1);
	gw_ctl_printf(&o, "%d %s\n", 42, "x");
	assert_int_equal(o.len, 5);
	assert_memory_equal(o.buf, "42 x\n", 5);
	for (int i = 0; i < 2 * GW_CTL_OUT_MAX / 4096 && !o.overflow; i++)
		gw_ctl_printf(&o, "%s", chunk);
	assert_true(o.overflow);
	assert_true(o.len <= GW_CTL_OUT_MAX);
	size_t len = o.len;

	gw_ctl_printf(&o, "more"); /* ignored once overflowed */
	assert_int_equal(o.len, len);
	gw_ctl_out_release(&o);
	assert_null(o.buf);
	assert_int_equal(o.len, 0);
}

/* ---- the socket ------------------------------------------------------ */

static char path[64];

static int sock_setup(void **state)
{
	setup(state);
	snprintf(path, sizeof(path), "/tmp/gwctl-%ld/ctl.sock", (long)getpid());
	snprintf(gw.cfg.ctl_socket, sizeof(gw.cfg.ctl_socket), "%s", path);
	return 0;
}

static int sock_teardown(void **state)
{
	char dir[64];

	teardown(state);
	unlink(path);
	snprintf(dir, sizeof(dir), "/tmp/gwctl-%ld", (long)getpid());
	rmdir(dir);
	return 0;
}

static int client(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	return fd;
}

/* Turns the loop until fd has n final lines ("ok"/"error:") or EOF;
 * returns what came (bounded in turns). */
static const char *reply(int fd, int finals)
{
	static char buf[8192];
	size_t len = 0;

	for (int turn = 0; turn < 200; turn++) {
		int got = 0;

		gw_loop_once(gw.loop, 10);
		ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len,
				 MSG_DONTWAIT);

		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
		buf[len] = 0;
		for (const char *p = buf; (p = strstr(p, "\n")); p++)
			got += !strncmp(p + 1, "ok\n", 3) ||
			       !strncmp(p + 1, "error:", 6);
		got += !strncmp(buf, "ok\n", 3) || !strncmp(buf, "error:", 6);
		if (got >= finals)
			break;
	}
	buf[len] = 0;
	return buf;
}

static void sock_commands(void **state)
{
	(void)state;
	assert_int_equal(gw_ctl_start(&gw), 0);
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0660);

	int fd = client();
	static const char in[] = "version\r\nfrobnicate\n\x01\x02\x00\x03\n"
				 "show calls\n";

	assert_int_equal(send(fd, in, sizeof(in) - 1, 0), sizeof(in) - 1);
	const char *r = reply(fd, 4);

	assert_non_null(strstr(r, "pstngw "));
	assert_non_null(strstr(r, "\nok\nerror: unknown command (try help)\n"
				  "error: the command contains bytes that are "
				  "not text\nno calls\nrelease tones: "));
	/* an overlong line: one error, then the connection still works */
	char big[GW_CTL_LINE_MAX * 3];

	memset(big, 'y', sizeof(big));
	assert_int_equal(send(fd, big, sizeof(big), 0), sizeof(big));
	assert_int_equal(send(fd, "\nversion\n", 9, 0), 9);
	r = reply(fd, 2);
	assert_non_null(strstr(r, "error: command line too long (at most 511 "
				  "bytes)\npstngw "));
	assert_non_null(strstr(r, "\nok\n"));
	/* half-closed: the reply comes, then the daemon closes */
	assert_int_equal(send(fd, "help\n", 5, 0), 5);
	shutdown(fd, SHUT_WR);
	r = reply(fd, 99);
	assert_non_null(strstr(r, "show spans\n"));
	char c;

	assert_int_equal(recv(fd, &c, 1, MSG_DONTWAIT), 0);
	close(fd);
	gw_ctl_stop(&gw);
	assert_int_equal(stat(path, &st), -1); /* removed */
}

static void sock_limits(void **state)
{
	int fds[GW_CTL_MAX_CONNS + 1];

	(void)state;
	assert_int_equal(gw_ctl_start(&gw), 0);
	for (int i = 0; i <= GW_CTL_MAX_CONNS; i++) {
		fds[i] = client();
		gw_loop_once(gw.loop, 10);
	}
	/* the one too many is told and closed */
	assert_string_equal(reply(fds[GW_CTL_MAX_CONNS], 1),
			    "error: too many control connections\n");
	/* a silent client stalls nobody */
	assert_int_equal(send(fds[0], "show sp", 7, 0), 7);
	assert_int_equal(send(fds[1], "version\n", 8, 0), 8);
	assert_non_null(strstr(reply(fds[1], 1), "\nok\n"));
	for (int i = 0; i <= GW_CTL_MAX_CONNS; i++)
		close(fds[i]);
	for (int i = 0; i < 20; i++)
		gw_loop_once(gw.loop, 5);
	/* the slots came back */
	int fd = client();

	assert_int_equal(send(fd, "version\n", 8, 0), 8);
	assert_non_null(strstr(reply(fd, 1), "\nok\n"));
	close(fd);
}

static void sock_path_checks(void **state)
{
	struct gw other;

	(void)state;
	assert_int_equal(gw_ctl_start(&gw), 0);
	/* a live daemon's socket is not taken over */
	memcpy(&other, &gw, sizeof(other));
	other.ctl = NULL;
	assert_int_equal(gw_ctl_start(&other), EADDRINUSE);
	assert_null(other.ctl);
	/* a stale one (nobody listening) is replaced */
	gw_ctl_stop(&gw);
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(s);
	assert_int_equal(gw_ctl_start(&gw), 0);
	gw_ctl_stop(&gw);
	/* a regular file is never removed */
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fclose(f);
	assert_int_equal(gw_ctl_start(&gw), EEXIST);
	assert_null(gw.ctl);
	unlink(path);
	/* empty: no socket at all, not an error */
	gw.cfg.ctl_socket[0] = 0;
	assert_int_equal(gw_ctl_start(&gw), 0);
	assert_null(gw.ctl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(version_help, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_commands, setup, teardown),
		cmocka_unit_test_setup_teardown(route_test, setup, teardown),
		cmocka_unit_test_setup_teardown(shows_without_spans, setup,
						teardown),
		cmocka_unit_test_setup_teardown(shows_release_tones, setup,
						teardown),
		cmocka_unit_test_setup_teardown(shows_trunks, setup, teardown),
		cmocka_unit_test_setup_teardown(hangup_block_debug, setup,
						teardown),
		cmocka_unit_test(out_bounded),
		cmocka_unit_test_setup_teardown(sock_commands, sock_setup,
						sock_teardown),
		cmocka_unit_test_setup_teardown(sock_limits, sock_setup,
						sock_teardown),
		cmocka_unit_test_setup_teardown(sock_path_checks, sock_setup,
						sock_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
