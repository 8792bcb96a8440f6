# Bulkhead tools: hvctl, the command-line tool of the board.
#   $(BUILD)/tools/hvctl  static riscv64 binary, installed as /usr/sbin/hvctl
#   $(BUILD)/host/hvctl   the same sources for the build machine (pytest/host/test_hvctl.py)
# hvctl links the config validator the driver and the hypervisor use, so a
# config it accepts is one they accept too.
#
# hvctl writes cells' device trees with libfdt (GPL-2.0-or-later OR BSD-2-Clause),
# compiled from source into both builds: hvctl is a static cross binary, and
# Debian ships libfdt for the build machine only. The sources are the copy in
# Debian's linux-source-6.1 (scripts/dtc/libfdt), unpacked on their own into
# $(LIBFDT_DIR), so hvctl is the same whichever KERNEL the tree is built for.

LIBFDT_TARBALL := /usr/src/linux-source-6.1.tar.xz
LIBFDT_DIR     := $(BUILD)/src/libfdt
LIBFDT_STAMP   := $(LIBFDT_DIR)/.unpacked
LIBFDT_SRCS    := $(addprefix $(LIBFDT_DIR)/,fdt.c fdt_addresses.c fdt_ro.c fdt_rw.c fdt_sw.c \
                    fdt_strerror.c fdt_wip.c)

HVCTL_SRCS   := $(sort $(wildcard tools/hvctl/*.c)) $(BH_CONFIG_LIB)
HVCTL_DEPS   := $(HVCTL_SRCS) $(BH_CONFIG_HDR) $(wildcard tools/hvctl/*.h) tools/build.mk \
                include/bulkhead/config.h include/bulkhead/config_check.h \
                include/bulkhead/uapi.h include/bulkhead/hypercall.h $(LIBFDT_STAMP)
HVCTL_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
                -D_POSIX_C_SOURCE=200809L -Iinclude -Itools/hvctl -I$(LIBFDT_DIR)

ALL_EXTRA    += $(BUILD)/tools/hvctl $(BUILD)/host/hvctl
ROOTFS_EXTRA += /usr/sbin/hvctl=$(BUILD)/tools/hvctl

# The tarball never changes, so the stamp stands for every file it unpacked.
$(LIBFDT_STAMP): | check-deps
	rm -rf $(LIBFDT_DIR) $(LIBFDT_DIR).tmp
	mkdir -p $(LIBFDT_DIR).tmp
	tar -C $(LIBFDT_DIR).tmp -xf $(LIBFDT_TARBALL) --strip-components=4 \
		linux-source-6.1/scripts/dtc/libfdt
	mv $(LIBFDT_DIR).tmp $(LIBFDT_DIR)
	touch $@

$(BUILD)/tools/hvctl: $(HVCTL_DEPS)
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(HVCTL_CFLAGS) -static -o $@ $(HVCTL_SRCS) $(LIBFDT_SRCS)

$(BUILD)/host/hvctl: $(HVCTL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HVCTL_CFLAGS) -o $@ $(HVCTL_SRCS) $(LIBFDT_SRCS)

# The RISC-V boards' device trees of Linux 6.12, for hvctl config create's host tests.
BOARD_DTBS := $(BUILD)/board-dtbs-6.12
$(BOARD_DTBS)/failed.txt: scripts/make-board-dtbs.sh | check-deps
	scripts/make-board-dtbs.sh /usr/src/linux-source-6.12.tar.xz $(BOARD_DTBS)

# bh-ping: round trips over a root link end (docs/shared-memory.md), installed as /usr/bin/bh-ping.
BHPING_SRCS := tools/bh-ping/bh-ping.c
ALL_EXTRA    += $(BUILD)/tools/bh-ping
ROOTFS_EXTRA += /usr/bin/bh-ping=$(BUILD)/tools/bh-ping

$(BUILD)/tools/bh-ping: $(BHPING_SRCS) include/bulkhead/doorbell.h include/bulkhead/link_ping.h \
		tools/build.mk
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
		-D_DEFAULT_SOURCE -Iinclude -static -o $@ $(BHPING_SRCS)
