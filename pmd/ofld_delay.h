/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_DELAY_H
#define OFLD_DELAY_H

/*
 * The pair cable's delay line (`delay=` microseconds, one way), after the
 * pacer: a frame whose wire slot starts at t arrives no earlier than
 * t + its serialisation time + delay.
 *
 * The lane (an rte_ring) is the delay line. The transmit side stamps each
 * frame with its due time (TSC) in an mbuf dynamic field just before it
 * enters the lane; the receive side peeks at the head of the lane (the
 * ring's peek API: single consumer) and takes only the frames whose due
 * time has passed, so rx_burst never waits. A producer's frames are paced
 * in order and share one delay, so their due times rise along the lane; a
 * frame stuck behind a later-due one (two producers on one lane: the
 * application's transmit queue and its TCP engine) waits for it, as
 * behind it on a wire. No lock, no allocation, no division on the fast
 * path.
 */

#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_ring.h>
#include <rte_ring_elem.h>

#include "ofld_pace.h"

/** Name of the mbuf dynamic field that holds a frame's due time (TSC). */
#define OFLD_DELAY_DYNFIELD	"ofld_dynfield_pair_due_tsc"
/** One-way delay, microseconds, at most (1 s). */
#define OFLD_DELAY_MAX_US	1000000u
/** Lanes are sized in frames of a 1500-byte MTU: 1514 + 24 wire bytes. */
#define OFLD_DELAY_REF_FRAME_BITS	((1514u + 24u) * 8u)

/** One transmitting port's side of the delay line (set at start). */
struct ofld_delay {
	uint64_t delay_tsc;	/**< the one-way delay in TSC cycles */
	int due_off;		/**< the due-time field; -1: not set up */
};

static inline uint64_t *
ofld_delay_due(struct rte_mbuf *m, int off)
{
	return RTE_MBUF_DYNFIELD(m, off, uint64_t *);
}

/**
 * Frames per lane for a port that sends at @p speed_mbps (0: unpaced,
 * sized as for @p unpaced_mbps) with a one-way delay of @p delay_us: the
 * bandwidth-delay product in full 1500-MTU frames plus @p base frames of
 * receiver backlog, rounded up to a power of two. @return the size, or 0
 * when it would exceed @p max.
 */
static inline uint32_t
ofld_delay_lane_size(uint32_t speed_mbps, uint32_t unpaced_mbps,
		     uint32_t delay_us, uint32_t base, uint32_t max)
{
	uint64_t bits, frames;

	if (delay_us == 0)
		return base;
	if (speed_mbps == 0)
		speed_mbps = unpaced_mbps;
	bits = (uint64_t)speed_mbps * delay_us;	/* Mbit/s x us = bits */
	frames = (bits + OFLD_DELAY_REF_FRAME_BITS - 1) /
		OFLD_DELAY_REF_FRAME_BITS + base;
	if (frames > max)
		return 0;
	return rte_align32pow2((uint32_t)frames);
}

/**
 * Stamp n frames about to enter a lane with their due times. @p slot is
 * where they start on the port's wire clock (bits, from the pacer's
 * reservation; a slot in the past counts from now). Unpaced, every frame
 * is due now + delay. @return the slot after the last frame.
 */
static __rte_always_inline uint64_t
ofld_delay_stamp(const struct ofld_delay *d, const struct ofld_pacer *p,
		 struct rte_mbuf **f, uint16_t n, uint64_t slot)
{
	const uint64_t now = rte_get_tsc_cycles();
	uint64_t due, now_bits;
	uint16_t i;

	if (!p->enabled) {
		due = now + d->delay_tsc;
		for (i = 0; i < n; i++)
			*ofld_delay_due(f[i], d->due_off) = due;
		return slot;
	}
	now_bits = ofld_pacer_bits_at(p, now);
	if (slot < now_bits)
		slot = now_bits;
	for (i = 0; i < n; i++) {
		slot += ofld_frame_bits(f[i]);	/* its last bit is on the wire */
		due = ofld_pacer_tsc_at(p, slot);
		*ofld_delay_due(f[i], d->due_off) = RTE_MAX(due, now) +
			d->delay_tsc;
	}
	return slot;
}

/**
 * Take from the head of a delaying lane (single consumer) at most n
 * frames whose due time has passed; the rest stay in the lane.
 * @p due_off is the lane's due-time field (valid once it has frames).
 */
static __rte_always_inline uint16_t
ofld_delay_take(struct rte_ring *r, const int *due_off,
		struct rte_mbuf **bufs, uint16_t n)
{
	unsigned int got, k;
	uint64_t now;
	int off;

	/* The peek's acquire of the producer's tail makes the stamps and the
	 * field's offset, written before the enqueue, visible here.
	 */
	got = rte_ring_dequeue_burst_start(r, (void **)bufs, n, NULL);
	if (got == 0) {
		rte_ring_dequeue_finish(r, 0);
		return 0;
	}
	off = __atomic_load_n(due_off, __ATOMIC_RELAXED);
	now = rte_get_tsc_cycles();
	for (k = 0; k < got; k++)
		if (*ofld_delay_due(bufs[k], off) > now)
			break;	/* not yet: it and those behind it stay */
	rte_ring_dequeue_finish(r, k);
	return (uint16_t)k;
}

#endif /* OFLD_DELAY_H */
