/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_TCP_VAR_H
#define OFLD_TCP_VAR_H

/*
 * The TCP engine's internals, shared by its modules and by nothing else
 * (the contract is ofld_tcp.h): the connection and engine structures, the
 * RFC 9293 states, the named timers, sequence arithmetic and small inline
 * helpers; the entry points of each module are in ofld_tcp_modules.h,
 * included at the end. docs/design.md draws who calls whom.
 *
 * Internal functions are named otcp_<module>_<what> so that they can never
 * clash with an application's symbols when the static library is linked.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_branch_prediction.h>
#include <rte_common.h>
#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ofld_mpsc.h"
#include "ofld_req.h"
#include "ofld_tcp.h"
#include "cc/ofld_cc.h"

/* ---- sequence space (RFC 9293 3.4: compare modulo 2^32) ---- */
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
#define MAX_BACKOFF	30	/* rto << backoff is capped at the max RTO */
#define TS_OPT_LEN	12	/* NOP NOP kind len TSval TSecr */
#define OFLD_NO_CONN	UINT32_MAX
#define OOO_PSH		1	/* status bit of a held segment: had PSH */
#define TRK_POOL	65535	/* requests in the send lists, per engine */
#define TRK_CACHE	64	/* trackers cached per lcore */
#define OTCP_INPUT_DONE	32	/* consumed frames handed on at once */
#define OTCP_ACKQ	64	/* connections owing an ACK at a burst's end */
/* receive copies of more rx_pool mbufs than this (an LRO frame of 64 KiB
 * into 2 KiB buffers takes 35): rte_pktmbuf_copy() */
#define OTCP_RX_SEGS_MAX	64
/* In-order data acknowledged at a burst's end (otcp_ack_at_burst_end()):
 * at most this much unacknowledged that way, as a GRO batch of Linux's.
 * A PMD's burst (32 frames) stays under it: one ACK per burst. ofld-perf,
 * one unpaced connection, alternating: 37-41 Gbit/s with 16 KiB, 48-53
 * with 64 KiB, 35-37 without coalescing.
 */
#define OTCP_ACK_COALESCE_MAX	65536
/* After a sign of loss (data out of order), this many ACKs go every second
 * segment again, as in Linux's quick-ACK mode: with few ACKs per window a
 * lost one stalls the sender until its probe or RTO (tcp-offload-pair's
 * 1 GiB with 1% loss each way, one lcore: 102 RTOs without coalescing,
 * 174 with 64 quick ACKs, 115 with 255).
 */
#define OTCP_QUICKACKS	255
/* tracker references taken at once for the request being cut: one
 * atomic per this many segments, not one per segment
 */
#define TRK_BIAS	64
/* A tracker's count is DPDK's 16-bit external-buffer reference count:
 * a request's segments not yet freed below us (a delay line of the pair
 * cable holds speed x delay of them: 100 Gbit/s x 8 ms of MSS segments
 * is over 65,535) take no new reference past this; sending from that
 * request waits (trk_busy) until some are freed. The rest is margin for
 * a bias and for TSO bursts cut into segments below (a lower port's ring
 * and hold bound those).
 */
#define TRK_REFS_MAX	49151
#define SM_POOL_MIN	65536	/* send map entries per engine, at least */
#define DUPTHRESH	3	/* RFC 5681, RFC 6675 */
/* Sequence space in use (assigned to posted data, not acked) stays under
 * this (R7), well below 2^31.
 */
#define SEQ_IN_USE_MAX	(1u << 30)
/* Keepalive defaults of RFC 1122 4.2.3.6 / Linux */
#define KEEP_INTVL_MS	75000
#define KEEP_CNT	9
/* PAWS: TS.Recent older than this is not trusted (RFC 7323 5.5) */
#define PAWS_IDLE_US	(24ull * 24 * 3600 * 1000000)
#define TIMER_SCAN_US	1000	/* every connection looked at this often */
/* A connect waiting for its next hop asks the resolver this often. */
#define RESOLVE_POLL_US	1000
#define TIMER_FINE_US	20	/* a timer due: at most this late (and
				 * 1/8 us per active connection)
				 */
#define MAX_LISTEN	16
/* A SYN is sent again for at least 3 minutes (RFC 9293 3.8.3 MUST-23):
 * the connection gives up at the first expiry after this, unless its user
 * timeout says otherwise.
 */
#define SYN_GIVE_UP_US	(180ull * 1000 * 1000)
/* Segments one connection may send per turn, so that a busy link is
 * shared round robin through the ready list.
 */
#define OUTPUT_QUANTUM	16

/*
 * Connection states, RFC 9293 3.3.2 (LISTEN is not a connection here:
 * listeners are their own table). CLOSED: ended (reset, aborted, timed
 * out, or closed both ways and the last ACK received); nothing more is
 * sent or taken in, the connection waits for its release.
 */
enum otcp_state {
	OTCPS_CLOSED,
	OTCPS_SYN_SENT,
	OTCPS_SYN_RECEIVED,
	OTCPS_ESTABLISHED,
	OTCPS_FIN_WAIT_1,	/* closed by us; our FIN not acked yet */
	OTCPS_FIN_WAIT_2,	/* our FIN acked; the peer's to come */
	OTCPS_CLOSE_WAIT,	/* the peer closed; we may still send */
	OTCPS_CLOSING,		/* both closed; our FIN not acked yet */
	OTCPS_LAST_ACK,		/* closed by the peer, then by us */
	OTCPS_TIME_WAIT,	/* both closed, ours first, FIN acked */
	OTCPS_NB
};

/** RFC 9293 name of a state, lower case with dashes ("fin-wait-1"). */
extern const char *const otcp_state_names[OTCPS_NB];

/* Named timers of a connection; at == 0: off. */
enum otcp_timer {
	OTCPT_REXMT,	/* what c->rexmt_kind says, or SYN / SYN-ACK */
	OTCPT_DELACK,	/* an ACK is owed */
	OTCPT_KEEP,	/* keepalive, FIN-WAIT-2 or TIME-WAIT */
	OTCPT_NB
};

/* What the retransmission timer stands for now (one at a time, as in
 * Linux's icsk_pending): RTO, tail loss probe, RACK reordering window,
 * zero-window probe.
 */
enum otcp_rexmt_kind {
	OTCPR_RTO,
	OTCPR_TLP,
	OTCPR_REO,
	OTCPR_PERSIST,
};

/* Loss recovery state (as Linux's CA states Open, Recovery, Loss). */
enum otcp_recovery {
	OTCP_REC_NONE,
	OTCP_REC_FAST,	/* fast recovery: SACK/RACK or three dup ACKs */
	OTCP_REC_LOSS,	/* after an RTO */
};

/*
 * The send map (scoreboard): what was sent from snd_una to snd_max, in
 * ranges sent together, each with its last transmission time (RACK) and
 * its SACK / loss marks (RFC 6675). Entries come from the engine's pool.
 */
struct otcp_sm {
	struct otcp_sm *next;
	uint32_t start, end;	/* [start, end) in sequence space */
	uint64_t xmit_us;	/* last (re)transmission */
	uint32_t xmit_ts;	/* our TSval then (Eifel, RFC 3522) */
	uint32_t order;		/* transmission order (RACK): the clock is
				 * read once per batch, so a time alone
				 * cannot tell two sends of one batch apart
				 */
	uint8_t flags;		/* OTCP_SM_* */
	uint8_t rexmits;
};
#define OTCP_SM_SACKED	0x01	/* the peer has it (SACK block) */
#define OTCP_SM_LOST	0x02	/* marked lost, not retransmitted since */
#define OTCP_SM_RXMIT	0x04	/* retransmitted (at least once) */
#define OTCP_SM_FIN	0x08	/* our FIN (one sequence number) */

/* SACK blocks we report (RFC 2018), most recent first. */
#define OTCP_SACK_BLOCKS	4
struct otcp_sack_blk {
	uint32_t start, end;
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
	/* ---- hot: what every segment in or out touches (three cache
	 * lines at most; test_tcp checks it) ----
	 */
	struct ofld_tcp_engine *e;
	const struct otcp_cc_ops *cc_ops;
	struct otcp_sm *sm_head, *sm_tail;	/* the send map */
	uint32_t snd_una, snd_nxt, snd_max;	/* snd_nxt: next new byte */
	uint32_t snd_end;		/* seq after the last queued byte */
	uint32_t snd_wnd, cwnd, ssthresh;
	uint32_t ca_acc;		/* congestion avoidance byte count */
	uint32_t sacked_bytes;		/* SACKed in the send map */
	uint32_t lost_bytes;		/* marked lost, not resent */
	uint32_t max_snd_wnd;		/* largest window the peer offered */
	uint32_t rcv_nxt, rcv_adv;	/* rcv_adv: right edge announced */
	uint32_t last_ack_sent;
	uint32_t ts_recent, ts_offset;
	uint32_t srtt_us, rttvar_us, rto_us;
	uint64_t timer_at[OTCPT_NB];	/* microseconds; 0: off */
	uint32_t snd_wl1, snd_wl2;
	uint16_t mss;
	uint16_t ip_id;
	uint8_t snd_wscale, rcv_wscale;
	uint8_t dupacks;
	uint8_t backoff;
	uint8_t unacked_segs;		/* received since our last ACK */
	uint8_t quick_acks;		/* ACKs left not to coalesce */
	uint8_t state;			/* enum otcp_state */
	uint8_t recovery;		/* enum otcp_recovery */
	uint8_t rexmt_kind;		/* enum otcp_rexmt_kind */
	uint8_t nb_sack_out;		/* SACK blocks to report */
	bool dsack_out;			/* the first of them is a D-SACK */
	bool ts_ok;
	bool sack_ok;
	bool ipv6;
	bool fin_sent;			/* our FIN went out (once at least) */
	bool active;			/* the slot is in use */
	bool ack_queued;		/* in e->ackq */
	uint8_t hdr_len;		/* eth + ip + tcp (+ options) */

	/* ---- send list (engine thread only) ---- */
	struct rte_mbuf *sl_head, *sl_tail;	/* oldest, newest request */
	uint32_t head_done;		/* bytes of sl_head acknowledged */
	struct rte_mbuf *nxt_req;	/* request holding snd_nxt */
	uint32_t nxt_off;
	struct rte_mbuf *cur_req, *cur_seg;	/* attach_slice()'s cursor */
	uint32_t cur_seg_start;
	/* references of bias_trk taken ahead for segments (otcp_trk_ref()) */
	struct req_trk *bias_trk;
	uint32_t bias_left;
	uint64_t queued_bytes;		/* in the send list, not acked */
	uint64_t posted_bytes;		/* posted, still on the queue */
	struct rte_mbuf *sendq_held;	/* popped, waits for sequence space */

	/* ---- loss detection and recovery (ACKs with news) ---- */
	uint32_t recover;		/* snd_max when recovery began */
	uint32_t rtt_seq;		/* sample in progress: ack >= this */
	uint64_t rtt_start_us;		/* 0: no sample in progress */
	uint32_t rto_una;		/* snd_una at the last RTO */
	uint64_t rexmt_start_us;	/* SYN: when the first one went */
	uint64_t flight_since_us;	/* oldest unacked data out since */
	uint32_t lt_bytes;		/* sent by limited transmit (RFC 3042) */
	uint32_t prr_delivered, prr_out, recover_fs;	/* RFC 6937 */
	uint32_t prior_cwnd, prior_ssthresh;	/* undo (R4) */
	uint32_t undo_una;		/* snd_una when the episode began */
	int32_t undo_retrans;		/* retransmissions not D-SACKed;
					 * -1: no undo this episode
					 */
	uint32_t undo_tsval;		/* TSval of its first retransmission */
	uint16_t reno_dups;		/* dup ACKs counted as SACKed (no SACK) */
	bool ss_after_rto;		/* slow start after an RTO (ABC L = 1) */
	/* RACK (RFC 8985) */
	uint64_t rack_xmit_us;		/* newest delivered transmission */
	uint32_t rack_order;		/* its transmission order */
	uint32_t rack_end;
	uint32_t xmit_order;		/* order of the last transmission */
	uint32_t rack_rtt_us;
	uint32_t min_rtt_us;
	uint64_t min_rtt_at_us;
	uint32_t rack_dsack_round;	/* snd_max at the last reo_wnd rise */
	uint8_t reo_wnd_mult, reo_wnd_persist;
	bool rack_reord;		/* reordering seen */
	bool tlp_retrans;		/* the probe resent old data */
	uint32_t tlp_high;		/* snd_max at the probe; 0: none */
	uint32_t rack_fack;		/* highest end delivered */
	uint64_t reo_at_us;		/* RACK reordering timer; 0: off */
	uint64_t last_send_us;		/* last new data sent (RFC 5681 4.1) */

	/* ---- receive ---- */
	struct rte_mbuf *ooo_head;	/* out-of-order data, by seq */
	uint32_t ooo_bytes;
	uint32_t rcv_buf;		/* receive buffer: largest window */
	uint64_t rcv_delivered;		/* bytes put in RECV events */
	uint64_t rcv_taken;		/* of which the application took */
	uint64_t rcv_taken_acked;	/* rcv_taken when we last sent */
	uint32_t rcv_fin_seq;		/* a FIN out of order: its seq */
	bool rcv_fin_held;
	struct otcp_sack_blk sack_out[OTCP_SACK_BLOCKS];
	uint64_t last_rcv_us;		/* last segment from the peer */
	uint64_t ts_recent_at_us;	/* when TS.Recent was taken (PAWS) */

	/* ---- scheduling (engine thread): the ready list ---- */
	struct ofld_tcp_conn *ready_next;
	bool in_ready;

	/* ---- posting (any thread) ---- */
	struct ofld_mpsc sendq;
	uint32_t notified;		/* on the engine's notify queue */
	struct ofld_mpsc_node notify_node;

	/* ---- cold ---- */
	uint16_t gen;			/* handle generation (R12) */
	bool close_done;		/* the CLOSED event is given */
	bool need_fin;			/* closed during the handshake */
	bool released;			/* the application let go (TIME-WAIT) */
	uint8_t cc;			/* OFLD_TCP_CC_* */
	uint8_t persist_backoff;
	uint8_t keep_probes;		/* keepalive probes unanswered */
	uint8_t keep_cnt;
	uint32_t keep_idle_ms, keep_intvl_ms;
	uint32_t user_timeout_ms;
	uint16_t chal_sent;		/* challenge ACKs in this window */
	uint32_t chal_win_ms;		/* start of that window, ms */
	bool ws_on;			/* window scale option in our SYN */
	bool resolving;			/* SYN-SENT: the next hop's MAC asked */
	uint8_t listener;		/* SYN_RECEIVED: index + 1; 0: none */
	uint16_t our_mss;		/* what we announced */
	uint32_t iss;
	/* congestion control's own state, see cc/ofld_cc.h */
	uint64_t cc_priv[OTCP_CC_PRIV_U64] __rte_aligned(8);
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

/* Drops that can stall a connection, said loudly (ofld_tcp_log.c). */
enum otcp_drop {
	OTCP_DROP_CSUM,
	OTCP_DROP_RCV_NOMEM,
	OTCP_DROP_TX_NOMEM,
	OTCP_DROP_SMAP,
	OTCP_DROP_TRK_BUSY,
	OTCP_DROP_NB
};

struct ofld_tcp_engine {
	struct ofld_tcp_engine_conf conf;
	char name[32];			/* as created (logs) */
	uint64_t drop_logged_us[OTCP_DROP_NB];
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
	uint64_t timer_due_us;		/* earliest deadline armed (or later) */
	uint64_t last_timer_scan_us;
	struct ofld_tcp_conn **active;	/* dense list of connections in use */
	/* the send map's entries: a free list (engine thread only) */
	struct otcp_sm *sm_mem, *sm_free;
	uint32_t nb_sm_free;
	uint32_t nb_released;		/* released, still in TIME-WAIT or
					 * FIN-WAIT-2 (R9)
					 */
	/* receive mbufs the pool has free (R8): an estimate, see
	 * otcp_rx_pool_free(); counted at rx_pool_at_us
	 */
	uint32_t rx_pool_free;
	/* in-order data found no mbuf in this input burst: the held data of
	 * every connection goes at its end (otcp_reass_short())
	 */
	bool rx_short;
	uint64_t rx_pool_at_us;
	/* connections owing an ACK at the end of this input burst */
	struct ofld_tcp_conn *ackq[OTCP_ACKQ];
	uint16_t nb_ackq;
	struct listener listen[MAX_LISTEN];
	uint16_t nb_listen;
	struct ofld_tcp_stats st;
};

/* What input parsing found in a segment, host byte order. */
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
	uint8_t nb_sack;	/* SACK blocks (any segment) */
	struct otcp_sack_blk sack[OTCP_SACK_BLOCKS];
};

/* ---- small helpers ---- */

static inline uint32_t
u32_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t
u32_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* base << shift, capped at the maximum RTO (RFC 6298 2.5). */
static inline uint64_t
otcp_backed_off(const struct ofld_tcp_engine *e, uint32_t base,
		uint32_t shift)
{
	const uint64_t max = (uint64_t)e->conf.max_rto_ms * 1000;

	if (shift >= 32)
		return max;
	return ((uint64_t)base << shift) < max ? (uint64_t)base << shift : max;
}

/* The engine's clock, read once per input batch, poll or control call. */
static inline uint64_t
otcp_now(struct ofld_tcp_engine *e)
{
	if (unlikely(e->conf.clock_us != NULL)) {
		e->now_us = e->conf.clock_us(e->conf.clock_arg);
	} else {
		unsigned __int128 t = rte_get_tsc_cycles();

		e->now_us = (uint64_t)((t * e->us_mult) >> 32);
	}
	e->room_valid = false;	/* asked for when something is to be sent */
	return e->now_us;
}

/*
 * Free mbufs of the receive pool, for the receive window (R8). Counting
 * them reads every lcore's cache (rte_mempool_avail_count(): 128 cache
 * lines with Debian's RTE_MAX_LCORE, 10% of the CPU of an unpaced
 * 4-connection transfer when done every batch), so the count is
 * refreshed at most every OTCP_POOL_COUNT_US, and at every call once the
 * pool is down to a quarter, where the window depends on it; in between
 * the engine takes off what it copies itself (otcp_rx_pool_took()).
 */
#define OTCP_POOL_COUNT_US 50
static inline uint32_t
otcp_rx_pool_free(struct ofld_tcp_engine *e)
{
	if (e->now_us - e->rx_pool_at_us >= OTCP_POOL_COUNT_US ||
	    e->now_us < e->rx_pool_at_us ||
	    e->rx_pool_free < e->conf.rx_pool->size / 4) {
		e->rx_pool_free = rte_mempool_avail_count(e->conf.rx_pool);
		e->rx_pool_at_us = e->now_us;
	}
	return e->rx_pool_free;
}

static inline void
otcp_rx_pool_took(struct ofld_tcp_engine *e, uint32_t n)
{
	e->rx_pool_free = e->rx_pool_free > n ? e->rx_pool_free - n : 0;
}

/* Our timestamp clock: 1 ms ticks (RFC 7323 5.4). */
static inline uint32_t
otcp_ts_now(const struct ofld_tcp_conn *c)
{
	return (uint32_t)(c->e->now_us / 1000) + c->ts_offset;
}

static inline void
otcp_timer_arm(struct ofld_tcp_conn *c, enum otcp_timer t, uint64_t at_us)
{
	c->timer_at[t] = at_us != 0 ? at_us : 1;
	if (c->timer_at[t] < c->e->timer_due_us)
		c->e->timer_due_us = c->timer_at[t];
}

static inline void
otcp_timer_stop(struct ofld_tcp_conn *c, enum otcp_timer t)
{
	c->timer_at[t] = 0;
}

static inline bool
otcp_timer_on(const struct ofld_tcp_conn *c, enum otcp_timer t)
{
	return c->timer_at[t] != 0;
}

/* The retransmission timer as kind k, at at_us. */
static inline void
otcp_rexmt_arm(struct ofld_tcp_conn *c, enum otcp_rexmt_kind k,
	       uint64_t at_us)
{
	c->rexmt_kind = (uint8_t)k;
	otcp_timer_arm(c, OTCPT_REXMT, at_us);
}

/* States in which the application has closed its side (RFC 9293). */
static inline bool
otcp_closed_by_us(const struct ofld_tcp_conn *c)
{
	return c->state == OTCPS_FIN_WAIT_1 || c->state == OTCPS_FIN_WAIT_2 ||
		c->state == OTCPS_CLOSING || c->state == OTCPS_LAST_ACK ||
		c->state == OTCPS_TIME_WAIT;
}

/* States in which the peer's FIN has been received. */
static inline bool
otcp_closed_by_peer(const struct ofld_tcp_conn *c)
{
	return c->state == OTCPS_CLOSE_WAIT || c->state == OTCPS_CLOSING ||
		c->state == OTCPS_LAST_ACK || c->state == OTCPS_TIME_WAIT;
}

/* States that exchange data and ACKs (after the handshake, not ended). */
static inline bool
otcp_synchronized(const struct ofld_tcp_conn *c)
{
	return c->state >= OTCPS_ESTABLISHED;
}

/* Our FIN has been sent and acknowledged (SND.UNA is past it). */
static inline bool
otcp_fin_acked(const struct ofld_tcp_conn *c)
{
	return c->fin_sent && SEQ_GT(c->snd_una, c->snd_end);
}

/* RFC 6675's pipe: bytes in flight, SACKed and lost ones left out. */
static inline uint32_t
otcp_pipe(const struct ofld_tcp_conn *c)
{
	uint32_t flight = c->snd_max - c->snd_una;
	uint32_t out = c->sacked_bytes + c->lost_bytes +
		(uint32_t)c->reno_dups * c->mss;

	return flight > out ? flight - out : 0;
}

/* Handles (R12): the slot's address with its generation in the top 16
 * bits (user-space addresses have 47 or 48 significant bits). A handle
 * outlives its connection only as a value that no call accepts.
 */
#define OTCP_GEN_SHIFT	48
#define OTCP_ADDR_MASK	((UINT64_C(1) << OTCP_GEN_SHIFT) - 1)

static inline struct ofld_tcp_conn *
otcp_slot_of(const struct ofld_tcp_conn *h)
{
	return (struct ofld_tcp_conn *)((uintptr_t)h & OTCP_ADDR_MASK);
}

static inline uint16_t
otcp_gen_of(const struct ofld_tcp_conn *h)
{
	return (uint16_t)((uintptr_t)h >> OTCP_GEN_SHIFT);
}

static inline struct ofld_tcp_conn *
otcp_handle(const struct ofld_tcp_conn *c)
{
	return (struct ofld_tcp_conn *)((uintptr_t)c |
		((uintptr_t)c->gen << OTCP_GEN_SHIFT));
}

/* The connection a handle names, or NULL (released, reused, NULL). The
 * slot must be one of an engine's (ofld_tcp_conn_owned() checks that
 * without reading through it).
 */
static inline struct ofld_tcp_conn *
otcp_conn(const struct ofld_tcp_conn *h)
{
	struct ofld_tcp_conn *c = otcp_slot_of(h);

	if (c == NULL || !c->active || c->released || c->gen != otcp_gen_of(h))
		return NULL;
	return c;
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

/* The request after m on a send list or OOO list (linked by dynfield). */
static inline struct rte_mbuf *
req_next(struct rte_mbuf *m)
{
	struct ofld_mpsc_node *n = ofld_req(m)->link.next;

	return n != NULL ? ofld_req_of(n) : NULL;
}

/* The modules' entry points */
#include "ofld_tcp_modules.h"

#endif /* OFLD_TCP_VAR_H */
