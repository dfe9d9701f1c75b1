/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * CUBIC (RFC 9438), in segments and seconds: W_max with fast convergence
 * (4.7) at a congestion event, beta 0.7; the window follows
 * W_cubic(t + RTT) (4.2) or the Reno-friendly estimate (4.3) when that is
 * larger, at most 1.5x per RTT, the growth spread over a window of ACKs.
 * Slow start ends early by HyStart++ (RFC 9406, R11): when a round's
 * minimum RTT rises by a threshold over the last round's, growth slows
 * to a quarter (conservative slow start) and, after five such rounds,
 * congestion avoidance begins; only in the first slow start.
 */

#include <math.h>

#include <rte_common.h>

#include "ofld_tcp_var.h"

#define CUBIC_C		0.4
#define CUBIC_BETA	0.7

#define HS_MIN_RTT_THRESH_US	4000
#define HS_MAX_RTT_THRESH_US	16000
#define HS_MIN_RTT_DIVISOR	8
#define HS_N_RTT_SAMPLE		8
#define HS_CSS_GROWTH_DIVISOR	4
#define HS_CSS_ROUNDS		5

struct cubic {
	uint64_t epoch_us;	/* start of this congestion avoidance epoch */
	double wmax, k, west;	/* W_max, K, W_est (segments, seconds) */
	/* HyStart++ */
	uint32_t hs_round_end;	/* the round ends when snd_una passes it */
	uint32_t hs_last_min, hs_cur_min, hs_css_base;	/* microseconds */
	uint16_t hs_samples;
	uint8_t hs_css_rounds;	/* 0: standard slow start */
	bool hs_done;		/* after the first congestion event */
};
OTCP_CC_PRIV_FITS(struct cubic);

static uint32_t
cubic_ssthresh(struct ofld_tcp_conn *c, uint32_t flight)
{
	struct cubic *cu = OTCP_CC_PRIV(c, struct cubic);
	double w = (double)c->cwnd / c->mss;

	RTE_SET_USED(flight);
	cu->hs_done = true;	/* HyStart++ only in the first slow start */
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
		if (cu->hs_css_rounds != 0 && !cu->hs_done)
			/* conservative slow start (RFC 9406 4.2) */
			c->cwnd += u32_min(acked, 2u * c->mss) /
				HS_CSS_GROWTH_DIVISOR;
		else
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

static void
cubic_init(struct ofld_tcp_conn *c)
{
	struct cubic *cu = OTCP_CC_PRIV(c, struct cubic);

	cu->hs_last_min = cu->hs_cur_min = UINT32_MAX;
	cu->hs_round_end = c->snd_max;
}

/* A new round of HyStart++ (RFC 9406 4.2): the last one's minimum RTT is
 * kept; five rounds of conservative slow start end slow start.
 */
static void
hystart_round(struct ofld_tcp_conn *c, struct cubic *cu)
{
	cu->hs_last_min = cu->hs_cur_min;
	cu->hs_cur_min = UINT32_MAX;
	cu->hs_samples = 0;
	cu->hs_round_end = c->snd_max;
	if (cu->hs_css_rounds != 0 && ++cu->hs_css_rounds > HS_CSS_ROUNDS) {
		c->ssthresh = c->cwnd;
		cu->hs_done = true;
		c->e->st.hystart_exits++;
	}
}

/* RTT samples in slow start (RFC 9406 4.2). */
static void
cubic_pkts_acked(struct ofld_tcp_conn *c, uint32_t acked, uint32_t rtt_us)
{
	struct cubic *cu = OTCP_CC_PRIV(c, struct cubic);
	uint32_t thresh;

	RTE_SET_USED(acked);
	if (cu->hs_done || c->cwnd >= c->ssthresh)
		return;
	if (SEQ_GEQ(c->snd_una, cu->hs_round_end))
		hystart_round(c, cu);
	if (rtt_us == 0 || cu->hs_done)
		return;
	cu->hs_cur_min = u32_min(cu->hs_cur_min, rtt_us);
	cu->hs_samples++;
	if (cu->hs_css_rounds != 0) {
		if (cu->hs_cur_min < cu->hs_css_base)
			cu->hs_css_rounds = 0;	/* back to slow start */
		return;
	}
	if (cu->hs_samples < HS_N_RTT_SAMPLE || cu->hs_last_min == UINT32_MAX)
		return;
	thresh = u32_max(HS_MIN_RTT_THRESH_US, u32_min(HS_MAX_RTT_THRESH_US,
			 cu->hs_last_min / HS_MIN_RTT_DIVISOR));
	if (cu->hs_cur_min >= cu->hs_last_min + thresh) {
		cu->hs_css_base = cu->hs_cur_min;
		cu->hs_css_rounds = 1;
	}
}

const struct otcp_cc_ops otcp_cc_cubic = {
	.name = "cubic",
	.init = cubic_init,
	.ssthresh = cubic_ssthresh,
	.cong_avoid = cubic_cong_avoid,
	.pkts_acked = cubic_pkts_acked,
};
