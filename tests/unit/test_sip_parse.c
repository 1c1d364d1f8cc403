/* test_sip_parse.c: message parser (sip/parse.c). */
#include "tests/unit/test_sip_fake.h"
#include <errno.h>

static const char inv[] =
	"INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bKabc;rport\r\n"
	"Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKxyz\r\n"
	"Max-Forwards: 70\r\n"
	"From: \"Alice A\" <sip:alice@example.com>;tag=111\r\n"
	"t: <sip:5551234@192.0.2.1>\r\n"
	"Call-ID: abc@host\r\n"
	"CSeq: 7 INVITE\r\n"
	"Contact: <sip:alice@192.0.2.10:5062>\r\n"
	"Reason: Q.850;cause=17;text=\"busy\"\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 4\r\n\r\nv=0\r\nEXTRA";

static void parse_ok(void **state)
{
	struct sip_msg m;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, inv, strlen(inv), 65535), 0);
	assert_true(m.req);
	assert_int_equal(m.method, SIP_METHOD_INVITE);
	assert_true(sip_pl_eq(&m.via.branch, "z9hG4bKabc"));
	assert_true(sip_pl_eq(&m.via.host, "192.0.2.10"));
	assert_int_equal(m.via.port, 5062);
	assert_true(m.via.rport);
	assert_true(sip_pl_eq(&m.from.dname, "Alice A"));
	assert_true(sip_pl_eq(&m.from.tag, "111"));
	struct sip_pl u = sip_msg_from_user(&m);
	assert_true(sip_pl_eq(&u, "alice"));
	u = sip_msg_to_user(&m);
	assert_true(sip_pl_eq(&u, "5551234"));
	u = sip_msg_ruri_user(&m);
	assert_true(sip_pl_eq(&u, "5551234"));
	assert_int_equal(m.cseq, 7);
	assert_int_equal(m.max_forwards, 70);
	assert_true(m.has_contact);
	assert_int_equal(m.contact.uri.port, 5062);
	assert_int_equal(sip_msg_q850_cause(&m), 17);
	struct sip_pl ct, body = sip_msg_body(&m, &ct);
	assert_true(sip_pl_eq(&body, "v=0\r"));
	assert_true(sip_pl_eq(&ct, "application/sdp"));
	/* views point into the buffer: zero-copy */
	assert_ptr_equal(m.call_id.p, strstr(inv, "abc@host"));
}

static void parse_response(void **state)
{
	static const char r[] =
		"SIP/2.0 180 Ringing\r\n"
		"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\n"
		"Call-ID: x\r\nCSeq: 1 INVITE\r\n\r\n";
	struct sip_msg m;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, r, strlen(r), 65535), 0);
	assert_false(m.req);
	assert_int_equal(m.code, 180);
	assert_true(sip_pl_eq(&m.reason, "Ringing"));
	assert_true(sip_pl_eq(&m.to.tag, "2"));
	assert_int_equal(m.body.l, 0);
}

static void check_bad(const char *text, int want)
{
	struct sip_msg m;
	int err = sip_msg_parse(&m, text, strlen(text), 65535);
	assert_int_equal(err, want);
	assert_non_null(m.err);
}

static void parse_errors(void **state)
{
	(void)state;
	check_bad("", EBADMSG);
	check_bad("garbage", EBADMSG);
	check_bad("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n", EBADMSG);
	/* missing Call-ID */
	check_bad(
		"OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
		"From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCSeq: 1 OPTIONS\r\n\r\n",
		EBADMSG);
	/* Content-Length beyond the datagram */
	check_bad("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP h\r\n"
		  "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\n"
		  "CSeq: 1 OPTIONS\r\nContent-Length: 10\r\n\r\nab",
		  EBADMSG);
	check_bad("OPTIONS sip:a@b SIP/3.0\r\nVia: SIP/2.0/UDP h\r\n"
		  "From: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\n"
		  "CSeq: 1 OPTIONS\r\n\r\n",
		  EPROTONOSUPPORT);
	check_bad("SIP/2.0 2000 OK\r\n\r\n", EBADMSG);
}

static void parse_limits(void **state)
{
	static char big[20000];
	struct sip_msg m;
	(void)state;
	memset(big, 'a', sizeof(big));
	assert_int_equal(sip_msg_parse(&m, big, sizeof(big), 8192), EMSGSIZE);
	/* too many headers */
	size_t n = (size_t)snprintf(big, sizeof(big),
				    "OPTIONS sip:a@b SIP/2.0\r\n");
	for (int i = 0; i < SIP_MAX_HDRS + 1; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-H: %d\r\n",
				      i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n");
	assert_int_equal(sip_msg_parse(&m, big, n, 65535), E2BIG);
}

/* Every prefix of a valid message: errors, no crash (run under ASan). */
static void parse_truncations(void **state)
{
	struct sip_msg m;
	(void)state;
	for (size_t i = 0; i < strlen(inv); i++) {
		char *copy = malloc(i ? i : 1);
		memcpy(copy, inv, i);
		(void)sip_msg_parse(&m, copy, i, 65535);
		free(copy);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_response),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(parse_limits),
		cmocka_unit_test(parse_truncations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
