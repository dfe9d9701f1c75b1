/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * SACK (R2): the send map, the sender's scoreboard of what went out from
 * snd_una to snd_max, in ranges sent together, each with its last
 * transmission time (for RACK) and its SACKed / lost / retransmitted
 * marks (RFC 6675); SACK blocks in (scoreboard updates, D-SACK detection,
 * RFC 2883); SACK blocks out (RFC 2018: the block holding the most recent
 * segment first, D-SACK first of all).
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_malloc.h>

#include "ofld_tcp_var.h"

/* ---- the send map's entries -------------------------------------------- */

int
otcp_smap_engine_init(struct ofld_tcp_engine *e, uint32_t n)
{
	uint32_t i;

	e->sm_mem = rte_zmalloc_socket("ofld_tcp_smap", sizeof(*e->sm_mem) * n,
				       RTE_CACHE_LINE_SIZE, e->conf.socket);
	if (e->sm_mem == NULL)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		e->sm_mem[i].next = i + 1 < n ? &e->sm_mem[i + 1] : NULL;
	e->sm_free = e->sm_mem;
	e->nb_sm_free = n;
	return 0;
}

static inline struct otcp_sm *
sm_get(struct ofld_tcp_engine *e)
{
	struct otcp_sm *m = e->sm_free;

	if (unlikely(m == NULL))
		return NULL;
	e->sm_free = m->next;
	e->nb_sm_free--;
	return m;
}

static inline void
sm_put(struct ofld_tcp_engine *e, struct otcp_sm *m)
{
	m->next = e->sm_free;
	e->sm_free = m;
	e->nb_sm_free++;
}

/* The marks of m leave the pipe's counters (it goes or is trimmed). */
static inline void
sm_uncount(struct ofld_tcp_conn *c, const struct otcp_sm *m, uint32_t len)
{
	if (m->flags & OTCP_SM_SACKED)
		c->sacked_bytes -= len;
	else if (m->flags & OTCP_SM_LOST)
		c->lost_bytes -= len;
}

void
otcp_smap_free_all(struct ofld_tcp_conn *c)
{
	struct otcp_sm *m, *n;

	for (m = c->sm_head; m != NULL; m = n) {
		n = m->next;
		sm_put(c->e, m);
	}
	c->sm_head = c->sm_tail = NULL;
	c->sacked_bytes = c->lost_bytes = 0;
}

/* Split m at seq (m->start < seq < m->end): m keeps [start, seq), a new
 * entry after it takes [seq, end) with the same marks. NULL: no entry.
 */
static struct otcp_sm *
sm_split(struct ofld_tcp_conn *c, struct otcp_sm *m, uint32_t seq)
{
	struct otcp_sm *n = sm_get(c->e);

	if (n == NULL) {
		c->e->st.smap_nomem++;
		return NULL;
	}
	*n = *m;
	n->start = seq;
	m->end = seq;
	m->next = n;
	if (c->sm_tail == m)
		c->sm_tail = n;
	return n;
}

struct otcp_sm *
otcp_smap_find(struct ofld_tcp_conn *c, uint32_t seq)
{
	struct otcp_sm *m;

	for (m = c->sm_head; m != NULL; m = m->next)
		if (SEQ_LT(seq, m->end))
			return SEQ_GEQ(seq, m->start) ? m : NULL;
	return NULL;
}

/* New data [seq, seq + len) (or our FIN) just went out. */
static int
sm_append(struct ofld_tcp_conn *c, uint32_t seq, uint32_t len, bool fin)
{
	struct otcp_sm *t = c->sm_tail, *m;

	/* sent right after the last range, nothing else between: one
	 * entry
	 */
	if (t != NULL && !fin && t->end == seq && t->flags == 0 &&
	    t->xmit_us == c->e->now_us && t->order == c->xmit_order) {
		t->end += len;
		return 0;
	}
	m = sm_get(c->e);
	if (m == NULL) {
		c->e->st.smap_nomem++;
		return -ENOMEM;
	}
	m->next = NULL;
	m->start = seq;
	m->end = seq + len;
	m->xmit_us = c->e->now_us;
	m->xmit_ts = c->ts_ok ? otcp_ts_now(c) : 0;
	m->order = ++c->xmit_order;
	m->flags = fin ? OTCP_SM_FIN : 0;
	m->rexmits = 0;
	if (t != NULL)
		t->next = m;
	else
		c->sm_head = m;
	c->sm_tail = m;
	return 0;
}

/* [seq, seq + len) of one entry was sent again. */
static int
sm_resent(struct ofld_tcp_conn *c, uint32_t seq, uint32_t len)
{
	struct otcp_sm *m = otcp_smap_find(c, seq);

	if (m == NULL)
		return -ENOENT;
	if (m->start != seq && (m = sm_split(c, m, seq)) == NULL)
		return -ENOMEM;
	if (SEQ_LT(seq + len, m->end) && sm_split(c, m, seq + len) == NULL)
		return -ENOMEM;
	if (m->flags & OTCP_SM_LOST) {
		m->flags &= (uint8_t)~OTCP_SM_LOST;
		c->lost_bytes -= m->end - m->start;
	}
	m->flags |= OTCP_SM_RXMIT;
	if (m->rexmits < UINT8_MAX)
		m->rexmits++;
	m->xmit_us = c->e->now_us;
	m->xmit_ts = c->ts_ok ? otcp_ts_now(c) : 0;
	m->order = ++c->xmit_order;
	return 0;
}

/* A segment went out: new data at snd_nxt, or a retransmission. The
 * caller made sure the map has entries to spare (nb_sm_free >= 2).
 */
int
otcp_smap_sent(struct ofld_tcp_conn *c, uint32_t seq, uint32_t len, bool fin)
{
	if (SEQ_GEQ(seq, c->snd_max)) {
		if (c->snd_una == c->snd_max)
			c->flight_since_us = c->e->now_us;	/* R5's clock */
		return sm_append(c, seq, fin ? 1 : len, fin);
	}
	return sm_resent(c, seq, fin ? 1 : len);
}

/* Data a previous stack sent and nobody has seen acked (an offloaded
 * connection's snd_una..snd_max): lost until it is acked, so that it is
 * sent again once posted.
 */
void
otcp_smap_prior(struct ofld_tcp_conn *c, uint32_t una, uint32_t max)
{
	if (sm_append(c, una, max - una, false) == 0)
		otcp_smap_mark_lost(c, c->sm_tail);
}

/* The cumulative ACK moved to ack: what it covers leaves the map (RACK
 * and the RTT see each range delivered for the first time).
 */
void
otcp_smap_acked(struct ofld_tcp_conn *c, uint32_t ack,
		const struct seg_info *si)
{
	struct otcp_sm *m;

	while ((m = c->sm_head) != NULL && SEQ_LEQ(m->end, ack)) {
		c->sm_head = m->next;
		if (c->sm_head == NULL)
			c->sm_tail = NULL;
		sm_uncount(c, m, m->end - m->start);
		if (!(m->flags & OTCP_SM_SACKED))
			otcp_rack_update(c, m, si);
		sm_put(c->e, m);
	}
	if (m != NULL && SEQ_GT(ack, m->start)) {
		/* partly acked: the rest stays, its marks with it */
		sm_uncount(c, m, ack - m->start);
		if (!(m->flags & OTCP_SM_SACKED))
			otcp_rack_update(c, m, si);
		m->start = ack;
	}
}

void
otcp_smap_mark_lost(struct ofld_tcp_conn *c, struct otcp_sm *m)
{
	if (m->flags & (OTCP_SM_SACKED | OTCP_SM_LOST))
		return;
	m->flags |= OTCP_SM_LOST;
	c->lost_bytes += m->end - m->start;
}

/* The first len bytes from snd_una are lost (NewReno's one segment). */
void
otcp_smap_mark_lost_head(struct ofld_tcp_conn *c, uint32_t len)
{
	struct otcp_sm *m = c->sm_head;

	if (m == NULL)
		return;
	if (m->end - m->start > len && !(m->flags & OTCP_SM_FIN) &&
	    sm_split(c, m, m->start + len) == NULL)
		return;
	otcp_smap_mark_lost(c, m);
}

/* After a retransmission timeout: everything not SACKed is lost (if the
 * receiver reneged on what it SACKed, the SACK marks go too).
 */
void
otcp_smap_mark_all_lost(struct ofld_tcp_conn *c)
{
	struct otcp_sm *m;
	bool reneged = c->sm_head != NULL &&
		(c->sm_head->flags & OTCP_SM_SACKED);

	for (m = c->sm_head; m != NULL; m = m->next) {
		if (reneged && (m->flags & OTCP_SM_SACKED)) {
			m->flags &= (uint8_t)~OTCP_SM_SACKED;
			c->sacked_bytes -= m->end - m->start;
		}
		otcp_smap_mark_lost(c, m);
	}
}

/* RFC 6675 NextSeg rule 1: the first range marked lost, not resent. */
struct otcp_sm *
otcp_smap_next_lost(struct ofld_tcp_conn *c)
{
	struct otcp_sm *m;

	for (m = c->sm_head; m != NULL; m = m->next)
		if (m->flags & OTCP_SM_LOST)
			return m;
	return NULL;
}

/* ---- SACK blocks in --------------------------------------------------- */

/* Mark [start, end) SACKed; the bytes newly SACKed. */
static uint32_t
sack_mark(struct ofld_tcp_conn *c, uint32_t start, uint32_t end,
	  const struct seg_info *si)
{
	struct otcp_sm *m;
	uint32_t newly = 0, len;

	for (m = c->sm_head; m != NULL && SEQ_LT(m->start, end); m = m->next) {
		if (SEQ_LEQ(m->end, start) || (m->flags & OTCP_SM_SACKED))
			continue;
		if (SEQ_LT(m->start, start)) {
			if (sm_split(c, m, start) == NULL)
				break;
			continue;	/* the next entry starts at start */
		}
		if (SEQ_GT(m->end, end) && sm_split(c, m, end) == NULL)
			break;
		len = m->end - m->start;
		sm_uncount(c, m, len);
		m->flags |= OTCP_SM_SACKED;
		m->flags &= (uint8_t)~OTCP_SM_LOST;
		c->sacked_bytes += len;
		newly += len;
		otcp_rack_update(c, m, si);
	}
	return newly;
}

/* RFC 2883 4: the first block reports a duplicate when it lies below the
 * cumulative ACK or inside the second block.
 */
static bool
is_dsack(const struct seg_info *si)
{
	const struct otcp_sack_blk *b = si->sack;

	if (SEQ_LEQ(b[0].end, si->ack))
		return true;
	return si->nb_sack > 1 && SEQ_GEQ(b[0].start, b[1].start) &&
		SEQ_LEQ(b[0].end, b[1].end);
}

/*
 * The SACK blocks of an ACK (after the cumulative ACK was taken):
 * scoreboard marks, D-SACKs to the undo and RACK logic. *delivered grows
 * by the bytes newly SACKed.
 * @return true when the ACK brought new SACK information.
 */
bool
otcp_sack_in(struct ofld_tcp_conn *c, const struct seg_info *si,
	     uint32_t *delivered)
{
	uint32_t newly = 0, i = 0;

	if (!c->sack_ok || si->nb_sack == 0)
		return false;
	c->e->st.sack_blocks_in += si->nb_sack;
	if (is_dsack(si)) {
		c->e->st.dsack_in++;
		otcp_loss_dsack(c, SEQ_GEQ(si->sack[0].start, c->undo_una),
				si->sack[0].end - si->sack[0].start);
		otcp_rack_dsack(c);
		i = 1;
	}
	for (; i < si->nb_sack; i++) {
		uint32_t s = si->sack[i].start, e = si->sack[i].end;

		/* only what was sent and is not acked yet (RFC 2018 5) */
		if (!SEQ_LT(s, e) || SEQ_GT(e, c->snd_max) ||
		    SEQ_LEQ(e, c->snd_una))
			continue;
		if (SEQ_LT(s, c->snd_una))
			s = c->snd_una;
		newly += sack_mark(c, s, e, si);
		if (SEQ_GT(e, c->rack_fack))
			c->rack_fack = e;
	}
	*delivered += newly;
	return newly != 0;
}

/* ---- SACK blocks out ---------------------------------------------------- */

/* Drop what rcv_nxt has passed; trim what it reached into. */
static void
sack_out_prune(struct ofld_tcp_conn *c)
{
	uint32_t i, k = 0;

	for (i = 0; i < c->nb_sack_out; i++) {
		struct otcp_sack_blk b = c->sack_out[i];

		if (i == 0 && c->dsack_out) {
			c->sack_out[k++] = b;	/* a D-SACK stays as it is */
			continue;
		}
		if (SEQ_LEQ(b.end, c->rcv_nxt))
			continue;
		if (SEQ_LT(b.start, c->rcv_nxt))
			b.start = c->rcv_nxt;
		c->sack_out[k++] = b;
	}
	c->nb_sack_out = (uint8_t)k;
}

/*
 * Reassembly holds new data in the run [start, end) of held data: that run
 * goes first among the blocks (after a D-SACK), blocks it overlaps go
 * (RFC 2018 4).
 */
void
otcp_sack_note_rcvd(struct ofld_tcp_conn *c, uint32_t start, uint32_t end)
{
	struct otcp_sack_blk keep[OTCP_SACK_BLOCKS];
	uint32_t i, k = 0, first = c->dsack_out ? 1 : 0;

	if (!c->sack_ok)
		return;
	for (i = first; i < c->nb_sack_out; i++) {
		const struct otcp_sack_blk *b = &c->sack_out[i];

		if (SEQ_LEQ(b->end, start) || SEQ_GEQ(b->start, end))
			keep[k++] = *b;	/* apart from the new run */
	}
	i = first;
	c->sack_out[i++] = (struct otcp_sack_blk){ start, end };
	for (first = 0; first < k && i < OTCP_SACK_BLOCKS; first++)
		c->sack_out[i++] = keep[first];
	c->nb_sack_out = (uint8_t)i;
	sack_out_prune(c);
}

/*
 * [start, end) came twice: a D-SACK of it goes first in the next segment,
 * replacing any older one (RFC 2883 4). When the duplicate lies in held
 * data, the run holding it is the second block (it is first among the
 * others already, as otcp_sack_note_rcvd() puts it).
 */
void
otcp_sack_note_dup(struct ofld_tcp_conn *c, uint32_t start, uint32_t end)
{
	struct otcp_sack_blk keep[OTCP_SACK_BLOCKS];
	uint32_t i, k = 0;

	if (!c->sack_ok)
		return;
	for (i = c->dsack_out ? 1 : 0; i < c->nb_sack_out; i++)
		keep[k++] = c->sack_out[i];
	c->sack_out[0] = (struct otcp_sack_blk){ start, end };
	c->dsack_out = true;
	for (i = 0; i < k && i + 1 < OTCP_SACK_BLOCKS; i++)
		c->sack_out[i + 1] = keep[i];
	c->nb_sack_out = (uint8_t)(i + 1);
	sack_out_prune(c);
}

/*
 * The SACK option for a segment we send: NOP NOP 5 len blocks, at most
 * what fits in room bytes (RFC 2018: 3 blocks beside timestamps). A
 * D-SACK is reported once.
 * @return the option bytes written (a multiple of 4), 0 if none.
 */
uint32_t
otcp_sack_options(struct ofld_tcp_conn *c, uint8_t *opt, uint32_t room)
{
	uint32_t n, i, be;

	sack_out_prune(c);
	if (c->nb_sack_out == 0 || room < 12)
		return 0;
	n = RTE_MIN((uint32_t)c->nb_sack_out, (room - 4) / 8);
	opt[0] = 1;
	opt[1] = 1;
	opt[2] = 5;
	opt[3] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < n; i++) {
		be = rte_cpu_to_be_32(c->sack_out[i].start);
		memcpy(&opt[4 + 8 * i], &be, 4);
		be = rte_cpu_to_be_32(c->sack_out[i].end);
		memcpy(&opt[8 + 8 * i], &be, 4);
	}
	c->e->st.sack_blocks_out += n;
	if (c->dsack_out) {
		c->e->st.dsack_out++;
		c->dsack_out = false;
		memmove(&c->sack_out[0], &c->sack_out[1],
			sizeof(c->sack_out[0]) * (c->nb_sack_out - 1u));
		c->nb_sack_out--;
	}
	return 4 + 8 * n;
}
