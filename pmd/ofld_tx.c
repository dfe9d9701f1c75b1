/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The parts of the data path both cables share: transmit admission (frame
 * size, link-speed pacing, fault injection) and the lower cable's bursts.
 * No locks, no heap, no logging: everything that goes wrong is counted.
 */

#include <ethdev_driver.h>
#include <rte_branch_prediction.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_private.h"

/* Fault injection on one admitted frame; returns the new count in out[]. */
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

/**
 * Admit frames pkts[0..n) for the wire: drop oversize ones, stop where the
 * link is busy, apply faults. out[] (room for 2 * n + 1) receives what goes
 * on the wire now. Without faults out[] is exactly pkts[0..k): admission
 * stops before an oversize frame that follows admitted ones, so that a
 * cable can hand the unsent tail back to the caller.
 *
 * @return number of pkts consumed (sent to out[], or freed and counted);
 *   *stalled says the link was busy, *bits the wire bits charged.
 */
uint16_t
ofld_tx_admit(struct ofld_txq *txq, struct rte_mbuf **pkts, uint16_t n,
	      struct rte_mbuf **out, uint16_t *nb_out, uint64_t *bits,
	      bool *stalled)
{
	struct pmd_internals *pi = txq->pi;
	const bool faults = pi->fault_cfg.enabled != 0;
	uint64_t budget = UINT64_MAX, used = 0, bytes = 0;
	uint16_t i, k = 0, admitted = 0;
	struct rte_mbuf *m;

	*stalled = false;
	if (unlikely(txq->fault.held != NULL && n == 0)) {
		/* An empty burst releases a frame held back by reordering. */
		out[k++] = txq->fault.held;
		txq->fault.held = NULL;
	}
	if (pi->pacer.enabled)
		budget = ofld_pacer_budget(&pi->pacer);

	for (i = 0; i < n; i++) {
		m = pkts[i];
		if (unlikely(m->pkt_len > pi->max_frame)) {
			if (admitted != 0)
				break;
			rte_pktmbuf_free(m);
			txq->st.oversize++;
			continue;
		}
		if (unlikely(used >= budget)) {
			*stalled = true;
			break;
		}
		used += ofld_frame_bits(m);
		bytes += m->pkt_len;
		admitted++;
		if (faults)
			k = ofld_fault_apply(txq, m, out, k);
		else
			out[k++] = m;
	}
	if (unlikely(*stalled))
		txq->st.pacing_stalls++;
	if (used != 0 && pi->pacer.enabled)
		ofld_pacer_charge(&pi->pacer, used);
	txq->st.packets += admitted;
	txq->st.bytes += bytes;
	*nb_out = k;
	*bits = used;
	return i;
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

uint16_t
ofld_lower_rx_burst(void *q, struct rte_mbuf **bufs, uint16_t n)
{
	struct ofld_rxq *rxq = q;
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
ofld_lower_tx_burst(void *q, struct rte_mbuf **pkts, uint16_t n)
{
	struct ofld_txq *txq = q;
	struct pmd_internals *pi = txq->pi;
	struct rte_mbuf *out[2 * OFLD_BURST_CHUNK + 1];
	uint16_t done = 0, chunk, adm, k, sent, j;
	uint64_t bits, unsent_bits, unsent_bytes;
	bool stalled;

	do {
		chunk = RTE_MIN(n - done, OFLD_BURST_CHUNK);
		adm = ofld_tx_admit(txq, pkts + done, chunk, out, &k, &bits,
				    &stalled);
		sent = k == 0 ? 0 :
			rte_eth_tx_burst(txq->lower_port, txq->qid, out, k);
		if (unlikely(sent < k)) {
			if (pi->fault_cfg.enabled) {
				/* out[] is no longer the caller's order: drop. */
				for (j = sent; j < k; j++)
					rte_pktmbuf_free(out[j]);
				txq->st.lower_full += k - sent;
			} else {
				/* out[] == pkts[done..done+k): hand back the tail. */
				unsent_bits = 0;
				unsent_bytes = 0;
				for (j = sent; j < k; j++) {
					unsent_bits += ofld_frame_bits(out[j]);
					unsent_bytes += out[j]->pkt_len;
				}
				txq->st.packets -= k - sent;
				txq->st.bytes -= unsent_bytes;
				if (pi->pacer.enabled)
					ofld_pacer_refund(&pi->pacer, unsent_bits);
				return done + (adm - (k - sent));
			}
		}
		done += adm;
	} while (done < n && !stalled);
	return done;
}
