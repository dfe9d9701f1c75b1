/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Placement of connections on queues (rule N2). A connection lives in the
 * engine of the queue it was opened on; on a port with several receive
 * queues the peer's segments must reach that queue:
 * - an active open that leaves its local port 0 gets an ephemeral port
 *   (32768-60999, as Linux) for which the port's receive hash (ofld_rss.c)
 *   sends the peer's segments to the opening queue;
 * - every active open and offloaded connection gets a hand-off entry
 *   (ofld_handoff.c) before its first segment goes out: its segments
 *   may arrive on another queue (a local port given that hashes
 *   elsewhere, a pair port without RSS, a lower port that hashes
 *   otherwise than it says), and a 4-tuple is open once per port
 *   (another open of it, on any queue, is refused with EEXIST);
 * - a passive open lives where its SYN arrived, which is where the rest
 *   of its segments arrive too.
 */

#include <string.h>

#include <rte_random.h>

#include "ofld_private.h"

#define EPH_FIRST	32768
#define EPH_COUNT	(61000 - EPH_FIRST)

/* The hash tells which local ports suit a queue: exactly on the pair
 * cable (it hashes with our own set-up), as it says on a lower port.
 */
static bool
place_predicts(const struct pmd_internals *pi)
{
	return pi->rss_known && pi->rss.hf != 0;
}

/* The next ephemeral port to try (ports spread from a random start). */
static uint16_t
eph_next(struct pmd_internals *pi)
{
	uint32_t v = __atomic_fetch_add(&pi->eph_next, 1, __ATOMIC_RELAXED);

	if (v == 0) {	/* first use */
		v = (uint32_t)rte_rand_max(EPH_COUNT) + 1;
		__atomic_store_n(&pi->eph_next, v + 1, __ATOMIC_RELAXED);
	}
	return (uint16_t)(EPH_FIRST + v % EPH_COUNT);
}

/**
 * Before connection o goes out on queue q: its local port when it has
 * none (skip: ports tried already and refused by the engine, as an
 * offset), and whether it needs a hand-off entry (*entry, added here).
 * @return 0, -EADDRNOTAVAIL (no port of the range hashes to q), -EEXIST
 *   (the 4-tuple has an entry: open already), -ENOSPC (table full).
 */
int
ofld_place_open(struct pmd_internals *pi, uint16_t q, struct ofld_tcp_open *o,
		bool *entry)
{
	const bool multi = pi->handoff != NULL;
	uint32_t i;
	uint16_t p;
	int ret;

	*entry = false;
	if (o->local_port == 0) {
		for (i = 0; i < EPH_COUNT; i++) {
			p = eph_next(pi);
			if (!multi || !place_predicts(pi) ||
			    ofld_rss_conn_queue(&pi->rss, o, p) == q)
				break;
		}
		if (i == EPH_COUNT)
			return -EADDRNOTAVAIL;
		o->local_port = p;
	}
	if (!multi)
		return 0;
	ret = ofld_handoff_add(pi, o, o->local_port, q);
	if (ret == 0)
		*entry = true;
	return ret;
}

/* The 4-tuple of a connection's state, as an open names it. */
static void
open_of_state(struct ofld_tcp_open *o, const struct ofld_tcp_state *st)
{
	memset(o, 0, sizeof(*o));
	o->ipv6 = st->ipv6;
	memcpy(o->local_ip, st->local_ip, sizeof(o->local_ip));
	memcpy(o->remote_ip, st->remote_ip, sizeof(o->remote_ip));
	o->local_port = st->local_port;
	o->remote_port = st->remote_port;
}

/** An offloaded (handed over) connection: placed like an open whose
 * local port is given. @return as ofld_place_open().
 */
int
ofld_place_state(struct pmd_internals *pi, uint16_t q,
		 const struct ofld_tcp_state *st, bool *entry)
{
	struct ofld_tcp_open o;

	open_of_state(&o, st);
	if (o.local_port == 0) {
		*entry = false;
		return 0;	/* the engine refuses it */
	}
	return ofld_place_open(pi, q, &o, entry);
}

/** A connection that is gone (released, terminated): its entry too. */
void
ofld_place_forget(struct pmd_internals *pi, const struct ofld_tcp_state *st)
{
	struct ofld_tcp_open o;

	if (pi->handoff == NULL)
		return;
	open_of_state(&o, st);
	ofld_handoff_del(pi, &o, o.local_port);
}
