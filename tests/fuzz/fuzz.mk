# `make fuzz`: the libFuzzer targets tests/fuzz/fuzz_*.c, built with clang
# (-fsanitize=fuzzer,address,undefined) in build/fuzz and run by scripts/fuzz for
# FUZZ_SECONDS each (default 50: six targets, 5 minutes, and the build stay under 10 minutes
# on 2 cores). Their seed corpora are tests/fuzz/corpus/<target>/; crash inputs found are kept in
# tests/fuzz/regress/<target>/ once fixed. `make test` replays both through
# tests/unit/test_fuzz_regress.c (no clang needed).
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRC))
FUZZ_SECONDS ?= 50

$(BUILD)/fuzz/%: tests/fuzz/%.c $(SVC_LIBS) $(LIBCHISO)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SVC_INC) -fsanitize=fuzzer $(LDFLAGS) $< \
	    -Wl,--start-group $(SVC_LIBS) $(LIBCHISO) -Wl,--end-group $(LDLIBS) -o $@

.PHONY: fuzz fuzz-bins
fuzz-bins: $(FUZZ_BINS)

fuzz: deps
	@$(MAKE) --no-print-directory CC=clang SANITIZER=fuzzer-no-link,address,undefined \
	    BUILD=build/fuzz fuzz-bins
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz build/fuzz/fuzz
