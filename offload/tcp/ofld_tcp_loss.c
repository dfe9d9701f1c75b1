/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Loss and recovery (T8, R3-R5, R11):
 * - the RTT estimator and retransmission timer of RFC 6298: Karn's rule
 *   (backoff kept until a valid sample, which timestamps give also for
 *   retransmitted data, RFC 7323), a maximum RTO, a user timeout;
 * - losses come from RACK (ofld_tcp_rack.c) when SACK is on, from three
 *   duplicate ACKs (each counted as one segment delivered, NewReno's
 *   partial ACKs marking the next) when it is off;
 * - fast recovery sends by RFC 6675's pipe with proportional rate
 *   reduction (RFC 6937); an RTO marks everything not SACKed lost and
 *   slow-starts from one segment, ssthresh per RFC 5681 3.1, held for
 *   repeated timeouts of the same data;
 * - a reduction found spurious is undone (R4): Eifel with timestamps
 *   (RFC 3522, 4015) and D-SACKs covering every retransmission;
 * - congestion control (cc/) is told of events and moves cwnd.
 */

#include "ofld_tcp_var.h"

void
otcp_loss_rtt_sample(struct ofld_tcp_conn *c, uint32_t r_us)
{
	const uint32_t min_rto = c->e->conf.min_rto_us;
	const uint64_t max_rto = (uint64_t)c->e->conf.max_rto_ms * 1000;
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
	c->rto_us = (uint32_t)RTE_MIN((uint64_t)c->rto_us, max_rto);
	c->backoff = 0;		/* Karn: a valid sample ends the backoff */
}

/* RFC 6298 5.5, with the backoff capped at the maximum RTO (2.5). */
static uint64_t
rto_now(const struct ofld_tcp_conn *c)
{
	return otcp_backed_off(c->e, c->rto_us, c->backoff);
}

/* The RTO's expiry, never past the user timeout (as Linux's
 * tcp_clamp_rto_to_user_timeout): then the connection ends on time.
 */
static uint64_t
rto_at(const struct ofld_tcp_conn *c)
{
	uint64_t at = c->e->now_us + rto_now(c);
	uint64_t end = c->flight_since_us + otcp_loss_user_timeout_us(c);

	if (c->snd_una != c->snd_max && end < at)
		at = end > c->e->now_us ? end : c->e->now_us;
	return at;
}

void
otcp_loss_arm_rto(struct ofld_tcp_conn *c)
{
	otcp_rexmt_arm(c, OTCPR_RTO, rto_at(c));
}

uint32_t
otcp_loss_user_timeout_us(const struct ofld_tcp_conn *c)
{
	uint32_t ms = c->user_timeout_ms != 0 ? c->user_timeout_ms :
		c->e->conf.user_timeout_ms;

	return ms > UINT32_MAX / 1000 ? UINT32_MAX : ms * 1000;
}

/*
 * After an ACK or a send: what the retransmission timer stands for. A
 * RACK reordering timer first, then a tail loss probe when one is due
 * before the RTO, else the RTO (restarted when new data was acked, RFC
 * 6298 5.3). Nothing in flight: no timer but a zero-window probe's.
 */
void
otcp_loss_timer_update(struct ofld_tcp_conn *c, bool restart_rto)
{
	uint64_t at, tlp_at;
	bool keep;

	if (c->snd_una == c->snd_max) {
		if (c->rexmt_kind != OTCPR_PERSIST)
			otcp_timer_stop(c, OTCPT_REXMT);
		return;
	}
	if (c->reo_at_us != 0) {
		otcp_rexmt_arm(c, OTCPR_REO, c->reo_at_us);
		return;
	}
	/* the RTO keeps its deadline unless new data was acked (5.3);
	 * a probe is (re)considered on every call, after new data went
	 * out too (RFC 8985 7.2): the flight may have grown past one
	 * segment since the RTO was armed
	 */
	keep = !restart_rto && otcp_timer_on(c, OTCPT_REXMT) &&
		c->rexmt_kind == OTCPR_RTO;
	at = keep ? c->timer_at[OTCPT_REXMT] : rto_at(c);
	if (otcp_rack_tlp_due(c, &tlp_at) && tlp_at < at)
		otcp_rexmt_arm(c, OTCPR_TLP, tlp_at);
	else if (!keep)
		otcp_rexmt_arm(c, OTCPR_RTO, at);
}

/* A loss episode begins: what an undo would restore (R4). */
static void
episode_begin(struct ofld_tcp_conn *c)
{
	c->prior_cwnd = c->cwnd;
	c->prior_ssthresh = c->ssthresh;
	c->undo_una = c->snd_una;
	c->undo_retrans = 0;
	c->undo_tsval = 0;
}

/* Fast recovery (RFC 6675 5, RFC 6937): ssthresh from the congestion
 * control, cwnd from PRR on each ACK.
 */
static void
enter_fast_recovery(struct ofld_tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	/* RFC 5681 3.2: what limited transmit sent is not in FlightSize */
	flight = flight > c->lt_bytes ? flight - c->lt_bytes : 0;
	c->lt_bytes = 0;

	episode_begin(c);
	c->ssthresh = c->cc_ops->ssthresh(c, flight);
	c->recovery = OTCP_REC_FAST;
	c->recover = c->snd_max;
	c->prr_delivered = 0;
	c->prr_out = 0;
	c->recover_fs = RTE_MAX(flight, 1u);
	c->ca_acc = 0;
	c->tlp_high = 0;
	if (c->sack_ok)
		c->e->st.sack_recoveries++;
	else
		c->e->st.reno_recoveries++;
	c->e->st.fast_retrans++;
}

/* PRR (RFC 6937 3): cwnd for this ACK. */
static void
prr_ack(struct ofld_tcp_conn *c, uint32_t delivered)
{
	uint32_t pipe = otcp_pipe(c);
	int64_t sndcnt;

	c->prr_delivered += delivered;
	if (pipe > c->ssthresh) {
		sndcnt = ((uint64_t)c->prr_delivered * c->ssthresh +
			  c->recover_fs - 1) / c->recover_fs;
		sndcnt -= c->prr_out;
	} else {
		/* slow start reduction bound */
		int64_t limit = RTE_MAX((int64_t)c->prr_delivered - c->prr_out,
					(int64_t)delivered) + c->mss;

		sndcnt = RTE_MIN((int64_t)c->ssthresh - pipe, limit);
	}
	if (sndcnt < 0)
		sndcnt = 0;
	if (c->prr_out == 0 && sndcnt < c->mss)
		sndcnt = c->mss;	/* the fast retransmit itself */
	c->cwnd = pipe + (uint32_t)sndcnt;
}

static void
unmark_lost(struct ofld_tcp_conn *c)
{
	struct otcp_sm *m;

	for (m = c->sm_head; m != NULL; m = m->next)
		m->flags &= (uint8_t)~OTCP_SM_LOST;
	c->lost_bytes = 0;
}

/* The reduction of this episode was for nothing (R4): back as before. */
static void
undo(struct ofld_tcp_conn *c)
{
	c->cwnd = RTE_MAX(c->cwnd, c->prior_cwnd);
	c->ssthresh = RTE_MAX(c->ssthresh, c->prior_ssthresh);
	if (c->recovery != OTCP_REC_NONE) {
		c->recovery = OTCP_REC_NONE;
		unmark_lost(c);
	}
	c->rack_reord = true;
	c->undo_retrans = -1;
	c->undo_tsval = 0;
	c->e->st.spurious_undone++;
}

/* A D-SACK; in_episode: of data sent again in this loss episode. */
void
otcp_loss_dsack(struct ofld_tcp_conn *c, bool in_episode, uint32_t len)
{
	if (c->tlp_high != 0 && c->tlp_retrans)
		c->tlp_high = 0;	/* the probe was not needed */
	if (!in_episode || c->undo_retrans <= 0)
		return;
	c->undo_retrans -= (int32_t)RTE_MIN(len, (uint32_t)INT32_MAX);
	if (c->undo_retrans <= 0)
		undo(c);	/* every retransmission came twice */
}

/* Without SACK: duplicate ACKs stand for segments delivered (RFC 5681
 * 3.2); the third marks the first unacked segment lost (RFC 6582).
 */
static void
reno_dupack(struct ofld_tcp_conn *c)
{
	uint32_t segs = (c->snd_max - c->snd_una) / c->mss;

	c->dupacks++;
	if (c->reno_dups + 1u < segs)
		c->reno_dups++;
	if (c->recovery != OTCP_REC_NONE || c->dupacks != DUPTHRESH)
		return;
	if (!SEQ_GT(c->snd_una, c->recover) && c->recover != c->snd_una)
		return;	/* RFC 6582 4.1: not after an RTO's go-back */
	otcp_smap_mark_lost_head(c, c->mss);
}

/* NewReno's partial ACK (RFC 6582 3.2 step 5): the next hole is lost. */
static void
reno_partial(struct ofld_tcp_conn *c, uint32_t acked)
{
	uint32_t segs = acked / c->mss;

	c->reno_dups = segs >= c->reno_dups ? 0 : c->reno_dups - segs;
	if (c->recovery == OTCP_REC_FAST && SEQ_LT(c->snd_una, c->recover))
		otcp_smap_mark_lost_head(c, c->mss);
}

/* Recovery is over: snd_una reached what was sent when it began. */
static void
recovery_end(struct ofld_tcp_conn *c)
{
	if (c->recovery == OTCP_REC_FAST)
		c->cwnd = RTE_MAX(c->ssthresh, (uint32_t)c->mss);
	c->recovery = OTCP_REC_NONE;
	c->dupacks = 0;
	otcp_rack_recovery_done(c);
}

/* An ACK beyond a tail loss probe (RFC 8985 7.4): if the probe resent
 * data and no D-SACK said it was not needed by then, the tail was lost
 * and the probe repaired it: the congestion control reacts as to a loss.
 * (An ACK of just the probe's end may come before its D-SACK: the
 * original arrived late; so only an ACK past it decides, as Linux.)
 */
static void
tlp_acked(struct ofld_tcp_conn *c)
{
	if (c->tlp_retrans && c->recovery == OTCP_REC_NONE) {
		c->ssthresh = c->cc_ops->ssthresh(c, c->snd_max - c->snd_una +
						  c->mss);
		c->cwnd = RTE_MAX(c->ssthresh, (uint32_t)c->mss);
		c->e->st.tlp_recovered++;
	}
	c->tlp_high = 0;
}

/* What this ACK says of losses. @return bytes it says were delivered
 * beyond the cumulative ACK (a duplicate ACK without SACK: a segment).
 */
static uint32_t
detect(struct ofld_tcp_conn *c, uint32_t acked, bool dup)
{
	if (c->sack_ok) {
		if (c->sacked_bytes != 0 || c->recovery != OTCP_REC_NONE ||
		    c->reo_at_us != 0 || c->lost_bytes != 0)
			otcp_rack_detect(c);
		if (dup)
			c->dupacks++;
		return 0;
	}
	if (dup) {
		reno_dupack(c);
		return c->mss;
	}
	if (acked != 0)
		reno_partial(c, acked);
	return 0;
}

/* cwnd grows only while it limits sending (RFC 7661 2, as Linux's
 * tcp_is_cwnd_limited): the flight this ACK found was at least half of
 * it. An application- or receiver-limited connection would otherwise
 * grow a window it never used, to burst it all after a loss.
 */
static inline bool
cwnd_limited(const struct ofld_tcp_conn *c, uint32_t acked)
{
	return 2ull * ((uint64_t)(c->snd_max - c->snd_una) + acked) >=
		c->cwnd;
}

/*
 * An ACK processed: acked new bytes (cumulative), delivered = acked +
 * newly SACKed, dup: a duplicate ACK (RFC 5681, or with new SACK
 * information, R2).
 */
void
otcp_loss_on_ack(struct ofld_tcp_conn *c, const struct seg_info *si,
		 uint32_t acked, uint32_t delivered, bool dup)
{
	if (acked != 0) {
		c->dupacks = 0;
		if (c->recovery == OTCP_REC_NONE && c->sacked_bytes == 0)
			c->lt_bytes = 0;
		/* Eifel: the ACK echoes a time before the retransmission */
		if (c->undo_tsval != 0 && c->undo_retrans > 0 && c->ts_ok &&
		    si->has_ts && SEQ_LT(si->tsecr, c->undo_tsval))
			undo(c);
		if (c->tlp_high != 0 &&
		    (c->tlp_retrans ? SEQ_GT(c->snd_una, c->tlp_high) :
		     SEQ_GEQ(c->snd_una, c->tlp_high)))
			tlp_acked(c);
	}
	delivered += detect(c, acked, dup);
	if (c->recovery == OTCP_REC_NONE && c->lost_bytes != 0)
		enter_fast_recovery(c);
	if (c->recovery != OTCP_REC_NONE && SEQ_GEQ(c->snd_una, c->recover) &&
	    c->lost_bytes == 0) {
		bool fast = c->recovery == OTCP_REC_FAST;

		recovery_end(c);
		if (fast)
			return;	/* cwnd = ssthresh (RFC 6937 3) */
	}
	if (c->recovery == OTCP_REC_FAST)
		prr_ack(c, delivered);
	else if (acked != 0 && cwnd_limited(c, acked))
		c->cc_ops->cong_avoid(c, acked);	/* LOSS: slow start */
}

/* RACK's reordering window ran out (RFC 8985 6.3): look again; losses
 * found start recovery as an ACK's would.
 */
void
otcp_loss_reo_timer(struct ofld_tcp_conn *c)
{
	otcp_rack_detect(c);
	if (c->recovery == OTCP_REC_NONE && c->lost_bytes != 0) {
		enter_fast_recovery(c);
		prr_ack(c, 0);
	}
	otcp_output(c);
	otcp_loss_timer_update(c, false);
}

/* Bytes the congestion window lets go now (RFC 6675 pipe, PRR's cwnd). */
uint32_t
otcp_loss_send_allowance(const struct ofld_tcp_conn *c)
{
	uint32_t pipe = otcp_pipe(c);

	return c->cwnd > pipe ? c->cwnd - pipe : 0;
}

void
otcp_loss_sent(struct ofld_tcp_conn *c, uint32_t len, bool rexmit)
{
	if (c->recovery == OTCP_REC_FAST)
		c->prr_out += len;
	else if (!rexmit && c->recovery == OTCP_REC_NONE &&
		 (c->dupacks != 0 || c->sacked_bytes != 0))
		c->lt_bytes += len;	/* limited transmit (RFC 3042) */
	if (!rexmit)
		return;
	c->rtt_start_us = 0;	/* Karn */
	if (c->undo_retrans >= 0) {
		c->undo_retrans += (int32_t)len;
		if (c->undo_tsval == 0 && c->ts_ok)
			c->undo_tsval = otcp_ts_now(c);
	}
}

/* The peer's window is shut with data out: probe it (RFC 9293 3.8.6.1)
 * rather than resend into it; the user timeout counts from the last
 * segment heard (as Linux does for a window shrunk under data).
 */
static void
rto_zero_window(struct ofld_tcp_conn *c)
{
	uint64_t now = c->e->now_us;

	if (now - c->last_rcv_us >= otcp_loss_user_timeout_us(c)) {
		c->e->st.rto_user_timeout++;
		otcp_conn_end(c, OFLD_TCP_TIMED_OUT);
		return;
	}
	otcp_output_window_probe(c);
	c->e->st.persist_probes++;
	if (c->persist_backoff < MAX_BACKOFF)
		c->persist_backoff++;
	otcp_rexmt_arm(c, OTCPR_PERSIST, now +
		       RTE_MIN((uint64_t)c->rto_us << c->persist_backoff,
			       (uint64_t)c->e->conf.max_rto_ms * 1000));
}

/* The retransmission timeout (RFC 6298 5.4-5.7, RFC 5681 3.1). */
void
otcp_loss_rto_fired(struct ofld_tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint64_t now = c->e->now_us, nomem = c->e->st.nomem;

	if (c->snd_wnd == 0) {
		rto_zero_window(c);
		return;
	}
	if (now - c->flight_since_us >= otcp_loss_user_timeout_us(c)) {
		/* data unacknowledged for the user timeout (RFC 5482) */
		c->e->st.rto_user_timeout++;
		otcp_conn_end(c, OFLD_TCP_TIMED_OUT);
		return;
	}
	c->e->st.rto_fired++;
	if (c->recovery != OTCP_REC_LOSS || c->snd_una != c->rto_una) {
		/* the first timeout of this data sets ssthresh (RFC 5681
		 * 3.1 for NewReno; CUBIC's beta, RFC 9438 4.8); repeated
		 * timeouts of the same data hold it, whatever the CC
		 */
		if (c->recovery == OTCP_REC_NONE)
			episode_begin(c);
		c->ssthresh = c->cc_ops->ssthresh(c, flight);
	}
	c->rto_una = c->snd_una;
	c->cwnd = c->mss;
	c->ss_after_rto = true;	/* RFC 3465 2.3: L = 1 SMSS now */
	c->ca_acc = 0;
	c->recovery = OTCP_REC_LOSS;
	c->recover = c->snd_max;
	c->dupacks = 0;
	c->reno_dups = 0;
	c->tlp_high = 0;
	c->reo_at_us = 0;
	otcp_smap_mark_all_lost(c);
	c->rtt_start_us = 0;		/* Karn */
	if (c->backoff < MAX_BACKOFF)
		c->backoff++;
	otcp_timer_stop(c, OTCPT_REXMT);
	otcp_output(c);
	if (c->e->st.nomem != nomem && c->backoff != 0) {
		/* the retransmission could not be built (no mbuf): a shortage
		 * here, not in the network, so no backoff for it (Linux: a
		 * failed retransmission re-arms without backing off); the
		 * output tries again at the next poll
		 */
		c->backoff--;
	}
	otcp_loss_timer_update(c, true);
}
