/* test_sip_ua_prack.c: reliable provisional responses, RFC 3262
 * (sip/ua_prack.c), in virtual time. */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

static struct sip_call *incoming_100rel(void)
{
	fk_recv("INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKinv1\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:bob@192.0.2.10>;tag=ft\r\n"
		"To: <sip:5551234@192.0.2.1>\r\n"
		"Call-ID: call-1@192.0.2.10\r\nCSeq: 1 INVITE\r\n"
		"Contact: <sip:bob@192.0.2.10>\r\n"
		"Require: 100rel\r\nContent-Length: 0\r\n\r\n");
	assert_non_null(fk.incoming);
	assert_int_equal(fk_code(0), 100);
	return fk.incoming;
}

static uint32_t rseq_of(unsigned i)
{
	char v[32];
	assert_true(fk_hdr(i, "RSeq", v, sizeof(v)));
	return (uint32_t)strtoul(v, NULL, 10);
}

/* UAS: 180 reliable, retransmitted until the PRACK, which gets 200;
 * a second reliable 1xx waits for it; a wrong RAck gets 481. */
static void prack_uas(void **state)
{
	(void)state;
	char v[64], rack[64], tag[32];
	fk_stack();
	struct sip_call *c = incoming_100rel();
	assert_int_equal(sip_call_respond(c, 180, NULL, NULL), 0);
	assert_int_equal(fk_code(1), 180);
	assert_true(fk_hdr(1, "Require", v, sizeof(v)));
	assert_string_equal(v, "100rel");
	uint32_t rs = rseq_of(1);
	fk_totag(1, tag, sizeof(tag));
	/* a second reliable 1xx must wait: not sent */
	assert_int_equal(sip_call_respond(c, 183, NULL, NULL), 0);
	assert_int_equal(fk.nsent, 2);
	uint64_t t0 = fk.sent[1].at;
	fk_advance(2000); /* again at 500 and 1500 */
	assert_int_equal(fk.nsent, 4);
	assert_int_equal(fk.sent[3].at - t0, 1500);
	assert_int_equal(fk_code(3), 180);
	snprintf(rack, sizeof(rack), "RAck: %u 1 INVITE\r\n", rs + 1);
	fk_req("PRACK", "z9hG4bKp0", tag, 2, rack);
	assert_int_equal(fk_code(4), 481);
	snprintf(rack, sizeof(rack), "RAck: %u 1 INVITE\r\n", rs);
	fk_req("PRACK", "z9hG4bKp1", tag, 3, rack);
	assert_int_equal(fk_code(5), 200);
	fk_advance(10000);
	assert_int_equal(fk.nsent, 6);
	/* the next one goes with RSeq + 1 */
	assert_int_equal(sip_call_respond(c, 183, NULL, NULL), 0);
	assert_int_equal(rseq_of(6), rs + 1);
	assert_int_equal(sip_call_respond(c, 200, NULL, fk_sdp), 0);
	fk_advance(64 * 500); /* the 200 stopped the 183 retransmissions */
	for (unsigned i = 7; i < fk.nsent; i++)
		assert_int_not_equal(fk_code(i), 183);
	fk_done();
}

/* UAS: no PRACK within 64*T1: 500 to the INVITE. */
static void prack_uas_timeout(void **state)
{
	(void)state;
	fk_stack();
	struct sip_call *c = incoming_100rel();
	assert_int_equal(sip_call_respond(c, 180, NULL, NULL), 0);
	uint64_t t0 = fk.now;
	fk_advance(40000);
	static const uint64_t at[] = { 500, 1500, 3500, 7500, 15500, 31500 };
	for (unsigned i = 0; i < 6; i++) {
		assert_int_equal(fk_code(2 + i), 180);
		assert_int_equal(fk.sent[2 + i].at - t0, at[i]);
	}
	assert_int_equal(fk_code(8), 500);
	assert_int_equal(fk.sent[8].at - t0, 32000);
	assert_true(fk_find_ev(SIP_CALL_EV_ENDED) >= 0);
	fk_done();
}

/* UAC: reliable 1xx PRACKed in RSeq order, retransmissions and gaps not. */
static void prack_uac(void **state)
{
	(void)state;
	char v[64];
	fk_stack();
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "2",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_int_equal(
		fk_answer(0, 180, "rt", "Require: 100rel\r\nRSeq: 5\r\n"), 0);
	assert_true(fk_is(1, "PRACK"));
	assert_true(fk_hdr(1, "RAck", v, sizeof(v)));
	assert_string_equal(v, "5 1 INVITE");
	assert_true(fk_hdr(1, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "2 PRACK");
	assert_true(fk_hdr(1, "To", v, sizeof(v)));
	assert_non_null(strstr(v, "tag=rt"));
	assert_int_equal(fk.ev[0], SIP_CALL_EV_PROGRESS);
	/* retransmitted 180: no new PRACK, no new event */
	assert_int_equal(
		fk_answer(0, 180, "rt", "Require: 100rel\r\nRSeq: 5\r\n"), 0);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk.nev, 1);
	/* a gap (7 after 5): dropped */
	assert_int_equal(
		fk_answer(0, 183, "rt", "Require: 100rel\r\nRSeq: 7\r\n"), 0);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk.nev, 1);
	assert_int_equal(
		fk_answer(0, 183, "rt", "Require: 100rel\r\nRSeq: 6\r\n"), 0);
	assert_true(fk_is(2, "PRACK"));
	assert_true(fk_hdr(2, "RAck", v, sizeof(v)));
	assert_string_equal(v, "6 1 INVITE");
	assert_int_equal(fk.nev, 2);
	assert_int_equal(fk_answer(1, 200, NULL, NULL), 0);
	assert_int_equal(fk_answer(2, 200, NULL, NULL), 0);
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	fk_advance(40000);
	fk_done();
}

/* PRACK without RAck: 400; unreliable 1xx when 100rel is only supported. */
static void prack_bad(void **state)
{
	(void)state;
	char tag[32], v[32];
	fk_stack();
	struct sip_call *c = incoming_100rel();
	assert_int_equal(sip_call_respond(c, 180, NULL, NULL), 0);
	fk_totag(1, tag, sizeof(tag));
	fk_req("PRACK", "z9hG4bKp1", tag, 2, NULL);
	assert_int_equal(fk_code(fk.nsent - 1), 400);
	fk_req("PRACK", "z9hG4bKp2", tag, 3, "RAck: x y z\r\n");
	assert_int_equal(fk_code(fk.nsent - 1), 400);
	fk_done();
	fk_stack();
	fk_invite("z9hG4bKa1", 1);
	assert_int_equal(sip_call_respond(fk.incoming, 180, NULL, NULL), 0);
	assert_false(fk_hdr(1, "RSeq", v, sizeof(v)));
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prack_uas),
		cmocka_unit_test(prack_uas_timeout),
		cmocka_unit_test(prack_uac),
		cmocka_unit_test(prack_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
