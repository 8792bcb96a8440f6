# Bulkhead: top-level build.
#   make deps   install the Debian packages everything below needs (root)
#   make        build the root kernel, the root file system and Bulkhead itself
#   make run    boot the QEMU board with its serial console on this terminal
#   make test   the whole pytest suite (host unit tests and board tests)
#   make bench  benchmark figures
#   make fuzz   the host fuzzers; make soak: long board runs of the fuzz inmate and cycles
# Every output goes under build/.

BUILD          ?= build
JOBS           ?= $(shell nproc)
CROSS_COMPILE  ?= riscv64-linux-gnu-
PYTHON         ?= /usr/bin/python3
BOARD          ?=
SSH_PORT       ?= 2222
PYTEST_ARGS    ?=

include scripts/board.env

SHELL := /bin/bash
.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.SUFFIXES:

# The root kernel: KERNEL=6.1 (the default) or KERNEL=6.12 (docs/kernels.md).
# What depends on the kernel (its tree, the modules, the initramfs that holds
# them) lives in KHOME: build/ itself for 6.1, where it always was, and
# build/kernel-VERSION/ for another kernel; the rest is shared by both.
KERNELS        := 6.1 6.12
KERNEL         ?= 6.1
ifeq ($(filter $(KERNEL),$(KERNELS)),)
$(error KERNEL=$(KERNEL): the board's kernels are $(KERNELS))
endif
KHOME          := $(if $(filter 6.1,$(KERNEL)),$(BUILD),$(BUILD)/kernel-$(KERNEL))
KERNEL_TARBALL := /usr/src/linux-source-$(KERNEL).tar.xz
KSRC           := $(BUILD)/src/linux-source-$(KERNEL)
KOUT           := $(KHOME)/linux
# The fragments merged on top of tinyconfig: the common one, then the kernel's own.
KFRAGMENTS     := configs/root-kernel.config configs/root-kernel-$(KERNEL).config
KIMAGE         := $(KOUT)/arch/riscv/boot/Image
KMAKE           = $(MAKE) -C $(KSRC) O=$(abspath $(KOUT)) ARCH=riscv CROSS_COMPILE=$(CROSS_COMPILE)
BUSYBOX        := $(BUILD)/busybox/busybox
DROPBEAR       := $(BUILD)/dropbear/dropbear
DTB            := $(BUILD)/board.dtb
INITRAMFS      := $(KHOME)/initramfs.cpio.gz
SSH_KEY        := $(BUILD)/ssh/id_ed25519
GEN_INIT_CPIO  := $(KHOME)/host/gen_init_cpio
HOST_LIB       := $(BUILD)/host/libbhcore.so
MODTEST        := $(KHOME)/modules/modtest/modtest.ko
HVCALL         := $(KHOME)/modules/hvcall/hvcall.ko

HOST_CFLAGS    := -std=c11 -O1 -g -fPIC -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
                  -Iinclude -Ihypervisor/include -DBH_HOST
# The config validator: one library, built into the hypervisor, the driver, hvctl,
# cellcheck, the host tests and the fuzzers (include/bulkhead/config_check.h).
BH_CONFIG_LIB  := $(sort $(wildcard include/lib/config/*.c))
BH_CONFIG_HDR  := $(wildcard include/lib/config/*.h)
HOST_CORE_SRC  := $(sort $(wildcard hypervisor/core/*.c hypervisor/core/*/*.c) $(wildcard pytest/host/support/*.c)) \
                  $(BH_CONFIG_LIB)
HOST_CORE_HDR  := $(wildcard include/bulkhead/*.h hypervisor/include/*.h hypervisor/include/*/*.h \
                    pytest/host/support/*.h) tools/bench/spin.h $(BH_CONFIG_HDR)

ROOTFS_FILES   := $(wildcard configs/rootfs/*)

# Project files installed into the root file system, as /path=build-file.
# The stock UIO modules the root's link ends use (docs/shared-memory.md).
UIO_MODULES    := $(KOUT)/drivers/uio/uio.ko $(KOUT)/drivers/uio/uio_pdrv_genirq.ko
ROOTFS_EXTRA   := /lib/modules/bulkhead/modtest.ko=$(MODTEST) \
                  /lib/modules/bulkhead/hvcall.ko=$(HVCALL) \
                  /lib/modules/uio/uio.ko=$(KOUT)/drivers/uio/uio.ko \
                  /lib/modules/uio/uio_pdrv_genirq.ko=$(KOUT)/drivers/uio/uio_pdrv_genirq.ko
# Further outputs of `make` (all), added by the per-directory fragments.
ALL_EXTRA      :=

# Each part of the project that builds something keeps its rules in its own
# fragment; they may add to ROOTFS_EXTRA and ALL_EXTRA.
include $(wildcard configs/build.mk hypervisor/build.mk driver/build.mk tools/build.mk inmates/build.mk inmates/linux/build.mk pytest/fuzz/build.mk packaging/build.mk)

.PHONY: all deps check-deps kernel rootfs host run test test-host test-board soak bench fuzz clean distclean

all: kernel rootfs $(DTB) host $(ALL_EXTRA)

# ---------------------------------------------------------------- packages
deps:
	@scripts/deps.sh

# Every build target first makes sure the packages are there (order-only, so it
# never forces a rebuild); deps.sh returns at once when they are, installs them
# when run as root, and says what to run when not.
check-deps:
	@scripts/deps.sh --quiet

# ---------------------------------------------------------------- root kernel
kernel: $(KIMAGE)

$(KSRC)/Makefile: | check-deps
	@mkdir -p $(BUILD)/src
	tar -C $(BUILD)/src -xf $(KERNEL_TARBALL)
	@touch $@

$(KOUT)/.config: $(KFRAGMENTS) $(KSRC)/Makefile
	@mkdir -p $(KOUT)
	$(KMAKE) -s tinyconfig
	$(KSRC)/scripts/kconfig/merge_config.sh -m -O $(KOUT) $(KOUT)/.config $(KFRAGMENTS) >/dev/null
	$(KMAKE) -s olddefconfig
	@scripts/check-kconfig.sh $@ $(KFRAGMENTS)

$(KIMAGE): $(KOUT)/.config
	$(KMAKE) -j$(JOBS) Image modules
	@touch $@

$(UIO_MODULES): $(KIMAGE)
	@test -f $@

# ---------------------------------------------------------------- root file system
rootfs: $(INITRAMFS)

$(BUILD)/src/busybox/Makefile: | check-deps
	scripts/fetch-source.sh busybox $(BUILD)/src

$(BUILD)/src/dropbear/configure: | check-deps
	scripts/fetch-source.sh dropbear $(BUILD)/src

$(BUSYBOX): configs/busybox.config $(BUILD)/src/busybox/Makefile
	@mkdir -p $(BUILD)/busybox
	$(MAKE) -s -C $(BUILD)/src/busybox O=$(abspath $(BUILD)/busybox) defconfig >/dev/null
	scripts/merge-busybox-config.sh $(BUILD)/busybox/.config $<
	$(MAKE) -s -C $(BUILD)/busybox CROSS_COMPILE=$(CROSS_COMPILE) oldconfig </dev/null >/dev/null
	$(MAKE) -s -C $(BUILD)/busybox CROSS_COMPILE=$(CROSS_COMPILE) -j$(JOBS) busybox busybox.links
	@touch $@

$(DROPBEAR): configs/dropbear-localoptions.h $(BUILD)/src/dropbear/configure
	@rm -rf $(BUILD)/dropbear && mkdir -p $(BUILD)/dropbear
	cp $< $(BUILD)/dropbear/localoptions.h
	cd $(BUILD)/dropbear && $(abspath $(BUILD)/src/dropbear)/configure -q \
		--host=$(CROSS_COMPILE:-=) --enable-static --disable-zlib --disable-syslog \
		--disable-lastlog --disable-utmp --disable-utmpx --disable-wtmp --disable-wtmpx \
		--disable-pututline --disable-pututxline >/dev/null
	$(MAKE) -s -C $(BUILD)/dropbear -j$(JOBS) PROGRAMS="dropbear" STATIC=1
	@touch $@

$(SSH_KEY):
	@mkdir -p $(@D)
	ssh-keygen -q -t ed25519 -N '' -C bulkhead-board -f $@

$(GEN_INIT_CPIO): $(KSRC)/Makefile
	@mkdir -p $(@D)
	$(CC) -O2 -o $@ $(KSRC)/usr/gen_init_cpio.c

# The board tests' own modules: pytest/modules/NAME/{NAME.c,Kbuild}.
$(MODTEST) $(HVCALL): $(KHOME)/modules/%.ko: pytest/modules/%.c $(KIMAGE)
	@mkdir -p $(@D)
	cp $< $(dir $<)Kbuild $(@D)/
	$(MAKE) -s -C $(KOUT) ARCH=riscv CROSS_COMPILE=$(CROSS_COMPILE) M=$(abspath $(@D)) modules

$(INITRAMFS): scripts/mk-initramfs.sh $(ROOTFS_FILES) $(BUSYBOX) $(DROPBEAR) $(SSH_KEY) \
		$(GEN_INIT_CPIO) $(foreach e,$(ROOTFS_EXTRA),$(lastword $(subst =, ,$(e))))
	GEN_INIT_CPIO=$(GEN_INIT_CPIO) scripts/mk-initramfs.sh $(BUILD) $@ $(ROOTFS_EXTRA)

# ---------------------------------------------------------------- board
$(DTB): scripts/make-dtb.sh scripts/board.env | check-deps
	scripts/make-dtb.sh $@

# make run enables the hypervisor and starts a cell (configs/rootfs/init reads
# bulkhead.cell=): CELL=hello (the default), CELL=linux for the Linux cell
# (docs/linux-cell.md), CELL=NAME for another demo cell, CELL=none for none.
CELL           ?= hello
run: all
	scripts/qemu-board.sh --build $(BUILD) --kernel-home $(KHOME) --ssh-port $(SSH_PORT) \
		--append "bulkhead.enable=1 bulkhead.cell=$(CELL)"

# ---------------------------------------------------------------- host-side code
# The host tests' C: the core library, and stand-ins that live in subdirectories
# of pytest/host/support/ (its top-level files are part of the core library):
#   HVCTL_SHIM  an LD_PRELOAD library that plays /dev/bulkhead for test_hvctl.py
#   HOST_CRC32  driver/crc32.c with a stand-in for the kernel's headers, for test_driver_style.py
HVCTL_SHIM     := $(BUILD)/host/hvctl-driver-shim.so
HOST_CRC32     := $(BUILD)/host/crc32/libcrc32.so

host: $(HOST_LIB) $(HVCTL_SHIM) $(HOST_CRC32)

$(HOST_LIB): $(HOST_CORE_SRC) $(HOST_CORE_HDR)
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -shared -Wl,--no-undefined -o $@ $(HOST_CORE_SRC)

$(HVCTL_SHIM): pytest/host/support/hvctl/driver_shim.c include/bulkhead/uapi.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Werror -shared -fPIC -Iinclude -o $@ $<

# crc32.c includes "bulkhead.h", found next to it first: both are copied side by side.
$(HOST_CRC32): driver/crc32.c pytest/host/support/crc32/bulkhead.h
	@mkdir -p $(@D)
	cp $^ $(@D)/
	$(CC) -std=c11 -O1 -fPIC -shared -Wall -Wextra -Werror -o $@ $(@D)/crc32.c

# ---------------------------------------------------------------- tests
# The board tests boot (or check modules built for) the kernel of KERNEL.
PYTEST = BH_KERNEL=$(KERNEL) BH_KERNEL_HOME=$(abspath $(KHOME)) \
	$(PYTHON) -m pytest -c pytest/pytest.ini $(if $(BOARD),--board=$(BOARD)) $(PYTEST_ARGS)

test: all
	$(PYTEST) pytest/

test-host: host
	$(PYTEST) pytest/host

test-board: all
	$(PYTEST) pytest/board

# The long hardening runs: many fuzz-inmate seeds, 100 enable/disable and 200 two-cell
# lifecycle cycles under root load (make test runs a few of each).
SOAK_SEEDS ?= 1-200
soak: all
	BH_FUZZ_SEEDS=$(SOAK_SEEDS) BH_SOAK_ENABLE_CYCLES=100 BH_SOAK_CELL_CYCLES=200 \
		$(PYTEST) pytest/board/test_soak.py pytest/board/test_fuzz_inmate.py

include tools/bench/bench.mk

# A second make, so that with -j the measurement never starts before `all` is done.
bench: all
	$(MAKE) --no-print-directory bench-run

# Host fuzzing (pytest/fuzz/build.mk): FUZZ_SECONDS per harness, FUZZ_TARGET=surface for one.
fuzz: fuzz-run

clean:
	rm -rf $(BUILD)/host $(BUILD)/modules $(BUILD)/initramfs.cpio.gz $(DTB) $(BUILD)/test-logs \
		$(foreach k,$(filter-out 6.1,$(KERNELS)),$(addprefix $(BUILD)/kernel-$(k)/, \
			host modules initramfs.cpio.gz))

distclean:
	rm -rf $(BUILD)
