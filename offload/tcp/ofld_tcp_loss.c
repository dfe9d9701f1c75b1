/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Loss (T8): the RTT estimator and retransmission timer (RFC 6298, Karn:
 * no sample from retransmitted data), go-back-N on a timeout, fast
 * retransmit on the third duplicate ACK and NewReno recovery (RFC 6582).
 * Congestion control (cc/) is told of congestion events and ACKs and
 * moves cwnd; what to send is decided here and in output.
 */

#include "ofld_tcp_var.h"

void
otcp_loss_rtt_sample(struct ofld_tcp_conn *c, uint32_t r_us)
{
	const uint32_t min_rto = c->e->conf.min_rto_us;
	uint32_t delta;

	if (r_us == 0)
		r_us = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = r_us;
		c->rttvar_us = r_us / 2;
	} else {
		delta = c->srtt_us > r_us ? c->srtt_us - r_us :
			r_us - c->srtt_us;
		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + r_us) / 8;
	}
	c->rto_us = c->srtt_us + RTE_MAX(4 * c->rttvar_us, 1u);
	c->rto_us = RTE_MAX(c->rto_us, min_rto);
	c->rto_us = RTE_MIN(c->rto_us, MAX_RTO_US);
}

void
otcp_loss_arm_rto(struct ofld_tcp_conn *c)
{
	otcp_timer_arm(c, OTCPT_REXMT,
		       c->e->now_us + ((uint64_t)c->rto_us << c->backoff));
}

/* The retransmission timer fired on a synchronized connection. */
void
otcp_loss_rto_fired(struct ofld_tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	c->e->st.rto_fired++;
	c->ssthresh = c->cc_ops->ssthresh(c, flight);
	c->cwnd = c->mss;
	c->ca_acc = 0;
	c->in_recovery = false;
	c->dupacks = 0;
	c->recover = c->snd_max;	/* RFC 6582: no fast retransmit */
	c->rtt_start_us = 0;		/* Karn */
	if (c->backoff < MAX_BACKOFF)
		c->backoff++;
	/* go back N */
	c->snd_nxt = c->snd_una;
	otcp_sendq_reposition(c);
	otcp_timer_stop(c, OTCPT_REXMT);
	otcp_output(c);
	if (!otcp_timer_on(c, OTCPT_REXMT) && c->snd_una != c->snd_max)
		otcp_loss_arm_rto(c);
}

/* A duplicate ACK (RFC 5681 3.2, RFC 6582). */
void
otcp_loss_dupack(struct ofld_tcp_conn *c)
{
	uint32_t flight;

	c->e->st.dupacks_in++;
	if (c->in_recovery) {
		c->cwnd += c->mss;	/* inflate */
		return;
	}
	if (++c->dupacks != 3)
		return;
	if (!SEQ_GT(c->snd_una, c->recover) && c->recover != c->snd_una)
		return;	/* RFC 6582: not after an RTO's go-back */
	flight = c->snd_max - c->snd_una;
	c->ssthresh = c->cc_ops->ssthresh(c, flight);
	c->recover = c->snd_max;
	c->in_recovery = true;
	c->e->st.fast_retrans++;
	otcp_output_una(c);
	c->cwnd = c->ssthresh + 3u * c->mss;
}

/* An ACK of new data: recovery's partial and full ACKs (RFC 6582 3.2),
 * otherwise the congestion control's growth.
 */
void
otcp_loss_on_ack(struct ofld_tcp_conn *c, uint32_t acked, uint32_t ack)
{
	uint32_t flight;

	if (!c->in_recovery) {
		c->cc_ops->cong_avoid(c, acked);
		return;
	}
	if (SEQ_GEQ(ack, c->recover)) {
		/* full ACK: leave recovery (step 3) */
		flight = c->snd_max - ack;
		flight = RTE_MAX(flight, (uint32_t)c->mss) + c->mss;
		c->cwnd = RTE_MIN(c->ssthresh, flight);
		c->in_recovery = false;
	} else {
		/* partial ACK: resend the next hole, deflate */
		otcp_output_una(c);
		c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
		c->cwnd += c->mss;
	}
}
