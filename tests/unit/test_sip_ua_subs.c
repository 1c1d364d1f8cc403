/* test_sip_ua_subs.c: SUBSCRIBE/NOTIFY (RFC 6665) and REFER (RFC 3515)
 * (sip/ua_subs.c), in virtual time. */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

static int nstate;
static int state_hook(void *arg, const char *event, char *body, size_t size)
{
	(void)arg;
	if (strcmp(event, "x-pstngw-trunks"))
		return -1;
	return snprintf(body, size, "spans=1 up=1 free=%d\r\n", 23 - nstate++);
}

static void subs_stack(void)
{
	struct sip_hooks h = fk_hooks();
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .allow_events = "x-pstngw-trunks" };
	h.event_state = state_hook;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	nstate = 0;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
}

static int subscribe(const char *branch, const char *totag, unsigned cseq,
		     const char *event, unsigned expires)
{
	return fk_recv("SUBSCRIBE sip:gw@192.0.2.1 SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 192.0.2.10;branch=%s\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: <sip:mon@192.0.2.10>;tag=ms\r\n"
		       "To: <sip:gw@192.0.2.1>%s%s\r\n"
		       "Call-ID: sub-1@192.0.2.10\r\nCSeq: %u SUBSCRIBE\r\n"
		       "Contact: <sip:mon@192.0.2.10>\r\n"
		       "Event: %s\r\nExpires: %u\r\n"
		       "Content-Length: 0\r\n\r\n",
		       branch, totag ? ";tag=" : "", totag ? totag : "", cseq,
		       event, expires);
}

static struct sip_stats stats(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s;
}

/* SUBSCRIBE: 200 with Expires, NOTIFY with the state; change, refresh,
 * expiry with a terminated NOTIFY. */
static void subs_lifecycle(void **state)
{
	(void)state;
	char v[128], tag[32];
	subs_stack();
	subscribe("z9hG4bKs1", NULL, 1, "x-pstngw-trunks", 600);
	assert_int_equal(fk_code(0), 200);
	assert_true(fk_hdr(0, "Expires", v, sizeof(v)));
	assert_string_equal(v, "600");
	assert_true(fk_hdr(0, "Contact", v, sizeof(v)));
	fk_totag(0, tag, sizeof(tag));
	assert_true(fk_is(1, "NOTIFY"));
	assert_true(fk_hdr(1, "Event", v, sizeof(v)));
	assert_string_equal(v, "x-pstngw-trunks");
	assert_true(fk_hdr(1, "Subscription-State", v, sizeof(v)));
	assert_string_equal(v, "active;expires=600");
	assert_true(fk_hdr(1, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "text/plain");
	assert_non_null(strstr(fk.sent[1].buf, "free=23"));
	assert_true(fk_hdr(1, "From", v, sizeof(v)));
	assert_non_null(strstr(v, tag));
	assert_int_equal(stats().active_subs, 1);
	char dump[512];
	sip_stack_dump(fk.st, dump, sizeof(dump));
	assert_non_null(strstr(dump, "subscription x-pstngw-trunks "
				     "sub-1@192.0.2.10 expires 600 s"));
	fk_answer(1, 200, NULL, NULL);
	sip_stack_event_changed(fk.st, "x-pstngw-trunks");
	sip_stack_event_changed(fk.st, "other");
	assert_int_equal(fk.nsent, 3);
	assert_non_null(strstr(fk.sent[2].buf, "free=22"));
	fk_answer(2, 200, NULL, NULL);
	/* refresh in the dialog */
	fk_advance(300000);
	subscribe("z9hG4bKs2", tag, 2, "x-pstngw-trunks", 120);
	assert_int_equal(fk_code(3), 200);
	assert_true(fk_is(4, "NOTIFY"));
	assert_true(fk_hdr(4, "Subscription-State", v, sizeof(v)));
	assert_string_equal(v, "active;expires=120");
	fk_answer(4, 200, NULL, NULL);
	fk_advance(119999);
	assert_int_equal(stats().active_subs, 1);
	fk_advance(1);
	assert_int_equal(stats().active_subs, 0);
	int n = fk_find_req("NOTIFY");
	assert_true(fk_hdr((unsigned)n, "Subscription-State", v, sizeof(v)));
	assert_string_equal(v, "terminated;reason=timeout");
	fk_advance(40000);
	fk_done();
}

/* Unknown package 489, too brief 423, fetch (Expires 0), unsubscribe,
 * a NOTIFY answered 481 ends it, shutdown terminates the others. */
static void subs_errors(void **state)
{
	(void)state;
	char v[128], tag[32];
	subs_stack();
	subscribe("z9hG4bKs1", NULL, 1, "presence", 600);
	assert_int_equal(fk_code(0), 489);
	assert_true(fk_hdr(0, "Allow-Events", v, sizeof(v)));
	assert_string_equal(v, "x-pstngw-trunks");
	subscribe("z9hG4bKs2", NULL, 1, "x-pstngw-trunks", 10);
	assert_int_equal(fk_code(1), 423);
	assert_true(fk_hdr(1, "Min-Expires", v, sizeof(v)));
	subscribe("z9hG4bKs3", NULL, 1, "x-pstngw-trunks", 0);
	assert_int_equal(fk_code(2), 200);
	assert_true(fk_hdr(3, "Subscription-State", v, sizeof(v)));
	assert_string_equal(v, "terminated;reason=timeout");
	assert_int_equal(stats().active_subs, 0);
	/* 481 to the NOTIFY ends the subscription */
	subscribe("z9hG4bKs4", NULL, 1, "x-pstngw-trunks", 600);
	assert_int_equal(stats().active_subs, 1);
	fk_answer(fk.nsent - 1, 481, NULL, NULL);
	assert_int_equal(stats().active_subs, 0);
	/* an unknown in-dialog request to an ended subscription: 481 */
	fk_totag(fk.nsent - 2, tag, sizeof(tag));
	subscribe("z9hG4bKs5", tag, 2, "x-pstngw-trunks", 600);
	assert_int_equal(fk_code(fk.nsent - 1), 481);
	/* shutdown */
	subscribe("z9hG4bKs6", NULL, 1, "x-pstngw-trunks", 600);
	assert_int_equal(stats().active_subs, 1);
	sip_stack_shutdown(fk.st);
	assert_int_equal(stats().active_subs, 0);
	int n = fk_find_req("NOTIFY");
	assert_true(fk_hdr((unsigned)n, "Subscription-State", v, sizeof(v)));
	assert_string_equal(v, "terminated;reason=noresource");
	subscribe("z9hG4bKs7", NULL, 1, "x-pstngw-trunks", 600);
	assert_int_equal(fk_code(fk.nsent - 1), 503);
	fk_done();
	/* a stack serving no package: 489 */
	fk_stack();
	subscribe("z9hG4bKs1", NULL, 1, "x-pstngw-trunks", 600);
	assert_int_equal(fk_code(0), 489);
	fk_done();
}

static void subs_alloc_failures(void **state)
{
	(void)state;
	for (long n = 1; n < 10; n++) {
		subs_stack();
		fk_fail_nth(n);
		subscribe("z9hG4bKs1", NULL, 1, "x-pstngw-trunks", 600);
		assert_true(fk.nsent >= 1);
		sip_stack_event_changed(fk.st, "x-pstngw-trunks");
		fk_advance(700000);
		fk_done();
	}
}

/* REFER: 202, NOTIFY 100 Trying at once, event with Refer-To, then the
 * app's final report terminates the implicit subscription. */
static void refer_flow(void **state)
{
	(void)state;
	char tag[32], v[128];
	fk_stack();
	struct sip_call *c = fk_established(tag, sizeof(tag));
	assert_int_equal(sip_call_refer_notify(c, 200), EPROTO);
	unsigned n0 = fk.nsent;
	fk_req("REFER", "z9hG4bKr1", tag, 2,
	       "Refer-To: <sip:5550000@192.0.2.20>\r\n");
	assert_int_equal(fk_code(n0), 202);
	assert_true(fk_is(n0 + 1, "NOTIFY"));
	assert_true(fk_hdr(n0 + 1, "Event", v, sizeof(v)));
	assert_string_equal(v, "refer;id=2");
	assert_true(fk_hdr(n0 + 1, "Content-Type", v, sizeof(v)));
	assert_string_equal(v, "message/sipfrag;version=2.0");
	assert_non_null(strstr(fk.sent[n0 + 1].buf, "SIP/2.0 100 Trying"));
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_REFER);
	assert_int_equal(sip_call_refer_notify(c, 200), 0);
	assert_true(fk_is(n0 + 2, "NOTIFY"));
	assert_true(fk_hdr(n0 + 2, "Subscription-State", v, sizeof(v)));
	assert_string_equal(v, "terminated;reason=noresource");
	assert_non_null(strstr(fk.sent[n0 + 2].buf, "SIP/2.0 200 OK"));
	assert_int_equal(sip_call_refer_notify(c, 200), EPROTO);
	/* no Refer-To: 400 */
	fk_req("REFER", "z9hG4bKr2", tag, 3, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 400);
	fk_advance(40000);
	fk_done();
}

/* In-dialog SUBSCRIBEs pass the screen hook too: a refused refresh or
 * unsubscribe changes nothing (expiry, CSeq), a passed one works. */
static unsigned scr_code, scr_calls;

static unsigned scr_hook(void *arg, const struct sip_addr *src,
			 const struct sip_msg *req)
{
	(void)arg;
	(void)src;
	(void)req;
	scr_calls++;
	return scr_code;
}

static void subs_screened(void **state)
{
	struct sip_hooks h = fk_hooks();
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .allow_events = "x-pstngw-trunks" };
	char tag[32];

	(void)state;
	h.event_state = state_hook;
	h.screen = scr_hook;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	nstate = 0;
	scr_code = 0;
	scr_calls = 0;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	subscribe("z9hG4bKq1", NULL, 1, "x-pstngw-trunks", 600);
	assert_int_equal(fk_code(0), 200);
	assert_int_equal(scr_calls, 1);
	fk_totag(0, tag, sizeof(tag));
	fk_answer(1, 200, NULL, NULL);
	/* an unsubscribe refused: 403, still active */
	scr_code = 403;
	subscribe("z9hG4bKq2", tag, 2, "x-pstngw-trunks", 0);
	assert_int_equal(fk_code(fk.nsent - 1), 403);
	assert_int_equal(scr_calls, 2);
	assert_int_equal(stats().active_subs, 1);
	/* dropped: no answer */
	scr_code = 1;
	unsigned n = fk.nsent;
	subscribe("z9hG4bKq3", tag, 2, "x-pstngw-trunks", 0);
	assert_int_equal(fk.nsent, n);
	/* passed: the same CSeq 2 unsubscribes (the refusals took none) */
	scr_code = 0;
	subscribe("z9hG4bKq4", tag, 2, "x-pstngw-trunks", 0);
	assert_int_equal(fk_code(n), 200);
	assert_int_equal(stats().active_subs, 0);
	fk_advance(40000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(subs_lifecycle),
		cmocka_unit_test(subs_errors),
		cmocka_unit_test(subs_alloc_failures),
		cmocka_unit_test(refer_flow),
		cmocka_unit_test(subs_screened),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
