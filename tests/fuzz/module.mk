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
		route_file ctl q931
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

# The D-channel harness runs libpri on the virtual clock (tdm/vclock.c)
# and links it statically with its allocator renamed, so that the harness
# can free what a retired controller holds (libpri 1.6 has no destructor:
# about 30 KB per input would pile up, and libFuzzer run out of memory).
LIBPRI_A := $(firstword $(wildcard /usr/lib/libpri.a /usr/lib/*/libpri.a))
$(B)/tests/fuzz/libpri_tracked.a: $(LIBPRI_A)
	@mkdir -p $(dir $@)
	objcopy --redefine-sym calloc=fq_pri_calloc \
		--redefine-sym malloc=fq_pri_malloc \
		--redefine-sym free=fq_pri_free $< $@

Q931_OBJS = $(B)/tests/fuzz/fuzz_q931.o $(TDM_VCLOCK_OBJ)
$(B)/tests/fuzz/fuzz_q931: $(Q931_OBJS) $(ALL_LIBS) \
		$(B)/tests/fuzz/libpri_tracked.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(Q931_OBJS) $(ALL_LIBS) \
		$(B)/tests/fuzz/libpri_tracked.a $(EXT_LIBS)

$(B)/tests/fuzz/replay_q931: $(Q931_OBJS) $(B)/tests/fuzz/replay.o \
		$(ALL_LIBS) $(B)/tests/fuzz/libpri_tracked.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(Q931_OBJS) $(B)/tests/fuzz/replay.o \
		$(ALL_LIBS) $(B)/tests/fuzz/libpri_tracked.a $(EXT_LIBS)

fuzz-bins: $(FUZZ_BINS)

fuzz:
	$(MAKE) --no-print-directory FUZZ=1 CC=$(FUZZ_CC) B=$(FUZZ_B) \
		FUZZ_TARGETS="$(FUZZ_TARGETS)" fuzz-bins
	tests/fuzz/run.sh $(FUZZ_B) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-replay: $(REPLAY_BINS)
	@tests/fuzz/run.sh --replay $(B) 0 $(FUZZ_TARGETS)

test: fuzz-replay

.PHONY: fuzz fuzz-bins fuzz-replay
