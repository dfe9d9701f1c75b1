/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Helper of test_kernel.py, run inside a network namespace the test made:
 * net_ofld stacked on net_tap (lower=), talking TCP with the namespace's
 * kernel through the tap interface.
 *
 *   kpeer send BYTES [v6] [abort-ok]   connect to the kernel's listener on
 *                                       port 5201 and send BYTES in
 *                                       requests of mixed sizes
 *   kpeer recv BYTES [v6]              listen on 5201, take one connection
 *                                       from the kernel, check BYTES
 *
 * The stream is the pattern region (4 MiB, repeated) the test computes
 * too. Prints "READY" once the port is started and the kernel's end of
 * the tap is up and configured (a capture may start then), "LISTENING"
 * (recv) once it listens, and at the end one line "RESULT key=value ..."
 * (what moved, then the engine's loss counters: retrans_segs, rto_fired,
 * sack_recoveries, ...); exits 0 when every request completed once, in
 * order (send) or every byte matched (recv). A sender ends once both
 * halves are closed (its FIN acknowledged and the kernel's FIN
 * acknowledged), so that the kernel's socket does not stay behind in
 * LAST_ACK. Extra net_ofld device arguments come from
 * OFLD_KPEER_OFLD_ARGS, e.g. loss=0.01,seed=7: the cable's faults hit
 * what net_ofld sends (our data, or our ACKs when receiving).
 * OFLD_KPEER_LPORT is the sender's port (default 40000; the test gives
 * each run its own). With OFLD_KPEER_GO=FILE it waits after READY until
 * FILE exists (60 s at most, then fails saying so). Every wait has a
 * deadline and says on expiry what it waited for.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "app_ktap.h"
#include "ofld_lcores.h"
#include "rte_pmd_ofld.h"

#define REGION	(4u << 20)
#define TAP	"ofldtap0"
#define PORT	5201

static uint8_t *region;
static struct rte_mempool *pool;

/* The same words test_kernel.py makes. */
static void
region_fill(void)
{
	uint64_t *w = (uint64_t *)(void *)region;
	uint32_t i;

	for (i = 0; i < REGION / 8; i++)
		w[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
}

static struct rte_mbuf *
request(uint64_t off, uint32_t len)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t take, pos;

	while (len > 0) {
		m = rte_pktmbuf_alloc(pool);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		pos = (uint32_t)(off % REGION);
		take = RTE_MIN(len, (uint32_t)rte_pktmbuf_tailroom(m));
		take = RTE_MIN(take, REGION - pos);
		memcpy(rte_pktmbuf_append(m, take), region + pos, take);
		if (head == NULL)
			head = m;
		else
			rte_pktmbuf_chain(head, m);
		off += take;
		len -= take;
	}
	return head;
}

/* An xstat of port by name; 0 when it has none. */
static uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, v = 0;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) == 0)
		rte_eth_xstats_get_by_id(port, &id, &v, 1);
	return v;
}

/* The engine's loss counters, " name=value" each, for the RESULT line. */
static void
print_engine(uint16_t port)
{
	static const char *const names[] = {
		"retrans_segs", "fast_retrans", "rto_fired", "sack_recoveries",
		"reno_recoveries", "tlp_sent", "spurious_undone", "dsack_in",
		"ooo_held", "sack_blocks_out", "dsack_out",
	};
	char xname[RTE_ETH_XSTATS_NAME_SIZE];
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++) {
		snprintf(xname, sizeof(xname), "tcp_q0_%s", names[i]);
		printf(" %s=%" PRIu64, names[i], xstat(port, xname));
	}
	/* N1: how the two sides learned each other */
	printf(" neigh_arp_sent=%" PRIu64 " neigh_ns_sent=%" PRIu64
	       " neigh_resolved=%" PRIu64 " neigh_arp_answered=%" PRIu64
	       " neigh_ns_answered=%" PRIu64, xstat(port, "neigh_arp_sent"),
	       xstat(port, "neigh_ns_sent"), xstat(port, "neigh_resolved"),
	       xstat(port, "neigh_arp_answered"),
	       xstat(port, "neigh_ns_answered"));
	/* N3: which path the frames took to the lower port */
	printf(" linearized=%" PRIu64 " linear_nomem=%" PRIu64
	       " csum_down=%" PRIu64 " csum_here=%" PRIu64,
	       xstat(port, "tx_q0_linearized"),
	       xstat(port, "tx_q0_linear_nomem"),
	       xstat(port, "tx_q0_csum_down"), xstat(port, "tx_q0_csum_here"));
}

/* One run's state: what it was asked and what moved. */
struct kpeer {
	bool sending, v6, abort_ok;
	uint64_t total;
	uint16_t port;
	char lower[64];
	struct ofld_tcp_conn *c;
	uint64_t posted, done, acked, got, bad;
	uint64_t nb_posted, nb_done, out_of_order;
	uint32_t lens[8192], rng;
	bool closed, peer_fin;
	int status;		/* < 0: no request or close failed */
};

/* EAL with net_ofld over the lower port (net_tap unless OFLD_KPEER_LOWER
 * names another, e.g. net_af_packet0,iface=DEV with OFLD_KTAP_IFACE
 * naming the kernel's end: see app_ktap.h), one floating lcore.
 */
static int
eal_up(struct kpeer *k, char *prog)
{
	static char vdev0[160], vdev1[256], lcores[512];
	const char *extra = getenv("OFLD_KPEER_OFLD_ARGS");
	char *eal[16];
	int n = 0;

	snprintf(vdev0, sizeof(vdev0), "--vdev=%s",
		 getenv("OFLD_KPEER_LOWER") != NULL ?
		 getenv("OFLD_KPEER_LOWER") : "net_tap0,iface=" TAP);
	snprintf(k->lower, sizeof(k->lower), "%.*s",
		 (int)strcspn(vdev0 + 7, ","), vdev0 + 7);
	/* net_ofld's addresses: the kernel learns us by ARP/ND (N1) */
	snprintf(vdev1, sizeof(vdev1), "--vdev=net_ofld0,lower=%s,"
		 APP_KTAP_OFLD_ADDRS "%s%s", k->lower, extra ? "," : "",
		 extra ? extra : "");
	eal[n++] = prog;
	eal[n++] = (char *)(uintptr_t)"--no-huge";
	eal[n++] = (char *)(uintptr_t)"-m";
	eal[n++] = (char *)(uintptr_t)"1024";
	eal[n++] = (char *)(uintptr_t)"--no-pci";
	eal[n++] = (char *)(uintptr_t)"--no-shconf";
	/* one lcore, floating over our CPUs (tests/common/ofld_lcores.h) */
	if (ofld_test_lcores(lcores, sizeof(lcores), 1) == NULL)
		return -1;
	eal[n++] = lcores;
	eal[n++] = vdev0;
	eal[n++] = vdev1;
	eal[n++] = (char *)(uintptr_t)"--log-level=pmd.net.tap:error";
	return rte_eal_init(n, eal) < 0 ? -1 : 0;
}

/* The region, the pool, net_ofld started and the kernel's end set up. */
static int
port_up(struct kpeer *k)
{
	struct app_ktap kt;
	struct rte_eth_conf conf;

	region = rte_malloc("kpeer_region", REGION, 64);
	pool = rte_pktmbuf_pool_create("kpeer_pool", 65535, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE, 0);
	if (region == NULL || pool == NULL ||
	    rte_eth_dev_get_port_by_name("net_ofld0", &k->port) != 0)
		return -1;
	region_fill();
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure(k->port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(k->port, 0, 1024, 0, NULL, pool) != 0 ||
	    rte_eth_tx_queue_setup(k->port, 0, 1024, 0, NULL) != 0 ||
	    rte_eth_dev_start(k->port) != 0) {
		fprintf(stderr, "kpeer: cannot start net_ofld over %s\n",
			k->lower);
		return -1;
	}
	rte_eth_promiscuous_enable(k->port);
	/* the kernel's side of the tap: up, addressed */
	if (app_ktap_find("kpeer", &kt) != 0 || kt.ofld_port != k->port ||
	    app_ktap_setup("kpeer", &kt) != 0)
		return -1;
	return 0;
}

/* With OFLD_KPEER_GO=FILE (e.g. for a capture to start): wait until the
 * file exists, 60 s at most. @return 0, or -1 having said so.
 */
static int
wait_go(void)
{
	const char *go = getenv("OFLD_KPEER_GO");
	unsigned int ms;

	if (go == NULL)
		return 0;
	for (ms = 0; ms < 60000 && access(go, F_OK) != 0; ms += 10)
		rte_delay_ms(10);
	if (access(go, F_OK) == 0)
		return 0;
	fprintf(stderr, "kpeer: gave up after 60 s waiting for the go file "
		"%s (OFLD_KPEER_GO)\n", go);
	return -1;
}

/* Connect to the kernel's listener (send) or listen for it (recv). */
static int
open_conn(struct kpeer *k)
{
	struct ofld_tcp_open o;

	memset(&o, 0, sizeof(o));
	o.ipv6 = k->v6;
	app_ktap_ip(o.local_ip, k->v6, false);
	app_ktap_ip(o.remote_ip, k->v6, true);
	/* no remote_mac: the kernel's is resolved by ARP/ND (N1) */
	o.cookie = 1;
	if (!k->sending) {
		o.local_port = PORT;
		if (rte_pmd_ofld_tcp_listen(k->port, 0, &o) != 0)
			return -1;
		printf("LISTENING\n");
		fflush(stdout);
		return 0;
	}
	o.local_port = getenv("OFLD_KPEER_LPORT") != NULL ?
		(uint16_t)atoi(getenv("OFLD_KPEER_LPORT")) : 40000;
	o.remote_port = PORT;
	k->c = rte_pmd_ofld_tcp_connect(k->port, 0, &o);
	if (k->c == NULL) {
		fprintf(stderr, "kpeer: connect: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

/* KPEER_DEBUG: the engine's and the queue's non-zero counters. */
static void
debug_line(const struct kpeer *k)
{
	struct rte_eth_xstat_name names[256];
	struct rte_eth_xstat xs[256];
	int nx = rte_eth_xstats_get_names(k->port, names, 256), j;

	rte_eth_xstats_get(k->port, xs, 256);
	fprintf(stderr, "dbg posted %" PRIu64 " done %" PRIu64 ":", k->posted,
		k->done);
	for (j = 0; j < nx; j++)
		if (xs[j].value != 0 &&
		    strncmp(names[j].name, "tcp_q0", 6) == 0)
			fprintf(stderr, " %s=%" PRIu64, names[j].name + 7,
				xs[j].value);
	for (j = 0; j < nx; j++)
		if (xs[j].value != 0 && strncmp(names[j].name, "tx_q0", 5) == 0)
			fprintf(stderr, " %s=%" PRIu64, names[j].name,
				xs[j].value);
	fprintf(stderr, "\n");
}

/* Received bytes against the region, where the stream has got to. */
static void
check_recv(struct kpeer *k, const struct rte_mbuf *m)
{
	uint32_t pos, l, x;
	const uint8_t *p;

	for (; m != NULL; m = m->next) {
		pos = (uint32_t)(k->got % REGION);
		l = m->data_len;
		p = rte_pktmbuf_mtod(m, const uint8_t *);
		for (x = 0; x < l; x++)
			if (p[x] != region[(pos + x) % REGION])
				k->bad++;
		k->got += l;
	}
}

static void
on_event(struct kpeer *k, const struct ofld_tcp_event *ev)
{
	switch (ev->kind) {
	case OFLD_TCP_EV_CONNECTED:
		break;
	case OFLD_TCP_EV_ACCEPTED:
		k->c = ev->conn;
		break;
	case OFLD_TCP_EV_SEND_DONE:
		if (k->nb_done >= k->nb_posted ||
		    ev->m->pkt_len != k->lens[k->nb_done % 8192])
			k->out_of_order++;
		if (ev->status == OFLD_TCP_SUCCESS)
			k->done += ev->bytes;
		else
			k->status = ev->status;
		k->acked += ev->bytes;
		k->nb_done++;
		rte_pktmbuf_free(ev->m);
		break;
	case OFLD_TCP_EV_RECV:
		check_recv(k, ev->m);
		rte_pktmbuf_free(ev->m);
		break;
	case OFLD_TCP_EV_PEER_FIN:
		k->peer_fin = true;
		break;
	case OFLD_TCP_EV_CLOSED:
		k->closed = true;
		if (ev->status != OFLD_TCP_SUCCESS)
			k->status = ev->status;
		break;
	}
}

/* Keep about 8 MiB posted, mixed sizes 1 B .. 1 MiB; close at the end. */
static void
post_more(struct kpeer *k)
{
	struct rte_mbuf *m;
	uint32_t len;

	while (k->posted < k->total && k->posted - k->done < (8u << 20) &&
	       k->nb_posted - k->nb_done < 8000) {
		k->rng = k->rng * 1103515245 + 12345;
		len = (k->rng >> 8) % 7 == 0 ? 1 + (k->rng >> 16) % 100 :
			1 + (k->rng >> 4) % (1u << 20);
		len = (uint32_t)RTE_MIN((uint64_t)len, k->total - k->posted);
		m = request(k->posted, len);
		if (m == NULL)
			break;
		k->lens[k->nb_posted % 8192] = len;
		if (rte_pmd_ofld_tcp_send(k->c, &m, 1) != 0) {
			rte_pktmbuf_free(m);
			break;
		}
		k->posted += len;
		k->nb_posted++;
	}
	if (k->posted == k->total && k->done == k->total && !k->closed) {
		rte_pmd_ofld_tcp_close(k->port, 0, k->c);
		k->posted++;	/* close once */
	}
}

/* A graceful sender waits for the kernel's FIN too (CLOSED comes once
 * ours is acknowledged): leaving before it would leave the kernel's
 * socket retransmitting its FIN in LAST_ACK.
 */
static bool
finished(const struct kpeer *k)
{
	if (!k->sending)
		return k->peer_fin && k->got >= k->total;
	return (k->closed && k->status < 0 && k->peer_fin) ||
		(k->status >= 0 && k->nb_done == k->nb_posted &&
		 k->nb_posted != 0);
}

/* Poll, take events and post until finished (300 s at most). */
static bool
run(struct kpeer *k)
{
	const uint64_t hz = rte_get_timer_hz();
	uint64_t deadline = rte_get_timer_cycles() + 300 * hz;
	uint64_t next_dbg = rte_get_timer_cycles();
	struct ofld_tcp_event ev[64];
	struct rte_mbuf *pkts[64];
	uint16_t n, i;

	while (rte_get_timer_cycles() < deadline) {
		if (getenv("KPEER_DEBUG") != NULL &&
		    rte_get_timer_cycles() > next_dbg) {
			debug_line(k);
			next_dbg = rte_get_timer_cycles() + hz;
		}
		n = rte_eth_rx_burst(k->port, 0, pkts, 64); /* the engine */
		rte_pktmbuf_free_bulk(pkts, n);	/* ARP, ND, ...: not ours */
		n = rte_pmd_ofld_tcp_events(k->port, 0, ev, 64);
		for (i = 0; i < n; i++)
			on_event(k, &ev[i]);
		if (k->sending && k->c != NULL && k->status < 0)
			post_more(k);
		if (finished(k))
			return true;
	}
	fprintf(stderr, "kpeer: gave up after 300 s waiting for %s "
		"(connection %s, %" PRIu64 " of %" PRIu64 " bytes %s, %"
		PRIu64 " of %" PRIu64 " requests completed)\n",
		k->sending ? "every request to complete, the close and the "
		"kernel's FIN" : "every byte and the kernel's FIN",
		k->c == NULL ? "never established" : "established",
		k->sending ? k->done : k->got, k->total,
		k->sending ? "acknowledged" : "received", k->nb_done,
		k->nb_posted);
	return false;
}

/* The RESULT line; @return the exit status. */
static int
report(const struct kpeer *k, const char *mode)
{
	printf("RESULT mode=%s posted=%" PRIu64 " acked=%" PRIu64
	       " requests=%" PRIu64 " completed=%" PRIu64 " out_of_order=%"
	       PRIu64 " status=%d received=%" PRIu64 " bad=%" PRIu64
	       " retrans=%" PRIu64, mode,
	       k->posted > k->total ? k->total : k->posted, k->acked,
	       k->nb_posted, k->nb_done, k->out_of_order, k->status, k->got,
	       k->bad, xstat(k->port, "tcp_q0_retrans_segs"));
	print_engine(k->port);
	printf("\n");
	fflush(stdout);
	if (k->sending)
		return (k->out_of_order == 0 && k->nb_done == k->nb_posted &&
			(k->status < 0 ? k->done == k->total : k->abort_ok)) ?
			0 : 1;
	return (k->bad == 0 && k->got == k->total) ? 0 : 1;
}

int
main(int argc, char **argv)
{
	static struct kpeer k = { .rng = 12345, .status = -1 };
	int ret;

	if (argc < 3) {
		fprintf(stderr, "usage: kpeer send|recv BYTES [v6] [abort-ok]\n");
		return 2;
	}
	k.sending = strcmp(argv[1], "send") == 0;
	k.total = strtoull(argv[2], NULL, 10);
	k.v6 = argc > 3 && strcmp(argv[3], "v6") == 0;
	k.abort_ok = argc > 3 && strcmp(argv[argc - 1], "abort-ok") == 0;
	if (eal_up(&k, argv[0]) != 0 || port_up(&k) != 0)
		return 1;
	/* the tap is up and addressed; neighbours are learned (N1) */
	printf("READY\n");
	fflush(stdout);
	if (wait_go() != 0) {
		rte_eth_dev_stop(k.port);
		rte_eth_dev_close(k.port);
		rte_eal_cleanup();
		return 1;
	}
	if (open_conn(&k) != 0)
		return 1;
	run(&k);
	if (!k.sending && k.c != NULL)
		rte_pmd_ofld_tcp_close(k.port, 0, k.c);
	ret = report(&k, argv[1]);
	rte_eth_dev_stop(k.port);
	rte_eth_dev_close(k.port);
	rte_eal_cleanup();
	return ret;
}
