# The hypervisor image: built with the bare-metal toolchain, position
# independent, relocating itself at its load address.

HV_CROSS   ?= riscv64-unknown-elf-
HV_OUT     := $(BUILD)/hypervisor
HV_IMAGE   := $(HV_OUT)/bulkhead.bin
HV_CFLAGS  := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fno-common -fPIE \
              -fno-stack-protector -fno-asynchronous-unwind-tables -fvisibility=hidden \
              -mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 \
              -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Iinclude -Ihypervisor/include -MMD -MP
HV_ASFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -fPIE -Iinclude -Ihypervisor/include -MMD -MP
# The bare-metal binutils cannot link a PIE; the Linux-targeted ld can, and
# nothing Linux-specific goes into the image (no libc, no dynamic section).
HV_LD      ?= riscv64-linux-gnu-ld
HV_LDFLAGS := -pie --no-dynamic-linker -z norelro -z noexecstack --build-id=none --no-warn-rwx-segments \
              -T hypervisor/hypervisor.lds

HV_C_SRC   := $(wildcard hypervisor/core/*.c hypervisor/arch/riscv/*.c hypervisor/lib/*.c) \
              $(BH_CONFIG_LIB)
HV_S_SRC   := $(wildcard hypervisor/arch/riscv/*.S)
HV_OBJS    := $(patsubst hypervisor/%.c,$(HV_OUT)/%.o,$(filter hypervisor/%,$(HV_C_SRC))) \
              $(patsubst include/lib/config/%.c,$(HV_OUT)/config/%.o,$(BH_CONFIG_LIB)) \
              $(patsubst hypervisor/%.S,$(HV_OUT)/%.o,$(HV_S_SRC))

$(HV_OUT)/%.o: hypervisor/%.c
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/config/%.o: include/lib/config/%.c
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/%.o: hypervisor/%.S
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_ASFLAGS) -c -o $@ $<

$(HV_OUT)/bulkhead.elf: $(HV_OBJS) hypervisor/hypervisor.lds
	$(HV_LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS)

$(HV_IMAGE): $(HV_OUT)/bulkhead.elf scripts/mkimage.py
	$(HV_CROSS)objcopy -O binary $< $@.raw
	$(PYTHON) scripts/mkimage.py $< $@.raw $@

-include $(HV_OBJS:.o=.d)

ALL_EXTRA    += $(HV_IMAGE)
ROOTFS_EXTRA += /lib/firmware/bulkhead.bin=$(HV_IMAGE)
