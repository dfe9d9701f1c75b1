/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Output (T6, T7, T10, T14): segments built from the connection's header
 * template with their payload attached, zero copy, as external buffers
 * over the request's own mbufs; what the windows allow, cut at MSS and at
 * request ends (PSH on each request's last segment); the FIN after the
 * data; ACKs, challenge ACKs, window probes and RSTs; bursts to the wire;
 * and the ready list that shares a paced link between connections.
 */

#include <errno.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_ip.h>

#include "ofld_csum.h"
#include "ofld_tcp_var.h"

void
otcp_output_flush(struct ofld_tcp_engine *e)
{
	if (e->nb_out != 0) {
		e->conf.xmit(e->conf.xmit_arg, e->out, e->nb_out);
		e->nb_out = 0;
	}
}

/* Attach [off, off + len) of request chain req behind h. A cursor
 * remembers where the last slice ended, so that cutting a long request
 * walks its chain once, not once per segment.
 */
static int
attach_slice(struct ofld_tcp_conn *c, struct rte_mbuf *h,
	     struct rte_mbuf *req, uint32_t off, uint32_t len)
{
	struct rte_mbuf *seg = req, *tail = h, *mi;
	struct req_trk *t = ofld_req(req)->trk;
	uint32_t seg_start = 0, take;

	if (c->cur_req == req && c->cur_seg != NULL &&
	    off >= c->cur_seg_start) {
		seg = c->cur_seg;
		seg_start = c->cur_seg_start;
	}
	while (seg != NULL && off >= seg_start + seg->data_len) {
		seg_start += seg->data_len;
		seg = seg->next;
	}
	off -= seg_start;
	c->cur_req = req;
	c->cur_seg = seg;
	c->cur_seg_start = seg_start;
	while (len > 0 && seg != NULL) {
		take = RTE_MIN(len, (uint32_t)seg->data_len - off);
		mi = rte_pktmbuf_alloc(c->e->conf.tx_pool);
		if (unlikely(mi == NULL))
			return -ENOMEM;
		/* an external buffer over the slice, counted by the tracker */
		rte_mbuf_ext_refcnt_update(&t->shinfo, 1);
		rte_pktmbuf_attach_extbuf(mi,
			rte_pktmbuf_mtod_offset(seg, void *, off),
			rte_pktmbuf_iova_offset(seg, off), (uint16_t)take,
			&t->shinfo);
		mi->data_len = take;
		mi->pkt_len = take;
		tail->next = mi;
		tail = mi;
		h->nb_segs++;
		h->pkt_len += take;
		len -= take;
		if (off + take == seg->data_len) {
			/* the next slice starts in the next mbuf */
			seg_start += seg->data_len;
			seg = seg->next;
			c->cur_seg = seg;
			c->cur_seg_start = seg_start;
			off = 0;
		} else {
			off += take;
		}
	}
	return 0;
}

/* Lengths, IPv4 ID and checksums of a segment built on the template. */
static void
finish_l3_l4(struct ofld_tcp_conn *c, struct rte_mbuf *h, uint8_t *p,
	     struct rte_tcp_hdr *th)
{
	const bool offload = c->e->conf.tx_csum_offload;
	const uint32_t l3 = RTE_ETHER_HDR_LEN;
	const uint32_t l4 = l3 + (c->ipv6 ? 40 : 20);

	th->cksum = 0;
	if (offload) {
		h->l2_len = RTE_ETHER_HDR_LEN;
		h->l3_len = l4 - l3;
		h->l4_len = c->hdr_len - l4;
	}
	if (c->ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + l3);

		ip6->payload_len = rte_cpu_to_be_16(
			(uint16_t)(h->pkt_len - l4));
		if (offload) {
			h->ol_flags |= RTE_MBUF_F_TX_IPV6 |
				RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv6_phdr_cksum(ip6, 0);
		} else {
			th->cksum = ofld_l4_cksum(h, ip6, false, l4);
		}
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + l3);

		ip->total_length = rte_cpu_to_be_16((uint16_t)(h->pkt_len - l3));
		/* T14: IDs 0x8000..0xffff, DF set (in the template) */
		ip->packet_id = rte_cpu_to_be_16(0x8000 | (c->ip_id++ & 0x7fff));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		if (offload) {
			h->ol_flags |= RTE_MBUF_F_TX_IPV4 |
				RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv4_phdr_cksum(ip, 0);
		} else {
			th->cksum = ofld_l4_cksum(h, ip, true, l4);
		}
	}
}

/* Build and queue one segment: seq, flags, payload [off, off+len) of req. */
int
otcp_output_segment(struct ofld_tcp_conn *c, uint32_t seq, uint8_t flags,
		    struct rte_mbuf *req, uint32_t off, uint32_t len)
{
	struct ofld_tcp_engine *e = c->e;
	const uint32_t l4 = RTE_ETHER_HDR_LEN + (c->ipv6 ? 40 : 20);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *h;
	uint8_t *p;

	h = rte_pktmbuf_alloc(e->conf.tx_pool);
	if (unlikely(h == NULL)) {
		e->st.nomem++;
		return -ENOMEM;
	}
	p = (uint8_t *)rte_pktmbuf_append(h, c->hdr_len);
	memcpy(p, c->tmpl, c->hdr_len);
	if (len != 0 && attach_slice(c, h, req, off, len) != 0) {
		rte_pktmbuf_free(h);
		e->st.nomem++;
		return -ENOMEM;
	}
	th = (struct rte_tcp_hdr *)(p + l4);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16((uint16_t)((c->rcv_wnd >> c->rcv_wscale) >
		65535u ? 65535u : c->rcv_wnd >> c->rcv_wscale));
	if (c->ts_ok) {
		/* 2-byte aligned in the frame: no uint32_t stores there */
		uint32_t ts[2] = { rte_cpu_to_be_32(otcp_ts_now(c)),
				   rte_cpu_to_be_32(c->ts_recent) };

		memcpy((uint8_t *)th + 24, ts, sizeof(ts));
	}
	finish_l3_l4(c, h, p, th);
	c->last_ack_sent = c->rcv_nxt;
	c->unacked_segs = 0;
	otcp_timer_stop(c, OTCPT_DELACK);
	e->st.segs_out++;
	e->st.bytes_out += len;
	otcp_output_put(e, h);
	return 0;
}

void
otcp_output_ack(struct ofld_tcp_conn *c)
{
	otcp_output_segment(c, c->snd_nxt, TH_ACK, NULL, 0, 0);
}

void
otcp_output_rst(struct ofld_tcp_conn *c)
{
	otcp_output_segment(c, c->snd_nxt, TH_RST | TH_ACK, NULL, 0, 0);
}

/*
 * A challenge ACK (RFC 5961: in-window RST or SYN, ACK of data never
 * sent), at most OFLD_TCP_CHALLENGE_PER_SEC per connection per second
 * (RFC 5961 section 7): a peer flooding such segments gets a bounded
 * answer; the rest are counted (challenge_limited). Per connection, not
 * per engine, so that one connection's budget tells nothing of another's.
 */
void
otcp_output_challenge_ack(struct ofld_tcp_conn *c)
{
	uint32_t now_ms = (uint32_t)(c->e->now_us / 1000);

	if (now_ms - c->chal_win_ms >= 1000) {
		c->chal_win_ms = now_ms;
		c->chal_sent = 0;
	}
	if (c->chal_sent >= OFLD_TCP_CHALLENGE_PER_SEC) {
		c->e->st.challenge_limited++;
		return;
	}
	c->chal_sent++;
	otcp_output_ack(c);
}

/* A zero-window probe: an old sequence number, so that the peer answers
 * with an ACK carrying its window (RFC 9293 3.8.6.1).
 */
void
otcp_output_window_probe(struct ofld_tcp_conn *c)
{
	otcp_output_segment(c, c->snd_una - 1, TH_ACK, NULL, 0, 0);
	c->e->st.persist_probes++;
}

void
otcp_ready_add(struct ofld_tcp_conn *c)
{
	struct ofld_tcp_engine *e = c->e;

	if (c->in_ready)
		return;
	c->in_ready = true;
	c->ready_next = NULL;
	if (e->ready_tail != NULL)
		e->ready_tail->ready_next = c;
	else
		e->ready_head = c;
	e->ready_tail = c;
}

struct ofld_tcp_conn *
otcp_ready_take(struct ofld_tcp_engine *e)
{
	struct ofld_tcp_conn *c = e->ready_head;

	if (c != NULL) {
		e->ready_head = c->ready_next;
		if (e->ready_head == NULL)
			e->ready_tail = NULL;
		c->in_ready = false;
	}
	return c;
}

/* Unlink c from the ready list: its slot may come back as a new one. */
void
otcp_ready_remove(struct ofld_tcp_conn *c)
{
	struct ofld_tcp_engine *e = c->e;
	struct ofld_tcp_conn **pp = &e->ready_head, *prev = NULL;

	if (!c->in_ready)
		return;
	while (*pp != c) {
		prev = *pp;
		pp = &(*pp)->ready_next;
	}
	*pp = c->ready_next;
	if (e->ready_tail == c)
		e->ready_tail = prev;
	c->in_ready = false;
}

/* Wire bytes the link lets start now; false (and the connection waits on
 * the ready list) when this segment does not fit.
 */
static bool
link_room(struct ofld_tcp_conn *c, uint32_t len)
{
	struct ofld_tcp_engine *e = c->e;
	const uint64_t wire = (uint64_t)len + c->hdr_len + 24;

	if (unlikely(!e->room_valid)) {
		e->room = e->conf.tx_room != NULL ?
			e->conf.tx_room(e->conf.xmit_arg) : UINT64_MAX;
		e->room_valid = true;
	}
	if (e->room < wire) {
		otcp_ready_add(c);	/* the link is busy: later */
		e->link_busy = true;
		return false;
	}
	e->room -= wire;
	return true;
}

/* Bookkeeping of a data segment just sent from snd_nxt. */
static void
sent_data(struct ofld_tcp_conn *c, uint32_t len)
{
	if (SEQ_GEQ(c->snd_nxt, c->snd_max)) {
		/* new data: time it if nothing is being timed */
		if (c->rtt_start_us == 0) {
			c->rtt_start_us = c->e->now_us;
			c->rtt_seq = c->snd_nxt + len;
		}
	} else {
		c->e->st.retrans_segs++;
		c->e->st.retrans_bytes += len;
	}
	c->snd_nxt += len;
	if (SEQ_GT(c->snd_nxt, c->snd_max))
		c->snd_max = c->snd_nxt;
	c->nxt_off += len;
	if (c->nxt_off == c->nxt_req->pkt_len) {
		c->nxt_req = req_next(c->nxt_req);
		c->nxt_off = 0;
	}
	if (!otcp_timer_on(c, OTCPT_REXMT))
		otcp_loss_arm_rto(c);
}

/* The FIN after the data (T10), without waiting for ACKs; again when
 * go-back-N reaches it.
 */
static void
output_fin(struct ofld_tcp_conn *c)
{
	if (otcp_closed_by_us(c) && !c->fin_sent && c->snd_nxt == c->snd_end) {
		if (otcp_output_segment(c, c->snd_nxt, TH_FIN | TH_ACK, NULL,
					0, 0) == 0) {
			c->fin_sent = true;
			c->snd_nxt++;
			if (SEQ_GT(c->snd_nxt, c->snd_max))
				c->snd_max = c->snd_nxt;
			if (!otcp_timer_on(c, OTCPT_REXMT))
				otcp_loss_arm_rto(c);
		}
	} else if (c->fin_sent && c->snd_nxt == c->snd_end &&
		   !otcp_fin_acked(c) && SEQ_LT(c->snd_nxt, c->snd_max)) {
		if (otcp_output_segment(c, c->snd_nxt, TH_FIN | TH_ACK, NULL,
					0, 0) == 0)
			c->snd_nxt++;
	}
}

/* Send what the windows allow (T7), segments cut at request ends (T6). */
void
otcp_output(struct ofld_tcp_conn *c)
{
	uint32_t win, flight, room, len, rem, sent = 0;
	uint8_t flags;

	if (!otcp_synchronized(c))
		return;
	otcp_sendq_take_posted(c);
	for (;;) {
		win = RTE_MIN(c->snd_wnd, c->cwnd);
		flight = c->snd_nxt - c->snd_una;
		room = win > flight ? win - flight : 0;
		if (c->nxt_req != NULL && c->snd_wnd == 0 &&
		    c->snd_una == c->snd_max &&
		    !otcp_timer_on(c, OTCPT_PERSIST))
			/* closed window, nothing in flight: probe it later */
			otcp_timer_arm(c, OTCPT_PERSIST, c->e->now_us +
				((uint64_t)c->rto_us << c->persist_backoff));
		if (c->nxt_req == NULL || room == 0)
			break;
		if (sent == OUTPUT_QUANTUM) {
			otcp_ready_add(c);	/* its turn again later */
			break;
		}
		rem = c->nxt_req->pkt_len - c->nxt_off;
		len = RTE_MIN(rem, (uint32_t)c->mss);
		len = RTE_MIN(len, room);
		/* no runt segments while a full one will fit soon */
		if (len < rem && len < c->mss && flight != 0)
			break;
		if (!link_room(c, len))
			break;
		flags = TH_ACK | (len == rem ? TH_PSH : 0);
		if (otcp_output_segment(c, c->snd_nxt, flags, c->nxt_req,
					c->nxt_off, len) != 0) {
			otcp_ready_add(c); /* out of mbufs: try again next poll */
			break;
		}
		sent_data(c, len);
		sent++;
	}
	output_fin(c);
}

/* Resend the segment at snd_una (fast retransmit, partial ACK). */
void
otcp_output_una(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m = c->sl_head;
	uint32_t rem, len;

	if (m == NULL) {
		if (c->fin_sent && !otcp_fin_acked(c))
			otcp_output_segment(c, c->snd_end, TH_FIN | TH_ACK, NULL,
					    0, 0);
		return;
	}
	rem = m->pkt_len - c->head_done;
	len = RTE_MIN(rem, (uint32_t)c->mss);
	if (otcp_output_segment(c, c->snd_una, TH_ACK |
				(len == rem ? TH_PSH : 0), m, c->head_done,
				len) == 0) {
		c->e->st.retrans_segs++;
		c->e->st.retrans_bytes += len;
	}
	c->rtt_start_us = 0;	/* Karn */
}
