/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_NEIGH_H
#define OFLD_NEIGH_H

/**
 * @file
 * The NIC's neighbour table (rule N1): a port's IPv4 and IPv6 addresses,
 * the answers to ARP requests (RFC 826) and IPv6 neighbour solicitations
 * (RFC 4861) for them, and the resolution of next hops (the peer when it is
 * on-link by prefix, else the gateway) with retries and ageing:
 *
 *   INCOMPLETE --reply--> REACHABLE --reachable_ms--> STALE --gc_ms--> gone
 *       |  a solicitation every retrans_ms, `probes` of them
 *       +--> FAILED --gc_ms--> gone (a new connect asks afresh)
 *
 * No ethdev dependency: frames come in as mbufs and go out through the
 * caller's xmit (struct ofld_neigh_io), so that every thread sends on its
 * own queue.
 *
 * Threads: every function may be called from any thread at once (the
 * receive paths of several queues, engines on several lcores, telemetry).
 * Readers never lock (a sequence counter); writers take a try-lock and
 * never wait: an update that finds the table busy is skipped and counted
 * (`busy`), and is repaired by the next frame or retry. Nothing here
 * allocates from the heap after ofld_neigh_create() (replies and
 * solicitations come from the caller's mempool).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ofld_neigh;

/** Defaults: as Linux (base_reachable_time, retrans_time, mcast_solicit,
 * gc_stale_time).
 */
#define OFLD_NEIGH_REACHABLE_MS	30000
#define OFLD_NEIGH_RETRANS_MS	1000
#define OFLD_NEIGH_PROBES	3
#define OFLD_NEIGH_GC_MS	60000
#define OFLD_NEIGH_MAX_ENTRIES	256

/** A port's addresses and the table's times. Addresses are bytes in
 * network order; a prefix length of 0 with *_set false: none.
 */
struct ofld_neigh_conf {
	struct rte_ether_addr mac;	/**< the port's */
	bool ip4_set, gw4_set;
	uint8_t ip4[4], gw4[4];
	uint8_t ip4_prefix;		/**< 1..32 */
	bool ip6_set, gw6_set;
	uint8_t ip6[16], gw6[16];
	uint8_t ip6_prefix;		/**< 1..128 */
	uint32_t max_entries;	/**< 0: OFLD_NEIGH_MAX_ENTRIES */
	uint32_t reachable_ms;	/**< confirmed entries age to STALE; 0: default */
	uint32_t retrans_ms;	/**< between solicitations; 0: default */
	uint32_t gc_ms;		/**< STALE/FAILED entries removed; 0: default */
	uint8_t probes;		/**< solicitations before FAILED; 0: default */
	/** Clock in microseconds; NULL: the TSC (tests give their own). */
	uint64_t (*clock_us)(void *arg);
	void *clock_arg;
	int socket;
};

/** How a caller's thread sends (its own transmit queue). */
struct ofld_neigh_io {
	struct rte_mempool *mp;		/**< replies are made from it */
	/** Takes ownership of all n frames. */
	void (*xmit)(void *arg, struct rte_mbuf **frames, uint16_t n);
	void *xmit_arg;
};

/** Counters (W3); each is updated atomically, read at any time. */
struct ofld_neigh_stats {
	uint64_t arp_answered;	/**< ARP requests for our address answered */
	uint64_t ns_answered;	/**< neighbour solicitations answered */
	uint64_t arp_learned;	/**< ARP replies / requests learned from */
	uint64_t nd_learned;	/**< NA / NS learned from */
	uint64_t arp_sent;	/**< ARP requests we sent (resolution) */
	uint64_t ns_sent;	/**< neighbour solicitations we sent */
	uint64_t announced;	/**< gratuitous ARPs / unsolicited NAs */
	uint64_t resolved;	/**< entries that became reachable */
	uint64_t failed;	/**< resolutions failed (all probes unanswered) */
	uint64_t unreachable;	/**< next hop: no address, no route */
	uint64_t arp_bad;	/**< malformed / hostile ARP, passed on */
	uint64_t nd_bad;	/**< malformed / hostile ND, passed on */
	uint64_t passed;	/**< ARP/ND frames not ours, passed on */
	uint64_t busy;		/**< updates skipped: table being written */
	uint64_t full;		/**< no free entry for a new neighbour */
	uint64_t nomem;		/**< no mbuf for a reply or solicitation */
	uint64_t aged;		/**< entries removed by ageing */
};

enum ofld_neigh_state {
	OFLD_NEIGH_FREE = 0,
	OFLD_NEIGH_INCOMPLETE,
	OFLD_NEIGH_REACHABLE,
	OFLD_NEIGH_STALE,
	OFLD_NEIGH_FAILED,
};

/** One entry as telemetry shows it. */
struct ofld_neigh_entry_info {
	bool ipv6;
	uint8_t ip[16];
	struct rte_ether_addr mac;
	enum ofld_neigh_state state;
	uint8_t probes;			/**< solicitations sent */
	uint64_t age_ms;		/**< since the last change */
};

/** Create a table; NULL with rte_errno (EINVAL, ENOMEM). */
struct ofld_neigh *ofld_neigh_create(const char *name,
				     const struct ofld_neigh_conf *conf);
void ofld_neigh_free(struct ofld_neigh *t);
const struct ofld_neigh_conf *ofld_neigh_conf_get(const struct ofld_neigh *t);

/**
 * Received frames: ARP requests and neighbour solicitations for our
 * addresses are answered through @p io and freed; ARP replies and
 * advertisements for entries being resolved (or known) are learned and
 * freed. Everything else (other traffic, ARP/ND not ours, replies nobody
 * asked for, malformed frames: counted) is written to rest[] in order.
 * @return how many went to rest[] (rest may be frames).
 */
uint16_t ofld_neigh_input(struct ofld_neigh *t, struct rte_mbuf **frames,
			  uint16_t n, struct rte_mbuf **rest,
			  const struct ofld_neigh_io *io);

/** True when @p m is ARP or ICMPv6 ND (a cheap look at its headers). */
bool ofld_neigh_is_nd(const struct rte_mbuf *m);

/**
 * The MAC of the next hop towards @p dst (ipv6: 16 bytes, else the first
 * 4): the peer when it is within our prefix, else the gateway.
 * @p start: a new use (a connect): a FAILED entry is asked afresh, a
 * STALE one is used and probed again.
 * @return 0 (*mac filled), -EAGAIN (being resolved: ask again later),
 *   -EHOSTUNREACH (all probes unanswered), -ENETUNREACH (no address of
 *   that family, or off-link without a gateway).
 */
int ofld_neigh_resolve(struct ofld_neigh *t, bool ipv6, const uint8_t *dst,
		       bool start, struct rte_ether_addr *mac,
		       const struct ofld_neigh_io *io);

/**
 * Timers: retransmit solicitations, fail entries whose probes went
 * unanswered, age REACHABLE to STALE and remove old ones, send the
 * announcement ofld_neigh_announce() asked for. Cheap when nothing is due;
 * call it from every queue's poll.
 */
void ofld_neigh_poll(struct ofld_neigh *t, const struct ofld_neigh_io *io);

/** The port's MAC changed (control path; may wait for a writer). */
void ofld_neigh_set_mac(struct ofld_neigh *t, const struct rte_ether_addr *mac);

/** A gratuitous ARP and an unsolicited NA go at the next poll. */
void ofld_neigh_announce(struct ofld_neigh *t);

void ofld_neigh_stats_get(const struct ofld_neigh *t,
			  struct ofld_neigh_stats *s);
/** Entries in use. */
uint32_t ofld_neigh_count(const struct ofld_neigh *t);
/** A torn-free copy of up to @p max entries in use. @return how many. */
uint32_t ofld_neigh_dump(const struct ofld_neigh *t,
			 struct ofld_neigh_entry_info *out, uint32_t max);
/** "incomplete", "reachable", "stale", "failed", "free". */
const char *ofld_neigh_state_name(enum ofld_neigh_state s);

#ifdef __cplusplus
}
#endif

#endif /* OFLD_NEIGH_H */
