/* test_sip_ua.c: UA core and call API (sip/ua.c, sip/stack.c). */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

#include "sip/sip_int.h"

static const char sdp[] =
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n"
	"c=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

/* Incoming call: 100, 180, 200 retransmitted until the ACK, then BYE. */
static void ua_incoming_answer_bye(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKa1", 1);
	struct sip_call *c = fk.incoming;
	assert_non_null(c);
	assert_int_equal(sip_call_state(c), SIP_CALL_INCOMING);
	assert_int_equal(sip_call_respond(c, 180, NULL, NULL), 0);
	assert_int_equal(sip_call_respond(c, 200, NULL, sdp), 0);
	assert_int_equal(fk_code(2), 200);
	char ct[64];
	assert_true(fk_hdr(2, "Content-Type", ct, sizeof(ct)));
	assert_true(fk_hdr(2, "Contact", ct, sizeof(ct)));
	uint64_t t0 = fk.now;
	fk_advance(4000);
	/* 2xx at 500, 1500, 3500 */
	assert_int_equal(fk.nsent, 6);
	assert_int_equal(fk.sent[5].at - t0, 3500);
	char tag[32];
	fk_totag(2, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKack", tag, 1, NULL);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_CONFIRMED);
	fk_advance(10000);
	assert_int_equal(fk.nsent, 6);
	fk_req("BYE", "z9hG4bKbye", tag, 2, "Reason: Q.850;cause=16\r\n");
	assert_int_equal(fk_code(6), 200);
	assert_int_equal(fk.ev[1], SIP_CALL_EV_BYE);
	assert_int_equal(fk.evcause[1], 16);
	assert_int_equal(fk.ev[2], SIP_CALL_EV_ENDED);
	assert_null(fk.incoming);
	fk_done();
}

/* A request of call k (Call-ID cid, its own From tag), to-tag totag or
 * none. */
static void hash_req(const char *method, unsigned k, const char *cid,
		     const char *totag, unsigned cseq)
{
	fk_recv("%s sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK%u%s%u\r\n"
		"Max-Forwards: 70\r\n"
		"From: <sip:bob@192.0.2.10>;tag=f%u\r\n"
		"To: <sip:5551234@192.0.2.1>%s%s\r\n"
		"Call-ID: %s\r\nCSeq: %u %s\r\n"
		"Contact: <sip:bob@192.0.2.10>\r\n"
		"Content-Length: 0\r\n\r\n",
		method, k, method, cseq, k, totag ? ";tag=" : "",
		totag ? totag : "", cid, cseq, method);
}

/* Calls are found by Call-ID through a hash table: three calls up, two
 * of them in the same bucket; each in-dialog request reaches its own
 * call only, an INVITE retransmission after its transaction is gone is
 * still recognised, and a freed call is gone from the table (481). */
static void ua_dialog_hash(void **state)
{
	char cid[3][32], tag[3][32];
	struct sip_call *call[3];
	unsigned b0, i, n = 0;

	(void)state;
	snprintf(cid[0], sizeof(cid[0]), "hc-0@x");
	b0 = sip_hash(cid[0], strlen(cid[0])) & (SIP_CALL_HASH - 1);
	for (i = 1; i < 1000000 && !n; i++) {
		snprintf(cid[1], sizeof(cid[1]), "hc-%u@x", i);
		n = (sip_hash(cid[1], strlen(cid[1])) & (SIP_CALL_HASH - 1)) ==
		    b0;
	}
	assert_true(n); /* a second Call-ID in the same bucket */
	snprintf(cid[2], sizeof(cid[2]), "other@x");
	fk_stack();
	for (i = 0; i < 3; i++) {
		unsigned at = fk.nsent;

		hash_req("INVITE", i, cid[i], NULL, 1);
		call[i] = fk.incoming;
		assert_non_null(call[i]);
		assert_int_equal(sip_call_respond(call[i], 200, NULL, sdp), 0);
		fk_totag(at + 1, tag[i], sizeof(tag[i])); /* 100, then 200 */
		hash_req("ACK", i, cid[i], tag[i], 1);
		assert_int_equal(sip_call_state(call[i]), SIP_CALL_CONFIRMED);
	}
	/* the INVITE again, transactions long gone: absorbed, no new call */
	fk_advance(40000);
	n = fk.nsent;
	hash_req("INVITE", 1, cid[1], NULL, 1);
	assert_int_equal(fk.nsent, n);
	assert_ptr_equal(fk.incoming, call[2]);
	/* BYE to the second: only it ends */
	hash_req("BYE", 1, cid[1], tag[1], 2);
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	assert_int_equal(sip_call_state(call[0]), SIP_CALL_CONFIRMED);
	assert_int_equal(sip_call_state(call[2]), SIP_CALL_CONFIRMED);
	fk_advance(40000);
	/* gone from its bucket; its neighbour is still found */
	hash_req("BYE", 1, cid[1], tag[1], 3);
	assert_int_equal(fk_code(fk.nsent - 1), 481);
	hash_req("BYE", 0, cid[0], tag[0], 2);
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	hash_req("BYE", 2, cid[2], tag[2], 2);
	assert_int_equal(fk_code(fk.nsent - 1), 200);
	fk_advance(40000);
	fk_done();
}

/* No ACK within 64*T1: BYE and ENDED. */
static void ua_no_ack(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKa2", 1);
	sip_call_respond(fk.incoming, 200, NULL, sdp);
	fk_advance(32000);
	assert_true(fk_is(fk.nsent - 1, "BYE"));
	assert_int_equal(fk.ev[0], SIP_CALL_EV_ENDED);
	fk_advance(40000);
	fk_done();
}

/* Remote CANCEL: 200 to CANCEL, 487 to INVITE, CANCELLED + ENDED. */
static void ua_remote_cancel(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKa3", 1);
	sip_call_respond(fk.incoming, 180, NULL, NULL);
	fk_req("CANCEL", "z9hG4bKa3", NULL, 1, NULL);
	assert_int_equal(fk_code(2), 200);
	char cs[32];
	assert_true(fk_hdr(2, "CSeq", cs, sizeof(cs)));
	assert_string_equal(cs, "1 CANCEL");
	assert_int_equal(fk_code(3), 487);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_CANCELLED);
	assert_int_equal(fk.ev[1], SIP_CALL_EV_ENDED);
	/* CANCEL for nothing: 481 */
	fk_req("CANCEL", "z9hG4bKnone", NULL, 1, NULL);
	assert_int_equal(fk_code(4), 481);
	fk_done();
}

static void ua_outgoing(void **state)
{
	(void)state;
	fk_stack();
	struct sip_call *c = NULL;
	int user = 7;
	struct sip_call_params p = {
		.ruri = "sip:5551234@192.0.2.10",
		.from_user = "100",
		.from_display = "Fax",
		.dst = fk_peer(),
		.sdp = sdp,
		.extra_hdrs = "X-Test: 1\r\n",
	};
	assert_int_equal(sip_call_invite(fk.st, &p, &user, &c), 0);
	assert_ptr_equal(sip_call_user(c), &user);
	assert_true(fk_is(0, "INVITE"));
	char h[256];
	assert_true(fk_hdr(0, "X-Test", h, sizeof(h)));
	assert_true(fk_hdr(0, "Max-Forwards", h, sizeof(h)));
	assert_true(fk_hdr(0, "Contact", h, sizeof(h)));
	assert_true(fk_hdr(0, "From", h, sizeof(h)));
	assert_non_null(strstr(h, "\"Fax\" <sip:100@192.0.2.1>;tag="));
	fk_answer(0, 183, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_int_equal(fk.ev[0], SIP_CALL_EV_PROGRESS);
	assert_int_equal(fk.evcode[0], 183);
	fk_answer(0, 200, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_true(fk_is(1, "ACK"));
	assert_int_equal(fk.ev[1], SIP_CALL_EV_ANSWERED);
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	fk_answer(0, 200, "rt", NULL); /* retransmitted 2xx: ACK again */
	assert_true(fk_is(2, "ACK"));
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_true(fk_is(3, "BYE"));
	assert_true(fk_hdr(3, "Reason", h, sizeof(h)));
	assert_string_equal(h, "Q.850;cause=16");
	assert_true(fk_hdr(3, "To", h, sizeof(h)));
	assert_non_null(strstr(h, "tag=rt"));
	fk_answer(3, 200, NULL, NULL);
	assert_int_equal(fk.ev[2], SIP_CALL_EV_ENDED);
	fk_advance(60000);
	fk_done();
}

/* Hangup before the answer: CANCEL after the first 1xx, 487 absorbed. */
static void ua_outgoing_cancel(void **state)
{
	(void)state;
	fk_stack();
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_int_equal(fk.nsent, 1); /* no CANCEL before a provisional */
	fk_answer(0, 100, NULL, NULL);
	assert_true(fk_is(1, "CANCEL"));
	char h[128];
	assert_true(fk_hdr(1, "Reason", h, sizeof(h)));
	fk_answer(1, 200, NULL, NULL);
	fk_answer(0, 487, "rt", NULL);
	assert_true(fk_is(2, "ACK"));
	assert_int_equal(fk.nev, 1);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_ENDED);
	fk_advance(60000);
	fk_done();
}

/* CANCEL answered but the INVITE never: both transactions end (9.1). */
static void ua_outgoing_cancel_no_final(void **state)
{
	(void)state;
	fk_stack();
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	fk_answer(0, 180, "rt", NULL);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_true(fk_is(1, "CANCEL"));
	fk_answer(1, 200, NULL, NULL);
	fk_advance(64 * 500 - 1);
	assert_int_equal(fk.nev, 1); /* PROGRESS */
	fk_advance(1);
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_calls, 0);
	assert_int_equal(s.active_trans, 0);
	assert_int_equal(fk_live_timers(), 0);
	/* a late 487 is a stray now */
	assert_int_equal(fk_answer(0, 487, "rt", NULL), 0);
	assert_int_equal(fk.nsent, 2);
	fk_done();
}

static void ua_core_responses(void **state)
{
	(void)state;
	fk_stack();
	char h[256];
	fk_req("OPTIONS", "z9hG4bKc1", NULL, 1, NULL);
	assert_int_equal(fk_code(0), 200);
	assert_true(fk_hdr(0, "Allow", h, sizeof(h)));
	assert_non_null(strstr(h, "INVITE"));
	assert_true(fk_hdr(0, "Accept", h, sizeof(h)));
	assert_true(fk_hdr(0, "Supported", h, sizeof(h)) ||
		    strstr(fk.sent[0].buf, "Supported:"));
	fk_req("REGISTER", "z9hG4bKc2", NULL, 1, NULL);
	assert_int_equal(fk_code(1), 405);
	assert_true(fk_hdr(1, "Allow", h, sizeof(h)));
	fk_req("BYE", "z9hG4bKc3", "nosuch", 1, NULL);
	assert_int_equal(fk_code(2), 481);
	fk_req("OPTIONS", "z9hG4bKc4", NULL, 1, "Require: foo\r\n");
	assert_int_equal(fk_code(3), 420);
	assert_true(fk_hdr(3, "Unsupported", h, sizeof(h)));
	assert_string_equal(h, "foo");
	/* malformed but answerable: 400, counted */
	assert_int_equal(
		fk_recv("OPTIONS sip:a@192.0.2.1 SIP/2.0\r\n"
			"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKm\r\n"
			"From: <sip:b@h>;tag=1\r\nTo: <sip:a@h>\r\n"
			"Call-ID: m\r\nCSeq: 1 OPTIONS\r\n"
			"Max-Forwards: 999\r\n\r\n"),
		EBADMSG);
	assert_int_equal(fk_code(4), 400);
	/* garbage: dropped, counted */
	assert_int_not_equal(fk_recv("\x01\x02 hello"), 0);
	assert_int_equal(fk.nsent, 5);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.rx_rejected, 2);
	assert_int_equal(s.rx_msgs, 6);
	char dump[1024];
	assert_true(sip_stack_dump(fk.st, dump, sizeof(dump)) > 0);
	fk_done();
}

/* Shutdown: every call is hung up according to its state. */
static void ua_shutdown(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKs1", 1);
	assert_non_null(fk.incoming);
	sip_stack_shutdown(fk.st);
	assert_int_equal(fk_code(1), 503);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_ENDED);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "1",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), ESHUTDOWN);
	fk_done();
}

/* sip_stack_free with live calls and timers frees everything. */
static void ua_free_live(void **state)
{
	(void)state;
	fk_stack();
	fk_invite("z9hG4bKf1", 1);
	sip_call_respond(fk.incoming, 200, NULL, sdp);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "1",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_int_equal(sip_call_id(c), 2);
	assert_string_equal(sip_call_state_name(SIP_CALL_EARLY), "EARLY");
	assert_string_equal(sip_call_ev_name(SIP_CALL_EV_BYE), "BYE");
	fk_done();
}

/* The app may answer from inside call_incoming. */
static void ua_respond_in_callback(void **state)
{
	(void)state;
	fk_stack();
	fk.auto_respond = 404;
	fk_invite("z9hG4bKr1", 1);
	assert_int_equal(fk_code(1), 404);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_ENDED);
	fk_done();
}

/* The user's health answer to out-of-dialog OPTIONS (sip_hooks.options),
 * and a final response with extra headers (sip_call_respond_hdrs). */
static unsigned opt_code;
static unsigned opt_calls;

static unsigned opt_hook(void *arg, const struct sip_msg *req, char *hdrs,
			 size_t size)
{
	(void)arg;
	assert_int_equal(req->method, SIP_METHOD_OPTIONS);
	opt_calls++;
	snprintf(hdrs, size, "%s",
		 opt_code == 503 ? "Retry-After: 30 (draining)\r\n" : "");
	return opt_code;
}

static unsigned adm_calls, adm_code;

static unsigned adm_hook(void *arg, const struct sip_msg *req, char *hdrs,
			 size_t size)
{
	(void)arg;
	assert_int_equal(req->method, SIP_METHOD_INVITE);
	adm_calls++;
	if (adm_code == 503)
		snprintf(hdrs, size,
			 "Retry-After: 5 (overload: max_calls)\r\n");
	return adm_code;
}

/* invite_admit: a refused INVITE is answered at once (no timer in the
 * path) and statelessly (no call, no transaction, nothing kept); its
 * retransmission is answered alike; an admitted one goes on as usual. */
static void ua_invite_admit_hook(void **state)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060 };
	struct sip_hooks h = fk_hooks();
	struct sip_stats st;
	char v[128];

	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	h.invite_admit = adm_hook;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	adm_calls = 0;
	adm_code = 503;
	fk_invite("z9hG4bKad1", 1);
	assert_int_equal(fk.nsent, 1); /* the 503 only: no 100 Trying */
	assert_int_equal(fk_code(0), 503);
	assert_int_equal(fk.sent[0].at, 1000); /* now, not later */
	assert_true(fk_hdr(0, "Retry-After", v, sizeof(v)));
	assert_string_equal(v, "5 (overload: max_calls)");
	assert_true(fk_hdr(0, "To", v, sizeof(v)));
	assert_non_null(strstr(v, ";tag=")); /* a final answer has a tag */
	assert_null(fk.incoming);
	assert_int_equal(fk_live_timers(), 0);
	sip_stack_stats(fk.st, &st);
	assert_int_equal(st.active_calls, 0);
	assert_int_equal(st.active_trans, 0);
	/* the retransmission: the same answer; the ACK: nothing */
	fk_invite("z9hG4bKad1", 1);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(fk_code(1), 503);
	fk_req("ACK", "z9hG4bKad1", "x", 1, NULL);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(adm_calls, 2);
	/* a bogus status from the hook is still a refusal */
	adm_code = 42;
	fk_invite("z9hG4bKad2", 2);
	assert_int_equal(fk_code(2), 500);
	assert_null(fk.incoming);
	/* admitted: 100 Trying and the call */
	adm_code = 0;
	fk_invite("z9hG4bKad3", 3);
	assert_non_null(fk.incoming);
	assert_int_equal(fk_code(3), 100);
	assert_false(fk_hdr(3, "Retry-After", v, sizeof(v)));
	/* in the dialog: a re-INVITE is not asked about */
	assert_int_equal(sip_call_respond(fk.incoming, 200, NULL, fk_sdp), 0);
	char tag[32];

	fk_totag(fk.nsent - 1, tag, sizeof(tag));
	fk_req("ACK", "z9hG4bKad3a", tag, 3, NULL);
	adm_code = 503;
	unsigned before = adm_calls;

	fk_recv("INVITE sip:5551234@192.0.2.1 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bKad4\r\n"
		"Max-Forwards: 70\r\n"
		"From: \"Bob\" <sip:bob@192.0.2.10>;tag=ft\r\n"
		"To: <sip:5551234@192.0.2.1>;tag=%s\r\n"
		"Call-ID: call-1@192.0.2.10\r\nCSeq: 4 INVITE\r\n"
		"Contact: <sip:bob@192.0.2.10>\r\n"
		"Content-Type: application/sdp\r\nContent-Length: %zu\r\n\r\n"
		"%s",
		tag, strlen(fk_sdp), fk_sdp);
	assert_int_equal(adm_calls, before);
	assert_int_not_equal(fk_find_code(503), (int)fk.nsent - 1);
	sip_call_hangup(fk.incoming, 0, 16);
	fk_advance(64000);
	fk_done();
}

static void ua_options_hook(void **state)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060 };
	struct sip_hooks h = fk_hooks();
	char v[128];

	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	h.options = opt_hook;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	opt_calls = 0;
	opt_code = 503;
	fk_req("OPTIONS", "z9hG4bKo1", NULL, 1, NULL);
	assert_int_equal(fk_code(0), 503);
	assert_true(fk_hdr(0, "Retry-After", v, sizeof(v)));
	assert_string_equal(v, "30 (draining)");
	assert_false(fk_hdr(0, "Allow", v, sizeof(v))); /* only for 2xx */
	opt_code = 200;
	fk_req("OPTIONS", "z9hG4bKo2", NULL, 1, NULL);
	assert_int_equal(fk_code(1), 200);
	assert_true(fk_hdr(1, "Allow", v, sizeof(v)));
	assert_false(fk_hdr(1, "Retry-After", v, sizeof(v)));
	opt_code = 42; /* a bug in the user: still a final answer */
	fk_req("OPTIONS", "z9hG4bKo3", NULL, 1, NULL);
	assert_int_equal(fk_code(2), 500);
	/* in a dialog (or one we lost) the hook is not asked */
	fk_req("OPTIONS", "z9hG4bKo4", "nosuch", 1, NULL);
	assert_int_equal(fk_code(3), 481);
	assert_int_equal(opt_calls, 3);
	/* a refused INVITE carries the extra header lines */
	fk_invite("z9hG4bKo5", 1);
	assert_non_null(fk.incoming);
	assert_int_equal(
		sip_call_respond_hdrs(fk.incoming, 503, NULL, NULL,
				      "Retry-After: 60 (draining)\r\n"),
		0);
	int i = (int)fk.nsent - 1;

	assert_int_equal(fk_code((unsigned)i), 503);
	assert_true(fk_hdr((unsigned)i, "Retry-After", v, sizeof(v)));
	assert_string_equal(v, "60 (draining)");
	assert_int_equal(sip_call_respond_hdrs(NULL, 503, NULL, NULL, NULL),
			 EINVAL);
	fk_advance(60000);
	fk_done();
}

/* The screen hook (access control): asked for out-of-dialog requests
 * but ACK and CANCEL, with the transport source; its status refuses
 * before any call exists, 1 drops unanswered, 0 lets through; a call
 * keeps its source (sip_call_source). */
static unsigned scr_code, scr_calls;
static struct sip_addr scr_src;

static unsigned scr_hook(void *arg, const struct sip_addr *src,
			 const struct sip_msg *req)
{
	(void)arg;
	(void)req;
	scr_calls++;
	scr_src = *src;
	return scr_code;
}

static void ua_screen_hook(void **state)
{
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .local_port = 5060 };
	struct sip_hooks h = fk_hooks();
	struct sip_addr peer = fk_peer();
	char a[64], b[64];

	(void)state;
	memset(&fk, 0, sizeof(fk));
	fk.now = 1000;
	h.screen = scr_hook;
	assert_int_equal(sip_stack_alloc(&fk.st, &cfg, &h), 0);
	scr_calls = 0;
	scr_code = 403;
	fk_invite("z9hG4bKs1", 1);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(fk_code(0), 403); /* no 100 first: no transaction */
	assert_null(fk.incoming);
	assert_string_equal(sip_addr_str(&scr_src, a, sizeof(a)),
			    sip_addr_str(&peer, b, sizeof(b)));
	scr_code = 1; /* drop */
	fk_req("SUBSCRIBE", "z9hG4bKs2", NULL, 1, "Event: x\r\n");
	assert_int_equal(fk.nsent, 1);
	/* CANCEL and in-dialog requests are not asked: 481 as ever */
	fk_req("CANCEL", "z9hG4bKs3", NULL, 1, NULL);
	fk_req("BYE", "z9hG4bKs4", "nosuch", 2, NULL);
	assert_int_equal(fk_code(1), 481);
	assert_int_equal(fk_code(2), 481);
	assert_int_equal(scr_calls, 2);
	/* passed: the call knows where its INVITE came from */
	scr_code = 0;
	fk_invite("z9hG4bKs5", 1);
	assert_non_null(fk.incoming);
	assert_string_equal(
		sip_addr_str(sip_call_source(fk.incoming), a, sizeof(a)),
		sip_addr_str(&peer, b, sizeof(b)));
	assert_null(sip_call_source(NULL));
	sip_call_respond(fk.incoming, 486, NULL, NULL);
	fk_advance(60000);
	fk_done();
}

/* Index of the last sent response with this code, or -1. */
static int find_code(unsigned code)
{
	for (int i = (int)fk.nsent - 1; i >= 0; i--)
		if (fk_code((unsigned)i) == code)
			return i;
	return -1;
}

static long fail_n; /* the allocation being failed, for messages */

static void check_drained(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	/* nothing lingers until sip_stack_free: no zombie call or trans */
	if (s.active_calls || s.active_trans || fk_live_timers()) {
		char dump[2048];
		sip_stack_dump(fk.st, dump, sizeof(dump));
		print_error("allocation %ld failed; still live:\n%s", fail_n,
			    dump);
	}
	assert_int_equal(s.active_calls, 0);
	assert_int_equal(s.active_trans, 0);
	assert_int_equal(fk_live_timers(), 0);
}

/*
 * Incoming call answered, ACKed and ended by a BYE, with allocation n
 * failing. Whatever fails, the caller hears a final response and the
 * call ends; the application only sees errors from its own calls.
 */
static void incoming_with_failure(long n)
{
	fk_stack();
	fk_fail_nth(n);
	assert_int_equal(fk_invite("z9hG4bKn1", 1), 0);
	struct sip_call *c = fk.incoming;
	if (!c) {
		/* the UA could not take the call: 500, and nothing else */
		assert_true(fk.alloc_failed);
		assert_int_equal(fk_code(fk.nsent - 1), 500);
		assert_int_equal(fk.nev, 0);
		fk_advance(64 * 500);
		check_drained();
		fk_done();
		return;
	}
	int err = sip_call_respond(c, 180, NULL, NULL);
	assert_true(err == 0 || err == ENOMEM);
	err = sip_call_respond(c, 200, NULL, sdp);
	if (err) {
		assert_int_equal(err, ENOMEM);
		assert_int_equal(find_code(200), -1);
		assert_int_equal(sip_call_hangup(c, 500, 41), 0);
		int i = find_code(500);
		assert_true(i >= 0);
		char tag[32];
		fk_totag((unsigned)i, tag, sizeof(tag));
		fk_req("ACK", "z9hG4bKn1", tag, 1, NULL);
	} else {
		int i = find_code(200);
		assert_true(i >= 0);
		char tag[32];
		fk_totag((unsigned)i, tag, sizeof(tag));
		fk_req("ACK", "z9hG4bKn1a", tag, 1, NULL);
		assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
		fk_req("BYE", "z9hG4bKn1b", tag, 2, NULL);
		assert_int_equal(fk_code(fk.nsent - 1), 200);
	}
	assert_null(fk.incoming); /* ENDED delivered */
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	fk_advance(64 * 500);
	check_drained();
	fk_done();
}

/*
 * Outgoing call: 180, 200 (retransmitted once, as a peer does until it
 * sees the ACK), hangup, 200 to the BYE; allocation n fails.
 */
static void outgoing_with_failure(long n)
{
	fk_stack();
	fk_fail_nth(n);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:5551234@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer(),
				     .sdp = sdp };
	int err = sip_call_invite(fk.st, &p, NULL, &c);
	if (err) {
		assert_int_equal(err, ENOMEM);
		assert_true(fk.alloc_failed);
		assert_null(c);
		assert_int_equal(fk.nsent, 0);
		assert_int_equal(fk.nev, 0);
		check_drained();
		fk_done();
		return;
	}
	fk_answer(0, 180, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	fk_answer(0, 200, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	fk_advance(500);
	fk_answer(0, 200, "rt", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_true(fk_is(fk.nsent - 1, "ACK"));
	assert_int_equal(sip_call_state(c), SIP_CALL_CONFIRMED);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	if (fk_is(fk.nsent - 1, "BYE"))
		fk_answer(fk.nsent - 1, 200, NULL, NULL);
	assert_int_equal(fk.ev[fk.nev - 1], SIP_CALL_EV_ENDED);
	fk_advance(64 * 500);
	check_drained();
	fk_done();
}

/* Incoming call cancelled while ringing; allocation n fails. */
static void cancelled_with_failure(long n)
{
	fk_stack();
	fk_fail_nth(n);
	fk_invite("z9hG4bKn3", 1);
	struct sip_call *c = fk.incoming;
	if (!c) {
		assert_int_equal(fk_code(fk.nsent - 1), 500);
	} else {
		int err = sip_call_respond(c, 180, NULL, NULL);
		assert_true(err == 0 || err == ENOMEM);
		fk_req("CANCEL", "z9hG4bKn3", NULL, 1, NULL);
		/* 200 to the CANCEL, 487 to the INVITE, whatever failed */
		assert_int_equal(fk_code(fk.nsent - 2), 200);
		assert_int_equal(fk_code(fk.nsent - 1), 487);
		assert_null(fk.incoming);
		char tag[32];
		fk_totag(fk.nsent - 1, tag, sizeof(tag));
		fk_req("ACK", "z9hG4bKn3", tag, 1, NULL);
	}
	fk_advance(64 * 500);
	check_drained();
	fk_done();
}

/* Outgoing call hung up after the 100: CANCEL, 487. */
static void uac_cancel_with_failure(long n)
{
	fk_stack();
	fk_fail_nth(n);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:5551234@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer() };
	int err = sip_call_invite(fk.st, &p, NULL, &c);
	if (!err) {
		fk_answer(0, 100, NULL, NULL);
		assert_int_equal(sip_call_hangup(c, 0, 16), 0);
		if (fk_is(fk.nsent - 1, "CANCEL")) {
			fk_answer(fk.nsent - 1, 200, NULL, NULL);
			fk_answer(0, 487, "rt", NULL);
			if (!fk_is(fk.nsent - 1, "ACK")) /* peer retransmits */
				fk_answer(0, 487, "rt", NULL);
			assert_true(fk_is(fk.nsent - 1, "ACK"));
		}
	} else {
		assert_int_equal(err, ENOMEM);
	}
	fk_advance(2 * 64 * 500);
	check_drained();
	fk_done();
}

/*
 * Fails allocation 1, 2, 3, ... of each scenario until one runs without
 * hitting the failure: every error path ends clean (run under ASan).
 */
static void ua_alloc_failures(void **state)
{
	(void)state;
	void (*const scenario[])(long) = {
		incoming_with_failure,
		outgoing_with_failure,
		cancelled_with_failure,
		uac_cancel_with_failure,
	};
	for (size_t i = 0; i < sizeof(scenario) / sizeof(scenario[0]); i++) {
		long n;
		for (n = 1; n < 1000; n++) {
			fail_n = n;
			scenario[i](n);
			if (!fk.alloc_failed)
				break;
		}
		assert_true(n > 5 &&
			    n < 1000); /* the loop did cover something */
	}
}

/* The Reason text="" comes from the stack's q850_text hook (RFC 3326) on
 * CANCEL, BYE and final responses; a text that would break the quoted
 * string, or none, leaves the cause alone. */
static const char *test_q850_text(int cause)
{
	return cause == 16   ? "normal clearing"
	       : cause == 17 ? "bad \"text\""
			     : NULL;
}

static void ua_reason_text(void **state)
{
	(void)state;
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .q850_text = test_q850_text };
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:1@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer() };
	char h[128];
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	fk_answer(0, 180, "rt", NULL);
	assert_int_equal(sip_call_hangup(c, 0, 16), 0);
	assert_true(fk_is(1, "CANCEL"));
	assert_true(fk_hdr(1, "Reason", h, sizeof(h)));
	assert_string_equal(h, "Q.850;cause=16;text=\"normal clearing\"");
	fk_answer(1, 200, NULL, NULL);
	fk_answer(0, 487, "rt", NULL);
	fk_advance(60000);
	/* a second call answered, then a BYE with cause 17: no text */
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	unsigned inv = fk.nsent - 1;
	fk_answer(inv, 200, "rt2", "Contact: <sip:x@192.0.2.10>\r\n");
	assert_int_equal(sip_call_hangup(c, 0, 17), 0);
	int bye = fk_find_req("BYE");
	assert_true(bye > 0);
	assert_true(fk_hdr((unsigned)bye, "Reason", h, sizeof(h)));
	assert_string_equal(h, "Q.850;cause=17");
	fk_answer((unsigned)bye, 200, NULL, NULL);
	fk_advance(60000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ua_incoming_answer_bye),
		cmocka_unit_test(ua_reason_text),
		cmocka_unit_test(ua_no_ack),
		cmocka_unit_test(ua_dialog_hash),
		cmocka_unit_test(ua_remote_cancel),
		cmocka_unit_test(ua_outgoing),
		cmocka_unit_test(ua_outgoing_cancel),
		cmocka_unit_test(ua_outgoing_cancel_no_final),
		cmocka_unit_test(ua_core_responses),
		cmocka_unit_test(ua_shutdown),
		cmocka_unit_test(ua_free_live),
		cmocka_unit_test(ua_respond_in_callback),
		cmocka_unit_test(ua_options_hook),
		cmocka_unit_test(ua_screen_hook),
		cmocka_unit_test(ua_invite_admit_hook),
		cmocka_unit_test(ua_alloc_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
