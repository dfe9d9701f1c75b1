/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef RTE_PMD_OFLD_H
#define RTE_PMD_OFLD_H

/**
 * @file
 * net_ofld private API: what the ethdev API has no words for.
 *
 * GSO capability record (the analogue of NetAdapterCx's
 * NET_ADAPTER_OFFLOAD_GSO_CAPABILITIES): every net_ofld port has a
 * *hardware* record (what the NIC can do, from device arguments) and an
 * *active* record (what is switched on now, always a subset of hardware).
 * The active record decides which large sends tx_prepare/tx_burst accept.
 */

#include <stdint.h>

#include <rte_mbuf.h>

#include "ofld_tcp.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Layer-3 kinds (rte_pmd_ofld_gso_caps.l3) */
/**@{*/
#define RTE_PMD_OFLD_GSO_L3_IPV4	(1u << 0) /**< IPv4, no options */
#define RTE_PMD_OFLD_GSO_L3_IPV4_OPTS	(1u << 1) /**< IPv4 with options */
#define RTE_PMD_OFLD_GSO_L3_IPV6	(1u << 2) /**< IPv6, no ext. headers */
#define RTE_PMD_OFLD_GSO_L3_IPV6_EXT	(1u << 3) /**< IPv6 with ext. headers */
/**@}*/

/** @name Layer-4 kinds (rte_pmd_ofld_gso_caps.l4) */
/**@{*/
#define RTE_PMD_OFLD_GSO_L4_TCP		(1u << 0) /**< TCP, no options */
#define RTE_PMD_OFLD_GSO_L4_TCP_OPTS	(1u << 1) /**< TCP with options */
#define RTE_PMD_OFLD_GSO_L4_UDP		(1u << 2) /**< UDP (USO) */
/**@}*/

/** A GSO capability record, queried and set as a whole. */
struct rte_pmd_ofld_gso_caps {
	uint32_t l3;		/**< RTE_PMD_OFLD_GSO_L3_* */
	uint32_t l4;		/**< RTE_PMD_OFLD_GSO_L4_* */
	/** Most bytes of L4 payload one large send may carry. */
	uint32_t max_offload_size;
	/** Fewest segments a large send must make; smaller ones are refused. */
	uint32_t min_segs;
	/** Largest offset of the L4 header from the frame start; 0: none. */
	uint32_t l4_offset_max;
};

/**
 * Query the GSO records of a net_ofld port.
 *
 * @param port_id  a net_ofld port
 * @param hw       filled with the hardware record (may be NULL)
 * @param active   filled with the active record (may be NULL)
 * @return 0; -ENODEV if port_id is not a valid port; -ENOTSUP if it is not
 *   a net_ofld port.
 */
int rte_pmd_ofld_gso_caps_get(uint16_t port_id,
			      struct rte_pmd_ofld_gso_caps *hw,
			      struct rte_pmd_ofld_gso_caps *active);

/**
 * Replace the active GSO record of a net_ofld port (the analogue of
 * EvtNetAdapterOffloadSetGso). Works while traffic flows: every packet is
 * checked against the old or the new record, never a mix, and every packet
 * submitted after this returns is checked against the new one. Also keeps
 * the port's configured RTE_ETH_TX_OFFLOAD_TCP_TSO / _UDP_TSO in step.
 *
 * An active record with no l3 or no l4 kind switches GSO off.
 *
 * @param port_id  a net_ofld port
 * @param active   the new record: a subset of the hardware record (kinds
 *   within it, "with options" only with "without options", 1 <=
 *   max_offload_size <= hardware, min_segs >= hardware, l4_offset_max
 *   within the hardware limit)
 * @return 0; -EINVAL (NULL, or not a subset: nothing changes); -ENODEV;
 *   -ENOTSUP (not a net_ofld port).
 */
int rte_pmd_ofld_gso_caps_set(uint16_t port_id,
			      const struct rte_pmd_ofld_gso_caps *active);

/**
 * @name TCP send offload
 * One engine per queue pair q (receive queue q and transmit queue q),
 * made when the port starts. The connection calls themselves are the
 * engine's (offload/tcp/ofld_tcp.h): ofld_tcp_send() posts requests from
 * any thread; ofld_tcp_close(), _abort(), _terminate(), _release(),
 * _query() and _backlog() run in the thread that runs the queue.
 *
 * The engine advances inside rte_eth_rx_burst() on its queue and in
 * rte_pmd_ofld_poll(); call one of them regularly from the queue's
 * thread (never both from two threads at once).
 */
/**@{*/

/**
 * Hand an established connection to queue pair @p queue of a started
 * net_ofld port (the chimney way: its delegated state).
 * @return the connection, or NULL with rte_errno: ENODEV (no port),
 *   ENOTSUP (not net_ofld), EINVAL (no such started queue, bad state),
 *   EEXIST (4-tuple in use, on any queue of the port), ENOSPC
 *   (tcp_max_conns reached).
 */
struct ofld_tcp_conn *rte_pmd_ofld_tcp_offload(uint16_t port, uint16_t queue,
					       const struct ofld_tcp_state *st);

/**
 * Active open from queue pair @p queue (see ofld_tcp_connect()). With
 * o->local_port 0 the port picks one of 32768-60999 whose receive hash
 * (RSS) brings the peer's segments to @p queue (rule N2); segments of a
 * connection that land on another queue are handed to it. With
 * o->remote_mac all zero on a port with addresses (device arguments ip=,
 * ip6=), the port resolves the next hop by ARP / neighbour discovery and
 * holds the SYN until then; CLOSED with OFLD_TCP_UNREACHABLE when it
 * cannot (rule N1). A MAC given is used as is.
 * @return the connection, or NULL with rte_errno: as
 *   rte_pmd_ofld_tcp_offload(), and EADDRNOTAVAIL (no local port hashes
 *   to @p queue: the hash types leave the ports out, or the RETA names
 *   no such queue).
 */
struct ofld_tcp_conn *rte_pmd_ofld_tcp_connect(uint16_t port, uint16_t queue,
					       const struct ofld_tcp_open *o);

/** Passive open on queue pair @p queue (see ofld_tcp_listen()): its
 * connections live on the queue where their SYN arrived, so a server on a
 * port with several queues listens on each.
 */
int rte_pmd_ofld_tcp_listen(uint16_t port, uint16_t queue,
			    const struct ofld_tcp_open *o);

/** Graceful close (T10), see ofld_tcp_close(). */
int rte_pmd_ofld_tcp_close(uint16_t port, uint16_t queue,
			   struct ofld_tcp_conn *c);
/** Abortive close (T11), see ofld_tcp_abort(). */
int rte_pmd_ofld_tcp_abort(uint16_t port, uint16_t queue,
			   struct ofld_tcp_conn *c);
/** Terminate the offload (T12), see ofld_tcp_terminate(). */
int rte_pmd_ofld_tcp_terminate(uint16_t port, uint16_t queue,
			       struct ofld_tcp_conn *c,
			       struct ofld_tcp_state *st);
/** Free an ended connection, see ofld_tcp_release(). */
int rte_pmd_ofld_tcp_release(uint16_t port, uint16_t queue,
			     struct ofld_tcp_conn *c);
/**
 * Set a per connection option (user timeout, keepalive), see
 * ofld_tcp_setopt(). @return 0, -EINVAL (bad port, queue, handle, option
 * or value).
 */
int rte_pmd_ofld_tcp_setopt(uint16_t port, uint16_t queue,
			    struct ofld_tcp_conn *c, enum ofld_tcp_opt opt,
			    uint32_t value);

/**
 * The rte_service that runs a port's engines (device argument
 * engine=service). Map it to a service lcore and start it:
 * rte_service_map_lcore_set(id, lcore, 1); rte_service_runstate_set(id, 1).
 * Then rte_eth_rx_burst() only hands over what the service received for
 * the application, and the control calls above wait for the service.
 * @return 0, -EINVAL, -ENOTSUP, -ENOENT (not in service mode / started).
 */
int rte_pmd_ofld_service_id(uint16_t port, uint32_t *id);

/**
 * Take up to @p n events of queue pair @p queue: send completions (the
 * request mbuf comes back, with status and bytes acknowledged), received
 * data (an mbuf chain the application frees), connection events.
 * One consumer thread per queue. @return how many.
 */
uint16_t rte_pmd_ofld_tcp_events(uint16_t port, uint16_t queue,
				 struct ofld_tcp_event *ev, uint16_t n);

/**
 * Advance queue pair @p queue: receive from the wire (TCP segments to
 * the engine, other frames kept for rte_eth_rx_burst()), timers,
 * transmission of queued data, completions.
 * @return 0, -ENODEV, -ENOTSUP, -EINVAL (no such queue pair, or the port never
 *   started; a stopped port is polled: timers and completions, nothing
 *   sent), -EBUSY
 *   (engine=service: the service does it).
 */
int rte_pmd_ofld_poll(uint16_t port, uint16_t queue);

/** Post send requests (T1): see ofld_tcp_send(). */
static inline int
rte_pmd_ofld_tcp_send(struct ofld_tcp_conn *c, struct rte_mbuf **reqs,
		      uint16_t n)
{
	return ofld_tcp_send(c, reqs, n);
}

/**@}*/

#ifdef __cplusplus
}
#endif

#endif /* RTE_PMD_OFLD_H */
