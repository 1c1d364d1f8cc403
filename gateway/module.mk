# gateway/: the daemon. Everything but main.c also goes into libgw.a so the
# tests and the tools can link the loop, logging, config and call control.
GW_SRCS := gateway/loop.c gateway/log.c gateway/cfg.c gateway/cfg_opts.c gateway/hooks.c \
	   gateway/net.c gateway/route.c gateway/interwork.c gateway/identity.c gateway/call_identity.c gateway/call.c \
	   gateway/call_media.c gateway/call_setup.c gateway/sipudp.c \
	   gateway/media_net.c gateway/media_worker.c gateway/media_pool.c \
	   gateway/sipconn.c gateway/siptcp.c gateway/siptls.c gateway/sipnet.c \
	   gateway/gw.c gateway/media_prof.c \
	   gateway/call_dtmf.c gateway/call_tone.c gateway/rt.c
GW_SRCS += gateway/sipauth.c gateway/keepalive.c
GW_SRCS += gateway/cdr.c gateway/metrics.c
GW_SRCS += gateway/ctl.c gateway/ctl_cmd.c gateway/call_ctl.c
GW_SRCS += gateway/call_fax.c gateway/call_fax_res.c # fax (issue 6)
GW_SRCS += gateway/call_fax_end.c
GW_SRCS += gateway/route_file.c gateway/route_gw.c
GW_SRCS += gateway/drain.c # scale-out (issue 9)
UNIT_TESTS += test_gateway_drain
UNIT_TESTS += test_gateway_gw # x-pstngw-trunks (issue 9)
GW_SRCS += gateway/overload.c # overload control (issue 8)
UNIT_TESTS += test_gateway_overload
# operations (issue 7): reload, captures
GW_SRCS += gateway/reload.c gateway/pcap.c gateway/capture.c gateway/originate.c \
	   gateway/ctl_ops.c
UNIT_TESTS += test_gateway_reload test_gateway_pcap test_gateway_capture \
	      test_gateway_originate test_gateway_ctl_ops
# access control (issue 8): ACLs, source identification, rate limits
GW_SRCS += gateway/access.c gateway/access_gw.c gateway/access_pol.c \
	gateway/access_file.c
UNIT_TESTS += test_gateway_access test_gateway_access_pol \
	test_gateway_access_file
$(LIBGW): $(GW_SRCS:%.c=$(B)/%.o)

BINS += $(B)/pstngw
$(B)/pstngw: $(B)/gateway/main.o $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(ALL_LIBS) $(EXT_LIBS)

UNIT_TESTS += test_gateway_cfg test_gateway_loop test_gateway_route \
	      test_gateway_interwork test_gateway_log test_gateway_net \
	      test_gateway_hooks test_gateway_call test_gateway_sipudp \
	      test_gateway_media_net test_gateway_media_worker \
	      test_gateway_media_pool test_gateway_media_prof test_gateway_rt
UNIT_TESTS += test_gateway_sipauth
UNIT_TESTS += test_gateway_identity test_gateway_call_identity
UNIT_TESTS += test_gateway_sipconn test_gateway_siptcp
UNIT_TESTS += test_gateway_cdr test_gateway_metrics
UNIT_TESTS += test_gateway_ctl
UNIT_TESTS += test_gateway_call_fax test_gateway_call_fax_end
UNIT_TESTS += test_gateway_route_file
# no allocation in the steady media path (issue 5): our objects' allocator
# calls go through the test's counting wrappers
UNIT_TESTS += test_gateway_media_noalloc
UNIT_LDFLAGS_test_gateway_media_noalloc := \
	-Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=free \
	-Wl,--wrap=strdup,--wrap=strndup -rdynamic
# its T.38 call has pstnsim's fax machines on the TDM side
UNIT_OBJS_test_gateway_media_noalloc := $(B)/tools/pstnsim/fax.o \
	$(B)/tools/faxdoc/faxdoc.o
$(B)/tests/unit/test_gateway_media_noalloc: \
	$(UNIT_OBJS_test_gateway_media_noalloc)
BENCHES += gateway_route_match
