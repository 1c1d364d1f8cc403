/* media/sess_dsp.c: the session with media-dsp's DSP: an in-band digit
 * from the PSTN leaves as RFC 4733 (audio muted) and is played in-band at
 * the far session, once; a digit asked for is played; bad events are
 * counted; the echo canceller takes the echo out of what goes to RTP. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

#define NPKT 400

static const struct media_addr PEER = { .family = 4,
					.port = 40000,
					.ip = { 127, 0, 0, 2 } };

struct fake {
	uint8_t pkt[NPKT][200];
	size_t len[NPKT];
	unsigned n;
	char digits[16];
	unsigned ndigits, ends;
	bool from_rtp;
};

static int f_send(void *arg, const struct media_addr *dst, const void *pkt,
		  size_t len)
{
	struct fake *f = arg;

	assert_true(len <= 200);
	if (f->n < NPKT) {
		memcpy(f->pkt[f->n], pkt, len);
		f->len[f->n] = len;
	}
	f->n++;
	return 0;
}

static void f_dtmf(void *arg, char digit, bool end, bool from_rtp)
{
	struct fake *f = arg;

	if (end) {
		f->ends++;
		return;
	}
	if (f->ndigits < sizeof(f->digits) - 1)
		f->digits[f->ndigits++] = digit;
	f->from_rtp = from_rtp;
}

static struct media_sess *mk_mode(struct fake *f, bool detect, unsigned ec,
				  bool te, bool mute)
{
	struct media_hooks h = { .arg = f, .rtp_send = f_send, .dtmf = f_dtmf };
	struct media_sess_cfg cfg = {
		.codec = MEDIA_CODEC_PCMU,
		.te_enabled = te,
		.te_pt = 101,
		.peer = PEER,
		.dtmf_detect = detect,
		.dtmf_mute = mute,
		.ec_tail_ms = ec,
		.jb_adaptive = true,
	};
	struct media_sess *s = NULL;

	memset(f, 0, sizeof(*f));
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	return s;
}

static struct media_sess *mk(struct fake *f, bool detect, unsigned ec)
{
	return mk_mode(f, detect, ec, true, false);
}

/* Digits heard in n blocks of a session's TDM output. */
static unsigned heard(struct media_sess *s, struct media_dtmf_det *det,
		      unsigned blocks, char *got)
{
	struct media_dtmf_ev ev[4];
	uint8_t out[160];
	int16_t pcm[160];
	unsigned k = 0;

	for (unsigned i = 0; i < blocks; i++) {
		media_sess_tdm_out(s, out, 160);
		media_law_to_linear(MEDIA_LAW_ULAW, out, pcm, 160);
		unsigned n =
			media_dtmf_det_run(det, pcm, pcm, 160, false, ev, 4);
		for (unsigned j = 0; j < n; j++)
			if (!ev[j].end && k < 8)
				got[k++] = ev[j].digit;
	}
	return k;
}

static void test_inband_to_rfc4733_and_back(void **state)
{
	static struct fake fa, fb;
	struct media_sess *a = mk(&fa, true, 0), *b = mk(&fb, false, 0);
	struct media_dtmf_gen gen;
	struct media_dtmf_det *det;
	struct media_stats st;
	uint8_t in[160];
	int16_t pcm[160];
	char got[8] = { 0 };
	unsigned te = 0, i;
	struct rtp_hdr h;

	media_dtmf_gen_init(&gen, -10);
	/* 200 ms of silence, the digit 5 for 120 ms, 500 ms of silence */
	for (i = 0; i < 41; i++) {
		memset(pcm, 0, sizeof(pcm));
		if (i == 10)
			assert_int_equal(media_dtmf_gen_start(&gen, '5', 960),
					 0);
		media_dtmf_gen_run(&gen, pcm, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, in, 160);
		assert_int_equal(media_sess_tdm_in(a, in, 160), 0);
	}
	assert_string_equal(fa.digits, "5");
	assert_false(fa.from_rtp);
	assert_int_equal(fa.ends, 1);
	/* the digit went out as telephone-events, never as audio tone */
	for (i = 0; i < fa.n && i < NPKT; i++) {
		assert_int_equal(rtp_hdr_parse(&h, fa.pkt[i], fa.len[i]), 0);
		if (h.pt == 101)
			te++;
	}
	assert_true(te >= 4); /* updates and three ends */
	media_sess_stats(a, &st);
	assert_int_equal(st.dtmf_tx, 1);

	/* b plays it in-band, exactly once */
	assert_int_equal(media_dtmf_det_alloc(0, &det), 0);
	for (i = 0; i < fa.n; i++) {
		assert_int_equal(
			media_sess_rtp_in(b, fa.pkt[i], fa.len[i], &PEER), 0);
		heard(b, det, 1, got + strlen(got));
	}
	heard(b, det, 30, got + strlen(got));
	assert_string_equal(got, "5");
	assert_string_equal(fb.digits, "5");
	assert_true(fb.from_rtp);
	media_sess_stats(b, &st);
	assert_int_equal(st.dtmf_rx, 1);
	media_dtmf_det_free(det);
	media_sess_free(a);
	media_sess_free(b);
}

static void test_play_and_bad_event(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, false, 0);
	struct media_dtmf_det *det;
	struct media_stats st;
	struct rtp_hdr h = { .pt = 101, .seq = 1, .ts = 0, .ssrc = 9 };
	uint8_t pkt[64], bad[2] = { 99, 0 };
	char got[8] = { 0 };
	size_t len;

	assert_int_equal(media_sess_dtmf_play(s, 'x', 100), EINVAL);
	assert_int_equal(media_sess_dtmf_play(NULL, '1', 100), EINVAL);
	assert_int_equal(media_sess_dtmf_play(s, '7', 100), 0);
	assert_int_equal(media_dtmf_det_alloc(0, &det), 0);
	heard(s, det, 30, got);
	assert_string_equal(got, "7");
	/* a telephone-event payload too short to be one */
	assert_int_equal(
		rtp_build(&h, bad, sizeof(bad), pkt, sizeof(pkt), &len), 0);
	assert_int_equal(media_sess_rtp_in(s, pkt, len, &PEER), 0);
	media_sess_stats(s, &st);
	assert_int_equal(st.rx_bad, 1);
	assert_int_equal(st.dtmf_rx, 0);
	media_dtmf_det_free(det);
	media_sess_free(s);
}

static double power(const uint8_t *law, size_t n)
{
	int16_t pcm[480];
	double p = 0;

	media_law_to_linear(MEDIA_LAW_ULAW, law, pcm, n);
	for (size_t i = 0; i < n; i++)
		p += (double)pcm[i] * pcm[i];
	return p / (double)n;
}

/* The far end talks (noise-like tone mix over RTP); the PSTN hybrid
 * returns it 6 dB down, 2 ms late. With the canceller, what we send back
 * to RTP loses most of that echo. */
static double echo_sent(unsigned ec_ms)
{
	static struct fake f, g;
	struct media_sess *s = mk(&f, false, ec_ms);
	struct media_sess *far = mk(&g, false, 0);
	struct media_tonegen t1, t2;
	int16_t pcm[160], hist[176] = { 0 };
	uint8_t in[160], out[160];
	double p = 0;
	unsigned i;

	media_tonegen_init(&t1, 440, -12);
	media_tonegen_init(&t2, 1330, -15);
	for (i = 0; i < 250; i++) { /* 5 s */
		int16_t a[160], b2[160];

		media_tonegen_run(&t1, a, 160);
		media_tonegen_run(&t2, b2, 160);
		for (int k = 0; k < 160; k++)
			pcm[k] = (int16_t)(a[k] + b2[k] * ((i / 7) % 2));
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, in, 160);
		media_sess_tdm_in(far, in, 160);
		media_sess_rtp_in(s, g.pkt[g.n - 1], g.len[g.n - 1], &PEER);
		media_sess_tdm_out(s, out, 160);
		/* hybrid: 16 samples late, half amplitude */
		media_law_to_linear(MEDIA_LAW_ULAW, out, pcm, 160);
		memmove(hist, hist + 160, 16 * sizeof(hist[0]));
		memcpy(hist + 16, pcm, sizeof(pcm));
		for (int k = 0; k < 160; k++)
			pcm[k] = (int16_t)(hist[k] / 2);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, in, 160);
		media_sess_tdm_in(s, in, 160);
		if (i >= 200)
			p += power(f.pkt[(f.n - 1) % NPKT] + RTP_HDR_LEN, 160);
		if (g.n >= NPKT)
			g.n = 0;
		if (f.n >= NPKT)
			f.n = 0;
	}
	media_sess_free(s);
	media_sess_free(far);
	return p;
}

/* Without telephone-event: DTMF mode inband leaves the digit in the RTP
 * audio, mode info mutes it; both report it once to the application. */
static unsigned digit_in_rtp(bool mute, struct fake *f)
{
	struct media_sess *s = mk_mode(f, true, 0, false, mute);
	struct media_dtmf_gen g;
	struct media_dtmf_det *det = NULL;
	struct media_dtmf_ev ev[4];
	struct rtp_hdr h;
	int16_t lin[160];
	uint8_t law[160];
	unsigned found = 0;

	media_dtmf_gen_init(&g, -10);
	assert_int_equal(media_dtmf_gen_start(&g, '7', 800), 0);
	assert_int_equal(media_dtmf_det_alloc(0, &det), 0);
	for (unsigned b = 0; b < 40; b++) {
		memset(lin, 0, sizeof(lin));
		media_dtmf_gen_run(&g, lin, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, lin, law, 160);
		media_sess_tdm_in(s, law, 160);
	}
	for (unsigned i = 0; i < f->n && i < NPKT; i++) {
		assert_int_equal(rtp_hdr_parse(&h, f->pkt[i], f->len[i]), 0);
		assert_int_equal(h.pt, 0); /* never an event packet */
		media_law_to_linear(MEDIA_LAW_ULAW, h.payload, lin,
				    h.payload_len);
		unsigned k = media_dtmf_det_run(det, lin, lin, h.payload_len,
						false, ev, 4);
		for (unsigned j = 0; j < k; j++)
			if (!ev[j].end && ev[j].digit == '7')
				found++;
	}
	media_dtmf_det_free(det);
	media_sess_free(s);
	return found;
}

static void test_inband_and_info_modes(void **state)
{
	static struct fake f;

	assert_int_equal(digit_in_rtp(false, &f), 1);
	assert_int_equal(f.ndigits, 1);
	assert_int_equal(f.digits[0], '7');
	assert_false(f.from_rtp);
	assert_int_equal(digit_in_rtp(true, &f), 0);
	assert_int_equal(f.ndigits, 1);
	assert_int_equal(f.digits[0], '7');
}

/* The fax switch: jitter buffer fixed and echo canceller off, once. */
static void test_fax_mode(void **state)
{
	static struct fake f;
	struct media_sess *s = mk(&f, false, 64);

	assert_true(media_sess_jb_adaptive(s));
	assert_int_equal(media_ec_state(s->ec), MEDIA_EC_ACTIVE);
	media_sess_fax_mode(s);
	assert_false(media_sess_jb_adaptive(s));
	assert_int_equal(media_ec_state(s->ec), MEDIA_EC_FAX_OFF);
	media_sess_fax_mode(s);
	assert_false(media_sess_jb_adaptive(s));
	media_sess_fax_mode(NULL); /* harmless */
	assert_false(media_sess_jb_adaptive(NULL));
	media_sess_free(s);
}

/* A progress tone replaces the TDM audio towards RTP (German ringback:
 * 425 Hz, 1 s on 4 s off) until stopped. */
static void test_progress_tone(void **state)
{
	static struct fake f;
	static struct media_freqmeter m;
	struct media_sess *s = mk(&f, false, 0);
	struct media_toneplay *tp = NULL;
	struct rtp_hdr h;
	uint8_t law[160];
	int16_t lin[160];
	unsigned hz, from;

	assert_int_equal(media_toneplay_alloc("de", MEDIA_TONE_RINGBACK, &tp),
			 0);
	media_sess_tone(s, tp);
	memset(law, 0xFF, sizeof(law)); /* the PSTN is silent */
	for (unsigned b = 0; b < 40; b++)
		media_sess_tdm_in(s, law, 160);
	media_freqmeter_init(&m);
	for (unsigned i = 0; i < f.n && i < NPKT; i++) {
		assert_int_equal(rtp_hdr_parse(&h, f.pkt[i], f.len[i]), 0);
		media_law_to_linear(MEDIA_LAW_ULAW, h.payload, lin,
				    h.payload_len);
		media_freqmeter_feed(&m, lin, h.payload_len);
	}
	hz = media_freqmeter_result(&m, NULL);
	assert_true(hz >= 415 && hz <= 435);
	/* stopped: the PSTN's silence again */
	media_sess_tone(s, NULL);
	from = f.n;
	for (unsigned b = 0; b < 10; b++)
		media_sess_tdm_in(s, law, 160);
	assert_true(f.n > from);
	for (unsigned i = from; i < f.n && i < NPKT; i++) {
		assert_int_equal(rtp_hdr_parse(&h, f.pkt[i], f.len[i]), 0);
		for (size_t k = 0; k < h.payload_len; k++)
			assert_int_equal(h.payload[k], 0xFF);
	}
	media_sess_tone(NULL, NULL); /* harmless */
	media_sess_free(s);
}

static void test_echo_cancelled(void **state)
{
	double off = echo_sent(0), on = echo_sent(64);

	print_message("echo off %.0f on %.0f: %.1f dB\n", off, on,
		      10 * log10(off / (on + 1)));
	assert_true(off > 0);
	/* at least 10 dB less echo once converged */
	assert_true(10 * log10(off / (on + 1)) >= 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inband_to_rfc4733_and_back),
		cmocka_unit_test(test_play_and_bad_event),
		cmocka_unit_test(test_echo_cancelled),
		cmocka_unit_test(test_inband_and_info_modes),
		cmocka_unit_test(test_fax_mode),
		cmocka_unit_test(test_progress_tone),
	};

	return cmocka_run_group_tests_name("media_sess_dsp", tests, NULL, NULL);
}
