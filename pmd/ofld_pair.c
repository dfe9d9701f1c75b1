/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The pair cable: two net_ofld ports with the same `pair=NAME` are cabled
 * back to back, in one process, through lockless rings.
 *
 * Each end has one lane (an rte_ring) towards every receive queue of the
 * other end: multi-producer (the application's transmit queues and the
 * TCP engines, which may run on a service lcore), single consumer (that
 * receive queue). The sender chooses the lane as the receiving NIC would
 * (ofld_rss.c): by the Toeplitz hash of the frame and the receiver's RETA
 * when the receiver hashes (RSS on, several receive queues), else transmit
 * queue q to receive queue q mod n. The receiver publishes that set-up
 * (struct ofld_steer) when it starts.
 *
 * The lanes from one end are made when the first port plugs into that end,
 * sized for its speed x delay (ofld_delay.h: with `delay=` a lane is also
 * the delay line), and live as long as the cable: a later port at that end
 * must fit them.
 *
 * A TCP engine's received frames go back to the end that sent them, on
 * that end's transmit completion ring, and are freed there by its engines
 * and transmit calls (ofld_pair_give_back()): freeing them where they were
 * allocated keeps each end's mbufs in its own lcore's mempool cache.
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
static unsigned int lanes_serial;

static void
lane_drain(struct ofld_lane *lane)
{
	struct rte_mbuf *m;

	if (lane->ring == NULL)
		return;
	while (rte_ring_dequeue(lane->ring, (void **)&m) == 0)
		rte_pktmbuf_free(m);
}

/* The lanes from end d, and every frame on them. */
static void
lanes_free(struct ofld_pair *p, int d)
{
	unsigned int q;

	__atomic_store_n(&p->lanes_ready[d], 0, __ATOMIC_RELEASE);
	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		lane_drain(&p->lanes[d][q]);
		rte_ring_free(p->lanes[d][q].ring);
		p->lanes[d][q].ring = NULL;
	}
	p->lane_size[d] = 0;
}

/* The lanes from end d: size frames each, delay lines or not. */
static int
lanes_make(struct ofld_pair *p, int d, uint32_t size, bool delayed,
	   int socket)
{
	char rname[RTE_RING_NAMESIZE];
	unsigned int q, id = lanes_serial++;
	struct ofld_lane *lane;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		lane = &p->lanes[d][q];
		snprintf(rname, sizeof(rname), "ofld%u_%u", id, q);
		lane->ring = rte_ring_create(rname, size, socket,
					     RING_F_SC_DEQ);
		if (lane->ring == NULL) {
			OFLD_LOG(ERR, "pair '%s': cannot create ring %s of %u "
				 "frames: %s", p->name, rname, size,
				 rte_strerror(rte_errno));
			lanes_free(p, d);
			return -ENOMEM;
		}
		lane->delayed = delayed;
		lane->due_off = -1;
	}
	p->lane_size[d] = size;
	/* R0: the rings before the flag; pairs with A0 in ofld_pair_rx_raw() */
	__atomic_store_n(&p->lanes_ready[d], 1, __ATOMIC_RELEASE);
	return 0;
}

/* Free every frame on a transmit completion ring. */
static void
done_drain(struct rte_ring *r)
{
	struct rte_mbuf *m[64];
	unsigned int n;

	while ((n = rte_ring_dequeue_burst(r, (void **)m, RTE_DIM(m),
					   NULL)) != 0)
		rte_pktmbuf_free_bulk(m, n);
}

static void
pair_free(struct ofld_pair *p)
{
	for (int d = 0; d < 2; d++) {
		if (p->done[d] != NULL)
			done_drain(p->done[d]);
		rte_ring_free(p->done[d]);
	}
	lanes_free(p, 0);
	lanes_free(p, 1);
	rte_free(p);
}

static struct ofld_pair *
pair_create(const char *name, int socket)
{
	struct ofld_pair *p = rte_zmalloc_socket("ofld_pair", sizeof(*p),
						 RTE_CACHE_LINE_SIZE, socket);
	char rn[RTE_RING_NAMESIZE];

	if (p == NULL)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", name);
	for (int d = 0; d < 2; d++) {
		snprintf(rn, sizeof(rn), "ofld_done_%u", lanes_serial++);
		p->done[d] = rte_ring_create(rn, OFLD_DONE_RING_SIZE, socket,
					     0);
		if (p->done[d] == NULL) {
			OFLD_LOG(ERR, "pair cable '%s': cannot make its "
				 "transmit completion ring: %s", name,
				 rte_strerror(rte_errno));
			pair_free(p);
			return NULL;
		}
	}
	return p;
}

/**
 * Free (on this lcore) up to max frames that this end sent and the other
 * end's engines are done with. @return how many.
 */
uint32_t
ofld_pair_reclaim_all(struct pmd_internals *pi, uint32_t max)
{
	struct rte_ring *r = pi->pair->done[pi->end];
	struct rte_mbuf *m[64];
	uint32_t n, freed = 0;

	while (freed < max &&
	       (n = rte_ring_dequeue_burst(r, (void **)m,
					   RTE_MIN(RTE_DIM(m), max - freed),
					   NULL)) != 0) {
		rte_pktmbuf_free_bulk(m, n);
		freed += n;
	}
	return freed;
}

/**
 * The TCP engine of port pi is done with n frames the other end sent: they
 * go back to that end to be freed on its lcores (where they were
 * allocated: the mempool's per-lcore cache takes them back instead of its
 * ring, and the sender's mbufs stay in the sender's cache), unless that
 * end is stopped or its ring is full: then they are freed here.
 */
void
ofld_pair_give_back(struct pmd_internals *pi, struct rte_mbuf **m,
		    uint16_t n)
{
	struct ofld_pair *p = pi->pair;
	unsigned int put = 0;

	if (likely(__atomic_load_n(&p->started[!pi->end], __ATOMIC_ACQUIRE)))
		put = rte_ring_enqueue_burst(p->done[!pi->end], (void **)m, n,
					     NULL);
	if (unlikely(put < n))
		rte_pktmbuf_free_bulk(m + put, n - put);
}

/*
 * Lanes from end d for the port pi plugging into it: made if missing, kept
 * if big enough and able to delay when pi delays. Lanes left by an earlier
 * port mean the other end has been plugged in ever since (the last end out
 * frees the cable), and it may be receiving from them: they cannot be made
 * again. @return 0, -ENOMEM, -EXDEV: they do not fit pi (logged).
 */
static int
lanes_fit(struct ofld_pair *p, int d, struct pmd_internals *pi)
{
	const struct ofld_devargs *da = &pi->da;
	const bool delayed = da->delay_us != 0;
	const struct ofld_lane *lane = &p->lanes[d][0];

	if (lane->ring != NULL && p->lane_size[d] >= da->lane_size &&
	    (lane->delayed || !delayed))
		return 0;
	if (lane->ring != NULL) {
		OFLD_LOG(ERR, "%s: device argument 'delay=%u' (speed %u): the "
			 "lanes from this end of pair cable '%s' were made by "
			 "an earlier port for %u frames%s, and the other end "
			 "still receives from them; close both ends to change "
			 "it", pi->dev->data->name, da->delay_us,
			 da->speed_mbps, p->name, p->lane_size[d],
			 lane->delayed ? " with a delay" : " without delay");
		return -EXDEV;
	}
	return lanes_make(p, d, da->lane_size, delayed,
			  pi->dev->data->numa_node);
}

/* Take an empty cable out of the registry and free it (lock held). */
static void
pair_unlink_free(struct ofld_pair *p)
{
	struct ofld_pair **pp;

	for (pp = &pair_list; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	pair_free(p);
}

/**
 * Plug a port into the pair cable NAME, creating the cable for the first
 * end. @return 0, -EBUSY if the cable has two ends already, -ENOMEM,
 * -EXDEV if the lanes from its end do not fit it (logged).
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
	ret = lanes_fit(p, pi->end, pi);
	if (ret != 0)
		goto out;
	p->end[pi->end] = pi;
	pi->pair = p;
	pi->delay.due_off = -1;
out:
	if (ret != 0 && p != NULL && p->end[0] == NULL && p->end[1] == NULL)
		pair_unlink_free(p);
	pthread_mutex_unlock(&pair_lock);
	return ret;
}

/* Lanes that carry frames towards this end. */
static void
pair_lanes_to_me_down(struct ofld_pair *p, int end)
{
	unsigned int q;

	/* Pairs with the acquire in ofld_pair_tx_burst(). */
	__atomic_store_n(&p->steer[!end].rx_up, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&p->steer[!end].lro_max, 0, __ATOMIC_RELAXED);
	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		lane_drain(&p->lanes[!end][q]);
}

/** Unplug a port; the last end out frees the cable and what is on it. */
void
ofld_pair_detach(struct pmd_internals *pi)
{
	struct ofld_pair *p = pi->pair;

	if (p == NULL)
		return;
	pthread_mutex_lock(&pair_lock);
	pair_lanes_to_me_down(p, pi->end);
	__atomic_store_n(&p->started[pi->end], 0, __ATOMIC_RELEASE);
	p->end[pi->end] = NULL;
	if (p->end[0] == NULL && p->end[1] == NULL)
		pair_unlink_free(p);
	pi->pair = NULL;
	pthread_mutex_unlock(&pair_lock);
}

/*
 * The delay line of the lanes this port feeds (when they delay): the due
 * times' mbuf field (registered here, not at probe: a --vdev probes before
 * the registry of dynamic fields can be used) and the delay in TSC cycles.
 */
static int
pair_delay_start(struct pmd_internals *pi)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = OFLD_DELAY_DYNFIELD,
		.size = sizeof(uint64_t),
		.align = __alignof__(uint64_t),
	};
	struct ofld_lane *own = pi->pair->lanes[pi->end];
	unsigned int q;
	int off;

	if (!own[0].delayed)
		return 0;
	off = rte_mbuf_dynfield_register(&desc);
	if (off < 0) {
		OFLD_LOG(ERR, "%s: device argument 'delay': no room for the "
			 "mbuf dynamic field of due times: %s",
			 pi->dev->data->name, rte_strerror(rte_errno));
		return -rte_errno;
	}
	pi->delay.delay_tsc = (uint64_t)pi->da.delay_us * rte_get_tsc_hz() /
		1000000;
	pi->delay.due_off = off;
	/* Read by the receiver after the frames that carry it (ordered by
	 * the lane's enqueue/dequeue); the value never changes once set.
	 */
	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		__atomic_store_n(&own[q].due_off, off, __ATOMIC_RELAXED);
	return 0;
}

/** Start this end: receive from the lanes towards it, feed its own.
 * @return 0 or -errno (the delay line's field cannot be had).
 */
int
ofld_pair_start(struct pmd_internals *pi)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	struct ofld_pair *p = pi->pair;
	struct ofld_rxq *rxq;
	uint16_t r, q;
	int ret;

	pi->rss_known = true;
	ret = pair_delay_start(pi);
	if (ret != 0)
		return ret;

	for (r = 0; r < data->nb_rx_queues; r++) {
		rxq = data->rx_queues[r];
		rxq->lane = &p->lanes[!pi->end][r];
		rxq->lane_ready = &p->lanes_ready[!pi->end];
	}
	/* the other end's port may be plugging in (making its lanes) */
	pthread_mutex_lock(&pair_lock);
	/* Frames that sat on the cable while this end was down, those still
	 * in a delay line too.
	 */
	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		lane_drain(&p->lanes[!pi->end][q]);
	/* How senders choose our queues; pairs with the acquire in
	 * ofld_pair_tx_burst(), which reads it only once rx_up is set.
	 */
	p->steer[!pi->end].rss = pi->rss;
	p->steer[!pi->end].lro_max = ofld_pair_lro_max(pi);
	__atomic_store_n(&p->steer[!pi->end].rx_up, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&pair_lock);
	done_drain(p->done[pi->end]);	/* given back after our last stop */
	__atomic_store_n(&p->started[pi->end], 1, __ATOMIC_RELEASE);
	return 0;
}

/** Stop this end: what is on the lanes towards it (delay lines included)
 * is freed; what it sent stays on the cable for the other end.
 */
void
ofld_pair_stop(struct pmd_internals *pi)
{
	struct ofld_pair *p = pi->pair;

	__atomic_store_n(&p->started[pi->end], 0, __ATOMIC_RELEASE);
	pthread_mutex_lock(&pair_lock);
	pair_lanes_to_me_down(p, pi->end);
	pthread_mutex_unlock(&pair_lock);
	/* what this end sent and the other end's engines gave back (one
	 * that read "started" before the store above may still give some:
	 * they wait for the next start, or the cable's end)
	 */
	done_drain(p->done[pi->end]);
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
	return rxq->lane == NULL ? 0 :
		__atomic_load_n(&rxq->lane->overrun, __ATOMIC_RELAXED);
}

uint32_t
ofld_pair_lro_max(const struct pmd_internals *pi)
{
	const struct rte_eth_rxmode *rm = &pi->dev->data->dev_conf.rxmode;

	return pi->cable == OFLD_CABLE_PAIR &&
		(rm->offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO) ?
		rm->max_lro_pkt_size : 0;
}

/* Received frames become this port's: metadata reset, MAC filter applied.
 * A TSO burst of the other end's TCP engine arrives whole where this port
 * has LRO (and fits its max_lro_pkt_size): marked RTE_MBUF_F_RX_LRO with
 * tso_segsz its segments' size, as a NIC's coalesced frame.
 */
static inline uint16_t
pair_rx_finish(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t got)
{
	const struct rte_eth_dev_data *data = rxq->pi->dev->data;
	const bool promisc = data->promiscuous;
	const bool allmulti = data->all_multicast;
	const uint32_t max_frame = rxq->pi->max_frame;
	const uint32_t lro_max = ofld_pair_lro_max(rxq->pi);
	uint64_t lro;
	uint16_t segsz;
	/* the sender hashed with our set-up (ofld_rss.c) */
	const uint64_t keep = RTE_MBUF_F_INDIRECT | RTE_MBUF_F_EXTERNAL |
		(rxq->pi->rss.hash_to_mbuf && rxq->pi->rss.hf != 0 ?
		 RTE_MBUF_F_RX_RSS_HASH : 0);
	const struct rte_ether_hdr *eth;
	uint64_t bytes = 0;
	uint16_t i, k = 0;
	struct rte_mbuf *m;

	for (i = 0; i < got; i++) {
		m = bufs[i];
		lro = lro_max != 0 ? m->ol_flags & RTE_MBUF_F_TX_TCP_SEG : 0;
		segsz = (uint16_t)m->tso_segsz;
		if (unlikely(m->pkt_len > max_frame) &&
		    (lro == 0 || m->pkt_len > lro_max)) {
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
							&eth->dst_addr)) &&
				      !(rxq->pi->nd_mcast_set &&
					rte_is_same_ether_addr(&eth->dst_addr,
						&rxq->pi->nd_mcast))))) {
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
		m->ol_flags = (m->ol_flags & keep) |
			((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
			 RTE_MBUF_F_TX_TCP_CKSUM ?
			 RTE_MBUF_F_RX_L4_CKSUM_GOOD |
			 RTE_MBUF_F_RX_IP_CKSUM_GOOD : 0);
		m->packet_type = 0;
		m->tx_offload = 0;
		if (unlikely(lro != 0)) {
			m->ol_flags |= RTE_MBUF_F_RX_LRO;
			m->tso_segsz = segsz;
			rxq->st.lro++;
		}
		bytes += m->pkt_len;
		bufs[k++] = m;
	}
	rxq->st.packets += k;
	rxq->st.bytes += bytes;
	return k;
}

/* From one lane: everything (a plain lane), or what is due (a delay line,
 * chosen when the lane was made: a branch per lane, not per frame).
 */
static __rte_always_inline uint16_t
lane_take(struct ofld_lane *lane, struct rte_mbuf **bufs, uint16_t n)
{
	if (likely(!lane->delayed))
		return rte_ring_sc_dequeue_burst(lane->ring, (void **)bufs, n,
						 NULL);
	return ofld_delay_take(lane->ring, &lane->due_off, bufs, n);
}

uint16_t
ofld_pair_rx_raw(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t n)
{
	uint16_t got;

	/* A0: pairs with R0 in lanes_make(): the lane's ring exists */
	if (unlikely(rxq->lane == NULL ||
		     !__atomic_load_n(rxq->lane_ready, __ATOMIC_ACQUIRE)))
		return 0;
	got = lane_take(rxq->lane, bufs, n);
	if (got == 0)
		return 0;
	return pair_rx_finish(rxq, bufs, got);
}

uint16_t
ofld_pair_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n)
{
	return ofld_rx_common(q, bufs, n, ofld_pair_rx_raw);
}
