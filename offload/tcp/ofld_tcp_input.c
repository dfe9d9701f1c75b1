/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Input: what happens to a received frame, in this order (T8, T9, W1,
 * R1, R2, R6, R8, R9; RFC 9293 3.10.7.4, RFC 5961, RFC 7323):
 *   ofld_tcp_input
 *     seg_parse      Ethernet, IPv4/IPv6, TCP header lengths (not ours:
 *                    back to the application, W1)
 *     seg_demux      connection by 4-tuple, or a listener for a SYN
 *     checksum       unless the port verified it
 *     seg_fields     sequence numbers, window, options (SACK blocks too)
 *     otcp_handshake_syn_in   (SYN to a listener), or
 *     segment_in
 *       otcp_handshake_in     SYN-SENT, SYN-RECEIVED
 *       seg_checks    TIME-WAIT reuse (RFC 6191), RST and SYN (RFC 5961
 *                     3.2, 4.2), PAWS (RFC 7323 5.3), acceptability (RFC
 *                     9293 3.10.7.4, pure ACKs included: R1)
 *       ts_recent_update      RFC 7323 4.3
 *       ack_in        RFC 5961 5.2 bounds; new data acked, SACK blocks,
 *                     duplicates -> loss (RFC 6675, RFC 8985)
 *       window_update SND.WL1/WL2, only for an ACK in bounds
 *       fin_acked_in  FIN-WAIT-1 -> 2, CLOSING -> TIME-WAIT, LAST-ACK
 *       otcp_reass_data       payload, in order or held (R8)
 *       peer_fin_in   in order, or held until the hole fills
 *       ACK now or delayed, then otcp_output
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_mempool.h>

#include "ofld_csum.h"
#include "ofld_tcp_var.h"

/* Where a parsed frame's headers are. */
struct seg_hdrs {
	const struct rte_tcp_hdr *th;
	const void *l3;
	uint32_t l4, thl;
};

/* A SACK option's blocks (RFC 2018 3), at most OTCP_SACK_BLOCKS. */
static void
parse_sack(const uint8_t *o, uint32_t len, struct seg_info *si)
{
	uint32_t i, v[2];

	if (len < 10 || (len - 2) % 8 != 0) {
		si->opt_bad = true;
		return;
	}
	for (i = 2; i + 8 <= len && si->nb_sack < OTCP_SACK_BLOCKS; i += 8) {
		memcpy(v, &o[i], 8);
		si->sack[si->nb_sack].start = rte_be_to_cpu_32(v[0]);
		si->sack[si->nb_sack].end = rte_be_to_cpu_32(v[1]);
		si->nb_sack++;
	}
}

/* Timestamps at o (kind 8, length 10 checked): any alignment (x86's
 * unaligned_uint32_t is plain uint32_t: loading through it is UB).
 */
static inline void
parse_ts(const uint8_t *o, struct seg_info *si)
{
	memcpy(&si->tsval, &o[2], 4);
	memcpy(&si->tsecr, &o[6], 4);
	si->has_ts = true;
	si->tsval = rte_be_to_cpu_32(si->tsval);
	si->tsecr = rte_be_to_cpu_32(si->tsecr);
}

/* TCP options: MSS, window scale, SACK permitted, SACK, timestamps. */
void
otcp_input_parse_opts(const uint8_t *o, uint32_t optlen, struct seg_info *si)
{
	uint32_t i = 0, w;

	/* the common case at once: timestamps alone, laid out as RFC 7323
	 * appendix A suggests (NOP NOP TS), as Linux and we send them on
	 * every segment (Linux takes the same shortcut)
	 */
	if (optlen == 12) {
		memcpy(&w, o, 4);
		if (w == RTE_BE32(0x0101080a)) {
			parse_ts(o + 2, si);
			return;
		}
	}
	while (i < optlen) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || o[i + 1] < 2 ||
		    i + o[i + 1] > optlen) {
			si->opt_bad = true;	/* truncated or over-long */
			break;
		}
		/* a known kind with the wrong length is ignored (counted) */
		if ((o[i] == 2 && o[i + 1] != 4) ||
		    (o[i] == 3 && o[i + 1] != 3) ||
		    (o[i] == 4 && o[i + 1] != 2) ||
		    (o[i] == 8 && o[i + 1] != 10))
			si->opt_bad = true;
		if (o[i] == 2 && o[i + 1] == 4) {
			si->has_mss = true;
			si->opt_mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
		} else if (o[i] == 3 && o[i + 1] == 3) {
			si->opt_ws = (int8_t)RTE_MIN(o[i + 2], 127);
		} else if (o[i] == 4 && o[i + 1] == 2) {
			si->opt_sack_ok = true;
		} else if (o[i] == 5) {
			parse_sack(&o[i], o[i + 1], si);
		}
		if (o[i] == 8 && o[i + 1] == 10)
			parse_ts(&o[i], si);
		i += o[i + 1];
	}
}

/* The TCP header at l4 of a frame whose IP packet is iplen bytes from l3:
 * its length fits; si->len is the payload's. 0 or -1.
 */
static int
tcp_hdr_at(const struct rte_mbuf *m, uint32_t l3, uint32_t iplen,
	   struct seg_hdrs *h, struct seg_info *si)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	if (m->data_len < h->l4 + sizeof(*h->th))
		return -1;
	h->th = (const void *)(p + h->l4);
	h->thl = (h->th->data_off >> 4) * 4;
	if (h->thl < 20 || h->l4 + h->thl > l3 + iplen ||
	    h->l4 + h->thl > m->data_len)
		return -1;
	si->len = l3 + iplen - h->l4 - h->thl;
	return 0;
}

/* A TCP segment over IPv4 or IPv6 whose lengths hold: its 4-tuple (as the
 * receiver sees it) and headers. 0, or -1 (not for the engine).
 */
static int
seg_parse(const struct rte_mbuf *m, struct conn_key *k, struct seg_info *si,
	  struct seg_hdrs *h)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const uint32_t l3 = RTE_ETHER_HDR_LEN;
	uint32_t iplen;

	if (m->data_len < RTE_ETHER_HDR_LEN + 20)
		return -1;
	memset(k, 0, sizeof(*k));
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + l3);

		if ((ip->version_ihl >> 4) != 4 ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    (ip->fragment_offset & rte_cpu_to_be_16(0x3fff)))
			return -1;
		h->l4 = l3 + rte_ipv4_hdr_len(ip);
		iplen = rte_be_to_cpu_16(ip->total_length);
		if (iplen < h->l4 - l3 || l3 + iplen > m->pkt_len)
			return -1;
		memcpy(k->local_ip, &ip->dst_addr, 4);
		memcpy(k->remote_ip, &ip->src_addr, 4);
		h->l3 = ip;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = (const void *)(p + l3);

		if (m->data_len < l3 + 40 || ip6->proto != IPPROTO_TCP)
			return -1;
		h->l4 = l3 + 40;
		iplen = 40 + rte_be_to_cpu_16(ip6->payload_len);
		if (l3 + iplen > m->pkt_len)
			return -1;
		k->ipv6 = 1;
		memcpy(k->local_ip, &ip6->dst_addr, 16);
		memcpy(k->remote_ip, &ip6->src_addr, 16);
		h->l3 = ip6;
	} else {
		return -1;
	}
	if (tcp_hdr_at(m, l3, iplen, h, si) != 0)
		return -1;
	k->local_port = rte_be_to_cpu_16(h->th->dst_port);
	k->remote_port = rte_be_to_cpu_16(h->th->src_port);
	return 0;
}

static inline bool
key_eq(const struct conn_key *a, const struct conn_key *b)
{
	uint64_t x[sizeof(*a) / 8], y[sizeof(*a) / 8], d = 0;
	unsigned int i;

	RTE_BUILD_BUG_ON(sizeof(*a) % 8 != 0);
	memcpy(x, a, sizeof(x));
	memcpy(y, b, sizeof(y));
	for (i = 0; i < RTE_DIM(x); i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

/* The connection of a 4-tuple; NULL for a SYN to a listener. 0 or -1.
 * The previous segment's connection first: segments of one connection
 * come in runs (a sender's burst), and a hash look-up costs well over a
 * hundred instructions (tests/perf/tcp_callgrind.sh). A connection is in
 * the hash exactly while it is active (otcp_conn_new, otcp_conn_free).
 */
static int
seg_demux(struct ofld_tcp_engine *e, const struct conn_key *k,
	  const struct rte_tcp_hdr *th, struct ofld_tcp_conn *last,
	  struct ofld_tcp_conn **cp)
{
	void *data;

	if (last != NULL && last->active && key_eq(&last->key, k)) {
		*cp = last;
		return 0;
	}
	if (rte_hash_lookup_data(e->hash, k, &data) >= 0) {
		*cp = data;
		return 0;
	}
	/* a SYN for a port we listen to is ours too */
	if ((th->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN ||
	    otcp_listener_find(e, k) < 0)
		return -1;
	*cp = NULL;
	return 0;
}

static void
seg_fields(struct ofld_tcp_engine *e, const struct seg_hdrs *h,
	   struct seg_info *si)
{
	si->seq = rte_be_to_cpu_32(h->th->sent_seq);
	si->ack = rte_be_to_cpu_32(h->th->recv_ack);
	si->win = rte_be_to_cpu_16(h->th->rx_win);
	si->flags = h->th->tcp_flags;
	si->has_ts = false;
	si->tsval = si->tsecr = 0;
	si->has_mss = false;
	si->opt_mss = 0;
	si->opt_ws = -1;
	si->opt_sack_ok = false;
	si->opt_bad = false;
	si->nb_sack = 0;
	si->payload_off = h->l4 + h->thl;
	otcp_input_parse_opts((const uint8_t *)(h->th + 1), h->thl - 20, si);
	if (unlikely(si->opt_bad))
		e->st.opt_bad++;
}

/* RST (RFC 5961 3.2): exact match resets, in-window challenges. */
static void
seg_rst(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	uint32_t wnd_end = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv :
		c->rcv_nxt + 1;

	c->e->st.rst_in++;
	if (si->seq == c->rcv_nxt) {
		otcp_conn_end(c, OFLD_TCP_ABORTED_BY_PEER);
	} else if (SEQ_GEQ(si->seq, c->rcv_nxt) && SEQ_LT(si->seq, wnd_end)) {
		c->e->st.rst_challenged++;
		otcp_output_challenge_ack(c);
	}
}

/* PAWS (R6, RFC 7323 5.3): a timestamp older than TS.Recent makes the
 * segment unacceptable, unless TS.Recent is too old to trust (5.5).
 */
static bool
paws_reject(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (!c->ts_ok || !si->has_ts || !SEQ_LT(si->tsval, c->ts_recent))
		return false;
	if (c->e->now_us - c->ts_recent_at_us > PAWS_IDLE_US) {
		c->ts_recent = si->tsval;
		c->ts_recent_at_us = c->e->now_us;
		return false;
	}
	return true;
}

/*
 * RFC 9293 3.10.7.4, for every segment, pure ACKs included (R1). The
 * left edge is where our last ACK put it (as Linux's rcv_wup), so that a
 * pure ACK overtaken by data is still taken. With the window shut, a
 * segment at rcv_nxt is taken for its ACK (RFC 9293's "special
 * allowance"); its payload does not fit and goes.
 */
static bool
seg_acceptable(const struct ofld_tcp_conn *c, const struct seg_info *si)
{
	uint32_t wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;
	uint32_t len = si->len + ((si->flags & TH_FIN) ? 1 : 0);
	uint32_t lo = SEQ_LT(c->last_ack_sent, c->rcv_nxt) ?
		c->last_ack_sent : c->rcv_nxt;
	uint32_t hi = c->rcv_nxt + wnd;

	if (wnd == 0)
		return SEQ_GEQ(si->seq, lo) && SEQ_LEQ(si->seq, c->rcv_nxt);
	if (len == 0)
		return SEQ_GEQ(si->seq, lo) && SEQ_LT(si->seq, hi);
	return (SEQ_GEQ(si->seq, lo) && SEQ_LT(si->seq, hi)) ||
		(SEQ_GEQ(si->seq + len - 1, c->rcv_nxt) &&
		 SEQ_LT(si->seq + len - 1, hi));
}

/* RFC 7323 4.3: TS.Recent only moves on, from a segment that covers the
 * last ACK we sent.
 */
static void
ts_recent_update(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (c->ts_ok && si->has_ts && SEQ_GEQ(si->tsval, c->ts_recent) &&
	    SEQ_LEQ(si->seq, c->last_ack_sent)) {
		c->ts_recent = si->tsval;
		c->ts_recent_at_us = c->e->now_us;
	}
}

/* The RTT of this ACK (RFC 6298 3, Karn): the timed segment's, or, when
 * retransmissions left none, the echoed timestamp's (RFC 7323 4).
 */
static void
ack_rtt(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	uint32_t ms;

	if (c->rtt_start_us != 0 && SEQ_GEQ(si->ack, c->rtt_seq)) {
		otcp_loss_rtt_sample(c, (uint32_t)(c->e->now_us -
						   c->rtt_start_us));
		c->rtt_start_us = 0;
		return;
	}
	if (c->backoff == 0 || !c->ts_ok || !si->has_ts || si->tsecr == 0)
		return;
	ms = otcp_ts_now(c) - si->tsecr;
	if (ms < c->e->conf.max_rto_ms)
		otcp_loss_rtt_sample(c, ms * 1000);
}

/* New data acknowledged: time it, retire it. */
static void
ack_new(struct ofld_tcp_conn *c, const struct seg_info *si, uint32_t ack)
{
	uint32_t acked = ack - c->snd_una;

	ack_rtt(c, si);
	c->flight_since_us = c->e->now_us; /* progress: the user timeout */
	otcp_smap_acked(c, ack, si);
	otcp_sendq_ack(c, acked);
	c->snd_una = ack;
	if (c->cc_ops->pkts_acked != NULL)
		c->cc_ops->pkts_acked(c, acked, c->rack_rtt_us);
}

/* The ACK field (R1: RFC 5961 5.2 bounds first): false when the segment
 * goes no further.
 */
static bool
ack_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;
	uint32_t ack = si->ack, acked = 0, delivered = 0;
	const uint32_t sacked0 = c->sacked_bytes;
	bool new_sack, dup;

	if (SEQ_GT(ack, c->snd_max) ||
	    SEQ_LT(ack, c->snd_una - c->max_snd_wnd)) {
		if (SEQ_GT(ack, c->snd_max))
			e->st.ack_unsent++;
		else
			e->st.ack_old++;
		otcp_output_challenge_ack(c);
		return false;
	}
	e->st.acks_in++;
	/* an ACK beyond what is queued here (data the previous stack sent,
	 * not posted again yet) counts up to what is queued
	 */
	if (SEQ_GT(ack, c->snd_end + (c->fin_sent ? 1 : 0)))
		ack = c->snd_end + (c->fin_sent ? 1 : 0);
	if (SEQ_GT(ack, c->snd_una)) {
		acked = ack - c->snd_una;
		ack_new(c, si, ack);
	}
	new_sack = otcp_sack_in(c, si, &delivered);
	dup = acked == 0 && si->ack == c->snd_una && si->len == 0 &&
		!(si->flags & TH_FIN) && c->snd_una != c->snd_max &&
		(((uint32_t)si->win << c->snd_wscale) == c->snd_wnd ||
		 new_sack);
	if (dup)
		e->st.dupacks_in++;
	/* RFC 6937's DeliveredData: the change of snd_una plus the signed
	 * change of what is SACKed (bytes SACKed before and now acked count
	 * once)
	 */
	delivered = (uint32_t)((int64_t)acked + c->sacked_bytes - sacked0);
	otcp_loss_on_ack(c, si, acked, delivered, dup);
	if (acked != 0 || new_sack)
		otcp_loss_timer_update(c, acked != 0);
	return true;
}

/* Window update (RFC 9293 SND.WL1/WL2), for an ACK within
 * [SND.UNA, SND.MAX] only (R1).
 */
static void
window_update(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (SEQ_LT(si->ack, c->snd_una))
		return;
	if (SEQ_LT(c->snd_wl1, si->seq) ||
	    (c->snd_wl1 == si->seq && SEQ_LEQ(c->snd_wl2, si->ack))) {
		c->snd_wnd = (uint32_t)si->win << c->snd_wscale;
		c->snd_wl1 = si->seq;
		c->snd_wl2 = si->ack;
		if (c->snd_wnd > c->max_snd_wnd)
			c->max_snd_wnd = c->snd_wnd;
		if (c->snd_wnd != 0) {
			if (c->rexmt_kind == OTCPR_PERSIST)
				otcp_timer_stop(c, OTCPT_REXMT);
			c->persist_backoff = 0;
		}
	}
}

/* Our FIN and all data acknowledged (T10): the close completes; the
 * receive side stays open until the peer closes its half.
 */
static void
fin_acked_in(struct ofld_tcp_conn *c)
{
	if (!otcp_fin_acked(c) || c->snd_una != c->snd_max || c->close_done ||
	    c->sl_head != NULL)
		return;
	otcp_timer_stop(c, OTCPT_REXMT);
	if (c->state == OTCPS_FIN_WAIT_1) {
		c->state = OTCPS_FIN_WAIT_2;
	} else if (c->state == OTCPS_CLOSING) {
		otcp_timer_enter_time_wait(c);
	}
	otcp_conn_closed(c);
}

/* The peer's FIN at fin_seq, all data before it delivered. */
static void
peer_fin(struct ofld_tcp_conn *c)
{
	c->rcv_fin_held = false;
	if (c->state == OTCPS_ESTABLISHED) {
		c->state = OTCPS_CLOSE_WAIT;
	} else if (c->state == OTCPS_FIN_WAIT_1) {
		c->state = OTCPS_CLOSING;
	} else if (c->state == OTCPS_FIN_WAIT_2) {
		otcp_timer_enter_time_wait(c);
	}
	c->rcv_nxt++;
	if (!c->released)
		otcp_compl_event(c, &c->ev_fin, EVK_PEER_FIN,
				 OFLD_TCP_SUCCESS);
}

/* A FIN in this segment, or held from an earlier one (R8: a FIN out of
 * order is kept until the data before it arrived). true: ACK now.
 */
static bool
peer_fin_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (otcp_closed_by_peer(c))
		return false;
	if ((si->flags & TH_FIN) && SEQ_GT(si->seq + si->len, c->rcv_nxt)) {
		c->rcv_fin_held = true;
		c->rcv_fin_seq = si->seq + si->len;
		if (si->len == 0)
			return true;	/* out of order: a dup ACK at once */
	}
	if ((si->flags & TH_FIN) && si->seq + si->len == c->rcv_nxt &&
	    c->ooo_head == NULL) {
		peer_fin(c);
		return true;
	}
	if (c->rcv_fin_held && c->rcv_fin_seq == c->rcv_nxt) {
		peer_fin(c);
		return true;
	}
	return false;
}

/* TIME-WAIT and a new SYN for its 4-tuple (RFC 6191): taken when its
 * timestamp, or else its sequence number, is beyond the old connection's.
 * true: the SYN went to a listener, c is gone.
 */
static bool
time_wait_syn(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
	      const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;
	struct conn_key k = c->key;
	bool newer = c->ts_ok && si->has_ts ? SEQ_GT(si->tsval, c->ts_recent) :
		SEQ_GT(si->seq, c->rcv_nxt);

	if (!c->released || !newer || otcp_listener_find(e, &k) < 0)
		return false;
	e->st.time_wait_reused++;
	otcp_conn_free(c);
	otcp_handshake_syn_in(e, frame, si, &k);
	return true;
}

/* Checks before the ACK: false when the segment goes no further. */
static bool
seg_checks(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
	   const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;

	if (c->state == OTCPS_TIME_WAIT &&
	    (si->flags & (TH_SYN | TH_ACK | TH_RST)) == TH_SYN &&
	    time_wait_syn(c, frame, si))
		return false;
	if (si->flags & TH_RST) {
		seg_rst(c, si);
		return false;
	}
	if (c->state == OTCPS_CLOSED)
		return false;
	if (si->flags & TH_SYN) {
		/* RFC 5961 4.2: a SYN on a synchronized connection */
		e->st.syn_challenged++;
		otcp_output_challenge_ack(c);
		return false;
	}
	if (paws_reject(c, si)) {
		e->st.paws_dropped++;
		otcp_output_ack(c);
		return false;
	}
	if (!seg_acceptable(c, si)) {
		e->st.bad_seq++;
		if (si->len != 0 && SEQ_LEQ(si->seq + si->len, c->rcv_nxt))
			/* all old: a duplicate (RFC 2883 4) */
			otcp_sack_note_dup(c, si->seq, si->seq + si->len);
		otcp_output_ack(c);
		if (c->state == OTCPS_TIME_WAIT && (si->flags & TH_FIN))
			otcp_timer_time_wait(c);	/* its FIN again */
		return false;
	}
	return (si->flags & TH_ACK) != 0;
}

static void
segment_in(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
	   const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;
	bool ack_now = false;

	e->st.segs_in++;
	c->last_rcv_us = e->now_us;
	c->keep_probes = 0;
	if (unlikely(c->state == OTCPS_SYN_SENT ||
		     c->state == OTCPS_SYN_RECEIVED) &&
	    !otcp_handshake_in(c, si))
		return;
	if (!seg_checks(c, frame, si))
		return;
	ts_recent_update(c, si);
	if (!ack_in(c, si) || c->state == OTCPS_CLOSED)
		return;
	window_update(c, si);
	fin_acked_in(c);
	if (unlikely(c->released) && si->len != 0) {
		/* nobody reads any more: the peer learns it (as Linux) */
		otcp_output_rst(c);
		otcp_conn_free(c);
		return;
	}
	/* payload; none after the peer's FIN (RFC 9293 3.10.7.4: ignored,
	 * acknowledged again)
	 */
	if (si->len != 0)
		ack_now = otcp_closed_by_peer(c) ? true :
			otcp_reass_data(c, frame, si);
	if (peer_fin_in(c, si))
		ack_now = true;
	if (ack_now)
		otcp_output_ack(c);
	else if (si->len != 0 && !otcp_timer_on(c, OTCPT_DELACK))
		otcp_timer_arm(c, OTCPT_DELACK, e->now_us + e->conf.delack_us);
	otcp_output(c);
}

/*
 * In-order data wants an ACK every second segment (RFC 9293 3.8.6.3, RFC
 * 5681 4.2): one per connection at the end of the input burst covers all
 * of its segments there, as Linux acknowledges a GRO batch (at most
 * OTCP_ACK_COALESCE_MAX unacknowledged that way). Out-of-order data,
 * holes filled, duplicates and FINs are acknowledged at once. The
 * sender counts the bytes an ACK covers (RFC 3465), so fewer ACKs cost
 * its window nothing; both ends save the work of the ACKs not sent.
 */
void
otcp_ack_at_burst_end(struct ofld_tcp_conn *c)
{
	struct ofld_tcp_engine *e = c->e;

	if (c->rcv_nxt - c->last_ack_sent >= OTCP_ACK_COALESCE_MAX ||
	    (!c->ack_queued && e->nb_ackq == OTCP_ACKQ)) {
		otcp_output_ack(c);	/* its queue entry, if any, finds 0 */
		return;
	}
	if (c->ack_queued)
		return;
	c->ack_queued = true;
	e->ackq[e->nb_ackq++] = c;
}

/* The ACKs owed at a burst's end: none where one went meanwhile (a data
 * segment carried it: unacked_segs is 0) or the connection is gone (its
 * slot, reset when reused, no longer says queued).
 */
static void
ack_burst_flush(struct ofld_tcp_engine *e)
{
	uint16_t i;

	for (i = 0; i < e->nb_ackq; i++) {
		struct ofld_tcp_conn *c = e->ackq[i];

		if (!c->ack_queued)
			continue;
		c->ack_queued = false;
		if (c->active && c->unacked_segs >= 2)
			otcp_output_ack(c);
	}
	e->nb_ackq = 0;
}

/* Frames the engine is done with: to the port (conf.consumed) or freed. */
static void
input_done(struct ofld_tcp_engine *e, struct rte_mbuf **done, uint16_t n)
{
	if (e->conf.consumed != NULL)
		e->conf.consumed(e->conf.consumed_arg, done, n);
	else
		rte_pktmbuf_free_bulk(done, n);
}

uint16_t
ofld_tcp_input(struct ofld_tcp_engine *e, struct rte_mbuf **frames,
	       uint16_t n, struct rte_mbuf **rest)
{
	struct ofld_tcp_conn *c, *last = NULL;
	struct rte_mbuf *m, *done[OTCP_INPUT_DONE];
	struct seg_hdrs h;
	struct seg_info si;
	struct conn_key key;
	uint16_t i, k = 0, nd = 0;

	otcp_now(e);
	for (i = 0; i < n; i++) {
		m = frames[i];
		if (seg_parse(m, &key, &si, &h) != 0 ||
		    seg_demux(e, &key, h.th, last, &c) != 0) {
			rest[k++] = m;
			continue;
		}
		last = c;
		/* ours: its checksum must hold (unless the port checked it) */
		if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
		    !ofld_l4_cksum_ok(m, h.l3, !key.ipv6, h.l4)) {
			e->st.csum_bad++;
			otcp_log_drop(e, &key, OTCP_DROP_CSUM);
		} else {
			seg_fields(e, &h, &si);
			if (c == NULL)
				otcp_handshake_syn_in(e, m, &si, &key);
			else
				segment_in(c, m, &si);
		}
		done[nd++] = m;
		if (nd == RTE_DIM(done)) {
			input_done(e, done, nd);
			nd = 0;
		}
	}
	if (nd != 0)
		input_done(e, done, nd);
	e->st.not_ours += k;
	if (unlikely(e->rx_short))
		otcp_reass_short(e);
	ack_burst_flush(e);
	otcp_output_flush(e);
	otcp_compl_flush(e);
	return k;
}
