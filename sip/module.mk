# sip/: sources of libsip.a and their unit tests (tests/unit/test_sip_<file>.c).
SIP_SRCS := sip/parse.c sip/hdr_name.c sip/hdr.c sip/hdr_typed.c sip/uri.c sip/msg.c sip/ctrans.c sip/strans.c \
	    sip/dialog.c sip/sdp.c sip/sdp_t38.c sip/sdp_crypto.c sip/stack.c sip/ua.c \
	    sip/validate.c sip/ua_invite.c sip/ua_offer.c sip/ua_prack.c \
	    sip/ua_timer.c sip/ua_subs.c sip/ua_req.c
# digest authentication and registration (kept apart to ease merges)
SIP_SRCS += sip/digest.c sip/digest_srv.c sip/reg.c sip/ua_auth.c
# transports: stream framing, Via/rport/received, large requests
SIP_SRCS += sip/stream.c sip/transp.c
$(LIBSIP): $(SIP_SRCS:%.c=$(B)/%.o)
UNIT_TESTS += test_sip_parse test_sip_uri test_sip_msg test_sip_ctrans \
	      test_sip_strans test_sip_dialog test_sip_sdp test_sip_ua \
	      test_sip_torture test_sip_hdr test_sip_stack \
	      test_sip_hdr_typed test_sip_validate test_sip_sdp_t38 \
	      test_sip_hdr_name test_sip_ua_req test_sip_ua_offer \
	      test_sip_ua_timer test_sip_ua_prack test_sip_ua_subs \
	      test_sip_ua_screen
UNIT_TESTS += test_sip_digest test_sip_digest_srv test_sip_reg test_sip_ua_auth
UNIT_TESTS += test_sip_stream test_sip_transp
# The parser benchmark against libosip2, the only thing linked with it.
BENCHES += sip_parse
$(B)/tests/bench/sip_parse: BENCH_LIBS += -losipparser2
UNIT_TESTS += test_sip_sdp_crypto # SDES a=crypto, SRTP offer/answer
# the regression pack of known attacks (issue 8)
UNIT_TESTS += test_sip_attacks
