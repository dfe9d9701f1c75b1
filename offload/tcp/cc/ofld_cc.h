/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_CC_H
#define OFLD_CC_H

/*
 * Congestion control behind an ops table (T8; R5 and R11 are the
 * engine's). An algorithm moves cwnd and ssthresh and its own private
 * state, reads what it likes of the connection, and never sends: loss
 * detection and recovery (ofld_tcp_loss.c) call it and then decide what
 * to send. One file per algorithm (newreno.c, cubic.c); adding one is a
 * new file, an OFLD_TCP_CC_* id and a line in ofld_cc.c's table.
 */

#include <assert.h>
#include <stdint.h>

struct ofld_tcp_conn;

/* Bytes of per-connection state an algorithm may keep (conn->cc_priv). */
#define OTCP_CC_PRIV_U64	8

struct otcp_cc_ops {
	const char *name;
	/** A connection starts using the algorithm (cc_priv is zero). */
	void (*init)(struct ofld_tcp_conn *c);
	/**
	 * A congestion event (fast retransmit or timeout) with @p flight
	 * bytes outstanding: the new ssthresh; the algorithm may remember
	 * what it needs (CUBIC's W_max). cwnd is set by the caller.
	 */
	uint32_t (*ssthresh)(struct ofld_tcp_conn *c, uint32_t flight);
	/**
	 * An ACK of @p acked new bytes outside recovery: grow cwnd (slow
	 * start below ssthresh, see otcp_cc_slow_start(), congestion
	 * avoidance above).
	 */
	void (*cong_avoid)(struct ofld_tcp_conn *c, uint32_t acked);
	/**
	 * Optional: @p acked bytes newly acked, with the RTT of the newest
	 * of them (RACK's, microseconds; 0: none), on every such ACK (as
	 * Linux's pkts_acked): delay-based signals such as HyStart++.
	 */
	void (*pkts_acked)(struct ofld_tcp_conn *c, uint32_t acked,
			   uint32_t rtt_us);
};

/* The algorithm of an OFLD_TCP_CC_* id (NewReno for unknown ids). */
const struct otcp_cc_ops *otcp_cc_find(uint8_t id);

/* Slow start (RFC 5681 3.1) with appropriate byte counting (RFC 3465,
 * L = 2): cwnd grows by the bytes acked, at most two MSS per ACK.
 */
void otcp_cc_slow_start(struct ofld_tcp_conn *c, uint32_t acked);

/* An algorithm's private state in the connection; each algorithm checks
 * at build time that its type fits (OTCP_CC_PRIV_FITS).
 */
#define OTCP_CC_PRIV(c, type)	((type *)(void *)(c)->cc_priv)
#define OTCP_CC_PRIV_FITS(type) \
	static_assert(sizeof(type) <= OTCP_CC_PRIV_U64 * 8, \
		      #type " does not fit the connection's cc_priv")

extern const struct otcp_cc_ops otcp_cc_newreno;
extern const struct otcp_cc_ops otcp_cc_cubic;

#endif /* OFLD_CC_H */
