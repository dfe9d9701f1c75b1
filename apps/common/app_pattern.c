/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/* The benchmarks' pattern region: zero-copy requests over it, and the
 * check of what arrives (app_pattern.h).
 */

#include <errno.h>
#include <string.h>

#include <rte_malloc.h>

#include "app_pattern.h"

static void
noop_free(void *addr, void *opaque)
{
	RTE_SET_USED(addr);
	RTE_SET_USED(opaque);
}

int
app_pattern_init(struct app_pattern *p, uint32_t salt)
{
	uint64_t *w;
	uint32_t i;

	p->region = rte_malloc("app_pattern", APP_PATTERN_REGION, 64);
	if (p->region == NULL)
		return -ENOMEM;
	w = (uint64_t *)(void *)p->region;
	for (i = 0; i < APP_PATTERN_REGION / 8; i++)
		w[i] = ((uint64_t)i * 0x9e3779b97f4a7c15ULL) ^ salt;
	/* one reference each that is never dropped: the region stays */
	for (i = 0; i < APP_PATTERN_CHUNKS; i++) {
		p->shinfo[i].free_cb = noop_free;
		p->shinfo[i].fcb_opaque = NULL;
		rte_mbuf_ext_refcnt_set(&p->shinfo[i], 1);
	}
	return 0;
}

void
app_pattern_free(struct app_pattern *p)
{
	rte_free(p->region);
	p->region = NULL;
}

struct rte_mbuf *
app_pattern_request(struct app_pattern *p, struct rte_mempool *mp,
		    uint32_t start, uint64_t off, uint32_t len)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t pos, chunk, in_chunk, take;

	while (len > 0) {
		pos = (uint32_t)((start + off) % APP_PATTERN_REGION);
		chunk = pos / APP_PATTERN_CHUNK;
		in_chunk = pos % APP_PATTERN_CHUNK;
		take = RTE_MIN(len, APP_PATTERN_CHUNK - in_chunk);
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		rte_mbuf_ext_refcnt_update(&p->shinfo[chunk], 1);
		rte_pktmbuf_attach_extbuf(m,
			p->region + chunk * APP_PATTERN_CHUNK,
			rte_malloc_virt2iova(p->region) +
			chunk * APP_PATTERN_CHUNK,
			APP_PATTERN_CHUNK, &p->shinfo[chunk]);
		m->data_off = (uint16_t)in_chunk;
		m->data_len = (uint16_t)take;
		m->pkt_len = take;
		if (head == NULL)
			head = m;
		else
			rte_pktmbuf_chain(head, m);
		off += take;
		len -= take;
	}
	return head;
}

uint64_t
app_pattern_bad_bytes(const struct app_pattern *p, const struct rte_mbuf *m,
		      uint32_t start, uint64_t off)
{
	uint64_t bad = 0;
	uint32_t done, pos, take, j;

	for (; m != NULL; m = m->next) {
		const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);

		for (done = 0; done < m->data_len; done += take) {
			pos = (uint32_t)((start + off + done) %
					 APP_PATTERN_REGION);
			take = RTE_MIN((uint32_t)m->data_len - done,
				       APP_PATTERN_REGION - pos);
			if (memcmp(d + done, p->region + pos, take) == 0)
				continue;
			for (j = 0; j < take; j++)
				bad += d[done + j] != p->region[pos + j];
		}
		off += m->data_len;
	}
	return bad;
}
