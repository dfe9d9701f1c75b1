/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf: large sends on offloaded TCP connections between two
 * net_ofld ports on the in-memory pair cable, at a chosen link speed; or
 * (--peer kernel) between a net_ofld port stacked on net_tap and the
 * Linux kernel of the network namespace it runs in, either way
 * (--direction send: ofld sends to kernel sockets; recv: kernel sockets
 * send to ofld's listener).
 *
 * The receiving port listens, the sending port connects N connections
 * (MSS, window scale, timestamps negotiated), then keeps every connection
 * busy with requests of one size. Request payload is zero copy: each
 * request is a chain of mbufs attached (external buffers) to slices of a
 * per-connection pattern region, so the sender writes nothing per byte.
 * The receiver compares every byte it gets with that region and counts
 * PSH boundaries. One line per second, then a summary (and --json).
 *
 * With the kernel as the peer the other end is apps/ofld-perf/
 * kernel-peer.py (a sink or a source of the same pattern, which checks or
 * produces every byte); apps/ofld-perf/perf-kernel.py runs both in a
 * network namespace of its own.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_service.h>

#include "app_ktap.h"
#include "app_opts.h"
#include "rte_pmd_ofld.h"

#define REGION		(4u << 20)	/* pattern bytes per connection */
#define CHUNK		(32u << 10)	/* bytes per external-buffer mbuf */
#define NB_CHUNKS	(REGION / CHUNK)
#define HIST_BUCKETS	(64 * 16)
#define SERVER_PORT	5001
#define LISTEN_COOKIE	UINT64_MAX

struct opts {
	uint32_t req_size;
	uint32_t conns;
	double seconds;
	uint64_t total_bytes;
	uint32_t speed;
	uint16_t mtu;
	bool ipv6;
	uint8_t cc;
	bool service;
	bool json;
	bool quiet;
	uint32_t depth;		/* requests outstanding per connection */
	bool kernel;		/* --peer kernel */
	bool recv;		/* --direction recv: ofld receives */
	bool speed_set;
};

static volatile bool stop_signal;

struct conn {
	struct ofld_tcp_conn *tx, *rx;
	uint32_t start;			/* where its stream starts in the region */
	uint64_t posted, sent_done, received;
	uint64_t posted_reqs, done_reqs;
	uint64_t bad_bytes;
	uint64_t failed_reqs;			/* completed, not acked */
	uint64_t *post_tsc;			/* ring of post times */
	uint32_t post_cap;
	bool connected, accepted;
	bool established;			/* connected once */
	bool closing, closed, peer_fin;		/* --peer kernel */
	int close_status;
};

struct app {
	struct opts o;
	/* one pattern region for all connections, each starting elsewhere */
	uint8_t *region;
	struct rte_mbuf_ext_shared_info shinfo[NB_CHUNKS];
	uint16_t tx_port, rx_port;
	struct rte_mempool *pool, *ext_pool;
	struct conn *c;
	uint64_t hist[HIST_BUCKETS];	/* completion latency, log2 x 16 */
	uint64_t lat_n;
	volatile bool rx_stop;
	uint64_t received_total, psh_seen;
	struct app_ktap kt;		/* --peer kernel */
	uint64_t strays;		/* unexpected kernel connections */
	uint64_t last_rx_tsc;		/* recv: when data last came */
};

static struct app app;

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "Large sends on offloaded TCP connections across two net_ofld\n"
	       "ports on the in-memory pair cable, or between net_ofld on\n"
	       "net_tap and the Linux kernel (--peer kernel).\n\n"
	       "  --peer P         pair (default): two net_ofld ports cabled\n"
	       "                   in memory; kernel: the net_ofld port of the\n"
	       "                   EAL options stacked on net_tap, e.g. --vdev\n"
	       "                   net_tap0,iface=ofldtap0 --vdev\n"
	       "                   net_ofld0,lower=net_tap0, and the kernel's\n"
	       "                   sockets (apps/ofld-perf/kernel-peer.py) as\n"
	       "                   the other end\n"
	       "  --direction D    with --peer kernel: send (default, ofld\n"
	       "                   connects to a kernel sink on "
	       APP_KTAP_KERNEL_IP4 ":%u)\n"
	       "                   or recv (ofld listens on " APP_KTAP_OFLD_IP4
	       ":%u,\n"
	       "                   kernel sockets send)\n"
	       "  --req-size B     bytes per send request (default 262144)\n"
	       "  --conns N        connections (default 4)\n"
	       "  --seconds S      run time (default 5)\n"
	       "  --bytes B        stop after B bytes in all (default: none)\n"
	       "  --speed M        link speed in Mbit/s, 0 = unpaced "
	       "(default 100000)\n"
	       "  --mtu M          MTU, 576..9000 (default 1500)\n"
	       "  --ipv6           IPv6 instead of IPv4\n"
	       "  --cc NAME        newreno or cubic (default newreno)\n"
	       "  --engine MODE    inline or service (default inline)\n"
	       "  --depth N        requests outstanding per connection "
	       "(default 4)\n"
	       "  --json           summary as JSON on stdout\n"
	       "  --quiet          no progress lines\n"
	       "  --help           this text\n"
	       "With --peer kernel, the link speed is net_ofld's device\n"
	       "argument (speed=; unpaced without it) and --seconds/--bytes\n"
	       "of recv are the kernel source's: ofld-perf receives until\n"
	       "every connection is closed by the kernel.\n", prog, SERVER_PORT, SERVER_PORT);
}

static int
num(const char *opt, const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	return app_opt_u64("ofld-perf", opt, s, min, max, v);
}

static int
parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "req-size", required_argument, NULL, 'r' },
		{ "conns", required_argument, NULL, 'n' },
		{ "seconds", required_argument, NULL, 's' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "speed", required_argument, NULL, 'p' },
		{ "mtu", required_argument, NULL, 'm' },
		{ "ipv6", no_argument, NULL, '6' },
		{ "cc", required_argument, NULL, 'c' },
		{ "engine", required_argument, NULL, 'e' },
		{ "depth", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "peer", required_argument, NULL, 'P' },
		{ "direction", required_argument, NULL, 'D' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	char *end;
	bool dir_set = false;
	int ch;

	*o = (struct opts){ .req_size = 256 * 1024, .conns = 4, .seconds = 5,
			    .speed = 100000, .mtu = 1500, .depth = 4 };
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (num("req-size", optarg, 1, 64u << 20, &v))
				return -1;
			o->req_size = (uint32_t)v;
			break;
		case 'n':
			if (num("conns", optarg, 1, 100000, &v))
				return -1;
			o->conns = (uint32_t)v;
			break;
		case 's':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno || end == optarg || *end != '\0' ||
			    !(o->seconds > 0 && o->seconds <= 3600)) {
				fprintf(stderr, "ofld-perf: --seconds %s: expected "
					"a number in (0, 3600]\n", optarg);
				return -1;
			}
			break;
		case 'b':
			if (num("bytes", optarg, 1, UINT64_MAX, &v))
				return -1;
			o->total_bytes = v;
			break;
		case 'p':
			if (num("speed", optarg, 0, 400000, &v))
				return -1;
			o->speed = (uint32_t)v;
			o->speed_set = true;
			break;
		case 'm':
			if (num("mtu", optarg, 576, 9000, &v))
				return -1;
			o->mtu = (uint16_t)v;
			break;
		case '6':
			o->ipv6 = true;
			break;
		case 'c':
			if (strcmp(optarg, "newreno") == 0) {
				o->cc = OFLD_TCP_CC_NEWRENO;
			} else if (strcmp(optarg, "cubic") == 0) {
				o->cc = OFLD_TCP_CC_CUBIC;
			} else {
				fprintf(stderr, "ofld-perf: --cc %s: expected "
					"newreno or cubic\n", optarg);
				return -1;
			}
			break;
		case 'e':
			if (strcmp(optarg, "inline") == 0) {
				o->service = false;
			} else if (strcmp(optarg, "service") == 0) {
				o->service = true;
			} else {
				fprintf(stderr, "ofld-perf: --engine %s: expected "
					"inline or service\n", optarg);
				return -1;
			}
			break;
		case 'd':
			if (num("depth", optarg, 1, 1024, &v))
				return -1;
			o->depth = (uint32_t)v;
			break;
		case 'j':
			o->json = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'P':
			if (strcmp(optarg, "pair") == 0) {
				o->kernel = false;
			} else if (strcmp(optarg, "kernel") == 0) {
				o->kernel = true;
			} else {
				fprintf(stderr, "ofld-perf: --peer %s: "
					"expected pair or kernel\n", optarg);
				return -1;
			}
			break;
		case 'D':
			if (strcmp(optarg, "send") == 0) {
				o->recv = false;
			} else if (strcmp(optarg, "recv") == 0) {
				o->recv = true;
			} else {
				fprintf(stderr, "ofld-perf: --direction %s: "
					"expected send or recv\n", optarg);
				return -1;
			}
			dir_set = true;
			break;
		case 'h':
			usage(argv[0]);
			exit(0);
		default:
			usage(argv[0]);
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "ofld-perf: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!o->kernel && dir_set) {
		fprintf(stderr, "ofld-perf: --direction needs --peer kernel (on "
			"the pair cable ofld is both ends)\n");
		return -1;
	}
	if (o->kernel && o->speed_set) {
		fprintf(stderr, "ofld-perf: --speed: with --peer kernel the link "
			"speed is net_ofld's device argument, e.g. --vdev "
			"net_ofld0,lower=net_tap0,speed=1000\n");
		return -1;
	}
	if (o->kernel && o->mtu > 1500) {
		fprintf(stderr, "ofld-perf: --mtu %u: net_tap takes frames of "
			"at most 1522 bytes (MTU 1500)\n", o->mtu);
		return -1;
	}
	if (o->kernel && o->conns > 50000) {
		fprintf(stderr, "ofld-perf: --conns %u: with --peer kernel the "
			"connections use ports 10000 and up (at most 50000)\n",
			o->conns);
		return -1;
	}
	return 0;
}

/* ---- payload: a pattern region per connection ------------------------ */

static void
noop_free(void *addr, void *opaque)
{
	RTE_SET_USED(addr);
	RTE_SET_USED(opaque);
}

static void
region_fill(uint8_t *r, uint32_t salt)
{
	uint64_t *w = (uint64_t *)(void *)r;
	uint32_t i;

	for (i = 0; i < REGION / 8; i++)
		w[i] = ((uint64_t)i * 0x9e3779b97f4a7c15ULL) ^ salt;
}

/* A request of len bytes at stream offset off: external-buffer mbufs
 * pointing into the region (which repeats every REGION bytes).
 */
static struct rte_mbuf *
make_request(struct conn *c, uint64_t off, uint32_t len)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t pos, chunk, in_chunk, take;

	while (len > 0) {
		pos = (uint32_t)((c->start + off) % REGION);
		chunk = pos / CHUNK;
		in_chunk = pos % CHUNK;
		take = RTE_MIN(len, CHUNK - in_chunk);
		m = rte_pktmbuf_alloc(app.ext_pool);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		rte_mbuf_ext_refcnt_update(&app.shinfo[chunk], 1);
		rte_pktmbuf_attach_extbuf(m, app.region + chunk * CHUNK,
			rte_malloc_virt2iova(app.region) + chunk * CHUNK,
			CHUNK, &app.shinfo[chunk]);
		m->data_off = (uint16_t)in_chunk;
		m->data_len = (uint16_t)take;
		m->pkt_len = take;
		if (head == NULL)
			head = m;
		else
			rte_pktmbuf_chain(head, m);
		off += take;
		len -= take;
	}
	return head;
}

/* ---- latency histogram: 16 sub-buckets per power of two -------------- */

static void
hist_add(uint64_t cycles)
{
	unsigned int b = 0;

	if (cycles >= 16) {
		unsigned int l = 63 - __builtin_clzll(cycles);

		b = (l - 3) * 16 + (unsigned int)((cycles >> (l - 4)) & 15);
	} else {
		b = (unsigned int)cycles;
	}
	if (b >= HIST_BUCKETS)
		b = HIST_BUCKETS - 1;
	app.hist[b]++;
	app.lat_n++;
}

static double
hist_pct(double p)
{
	uint64_t want = (uint64_t)ceil(p * app.lat_n), sum = 0;
	unsigned int b, l;
	uint64_t lo;

	for (b = 0; b < HIST_BUCKETS; b++) {
		sum += app.hist[b];
		if (sum >= want && app.hist[b] != 0)
			break;
	}
	if (b < 16)
		lo = b;
	else {
		l = b / 16 + 3;
		lo = ((uint64_t)16 + b % 16) << (l - 4);
	}
	return lo * 1e6 / rte_get_tsc_hz();	/* microseconds */
}

/* ---- ports and connections --------------------------------------------- */

static int
port_start(uint16_t port, const char *name)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_dev_set_mtu(port, app.o.mtu);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, 1024, rte_socket_id(),
					     NULL, app.pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, 1024, rte_socket_id(),
					     NULL);
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
	return port_start(*port, name);
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

/* ---- the receiving side -------------------------------------------------- */

/* The connection a receiving-side event is about; NULL: not one of ours
 * (a kernel connection from a port we did not expect, now aborted).
 */
static struct conn *
rx_conn(uint16_t port, const struct ofld_tcp_event *ev)
{
	struct ofld_tcp_state st;
	struct conn *c;
	uint32_t idx;

	if (ev->conn_cookie != LISTEN_COOKIE)
		return ev->conn_cookie < app.o.conns ?
			&app.c[ev->conn_cookie] : NULL;
	/* new: which sender is it (its port says) */
	ofld_tcp_query(ev->conn, &st);
	idx = (uint32_t)st.remote_port - 10000;
	if (idx < app.o.conns && app.c[idx].rx == ev->conn)
		return &app.c[idx];	/* queued before its cookie was set */
	if (st.remote_port < 10000 || idx >= app.o.conns ||
	    app.c[idx].accepted) {
		ofld_tcp_set_cookie(ev->conn, LISTEN_COOKIE - 1);
		rte_pmd_ofld_tcp_abort(port, 0, ev->conn);
		app.strays++;
		return NULL;
	}
	c = &app.c[idx];
	c->rx = ev->conn;
	c->accepted = true;
	ofld_tcp_set_cookie(ev->conn, idx);
	return c;
}

/* Every received byte against the pattern. */
static void
rx_check(struct conn *c, struct rte_mbuf *m)
{
	uint8_t buf[2048];
	uint32_t n, pos, take;

	for (n = 0; n < m->pkt_len; n += take) {
		const uint8_t *p;

		pos = (uint32_t)((c->start + c->received + n) % REGION);
		take = RTE_MIN(m->pkt_len - n, (uint32_t)sizeof(buf));
		take = RTE_MIN(take, REGION - pos);
		p = rte_pktmbuf_read(m, n, take, buf);
		if (p == NULL || memcmp(p, app.region + pos, take))
			c->bad_bytes += take;
	}
	c->received += m->pkt_len;
	app.received_total += m->pkt_len;
}

/* An event of the receiving port: ACCEPTED, RECV, PEER_FIN, CLOSED. */
static void
rx_event(uint16_t port, struct ofld_tcp_event *ev)
{
	struct conn *c;

	if (ev->kind != OFLD_TCP_EV_ACCEPTED && ev->kind != OFLD_TCP_EV_RECV &&
	    ev->kind != OFLD_TCP_EV_PEER_FIN && ev->kind != OFLD_TCP_EV_CLOSED)
		return;
	c = rx_conn(port, ev);
	if (ev->kind == OFLD_TCP_EV_RECV) {
		if (c != NULL)
			rx_check(c, ev->m);
		rte_pktmbuf_free(ev->m);
		return;
	}
	if (c == NULL)
		return;
	if (ev->kind == OFLD_TCP_EV_PEER_FIN) {
		/* the kernel is done sending: close our side too */
		c->peer_fin = true;
		if (!c->closing)
			rte_pmd_ofld_tcp_close(port, 0, c->rx);
		c->closing = true;
	} else if (ev->kind == OFLD_TCP_EV_CLOSED) {
		c->closed = true;
		c->close_status = (int)ev->status;
	}
}

static void
rx_events(void)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;

	while ((k = rte_pmd_ofld_tcp_events(app.rx_port, 0, ev, 64)) != 0)
		for (i = 0; i < k; i++)
			rx_event(app.rx_port, &ev[i]);
}

static int
rx_lcore(void *arg)
{
	struct rte_mbuf *pkts[64];
	uint16_t k;

	RTE_SET_USED(arg);
	while (!app.rx_stop) {
		k = rte_eth_rx_burst(app.rx_port, 0, pkts, 64);
		rte_pktmbuf_free_bulk(pkts, k);
		rx_events();
	}
	return 0;
}

/* ---- the sending side ---------------------------------------------------- */

static bool
want_more(const struct conn *c, uint64_t limit)
{
	return c->posted_reqs - c->done_reqs < app.o.depth &&
		(limit == 0 || c->posted < limit);
}

/* Keep a connection's requests topped up: called when it connects and
 * whenever one of its requests completes (no scan over connections).
 */
static void
tx_post_conn(struct conn *c, uint64_t per_conn_limit, uint64_t now)
{
	struct rte_mbuf *m;
	uint32_t len;

	{
		while (c->connected && want_more(c, per_conn_limit)) {
			len = app.o.req_size;
			if (per_conn_limit != 0)
				len = (uint32_t)RTE_MIN((uint64_t)len,
					per_conn_limit - c->posted);
			m = make_request(c, c->posted, len);
			if (m == NULL)
				break;
			c->post_tsc[c->posted_reqs % c->post_cap] = now;
			if (rte_pmd_ofld_tcp_send(c->tx, &m, 1) != 0) {
				rte_pktmbuf_free(m);
				break;
			}
			c->posted += len;
			c->posted_reqs++;
		}
	}
}

static uint64_t post_limit;
static bool posting = true;

/* An event of the sending port: CONNECTED, SEND_DONE, CLOSED. */
static void
tx_event(struct ofld_tcp_event *ev, uint64_t now)
{
	struct conn *c = &app.c[ev->conn_cookie];

	switch (ev->kind) {
	case OFLD_TCP_EV_CONNECTED:
		c->connected = true;
		c->established = true;
		if (posting)
			tx_post_conn(c, post_limit, now);
		break;
	case OFLD_TCP_EV_SEND_DONE:
		hist_add(now - c->post_tsc[c->done_reqs % c->post_cap]);
		c->done_reqs++;
		c->sent_done += ev->bytes;
		if (ev->status != OFLD_TCP_SUCCESS)
			c->failed_reqs++;
		rte_pktmbuf_free(ev->m);
		if (posting)
			tx_post_conn(c, post_limit, now);
		break;
	case OFLD_TCP_EV_CLOSED:
		/* refused, reset, timed out, or our close done */
		c->closed = true;
		c->close_status = (int)ev->status;
		c->connected = false;
		break;
	default:
		break;
	}
}

static void
tx_events(uint64_t now)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;

	while ((k = rte_pmd_ofld_tcp_events(app.tx_port, 0, ev, 64)) != 0)
		for (i = 0; i < k; i++)
			tx_event(&ev[i], now);
}

static uint64_t
xstat(uint16_t port, const char *name)
{
	uint64_t id, v;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0 ||
	    rte_eth_xstats_get_by_id(port, &id, &v, 1) != 1)
		return 0;
	return v;
}

static uint64_t
in_flight(void)
{
	struct ofld_tcp_state st;
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < app.o.conns; i++) {
		if (app.c[i].tx == NULL)
			continue;
		ofld_tcp_query(app.c[i].tx, &st);
		sum += st.snd_max - st.snd_una;
	}
	return sum;
}

/* Everything posted has completed (the run can end). */
static bool
done_all_posted(void)
{
	uint32_t i;

	for (i = 0; i < app.o.conns; i++)
		if (app.c[i].done_reqs != app.c[i].posted_reqs)
			return false;
	return true;
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	stop_signal = true;
}

/* ---- opening: two ports on the pair cable, or one on the kernel's tap --- */

static uint32_t rx_lc = RTE_MAX_LCORE, svc_lc = RTE_MAX_LCORE, svc_id;

/* The sending port's engine (or the kernel port's) on the second lcore. */
static int
service_start(uint16_t port)
{
	svc_lc = rte_get_next_lcore(-1, 1, 0);
	if (svc_lc >= RTE_MAX_LCORE) {
		fprintf(stderr, "ofld-perf: --engine service needs a second "
			"lcore (-l 0,1)\n");
		return 2;
	}
	rte_pmd_ofld_service_id(port, &svc_id);
	rte_service_lcore_add(svc_lc);
	rte_service_map_lcore_set(svc_id, svc_lc, 1);
	rte_service_runstate_set(svc_id, 1);
	rte_service_lcore_start(svc_lc);
	return 0;
}

static void
open_defaults(struct ofld_tcp_open *o)
{
	memset(o, 0, sizeof(*o));
	o->ipv6 = app.o.ipv6;
	o->mss = (uint16_t)(app.o.mtu - (app.o.ipv6 ? 60 : 40));
	o->rcv_wnd = 4u << 20;
	o->cc = app.o.cc;
}

static int
pair_open(void)
{
	struct ofld_tcp_open lo, co;
	char args[200];
	uint32_t i;
	int ret;

	snprintf(args, sizeof(args), "pair=perf,speed=%u,tcp_max_conns=%u%s",
		 app.o.speed, app.o.conns + 16,
		 app.o.service ? ",engine=service" : "");
	if (port_up("net_ofld_perf_tx", args, &app.tx_port) != 0)
		return 1;
	snprintf(args, sizeof(args), "pair=perf,speed=%u,tcp_max_conns=%u",
		 app.o.speed, app.o.conns + 16);
	if (port_up("net_ofld_perf_rx", args, &app.rx_port) != 0)
		return 1;

	if (app.o.service) {
		/* the sender's engine gets the second lcore; the receiving
		 * side runs on the main one with the application
		 */
		ret = service_start(app.tx_port);
		if (ret != 0)
			return ret;
	} else {
		rx_lc = rte_get_next_lcore(-1, 1, 0);
	}

	/* open the connections: the receiver listens, the sender connects */
	open_defaults(&lo);
	lo.local_port = SERVER_PORT;
	lo.backlog = (uint16_t)RTE_MIN(app.o.conns + 16, 65535u);
	lo.cookie = LISTEN_COOKIE;
	if (rte_pmd_ofld_tcp_listen(app.rx_port, 0, &lo) != 0) {
		fprintf(stderr, "ofld-perf: listen failed\n");
		return 1;
	}
	for (i = 0; i < app.o.conns; i++) {
		co = lo;
		co.cookie = i;
		co.backlog = 0;
		addr(co.local_ip, app.o.ipv6, 1);
		addr(co.remote_ip, app.o.ipv6, 2);
		co.local_port = (uint16_t)(10000 + i);
		co.remote_port = SERVER_PORT;
		rte_eth_macaddr_get(app.rx_port, &co.remote_mac);
		app.c[i].tx = rte_pmd_ofld_tcp_connect(app.tx_port, 0, &co);
		if (app.c[i].tx == NULL) {
			fprintf(stderr, "ofld-perf: connect %u: %s\n", i,
				rte_strerror(rte_errno));
			return 1;
		}
	}
	if (rx_lc < RTE_MAX_LCORE)
		rte_eal_remote_launch(rx_lcore, NULL, rx_lc);
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
	if (port_start(app.kt.ofld_port, name) != 0 ||
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
		if (rte_pmd_ofld_tcp_listen(app.rx_port, 0, &o) != 0) {
			fprintf(stderr, "ofld-perf: listen failed\n");
			return 1;
		}
		return 0;
	}
	app_ktap_ip(o.remote_ip, app.o.ipv6, true);
	o.remote_port = SERVER_PORT;
	o.remote_mac = app.kt.kernel_mac;
	for (i = 0; i < app.o.conns; i++) {
		o.cookie = i;
		o.local_port = (uint16_t)(10000 + i);
		app.c[i].tx = rte_pmd_ofld_tcp_connect(app.tx_port, 0, &o);
		if (app.c[i].tx == NULL) {
			fprintf(stderr, "ofld-perf: connect %u: %s\n", i,
				rte_strerror(rte_errno));
			return 1;
		}
	}
	return 0;
}

/* ---- running ---------------------------------------------------------- */

/* Bytes the receiving end has got: checked here (pair, kernel recv) or
 * acknowledged by the kernel (kernel send).
 */
static uint64_t
delivered(void)
{
	uint64_t sum = 0;
	uint32_t i;

	if (!app.o.kernel || app.o.recv)
		return app.received_total;
	for (i = 0; i < app.o.conns; i++)
		sum += app.c[i].sent_done;
	return sum;
}

/* Frames on the measured wire: sent (pair, kernel send) or received
 * (kernel recv) by our port.
 */
static void
wire_get(uint64_t *pk, uint64_t *by)
{
	struct rte_eth_stats s;

	rte_eth_stats_get(app.o.recv ? app.rx_port : app.tx_port, &s);
	*pk = app.o.recv ? s.ipackets : s.opackets;
	*by = app.o.recv ? s.ibytes : s.obytes;
}

static uint32_t
count_conns(bool accepted, bool peer_fin, bool closed)
{
	uint32_t i, n = 0;

	for (i = 0; i < app.o.conns; i++)
		n += (!accepted || app.c[i].accepted) &&
			(!peer_fin || app.c[i].peer_fin) &&
			(!closed || app.c[i].closed);
	return n;
}

static void
kernel_events(uint16_t port, uint64_t now)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;

	while ((k = rte_pmd_ofld_tcp_events(port, 0, ev, 64)) != 0)
		for (i = 0; i < k; i++) {
			if (app.o.recv)
				rx_event(port, &ev[i]);
			else
				tx_event(&ev[i], now);
		}
}

/* Close every connection the kernel did not end, once. */
static void
close_all(void)
{
	uint32_t i;
	struct conn *c;

	for (i = 0; i < app.o.conns; i++) {
		c = &app.c[i];
		if (c->closing || c->closed)
			continue;
		c->closing = true;
		if (c->tx != NULL)
			rte_pmd_ofld_tcp_close(app.tx_port, 0, c->tx);
		else if (c->rx != NULL)
			rte_pmd_ofld_tcp_close(app.rx_port, 0, c->rx);
	}
}

static void
progress(uint64_t now, uint64_t t0, uint64_t *t_last, uint64_t *last)
{
	double dt = (double)(now - *t_last) / rte_get_tsc_hz();
	uint64_t pk, by, got = delivered();

	wire_get(&pk, &by);
	printf("%6.1f s  goodput %8.3f Gbit/s  ", (double)(now - t0) /
	       rte_get_tsc_hz(), (got - last[0]) * 8 / dt / 1e9);
	if (!app.o.kernel)
		printf("wire %5.1f%%  ", app.o.speed ? ((by - last[2]) +
		       24.0 * (pk - last[1])) * 8 / dt / (app.o.speed * 1e6) *
		       100 : 0.0);
	else
		printf("wire %7.3f Gbit/s  ", ((by - last[2]) +
		       24.0 * (pk - last[1])) * 8 / dt / 1e9);
	printf("%7.3f Mpps  ", (pk - last[1]) / dt / 1e6);
	if (app.o.recv)
		printf("connections %u open, %u closed by the kernel\n",
		       count_conns(true, false, false) -
		       count_conns(true, true, false),
		       count_conns(true, true, false));
	else
		printf("%8.0f compl/s  retrans %" PRIu64 "  in flight %" PRIu64
		       " B\n", (double)(app.lat_n - last[3]) / dt,
		       xstat(app.tx_port, "tcp_q0_retrans_segs"), in_flight());
	fflush(stdout);
	last[0] = got;
	last[1] = pk;
	last[2] = by;
	last[3] = app.lat_n;
	*t_last = now;
}

/* Pair, or the kernel as the receiver: post for --seconds (or --bytes),
 * then wait for completions; with the kernel, close and wait for CLOSED.
 * Returns the time the measurement ends.
 */
static uint64_t
run_send(uint64_t t0, uint64_t hz, uint64_t per_conn_limit)
{
	uint64_t t_end = t0 + (uint64_t)(app.o.seconds * hz), now = t0;
	uint64_t t_last = t0, t_stop = 0, last[4] = { 0 };
	struct rte_mbuf *pkts[64];
	uint16_t n;
	uint32_t i;

	for (;;) {
		bool all_done = per_conn_limit != 0;

		now = rte_get_tsc_cycles();
		posting = now < t_end && !stop_signal;
		n = rte_eth_rx_burst(app.tx_port, 0, pkts, 64);
		rte_pktmbuf_free_bulk(pkts, n);
		if (app.o.kernel) {
			kernel_events(app.tx_port, now);
		} else {
			if (rx_lc >= RTE_MAX_LCORE) {
				n = rte_eth_rx_burst(app.rx_port, 0, pkts, 64);
				rte_pktmbuf_free_bulk(pkts, n);
				rx_events();
			}
			tx_events(now);
		}
		if (all_done) {
			for (i = 0; all_done && i < app.o.conns; i++)
				all_done = app.c[i].sent_done >= per_conn_limit;
		}
		if (t_stop == 0 && (all_done || (!posting &&
						 done_all_posted()))) {
			t_stop = now;
			if (!app.o.kernel)
				break;
			posting = false;
			close_all();
		}
		if (app.o.kernel) {
			if (count_conns(false, false, true) == app.o.conns) {
				/* all closed: by us, or refused / reset */
				if (t_stop == 0)
					t_stop = now;
				break;
			}
			if (t_stop != 0 && now >= t_stop + 5 * hz)
				break;	/* the kernel did not close: report */
			for (i = 0; t_stop == 0 && now >= t0 + 10 * hz &&
			     i < app.o.conns; i++)
				if (!app.c[i].established && !app.c[i].closed)
					break;
			if (t_stop == 0 && i < app.o.conns &&
			    now >= t0 + 10 * hz) {
				fprintf(stderr, "ofld-perf: connection %u: no "
					"answer from the kernel in 10 s\n", i);
				t_stop = now;
				break;
			}
		}
		if (now >= t_end + 5 * hz) {
			if (t_stop == 0)
				t_stop = now;
			break;	/* the tail did not drain: report it */
		}
		if (now - t_last >= hz && !app.o.json && !app.o.quiet)
			progress(now, t0, &t_last, last);
	}
	app.rx_stop = true;
	rte_eal_mp_wait_lcore();
	if (!app.o.kernel)
		rx_events();
	return t_stop != 0 ? t_stop : now;
}

/* The kernel as the sender: from the first accepted connection until every
 * connection has been closed by the kernel. Returns the end time and sets
 * *t0 to the start.
 */
static uint64_t
run_recv(uint64_t *t0, uint64_t hz)
{
	uint64_t start = rte_get_tsc_cycles(), now = start, t_last = 0;
	uint64_t t_stop = 0, last[4] = { 0 }, seen = 0;
	struct rte_mbuf *pkts[64];
	uint16_t n;

	*t0 = 0;
	for (;;) {
		now = rte_get_tsc_cycles();
		n = rte_eth_rx_burst(app.rx_port, 0, pkts, 64);
		rte_pktmbuf_free_bulk(pkts, n);
		kernel_events(app.rx_port, now);
		if (*t0 == 0 && count_conns(true, false, false) != 0) {
			*t0 = now;
			t_last = now;
			app.last_rx_tsc = now;
		}
		if (app.received_total != seen) {
			seen = app.received_total;
			app.last_rx_tsc = now;
		}
		if (t_stop == 0 && *t0 != 0 &&
		    count_conns(true, true, false) == app.o.conns)
			t_stop = now;	/* every connection ended by the kernel */
		if (t_stop == 0 && stop_signal) {
			t_stop = now;
			close_all();
		}
		if (t_stop == 0 && *t0 == 0 && now >= start + 60 * hz) {
			fprintf(stderr, "ofld-perf: no connection from the kernel "
				"in 60 s (start apps/ofld-perf/kernel-peer.py "
				"source in the namespace)\n");
			t_stop = now;
		}
		if (t_stop == 0 && *t0 != 0 && now >= app.last_rx_tsc + 10 * hz) {
			fprintf(stderr, "ofld-perf: nothing received for 10 s: "
				"%u of %u connection(s) ended by the kernel\n",
				count_conns(true, true, false), app.o.conns);
			t_stop = now;
			close_all();
		}
		if (t_stop != 0 && (count_conns(false, false, true) ==
				    app.o.conns || now >= t_stop + 5 * hz ||
				    *t0 == 0))
			break;
		if (*t0 != 0 && now - t_last >= hz && !app.o.json &&
		    !app.o.quiet)
			progress(now, *t0, &t_last, last);
	}
	if (*t0 == 0)
		*t0 = start;
	rte_eal_mp_wait_lcore();
	return t_stop;
}

/* ---- reporting ---------------------------------------------------------- */

struct result {
	double secs, goodput, max_goodput, wire, mpps, cpb, jain;
	uint64_t got, bad, reqs, failed, retrans;
	uint32_t closed_ok;
};

static void
report(const struct result *r)
{
	const char *dir = !app.o.kernel ? "send" : app.o.recv ? "recv" :
		"send";
	char lat[128] = "null", maxg[32] = "null", bad[32] = "null";
	char reqs[64] = "null";

	if (app.o.json) {
		if (!app.o.recv) {
			snprintf(lat, sizeof(lat), "{\"p50\": %.1f, \"p99\": "
				 "%.1f, \"p99.9\": %.1f}", hist_pct(0.5),
				 hist_pct(0.99), hist_pct(0.999));
			snprintf(reqs, sizeof(reqs), "%" PRIu64, r->reqs);
		}
		if (!app.o.kernel)
			snprintf(maxg, sizeof(maxg), "%.3f", r->max_goodput);
		if (!app.o.kernel || app.o.recv)
			snprintf(bad, sizeof(bad), "%" PRIu64, r->bad);
		printf("{\"peer\": \"%s\", \"direction\": \"%s\", ",
		       app.o.kernel ? "kernel" : "pair", dir);
		if (app.o.kernel)
			printf("\"iface\": \"%s\", \"checked_by\": \"%s\", "
			       "\"connections_closed_ok\": %u, "
			       "\"requests_failed\": %" PRIu64 ", ",
			       app.kt.iface, app.o.recv ? "ofld-perf" :
			       "kernel-peer", r->closed_ok, r->failed);
		printf("\"connections\": %u, \"request_size\": %u, "
		       "\"ipv6\": %s, \"mtu\": %u, \"speed_mbps\": %u, "
		       "\"cc\": \"%s\", \"engine\": \"%s\", \"seconds\": %.3f, "
		       "\"bytes_received\": %" PRIu64 ", \"bytes_bad\": %s, "
		       "\"requests_completed\": %s, "
		       "\"goodput_gbps\": %.3f, \"max_goodput_gbps\": %s, "
		       "\"wire_gbps\": %.3f, \"wire_mpps\": %.3f, "
		       "\"retransmitted_segments\": %" PRIu64 ", "
		       "\"latency_us\": %s, \"cycles_per_byte\": %.3f, "
		       "\"jain_fairness\": %.4f, \"conn_state_bytes\": %zu}\n",
		       app.o.conns, app.o.req_size, app.o.ipv6 ? "true" : "false",
		       app.o.mtu, app.o.kernel ? 0 : app.o.speed,
		       app.o.cc ? "cubic" : "newreno",
		       app.o.service ? "service" : "inline", r->secs, r->got,
		       bad, reqs, r->goodput, maxg, r->wire, r->mpps,
		       r->retrans, lat, r->cpb, r->jain, ofld_tcp_conn_size());
		return;
	}
	printf("\nsummary\n");
	if (app.o.kernel)
		printf("  %-28s Linux kernel on %s, %s\n", "peer", app.kt.iface,
		       app.o.recv ? "kernel -> ofld" : "ofld -> kernel");
	printf("  %-28s %10.2f s\n", "time", r->secs);
	if (app.o.kernel && !app.o.recv)
		printf("  %-28s %10" PRIu64 " B (checked by the kernel peer)\n",
		       "acknowledged by the kernel", r->got);
	else
		printf("  %-28s %10" PRIu64 " B (%" PRIu64 " bad)\n",
		       "received and checked", r->got, r->bad);
	if (!app.o.recv)
		printf("  %-28s %10" PRIu64 " (%" PRIu64 " failed)\n",
		       "requests completed", r->reqs, r->failed);
	if (app.o.kernel)
		printf("  %-28s %10u of %u\n", "connections closed cleanly",
		       r->closed_ok, app.o.conns);
	printf("  %-28s %10.3f Gbit/s", "goodput", r->goodput);
	if (r->max_goodput > 0)
		printf("  (%.1f%% of the %.3f Gbit/s the link allows)",
		       r->goodput / r->max_goodput * 100, r->max_goodput);
	printf("\n  %-28s %10.3f Gbit/s, %.3f Mpps%s\n", "wire", r->wire,
	       r->mpps, app.o.recv ? " (received)" : "");
	if (!app.o.recv) {
		printf("  %-28s %10" PRIu64 " segments\n", "retransmitted",
		       r->retrans);
		printf("  %-28s %10.1f / %.1f / %.1f us\n",
		       "completion p50/p99/p99.9", hist_pct(0.5),
		       hist_pct(0.99), hist_pct(0.999));
	}
	printf("  %-28s %10.3f%s\n", "CPU cycles per byte", r->cpb,
	       app.o.kernel ? " (ofld's lcores; not the kernel's)" : "");
	printf("  %-28s %10.4f\n", "fairness (Jain)", r->jain);
	printf("  %-28s %10zu B in the NIC (+%zu B in this app)\n",
	       "state per connection", ofld_tcp_conn_size(),
	       sizeof(struct conn) + (app.o.depth + 1) * sizeof(uint64_t));
}

/* Exit status of a kernel run, saying on stderr what went wrong. */
static int
kernel_verdict(const struct result *r, uint64_t per_conn_limit)
{
	uint32_t i;
	int ret = 0;

	for (i = 0; i < app.o.conns; i++) {
		const struct conn *c = &app.c[i];
		uint64_t got = app.o.recv ? c->received : c->sent_done;

		if (!app.o.recv && !c->established) {
			fprintf(stderr, "ofld-perf: connection %u to "
				"%s port %u never established (%s): is "
				"kernel-peer.py sink running in this "
				"namespace?\n", i, app.o.ipv6 ?
				APP_KTAP_KERNEL_IP6 : APP_KTAP_KERNEL_IP4,
				SERVER_PORT, !c->closed ? "no answer" :
				c->close_status == OFLD_TCP_ABORTED_BY_PEER ?
				"refused" : "failed");
			ret = 1;
			continue;
		}
		if (app.o.recv && !c->peer_fin) {
			fprintf(stderr, "ofld-perf: connection %u (kernel port "
				"%u) %s\n", i, 10000 + i, c->accepted ?
				"not ended by the kernel" : "never came");
			ret = 1;
		}
		if (!c->closed || c->close_status != OFLD_TCP_SUCCESS) {
			fprintf(stderr, "ofld-perf: connection %u not closed "
				"cleanly (%s, status %d)\n", i, c->closed ?
				"closed" : "still open", c->close_status);
			ret = 1;
		}
		if (per_conn_limit != 0 && got != per_conn_limit) {
			fprintf(stderr, "ofld-perf: connection %u: %" PRIu64
				" B, expected %" PRIu64 "\n", i, got,
				per_conn_limit);
			ret = 1;
		}
	}
	if (r->failed != 0 || r->bad != 0 || r->got == 0 || app.strays != 0) {
		fprintf(stderr, "ofld-perf: %" PRIu64 " request(s) failed, %"
			PRIu64 " bad byte(s), %" PRIu64 " byte(s) delivered, %"
			PRIu64 " unexpected connection(s)\n", r->failed, r->bad,
			r->got, app.strays);
		ret = 1;
	}
	return ret;
}

int
main(int argc, char **argv)
{
	struct rte_eth_stats s1;
	struct result r;
	uint32_t i;
	uint64_t t0, now, hz, per_conn_limit = 0, pk, by;
	double jain_num = 0, jain_den = 0;
	int ret, app_argc, k;
	char **app_argv;
	const uint32_t hdrs = 14 + 20 + 20 + 12;

	/* options first: a bad one stops us before EAL does anything */
	for (k = 1; k < argc && strcmp(argv[k], "--") != 0; k++)
		;
	app_argc = k < argc ? argc - k : 1;
	app_argv = k < argc ? argv + k : argv;
	if (k < argc)
		app_argv[0] = argv[0];
	else if (argc > 1 && (strcmp(argv[1], "--help") == 0 ||
			      strcmp(argv[1], "-h") == 0)) {
		usage(argv[0]);
		return 0;
	}
	if (parse(app_argc, app_argv, &app.o) != 0)
		return 2;
	ret = rte_eal_init(k, argv);
	if (ret < 0) {
		fprintf(stderr, "ofld-perf: cannot initialise EAL\n");
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	hz = rte_get_tsc_hz();

	/* segments in flight (two mbufs each) and received copies */
	app.pool = rte_pktmbuf_pool_create("perf_pool", 131071, 512, 0,
					   RTE_MBUF_DEFAULT_BUF_SIZE,
					   rte_socket_id());
	/* the requests' external-buffer mbufs */
	{
		uint64_t n = (uint64_t)app.o.conns * app.o.depth *
			(app.o.req_size / CHUNK + 2) + 1023;

		if (n > 1048575)
			n = 1048575;
		if (n < 4095)
			n = 4095;
		app.ext_pool = rte_pktmbuf_pool_create("perf_ext",
			(unsigned int)n, 512, 0, 0, rte_socket_id());
	}
	app.c = rte_zmalloc("perf_conns", sizeof(*app.c) * app.o.conns, 64);
	if (app.pool == NULL || app.ext_pool == NULL || app.c == NULL) {
		fprintf(stderr, "ofld-perf: out of memory (mempools for %u "
			"connections): %s\n", app.o.conns,
			rte_strerror(rte_errno));
		return 1;
	}
	app.region = rte_malloc("perf_region", REGION, 64);
	if (app.region == NULL) {
		fprintf(stderr, "ofld-perf: out of memory for the pattern\n");
		return 1;
	}
	region_fill(app.region, 7919u);
	for (i = 0; i < NB_CHUNKS; i++) {
		app.shinfo[i].free_cb = noop_free;
		app.shinfo[i].fcb_opaque = NULL;
		rte_mbuf_ext_refcnt_set(&app.shinfo[i], 1);
	}
	for (i = 0; i < app.o.conns; i++) {
		struct conn *c = &app.c[i];

		/* streams start at different places: a byte of one stream
		 * delivered on another shows
		 */
		c->start = (uint32_t)(((uint64_t)i * 1000003u * 8) % REGION);
		c->post_cap = app.o.depth + 1;
		c->post_tsc = calloc(c->post_cap, sizeof(uint64_t));
		if (c->post_tsc == NULL) {
			fprintf(stderr, "ofld-perf: out of memory for "
				"connection %u\n", i);
			return 1;
		}
	}


	ret = app.o.kernel ? kernel_open() : pair_open();
	if (ret != 0)
		return ret;
	if (app.o.total_bytes != 0)
		per_conn_limit = (app.o.total_bytes + app.o.conns - 1) /
			app.o.conns;
	post_limit = per_conn_limit;
	if (app.o.json)
		;
	else if (!app.o.kernel)
		printf("ofld-perf: %u connection(s), %u-byte requests, %s, MTU "
		       "%u, link %u Mbit/s, %s, engine %s\n", app.o.conns,
		       app.o.req_size, app.o.ipv6 ? "IPv6" : "IPv4", app.o.mtu,
		       app.o.speed, app.o.cc == OFLD_TCP_CC_CUBIC ? "CUBIC" :
		       "NewReno", app.o.service ? "on a service lcore" :
		       "inline");
	else if (app.o.recv)
		printf("ofld-perf: the Linux kernel on %s sends, ofld receives: "
		       "listening on %s port %u for %u connection(s), %s, MTU "
		       "%u, engine %s\n", app.kt.iface, app.o.ipv6 ?
		       APP_KTAP_OFLD_IP6 : APP_KTAP_OFLD_IP4, SERVER_PORT,
		       app.o.conns, app.o.ipv6 ? "IPv6" : "IPv4", app.o.mtu,
		       app.o.service ? "on a service lcore" : "inline");
	else
		printf("ofld-perf: ofld sends to the Linux kernel on %s (%s "
		       "port %u): %u connection(s), %u-byte requests, %s, MTU "
		       "%u, %s, engine %s\n", app.kt.iface, app.o.ipv6 ?
		       APP_KTAP_KERNEL_IP6 : APP_KTAP_KERNEL_IP4, SERVER_PORT,
		       app.o.conns, app.o.req_size, app.o.ipv6 ? "IPv6" : "IPv4",
		       app.o.mtu, app.o.cc == OFLD_TCP_CC_CUBIC ? "CUBIC" :
		       "NewReno", app.o.service ? "on a service lcore" :
		       "inline");
	fflush(stdout);
	rte_eth_stats_reset(app.o.recv ? app.rx_port : app.tx_port);
	t0 = rte_get_tsc_cycles();
	if (app.o.kernel && app.o.recv)
		now = run_recv(&t0, hz);
	else
		now = run_send(t0, hz, per_conn_limit);

	memset(&r, 0, sizeof(r));
	r.secs = (double)(now - t0) / hz;
	if (r.secs <= 0)
		r.secs = 1e-9;
	wire_get(&pk, &by);
	rte_eth_stats_get(app.rx_port, &s1);
	r.retrans = xstat(app.tx_port, "tcp_q0_retrans_segs");
	r.got = delivered();
	for (i = 0; i < app.o.conns; i++) {
		const struct conn *c = &app.c[i];
		double g = app.o.kernel && !app.o.recv ? c->sent_done :
			c->received;

		r.bad += c->bad_bytes;
		r.reqs += c->done_reqs;
		r.failed += c->failed_reqs;
		r.closed_ok += c->closed && c->close_status == OFLD_TCP_SUCCESS;
		jain_num += g;
		jain_den += g * g;
	}
	r.goodput = r.got * 8 / r.secs / 1e9;
	r.wire = (by + 24.0 * pk) * 8 / r.secs / 1e9;
	r.mpps = pk / r.secs / 1e6;
	if (!app.o.kernel) {
		uint32_t mss = app.o.mtu - (app.o.ipv6 ? 60 : 40) - 12;
		uint32_t frame = mss + hdrs + (app.o.ipv6 ? 20 : 0) + 24;

		r.max_goodput = app.o.speed ? app.o.speed / 1e3 * mss / frame :
			0;
	}
	r.cpb = r.got ? (double)(now - t0) * (1 + (rx_lc < RTE_MAX_LCORE) +
		(svc_lc < RTE_MAX_LCORE)) / r.got : 0;
	r.jain = jain_den > 0 ? jain_num * jain_num / (app.o.conns * jain_den) :
		0;
	report(&r);
	fflush(stdout);
	if (getenv("OFLD_PERF_DEBUG") != NULL)
		fprintf(stderr, "tx segs_out %" PRIu64 " hs %" PRIu64 "; rx syn_in %" PRIu64 " hs %" PRIu64 " segs_in %" PRIu64 " not_ours %" PRIu64 " ipackets %" PRIu64 " rx mac_filtered %" PRIu64 "\n", xstat(app.tx_port, "tcp_q0_segs_out"), xstat(app.tx_port, "tcp_q0_handshakes"), xstat(app.rx_port, "tcp_q0_syn_in"), xstat(app.rx_port, "tcp_q0_handshakes"), xstat(app.rx_port, "tcp_q0_segs_in"), xstat(app.rx_port, "tcp_q0_not_ours"), s1.ipackets, xstat(app.rx_port, "rx_q0_mac_filtered"));

	if (app.o.kernel)
		ret = kernel_verdict(&r, per_conn_limit);
	else
		ret = r.bad != 0 || r.got == 0 ? 1 : 0;
	if (app.o.service) {
		rte_service_runstate_set(svc_id, 0);
		rte_service_lcore_stop(svc_lc);
	}
	rte_eth_dev_stop(app.tx_port);
	rte_eth_dev_close(app.tx_port);
	if (app.rx_port != app.tx_port) {
		rte_eth_dev_stop(app.rx_port);
		rte_eth_dev_close(app.rx_port);
	}
	for (i = 0; i < app.o.conns; i++)
		free(app.c[i].post_tsc);
	rte_free(app.region);
	rte_eal_cleanup();
	return ret;
}
