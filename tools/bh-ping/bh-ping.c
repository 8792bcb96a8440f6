// SPDX-License-Identifier: GPL-2.0
/*
 * bh-ping [-n N] LINK: N round trips from the root to the peer of its end of
 * link LINK (docs/shared-memory.md), through the stock uio_pdrv_genirq driver:
 * /dev/uioX named after the DT node bulkhead-link<LINK>, map 0 the shared memory, map 1
 * the doorbell page, read() returning once the peer rang. Each round trip
 * writes a request with a sequence number and a checksummed payload, rings
 * the peer and checks the reply. Prints the round trips done, the errors,
 * the rings refused and the doorbell exits the root's harts took meanwhile
 * (the hypervisor's counters in sysfs). Exit status 0 only if all N were done
 * without error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bulkhead/doorbell.h>
#include <bulkhead/link_ping.h>

#define ROOT_DIR "/sys/devices/bulkhead/cells/root"
/* How long a reply may take before the peer is asked whether it is still there. */
#define REPLY_POLL_MS 1000
/* A peer that is there but silent this many times in a row ends the run. */
#define MAX_SILENT 5

static int read_text(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	buf[n] = '\0';
	while (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return 0;
}

static long long hart_doorbell_exits(unsigned long hart)
{
	char path[128], text[32];

	snprintf(path, sizeof(path), ROOT_DIR "/statistics/cpu%lu/doorbell", hart);
	if (read_text(path, text, sizeof(text)))
		return -1;
	return strtoll(text, NULL, 10);
}

/*
 * The sum of the doorbell exit counters of the harts the root has now (its
 * `cpus` list, e.g. "0-2"; the counters of a hart a cell took are the cell's),
 * or -1.
 */
static long long doorbell_exits(void)
{
	char list[256], *p = list;
	long long sum = 0;

	if (read_text(ROOT_DIR "/cpus", list, sizeof(list)))
		return -1;
	while (*p) {
		unsigned long first = strtoul(p, &p, 10), last = first;

		if (*p == '-')
			last = strtoul(p + 1, &p, 10);
		for (unsigned long h = first; h <= last; h++) {
			long long n = hart_doorbell_exits(h);

			if (n < 0)
				return -1;
			sum += n;
		}
		if (*p == ',')
			p++;
		else if (*p)
			return -1;
	}
	return sum;
}

/*
 * The uio device of link `link`: its number, or -1. uio_pdrv_genirq names it
 * after its DT node: "bulkhead-link1" (Linux 6.1) or "bulkhead-link1@bfd00000"
 * (6.12, with the unit address).
 */
static int find_uio(unsigned long link)
{
	char want[64], path[300], name[64];
	DIR *d = opendir("/sys/class/uio");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	snprintf(want, sizeof(want), "bulkhead-link%lu", link);
	while ((e = readdir(d)) && found < 0) {
		if (strncmp(e->d_name, "uio", 3))
			continue;
		snprintf(path, sizeof(path), "/sys/class/uio/%s/name", e->d_name);
		if (!read_text(path, name, sizeof(name)) && !strncmp(name, want, strlen(want)) &&
		    (name[strlen(want)] == '\0' || name[strlen(want)] == '@'))
			found = atoi(e->d_name + 3);
	}
	closedir(d);
	return found;
}

static unsigned long map_size(int uio, int map)
{
	char path[128], text[32];

	snprintf(path, sizeof(path), "/sys/class/uio/uio%d/maps/map%d/size", uio, map);
	if (read_text(path, text, sizeof(text)))
		return 0;
	return strtoul(text, NULL, 0);
}

struct link {
	int fd;
	volatile uint8_t *shmem;
	volatile uint32_t *bell;
	uint32_t own, peer;
};

static uint32_t bell_read(const struct link *l, unsigned int reg)
{
	return l->bell[reg / 4];
}

/* Wait for the peer's ring: true once it rang, false if it is gone or silent. */
static bool wait_ring(struct link *l)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };
	uint32_t count;

	for (int silent = 0; silent < MAX_SILENT; silent++) {
		int r = poll(&p, 1, REPLY_POLL_MS);

		if (r > 0)
			return read(l->fd, &count, sizeof(count)) == sizeof(count);
		if (r < 0 && errno != EINTR)
			return false;
		if (r == 0 && !((bell_read(l, BH_DOORBELL_PEERS) >> l->peer) & 1))
			return false;
	}
	return false;
}

static bool round_trip(struct link *l, uint32_t seq)
{
	volatile struct bh_ping_msg *req = (volatile void *)(l->shmem + BH_PING_REQUEST);
	volatile struct bh_ping_msg *rep = (volatile void *)(l->shmem + BH_PING_REPLY);
	uint32_t len = bh_ping_fill(req->payload, seq), on = 1;
	bool ok;

	req->len = len;
	req->sum = bh_ping_sum(req->payload, len);
	req->from = l->own;
	req->seq = seq;
	rep->seq = 0;
	/* genirq masked the line when it last fired: unmask before ringing. */
	if (write(l->fd, &on, sizeof(on)) != sizeof(on))
		return false;
	__sync_synchronize();
	l->bell[BH_DOORBELL_RING / 4] = l->peer;
	if (!wait_ring(l))
		return false;
	__sync_synchronize();
	ok = rep->seq == seq && rep->status == 0 && rep->len == len &&
	     bh_ping_sum(rep->payload, len) == rep->sum;
	for (uint32_t i = 0; ok && i < len; i++)
		ok = rep->payload[i] == req->payload[len - 1 - i];
	return ok;
}

static int usage(void)
{
	fprintf(stderr, "usage: bh-ping [-n N] LINK\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned long n = 1, link, done = 0, errors = 0, shm_size;
	long long exits_before, exits_after;
	uint32_t refused, peers;
	unsigned int failed_in_a_row = 0;
	struct link l;
	char dev[32];
	int opt, uio;

	while ((opt = getopt(argc, argv, "n:")) != -1) {
		if (opt != 'n')
			return usage();
		n = strtoul(optarg, NULL, 0);
	}
	if (optind != argc - 1)
		return usage();
	link = strtoul(argv[optind], NULL, 0);
	uio = find_uio(link);
	if (uio < 0) {
		fprintf(stderr, "bh-ping: link %lu: no uio device named bulkhead-link%lu "
				"(modprobe uio_pdrv_genirq of_id=bulkhead,link-end after hvctl enable)\n",
			link, link);
		return 1;
	}
	snprintf(dev, sizeof(dev), "/dev/uio%d", uio);
	l.fd = open(dev, O_RDWR);
	shm_size = map_size(uio, 0);
	if (l.fd < 0 || shm_size < BH_PING_REPLY + sizeof(struct bh_ping_msg)) {
		fprintf(stderr, "bh-ping: %s: %s\n", dev,
			l.fd < 0 ? strerror(errno) : "shared memory too small for the ping messages");
		return 1;
	}
	l.shmem = mmap(NULL, shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, l.fd, 0);
	l.bell = mmap(NULL, BH_DOORBELL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, l.fd,
		      1 * getpagesize());
	if (l.shmem == MAP_FAILED || l.bell == MAP_FAILED) {
		fprintf(stderr, "bh-ping: %s: mmap: %s\n", dev, strerror(errno));
		return 1;
	}
	l.own = bell_read(&l, BH_DOORBELL_ID);
	peers = bell_read(&l, BH_DOORBELL_PEERS);
	if (!peers) {
		fprintf(stderr, "bh-ping: link %lu: no peer present\n", link);
		return 1;
	}
	l.peer = (uint32_t)__builtin_ctz(peers);
	refused = bell_read(&l, BH_DOORBELL_REFUSED);
	exits_before = doorbell_exits();
	for (uint32_t seq = 1; done < n; seq++) {
		if (!round_trip(&l, seq)) {
			errors++;
			if (!((bell_read(&l, BH_DOORBELL_PEERS) >> l.peer) & 1)) {
				fprintf(stderr, "bh-ping: link %lu: end %u is gone\n", link, l.peer);
				break;
			}
			if (++failed_in_a_row == MAX_SILENT) {
				fprintf(stderr, "bh-ping: link %lu: end %u does not answer\n", link,
					l.peer);
				break;
			}
			continue;
		}
		failed_in_a_row = 0;
		done++;
	}
	exits_after = doorbell_exits();
	printf("bh-ping: link %lu: end %u -> end %u: %lu round trips, %lu errors, %u refused, "
	       "%lld doorbell exits\n",
	       link, l.own, l.peer, done, errors, bell_read(&l, BH_DOORBELL_REFUSED) - refused,
	       exits_before < 0 || exits_after < 0 ? -1 : exits_after - exits_before);
	return done == n && !errors ? 0 : 1;
}
