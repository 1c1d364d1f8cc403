/* test_sip_ua_offer.c: re-INVITE, UPDATE, glare, INFO, OPTIONS, Require
 * (sip/ua_offer.c, sip/ua.c), virtual time. */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

static const char offer[] =
	"v=0\r\no=bob 2 2 IN IP4 192.0.2.10\r\ns=-\r\n"
	"c=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n"
	"a=sendonly\r\n";

/* An in-dialog request from Bob with an SDP body. */
static int req_sdp(const char *method, const char *branch, const char *tag,
		   unsigned cseq, const char *extra)
{
	return fk_recv("%s sip:5551234@192.0.2.1 SIP/2.0\r\n"
		       "Via: SIP/2.0/UDP 192.0.2.10;branch=%s\r\n"
		       "Max-Forwards: 70\r\n"
		       "From: \"Bob\" <sip:bob@192.0.2.10>;tag=ft\r\n"
		       "To: <sip:5551234@192.0.2.1>;tag=%s\r\n"
		       "Call-ID: call-1@192.0.2.10\r\nCSeq: %u %s\r\n"
		       "Contact: <sip:bob@192.0.2.99:5062>\r\n%s"
		       "Content-Type: application/sdp\r\n"
		       "Content-Length: %zu\r\n\r\n%s",
		       method, branch, tag, cseq, method, extra ? extra : "",
		       strlen(offer), offer);
}

/* re-INVITE (hold) without the app answering: 200 with our last SDP,
 * retransmitted until the ACK; the remote target follows its Contact. */
static void offer_reinvite_default(void **state)
{
	(void)state;
	char tag[32];
	fk_stack();
	struct sip_call *c = fk_established(tag, sizeof(tag));
	unsigned n0 = fk.nsent, e0 = fk.nev;
	req_sdp("INVITE", "z9hG4bKre1", tag, 2, NULL);
	assert_int_equal(fk.ev[e0], SIP_CALL_EV_OFFER);
	assert_true(fk.evsdp[e0]);
	assert_int_equal(fk_code(n0), 200);
	assert_non_null(strstr(fk.sent[n0].buf, "m=audio 4000"));
	char v[128];
	assert_true(fk_hdr(n0, "Contact", v, sizeof(v)));
	uint64_t t0 = fk.now;
	fk_advance(2000); /* 2xx again at 500 and 1500 */
	assert_int_equal(fk.nsent, n0 + 3);
	assert_int_equal(fk.sent[n0 + 2].at - t0, 1500);
	fk_req("ACK", "z9hG4bKack2", tag, 2, NULL);
	fk_advance(40000);
	assert_int_equal(fk.nsent, n0 + 3);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	/* the next in-dialog request goes to the refreshed target */
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_non_null(strstr(fk.sent[fk.nsent - 1].buf,
			       "BYE sip:bob@192.0.2.99:5062 SIP/2.0"));
	fk_done();
}

static unsigned answer_code;
static const char *answer_sdp;
static int answer_rc;
static void answer_event(void *arg, struct sip_call *call,
			 const struct sip_call_event *ev)
{
	fk_event(arg, call, ev);
	if (ev->type == SIP_CALL_EV_OFFER && answer_code)
		answer_rc = sip_call_answer(call, answer_code, answer_sdp);
}

static bool hangup_on_offer;
static void hangup_event(void *arg, struct sip_call *call,
			 const struct sip_call_event *ev)
{
	fk_event(arg, call, ev);
	if (ev->type == SIP_CALL_EV_OFFER && hangup_on_offer)
		sip_call_hangup(call, 0, 16);
}

static void stack_with_answer(unsigned code, const char *sdp)
{
	struct sip_hooks h = fk_hooks();
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060 };
	h.call_event = answer_event;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	answer_code = code;
	answer_sdp = sdp;
	answer_rc = -1;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
}

/* The app answers the offer itself: 488, then a new SDP in a 200. */
static void offer_app_answers(void **state)
{
	(void)state;
	char tag[32];
	stack_with_answer(488, NULL);
	struct sip_call *c = fk_established(tag, sizeof(tag));
	unsigned n0 = fk.nsent;
	req_sdp("INVITE", "z9hG4bKre1", tag, 2, NULL);
	assert_int_equal(answer_rc, 0);
	assert_int_equal(fk_code(n0), 488);
	assert_int_equal(fk.nsent, n0 + 1);
	answer_code = 200;
	answer_sdp = "v=0\r\no=- 1 2 IN IP4 192.0.2.1\r\ns=new\r\n";
	req_sdp("INVITE", "z9hG4bKre2", tag, 3, NULL);
	assert_int_equal(fk_code(n0 + 1), 200);
	assert_non_null(strstr(fk.sent[n0 + 1].buf, "s=new"));
	fk_req("ACK", "z9hG4bKack3", tag, 3, NULL);
	/* out of the OFFER event: EPROTO */
	assert_int_equal(sip_call_answer(c, 200, NULL), EPROTO);
	assert_int_equal(sip_call_answer(c, 99, NULL), EINVAL);
	fk_done();
}

/* UPDATE with an offer: 200 with SDP; without: 200 without a body. */
static void offer_update(void **state)
{
	(void)state;
	char tag[32], v[64];
	fk_stack();
	fk_established(tag, sizeof(tag));
	unsigned n0 = fk.nsent;
	req_sdp("UPDATE", "z9hG4bKup1", tag, 2, NULL);
	assert_int_equal(fk_code(n0), 200);
	assert_true(fk_hdr(n0, "Content-Type", v, sizeof(v)));
	assert_true(fk_hdr(n0, "Contact", v, sizeof(v)));
	fk_req("UPDATE", "z9hG4bKup2", tag, 3, NULL);
	assert_int_equal(fk_code(n0 + 1), 200);
	assert_false(fk_hdr(n0 + 1, "Content-Type", v, sizeof(v)));
	/* a lower CSeq in the dialog: 500 */
	fk_req("UPDATE", "z9hG4bKup3", tag, 3, NULL);
	assert_int_equal(fk_code(n0 + 2), 500);
	fk_done();
}

/* Our re-INVITE meets theirs: we answer 491; theirs answers ours 491 and
 * we retry after 0-2 s (we do not own the Call-ID), then the 2xx is
 * ACKed and REOFFER_DONE reports it. */
static void offer_glare(void **state)
{
	(void)state;
	char tag[32];
	fk_stack();
	struct sip_call *c = fk_established(tag, sizeof(tag));
	assert_int_equal(sip_call_reoffer(c, NULL), 0);
	assert_int_equal(sip_call_reoffer(c, NULL), EBUSY);
	int ours = fk_find_req("INVITE");
	assert_true(ours > 0);
	req_sdp("INVITE", "z9hG4bKre1", tag, 2, NULL);
	int r491 = fk_find_code(491);
	assert_true(r491 > ours);
	fk_req("ACK", "z9hG4bKre1", tag, 2, NULL); /* ACK for the 491 */
	assert_int_equal(fk_answer((unsigned)ours, 491, NULL, NULL), 0);
	assert_true(fk_is(fk.nsent - 1, "ACK"));
	unsigned before = fk.nsent;
	uint64_t t0 = fk.now;
	fk_advance(2001);
	int retry = fk_find_req("INVITE");
	assert_true(retry >= (int)before);
	assert_true(fk.sent[retry].at - t0 <= 2000);
	char v[64];
	assert_true(fk_hdr((unsigned)retry, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "3 INVITE");
	assert_int_equal(fk_answer((unsigned)retry, 200, NULL, NULL), 0);
	assert_true(fk_is(fk.nsent - 1, "ACK"));
	assert_true(fk_hdr(fk.nsent - 1, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "3 ACK");
	int e = fk_find_ev(SIP_CALL_EV_REOFFER_DONE);
	assert_true(e >= 0);
	assert_int_equal(fk.evcode[e], 200);
	/* a retransmitted 2xx is ACKed again */
	unsigned n = fk.nsent;
	assert_int_equal(fk_answer((unsigned)retry, 200, NULL, NULL), 0);
	assert_int_equal(fk.nsent, n + 1);
	assert_true(fk_is(n, "ACK"));
	fk_advance(40000);
	fk_done();
}

/* Two re-INVITEs of ours, both answered 2xx (a fax call: T.38, then back
 * to audio): each 2xx is ACKed with its own CSeq, retransmissions too
 * (13.2.2.4; the second once got the first's cached "2 ACK", and the far
 * end kept sending its 2xx until it gave up on the call). */
static void offer_two_reinvites_acked(void **state)
{
	(void)state;
	char tag[32], v[64];
	fk_stack();
	struct sip_call *c = fk_established(tag, sizeof(tag));
	assert_int_equal(sip_call_reoffer(c, NULL), 0);
	int first = fk_find_req("INVITE");
	assert_true(first > 0);
	assert_int_equal(fk_answer((unsigned)first, 200, NULL, NULL), 0);
	assert_true(fk_is(fk.nsent - 1, "ACK"));
	assert_true(fk_hdr(fk.nsent - 1, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "2 ACK");
	fk_advance(1000);
	assert_int_equal(sip_call_reoffer(c, NULL), 0);
	int second = fk_find_req("INVITE");
	assert_true(second > first);
	assert_true(fk_hdr((unsigned)second, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "3 INVITE");
	assert_int_equal(fk_answer((unsigned)second, 200, NULL, NULL), 0);
	assert_true(fk_is(fk.nsent - 1, "ACK"));
	assert_true(fk_hdr(fk.nsent - 1, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "3 ACK");
	/* its retransmission: the same ACK again */
	assert_int_equal(fk_answer((unsigned)second, 200, NULL, NULL), 0);
	assert_true(fk_is(fk.nsent - 1, "ACK"));
	assert_true(fk_hdr(fk.nsent - 1, "CSeq", v, sizeof(v)));
	assert_string_equal(v, "3 ACK");
	/* a late retransmission of the first one's 2xx never gets the
	 * second's ACK */
	unsigned n = fk.nsent;
	assert_int_equal(fk_answer((unsigned)first, 200, NULL, NULL), 0);
	for (unsigned i = n; i < fk.nsent; i++)
		if (fk_is(i, "ACK")) {
			assert_true(fk_hdr(i, "CSeq", v, sizeof(v)));
			assert_string_equal(v, "2 ACK");
		}
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	fk_advance(40000);
	fk_done();
}

/* Outgoing call: we own the Call-ID, so the glare retry is 2.1-4 s. */
static void offer_glare_owner(void **state)
{
	(void)state;
	fk_stack();
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "2",
				     .dst = fk_peer(),
				     .sdp = fk_sdp };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	assert_int_equal(sip_call_reoffer(c, NULL), 0);
	int ours = fk_find_req("INVITE");
	assert_true(ours > 0);
	assert_int_equal(fk_answer((unsigned)ours, 491, NULL, NULL), 0);
	uint64_t t0 = fk.now;
	fk_advance(2099);
	assert_int_equal(fk_find_req("INVITE"), ours);
	fk_advance(1901);
	int retry = fk_find_req("INVITE");
	assert_true(retry > ours);
	assert_true(fk.sent[retry].at - t0 >= 2100);
	assert_true(fk.sent[retry].at - t0 <= 4000);
	/* 481 to a re-offer ends the dialog: BYE */
	assert_int_equal(fk_answer((unsigned)retry, 481, NULL, NULL), 0);
	assert_true(fk_find_req("BYE") > retry);
	fk_done();
}

/* INFO handed up after its 200; OPTIONS in and out of dialog. */
static void offer_info_options(void **state)
{
	(void)state;
	char tag[32], v[256];
	fk_stack();
	fk_established(tag, sizeof(tag));
	unsigned n0 = fk.nsent;
	fk_req("INFO", "z9hG4bKi1", tag, 2,
	       "Content-Type: application/dtmf-relay\r\n");
	assert_int_equal(fk_code(n0), 200);
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_INFO);
	fk_req("OPTIONS", "z9hG4bKo1", tag, 3, NULL);
	assert_int_equal(fk_code(n0 + 1), 200);
	assert_true(fk_hdr(n0 + 1, "Supported", v, sizeof(v)));
	assert_string_equal(v, "100rel, timer");
	fk_req("OPTIONS", "z9hG4bKo2", NULL, 1, NULL);
	assert_int_equal(fk_code(n0 + 2), 200);
	assert_true(fk_hdr(n0 + 2, "Allow", v, sizeof(v)));
	assert_non_null(strstr(v, "UPDATE"));
	assert_true(fk_hdr(n0 + 2, "Accept", v, sizeof(v)));
	/* MESSAGE is not served: 405 with Allow */
	fk_req("MESSAGE", "z9hG4bKm1", NULL, 1, NULL);
	assert_int_equal(fk_code(n0 + 3), 405);
	assert_true(fk_hdr(n0 + 3, "Allow", v, sizeof(v)));
	fk_done();
}

/* Require: known tags pass, unknown ones are named in a 420. */
static void offer_require(void **state)
{
	(void)state;
	char v[128];
	fk_stack();
	fk_req("OPTIONS", "z9hG4bKr1", NULL, 1,
	       "Require: timer, foo\r\nRequire: 100rel, bar\r\n");
	assert_int_equal(fk_code(0), 420);
	assert_true(fk_hdr(0, "Unsupported", v, sizeof(v)));
	assert_string_equal(v, "foo, bar");
	fk_req("OPTIONS", "z9hG4bKr2", NULL, 1, "Require: timer, 100rel\r\n");
	assert_int_equal(fk_code(1), 200);
	fk_done();
}

/* Nth allocation failure during a re-INVITE: no leak, no crash. */
static void offer_alloc_failures(void **state)
{
	(void)state;
	for (long n = 1; n < 8; n++) {
		char tag[32];
		fk_stack();
		fk_established(tag, sizeof(tag));
		fk_fail_nth(n);
		req_sdp("INVITE", "z9hG4bKre1", tag, 2, NULL);
		fk_req("ACK", "z9hG4bKack2", tag, 2, NULL);
		fk_advance(40000);
		fk_done();
	}
}

/* The app hangs up during the OFFER event: the re-INVITE still gets a
 * final response (487), the BYE goes out, nothing is left running. */
static void offer_hangup_in_event(void **state)
{
	(void)state;
	char tag[32];
	struct sip_hooks h = fk_hooks();
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1" };
	h.call_event = hangup_event;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	hangup_on_offer = true;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	fk_established(tag, sizeof(tag));
	unsigned n0 = fk.nsent;
	req_sdp("INVITE", "z9hG4bKre1", tag, 2, NULL);
	int bye = fk_find_req("BYE");
	assert_true(bye >= (int)n0);
	assert_true(fk_find_code(487) >= (int)n0);
	fk_req("ACK", "z9hG4bKre1", tag, 2, NULL);
	fk_answer((unsigned)bye, 200, NULL, NULL);
	assert_true(fk_find_ev(SIP_CALL_EV_ENDED) >= 0);
	fk_advance(40000);
	struct sip_stats st;
	sip_stack_stats(fk.st, &st);
	assert_int_equal(st.active_trans, 0);
	assert_int_equal(st.active_calls, 0);
	hangup_on_offer = false;
	fk_done();
}

/* Our bare UPDATE refresh is no offer: a re-INVITE meanwhile is served,
 * not refused with 491 (RFC 3311 5.2). */
static void offer_no_glare_with_refresh(void **state)
{
	(void)state;
	char tag[32];
	fk_stack();
	fk_established_x(tag, sizeof(tag),
			 "Session-Expires: 120\r\n"
			 "Allow: INVITE, ACK, BYE, UPDATE\r\n");
	fk_advance(60000); /* we refresh by UPDATE */
	int upd = fk_find_req("UPDATE");
	assert_true(upd > 0);
	unsigned n0 = fk.nsent;
	req_sdp("INVITE", "z9hG4bKre1", tag, 2, NULL);
	assert_int_equal(fk_code(n0), 200);
	fk_req("ACK", "z9hG4bKack2", tag, 2, NULL);
	fk_answer((unsigned)upd, 200, NULL, NULL);
	fk_advance(1000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(offer_reinvite_default),
		cmocka_unit_test(offer_app_answers),
		cmocka_unit_test(offer_update),
		cmocka_unit_test(offer_glare),
		cmocka_unit_test(offer_two_reinvites_acked),
		cmocka_unit_test(offer_glare_owner),
		cmocka_unit_test(offer_info_options),
		cmocka_unit_test(offer_require),
		cmocka_unit_test(offer_alloc_failures),
		cmocka_unit_test(offer_hangup_in_event),
		cmocka_unit_test(offer_no_glare_with_refresh),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
