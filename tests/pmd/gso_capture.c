/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Helper of test_uso_capture.py: USO (and TSO with options) through the
 * API, as testpmd 22.11 never sends UDP_SEG. Large sends go out of a
 * net_ofld port stacked on net_pcap, which writes the segments to a
 * capture. Prints one line per large send: "udp|tcp v4|v6 SPORT PAYLOAD
 * MSS" (the payload bytes are tests/common/ofld_pkt.c's pattern); exits
 * non-zero on any error or leaked mbuf.
 *
 * usage: gso_capture OUT.pcap
 */

#include <stdio.h>
#include <string.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_pkt.h"
#include "ofld_test.h"

static uint8_t flat[TPKT_MAX];

int
main(int argc, char **argv)
{
	const struct tpkt_spec specs[] = {
		{ .udp = true, .payload = 100, .mss = 1472 },
		{ .udp = true, .payload = 1472, .mss = 1472 },
		{ .udp = true, .payload = 1473, .mss = 1472 },
		{ .udp = true, .payload = 60000, .mss = 1200, .ip_opts = 8 },
		{ .udp = true, .ipv6 = true, .payload = 30001, .mss = 1400 },
		{ .udp = true, .ipv6 = true, .hbh = true, .dstopts = true,
		  .payload = 20000, .mss = 1000 },
		{ .ipv6 = true, .hbh = true, .tcp_opts = 12, .payload = 40000,
		  .mss = 1388, .tcp_flags = 0x18 },
		{ .ip_opts = 12, .tcp_opts = 12, .payload = 100000, .mss = 1400,
		  .tcp_flags = 0x18 },
	};
	char vdev[4200];
	char *extra[1] = { vdev };
	struct rte_eth_conf conf;
	struct rte_mbuf *m;
	unsigned int i;
	int port, ret = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUT.pcap\n", argv[0]);
		return 2;
	}
	snprintf(vdev, sizeof(vdev), "--vdev=net_pcap_uso,tx_pcap=%s", argv[1]);
	if (ofld_test_eal_init(argv[0], 1, extra) != 0)
		return 1;
	port = ofld_test_vdev("net_ofld_uso", "lower=net_pcap_uso");
	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_TCP_TSO |
		RTE_ETH_TX_OFFLOAD_UDP_TSO | RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (port < 0 || rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 512, 0, NULL,
				   ofld_test_pool()) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 512, 0, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0) {
		fprintf(stderr, "cannot set up net_ofld over net_pcap\n");
		return 1;
	}
	for (i = 0; i < RTE_DIM(specs); i++) {
		m = tpkt_build(ofld_test_pool(), &specs[i], flat);
		if (m == NULL)
			return 1;
		/* the builder's ports: 40000 -> 5001; tell them apart by seq */
		printf("%s %s %u %u %u\n", specs[i].udp ? "udp" : "tcp",
		       specs[i].ipv6 ? "v6" : "v4", i, specs[i].payload,
		       specs[i].mss);
		if (rte_eth_tx_prepare(port, 0, &m, 1) != 1 ||
		    rte_eth_tx_burst(port, 0, &m, 1) != 1) {
			fprintf(stderr, "large send %u refused\n", i);
			rte_pktmbuf_free(m);
			ret = 1;
		}
	}
	fflush(stdout);
	if (ofld_test_xstat(port, "tx_q0_gso_sends") != RTE_DIM(specs))
		ret = 1;
	if (rte_eth_dev_stop(port) != 0 || rte_eth_dev_close(port) != 0)
		ret = 1;
	if (!ofld_test_pool_full())
		ret = 1;
	ofld_test_eal_cleanup();
	return ret;
}
