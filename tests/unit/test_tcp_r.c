/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The TCP engine against real peers (Part R, issue 13): the cases the
 * conformance scripts (tests/conformance) cannot express, through the
 * public API (ofld_tcp.h) on virtual time.
 *
 * R7: more than 2 GiB posted on one connection (requests of 1 GiB made
 * of mbufs that all point into one 32 KiB external buffer: nothing of
 * the stream is ever allocated), sent and acknowledged by a test peer
 * that reads headers only: ACKs keep working past 2^31 bytes of stream,
 * the requests complete in order, the sequence space in flight stays
 * within the engine's 1 GiB, nothing times out; a request over 1 GiB is
 * refused with -EINVAL.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ofld_tcp.h"
#include "ofld_test.h"

#define GIB		(UINT64_C(1) << 30)
#define EXT_LEN		32768u		/* the shared external buffer */
#define EXT_POOL_SIZE	83000u		/* 2.5 GiB of EXT_LEN mbufs, and some */
#define STEP_US		20		/* virtual time per turn */
#define ACK_EVERY	5000u		/* turns between the peer's ACKs */
#define MAX_TURNS	200000u
#define R7_ISS		3000000000u	/* above 2^31, as the scripts' */
#define PEER_ISN	1000000u
#define HDR_LEN		(RTE_ETHER_HDR_LEN + 20 + 20)

static struct rte_mempool *pool;	/* frames, segments (test pool) */
static struct rte_mempool *ext_pool;	/* request mbufs, no data room */
static uint8_t *ext_buf;
static struct rte_mbuf_ext_shared_info ext_shinfo;
static uint64_t now_us;

/* The test peer: it reads each data segment's header and frees it. */
struct peer {
	uint32_t rcv_nxt;		/* absolute */
	uint64_t segs, bytes, out_of_order;
};

static struct peer peer;

static uint64_t
clock_cb(void *arg)
{
	RTE_SET_USED(arg);
	return now_us;
}

static void
xmit_cb(void *arg, struct rte_mbuf **f, uint16_t n)
{
	uint8_t buf[HDR_LEN];
	const uint8_t *p;
	uint32_t seq, len;
	uint16_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < n; i++) {
		p = rte_pktmbuf_read(f[i], 0, HDR_LEN, buf);
		len = f[i]->pkt_len - HDR_LEN;
		seq = 0;
		if (p != NULL) /* the sequence number, not 4-byte aligned */
			memcpy(&seq, p + RTE_ETHER_HDR_LEN + 20 + 4, 4);
		seq = rte_be_to_cpu_32(seq);
		if (p != NULL && seq == peer.rcv_nxt && len != 0) {
			peer.rcv_nxt += len;
			peer.segs++;
			peer.bytes += len;
		} else if (len != 0) {
			peer.out_of_order++;
		}
		rte_pktmbuf_free(f[i]);
	}
}

static void
ext_free_cb(void *addr, void *opaque)
{
	RTE_SET_USED(addr);
	RTE_SET_USED(opaque);	/* never: the test holds a reference */
}

/* Our side (198.18.0.1:40000) and the peer's; mss 9000, the peer's
 * window 65535 << 14 (1 GiB - 16 KiB).
 */
static void
r7_state(struct ofld_tcp_state *st)
{
	memset(st, 0, sizeof(*st));
	memcpy(st->local_ip, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(st->remote_ip, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	st->local_port = 40000;
	st->remote_port = 5001;
	st->remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 2 } };
	st->snd_una = st->snd_nxt = st->snd_max = R7_ISS + 1;
	st->rcv_nxt = PEER_ISN + 1;
	st->snd_wscale = 14;
	st->rcv_wscale = 7;
	st->snd_wnd = 65535u << 14;
	st->rcv_wnd = 1u << 20;
	st->cwnd = 3u << 29;		/* 1.5 GiB: the windows decide */
	st->mss = 9000;
}

static struct ofld_tcp_engine *
r7_engine(void)
{
	struct ofld_tcp_engine_conf conf = {
		.max_conns = 4,
		.local_mac = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } },
		.tx_pool = pool,
		.rx_pool = pool,
		.xmit = xmit_cb,
		.tx_csum_offload = true,	/* the peer reads no payload */
		.clock_us = clock_cb,
	};

	now_us = 1000000;
	memset(&peer, 0, sizeof(peer));
	peer.rcv_nxt = R7_ISS + 1;
	return ofld_tcp_engine_create("r7", &conf);
}

/* A request of len bytes: a chain of ext_pool mbufs over ext_buf (its
 * bytes are never looked at). NULL when the pool runs dry.
 */
static struct rte_mbuf *
big_req(uint64_t len)
{
	struct rte_mbuf *head = NULL, *tail = NULL, *m;
	uint32_t n;

	while (len != 0) {
		m = rte_pktmbuf_alloc(ext_pool);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		n = (uint32_t)RTE_MIN(len, (uint64_t)EXT_LEN);
		rte_mbuf_ext_refcnt_update(&ext_shinfo, 1);
		rte_pktmbuf_attach_extbuf(m, ext_buf, rte_malloc_virt2iova(ext_buf),
					  EXT_LEN, &ext_shinfo);
		m->data_len = (uint16_t)n;
		m->pkt_len = n;
		if (head == NULL) {
			head = m;
		} else {
			tail->next = m;
			head->nb_segs++;
			head->pkt_len += n;
		}
		tail = m;
		len -= n;
	}
	return head;
}

/* The peer's cumulative ACK of everything it has, window 65535. */
static void
peer_ack(struct ofld_tcp_engine *e)
{
	static const uint8_t eth[RTE_ETHER_HDR_LEN] = {
		2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 8, 0 };
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *rest;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	char *p = m != NULL ? rte_pktmbuf_append(m, HDR_LEN) : NULL;

	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, eth, sizeof(eth));
	ip = (struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	th = (struct rte_tcp_hdr *)(ip + 1);
	memset(ip, 0, HDR_LEN - RTE_ETHER_HDR_LEN);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(40);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	memcpy(&ip->src_addr, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	memcpy(&ip->dst_addr, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->src_port = rte_cpu_to_be_16(5001);
	th->dst_port = rte_cpu_to_be_16(40000);
	th->sent_seq = rte_cpu_to_be_32(PEER_ISN + 1);
	th->recv_ack = rte_cpu_to_be_32(peer.rcv_nxt);
	th->data_off = 5 << 4;
	th->tcp_flags = RTE_TCP_ACK_FLAG;
	th->rx_win = rte_cpu_to_be_16(65535);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	CU_ASSERT_EQUAL(ofld_tcp_input(e, &m, 1, &rest), 0);
}

/* R7: a request over OFLD_TCP_MAX_REQ_BYTES is refused, nothing posted. */
static void
test_r7_request_over_1gib(void)
{
	struct ofld_tcp_engine *e = r7_engine();
	struct ofld_tcp_stats s;
	struct ofld_tcp_state st;
	struct ofld_tcp_conn *c;
	struct rte_mbuf *m;

	CU_ASSERT_FATAL(e != NULL);
	r7_state(&st);
	c = ofld_tcp_offload(e, &st);
	CU_ASSERT_FATAL(c != NULL);
	m = big_req(GIB + 1);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(m->pkt_len, GIB + 1);
	CU_ASSERT_EQUAL(ofld_tcp_send(c, &m, 1), -EINVAL);
	ofld_tcp_poll(e);
	ofld_tcp_stats_get(e, &s);
	CU_ASSERT_EQUAL(s.reqs_posted, 0);
	CU_ASSERT_EQUAL(s.segs_out, 0);
	CU_ASSERT_EQUAL(ofld_tcp_backlog(c), 0);
	rte_pktmbuf_free(m);	/* still the caller's */
	ofld_tcp_engine_free(e);
	CU_ASSERT(ofld_test_mempool_full(pool, OFLD_TEST_POOL_SIZE));
	CU_ASSERT(ofld_test_mempool_full(ext_pool, EXT_POOL_SIZE));
}

/* What a transfer saw. */
struct r7_run {
	struct rte_mbuf *req[3];
	uint32_t nb_done, bad_done, closed;
	uint64_t max_in_flight, done_bytes;
	uint32_t done_turn[3];
};

static void
r7_events(struct ofld_tcp_engine *e, struct r7_run *x, uint32_t turn)
{
	struct ofld_tcp_event ev[16];
	uint16_t k, i;

	while ((k = ofld_tcp_events(e, ev, RTE_DIM(ev))) != 0) {
		for (i = 0; i < k; i++) {
			if (ev[i].kind == OFLD_TCP_EV_CLOSED)
				x->closed++;
			if (ev[i].kind != OFLD_TCP_EV_SEND_DONE)
				continue;
			/* T4: in posting order, SUCCESS, every byte */
			if (x->nb_done >= 3 || ev[i].m != x->req[x->nb_done] ||
			    ev[i].status != OFLD_TCP_SUCCESS ||
			    ev[i].bytes != ev[i].m->pkt_len)
				x->bad_done++;
			x->done_bytes += ev[i].bytes;
			if (x->nb_done < 3)
				x->done_turn[x->nb_done] = turn;
			x->nb_done++;
			rte_pktmbuf_free(ev[i].m);
		}
	}
}

/* Turns of virtual time until the three requests are done. */
static void
r7_pump(struct ofld_tcp_engine *e, struct ofld_tcp_conn *c,
	struct r7_run *x)
{
	struct ofld_tcp_state q;
	uint32_t turn;

	for (turn = 1; turn <= MAX_TURNS && x->nb_done < 3; turn++) {
		now_us += STEP_US;
		if (turn % ACK_EVERY == 0)
			peer_ack(e);
		ofld_tcp_poll(e);
		r7_events(e, x, turn);
		ofld_tcp_query(c, &q);
		/* R7: sequence space in flight within the engine's cap */
		x->max_in_flight = RTE_MAX(x->max_in_flight,
					   (uint64_t)(q.snd_max - q.snd_una));
	}
}

/* R7: 2.5 GiB on one connection, posted at once; ACKs past 2^31. */
static void
test_r7_past_2gib(void)
{
	const uint64_t total = 2 * GIB + GIB / 2;
	struct ofld_tcp_engine *e = r7_engine();
	struct r7_run x = { .nb_done = 0 };
	struct ofld_tcp_state st;
	struct ofld_tcp_stats s;
	struct ofld_tcp_conn *c;

	CU_ASSERT_FATAL(e != NULL);
	r7_state(&st);
	c = ofld_tcp_offload(e, &st);
	CU_ASSERT_FATAL(c != NULL);
	x.req[0] = big_req(GIB);	/* OFLD_TCP_MAX_REQ_BYTES: taken */
	x.req[1] = big_req(GIB);
	x.req[2] = big_req(GIB / 2);
	CU_ASSERT_FATAL(x.req[0] != NULL && x.req[1] != NULL &&
			x.req[2] != NULL);
	/* T1: posting is not bounded by what the engine may send */
	CU_ASSERT_EQUAL(ofld_tcp_send(c, x.req, 3), 0);
	CU_ASSERT_EQUAL(ofld_tcp_backlog(c), total);
	r7_pump(e, c, &x);
	fprintf(stderr, "R7: %" PRIu64 " bytes in %" PRIu64 " segments, "
		"requests done at turns %u %u %u, at most %" PRIu64
		" bytes in flight\n", peer.bytes, peer.segs, x.done_turn[0],
		x.done_turn[1], x.done_turn[2], x.max_in_flight);
	CU_ASSERT_EQUAL(x.nb_done, 3);
	CU_ASSERT_EQUAL(x.bad_done, 0);
	CU_ASSERT_EQUAL(x.done_bytes, total);
	CU_ASSERT_EQUAL(x.closed, 0);
	CU_ASSERT_EQUAL(peer.bytes, total);
	CU_ASSERT_EQUAL(peer.out_of_order, 0);
	CU_ASSERT(x.max_in_flight <= GIB);
	CU_ASSERT(x.max_in_flight > GIB / 2);
	ofld_tcp_query(c, &st);
	CU_ASSERT_EQUAL(st.snd_una, (uint32_t)(R7_ISS + 1 + total));
	CU_ASSERT_EQUAL(st.snd_una, st.snd_max);
	CU_ASSERT_STRING_EQUAL(ofld_tcp_state_name(c), "established");
	CU_ASSERT_EQUAL(ofld_tcp_backlog(c), 0);
	ofld_tcp_stats_get(e, &s);
	CU_ASSERT_EQUAL(s.bytes_out, total);
	CU_ASSERT_EQUAL(s.retrans_segs, 0);
	CU_ASSERT_EQUAL(s.rto_fired, 0);
	CU_ASSERT_EQUAL(s.rto_user_timeout, 0);
	CU_ASSERT_EQUAL(s.reqs_done, 3);
	ofld_tcp_engine_free(e);
	CU_ASSERT(ofld_test_mempool_full(pool, OFLD_TEST_POOL_SIZE));
	CU_ASSERT(ofld_test_mempool_full(ext_pool, EXT_POOL_SIZE));
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "R7 a request over 1 GiB: -EINVAL", test_r7_request_over_1gib },
		{ "R7 2.5 GiB on one connection", test_r7_past_2gib },
		{ NULL, NULL },
	};
	int ret = 1;

	RTE_SET_USED(argc);
	if (ofld_test_eal_init(argv[0], 0, NULL) != 0 ||
	    ofld_req_register() != 0)
		return 1;
	pool = ofld_test_pool();
	ext_pool = rte_pktmbuf_pool_create("r7_ext", EXT_POOL_SIZE, 256, 0, 0,
					   rte_socket_id());
	ext_buf = rte_malloc("r7_buf", EXT_LEN, RTE_CACHE_LINE_SIZE);
	if (ext_pool != NULL && ext_buf != NULL) {
		ext_shinfo.free_cb = ext_free_cb;
		rte_mbuf_ext_refcnt_set(&ext_shinfo, 1);	/* ours */
		ret = ofld_test_run("TCP engine against real peers", cases);
	}
	rte_free(ext_buf);
	rte_mempool_free(ext_pool);
	ofld_test_eal_cleanup();
	return ret;
}
