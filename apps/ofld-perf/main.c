/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf: large sends on offloaded TCP connections between two
 * net_ofld ports on the in-memory pair cable, at a chosen link speed.
 *
 * The receiving port listens, the sending port connects N connections
 * (MSS, window scale, timestamps negotiated), then keeps every connection
 * busy with requests of one size. Request payload is zero copy: each
 * request is a chain of mbufs attached (external buffers) to slices of a
 * per-connection pattern region, so the sender writes nothing per byte.
 * The receiver compares every byte it gets with that region and counts
 * PSH boundaries. One line per second, then a summary (and --json).
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
};

static volatile bool stop_signal;

struct conn {
	struct ofld_tcp_conn *tx, *rx;
	uint32_t start;			/* where its stream starts in the region */
	uint64_t posted, sent_done, received;
	uint64_t posted_reqs, done_reqs;
	uint64_t bad_bytes;
	uint64_t *post_tsc;			/* ring of post times */
	uint32_t post_cap;
	bool connected, accepted;
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
};

static struct app app;

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "Large sends on offloaded TCP connections across two net_ofld\n"
	       "ports on the in-memory pair cable.\n\n"
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
	       "  --help           this text\n", prog);
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	char *end;
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
port_up(const char *name, const char *args, uint16_t *port)
{
	struct rte_eth_conf conf;
	int ret;

	ret = rte_vdev_init(name, args);
	if (ret == 0)
		ret = rte_eth_dev_get_port_by_name(name, port);
	memset(&conf, 0, sizeof(conf));
	if (ret == 0)
		ret = rte_eth_dev_configure(*port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_dev_set_mtu(*port, app.o.mtu);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(*port, 0, 1024, rte_socket_id(),
					     NULL, app.pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(*port, 0, 1024, rte_socket_id(),
					     NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(*port);
	if (ret != 0)
		fprintf(stderr, "ofld-perf: %s: %s\n", name, rte_strerror(-ret));
	return ret;
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

static void
rx_events(void)
{
	struct ofld_tcp_event ev[64];
	uint8_t buf[2048];
	uint16_t k, i;
	uint32_t n, pos, take;
	struct conn *c;

	while ((k = rte_pmd_ofld_tcp_events(app.rx_port, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			if (ev[i].kind != OFLD_TCP_EV_ACCEPTED &&
			    ev[i].kind != OFLD_TCP_EV_RECV)
				continue;
			if (ev[i].conn_cookie == LISTEN_COOKIE) {
				/* new: which sender is it (its port says) */
				struct ofld_tcp_state st;

				ofld_tcp_query(ev[i].conn, &st);
				c = &app.c[st.remote_port - 10000];
				if (!c->accepted) {
					c->rx = ev[i].conn;
					c->accepted = true;
					ofld_tcp_set_cookie(ev[i].conn,
						(uint64_t)(c - app.c));
				}
			} else {
				c = &app.c[ev[i].conn_cookie];
			}
			if (ev[i].kind != OFLD_TCP_EV_RECV)
				continue;
			/* every byte against the pattern */
			for (n = 0; n < ev[i].m->pkt_len; n += take) {
				const uint8_t *p;

				pos = (uint32_t)((c->start + c->received + n) %
						 REGION);
				take = RTE_MIN(ev[i].m->pkt_len - n,
					       (uint32_t)sizeof(buf));
				take = RTE_MIN(take, REGION - pos);
				p = rte_pktmbuf_read(ev[i].m, n, take, buf);
				if (p == NULL || memcmp(p, app.region + pos, take))
					c->bad_bytes += take;
			}
			c->received += ev[i].m->pkt_len;
			app.received_total += ev[i].m->pkt_len;
			rte_pktmbuf_free(ev[i].m);
		}
	}
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

static void
tx_events(uint64_t now)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;
	struct conn *c;

	while ((k = rte_pmd_ofld_tcp_events(app.tx_port, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			c = &app.c[ev[i].conn_cookie];
			if (ev[i].kind == OFLD_TCP_EV_CONNECTED) {
				c->connected = true;
				if (posting)
					tx_post_conn(c, post_limit, now);
				continue;
			}
			if (ev[i].kind != OFLD_TCP_EV_SEND_DONE)
				continue;
			hist_add(now - c->post_tsc[c->done_reqs % c->post_cap]);
			c->done_reqs++;
			c->sent_done += ev[i].bytes;
			rte_pktmbuf_free(ev[i].m);
			if (posting)
				tx_post_conn(c, post_limit, now);
		}
	}
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

int
main(int argc, char **argv)
{
	struct ofld_tcp_open lo = { 0 }, co = { 0 };
	struct rte_eth_stats s0, s1;
	uint32_t i, rx_lc, svc_lc = RTE_MAX_LCORE, sid;
	uint64_t t0, t_end, t_last, now, hz, per_conn_limit = 0;
	uint64_t last_rx = 0, last_done = 0, last_pk = 0, last_by = 0, reqs;
	uint64_t bad = 0, done_bytes = 0, retrans, cycles;
	double secs, goodput, jain_num = 0, jain_den = 0, max_goodput, wire;
	char args[200];
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

	snprintf(args, sizeof(args), "pair=perf,speed=%u,tcp_max_conns=%u%s",
		 app.o.speed, app.o.conns + 16,
		 app.o.service ? ",engine=service" : "");
	if (port_up("net_ofld_perf_tx", args, &app.tx_port) != 0)
		return 1;
	snprintf(args, sizeof(args), "pair=perf,speed=%u,tcp_max_conns=%u",
		 app.o.speed, app.o.conns + 16);
	if (port_up("net_ofld_perf_rx", args, &app.rx_port) != 0)
		return 1;

	rx_lc = rte_get_next_lcore(-1, 1, 0);
	if (app.o.service) {
		/* the sender's engine gets the second lcore; the receiving
		 * side runs on the main one with the application
		 */
		svc_lc = rx_lc;
		rx_lc = RTE_MAX_LCORE;
		if (svc_lc >= RTE_MAX_LCORE) {
			fprintf(stderr, "ofld-perf: --engine service needs a "
				"second lcore (-l 0,1)\n");
			return 2;
		}
		rte_pmd_ofld_service_id(app.tx_port, &sid);
		rte_service_lcore_add(svc_lc);
		rte_service_map_lcore_set(sid, svc_lc, 1);
		rte_service_runstate_set(sid, 1);
		rte_service_lcore_start(svc_lc);
	}

	/* open the connections: the receiver listens, the sender connects */
	lo.ipv6 = app.o.ipv6;
	lo.local_port = SERVER_PORT;
	lo.backlog = (uint16_t)RTE_MIN(app.o.conns + 16, 65535u);
	lo.mss = (uint16_t)(app.o.mtu - (app.o.ipv6 ? 60 : 40));
	lo.rcv_wnd = 4u << 20;
	lo.cc = app.o.cc;
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

	if (app.o.total_bytes != 0)
		per_conn_limit = (app.o.total_bytes + app.o.conns - 1) /
			app.o.conns;
	post_limit = per_conn_limit;
	if (!app.o.json)
		printf("ofld-perf: %u connection(s), %u-byte requests, %s, MTU "
		       "%u, link %u Mbit/s, %s, engine %s\n", app.o.conns,
		       app.o.req_size, app.o.ipv6 ? "IPv6" : "IPv4", app.o.mtu,
		       app.o.speed, app.o.cc == OFLD_TCP_CC_CUBIC ? "CUBIC" :
		       "NewReno", app.o.service ? "on a service lcore" :
		       "inline");
	rte_eth_stats_reset(app.tx_port);
	t0 = rte_get_tsc_cycles();
	t_last = t0;
	t_end = t0 + (uint64_t)(app.o.seconds * hz);
	for (;;) {
		struct rte_mbuf *pkts[64];
		uint16_t n;
		bool all_done = per_conn_limit != 0;

		now = rte_get_tsc_cycles();
		posting = now < t_end && !stop_signal;
		n = rte_eth_rx_burst(app.tx_port, 0, pkts, 64);
		rte_pktmbuf_free_bulk(pkts, n);
		if (rx_lc >= RTE_MAX_LCORE) {
			n = rte_eth_rx_burst(app.rx_port, 0, pkts, 64);
			rte_pktmbuf_free_bulk(pkts, n);
			rx_events();
		}
		tx_events(now);
		if (all_done) {
			for (i = 0; all_done && i < app.o.conns; i++)
				all_done = app.c[i].sent_done >= per_conn_limit;
		}
		if (all_done || (!posting && done_all_posted()))
			break;
		if (now >= t_end + 5 * hz)
			break;	/* the tail did not drain: report it */
		if (now - t_last >= hz && !app.o.json && !app.o.quiet) {
			double dt = (double)(now - t_last) / hz;

			rte_eth_stats_get(app.tx_port, &s0);
			printf("%6.1f s  goodput %8.3f Gbit/s  wire %5.1f%%  "
			       "%7.3f Mpps  %8.0f compl/s  retrans %" PRIu64
			       "  in flight %" PRIu64 " B\n",
			       (double)(now - t0) / hz,
			       (app.received_total - last_rx) * 8 / dt / 1e9,
			       app.o.speed ? ((s0.obytes - last_by) +
					      24.0 * (s0.opackets - last_pk)) *
				8 / dt / (app.o.speed * 1e6) * 100 : 0.0,
			       (s0.opackets - last_pk) / dt / 1e6,
			       (double)(app.lat_n - last_done) / dt,
			       xstat(app.tx_port, "tcp_q0_retrans_segs"),
			       in_flight());
			fflush(stdout);
			last_rx = app.received_total;
			last_done = app.lat_n;
			last_pk = s0.opackets;
			last_by = s0.obytes;
			t_last = now;
		}
	}
	now = rte_get_tsc_cycles();
	app.rx_stop = true;
	rte_eal_mp_wait_lcore();
	rx_events();
	secs = (double)(now - t0) / hz;
	rte_eth_stats_get(app.tx_port, &s0);
	rte_eth_stats_get(app.rx_port, &s1);
	retrans = xstat(app.tx_port, "tcp_q0_retrans_segs");
	reqs = 0;
	for (i = 0; i < app.o.conns; i++) {
		double g = app.c[i].received;

		bad += app.c[i].bad_bytes;
		done_bytes += app.c[i].sent_done;
		reqs += app.c[i].done_reqs;
		jain_num += g;
		jain_den += g * g;
	}
	goodput = app.received_total * 8 / secs / 1e9;
	wire = (s0.obytes + 24.0 * s0.opackets) * 8 / secs / 1e9;
	{
		uint32_t mss = app.o.mtu - (app.o.ipv6 ? 60 : 40) - 12;
		uint32_t frame = mss + hdrs + (app.o.ipv6 ? 20 : 0) + 24;

		max_goodput = app.o.speed ? app.o.speed / 1e3 * mss / frame : 0;
	}
	cycles = (now - t0) * (1 + (rx_lc < RTE_MAX_LCORE) +
			       (svc_lc < RTE_MAX_LCORE));
	if (app.o.json) {
		printf("{\"connections\": %u, \"request_size\": %u, "
		       "\"ipv6\": %s, \"mtu\": %u, \"speed_mbps\": %u, "
		       "\"cc\": \"%s\", \"engine\": \"%s\", \"seconds\": %.3f, "
		       "\"bytes_received\": %" PRIu64 ", \"bytes_bad\": %" PRIu64
		       ", \"requests_completed\": %" PRIu64 ", "
		       "\"goodput_gbps\": %.3f, \"max_goodput_gbps\": %.3f, "
		       "\"wire_gbps\": %.3f, \"wire_mpps\": %.3f, "
		       "\"retransmitted_segments\": %" PRIu64 ", "
		       "\"latency_us\": {\"p50\": %.1f, \"p99\": %.1f, "
		       "\"p99.9\": %.1f}, \"cycles_per_byte\": %.3f, "
		       "\"jain_fairness\": %.4f, \"conn_state_bytes\": %zu}\n",
		       app.o.conns, app.o.req_size, app.o.ipv6 ? "true" : "false",
		       app.o.mtu, app.o.speed, app.o.cc ? "cubic" : "newreno",
		       app.o.service ? "service" : "inline", secs,
		       app.received_total, bad, reqs, goodput, max_goodput, wire,
		       s0.opackets / secs / 1e6, retrans, hist_pct(0.5),
		       hist_pct(0.99), hist_pct(0.999),
		       app.received_total ? (double)cycles / app.received_total :
		       0, jain_den > 0 ? jain_num * jain_num /
		       (app.o.conns * jain_den) : 0, ofld_tcp_conn_size());
	} else {
		printf("\nsummary\n");
		printf("  %-28s %10.2f s\n", "time", secs);
		printf("  %-28s %10" PRIu64 " B (%" PRIu64 " bad)\n",
		       "received and checked", app.received_total, bad);
		printf("  %-28s %10" PRIu64 "\n", "requests completed", reqs);
		printf("  %-28s %10.3f Gbit/s", "goodput", goodput);
		if (max_goodput > 0)
			printf("  (%.1f%% of the %.3f Gbit/s the link allows)",
			       goodput / max_goodput * 100, max_goodput);
		printf("\n  %-28s %10.3f Gbit/s, %.3f Mpps\n", "wire",
		       wire, s0.opackets / secs / 1e6);
		printf("  %-28s %10" PRIu64 " segments\n", "retransmitted",
		       retrans);
		printf("  %-28s %10.1f / %.1f / %.1f us\n",
		       "completion p50/p99/p99.9", hist_pct(0.5), hist_pct(0.99),
		       hist_pct(0.999));
		printf("  %-28s %10.3f\n", "CPU cycles per byte",
		       app.received_total ? (double)cycles /
		       app.received_total : 0);
		printf("  %-28s %10.4f\n", "fairness (Jain)",
		       jain_den > 0 ? jain_num * jain_num /
		       (app.o.conns * jain_den) : 0);
		printf("  %-28s %10zu B in the NIC (+%zu B in this app)\n",
		       "state per connection", ofld_tcp_conn_size(),
		       sizeof(struct conn) + (app.o.depth + 1) * sizeof(uint64_t));
	}
	if (getenv("OFLD_PERF_DEBUG") != NULL)
		fprintf(stderr, "tx segs_out %" PRIu64 " hs %" PRIu64 "; rx syn_in %" PRIu64 " hs %" PRIu64 " segs_in %" PRIu64 " not_ours %" PRIu64 " ipackets %" PRIu64 " rx mac_filtered %" PRIu64 "\n", xstat(app.tx_port, "tcp_q0_segs_out"), xstat(app.tx_port, "tcp_q0_handshakes"), xstat(app.rx_port, "tcp_q0_syn_in"), xstat(app.rx_port, "tcp_q0_handshakes"), xstat(app.rx_port, "tcp_q0_segs_in"), xstat(app.rx_port, "tcp_q0_not_ours"), s1.ipackets, xstat(app.rx_port, "rx_q0_mac_filtered"));
	RTE_SET_USED(s1);
	RTE_SET_USED(done_bytes);

	if (app.o.service) {
		rte_service_runstate_set(sid, 0);
		rte_service_lcore_stop(svc_lc);
	}
	rte_eth_dev_stop(app.tx_port);
	rte_eth_dev_stop(app.rx_port);
	rte_eth_dev_close(app.tx_port);
	rte_eth_dev_close(app.rx_port);
	ret = bad != 0 || app.received_total == 0 ? 1 : 0;
	for (i = 0; i < app.o.conns; i++)
		free(app.c[i].post_tsc);
	rte_free(app.region);
	rte_eal_cleanup();
	return ret;
}
