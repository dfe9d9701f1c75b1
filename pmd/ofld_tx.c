/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The transmit path both cables share: per packet, GSO validation and
 * segmentation (rules G7-G14) or checksum offloads, the MTU check, link-speed
 * pacing, fault injection; then the cable's own emit step. And tx_prepare.
 * No locks, no heap, no logging: everything that goes wrong is counted.
 */

#include <string.h>

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

/* Frames onto one lane: what the receiver has no room for is lost. */
static __rte_always_inline void
lane_put(struct ofld_txq *txq, struct ofld_lane *lane, struct rte_mbuf **f,
	 uint16_t n)
{
	/* The ring's own mode, multi-producer: the application's transmit
	 * queues and the TCP engines (on a service lcore, or inline in
	 * another thread's rx_burst) may all send on this lane.
	 */
	uint16_t sent = rte_ring_enqueue_burst(lane->ring, (void **)f, n, NULL);

	if (unlikely(sent < n)) {
		rte_pktmbuf_free_bulk(f + sent, n - sent);
		__atomic_fetch_add(&lane->overrun, n - sent, __ATOMIC_RELAXED);
		txq->st.peer_overrun += n - sent;
	}
}

/* The receive queue a frame reaches, by the receiver's hash and RETA
 * (N2); the hash goes with the frame for its RTE_MBUF_F_RX_RSS_HASH.
 * Indices are masked: a receiver restarting under a burst may change the
 * set-up being read (the frame then lands on a queue that drains it at
 * its next start, never out of bounds).
 */
static __rte_always_inline uint16_t
steer_frame(const struct ofld_rss *r, struct rte_mbuf *m)
{
	bool hashed;
	uint32_t h = ofld_rss_frame_hash(r, m, &hashed);

	if (!hashed) {
		m->ol_flags &= ~RTE_MBUF_F_RX_RSS_HASH;
		return 0;
	}
	m->hash.rss = h;
	m->ol_flags |= RTE_MBUF_F_RX_RSS_HASH;
	return r->reta[h & (r->reta_size - 1) & (OFLD_RETA_MAX - 1)] &
		(OFLD_MAX_QUEUES - 1);
}

/* Put frames on the pair cable, into the delay line first when the lanes
 * are ones (stamped with their due times from their wire slot), each on
 * the lane of the receive queue it reaches. @return the slot after them.
 */
static __rte_always_inline uint64_t
emit_pair(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n,
	  uint64_t slot)
{
	const struct ofld_rss *r = &txq->steer->rss;
	const struct pmd_internals *pi = txq->pi;
	uint16_t i, j, q, q0;

	if (unlikely(txq->lanes[0].delayed)) {
		if (unlikely(pi->delay.due_off < 0)) {
			/* never started: no due times, so not on the wire */
			rte_pktmbuf_free_bulk(f, n);
			txq->st.link_down += n;
			return slot;
		}
		slot = ofld_delay_stamp(&pi->delay, &pi->pacer, f, n, slot);
	}
	if (likely(r->hf == 0 || (r->nb_rx <= 1 && !r->hash_to_mbuf))) {
		/* no hash: transmit queue q to receive queue q mod n */
		q = r->nb_rx > 1 ? txq->qid % r->nb_rx : 0;
		lane_put(txq, &txq->lanes[q & (OFLD_MAX_QUEUES - 1)], f, n);
		return slot;
	}
	/* runs of frames for one queue (a TCP engine's bursts are runs of
	 * one connection) go in one enqueue
	 */
	q = 0;
	q0 = steer_frame(r, f[0]);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && (q = steer_frame(r, f[j])) == q0; j++)
			;
		lane_put(txq, &txq->lanes[q0], f + i, j - i);
		q0 = q;
	}
	return slot;
}

/* For a lower port without multi-segment transmit: each chained frame
 * copied into one mbuf of its head's pool (metadata and offload flags
 * go along); one that does not fit is dropped and counted.
 * @return the frames left, in order.
 */
static __rte_noinline uint16_t
linearize(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n)
{
	struct rte_mbuf *c;
	uint16_t i, k = 0;

	for (i = 0; i < n; i++) {
		if (f[i]->nb_segs == 1) {
			f[k++] = f[i];
			continue;
		}
		c = rte_pktmbuf_copy(f[i], f[i]->pool, 0, UINT32_MAX);
		rte_pktmbuf_free(f[i]);
		if (unlikely(c == NULL || c->nb_segs != 1)) {
			rte_pktmbuf_free(c);
			txq->st.linear_nomem++;
			continue;
		}
		txq->st.linearized++;
		f[k++] = c;
	}
	return k;
}

/* The frames held for the lower port to it, oldest first; on a stopped
 * port they are dropped (its lower is stopped too). @return whether none
 * is left.
 */
static __rte_noinline bool
hold_flush(struct ofld_txq *txq)
{
	uint16_t sent;

	if (unlikely(!txq->pi->dev->data->dev_started)) {
		rte_pktmbuf_free_bulk(txq->hold + txq->hold_head, txq->hold_n);
		txq->st.link_down += txq->hold_n;
		sent = txq->hold_n;
	} else {
		sent = rte_eth_tx_burst(txq->lower_port, txq->qid,
					txq->hold + txq->hold_head,
					txq->hold_n);
	}
	txq->hold_n -= sent;
	txq->hold_head = txq->hold_n == 0 ? 0 : txq->hold_head + sent;
	return txq->hold_n == 0;
}

/* Frames the lower port did not take, held behind those held already;
 * beyond OFLD_TX_HOLD they are dropped and counted.
 */
static __rte_noinline void
hold_add(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n)
{
	uint16_t room;

	if (txq->hold_head + txq->hold_n + n > OFLD_TX_HOLD &&
	    txq->hold_head != 0) {
		memmove(txq->hold, txq->hold + txq->hold_head,
			txq->hold_n * sizeof(txq->hold[0]));
		txq->hold_head = 0;
	}
	room = OFLD_TX_HOLD - txq->hold_head - txq->hold_n;
	if (unlikely(n > room)) {
		rte_pktmbuf_free_bulk(f + room, n - room);
		txq->st.lower_full += n - room;
		n = room;
	}
	memcpy(txq->hold + txq->hold_head + txq->hold_n, f, n * sizeof(f[0]));
	txq->hold_n += n;
	txq->st.lower_held += n;
}

/* Hand frames to the lower port after those it has not taken yet: what
 * it does not take now is held for the next call (a large send cannot
 * be handed back half sent; its caller stops there, see ofld_xmit()).
 */
static __rte_always_inline void
emit_lower(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n)
{
	uint16_t sent;

	if (unlikely(txq->pi->lower_linear))
		n = linearize(txq, f, n);
	if (unlikely(txq->hold_n != 0) && !hold_flush(txq)) {
		hold_add(txq, f, n);
		return;
	}
	sent = rte_eth_tx_burst(txq->lower_port, txq->qid, f, n);
	if (unlikely(sent < n))
		hold_add(txq, f + sent, n - sent);
}

/* Frames from wire slot `slot` on (bits of the port's wire clock; the
 * pair cable's delay line uses it). @return the slot after them.
 */
static __rte_always_inline uint64_t
emit(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n, bool pair,
     uint64_t slot)
{
	if (n == 0)
		return slot;
	if (pair)
		return emit_pair(txq, f, n, slot);
	emit_lower(txq, f, n);
	return slot;
}

/* Frames to the wire from wire slot `slot` on, through fault injection
 * when it is on.
 */
static __rte_always_inline void
tx_frames(struct ofld_txq *txq, struct rte_mbuf **f, uint32_t n, bool pair,
	  uint64_t slot)
{
	struct rte_mbuf *out[2 * OFLD_BURST_CHUNK + 1];
	uint32_t j, c, i;
	uint16_t k;

	if (likely(!txq->pi->fault_cfg.enabled)) {
		for (j = 0; j < n; j += c) {
			c = RTE_MIN(n - j, (uint32_t)UINT16_MAX);
			slot = emit(txq, f + j, (uint16_t)c, pair, slot);
		}
		return;
	}
	for (j = 0; j < n; j += c) {
		c = RTE_MIN(n - j, (uint32_t)OFLD_BURST_CHUNK);
		k = 0;
		for (i = 0; i < c; i++)
			k = ofld_fault_apply(txq, f[j + i], out, k);
		slot = emit(txq, out, k, pair, slot);
	}
}

/* Frames of `bits` wire bits to the wire: their wire time is reserved on
 * the paced link first, so the cable knows the slot where they start.
 */
static __rte_always_inline void
tx_wire(struct ofld_txq *txq, struct rte_mbuf **f, uint32_t n, uint64_t bits,
	bool pair)
{
	struct ofld_pacer *pacer = &txq->pi->pacer;
	uint64_t slot = 0;

	if (n == 0)
		return;
	if (pacer->enabled)
		slot = ofld_pacer_charge(pacer, bits);
	tx_frames(txq, f, n, pair, slot);
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

/* The lower port's offloads a frame's checksum flags need. */
static inline uint64_t
csum_needs(uint64_t ol)
{
	uint64_t need = ol & RTE_MBUF_F_TX_IP_CKSUM ?
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM : 0;

	switch (ol & RTE_MBUF_F_TX_L4_MASK) {
	case RTE_MBUF_F_TX_TCP_CKSUM:
		return need | RTE_ETH_TX_OFFLOAD_TCP_CKSUM;
	case RTE_MBUF_F_TX_UDP_CKSUM:
		return need | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	case 0:
		return need;
	default:
		return UINT64_MAX;	/* SCTP: not handed down */
	}
}

/* The lower port's tx_prepare on one frame (the pseudo-header its way). */
static inline bool
lower_prepare(struct ofld_txq *txq, struct rte_mbuf *m)
{
	if (likely(rte_eth_tx_prepare(txq->pi->lower_port, txq->qid, &m,
				      1) == 1))
		return true;
	txq->st.prepare_refused++;
	return false;
}

/* Checksum offloads of a plain frame (G14, N3): left to a lower port that
 * has them, else done here. @return 0, or <0: the flags do not fit.
 */
static inline int
tx_csum(struct ofld_txq *txq, struct rte_mbuf *m, bool pair)
{
	const uint64_t need = csum_needs(m->ol_flags);
	int ret;

	if (!pair && (txq->pi->pt_offloads & need) == need &&
	    (m->nb_segs == 1 || !txq->pi->pt_l4_one_seg ||
	     !(m->ol_flags & RTE_MBUF_F_TX_L4_MASK)) &&
	    lower_prepare(txq, m)) {
		txq->st.csum_down++;
		return 0;
	}
	ret = ofld_csum_apply(m);
	if (ret == 0)
		txq->st.csum_here++;
	return ret;
}

/* A large send the lower port can segment itself (N3): plain IPv4 or
 * IPv6 (no options, no extension headers), an IP packet of at most 64
 * KiB, within its segments per packet; its metadata set the way TSO/USO
 * wants it and the lower's tx_prepare said yes. @return whether it goes
 * down whole.
 */
static inline bool
tx_large_down(struct ofld_txq *txq, struct rte_mbuf *m,
	      const struct ofld_gso_pkt *p)
{
	const struct pmd_internals *pi = txq->pi;
	const uint64_t need = p->udp ? RTE_ETH_TX_OFFLOAD_UDP_TSO :
		RTE_ETH_TX_OFFLOAD_TCP_TSO;

	if (!(pi->pt_offloads & need) ||
	    (p->kind_l3 & (OFLD_GSO_L3_IPV4_OPTS | OFLD_GSO_L3_IPV6_EXT)) ||
	    (uint32_t)p->l3_len + p->l4_len + p->payload > UINT16_MAX ||
	    (pi->pt_seg_max != 0 && m->nb_segs > pi->pt_seg_max))
		return false;
	m->l2_len = p->l2_len;
	m->l3_len = p->l3_len;
	m->l4_len = p->l4_len;
	m->tso_segsz = p->mss;
	m->ol_flags = (m->ol_flags & ~(RTE_MBUF_F_TX_OFFLOAD_MASK |
				       RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6)) |
		(p->udp ? RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_UDP_CKSUM :
		 RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_TCP_CKSUM) |
		(p->ipv4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6) |
		(p->ipv4 && (pi->pt_offloads & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM) ?
		 RTE_MBUF_F_TX_IP_CKSUM : 0);
	return lower_prepare(txq, m);
}

/* One transmit burst's state: the frames gathered for the wire and their
 * wire bits, the paced link's budget and what the burst has used of it,
 * the active GSO record once read.
 */
struct tx_run {
	struct rte_mbuf *batch[OFLD_BURST_CHUNK];
	uint16_t nb;
	uint64_t batch_bits;
	uint64_t budget, used;
	struct ofld_gso_caps caps;
	bool have_caps;
};

/* A frame joins the burst's batch for the wire (sent when full). */
static __rte_always_inline void
tx_gather(struct ofld_txq *txq, struct tx_run *t, struct rte_mbuf *m,
	  uint64_t bits, bool pair)
{
	t->batch_bits += bits;
	t->batch[t->nb++] = m;
	if (t->nb == OFLD_BURST_CHUNK) {
		tx_wire(txq, t->batch, t->nb, t->batch_bits, pair);
		t->nb = 0;
		t->batch_bits = 0;
	}
}

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
	uint64_t bits;
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
	if (!pair && tx_large_down(txq, m, p)) {
		/* one frame to the lower port, its segments on the wire */
		bits = ((uint64_t)p->nb_segs * (p->hdr_len + 24) +
			p->payload) * 8;
		t->used += bits;
		txq->st.tso_down++;
		txq->st.packets += p->nb_segs;
		txq->st.bytes += (uint64_t)p->nb_segs * p->hdr_len +
			p->payload;
		tx_gather(txq, t, m, bits, pair);
		return true;
	}
	/* Earlier frames first: order is kept. */
	tx_wire(txq, t->batch, t->nb, t->batch_bits, pair);
	t->nb = 0;
	t->batch_bits = 0;
	r = ofld_gso_segment(m, p, m->pool, m->pool, txq->gso_out,
			     pi->gso_flags);
	if (unlikely(r < 0)) {
		rte_pktmbuf_free(m);
		txq->st.gso_nomem++;
		return true;
	}
	bits = ((uint64_t)r * (p->hdr_len + 24) + p->payload) * 8;
	t->used += bits;
	txq->st.gso_sends++;
	txq->st.packets += r;
	txq->st.bytes += (uint64_t)r * p->hdr_len + p->payload;
	tx_wire(txq, txq->gso_out, r, bits, pair);
	return true;
}

/* A plain frame (G14): refused and counted, or gathered for the wire.
 * @return false when the paced link has no room.
 */
static __rte_always_inline bool
tx_plain(struct ofld_txq *txq, struct rte_mbuf *m, struct tx_run *t,
	 bool pair)
{
	uint64_t bits;

	if ((m->ol_flags & CSUM_FLAGS) && unlikely(tx_csum(txq, m, pair))) {
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
	bits = ofld_frame_bits(m);
	t->used += bits;
	txq->st.packets++;
	txq->st.bytes += m->pkt_len;
	tx_gather(txq, t, m, bits, pair);
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
		/* its wire time was charged when it was sent: due from now */
		emit(txq, &m, 1, pair, 0);
		return 0;
	}
	/* A busy lower port: what it has not taken goes first; until it
	 * has, nothing more is accepted (the caller keeps its packets, as
	 * with a full NIC ring). An empty burst sends what is held.
	 */
	if (!pair && unlikely(txq->hold_n != 0) && !hold_flush(txq)) {
		if (n != 0)
			txq->st.lower_stalls++;
		return 0;
	}
	t.nb = 0;
	t.batch_bits = 0;
	t.used = 0;
	t.have_caps = false;
	t.budget = pi->pacer.enabled ? ofld_pacer_budget(&pi->pacer) :
		UINT64_MAX;
	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (!((m->ol_flags & SEG_FLAGS) ? tx_large(txq, m, &t, pair) :
		      tx_plain(txq, m, &t, pair))) {
			txq->st.pacing_stalls++;
			break;
		}
		/* the lower port did not take all: the rest stays */
		if (!pair && unlikely(txq->hold_n != 0)) {
			i++;
			txq->st.lower_stalls += i < n;
			break;
		}
	}
	tx_wire(txq, t.batch, t.nb, t.batch_bits, pair);
	return i;
}

uint16_t
ofld_pair_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct ofld_txq *txq = q;

	/* Pairs with the release in ofld_pair_start()/_stop(). */
	if (unlikely(!__atomic_load_n(&txq->steer->rx_up, __ATOMIC_ACQUIRE))) {
		rte_pktmbuf_free_bulk(pkts, n);
		txq->st.link_down += n;
		return n;
	}
	ofld_pair_reclaim(txq->pi);
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

/* A TSO burst of the TCP engine (conf.tso_max): down whole where the
 * lower port takes it (N3), or over the pair cable where the receiving
 * port has LRO and room for it (ofld_pair.c); else cut here. Its segments
 * are counted as packets.
 */
static __rte_noinline void
engine_burst(struct ofld_txq *txq, struct rte_mbuf *m, bool pair,
	     uint64_t slot)
{
	struct pmd_internals *pi = txq->pi;
	struct ofld_gso_pkt *p = &txq->gso_pkt;
	int r;

	if (unlikely(ofld_gso_parse(m, &pi->gso_hw, p) != OFLD_GSO_OK)) {
		rte_pktmbuf_free(m);	/* not of our making: cannot be */
		txq->st.gso_refused[OFLD_GSO_BAD_LENGTHS]++;
		return;
	}
	txq->st.packets += p->nb_segs - 1;
	txq->st.bytes += (uint64_t)(p->nb_segs - 1) * p->hdr_len;
	if (pair ? m->pkt_len <= __atomic_load_n(&txq->steer->lro_max,
						  __ATOMIC_RELAXED) :
	    tx_large_down(txq, m, p)) {
		txq->st.tso_down++;
		tx_frames(txq, &m, 1, pair, slot);
		return;
	}
	r = ofld_gso_segment(m, p, m->pool, m->pool, txq->gso_out,
			     pi->gso_flags);
	if (unlikely(r < 0)) {
		rte_pktmbuf_free(m);
		txq->st.gso_nomem++;
		return;
	}
	txq->st.gso_sends++;
	tx_frames(txq, txq->gso_out, (uint32_t)r, pair, slot);
}

/* The engine's frames to the wire, its TSO bursts in their place; to a
 * lower port with the checksums the engine left to us.
 */
static void
engine_frames(struct ofld_txq *txq, struct rte_mbuf **f, uint16_t n,
	      bool pair, uint64_t slot)
{
	uint16_t i, j = 0;

	for (i = 0; i < n; i++) {
		if (likely(!(f[i]->ol_flags & RTE_MBUF_F_TX_TCP_SEG))) {
			if (!pair && (f[i]->ol_flags & CSUM_FLAGS))
				tx_csum(txq, f[i], false);
			continue;
		}
		tx_frames(txq, f + j, i - j, pair, slot);	/* order kept */
		engine_burst(txq, f[i], pair, slot);
		j = i + 1;
	}
	tx_frames(txq, f + j, n - j, pair, slot);
}

/* The TCP engine's frames: counted, charged to the link, faults applied. */
void
ofld_tcp_xmit_cb(void *arg, struct rte_mbuf **f, uint16_t n)
{
	struct ofld_txq *txq = arg;
	struct pmd_internals *pi = txq->pi;
	uint64_t bits = 0, bytes = 0, slot = 0;
	struct rte_mbuf *m;
	uint16_t i;

	if (n == 0) {
		/* the end of the engine's poll: a frame held back for
		 * reordering goes now, rather than wait for a next frame
		 * that may never come (it holds a request's payload); so do
		 * those a busy lower port has not taken
		 */
		if (unlikely(txq->fault.held != NULL)) {
			m = txq->fault.held;
			txq->fault.held = NULL;
			emit(txq, &m, 1, pi->cable == OFLD_CABLE_PAIR, 0);
		}
		if (unlikely(txq->hold_n != 0))
			hold_flush(txq);
		return;
	}
	for (i = 0; i < n; i++) {
		bits += ofld_engine_frame_bits(f[i]);
		bytes += f[i]->pkt_len;
	}
	/* a stopped port sends nothing (its engines still run timers and
	 * completions when polled); nor does a pair cable without receiver
	 */
	if (unlikely(!pi->dev->data->dev_started) ||
	    (pi->cable == OFLD_CABLE_PAIR &&
	     unlikely(!__atomic_load_n(&txq->steer->rx_up, __ATOMIC_ACQUIRE)))) {
		rte_pktmbuf_free_bulk(f, n);
		txq->st.link_down += n;
		return;
	}
	if (pi->pacer.enabled)
		slot = ofld_pacer_charge(&pi->pacer, bits);
	txq->st.packets += n;
	txq->st.bytes += bytes;
	/* a real wire below: the checksums the engine left to us, and its
	 * TSO bursts, to the lower port when it has them (N3); on the pair
	 * cable, TSO bursts only to an LRO port (engine_poll() allows them)
	 */
	if (pi->cable != OFLD_CABLE_PAIR || unlikely(txq->pair_tso))
		engine_frames(txq, f, n, pi->cable == OFLD_CABLE_PAIR, slot);
	else
		tx_frames(txq, f, n, true, slot);
}

/*
 * Room on the plain pair lane the engine's frames take (transmit queue q
 * to receive queue q mod n; placed connections' frames go there): up to
 * the bytes of OFLD_LANE_BACKLOG MTU-1500 frames waiting. Unpaced,
 * every byte the windows allowed waited on the lane (4096 frames) for the
 * receiving lcore: srtt about 1 ms, and 4 MiB in flight no longer in the
 * caches. ofld-perf --speed 0 --conns 4: 34-38 Gbit/s without, 47-50 with
 * 256 (128: 45, 512: 51 with srtt 0.3 ms instead of 0.08). Counted in
 * bytes, not frames, as the receiver's caches are: 256 frames of MTU 9000
 * (2.3 MB) against 43 (the same bytes), --conns 4 --mtu 9000, 3 runs
 * alternating: unpaced 79.1-90.1 -> 86.9-93.4 Gbit/s, paced at 100G
 * 76.6-88.4 -> 91.1-93.5; MTU 1500 the same; TSO bursts to an LRO port:
 * 256 of them gave 20 Gbit/s, 6 (the same bytes) 101. A delay line holds
 * speed x delay by design: not limited.
 */
static uint64_t
lane_room(const struct ofld_txq *txq)
{
	const struct pmd_internals *pi = txq->pi;
	const struct ofld_lane *lane;
	unsigned int waiting, backlog = OFLD_LANE_BACKLOG;
	uint32_t frame = pi->max_frame + 24;
	uint16_t nb_rx;

	/* a lower cable has no lanes, nor steering */
	if (pi->cable != OFLD_CABLE_PAIR || txq->lanes == NULL ||
	    txq->steer == NULL)
		return UINT64_MAX;
	nb_rx = txq->steer->rss.nb_rx;
	lane = &txq->lanes[(nb_rx > 1 ? txq->qid % nb_rx : 0) &
			   (OFLD_MAX_QUEUES - 1)];
	if (lane->ring == NULL || lane->delayed)
		return UINT64_MAX;
	waiting = rte_ring_count(lane->ring);
	/* the bytes of OFLD_LANE_BACKLOG frames of MTU 1500, in frames of
	 * the port's MTU or of the engine's TSO bursts to an LRO port
	 */
	if (unlikely(txq->tso_max != 0))
		frame = txq->tso_max + OFLD_LRO_HDRS_MAX;
	backlog = RTE_MAX(OFLD_LANE_BACKLOG_BYTES / frame, 2u);
	if (waiting >= backlog)
		return 0;
	return (uint64_t)(backlog - waiting) * frame;
}

/* Wire bytes the engine may start now: the pacer's budget, the lane's;
 * none while a busy lower port has not taken its last frames.
 */
uint64_t
ofld_tcp_room_cb(void *arg)
{
	struct ofld_txq *txq = arg;
	uint64_t room;

	if (unlikely(txq->hold_n != 0) && !hold_flush(txq))
		return 0;
	room = lane_room(txq);

	if (!txq->pi->pacer.enabled)
		return room;
	return RTE_MIN(room, ofld_pacer_budget(&txq->pi->pacer) / 8);
}

/** Free what a transmit queue still holds (a frame held for reordering). */
void
ofld_txq_flush(struct ofld_txq *txq)
{
	if (txq->fault.held != NULL) {
		rte_pktmbuf_free(txq->fault.held);
		txq->fault.held = NULL;
	}
	if (txq->hold_n != 0) {
		rte_pktmbuf_free_bulk(txq->hold + txq->hold_head, txq->hold_n);
		txq->st.link_down += txq->hold_n;
		txq->hold_n = 0;
		txq->hold_head = 0;
	}
}
