/* test_sip_uri.c: URI parser (sip/uri.c). */
#include "tests/unit/test_sip_fake.h"

static void uri_sip(void **state)
{
	struct sip_uri u;
	struct sip_pl v;
	const char *s =
		"sip:alice:pw@example.com:5070;transport=udp;lr?subject=x";
	(void)state;
	assert_int_equal(sip_uri_parse(&u, s, strlen(s)), 0);
	assert_int_equal(u.scheme, SIP_URI_SIP);
	assert_true(sip_pl_eq(&u.user, "alice"));
	assert_true(sip_pl_eq(&u.password, "pw"));
	assert_true(sip_pl_eq(&u.host, "example.com"));
	assert_int_equal(u.port, 5070);
	assert_true(sip_uri_param(&u, "transport", &v));
	assert_true(sip_pl_eq(&v, "udp"));
	assert_true(sip_uri_param(&u, "lr", &v));
	assert_int_equal(v.l, 0);
	assert_false(sip_uri_param(&u, "maddr", NULL));
	assert_true(sip_pl_eq(&u.headers, "subject=x"));
}

static void uri_ipv6_tel_sips(void **state)
{
	struct sip_uri u;
	(void)state;
	const char *a = "sips:[2001:db8::10]:5061";
	assert_int_equal(sip_uri_parse(&u, a, strlen(a)), 0);
	assert_int_equal(u.scheme, SIP_URI_SIPS);
	assert_true(u.ipv6);
	assert_true(sip_pl_eq(&u.host, "2001:db8::10"));
	assert_int_equal(u.port, 5061);
	const char *t = "tel:+1-201-555-0123;phone-context=example.com";
	assert_int_equal(sip_uri_parse(&u, t, strlen(t)), 0);
	assert_int_equal(u.scheme, SIP_URI_TEL);
	assert_true(sip_pl_eq(&u.user, "+1-201-555-0123"));
	const char *e = "sip:%61lice@h";
	assert_int_equal(sip_uri_parse(&u, e, strlen(e)), 0);
	const char *o = "mailto:a@b";
	assert_int_equal(sip_uri_parse(&u, o, strlen(o)), 0);
	assert_int_equal(u.scheme, SIP_URI_OTHER);
	assert_string_equal(sip_uri_scheme_name(SIP_URI_TEL), "tel");
}

static void uri_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"sip:",
		"sip:@h",
		"sip:a@",
		"sip:a@h:99999",
		"sip:a@h:0",
		"sip:a@[::1",
		"sip:a%4@h",
		"tel:",
		"tel:12x",
		"1sip:a@h",
		"sip:a b@h",
		"sip:a@h:5060x",
	};
	struct sip_uri u;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(sip_uri_parse(&u, bad[i], strlen(bad[i])),
				     0);
}

static bool eq(const char *a, const char *b)
{
	struct sip_uri ua, ub;
	assert_int_equal(sip_uri_parse(&ua, a, strlen(a)), 0);
	assert_int_equal(sip_uri_parse(&ub, b, strlen(b)), 0);
	bool r = sip_uri_eq(&ua, &ub);
	assert_true(r == sip_uri_eq(&ub, &ua)); /* symmetric */
	return r;
}

/* The examples of RFC 3261 19.1.4, both ways. */
static void uri_compare(void **state)
{
	static const char *const same[][2] = {
		{ "sip:%61lice@atlanta.com;transport=TCP",
		  "sip:alice@AtLanTa.CoM;Transport=tcp" },
		{ "sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5" },
		{ "sip:carol@chicago.com",
		  "sip:carol@chicago.com;security=on" },
		{ "sip:carol@chicago.com;newparam=5",
		  "sip:carol@chicago.com;security=on" },
		{ "sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
		  "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com" },
		{ "sip:alice@atlanta.com?subject=project%20x&priority=urgent",
		  "sip:alice@atlanta.com?priority=urgent&subject=project%20x" },
		{ "sips:[2001:db8::10]:5061", "sips:[2001:DB8::10]:5061" },
		{ "tel:+1-555-0100", "tel:+1-555-0100" },
		{ "tel:+1-555-0100", "tel:+1(555)0100" },
		{ "tel:+1.555.0100;phone-context=x",
		  "tel:+15550100;phone-context=x" },
		{ "tel:7042;phone-context=EXAMPLE.com",
		  "tel:7042;phone-context=example.com" },
	};
	static const char *const differ[][2] = {
		{ "SIP:ALICE@AtLanTa.CoM;Transport=udp",
		  "sip:alice@AtLanTa.CoM;Transport=UDP" },
		{ "sip:bob@biloxi.com", "sip:bob@biloxi.com:5060" },
		{ "sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp" },
		{ "sip:bob@biloxi.com",
		  "sip:bob@biloxi.com:6000;transport=tcp" },
		{ "sip:carol@chicago.com",
		  "sip:carol@chicago.com?Subject=next%20meeting" },
		{ "sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4" },
		{ "sip:carol@chicago.com;security=on",
		  "sip:carol@chicago.com;security=off" },
		{ "sip:a@h", "sips:a@h" },
		{ "sip:a:pw@h", "sip:a:PW@h" },
		{ "sip:a@h;maddr=192.0.2.1", "sip:a@h" },
		{ "sip:a@h?x=1", "sip:a@h?x=2" },
		{ "tel:+1-555-0100", "tel:+1-555-0101" },
		{ "tel:+1-555-0100", "tel:+1-555-01000" },
		{ "tel:+15550100;phone-context=x",
		  "tel:+15550100;phone-context=y" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		if (!eq(same[i][0], same[i][1]))
			fail_msg("%s != %s", same[i][0], same[i][1]);
	for (size_t i = 0; i < sizeof(differ) / sizeof(differ[0]); i++)
		if (eq(differ[i][0], differ[i][1]))
			fail_msg("%s == %s", differ[i][0], differ[i][1]);
}

/* IPv6 references as RFC 5954 corrected the ABNF. */
static void uri_ipv6_forms(void **state)
{
	static const char *const good[] = {
		"sip:[::1]",
		"sip:u@[2001:db8::192.0.2.1]",
		"sip:[2001:db8::10:5070]",
		"sip:[::ffff:192.0.2.128]:5060",
		"sip:[2001:db8:0:0:0:0:0:1]",
	};
	static const char *const bad[] = {
		"sip:u@[2001:db8:::192.0.2.1]",
		"sip:[]",
		"sip:[1:2:3:4:5:6:7:8:9]",
		"sip:[2001:db8::g]",
		"sip:[::1",
		"sip:2001:db8::10",
		"sip:[::1]:0",
		"sip:[::1]:65536",
	};
	struct sip_uri u;
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (sip_uri_parse(&u, good[i], strlen(good[i])) || !u.ipv6)
			fail_msg("rejected %s", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (sip_uri_parse(&u, bad[i], strlen(bad[i])) == 0)
			fail_msg("accepted %s", bad[i]);
}

/* fuzz_sip_uri: a URI without parameters has params.p NULL, and the
 * lookup and the comparison computed NULL + 0 (undefined) on it. */
static void uri_param_none(void **state)
{
	(void)state;
	static const char s[] = "sip:5551234@192.0.2.1";
	struct sip_uri u;
	struct sip_pl v = { "x", 1 };

	assert_int_equal(sip_uri_parse(&u, s, strlen(s)), 0);
	assert_null(u.params.p);
	assert_false(sip_uri_param(&u, "transport", &v));
	assert_int_equal(v.l, 1); /* untouched */
	/* and the comparison walked the absent parts the same way */
	static const char t[] = "sip:5551234@192.0.2.1;transport=udp?h=1";
	struct sip_uri w;

	assert_int_equal(sip_uri_parse(&w, t, strlen(t)), 0);
	assert_true(sip_uri_eq(&u, &u));
	assert_false(sip_uri_eq(&u, &w));
	assert_false(sip_uri_eq(&w, &u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uri_sip),
		cmocka_unit_test(uri_ipv6_tel_sips),
		cmocka_unit_test(uri_bad),
		cmocka_unit_test(uri_compare),
		cmocka_unit_test(uri_ipv6_forms),
		cmocka_unit_test(uri_param_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
