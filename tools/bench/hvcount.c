// SPDX-License-Identifier: GPL-2.0
/*
 * hvcount: a QEMU TCG plugin (plugin API 1, QEMU 7.2) that counts, per vCPU,
 * the instructions executed in one address range: on the Bulkhead board the
 * hypervisor image, which runs with translation off at its physical
 * addresses. Only blocks that start in the range are instrumented, so the
 * rest of the machine runs at full speed. docs/bench.md has the whole story.
 *
 * -plugin hvcount.so,lo=ADDR,hi=ADDR[,entry=ADDR...][,tag=NAME:ADDR...]
 *                    [,sock=PATH][,out=PATH][,spin=on|off]
 *
 *   lo, hi     the range [lo, hi); a block counts when its first instruction is in it
 *   entry      a block starting here starts an episode (the trap vector, the enable
 *              entry): one episode per entry into the hypervisor
 *   tag        a block starting here names the episode it runs in, so that
 *              instructions can be charged per kind of exit; a tag given later on
 *              the command line overrides an earlier one in the same episode, never
 *              the other way round (list generic handlers first, specific ones after)
 *   sock       serve snapshots on this Unix socket: connect, send a line, read one
 *              JSON line, the counters at that moment; a line "reset" first starts
 *              the per-episode minimum and maximum afresh; a line "blocks" answers
 *              instead with how often each block ran, per vCPU (a profile: the
 *              runner maps blocks to functions)
 *   out        write the last snapshot here when QEMU exits
 *   spin       count the rounds of wait loops and lock retries (spin.h) apart from
 *              the work (default on)
 *
 * Counting is per block, at its start: a block that raises an exception half
 * way counts whole. Each vCPU's counters are written only by the thread that
 * runs it; snapshots read them without stopping anything.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <qemu-plugin.h>

#include "spin.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MAX_TAGS    64 /* tag 0 is "other": episodes no tag named */
#define MAX_ENTRIES 8
#define NO_MIN	    UINT64_MAX

struct tag_count {
	uint64_t insns, spin, episodes;
	uint64_t min, max; /* work of one finished episode */
};

struct vcpu_count {
	uint64_t insns, spin, entries;
	/* The episode running (or last run) on this vCPU. */
	bool in_episode;
	uint64_t minmax_epoch; /* the tags' min and max are of this epoch */
	unsigned int tag;
	uint64_t episode_insns, episode_spin;
	/* The block run before: a wait loop, or a retry whose branch back may be taken. */
	const struct tb_info *prev;
	bool prev_waited; /* counted as waiting */
	struct tag_count tags[MAX_TAGS];
};

struct tb_info {
	uint64_t pc;
	uint32_t n_insns;
	unsigned int tag; /* 0: none; a higher one overrides a lower one */
	bool entry, spin;
	bool retry; /* bench_tb_retry_target() */
	uint64_t retry_target;
	uint64_t *execs; /* per vCPU: how often it ran the block */
	struct tb_info *next; /* every block translated, for "blocks" */
};

static struct {
	uint64_t lo, hi;
	uint64_t entries[MAX_ENTRIES];
	unsigned int n_entries;
	const char *tag_names[MAX_TAGS];
	uint64_t tag_addrs[MAX_TAGS];
	unsigned int n_tags; /* including "other" */
	const char *sock_path, *out_path;
	bool spin;
} cfg;

static struct vcpu_count *vcpus;
static unsigned int n_vcpus;
static struct tb_info *all_blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;
static int listen_fd = -1;
/* Bumped by a "reset" request; each vCPU notices it when it next finishes an episode. */
static uint64_t minmax_epoch;

static uint64_t get(const uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

/* Only the vCPU's own thread writes its counters: a load and a store suffice. */
static void put(uint64_t *p, uint64_t value)
{
	__atomic_store_n(p, value, __ATOMIC_RELAXED);
}

static void add(uint64_t *p, uint64_t n)
{
	put(p, get(p) + n);
}

static void sub(uint64_t *p, uint64_t n)
{
	put(p, get(p) - n);
}

static void episode_begin(struct vcpu_count *v)
{
	struct tag_count *t = &v->tags[v->tag];
	uint64_t epoch = get(&minmax_epoch);

	/* Only this thread writes the min and max: it restarts them itself. */
	if (get(&v->minmax_epoch) != epoch) {
		for (unsigned int i = 0; i < MAX_TAGS; i++) {
			put(&v->tags[i].min, NO_MIN);
			put(&v->tags[i].max, 0);
		}
		put(&v->minmax_epoch, epoch);
	}
	if (v->in_episode) {
		if (v->episode_insns < get(&t->min))
			put(&t->min, v->episode_insns);
		if (v->episode_insns > get(&t->max))
			put(&t->max, v->episode_insns);
	}
	v->in_episode = true;
	v->tag = 0;
	v->episode_insns = v->episode_spin = 0;
	add(&v->tags[0].episodes, 1);
}

/* The episode turns out to be of another kind: what it ran so far moves along. */
static void episode_retag(struct vcpu_count *v, unsigned int tag)
{
	struct tag_count *from = &v->tags[v->tag], *to = &v->tags[tag];

	add(&to->episodes, 1);
	add(&to->insns, v->episode_insns);
	add(&to->spin, v->episode_spin);
	sub(&from->insns, v->episode_insns);
	sub(&from->spin, v->episode_spin);
	sub(&from->episodes, 1);
	v->tag = tag;
}

static void work_was_waiting(struct vcpu_count *v, uint64_t n)
{
	struct tag_count *t = &v->tags[v->tag];

	sub(&v->insns, n);
	sub(&t->insns, n);
	v->episode_insns -= n;
	add(&v->spin, n);
	add(&t->spin, n);
	v->episode_spin += n;
}

static void tb_exec(unsigned int vcpu_index, void *udata)
{
	struct tb_info *tb = udata;
	const struct tb_info *prev;
	struct vcpu_count *v;
	bool spin;

	if (vcpu_index >= n_vcpus)
		return;
	v = &vcpus[vcpu_index];
	add(&tb->execs[vcpu_index], 1);
	prev = v->prev;
	spin = tb->spin;
	/* A retry right after a round of the wait loop it goes back to. */
	if (tb->retry && prev && prev->spin && prev->pc == tb->retry_target)
		spin = true;
	/* The previous block's retry branch was taken: it failed, this is a repeat. */
	if (prev && prev->retry && prev->retry_target == tb->pc) {
		if (!v->prev_waited)
			work_was_waiting(v, prev->n_insns);
		spin = true;
	}
	v->prev = tb;
	v->prev_waited = spin;
	if (tb->entry) {
		add(&v->entries, 1);
		episode_begin(v);
	}
	if (tb->tag > v->tag) {
		/* Code that runs before any entry (none on the board) gets an episode too. */
		if (!v->in_episode)
			episode_begin(v);
		episode_retag(v, tb->tag);
	}
	if (spin) {
		add(&v->spin, tb->n_insns);
		add(&v->tags[v->tag].spin, tb->n_insns);
		v->episode_spin += tb->n_insns;
	} else {
		add(&v->insns, tb->n_insns);
		add(&v->tags[v->tag].insns, tb->n_insns);
		v->episode_insns += tb->n_insns;
	}
}

static bool is_entry(uint64_t pc)
{
	for (unsigned int i = 0; i < cfg.n_entries; i++)
		if (cfg.entries[i] == pc)
			return true;
	return false;
}

static unsigned int tag_at(uint64_t pc)
{
	for (unsigned int i = 1; i < cfg.n_tags; i++)
		if (cfg.tag_addrs[i] == pc)
			return i;
	return 0;
}

/* Wait loops and lock retries (spin.h); the entry and tag blocks are never either. */
static void classify_waits(struct qemu_plugin_tb *tb, size_t n, struct tb_info *info)
{
	struct bench_insn *insns;

	if (!cfg.spin || info->entry || info->tag)
		return;
	insns = calloc(n, sizeof(*insns));
	if (!insns)
		return;
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *data = qemu_plugin_insn_data(insn);
		size_t size = qemu_plugin_insn_size(insn);

		insns[i].vaddr = qemu_plugin_insn_vaddr(insn);
		insns[i].size = (unsigned int)size;
		/* RISC-V encodings are little-endian, whatever the host. */
		for (size_t b = 0; b < size && b < 4; b++)
			insns[i].raw |= (uint32_t)data[b] << (8 * b);
	}
	info->spin = bench_tb_is_spin(insns, n);
	if (!info->spin)
		info->retry = bench_tb_retry_target(insns, n, &info->retry_target);
	free(insns);
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t pc = qemu_plugin_tb_vaddr(tb);
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct tb_info *info;

	(void)id;
	if (pc < cfg.lo || pc >= cfg.hi || n == 0)
		return;
	/* Kept for as long as QEMU may run the block: never freed. */
	info = calloc(1, sizeof(*info));
	if (info)
		info->execs = calloc(n_vcpus, sizeof(*info->execs));
	if (!info || !info->execs) {
		free(info);
		qemu_plugin_outs("hvcount: out of memory: a block goes uncounted\n");
		return;
	}
	info->pc = pc;
	info->n_insns = (uint32_t)n;
	info->entry = is_entry(pc);
	info->tag = tag_at(pc);
	classify_waits(tb, n, info);
	pthread_mutex_lock(&blocks_lock);
	info->next = all_blocks;
	__atomic_store_n(&all_blocks, info, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&blocks_lock);
	qemu_plugin_register_vcpu_tb_exec_cb(tb, tb_exec, QEMU_PLUGIN_CB_NO_REGS, info);
}

/*
 * {"blocks": [[pc, insns, [runs per vCPU]], ...]}: every translation of a
 * block is listed (QEMU may translate a block again), newest first.
 */
static void write_blocks(FILE *f)
{
	const struct tb_info *tb = __atomic_load_n(&all_blocks, __ATOMIC_ACQUIRE);

	fprintf(f, "{\"blocks\": [");
	for (bool first = true; tb; tb = tb->next, first = false) {
		fprintf(f, "%s[%" PRIu64 ", %" PRIu32 ", [", first ? "" : ", ", tb->pc, tb->n_insns);
		for (unsigned int c = 0; c < n_vcpus; c++)
			fprintf(f, "%s%" PRIu64, c ? ", " : "", get(&tb->execs[c]));
		fprintf(f, "]]");
	}
	fprintf(f, "]}\n");
}

static void write_snapshot(FILE *f)
{
	fprintf(f, "{\"lo\": %" PRIu64 ", \"hi\": %" PRIu64 ", \"cpus\": [", cfg.lo, cfg.hi);
	for (unsigned int c = 0; c < n_vcpus; c++) {
		struct vcpu_count *v = &vcpus[c];
		/* No episode finished on it since the last reset. */
		bool stale = get(&v->minmax_epoch) != get(&minmax_epoch);

		fprintf(f,
			"%s{\"insns\": %" PRIu64 ", \"spin\": %" PRIu64 ", \"entries\": %" PRIu64
			", \"tags\": {",
			c ? ", " : "", get(&v->insns), get(&v->spin), get(&v->entries));
		for (unsigned int t = 0; t < cfg.n_tags; t++) {
			struct tag_count *tc = &v->tags[t];
			uint64_t min = get(&tc->min);

			fprintf(f,
				"%s\"%s\": {\"insns\": %" PRIu64 ", \"spin\": %" PRIu64
				", \"episodes\": %" PRIu64 ", ",
				t ? ", " : "", cfg.tag_names[t], get(&tc->insns), get(&tc->spin),
				get(&tc->episodes));
			if (stale || min == NO_MIN)
				fprintf(f, "\"min\": null, \"max\": null}");
			else
				fprintf(f, "\"min\": %" PRIu64 ", \"max\": %" PRIu64 "}", min,
					get(&tc->max));
		}
		fprintf(f, "}}");
	}
	fprintf(f, "]}\n");
}

static void *serve_snapshots(void *arg)
{
	(void)arg;
	for (;;) {
		char request[64];
		bool blocks;
		ssize_t got;
		FILE *f;
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			return NULL;
		}
		/* The answer is the counters now, after a reset if the line asks for one. */
		got = read(fd, request, sizeof(request));
		blocks = got >= 6 && !memcmp(request, "blocks", 6);
		if (got >= 5 && !memcmp(request, "reset", 5))
			add(&minmax_epoch, 1);
		while (got > 0 && !memchr(request, '\n', (size_t)got))
			got = read(fd, request, sizeof(request));
		f = fdopen(fd, "w");
		if (!f) {
			close(fd);
			continue;
		}
		if (blocks)
			write_blocks(f);
		else
			write_snapshot(f);
		fclose(f);
	}
}

static int start_server(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	sigset_t all, old;
	pthread_t thread;
	int err;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "hvcount: socket path '%s' is longer than %zu bytes\n", path,
			sizeof(addr.sun_path) - 1);
		return -1;
	}
	strcpy(addr.sun_path, path);
	unlink(path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(listen_fd, 4)) {
		fprintf(stderr, "hvcount: cannot listen on %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* QEMU directs signals at its own threads; this one takes none. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&thread, NULL, serve_snapshots, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		fprintf(stderr, "hvcount: cannot start the snapshot thread: %s\n", strerror(err));
		return -1;
	}
	pthread_detach(thread);
	return 0;
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	if (cfg.out_path) {
		FILE *f = fopen(cfg.out_path, "w");

		if (f) {
			write_snapshot(f);
			fclose(f);
		} else {
			fprintf(stderr, "hvcount: cannot write %s: %s\n", cfg.out_path,
				strerror(errno));
		}
	}
	if (cfg.sock_path)
		unlink(cfg.sock_path);
}

static int parse_addr(const char *key, const char *text, uint64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 0);
	if (errno || end == text || *end || *text == '-') {
		fprintf(stderr, "hvcount: %s=%s: not an address (0x... or decimal)\n", key, text);
		return -1;
	}
	return 0;
}

static int parse_tag(const char *text)
{
	const char *colon = strrchr(text, ':');
	char *name;

	if (!colon || colon == text) {
		fprintf(stderr, "hvcount: tag=%s: expected tag=NAME:ADDR\n", text);
		return -1;
	}
	if (cfg.n_tags == MAX_TAGS) {
		fprintf(stderr, "hvcount: more than %d tags\n", MAX_TAGS - 1);
		return -1;
	}
	for (const char *p = text; p < colon; p++) {
		if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) {
			fprintf(stderr,
				"hvcount: tag=%s: the name must not contain quotes, "
				"backslashes or control characters\n",
				text);
			return -1;
		}
	}
	if (parse_addr("tag", colon + 1, &cfg.tag_addrs[cfg.n_tags]))
		return -1;
	name = strndup(text, (size_t)(colon - text));
	if (!name)
		return -1;
	cfg.tag_names[cfg.n_tags++] = name;
	return 0;
}

static int parse_arg(const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *value = eq ? eq + 1 : "";
	size_t key_len = eq ? (size_t)(eq - arg) : strlen(arg);

#define KEY(k) (key_len == strlen(k) && !strncmp(arg, k, key_len))
	if (!eq) {
		fprintf(stderr, "hvcount: argument '%s': expected KEY=VALUE\n", arg);
		return -1;
	}
	if (KEY("lo"))
		return parse_addr("lo", value, &cfg.lo);
	if (KEY("hi"))
		return parse_addr("hi", value, &cfg.hi);
	if (KEY("entry")) {
		if (cfg.n_entries == MAX_ENTRIES) {
			fprintf(stderr, "hvcount: more than %d entry addresses\n", MAX_ENTRIES);
			return -1;
		}
		return parse_addr("entry", value, &cfg.entries[cfg.n_entries++]);
	}
	if (KEY("tag"))
		return parse_tag(value);
	if (KEY("sock")) {
		cfg.sock_path = value;
		return 0;
	}
	if (KEY("out")) {
		cfg.out_path = value;
		return 0;
	}
	if (KEY("spin")) {
		if (qemu_plugin_bool_parse("spin", value, &cfg.spin))
			return 0;
		fprintf(stderr, "hvcount: spin=%s: expected on or off\n", value);
		return -1;
	}
#undef KEY
	fprintf(stderr, "hvcount: unknown argument '%s' (lo, hi, entry, tag, sock, out, spin)\n",
		arg);
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
					   char **argv)
{
	bool have_lo = false, have_hi = false;

	cfg.spin = true;
	cfg.tag_names[0] = "other";
	cfg.n_tags = 1;
	for (int i = 0; i < argc; i++) {
		if (parse_arg(argv[i]))
			return -1;
		have_lo |= !strncmp(argv[i], "lo=", 3);
		have_hi |= !strncmp(argv[i], "hi=", 3);
	}
	if (!have_lo || !have_hi || cfg.lo >= cfg.hi) {
		fprintf(stderr, "hvcount: needs lo=ADDR,hi=ADDR with lo < hi\n");
		return -1;
	}
	if (!info->system_emulation) {
		fprintf(stderr,
			"hvcount: counts per vCPU of a whole machine: system emulation only\n");
		return -1;
	}
	n_vcpus = (unsigned int)info->system.max_vcpus;
	vcpus = calloc(n_vcpus, sizeof(*vcpus));
	if (!vcpus)
		return -1;
	for (unsigned int c = 0; c < n_vcpus; c++)
		for (unsigned int t = 0; t < MAX_TAGS; t++)
			vcpus[c].tags[t].min = NO_MIN;
	if (cfg.sock_path && start_server(cfg.sock_path))
		return -1;
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
