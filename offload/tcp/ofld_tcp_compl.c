/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Completions and events (T4, T5, T13): a request's tracker says when no
 * segment of ours points into its buffers any more; acknowledged requests
 * wait, in order, in the engine's "waiting" FIFO until then, and leave
 * through the event ring with the connection events behind them. The ring
 * never drops: what does not fit waits in an overflow FIFO, in order.
 */

#include <rte_mempool.h>
#include <rte_ring.h>

#include "ofld_tcp_var.h"

static void
trk_free_cb(void *addr, void *opaque)
{
	struct req_trk *t = opaque;

	RTE_SET_USED(addr);
	/* T0: pairs with T1 in waiting_flush() and T2 in engine free */
	if (__atomic_exchange_n(&t->done, TRK_DONE, __ATOMIC_ACQ_REL) ==
	    TRK_ORPHAN)
		rte_pktmbuf_free(t->orphan);	/* its engine is gone */
}

void
otcp_compl_trk_init(struct req_trk *t)
{
	t->shinfo.free_cb = trk_free_cb;
	t->shinfo.fcb_opaque = t;
	rte_mbuf_ext_refcnt_set(&t->shinfo, 1);	/* the engine's */
	t->done = TRK_BUSY;
}

/* The engine lets go of a request's payload: its own reference and the
 * ahead ones no segment took.
 */
void
otcp_compl_trk_release(struct req_trk *t, uint32_t ahead)
{
	if (rte_mbuf_ext_refcnt_update(&t->shinfo,
				       (int16_t)-(int32_t)(1 + ahead)) == 0)
		__atomic_store_n(&t->done, TRK_DONE, __ATOMIC_RELEASE);
}

/*
 * A reference of tracker t for one more segment. TRK_BIAS are taken at
 * once for the request being cut: a locked add per segment waited for
 * every store before it (the new mbufs' headers, cold), about half of
 * otcp_output_segment's samples. A different tracker (a retransmission of
 * an older request, the next request) gives back what is left of the old
 * bias; the engine's own reference keeps that one above 0 until
 * otcp_compl_req_finish(), which gives back the rest with it.
 * @return false, nothing taken, when the count is at TRK_REFS_MAX (read
 *   once per bias: only frees lower it meanwhile).
 */
bool
otcp_compl_trk_ref(struct ofld_tcp_conn *c, struct req_trk *t)
{
	if (likely(t == c->bias_trk && c->bias_left != 0)) {
		c->bias_left--;
		return true;
	}
	if (t != c->bias_trk) {
		if (c->bias_left != 0)
			rte_mbuf_ext_refcnt_update(&c->bias_trk->shinfo,
				(int16_t)-(int32_t)c->bias_left);
		c->bias_trk = t;
		c->bias_left = 0;
	}
	if (unlikely(rte_mbuf_ext_refcnt_read(&t->shinfo) > TRK_REFS_MAX))
		return false;
	rte_mbuf_ext_refcnt_update(&t->shinfo, TRK_BIAS);
	c->bias_left = TRK_BIAS - 1;
	return true;
}

void
otcp_compl_put(struct ofld_tcp_engine *e, struct ofld_req_meta *ev)
{
	/* Keep order: once something waits, everything after it waits. */
	if (e->ovf_head == NULL &&
	    rte_ring_sp_enqueue(e->events, ev) == 0)
		return;
	e->st.events_deferred++;
	fifo_put(&e->ovf_head, &e->ovf_tail, &ev->link);
}

/* Requests leave in order through the waiting FIFO (T4, T5). */
void
otcp_compl_req_finish(struct ofld_tcp_engine *e, struct ofld_tcp_conn *c,
		      struct rte_mbuf *m, enum ofld_tcp_status status,
		      uint32_t acked)
{
	struct ofld_req_meta *r = ofld_req(m);

	r->info = ofld_req_info(c->idx, status, EVK_SEND_DONE);
	r->acked = acked;
	if (r->trk != NULL) {
		struct req_trk *t = r->trk;
		uint32_t ahead = 0;

		if (c->bias_trk == t) {
			ahead = c->bias_left;
			c->bias_trk = NULL;
			c->bias_left = 0;
		}
		t->conn = c->gen;
		otcp_compl_trk_release(t, ahead);
	} else {
		r->trk = (void *)(uintptr_t)c->gen;	/* never sent */
	}
	fifo_put(&e->wait_head, &e->wait_tail, &r->link);
}

/* A finished request's tracker; once it is back in the pool, the field
 * holds the generation instead (a small number, never an address).
 */
static inline struct req_trk *
trk_of(const struct ofld_req_meta *r)
{
	return (uintptr_t)r->trk > UINT16_MAX ? r->trk : NULL;
}

static void
waiting_flush(struct ofld_tcp_engine *e)
{
	struct ofld_req_meta *r;

	while (e->wait_head != NULL) {
		r = meta_of_node(e->wait_head);
		if (meta_kind(r) == EVK_SEND_DONE) {
			struct req_trk *t = trk_of(r);

			/* T1: pairs with T0 */
			if (t != NULL &&
			    !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
				break;	/* a segment of ours points into it */
			if (t != NULL) {
				/* from here on the field holds the
				 * connection's generation (for the handle)
				 */
				r->trk = (void *)(uintptr_t)t->conn;
				rte_mempool_put(e->trk_pool, t);
			}
			e->st.reqs_done++;
		}
		fifo_take(&e->wait_head, &e->wait_tail);
		otcp_compl_put(e, r);
	}
}

/* Everything that can leave now goes to the event ring. */
void
otcp_compl_flush(struct ofld_tcp_engine *e)
{
	waiting_flush(e);
	while (e->ovf_head != NULL &&
	       rte_ring_sp_enqueue(e->events, meta_of_node(e->ovf_head)) == 0)
		fifo_take(&e->ovf_head, &e->ovf_tail);
}

void
otcp_compl_event(struct ofld_tcp_conn *c, struct ofld_req_meta *ev,
		 enum ev_kind kind, enum ofld_tcp_status status)
{
	ev->info = ofld_req_info(c->idx, status, kind);
	ev->trk = (void *)(uintptr_t)c->gen;
	ev->acked = 0;
	/* Connection events follow the requests already finished. */
	if (c->e->wait_head != NULL) {
		fifo_put(&c->e->wait_head, &c->e->wait_tail, &ev->link);
		return;
	}
	otcp_compl_put(c->e, ev);
}

/* Events already made must not point at a connection being freed. */
void
otcp_compl_forget_conn(struct ofld_tcp_engine *e, uint32_t idx)
{
	struct ofld_mpsc_node *n;

	if (e->dying)
		return;	/* nobody will read them */
	for (n = e->wait_head; n != NULL; n = n->next)
		if (meta_conn(meta_of_node(n)) == idx)
			meta_of_node(n)->info |= OFLD_REQ_CONN_MASK;
	for (n = e->ovf_head; n != NULL; n = n->next)
		if (meta_conn(meta_of_node(n)) == idx)
			meta_of_node(n)->info |= OFLD_REQ_CONN_MASK;
}

/*
 * The connection of an event (consumer thread): its handle with the
 * generation the event was made in (R12); the cookie only while the slot
 * still holds that connection. RECV bytes the application takes free
 * receive window (R8).
 */
static void
event_conn(struct ofld_tcp_engine *e, const struct ofld_req_meta *r,
	   struct ofld_tcp_event *ev)
{
	uint16_t gen = (uint16_t)(uintptr_t)r->trk;
	struct ofld_tcp_conn *c;

	if (meta_conn(r) == OFLD_NO_CONN) {
		ev->conn = NULL;
		ev->conn_cookie = 0;
		return;
	}
	c = &e->conns[meta_conn(r)];
	ev->conn = (struct ofld_tcp_conn *)((uintptr_t)c |
		((uintptr_t)gen << OTCP_GEN_SHIFT));
	if (__atomic_load_n(&c->gen, __ATOMIC_RELAXED) != gen) {
		ev->conn_cookie = 0;
		return;
	}
	ev->conn_cookie = __atomic_load_n(&c->cookie, __ATOMIC_RELAXED);
	if (meta_kind(r) == EVK_RECV)
		__atomic_fetch_add(&c->rcv_taken, r->acked, __ATOMIC_RELAXED);
}

uint16_t
ofld_tcp_events(struct ofld_tcp_engine *e, struct ofld_tcp_event *ev,
		uint16_t n)
{
	void *objs[64];
	struct ofld_req_meta *r;
	uint16_t got, i;

	n = RTE_MIN(n, (uint16_t)RTE_DIM(objs));
	got = rte_ring_sc_dequeue_burst(e->events, objs, n, NULL);
	for (i = 0; i < got; i++) {
		r = objs[i];
		ev[i].kind = (enum ofld_tcp_event_kind)meta_kind(r);
		ev[i].status = (enum ofld_tcp_status)meta_status(r);
		event_conn(e, r, &ev[i]);
		ev[i].bytes = r->acked;
		ev[i].m = (meta_kind(r) == EVK_SEND_DONE ||
			   meta_kind(r) == EVK_RECV) ? ofld_req_of(&r->link) : NULL;
		r->trk = NULL;
	}
	return got;
}

static void
events_free_all(struct ofld_tcp_engine *e)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, j;

	while (e->events != NULL && (k = ofld_tcp_events(e, ev, 64)) != 0)
		for (j = 0; j < k; j++)
			rte_pktmbuf_free(ev[j].m);
}

/*
 * The engine goes away. Requests whose bytes are still on the wire wait
 * for it a little (the cable drains as its other end receives); then what
 * nobody took is handed back by freeing it. Requests still referenced
 * after that are left to their last segment, and *leak says so: the
 * tracker pool then has to stay rather than be freed under a pending
 * callback.
 */
void
otcp_compl_engine_drain(struct ofld_tcp_engine *e, bool *leak)
{
	uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() / 10;

	*leak = false;
	waiting_flush(e);
	while (e->wait_head != NULL && rte_get_timer_cycles() < end) {
		waiting_flush(e);
		events_free_all(e);
	}
	while (e->wait_head != NULL) {
		struct ofld_req_meta *r = meta_of_node(
			fifo_take(&e->wait_head, &e->wait_tail));
		struct req_trk *t = trk_of(r);
		uint32_t busy = TRK_BUSY;
		struct rte_mbuf *m = ofld_req_of(&r->link);

		if (meta_kind(r) != EVK_SEND_DONE)
			continue;
		if (t == NULL) {
			rte_pktmbuf_free(m);
			continue;
		}
		t->orphan = m;
		/* T2: pairs with T0 */
		if (__atomic_compare_exchange_n(&t->done, &busy, TRK_ORPHAN,
				false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			*leak = true;
		else
			rte_pktmbuf_free(m);	/* it became free meanwhile */
	}
	while (e->ovf_head != NULL) {
		struct ofld_req_meta *r = meta_of_node(
			fifo_take(&e->ovf_head, &e->ovf_tail));

		if (meta_kind(r) == EVK_SEND_DONE || meta_kind(r) == EVK_RECV)
			rte_pktmbuf_free(ofld_req_of(&r->link));
	}
	events_free_all(e);
}
