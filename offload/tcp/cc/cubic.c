/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * CUBIC (RFC 9438), in segments and seconds: W_max with fast convergence
 * (4.7) at a congestion event, beta 0.7; the window follows
 * W_cubic(t + RTT) (4.2) or the Reno-friendly estimate (4.3) when that is
 * larger, at most 1.5x per RTT, the growth spread over a window of ACKs.
 */

#include <math.h>

#include <rte_common.h>

#include "ofld_tcp_var.h"

#define CUBIC_C		0.4
#define CUBIC_BETA	0.7

struct cubic {
	uint64_t epoch_us;	/* start of this congestion avoidance epoch */
	double wmax, k, west;	/* W_max, K, W_est (segments, seconds) */
};
OTCP_CC_PRIV_FITS(struct cubic);

static uint32_t
cubic_ssthresh(struct ofld_tcp_conn *c, uint32_t flight)
{
	struct cubic *cu = OTCP_CC_PRIV(c, struct cubic);
	double w = (double)c->cwnd / c->mss;

	RTE_SET_USED(flight);
	if (w < cu->wmax)
		cu->wmax = w * (1.0 + CUBIC_BETA) / 2.0;
	else
		cu->wmax = w;
	cu->epoch_us = 0;
	return RTE_MAX((uint32_t)(c->cwnd * CUBIC_BETA), 2u * c->mss);
}

static void
cubic_cong_avoid(struct ofld_tcp_conn *c, uint32_t acked)
{
	struct cubic *cu = OTCP_CC_PRIV(c, struct cubic);
	const double mss = c->mss;
	double w = c->cwnd / mss, t, target, rtt;

	if (c->cwnd < c->ssthresh) {
		otcp_cc_slow_start(c, acked);
		return;
	}
	if (cu->epoch_us == 0) {
		cu->epoch_us = c->e->now_us;
		if (cu->wmax < w)
			cu->wmax = w;
		cu->k = cbrt(cu->wmax * (1.0 - CUBIC_BETA) / CUBIC_C);
		cu->west = w;
	}
	rtt = (c->srtt_us != 0 ? c->srtt_us : 1000) / 1e6;
	t = (c->e->now_us - cu->epoch_us) / 1e6;
	/* W_cubic(t + RTT) (4.2) */
	target = CUBIC_C * pow(t + rtt - cu->k, 3) + cu->wmax;
	/* Reno-friendly estimate (4.3) */
	cu->west += 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA) *
		(acked / mss) / w;
	if (cu->west > target)
		target = cu->west;
	if (target > 1.5 * w)
		target = 1.5 * w;	/* no more than 1.5x per RTT */
	if (target > w) {
		/* spread the growth over the ACKs of one window */
		c->ca_acc += (uint32_t)((target - w) * mss * acked /
					(w * mss) + 0.5);
		if (c->ca_acc >= c->mss) {
			c->cwnd += c->ca_acc;
			c->ca_acc = 0;
		}
	}
}

const struct otcp_cc_ops otcp_cc_cubic = {
	.name = "cubic",
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
};
