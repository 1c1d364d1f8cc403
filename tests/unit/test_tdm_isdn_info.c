/* tdm/isdn_info.c: call information through libpri, both ways, every
 * switchtype; overlap receiving and sending. */
#include "test_tdm_harness.h"

static struct tdm_call *placed;

static bool cpe_connected(void)
{
	return th_count(&th_g.cpe, TDM_EV_CONNECT) > 0;
}

static bool net_connected(void)
{
	return th_count(&th_g.net, TDM_EV_CONNECT) > 0;
}

static void num(struct tdm_number *n, const char *d, enum tdm_ton ton,
		enum tdm_npi npi, enum tdm_pres pres, enum tdm_screen scr)
{
	snprintf(n->digits, sizeof(n->digits), "%s", d);
	n->ton = ton;
	n->npi = npi;
	n->pres = pres;
	n->screen = scr;
}

static void full_info(struct tdm_call_info *in)
{
	memset(in, 0, sizeof(*in));
	num(&in->called, "4930123456", TDM_TON_INTERNATIONAL, TDM_NPI_E164,
	    TDM_PRES_ALLOWED, TDM_SCREEN_USER_NOT_SCREENED);
	num(&in->calling, "2125550100", TDM_TON_NATIONAL, TDM_NPI_E164,
	    TDM_PRES_ALLOWED, TDM_SCREEN_USER_PASSED);
	snprintf(in->calling_name, sizeof(in->calling_name), "Fax Dept");
	num(&in->redirecting, "2125550199", TDM_TON_NATIONAL, TDM_NPI_E164,
	    TDM_PRES_ALLOWED, TDM_SCREEN_USER_NOT_SCREENED);
	in->redirect_reason = TDM_REDIR_NO_REPLY;
}

/* What each switchtype carries, as verified with libpri 1.6.0: the name
 * goes up (CPE to NET) and down; DMS-100 and 4ESS turn the screening
 * indicator into "network provided"; EuroISDN carries the name only from
 * NET to CPE, QSIG (in a SETUP, without facility) not at all. */
struct sw_case {
	enum tdm_span_type type;
	const char *sw;
	bool name_up, name_down;
	bool screen_net;
	bool complete; /* sends sending complete */
};

static const struct sw_case cases[] = {
	{ TDM_SPAN_T1, "ni2", true, true, false, false },
	{ TDM_SPAN_T1, "ni1", true, true, false, false },
	{ TDM_SPAN_T1, "dms100", true, true, true, false },
	{ TDM_SPAN_T1, "5ess", true, true, false, false },
	{ TDM_SPAN_T1, "4ess", true, true, true, false },
	{ TDM_SPAN_E1, "euroisdn", false, true, false, true },
	{ TDM_SPAN_E1, "qsig", false, false, false, false },
};

static void check_info(const struct sw_case *c, const struct th_ev *r,
		       const struct tdm_call_info *sent, bool up)
{
	const struct tdm_call_info *got = &r->info;

	assert_true(r->has_info);
	assert_string_equal(r->called, sent->called.digits);
	assert_string_equal(got->called.digits, sent->called.digits);
	assert_int_equal(got->called.ton, sent->called.ton);
	assert_int_equal(got->called.npi, sent->called.npi);
	assert_string_equal(got->calling.digits, sent->calling.digits);
	assert_int_equal(got->calling.ton, sent->calling.ton);
	assert_int_equal(got->calling.npi, sent->calling.npi);
	assert_int_equal(got->calling.pres, sent->calling.pres);
	assert_int_equal(got->calling.screen, c->screen_net
						      ? TDM_SCREEN_NETWORK
						      : sent->calling.screen);
	/* only EuroISDN sends sending complete */
	assert_int_equal(got->complete, c->complete);
	assert_string_equal(got->calling_name, (up ? c->name_up : c->name_down)
						       ? sent->calling_name
						       : "");
	assert_string_equal(got->redirecting.digits, sent->redirecting.digits);
	assert_int_equal(got->redirecting.ton, sent->redirecting.ton);
	assert_int_equal(got->redirecting.npi, sent->redirecting.npi);
	assert_int_equal(got->redirect_reason, sent->redirect_reason);
}

/* Every switchtype: a call each way with full information, answered,
 * audio, cleared; what the switchtype carries arrives intact. */
static void test_switchtypes_both_ways(void **state)
{
	struct tdm_call_info in;
	struct tdm_setup setup = { .info = &in };
	const struct tdm_call_info *mine;
	size_t i;

	full_info(&in);
	th_teardown_pair();
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sw_case *c = &cases[i];

		if (getenv("TDM_TEST_VERBOSE"))
			fprintf(stderr, "--- %s\n", c->sw);
		assert_int_equal(th_setup_pair(c->type, c->sw), 0);
		/* CPE -> NET */
		th_g.net.on_setup = TH_ANSWER;
		assert_int_equal(
			tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			0);
		mine = tdm_call_info(placed);
		assert_string_equal(mine->calling.digits, "2125550100");
		assert_true(th_run(cpe_connected, 3000));
		check_info(c, th_find(&th_g.net, TDM_EV_SETUP), &in, true);
		/* ALERTING with in-band information, then CONNECT */
		assert_true(th_find(&th_g.cpe, TDM_EV_ALERTING)->progress &
			    TDM_PROG_INBAND);
		assert_int_equal(tdm_call_hangup(placed, 16), 0);
		assert_true(th_run(th_all_released, 3000));
		/* NET -> CPE */
		th_reset(NULL);
		th_g.cpe.on_setup = TH_ANSWER;
		assert_int_equal(
			tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			0);
		assert_true(th_run(net_connected, 3000));
		check_info(c, th_find(&th_g.cpe, TDM_EV_SETUP), &in, false);
		assert_int_equal(tdm_call_hangup(placed, 16), 0);
		assert_true(th_run(th_all_released, 3000));
		assert_int_equal(th_find(&th_g.cpe, TDM_EV_DISCONNECT)->cause,
				 16);
		th_teardown_pair();
	}
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
}

static bool net_has_setup(void)
{
	return th_count(&th_g.net, TDM_EV_SETUP) > 0;
}

static bool cpe_has_setup(void)
{
	return th_count(&th_g.cpe, TDM_EV_SETUP) > 0;
}

/* Restricted presentation arrives as such, and libpri then withholds the
 * name; no redirecting number: none arrives. Keypad digits in the SETUP
 * and during the call. */
static void test_restricted_and_keypad(void **state)
{
	struct tdm_call_info in;
	struct tdm_setup setup = { .info = &in };
	const struct th_ev *r;

	full_info(&in);
	in.calling.pres = TDM_PRES_RESTRICTED;
	in.calling.screen = TDM_SCREEN_NETWORK;
	in.redirecting.digits[0] = 0;
	snprintf(in.keypad, sizeof(in.keypad), "*72");
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_connected, 3000));
	r = th_find(&th_g.net, TDM_EV_SETUP);
	assert_int_equal(r->info.calling.pres, TDM_PRES_RESTRICTED);
	assert_int_equal(r->info.calling.screen, TDM_SCREEN_NETWORK);
	assert_string_equal(r->info.calling_name, "");
	assert_string_equal(r->info.redirecting.digits, "");
	assert_string_equal(r->info.keypad, "*72");
	assert_string_equal(r->digits, "*72");

	/* keypad facility during the call */
	assert_int_equal(tdm_call_send_keypad(placed, "123#"), 0);
	assert_true(th_run(NULL, 100));
	r = th_find(&th_g.net, TDM_EV_INFO);
	assert_non_null(r);
	assert_string_equal(r->digits, "123#");
	/* bad keypad input */
	assert_int_equal(tdm_call_send_keypad(placed, "12a"), EINVAL);
	assert_int_equal(tdm_call_send_keypad(placed, ""), EINVAL);
	assert_int_equal(tdm_call_send_keypad(NULL, "1"), EINVAL);

	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

/* Unknown TON/NPI codes from a broken far end arrive as unknown. */
static void test_reserved_codes(void **state)
{
	struct tdm_call_info in;
	struct tdm_setup setup = { .info = &in };
	const struct th_ev *r;

	full_info(&in);
	in.calling.ton = (enum tdm_ton)5; /* reserved */
	in.calling.npi = (enum tdm_npi)7; /* reserved */
	th_g.net.on_setup = TH_REJECT;
	th_g.net.reject_cause = 21;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(net_has_setup, 3000));
	r = th_find(&th_g.net, TDM_EV_SETUP);
	assert_int_equal(r->info.calling.ton, TDM_TON_UNKNOWN);
	assert_int_equal(r->info.calling.npi, TDM_NPI_UNKNOWN);
	assert_string_equal(r->info.calling.digits, "2125550100");
	assert_true(th_run(th_all_released, 3000));
}

/* ---- overlap ---- */

static bool net_setup_ack(void)
{
	return th_count(&th_g.cpe, TDM_EV_SETUP_ACK) > 0;
}

static void overlap_pair(int digits, bool cpe_too)
{
	th_teardown_pair();
	memset(&th_cfg_net, 0, sizeof(th_cfg_net));
	memset(&th_cfg_cpe, 0, sizeof(th_cfg_cpe));
	th_cfg_net.overlap = true;
	th_cfg_net.overlap_digits = digits;
	th_cfg_cpe.overlap = cpe_too;
	assert_int_equal(th_setup_pair(TDM_SPAN_T1, NULL), 0);
	memset(&th_cfg_net, 0, sizeof(th_cfg_net));
	memset(&th_cfg_cpe, 0, sizeof(th_cfg_cpe));
}

/* Overlap sending from the CPE, receiving at the NET: SETUP with "49",
 * SETUP ACKNOWLEDGE, digits in INFORMATION, '#' completes. */
static void test_overlap_hash(void **state)
{
	struct tdm_setup setup = { .called = "49", .overlap = true };
	const struct th_ev *r;

	overlap_pair(0, false);
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(net_setup_ack, 3000));
	assert_int_equal(tdm_call_state(placed), TDM_CALL_OVERLAP);
	assert_int_equal(th_count(&th_g.net, TDM_EV_SETUP), 0);
	assert_int_equal(tdm_call_send_digits(placed, "301", false), 0);
	assert_int_equal(tdm_call_send_digits(placed, "23", false), 0);
	/* a broken far end's bad digit (our API refuses to send one) */
	tdm_isdn_digits(placed, "A");
	th_run(NULL, 100);
	assert_int_equal(tdm_span_stats(th_g.net.span)->rx_bad, 1);
	assert_int_equal(th_count(&th_g.net, TDM_EV_REJECTED_FRAME), 1);
	assert_int_equal(th_count(&th_g.net, TDM_EV_SETUP), 0);
	assert_int_equal(tdm_call_send_digits(placed, "#", true), 0);
	assert_true(th_run(cpe_connected, 3000));
	r = th_find(&th_g.net, TDM_EV_SETUP);
	assert_string_equal(r->called, "4930123");
	assert_true(r->info.complete);
	assert_string_equal(tdm_call_info(placed)->called.digits, "4930123#");
	/* no more digits once complete or connected */
	assert_int_equal(tdm_call_send_digits(placed, "1", false), EINVAL);
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

/* Completion by length, both directions (NET sending, CPE receiving). */
static void test_overlap_length_both_ways(void **state)
{
	struct tdm_setup setup = { .called = "55", .overlap = true };
	const struct th_ev *r;

	overlap_pair(6, true);
	th_g.net.on_setup = TH_ANSWER;
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(net_setup_ack, 3000));
	assert_int_equal(tdm_call_send_digits(placed, "5123", false), 0);
	assert_true(th_run(net_has_setup, 3000));
	assert_string_equal(th_find(&th_g.net, TDM_EV_SETUP)->called, "555123");
	assert_true(th_run(cpe_connected, 3000));
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));

	/* the other way: the CPE collects until T302 (no length set) */
	th_reset(NULL);
	assert_int_equal(tdm_span_set_timer(th_g.cpe.span, "T302", 300), 0);
	th_g.cpe.on_setup = TH_ANSWER;
	setup.called = "7";
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(NULL, 100));
	assert_int_equal(th_count(&th_g.net, TDM_EV_SETUP_ACK), 1);
	assert_int_equal(tdm_call_send_digits(placed, "00", false), 0);
	assert_true(th_run(net_connected, 3000));
	r = th_find(&th_g.cpe, TDM_EV_SETUP);
	assert_string_equal(r->called, "700");
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

/* T302 expiry with no digit at all clears with cause 28; overlap
 * receiving off: the SETUP is offered at once, marked incomplete. */
static void test_overlap_t302_empty_and_off(void **state)
{
	struct tdm_setup setup = { .overlap = true };
	const struct th_ev *r;

	overlap_pair(0, false);
	assert_int_equal(tdm_span_set_timer(th_g.net.span, "T302", 200), 0);
	assert_int_equal(tdm_span_set_timer(th_g.net.span, "T302", 0), EINVAL);
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(th_all_released, 3000));
	assert_int_equal(th_count(&th_g.net, TDM_EV_SETUP), 0);
	assert_int_equal(th_find(&th_g.cpe, TDM_EV_RELEASED)->cause, 28);

	/* NET -> CPE: the CPE has overlap receiving off */
	th_reset(NULL);
	setup.called = "12";
	assert_int_equal(tdm_call_place(th_g.net.span, &setup, NULL, &placed),
			 0);
	assert_true(th_run(cpe_has_setup, 3000));
	r = th_find(&th_g.cpe, TDM_EV_SETUP);
	assert_string_equal(r->called, "12");
	assert_false(r->info.complete);
	/* no overlap flag: digits refused */
	assert_int_equal(tdm_call_send_digits(th_g.cpe.call, "1", false),
			 EINVAL);
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

static void test_bad_digits(void **state)
{
	struct tdm_setup setup = { .called = "1", .overlap = true };
	struct tdm_setup none = { 0 };

	assert_int_equal(tdm_call_place(th_g.cpe.span, &none, NULL, &placed),
			 EINVAL);
	assert_int_equal(tdm_call_place(th_g.cpe.span, &setup, NULL, &placed),
			 0);
	assert_int_equal(tdm_call_send_digits(placed, "1x", false), EINVAL);
	assert_int_equal(tdm_call_send_digits(placed, NULL, false), EINVAL);
	assert_int_equal(tdm_call_send_digits(NULL, "1", false), EINVAL);
	assert_int_equal(
		tdm_call_send_digits(placed,
				     "1234567890123456789012345678901234567890",
				     false),
		EINVAL);
	assert_int_equal(tdm_call_hangup(placed, 16), 0);
	assert_true(th_run(th_all_released, 3000));
}

static void test_names(void **state)
{
	assert_string_equal(tdm_ton_name(TDM_TON_INTERNATIONAL),
			    "international");
	assert_string_equal(tdm_npi_name(TDM_NPI_PRIVATE), "private");
	assert_string_equal(tdm_pres_name(TDM_PRES_UNAVAILABLE), "unavailable");
	assert_string_equal(tdm_screen_name(TDM_SCREEN_NETWORK), "network");
	assert_string_equal(tdm_redir_name(TDM_REDIR_UNCONDITIONAL),
			    "unconditional");
	assert_string_equal(tdm_ton_name((enum tdm_ton)5), "?");
	assert_string_equal(tdm_redir_name((enum tdm_redir)99), "?");
	assert_string_equal(tdm_call_state_name(TDM_CALL_OVERLAP), "OVERLAP");
	assert_string_equal(tdm_event_type_name(TDM_EV_SETUP_ACK), "setup_ack");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_switchtypes_both_ways, th_reset),
		cmocka_unit_test_setup(test_restricted_and_keypad, th_reset),
		cmocka_unit_test_setup(test_reserved_codes, th_reset),
		cmocka_unit_test_setup(test_overlap_hash, th_reset),
		cmocka_unit_test_setup(test_overlap_length_both_ways, th_reset),
		cmocka_unit_test_setup(test_overlap_t302_empty_and_off,
				       th_reset),
		cmocka_unit_test_setup(test_bad_digits, th_reset),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, th_group_setup_t1,
				      th_group_teardown);
}
