/*
 * test_sip_stack.c: the stack object (sip/stack.c): configuration and its
 * defaults, the receive entry point (size limit, stray responses,
 * stateless 400), statistics, the dump for the control tool and freeing
 * with live transactions, calls and timers.
 */
#include "tests/unit/test_sip_inv.h"
#include "sip/sip_int.h"
#include <errno.h>
#include <stdio.h>

static const char sdp[] =
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
	"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

static struct sip_stats stats(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s;
}

static struct sip_call *call_out(void)
{
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:5551234@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	return c;
}

/*
 * T1, T2 and T4 seen on the wire: INVITE retransmissions double from T1
 * (Timer A) until Timer B at 64*T1; a 486 is retransmitted from T1 up to
 * T2 (Timer G); after the ACK the server transaction lingers T4 (Timer I).
 */
static void check_timers(uint32_t t1, uint32_t t2, uint32_t t4)
{
	uint64_t t0 = fk.now;
	call_out();
	fk_advance(64 * (uint64_t)t1 - 1);
	assert_int_equal(fk.nsent, 7);
	for (unsigned i = 1; i < 7; i++)
		assert_int_equal(fk.sent[i].at - t0, ((1u << i) - 1) * t1);
	assert_int_equal(fk.nev, 0);
	fk_advance(1);
	assert_int_equal(fk.nev, 2);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[0], 408);
	assert_int_equal(fk.ev[1], SIP_CALL_EV_ENDED);

	unsigned base = fk.nsent;
	fk_invite("z9hG4bKtm", 1);
	assert_int_equal(sip_call_respond(fk.incoming, 486, NULL, NULL), 0);
	assert_int_equal(fk_code(base + 1), 486);
	t0 = fk.now;
	fk_advance(t1 + 2 * t1 + 4 * t1 + 4 * (uint64_t)t2);
	uint64_t prev = t0, want = t1;
	unsigned nretx = 0;
	for (unsigned i = base + 2; i < fk.nsent; i++, nretx++) {
		assert_int_equal(fk_code(i), 486);
		assert_int_equal(fk.sent[i].at - prev, want);
		prev = fk.sent[i].at;
		want = want * 2 > t2 ? t2 : want * 2;
	}
	assert_true(nretx >= 4);
	assert_int_equal(want, t2); /* the interval reached T2 and stayed */
	char tag[32];
	fk_totag(base + 1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKtm", tag, 1, NULL);
	unsigned n = fk.nsent;
	assert_int_equal(stats().active_trans, 1);
	fk_advance(t4 - 1);
	assert_int_equal(stats().active_trans, 1);
	assert_int_equal(fk.nsent, n); /* ACKed: no more retransmissions */
	fk_advance(1);
	assert_int_equal(stats().active_trans, 0);
}

static void stack_defaults(void **state)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1" };
	(void)state;
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	assert_non_null(fk.st);
	assert_int_equal(fk.st->t1, 500);
	assert_int_equal(fk.st->t2, 4000);
	assert_int_equal(fk.st->t4, 5000);
	assert_int_equal(fk.st->max_msg, 65535);
	assert_int_equal(fk.st->local_port, 5060);
	assert_string_equal(fk.st->local_ip, "192.0.2.1");
	assert_string_equal(fk.st->user_agent, "");
	struct sip_stats s = stats();
	assert_int_equal(s.rx_msgs + s.rx_rejected + s.tx_msgs +
				 s.retransmissions + s.active_trans +
				 s.active_calls,
			 0);
	call_out();
	char h[128];
	assert_true(fk_hdr(0, "Via", h, sizeof(h)));
	assert_non_null(strstr(h, "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK"));
	assert_false(fk_hdr(0, "User-Agent", h, sizeof(h)));
	sip_stack_free(fk.st);
	assert_int_equal(fk.allocs, 0);

	assert_int_equal(fk_stack_cfg(&cfg), 0);
	check_timers(500, 4000, 5000);
	fk_done();
}

static void stack_explicit(void **state)
{
	struct sip_stack_cfg cfg = {
		.local_ip = "2001:db8::1",
		.local_port = 5080,
		.user_agent = "gw/1",
		.t1_ms = 100,
		.t2_ms = 400,
		.t4_ms = 700,
		.max_msg_size = 1500,
	};
	(void)state;
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	assert_int_equal(fk.st->t1, 100);
	assert_int_equal(fk.st->t2, 400);
	assert_int_equal(fk.st->t4, 700);
	assert_int_equal(fk.st->max_msg, 1500);
	assert_int_equal(fk.st->local_port, 5080);
	call_out();
	char h[128];
	assert_true(fk_hdr(0, "Via", h, sizeof(h)));
	assert_non_null(strstr(h, "SIP/2.0/UDP [2001:db8::1]:5080;branch="));
	assert_true(fk_hdr(0, "User-Agent", h, sizeof(h)));
	assert_string_equal(h, "gw/1");
	sip_stack_free(fk.st);
	assert_int_equal(fk.allocs, 0);

	assert_int_equal(fk_stack_cfg(&cfg), 0);
	check_timers(100, 400, 700);
	fk_done();
}

static void stack_alloc_errors(void **state)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1" };
	struct sip_stack_cfg noip = { .local_port = 5060 };
	struct sip_hooks h = fk_hooks();
	struct sip_stack *st =
		(struct sip_stack *)&cfg; /* must stay untouched */
	(void)state;
	memset(&fk, 0, sizeof(fk));
	assert_int_equal(sip_stack_alloc(NULL, &cfg, &h), EINVAL);
	assert_int_equal(sip_stack_alloc(&st, NULL, &h), EINVAL);
	assert_int_equal(sip_stack_alloc(&st, &cfg, NULL), EINVAL);
	assert_int_equal(sip_stack_alloc(&st, &noip, &h), EINVAL);
	static const size_t required[] = {
		offsetof(struct sip_hooks, now),
		offsetof(struct sip_hooks, timer_start),
		offsetof(struct sip_hooks, timer_stop),
		offsetof(struct sip_hooks, send),
	};
	for (size_t i = 0; i < sizeof(required) / sizeof(required[0]); i++) {
		struct sip_hooks b = fk_hooks();
		memset((char *)&b + required[i], 0, sizeof(void (*)(void)));
		assert_int_equal(sip_stack_alloc(&st, &cfg, &b), EINVAL);
	}
	assert_ptr_equal(st, (struct sip_stack *)&cfg);
	fk_fail_nth(1);
	assert_int_equal(sip_stack_alloc(&st, &cfg, &h), ENOMEM);
	assert_true(fk.alloc_failed);
	assert_ptr_equal(st, (struct sip_stack *)&cfg);
	assert_int_equal(fk.allocs, 0);
	/* optional hooks absent: calloc/free and no log */
	struct sip_hooks min = { .now = fk_now,
				 .timer_start = fk_timer_start,
				 .timer_stop = fk_timer_stop,
				 .send = fk_send };
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &min), 0);
	fk_req("OPTIONS", "z9hG4bKmin", NULL, 1, NULL);
	assert_int_equal(fk_code(0), 200);
	fk_invite("z9hG4bKmin2", 1); /* nobody takes calls: 503 */
	assert_int_equal(fk_code(1), 503);
	sip_stack_free(fk.st);
	assert_int_equal(fk.allocs, 0);
	assert_int_equal(fk_live_timers(), 0);
	sip_stack_free(NULL);
	sip_stack_shutdown(NULL);
}

/* An OPTIONS of exactly total bytes, padded with X-Pad headers (each
 * value within SIP_MAX_HDR_LEN). */
static size_t options_of_size(char *buf, size_t total)
{
	static const char head[] =
		"OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKbig\r\n"
		"From: <sip:b@192.0.2.10>;tag=1\r\nTo: <sip:a@192.0.2.1>\r\n"
		"Call-ID: big\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
		"X-Pad: ";
	static const char tail[] = "\r\nContent-Length: 0\r\n\r\n";
	size_t pad = total - strlen(head) - strlen(tail);
	memcpy(buf, head, strlen(head));
	memset(buf + strlen(head), 'a', pad);
	for (size_t at = 2000; at + 20 < pad; at += 2000)
		memcpy(buf + strlen(head) + at, "\r\nX-Pad: ", 9);
	memcpy(buf + strlen(head) + pad, tail, strlen(tail));
	return total;
}

static void check_max_size(size_t max)
{
	static char buf[65536 + 1];
	struct sip_addr src = fk_peer();
	unsigned n = fk.nsent;
	struct sip_stats s0 = stats();
	size_t len = options_of_size(buf, max);
	assert_int_equal(sip_stack_recv(fk.st, &src, buf, len), 0);
	assert_int_equal(fk.nsent, n + 1);
	assert_int_equal(fk_code(n), 200);
	len = options_of_size(buf, max + 1);
	assert_int_equal(sip_stack_recv(fk.st, &src, buf, len), EMSGSIZE);
	/* answered from the part within the limit (RFC 3261 21.5.14) */
	assert_int_equal(fk.nsent, n + 2);
	assert_int_equal(fk_code(n + 1), 513);
	struct sip_stats s = stats();
	assert_int_equal(s.rx_msgs, s0.rx_msgs + 2);
	assert_int_equal(s.rx_rejected, s0.rx_rejected + 1);
}

static void stack_oversize(void **state)
{
	(void)state;
	fk_stack();
	check_max_size(65535);
	fk_done();
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .max_msg_size = 1300 };
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	check_max_size(1300);
	fk_done();
}

/* Responses that match no client transaction are dropped and counted. */
static void stack_stray_response(void **state)
{
	(void)state;
	fk_stack();
	assert_int_equal(fk_recv("SIP/2.0 200 OK\r\n"
				 "Via: SIP/2.0/UDP 192.0.2.1:5060"
				 ";branch=z9hG4bKgone\r\n"
				 "From: <sip:a@192.0.2.1>;tag=1\r\n"
				 "To: <sip:b@192.0.2.10>;tag=2\r\n"
				 "Call-ID: stray\r\nCSeq: 1 INVITE\r\n"
				 "Content-Length: 0\r\n\r\n"),
			 0);
	assert_int_equal(fk.nsent, 0);
	assert_int_equal(stats().rx_rejected, 1);

	/* right branch, wrong CSeq method: not that transaction either */
	call_out();
	struct sip_msg inv;
	assert_int_equal(
		sip_msg_parse(&inv, fk.sent[0].buf, fk.sent[0].len, 65535), 0);
	const struct sip_hdr *via = sip_msg_hdr(&inv, SIP_HDR_VIA, NULL);
	assert_int_equal(fk_recv("SIP/2.0 200 OK\r\nVia: %.*s\r\n"
				 "From: <sip:a@192.0.2.1>;tag=1\r\n"
				 "To: <sip:b@192.0.2.10>;tag=2\r\n"
				 "Call-ID: stray\r\nCSeq: 1 BYE\r\n\r\n",
				 (int)via->val.l, via->val.p),
			 0);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(fk.nev, 0);
	assert_int_equal(stats().rx_rejected, 2);
	/* the real answer still matches, and is not counted */
	fk_answer(0, 180, "rt", NULL);
	assert_int_equal(fk.nev, 1);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_PROGRESS);
	struct sip_stats s = stats();
	assert_int_equal(s.rx_rejected, 2);
	assert_int_equal(s.rx_msgs, 3);
	assert_int_equal(s.active_trans, 1);
	fk_done();
}

/* The value of the nth (from 0) header with id in m. */
static struct sip_pl sent_hdr(const struct sip_msg *m, enum sip_hdr_id id,
			      unsigned nth)
{
	const struct sip_hdr *h = NULL;
	for (unsigned i = 0; i <= nth; i++) {
		h = sip_msg_hdr(m, id, h);
		assert_non_null(h);
	}
	return h->val;
}

/* A malformed request with enough to answer: a stateless 400. */
static void stack_bad_request_400(void **state)
{
	static const char req[] =
		"INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5070;branch=z9hG4bKbad;rport\r\n"
		"Via: SIP/2.0/UDP proxy.example;branch=z9hG4bKp1 , "
		"SIP/2.0/UDP [2001:db8::2];branch=z9hG4bKp2\r\n"
		"From: \"Smith, J\" <sip:j@example.com>;tag=ft9\r\n"
		"To: <sip:5551234@192.0.2.1>\r\n"
		"Call-ID: bad-1@example.com\r\n"
		"CSeq: 42 INVITE\r\n"
		"Max-Forwards: 70\r\n"
		"Content-Length: 999\r\n\r\nv=0\r\n";
	struct sip_addr src;
	(void)state;
	fk_stack();
	sip_addr_set(&src, "192.0.2.77", 5999);
	assert_int_equal(sip_stack_recv(fk.st, &src, req, strlen(req)),
			 EBADMSG);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(fk_code(0), 400);
	assert_int_equal(
		strncmp(fk.sent[0].buf,
			"SIP/2.0 400 Bad Request (Content-Length exceeds "
			"body)\r\n",
			55),
		0);
	char a[64], b[64];
	assert_string_equal(sip_addr_str(&fk.sent[0].dst, a, sizeof(a)),
			    sip_addr_str(&src, b, sizeof(b)));

	struct sip_msg m, r;
	assert_int_equal(sip_msg_parse(&m, req, strlen(req), 65535), EBADMSG);
	assert_int_equal(
		sip_msg_parse(&r, fk.sent[0].buf, fk.sent[0].len, 65535), 0);
	/* every Via, in order and as received */
	for (unsigned i = 0; i < 2; i++) {
		struct sip_pl want = sent_hdr(&m, SIP_HDR_VIA, i);
		struct sip_pl got = sent_hdr(&r, SIP_HDR_VIA, i);
		assert_int_equal(got.l, want.l);
		assert_memory_equal(got.p, want.p, want.l);
	}
	assert_null(
		sip_msg_hdr(&r, SIP_HDR_VIA,
			    sip_msg_hdr(&r, SIP_HDR_VIA,
					sip_msg_hdr(&r, SIP_HDR_VIA, NULL))));
	struct sip_pl f = sent_hdr(&r, SIP_HDR_FROM, 0);
	assert_true(sip_pl_eq(&f, "\"Smith, J\" <sip:j@example.com>;tag=ft9"));
	/* same To URI, plus a tag of ours (RFC 3261 8.2.6.2) */
	assert_true(sip_pl_eq(&r.to.uri_str, "sip:5551234@192.0.2.1"));
	assert_true(r.to.tag.l > 0);
	assert_true(sip_pl_eq(&r.call_id, "bad-1@example.com"));
	assert_int_equal(r.cseq, 42);
	assert_int_equal(r.cseq_method, SIP_METHOD_INVITE);
	assert_int_equal(r.body.l, 0);
	assert_null(fk.incoming); /* never reached the UA */

	/* unsupported version with the same headers: 505 */
	char buf[1024];
	int n = snprintf(buf, sizeof(buf),
			 "OPTIONS sip:a@192.0.2.1 SIP/3.0\r\n"
			 "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKv3\r\n"
			 "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
			 "Call-ID: v3\r\nCSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(sip_stack_recv(fk.st, &src, buf, (size_t)n),
			 EPROTONOSUPPORT);
	assert_int_equal(fk_code(1), 505);
	/* no Call-ID: still answered (RFC 4475 3.3.1), without one */
	n = snprintf(buf, sizeof(buf),
		     "OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKnc\r\n"
		     "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
		     "CSeq: 1 OPTIONS\r\n\r\n");
	assert_int_equal(sip_stack_recv(fk.st, &src, buf, (size_t)n), EBADMSG);
	assert_int_equal(fk_code(2), 400);
	assert_null(strstr(fk.sent[2].buf, "\r\nCall-ID:"));
	/* not answerable: an ACK, a response */
	n = snprintf(buf, sizeof(buf),
		     "ACK sip:a@192.0.2.1 SIP/2.0\r\n"
		     "Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKack\r\n"
		     "From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>;tag=2\r\n"
		     "Call-ID: a\r\nCSeq: 1 ACK\r\nMax-Forwards: x\r\n\r\n");
	assert_int_equal(sip_stack_recv(fk.st, &src, buf, (size_t)n), EBADMSG);
	n = snprintf(
		buf, sizeof(buf),
		"SIP/2.0 200 OK\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKr\r\n"
		"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>;tag=2\r\n"
		"Call-ID: r\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: x\r\n\r\n");
	assert_int_equal(sip_stack_recv(fk.st, &src, buf, (size_t)n), EBADMSG);
	assert_int_equal(fk.nsent, 3);
	struct sip_stats s = stats();
	assert_int_equal(s.rx_msgs, 5);
	assert_int_equal(s.rx_rejected, 5);
	assert_int_equal(s.tx_msgs, 3);
	assert_int_equal(s.active_trans, 0); /* stateless */
	fk_done();
}

static void stack_recv_edges(void **state)
{
	struct sip_addr src = fk_peer();
	(void)state;
	fk_stack();
	assert_int_equal(sip_stack_recv(NULL, &src, "x", 1), EINVAL);
	assert_int_equal(sip_stack_recv(fk.st, NULL, "x", 1), EINVAL);
	assert_int_equal(sip_stack_recv(fk.st, &src, NULL, 1), EINVAL);
	/* CRLF keep-alives (RFC 5626 4.4.1): accepted, not answered */
	assert_int_equal(sip_stack_recv(fk.st, &src, "\r\n\r\n", 4), 0);
	assert_int_equal(sip_stack_recv(fk.st, &src, "\r\n", 2), 0);
	/* an empty datagram is not a keep-alive */
	assert_int_equal(sip_stack_recv(fk.st, &src, "", 0), EBADMSG);
	assert_int_equal(fk.nsent, 0);
	struct sip_stats s = stats();
	assert_int_equal(s.rx_msgs, 3);
	assert_int_equal(s.rx_rejected, 1);
	fk_done();
}

/* Every counter through one incoming and one outgoing call. */
static void stack_stats(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKs1", 1);
	struct sip_stats s = stats();
	assert_int_equal(s.rx_msgs, 1);
	assert_int_equal(s.tx_msgs, 1); /* 100 */
	assert_int_equal(s.active_trans, 1);
	assert_int_equal(s.active_calls, 1);
	fk_invite("z9hG4bKs1", 1); /* retransmission: 100 again */
	s = stats();
	assert_int_equal(s.rx_msgs, 2);
	assert_int_equal(s.tx_msgs, 2);
	assert_int_equal(s.retransmissions, 1);
	assert_int_equal(s.active_calls, 1);

	call_out();
	s = stats();
	assert_int_equal(s.tx_msgs, 3);
	assert_int_equal(s.active_trans, 2);
	assert_int_equal(s.active_calls, 2);
	fk_advance(500); /* Timer A */
	s = stats();
	assert_int_equal(s.tx_msgs, 4);
	assert_int_equal(s.retransmissions, 2);

	assert_int_equal(sip_call_respond(fk.incoming, 200, NULL, sdp), 0);
	char tag[32];
	fk_totag(fk.nsent - 1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKs1a", tag, 1, NULL);
	fk_answer(2, 486, "rt", NULL); /* c is freed after ENDED */
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	s = stats();
	assert_int_equal(s.active_calls, 1);
	assert_int_equal(s.rx_msgs, 4);
	assert_int_equal(s.tx_msgs, 6); /* + 200, ACK for the 486 */
	assert_int_equal(s.rx_rejected, 0);
	fk_advance(60000); /* transactions end */
	s = stats();
	assert_int_equal(s.active_trans, 0);
	assert_int_equal(s.active_calls, 1);
	fk_done();
}

static void stack_dump(void **state)
{
	char buf[2048], line[256];
	(void)state;
	fk_stack();
	assert_int_equal(sip_stack_dump(fk.st, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	fk_invite("z9hG4bKd1", 1);
	struct sip_call *c = call_out();
	struct sip_msg inv;
	assert_int_equal(
		sip_msg_parse(&inv, fk.sent[1].buf, fk.sent[1].len, 65535), 0);
	char branch[64];
	assert_int_equal(sip_pl_copy(&inv.via.branch, branch, sizeof(branch)),
			 0);

	size_t n = sip_stack_dump(fk.st, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	assert_non_null(strstr(buf, "trans server INVITE z9hG4bKd1|192.0.2.10 "
				    "{PROCEEDING} -\n"));
	snprintf(line, sizeof(line),
		 "trans client INVITE %s {CALLING} Timer A\n", branch);
	assert_non_null(strstr(buf, line));
	assert_non_null(
		strstr(buf, "call 1 {INCOMING} in call-1@192.0.2.10 se=0\n"));
	snprintf(line, sizeof(line), "call 2 {CALLING} out %s se=0\n",
		 sip_call_callid(c));
	assert_non_null(strstr(buf, line));
	assert_int_equal(buf[n - 1], '\n');

	/* states and timers move with the calls */
	fk_answer(1, 180, "rt", NULL);
	sip_call_respond(fk.incoming, 486, NULL, NULL);
	sip_stack_dump(fk.st, buf, sizeof(buf));
	assert_non_null(strstr(buf, "{COMPLETED} Timer G\n"));
	assert_non_null(strstr(buf, "{PROCEEDING} -\n"));
	assert_null(strstr(buf, "call 1 "));
	assert_non_null(strstr(buf, "call 2 {PROCEEDING} out "));

	/* a short buffer gets whole lines only, NUL-terminated */
	size_t full = sip_stack_dump(fk.st, buf, sizeof(buf));
	for (size_t size = 1; size <= full; size++) {
		char small[2048];
		memset(small, 'X', sizeof(small));
		size_t got = sip_stack_dump(fk.st, small, size);
		assert_true(got < size);
		assert_int_equal(strlen(small), got);
		assert_int_equal(small[size], 'X');
		assert_memory_equal(small, buf, got);
		assert_true(got == 0 || small[got - 1] == '\n');
	}
	assert_int_equal(sip_stack_dump(fk.st, NULL, 0), 0);
	fk_done();
}

/* sip_stack_free with transactions, calls and timers of every kind. */
static void stack_free_live(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKl1", 1); /* answered, no ACK yet */
	sip_call_respond(fk.incoming, 200, NULL, sdp);
	fk.incoming = NULL;
	fk_invite("z9hG4bKl2", 2); /* ringing */
	sip_call_respond(fk.incoming, 180, NULL, NULL);
	fk_req("OPTIONS", "z9hG4bKl3", NULL, 1, NULL); /* Timer J */
	struct sip_call *c = call_out();	       /* Timers A and B */
	assert_non_null(c);
	call_out();
	fk_answer(fk.nsent - 1, 180, "rt", NULL); /* PROCEEDING */
	fk_advance(100);
	struct sip_stats s = stats();
	assert_int_equal(s.active_calls, 4);
	assert_int_equal(s.active_trans, 5);
	assert_true(fk_live_timers() >= 6);
	assert_true(fk.allocs > 0);
	unsigned nsent = fk.nsent, nev = fk.nev;
	sip_stack_free(fk.st);
	fk.st = NULL;
	assert_int_equal(fk.nsent, nsent); /* nothing sent */
	assert_int_equal(fk.nev, nev);	   /* no events */
	assert_int_equal(fk_live_timers(), 0);
	assert_int_equal(fk.allocs, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stack_defaults),
		cmocka_unit_test(stack_explicit),
		cmocka_unit_test(stack_alloc_errors),
		cmocka_unit_test(stack_oversize),
		cmocka_unit_test(stack_stray_response),
		cmocka_unit_test(stack_bad_request_400),
		cmocka_unit_test(stack_recv_edges),
		cmocka_unit_test(stack_stats),
		cmocka_unit_test(stack_dump),
		cmocka_unit_test(stack_free_live),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
