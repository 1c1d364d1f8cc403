# tests/fuzz/: libFuzzer harnesses, one per input surface (fuzz_<name>.c).
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="sip_msg sdp"]
#	builds them with clang (fuzzer, ASan, UBSan) into build/fuzz/ and
#	runs each for FUZZ_SECONDS on its seeds (tests/fuzz/seeds/<name>/,
#	../shared/corpus where it fits) and a scratch corpus kept in
#	build/fuzz/corpus/<name>/; fails on a crash, leak or timeout and
#	prints the reproducer (build/fuzz/crashes/<name>/).
#   make fuzz-replay
#	the same harnesses built normally (gcc, or SAN=1) with replay.c as
#	main(), run once over every seed: part of make test.
FUZZ_TARGETS ?= sip_msg sip_stack sip_uri sdp digest rtp udptl t38 cfg \
		route_file ctl
FUZZ_SECONDS ?= 60
FUZZ_B := build/fuzz
FUZZ_CC ?= clang

# The fuzz build: the whole tree instrumented for coverage and checked by
# the sanitizers (its own build dir; the normal build is not touched).
ifeq ($(FUZZ),1)
ALL_CFLAGS += -O1 -fno-omit-frame-pointer -gline-tables-only \
	      -fsanitize=fuzzer-no-link,address,undefined \
	      -fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=fuzzer,address,undefined
endif

FUZZ_BINS = $(FUZZ_TARGETS:%=$(B)/tests/fuzz/fuzz_%)
REPLAY_BINS = $(FUZZ_TARGETS:%=$(B)/tests/fuzz/replay_%)

$(B)/tests/fuzz/fuzz_%: $(B)/tests/fuzz/fuzz_%.o $(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(ALL_LIBS) $(EXT_LIBS)

$(B)/tests/fuzz/replay_%: $(B)/tests/fuzz/fuzz_%.o $(B)/tests/fuzz/replay.o \
		$(ALL_LIBS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(ALL_LIBS) $(EXT_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz:
	$(MAKE) --no-print-directory FUZZ=1 CC=$(FUZZ_CC) B=$(FUZZ_B) \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-bins
	tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-replay: $(REPLAY_BINS)
	@tests/fuzz/run.sh --replay $(B) 0 $(FUZZ_TARGETS)

test: fuzz-replay

.PHONY: fuzz fuzz-bins fuzz-replay
