/* sipua's keypad (see ua_dtmf.h). Digits start 1 s into the call and
 * follow each other every 300 ms, 120 ms long: well apart for any
 * detector on the way. */
#include "tools/sipua/sipua.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define START_BLOCKS 50 /* 1 s */
#define EVERY_BLOCKS 15 /* 300 ms */
#define DIGIT_SAMPLES 960

int ua_dtmf_init(struct ua_dtmf *d, int mode, const char *digits)
{
	memset(d, 0, sizeof(*d));
	d->mode = mode;
	d->digits = digits;
	media_dtmf_gen_init(&d->gen, -10);
	if (mode != MEDIA_DTMF_RFC4733)
		return media_dtmf_det_alloc(0, &d->det);
	return 0;
}

void ua_dtmf_free(struct ua_dtmf *d)
{
	media_dtmf_det_free(d->det);
	d->det = NULL;
}

char ua_dtmf_tx(struct ua_dtmf *d, int16_t *pcm, size_t n)
{
	char due = 0;

	if (d->digits && d->digits[d->next] && d->blocks >= START_BLOCKS &&
	    (d->blocks - START_BLOCKS) % EVERY_BLOCKS == 0) {
		due = d->digits[d->next++];
		if (d->mode != MEDIA_DTMF_INFO) {
			media_dtmf_gen_start(&d->gen, due, DIGIT_SAMPLES);
			due = 0;
		}
	}
	d->blocks++;
	media_dtmf_gen_run(&d->gen, pcm, n);
	return due;
}

unsigned ua_dtmf_rx(struct ua_dtmf *d, const int16_t *pcm, size_t n, char *out,
		    unsigned max)
{
	struct media_dtmf_ev ev[4];
	int16_t tmp[320];
	unsigned k, got = 0;

	if (!d->det || n > sizeof(tmp) / sizeof(tmp[0]))
		return 0;
	k = media_dtmf_det_run(d->det, pcm, tmp, n, false, ev, 4);
	for (unsigned i = 0; i < k && got < max; i++)
		if (!ev[i].end)
			out[got++] = ev[i].digit;
	return got;
}

/* ---- DTMF glue of a call ---- */

/* RFC 4733 digits received (begin only); in-band ones are the
 * detector's in tick(). */
void ua_media_dtmf(void *arg, char digit, bool end, bool from_rtp)
{
	struct ua_call *c = arg;

	if (from_rtp && !end)
		ev(c->ua, "event=dtmf call=%u digit=%c via=rfc4733", c->n,
		   digit);
}

static void info_done(void *arg, struct sip_req *req, int err,
		      const struct sip_msg *resp)
{
	if (err || !resp || resp->code >= 300)
		fprintf(stderr, "sipua: INFO failed\n");
}

void ua_send_info(struct ua_call *c, char digit)
{
	char body[64];
	size_t len;

	/* a character that is no digit goes out as is: bad input for the
	 * far end, on purpose (tests) */
	if (media_dtmf_info_build(digit, 120, body, sizeof(body), &len))
		snprintf(body, sizeof(body), "Signal=%c\r\nDuration=120\r\n",
			 digit);
	if (sip_call_request(c->sip, SIP_METHOD_INFO, NULL,
			     "application/dtmf-relay", body, info_done, c,
			     NULL))
		ev(c->ua, "event=error call=%u reason=info", c->n);
	else
		ev(c->ua, "event=dtmf_sent call=%u digit=%c via=info", c->n,
		   digit);
}

void ua_info_rx(struct ua_call *c, const struct sip_call_event *e)
{
	struct sip_pl ctype, body;
	char digit;
	unsigned ms;

	if (!e->msg)
		return;
	body = sip_msg_body(e->msg, &ctype);
	if (sip_pl_casecmp(&ctype, "application/dtmf-relay") &&
	    !media_dtmf_info_parse(body.p, body.l, &digit, &ms))
		ev(c->ua, "event=dtmf call=%u digit=%c via=info duration=%u",
		   c->n, digit, ms);
	else
		ev(c->ua, "event=bad_info call=%u", c->n);
}
