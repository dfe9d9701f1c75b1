/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * RACK-TLP (R3, RFC 8985): a range is lost when a range sent after it
 * was delivered and more than an RTT plus a reordering window has gone
 * by since it was sent; the reordering window follows D-SACKs (6.2). A
 * tail loss probe (7) goes out after about two RTTs without an ACK, so
 * that a lost tail is repaired by fast recovery instead of an RTO.
 */

#include "ofld_tcp_var.h"

/* RACK_sent_after (6.2): transmitted later, or in the same transmission
 * and ending later. By transmission order, not time: the clock is read
 * once per batch, and a retransmission and new data of one batch have
 * the same time in either order.
 */
static inline bool
sent_after(uint32_t o1, uint32_t end1, uint32_t o2, uint32_t end2)
{
	return (int32_t)(o1 - o2) > 0 || (o1 == o2 && SEQ_GT(end1, end2));
}

/* A range delivered (cumulatively acked or SACKed) for the first time
 * (6.2 steps 1-3).
 */
void
otcp_rack_update(struct ofld_tcp_conn *c, const struct otcp_sm *m,
		 const struct seg_info *si)
{
	uint64_t now = c->e->now_us;
	uint32_t rtt = (uint32_t)RTE_MIN(now - m->xmit_us, (uint64_t)UINT32_MAX);

	if (m->flags & OTCP_SM_RXMIT) {
		/* which transmission is acked? The echoed timestamp says,
		 * or an RTT below the minimum says: the first
		 */
		if (si != NULL && si->has_ts && c->ts_ok &&
		    SEQ_LT(si->tsecr, m->xmit_ts))
			return;
		if (rtt < c->min_rtt_us)
			return;
	}
	c->rack_rtt_us = rtt;
	if (c->min_rtt_us == 0 || rtt < c->min_rtt_us ||
	    now - c->min_rtt_at_us > 10u * 1000 * 1000) {
		c->min_rtt_us = RTE_MAX(rtt, 1u);
		c->min_rtt_at_us = now;
	}
	if (!(m->flags & OTCP_SM_RXMIT) && SEQ_LT(m->end, c->rack_fack))
		c->rack_reord = true;	/* delivered below one delivered */
	if (SEQ_GT(m->end, c->rack_fack))
		c->rack_fack = m->end;
	if (c->rack_xmit_us == 0 ||
	    sent_after(m->order, m->end, c->rack_order, c->rack_end)) {
		c->rack_xmit_us = m->xmit_us;
		c->rack_order = m->order;
		c->rack_end = m->end;
	}
}

/* The reordering window (6.2 step 4). */
static uint32_t
reo_wnd(const struct ofld_tcp_conn *c)
{
	if (!c->rack_reord && (c->recovery != OTCP_REC_NONE ||
			       c->sacked_bytes >= DUPTHRESH * (uint32_t)c->mss))
		return 0;
	return u32_min(c->min_rtt_us / 4 * u32_max(c->reo_wnd_mult, 1),
		       c->srtt_us);
}

/*
 * Mark lost what RACK says is lost (6.2 step 5); when ranges sent before
 * the newest delivered one are not due yet, c->reo_at_us says when to
 * look again.
 */
void
otcp_rack_detect(struct ofld_tcp_conn *c)
{
	const uint64_t now = c->e->now_us;
	uint64_t wait = 0, due;
	uint32_t rw;
	struct otcp_sm *m;

	c->reo_at_us = 0;
	if (c->rack_xmit_us == 0 || c->sm_head == NULL)
		return;
	rw = reo_wnd(c);
	for (m = c->sm_head; m != NULL; m = m->next) {
		if (m->flags & (OTCP_SM_SACKED | OTCP_SM_LOST))
			continue;
		if (!sent_after(c->rack_order, c->rack_end, m->order, m->end))
			continue;
		due = m->xmit_us + c->rack_rtt_us + rw;
		if (now >= due) {
			otcp_smap_mark_lost(c, m);
			c->e->st.rack_marked++;
		} else if (due - now > wait) {
			wait = due - now;
		}
	}
	if (wait != 0)
		c->reo_at_us = now + wait;
}

/* A D-SACK: the window widens, once per round trip, and stays wider for
 * the next 16 recoveries (6.2 step 4).
 */
void
otcp_rack_dsack(struct ofld_tcp_conn *c)
{
	c->rack_reord = true;
	if (c->rack_dsack_round != 0 && SEQ_LT(c->snd_una, c->rack_dsack_round))
		return;
	c->rack_dsack_round = c->snd_max;
	if (c->reo_wnd_mult < 64)
		c->reo_wnd_mult++;
	c->reo_wnd_persist = 16;
}

void
otcp_rack_recovery_done(struct ofld_tcp_conn *c)
{
	if (c->reo_wnd_persist > 0 && --c->reo_wnd_persist == 0)
		c->reo_wnd_mult = 1;
}

/*
 * Whether a tail loss probe should be scheduled (7.2), and when: two
 * RTTs, plus a delayed ACK's worst case when one segment is out; never
 * sooner than an eighth of the minimum RTO (Linux: two jiffies against
 * its 200 ms): a receiver busy for a moment is not a lost tail, and a
 * probe costs one segment. Not floored at the minimum RTO itself: where
 * the RTT is far below it (a LAN, the pair cable), a lost ACK behind a
 * small flight would otherwise always cost an RTO, a cwnd of one segment
 * and an undo (issue 13: 328 RTOs in 5 s at 5% loss, 232 of them
 * spurious).
 */
bool
otcp_rack_tlp_due(struct ofld_tcp_conn *c, uint64_t *at_us)
{
	uint64_t pto;

	if (!c->sack_ok || c->recovery != OTCP_REC_NONE || c->tlp_high != 0 ||
	    c->srtt_us == 0 || c->snd_wnd == 0)
		return false;
	pto = 2ull * c->srtt_us;
	if (c->snd_max - c->snd_una <= c->mss)
		pto += c->e->conf.delack_max_us;
	pto = RTE_MAX(pto, (uint64_t)c->e->conf.min_rto_us / 8);
	*at_us = c->e->now_us + RTE_MAX(pto, (uint64_t)TIMER_FINE_US);
	return true;
}
