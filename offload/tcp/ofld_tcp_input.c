/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Input: what happens to a received frame, in this order (T8, T9, W1;
 * RFC 9293 3.10.7.4, RFC 5961):
 *   ofld_tcp_input
 *     seg_parse      Ethernet, IPv4/IPv6, TCP header lengths (not ours:
 *                    back to the application, W1)
 *     seg_demux      connection by 4-tuple, or a listener for a SYN
 *     checksum       unless the port verified it
 *     seg_fields     sequence numbers, window, options
 *     otcp_handshake_syn_in   (SYN to a listener), or
 *     segment_in
 *       otcp_handshake_in     SYN-SENT, SYN-RECEIVED
 *       seg_rst / SYN         RFC 5961 3.2, 4.2
 *       acceptability         RFC 9293 3.10.7.4
 *       ack_in                new data acked, duplicate ACKs -> loss
 *       window_update         SND.WL1/WL2
 *       fin_acked             FIN-WAIT-1 -> 2, CLOSING, LAST-ACK
 *       otcp_reass_data       payload, in order or held
 *       peer FIN              CLOSE-WAIT, CLOSING, TIME-WAIT
 *       ACK now or delayed, then otcp_output
 */

#include <string.h>

#include <rte_byteorder.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "ofld_csum.h"
#include "ofld_tcp_var.h"

/* Where a parsed frame's headers are. */
struct seg_hdrs {
	const struct rte_tcp_hdr *th;
	const void *l3;
	uint32_t l4, thl;
};

/* TCP options: MSS, window scale, SACK permitted, timestamps. */
static void
parse_opts(const struct rte_tcp_hdr *th, uint32_t optlen, struct seg_info *si)
{
	const uint8_t *o = (const uint8_t *)(th + 1);
	uint32_t i = 0;

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
		}
		if (o[i] == 8 && o[i + 1] == 10) {
			/* options have any alignment (x86 unaligned_uint32_t
			 * is plain uint32_t: loading through it is UB)
			 */
			memcpy(&si->tsval, &o[i + 2], 4);
			memcpy(&si->tsecr, &o[i + 6], 4);
			si->has_ts = true;
			si->tsval = rte_be_to_cpu_32(si->tsval);
			si->tsecr = rte_be_to_cpu_32(si->tsecr);
		}
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
		memcpy(k->local_ip, ip6->dst_addr, 16);
		memcpy(k->remote_ip, ip6->src_addr, 16);
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

/* The connection of a 4-tuple; NULL for a SYN to a listener. 0 or -1. */
static int
seg_demux(struct ofld_tcp_engine *e, const struct conn_key *k,
	  const struct rte_tcp_hdr *th, struct ofld_tcp_conn **cp)
{
	void *data;

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
	si->payload_off = h->l4 + h->thl;
	parse_opts(h->th, h->thl - 20, si);
	if (unlikely(si->opt_bad))
		e->st.opt_bad++;
}

/* RST (RFC 5961 3.2): exact match resets, in-window challenges. */
static void
seg_rst(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	uint32_t wnd_end = c->rcv_nxt + RTE_MAX(c->rcv_wnd, 1u);

	c->e->st.rst_in++;
	if (si->seq == c->rcv_nxt) {
		otcp_conn_end(c, OFLD_TCP_ABORTED_BY_PEER);
	} else if (SEQ_GEQ(si->seq, c->rcv_nxt) && SEQ_LT(si->seq, wnd_end)) {
		c->e->st.rst_challenged++;
		otcp_output_challenge_ack(c);
	}
}

/* RFC 9293 3.10.7.4 for segments with data or FIN. */
static bool
seg_acceptable(const struct ofld_tcp_conn *c, const struct seg_info *si)
{
	uint32_t wnd_end = c->rcv_nxt + RTE_MAX(c->rcv_wnd, 1u);

	if (si->len == 0 && !(si->flags & TH_FIN))
		return true;
	return (SEQ_GEQ(si->seq, c->rcv_nxt) && SEQ_LT(si->seq, wnd_end)) ||
		(SEQ_LT(si->seq, c->rcv_nxt) &&
		 SEQ_GT(si->seq + si->len, c->rcv_nxt));
}

/* New data acknowledged: retire it, time it, grow the window. */
static void
ack_new(struct ofld_tcp_conn *c, const struct seg_info *si, uint32_t ack)
{
	struct ofld_tcp_engine *e = c->e;
	uint32_t acked = ack - c->snd_una;

	if (c->rtt_start_us != 0 && SEQ_GEQ(si->ack, c->rtt_seq)) {
		otcp_loss_rtt_sample(c, (uint32_t)(e->now_us - c->rtt_start_us));
		c->rtt_start_us = 0;
	}
	c->backoff = 0;
	c->dupacks = 0;
	otcp_sendq_ack(c, acked);
	c->snd_una = ack;
	if (SEQ_LT(c->snd_nxt, c->snd_una)) {
		c->snd_nxt = c->snd_una;
		otcp_sendq_reposition(c);
	}
	otcp_loss_on_ack(c, acked, ack);
	otcp_timer_stop(c, OTCPT_REXMT);
	if (c->snd_una != c->snd_max)
		otcp_loss_arm_rto(c);
}

/* The ACK field: false when the segment goes no further. */
static bool
ack_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;
	uint32_t ack;

	if (SEQ_GT(si->ack, c->snd_max)) {
		e->st.ack_unsent++;
		/* RFC 5961 5.2: ACK of what was never sent */
		otcp_output_challenge_ack(c);
		return false;
	}
	e->st.acks_in++;
	/* an ACK beyond what is queued here (data the previous stack sent,
	 * not posted again yet) counts up to what is queued
	 */
	ack = si->ack;
	if (SEQ_GT(ack, c->snd_end + (c->fin_sent ? 1 : 0)))
		ack = c->snd_end + (c->fin_sent ? 1 : 0);
	if (SEQ_GT(ack, c->snd_una))
		ack_new(c, si, ack);
	else if (si->ack == c->snd_una && si->len == 0 &&
		 !(si->flags & TH_FIN) && c->snd_una != c->snd_max &&
		 ((uint32_t)si->win << c->snd_wscale) == c->snd_wnd)
		otcp_loss_dupack(c);
	return true;
}

/* Window update (RFC 9293 SND.WL1/WL2). */
static void
window_update(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (SEQ_LT(c->snd_wl1, si->seq) ||
	    (c->snd_wl1 == si->seq && SEQ_LEQ(c->snd_wl2, si->ack))) {
		c->snd_wnd = (uint32_t)si->win << c->snd_wscale;
		c->snd_wl1 = si->seq;
		c->snd_wl2 = si->ack;
		if (c->snd_wnd != 0) {
			otcp_timer_stop(c, OTCPT_PERSIST);
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
	if (c->state == OTCPS_FIN_WAIT_1)
		c->state = OTCPS_FIN_WAIT_2;
	else if (c->state == OTCPS_CLOSING)
		c->state = OTCPS_TIME_WAIT;
	otcp_timer_stop(c, OTCPT_REXMT);
	otcp_conn_closed(c);
}

/* The peer's FIN, once everything before it arrived. */
static bool
peer_fin_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (!(si->flags & TH_FIN) || si->seq + si->len != c->rcv_nxt ||
	    otcp_closed_by_peer(c) || c->ooo_head != NULL)
		return false;
	if (c->state == OTCPS_ESTABLISHED)
		c->state = OTCPS_CLOSE_WAIT;
	else if (c->state == OTCPS_FIN_WAIT_1)
		c->state = OTCPS_CLOSING;
	else if (c->state == OTCPS_FIN_WAIT_2)
		c->state = OTCPS_TIME_WAIT;
	c->rcv_nxt++;
	otcp_compl_event(c, &c->ev_fin, EVK_PEER_FIN, OFLD_TCP_SUCCESS);
	return true;
}

static void
segment_in(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
	   const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;
	bool ack_now = false;

	e->st.segs_in++;
	if (unlikely(c->state == OTCPS_SYN_SENT ||
		     c->state == OTCPS_SYN_RECEIVED) &&
	    !otcp_handshake_in(c, si))
		return;
	if (si->flags & TH_RST) {
		seg_rst(c, si);
		return;
	}
	if (c->state == OTCPS_CLOSED)
		return;
	if (si->flags & TH_SYN) {
		/* RFC 5961 4.2: a SYN on a synchronized connection */
		e->st.syn_challenged++;
		otcp_output_challenge_ack(c);
		return;
	}
	if (!seg_acceptable(c, si)) {
		e->st.bad_seq++;
		otcp_output_ack(c);
		return;
	}
	if (!(si->flags & TH_ACK))
		return;
	if (si->has_ts && c->ts_ok && SEQ_LEQ(si->seq, c->last_ack_sent))
		c->ts_recent = si->tsval;	/* RFC 7323 4.3 */
	if (!ack_in(c, si))
		return;
	window_update(c, si);
	fin_acked_in(c);
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

uint16_t
ofld_tcp_input(struct ofld_tcp_engine *e, struct rte_mbuf **frames,
	       uint16_t n, struct rte_mbuf **rest)
{
	struct ofld_tcp_conn *c;
	struct seg_hdrs h;
	struct seg_info si;
	struct conn_key key;
	uint16_t i, k = 0;
	struct rte_mbuf *m;

	otcp_now(e);
	for (i = 0; i < n; i++) {
		m = frames[i];
		if (seg_parse(m, &key, &si, &h) != 0 ||
		    seg_demux(e, &key, h.th, &c) != 0) {
			rest[k++] = m;
			continue;
		}
		/* ours: its checksum must hold (unless the port checked it) */
		if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
		    RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
		    !ofld_l4_cksum_ok(m, h.l3, !key.ipv6, h.l4)) {
			e->st.csum_bad++;
		} else {
			seg_fields(e, &h, &si);
			if (c == NULL)
				otcp_handshake_syn_in(e, m, &si, &key);
			else
				segment_in(c, m, &si);
		}
		rte_pktmbuf_free(m);
	}
	e->st.not_ours += k;
	otcp_output_flush(e);
	otcp_compl_flush(e);
	return k;
}
