/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The TCP send offload engine. See ofld_tcp.h for the contract and
 * docs/design.md for the picture. Sequence numbers compare modulo 2^32.
 *
 * Send side: posted requests wait on the connection's lockless queue;
 * the engine moves them to its send list (oldest first), cuts segments at
 * MSS and at request ends (PSH on each request's last segment, T6), sends
 * while the flight fits min(snd_wnd, cwnd) (T7), and frees acknowledged
 * requests to the engine's "waiting" FIFO, from which they complete once
 * no segment of ours still references their buffers (T5).
 *
 * Loss: RTO per RFC 6298 (Karn: no RTT sample from retransmitted data),
 * go-back-N from snd_una on expiry; fast retransmit on the third dup ACK
 * and NewReno recovery (RFC 6582).
 */

#include <errno.h>
#include <math.h>
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_jhash.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_tcp.h>

#include "ofld_gso.h"
#include "ofld_tcp.h"

#define SEQ_LT(a, b)	((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((a) - (b)) >= 0)

#define TH_FIN	RTE_TCP_FIN_FLAG
#define TH_SYN	RTE_TCP_SYN_FLAG
#define TH_RST	RTE_TCP_RST_FLAG
#define TH_PSH	RTE_TCP_PSH_FLAG
#define TH_ACK	RTE_TCP_ACK_FLAG

#define OUT_BURST	64
#define MAX_RTO_US	(60u * 1000 * 1000)
#define MAX_BACKOFF	12
#define TS_OPT_LEN	12	/* NOP NOP kind len TSval TSecr */
#define OFLD_NO_CONN	UINT32_MAX
#define OOO_MAX		1024	/* segments held for reassembly, per conn */
#define OOO_PSH		1	/* status bit of a held segment: had PSH */
#define TRK_POOL	65535	/* requests in the send lists, per engine */
#define TIMER_SCAN_US	1000	/* timers are looked at this often */
#define MAX_LISTEN	16
#define SYN_RETRIES	6

enum conn_state {
	ST_ESTABLISHED = 0,	/* also: closing states, see the flags */
	ST_SYN_SENT,
	ST_SYN_RCVD,
};

struct listener {
	bool used, ipv6, any;
	uint8_t local_ip[16];
	uint16_t port;
	uint16_t backlog, half_open;
	struct ofld_tcp_open o;
};

enum ev_kind {
	EVK_SEND_DONE = OFLD_TCP_EV_SEND_DONE,
	EVK_RECV = OFLD_TCP_EV_RECV,
	EVK_CLOSED = OFLD_TCP_EV_CLOSED,
	EVK_PEER_FIN = OFLD_TCP_EV_PEER_FIN,
	EVK_CONNECTED = OFLD_TCP_EV_CONNECTED,
	EVK_ACCEPTED = OFLD_TCP_EV_ACCEPTED,
};

struct conn_key {
	uint8_t ipv6;
	uint8_t pad;
	uint16_t local_port;
	uint16_t remote_port;
	uint16_t pad2;
	uint8_t local_ip[16];
	uint8_t remote_ip[16];
};

struct ofld_tcp_conn {
	/* ---- hot: what every segment in or out touches ---- */
	struct ofld_tcp_engine *e;
	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_end;		/* seq after the last queued byte */
	uint32_t snd_wnd, cwnd, ssthresh;
	uint32_t recover;		/* NewReno: snd_max at loss */
	uint32_t ca_acc;		/* congestion avoidance byte count */
	uint32_t rcv_nxt, rcv_wnd, last_ack_sent;
	uint32_t ts_recent, ts_offset;
	uint32_t srtt_us, rttvar_us, rto_us;
	uint32_t rtt_seq;		/* sample in progress: ack >= this */
	uint64_t rtt_start_us;		/* 0: no sample in progress */
	uint64_t rto_at_us;		/* 0: timer off */
	uint64_t delack_at_us;		/* 0: no ACK owed */
	uint8_t cc;			/* OFLD_TCP_CC_* */
	uint32_t snd_wl1, snd_wl2;
	uint16_t mss;
	uint16_t ip_id;
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks;
	uint8_t backoff;
	uint8_t unacked_segs;		/* received since our last ACK */
	bool in_recovery;
	bool ts_ok;
	bool ipv6;
	bool fin_queued, fin_sent, fin_acked, peer_fin, dead, active;
	bool close_done;
	bool sack_ok;
	uint8_t state;			/* enum conn_state */
	uint8_t hdr_len;		/* eth + ip + tcp (+ options) */

	/* ---- send list (engine thread only) ---- */
	struct rte_mbuf *sl_head, *sl_tail;	/* oldest, newest request */
	uint32_t head_done;		/* bytes of sl_head acknowledged */
	struct rte_mbuf *nxt_req;	/* request holding snd_nxt */
	uint32_t nxt_off;
	struct rte_mbuf *cur_req, *cur_seg;	/* attach_slice()'s cursor */
	uint32_t cur_seg_start;
	uint64_t queued_bytes;		/* in the send list, not acked */
	uint64_t posted_bytes;		/* posted, still on the queue */

	/* ---- receive: out-of-order segments, by seq (engine thread) ---- */
	struct rte_mbuf *ooo_head;
	uint16_t ooo_count;

	/* ---- scheduling (engine thread): the ready list ---- */
	struct ofld_tcp_conn *ready_next;
	bool in_ready;

	/* ---- posting (any thread) ---- */
	struct ofld_mpsc sendq;
	uint32_t notified;		/* on the engine's notify queue */
	struct ofld_mpsc_node notify_node;

	/* ---- cold ---- */
	uint64_t persist_at_us;		/* 0: no zero-window probe due */
	uint8_t persist_backoff;
	uint16_t chal_sent;		/* challenge ACKs in this window */
	uint32_t chal_win_ms;		/* start of that window, ms */
	bool ws_on;			/* window scale option in our SYN */
	uint8_t listener;		/* SYN_RCVD: index + 1; 0: none */
	uint16_t our_mss;		/* what we announced */
	uint32_t iss;
	/* CUBIC (RFC 9438), in segments and microseconds */
	uint64_t cubic_epoch_us;
	double cubic_wmax, cubic_k, cubic_west;
	uint64_t cookie;
	struct conn_key key;
	struct rte_ether_addr remote_mac;
	uint32_t idx;
	uint32_t active_pos;		/* index in e->active */
	struct ofld_req_meta ev_closed;	/* connection events' carriers */
	struct ofld_req_meta ev_fin;
	struct ofld_req_meta ev_open;
	uint8_t tmpl[RTE_ETHER_HDR_LEN + 40 + 20 + TS_OPT_LEN];
} __rte_cache_aligned;

/*
 * A request's tracker: the segments that carry its bytes are attached to
 * its payload as external buffers sharing this shinfo, whose reference
 * count is one for the engine plus one per such mbuf. When the last one
 * goes, wherever that is, free_cb marks the request free to complete (T5).
 */
struct req_trk {
	struct rte_mbuf_ext_shared_info shinfo;
	uint32_t done;		/* TRK_BUSY, TRK_DONE, TRK_ORPHAN */
	uint32_t conn;		/* connection index at completion */
	struct rte_mbuf *orphan; /* engine gone: free this when done */
} __rte_cache_aligned;

enum { TRK_BUSY, TRK_DONE, TRK_ORPHAN };

struct ofld_tcp_engine {
	struct ofld_tcp_engine_conf conf;
	struct rte_mempool *trk_pool;
	struct rte_hash *hash;
	struct rte_ring *events;
	struct ofld_tcp_conn *conns;
	uint32_t *free_idx;
	uint32_t nb_free;
	uint64_t us_mult;		/* TSC -> us, 32.32 */
	uint64_t now_us;
	/* events that did not fit the ring, oldest first */
	struct ofld_mpsc_node *ovf_head, *ovf_tail;
	/* acked requests still referenced by segments in flight */
	struct ofld_mpsc_node *wait_head, *wait_tail;
	struct rte_mbuf *out[OUT_BURST];
	uint16_t nb_out;
	uint64_t room;			/* wire bytes left in this round */
	bool room_valid;
	bool link_busy;			/* a connection found no room */
	bool dying;			/* being freed: no bookkeeping */
	uint32_t nb_active;
	/* connections with data to send and room to send it, in turn */
	struct ofld_tcp_conn *ready_head, *ready_tail;
	/* connections that were posted to (any thread -> engine) */
	struct ofld_mpsc notify;
	uint64_t next_timer_scan_us;
	struct ofld_tcp_conn **active;	/* dense list of connections in use */
	struct listener listen[MAX_LISTEN];
	uint16_t nb_listen;
	struct ofld_tcp_stats st;
};

struct seg_info;
static void syn_to_listener(struct ofld_tcp_engine *e, struct rte_mbuf *m,
			    const struct seg_info *si,
			    const struct conn_key *k);
static bool handshake_in(struct ofld_tcp_conn *c, const struct seg_info *si);
static void syn_resend(struct ofld_tcp_conn *c);
static void halfopen_drop(struct ofld_tcp_conn *c);
static uint32_t loss_ssthresh(struct ofld_tcp_conn *c, uint32_t flight);
static void ready_add(struct ofld_tcp_conn *c);

/* ---- small helpers -------------------------------------------------- */

static inline uint64_t
now_us(struct ofld_tcp_engine *e)
{
	unsigned __int128 t = rte_get_tsc_cycles();

	e->now_us = (uint64_t)((t * e->us_mult) >> 32);
	e->room_valid = false;	/* asked for when something is to be sent */
	return e->now_us;
}

static inline uint32_t
ts_now(const struct ofld_tcp_conn *c)
{
	return (uint32_t)(c->e->now_us / 1000) + c->ts_offset; /* 1 ms tick */
}

static inline struct ofld_req_meta *
meta_of_node(struct ofld_mpsc_node *n)
{
	return container_of(n, struct ofld_req_meta, link);
}

/* A simple FIFO of nodes (engine thread only). */
static inline void
fifo_put(struct ofld_mpsc_node **head, struct ofld_mpsc_node **tail,
	 struct ofld_mpsc_node *n)
{
	n->next = NULL;
	if (*tail != NULL)
		(*tail)->next = n;
	else
		*head = n;
	*tail = n;
}

static inline struct ofld_mpsc_node *
fifo_take(struct ofld_mpsc_node **head, struct ofld_mpsc_node **tail)
{
	struct ofld_mpsc_node *n = *head;

	if (n != NULL) {
		*head = n->next;
		if (*head == NULL)
			*tail = NULL;
	}
	return n;
}

static inline uint32_t
meta_conn(const struct ofld_req_meta *r)
{
	uint32_t c = r->info & OFLD_REQ_CONN_MASK;

	return c == OFLD_REQ_CONN_MASK ? OFLD_NO_CONN : c;
}

static inline uint32_t
meta_status(const struct ofld_req_meta *r)
{
	return (r->info >> OFLD_REQ_STATUS_SHIFT) & 15;
}

static inline uint32_t
meta_kind(const struct ofld_req_meta *r)
{
	return r->info >> OFLD_REQ_KIND_SHIFT;
}

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

/* The engine lets go of a request's payload. */
static inline void
trk_release(struct req_trk *t)
{
	if (rte_mbuf_ext_refcnt_update(&t->shinfo, -1) == 0)
		__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
}

/* ---- events ------------------------------------------------------- */

static void
event_put(struct ofld_tcp_engine *e, struct ofld_req_meta *ev)
{
	/* Keep order: once something waits, everything after it waits. */
	if (e->ovf_head == NULL &&
	    rte_ring_sp_enqueue(e->events, ev) == 0)
		return;
	e->st.events_deferred++;
	fifo_put(&e->ovf_head, &e->ovf_tail, &ev->link);
}

static void
events_flush(struct ofld_tcp_engine *e)
{
	while (e->ovf_head != NULL &&
	       rte_ring_sp_enqueue(e->events, meta_of_node(e->ovf_head)) == 0)
		fifo_take(&e->ovf_head, &e->ovf_tail);
}

/* Requests leave in order through the waiting FIFO (T4, T5). */
static void
req_finish(struct ofld_tcp_engine *e, struct ofld_tcp_conn *c,
	   struct rte_mbuf *m, enum ofld_tcp_status status, uint32_t acked)
{
	struct ofld_req_meta *r = ofld_req(m);

	r->info = ofld_req_info(c->idx, status, EVK_SEND_DONE);
	r->acked = acked;
	if (r->trk != NULL)
		trk_release(r->trk);
	fifo_put(&e->wait_head, &e->wait_tail, &r->link);
}

static void
waiting_flush(struct ofld_tcp_engine *e)
{
	struct ofld_req_meta *r;
	struct rte_mbuf *m;

	while (e->wait_head != NULL) {
		r = meta_of_node(e->wait_head);
		if (meta_kind(r) == EVK_SEND_DONE) {
			struct req_trk *t = r->trk;

			/* T1: pairs with T0 */
			if (t != NULL &&
			    !__atomic_load_n(&t->done, __ATOMIC_ACQUIRE))
				break;	/* a segment of ours points into it */
			if (t != NULL) {
				rte_mempool_put(e->trk_pool, t);
				r->trk = NULL;
			}
			e->st.reqs_done++;
		}
		RTE_SET_USED(m);
		fifo_take(&e->wait_head, &e->wait_tail);
		event_put(e, r);
	}
}

static void
conn_event(struct ofld_tcp_conn *c, struct ofld_req_meta *ev,
	   enum ev_kind kind, enum ofld_tcp_status status)
{
	ev->info = ofld_req_info(c->idx, status, kind);
	ev->trk = NULL;
	ev->acked = 0;
	/* Connection events follow the requests already finished. */
	if (c->e->wait_head != NULL) {
		fifo_put(&c->e->wait_head, &c->e->wait_tail, &ev->link);
		return;
	}
	event_put(c->e, ev);
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
		struct ofld_tcp_conn *c;

		r = objs[i];
		c = meta_conn(r) == OFLD_NO_CONN ? NULL :
			&e->conns[meta_conn(r)];
		ev[i].kind = (enum ofld_tcp_event_kind)meta_kind(r);
		ev[i].status = (enum ofld_tcp_status)meta_status(r);
		ev[i].conn = c;
		ev[i].conn_cookie = c != NULL ?
			__atomic_load_n(&c->cookie, __ATOMIC_RELAXED) : 0;
		ev[i].bytes = r->acked;
		ev[i].m = (meta_kind(r) == EVK_SEND_DONE ||
			   meta_kind(r) == EVK_RECV) ? ofld_req_of(&r->link) : NULL;
	}
	return got;
}

/* ---- output --------------------------------------------------------- */

static void
out_flush(struct ofld_tcp_engine *e)
{
	if (e->nb_out != 0) {
		e->conf.xmit(e->conf.xmit_arg, e->out, e->nb_out);
		e->nb_out = 0;
	}
}

static inline void
out_put(struct ofld_tcp_engine *e, struct rte_mbuf *m)
{
	e->out[e->nb_out++] = m;
	if (e->nb_out == OUT_BURST)
		out_flush(e);
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

/* Build and queue one segment: seq, flags, payload [off, off+len) of req. */
static int
send_segment(struct ofld_tcp_conn *c, uint32_t seq, uint8_t flags,
	     struct rte_mbuf *req, uint32_t off, uint32_t len)
{
	struct ofld_tcp_engine *e = c->e;
	const uint32_t l3 = RTE_ETHER_HDR_LEN;
	const uint32_t l4 = l3 + (c->ipv6 ? 40 : 20);
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
		uint32_t ts[2] = { rte_cpu_to_be_32(ts_now(c)),
				   rte_cpu_to_be_32(c->ts_recent) };

		memcpy((uint8_t *)th + 24, ts, sizeof(ts));
	}
	th->cksum = 0;
	if (e->conf.tx_csum_offload) {
		h->l2_len = RTE_ETHER_HDR_LEN;
		h->l3_len = l4 - l3;
		h->l4_len = c->hdr_len - l4;
	}
	if (c->ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + l3);

		ip6->payload_len = rte_cpu_to_be_16(
			(uint16_t)(h->pkt_len - l4));
		if (e->conf.tx_csum_offload) {
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
		if (e->conf.tx_csum_offload) {
			h->ol_flags |= RTE_MBUF_F_TX_IPV4 |
				RTE_MBUF_F_TX_TCP_CKSUM;
			th->cksum = rte_ipv4_phdr_cksum(ip, 0);
		} else {
			th->cksum = ofld_l4_cksum(h, ip, true, l4);
		}
	}
	c->last_ack_sent = c->rcv_nxt;
	c->unacked_segs = 0;
	c->delack_at_us = 0;
	e->st.segs_out++;
	e->st.bytes_out += len;
	out_put(e, h);
	return 0;
}

static void
send_ack(struct ofld_tcp_conn *c)
{
	send_segment(c, c->snd_nxt, TH_ACK, NULL, 0, 0);
}

/*
 * A challenge ACK (RFC 5961: in-window RST or SYN, ACK of data never
 * sent), at most OFLD_TCP_CHALLENGE_PER_SEC per connection per second
 * (RFC 5961 section 7): a peer flooding such segments gets a bounded
 * answer; the rest are counted (challenge_limited). Per connection, not
 * per engine, so that one connection's budget tells nothing of another's.
 */
static void
send_challenge_ack(struct ofld_tcp_conn *c)
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
	send_ack(c);
}

static void
arm_rto(struct ofld_tcp_conn *c)
{
	c->rto_at_us = c->e->now_us + ((uint64_t)c->rto_us << c->backoff);
}

/* Pull what was posted onto the send list (T3: in posting order). */
static void
take_posted(struct ofld_tcp_conn *c)
{
	struct ofld_mpsc_node *n;
	struct ofld_req_meta *r;
	struct rte_mbuf *m;

	struct req_trk *t;

	for (;;) {
		/* a tracker first: without one the request waits queued */
		if (rte_mempool_get(c->e->trk_pool, (void **)&t) != 0) {
			c->e->st.nomem++;
			if (!ofld_mpsc_empty(&c->sendq))
				ready_add(c);	/* try again next poll */
			break;
		}
		n = ofld_mpsc_pop(&c->sendq);
		if (n == NULL) {
			rte_mempool_put(c->e->trk_pool, t);
			break;
		}
		m = ofld_req_of(n);
		r = ofld_req(m);
		t->shinfo.free_cb = trk_free_cb;
		t->shinfo.fcb_opaque = t;
		rte_mbuf_ext_refcnt_set(&t->shinfo, 1);	/* the engine's */
		t->done = 0;
		r->trk = t;
		r->link.next = NULL;
		if (c->sl_tail != NULL)
			ofld_req(c->sl_tail)->link.next = &r->link;
		else
			c->sl_head = m;
		c->sl_tail = m;
		if (c->nxt_req == NULL) {
			c->nxt_req = m;
			c->nxt_off = 0;
		}
		c->snd_end += m->pkt_len;
		c->queued_bytes += m->pkt_len;
		__atomic_fetch_sub(&c->posted_bytes, m->pkt_len,
				   __ATOMIC_RELAXED);
	}
}

static inline struct rte_mbuf *
req_next(struct rte_mbuf *m)
{
	struct ofld_mpsc_node *n = ofld_req(m)->link.next;

	return n != NULL ? ofld_req_of(n) : NULL;
}

/* Point (nxt_req, nxt_off) at snd_nxt, walking from the oldest request. */
static void
reposition_nxt(struct ofld_tcp_conn *c)
{
	uint32_t off = c->snd_nxt - (c->snd_una - c->head_done);
	struct rte_mbuf *m = c->sl_head;

	while (m != NULL && off >= m->pkt_len) {
		off -= m->pkt_len;
		m = req_next(m);
	}
	c->nxt_req = m;
	c->nxt_off = m != NULL ? off : 0;
}

/* Send what the windows allow (T7), segments cut at request ends (T6). */
/* Segments one connection may send per turn, so that a busy link is
 * shared round robin through the ready list.
 */
#define OUTPUT_QUANTUM	16

static void
ready_add(struct ofld_tcp_conn *c)
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

static struct ofld_tcp_conn *
ready_take(struct ofld_tcp_engine *e)
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

static void
output(struct ofld_tcp_conn *c)
{
	uint32_t win, flight, room, len, rem, sent = 0;
	uint8_t flags;

	if (c->dead || c->state != ST_ESTABLISHED)
		return;
	take_posted(c);
	for (;;) {
		win = RTE_MIN(c->snd_wnd, c->cwnd);
		flight = c->snd_nxt - c->snd_una;
		room = win > flight ? win - flight : 0;
		if (c->nxt_req != NULL && c->snd_wnd == 0 &&
		    c->snd_una == c->snd_max && c->persist_at_us == 0)
			/* closed window, nothing in flight: probe it later */
			c->persist_at_us = c->e->now_us +
				((uint64_t)c->rto_us << c->persist_backoff);
		if (c->nxt_req == NULL || room == 0)
			break;
		if (sent == OUTPUT_QUANTUM) {
			ready_add(c);	/* its turn again later */
			break;
		}
		rem = c->nxt_req->pkt_len - c->nxt_off;
		len = RTE_MIN(rem, (uint32_t)c->mss);
		len = RTE_MIN(len, room);
		/* no runt segments while a full one will fit soon */
		if (len < rem && len < c->mss && flight != 0)
			break;
		if (unlikely(!c->e->room_valid)) {
			c->e->room = c->e->conf.tx_room != NULL ?
				c->e->conf.tx_room(c->e->conf.xmit_arg) :
				UINT64_MAX;
			c->e->room_valid = true;
		}
		if (c->e->room < (uint64_t)len + c->hdr_len + 24) {
			ready_add(c);	/* the link is busy: later */
			c->e->link_busy = true;
			break;
		}
		c->e->room -= (uint64_t)len + c->hdr_len + 24;
		flags = TH_ACK | (len == rem ? TH_PSH : 0);
		if (send_segment(c, c->snd_nxt, flags, c->nxt_req, c->nxt_off,
				 len) != 0) {
			ready_add(c);	/* out of mbufs: try again next poll */
			break;
		}
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
		sent++;
		if (SEQ_GT(c->snd_nxt, c->snd_max))
			c->snd_max = c->snd_nxt;
		c->nxt_off += len;
		if (c->nxt_off == c->nxt_req->pkt_len) {
			c->nxt_req = req_next(c->nxt_req);
			c->nxt_off = 0;
		}
		if (c->rto_at_us == 0)
			arm_rto(c);
	}
	/* FIN after the data (T10), without waiting for ACKs */
	if (c->fin_queued && !c->fin_sent && c->snd_nxt == c->snd_end) {
		if (send_segment(c, c->snd_nxt, TH_FIN | TH_ACK, NULL, 0, 0)
		    == 0) {
			c->fin_sent = true;
			c->snd_nxt++;
			if (SEQ_GT(c->snd_nxt, c->snd_max))
				c->snd_max = c->snd_nxt;
			if (c->rto_at_us == 0)
				arm_rto(c);
		}
	} else if (c->fin_sent && c->snd_nxt == c->snd_end &&
		   !c->fin_acked && SEQ_LT(c->snd_nxt, c->snd_max)) {
		/* go-back-N reached the FIN again */
		if (send_segment(c, c->snd_nxt, TH_FIN | TH_ACK, NULL, 0, 0)
		    == 0)
			c->snd_nxt++;
	}
}

/* Resend the segment at snd_una (fast retransmit, partial ACK). */
static void
retransmit_una(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m = c->sl_head;
	uint32_t rem, len;

	if (m == NULL) {
		if (c->fin_sent && !c->fin_acked)
			send_segment(c, c->snd_end, TH_FIN | TH_ACK, NULL, 0, 0);
		return;
	}
	rem = m->pkt_len - c->head_done;
	len = RTE_MIN(rem, (uint32_t)c->mss);
	if (send_segment(c, c->snd_una, TH_ACK | (len == rem ? TH_PSH : 0), m,
			 c->head_done, len) == 0) {
		c->e->st.retrans_segs++;
		c->e->st.retrans_bytes += len;
	}
	c->rtt_start_us = 0;	/* Karn */
}

/* ---- timers, RTT, congestion control --------------------------------- */

static void
rtt_sample(struct ofld_tcp_conn *c, uint32_t r_us)
{
	const uint32_t min_rto = c->e->conf.min_rto_us;
	uint32_t delta;

	if (r_us == 0)
		r_us = 1;
	if (c->srtt_us == 0) {
		c->srtt_us = r_us;
		c->rttvar_us = r_us / 2;
	} else {
		delta = c->srtt_us > r_us ? c->srtt_us - r_us :
			r_us - c->srtt_us;
		c->rttvar_us = (3 * c->rttvar_us + delta) / 4;
		c->srtt_us = (7 * c->srtt_us + r_us) / 8;
	}
	c->rto_us = c->srtt_us + RTE_MAX(4 * c->rttvar_us, 1u);
	c->rto_us = RTE_MAX(c->rto_us, min_rto);
	c->rto_us = RTE_MIN(c->rto_us, MAX_RTO_US);
}

static void
rto_expired(struct ofld_tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;

	c->e->st.rto_fired++;
	c->ssthresh = loss_ssthresh(c, flight);
	c->cwnd = c->mss;
	c->ca_acc = 0;
	c->in_recovery = false;
	c->dupacks = 0;
	c->recover = c->snd_max;	/* RFC 6582: no fast retransmit */
	c->rtt_start_us = 0;		/* Karn */
	if (c->backoff < MAX_BACKOFF)
		c->backoff++;
	/* go back N */
	c->snd_nxt = c->snd_una;
	if (c->fin_sent && !c->fin_acked && c->snd_una == c->snd_end + 1)
		c->snd_nxt = c->snd_end;
	reposition_nxt(c);
	c->rto_at_us = 0;
	output(c);
	if (c->rto_at_us == 0 && c->snd_una != c->snd_max)
		arm_rto(c);
}

/* ---- ACK processing ------------------------------------------------- */

/* Bytes newly acknowledged: retire requests, oldest first. */
static void
ack_data(struct ofld_tcp_conn *c, uint32_t acked)
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
		req_finish(c->e, c, m, OFLD_TCP_SUCCESS, m->pkt_len);
	}
	/* what is left is our FIN */
	if (acked != 0 && c->fin_sent)
		c->fin_acked = true;
}

/* ---- CUBIC (RFC 9438) ---- */
#define CUBIC_C		0.4
#define CUBIC_BETA	0.7

/* Congestion event: remember W_max (with fast convergence, 4.7). */
static void
cubic_on_loss(struct ofld_tcp_conn *c)
{
	double w = (double)c->cwnd / c->mss;

	if (w < c->cubic_wmax)
		c->cubic_wmax = w * (1.0 + CUBIC_BETA) / 2.0;
	else
		c->cubic_wmax = w;
	c->cubic_epoch_us = 0;
}

static void
cubic_on_ack(struct ofld_tcp_conn *c, uint32_t acked)
{
	const double mss = c->mss;
	double w = c->cwnd / mss, t, target, rtt;

	if (c->cubic_epoch_us == 0) {
		c->cubic_epoch_us = c->e->now_us;
		if (c->cubic_wmax < w)
			c->cubic_wmax = w;
		c->cubic_k = cbrt(c->cubic_wmax * (1.0 - CUBIC_BETA) / CUBIC_C);
		c->cubic_west = w;
	}
	rtt = (c->srtt_us != 0 ? c->srtt_us : 1000) / 1e6;
	t = (c->e->now_us - c->cubic_epoch_us) / 1e6;
	/* W_cubic(t + RTT) (4.2) */
	target = CUBIC_C * pow(t + rtt - c->cubic_k, 3) + c->cubic_wmax;
	/* Reno-friendly estimate (4.3) */
	c->cubic_west += 3.0 * (1.0 - CUBIC_BETA) / (1.0 + CUBIC_BETA) *
		(acked / mss) / w;
	if (c->cubic_west > target)
		target = c->cubic_west;
	if (target > 1.5 * w)
		target = 1.5 * w;	/* no more than 1.5x per RTT */
	if (target > w) {
		/* spread the growth over the ACKs of one window */
		c->ca_acc += (uint32_t)((target - w) * mss * acked /
					(w * mss) + 0.5);
		if (c->ca_acc >= c->mss) {
			c->cwnd += c->ca_acc;
			c->ca_acc = 0;
		}
	}
}

static uint32_t
loss_ssthresh(struct ofld_tcp_conn *c, uint32_t flight)
{
	if (c->cc == OFLD_TCP_CC_CUBIC) {
		cubic_on_loss(c);
		return RTE_MAX((uint32_t)(c->cwnd * CUBIC_BETA), 2u * c->mss);
	}
	return RTE_MAX(flight / 2, 2u * c->mss);
}

static void
cc_on_ack(struct ofld_tcp_conn *c, uint32_t acked, uint32_t ack)
{
	uint32_t flight;

	if (c->in_recovery) {
		if (SEQ_GEQ(ack, c->recover)) {
			/* full ACK: leave recovery (RFC 6582 3.2 step 3) */
			flight = c->snd_max - ack;
			flight = RTE_MAX(flight, (uint32_t)c->mss) + c->mss;
			c->cwnd = RTE_MIN(c->ssthresh, flight);
			c->in_recovery = false;
		} else {
			/* partial ACK: resend the next hole, deflate */
			retransmit_una(c);
			c->cwnd = c->cwnd > acked ? c->cwnd - acked : 0;
			c->cwnd += c->mss;
		}
		return;
	}
	if (c->cwnd < c->ssthresh) {
		c->cwnd += RTE_MIN(acked, (uint32_t)c->mss);	/* slow start */
	} else if (c->cc == OFLD_TCP_CC_CUBIC) {
		cubic_on_ack(c, acked);
	} else {
		c->ca_acc += acked;
		if (c->ca_acc >= c->cwnd) {
			c->ca_acc -= c->cwnd;
			c->cwnd += c->mss;
		}
	}
}

static void
on_dupack(struct ofld_tcp_conn *c)
{
	uint32_t flight;

	c->e->st.dupacks_in++;
	if (c->in_recovery) {
		c->cwnd += c->mss;	/* inflate */
		return;
	}
	if (++c->dupacks != 3)
		return;
	if (!SEQ_GT(c->snd_una, c->recover) && c->recover != c->snd_una)
		return;	/* RFC 6582: not after an RTO's go-back */
	flight = c->snd_max - c->snd_una;
	c->ssthresh = loss_ssthresh(c, flight);
	c->recover = c->snd_max;
	c->in_recovery = true;
	c->e->st.fast_retrans++;
	retransmit_una(c);
	c->cwnd = c->ssthresh + 3u * c->mss;
}

/* Every pending request comes back with status (T9, T11, T12, T13). */
static void
fail_pending(struct ofld_tcp_conn *c, enum ofld_tcp_status status)
{
	struct rte_mbuf *m, *next;
	struct ofld_mpsc_node *n;
	bool first = true;

	take_posted(c);
	for (m = c->sl_head; m != NULL; m = next) {
		next = req_next(m);
		/* only the first can be partly acknowledged (T13) */
		req_finish(c->e, c, m, status, first ? c->head_done : 0);
		first = false;
	}
	c->sl_head = c->sl_tail = c->nxt_req = NULL;
	c->cur_req = NULL;
	c->head_done = 0;
	c->queued_bytes = 0;
	/* late posts (a racing producer) come back too */
	while ((n = ofld_mpsc_pop(&c->sendq)) != NULL) {
		m = ofld_req_of(n);
		ofld_req(m)->trk = NULL;	/* never sent: nothing refers */
		req_finish(c->e, c, m, status, 0);
	}
}

static void
conn_end(struct ofld_tcp_conn *c, enum ofld_tcp_status status)
{
	if (c->dead)
		return;
	fail_pending(c, status);
	c->dead = true;
	c->rto_at_us = 0;
	c->delack_at_us = 0;
	if (!c->close_done) {
		c->close_done = true;
		conn_event(c, &c->ev_closed, EVK_CLOSED, status);
	}
}

/* ---- input --------------------------------------------------------- */

struct seg_info {
	uint32_t seq, ack, len;
	uint16_t win;
	uint8_t flags;
	bool has_ts;
	uint32_t tsval, tsecr;
	uint32_t payload_off;
	/* SYN options */
	bool has_mss;
	uint16_t opt_mss;
	int8_t opt_ws;		/* -1: none; else as sent (clamped later) */
	bool opt_sack_ok;
	bool opt_bad;		/* malformed options: parsing stopped there */
};

static void
parse_ts(const struct rte_tcp_hdr *th, uint32_t optlen, struct seg_info *si)
{
	const uint8_t *o = (const uint8_t *)(th + 1);
	uint32_t i = 0;

	while (i < optlen) {
		if (o[i] == 0)
			break;
		if (o[i] == 1) {
			i++;
			continue;
		}
		if (i + 1 >= optlen || o[i + 1] < 2 ||
		    i + o[i + 1] > optlen) {
			si->opt_bad = true;	/* truncated or over-long */
			break;
		}
		/* a known kind with the wrong length is ignored (counted) */
		if ((o[i] == 2 && o[i + 1] != 4) ||
		    (o[i] == 3 && o[i + 1] != 3) ||
		    (o[i] == 4 && o[i + 1] != 2) ||
		    (o[i] == 8 && o[i + 1] != 10))
			si->opt_bad = true;
		if (o[i] == 2 && o[i + 1] == 4) {
			si->has_mss = true;
			si->opt_mss = (uint16_t)(o[i + 2] << 8 | o[i + 3]);
		} else if (o[i] == 3 && o[i + 1] == 3) {
			si->opt_ws = (int8_t)RTE_MIN(o[i + 2], 127);
		} else if (o[i] == 4 && o[i + 1] == 2) {
			si->opt_sack_ok = true;
		}
		if (o[i] == 8 && o[i + 1] == 10) {
			/* options have any alignment (x86 unaligned_uint32_t
			 * is plain uint32_t: loading through it is UB)
			 */
			memcpy(&si->tsval, &o[i + 2], 4);
			memcpy(&si->tsecr, &o[i + 6], 4);
			si->has_ts = true;
			si->tsval = rte_be_to_cpu_32(si->tsval);
			si->tsecr = rte_be_to_cpu_32(si->tsecr);
		}
		i += o[i + 1];
	}
}

/* Hand in-order payload (already copied into rx_pool mbufs) over. */
static void
deliver_mbuf(struct ofld_tcp_conn *c, struct rte_mbuf *d)
{
	ofld_req(d)->info = ofld_req_info(c->idx, OFLD_TCP_SUCCESS, EVK_RECV);
	ofld_req(d)->trk = NULL;
	ofld_req(d)->acked = d->pkt_len;
	c->rcv_nxt += d->pkt_len;
	c->e->st.bytes_in += d->pkt_len;
	event_put(c->e, ofld_req(d));
}

/* The OOO list is singly linked through the request field's link; the
 * segment's seq is kept in its acked field, PSH in its info.
 */
static inline struct rte_mbuf *
ooo_next(struct rte_mbuf *m)
{
	return ofld_req(m)->link.next != NULL ?
		ofld_req_of(ofld_req(m)->link.next) : NULL;
}

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
		c->ooo_head = ooo_next(m);
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
		cur = ooo_next(cur);
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

static void
ooo_free(struct ofld_tcp_conn *c)
{
	struct rte_mbuf *m, *n;

	for (m = c->ooo_head; m != NULL; m = n) {
		n = ooo_next(m);
		rte_pktmbuf_free(m);
	}
	c->ooo_head = NULL;
	c->ooo_count = 0;
}

/* New payload from a frame: in order goes up now, the rest waits. */
static bool
data_in(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
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

static void
segment_in(struct ofld_tcp_conn *c, struct rte_mbuf *frame,
	   const struct seg_info *si)
{
	struct ofld_tcp_engine *e = c->e;
	uint32_t acked, ack, wnd_end = c->rcv_nxt + RTE_MAX(c->rcv_wnd, 1u);
	bool ack_now = false;

	e->st.segs_in++;
	if (unlikely(c->state != ST_ESTABLISHED) && !handshake_in(c, si))
		return;
	if (si->flags & TH_RST) {
		e->st.rst_in++;
		/* RFC 5961 3.2: exact match resets, in-window challenges */
		if (si->seq == c->rcv_nxt) {
			conn_end(c, OFLD_TCP_ABORTED_BY_PEER);
		} else if (SEQ_GEQ(si->seq, c->rcv_nxt) &&
			   SEQ_LT(si->seq, wnd_end)) {
			e->st.rst_challenged++;
			send_challenge_ack(c);
		}
		return;
	}
	if (c->dead)
		return;
	if (si->flags & TH_SYN) {
		/* RFC 5961 4.2: a SYN on a synchronized connection */
		e->st.syn_challenged++;
		send_challenge_ack(c);
		return;
	}
	/* acceptability (RFC 793 3.3) */
	if (si->len != 0 || (si->flags & TH_FIN)) {
		if (!(SEQ_GEQ(si->seq, c->rcv_nxt) && SEQ_LT(si->seq, wnd_end)) &&
		    !(SEQ_LT(si->seq, c->rcv_nxt) &&
		      SEQ_GT(si->seq + si->len, c->rcv_nxt))) {
			e->st.bad_seq++;
			send_ack(c);
			return;
		}
	}
	if (!(si->flags & TH_ACK))
		return;
	if (si->has_ts && c->ts_ok && SEQ_LEQ(si->seq, c->last_ack_sent))
		c->ts_recent = si->tsval;	/* RFC 7323 4.3 */

	/* ACK */
	if (SEQ_GT(si->ack, c->snd_max)) {
		e->st.ack_unsent++;
		/* RFC 5961 5.2: ACK of what was never sent */
		send_challenge_ack(c);
		return;
	}
	e->st.acks_in++;
	/* an ACK beyond what is queued here (data the previous stack sent,
	 * not posted again yet) counts up to what is queued
	 */
	ack = si->ack;
	if (SEQ_GT(ack, c->snd_end + (c->fin_sent ? 1 : 0)))
		ack = c->snd_end + (c->fin_sent ? 1 : 0);
	if (SEQ_GT(ack, c->snd_una)) {
		acked = ack - c->snd_una;
		if (c->rtt_start_us != 0 && SEQ_GEQ(si->ack, c->rtt_seq)) {
			rtt_sample(c, (uint32_t)(e->now_us - c->rtt_start_us));
			c->rtt_start_us = 0;
		}
		c->backoff = 0;
		c->dupacks = 0;
		ack_data(c, acked);
		c->snd_una = ack;
		if (SEQ_LT(c->snd_nxt, c->snd_una)) {
			c->snd_nxt = c->snd_una;
			reposition_nxt(c);
		}
		cc_on_ack(c, acked, ack);
		c->rto_at_us = 0;
		if (c->snd_una != c->snd_max)
			arm_rto(c);
	} else if (si->ack == c->snd_una && si->len == 0 &&
		   !(si->flags & TH_FIN) && c->snd_una != c->snd_max &&
		   ((uint32_t)si->win << c->snd_wscale) == c->snd_wnd) {
		on_dupack(c);
	}
	/* window update (RFC 793 SND.WL1/WL2) */
	if (SEQ_LT(c->snd_wl1, si->seq) ||
	    (c->snd_wl1 == si->seq && SEQ_LEQ(c->snd_wl2, si->ack))) {
		c->snd_wnd = (uint32_t)si->win << c->snd_wscale;
		c->snd_wl1 = si->seq;
		c->snd_wl2 = si->ack;
		if (c->snd_wnd != 0) {
			c->persist_at_us = 0;
			c->persist_backoff = 0;
		}
	}
	if (c->fin_acked && c->snd_una == c->snd_max && !c->close_done &&
	    c->sl_head == NULL) {
		/* T10: the close completes when FIN and data are acked; the
		 * receive side stays open until the peer closes its half.
		 */
		c->close_done = true;
		c->rto_at_us = 0;
		conn_event(c, &c->ev_closed, EVK_CLOSED, OFLD_TCP_SUCCESS);
	}

	/* payload; none after the peer's FIN (RFC 9293 3.10.7.4: ignored,
	 * acknowledged again)
	 */
	if (si->len != 0)
		ack_now = c->peer_fin ? true : data_in(c, frame, si);
	if ((si->flags & TH_FIN) && si->seq + si->len == c->rcv_nxt &&
	    !c->peer_fin && c->ooo_head == NULL) {
		c->peer_fin = true;
		c->rcv_nxt++;
		ack_now = true;
		conn_event(c, &c->ev_fin, EVK_PEER_FIN, OFLD_TCP_SUCCESS);
	}
	if (ack_now)
		send_ack(c);
	else if (si->len != 0 && c->delack_at_us == 0)
		c->delack_at_us = e->now_us + e->conf.delack_us;
	output(c);
}

static int
listener_find(const struct ofld_tcp_engine *e, const struct conn_key *k)
{
	unsigned int i;

	for (i = 0; i < MAX_LISTEN; i++) {
		const struct listener *l = &e->listen[i];

		if (l->used && l->port == k->local_port && l->ipv6 == k->ipv6 &&
		    (l->any || memcmp(l->local_ip, k->local_ip, 16) == 0))
			return (int)i;
	}
	return -1;
}

static int
conn_lookup(struct ofld_tcp_engine *e, struct rte_mbuf *m,
	    struct ofld_tcp_conn **cp, struct seg_info *si,
	    struct conn_key *kout)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)p;
	const struct rte_tcp_hdr *th;
	struct conn_key k;
	uint32_t l3 = RTE_ETHER_HDR_LEN, l4, thl, iplen;
	const void *l3hdr;
	void *data;

	if (m->data_len < RTE_ETHER_HDR_LEN + 20)
		return -1;
	memset(&k, 0, sizeof(k));
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip = (const void *)(p + l3);

		if ((ip->version_ihl >> 4) != 4 ||
		    ip->next_proto_id != IPPROTO_TCP ||
		    (ip->fragment_offset & rte_cpu_to_be_16(0x3fff)))
			return -1;
		l4 = l3 + rte_ipv4_hdr_len(ip);
		iplen = rte_be_to_cpu_16(ip->total_length);
		if (iplen < l4 - l3 || l3 + iplen > m->pkt_len)
			return -1;
		memcpy(k.local_ip, &ip->dst_addr, 4);
		memcpy(k.remote_ip, &ip->src_addr, 4);
		if (m->data_len < l4 + sizeof(*th))
			return -1;
		th = (const void *)(p + l4);
		thl = (th->data_off >> 4) * 4;
		if (thl < 20 || l4 + thl > l3 + iplen || l4 + thl > m->data_len)
			return -1;
		si->len = l3 + iplen - l4 - thl;
		l3hdr = ip;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6 = (const void *)(p + l3);

		if (m->data_len < l3 + 40 || ip6->proto != IPPROTO_TCP)
			return -1;
		l4 = l3 + 40;
		iplen = 40 + rte_be_to_cpu_16(ip6->payload_len);
		if (l3 + iplen > m->pkt_len || m->data_len < l4 + sizeof(*th))
			return -1;
		k.ipv6 = 1;
		memcpy(k.local_ip, ip6->dst_addr, 16);
		memcpy(k.remote_ip, ip6->src_addr, 16);
		th = (const void *)(p + l4);
		thl = (th->data_off >> 4) * 4;
		if (thl < 20 || l4 + thl > l3 + iplen || l4 + thl > m->data_len)
			return -1;
		si->len = l3 + iplen - l4 - thl;
		l3hdr = ip6;
	} else {
		return -1;
	}
	k.local_port = rte_be_to_cpu_16(th->dst_port);
	k.remote_port = rte_be_to_cpu_16(th->src_port);
	if (rte_hash_lookup_data(e->hash, &k, &data) < 0) {
		/* a SYN for a port we listen to is ours too */
		if ((th->tcp_flags & (TH_SYN | TH_ACK | TH_RST)) != TH_SYN ||
		    listener_find(e, &k) < 0)
			return -1;
		data = NULL;
	}
	/* ours: its checksum must hold (unless the port checked it) */
	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_L4_CKSUM_GOOD &&
	    !ofld_l4_cksum_ok(m, l3hdr, !k.ipv6, l4)) {
		e->st.csum_bad++;
		return -2;
	}
	*cp = data;
	*kout = k;
	si->seq = rte_be_to_cpu_32(th->sent_seq);
	si->ack = rte_be_to_cpu_32(th->recv_ack);
	si->win = rte_be_to_cpu_16(th->rx_win);
	si->flags = th->tcp_flags;
	si->has_ts = false;
	si->tsval = si->tsecr = 0;
	si->has_mss = false;
	si->opt_mss = 0;
	si->opt_ws = -1;
	si->opt_sack_ok = false;
	si->opt_bad = false;
	si->payload_off = l4 + thl;
	parse_ts(th, thl - 20, si);
	if (unlikely(si->opt_bad))
		e->st.opt_bad++;
	return 0;
}

uint16_t
ofld_tcp_input(struct ofld_tcp_engine *e, struct rte_mbuf **frames,
	       uint16_t n, struct rte_mbuf **rest)
{
	struct ofld_tcp_conn *c;
	struct seg_info si;
	struct conn_key key;
	uint16_t i, k = 0;
	int r;

	now_us(e);
	for (i = 0; i < n; i++) {
		r = conn_lookup(e, frames[i], &c, &si, &key);
		if (r == -1) {
			rest[k++] = frames[i];
			continue;
		}
		if (r == 0 && c == NULL)
			syn_to_listener(e, frames[i], &si, &key);
		else if (r == 0)
			segment_in(c, frames[i], &si);
		rte_pktmbuf_free(frames[i]);
	}
	e->st.not_ours += k;
	out_flush(e);
	waiting_flush(e);
	events_flush(e);
	return k;
}

/* ---- poll ------------------------------------------------------------ */

void
ofld_tcp_poll(struct ofld_tcp_engine *e)
{
	struct ofld_tcp_conn *c;
	uint32_t i;

	struct ofld_mpsc_node *n;
	uint32_t turns;

	now_us(e);
	/* connections posted to since last time join the ready list */
	while ((n = ofld_mpsc_pop(&e->notify)) != NULL) {
		c = container_of(n, struct ofld_tcp_conn, notify_node);
		/* N1: pairs with N0; a later post notifies again */
		__atomic_store_n(&c->notified, 0, __ATOMIC_RELEASE);
		if (c->active && !c->dead)
			ready_add(c);
	}
	/* one turn each for the connections ready now, in order, until the
	 * link has no room for more
	 */
	e->link_busy = false;
	for (turns = 0; e->ready_head != NULL && turns < e->nb_active + 1 &&
	     !e->link_busy; turns++) {
		c = ready_take(e);
		if (c->active && !c->dead)
			output(c);
	}
	/* timers: a scan of every connection, not on every poll */
	if (e->now_us >= e->next_timer_scan_us) {
		e->next_timer_scan_us = e->now_us + TIMER_SCAN_US;
		for (i = 0; i < e->nb_active; i++) {
			c = e->active[i];
			if (c->rto_at_us != 0 && e->now_us >= c->rto_at_us &&
			    c->state != ST_ESTABLISHED) {
				syn_resend(c);
				if (!c->active)
					i--;	/* it was freed: the list moved */
				continue;
			}
			if (c->rto_at_us != 0 && e->now_us >= c->rto_at_us) {
				if (c->backoff >= MAX_BACKOFF) {
					conn_end(c, OFLD_TCP_TIMED_OUT);
					continue;
				}
				rto_expired(c);
			}
			if (c->delack_at_us != 0 &&
			    e->now_us >= c->delack_at_us)
				send_ack(c);
			if (c->persist_at_us != 0 &&
			    e->now_us >= c->persist_at_us) {
				/* an old sequence number: the peer answers
				 * with an ACK carrying its window (RFC 9293
				 * 3.8.6.1)
				 */
				send_segment(c, c->snd_una - 1, TH_ACK, NULL, 0,
					     0);
				e->st.persist_probes++;
				if (c->persist_backoff < MAX_BACKOFF)
					c->persist_backoff++;
				c->persist_at_us = e->now_us +
					RTE_MIN((uint64_t)c->rto_us <<
						c->persist_backoff,
						(uint64_t)MAX_RTO_US);
			}
			if (!c->dead && c->fin_queued && !c->fin_sent)
				output(c);
		}
	}
	out_flush(e);
	waiting_flush(e);
	events_flush(e);
}

/* ---- control --------------------------------------------------------- */

static void
conn_template(struct ofld_tcp_conn *c, const struct ofld_tcp_state *st)
{
	uint8_t *p = c->tmpl;
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_tcp_hdr *th;
	uint32_t l4;

	memset(c->tmpl, 0, sizeof(c->tmpl));
	rte_ether_addr_copy(&st->remote_mac, &eth->dst_addr);
	rte_ether_addr_copy(&c->e->conf.local_mac, &eth->src_addr);
	if (st->ipv6) {
		struct rte_ipv6_hdr *ip6 = (void *)(p + RTE_ETHER_HDR_LEN);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, st->local_ip, 16);
		memcpy(ip6->dst_addr, st->remote_ip, 16);
		l4 = RTE_ETHER_HDR_LEN + 40;
	} else {
		struct rte_ipv4_hdr *ip = (void *)(p + RTE_ETHER_HDR_LEN);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = 0x45;
		ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip->time_to_live = 64;
		ip->next_proto_id = IPPROTO_TCP;
		memcpy(&ip->src_addr, st->local_ip, 4);
		memcpy(&ip->dst_addr, st->remote_ip, 4);
		l4 = RTE_ETHER_HDR_LEN + 20;
	}
	th = (struct rte_tcp_hdr *)(p + l4);
	th->src_port = rte_cpu_to_be_16(st->local_port);
	th->dst_port = rte_cpu_to_be_16(st->remote_port);
	th->data_off = (uint8_t)(((20 + (st->ts_ok ? TS_OPT_LEN : 0)) / 4) << 4);
	if (st->ts_ok)
		memcpy(th + 1, "\x01\x01\x08\x0a", 4);
	c->hdr_len = (uint8_t)(l4 + 20 + (st->ts_ok ? TS_OPT_LEN : 0));
}

static void
key_of(struct conn_key *k, const struct ofld_tcp_state *st)
{
	memset(k, 0, sizeof(*k));
	k->ipv6 = st->ipv6;
	k->local_port = st->local_port;
	k->remote_port = st->remote_port;
	memcpy(k->local_ip, st->local_ip, st->ipv6 ? 16 : 4);
	memcpy(k->remote_ip, st->remote_ip, st->ipv6 ? 16 : 4);
}

/* Take a free slot for a connection in state st (its numbers set). */
static struct ofld_tcp_conn *
conn_new(struct ofld_tcp_engine *e, const struct ofld_tcp_state *st)
{
	struct ofld_tcp_conn *c;
	struct conn_key k;
	uint32_t idx;

	key_of(&k, st);
	if (rte_hash_lookup(e->hash, &k) >= 0) {
		rte_errno = EEXIST;
		return NULL;
	}
	if (e->nb_free == 0) {
		rte_errno = ENOSPC;
		return NULL;
	}
	idx = e->free_idx[--e->nb_free];
	c = &e->conns[idx];
	{
		/* the slot's notify node may still be on the engine's
		 * notify queue: it must survive the reset
		 */
		uint32_t nt = __atomic_load_n(&c->notified, __ATOMIC_ACQUIRE);
		struct ofld_mpsc_node nn = c->notify_node;

		memset(c, 0, sizeof(*c));
		c->notified = nt;
		c->notify_node = nn;
	}
	c->e = e;
	c->idx = idx;
	c->key = k;
	c->cookie = st->cookie;
	c->ipv6 = st->ipv6;
	c->remote_mac = st->remote_mac;
	ofld_mpsc_init(&c->sendq);
	if (rte_hash_add_key_data(e->hash, &c->key, c) < 0) {
		e->free_idx[e->nb_free++] = idx;
		rte_errno = ENOSPC;
		return NULL;
	}
	c->active = true;
	c->active_pos = e->nb_active;
	e->active[e->nb_active++] = c;
	return c;
}

static void
conn_apply_state(struct ofld_tcp_conn *c, const struct ofld_tcp_state *st)
{
	struct ofld_tcp_engine *e = c->e;

	c->snd_una = c->snd_nxt = c->snd_end = st->snd_una;
	/* what the previous stack sent may be acknowledged to us */
	c->snd_max = SEQ_GT(st->snd_max, st->snd_una) ? st->snd_max :
		st->snd_una;
	c->snd_wnd = st->snd_wnd;
	c->mss = st->mss - (st->ts_ok ? TS_OPT_LEN : 0);
	/* RFC 6928 initial window unless the state brings one */
	c->cwnd = RTE_MAX(2u * c->mss, 14600u);
	c->cwnd = st->cwnd != 0 ? st->cwnd : RTE_MIN(10u * c->mss, c->cwnd);
	c->ssthresh = st->ssthresh != 0 ? st->ssthresh : UINT32_MAX / 2;
	c->recover = st->snd_una;
	c->srtt_us = st->srtt_us;
	c->rttvar_us = st->rttvar_us;
	c->rto_us = st->srtt_us != 0 ?
		RTE_MAX(st->srtt_us + 4 * st->rttvar_us, e->conf.min_rto_us) :
		RTE_MAX(1000000u, e->conf.min_rto_us);
	c->rcv_nxt = c->last_ack_sent = st->rcv_nxt;
	c->rcv_wnd = st->rcv_wnd;
	c->snd_wscale = st->snd_wscale;
	c->rcv_wscale = st->rcv_wscale;
	c->ts_ok = st->ts_ok;
	c->ts_recent = st->ts_recent;
	c->ts_offset = st->ts_offset;
	c->snd_wl1 = st->rcv_nxt;
	c->snd_wl2 = st->snd_una;
	c->remote_mac = st->remote_mac;
	c->cc = st->cc;
	conn_template(c, st);
}

struct ofld_tcp_conn *
ofld_tcp_offload(struct ofld_tcp_engine *e, const struct ofld_tcp_state *st)
{
	struct ofld_tcp_conn *c;

	if (e == NULL || st == NULL || st->mss < 64 + TS_OPT_LEN ||
	    st->snd_wscale > 14 || st->rcv_wscale > 14 ||
	    SEQ_GT(st->snd_una, st->snd_nxt)) {
		rte_errno = EINVAL;
		return NULL;
	}
	c = conn_new(e, st);
	if (c == NULL)
		return NULL;
	/* Sending starts at snd_una: what the previous stack had sent but
	 * not seen acknowledged is posted again by the application (the
	 * peer drops what it already has).
	 */
	conn_apply_state(c, st);
	return c;
}

int
ofld_tcp_send(struct ofld_tcp_conn *c, struct rte_mbuf **reqs, uint16_t n)
{
	struct ofld_req_meta *first, *prev = NULL;
	uint64_t bytes = 0;
	uint16_t i;

	if (c == NULL || (n != 0 && reqs == NULL))
		return -EINVAL;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (reqs[i] == NULL || reqs[i]->pkt_len == 0)
			return -EINVAL;
	if (c->dead || c->fin_queued)
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

int
ofld_tcp_close(struct ofld_tcp_conn *c)
{
	if (c == NULL)
		return -EINVAL;
	if (c->dead || c->fin_queued)
		return -EPIPE;
	take_posted(c);
	c->fin_queued = true;
	now_us(c->e);
	output(c);
	out_flush(c->e);
	return 0;
}

int
ofld_tcp_abort(struct ofld_tcp_conn *c)
{
	if (c == NULL)
		return -EINVAL;
	if (c->dead)
		return -EPIPE;
	now_us(c->e);
	send_segment(c, c->snd_nxt, TH_RST | TH_ACK, NULL, 0, 0);
	out_flush(c->e);
	conn_end(c, OFLD_TCP_ABORTED_LOCALLY);
	waiting_flush(c->e);
	events_flush(c->e);
	return 0;
}

void
ofld_tcp_query(const struct ofld_tcp_conn *c, struct ofld_tcp_state *st)
{
	memset(st, 0, sizeof(*st));
	st->ipv6 = c->ipv6;
	memcpy(st->local_ip, c->key.local_ip, 16);
	memcpy(st->remote_ip, c->key.remote_ip, 16);
	st->local_port = c->key.local_port;
	st->remote_port = c->key.remote_port;
	st->remote_mac = c->remote_mac;
	st->cookie = c->cookie;
	st->snd_una = c->snd_una;
	st->snd_nxt = c->snd_nxt;
	st->snd_max = c->snd_max;
	st->snd_wnd = c->snd_wnd;
	st->cwnd = c->cwnd;
	st->ssthresh = c->ssthresh;
	st->srtt_us = c->srtt_us;
	st->rttvar_us = c->rttvar_us;
	st->rcv_nxt = c->rcv_nxt;
	st->rcv_wnd = c->rcv_wnd;
	st->mss = c->mss + (c->ts_ok ? TS_OPT_LEN : 0);
	st->snd_wscale = c->snd_wscale;
	st->rcv_wscale = c->rcv_wscale;
	st->ts_ok = c->ts_ok;
	st->ts_recent = c->ts_recent;
	st->ts_offset = c->ts_offset;
	st->cc = c->cc;
}

uint64_t
ofld_tcp_backlog(const struct ofld_tcp_conn *c)
{
	return c->queued_bytes +
		__atomic_load_n(&c->posted_bytes, __ATOMIC_RELAXED);
}

static void
conn_free(struct ofld_tcp_conn *c)
{
	struct ofld_tcp_engine *e = c->e;
	struct ofld_tcp_conn *last = e->active[--e->nb_active];

	rte_hash_del_key(e->hash, &c->key);
	ooo_free(c);
	if (c->in_ready) {
		/* unlink it: its slot may come back as a new connection */
		struct ofld_tcp_conn **pp = &e->ready_head, *prev = NULL;

		while (*pp != c) {
			prev = *pp;
			pp = &(*pp)->ready_next;
		}
		*pp = c->ready_next;
		if (e->ready_tail == c)
			e->ready_tail = prev;
		c->in_ready = false;
	}
	c->active = false;
	last->active_pos = c->active_pos;
	e->active[c->active_pos] = last;
	e->free_idx[e->nb_free++] = c->idx;
}

uint32_t
ofld_tcp_nb_conns(const struct ofld_tcp_engine *e)
{
	return e->nb_active;
}

bool
ofld_tcp_idle(const struct ofld_tcp_engine *e)
{
	return e->nb_active == 0 && e->nb_listen == 0;
}

void
ofld_tcp_foreach(struct ofld_tcp_engine *e,
		 void (*fn)(struct ofld_tcp_conn *c, void *arg), void *arg)
{
	uint32_t i;

	for (i = 0; i < e->nb_active; i++)
		fn(e->active[i], arg);
}

int
ofld_tcp_terminate(struct ofld_tcp_conn *c, struct ofld_tcp_state *st)
{
	struct ofld_tcp_engine *e;
	struct ofld_mpsc_node *n;

	if (c == NULL || st == NULL)
		return -EINVAL;
	e = c->e;
	ofld_tcp_query(c, st);
	if (!c->dead) {
		fail_pending(c, OFLD_TCP_UPLOADED);
		c->dead = true;
	}
	/* events already made must not point at a freed connection */
	for (n = e->dying ? NULL : e->wait_head; n != NULL; n = n->next)
		if (meta_conn(meta_of_node(n)) == c->idx)
			meta_of_node(n)->info |= OFLD_REQ_CONN_MASK;
	for (n = e->dying ? NULL : e->ovf_head; n != NULL; n = n->next)
		if (meta_conn(meta_of_node(n)) == c->idx)
			meta_of_node(n)->info |= OFLD_REQ_CONN_MASK;
	conn_free(c);
	waiting_flush(e);
	events_flush(e);
	return 0;
}

int
ofld_tcp_release(struct ofld_tcp_conn *c)
{
	if (c == NULL || !c->active)
		return -EINVAL;
	if (!c->dead && !c->close_done)
		return -EBUSY;
	if (!c->dead)
		fail_pending(c, OFLD_TCP_ABORTED_LOCALLY); /* nothing, normally */
	c->dead = true;
	conn_free(c);
	return 0;
}

/* ---- engine ------------------------------------------------------------ */

struct ofld_tcp_engine *
ofld_tcp_engine_create(const char *name, const struct ofld_tcp_engine_conf *conf)
{
	struct rte_hash_parameters hp = { 0 };
	struct ofld_tcp_engine *e;
	char n[RTE_RING_NAMESIZE];
	uint32_t i;

	if (name == NULL || conf == NULL || conf->max_conns == 0 ||
	    conf->tx_pool == NULL || conf->rx_pool == NULL ||
	    conf->xmit == NULL || ofld_req_offset < 0) {
		rte_errno = EINVAL;
		return NULL;
	}
	e = rte_zmalloc_socket("ofld_tcp_engine", sizeof(*e),
			       RTE_CACHE_LINE_SIZE, conf->socket);
	if (e == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	e->conf = *conf;
	if (e->conf.delack_us == 0)
		e->conf.delack_us = 500;
	if (e->conf.min_rto_us == 0)
		e->conf.min_rto_us = 1000;
	if (e->conf.event_ring_size == 0)
		e->conf.event_ring_size = 4096;
	e->us_mult = (uint64_t)(((unsigned __int128)1000000 << 32) /
				rte_get_tsc_hz());
	e->conns = rte_zmalloc_socket("ofld_tcp_conns",
				      sizeof(*e->conns) * conf->max_conns,
				      RTE_CACHE_LINE_SIZE, conf->socket);
	e->free_idx = rte_malloc_socket("ofld_tcp_free",
					sizeof(uint32_t) * conf->max_conns, 0,
					conf->socket);
	e->active = rte_malloc_socket("ofld_tcp_active",
				      sizeof(*e->active) * conf->max_conns, 0,
				      conf->socket);
	snprintf(n, sizeof(n), "%s_h", name);
	hp.name = n;
	hp.entries = RTE_MAX(conf->max_conns, 8u);
	hp.key_len = sizeof(struct conn_key);
	hp.hash_func = rte_jhash;
	hp.socket_id = conf->socket;
	e->hash = rte_hash_create(&hp);
	snprintf(n, sizeof(n), "%s_trk", name);
	e->trk_pool = rte_mempool_create(n, TRK_POOL, sizeof(struct req_trk),
					 0, 0, NULL, NULL, NULL, NULL,
					 conf->socket, 0);
	snprintf(n, sizeof(n), "%s_ev", name);
	e->events = rte_ring_create(n, e->conf.event_ring_size, conf->socket,
				    RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (e->conns == NULL || e->free_idx == NULL || e->hash == NULL ||
	    e->events == NULL || e->active == NULL || e->trk_pool == NULL) {
		ofld_tcp_engine_free(e);
		rte_errno = ENOMEM;
		return NULL;
	}
	ofld_mpsc_init(&e->notify);
	for (i = 0; i < conf->max_conns; i++)
		e->free_idx[i] = conf->max_conns - 1 - i;
	e->nb_free = conf->max_conns;
	return e;
}

void
ofld_tcp_engine_free(struct ofld_tcp_engine *e)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_event ev[64];
	bool leak = false;
	uint16_t k, j;

	if (e == NULL)
		return;
	e->dying = true;	/* no event will be read: skip their fixups */
	while (e->active != NULL && e->nb_active != 0)
		ofld_tcp_terminate(e->active[0], &st);
	/* Requests whose bytes are still on the wire wait for it a little
	 * (the cable drains as its other end receives); then what nobody
	 * took is handed back by freeing it. Requests still referenced after
	 * that are left, with the tracker pool, rather than freed under a
	 * segment that points into them.
	 */
	{
		uint64_t end = rte_get_timer_cycles() + rte_get_timer_hz() / 10;

		waiting_flush(e);
		while (e->wait_head != NULL && rte_get_timer_cycles() < end) {
			waiting_flush(e);
			while ((k = ofld_tcp_events(e, ev, 64)) != 0)
				for (j = 0; j < k; j++)
					rte_pktmbuf_free(ev[j].m);
		}
	}
	/* Still referenced: the last segment to go frees the request. The
	 * tracker pool then has to stay (a bounded leak) rather than be
	 * freed under a pending callback.
	 */
	while (e->wait_head != NULL) {
		struct ofld_req_meta *r = meta_of_node(
			fifo_take(&e->wait_head, &e->wait_tail));
		struct req_trk *t = r->trk;
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
			leak = true;
		else
			rte_pktmbuf_free(m);	/* it became free meanwhile */
	}
	while (e->ovf_head != NULL) {
		struct ofld_req_meta *r = meta_of_node(
			fifo_take(&e->ovf_head, &e->ovf_tail));

		if (meta_kind(r) == EVK_SEND_DONE || meta_kind(r) == EVK_RECV)
			rte_pktmbuf_free(ofld_req_of(&r->link));
	}
	while (e->events != NULL && (k = ofld_tcp_events(e, ev, 64)) != 0)
		for (j = 0; j < k; j++)
			rte_pktmbuf_free(ev[j].m);
	rte_ring_free(e->events);
	if (!leak)
		rte_mempool_free(e->trk_pool);
	rte_hash_free(e->hash);
	rte_free(e->free_idx);
	rte_free(e->active);
	rte_free(e->conns);
	rte_free(e);
}

void
ofld_tcp_stats_get(const struct ofld_tcp_engine *e, struct ofld_tcp_stats *s)
{
	*s = e->st;
}

size_t
ofld_tcp_conn_size(void)
{
	return sizeof(struct ofld_tcp_conn);
}

size_t
ofld_tcp_conn_hot_size(void)
{
	return offsetof(struct ofld_tcp_conn, sl_head);
}

/* ---- connection set-up: SYN, SYN-ACK, options ------------------------ */

/* A SYN or SYN-ACK with our options (MSS, SACK permitted, timestamps,
 * window scale), built on its own: the data template has no room for them.
 */
static void
send_syn(struct ofld_tcp_conn *c, uint8_t flags)
{
	struct ofld_tcp_engine *e = c->e;
	const uint32_t l3 = RTE_ETHER_HDR_LEN, l4 = l3 + (c->ipv6 ? 40 : 20);
	uint8_t opt[20], *p;
	uint32_t ol = 0;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *h;
	bool synack = (flags & TH_ACK) != 0;

	opt[ol++] = 2;
	opt[ol++] = 4;
	opt[ol++] = c->our_mss >> 8;
	opt[ol++] = c->our_mss & 0xff;
	if (c->sack_ok) {	/* SYN: offered; SYN-ACK: agreed */
		opt[ol++] = 4;
		opt[ol++] = 2;
	}
	if (c->ts_ok) {
		uint32_t tsv = rte_cpu_to_be_32(ts_now(c));
		uint32_t tse = rte_cpu_to_be_32(c->ts_recent);

		opt[ol++] = 8;
		opt[ol++] = 10;
		memcpy(&opt[ol], &tsv, 4);
		memcpy(&opt[ol + 4], &tse, 4);
		ol += 8;
	}
	if (c->ws_on) {		/* SYN: offered; SYN-ACK: the peer offered */
		opt[ol++] = 1;
		opt[ol++] = 3;
		opt[ol++] = 3;
		opt[ol++] = c->rcv_wscale;
	}
	while (ol % 4)
		opt[ol++] = 1;	/* NOP */

	h = rte_pktmbuf_alloc(e->conf.tx_pool);
	if (h == NULL) {
		e->st.nomem++;
		return;
	}
	p = (uint8_t *)rte_pktmbuf_append(h, l4 + 20 + ol);
	memcpy(p, c->tmpl, l4);
	th = (struct rte_tcp_hdr *)(p + l4);
	memset(th, 0, sizeof(*th));
	th->src_port = rte_cpu_to_be_16(c->key.local_port);
	th->dst_port = rte_cpu_to_be_16(c->key.remote_port);
	th->sent_seq = rte_cpu_to_be_32(c->iss);
	th->recv_ack = synack ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)(((20 + ol) / 4) << 4);
	th->tcp_flags = flags;
	/* RFC 7323: the window of a SYN is never scaled */
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(c->rcv_wnd, 65535u));
	memcpy(th + 1, opt, ol);
	if (c->ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(p + l3);

		ip6->payload_len = rte_cpu_to_be_16((uint16_t)(20 + ol));
		th->cksum = ofld_l4_cksum(h, ip6, false, l4);
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(p + l3);

		ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + 20 + ol));
		ip->packet_id = rte_cpu_to_be_16(0x8000 | (c->ip_id++ & 0x7fff));
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		th->cksum = ofld_l4_cksum(h, ip, true, l4);
	}
	e->st.segs_out++;
	out_put(e, h);
	if (c->rto_at_us == 0)
		arm_rto(c);
}

/* State of a connection being set up, before options are known. */
static void
open_state(struct ofld_tcp_state *st, const struct ofld_tcp_open *o,
	   uint32_t iss)
{
	memset(st, 0, sizeof(*st));
	st->ipv6 = o->ipv6;
	memcpy(st->local_ip, o->local_ip, 16);
	memcpy(st->remote_ip, o->remote_ip, 16);
	st->local_port = o->local_port;
	st->remote_port = o->remote_port;
	st->remote_mac = o->remote_mac;
	st->cookie = o->cookie;
	st->snd_una = st->snd_nxt = st->snd_max = iss + 1;
	st->rcv_wnd = o->rcv_wnd != 0 ? o->rcv_wnd : 4u << 20;
	st->mss = o->mss != 0 ? o->mss : (o->ipv6 ? 1440 : 1460);
	st->snd_wnd = st->mss;
	st->ts_ok = false;
	st->cc = o->cc;
}

/* The options both sides agreed on, into the connection's state. */
static void
negotiate(struct ofld_tcp_conn *c, const struct seg_info *si, bool want_ts,
	  bool want_ws, bool want_sack, struct ofld_tcp_state *st)
{
	uint16_t peer_mss = si->has_mss ? si->opt_mss :
		(c->ipv6 ? 1220 : 536);	/* RFC 9293 defaults */
	int8_t ws = si->opt_ws;

	/* absurd values are clamped, never trusted: an MSS of 1 would cut
	 * every request into one-byte segments (one mbuf and one frame per
	 * byte); a shift above 14 is not allowed (RFC 7323 2.3)
	 */
	if (peer_mss < OFLD_TCP_MIN_SND_MSS) {
		peer_mss = OFLD_TCP_MIN_SND_MSS;
		c->e->st.opt_clamped++;
	}
	if (ws > 14) {
		ws = 14;
		c->e->st.opt_clamped++;
	}
	st->mss = RTE_MIN(c->our_mss, peer_mss);
	st->ts_ok = want_ts && si->has_ts;
	if (st->ts_ok)
		st->ts_recent = si->tsval;
	if (want_ws && ws >= 0) {
		st->snd_wscale = (uint8_t)ws;
		st->rcv_wscale = c->rcv_wscale;
	} else {
		st->snd_wscale = 0;
		st->rcv_wscale = 0;
	}
	c->sack_ok = want_sack && si->opt_sack_ok;
	st->snd_wnd = si->win;	/* unscaled in a SYN */
	st->rcv_nxt = si->seq + 1;
}

static uint8_t
wscale_for(uint32_t wnd)
{
	uint8_t ws = 0;

	while (ws < 14 && (wnd >> ws) > 65535)
		ws++;
	return ws;
}

struct ofld_tcp_conn *
ofld_tcp_connect(struct ofld_tcp_engine *e, const struct ofld_tcp_open *o)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_conn *c;
	uint32_t iss = (uint32_t)rte_rand();

	if (e == NULL || o == NULL || o->local_port == 0 ||
	    o->remote_port == 0 || (o->mss != 0 && o->mss < 88)) {
		rte_errno = EINVAL;
		return NULL;
	}
	open_state(&st, o, iss);
	c = conn_new(e, &st);
	if (c == NULL)
		return NULL;
	conn_apply_state(c, &st);
	c->state = ST_SYN_SENT;
	c->iss = iss;
	c->our_mss = st.mss;
	c->ts_ok = !o->no_timestamps;	/* offered; kept if answered */
	c->sack_ok = !o->no_sack;
	c->rcv_wscale = o->no_window_scale ? 0 : wscale_for(st.rcv_wnd);
	c->ws_on = !o->no_window_scale;
	c->ts_offset = (uint32_t)rte_rand();
	now_us(e);
	send_syn(c, TH_SYN);
	out_flush(e);
	return c;
}

int
ofld_tcp_listen(struct ofld_tcp_engine *e, const struct ofld_tcp_open *o)
{
	static const uint8_t zero[16];
	unsigned int i, slot = MAX_LISTEN;

	if (e == NULL || o == NULL || o->local_port == 0)
		return -EINVAL;
	for (i = 0; i < MAX_LISTEN; i++) {
		if (e->listen[i].used && e->listen[i].port == o->local_port &&
		    e->listen[i].ipv6 == o->ipv6)
			return -EEXIST;
		if (!e->listen[i].used && slot == MAX_LISTEN)
			slot = i;
	}
	if (slot == MAX_LISTEN)
		return -ENOSPC;
	memset(&e->listen[slot], 0, sizeof(e->listen[slot]));
	e->listen[slot].used = true;
	e->listen[slot].ipv6 = o->ipv6;
	e->listen[slot].port = o->local_port;
	e->listen[slot].any = memcmp(o->local_ip, zero, 16) == 0;
	memcpy(e->listen[slot].local_ip, o->local_ip, 16);
	e->listen[slot].backlog = o->backlog != 0 ? o->backlog : 128;
	e->listen[slot].o = *o;
	e->nb_listen++;
	return 0;
}

int
ofld_tcp_unlisten(struct ofld_tcp_engine *e, bool ipv6, uint16_t port)
{
	unsigned int i;

	for (i = 0; e != NULL && i < MAX_LISTEN; i++) {
		if (e->listen[i].used && e->listen[i].port == port &&
		    e->listen[i].ipv6 == ipv6) {
			e->listen[i].used = false;
			e->nb_listen--;
			return 0;
		}
	}
	return -ENOENT;
}

/* A SYN for a listener: a half-open connection and a SYN-ACK. */
static void
syn_to_listener(struct ofld_tcp_engine *e, struct rte_mbuf *m,
		const struct seg_info *si, const struct conn_key *k)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct ofld_tcp_state st;
	struct ofld_tcp_open o;
	struct ofld_tcp_conn *c;
	struct listener *l;
	int li = listener_find(e, k);
	uint32_t iss = (uint32_t)rte_rand();

	e->st.syn_in++;
	if (li < 0)
		return;
	l = &e->listen[li];
	if (l->half_open >= l->backlog) {
		/* bounded: a SYN flood fills no memory */
		e->st.syn_flood_dropped++;
		return;
	}
	o = l->o;
	o.ipv6 = k->ipv6;
	memcpy(o.local_ip, k->local_ip, 16);
	memcpy(o.remote_ip, k->remote_ip, 16);
	o.local_port = k->local_port;
	o.remote_port = k->remote_port;
	rte_ether_addr_copy(&eth->src_addr, &o.remote_mac);
	open_state(&st, &o, iss);
	c = conn_new(e, &st);
	if (c == NULL)
		return;
	c->state = ST_SYN_RCVD;
	c->listener = (uint8_t)(li + 1);
	l->half_open++;
	c->iss = iss;
	c->our_mss = st.mss;
	c->rcv_wscale = o.no_window_scale ? 0 : wscale_for(st.rcv_wnd);
	negotiate(c, si, !o.no_timestamps, !o.no_window_scale, !o.no_sack,
		  &st);
	c->ws_on = !o.no_window_scale && si->opt_ws >= 0;
	st.rcv_wscale = c->ws_on ? c->rcv_wscale : 0;
	st.snd_una = st.snd_nxt = st.snd_max = iss + 1;
	conn_apply_state(c, &st);
	c->rcv_wscale = st.rcv_wscale;
	c->ts_offset = (uint32_t)rte_rand();
	c->state = ST_SYN_RCVD;
	send_syn(c, TH_SYN | TH_ACK);
}

static void
handshake_done(struct ofld_tcp_conn *c, enum ev_kind kind)
{
	if (c->listener != 0) {
		c->e->listen[c->listener - 1].half_open--;
		c->listener = 0;
	}
	c->state = ST_ESTABLISHED;
	c->rto_at_us = 0;
	c->backoff = 0;
	c->e->st.handshakes++;
	conn_event(c, &c->ev_open, kind, OFLD_TCP_SUCCESS);
}

/* A segment while the connection is being set up; true: go on with it
 * as on an established connection.
 */
static bool
handshake_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	struct ofld_tcp_state st;

	if (c->state == ST_SYN_SENT) {
		if ((si->flags & TH_ACK) && si->ack != c->iss + 1)
			return false;	/* not for our SYN */
		if (si->flags & TH_RST) {
			if (si->flags & TH_ACK)
				conn_end(c, OFLD_TCP_ABORTED_BY_PEER); /* refused */
			return false;
		}
		if ((si->flags & (TH_SYN | TH_ACK)) != (TH_SYN | TH_ACK))
			return false;
		ofld_tcp_query(c, &st);
		negotiate(c, si, c->ts_ok, c->ws_on, c->sack_ok, &st);
		st.snd_una = st.snd_nxt = st.snd_max = c->iss + 1;
		st.ssthresh = 0;
		st.cwnd = 0;
		{
			uint8_t rws = st.rcv_wscale;
			uint32_t tso = c->ts_offset;

			conn_apply_state(c, &st);
			c->rcv_wscale = si->opt_ws >= 0 ? rws : 0;
			c->ts_offset = tso;
		}
		if (c->rtt_start_us == 0 && c->backoff == 0 && c->rto_at_us)
			rtt_sample(c, (uint32_t)(c->e->now_us -
				   (c->rto_at_us - c->rto_us)));
		handshake_done(c, EVK_CONNECTED);
		send_ack(c);
		output(c);
		return false;
	}
	/* SYN_RCVD */
	if (si->flags & TH_RST) {
		halfopen_drop(c);	/* nobody has seen it yet */
		return false;
	}
	if ((si->flags & TH_SYN) && !(si->flags & TH_ACK)) {
		send_syn(c, TH_SYN | TH_ACK);	/* our SYN-ACK was lost */
		return false;
	}
	if (!(si->flags & TH_ACK) || si->ack != c->iss + 1)
		return false;
	handshake_done(c, EVK_ACCEPTED);
	return true;	/* it may carry data */
}

/* The SYN or SYN-ACK timer. */
static void
syn_resend(struct ofld_tcp_conn *c)
{
	c->rto_at_us = 0;
	if (c->backoff >= SYN_RETRIES) {
		if (c->state == ST_SYN_RCVD) {
			halfopen_drop(c);	/* never announced: just gone */
		} else {
			conn_end(c, OFLD_TCP_TIMED_OUT);
		}
		return;
	}
	c->backoff++;
	send_syn(c, c->state == ST_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK);
}

/* A half-open connection of a listener goes without a trace. */
static void
halfopen_drop(struct ofld_tcp_conn *c)
{
	c->e->listen[c->listener - 1].half_open--;
	c->listener = 0;
	c->dead = true;
	c->close_done = true;
	c->rto_at_us = 0;
	conn_free(c);
}

uint32_t
ofld_tcp_conn_index(const struct ofld_tcp_conn *c)
{
	return c->idx;
}

bool
ofld_tcp_conn_owned(const struct ofld_tcp_engine *e,
		    const struct ofld_tcp_conn *c)
{
	uintptr_t base, p = (uintptr_t)c;

	if (e == NULL || c == NULL)
		return false;
	base = (uintptr_t)e->conns;
	if (p < base || p >= base + (uintptr_t)e->conf.max_conns * sizeof(*c) ||
	    (p - base) % sizeof(*c) != 0)
		return false;
	return c->active;
}

struct ofld_tcp_conn *
ofld_tcp_conn_at(struct ofld_tcp_engine *e, uint32_t idx)
{
	if (idx >= e->conf.max_conns || !e->conns[idx].active)
		return NULL;
	return &e->conns[idx];
}

const char *
ofld_tcp_state_name(const struct ofld_tcp_conn *c)
{
	if (c->state == ST_SYN_SENT)
		return "syn-sent";
	if (c->state == ST_SYN_RCVD)
		return "syn-received";
	if (c->dead)
		return "closed";
	if (c->close_done)
		return c->peer_fin ? "closed" : "fin-acked";
	if (c->fin_sent)
		return c->peer_fin ? "closing" : "fin-sent";
	if (c->peer_fin)
		return "close-wait";
	return "established";
}

void
ofld_tcp_set_cookie(struct ofld_tcp_conn *c, uint64_t cookie)
{
	__atomic_store_n(&c->cookie, cookie, __ATOMIC_RELAXED);
}
