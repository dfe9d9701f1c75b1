/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld through the public ethdev API only: probe and device arguments,
 * configure/start/stop/close, queues, link, stats and xstats, MTU, MAC and
 * filtering, the pair cable (traffic, pacing, faults), the lower cable, and
 * hot-unplug. Every test ends with the mempool full again.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_dev.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_compat.h"
#include "ofld_test.h"

#define N_FRAMES 2000

static struct rte_mbuf *bufs[4 * N_FRAMES];

/* Remove every ethdev port this test made, whatever state it is in. */
static void
remove_all(void)
{
	const char *names[] = { "net_ofld_a", "net_ofld_b", "net_ofld_c",
				"net_ofld_d", "net_null_x" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++)
		rte_vdev_uninit(names[i]);
}

static void
pair_ab(const char *extra, int *a, int *b)
{
	char args[128];

	snprintf(args, sizeof(args), "pair=ab%s%s", extra ? "," : "",
		 extra ? extra : "");
	*a = ofld_test_vdev("net_ofld_a", args);
	*b = ofld_test_vdev("net_ofld_b", args);
	CU_ASSERT_FATAL(*a >= 0 && *b >= 0);
}

static uint16_t
send_frames(uint16_t port, uint16_t q, const struct rte_ether_addr *dst,
	    uint32_t n, uint32_t first_seq, uint16_t tag)
{
	uint32_t i;

	for (i = 0; i < n; i++) {
		bufs[i] = ofld_test_frame(dst, 60 + (i * 37) % 1455,
					  first_seq + i, tag);
		CU_ASSERT_FATAL(bufs[i] != NULL);
	}
	return ofld_test_tx_all(port, q, bufs, n);
}

static struct rte_ether_addr
port_mac(uint16_t port)
{
	struct rte_ether_addr mac;

	rte_eth_macaddr_get(port, &mac);
	return mac;
}

static int
link_status(uint16_t port)
{
	struct rte_eth_link link;

	if (rte_eth_link_get_nowait(port, &link) != 0)
		return -1;
	return link.link_status;
}

/* ---- probe and device arguments ------------------------------------ */

static void
test_probe_and_info(void)
{
	struct rte_eth_dev_info info;
	struct rte_eth_link link;
	struct rte_ether_addr ma, mb;
	int a, b;

	pair_ab("speed=25000", &a, &b);
	CU_ASSERT_EQUAL(rte_eth_dev_info_get(a, &info), 0);
	CU_ASSERT_STRING_EQUAL(info.driver_name, "net_ofld");
	CU_ASSERT_EQUAL(info.max_rx_queues, 16);
	CU_ASSERT_EQUAL(info.max_tx_queues, 16);
	CU_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS);
	ma = port_mac(a);
	mb = port_mac(b);
	CU_ASSERT(rte_is_valid_assigned_ether_addr(&ma));
	CU_ASSERT(!rte_is_same_ether_addr(&ma, &mb));

	/* Link down until both ends run, then up at the configured speed. */
	CU_ASSERT_EQUAL(ofld_test_port_start(a, 1, 1), 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_DOWN);
	CU_ASSERT_EQUAL(ofld_test_port_start(b, 1, 1), 0);
	CU_ASSERT_EQUAL(rte_eth_link_get_nowait(a, &link), 0);
	CU_ASSERT_EQUAL(link.link_status, RTE_ETH_LINK_UP);
	CU_ASSERT_EQUAL(link.link_speed, 25000);
	CU_ASSERT_EQUAL(link.link_duplex, RTE_ETH_LINK_FULL_DUPLEX);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_DOWN);
	CU_ASSERT_EQUAL(rte_eth_dev_start(b), 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_UP);

	CU_ASSERT_EQUAL(rte_eth_dev_stop(a), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close(a), 0);
	CU_ASSERT_FALSE(rte_eth_dev_is_valid_port(a));
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

struct bad_arg {
	const char *args;
	const char *must_say;	/* the log line names the argument */
};

static void
test_bad_devargs(void)
{
	static const struct bad_arg cases[] = {
		{ "pair=x,bogus=1", "bogus" },
		{ "pair=x,speed=abc", "speed" },
		{ "pair=x,speed=12x", "speed" },
		{ "pair=x,speed=-5", "speed" },
		{ "pair=x,speed=400001", "speed" },
		{ "pair=x,speed=99999999999999999999999", "speed" },
		{ "pair=x,loss=1.5", "loss" },
		{ "pair=x,loss=-0.1", "loss" },
		{ "pair=x,reorder=abc", "reorder" },
		{ "pair=x,dup=nan", "dup" },
		{ "pair=x,seed=0.5", "seed" },
		{ "pair=x,mac=zz:00:00:00:00:01", "mac" },
		{ "pair=x,mac=01:00:5e:00:00:01", "mac" },
		{ "pair=x,speed=10,speed=20", "speed" },
		{ "pair=a/b", "pair" },
		{ "pair=0123456789012345678901234567890123", "pair" },
		{ "lower=no_such_port", "lower" },
		{ "pair=x,lower=y", "lower" },
		{ "pair=x,tx_free=both", "tx_free" },
		{ "pair=x,tx_free", "tx_free" },
		{ "lower=y,tx_free=receiver", "tx_free" },
		{ "speed=1000", "pair" },
		{ "", "pair" },
	};
	uint16_t before = rte_eth_dev_count_total();
	unsigned int i;
	bool named;
	int ret;

	for (i = 0; i < RTE_DIM(cases); i++) {
		ofld_test_log_clear();
		ret = rte_vdev_init("net_ofld_a", cases[i].args);
		CU_ASSERT(ret != 0);
		if (ret == 0)
			fprintf(stderr, "accepted: '%s'\n", cases[i].args);
		CU_ASSERT_EQUAL(rte_eth_dev_count_total(), before);
		named = strstr(ofld_test_log(), cases[i].must_say) != NULL;
		CU_ASSERT(named);
		if (!named)
			fprintf(stderr, "'%s': log does not name '%s'\n",
				cases[i].args, cases[i].must_say);
		rte_vdev_uninit("net_ofld_a");
	}

	/* A third port on a pair cable is refused, the two ends stay. */
	CU_ASSERT(ofld_test_vdev("net_ofld_a", "pair=tri") >= 0);
	CU_ASSERT(ofld_test_vdev("net_ofld_b", "pair=tri") >= 0);
	ofld_test_log_clear();
	CU_ASSERT(rte_vdev_init("net_ofld_c", "pair=tri") != 0);
	CU_ASSERT(strstr(ofld_test_log(), "pair") != NULL);
	CU_ASSERT_EQUAL(rte_eth_dev_count_total(), before + 2);
	remove_all();
	CU_ASSERT_EQUAL(rte_eth_dev_count_total(), before);

	/* The good forms of the same arguments are accepted. */
	CU_ASSERT(ofld_test_vdev("net_ofld_a", "pair=ok,speed=0,loss=0,"
		  "reorder=0.25,dup=1,seed=0x1234,mac=02:00:00:00:00:aa") >= 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- traffic across the pair -------------------------------------- */

static void
test_pair_traffic(void)
{
	struct rte_eth_stats sa, sb;
	struct rte_ether_addr mb;
	uint64_t bytes = 0;
	uint32_t i, seq;
	uint16_t tag, got;
	int a, b, bad = 0;

	pair_ab(NULL, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	mb = port_mac(b);

	/* Burst by burst, so no lane overruns: N in, N out, same bytes. */
	for (i = 0; i < N_FRAMES; i += 500) {
		CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 500, i, 7), 500);
		got = ofld_test_rx_all(b, 0, bufs, 500);
		CU_ASSERT_EQUAL(got, 500);
		for (uint16_t k = 0; k < got; k++) {
			if (ofld_test_frame_check(bufs[k], &seq, &tag) != 0 ||
			    seq != i + k || tag != 7 || bufs[k]->port != b)
				bad++;
			bytes += bufs[k]->pkt_len;
		}
		rte_pktmbuf_free_bulk(bufs, got);
	}
	CU_ASSERT_EQUAL(bad, 0);

	CU_ASSERT_EQUAL(rte_eth_stats_get(a, &sa), 0);
	CU_ASSERT_EQUAL(rte_eth_stats_get(b, &sb), 0);
	CU_ASSERT_EQUAL(sa.opackets, N_FRAMES);
	CU_ASSERT_EQUAL(sa.obytes, bytes);
	CU_ASSERT_EQUAL(sb.ipackets, N_FRAMES);
	CU_ASSERT_EQUAL(sb.ibytes, bytes);
	CU_ASSERT_EQUAL(sb.imissed, 0);
	CU_ASSERT_EQUAL(sa.oerrors, 0);

	/* And the other way round. */
	{
		struct rte_ether_addr ma = port_mac(a);

		CU_ASSERT_EQUAL(send_frames(b, 0, &ma, 100, 0, 9), 100);
		got = ofld_test_rx_all(a, 0, bufs, 100);
		CU_ASSERT_EQUAL(got, 100);
		rte_pktmbuf_free_bulk(bufs, got);
	}
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* A receiver that does not keep up misses frames; they are counted. */
static void
test_pair_overrun(void)
{
	struct rte_ether_addr mb;
	struct rte_eth_stats sb;
	uint32_t sent = 0, got, k;
	int a, b;

	pair_ab("speed=0", &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	mb = port_mac(b);
	for (k = 0; k < 3; k++)
		sent += send_frames(a, 0, &mb, 2000, k * 2000, 1);
	CU_ASSERT_EQUAL(sent, 6000);
	got = 0;
	while ((k = ofld_test_rx_all(b, 0, bufs, 512)) != 0) {
		got += k;
		rte_pktmbuf_free_bulk(bufs, k);
	}
	CU_ASSERT_EQUAL(rte_eth_stats_get(b, &sb), 0);
	CU_ASSERT(got < 6000);
	CU_ASSERT_EQUAL(sb.imissed + got, 6000);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_peer_overrun"), sb.imissed);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_missed"), sb.imissed);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- queues, reconfiguration --------------------------------------- */

static void
check_queue_map(int a, int b, uint16_t ntx, uint16_t nrx)
{
	struct rte_ether_addr mb = port_mac(b);
	uint32_t seq;
	uint16_t q, tag, got, k;

	for (q = 0; q < ntx; q++)
		CU_ASSERT_EQUAL(send_frames(a, q, &mb, 10, 0, q), 10);
	for (q = 0; q < nrx; q++) {
		got = ofld_test_rx_all(b, q, bufs, 10 * ntx);
		/* lane t drains into receive queue t % nrx */
		CU_ASSERT_EQUAL(got, 10 * ((ntx - q + nrx - 1) / nrx));
		for (k = 0; k < got; k++) {
			CU_ASSERT_EQUAL(ofld_test_frame_check(bufs[k], &seq,
							      &tag), 0);
			CU_ASSERT_EQUAL(tag % nrx, q);
		}
		rte_pktmbuf_free_bulk(bufs, got);
	}
}

static void
test_queues_reconfigure(void)
{
	struct rte_eth_dev_info info;
	int a, b, n;

	pair_ab(NULL, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 4, 4) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 4, 4) == 0);
	check_queue_map(a, b, 4, 4);

	/* Fewer queues on the receiver: every lane still has a reader. */
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 2, 2) == 0);
	CU_ASSERT_EQUAL(rte_eth_dev_info_get(b, &info), 0);
	check_queue_map(a, b, 4, 2);
	n = rte_eth_xstats_get_names(b, NULL, 0);
	CU_ASSERT(n > 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q1_packets"), 20);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q2_packets"), UINT64_MAX);

	/* One queue: all lanes into queue 0. */
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	CU_ASSERT(rte_eth_xstats_get_names(b, NULL, 0) < n);
	check_queue_map(a, b, 4, 1);

	/* More queues than the NIC has: refused, the port keeps working. */
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	CU_ASSERT(ofld_test_port_start(b, 17, 1) != 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	check_queue_map(a, b, 1, 1);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

static void
test_queue_release(void)
{
	struct rte_ether_addr mb;
	int a, b;

	pair_ab("reorder=1", &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 2, 2) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 2, 2) == 0);
	mb = port_mac(b);
	/* reorder=1 leaves one frame held in the transmit queue. */
	CU_ASSERT_EQUAL(send_frames(a, 1, &mb, 1, 0, 0), 1);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q1_fault_reorder"), 1);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(a), 0);
	/* Set up queue 1 again (releases the old one), then drop to one. */
	CU_ASSERT_EQUAL(rte_eth_tx_queue_setup(a, 1, 512, rte_socket_id(),
					       NULL), 0);
	CU_ASSERT_EQUAL(rte_eth_rx_queue_setup(a, 1, 512, rte_socket_id(),
					       NULL, ofld_test_pool()), 0);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q1_packets"), UINT64_MAX);
	CU_ASSERT(ofld_test_pool_full());
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- statistics ---------------------------------------------------- */

static void
test_stats_and_xstats(void)
{
	struct rte_eth_xstat_name *names;
	struct rte_ether_addr mb;
	struct rte_eth_stats st;
	int a, b, n, i;
	uint16_t got;
	bool found_link_down = false, found_pacing = false;

	pair_ab(NULL, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	mb = port_mac(b);
	CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 100, 0, 0), 100);
	got = ofld_test_rx_all(b, 0, bufs, 100);
	CU_ASSERT_EQUAL(got, 100);
	rte_pktmbuf_free_bulk(bufs, got);

	n = rte_eth_xstats_get_names(a, NULL, 0);
	CU_ASSERT_FATAL(n > 0);
	names = calloc(n, sizeof(*names));
	CU_ASSERT_FATAL(names != NULL);
	CU_ASSERT_EQUAL(rte_eth_xstats_get_names(a, names, n), n);
	for (i = 0; i < n; i++) {
		found_link_down |= strcmp(names[i].name, "tx_q0_link_down") == 0;
		found_pacing |= strcmp(names[i].name,
				       "tx_q0_pacing_stalls") == 0;
	}
	free(names);
	CU_ASSERT(found_link_down);
	CU_ASSERT(found_pacing);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_packets"), 100);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_packets"), 100);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_link_down"), 0);

	/* Reset: everything reads zero, then counts from there. */
	CU_ASSERT_EQUAL(rte_eth_stats_reset(a), 0);
	CU_ASSERT_EQUAL(rte_eth_stats_get(a, &st), 0);
	CU_ASSERT_EQUAL(st.opackets, 0);
	CU_ASSERT_EQUAL(st.obytes, 0);
#if OFLD_ETH_STATS_HAS_QUEUES /* 25.11: in xstats only, just below */
	CU_ASSERT_EQUAL(st.q_opackets[0], 0);
#endif
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_packets"), 0);
	CU_ASSERT_EQUAL(rte_eth_xstats_reset(b), 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_packets"), 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_good_packets"), 0);
	CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 5, 0, 0), 5);
	got = ofld_test_rx_all(b, 0, bufs, 5);
	rte_pktmbuf_free_bulk(bufs, got);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_packets"), 5);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_packets"), 5);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- link ----------------------------------------------------------- */

static void
test_link_down_drops(void)
{
	struct rte_ether_addr mb = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } };
	struct rte_eth_stats st;
	int a, b;

	/* Peer missing. */
	a = ofld_test_vdev("net_ofld_a", "pair=lonely");
	CU_ASSERT_FATAL(a >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_DOWN);
	CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 100, 0, 0), 100);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_link_down"), 100);
	CU_ASSERT_EQUAL(rte_eth_stats_get(a, &st), 0);
	CU_ASSERT_EQUAL(st.oerrors, 100);
	CU_ASSERT_EQUAL(st.opackets, 0);
	CU_ASSERT(ofld_test_pool_full());

	/* Peer present but stopped. */
	b = ofld_test_vdev("net_ofld_b", "pair=lonely");
	CU_ASSERT_FATAL(b >= 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_DOWN);
	CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 10, 0, 0), 10);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_link_down"), 110);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_UP);
	CU_ASSERT_EQUAL(ofld_test_rx_all(b, 0, bufs, 1), 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- MTU, MAC, filtering ------------------------------------------- */

static void
test_mtu(void)
{
	struct rte_ether_addr mb;
	uint16_t mtu, got;
	int a, b;

	pair_ab(NULL, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	mb = port_mac(b);
	CU_ASSERT_EQUAL(rte_eth_dev_get_mtu(a, &mtu), 0);
	CU_ASSERT_EQUAL(mtu, 1500);
	CU_ASSERT(rte_eth_dev_set_mtu(a, 9601) != 0);
	CU_ASSERT(rte_eth_dev_set_mtu(a, 67) != 0);
	CU_ASSERT_EQUAL(rte_eth_dev_get_mtu(a, &mtu), 0);
	CU_ASSERT_EQUAL(mtu, 1500);

	/* 1500 + 22: the largest frame; one more byte is dropped. */
	bufs[0] = ofld_test_frame(&mb, 1522, 1, 0);
	bufs[1] = ofld_test_frame(&mb, 1523, 2, 0);
	bufs[2] = ofld_test_frame(&mb, 100, 3, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 3), 3);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_oversize"), 1);
	got = ofld_test_rx_all(b, 0, bufs, 3);
	CU_ASSERT_EQUAL(got, 2);
	rte_pktmbuf_free_bulk(bufs, got);

	/* Sender with a jumbo MTU, receiver at 1500: the receiver drops. */
	CU_ASSERT_EQUAL(rte_eth_dev_set_mtu(a, 2000), 0);
	bufs[0] = ofld_test_frame(&mb, 2000, 1, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 1), 1);
	CU_ASSERT_EQUAL(ofld_test_rx_all(b, 0, bufs, 1), 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_oversize"), 1);
	CU_ASSERT_EQUAL(rte_eth_dev_set_mtu(b, 2000), 0);
	bufs[0] = ofld_test_frame(&mb, 2000, 1, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 1), 1);
	got = ofld_test_rx_all(b, 0, bufs, 1);
	CU_ASSERT_EQUAL(got, 1);
	rte_pktmbuf_free_bulk(bufs, got);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

static void
test_mac_and_promisc(void)
{
	struct rte_ether_addr mb, other = { .addr_bytes = { 2, 9, 9, 9, 9, 9 } };
	struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff,
							0xff, 0xff } };
	struct rte_ether_addr mcast = { .addr_bytes = { 0x01, 0, 0x5e, 0, 0,
							1 } };
	struct rte_ether_addr newmac = { .addr_bytes = { 2, 1, 2, 3, 4, 5 } };
	struct rte_ether_addr bad = { .addr_bytes = { 1, 1, 2, 3, 4, 5 } };
	uint16_t got;
	int a, b;

	pair_ab(NULL, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	CU_ASSERT_EQUAL(rte_eth_promiscuous_disable(b), 0);
	CU_ASSERT_EQUAL(rte_eth_promiscuous_get(b), 0);
	mb = port_mac(b);

	bufs[0] = ofld_test_frame(&mb, 64, 0, 0);
	bufs[1] = ofld_test_frame(&other, 64, 1, 0);
	bufs[2] = ofld_test_frame(&bcast, 64, 2, 0);
	bufs[3] = ofld_test_frame(&mcast, 64, 3, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 4), 4);
	got = ofld_test_rx_all(b, 0, bufs, 4);
	CU_ASSERT_EQUAL(got, 2);
	rte_pktmbuf_free_bulk(bufs, got);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_mac_filtered"), 2);

	CU_ASSERT_EQUAL(rte_eth_allmulticast_enable(b), 0);
	bufs[0] = ofld_test_frame(&mcast, 64, 3, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 1), 1);
	got = ofld_test_rx_all(b, 0, bufs, 1);
	CU_ASSERT_EQUAL(got, 1);
	rte_pktmbuf_free_bulk(bufs, got);

	/* New MAC: frames to it pass, to the old one are filtered. */
	CU_ASSERT(rte_eth_dev_default_mac_addr_set(b, &bad) != 0);
	CU_ASSERT_EQUAL(rte_eth_dev_default_mac_addr_set(b, &newmac), 0);
	bufs[0] = ofld_test_frame(&newmac, 64, 0, 0);
	bufs[1] = ofld_test_frame(&mb, 64, 1, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 2), 2);
	got = ofld_test_rx_all(b, 0, bufs, 2);
	CU_ASSERT_EQUAL(got, 1);
	rte_pktmbuf_free_bulk(bufs, got);

	CU_ASSERT_EQUAL(rte_eth_promiscuous_enable(b), 0);
	bufs[0] = ofld_test_frame(&other, 64, 0, 0);
	CU_ASSERT_EQUAL(ofld_test_tx_all(a, 0, bufs, 1), 1);
	got = ofld_test_rx_all(b, 0, bufs, 1);
	CU_ASSERT_EQUAL(got, 1);
	rte_pktmbuf_free_bulk(bufs, got);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- pacing and faults --------------------------------------------- */

static void
test_pacing_backpressure(void)
{
	struct rte_ether_addr mb;
	uint32_t i, got = 0;
	uint16_t sent, k;
	uint64_t dl;
	int a, b;

	/* 1 Gbit/s: 512 full frames (6.3 Mbit) cannot all start at once. */
	pair_ab("speed=1000", &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	mb = port_mac(b);
	for (i = 0; i < 512; i++)
		bufs[i] = ofld_test_frame(&mb, 1514, i, 0);
	sent = rte_eth_tx_burst(a, 0, bufs, 512);
	CU_ASSERT(sent > 0);
	CU_ASSERT(sent < 512);
	CU_ASSERT(ofld_test_xstat(a, "tx_q0_pacing_stalls") >= 1);
	/* The rest goes as the wire frees up; nothing lost or reordered. */
	dl = ofld_test_deadline(10000);
	while (sent < 512 && !ofld_test_expired(dl, "the paced port to take "
			"512 frames (%u taken)", sent)) {
		sent += rte_eth_tx_burst(a, 0, bufs + sent, 512 - sent);
		k = rte_eth_rx_burst(b, 0, bufs + 512 + got,
				     RTE_MIN(64u, 512 - got));
		got += k;
	}
	got += ofld_test_rx_all(b, 0, bufs + 512 + got, 512 - got);
	CU_ASSERT_EQUAL(got, 512);
	for (i = 0; i < got; i++) {
		uint32_t seq;
		uint16_t tag;

		CU_ASSERT_EQUAL(ofld_test_frame_check(bufs[512 + i], &seq, &tag),
				0);
		CU_ASSERT_EQUAL(seq, i);
	}
	rte_pktmbuf_free_bulk(bufs + 512, got);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* Send n frames through a faulty cable, return what arrived (seq list). */
static uint32_t
faulty_run(const char *faults, uint32_t n, uint32_t *seqs, int *a_out)
{
	struct rte_ether_addr mb;
	uint32_t got = 0, i, seq;
	uint16_t tag, k;
	int a, b;

	pair_ab(faults, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	mb = port_mac(b);
	for (i = 0; i < n; i += 200) {
		CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 200, i, 0), 200);
		/* an empty burst releases a frame held for reordering */
		rte_eth_tx_burst(a, 0, NULL, 0);
		k = ofld_test_rx_all(b, 0, bufs, 2 * 200 + 1);
		for (uint16_t j = 0; j < k; j++) {
			CU_ASSERT_EQUAL(ofld_test_frame_check(bufs[j], &seq,
							      &tag), 0);
			seqs[got++] = seq;
		}
		rte_pktmbuf_free_bulk(bufs, k);
	}
	*a_out = a;
	return got;
}

static void
test_faults(void)
{
	static uint32_t s1[2 * N_FRAMES], s2[2 * N_FRAMES];
	static uint8_t seen[N_FRAMES];
	uint32_t got, got2, i, out_of_order = 0;
	uint64_t lost, dups;
	int a;

	/* loss=1: nothing arrives, all counted. */
	got = faulty_run("loss=1", 400, s1, &a);
	CU_ASSERT_EQUAL(got, 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_fault_loss"), 400);
	remove_all();

	/* loss=0.3: lost + arrived = sent; same seed, same losses. */
	got = faulty_run("loss=0.3,seed=42", N_FRAMES, s1, &a);
	lost = ofld_test_xstat(a, "tx_q0_fault_loss");
	CU_ASSERT_EQUAL(got + lost, N_FRAMES);
	CU_ASSERT(lost > N_FRAMES / 5 && lost < N_FRAMES * 2 / 5);
	remove_all();
	got2 = faulty_run("loss=0.3,seed=42", N_FRAMES, s2, &a);
	CU_ASSERT_EQUAL(got2, got);
	CU_ASSERT(memcmp(s1, s2, got * sizeof(s1[0])) == 0);
	remove_all();

	/* dup=0.5: every frame at least once, in order, extras counted. */
	got = faulty_run("dup=0.5,seed=1", N_FRAMES, s1, &a);
	dups = ofld_test_xstat(a, "tx_q0_fault_dup");
	CU_ASSERT_EQUAL(got, N_FRAMES + dups);
	CU_ASSERT(dups > 0);
	for (i = 1; i < got; i++)
		CU_ASSERT(s1[i] >= s1[i - 1]);
	remove_all();

	/* reorder=0.2: every frame exactly once, some out of order. */
	got = faulty_run("reorder=0.2,seed=3", N_FRAMES, s1, &a);
	CU_ASSERT_EQUAL(got, N_FRAMES);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < got; i++) {
		CU_ASSERT(s1[i] < N_FRAMES && !seen[s1[i]]);
		if (s1[i] < N_FRAMES)
			seen[s1[i]] = 1;
		if (i > 0 && s1[i] < s1[i - 1])
			out_of_order++;
	}
	/* Each held frame makes at most one inversion (none when it was the
	 * last of a burst and went out alone).
	 */
	CU_ASSERT(out_of_order > 0);
	CU_ASSERT(out_of_order <= ofld_test_xstat(a, "tx_q0_fault_reorder"));
	CU_ASSERT(out_of_order * 2 > ofld_test_xstat(a, "tx_q0_fault_reorder"));
	remove_all();

	/* All three at once: nothing leaks. */
	got = faulty_run("loss=0.1,dup=0.1,reorder=0.1,seed=9", N_FRAMES, s1,
			 &a);
	CU_ASSERT_EQUAL(got + ofld_test_xstat(a, "tx_q0_fault_loss"),
			N_FRAMES + ofld_test_xstat(a, "tx_q0_fault_dup"));
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- hot-unplug ---------------------------------------------------- */

static void
test_hot_unplug(void)
{
	struct rte_eth_dev_info info;
	struct rte_ether_addr mb, ma;
	struct rte_device *dev;
	int a, b;

	pair_ab(NULL, &a, &b);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 2, 2) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 2, 2) == 0);
	mb = port_mac(b);
	ma = port_mac(a);
	/* Frames left on the cable in both directions, not received. */
	CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 300, 0, 0), 300);
	CU_ASSERT_EQUAL(send_frames(b, 1, &ma, 300, 0, 0), 300);
	CU_ASSERT(!ofld_test_pool_full());

	/* Unplug b while running: its port goes, a sees the link drop. */
	CU_ASSERT_EQUAL(rte_eth_dev_info_get(b, &info), 0);
	dev = info.device;
	CU_ASSERT_EQUAL(rte_dev_remove(dev), 0);
	CU_ASSERT_FALSE(rte_eth_dev_is_valid_port(b));
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_DOWN);
	CU_ASSERT_EQUAL(send_frames(a, 0, &mb, 10, 0, 0), 10);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_link_down"), 10);

	/* Plug a new b into the same cable: link up again, traffic flows. */
	b = ofld_test_vdev("net_ofld_b", "pair=ab");
	CU_ASSERT_FATAL(b >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	CU_ASSERT_EQUAL(link_status(a), RTE_ETH_LINK_UP);
	mb = port_mac(b);
	CU_ASSERT_EQUAL(send_frames(a, 1, &mb, 10, 0, 0), 10);
	CU_ASSERT_EQUAL(ofld_test_rx_all(b, 0, bufs, 10), 10);
	rte_pktmbuf_free_bulk(bufs, 10);

	CU_ASSERT_EQUAL(rte_eth_dev_info_get(a, &info), 0);
	CU_ASSERT_EQUAL(rte_dev_remove(info.device), 0);
	CU_ASSERT_FALSE(rte_eth_dev_is_valid_port(a));
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- lower cable --------------------------------------------------- */

static void
test_lower_null(void)
{
	struct rte_ether_addr mb = { .addr_bytes = { 2, 0, 0, 0, 0, 1 } };
	struct rte_eth_stats st;
	uint16_t lower, p, n_visible = 0;
	int o, got;

	CU_ASSERT_FATAL(rte_vdev_init("net_null_x", "") == 0);
	CU_ASSERT_FATAL(rte_eth_dev_get_port_by_name("net_null_x", &lower)
			== 0);
	o = ofld_test_vdev("net_ofld_a", "lower=net_null_x");
	CU_ASSERT_FATAL(o >= 0);
	/* The lower port is ours now: hidden from the application. */
	RTE_ETH_FOREACH_DEV(p)
		n_visible += p == lower;
	CU_ASSERT_EQUAL(n_visible, 0);
	/* A second port cannot take it. */
	ofld_test_log_clear();
	CU_ASSERT(rte_vdev_init("net_ofld_b", "lower=net_null_x") != 0);
	CU_ASSERT(strstr(ofld_test_log(), "lower") != NULL);

	CU_ASSERT_FATAL(ofld_test_port_start(o, 2, 2) == 0);
	CU_ASSERT_EQUAL(link_status(o), RTE_ETH_LINK_UP);
	CU_ASSERT_EQUAL(send_frames(o, 1, &mb, 100, 0, 0), 100);
	CU_ASSERT_EQUAL(rte_eth_stats_get(o, &st), 0);
	CU_ASSERT_EQUAL(st.opackets, 100);
	/* net_null makes frames on receive; they arrive on our port. */
	got = rte_eth_rx_burst(o, 1, bufs, 16);
	CU_ASSERT(got > 0);
	for (int i = 0; i < got; i++)
		CU_ASSERT_EQUAL(bufs[i]->port, o);
	rte_pktmbuf_free_bulk(bufs, got);
	CU_ASSERT_EQUAL(ofld_test_xstat(o, "rx_q1_packets"), (uint64_t)got);

	/* Closing hands the lower port back. */
	CU_ASSERT_EQUAL(rte_eth_dev_stop(o), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close(o), 0);
	RTE_ETH_FOREACH_DEV(p)
		n_visible += p == lower;
	CU_ASSERT_EQUAL(n_visible, 1);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "probe, info, link", test_probe_and_info },
		{ "bad device arguments", test_bad_devargs },
		{ "pair traffic N in N out", test_pair_traffic },
		{ "pair receiver overrun", test_pair_overrun },
		{ "queues and reconfigure", test_queues_reconfigure },
		{ "queue release", test_queue_release },
		{ "stats and xstats", test_stats_and_xstats },
		{ "link down drops", test_link_down_drops },
		{ "mtu", test_mtu },
		{ "mac and promiscuous", test_mac_and_promisc },
		{ "pacing backpressure", test_pacing_backpressure },
		{ "fault injection", test_faults },
		{ "hot-unplug", test_hot_unplug },
		{ "lower cable over net_null", test_lower_null },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "net_ofld ethdev", cases);
}
