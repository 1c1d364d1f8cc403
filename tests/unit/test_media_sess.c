/* media/sess.c: a session end to end, TDM -> RTP -> TDM, with transcoding,
 * bad and foreign packets, loss and concealment, in-band digits through
 * late and lost packets. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/priv.h"

#define MAXPKT 300

/* The negotiated peer; every test packet comes from there. */
static const struct media_addr PEER = { .family = 4,
					.port = 40000,
					.ip = { 127, 0, 0, 2 } };
#define NPKT 128

struct fake {
	uint8_t pkt[NPKT][MAXPKT];
	size_t len[NPKT];
	unsigned n;
	unsigned logs;
	int send_err;
};

static int fake_send(void *arg, const struct media_addr *dst, const void *pkt,
		     size_t len)
{
	struct fake *f = arg;

	assert_true(len <= MAXPKT);
	assert_true(media_addr_eq(dst, &PEER));
	if (f->n < NPKT) {
		memcpy(f->pkt[f->n], pkt, len);
		f->len[f->n] = len;
	}
	f->n++;
	return f->send_err;
}

static void fake_log(void *arg, int level, const char *msg)
{
	struct fake *f = arg;

	assert_non_null(strstr(msg, "media ssrc "));
	f->logs++;
}

static struct media_sess *mk(struct fake *f, enum media_law tdm,
			     enum media_codec codec, uint8_t pt)
{
	struct media_hooks h = { .arg = f,
				 .rtp_send = fake_send,
				 .log = fake_log };
	struct media_sess_cfg cfg = {
		.tdm_law = tdm,
		.codec = codec,
		.pt = pt,
		.ssrc = 0xcafe0001,
		.seq = 65530,
		.ts = 4294967000u,
		.te_enabled = true,
		.te_pt = 101,
		.peer = PEER,
	};
	struct media_sess *s = NULL;

	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	return s;
}

/* n samples of a -10 dBm0 tone in the given law. */
static void tone(struct media_tonegen *g, enum media_law law, uint8_t *out,
		 size_t n)
{
	int16_t pcm[480];

	media_tonegen_run(g, pcm, n);
	media_linear_to_law(law, pcm, out, n);
}

static void test_tone_through_two_sessions(void **state)
{
	static struct fake fa, fb;
	struct media_sess *a, *b;
	struct media_tonegen g;
	struct media_freqmeter m;
	struct media_stats st;
	struct rtp_hdr h;
	uint8_t in[160], out[160], expect[160];
	int16_t pcm[160];
	unsigned i, k, sent = 0;
	size_t j;

	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	/* A: µ-law span, PCMA on the wire. B: A-law span, same PCMA. */
	a = mk(&fa, MEDIA_LAW_ULAW, MEDIA_CODEC_PCMA, 8);
	b = mk(&fb, MEDIA_LAW_ALAW, MEDIA_CODEC_PCMA, 8);
	media_tonegen_init(&g, 1000, -10);
	media_freqmeter_init(&m);
	for (i = 0; i < 100; i++) { /* 2 s in 20 ms ticks */
		tone(&g, MEDIA_LAW_ULAW, in, 160);
		/* Odd chunk sizes still make whole 20 ms packets. */
		assert_int_equal(media_sess_tdm_in(a, in, 70), 0);
		assert_int_equal(media_sess_tdm_in(a, in + 70, 90), 0);
		assert_int_equal(fa.n, i + 1);
		assert_int_equal(fa.len[i], RTP_HDR_LEN + 160);
		assert_int_equal(rtp_hdr_parse(&h, fa.pkt[i], fa.len[i]), 0);
		assert_int_equal(h.pt, 8);
		assert_int_equal(h.seq, (uint16_t)(65530 + i));
		assert_int_equal(h.ts, (uint32_t)(4294967000u + 160 * i));
		assert_int_equal(h.ssrc, 0xcafe0001);
		assert_int_equal(h.marker, i == 0);
		assert_int_equal(h.payload_len, 160);
		media_law_transcode(MEDIA_LAW_ULAW, MEDIA_LAW_ALAW, in, expect,
				    160);
		assert_memory_equal(h.payload, expect, 160);

		assert_int_equal(
			media_sess_rtp_in(b, fa.pkt[i], fa.len[i], &PEER), 0);
		media_sess_tdm_out(b, out, 160);
		if (i < 2) {
			/* 40 ms of jitter buffer: silence first. */
			for (j = 0; j < 160; j++)
				assert_int_equal(out[j], 0xD5);
		} else {
			/* Equal laws: the payload passes untouched. */
			assert_int_equal(
				rtp_hdr_parse(&h, fa.pkt[i - 2], fa.len[i - 2]),
				0);
			assert_memory_equal(out, h.payload, 160);
		}
		media_law_to_linear(MEDIA_LAW_ALAW, out, pcm, 160);
		media_freqmeter_feed(&m, pcm, 160);
		sent++;
	}
	k = media_freqmeter_result(&m, NULL);
	assert_true(k >= 990 && k <= 1010);

	media_sess_stats(a, &st);
	assert_int_equal(st.tx_packets, sent);
	assert_int_equal(st.tx_bytes, sent * 172);
	media_sess_stats(b, &st);
	assert_int_equal(st.rx_packets, sent);
	assert_int_equal(st.rx_bytes, sent * 172);
	assert_int_equal(st.rx_lost + st.rx_bad + st.rx_dup + st.rx_late, 0);
	assert_int_equal(st.underruns, 0);
	assert_int_equal(fb.n, 0);
	media_sess_free(a);
	media_sess_free(b);
}

static void test_reverse_transcode(void **state)
{
	static struct fake fa, fb;
	struct media_sess *a, *b;
	struct media_tonegen g;
	struct media_freqmeter m;
	uint8_t in[160], out[160];
	int16_t pcm[160];
	unsigned i, k;

	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	/* A-law span sending PCMU to a µ-law span. */
	a = mk(&fa, MEDIA_LAW_ALAW, MEDIA_CODEC_PCMU, 0);
	b = mk(&fb, MEDIA_LAW_ULAW, MEDIA_CODEC_PCMU, 0);
	media_tonegen_init(&g, 2600, -10);
	media_freqmeter_init(&m);
	for (i = 0; i < 60; i++) {
		tone(&g, MEDIA_LAW_ALAW, in, 160);
		media_sess_tdm_in(a, in, 160);
		media_sess_rtp_in(b, fa.pkt[i], fa.len[i], &PEER);
		/* A 10 ms TDM tick against 20 ms packets. */
		media_sess_tdm_out(b, out, 80);
		media_sess_tdm_out(b, out + 80, 80);
		media_law_to_linear(MEDIA_LAW_ULAW, out, pcm, 160);
		media_freqmeter_feed(&m, pcm, 160);
	}
	k = media_freqmeter_result(&m, NULL);
	assert_true(k >= 2590 && k <= 2610);
	media_sess_free(a);
	media_sess_free(b);
}

static size_t pkt(uint8_t *buf, uint8_t pt, uint16_t seq, uint32_t ts,
		  uint8_t fill)
{
	struct rtp_hdr h = { .pt = pt, .seq = seq, .ts = ts, .ssrc = 77 };
	uint8_t payload[160];
	size_t len;

	memset(payload, fill, sizeof(payload));
	assert_int_equal(rtp_build(&h, payload, 160, buf, MAXPKT, &len), 0);
	return len;
}

static void test_bad_and_foreign(void **state)
{
	static struct fake f;
	struct media_sess *s;
	struct media_stats st;
	uint8_t buf[MAXPKT], out[160];
	size_t len;
	unsigned i;

	memset(&f, 0, sizeof(f));
	s = mk(&f, MEDIA_LAW_ULAW, MEDIA_CODEC_PCMU, 0);
	/* Nothing received yet: silence. */
	media_sess_tdm_out(s, out, 160);
	for (i = 0; i < 160; i++)
		assert_int_equal(out[i], 0xFF);

	len = pkt(buf, 0, 1, 0, 0x55);
	assert_int_equal(media_sess_rtp_in(s, buf, 5, &PEER), EINVAL);
	buf[0] = 0x40;
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), EPROTO);
	len = pkt(buf, 8, 1, 0, 0x55); /* PCMA was not negotiated */
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	len = pkt(buf, 101, 1, 0, 0x55); /* telephone-event: accepted */
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	assert_int_equal(media_sess_rtp_in(s, NULL, 0, &PEER), EINVAL);
	media_sess_stats(s, &st);
	assert_int_equal(st.rx_bad, 3);
	assert_int_equal(st.rx_wrong_pt, 1);
	assert_int_equal(st.rx_packets, 1);
	assert_true(f.logs >= 4);
	/* Telephone events do not reach playout. */
	media_sess_tdm_out(s, out, 160);
	assert_int_equal(out[0], 0xFF);
	media_sess_free(s);
}

/* RFC 3389: CN on PT 13 is taken when enabled (noise at its level fills
 * the silence after the audio), counted as wrong PT when not; a bad CN
 * payload is counted. */
static void test_comfort_noise(void **state)
{
	static struct fake f;
	struct media_hooks h = { .arg = &f, .rtp_send = fake_send };
	struct media_sess_cfg cfg = { .codec = MEDIA_CODEC_PCMU,
				      .peer = PEER,
				      .cn_enabled = true };
	struct media_sess *s = NULL;
	struct media_stats st;
	struct rtp_hdr rh = {
		.pt = MEDIA_PT_CN, .seq = 3, .ts = 320, .ssrc = 77
	};
	uint8_t buf[MAXPKT], out[160], lvl = 40, bad = 200;
	size_t len;
	int16_t lin[160];
	double e = 0;

	memset(&f, 0, sizeof(f));
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	len = pkt(buf, 0, 1, 0, 0xFF);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	len = pkt(buf, 0, 2, 160, 0xFF);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	assert_int_equal(rtp_build(&rh, &lvl, 1, buf, MAXPKT, &len), 0);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	rh.seq = 4;
	assert_int_equal(rtp_build(&rh, &bad, 1, buf, MAXPKT, &len), 0);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), EPROTO);
	for (unsigned b = 0; b < 20; b++)
		media_sess_tdm_out(s, out, 160);
	media_law_to_linear(MEDIA_LAW_ULAW, out, lin, 160);
	for (unsigned i = 0; i < 160; i++)
		e += (double)lin[i] * lin[i];
	assert_true(e > 0); /* noise, not digital silence */
	media_sess_stats(s, &st);
	assert_int_equal(st.cn_rx, 1);
	assert_int_equal(st.rx_bad, 1);
	media_sess_free(s);

	/* not enabled: PT 13 is a wrong payload type */
	cfg.cn_enabled = false;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	rh.seq = 5;
	assert_int_equal(rtp_build(&rh, &lvl, 1, buf, MAXPKT, &len), 0);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	media_sess_stats(s, &st);
	assert_int_equal(st.cn_rx, 0);
	assert_int_equal(st.rx_wrong_pt, 1);
	media_sess_free(s);
}

static void test_loss_dup_late(void **state)
{
	static struct fake f;
	struct media_sess *s;
	struct media_stats st;
	uint8_t buf[MAXPKT], out[160];
	size_t len;
	unsigned i;

	memset(&f, 0, sizeof(f));
	s = mk(&f, MEDIA_LAW_ULAW, MEDIA_CODEC_PCMU, 0);
	/* Packets 0..2 arrive, 3..5 are lost, 6 arrives later. 0x20 is a
	 * loud µ-law code. */
	for (i = 0; i < 3; i++) {
		len = pkt(buf, 0, (uint16_t)i, 160 * i, 0x20);
		assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	}
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0); /* dup */
	media_sess_tdm_out(s, out, 160);
	media_sess_tdm_out(s, out, 160);
	for (i = 0; i < 3; i++) {
		media_sess_tdm_out(s, out, 160);
		assert_int_equal(out[0], 0x20);
	}
	/* Loss: the last frame fades, then silence. */
	media_sess_tdm_out(s, out, 160);
	assert_true(out[0] > 0x20 && out[0] < 0x7F);
	media_sess_tdm_out(s, out, 160);
	assert_true(out[0] > 0x20 && out[0] < 0x7F);
	media_sess_tdm_out(s, out, 160);
	assert_int_equal(out[0], 0xFF);
	/* 3 arrives after its time. */
	len = pkt(buf, 0, 3, 480, 0x20);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	len = pkt(buf, 0, 6, 960, 0x21);
	assert_int_equal(media_sess_rtp_in(s, buf, len, &PEER), 0);
	media_sess_tdm_out(s, out, 160);
	assert_int_equal(out[0], 0x21);
	media_sess_stats(s, &st);
	assert_int_equal(st.rx_dup, 1);
	assert_int_equal(st.rx_late, 1);
	assert_int_equal(st.rx_lost, 2);
	assert_int_equal(st.rx_packets, 6);
	assert_int_equal(st.underruns, 3);
	assert_int_equal(st.rx_bad + st.rx_wrong_pt + st.jb_overflow, 0);
	media_sess_free(s);
}

static void test_send_error(void **state)
{
	static struct fake f;
	struct media_sess *s;
	uint8_t in[400];

	memset(&f, 0, sizeof(f));
	memset(in, 0xFF, sizeof(in));
	s = mk(&f, MEDIA_LAW_ULAW, MEDIA_CODEC_PCMU, 0);
	f.send_err = EAGAIN;
	assert_int_equal(media_sess_tdm_in(s, in, 400), EAGAIN);
	assert_int_equal(f.n, 2); /* both packets tried */
	f.send_err = 0;
	assert_int_equal(media_sess_tdm_in(s, in, 0), 0);
	assert_int_equal(media_sess_tdm_in(s, NULL, 1), EINVAL);
	media_sess_free(s);
}

static void test_cfg_and_names(void **state)
{
	static struct fake f;
	struct media_hooks h = { .arg = &f, .rtp_send = fake_send };
	struct media_sess_cfg cfg = { .codec = MEDIA_CODEC_PCMU, .peer = PEER };
	struct media_sess *s = NULL;
	uint8_t in[480];

	memset(&f, 0, sizeof(f));
	memset(in, 0xFF, sizeof(in));
	cfg.ptime_ms = 70;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), EINVAL);
	cfg.ptime_ms = 15;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), EINVAL);
	cfg.ptime_ms = 20;
	cfg.pt = 128;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), EINVAL);
	cfg.pt = 0;
	cfg.codec = (enum media_codec)9;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), EINVAL);
	cfg.codec = MEDIA_CODEC_PCMU;
	h.rtp_send = NULL;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), EINVAL);
	assert_null(s);
	h.rtp_send = fake_send;
	/* 30 ms: 240 octets per packet, no log hook. */
	cfg.ptime_ms = 30;
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	media_sess_tdm_in(s, in, 480);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.len[1], RTP_HDR_LEN + 240);
	media_sess_free(s);
	media_sess_free(NULL);

	assert_string_equal(media_codec_name(MEDIA_CODEC_PCMA), "PCMA");
	assert_string_equal(media_codec_name((enum media_codec)9), "?");
	assert_int_equal(media_codec_lookup("pcmu"), MEDIA_CODEC_PCMU);
	assert_int_equal(media_codec_lookup("PCMA"), MEDIA_CODEC_PCMA);
	assert_int_equal(media_codec_lookup("iLBC"), -1);
	assert_int_equal(media_codec_lookup(NULL), -1);
	assert_int_equal(media_codec_static_pt(MEDIA_CODEC_PCMA), 8);
}

/* Codecs other than G.711 go through media-dsp's encoders and decoders:
 * a tone crosses two sessions with its frequency intact, timestamps step
 * by the codec's clock, and a lost packet is concealed. */
static void tone_through_codec(enum media_codec codec, uint8_t pt,
			       uint32_t ts_step)
{
	static struct fake fa, fb;
	struct media_sess *a, *b;
	struct media_tonegen g;
	struct media_freqmeter m;
	struct media_stats st;
	struct rtp_hdr h0, h1;
	uint8_t in[160], out[160];
	int16_t pcm[160];
	unsigned i, k;

	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	a = mk(&fa, MEDIA_LAW_ULAW, codec, pt);
	b = mk(&fb, MEDIA_LAW_ULAW, codec, pt);
	media_tonegen_init(&g, 1000, -10);
	media_freqmeter_init(&m);
	for (i = 0; i < 100; i++) {
		tone(&g, MEDIA_LAW_ULAW, in, 160);
		assert_int_equal(media_sess_tdm_in(a, in, 160), 0);
		assert_int_equal(fa.n, i + 1);
		if (i != 50) /* one packet lost */
			assert_int_equal(media_sess_rtp_in(b, fa.pkt[i],
							   fa.len[i], &PEER),
					 0);
		media_sess_tdm_out(b, out, 160);
		if (i >= 10) {
			media_law_to_linear(MEDIA_LAW_ULAW, out, pcm, 160);
			media_freqmeter_feed(&m, pcm, 160);
		}
	}
	assert_int_equal(rtp_hdr_parse(&h0, fa.pkt[0], fa.len[0]), 0);
	assert_int_equal(rtp_hdr_parse(&h1, fa.pkt[1], fa.len[1]), 0);
	assert_int_equal(h0.pt, pt);
	assert_int_equal(h1.ts - h0.ts, ts_step);
	k = media_freqmeter_result(&m, NULL);
	assert_true(k >= 980 && k <= 1020);
	media_sess_stats(b, &st);
	assert_int_equal(st.rx_packets, 99);
	assert_int_equal(st.rx_bad, 0);
	media_sess_free(a);
	media_sess_free(b);
}

static void test_codecs_through_components(void **state)
{
	tone_through_codec(MEDIA_CODEC_G722, 9, 160);
	tone_through_codec(MEDIA_CODEC_GSM, 3, 160);
	tone_through_codec(MEDIA_CODEC_G726_32, 112, 160);
	tone_through_codec(MEDIA_CODEC_OPUS, 111, 960);
}

/*
 * An in-band digit from the SIP side (dtmf_mode inband) reaches the PSTN
 * once, even when one of its packets comes late or not at all (a loaded
 * sender: t_media_dtmf's flake). The session's concealment of the
 * missing 20 ms must keep the tone going; a repeated frame with a phase
 * jump at each frame edge and half the level cut the digit in two for
 * the PSTN's receiver (heard twice). Deterministic: arrival is counted in
 * played samples, as the jitter buffer counts it. late: ticks the packet
 * waits (0: lost).
 */
static unsigned digits_heard(unsigned bad, unsigned cnt, unsigned late)
{
	static struct fake f;
	struct media_sess *s;
	struct media_dtmf_gen g;
	struct media_dtmf_det *det;
	struct media_dtmf_ev ev[4];
	uint8_t buf[NPKT][MAXPKT], law[160], out[160];
	size_t len[NPKT];
	int16_t pcm[160];
	unsigned i, t, begins = 0, ends = 0;
	struct media_hooks h = { .arg = &f, .rtp_send = fake_send };
	struct media_sess_cfg cfg = { .tdm_law = MEDIA_LAW_ULAW,
				      .codec = MEDIA_CODEC_PCMU,
				      .ssrc = 5,
				      .peer = PEER,
				      .jb_adaptive = true };

	memset(&f, 0, sizeof(f));
	assert_int_equal(media_sess_alloc(&h, &cfg, &s), 0);
	assert_int_equal(media_dtmf_det_alloc(0, &det), 0);
	/* 1 s of quiet speech level, a 100 ms digit (packets 50..54), quiet */
	media_dtmf_gen_init(&g, -10);
	assert_int_equal(media_dtmf_gen_start(&g, '4', 800), 0);
	for (i = 0; i < NPKT; i++) {
		memset(pcm, 0, sizeof(pcm));
		if (i >= 50)
			media_dtmf_gen_run(&g, pcm, 160);
		media_linear_to_law(MEDIA_LAW_ULAW, pcm, law, 160);
		len[i] = pkt(buf[i], 0, (uint16_t)i, 160 * i, 0);
		memcpy(buf[i] + RTP_HDR_LEN, law, 160);
	}
	for (t = 0; t < NPKT; t++) {
		/* packets bad .. bad + cnt - 1 come together, late ticks
		 * after the last one's time (late 0: never) */
		for (i = bad;
		     late && t == bad + cnt - 1 + late && i < bad + cnt; i++)
			assert_int_equal(
				media_sess_rtp_in(s, buf[i], len[i], &PEER), 0);
		if (t < bad || t >= bad + cnt)
			assert_int_equal(
				media_sess_rtp_in(s, buf[t], len[t], &PEER), 0);
		media_sess_tdm_out(s, out, 160);
		media_law_to_linear(MEDIA_LAW_ULAW, out, pcm, 160);
		unsigned n =
			media_dtmf_det_run(det, pcm, pcm, 160, false, ev, 4);

		for (unsigned k = 0; k < n; k++) {
			assert_int_equal(ev[k].digit, '4');
			if (ev[k].end)
				ends++;
			else
				begins++;
		}
	}
	assert_int_equal(begins, ends);
	media_dtmf_det_free(det);
	media_sess_free(s);
	return begins;
}

/* Every packet of the digit, one or two in a row, lost or late by up to
 * 3 ticks (before the fix: heard twice when the delay grew mid-digit, or
 * when the late packets were played after the digit's end). */
static void test_inband_digit_survives_a_gap(void **state)
{
	assert_int_equal(digits_heard(NPKT, 1, 0), 1); /* nothing missing */
	for (unsigned bad = 50; bad <= 54; bad++)
		for (unsigned cnt = 1; cnt <= 2; cnt++)
			for (unsigned late = 0; late <= 3; late++)
				assert_int_equal(digits_heard(bad, cnt, late),
						 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inband_digit_survives_a_gap),
		cmocka_unit_test(test_tone_through_two_sessions),
		cmocka_unit_test(test_reverse_transcode),
		cmocka_unit_test(test_bad_and_foreign),
		cmocka_unit_test(test_loss_dup_late),
		cmocka_unit_test(test_comfort_noise),
		cmocka_unit_test(test_send_error),
		cmocka_unit_test(test_cfg_and_names),
		cmocka_unit_test(test_codecs_through_components),
	};

	return cmocka_run_group_tests_name("media_sess", tests, NULL, NULL);
}
