# Bulkhead demo inmates: bare-metal programs for cells, built with the
# bare-metal toolchain and linked at the cell's entry (0x80000000).
#   $(BUILD)/inmates/NAME.elf  for `hvctl cell load NAME NAME.elf`
#   $(BUILD)/inmates/NAME.bin  the same as a raw image from the entry on
# installed as /usr/share/bulkhead/inmates/NAME.{bin,elf}; their cell configs
# (configs/NAME-cell.c, built by configs/build.mk) as /etc/bulkhead/NAME-cell.cell.
# docs/inmates.md describes the library and the demos.

INM_CROSS   ?= riscv64-unknown-elf-
INM_OUT     := $(BUILD)/inmates
INM_DEMOS   := hello timer-demo irq-demo smp-demo attack hostile fuzz echo ivshmem-demo
INM_CFLAGS  := -std=c11 -ffreestanding -nostdlib -fno-builtin -mcmodel=medany \
               -march=rv64imac_zicsr_zifencei -mabi=lp64 -O2 -Wall -Wextra -Werror \
               -g -fno-common -fno-pic -fno-stack-protector -fno-asynchronous-unwind-tables \
               -Iinclude -Iinmates/lib -MMD -MP
INM_ASFLAGS := -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany -g \
               -Iinmates/lib -MMD -MP
INM_LDFLAGS := -nostdlib -static -Wl,--build-id=none -Wl,--fatal-warnings

INM_LIB_OBJS := $(patsubst inmates/lib/%.c,$(INM_OUT)/lib/%.o,$(wildcard inmates/lib/*.c)) \
                $(patsubst inmates/lib/%.S,$(INM_OUT)/lib/%.o,$(wildcard inmates/lib/*.S))
INM_LDS      := $(INM_OUT)/inmate.lds
INM_IMAGES   := $(foreach d,$(INM_DEMOS),$(INM_OUT)/$(d).elf $(INM_OUT)/$(d).bin)
INM_CELLS    := $(foreach d,$(INM_DEMOS),$(BUILD)/configs/$(d)-cell.cell)

ALL_EXTRA    += $(INM_IMAGES) $(INM_CELLS)
ROOTFS_EXTRA += $(foreach d,$(INM_DEMOS), \
                  /usr/share/bulkhead/inmates/$(d).bin=$(INM_OUT)/$(d).bin \
                  /usr/share/bulkhead/inmates/$(d).elf=$(INM_OUT)/$(d).elf \
                  /etc/bulkhead/$(d)-cell.cell=$(BUILD)/configs/$(d)-cell.cell) \
                /etc/bulkhead/ivshmem-ping-cell.cell=$(BUILD)/configs/ivshmem-ping-cell.cell

.PHONY: inmates
inmates: $(INM_IMAGES) $(INM_CELLS)

$(INM_OUT)/lib/%.o: inmates/lib/%.c inmates/build.mk
	@mkdir -p $(@D)
	$(INM_CROSS)gcc $(INM_CFLAGS) -c -o $@ $<

$(INM_OUT)/lib/%.o: inmates/lib/%.S inmates/build.mk
	@mkdir -p $(@D)
	$(INM_CROSS)gcc $(INM_ASFLAGS) -c -o $@ $<

$(INM_OUT)/demos/%.o: inmates/demos/%.c inmates/build.mk
	@mkdir -p $(@D)
	$(INM_CROSS)gcc $(INM_CFLAGS) -c -o $@ $<

# The linker script shares lib/layout.h; -undef keeps "riscv" from becoming 1.
$(INM_LDS): inmates/inmate.lds.S inmates/lib/layout.h inmates/build.mk
	@mkdir -p $(@D)
	$(INM_CROSS)gcc -E -P -undef -x c -Iinmates/lib -o $@ $<

$(INM_OUT)/%.elf: $(INM_OUT)/demos/%.o $(INM_LIB_OBJS) $(INM_LDS)
	$(INM_CROSS)gcc $(INM_LDFLAGS) -T $(INM_LDS) -o $@ $< $(INM_LIB_OBJS)

$(INM_OUT)/%.bin: $(INM_OUT)/%.elf
	$(INM_CROSS)objcopy -O binary $< $@

-include $(INM_LIB_OBJS:.o=.d) $(foreach d,$(INM_DEMOS),$(INM_OUT)/demos/$(d).d)
