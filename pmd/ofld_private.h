/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_PRIVATE_H
#define OFLD_PRIVATE_H

/*
 * Internals of the net_ofld poll-mode driver. Not installed, not API.
 *
 * Ownership: one struct pmd_internals per port (dev_private); one struct
 * ofld_rxq / ofld_txq per queue holding everything its burst function
 * touches; the pair cable (struct ofld_pair) is shared by its two ports and
 * lives while either of them exists.
 */

#include <sched.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_log.h>
#include <rte_mbuf.h>
#include <rte_ring.h>
#include <rte_seqlock.h>

#include "ofld_compat.h"
#include "ofld_gso.h"
#include "ofld_neigh.h"
#include "ofld_tcp.h"

#include "ofld_pace.h"
#include "ofld_delay.h"
#include "ofld_fault.h"

extern int ofld_logtype;

/** One log type, one macro, function name first (no logging in bursts). */
#define OFLD_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, ofld_logtype, "%s(): " fmt "\n", \
		__func__, ##__VA_ARGS__)

#define OFLD_DRIVER_NAME	"net_ofld"
#define OFLD_MAX_QUEUES		16
#define OFLD_LANE_SIZE		4096	/**< frames per pair lane (ring) */
/** What a TCP engine keeps waiting on a plain pair lane at most, in
 * frames of MTU 1500 (its room, ofld_tcp_room_cb()), as Linux's byte
 * queue limits keep a NIC's transmit ring short: beyond it, data waits
 * unbuilt in the engine. Counted in bytes (OFLD_LANE_BACKLOG_BYTES): 43
 * frames of MTU 9000, 6 TSO bursts of 64 KiB.
 */
#define OFLD_LANE_BACKLOG	256
/** Pair: the largest LRO frame, an IPv4 packet of 64 KiB behind its
 * Ethernet header.
 */
#define OFLD_LRO_MAX_FRAME	(RTE_ETHER_HDR_LEN + 65535u)
/** The most a TCP frame's headers take: Ethernet, IPv6, TCP with options. */
#define OFLD_LRO_HDRS_MAX	(RTE_ETHER_HDR_LEN + 40u + 60u)
/** Frames per lane at most: a lane holds speed x delay plus its backlog
 * (OFLD_LANE_SIZE); 2 MiB of ring each.
 */
#define OFLD_LANE_MAX		(1u << 18)
/** Frames an end's transmit completion ring holds (ofld_pair_give_back();
 * beyond it the receiving side frees them), and how many one reclaim
 * frees at most.
 */
#define OFLD_DONE_RING_SIZE	16384
#define OFLD_RECLAIM_MAX	1024
#define OFLD_DEFAULT_SPEED	100000	/**< Mbit/s of the pair cable */
#define OFLD_MAX_SPEED		400000	/**< Mbit/s */
#define OFLD_MIN_MTU		RTE_ETHER_MIN_MTU
#define OFLD_MAX_MTU		9600
/** Frame bytes beyond the MTU that the port accepts: Ethernet + 2 VLANs. */
#define OFLD_L2_OVERHEAD	(RTE_ETHER_HDR_LEN + 2 * RTE_VLAN_HLEN)
/** OFLD_LANE_BACKLOG frames of MTU 1500 on the wire (frame + 24), bytes. */
#define OFLD_LANE_BACKLOG_BYTES	\
	(OFLD_LANE_BACKLOG * (1500u + OFLD_L2_OVERHEAD + 24u))
#define OFLD_NAME_MAX		32
#define OFLD_BURST_CHUNK	32
/** Frames a transmit queue holds for a busy lower port (ofld_tx.c). */
#define OFLD_TX_HOLD	OFLD_GSO_MAX_SEGS
#define OFLD_TCP_DEFAULT_CONNS	4096	/**< per queue */
#define OFLD_STASH_SIZE		1024
/** Default hardware max offload size (G13): 256 KiB. */
#define OFLD_GSO_DEFAULT_MAX_SIZE	(256u * 1024)
/** The L4 header may start this far in: the engine's header buffer less
 * the longest TCP header.
 */
#define OFLD_GSO_L4_OFFSET_HW	(OFLD_GSO_HDR_MAX - 60)

/** Parsed device arguments (see docs/guide.md for each key). */
struct ofld_devargs {
	char pair[OFLD_NAME_MAX];	/**< pair cable name, "" if none */
	char lower[RTE_ETH_NAME_MAX_LEN]; /**< lower port name, "" if none */
	uint32_t speed_mbps;		/**< 0: unpaced */
	bool speed_set;
	uint32_t delay_us;		/**< pair: one-way delay, 0: none */
	uint32_t lane_size;		/**< pair: frames per lane it needs */
	double loss, reorder, dup;	/**< fault probabilities, 0..1 */
	uint64_t seed;
	struct rte_ether_addr mac;
	bool mac_set;
	struct ofld_gso_caps gso_hw;	/**< hardware GSO record (G1, G2) */
	uint32_t tcp_max_conns;		/**< per queue */
	bool engine_service;		/**< engines run as an rte_service */
	/** pair: the TCP engine frees what it received (else the sender) */
	bool tx_free_receiver;
	bool tx_free_set;
	/** lower: do everything in software (lower_offload=off) */
	bool lower_offload_off;
	bool lower_offload_set;
	/** addresses, gateways, neighbour table times (N1) */
	struct ofld_neigh_conf neigh;
};

int ofld_devargs_parse(const char *name, const char *args,
		       struct ofld_devargs *da);

/* The address and neighbour device arguments (ofld_devargs_addr.c). */
#define OFLD_ARG_IP			"ip"
#define OFLD_ARG_GW			"gw"
#define OFLD_ARG_IP6			"ip6"
#define OFLD_ARG_GW6			"gw6"
#define OFLD_ARG_NEIGH_ENTRIES		"neigh_entries"
#define OFLD_ARG_NEIGH_REACHABLE	"neigh_reachable_ms"
#define OFLD_ARG_NEIGH_RETRANS		"neigh_retrans_ms"
#define OFLD_ARG_NEIGH_GC		"neigh_gc_ms"
#define OFLD_ARG_NEIGH_PROBES		"neigh_probes"
bool ofld_devargs_key_in(const char *const *keys, const char *key);
bool ofld_devargs_addr_key(const char *key);
int ofld_devargs_addr(const char *dev, const char *key, const char *val,
		      struct ofld_neigh_conf *nc);
int ofld_devargs_addr_check(const char *dev, struct ofld_neigh_conf *nc);

enum ofld_cable_kind {
	OFLD_CABLE_PAIR,
	OFLD_CABLE_LOWER,
};

/**
 * One direction of one queue of the pair cable: a ring from one transmit
 * queue of one end (and its TCP engine) to one receive queue of the other.
 */
struct ofld_lane {
	/** Made when the first port plugs into the sending end (NULL until
	 * then); replaced only while the other end is empty.
	 */
	struct rte_ring *ring;
	/** Frames carry due times (a delay line): fixed with the ring. */
	uint32_t delayed;
	/** Their mbuf field, set by the sender's start; -1 until then. */
	int due_off;
	/** Frames lost because the ring was full; added to by the producers,
	 * read by the receiving port as imissed.
	 */
	uint64_t overrun;
} __rte_cache_aligned;

/** Toeplitz key bytes and RETA entries of a pair port (as most 10-100G
 * NICs); a lower port's may be longer, up to the _MAX.
 */
#define OFLD_RSS_KEY_LEN	40
#define OFLD_RSS_KEY_MAX	64
#define OFLD_RETA_SIZE		128
#define OFLD_RETA_MAX		512
/** The hash types a port offers (flow_type_rss_offloads). */
#define OFLD_RSS_OFFLOAD (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_FRAG_IPV4 | \
	RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP | \
	RTE_ETH_RSS_NONFRAG_IPV4_OTHER | RTE_ETH_RSS_IPV6 | \
	RTE_ETH_RSS_FRAG_IPV6 | RTE_ETH_RSS_NONFRAG_IPV6_TCP | \
	RTE_ETH_RSS_NONFRAG_IPV6_UDP | RTE_ETH_RSS_NONFRAG_IPV6_OTHER)

/**
 * Receive-side scaling of a port (ofld_rss.c): which receive queue a
 * frame reaches. Written on the control path while the port is stopped.
 */
struct ofld_rss {
	uint64_t hf;		/**< hash types; 0: no RSS */
	uint16_t nb_rx;		/**< receive queues */
	bool hash_to_mbuf;	/**< RTE_ETH_RX_OFFLOAD_RSS_HASH */
	uint8_t key_len;
	uint16_t reta_size;	/**< a power of two */
	uint8_t key[OFLD_RSS_KEY_MAX] __rte_aligned(4); /**< as configured */
	uint32_t key_be[OFLD_RSS_KEY_MAX / 4];	/**< for rte_softrss_be() */
	uint16_t reta[OFLD_RETA_MAX];
};

/** How the pair cable delivers frames towards one end. */
struct ofld_steer {
	/** The receiving end is started (control path writes, senders
	 * read with acquire: rss below is valid once it is set).
	 */
	uint32_t rx_up;
	/** The receiving port's largest LRO frame (rxmode.max_lro_pkt_size)
	 * when it has RTE_ETH_RX_OFFLOAD_TCP_LRO, else 0: the TCP engine's
	 * TSO bursts reach it whole, as a NIC pair with TSO and LRO does.
	 */
	uint32_t lro_max;
	struct ofld_rss rss;	/**< the receiving port's, at its start */
};

struct pmd_internals;
struct ofld_tcp_ctl;
struct rte_hash;
struct rte_rcu_qsbr;

/** Segments handed between queues (ofld_handoff.c). */
struct ofld_handoff {
	struct rte_hash *h;	/**< 4-tuple -> owning queue */
	struct rte_rcu_qsbr *qsbr;	/**< one reader id per queue */
	struct rte_ring *ring[OFLD_MAX_QUEUES];	/**< to each owner */
	uint32_t count;		/**< entries: readers skip an empty table */
	pthread_mutex_t lock;	/**< writers (control path) */
	/* lower port: 4-tuple -> its rte_flow rule (control path only) */
	struct rte_hash *flows;
	uint32_t nb_flows;
	bool flow_refused;	/**< the lower port refused one: no more */
};

/** A pair cable: lanes[d][r] carries frames from end d to the other end's
 * receive queue r.
 */
struct ofld_pair {
	char name[OFLD_NAME_MAX];
	struct pmd_internals *end[2];
	uint32_t started[2];
	/** The lanes from end d exist (release after they are made). */
	uint32_t lanes_ready[2];
	/** Delivery of frames from end d (the receiving end's RSS). */
	struct ofld_steer steer[2];
	/** Frames per lane from end d (0: no lanes yet). */
	uint32_t lane_size[2];
	struct ofld_lane lanes[2][OFLD_MAX_QUEUES];
	/** Frames end d sent that the other end's TCP engines are done
	 * with, freed on end d's lcores (its transmit completions, as a NIC
	 * frees what it sent on the sending core): multi-producer (the
	 * other end's engines), multi-consumer (end d's engines and
	 * transmit calls). See ofld_pair_give_back().
	 */
	struct rte_ring *done[2];
	struct ofld_pair *next;
};

/** Per receive queue counters; all written by the queue's thread only. */
struct ofld_rxq_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t mac_filtered;	/**< dropped: not for us, promiscuous off */
	uint64_t oversize;	/**< dropped: longer than MTU + L2 overhead */
	uint64_t stash_full;	/**< dropped: polled, nobody read them */
	uint64_t handed_off;	/**< segments handed to their owner queue */
	uint64_t handed_in;	/**< segments other queues handed here */
	uint64_t handoff_full;	/**< dropped: the owner's ring was full */
	uint64_t handoff_unknown; /**< handed here, connection gone: freed */
	uint64_t lro;		/**< pair: TSO bursts received whole (LRO) */
};

struct ofld_rxq {
	struct pmd_internals *pi;
	uint16_t qid;
	uint16_t port_id;
	struct ofld_lane *lane;	/**< pair: the lane towards this queue */
	const uint32_t *lane_ready;	/**< pair: its ring exists */
	struct rte_mempool *mp;
	struct ofld_tcp_engine *tcp;	/**< this queue's TCP engine */
	struct rte_ring *stash;		/**< frames rte_pmd_ofld_poll() took */
	struct ofld_rxq_stats st;
	struct ofld_rxq_stats base;	/**< snapshot at the last reset */
	uint64_t missed_base;
} __rte_cache_aligned;

/** Per transmit queue counters; all written by the queue's thread only. */
struct ofld_txq_stats {
	uint64_t packets;	/**< frames put on the wire */
	uint64_t bytes;
	uint64_t link_down;	/**< dropped: no peer or peer stopped */
	uint64_t oversize;	/**< dropped: longer than MTU + L2 overhead */
	uint64_t pacing_stalls;	/**< bursts cut short by the link speed */
	uint64_t fault_loss;
	uint64_t fault_dup;
	uint64_t fault_reorder;
	uint64_t fault_nomem;	/**< duplicate not made: mempool empty */
	uint64_t peer_overrun;	/**< on the wire, peer receive ring full */
	uint64_t lower_full;	/**< dropped: lower port refused them and
				 *   the queue's hold was full
				 */
	uint64_t lower_held;	/**< refused by the lower port at first:
				 *   held, sent before newer frames
				 */
	uint64_t lower_stalls;	/**< bursts cut short: lower port busy */
	uint64_t gso_sends;	/**< large sends segmented */
	uint64_t gso_nomem;	/**< large sends dropped: mempool empty */
	uint64_t csum_bad;	/**< dropped: checksum flags do not fit */
	uint64_t tso_down;	/**< large sends the lower port segments */
	uint64_t csum_down;	/**< frames whose checksums the lower does */
	uint64_t csum_here;	/**< frames whose checksums were done here */
	uint64_t prepare_refused; /**< the lower's tx_prepare said no: here */
	uint64_t linearized;	/**< copied into one segment for the lower */
	uint64_t linear_nomem;	/**< dropped: no mbuf (room) for that copy */
	/** large sends refused, by reason (G7); [0] unused */
	uint64_t gso_refused[OFLD_GSO_NB_VERDICTS];
};

struct ofld_txq {
	struct pmd_internals *pi;
	uint16_t qid;
	uint16_t lower_port;
	/** pair, the TCP engine's queue: it may send TSO bursts (set once
	 * they were allowed; each is checked against the receiver's LRO)
	 */
	bool pair_tso;
	uint32_t tso_max;	/**< pair: the engine's TSO limit, last set */
	struct ofld_lane *lanes;	/**< pair: lanes towards the peer */
	struct ofld_steer *steer;	/**< pair: which lane a frame takes */
	struct ofld_fault fault;
	struct ofld_txq_stats st;
	struct ofld_txq_stats base;	/**< snapshot at the last reset */
	struct ofld_gso_pkt gso_pkt;	/**< the large send being cut */
	struct rte_mbuf *gso_out[OFLD_GSO_MAX_SEGS]; /**< its segments */
	/** lower cable: frames the lower port has not taken yet, in order,
	 * from hold[hold_head]; they go before anything newer (a driver's
	 * requeue). As many as one large send's segments.
	 */
	uint16_t hold_head, hold_n;
	struct rte_mbuf *hold[OFLD_TX_HOLD];
} __rte_cache_aligned;

struct pmd_internals {
	struct rte_eth_dev *dev;
	uint16_t port_id;
	enum ofld_cable_kind cable;
	struct ofld_devargs da;
	struct rte_ether_addr mac;
	uint32_t max_frame;	/**< MTU + L2 overhead */
	struct ofld_pacer pacer;	/**< shared by all tx queues */
	struct ofld_delay delay;	/**< pair: the delay line we feed */
	struct ofld_fault_cfg fault_cfg;

	/* GSO records (G1): hardware fixed at probe; active read by the data
	 * path under a seqlock (G4), written by ofld_gso_apply() only.
	 */
	struct ofld_gso_caps gso_hw;
	rte_seqlock_t gso_lock;
	struct ofld_gso_caps gso_active;
	uint32_t gso_flags;		/**< OFLD_GSO_F_* for the engine */

	/* pair cable */
	struct ofld_pair *pair;
	int end;		/**< which end of the pair this port is */

	/* TCP send offload: one engine per queue pair, with its own view of
	 * the transmit queue (stats, fault state) so that it may run on a
	 * service lcore beside the application's transmit calls
	 */
	struct ofld_tcp_engine *tcp[OFLD_MAX_QUEUES];
	struct ofld_txq *tcp_txq[OFLD_MAX_QUEUES];
	struct ofld_tcp_stats tcp_base[OFLD_MAX_QUEUES];
	struct ofld_tcp_ctl *tcp_ctl[OFLD_MAX_QUEUES];
	uint32_t service_id;
	bool service_registered;
	/* the service is inside an iteration (dev_stop waits it out) */
	uint32_t service_busy;
	/* the port is closing: an iteration that starts now does nothing */
	uint32_t service_dying;

	/* Receive-side scaling (ofld_rss.c): ours, and whether it tells
	 * where the peer's segments arrive (pair: yes; lower: when the
	 * lower port gave its key and RETA back). Connections placed
	 * elsewhere (or anywhere, when not) are in the hand-off table.
	 */
	struct ofld_rss rss;
	bool rss_known;
	struct ofld_handoff *handoff;
	uint32_t eph_next;	/**< next ephemeral port to try */
	/* neighbour table (N1): NULL when the port has no address; made at
	 * probe, freed at close
	 */
	struct ofld_neigh *neigh;
	/* the solicited-node multicast MAC of our IPv6 address: received
	 * with promiscuous and all-multicast off, as a NIC's filter would
	 */
	struct rte_ether_addr nd_mcast;
	bool nd_mcast_set;
	struct ofld_neigh_stats neigh_base;	/* xstats at the last reset */

	/* lower cable */
	/** what goes down to it as flags (N3), fixed at configure */
	uint64_t pt_offloads;
	uint16_t pt_seg_max;	/**< its mbuf segments per packet; 0: any */
	bool pt_l4_one_seg;	/**< L4 checksums down for one-segment only */
	bool lower_linear;	/**< the lower sends one-segment frames only */
	/** rte_eth_tx_done_cleanup() on the lower: when next, per queue */
	uint64_t lower_cleanup_at[OFLD_MAX_QUEUES];
	bool lower_cleanup_off;	/**< the lower has none (-ENOTSUP) */
	/** receive mbufs from pools of ours (ofld_lower_pool.c) */
	bool lower_own_rx_pool;
	struct rte_mempool *lower_rx_mp[OFLD_MAX_QUEUES];
	uint16_t lower_port;
	uint64_t lower_owner;
	bool lower_configured;
	bool lower_started;
};

/* receive pools of ours for the lower port (ofld_lower_pool.c) */
struct rte_mempool *ofld_lower_rx_pool(struct pmd_internals *pi,
				       uint16_t qid, uint16_t nb_desc,
				       int socket, struct rte_mempool *app);
void ofld_lower_rx_pools_free(struct pmd_internals *pi);

/* device operations (ofld_ethdev.c), used by probe (ofld_probe.c) */
extern const struct eth_dev_ops ofld_ops;
void ofld_set_max_frame(struct pmd_internals *pi, uint16_t mtu);
int ofld_link_update(struct rte_eth_dev *dev, int wait);
int ofld_dev_close(struct rte_eth_dev *dev);

/* counters (ofld_stats.c) */
int ofld_stats_get(struct rte_eth_dev *dev, struct rte_eth_stats *stats,
		   ofld_queue_stats *qs);
int ofld_stats_reset(struct rte_eth_dev *dev);
int ofld_xstats_get_names(struct rte_eth_dev *dev,
			  struct rte_eth_xstat_name *names, unsigned int size);
int ofld_xstats_get(struct rte_eth_dev *dev, struct rte_eth_xstat *xs,
		    unsigned int size);

/* receive-side scaling (ofld_rss.c) */
int ofld_rss_configure(struct pmd_internals *pi);
void ofld_rss_reta_default(struct ofld_rss *r);
void ofld_rss_lower_sync(struct pmd_internals *pi);
uint32_t ofld_rss_tuple_hash(const struct ofld_rss *r, bool v6,
			     const uint8_t *src, const uint8_t *dst,
			     uint16_t sport, uint16_t dport, uint8_t proto);
uint16_t ofld_rss_conn_queue(const struct ofld_rss *r,
			     const struct ofld_tcp_open *o, uint16_t lport);
uint32_t ofld_rss_frame_hash(const struct ofld_rss *r,
			     const struct rte_mbuf *m, bool *hashed);
int ofld_reta_update(struct rte_eth_dev *dev,
		     struct rte_eth_rss_reta_entry64 *rc, uint16_t reta_size);
int ofld_reta_query(struct rte_eth_dev *dev,
		    struct rte_eth_rss_reta_entry64 *rc, uint16_t reta_size);
int ofld_rss_hash_update(struct rte_eth_dev *dev, struct rte_eth_rss_conf *rc);
int ofld_rss_hash_conf_get(struct rte_eth_dev *dev,
			   struct rte_eth_rss_conf *rc);

/* segments handed between queues (ofld_handoff.c) */
int ofld_handoff_make(struct pmd_internals *pi, uint16_t nb_queues);
void ofld_handoff_free(struct pmd_internals *pi);
int ofld_handoff_add(struct pmd_internals *pi, const struct ofld_tcp_open *o,
		     uint16_t lport, uint16_t q);
void ofld_handoff_del(struct pmd_internals *pi, const struct ofld_tcp_open *o,
		      uint16_t lport);
uint16_t ofld_handoff_steal(struct ofld_rxq *rxq, struct rte_mbuf **bufs,
			    uint16_t n);
void ofld_handoff_drain_ring(struct ofld_rxq *rxq);

/* A port with hand-off entries: what its queue's engine did not take. */
static inline bool
ofld_handoff_on(const struct pmd_internals *pi)
{
	return unlikely(pi->handoff != NULL) &&
		__atomic_load_n(&pi->handoff->count, __ATOMIC_RELAXED) != 0;
}

/* What other queues handed to this one, into its engine first. */
static inline void
ofld_handoff_drain(struct ofld_rxq *rxq)
{
	const struct ofld_handoff *ho = rxq->pi->handoff;

	if (unlikely(ho != NULL) && ho->ring[rxq->qid] != NULL &&
	    !rte_ring_empty(ho->ring[rxq->qid]))
		ofld_handoff_drain_ring(rxq);
}

/* placement of connections on queues (ofld_place.c) */
int ofld_place_open(struct pmd_internals *pi, uint16_t q,
		    struct ofld_tcp_open *o, bool *entry);
int ofld_place_state(struct pmd_internals *pi, uint16_t q,
		     const struct ofld_tcp_state *st, bool *entry);
void ofld_place_forget(struct pmd_internals *pi,
		       const struct ofld_tcp_state *st);

/* pair cable registry and data path (ofld_pair.c) */
int ofld_pair_attach(struct pmd_internals *pi, const char *name);
void ofld_pair_detach(struct pmd_internals *pi);
int ofld_pair_start(struct pmd_internals *pi);
void ofld_pair_stop(struct pmd_internals *pi);
bool ofld_pair_link_up(const struct pmd_internals *pi);
uint64_t ofld_pair_rx_missed(const struct ofld_rxq *rxq);
uint32_t ofld_pair_lro_max(const struct pmd_internals *pi);
uint32_t ofld_pair_reclaim_all(struct pmd_internals *pi, uint32_t max);
void ofld_pair_give_back(struct pmd_internals *pi, struct rte_mbuf **m,
			 uint16_t n);

/* Free what this end sent and the other end's engines are done with. */
static inline void
ofld_pair_reclaim(struct pmd_internals *pi)
{
	if (unlikely(!rte_ring_empty(pi->pair->done[pi->end])))
		ofld_pair_reclaim_all(pi, OFLD_RECLAIM_MAX);
}
uint16_t ofld_pair_rx_raw(struct ofld_rxq *rxq, struct rte_mbuf **bufs,
			  uint16_t n);
uint16_t ofld_pair_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n);
uint16_t ofld_pair_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n);

/* transmit for both cables, lower cable receive (ofld_tx.c) */
uint16_t ofld_lower_rx_raw(struct ofld_rxq *rxq, struct rte_mbuf **bufs,
			   uint16_t n);
uint16_t ofld_lower_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n);
void ofld_tcp_xmit_cb(void *arg, struct rte_mbuf **f, uint16_t n);
uint64_t ofld_tcp_room_cb(void *arg);

/* TCP send offload glue (ofld_tcp_pmd.c) */
int ofld_tcp_start(struct pmd_internals *pi);
void ofld_tcp_free_all(struct pmd_internals *pi);
void ofld_tcp_service_quiesce(struct pmd_internals *pi);
unsigned int ofld_tcp_xstats_count(const struct pmd_internals *pi);
unsigned int ofld_tcp_xstats_names(const struct pmd_internals *pi,
				   struct rte_eth_xstat_name *names);
unsigned int ofld_tcp_xstats_values(const struct pmd_internals *pi,
				    struct rte_eth_xstat *xs,
				    unsigned int first);
void ofld_tcp_xstats_reset(struct pmd_internals *pi);
/* telemetry reads engines from its own thread: not while they go away */
extern pthread_mutex_t ofld_tel_lock;
int ofld_tel_args(const char *params, unsigned long *v, int n);
struct pmd_internals *ofld_tel_port(unsigned long port);
/* neighbours (ofld_neigh_pmd.c) */
int ofld_neigh_setup(struct pmd_internals *pi);
void ofld_neigh_teardown(struct pmd_internals *pi);
void ofld_neigh_started(struct pmd_internals *pi);
void ofld_neigh_mac_changed(struct pmd_internals *pi);
uint16_t ofld_neigh_rx(struct ofld_rxq *rxq, struct rte_mbuf **bufs,
		       uint16_t n);
int ofld_neigh_resolve_cb(void *arg, bool ipv6, const uint8_t *ip,
			  bool start, struct rte_ether_addr *mac);
unsigned int ofld_neigh_xstats_count(const struct pmd_internals *pi);
unsigned int ofld_neigh_xstats_names(const struct pmd_internals *pi,
				     struct rte_eth_xstat_name *names);
unsigned int ofld_neigh_xstats_values(const struct pmd_internals *pi,
				      struct rte_eth_xstat *xs,
				      unsigned int first);
void ofld_neigh_xstats_reset(struct pmd_internals *pi);
/** Received frames: TCP segments of offloaded connections to the engine,
 * the rest stay in bufs; then the engine advances. */
static inline uint16_t ofld_rx_tcp(struct ofld_rxq *rxq, struct rte_mbuf **bufs,
				   uint16_t got);

/**
 * rx_burst of either cable: first what rte_pmd_ofld_poll() kept for the
 * application, then (unless a service runs the engine) the wire, through
 * the engine.
 */
static __rte_always_inline uint16_t
ofld_rx_common(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t n,
	       uint16_t (*raw)(struct ofld_rxq *, struct rte_mbuf **,
			       uint16_t))
{
	uint16_t k = 0, got;

	if (unlikely(rxq->stash != NULL && !rte_ring_empty(rxq->stash)))
		k = rte_ring_sc_dequeue_burst(rxq->stash, (void **)bufs, n,
					      NULL);
	if (rxq->pi->da.engine_service)
		return k;	/* the service receives from the wire */
	got = raw(rxq, bufs + k, n - k);
	if (rxq->pi->neigh != NULL)	/* the port has addresses (N1) */
		got = ofld_neigh_rx(rxq, bufs + k, got);
	return k + ofld_rx_tcp(rxq, bufs + k, got);
}

/*
 * The pair cable as a NIC pair with TSO and LRO: TSO bursts while the
 * receiving port has LRO, and neither a delay line nor faults act on
 * single frames (a paced link charges a burst as its segments). Followed
 * every poll, as the receiving port may stop and start again with other
 * offloads.
 */
static inline void
ofld_pair_tso_update(struct pmd_internals *pi, uint16_t q,
		struct ofld_tcp_engine *e)
{
	struct ofld_txq *etq = pi->tcp_txq[q];
	uint32_t lro = __atomic_load_n(&etq->steer->lro_max, __ATOMIC_RELAXED);
	uint32_t tso = 0;

	if (lro > OFLD_LRO_HDRS_MAX && !pi->fault_cfg.enabled &&
	    pi->da.delay_us == 0)
		tso = lro - OFLD_LRO_HDRS_MAX;
	if (likely(tso == etq->tso_max))
		return;
	etq->tso_max = tso;
	etq->pair_tso |= tso != 0;
	ofld_tcp_set_tso_max(e, tso);
}

static inline uint16_t
ofld_rx_tcp(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t got)
{
	if (rxq->tcp == NULL)
		return got;
	ofld_handoff_drain(rxq);
	if (ofld_tcp_idle(rxq->tcp))
		return got != 0 && ofld_handoff_on(rxq->pi) ?
			ofld_handoff_steal(rxq, bufs, got) : got;
	if (rxq->pi->cable == OFLD_CABLE_PAIR)
		ofld_pair_reclaim(rxq->pi);
	if (got != 0)
		got = ofld_tcp_input(rxq->tcp, bufs, got, bufs);
	if (got != 0 && ofld_handoff_on(rxq->pi))
		got = ofld_handoff_steal(rxq, bufs, got);
	if (rxq->pi->cable == OFLD_CABLE_PAIR)
		ofld_pair_tso_update(rxq->pi, rxq->qid, rxq->tcp);
	ofld_tcp_poll(rxq->tcp);
	return got;
}
uint16_t ofld_lower_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n);
uint16_t ofld_tx_prepare(void *q, struct rte_mbuf **pkts, uint16_t n);
void ofld_txq_flush(struct ofld_txq *txq);

/** A torn-free copy of the active GSO record (lock-free reader, G4). */
static inline void
ofld_gso_active_read(struct pmd_internals *pi, struct ofld_gso_caps *c)
{
	uint32_t sn;

	do {
		sn = rte_seqlock_read_begin(&pi->gso_lock);
		*c = pi->gso_active;
	} while (rte_seqlock_read_retry(&pi->gso_lock, sn));
}

/*
 * One turn of a control-path wait for another thread (a service lcore
 * finishing an iteration or serving a call): spin briefly, then give the
 * core away, since that thread may be preempted on this very core (the
 * service lcore of a port can float, and two suites share two cores).
 */
static inline void
ofld_wait_turn(unsigned int *turns)
{
	if (++*turns < 1024)
		rte_pause();
	else
		sched_yield();
}

#endif /* OFLD_PRIVATE_H */
