# sip/: sources of libsip.a and their unit tests (tests/unit/test_sip_<file>.c).
SIP_SRCS := sip/parse.c sip/hdr_name.c sip/hdr.c sip/hdr_typed.c sip/uri.c sip/msg.c sip/ctrans.c sip/strans.c \
	    sip/dialog.c sip/sdp.c sip/sdp_t38.c sip/stack.c sip/ua.c \
	    sip/validate.c sip/stream.c sip/transp.c
$(LIBSIP): $(SIP_SRCS:%.c=$(B)/%.o)
UNIT_TESTS += test_sip_parse test_sip_uri test_sip_msg test_sip_ctrans \
	      test_sip_strans test_sip_dialog test_sip_sdp test_sip_ua \
	      test_sip_torture test_sip_hdr test_sip_stack \
	      test_sip_hdr_typed test_sip_validate test_sip_sdp_t38 \
	      test_sip_hdr_name test_sip_stream test_sip_transp
# The parser benchmark against libosip2, the only thing linked with it.
BENCHES += sip_parse
$(B)/tests/bench/sip_parse: BENCH_LIBS += -losipparser2
