# make deb: Debian packages for a riscv64 board, in $(BUILD)/deb (packaging/make-deb.sh):
# bulkhead (hypervisor image, hvctl, configs, inmates) and bulkhead-dkms (the driver's
# source for DKMS). dpkg-deb comes with dpkg.
BH_DEB_VERSION ?= 0.1
BH_DEB_DIR     := $(BUILD)/deb

.PHONY: deb
deb: $(BUILD)/hypervisor/bulkhead.bin $(BUILD)/tools/hvctl $(BH_CONFIG_CELLS) $(ALL_EXTRA)
	rm -rf $(BH_DEB_DIR)
	packaging/make-deb.sh $(BUILD) $(BH_DEB_DIR) $(BH_DEB_VERSION)
