/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * A lower port that does not take all it is given (rules W3, N3), in
 * memory: net_ofld "top" stacked on net_ofld "mid", which is paced (its
 * tx_burst takes part of a burst, as a NIC with a full ring does) and
 * cabled to "peer". Nothing top accepts is lost: frames mid refuses wait
 * in top's queue and go first on the next call (an empty burst sends
 * them), tx_burst takes no more while they wait, so the caller keeps its
 * packets, and a large send top cuts itself still arrives whole.
 */

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_pkt.h"
#include "ofld_test.h"

#define NB_FRAMES	512
#define NB_LARGE	8

static uint8_t flat[TPKT_MAX];
static int top = -1, mid = -1, peer = -1;

/* top on a 1 Gbit/s mid, mid cabled to peer; top's device arguments. */
static void
stack_up(const char *top_args)
{
	mid = ofld_test_vdev("net_ofld_lbmid", "pair=lb,speed=1000");
	peer = ofld_test_vdev("net_ofld_lbpeer", "pair=lb,speed=0");
	top = ofld_test_vdev("net_ofld_lbtop", top_args);
	CU_ASSERT_FATAL(mid >= 0 && peer >= 0 && top >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start_tx(peer, 0) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start_tx(top,
		RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_MULTI_SEGS) == 0);
	/* test frames are addressed to no port in particular */
	CU_ASSERT_FATAL(rte_eth_promiscuous_enable(peer) == 0);
}

static void
stack_down(void)
{
	rte_vdev_uninit("net_ofld_lbtop");
	rte_vdev_uninit("net_ofld_lbmid");
	rte_vdev_uninit("net_ofld_lbpeer");
	CU_ASSERT(ofld_test_pool_full());
}

static uint64_t
xs(int port, const char *name)
{
	return ofld_test_xstat((uint16_t)port, name);
}

/* Frames at the peer: each intact and next in order. @return how many. */
static uint32_t
peer_take_in_order(uint32_t *next)
{
	struct rte_mbuf *rx[64];
	uint32_t seq, got = 0;
	uint16_t tag, k, i;

	k = rte_eth_rx_burst(peer, 0, rx, RTE_DIM(rx));
	for (i = 0; i < k; i++) {
		if (ofld_test_frame_check(rx[i], &seq, &tag) != 0 ||
		    seq != *next) {
			CU_FAIL("frame at the peer damaged or out of order");
			fprintf(stderr, "\n  expected frame %u, got %u\n", *next,
				seq);
		}
		*next = seq + 1;
		got++;
	}
	rte_pktmbuf_free_bulk(rx, k);
	return got;
}

/* NB_FRAMES numbered frames of 1000 bytes, to no port in particular. */
static void
make_frames(struct rte_mbuf **pkts)
{
	static const struct rte_ether_addr dst = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x42 } };
	uint32_t i;

	for (i = 0; i < NB_FRAMES; i++) {
		pkts[i] = ofld_test_frame(&dst, 1000, i, 7);
		CU_ASSERT_FATAL(pkts[i] != NULL);
	}
}

static void
test_plain_frames_kept(void)
{
	struct rte_mbuf *pkts[NB_FRAMES];
	uint32_t sent = 0, got = 0, next = 0, partial = 0;
	uint64_t dl;
	uint16_t k;

	stack_up("lower=net_ofld_lbmid");
	make_frames(pkts);
	dl = ofld_test_deadline(10000);
	while (got < NB_FRAMES &&
	       !ofld_test_expired(dl, "%u frames through a busy lower port "
				  "(%u sent, %u arrived)", NB_FRAMES, sent,
				  got)) {
		/* an empty burst when all are taken: it sends what waits */
		k = rte_eth_tx_burst(top, 0, pkts + sent,
				     (uint16_t)(NB_FRAMES - sent));
		partial += sent < NB_FRAMES && k < NB_FRAMES - sent;
		sent += k;
		got += peer_take_in_order(&next);
	}
	rte_pktmbuf_free_bulk(pkts + sent, NB_FRAMES - sent);
	CU_ASSERT_EQUAL(got, NB_FRAMES);
	/* mid was busy: top held frames and took fewer, dropped none */
	CU_ASSERT(xs(mid, "tx_q0_pacing_stalls") > 0);
	CU_ASSERT(xs(top, "tx_q0_lower_held") > 0);
	CU_ASSERT(xs(top, "tx_q0_lower_stalls") > 0);
	CU_ASSERT(partial > 0);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_lower_full"), 0);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_packets"), NB_FRAMES);
	stack_down();
}

/* Large sends top cuts itself (lower_offload=off), each of more segments
 * than mid takes at once: every one arrives whole, in order.
 */
static void
test_large_sends_whole(void)
{
	const struct tpkt_spec s = { .payload = 64000, .mss = 1448 };
	struct rte_mbuf *rx[64], *seg[64 * NB_LARGE];
	uint32_t nseg = 64000 / 1448 + 1, sent = 0, got = 0, i;
	struct rte_mbuf *m;
	char err[256];
	uint64_t dl;
	uint16_t k;

	stack_up("lower=net_ofld_lbmid,lower_offload=off");
	dl = ofld_test_deadline(10000);
	while (got < nseg * NB_LARGE &&
	       !ofld_test_expired(dl, "%u large sends through a busy lower "
				  "port (%u sent, %u of %u segments arrived)",
				  NB_LARGE, sent, got, nseg * NB_LARGE)) {
		if (sent < NB_LARGE) {
			m = tpkt_build(ofld_test_pool(), &s, flat);
			CU_ASSERT_FATAL(m != NULL);
			k = rte_eth_tx_burst(top, 0, &m, 1);
			if (k == 0)
				rte_pktmbuf_free(m);
			sent += k;
		} else {
			rte_eth_tx_burst(top, 0, NULL, 0);
		}
		k = rte_eth_rx_burst(peer, 0, rx, RTE_DIM(rx));
		for (i = 0; i < k && got < RTE_DIM(seg); i++)
			seg[got++] = rx[i];
		if (i < k)
			rte_pktmbuf_free_bulk(rx + i, k - i);
	}
	CU_ASSERT_EQUAL(got, nseg * NB_LARGE);
	for (i = 0; i + nseg <= got; i += nseg)
		if (tpkt_check(&s, flat, seg + i, nseg, false, err,
			       sizeof(err)) != 0) {
			CU_FAIL("a large send's segments at the peer");
			fprintf(stderr, "\n  send %u: %s\n", i / nseg, err);
		}
	rte_pktmbuf_free_bulk(seg, got);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_gso_sends"), NB_LARGE);
	CU_ASSERT(xs(top, "tx_q0_lower_held") > 0);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_lower_full"), 0);
	stack_down();
}

/* Frames still held when the port stops are freed and counted. */
static void
test_held_at_stop(void)
{
	struct rte_mbuf *pkts[NB_FRAMES];
	uint32_t sent = 0;
	uint64_t held;
	uint16_t k;

	stack_up("lower=net_ofld_lbmid");
	make_frames(pkts);
	/* one burst: mid takes what its pacer allows, top holds the rest */
	k = rte_eth_tx_burst(top, 0, pkts, NB_FRAMES);
	sent = k;
	held = xs(top, "tx_q0_lower_held");
	CU_ASSERT(k < NB_FRAMES);
	CU_ASSERT(held > 0);
	rte_pktmbuf_free_bulk(pkts + sent, NB_FRAMES - sent);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(top), 0);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_link_down"), held);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_lower_full"), 0);
	k = ofld_test_rx_all(peer, 0, pkts, NB_FRAMES);
	CU_ASSERT_EQUAL(k, sent - held);	/* all but the held */
	rte_pktmbuf_free_bulk(pkts, k);
	stack_down();
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "W3 a busy lower port: fewer taken, none dropped, in order",
		  test_plain_frames_kept },
		{ "N3 a busy lower port: large sends cut here arrive whole",
		  test_large_sends_whole },
		{ "W3 frames held at stop are freed and counted",
		  test_held_at_stop },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "lower-busy", cases);
}
