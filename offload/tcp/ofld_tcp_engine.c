/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The engine (W2, one per NIC queue): creation and teardown of its
 * tables, pools and rings; the poll that advances it (connections posted
 * to join the ready list, each ready connection gets a turn at output
 * while the link has room, then timers, the wire burst and completions);
 * its counters (W3).
 */

#include <errno.h>
#include <stdio.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_malloc.h>
#include <rte_mempool.h>
#include <rte_ring.h>

#include "ofld_tcp_var.h"

/* Tables, pools and rings of an engine; 0 or -ENOMEM. */
static int
engine_alloc(struct ofld_tcp_engine *e, const char *name)
{
	const struct ofld_tcp_engine_conf *conf = &e->conf;
	struct rte_hash_parameters hp = { 0 };
	char n[RTE_RING_NAMESIZE];

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
	/* room to spare, and buckets that can grow: a full table of
	 * connections (TIME-WAIT ones too) must never fail an insert
	 */
	hp.entries = RTE_MAX(conf->max_conns * 2, 8u);
	hp.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE;
	hp.key_len = sizeof(struct conn_key);
	/* CRC32-C: a few crc32 instructions per key where the CPU has them
	 * (SSE4.2, ARMv8 CRC); rte_jhash took 230 instructions per segment
	 * (tests/perf/tcp_callgrind.sh, issue 14)
	 */
	hp.hash_func = rte_hash_crc;
	hp.socket_id = conf->socket;
	e->hash = rte_hash_create(&hp);
	snprintf(n, sizeof(n), "%s_trk", name);
	/* a per-lcore cache: every request takes one and gives it back */
	e->trk_pool = rte_mempool_create(n, TRK_POOL, sizeof(struct req_trk),
					 TRK_CACHE, 0, NULL, NULL, NULL, NULL,
					 conf->socket, 0);
	snprintf(n, sizeof(n), "%s_ev", name);
	e->events = rte_ring_create(n, conf->event_ring_size, conf->socket,
				    RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (e->conns == NULL || e->free_idx == NULL || e->hash == NULL ||
	    e->events == NULL || e->active == NULL || e->trk_pool == NULL)
		return -ENOMEM;
	return otcp_smap_engine_init(e, u32_max(SM_POOL_MIN,
						conf->max_conns * 8));
}

struct ofld_tcp_engine *
ofld_tcp_engine_create(const char *name, const struct ofld_tcp_engine_conf *conf)
{
	struct ofld_tcp_engine *e;
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
	snprintf(e->name, sizeof(e->name), "%s", name);
	if (e->conf.delack_us == 0)
		e->conf.delack_us = 500;
	ofld_tcp_set_tso_max(e, conf->tso_max);
	if (e->conf.min_rto_us == 0)
		e->conf.min_rto_us = 1000;
	if (e->conf.event_ring_size == 0)
		e->conf.event_ring_size = 4096;
	if (e->conf.max_rto_ms == 0)
		e->conf.max_rto_ms = 60000;
	if (e->conf.user_timeout_ms == 0)
		e->conf.user_timeout_ms = 120000;
	if (e->conf.time_wait_ms == 0)
		e->conf.time_wait_ms = 60000;
	if (e->conf.delack_max_us == 0)
		e->conf.delack_max_us = 200000;
	e->us_mult = (uint64_t)(((unsigned __int128)1000000 << 32) /
				rte_get_tsc_hz());
	if (engine_alloc(e, name) != 0) {
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
	bool leak;

	if (e == NULL)
		return;
	e->dying = true;	/* no event will be read: skip their fixups */
	while (e->active != NULL && e->nb_active != 0) {
		struct ofld_tcp_conn *c = e->active[0];

		if (c->released)
			otcp_conn_free(c);	/* TIME-WAIT: nobody's */
		else
			ofld_tcp_terminate(otcp_handle(c), &st);
	}
	otcp_compl_engine_drain(e, &leak);
	rte_ring_free(e->events);
	if (!leak)
		rte_mempool_free(e->trk_pool);
	rte_hash_free(e->hash);
	rte_free(e->sm_mem);
	rte_free(e->free_idx);
	rte_free(e->active);
	rte_free(e->conns);
	rte_free(e);
}

void
ofld_tcp_set_tso_max(struct ofld_tcp_engine *e, uint32_t bytes)
{
	/* TSO bursts: their checksum is the wire's; an IP packet's length
	 * fits 16 bits with the largest headers
	 */
	e->conf.tso_max = e->conf.tx_csum_offload ?
		RTE_MIN(bytes, 65535u - 120u) : 0;
}

void
ofld_tcp_poll(struct ofld_tcp_engine *e)
{
	struct ofld_mpsc_node *n;
	struct ofld_tcp_conn *c;
	uint32_t turns;

	otcp_now(e);
	/* connections posted to since last time join the ready list */
	while ((n = ofld_mpsc_pop(&e->notify)) != NULL) {
		c = container_of(n, struct ofld_tcp_conn, notify_node);
		/* N1: pairs with N0; a later post notifies again */
		__atomic_store_n(&c->notified, 0, __ATOMIC_RELEASE);
		if (c->active && c->state != OTCPS_CLOSED)
			otcp_ready_add(c);
	}
	/* one turn each for the connections ready now, in order, until the
	 * link has no room for more
	 */
	e->link_busy = false;
	for (turns = 0; e->ready_head != NULL && turns < e->nb_active + 1 &&
	     !e->link_busy; turns++) {
		c = otcp_ready_take(e);
		if (c->active && c->state != OTCPS_CLOSED)
			otcp_output(c);
	}
	otcp_timer_scan(e);
	otcp_output_flush(e);
	e->conf.xmit(e->conf.xmit_arg, e->out, 0);	/* burst boundary */
	otcp_compl_flush(e);
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

uint32_t
ofld_tcp_nb_conns(const struct ofld_tcp_engine *e)
{
	return e->nb_active - e->nb_released;
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
		if (!e->active[i]->released)
			fn(otcp_handle(e->active[i]), arg);
}
