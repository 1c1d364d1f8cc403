/*
 * gateway/gw.c: the x-pstngw-trunks event package. Its body (the summary
 * line with drain= last, one line per span, a span down counting no free
 * channel) and its NOTIFYs through a real SIP stack: the first at once,
 * then one per drain change after the coalescing delay, none when nothing
 * changed. (test_gateway_drain: the body on a span pair in busy-out.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "gateway/drain.h"
#include "gateway/gw.h"
#include "gateway/log.h"

static struct gw gw;

static int setup(void **state)
{
	(void)state;
	memset(&gw, 0, sizeof(gw));
	gw.loop = gw_loop_alloc();
	gw.hctx.loop = gw.loop;
	return gw.loop ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	gw_loop_free(gw.loop);
	return 0;
}

/* x-pstngw-trunks: drain= ends the summary line, after the four fields
 * older subscribers read; no spans here (busyout checks it with one). */
static void trunks_body(void **state)
{
	char b[256];

	(void)state;
	assert_int_equal(gw_trunks_state(&gw, b, sizeof(b)), 42);
	assert_string_equal(b, "spans=0 up=0 channels=0 free=0 drain=off\r\n");
	gw.ncalls = 1;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	assert_true(gw_trunks_state(&gw, b, sizeof(b)) > 0);
	assert_string_equal(b, "spans=0 up=0 channels=0 free=0 "
			       "drain=draining\r\n");
	gw.ncalls = 0;
	gw_drain_event(&gw, GW_DRAIN_EV_CALL_GONE);
	assert_true(gw_trunks_state(&gw, b, sizeof(b)) > 0);
	assert_non_null(strstr(b, " drain=drained\r\n"));
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	assert_true(gw_trunks_state(&gw, b, sizeof(b)) > 0);
	assert_non_null(strstr(b, " drain=off\r\n"));
	/* no room for the whole body: nothing rather than a cut one */
	assert_int_equal(gw_trunks_state(&gw, b, 42), -1);
}

/* ---- NOTIFY on drain changes, through a real SIP stack ---------------- */

#define MAX_NOTIFIES 8
static char notified[MAX_NOTIFIES][16]; /* drain= of each NOTIFY sent */
static unsigned nnotified;

static int sub_send(void *arg, const struct sip_addr *dst, const void *buf,
		    size_t len)
{
	char m[2048];
	const char *d;

	(void)arg;
	(void)dst;
	snprintf(m, sizeof(m), "%.*s", (int)len, (const char *)buf);
	if (strncmp(m, "NOTIFY ", 7) || nnotified == MAX_NOTIFIES)
		return 0;
	d = strstr(m, " drain=");
	snprintf(notified[nnotified++], sizeof(notified[0]), "%.*s",
		 d ? (int)strcspn(d + 7, "\r\n") : 1, d ? d + 7 : "-");
	return 0;
}

static int sub_state(void *arg, const char *event, char *body, size_t size)
{
	(void)arg; /* as gw.c's hook */
	return strcmp(event, GW_TRUNKS_EVENT)
		       ? -1
		       : gw_trunks_state(&gw, body, size);
}

static int sub_setup(void **state)
{
	struct sip_hooks h;
	/* T1 long enough that no NOTIFY is retransmitted during a test */
	struct sip_stack_cfg sc = { .local_ip = "127.0.0.1",
				    .t1_ms = 10000,
				    .allow_events = GW_TRUNKS_EVENT };

	if (setup(state))
		return -1;
	gw_hooks_sip_init(&h, &gw.hctx);
	h.send = sub_send;
	h.event_state = sub_state;
	nnotified = 0;
	return sip_stack_alloc(&gw.sip, &sc, &h) ? -1 : 0;
}

static int sub_teardown(void **state)
{
	sip_stack_free(gw.sip);
	gw.sip = NULL;
	gw_hookctx_release(&gw.hctx);
	return teardown(state);
}

static void loop_for(unsigned ms)
{
	uint64_t end = gw_loop_now(gw.loop) + ms;

	for (int i = 0; i < 1000 && gw_loop_now(gw.loop) < end; i++)
		gw_loop_once(gw.loop, 5);
}

static void trunks_notify(void **state)
{
	static const char sub[] =
		"SUBSCRIBE sip:trunks@127.0.0.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5075;branch=z9hG4bKdr1\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:mon@127.0.0.1:5075>;tag=mon\r\n"
		"To: <sip:trunks@127.0.0.1>\r\n"
		"Call-ID: drain-sub@127.0.0.1\r\nCSeq: 1 SUBSCRIBE\r\n"
		"Contact: <sip:mon@127.0.0.1:5075>\r\n"
		"Event: x-pstngw-trunks\r\nExpires: 600\r\n"
		"Content-Length: 0\r\n\r\n";
	struct sip_addr src;

	(void)state;
	assert_int_equal(sip_addr_set(&src, "127.0.0.1", 5075), 0);
	assert_int_equal(sip_stack_recv(gw.sip, &src, sub, sizeof(sub) - 1), 0);
	assert_int_equal(nnotified, 1); /* the first, at once */
	assert_string_equal(notified[0], "off");
	/* drain with a call up: one NOTIFY, after the coalescing delay */
	gw.ncalls = 1;
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	assert_int_equal(nnotified, 1);
	assert_non_null(gw.trunks_timer);
	loop_for(300);
	assert_int_equal(nnotified, 2);
	assert_string_equal(notified[1], "draining");
	/* drain again and a call gone with one left: no change, no NOTIFY */
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	gw_drain_event(&gw, GW_DRAIN_EV_CALL_GONE);
	loop_for(300);
	assert_int_equal(nnotified, 2);
	/* the last call gone: drained */
	gw.ncalls = 0;
	gw_drain_event(&gw, GW_DRAIN_EV_CALL_GONE);
	loop_for(300);
	assert_int_equal(nnotified, 3);
	assert_string_equal(notified[2], "drained");
	/* undrain: off */
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	loop_for(300);
	assert_int_equal(nnotified, 4);
	assert_string_equal(notified[3], "off");
	/* drain and undrain within the delay: one NOTIFY, the state now */
	gw_drain_event(&gw, GW_DRAIN_EV_DRAIN);
	gw_drain_event(&gw, GW_DRAIN_EV_UNDRAIN);
	loop_for(300);
	assert_int_equal(nnotified, 5);
	assert_string_equal(notified[4], "off");
}

/* A configured span whose D-channel never came up (nobody on its loop
 * socket): listed down, its channels counted, none free. */
static void trunks_body_span_down(void **state)
{
	struct tdm_hooks h;
	struct tdm_span_cfg tc = {
		.id = 3,
		.type = TDM_SPAN_E1,
		.role = TDM_ROLE_CPE,
		.driver = "loop",
		.loop_path = "/tmp/test_gateway_gw_nobody.sock",
		.loop_mode = TDM_LOOP_CLIENT,
	};
	struct cfg_span sc = { .id = 3 };
	char b[256];

	(void)state;
	snprintf(sc.group, sizeof(sc.group), "e1a");
	gw_hooks_tdm_init(&h, &gw.hctx);
	assert_int_equal(tdm_span_alloc(&tc, &h, &gw.spans[0].span), 0);
	gw.spans[0].cfg = &sc;
	gw.nspans = 1;
	gw.drain.state = GW_DRAIN_DRAINED;
	assert_true(gw_trunks_state(&gw, b, sizeof(b)) > 0);
	assert_string_equal(b,
			    "spans=1 up=0 channels=30 free=0 drain=drained\r\n"
			    "span=3 state=down group=e1a channels=30 "
			    "free=0\r\n");
	tdm_span_free(gw.spans[0].span);
	gw_hookctx_release(&gw.hctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(trunks_body, setup, teardown),
		cmocka_unit_test_setup_teardown(trunks_body_span_down, setup,
						teardown),
		cmocka_unit_test_setup_teardown(trunks_notify, sub_setup,
						sub_teardown),
	};

	gw_log_init("test", false);
	gw_log_set_level_all(LOG_CRIT);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
