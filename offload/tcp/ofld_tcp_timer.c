/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Timers (T8, T10): every TIMER_SCAN_US the engine looks at its
 * connections' named timers; each handler decides what the expiry means
 * and calls the module that acts on it (handshake, loss, output). No
 * segment is built here.
 */

#include "ofld_tcp_var.h"

/* The retransmission timer: SYN / SYN-ACK, data, or the end. */
static void
rexmt_fired(struct ofld_tcp_conn *c)
{
	if (c->state == OTCPS_SYN_SENT || c->state == OTCPS_SYN_RECEIVED) {
		otcp_handshake_timeout(c);
		return;
	}
	if (c->backoff >= MAX_BACKOFF) {
		otcp_conn_end(c, OFLD_TCP_TIMED_OUT);
		return;
	}
	otcp_loss_rto_fired(c);
}

/* Zero-window probe, backed off up to the maximum RTO. */
static void
persist_fired(struct ofld_tcp_conn *c)
{
	otcp_output_window_probe(c);
	if (c->persist_backoff < MAX_BACKOFF)
		c->persist_backoff++;
	otcp_timer_arm(c, OTCPT_PERSIST, c->e->now_us +
		RTE_MIN((uint64_t)c->rto_us << c->persist_backoff,
			(uint64_t)MAX_RTO_US));
}

static inline bool
expired(const struct ofld_tcp_conn *c, enum otcp_timer t, uint64_t now)
{
	return c->timer_at[t] != 0 && now >= c->timer_at[t];
}

/* One connection's timers. @return false if it was freed. */
static bool
conn_timers(struct ofld_tcp_conn *c, uint64_t now)
{
	if (expired(c, OTCPT_REXMT, now)) {
		rexmt_fired(c);
		if (!c->active)
			return false;	/* a half-open one went away */
		if (c->state == OTCPS_CLOSED ||
		    c->state == OTCPS_SYN_SENT ||
		    c->state == OTCPS_SYN_RECEIVED)
			return true;
	}
	if (expired(c, OTCPT_DELACK, now))
		otcp_output_ack(c);
	if (expired(c, OTCPT_PERSIST, now))
		persist_fired(c);
	if (otcp_closed_by_us(c) && !c->fin_sent)
		otcp_output(c);	/* the FIN may go now */
	return true;
}

void
otcp_timer_scan(struct ofld_tcp_engine *e)
{
	uint32_t i;

	if (e->now_us < e->next_timer_scan_us)
		return;
	e->next_timer_scan_us = e->now_us + TIMER_SCAN_US;
	for (i = 0; i < e->nb_active; i++)
		if (!conn_timers(e->active[i], e->now_us))
			i--;	/* it was freed: the list moved */
}
