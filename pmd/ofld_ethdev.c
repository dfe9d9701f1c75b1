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

/* not _DEFAULT: that takes its name from a macro DPDK's build defines and
 * ours does not (the log type was called "RTE_LOG_DEFAULT_LOGTYPE")
 */
RTE_LOG_REGISTER(ofld_logtype, pmd.net.ofld, NOTICE);

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

/* rte_eth_tx_done_cleanup(): on the pair cable, free (here) what the other
 * end's TCP engines gave back; free_cnt 0: all of it.
 */
static int
ofld_tx_done_cleanup(void *q, uint32_t free_cnt)
{
	struct ofld_txq *txq = q;

	if (txq->pi->cable != OFLD_CABLE_PAIR)
		return -ENOTSUP;
	return (int)ofld_pair_reclaim_all(txq->pi, free_cnt != 0 ? free_cnt :
					  INT32_MAX);
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
		struct rte_mempool *lmp = ofld_lower_rx_pool(pi, qid, nb_desc,
							     (int)socket, mp);

		if (lmp == NULL)
			return -ENOMEM;
		ret = rte_eth_rx_queue_setup(pi->lower_port, qid, nb_desc,
					     socket, conf, lmp);
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
		txq->lanes = pi->pair->lanes[pi->end];
		txq->steer = &pi->pair->steer[pi->end];
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
	info->rx_offload_capa = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	if (pi->cable == OFLD_CABLE_PAIR) {
		/* the other end's TCP engine sends TSO bursts whole to a
		 * port with LRO (ofld_pair.c)
		 */
		info->rx_offload_capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
		info->max_lro_pkt_size = OFLD_LRO_MAX_FRAME;
	}
	info->flow_type_rss_offloads = OFLD_RSS_OFFLOAD;
	info->reta_size = OFLD_RETA_SIZE;
	info->hash_key_size = OFLD_RSS_KEY_LEN;
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
		/* RSS is the lower port's (ofld_rss.c passes it through) */
		info->rx_offload_capa = li.rx_offload_capa &
			RTE_ETH_RX_OFFLOAD_RSS_HASH;
		info->flow_type_rss_offloads = li.flow_type_rss_offloads;
		info->reta_size = li.reta_size;
		info->hash_key_size = li.hash_key_size;
	}
	return 0;
}

void
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

/*
 * Lower ports whose offloads are known to go wrong, and what of them is
 * not used. net_tap segments with rte_gso (IPv4 only, and it checks
 * headers + MSS against the MTU) so large sends are cut here. Its L4
 * checksum of a multi-segment mbuf goes wrong for the TCP engine's
 * segments (a header mbuf and payload pieces of any length): measured
 * with DPDK 22.11 (it sums piece by piece without carrying odd lengths
 * over) and 24.11 (reworked in 23.11, still wrong for these): the kernel
 * dropped them and the connection stalled at the same byte. So only
 * one-segment frames have their L4 checksum done there.
 */
static void
ofld_lower_quirks(struct pmd_internals *pi, const char *driver)
{
	pi->pt_l4_one_seg = false;
	if (driver == NULL || strcmp(driver, "net_tap") != 0)
		return;
	pi->pt_offloads &= ~(RTE_ETH_TX_OFFLOAD_TCP_TSO |
			     RTE_ETH_TX_OFFLOAD_UDP_TSO);
	pi->pt_l4_one_seg = true;
}

/*
 * What the lower port does for us (N3): segments are chains, so
 * multi-segment mbufs when it takes them; TSO, USO and checksums when it
 * has them and pass-through is on (lower_offload=on, the default).
 */
static void
ofld_lower_offloads(struct pmd_internals *pi, struct rte_eth_conf *conf)
{
	const uint64_t down = RTE_ETH_TX_OFFLOAD_TCP_TSO |
		RTE_ETH_TX_OFFLOAD_UDP_TSO | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	struct rte_eth_dev_info li;

	pi->pt_offloads = 0;
	pi->pt_seg_max = 0;
	if (rte_eth_dev_info_get(pi->lower_port, &li) != 0)
		return;
	conf->txmode.offloads = li.tx_offload_capa &
		RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	/* net_af_xdp, for one, sends the first segment's bytes only */
	pi->lower_linear = !(li.tx_offload_capa &
			     RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	pi->lower_own_rx_pool = li.driver_name != NULL &&
		strcmp(li.driver_name, "net_af_xdp") == 0;
	if (pi->da.lower_offload_off)
		return;
	pi->pt_offloads = li.tx_offload_capa & down;
	pi->pt_seg_max = li.tx_desc_lim.nb_seg_max;
	ofld_lower_quirks(pi, li.driver_name);
	conf->txmode.offloads |= pi->pt_offloads;
	OFLD_LOG(INFO, "%s: lower port %u does%s%s%s%s%s", pi->dev->data->name,
		 pi->lower_port,
		 pi->pt_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO ? " TSO" : "",
		 pi->pt_offloads & RTE_ETH_TX_OFFLOAD_UDP_TSO ? " USO" : "",
		 pi->pt_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM ? " IPv4-csum" :
		 "", pi->pt_offloads & RTE_ETH_TX_OFFLOAD_TCP_CKSUM ?
		 " TCP-csum" : "", pi->pt_offloads &
		 RTE_ETH_TX_OFFLOAD_UDP_CKSUM ? " UDP-csum" : "");
}

static int
ofld_dev_configure(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	const uint64_t req = dev->data->dev_conf.txmode.offloads;
	const uint32_t tcp = OFLD_GSO_L4_TCP | OFLD_GSO_L4_TCP_OPTS;
	struct ofld_gso_caps active;
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
		return ofld_rss_configure(pi);

	memset(&conf, 0, sizeof(conf));
	conf.link_speeds = RTE_ETH_LINK_SPEED_AUTONEG;
	ofld_lower_offloads(pi, &conf);
	/* RSS as asked of us, for the lower port to do (N2) */
	conf.rxmode.mq_mode = dev->data->dev_conf.rxmode.mq_mode;
	conf.rxmode.offloads = dev->data->dev_conf.rxmode.offloads &
		RTE_ETH_RX_OFFLOAD_RSS_HASH;
	conf.rx_adv_conf.rss_conf = dev->data->dev_conf.rx_adv_conf.rss_conf;
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

int
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
			OFLD_CABLE_PAIR ? pi->da.speed_mbps : 0,
			pi->max_frame);
	if (pi->cable == OFLD_CABLE_PAIR) {
		ret = ofld_pair_start(pi);
		if (ret != 0)
			return ret;
	} else {
		ret = rte_eth_dev_start(pi->lower_port);
		if (ret != 0) {
			OFLD_LOG(ERR, "%s: cannot start lower port %u: %s",
				 dev->data->name, pi->lower_port,
				 rte_strerror(-ret));
			return ret;
		}
		pi->lower_started = true;
		ofld_rss_lower_sync(pi);
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
	ofld_neigh_started(pi);	/* a gratuitous ARP / unsolicited NA */
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
	for (i = 0; i < OFLD_MAX_QUEUES; i++)
		if (pi->tcp_txq[i] != NULL)
			ofld_txq_flush(pi->tcp_txq[i]);
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

int
ofld_dev_close(struct rte_eth_dev *dev)
{
	struct pmd_internals *pi = dev->data->dev_private;
	uint16_t i;

	if (rte_eal_process_type() != RTE_PROC_PRIMARY)
		return 0;
	if (dev->data->dev_started)
		ofld_dev_stop(dev);
	ofld_tcp_free_all(pi);
	ofld_neigh_teardown(pi);
	for (i = 0; i < dev->data->nb_rx_queues; i++)
		ofld_rx_queue_release(dev, i);
	for (i = 0; i < dev->data->nb_tx_queues; i++)
		ofld_tx_queue_release(dev, i);
	ofld_pair_detach(pi);
	if (pi->lower_own_rx_pool) {
		/* its queues hold mbufs of our pools: it goes with us */
		OFLD_LOG(INFO, "%s: closing lower port %u (its receive "
			 "mbufs are ours)", dev->data->name, pi->lower_port);
		ofld_lower_release(pi);
		rte_eth_dev_close(pi->lower_port);
		ofld_lower_rx_pools_free(pi);
	}
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
	ofld_neigh_mac_changed(pi);
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

/* stats_get with this DPDK's signature (ofld_compat.h) */
OFLD_ETH_STATS_GET(ofld_stats_get_op, ofld_stats_get)

const struct eth_dev_ops ofld_ops = {
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
	.tx_done_cleanup = ofld_tx_done_cleanup,
	.stats_get = ofld_stats_get_op,
	.stats_reset = ofld_stats_reset,
	.xstats_get = ofld_xstats_get,
	.xstats_get_names = ofld_xstats_get_names,
	.mtu_set = ofld_mtu_set,
	.mac_addr_set = ofld_mac_addr_set,
	.promiscuous_enable = ofld_promisc_enable,
	.promiscuous_disable = ofld_promisc_disable,
	.allmulticast_enable = ofld_allmulti_enable,
	.allmulticast_disable = ofld_allmulti_disable,
	.reta_update = ofld_reta_update,
	.reta_query = ofld_reta_query,
	.rss_hash_update = ofld_rss_hash_update,
	.rss_hash_conf_get = ofld_rss_hash_conf_get,
};

