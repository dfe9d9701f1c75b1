/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Receiving payload (the engine as a receiving peer): in-order bytes are
 * copied into rx_pool mbufs (the NIC's DMA) and delivered as RECV events;
 * out-of-order segments are held, sorted by sequence number, until the
 * hole before them fills (bounded: OOO_MAX per connection).
 */

#include <rte_branch_prediction.h>

#include "ofld_tcp_var.h"

/* Hand in-order payload over. */
static void
deliver_mbuf(struct ofld_tcp_conn *c, struct rte_mbuf *d)
{
	ofld_req(d)->info = ofld_req_info(c->idx, OFLD_TCP_SUCCESS, EVK_RECV);
	ofld_req(d)->trk = NULL;
	ofld_req(d)->acked = d->pkt_len;
	c->rcv_nxt += d->pkt_len;
	c->e->st.bytes_in += d->pkt_len;
	otcp_compl_put(c->e, ofld_req(d));
}

/* The OOO list is singly linked through the request field's link; the
 * segment's seq is kept in its acked field, PSH in its info.
 */

/* Deliver what the OOO list now continues (after rcv_nxt moved). */
static void
ooo_drain(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m;
	uint32_t seq, skip;

	while ((m = c->ooo_head) != NULL) {
		seq = ofld_req(m)->acked;
		if (SEQ_GT(seq, c->rcv_nxt))
			break;
		c->ooo_head = req_next(m);
		c->ooo_count--;
		skip = c->rcv_nxt - seq;
		if (skip >= m->pkt_len) {
			rte_pktmbuf_free(m);	/* all of it arrived already */
			continue;
		}
		if (ofld_req(m)->info & OOO_PSH)
			c->e->st.psh_in++;	/* its end is delivered now */
		rte_pktmbuf_adj(m, (uint16_t)skip);
		if (skip != 0 && m->data_len == 0) {
			/* adj works on the first mbuf: copy what is left */
			struct rte_mbuf *d = rte_pktmbuf_copy(m,
				c->e->conf.rx_pool, 0, UINT32_MAX);

			rte_pktmbuf_free(m);
			if (d == NULL)
				continue;
			m = d;
		}
		deliver_mbuf(c, m);
	}
}

/* Keep an out-of-order segment for reassembly (bounded). */
static void
ooo_insert(struct ofld_tcp_conn *c, struct rte_mbuf *frame, uint32_t off,
	   uint32_t seq, uint32_t len, bool psh)
{
	struct rte_mbuf *d, *prev = NULL, *cur = c->ooo_head;

	/* the same start seen before: a duplicate */
	while (cur != NULL && SEQ_LT(ofld_req(cur)->acked, seq)) {
		prev = cur;
		cur = req_next(cur);
	}
	if (cur != NULL && ofld_req(cur)->acked == seq &&
	    cur->pkt_len >= len)
		return;
	if (c->ooo_count >= OOO_MAX) {
		c->e->st.ooo_dropped++;
		return;
	}
	d = rte_pktmbuf_copy(frame, c->e->conf.rx_pool, off, len);
	if (d == NULL) {
		c->e->st.nomem++;
		return;
	}
	ofld_req(d)->acked = seq;
	ofld_req(d)->info = psh ? OOO_PSH : 0;
	ofld_req(d)->link.next = cur != NULL ? &ofld_req(cur)->link : NULL;
	if (prev != NULL)
		ofld_req(prev)->link.next = &ofld_req(d)->link;
	else
		c->ooo_head = d;
	c->ooo_count++;
	c->e->st.ooo_held++;
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
	c->ooo_count = 0;
}

/* New payload from a frame: in order goes up now, the rest waits.
 * @return true when an ACK should go at once.
 */
bool
otcp_reass_data(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
		const struct seg_info *si)
{
	uint32_t off = si->payload_off, len = si->len, seq = si->seq, skip;
	struct rte_mbuf *d;

	if (SEQ_LT(seq, c->rcv_nxt)) {
		skip = c->rcv_nxt - seq;
		if (skip >= len)
			return true;	/* all old: ACK again */
		off += skip;
		len -= skip;
		seq = c->rcv_nxt;
	}
	if (seq != c->rcv_nxt) {
		ooo_insert(c, frame, off, seq, len, (si->flags & TH_PSH) != 0);
		return true;	/* a dup ACK tells the sender at once */
	}
	if (si->flags & TH_PSH)
		c->e->st.psh_in++;	/* counted once per delivered end */
	d = rte_pktmbuf_copy(frame, c->e->conf.rx_pool, off, len);
	if (unlikely(d == NULL)) {
		c->e->st.nomem++;
		return false;	/* not acknowledged: it comes again */
	}
	deliver_mbuf(c, d);
	if (c->ooo_head != NULL) {
		ooo_drain(c);
		return true;	/* a hole filled: ACK at once */
	}
	return ++c->unacked_segs >= 2;
}
