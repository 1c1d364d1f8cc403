/* G.711 law conversions between the span's law, linear PCM and the other
 * law, on spandsp's inline coders. */
#include <string.h>
#include <strings.h>

#include <spandsp.h>

#include "media/media.h"

static const char *const law_names[] = {
	[MEDIA_LAW_ULAW] = "ulaw",
	[MEDIA_LAW_ALAW] = "alaw",
};

const char *media_law_name(enum media_law law)
{
	if ((unsigned)law >= sizeof(law_names) / sizeof(law_names[0]))
		return "?";
	return law_names[law];
}

int media_law_lookup(const char *name)
{
	if (!name)
		return -1;
	if (!strcasecmp(name, "ulaw") || !strcasecmp(name, "mulaw") ||
	    !strcasecmp(name, "mu-law"))
		return MEDIA_LAW_ULAW;
	if (!strcasecmp(name, "alaw") || !strcasecmp(name, "a-law"))
		return MEDIA_LAW_ALAW;
	return -1;
}

/* Table-driven conversions: they run on every sample of every call, and
 * on a fax channel they were most of what the T.38 leg adds to spandsp's
 * gateway (t38_gateway_cost_ratio in make bench). Filled once from
 * spandsp's own coders, so the results are theirs bit for bit
 * (test_media_g711 compares all 65536 inputs). µ-law codes the
 * magnitude (a negative sample's is its negation, up to 32768) and sets
 * the sign bit apart; the code depends only on the magnitude >> 2, as the
 * bias, 132, is a multiple of 4. A-law's magnitude is the complement of a
 * negative sample, which an arithmetic shift keeps, and its code depends
 * only on the sample >> 4. */
static int16_t dec_ulaw[256], dec_alaw[256];
static uint8_t enc_ulaw[(1 << 13) + 1], enc_alaw[1 << 12];

__attribute__((constructor)) static void g711_tables(void)
{
	for (int i = 0; i < 256; i++) {
		dec_ulaw[i] = ulaw_to_linear((uint8_t)i);
		dec_alaw[i] = alaw_to_linear((uint8_t)i);
	}
	for (int i = 0; i <= 1 << 13; i++)
		enc_ulaw[i] = linear_to_ulaw(i < 1 << 13 ? i << 2 : 32767);
	for (int i = 0; i < 1 << 12; i++)
		enc_alaw[i] = linear_to_alaw((int16_t)(uint16_t)(i << 4));
}

void media_law_to_linear(enum media_law law, const uint8_t *in, int16_t *out,
			 size_t n)
{
	const int16_t *t = law == MEDIA_LAW_ALAW ? dec_alaw : dec_ulaw;

	for (size_t i = 0; i < n; i++)
		out[i] = t[in[i]];
}

void media_linear_to_law(enum media_law law, const int16_t *in, uint8_t *out,
			 size_t n)
{
	size_t i;

	if (law == MEDIA_LAW_ALAW) {
		for (i = 0; i < n; i++)
			out[i] = enc_alaw[(uint16_t)in[i] >> 4];
	} else {
		for (i = 0; i < n; i++) {
			int sign = in[i] >> 15; /* 0 or -1 */
			int mag = (in[i] ^ sign) - sign;

			out[i] = (uint8_t)(enc_ulaw[mag >> 2] ^ (sign & 0x80));
		}
	}
}

void media_law_transcode(enum media_law from, enum media_law to,
			 const uint8_t *in, uint8_t *out, size_t n)
{
	size_t i;

	if (from == to) {
		if (in != out)
			memmove(out, in, n);
		return;
	}
	/* G.711's own µ<->A tables (through spandsp), not a trip through
	 * linear, so a tandem of conversions stays bit-exact per G.711. */
	if (from == MEDIA_LAW_ULAW) {
		for (i = 0; i < n; i++)
			out[i] = ulaw_to_alaw(in[i]);
	} else {
		for (i = 0; i < n; i++)
			out[i] = alaw_to_ulaw(in[i]);
	}
}

uint8_t media_law_silence(enum media_law law)
{
	return law == MEDIA_LAW_ALAW ? 0xD5 : 0xFF;
}
