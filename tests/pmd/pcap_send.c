/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Helper of test_lower_pcap.py: sends N frames through a net_ofld port
 * stacked on net_pcap (lower=), which writes them to a capture file, and
 * prints every frame it sent as one line of hex on stdout. Every fifth frame
 * is a two-segment chain. Exits non-zero on any error or leaked mbuf.
 *
 * usage: pcap_send OUT.pcap N
 */

#include <stdio.h>
#include <stdlib.h>

#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_test.h"

static void
print_hex(const struct rte_mbuf *m)
{
	const struct rte_mbuf *s;
	uint16_t i;

	for (s = m; s != NULL; s = s->next)
		for (i = 0; i < s->data_len; i++)
			printf("%02x", rte_pktmbuf_mtod(s, const uint8_t *)[i]);
	printf("\n");
}

int
main(int argc, char **argv)
{
	static const struct rte_ether_addr dst = {
		.addr_bytes = { 0x02, 0, 0, 0, 0, 0x42 } };
	char vdev[4200];
	char *extra[1] = { vdev };
	struct rte_mbuf *m, *tail;
	unsigned long n, i;
	int port, ret = 0;

	if (argc != 3 || (n = strtoul(argv[2], NULL, 10)) == 0 || n > 4000) {
		fprintf(stderr, "usage: %s OUT.pcap N (1..4000)\n", argv[0]);
		return 2;
	}
	snprintf(vdev, sizeof(vdev), "--vdev=net_pcap_lower,tx_pcap=%s",
		 argv[1]);
	if (ofld_test_eal_init(argv[0], 1, extra) != 0)
		return 1;
	port = ofld_test_vdev("net_ofld_cap", "lower=net_pcap_lower");
	if (port < 0 || ofld_test_port_start(port, 1, 1) != 0) {
		fprintf(stderr, "cannot set up net_ofld over net_pcap\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		m = ofld_test_frame(&dst, 60 + (i * 97) % 1455, i, 5);
		if (m == NULL)
			return 1;
		if (i % 5 == 4 && m->pkt_len > 100) {
			/* second segment: the frame's tail, moved */
			tail = rte_pktmbuf_alloc(ofld_test_pool());
			if (tail == NULL)
				return 1;
			rte_memcpy(rte_pktmbuf_append(tail, 40),
				   rte_pktmbuf_mtod_offset(m, void *,
							   m->pkt_len - 40), 40);
			rte_pktmbuf_trim(m, 40);
			rte_pktmbuf_chain(m, tail);
		}
		print_hex(m);
		if (ofld_test_tx_all(port, 0, &m, 1) != 1) {
			fprintf(stderr, "frame %lu not sent\n", i);
			rte_pktmbuf_free(m);
			ret = 1;
		}
	}
	fflush(stdout);
	if (rte_eth_dev_stop(port) != 0 || rte_eth_dev_close(port) != 0)
		ret = 1;
	if (!ofld_test_pool_full())
		ret = 1;
	ofld_test_eal_cleanup();
	return ret;
}
