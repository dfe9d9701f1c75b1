/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Timers (T8, T10, R3, R5, R8, R9, R10): every TIMER_SCAN_US the engine
 * looks at its connections' named timers; each handler decides what the
 * expiry means and calls the module that acts on it (handshake, loss,
 * RACK, output, conn). No segment is built here.
 *   REXMT   SYN / SYN-ACK, or what rexmt_kind says: RTO, tail loss probe,
 *           RACK reordering window, zero-window probe
 *   DELACK  an ACK is owed
 *   KEEP    TIME-WAIT's 2 MSL, a released FIN-WAIT-2's end, keepalive
 * The scan also sends a window update when the application has taken
 * enough received data to open a window it had closed (R8).
 */

#include "ofld_tcp_var.h"

/* A zero-window probe (RFC 9293 3.8.6.1), backed off; the user timeout
 * counts from the last segment heard from the peer.
 */
static void
persist_fired(struct ofld_tcp_conn *c)
{
	uint64_t now = c->e->now_us;

	if (now - c->last_rcv_us >= otcp_loss_user_timeout_us(c)) {
		c->e->st.rto_user_timeout++;
		otcp_conn_end(c, OFLD_TCP_TIMED_OUT);
		return;
	}
	if (c->snd_wnd != 0) {
		otcp_output(c);		/* the window opened meanwhile */
		return;
	}
	otcp_output_window_probe(c);
	c->e->st.persist_probes++;
	if (c->persist_backoff < MAX_BACKOFF)
		c->persist_backoff++;
	otcp_rexmt_arm(c, OTCPR_PERSIST, now +
		       otcp_backed_off(c->e, c->rto_us, c->persist_backoff));
}

/* The retransmission timer: SYN / SYN-ACK, or its current kind. */
static void
rexmt_fired(struct ofld_tcp_conn *c)
{
	if (c->state == OTCPS_SYN_SENT || c->state == OTCPS_SYN_RECEIVED) {
		otcp_handshake_timeout(c);
		return;
	}
	otcp_timer_stop(c, OTCPT_REXMT);
	switch (c->rexmt_kind) {
	case OTCPR_TLP:
		otcp_output_tlp(c);
		otcp_loss_arm_rto(c);
		break;
	case OTCPR_REO:
		otcp_loss_reo_timer(c);
		break;
	case OTCPR_PERSIST:
		persist_fired(c);
		break;
	default:
		otcp_loss_rto_fired(c);
		break;
	}
}

/* Keepalive (R10, RFC 9293 3.8.4): after keep_idle_ms without a segment
 * from the peer and nothing in flight, a probe every keep_intvl_ms;
 * keep_cnt of them unanswered end the connection (PEER_DEAD).
 */
static void
keepalive_fired(struct ofld_tcp_conn *c)
{
	uint64_t now = c->e->now_us;
	uint64_t idle_at = c->last_rcv_us + (uint64_t)c->keep_idle_ms * 1000;

	if (c->keep_idle_ms == 0 || !otcp_synchronized(c))
		return;
	if (now < idle_at || c->snd_una != c->snd_max) {
		/* heard from lately, or the RTO watches the data */
		otcp_timer_arm(c, OTCPT_KEEP, RTE_MAX(idle_at, now +
				(uint64_t)c->keep_intvl_ms * 1000));
		return;
	}
	if (c->keep_probes >= c->keep_cnt) {
		c->e->st.keepalive_dead++;
		otcp_conn_end(c, OFLD_TCP_PEER_DEAD);
		return;
	}
	otcp_output_window_probe(c);	/* the same old sequence number */
	c->e->st.keepalive_probes++;
	c->keep_probes++;
	otcp_timer_arm(c, OTCPT_KEEP, now + (uint64_t)c->keep_intvl_ms * 1000);
}

/* The connection enters TIME-WAIT (R9). */
void
otcp_timer_enter_time_wait(struct ofld_tcp_conn *c)
{
	c->state = OTCPS_TIME_WAIT;
	c->e->st.time_wait++;
	otcp_timer_time_wait(c);
}

/* TIME-WAIT (R9): 2 MSL from now, again when the peer's FIN comes
 * again.
 */
void
otcp_timer_time_wait(struct ofld_tcp_conn *c)
{
	otcp_timer_arm(c, OTCPT_KEEP,
		       c->e->now_us + (uint64_t)c->e->conf.time_wait_ms * 1000);
}

/* The KEEP timer. @return false if c was freed. */
static bool
keep_fired(struct ofld_tcp_conn *c)
{
	otcp_timer_stop(c, OTCPT_KEEP);
	if (c->state == OTCPS_TIME_WAIT ||
	    (c->state == OTCPS_FIN_WAIT_2 && c->released)) {
		/* 2 MSL over, or a released half-close the peer never ended */
		if (c->released) {
			otcp_conn_free(c);
			return false;
		}
		c->state = OTCPS_CLOSED;
		otcp_smap_free_all(c);
		return true;
	}
	keepalive_fired(c);
	return true;
}

/* Keepalive comes on lazily: when enabled and nothing arms KEEP yet. */
void
otcp_timer_keepalive_arm(struct ofld_tcp_conn *c)
{
	if (c->keep_idle_ms == 0 || otcp_timer_on(c, OTCPT_KEEP) ||
	    !otcp_synchronized(c) || c->state == OTCPS_TIME_WAIT)
		return;
	otcp_timer_arm(c, OTCPT_KEEP,
		       c->last_rcv_us + (uint64_t)c->keep_idle_ms * 1000);
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
	if (expired(c, OTCPT_KEEP, now) && !keep_fired(c))
		return false;
	if (c->state == OTCPS_CLOSED)
		return true;
	if (otcp_closed_by_us(c) && !c->fin_sent)
		otcp_output(c);	/* the FIN may go now */
	otcp_timer_keepalive_arm(c);
	if (otcp_rcv_window_update_due(c))
		otcp_output_ack(c);
	return true;
}

/* The earliest deadline of a connection's timers (UINT64_MAX: none). */
static uint64_t
conn_due(const struct ofld_tcp_conn *c)
{
	uint64_t due = UINT64_MAX;
	int t;

	for (t = 0; t < OTCPT_NB; t++)
		if (c->timer_at[t] != 0 && c->timer_at[t] < due)
			due = c->timer_at[t];
	return due;
}

/*
 * Every TIMER_SCAN_US the engine looks at every connection (timers, and
 * what is due without one: a FIN that may go, a window update); in
 * between, as soon as the earliest deadline armed has passed, but at most
 * every TIMER_FINE_US plus 1/8 us per connection, so that a timer of a
 * connection with an RTT of microseconds (a probe, a delayed ACK, a RACK
 * reordering window) is not a millisecond late, and a scan of many
 * connections stays a small part of the time.
 */
void
otcp_timer_scan(struct ofld_tcp_engine *e)
{
	const uint64_t now = e->now_us;
	uint64_t due = UINT64_MAX, d;
	uint32_t i;

	if (now < e->next_timer_scan_us &&
	    (now < e->timer_due_us || now < e->last_timer_scan_us +
	     TIMER_FINE_US + e->nb_active / 8))
		return;
	if (now >= e->next_timer_scan_us)
		e->next_timer_scan_us = now + TIMER_SCAN_US;
	e->last_timer_scan_us = now;
	e->timer_due_us = UINT64_MAX;
	for (i = 0; i < e->nb_active; i++) {
		if (!conn_timers(e->active[i], now)) {
			i--;	/* it was freed: the list moved */
			continue;
		}
		d = conn_due(e->active[i]);
		due = d < due ? d : due;
	}
	if (due < e->timer_due_us)
		e->timer_due_us = due;
}
