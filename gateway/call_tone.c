/*
 * Call progress tones the gateway plays towards SIP itself, as early
 * media, when the PSTN alerts without in-band information: the country
 * profile is the span's tone_country, else [media]'s.
 */
#include <errno.h>
#include <string.h>

#include "gateway/call_int.h"
#include "gateway/media_worker.h"

static const char *country_of(const struct gw_call *c)
{
	const struct gw *gw = c->gw;

	for (size_t i = 0; i < gw->nspans; i++)
		if (gw->spans[i].span == c->span &&
		    gw->spans[i].cfg->tone_country[0])
			return gw->spans[i].cfg->tone_country;
	return gw->cfg.tone_country;
}

int call_tone(struct gw_call *c, int tone)
{
	struct media_toneplay *tp = NULL;
	int err;

	if (!c->mslot)
		return ENOENT;
	if (tone < 0 && !c->toning)
		return 0;
	if (tone >= 0) {
		err = media_toneplay_alloc(country_of(c), (enum media_tone)tone,
					   &tp);
		if (err) {
			CLOG(c, LOG_WARNING, "no %s tone for '%s': %s",
			     media_tone_name((enum media_tone)tone),
			     country_of(c), strerror(err));
			return err;
		}
	}
	err = gw_mslot_tone(c->mslot, tp);
	if (err) {
		media_toneplay_free(tp);
		CLOG(c, LOG_WARNING, "tone: media worker busy");
		return err;
	}
	c->toning = tone >= 0;
	if (tone >= 0)
		CLOG(c, LOG_INFO, "playing %s (%s) as early media",
		     media_tone_name((enum media_tone)tone), country_of(c));
	return 0;
}
