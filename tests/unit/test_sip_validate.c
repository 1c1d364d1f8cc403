/* test_sip_validate.c: message-only request checks (sip/validate.c),
 * driven through sip_stack_recv with the fake hooks. */
#include "tests/unit/test_sip_fake.h"
#include <errno.h>

static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\n"
			  "c=IN IP4 192.0.2.10\r\nt=0 0\r\n"
			  "m=audio 4000 RTP/AVP 0\r\n";

/* A request with extra headers and an optional body; the code sent. */
static unsigned send_req(const char *method, const char *ruri, const char *hdrs,
			 const char *ctype, const char *body)
{
	unsigned n = fk.nsent;
	int err = fk_recv("%s %s SIP/2.0\r\n"
			  "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK%u\r\n"
			  "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
			  "Call-ID: v%u\r\nCSeq: 1 %s\r\nMax-Forwards: 70\r\n"
			  "%s%s%s%sContent-Length: %zu\r\n\r\n%s",
			  method, ruri, n, n, method, hdrs,
			  ctype ? "Content-Type: " : "", ctype ? ctype : "",
			  ctype ? "\r\n" : "", body ? strlen(body) : 0,
			  body ? body : "");
	assert_int_equal(err, 0); /* well-formed: not a parse rejection */
	return fk.nsent > n ? fk_code(n) : 0;
}

static uint64_t refused(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s.rx_rej[SIP_REJ_APP];
}

static void validate_method_scheme(void **state)
{
	(void)state;
	fk_stack();
	assert_int_equal(
		send_req("FROBNICATE", "sip:a@192.0.2.1", "", NULL, NULL), 501);
	assert_int_equal(refused(), 1);
	assert_int_equal(send_req("OPTIONS", "urn:service:sos", "", NULL, NULL),
			 416);
	assert_int_equal(send_req("OPTIONS", "sip:a@192.0.2.1", "", NULL, NULL),
			 200);
	/* an unknown method in an ACK's place is still never answered */
	unsigned n = fk.nsent;
	assert_int_equal(
		fk_recv("ACK sip:a@192.0.2.1 SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKa\r\n"
			"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>;tag=2\r\n"
			"Call-ID: ack\r\nCSeq: 1 ACK\r\n\r\n"),
		0);
	assert_int_equal(fk.nsent, n);
	assert_int_equal(refused(), 2);
	fk_done();
}

static void validate_body(void **state)
{
	(void)state;
	fk_stack();
	/* a body we cannot read: 415 naming what we accept */
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1", "",
				  "application/unknownformat", "<x/>"),
			 415);
	char v[64];
	assert_true(fk_hdr(fk.nsent - 1, "Accept", v, sizeof(v)));
	assert_string_equal(v, "application/sdp");
	/* a body without a Content-Type */
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1", "", NULL, sdp),
			 415);
	/* compressed SDP */
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1",
				  "Content-Encoding: gzip\r\n",
				  "application/sdp", sdp),
			 415);
	assert_true(fk_hdr(fk.nsent - 1, "Accept-Encoding", v, sizeof(v)));
	assert_string_equal(v, "identity");
	/* identity is no encoding at all */
	fk.auto_respond = 486;
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1",
				  "Content-Encoding: identity\r\n",
				  "application/SDP", sdp),
			 100);
	/* INFO bodies are the UA's business, not refused here: it answers
	 * an INFO outside a dialog with 481 (INFO lives in a dialog) */
	assert_int_equal(send_req("INFO", "sip:a@192.0.2.1", "",
				  "application/dtmf-relay", "Signal=1\r\n"),
			 481);
	assert_int_equal(refused(), 3);
	fk_advance(100000);
	fk_done();
}

static void validate_accept(void **state)
{
	(void)state;
	fk_stack();
	fk.auto_respond = 486;
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1",
				  "Accept: text/nobodyKnowsThis\r\n",
				  "application/sdp", sdp),
			 406);
	/* an empty Accept admits nothing */
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1", "Accept: \r\n",
				  "application/sdp", sdp),
			 406);
	static const char *const ok[] = {
		"Accept: application/sdp\r\n",
		"Accept: text/html, application/*\r\n",
		"Accept: */*\r\n",
		"Accept: text/html\r\nAccept: application/sdp;level=1\r\n",
		"",
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (send_req("INVITE", "sip:a@192.0.2.1", ok[i],
			     "application/sdp", sdp) != 100)
			fail_msg("refused with %s", ok[i]);
	/* OPTIONS is answered whatever it accepts */
	assert_int_equal(send_req("OPTIONS", "sip:a@192.0.2.1",
				  "Accept: text/plain\r\n", NULL, NULL),
			 200);
	assert_int_equal(refused(), 2);
	fk_advance(100000);
	fk_done();
}

/* RFC 3261 8.2: Require (8.2.2.3) is inspected before the content
 * (8.2.3): an unknown extension and an unreadable body give 420, naming
 * the extension, not 415. */
static void validate_require_before_body(void **state)
{
	(void)state;
	fk_stack();
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1",
				  "Require: foo, 100rel\r\n",
				  "application/unknownformat", "<x/>"),
			 420);
	char v[64];
	assert_true(fk_hdr(fk.nsent - 1, "Unsupported", v, sizeof(v)));
	assert_string_equal(v, "foo");
	assert_int_equal(refused(), 1);
	/* the known extension alone lets the content check speak */
	assert_int_equal(send_req("INVITE", "sip:a@192.0.2.1",
				  "Require: 100rel\r\n",
				  "application/unknownformat", "<x/>"),
			 415);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validate_method_scheme),
		cmocka_unit_test(validate_body),
		cmocka_unit_test(validate_accept),
		cmocka_unit_test(validate_require_before_body),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
