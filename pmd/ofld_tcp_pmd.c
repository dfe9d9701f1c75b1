/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld's TCP send offload: one engine (offload/tcp) per queue pair,
 * fed by that queue's receive path, sending through that queue's transmit
 * path (paced, faults applied), advanced by rx_burst and by
 * rte_pmd_ofld_poll(). The private API of rte_pmd_ofld.h.
 */

#include <errno.h>
#include <stdio.h>

#include <ethdev_driver.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ring.h>

#include "ofld_private.h"
#include "rte_pmd_ofld.h"

/* Engines for queue pairs 0..min(nb_rxq, nb_txq)-1, made once. */
int
ofld_tcp_start(struct pmd_internals *pi)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	uint16_t q, n = RTE_MIN(data->nb_rx_queues, data->nb_tx_queues);
	struct ofld_tcp_engine_conf conf;
	struct ofld_rxq *rxq;
	struct ofld_txq *txq;
	char name[32];
	int ret;

	/* Send requests are queued through an mbuf dynamic field (T1). Not
	 * at probe: a --vdev probes inside rte_eal_init(), before the
	 * registry of dynamic fields can be used.
	 */
	ret = ofld_req_register();
	if (ret != 0) {
		/* no room left by other drivers: the port runs without it */
		OFLD_LOG(WARNING, "%s: no room for the mbuf dynamic field of "
			 "send requests (%s): TCP send offload is off",
			 data->name, rte_strerror(-ret));
		return 0;
	}
	for (q = 0; q < n; q++) {
		rxq = data->rx_queues[q];
		txq = data->tx_queues[q];
		if (pi->tcp[q] == NULL) {
			memset(&conf, 0, sizeof(conf));
			conf.max_conns = pi->da.tcp_max_conns;
			conf.socket = data->numa_node;
			rte_ether_addr_copy(&pi->mac, &conf.local_mac);
			conf.tx_pool = rxq->mp;
			conf.rx_pool = rxq->mp;
			conf.event_ring_size = 16384;
			conf.xmit = ofld_tcp_xmit_cb;
			conf.xmit_arg = txq;
			conf.tx_room = ofld_tcp_room_cb;
			snprintf(name, sizeof(name), "oft%u_%u", pi->port_id, q);
			pi->tcp[q] = ofld_tcp_engine_create(name, &conf);
			if (pi->tcp[q] == NULL) {
				OFLD_LOG(ERR, "%s: queue %u: cannot create the "
					 "TCP engine: %s", data->name, q,
					 rte_strerror(rte_errno));
				return -rte_errno;
			}
			memset(&pi->tcp_base[q], 0, sizeof(pi->tcp_base[q]));
		}
		rxq->tcp = pi->tcp[q];
	}
	return 0;
}

/* Every connection is terminated (pending requests come back UPLOADED
 * and, with the events nobody took, are freed).
 */
void
ofld_tcp_free_all(struct pmd_internals *pi)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	uint16_t q;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (q < data->nb_rx_queues && data->rx_queues[q] != NULL)
			((struct ofld_rxq *)data->rx_queues[q])->tcp = NULL;
		ofld_tcp_engine_free(pi->tcp[q]);
		pi->tcp[q] = NULL;
	}
}

static int
engine_of(uint16_t port, uint16_t queue, struct pmd_internals **pip,
	  struct ofld_tcp_engine **e)
{
	struct rte_eth_dev *dev;
	struct pmd_internals *pi;

	if (!rte_eth_dev_is_valid_port(port))
		return -ENODEV;
	dev = &rte_eth_devices[port];
	if (strcmp(dev->device->driver->name, OFLD_DRIVER_NAME) != 0)
		return -ENOTSUP;
	pi = dev->data->dev_private;
	if (queue >= OFLD_MAX_QUEUES || pi->tcp[queue] == NULL)
		return -EINVAL;	/* no such queue pair, or not started */
	*pip = pi;
	*e = pi->tcp[queue];
	return 0;
}

struct ofld_tcp_conn *
rte_pmd_ofld_tcp_offload(uint16_t port, uint16_t queue,
			 const struct ofld_tcp_state *st)
{
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;
	int ret = engine_of(port, queue, &pi, &e);

	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	return ofld_tcp_offload(e, st);
}

uint16_t
rte_pmd_ofld_tcp_events(uint16_t port, uint16_t queue,
			struct ofld_tcp_event *ev, uint16_t n)
{
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;

	if (ev == NULL || engine_of(port, queue, &pi, &e) != 0)
		return 0;
	return ofld_tcp_events(e, ev, n);
}

int
rte_pmd_ofld_poll(uint16_t port, uint16_t queue)
{
	struct rte_mbuf *bufs[OFLD_BURST_CHUNK];
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;
	struct ofld_rxq *rxq;
	uint16_t got, kept, round;
	unsigned int put;
	int ret = engine_of(port, queue, &pi, &e);

	if (ret != 0)
		return ret;
	rxq = pi->dev->data->rx_queues[queue];
	/* receive for the engine; what is not its goes to the stash, which
	 * the queue's rx_burst hands to the application first
	 */
	for (round = 0; round < 8; round++) {
		got = pi->cable == OFLD_CABLE_PAIR ?
			ofld_pair_rx_raw(rxq, bufs, RTE_DIM(bufs)) :
			ofld_lower_rx_raw(rxq, bufs, RTE_DIM(bufs));
		if (got == 0)
			break;
		kept = ofld_tcp_input(e, bufs, got, bufs);
		put = rte_ring_sp_enqueue_burst(rxq->stash, (void **)bufs, kept,
						NULL);
		if (put < kept) {
			rte_pktmbuf_free_bulk(bufs + put, kept - put);
			rxq->st.stash_full += kept - put;
		}
	}
	ofld_tcp_poll(e);
	return 0;
}

/* ---- xstats of the engines ------------------------------------------- */

#define TCPS(f) { #f, offsetof(struct ofld_tcp_stats, f) }
static const struct {
	const char *name;
	size_t off;
} tcp_xstats[] = {
	TCPS(segs_out), TCPS(bytes_out), TCPS(retrans_segs),
	TCPS(retrans_bytes), TCPS(fast_retrans), TCPS(rto_fired),
	TCPS(segs_in), TCPS(bytes_in), TCPS(acks_in), TCPS(dupacks_in),
	TCPS(psh_in),
	TCPS(ooo_held), TCPS(ooo_dropped), TCPS(bad_seq), TCPS(ack_unsent), TCPS(rst_in),
	TCPS(rst_challenged), TCPS(syn_challenged), TCPS(csum_bad),
	TCPS(not_ours), TCPS(reqs_posted), TCPS(reqs_done), TCPS(nomem),
	TCPS(events_deferred),
};

unsigned int
ofld_tcp_xstats_count(const struct pmd_internals *pi)
{
	unsigned int q, n = 0;

	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		n += pi->tcp[q] != NULL;
	return n * RTE_DIM(tcp_xstats);
}

unsigned int
ofld_tcp_xstats_names(const struct pmd_internals *pi,
		      struct rte_eth_xstat_name *names)
{
	unsigned int q, j, k = 0;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (pi->tcp[q] == NULL)
			continue;
		for (j = 0; j < RTE_DIM(tcp_xstats); j++)
			snprintf(names[k++].name, sizeof(names[0].name),
				 "tcp_q%u_%s", q, tcp_xstats[j].name);
	}
	return k;
}

unsigned int
ofld_tcp_xstats_values(const struct pmd_internals *pi,
		       struct rte_eth_xstat *xs, unsigned int first)
{
	struct ofld_tcp_stats st;
	unsigned int q, j, k = 0;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (pi->tcp[q] == NULL)
			continue;
		ofld_tcp_stats_get(pi->tcp[q], &st);
		for (j = 0; j < RTE_DIM(tcp_xstats); j++, k++) {
			xs[k].id = first + k;
			xs[k].value = *(const uint64_t *)(const void *)
				((const char *)&st + tcp_xstats[j].off) -
				*(const uint64_t *)(const void *)
				((const char *)&pi->tcp_base[q] +
				 tcp_xstats[j].off);
		}
	}
	return k;
}

void
ofld_tcp_xstats_reset(struct pmd_internals *pi)
{
	unsigned int q;

	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		if (pi->tcp[q] != NULL)
			ofld_tcp_stats_get(pi->tcp[q], &pi->tcp_base[q]);
}
