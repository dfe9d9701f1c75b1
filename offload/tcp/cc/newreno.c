/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * NewReno's congestion control (RFC 5681; recovery, RFC 6582, is the
 * engine's, in ofld_tcp_loss.c): ssthresh half the flight on a congestion
 * event, one MSS per window of ACKed bytes in congestion avoidance.
 */

#include <rte_common.h>

#include "ofld_tcp_var.h"

static uint32_t
newreno_ssthresh(struct ofld_tcp_conn *c, uint32_t flight)
{
	return RTE_MAX(flight / 2, 2u * c->mss);
}

static void
newreno_cong_avoid(struct ofld_tcp_conn *c, uint32_t acked)
{
	if (c->cwnd < c->ssthresh) {
		otcp_cc_slow_start(c, acked);
		return;
	}
	c->ca_acc += acked;
	if (c->ca_acc >= c->cwnd) {
		c->ca_acc -= c->cwnd;
		c->cwnd += c->mss;
	}
}

const struct otcp_cc_ops otcp_cc_newreno = {
	.name = "newreno",
	.ssthresh = newreno_ssthresh,
	.cong_avoid = newreno_cong_avoid,
};
