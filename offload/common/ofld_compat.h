/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_COMPAT_H
#define OFLD_COMPAT_H

/*
 * Owns every difference between the DPDK LTS releases ofld builds against
 * (22.11, 24.11, 25.11): one feature test on RTE_VERSION per difference,
 * a name for it here, and no version #if anywhere else in the tree. Not
 * installed, not API.
 *
 * What needed nothing here, and why (checked against the release notes):
 * - IPv6 addresses (24.11: struct rte_ipv6_addr instead of uint8_t[16]):
 *   the code takes their address (&ip6->src_addr), which both accept;
 * - __rte_cache_aligned (24.03: on the type) is already after the struct
 *   keyword's closing brace, which every release takes from GCC;
 * - RTE_LOG_REGISTER, rte_eth_linkstatus_set (24.07 made rte_eth_link a
 *   union with val64: the driver only calls the helper), the ops the
 *   driver sets: the same in the three releases;
 * - not used here: RTE_IOVA_AS_PA (23.03), RSS (23.11 rss_key_len),
 *   RTE_FUNC_PTR_OR_* (23.11), dev_supported_ptypes_get, static logtypes
 *   and rte_eth_devargs_parse (24.03), the mbuf RTE_MARKER fields (24.07);
 * - rte_gso returns -ENOTSUP for what it cannot cut since 24.03 (0
 *   before): only tests/perf/gso_bench calls it, on packets it can cut.
 */

#include <rte_version.h>

/*
 * Telemetry: 23.03 added rte_tel_data_add_{dict,array}_uint and
 * deprecated the _u64 ones; 25.11 removed them.
 */
#if RTE_VERSION >= RTE_VERSION_NUM(23, 3, 0, 0)
#define ofld_tel_add_dict_u64(d, name, v) rte_tel_data_add_dict_uint(d, name, v)
#define ofld_tel_add_array_u64(d, v) rte_tel_data_add_array_uint(d, v)
#else
#define ofld_tel_add_dict_u64(d, name, v) rte_tel_data_add_dict_u64(d, name, v)
#define ofld_tel_add_array_u64(d, v) rte_tel_data_add_array_u64(d, v)
#endif

/*
 * Per-queue counters: up to 24.11 they are fields of struct rte_eth_stats
 * (q_ipackets[], ...) and the driver's stats_get fills them there; 25.11
 * moved them to struct eth_queue_stats (ethdev_driver.h), a third
 * argument of stats_get that may be NULL. ofld_queue_stats names
 * whichever struct holds q_ipackets[]; OFLD_ETH_STATS_GET(name, impl)
 * defines the ops callback `name` with this release's signature over
 *   int impl(struct rte_eth_dev *, struct rte_eth_stats *,
 *            ofld_queue_stats *qstats_or_NULL);
 * OFLD_ETH_STATS_HAS_QUEUES says whether applications still read the
 * per-queue counters from rte_eth_stats_get().
 */
#if RTE_VERSION >= RTE_VERSION_NUM(25, 11, 0, 0)
typedef struct eth_queue_stats ofld_queue_stats;
#define OFLD_ETH_STATS_HAS_QUEUES 0
#define OFLD_ETH_STATS_GET(name, impl) \
	static int name(struct rte_eth_dev *dev, struct rte_eth_stats *st, \
			struct eth_queue_stats *qst) \
	{ \
		return impl(dev, st, qst); \
	}
#else
typedef struct rte_eth_stats ofld_queue_stats;
#define OFLD_ETH_STATS_HAS_QUEUES 1
#define OFLD_ETH_STATS_GET(name, impl) \
	static int name(struct rte_eth_dev *dev, struct rte_eth_stats *st) \
	{ \
		return impl(dev, st, st); \
	}
#endif

#endif /* OFLD_COMPAT_H */
