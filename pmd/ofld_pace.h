/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_PACE_H
#define OFLD_PACE_H

/*
 * Link-speed pacing of one port's transmit side.
 *
 * The wire is a clock counting bits: every frame advances it by its wire
 * bits ((len + 24) * 8). A frame may start when the wire clock is at most
 * `horizon` bits ahead of real time (converted to bits at the link speed),
 * which lets a burst go in one call while the long-run rate is exactly the
 * link speed. All transmit queues of the port share the clock: a lock-free
 * fetch-add reserves wire time, so queues together never exceed the link.
 */

#include <stdint.h>

#include <rte_atomic.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_mbuf.h>

/**
 * Burst allowance, in frames of the port's largest size (MTU + L2
 * overhead): what a NIC's transmit ring lets a driver queue ahead of the
 * wire, counted in descriptors, so it scales with the MTU. 128 frames
 * absorb the sending lcore's short absences (kernel threads taking its
 * CPU for 100 us or more on this VM) that a 32-frame horizon turned into
 * idle wire: ofld-perf --conns 4, 3 alternating runs each, 32 -> 128
 * frames: MTU 1500 40G 36.3-36.9 -> 37.0-37.1 Gbit/s, 25G 23.16-23.20 ->
 * 23.20-23.37; MTU 9000 100G 76.1-77.6 -> 79.4-83.7 (and a 1500-byte
 * horizon at MTU 9000, 5 frames, gave 76.7-79.2).
 */
#define OFLD_PACE_HORIZON_FRAMES	128u

struct ofld_pacer {
	/** Wire clock in bits since `tsc_base`; advanced by every queue. */
	uint64_t clock __rte_cache_aligned;
	/* Read-only after configuration. */
	uint64_t tsc_base __rte_cache_aligned;
	uint64_t bits_per_tsc_q32;	/**< link bits per TSC cycle, 32.32 */
	uint64_t tsc_per_bit_q32;	/**< TSC cycles per bit, 32.32, rounded up */
	uint64_t horizon;
	uint32_t enabled;
};

/** Wire bits of a frame: payload, preamble + SFD, gap and FCS. */
static inline uint64_t
ofld_frame_bits(const struct rte_mbuf *m)
{
	return ((uint64_t)m->pkt_len + 24) * 8;
}

/** Wire bits of a TCP engine's frame, a TSO burst as the segments it is
 * cut into (headers l2_len + l3_len + l4_len each, tso_segsz of payload).
 */
static inline uint64_t
ofld_engine_frame_bits(const struct rte_mbuf *m)
{
	uint32_t hdr, segs;

	if (likely(!(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG)) ||
	    m->tso_segsz == 0)
		return ofld_frame_bits(m);
	hdr = m->l2_len + m->l3_len + m->l4_len;
	if (m->pkt_len <= hdr)
		return ofld_frame_bits(m);
	segs = (m->pkt_len - hdr + m->tso_segsz - 1) / m->tso_segsz;
	return ((uint64_t)m->pkt_len + (uint64_t)(segs - 1) * hdr +
		24ull * segs) * 8;
}

static inline void
ofld_pacer_init(struct ofld_pacer *p, uint32_t speed_mbps,
		uint32_t max_frame)
{
	unsigned __int128 bps = (unsigned __int128)speed_mbps * 1000000u;
	unsigned __int128 hz = rte_get_tsc_hz();

	p->tsc_base = rte_get_tsc_cycles();
	p->bits_per_tsc_q32 = (uint64_t)((bps << 32) / hz);
	p->tsc_per_bit_q32 = speed_mbps == 0 ? 0 :
		(uint64_t)(((hz << 32) + bps - 1) / bps);
	p->horizon = (uint64_t)OFLD_PACE_HORIZON_FRAMES * (max_frame + 24) *
		8;
	p->enabled = speed_mbps != 0;
	__atomic_store_n(&p->clock, 0, __ATOMIC_RELAXED);
}

/** TSC time @p tsc on the wire clock: bits at the link speed since the
 * pacer was set up.
 */
static inline uint64_t
ofld_pacer_bits_at(const struct ofld_pacer *p, uint64_t tsc)
{
	unsigned __int128 t = tsc - p->tsc_base;

	return (uint64_t)((t * p->bits_per_tsc_q32) >> 32);
}

/** Wire clock @p bits as TSC time (rounded up; pacing on). */
static inline uint64_t
ofld_pacer_tsc_at(const struct ofld_pacer *p, uint64_t bits)
{
	unsigned __int128 b = bits;

	return p->tsc_base + (uint64_t)((b * p->tsc_per_bit_q32 + UINT32_MAX)
					>> 32);
}

/** Real time, in bits at the link speed, since the pacer was set up. */
static inline uint64_t
ofld_pacer_now(const struct ofld_pacer *p)
{
	return ofld_pacer_bits_at(p, rte_get_tsc_cycles());
}

/**
 * How many wire bits may start now. Also pulls an idle wire clock up to
 * real time, so an idle link does not bank credit.
 */
static inline uint64_t
ofld_pacer_budget(struct ofld_pacer *p)
{
	uint64_t now = ofld_pacer_now(p);
	uint64_t clock = __atomic_load_n(&p->clock, __ATOMIC_RELAXED);

	while (clock < now) {
		/* Relaxed is enough: the clock orders nothing but itself. */
		if (__atomic_compare_exchange_n(&p->clock, &clock, now, false,
				__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			clock = now;
			break;
		}
	}
	if (clock - now >= p->horizon)
		return 0;
	return now + p->horizon - clock;
}

/**
 * Reserve wire time for frames about to be sent (or give it back).
 * @return the wire clock where they start (their slot), in bits.
 */
static inline uint64_t
ofld_pacer_charge(struct ofld_pacer *p, uint64_t bits)
{
	return __atomic_fetch_add(&p->clock, bits, __ATOMIC_RELAXED);
}

static inline void
ofld_pacer_refund(struct ofld_pacer *p, uint64_t bits)
{
	__atomic_fetch_sub(&p->clock, bits, __ATOMIC_RELAXED);
}

#endif /* OFLD_PACE_H */
