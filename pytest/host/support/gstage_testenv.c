// SPDX-License-Identifier: GPL-2.0
/*
 * Host harness for test_gstage.py: a page arena standing in for physical
 * memory, with an allocator that can be told to fail, and the table under
 * test. Physical addresses are made up (PHYS_BASE + offset, far from the
 * virtual ones) so that mixing the two up shows. Misuse (double free, a
 * pointer outside the arena) is counted for the tests to assert on.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "gstage.h"

#define PAGE	   4096u
#define ROOT_PAGES 4u
/* 16 KiB aligned and with high PPN bits set, below the 56-bit limit */
#define PHYS_BASE 0x00abcd0000000000ull

struct gstage_test_env {
	unsigned char *arena; /* ROOT_PAGES root pages, then the allocator's pages */
	unsigned long pages;  /* allocator pages */
	unsigned char *used;
	unsigned long in_use;
	unsigned long allocations;
	long fail_after;   /* successful allocations left; negative: unlimited */
	int misalign_next; /* hand out the next page with a misaligned address */
	unsigned long errors;
	struct gstage_alloc alloc;
	struct gstage_table table;
};

static void *test_alloc_page(void *opaque, uint64_t *phys)
{
	struct gstage_test_env *env = opaque;
	unsigned long i;

	if (env->fail_after == 0) {
		return NULL;
	}
	for (i = 0; i < env->pages; i++) {
		if (!env->used[i]) {
			unsigned char *page = env->arena + (ROOT_PAGES + i) * (size_t)PAGE;

			env->used[i] = 1;
			env->in_use++;
			env->allocations++;
			if (env->fail_after > 0) {
				env->fail_after--;
			}
			/* garbage, not zeroes: the builder must not rely on them */
			memset(page, 0xa5, PAGE);
			*phys = PHYS_BASE + (uint64_t)(ROOT_PAGES + i) * PAGE;
			if (env->misalign_next) {
				env->misalign_next = 0;
				*phys += PAGE / 2;
			}
			return page;
		}
	}
	return NULL;
}

static long page_index(struct gstage_test_env *env, const void *virt)
{
	uintptr_t offset = (uintptr_t)virt - (uintptr_t)env->arena;

	if ((uintptr_t)virt < (uintptr_t)env->arena || offset % PAGE ||
	    offset / PAGE < ROOT_PAGES || offset / PAGE >= ROOT_PAGES + env->pages) {
		return -1;
	}
	return (long)(offset / PAGE - ROOT_PAGES);
}

static void test_free_page(void *opaque, void *virt)
{
	struct gstage_test_env *env = opaque;
	long i = page_index(env, virt);

	if (i < 0 || !env->used[i]) {
		env->errors++;
		return;
	}
	env->used[i] = 0;
	env->in_use--;
	/* poison, so that a use after free shows in the walk */
	memset(virt, 0x5a, PAGE);
}

static void *test_phys_to_virt(void *opaque, uint64_t phys)
{
	struct gstage_test_env *env = opaque;
	uint64_t size = (uint64_t)(ROOT_PAGES + env->pages) * PAGE;

	if (phys < PHYS_BASE || phys - PHYS_BASE >= size) {
		env->errors++;
		return NULL;
	}
	return env->arena + (phys - PHYS_BASE);
}

struct gstage_test_env *gstage_test_env_new(unsigned long pages)
{
	struct gstage_test_env *env = calloc(1, sizeof(*env));
	size_t bytes = (ROOT_PAGES + pages) * (size_t)PAGE;

	if (!env) {
		return NULL;
	}
	env->arena = aligned_alloc(ROOT_PAGES * PAGE, bytes);
	env->used = calloc(pages ? pages : 1, 1);
	if (!env->arena || !env->used) {
		free(env->arena);
		free(env->used);
		free(env);
		return NULL;
	}
	memset(env->arena, 0xa5, bytes);
	env->pages = pages;
	env->fail_after = -1;
	env->alloc.alloc_page = test_alloc_page;
	env->alloc.free_page = test_free_page;
	env->alloc.phys_to_virt = test_phys_to_virt;
	env->alloc.opaque = env;
	return env;
}

void gstage_test_env_free(struct gstage_test_env *env)
{
	free(env->arena);
	free(env->used);
	free(env);
}

struct gstage_table *gstage_test_env_table(struct gstage_test_env *env)
{
	return &env->table;
}

const struct gstage_alloc *gstage_test_env_alloc(struct gstage_test_env *env)
{
	return &env->alloc;
}

void *gstage_test_env_arena(struct gstage_test_env *env)
{
	return env->arena;
}

uint64_t gstage_test_env_phys_base(void)
{
	return PHYS_BASE;
}

unsigned long gstage_test_env_arena_bytes(struct gstage_test_env *env)
{
	return (ROOT_PAGES + env->pages) * PAGE;
}

unsigned long gstage_test_env_in_use(struct gstage_test_env *env)
{
	return env->in_use;
}

unsigned long gstage_test_env_allocations(struct gstage_test_env *env)
{
	return env->allocations;
}

/* One byte per allocator page (the first follows the root): 1 if allocated. */
const unsigned char *gstage_test_env_used(struct gstage_test_env *env)
{
	return env->used;
}

unsigned long gstage_test_env_pages(struct gstage_test_env *env)
{
	return env->pages;
}

void gstage_test_env_fail_after(struct gstage_test_env *env, long allocations)
{
	env->fail_after = allocations;
}

void gstage_test_env_misalign_next(struct gstage_test_env *env)
{
	env->misalign_next = 1;
}

unsigned long gstage_test_env_errors(struct gstage_test_env *env)
{
	return env->errors;
}
