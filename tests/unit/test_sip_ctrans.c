/* test_sip_ctrans.c: client transactions (sip/ctrans.c), virtual time. */
#include "tests/unit/test_sip_inv.h"
#include "sip/sip_int.h"
#include <errno.h>

static struct sip_call *start_call(void)
{
	struct sip_call *c = NULL;
	struct sip_call_params p = { .ruri = "sip:5551234@192.0.2.10",
				     .from_user = "100",
				     .dst = fk_peer() };
	assert_int_equal(sip_call_invite(fk.st, &p, NULL, &c), 0);
	assert_non_null(c);
	return c;
}

/* Timer A doubles from T1; Timer B at 64*T1 ends with 408. */
static void ctrans_timer_a_b(void **state)
{
	(void)state;
	fk_stack();
	start_call();
	uint64_t t0 = fk.now;
	fk_advance(40000);
	/* INVITE at 0, 500, 1500, 3500, 7500, 15500, 31500 */
	static const uint64_t at[] = { 0, 500, 1500, 3500, 7500, 15500, 31500 };
	assert_int_equal(fk.nsent, 7);
	for (unsigned i = 0; i < 7; i++) {
		assert_true(fk_is(i, "INVITE"));
		assert_int_equal(fk.sent[i].at - t0, at[i]);
	}
	assert_int_equal(fk.nev, 2);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[0], 408);
	assert_int_equal(fk.ev[1], SIP_CALL_EV_ENDED);
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.retransmissions, 6);
	assert_int_equal(s.active_calls, 0);
	assert_int_equal(s.active_trans, 0);
	fk_done();
}

/* A 1xx stops Timer A; a non-2xx final is ACKed inside the transaction
 * and its retransmission re-ACKed without reaching the TU. */
static void ctrans_non2xx_ack(void **state)
{
	(void)state;
	fk_stack();
	start_call();
	assert_int_equal(fk_answer(0, 180, "rt", NULL), 0);
	fk_advance(5000);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(fk.ev[0], SIP_CALL_EV_PROGRESS);
	assert_int_equal(fk_answer(0, 486, "rt", "Reason: Q.850;cause=17\r\n"),
			 0);
	assert_true(fk_is(1, "ACK"));
	char to[128];
	assert_true(fk_hdr(1, "To", to, sizeof(to)));
	assert_non_null(strstr(to, "tag=rt"));
	assert_int_equal(fk.ev[1], SIP_CALL_EV_FAILED);
	assert_int_equal(fk.evcode[1], 486);
	assert_int_equal(fk.evcause[1], 17);
	assert_int_equal(fk.ev[2], SIP_CALL_EV_ENDED);
	assert_int_equal(fk_answer(0, 486, "rt", NULL), 0);
	assert_true(fk_is(2, "ACK"));
	assert_int_equal(fk.nev, 3);
	fk_advance(32000); /* Timer D */
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_trans, 0);
	fk_done();
}

static int got_err, got_code;
static void nict_h(int err, const struct sip_msg *msg, void *arg)
{
	(void)arg;
	got_err = err;
	got_code = msg ? (int)msg->code : 0;
}

/* Timer E doubles up to T2; Timer F gives ETIMEDOUT. */
static void ctrans_timer_e_f(void **state)
{
	(void)state;
	struct sip_stack *st = fk_stack();
	struct sip_trans *t = NULL;
	struct sip_addr a = fk_peer();
	static const char req[] = "OPTIONS sip:x@192.0.2.10 SIP/2.0\r\n\r\n";
	got_err = 0;
	assert_int_equal(sip_ctrans_request(&t, st, SIP_METHOD_OPTIONS, &a,
					    "z9hG4bKopt", req, strlen(req),
					    nict_h, NULL),
			 0);
	uint64_t t0 = fk.now;
	fk_advance(40000);
	static const uint64_t at[] = { 0,     500,   1500,  3500,  7500, 11500,
				       15500, 19500, 23500, 27500, 31500 };
	assert_int_equal(fk.nsent, 11);
	for (unsigned i = 0; i < 11; i++)
		assert_int_equal(fk.sent[i].at - t0, at[i]);
	assert_int_equal(got_err, ETIMEDOUT);
	assert_null(t); /* the TU's pointer is cleared on free */
	fk_done();
}

/* A final response to a non-INVITE: Timer K (T4) absorbs retransmissions. */
static void ctrans_timer_k(void **state)
{
	(void)state;
	struct sip_stack *st = fk_stack();
	struct sip_trans *t = NULL;
	struct sip_addr a = fk_peer();
	static const char req[] =
		"OPTIONS sip:x@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKk\r\n"
		"From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: k\r\n"
		"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_ctrans_request(&t, st, SIP_METHOD_OPTIONS, &a,
					    "z9hG4bKk", req, strlen(req),
					    nict_h, NULL),
			 0);
	got_code = 0;
	assert_int_equal(fk_answer(0, 200, "x", NULL), 0);
	assert_int_equal(got_code, 200);
	got_code = 0;
	assert_int_equal(fk_answer(0, 200, "x", NULL), 0);
	assert_int_equal(got_code, 0);
	assert_non_null(t);
	fk_advance(5000);
	assert_null(t);
	assert_int_equal(fk.nsent, 1);
	fk_done();
}

static unsigned live_trans(void)
{
	struct sip_stats s;
	sip_stack_stats(fk.st, &s);
	return s.active_trans;
}

static const char opt_req[] =
	"OPTIONS sip:x@192.0.2.10 SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKk\r\n"
	"From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: k\r\n"
	"CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

/* Timer D: a non-2xx final keeps the INVITE transaction exactly 32 s. */
static void ctrans_timer_d_exact(void **state)
{
	(void)state;
	fk_stack();
	start_call();
	assert_int_equal(fk_answer(0, 486, "rt", NULL), 0);
	assert_int_equal(live_trans(), 1);
	fk_advance(31999);
	assert_int_equal(live_trans(), 1);
	fk_advance(1);
	assert_int_equal(live_trans(), 0);
	fk_done();
}

/* RFC 6026 Accepted: 2xx retransmissions reach the TU (ACKed again),
 * Timer M (64*T1) ends the transaction. */
static void ctrans_timer_m(void **state)
{
	(void)state;
	fk_stack();
	start_call();
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_true(fk_is(1, "ACK"));
	fk_advance(1000);
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_true(fk_is(2, "ACK"));
	assert_int_equal(live_trans(), 1);
	fk_advance(64 * 500 - 1000 - 1);
	assert_int_equal(live_trans(), 1);
	fk_advance(1);
	assert_int_equal(live_trans(), 0);
	/* after M, a late 2xx is a stray response */
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_int_equal(fk.nsent, 3);
	fk_done();
}

/* T1, T2 and T4 from the configuration: E = 100, 200, 400, then T2 =
 * 500; F at 64*T1 = 6.4 s; K = T4 after the final. */
static void ctrans_configured_timers(void **state)
{
	(void)state;
	struct sip_stack_cfg cfg = { .local_ip = "192.0.2.1",
				     .t1_ms = 100,
				     .t2_ms = 500,
				     .t4_ms = 800 };
	assert_int_equal(fk_stack_cfg(&cfg), 0);
	struct sip_trans *t = NULL;
	struct sip_addr a = fk_peer();
	got_err = 0;
	assert_int_equal(sip_ctrans_request(&t, fk.st, SIP_METHOD_OPTIONS, &a,
					    "z9hG4bKk", opt_req,
					    strlen(opt_req), nict_h, NULL),
			 0);
	uint64_t t0 = fk.now;
	fk_advance(6399);
	static const uint64_t at[] = { 0, 100, 300, 700, 1200, 1700, 2200 };
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(fk.sent[i].at - t0, at[i]);
	assert_int_equal(got_err, 0);
	fk_advance(1);
	assert_int_equal(got_err, ETIMEDOUT);
	/* K = T4 */
	assert_int_equal(sip_ctrans_request(&t, fk.st, SIP_METHOD_OPTIONS, &a,
					    "z9hG4bKk", opt_req,
					    strlen(opt_req), nict_h, NULL),
			 0);
	unsigned n = fk.nsent;
	assert_int_equal(fk_answer(n - 1, 200, "x", NULL), 0);
	fk_advance(799);
	assert_non_null(t);
	fk_advance(1);
	assert_null(t);
	fk_done();
}

/* A reliable transport: no retransmissions (A, E), B and F still at
 * 64*T1, and D and K are zero. */
static void ctrans_reliable(void **state)
{
	(void)state;
	fk_stack();
	struct sip_trans *t = NULL;
	struct sip_addr a = fk_peer();
	a.tp = SIP_TP_TCP;
	got_err = 0;
	assert_int_equal(sip_ctrans_request(&t, fk.st, SIP_METHOD_OPTIONS, &a,
					    "z9hG4bKk", opt_req,
					    strlen(opt_req), nict_h, NULL),
			 0);
	fk_advance(31999);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(got_err, 0);
	fk_advance(1);
	assert_int_equal(got_err, ETIMEDOUT);
	assert_int_equal(sip_ctrans_request(&t, fk.st, SIP_METHOD_OPTIONS, &a,
					    "z9hG4bKk", opt_req,
					    strlen(opt_req), nict_h, NULL),
			 0);
	assert_int_equal(fk_answer(fk.nsent - 1, 200, "x", NULL), 0);
	fk_advance(0);
	assert_null(t); /* Timer K = 0 */
	/* INVITE over TCP: no Timer A; a 486 is ACKed, Timer D = 0 */
	static const char inv[] =
		"INVITE sip:x@192.0.2.10 SIP/2.0\r\n"
		"Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bKi\r\n"
		"From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: i\r\n"
		"CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
	assert_int_equal(sip_ctrans_request(&t, fk.st, SIP_METHOD_INVITE, &a,
					    "z9hG4bKi", inv, strlen(inv),
					    nict_h, NULL),
			 0);
	unsigned n = fk.nsent;
	fk_advance(5000);
	assert_int_equal(fk.nsent, n);
	assert_int_equal(fk_answer(n - 1, 486, "x", NULL), 0);
	assert_true(fk_is(n, "ACK"));
	fk_advance(0);
	assert_null(t);
	fk_done();
}

static int hash_arg, hash_calls;
static void hash_h(int err, const struct sip_msg *msg, void *arg)
{
	hash_calls++;
	hash_arg = err || !msg || msg->code != 200 ? -1 : *(int *)arg;
}

/* Transactions sharing a hash bucket: each response finds its own, in
 * any order, also after one in the middle of the chain was freed (and
 * the freed one's response finds nothing). */
static void ctrans_hash_chain(void **state)
{
	enum { N = 5 };
	char br[N][32];
	int ids[N];
	struct sip_trans *t[N];
	unsigned n = 1;

	(void)state;
	fk_stack();
	snprintf(br[0], sizeof(br[0]), "z9hG4bKh0");
	struct sip_trans **b0 = sip_trans_bucket(fk.st, br[0], strlen(br[0]));

	for (unsigned i = 1; n < N && i < 10000000; i++) {
		char k[32];

		snprintf(k, sizeof(k), "z9hG4bKh%u", i);
		if (sip_trans_bucket(fk.st, k, strlen(k)) == b0)
			memcpy(br[n++], k, sizeof(k));
	}
	assert_int_equal(n, N);
	for (int i = 0; i < N; i++) {
		struct sip_addr dst = fk_peer();

		ids[i] = i;
		assert_int_equal(sip_ctrans_request(
					 &t[i], fk.st, SIP_METHOD_OPTIONS, &dst,
					 br[i], "x", 1, hash_h, &ids[i]),
				 0);
	}
	sip_trans_free(t[2]);
	assert_null(t[2]);
	for (int i = N - 1; i >= 0; i--) {
		hash_calls = 0;
		hash_arg = -2;
		fk_recv("SIP/2.0 200 OK\r\n"
			"Via: SIP/2.0/UDP 192.0.2.1:5060;branch=%s\r\n"
			"From: <sip:a@192.0.2.1>;tag=1\r\n"
			"To: <sip:b@192.0.2.10>;tag=2\r\n"
			"Call-ID: hash@192.0.2.1\r\nCSeq: 1 OPTIONS\r\n"
			"Content-Length: 0\r\n\r\n",
			br[i]);
		assert_int_equal(hash_calls, i == 2 ? 0 : 1);
		if (i != 2)
			assert_int_equal(hash_arg, i);
	}
	fk_advance(60000); /* Timer K */
	struct sip_stats s;

	sip_stack_stats(fk.st, &s);
	assert_int_equal(s.active_trans, 0);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctrans_hash_chain),
		cmocka_unit_test(ctrans_timer_a_b),
		cmocka_unit_test(ctrans_non2xx_ack),
		cmocka_unit_test(ctrans_timer_e_f),
		cmocka_unit_test(ctrans_timer_k),
		cmocka_unit_test(ctrans_timer_d_exact),
		cmocka_unit_test(ctrans_timer_m),
		cmocka_unit_test(ctrans_configured_timers),
		cmocka_unit_test(ctrans_reliable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
