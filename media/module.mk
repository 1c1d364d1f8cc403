# media/: sources of libmedia.a and their unit tests (test_media_<file>.c).
MEDIA_SRCS := media/g711.c media/rtp.c media/rtcp.c media/latch.c \
	      media/jb.c media/sess.c media/sess_rtcp.c media/sess_dsp.c media/tone.c \
	      media/sess_tx.c media/srtp.c \
	      media/codec.c media/codec_spandsp.c media/codec_opus.c \
	      media/dtmf.c media/dtmf_te.c media/ec.c media/tones.c media/cn.c
MEDIA_SRCS += media/udptl.c # T.38 UDPTL (test_media_udptl below)
MEDIA_SRCS += media/t38gw.c media/faxdet.c # T.38 gateway, fax tones
MEDIA_SRCS += media/t30mon.c # T.30 outcome seen through the gateway
UNIT_TESTS += test_media_t30mon
MEDIA_SRCS += media/t38leg.c # T.38 leg: gateway + UDPTL + watchdog
MEDIA_SRCS += media/t38tcf.c # localTCF shim on the IFP stream
UNIT_TESTS += test_media_t38tcf
UNIT_TESTS += test_media_t38leg
$(LIBMEDIA): $(MEDIA_SRCS:%.c=$(B)/%.o)
UNIT_TESTS += test_media_g711 test_media_rtp test_media_jb test_media_sess \
	      test_media_tone test_media_codec test_media_dtmf test_media_dtmf_te test_media_ec \
	      test_media_tones test_media_cn test_media_codec_spandsp \
	      test_media_codec_opus test_media_rtcp test_media_latch \
	      test_media_sess_rtcp test_media_sess_dsp test_media_sess_tx
UNIT_TESTS += test_media_t38gw test_media_faxdet
BENCHES += media_opus_cost media_g722_cost media_ec_cost
# Benchmarks of the media runtime (tests/bench/media_rt.c): calls per core,
# added latency, memory per call.
BENCHES += media_rt
UNIT_TESTS += test_media_udptl
UNIT_TESTS += test_media_srtp # SRTP/SRTCP through libsrtp2
UNIT_TESTS += test_media_attacks # the attack pack (issue 8)
