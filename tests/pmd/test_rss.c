/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Receive-side scaling and connection placement (rule N2) over the pair
 * cable, ports with 4 queues polled in turn by one thread:
 * - the hash is Toeplitz as NICs compute it: the RSS verification suite's
 *   values with the default key, for IPv4 and IPv6, TCP and UDP, with and
 *   without ports; the frame arrives on the queue its RETA entry names,
 *   with RTE_MBUF_F_RX_RSS_HASH;
 * - a user key and RETA (set on a stopped port) are followed, checked
 *   against DPDK's rte_softrss(); bad and ill-timed changes are refused
 *   and change nothing;
 * - 1000 connections (IPv4 and IPv6) opened with local port 0 over 4
 *   queues: every segment reaches its owner (nothing handed off, nothing
 *   left over for rx_burst), every byte delivered in order;
 * - a connection given a local port whose hash lands elsewhere: its
 *   segments are handed to the owner, counted, and the data is intact
 *   both ways; its entry goes with its release.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_byteorder.h>
#include <rte_cycles.h>
#include <rte_lcore.h>
#include <rte_service.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_thash.h>
#include <rte_udp.h>

#include "ofld_test.h"
#include "rte_pmd_ofld.h"

#define POOL_SIZE	(64 * 1024 - 1)
#define NQ		4
#define RETA_SIZE	128
#define LPORT		5001
#define MAX_FLOWS	1000

static struct rte_mempool *pool;

/* the key of the RSS verification suite: the ports' default */
static const uint8_t ms_key[40] __rte_aligned(4) = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2,
	0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0,
	0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4,
	0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c,
	0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

#define HF_L4 (RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV4_UDP | \
	       RTE_ETH_RSS_NONFRAG_IPV6_TCP | RTE_ETH_RSS_NONFRAG_IPV6_UDP)
#define HF_L3 (RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6)

/* A port with nq queue pairs, RSS over hash types hf (0: RSS off). */
static int
port_rss(const char *name, const char *args, uint16_t nq, uint64_t hf)
{
	struct rte_eth_conf conf;
	int port = ofld_test_vdev(name, args);
	uint16_t q;

	if (port < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (hf != 0) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_RSS_HASH;
		conf.rx_adv_conf.rss_conf.rss_hf = hf;
	}
	if (rte_eth_dev_configure(port, nq, nq, &conf) != 0)
		return -1;
	for (q = 0; q < nq; q++)
		if (rte_eth_rx_queue_setup(port, q, 1024, 0, NULL, pool) != 0 ||
		    rte_eth_tx_queue_setup(port, q, 1024, 0, NULL) != 0)
			return -1;
	return rte_eth_dev_start(port) == 0 ? port : -1;
}

static void
ip_of(uint8_t *ip, bool v6, uint8_t host)
{
	memset(ip, 0, 16);
	if (v6) {	/* 2001:2::/48 (RFC 5180, benchmarking) */
		ip[0] = 0x20, ip[1] = 0x01, ip[3] = 0x02, ip[15] = host;
	} else {	/* 198.18.0.0/15 */
		ip[0] = 198, ip[1] = 18, ip[3] = host;
	}
}

/* The hash by DPDK's reference rte_softrss() (the original key). */
static uint32_t
ref_hash(const uint8_t *key, bool v6, const uint8_t *src, const uint8_t *dst,
	 uint16_t sport, uint16_t dport, bool l4)
{
	union rte_thash_tuple t;
	struct rte_ipv6_hdr h6;
	uint32_t a;

	memset(&t, 0, sizeof(t));
	if (v6) {
		memcpy(&h6.src_addr, src, 16);
		memcpy(&h6.dst_addr, dst, 16);
		rte_thash_load_v6_addrs(&h6, &t);
		t.v6.sport = sport;
		t.v6.dport = dport;
		return rte_softrss((uint32_t *)&t, l4 ? RTE_THASH_V6_L4_LEN :
				   RTE_THASH_V6_L3_LEN, key);
	}
	memcpy(&a, src, 4);
	t.v4.src_addr = rte_be_to_cpu_32(a);
	memcpy(&a, dst, 4);
	t.v4.dst_addr = rte_be_to_cpu_32(a);
	t.v4.sport = sport;
	t.v4.dport = dport;
	return rte_softrss((uint32_t *)&t, l4 ? RTE_THASH_V4_L4_LEN :
			   RTE_THASH_V4_L3_LEN, key);
}

/* An IPv4/IPv6 TCP or UDP frame with no payload to dst_port's MAC. */
static struct rte_mbuf *
l4_frame(uint16_t to, bool v6, const uint8_t *src, const uint8_t *dst,
	 uint16_t sport, uint16_t dport, uint8_t proto)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	const uint16_t l4 = proto == IPPROTO_TCP ? 20 : 8;
	const uint16_t l3 = v6 ? 40 : 20;
	struct rte_ether_hdr *eth;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, RTE_ETHER_HDR_LEN + l3 + l4);
	memset(p, 0, RTE_ETHER_HDR_LEN + l3 + l4);
	eth = (struct rte_ether_hdr *)p;
	rte_eth_macaddr_get(to, &eth->dst_addr);
	eth->ether_type = rte_cpu_to_be_16(v6 ? RTE_ETHER_TYPE_IPV6 :
					   RTE_ETHER_TYPE_IPV4);
	p += RTE_ETHER_HDR_LEN;
	if (v6) {
		struct rte_ipv6_hdr *h = (void *)p;

		h->vtc_flow = rte_cpu_to_be_32(6u << 28);
		h->payload_len = rte_cpu_to_be_16(l4);
		h->proto = proto;
		h->hop_limits = 64;
		memcpy(&h->src_addr, src, 16);
		memcpy(&h->dst_addr, dst, 16);
	} else {
		struct rte_ipv4_hdr *h = (void *)p;

		h->version_ihl = 0x45;
		h->total_length = rte_cpu_to_be_16(l3 + l4);
		h->time_to_live = 64;
		h->next_proto_id = proto;
		memcpy(&h->src_addr, src, 4);
		memcpy(&h->dst_addr, dst, 4);
		h->hdr_checksum = rte_ipv4_cksum(h);
	}
	p += l3;
	((struct rte_udp_hdr *)p)->src_port = rte_cpu_to_be_16(sport);
	((struct rte_udp_hdr *)p)->dst_port = rte_cpu_to_be_16(dport);
	if (proto == IPPROTO_TCP)
		((struct rte_tcp_hdr *)p)->data_off = 5 << 4;
	return m;
}

/* Send m from port a, return the queue of port b it arrived on (-1: none
 * within 2 s) and the frame in *got.
 */
static int
arrive(uint16_t a, uint16_t b, struct rte_mbuf *m, struct rte_mbuf **got)
{
	uint64_t dl = ofld_test_deadline(2000);
	uint16_t q;

	*got = NULL;
	if (m == NULL || rte_eth_tx_burst(a, 0, &m, 1) != 1)
		return -1;
	do {
		for (q = 0; q < NQ; q++)
			if (rte_eth_rx_burst(b, q, got, 1) == 1)
				return q;
	} while (!ofld_test_expired(dl, "a frame on any queue of port %u", b));
	return -1;
}

/* One frame of the verification suite: hash and queue as expected. */
static void
check_vector(uint16_t a, uint16_t b, bool v6, uint8_t proto, uint32_t want)
{
	static const uint8_t s4[4] = { 66, 9, 149, 187 };
	static const uint8_t d4[4] = { 161, 142, 100, 80 };
	static const uint8_t s6[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00,
					0x1f, 0xff, [15] = 7 };
	static const uint8_t d6[16] = { 0x3f, 0xfe, 0x25, 0x01, 0x02, 0x00,
					0x00, 0x03, [15] = 1 };
	struct rte_mbuf *m;
	int q = arrive(a, b, l4_frame(b, v6, v6 ? s6 : s4, v6 ? d6 : d4, 2794,
				      1766, proto), &m);

	CU_ASSERT_FATAL(q >= 0);
	CU_ASSERT(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
	CU_ASSERT_EQUAL(m->hash.rss, want);
	CU_ASSERT_EQUAL(q, (int)((want % RETA_SIZE) % NQ));	/* default */
	if (m->hash.rss != want)
		printf("\n  IPv%d proto %u: hash %#x, want %#x\n", v6 ? 6 : 4,
		       proto, m->hash.rss, want);
	rte_pktmbuf_free(m);
}

static void
test_n2_verification_suite(void)
{
	struct rte_eth_rss_reta_entry64 reta[RETA_SIZE / 64];
	struct rte_eth_rss_conf rc = { 0 };
	struct rte_ether_addr mb;
	uint8_t key[40];
	struct rte_mbuf *m;
	int a = port_rss("net_ofld_r1a", "pair=rss1", 1, 0);
	int b = port_rss("net_ofld_r1b", "pair=rss1", NQ, HF_L4 | HF_L3);
	int i;

	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	rc.rss_key = key;
	rc.rss_key_len = sizeof(key);
	CU_ASSERT_EQUAL(rte_eth_dev_rss_hash_conf_get(b, &rc), 0);
	CU_ASSERT_EQUAL(memcmp(key, ms_key, sizeof(key)), 0);
	CU_ASSERT_EQUAL(rc.rss_hf, HF_L4 | HF_L3);
	memset(reta, 0, sizeof(reta));
	reta[0].mask = reta[1].mask = UINT64_MAX;
	CU_ASSERT_EQUAL(rte_eth_dev_rss_reta_query(b, reta, RETA_SIZE), 0);
	for (i = 0; i < RETA_SIZE; i++)
		CU_ASSERT_EQUAL(reta[i / 64].reta[i % 64], i % NQ);

	/* addresses and ports, then addresses only */
	check_vector(a, b, false, IPPROTO_TCP, 0x51ccc178);
	check_vector(a, b, false, IPPROTO_UDP, 0x51ccc178);
	check_vector(a, b, true, IPPROTO_TCP, 0x40207d3d);
	check_vector(a, b, true, IPPROTO_UDP, 0x40207d3d);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	rc.rss_key = NULL;
	rc.rss_hf = HF_L3;
	CU_ASSERT_EQUAL(rte_eth_dev_rss_hash_update(b, &rc), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_start(b), 0);
	check_vector(a, b, false, IPPROTO_TCP, 0x323e8fc2);
	check_vector(a, b, true, IPPROTO_TCP, 0x2cc18cd5);

	/* not IP: queue 0, no hash */
	rte_eth_macaddr_get(b, &mb);
	CU_ASSERT_EQUAL(arrive(a, b, ofld_test_frame(&mb, 60, 1, 1), &m), 0);
	if (m != NULL) {
		CU_ASSERT_FALSE(m->ol_flags & RTE_MBUF_F_RX_RSS_HASH);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0);
	CU_ASSERT(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
}

/* Every RETA entry i set to (3i + 1) mod NQ. */
static void
reta_fill(struct rte_eth_rss_reta_entry64 *reta, uint16_t bad_at)
{
	int i;

	memset(reta, 0, sizeof(*reta) * (RETA_SIZE / 64));
	for (i = 0; i < RETA_SIZE; i++) {
		reta[i / 64].mask |= 1ull << (i % 64);
		reta[i / 64].reta[i % 64] = i == bad_at ? NQ : (3 * i + 1) % NQ;
	}
}

/* The RETA and key as test_n2_user_key_and_reta() set them. */
static bool
user_setup_holds(uint16_t b, const uint8_t *ukey)
{
	struct rte_eth_rss_reta_entry64 reta[RETA_SIZE / 64];
	struct rte_eth_rss_conf rc = { 0 };
	uint8_t key[40];
	bool ok = true;
	int i;

	rc.rss_key = key;
	rc.rss_key_len = sizeof(key);
	memset(reta, 0, sizeof(reta));
	reta[0].mask = reta[1].mask = UINT64_MAX;
	if (rte_eth_dev_rss_hash_conf_get(b, &rc) != 0 ||
	    rte_eth_dev_rss_reta_query(b, reta, RETA_SIZE) != 0)
		return false;
	for (i = 0; i < RETA_SIZE; i++)
		ok &= reta[i / 64].reta[i % 64] == (3 * i + 1) % NQ;
	return ok && memcmp(key, ukey, sizeof(key)) == 0 &&
		rc.rss_hf == (HF_L4 | HF_L3);
}

static void
test_n2_user_key_and_reta(void)
{
	struct rte_eth_rss_reta_entry64 reta[RETA_SIZE / 64];
	struct rte_eth_rss_conf rc = { 0 };
	uint8_t ukey[40] __rte_aligned(4), src[16], dst[16];
	int a = port_rss("net_ofld_r2a", "pair=rss2", 1, 0);
	int b = port_rss("net_ofld_r2b", "pair=rss2", NQ, HF_L4);
	uint32_t h, seen[NQ] = { 0 };
	struct rte_mbuf *m;
	int i, q;

	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	for (i = 0; i < 40; i++)
		ukey[i] = (uint8_t)(i * 29 + 7);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	rc.rss_key = ukey;
	rc.rss_key_len = 40;
	rc.rss_hf = HF_L4 | HF_L3;
	CU_ASSERT_EQUAL(rte_eth_dev_rss_hash_update(b, &rc), 0);
	reta_fill(reta, UINT16_MAX);
	CU_ASSERT_EQUAL(rte_eth_dev_rss_reta_update(b, reta, RETA_SIZE), 0);
	CU_ASSERT(user_setup_holds(b, ukey));

	/* refused, nothing changed: a short key, an entry past the queues,
	 * a table of the wrong size, and any change on a started port
	 */
	rc.rss_key_len = 39;
	CU_ASSERT_EQUAL(rte_eth_dev_rss_hash_update(b, &rc), -EINVAL);
	reta_fill(reta, 77);
	CU_ASSERT_EQUAL(rte_eth_dev_rss_reta_update(b, reta, RETA_SIZE),
			-EINVAL);
	reta_fill(reta, UINT16_MAX);
	CU_ASSERT_NOT_EQUAL(rte_eth_dev_rss_reta_update(b, reta, 64), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_start(b), 0);
	rc.rss_key_len = 40;
	rc.rss_hf = HF_L3;
	CU_ASSERT_EQUAL(rte_eth_dev_rss_hash_update(b, &rc), -EBUSY);
	memset(reta, 0, sizeof(reta));
	reta[0].mask = 1;
	CU_ASSERT_EQUAL(rte_eth_dev_rss_reta_update(b, reta, RETA_SIZE),
			-EBUSY);
	CU_ASSERT(user_setup_holds(b, ukey));

	/* 64 IPv4 and 64 IPv6 flows: where the reference hash says */
	for (i = 0; i < 128; i++) {
		const bool v6 = i >= 64;
		const uint16_t sp = (uint16_t)(1000 + 97 * i);

		ip_of(src, v6, 1);
		ip_of(dst, v6, 2);
		h = ref_hash(ukey, v6, src, dst, sp, LPORT, true);
		q = arrive(a, b, l4_frame(b, v6, src, dst, sp, LPORT,
					  IPPROTO_TCP), &m);
		CU_ASSERT_FATAL(q >= 0);
		CU_ASSERT_EQUAL(m->hash.rss, h);
		CU_ASSERT_EQUAL(q, (int)((3 * (h % RETA_SIZE) + 1) % NQ));
		seen[q]++;
		rte_pktmbuf_free(m);
	}
	for (q = 0; q < NQ; q++)	/* the RETA spreads them */
		CU_ASSERT(seen[q] > 0);
	CU_ASSERT(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0);
	CU_ASSERT(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
}

/* ---- connections ------------------------------------------------------ */

/* One connection: a opens it, b accepts it; data one way or both. */
struct flow {
	struct ofld_tcp_conn *ca, *cb;
	bool v6;
	uint16_t qa, qb, aport;
	uint64_t recv_b, recv_a, bad;
	bool connected, fin_b, fin_a, closed_a, closed_b;
	bool released_a, released_b;
};

static struct flow flows[MAX_FLOWS];
static uint32_t nflows;
static uint32_t by_port[2][65536];	/* a's port -> flow index + 1 */
static uint64_t strays;			/* frames left for rx_burst */
static uint32_t a_to_b, b_to_a;		/* bytes each way per flow */

static uint16_t
key_of(uint32_t i, bool from_b)
{
	return (uint16_t)(i + 1 + (from_b ? 0x4000 : 0));
}

static void
post(uint16_t port, uint16_t q, struct ofld_tcp_conn *c, uint32_t len,
     uint16_t key)
{
	struct rte_mbuf *m;

	if (len == 0)
		return;
	m = ofld_test_stream_chain(pool, 0, len, key, 0);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, &m, 1), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close(port, q, c), 0);
}

/* The flow of a connection b accepted: by a's port. */
static struct flow *
flow_of_b(struct ofld_tcp_conn *c)
{
	struct ofld_tcp_state st;
	uint32_t i;

	ofld_tcp_query(c, &st);
	i = by_port[st.ipv6][st.remote_port];
	return i == 0 ? NULL : &flows[i - 1];
}

static void
b_event(uint16_t b, uint16_t q, const struct ofld_tcp_event *ev)
{
	struct flow *f = flow_of_b(ev->conn);

	CU_ASSERT_FATAL(f != NULL);
	switch (ev->kind) {
	case OFLD_TCP_EV_ACCEPTED:
		f->cb = ev->conn;
		f->qb = q;
		post(b, q, f->cb, b_to_a, key_of((uint32_t)(f - flows), true));
		break;
	case OFLD_TCP_EV_RECV:
		f->bad += ofld_test_stream_check(ev->m, f->recv_b,
			key_of((uint32_t)(f - flows), false));
		f->recv_b += ev->m->pkt_len;
		break;
	case OFLD_TCP_EV_PEER_FIN:
		f->fin_b = true;
		if (b_to_a == 0)
			CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close(b, q, f->cb), 0);
		break;
	case OFLD_TCP_EV_CLOSED:
		f->closed_b = true;
		CU_ASSERT_EQUAL(ev->status, OFLD_TCP_SUCCESS);
		break;
	default:
		break;
	}
	if (f->closed_b && f->fin_b && !f->released_b) {
		f->released_b = true;
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(b, q, f->cb), 0);
	}
}

static void
a_event(uint16_t a, uint16_t q, const struct ofld_tcp_event *ev)
{
	struct flow *f = &flows[ev->conn_cookie - 1];

	switch (ev->kind) {
	case OFLD_TCP_EV_CONNECTED:
		f->connected = true;
		post(a, q, f->ca, a_to_b, key_of((uint32_t)(f - flows), false));
		break;
	case OFLD_TCP_EV_RECV:
		f->bad += ofld_test_stream_check(ev->m, f->recv_a,
			key_of((uint32_t)(f - flows), true));
		f->recv_a += ev->m->pkt_len;
		break;
	case OFLD_TCP_EV_PEER_FIN:
		f->fin_a = true;
		break;
	case OFLD_TCP_EV_CLOSED:
		f->closed_a = true;
		CU_ASSERT_EQUAL(ev->status, OFLD_TCP_SUCCESS);
		break;
	default:
		break;
	}
	/* released once both ways ended: a connection released earlier
	 * answers the peer's data with a RST (as Linux)
	 */
	if (f->closed_a && f->fin_a && !f->released_a) {
		f->released_a = true;
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(a, q, f->ca), 0);
	}
}

/* One turn over every queue of both ports: receive (the engines run
 * inline), then their events. Frames left for the application count as
 * strays: every segment should have reached its engine.
 */
static void
pump(uint16_t a, uint16_t b)
{
	struct ofld_tcp_event ev[64];
	struct rte_mbuf *m[32];
	uint16_t q, k, i, p;

	for (q = 0; q < NQ; q++) {
		for (p = 0; p < 2; p++) {
			const uint16_t port = p == 0 ? a : b;

			k = rte_eth_rx_burst(port, q, m, RTE_DIM(m));
			strays += k;
			rte_pktmbuf_free_bulk(m, k);
			while ((k = rte_pmd_ofld_tcp_events(port, q, ev,
							    RTE_DIM(ev))) != 0)
				for (i = 0; i < k; i++) {
					if (p == 0)
						a_event(a, q, &ev[i]);
					else
						b_event(b, q, &ev[i]);
					rte_pktmbuf_free(ev[i].m);
				}
		}
	}
}

static bool
all_done(void)
{
	for (uint32_t i = 0; i < nflows; i++)
		if (!flows[i].released_a || !flows[i].released_b)
			return false;
	return true;
}

/* Open flow i on a's queue q (local port lport, 0: the port's choice). */
static struct ofld_tcp_conn *
open_flow(uint16_t a, uint16_t b, uint32_t i, uint16_t q, bool v6,
	  uint16_t lport)
{
	struct ofld_tcp_open o;
	struct ofld_tcp_state st;
	struct flow *f = &flows[i];

	memset(&o, 0, sizeof(o));
	o.ipv6 = v6;
	ip_of(o.local_ip, v6, 1);
	ip_of(o.remote_ip, v6, 2);
	o.local_port = lport;
	o.remote_port = LPORT;
	rte_eth_macaddr_get(b, &o.remote_mac);
	o.cookie = i + 1;
	memset(f, 0, sizeof(*f));
	f->v6 = v6;
	f->qa = q;
	f->ca = rte_pmd_ofld_tcp_connect(a, q, &o);
	if (f->ca == NULL)
		return NULL;
	ofld_tcp_query(f->ca, &st);
	f->aport = st.local_port;
	by_port[v6][f->aport] = i + 1;
	return f->ca;
}

/* b listens on LPORT, IPv4 and IPv6, on every queue (a connection lives
 * where its SYN arrives).
 */
static void
listen_all(uint16_t b)
{
	struct ofld_tcp_open o;

	memset(&o, 0, sizeof(o));
	o.local_port = LPORT;
	o.backlog = 1024;
	for (uint16_t q = 0; q < NQ; q++)
		for (int v6 = 0; v6 < 2; v6++) {
			o.ipv6 = v6;
			CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_listen(b, q, &o), 0);
		}
}

/* The key and RETA the connection tests' ports have: the defaults, or
 * a user key and reta_fill()'s table.
 */
static uint8_t user_key[40] __rte_aligned(4);
static bool user_setup;

/* The queue the ports' set-up gives a segment. */
static uint16_t
hashed_queue(bool v6, uint8_t src_host, uint8_t dst_host, uint16_t sport,
	     uint16_t dport)
{
	uint8_t s[16], d[16];
	uint32_t i;

	ip_of(s, v6, src_host);
	ip_of(d, v6, dst_host);
	i = ref_hash(user_setup ? user_key : ms_key, v6, s, d, sport, dport,
		     true) % RETA_SIZE;
	return (uint16_t)(user_setup ? (3 * i + 1) % NQ : i % NQ);
}

/* A port of the connection tests, with the user key and RETA or not. */
static int
conn_port(const char *name, const char *args)
{
	struct rte_eth_rss_reta_entry64 reta[RETA_SIZE / 64];
	struct rte_eth_rss_conf rc = { .rss_key = user_key, .rss_key_len = 40,
				       .rss_hf = HF_L4 | HF_L3 };
	int port = port_rss(name, args, NQ, HF_L4 | HF_L3);

	if (port < 0 || !user_setup)
		return port;
	reta_fill(reta, UINT16_MAX);
	if (rte_eth_dev_stop(port) != 0 ||
	    rte_eth_dev_rss_hash_update(port, &rc) != 0 ||
	    rte_eth_dev_rss_reta_update(port, reta, RETA_SIZE) != 0 ||
	    rte_eth_dev_start(port) != 0)
		return -1;
	return port;
}

static uint64_t
xstat_sum(uint16_t port, const char *what)
{
	char name[64];
	uint64_t sum = 0;

	for (uint16_t q = 0; q < NQ; q++) {
		snprintf(name, sizeof(name), "rx_q%u_%s", q, what);
		sum += ofld_test_xstat(port, name);
	}
	return sum;
}

/* Run every flow to its end (both sides closed and released). */
static bool
run_flows(uint16_t a, uint16_t b, unsigned int ms)
{
	uint64_t dl = ofld_test_deadline(ms);

	while (!all_done())
		if (ofld_test_expired(dl, "%u flows to end", nflows))
			return false;
		else
			pump(a, b);
	return true;
}

/* 1000 connections, IPv4 and IPv6, with local port 0 over NQ queues. */
static void
run_placement(const char *pair)
{
	char args[32], na[32], nb[32];
	uint32_t i, bad_a = 0, bad_b = 0, short_b = 0, bad = 0;
	int a, b;

	snprintf(args, sizeof(args), "pair=%s", pair);
	snprintf(na, sizeof(na), "net_ofld_%sa", pair);
	snprintf(nb, sizeof(nb), "net_ofld_%sb", pair);
	a = conn_port(na, args);
	b = conn_port(nb, args);

	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	listen_all(b);
	memset(by_port, 0, sizeof(by_port));
	strays = 0;
	a_to_b = 32 * 1024;
	b_to_a = 0;
	for (nflows = 0; nflows < MAX_FLOWS; nflows++) {
		i = nflows;
		CU_ASSERT_FATAL(open_flow(a, b, i, (uint16_t)(i % NQ), i % 2,
					  0) != NULL);
		if (i % 64 == 63)	/* within the listeners' backlogs */
			pump(a, b);
	}
	CU_ASSERT(run_flows(a, b, 120000));
	for (i = 0; i < nflows; i++) {
		const struct flow *f = &flows[i];

		/* a's port was chosen for b's segments to reach queue qa;
		 * b's connection is where a's SYN hashed
		 */
		bad_a += hashed_queue(f->v6, 2, 1, LPORT, f->aport) != f->qa;
		bad_b += hashed_queue(f->v6, 1, 2, f->aport, LPORT) != f->qb;
		short_b += f->recv_b != a_to_b;
		bad += f->bad != 0;
	}
	CU_ASSERT_EQUAL(bad_a, 0);
	CU_ASSERT_EQUAL(bad_b, 0);
	CU_ASSERT_EQUAL(short_b, 0);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(strays, 0);
	/* placement worked: nothing went through the hand-off */
	CU_ASSERT_EQUAL(xstat_sum(a, "handed_off"), 0);
	CU_ASSERT_EQUAL(xstat_sum(b, "handed_off"), 0);
	printf("\n  %u flows: %" PRIu64 " stray frames, handed off a %" PRIu64
	       " b %" PRIu64 "\n", nflows, strays, xstat_sum(a, "handed_off"),
	       xstat_sum(b, "handed_off"));
	CU_ASSERT(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0);
	CU_ASSERT(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
}

static void
test_n2_placement_1000(void)
{
	user_setup = false;
	run_placement("rss3");
}

static void
test_n2_placement_user_key(void)
{
	for (int i = 0; i < 40; i++)
		user_key[i] = (uint8_t)(i * 53 + 19);
	user_setup = true;
	run_placement("rss5");
	user_setup = false;
}

/* A local port of a whose hash brings b's segments to queue want. */
static uint16_t
port_landing_on(bool v6, uint16_t want)
{
	for (uint16_t p = 20000; p < 30000; p++)
		if (hashed_queue(v6, 2, 1, LPORT, p) == want)
			return p;
	return 0;
}

/* Port a's engines on a service lcore: its service id. */
static uint32_t
service_on(int a, unsigned int lcore)
{
	uint32_t sid;

	CU_ASSERT_FATAL(rte_pmd_ofld_service_id(a, &sid) == 0);
	CU_ASSERT(rte_service_lcore_add(lcore) == 0);
	CU_ASSERT(rte_service_map_lcore_set(sid, lcore, 1) == 0);
	CU_ASSERT(rte_service_runstate_set(sid, 1) == 0);
	CU_ASSERT(rte_service_lcore_start(lcore) == 0);
	return sid;
}

/* The service lcore stopped and out of its loop (sleeping meanwhile: it
 * may need our core to get there), then no longer a service lcore.
 */
static void
service_off(uint32_t sid, unsigned int lcore)
{
	uint64_t dl = ofld_test_deadline(10000);

	CU_ASSERT(rte_service_runstate_set(sid, 0) == 0);
	CU_ASSERT(rte_service_lcore_stop(lcore) == 0);
	while (rte_service_lcore_may_be_active(lcore) == 1 &&
	       !ofld_test_expired(dl, "service lcore %u to leave its loop",
				  lcore))
		rte_delay_us_sleep(100);
	CU_ASSERT(rte_service_lcore_del(lcore) == 0);
}

/* A connection opened on queue 0 with ports whose segments land on queue
 * 2: handed to queue 0, both ways intact; port a's engines inline or on a
 * service lcore (the hand-off then runs there, releases wait for it).
 */
static void
run_handoff(bool service)
{
	const unsigned int lcore = rte_get_next_lcore(-1, 1, 0);
	int a = service ? port_rss("net_ofld_r6a", "pair=rss6,engine=service",
				   NQ, HF_L4 | HF_L3) :
		port_rss("net_ofld_r4a", "pair=rss4", NQ, HF_L4 | HF_L3);
	int b = port_rss(service ? "net_ofld_r6b" : "net_ofld_r4b",
			 service ? "pair=rss6" : "pair=rss4", NQ, HF_L4 | HF_L3);
	struct ofld_tcp_conn *c;
	uint32_t sid = 0;
	uint16_t p[2];
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	if (service) {
		/* main() asks for two lcores: this must not skip quietly */
		CU_ASSERT_FATAL(lcore < RTE_MAX_LCORE);
		sid = service_on(a, lcore);
	}
	listen_all(b);
	memset(by_port, 0, sizeof(by_port));
	strays = 0;
	a_to_b = 1u << 20;
	b_to_a = 256 * 1024;
	/* opened on queue 0, with ports whose segments land on queue 2 */
	for (nflows = 0; nflows < 2; nflows++) {
		p[nflows] = port_landing_on(nflows == 1, 2);
		CU_ASSERT_FATAL(p[nflows] != 0);
		CU_ASSERT_FATAL(open_flow(a, b, nflows, 0, nflows == 1,
					  p[nflows]) != NULL);
		/* the 4-tuple is open once on the port, whatever the queue */
		rte_errno = 0;
		CU_ASSERT_PTR_NULL(open_flow(a, b, 2, 1, nflows == 1,
					     p[nflows]));
		CU_ASSERT_EQUAL(rte_errno, EEXIST);
	}
	CU_ASSERT(run_flows(a, b, 60000));
	for (uint32_t i = 0; i < nflows; i++) {
		CU_ASSERT_EQUAL(flows[i].recv_b, a_to_b);
		CU_ASSERT_EQUAL(flows[i].recv_a, b_to_a);
		CU_ASSERT_EQUAL(flows[i].bad, 0);
	}
	CU_ASSERT_EQUAL(strays, 0);
	/* b's segments reached queue 2 and went to queue 0's engine */
	CU_ASSERT(ofld_test_xstat(a, "rx_q2_handed_off") > 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "rx_q2_handed_off"),
			ofld_test_xstat(a, "rx_q0_handed_in"));
	CU_ASSERT_EQUAL(xstat_sum(a, "handoff_unknown"), 0);
	CU_ASSERT_EQUAL(xstat_sum(a, "handoff_full"), 0);
	CU_ASSERT_EQUAL(xstat_sum(b, "handed_off"), 0);
	printf("\n  handed off %" PRIu64 " segments\n",
	       ofld_test_xstat(a, "rx_q2_handed_off"));
	/* released: the entry went too, the tuple opens on another queue
	 * (queue 0's engine still holds it in TIME-WAIT)
	 */
	c = open_flow(a, b, 2, 1, false, p[0]);
	CU_ASSERT_PTR_NOT_NULL(c);
	if (c != NULL) {
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort(a, 1, c), 0);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(a, 1, c), 0);
	}
	if (service)
		service_off(sid, lcore);
	CU_ASSERT(rte_eth_dev_stop(a) == 0 && rte_eth_dev_stop(b) == 0);
	CU_ASSERT(rte_eth_dev_close(a) == 0 && rte_eth_dev_close(b) == 0);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
}

static void
test_n2_handoff(void)
{
	run_handoff(false);
}

static void
test_n2_handoff_service(void)
{
	run_handoff(true);
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "N2 Toeplitz: the RSS verification suite, default key",
		  test_n2_verification_suite },
		{ "N2 a user key and RETA; bad and ill-timed changes",
		  test_n2_user_key_and_reta },
		{ "N2 1000 connections over 4 queues placed by local port",
		  test_n2_placement_1000 },
		{ "N2 the same with a user key and RETA on both ports",
		  test_n2_placement_user_key },
		{ "N2 segments landing elsewhere handed to the owner",
		  test_n2_handoff },
		{ "N2 the same with the engines on a service lcore",
		  test_n2_handoff_service },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	ofld_test_want_lcores(2);
	return ofld_test_main_pool(argv[0], "rss", cases, &pool, POOL_SIZE);
}
