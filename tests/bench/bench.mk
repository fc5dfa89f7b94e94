# Benchmark tools (make bench): built like the services, not part of `make all`'s tests.
BENCH_BINS := $(BUILD)/bin/chiso-loadgen $(BUILD)/bin/chiso-pgbaseline

$(BUILD)/bin/chiso-loadgen: $(BUILD)/obj/tests/bench/loadgen.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ -pthread -o $@

$(BUILD)/bin/chiso-pgbaseline: $(BUILD)/obj/tests/bench/pgbaseline.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@
