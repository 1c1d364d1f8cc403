# tools/sipua: the SIP test phone used by the integration tests and the demo.
BINS += $(B)/sipua
$(B)/sipua: $(B)/tools/sipua/sipua.o $(B)/tools/sipua/ua_dtmf.o \
		$(B)/tools/sipua/ua_srtp.o $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(B)/tools/sipua/sipua.o \
		$(B)/tools/sipua/ua_dtmf.o $(B)/tools/sipua/ua_srtp.o \
		$(ALL_LIBS) $(EXT_LIBS)
