# tdm/: spans, channels, ISDN (libpri) and drivers -> libtdm.a, with unit
# tests tests/unit/test_tdm_<file>.c.
TDM_SRCS := tdm/span.c tdm/audio.c tdm/chan.c tdm/call.c tdm/isdn.c tdm/isdn_call.c \
	tdm/isdn_info.c tdm/isdn_maint.c tdm/dchan.c tdm/group.c \
	tdm/drv_loop.c tdm/drv_line.c tdm/drv_dahdi.c tdm/drv_pa.c
$(LIBTDM): $(TDM_SRCS:%.c=$(B)/%.o)
UNIT_TESTS += test_tdm_span test_tdm_chan test_tdm_call test_tdm_isdn \
	test_tdm_dchan test_tdm_drv_loop test_tdm_isdn_info \
	test_tdm_isdn_maint test_tdm_group test_tdm_drv_line test_tdm_vclock \
	test_tdm_drv_dahdi test_tdm_drv_pa test_tdm_audio

# The virtual clock interposes gettimeofday()/time(): never in libtdm.a
# (the daemon would pull it in), only linked into simulation binaries
# that ask for it with $(TDM_VCLOCK_OBJ).
TDM_VCLOCK_OBJ := $(B)/tdm/vclock.o
$(B)/tests/unit/test_tdm_vclock: $(B)/tests/unit/test_tdm_vclock.o \
		$(TDM_VCLOCK_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TDM_VCLOCK_OBJ) $(ALL_LIBS) $(TEST_LIBS)
