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
		/* an external buffer over the slice, counted by the tracker */
		if (unlikely(!otcp_compl_trk_ref(c, t)))
			return -EBUSY;
		mi = rte_pktmbuf_alloc(c->e->conf.tx_pool);
		if (unlikely(mi == NULL)) {
			c->bias_left++;	/* the reference not taken */
			return -ENOMEM;
		}
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
	     struct rte_tcp_hdr *th, uint32_t hl)
{
	const bool offload = c->e->conf.tx_csum_offload;
	const uint32_t l3 = RTE_ETHER_HDR_LEN;
	const uint32_t l4 = l3 + (c->ipv6 ? 40 : 20);

	th->cksum = 0;
	if (offload) {
		h->l2_len = RTE_ETHER_HDR_LEN;
		h->l3_len = l4 - l3;
		h->l4_len = hl - l4;
	}
	if (c->ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + l3);

		ip6->payload_len = rte_cpu_to_be_16(
			(uint16_t)(h->pkt_len - l4));
		if (offload) {
			h->ol_flags |= RTE_MBUF_F_TX_IPV6 |
				RTE_MBUF_F_TX_TCP_CKSUM;
			/* a TSO burst's: without the length */
			th->cksum = rte_ipv6_phdr_cksum(ip6, h->ol_flags);
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
			th->cksum = rte_ipv4_phdr_cksum(ip, h->ol_flags);
		} else {
			th->cksum = ofld_l4_cksum(h, ip, true, l4);
		}
	}
}

/* The window field: what otcp_rcv_window() offers, scaled (R8). */
static inline uint16_t
window_field(struct ofld_tcp_conn *c)
{
	uint32_t w = otcp_rcv_window(c) >> c->rcv_wscale;

	return (uint16_t)RTE_MIN(w, 65535u);
}

/* Build and queue one segment: seq, flags, payload [off, off+len) of req,
 * with SACK blocks when reassembly holds data (R2).
 */
int
otcp_output_segment(struct ofld_tcp_conn *c, uint32_t seq, uint8_t flags,
		    struct rte_mbuf *req, uint32_t off, uint32_t len)
{
	struct ofld_tcp_engine *e = c->e;
	const uint32_t l4 = RTE_ETHER_HDR_LEN + (c->ipv6 ? 40 : 20);
	uint8_t sack[40], *p;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *h;
	uint32_t sl = 0, hl;

	h = rte_pktmbuf_alloc(e->conf.tx_pool);
	if (unlikely(h == NULL)) {
		e->st.nomem++;
		otcp_log_drop(e, &c->key, OTCP_DROP_TX_NOMEM);
		return -ENOMEM;
	}
	if (unlikely(c->nb_sack_out != 0) && !(flags & TH_RST)) {
		/* blocks fit in the option space and, beside payload, in
		 * the MSS (the frame stays within the MTU): a full data
		 * segment carries none, the ACKs do
		 */
		uint32_t room = c->ts_ok ? 40 - TS_OPT_LEN : 40;

		if (len != 0)
			room = u32_min(room, c->mss > len ? c->mss - len : 0);
		sl = otcp_sack_options(c, sack, room);
	}
	hl = c->hdr_len + sl;
	p = (uint8_t *)rte_pktmbuf_append(h, (uint16_t)hl);
	memcpy(p, c->tmpl, c->hdr_len);
	memcpy(p + c->hdr_len, sack, sl);
	if (len != 0) {
		int r = attach_slice(c, h, req, off, len);

		if (unlikely(r != 0)) {
			rte_pktmbuf_free(h);
			if (r == -EBUSY) {
				e->st.trk_busy++;
				otcp_log_drop(e, &c->key, OTCP_DROP_TRK_BUSY);
			} else {
				e->st.nomem++;
			}
			return r;
		}
	}
	if (len > c->mss) {
		/* a TSO burst (conf.tso_max): cut in MSS segments below */
		h->ol_flags |= RTE_MBUF_F_TX_TCP_SEG;
		h->tso_segsz = (uint16_t)c->mss;
		e->st.tso_bursts++;
	}
	th = (struct rte_tcp_hdr *)(p + l4);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(c->rcv_nxt);
	th->tcp_flags = flags;
	th->data_off = (uint8_t)(((hl - l4) / 4) << 4);
	th->rx_win = rte_cpu_to_be_16(window_field(c));
	if (c->ts_ok) {
		/* 2-byte aligned in the frame: no uint32_t stores there */
		uint32_t ts[2] = { rte_cpu_to_be_32(otcp_ts_now(c)),
				   rte_cpu_to_be_32(c->ts_recent) };

		memcpy((uint8_t *)th + 24, ts, sizeof(ts));
	}
	finish_l3_l4(c, h, p, th, hl);
	c->last_ack_sent = c->rcv_nxt;
	c->rcv_taken_acked = __atomic_load_n(&c->rcv_taken, __ATOMIC_RELAXED);
	c->unacked_segs = 0;
	otcp_timer_stop(c, OTCPT_DELACK);
	e->st.segs_out += len > c->mss ? (len + c->mss - 1) / c->mss : 1;
	e->st.bytes_out += len;
	otcp_output_put(e, h);
	return 0;
}

/* An ACK now; without an mbuf for it, the delayed-ACK timer sends it
 * later (an ACK the peer waits for, of its FIN say, is not just lost).
 */
void
otcp_output_ack(struct ofld_tcp_conn *c)
{
	if (otcp_output_segment(c, c->snd_nxt, TH_ACK, NULL, 0, 0) != 0 &&
	    !otcp_timer_on(c, OTCPT_DELACK))
		otcp_timer_arm(c, OTCPT_DELACK,
			       c->e->now_us + c->e->conf.delack_us);
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

/* A zero-window or keepalive probe: an old sequence number, so that the
 * peer answers with an ACK carrying its window (RFC 9293 3.8.6.1, 3.8.4).
 */
void
otcp_output_window_probe(struct ofld_tcp_conn *c)
{
	otcp_output_segment(c, c->snd_una - 1, TH_ACK, NULL, 0, 0);
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
	/* a TSO burst occupies the wire as its segments */
	const uint32_t segs = len > c->mss ? (len + c->mss - 1) / c->mss : 1;
	const uint64_t wire = (uint64_t)len + (uint64_t)segs *
		(c->hdr_len + 24u);

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

/* Send [seq, seq + len) again (loss repair or a tail probe); it lies in
 * one range of the send map. 0, or -1 when it cannot go now.
 */
static int
resend(struct ofld_tcp_conn *c, uint32_t seq, uint32_t len)
{
	struct rte_mbuf *req;
	uint32_t off;
	uint8_t flags = TH_ACK;

	if (otcp_sendq_locate(c, seq, &req, &off) != 0)
		return -1;	/* not posted (again) yet */
	len = RTE_MIN(len, req->pkt_len - off);
	if (len == req->pkt_len - off)
		flags |= TH_PSH;
	if (otcp_output_segment(c, seq, flags, req, off, len) != 0) {
		otcp_ready_add(c);	/* out of mbufs: next poll */
		return -1;
	}
	otcp_smap_sent(c, seq, len, false);
	otcp_loss_sent(c, len, true);
	c->e->st.retrans_segs++;
	c->e->st.retrans_bytes += len;
	return 0;
}

/* Our FIN again (its range was lost, or a tail probe). */
static int
resend_fin(struct ofld_tcp_conn *c)
{
	if (otcp_output_segment(c, c->snd_end, TH_FIN | TH_ACK, NULL, 0, 0)
	    != 0) {
		/* out of mbufs: next poll, as resend(); nothing else would
		 * try before the next RTO
		 */
		otcp_ready_add(c);
		return -1;
	}
	otcp_smap_sent(c, c->snd_end, 1, true);
	otcp_loss_sent(c, 1, true);
	c->e->st.retrans_segs++;
	return 0;
}

/* RFC 6675 NextSeg rule 1: repair the first range marked lost.
 * 1: sent; 0: nothing to repair; -1: it has to wait.
 */
static int
output_lost(struct ofld_tcp_conn *c)
{
	struct otcp_sm *m = otcp_smap_next_lost(c);
	uint32_t len;

	if (m == NULL)
		return 0;
	if (m->flags & OTCP_SM_FIN)
		return otcp_loss_send_allowance(c) != 0 && resend_fin(c) == 0 ?
			1 : -1;
	if (!SEQ_LT(m->start, c->snd_end))
		return 0;	/* the data is not posted again yet */
	len = RTE_MIN(m->end - m->start, (uint32_t)c->mss);
	len = RTE_MIN(len, c->snd_end - m->start);
	/* within the peer's window, and what cwnd lets go */
	if (c->snd_wnd == 0 ||
	    (SEQ_GT(m->start + len, c->snd_una + c->snd_wnd) &&
	     m->start != c->snd_una) ||
	    otcp_loss_send_allowance(c) < len || !link_room(c, len))
		return -1;
	return resend(c, m->start, len) == 0 ? 1 : -1;
}

/* Book a new segment of len bytes just sent at snd_nxt. */
static void
sent_new(struct ofld_tcp_conn *c, uint32_t len)
{
	otcp_smap_sent(c, c->snd_nxt, len, false);
	if (c->rtt_start_us == 0) {
		/* time it if nothing is being timed (RFC 6298 3) */
		c->rtt_start_us = c->e->now_us;
		c->rtt_seq = c->snd_nxt + len;
	}
	c->snd_nxt += len;
	c->snd_max = c->snd_nxt;
	c->nxt_off += len;
	if (c->nxt_off == c->nxt_req->pkt_len) {
		c->nxt_req = req_next(c->nxt_req);
		c->nxt_off = 0;
	}
	c->last_send_us = c->e->now_us;
	otcp_loss_sent(c, len, false);
}

/* The most new data one frame may carry: a TSO burst of whole MSS
 * segments where the engine may send them (not for a tail probe), else
 * one MSS.
 */
static inline uint32_t
burst_max(const struct ofld_tcp_conn *c, bool cwnd)
{
	uint32_t t = c->e->conf.tso_max;

	if (likely(t == 0) || !cwnd || t < 2 * c->mss)
		return c->mss;
	return t - t % c->mss;
}

/* New data from snd_nxt; cwnd: whether the congestion window applies
 * (not for a tail loss probe). 1: sent; 0: nothing may go; -1: wait.
 */
static int
output_new(struct ofld_tcp_conn *c, bool cwnd)
{
	uint32_t rem, len, room, wnd_end = c->snd_una + c->snd_wnd;

	if (c->nxt_req == NULL || !SEQ_LT(c->snd_nxt, wnd_end))
		return 0;
	room = wnd_end - c->snd_nxt;
	if (cwnd)
		room = RTE_MIN(room, otcp_loss_send_allowance(c));
	rem = c->nxt_req->pkt_len - c->nxt_off;
	len = u32_min(u32_min(rem, burst_max(c, cwnd)), room);
	if (len > c->mss && len < rem)
		len -= len % c->mss;	/* whole segments; short at the end */
	/* no runt segments while a full one will fit soon */
	if (len == 0 || (len < rem && len < c->mss && c->snd_max != c->snd_una))
		return 0;
	if (cwnd && !link_room(c, len))
		return -1;
	if (otcp_output_segment(c, c->snd_nxt, TH_ACK |
				(len == rem ? TH_PSH : 0), c->nxt_req,
				c->nxt_off, len) != 0) {
		otcp_ready_add(c); /* out of mbufs: try again next poll */
		return -1;
	}
	sent_new(c, len);
	return 1;
}

/* The FIN after the data (T10), without waiting for ACKs. */
static void
output_fin(struct ofld_tcp_conn *c)
{
	if (!otcp_closed_by_us(c) || c->fin_sent || c->snd_nxt != c->snd_end ||
	    c->e->nb_sm_free == 0)
		return;
	if (otcp_output_segment(c, c->snd_nxt, TH_FIN | TH_ACK, NULL, 0, 0)
	    != 0)
		return;
	otcp_smap_sent(c, c->snd_nxt, 1, true);
	c->fin_sent = true;
	c->snd_nxt++;
	c->snd_max = c->snd_nxt;
}

/* RFC 5681 4.1: after an idle period longer than the RTO, start again
 * from the initial window.
 */
static void
restart_after_idle(struct ofld_tcp_conn *c)
{
	uint32_t iw = u32_min(10u * c->mss, u32_max(2u * c->mss, 14600u));

	if (c->last_send_us == 0 || c->snd_una != c->snd_max ||
	    c->recovery != OTCP_REC_NONE || c->cwnd <= iw ||
	    c->e->now_us - c->last_send_us <= c->rto_us)
		return;
	c->cwnd = iw;
	c->e->st.ssr_idle++;
}

/* Closed window with data waiting and nothing in flight: probe it later
 * (RFC 9293 3.8.6.1).
 */
static void
persist_check(struct ofld_tcp_conn *c)
{
	if (c->nxt_req != NULL && c->snd_wnd == 0 &&
	    c->snd_una == c->snd_max && !otcp_timer_on(c, OTCPT_REXMT))
		otcp_rexmt_arm(c, OTCPR_PERSIST, c->e->now_us +
			       otcp_backed_off(c->e, c->rto_us,
					       c->persist_backoff));
}

/* Send what the windows allow (T7): lost ranges first, then new data cut
 * at request ends (T6), then the FIN.
 */
void
otcp_output(struct ofld_tcp_conn *c)
{
	uint32_t sent = 0;
	int r;

	if (!otcp_synchronized(c) || c->state == OTCPS_TIME_WAIT)
		return;
	otcp_sendq_take_posted(c);
	restart_after_idle(c);
	for (;;) {
		if (sent == OUTPUT_QUANTUM) {
			otcp_ready_add(c);	/* its turn again later */
			break;
		}
		if (unlikely(c->e->nb_sm_free < 3)) {
			c->e->st.smap_nomem++;
			otcp_log_drop(c->e, &c->key, OTCP_DROP_SMAP);
			otcp_ready_add(c);
			break;
		}
		r = c->lost_bytes != 0 ? output_lost(c) : 0;
		if (r == 0)
			r = output_new(c, true);
		if (r <= 0)
			break;
		sent++;
	}
	output_fin(c);
	persist_check(c);
	/* new data sent moves a tail loss probe on (RFC 8985 7.2); an
	 * outstanding flight always has a timer
	 */
	if (c->snd_una != c->snd_max &&
	    (sent != 0 || !otcp_timer_on(c, OTCPT_REXMT)))
		otcp_loss_timer_update(c, false);
}

/* A tail loss probe (RFC 8985 7.3): one new segment if the peer's window
 * allows, else the last one sent again.
 */
int
otcp_output_tlp(struct ofld_tcp_conn *c)
{
	struct otcp_sm *t = c->sm_tail;
	uint32_t len;
	int r;

	if (t == NULL || c->e->nb_sm_free < 3)
		return -1;
	otcp_sendq_take_posted(c);
	c->tlp_high = c->snd_max;
	c->tlp_retrans = false;
	if (output_new(c, false) == 1) {
		c->tlp_high = c->snd_max;
	} else {
		c->tlp_retrans = true;
		if (t->flags & OTCP_SM_FIN) {
			r = resend_fin(c);
		} else {
			len = RTE_MIN(t->end - t->start, (uint32_t)c->mss);
			r = resend(c, t->end - len, len);
		}
		if (r != 0) {
			c->tlp_high = 0;
			return -1;
		}
	}
	c->e->st.tlp_sent++;
	return 0;
}
