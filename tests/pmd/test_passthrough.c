/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Offload pass-through to a lower port (rule N3), in memory: net_ofld
 * "top" stacked on net_ofld "mid" (a NIC with TSO, USO and checksum
 * offloads, cabled to "peer" by the pair cable). What top can hand down
 * goes down as flags and mid does it; what mid cannot take (IPv4 options,
 * IPv6 extension headers, an IP packet over 64 KiB) top does itself; with
 * lower_offload=off top does everything. Each path is proven by the
 * counters of both ports, and every frame the peer receives is checked
 * byte for byte with valid checksums (the same checks as GSO's, G8-G12).
 */

#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_pkt.h"
#include "ofld_test.h"

#define ALL_TX (RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO | \
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM | \
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM | RTE_ETH_TX_OFFLOAD_MULTI_SEGS)

static uint8_t flat[TPKT_MAX];
static struct rte_mbuf *rx[512];
static int top = -1, mid = -1, peer = -1;

/* top on mid, mid cabled to peer; top's extra device arguments. */
static void
stack_up(const char *extra)
{
	char args[96];

	/* unpaced: a paced mid takes part of a burst (test_lower_busy.c) */
	mid = ofld_test_vdev("net_ofld_ptmid", "pair=pt,speed=0");
	peer = ofld_test_vdev("net_ofld_ptpeer", "pair=pt,speed=0");
	snprintf(args, sizeof(args), "lower=net_ofld_ptmid%s%s",
		 extra != NULL ? "," : "", extra != NULL ? extra : "");
	top = ofld_test_vdev("net_ofld_pttop", args);
	CU_ASSERT_FATAL(mid >= 0 && peer >= 0 && top >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start_tx(peer, 0) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start_tx(top, ALL_TX) == 0);	/* mid with it */
	/* test packets are addressed to no port in particular */
	CU_ASSERT_FATAL(rte_eth_promiscuous_enable(peer) == 0);
}

static void
stack_down(void)
{
	rte_vdev_uninit("net_ofld_pttop");
	rte_vdev_uninit("net_ofld_ptmid");
	rte_vdev_uninit("net_ofld_ptpeer");
	CU_ASSERT(ofld_test_pool_full());
}

static uint64_t
xs(int port, const char *name)
{
	return ofld_test_xstat((uint16_t)port, name);
}

/* One large send through top: the peer gets it right, cut as G8 says. */
static void
send_large(const struct tpkt_spec *s)
{
	struct rte_mbuf *m = tpkt_build(ofld_test_pool(), s, flat);
	char err[256];
	int n;

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(rte_eth_tx_prepare(top, 0, &m, 1), 1);
	CU_ASSERT_EQUAL(rte_eth_tx_burst(top, 0, &m, 1), 1);
	n = ofld_test_rx_all(peer, 0, rx, RTE_DIM(rx));
	if (tpkt_check(s, flat, rx, n, false, err, sizeof(err)) != 0) {
		CU_FAIL("segments at the peer");
		fprintf(stderr, "\n  payload %u mss %u: %s\n", s->payload,
			s->mss, err);
	}
	rte_pktmbuf_free_bulk(rx, n);
}

/* One plain TCP frame with its IPv4 and TCP checksums left to the NIC. */
static void
send_plain_csum(void)
{
	const struct tpkt_spec s = { .payload = 801, .mss = 1448 };
	struct rte_mbuf *m = tpkt_build(ofld_test_pool(), &s, flat);
	char err[256];
	int n;

	CU_ASSERT_FATAL(m != NULL);
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM;
	CU_ASSERT_EQUAL(rte_eth_tx_burst(top, 0, &m, 1), 1);
	n = ofld_test_rx_all(peer, 0, rx, RTE_DIM(rx));
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(tpkt_check(&s, flat, rx, n, false, err, sizeof(err)),
			0);
	rte_pktmbuf_free_bulk(rx, n);
}

static const struct tpkt_spec down[] = {
	{ .payload = 64000, .mss = 1448, .tcp_opts = 12, .tcp_flags = 0x18 },
	{ .ipv6 = true, .payload = 30001, .mss = 1440 },
	{ .udp = true, .payload = 20000, .mss = 1472 },
};
static const struct tpkt_spec here[] = {
	{ .ip_opts = 8, .payload = 20000, .mss = 1400 },	/* options */
	{ .ipv6 = true, .hbh = true, .payload = 9000, .mss = 1400 },
	{ .payload = 100000, .mss = 1448 },	/* IP packet over 64 KiB */
};

static void
test_n3_down_where_the_lower_can(void)
{
	unsigned int i;

	stack_up(NULL);
	for (i = 0; i < RTE_DIM(down); i++)
		send_large(&down[i]);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_tso_down"), RTE_DIM(down));
	CU_ASSERT_EQUAL(xs(top, "tx_q0_gso_sends"), 0);
	CU_ASSERT_EQUAL(xs(mid, "tx_q0_gso_sends"), RTE_DIM(down));
	for (i = 0; i < RTE_DIM(here); i++)
		send_large(&here[i]);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_tso_down"), RTE_DIM(down));
	CU_ASSERT_EQUAL(xs(top, "tx_q0_gso_sends"), RTE_DIM(here));
	CU_ASSERT_EQUAL(xs(mid, "tx_q0_gso_sends"), RTE_DIM(down));
	send_plain_csum();
	CU_ASSERT_EQUAL(xs(top, "tx_q0_csum_down"), 1);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_csum_here"), 0);
	CU_ASSERT_EQUAL(xs(mid, "tx_q0_csum_here"), 1);
	/* top counts the wire's frames either way */
	CU_ASSERT_EQUAL(xs(top, "tx_q0_packets"), xs(mid, "tx_q0_packets"));
	CU_ASSERT_EQUAL(xs(top, "tx_q0_prepare_refused"), 0);
	stack_down();
}

static void
test_n3_lower_offload_off(void)
{
	unsigned int i;

	stack_up("lower_offload=off");
	for (i = 0; i < RTE_DIM(down); i++)
		send_large(&down[i]);
	for (i = 0; i < RTE_DIM(here); i++)
		send_large(&here[i]);
	send_plain_csum();
	CU_ASSERT_EQUAL(xs(top, "tx_q0_tso_down"), 0);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_csum_down"), 0);
	CU_ASSERT_EQUAL(xs(top, "tx_q0_gso_sends"),
			RTE_DIM(down) + RTE_DIM(here));
	CU_ASSERT_EQUAL(xs(top, "tx_q0_csum_here"), 1);
	CU_ASSERT_EQUAL(xs(mid, "tx_q0_gso_sends"), 0);
	CU_ASSERT_EQUAL(xs(mid, "tx_q0_csum_here"), 0);
	stack_down();
}

/* The device argument: a word of two, the lower cable's only. */
static void
test_n3_devarg(void)
{
	CU_ASSERT(ofld_test_vdev("net_ofld_ptbad", "pair=ptb,"
				 "lower_offload=on") < 0);
	CU_ASSERT(strstr(ofld_test_log(), "'lower_offload' is the lower") !=
		  NULL);
	mid = ofld_test_vdev("net_ofld_ptmid", "pair=pt");
	CU_ASSERT_FATAL(mid >= 0);
	CU_ASSERT(ofld_test_vdev("net_ofld_ptbad", "lower=net_ofld_ptmid,"
				 "lower_offload=maybe") < 0);
	CU_ASSERT(strstr(ofld_test_log(), "expected 'on' or 'off'") != NULL);
	rte_vdev_uninit("net_ofld_ptmid");
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "N3 large sends and checksums down where the lower can",
		  test_n3_down_where_the_lower_can },
		{ "N3 lower_offload=off: everything here",
		  test_n3_lower_offload_off },
		{ "N3 the device argument", test_n3_devarg },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "passthrough", cases);
}
