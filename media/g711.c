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

void media_law_to_linear(enum media_law law, const uint8_t *in, int16_t *out,
			 size_t n)
{
	size_t i;

	if (law == MEDIA_LAW_ALAW) {
		for (i = 0; i < n; i++)
			out[i] = alaw_to_linear(in[i]);
	} else {
		for (i = 0; i < n; i++)
			out[i] = ulaw_to_linear(in[i]);
	}
}

void media_linear_to_law(enum media_law law, const int16_t *in, uint8_t *out,
			 size_t n)
{
	size_t i;

	if (law == MEDIA_LAW_ALAW) {
		for (i = 0; i < n; i++)
			out[i] = linear_to_alaw(in[i]);
	} else {
		for (i = 0; i < n; i++)
			out[i] = linear_to_ulaw(in[i]);
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
