/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_TCP_H
#define OFLD_TCP_H

/**
 * @file
 * The ofld NIC's TCP send offload engine (Part T of the contract), one per
 * NIC queue, no ethdev dependency.
 *
 * An application hands over an established connection (its delegated
 * state, as with TCP chimney offload) and posts send requests: mbuf chains
 * of any length, queued without allocation on a lockless queue linked
 * through the mbuf itself (ofld_req.h). The engine cuts MSS segments
 * (PSH on the last segment of every request), sends within min(peer
 * window, congestion window), retransmits (RFC 6298 timer, fast
 * retransmit and NewReno recovery, RFC 6582), and completes every request
 * exactly once, in order, once the peer has acknowledged all of it. It is
 * also a receiving peer: in-order payload is delivered as mbufs, with
 * delayed ACKs, SACK blocks and a window that follows buffer space.
 *
 * Against real peers (Part R): every segment passes RFC 9293's
 * acceptability test and RFC 5961's ACK bounds; SACK (RFC 2018, D-SACK
 * RFC 2883) with a scoreboard, RACK-TLP loss detection (RFC 8985) and
 * proportional rate reduction (RFC 6937) over RFC 6675's pipe; spurious
 * retransmissions undone (Eifel with timestamps, RFC 3522/4015, and
 * D-SACK); RFC 6298 timers with Karn's rule, a maximum RTO and a user
 * timeout; PAWS (RFC 7323); TIME-WAIT with timestamp reuse (RFC 6191);
 * keepalive (RFC 9293 3.8.4).
 *
 * Threads: ofld_tcp_send() may be called from any thread (one thread per
 * connection at a time); everything else on an engine runs in the one
 * thread that runs the engine (ofld_tcp_input/ofld_tcp_poll), except
 * ofld_tcp_events(), which one consumer thread may call concurrently.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ofld_req.h"

#ifdef __cplusplus
extern "C" {
#endif

struct ofld_tcp_engine;
struct ofld_tcp_conn;

/** Completion status of a send request, or kind of connection event. */
enum ofld_tcp_status {
	OFLD_TCP_SUCCESS = 0,		/**< every byte acknowledged */
	OFLD_TCP_ABORTED_BY_PEER,	/**< the peer reset the connection */
	OFLD_TCP_ABORTED_LOCALLY,	/**< ofld_tcp_abort() */
	OFLD_TCP_UPLOADED,		/**< ofld_tcp_terminate() */
	OFLD_TCP_TIMED_OUT,		/**< nothing acked for the user timeout */
	OFLD_TCP_PEER_DEAD,		/**< keepalive probes unanswered */
	/** A connect without a MAC: the next hop did not answer ARP / ND
	 * (every solicitation unanswered), or there is none (no address of
	 * that family on the port, off-link without a gateway) (N1).
	 */
	OFLD_TCP_UNREACHABLE,
};

/** What the application gets back from ofld_tcp_events(). */
enum ofld_tcp_event_kind {
	OFLD_TCP_EV_SEND_DONE,	/**< a send request completes */
	OFLD_TCP_EV_RECV,	/**< in-order payload received */
	OFLD_TCP_EV_CLOSED,	/**< graceful close done / connection ended */
	OFLD_TCP_EV_PEER_FIN,	/**< the peer closed its side */
	OFLD_TCP_EV_CONNECTED,	/**< ofld_tcp_connect(): established */
	OFLD_TCP_EV_ACCEPTED,	/**< a listener's new connection: ev.conn */
};

struct ofld_tcp_event {
	enum ofld_tcp_event_kind kind;
	enum ofld_tcp_status status;
	struct ofld_tcp_conn *conn;
	uint64_t conn_cookie;	/**< the application's, from the state */
	struct rte_mbuf *m;	/**< SEND_DONE: the request; RECV: data */
	uint32_t bytes;		/**< SEND_DONE: bytes acked; RECV: length */
};

/** The delegated state of a connection (T12, T15): numbers in host byte
 * order, addresses as bytes in network order (IPv4 in the first 4 of 16).
 */
struct ofld_tcp_state {
	bool ipv6;
	uint8_t local_ip[16];	/**< IPv4 in the first 4 bytes */
	uint8_t remote_ip[16];
	uint16_t local_port;
	uint16_t remote_port;
	struct rte_ether_addr remote_mac;
	uint64_t cookie;	/**< the application's, echoed in events */

	uint32_t snd_una, snd_nxt, snd_max;
	uint32_t snd_wnd;	/**< peer's window, bytes (already scaled) */
	uint32_t cwnd, ssthresh;
	uint32_t srtt_us, rttvar_us;
	uint32_t rcv_nxt;
	uint32_t rcv_wnd;	/**< bytes we advertise */
	uint16_t mss;		/**< peer's MSS (payload bytes per segment) */
	uint8_t snd_wscale;	/**< shift of the peer's window field */
	uint8_t rcv_wscale;	/**< shift of ours */
	bool ts_ok;		/**< timestamps negotiated */
	uint32_t ts_recent;	/**< last timestamp value from the peer */
	uint32_t ts_offset;	/**< our clock's offset in our TSvals */
	uint8_t cc;		/**< OFLD_TCP_CC_NEWRENO (0) or _CUBIC */
	bool sack_ok;		/**< SACK permitted both ways (R2) */
};

/** Congestion control of a connection (ofld_tcp_state.cc). */
#define OFLD_TCP_CC_NEWRENO	0	/**< RFC 5681 + RFC 6582 */
#define OFLD_TCP_CC_CUBIC	1	/**< RFC 9438, NewReno recovery */

struct ofld_tcp_engine_conf {
	uint32_t max_conns;
	int socket;
	struct rte_ether_addr local_mac;
	/** Header and indirect mbufs of segments and ACKs. */
	struct rte_mempool *tx_pool;
	/** Received payload is copied into mbufs of this pool. */
	struct rte_mempool *rx_pool;
	/** Events ring size (power of two); completions never drop. */
	uint32_t event_ring_size;
	/**
	 * Puts frames on the wire; takes ownership of all n. Called with
	 * n == 0 at the end of every poll: a burst boundary (a wire that
	 * holds a frame back, to reorder it, lets it go then).
	 */
	void (*xmit)(void *arg, struct rte_mbuf **frames, uint16_t n);
	void *xmit_arg;
	/**
	 * Wire bytes that may start now (link pacing); NULL: no limit. Data
	 * segments wait for room; ACKs always go.
	 */
	uint64_t (*tx_room)(void *arg);
	/**
	 * Leave TCP checksums of sent segments to xmit: they carry the
	 * pseudo-header sum and RTE_MBUF_F_TX_TCP_CKSUM (IPv4 header
	 * checksums are always done). Received segments flagged
	 * RTE_MBUF_F_RX_L4_CKSUM_GOOD are not verified again.
	 */
	bool tx_csum_offload;
	/**
	 * Largest TSO burst, payload bytes (0: none; needs tx_csum_offload).
	 * New data may then go as one frame of up to this many bytes, whole
	 * MSS segments (the last one short only at a request's end):
	 * RTE_MBUF_F_TX_TCP_SEG, tso_segsz the MSS, l2/l3/l4_len, the
	 * pseudo-header sum without the length; xmit cuts it or has it cut.
	 * Retransmissions are MSS segments as before.
	 */
	uint32_t tso_max;
	/** Delayed ACK bound, microseconds (default 500). */
	uint32_t delack_us;
	/**
	 * The longest a peer may delay an ACK, microseconds (default
	 * 200000, RFC 8985's WCDelAckT; Linux delays at most 40 ms): a tail
	 * loss probe with one segment out waits for it.
	 */
	uint32_t delack_max_us;
	/** Minimum RTO, microseconds (RFC 6298 says 1 s; default 1000). */
	uint32_t min_rto_us;
	/** Maximum RTO, milliseconds (default 60000, RFC 6298 2.5). */
	uint32_t max_rto_ms;
	/**
	 * Default user timeout, milliseconds: a connection whose data stays
	 * unacknowledged this long is ended with OFLD_TCP_TIMED_OUT (default
	 * 120000; RFC 1122 4.2.3.5 asks at least 100 s). Per connection:
	 * OFLD_TCP_OPT_USER_TIMEOUT.
	 */
	uint32_t user_timeout_ms;
	/** TIME-WAIT, 2 * MSL, milliseconds (default 60000, as Linux). */
	uint32_t time_wait_ms;
	/**
	 * The engine's clock in microseconds; NULL: the TSC. A test (the
	 * conformance scripts) or a simulation gives its own virtual time.
	 */
	uint64_t (*clock_us)(void *arg);
	void *clock_arg;
	/**
	 * The frames the engine is done with (its segments, after input);
	 * NULL: it frees them. A port whose frames were allocated on another
	 * lcore (net_ofld's pair cable) hands them back to be freed there,
	 * as a NIC frees what it sent on the sending core.
	 */
	void (*consumed)(void *arg, struct rte_mbuf **frames, uint16_t n);
	void *consumed_arg;
	/**
	 * Next-hop resolution for a connect whose remote_mac is all zero
	 * (N1): 0 with *mac filled; -EAGAIN: not known yet (the SYN waits
	 * and the engine asks again every millisecond, start false);
	 * another negative errno: unreachable (the connect ends with
	 * OFLD_TCP_UNREACHABLE). start: the connect's first question. NULL:
	 * such a connect sends to the all-zero MAC it was given.
	 */
	int (*resolve)(void *arg, bool ipv6, const uint8_t *remote_ip,
		       bool start, struct rte_ether_addr *mac);
	void *resolve_arg;
};

/** Counters of an engine (W3). */
struct ofld_tcp_stats {
	uint64_t segs_out, bytes_out, retrans_segs, retrans_bytes;
	uint64_t fast_retrans, rto_fired;
	uint64_t segs_in, bytes_in, acks_in, dupacks_in;
	uint64_t psh_in;		/**< data segments with PSH */
	uint64_t ooo_held;		/**< out of order: kept for reassembly */
	uint64_t ooo_dropped;		/**< out of order: no room, dropped */
	uint64_t bad_seq;		/**< outside the window */
	uint64_t ack_unsent;		/**< ACK of data never sent */
	uint64_t rst_in, rst_challenged, syn_challenged;
	uint64_t csum_bad, not_ours;
	uint64_t reqs_posted, reqs_done, nomem;
	uint64_t events_deferred;	/**< event ring full: kept for later */
	uint64_t syn_in, syn_flood_dropped, handshakes;
	uint64_t persist_probes;	/**< zero-window probes sent */
	uint64_t opt_bad;	/**< segments with malformed TCP options */
	uint64_t opt_clamped;	/**< absurd option values clamped (SYN) */
	uint64_t challenge_limited; /**< challenge ACKs not sent: rate */
	uint64_t ack_old;	/**< ACK below SND.UNA - MAX.SND.WND (R1) */
	uint64_t paws_dropped;	/**< timestamp older than TS.Recent (R6) */
	uint64_t sack_blocks_in;	/**< SACK blocks received (R2) */
	uint64_t sack_blocks_out;	/**< SACK blocks sent (R2) */
	uint64_t dsack_in;	/**< D-SACK blocks received (R2, R4) */
	uint64_t dsack_out;	/**< D-SACK blocks sent (R2) */
	uint64_t sack_recoveries;	/**< recoveries entered with SACK */
	uint64_t reno_recoveries;	/**< recoveries entered on dup ACKs */
	uint64_t rack_marked;	/**< ranges RACK marked lost (R3) */
	uint64_t tlp_sent;	/**< tail loss probes (R3) */
	uint64_t tlp_recovered;	/**< tail losses a probe repaired (R3) */
	uint64_t spurious_undone;	/**< cwnd reductions undone (R4) */
	uint64_t rto_user_timeout;	/**< connections ended by it (R5) */
	uint64_t time_wait;	/**< connections entering TIME-WAIT (R9) */
	uint64_t time_wait_reused;	/**< TIME-WAIT 4-tuples reused (R9) */
	uint64_t syn_sent_rst;	/**< RSTs for bad ACKs in SYN-SENT (R9) */
	uint64_t keepalive_probes;	/**< keepalive probes sent (R10) */
	uint64_t keepalive_dead;	/**< connections ended by them (R10) */
	uint64_t rcv_wnd_full;	/**< data beyond our window dropped (R8) */
	uint64_t rcv_nomem;	/**< in-window data dropped: no mbuf (R8) */
	uint64_t ssr_idle;	/**< slow-start restarts after idle (R11) */
	uint64_t hystart_exits;	/**< HyStart++ ended slow start (R11) */
	uint64_t smap_nomem;	/**< send map full: sending waited */
	uint64_t ooo_reneged;	/**< held segments dropped: no mbuf (R8) */
	uint64_t resolve_waits;	/**< connects that waited for the next hop */
	uint64_t tso_bursts;	/**< new data sent as TSO bursts (N3) */
	uint64_t unreachable;	/**< connects ended UNREACHABLE (N1) */
	uint64_t trk_busy;	/**< sending waited: a request's segments
				 *   not yet freed at the reference limit
				 */
};

/** The smallest peer MSS (option value) used; smaller ones are raised. */
#define OFLD_TCP_MIN_SND_MSS		88
/** Challenge ACKs (RFC 5961) per connection per second, at most. */
#define OFLD_TCP_CHALLENGE_PER_SEC	100

/** Create an engine; NULL with rte_errno set on failure. */
struct ofld_tcp_engine *ofld_tcp_engine_create(
	const char *name, const struct ofld_tcp_engine_conf *conf);
/** Free an engine; connections still in it are terminated (UPLOADED). */
void ofld_tcp_engine_free(struct ofld_tcp_engine *e);

/**
 * Hand an established connection over (T12's reverse).
 * @return the connection, or NULL with rte_errno: EINVAL (bad state),
 *   EEXIST (same 4-tuple), ENOSPC (engine full).
 */
struct ofld_tcp_conn *ofld_tcp_offload(struct ofld_tcp_engine *e,
				       const struct ofld_tcp_state *st);

/** What an active or passive open asks for. Addresses are bytes in
 * network order, as on the wire: IPv4 in the first 4 of the 16 (the other
 * 12 zero), e.g. { 198, 18, 0, 1 }; ports and every other number in host
 * byte order. Listen: local_ip all zero = any.
 */
struct ofld_tcp_open {
	bool ipv6;
	uint8_t local_ip[16];
	uint8_t remote_ip[16];	/**< connect only */
	uint16_t local_port;
	uint16_t remote_port;	/**< connect only */
	/** Connect only: the next hop's MAC; all zero: resolved by the
	 * port's neighbour table (N1; the SYN waits for it), if the engine
	 * has a resolver (ofld_tcp_engine_conf.resolve).
	 */
	struct rte_ether_addr remote_mac;
	uint64_t cookie;	/**< echoed in the connection's events */
	uint16_t mss;		/**< ours (payload bytes); 0: 1460 / 1440 */
	uint32_t rcv_wnd;	/**< bytes we advertise; 0: 4 MiB */
	bool no_timestamps, no_window_scale, no_sack;
	uint8_t cc;		/**< OFLD_TCP_CC_* */
	uint16_t backlog;	/**< listen only: half-open connections */
	/** Per connection options at open (0: the engine's defaults, or
	 * off for keepalive); see ofld_tcp_setopt(). The user timeout also
	 * bounds a connect (SYN retransmissions; without it, 6 of them:
	 * about 127 s, as Linux), down to a millisecond.
	 */
	uint32_t user_timeout_ms;
	uint32_t keepalive_idle_ms;	/**< 0: no keepalive */
	uint32_t keepalive_intvl_ms;	/**< 0: 75 s (RFC 1122) */
	uint8_t keepalive_cnt;		/**< 0: 9 probes */
};

/**
 * Active open: send a SYN with MSS, window scale, SACK permitted and
 * timestamps (unless switched off); an OFLD_TCP_EV_CONNECTED event follows
 * (or CLOSED with TIMED_OUT, ABORTED_BY_PEER or, for a connect without a
 * MAC whose next hop cannot be resolved, UNREACHABLE). Requests may be posted
 * at once; they go when the connection is established.
 * @return the connection, or NULL with rte_errno (EINVAL, EEXIST, ENOSPC).
 */
struct ofld_tcp_conn *ofld_tcp_connect(struct ofld_tcp_engine *e,
				       const struct ofld_tcp_open *o);

/**
 * Passive open: accept connections to o->local_port (any local address
 * when o->local_ip is all zero). Each completed handshake gives an
 * OFLD_TCP_EV_ACCEPTED event whose conn is the new connection and whose
 * cookie is o->cookie. At most o->backlog (default 128) half-open
 * connections: more SYNs are dropped and counted (syn_flood_dropped).
 * @return 0, -EINVAL, -EEXIST (port listened to already), -ENOSPC.
 */
int ofld_tcp_listen(struct ofld_tcp_engine *e, const struct ofld_tcp_open *o);
/** Stop listening. @return 0 or -ENOENT. */
int ofld_tcp_unlisten(struct ofld_tcp_engine *e, bool ipv6, uint16_t port);

/** The largest send request (bytes): sequence space in use stays below
 * 2^31 (R7) however much is posted.
 */
#define OFLD_TCP_MAX_REQ_BYTES	(1u << 30)

/**
 * Post send requests, in order (T1-T3): never fails, never blocks, takes
 * ownership of all n until each comes back in a SEND_DONE event. However
 * much is posted, the engine takes at most 1 GiB onto the wire's sequence
 * space at a time (R7); the rest waits queued.
 * @return 0, or -EINVAL (NULL conn or request, a request with pkt_len 0
 *   or over OFLD_TCP_MAX_REQ_BYTES, a released handle), -EPIPE
 *   (connection closing or closed): nothing posted.
 */
int ofld_tcp_send(struct ofld_tcp_conn *c, struct rte_mbuf **reqs,
		  uint16_t n);

/** Graceful close (T10): FIN after what is queued. @return 0 or -EPIPE. */
int ofld_tcp_close(struct ofld_tcp_conn *c);
/** Abortive close (T11): RST, pending requests ABORTED_LOCALLY. */
int ofld_tcp_abort(struct ofld_tcp_conn *c);
/**
 * Terminate the offload (T12): pending requests come back UPLOADED, *st
 * gets the delegated state, the connection is freed.
 */
int ofld_tcp_terminate(struct ofld_tcp_conn *c, struct ofld_tcp_state *st);
/** Release a connection that has ended (after CLOSED): frees it. */
int ofld_tcp_release(struct ofld_tcp_conn *c);

/** Per connection options, as Linux's socket options. */
enum ofld_tcp_opt {
	OFLD_TCP_OPT_USER_TIMEOUT,	/**< ms; 0: engine default (R5) */
	OFLD_TCP_OPT_KEEPALIVE_IDLE,	/**< ms idle before probing; 0: off */
	OFLD_TCP_OPT_KEEPALIVE_INTVL,	/**< ms between probes */
	OFLD_TCP_OPT_KEEPALIVE_CNT,	/**< unanswered probes: peer dead */
	OFLD_TCP_OPT_NB
};

/**
 * Set a per connection option (engine thread).
 * @return 0, or -EINVAL (unknown option, value out of range, bad handle).
 */
int ofld_tcp_setopt(struct ofld_tcp_conn *c, enum ofld_tcp_opt opt,
		    uint32_t value);

/** Change the cookie events of c carry (e.g. for an accepted one). */
void ofld_tcp_set_cookie(struct ofld_tcp_conn *c, uint64_t cookie);

/** Read the delegated state at any time (T15). */
void ofld_tcp_query(const struct ofld_tcp_conn *c, struct ofld_tcp_state *st);
/** Bytes queued (posted or in the send list) not yet acknowledged (T15). */
uint64_t ofld_tcp_backlog(const struct ofld_tcp_conn *c);

/**
 * Feed received frames: segments of offloaded connections are consumed;
 * the others are written to rest[] (in order) for the application.
 * @return how many went to rest[].
 */
uint16_t ofld_tcp_input(struct ofld_tcp_engine *e, struct rte_mbuf **frames,
			uint16_t n, struct rte_mbuf **rest);

/** Advance timers, send queued data, flush events. */
void ofld_tcp_poll(struct ofld_tcp_engine *e);
/** Change conf.tso_max (0: MSS segments only); from the polling thread. */
void ofld_tcp_set_tso_max(struct ofld_tcp_engine *e, uint32_t bytes);

/** Take up to n events (one consumer thread). @return how many. */
uint16_t ofld_tcp_events(struct ofld_tcp_engine *e, struct ofld_tcp_event *ev,
			 uint16_t n);

void ofld_tcp_stats_get(const struct ofld_tcp_engine *e,
			struct ofld_tcp_stats *s);
/** Size in bytes of a connection's state (reported, see design.md). */
size_t ofld_tcp_conn_size(void);
/** Bytes of it that the per-segment paths touch (the hot part). */
size_t ofld_tcp_conn_hot_size(void);

/** Connections the application holds (not those it released that the
 * engine keeps in TIME-WAIT).
 */
uint32_t ofld_tcp_nb_conns(const struct ofld_tcp_engine *e);
/** True when the engine has neither connections (TIME-WAIT included)
 * nor listeners.
 */
bool ofld_tcp_idle(const struct ofld_tcp_engine *e);

/**
 * Whether @p c is a connection of @p e in use: checked by address, without
 * reading through @p c unless it lies in the engine's table (handles of
 * other engines, released or made-up ones are false).
 */
bool ofld_tcp_conn_owned(const struct ofld_tcp_engine *e,
			 const struct ofld_tcp_conn *c);

/** A connection's index in its engine, and back (NULL if not in use). */
uint32_t ofld_tcp_conn_index(const struct ofld_tcp_conn *c);
struct ofld_tcp_conn *ofld_tcp_conn_at(struct ofld_tcp_engine *e,
				       uint32_t idx);
/** "syn-sent", "syn-received", "established", "fin-sent", "closed", ... */
const char *ofld_tcp_state_name(const struct ofld_tcp_conn *c);

/** Loss recovery and receive state of a connection (telemetry). */
struct ofld_tcp_conn_info {
	const char *state;	/**< RFC 9293 name */
	const char *recovery;	/**< "open", "recovery" (fast), "loss" (RTO) */
	bool sack_ok;
	bool reordering;	/**< RACK has seen reordering */
	uint8_t backoff;	/**< RTO backoff (shifts) */
	uint32_t rto_us, min_rtt_us;
	uint32_t pipe;		/**< RFC 6675 bytes in flight */
	uint32_t sacked_bytes, lost_bytes;
	uint32_t reo_wnd_mult;
	uint32_t rcv_wnd;	/**< the window announced last */
	uint32_t ooo_bytes;	/**< held out of order */
	uint32_t user_timeout_ms, keepalive_idle_ms;
};

/** Fill @p i (engine thread, or a racy snapshot). @return 0 or -EINVAL. */
int ofld_tcp_conn_info(const struct ofld_tcp_conn *c,
		       struct ofld_tcp_conn_info *i);

/** Call fn for every connection in use (engine thread, or read-only). */
void ofld_tcp_foreach(struct ofld_tcp_engine *e,
		      void (*fn)(struct ofld_tcp_conn *c, void *arg), void *arg);

#ifdef __cplusplus
}
#endif

#endif /* OFLD_TCP_H */
