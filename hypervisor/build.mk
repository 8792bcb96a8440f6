# The hypervisor image: built with the bare-metal toolchain, position
# independent, relocating itself at its load address.

HV_CROSS   ?= riscv64-unknown-elf-
HV_OUT     := $(BUILD)/hypervisor
HV_IMAGE   := $(HV_OUT)/bulkhead.bin
HV_CFLAGS  := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fno-common -fPIE -ffunction-sections \
              -fno-stack-protector -fno-asynchronous-unwind-tables -fvisibility=hidden \
              -mcmodel=medany -march=rv64imac_zicsr_zifencei -mabi=lp64 \
              -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
              -Iinclude -Ihypervisor/include -MMD -MP
HV_GEN     := $(HV_OUT)/generated
HV_ASM_DEFINES := $(HV_GEN)/asm-defines.h
HV_ASFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -fPIE -Iinclude -Ihypervisor/include \
              -I$(HV_GEN) -MMD -MP
# The bare-metal binutils cannot link a PIE; the Linux-targeted ld can, and
# nothing Linux-specific goes into the image (no libc, no dynamic section).
HV_LD      ?= riscv64-linux-gnu-ld
HV_LDFLAGS := --gc-sections -pie --no-dynamic-linker -z norelro -z noexecstack --build-id=none --no-warn-rwx-segments \
              -T hypervisor/hypervisor.lds

# asm-defines.c is not part of the image: it only yields asm-defines.h.
HV_ASM_DEFINES_SRC := hypervisor/arch/riscv/asm-defines.c
HV_C_SRC   := $(filter-out $(HV_ASM_DEFINES_SRC), \
                $(wildcard hypervisor/core/*.c hypervisor/core/*/*.c hypervisor/arch/riscv/*.c \
                  hypervisor/lib/*.c)) \
              $(BH_CONFIG_LIB)
HV_S_SRC   := $(wildcard hypervisor/arch/riscv/*.S)
HV_S_OBJS  := $(patsubst hypervisor/%.S,$(HV_OUT)/%.o,$(HV_S_SRC))
HV_OBJS    := $(patsubst hypervisor/%.c,$(HV_OUT)/%.o,$(filter hypervisor/%,$(HV_C_SRC))) \
              $(patsubst include/lib/config/%.c,$(HV_OUT)/config/%.o,$(BH_CONFIG_LIB)) \
              $(HV_S_OBJS)

$(HV_OUT)/%.o: hypervisor/%.c
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/config/%.o: include/lib/config/%.c
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_CFLAGS) -c -o $@ $<

$(HV_OUT)/%.o: hypervisor/%.S
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_ASFLAGS) -c -o $@ $<

# Offsets for assembly and mkimage.py, Jailhouse style: each DEFINE() of
# asm-defines.c leaves a line "=>NAME value" in the compiler's output.
$(HV_OUT)/asm-defines.s: $(HV_ASM_DEFINES_SRC)
	@mkdir -p $(@D)
	$(HV_CROSS)gcc $(HV_CFLAGS) -S -o $@ $<

$(HV_ASM_DEFINES): $(HV_OUT)/asm-defines.s
	@mkdir -p $(@D)
	{ echo "/* Generated from $(HV_ASM_DEFINES_SRC) by hypervisor/build.mk: do not edit. */"; \
	  echo "#ifndef BULKHEAD_ASM_DEFINES_H"; echo "#define BULKHEAD_ASM_DEFINES_H"; \
	  sed -n 's/^=>\([A-Za-z0-9_]*\) \([0-9][0-9]*\)$$/#define \1 \2/p' $<; \
	  echo "#endif"; } > $@.tmp
	mv $@.tmp $@

$(HV_S_OBJS): $(HV_ASM_DEFINES)

$(HV_OUT)/bulkhead.elf: $(HV_OBJS) hypervisor/hypervisor.lds
	$(HV_LD) $(HV_LDFLAGS) -o $@ $(HV_OBJS)

$(HV_IMAGE): $(HV_OUT)/bulkhead.elf $(HV_ASM_DEFINES) scripts/mkimage.py
	$(HV_CROSS)objcopy -O binary $< $@.raw
	$(PYTHON) scripts/mkimage.py $< $(HV_ASM_DEFINES) $@.raw $@

-include $(HV_OBJS:.o=.d) $(HV_OUT)/asm-defines.d

ALL_EXTRA    += $(HV_IMAGE)
ROOTFS_EXTRA += /lib/firmware/bulkhead.bin=$(HV_IMAGE)
