# sip/: sources of libsip.a and their unit tests (tests/unit/test_sip_<file>.c).
SIP_SRCS := sip/parse.c sip/hdr.c sip/uri.c sip/msg.c sip/ctrans.c sip/strans.c \
	    sip/dialog.c sip/sdp.c sip/stack.c sip/ua.c \
	    sip/stream.c sip/transp.c
$(LIBSIP): $(SIP_SRCS:%.c=$(B)/%.o)
UNIT_TESTS += test_sip_parse test_sip_uri test_sip_msg test_sip_ctrans \
	      test_sip_strans test_sip_dialog test_sip_sdp test_sip_ua \
	      test_sip_corpus test_sip_hdr test_sip_stack \
	      test_sip_stream test_sip_transp
