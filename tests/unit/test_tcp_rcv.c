/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The receiving engine on crafted input: segments are crafted by hand on
 * one engine's input; what it sends goes to a small capture.
 *
 * Its ACKs (RFC 9293 3.8.6.3, R1, R8): in-order data of one input burst is
 * acknowledged once at the burst's end (at most 64 KiB unacknowledged
 * that way), out-of-order data at once, and on a new connection or after
 * data out of order an ACK every second segment (quick ACKs).
 *
 * When its mempool runs dry (R8): data held out of order must not keep
 * in-order data out.
 *
 * Found by tcp-offload-pair's "W1 1000 connections": 1000 connections
 * share one pool with the application's requests; held data took the
 * last mbufs, the segments that would fill the holes found none, were
 * dropped again and again, and no connection moved (580,000 RTOs in
 * 30 s, one flow in 70 done).
 */

#include <stdbool.h>
#include <stdio.h>
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

/* The ACKs sent on port's connection since index from of the capture:
 * how many, and the acknowledgment numbers (at most max of them).
 */
static uint16_t
acks_sent(uint16_t port, uint16_t from, uint32_t *ack, uint16_t max)
{
	const struct rte_tcp_hdr *th;
	uint16_t i, n = 0;

	for (i = from; i < nb_cap; i++) {
		th = rte_pktmbuf_mtod_offset(cap[i], struct rte_tcp_hdr *, 34);
		if (rte_be_to_cpu_16(th->src_port) != port ||
		    !(th->tcp_flags & RTE_TCP_ACK_FLAG))
			continue;
		if (n < max)
			ack[n] = rte_be_to_cpu_32(th->recv_ack);
		n++;
	}
	return n;
}

/* nb segments of len bytes from seq on, in one input burst. */
static void
input_burst(struct ofld_tcp_engine *e, const struct ofld_tcp_state *sb,
	    uint32_t seq, uint16_t len, uint16_t nb)
{
	struct rte_mbuf *m[64], *rest[64];
	uint16_t i;

	CU_ASSERT_FATAL(nb <= RTE_DIM(m));
	for (i = 0; i < nb; i++)
		m[i] = peer_data(sb, seq + (uint32_t)i * len, len, 5);
	CU_ASSERT_EQUAL(ofld_tcp_input(e, m, nb, rest), 0);
}

/* Pairs of segments, one pair per burst, until a connection's quick ACKs
 * (nb left) are spent: an ACK for each pair. @return the next seq.
 */
static uint32_t
spend_quick_acks(struct ofld_tcp_engine *e, const struct ofld_tcp_state *sb,
		 uint32_t seq, uint16_t nb)
{
	uint16_t port = sb->remote_port, i, n = 0;
	uint32_t ack[1];

	cap_clear();
	for (i = 0; i < nb; i++, seq += 2000) {
		input_burst(e, sb, seq, 1000, 2);
		n += acks_sent(port, 0, ack, 1);
		CU_ASSERT_EQUAL(ack[0], seq + 2000);
		CU_ASSERT_EQUAL(received(e, port, 5), 2000);
		cap_clear();
	}
	CU_ASSERT_EQUAL(n, nb);
	return seq;
}

/*
 * (0) A new connection: ten in-order segments in one burst get five ACKs
 * (quick ACKs, 255 of them). Once they are spent: (1) ten in one burst:
 * one ACK, of all ten. (2) Sixty: an ACK once 64 KiB went unacknowledged,
 * and one at the end. (3) One segment per burst: an ACK every second
 * segment, as without coalescing. (4) A burst with data out of order at
 * its end: the ACK for it (with its SACK block) covers the in-order data
 * before it; nothing more at the end. (5) A hole filled: in-order data
 * after it is acknowledged every second segment again, within one burst
 * too. Every byte is delivered.
 */
static void
test_ack_coalescing(void)
{
	struct ofld_tcp_engine_conf conf = {
		.max_conns = 8, .socket = 0, .tx_pool = pool, .rx_pool = pool,
		.xmit = cap_xmit,
		.local_mac = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } },
	};
	struct ofld_tcp_state sa1, sb1, sa2, sb2;
	struct ofld_tcp_engine *e;
	uint32_t ack[8], seq, seq2;
	uint16_t from;

	e = ofld_tcp_engine_create("acks", &conf);
	CU_ASSERT_FATAL(e != NULL);
	states(1, &sa1, &sb1);
	states(2, &sa2, &sb2);
	CU_ASSERT_FATAL(ofld_tcp_offload(e, &sa1) != NULL);
	CU_ASSERT_FATAL(ofld_tcp_offload(e, &sa2) != NULL);
	cap_clear();

	/* (0) */
	input_burst(e, &sb1, ISN_B, 1000, 10);
	CU_ASSERT_EQUAL(acks_sent(1, 0, ack, 8), 5);
	CU_ASSERT_EQUAL(ack[4], ISN_B + 10000);
	CU_ASSERT_EQUAL(received(e, 1, 5), 10000);
	seq = spend_quick_acks(e, &sb1, ISN_B + 10000, 255 - 5);
	seq2 = spend_quick_acks(e, &sb2, ISN_B, 255);

	/* (1) */
	input_burst(e, &sb1, seq, 1000, 10);
	CU_ASSERT_EQUAL(acks_sent(1, 0, ack, 8), 1);
	CU_ASSERT_EQUAL(ack[0], seq + 10000);
	CU_ASSERT_EQUAL(received(e, 1, 5), 10000);

	/* (2) 65536 unacknowledged after the 47th segment */
	seq += 10000;
	from = nb_cap;
	input_burst(e, &sb1, seq, 1400, 60);
	CU_ASSERT_EQUAL(acks_sent(1, from, ack, 8), 2);
	CU_ASSERT_EQUAL(ack[0], seq + 47 * 1400);
	CU_ASSERT_EQUAL(ack[1], seq + 60 * 1400);
	CU_ASSERT_EQUAL(received(e, 1, 5), 60 * 1400);

	/* (3) */
	seq += 60 * 1400;
	from = nb_cap;
	for (int i = 0; i < 4; i++)
		input1(e, peer_data(&sb1, seq + (uint32_t)i * 1000, 1000, 5));
	CU_ASSERT_EQUAL(acks_sent(1, from, ack, 8), 2);
	CU_ASSERT_EQUAL(ack[0], seq + 2000);
	CU_ASSERT_EQUAL(ack[1], seq + 4000);
	CU_ASSERT_EQUAL(received(e, 1, 5), 4000);

	/* (4) the second connection: four in order, then the fifth lost */
	{
		struct rte_mbuf *m[5], *rest[5];

		for (int i = 0; i < 4; i++)
			m[i] = peer_data(&sb2, seq2 + (uint32_t)i * 1000,
					 1000, 5);
		m[4] = peer_data(&sb2, seq2 + 5000, 1000, 5);
		from = nb_cap;
		CU_ASSERT_EQUAL(ofld_tcp_input(e, m, 5, rest), 0);
	}
	CU_ASSERT_EQUAL(acks_sent(2, from, ack, 8), 1);
	CU_ASSERT_EQUAL(ack[0], seq2 + 4000);
	CU_ASSERT(last_sack_holds(2, seq2 + 5000));

	/* (5) the hole filled (an ACK at once), then ten in one burst */
	from = nb_cap;
	input1(e, peer_data(&sb2, seq2 + 4000, 1000, 5));
	CU_ASSERT_EQUAL(acks_sent(2, from, ack, 8), 1);
	CU_ASSERT_EQUAL(ack[0], seq2 + 6000);
	from = nb_cap;
	input_burst(e, &sb2, seq2 + 6000, 1000, 10);
	CU_ASSERT_EQUAL(acks_sent(2, from, ack, 8), 5);
	CU_ASSERT_EQUAL(ack[0], seq2 + 8000);
	CU_ASSERT_EQUAL(ack[4], seq2 + 16000);
	CU_ASSERT_EQUAL(received(e, 2, 5), 16000);

	cap_clear();
	ofld_tcp_engine_free(e);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
}

/* The RECV events of port's connection into out (at most max bytes):
 * @return the bytes; each event's mbufs at most `room` bytes of data.
 */
static uint32_t
received_chains(struct ofld_tcp_engine *e, uint16_t port, uint8_t *out,
		uint32_t max, uint16_t room)
{
	struct ofld_tcp_event ev[16];
	const struct rte_mbuf *s;
	uint32_t bytes = 0;
	uint16_t k, i;

	while ((k = ofld_tcp_events(e, ev, RTE_DIM(ev))) != 0)
		for (i = 0; i < k; i++) {
			if (ev[i].kind == OFLD_TCP_EV_RECV &&
			    ev[i].conn_cookie == port &&
			    bytes + ev[i].m->pkt_len <= max) {
				for (s = ev[i].m; s != NULL; s = s->next)
					CU_ASSERT(s->data_len <= room);
				CU_ASSERT_EQUAL(rte_pktmbuf_read(ev[i].m, 0,
					ev[i].m->pkt_len, out + bytes),
					out + bytes);
				bytes += ev[i].m->pkt_len;
			}
			rte_pktmbuf_free(ev[i].m);
		}
	return bytes;
}

/* A segment of the peer whose payload is in two mbufs (cut `tail` bytes
 * from its end): a frame a NIC scattered, or a sender's chain.
 */
static struct rte_mbuf *
peer_data_chained(const struct ofld_tcp_state *sb, uint32_t seq,
		  uint16_t len, uint8_t v, uint16_t tail)
{
	struct rte_mbuf *m = peer_data(sb, seq, len, v);
	struct rte_mbuf *t = rte_pktmbuf_alloc(pool);

	CU_ASSERT_FATAL(t != NULL && tail < len);
	memcpy(rte_pktmbuf_append(t, tail),
	       rte_pktmbuf_mtod_offset(m, uint8_t *, m->data_len - tail), tail);
	CU_ASSERT_FATAL(rte_pktmbuf_trim(m, tail) == 0);
	CU_ASSERT_FATAL(rte_pktmbuf_chain(m, t) == 0);
	return m;
}

/*
 * The receive copy (the NIC's DMA) into an rx_pool of 500-byte buffers
 * (as a NIC scatters a jumbo frame into small ones): in-order payload of
 * 1400 bytes arrives as a chain of 500, 500, 400; a segment whose payload
 * is in two pieces of the frame, and one held out of order then
 * delivered, arrive whole; every byte in its place.
 */
static void
test_copy_into_small_buffers(void)
{
	struct rte_mempool *small = rte_pktmbuf_pool_create("rcv_small", 511,
		0, 0, RTE_PKTMBUF_HEADROOM + 500, 0);
	struct ofld_tcp_engine_conf conf = {
		.max_conns = 8, .socket = 0, .tx_pool = pool, .rx_pool = small,
		.xmit = cap_xmit,
		.local_mac = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } },
	};
	static uint8_t got[8192];
	struct ofld_tcp_state sa, sb;
	struct ofld_tcp_engine *e;
	uint32_t i, n;

	CU_ASSERT_FATAL(small != NULL);
	e = ofld_tcp_engine_create("small", &conf);
	CU_ASSERT_FATAL(e != NULL);
	states(1, &sa, &sb);
	CU_ASSERT_FATAL(ofld_tcp_offload(e, &sa) != NULL);
	input1(e, peer_data(&sb, ISN_B, 1400, 1));
	input1(e, peer_data_chained(&sb, ISN_B + 1400, 1200, 2, 700));
	/* 3 beyond a hole (held), then the hole: 4 */
	input1(e, peer_data(&sb, ISN_B + 3600, 1300, 3));
	input1(e, peer_data_chained(&sb, ISN_B + 2600, 1000, 4, 999));
	n = received_chains(e, 1, got, sizeof(got), 500);
	CU_ASSERT_EQUAL(n, 4900);
	for (i = 0; i < n; i++)
		if (got[i] != (i < 1400 ? 1 : i < 2600 ? 2 : i < 3600 ? 4 : 3)) {
			CU_FAIL("a byte out of place");
			fprintf(stderr, "\n  byte %u: %u\n", i, got[i]);
			break;
		}
	cap_clear();
	ofld_tcp_engine_free(e);
	CU_ASSERT(ofld_test_mempool_full(small, 511));
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
	rte_mempool_free(small);
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "R8 held data reneged when the pool runs dry",
		  test_renege_when_dry },
		{ "ACKs coalesced per input burst, quick ones after loss",
		  test_ack_coalescing },
		{ "the receive copy into small buffers, from chains",
		  test_copy_into_small_buffers },
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
	ret = ofld_test_run("TCP engine, the receiver", cases);
	rte_mempool_free(pool);
	ofld_test_eal_cleanup();
	return ret;
}
