/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-fwd's set-up and tear-down: the two ports, the mempool of
 * pre-filled frames, and at the end the ports closed and every mbuf
 * accounted for.
 */

#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "fwd.h"

/* Every mbuf is filled once, at pool creation: the fast path only writes
 * the sequence number and checks a sample of the pattern.
 */
static void
fill_mbuf(struct rte_mempool *mp, void *arg, void *obj, unsigned int idx)
{
	struct rte_mbuf *m = obj;
	uint8_t *p;
	uint32_t i;

	RTE_SET_USED(mp);
	RTE_SET_USED(arg);
	RTE_SET_USED(idx);
	p = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
	for (i = 0; i < 1514; i++)
		p[i] = pattern(i);
}

static int
setup_port(uint16_t port, struct rte_mempool *mp)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 1024, rte_socket_id(),
					     NULL, mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 1024, rte_socket_id(),
					     NULL);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(port);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		fprintf(stderr, "ofld-fwd: port %u: %s\n", port,
			rte_strerror(-ret));
	return ret;
}

/* The first two net_ofld ports given with --vdev, or two made on a pair
 * cable named 'fwd'.
 */
static int
ports_get(struct fwd *f)
{
	struct rte_eth_dev_info info;
	uint16_t p, nports = 0;
	char args[64];

	RTE_ETH_FOREACH_DEV(p) {
		if (nports < 2 && rte_eth_dev_info_get(p, &info) == 0 &&
		    strcmp(info.driver_name, "net_ofld") == 0)
			f->ports[nports++] = p;
	}
	if (nports < 2) {
		snprintf(args, sizeof(args), "pair=fwd,speed=%u", f->o.speed);
		if (rte_vdev_init("net_ofld_fwd0", args) != 0 ||
		    rte_vdev_init("net_ofld_fwd1", args) != 0 ||
		    rte_eth_dev_get_port_by_name("net_ofld_fwd0",
						 &f->ports[0]) ||
		    rte_eth_dev_get_port_by_name("net_ofld_fwd1",
						 &f->ports[1])) {
			fprintf(stderr, "ofld-fwd: cannot create net_ofld ports "
				"(is the driver linked or loaded with -d?)\n");
			return 1;
		}
	}
	return 0;
}

/* The ports, started, the mempool, and the header of the frames. */
int
setup(struct fwd *f)
{
	if (ports_get(f) != 0)
		return 1;
	f->mp = rte_pktmbuf_pool_create("fwd_pool", NB_MBUFS, 256, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					rte_socket_id());
	if (f->mp == NULL) {
		fprintf(stderr, "ofld-fwd: mempool: %s\n",
			rte_strerror(rte_errno));
		return 1;
	}
	rte_mempool_obj_iter(f->mp, fill_mbuf, NULL);
	if (setup_port(f->ports[0], f->mp) != 0 ||
	    setup_port(f->ports[1], f->mp) != 0)
		return 1;
	rte_eth_macaddr_get(f->ports[1], &f->hdr.dst_addr);
	rte_eth_macaddr_get(f->ports[0], &f->hdr.src_addr);
	f->hdr.ether_type = rte_cpu_to_be_16(ETHERTYPE);
	return 0;
}

/* Close the ports, check every mbuf came back, end EAL. Returns the exit
 * status: 0 when frames came back, none corrupt, none kept.
 */
int
finish(struct fwd *f)
{
	int ret, i;

	for (i = 0; i < 2; i++) {
		rte_eth_dev_stop(f->ports[i]);
		rte_eth_dev_close(f->ports[i]);
	}
	ret = f->st.corrupt != 0 || f->st.rx == 0 ? 1 : 0;
	if (rte_mempool_avail_count(f->mp) != NB_MBUFS) {
		fprintf(stderr, "ofld-fwd: %u mbufs not returned\n",
			NB_MBUFS - rte_mempool_avail_count(f->mp));
		ret = 1;
	}
	rte_mempool_free(f->mp);
	rte_eal_cleanup();
	return ret;
}
