/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The receiving engine when its mempool runs dry (R8): data held out of
 * order must not keep in-order data out. Segments are crafted by hand on
 * one engine's input; what it sends goes to a small capture.
 *
 * Found by tcp-offload-pair's "W1 1000 connections": 1000 connections
 * share one pool with the application's requests; held data took the
 * last mbufs, the segments that would fill the holes found none, were
 * dropped again and again, and no connection moved (580,000 RTOs in
 * 30 s, one flow in 70 done).
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_byteorder.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ofld_tcp.h"
#include "ofld_test.h"

#define POOL_SIZE	4095
#define CAP_MAX		64
#define ISN_A		100u	/* our side's */
#define ISN_B		200u	/* the crafted peer's */

static struct rte_mempool *pool;

/* What the engine sent, oldest first; the oldest go when it is full. */
static struct rte_mbuf *cap[CAP_MAX];
static uint16_t nb_cap;

static void
cap_xmit(void *arg, struct rte_mbuf **f, uint16_t n)
{
	uint16_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < n; i++) {
		if (nb_cap == CAP_MAX) {
			rte_pktmbuf_free(cap[0]);
			memmove(cap, cap + 1, (CAP_MAX - 1) * sizeof(cap[0]));
			nb_cap--;
		}
		cap[nb_cap++] = f[i];
	}
}

static void
cap_clear(void)
{
	rte_pktmbuf_free_bulk(cap, nb_cap);
	nb_cap = 0;
}

/* Connection @p port's state on our side (sa) and the peer's (sb). */
static void
states(uint16_t port, struct ofld_tcp_state *sa, struct ofld_tcp_state *sb)
{
	memset(sa, 0, sizeof(*sa));
	memcpy(sa->local_ip, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(sa->remote_ip, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	sa->local_port = port;
	sa->remote_port = 5001;
	sa->remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 2 } };
	sa->snd_una = sa->snd_nxt = sa->snd_max = ISN_A;
	sa->rcv_nxt = ISN_B;
	sa->snd_wnd = sa->rcv_wnd = 1u << 20;
	sa->mss = 1460;
	sa->snd_wscale = sa->rcv_wscale = 7;
	sa->sack_ok = true;
	sa->cookie = port;
	*sb = *sa;
	memcpy(sb->local_ip, sa->remote_ip, 4);
	memcpy(sb->remote_ip, sa->local_ip, 4);
	sb->local_port = sa->remote_port;
	sb->remote_port = sa->local_port;
}

/* A segment from the peer of sb: len bytes of value v at seq. */
static struct rte_mbuf *
peer_data(const struct ofld_tcp_state *sb, uint32_t seq, uint16_t len,
	  uint8_t v)
{
	struct rte_mbuf *m = ofld_test_tcp4_seg(pool, sb, seq, ISN_A,
						RTE_TCP_ACK_FLAG, 8192, len, v);

	CU_ASSERT_FATAL(m != NULL);
	return m;
}

static void
input1(struct ofld_tcp_engine *e, struct rte_mbuf *m)
{
	struct rte_mbuf *rest[1];

	CU_ASSERT_EQUAL(ofld_tcp_input(e, &m, 1, rest), 0);
}

/* Does the last segment sent to @p port carry a SACK block holding seq? */
static bool
last_sack_holds(uint16_t port, uint32_t seq)
{
	const struct rte_tcp_hdr *th = NULL;
	const uint8_t *o;
	uint32_t n, i, j;

	for (i = nb_cap; i-- > 0;) {
		th = rte_pktmbuf_mtod_offset(cap[i], struct rte_tcp_hdr *, 34);
		if (rte_be_to_cpu_16(th->src_port) == port)
			break;
	}
	CU_ASSERT_FATAL(i < nb_cap && th != NULL);
	o = (const uint8_t *)(th + 1);
	n = (uint32_t)(th->data_off >> 4) * 4 - 20;
	for (i = 0; i + 1 < n && o[i] != 0; i += o[i] == 1 ? 1 : o[i + 1]) {
		if (o[i] != 1 && o[i + 1] < 2)
			break;
		if (o[i] != 5)
			continue;
		for (j = i + 2; j + 8 <= i + o[i + 1]; j += 8) {
			rte_be32_t b[2];
			uint32_t s, e;

			memcpy(b, o + j, sizeof(b));	/* any alignment */
			s = rte_be_to_cpu_32(b[0]);
			e = rte_be_to_cpu_32(b[1]);
			if (seq - s < e - s)
				return true;
		}
	}
	return false;
}

/* The RECV events of port's connection: bytes in all, each of value v. */
static uint32_t
received(struct ofld_tcp_engine *e, uint16_t port, uint8_t v)
{
	struct ofld_tcp_event ev[16];
	uint32_t bytes = 0;
	uint16_t k, i;

	while ((k = ofld_tcp_events(e, ev, RTE_DIM(ev))) != 0)
		for (i = 0; i < k; i++) {
			if (ev[i].kind == OFLD_TCP_EV_RECV &&
			    ev[i].conn_cookie == port) {
				bytes += ev[i].m->pkt_len;
				for (uint32_t b = 0; b < ev[i].m->pkt_len; b++)
					CU_ASSERT_EQUAL(*rte_pktmbuf_mtod_offset(
						ev[i].m, uint8_t *, b), v);
			}
			rte_pktmbuf_free(ev[i].m);
		}
	return bytes;
}

/* Take every free mbuf, after index nb of hoard; @return the new count. */
static uint32_t
hoard_more(struct rte_mbuf **hoard, uint32_t nb)
{
	struct rte_mbuf *m;

	while (nb < POOL_SIZE && (m = rte_pktmbuf_alloc(pool)) != NULL)
		hoard[nb++] = m;
	return nb;
}

static uint32_t
held(const struct ofld_tcp_conn *c)
{
	struct ofld_tcp_conn_info ci;

	CU_ASSERT_FATAL(ofld_tcp_conn_info(c, &ci) == 0);
	return ci.ooo_bytes;
}

/*
 * Two connections hold data beyond a hole. (1) In-order data of the first
 * finds the pool empty: its own held data goes (reneged, RFC 2018 8) and
 * the in-order data is delivered. (2) In-order data of the first finds the
 * pool empty again; it holds nothing now: the second's held data goes at
 * the end of the burst. (3) With mbufs back, the peer's retransmission is
 * delivered, and neither connection reports a reneged range in SACK.
 */
static void
test_renege_when_dry(void)
{
	struct ofld_tcp_engine_conf conf = {
		.max_conns = 8, .socket = 0, .tx_pool = pool, .rx_pool = pool,
		.xmit = cap_xmit,
		.local_mac = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } },
	};
	struct rte_mbuf **hoard = calloc(POOL_SIZE, sizeof(*hoard));
	struct ofld_tcp_state sa1, sb1, sa2, sb2;
	struct ofld_tcp_conn *c1, *c2;
	struct ofld_tcp_engine *e;
	struct ofld_tcp_stats st;
	struct rte_mbuf *in1, *in2;
	uint32_t nb;

	CU_ASSERT_FATAL(hoard != NULL);
	e = ofld_tcp_engine_create("dry", &conf);
	CU_ASSERT_FATAL(e != NULL);
	states(1, &sa1, &sb1);
	states(2, &sa2, &sb2);
	c1 = ofld_tcp_offload(e, &sa1);
	c2 = ofld_tcp_offload(e, &sa2);
	CU_ASSERT_FATAL(c1 != NULL && c2 != NULL);
	input1(e, peer_data(&sb1, ISN_B + 1000, 500, 1));
	input1(e, peer_data(&sb1, ISN_B + 2000, 500, 2));
	input1(e, peer_data(&sb2, ISN_B + 1000, 500, 3));
	CU_ASSERT_EQUAL(held(c1), 1000);
	CU_ASSERT_EQUAL(held(c2), 500);
	CU_ASSERT(last_sack_holds(1, ISN_B + 2000));
	CU_ASSERT(last_sack_holds(2, ISN_B + 1000));

	/* (1) */
	in1 = peer_data(&sb1, ISN_B, 1000, 7);
	in2 = peer_data(&sb1, ISN_B + 1000, 1000, 8);
	nb = hoard_more(hoard, 0);
	input1(e, in1);
	ofld_tcp_stats_get(e, &st);
	CU_ASSERT_EQUAL(st.ooo_reneged, 2);
	CU_ASSERT_EQUAL(held(c1), 0);
	CU_ASSERT_EQUAL(held(c2), 500);
	CU_ASSERT_EQUAL(received(e, 1, 7), 1000);

	/* (2) */
	nb = hoard_more(hoard, nb);
	input1(e, in2);
	ofld_tcp_stats_get(e, &st);
	CU_ASSERT_EQUAL(st.rcv_nomem, 1);
	CU_ASSERT_EQUAL(st.ooo_reneged, 3);
	CU_ASSERT_EQUAL(held(c2), 0);
	CU_ASSERT_EQUAL(received(e, 1, 8), 0);

	/* (3) */
	rte_pktmbuf_free_bulk(hoard, nb);
	input1(e, peer_data(&sb1, ISN_B + 1000, 1000, 8));
	CU_ASSERT_EQUAL(received(e, 1, 8), 1000);
	input1(e, peer_data(&sb1, ISN_B + 5000, 100, 9));	/* dup ACK now */
	input1(e, peer_data(&sb2, ISN_B + 5000, 100, 9));
	CU_ASSERT(last_sack_holds(1, ISN_B + 5000));
	CU_ASSERT(!last_sack_holds(1, ISN_B + 2000));
	CU_ASSERT(last_sack_holds(2, ISN_B + 5000));
	CU_ASSERT(!last_sack_holds(2, ISN_B + 1000));
	cap_clear();
	ofld_tcp_engine_free(e);
	free(hoard);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "R8 held data reneged when the pool runs dry",
		  test_renege_when_dry },
		{ NULL, NULL },
	};
	int ret;

	RTE_SET_USED(argc);
	if (ofld_test_eal_init(argv[0], 0, NULL) != 0 ||
	    ofld_req_register() != 0)
		return 1;
	pool = rte_pktmbuf_pool_create("mem_pool", POOL_SIZE, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (pool == NULL)
		return 1;
	ret = ofld_test_run("TCP engine out of mbufs", cases);
	rte_mempool_free(pool);
	ofld_test_eal_cleanup();
	return ret;
}
