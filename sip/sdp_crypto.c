/*
 * sdp_crypto.c: the SDES a=crypto attribute (RFC 4568 section 9.1):
 *
 *   a=crypto:<tag> <crypto-suite> <key-params> [<session-param> ...]
 *   key-params = "inline:" <key||salt base64> ["|" lifetime] ["|" MKI:len]
 *
 * A line we cannot use (unknown suite, wrong key length, an MKI, several
 * keys, session parameters we do not implement) is kept with ok false and
 * the reason, so that offer/answer skips it (section 7.1.1: the answerer
 * picks a line it supports) and a log can say why.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sip/sip_int.h"

static const char *const srtp_names[SDP_SRTP__COUNT] = {
	[SDP_SRTP_NO] = "no",
	[SDP_SRTP_OPTIONAL] = "optional",
	[SDP_SRTP_REQUIRED] = "required",
};

const char *sdp_srtp_name(enum sdp_srtp m)
{
	return (unsigned)m < SDP_SRTP__COUNT ? srtp_names[m] : "?";
}

/* RFC 4568 6.2, RFC 6188 3 and RFC 7714 14.2 (AEAD: 12-octet salt):
 * suite -> master key + salt octets. */
static const struct {
	const char *name;
	size_t key_len;
} known[] = {
	{ "AES_CM_128_HMAC_SHA1_80", 30 }, { "AES_CM_128_HMAC_SHA1_32", 30 },
	{ "AES_192_CM_HMAC_SHA1_80", 38 }, { "AES_192_CM_HMAC_SHA1_32", 38 },
	{ "AES_256_CM_HMAC_SHA1_80", 46 }, { "AES_256_CM_HMAC_SHA1_32", 46 },
	{ "AEAD_AES_128_GCM", 28 },	   { "AEAD_AES_256_GCM", 44 },
};

size_t sdp_crypto_key_len(const char *suite)
{
	for (size_t i = 0; suite && i < sizeof(known) / sizeof(known[0]); i++)
		if (!strcmp(suite, known[i].name))
			return known[i].key_len;
	return 0;
}

static const char b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char ch)
{
	const char *p = ch ? strchr(b64, ch) : NULL;

	return p ? (int)(p - b64) : -1;
}

/* Standard base64 (RFC 4648 4), padding optional. -1 if malformed or
 * longer than max. */
static int b64_decode(const char *p, size_t n, uint8_t *out, size_t max)
{
	uint32_t acc = 0;
	size_t o = 0, bits = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (p[i] == '=') {
			pad++;
			continue;
		}
		if (pad) /* data after padding */
			return -1;
		v = b64_val(p[i]);
		if (v < 0)
			return -1;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o == max)
				return -1;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* leftover bits must be the zero fill of the last group */
	if (pad > 2 || bits >= 6 || (acc & ((1u << bits) - 1)))
		return -1;
	return (int)o;
}

static void b64_encode(const uint8_t *in, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | in[i + 1] << 8 | in[i + 2];

		out[o++] = b64[v >> 18];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = b64[v >> 6 & 63];
		out[o++] = b64[v & 63];
	}
	if (i < n) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		out[o++] = b64[v >> 18];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int refuse(struct sdp_crypto *c, int err, const char *why)
{
	c->ok = false;
	c->why = why;
	return err;
}

/* "|lifetime" (decimal or 2^n) or "|MKI:len" after the key. */
static int key_extras(struct sdp_crypto *c, const char *p, const char *e)
{
	while (p < e) {
		const char *s = ++p; /* past '|' */
		const char *bar = memchr(p, '|', (size_t)(e - p));
		const char *end = bar ? bar : e;

		if (end == s)
			return refuse(c, EBADMSG, "empty key parameter");
		if (memchr(s, ':', (size_t)(end - s)))
			return refuse(c, ENOTSUP, "MKI not supported");
		for (const char *q = s; q < end; q++) {
			bool pow = q == s + 1 && *s == '2' && *q == '^';

			if ((*q < '0' || *q > '9') && !pow)
				return refuse(c, EBADMSG, "bad key lifetime");
		}
		p = end;
	}
	return 0;
}

int sdp_crypto_parse(struct sdp_crypto *c, const char *p, size_t n)
{
	const char *e = p + n, *s, *k;
	unsigned long tag = 0;
	size_t want;
	int len, err;

	memset(c, 0, sizeof(*c));
	/* tag: 1*9DIGIT */
	for (s = p; p < e && *p >= '0' && *p <= '9'; p++)
		tag = tag * 10 + (unsigned long)(*p - '0');
	if (p == s || p - s > 9 || p == e || *p != ' ')
		return refuse(c, EBADMSG, "bad crypto tag");
	c->tag = (unsigned)tag;
	while (p < e && *p == ' ')
		p++;
	for (s = p; p < e && *p != ' '; p++)
		;
	if (p == s || (size_t)(p - s) >= sizeof(c->suite))
		return refuse(c, EBADMSG, "bad crypto suite");
	memcpy(c->suite, s, (size_t)(p - s));
	while (p < e && *p == ' ')
		p++;
	for (s = p; p < e && *p != ' '; p++)
		;
	if (p == s)
		return refuse(c, EBADMSG, "no key parameters");
	while (p < e && *p == ' ')
		p++;
	if (p < e)
		return refuse(c, ENOTSUP, "session parameters not supported");
	e = s;
	while (e < p && *e != ' ')
		e++;
	if ((size_t)(e - s) < 7 || strncmp(s, "inline:", 7))
		return refuse(c, EBADMSG, "key method is not inline");
	if (memchr(s, ';', (size_t)(e - s)))
		return refuse(c, ENOTSUP, "several keys not supported");
	s += 7;
	for (k = s; k < e && *k != '|'; k++)
		;
	len = b64_decode(s, (size_t)(k - s), c->key, sizeof(c->key));
	if (len <= 0)
		return refuse(c, EBADMSG, "bad base64 key");
	c->key_len = (uint8_t)len;
	err = key_extras(c, k, e);
	if (err)
		return err;
	want = sdp_crypto_key_len(c->suite);
	if (!want)
		return refuse(c, ENOTSUP, "unknown crypto suite");
	if ((size_t)len != want)
		return refuse(c, EBADMSG, "wrong key length for the suite");
	c->ok = true;
	return 0;
}

int sdp_crypto_print(const struct sdp_crypto *c, char *buf, size_t size)
{
	char key[((SDP_CRYPTO_KEY_MAX + 2) / 3) * 4 + 1];
	int n;

	if (!c || !buf || c->key_len > SDP_CRYPTO_KEY_MAX || !c->suite[0])
		return EINVAL;
	b64_encode(c->key, c->key_len, key);
	n = snprintf(buf, size, "a=crypto:%u %s inline:%s\r\n", c->tag,
		     c->suite, key);
	return n < 0 || (size_t)n >= size ? ENOSPC : 0;
}
