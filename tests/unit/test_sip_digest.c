/*
 * test_sip_digest.c: auth-param lexer, hashes, challenge parsing and the
 * client's answers (sip/digest.c).
 *
 * Expected responses: the MD5 and SHA-256 values are RFC 7616 3.9.1's,
 * the MD5 qop and no-qop values RFC 2617 3.5's; the SHA-512-256 values
 * and the SIP REGISTER vectors were computed independently with the
 * openssl command line, e.g. for RFC 7616's inputs:
 *   h(){ printf '%s' "$2" | openssl dgst -$1 -r | cut -d' ' -f1; }
 *   HA1=$(h sha512-256 "Mufasa:http-auth@example.org:Circle of Life")
 *   HA2=$(h sha512-256 "GET:/dir/index.html")
 *   h sha512-256 "$HA1:$NONCE:00000001:$CNONCE:auth:$HA2"
 */
#include "tests/unit/test_sip_fake.h"
#include "sip/sip_int.h"
#include <errno.h>

#define R7616_NONCE "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
#define R7616_OPAQUE "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"
#define R7616_CNONCE "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
#define R7616_CHAL(alg)                                       \
	"Digest\r\n realm=\"http-auth@example.org\",\r\n"     \
	" qop=\"auth, auth-int\",\r\n algorithm=" alg ",\r\n" \
	" nonce=\"" R7616_NONCE "\",\r\n opaque=\"" R7616_OPAQUE "\""

static int chal(struct sip_digest_chal *ch, const char *s)
{
	return sip_digest_chal_parse(ch, s, strlen(s));
}

/* The value of directive name in an answer, as written (quotes kept). */
static bool has(const char *answer, const char *directive)
{
	return strstr(answer, directive) != NULL;
}

/* ---- auth-param lexer ---- */

static void digest_params(void **state)
{
	const char *s = " ,Digest a=b , c = \"x\\\"y\",d=\"\" ,, Basic "
			"realm=\"r\"";
	const char *p = s, *e = s + strlen(s);
	struct sip_digest_param par[4];
	struct sip_pl scheme;
	unsigned n;
	char buf[8];
	(void)state;
	assert_int_equal(sip_digest_params_parse(&p, e, &scheme, par, 4, &n),
			 0);
	assert_true(sip_pl_eq(&scheme, "Digest"));
	assert_int_equal(n, 3);
	assert_true(sip_pl_eq(&par[0].name, "a"));
	assert_true(sip_pl_eq(&par[0].val, "b"));
	assert_false(par[0].quoted);
	assert_true(par[1].quoted);
	assert_int_equal(sip_digest_param_unq(&par[1], buf, sizeof(buf)), 0);
	assert_string_equal(buf, "x\"y");
	assert_int_equal(sip_digest_param_unq(&par[1], buf, 3), ENAMETOOLONG);
	assert_string_equal(buf, "");
	assert_int_equal(par[2].val.l, 0);
	assert_ptr_equal(sip_digest_param_find(par, n, "C"), &par[1]);
	assert_null(sip_digest_param_find(par, n, "zz"));
	/* the next challenge */
	assert_int_equal(sip_digest_params_parse(&p, e, &scheme, par, 4, &n),
			 0);
	assert_true(sip_pl_eq(&scheme, "Basic"));
	assert_int_equal(n, 1);
	assert_ptr_equal(p, e);
	assert_int_equal(sip_digest_params_parse(&p, e, &scheme, par, 4, &n),
			 ENOENT);
}

static void digest_params_bad(void **state)
{
	static const char *const bad[] = {
		"Digest a=\"unterminated",
		"Digest a=\"x\\",
		"Digest a=",
		"Digest a=b c=d",  /* no comma */
		"Digest a=b, a=c", /* duplicate directive */
		"Digest A=b, a=c", /* directives ignore case */
		"Digest a=b, =c",  /* empty name */
		"Digest a=<b>",	   /* not a token */
		"Digest foo",	   /* scheme, then a bare token */
		"\"Digest\" a=b",  /* scheme not a token */
		"Digest;a=b",	   /* junk after the scheme */
	};
	struct sip_digest_param par[4];
	struct sip_pl scheme;
	unsigned n;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = bad[i];
		assert_int_equal(sip_digest_params_parse(&p, p + strlen(p),
							 &scheme, par, 4, &n),
				 EBADMSG);
	}
	const char *p = "Digest a=1, b=2, c=3";
	assert_int_equal(
		sip_digest_params_parse(&p, p + strlen(p), &scheme, par, 2, &n),
		E2BIG);
}

/* ---- hashes ---- */

static void digest_hashes(void **state)
{
	char hex[SIP_DIGEST_HEX_MAX + 1];
	const char *abc[] = { "abc" };
	const char *split[] = { "a", "c" };
	(void)state;
	assert_int_equal(sip_digest_hash(SIP_DIGEST_MD5, abc, 1, hex), 0);
	assert_string_equal(hex, "900150983cd24fb0d6963f7d28e17f72");
	assert_int_equal(sip_digest_hash(SIP_DIGEST_SHA256, abc, 1, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
				 "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(sip_digest_hash(SIP_DIGEST_SHA512_256, abc, 1, hex),
			 0);
	assert_string_equal(hex, "53048e2681941ef99b2e29b76b4c7dab"
				 "e4c2d0c634fc6d46e0e2f13107e7af23");
	/* parts are joined with ':' */
	assert_int_equal(sip_digest_hash(SIP_DIGEST_MD5, split, 2, hex), 0);
	const char *joined[] = { "a:c" };
	char hex2[SIP_DIGEST_HEX_MAX + 1];
	assert_int_equal(sip_digest_hash(SIP_DIGEST_MD5, joined, 1, hex2), 0);
	assert_string_equal(hex, hex2);
	assert_int_equal(sip_digest_hash(SIP_DIGEST__COUNT, abc, 1, hex),
			 EINVAL);
}

static void digest_alg_names(void **state)
{
	enum sip_digest_alg a;
	(void)state;
	assert_string_equal(sip_digest_alg_name(SIP_DIGEST_SHA512_256),
			    "SHA-512-256");
	assert_string_equal(sip_digest_alg_name(SIP_DIGEST__COUNT), "?");
	assert_int_equal(sip_digest_alg_parse("sha-256", 7, &a), 0);
	assert_int_equal(a, SIP_DIGEST_SHA256);
	assert_int_equal(sip_digest_alg_parse("MD5", 3, &a), 0);
	assert_int_equal(a, SIP_DIGEST_MD5);
	assert_int_equal(sip_digest_alg_parse("MD5-sess", 8, &a), EINVAL);
	assert_int_equal(sip_digest_alg_parse("SHA-256", 6, &a), EINVAL);
}

/* ---- challenges ---- */

static void digest_chal_rfc7616(void **state)
{
	struct sip_digest_chal ch;
	(void)state;
	assert_int_equal(chal(&ch, R7616_CHAL("SHA-256")), 0);
	assert_int_equal(ch.alg, SIP_DIGEST_SHA256);
	assert_string_equal(ch.realm, "http-auth@example.org");
	assert_string_equal(ch.nonce, R7616_NONCE);
	assert_string_equal(ch.opaque, R7616_OPAQUE);
	assert_true(ch.qop_auth);
	assert_false(ch.stale);
	assert_false(ch.proxy);
	assert_int_equal(chal(&ch, "digest realm=r, nonce=n, stale=TRUE"), 0);
	assert_int_equal(ch.alg, SIP_DIGEST_MD5); /* absent: MD5 */
	assert_false(ch.qop_auth);		  /* legacy form */
	assert_true(ch.stale);
	assert_string_equal(ch.opaque, "");
}

static void digest_chal_bad(void **state)
{
	struct sip_digest_chal ch;
	char big[600];
	(void)state;
	memset(&ch, 0x5a, sizeof(ch));
	assert_int_equal(chal(&ch, "Basic realm=\"r\""), ENOTSUP);
	assert_int_equal(ch.realm[0], 0x5a); /* untouched on error */
	assert_int_equal(chal(&ch,
			      "Digest realm=r, nonce=n, algorithm=MD5-sess, "
			      "qop=auth"),
			 ENOTSUP);
	assert_int_equal(chal(&ch, "Digest realm=r, nonce=n, qop=\"auth-int\""),
			 ENOTSUP);
	assert_int_equal(chal(&ch, "Digest realm=r"), EBADMSG);
	assert_int_equal(chal(&ch, "Digest nonce=n"), EBADMSG);
	assert_int_equal(chal(&ch, "Digest realm=r, nonce=\"\""), EBADMSG);
	assert_int_equal(chal(&ch, "Digest realm=r, nonce=n, qop=\"auth;x\""),
			 EBADMSG);
	assert_int_equal(chal(&ch, ""), EBADMSG);
	assert_int_equal(chal(&ch, "Digest"), EBADMSG);
	snprintf(big, sizeof(big), "Digest realm=r, nonce=\"%0400d\"", 7);
	assert_int_equal(chal(&ch, big), ENAMETOOLONG);
	assert_int_equal(sip_digest_chal_parse(NULL, "x", 1), EINVAL);
}

static int parse_resp(struct sip_msg *m, const char *s)
{
	return sip_msg_parse(m, s, strlen(s), 65535);
}

#define RESP_HEAD(code)                                    \
	"SIP/2.0 " code " X\r\n"                           \
	"Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx\r\n"   \
	"From: <sip:a@b>;tag=1\r\nTo: <sip:a@b>;tag=2\r\n" \
	"Call-ID: c1\r\nCSeq: 1 REGISTER\r\n"

/* One challenge per header line: RFC 3261 25.1 (the parser refuses a
 * list in one WWW-Authenticate, unlike HTTP). */
static void digest_chal_pick(void **state)
{
	struct sip_msg m;
	struct sip_digest_chal ch;
	(void)state;
	/* the strongest of several; another scheme skipped */
	assert_int_equal(
		parse_resp(
			&m,
			RESP_HEAD(
				"401") "WWW-Authenticate: Digest realm=\"r\", nonce=\"n1\", "
				       "qop=\"auth\", algorithm=MD5\r\n"
				       "WWW-Authenticate: Basic realm=\"r\"\r\n"
				       "WWW-Authenticate: Digest realm=\"r\", nonce=\"n3\", "
				       "qop=\"auth\", algorithm=SHA-512-256\r\n"
				       "WWW-Authenticate: Digest realm=\"r\", nonce=\"n2\", "
				       "qop=auth, algorithm=SHA-256\r\n"
				       "Proxy-Authenticate: Digest realm=\"p\", nonce=\"px\"\r\n"
				       "Content-Length: 0\r\n\r\n"),
		0);
	assert_int_equal(sip_digest_chal_pick(&ch, &m), 0);
	assert_int_equal(ch.alg, SIP_DIGEST_SHA512_256);
	assert_string_equal(ch.nonce, "n3");
	assert_false(ch.proxy);
	assert_string_equal(sip_digest_answer_hdr(&ch), "Authorization");

	assert_int_equal(
		parse_resp(
			&m,
			RESP_HEAD(
				"407") "Proxy-Authenticate: Digest realm=\"p\", nonce=\"px\"\r\n"
				       "Content-Length: 0\r\n\r\n"),
		0);
	assert_int_equal(sip_digest_chal_pick(&ch, &m), 0);
	assert_true(ch.proxy);
	assert_string_equal(ch.realm, "p");
	assert_string_equal(sip_digest_answer_hdr(&ch), "Proxy-Authorization");

	/* nothing usable: unknown algorithm, no nonce, wrong code */
	assert_int_equal(
		parse_resp(
			&m,
			RESP_HEAD(
				"401") "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\", "
				       "algorithm=SHA3\r\n"
				       "WWW-Authenticate: Digest realm=\"r\"\r\n"
				       "Content-Length: 0\r\n\r\n"),
		0);
	assert_int_equal(sip_digest_chal_pick(&ch, &m), ENOENT);
	assert_int_equal(
		parse_resp(&m, RESP_HEAD("403") "Content-Length: 0\r\n\r\n"),
		0);
	assert_int_equal(sip_digest_chal_pick(&ch, &m), ENOENT);
}

/* ---- answers ---- */

static void answer_vector(const char *alg, const char *resp)
{
	struct sip_digest_chal ch;
	char buf[1024], want[128];
	assert_int_equal(chal(&ch, R7616_CHAL("MD5")), 0);
	assert_int_equal(sip_digest_alg_parse(alg, strlen(alg), &ch.alg), 0);
	assert_int_equal(sip_digest_answer(&ch, "Mufasa", "Circle of Life",
					   "GET", "/dir/index.html", 1,
					   R7616_CNONCE, buf, sizeof(buf)),
			 0);
	snprintf(want, sizeof(want), "response=\"%s\"", resp);
	assert_true(has(buf, want));
	assert_true(has(buf, "username=\"Mufasa\""));
	assert_true(has(buf, "uri=\"/dir/index.html\""));
	assert_true(has(buf, "nc=00000001"));
	assert_true(has(buf, "qop=auth"));
	assert_true(has(buf, "cnonce=\"" R7616_CNONCE "\""));
	assert_true(has(buf, "opaque=\"" R7616_OPAQUE "\""));
	snprintf(want, sizeof(want), "algorithm=%s", alg);
	assert_true(has(buf, want));
	assert_int_equal(strncmp(buf, "Digest ", 7), 0);
}

static void digest_rfc7616_vectors(void **state)
{
	(void)state;
	answer_vector("MD5", "8ca523f5e9506fed4657c9700eebdbec");
	answer_vector("SHA-256", "753927fa0e85d155564e2e272a28d180"
				 "2ca10daf4496794697cf8db5856cb6c1");
	answer_vector("SHA-512-256", "430d05014cecc49cab6fbe03176d41a1"
				     "da86cbfe24a16580e22aaad928d960d0");
}

static void digest_rfc2617_vectors(void **state)
{
	struct sip_digest_chal ch;
	char buf[1024];
	(void)state;
	assert_int_equal(chal(&ch,
			      "Digest realm=\"testrealm@host.com\", "
			      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\","
			      " qop=\"auth,auth-int\""),
			 0);
	assert_int_equal(sip_digest_answer(&ch, "Mufasa", "Circle Of Life",
					   "GET", "/dir/index.html", 1,
					   "0a4f113b", buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "response=\"6629fae49393a05397450978507c4ef1\""));
	/* the same challenge without qop: the legacy form, no nc/cnonce */
	assert_int_equal(chal(&ch,
			      "Digest realm=\"testrealm@host.com\", "
			      "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\""),
			 0);
	assert_int_equal(sip_digest_answer(&ch, "Mufasa", "Circle Of Life",
					   "GET", "/dir/index.html", 0, NULL,
					   buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "response=\"670fd8c2df070c60b045671b8b24ff02\""));
	assert_false(has(buf, "nc="));
	assert_false(has(buf, "cnonce="));
	assert_false(has(buf, "qop="));
	assert_false(has(buf, "opaque="));
}

static void digest_sip_vectors(void **state)
{
	static const struct {
		const char *alg, *resp;
	} v[] = {
		{ "MD5", "14443d4e070b203bc9705b5dcdf8d87c" },
		{ "SHA-256", "b3652de01ccbd792353b36e0748c7d9b"
			     "b4c9f0ea59a5f5bf4412a29de8994302" },
		{ "SHA-512-256", "05faeb47a9d8a065d03aa74beee1136d"
				 "08512bdedd197c9ced60e007b35fab0f" },
	};
	struct sip_digest_chal ch;
	char buf[1024], want[128];
	(void)state;
	for (size_t i = 0; i < 3; i++) {
		char c[128];
		snprintf(c, sizeof(c),
			 "Digest realm=\"pstngw.test\", nonce=\"abc\", "
			 "qop=\"auth\", algorithm=%s",
			 v[i].alg);
		assert_int_equal(chal(&ch, c), 0);
		/* a quote in the password needs no escaping: it is hashed */
		assert_int_equal(sip_digest_answer(&ch, "alice", "s3cr\"et",
						   "REGISTER",
						   "sip:pstngw.test", 2,
						   "c0ffee", buf, sizeof(buf)),
				 0);
		snprintf(want, sizeof(want), "response=\"%s\"", v[i].resp);
		assert_true(has(buf, want));
		assert_true(has(buf, "nc=00000002"));
	}
}

/* kamailio 5.6 with modparam("auth", "algorithm", "SHA-256") challenges
 * without qop: the legacy form with SHA-256 (value: openssl, see top). */
static void digest_sha256_no_qop(void **state)
{
	struct sip_digest_chal ch;
	char buf[1024];
	(void)state;
	assert_int_equal(chal(&ch,
			      "Digest realm=\"pstngw.test\", "
			      "nonce=\"awbT+WsG0s0Cg3usV97lC7k7rTjC4p69\", "
			      "algorithm=SHA-256"),
			 0);
	assert_int_equal(ch.alg, SIP_DIGEST_SHA256);
	assert_false(ch.qop_auth);
	assert_int_equal(sip_digest_answer(&ch, "gw", "gwpass", "REGISTER",
					   "sip:pstngw.test", 0, NULL, buf,
					   sizeof(buf)),
			 0);
	assert_true(has(buf, "response=\"77a561cc4fb678081aedfcbd364b1f49"
			     "7991e70e7786343702f54095461dd436\""));
	assert_false(has(buf, "qop="));
}

static void digest_answer_escapes_and_limits(void **state)
{
	struct sip_digest_chal ch;
	char buf[1024];
	(void)state;
	assert_int_equal(
		chal(&ch, "Digest realm=\"a\\\"b\", nonce=n, qop=auth"), 0);
	assert_string_equal(ch.realm, "a\"b");
	assert_int_equal(sip_digest_answer(&ch, "x\\y", "p", "INVITE",
					   "sip:1@h", 1, "cn", buf,
					   sizeof(buf)),
			 0);
	assert_true(has(buf, "username=\"x\\\\y\""));
	assert_true(has(buf, "realm=\"a\\\"b\""));
	/* the answer parses back with the same values */
	struct sip_digest_param par[SIP_DIGEST_PARAMS_MAX];
	struct sip_pl scheme;
	unsigned n;
	char v[64];
	const char *p = buf;
	assert_int_equal(sip_digest_params_parse(&p, buf + strlen(buf), &scheme,
						 par, SIP_DIGEST_PARAMS_MAX,
						 &n),
			 0);
	assert_int_equal(
		sip_digest_param_unq(sip_digest_param_find(par, n, "username"),
				     v, sizeof(v)),
		0);
	assert_string_equal(v, "x\\y");
	assert_int_equal(sip_digest_answer(&ch, "u", "p", "INVITE", "sip:1@h",
					   1, "cn", buf, 40),
			 ENOSPC);
	/* qop needs a cnonce and nc */
	assert_int_equal(sip_digest_answer(&ch, "u", "p", "INVITE", "sip:1@h",
					   1, NULL, buf, sizeof(buf)),
			 EINVAL);
	assert_int_equal(sip_digest_answer(&ch, "u", "p", "INVITE", "sip:1@h",
					   0, "cn", buf, sizeof(buf)),
			 EINVAL);
}

/* ---- client state ---- */

static int fixed_rand(void *arg, uint8_t *buf, size_t n)
{
	unsigned *calls = arg;
	(*calls)++;
	memset(buf, 0xab, n);
	return 0;
}

static int failing_rand(void *arg, uint8_t *buf, size_t n)
{
	(void)arg;
	(void)buf;
	(void)n;
	return EIO;
}

static void digest_client_nc(void **state)
{
	struct sip_digest_client cl = { 0 };
	struct sip_digest_chal ch;
	unsigned calls = 0;
	char buf[1024];
	(void)state;
	cl.rand = fixed_rand;
	cl.rand_arg = &calls;
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "REGISTER",
						  "sip:h", buf, sizeof(buf)),
			 EINVAL); /* no challenge yet */
	assert_int_equal(chal(&ch, "Digest realm=r, nonce=n1, qop=auth"), 0);
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "REGISTER",
						  "sip:h", buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "nc=00000001"));
	assert_true(has(buf, "cnonce=\"abababababababababababababababab\""));
	assert_int_equal(calls, 1);
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "nc=00000002"));
	/* the same nonce again (stale=false re-challenge) keeps counting */
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "nc=00000003"));
	/* a new nonce (stale=true) restarts at 1 */
	assert_int_equal(chal(&ch, "Digest realm=r, nonce=n2, qop=auth, "
				   "stale=true"),
			 0);
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "nc=00000001"));
	assert_true(has(buf, "nonce=\"n2\""));
	/* a failing random source fails the answer and counts nothing */
	cl.rand = failing_rand;
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, sizeof(buf)),
			 EIO);
	cl.rand = fixed_rand;
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, sizeof(buf)),
			 0);
	assert_true(has(buf, "nc=00000002"));
	/* no room: the count does not move either */
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, 20),
			 ENOSPC);
	assert_int_equal(cl.nc, 2);
	cl.nc = UINT32_MAX;
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", buf, sizeof(buf)),
			 EOVERFLOW);
}

static void digest_client_openssl_rand(void **state)
{
	struct sip_digest_client cl = { 0 };
	struct sip_digest_chal ch;
	char a[1024], b[1024];
	(void)state;
	assert_int_equal(chal(&ch, "Digest realm=r, nonce=n1, qop=auth"), 0);
	sip_digest_client_take(&cl, &ch);
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", a, sizeof(a)),
			 0);
	assert_int_equal(sip_digest_client_answer(&cl, "u", "p", "INVITE",
						  "sip:h", b, sizeof(b)),
			 0);
	/* two cnonces from RAND_bytes differ */
	assert_string_not_equal(strstr(a, "cnonce="), strstr(b, "cnonce="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(digest_params),
		cmocka_unit_test(digest_params_bad),
		cmocka_unit_test(digest_hashes),
		cmocka_unit_test(digest_alg_names),
		cmocka_unit_test(digest_chal_rfc7616),
		cmocka_unit_test(digest_chal_bad),
		cmocka_unit_test(digest_chal_pick),
		cmocka_unit_test(digest_rfc7616_vectors),
		cmocka_unit_test(digest_rfc2617_vectors),
		cmocka_unit_test(digest_sip_vectors),
		cmocka_unit_test(digest_sha256_no_qop),
		cmocka_unit_test(digest_answer_escapes_and_limits),
		cmocka_unit_test(digest_client_nc),
		cmocka_unit_test(digest_client_openssl_rand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
