/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * A request's segments not yet freed below the engine (T4, T5, W3). A
 * request's payload is shared by its segments through DPDK's external
 * buffer reference count, 16 bits wide; a link that holds more than
 * 65,535 of one request's segments at once (a pair-cable delay line at
 * 100 Gbit/s x 8 ms) would wrap it and complete the request while its
 * bytes are still on the wire. Here the "wire" keeps every frame the
 * engine sends: at most 49,151 (+ a bias of 64) of one request are out,
 * the engine waits (trk_busy) and goes on once frames are freed, and the
 * request completes only after the last of them.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_mbuf.h>

#include "ofld_tcp.h"
#include "ofld_test.h"

#define MSS		88	/* the smallest the engine uses */
#define REQ_BYTES	(6u << 20)	/* 71,500 segments of MSS */
#define REFS_MAX	(49151 + 64)	/* the engine's limit and a bias */
#define WIRE_MAX	(REQ_BYTES / MSS + 1024)
#define TX_POOL_SIZE	262143
#define REQ_POOL_SIZE	4095
#define ISN		1000u

static struct rte_mempool *tx_pool, *req_pool;
static struct rte_mbuf **wire;	/* what the engine sent, not yet freed */
static uint32_t nb_wire;

static void
wire_xmit(void *arg, struct rte_mbuf **f, uint16_t n)
{
	RTE_SET_USED(arg);
	if (nb_wire + n > WIRE_MAX) {
		CU_FAIL("more frames on the wire than the test holds");
		rte_pktmbuf_free_bulk(f, n);
		return;
	}
	memcpy(wire + nb_wire, f, n * sizeof(f[0]));
	nb_wire += n;
}

static void
wire_free(void)
{
	rte_pktmbuf_free_bulk(wire, nb_wire);
	nb_wire = 0;
}

static void
state(struct ofld_tcp_state *s)
{
	memset(s, 0, sizeof(*s));
	memcpy(s->local_ip, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(s->remote_ip, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	s->local_port = 1;
	s->remote_port = 5001;
	s->remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 2 } };
	s->snd_una = s->snd_nxt = s->snd_max = ISN;
	s->rcv_nxt = 2000;
	/* window and cwnd for all of it at once: only the limit stops it */
	s->snd_wnd = s->cwnd = s->ssthresh = 16u << 20;
	s->rcv_wnd = 1u << 20;
	s->mss = MSS;
	s->snd_wscale = s->rcv_wscale = 8;
}

/* Poll until the engine sends nothing more for 64 polls in a row
 * (bounded): @return the frames on the wire then.
 */
static uint32_t
poll_until_quiet(struct ofld_tcp_engine *e)
{
	uint32_t quiet = 0, polls = 0, last = nb_wire;

	while (quiet < 64 && polls++ < 1000000) {
		ofld_tcp_poll(e);
		quiet = nb_wire == last ? quiet + 1 : 0;
		last = nb_wire;
	}
	CU_ASSERT(quiet >= 64);
	return nb_wire;
}

/* One poll, its events taken: @return the SEND_DONE events among them. */
static uint32_t
poll_send_done(struct ofld_tcp_engine *e)
{
	struct ofld_tcp_event ev[8];
	uint32_t done = 0;
	uint16_t k, i;

	ofld_tcp_poll(e);
	while ((k = ofld_tcp_events(e, ev, RTE_DIM(ev))) != 0)
		for (i = 0; i < k; i++) {
			done += ev[i].kind == OFLD_TCP_EV_SEND_DONE;
			if (ev[i].m != NULL)
				rte_pktmbuf_free(ev[i].m);
		}
	return done;
}

static uint64_t
trk_busy(const struct ofld_tcp_engine *e)
{
	struct ofld_tcp_stats st;

	ofld_tcp_stats_get(e, &st);
	return st.trk_busy;
}

static void
test_refs_limit(void)
{
	struct ofld_tcp_engine_conf conf = {
		.max_conns = 4, .socket = 0, .tx_pool = tx_pool,
		.rx_pool = req_pool, .xmit = wire_xmit,
		.local_mac = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } },
	};
	struct ofld_tcp_engine *e;
	struct ofld_tcp_state s;
	struct ofld_tcp_conn *c;
	struct rte_mbuf *req;
	uint32_t out, more, done = 0, i, polls = 0;

	e = ofld_tcp_engine_create("refs", &conf);
	CU_ASSERT_FATAL(e != NULL);
	state(&s);
	c = ofld_tcp_offload(e, &s);
	CU_ASSERT_FATAL(c != NULL);
	req = ofld_test_stream_chain(req_pool, 0, REQ_BYTES, 1, 2048);
	CU_ASSERT_FATAL(req != NULL);
	CU_ASSERT_FATAL(ofld_tcp_send(c, &req, 1) == 0);

	/* (1) the engine stops at the limit, and says so */
	out = poll_until_quiet(e);
	fprintf(stderr, "\n  %u segments out of %u, trk_busy %" PRIu64 "\n",
		out, REQ_BYTES / MSS + 1, trk_busy(e));
	CU_ASSERT(out <= REFS_MAX);
	CU_ASSERT(out >= REFS_MAX / 2 - 64);	/* 2 slices at most each */
	CU_ASSERT(trk_busy(e) > 0);

	/* (2) frees let it go on */
	wire_free();
	more = poll_until_quiet(e);
	CU_ASSERT(more > 0 && more <= REFS_MAX);

	/* (3) the request ends (aborted) only once its last frame is freed */
	CU_ASSERT_EQUAL(ofld_tcp_abort(c), 0);
	for (i = 0; i < 100; i++)
		done += poll_send_done(e);
	CU_ASSERT_EQUAL(done, 0);	/* its frames are still out */
	wire_free();
	while (done == 0 && polls++ < 100000)
		done += poll_send_done(e);
	if (done == 0)
		fprintf(stderr, "gave up after %u polls waiting for the "
			"aborted request's SEND_DONE\n", polls);
	CU_ASSERT_EQUAL(done, 1);
	ofld_tcp_release(c);
	ofld_tcp_engine_free(e);
	wire_free();
	CU_ASSERT(ofld_test_mempool_full(tx_pool, TX_POOL_SIZE));
	CU_ASSERT(ofld_test_mempool_full(req_pool, REQ_POOL_SIZE));
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "T4 T5 a request's segments below: the 16-bit count",
		  test_refs_limit },
		{ NULL, NULL },
	};
	int ret;

	RTE_SET_USED(argc);
	if (ofld_test_eal_init(argv[0], 0, NULL) != 0 ||
	    ofld_req_register() != 0)
		return 1;
	wire = calloc(WIRE_MAX, sizeof(*wire));
	tx_pool = rte_pktmbuf_pool_create("refs_tx", TX_POOL_SIZE, 256, 0,
					  RTE_PKTMBUF_HEADROOM + 128, 0);
	req_pool = rte_pktmbuf_pool_create("refs_req", REQ_POOL_SIZE, 0, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (wire == NULL || tx_pool == NULL || req_pool == NULL)
		return 1;
	ret = ofld_test_run("TCP engine, request references", cases);
	rte_mempool_free(tx_pool);
	rte_mempool_free(req_pool);
	free(wire);
	ofld_test_eal_cleanup();
	return ret;
}
