# Host fuzzing: one libFuzzer harness per input surface of the host-built core
# (docs/fuzzing.md). Every harness links the core (hypervisor/core/**.c and the
# config validator, include/lib/config/*.c) and the
# host stand-ins (pytest/host/support/*.c), built with AddressSanitizer and
# UndefinedBehaviorSanitizer, from one archive: the linker takes only the
# objects a harness needs.
#   $(FUZZ_OUT)/fuzz_<surface>   one binary per pytest/fuzz/fuzz_<surface>.c
#   make fuzz                    runs each for FUZZ_SECONDS (FUZZ_TARGET=<surface> for one),
#                                new inputs go to $(FUZZ_OUT)/corpus/<surface>, crashes to
#                                $(FUZZ_OUT)/artifacts/<surface>/
#   make test                    pytest/host/test_fuzz.py runs each for a fixed count
# The tree's corpus (pytest/fuzz/corpus/<surface>) is only read here;
# pytest/fuzz/make_corpus.py writes it.

FUZZ_CC       ?= clang
FUZZ_OUT      ?= $(BUILD)/fuzz
FUZZ_SECONDS  ?= 60
FUZZ_TARGET   ?=
FUZZ_ARGS     ?=
FUZZ_SURFACES := $(sort $(patsubst pytest/fuzz/fuzz_%.c,%,$(wildcard pytest/fuzz/fuzz_*.c)))
FUZZ_BINS     := $(addprefix $(FUZZ_OUT)/fuzz_,$(FUZZ_SURFACES))
FUZZ_LIB      := $(FUZZ_OUT)/libbhcore-fuzz.a
# UB aborts (no recovery); leaks count (LeakSanitizer runs after every input).
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_BASE     := -std=c11 -O1 -g -Iinclude -Ihypervisor/include -DBH_HOST $(FUZZ_SAN)
# The core is kept warning-free by the gcc build of libbhcore.so (-Werror there).
# -Iinclude/lib/config: a mutant's copy of a validator file (fuzz-mutant) finds its private header.
FUZZ_CORE_CFLAGS    := $(FUZZ_BASE) -Iinclude/lib/config -fsanitize=fuzzer-no-link -Wall -Wextra \
                       -fsanitize-coverage-ignorelist=pytest/fuzz/coverage-ignore.txt
FUZZ_HARNESS_CFLAGS := $(FUZZ_BASE) -fsanitize=fuzzer -Wall -Wextra -Werror -Wshadow \
                       -Wstrict-prototypes -D_GNU_SOURCE
FUZZ_ENV      := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1 \
                 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

FUZZ_CORE_SRC := $(sort $(wildcard hypervisor/core/*.c hypervisor/core/*/*.c) $(wildcard pytest/host/support/*.c)) \
                 $(BH_CONFIG_LIB)
FUZZ_CORE_OBJ := $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(FUZZ_CORE_SRC))

ALL_EXTRA += $(FUZZ_BINS)

$(FUZZ_OUT)/obj/%.o: %.c $(HOST_CORE_HDR) pytest/fuzz/build.mk pytest/fuzz/coverage-ignore.txt
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CORE_CFLAGS) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(FUZZ_OUT)/fuzz_%: pytest/fuzz/fuzz_%.c pytest/fuzz/fuzz.h $(FUZZ_LIB) $(HOST_CORE_HDR)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_HARNESS_CFLAGS) -o $@ $< $(FUZZ_LIB)

.PHONY: fuzz-build fuzz-run fuzz-mutant

fuzz-build: $(FUZZ_BINS)

fuzz-run: $(FUZZ_BINS)
	@$(if $(filter-out $(FUZZ_SURFACES),$(FUZZ_TARGET)),\
	  echo "FUZZ_TARGET=$(FUZZ_TARGET): no such harness (have: $(FUZZ_SURFACES))" >&2; exit 1;)
	@set -e; for t in $(or $(FUZZ_TARGET),$(FUZZ_SURFACES)); do \
		mkdir -p $(FUZZ_OUT)/corpus/$$t $(FUZZ_OUT)/artifacts/$$t; \
		echo "fuzz_$$t: $(FUZZ_SECONDS) s, corpus $(FUZZ_OUT)/corpus/$$t + pytest/fuzz/corpus/$$t"; \
		$(FUZZ_ENV) $(FUZZ_OUT)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_OUT)/artifacts/$$t/ $(FUZZ_ARGS) \
			$(FUZZ_OUT)/corpus/$$t pytest/fuzz/corpus/$$t || { \
			echo "fuzz_$$t FAILED: the input is in $(FUZZ_OUT)/artifacts/$$t/;" \
			     "add it to pytest/fuzz/regressions/$$t/ once fixed" >&2; exit 1; }; \
	done

# Used by test_fuzz.py to show that the harnesses catch planted bugs: the
# harness FUZZ_MUTANT (a surface) linked with FUZZ_MUTANT_SRC (a changed copy of
# one core file, whose object then replaces the archive's) and built with
# FUZZ_MUTANT_CFLAGS, as FUZZ_MUTANT_BIN.
FUZZ_MUTANT        ?=
FUZZ_MUTANT_SRC    ?=
FUZZ_MUTANT_CFLAGS ?=
FUZZ_MUTANT_BIN    ?=
fuzz-mutant: $(FUZZ_LIB)
	@test -n "$(FUZZ_MUTANT)" -a -n "$(FUZZ_MUTANT_BIN)" || \
		{ echo "fuzz-mutant needs FUZZ_MUTANT and FUZZ_MUTANT_BIN" >&2; exit 1; }
	@mkdir -p $(dir $(FUZZ_MUTANT_BIN))
	$(if $(FUZZ_MUTANT_SRC),$(FUZZ_CC) $(FUZZ_CORE_CFLAGS) -c -o $(FUZZ_MUTANT_BIN).o $(FUZZ_MUTANT_SRC))
	$(FUZZ_CC) $(FUZZ_HARNESS_CFLAGS) $(FUZZ_MUTANT_CFLAGS) -o $(FUZZ_MUTANT_BIN) \
		pytest/fuzz/fuzz_$(FUZZ_MUTANT).c $(if $(FUZZ_MUTANT_SRC),$(FUZZ_MUTANT_BIN).o) $(FUZZ_LIB)
