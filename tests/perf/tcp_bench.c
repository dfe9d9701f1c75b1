/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * tcp_bench: the TCP engine's work per data segment, path by path, on one
 * core (issue 14). Two engines back to back in one thread over in-memory
 * wires, on virtual time, no PMD:
 *
 *   send  the sender's ofld_tcp_poll(): segments built and put on the wire
 *   recv  the receiver's ofld_tcp_input() of the data segments and its
 *         ofld_tcp_poll(): parse, look-up, the payload copy (what a NIC's
 *         receive DMA would do), reassembly, ACK decisions, ACKs built
 *   ack   the sender's ofld_tcp_input() of the ACKs: RTT, scoreboard,
 *         congestion control, completions, and the data segments the
 *         ACKs clock out (the engine sends from its input as soon as the
 *         window opens; its poll sends what is left)
 *   app   both applications: posting requests, taking events, checking
 *         every received byte (not the engine's; shown for scale)
 *
 * The wire hands frames over as the pair cable does (a checksum left to
 * the wire arrives marked good). Prints TSC cycles per data segment for
 * each path. Instructions per segment, repeatable on a shared machine:
 * tests/perf/tcp_callgrind.sh (callgrind, inclusive costs of the
 * bench_*_path functions below). Figures, not a test; its smoke run is in
 * the perf-smoke suite.
 *
 * usage: tcp_bench [EAL args] -- [--mbytes N] [--conns N] [--req-kib N]
 *                  [--depth N] [--wnd-kib N] [--cc newreno|cubic] [--ipv6]
 *                  [--tso]
 *
 * --tso: the sender's engine sends TSO bursts of up to 64 KiB, which the
 * wire hands over whole, marked as a NIC's LRO frame (the pair cable to a
 * port with LRO); "per segment" still counts MSS segments.
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "app_pattern.h"
#include "ofld_req.h"
#include "ofld_tcp.h"
#include "ofld_test.h"

#define WIRE_MAX	(1u << 16)	/* frames in flight one way */
#define BURST		32		/* frames per input call, as rx_burst */
#define MAX_CONNS	64

struct wire {
	struct rte_mbuf *q[WIRE_MAX];
	uint32_t head, tail;
	uint64_t dropped;	/* wire full: must stay 0 */
};

struct bconn {
	struct ofld_tcp_conn *tx, *rx;
	uint32_t start;		/* where the stream begins in the region */
	uint64_t posted, done, received, bad;
	uint32_t outstanding;
};

enum path { P_SEND, P_RECV, P_ACK, P_APP, P_N };
static const char *const path_name[P_N] = { "send", "recv", "ack", "app" };

static struct {
	uint64_t mbytes;
	uint32_t conns, req, depth, wnd;
	uint8_t cc;
	bool v6;
	bool tso;	/* TSO bursts handed over whole (LRO), as the pair's */
} o = { 256, 4, 256 << 10, 4, 1 << 20, OFLD_TCP_CC_NEWRENO, false, false };

static struct wire w_ab, w_ba;
static struct bconn bc[MAX_CONNS];
static struct rte_mempool *tx_pool, *rx_pool, *ext_pool;
static struct app_pattern pat;
static uint64_t now_us = 1000000;
static uint64_t cycles[P_N];

static uint64_t
vclock(void *arg)
{
	RTE_SET_USED(arg);
	return now_us;
}

static void
wire_xmit(void *arg, struct rte_mbuf **f, uint16_t n)
{
	struct wire *w = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = f[i];
		const bool lro = m->ol_flags & RTE_MBUF_F_TX_TCP_SEG;
		const uint16_t segsz = (uint16_t)m->tso_segsz;

		if (w->tail - w->head == WIRE_MAX) {
			w->dropped++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* as the pair cable: a checksum left to the wire is good */
		m->ol_flags = (m->ol_flags & (RTE_MBUF_F_INDIRECT |
					      RTE_MBUF_F_EXTERNAL)) |
			((m->ol_flags & RTE_MBUF_F_TX_L4_MASK) ==
			 RTE_MBUF_F_TX_TCP_CKSUM ?
			 RTE_MBUF_F_RX_L4_CKSUM_GOOD |
			 RTE_MBUF_F_RX_IP_CKSUM_GOOD : 0);
		m->tx_offload = 0;
		if (lro) {
			/* a TSO burst arrives whole, as over the pair to a
			 * port with LRO
			 */
			m->ol_flags |= RTE_MBUF_F_RX_LRO;
			m->tso_segsz = segsz;
		}
		w->q[w->tail++ % WIRE_MAX] = m;
	}
}

static uint16_t
wire_take(struct wire *w, struct rte_mbuf **out, uint16_t max)
{
	uint16_t k = 0;

	while (w->head != w->tail && k < max)
		out[k++] = w->q[w->head++ % WIRE_MAX];
	return k;
}

/* The timed calls, out of line so that callgrind counts each alone; each
 * counts its calls after the call (no tail call, no two bodies alike for
 * the linker to fold into one).
 */
static volatile uint64_t path_calls[P_N];

static __rte_noinline void
bench_send_path(struct ofld_tcp_engine *a)
{
	ofld_tcp_poll(a);
	path_calls[P_SEND]++;
}

static __rte_noinline void
bench_recv_path(struct ofld_tcp_engine *b, struct rte_mbuf **f, uint16_t n)
{
	struct rte_mbuf *rest[BURST];
	uint16_t k = ofld_tcp_input(b, f, n, rest);

	if (k != 0) {	/* not ours: cannot happen here, but never leak */
		fprintf(stderr, "tcp_bench: %u frames not for the engine\n", k);
		rte_pktmbuf_free_bulk(rest, k);
	}
	path_calls[P_RECV]++;
}

static __rte_noinline void
bench_recv_poll(struct ofld_tcp_engine *b)
{
	ofld_tcp_poll(b);
	path_calls[P_RECV]++;
}

static __rte_noinline void
bench_ack_path(struct ofld_tcp_engine *a, struct rte_mbuf **f, uint16_t n)
{
	struct rte_mbuf *rest[BURST];
	uint16_t k = ofld_tcp_input(a, f, n, rest);

	if (k != 0) {
		fprintf(stderr, "tcp_bench: %u frames not for the engine\n", k);
		rte_pktmbuf_free_bulk(rest, k);
	}
	path_calls[P_ACK]++;
}


static void
make_states(uint32_t i, struct ofld_tcp_state *a, struct ofld_tcp_state *b)
{
	static const uint8_t v6a[16] = { 0x20, 1, 0, 2, [15] = 1 };
	static const uint8_t v6b[16] = { 0x20, 1, 0, 2, [15] = 2 };

	memset(a, 0, sizeof(*a));
	a->ipv6 = o.v6;
	memcpy(a->local_ip, o.v6 ? v6a : (const uint8_t[16]){ 198, 18, 0, 1 },
	       16);
	memcpy(a->remote_ip, o.v6 ? v6b : (const uint8_t[16]){ 198, 18, 0, 2 },
	       16);
	a->local_port = (uint16_t)(40000 + i);
	a->remote_port = 5001;
	a->remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 2 } };
	a->cookie = i;
	a->snd_una = a->snd_nxt = a->snd_max = 1000 + i * 7919;
	a->rcv_nxt = 500000 + i * 104729;
	a->snd_wnd = a->rcv_wnd = o.wnd;
	a->cwnd = 10 * 1448;
	a->ssthresh = UINT32_MAX;
	a->mss = o.v6 ? 1428 : 1448;	/* MTU 1500 with timestamps */
	a->snd_wscale = a->rcv_wscale = 7;
	a->ts_ok = true;
	a->sack_ok = true;
	a->cc = o.cc;
	*b = *a;
	memcpy(b->local_ip, a->remote_ip, 16);
	memcpy(b->remote_ip, a->local_ip, 16);
	b->local_port = a->remote_port;
	b->remote_port = a->local_port;
	b->remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 1 } };
	b->snd_una = b->snd_nxt = b->snd_max = a->rcv_nxt;
	b->rcv_nxt = a->snd_una;
}

static struct ofld_tcp_engine *
make_engine(const char *name, struct wire *out, uint8_t mac_last,
	    uint32_t tso_max)
{
	struct ofld_tcp_engine_conf conf = {
		.max_conns = MAX_CONNS,
		.socket = (int)rte_socket_id(),
		.local_mac = { .addr_bytes = { 2, 0, 0, 0, 0, mac_last } },
		.tx_pool = tx_pool,
		.rx_pool = rx_pool,
		.xmit = wire_xmit,
		.xmit_arg = out,
		.tx_csum_offload = true,	/* as net_ofld on the pair */
		.tso_max = tso_max,
		.clock_us = vclock,
	};
	struct ofld_tcp_engine *e = ofld_tcp_engine_create(name, &conf);

	if (e == NULL)
		fprintf(stderr, "tcp_bench: engine %s: %s\n", name,
			rte_strerror(rte_errno));
	return e;
}

static int
open_conns(struct ofld_tcp_engine *a, struct ofld_tcp_engine *b)
{
	struct ofld_tcp_state sa, sb;
	uint32_t i;

	for (i = 0; i < o.conns; i++) {
		make_states(i, &sa, &sb);
		bc[i].start = app_pattern_start(i);
		bc[i].tx = ofld_tcp_offload(a, &sa);
		bc[i].rx = ofld_tcp_offload(b, &sb);
		if (bc[i].tx == NULL || bc[i].rx == NULL) {
			fprintf(stderr, "tcp_bench: offload of connection %u: "
				"%s\n", i, rte_strerror(rte_errno));
			return -1;
		}
	}
	return 0;
}

/* Keep o.depth requests outstanding on every connection, up to its share. */
static int
post_all(uint64_t per_conn)
{
	struct rte_mbuf *m;
	uint32_t i, len;

	for (i = 0; i < o.conns; i++) {
		struct bconn *c = &bc[i];

		while (c->outstanding < o.depth && c->posted < per_conn) {
			len = (uint32_t)RTE_MIN((uint64_t)o.req,
						per_conn - c->posted);
			m = app_pattern_request(&pat, ext_pool, c->start,
						c->posted, len);
			if (m == NULL) {
				fprintf(stderr, "tcp_bench: out of request "
					"mbufs\n");
				return -1;
			}
			if (ofld_tcp_send(c->tx, &m, 1) != 0) {
				fprintf(stderr, "tcp_bench: send refused\n");
				rte_pktmbuf_free(m);
				return -1;
			}
			c->posted += len;
			c->outstanding++;
		}
	}
	return 0;
}

/* Take every event of an engine; @return how many. */
static unsigned int
take_events(struct ofld_tcp_engine *e)
{
	struct ofld_tcp_event ev[64];
	unsigned int total = 0;
	uint16_t n, i;

	while ((n = ofld_tcp_events(e, ev, RTE_DIM(ev))) != 0) {
		for (i = 0; i < n; i++) {
			struct bconn *c = &bc[ev[i].conn_cookie % MAX_CONNS];

			if (ev[i].kind == OFLD_TCP_EV_RECV) {
				c->bad += app_pattern_bad_bytes(&pat, ev[i].m,
						c->start, c->received);
				c->received += ev[i].bytes;
			} else if (ev[i].kind == OFLD_TCP_EV_SEND_DONE) {
				if (ev[i].status != OFLD_TCP_SUCCESS)
					c->bad++;
				c->done += ev[i].bytes;
				c->outstanding--;
			}
			rte_pktmbuf_free(ev[i].m);
		}
		total += n;
	}
	return total;
}

static bool
all_done(uint64_t per_conn)
{
	uint32_t i;

	for (i = 0; i < o.conns; i++)
		if (bc[i].done < per_conn || bc[i].received < per_conn)
			return false;
	return true;
}

/* One round: post, send, receive, ACK; @return frames and events moved. */
static uint64_t
round_trip(struct ofld_tcp_engine *a, struct ofld_tcp_engine *b,
	   uint64_t per_conn)
{
	struct rte_mbuf *f[BURST];
	uint64_t t0, t1, moved = 0;
	uint16_t n;

	t0 = rte_rdtsc();
	moved += take_events(a);
	if (post_all(per_conn) != 0)
		return UINT64_MAX;
	t1 = rte_rdtsc();
	cycles[P_APP] += t1 - t0;
	bench_send_path(a);
	t0 = rte_rdtsc();
	cycles[P_SEND] += t0 - t1;
	while ((n = wire_take(&w_ab, f, BURST)) != 0) {
		bench_recv_path(b, f, n);
		moved += n;
	}
	bench_recv_poll(b);
	t1 = rte_rdtsc();
	cycles[P_RECV] += t1 - t0;
	moved += take_events(b);
	t0 = rte_rdtsc();
	cycles[P_APP] += t0 - t1;
	while ((n = wire_take(&w_ba, f, BURST)) != 0) {
		bench_ack_path(a, f, n);
		moved += n;
	}
	cycles[P_ACK] += rte_rdtsc() - t0;
	return moved;
}

static int
setup_memory(void)
{
	/* segments in flight: a window per connection, two mbufs each */
	uint64_t segs = (uint64_t)o.conns * (o.wnd / 1000 + 64) + 1024;
	uint64_t ext = (uint64_t)o.conns * o.depth *
		(o.req / APP_PATTERN_CHUNK + 2) + 1023;

	tx_pool = rte_pktmbuf_pool_create("bench_tx",
		(unsigned int)RTE_MIN(2 * segs + 4095, 1048575u), 512, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	rx_pool = rte_pktmbuf_pool_create("bench_rx",
		(unsigned int)RTE_MIN(segs + 4095, 1048575u), 512, 0,
		RTE_MBUF_DEFAULT_BUF_SIZE, (int)rte_socket_id());
	ext_pool = rte_pktmbuf_pool_create("bench_ext",
		(unsigned int)RTE_MIN(ext, 1048575u), 512, 0, 0,
		(int)rte_socket_id());
	if (ofld_req_register() != 0) {	/* the requests' metadata */
		fprintf(stderr, "tcp_bench: mbuf dynfield: %s\n",
			rte_strerror(rte_errno));
		return -1;
	}
	if (tx_pool == NULL || rx_pool == NULL || ext_pool == NULL ||
	    app_pattern_init(&pat, 7919u) != 0) {
		fprintf(stderr, "tcp_bench: out of memory (give EAL more "
			"with -m): %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static bool
pools_full(void)
{
	bool ok = rte_mempool_full(tx_pool) && rte_mempool_full(rx_pool) &&
		rte_mempool_full(ext_pool);

	if (!ok)
		fprintf(stderr, "tcp_bench: mbufs not back: tx %u/%u, rx "
			"%u/%u, requests %u/%u\n",
			rte_mempool_avail_count(tx_pool), tx_pool->size,
			rte_mempool_avail_count(rx_pool), rx_pool->size,
			rte_mempool_avail_count(ext_pool), ext_pool->size);
	return ok;
}

static void
report(struct ofld_tcp_engine *a, struct ofld_tcp_engine *b,
       uint64_t bytes)
{
	struct ofld_tcp_stats sa, sb;
	double hz = (double)rte_get_tsc_hz(), segs;
	uint64_t snd_side, rcv_side;
	unsigned int p;

	ofld_tcp_stats_get(a, &sa);
	ofld_tcp_stats_get(b, &sb);
	segs = (double)sa.segs_out;
	printf("%-6s %14s %12s\n", "path", "cycles/segment", "ns/segment");
	for (p = 0; p < P_N; p++)
		printf("%-6s %14.1f %12.1f\n", path_name[p],
		       cycles[p] / segs, cycles[p] / segs / hz * 1e9);
	snd_side = cycles[P_SEND] + cycles[P_ACK];
	rcv_side = cycles[P_RECV];
	printf("sender's engine (send + ack) %.1f ns/segment: %.1f Gbit/s of "
	       "payload per core\n", snd_side / segs / hz * 1e9,
	       bytes * 8.0 / (snd_side / hz) / 1e9);
	printf("receiver's engine (recv) %.1f ns/segment: %.1f Gbit/s of "
	       "payload per core\n", rcv_side / segs / hz * 1e9,
	       bytes * 8.0 / (rcv_side / hz) / 1e9);
	printf("data segments %" PRIu64 " (retransmitted %" PRIu64 "), ACKs %"
	       PRIu64 ", payload %" PRIu64 " bytes\n", sa.segs_out,
	       sa.retrans_segs, sb.segs_out, bytes);
}

static int
options(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "mbytes", 1, NULL, 'm' }, { "conns", 1, NULL, 'c' },
		{ "req-kib", 1, NULL, 'r' }, { "depth", 1, NULL, 'd' },
		{ "wnd-kib", 1, NULL, 'w' }, { "cc", 1, NULL, 'C' },
		{ "ipv6", 0, NULL, '6' }, { "tso", 0, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int opt;

	while ((opt = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		if (opt == '6' || opt == 't') {
			*(opt == '6' ? &o.v6 : &o.tso) = true;
			continue;
		}
		if (opt == 'C') {
			if (strcmp(optarg, "cubic") == 0)
				o.cc = OFLD_TCP_CC_CUBIC;
			else if (strcmp(optarg, "newreno") == 0)
				o.cc = OFLD_TCP_CC_NEWRENO;
			else
				goto bad;
			continue;
		}
		if (opt == '?')
			goto bad;
		v = strtoul(optarg, &end, 10);
		if (*end != '\0' || v == 0 || v > 1048576)
			goto bad;
		switch (opt) {
		case 'm': o.mbytes = v; break;
		case 'c': if (v > MAX_CONNS) goto bad; o.conns = (uint32_t)v;
			  break;
		case 'r': if (v > 1024 * 1024) goto bad;
			  o.req = (uint32_t)v << 10; break;
		case 'd': o.depth = (uint32_t)v; break;
		case 'w': if (v > 65536) goto bad; o.wnd = (uint32_t)v << 10;
			  break;
		}
	}
	return 0;
bad:
	fprintf(stderr, "usage: tcp_bench [EAL args] -- [--mbytes N (1-1048576)]"
		" [--conns N (1-%u)] [--req-kib N] [--depth N] [--wnd-kib N "
		"(at most 65536)] [--cc newreno|cubic] [--ipv6] [--tso]\n",
		MAX_CONNS);
	return -1;
}

static int
bench(struct ofld_tcp_engine *a, struct ofld_tcp_engine *b)
{
	uint64_t per_conn = (o.mbytes << 20) / o.conns, moved;
	uint64_t last_move_us = now_us, bad = 0;
	uint64_t dl = ofld_test_deadline(600000);
	uint32_t i;

	while (!all_done(per_conn)) {
		now_us += 2;
		moved = round_trip(a, b, per_conn);
		if (moved == UINT64_MAX)
			return -1;
		if (moved != 0)
			last_move_us = now_us;
		if (now_us - last_move_us > 10000000 ||
		    ofld_test_expired(dl, "the transfer to end")) {
			fprintf(stderr, "tcp_bench: no progress for 10 s of "
				"virtual time (or 600 s of real time): %"
				PRIu64 " of %" PRIu64 " bytes acknowledged on "
				"connection 0\n", bc[0].done, per_conn);
			return -1;
		}
	}
	for (i = 0; i < o.conns; i++)
		bad += bc[i].bad;
	report(a, b, per_conn * o.conns);
	printf("bad bytes %" PRIu64 ", frames dropped by a full wire %" PRIu64
	       "\n", bad, w_ab.dropped + w_ba.dropped);
	return bad == 0 && w_ab.dropped + w_ba.dropped == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct ofld_tcp_engine *a = NULL, *b = NULL;
	int n, ret = 1;

	n = rte_eal_init(argc, argv);
	if (n < 0) {
		fprintf(stderr, "tcp_bench: EAL init failed\n");
		return 1;
	}
	if (options(argc - n, argv + n) != 0 || setup_memory() != 0)
		goto out;
	printf("tcp_bench: %u connection(s), %u KiB requests x %u, window %u "
	       "KiB, %s, %s, %" PRIu64 " MiB; one core, TSC %.2f GHz\n",
	       o.conns, o.req >> 10, o.depth, o.wnd >> 10,
	       o.cc == OFLD_TCP_CC_CUBIC ? "CUBIC" : "NewReno",
	       o.v6 ? "IPv6" : "IPv4", o.mbytes, rte_get_tsc_hz() / 1e9);
	a = make_engine("bench_a", &w_ab, 1, o.tso ? 65536 : 0);
	b = make_engine("bench_b", &w_ba, 2, 0);
	if (a != NULL && b != NULL && open_conns(a, b) == 0 &&
	    bench(a, b) == 0)
		ret = 0;
	/* engines freed with their connections; what is left in flight too */
	if (a != NULL)
		ofld_tcp_engine_free(a);
	if (b != NULL)
		ofld_tcp_engine_free(b);
	{
		struct rte_mbuf *f[BURST];
		uint16_t k;

		while ((k = wire_take(&w_ab, f, BURST)) != 0)
			rte_pktmbuf_free_bulk(f, k);
		while ((k = wire_take(&w_ba, f, BURST)) != 0)
			rte_pktmbuf_free_bulk(f, k);
	}
	if (ret == 0 && !pools_full())
		ret = 1;
	app_pattern_free(&pat);
out:
	rte_eal_cleanup();
	return ret;
}
