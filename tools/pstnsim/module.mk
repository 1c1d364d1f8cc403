# tools/pstnsim: the simulated PSTN switch (loop driver, server side).
PSTNSIM_SRCS := tools/pstnsim/pstnsim.c tools/pstnsim/opts.c \
	tools/pstnsim/phone.c tools/pstnsim/phone_act.c tools/pstnsim/dsp.c \
	tools/pstnsim/fax.c tools/pstnsim/script.c tools/pstnsim/run.c \
	tools/pstnsim/ctl.c
BINS += $(B)/pstnsim

$(B)/pstnsim: $(PSTNSIM_SRCS:%.c=$(B)/%.o) $(LIBGW) $(LIBTDM) $(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EXT_LIBS)

# The fax tests' TIFF/F documents, made at test time.
BINS += $(B)/pstnsim-mktiff
$(B)/pstnsim-mktiff: $(B)/tools/pstnsim/mktiff.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^ -ltiff
