/*
 * test_sip_attacks.c: the regression pack of known attacks on a SIP
 * trunk, fed through sip_stack_recv() (and the TCP framing of stream.c):
 * bad Content-Length, header floods, huge values, deep multipart bodies,
 * a CSeq with a huge method, control bytes in header names, SDP with
 * absurd values. Each must be answered with the right status and a reason
 * phrase naming what was wrong (or dropped when no answer can be built),
 * counted under its reason, and leave the stack able to take a call.
 */
#include "tests/unit/test_sip_build.h"
#include "tests/unit/test_sip_inv.h"
#include "sip/sip_int.h"
#include <errno.h>
#include <stdio.h>

/* the test INVITE's lines, its own branch and Call-ID */
#define HDRS SIPT_INV_HDRS("z9hG4bKatk", "attack@192.0.2.10", "1")
#define INV SIPT_INV_LINE

static char big[200000];

/* big = head, n bytes of c, tail; returns the length */
static size_t fill(const char *head, char c, size_t n, const char *tail)
{
	size_t l = (size_t)snprintf(big, sizeof(big), "%s", head);

	memset(big + l, c, n);
	l += n;
	l += (size_t)snprintf(big + l, sizeof(big) - l, "%s", tail);
	return l;
}

static uint64_t rej(enum sip_rej r)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s.rx_rej[r];
}

static uint64_t rejected(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s.rx_rejected;
}

static int feed(const char *buf, size_t len, enum sip_transport tp)
{
	struct sip_addr a = fk_peer();
	a.tp = tp;
	return sip_stack_recv(fk.st, &a, buf, len);
}

/*
 * One attack: buf is rejected with err, answered with code (0: nothing
 * sent) whose status line contains why, and counted once under r.
 */
static void attack_tp(const char *buf, size_t len, enum sip_transport tp,
		      int err, unsigned code, const char *why, enum sip_rej r)
{
	unsigned n0 = fk.nsent;
	uint64_t r0 = rej(r), t0 = rejected();
	assert_int_equal(feed(buf, len, tp), err);
	assert_int_equal(rej(r), r0 + 1);
	/* well-formed but refused (415...) is not a malformed message */
	assert_int_equal(rejected(), t0 + (err != 0));
	if (!code) {
		assert_int_equal(fk.nsent, n0);
		return;
	}
	assert_int_equal(fk.nsent, n0 + 1);
	assert_int_equal(fk_code(n0), code);
	const char *eol = strstr(fk.sent[n0].buf, "\r\n");
	assert_non_null(eol);
	char line[256];
	snprintf(line, sizeof(line), "%.*s", (int)(eol - fk.sent[n0].buf),
		 fk.sent[n0].buf);
	if (!strstr(line, why))
		fail_msg("status line '%s' does not say '%s'", line, why);
	/* the answer echoes only what came (RFC 4475 3.3.1: To, From or
	 * Call-ID may be missing), so it is hardly larger than the attack */
	const struct fk_sent *s = &fk.sent[n0];
	assert_non_null(strstr(s->buf, "\r\nVia: "));
	assert_non_null(strstr(s->buf, "\r\nCSeq: "));
	assert_string_equal(s->buf + s->len - 4, "\r\n\r\n");
	assert_true(s->len <= len + 256);
}

static void attack(const char *buf, int err, unsigned code, const char *why,
		   enum sip_rej r)
{
	attack_tp(buf, strlen(buf), SIP_TP_UDP, err, code, why, r);
}

/* After the attacks a normal INVITE is still offered to the application,
 * and nothing leaked. */
static void still_works(void)
{
	unsigned n0 = fk.nsent;
	fk.incoming = NULL;
	assert_int_equal(fk_invite("z9hG4bKgood", 1), 0);
	assert_non_null(fk.incoming);
	assert_int_equal(fk_code(n0), 100);
	assert_int_equal(sip_call_respond(fk.incoming, 486, NULL, NULL), 0);
	fk_advance(64 * 500);
	fk_done();
}

static void attack_content_length(void **state)
{
	(void)state;
	fk_stack();
	attack(INV HDRS "Content-Length: 500\r\n\r\nv=0\r\n", EBADMSG, 400,
	       "Content-Length exceeds body", SIP_REJ_CLEN);
	/* more than we ever take: 513 Message Too Large */
	attack(INV HDRS "Content-Length: 99999\r\n\r\nv=0\r\n", EMSGSIZE, 513,
	       "Too Large (Content-Length over the size limit)", SIP_REJ_SIZE);
	attack(INV HDRS "Content-Length: 2147483647\r\n\r\n", EMSGSIZE, 513,
	       "Content-Length over the size limit", SIP_REJ_SIZE);
	attack(INV HDRS "Content-Length: -5\r\n\r\nv=0\r\n", EBADMSG, 400,
	       "bad Content-Length", SIP_REJ_CLEN);
	attack(INV HDRS "Content-Length: 4294967296\r\n\r\n", EBADMSG, 400,
	       "bad Content-Length", SIP_REJ_CLEN);
	attack(INV HDRS "Content-Length: 99999999999999999999999999\r\n\r\n",
	       EBADMSG, 400, "bad Content-Length", SIP_REJ_CLEN);
	attack(INV HDRS "Content-Length: 5x\r\n\r\nv=0\r\n", EBADMSG, 400,
	       "bad Content-Length", SIP_REJ_CLEN);
	attack(INV HDRS "Content-Length: \r\n\r\n", EBADMSG, 400,
	       "bad Content-Length", SIP_REJ_CLEN);
	/* duplicate, equal or not, and through the compact form */
	attack(INV HDRS "Content-Length: 0\r\nContent-Length: 0\r\n\r\n",
	       EBADMSG, 400, "duplicate Content-Length", SIP_REJ_DUPLICATE);
	attack(INV HDRS "Content-Length: 5\r\nl: 0\r\n\r\nv=0\r\n", EBADMSG,
	       400, "duplicate Content-Length", SIP_REJ_DUPLICATE);
	/* over a stream a missing one cannot be framed */
	attack_tp(INV HDRS "\r\n", strlen(INV HDRS "\r\n"), SIP_TP_TCP, EBADMSG,
		  400, "no Content-Length", SIP_REJ_CLEN);
	still_works();
}

/* The TCP framing of the same: a length it cannot hold or read. */
static void attack_stream_framing(void **state)
{
	static const struct {
		const char *msg;
		enum sip_stream_res res;
	} cases[] = {
		{ INV HDRS "Content-Length: -5\r\n\r\n", SIP_STREAM_BADCL },
		{ INV HDRS "Content-Length: 99999999999\r\n\r\n",
		  SIP_STREAM_BADCL },
		{ INV HDRS "Content-Length: 5\r\nl: 6\r\n\r\n",
		  SIP_STREAM_BADCL },
		{ INV HDRS "Content-Length: 1\0\r\n\r\n", SIP_STREAM_BADCL },
		{ INV HDRS "Content-Length: 999999\r\n\r\n",
		  SIP_STREAM_TOOBIG },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_stream s;
		const char *p;
		size_t len, room;
		/* strlen would stop at the NUL: measure to the blank line */
		const char *m = cases[i].msg;
		size_t n = 0;
		while (memcmp(m + n, "\r\n\r\n", 4))
			n++;
		n += 4;
		assert_int_equal(sip_stream_init(&s, 65535), 0);
		char *dst = sip_stream_space(&s, &room);
		memcpy(dst, m, n);
		sip_stream_added(&s, n);
		assert_int_equal(sip_stream_next(&s, &p, &len), cases[i].res);
		sip_stream_release(&s);
	}
}

/* A slow sender, one byte per segment: framed right once complete (the
 * search for the blank line resumes where it stopped, so this costs a
 * scan of each byte, not of the whole buffer per byte). */
static void attack_stream_slow(void **state)
{
	static const char m[] = INV HDRS "Content-Length: 5\r\n\r\nv=0\r\n"
					 "OPTIONS";
	struct sip_stream s;
	const char *p;
	size_t len, room, n = strlen(m) - 7;
	(void)state;
	assert_int_equal(sip_stream_init(&s, 65535), 0);
	for (size_t i = 0; i < strlen(m); i++) {
		char *dst = sip_stream_space(&s, &room);
		*dst = m[i];
		sip_stream_added(&s, 1);
		enum sip_stream_res r = sip_stream_next(&s, &p, &len);
		if (i + 1 == n) {
			assert_int_equal(r, SIP_STREAM_MSG);
			assert_int_equal(len, n);
			assert_memory_equal(p, m, n);
		} else {
			assert_int_equal(r, SIP_STREAM_MORE);
		}
	}
	/* what followed the message waits, whole, for its own end */
	assert_int_equal(s.len, 7);
	assert_memory_equal(s.buf, "OPTIONS", 7);
	sip_stream_release(&s);
}

/* A request past the size limit: 513, answered from its first part. */
static void attack_oversized(void **state)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .max_msg_size = 4000 };
	(void)state;
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	size_t n = fill(INV HDRS "Content-Type: application/sdp\r\n"
				 "Content-Length: 6000\r\n\r\n",
			'a', 6000, "");
	attack_tp(big, n, SIP_TP_UDP, EMSGSIZE, 513, "Too Large", SIP_REJ_SIZE);
	/* with no Via in the part read, nothing can be answered */
	n = fill(INV "X-Pad: ", 'a', 8000, "");
	attack_tp(big, n, SIP_TP_UDP, EMSGSIZE, 0, "", SIP_REJ_SIZE);
	still_works();
}

static void attack_header_flood(void **state)
{
	(void)state;
	fk_stack();
	/* 2000 header lines after the ones needed for an answer */
	size_t n = (size_t)snprintf(big, sizeof(big), INV HDRS);
	for (int i = 0; i < 2000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-H%d: %d\r\n",
				      i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "Content-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, E2BIG, 400, "too many headers",
		  SIP_REJ_HDR_COUNT);
	/* the same with Via last: no answer can be built, only counted */
	n = (size_t)snprintf(big, sizeof(big), INV);
	for (int i = 0; i < 500; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "X-H: %d\r\n",
				      i);
	n += (size_t)snprintf(big + n, sizeof(big) - n, HDRS "\r\n");
	attack_tp(big, n, SIP_TP_UDP, E2BIG, 0, "", SIP_REJ_HDR_COUNT);
	/* a thousand Vias in one header and in many */
	n = (size_t)snprintf(big, sizeof(big), INV HDRS "Via: ");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "SIP/2.0/UDP h%d;branch=z9hG4bK%d, ", i,
				      i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "SIP/2.0/UDP x\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "header value too long",
		  SIP_REJ_HDR_LEN);
	still_works();
}

static void attack_huge_values(void **state)
{
	(void)state;
	fk_stack();
	/* an unknown header, a To and a header name of 5000 bytes */
	size_t n = fill(INV HDRS "X-Big: ", 'v', 5000,
			"\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "header value too long",
		  SIP_REJ_HDR_LEN);

	n = fill(INV "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKb\r\n"
		     "CSeq: 1 INVITE\r\nTo: <sip:",
		 'u', 5000,
		 "@192.0.2.1>\r\nFrom: <sip:a@b>;tag=1\r\n"
		 "Call-ID: x\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "header value too long",
		  SIP_REJ_HDR_LEN);

	n = fill(INV HDRS "X", 'n', 5000, ": 1\r\nContent-Length: 0\r\n\r\n");
	/* a long name is legal: the request goes on (to the app) */
	unsigned n0 = fk.nsent;
	assert_int_equal(feed(big, n, SIP_TP_UDP), 0);
	assert_int_equal(fk_code(n0), 100);
	assert_non_null(fk.incoming);
	sip_call_respond(fk.incoming, 603, NULL, NULL);
	fk_advance(64 * 500); /* its transaction ends: the branch is free */

	/* a 5000-byte folded value: the folding counts */
	n = (size_t)snprintf(big, sizeof(big), INV HDRS "Subject: a");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, "\r\n xxxx");
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "header value too long",
		  SIP_REJ_HDR_LEN);
	/* a huge Request-URI */
	n = fill("INVITE sip:", '5', 20000,
		 "@192.0.2.1 SIP/2.0\r\n" HDRS "Content-Length: 0\r\n\r\n");
	fk.incoming = NULL;
	n0 = fk.nsent;
	/* parsed and handed up like any other: the router refuses it */
	assert_int_equal(feed(big, n, SIP_TP_UDP), 0);
	assert_non_null(fk.incoming);
	sip_call_respond(fk.incoming, 404, NULL, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 404);
	fk_advance(64 * 500);
	still_works();
}

/* Vias or Record-Routes by the dozen: a response echoes them, and one
 * that cannot be built would leave a call or a transaction that never
 * answers. Refused up front, counted, no call offered. */
static void attack_echo_flood(void **state)
{
	(void)state;
	fk_stack();
	size_t n = (size_t)snprintf(big, sizeof(big), INV);
	for (int i = 0; i < 90; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "Via: SIP/2.0/UDP h%03d.example.com;"
				      "branch=z9hG4bK%0100d\r\n",
				      i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
			      "Call-ID: echo\r\nCSeq: 1 INVITE\r\n"
			      "Content-Length: 0\r\n\r\n");
	fk.incoming = NULL;
	attack_tp(big, n, SIP_TP_UDP, EMSGSIZE, 0, "", SIP_REJ_SIZE);
	assert_null(fk.incoming);
	/* the same with Record-Route, one value per header line */
	n = (size_t)snprintf(big, sizeof(big), INV HDRS);
	for (int i = 0; i < 60; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "Record-Route: <sip:p%03d.example.com;"
				      "lr;x=%080d>\r\n",
				      i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "Content-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EMSGSIZE, 0, "", SIP_REJ_SIZE);
	assert_null(fk.incoming);
	/* 20 Vias (2.5 kB), as a long proxy chain would add: answered */
	n = (size_t)snprintf(big, sizeof(big),
			     "OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n");
	for (int i = 0; i < 20; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "Via: SIP/2.0/UDP h%03d.example.com;"
				      "branch=z9hG4bK%0100d\r\n",
				      i, i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
			      "Call-ID: echo2\r\nCSeq: 1 OPTIONS\r\n"
			      "Content-Length: 0\r\n\r\n");
	unsigned n0 = fk.nsent;
	assert_int_equal(feed(big, n, SIP_TP_UDP), 0);
	assert_int_equal(fk.nsent, n0 + 1);
	assert_int_equal(fk_code(n0), 200);
	still_works();
}

/* A CSeq whose method is thousands of bytes: no copy, no overflow. */
static void attack_cseq_method(void **state)
{
	(void)state;
	fk_stack();
	size_t n = fill(INV "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKc\r\n"
			    "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
			    "Call-ID: cseq@x\r\nCSeq: 1 ",
			'M', 3000, "\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "CSeq method mismatch",
		  SIP_REJ_CSEQ_METHOD);
	/* as long as the value limit: refused, never echoed */
	n = fill("MMMM sip:x@y SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKd\r\n"
		 "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
		 "Call-ID: cseq2@x\r\nCSeq: 1 ",
		 'M', 6000, "\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 0, "", SIP_REJ_HDR_LEN);
	/* the CSeq number past 2^31, and negative */
	attack(INV "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKe\r\n"
		   "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
		   "Call-ID: cseq3@x\r\nCSeq: 4294967296 INVITE\r\n"
		   "Content-Length: 0\r\n\r\n",
	       EBADMSG, 400, "bad CSeq", SIP_REJ_HDR_VALUE);
	attack(INV "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKf\r\n"
		   "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\n"
		   "Call-ID: cseq4@x\r\nCSeq: -1 INVITE\r\n"
		   "Content-Length: 0\r\n\r\n",
	       EBADMSG, 400, "bad CSeq", SIP_REJ_HDR_VALUE);
	still_works();
}

/* NUL, other control bytes, DEL and 8-bit bytes in header names. */
static void attack_header_name_bytes(void **state)
{
	static const struct {
		const char *name;
		size_t len;
		const char *why;
	} names[] = {
		{ "Bad\0Name", 8, "control byte in header" },
		{ "Bad\x01Name", 8, "control byte in header" },
		{ "\x7f", 1, "control byte in header" },
		{ "Bad\x1bName", 8, "control byte in header" },
		{ "Bad\bName", 8, "control byte in header" },
		/* a token stops at the byte: no colon follows it */
		{ "Bad\xffName", 8, "header without colon" },
		{ "Bad Name", 8, "header without colon" },
		{ "\xc3\xa9t\xc3\xa9", 5, "bad header name" },
		{ "", 0, "bad header name" },
	};
	(void)state;
	fk_stack();
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t n = (size_t)snprintf(big, sizeof(big), INV HDRS);
		memcpy(big + n, names[i].name, names[i].len);
		n += names[i].len;
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      ": x\r\nContent-Length: 0\r\n\r\n");
		attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, names[i].why,
			  SIP_REJ_HDR_SYNTAX);
		/* the bad line is never echoed back */
		assert_null(strstr(fk_last()->buf, ": x\r\n"));
	}
	/* a NUL in a value and in the start line */
	size_t n = (size_t)snprintf(big, sizeof(big), INV HDRS "Subject: a");
	big[n++] = '\0';
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "b\r\nContent-Length: 0\r\n\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "control byte in header",
		  SIP_REJ_HDR_SYNTAX);
	memcpy(big, "INV\0TE", 6);
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 0, "", SIP_REJ_START_LINE);
	still_works();
}

/* multipart nested deeply: not SDP, so 415 without reading it. */
static void attack_deep_multipart(void **state)
{
	(void)state;
	fk_stack();
	char body[60000];
	size_t bl = 0;
	for (int d = 0; d < 500; d++)
		bl += (size_t)snprintf(body + bl, sizeof(body) - bl,
				       "--b%d\r\nContent-Type: multipart/mixed;"
				       "boundary=b%d\r\n\r\n",
				       d, d + 1);
	bl += (size_t)snprintf(body + bl, sizeof(body) - bl,
			       "--b500\r\nContent-Type: application/sdp\r\n"
			       "\r\nv=0\r\n--b500--\r\n");
	size_t n = (size_t)snprintf(big, sizeof(big),
				    INV HDRS "Content-Type: multipart/mixed;"
					     "boundary=b0\r\n"
					     "Content-Length: %zu\r\n\r\n",
				    bl);
	memcpy(big + n, body, bl);
	attack_tp(big, n + bl, SIP_TP_UDP, 0, 415, "Unsupported Media",
		  SIP_REJ_APP);
	/* its Content-Type with thousands of parameters */
	n = (size_t)snprintf(big, sizeof(big),
			     INV HDRS "Content-Type: multipart/mixed");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n, ";p%d=%d", i,
				      i);
	n += (size_t)snprintf(big + n, sizeof(big) - n,
			      "\r\nContent-Length: 5\r\n\r\nv=0\r\n");
	attack_tp(big, n, SIP_TP_UDP, EBADMSG, 400, "header value too long",
		  SIP_REJ_HDR_LEN);
	still_works();
}

/* SDP with absurd values: each a clean parse error, nothing kept. */
static void attack_sdp_values(void **state)
{
	static const struct {
		const char *media;
		int err;
		const char *why;
	} cases[] = {
		{ "m=audio 0 RTP/AVP 4294967296\r\n", EBADMSG,
		  "bad payload type" },
		{ "m=audio 4000 RTP/AVP 128\r\n", EBADMSG, "bad payload type" },
		{ "m=audio 4000 RTP/AVP -1\r\n", EBADMSG, "bad payload type" },
		{ "m=audio 65536 RTP/AVP 0\r\n", EBADMSG, "bad media port" },
		{ "m=audio 99999999999999999999999 RTP/AVP 0\r\n", EBADMSG,
		  "bad media port" },
		{ "m=audio -4000 RTP/AVP 0\r\n", EBADMSG, "bad media port" },
		{ "m=audio 4000/-2 RTP/AVP 0\r\n", 0, NULL },
		{ "m=audio 4000 RTP/AVP 0\r\na=ptime:-20\r\n", EBADMSG,
		  "bad ptime" },
		{ "m=audio 4000 RTP/AVP 0\r\na=ptime:4294967316\r\n", EBADMSG,
		  "bad ptime" },
		{ "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/-8000\r\n",
		  EBADMSG, "bad rtpmap" },
		{ "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/0\r\n",
		  EBADMSG, "bad rtpmap channels" },
		{ "m=audio 4000 RTP/AVP 0\r\na=rtpmap:4294967296 PCMU/8000\r\n",
		  EBADMSG, "bad rtpmap" },
		{ "m=audio 4000 RTP/AVP 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 "
		  "16\r\n",
		  E2BIG, "too many formats" },
		{ "m=image 4000 udptl t38\r\na=T38FaxMaxDatagram:-1\r\n",
		  EBADMSG, "bad T.38 attribute" },
		{ "m=image 4000 udptl t38\r\n"
		  "a=T38FaxMaxDatagram:99999999999\r\n",
		  EBADMSG, "bad T.38 attribute" },
		{ "m=image 4000 udptl t38\r\na=T38FaxMaxDatagram\r\n", EBADMSG,
		  "bad T.38 attribute" },
		{ "m=image 4000 udptl t38\r\na=T38FaxVersion:4294967296\r\n",
		  EBADMSG, "bad T.38 attribute" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char sdp[2048];
		struct sdp_session s;
		int n = snprintf(sdp, sizeof(sdp), SIPT_SDP_HEAD "%s",
				 cases[i].media);
		int err = sdp_parse(&s, sdp, (size_t)n);
		if (err != cases[i].err)
			fail_msg("case %zu: %d, expected %d (%s)", i, err,
				 cases[i].err, s.err ? s.err : "-");
		if (cases[i].why)
			assert_string_equal(s.err, cases[i].why);
	}
	/* thousands of m= lines: refused by length, then by count */
	size_t n = (size_t)snprintf(big, sizeof(big), SIPT_SDP_HEAD);
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
				      "m=audio %d RTP/AVP 0\r\n", 4000 + 2 * i);
	struct sdp_session s;
	assert_int_equal(sdp_parse(&s, big, n), E2BIG);
	assert_string_equal(s.err, "SDP too long");
	assert_int_equal(sdp_parse(&s, big, SDP_MAX_LEN - 1), E2BIG);
	assert_string_equal(s.err, "too many m= lines");
	/* a line longer than the limit */
	n = fill("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=", 's', 5000, "");
	assert_int_equal(sdp_parse(&s, big, n), E2BIG);
	assert_string_equal(s.err, "SDP line too long");
	/* a NUL inside */
	static const char nul[] = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=\0\r\n";
	assert_int_equal(sdp_parse(&s, nul, sizeof(nul) - 1), EBADMSG);
	assert_string_equal(s.err, "control byte in SDP");
}

/* T38FaxMaxDatagram missing: 0, which the media side reads as its
 * default; an answer with port 0 for image: no T.38 stream. */
static void attack_sdp_t38(void **state)
{
	struct sdp_session s;
	static const char nodg[] =
		SIPT_SDP_HEAD "m=image 4000 udptl t38\r\na=T38FaxVersion:0\r\n";
	static const char port0[] = SIPT_SDP_HEAD
		"m=image 0 udptl t38\r\na=T38FaxMaxDatagram:0\r\n";
	(void)state;
	assert_int_equal(sdp_parse(&s, nodg, sizeof(nodg) - 1), 0);
	assert_non_null(sdp_t38_stream(&s));
	assert_int_equal(sdp_t38_stream(&s)->t38.max_datagram, 0);
	assert_int_equal(sdp_parse(&s, port0, sizeof(port0) - 1), 0);
	assert_null(sdp_t38_stream(&s));
	struct sdp_t38_local loc = { .ip = "192.0.2.1", .port = 5000 };
	struct sdp_t38_result res;
	assert_int_equal(sdp_t38_accept_answer(&s, &loc, &res), ENOTSUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(attack_content_length),
		cmocka_unit_test(attack_stream_framing),
		cmocka_unit_test(attack_stream_slow),
		cmocka_unit_test(attack_oversized),
		cmocka_unit_test(attack_header_flood),
		cmocka_unit_test(attack_huge_values),
		cmocka_unit_test(attack_echo_flood),
		cmocka_unit_test(attack_cseq_method),
		cmocka_unit_test(attack_header_name_bytes),
		cmocka_unit_test(attack_deep_multipart),
		cmocka_unit_test(attack_sdp_values),
		cmocka_unit_test(attack_sdp_t38),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
