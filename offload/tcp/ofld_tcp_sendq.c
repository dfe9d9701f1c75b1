/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Send requests (T1, T2, T3, T13): posting from any thread onto the
 * connection's lockless queue (nothing allocated, never refused for a
 * valid connection); the engine moves them, in order, onto the
 * connection's send list, keeps a cursor at snd_nxt, retires the
 * acknowledged ones, and hands all of them back when the connection ends.
 */

#include <errno.h>

#include <rte_mempool.h>

#include "ofld_tcp_var.h"

int
ofld_tcp_send(struct ofld_tcp_conn *h, struct rte_mbuf **reqs, uint16_t n)
{
	struct ofld_tcp_conn *c = otcp_conn(h);
	struct ofld_req_meta *first, *prev = NULL;
	uint64_t bytes = 0;
	uint16_t i;

	if (c == NULL || (n != 0 && reqs == NULL))
		return -EINVAL;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (reqs[i] == NULL || reqs[i]->pkt_len == 0 ||
		    reqs[i]->pkt_len > OFLD_TCP_MAX_REQ_BYTES)
			return -EINVAL;
	if (c->state == OTCPS_CLOSED || otcp_closed_by_us(c))
		return -EPIPE;
	/* link them first, then publish the chain in one step (T3) */
	for (i = 0; i < n; i++) {
		struct ofld_req_meta *r = ofld_req(reqs[i]);

		if (prev != NULL)
			prev->link.next = &r->link;
		prev = r;
		bytes += reqs[i]->pkt_len;
	}
	first = ofld_req(reqs[0]);
	__atomic_fetch_add(&c->posted_bytes, bytes, __ATOMIC_RELAXED);
	ofld_mpsc_push_chain(&c->sendq, &first->link, &prev->link);
	__atomic_fetch_add(&c->e->st.reqs_posted, n, __ATOMIC_RELAXED);
	/* tell the engine once; N0 pairs with N1 in ofld_tcp_poll() */
	if (!__atomic_exchange_n(&c->notified, 1, __ATOMIC_ACQ_REL))
		ofld_mpsc_push(&c->e->notify, &c->notify_node);
	return 0;
}

/* One request onto the send list, with its tracker. */
static void
sendq_append(struct ofld_tcp_conn *c, struct rte_mbuf *m, struct req_trk *t)
{
	struct ofld_req_meta *r = ofld_req(m);

	otcp_compl_trk_init(t);
	r->trk = t;
	r->link.next = NULL;
	if (c->sl_tail != NULL)
		ofld_req(c->sl_tail)->link.next = &r->link;
	else
		c->sl_head = m;
	c->sl_tail = m;
	c->snd_end += m->pkt_len;
	c->queued_bytes += m->pkt_len;
	__atomic_fetch_sub(&c->posted_bytes, m->pkt_len, __ATOMIC_RELAXED);
	/* the cursor of new data: at snd_nxt once it is covered */
	if (c->nxt_req == NULL && SEQ_LT(c->snd_nxt, c->snd_end))
		otcp_sendq_locate(c, c->snd_nxt, &c->nxt_req, &c->nxt_off);
}

/* Pull what was posted onto the send list (T3: in posting order), while
 * the sequence space in use stays under SEQ_IN_USE_MAX (R7): a request
 * that would pass it waits at the queue's head until ACKs make room.
 */
void
otcp_sendq_take_posted(struct ofld_tcp_conn *c)
{
	struct ofld_mpsc_node *n;
	struct rte_mbuf *m;
	struct req_trk *t;

	if (c->sendq_held != NULL) {
		/* the one that did not fit last time, first */
		m = c->sendq_held;
		if (c->snd_end - c->snd_una + m->pkt_len > SEQ_IN_USE_MAX)
			return;
		c->sendq_held = NULL;
		if (rte_mempool_get(c->e->trk_pool, (void **)&t) != 0) {
			c->sendq_held = m;
			c->e->st.nomem++;
			otcp_ready_add(c);
			return;
		}
		sendq_append(c, m, t);
	}
	/* nothing posted (the common case on an ACK): no tracker taken */
	while (!ofld_mpsc_empty(&c->sendq)) {
		/* a tracker first: without one the request waits queued */
		if (rte_mempool_get(c->e->trk_pool, (void **)&t) != 0) {
			c->e->st.nomem++;
			if (!ofld_mpsc_empty(&c->sendq))
				otcp_ready_add(c);	/* try again next poll */
			break;
		}
		n = ofld_mpsc_pop(&c->sendq);
		if (n == NULL) {
			rte_mempool_put(c->e->trk_pool, t);
			break;
		}
		m = ofld_req_of(n);
		if (c->snd_end - c->snd_una + m->pkt_len > SEQ_IN_USE_MAX) {
			rte_mempool_put(c->e->trk_pool, t);
			c->sendq_held = m;
			break;
		}
		sendq_append(c, m, t);
	}
}

/* The request holding byte seq of the stream, and the offset in it,
 * walking from the oldest request. 0, or -ENOENT (not on the send list).
 */
int
otcp_sendq_locate(struct ofld_tcp_conn *c, uint32_t seq, struct rte_mbuf **req,
		  uint32_t *off)
{
	uint32_t o = seq - (c->snd_una - c->head_done);
	struct rte_mbuf *m = c->sl_head;

	if (SEQ_LT(seq, c->snd_una) || !SEQ_LT(seq, c->snd_end))
		return -ENOENT;
	while (m != NULL && o >= m->pkt_len) {
		o -= m->pkt_len;
		m = req_next(m);
	}
	if (m == NULL)
		return -ENOENT;
	*req = m;
	*off = o;
	return 0;
}

/* Bytes newly acknowledged: retire requests, oldest first (T4). */
void
otcp_sendq_ack(struct ofld_tcp_conn *c, uint32_t acked)
{
	struct rte_mbuf *m;
	uint32_t rem;

	while (acked != 0 && (m = c->sl_head) != NULL) {
		rem = m->pkt_len - c->head_done;
		if (acked < rem) {
			c->head_done += acked;
			c->queued_bytes -= acked;
			return;
		}
		acked -= rem;
		c->queued_bytes -= rem;
		if (c->cur_req == m)
			c->cur_req = NULL;
		c->sl_head = req_next(m);
		if (c->sl_head == NULL)
			c->sl_tail = NULL;
		if (c->nxt_req == m) {
			c->nxt_req = c->sl_head;
			c->nxt_off = 0;
		}
		c->head_done = 0;
		otcp_compl_req_finish(c->e, c, m, OFLD_TCP_SUCCESS, m->pkt_len);
	}
}

/* Every pending request comes back with status (T9, T11, T12, T13). */
void
otcp_sendq_fail_all(struct ofld_tcp_conn *c, enum ofld_tcp_status status)
{
	struct rte_mbuf *m, *next, *held = NULL;
	struct ofld_mpsc_node *n;
	bool first = true;

	otcp_sendq_take_posted(c);
	if (c->sendq_held != NULL) {
		/* never on the send list: it comes after those on it */
		m = c->sendq_held;
		c->sendq_held = NULL;
		ofld_req(m)->link.next = NULL;
		ofld_req(m)->trk = NULL;
		held = m;
	}
	for (m = c->sl_head; m != NULL; m = next) {
		next = req_next(m);
		/* only the first can be partly acknowledged (T13) */
		otcp_compl_req_finish(c->e, c, m, status,
				      first ? c->head_done : 0);
		first = false;
	}
	c->sl_head = c->sl_tail = c->nxt_req = NULL;
	c->cur_req = NULL;
	c->head_done = 0;
	c->queued_bytes = 0;
	if (held != NULL) {
		__atomic_fetch_sub(&c->posted_bytes, held->pkt_len,
				   __ATOMIC_RELAXED);
		otcp_compl_req_finish(c->e, c, held, status, 0);
	}
	/* late posts (a racing producer) come back too */
	while ((n = ofld_mpsc_pop(&c->sendq)) != NULL) {
		m = ofld_req_of(n);
		ofld_req(m)->trk = NULL;	/* never sent: nothing refers */
		__atomic_fetch_sub(&c->posted_bytes, m->pkt_len,
				   __ATOMIC_RELAXED);
		otcp_compl_req_finish(c->e, c, m, status, 0);
	}
}
