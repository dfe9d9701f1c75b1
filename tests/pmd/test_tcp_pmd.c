/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * TCP send offload end to end over the pair cable: two net_ofld ports,
 * the engine on both, one connection (or many) from port a to port b.
 * Requests of mixed sizes (1 byte to 1 MiB) are posted on a; b's
 * application checks every received byte; every request completes
 * exactly once, in order, with success; PSH is seen once per request;
 * the cable's faults (loss, reordering, duplication) are survived; RST,
 * graceful close, and many connections at once. Mempools full at the end.
 *
 * OFLD_TCP_TEST_MIB sets the transfer size of the long runs (default 1024).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_service.h>

#include "ofld_fault.h"
#include "ofld_pace.h"
#include "ofld_private.h"
#include "ofld_test.h"
#include "rte_pmd_ofld.h"

#define POOL_SIZE	(128 * 1024 - 1)
#define MAX_REQ		(1u << 20)
#define WINDOW		(4u << 20)	/* in flight < the cable's 4096-frame lane */

static struct rte_mempool *pool;
static uint64_t mib = 1024;

static bool
pool_full(void)
{
	return ofld_test_mempool_full(pool, POOL_SIZE);
}

/* A port with one queue pair; lro: with RTE_ETH_RX_OFFLOAD_TCP_LRO at its
 * largest frame.
 */
static int
port_up_lro(const char *name, const char *args, bool lro)
{
	struct rte_eth_dev_info info;
	struct rte_eth_conf conf;
	int port = ofld_test_vdev(name, args);

	if (port < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	if (lro) {
		if (rte_eth_dev_info_get(port, &info) != 0 ||
		    !(info.rx_offload_capa & RTE_ETH_RX_OFFLOAD_TCP_LRO))
			return -1;
		conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_TCP_LRO;
		conf.rxmode.max_lro_pkt_size = info.max_lro_pkt_size;
	}
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(port, 0, 1024, 0, NULL, pool) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, 1024, 0, NULL) != 0 ||
	    rte_eth_dev_start(port) != 0)
		return -1;
	return port;
}

static int
port_up(const char *name, const char *args)
{
	return port_up_lro(name, args, false);
}

static void
states(int a, int b, uint16_t sport, struct ofld_tcp_state *sa,
       struct ofld_tcp_state *sb)
{
	memset(sa, 0, sizeof(*sa));
	memcpy(sa->local_ip, (uint8_t[]){ 198, 18, 0, 1 }, 4);
	memcpy(sa->remote_ip, (uint8_t[]){ 198, 18, 0, 2 }, 4);
	sa->local_port = sport;
	sa->remote_port = 5001;
	rte_eth_macaddr_get(b, &sa->remote_mac);
	sa->snd_una = sa->snd_nxt = sa->snd_max = 0x10000000u * sport;
	sa->rcv_nxt = 12345;
	sa->snd_wnd = sa->rcv_wnd = WINDOW;
	sa->mss = 1460;
	sa->snd_wscale = sa->rcv_wscale = 8;
	sa->ts_ok = true;
	sa->cookie = sport;
	*sb = *sa;
	memcpy(sb->local_ip, sa->remote_ip, 4);
	memcpy(sb->remote_ip, sa->local_ip, 4);
	sb->local_port = 5001;
	sb->remote_port = sport;
	rte_eth_macaddr_get(a, &sb->remote_mac);
	sb->snd_una = sb->snd_nxt = sb->snd_max = 12345;
	sb->rcv_nxt = sa->snd_una;
}

/* One connection's sender and receiver bookkeeping. */
struct flow {
	struct ofld_tcp_conn *ca, *cb;
	uint64_t posted, received, done_bytes, bad_data;
	uint64_t nb_posted, nb_done, bad_order, bad_status;
	uint64_t next_done_len;		/* FIFO of request lengths */
	uint32_t *lens;
	uint32_t lens_cap;
	uint64_t lens_head;
	bool closed_a, fin_b, closed_b;
	int closed_status;
};

static void
reap(int a, int b, struct flow *f, uint32_t nflows, int want_status)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;
	struct flow *fl;

	while ((k = rte_pmd_ofld_tcp_events(a, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			fl = &f[ev[i].conn_cookie - 1];
			if (ev[i].kind == OFLD_TCP_EV_CLOSED) {
				fl->closed_a = true;
				fl->closed_status = ev[i].status;
				continue;
			}
			if (ev[i].kind != OFLD_TCP_EV_SEND_DONE)
				continue;
			/* exactly once, in order: lengths come back in the
			 * order they were posted
			 */
			if (fl->lens_head >= fl->nb_posted ||
			    ev[i].m->pkt_len !=
			    fl->lens[fl->lens_head % fl->lens_cap])
				fl->bad_order++;
			fl->lens_head++;
			if ((int)ev[i].status != want_status ||
			    (want_status == OFLD_TCP_SUCCESS &&
			     ev[i].bytes != ev[i].m->pkt_len))
				fl->bad_status++;
			fl->done_bytes += ev[i].bytes;
			fl->nb_done++;
			rte_pktmbuf_free(ev[i].m);
		}
	}
	while ((k = rte_pmd_ofld_tcp_events(b, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			fl = &f[ev[i].conn_cookie - 1];
			if (ev[i].kind == OFLD_TCP_EV_PEER_FIN)
				fl->fin_b = true;
			if (ev[i].kind == OFLD_TCP_EV_CLOSED)
				fl->closed_b = true;
			if (ev[i].kind != OFLD_TCP_EV_RECV)
				continue;
			fl->bad_data += ofld_test_stream_check(ev[i].m,
				fl->received, (uint16_t)ev[i].conn_cookie);
			fl->received += ev[i].m->pkt_len;
			rte_pktmbuf_free(ev[i].m);
		}
	}
	RTE_SET_USED(nflows);
}

/* Keep about `ahead` bytes posted beyond what completed. */
static void
post_more(struct flow *f, uint16_t id, uint64_t total, uint64_t ahead,
	  struct ofld_fault *rng)
{
	struct rte_mbuf *m[4];
	uint16_t k = 0;
	uint32_t len;

	while (f->posted < total && f->posted - f->done_bytes < ahead &&
	       f->nb_posted - f->lens_head < f->lens_cap - 4) {
		uint32_t r = ofld_fault_draw(rng);

		/* 1 byte to 1 MiB, most of them mid-sized */
		len = (r & 7) == 0 ? 1 + (r >> 8) % 64 :
			(r & 7) == 1 ? MAX_REQ : 1 + (r >> 8) % (256 * 1024);
		len = (uint32_t)RTE_MIN((uint64_t)len, total - f->posted);
		m[k] = ofld_test_stream_chain(pool, f->posted, len, id, 0);
		if (m[k] == NULL)
			break;
		f->lens[f->nb_posted % f->lens_cap] = len;
		f->nb_posted++;
		f->posted += len;
		if (++k == RTE_DIM(m)) {
			CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(f->ca, m, k), 0);
			k = 0;
		}
	}
	if (k != 0)
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(f->ca, m, k), 0);
}

struct run {
	const char *faults;
	uint32_t nflows;
	uint64_t bytes_per_flow;
	bool close_at_end;
	/* a on net_ofld "amid" (TSO, N3) cabled to b: a's engine sends TSO
	 * bursts, amid cuts them
	 */
	bool stacked;
	const char *mid_args;	/**< amid's; NULL: unpaced */
	/* b with LRO: a's engine sends TSO bursts b takes whole where a's
	 * link allows them (unpaced, no faults); a_args: a's own
	 */
	bool lro;
	const char *a_args;
	uint32_t a_speed;	/**< a's speed= in a_args, Mbit/s */
	uint64_t lower_held, lower_full;	/**< a's, stacked */
	uint64_t psh_in, retrans, rto, fast;
	double secs;
};

/* N3: new data left as TSO bursts, handed down whole, cut by amid (every
 * byte checked by the caller).
 */
static void
check_stacked(const struct run *r, int a)
{
	uint16_t mid;
	uint64_t bursts = ofld_test_xstat(a, "tcp_q0_tso_bursts");
	uint64_t down = ofld_test_xstat(a, "tx_q0_tso_down");
	uint64_t cut = 0, overrun = 0;

	if (rte_eth_dev_get_port_by_name("net_ofld_amid", &mid) == 0) {
		cut = ofld_test_xstat(mid, "tx_q0_gso_sends");
		overrun = ofld_test_xstat(mid, "tx_q0_peer_overrun");
	}
	/* amid's cable has no word back to a's engine: what b's
	 * receive lane cannot hold is lost (peer_overrun) and resent
	 */
	fprintf(stderr, "stacked: %" PRIu64 " TSO bursts, %" PRIu64
		" handed down, %" PRIu64 " cut below, %" PRIu64
		" refused below, %" PRIu64 " lost to b's full lane\n",
		bursts, down, cut,
		ofld_test_xstat(a, "tx_q0_lower_full"), overrun);
	CU_ASSERT(bursts > 0);
	CU_ASSERT_EQUAL(down, bursts);
	/* loss= on a drops some on the way down */
	if (r->faults == NULL)
		CU_ASSERT_EQUAL(cut, bursts);
	CU_ASSERT(cut > 0 && cut <= bursts);
}

/* The pair cable as a NIC pair with TSO and LRO: a's new data left as TSO
 * bursts and every one reached b whole (tso: a's link allows them), or
 * none was sent. Paced (speed_mbps), a's wire carried no more than the
 * link allows in the run's time and the pacer's horizon (MTU 1500):
 * bursts are charged as their segments.
 */
static void
check_lro(int a, int b, bool tso, uint32_t speed_mbps, double secs)
{
	uint64_t bursts = ofld_test_xstat(a, "tcp_q0_tso_bursts");
	uint64_t whole = ofld_test_xstat(b, "rx_q0_lro");

	fprintf(stderr, "LRO: %" PRIu64 " TSO bursts, %" PRIu64 " passed "
		"whole, %" PRIu64 " received whole, %" PRIu64 " cut\n", bursts,
		ofld_test_xstat(a, "tx_q0_tso_down"), whole,
		ofld_test_xstat(a, "tx_q0_gso_sends"));
	if (tso) {
		CU_ASSERT(bursts > 0);
		CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_tso_down"), bursts);
	} else {
		CU_ASSERT_EQUAL(bursts, 0);
	}
	CU_ASSERT_EQUAL(whole, bursts);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_gso_sends"), 0);
	if (speed_mbps != 0) {
		double bits = (ofld_test_xstat(a, "tx_q0_bytes") + 24.0 *
			       ofld_test_xstat(a, "tx_q0_packets")) * 8;
		double slack = ofld_pacer_horizon(speed_mbps, 1500 +
						  OFLD_L2_OVERHEAD) /
			(speed_mbps * 1e6);

		fprintf(stderr, "paced at %u Mbit/s: %.0f wire bits in %.4f "
			"s (at most %.0f)\n", speed_mbps, bits, secs,
			(secs + slack) * speed_mbps * 1e6);
		CU_ASSERT(bits <= (secs + slack) * speed_mbps * 1e6);
	}
}

/* The run's two ports: a and b on the pair cable, or a stacked on amid
 * (TSO, N3) cabled to b. Writes their port ids.
 */
static void
run_ports(const struct run *r, int *a, int *b)
{
	char args[160], top[160];

	snprintf(args, sizeof(args), "pair=tcp,speed=0,tcp_max_conns=2048%s%s",
		 r->faults ? "," : "", r->faults ? r->faults : "");
	if (r->stacked) {
		int mid = ofld_test_vdev("net_ofld_amid", r->mid_args ?
					 r->mid_args : "pair=tcp,speed=0");

		CU_ASSERT_FATAL(mid >= 0);
		snprintf(top, sizeof(top), "lower=net_ofld_amid,"
			 "tcp_max_conns=2048%s%s", r->faults ? "," : "",
			 r->faults ? r->faults : "");
		*a = port_up("net_ofld_a", top);
		*b = port_up("net_ofld_b", "pair=tcp,speed=0,tcp_max_conns=2048");
	} else {
		*a = port_up("net_ofld_a", r->a_args ? r->a_args : args);
		*b = port_up_lro("net_ofld_b", args, r->lro);
	}
	CU_ASSERT_FATAL(*a >= 0 && *b >= 0);
}

static bool
flow_finished(const struct run *r, const struct flow *f)
{
	return f->nb_done == f->nb_posted &&
		f->received == r->bytes_per_flow &&
		f->posted == r->bytes_per_flow &&
		(!r->close_at_end || (f->closed_a && f->fin_b));
}

/* Post, close at the end, and run both ports' application loops until
 * every flow finished or the deadline (OFLD_TCP_TEST_DEADLINE seconds,
 * 600 by default). Returns how many finished; r->secs the time taken.
 */
static uint32_t
run_loop(struct run *r, int a, int b, struct flow *f)
{
	uint64_t ahead = RTE_MAX((uint64_t)(64u << 20) / r->nflows,
				 4u * MAX_REQ);
	uint64_t t0 = rte_get_timer_cycles(), deadline;
	struct rte_mbuf *rx[64];
	struct ofld_fault rng;
	uint32_t i, done;
	uint16_t k;

	ofld_fault_init(&rng, 99, 0, 0);
	deadline = t0 + (getenv("OFLD_TCP_TEST_DEADLINE") ?
		(uint64_t)atoi(getenv("OFLD_TCP_TEST_DEADLINE")) : 600) *
		rte_get_timer_hz();
	do {
		done = 0;
		for (i = 0; i < r->nflows; i++) {
			post_more(&f[i], (uint16_t)(i + 1), r->bytes_per_flow,
				  ahead, &rng);
			if (r->close_at_end && f[i].posted == r->bytes_per_flow &&
			    !f[i].closed_a && f[i].nb_done == f[i].nb_posted &&
			    f[i].received == f[i].posted)
				ofld_tcp_close(f[i].ca);
			done += flow_finished(r, &f[i]);
		}
		/* the application's loop: rx_burst feeds the engines */
		k = rte_eth_rx_burst(a, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		k = rte_eth_rx_burst(b, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		rte_pmd_ofld_poll(a, 0);
		rte_pmd_ofld_poll(b, 0);
		reap(a, b, f, r->nflows, OFLD_TCP_SUCCESS);
	} while (done < r->nflows && rte_get_timer_cycles() < deadline);
	r->secs = (double)(rte_get_timer_cycles() - t0) / rte_get_timer_hz();
	return done;
}

/* Say where the first unfinished flow stands, after the deadline. */
static void
say_unfinished(const struct run *r, const struct flow *f, uint32_t done)
{
	struct ofld_tcp_state q;
	uint32_t i;

	for (i = 0; i < r->nflows && done < r->nflows; i++) {
		if (flow_finished(r, &f[i]))
			continue;
		ofld_tcp_query(f[i].ca, &q);
		fprintf(stderr, "gave up after %.0f s waiting for %u flows to "
			"finish (%u did); ", r->secs, r->nflows, done);
		fprintf(stderr, "flow %u unfinished: posted %" PRIu64 " got %"
			PRIu64 " done %" PRIu64 "/%" PRIu64 " closed %d fin %d; "
			"una %u nxt %u max %u (from %u) cwnd %u wnd %u backlog %"
			PRIu64 " state %s\n", i, f[i].posted, f[i].received,
			f[i].nb_done, f[i].nb_posted, f[i].closed_a, f[i].fin_b,
			q.snd_una, q.snd_nxt, q.snd_max, 0x10000000u * (i + 1),
			q.cwnd, q.snd_wnd, ofld_tcp_backlog(f[i].ca),
			ofld_tcp_state_name(f[i].ca));
		break;
	}
}

/* Every flow: every byte there and right, every request completed once,
 * in order, with success; closed cleanly when asked.
 */
static void
check_flows(const struct run *r, const struct flow *f)
{
	uint32_t i;

	for (i = 0; i < r->nflows; i++) {
		CU_ASSERT_EQUAL(f[i].received, r->bytes_per_flow);
		CU_ASSERT_EQUAL(f[i].bad_data, 0);
		CU_ASSERT_EQUAL(f[i].nb_done, f[i].nb_posted);
		CU_ASSERT_EQUAL(f[i].bad_order, 0);
		CU_ASSERT_EQUAL(f[i].bad_status, 0);
		CU_ASSERT_EQUAL(f[i].done_bytes, r->bytes_per_flow);
		CU_ASSERT_EQUAL(ofld_tcp_backlog(f[i].ca), 0);
		if (!r->close_at_end)
			continue;
		if (f[i].closed_a && f[i].closed_status != OFLD_TCP_SUCCESS)
			fprintf(stderr, "flow %u closed with status %d after "
				"%.1f s (fin at b %d)\n", i,
				f[i].closed_status, r->secs, f[i].fin_b);
		CU_ASSERT(f[i].closed_a);
		CU_ASSERT_EQUAL(f[i].closed_status, OFLD_TCP_SUCCESS);
		CU_ASSERT(f[i].fin_b);
	}
}

static void
run_transfer(struct run *r)
{
	struct ofld_tcp_state sa, sb;
	struct flow *f;
	uint32_t i, done;
	int a, b;

	run_ports(r, &a, &b);
	f = calloc(r->nflows, sizeof(*f));
	CU_ASSERT_FATAL(f != NULL);
	for (i = 0; i < r->nflows; i++) {
		states(a, b, (uint16_t)(i + 1), &sa, &sb);
		f[i].ca = rte_pmd_ofld_tcp_offload(a, 0, &sa);
		f[i].cb = rte_pmd_ofld_tcp_offload(b, 0, &sb);
		CU_ASSERT_FATAL(f[i].ca != NULL && f[i].cb != NULL);
		f[i].lens_cap = 4096;
		f[i].lens = calloc(f[i].lens_cap, sizeof(uint32_t));
	}
	done = run_loop(r, a, b, f);
	say_unfinished(r, f, done);
	check_flows(r, f);
	if (r->stacked)
		check_stacked(r, a);
	if (r->lro)
		check_lro(a, b, r->faults == NULL, r->a_speed, r->secs);
	r->lower_held = ofld_test_xstat(a, "tx_q0_lower_held");
	r->lower_full = ofld_test_xstat(a, "tx_q0_lower_full");
	r->psh_in = ofld_test_xstat(b, "tcp_q0_psh_in");
	r->retrans = ofld_test_xstat(a, "tcp_q0_retrans_segs");
	r->rto = ofld_test_xstat(a, "tcp_q0_rto_fired");
	r->fast = ofld_test_xstat(a, "tcp_q0_fast_retrans");
	if (r->faults == NULL && r->retrans == 0) {
		/* nothing resent: exactly one PSH per request (T6); the unit
		 * suite checks every segment's PSH at the sender */
		uint64_t reqs = 0;

		for (i = 0; i < r->nflows; i++)
			reqs += f[i].nb_posted;
		CU_ASSERT_EQUAL(r->psh_in, reqs);
		if (r->psh_in != reqs)
			fprintf(stderr, "PSH seen %" PRIu64 ", requests %" PRIu64 "\n",
				r->psh_in, reqs);
	}
	fprintf(stderr, "%u flow(s) x %" PRIu64 " MiB, faults %s: %.2f s, "
		"%.2f Gbit/s goodput, %" PRIu64 " retransmitted segments, %"
		PRIu64 " fast retransmits, %" PRIu64 " RTOs\n", r->nflows,
		r->bytes_per_flow >> 20, r->faults ? r->faults : "none",
		r->secs, r->bytes_per_flow * r->nflows * 8 / r->secs / 1e9,
		r->retrans, r->fast, r->rto);
	for (i = 0; i < r->nflows; i++)
		free(f[i].lens);
	free(f);
	rte_vdev_uninit("net_ofld_a");
	rte_vdev_uninit("net_ofld_b");
	if (r->stacked)
		rte_vdev_uninit("net_ofld_amid");
	CU_ASSERT(pool_full());
}

/* N3: a's engine over a lower port with TSO, clean and with 1% loss on
 * a's frames (bursts lost whole: retransmitted as MSS segments).
 */
static void
test_transfer_tso_bursts(void)
{
	struct run r = { .nflows = 4, .bytes_per_flow = (mib / 32) << 20,
			 .stacked = true, .close_at_end = true };

	run_transfer(&r);
}

/* W3, N3: a's engine over a lower port that takes part of a burst (amid
 * paced at 2 Gbit/s): what amid refuses waits in a's queue, the engine
 * sends no new data meanwhile, nothing is dropped.
 */
static void
test_transfer_busy_lower(void)
{
	struct run r = { .nflows = 2, .bytes_per_flow = (mib / 64) << 20,
			 .stacked = true, .close_at_end = true,
			 .mid_args = "pair=tcp,speed=2000" };
	run_transfer(&r);
	CU_ASSERT(r.lower_held > 0);
	CU_ASSERT_EQUAL(r.lower_full, 0);
}

/* N3: the pair cable as a NIC pair with TSO and LRO (b has LRO): a's
 * engine sends TSO bursts, b takes each whole, every byte checked.
 */
static void
test_transfer_lro(void)
{
	struct run r = { .nflows = 4, .bytes_per_flow = (mib / 32) << 20,
			 .lro = true, .close_at_end = true };

	run_transfer(&r);
}

/* N3: TSO bursts to an LRO port on a paced link, charged as the segments
 * they stand for: the link's rate holds.
 */
static void
test_transfer_lro_paced(void)
{
	struct run r = { .nflows = 2, .bytes_per_flow = (mib / 32) << 20,
			 .lro = true, .close_at_end = true,
			 .a_args = "pair=tcp,speed=500,tcp_max_conns=2048",
			 .a_speed = 500 };

	run_transfer(&r);
}

/* N3: no TSO bursts to an LRO port where faults act on single frames
 * (lost, reordered and duplicated one at a time).
 */

static void
test_transfer_lro_faults(void)
{
	struct run r = { .faults = "loss=0.01,reorder=0.01,seed=11",
			 .nflows = 1, .bytes_per_flow = (mib / 256) << 20,
			 .lro = true };

	run_transfer(&r);
}

/* Checks one LRO frame from a's engine as b's application sees it: the
 * flag and segment size, IPv4 length, and its payload, the stream from
 * byte 0. Returns whether it was one.
 */
static bool
lro_frame_check(struct rte_mbuf *m, uint16_t mss)
{
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	uint32_t hl;

	if (!(m->ol_flags & RTE_MBUF_F_RX_LRO))
		return false;
	ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
				     RTE_ETHER_HDR_LEN);
	th = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
				     RTE_ETHER_HDR_LEN + 20);
	hl = RTE_ETHER_HDR_LEN + 20 + (th->data_off >> 4) * 4;
	CU_ASSERT(m->tso_segsz > 0 && m->tso_segsz <= mss);
	CU_ASSERT(m->pkt_len > hl + 2u * m->tso_segsz);
	CU_ASSERT_EQUAL(rte_be_to_cpu_16(ip->total_length),
			m->pkt_len - RTE_ETHER_HDR_LEN);
	CU_ASSERT_EQUAL(rte_ipv4_cksum(ip), 0);
	CU_ASSERT(m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_GOOD);
	CU_ASSERT_PTR_NOT_NULL(rte_pktmbuf_adj(m, (uint16_t)hl));
	CU_ASSERT_EQUAL(ofld_test_stream_check(m, 0, 1), 0);
	return true;
}

/* W1, N3: a TSO burst for a connection b has not offloaded reaches b's
 * application whole, as a NIC's LRO frame (RTE_MBUF_F_RX_LRO, tso_segsz).
 */
static void
test_lro_frame_to_application(void)
{
	struct ofld_tcp_state sa, sb;
	struct rte_mbuf *rx[64], *m;
	struct ofld_tcp_conn *ca;
	uint64_t end;
	uint16_t k, i;
	bool seen = false;
	int a, b;

	a = port_up("net_ofld_a", "pair=tcp,speed=0");
	b = port_up_lro("net_ofld_b", "pair=tcp,speed=0", true);
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	states(a, b, 1, &sa, &sb);
	sa.snd_una = sa.snd_nxt = sa.snd_max = 0;	/* the stream's byte 0 */
	ca = rte_pmd_ofld_tcp_offload(a, 0, &sa);
	CU_ASSERT_FATAL(ca != NULL);
	m = ofld_test_stream_chain(pool, 0, 256 * 1024, 1, 0);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(ca, &m, 1), 0);
	end = ofld_test_deadline(5000);
	while (!seen && !ofld_test_expired(end, "an LRO frame at b's "
					   "rx_burst")) {
		rte_pmd_ofld_poll(a, 0);
		k = rte_eth_rx_burst(b, 0, rx, 64);
		for (i = 0; i < k && !seen; i++)
			seen = lro_frame_check(rx[i], sa.mss);
		rte_pktmbuf_free_bulk(rx, k);
	}
	CU_ASSERT(seen);
	CU_ASSERT(ofld_test_xstat(b, "rx_q0_lro") > 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort(a, 0, ca), 0);
	rte_pmd_ofld_poll(a, 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(a, 0, ca), 0);
	rte_vdev_uninit("net_ofld_a");
	rte_vdev_uninit("net_ofld_b");
	CU_ASSERT(pool_full());
}

static void
test_transfer_tso_bursts_loss(void)
{
	struct run r = { .faults = "loss=0.01,seed=5", .nflows = 1,
			 .bytes_per_flow = (mib / 32) << 20, .stacked = true };

	run_transfer(&r);
}

static void
test_transfer_clean(void)
{
	struct run r = { .nflows = 1, .bytes_per_flow = mib << 20 };

	run_transfer(&r);
}

static void
test_transfer_loss(void)
{
	struct run r = { .faults = "loss=0.01,seed=1", .nflows = 1,
			 .bytes_per_flow = mib << 20 };

	run_transfer(&r);
}

static void
test_transfer_reorder(void)
{
	struct run r = { .faults = "reorder=0.01,seed=2", .nflows = 1,
			 .bytes_per_flow = mib << 20 };

	run_transfer(&r);
}

static void
test_transfer_dup(void)
{
	struct run r = { .faults = "dup=0.01,seed=3", .nflows = 1,
			 .bytes_per_flow = mib << 20 };

	run_transfer(&r);
}

static void
test_transfer_all_faults(void)
{
	struct run r = { .faults = "loss=0.01,reorder=0.01,dup=0.01,seed=4",
			 .nflows = 1, .bytes_per_flow = mib << 20 };

	run_transfer(&r);
}

static void
test_many_connections_close(void)
{
	struct run r = { .nflows = 1000, .bytes_per_flow = 256 * 1024,
			 .close_at_end = true };

	run_transfer(&r);
}

/* Drive both ports until cond(f) (what: for the message) or 10 s. */
static void
drive(int a, int b, struct flow *f, int want, bool (*cond)(struct flow *),
      const char *what)
{
	uint64_t end = ofld_test_deadline(10000);
	struct rte_mbuf *rx[64];
	uint16_t k;

	while (!cond(f) && !ofld_test_expired(end, "%s (received %" PRIu64
			" of %" PRIu64 " posted, %" PRIu64 " of %" PRIu64
			" requests done, closed %d)", what, f->received,
			f->posted, f->nb_done, f->nb_posted, f->closed_a)) {
		k = rte_eth_rx_burst(a, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		k = rte_eth_rx_burst(b, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		reap(a, b, f, 1, want);
	}
}

static bool
got_some(struct flow *f)
{
	return f->received >= 8u << 20;
}

static bool
a_closed(struct flow *f)
{
	return f->closed_a && f->nb_done == f->nb_posted;
}

/* Ports a and b on the pair cable with args, one connection a -> b (cwnd:
 * a's initial, 0 for the default), f ready for post_more().
 */
static void
flow_up(const char *args, uint32_t cwnd, struct flow *f, int *pa, int *pb)
{
	struct ofld_tcp_state sa, sb;

	*pa = port_up("net_ofld_a", args);
	*pb = port_up("net_ofld_b", args);
	CU_ASSERT_FATAL(*pa >= 0 && *pb >= 0);
	states(*pa, *pb, 1, &sa, &sb);
	sa.cwnd = cwnd;
	f->ca = rte_pmd_ofld_tcp_offload(*pa, 0, &sa);
	f->cb = rte_pmd_ofld_tcp_offload(*pb, 0, &sb);
	CU_ASSERT_FATAL(f->ca != NULL && f->cb != NULL);
	f->lens_cap = 4096;
	f->lens = calloc(f->lens_cap, sizeof(uint32_t));
	CU_ASSERT_FATAL(f->lens != NULL);
}

/* Both ports gone, and every mbuf back in the pool. */
static void
flow_down(struct flow *f)
{
	free(f->lens);
	rte_vdev_uninit("net_ofld_a");
	rte_vdev_uninit("net_ofld_b");
	CU_ASSERT(pool_full());
}

/* RST mid-transfer (T9) and abortive close (T11), over the cable. */
static void
run_abort(bool peer)
{
	struct ofld_fault rng;
	struct flow f = { 0 };
	int a, b;

	flow_up("pair=rst,speed=10000", 0, &f, &a, &b);
	ofld_fault_init(&rng, 5, 0, 0);
	post_more(&f, 1, 64u << 20, 64u << 20, &rng);
	drive(a, b, &f, OFLD_TCP_SUCCESS, got_some, "8 MiB at b");
	CU_ASSERT(f.received < f.posted);
	/* every request still pending comes back with the abort status */
	CU_ASSERT_EQUAL(ofld_tcp_abort(peer ? f.cb : f.ca), 0);
	f.bad_status = 0;
	drive(a, b, &f, peer ? OFLD_TCP_ABORTED_BY_PEER :
	      OFLD_TCP_ABORTED_LOCALLY, a_closed,
	      "a's CLOSED and every request back");
	CU_ASSERT(f.closed_a);
	CU_ASSERT_EQUAL(f.closed_status, peer ? OFLD_TCP_ABORTED_BY_PEER :
			OFLD_TCP_ABORTED_LOCALLY);
	CU_ASSERT_EQUAL(f.nb_done, f.nb_posted);
	CU_ASSERT_EQUAL(f.bad_order, 0);
	/* acked never more than what the peer got */
	CU_ASSERT(f.done_bytes <= f.received);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, peer ? "tcp_q0_rst_in" :
					"tcp_q0_rst_in"), peer ? 1 : 0);
	CU_ASSERT_EQUAL(ofld_tcp_release(f.ca), 0);
	flow_down(&f);
}

static void
test_t9_rst_mid_transfer(void)
{
	run_abort(true);
}

static void
test_t11_abort(void)
{
	run_abort(false);
}

static bool
all_in(struct flow *f)
{
	return f->received == f->posted && f->nb_done == f->nb_posted;
}

/* T12: terminate on one port, finish the transfer from the returned state
 * on a second port (a second NIC on the same cable).
 */
static void
test_t12_terminate_continue(void)
{
	struct ofld_tcp_state sa, sb, st;
	struct ofld_tcp_event ev[64];
	struct ofld_fault rng;
	struct flow f = { 0 };
	uint64_t acked, end;
	struct rte_mbuf *m;
	int a, b, a2;
	uint16_t k, i;

	a = port_up("net_ofld_a", "pair=term,speed=10000");
	b = port_up("net_ofld_b", "pair=term,speed=10000");
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	states(a, b, 1, &sa, &sb);
	f.ca = rte_pmd_ofld_tcp_offload(a, 0, &sa);
	f.cb = rte_pmd_ofld_tcp_offload(b, 0, &sb);
	CU_ASSERT_FATAL(f.ca && f.cb);
	f.lens_cap = 4096;
	f.lens = calloc(f.lens_cap, sizeof(uint32_t));
	ofld_fault_init(&rng, 6, 0, 0);
	post_more(&f, 1, 64u << 20, 64u << 20, &rng);
	drive(a, b, &f, OFLD_TCP_SUCCESS, got_some, "8 MiB at b");
	CU_ASSERT_EQUAL(ofld_tcp_terminate(f.ca, &st), 0);
	/* pending requests come back UPLOADED, in order, once nothing on
	 * the wire refers to them; what was acked adds up to snd_una
	 */
	rte_eth_dev_stop(a);	/* frames still on the cable are dropped */
	/* and so are those a sent that b has not taken yet (they refer to
	 * a's requests): b's end unplugged and plugged in again
	 */
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_start(b), 0);
	acked = f.done_bytes;
	end = ofld_test_deadline(10000);
	while (f.nb_done < f.nb_posted && !ofld_test_expired(end, "a's "
			"requests back after terminate (%" PRIu64 " of %" PRIu64
			")", f.nb_done, f.nb_posted)) {
		rte_pmd_ofld_poll(a, 0);
		while ((k = rte_pmd_ofld_tcp_events(a, 0, ev, 64)) != 0) {
			for (i = 0; i < k; i++) {
				if (ev[i].kind != OFLD_TCP_EV_SEND_DONE)
					continue;
				CU_ASSERT(ev[i].status == OFLD_TCP_UPLOADED ||
					  ev[i].status == OFLD_TCP_SUCCESS);
				acked += ev[i].bytes;
				f.nb_done++;
				rte_pktmbuf_free(ev[i].m);
			}
		}
	}
	CU_ASSERT_EQUAL(f.nb_done, f.nb_posted);
	CU_ASSERT_EQUAL(st.snd_una - sa.snd_una, acked);
	CU_ASSERT_EQUAL(st.rcv_nxt, sb.snd_una);
	rte_vdev_uninit("net_ofld_a");
	/* a second NIC takes the connection over from the state */
	a2 = port_up("net_ofld_c", "pair=term,speed=10000");
	CU_ASSERT_FATAL(a2 >= 0);
	rte_eth_macaddr_get(b, &st.remote_mac);
	f.ca = rte_pmd_ofld_tcp_offload(a2, 0, &st);
	CU_ASSERT_FATAL(f.ca != NULL);
	/* b's side must now address a2 */
	CU_ASSERT_EQUAL(ofld_tcp_terminate(f.cb, &sb), 0);
	rte_eth_macaddr_get(a2, &sb.remote_mac);
	f.cb = rte_pmd_ofld_tcp_offload(b, 0, &sb);
	CU_ASSERT_FATAL(f.cb != NULL);
	m = ofld_test_stream_chain(pool, acked, (uint32_t)(f.posted - acked), 1, 0);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(ofld_tcp_send(f.ca, &m, 1), 0);
	f.lens_head = f.nb_posted = 0;
	f.lens[0] = (uint32_t)(f.posted - acked);
	f.nb_posted = 1;
	f.nb_done = 0;
	drive(a2, b, &f, OFLD_TCP_SUCCESS, all_in,
	      "the rest of the stream from a2");
	if (f.received != f.posted)
		fprintf(stderr, "T12: received %" PRIu64 " of %" PRIu64 " (acked %"
			PRIu64 "), a2 segs out %" PRIu64 ", b segs in %" PRIu64
			" bad seq %" PRIu64 " csum %" PRIu64 " not ours %" PRIu64 "\n",
			f.received, f.posted, acked,
			ofld_test_xstat(a2, "tcp_q0_segs_out"),
			ofld_test_xstat(b, "tcp_q0_segs_in"),
			ofld_test_xstat(b, "tcp_q0_bad_seq"),
			ofld_test_xstat(b, "tcp_q0_csum_bad"),
			ofld_test_xstat(b, "tcp_q0_not_ours"));
	CU_ASSERT_EQUAL(f.received, f.posted);
	CU_ASSERT_EQUAL(f.bad_data, 0);
	CU_ASSERT_EQUAL(f.nb_done, 1);
	free(f.lens);
	rte_vdev_uninit("net_ofld_c");
	rte_vdev_uninit("net_ofld_b");
	CU_ASSERT(pool_full());
}

/* W1: plain ethdev traffic still reaches rx_burst beside connections. */
static void
test_w1_plain_traffic_beside(void)
{
	struct ofld_tcp_state sa, sb;
	struct rte_ether_addr mb;
	struct rte_mbuf *m[32], *rx[64];
	struct ofld_fault rng;
	struct flow f = { 0 };
	uint32_t i, plain = 0, seq;
	uint16_t k, tag, j;
	int a, b;

	a = port_up("net_ofld_a", "pair=w1,speed=10000");
	b = port_up("net_ofld_b", "pair=w1,speed=10000");
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	states(a, b, 1, &sa, &sb);
	f.ca = rte_pmd_ofld_tcp_offload(a, 0, &sa);
	f.cb = rte_pmd_ofld_tcp_offload(b, 0, &sb);
	f.lens_cap = 4096;
	f.lens = calloc(f.lens_cap, sizeof(uint32_t));
	ofld_fault_init(&rng, 7, 0, 0);
	post_more(&f, 1, 16u << 20, 16u << 20, &rng);
	rte_eth_macaddr_get(b, &mb);
	for (i = 0; i < 100 && !all_in(&f); i++) {
		for (j = 0; j < 32; j++)
			m[j] = ofld_test_frame(&mb, 200, i * 32 + j, 3);
		k = rte_eth_tx_burst(a, 0, m, 32);
		rte_pktmbuf_free_bulk(m + k, 32 - k);
		k = rte_eth_rx_burst(b, 0, rx, 64);
		for (j = 0; j < k; j++) {
			if (ofld_test_frame_check(rx[j], &seq, &tag) == 0 &&
			    tag == 3)
				plain++;
		}
		rte_pktmbuf_free_bulk(rx, k);
		k = rte_eth_rx_burst(a, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		reap(a, b, &f, 1, OFLD_TCP_SUCCESS);
	}
	drive(a, b, &f, OFLD_TCP_SUCCESS, all_in, "the whole stream at b");
	CU_ASSERT(all_in(&f));
	CU_ASSERT_EQUAL(f.bad_data, 0);
	CU_ASSERT(plain > 0);
	free(f.lens);
	rte_vdev_uninit("net_ofld_a");
	rte_vdev_uninit("net_ofld_b");
	CU_ASSERT(pool_full());
}

/*
 * The pair cable's transmit completions: the frames a's TCP engine sent
 * and b's engine consumed go back to a and are freed on a's side (its
 * engine, its tx_burst, rte_eth_tx_done_cleanup()); with tx_free=receiver
 * b frees them itself and nothing comes back. What waits to be freed
 * when a stops, or when the cable goes, is freed then (the pool is full
 * at the end).
 */
static void
run_tx_completions(const char *extra, bool back)
{
	struct ofld_fault rng;
	struct flow f = { 0 };
	char args[64];
	int a, b, n;

	snprintf(args, sizeof(args), "pair=txc,speed=0%s", extra);
	flow_up(args, 0, &f, &a, &b);
	ofld_fault_init(&rng, 11, 0, 0);
	post_more(&f, 1, 4u << 20, 4u << 20, &rng);
	/* a's engine sends its first window; only b runs after that */
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll(a, 0), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll(b, 0), 0);
	n = rte_eth_tx_done_cleanup(a, 0, 0);
	CU_ASSERT(back ? n > 0 : n == 0);
	CU_ASSERT_EQUAL(rte_eth_tx_done_cleanup(a, 0, 0), 0);
	/* more given back, and a stops with them waiting */
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll(a, 0), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll(b, 0), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(a), 0);
	CU_ASSERT_EQUAL(rte_eth_tx_done_cleanup(a, 0, 0), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_start(a), 0);
	drive(a, b, &f, OFLD_TCP_SUCCESS, all_in, "the whole stream at b");
	CU_ASSERT(all_in(&f));
	CU_ASSERT_EQUAL(f.bad_data, 0);
	flow_down(&f);
}

static void
test_tx_completions(void)
{
	run_tx_completions("", true);
	run_tx_completions(",tx_free=receiver", false);
}

/*
 * W (no loss, nothing queued without end): an unpaced pair lane holds at
 * most the bytes of 256 (OFLD_LANE_BACKLOG) frames of MTU 1500 of an
 * engine's frames. a's window and cwnd allow 4 MiB; b does not poll: a
 * sends what the lane takes (256 frames at MTU 1500) and keeps the rest
 * unbuilt, nothing is dropped at the lane (b's imissed stays 0), and the
 * whole stream arrives once b polls.
 */
static void
lane_backlog(uint16_t mtu, uint64_t lo, uint64_t hi)
{
	struct rte_eth_stats sta, stb;
	struct ofld_tcp_state q;
	struct ofld_fault rng;
	struct flow f = { 0 };
	int a, b;

	/* cwnd: only the lane holds a back */
	flow_up("pair=bql,speed=0", WINDOW, &f, &a, &b);
	CU_ASSERT_EQUAL(rte_eth_dev_set_mtu(a, mtu), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_set_mtu(b, mtu), 0);
	ofld_fault_init(&rng, 12, 0, 0);
	post_more(&f, 1, 4u << 20, 4u << 20, &rng);
	/* at most 32 segments per poll for one connection: 20 polls could
	 * send 640
	 */
	for (int i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(rte_pmd_ofld_poll(a, 0), 0);
	CU_ASSERT_EQUAL(rte_eth_stats_get(a, &sta), 0);
	ofld_tcp_query(f.ca, &q);
	CU_ASSERT(sta.opackets >= lo && sta.opackets <= hi);
	if (sta.opackets < lo || sta.opackets > hi)
		fprintf(stderr, "MTU %u: %" PRIu64 " frames on the lane, not "
			"%" PRIu64 "..%" PRIu64 "\n", mtu, sta.opackets, lo, hi);
	CU_ASSERT(q.snd_nxt - q.snd_una <= hi * 1448);
	drive(a, b, &f, OFLD_TCP_SUCCESS, all_in, "the whole stream at b");
	CU_ASSERT(all_in(&f));
	CU_ASSERT_EQUAL(f.bad_data, 0);
	CU_ASSERT_EQUAL(rte_eth_stats_get(b, &stb), 0);
	CU_ASSERT_EQUAL(stb.imissed, 0);
	flow_down(&f);
}

/* The backlog is the bytes of 256 frames of MTU 1500: 256 of them; at
 * MTU 9000, 256 x 1546 / 9046 = 43 frames waiting before a poll, and what
 * the room left sends in that poll (at most 32 segments of one
 * connection): 43..74, not 256.
 */
static void
test_lane_backlog(void)
{
	lane_backlog(1500, 256, 256);
	lane_backlog(9000, 43, 43 + 31);
}

/* engine=service: a service lcore runs port a's engine; the application
 * only posts, reaps, and makes control calls through the mailbox.
 */
static void
test_engine_on_service_lcore(void)
{
	struct ofld_tcp_state sa, sb;
	struct ofld_fault rng;
	struct flow f = { 0 };
	struct rte_mbuf *rx[64];
	uint32_t sid, lcore = rte_get_next_lcore(-1, 1, 0);
	uint64_t end;
	uint16_t k;
	int a, b;

	/* main() asks for two lcores: this test must not skip quietly */
	CU_ASSERT_FATAL(lcore < RTE_MAX_LCORE);
	a = port_up("net_ofld_a", "pair=svc,speed=10000,engine=service");
	b = port_up("net_ofld_b", "pair=svc,speed=10000");
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	CU_ASSERT_EQUAL_FATAL(rte_pmd_ofld_service_id(a, &sid), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_service_id(b, &sid) == -ENOENT, true);
	CU_ASSERT_EQUAL_FATAL(rte_pmd_ofld_service_id(a, &sid), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll(a, 0), -EBUSY);
	/* without the service running, control calls time out cleanly */
	states(a, b, 1, &sa, &sb);
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload(a, 0, &sa));
	CU_ASSERT_EQUAL(rte_errno, ETIMEDOUT);
	CU_ASSERT_EQUAL(rte_service_lcore_add(lcore), 0);
	CU_ASSERT_EQUAL(rte_service_map_lcore_set(sid, lcore, 1), 0);
	CU_ASSERT_EQUAL(rte_service_runstate_set(sid, 1), 0);
	CU_ASSERT_EQUAL(rte_service_lcore_start(lcore), 0);

	f.ca = rte_pmd_ofld_tcp_offload(a, 0, &sa);
	f.cb = rte_pmd_ofld_tcp_offload(b, 0, &sb);
	CU_ASSERT_FATAL(f.ca != NULL && f.cb != NULL);
	f.lens_cap = 4096;
	f.lens = calloc(f.lens_cap, sizeof(uint32_t));
	ofld_fault_init(&rng, 8, 0, 0);
	end = ofld_test_deadline(60000);
	while (!(f.received == 64u << 20 && f.nb_done == f.nb_posted) &&
	       !ofld_test_expired(end, "64 MiB at b with the engine on the "
			"service lcore (%" PRIu64 " received, %" PRIu64 " of %"
			PRIu64 " requests done)", f.received, f.nb_done,
			f.nb_posted)) {
		post_more(&f, 1, 64u << 20, 16u << 20, &rng);
		/* rx_burst on a gives only what the service kept for us */
		k = rte_eth_rx_burst(a, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		k = rte_eth_rx_burst(b, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		reap(a, b, &f, 1, OFLD_TCP_SUCCESS);
	}
	CU_ASSERT_EQUAL(f.received, 64u << 20);
	CU_ASSERT_EQUAL(f.bad_data, 0);
	CU_ASSERT_EQUAL(f.nb_done, f.nb_posted);
	CU_ASSERT_EQUAL(f.bad_order, 0);
	/* a graceful close through the mailbox */
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close(a, 0, f.ca), 0);
	end = ofld_test_deadline(10000);
	while (!(f.closed_a && f.fin_b) && !ofld_test_expired(end, "a's "
			"CLOSED (%d) and b's PEER_FIN (%d) after a close "
			"through the mailbox", f.closed_a, f.fin_b)) {
		k = rte_eth_rx_burst(b, 0, rx, 64);
		rte_pktmbuf_free_bulk(rx, k);
		reap(a, b, &f, 1, OFLD_TCP_SUCCESS);
	}
	CU_ASSERT(f.closed_a && f.fin_b);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(a, 0, f.ca), 0);
	/* a stopped port: the service still serves control calls (they
	 * used to wait for it 5 s and fail with -ETIMEDOUT); no new
	 * connections
	 */
	states(a, b, 2, &sa, &sb);
	f.ca = rte_pmd_ofld_tcp_offload(a, 0, &sa);
	CU_ASSERT_FATAL(f.ca != NULL);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(a), 0);
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload(a, 0, &sb));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort(a, 0, f.ca), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(a, 0, f.ca), 0);
	CU_ASSERT_EQUAL(rte_service_runstate_set(sid, 0), 0);
	CU_ASSERT_EQUAL(rte_service_lcore_stop(lcore), 0);
	/* the lcore may still be in its last iteration when stop returns
	 * (rte_service.h): wait until it left (sleeping: it may need our
	 * core to get there) before it stops being a service lcore. Else
	 * the port's close, which waits while rte_service_may_be_active(),
	 * no longer sees it and frees the engines under it.
	 */
	end = ofld_test_deadline(10000);
	while (rte_service_lcore_may_be_active(lcore) == 1 &&
	       !ofld_test_expired(end, "service lcore %u to leave its loop "
				  "after rte_service_lcore_stop()", lcore))
		rte_delay_us_sleep(100);
	CU_ASSERT_EQUAL(rte_service_lcore_may_be_active(lcore), 0);
	CU_ASSERT_EQUAL(rte_service_lcore_del(lcore), 0);
	free(f.lens);
	rte_vdev_uninit("net_ofld_a");
	rte_vdev_uninit("net_ofld_b");
	CU_ASSERT(pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "T1-T7 transfer, mixed requests", test_transfer_clean },
		{ "T8 transfer, 1% loss", test_transfer_loss },
		{ "T8 transfer, reordering", test_transfer_reorder },
		{ "T8 transfer, duplication", test_transfer_dup },
		{ "T8 transfer, loss+reorder+dup", test_transfer_all_faults },
		{ "N3 TSO bursts over a lower with TSO",
		  test_transfer_tso_bursts },
		{ "N3 TSO bursts, 1% loss", test_transfer_tso_bursts_loss },
		{ "N3 TSO bursts to an LRO port on the pair",
		  test_transfer_lro },
		{ "N3 TSO bursts to an LRO port on a paced link",
		  test_transfer_lro_paced },
		{ "N3 no TSO bursts to an LRO port with faults",
		  test_transfer_lro_faults },
		{ "W1 N3 an LRO frame the application receives",
		  test_lro_frame_to_application },
		{ "W3 N3 a lower port that takes part of a burst",
		  test_transfer_busy_lower },
		{ "W1 1000 connections, T10 close", test_many_connections_close },
		{ "T9 RST mid-transfer", test_t9_rst_mid_transfer },
		{ "T11 abortive close", test_t11_abort },
		{ "T12 terminate, continue on another port",
		  test_t12_terminate_continue },
		{ "W1 plain traffic beside offloaded connections",
		  test_w1_plain_traffic_beside },
		{ "engine on a service lcore", test_engine_on_service_lcore },
		{ "W transmit completions freed by the sender",
		  test_tx_completions },
		{ "W an engine's backlog on an unpaced lane",
		  test_lane_backlog },
		{ NULL, NULL },
	};
	const char *env = getenv("OFLD_TCP_TEST_MIB");

	RTE_SET_USED(argc);
	if (env != NULL && atoi(env) > 0)
		mib = (uint64_t)atoi(env);
	/* a second lcore for the service test (busy while it runs: the
	 * suite is not run in parallel with others, tests/pmd/meson.build)
	 */
	ofld_test_want_lcores(2);
	return ofld_test_main_pool(argv[0], "net_ofld TCP send offload",
				   cases, &pool, POOL_SIZE);
}
