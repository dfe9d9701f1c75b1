/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The transmit path both cables share: per packet, GSO validation and
 * segmentation (rules G7-G14) or checksum offloads, the MTU check, link-speed
 * pacing, fault injection; then the cable's own emit step. And tx_prepare.
 * No locks, no heap, no logging: everything that goes wrong is counted.
 */

#include <ethdev_driver.h>
#include <rte_branch_prediction.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_private.h"

#define SEG_FLAGS	(RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)
#define CSUM_FLAGS	(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)

/* Fault injection on one frame; returns the new count in out[]. */
static inline uint16_t
ofld_fault_apply(struct ofld_txq *txq, struct rte_mbuf *m,
		 struct rte_mbuf **out, uint16_t k)
{
	const struct ofld_fault_cfg *cfg = &txq->pi->fault_cfg;
	struct ofld_fault *f = &txq->fault;
	struct rte_mbuf *copy;

	if (cfg->loss != 0 && ofld_fault_draw(f) < cfg->loss) {
		rte_pktmbuf_free(m);
		txq->st.fault_loss++;
		return k;
	}
	if (cfg->reorder != 0 && f->held == NULL &&
	    ofld_fault_draw(f) < cfg->reorder) {
		f->held = m;
		txq->st.fault_reorder++;
		return k;
	}
	out[k++] = m;
	if (f->held != NULL) {
		out[k++] = f->held;
		f->held = NULL;
	}
	if (cfg->dup != 0 && ofld_fault_draw(f) < cfg->dup) {
		copy = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
		if (likely(copy != NULL)) {
			out[k++] = copy;
			txq->st.fault_dup++;
		} else {
			txq->st.fault_nomem++;
		}
	}
	return k;
}

/* Put frames on the pair cable: what the receiver has no room for is lost. */
static __rte_always_inline void
emit_pair(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n)
{
	struct ofld_lane *lane = txq->lane;
	uint16_t sent, j;

	sent = rte_ring_sp_enqueue_burst(lane->ring, (void **)f, n, NULL);
	if (unlikely(sent < n)) {
		for (j = sent; j < n; j++)
			rte_pktmbuf_free(f[j]);
		__atomic_fetch_add(&lane->overrun, n - sent, __ATOMIC_RELAXED);
		txq->st.peer_overrun += n - sent;
	}
}

/* Hand frames to the lower port: what it refuses is dropped and counted
 * (a large send cannot be handed back half sent).
 */
static __rte_always_inline void
emit_lower(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n)
{
	uint16_t sent = rte_eth_tx_burst(txq->lower_port, txq->qid, f, n);
	uint16_t j;

	if (unlikely(sent < n)) {
		for (j = sent; j < n; j++)
			rte_pktmbuf_free(f[j]);
		txq->st.lower_full += n - sent;
	}
}

static __rte_always_inline void
emit(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n, bool pair)
{
	if (n == 0)
		return;
	if (pair)
		emit_pair(txq, f, n);
	else
		emit_lower(txq, f, n);
}

/* Frames to the wire, through fault injection when it is on. */
static __rte_always_inline void
tx_frames(struct ofld_txq *txq, struct rte_mbuf **f, uint32_t n, bool pair)
{
	struct rte_mbuf *out[2 * OFLD_BURST_CHUNK + 1];
	uint32_t j, c, i;
	uint16_t k;

	if (likely(!txq->pi->fault_cfg.enabled)) {
		for (j = 0; j < n; j += c) {
			c = RTE_MIN(n - j, (uint32_t)UINT16_MAX);
			emit(txq, f + j, (uint16_t)c, pair);
		}
		return;
	}
	for (j = 0; j < n; j += c) {
		c = RTE_MIN(n - j, (uint32_t)OFLD_BURST_CHUNK);
		k = 0;
		for (i = 0; i < c; i++)
			k = ofld_fault_apply(txq, f[j + i], out, k);
		emit(txq, out, k, pair);
	}
}

/* A large send's segments over the MTU: the frame over the port's limit
 * (MTU + L2 allowance), or the L3 packet (headers from L3 + MSS) over
 * the MTU itself, whatever the L2 header.
 */
static inline bool
gso_over_mtu(const struct pmd_internals *pi, const struct ofld_gso_pkt *p)
{
	return (uint32_t)p->hdr_len + p->mss > pi->max_frame ||
		(uint32_t)p->l3_len + p->l4_len + p->mss >
		pi->max_frame - OFLD_L2_OVERHEAD;
}

/* Checksum offloads of a plain packet, done here (G14). Leaving them to a
 * lower port that has them needs the pseudo-header prepared its way; not
 * done yet, so software always computes them.
 */
static inline int
tx_csum(struct rte_mbuf *m)
{
	return ofld_csum_apply(m);
}

/* One transmit burst's state: the frames gathered for the wire, the
 * paced link's budget, the active GSO record once read.
 */
struct tx_run {
	struct rte_mbuf *batch[OFLD_BURST_CHUNK];
	uint16_t nb;
	uint64_t budget, used;
	struct ofld_gso_caps caps;
	bool have_caps;
};

/* A large send (G7, G8, G11): refused and counted, or cut and sent after
 * the frames gathered before it. @return false when the paced link has
 * no room: it stays with the caller.
 */
static __rte_always_inline bool
tx_large(struct ofld_txq *txq, struct rte_mbuf *m, struct tx_run *t,
	 bool pair)
{
	struct pmd_internals *pi = txq->pi;
	struct ofld_gso_pkt *p = &txq->gso_pkt;
	enum ofld_gso_verdict v;
	int r;

	if (!t->have_caps) {
		ofld_gso_active_read(pi, &t->caps);
		t->have_caps = true;
	}
	v = ofld_gso_parse(m, &t->caps, p);
	if (likely(v == OFLD_GSO_OK) && unlikely(gso_over_mtu(pi, p)))
		v = OFLD_GSO_BAD_MSS; /* segments over the MTU */
	if (unlikely(v != OFLD_GSO_OK)) {
		rte_pktmbuf_free(m);
		txq->st.gso_refused[v]++;
		return true;
	}
	if (unlikely(t->used >= t->budget))
		return false;
	/* Earlier frames first: order is kept. */
	tx_frames(txq, t->batch, t->nb, pair);
	t->nb = 0;
	r = ofld_gso_segment(m, p, m->pool, m->pool, txq->gso_out,
			     pi->gso_flags);
	if (unlikely(r < 0)) {
		rte_pktmbuf_free(m);
		txq->st.gso_nomem++;
		return true;
	}
	t->used += ((uint64_t)r * (p->hdr_len + 24) + p->payload) * 8;
	txq->st.gso_sends++;
	txq->st.packets += r;
	txq->st.bytes += (uint64_t)r * p->hdr_len + p->payload;
	tx_frames(txq, txq->gso_out, r, pair);
	return true;
}

/* A plain frame (G14): refused and counted, or gathered for the wire.
 * @return false when the paced link has no room.
 */
static __rte_always_inline bool
tx_plain(struct ofld_txq *txq, struct rte_mbuf *m, struct tx_run *t,
	 bool pair)
{
	if ((m->ol_flags & CSUM_FLAGS) && unlikely(tx_csum(m))) {
		rte_pktmbuf_free(m);
		txq->st.csum_bad++;
		return true;
	}
	if (unlikely(m->pkt_len > txq->pi->max_frame)) {
		rte_pktmbuf_free(m);
		txq->st.oversize++;
		return true;
	}
	if (unlikely(t->used >= t->budget))
		return false;
	t->used += ofld_frame_bits(m);
	txq->st.packets++;
	txq->st.bytes += m->pkt_len;
	t->batch[t->nb++] = m;
	if (t->nb == OFLD_BURST_CHUNK) {
		tx_frames(txq, t->batch, t->nb, pair);
		t->nb = 0;
	}
	return true;
}

static __rte_always_inline uint16_t
ofld_xmit(struct ofld_txq *txq, struct rte_mbuf **pkts, uint16_t n,
	  bool pair)
{
	struct pmd_internals *pi = txq->pi;
	struct tx_run t;
	struct rte_mbuf *m;
	uint16_t i;

	if (unlikely(n == 0 && txq->fault.held != NULL)) {
		/* An empty burst releases a frame held back by reordering. */
		m = txq->fault.held;
		txq->fault.held = NULL;
		emit(txq, &m, 1, pair);
		return 0;
	}
	t.nb = 0;
	t.used = 0;
	t.have_caps = false;
	t.budget = pi->pacer.enabled ? ofld_pacer_budget(&pi->pacer) :
		UINT64_MAX;
	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (!((m->ol_flags & SEG_FLAGS) ? tx_large(txq, m, &t, pair) :
		      tx_plain(txq, m, &t, pair)))
			break;
	}
	tx_frames(txq, t.batch, t.nb, pair);
	if (unlikely(i < n))
		txq->st.pacing_stalls++;
	if (t.used != 0 && pi->pacer.enabled)
		ofld_pacer_charge(&pi->pacer, t.used);
	return i;
}

uint16_t
ofld_pair_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct ofld_txq *txq = q;

	/* Pairs with the release in ofld_pair_start()/_stop(). */
	if (unlikely(!__atomic_load_n(&txq->lane->rx_up, __ATOMIC_ACQUIRE))) {
		rte_pktmbuf_free_bulk(pkts, n);
		txq->st.link_down += n;
		return n;
	}
	return ofld_xmit(txq, pkts, n, true);
}

uint16_t
ofld_lower_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	return ofld_xmit(q, pkts, n, false);
}

/* rte_eth_tx_prepare(): the same checks as tx_burst, nothing changed. */
uint16_t
ofld_tx_prepare(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct ofld_txq *txq = q;
	struct pmd_internals *pi = txq->pi;
	struct ofld_gso_pkt p;
	struct ofld_gso_caps caps;
	enum ofld_gso_verdict v;
	bool have_caps = false;
	struct rte_mbuf *m;
	uint16_t i;

	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (m->ol_flags & SEG_FLAGS) {
			if (!have_caps) {
				ofld_gso_active_read(pi, &caps);
				have_caps = true;
			}
			v = ofld_gso_parse(m, &caps, &p);
			if (v == OFLD_GSO_OK && gso_over_mtu(pi, &p))
				v = OFLD_GSO_BAD_MSS;
			if (v != OFLD_GSO_OK) {
				rte_errno = ofld_gso_verdict_errno(v);
				return i;
			}
		} else if (((m->ol_flags & CSUM_FLAGS) &&
			    ofld_csum_check(m) != 0) ||
			   m->pkt_len > pi->max_frame) {
			rte_errno = EINVAL;
			return i;
		}
	}
	return n;
}

uint16_t
ofld_lower_rx_raw(struct ofld_rxq *rxq, struct rte_mbuf **bufs, uint16_t n)
{
	uint64_t bytes = 0;
	uint16_t i, got;

	got = rte_eth_rx_burst(rxq->pi->lower_port, rxq->qid, bufs, n);
	for (i = 0; i < got; i++) {
		bufs[i]->port = rxq->port_id;
		bytes += bufs[i]->pkt_len;
	}
	rxq->st.packets += got;
	rxq->st.bytes += bytes;
	return got;
}

uint16_t
ofld_lower_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n)
{
	return ofld_rx_common(q, bufs, n, ofld_lower_rx_raw);
}

/* The TCP engine's frames: counted, charged to the link, faults applied. */
void
ofld_tcp_xmit_cb(void *arg, struct rte_mbuf **f, uint16_t n)
{
	struct ofld_txq *txq = arg;
	struct pmd_internals *pi = txq->pi;
	uint64_t bits = 0, bytes = 0;
	uint16_t i;

	for (i = 0; i < n; i++) {
		bits += ofld_frame_bits(f[i]);
		bytes += f[i]->pkt_len;
	}
	/* a stopped port sends nothing (its engines still run timers and
	 * completions when polled); nor does a pair cable without receiver
	 */
	if (unlikely(!pi->dev->data->dev_started) ||
	    (pi->cable == OFLD_CABLE_PAIR &&
	     unlikely(!__atomic_load_n(&txq->lane->rx_up, __ATOMIC_ACQUIRE)))) {
		rte_pktmbuf_free_bulk(f, n);
		txq->st.link_down += n;
		return;
	}
	if (pi->pacer.enabled)
		ofld_pacer_charge(&pi->pacer, bits);
	txq->st.packets += n;
	txq->st.bytes += bytes;
	if (pi->cable != OFLD_CABLE_PAIR) {
		/* a real wire below: the checksums the engine left to us */
		for (i = 0; i < n; i++)
			ofld_csum_apply(f[i]);
	}
	tx_frames(txq, f, n, pi->cable == OFLD_CABLE_PAIR);
}

/* Wire bytes the engine may start now. */
uint64_t
ofld_tcp_room_cb(void *arg)
{
	struct ofld_txq *txq = arg;

	if (!txq->pi->pacer.enabled)
		return UINT64_MAX;
	return ofld_pacer_budget(&txq->pi->pacer) / 8;
}

/** Free what a transmit queue still holds (a frame held for reordering). */
void
ofld_txq_flush(struct ofld_txq *txq)
{
	if (txq->fault.held != NULL) {
		rte_pktmbuf_free(txq->fault.held);
		txq->fault.held = NULL;
	}
}
