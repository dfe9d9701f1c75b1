/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld's counters (W3): basic ethdev stats (with the lower port's
 * added when stacked), per-queue named xstats of both directions and of
 * the TCP engines, reset by snapshot so that the data path keeps sole
 * ownership of its counters.
 */

#include <stdio.h>

#include <ethdev_driver.h>
#include <rte_ethdev.h>

#include "ofld_private.h"

struct xstat_def {
	const char *name;
	size_t off;
};

#define RXS(f) { #f, offsetof(struct ofld_rxq_stats, f) }
#define TXS(f) { #f, offsetof(struct ofld_txq_stats, f) }

static const struct xstat_def rx_xstats[] = {
	RXS(packets), RXS(bytes), RXS(mac_filtered), RXS(oversize),
	RXS(stash_full), RXS(handed_off), RXS(handed_in), RXS(handoff_full),
	RXS(handoff_unknown), RXS(lro),
};
static const struct xstat_def tx_xstats[] = {
	TXS(packets), TXS(bytes), TXS(link_down), TXS(oversize),
	TXS(pacing_stalls), TXS(fault_loss), TXS(fault_dup),
	TXS(fault_reorder), TXS(fault_nomem), TXS(peer_overrun),
	TXS(lower_full), TXS(gso_sends), TXS(gso_nomem), TXS(csum_bad),
	TXS(tso_down), TXS(csum_down), TXS(csum_here), TXS(prepare_refused),
	TXS(linearized), TXS(linear_nomem), TXS(lower_held), TXS(lower_stalls),
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

/* qs: where this DPDK keeps the per-queue counters, NULL if not wanted
 * (ofld_compat.h)
 */
int
ofld_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats,
	       ofld_queue_stats *qs)
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
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			qs->q_ipackets[i] = v;
		v = rxq_stat(q, offsetof(struct ofld_rxq_stats, bytes));
		stats->ibytes += v;
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			qs->q_ibytes[i] = v;
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
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			qs->q_opackets[i] = v;
		v = txq_stat(q, offsetof(struct ofld_txq_stats, bytes));
		stats->obytes += v;
		if (qs != NULL && i < RTE_ETHDEV_QUEUE_STAT_CNTRS)
			qs->q_obytes[i] = v;
		stats->oerrors +=
			txq_stat(q, offsetof(struct ofld_txq_stats, link_down)) +
			txq_stat(q, offsetof(struct ofld_txq_stats, oversize)) +
			txq_stat(q, offsetof(struct ofld_txq_stats, lower_full)) +
			txq_stat(q, offsetof(struct ofld_txq_stats,
					     linear_nomem));
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
			txq_stat(q, offsetof(struct ofld_txq_stats, lower_full)) +
			txq_stat(q, offsetof(struct ofld_txq_stats,
					     linear_nomem));
	}
	if (pi->cable == OFLD_CABLE_LOWER && pi->lower_configured &&
	    rte_eth_stats_get(pi->lower_port, &lower) == 0) {
		stats->imissed += lower.imissed;
		stats->rx_nombuf += lower.rx_nombuf;
	}
	return 0;
}

int
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
	ofld_neigh_xstats_reset(pi);
	return 0;
}

static unsigned int
xstats_count(const struct rte_eth_dev *dev)
{
	return dev->data->nb_rx_queues * RX_XSTATS_N +
		dev->data->nb_tx_queues * RTE_DIM(tx_xstats) +
		ofld_tcp_xstats_count(dev->data->dev_private) +
		ofld_neigh_xstats_count(dev->data->dev_private);
}

int
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
	k += ofld_tcp_xstats_names(dev->data->dev_private, names + k);
	ofld_neigh_xstats_names(dev->data->dev_private, names + k);
	return n;
}

int
ofld_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		unsigned int size)
{
	const struct pmd_internals *pi = dev->data->dev_private;
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
		/* and the queue's TCP engine's frames (its own view of it) */
		const struct ofld_txq *e = i < OFLD_MAX_QUEUES ?
			pi->tcp_txq[i] : NULL;

		for (j = 0; j < RTE_DIM(tx_xstats); j++, k++) {
			xs[k].id = k;
			xs[k].value = (q ? txq_stat(q, tx_xstats[j].off) : 0) +
				(e ? txq_stat(e, tx_xstats[j].off) : 0);
		}
	}
	k += ofld_tcp_xstats_values(dev->data->dev_private, xs + k, k);
	ofld_neigh_xstats_values(dev->data->dev_private, xs + k, k);
	return n;
}
