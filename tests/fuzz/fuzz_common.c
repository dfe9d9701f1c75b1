/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#include "fuzz.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_log.h>

#include "ofld_lcores.h"

bool fz_verbose;

void
fz_put8(struct fz_out *o, uint8_t v)
{
	if (o->n < sizeof(o->b))
		o->b[o->n++] = v;
}

void
fz_put16(struct fz_out *o, uint16_t v)
{
	fz_put8(o, v >> 8);
	fz_put8(o, v & 0xff);
}

void
fz_put32(struct fz_out *o, uint32_t v)
{
	fz_put16(o, v >> 16);
	fz_put16(o, v & 0xffff);
}

void
fz_put(struct fz_out *o, const void *p, size_t len)
{
	if (len > sizeof(o->b) - o->n)
		len = sizeof(o->b) - o->n;
	memcpy(o->b + o->n, p, len);
	o->n += len;
}

int
fz_seed_write(const char *dir, const char *name, const struct fz_out *o)
{
	char path[4096];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (f == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(o->b, 1, o->n, f) == o->n;
	ok = fclose(f) == 0 && ok;
	return ok ? 0 : -1;
}

static char fz_runtime_dir[PATH_MAX];

/* EAL leaves its runtime directory (empty with --no-shconf, once its
 * telemetry socket is gone) behind: one per run, as the prefix has our
 * pid. At exit, after EAL's handlers.
 */
static void
fz_runtime_dir_remove(void)
{
	if (fz_runtime_dir[0] != '\0')
		rmdir(fz_runtime_dir);
}

int
fz_eal_init(const char *prog)
{
	char prefix[64], lcores[512];
	char *argv[] = {
		(char *)(uintptr_t)prog, (char *)(uintptr_t)"--no-huge",
		(char *)(uintptr_t)"-m", (char *)(uintptr_t)"512",
		(char *)(uintptr_t)"--no-pci", (char *)(uintptr_t)"--no-shconf",
		prefix, lcores,
		(char *)(uintptr_t)"--log-level=*:warning", NULL,
	};

	/* one lcore, floating over our CPUs (tests/common/ofld_lcores.h) */
	if (ofld_test_lcores(lcores, sizeof(lcores), 1) == NULL)
		return -1;
	fz_verbose = getenv("OFLD_FUZZ_VERBOSE") != NULL;
	/* one process, one prefix: replays and fuzzers may run side by side */
	snprintf(prefix, sizeof(prefix), "--file-prefix=ofld-fuzz-%d",
		 (int)getpid());
	/* before EAL's own exit handlers (telemetry's socket): after them */
	atexit(fz_runtime_dir_remove);
	if (rte_eal_init((int)RTE_DIM(argv) - 1, argv) < 0) {
		fprintf(stderr, "EAL init failed: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	snprintf(fz_runtime_dir, sizeof(fz_runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	return 0;
}

struct rte_mempool *
fz_pool_create(const char *name, unsigned int n)
{
	struct rte_mempool *mp;

	/* no per-lcore cache: the available count is exact after each input */
	mp = rte_pktmbuf_pool_create(name, n, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				     rte_socket_id());
	if (mp == NULL)
		fprintf(stderr, "pool %s: %s\n", name, rte_strerror(rte_errno));
	return mp;
}

void
fz_pool_check(struct rte_mempool *mp, unsigned int n, const char *when)
{
	unsigned int avail = rte_mempool_avail_count(mp);

	FZ_CHECK(avail == n, "%s: %u of %u mbufs of %s back (leak)", when,
		 avail, n, mp->name);
}

static void
heap_free_cb(void *addr, void *opaque)
{
	free(addr);
	free(opaque);
}

struct rte_mbuf *
fz_mbuf(struct rte_mempool *mp, enum fz_mbuf_kind kind, const uint8_t *data,
	uint16_t len, uint16_t headroom)
{
	struct rte_mbuf_ext_shared_info *sh;
	struct rte_mbuf *m, *d;
	uint8_t *buf;

	m = rte_pktmbuf_alloc(mp);
	if (m == NULL)
		return NULL;
	if (kind == FZ_MB_HEAP) {
		if ((uint32_t)headroom + len > UINT16_MAX)
			goto fail;
		/* exactly the bytes asked for: ASan guards both ends */
		buf = malloc((size_t)headroom + len + (headroom + len == 0));
		sh = malloc(sizeof(*sh));
		if (buf == NULL || sh == NULL) {
			free(buf);
			free(sh);
			goto fail;
		}
		memset(buf, 0xa5, headroom);
		memcpy(buf + headroom, data, len);
		sh->free_cb = heap_free_cb;
		sh->fcb_opaque = sh;
		rte_mbuf_ext_refcnt_set(sh, 1);
		rte_pktmbuf_attach_extbuf(m, buf, (rte_iova_t)(uintptr_t)buf,
					  (uint16_t)(headroom + len), sh);
		m->data_off = headroom;
	} else {
		if ((uint32_t)headroom + len > m->buf_len)
			goto fail;
		m->data_off = headroom;
		memcpy(rte_pktmbuf_mtod(m, uint8_t *), data, len);
		if (kind == FZ_MB_INDIRECT) {
			d = m;
			m = rte_pktmbuf_alloc(mp);
			if (m == NULL) {
				rte_pktmbuf_free(d);
				return NULL;
			}
			d->data_len = len;
			d->pkt_len = len;
			rte_pktmbuf_attach(m, d);
			rte_pktmbuf_free(d);	/* m holds the only reference */
		}
	}
	m->data_len = len;
	m->pkt_len = len;
	return m;
fail:
	rte_pktmbuf_free(m);
	return NULL;
}
