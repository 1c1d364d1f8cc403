/*
 * fuzz_sip_uri: sip_uri_parse() on the input; an input holding a NUL is
 * two URIs, compared with sip_uri_eq() (RFC 3261 19.1.4, %-decoding),
 * and the parameters the stack looks up.
 */
#include <string.h>

#include "sip/sip.h"
#include "tests/fuzz/fuzz.h"

static volatile size_t sink;

static void params(const struct sip_uri *u)
{
	static const char *const names[] = { "transport", "user", "lr",
					     "maddr",	  "ttl",  "method" };
	struct sip_pl v;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (sip_uri_param(u, names[i], &v))
			sink += v.l;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	const char *nul = memchr(s, '\0', size);
	struct sip_uri a, b;

	if (!nul) {
		if (!sip_uri_parse(&a, s, size)) {
			params(&a);
			sink += sip_uri_eq(&a, &a);
		}
		return 0;
	}
	size_t la = (size_t)(nul - s);
	int ea = sip_uri_parse(&a, s, la);
	int eb = sip_uri_parse(&b, nul + 1, size - la - 1);

	if (!ea)
		params(&a);
	if (!eb)
		params(&b);
	if (!ea && !eb)
		sink += sip_uri_eq(&a, &b) + sip_uri_eq(&b, &a);
	return 0;
}
