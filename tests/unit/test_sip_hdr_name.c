/* test_sip_hdr_name.c: views, method and header names, compact forms and
 * rejection reasons (sip/hdr_name.c). */
#include "tests/unit/test_sip_build.h"
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

static void name_headers(void **state)
{
	(void)state;
	/* every name and compact form maps back to its id */
	for (int i = 1; i < SIP_HDR__COUNT; i++) {
		struct sip_msg m;
		char line[128];
		snprintf(line, sizeof(line), "%s: x\r\n",
			 sip_hdr_name((enum sip_hdr_id)i));
		(void)sipt_msg_with(&m, line);
		const struct sip_hdr *h =
			sip_msg_hdr_name(&m, sip_hdr_name((enum sip_hdr_id)i));
		assert_non_null(h);
		assert_int_equal(h->id, i);
	}
	static const struct {
		char c;
		enum sip_hdr_id id;
	} compact[] = {
		{ 'i', SIP_HDR_CALL_ID },
		{ 'm', SIP_HDR_CONTACT },
		{ 'e', SIP_HDR_CONTENT_ENCODING },
		{ 'l', SIP_HDR_CONTENT_LENGTH },
		{ 'c', SIP_HDR_CONTENT_TYPE },
		{ 'f', SIP_HDR_FROM },
		{ 's', SIP_HDR_SUBJECT },
		{ 'k', SIP_HDR_SUPPORTED },
		{ 't', SIP_HDR_TO },
		{ 'v', SIP_HDR_VIA },
		{ 'o', SIP_HDR_EVENT },
		{ 'u', SIP_HDR_ALLOW_EVENTS },
		{ 'r', SIP_HDR_REFER_TO },
		{ 'b', SIP_HDR_REFERRED_BY },
		{ 'x', SIP_HDR_SESSION_EXPIRES },
	};
	for (size_t i = 0; i < sizeof(compact) / sizeof(compact[0]); i++) {
		struct sip_msg m;
		char line[32], name[2] = { (char)(compact[i].c - 32), 0 };
		snprintf(line, sizeof(line), "%s: x\r\n", name);
		(void)sipt_msg_with(&m, line);
		const struct sip_hdr *h = sip_msg_hdr_name(&m, name);
		assert_non_null(h);
		assert_int_equal(h->id, compact[i].id);
	}
	assert_string_equal(sip_hdr_name(SIP_HDR__COUNT), "?");
	for (int r = 0; r < SIP_REJ__COUNT; r++)
		assert_non_null(sip_rej_name((enum sip_rej)r));
	assert_string_equal(sip_rej_name(SIP_REJ__COUNT), "?");
}

static void name_lookup_direct(void **state)
{
	static const struct {
		const char *name;
		enum sip_hdr_id id;
	} cases[] = {
		{ "via", SIP_HDR_VIA },
		{ "VIA", SIP_HDR_VIA },
		{ "call-id", SIP_HDR_CALL_ID },
		{ "Call-Id", SIP_HDR_CALL_ID },
		{ "p-asserted-identity", SIP_HDR_P_ASSERTED_IDENTITY },
		{ "X-Via", SIP_HDR_OTHER },
		{ "Vias", SIP_HDR_OTHER },
		{ "Vi", SIP_HDR_OTHER },
		{ "q", SIP_HDR_OTHER }, /* no such compact form */
		{ "1", SIP_HDR_OTHER },
		{ "~x", SIP_HDR_OTHER },
		{ "Session-Expire", SIP_HDR_OTHER },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sip_pl n = { cases[i].name, strlen(cases[i].name) };
		if (sip_hdr_lookup(&n) != cases[i].id)
			fail_msg("%s", cases[i].name);
	}
}

static void name_methods(void **state)
{
	(void)state;
	for (int i = 1; i < SIP_METHOD__COUNT; i++) {
		const char *s = sip_method_name((enum sip_method)i);
		struct sip_pl pl = { s, strlen(s) };
		assert_int_equal(sip_method_from_pl(&pl), i);
	}
	/* methods are case-sensitive (RFC 3261 7.1) */
	struct sip_pl lc = { "invite", 6 };
	assert_int_equal(sip_method_from_pl(&lc), SIP_METHOD_OTHER);
	struct sip_pl pre = { "INVITEX", 7 };
	assert_int_equal(sip_method_from_pl(&pre), SIP_METHOD_OTHER);
	assert_string_equal(sip_method_name(SIP_METHOD__COUNT), "?");
}

static void name_views(void **state)
{
	char buf[4];
	struct sip_pl a = { "abc", 3 }, empty = { "", 0 }, none = { NULL, 0 };
	(void)state;
	assert_true(sip_pl_isset(&a));
	assert_false(sip_pl_isset(&empty));
	assert_false(sip_pl_isset(&none));
	assert_false(sip_pl_isset(NULL));
	assert_true(sip_pl_eq(&a, "abc"));
	assert_false(sip_pl_eq(&a, "ABC"));
	assert_false(sip_pl_eq(&a, "ab"));
	assert_true(sip_pl_eq(&empty, ""));
	assert_true(sip_pl_casecmp(&a, "ABC"));
	assert_false(sip_pl_casecmp(&a, "abd"));
	/* only letters fold: '@' (0x40) is not '`' (0x60) */
	struct sip_pl at = { "@", 1 };
	assert_false(sip_pl_casecmp(&at, "`"));
	assert_int_equal(sip_pl_copy(&a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "abc");
	assert_int_equal(sip_pl_copy(&a, buf, 3), ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(sip_pl_copy(&a, buf, 0), ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(name_headers),
		cmocka_unit_test(name_lookup_direct),
		cmocka_unit_test(name_methods),
		cmocka_unit_test(name_views),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
