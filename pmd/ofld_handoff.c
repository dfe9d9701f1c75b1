/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Segments that reach a receive queue other than their connection's owner
 * (rule N2's last resort): a port-wide table of the connections placed
 * where the receive hash may not bring their segments (an active open
 * given a local port that hashes to another queue; every active open on a
 * lower port with several receive queues, whose hash we cannot check), and
 * one ring per queue that the owner drains into its engine.
 *
 * On a lower port that takes rte_flow rules, each such connection also
 * gets a rule steering its 4-tuple to its queue (the NIC then places it;
 * the table stays as the safety net). A port that refuses one rule is not
 * asked again.
 *
 * Data path without locks: a queue whose engine does not know a segment
 * looks its 4-tuple up in the table (rte_hash with lock-free readers; RCU
 * QSBR, one reader id per queue, keeps a deleted entry's slot until no
 * reader can see it) and puts the segment on the owner's ring (multi-
 * producer). Writers are the control path (connect, release) under a
 * mutex. Nothing is looked up while the table is empty.
 */

#include <stdio.h>
#include <string.h>

#include <ethdev_driver.h>
#include <rte_flow.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>
#include <rte_tcp.h>

#include "ofld_private.h"

#define HANDOFF_RING	1024	/**< segments waiting for one owner */

/** A connection as its received segments name it. */
struct ho_key {
	uint8_t v6;
	uint8_t pad;
	uint16_t lport, rport;	/**< network order */
	uint8_t lip[16], rip[16];
} __rte_packed;

static void
ho_key_of(struct ho_key *k, const struct ofld_tcp_open *o, uint16_t lport)
{
	const unsigned int alen = o->ipv6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->v6 = o->ipv6;
	k->lport = rte_cpu_to_be_16(lport);
	k->rport = rte_cpu_to_be_16(o->remote_port);
	memcpy(k->lip, o->local_ip, alen);
	memcpy(k->rip, o->remote_ip, alen);
}

/* The key of a received TCP segment; false if it is not one (headers in
 * the first segment, no IPv6 extension headers: as the engine reads).
 */
static bool
ho_key_of_frame(struct ho_key *k, const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint16_t type;
	uint32_t o = RTE_ETHER_HDR_LEN, l3;

	if (m->data_len < RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + 4)
		return false;
	type = (uint16_t)(p[12] << 8 | p[13]);
	memset(k, 0, sizeof(*k));
	if (type == RTE_ETHER_TYPE_IPV4) {
		const struct rte_ipv4_hdr *h = (const void *)(p + o);

		l3 = (h->version_ihl & 0xf) * 4u;
		if (h->next_proto_id != IPPROTO_TCP ||
		    (h->fragment_offset &
		     rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK)) != 0 ||
		    m->data_len < o + l3 + 4)
			return false;
		memcpy(k->lip, &h->dst_addr, 4);
		memcpy(k->rip, &h->src_addr, 4);
	} else if (type == RTE_ETHER_TYPE_IPV6) {
		const struct rte_ipv6_hdr *h = (const void *)(p + o);

		l3 = sizeof(*h);
		if (h->proto != IPPROTO_TCP || m->data_len < o + l3 + 4)
			return false;
		k->v6 = 1;
		memcpy(k->lip, p + o + offsetof(struct rte_ipv6_hdr, dst_addr),
		       16);
		memcpy(k->rip, p + o + offsetof(struct rte_ipv6_hdr, src_addr),
		       16);
	} else {
		return false;
	}
	memcpy(&k->rport, p + o + l3, 2);
	memcpy(&k->lport, p + o + l3 + 2, 2);
	return true;
}

/* A rule on the lower port steering connection k's segments to queue q;
 * NULL if the port refuses it (then none is asked for again).
 */
static struct rte_flow *
flow_rule(struct pmd_internals *pi, const struct ho_key *k, uint16_t q)
{
	struct rte_flow_item_ipv4 ip4 = { 0 };
	struct rte_flow_item_ipv6 ip6 = { 0 };
	struct rte_flow_item_tcp tcp = { 0 };
	struct rte_flow_action_queue aq = { .index = q };
	struct rte_flow_item items[] = {
		{ .type = RTE_FLOW_ITEM_TYPE_ETH },
		{ .type = k->v6 ? RTE_FLOW_ITEM_TYPE_IPV6 :
			RTE_FLOW_ITEM_TYPE_IPV4,
		  .spec = k->v6 ? (const void *)&ip6 : (const void *)&ip4 },
		{ .type = RTE_FLOW_ITEM_TYPE_TCP, .spec = &tcp },
		{ .type = RTE_FLOW_ITEM_TYPE_END },
	};
	const struct rte_flow_action actions[] = {
		{ .type = RTE_FLOW_ACTION_TYPE_QUEUE, .conf = &aq },
		{ .type = RTE_FLOW_ACTION_TYPE_END },
	};
	const struct rte_flow_attr attr = { .ingress = 1 };
	struct rte_flow_error err = { 0 };
	struct rte_flow *f;

	/* the peer's segments: from its address and port to ours */
	memcpy(&ip4.hdr.src_addr, k->rip, 4);
	memcpy(&ip4.hdr.dst_addr, k->lip, 4);
	memcpy(&ip6.hdr.src_addr, k->rip, 16);
	memcpy(&ip6.hdr.dst_addr, k->lip, 16);
	tcp.hdr.src_port = k->rport;
	tcp.hdr.dst_port = k->lport;
	f = rte_flow_create(pi->lower_port, &attr, items, actions, &err);
	if (f == NULL) {
		pi->handoff->flow_refused = true;
		OFLD_LOG(INFO, "%s: lower port %u refuses a flow rule (%s): "
			 "connections are placed by the hand-off only",
			 pi->dev->data->name, pi->lower_port,
			 err.message != NULL ? err.message : "no reason given");
	}
	return f;
}

/* Connection k gets a flow rule when its port is a lower one that takes
 * them (lock held).
 */
static void
flow_add(struct pmd_internals *pi, const struct ho_key *k, uint16_t q)
{
	struct ofld_handoff *ho = pi->handoff;
	struct rte_flow_error err;
	struct rte_flow *f;

	if (pi->cable != OFLD_CABLE_LOWER || ho->flow_refused ||
	    ho->flows == NULL || (f = flow_rule(pi, k, q)) == NULL)
		return;
	if (rte_hash_add_key_data(ho->flows, k, f) != 0)
		rte_flow_destroy(pi->lower_port, f, &err);
	else
		ho->nb_flows++;
}

/* Connection k's flow rule, if it has one, goes (lock held). */
static void
flow_del(struct pmd_internals *pi, const struct ho_key *k)
{
	struct ofld_handoff *ho = pi->handoff;
	struct rte_flow_error err;
	void *f;

	if (ho->flows == NULL || rte_hash_lookup_data(ho->flows, k, &f) < 0)
		return;
	rte_flow_destroy(pi->lower_port, f, &err);
	rte_hash_del_key(ho->flows, k);
	ho->nb_flows--;
}

/* Every flow rule goes (the port is being reconfigured or closed). */
static void
flows_free(struct pmd_internals *pi)
{
	struct ofld_handoff *ho = pi->handoff;
	struct rte_flow_error err;
	const void *key;
	uint32_t it = 0;
	void *f;

	if (ho->flows == NULL)
		return;
	while (rte_hash_iterate(ho->flows, &key, &f, &it) >= 0)
		rte_flow_destroy(pi->lower_port, f, &err);
	rte_hash_free(ho->flows);
	ho->flows = NULL;
	ho->nb_flows = 0;
}

/** Free the port's hand-off table and rings (no queue may be polled). */
void
ofld_handoff_free(struct pmd_internals *pi)
{
	struct ofld_handoff *ho = pi->handoff;
	struct rte_mbuf *m;

	if (ho == NULL)
		return;
	flows_free(pi);
	for (unsigned int q = 0; q < OFLD_MAX_QUEUES; q++) {
		while (ho->ring[q] != NULL &&
		       rte_ring_dequeue(ho->ring[q], (void **)&m) == 0)
			rte_pktmbuf_free(m);
		rte_ring_free(ho->ring[q]);
	}
	rte_hash_free(ho->h);
	rte_free(ho->qsbr);
	rte_free(ho);
	pi->handoff = NULL;
}

static int
handoff_tables(struct ofld_handoff *ho, const struct pmd_internals *pi,
	       uint32_t entries)
{
	struct rte_hash_parameters hp = {
		.entries = entries,
		.key_len = sizeof(struct ho_key),
		.hash_func = rte_hash_crc,
		.socket_id = pi->dev->data->numa_node,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF,
	};
	struct rte_hash_rcu_config rc = { 0 };
	char name[RTE_HASH_NAMESIZE];
	size_t sz = rte_rcu_qsbr_get_memsize(OFLD_MAX_QUEUES);

	snprintf(name, sizeof(name), "ofho%u_%p", pi->port_id, (void *)ho);
	hp.name = name;
	ho->h = rte_hash_create(&hp);
	ho->qsbr = rte_zmalloc_socket("ofld_ho_qsbr", sz, RTE_CACHE_LINE_SIZE,
				      pi->dev->data->numa_node);
	if (ho->h == NULL || ho->qsbr == NULL ||
	    rte_rcu_qsbr_init(ho->qsbr, OFLD_MAX_QUEUES) != 0)
		return -ENOMEM;
	for (unsigned int q = 0; q < OFLD_MAX_QUEUES; q++)
		rte_rcu_qsbr_thread_register(ho->qsbr, q);
	rc.v = ho->qsbr;
	rc.mode = RTE_HASH_QSBR_MODE_SYNC;
	if (rte_hash_rcu_qsbr_add(ho->h, &rc) != 0)
		return -ENOMEM;
	if (pi->cable != OFLD_CABLE_LOWER)
		return 0;
	/* the lower port's flow rules: control path only, under the lock */
	snprintf(name, sizeof(name), "offl%u_%p", pi->port_id, (void *)ho);
	hp.extra_flag = 0;
	ho->flows = rte_hash_create(&hp);
	return ho->flows != NULL ? 0 : -ENOMEM;
}

/**
 * The hand-off table and rings of a port with several queues, made once
 * (at its first start after a configure). @return 0 or -ENOMEM (logged).
 */
int
ofld_handoff_make(struct pmd_internals *pi, uint16_t nb_queues)
{
	const int socket = pi->dev->data->numa_node;
	char name[RTE_RING_NAMESIZE];
	struct ofld_handoff *ho;

	if (pi->handoff != NULL || nb_queues <= 1)
		return 0;
	ho = rte_zmalloc_socket("ofld_handoff", sizeof(*ho),
				RTE_CACHE_LINE_SIZE, socket);
	if (ho == NULL)
		return -ENOMEM;
	pthread_mutex_init(&ho->lock, NULL);
	pi->handoff = ho;
	if (handoff_tables(ho, pi, RTE_MAX(1024u, pi->da.tcp_max_conns *
					   nb_queues)) != 0)
		goto fail;
	for (unsigned int q = 0; q < nb_queues; q++) {
		snprintf(name, sizeof(name), "ofhr%u_%u_%p", pi->port_id, q,
			 (void *)ho);
		ho->ring[q] = rte_ring_create(name, HANDOFF_RING, socket,
					      RING_F_SC_DEQ);
		if (ho->ring[q] == NULL)
			goto fail;
	}
	return 0;
fail:
	OFLD_LOG(ERR, "%s: no memory for the hand-off table of %u queues",
		 pi->dev->data->name, nb_queues);
	ofld_handoff_free(pi);
	return -ENOMEM;
}

/**
 * Segments of connection o (local port lport) that reach another queue
 * go to queue q. @return 0, -ENOSPC (table full), -EEXIST.
 */
int
ofld_handoff_add(struct pmd_internals *pi, const struct ofld_tcp_open *o,
		 uint16_t lport, uint16_t q)
{
	struct ofld_handoff *ho = pi->handoff;
	struct ho_key k;
	int ret;

	ho_key_of(&k, o, lport);
	pthread_mutex_lock(&ho->lock);
	ret = rte_hash_lookup(ho->h, &k) >= 0 ? -EEXIST :
		rte_hash_add_key_data(ho->h, &k, (void *)(uintptr_t)q);
	if (ret == 0) {
		__atomic_fetch_add(&ho->count, 1, __ATOMIC_RELEASE);
		flow_add(pi, &k, q);
	}
	pthread_mutex_unlock(&ho->lock);
	return ret;
}

/** Forget connection o's entry (it is released); none is fine. */
void
ofld_handoff_del(struct pmd_internals *pi, const struct ofld_tcp_open *o,
		 uint16_t lport)
{
	struct ofld_handoff *ho = pi->handoff;
	struct ho_key k;

	if (ho == NULL)
		return;
	ho_key_of(&k, o, lport);
	pthread_mutex_lock(&ho->lock);
	flow_del(pi, &k);
	/* waits (SYNC mode) for readers that may still see the entry */
	if (rte_hash_del_key(ho->h, &k) >= 0)
		__atomic_fetch_sub(&ho->count, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&ho->lock);
}

/**
 * Of the n frames queue rxq's engine did not take, those of a connection
 * another queue owns go to that queue's ring (counted); the others stay.
 * @return how many stay in bufs.
 */
uint16_t
ofld_handoff_steal(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t n)
{
	struct ofld_handoff *ho = rxq->pi->handoff;
	struct ho_key k;
	uint16_t i, kept = 0, q;
	void *data;

	rte_rcu_qsbr_thread_online(ho->qsbr, rxq->qid);
	for (i = 0; i < n; i++) {
		if (!ho_key_of_frame(&k, bufs[i]) ||
		    rte_hash_lookup_data(ho->h, &k, &data) < 0 ||
		    (q = (uint16_t)(uintptr_t)data) == rxq->qid ||
		    ho->ring[q] == NULL) {
			bufs[kept++] = bufs[i];
			continue;
		}
		if (rte_ring_mp_enqueue(ho->ring[q], bufs[i]) != 0) {
			rte_pktmbuf_free(bufs[i]);
			rxq->st.handoff_full++;
			continue;
		}
		rxq->st.handed_off++;
	}
	rte_rcu_qsbr_thread_offline(ho->qsbr, rxq->qid);
	return kept;
}

/**
 * Segments other queues handed to queue rxq's engine: into it; any it
 * does not know either (its connection just ended) are freed, counted.
 */
void
ofld_handoff_drain_ring(struct ofld_rxq *rxq)
{
	struct rte_mbuf *m[OFLD_BURST_CHUNK];
	struct rte_ring *r = rxq->pi->handoff->ring[rxq->qid];
	uint16_t n, left;

	n = (uint16_t)rte_ring_sc_dequeue_burst(r, (void **)m, RTE_DIM(m),
						NULL);
	rxq->st.handed_in += n;
	left = ofld_tcp_input(rxq->tcp, m, n, m);
	if (left != 0) {
		rte_pktmbuf_free_bulk(m, left);
		rxq->st.handoff_unknown += left;
	}
}
