# tools/pstnsim: the simulated PSTN switch (loop driver, server side).
PSTNSIM_SRCS := tools/pstnsim/pstnsim.c tools/pstnsim/phone.c
BINS += $(B)/pstnsim

$(B)/pstnsim: $(PSTNSIM_SRCS:%.c=$(B)/%.o) $(LIBGW) $(LIBTDM) $(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EXT_LIBS)
