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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uri_sip),
		cmocka_unit_test(uri_ipv6_tel_sips),
		cmocka_unit_test(uri_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
