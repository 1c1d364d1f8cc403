/* gateway/identity.c: E.164 normalisation both ways, the identity headers
 * of INVITEs we send, and the numbers taken from INVITEs we receive. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "gateway/identity.h"

static const struct gw_numplan nanp = { "1", "1", "011" };
static const struct gw_numplan de = { "49", "0", "00" };

static void to_e164(void **state)
{
	char out[40];

	gw_id_to_e164(&nanp, "2125550100", TDM_TON_NATIONAL, out, sizeof(out));
	assert_string_equal(out, "+12125550100");
	gw_id_to_e164(&nanp, "442071234567", TDM_TON_INTERNATIONAL, out,
		      sizeof(out));
	assert_string_equal(out, "+442071234567");
	/* TON unknown: the prefixes tell */
	gw_id_to_e164(&nanp, "011442071234567", TDM_TON_UNKNOWN, out,
		      sizeof(out));
	assert_string_equal(out, "+442071234567");
	gw_id_to_e164(&nanp, "12125550100", TDM_TON_UNKNOWN, out, sizeof(out));
	assert_string_equal(out, "+12125550100");
	gw_id_to_e164(&de, "0301234567", TDM_TON_UNKNOWN, out, sizeof(out));
	assert_string_equal(out, "+49301234567");
	gw_id_to_e164(&de, "0044207123", TDM_TON_UNKNOWN, out, sizeof(out));
	assert_string_equal(out, "+44207123");
	/* no prefix, subscriber, a bare prefix: left alone */
	gw_id_to_e164(&de, "1234567", TDM_TON_UNKNOWN, out, sizeof(out));
	assert_string_equal(out, "1234567");
	gw_id_to_e164(&de, "5550100", TDM_TON_SUBSCRIBER, out, sizeof(out));
	assert_string_equal(out, "5550100");
	gw_id_to_e164(&de, "00", TDM_TON_UNKNOWN, out, sizeof(out));
	assert_string_equal(out, "+490");
	gw_id_to_e164(&de, "", TDM_TON_NATIONAL, out, sizeof(out));
	assert_string_equal(out, "");
	/* no country code: only international gains its '+' */
	struct gw_numplan none = { 0 };

	gw_id_to_e164(&none, "2125550100", TDM_TON_NATIONAL, out, sizeof(out));
	assert_string_equal(out, "2125550100");
	gw_id_to_e164(NULL, "4420", TDM_TON_INTERNATIONAL, out, sizeof(out));
	assert_string_equal(out, "+4420");
}

static void from_user(void **state)
{
	struct tdm_number n;
	const char *u;

	u = "+1-212-555-0100;phone-context=x";
	assert_int_equal(gw_id_from_user(&nanp, u, strlen(u), &n), 0);
	assert_string_equal(n.digits, "2125550100");
	assert_int_equal(n.ton, TDM_TON_NATIONAL);
	assert_int_equal(n.npi, TDM_NPI_E164);
	u = "+44(20)7123.4567";
	assert_int_equal(gw_id_from_user(&nanp, u, strlen(u), &n), 0);
	assert_string_equal(n.digits, "442071234567");
	assert_int_equal(n.ton, TDM_TON_INTERNATIONAL);
	u = "5550100";
	assert_int_equal(gw_id_from_user(&nanp, u, strlen(u), &n), 0);
	assert_int_equal(n.ton, TDM_TON_UNKNOWN);
	assert_int_equal(gw_id_from_user(NULL, "+12", 3, &n), 0);
	assert_int_equal(n.ton, TDM_TON_INTERNATIONAL);
	assert_string_equal(n.digits, "12");
	/* not numbers: out untouched */
	memset(&n, 0x5a, sizeof(n));
	assert_int_equal(gw_id_from_user(&nanp, "anonymous", 9, &n), EINVAL);
	assert_int_equal(gw_id_from_user(&nanp, "12+3", 4, &n), EINVAL);
	assert_int_equal(gw_id_from_user(&nanp, "+", 1, &n), EINVAL);
	assert_int_equal(gw_id_from_user(&nanp, "", 0, &n), EINVAL);
	u = "123456789012345678901234567890123";
	assert_int_equal(gw_id_from_user(&nanp, u, strlen(u), &n), ENOSPC);
	assert_int_equal((unsigned char)n.digits[0], 0x5a);
}

static struct tdm_call_info caller(enum tdm_pres pres, enum tdm_screen scr)
{
	struct tdm_call_info in = { 0 };

	snprintf(in.calling.digits, sizeof(in.calling.digits), "2125550100");
	in.calling.ton = TDM_TON_NATIONAL;
	in.calling.pres = pres;
	in.calling.screen = scr;
	snprintf(in.calling_name, sizeof(in.calling_name), "Bob \"B\" Smith");
	return in;
}

static void to_sip_allowed(void **state)
{
	struct gw_id_opts o = { &nanp, "gw.example", true, GW_REDIR_NONE };
	struct tdm_call_info in = caller(TDM_PRES_ALLOWED, TDM_SCREEN_NETWORK);
	struct gw_id_sip s;

	assert_int_equal(gw_id_to_sip(&o, &in, NULL, "+15551000", &s), 0);
	assert_string_equal(s.from_user, "+12125550100");
	assert_null(s.from_host);
	assert_string_equal(s.display, "Bob B Smith"); /* quotes dropped */
	assert_string_equal(
		s.hdrs,
		"P-Asserted-Identity: <sip:+12125550100@gw.example;user=phone>\r\n");
	/* untrusted trunk: no PAI */
	o.trust_pai = false;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_string_equal(s.hdrs, "");
	/* trusted, but the number was not screened: not asserted */
	o.trust_pai = true;
	in.calling.screen = TDM_SCREEN_USER_NOT_SCREENED;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_string_equal(s.hdrs, "");
	assert_string_equal(s.from_user, "+12125550100");
	in.calling.screen = TDM_SCREEN_USER_PASSED;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_non_null(strstr(s.hdrs, "P-Asserted-Identity: "));
}

static void to_sip_restricted(void **state)
{
	struct gw_id_opts o = { &nanp, "gw.example", true, GW_REDIR_NONE };
	struct tdm_call_info in =
		caller(TDM_PRES_RESTRICTED, TDM_SCREEN_USER_PASSED);
	struct gw_id_sip s;

	gw_id_to_sip(&o, &in, NULL, "5551000", &s);
	assert_string_equal(s.from_user, "anonymous");
	assert_string_equal(s.from_host, "anonymous.invalid");
	assert_string_equal(s.display, "Anonymous");
	assert_string_equal(
		s.hdrs,
		"P-Asserted-Identity: <sip:+12125550100@gw.example;user=phone>\r\n"
		"Privacy: id\r\n");
	/* untrusted: the number goes nowhere */
	o.trust_pai = false;
	gw_id_to_sip(&o, &in, NULL, "5551000", &s);
	assert_string_equal(s.hdrs, "Privacy: id\r\n");
	assert_null(strstr(s.from_user, "212"));
	/* unavailable: anonymous, no Privacy asked, no number anywhere
	 * (even if one came with it) */
	in.calling.pres = TDM_PRES_UNAVAILABLE;
	o.trust_pai = true;
	gw_id_to_sip(&o, &in, NULL, "5551000", &s);
	assert_string_equal(s.from_user, "anonymous");
	assert_string_equal(s.hdrs, "");
	in.calling.digits[0] = '\0';
	gw_id_to_sip(&o, &in, NULL, "5551000", &s);
	assert_string_equal(s.from_user, "anonymous");
	assert_string_equal(s.hdrs, "");
}

static void to_sip_redirect(void **state)
{
	struct gw_id_opts o = { &nanp, "gw.example", false,
				GW_REDIR_DIVERSION };
	struct tdm_call_info in = caller(TDM_PRES_ALLOWED, TDM_SCREEN_NETWORK);
	struct gw_id_sip s;

	snprintf(in.redirecting.digits, sizeof(in.redirecting.digits),
		 "2125550199");
	in.redirecting.ton = TDM_TON_NATIONAL;
	in.redirect_reason = TDM_REDIR_BUSY;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_string_equal(
		s.hdrs,
		"Diversion: <sip:+12125550199@gw.example;user=phone>;reason=user-busy;counter=1\r\n");
	o.redir = GW_REDIR_HISTORY_INFO;
	in.redirect_reason = TDM_REDIR_UNCONDITIONAL;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_string_equal(
		s.hdrs,
		"History-Info: <sip:+12125550199@gw.example;user=phone>;index=1, "
		"<sip:+15551000@gw.example;user=phone;cause=302>;index=1.1;mp=1\r\n");
	o.redir = GW_REDIR_BOTH;
	in.redirecting.pres = TDM_PRES_RESTRICTED;
	in.redirect_reason = TDM_REDIR_NO_REPLY;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_non_null(strstr(s.hdrs, "reason=no-answer;counter=1;"
				       "privacy=full\r\nHistory-Info: "));
	assert_non_null(strstr(s.hdrs, ";cause=408>"));
	o.redir = GW_REDIR_NONE;
	gw_id_to_sip(&o, &in, NULL, "+15551000", &s);
	assert_string_equal(s.hdrs, "");
	assert_string_equal(gw_redir_hdr_name(GW_REDIR_BOTH), "both");
	/* a calling number a route rewrote goes out as given */
	o.trust_pai = true;
	gw_id_to_sip(&o, &in, "+12125550000", "+15551000", &s);
	assert_string_equal(s.from_user, "+12125550000");
	assert_non_null(strstr(s.hdrs, "<sip:+12125550000@gw.example;"));
	gw_id_to_sip(&o, &in, "", "+15551000", &s); /* removed: anonymous */
	assert_string_equal(s.from_user, "anonymous");
	assert_string_equal(gw_redir_hdr_name((enum gw_redir_hdr)9), "?");
}

/* ---- from SIP ---- */

static char buf[2048];
static struct sip_msg msg;

static const struct sip_msg *invite(const char *from, const char *extra)
{
	int n = snprintf(
		buf, sizeof(buf),
		"INVITE sip:5551000@gw SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
		"From: %s;tag=1\r\n"
		"To: <sip:5551000@gw>\r\n"
		"Call-ID: a@b\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
		"%sContent-Length: 0\r\n\r\n",
		from, extra);

	assert_int_equal(sip_msg_parse(&msg, buf, (size_t)n, sizeof(buf)), 0);
	return &msg;
}

static void from_sip_pai(void **state)
{
	struct gw_id_opts o = { &nanp, NULL, true, GW_REDIR_DIVERSION };
	struct tdm_call_info info = { 0 };
	char name[64];
	const struct sip_msg *m = invite(
		"\"Alice\" <sip:+12125550100@a.example>",
		"P-Asserted-Identity: \"A\" <sip:+442071234567@a.example>, "
		"<tel:+442071234567>\r\n");

	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "442071234567");
	assert_int_equal(info.calling.ton, TDM_TON_INTERNATIONAL);
	assert_int_equal(info.calling.screen, TDM_SCREEN_NETWORK);
	assert_int_equal(info.calling.pres, TDM_PRES_ALLOWED);
	assert_string_equal(name, "Alice");
	/* the same from an untrusted trunk: From, not screened */
	o.trust_pai = false;
	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "2125550100");
	assert_int_equal(info.calling.ton, TDM_TON_NATIONAL);
	assert_int_equal(info.calling.screen, TDM_SCREEN_USER_NOT_SCREENED);
	assert_string_equal(info.redirecting.digits, "");
	/* a trusted PAI that is no number: From, not screened */
	o.trust_pai = true;
	m = invite("<sip:2125550100@a.example>",
		   "P-Asserted-Identity: <sip:alice@a.example>\r\n");
	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "2125550100");
	assert_int_equal(info.calling.screen, TDM_SCREEN_USER_NOT_SCREENED);
}

/* A malformed identity header never reaches us: the stack's parser
 * refuses the INVITE (400, counted there). */
static void malformed_header_refused(void **state)
{
	static const char bad[] =
		"INVITE sip:5551000@gw SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n"
		"From: <sip:1@a>;tag=1\r\nTo: <sip:5551000@gw>\r\n"
		"Call-ID: a@b\r\nCSeq: 1 INVITE\r\n"
		"P-Asserted-Identity: <sip:+1212\r\n"
		"Content-Length: 0\r\n\r\n";

	assert_int_not_equal(
		sip_msg_parse(&msg, bad, sizeof(bad) - 1, sizeof(buf)), 0);
}

static void from_sip_privacy(void **state)
{
	struct gw_id_opts o = { &nanp, NULL, true, GW_REDIR_DIVERSION };
	struct tdm_call_info info = { 0 };
	char name[64];
	const struct sip_msg *m = invite(
		"\"Anonymous\" <sip:anonymous@anonymous.invalid>",
		"P-Asserted-Identity: <sip:2125550100@a.example;user=phone>\r\n"
		"Privacy: id; critical\r\n");

	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "2125550100");
	assert_int_equal(info.calling.pres, TDM_PRES_RESTRICTED);
	assert_string_equal(name, ""); /* no name of a hidden caller */
	/* Privacy: header hides the number as well */
	m = invite("<sip:2125550100@a.example>", "Privacy: header\r\n");
	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "2125550100");
	assert_int_equal(info.calling.pres, TDM_PRES_RESTRICTED);
	/* anonymous From, no PAI: restricted, no number */
	m = invite("<sip:anonymous@anonymous.invalid>", "");
	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "");
	assert_int_equal(info.calling.pres, TDM_PRES_RESTRICTED);
	/* a From that is no number, no PAI: not available */
	m = invite("<sip:alice@a.example>", "");
	gw_id_from_sip(&o, m, &info, name, sizeof(name));
	assert_string_equal(info.calling.digits, "");
	assert_int_equal(info.calling.pres, TDM_PRES_UNAVAILABLE);
}

static void from_sip_redirect(void **state)
{
	struct gw_id_opts o = { &nanp, NULL, false, GW_REDIR_DIVERSION };
	struct tdm_call_info info = { 0 };
	const struct sip_msg *m = invite(
		"<sip:2125550100@a.example>",
		"Diversion: <sip:+12125550199@a.example>;reason=user-busy;"
		"counter=1;privacy=full, <sip:3000@a.example>;reason=no-answer\r\n"
		"History-Info: <sip:4000@a.example>;index=1, "
		"<sip:5000@a.example;cause=302>;index=1.1\r\n");

	gw_id_from_sip(&o, m, &info, NULL, 0);
	assert_string_equal(info.redirecting.digits, "2125550199");
	assert_int_equal(info.redirecting.ton, TDM_TON_NATIONAL);
	assert_int_equal(info.redirect_reason, TDM_REDIR_BUSY);
	assert_int_equal(info.redirecting.pres, TDM_PRES_RESTRICTED);
	/* History-Info alone: the entry before the retargeted one */
	m = invite(
		"<sip:2125550100@a.example>",
		"History-Info: <sip:+12125550198@a.example>;index=1,"
		"<sip:+15551000@a.example;cause=408>;index=1.1;mp=1\r\n"
		"History-Info: <sip:+15551000@gw;user=phone>;index=1.1.1\r\n");
	gw_id_from_sip(&o, m, &info, NULL, 0);
	assert_string_equal(info.redirecting.digits, "2125550198");
	assert_int_equal(info.redirect_reason, TDM_REDIR_NO_REPLY);
	/* History-Info without any cause: no redirection */
	m = invite("<sip:2125550100@a.example>",
		   "History-Info: <sip:1@a.example>;index=1\r\n");
	gw_id_from_sip(&o, m, &info, NULL, 0);
	assert_string_equal(info.redirecting.digits, "");
	/* a Diversion that is no number is ignored, History-Info used */
	m = invite("<sip:2125550100@a.example>",
		   "Diversion: <sip:alice@a.example>;reason=deflection\r\n"
		   "History-Info: <sip:+12125550197@a>;index=1,"
		   "<sip:2@a;cause=486>;index=1.1\r\n");
	gw_id_from_sip(&o, m, &info, NULL, 0);
	assert_string_equal(info.redirecting.digits, "2125550197");
	assert_int_equal(info.redirect_reason, TDM_REDIR_BUSY);
	/* a quoted reason */
	m = invite("<sip:2125550100@a.example>",
		   "Diversion: <tel:+12125550195>;reason=\"no-answer\"\r\n");
	gw_id_from_sip(&o, m, &info, NULL, 0);
	assert_string_equal(info.redirecting.digits, "2125550195");
	assert_int_equal(info.redirect_reason, TDM_REDIR_NO_REPLY);
	/* an unknown reason: unknown */
	m = invite("<sip:2125550100@a.example>",
		   "Diversion: <tel:+12125550196>;reason=martian\r\n");
	gw_id_from_sip(&o, m, &info, NULL, 0);
	assert_string_equal(info.redirecting.digits, "2125550196");
	assert_int_equal(info.redirect_reason, TDM_REDIR_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(to_e164),
		cmocka_unit_test(from_user),
		cmocka_unit_test(to_sip_allowed),
		cmocka_unit_test(to_sip_restricted),
		cmocka_unit_test(to_sip_redirect),
		cmocka_unit_test(from_sip_pai),
		cmocka_unit_test(from_sip_privacy),
		cmocka_unit_test(malformed_header_refused),
		cmocka_unit_test(from_sip_redirect),
	};

	return cmocka_run_group_tests_name("gateway_identity", tests, NULL,
					   NULL);
}
