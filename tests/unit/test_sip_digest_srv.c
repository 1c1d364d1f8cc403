/*
 * test_sip_digest_srv.c: the digest server (sip/digest_srv.c): nonces
 * that expire and are bound to their realm and secret, replay detection
 * by nonce count, the digest-uri check, and a wrong user answered exactly
 * like a wrong password. Answers come from the client side (digest.c),
 * whose vectors test_sip_digest.c checks against RFC 7616.
 */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

#define REALM "gw.test"
#define RURI "sip:5551234@192.0.2.1"

static struct sip_digest_server srv;
static unsigned lookups;

static const char *lookup(void *arg, const char *user)
{
	(void)arg;
	lookups++;
	return strcmp(user, "alice") == 0 ? "wonderland" : NULL;
}

static int setup(void **state)
{
	static const uint8_t secret[32] = { 1, 2, 3 };
	(void)state;
	lookups = 0;
	return sip_digest_server_init(&srv, secret, sizeof(secret), 1000, NULL,
				      NULL);
}

/* A challenge issued at now, taken by a client. */
static void challenge(struct sip_digest_client *cl, uint64_t now,
		      enum sip_digest_alg alg)
{
	char buf[512];
	struct sip_digest_chal ch;
	assert_int_equal(sip_digest_server_challenge(&srv, now, REALM, alg,
						     false, buf, sizeof(buf)),
			 0);
	assert_int_equal(sip_digest_chal_parse(&ch, buf, strlen(buf)), 0);
	sip_digest_client_take(cl, &ch);
}

static enum sip_digest_result verify(uint64_t now, const char *authz,
				     const char *ruri)
{
	struct sip_pl r = { ruri, strlen(ruri) };
	return sip_digest_server_verify(&srv, now, authz, strlen(authz),
					"INVITE", &r, REALM, lookup, NULL, NULL,
					0);
}

static enum sip_digest_result answer_verify(struct sip_digest_client *cl,
					    uint64_t now, const char *user,
					    const char *pw)
{
	char buf[1024];
	assert_int_equal(sip_digest_client_answer(cl, user, pw, "INVITE", RURI,
						  buf, sizeof(buf)),
			 0);
	return verify(now, buf, RURI);
}

static void srv_challenge_format(void **state)
{
	char buf[512];
	struct sip_digest_chal ch;
	(void)state;
	assert_int_equal(sip_digest_server_challenge(&srv, 5, REALM,
						     SIP_DIGEST_SHA512_256,
						     true, buf, sizeof(buf)),
			 0);
	assert_int_equal(sip_digest_chal_parse(&ch, buf, strlen(buf)), 0);
	assert_int_equal(ch.alg, SIP_DIGEST_SHA512_256);
	assert_true(ch.qop_auth);
	assert_true(ch.stale);
	assert_string_equal(ch.realm, REALM);
	assert_int_equal(strlen(ch.nonce), 56);
	/* two nonces in the same millisecond differ */
	char buf2[512];
	assert_int_equal(sip_digest_server_challenge(&srv, 5, REALM,
						     SIP_DIGEST_SHA512_256,
						     true, buf2, sizeof(buf2)),
			 0);
	assert_string_not_equal(buf, buf2);
	assert_int_equal(srv.stats.challenges, 2);
	assert_int_equal(sip_digest_server_challenge(&srv, 5, REALM,
						     SIP_DIGEST_MD5, false, buf,
						     30),
			 ENOSPC);
	assert_int_equal(sip_digest_server_challenge(&srv, 5, "a\"b",
						     SIP_DIGEST_MD5, false, buf,
						     sizeof(buf)),
			 EINVAL);
}

static void srv_ok_each_alg(void **state)
{
	(void)state;
	for (int a = 0; a < SIP_DIGEST__COUNT; a++) {
		struct sip_digest_client cl = { 0 };
		char buf[1024], user[16];
		struct sip_pl r = { RURI, strlen(RURI) };
		challenge(&cl, 100, (enum sip_digest_alg)a);
		assert_int_equal(sip_digest_client_answer(
					 &cl, "alice", "wonderland", "INVITE",
					 RURI, buf, sizeof(buf)),
				 0);
		assert_int_equal(
			sip_digest_server_verify(&srv, 200, buf, strlen(buf),
						 "INVITE", &r, REALM, lookup,
						 NULL, user, sizeof(user)),
			SIP_DIGEST_OK);
		assert_string_equal(user, "alice");
		/* the method is part of the digest */
		assert_int_equal(sip_digest_server_verify(
					 &srv, 200, buf, strlen(buf), "BYE", &r,
					 REALM, lookup, NULL, NULL, 0),
				 SIP_DIGEST_DENIED);
	}
	assert_int_equal(srv.stats.ok, 3);
	assert_int_equal(srv.stats.denied, 3);
}

static void srv_user_or_password(void **state)
{
	struct sip_digest_client cl = { 0 };
	(void)state;
	challenge(&cl, 10, SIP_DIGEST_SHA256);
	assert_int_equal(answer_verify(&cl, 20, "alice", "wrong"),
			 SIP_DIGEST_DENIED);
	assert_int_equal(lookups, 1);
	assert_int_equal(answer_verify(&cl, 20, "mallory", "wonderland"),
			 SIP_DIGEST_DENIED);
	/* the unknown user was looked up and hashed all the same */
	assert_int_equal(lookups, 2);
	assert_int_equal(srv.stats.denied, 2);
	/* neither used up a nonce count: the right answer still passes */
	assert_int_equal(answer_verify(&cl, 20, "alice", "wonderland"),
			 SIP_DIGEST_OK);
	/* a wrong password on an expired nonce is denied, not stale */
	assert_int_equal(answer_verify(&cl, 2000, "alice", "wrong"),
			 SIP_DIGEST_DENIED);
}

static void srv_replay(void **state)
{
	struct sip_digest_client cl = { 0 };
	char buf[1024];
	(void)state;
	challenge(&cl, 10, SIP_DIGEST_MD5);
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", RURI, buf,
						  sizeof(buf)),
			 0);
	assert_int_equal(verify(20, buf, RURI), SIP_DIGEST_OK);
	assert_int_equal(verify(21, buf, RURI), SIP_DIGEST_STALE);
	assert_int_equal(srv.stats.replayed, 1);
	/* counts may arrive out of order inside the window, once each */
	char a3[1024], a4[1024];
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", RURI, buf,
						  sizeof(buf)),
			 0); /* nc 2 */
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", RURI, a3,
						  sizeof(a3)),
			 0);
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", RURI, a4,
						  sizeof(a4)),
			 0);
	assert_int_equal(verify(22, a4, RURI), SIP_DIGEST_OK);
	assert_int_equal(verify(22, buf, RURI), SIP_DIGEST_OK);
	assert_int_equal(verify(22, a3, RURI), SIP_DIGEST_OK);
	assert_int_equal(verify(22, buf, RURI), SIP_DIGEST_STALE);
	assert_int_equal(verify(22, a3, RURI), SIP_DIGEST_STALE);
	/* far below the highest count: refused */
	cl.nc = 200;
	assert_int_equal(answer_verify(&cl, 23, "alice", "wonderland"),
			 SIP_DIGEST_OK); /* 201 */
	cl.nc = 100;
	assert_int_equal(answer_verify(&cl, 23, "alice", "wonderland"),
			 SIP_DIGEST_STALE); /* 101: out of the window */
}

static void srv_expiry(void **state)
{
	struct sip_digest_client cl = { 0 };
	(void)state;
	challenge(&cl, 10, SIP_DIGEST_SHA256);
	assert_int_equal(answer_verify(&cl, 1010, "alice", "wonderland"),
			 SIP_DIGEST_OK); /* at the TTL */
	assert_int_equal(answer_verify(&cl, 1011, "alice", "wonderland"),
			 SIP_DIGEST_STALE);
	assert_int_equal(srv.stats.stale, 1);
	/* a nonce from the future (clock went back) is not accepted */
	challenge(&cl, 5000, SIP_DIGEST_SHA256);
	assert_int_equal(answer_verify(&cl, 4000, "alice", "wonderland"),
			 SIP_DIGEST_STALE);
}

static void srv_nonce_binding(void **state)
{
	struct sip_digest_client cl = { 0 };
	char buf[512];
	struct sip_digest_chal ch;
	(void)state;
	/* a nonce made for another realm, answered for ours */
	assert_int_equal(sip_digest_server_challenge(&srv, 10, "other",
						     SIP_DIGEST_MD5, false, buf,
						     sizeof(buf)),
			 0);
	assert_int_equal(sip_digest_chal_parse(&ch, buf, strlen(buf)), 0);
	strcpy(ch.realm, REALM);
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(answer_verify(&cl, 20, "alice", "wonderland"),
			 SIP_DIGEST_DENIED);
	/* a nonce with one digit changed */
	challenge(&cl, 10, SIP_DIGEST_MD5);
	cl.ch.nonce[3] = cl.ch.nonce[3] == '0' ? '1' : '0';
	assert_int_equal(answer_verify(&cl, 20, "alice", "wonderland"),
			 SIP_DIGEST_DENIED);
	/* a nonce of another server (secret) */
	struct sip_digest_server other;
	assert_int_equal(sip_digest_server_init(&other, NULL, 0, 0, NULL, NULL),
			 0);
	assert_int_equal(other.ttl_ms, 300000);
	assert_int_equal(sip_digest_server_challenge(&other, 10, REALM,
						     SIP_DIGEST_MD5, false, buf,
						     sizeof(buf)),
			 0);
	assert_int_equal(sip_digest_chal_parse(&ch, buf, strlen(buf)), 0);
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(answer_verify(&cl, 20, "alice", "wonderland"),
			 SIP_DIGEST_DENIED);
	/* a nonce that is not hex or has the wrong length */
	strcpy(cl.ch.nonce, "zz");
	assert_int_equal(answer_verify(&cl, 20, "alice", "wonderland"),
			 SIP_DIGEST_DENIED);
}

static void srv_uri_must_match(void **state)
{
	struct sip_digest_client cl = { 0 };
	char buf[1024];
	(void)state;
	challenge(&cl, 10, SIP_DIGEST_SHA256);
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", "sip:other@h", buf,
						  sizeof(buf)),
			 0);
	assert_int_equal(verify(20, buf, RURI), SIP_DIGEST_BAD);
	assert_int_equal(verify(20, buf, "sip:other@h"), SIP_DIGEST_OK);
	assert_int_equal(srv.stats.bad, 1);
}

static void srv_legacy_md5(void **state)
{
	struct sip_digest_chal ch;
	char buf[1024];
	(void)state;
	/* an RFC 2069 style answer to our nonce: usable once */
	challenge(&(struct sip_digest_client){ 0 }, 0, SIP_DIGEST_MD5);
	struct sip_digest_client cl = { 0 };
	challenge(&cl, 10, SIP_DIGEST_MD5);
	ch = cl.ch;
	ch.qop_auth = false;
	assert_int_equal(sip_digest_answer(&ch, "alice", "wonderland", "INVITE",
					   RURI, 0, NULL, buf, sizeof(buf)),
			 0);
	assert_int_equal(verify(20, buf, RURI), SIP_DIGEST_OK);
	assert_int_equal(verify(20, buf, RURI), SIP_DIGEST_STALE);
	/* no qop with SHA-256 does not exist */
	challenge(&cl, 10, SIP_DIGEST_SHA256);
	ch = cl.ch;
	ch.qop_auth = false;
	assert_int_equal(sip_digest_answer(&ch, "alice", "wonderland", "INVITE",
					   RURI, 0, NULL, buf, sizeof(buf)),
			 0);
	assert_int_equal(verify(20, buf, RURI), SIP_DIGEST_BAD);
}

static void srv_bad_input(void **state)
{
	struct sip_digest_client cl = { 0 };
	char good[1024], buf[1200];
	(void)state;
	challenge(&cl, 10, SIP_DIGEST_MD5);
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", RURI, good,
						  sizeof(good)),
			 0);
	static const struct {
		const char *from, *to;
		enum sip_digest_result r;
	} edits[] = {
		{ "qop=auth", "qop=auth-int", SIP_DIGEST_BAD },
		{ "nc=00000001", "nc=00000000", SIP_DIGEST_BAD },
		{ "nc=00000001", "nc=0000001g", SIP_DIGEST_BAD },
		{ "nc=00000001", "nc=1", SIP_DIGEST_BAD },
		{ "algorithm=MD5", "algorithm=MD5-sess", SIP_DIGEST_BAD },
		{ "username=", "username*=", SIP_DIGEST_BAD },
		{ "response=", "rsp=", SIP_DIGEST_BAD },
		{ "cnonce=", "xnonce=", SIP_DIGEST_BAD },
		{ "uri=", "url=", SIP_DIGEST_BAD },
		{ ", realm", " realm", SIP_DIGEST_BAD },
		{ "realm=\"" REALM, "realm=\"x" REALM, SIP_DIGEST_NONE },
		{ "Digest ", "Basic ", SIP_DIGEST_NONE },
		{ "response=\"", "response=\"0", SIP_DIGEST_DENIED },
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		const char *at = strstr(good, edits[i].from);
		assert_non_null(at);
		snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(at - good), good,
			 edits[i].to, at + strlen(edits[i].from));
		assert_int_equal(verify(20, buf, RURI), edits[i].r);
	}
	/* userhash is not supported */
	snprintf(buf, sizeof(buf), "%s, userhash=true", good);
	assert_int_equal(verify(20, buf, RURI), SIP_DIGEST_BAD);
	assert_int_equal(verify(20, "", RURI), SIP_DIGEST_BAD);
	assert_int_equal(verify(20, "Digest username=\"a", RURI),
			 SIP_DIGEST_BAD);
	/* upper-case hex is the same response; the good one still works */
	char *r = strstr(good, "response=\"") + 10;
	for (int i = 0; i < 32; i++)
		if (r[i] >= 'a' && r[i] <= 'f')
			r[i] = (char)(r[i] - 32);
	assert_int_equal(verify(20, good, RURI), SIP_DIGEST_OK);
	assert_string_equal(sip_digest_result_name(SIP_DIGEST_DENIED),
			    "denied");
	assert_string_equal(sip_digest_result_name(SIP_DIGEST__RESULTS), "?");
}

static void srv_table_full(void **state)
{
	struct sip_digest_client first = { 0 }, cl = { 0 };
	(void)state;
	srv.ttl_ms = 100000;
	challenge(&first, 1, SIP_DIGEST_MD5);
	assert_int_equal(answer_verify(&first, 2, "alice", "wonderland"),
			 SIP_DIGEST_OK);
	/* fill the table with younger nonces: the first one is evicted */
	for (unsigned i = 0; i < SIP_DIGEST_NC_SLOTS; i++) {
		challenge(&cl, 10 + i, SIP_DIGEST_MD5);
		assert_int_equal(
			answer_verify(&cl, 10 + i, "alice", "wonderland"),
			SIP_DIGEST_OK);
	}
	assert_int_equal(srv.floor, 1);
	/* a fresh count on the evicted nonce is stale, not accepted */
	assert_int_equal(answer_verify(&first, 400, "alice", "wonderland"),
			 SIP_DIGEST_STALE);
	/* the youngest is still tracked and counts on */
	assert_int_equal(answer_verify(&cl, 400, "alice", "wonderland"),
			 SIP_DIGEST_OK);
	/* expired entries make room without moving the floor */
	challenge(&cl, 300000, SIP_DIGEST_MD5);
	assert_int_equal(answer_verify(&cl, 300000, "alice", "wonderland"),
			 SIP_DIGEST_OK);
	assert_int_equal(srv.floor, 1);
}

static int parse_req(struct sip_msg *m, const char *s)
{
	return sip_msg_parse(m, s, strlen(s), 65535);
}

static void srv_verify_msg(void **state)
{
	struct sip_digest_client cl = { 0 };
	char authz[1024], msg[2048], user[16];
	struct sip_msg m;
	(void)state;
	challenge(&cl, 10, SIP_DIGEST_SHA256);
	assert_int_equal(sip_digest_client_answer(&cl, "alice", "wonderland",
						  "INVITE", RURI, authz,
						  sizeof(authz)),
			 0);
	snprintf(msg, sizeof(msg),
		 "INVITE " RURI " SIP/2.0\r\n"
		 "Via: SIP/2.0/UDP 192.0.2.2;branch=z9hG4bKx\r\n"
		 "From: <sip:alice@h>;tag=1\r\nTo: <" RURI ">\r\n"
		 "Call-ID: c1\r\nCSeq: 2 INVITE\r\n"
		 "Authorization: Digest username=\"bob\", realm=\"elsewhere\", "
		 "nonce=\"n\", uri=\"" RURI "\", response=\"00\"\r\n"
		 "Authorization: %s\r\n"
		 "Content-Length: 0\r\n\r\n",
		 authz);
	assert_int_equal(parse_req(&m, msg), 0);
	/* a proxy looks at Proxy-Authorization only */
	assert_int_equal(sip_digest_server_verify_msg(&srv, 20, &m, true, REALM,
						      lookup, NULL, NULL, 0),
			 SIP_DIGEST_NONE);
	assert_int_equal(sip_digest_server_verify_msg(&srv, 20, &m, false,
						      REALM, lookup, NULL, user,
						      sizeof(user)),
			 SIP_DIGEST_OK);
	assert_string_equal(user, "alice");
	/* the same request again: a replay */
	assert_int_equal(sip_digest_server_verify_msg(&srv, 20, &m, false,
						      REALM, lookup, NULL, user,
						      sizeof(user)),
			 SIP_DIGEST_STALE);
	assert_int_equal(sip_digest_server_verify_msg(&srv, 20, NULL, false,
						      REALM, lookup, NULL, NULL,
						      0),
			 SIP_DIGEST_BAD);
}

static int rand_fail(void *arg, uint8_t *buf, size_t n)
{
	(void)arg;
	(void)buf;
	(void)n;
	return EIO;
}

static void srv_init(void **state)
{
	struct sip_digest_server s;
	uint8_t k[32] = { 0 };
	(void)state;
	assert_int_equal(sip_digest_server_init(&s, k, 16, 0, NULL, NULL),
			 EINVAL);
	assert_int_equal(sip_digest_server_init(NULL, k, 32, 0, NULL, NULL),
			 EINVAL);
	assert_int_equal(
		sip_digest_server_init(&s, NULL, 0, 0, rand_fail, NULL), EIO);
	assert_int_equal(sip_digest_server_init(&s, k, 32, 7, NULL, NULL), 0);
	assert_int_equal(s.ttl_ms, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(srv_challenge_format, setup),
		cmocka_unit_test_setup(srv_ok_each_alg, setup),
		cmocka_unit_test_setup(srv_user_or_password, setup),
		cmocka_unit_test_setup(srv_replay, setup),
		cmocka_unit_test_setup(srv_expiry, setup),
		cmocka_unit_test_setup(srv_nonce_binding, setup),
		cmocka_unit_test_setup(srv_uri_must_match, setup),
		cmocka_unit_test_setup(srv_legacy_md5, setup),
		cmocka_unit_test_setup(srv_bad_input, setup),
		cmocka_unit_test_setup(srv_table_full, setup),
		cmocka_unit_test_setup(srv_verify_msg, setup),
		cmocka_unit_test(srv_init),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
