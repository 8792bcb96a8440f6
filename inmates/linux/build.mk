# The Linux cell (issue 9): its kernel, with its busybox initramfs built in,
# and its disk.
#   $(BUILD)/linux-cell/Image     the cell's kernel: tinyconfig of linux-source-6.1
#                                 plus inmates/linux/kernel.config, built out of tree in
#                                 $(BUILD)/linux-cell/linux (whatever KERNEL the root runs),
#                                 with an initramfs (static busybox, inmates/linux/init)
#                                 built in: one file to load. Installed on the root as
#                                 /usr/share/bulkhead/linux/Image.
#   $(BUILD)/linux-cell/disk.img  a 64 MiB ext4 file system holding inmates/linux/disk/;
#                                 not on the root: scripts/qemu-board.sh attaches it as the
#                                 board's third virtio-mmio device (board.env BOARD_CELL_DISK_*).

LXC_OUT       := $(BUILD)/linux-cell
LXC_KVERSION  := 6.1
LXC_KSRC      := $(BUILD)/src/linux-source-$(LXC_KVERSION)
LXC_KOUT      := $(LXC_OUT)/linux
LXC_FRAGMENTS := inmates/linux/kernel.config
LXC_KMAKE      = $(MAKE) -C $(LXC_KSRC) O=$(abspath $(LXC_KOUT)) ARCH=riscv CROSS_COMPILE=$(CROSS_COMPILE)
# Named by CONFIG_INITRAMFS_SOURCE ("../initramfs.list", relative to $(LXC_KOUT)).
LXC_LIST      := $(LXC_OUT)/initramfs.list
LXC_ROOTFS    := inmates/linux/init inmates/linux/inittab inmates/linux/profile
LXC_IMAGE     := $(LXC_OUT)/Image
LXC_DISK      := $(LXC_OUT)/disk.img
LXC_DISK_SIZE := 64M
LXC_DISK_DIR  := inmates/linux/disk

ALL_EXTRA    += $(LXC_IMAGE) $(LXC_DISK)
ROOTFS_EXTRA += /usr/share/bulkhead/linux/Image=$(LXC_IMAGE)

.PHONY: linux-cell
linux-cell: $(LXC_IMAGE) $(LXC_DISK)

# The root kernel's rule unpacks its own source; with KERNEL=6.12 the cell's
# 6.1 source needs this one.
ifneq ($(LXC_KSRC),$(KSRC))
$(LXC_KSRC)/Makefile: | check-deps
	@mkdir -p $(BUILD)/src
	tar -C $(BUILD)/src -xf /usr/src/linux-source-$(LXC_KVERSION).tar.xz
	@touch $@
endif

$(LXC_KOUT)/.config: $(LXC_FRAGMENTS) $(LXC_KSRC)/Makefile
	@mkdir -p $(LXC_KOUT)
	$(LXC_KMAKE) -s tinyconfig
	$(LXC_KSRC)/scripts/kconfig/merge_config.sh -m -O $(LXC_KOUT) $(LXC_KOUT)/.config $(LXC_FRAGMENTS) >/dev/null
	$(LXC_KMAKE) -s olddefconfig
	@scripts/check-kconfig.sh $@ $(LXC_FRAGMENTS)

$(LXC_LIST): inmates/linux/mk-initramfs-list.sh $(BUSYBOX)
	@mkdir -p $(@D)
	inmates/linux/mk-initramfs-list.sh $(BUILD)/busybox $@

# Kbuild packs the list's files into the Image (and tracks them itself); this
# rule only decides when to ask it. The header is checked before the copy:
# the RISC-V Image magics "RISCV\0\0\0" at 48 and "RSC\x05" at 56.
$(LXC_IMAGE): $(LXC_KOUT)/.config $(LXC_LIST) $(LXC_ROOTFS) $(BUSYBOX)
	$(LXC_KMAKE) -j$(JOBS) Image
	@magic=$$(od -An -tx1 -j48 -N12 $(LXC_KOUT)/arch/riscv/boot/Image | tr -d ' \n'); \
	[ "$$magic" = 524953435600000052534305 ] || \
		{ echo "$(LXC_KOUT)/arch/riscv/boot/Image: no RISC-V Image header (magic $$magic)" >&2; exit 1; }
	cp $(LXC_KOUT)/arch/riscv/boot/Image $@

# mkfs.ext4 (e2fsprogs) -d fills the file system from a directory, without root
# rights. A fixed UUID, so that the cell can name its disk.
LXC_DISK_UUID := 6b756c68-6561-4400-8000-6c696e757863
$(LXC_DISK): $(wildcard $(LXC_DISK_DIR)/*) inmates/linux/build.mk | check-deps
	@mkdir -p $(@D)
	rm -f $@.tmp
	truncate -s $(LXC_DISK_SIZE) $@.tmp
	PATH="$$PATH:/usr/sbin:/sbin" mkfs.ext4 -q -F -b 4096 -L bulkhead-cell -U $(LXC_DISK_UUID) \
		-E root_owner=0:0 -d $(LXC_DISK_DIR) $@.tmp
	mv $@.tmp $@
