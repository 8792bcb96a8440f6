# Bulkhead tools: hvctl, the command-line tool of the board.
#   $(BUILD)/tools/hvctl  static riscv64 binary, installed as /usr/sbin/hvctl
#   $(BUILD)/host/hvctl   the same sources for the build machine (pytest/host/test_hvctl.py)
# hvctl links the config validator the driver and the hypervisor use, so a
# config it accepts is one they accept too.

HVCTL_SRCS   := $(sort $(wildcard tools/hvctl/*.c)) $(BH_CONFIG_LIB)
HVCTL_DEPS   := $(HVCTL_SRCS) $(BH_CONFIG_HDR) $(wildcard tools/hvctl/*.h) tools/build.mk \
                include/bulkhead/config.h include/bulkhead/config_check.h \
                include/bulkhead/uapi.h include/bulkhead/hypercall.h
HVCTL_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
                -D_POSIX_C_SOURCE=200809L -Iinclude -Itools/hvctl

ALL_EXTRA    += $(BUILD)/tools/hvctl $(BUILD)/host/hvctl
ROOTFS_EXTRA += /usr/sbin/hvctl=$(BUILD)/tools/hvctl

$(BUILD)/tools/hvctl: $(HVCTL_DEPS)
	@mkdir -p $(@D)
	$(CROSS_COMPILE)gcc $(HVCTL_CFLAGS) -static -o $@ $(HVCTL_SRCS)

$(BUILD)/host/hvctl: $(HVCTL_DEPS)
	@mkdir -p $(@D)
	$(CC) $(HVCTL_CFLAGS) -o $@ $(HVCTL_SRCS)
