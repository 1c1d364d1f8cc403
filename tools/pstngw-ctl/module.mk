# tools/pstngw-ctl: the control client (talks to gateway/ctl.c's socket).
BINS += $(B)/pstngw-ctl
$(B)/pstngw-ctl: $(B)/tools/pstngw-ctl/pstngw-ctl.o
	$(CC) $(ALL_LDFLAGS) -o $@ $^
