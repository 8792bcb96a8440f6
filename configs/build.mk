# Bulkhead configs: each configs/*.c (but those in BH_CONFIG_NOT_CELLS) fills
# one struct, compiled with the host compiler and cut out of the object file
# as $(BUILD)/configs/NAME.cell; qemu-virt.c, the board's system config,
# becomes system.cell. Every .cell is then checked with the validator the
# driver and the hypervisor use (tools/host/cellcheck.c), cell configs also
# against system.cell, so a bad config fails the build with its message.
#
# A config file defines exactly one object:
#   const BH_SYSTEM_CONFIG_TYPE(n) bh_config_file BH_CONFIG_SECTION = { ... };
# (or BH_CELL_CONFIG_TYPE(n)); see docs/config-format.md.

# configs/*.c that are not configs.
BH_CONFIG_NOT_CELLS :=

BH_CELLCHECK    := $(BUILD)/configs/cellcheck
BH_SYSTEM_CELL  := $(BUILD)/configs/system.cell
BH_CONFIG_SRCS  := $(filter-out $(addprefix configs/,$(BH_CONFIG_NOT_CELLS) qemu-virt.c), \
                     $(wildcard configs/*.c))
BH_CONFIG_CELLS := $(BH_SYSTEM_CELL) \
                   $(patsubst configs/%.c,$(BUILD)/configs/%.cell,$(BH_CONFIG_SRCS))

ALL_EXTRA    += $(BUILD)/configs/system.cell $(BH_CONFIG_CELLS)
ROOTFS_EXTRA += /etc/bulkhead/system.cell=$(BUILD)/configs/system.cell \
                /etc/bulkhead/linux-cell.cell=$(BUILD)/configs/linux-cell.cell

BH_CONFIG_DEPS := include/bulkhead/config.h $(wildcard configs/*.h) configs/build.mk $(BH_CELLCHECK)

$(BH_CELLCHECK): tools/host/cellcheck.c $(BH_CONFIG_LIB) $(BH_CONFIG_HDR) \
		include/bulkhead/config.h include/bulkhead/config_check.h
	@mkdir -p $(@D)
	$(CC) -std=c11 -O1 -Wall -Wextra -Werror -Wshadow -Iinclude -DBH_HOST -o $@ \
		tools/host/cellcheck.c $(BH_CONFIG_LIB)

# Compile $< to $(@:.cell=.o) and cut the .bh_config section out as $@. The
# section must hold bh_config_file and nothing else, and carry no relocations
# (an address in a config would be garbage once cut out). Then validate.
define bh_config_build
@mkdir -p $(@D)
$(CC) -std=c11 -Wall -Wextra -Werror -Iinclude -c -o $(@:.cell=.o) $<
objcopy -O binary --only-section=.bh_config $(@:.cell=.o) $@
@obj=$(@:.cell=.o); \
hex=$$(nm -S --defined-only $$obj | \
	awk '$$NF == "bh_config_file" && $$3 ~ /^[rR]$$/ { print $$2 }'); \
if [ -z "$$hex" ]; then \
	echo "$<: defines no const object bh_config_file" >&2; rm -f $@; exit 1; \
fi; \
want=$$((16#$$hex)); got=$$(stat -c %s $@); \
if [ "$$got" -ne "$$want" ]; then \
	echo "$<: section .bh_config holds $$got bytes but bh_config_file is $$want:" \
	     "declare the config, and nothing else, with BH_CONFIG_SECTION" >&2; \
	rm -f $@; exit 1; \
fi; \
if readelf -r $$obj | grep -q "'\.rela\.bh_config'"; then \
	echo "$<: the config holds addresses (relocations); a config is plain numbers" >&2; \
	rm -f $@; exit 1; \
fi
@$(BH_CELLCHECK) $(if $(filter $(BH_SYSTEM_CELL),$@),,-s $(BH_SYSTEM_CELL)) $@ || \
	{ echo "$<: invalid config" >&2; rm -f $@; exit 1; }
endef

$(BH_SYSTEM_CELL): configs/qemu-virt.c $(BH_CONFIG_DEPS)
	$(bh_config_build)

# Cell configs must fit the system config.
$(BUILD)/configs/%.cell: configs/%.c $(BH_CONFIG_DEPS) $(BH_SYSTEM_CELL)
	$(bh_config_build)
