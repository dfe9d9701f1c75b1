/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_APP_PATTERN_H
#define OFLD_APP_PATTERN_H

/*
 * The bytes a benchmark sends and checks (ofld-perf, tests/perf/tcp_bench):
 * one pattern region of APP_PATTERN_REGION bytes that each stream walks
 * from its own start, repeating. A send request is zero copy: a chain of
 * external-buffer mbufs over the region, APP_PATTERN_CHUNK bytes at most
 * each; what arrives is compared with the same region.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#define APP_PATTERN_REGION	(4u << 20)
#define APP_PATTERN_CHUNK	(32u << 10)	/* bytes per external mbuf */
#define APP_PATTERN_CHUNKS	(APP_PATTERN_REGION / APP_PATTERN_CHUNK)

struct app_pattern {
	uint8_t *region;
	struct rte_mbuf_ext_shared_info shinfo[APP_PATTERN_CHUNKS];
};

/** The region, filled from @p salt. @return 0, or -ENOMEM. */
int app_pattern_init(struct app_pattern *p, uint32_t salt);
void app_pattern_free(struct app_pattern *p);

/** Where stream @p i starts in the region (streams start apart). */
static inline uint32_t
app_pattern_start(uint32_t i)
{
	return (uint32_t)(((uint64_t)i * 1000003u * 8) % APP_PATTERN_REGION);
}

/**
 * A request of @p len bytes at offset @p off of the stream that starts at
 * @p start: external-buffer mbufs of @p mp (data room 0) over the region.
 * NULL (nothing kept) when @p mp runs out.
 */
struct rte_mbuf *app_pattern_request(struct app_pattern *p,
				     struct rte_mempool *mp, uint32_t start,
				     uint64_t off, uint32_t len);

/** How many bytes of @p m differ from the stream at @p start, offset
 * @p off.
 */
uint64_t app_pattern_bad_bytes(const struct app_pattern *p,
			       const struct rte_mbuf *m, uint32_t start,
			       uint64_t off);

#endif
