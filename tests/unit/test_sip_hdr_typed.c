/* test_sip_hdr_typed.c: typed header views (sip/hdr_typed.c). */
#include "tests/unit/test_sip_build.h"
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

static struct sip_pl pl(const char *s)
{
	struct sip_pl p = { s, strlen(s) };
	return p;
}

static void typed_hiter_across_lines(void **state)
{
	struct sip_msg m;
	struct sip_hiter it;
	struct sip_pl v;
	const char *want[] = { "<sip:p1;lr>", "<sip:p2;lr>", "<sip:p3>" };
	unsigned n = 0;
	(void)state;
	assert_int_equal(sipt_msg_with(&m,
				       "Route: <sip:p1;lr>,\r\n <sip:p2;lr>\r\n"
				       "X-Other: 1\r\nRoute: <sip:p3>\r\n"),
			 0);
	sip_hiter_init(&it, &m, SIP_HDR_ROUTE);
	while (sip_hiter_next(&it, &v)) {
		assert_true(n < 3);
		assert_true(sip_pl_eq(&v, want[n]));
		struct sip_naddr na;
		assert_int_equal(sip_naddr_parse_pl(&na, &v), 0);
		n++;
	}
	assert_int_equal(n, 3);
	assert_false(sip_hiter_next(&it, &v)); /* stays at the end */
	/* no such header: nothing */
	sip_hiter_init(&it, &m, SIP_HDR_RECORD_ROUTE);
	assert_false(sip_hiter_next(&it, &v));
}

static void typed_contact(void **state)
{
	struct sip_contact c;
	(void)state;
	struct sip_pl v = pl("\"A\" <sip:a@192.0.2.1:5062>;expires=60;q=0.5");
	assert_int_equal(sip_contact_parse(&c, &v), 0);
	assert_false(c.star);
	assert_true(c.has_expires);
	assert_int_equal(c.expires, 60);
	assert_int_equal(c.q, 500);
	assert_int_equal(c.addr.uri.port, 5062);
	v = pl("*");
	assert_int_equal(sip_contact_parse(&c, &v), 0);
	assert_true(c.star);
	v = pl("<sip:a@h>");
	assert_int_equal(sip_contact_parse(&c, &v), 0);
	assert_int_equal(c.q, -1);
	assert_false(c.has_expires);
	v = pl("<sip:a@h>;q=1");
	assert_int_equal(sip_contact_parse(&c, &v), 0);
	assert_int_equal(c.q, 1000);
	/* overflowing expiry saturates (RFC 4475 3.1.2.4) */
	v = pl("<sip:a@h>;expires=280297596632815");
	assert_int_equal(sip_contact_parse(&c, &v), 0);
	assert_int_equal(c.expires, UINT32_MAX);
	static const char *const bad[] = {
		"<sip:a@h>;q=1.5",
		"<sip:a@h>;q=2",
		"<sip:a@h>;q=0.1234",
		"<sip:a@h>;q=x",
		"<sip:a@h>;expires=-1",
		"<sip:a@h>;expires=",
		"",
		"<>",
		"sip:a@h?x=1",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = pl(bad[i]);
		if (sip_contact_parse(&c, &v) == 0)
			fail_msg("accepted %s", bad[i]);
	}
	/* in a message: '*' alone, never in a list */
	struct sip_msg m;
	assert_int_equal(sipt_msg_with(&m, "Contact: *\r\n"), 0);
	assert_false(m.has_contact);
	assert_int_equal(sipt_msg_with(&m, "Contact: *, <sip:a@h>\r\n"),
			 EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_HDR_VALUE);
	assert_int_equal(sipt_msg_with(&m, "m: <sip:x@h>;q=0.1, <sip:y@h>\r\n"),
			 0);
	assert_true(m.has_contact);
	assert_true(sip_pl_eq(&m.contact.uri.user, "x"));
}

static void typed_cseq_ctype(void **state)
{
	struct sip_cseq c;
	struct sip_ctype ct;
	(void)state;
	struct sip_pl v = pl(" 42 \r\n INVITE ");
	assert_int_equal(sip_cseq_parse(&c, &v), 0);
	assert_int_equal(c.num, 42);
	assert_int_equal(c.method, SIP_METHOD_INVITE);
	v = pl("7 NEWMETHOD");
	assert_int_equal(sip_cseq_parse(&c, &v), 0);
	assert_int_equal(c.method, SIP_METHOD_OTHER);
	assert_true(sip_pl_eq(&c.method_str, "NEWMETHOD"));
	static const char *const badc[] = {
		"2147483648 INVITE", "-1 INVITE",  "1", "INVITE",
		"1INVITE",	     "1 INVITE x", ""
	};
	for (size_t i = 0; i < sizeof(badc) / sizeof(badc[0]); i++) {
		v = pl(badc[i]);
		if (sip_cseq_parse(&c, &v) == 0)
			fail_msg("accepted CSeq %s", badc[i]);
	}
	v = pl("application / SDP ;charset=utf-8");
	assert_int_equal(sip_ctype_parse(&ct, &v), 0);
	assert_true(sip_ctype_is(&ct, "application", "sdp"));
	assert_false(sip_ctype_is(&ct, "application", "isup"));
	assert_true(sip_param_find(&ct.params, "charset", &v));
	assert_true(sip_pl_eq(&v, "utf-8"));
	static const char *const badt[] = { "application", "application/",
					    "/sdp", "a/b c", "a/b;" };
	for (size_t i = 0; i < sizeof(badt) / sizeof(badt[0]); i++) {
		v = pl(badt[i]);
		if (sip_ctype_parse(&ct, &v) == 0)
			fail_msg("accepted Content-Type %s", badt[i]);
	}
}

static void typed_auth(void **state)
{
	struct sip_auth a;
	struct sip_pl v;
	(void)state;
	struct sip_pl h = pl("Digest realm=\"ex, ample\",  nonce=\"n1\",\r\n "
			     "algorithm=SHA-256, qop=\"auth,auth-int\", "
			     "stale=FALSE");
	assert_int_equal(sip_auth_parse(&a, &h), 0);
	assert_true(sip_pl_eq(&a.scheme, "Digest"));
	assert_true(sip_auth_param(&a, "realm", &v));
	assert_true(sip_pl_eq(&v, "ex, ample")); /* comma inside quotes */
	assert_true(sip_auth_param(&a, "ALGORITHM", &v));
	assert_true(sip_pl_eq(&v, "SHA-256"));
	assert_true(sip_auth_param(&a, "qop", &v));
	assert_true(sip_pl_eq(&v, "auth,auth-int"));
	assert_true(sip_auth_param(&a, "stale", &v));
	assert_false(sip_auth_param(&a, "opaque", &v));
	/* an unknown scheme still parses (RFC 4475 3.3.7) */
	h = pl("NoOneKnowsThisScheme opaque-data=here");
	assert_int_equal(sip_auth_parse(&a, &h), 0);
	assert_true(sip_auth_param(&a, "opaque-data", &v));
	h = pl("Digest");
	assert_int_equal(sip_auth_parse(&a, &h), 0);
	assert_false(sip_auth_param(&a, "realm", &v));
	static const char *const bad[] = { "",
					   "Digest realm",
					   "Digest realm=\"x",
					   "Digest realm=x,",
					   "Digest =x",
					   "Digest a=b c=d" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		h = pl(bad[i]);
		if (sip_auth_parse(&a, &h) == 0)
			fail_msg("accepted auth %s", bad[i]);
	}
	/* in a message: a broken challenge is a broken message */
	struct sip_msg m;
	assert_int_equal(
		sipt_msg_with(&m, "WWW-Authenticate: Digest realm=\r\n"),
		EBADMSG);
	assert_int_equal(
		sipt_msg_with(&m,
			      "Proxy-Authorization: Digest username=\"u\"\r\n"),
		0);
	const struct sip_hdr *ph =
		sip_msg_hdr(&m, SIP_HDR_PROXY_AUTHORIZATION, NULL);
	assert_non_null(ph);
	assert_int_equal(sip_auth_parse(&a, &ph->val), 0);
	assert_true(sip_auth_param(&a, "username", &v));
	assert_true(sip_pl_eq(&v, "u"));
}

static void typed_timers(void **state)
{
	struct sip_sess_expires se;
	struct sip_pl v, params;
	uint32_t d;
	(void)state;
	v = pl("1800;refresher=uas");
	assert_int_equal(sip_sess_expires_parse(&se, &v), 0);
	assert_int_equal(se.delta, 1800);
	assert_true(sip_pl_eq(&se.refresher, "uas"));
	v = pl("90");
	assert_int_equal(sip_sess_expires_parse(&se, &v), 0);
	assert_int_equal(se.refresher.l, 0);
	v = pl("90;refresher=me");
	assert_int_equal(sip_sess_expires_parse(&se, &v), EBADMSG);
	v = pl("90;x=1");
	assert_int_equal(sip_delta_parse(&v, &d, &params), 0);
	assert_int_equal(d, 90);
	assert_true(sip_pl_eq(&params, "x=1"));
	/* Expires takes no params */
	assert_int_equal(sip_delta_parse(&v, &d, NULL), EBADMSG);
	v = pl("99999999999999999999");
	assert_int_equal(sip_delta_parse(&v, &d, NULL), 0);
	assert_int_equal(d, UINT32_MAX);
	v = pl("-5");
	assert_int_equal(sip_delta_parse(&v, &d, NULL), EBADMSG);
	v = pl("");
	assert_int_equal(sip_delta_parse(&v, &d, NULL), EBADMSG);

	struct sip_msg m;
	assert_int_equal(sipt_msg_with(&m, "x: 600;refresher=uac\r\n"
					   "Min-SE: 90\r\nExpires: 60\r\n"),
			 0);
	assert_non_null(sip_msg_hdr(&m, SIP_HDR_SESSION_EXPIRES, NULL));
	assert_int_equal(sipt_msg_with(&m, "Expires: 60\r\nExpires: 70\r\n"),
			 EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_DUPLICATE);
	assert_int_equal(sipt_msg_with(&m, "Min-SE: ninety\r\n"), EBADMSG);
	assert_int_equal(m.rej, SIP_REJ_HDR_VALUE);
}

static void typed_100rel(void **state)
{
	struct sip_rack r;
	struct sip_pl v = pl("776656 1 INVITE");
	(void)state;
	assert_int_equal(sip_rack_parse(&r, &v), 0);
	assert_int_equal(r.rseq, 776656);
	assert_int_equal(r.cseq, 1);
	assert_int_equal(r.method, SIP_METHOD_INVITE);
	static const char *const bad[] = { "0 1 INVITE", "1 INVITE", "1 2",
					   "1 2 INVITE x", "a 1 INVITE" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		v = pl(bad[i]);
		if (sip_rack_parse(&r, &v) == 0)
			fail_msg("accepted RAck %s", bad[i]);
	}
	struct sip_msg m;
	assert_int_equal(sipt_msg_with(&m, "RSeq: 1\r\nRAck: 1 1 INVITE\r\n"),
			 0);
	assert_int_equal(sipt_msg_with(&m, "RSeq: 0\r\n"), EBADMSG);
	assert_int_equal(sipt_msg_with(&m, "RSeq: 2147483648\r\n"), EBADMSG);
}

static void typed_reason_event(void **state)
{
	struct sip_reason r;
	struct sip_event ev;
	struct sip_substate ss;
	struct sip_retry_after ra;
	(void)state;
	struct sip_pl v = pl("Q.850 ;cause=16 ;text=\"Normal, clearing\"");
	assert_int_equal(sip_reason_parse(&r, &v), 0);
	assert_true(sip_pl_eq(&r.protocol, "Q.850"));
	assert_int_equal(r.cause, 16);
	assert_true(sip_pl_eq(&r.text, "Normal, clearing"));
	v = pl("SIP");
	assert_int_equal(sip_reason_parse(&r, &v), 0);
	assert_int_equal(r.cause, -1);
	v = pl("SIP;cause=abc");
	assert_int_equal(sip_reason_parse(&r, &v), EBADMSG);
	v = pl("SIP;cause=70000");
	assert_int_equal(sip_reason_parse(&r, &v), EBADMSG);

	v = pl("presence.winfo;id=17");
	assert_int_equal(sip_event_parse(&ev, &v), 0);
	assert_true(sip_pl_eq(&ev.package, "presence.winfo"));
	assert_true(sip_pl_eq(&ev.id, "17"));
	v = pl(";id=1");
	assert_int_equal(sip_event_parse(&ev, &v), EBADMSG);

	v = pl("active;expires=600");
	assert_int_equal(sip_substate_parse(&ss, &v), 0);
	assert_true(sip_pl_eq(&ss.state, "active"));
	assert_int_equal(ss.expires, 600);
	assert_int_equal(ss.retry_after, -1);
	v = pl("terminated;reason=timeout;retry-after=30");
	assert_int_equal(sip_substate_parse(&ss, &v), 0);
	assert_true(sip_pl_eq(&ss.reason, "timeout"));
	assert_int_equal(ss.retry_after, 30);
	v = pl("active;expires=soon");
	assert_int_equal(sip_substate_parse(&ss, &v), EBADMSG);

	v = pl("120 (I'm in a (long) meeting) ;duration=3600");
	assert_int_equal(sip_retry_after_parse(&ra, &v), 0);
	assert_int_equal(ra.delta, 120);
	assert_true(sip_pl_eq(&ra.comment, "I'm in a (long) meeting"));
	assert_int_equal(ra.duration, 3600);
	v = pl("5");
	assert_int_equal(sip_retry_after_parse(&ra, &v), 0);
	assert_int_equal(ra.duration, -1);
	assert_int_equal(ra.comment.l, 0);
	v = pl("5 (unclosed");
	assert_int_equal(sip_retry_after_parse(&ra, &v), EBADMSG);
	v = pl("soon");
	assert_int_equal(sip_retry_after_parse(&ra, &v), EBADMSG);

	struct sip_msg m;
	assert_int_equal(
		sipt_msg_with(&m, "o: dialog\r\n"
				  "Subscription-State: pending\r\n"
				  "Reason: SIP;cause=200, Q.850;cause=16\r\n"
				  "Retry-After: 10\r\n"),
		0);
	assert_int_equal(sip_msg_q850_cause(&m), 16);
	assert_int_equal(
		sipt_msg_with(&m, "Event: dialog\r\nEvent: presence\r\n"),
		EBADMSG);
}

static void typed_tokens_identity(void **state)
{
	struct sip_msg m;
	struct sip_hiter it;
	struct sip_pl v;
	struct sip_naddr na;
	(void)state;
	assert_int_equal(
		sipt_msg_with(
			&m,
			"Supported: timer,\r\n\t100rel\r\nk: replaces\r\n"
			"Allow: INVITE, ACK\r\nRequire: \r\n"
			"Privacy: id; header\r\n"
			"P-Asserted-Identity: \"Alice\" <sip:+1555@h>, "
			"<tel:+1555>\r\n"
			"Diversion: <sip:+1666@h>;reason=unconditional\r\n"
			"History-Info: <sip:a@h>;index=1, <sip:b@h>;index=1.1\r\n"
			"r: <sip:c@h?Replaces=x%40y>\r\n"
			"b: <sip:d@h>\r\n"),
		0);
	assert_true(sip_msg_has_token(&m, SIP_HDR_SUPPORTED, "100REL"));
	assert_true(sip_msg_has_token(&m, SIP_HDR_SUPPORTED, "replaces"));
	assert_true(sip_msg_has_token(&m, SIP_HDR_SUPPORTED, "timer"));
	assert_false(sip_msg_has_token(&m, SIP_HDR_SUPPORTED, "path"));
	assert_true(sip_msg_has_token(&m, SIP_HDR_ALLOW, "ACK"));
	assert_false(sip_msg_has_token(&m, SIP_HDR_REQUIRE, "timer"));
	assert_true(sip_msg_privacy(&m, "header"));
	assert_true(sip_msg_privacy(&m, "ID"));
	assert_false(sip_msg_privacy(&m, "user"));

	sip_hiter_init(&it, &m, SIP_HDR_P_ASSERTED_IDENTITY);
	assert_true(sip_hiter_next(&it, &v));
	assert_int_equal(sip_naddr_parse_pl(&na, &v), 0);
	assert_true(sip_pl_eq(&na.dname, "Alice"));
	assert_true(sip_hiter_next(&it, &v));
	assert_int_equal(sip_naddr_parse_pl(&na, &v), 0);
	assert_int_equal(na.uri.scheme, SIP_URI_TEL);
	assert_true(sip_pl_eq(&na.uri.user, "+1555"));

	const struct sip_hdr *h = sip_msg_hdr(&m, SIP_HDR_DIVERSION, NULL);
	assert_int_equal(sip_naddr_parse_pl(&na, &h->val), 0);
	assert_true(sip_param_find(&na.params, "reason", &v));
	assert_true(sip_pl_eq(&v, "unconditional"));
	sip_hiter_init(&it, &m, SIP_HDR_HISTORY_INFO);
	assert_true(sip_hiter_next(&it, &v));
	assert_true(sip_hiter_next(&it, &v));
	assert_int_equal(sip_naddr_parse_pl(&na, &v), 0);
	assert_true(sip_param_find(&na.params, "index", &v));
	assert_true(sip_pl_eq(&v, "1.1"));
	h = sip_msg_hdr(&m, SIP_HDR_REFER_TO, NULL);
	assert_int_equal(sip_naddr_parse_pl(&na, &h->val), 0);
	assert_true(sip_pl_eq(&na.uri.headers, "Replaces=x%40y"));
	assert_non_null(sip_msg_hdr(&m, SIP_HDR_REFERRED_BY, NULL));

	/* broken ones reject the message */
	static const char *const bad[] = {
		"Supported: a b\r\n",
		"Require: 100rel;x\r\n",
		"Privacy: id;;\r\n",
		"P-Asserted-Identity: <sip:a@h\r\n",
		"Route: sip:a@h?x\r\n",
		"Refer-To: <sip:a@h>, <sip:b@h>\r\n",
		"Diversion: \r\n",
		"Referred-By: <sip:a@h>\r\nb: <sip:c@h>\r\n",
		"Reason: Q.850;cause\r\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sipt_msg_with(&m, bad[i]) == 0)
			fail_msg("accepted %s", bad[i]);
	/* unknown headers are kept verbatim, never interpreted */
	assert_int_equal(sipt_msg_with(&m, "X-Odd: ,,;;<<\"\r\n"
					   "User-Agent: a (b) <c>\r\n"),
			 0);
	h = sip_msg_hdr_name(&m, "x-odd");
	assert_non_null(h);
	assert_true(sip_pl_eq(&h->val, ",,;;<<\""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(typed_hiter_across_lines),
		cmocka_unit_test(typed_contact),
		cmocka_unit_test(typed_cseq_ctype),
		cmocka_unit_test(typed_auth),
		cmocka_unit_test(typed_timers),
		cmocka_unit_test(typed_100rel),
		cmocka_unit_test(typed_reason_event),
		cmocka_unit_test(typed_tokens_identity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
