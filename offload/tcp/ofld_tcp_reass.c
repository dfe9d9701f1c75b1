/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Receiving (R8): in-order bytes are copied into rx_pool mbufs (the NIC's
 * DMA) and delivered as RECV events, each byte exactly once; segments
 * out of order are held, as disjoint ranges sorted by sequence number
 * (trimmed against what is held when they arrive, so that a held range
 * is never cut again), until the hole before them fills. What arrives
 * twice is reported as a D-SACK (RFC 2883), what is held as SACK blocks.
 *
 * The receive window follows buffer space: the receive buffer (rcv_buf)
 * less what is held out of order and what sits in RECV events the
 * application has not taken yet, bounded by the free mbufs of the
 * receive pool; its right edge never moves back (RFC 9293 3.8.6.2.2) and
 * moves on only by a worthwhile step (receiver SWS avoidance).
 */

#include <rte_branch_prediction.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_mempool.h>

#include "ofld_tcp_var.h"

/* n bytes of a frame from segment *s, offset *o, to dst; *s and *o
 * move past them. The caller has checked that the frame has them.
 */
static inline void
copy_from_chain(const struct rte_mbuf **s, uint32_t *o, uint8_t *dst,
		uint32_t n)
{
	uint32_t k;

	while (n > 0) {
		while (*o >= (*s)->data_len) {
			*o -= (*s)->data_len;
			*s = (*s)->next;
		}
		k = RTE_MIN(n, (uint32_t)(*s)->data_len - *o);
		rte_memcpy(dst, rte_pktmbuf_mtod_offset(*s, const uint8_t *,
							 *o), k);
		dst += k;
		n -= k;
		*o += k;
	}
}

/* [off, off + len) of frame in a chain of rx_pool mbufs, each filled to
 * its room (a NIC scattering a jumbo frame into small buffers), NULL
 * without them: one bulk allocation, copies piece by piece.
 */
static struct rte_mbuf *
rx_copy_chain(struct rte_mempool *mp, const struct rte_mbuf *frame,
	      uint32_t off, uint32_t len, uint32_t room)
{
	struct rte_mbuf *seg[OTCP_RX_SEGS_MAX];
	const struct rte_mbuf *s = frame;
	uint32_t nseg = (len + room - 1) / room, i, n, o = off;

	if (unlikely(rte_pktmbuf_alloc_bulk(mp, seg, nseg) != 0))
		return NULL;
	for (i = 0; i < nseg; i++) {
		n = RTE_MIN(room, len - i * room);
		copy_from_chain(&s, &o, rte_pktmbuf_mtod(seg[i], uint8_t *),
				n);
		seg[i]->data_len = (uint16_t)n;
		seg[i]->next = i + 1 < nseg ? seg[i + 1] : NULL;
	}
	seg[0]->nb_segs = (uint16_t)nseg;
	seg[0]->pkt_len = len;
	return seg[0];
}

/*
 * [off, off + len) of frame in new rx_pool mbufs (the NIC's receive DMA),
 * NULL without them. The common case, a payload in one piece of the frame
 * that fits one mbuf, is an allocation and a copy of the bytes; a longer
 * one (MTU 9000 into 2 KiB buffers) or one in several pieces is a chain
 * filled piece by piece. rte_pktmbuf_copy(), which also copies the
 * frame's metadata and allocates segment by segment, took 15% of the
 * receiving lcore at 100 Gbit/s, MTU 9000, and held it to 55-58 Gbit/s.
 */
static struct rte_mbuf *
rx_copy(struct ofld_tcp_conn *c, const struct rte_mbuf *frame, uint32_t off,
	uint32_t len)
{
	struct rte_mempool *mp = c->e->conf.rx_pool;
	const uint32_t dr = rte_pktmbuf_data_room_size(mp);
	const uint32_t room = dr - RTE_MIN(dr, (uint32_t)RTE_PKTMBUF_HEADROOM);
	const struct rte_mbuf *s = frame;
	uint32_t o = off;
	struct rte_mbuf *d;

	if (unlikely((uint64_t)off + len > frame->pkt_len || room == 0 ||
		     len > room * OTCP_RX_SEGS_MAX))
		return rte_pktmbuf_copy(frame, mp, off, len);
	while (s != NULL && o >= s->data_len) {
		o -= s->data_len;
		s = s->next;
	}
	if (unlikely(s == NULL))
		return rte_pktmbuf_copy(frame, mp, off, len);
	if (unlikely(o + len > s->data_len || len > room))
		return rx_copy_chain(mp, frame, off, len, room);
	d = rte_pktmbuf_alloc(mp);
	if (unlikely(d == NULL))
		return NULL;
	rte_memcpy(rte_pktmbuf_mtod(d, void *),
		   rte_pktmbuf_mtod_offset(s, const void *, o), len);
	d->data_len = (uint16_t)len;
	d->pkt_len = len;
	return d;
}

/* Hand in-order payload over. */
static void
deliver_mbuf(struct ofld_tcp_conn *c, struct rte_mbuf *d)
{
	ofld_req(d)->info = ofld_req_info(c->idx, OFLD_TCP_SUCCESS, EVK_RECV);
	ofld_req(d)->trk = (void *)(uintptr_t)c->gen;
	ofld_req(d)->acked = d->pkt_len;
	c->rcv_nxt += d->pkt_len;
	c->rcv_delivered += d->pkt_len;
	c->e->st.bytes_in += d->pkt_len;
	otcp_compl_put(c->e, ofld_req(d));
}

/* The OOO list is singly linked through the request field's link; a held
 * range's seq is kept in its acked field, PSH in its info.
 */
static inline uint32_t
held_seq(struct rte_mbuf *m)
{
	return ofld_req(m)->acked;
}

static inline uint32_t
held_end(struct rte_mbuf *m)
{
	return ofld_req(m)->acked + m->pkt_len;
}

/* Deliver the held ranges that now start at rcv_nxt. */
static void
ooo_drain(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m;

	while ((m = c->ooo_head) != NULL && held_seq(m) == c->rcv_nxt) {
		c->ooo_head = req_next(m);
		c->ooo_bytes -= m->pkt_len;
		if (ofld_req(m)->info & OOO_PSH)
			c->e->st.psh_in++;	/* its end is delivered now */
		deliver_mbuf(c, m);
	}
}

/* The run of held data around [seq, end): its ends, for a SACK block. */
static void
held_run(struct ofld_tcp_conn *c, uint32_t seq, uint32_t end, uint32_t *rs,
	 uint32_t *re)
{
	struct rte_mbuf *m;

	*rs = seq;
	*re = end;
	for (m = c->ooo_head; m != NULL; m = req_next(m)) {
		if (SEQ_LT(held_end(m), *rs))
			continue;
		if (SEQ_GT(held_seq(m), *re))
			break;
		if (SEQ_LT(held_seq(m), *rs))
			*rs = held_seq(m);
		if (SEQ_GT(held_end(m), *re))
			*re = held_end(m);
	}
}

/* Copy [off, off + len) of frame to a held range at seq, linked after
 * prev (NULL: first). false: no mbuf.
 */
static bool
ooo_link(struct ofld_tcp_conn *c, struct rte_mbuf *prev,
	 struct rte_mbuf *frame, uint32_t off, uint32_t seq, uint32_t len,
	 bool psh)
{
	struct rte_mbuf *d = rx_copy(c, frame, off, len);
	struct rte_mbuf *next = prev != NULL ? req_next(prev) : c->ooo_head;

	if (d == NULL) {
		c->e->st.rcv_nomem++;
		otcp_log_drop(c->e, &c->key, OTCP_DROP_RCV_NOMEM);
		return false;
	}
	otcp_rx_pool_took(c->e, d->nb_segs);
	ofld_req(d)->acked = seq;
	ofld_req(d)->info = psh ? OOO_PSH : 0;
	ofld_req(d)->link.next = next != NULL ? &ofld_req(next)->link : NULL;
	if (prev != NULL)
		ofld_req(prev)->link.next = &ofld_req(d)->link;
	else
		c->ooo_head = d;
	c->ooo_bytes += len;
	c->e->st.ooo_held++;
	return true;
}

/*
 * Hold [seq, seq + len) (beyond rcv_nxt) of frame at off: the parts that
 * fill gaps between held ranges are copied; parts held already are
 * duplicates (D-SACK).
 */
static void
ooo_insert(struct ofld_tcp_conn *c, struct rte_mbuf *frame, uint32_t off,
	   uint32_t seq, uint32_t len, bool psh)
{
	const uint32_t end = seq + len, seq0 = seq;
	struct rte_mbuf *prev = NULL, *cur = c->ooo_head;
	uint32_t piece, rs, re, ds = 0, de = 0;
	bool dup = false;

	while (SEQ_LT(seq, end)) {
		/* skip the held ranges that end at or before seq */
		while (cur != NULL && SEQ_LEQ(held_end(cur), seq)) {
			prev = cur;
			cur = req_next(cur);
		}
		if (cur != NULL && SEQ_LEQ(held_seq(cur), seq)) {
			piece = RTE_MIN(end, held_end(cur)) - seq;
			if (!dup) {	/* the first piece held already */
				dup = true;
				ds = seq;
				de = seq + piece;
			}
		} else {
			piece = (cur != NULL && SEQ_LT(held_seq(cur), end) ?
				 held_seq(cur) : end) - seq;
			if (!ooo_link(c, prev, frame, off + (seq - seq0), seq,
				      piece, psh && seq + piece == end))
				return;
			prev = prev != NULL ? req_next(prev) : c->ooo_head;
		}
		seq += piece;
	}
	/* the run holding it first; a D-SACK of what came twice before it
	 * (RFC 2883 4: the duplicate, then the block that holds it)
	 */
	held_run(c, seq0, end, &rs, &re);
	otcp_sack_note_rcvd(c, rs, re);
	if (dup)
		otcp_sack_note_dup(c, ds, de);
}

void
otcp_reass_free(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m, *n;

	for (m = c->ooo_head; m != NULL; m = n) {
		n = req_next(m);
		rte_pktmbuf_free(m);
	}
	c->ooo_head = NULL;
	c->ooo_bytes = 0;
}

/*
 * Memory is short: drop what c holds out of order (R8). RFC 2018 8 lets a
 * receiver renege on data it SACKed (its sender keeps it until it is
 * acknowledged cumulatively); Linux's tcp_prune_ofo_queue() does the same
 * under memory pressure. The SACK blocks that reported it go too; a
 * D-SACK stays.
 */
static void
ooo_renege(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m;
	uint64_t n = 0;

	for (m = c->ooo_head; m != NULL; m = req_next(m))
		n++;
	otcp_reass_free(c);
	c->e->st.ooo_reneged += n;
	c->nb_sack_out = c->dsack_out ? 1 : 0;
}

/*
 * In-order data found no mbuf during an input burst: every connection's
 * held data goes, so that the holes can fill. Otherwise held data can
 * take the last mbufs of a pool shared by many connections and no
 * connection moves again (in-order data dropped, nothing delivered, no
 * sender's data acknowledged and freed).
 */
void
otcp_reass_short(struct ofld_tcp_engine *e)
{
	uint32_t i;

	e->rx_short = false;
	for (i = 0; i < e->nb_active; i++)
		if (e->active[i]->ooo_head != NULL)
			ooo_renege(e->active[i]);
}

/*
 * New payload from a frame (acceptable: it reaches into the window). In
 * order goes up now, up to the first held range; the rest waits.
 * @return true when an ACK should go at once.
 */
bool
otcp_reass_data(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
		const struct seg_info *si)
{
	uint32_t off = si->payload_off, len = si->len, seq = si->seq, skip;
	const bool psh = (si->flags & TH_PSH) != 0;
	struct rte_mbuf *d;

	if (SEQ_LT(seq, c->rcv_nxt)) {
		skip = c->rcv_nxt - seq;
		/* what came before rcv_nxt came twice (RFC 2883) */
		otcp_sack_note_dup(c, seq, seq + RTE_MIN(skip, len));
		if (skip >= len)
			return true;	/* all old: ACK (D-SACK) again */
		off += skip;
		len -= skip;
		seq = c->rcv_nxt;
	}
	/* nothing beyond the right edge we announced */
	if (SEQ_GT(seq + len, c->rcv_adv)) {
		c->e->st.rcv_wnd_full++;
		len = SEQ_GT(c->rcv_adv, seq) ? c->rcv_adv - seq : 0;
		if (len == 0)
			return true;
	}
	if (seq != c->rcv_nxt) {
		c->quick_acks = OTCP_QUICKACKS;
		ooo_insert(c, frame, off, seq, len, psh);
		return true;	/* a dup ACK with SACK tells the sender at once */
	}
	if (c->ooo_head != NULL && SEQ_LT(held_seq(c->ooo_head), seq + len)) {
		/* the rest is held: what overlaps it came twice */
		otcp_sack_note_dup(c, held_seq(c->ooo_head),
				   SEQ_LT(seq + len, held_end(c->ooo_head)) ?
				   seq + len : held_end(c->ooo_head));
		len = held_seq(c->ooo_head) - seq;
	}
	if (psh && seq + len == si->seq + si->len)
		c->e->st.psh_in++;	/* counted once per delivered end */
	d = rx_copy(c, frame, off, len);
	if (unlikely(d == NULL) && c->ooo_head != NULL) {
		ooo_renege(c);	/* in order first: that moves the sender */
		d = rx_copy(c, frame, off, len);
	}
	if (unlikely(d == NULL)) {
		c->e->rx_short = true;
		c->e->st.rcv_nomem++;
		otcp_log_drop(c->e, &c->key, OTCP_DROP_RCV_NOMEM);
		return true;	/* not acked: it comes again; say where we are */
	}
	otcp_rx_pool_took(c->e, d->nb_segs);
	deliver_mbuf(c, d);
	if (c->ooo_head != NULL) {
		ooo_drain(c);
		return true;	/* a hole filled: ACK at once */
	}
	/* a coalesced (LRO) frame of several segments: an ACK at once, as
	 * Linux for a GRO packet over one MSS
	 */
	c->unacked_segs += len > c->mss ? 2 : 1;
	if (c->unacked_segs < 2)
		return false;
	if (c->quick_acks != 0) {
		c->quick_acks--;
		return true;
	}
	otcp_ack_at_burst_end(c);
	return false;
}

/* Bytes of buffer the receive window may offer now. */
static uint32_t
rcv_space(const struct ofld_tcp_conn *c)
{
	struct ofld_tcp_engine *e = c->e;
	uint64_t taken = __atomic_load_n(&c->rcv_taken, __ATOMIC_RELAXED);
	uint64_t held = c->ooo_bytes + (c->rcv_delivered > taken ?
					c->rcv_delivered - taken : 0);
	uint64_t space = c->rcv_buf > held ? c->rcv_buf - held : 0;
	uint32_t reserve = e->conf.rx_pool->size / 8;
	uint64_t pool;

	/* a share of the receive pool's free mbufs, one MSS each, so that
	 * the window never offers what there would be no mbuf for
	 */
	pool = otcp_rx_pool_free(e);
	pool = pool > reserve ? pool - reserve : 0;
	pool = pool * c->mss / RTE_MAX(e->nb_active, 1u);
	return (uint32_t)RTE_MIN(space, pool);
}

/*
 * The window to announce in a segment sent now (R8), and its right edge
 * in rcv_adv: never left of the last one announced; moved right only by
 * at least min(rcv_buf / 2, MSS) (RFC 9293 3.8.6.2.2); a multiple of the
 * window scale's unit.
 */
uint32_t
otcp_rcv_window(struct ofld_tcp_conn *c)
{
	const uint32_t unit = 1u << c->rcv_wscale;
	uint32_t cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ?
		c->rcv_adv - c->rcv_nxt : 0;
	uint32_t want = rcv_space(c) & ~(unit - 1);
	uint32_t step = RTE_MIN(c->rcv_buf / 2, (uint32_t)c->mss);
	const uint32_t max = RTE_MIN(c->rcv_buf, 65535u << c->rcv_wscale);

	want = RTE_MIN(want, max);
	if (want > cur && (want - cur >= step || want == max))
		cur = want;
	else
		cur = (cur + unit - 1) & ~(unit - 1);	/* keep the edge */
	c->rcv_adv = c->rcv_nxt + cur;
	return cur;
}

/* The application took data since our last segment, the window we
 * announced is at most half the buffer, and what is free now would at
 * least double it: a window update is due (as Linux's tcp_cleanup_rbuf).
 */
bool
otcp_rcv_window_update_due(const struct ofld_tcp_conn *c)
{
	uint32_t cur, space;

	if (!otcp_synchronized(c) || otcp_closed_by_peer(c) ||
	    __atomic_load_n(&c->rcv_taken, __ATOMIC_RELAXED) ==
	    c->rcv_taken_acked)
		return false;
	cur = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	if (2ull * cur > c->rcv_buf)
		return false;
	space = u32_min(rcv_space(c), 65535u << c->rcv_wscale);
	return space >= 2ull * cur && space - cur >= c->mss;
}
