/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf's set-up: the mempools and connection table, the ports, the
 * addresses, the engine's service lcore, and opening the connections:
 * two ports on the pair cable, or one on the kernel's tap.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_service.h>

#include "perf.h"

/* The mempools, the connection table and the traffic's pattern. */
int
setup_memory(void)
{
	uint64_t n;

	/* segments in flight (two mbufs each) and received copies */
	app.pool = rte_pktmbuf_pool_create("perf_pool", 131071, 512, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE,
					   rte_socket_id());
	/* the requests' external-buffer mbufs */
	n = (uint64_t)app.o.conns * app.o.depth *
		(app.o.req_size / APP_PATTERN_CHUNK + 2) + 1023;
	if (n > 1048575)
		n = 1048575;
	if (n < 4095)
		n = 4095;
	app.ext_pool = rte_pktmbuf_pool_create("perf_ext", (unsigned int)n,
					       512, 0, 0, rte_socket_id());
	/* receive buffers a jumbo frame's payload fits in, as a NIC's
	 * receive ring has for MTU 9000 (else each copy is a chain)
	 */
	app.rx_pool = app.pool;
	if (app.o.mtu > RTE_ETHER_MTU)
		app.rx_pool = rte_pktmbuf_pool_create("perf_rx", 65535, 512,
			0, RTE_PKTMBUF_HEADROOM + app.o.mtu + 64,
			rte_socket_id());
	app.c = rte_zmalloc("perf_conns", sizeof(*app.c) * app.o.conns, 64);
	if (app.pool == NULL || app.ext_pool == NULL || app.c == NULL ||
	    app.rx_pool == NULL) {
		fprintf(stderr, "ofld-perf: out of memory (mempools for %u "
			"connections): %s\n", app.o.conns,
			rte_strerror(rte_errno));
		return 1;
	}
	return traffic_init();
}

/* ---- ports and connections --------------------------------------------- */

/* nq queue pairs; with several, RSS over TCP's 4-tuple spreads the
 * connections (the default key and RETA).
 */
static int
port_start(uint16_t port, const char *name, uint16_t nq)
{
	struct rte_eth_conf conf;
	uint16_t q;
	int ret;

	memset(&conf, 0, sizeof(conf));
	if (nq > 1) {
		conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IPV4 |
			RTE_ETH_RSS_IPV6 | RTE_ETH_RSS_NONFRAG_IPV4_TCP |
			RTE_ETH_RSS_NONFRAG_IPV6_TCP;
	}
	if (app.o.lro) {
		struct rte_eth_dev_info info;

		ret = rte_eth_dev_info_get(port, &info);
		if (ret != 0 ||
		    !(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_LRO)) {
			fprintf(stderr, "ofld-perf: %s: no LRO\n", name);
			return ret != 0 ? ret : -ENOTSUP;
		}
		conf.rxmode.offloads |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
		conf.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	}
	ret = rte_eth_dev_configure(port, nq, nq, &conf);
	if (ret == 0)
		ret = rte_eth_dev_set_mtu(port, app.o.mtu);
	for (q = 0; ret == 0 && q < nq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 1024, rte_socket_id(),
					     NULL, app.rx_pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(port, q, 1024,
						     rte_socket_id(), NULL);
	}
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	if (ret != 0)
		fprintf(stderr, "ofld-perf: %s: %s\n", name, rte_strerror(-ret));
	return ret;
}

static int
port_up(const char *name, const char *args, uint16_t *port)
{
	int ret;

	ret = rte_vdev_init(name, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(name, port);
	if (ret != 0) {
		fprintf(stderr, "ofld-perf: %s: %s\n", name, rte_strerror(-ret));
		return ret;
	}
	return port_start(*port, name, app.o.queues);
}

static void
addr(uint8_t *ip, bool v6, uint8_t host)
{
	memset(ip, 0, 16);
	if (v6) {
		ip[0] = 0x20;
		ip[1] = 0x01;
		ip[3] = 0x02;	/* 2001:2::/48, RFC 5180 benchmarking */
		ip[15] = host;
	} else {
		ip[0] = 198;
		ip[1] = 18;
		ip[3] = host;
	}
}

uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, v;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0 ||
	    rte_eth_xstats_get_by_id(port, &id, &v, 1) != 1)
		return 0;
	return v;
}

/* PREFIX_qN_NAME summed over the port's queues. */
static uint64_t
xstat_queues(uint16_t port, const char *prefix, const char *name)
{
	char xname[RTE_ETH_XSTATS_NAME_SIZE];
	uint64_t sum = 0;

	for (uint16_t q = 0; q < app.o.queues; q++) {
		snprintf(xname, sizeof(xname), "%s_q%u_%s", prefix, q, name);
		sum += xstat(port, xname);
	}
	return sum;
}

/** A TCP engine counter of every queue of the port, summed. */
uint64_t
xstat_tcp(uint16_t port, const char *name)
{
	return xstat_queues(port, "tcp", name);
}

/** A receive queue counter of every queue of the port, summed. */
uint64_t
xstat_rxq(uint16_t port, const char *name)
{
	return xstat_queues(port, "rx", name);
}

/* ---- opening: two ports on the pair cable, or one on the kernel's tap --- */

/* The sending port's engine (or the kernel port's) on the second lcore. */
static int
service_start(uint16_t port)
{
	app.svc_lc = rte_get_next_lcore(-1, 1, 0);
	if (app.svc_lc >= RTE_MAX_LCORE) {
		fprintf(stderr, "ofld-perf: --engine service needs a second "
			"lcore (-l 0,1)\n");
		return 2;
	}
	rte_pmd_ofld_service_id(port, &app.svc_id);
	rte_service_lcore_add(app.svc_lc);
	rte_service_map_lcore_set(app.svc_id, app.svc_lc, 1);
	rte_service_runstate_set(app.svc_id, 1);
	rte_service_lcore_start(app.svc_lc);
	return 0;
}

static void
open_defaults(struct ofld_tcp_open *o)
{
	memset(o, 0, sizeof(*o));
	o->ipv6 = app.o.ipv6;
	o->mss = (uint16_t)(app.o.mtu - (app.o.ipv6 ? 60 : 40));
	o->rcv_wnd = app.o.rcv_wnd;
	o->cc = app.o.cc;
}

/* The device arguments of a port on the pair cable: the same cable
 * (speed, delay, faults) both ways; the sender's engine maybe a service.
 */
static void
pair_args(char *args, size_t size, bool sender)
{
	double loss = sender || app.o.ack_loss < 0 ? app.o.loss :
		app.o.ack_loss;

	snprintf(args, size, "pair=perf,speed=%u,delay=%u,loss=%.9g,"
		 "reorder=%.9g,dup=%.9g,seed=%" PRIu64 ",tcp_max_conns=%u%s%s",
		 app.o.speed, app.o.delay_us, loss, app.o.reorder,
		 app.o.dup, app.o.seed, app.o.conns + 16,
		 sender && app.o.service ? ",engine=service" : "",
		 app.o.tx_free_receiver ? ",tx_free=receiver" : "");
}

/* --queues N with 2 x N lcores (inline engines): the sender's queues
 * 1..N-1 and the receiver's 0..N-1 on the worker lcores, in order.
 */
static int
queue_lcores_start(void)
{
	unsigned int lc = rte_get_next_lcore(-1, 1, 0);
	uint16_t q;

	app.queue_lcores_on = true;
	for (q = 1; q < app.o.queues; q++, lc = rte_get_next_lcore(lc, 1, 0))
		rte_eal_remote_launch(queue_lcore, (void *)(uintptr_t)q, lc);
	for (q = 0; q < app.o.queues; q++, lc = rte_get_next_lcore(lc, 1, 0))
		rte_eal_remote_launch(queue_lcore, (void *)(uintptr_t)
				      (q | QUEUE_LCORE_RX), lc);
	return 0;
}

static int
pair_open(void)
{
	struct ofld_tcp_open lo, co;
	struct ofld_tcp_state st;
	char args[256];
	uint32_t i;
	uint16_t q;
	int ret;

	if (app.o.queues > 1 && !app.o.fixed_ports) {
		app.by_port = rte_zmalloc("perf_ports", 65536 *
					  sizeof(*app.by_port), 0);
		if (app.by_port == NULL)
			return 1;
	}

	pair_args(args, sizeof(args), true);
	if (port_up("net_ofld_perf_tx", args, &app.tx_port) != 0)
		return 1;
	pair_args(args, sizeof(args), false);
	if (port_up("net_ofld_perf_rx", args, &app.rx_port) != 0)
		return 1;

	if (app.o.service) {
		/* the sender's engine gets the second lcore; the receiving
		 * side runs on the main one with the application
		 */
		ret = service_start(app.tx_port);
		if (ret != 0)
			return ret;
	} else if (app.o.queues > 1 &&
		   rte_lcore_count() >= 2u * app.o.queues) {
		app.lcore_per_queue = true;
	} else {
		app.rx_lc = rte_get_next_lcore(-1, 1, 0);
	}

	/* open the connections: the receiver listens, the sender connects */
	open_defaults(&lo);
	lo.local_port = SERVER_PORT;
	lo.backlog = (uint16_t)RTE_MIN(app.o.conns + 16, 65535u);
	lo.cookie = LISTEN_COOKIE;
	for (q = 0; q < app.o.queues; q++)	/* SYNs arrive anywhere */
		if (rte_pmd_ofld_tcp_listen(app.rx_port, q, &lo) != 0) {
			fprintf(stderr, "ofld-perf: listen failed\n");
			return 1;
		}
	for (i = 0; i < app.o.conns; i++) {
		co = lo;
		co.cookie = i;
		co.backlog = 0;
		addr(co.local_ip, app.o.ipv6, 1);
		addr(co.remote_ip, app.o.ipv6, 2);
		/* one queue or fixed: port 10000 + i; else the port's
		 * choice, placed on the connection's queue
		 */
		co.local_port = app.by_port != NULL ? 0 : (uint16_t)(10000 + i);
		co.remote_port = SERVER_PORT;
		rte_eth_macaddr_get(app.rx_port, &co.remote_mac);
		app.c[i].txq = (uint16_t)(i % app.o.queues);
		app.c[i].tx = rte_pmd_ofld_tcp_connect(app.tx_port,
						       app.c[i].txq, &co);
		if (app.c[i].tx == NULL) {
			fprintf(stderr, "ofld-perf: connect %u: %s\n", i,
				rte_strerror(rte_errno));
			return 1;
		}
		if (app.by_port != NULL) {
			ofld_tcp_query(app.c[i].tx, &st);
			app.by_port[st.local_port] = i + 1;
		}
	}
	if (app.lcore_per_queue)
		return queue_lcores_start();
	if (app.rx_lc < RTE_MAX_LCORE)
		rte_eal_remote_launch(rx_lcore, NULL, app.rx_lc);
	return 0;
}

/* The net_ofld port of the EAL options on the kernel's tap: send connects
 * to the kernel's sink, recv listens for the kernel's source.
 */
static int
kernel_open(void)
{
	struct ofld_tcp_open o;
	uint32_t i, sid;
	char name[RTE_ETH_NAME_MAX_LEN] = "net_ofld";

	if (app_ktap_find("ofld-perf", &app.kt) != 0)
		return 2;
	app.tx_port = app.rx_port = app.kt.ofld_port;
	rte_eth_dev_get_name_by_port(app.kt.ofld_port, name);
	if (port_start(app.kt.ofld_port, name, app.o.queues) != 0 ||
	    app_ktap_setup("ofld-perf", &app.kt) != 0)
		return 1;
	/* engine=service in the device arguments: the engine runs only if
	 * somebody maps its service
	 */
	if (rte_pmd_ofld_service_id(app.kt.ofld_port, &sid) == 0) {
		app.o.service = true;
	} else if (app.o.service) {
		fprintf(stderr, "ofld-perf: --engine service: give %s the "
			"device argument engine=service\n", name);
		return 2;
	}
	if (app.o.service && service_start(app.kt.ofld_port) != 0)
		return 2;

	open_defaults(&o);
	app_ktap_ip(o.local_ip, app.o.ipv6, false);
	if (app.o.recv) {
		o.local_port = SERVER_PORT;
		o.backlog = (uint16_t)RTE_MIN(app.o.conns + 16, 65535u);
		o.cookie = LISTEN_COOKIE;
		for (uint16_t q = 0; q < app.o.queues; q++)
			if (rte_pmd_ofld_tcp_listen(app.rx_port, q, &o) != 0) {
				fprintf(stderr, "ofld-perf: listen failed\n");
				return 1;
			}
		return 0;
	}
	app_ktap_ip(o.remote_ip, app.o.ipv6, true);
	o.remote_port = SERVER_PORT;
	/* no remote_mac: the kernel's is resolved by ARP/ND (N1) */
	for (i = 0; i < app.o.conns; i++) {
		o.cookie = i;
		o.local_port = (uint16_t)(10000 + i);
		app.c[i].txq = (uint16_t)(i % app.o.queues);
		app.c[i].tx = rte_pmd_ofld_tcp_connect(app.tx_port,
						       app.c[i].txq, &o);
		if (app.c[i].tx == NULL) {
			fprintf(stderr, "ofld-perf: connect %u: %s\n", i,
				rte_strerror(rte_errno));
			return 1;
		}
	}
	return 0;
}

/* Open the connections, on the pair cable or with the kernel. */
int
setup_open(void)
{
	return app.o.kernel ? kernel_open() : pair_open();
}
