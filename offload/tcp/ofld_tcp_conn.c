/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Connections: the table (4-tuple hash, slots, the dense list of those in
 * use), their handles (a slot and its generation, R12), their life
 * (offload, close, abort, terminate, release: T9-T12; a connection
 * released in TIME-WAIT or FIN-WAIT-2 stays until it ends, R9), their
 * options (R5, R10), their delegated state (T12, T15), and the header
 * template each one's segments are built on (T14, T16).
 */

#include <errno.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_ip.h>

#include "ofld_tcp_var.h"

const char *const otcp_state_names[OTCPS_NB] = {
	[OTCPS_CLOSED] = "closed",
	[OTCPS_SYN_SENT] = "syn-sent",
	[OTCPS_SYN_RECEIVED] = "syn-received",
	[OTCPS_ESTABLISHED] = "established",
	[OTCPS_FIN_WAIT_1] = "fin-wait-1",
	[OTCPS_FIN_WAIT_2] = "fin-wait-2",
	[OTCPS_CLOSE_WAIT] = "close-wait",
	[OTCPS_CLOSING] = "closing",
	[OTCPS_LAST_ACK] = "last-ack",
	[OTCPS_TIME_WAIT] = "time-wait",
};

/* Ethernet, IP and TCP headers every segment of c starts from. */
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
		memcpy(&ip6->src_addr, st->local_ip, 16);
		memcpy(&ip6->dst_addr, st->remote_ip, 16);
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

/* A slot taken afresh; its notify node may still be on the engine's
 * notify queue and must survive the reset, as its generation must.
 */
static void
slot_reset(struct ofld_tcp_conn *c)
{
	uint32_t nt = __atomic_load_n(&c->notified, __ATOMIC_ACQUIRE);
	struct ofld_mpsc_node nn = c->notify_node;
	uint16_t gen = c->gen;
	uint64_t taken = c->rcv_taken;

	memset(c, 0, sizeof(*c));
	c->notified = nt;
	c->notify_node = nn;
	c->gen = gen;
	c->rcv_taken = taken;
	c->rcv_delivered = taken;	/* nothing of this one held */
}

/* A full table gives up a connection the application has released (in
 * TIME-WAIT or FIN-WAIT-2), the oldest first would be better; any will do
 * (Linux drops TIME-WAIT sockets past tcp_max_tw_buckets).
 */
static bool
evict_released(struct ofld_tcp_engine *e)
{
	uint32_t i;

	for (i = 0; i < e->nb_active; i++) {
		if (e->active[i]->released) {
			otcp_conn_free(e->active[i]);
			return true;
		}
	}
	return false;
}

/* Take a free slot for a connection in state st (its numbers set). */
struct ofld_tcp_conn *
otcp_conn_new(struct ofld_tcp_engine *e, const struct ofld_tcp_state *st)
{
	struct ofld_tcp_conn *c;
	struct conn_key k;
	uint32_t idx;

	key_of(&k, st);
	if (rte_hash_lookup(e->hash, &k) >= 0) {
		rte_errno = EEXIST;
		return NULL;
	}
	if (e->nb_free == 0 && !evict_released(e)) {
		rte_errno = ENOSPC;
		return NULL;
	}
	idx = e->free_idx[--e->nb_free];
	c = &e->conns[idx];
	slot_reset(c);
	c->e = e;
	c->idx = idx;
	c->key = k;
	c->cookie = st->cookie;
	c->ipv6 = st->ipv6;
	c->remote_mac = st->remote_mac;
	/* quick ACKs first, as Linux: the peer's slow start counts ACKs
	 * (RFC 3465: at most 2 SMSS each), so coalesced ones would slow it
	 */
	c->quick_acks = OTCP_QUICKACKS;
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

void
otcp_conn_apply_state(struct ofld_tcp_conn *c, const struct ofld_tcp_state *st)
{
	struct ofld_tcp_engine *e = c->e;

	c->snd_una = c->snd_end = st->snd_una;
	/* what the previous stack sent may be acknowledged to us */
	c->snd_max = SEQ_GT(st->snd_max, st->snd_una) ? st->snd_max :
		st->snd_una;
	c->snd_nxt = c->snd_max;	/* new data goes after it */
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
	c->rcv_buf = st->rcv_wnd;
	c->rcv_adv = st->rcv_nxt + st->rcv_wnd;	/* what was offered */
	c->max_snd_wnd = RTE_MAX(c->max_snd_wnd, st->snd_wnd);
	c->last_rcv_us = e->now_us;
	c->ts_recent_at_us = e->now_us;
	c->reo_wnd_mult = 1;
	c->undo_retrans = -1;
	c->rack_fack = c->rack_end = c->snd_una;	/* nothing delivered */
	c->snd_wscale = st->snd_wscale;
	c->rcv_wscale = st->rcv_wscale;
	c->ts_ok = st->ts_ok;
	c->ts_recent = st->ts_recent;
	c->ts_offset = st->ts_offset;
	c->snd_wl1 = st->rcv_nxt;
	c->snd_wl2 = st->snd_una;
	c->remote_mac = st->remote_mac;
	if (c->cc_ops == NULL || c->cc != st->cc) {
		c->cc = st->cc;
		c->cc_ops = otcp_cc_find(st->cc);
		memset(c->cc_priv, 0, sizeof(c->cc_priv));
		if (c->cc_ops->init != NULL)
			c->cc_ops->init(c);
	}
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
	if (st->snd_max - st->snd_una > SEQ_IN_USE_MAX) {
		rte_errno = EINVAL;
		return NULL;
	}
	c = otcp_conn_new(e, st);
	if (c == NULL)
		return NULL;
	/* Sending starts at snd_una: what the previous stack had sent but
	 * not seen acknowledged is posted again by the application (the
	 * peer drops what it already has); until acked it counts as lost.
	 */
	otcp_now(e);
	otcp_conn_apply_state(c, st);
	c->state = OTCPS_ESTABLISHED;
	c->sack_ok = st->sack_ok;
	c->user_timeout_ms = 0;
	if (c->snd_max != c->snd_una) {
		otcp_smap_prior(c, c->snd_una, c->snd_max);
		c->flight_since_us = e->now_us;
	}
	return otcp_handle(c);
}

/* The CLOSED event of a graceful close (T10); LAST-ACK ends here. */
void
otcp_conn_closed(struct ofld_tcp_conn *c)
{
	if (c->state == OTCPS_LAST_ACK) {
		c->state = OTCPS_CLOSED;
		memset(c->timer_at, 0, sizeof(c->timer_at));
		otcp_smap_free_all(c);
	}
	c->close_done = true;
	otcp_compl_event(c, &c->ev_closed, EVK_CLOSED, OFLD_TCP_SUCCESS);
}

/* The connection ends with status: requests back, CLOSED event. */
void
otcp_conn_end(struct ofld_tcp_conn *c, enum ofld_tcp_status status)
{
	if (c->state == OTCPS_CLOSED)
		return;
	otcp_sendq_fail_all(c, status);
	c->state = OTCPS_CLOSED;
	memset(c->timer_at, 0, sizeof(c->timer_at));
	otcp_smap_free_all(c);
	if (!c->close_done) {
		c->close_done = true;
		otcp_compl_event(c, &c->ev_closed, EVK_CLOSED, status);
	}
}

int
ofld_tcp_close(struct ofld_tcp_conn *h)
{
	struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		return -EINVAL;
	if (c->state == OTCPS_CLOSED || otcp_closed_by_us(c) || c->need_fin)
		return -EPIPE;
	otcp_sendq_take_posted(c);
	switch (c->state) {
	case OTCPS_ESTABLISHED:
		c->state = OTCPS_FIN_WAIT_1;
		break;
	case OTCPS_CLOSE_WAIT:
		c->state = OTCPS_LAST_ACK;
		break;
	default:	/* the handshake: FIN once established */
		c->need_fin = true;
		break;
	}
	otcp_now(c->e);
	otcp_output(c);
	otcp_output_flush(c->e);
	return 0;
}

int
ofld_tcp_abort(struct ofld_tcp_conn *h)
{
	struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		return -EINVAL;
	if (c->state == OTCPS_CLOSED)
		return -EPIPE;
	otcp_now(c->e);
	if (!c->resolving)	/* nothing sent yet: nobody to reset (N1) */
		otcp_output_rst(c);
	otcp_output_flush(c->e);
	otcp_conn_end(c, OFLD_TCP_ABORTED_LOCALLY);
	otcp_compl_flush(c->e);
	return 0;
}

/* The delegated state of a connection (engine side: a slot, no handle). */
void
otcp_conn_query(const struct ofld_tcp_conn *c, struct ofld_tcp_state *st)
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
	st->rcv_wnd = c->rcv_buf;
	st->mss = c->mss + (c->ts_ok ? TS_OPT_LEN : 0);
	st->snd_wscale = c->snd_wscale;
	st->rcv_wscale = c->rcv_wscale;
	st->ts_ok = c->ts_ok;
	st->ts_recent = c->ts_recent;
	st->ts_offset = c->ts_offset;
	st->cc = c->cc;
	st->sack_ok = c->sack_ok;
}

void
ofld_tcp_query(const struct ofld_tcp_conn *h, struct ofld_tcp_state *st)
{
	const struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		memset(st, 0, sizeof(*st));
	else
		otcp_conn_query(c, st);
}

uint64_t
ofld_tcp_backlog(const struct ofld_tcp_conn *h)
{
	const struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		return 0;
	return c->queued_bytes +
		__atomic_load_n(&c->posted_bytes, __ATOMIC_RELAXED);
}

void
otcp_conn_free(struct ofld_tcp_conn *c)
{
	struct ofld_tcp_engine *e = c->e;
	struct ofld_tcp_conn *last = e->active[--e->nb_active];

	rte_hash_del_key(e->hash, &c->key);
	otcp_reass_free(c);
	otcp_smap_free_all(c);
	otcp_ready_remove(c);
	if (c->sendq_held != NULL)
		otcp_sendq_fail_all(c, OFLD_TCP_ABORTED_LOCALLY);
	c->active = false;
	if (c->released)
		e->nb_released--;
	c->released = false;
	/* old handles name nothing now (R12); the consumer thread reads it */
	__atomic_store_n(&c->gen, (uint16_t)(c->gen + 1), __ATOMIC_RELAXED);
	last->active_pos = c->active_pos;
	e->active[c->active_pos] = last;
	e->free_idx[e->nb_free++] = c->idx;
}

int
ofld_tcp_terminate(struct ofld_tcp_conn *h, struct ofld_tcp_state *st)
{
	struct ofld_tcp_conn *c = otcp_conn(h);
	struct ofld_tcp_engine *e;

	if (c == NULL || st == NULL)
		return -EINVAL;
	e = c->e;
	otcp_conn_query(c, st);
	if (c->state != OTCPS_CLOSED) {
		otcp_sendq_fail_all(c, OFLD_TCP_UPLOADED);
		c->state = OTCPS_CLOSED;
	}
	otcp_compl_forget_conn(e, c->idx);
	otcp_conn_free(c);
	otcp_compl_flush(e);
	return 0;
}

/*
 * Release after CLOSED. A connection in TIME-WAIT, or in FIN-WAIT-2 (our
 * side closed and acked, the peer's still open), stays as the engine's
 * until 2 MSL or the peer's FIN and 2 MSL (R9); the handle dies now.
 */
int
ofld_tcp_release(struct ofld_tcp_conn *h)
{
	struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		return -EINVAL;
	if (c->state != OTCPS_CLOSED && !c->close_done)
		return -EBUSY;
	if (c->state == OTCPS_TIME_WAIT || c->state == OTCPS_FIN_WAIT_2) {
		/* the handle dies now (otcp_conn() refuses released ones);
		 * the generation moves on when the slot is freed
		 */
		c->released = true;
		c->e->nb_released++;
		if (c->state == OTCPS_FIN_WAIT_2)	/* as tcp_fin_timeout */
			otcp_timer_time_wait(c);
		return 0;
	}
	if (c->state != OTCPS_CLOSED)	/* nothing pending, normally */
		otcp_sendq_fail_all(c, OFLD_TCP_ABORTED_LOCALLY);
	c->state = OTCPS_CLOSED;
	otcp_conn_free(c);
	return 0;
}

/* Per connection options from an open (0: the engine's defaults). */
void
otcp_conn_opts_from_open(struct ofld_tcp_conn *c, const struct ofld_tcp_open *o)
{
	c->user_timeout_ms = o->user_timeout_ms;
	c->keep_idle_ms = o->keepalive_idle_ms;
	c->keep_intvl_ms = o->keepalive_intvl_ms != 0 ?
		o->keepalive_intvl_ms : KEEP_INTVL_MS;
	c->keep_cnt = o->keepalive_cnt != 0 ? o->keepalive_cnt : KEEP_CNT;
}

int
ofld_tcp_setopt(struct ofld_tcp_conn *h, enum ofld_tcp_opt opt,
		uint32_t value)
{
	struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		return -EINVAL;
	switch (opt) {
	case OFLD_TCP_OPT_USER_TIMEOUT:
		c->user_timeout_ms = value;
		return 0;
	case OFLD_TCP_OPT_KEEPALIVE_IDLE:
		c->keep_idle_ms = value;
		otcp_timer_stop(c, OTCPT_KEEP);	/* armed again lazily */
		if (c->state == OTCPS_TIME_WAIT)
			otcp_timer_time_wait(c);
		return 0;
	case OFLD_TCP_OPT_KEEPALIVE_INTVL:
		if (value == 0)
			return -EINVAL;
		c->keep_intvl_ms = value;
		return 0;
	case OFLD_TCP_OPT_KEEPALIVE_CNT:
		if (value == 0 || value > UINT8_MAX)
			return -EINVAL;
		c->keep_cnt = (uint8_t)value;
		return 0;
	default:
		return -EINVAL;
	}
}

uint32_t
ofld_tcp_conn_index(const struct ofld_tcp_conn *h)
{
	return otcp_slot_of(h)->idx;
}

bool
ofld_tcp_conn_owned(const struct ofld_tcp_engine *e,
		    const struct ofld_tcp_conn *h)
{
	const struct ofld_tcp_conn *c = otcp_slot_of(h);
	uintptr_t base, p = (uintptr_t)c;

	if (e == NULL || c == NULL)
		return false;
	base = (uintptr_t)e->conns;
	if (p < base || p >= base + (uintptr_t)e->conf.max_conns * sizeof(*c) ||
	    (p - base) % sizeof(*c) != 0)
		return false;
	return otcp_conn(h) != NULL;
}

struct ofld_tcp_conn *
ofld_tcp_conn_at(struct ofld_tcp_engine *e, uint32_t idx)
{
	if (idx >= e->conf.max_conns || !e->conns[idx].active ||
	    e->conns[idx].released)
		return NULL;
	return otcp_handle(&e->conns[idx]);
}

const char *
ofld_tcp_state_name(const struct ofld_tcp_conn *h)
{
	const struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL)
		return "released";
	return c->state < OTCPS_NB ? otcp_state_names[c->state] : "?";
}

void
ofld_tcp_set_cookie(struct ofld_tcp_conn *h, uint64_t cookie)
{
	struct ofld_tcp_conn *c = otcp_conn(h);

	if (c != NULL)
		__atomic_store_n(&c->cookie, cookie, __ATOMIC_RELAXED);
}

int
ofld_tcp_conn_info(const struct ofld_tcp_conn *h, struct ofld_tcp_conn_info *i)
{
	static const char *const rec[] = { "open", "recovery", "loss" };
	const struct ofld_tcp_conn *c = otcp_conn(h);

	if (c == NULL || i == NULL)
		return -EINVAL;
	memset(i, 0, sizeof(*i));
	i->state = c->state < OTCPS_NB ? otcp_state_names[c->state] : "?";
	i->recovery = rec[c->recovery % RTE_DIM(rec)];
	i->sack_ok = c->sack_ok;
	i->reordering = c->rack_reord;
	i->backoff = c->backoff;
	i->rto_us = c->rto_us;
	i->min_rtt_us = c->min_rtt_us;
	i->pipe = otcp_pipe(c);
	i->sacked_bytes = c->sacked_bytes;
	i->lost_bytes = c->lost_bytes;
	i->reo_wnd_mult = c->reo_wnd_mult;
	i->rcv_wnd = SEQ_GT(c->rcv_adv, c->rcv_nxt) ? c->rcv_adv - c->rcv_nxt : 0;
	i->ooo_bytes = c->ooo_bytes;
	i->user_timeout_ms = c->user_timeout_ms != 0 ? c->user_timeout_ms :
		c->e->conf.user_timeout_ms;
	i->keepalive_idle_ms = c->keep_idle_ms;
	return 0;
}
