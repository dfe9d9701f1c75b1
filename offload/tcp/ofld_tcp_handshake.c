/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Connection set-up (T7, T16): active opens (SYN, SYN-SENT), listeners
 * and their half-open connections (SYN-ACK, SYN-RECEIVED, a bounded
 * backlog), the options both sides agree on (MSS, window scale, SACK
 * permitted, timestamps; absurd values clamped), and SYN retransmission.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_ip.h>
#include <rte_random.h>

#include "ofld_csum.h"
#include "ofld_tcp_var.h"

/* Our SYN options: MSS, SACK permitted, timestamps, window scale. */
static uint32_t
syn_options(const struct ofld_tcp_conn *c, uint8_t *opt)
{
	uint32_t ol = 0;

	opt[ol++] = 2;
	opt[ol++] = 4;
	opt[ol++] = c->our_mss >> 8;
	opt[ol++] = c->our_mss & 0xff;
	if (c->sack_ok) {	/* SYN: offered; SYN-ACK: agreed */
		opt[ol++] = 4;
		opt[ol++] = 2;
	}
	if (c->ts_ok) {
		uint32_t tsv = rte_cpu_to_be_32(otcp_ts_now(c));
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
	return ol;
}

/* The SYN timer: the RTO, but never past the connect timeout (the user
 * timeout of the open, as Linux's TCP_USER_TIMEOUT on a connect; else 3
 * minutes, RFC 9293 MUST-23).
 */
static void
syn_timer(struct ofld_tcp_conn *c)
{
	otcp_loss_arm_rto(c);
	if (c->user_timeout_ms != 0) {
		uint64_t end = c->rexmt_start_us +
			(uint64_t)c->user_timeout_ms * 1000;

		if (end < c->timer_at[OTCPT_REXMT])
			otcp_timer_arm(c, OTCPT_REXMT, end);
	}
}

/* A SYN or SYN-ACK with our options, built on its own: the data template
 * has no room for them.
 */
static void
send_syn(struct ofld_tcp_conn *c, uint8_t flags)
{
	struct ofld_tcp_engine *e = c->e;
	const uint32_t l3 = RTE_ETHER_HDR_LEN, l4 = l3 + (c->ipv6 ? 40 : 20);
	uint8_t opt[20], *p;
	uint32_t ol = syn_options(c, opt);
	struct rte_tcp_hdr *th;
	struct rte_mbuf *h;

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
	th->recv_ack = (flags & TH_ACK) ? rte_cpu_to_be_32(c->rcv_nxt) : 0;
	th->data_off = (uint8_t)(((20 + ol) / 4) << 4);
	th->tcp_flags = flags;
	/* RFC 7323: the window of a SYN is never scaled */
	th->rx_win = rte_cpu_to_be_16((uint16_t)RTE_MIN(c->rcv_buf, 65535u));
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
	otcp_output_put(e, h);
	if (!otcp_timer_on(c, OTCPT_REXMT))
		syn_timer(c);
}

/*
 * N1: the next hop's MAC for a connect opened without one, into the
 * connection and its header template. true: known, the SYN may go; false:
 * asked (the REXMT timer asks again) or unreachable (the connection ended).
 */
static bool
syn_next_hop(struct ofld_tcp_conn *c, bool start)
{
	struct ofld_tcp_engine *e = c->e;
	struct rte_ether_addr mac;
	int ret;

	ret = e->conf.resolve(e->conf.resolve_arg, c->ipv6, c->key.remote_ip,
			      start, &mac);
	if (ret == 0) {
		c->resolving = false;
		c->remote_mac = mac;
		rte_ether_addr_copy(&mac,
			&((struct rte_ether_hdr *)c->tmpl)->dst_addr);
		return true;
	}
	if (ret == -EAGAIN) {
		if (start)
			e->st.resolve_waits++;
		otcp_timer_arm(c, OTCPT_REXMT, e->now_us + RESOLVE_POLL_US);
		return false;
	}
	e->st.unreachable++;
	otcp_conn_end(c, OFLD_TCP_UNREACHABLE);
	return false;
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

/*
 * A 4-tuple still in TIME-WAIT here may be opened again when timestamps
 * were on (RFC 6191, as Linux's tcp_tw_reuse): the new connection keeps
 * the clock offset, so that its timestamps are newer than any of the old
 * one, and starts its sequence numbers past the old ones.
 */
static bool
time_wait_reuse(struct ofld_tcp_engine *e, const struct ofld_tcp_state *st,
		uint32_t *iss, uint32_t *ts_offset)
{
	struct conn_key k;
	void *data;
	struct ofld_tcp_conn *old;

	memset(&k, 0, sizeof(k));
	k.ipv6 = st->ipv6;
	k.local_port = st->local_port;
	k.remote_port = st->remote_port;
	memcpy(k.local_ip, st->local_ip, st->ipv6 ? 16 : 4);
	memcpy(k.remote_ip, st->remote_ip, st->ipv6 ? 16 : 4);
	if (rte_hash_lookup_data(e->hash, &k, &data) < 0)
		return false;
	old = data;
	if (!old->released || old->state != OTCPS_TIME_WAIT || !old->ts_ok)
		return false;
	*iss = old->snd_max + 65536 + 2;
	*ts_offset = old->ts_offset;
	e->st.time_wait_reused++;
	otcp_conn_free(old);
	return true;
}

/* Our SYN's window was offered unscaled (RFC 7323 2.2): that is the
 * right edge until we say more.
 */
static void
syn_window_edge(struct ofld_tcp_conn *c)
{
	c->rcv_adv = c->rcv_nxt + RTE_MIN(c->rcv_buf, 65535u);
}

struct ofld_tcp_conn *
ofld_tcp_connect(struct ofld_tcp_engine *e, const struct ofld_tcp_open *o)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_conn *c;
	uint32_t iss = (uint32_t)rte_rand(), tso = (uint32_t)rte_rand();

	if (e == NULL || o == NULL || o->local_port == 0 ||
	    o->remote_port == 0 || (o->mss != 0 && o->mss < 88)) {
		rte_errno = EINVAL;
		return NULL;
	}
	otcp_now(e);
	open_state(&st, o, iss);
	if (time_wait_reuse(e, &st, &iss, &tso))
		open_state(&st, o, iss);
	c = otcp_conn_new(e, &st);
	if (c == NULL)
		return NULL;
	otcp_conn_apply_state(c, &st);
	otcp_conn_opts_from_open(c, o);
	c->state = OTCPS_SYN_SENT;
	c->iss = iss;
	c->our_mss = st.mss;
	c->ts_ok = !o->no_timestamps;	/* offered; kept if answered */
	c->sack_ok = !o->no_sack;
	c->rcv_wscale = o->no_window_scale ? 0 : wscale_for(st.rcv_wnd);
	c->ws_on = !o->no_window_scale;
	c->ts_offset = tso;
	c->rexmt_start_us = e->now_us;	/* the connect timeout counts */
	c->resolving = e->conf.resolve != NULL &&
		rte_is_zero_ether_addr(&o->remote_mac);
	if (!c->resolving || syn_next_hop(c, true))
		send_syn(c, TH_SYN);
	otcp_output_flush(e);
	return otcp_handle(c);
}

int
ofld_tcp_listen(struct ofld_tcp_engine *e, const struct ofld_tcp_open *o)
{
	static const uint8_t zero[16];
	unsigned int i, slot = MAX_LISTEN;
	struct listener *l;

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
	l = &e->listen[slot];
	memset(l, 0, sizeof(*l));
	l->used = true;
	l->ipv6 = o->ipv6;
	l->port = o->local_port;
	l->any = memcmp(o->local_ip, zero, 16) == 0;
	memcpy(l->local_ip, o->local_ip, 16);
	l->backlog = o->backlog != 0 ? o->backlog : 128;
	l->o = *o;
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

int
otcp_listener_find(const struct ofld_tcp_engine *e, const struct conn_key *k)
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

/* What a listener's half-open connection answers to (from its SYN). */
static void
listener_open(const struct listener *l, const struct rte_mbuf *m,
	      const struct conn_key *k, struct ofld_tcp_open *o)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	*o = l->o;
	o->ipv6 = k->ipv6;
	memcpy(o->local_ip, k->local_ip, 16);
	memcpy(o->remote_ip, k->remote_ip, 16);
	o->local_port = k->local_port;
	o->remote_port = k->remote_port;
	rte_ether_addr_copy(&eth->src_addr, &o->remote_mac);
}

/* A SYN for a listener: a half-open connection and a SYN-ACK. */
void
otcp_handshake_syn_in(struct ofld_tcp_engine *e, struct rte_mbuf *m,
		      const struct seg_info *si, const struct conn_key *k)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_open o;
	struct ofld_tcp_conn *c;
	struct listener *l;
	int li = otcp_listener_find(e, k);
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
	listener_open(l, m, k, &o);
	open_state(&st, &o, iss);
	c = otcp_conn_new(e, &st);
	if (c == NULL)
		return;
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
	otcp_conn_apply_state(c, &st);
	otcp_conn_opts_from_open(c, &o);
	c->rcv_wscale = st.rcv_wscale;
	c->ts_offset = (uint32_t)rte_rand();
	c->state = OTCPS_SYN_RECEIVED;
	c->rexmt_start_us = e->now_us;
	syn_window_edge(c);
	send_syn(c, TH_SYN | TH_ACK);
}

static void
handshake_done(struct ofld_tcp_conn *c, enum ev_kind kind)
{
	if (c->listener != 0) {
		c->e->listen[c->listener - 1].half_open--;
		c->listener = 0;
	}
	/* closed while the handshake ran: the FIN follows the data */
	c->state = c->need_fin ? OTCPS_FIN_WAIT_1 : OTCPS_ESTABLISHED;
	c->need_fin = false;
	c->rexmt_start_us = 0;
	otcp_timer_stop(c, OTCPT_REXMT);
	c->rexmt_kind = OTCPR_RTO;
	c->backoff = 0;
	c->last_rcv_us = c->e->now_us;
	c->max_snd_wnd = RTE_MAX(c->max_snd_wnd, c->snd_wnd);
	c->e->st.handshakes++;
	otcp_compl_event(c, &c->ev_open, kind, OFLD_TCP_SUCCESS);
}

/* A half-open connection of a listener goes without a trace. */
static void
halfopen_drop(struct ofld_tcp_conn *c)
{
	c->e->listen[c->listener - 1].half_open--;
	c->listener = 0;
	c->state = OTCPS_CLOSED;
	c->close_done = true;
	otcp_timer_stop(c, OTCPT_REXMT);
	otcp_conn_free(c);
}

/* The SYN was sent again: the echoed timestamp gives a valid RTT (RFC
 * 7323 4, R6); without one the RTO starts at 3 s (RFC 6298 5.7).
 */
static void
syn_rtt_after_retransmit(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	uint32_t ms;

	if (c->ts_ok && si->has_ts && si->tsecr != 0) {
		ms = otcp_ts_now(c) - si->tsecr;
		if (ms < c->e->conf.max_rto_ms) {
			otcp_loss_rtt_sample(c, u32_max(ms * 1000, 1));
			return;
		}
	}
	c->rto_us = u32_max(c->rto_us, 3u * 1000 * 1000);
}

/* SYN-SENT: the SYN-ACK completes the open; an RST refuses it. */
static void
syn_sent_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	struct ofld_tcp_state st;
	uint32_t tso = c->ts_offset;
	uint8_t rws;

	if ((si->flags & TH_ACK) && si->ack != c->iss + 1) {
		/* RFC 9293 3.10.7.3: not for our SYN (a peer's old
		 * connection, say in LAST-ACK): reset it, then our SYN
		 * goes through when sent again
		 */
		if (!(si->flags & TH_RST)) {
			otcp_output_segment(c, si->ack, TH_RST, NULL, 0, 0);
			c->e->st.syn_sent_rst++;
		}
		return;
	}
	if (si->flags & TH_RST) {
		if (si->flags & TH_ACK)
			otcp_conn_end(c, OFLD_TCP_ABORTED_BY_PEER); /* refused */
		return;
	}
	if ((si->flags & (TH_SYN | TH_ACK)) != (TH_SYN | TH_ACK))
		return;
	otcp_conn_query(c, &st);
	negotiate(c, si, c->ts_ok, c->ws_on, c->sack_ok, &st);
	st.snd_una = st.snd_nxt = st.snd_max = c->iss + 1;
	st.ssthresh = 0;
	st.cwnd = 0;
	rws = st.rcv_wscale;
	otcp_conn_apply_state(c, &st);
	c->rcv_wscale = si->opt_ws >= 0 ? rws : 0;
	c->ts_offset = tso;
	syn_window_edge(c);
	/* the SYN's round trip, if it was not sent again */
	if (c->backoff == 0)
		otcp_loss_rtt_sample(c, (uint32_t)(c->e->now_us -
						   c->rexmt_start_us));
	else
		syn_rtt_after_retransmit(c, si);
	c->rexmt_kind = OTCPR_RTO;
	handshake_done(c, EVK_CONNECTED);
	otcp_output_ack(c);
	otcp_output(c);
}

/* A segment while the connection is being set up; true: go on with it
 * as on an established connection.
 */
bool
otcp_handshake_in(struct ofld_tcp_conn *c, const struct seg_info *si)
{
	if (c->state == OTCPS_SYN_SENT) {
		syn_sent_in(c, si);
		return false;
	}
	/* SYN-RECEIVED */
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
void
otcp_handshake_timeout(struct ofld_tcp_conn *c)
{
	uint64_t limit = c->user_timeout_ms != 0 ?
		(uint64_t)c->user_timeout_ms * 1000 : SYN_GIVE_UP_US;

	otcp_timer_stop(c, OTCPT_REXMT);
	if (c->resolving && c->e->now_us - c->rexmt_start_us < limit) {
		/* the SYN waits for the next hop; its RTT counts from when
		 * it goes
		 */
		if (syn_next_hop(c, false)) {
			c->rexmt_start_us = c->e->now_us;
			send_syn(c, TH_SYN);
		}
		return;
	}
	if (c->e->now_us - c->rexmt_start_us >= limit) {
		if (c->state == OTCPS_SYN_RECEIVED)
			halfopen_drop(c);	/* never announced: just gone */
		else
			otcp_conn_end(c, OFLD_TCP_TIMED_OUT);
		return;
	}
	if (c->backoff < MAX_BACKOFF)
		c->backoff++;
	send_syn(c, c->state == OTCPS_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK);
}
