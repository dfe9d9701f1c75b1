/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Soak with churn (issue 7): two net_ofld ports on a pair cable with loss,
 * reordering and duplication all at once. Port a opens connections to a
 * listener on port b (active open, handshake through the faults), posts a
 * few requests of mixed sizes on each, and ends it: most close gracefully,
 * some are reset by a (abort), some by b. OFLD_SOAK_OPENS connections
 * (default 100,000) in all, OFLD_SOAK_CONC (default 128) at a time.
 *
 * The application on each port also plays the host stack for segments of
 * connections its engine no longer has: it answers them with a RST, as a
 * host would (RFC 9293 3.10.7.1), so a lost RST or a FIN after release
 * ends the other side instead of leaving it to time out.
 *
 * Checked: every request completes exactly once, in order; every byte
 * that b delivers is the right one; a connection closed gracefully
 * delivered all it was given; the engines' counters agree with what the
 * application saw; every connection is released; the mempool is full and
 * the DPDK heap back to its size at the end, and never grows during the
 * run beyond what the connections in use hold.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ofld_fault.h"
#include "ofld_test.h"
#include "rte_pmd_ofld.h"

#define POOL_SIZE	(128 * 1024 - 1)
#define MAX_CONC	1024
#define MAX_REQS	4
#define LPORT		5001
#define PORT_LO		10000
#define PORT_HI		65000
#define B_CONNS		4096

static struct rte_mempool *pool;
static int pa = -1, pb = -1;
static struct rte_ether_addr mac_a, mac_b;
static struct ofld_fault rng;

static uint64_t opens = 100000;
static uint32_t conc = 128;
static const char *faults = "loss=0.01,reorder=0.01,dup=0.01";

enum fate { F_CLOSE, F_ABORT_A, F_ABORT_B };

/* A connection of a (one slot per connection in flight). */
struct slot {
	struct ofld_tcp_conn *c;
	uint16_t port;
	uint8_t fate;
	bool connected, closing, closed, peer_fin, aborted;
	uint32_t lens[MAX_REQS];
	uint32_t nb_posted, nb_done;
	uint64_t posted_bytes, acked_bytes;
	uint64_t closed_at;		/* tsc of CLOSED while waiting FIN */
};

/* A connection of b, by its index in b's engine (events that were made
 * before the application could set the cookie of an accepted connection
 * carry the listener's; ev.conn is always the connection).
 */
struct bconn {
	struct ofld_tcp_conn *c;
	uint16_t port;			/* a's port: the pattern's key */
	uint64_t received;
	bool fin, abort_planned, ended;
};

static struct slot slots[MAX_CONC];
static struct bconn bconns[B_CONNS];
/* What b delivered in full (it saw a's FIN), by a's port: bytes + 1. */
static uint64_t b_complete[65536];
/* When a released its connection on a port (tsc), 0 while it is open. */
static uint64_t a_done_at[65536];

static struct {
	uint64_t started, connected, connect_failed, finished;
	uint64_t graceful, aborted_a, reset_by_b, other_end;
	uint64_t reqs_posted, reqs_done, reqs_ok, reqs_failed;
	uint64_t bytes_posted, bytes_acked, bytes_checked;
	uint64_t bad_order, bad_status, bad_data, short_graceful;
	uint64_t b_accepted, b_aborted, b_released, host_rst;
	uint64_t fin_wait_timeouts, b_reaped;
	uint64_t max_in_use;
	size_t max_heap;
} st;

/* ---- the host stack's part: RST for segments of no connection --------- */

static void
host_rst(uint16_t port, struct rte_mbuf *m, const struct rte_ether_addr *src)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + 20 + 20];
	const uint8_t *p = rte_pktmbuf_read(m, 0, sizeof(buf), buf);
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *rip;
	struct rte_tcp_hdr *rth;
	struct rte_mbuf *r;
	uint32_t len;

	if (p == NULL)
		return;
	ip = (const struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	if (((const struct rte_ether_hdr *)p)->ether_type !=
	    rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->next_proto_id != IPPROTO_TCP || ip->ihl != 5)
		return;
	th = (const struct rte_tcp_hdr *)(ip + 1);
	if (th->tcp_flags & RTE_TCP_RST_FLAG)
		return;
	r = rte_pktmbuf_alloc(pool);
	if (r == NULL)
		return;
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(r,
		RTE_ETHER_HDR_LEN + 40);
	memset(eth, 0, RTE_ETHER_HDR_LEN + 40);
	eth->dst_addr = ((const struct rte_ether_hdr *)p)->src_addr;
	eth->src_addr = *src;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	rip = (struct rte_ipv4_hdr *)(eth + 1);
	rip->version_ihl = RTE_IPV4_VHL_DEF;
	rip->total_length = rte_cpu_to_be_16(40);
	rip->time_to_live = 64;
	rip->next_proto_id = IPPROTO_TCP;
	rip->src_addr = ip->dst_addr;
	rip->dst_addr = ip->src_addr;
	rip->hdr_checksum = rte_ipv4_cksum(rip);
	rth = (struct rte_tcp_hdr *)(rip + 1);
	rth->src_port = th->dst_port;
	rth->dst_port = th->src_port;
	rth->data_off = 5 << 4;
	if (th->tcp_flags & RTE_TCP_ACK_FLAG) {
		rth->sent_seq = th->recv_ack;
		rth->tcp_flags = RTE_TCP_RST_FLAG;
	} else {
		len = rte_be_to_cpu_16(ip->total_length) - 20 -
		      (th->data_off >> 4) * 4;
		len += !!(th->tcp_flags & RTE_TCP_SYN_FLAG) +
		       !!(th->tcp_flags & RTE_TCP_FIN_FLAG);
		rth->recv_ack = rte_cpu_to_be_32(
			rte_be_to_cpu_32(th->sent_seq) + len);
		rth->tcp_flags = RTE_TCP_RST_FLAG | RTE_TCP_ACK_FLAG;
	}
	rth->cksum = rte_ipv4_udptcp_cksum(rip, rth);
	if (rte_eth_tx_burst(port, 0, &r, 1) != 1)
		rte_pktmbuf_free(r);
	else
		st.host_rst++;
}

/* ---- a: open, post, end ---------------------------------------------- */

static uint16_t next_port = PORT_LO;

static bool
port_busy(uint16_t p)
{
	uint32_t i;

	for (i = 0; i < B_CONNS; i++)
		if (bconns[i].c != NULL && bconns[i].port == p)
			return true;
	return false;
}

static void
slot_start(uint32_t i)
{
	struct slot *s = &slots[i];
	struct ofld_tcp_open o;
	struct rte_mbuf *m[MAX_REQS];
	uint32_t r = ofld_fault_draw(&rng), k, n;
	uint16_t tries = 0;

	memset(s, 0, sizeof(*s));
	do {	/* a port b holds no more (a lost RST may leave one) */
		s->port = next_port;
		next_port = next_port == PORT_HI ? PORT_LO : next_port + 1;
	} while (port_busy(s->port) && ++tries < 100);
	memset(&o, 0, sizeof(o));
	memcpy(o.local_ip, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(o.remote_ip, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	o.local_port = s->port;
	o.remote_port = LPORT;
	o.remote_mac = mac_b;
	o.cookie = i + 1;
	o.rcv_wnd = 256 * 1024;
	o.cc = (r & 1) ? OFLD_TCP_CC_CUBIC : OFLD_TCP_CC_NEWRENO;
	s->fate = (r >> 1) % 100 < 80 ? F_CLOSE :
		  (r >> 1) % 100 < 90 ? F_ABORT_A : F_ABORT_B;
	b_complete[s->port] = 0;
	a_done_at[s->port] = 0;
	s->c = rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, &o);
	CU_ASSERT_FATAL(s->c != NULL);
	st.started++;
	/* requests may be posted at once: they go once established */
	n = 1 + (r >> 8) % MAX_REQS;
	for (k = 0; k < n; k++) {
		uint32_t len = 1 + ofld_fault_draw(&rng) % 6000;

		m[k] = ofld_test_stream_chain(pool, s->posted_bytes, len,
					      s->port, 0);
		CU_ASSERT_FATAL(m[k] != NULL);
		s->lens[k] = len;
		s->posted_bytes += len;
	}
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(s->c, m, (uint16_t)n), 0);
	s->nb_posted = n;
	st.reqs_posted += n;
	st.bytes_posted += s->posted_bytes;
}

static void
slot_finish(struct slot *s)
{
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, s->c), 0);
	/* exactly once: every request came back before the end */
	if (s->nb_done != s->nb_posted)
		st.bad_order++;
	if (s->fate == F_CLOSE && !s->aborted) {
		st.graceful++;
		/* all of it delivered to b's application */
		if (b_complete[s->port] != 0 &&
		    b_complete[s->port] - 1 != s->posted_bytes) {
			if (st.short_graceful++ == 0)
				printf("port %u: b delivered %" PRIu64
				       " bytes of %" PRIu64 "\n", s->port,
				       b_complete[s->port] - 1,
				       s->posted_bytes);
		}
	}
	a_done_at[s->port] = rte_get_timer_cycles();
	s->c = NULL;
	st.finished++;
}

static void
a_events(void)
{
	struct ofld_tcp_event ev[64];
	struct slot *s;
	uint16_t k, i;

	while ((k = rte_pmd_ofld_tcp_events((uint16_t)pa, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			s = &slots[ev[i].conn_cookie - 1];
			switch (ev[i].kind) {
			case OFLD_TCP_EV_CONNECTED:
				s->connected = true;
				st.connected++;
				break;
			case OFLD_TCP_EV_SEND_DONE:
				if (s->nb_done >= s->nb_posted ||
				    ev[i].m->pkt_len != s->lens[s->nb_done])
					st.bad_order++;
				if (ev[i].status == OFLD_TCP_SUCCESS) {
					st.reqs_ok++;
					if (ev[i].bytes != ev[i].m->pkt_len)
						st.bad_status++;
				} else {
					st.reqs_failed++;
				}
				s->nb_done++;
				st.reqs_done++;
				st.bytes_acked += ev[i].bytes;
				rte_pktmbuf_free(ev[i].m);
				break;
			case OFLD_TCP_EV_PEER_FIN:
				s->peer_fin = true;
				break;
			case OFLD_TCP_EV_CLOSED:
				s->closed = true;
				if (!s->connected)
					st.connect_failed++;
				if (ev[i].status == OFLD_TCP_ABORTED_BY_PEER)
					st.reset_by_b++;
				else if (ev[i].status ==
					 OFLD_TCP_ABORTED_LOCALLY)
					st.aborted_a++;
				else if (ev[i].status != OFLD_TCP_SUCCESS)
					st.other_end++;
				if (ev[i].status != OFLD_TCP_SUCCESS)
					s->aborted = true;
				s->closed_at = rte_get_timer_cycles();
				break;
			default:
				if (ev[i].m != NULL)
					rte_pktmbuf_free(ev[i].m);
				break;
			}
		}
	}
}

static void
a_drive(void)
{
	uint64_t now = rte_get_timer_cycles();
	uint32_t i;

	for (i = 0; i < conc; i++) {
		struct slot *s = &slots[i];

		if (s->c == NULL) {
			if (st.started < opens)
				slot_start(i);
			continue;
		}
		if (s->closed) {
			/* graceful: also wait for b's FIN (bounded) */
			if (!s->aborted && !s->peer_fin &&
			    now - s->closed_at < 2 * rte_get_timer_hz())
				continue;
			if (!s->aborted && !s->peer_fin)
				st.fin_wait_timeouts++;
			slot_finish(s);
			continue;
		}
		if (!s->connected || s->closing)
			continue;
		if (s->fate == F_ABORT_A && s->nb_done >= 1) {
			int ret = rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, s->c);

			/* -EPIPE: b's reset came first (CLOSED is on its way) */
			CU_ASSERT(ret == 0 || ret == -EPIPE);
			s->closing = true;
		} else if (s->fate != F_ABORT_A && s->nb_done == s->nb_posted) {
			int ret = rte_pmd_ofld_tcp_close((uint16_t)pa, 0, s->c);

			CU_ASSERT(ret == 0 || ret == -EPIPE);
			s->closing = true;
		}
	}
}

/* ---- b: accept, check, end ------------------------------------------- */

static void
b_events(void)
{
	struct ofld_tcp_event ev[64];
	struct ofld_tcp_state q;
	struct bconn *bc;
	uint64_t bad;
	uint32_t idx;
	uint16_t k, i;

	while ((k = rte_pmd_ofld_tcp_events((uint16_t)pb, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			idx = ofld_tcp_conn_index(ev[i].conn);
			CU_ASSERT_FATAL(idx < B_CONNS);
			bc = &bconns[idx];
			if (ev[i].kind == OFLD_TCP_EV_ACCEPTED) {
				CU_ASSERT(bc->c == NULL);
				memset(bc, 0, sizeof(*bc));
				bc->c = ev[i].conn;
				ofld_tcp_query(bc->c, &q);
				bc->port = q.remote_port;
				bc->abort_planned =
					ofld_fault_draw(&rng) % 100 < 10;
				st.b_accepted++;
				continue;
			}
			CU_ASSERT(bc->c == ev[i].conn);
			switch (ev[i].kind) {
			case OFLD_TCP_EV_RECV:
				bad = ofld_test_stream_check(ev[i].m,
						bc->received, bc->port);
				if (bad != 0 && st.bad_data == 0)
					printf("port %u: %" PRIu64 " bad bytes "
					       "from %" PRIu64 "\n", bc->port,
					       bad, bc->received);
				st.bad_data += bad;
				bc->received += ev[i].m->pkt_len;
				st.bytes_checked += ev[i].m->pkt_len;
				/* a reset by b, mid-stream */
				if (bc->abort_planned && !bc->ended) {
					CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort(
						(uint16_t)pb, 0, bc->c), 0);
					bc->ended = true;
					st.b_aborted++;
				}
				break;
			case OFLD_TCP_EV_PEER_FIN:
				bc->fin = true;
				b_complete[bc->port] = bc->received + 1;
				if (!bc->ended) {
					CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close(
						(uint16_t)pb, 0, bc->c), 0);
					bc->ended = true;
				}
				break;
			case OFLD_TCP_EV_CLOSED:
				bc->ended = true;
				CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(
					(uint16_t)pb, 0, bc->c), 0);
				bc->c = NULL;
				st.b_released++;
				break;
			default:
				break;
			}
			if (ev[i].m != NULL)
				rte_pktmbuf_free(ev[i].m);
		}
	}
}

static void
pump(void)
{
	struct rte_mbuf *rx[64];
	uint16_t k, i;

	k = rte_eth_rx_burst((uint16_t)pa, 0, rx, 64);
	for (i = 0; i < k; i++)
		host_rst((uint16_t)pa, rx[i], &mac_a);
	rte_pktmbuf_free_bulk(rx, k);
	k = rte_eth_rx_burst((uint16_t)pb, 0, rx, 64);
	for (i = 0; i < k; i++)
		host_rst((uint16_t)pb, rx[i], &mac_b);
	rte_pktmbuf_free_bulk(rx, k);
	rte_pmd_ofld_poll((uint16_t)pa, 0);
	rte_pmd_ofld_poll((uint16_t)pb, 0);
	a_events();
	b_events();
	a_drive();
}

/*
 * What a keepalive would do, at the application: b's connections whose
 * peer (a) released its end more than a second ago, and that never heard
 * of it (a's RST was lost; b has nothing to send, so it cannot notice)
 * are ended, so that a long soak does not fill b's engine with them.
 */
static void
b_reap_orphans(void)
{
	static uint64_t next;
	uint64_t now = rte_get_timer_cycles(), hz = rte_get_timer_hz();
	uint32_t i;
	int ret;

	if (now < next)
		return;
	next = now + hz / 10;
	for (i = 0; i < B_CONNS; i++) {
		struct bconn *bc = &bconns[i];

		if (bc->c == NULL || bc->ended || a_done_at[bc->port] == 0 ||
		    now - a_done_at[bc->port] < hz)
			continue;
		ret = rte_pmd_ofld_tcp_abort((uint16_t)pb, 0, bc->c);
		CU_ASSERT(ret == 0 || ret == -EPIPE);
		bc->ended = true;
		st.b_reaped++;
	}
}

static uint64_t
xs(int port, const char *name)
{
	char full[64];

	snprintf(full, sizeof(full), "tcp_q0_%s", name);
	return ofld_test_xstat((uint16_t)port, full);
}

static int
port_up(const char *name, const char *args)
{
	struct rte_eth_conf conf;
	int port = ofld_test_vdev(name, args);

	if (port < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (rte_eth_dev_configure((uint16_t)port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup((uint16_t)port, 0, 1024, 0, NULL,
				   pool) != 0 ||
	    rte_eth_tx_queue_setup((uint16_t)port, 0, 1024, 0, NULL) != 0 ||
	    rte_eth_dev_start((uint16_t)port) != 0)
		return -1;
	return port;
}

static void
test_soak_churn(void)
{
	struct rte_malloc_socket_stats h0, h;
	struct ofld_tcp_open o;
	char args[256];
	uint64_t t0, deadline, hz = rte_get_timer_hz(), next_report;
	uint64_t in_use, left_b = 0, end;
	size_t heap_run;
	double secs;
	uint32_t i;
	int w0, w1;

	/* process-wide tables DPDK makes on first use (ethdev port data,
	 * the mbuf dynamic field registry) before the heap is measured
	 */
	w0 = ofld_test_vdev("net_ofld_sw0", "pair=soak_warm");
	w1 = ofld_test_vdev("net_ofld_sw1", "pair=soak_warm");
	CU_ASSERT_FATAL(w0 >= 0 && w1 >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)w0, 1, 1) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_stop((uint16_t)w0) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_close((uint16_t)w0) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_close((uint16_t)w1) == 0);
	rte_malloc_get_socket_stats(rte_socket_id(), &h0);

	snprintf(args, sizeof(args), "pair=soak,speed=0,seed=7,"
		 "tcp_max_conns=%u,%s", B_CONNS, faults);
	pa = port_up("net_ofld_sa", args);
	pb = port_up("net_ofld_sb", args);
	CU_ASSERT_FATAL(pa >= 0 && pb >= 0);
	rte_eth_macaddr_get((uint16_t)pa, &mac_a);
	rte_eth_macaddr_get((uint16_t)pb, &mac_b);
	memset(&o, 0, sizeof(o));
	memcpy(o.local_ip, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	o.local_port = LPORT;
	o.backlog = 1024;
	o.rcv_wnd = 256 * 1024;
	CU_ASSERT_FATAL(rte_pmd_ofld_tcp_listen((uint16_t)pb, 0, &o) == 0);
	ofld_fault_init(&rng, 2026, 0, 0);
	rte_malloc_get_socket_stats(rte_socket_id(), &h);
	heap_run = h.heap_allocsz_bytes;	/* ports up: must stay so */
	st.max_heap = heap_run;

	printf("\nsoak: %" PRIu64 " connections, %u at a time, faults %s\n",
	       opens, conc, faults);
	t0 = rte_get_timer_cycles();
	next_report = t0 + hz;
	deadline = t0 + (uint64_t)(getenv("OFLD_SOAK_DEADLINE") ?
		atoi(getenv("OFLD_SOAK_DEADLINE")) : 1500) * hz;
	while (st.finished < opens && rte_get_timer_cycles() < deadline) {
		pump();
		b_reap_orphans();
		if (rte_get_timer_cycles() >= next_report) {
			in_use = rte_mempool_in_use_count(pool);
			rte_malloc_get_socket_stats(rte_socket_id(), &h);
			st.max_in_use = RTE_MAX(st.max_in_use, in_use);
			st.max_heap = RTE_MAX(st.max_heap, h.heap_allocsz_bytes);
			if ((next_report - t0) / hz % 10 == 0) {
				printf("  %5.0f s: %" PRIu64 " finished, %"
				       PRIu64 " mbufs in use, heap %zu\n",
				       (double)(rte_get_timer_cycles() - t0) /
				       hz, st.finished, in_use,
				       h.heap_allocsz_bytes);
				fflush(stdout);
			}
			next_report += hz;
		}
	}
	secs = (double)(rte_get_timer_cycles() - t0) / hz;
	if (st.finished < opens)
		fprintf(stderr, "soak: gave up after %.0f s (OFLD_SOAK_DEADLINE) "
			"waiting for %" PRIu64 " connections to finish: %" PRIu64
			" finished, %" PRIu64 " started\n", secs, opens,
			st.finished, st.started);
	/* b's last closes finish (FIN retransmitted, answered) */
	end = rte_get_timer_cycles() + 3 * hz;
	while (st.b_released < st.b_accepted && rte_get_timer_cycles() < end)
		pump();
	/* b's leftovers: connections whose reset from a was lost (b has
	 * nothing to send, so it cannot notice): the application ends them
	 */
	for (i = 0; i < B_CONNS; i++) {
		int ret;

		if (bconns[i].c == NULL)
			continue;
		left_b++;
		ret = rte_pmd_ofld_tcp_abort((uint16_t)pb, 0, bconns[i].c);
		CU_ASSERT(ret == 0 || ret == -EPIPE);
	}
	end = rte_get_timer_cycles() + hz;
	while (st.b_released < st.b_accepted && rte_get_timer_cycles() < end)
		pump();

	printf("soak: %" PRIu64 " opened (%" PRIu64 " connected, %" PRIu64
	       " failed to connect) in %.1f s = %.0f conn/s\n", st.started,
	       st.connected, st.connect_failed, secs, st.finished / secs);
	printf("  ends: %" PRIu64 " graceful, %" PRIu64 " reset by a, %" PRIu64
	       " reset by b (%" PRIu64 " b aborts), %" PRIu64 " other; %"
	       PRIu64 " host RSTs, %" PRIu64 " FIN waits timed out; b's "
	       "connections left by lost RSTs: %" PRIu64 " ended by the "
	       "keepalive stand-in, %" PRIu64 " at the end\n", st.graceful,
	       st.aborted_a, st.reset_by_b, st.b_aborted, st.other_end,
	       st.host_rst, st.fin_wait_timeouts, st.b_reaped, left_b);
	printf("  requests: %" PRIu64 " posted, %" PRIu64 " completed (%" PRIu64
	       " acked, %" PRIu64 " failed); %" PRIu64 " bytes posted, %" PRIu64
	       " acked, %" PRIu64 " delivered and checked\n", st.reqs_posted,
	       st.reqs_done, st.reqs_ok, st.reqs_failed, st.bytes_posted,
	       st.bytes_acked, st.bytes_checked);
	printf("  a: retrans %" PRIu64 " rto %" PRIu64 " handshakes %" PRIu64
	       "; b: handshakes %" PRIu64 " ooo %" PRIu64 " bad_seq %" PRIu64
	       "; peak: %" PRIu64 " mbufs in use, heap %zu (start %zu)\n",
	       xs(pa, "retrans_segs"), xs(pa, "rto_fired"),
	       xs(pa, "handshakes"), xs(pb, "handshakes"), xs(pb, "ooo_held"),
	       xs(pb, "bad_seq"), st.max_in_use, st.max_heap, heap_run);

	CU_ASSERT_EQUAL(st.finished, opens);
	CU_ASSERT_EQUAL(st.bad_order, 0);
	CU_ASSERT_EQUAL(st.bad_status, 0);
	CU_ASSERT_EQUAL(st.bad_data, 0);
	CU_ASSERT_EQUAL(st.short_graceful, 0);
	CU_ASSERT_EQUAL(st.reqs_done, st.reqs_posted);
	CU_ASSERT_EQUAL(st.reqs_ok + st.reqs_failed, st.reqs_done);
	CU_ASSERT(st.graceful > opens / 2);
	CU_ASSERT(st.aborted_a > 0 && st.reset_by_b > 0);
	/* the engines' counters agree with the application */
	CU_ASSERT_EQUAL(xs(pa, "reqs_posted"), st.reqs_posted);
	CU_ASSERT_EQUAL(xs(pa, "reqs_done"), st.reqs_done);
	CU_ASSERT_EQUAL(xs(pa, "handshakes"), st.connected);
	CU_ASSERT_EQUAL(xs(pb, "handshakes"), st.b_accepted);
	CU_ASSERT_EQUAL(st.b_released, st.b_accepted);
	CU_ASSERT_EQUAL(xs(pa, "csum_bad") + xs(pb, "csum_bad"), 0);
	/* memory flat: the engines allocate nothing while they run */
	CU_ASSERT_EQUAL(st.max_heap, heap_run);
	CU_ASSERT(st.max_in_use <= POOL_SIZE / 2);

	CU_ASSERT_EQUAL(rte_eth_dev_stop((uint16_t)pa), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_stop((uint16_t)pb), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pa), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pb), 0);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
	rte_malloc_get_socket_stats(rte_socket_id(), &h);
	printf("  after: heap %zu bytes (start %zu)\n", h.heap_allocsz_bytes,
	       h0.heap_allocsz_bytes);
	CU_ASSERT_EQUAL(h.heap_allocsz_bytes, h0.heap_allocsz_bytes);
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "soak: faults, resets, connection churn", test_soak_churn },
		{ NULL, NULL },
	};
	const char *env;

	RTE_SET_USED(argc);
	if ((env = getenv("OFLD_SOAK_OPENS")) != NULL && atoll(env) > 0)
		opens = (uint64_t)atoll(env);
	if ((env = getenv("OFLD_SOAK_CONC")) != NULL && atoi(env) > 0)
		conc = RTE_MIN((uint32_t)atoi(env), (uint32_t)MAX_CONC);
	if ((env = getenv("OFLD_SOAK_FAULTS")) != NULL)
		faults = env;
	return ofld_test_main_pool(argv[0], "soak", cases, &pool, POOL_SIZE);
}
