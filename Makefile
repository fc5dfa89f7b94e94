# chiso build. `make` builds everything; `make run` starts the system with demo data;
# `make test` runs every test. SANITIZER=address|undefined|address,undefined switches the build.

SANITIZER ?=
comma     := ,
VARIANT   := $(if $(SANITIZER),$(subst $(comma),-,$(SANITIZER)),default)
BUILD     ?= build/$(VARIANT)
GEN       := $(BUILD)/gen

PKGS      := libzmq libprotobuf-c libpq jansson libsodium libmicrohttpd xlsxwriter \
             pangocairo cairo-pdf cairo-svg fontconfig libcurl libqrencode
CC        ?= cc
CFLAGS    := -std=c17 -Wall -Wextra -Werror -O2 -g -D_GNU_SOURCE -pthread \
             -I$(GEN) -Iservices/common $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lmagic -lm -pthread
ifneq ($(SANITIZER),)
CFLAGS    += -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS   += -fsanitize=$(SANITIZER)
endif

# --- protobuf ---------------------------------------------------------------------------
PROTOS    := $(wildcard proto/*.proto)
PB_C      := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PB_H      := $(PB_C:.c=.h)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto
	@mkdir -p $(GEN)
	protoc-c --c_out=$(GEN) -Iproto $<

# --- common library ---------------------------------------------------------------------
COMMON_SRC := $(wildcard services/common/*.c)
COMMON_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(COMMON_SRC)) \
              $(patsubst $(GEN)/%.c,$(BUILD)/obj/gen/%.o,$(PB_C))
LIBCHISO   := $(BUILD)/lib/libchiso.a

$(BUILD)/obj/%.o: %.c $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/gen/%.o: $(GEN)/%.c $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIBCHISO): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# --- services: every services/<name>/main.c is an executable chiso-<name> ---------------
# A services/<name>/ folder with .c files but no main.c yet still gets its libsvc_<name>.a,
# so unit tests can link its modules before the executable exists.
SERVICES  := $(patsubst services/%/main.c,%,$(wildcard services/*/main.c))
SVC_DIRS  := $(filter-out common,$(patsubst services/%/,%,$(sort $(dir $(wildcard services/*/*.c)))))
BINS      := $(patsubst %,$(BUILD)/bin/chiso-%,$(SERVICES))
SVC_LIBS  := $(patsubst %,$(BUILD)/lib/libsvc_%.a,$(SVC_DIRS))

define service_lib_rules
$(1)_SRC := $$(filter-out services/$(1)/main.c,$$(wildcard services/$(1)/*.c))
$(1)_OBJ := $$(patsubst %.c,$(BUILD)/obj/%.o,$$($(1)_SRC))
$(BUILD)/lib/libsvc_$(1).a: $$($(1)_OBJ)
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^ $$(if $$^,,--)
endef
# A service may link another service's pure modules (SVC_USES_<name>): catalog checks a
# period's ranking configuration with ranking's own parser (rank_data_config), so a bad one
# is refused when it is set, by the same code that reads it.
SVC_USES_catalog := ranking
define service_bin_rules
$(BUILD)/bin/chiso-$(1): $(BUILD)/obj/services/$(1)/main.o $(BUILD)/lib/libsvc_$(1).a $(foreach u,$(SVC_USES_$(1)),$(BUILD)/lib/libsvc_$(u).a) $(LIBCHISO)
	@mkdir -p $$(dir $$@)
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--start-group $$^ -Wl,--end-group $(LDLIBS) -o $$@
endef
# chiso-admin runs the portal's ingest itself (portal-load FILE): it links the portal's
# modules (the libraries are linked as one group, so their order does not matter).
$(BUILD)/obj/services/admin/%.o: CFLAGS += -Iservices/portal
$(BUILD)/bin/chiso-admin: $(BUILD)/lib/libsvc_portal.a
# ... and one pass of the catalog's reminders (reminders-run), with the catalog's modules
# (which use ranking's configuration parser).
$(BUILD)/obj/services/admin/%.o: CFLAGS += -Iservices/catalog
$(BUILD)/bin/chiso-admin: $(BUILD)/lib/libsvc_catalog.a $(BUILD)/lib/libsvc_ranking.a
$(foreach s,$(SVC_DIRS),$(eval $(call service_lib_rules,$(s))))
$(foreach s,$(SERVICES),$(eval $(call service_bin_rules,$(s))))

# --- unit tests: tests/unit/test_*.c, cmocka, may use any service's modules ---------------
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

# A unit test includes a service's headers by name ("rank.h"): every services/<name>/ that
# has headers is on the include path of the tests (only of the tests, so services never
# see each other's headers).
SVC_INC   := $(sort $(patsubst %/,-I%,$(filter-out services/common/,$(dir $(wildcard services/*/*.h)))))
$(BUILD)/obj/tests/unit/%.o: CFLAGS += $(SVC_INC)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(SVC_LIBS) $(LIBCHISO)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< -Wl,--start-group $(SVC_LIBS) $(LIBCHISO) -Wl,--end-group \
	    $(LDLIBS) -lcmocka -o $@

# --- targets ----------------------------------------------------------------------------
.PHONY: all bins deps run up down test unit blackbox bench chaos clean
.DEFAULT_GOAL := all

all: $(BINS) $(UNIT_BINS)

# The scripts find the executables through CHISO_BIN (this build's bin folder).
SCRIPT_ENV := CHISO_BIN=$(abspath $(BUILD)/bin)

deps:
	@scripts/install-deps

# Running needs the executables only (not the unit tests).
bins: $(BINS)

run: deps
	@$(MAKE) --no-print-directory bins
	@$(SCRIPT_ENV) scripts/run --foreground

up: deps
	@$(MAKE) --no-print-directory bins
	@$(SCRIPT_ENV) scripts/run --background

down:
	@$(SCRIPT_ENV) scripts/run --stop

# Build what builds (-k) and test it: a part that does not compile is reported as a failure
# by scripts/test, and the tests of everything else still run.
test: deps
	@$(MAKE) --no-print-directory -k all; \
	 $(SCRIPT_ENV) CHISO_BUILD_STATUS=$$? SANITIZER=$(SANITIZER) scripts/test

# The bench needs the executables and its two tools (tests/bench/bench.mk), not the unit tests.
bench: deps
	@scripts/install-deps --bench
	@$(MAKE) --no-print-directory bins $(BENCH_BINS)
	@$(SCRIPT_ENV) scripts/bench

# Kill tests under load (scripts/chaos; the short form runs in make test: test_chaos.py),
# a PostgreSQL failover under load (--failover, pg_auto_failover) and the system over three
# network namespaces with hosts cut off (--hosts, needs root).
chaos: deps
	@$(MAKE) --no-print-directory bins
	@$(SCRIPT_ENV) scripts/chaos && $(SCRIPT_ENV) scripts/chaos --failover && \
	 $(SCRIPT_ENV) scripts/chaos --hosts

clean:
	rm -rf build

# Generated protobuf sources are inputs of many objects: never delete them as intermediates.
.SECONDARY:

include tests/bench/bench.mk
include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
