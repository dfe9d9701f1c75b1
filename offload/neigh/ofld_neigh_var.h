/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_NEIGH_VAR_H
#define OFLD_NEIGH_VAR_H

/*
 * Internals of the neighbour table, shared by its two files: the table
 * and its timers (ofld_neigh.c), the ARP/ND frames in and out
 * (ofld_neigh_wire.c). Not installed.
 *
 * Concurrency: entries change only between rte_seqcount_write_begin() and
 * _end() with `wlock` held (taken by rte_spinlock_trylock(), never waited
 * for); readers copy under rte_seqcount_read_begin()/_retry().
 */

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_seqcount.h>
#include <rte_spinlock.h>

#include "ofld_neigh.h"

/* ICMPv6 neighbour discovery (RFC 4861 4.3, 4.4, 4.6.1). */
#define ND_NS		135
#define ND_NA		136
#define ND_OPT_SLLA	1
#define ND_OPT_TLLA	2
#define ND_NA_F_ROUTER	0x80000000u
#define ND_NA_F_SOLICIT	0x40000000u
#define ND_NA_F_OVERRIDE 0x20000000u
#define ND_HOP_LIMIT	255

/* Wire formats, packed (2-byte aligned: they follow a 14-byte Ethernet
 * header). The attribute itself, not DPDK's __rte_packed, whose use
 * changed in 25.11 (__rte_packed_begin / _end).
 */
#define NEIGH_WIRE	__attribute__((__packed__, __aligned__(2)))

/** NS and NA: type, code, checksum, flags (NA) or reserved, target. */
struct nd_msg {
	uint8_t type;
	uint8_t code;
	rte_be16_t cksum;
	rte_be32_t flags;
	uint8_t target[16];
} NEIGH_WIRE;

/** The source / target link-layer address option, Ethernet. */
struct nd_opt_lla {
	uint8_t type;
	uint8_t len;		/* in 8-byte units: 1 */
	struct rte_ether_addr mac;
} NEIGH_WIRE;

/** The shortest Ethernet frame without FCS: ARP frames are padded to it. */
#define NEIGH_MIN_FRAME	60
#define NEIGH_ARP_LEN	(RTE_ETHER_HDR_LEN + 28)
/** NS / NA with one link-layer option. */
#define NEIGH_ND_LEN	(RTE_ETHER_HDR_LEN + 40 + 24 + 8)

struct neigh_entry {
	uint8_t ip[16];
	uint8_t ipv6;
	uint8_t state;		/* enum ofld_neigh_state */
	uint8_t probes;		/* solicitations sent */
	struct rte_ether_addr mac;
	uint64_t changed;	/* last change of state or confirmation */
	uint64_t probe_at;	/* INCOMPLETE: next solicitation due */
};

struct ofld_neigh {
	struct ofld_neigh_conf conf;
	/* times in ticks: TSC cycles, or the test clock's microseconds */
	uint64_t tick_hz;
	uint64_t reachable_t, retrans_t, gc_t, sweep_t;
	/* ff02::1:ffXX:XXXX of our address and its MAC (RFC 4291 2.7.1) */
	uint8_t snm6[16];
	struct rte_ether_addr snm6_mac;

	rte_spinlock_t wlock;	/* writers: try-lock only */
	rte_seqcount_t sc;	/* readers: copy and retry */
	uint32_t announce;	/* an announcement is due */
	uint64_t next_sweep;	/* ticks */
	struct ofld_neigh_stats st;
	uint32_t nb;		/* entries */
	struct neigh_entry e[];
};

#define NSTAT_INC(t, f) __atomic_fetch_add(&(t)->st.f, 1, __ATOMIC_RELAXED)

/* How a frame teaches us a neighbour (ofld_neigh.c: neigh_learn()). */
enum neigh_learn_how {
	/* a reply (ARP reply, NA with S): known entries become REACHABLE */
	NEIGH_LEARN_REPLY,
	/* the sender of a request for our address: created or updated,
	 * STALE (as Linux's neigh_event_ns)
	 */
	NEIGH_LEARN_REQUEST,
	/* an unsolicited NA (S clear): known entries updated, STALE */
	NEIGH_LEARN_UNSOLICITED,
};

/* now, in ticks */
uint64_t neigh_now(const struct ofld_neigh *t);
/* 1: learned; 0: no entry (not asked); -EBUSY: the table was busy */
int neigh_learn(struct ofld_neigh *t, bool ipv6, const uint8_t *ip,
		const struct rte_ether_addr *mac, enum neigh_learn_how how);

/* Frames we make (ofld_neigh_wire.c); each sends one frame via io. */
void neigh_send_solicit(struct ofld_neigh *t, const struct ofld_neigh_io *io,
			bool ipv6, const uint8_t *ip);
void neigh_send_announce(struct ofld_neigh *t,
			 const struct ofld_neigh_io *io);

static inline bool
neigh_ip_eq(const uint8_t *a, const uint8_t *b, bool ipv6)
{
	return memcmp(a, b, ipv6 ? 16 : 4) == 0;
}

#endif /* OFLD_NEIGH_VAR_H */
