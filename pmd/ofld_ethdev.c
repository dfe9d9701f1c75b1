/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld: the ethdev face of the ofld user-mode NIC. Control path only:
 * probe/remove, configuration, queues, link, statistics. The bursts live in
 * ofld_pair.c (pair cable) and ofld_tx.c (lower cable).
 */

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>
#include <rte_malloc.h>

#include "ofld_private.h"
#include "rte_pmd_ofld.h"

RTE_LOG_REGISTER_DEFAULT(ofld_logtype, NOTICE);

/* ---- statistics ---------------------------------------------------- */

struct xstat_def {
	const char *name;
	size_t off;
};

#define RXS(f) { #f, offsetof(struct ofld_rxq_stats, f) }
#define TXS(f) { #f, offsetof(struct ofld_txq_stats, f) }

static const struct xstat_def rx_xstats[] = {
	RXS(packets), RXS(bytes), RXS(mac_filtered), RXS(oversize),
	RXS(stash_full),
};
static const struct xstat_def tx_xstats[] = {
	TXS(packets), TXS(bytes), TXS(link_down), TXS(oversize),
	TXS(pacing_stalls), TXS(fault_loss), TXS(fault_dup),
	TXS(fault_reorder), TXS(fault_nomem), TXS(peer_overrun),
	TXS(lower_full), TXS(gso_sends), TXS(gso_nomem), TXS(csum_bad),
#define GSO_REFUSED(v, n) \
	{ "gso_" n, offsetof(struct ofld_txq_stats, gso_refused[v]) }
	GSO_REFUSED(OFLD_GSO_BAD_FLAGS, "bad_flags"),
	GSO_REFUSED(OFLD_GSO_BAD_LENGTHS, "bad_lengths"),
	GSO_REFUSED(OFLD_GSO_BAD_L3, "bad_l3"),
	GSO_REFUSED(OFLD_GSO_BAD_L4, "bad_l4"),
	GSO_REFUSED(OFLD_GSO_BAD_MSS, "bad_mss"),
	GSO_REFUSED(OFLD_GSO_KIND_OFF, "kind_off"),
	GSO_REFUSED(OFLD_GSO_TOO_BIG, "too_big"),
	GSO_REFUSED(OFLD_GSO_TOO_FEW_SEGS, "too_few_segs"),
	GSO_REFUSED(OFLD_GSO_L4_OFFSET, "l4_offset"),
};
/* Per receive queue, after the table: frames missed (peer overran us). */
#define RX_XSTATS_N (RTE_DIM(rx_xstats) + 1)

static inline uint64_t
stat_at(const void *st, size_t off)
{
	return __atomic_load_n((const uint64_t *)((const char *)st + off),
			       __ATOMIC_RELAXED);
}

static uint64_t
rxq_stat(const struct ofld_rxq *q, size_t off)
{
	return stat_at(&q->st, off) - stat_at(&q->base, off);
}

static uint64_t
txq_stat(const struct ofld_txq *q, size_t off)
{
	return stat_at(&q->st, off) - stat_at(&q->base, off);
}

static uint64_t
rxq_missed(const struct ofld_rxq *q)
{
	if (q->pi->cable != OFLD_CABLE_PAIR)
		return 0;
	return ofld_pair_rx_missed(q) - q->missed_base;
}

static int
ofld_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats)
{
	struct pmd_internals *pi = dev->data->dev_private;
	struct rte_eth_stats lower;
	uint64_t v;
	uint16_t i;

	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct ofld_rxq *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		v = rxq_stat(q, offsetof(struct ofld_rxq_stats, packets));
		stats->ipackets += v;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			stats->q_ipackets[i] = v;
		v = rxq_stat(q, offsetof(struct ofld_rxq_stats, bytes));
		stats->ibytes += v;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			stats->q_ibytes[i] = v;
		stats->ierrors +=
			rxq_stat(q, offsetof(struct ofld_rxq_stats, oversize));
		stats->imissed += rxq_missed(q);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct ofld_txq *q = dev->data->tx_queues[i];

		if (q == NULL)
			continue;
		v = txq_stat(q, offsetof(struct ofld_txq_stats, packets));
		stats->opackets += v;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			stats->q_opackets[i] = v;
		v = txq_stat(q, offsetof(struct ofld_txq_stats, bytes));
		stats->obytes += v;
		if (i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			stats->q_obytes[i] = v;
		stats->oerrors +=
			txq_stat(q, offsetof(struct ofld_txq_stats, link_down)) +
			txq_stat(q, offsetof(struct ofld_txq_stats, oversize)) +
			txq_stat(q, offsetof(struct ofld_txq_stats, lower_full));
	}
	for (i = 0; i < OFLD_MAX_QUEUES; i++) {
		/* the TCP engines' own frames */
		const struct ofld_txq *q = pi->tcp_txq[i];

		if (q == NULL)
			continue;
		stats->opackets +=
			txq_stat(q, offsetof(struct ofld_txq_stats, packets));
		stats->obytes +=
			txq_stat(q, offsetof(struct ofld_txq_stats, bytes));
		stats->oerrors +=
			txq_stat(q, offsetof(struct ofld_txq_stats, link_down)) +
			txq_stat(q, offsetof(struct ofld_txq_stats, lower_full));
	}
	if (pi->cable == OFLD_CABLE_LOWER && pi->lower_configured &&
	    rte_eth_stats_get(pi->lower_port, &lower) == 0) {
		stats->imissed += lower.imissed;
		stats->rx_nombuf += lower.rx_nombuf;
	}
	return 0;
}

static int
ofld_stats_reset(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	uint16_t i;

	/* Snapshots, not writes: the counters belong to the data path. */
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		struct ofld_rxq *q = dev->data->rx_queues[i];

		if (q == NULL)
			continue;
		q->base = q->st;
		if (pi->cable == OFLD_CABLE_PAIR)
			q->missed_base = ofld_pair_rx_missed(q);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		struct ofld_txq *q = dev->data->tx_queues[i];

		if (q != NULL)
			q->base = q->st;
	}
	for (i = 0; i < OFLD_MAX_QUEUES; i++)
		if (pi->tcp_txq[i] != NULL)
			pi->tcp_txq[i]->base = pi->tcp_txq[i]->st;
	if (pi->cable == OFLD_CABLE_LOWER && pi->lower_configured)
		rte_eth_stats_reset(pi->lower_port);
	ofld_tcp_xstats_reset(pi);
	return 0;
}

static unsigned int
xstats_count(const struct rte_eth_dev *dev)
{
	return dev->data->nb_rx_queues * RX_XSTATS_N +
		dev->data->nb_tx_queues * RTE_DIM(tx_xstats) +
		ofld_tcp_xstats_count(dev->data->dev_private);
}

static int
ofld_xstats_get_names(struct rte_eth_dev *dev,
		      struct rte_eth_xstat_name *names, unsigned int size)
{
	unsigned int n = xstats_count(dev), k = 0, i, j;

	if (names == NULL || size < n)
		return n;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		for (j = 0; j < RTE_DIM(rx_xstats); j++)
			snprintf(names[k++].name, sizeof(names[0].name),
				 "rx_q%u_%s", i, rx_xstats[j].name);
		snprintf(names[k++].name, sizeof(names[0].name),
			 "rx_q%u_missed", i);
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		for (j = 0; j < RTE_DIM(tx_xstats); j++)
			snprintf(names[k++].name, sizeof(names[0].name),
				 "tx_q%u_%s", i, tx_xstats[j].name);
	ofld_tcp_xstats_names(dev->data->dev_private, names + k);
	return n;
}

static int
ofld_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		unsigned int size)
{
	unsigned int n = xstats_count(dev), k = 0, i, j;

	if (xs == NULL || size < n)
		return n;
	for (i = 0; i < dev->data->nb_rx_queues; i++) {
		const struct ofld_rxq *q = dev->data->rx_queues[i];

		for (j = 0; j < RTE_DIM(rx_xstats); j++, k++) {
			xs[k].id = k;
			xs[k].value = q ? rxq_stat(q, rx_xstats[j].off) : 0;
		}
		xs[k].id = k;
		xs[k].value = q ? rxq_missed(q) : 0;
		k++;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++) {
		const struct ofld_txq *q = dev->data->tx_queues[i];

		for (j = 0; j < RTE_DIM(tx_xstats); j++, k++) {
			xs[k].id = k;
			xs[k].value = q ? txq_stat(q, tx_xstats[j].off) : 0;
		}
	}
	ofld_tcp_xstats_values(dev->data->dev_private, xs + k, k);
	return n;
}

/* ---- queues -------------------------------------------------------- */

static void
ofld_rx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct ofld_rxq *rxq = dev->data->rx_queues[qid];
	struct rte_mbuf *m;

	if (rxq != NULL && rxq->stash != NULL) {
		while (rte_ring_dequeue(rxq->stash, (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(rxq->stash);
	}
	rte_free(rxq);
	dev->data->rx_queues[qid] = NULL;
}

static void
ofld_tx_queue_release(struct rte_eth_dev *dev, uint16_t qid)
{
	struct ofld_txq *txq = dev->data->tx_queues[qid];

	if (txq != NULL)
		ofld_txq_flush(txq);
	rte_free(txq);
	dev->data->tx_queues[qid] = NULL;
}

static int
ofld_rx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		    unsigned int socket, const struct rte_eth_rxconf *conf,
		    struct rte_mempool *mp)
{
	struct pmd_internals *pi = dev->data->dev_private;
	struct ofld_rxq *rxq;
	int ret;

	if (pi->cable == OFLD_CABLE_LOWER) {
		ret = rte_eth_rx_queue_setup(pi->lower_port, qid, nb_desc,
					     socket, conf, mp);
		if (ret != 0) {
			OFLD_LOG(ERR, "%s: lower port rx queue %u setup: %s",
				 dev->data->name, qid, rte_strerror(-ret));
			return ret;
		}
	}
	rxq = rte_zmalloc_socket("ofld_rxq", sizeof(*rxq), RTE_CACHE_LINE_SIZE,
				 socket);
	if (rxq == NULL)
		return -ENOMEM;
	rxq->pi = pi;
	rxq->qid = qid;
	rxq->port_id = dev->data->port_id;
	rxq->mp = mp;
	{
		char rname[RTE_RING_NAMESIZE];

		snprintf(rname, sizeof(rname), "ofs%u_%u_%p", pi->port_id, qid,
			 (void *)rxq);
		rxq->stash = rte_ring_create(rname, OFLD_STASH_SIZE, socket,
					     RING_F_SP_ENQ | RING_F_SC_DEQ);
		if (rxq->stash == NULL) {
			rte_free(rxq);
			return -ENOMEM;
		}
	}
	if (dev->data->rx_queues[qid] != NULL)
		ofld_rx_queue_release(dev, qid);
	dev->data->rx_queues[qid] = rxq;
	return 0;
}

static int
ofld_tx_queue_setup(struct rte_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
		    unsigned int socket, const struct rte_eth_txconf *conf)
{
	struct pmd_internals *pi = dev->data->dev_private;
	struct ofld_txq *txq;
	int ret;

	if (pi->cable == OFLD_CABLE_LOWER) {
		ret = rte_eth_tx_queue_setup(pi->lower_port, qid, nb_desc,
					     socket, conf);
		if (ret != 0) {
			OFLD_LOG(ERR, "%s: lower port tx queue %u setup: %s",
				 dev->data->name, qid, rte_strerror(-ret));
			return ret;
		}
	}
	txq = rte_zmalloc_socket("ofld_txq", sizeof(*txq), RTE_CACHE_LINE_SIZE,
				 socket);
	if (txq == NULL)
		return -ENOMEM;
	txq->pi = pi;
	txq->qid = qid;
	txq->lower_port = pi->lower_port;
	if (pi->cable == OFLD_CABLE_PAIR) {
		txq->lane = &pi->pair->lanes[pi->end][qid];
		__atomic_fetch_or(&pi->pair->lanes_used[pi->end], 1u << qid,
				  __ATOMIC_RELAXED);
	}
	ofld_fault_init(&txq->fault, pi->fault_cfg.seed, dev->data->port_id,
			qid);
	if (dev->data->tx_queues[qid] != NULL)
		ofld_tx_queue_release(dev, qid);
	dev->data->tx_queues[qid] = txq;
	return 0;
}

/* ---- device -------------------------------------------------------- */

static int
ofld_dev_infos_get(struct rte_eth_dev *dev, struct rte_eth_dev_info *info)
{
	struct pmd_internals *pi = dev->data->dev_private;
	struct rte_eth_dev_info li;

	info->driver_name = OFLD_DRIVER_NAME;
	info->max_mac_addrs = 1;
	info->max_rx_pktlen = OFLD_MAX_MTU + OFLD_L2_OVERHEAD;
	info->min_mtu = OFLD_MIN_MTU;
	info->max_mtu = OFLD_MAX_MTU;
	info->max_rx_queues = OFLD_MAX_QUEUES;
	info->max_tx_queues = OFLD_MAX_QUEUES;
	info->rx_offload_capa = 0;
	/* G5: what the hardware GSO record and the checksum engine can do. */
	info->tx_offload_capa = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (pi->gso_hw.l4 & (OFLD_GSO_L4_TCP | OFLD_GSO_L4_TCP_OPTS))
		info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (pi->gso_hw.l4 & OFLD_GSO_L4_UDP)
		info->tx_offload_capa |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	info->rx_desc_lim.nb_max = UINT16_MAX;
	info->rx_desc_lim.nb_min = 1;
	info->rx_desc_lim.nb_align = 1;
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.nb_queues = 1;
	info->default_txportconf.nb_queues = 1;
	info->default_rxportconf.ring_size = 1024;
	info->default_txportconf.ring_size = 1024;
	info->default_rxportconf.burst_size = OFLD_BURST_CHUNK;
	info->default_txportconf.burst_size = OFLD_BURST_CHUNK;
	info->speed_capa = RTE_ETH_LINK_SPEED_FIXED;

	if (pi->cable == OFLD_CABLE_LOWER &&
	    rte_eth_dev_info_get(pi->lower_port, &li) == 0) {
		/* A stacked port can do no more than the port below it. */
		info->max_rx_queues = RTE_MIN(info->max_rx_queues,
					      li.max_rx_queues);
		info->max_tx_queues = RTE_MIN(info->max_tx_queues,
					      li.max_tx_queues);
		info->max_mtu = RTE_MIN(info->max_mtu, li.max_mtu);
		info->max_rx_pktlen = RTE_MIN(info->max_rx_pktlen,
					      li.max_rx_pktlen);
		info->rx_desc_lim = li.rx_desc_lim;
		info->tx_desc_lim = li.tx_desc_lim;
	}
	return 0;
}

static void
ofld_set_max_frame(struct pmd_internals *pi, uint16_t mtu)
{
	pi->max_frame = (uint32_t)mtu + OFLD_L2_OVERHEAD;
}

/*
 * The one "apply GSO settings" handler (G3, the analogue of
 * EvtNetAdapterOffloadSetGso): every path that changes the active record
 * (the private API, rte_eth_dev_configure, testpmd's tso set / port
 * config) ends here. It publishes the record to the data path under the
 * seqlock (G4) and keeps ethdev's configured offloads in step (G5).
 */
static int
ofld_gso_apply(struct pmd_internals *pi, const struct ofld_gso_caps *active)
{
	uint64_t *offloads = &pi->dev->data->dev_conf.txmode.offloads;
	const bool on = active->l3 != 0 && active->l4 != 0;

	if (ofld_gso_caps_subset(active, &pi->gso_hw) != 0)
		return -EINVAL;
	rte_seqlock_write_lock(&pi->gso_lock);
	pi->gso_active = *active;
	rte_seqlock_write_unlock(&pi->gso_lock);

	*offloads &= ~(RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO);
	if (on && (active->l4 & (OFLD_GSO_L4_TCP | OFLD_GSO_L4_TCP_OPTS)))
		*offloads |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (on && (active->l4 & OFLD_GSO_L4_UDP))
		*offloads |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	OFLD_LOG(DEBUG, "%s: GSO l3 %#x l4 %#x max %u min segs %u l4 off %u",
		 pi->dev->data->name, active->l3, active->l4,
		 active->max_offload_size, active->min_segs,
		 active->l4_offset_max);
	return 0;
}

static int
ofld_dev_configure(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	const uint64_t req = dev->data->dev_conf.txmode.offloads;
	const uint32_t tcp = OFLD_GSO_L4_TCP | OFLD_GSO_L4_TCP_OPTS;
	struct ofld_gso_caps active;
	struct rte_eth_dev_info li;
	struct rte_eth_conf conf;
	int ret;

	ofld_set_max_frame(pi, dev->data->mtu);
	/* Queues may change: the TCP engines start again with the port. */
	ofld_tcp_free_all(pi);
	/* G5: TCP_TSO / UDP_TSO switch the TCP / UDP part of the record. */
	ofld_gso_active_read(pi, &active);
	if (active.l3 == 0)
		active.l3 = pi->gso_hw.l3;
	active.l4 &= ~(tcp | OFLD_GSO_L4_UDP);
	if (req & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		active.l4 |= pi->gso_hw.l4 & tcp;
	if (req & RTE_ETH_TX_OFFLOAD_UDP_TSO)
		active.l4 |= pi->gso_hw.l4 & OFLD_GSO_L4_UDP;
	ret = ofld_gso_apply(pi, &active);
	if (ret != 0)
		return ret;
	if (pi->cable != OFLD_CABLE_LOWER)
		return 0;

	memset(&conf, 0, sizeof(conf));
	conf.link_speeds = RTE_ETH_LINK_SPEED_AUTONEG;
	/* Segments are chains: the lower port must take multi-segment mbufs. */
	if (rte_eth_dev_info_get(pi->lower_port, &li) == 0 &&
	    (li.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS))
		conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	ret = rte_eth_dev_configure(pi->lower_port, dev->data->nb_rx_queues,
				    dev->data->nb_tx_queues, &conf);
	if (ret != 0) {
		OFLD_LOG(ERR, "%s: cannot configure lower port %u with %u rx and "
			 "%u tx queues: %s", dev->data->name, pi->lower_port,
			 dev->data->nb_rx_queues, dev->data->nb_tx_queues,
			 rte_strerror(-ret));
		return ret;
	}
	pi->lower_configured = true;
	ret = rte_eth_dev_set_mtu(pi->lower_port, dev->data->mtu);
	if (ret != 0 && ret != -ENOTSUP)
		OFLD_LOG(WARNING, "%s: lower port MTU %u: %s", dev->data->name,
			 dev->data->mtu, rte_strerror(-ret));
	return 0;
}

static int
ofld_link_update(struct rte_eth_dev *dev, int wait)
{
	struct pmd_internals *pi = dev->data->dev_private;
	struct rte_eth_link link, ll;
	bool up = false;

	RTE_SET_USED(wait);
	memset(&link, 0, sizeof(link));
	link.link_duplex = RTE_ETH_LINK_FULL_DUPLEX;
	link.link_autoneg = RTE_ETH_LINK_FIXED;
	link.link_speed = pi->da.speed_mbps != 0 ? pi->da.speed_mbps :
		RTE_ETH_SPEED_NUM_UNKNOWN;
	if (dev->data->dev_started) {
		if (pi->cable == OFLD_CABLE_PAIR) {
			up = ofld_pair_link_up(pi);
		} else if (rte_eth_link_get_nowait(pi->lower_port, &ll) == 0) {
			up = ll.link_status == RTE_ETH_LINK_UP;
			if (!pi->da.speed_set)
				link.link_speed = ll.link_speed;
		}
	}
	link.link_status = up ? RTE_ETH_LINK_UP : RTE_ETH_LINK_DOWN;
	return rte_eth_linkstatus_set(dev, &link);
}

static int
ofld_dev_start(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	uint16_t i;
	int ret;

	ofld_pacer_init(&pi->pacer, pi->da.speed_set || pi->cable ==
			OFLD_CABLE_PAIR ? pi->da.speed_mbps : 0);
	if (pi->cable == OFLD_CABLE_PAIR) {
		ofld_pair_start(pi);
	} else {
		ret = rte_eth_dev_start(pi->lower_port);
		if (ret != 0) {
			OFLD_LOG(ERR, "%s: cannot start lower port %u: %s",
				 dev->data->name, pi->lower_port,
				 rte_strerror(-ret));
			return ret;
		}
		pi->lower_started = true;
	}
	ret = ofld_tcp_start(pi);
	if (ret != 0) {
		if (pi->cable == OFLD_CABLE_PAIR)
			ofld_pair_stop(pi);
		return ret;
	}
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STARTED;
	dev->data->dev_started = 1;
	ofld_link_update(dev, 0);
	return 0;
}

static int
ofld_dev_stop(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	uint16_t i;
	int ret;

	dev->data->dev_started = 0;
	ofld_tcp_service_quiesce(pi);
	if (pi->cable == OFLD_CABLE_PAIR) {
		ofld_pair_stop(pi);
	} else if (pi->lower_started) {
		ret = rte_eth_dev_stop(pi->lower_port);
		if (ret != 0)
			OFLD_LOG(WARNING, "%s: lower port %u stop: %s",
				 dev->data->name, pi->lower_port,
				 rte_strerror(-ret));
		pi->lower_started = false;
	}
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		if (dev->data->tx_queues[i] != NULL)
			ofld_txq_flush(dev->data->tx_queues[i]);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		dev->data->rx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		dev->data->tx_queue_state[i] = RTE_ETH_QUEUE_STATE_STOPPED;
	ofld_link_update(dev, 0);
	return 0;
}

static void
ofld_lower_release(struct pmd_internals *pi)
{
	if (pi->lower_owner == 0)
		return;
	if (pi->lower_started) {
		rte_eth_dev_stop(pi->lower_port);
		pi->lower_started = false;
	}
	rte_eth_dev_owner_unset(pi->lower_port, pi->lower_owner);
	rte_eth_dev_owner_delete(pi->lower_owner);
	pi->lower_owner = 0;
}

static int
ofld_dev_close(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (dev->data->dev_started)
		ofld_dev_stop(dev);
	ofld_tcp_free_all(pi);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		ofld_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		ofld_tx_queue_release(dev, i);
	ofld_pair_detach(pi);
	ofld_lower_release(pi);
	/* mac_addrs points into dev_private: not for ethdev to free. */
	dev->data->mac_addrs = NULL;
	return 0;
}

static int
ofld_mtu_set(struct rte_eth_dev *dev, uint16_t mtu)
{
	struct pmd_internals *pi = dev->data->dev_private;
	int ret;

	if (mtu < OFLD_MIN_MTU || mtu > OFLD_MAX_MTU)
		return -EINVAL;
	if (pi->cable == OFLD_CABLE_LOWER && pi->lower_configured) {
		ret = rte_eth_dev_set_mtu(pi->lower_port, mtu);
		if (ret != 0 && ret != -ENOTSUP)
			return ret;
	}
	ofld_set_max_frame(pi, mtu);
	return 0;
}

static int
ofld_mac_addr_set(struct rte_eth_dev *dev, struct rte_ether_addr *addr)
{
	struct pmd_internals *pi = dev->data->dev_private;

	if (!rte_is_valid_assigned_ether_addr(addr))
		return -EINVAL;
	if (pi->cable == OFLD_CABLE_LOWER)
		rte_eth_dev_default_mac_addr_set(pi->lower_port, addr);
	rte_ether_addr_copy(addr, &pi->mac);
	return 0;
}

/* Receive filtering is done by the pair cable's rx burst, which reads the
 * ethdev flags; the lower cable passes the mode down.
 */
static int
ofld_promisc_set(struct rte_eth_dev *dev, bool on)
{
	struct pmd_internals *pi = dev->data->dev_private;
	int ret;

	if (pi->cable != OFLD_CABLE_LOWER || !pi->lower_configured)
		return 0;
	ret = on ? rte_eth_promiscuous_enable(pi->lower_port) :
		rte_eth_promiscuous_disable(pi->lower_port);
	return ret == -ENOTSUP ? 0 : ret;
}

static int
ofld_allmulti_set(struct rte_eth_dev *dev, bool on)
{
	struct pmd_internals *pi = dev->data->dev_private;
	int ret;

	if (pi->cable != OFLD_CABLE_LOWER || !pi->lower_configured)
		return 0;
	ret = on ? rte_eth_allmulticast_enable(pi->lower_port) :
		rte_eth_allmulticast_disable(pi->lower_port);
	return ret == -ENOTSUP ? 0 : ret;
}

static int
ofld_promisc_enable(struct rte_eth_dev *dev)
{
	return ofld_promisc_set(dev, true);
}

static int
ofld_promisc_disable(struct rte_eth_dev *dev)
{
	return ofld_promisc_set(dev, false);
}

static int
ofld_allmulti_enable(struct rte_eth_dev *dev)
{
	return ofld_allmulti_set(dev, true);
}

static int
ofld_allmulti_disable(struct rte_eth_dev *dev)
{
	return ofld_allmulti_set(dev, false);
}

static const struct eth_dev_ops ofld_ops;

/* The public record and the engine's are the same thing, field by field. */
static_assert(sizeof(struct rte_pmd_ofld_gso_caps) ==
	      sizeof(struct ofld_gso_caps), "GSO record layout");
static_assert(RTE_PMD_OFLD_GSO_L3_IPV6_EXT == OFLD_GSO_L3_IPV6_EXT &&
	      RTE_PMD_OFLD_GSO_L4_UDP == OFLD_GSO_L4_UDP &&
	      RTE_PMD_OFLD_GSO_L4_TCP_OPTS == OFLD_GSO_L4_TCP_OPTS,
	      "GSO kind bits");

static int
ofld_port_internals(uint16_t port_id, struct pmd_internals **pi)
{
	struct rte_eth_dev *dev;

	if (!rte_eth_dev_is_valid_port(port_id))
		return -ENODEV;
	dev = &rte_eth_devices[port_id];
	if (dev->dev_ops != &ofld_ops)
		return -ENOTSUP;
	*pi = dev->data->dev_private;
	return 0;
}

int
rte_pmd_ofld_gso_caps_get(uint16_t port_id, struct rte_pmd_ofld_gso_caps *hw,
			  struct rte_pmd_ofld_gso_caps *active)
{
	struct pmd_internals *pi;
	struct ofld_gso_caps a;
	int ret = ofld_port_internals(port_id, &pi);

	if (ret != 0)
		return ret;
	if (hw != NULL)
		memcpy(hw, &pi->gso_hw, sizeof(*hw));
	if (active != NULL) {
		ofld_gso_active_read(pi, &a);
		memcpy(active, &a, sizeof(*active));
	}
	return 0;
}

int
rte_pmd_ofld_gso_caps_set(uint16_t port_id,
			  const struct rte_pmd_ofld_gso_caps *active)
{
	static pthread_mutex_t set_lock = PTHREAD_MUTEX_INITIALIZER;
	struct pmd_internals *pi;
	struct ofld_gso_caps a;
	int ret = ofld_port_internals(port_id, &pi);

	if (ret != 0)
		return ret;
	if (active == NULL)
		return -EINVAL;
	memcpy(&a, active, sizeof(a));
	/* Control path: one setter at a time, readers never wait. */
	pthread_mutex_lock(&set_lock);
	ret = ofld_gso_apply(pi, &a);
	pthread_mutex_unlock(&set_lock);
	return ret;
}

static const struct eth_dev_ops ofld_ops = {
	.dev_configure = ofld_dev_configure,
	.dev_start = ofld_dev_start,
	.dev_stop = ofld_dev_stop,
	.dev_close = ofld_dev_close,
	.dev_infos_get = ofld_dev_infos_get,
	.link_update = ofld_link_update,
	.rx_queue_setup = ofld_rx_queue_setup,
	.tx_queue_setup = ofld_tx_queue_setup,
	.rx_queue_release = ofld_rx_queue_release,
	.tx_queue_release = ofld_tx_queue_release,
	.stats_get = ofld_stats_get,
	.stats_reset = ofld_stats_reset,
	.xstats_get = ofld_xstats_get,
	.xstats_get_names = ofld_xstats_get_names,
	.mtu_set = ofld_mtu_set,
	.mac_addr_set = ofld_mac_addr_set,
	.promiscuous_enable = ofld_promisc_enable,
	.promiscuous_disable = ofld_promisc_disable,
	.allmulticast_enable = ofld_allmulti_enable,
	.allmulticast_disable = ofld_allmulti_disable,
};

/* ---- probe / remove ------------------------------------------------ */

static void
ofld_set_bursts(struct rte_eth_dev *dev, enum ofld_cable_kind cable)
{
	/* Chosen once: no per-packet branch on the cable kind. */
	if (cable == OFLD_CABLE_PAIR) {
		dev->rx_pkt_burst = ofld_pair_rx_burst;
		dev->tx_pkt_burst = ofld_pair_tx_burst;
	} else {
		dev->rx_pkt_burst = ofld_lower_rx_burst;
		dev->tx_pkt_burst = ofld_lower_tx_burst;
	}
	dev->tx_pkt_prepare = ofld_tx_prepare;
}

static int
ofld_lower_take(struct pmd_internals *pi, const char *name)
{
	struct rte_eth_dev_owner owner, cur;
	uint16_t port;
	int ret;

	if (rte_eth_dev_get_port_by_name(pi->da.lower, &port) != 0) {
		OFLD_LOG(ERR, "%s: device argument 'lower=%s': no such port "
			 "(create it before this one, e.g. with --vdev)", name,
			 pi->da.lower);
		return -ENODEV;
	}
	if (rte_eth_dev_owner_get(port, &cur) == 0 &&
	    cur.id != RTE_ETH_DEV_NO_OWNER) {
		OFLD_LOG(ERR, "%s: device argument 'lower=%s': port %u is "
			 "already owned by '%s'", name, pi->da.lower, port,
			 cur.name);
		return -EBUSY;
	}
	memset(&owner, 0, sizeof(owner));
	ret = rte_eth_dev_owner_new(&owner.id);
	if (ret != 0)
		return ret;
	snprintf(owner.name, sizeof(owner.name), "%s", name);
	ret = rte_eth_dev_owner_set(port, &owner);
	if (ret != 0) {
		OFLD_LOG(ERR, "%s: device argument 'lower=%s': cannot take "
			 "ownership of port %u: %s", name, pi->da.lower, port,
			 rte_strerror(-ret));
		rte_eth_dev_owner_delete(owner.id);
		return ret;
	}
	pi->lower_port = port;
	pi->lower_owner = owner.id;
	return 0;
}

static int
ofld_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	const char *args = rte_vdev_device_args(vdev);
	struct pmd_internals *pi;
	struct rte_eth_dev *dev;
	struct ofld_devargs da;
	int ret;

	if (rte_eal_process_type() == RTE_PROC_SECONDARY) {
		dev = rte_eth_dev_attach_secondary(name);
		if (dev == NULL) {
			OFLD_LOG(ERR, "%s: cannot attach in secondary process",
				 name);
			return -ENODEV;
		}
		pi = dev->data->dev_private;
		dev->dev_ops = &ofld_ops;
		dev->device = &vdev->device;
		ofld_set_bursts(dev, pi->cable);
		rte_eth_dev_probing_finish(dev);
		return 0;
	}

	ret = ofld_devargs_parse(name, args, &da);
	if (ret != 0)
		return ret;


	dev = rte_eth_vdev_allocate(vdev, sizeof(*pi));
	if (dev == NULL) {
		OFLD_LOG(ERR, "%s: cannot allocate the ethdev port", name);
		return -ENOMEM;
	}
	pi = dev->data->dev_private;
	pi->dev = dev;
	pi->port_id = dev->data->port_id;
	pi->da = da;
	pi->cable = da.pair[0] != '\0' ? OFLD_CABLE_PAIR : OFLD_CABLE_LOWER;
	pi->fault_cfg.loss = ofld_fault_threshold(da.loss);
	pi->fault_cfg.dup = ofld_fault_threshold(da.dup);
	pi->fault_cfg.reorder = ofld_fault_threshold(da.reorder);
	pi->fault_cfg.seed = da.seed;
	pi->fault_cfg.enabled = da.loss > 0 || da.dup > 0 || da.reorder > 0;
	/* G1: hardware record from the device arguments; active starts with
	 * the hardware's L3 kinds and no L4 kind: TSO/USO come on through
	 * rte_eth_dev_configure() offloads or the private API.
	 */
	pi->gso_hw = da.gso_hw;
	rte_seqlock_init(&pi->gso_lock);
	pi->gso_active = da.gso_hw;
	pi->gso_active.l4 = 0;
	pi->gso_flags = 0;
	if (da.mac_set) {
		pi->mac = da.mac;
	} else {
		/* Locally administered, "ofl" + port id. */
		pi->mac = (struct rte_ether_addr){
			.addr_bytes = { 0x02, 0x6f, 0x66, 0x6c,
					pi->port_id >> 8, pi->port_id & 0xff } };
	}

	if (pi->cable == OFLD_CABLE_PAIR) {
		ret = ofld_pair_attach(pi, da.pair);
		if (ret == -EBUSY)
			OFLD_LOG(ERR, "%s: device argument 'pair=%s': that pair "
				 "cable has two ports already", name, da.pair);
		else if (ret != 0)
			OFLD_LOG(ERR, "%s: cannot create pair cable '%s': %s",
				 name, da.pair, rte_strerror(-ret));
	} else {
		ret = ofld_lower_take(pi, name);
	}
	if (ret != 0)
		goto fail;

	dev->dev_ops = &ofld_ops;
	ofld_set_bursts(dev, pi->cable);
	dev->data->mac_addrs = &pi->mac;
	dev->data->mtu = RTE_ETHER_MTU;
	ofld_set_max_frame(pi, RTE_ETHER_MTU);
	ofld_link_update(dev, 0);
	rte_eth_dev_probing_finish(dev);
	OFLD_LOG(INFO, "%s: port %u, %s cable '%s', %u Mbit/s", name,
		 pi->port_id, pi->cable == OFLD_CABLE_PAIR ? "pair" : "lower",
		 pi->cable == OFLD_CABLE_PAIR ? da.pair : da.lower,
		 da.speed_mbps);
	return 0;

fail:
	dev->data->mac_addrs = NULL;
	rte_eth_dev_release_port(dev);
	return ret;
}

static int
ofld_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev;

	dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (dev == NULL)
		return 0; /* already closed and released */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		ofld_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver ofld_vdev_driver = {
	.probe = ofld_probe,
	.remove = ofld_remove,
};

RTE_PMD_REGISTER_VDEV(net_ofld, ofld_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_ofld,
	"pair=<name> lower=<port name> speed=<Mbit/s, 0: unpaced> "
	"loss=<0..1> reorder=<0..1> dup=<0..1> seed=<uint64> mac=<xx:xx:xx:xx:xx:xx> "
	"gso_l3=<ipv4:ipv4opts:ipv6:ipv6ext> gso_l4=<tcp:tcpopts:udp> "
	"gso_max_size=<bytes> gso_min_segs=<n> gso_l4_offset_max=<bytes> "
	"tcp_max_conns=<n>");
