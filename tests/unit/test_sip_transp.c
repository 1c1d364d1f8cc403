/*
 * test_sip_transp.c: the transport layer of the stack (sip/transp.c):
 * received/rport (RFC 3581) stamped on requests and used to route the
 * response, sent-by ports without rport (RFC 3261 18.2.2), responses on
 * the connection of the request, Via transport of our requests, a large
 * request moved to TCP with a UDP fallback (18.1.1), and a request
 * without Content-Length over a stream refused with 400 (18.3).
 */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

static const char opts_fmt[] = "OPTIONS sip:gw@192.0.2.1 SIP/2.0\r\n"
			       "Via: SIP/2.0/%s %s;branch=z9hG4bKo%u%s\r\n"
			       "From: <sip:a@example.com>;tag=f1\r\n"
			       "To: <sip:gw@192.0.2.1>\r\n"
			       "Call-ID: o%u@example.com\r\n"
			       "CSeq: 1 OPTIONS\r\n"
			       "Max-Forwards: 70\r\n"
			       "%s\r\n";

static unsigned seq;

static int recv_opts(const struct sip_addr *src, const char *tp,
		     const char *sentby, const char *params, const char *cl)
{
	char buf[1024];
	seq++;
	int n = snprintf(buf, sizeof(buf), opts_fmt, tp, sentby, seq, params,
			 seq, cl);
	return sip_stack_recv(fk.st, src, buf, (size_t)n);
}

static struct sip_pl top_via(const struct fk_sent *s)
{
	struct sip_msg m;
	assert_int_equal(sip_msg_parse(&m, s->buf, s->len, 65535), 0);
	const struct sip_hdr *h = sip_msg_hdr(&m, SIP_HDR_VIA, NULL);
	assert_non_null(h);
	struct sip_pl v = h->val;
	/* point into the stored copy, which outlives m */
	return v;
}

static bool via_has(const struct fk_sent *s, const char *text)
{
	struct sip_pl v = top_via(s);
	char buf[512];
	assert_int_equal(sip_pl_copy(&v, buf, sizeof(buf)), 0);
	return strstr(buf, text) != NULL;
}

static void transp_rport_received(void **state)
{
	struct sip_addr src;
	char a[64];
	(void)state;
	fk_stack();
	/* behind a NAT: sent-by says 10.0.0.5:5070, it came from
	 * 192.0.2.77:40000 */
	sip_addr_set(&src, "192.0.2.77", 40000);
	assert_int_equal(recv_opts(&src, "UDP", "10.0.0.5:5070", ";rport",
				   "Content-Length: 0\r\n"),
			 0);
	assert_true(fk.nsent >= 1);
	const struct fk_sent *r = fk_last();
	assert_true(fk_code(fk.nsent - 1) >= 200);
	assert_true(via_has(r, ";rport=40000"));
	assert_true(via_has(r, ";received=192.0.2.77"));
	assert_string_equal(sip_addr_str(&r->dst, a, sizeof(a)),
			    "192.0.2.77:40000");
	fk_done();
}

static void transp_no_rport(void **state)
{
	struct sip_addr src;
	char a[64];
	(void)state;
	fk_stack();
	/* no rport: the response goes to the sent-by port */
	sip_addr_set(&src, "192.0.2.77", 40000);
	assert_int_equal(recv_opts(&src, "UDP", "192.0.2.77:5070", "",
				   "Content-Length: 0\r\n"),
			 0);
	const struct fk_sent *r = fk_last();
	assert_non_null(r);
	assert_string_equal(sip_addr_str(&r->dst, a, sizeof(a)),
			    "192.0.2.77:5070");
	/* sent-by is the source: no received added */
	assert_false(via_has(r, "received="));
	assert_false(via_has(r, "rport"));
	/* no port at all: 5060 */
	assert_int_equal(recv_opts(&src, "UDP", "192.0.2.77", "",
				   "Content-Length: 0\r\n"),
			 0);
	assert_string_equal(sip_addr_str(&fk_last()->dst, a, sizeof(a)),
			    "192.0.2.77:5060");
	/* a hostname sent-by gets received */
	assert_int_equal(recv_opts(&src, "UDP", "pbx.example.com", "",
				   "Content-Length: 0\r\n"),
			 0);
	assert_true(via_has(fk_last(), "received=192.0.2.77"));
	fk_done();
}

static void transp_ipv6(void **state)
{
	struct sip_addr src;
	char a[64];
	(void)state;
	fk_stack();
	sip_addr_set(&src, "2001:db8::9", 41000);
	/* the same address spelled longer is not "different" */
	assert_int_equal(recv_opts(&src, "UDP", "[2001:db8:0::9]:5062",
				   ";rport", "Content-Length: 0\r\n"),
			 0);
	const struct fk_sent *r = fk_last();
	assert_non_null(r);
	assert_true(via_has(r, "rport=41000"));
	assert_false(via_has(r, "received="));
	assert_string_equal(sip_addr_str(&r->dst, a, sizeof(a)),
			    "[2001:db8::9]:41000");
	fk_done();
}

static void transp_stream_same_conn(void **state)
{
	struct sip_addr src;
	char a[64];
	(void)state;
	fk_stack();
	sip_addr_set(&src, "192.0.2.77", 40001);
	src.tp = SIP_TP_TCP;
	/* no rport, sent-by port 5060: still back on the connection */
	assert_int_equal(recv_opts(&src, "TCP", "192.0.2.77", "",
				   "Content-Length: 0\r\n"),
			 0);
	const struct fk_sent *r = fk_last();
	assert_non_null(r);
	assert_int_equal(r->dst.tp, SIP_TP_TCP);
	assert_string_equal(sip_addr_str(&r->dst, a, sizeof(a)),
			    "192.0.2.77:40001");
	fk_done();
}

static void transp_stream_needs_cl(void **state)
{
	struct sip_addr src;
	struct sip_stats s;
	(void)state;
	fk_stack();
	sip_addr_set(&src, "192.0.2.77", 40001);
	src.tp = SIP_TP_TLS;
	assert_int_equal(recv_opts(&src, "TLS", "192.0.2.77", "", ""), EBADMSG);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(fk_code(0), 400);
	assert_int_equal(fk.sent[0].dst.tp, SIP_TP_TLS);
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.rx_rejected, 1);
	/* the same over UDP is fine (the datagram frames it) */
	sip_addr_set(&src, "192.0.2.77", 5060);
	assert_int_equal(recv_opts(&src, "UDP", "192.0.2.77", "", ""), 0);
	assert_true(fk_code(fk.nsent - 1) >= 200);
	fk_done();
}

static unsigned tcp_fail;
static unsigned tcp_tries;

static int send_maybe_fail(void *arg, const struct sip_addr *dst,
			   const void *buf, size_t len)
{
	if (dst->tp == SIP_TP_TCP) {
		tcp_tries++;
		if (tcp_fail)
			return ECONNREFUSED;
	}
	return fk_send(arg, dst, buf, len);
}

static void start_stack(void)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060 };
	struct sip_hooks h = fk_hooks();
	h.send = send_maybe_fail;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	tcp_fail = 0;
	tcp_tries = 0;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
}

static void invite(size_t extra_bytes, enum sip_transport tp)
{
	static char big[4096];
	char hdrs[4200];
	struct sip_call *c = NULL;
	memset(big, 'a', extra_bytes);
	big[extra_bytes] = '\0';
	snprintf(hdrs, sizeof(hdrs), "X-Pad: %s\r\n", big);
	struct sip_call_params p = { .ruri = "sip:5551234@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer(),
				     .extra_hdrs = extra_bytes ? hdrs : NULL };
	p.dst.tp = tp;
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
}

static void transp_via_transport(void **state)
{
	(void)state;
	start_stack();
	invite(0, SIP_TP_UDP);
	assert_int_equal(fk.nsent, 1);
	assert_true(strstr(fk.sent[0].buf, "Via: SIP/2.0/UDP ") != NULL);
	assert_true(via_has(&fk.sent[0], ";rport"));
	invite(0, SIP_TP_TCP);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk.sent[1].dst.tp, SIP_TP_TCP);
	assert_true(strstr(fk.sent[1].buf, "Via: SIP/2.0/TCP ") != NULL);
	invite(0, SIP_TP_TLS);
	assert_true(strstr(fk.sent[2].buf, "Via: SIP/2.0/TLS ") != NULL);
	assert_string_equal(sip_transp_via_name(SIP_TP_TLS), "TLS");
	sip_stack_shutdown(fk.st);
	fk_done();
}

static void transp_large_request_tcp(void **state)
{
	struct sip_stats s;
	(void)state;
	start_stack();
	tcp_fail = 0;
	tcp_tries = 0;
	/* small enough: UDP */
	invite(100, SIP_TP_UDP);
	assert_int_equal(fk.sent[0].dst.tp, SIP_TP_UDP);
	assert_true(fk.sent[0].len <= SIP_UDP_MAX_REQ);
	/* over 1300 bytes: TCP, and the Via says so */
	invite(1400, SIP_TP_UDP);
	assert_int_equal(fk.nsent, 2);
	assert_true(fk.sent[1].len > SIP_UDP_MAX_REQ);
	assert_int_equal(fk.sent[1].dst.tp, SIP_TP_TCP);
	assert_true(strstr(fk.sent[1].buf, "Via: SIP/2.0/TCP ") != NULL);
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.tx_tcp_upgrades, 1);
	/* no TCP to be had: back to UDP with a UDP Via */
	tcp_fail = 1;
	invite(1400, SIP_TP_UDP);
	assert_int_equal(tcp_tries, 2);
	assert_int_equal(fk.nsent, 3);
	assert_int_equal(fk.sent[2].dst.tp, SIP_TP_UDP);
	assert_true(strstr(fk.sent[2].buf, "Via: SIP/2.0/UDP ") != NULL);
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.tx_tcp_upgrades, 1);
	/* responses are never moved */
	sip_stack_shutdown(fk.st);
	fk_done();
}

static void transp_contact_and_ports(void **state)
{
	(void)state;
	start_stack();
	sip_stack_set_port(fk.st, SIP_TP_TLS, 5061);
	invite(0, SIP_TP_TCP);
	assert_non_null(strstr(fk.sent[0].buf,
			       "Via: SIP/2.0/TCP 192.0.2.1:5060;branch="));
	assert_non_null(strstr(fk.sent[0].buf,
			       "Contact: <sip:192.0.2.1:5060;transport=tcp>"));
	invite(0, SIP_TP_TLS);
	assert_non_null(strstr(fk.sent[1].buf,
			       "Via: SIP/2.0/TLS 192.0.2.1:5061;branch="));
	assert_non_null(strstr(fk.sent[1].buf,
			       "Contact: <sip:192.0.2.1:5061;transport=tls>"));
	/* the body is untouched and Content-Length still right */
	struct sip_msg m;
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[1].buf, fk.sent[1].len, 65535), 0);
	assert_true(m.has_contact);
	/* over UDP nothing changes */
	invite(0, SIP_TP_UDP);
	assert_non_null(
		strstr(fk.sent[2].buf, "Contact: <sip:192.0.2.1:5060>"));
	sip_stack_shutdown(fk.st);
	fk_done();
}

static void invite_to(const char *ip, enum sip_transport tp)
{
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:5551234@[2001:db8::10]",
				     .from_user = "100" };
	assert_int_equal(sip_addr_set(&p.dst, ip, 5060), 0);
	p.dst.tp = tp;
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
}

static void transp_alt_family(void **state)
{
	(void)state;
	start_stack();
	assert_int_equal(sip_stack_set_alt_addr(fk.st, "nope", 5062), EINVAL);
	assert_int_equal(sip_stack_set_alt_addr(fk.st, "2001:db8::1", 5062), 0);
	invite_to("2001:db8::10", SIP_TP_UDP);
	assert_non_null(strstr(fk.sent[0].buf,
			       "Via: SIP/2.0/UDP [2001:db8::1]:5062;branch="));
	assert_non_null(
		strstr(fk.sent[0].buf, "Contact: <sip:[2001:db8::1]:5062>"));
	invite_to("2001:db8::10", SIP_TP_TCP);
	assert_non_null(strstr(fk.sent[1].buf,
			       "Via: SIP/2.0/TCP [2001:db8::1]:5062;branch="));
	assert_non_null(strstr(fk.sent[1].buf,
			       "<sip:[2001:db8::1]:5062;transport=tcp>"));
	/* a peer of our own family: the first address */
	invite_to("192.0.2.10", SIP_TP_UDP);
	assert_non_null(strstr(fk.sent[2].buf,
			       "Via: SIP/2.0/UDP 192.0.2.1:5060;branch="));
	sip_stack_shutdown(fk.st);
	fk_done();
}

static void transp_error_fails_waiting(void **state)
{
	struct sip_addr other;
	(void)state;
	start_stack();
	invite(0, SIP_TP_TCP);
	invite(0, SIP_TP_UDP);
	struct sip_addr dst = fk_peer();
	dst.tp = SIP_TP_TCP;
	/* another address, or the same over UDP: not concerned */
	sip_addr_set(&other, "192.0.2.99", 5060);
	other.tp = SIP_TP_TCP;
	assert_int_equal(sip_stack_transport_error(fk.st, &other, ECONNREFUSED),
			 0);
	assert_int_equal(fk.nev, 0);
	/* the TCP INVITE fails at once, as a 503 */
	assert_int_equal(sip_stack_transport_error(fk.st, &dst, ECONNREFUSED),
			 1);
	assert_true(fk.nev >= 1);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[0], 503);
	assert_int_equal(sip_stack_transport_error(fk.st, &dst, ECONNREFUSED),
			 0);
	assert_int_equal(sip_stack_transport_error(NULL, &dst, 1), 0);
	/* the UDP one still times out as 408 */
	unsigned before = fk.nev;
	fk_advance(64 * 500 + 1);
	assert_true(fk.nev > before);
	assert_int_equal(fk.ev[before], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[before], 408);
	fk_done();
}

/* A CANCEL that crossed our 200 and carries its To tag gets 200, never
 * 405 (a race seen with SIPp in t_sipp_cancel). */
static void transp_cancel_with_tag(void **state)
{
	static const char inv[] =
		"INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcx1\r\n"
		"From: <sip:a@192.0.2.10>;tag=fa\r\nTo: <sip:5551234@192.0.2.1>\r\n"
		"Call-ID: cx1@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
		"Contact: <sip:a@192.0.2.10>\r\nMax-Forwards: 70\r\n"
		"Content-Length: 0\r\n\r\n";
	char cancel[1024], tag[64] = "";
	(void)state;
	fk_stack();
	fk.auto_respond = 200;
	assert_int_equal(fk_recv("%s", inv), 0);
	const struct fk_sent *ok = fk_last();
	assert_non_null(ok);
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	const char *t = strstr(ok->buf, "To: <sip:5551234@192.0.2.1>;tag=");
	assert_non_null(t);
	sscanf(t + strlen("To: <sip:5551234@192.0.2.1>;tag="), "%63[^\r]", tag);
	snprintf(cancel, sizeof(cancel),
		 "CANCEL sip:5551234@192.0.2.1 SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKcx1\r\n"
		 "From: <sip:a@192.0.2.10>;tag=fa\r\n"
		 "To: <sip:5551234@192.0.2.1>;tag=%s\r\n"
		 "Call-ID: cx1@192.0.2.10\r\nCSeq: 1 CANCEL\r\n"
		 "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		 tag);
	assert_int_equal(fk_recv("%s", cancel), 0);
	const struct fk_sent *r = fk_last();
	assert_non_null(strstr(r->buf, "CSeq: 1 CANCEL"));
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	sip_stack_shutdown(fk.st);
	fk_done();
}

static void transp_uri_transport(void **state)
{
	struct sip_uri u;
	struct sip_addr a;
	char s[64];
	static const char *const uris[] = {
		"sip:a@192.0.2.5:5070;transport=TCP",
		"sip:a@192.0.2.5;transport=tls", "sips:a@[2001:db8::5]",
		"sip:a@192.0.2.5"
	};
	static const enum sip_transport want[] = { SIP_TP_TCP, SIP_TP_TLS,
						   SIP_TP_TLS, SIP_TP_UDP };
	static const char *const addr[] = { "192.0.2.5:5070", "192.0.2.5:5061",
					    "[2001:db8::5]:5061",
					    "192.0.2.5:5060" };
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(sip_uri_parse(&u, uris[i], strlen(uris[i])),
				 0);
		assert_int_equal(sip_addr_from_uri(&a, &u), 0);
		assert_int_equal(a.tp, want[i]);
		assert_string_equal(sip_addr_str(&a, s, sizeof(s)), addr[i]);
	}
}

static void transp_stamp_limits(void **state)
{
	static const char req[] =
		"OPTIONS sip:gw@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 10.0.0.5;rport;branch=z9hG4bKx\r\n"
		"From: <sip:a@example.com>;tag=f1\r\nTo: <sip:gw@192.0.2.1>\r\n"
		"Call-ID: s@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	struct sip_msg m;
	struct sip_addr src;
	char out[1024];
	(void)state;
	sip_addr_set(&src, "192.0.2.8", 1234);
	assert_int_equal(sip_msg_parse(&m, req, strlen(req), 65535), 0);
	size_t need = sip_transp_stamp(&m, &src, NULL, 0);
	assert_int_equal(need,
			 strlen(req) + strlen("=1234;received=192.0.2.8"));
	/* too small a buffer: nothing written */
	assert_int_equal(sip_transp_stamp(&m, &src, out, need - 1), 0);
	assert_int_equal(sip_transp_stamp(&m, &src, out, sizeof(out)), need);
	out[need] = '\0';
	assert_non_null(strstr(out, "Via: SIP/2.0/UDP 10.0.0.5;rport=1234;"
				    "branch=z9hG4bKx;received=192.0.2.8\r\n"));
	/* responses are never stamped */
	static const char resp[] =
		"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.5;rport;branch=z9hG4bKx\r\n"
		"From: <sip:a@example.com>;tag=f1\r\nTo: <sip:gw@192.0.2.1>;tag=t\r\n"
		"Call-ID: s@x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_msg_parse(&m, resp, strlen(resp), 65535), 0);
	assert_int_equal(sip_transp_stamp(&m, &src, NULL, 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(transp_rport_received),
		cmocka_unit_test(transp_no_rport),
		cmocka_unit_test(transp_ipv6),
		cmocka_unit_test(transp_stream_same_conn),
		cmocka_unit_test(transp_stream_needs_cl),
		cmocka_unit_test(transp_via_transport),
		cmocka_unit_test(transp_large_request_tcp),
		cmocka_unit_test(transp_stamp_limits),
		cmocka_unit_test(transp_contact_and_ports),
		cmocka_unit_test(transp_uri_transport),
		cmocka_unit_test(transp_alt_family),
		cmocka_unit_test(transp_error_fails_waiting),
		cmocka_unit_test(transp_cancel_with_tag),
	};
	return cmocka_run_group_tests_name("sip_transp", tests, NULL, NULL);
}
