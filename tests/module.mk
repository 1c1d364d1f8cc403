# tests/: cmocka unit tests (one binary per tests/unit/*.c listed in
# UNIT_TESTS by the module.mk files), corpus and integration tests.
UNIT_BINS = $(UNIT_TESTS:%=$(B)/tests/unit/%)

# UNIT_LDFLAGS_<test>: extra link flags for one test (e.g. --wrap=malloc);
# UNIT_OBJS_<test>: extra objects (also listed as its prerequisites).
$(B)/tests/unit/%: $(B)/tests/unit/%.o $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) $(UNIT_LDFLAGS_$*) -o $@ $< $(UNIT_OBJS_$*) \
		$(ALL_LIBS) $(TEST_LIBS)

# Each binary runs from the project root, so ../shared/corpus resolves,
# in a network namespace of its own (tests/unit/netns.sh).
unit: $(UNIT_BINS)
	@fail=0; for t in $(UNIT_BINS); do \
		echo "== $$t"; tests/unit/netns.sh $$t || fail=1; done; \
		exit $$fail

# keep test objects: they are not throwaway intermediates
.SECONDARY:

# Benchmarks: each module.mk adds its programs to BENCHES (sources in
# tests/bench/<name>.c); each prints `BENCH <name> <value> <unit> [vs= ratio=]`
# lines. Never part of `make test`: timings are measured, not asserted.
BENCH_BINS = $(BENCHES:%=$(B)/tests/bench/%)

$(B)/tests/bench/%: $(B)/tests/bench/%.o $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(ALL_LIBS) $(EXT_LIBS) $(BENCH_LIBS)

# Benches driving the real daemon and peers (shell, own network namespace)
BENCH_SCRIPTS += tests/bench/call_cps.sh # issue 8: cps vs kamailio, overload

bench: $(BENCH_BINS) $(BINS)
	@fail=0; for b in $(BENCH_BINS); do $$b || fail=1; done; \
	for s in $(BENCH_SCRIPTS); do $$s $(B) || fail=1; done; exit $$fail

# Load and soak (tests/soak/soak.sh): SOAK_SECONDS of calls and faxes both ways
# with media, then its checks; bounded by timeout whatever happens. Never
# part of `make test` (t_soak_short runs the same harness for 10 s).
SOAK_SECONDS ?= 600
soak: $(BINS)
	SOAK_SECONDS=$(SOAK_SECONDS) timeout -k 10 $$(($(SOAK_SECONDS) + 300)) \
		tests/soak/soak.sh $(B)
.PHONY: soak

# Small helpers the integration tests run (tests/tools/<name>.c, libc
# only), e.g. rtpev_pcap: an RFC 4733 pcap for SIPp's play_pcap_audio.
TEST_TOOLS = $(B)/tests/tools/rtpev_pcap
# sipsend: raw SIP over UDP/TCP for the attack tests (t_attack_*.sh)
TEST_TOOLS += $(B)/tests/tools/sipsend
# udpspoof: datagrams from a chosen source (bogus media from a peer)
TEST_TOOLS += $(B)/tests/tools/udpspoof

$(B)/tests/tools/%: $(B)/tests/tools/%.o
	$(CC) $(ALL_LDFLAGS) -o $@ $<

# Integration tests need every binary; each runs in its own network
# namespace (tests/integration/run.sh).
integration: $(BINS) $(TEST_TOOLS)
	tests/integration/run.sh $(B)

test: $(BINS) $(UNIT_BINS) $(TEST_TOOLS)
	$(MAKE) --no-print-directory unit
	$(MAKE) --no-print-directory integration

# The whole suite again, built with AddressSanitizer and UBSan.
check: check-style
	$(MAKE) --no-print-directory SAN=1 test

demo: $(BINS)
	tools/demo.sh $(B)

# The fax simulation (tests/sim): one process, virtual time, seeded.
# `make sim` runs the short default set; `make test` runs it too.
FAXSIM_OBJ = $(B)/tests/sim/faxsim.o $(FAXDOC_OBJ)

$(B)/tests/sim/t_fax_sim: $(B)/tests/sim/t_fax_sim.o $(FAXSIM_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(ALL_LIBS) $(EXT_LIBS)

sim: $(B)/tests/sim/t_fax_sim
	$(B)/tests/sim/t_fax_sim

test: sim
.PHONY: sim

# Fax benchmarks (tests/bench/fax_*.c) run the simulation's code too.
BENCHES += fax_sim fax_t38_cost
$(B)/tests/bench/fax_sim $(B)/tests/bench/fax_t38_cost: $(B)/tests/bench/%: \
		$(B)/tests/bench/%.o $(FAXSIM_OBJ) $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(ALL_LIBS) $(EXT_LIBS) $(BENCH_LIBS)
