# tools/sipfax: the SIP fax terminal (send a TIFF, receive into a spool).
SIPFAX_SRCS := tools/sipfax/sipfax.c tools/sipfax/call.c \
	tools/sipfax/audio.c tools/sipfax/term.c tools/sipfax/opts.c
BINS += $(B)/sipfax
$(B)/sipfax: $(SIPFAX_SRCS:%.c=$(B)/%.o) $(FAXDOC_OBJ) $(LIBGW) $(LIBSIP) \
		$(LIBMEDIA) $(LIBTDM)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(EXT_LIBS)

UNIT_TESTS += test_tools_sipfax_opts test_tools_sipfax_term
$(B)/tests/unit/test_tools_sipfax_opts: \
		$(B)/tests/unit/test_tools_sipfax_opts.o \
		$(B)/tools/sipfax/opts.o $(B)/tools/sipfax/term.o $(FAXDOC_OBJ) \
		$(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
$(B)/tests/unit/test_tools_sipfax_term: \
		$(B)/tests/unit/test_tools_sipfax_term.o \
		$(B)/tools/sipfax/term.o $(FAXDOC_OBJ) $(LIBMEDIA)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(TEST_LIBS)
