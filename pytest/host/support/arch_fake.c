// SPDX-License-Identifier: GPL-2.0
/*
 * The machine under core/control.c on the host: the hypervisor's state, its
 * page pool in a host arena, a window of "root RAM" the tests write configs
 * into, harts that park as soon as they are told (or never, when a test says
 * a hart is broken), and a console kept in a buffer.
 *
 * host_state_digest() hashes everything a management request may change,
 * so a test can check that a refused request changed nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bulkhead/config_check.h>

#include "hv.h"

struct hypervisor hv;
/* The time CSR as the core reads it (hv_time.h); tests set it. */
uint64_t host_time_now;

#define ARENA_BYTES   (4UL << 20)
#define CONSOLE_BYTES 65536

static unsigned char *arena;
static uint64_t ram_window_phys, ram_window_size;
static unsigned char *ram_window;
static char console_text[CONSOLE_BYTES];
static size_t console_len;
static uint64_t stuck_harts;
static uint64_t fake_time;
static unsigned long flushes;
static jmp_buf *park_jump;
static uint64_t held[8192];
static unsigned long nheld;

/* ---- console ---- */
void hv_console_putc(char c)
{
	console_ring_put(&hv.console, c);
	if (console_len < CONSOLE_BYTES - 1)
		console_text[console_len++] = c;
}

static char last_message[256];
static unsigned int messages;

void hv_printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(last_message))
		n = sizeof(last_message) - 1;
	messages++;
	for (int i = 0; i < n; i++)
		hv_console_putc(last_message[i]);
}

/* The last message and how many there were. */
const char *host_last_message(void);
const char *host_last_message(void)
{
	return last_message;
}

unsigned int host_messages(void);
unsigned int host_messages(void)
{
	return messages;
}

void host_messages_reset(void);
void host_messages_reset(void)
{
	messages = 0;
	last_message[0] = '\0';
}

/* ---- the vPLIC's hooks: the physical side is the fake irqchip ---- */
static void fake_signal(void *opaque, unsigned int context, bool asserted)
{
	(void)opaque;
	(void)context;
	(void)asserted;
}

static void fake_hw_complete(void *opaque, unsigned int source)
{
	(void)opaque;
	irqchip->complete(source);
}

static void fake_line_changed(void *opaque, unsigned int source)
{
	irqchip->route_line(opaque, source);
}

const struct vplic_hooks hv_vplic_hooks = {
	.signal = fake_signal,
	.hw_complete = fake_hw_complete,
	.line_changed = fake_line_changed,
};

/* ---- control.h's arch hooks ---- */
void arch_hart_stop(struct hart *h)
{
	if ((stuck_harts >> h->id) & 1)
		return;
	spin_lock(&h->hsm_lock);
	h->state = HART_STOPPED;
	spin_unlock(&h->hsm_lock);
}

void arch_hart_start(struct hart *h)
{
	spin_lock(&h->hsm_lock);
	if (h->state == HART_START_PENDING)
		h->state = HART_STARTED;
	spin_unlock(&h->hsm_lock);
}

void arch_park_current(struct hart *h)
{
	h->state = HART_STOPPED;
	if (park_jump)
		longjmp(*park_jump, 1);
	abort();
}

/* Disable, as a root hart's hypercall asks it: the hart would return to Linux here. */
void hart_leave(struct hart *h, uint64_t landing)
{
	(void)landing;
	h->present = false;
	if (park_jump)
		longjmp(*park_jump, 1);
	abort();
}

/* A root hart the root starts (HSM) during the next flush, i.e. in the middle of a create. */
static int start_on_flush = -1;

void host_start_on_flush(int hart);
void host_start_on_flush(int hart)
{
	start_on_flush = hart;
}

void arch_flush_root(void)
{
	flushes++;
	if (start_on_flush >= 0) {
		struct hart *h = &hv.harts[start_on_flush];

		spin_lock(&h->hsm_lock);
		if (h->cell == &hv.root && h->state == HART_STOPPED)
			h->state = HART_STARTED;
		spin_unlock(&h->hsm_lock);
		start_on_flush = -1;
	}
}

void *arch_phys_to_virt(uint64_t phys, uint64_t len)
{
	if (phys >= ram_window_phys && len <= ram_window_size &&
	    phys - ram_window_phys <= ram_window_size - len)
		return ram_window + (phys - ram_window_phys);
	return NULL;
}

static unsigned int current_hart;

struct hart *arch_current_hart(void)
{
	return &hv.harts[current_hart];
}

/* The hart the next host call runs "on". */
void host_set_current_hart(unsigned int hart);
void host_set_current_hart(unsigned int hart)
{
	current_hart = hart;
}

/* Each look at the clock moves it on, so a hart that never parks meets the deadline. */
uint64_t arch_time_now(void)
{
	return fake_time += 1000;
}

/* ---- set-up, as hv_init() and hv_main() do on the machine ---- */
int host_control_init(const void *config, size_t size, uint64_t window_phys, uint64_t window_size);
int host_control_init(const void *config, size_t size, uint64_t window_phys, uint64_t window_size)
{
	static unsigned char *config_copy;
	char err[BH_CONFIG_ERR_LEN];
	const struct bh_system_config *sys;
	int ret;

	memset(&hv, 0, sizeof(hv));
	irq_lines_reset();
	free(config_copy);
	free(ram_window);
	config_copy = aligned_alloc(4096, (size + 4095) & ~4095UL);
	memcpy(config_copy, config, size);
	sys = (const void *)config_copy;
	if (bh_config_check_system(sys, size, err, sizeof(err))) {
		fprintf(stderr, "host_control_init: %s\n", err);
		return -1;
	}
	if (!arena)
		arena = aligned_alloc(1UL << 21, ARENA_BYTES);
	memset(arena, 0, ARENA_BYTES);
	ram_window = calloc(1, window_size);
	ram_window_phys = window_phys;
	ram_window_size = window_size;
	console_len = 0;
	nheld = 0;
	start_on_flush = -1;
	stuck_harts = 0;
	flushes = 0;
	hv.config = sys;
	if (pool_init(&hv.pool, (uint64_t)(uintptr_t)arena, ARENA_BYTES))
		return -1;
	hv.gstage_mode = GSTAGE_MODE_SV48X4;
	ret = cell_init_root(&hv.root, sys);
	if (ret)
		return ret;
	hv.num_cells = 1;
	for (unsigned int i = 0; i < HV_MAX_HARTS; i++) {
		if (!bh_config_cpu_set_has(hv.root.cpu_set, i))
			continue;
		hv.harts[i].id = i;
		hv.harts[i].cell = &hv.root;
		hv.harts[i].present = true;
		hv.harts[i].state = HART_STARTED;
		hv.harts_active |= 1ULL << i;
	}
	return 0;
}

/* ---- what the tests poke and read ---- */
void *host_ram_window(void);
void *host_ram_window(void)
{
	return ram_window;
}

/* The root's Linux takes a CPU offline (HSM stop: parked) or online (started). */
void host_root_hart_set(unsigned int hart, int started);
void host_root_hart_set(unsigned int hart, int started)
{
	hv.harts[hart].state = started ? HART_STARTED : HART_STOPPED;
}

void host_hart_stuck(unsigned int hart, int stuck);
void host_hart_stuck(unsigned int hart, int stuck)
{
	if (stuck)
		stuck_harts |= 1ULL << hart;
	else
		stuck_harts &= ~(1ULL << hart);
}

/* Id of the cell the hart belongs to; -1 for none. */
int host_hart_cell(unsigned int hart);
int host_hart_cell(unsigned int hart)
{
	return hv.harts[hart].cell ? (int)hv.harts[hart].cell->id : -1;
}

int host_hart_state(unsigned int hart);
int host_hart_state(unsigned int hart)
{
	return (int)hv.harts[hart].state;
}

int host_line_owner(unsigned int line);
int host_line_owner(unsigned int line)
{
	struct cell *c = irq_line_owner(line);

	return c ? (int)c->id : -1;
}

/* Whether the line is owned in that cell's vPLIC. */
int host_vplic_owns(unsigned int id, unsigned int line);
int host_vplic_owns(unsigned int id, unsigned int line)
{
	struct cell *c = id < HV_MAX_CELLS ? hv.cells[id] : NULL;

	return c ? vplic_line_owned(c->vplic, line) : -1;
}

uint64_t host_cell_cpu_set(unsigned int id);
uint64_t host_cell_cpu_set(unsigned int id)
{
	return id < HV_MAX_CELLS && hv.cells[id] ? hv.cells[id]->cpu_set : 0;
}

int host_cell_state(unsigned int id);
int host_cell_state(unsigned int id)
{
	return id < HV_MAX_CELLS && hv.cells[id] ? (int)hv.cells[id]->state : -1;
}

/* Where guest-physical @gpa of the cell (0: the root) leads: host-physical, or -1. */
int64_t host_translate(unsigned int id, uint64_t gpa);
int64_t host_translate(unsigned int id, uint64_t gpa)
{
	struct cell *c = id < HV_MAX_CELLS ? hv.cells[id] : NULL;
	uint64_t hpa;
	unsigned int flags;

	if (!c || gstage_translate(&c->gstage, gpa, &hpa, &flags))
		return -1;
	return (int64_t)hpa;
}

unsigned long host_pool_used(void);
unsigned long host_pool_used(void)
{
	return hv.pool.used;
}

unsigned long host_root_tables(void);
unsigned long host_root_tables(void)
{
	return gstage_tables_in_use(&hv.root.gstage);
}

int host_root_fence_pending(void);
int host_root_fence_pending(void)
{
	return gstage_fence_pending(&hv.root.gstage);
}

/* Allocate single pages until only @left are free (the pool running low). */

unsigned long host_pool_hold(unsigned long left);
unsigned long host_pool_hold(unsigned long left)
{
	while (hv.pool.pages - hv.pool.used > left && nheld < 8192) {
		uint64_t page = pool_alloc(&hv.pool, 1, 1);

		if (!page)
			break;
		held[nheld++] = page;
	}
	return hv.pool.pages - hv.pool.used;
}

void host_pool_release(void);
void host_pool_release(void)
{
	while (nheld)
		pool_free(&hv.pool, held[--nheld], 1);
}

unsigned long host_flushes(void);
unsigned long host_flushes(void)
{
	return flushes;
}

const char *host_console(void);
const char *host_console(void)
{
	console_text[console_len] = '\0';
	return console_text;
}

void host_console_clear(void);
void host_console_clear(void)
{
	console_len = 0;
}

/* FNV-1a over the bytes a management request may change. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ULL;
	return h;
}

/*
 * The hypervisor's state (its console ring aside: messages are output), the
 * pool's bitmap and every allocated page, and the line owners.
 */
uint64_t host_state_digest(void);
uint64_t host_state_digest(void)
{
	struct hypervisor copy = hv;
	uint64_t h = 0xcbf29ce484222325ULL;

	memset(&copy.console, 0, sizeof(copy.console));
	h = fnv(h, &copy, sizeof(copy));
	h = fnv(h, hv.pool.bitmap, (hv.pool.pages + 63) / 64 * 8);
	for (unsigned long p = 0; p < hv.pool.pages; p++)
		if ((hv.pool.bitmap[p / 64] >> (p % 64)) & 1)
			h = fnv(h, (const void *)(uintptr_t)(hv.pool.base + p * POOL_PAGE_SIZE),
				POOL_PAGE_SIZE);
	for (unsigned int line = 0; line < BH_MAX_IRQS; line++) {
		struct cell *c = irq_line_owner(line);

		h = fnv(h, &c, sizeof(c));
	}
	return h;
}

/* A hypercall as hart @hart makes it: returns a0, *a1 gets a1. */
int64_t host_hypercall(unsigned int hart, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint64_t *out_a1);
int64_t host_hypercall(unsigned int hart, uint64_t fid, uint64_t a0, uint64_t a1, uint64_t a2,
		       uint64_t *out_a1)
{
	struct hart *h = &hv.harts[hart];

	h->regs[16] = fid;
	h->regs[10] = a0;
	h->regs[11] = a1;
	h->regs[12] = a2;
	hypercall(h);
	*out_a1 = h->regs[11];
	return (int64_t)h->regs[10];
}

/* cell_fail() as a hart of cell @id would call it; returns once the hart parked. */
void host_cell_fail(unsigned int hart, const char *reason);
void host_cell_fail(unsigned int hart, const char *reason)
{
	jmp_buf jump;

	park_jump = &jump;
	if (!setjmp(jump))
		cell_fail(&hv.harts[hart], "%s", reason);
	park_jump = NULL;
}
