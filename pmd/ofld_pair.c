/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The pair cable: two net_ofld ports with the same `pair=NAME` are cabled
 * back to back, in one process, through lockless rings.
 *
 * Each end's transmit queue q has one lane (an rte_ring) towards the other
 * end: multi-producer (the application's transmit queue and that queue's
 * TCP engine, which may run on a service lcore), single consumer. The other end's receive queue r
 * drains every lane q with q % nb_rx_queues == r, so any queue counts on
 * the two ends work and every lane has exactly one consumer.
 *
 * The registry of pairs is control-path state under a mutex. The data path
 * only touches the lanes, which live as long as either end of the pair.
 */

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_branch_prediction.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_ring.h>

#include "ofld_private.h"

static pthread_mutex_t pair_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ofld_pair *pair_list;
static unsigned int pair_serial;

static void
lane_drain(struct ofld_lane *lane)
{
	struct rte_mbuf *m;

	if (lane->ring == NULL)
		return;
	while (rte_ring_dequeue(lane->ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

static void
pair_free(struct ofld_pair *p)
{
	unsigned int d, q;

	for (d = 0; d < 2; d++) {
		for (q = 0; q < OFLD_MAX_QUEUES; q++) {
			lane_drain(&p->lanes[d][q]);
			rte_ring_free(p->lanes[d][q].ring);
		}
	}
	rte_free(p);
}

static struct ofld_pair *
pair_create(const char *name, int socket)
{
	char rname[RTE_RING_NAMESIZE];
	struct ofld_pair *p;
	unsigned int d, q, id = pair_serial++;

	p = rte_zmalloc_socket("ofld_pair", sizeof(*p), RTE_CACHE_LINE_SIZE,
			       socket);
	if (p == NULL)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", name);
	for (d = 0; d < 2; d++) {
		for (q = 0; q < OFLD_MAX_QUEUES; q++) {
			snprintf(rname, sizeof(rname), "ofld%u_%u_%u", id, d, q);
			p->lanes[d][q].ring = rte_ring_create(rname,
				OFLD_LANE_SIZE, socket, RING_F_SC_DEQ);
			if (p->lanes[d][q].ring == NULL) {
				OFLD_LOG(ERR, "pair '%s': cannot create ring %s: %s",
					 name, rname, rte_strerror(rte_errno));
				pair_free(p);
				return NULL;
			}
		}
	}
	return p;
}

/**
 * Plug a port into the pair cable NAME, creating the cable for the first
 * end. @return 0, -EBUSY if the cable has two ends already, -ENOMEM.
 */
int
ofld_pair_attach(struct pmd_internals *pi, const char *name)
{
	struct ofld_pair *p;
	int ret = 0;

	pthread_mutex_lock(&pair_lock);
	for (p = pair_list; p != NULL; p = p->next)
		if (strcmp(p->name, name) == 0)
			break;
	if (p == NULL) {
		p = pair_create(name, pi->dev->data->numa_node);
		if (p == NULL) {
			ret = -ENOMEM;
			goto out;
		}
		p->next = pair_list;
		pair_list = p;
	}
	if (p->end[0] == NULL) {
		pi->end = 0;
	} else if (p->end[1] == NULL) {
		pi->end = 1;
	} else {
		ret = -EBUSY;
		goto out;
	}
	p->end[pi->end] = pi;
	pi->pair = p;
out:
	pthread_mutex_unlock(&pair_lock);
	return ret;
}

/* Lanes that carry frames towards this end. */
static void
pair_lanes_to_me_down(struct ofld_pair *p, int end)
{
	unsigned int q;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		/* Pairs with the acquire in ofld_pair_tx_burst(). */
		__atomic_store_n(&p->lanes[!end][q].rx_up, 0, __ATOMIC_RELEASE);
		lane_drain(&p->lanes[!end][q]);
	}
}

/** Unplug a port; the last end out frees the cable and what is on it. */
void
ofld_pair_detach(struct pmd_internals *pi)
{
	struct ofld_pair *p = pi->pair, **pp;

	if (p == NULL)
		return;
	pthread_mutex_lock(&pair_lock);
	pair_lanes_to_me_down(p, pi->end);
	__atomic_store_n(&p->started[pi->end], 0, __ATOMIC_RELEASE);
	p->end[pi->end] = NULL;
	if (p->end[0] == NULL && p->end[1] == NULL) {
		for (pp = &pair_list; *pp != NULL; pp = &(*pp)->next) {
			if (*pp == p) {
				*pp = p->next;
				break;
			}
		}
		pair_free(p);
	}
	pi->pair = NULL;
	pthread_mutex_unlock(&pair_lock);
}

void
ofld_pair_start(struct pmd_internals *pi)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	struct ofld_pair *p = pi->pair;
	struct ofld_rxq *rxq;
	uint16_t r, q;

	for (r = 0; r < data->nb_rx_queues; r++) {
		rxq = data->rx_queues[r];
		rxq->nb_lanes = 0;
		rxq->next_lane = 0;
		for (q = r; q < OFLD_MAX_QUEUES; q += data->nb_rx_queues) {
			rxq->lane_qid[rxq->nb_lanes] = (uint8_t)q;
			rxq->lanes[rxq->nb_lanes++] = &p->lanes[!pi->end][q];
		}
		rxq->lanes_used = &p->lanes_used[!pi->end];
	}
	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		/* Frames that sat on the cable while this end was down. */
		lane_drain(&p->lanes[!pi->end][q]);
		/* Pairs with the acquire in ofld_pair_tx_burst(). */
		__atomic_store_n(&p->lanes[!pi->end][q].rx_up, 1,
				 __ATOMIC_RELEASE);
	}
	__atomic_store_n(&p->started[pi->end], 1, __ATOMIC_RELEASE);
}

void
ofld_pair_stop(struct pmd_internals *pi)
{
	struct ofld_pair *p = pi->pair;

	__atomic_store_n(&p->started[pi->end], 0, __ATOMIC_RELEASE);
	pair_lanes_to_me_down(p, pi->end);
}

bool
ofld_pair_link_up(const struct pmd_internals *pi)
{
	const struct ofld_pair *p = pi->pair;

	return p != NULL &&
		__atomic_load_n(&p->started[pi->end], __ATOMIC_ACQUIRE) &&
		__atomic_load_n(&p->started[!pi->end], __ATOMIC_ACQUIRE);
}

/** Frames the peer put on the wire that this queue's lanes had no room for. */
uint64_t
ofld_pair_rx_missed(const struct ofld_rxq *rxq)
{
	uint64_t sum = 0;
	uint16_t i;

	for (i = 0; i < rxq->nb_lanes; i++)
		sum += __atomic_load_n(&rxq->lanes[i]->overrun, __ATOMIC_RELAXED);
	return sum;
}

/* Received frames become this port's: metadata reset, MAC filter applied. */
static inline uint16_t
pair_rx_finish(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t got)
{
	const struct rte_eth_dev_data *data = rxq->pi->dev->data;
	const bool promisc = data->promiscuous;
	const bool allmulti = data->all_multicast;
	const uint32_t max_frame = rxq->pi->max_frame;
	const struct rte_ether_hdr *eth;
	uint64_t bytes = 0;
	uint16_t i, k = 0;
	struct rte_mbuf *m;

	for (i = 0; i < got; i++) {
		m = bufs[i];
		if (unlikely(m->pkt_len > max_frame)) {
			rxq->st.oversize++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (!promisc) {
			eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
			if (unlikely(m->data_len < RTE_ETHER_HDR_LEN ||
				     (!rte_is_same_ether_addr(&eth->dst_addr,
							      &rxq->pi->mac) &&
				      !rte_is_broadcast_ether_addr(&eth->dst_addr) &&
				      !(allmulti && rte_is_multicast_ether_addr(
							&eth->dst_addr))))) {
				rxq->st.mac_filtered++;
				rte_pktmbuf_free(m);
				continue;
			}
		}
		m->port = rxq->port_id;
		/* Keep only the flags that describe the buffer itself; a
		 * checksum the sender left to the (virtual) wire arrives
		 * marked good, as over veth.
		 */
		m->ol_flags = (m->ol_flags &
			       (RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL)) |
			((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
			 RTE_MBUF_F_TX_TCP_CKSUM ?
			 RTE_MBUF_F_RX_L4_CKSUM_GOOD |
			 RTE_MBUF_F_RX_IP_CKSUM_GOOD : 0);
		m->packet_type = 0;
		m->tx_offload = 0;
		bytes += m->pkt_len;
		bufs[k++] = m;
	}
	rxq->st.packets += k;
	rxq->st.bytes += bytes;
	return k;
}

uint16_t
ofld_pair_rx_raw(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t n)
{
	uint16_t got = 0, j, l = rxq->next_lane;
	const uint16_t nl = rxq->nb_lanes;
	const uint32_t used = nl != 0 ?
		__atomic_load_n(rxq->lanes_used, __ATOMIC_RELAXED) : 0;

	for (j = 0; j < nl && got < n; j++) {
		/* only lanes some transmit queue of the peer feeds */
		if (used & (1u << rxq->lane_qid[l]))
			got += rte_ring_sc_dequeue_burst(rxq->lanes[l]->ring,
					(void **)(bufs + got), n - got, NULL);
		if (++l == nl)
			l = 0;
	}
	/* Start from the next lane next time, so no lane starves. */
	rxq->next_lane = nl != 0 ? (rxq->next_lane + 1) % nl : 0;
	if (got == 0)
		return 0;
	return pair_rx_finish(rxq, bufs, got);
}

uint16_t
ofld_pair_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n)
{
	return ofld_rx_common(q, bufs, n, ofld_pair_rx_raw);
}
