/* test_sip_parse.c: message parser (sip/parse.c). */
#include "tests/unit/test_sip_build.h"
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

static char hbuf[80000];

/* An OPTIONS with the given extra header text (may hold NULs: n bytes). */
static int opt_with(struct sip_msg *m, const char *extra, size_t n)
{
	static const char head[] = SIPT_OPT_HEAD("z9hG4bKh", "h1");
	size_t l = strlen(head);
	memcpy(hbuf, head, l);
	memcpy(hbuf + l, extra, n);
	memcpy(hbuf + l + n, "\r\n", 2);
	return sip_msg_parse(m, hbuf, l + n + 2, sizeof(hbuf));
}

#define OPT(m, s) opt_with(m, s, sizeof(s) - 1)

static void parse_content_length(void **state)
{
	struct sip_msg m;
	(void)state;
	assert_int_equal(OPT(&m, "Content-Length: -1\r\n"), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_CLEN);
	assert_int_equal(OPT(&m, "Content-Length: 99999999999\r\n"), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_CLEN);
	assert_int_equal(OPT(&m, "Content-Length: 1x\r\n"), EBADMSG);
	/* repeated, even with the same value (RFC 4475 3.3.9) */
	assert_int_equal(OPT(&m, "Content-Length: 0\r\nl: 0\r\n"), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_DUPLICATE);
	/* more than the datagram holds (RFC 3261 18.3) */
	assert_int_equal(OPT(&m, "Content-Length: 9\r\n\r\nabc"), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_CLEN);
	/* fewer: the rest is discarded */
	assert_int_equal(OPT(&m, "l: 2\r\n\r\nabc"), 0);
	assert_true(sip_pl_eq(&m.body, "ab"));
	/* a body may hold anything, NUL included */
	assert_int_equal(opt_with(&m, "l: 3\r\n\r\na\0b", 11), 0);
	assert_int_equal(m.body.l, 3);
}

static void parse_hostile_bytes(void **state)
{
	struct sip_msg m;
	(void)state;
	/* NUL and other control bytes in a header line */
	assert_int_equal(opt_with(&m, "X-A: a\0b\r\n", 10), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_HDR_SYNTAX);
	assert_int_equal(OPT(&m, "X-A: a\x01z\r\n"), EBADMSG);
	assert_int_equal(OPT(&m, "X-A: a\x7fz\r\n"), EBADMSG);
	assert_int_equal(OPT(&m, "X-A: a\rz\r\n"), EBADMSG); /* bare CR */
	/* ...long lines take the 8-byte path: the byte is found there too */
	assert_int_equal(
		OPT(&m, "X-A: aaaaaaaaaaaaaaaaaaaaaaaaaa\x02zzzzzzzz\r\n"),
		EBADMSG);
	/* but an escaped one inside a quoted string is a quoted-pair */
	assert_int_equal(OPT(&m, "X-A: \"a\\\x01z\"\r\n"), 0);
	/* UTF-8 is text */
	assert_int_equal(OPT(&m, "Subject: \xc3\xa9t\xc3\xa9\r\n"), 0);
	/* header names: tokens only */
	assert_int_equal(OPT(&m, "X\x01Y: 1\r\n"), EBADMSG);
	assert_int_equal(OPT(&m, "X(Y): 1\r\n"), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_HDR_SYNTAX);
	assert_int_equal(OPT(&m, ": 1\r\n"), EBADMSG);
	assert_int_equal(OPT(&m, "NoColon\r\n"), EBADMSG);
	/* still answerable: the Via and CSeq were read */
	assert_true(sip_msg_can_reply(&m));
	/* the name may be followed by blanks before the colon */
	assert_int_equal(OPT(&m, "X-B \t: 1\r\n"), 0);
	assert_true(sip_pl_eq(&sip_msg_hdr_name(&m, "x-b")->val, "1"));
}

static void parse_hostile_sizes(void **state)
{
	struct sip_msg m;
	(void)state;
	/* a value over SIP_MAX_HDR_LEN, folding included */
	char *big = malloc(SIP_MAX_HDR_LEN + 64);
	size_t n = (size_t)sprintf(big, "X-Big: ");
	memset(big + n, 'a', SIP_MAX_HDR_LEN / 2);
	n += SIP_MAX_HDR_LEN / 2;
	memcpy(big + n, "\r\n ", 3);
	n += 3;
	memset(big + n, 'b', SIP_MAX_HDR_LEN / 2);
	n += SIP_MAX_HDR_LEN / 2;
	memcpy(big + n, "\r\n", 2);
	assert_int_equal(opt_with(&m, big, n + 2), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_HDR_LEN);
	assert_true(sip_msg_can_reply(&m));
	/* exactly the limit is fine */
	n = (size_t)sprintf(big, "X-Big: ");
	memset(big + n, 'a', SIP_MAX_HDR_LEN);
	memcpy(big + n + SIP_MAX_HDR_LEN, "\r\n", 2);
	assert_int_equal(opt_with(&m, big, n + SIP_MAX_HDR_LEN + 2), 0);
	/* a CSeq with a huge method: over the limit, rejected */
	n = (size_t)sprintf(big, "CSeq: 1 ");
	memset(big + n, 'M', SIP_MAX_HDR_LEN);
	memcpy(big + n + SIP_MAX_HDR_LEN, "\r\n", 2);
	assert_int_equal(opt_with(&m, big, n + SIP_MAX_HDR_LEN + 2), EBADMSG);
	free(big);
	/* huge header count: counted, and the reason says so */
	n = 0;
	for (int i = 0; i < 1000; i++)
		n += (size_t)sprintf(hbuf + 4096 + n, "X-%d: %d\r\n", i, i);
	char *many = malloc(n);
	memcpy(many, hbuf + 4096, n);
	assert_int_equal(opt_with(&m, many, n), E2BIG);
	assert_int_equal(m.rej, SIP_REJ_HDR_COUNT);
	assert_int_equal(m.nhdr, SIP_MAX_HDRS);
	free(many);
	/* message size */
	assert_int_equal(sip_msg_parse(&m, inv, strlen(inv), 100), EMSGSIZE);
	assert_int_equal(m.rej, SIP_REJ_SIZE);
	/* numbers out of range */
	assert_int_equal(OPT(&m, "Max-Forwards: 256\r\n"), EBADMSG);
	assert_int_equal(OPT(&m, "Max-Forwards: 1\r\nMax-Forwards: 2\r\n"),
			 EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_DUPLICATE);
}

static void parse_cseq_rules(void **state)
{
	struct sip_msg m;
	static const char *const bad[] = {
		"CSeq: 2147483648 OPTIONS\r\n",
		"CSeq: 4294967296 OPTIONS\r\n",
		"CSeq: -1 OPTIONS\r\n",
		"CSeq: 1\r\n",
		"CSeq: OPTIONS\r\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* the helper already has a CSeq: build without it */
		char msg[512];
		int n = snprintf(msg, sizeof(msg),
				 "OPTIONS sip:a@h SIP/2.0\r\n"
				 "Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
				 "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
				 "Call-ID: c\r\n%s\r\n",
				 bad[i]);
		if (sip_msg_parse(&m, msg, (size_t)n, 65535) != EBADMSG)
			fail_msg("accepted %s", bad[i]);
	}
	/* the method must match, ACK and CANCEL their own name */
	assert_int_equal(OPT(&m, ""), 0);
	check_bad(
		"ACK sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\n\r\n",
		EBADMSG);
}

static void parse_start_lines(void **state)
{
	struct sip_msg m;
	(void)state;
	/* a bad Request-URI still lets the headers be read for a 400 */
	check_bad(
		"INVITE <sip:a@h> SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\n\r\n",
		EBADMSG);
	const char *t =
		"INVITE sip:a@h; lr SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
		"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
		"CSeq: 1 INVITE\r\n\r\n";
	assert_int_equal(sip_msg_parse(&m, t, strlen(t), 65535), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_START_LINE);
	assert_true(sip_msg_can_reply(&m));
	assert_true(sip_pl_eq(&m.call_id, "c"));
	/* other versions: 505 material */
	t = "OPTIONS sip:a@h SIP/2.1\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
	    "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\nCall-ID: c\r\n"
	    "CSeq: 1 OPTIONS\r\n\r\n";
	assert_int_equal(sip_msg_parse(&m, t, strlen(t), 65535),
			 EPROTONOSUPPORT);
	assert_int_equal(m.rej, SIP_REJ_VERSION);
	assert_true(sip_msg_can_reply(&m));
	/* not a version at all */
	check_bad("OPTIONS sip:a@h HTTP/1.1\r\n\r\n", EBADMSG);
	check_bad("OPTIONS sip:a@h SIP/2.0 \r\n\r\n", EBADMSG);
	check_bad("OPTIONS sip:a@h SIP/x.0\r\n\r\n", EBADMSG);
	/* methods are tokens; nothing can be answered */
	t = "OPT(IONS sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
	    "CSeq: 1 OPTIONS\r\n\r\n";
	assert_int_equal(sip_msg_parse(&m, t, strlen(t), 65535), EBADMSG);
	assert_false(sip_msg_can_reply(&m));
	/* status lines */
	check_bad("SIP/2.0 99 Low\r\n\r\n", EBADMSG);
	check_bad("SIP/2.0 700 High\r\n\r\n", EBADMSG);
	check_bad("SIP/2.0 4294967301 big\r\n\r\n", EBADMSG);
	check_bad("SIP/3.0 200 OK\r\n\r\n", EPROTONOSUPPORT);
	/* a control byte in the start line */
	check_bad("OPTIONS sip:a@h\x01 SIP/2.0\r\n\r\n", EBADMSG);
}

static void parse_folding_compact(void **state)
{
	static const char t[] = "INVITE sip:a@h SIP/2.0\r\n"
				"v: SIP/2.0/UDP h1;branch=z9hG4bK1,\r\n"
				"   SIP/2.0/TCP h2;branch=z9hG4bK2\r\n"
				"v: SIP/2.0/UDP h3;branch=z9hG4bK3\r\n"
				"f: <sip:b@h>\r\n\t;tag=9\r\n"
				"t: sip:a@h\r\n"
				"i: fold@h\r\n"
				"CSeq:\r\n 4\r\n INVITE\r\n"
				"k: timer\r\n"
				"c: application/sdp\r\n"
				"l: 0\r\n\r\n";
	struct sip_msg m;
	(void)state;
	assert_int_equal(sip_msg_parse(&m, t, strlen(t), 65535), 0);
	assert_true(sip_pl_eq(&m.via.host, "h1"));
	assert_true(sip_pl_eq(&m.from.tag, "9"));
	assert_int_equal(m.cseq, 4);
	assert_true(sip_pl_eq(&m.ctype, "application/sdp"));
	/* three Vias on two lines */
	struct sip_hiter it;
	struct sip_pl v;
	unsigned n = 0;
	sip_hiter_init(&it, &m, SIP_HDR_VIA);
	while (sip_hiter_next(&it, &v))
		n++;
	assert_int_equal(n, 3);
	assert_true(sip_msg_has_token(&m, SIP_HDR_SUPPORTED, "timer"));
}

/* A refused line never joins the header before it: the 400 that echoes
 * that header must not carry it (header injection). */
static void parse_refused_line_not_joined(void **state)
{
	struct sip_msg m;
	(void)state;
	static const char t[] = "OPTIONS sip:a@h SIP/2.0\r\n"
				"Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\n"
				"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
				"CSeq: 1 OPTIONS\r\n"
				"Call-ID: abc\r\n"
				"X(: y\r\n"
				" Injected: evil\r\n"
				"Bad\x01: z\r\n"
				"\tMore: evil\r\n\r\n";
	assert_int_equal(sip_msg_parse(&m, t, strlen(t), 65535), EBADMSG);
	assert_true(sip_pl_eq(&m.call_id, "abc"));
	const struct sip_hdr *h = sip_msg_hdr(&m, SIP_HDR_CALL_ID, NULL);
	assert_true(sip_pl_eq(&h->val, "abc"));
	assert_int_equal(m.nhdr, 5);
	/* and through the stack: the 400 holds no trace of them */
	fk_stack();
	struct sip_addr a = fk_peer();
	assert_int_equal(sip_stack_recv(fk.st, &a, t, strlen(t)), EBADMSG);
	assert_int_equal(fk_code(0), 400);
	assert_null(strstr(fk.sent[0].buf, "evil"));
	assert_null(strstr(fk.sent[0].buf, "X("));
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_ok),
		cmocka_unit_test(parse_response),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(parse_limits),
		cmocka_unit_test(parse_truncations),
		cmocka_unit_test(parse_content_length),
		cmocka_unit_test(parse_hostile_bytes),
		cmocka_unit_test(parse_hostile_sizes),
		cmocka_unit_test(parse_cseq_rules),
		cmocka_unit_test(parse_start_lines),
		cmocka_unit_test(parse_folding_compact),
		cmocka_unit_test(parse_refused_line_not_joined),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
