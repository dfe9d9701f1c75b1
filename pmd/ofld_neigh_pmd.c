/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld's neighbours (N1): the port's table (offload/neigh), made at
 * probe from the address device arguments; the receive path of every
 * queue hands it ARP/ND frames and runs its timers; the TCP engines ask it
 * for next hops; each sends through its queue's own transmit view (the
 * TCP engine's, ofld_tcp_xmit_cb), so no queue shares a transmit path
 * with another thread. Counters as xstats (neigh_*), the table through
 * telemetry (/ofld/neigh).
 */

#include <errno.h>
#include <stdio.h>

#include <arpa/inet.h>
#include <pthread.h>

#include <ethdev_driver.h>
#include <rte_telemetry.h>

#include "ofld_private.h"

int
ofld_neigh_setup(struct pmd_internals *pi)
{
	struct ofld_neigh_conf conf = pi->da.neigh;
	char name[32];

	pi->neigh = NULL;
	if (!conf.ip4_set && !conf.ip6_set)
		return 0;	/* no address: ARP/ND all reach rx_burst */
	conf.mac = pi->mac;
	conf.socket = pi->dev->data->numa_node;
	snprintf(name, sizeof(name), "ofld_neigh%u", pi->port_id);
	pi->neigh = ofld_neigh_create(name, &conf);
	if (pi->neigh == NULL) {
		OFLD_LOG(ERR, "%s: cannot make the neighbour table: %s",
			 pi->dev->data->name, rte_strerror(rte_errno));
		return -rte_errno;
	}
	if (conf.ip6_set) {
		/* 33:33:ff + the last 3 bytes (RFC 2464 7, RFC 4291 2.7.1) */
		pi->nd_mcast = (struct rte_ether_addr){ .addr_bytes = { 0x33,
			0x33, 0xff, conf.ip6[13], conf.ip6[14],
			conf.ip6[15] } };
		pi->nd_mcast_set = true;
	}
	return 0;
}

void
ofld_neigh_teardown(struct pmd_internals *pi)
{
	/* telemetry may be reading it */
	pthread_mutex_lock(&ofld_tel_lock);
	ofld_neigh_free(pi->neigh);
	pi->neigh = NULL;
	pi->nd_mcast_set = false;
	pthread_mutex_unlock(&ofld_tel_lock);
}

void
ofld_neigh_started(struct pmd_internals *pi)
{
	int ret;

	ofld_neigh_announce(pi->neigh);
	if (pi->cable != OFLD_CABLE_LOWER || !pi->nd_mcast_set)
		return;
	/* a NIC below filters multicast: let our solicited-node group in */
	ret = rte_eth_dev_set_mc_addr_list(pi->lower_port, &pi->nd_mcast, 1);
	if (ret != 0)
		OFLD_LOG(INFO, "%s: lower port %u takes no multicast list (%s): "
			 "neighbour solicitations reach us only if it passes "
			 "multicast (all-multicast or promiscuous)",
			 pi->dev->data->name, pi->lower_port,
			 rte_strerror(-ret));
}

void
ofld_neigh_mac_changed(struct pmd_internals *pi)
{
	if (pi->neigh != NULL) {
		ofld_neigh_set_mac(pi->neigh, &pi->mac);
		ofld_neigh_announce(pi->neigh);
	}
}

/* How queue q sends: the TCP engine's view of transmit queue q, which the
 * thread that receives on q (rx_burst, poll or the service) also runs.
 */
static bool
queue_io(const struct pmd_internals *pi, uint16_t q, struct ofld_neigh_io *io)
{
	const struct ofld_rxq *rxq;

	if (q >= OFLD_MAX_QUEUES || pi->tcp_txq[q] == NULL ||
	    q >= pi->dev->data->nb_rx_queues)
		return false;
	rxq = pi->dev->data->rx_queues[q];
	if (rxq == NULL)
		return false;
	io->mp = rxq->mp;
	io->xmit = ofld_tcp_xmit_cb;
	io->xmit_arg = pi->tcp_txq[q];
	return true;
}

uint16_t
ofld_neigh_rx(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t n)
{
	struct pmd_internals *pi = rxq->pi;
	struct ofld_neigh_io io;

	if (unlikely(!queue_io(pi, rxq->qid, &io)))
		return n;	/* not started: nothing to answer with */
	if (n != 0)
		n = ofld_neigh_input(pi->neigh, bufs, n, bufs, &io);
	ofld_neigh_poll(pi->neigh, &io);
	return n;
}

int
ofld_neigh_resolve_cb(void *arg, bool ipv6, const uint8_t *ip, bool start,
		      struct rte_ether_addr *mac)
{
	const struct ofld_txq *etq = arg;
	struct pmd_internals *pi = etq->pi;
	struct ofld_neigh_io io;

	if (pi->neigh == NULL || !queue_io(pi, etq->qid, &io))
		return -ENETUNREACH;
	return ofld_neigh_resolve(pi->neigh, ipv6, ip, start, mac, &io);
}

/* ---- xstats: neigh_* ---- */

#define NS(f) { #f, offsetof(struct ofld_neigh_stats, f) }
static const struct {
	const char *name;
	size_t off;
} neigh_xstats[] = {
	NS(arp_answered), NS(ns_answered), NS(arp_learned), NS(nd_learned),
	NS(arp_sent), NS(ns_sent), NS(announced), NS(resolved), NS(failed),
	NS(unreachable), NS(arp_bad), NS(nd_bad), NS(passed), NS(busy),
	NS(full), NS(nomem), NS(aged),
};
static_assert(RTE_DIM(neigh_xstats) * sizeof(uint64_t) ==
	      sizeof(struct ofld_neigh_stats), "neigh xstats list incomplete");

unsigned int
ofld_neigh_xstats_count(const struct pmd_internals *pi)
{
	/* the counters and the entries in use */
	return pi->neigh != NULL ? RTE_DIM(neigh_xstats) + 1 : 0;
}

unsigned int
ofld_neigh_xstats_names(const struct pmd_internals *pi,
			struct rte_eth_xstat_name *names)
{
	unsigned int j;

	if (pi->neigh == NULL)
		return 0;
	for (j = 0; j < RTE_DIM(neigh_xstats); j++)
		snprintf(names[j].name, sizeof(names[0].name), "neigh_%s",
			 neigh_xstats[j].name);
	snprintf(names[j].name, sizeof(names[0].name), "neigh_entries");
	return j + 1;
}

unsigned int
ofld_neigh_xstats_values(const struct pmd_internals *pi,
			 struct rte_eth_xstat *xs, unsigned int first)
{
	struct ofld_neigh_stats st;
	unsigned int j;

	if (pi->neigh == NULL)
		return 0;
	ofld_neigh_stats_get(pi->neigh, &st);
	for (j = 0; j < RTE_DIM(neigh_xstats); j++) {
		xs[j].id = first + j;
		xs[j].value = *(const uint64_t *)(const void *)
			((const char *)&st + neigh_xstats[j].off) -
			*(const uint64_t *)(const void *)
			((const char *)&pi->neigh_base + neigh_xstats[j].off);
	}
	xs[j].id = first + j;
	xs[j].value = ofld_neigh_count(pi->neigh);
	return j + 1;
}

void
ofld_neigh_xstats_reset(struct pmd_internals *pi)
{
	if (pi->neigh != NULL)
		ofld_neigh_stats_get(pi->neigh, &pi->neigh_base);
}

/* ---- telemetry: /ofld/neigh,PORT ---- */

static void
tel_entry(struct rte_tel_data *d, const struct ofld_neigh_entry_info *x)
{
	char ip[INET6_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
	char line[RTE_TEL_MAX_STRING_LEN];

	inet_ntop(x->ipv6 ? AF_INET6 : AF_INET, x->ip, ip, sizeof(ip));
	rte_ether_format_addr(mac, sizeof(mac), &x->mac);
	snprintf(line, sizeof(line), "%s %s %s probes=%u age_ms=%" PRIu64,
		 ip, mac, ofld_neigh_state_name(x->state), x->probes,
		 x->age_ms);
	rte_tel_data_add_array_string(d, line);
}

/* The entries of a port's table, one string each. */
static int
tel_neigh(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct ofld_neigh_entry_info x[64];
	struct pmd_internals *pi;
	unsigned long port;
	uint32_t i, n = 0;
	int ret = 0;

	RTE_SET_USED(cmd);
	if (ofld_tel_args(params, &port, 1) != 1 ||
	    (pi = ofld_tel_port(port)) == NULL)
		return -EINVAL;
	rte_tel_data_start_array(d, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&ofld_tel_lock);
	if (pi->neigh == NULL)
		ret = -ENOENT;	/* no address: no table */
	else
		n = ofld_neigh_dump(pi->neigh, x, RTE_DIM(x));
	pthread_mutex_unlock(&ofld_tel_lock);
	for (i = 0; i < n; i++)
		tel_entry(d, &x[i]);
	return ret;
}

RTE_INIT(ofld_neigh_telemetry_init)
{
	rte_telemetry_register_cmd("/ofld/neigh", tel_neigh,
		"Neighbour table of a net_ofld port with addresses (the first "
		"64 entries): 'IP MAC state probes=N age_ms=N'. Parameters: "
		"port");
}
