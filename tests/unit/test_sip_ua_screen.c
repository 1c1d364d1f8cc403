/*
 * test_sip_ua_screen.c: the dialog_screen hook (sip/ua.c, ua_invite.c):
 * asked for every request inside a call's dialog and for a CANCEL of a
 * call's INVITE, with the call and the transport source, before the
 * dialog sees the request: a refusal answers with its status and changes
 * nothing (state, CSeq, events), 1 drops, an ACK refused is dropped;
 * sip_call_peer is the INVITE's source (UAS) or destination (UAC).
 */
#include "tests/unit/test_sip_inv.h"

static unsigned dscr_code, dscr_calls;
static struct sip_call *dscr_call;
static struct sip_addr dscr_src;
static char dscr_method[16];

static unsigned dscr_hook(void *arg, struct sip_call *call,
			  const struct sip_addr *src, const struct sip_msg *req)
{
	(void)arg;
	dscr_calls++;
	dscr_call = call;
	dscr_src = *src;
	sip_pl_copy(&req->method_str, dscr_method, sizeof(dscr_method));
	return dscr_code;
}

static void stack_with_hook(void)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060 };
	struct sip_hooks h = fk_hooks();

	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	h.dialog_screen = dscr_hook;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	dscr_code = 0;
	dscr_calls = 0;
	dscr_call = NULL;
}

/* A BYE, re-INVITE and INFO refused: 403, the call goes on, its CSeq
 * is not taken: the real BYE with the same CSeq still ends the call. */
static void refused_in_dialog(void **state)
{
	char tag[32], a[64], b[64];
	struct sip_addr peer = fk_peer();

	(void)state;
	stack_with_hook();
	struct sip_call *c = fk_established(tag, sizeof(tag));

	/* the INVITE itself and the ACK were asked about: ACK passed */
	assert_int_equal(dscr_calls, 1);
	assert_string_equal(dscr_method, "ACK");
	assert_ptr_equal(dscr_call, c);
	assert_string_equal(sip_addr_str(&dscr_src, a, sizeof(a)),
			    sip_addr_str(&peer, b, sizeof(b)));
	assert_string_equal(sip_addr_str(sip_call_peer(c), a, sizeof(a)),
			    sip_addr_str(&peer, b, sizeof(b)));
	unsigned nev = fk.nev;

	dscr_code = 403;
	fk_req("BYE", "z9hG4bKb1", tag, 2, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 403);
	fk_req("INVITE", "z9hG4bKr1", tag, 3, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 403);
	fk_req("INFO", "z9hG4bKi1", tag, 4, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 403);
	assert_int_equal(dscr_calls, 4);
	assert_string_equal(dscr_method, "INFO");
	assert_int_equal(fk.nev, nev); /* no event reached the user */
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	/* drop: nothing sent */
	dscr_code = 1;
	unsigned nsent = fk.nsent;
	fk_req("UPDATE", "z9hG4bKu1", tag, 5, NULL);
	assert_int_equal(fk.nsent, nsent);
	/* a status below 300 that is not 0 or 1 still refuses (403) */
	dscr_code = 200;
	fk_req("OPTIONS", "z9hG4bKo1", tag, 6, NULL);
	assert_int_equal(fk.nsent, nsent); /* 2..299: dropped, not passed */
	dscr_code = 999;
	fk_req("OPTIONS", "z9hG4bKo2", tag, 6, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 403);
	/* the real peer: the same CSeq 2 BYE works, refusals took none */
	dscr_code = 0;
	fk_req("BYE", "z9hG4bKb2", tag, 2, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	assert_true(fk_find_ev(SIP_CALL_EV_BYE) >= 0);
	fk_advance(60000);
	fk_done();
}

/* An ACK refused is dropped: the call waits for the real one. A CANCEL
 * refused gets 403 and the INVITE rings on. Requests for no dialog are
 * not asked (481 as ever). */
static void refused_ack_cancel(void **state)
{
	char tag[32];

	(void)state;
	stack_with_hook();
	fk_invite("z9hG4bKc1", 1);
	struct sip_call *c = fk.incoming;

	assert_non_null(c);
	sip_call_respond(c, 180, NULL, NULL);
	dscr_code = 403;
	fk_req("CANCEL", "z9hG4bKc1", NULL, 1, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 403);
	assert_string_equal(dscr_method, "CANCEL");
	assert_int_equal(sip_call_state(c), SIP_CALL_EARLY);
	assert_int_equal(fk_find_ev(SIP_CALL_EV_CANCELLED), -1);
	assert_int_equal(sip_call_respond(c, 200, NULL, fk_sdp), 0);
	fk_totag(fk.nsent - 1, tag, sizeof(tag));
	unsigned nsent = fk.nsent;

	fk_req("ACK", "z9hG4bKa1", tag, 1, NULL);
	assert_int_equal(fk.nsent, nsent); /* never answered */
	assert_int_not_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	dscr_calls = 0;
	fk_req("BYE", "z9hG4bKx", "nosuch", 2, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 481);
	assert_int_equal(dscr_calls, 0);
	dscr_code = 0;
	fk_req("ACK", "z9hG4bKa1", tag, 1, NULL);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	sip_call_hangup(c, 0, 16);
	fk_answer(fk.nsent - 1, 200, NULL, NULL);
	fk_advance(60000);
	fk_done();
}

/* Our own call: its peer is where the INVITE went; the peer's BYE is
 * asked about like any other. */
static void uac_peer(void **state)
{
	struct sip_call *c = NULL;
	struct sip_addr dst;
	char a[64];

	(void)state;
	stack_with_hook();
	assert_int_equal(sip_addr_set(&dst, "192.0.2.10", 5070), 0);
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10:5070",
				     .from_user = "100",
				     .dst = dst,
				     .sdp = fk_sdp };

	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_string_equal(sip_addr_str(sip_call_peer(c), a, sizeof(a)),
			    "192.0.2.10:5070");
	assert_null(sip_call_source(c));
	assert_null(sip_call_peer(NULL));
	fk_answer(0, 200, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	sip_call_hangup(c, 0, 16);
	fk_answer(fk.nsent - 1, 200, NULL, NULL);
	fk_advance(60000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_in_dialog),
		cmocka_unit_test(refused_ack_cancel),
		cmocka_unit_test(uac_peer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
