/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_FAULT_H
#define OFLD_FAULT_H

/*
 * Fault injection on the transmit side of a cable: loss, duplication and
 * reordering, each with a probability, from a per-queue pseudo-random
 * generator seeded by the `seed` device argument, the port and the queue
 * (so a run is repeatable).
 */

#include <stdint.h>

#include <rte_mbuf.h>

/** Probabilities as thresholds on a 32-bit draw: p * 2^32. */
struct ofld_fault_cfg {
	uint64_t loss;
	uint64_t dup;
	uint64_t reorder;
	uint64_t seed;
	uint32_t enabled;
};

struct ofld_fault {
	uint64_t rng;
	/** Frame held back by reordering; goes out after the next one. */
	struct rte_mbuf *held;
};

static inline uint64_t
ofld_fault_threshold(double p)
{
	return (uint64_t)(p * 4294967296.0);
}

/** splitmix64: turns a seed into a well-mixed state. */
static inline uint64_t
ofld_splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static inline void
ofld_fault_init(struct ofld_fault *f, uint64_t seed, uint16_t port,
		uint16_t queue)
{
	f->rng = ofld_splitmix64(seed ^ ((uint64_t)port << 32) ^
				 ((uint64_t)queue << 48));
	if (f->rng == 0)
		f->rng = 1;
	f->held = NULL;
}

/** xorshift64*: 32 good bits per draw. */
static inline uint32_t
ofld_fault_draw(struct ofld_fault *f)
{
	uint64_t x = f->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	f->rng = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dULL) >> 32);
}

#endif /* OFLD_FAULT_H */
