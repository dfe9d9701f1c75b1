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
 * Burst allowance (the horizon): what a NIC's transmit ring lets a driver
 * queue ahead of the wire. One millisecond of the link, as Linux's TCP
 * small queues let a flow keep about 1 ms of its rate below the stack
 * (sk_pacing_shift 10), within 128 and 1024 frames of the port's largest
 * size (MTU + L2 overhead; 1024: the transmit ring net_ofld suggests,
 * default_txportconf). It absorbs the sending lcore's absences: kernel
 * threads take its CPU for 0.1-1 ms at a time on this kind of VM, and
 * every microsecond of one beyond the horizon is idle wire.
 * ofld-perf --conns 4, 3 runs each, alternating, 128 frames -> 1024:
 * TSO/LRO MTU 1500 40G 95.8/97.9/96.7 -> 98.2/98.4/97.5% of the ceiling,
 * TSO/LRO MTU 9000 100G 94.4/96.9/96.7 -> 94.3/98.2/97.0, MSS MTU 1500
 * 25G 92.5/97.1/97.0 -> 95.3/96.7/97.9, MSS MTU 9000 40G 92.9/98.0/98.0
 * -> 97.9/98.5/99.2 (an earlier step, 32 -> 128 frames: MTU 1500 40G
 * 36.3-36.9 -> 37.0-37.1 Gbit/s).
 */
#define OFLD_PACE_HORIZON_MIN_FRAMES	128u
#define OFLD_PACE_HORIZON_MAX_FRAMES	1024u
#define OFLD_PACE_HORIZON_US		1000u

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

/** The horizon of a link of @p speed_mbps whose largest frame is
 * @p max_frame bytes, in bits (see OFLD_PACE_HORIZON_US).
 */
static inline uint64_t
ofld_pacer_horizon(uint32_t speed_mbps, uint32_t max_frame)
{
	uint64_t frame = ((uint64_t)max_frame + 24) * 8;
	uint64_t h = (uint64_t)speed_mbps * OFLD_PACE_HORIZON_US;

	if (h < OFLD_PACE_HORIZON_MIN_FRAMES * frame)
		return OFLD_PACE_HORIZON_MIN_FRAMES * frame;
	if (h > OFLD_PACE_HORIZON_MAX_FRAMES * frame)
		return OFLD_PACE_HORIZON_MAX_FRAMES * frame;
	return h;
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
	p->horizon = ofld_pacer_horizon(speed_mbps, max_frame);
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
