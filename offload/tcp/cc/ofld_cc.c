/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The table of congestion control algorithms by OFLD_TCP_CC_* id, and the
 * slow start every algorithm shares (RFC 5681 3.1).
 */

#include <rte_common.h>

#include "ofld_tcp_var.h"

static const struct otcp_cc_ops *const algos[] = {
	[OFLD_TCP_CC_NEWRENO] = &otcp_cc_newreno,
	[OFLD_TCP_CC_CUBIC] = &otcp_cc_cubic,
};

const struct otcp_cc_ops *
otcp_cc_find(uint8_t id)
{
	if (id >= RTE_DIM(algos) || algos[id] == NULL)
		return &otcp_cc_newreno;
	return algos[id];
}

void
otcp_cc_slow_start(struct ofld_tcp_conn *c, uint32_t acked)
{
	/* L = 2 SMSS, but 1 in the slow start after an RTO (2.3) */
	c->cwnd += RTE_MIN(acked, (c->ss_after_rto ? 1u : 2u) * c->mss);
	if (c->cwnd >= c->ssthresh)
		c->ss_after_rto = false;
}
