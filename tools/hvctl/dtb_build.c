// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * A cell's device tree, for a cell that boots like Linux (BH_CELL_BOOT_DTB):
 * what the cell has and nothing else. Its harts, as the root's tree
 * describes those CPUs; its RAM at guest-physical addresses; the PLIC the
 * hypervisor emulates for every cell at the physical PLIC's address and
 * layout, with the cell's harts' S-mode contexts; the root's nodes of the
 * devices passed through (dtb_devices.c); and the kernel command line.
 *
 * Written with libfdt's sequential writer into a buffer that doubles until
 * the tree fits. Phandles: the interrupt controller of the cell's i-th hart
 * (ascending hart ids) is i + 1, the PLIC's is the next, the idle state's
 * the one after.
 *
 * The one idle state offered is SBI HSM's default retentive suspend, which
 * the hypervisor carries out as a wait for an interrupt: with it a guest's
 * idle loop (Linux's cpuidle-riscv-sbi) suspends through SBI, and the
 * hypervisor sees the hart idle.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config.h>
#include <libfdt.h>

#include "hvctl.h"

#define FIRST_SIZE (64U << 10)

/* Interrupt numbers of a hart's local interrupt controller (the scause codes). */
#define IRQ_S_EXT 9
#define IRQ_M_EXT 11

/* Properties of a root cpu node that say what the hart is; copied when present. */
static const char *const cpu_properties[] = {
	"riscv,isa",
	"mmu-type",
	"riscv,isa-base",
	"riscv,isa-extensions",
};

static const char plic_compatible[] = "sifive,plic-1.0.0\0riscv,plic0";

struct build {
	const struct hvctl_dtb_input *in;
	uint32_t harts[BH_MAX_HARTS]; /* the cell's, ascending */
	int cpu_nodes[BH_MAX_HARTS];  /* the root's node each hart's description comes from */
	unsigned int num_harts;
	struct hvctl_dtb_device *devs;
	size_t num_devs;
	char stdout_path[HVCTL_DTB_NODE_NAME_LEN + 8]; /* "" when the console has no node */
};

static uint32_t intc_phandle(unsigned int index)
{
	return index + 1;
}

static uint32_t plic_phandle(const struct build *b)
{
	return b->num_harts + 1;
}

static uint32_t idle_phandle(const struct build *b)
{
	return b->num_harts + 2;
}

/* SBI HSM suspend type 0: default retentive. Latencies in µs, as a guest weighs them. */
#define SUSPEND_RETENTIVE   0x0
#define IDLE_LATENCY_US	    10
#define IDLE_RESIDENCY_US   100

static int write_idle_states(void *out, const struct build *b)
{
	int ret = fdt_begin_node(out, "idle-states");

	if (!ret)
		ret = fdt_begin_node(out, "cpu-retentive");
	if (!ret)
		ret = fdt_property_string(out, "compatible", "riscv,idle-state");
	if (!ret)
		ret = fdt_property_u32(out, "riscv,sbi-suspend-param", SUSPEND_RETENTIVE);
	if (!ret)
		ret = fdt_property_u32(out, "entry-latency-us", IDLE_LATENCY_US);
	if (!ret)
		ret = fdt_property_u32(out, "exit-latency-us", IDLE_LATENCY_US);
	if (!ret)
		ret = fdt_property_u32(out, "min-residency-us", IDLE_RESIDENCY_US);
	if (!ret)
		ret = fdt_property_u32(out, "phandle", idle_phandle(b));
	if (!ret)
		ret = fdt_end_node(out);
	return ret ? ret : fdt_end_node(out);
}

/* An address and a size, two cells each (#address-cells = #size-cells = 2). */
static int property_range(void *out, const char *name, uint64_t start, uint64_t size)
{
	fdt64_t cells[2] = { cpu_to_fdt64(start), cpu_to_fdt64(size) };

	return fdt_property(out, name, cells, sizeof(cells));
}

static int copy_property(void *out, const void *fdt, int node, const char *name)
{
	int len;
	const void *value = fdt_getprop(fdt, node, name, &len);

	return value ? fdt_property(out, name, value, len) : 0;
}

static int write_intc(void *out, unsigned int index)
{
	int ret = fdt_begin_node(out, "interrupt-controller");

	if (!ret)
		ret = fdt_property_u32(out, "#interrupt-cells", 1);
	if (!ret)
		ret = fdt_property(out, "interrupt-controller", NULL, 0);
	if (!ret)
		ret = fdt_property_string(out, "compatible", "riscv,cpu-intc");
	if (!ret)
		ret = fdt_property_u32(out, "phandle", intc_phandle(index));
	return ret ? ret : fdt_end_node(out);
}

static int write_cpu(void *out, const struct build *b, unsigned int index)
{
	const void *root = b->in->root_fdt;
	char name[32];
	size_t i;
	int ret;

	snprintf(name, sizeof(name), "cpu@%" PRIx32, b->harts[index]);
	ret = fdt_begin_node(out, name);
	if (!ret)
		ret = fdt_property_string(out, "device_type", "cpu");
	if (!ret)
		ret = fdt_property_u32(out, "reg", b->harts[index]);
	if (!ret)
		ret = fdt_property_string(out, "status", "okay");
	if (!ret)
		ret = fdt_property_string(out, "compatible", "riscv");
	for (i = 0; !ret && i < sizeof(cpu_properties) / sizeof(cpu_properties[0]); i++)
		ret = copy_property(out, root, b->cpu_nodes[index], cpu_properties[i]);
	if (!ret)
		ret = fdt_property_u32(out, "cpu-idle-states", idle_phandle(b));
	if (!ret)
		ret = write_intc(out, index);
	return ret ? ret : fdt_end_node(out);
}

/* The root's /cpus timebase-frequency as it is, else the system config's. */
static int write_timebase(void *out, const struct build *b)
{
	const void *root = b->in->root_fdt;
	int cpus = fdt_path_offset(root, "/cpus");
	uint64_t hz = b->in->sys->platform.timebase_frequency;

	if (cpus >= 0 && fdt_getprop(root, cpus, "timebase-frequency", NULL))
		return copy_property(out, root, cpus, "timebase-frequency");
	if (hz <= UINT32_MAX)
		return fdt_property_u32(out, "timebase-frequency", (uint32_t)hz);
	return fdt_property_u64(out, "timebase-frequency", hz);
}

static int write_cpus(void *out, const struct build *b)
{
	unsigned int i;
	int ret = fdt_begin_node(out, "cpus");

	if (!ret)
		ret = fdt_property_u32(out, "#address-cells", 1);
	if (!ret)
		ret = fdt_property_u32(out, "#size-cells", 0);
	if (!ret)
		ret = write_timebase(out, b);
	for (i = 0; !ret && i < b->num_harts; i++)
		ret = write_cpu(out, b, i);
	if (!ret)
		ret = write_idle_states(out, b);
	return ret ? ret : fdt_end_node(out);
}

/* One memory node per RAM (non-IO) region, where the cell sees it. */
static int write_memory(void *out, const struct bh_cell_desc *cell)
{
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	uint32_t i;
	int ret = 0;

	for (i = 0; !ret && i < cell->num_mem_regions; i++) {
		char name[32];

		if (r[i].flags & BH_MEM_IO)
			continue;
		snprintf(name, sizeof(name), "memory@%" PRIx64, r[i].virt_start);
		ret = fdt_begin_node(out, name);
		if (!ret)
			ret = fdt_property_string(out, "device_type", "memory");
		if (!ret)
			ret = property_range(out, "reg", r[i].virt_start, r[i].size);
		if (!ret)
			ret = fdt_end_node(out);
	}
	return ret;
}

/* The index of the cell's hart whose S-mode context is context, or -1. */
static int hart_of_context(const struct build *b, uint32_t context)
{
	unsigned int i;

	for (i = 0; i < b->num_harts; i++)
		if (b->in->sys->platform.hart_plic_context[b->harts[i]] == context)
			return (int)i;
	return -1;
}

/*
 * One entry per context from 0 to the highest of the cell's harts: its
 * hart's S-external interrupt for a context of the cell, else the first
 * hart's M-external one. Linux's PLIC driver only takes contexts whose
 * parent interrupt is S-external (9); 6.12's looks up the hart of every
 * context first, so the fillers name a hart the cell has.
 */
static int write_plic_contexts(void *out, const struct build *b)
{
	uint32_t last = 0, c;
	fdt32_t *cells;
	unsigned int i;
	int ret;

	for (i = 0; i < b->num_harts; i++)
		if (b->in->sys->platform.hart_plic_context[b->harts[i]] > last)
			last = b->in->sys->platform.hart_plic_context[b->harts[i]];
	cells = calloc((size_t)last + 1, 2 * sizeof(*cells));
	if (!cells)
		return -FDT_ERR_INTERNAL; /* not NOSPACE: a larger tree would not help */
	for (c = 0; c <= last; c++) {
		int index = hart_of_context(b, c);

		cells[2 * c] = cpu_to_fdt32(intc_phandle(index < 0 ? 0 : (unsigned int)index));
		cells[2 * c + 1] = cpu_to_fdt32(index < 0 ? IRQ_M_EXT : IRQ_S_EXT);
	}
	ret = fdt_property(out, "interrupts-extended", cells,
			   (int)((last + 1) * 2 * sizeof(*cells)));
	free(cells);
	return ret;
}

static int write_plic(void *out, const struct build *b)
{
	const struct bh_platform_info *p = &b->in->sys->platform;
	char name[48];
	int ret;

	snprintf(name, sizeof(name), "interrupt-controller@%" PRIx64, p->plic_base);
	ret = fdt_begin_node(out, name);
	if (!ret)
		ret = fdt_property(out, "compatible", plic_compatible, sizeof(plic_compatible));
	if (!ret)
		ret = property_range(out, "reg", p->plic_base, p->plic_size);
	/* riscv,ndev counts the sources without the nonexistent source 0. */
	if (!ret)
		ret = fdt_property_u32(out, "riscv,ndev", p->plic_num_sources - 1);
	if (!ret)
		ret = fdt_property_u32(out, "#interrupt-cells", 1);
	if (!ret)
		ret = fdt_property_u32(out, "#address-cells", 0);
	if (!ret)
		ret = fdt_property(out, "interrupt-controller", NULL, 0);
	if (!ret)
		ret = write_plic_contexts(out, b);
	if (!ret)
		ret = fdt_property_u32(out, "phandle", plic_phandle(b));
	return ret ? ret : fdt_end_node(out);
}

/*
 * A device passed through DMAs to physical addresses: where the cell's RAM
 * is not identity-mapped, dma-ranges (device address, cell address, size)
 * tells the cell's kernel so, for the devices whose drivers use the DMA API.
 */
static int write_dma_ranges(void *out, const struct build *b)
{
	const struct bh_cell_desc *cell = b->in->cell;
	const struct bh_mem_region *r = bh_config_cell_regions(cell);
	fdt64_t cells[3 * BH_MAX_MEM_REGIONS];
	uint32_t i, n = 0, moved = 0;

	if (!b->num_devs)
		return 0;
	for (i = 0; i < cell->num_mem_regions && i < BH_MAX_MEM_REGIONS; i++) {
		if (r[i].flags & BH_MEM_IO)
			continue;
		moved |= r[i].virt_start != r[i].phys_start;
		cells[3 * n] = cpu_to_fdt64(r[i].phys_start);
		cells[3 * n + 1] = cpu_to_fdt64(r[i].virt_start);
		cells[3 * n + 2] = cpu_to_fdt64(r[i].size);
		n++;
	}
	return moved ? fdt_property(out, "dma-ranges", cells, (int)(n * 3 * sizeof(cells[0]))) : 0;
}

/* The bus of the PLIC and the devices, its addresses the CPU's. */
static int write_soc(void *out, const struct build *b)
{
	int ret = fdt_begin_node(out, "soc");

	if (!ret)
		ret = fdt_property_u32(out, "#address-cells", 2);
	if (!ret)
		ret = fdt_property_u32(out, "#size-cells", 2);
	if (!ret)
		ret = fdt_property_string(out, "compatible", "simple-bus");
	if (!ret)
		ret = fdt_property(out, "ranges", NULL, 0);
	if (!ret)
		ret = write_dma_ranges(out, b);
	if (!ret)
		ret = write_plic(out, b);
	if (!ret)
		ret = hvctl_dtb_write_devices(out, b->in->root_fdt, b->in->cell, b->devs,
					      b->num_devs, plic_phandle(b));
	return ret ? ret : fdt_end_node(out);
}

/*
 * A 16550 console passed through is the node of that device; an SBI console
 * has no node (Linux's hvc0 is named by bootargs), so no stdout-path.
 */
static void find_stdout_path(struct build *b)
{
	const struct bh_console *console = &b->in->cell->console;
	char name[HVCTL_DTB_NODE_NAME_LEN];
	size_t i;

	b->stdout_path[0] = '\0';
	if (console->type != BH_CONSOLE_NS16550)
		return;
	for (i = 0; i < b->num_devs; i++) {
		if (b->devs[i].unit == console->address) {
			hvctl_dtb_device_name(b->in->root_fdt, &b->devs[i], name);
			snprintf(b->stdout_path, sizeof(b->stdout_path), "/soc/%s", name);
			return;
		}
	}
	hvctl_error("%s: warning: the console of cell '%s' at 0x%" PRIx64
		    " is no device of the root's device tree: no stdout-path",
		    b->in->command, b->in->cell->name, console->address);
}

static int write_chosen(void *out, const struct build *b)
{
	const char *bootargs = b->in->bootargs;
	int ret;

	if (!bootargs)
		bootargs = b->in->cell->console.type == BH_CONSOLE_NS16550
				   ? HVCTL_DEFAULT_BOOTARGS_NS16550
				   : HVCTL_DEFAULT_BOOTARGS;
	ret = fdt_begin_node(out, "chosen");
	if (!ret)
		ret = fdt_property_string(out, "bootargs", bootargs);
	if (!ret && b->stdout_path[0])
		ret = fdt_property_string(out, "stdout-path", b->stdout_path);
	return ret ? ret : fdt_end_node(out);
}

static int write_root(void *out, const struct build *b)
{
	char model[64];
	int ret;

	snprintf(model, sizeof(model), "Bulkhead cell %s", b->in->cell->name);
	ret = fdt_property_u32(out, "#address-cells", 2);
	if (!ret)
		ret = fdt_property_u32(out, "#size-cells", 2);
	if (!ret)
		ret = fdt_property_string(out, "compatible", "bulkhead,cell");
	if (!ret)
		ret = fdt_property_string(out, "model", model);
	if (!ret)
		ret = write_chosen(out, b);
	if (!ret)
		ret = write_cpus(out, b);
	if (!ret)
		ret = write_memory(out, b->in->cell);
	return ret ? ret : write_soc(out, b);
}

static int write_tree(void *out, int size, const struct build *b)
{
	int ret = fdt_create(out, size);

	if (!ret)
		ret = fdt_finish_reservemap(out);
	if (!ret)
		ret = fdt_begin_node(out, "");
	if (!ret)
		ret = write_root(out, b);
	if (!ret)
		ret = fdt_end_node(out);
	return ret ? ret : fdt_finish(out);
}

/* The cell's harts and the root's cpu node each one is described from. */
static int find_harts(struct build *b)
{
	uint32_t hart;

	for (hart = 0; hart < BH_MAX_HARTS; hart++) {
		int node;

		if (!bh_config_cpu_set_has(b->in->cell->cpu_set, hart))
			continue;
		node = hvctl_fdt_cpu_node(b->in->root_fdt, hart);
		if (node < 0) {
			hvctl_error("%s: the root device tree has no cpu node under /cpus",
				    b->in->command);
			return -1;
		}
		b->harts[b->num_harts] = hart;
		b->cpu_nodes[b->num_harts] = node;
		b->num_harts++;
	}
	return 0;
}

int hvctl_build_cell_dtb(const struct hvctl_dtb_input *in, void **dtb, size_t *len)
{
	struct build b = { .in = in };
	unsigned int size = FIRST_SIZE;
	void *out = NULL;
	int ret;

	*dtb = NULL;
	*len = 0;
	if (find_harts(&b) ||
	    hvctl_dtb_find_devices(in->command, in->root_fdt, in->cell, &b.devs, &b.num_devs))
		return -1;
	find_stdout_path(&b);
	for (;;) {
		void *grown = realloc(out, size);

		if (!grown) {
			ret = -FDT_ERR_NOSPACE;
			break;
		}
		out = grown;
		ret = write_tree(out, (int)size, &b);
		if (ret != -FDT_ERR_NOSPACE || size >= HVCTL_MAX_FDT_SIZE)
			break;
		size *= 2;
	}
	free(b.devs);
	if (ret) {
		hvctl_error("%s: cannot write the device tree of cell '%s': %s", in->command,
			    in->cell->name, fdt_strerror(ret));
		free(out);
		return -1;
	}
	*dtb = out;
	*len = fdt_totalsize(out);
	return 0;
}
