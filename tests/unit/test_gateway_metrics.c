/* gateway/metrics.c: label escaping, rendering (HELP/TYPE, counts), the
 * HTTP request parser and its bad requests, and the responder on a real
 * loopback socket. */
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
#include <unistd.h>

#include "gateway/gw.h"
#include "gateway/log.h"
#include "gateway/metrics.h"
#include "gateway/net.h"

static void label_escape(void **state)
{
	char b[32];

	assert_int_equal(gw_metrics_label_escape(b, sizeof(b), "plain"), 5);
	assert_string_equal(b, "plain");
	gw_metrics_label_escape(b, sizeof(b), "a\"b\\c\nd");
	assert_string_equal(b, "a\\\"b\\\\c\\nd");
	assert_int_equal(gw_metrics_label_escape(b, 4, "a\"b"), -1);
	assert_int_equal(gw_metrics_label_escape(b, 3, "abc"), -1);
}

static void mbuf_grows(void **state)
{
	struct gw_mbuf b = { 0 };

	for (int i = 0; i < 2000; i++)
		gw_mbuf_printf(&b, "line %d\n", i);
	assert_false(b.oom);
	assert_non_null(strstr(b.p, "line 0\nline 1\n"));
	assert_non_null(strstr(b.p, "line 1999\n"));
	assert_int_equal(b.len, strlen(b.p));
	gw_mbuf_release(&b);
	assert_null(b.p);
}

static struct gw gw;

static void render_counts(void **state)
{
	struct gw_mbuf b = { 0 };
	struct media_stats st = { .rx_packets = 100,
				  .tx_packets = 101,
				  .rx_lost = 3,
				  .jitter_us = 1500 };

	memset(&gw, 0, sizeof(gw));
	assert_int_equal(gw_metrics_start(&gw), 0); /* no listen: counters */
	gw.stats.calls_from_pstn = 2;
	gw.stats.calls_from_sip = 1;
	gw.ncalls = 1;
	gw_metrics_call_end(&gw, true, GW_METRICS_ANSWERED);
	gw_metrics_call_end(&gw, true, GW_METRICS_ABANDONED);
	gw_metrics_call_end(&gw, false, GW_METRICS_FAILED);
	gw_metrics_media(&gw, &st);
	gw_metrics_media(&gw, &st);
	snprintf(gw.cfg.trunks[0].name, CFG_NAME_LEN, "we\"ird");
	gw.cfg.trunks[0].keepalive_s = 30;
	gw.cfg.ntrunks = 1;
	gw.stats.release_tone_by[0][0] = 3; /* busy to SIP */
	gw.stats.release_tone_by[1][1] = 2; /* congestion to the PSTN */
	gw.stats.udptl_malformed = 3;
	gw.stats.udptl_stale_rtp = 7;
	gw.stats.fax_tcf_good = 4;
	gw.stats.fax_tcf_bad = 1;
	gw.stats.fax_t38_idle_kept = 2;
	gw.stats.fax_t38_idle_released = 5;
	gw.stats.fax_watchdog = 6;
	gw.siptcp.conns.n = 2;
	gw_metrics_render(&gw, &b);
	assert_false(b.oom);
	assert_non_null(strstr(b.p, "# HELP pstngw_calls_ended_total "));
	assert_non_null(
		strstr(b.p, "# TYPE pstngw_calls_ended_total counter\n"));
	assert_non_null(strstr(
		b.p, "pstngw_calls_started_total{direction=\"pstn-sip\"} 2\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_calls_ended_total{direction=\"pstn-sip\",result=\"answered\"} 1\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_calls_ended_total{direction=\"pstn-sip\",result=\"abandoned\"} 1\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_calls_ended_total{direction=\"sip-pstn\",result=\"failed\"} 1\n"));
	assert_non_null(strstr(b.p, "pstngw_calls_active 1\n"));
	/* the live gauges the soak checks return to 0 */
	assert_non_null(strstr(b.p, "pstngw_media_sessions 0\n"));
	assert_non_null(strstr(b.p, "pstngw_rtp_sockets 0\n"));
	assert_non_null(strstr(b.p, "pstngw_sip_tcp_connections 2\n"));
	assert_non_null(strstr(b.p, "# TYPE pstngw_rtp_sockets gauge\n"));
	/* stale RTP at a T.38 switch is not counted as malformed UDPTL */
	assert_non_null(strstr(
		b.p, "pstngw_udptl_packets_total{kind=\"malformed\"} 3\n"));
	assert_non_null(strstr(
		b.p, "pstngw_udptl_packets_total{kind=\"stale_rtp\"} 7\n"));
	/* localTCF checks by result; a finished fax's silent T.38 apart
	 * from the watchdog's failures */
	assert_non_null(
		strstr(b.p, "pstngw_fax_local_tcf_total{result=\"good\"} 4\n"));
	assert_non_null(
		strstr(b.p, "pstngw_fax_local_tcf_total{result=\"bad\"} 1\n"));
	assert_non_null(
		strstr(b.p, "pstngw_fax_t38_idle_total{action=\"kept\"} 2\n"));
	assert_non_null(strstr(
		b.p, "pstngw_fax_t38_idle_total{action=\"released\"} 5\n"));
	assert_non_null(strstr(b.p, "pstngw_fax_watchdog_total 6\n"));
	assert_non_null(
		strstr(b.p, "pstngw_rtp_packets_total{dir=\"rx\"} 200\n"));
	assert_non_null(strstr(b.p, "pstngw_rtp_lost_packets_total 6\n"));
	assert_non_null(
		strstr(b.p, "pstngw_rtp_jitter_seconds_sum 0.003000\n"));
	assert_non_null(strstr(b.p, "pstngw_rtp_jitter_seconds_count 2\n"));
	assert_non_null(
		strstr(b.p, "# TYPE pstngw_rtp_jitter_seconds summary\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_release_tones_total{tone=\"busy\",to=\"sip\"} 3\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_release_tones_total{tone=\"congestion\",to=\"pstn\"} "
		"2\n"));
	assert_non_null(strstr(
		b.p,
		"pstngw_release_tones_total{tone=\"busy\",to=\"pstn\"} 0\n"));
	/* a trunk name with a quote stays one valid label */
	assert_non_null(
		strstr(b.p, "pstngw_trunk_up{trunk=\"we\\\"ird\"} -1\n"));
	assert_non_null(strstr(b.p, "pstngw_sip_rejected_total{reason=\""));
	/* every sample line belongs to a family announced by TYPE */
	for (char *l = b.p; *l;) {
		char *nl = strchr(l, '\n');
		char name[96];
		size_t k = strcspn(l, "{ ");

		assert_non_null(nl);
		if (*l != '#') {
			char want[160];

			snprintf(name, sizeof(name), "%.*s", (int)k, l);
			for (const char *sfx = "_sum"; sfx; sfx = NULL)
				if (k > 4 && !strcmp(name + k - 4, sfx))
					name[k - 4] = '\0';
			if (k > 6 && !strcmp(name + strlen(name) - 6, "_count"))
				name[strlen(name) - 6] = '\0';
			snprintf(want, sizeof(want), "# TYPE %s ", name);
			assert_non_null(strstr(b.p, want));
		}
		l = nl + 1;
	}
	gw_mbuf_release(&b);
	gw_metrics_stop(&gw);
	assert_null(gw.metrics);
}

#define P(s) gw_metrics_http_parse(s, strlen(s), GW_METRICS_REQ_MAX)

static void http_ok(void **state)
{
	assert_int_equal(P("GET /metrics HTTP/1.0\r\n\r\n"), 200);
	assert_int_equal(P("GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: "
			   "text/plain\r\n\r\n"),
			 200);
	assert_int_equal(P("GET /metrics?x=1 HTTP/1.1\n\n"), 200);
}

static void http_incomplete(void **state)
{
	assert_int_equal(P(""), 0);
	assert_int_equal(P("GET /metrics HTTP/1.0\r\n"), 0);
	assert_int_equal(P("GET /metrics HTTP/1.0\r\nHost: x\r\n"), 0);
}

static void http_bad(void **state)
{
	assert_int_equal(P("GET /other HTTP/1.0\r\n\r\n"), 404);
	assert_int_equal(P("GET /metricsx HTTP/1.0\r\n\r\n"), 404);
	assert_int_equal(P("POST /metrics HTTP/1.0\r\n\r\n"), 405);
	assert_int_equal(P("HEAD /metrics HTTP/1.0\r\n\r\n"), 405);
	assert_int_equal(P("GET /metrics HTTP/2.0\r\n\r\n"), 505);
	assert_int_equal(P("GET /metrics\r\n\r\n"), 400);
	assert_int_equal(P("GET  /metrics HTTP/1.0\r\n\r\n"), 400);
	assert_int_equal(P("get /metrics HTTP/1.0\r\n\r\n"), 400);
	assert_int_equal(P("GET metrics HTTP/1.0\r\n\r\n"), 400);
	assert_int_equal(P("GET /metrics FOO/1.0\r\n\r\n"), 400);
	assert_int_equal(P("GET /metrics HTTP/1.0\r\nno colon\r\n\r\n"), 400);
	assert_int_equal(P("GET /metrics HTTP/1.0\r\n folded: x\r\n\r\n"), 400);
	assert_int_equal(P("GET /met\x01rics HTTP/1.0\r\n\r\n"), 400);
	assert_int_equal(P("\r\n\r\n"), 400);
	assert_int_equal(
		gw_metrics_http_parse("GET /metrics HTTP/1.0\0\r\n\r\n", 26,
				      GW_METRICS_REQ_MAX),
		400);
}

static void http_too_large(void **state)
{
	char big[GW_METRICS_REQ_MAX];

	memset(big, 'a', sizeof(big));
	assert_int_equal(gw_metrics_http_parse(big, sizeof(big), sizeof(big)),
			 431);
	assert_int_equal(gw_metrics_http_parse(big, 100, sizeof(big)), 0);
}

/* The responder on the loop: one GET, one 404, counted. */
static char *exchange(int port, const char *req)
{
	static char buf[65536];
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	size_t len = 0;

	assert_int_equal(gw_sockaddr(&ss, &sl, "127.0.0.1", (unsigned)port), 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	/* bounded: the loop answers within a few iterations */
	for (int i = 0; i < 200; i++) {
		gw_loop_once(gw.loop, 10);
		ssize_t n = recv(fd, buf + len, sizeof(buf) - 1 - len,
				 MSG_DONTWAIT);

		if (n == 0)
			break;
		if (n > 0)
			len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return buf;
}

static void http_server(void **state)
{
	char *r;

	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	assert_non_null(gw.loop);
	snprintf(gw.cfg.metrics_listen, sizeof(gw.cfg.metrics_listen),
		 "127.0.0.1:0");
	snprintf(gw.cfg.metrics_host, sizeof(gw.cfg.metrics_host), "127.0.0.1");
	gw.cfg.metrics_port = 0; /* any free port */
	gw.stats.calls_from_sip = 4;
	assert_int_equal(gw_metrics_start(&gw), 0);
	int port = (int)gw_metrics_port(&gw);

	assert_true(port > 0);
	r = exchange(port, "GET /metrics HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, "HTTP/1.0 200 OK\r\n"));
	assert_non_null(strstr(r, "Content-Type: text/plain; version=0.0.4"));
	assert_non_null(strstr(
		r, "pstngw_calls_started_total{direction=\"sip-pstn\"} 4\n"));
	r = exchange(port, "GET / HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, "HTTP/1.0 404 Not Found\r\n"));
	r = exchange(port, "BREW /metrics HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(r, "HTTP/1.0 405 "));
	assert_non_null(strstr(r, "Allow: GET\r\n"));
	r = exchange(port, "GET /metrics HTTP/1.0\r\n\r\n");
	assert_non_null(strstr(
		r, "pstngw_metrics_http_requests_total{outcome=\"ok\"} 1\n"));
	assert_non_null(strstr(
		r,
		"pstngw_metrics_http_requests_total{outcome=\"rejected\"} 2\n"));
	gw_metrics_stop(&gw);
	gw_loop_free(gw.loop);
}

/* [general] metrics_listen: loopback address:port only. */
static int load(const char *val, struct cfg_errors *errs)
{
	static struct gw_cfg cfg;
	char text[160];
	FILE *f;
	int err;

	snprintf(text, sizeof(text), "[general]\nmetrics_listen = %s\n", val);
	f = fmemopen(text, strlen(text), "r");
	assert_non_null(f);
	err = cfg_load_stream(&cfg, f, "m.conf", errs);
	fclose(f);
	return err;
}

static void cfg_listen(void **state)
{
	static const char *const good[] = { "", "127.0.0.1:9464", "127.9.9.9:1",
					    "[::1]:9464",
					    "[0:0:0:0:0:0:0:1]:80" };
	static const struct {
		const char *val, *why;
	} bad[] = {
		{ "10.0.0.1:9464", "'10.0.0.1' is not a loopback address" },
		{ "[::2]:80", "'::2' is not a loopback address" },
		{ "0.0.0.0:9464", "'0.0.0.0' is not a loopback address" },
		{ "127.0.0.1", "'127.0.0.1': expected address:port" },
		{ "127.0.0.1:0", "bad port" },
		{ "127.0.0.1:70000", "bad port" },
		{ "localhost:9464", "is not an IPv4 or IPv6 address" },
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		struct cfg_errors errs = { 0 };

		assert_int_equal(load(good[i], &errs), 0);
		cfg_errors_release(&errs);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_errors errs = { 0 };

		assert_int_equal(load(bad[i].val, &errs), EINVAL);
		assert_non_null(errs.text);
		assert_non_null(strstr(errs.text, "m.conf:2: [general] "
						  "metrics_listen: "));
		assert_non_null(strstr(errs.text, bad[i].why));
		cfg_errors_release(&errs);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(label_escape),
		cmocka_unit_test(mbuf_grows),
		cmocka_unit_test(render_counts),
		cmocka_unit_test(http_ok),
		cmocka_unit_test(http_incomplete),
		cmocka_unit_test(http_bad),
		cmocka_unit_test(http_too_large),
		cmocka_unit_test(http_server),
		cmocka_unit_test(cfg_listen),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
