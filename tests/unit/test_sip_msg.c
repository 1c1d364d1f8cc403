/* test_sip_msg.c: message builder (sip/msg.c). */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

static const char req[] =
	"BYE sip:a@192.0.2.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n"
	"Via: SIP/2.0/UDP 192.0.2.11;branch=z9hG4bK2\r\n"
	"From: <sip:b@h>;tag=9\r\nTo: <sip:a@h>\r\nCall-ID: cid\r\n"
	"CSeq: 4 BYE\r\nContent-Length: 0\r\n\r\n";

static void msg_response(void **state)
{
	struct sip_msg m, r;
	char buf[2048];
	struct sip_mbuf mb;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, req, strlen(req), 65535), 0);
	sip_mb_init(&mb, buf, sizeof(buf));
	sip_mb_response_head(&mb, &m, 200, NULL, "tt");
	sip_mb_hdr_reason(&mb, NULL, 16);
	sip_mb_body(&mb, NULL, NULL, 0);
	assert_int_equal(mb.err, 0);
	assert_int_equal(sip_msg_parse(&r, buf, mb.len, 65535), 0);
	assert_int_equal(r.code, 200);
	assert_true(sip_pl_eq(&r.reason, "OK"));
	assert_true(sip_pl_eq(&r.to.tag, "tt"));
	assert_true(sip_pl_eq(&r.via.branch, "z9hG4bK1"));
	assert_int_equal(r.cseq, 4);
	assert_int_equal(r.cseq_method, SIP_METHOD_BYE);
	assert_int_equal(sip_msg_q850_cause(&r), 16);
	assert_non_null(strstr(buf, "Via: SIP/2.0/UDP 192.0.2.11"));
}

/* RFC 3261 12.1.1: Record-Route copied, in order, into 101-299 answers. */
static void msg_response_record_route(void **state)
{
	static const char inv[] =
		"INVITE sip:a@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1\r\n"
		"Record-Route: <sip:192.0.2.10;lr>\r\n"
		"Record-Route: <sip:192.0.2.11;lr;x=1>, <sip:192.0.2.12;lr>\r\n"
		"From: <sip:b@h>;tag=9\r\nTo: <sip:a@h>\r\nCall-ID: cid\r\n"
		"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
	static const unsigned codes[] = { 100, 180, 200, 486 };
	struct sip_msg m;
	char buf[2048];
	struct sip_mbuf mb;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, inv, strlen(inv), 65535), 0);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		sip_mb_init(&mb, buf, sizeof(buf));
		sip_mb_response_head(&mb, &m, codes[i], NULL, "tt");
		sip_mb_body(&mb, NULL, NULL, 0);
		assert_int_equal(mb.err, 0);
		buf[mb.len] = 0;
		const char *a =
			strstr(buf, "Record-Route: <sip:192.0.2.10;lr>");
		const char *b =
			strstr(buf, "Record-Route: <sip:192.0.2.11;lr;x=1>, "
				    "<sip:192.0.2.12;lr>");
		if (codes[i] == 180 || codes[i] == 200) {
			assert_non_null(a);
			assert_non_null(b);
			assert_true(a < b);
		} else {
			assert_null(a);
			assert_null(b);
		}
	}
}

static void msg_overflow(void **state)
{
	char buf[16];
	struct sip_mbuf mb;
	(void)state;
	sip_mb_init(&mb, buf, sizeof(buf));
	sip_mb_str(&mb, "0123456789");
	sip_mb_printf(&mb, "%s", "0123456789");
	assert_int_equal(mb.err, ENOSPC);
	assert_int_equal(mb.len, 10);
}

static void msg_names(void **state)
{
	(void)state;
	assert_string_equal(sip_reason_phrase(487), "Request Terminated");
	assert_string_equal(sip_method_name(SIP_METHOD_CANCEL), "CANCEL");
	assert_string_equal(sip_hdr_name(SIP_HDR_CALL_ID), "Call-ID");
	assert_string_equal(sip_transport_name(SIP_TP_UDP), "UDP");
	assert_string_equal(sip_timer_name(SIP_TMR_B), "Timer B");
	struct sip_addr a;
	char s[64];
	assert_int_equal(sip_addr_set(&a, "2001:db8::1", 5060), 0);
	assert_string_equal(sip_addr_str(&a, s, sizeof(s)),
			    "[2001:db8::1]:5060");
	assert_int_not_equal(sip_addr_set(&a, "host.example", 5060), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(msg_response),
		cmocka_unit_test(msg_response_record_route),
		cmocka_unit_test(msg_overflow),
		cmocka_unit_test(msg_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
