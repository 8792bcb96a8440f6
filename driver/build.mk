# The Bulkhead kernel module, built against the root kernel ($(KOUT)), in that
# kernel's own place ($(KHOME)/driver: build/driver for 6.1).
# Kbuild writes its outputs next to the sources, so the sources (and the
# config validator the module shares with the hypervisor and hvctl,
# include/lib/config/) are
# copied into that directory first. cp -p keeps their times, so Kbuild
# recompiles only what changed.

BH_DRIVER_MK   := $(lastword $(MAKEFILE_LIST))
BH_DRIVER_DIR  := $(KHOME)/driver
BH_DRIVER_KO   := $(BH_DRIVER_DIR)/bulkhead.ko
BH_DRIVER_SRCS := $(sort $(wildcard driver/*.c driver/*.h driver/*.S)) driver/Kbuild \
                  $(BH_CONFIG_LIB) $(BH_CONFIG_HDR)

ALL_EXTRA    += $(BH_DRIVER_KO)
ROOTFS_EXTRA += /lib/modules/bulkhead/bulkhead.ko=$(BH_DRIVER_KO)

$(BH_DRIVER_KO): $(BH_DRIVER_SRCS) $(wildcard include/bulkhead/*.h) $(BH_DRIVER_MK) $(KIMAGE)
	@mkdir -p $(@D)
	cp -p $(BH_DRIVER_SRCS) $(@D)/
	$(MAKE) -C $(KOUT) ARCH=riscv CROSS_COMPILE=$(CROSS_COMPILE) M=$(abspath $(@D)) \
		BH_INCLUDE=$(abspath include) modules
