# tdm/: spans, channels, ISDN (libpri) and drivers -> libtdm.a, with unit
# tests tests/unit/test_tdm_<file>.c.
TDM_SRCS := tdm/span.c tdm/chan.c tdm/call.c tdm/isdn.c tdm/dchan.c \
	tdm/drv_loop.c tdm/group.c tdm/isdn_info.c tdm/isdn_maint.c tdm/isdn_call.c tdm/drv_line.c
$(LIBTDM): $(TDM_SRCS:%.c=$(B)/%.o)
UNIT_TESTS += test_tdm_span test_tdm_chan test_tdm_call test_tdm_isdn \
	test_tdm_dchan test_tdm_drv_loop test_tdm_isdn_info test_tdm_isdn_maint test_tdm_group test_tdm_drv_line
