/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Receive mempools of net_ofld's own for a lower port that cannot take
 * the application's (N3).
 *
 * net_af_xdp registers the receive mempool's memory as its UMEM. DPDK
 * 22.11's takes the UMEM as (objects x object size) from the pool's first
 * object, but a pool without hugepages places its objects so that none
 * crosses a 4 KiB page: one 2368-byte mbuf per page, the pool spans 1.7x
 * what the UMEM covers, and every frame sent from an mbuf beyond it is
 * dropped by the kernel without a word (an invalid descriptor; found when
 * a connection's retransmissions kept vanishing). DPDK 23.11 and later
 * refuse a pool that is not one range. So the lower's receive queues get
 * a pool of ours whose objects are packed (RTE_MEMPOOL_F_NO_IOVA_CONTIG:
 * copy-mode AF_XDP needs no IOVA contiguity), one per queue, kept until
 * close; the frames the lower sends from other pools it copies into it.
 */

#include <stdio.h>
#include <string.h>

#include <rte_mbuf.h>
#include <rte_mbuf_pool_ops.h>
#include <rte_mempool.h>

#include <ethdev_driver.h>

#include "ofld_private.h"

/* Fill ring and transmit copies of one AF_XDP queue, frames the
 * application holds, and a cache: 4 rings' worth.
 */
#define LOWER_POOL_MIN	2048u

static struct rte_mempool *
pool_create(const char *name, unsigned int n, uint16_t room, int socket)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = room,
		.mbuf_priv_size = 0,
	};
	struct rte_mempool *mp;

	mp = rte_mempool_create_empty(name, n, sizeof(struct rte_mbuf) + room,
				      256, sizeof(priv), socket,
				      RTE_MEMPOOL_F_NO_IOVA_CONTIG);
	if (mp == NULL)
		return NULL;
	if (rte_mempool_set_ops_byname(mp, rte_mbuf_best_mempool_ops(),
				       NULL) != 0)
		goto fail;
	rte_pktmbuf_pool_init(mp, &priv);
	if (rte_mempool_populate_default(mp) < 0 || mp->nb_mem_chunks != 1)
		goto fail;	/* one range, or the UMEM misses some */
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
fail:
	rte_mempool_free(mp);
	return NULL;
}

struct rte_mempool *
ofld_lower_rx_pool(struct pmd_internals *pi, uint16_t qid, uint16_t nb_desc,
		   int socket, struct rte_mempool *app)
{
	uint16_t room = rte_pktmbuf_data_room_size(app);
	char name[RTE_MEMPOOL_NAMESIZE];
	struct rte_mempool *mp = pi->lower_rx_mp[qid];

	if (!pi->lower_own_rx_pool)
		return app;
	if (mp != NULL && rte_pktmbuf_data_room_size(mp) == room)
		return mp;	/* set up again: the same pool */
	if (mp != NULL) {
		OFLD_LOG(ERR, "%s: rx queue %u: a new mbuf size needs the "
			 "port closed first (the lower holds the old pool)",
			 pi->dev->data->name, qid);
		return NULL;
	}
	snprintf(name, sizeof(name), "ofld_lrx%u_%u", pi->port_id, qid);
	mp = pool_create(name, 4 * RTE_MAX((unsigned int)nb_desc,
					   LOWER_POOL_MIN) - 1, room, socket);
	if (mp == NULL) {
		OFLD_LOG(ERR, "%s: rx queue %u: no mempool of %u-byte mbufs "
			 "in one range for the lower port: %s",
			 pi->dev->data->name, qid, room,
			 rte_strerror(rte_errno));
		return NULL;
	}
	pi->lower_rx_mp[qid] = mp;
	return mp;
}

void
ofld_lower_rx_pools_free(struct pmd_internals *pi)
{
	uint16_t q;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		rte_mempool_free(pi->lower_rx_mp[q]);
		pi->lower_rx_mp[q] = NULL;
	}
}
