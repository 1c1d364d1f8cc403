/*
 * fuzz_digest: the digest header values (sip/digest*.c). The input is
 * one header value: parsed as a WWW-/Proxy-Authenticate challenge
 * (client side, then answered), and verified as an (Proxy-)Authorization
 * by the server side, as the stack does for a request.
 */
#include <string.h>

#include "sip/sip.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

static const char *lookup(void *arg, const char *user)
{
	(void)arg;
	return strcmp(user, "gw") == 0 ? "pw" : NULL;
}

static int fixed_rand(void *arg, uint8_t *buf, size_t n)
{
	(void)arg;
	memset(buf, 0x5a, n);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sip_digest_server srv;
	static const uint8_t key[32] = { 7 };
	struct sip_digest_chal ch;
	struct sip_digest_client cl = { .rand = fixed_rand };
	struct sip_auth a;
	struct sip_pl val = { (const char *)data, size };
	struct sip_pl ruri = { "sip:5551234@192.0.2.1", 21 };
	char out[2048], user[64];
	enum sip_digest_alg alg;

	if (!sip_digest_chal_parse(&ch, (const char *)data, size)) {
		sip_digest_client_take(&cl, &ch);
		sink += !sip_digest_client_answer(&cl, "gw", "pw", "INVITE",
						  "sip:5551234@192.0.2.10", out,
						  sizeof(out));
		sink += !sip_digest_client_answer(&cl, "gw", "pw", "BYE",
						  "sip:x@192.0.2.10", out, 40);
	}
	if (!sip_auth_parse(&a, &val)) {
		struct sip_pl v;

		if (sip_auth_param(&a, "algorithm", &v))
			sink += !sip_digest_alg_parse(v.p, v.l, &alg);
	}
	sip_digest_server_init(&srv, key, sizeof(key), 0, NULL, NULL);
	/* a nonce of ours in the input is the interesting case: give the
	 * fuzzer one to copy (the dictionary has it too) */
	sink += !sip_digest_server_challenge(&srv, 1000, "fuzz.test",
					     SIP_DIGEST_MD5, false, out,
					     sizeof(out));
	for (int i = 0; i < 2; i++) {
		enum sip_digest_result r = sip_digest_server_verify(
			&srv, 2000, (const char *)data, size, "INVITE", &ruri,
			"fuzz.test", lookup, NULL, user, sizeof(user));
		sink += (size_t)r;
	}
	return 0;
}
