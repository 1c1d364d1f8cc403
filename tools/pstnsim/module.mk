# tools/pstnsim: the simulated PSTN switch (loop driver, server side).
PSTNSIM_SRCS := tools/pstnsim/pstnsim.c tools/pstnsim/opts.c \
	tools/pstnsim/phone.c tools/pstnsim/phone_act.c tools/pstnsim/dsp.c \
	tools/pstnsim/fax.c tools/pstnsim/script.c tools/pstnsim/run.c \
	tools/pstnsim/ctl.c tools/pstnsim/clock.c
BINS += $(B)/pstnsim

# $(TDM_VCLOCK_OBJ): libpri's wall clock follows --virtual time
$(B)/pstnsim: $(PSTNSIM_SRCS:%.c=$(B)/%.o) $(FAXDOC_OBJ) $(TDM_VCLOCK_OBJ) $(LIBGW) \
		$(LIBTDM) $(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EXT_LIBS)

# The fax tests' TIFF/F documents, made at test time.
BINS += $(B)/pstnsim-mktiff
$(B)/pstnsim-mktiff: $(B)/tools/pstnsim/mktiff.o $(FAXDOC_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -ltiff

# Unit tests of pstnsim's own files (linked with just those files).
UNIT_TESTS += test_tools_pstnsim_script
$(B)/tests/unit/test_tools_pstnsim_script: \
		$(B)/tests/unit/test_tools_pstnsim_script.o \
		$(B)/tools/pstnsim/script.o $(LIBTDM)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
UNIT_TESTS += test_tools_pstnsim_dsp test_tools_pstnsim_fax
$(B)/tests/unit/test_tools_pstnsim_dsp: \
		$(B)/tests/unit/test_tools_pstnsim_dsp.o \
		$(B)/tools/pstnsim/dsp.o $(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/unit/test_tools_pstnsim_fax: \
		$(B)/tests/unit/test_tools_pstnsim_fax.o \
		$(B)/tools/pstnsim/fax.o $(FAXDOC_OBJ) $(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
UNIT_TESTS += test_tools_pstnsim_run
$(B)/tests/unit/test_tools_pstnsim_run: \
		$(B)/tests/unit/test_tools_pstnsim_run.o \
		$(B)/tools/pstnsim/run.o $(B)/tools/pstnsim/script.o \
		$(B)/tools/pstnsim/clock.o $(TDM_VCLOCK_OBJ) $(LIBGW) \
		$(LIBTDM) $(LIBMEDIA) $(LIBSIP)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
