/*
 * test_sip_reg.c: registration client (sip/reg.c) in virtual time:
 * refresh before expiry, digest answers (checked by the digest server of
 * digest_srv.c), no auth loops, backoff with a cap, Retry-After, 423,
 * un-REGISTER, bad parameters.
 */
#include "tests/unit/test_sip_inv.h"
#include <errno.h>

#define REALM "reg.test"

struct ev {
	unsigned n;
	enum sip_reg_state state[16];
	unsigned code[16];
	uint32_t expires[16];
	bool free_in_cb;
};
static struct ev ev;
static struct sip_digest_server srv;

static void reg_cb(void *arg, struct sip_reg *reg, enum sip_reg_state state,
		   unsigned code, uint32_t expires)
{
	(void)arg;
	if (ev.n < 16) {
		ev.state[ev.n] = state;
		ev.code[ev.n] = code;
		ev.expires[ev.n] = expires;
	}
	ev.n++;
	if (ev.free_in_cb)
		sip_reg_free(reg);
}

static const char *lookup(void *arg, const char *user)
{
	(void)arg;
	return strcmp(user, "alice") == 0 ? "secret" : NULL;
}

static struct sip_reg *start(const char *password, uint32_t retry_max)
{
	struct sip_reg *r = NULL;
	struct sip_reg_params p = {
		.name = "trunk t1",
		.registrar = "sip:192.0.2.10",
		.aor = "sip:alice@reg.test",
		.contact_user = "gw",
		.auth_user = password ? "alice" : NULL,
		.password = password,
		.dst = fk_peer(),
		.retry_max_s = retry_max,
	};
	memset(&ev, 0, sizeof(ev));
	fk_stack();
	uint8_t key[32] = { 9 };
	assert_int_equal(sip_digest_server_init(&srv, key, 32, 0, NULL, NULL),
			 0);
	assert_int_equal(sip_reg_alloc(fk.st, &p, reg_cb, NULL, &r), 0);
	assert_non_null(r);
	return r;
}

static void done(struct sip_reg *r)
{
	sip_reg_free(r);
	fk_advance(100000);
	fk_done();
}

/* A 401 for sent request i with a challenge from srv. */
static int challenge(unsigned i, bool stale)
{
	char c[512], x[600];
	assert_int_equal(sip_digest_server_challenge(&srv, fk.now, REALM,
						     SIP_DIGEST_SHA256, stale,
						     c, sizeof(c)),
			 0);
	snprintf(x, sizeof(x), "WWW-Authenticate: %s\r\n", c);
	return fk_answer(i, 401, "rt", x);
}

/* Verifies request i's Authorization with srv. */
static enum sip_digest_result verify(unsigned i)
{
	struct sip_msg m;
	assert_int_equal(
		sip_msg_parse(&m, fk.sent[i].buf, fk.sent[i].len, 65535), 0);
	return sip_digest_server_verify_msg(&srv, fk.now, &m, false, REALM,
					    lookup, NULL, NULL, 0);
}

static void hdr_is(unsigned i, const char *name, const char *want)
{
	char v[512];
	assert_true(fk_hdr(i, name, v, sizeof(v)));
	assert_string_equal(v, want);
}

static void reg_refresh(void **state)
{
	(void)state;
	struct sip_reg *r = start(NULL, 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERING);
	assert_true(fk_is(0, "REGISTER sip:192.0.2.10"));
	hdr_is(0, "Expires", "3600");
	hdr_is(0, "Contact", "<sip:gw@192.0.2.1:5060>");
	hdr_is(0, "CSeq", "1 REGISTER");
	hdr_is(0, "To", "<sip:alice@reg.test>");
	char cid[128];
	assert_true(fk_hdr(0, "Call-ID", cid, sizeof(cid)));
	assert_false(fk_hdr(0, "Authorization", cid + 64, 64));
	/* our binding among others: its expires parameter counts */
	assert_int_equal(fk_answer(0, 200, "rt",
				   "Contact: <sip:other@192.0.2.9>;expires=30, "
				   "<sip:gw@192.0.2.1:5060>;expires=600\r\n"
				   "Expires: 900\r\n"),
			 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERED);
	assert_int_equal(sip_reg_expires(r), 600);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.state[0], SIP_REG_REGISTERED);
	assert_int_equal(ev.code[0], 200);
	assert_int_equal(ev.expires[0], 600);
	/* refreshed a minute before the end, same Call-ID, next CSeq */
	fk_advance(539 * 1000);
	assert_int_equal(fk.nsent, 1);
	fk_advance(1000);
	assert_int_equal(fk.nsent, 2);
	assert_true(fk_is(1, "REGISTER"));
	hdr_is(1, "CSeq", "2 REGISTER");
	hdr_is(1, "Call-ID", cid);
	assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERED);
	/* no Contact expires: the Expires header; short: half of it */
	assert_int_equal(fk_answer(1, 200, "rt", "Expires: 60\r\n"), 0);
	assert_int_equal(sip_reg_expires(r), 60);
	fk_advance(29 * 1000);
	assert_int_equal(fk.nsent, 2);
	fk_advance(1000);
	assert_int_equal(fk.nsent, 3);
	/* neither: what we asked for */
	assert_int_equal(fk_answer(2, 200, "rt", NULL), 0);
	assert_int_equal(sip_reg_expires(r), 3600);
	done(r);
}

static void reg_auth(void **state)
{
	(void)state;
	struct sip_reg *r = start("secret", 0);
	assert_int_equal(challenge(0, false), 0);
	assert_int_equal(fk.nsent, 2);
	hdr_is(1, "CSeq", "2 REGISTER");
	assert_int_equal(verify(1), SIP_DIGEST_OK);
	assert_int_equal(ev.n, 0); /* no state change yet */
	assert_int_equal(fk_answer(1, 200, "rt", "Expires: 300\r\n"), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERED);
	/* the refresh answers the same challenge up front (nc 2) */
	fk_advance(240 * 1000);
	assert_int_equal(fk.nsent, 3);
	char a[1024];
	assert_true(fk_hdr(2, "Authorization", a, sizeof(a)));
	assert_non_null(strstr(a, "nc=00000002"));
	assert_int_equal(verify(2), SIP_DIGEST_OK);
	/* the nonce went stale: answered again with the new one */
	assert_int_equal(challenge(2, true), 0);
	assert_int_equal(fk.nsent, 4);
	assert_int_equal(verify(3), SIP_DIGEST_OK);
	assert_true(fk_hdr(3, "Authorization", a, sizeof(a)));
	assert_non_null(strstr(a, "nc=00000001"));
	/* a plain 401 after a pre-emptive answer: one more try */
	assert_int_equal(challenge(3, false), 0);
	assert_int_equal(fk.nsent, 5);
	assert_int_equal(fk_answer(4, 200, "rt", "Expires: 300\r\n"), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERED);
	done(r);
}

static void reg_wrong_password(void **state)
{
	(void)state;
	struct sip_reg *r = start("wrong", 100);
	assert_int_equal(challenge(0, false), 0);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(verify(1), SIP_DIGEST_DENIED);
	/* the second challenge is not answered: no loop */
	assert_int_equal(challenge(1, false), 0);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	assert_int_equal(ev.n, 1);
	assert_int_equal(ev.code[0], 401);
	/* backoff 30, 60, then the cap (100) */
	static const unsigned waits[] = { 30, 60, 100, 100 };
	for (unsigned k = 0; k < 4; k++) {
		unsigned before = fk.nsent;
		fk_advance((waits[k] - 1) * 1000);
		assert_int_equal(fk.nsent, before);
		fk_advance(1000);
		assert_int_equal(fk.nsent, before + 1);
		assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERING);
		assert_int_equal(fk_answer(before, 403, "rt", NULL), 0);
		assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	}
	/* success resets the backoff */
	fk_advance(100 * 1000);
	assert_int_equal(fk_answer(fk.nsent - 1, 200, "rt", NULL), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_REGISTERED);
	done(r);
}

static void reg_no_credentials(void **state)
{
	(void)state;
	struct sip_reg *r = start(NULL, 0);
	assert_int_equal(challenge(0, false), 0);
	assert_int_equal(fk.nsent, 1);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	assert_int_equal(ev.code[0], 401);
	done(r);
}

static void reg_retry_after_and_timeout(void **state)
{
	(void)state;
	struct sip_reg *r = start(NULL, 0);
	assert_int_equal(fk_answer(0, 503, "rt", "Retry-After: 120\r\n"), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	fk_advance(119 * 1000);
	assert_int_equal(fk.nsent, 1);
	fk_advance(1000);
	assert_int_equal(fk.nsent, 2);
	/* no answer at all: Timer F (64*T1), then the backoff (60 s) */
	unsigned before = fk.nsent;
	fk_advance(32 * 1000);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	assert_int_equal(ev.code[ev.n - 1], 408);
	assert_true(fk.nsent > before); /* retransmissions */
	before = fk.nsent;
	fk_advance(59 * 1000);
	assert_int_equal(fk.nsent, before);
	fk_advance(1000);
	assert_int_equal(fk.nsent, before + 1);
	done(r);
}

static void reg_interval_too_brief(void **state)
{
	(void)state;
	struct sip_reg *r = start(NULL, 0);
	assert_int_equal(fk_answer(0, 423, "rt", "Min-Expires: 7200\r\n"), 0);
	assert_int_equal(fk.nsent, 2);
	hdr_is(1, "Expires", "7200");
	/* only once per attempt */
	assert_int_equal(fk_answer(1, 423, "rt", "Min-Expires: 9000\r\n"), 0);
	assert_int_equal(fk.nsent, 2);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	done(r);
}

static void reg_unregister(void **state)
{
	(void)state;
	struct sip_reg *r = start("secret", 0);
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_int_equal(sip_reg_stop(r), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_UNREGISTERING);
	assert_int_equal(fk.nsent, 2);
	hdr_is(1, "Expires", "0");
	hdr_is(1, "Contact", "<sip:gw@192.0.2.1:5060>");
	/* the registrar wants credentials for the removal too */
	assert_int_equal(challenge(1, false), 0);
	assert_int_equal(fk.nsent, 3);
	hdr_is(2, "Expires", "0");
	assert_int_equal(verify(2), SIP_DIGEST_OK);
	ev.free_in_cb = true; /* the application frees it when told */
	assert_int_equal(fk_answer(2, 200, "rt", NULL), 0);
	assert_int_equal(ev.state[ev.n - 1], SIP_REG_UNREGISTERED);
	fk_advance(100000);
	fk_done();
}

static void reg_stop_idle(void **state)
{
	(void)state;
	struct sip_reg *r = start(NULL, 0);
	assert_int_equal(fk_answer(0, 500, "rt", NULL), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	/* nothing bound: stop sends nothing and stops the retry timer */
	assert_int_equal(sip_reg_stop(r), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_UNREGISTERED);
	assert_int_equal(sip_reg_stop(r), 0);
	fk_advance(3600 * 1000);
	assert_int_equal(fk.nsent, 1);
	done(r);
}

static void reg_stop_in_flight(void **state)
{
	(void)state;
	struct sip_reg *r = start(NULL, 0);
	/* REGISTER in flight: abandoned, then removed */
	assert_int_equal(sip_reg_stop(r), 0);
	assert_int_equal(fk.nsent, 2);
	hdr_is(1, "Expires", "0");
	hdr_is(1, "CSeq", "2 REGISTER");
	/* the late answer to the first one changes nothing */
	assert_int_equal(fk_answer(0, 200, "rt", NULL), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_UNREGISTERING);
	/* freed with the removal still pending */
	done(r);
}

static void reg_bad_params(void **state)
{
	(void)state;
	struct sip_reg *r = NULL;
	fk_stack();
	struct sip_reg_params p = { .registrar = "sip:192.0.2.10",
				    .aor = "sip:a@b",
				    .dst = fk_peer() };
	struct sip_reg_params q = p;
	q.registrar = "not a uri";
	assert_int_equal(sip_reg_alloc(fk.st, &q, NULL, NULL, &r), EINVAL);
	q = p;
	q.aor = NULL;
	assert_int_equal(sip_reg_alloc(fk.st, &q, NULL, NULL, &r), EINVAL);
	q = p;
	q.contact_user = "gw\r\nX: y";
	assert_int_equal(sip_reg_alloc(fk.st, &q, NULL, NULL, &r), EINVAL);
	assert_null(r);
	assert_int_equal(sip_reg_stop(NULL), EINVAL);
	sip_reg_free(NULL);
	assert_string_equal(sip_reg_state_name(SIP_REG_RETRY_WAIT),
			    "RETRY_WAIT");
	assert_string_equal(sip_reg_state_name(SIP_REG__COUNT), "?");
	/* no memory for the object, then none for the first REGISTER */
	fk_fail_nth(1);
	assert_int_equal(sip_reg_alloc(fk.st, &p, NULL, NULL, &r), ENOMEM);
	fk_fail_nth(2);
	assert_int_equal(sip_reg_alloc(fk.st, &p, reg_cb, NULL, &r), 0);
	assert_int_equal(sip_reg_state(r), SIP_REG_RETRY_WAIT);
	assert_int_equal(fk.nsent, 0);
	fk_advance(30 * 1000);
	assert_int_equal(fk.nsent, 1);
	sip_reg_free(r);
	fk_advance(100000);
	fk_done();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reg_refresh),
		cmocka_unit_test(reg_auth),
		cmocka_unit_test(reg_wrong_password),
		cmocka_unit_test(reg_no_credentials),
		cmocka_unit_test(reg_retry_after_and_timeout),
		cmocka_unit_test(reg_interval_too_brief),
		cmocka_unit_test(reg_unregister),
		cmocka_unit_test(reg_stop_idle),
		cmocka_unit_test(reg_stop_in_flight),
		cmocka_unit_test(reg_bad_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
