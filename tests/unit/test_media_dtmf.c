/* media/dtmf.c and dtmf_te.c: RFC 4733 sender and receiver, in-band
 * detection with its mute and generation, SIP INFO bodies; digits must
 * never be doubled nor lost, whichever way they travel. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"

#define F 160 /* 20 ms packets */

static void test_names(void **state)
{
	assert_string_equal(media_dtmf_mode_name(MEDIA_DTMF_INFO), "info");
	assert_string_equal(media_dtmf_mode_name((enum media_dtmf_mode)7), "?");
	assert_int_equal(media_dtmf_mode_lookup("RFC2833"), MEDIA_DTMF_RFC4733);
	assert_int_equal(media_dtmf_mode_lookup("rfc4733"), MEDIA_DTMF_RFC4733);
	assert_int_equal(media_dtmf_mode_lookup("inband"), MEDIA_DTMF_INBAND);
	assert_int_equal(media_dtmf_mode_lookup("sip"), -1);
	assert_int_equal(media_dtmf_mode_lookup(NULL), -1);
	assert_int_equal(media_dtmf_code('0'), 0);
	assert_int_equal(media_dtmf_code('9'), 9);
	assert_int_equal(media_dtmf_code('*'), 10);
	assert_int_equal(media_dtmf_code('#'), 11);
	assert_int_equal(media_dtmf_code('a'), 12);
	assert_int_equal(media_dtmf_code('D'), 15);
	assert_int_equal(media_dtmf_code('E'), -1);
	assert_int_equal(media_dtmf_code(0), -1);
	assert_int_equal(media_dtmf_digit(11), '#');
	assert_int_equal(media_dtmf_digit(16), 0);
}

struct pkt {
	uint8_t p[MEDIA_TE_PAYLOAD];
	uint32_t ts;
	bool marker;
};

/* Runs the sender for one digit: start, n polls, stop, polls until done. */
static unsigned send_digit(struct media_te_tx *t, char digit, uint32_t ts,
			   unsigned before_stop, struct pkt *out, unsigned max)
{
	unsigned n = 0, i;

	assert_int_equal(media_te_tx_start(t, digit, ts, 0), 0);
	for (i = 0; i < before_stop; i++) {
		assert_true(n < max);
		assert_true(media_te_tx_poll(t, F, out[n].p, &out[n].ts,
					     &out[n].marker));
		n++;
	}
	media_te_tx_stop(t);
	for (i = 0; i < 10 && media_te_tx_active(t); i++) {
		assert_true(n < max);
		assert_true(media_te_tx_poll(t, F, out[n].p, &out[n].ts,
					     &out[n].marker));
		n++;
	}
	assert_false(media_te_tx_active(t));
	return n;
}

static void test_te_tx(void **state)
{
	struct media_te_tx t;
	struct pkt p[20];
	unsigned n, i;
	uint8_t buf[4];
	uint32_t ts;
	bool m;

	media_te_tx_init(&t, 10);
	assert_false(media_te_tx_poll(&t, F, buf, &ts, &m));
	n = send_digit(&t, '5', 1000, 4, p, 20);
	/* 4 updates, the stop packet, and 2 more ends. */
	assert_int_equal(n, 7);
	for (i = 0; i < n; i++) {
		assert_int_equal(p[i].ts, 1000); /* one event: one timestamp */
		assert_int_equal(p[i].p[0], 5);
		assert_int_equal(p[i].p[1] & 0x3f, 10);
		assert_int_equal(p[i].marker, i == 0);
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(p[i].p[1] & 0x80, 0);
		assert_int_equal(p[i].p[2] << 8 | p[i].p[3], (i + 1) * F);
	}
	for (i = 4; i < 7; i++) {
		assert_int_equal(p[i].p[1] & 0x80, 0x80);
		assert_int_equal(p[i].p[2] << 8 | p[i].p[3], 5 * F);
	}
	/* A minimum duration holds the end back. */
	assert_int_equal(media_te_tx_start(&t, '#', 9000, 3 * F), 0);
	assert_int_equal(media_te_tx_start(&t, '1', 9000, 0), EBUSY);
	media_te_tx_stop(&t);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[1] & 0x80, 0);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[1] & 0x80, 0);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[1] & 0x80, 0x80);
	assert_int_equal(buf[0], 11);
	assert_int_equal(media_te_tx_start(&t, 'x', 0, 0), EINVAL);

	/* Its other two end packets, then nothing. */
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_false(media_te_tx_active(&t));
	/* A digit begun during the end packets waits, its time running. */
	assert_int_equal(media_te_tx_start(&t, '1', 20000, 0), 0);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	media_te_tx_stop(&t);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m)); /* end 1 */
	assert_int_equal(media_te_tx_start(&t, '2', 20000 + 2 * F, 0), 0);
	assert_int_equal(media_te_tx_start(&t, '3', 20000 + 2 * F, 0), EBUSY);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m)); /* end 2 */
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m)); /* end 3 */
	assert_int_equal(buf[0], 1);
	assert_int_equal(buf[1] & 0x80, 0x80);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(buf[0], 2);
	assert_int_equal(ts, 20000 + 2 * F);
	assert_true(m);
	assert_int_equal(buf[2] << 8 | buf[3], 3 * F);
}

/* RFC 4733 2.5.1.3: an event longer than the 16-bit duration goes on as
 * a new segment with a new timestamp. */
static void test_te_tx_long(void **state)
{
	struct media_te_tx t;
	uint8_t buf[4];
	uint32_t ts = 0;
	unsigned i;
	bool m;

	media_te_tx_init(&t, 10);
	assert_int_equal(media_te_tx_start(&t, '0', 100, 0), 0);
	for (i = 0; i < 409; i++) /* 409 * 160 = 65440 */
		assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(ts, 100);
	assert_int_equal(buf[2] << 8 | buf[3], 65440);
	assert_true(media_te_tx_poll(&t, F, buf, &ts, &m));
	assert_int_equal(ts, 100 + 65440);
	assert_int_equal(buf[2] << 8 | buf[3], F);
	assert_false(m);
}

static unsigned rx_all(struct media_te_rx *r, const struct pkt *p, unsigned n,
		       char *digits, unsigned *begins)
{
	struct media_dtmf_ev ev[3];
	unsigned i, k, ne, nd = 0;

	for (i = 0; i < n; i++) {
		assert_int_equal(media_te_rx_put(r, p[i].ts, p[i].marker,
						 p[i].p, 4, ev, &ne),
				 0);
		for (k = 0; k < ne; k++) {
			if (ev[k].end)
				digits[nd++] = ev[k].digit;
			else
				(*begins)++;
		}
	}
	digits[nd] = 0;
	return nd;
}

static void test_te_rx(void **state)
{
	struct media_te_tx t;
	struct media_te_rx r;
	struct media_dtmf_ev ev[3];
	struct pkt p[40];
	char digits[16];
	unsigned n, ne, begins = 0;

	media_te_tx_init(&t, 10);
	media_te_rx_init(&r, 0);
	n = send_digit(&t, '7', 500, 3, p, 40);
	/* Every packet twice: still one digit. */
	memcpy(p + n, p, n * sizeof(p[0]));
	assert_int_equal(rx_all(&r, p, 2 * n, digits, &begins), 1);
	assert_string_equal(digits, "7");
	assert_int_equal(begins, 1);
	assert_int_equal(r.events, 1);

	/* All end packets lost, the next event arrives: the first ends
	 * there, with the duration seen. */
	n = send_digit(&t, '8', 2000, 3, p, 40);
	assert_int_equal(media_te_rx_put(&r, p[0].ts, true, p[0].p, 4, ev, &ne),
			 0);
	assert_int_equal(ne, 1);
	assert_int_equal(ev[0].digit, '8');
	assert_false(ev[0].end);
	assert_int_equal(
		media_te_rx_put(&r, p[2].ts, false, p[2].p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);
	n = send_digit(&t, '9', 4000, 0, p, 40);
	assert_int_equal(n, 3); /* only ends: a very short digit */
	assert_int_equal(media_te_rx_put(&r, p[0].ts, true, p[0].p, 4, ev, &ne),
			 0);
	assert_int_equal(ne, 3);
	assert_int_equal(ev[0].digit, '8');
	assert_true(ev[0].end);
	assert_int_equal(ev[0].duration, 3 * F);
	assert_int_equal(ev[1].digit, '9');
	assert_false(ev[1].end);
	assert_int_equal(ev[2].digit, '9');
	assert_true(ev[2].end);
	assert_int_equal(r.lost_ends, 1);
	/* Its other end packets: nothing more. */
	assert_int_equal(
		media_te_rx_put(&r, p[1].ts, false, p[1].p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);
	/* A straggler of the old event: ignored. */
	assert_int_equal(media_te_rx_put(&r, 2000, false, p[1].p, 4, ev, &ne),
			 0);
	assert_int_equal(ne, 0);
}

static void test_te_rx_timeout_and_bad(void **state)
{
	struct media_te_rx r;
	struct media_dtmf_ev ev[3];
	uint8_t p[4] = { 3, 10, 0, 160 };
	unsigned ne, i;

	media_te_rx_init(&r, 800); /* 100 ms */
	assert_int_equal(media_te_rx_put(&r, 10, true, p, 4, ev, &ne), 0);
	assert_int_equal(ne, 1);
	for (i = 0; i < 4; i++)
		assert_false(media_te_rx_tick(&r, 160, ev));
	assert_true(media_te_rx_tick(&r, 160, ev));
	assert_int_equal(ev[0].digit, '3');
	assert_true(ev[0].end);
	assert_int_equal(ev[0].duration, 160);
	assert_false(media_te_rx_tick(&r, 160, ev));
	/* Its late end packets do not make a second digit. */
	p[1] |= 0x80;
	assert_int_equal(media_te_rx_put(&r, 10, false, p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);

	assert_int_equal(media_te_rx_put(&r, 20, false, p, 3, ev, &ne), EPROTO);
	assert_int_equal(media_te_rx_put(&r, 20, false, NULL, 4, ev, &ne),
			 EPROTO);
	assert_int_equal(r.bad, 2);
	p[0] = 16; /* flash: not DTMF */
	assert_int_equal(media_te_rx_put(&r, 30, false, p, 4, ev, &ne), 0);
	assert_int_equal(ne, 0);
	assert_int_equal(r.ignored, 1);
}

/* Sender to receiver over a lossy path (seeded): as long as one packet of
 * each event gets through, every digit arrives once, in order. */
static void test_te_lossy_path(void **state)
{
	static const char want[] = "0123456789*#ABCD";
	struct media_te_tx t;
	struct media_te_rx r;
	struct media_dtmf_ev ev[3];
	struct pkt p[40];
	char got[64];
	unsigned seed, i, k, n, ne, ng, lost;
	uint32_t ts;

	for (seed = 1; seed <= 20; seed++) {
		srand(seed);
		media_te_tx_init(&t, 10);
		media_te_rx_init(&r, 1600);
		ng = 0;
		lost = 0;
		ts = 1000;
		for (i = 0; want[i]; i++) {
			n = send_digit(&t, want[i], ts, 2 + i % 4, p, 40);
			ts += 8000;
			for (k = 0; k < n; k++) {
				/* 30% loss, but never the whole event. */
				if (rand() % 100 < 30 && k + 1 < n) {
					lost++;
					continue;
				}
				assert_int_equal(media_te_rx_put(&r, p[k].ts,
								 p[k].marker,
								 p[k].p, 4, ev,
								 &ne),
						 0);
				while (ne--)
					if (ev[ne].end)
						got[ng++] = ev[ne].digit;
			}
			if (media_te_rx_tick(&r, 1600, ev))
				got[ng++] = ev[0].digit;
		}
		got[ng] = 0;
		assert_string_equal(got, want);
	}
}

/* ---- in-band ---- */

/* Plays digits through the generator into the detector; returns the
 * digits detected (ends) and checks the muted output. */
static void test_inband_both_ways(void **state)
{
	static int16_t pcm[16000], out[16000];
	struct media_dtmf_gen g;
	struct media_dtmf_det *d = NULL;
	struct media_dtmf_ev ev[8];
	char got[32];
	unsigned ng = 0, nb = 0, k, ne;
	size_t i, loud = 0;

	media_dtmf_gen_init(&g, 0);
	/* An RFC 4733 style until-stop digit, then queued fixed ones. */
	assert_int_equal(media_dtmf_gen_start(&g, '1', 0), 0);
	assert_int_equal(media_dtmf_gen_start(&g, '#', 800), 0);
	assert_int_equal(media_dtmf_gen_start(&g, '#', 800), 0);
	assert_int_equal(media_dtmf_gen_start(&g, 'D', 400), 0);
	memset(pcm, 0, sizeof(pcm));
	assert_true(media_dtmf_gen_run(&g, pcm, 800));
	media_dtmf_gen_stop(&g); /* '1' lasted 100 ms */
	assert_true(media_dtmf_gen_run(&g, pcm + 800, 16000 - 800));
	assert_false(media_dtmf_gen_active(&g));
	assert_false(media_dtmf_gen_run(&g, pcm, 160));

	assert_int_equal(media_dtmf_det_alloc(0, &d), 0);
	for (i = 0; i < 16000; i += 160) {
		ne = media_dtmf_det_run(d, pcm + i, out + i, 160, true, ev, 8);
		for (k = 0; k < ne; k++) {
			if (ev[k].end)
				got[ng++] = ev[k].digit;
			else
				nb++;
		}
	}
	got[ng] = 0;
	assert_string_equal(got, "1##D");
	assert_int_equal(nb, 4);
	/* Muted from each leading edge: nothing of the tones gets out. */
	for (i = 0; i < 16000; i++)
		if (abs(out[i]) > 100)
			loud++;
	assert_int_equal(loud, 0);
	media_dtmf_det_free(d);
}

/* Speech-band audio that is not DTMF passes, delayed by the look-ahead. */
static void test_inband_passes_audio(void **state)
{
	static int16_t pcm[8000], out[8000];
	struct media_dtmf_det *d = NULL;
	struct media_dtmf_ev ev[4];
	struct media_tonegen t;
	size_t i;

	assert_int_equal(media_dtmf_det_alloc(20, &d), 0);
	media_tonegen_init(&t, 1000, -10);
	media_tonegen_run(&t, pcm, 8000);
	for (i = 0; i < 8000; i += 100)
		assert_int_equal(media_dtmf_det_run(d, pcm + i, out + i, 100,
						    true, ev, 4),
				 0);
	for (i = 0; i < 160; i++)
		assert_int_equal(out[i], 0);
	for (i = 160; i < 8000; i++)
		assert_int_equal(out[i], pcm[i - 160]);
	media_dtmf_det_free(d);
	media_dtmf_det_free(NULL);
	assert_int_equal(media_dtmf_det_alloc(101, &d), EINVAL);
	assert_int_equal(media_dtmf_det_alloc(0, NULL), EINVAL);
}

/* mute false: detected, but the audio is left alone. */
static void test_inband_no_mute(void **state)
{
	static int16_t pcm[4000], out[4000];
	struct media_dtmf_gen g;
	struct media_dtmf_det *d = NULL;
	struct media_dtmf_ev ev[4];
	unsigned n = 0;
	size_t i, loud = 0;

	media_dtmf_gen_init(&g, 0);
	assert_int_equal(media_dtmf_gen_start(&g, '5', 1200), 0);
	memset(pcm, 0, sizeof(pcm));
	media_dtmf_gen_run(&g, pcm, 4000);
	assert_int_equal(media_dtmf_det_alloc(0, &d), 0);
	for (i = 0; i < 4000; i += 160)
		n += media_dtmf_det_run(d, pcm + i, out + i, 160, false, ev, 4);
	assert_int_equal(n, 2);
	for (i = 0; i < 4000; i++)
		if (abs(out[i]) > 100)
			loud++;
	assert_true(loud > 1000);
	media_dtmf_det_free(d);
}

/* The whole path for PSTN digits, with background noise: detected
 * in-band and muted, sent as RFC 4733, received and played in-band again.
 * A second detector on the muted audio finds nothing (the far end never
 * hears a digit twice); the far end's RFC 4733 receiver gets each digit
 * once, and the replayed audio carries them all again. */
static void test_dtmf_chain(void **state)
{
	static const char want[] = "159*0#";
	static int16_t pstn[48000], muted[48000], replay[48000];
	struct media_dtmf_gen g, g2;
	struct media_dtmf_det *d = NULL, *leak = NULL, *d3 = NULL;
	struct media_te_tx tx;
	struct media_te_rx rx;
	struct media_dtmf_ev ev[8], rev[3];
	uint8_t p[4];
	char got[16], leaked[16], again[16];
	unsigned ng = 0, nl = 0, na = 0, k, ne, nr, i;
	uint32_t ts = 0, pts;
	size_t pos;
	bool m;

	media_dtmf_gen_init(&g, -8);
	for (i = 0; want[i]; i++)
		assert_int_equal(media_dtmf_gen_start(&g, want[i], 640), 0);
	memset(pstn, 0, sizeof(pstn));
	media_dtmf_gen_run(&g, pstn, 48000);
	srand(3);
	for (pos = 0; pos < 48000; pos++) /* noise near -45 dBm0 */
		pstn[pos] = (int16_t)(pstn[pos] + rand() % 101 - 50);
	assert_int_equal(media_dtmf_det_alloc(0, &d), 0);
	assert_int_equal(media_dtmf_det_alloc(0, &leak), 0);
	assert_int_equal(media_dtmf_det_alloc(0, &d3), 0);
	media_te_tx_init(&tx, 10);
	media_te_rx_init(&rx, 0);
	media_dtmf_gen_init(&g2, 0);
	memset(replay, 0, sizeof(replay));
	for (pos = 0; pos < 48000; pos += F, ts += F) {
		ne = media_dtmf_det_run(d, pstn + pos, muted + pos, F, true, ev,
					8);
		for (k = 0; k < ne; k++) {
			if (!ev[k].end)
				assert_int_equal(media_te_tx_start(&tx,
								   ev[k].digit,
								   ts, 0),
						 0);
			else
				media_te_tx_stop(&tx);
		}
		if (media_te_tx_poll(&tx, F, p, &pts, &m)) {
			assert_int_equal(
				media_te_rx_put(&rx, pts, m, p, 4, rev, &nr),
				0);
			for (k = 0; k < nr; k++) {
				if (rev[k].end) {
					got[ng++] = rev[k].digit;
					media_dtmf_gen_stop(&g2);
				} else {
					media_dtmf_gen_start(&g2, rev[k].digit,
							     0);
				}
			}
		}
		media_dtmf_gen_run(&g2, replay + pos, F);
		ne = media_dtmf_det_run(leak, muted + pos, muted + pos, F,
					false, ev, 8);
		for (k = 0; k < ne; k++)
			if (ev[k].end)
				leaked[nl++] = ev[k].digit;
		ne = media_dtmf_det_run(d3, replay + pos, replay + pos, F,
					false, ev, 8);
		for (k = 0; k < ne; k++)
			if (ev[k].end)
				again[na++] = ev[k].digit;
	}
	got[ng] = 0;
	leaked[nl] = 0;
	again[na] = 0;
	assert_string_equal(got, want);
	assert_string_equal(leaked, "");
	assert_string_equal(again, want);
	media_dtmf_det_free(d);
	media_dtmf_det_free(leak);
	media_dtmf_det_free(d3);
}

static void test_gen_rules(void **state)
{
	struct media_dtmf_gen g;
	int16_t pcm[2000];
	unsigned i;

	media_dtmf_gen_init(&g, -6);
	assert_int_equal(media_dtmf_gen_start(&g, 'x', 0), EINVAL);
	assert_int_equal(media_dtmf_gen_start(&g, '3', 80), 0);
	/* Shorter than 40 ms is stretched to 40 ms, then 40 ms of gap. */
	for (i = 0; i < 2000; i++)
		pcm[i] = 1;
	assert_true(media_dtmf_gen_run(&g, pcm, 1000));
	assert_true(pcm[100] != 1);
	assert_int_equal(pcm[400], 0); /* the gap */
	assert_int_equal(pcm[700], 1); /* audio again */
	assert_false(media_dtmf_gen_active(&g));
	for (i = 0; i < MEDIA_DTMF_GEN_QUEUE + 1; i++)
		assert_int_equal(media_dtmf_gen_start(&g, '1', 160), 0);
	assert_int_equal(media_dtmf_gen_start(&g, '1', 160), ENOSPC);
}

static void test_info(void **state)
{
	char d = 0, buf[64];
	unsigned dur = 1;
	size_t n;

	assert_int_equal(media_dtmf_info_parse("Signal=5\r\nDuration=160\r\n",
					       24, &d, &dur),
			 0);
	assert_int_equal(d, '5');
	assert_int_equal(dur, 160);
	assert_int_equal(media_dtmf_info_parse("signal = #\nduration= 250 \n",
					       27, &d, &dur),
			 0);
	assert_int_equal(d, '#');
	assert_int_equal(dur, 250);
	assert_int_equal(media_dtmf_info_parse("Signal=a", 8, &d, &dur), 0);
	assert_int_equal(d, 'A');
	assert_int_equal(dur, 0);
	/* Bad: no signal, two characters, bad duration, not a digit; the
	 * outputs stay as they were. */
	d = 'z';
	assert_int_equal(media_dtmf_info_parse("Duration=100", 12, &d, &dur),
			 EINVAL);
	assert_int_equal(media_dtmf_info_parse("Signal=12", 9, &d, &dur),
			 EINVAL);
	assert_int_equal(
		media_dtmf_info_parse("Signal=1\nDuration=x", 19, &d, &dur),
		EINVAL);
	assert_int_equal(
		media_dtmf_info_parse("Signal=1\nDuration=99999", 23, &d, &dur),
		EINVAL);
	assert_int_equal(media_dtmf_info_parse("Signal=E", 8, &d, &dur),
			 EINVAL);
	assert_int_equal(media_dtmf_info_parse("Signalx=1", 9, &d, &dur),
			 EINVAL);
	assert_int_equal(d, 'z');
	assert_int_equal(media_dtmf_info_build('*', 100, buf, sizeof(buf), &n),
			 0);
	assert_string_equal(buf, "Signal=*\r\nDuration=100\r\n");
	assert_int_equal(n, strlen(buf));
	assert_int_equal(media_dtmf_info_build('*', 100, buf, 10, &n), ENOSPC);
	assert_int_equal(media_dtmf_info_build('?', 100, buf, 64, &n), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_te_tx),
		cmocka_unit_test(test_te_tx_long),
		cmocka_unit_test(test_te_rx),
		cmocka_unit_test(test_te_rx_timeout_and_bad),
		cmocka_unit_test(test_te_lossy_path),
		cmocka_unit_test(test_inband_both_ways),
		cmocka_unit_test(test_inband_passes_audio),
		cmocka_unit_test(test_inband_no_mute),
		cmocka_unit_test(test_dtmf_chain),
		cmocka_unit_test(test_gen_rules),
		cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
