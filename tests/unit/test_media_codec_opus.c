/* media/codec_opus.c: in-band FEC against PLC, RFC 7587 fmtp. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "media/media.h"
#include "test_media_sig.h"

static double opus_gap_snr(bool use_fec)
{
	struct media_codec_cfg cfg = { .codec = MEDIA_CODEC_OPUS,
				       .fec = true,
				       .loss_pct = 20,
				       .bitrate = 24000 };
	struct media_enc *e = NULL;
	struct media_dec *d = NULL;
	static int16_t in[N], out[N];
	static uint8_t pl[50][400];
	size_t len[50], i, n;
	double r;

	signal3(in, N);
	assert_int_equal(media_enc_alloc(&cfg, &e), 0);
	assert_int_equal(media_dec_alloc(&cfg, &d), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(media_enc_encode(e, in + 160 * i, pl[i],
						  sizeof(pl[i]), &len[i]),
				 0);
	/* Every fourth packet lost from the fifth on. */
	for (i = 0; i < 50; i++) {
		if (i >= 5 && i % 4 == 1 && i + 1 < 50) {
			media_dec_conceal(d, use_fec ? pl[i + 1] : NULL,
					  use_fec ? len[i + 1] : 0,
					  out + 160 * i, 160);
			continue;
		}
		assert_int_equal(media_dec_decode(d, pl[i], len[i],
						  out + 160 * i, 160, &n),
				 0);
		assert_int_equal(n, 160);
	}
	r = snr(in, out, N);
	media_enc_free(e);
	media_dec_free(d);
	return r;
}

static void test_opus_fec(void **state)
{
	double plc = opus_gap_snr(false), fec = opus_gap_snr(true);

	print_message("opus with 20%% loss: PLC %.1f dB, FEC %.1f dB\n", plc,
		      fec);
	assert_true(fec > plc + 1);
}

static void test_opus_fmtp(void **state)
{
	struct media_codec_cfg cfg = { .codec = MEDIA_CODEC_OPUS };
	char buf[128];

	assert_int_equal(
		media_opus_fmtp_parse("maxplaybackrate=16000; "
				      "useinbandfec=1;usedtx=1;"
				      "stereo=0;maxaveragebitrate=20000",
				      &cfg),
		0);
	assert_int_equal(cfg.maxplaybackrate, 16000);
	assert_true(cfg.fec);
	assert_true(cfg.dtx);
	assert_int_equal(cfg.bitrate, 20000);
	/* Bad values leave cfg as it was. */
	assert_int_equal(media_opus_fmtp_parse("useinbandfec=2", &cfg), EINVAL);
	assert_true(cfg.fec);
	assert_int_equal(
		media_opus_fmtp_parse("usedtx=0;maxplaybackrate=x", &cfg),
		EINVAL);
	assert_true(cfg.dtx);
	assert_int_equal(media_opus_fmtp_parse("maxplaybackrate=4000", &cfg),
			 EINVAL);
	assert_int_equal(media_opus_fmtp_parse("garbage", &cfg), EINVAL);
	assert_int_equal(media_opus_fmtp_parse("", &cfg), 0);
	assert_int_equal(media_opus_fmtp_parse(NULL, &cfg), EINVAL);
	assert_int_equal(media_opus_fmtp_build(&cfg, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "maxplaybackrate=8000"));
	assert_non_null(strstr(buf, "useinbandfec=1"));
	assert_non_null(strstr(buf, "usedtx=1"));
	assert_int_equal(media_opus_fmtp_build(&cfg, buf, 10), ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_opus_fec),
		cmocka_unit_test(test_opus_fmtp),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
