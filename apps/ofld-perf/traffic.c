/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf's traffic: the pattern region and each connection's stream in
 * it, the zero-copy requests built on it, the receiving side's events and
 * its check of every byte, the completion latency histogram, and the
 * sending side's events that keep every connection's requests topped up.
 */

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "perf.h"

/* ---- payload: a pattern region per connection ------------------------ */

/* The pattern region, and where each connection's stream starts in it. */
int
traffic_init(void)
{
	uint32_t i;

	if (app_pattern_init(&app.pat, 7919u) != 0) {
		fprintf(stderr, "ofld-perf: out of memory for the pattern\n");
		return 1;
	}
	for (i = 0; i < app.o.conns; i++) {
		struct conn *c = &app.c[i];

		/* streams start at different places: a byte of one stream
		 * delivered on another shows
		 */
		c->start = app_pattern_start(i);
		c->post_cap = app.o.depth + 1;
		c->post_tsc = calloc(c->post_cap, sizeof(uint64_t));
		if (c->post_tsc == NULL) {
			fprintf(stderr, "ofld-perf: out of memory for "
				"connection %u\n", i);
			return 1;
		}
	}
	return 0;
}

/* ---- latency histogram: 16 sub-buckets per power of two -------------- */

static void
hist_add(uint64_t cycles)
{
	unsigned int b = 0;

	if (cycles >= 16) {
		unsigned int l = 63 - __builtin_clzll(cycles);

		b = (l - 3) * 16 + (unsigned int)((cycles >> (l - 4)) & 15);
	} else {
		b = (unsigned int)cycles;
	}
	if (b >= HIST_BUCKETS)
		b = HIST_BUCKETS - 1;
	app.hist[b]++;
	app.lat_n++;
}

double
hist_pct(double p)
{
	uint64_t want = (uint64_t)ceil(p * app.lat_n), sum = 0;
	unsigned int b, l;
	uint64_t lo;

	for (b = 0; b < HIST_BUCKETS; b++) {
		sum += app.hist[b];
		if (sum >= want && app.hist[b] != 0)
			break;
	}
	if (b < 16)
		lo = b;
	else {
		l = b / 16 + 3;
		lo = ((uint64_t)16 + b % 16) << (l - 4);
	}
	return lo * 1e6 / rte_get_tsc_hz();	/* microseconds */
}

/* ---- the receiving side -------------------------------------------------- */

/* The connection a receiving-side event is about; NULL: not one of ours
 * (a kernel connection from a port we did not expect, now aborted).
 */
static struct conn *
rx_conn(uint16_t port, uint16_t q, const struct ofld_tcp_event *ev)
{
	struct ofld_tcp_state st;
	struct conn *c;
	uint32_t idx;

	if (ev->conn_cookie != LISTEN_COOKIE)
		return ev->conn_cookie < app.o.conns ?
			&app.c[ev->conn_cookie] : NULL;
	/* new: which sender is it (its port says) */
	ofld_tcp_query(ev->conn, &st);
	idx = app.by_port != NULL ? app.by_port[st.remote_port] - 1 :
		(uint32_t)st.remote_port - 10000;
	if (idx < app.o.conns && app.c[idx].rx == ev->conn)
		return &app.c[idx];	/* queued before its cookie was set */
	if (idx >= app.o.conns || app.c[idx].accepted) {
		ofld_tcp_set_cookie(ev->conn, LISTEN_COOKIE - 1);
		rte_pmd_ofld_tcp_abort(port, q, ev->conn);
		app.strays++;
		return NULL;
	}
	c = &app.c[idx];
	c->rx = ev->conn;
	c->rxq = q;
	c->accepted = true;
	ofld_tcp_set_cookie(ev->conn, idx);
	return c;
}

/* Every received byte against the pattern. */
static void
rx_check(struct conn *c, struct rte_mbuf *m)
{
	c->bad_bytes += app_pattern_bad_bytes(&app.pat, m, c->start,
					      c->received);
	c->received += m->pkt_len;
	app.received_total += m->pkt_len;
}

/* An event of the receiving port: ACCEPTED, RECV, PEER_FIN, CLOSED. */
void
rx_event(uint16_t port, uint16_t q, struct ofld_tcp_event *ev)
{
	struct conn *c;

	if (ev->kind != OFLD_TCP_EV_ACCEPTED && ev->kind != OFLD_TCP_EV_RECV &&
	    ev->kind != OFLD_TCP_EV_PEER_FIN && ev->kind != OFLD_TCP_EV_CLOSED)
		return;
	c = rx_conn(port, q, ev);
	if (ev->kind == OFLD_TCP_EV_RECV) {
		if (c != NULL)
			rx_check(c, ev->m);
		rte_pktmbuf_free(ev->m);
		return;
	}
	if (c == NULL)
		return;
	if (ev->kind == OFLD_TCP_EV_PEER_FIN) {
		/* the kernel is done sending: close our side too */
		c->peer_fin = true;
		if (!c->closing)
			rte_pmd_ofld_tcp_close(port, q, c->rx);
		c->closing = true;
	} else if (ev->kind == OFLD_TCP_EV_CLOSED) {
		c->closed = true;
		c->close_status = (int)ev->status;
	}
}

/* Every queue of port in turn: its frames (the engine took what is its;
 * nothing else is ours), then its TCP events, to the receiving or the
 * sending side's handler.
 */
void
poll_queues(uint16_t port, bool rx_side, uint64_t now)
{
	struct ofld_tcp_event ev[64];
	struct rte_mbuf *pkts[64];
	uint16_t k, i, q;

	for (q = 0; q < app.o.queues; q++) {
		k = rte_eth_rx_burst(port, q, pkts, 64);
		rte_pktmbuf_free_bulk(pkts, k);
		while ((k = rte_pmd_ofld_tcp_events(port, q, ev, 64)) != 0)
			for (i = 0; i < k; i++) {
				if (rx_side)
					rx_event(port, q, &ev[i]);
				else
					tx_event(&ev[i], now);
			}
	}
}

void
rx_events(void)
{
	poll_queues(app.rx_port, true, 0);
}

int
rx_lcore(void *arg)
{
	RTE_SET_USED(arg);
	while (!app.rx_stop)
		rx_events();
	return 0;
}

/* ---- the sending side ---------------------------------------------------- */

static bool
want_more(const struct conn *c, uint64_t limit)
{
	return c->posted_reqs - c->done_reqs < app.o.depth &&
		(limit == 0 || c->posted < limit);
}

/* Keep a connection's requests topped up: called when it connects and
 * whenever one of its requests completes (no scan over connections).
 */
static void
tx_post_conn(struct conn *c, uint64_t per_conn_limit, uint64_t now)
{
	struct rte_mbuf *m;
	uint32_t len;

	while (c->connected && want_more(c, per_conn_limit)) {
		len = app.o.req_size;
		if (per_conn_limit != 0)
			len = (uint32_t)RTE_MIN((uint64_t)len,
				per_conn_limit - c->posted);
		m = app_pattern_request(&app.pat, app.ext_pool, c->start,
					 c->posted, len);
		if (m == NULL)
			break;
		c->post_tsc[c->posted_reqs % c->post_cap] = now;
		if (rte_pmd_ofld_tcp_send(c->tx, &m, 1) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
		c->posted += len;
		c->posted_reqs++;
	}
}

/* An event of the sending port: CONNECTED, SEND_DONE, CLOSED. */
void
tx_event(struct ofld_tcp_event *ev, uint64_t now)
{
	struct conn *c = &app.c[ev->conn_cookie];

	switch (ev->kind) {
	case OFLD_TCP_EV_CONNECTED:
		c->connected = true;
		c->established = true;
		if (app.posting)
			tx_post_conn(c, app.per_conn_limit, now);
		break;
	case OFLD_TCP_EV_SEND_DONE:
		hist_add(now - c->post_tsc[c->done_reqs % c->post_cap]);
		c->done_reqs++;
		c->sent_done += ev->bytes;
		if (ev->status != OFLD_TCP_SUCCESS)
			c->failed_reqs++;
		rte_pktmbuf_free(ev->m);
		if (app.posting)
			tx_post_conn(c, app.per_conn_limit, now);
		break;
	case OFLD_TCP_EV_CLOSED:
		/* refused, reset, timed out, or our close done */
		c->closed = true;
		c->close_status = (int)ev->status;
		c->connected = false;
		break;
	default:
		break;
	}
}

void
tx_events(uint64_t now)
{
	poll_queues(app.tx_port, false, now);
}
