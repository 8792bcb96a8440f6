# make bench: the hypervisor's cost in instructions, counted on the QEMU board by a TCG
# plugin (docs/bench.md). The top-level Makefile includes this fragment and runs
# `bench-run` after `all`; nothing here is part of `make` or `make test`, and the qemu
# source is fetched only when the plugin is built.
#   $(BUILD)/bench/hvcount.so     the plugin (QEMU 7.2, plugin API 1)
#   $(BUILD)/bench/results.json   the figures, also printed as a table
# It also works alone: make -f tools/bench/bench.mk bench-run

BUILD          ?= build
PYTHON         ?= /usr/bin/python3
BENCH_OUT      := $(BUILD)/bench
# Debian's qemu source package has the plugin API header (include/qemu/qemu-plugin.h);
# `apt-get source qemu` unpacks it as $(BENCH_SRC_DIR)/qemu, once.
BENCH_SRC_DIR  ?= $(BUILD)/src
BENCH_QEMU_SRC := $(BENCH_SRC_DIR)/qemu
BENCH_PLUGIN_H := $(BENCH_QEMU_SRC)/include/qemu/qemu-plugin.h
BENCH_PLUGIN   := $(BENCH_OUT)/hvcount.so
BENCH_SRCS     := tools/bench/hvcount.c tools/bench/spin.c
BENCH_CFLAGS   := -std=gnu11 -O2 -g -fPIC -shared -pthread -Wall -Wextra -Werror -Wshadow \
                  -Wstrict-prototypes
BENCH_ARGS     ?=

.PHONY: bench-plugin bench-run

$(BENCH_PLUGIN_H):
	@echo "bench: fetching Debian's qemu source for the TCG plugin header (apt-get source qemu)"
	@scripts/fetch-source.sh qemu $(BENCH_SRC_DIR) || { \
		echo "bench: cannot build the plugin without $@: 'apt-get source qemu' failed (see above)" >&2; \
		exit 1; }
	@test -f $@ || { \
		echo "bench: the qemu source package has no $(@:$(BENCH_QEMU_SRC)/%=%)" >&2; exit 1; }
	@touch $@

$(BENCH_PLUGIN): $(BENCH_SRCS) tools/bench/spin.h tools/bench/bench.mk $(BENCH_PLUGIN_H)
	@mkdir -p $(@D)
	$(CC) $(BENCH_CFLAGS) -I$(BENCH_QEMU_SRC)/include/qemu -o $@ $(BENCH_SRCS)

bench-plugin: $(BENCH_PLUGIN)

bench-run: $(BENCH_PLUGIN)
	$(PYTHON) tools/bench/run.py --build $(BUILD) --plugin $(BENCH_PLUGIN) \
		--out $(BENCH_OUT)/results.json $(BENCH_ARGS)
