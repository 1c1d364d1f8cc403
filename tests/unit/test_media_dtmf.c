/* media/dtmf.c: modes and codes, in-band detection with its mute and
 * generation, SIP INFO bodies, and the whole chain for PSTN digits (with
 * dtmf_te.c): never doubled, never lost. */
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
		cmocka_unit_test(test_inband_both_ways),
		cmocka_unit_test(test_inband_passes_audio),
		cmocka_unit_test(test_inband_no_mute),
		cmocka_unit_test(test_dtmf_chain),
		cmocka_unit_test(test_gen_rules),
		cmocka_unit_test(test_info),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
