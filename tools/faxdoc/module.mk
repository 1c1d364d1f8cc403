# tools/faxdoc: fax documents (TIFF/F) made, checked and compared decoded,
# for pstnsim, sipfax, the fax simulation and the fax unit tests.
FAXDOC_OBJ := $(B)/tools/faxdoc/faxdoc.o

# The fax unit tests of media/ write and compare documents with it too.
FAXDOC_TESTS := test_media_t38gw test_media_t38leg
$(FAXDOC_TESTS:%=$(B)/tests/unit/%): $(B)/tests/unit/%: \
		$(B)/tests/unit/%.o $(FAXDOC_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(ALL_LIBS) $(TEST_LIBS)
