/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-hello: the smallest complete program on net_ofld's TCP send
 * offload, built from the installed headers only (pkg-config libofld).
 * Two net_ofld ports (from --vdev, on one pair cable); the second listens,
 * the first connects, posts NB_REQS requests, and closes once they all
 * came back; the listener checks every byte received and closes when the
 * peer's FIN arrives; each side releases its connection on CLOSED.
 *
 *   ofld-hello [EAL options] -- [--ipv6]
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_pmd_ofld.h>

#define NB_REQS		16
#define REQ_BYTES	65536u
#define SERVER_PORT	5001
#define CLIENT_PORT	40000
#define TIMEOUT_S	10

/* One end: its port and its connection (NULL once released). */
struct side {
	uint16_t port;
	struct ofld_tcp_conn *conn;
	bool released;
};

static struct side cli, srv;
static struct rte_mempool *pool;
static uint32_t reqs_done;
static uint64_t bytes_rx;
static const char *failure;

/* The stream's byte at offset k: a period of 251 shows any lost,
 * repeated or misplaced segment.
 */
static inline uint8_t
pattern(uint64_t k)
{
	return (uint8_t)(k % 251);
}

/* A request of REQ_BYTES: a chain of mbufs filled with the pattern. */
static struct rte_mbuf *
request_make(uint64_t off)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t left = REQ_BYTES, n, i;
	uint8_t *p;

	while (left > 0) {
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL)
			goto fail;
		n = RTE_MIN(left, (uint32_t)rte_pktmbuf_tailroom(m));
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)n);
		for (i = 0; i < n; i++)
			p[i] = pattern(off++);
		left -= n;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0)
			goto fail;
	}
	return head;
fail:
	rte_pktmbuf_free(m);
	rte_pktmbuf_free(head);
	return NULL;
}

/* Received payload: check every byte against the pattern, then free it. */
static void
receive(struct rte_mbuf *m)
{
	const struct rte_mbuf *s;
	const uint8_t *p;
	uint16_t i;

	for (s = m; s != NULL; s = s->next) {
		p = rte_pktmbuf_mtod(s, const uint8_t *);
		for (i = 0; i < s->data_len; i++)
			if (p[i] != pattern(bytes_rx + i))
				failure = "received data differs";
		bytes_rx += s->data_len;
	}
	rte_pktmbuf_free(m);
}

/* What one event means to this program (both sides pass here). */
static void
event(struct side *sd, const struct ofld_tcp_event *ev)
{
	switch (ev->kind) {
	case OFLD_TCP_EV_CONNECTED:	/* handshake done; requests go */
		break;
	case OFLD_TCP_EV_ACCEPTED:	/* the listener's new connection */
		sd->conn = ev->conn;
		break;
	case OFLD_TCP_EV_SEND_DONE:	/* the request is ours again */
		if (ev->status != OFLD_TCP_SUCCESS ||
		    ev->bytes != ev->m->pkt_len)
			failure = "a request did not complete";
		rte_pktmbuf_free(ev->m);
		if (++reqs_done == NB_REQS &&
		    rte_pmd_ofld_tcp_close(sd->port, 0, sd->conn) != 0)
			failure = "close failed";
		break;
	case OFLD_TCP_EV_RECV:		/* in-order payload, ours to free */
		receive(ev->m);
		break;
	case OFLD_TCP_EV_PEER_FIN:	/* the peer is done: close our half */
		if (sd == &srv &&
		    rte_pmd_ofld_tcp_close(sd->port, 0, sd->conn) != 0)
			failure = "close failed";
		break;
	case OFLD_TCP_EV_CLOSED:	/* ended: release the handle */
		if (ev->status != OFLD_TCP_SUCCESS)
			failure = "a connection ended abnormally";
		if (rte_pmd_ofld_tcp_release(sd->port, 0, ev->conn) != 0)
			failure = "release failed";
		sd->conn = NULL;	/* the handle is dead now */
		sd->released = true;
		break;
	}
}

/* Run a side's engine (inside rx_burst) and take its events. */
static void
poll_side(struct side *sd)
{
	struct ofld_tcp_event ev[32];
	struct rte_mbuf *pkts[32];
	uint16_t i, n;

	n = rte_eth_rx_burst(sd->port, 0, pkts, 32);
	rte_pktmbuf_free_bulk(pkts, n);	/* frames that are not our TCP */
	n = rte_pmd_ofld_tcp_events(sd->port, 0, ev, 32);
	for (i = 0; i < n; i++)
		event(sd, &ev[i]);
}

static int
port_start(uint16_t port)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 1024, rte_socket_id(), NULL,
				   pool) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 1024, rte_socket_id(), NULL) != 0)
		return -1;
	return rte_eth_dev_start(port);
}

/* The first two net_ofld ports: the client, then the server. */
static int
ports_find(void)
{
	struct rte_eth_dev_info info;
	uint16_t port, n = 0;

	RTE_ETH_FOREACH_DEV(port) {
		if (rte_eth_dev_info_get(port, &info) != 0 ||
		    strcmp(info.driver_name, "net_ofld") != 0)
			continue;
		if (n == 0)
			cli.port = port;
		else if (n == 1)
			srv.port = port;
		n++;
	}
	return n >= 2 ? 0 : -1;
}

/* Addresses: 198.18.0.x (IPv4 in the first 4 of the 16 bytes) or
 * 2001:2::x, both set aside for benchmarking.
 */
static void
addr(uint8_t ip[16], bool v6, uint8_t host)
{
	static const uint8_t v4[4] = { 198, 18, 0, 0 };
	static const uint8_t pre6[4] = { 0x20, 0x01, 0x00, 0x02 };

	memset(ip, 0, 16);
	memcpy(ip, v6 ? pre6 : v4, 4);
	ip[v6 ? 15 : 3] = host;
}

/* Listen on the server, connect from the client, post every request. */
static int
open_and_send(bool v6)
{
	struct ofld_tcp_open lo = { .ipv6 = v6, .local_port = SERVER_PORT };
	struct ofld_tcp_open co = { .ipv6 = v6, .local_port = CLIENT_PORT,
		.remote_port = SERVER_PORT, .user_timeout_ms = 5000 };
	struct rte_mbuf *req;
	int i, ret;

	addr(lo.local_ip, v6, 2);
	ret = rte_pmd_ofld_tcp_listen(srv.port, 0, &lo);
	if (ret != 0) {
		fprintf(stderr, "ofld-hello: listen: %s\n", rte_strerror(-ret));
		return -1;
	}
	addr(co.local_ip, v6, 1);
	addr(co.remote_ip, v6, 2);
	rte_eth_macaddr_get(srv.port, &co.remote_mac);
	cli.conn = rte_pmd_ofld_tcp_connect(cli.port, 0, &co);
	if (cli.conn == NULL) {
		fprintf(stderr, "ofld-hello: connect: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	/* requests may be posted at once: they go once established */
	for (i = 0; i < NB_REQS; i++) {
		req = request_make((uint64_t)i * REQ_BYTES);
		if (req == NULL || rte_pmd_ofld_tcp_send(cli.conn, &req, 1)) {
			fprintf(stderr, "ofld-hello: cannot post request %d\n", i);
			rte_pktmbuf_free(req);
			return -1;
		}
	}
	return 0;
}

static int
run(bool v6)
{
	uint64_t t0 = rte_get_timer_cycles(), hz = rte_get_timer_hz();

	if (open_and_send(v6) != 0)
		return 1;
	while (failure == NULL && !(cli.released && srv.released)) {
		poll_side(&cli);
		poll_side(&srv);
		if (rte_get_timer_cycles() - t0 > TIMEOUT_S * hz)
			failure = "not done in time";
	}
	if (failure == NULL && bytes_rx != (uint64_t)NB_REQS * REQ_BYTES)
		failure = "bytes missing";
	if (failure != NULL) {
		fprintf(stderr, "ofld-hello: FAILED: %s (%u of %u requests "
			"done, %lu bytes received)\n", failure, reqs_done,
			NB_REQS, (unsigned long)bytes_rx);
		return 1;
	}
	printf("ofld-hello: %s, %u requests of %u B: %lu B sent, acknowledged,"
	       " received and checked; both sides closed and released in "
	       "%.1f ms\n", v6 ? "IPv6" : "IPv4", NB_REQS, REQ_BYTES,
	       (unsigned long)bytes_rx,
	       (double)(rte_get_timer_cycles() - t0) * 1e3 / (double)hz);
	return 0;
}

int
main(int argc, char **argv)
{
	int ret = rte_eal_init(argc, argv);
	bool v6;

	if (ret < 0) {
		fprintf(stderr, "ofld-hello: EAL: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	argc -= ret;	/* argv[ret] is the program's name again */
	argv += ret;
	v6 = argc == 2 && strcmp(argv[1], "--ipv6") == 0;
	if (argc > 2 || (argc == 2 && !v6)) {
		fprintf(stderr, "usage: ofld-hello [EAL options] -- [--ipv6]\n");
		return 2;
	}
	pool = rte_pktmbuf_pool_create("hello", 16383, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL || ports_find() != 0) {
		fprintf(stderr, "ofld-hello: needs two net_ofld ports on one "
			"cable, e.g. --vdev net_ofld0,pair=p "
			"--vdev net_ofld1,pair=p\n");
		return 1;
	}
	if (port_start(cli.port) != 0 || port_start(srv.port) != 0) {
		fprintf(stderr, "ofld-hello: cannot start the ports\n");
		ret = 1;
	} else {
		ret = run(v6);
	}
	/* closing a port ends what its engine still holds (TIME-WAIT) */
	rte_eth_dev_stop(cli.port);
	rte_eth_dev_stop(srv.port);
	rte_eth_dev_close(cli.port);
	rte_eth_dev_close(srv.port);
	rte_mempool_free(pool);
	rte_eal_cleanup();
	return ret;
}
