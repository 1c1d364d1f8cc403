/* gateway/call_identity.c: which plan, trunk and numbers a call's identity
 * takes at each point it is built (a gateway and a call in memory; no
 * library runs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/identity.h"

static struct gw gw;
static struct gw_call call;
static struct cfg_span scfg[2];
static int fake_span; /* its address stands for a struct tdm_span */

static int setup(void **state)
{
	memset(&gw, 0, sizeof(gw));
	memset(&call, 0, sizeof(call));
	memset(scfg, 0, sizeof(scfg));
	snprintf(scfg[0].group, sizeof(scfg[0].group), "pri");
	snprintf(scfg[0].country_code, sizeof(scfg[0].country_code), "1");
	snprintf(scfg[0].national_prefix, 8, "1");
	snprintf(scfg[0].international_prefix, 8, "011");
	snprintf(scfg[1].group, sizeof(scfg[1].group), "plain");
	gw.spans[0].span = (struct tdm_span *)(void *)&fake_span;
	gw.spans[0].cfg = &scfg[0];
	gw.spans[1].cfg = &scfg[1];
	gw.nspans = 2;
	snprintf(gw.cfg.sip_domain, sizeof(gw.cfg.sip_domain), "gw.example");
	struct cfg_trunk *t = &gw.cfg.trunks[0];

	snprintf(t->name, sizeof(t->name), "a");
	snprintf(t->host, sizeof(t->host), "127.0.0.1");
	t->trust_pai = 1;
	t->iw_c2s.n = 1;
	t->iw_c2s.e[0].from = 17;
	t->iw_c2s.e[0].to = 600;
	gw.cfg.ntrunks = 1;
	call.gw = &gw;
	return 0;
}

static void from_pstn(void **state)
{
	struct tdm_call_info in = { 0 };
	struct tdm_event ev = { .type = TDM_EV_SETUP, .info = &in };

	call.span = gw.spans[0].span;
	snprintf(in.called.digits, sizeof(in.called.digits), "5551000");
	in.called.ton = TDM_TON_NATIONAL;
	snprintf(in.calling.digits, sizeof(in.calling.digits),
		 "011442071234567");
	call_id_from_pstn(&call, &ev);
	assert_string_equal(call.called, "+15551000");
	assert_string_equal(call.calling, "+442071234567");
	/* no information: the numbers stay as they are */
	snprintf(call.called, sizeof(call.called), "123");
	ev.info = NULL;
	call_id_from_pstn(&call, &ev);
	assert_string_equal(call.called, "123");
}

static void invite(void **state)
{
	struct gw_id_sip ids;
	struct sip_call_params p = { .from_user = "x",
				     .from_host = "h",
				     .extra_hdrs = "X-A: 1\r\n" };

	call.span = gw.spans[0].span;
	snprintf(call.calling, sizeof(call.calling), "+12125550100");
	snprintf(call.called, sizeof(call.called), "+15551000");
	call_id_invite(&call, &gw.cfg.trunks[0], &ids, &p);
	assert_string_equal(p.from_user, "+12125550100");
	assert_string_equal(p.from_host, "h"); /* not anonymous: kept */
	assert_null(p.from_display);
	assert_string_equal(p.extra_hdrs, "X-A: 1\r\n"); /* nothing added */
	assert_int_equal(call.iw_c2s.n, 1); /* the trunk's map is taken */
	/* no calling number: anonymous */
	call.calling[0] = '\0';
	call_id_invite(&call, &gw.cfg.trunks[0], &ids, &p);
	assert_string_equal(p.from_user, "anonymous");
	assert_string_equal(p.from_host, "anonymous.invalid");
}

static char buf[1024];
static struct sip_msg msg;

static const struct sip_msg *parse_invite(const char *ruri, const char *from,
					  const char *extra)
{
	int n = snprintf(buf, sizeof(buf),
			 "INVITE %s SIP/2.0\r\n"
			 "Via: SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK1\r\n"
			 "From: %s;tag=1\r\nTo: <%s>\r\n"
			 "Call-ID: a@b\r\nCSeq: 1 INVITE\r\n"
			 "%sContent-Length: 0\r\n\r\n",
			 ruri, from, ruri, extra);

	assert_int_equal(sip_msg_parse(&msg, buf, (size_t)n, sizeof(buf)), 0);
	return &msg;
}

static void from_sip_then_setup(void **state)
{
	struct tdm_call_info info;
	const struct sip_msg *m = parse_invite(
		"tel:+1-212-555-1234", "<sip:2125550100@127.0.0.1>",
		"P-Asserted-Identity: <sip:+12125550101@127.0.0.1>\r\n"
		"Privacy: id\r\n"
		"Diversion: <sip:+12125550199@127.0.0.1>;reason=user-busy\r\n");

	call_id_from_sip(&call, m, &gw.cfg.trunks[0]);
	assert_string_equal(call.called, "+12125551234");
	assert_string_equal(call.calling, "+12125550101"); /* trusted PAI */
	assert_int_equal(call.iw_c2s.n, 1);
	assert_ptr_equal(call_id_setup(&call, "pri", &info), &info);
	assert_string_equal(info.called.digits, "2125551234");
	assert_int_equal(info.called.ton, TDM_TON_NATIONAL);
	assert_string_equal(info.calling.digits, "2125550101");
	assert_int_equal(info.calling.ton, TDM_TON_NATIONAL);
	assert_int_equal(info.calling.pres, TDM_PRES_RESTRICTED);
	assert_int_equal(info.calling.screen, TDM_SCREEN_NETWORK);
	assert_string_equal(info.redirecting.digits, "2125550199");
	assert_int_equal(info.redirecting.ton, TDM_TON_NATIONAL);
	assert_int_equal(info.redirect_reason, TDM_REDIR_BUSY);
	assert_true(info.complete);
	/* a route rewrote the calling number; a group without a plan */
	snprintf(call.calling, sizeof(call.calling), "5550000");
	call_id_setup(&call, "plain", &info);
	assert_string_equal(info.calling.digits, "5550000");
	assert_int_equal(info.calling.ton, TDM_TON_UNKNOWN);
	assert_string_equal(info.called.digits, "12125551234");
	assert_int_equal(info.called.ton, TDM_TON_INTERNATIONAL);
	/* a calling "number" that is none: no digits, still restricted */
	snprintf(call.calling, sizeof(call.calling), "anonymous");
	call_id_setup(&call, "pri", &info);
	assert_string_equal(info.calling.digits, "");
	assert_int_equal(info.calling.ton, TDM_TON_UNKNOWN);
	assert_int_equal(info.calling.pres, TDM_PRES_RESTRICTED);
}

/* An INVITE from no configured trunk: From, no maps, and a Request-URI
 * user that is no number is left for routing to refuse. */
static void from_unknown_peer(void **state)
{
	struct tdm_call_info info;
	const struct sip_msg *m;

	snprintf(gw.cfg.trunks[0].host, sizeof(gw.cfg.trunks[0].host),
		 "192.0.2.9");
	m = parse_invite("sip:fax@127.0.0.1", "\"Al\" <sip:2125550100@x>",
			 "P-Asserted-Identity: <sip:+12125550101@x>\r\n");
	snprintf(call.called, sizeof(call.called), "fax");
	snprintf(call.calling, sizeof(call.calling), "2125550100");
	call_id_from_sip(&call, m, NULL);
	assert_string_equal(call.called, "fax");
	assert_string_equal(call.calling, "2125550100"); /* PAI not taken */
	assert_int_equal(call.iw_c2s.n, 0);
	call_id_setup(&call, "pri", &info);
	assert_int_equal(info.calling.screen, TDM_SCREEN_USER_NOT_SCREENED);
	assert_string_equal(info.calling_name, "Al");
	assert_string_equal(info.called.digits, "fax");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(from_pstn, setup),
		cmocka_unit_test_setup(invite, setup),
		cmocka_unit_test_setup(from_sip_then_setup, setup),
		cmocka_unit_test_setup(from_unknown_peer, setup),
	};

	return cmocka_run_group_tests_name("gateway_call_identity", tests, NULL,
					   NULL);
}
