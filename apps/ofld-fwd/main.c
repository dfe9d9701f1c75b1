/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-fwd: traffic between two net_ofld ports on the in-memory pair cable.
 *
 * Port 0 generates numbered frames; port 1 forwards every frame it receives
 * back (on its own lcore when there is one); port 0 receives them and checks
 * sequence and content. Prints a line per second and a summary: frames,
 * losses, reordering, Mpps, Gbit/s and the share of the link speed.
 */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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
#include <rte_mbuf.h>

#include "app_opts.h"

#define BURST		32
#define NB_MBUFS	16383
#define ETHERTYPE	0x88b5
#define HDR		(RTE_ETHER_HDR_LEN + 8)	/* Ethernet + 64-bit seq */

struct opts {
	double seconds;
	uint64_t frames;
	uint32_t size;
	uint32_t speed;
};

static volatile bool quit_signal;
static volatile bool fwd_stop;

static void
usage(const char *prog)
{
	printf("usage: %s [EAL options] -- [options]\n"
	       "  --seconds S   run for S seconds (default 5)\n"
	       "  --frames N    stop after N frames (default 0: no limit)\n"
	       "  --size B      frame size in bytes, %u..1514 (default 1514)\n"
	       "  --speed M     pair cable speed in Mbit/s, 0 = unpaced "
	       "(default 100000)\n"
	       "  --help        this text\n"
	       "Uses the first two net_ofld ports given with --vdev, or makes\n"
	       "two on a pair cable named 'fwd'.\n", prog, HDR + 6);
}

static int
parse_u64(const char *name, const char *s, uint64_t min, uint64_t max,
	  uint64_t *out)
{
	return app_opt_u64("ofld-fwd", name, s, min, max, out);
}

static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "frames", required_argument, NULL, 'n' },
		{ "size", required_argument, NULL, 'z' },
		{ "speed", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t v;
	char *end;
	int c;

	o->seconds = 5;
	o->frames = 0;
	o->size = 1514;
	o->speed = 100000;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' ||
			    !(o->seconds > 0 && o->seconds <= 86400)) {
				fprintf(stderr, "ofld-fwd: --seconds %s: expected "
					"a number in (0, 86400]\n", optarg);
				return -1;
			}
			break;
		case 'n':
			if (parse_u64("frames", optarg, 0, UINT64_MAX, &v))
				return -1;
			o->frames = v;
			break;
		case 'z':
			if (parse_u64("size", optarg, HDR + 6, 1514, &v))
				return -1;
			o->size = (uint32_t)v;
			break;
		case 'p':
			if (parse_u64("speed", optarg, 0, 400000, &v))
				return -1;
			o->speed = (uint32_t)v;
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
		fprintf(stderr, "ofld-fwd: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}

static inline uint8_t
pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

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

struct gen_stats {
	uint64_t tx, rx, rx_bytes, lost, reordered, corrupt, tx_fail;
};

static int
fwd_lcore(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_mbuf *b[BURST];
	uint16_t n, s;

	while (!fwd_stop) {
		n = rte_eth_rx_burst(port, 0, b, BURST);
		if (n == 0)
			continue;
		s = 0;
		while (s < n && !fwd_stop)
			s += rte_eth_tx_burst(port, 0, b + s, n - s);
		if (s < n)
			rte_pktmbuf_free_bulk(b + s, n - s);
	}
	return 0;
}

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit_signal = true;
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

static void
report(const char *what, const struct gen_stats *d, double secs,
       uint32_t size, uint32_t speed)
{
	double mpps = d->rx / secs / 1e6;
	double gbps = d->rx_bytes * 8 / secs / 1e9;
	double wire = (d->rx_bytes + 24.0 * d->rx) * 8 / secs / 1e9;

	RTE_SET_USED(size);
	printf("%-8s %7.2f s  rx %10" PRIu64 " frames  %7.3f Mpps  %8.3f Gbit/s"
	       "  wire %8.3f Gbit/s", what, secs, d->rx, mpps, gbps, wire);
	if (speed != 0)
		printf("  (%5.1f%% of %u Mbit/s link)", wire * 1e3 / speed * 100,
		       speed);
	printf("\n");
}

int
main(int argc, char **argv)
{
	uint16_t ports[2], p, nports = 0;
	struct rte_mbuf *b[BURST], *pend[BURST];
	uint16_t npend = 0, pend_off = 0;
	uint64_t t_rx = 0;
	struct rte_ether_hdr *eth, hdr;
	struct rte_mempool *mp;
	struct gen_stats st = { 0 }, last = { 0 }, d;
	struct rte_eth_dev_info info;
	uint64_t next_seq = 0, expect = 0, t0, t_last, now, hz, t_end, idle;
	unsigned int worker;
	struct opts o;
	char args[64];
	int ret, i;
	uint16_t n, k;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "ofld-fwd: cannot initialise EAL\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)(uintptr_t)"ofld-fwd";
	if (parse_opts(argc, argv, &o) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);

	RTE_ETH_FOREACH_DEV(p) {
		if (nports < 2 && rte_eth_dev_info_get(p, &info) == 0 &&
		    strcmp(info.driver_name, "net_ofld") == 0)
			ports[nports++] = p;
	}
	if (nports < 2) {
		snprintf(args, sizeof(args), "pair=fwd,speed=%u", o.speed);
		if (rte_vdev_init("net_ofld_fwd0", args) != 0 ||
		    rte_vdev_init("net_ofld_fwd1", args) != 0 ||
		    rte_eth_dev_get_port_by_name("net_ofld_fwd0", &ports[0]) ||
		    rte_eth_dev_get_port_by_name("net_ofld_fwd1", &ports[1])) {
			fprintf(stderr, "ofld-fwd: cannot create net_ofld ports "
				"(is the driver linked or loaded with -d?)\n");
			rte_eal_cleanup();
			return 1;
		}
	}

	mp = rte_pktmbuf_pool_create("fwd_pool", NB_MBUFS, 256, 0,
				     RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "ofld-fwd: mempool: %s\n",
			rte_strerror(rte_errno));
		rte_eal_cleanup();
		return 1;
	}
	rte_mempool_obj_iter(mp, fill_mbuf, NULL);
	if (setup_port(ports[0], mp) != 0 || setup_port(ports[1], mp) != 0) {
		rte_eal_cleanup();
		return 1;
	}

	worker = rte_get_next_lcore(-1, 1, 0);
	if (worker < RTE_MAX_LCORE)
		rte_eal_remote_launch(fwd_lcore, &ports[1], worker);
	printf("ofld-fwd: port %u -> pair cable -> port %u (forwarding on %s) "
	       "-> port %u; %u-byte frames, link %u Mbit/s\n", ports[0],
	       ports[1], worker < RTE_MAX_LCORE ? "its own lcore" :
	       "the main lcore", ports[0], o.size, o.speed);

	rte_eth_macaddr_get(ports[1], &hdr.dst_addr);
	rte_eth_macaddr_get(ports[0], &hdr.src_addr);
	hdr.ether_type = rte_cpu_to_be_16(ETHERTYPE);
	hz = rte_get_timer_hz();
	t0 = rte_get_timer_cycles();
	t_last = t0;
	t_end = t0 + (uint64_t)(o.seconds * hz);
	idle = 0;
	for (;;) {
		now = rte_get_timer_cycles();
		bool generating = !quit_signal && now < t_end &&
			(o.frames == 0 || next_seq + BURST <= o.frames);

		if (generating && npend == 0 &&
		    rte_pktmbuf_alloc_bulk(mp, pend, BURST) == 0) {
			for (i = 0; i < BURST; i++) {
				rte_pktmbuf_append(pend[i], o.size);
				eth = rte_pktmbuf_mtod(pend[i],
						       struct rte_ether_hdr *);
				*eth = hdr;
				*(uint64_t *)(eth + 1) = next_seq++;
			}
			npend = BURST;
			pend_off = 0;
		}
		if (npend != 0) {
			/* The link paces us: what it refuses now goes later. */
			k = rte_eth_tx_burst(ports[0], 0, pend + pend_off, npend);
			st.tx += k;
			pend_off += k;
			npend -= k;
			if (npend != 0)
				st.tx_fail++;
		}
		if (worker >= RTE_MAX_LCORE) {
			n = rte_eth_rx_burst(ports[1], 0, b, BURST);
			k = n ? rte_eth_tx_burst(ports[1], 0, b, n) : 0;
			if (k < n)
				rte_pktmbuf_free_bulk(b + k, n - k);
		}
		n = rte_eth_rx_burst(ports[0], 0, b, BURST);
		for (i = 0; i < n; i++) {
			const uint8_t *pl = rte_pktmbuf_mtod(b[i], uint8_t *);
			uint64_t seq = *(const uint64_t *)(pl +
							   RTE_ETHER_HDR_LEN);

			if (seq < expect)
				st.reordered++;
			else
				expect = seq + 1;
			if (b[i]->pkt_len != o.size ||
			    pl[o.size - 1] != pattern(o.size - 1) ||
			    pl[HDR] != pattern(HDR))
				st.corrupt++;
			st.rx_bytes += b[i]->pkt_len;
		}
		st.rx += n;
		if (n != 0) {
			rte_pktmbuf_free_bulk(b, n);
			t_rx = now;
		}

		if (!generating && npend == 0) {
			/* Drain what is still on the cable, then stop. */
			if (n != 0)
				idle = now + hz / 10;
			else if (idle == 0)
				idle = now + hz / 10;
			else if (now > idle)
				break;
		}
		if (now - t_last >= hz) {
			d = st;
			d.rx -= last.rx;
			d.rx_bytes -= last.rx_bytes;
			report("progress", &d, (double)(now - t_last) / hz,
			       o.size, o.speed);
			fflush(stdout);
			last = st;
			t_last = now;
		}
	}
	fwd_stop = true;
	rte_eal_mp_wait_lcore();
	now = rte_get_timer_cycles();

	st.lost = st.tx > st.rx ? st.tx - st.rx : 0;
	printf("\nsummary\n");
	printf("  frames sent      %" PRIu64 "\n", st.tx);
	printf("  frames returned  %" PRIu64 "\n", st.rx);
	printf("  lost             %" PRIu64 "\n", st.lost);
	printf("  reordered        %" PRIu64 "\n", st.reordered);
	printf("  corrupt          %" PRIu64 "\n", st.corrupt);
	printf("  tx bursts cut short by the link: %" PRIu64 "\n", st.tx_fail);
	report("total", &st, (double)((t_rx > t0 ? t_rx : now) - t0) / hz,
	       o.size, o.speed);

	for (i = 0; i < 2; i++) {
		rte_eth_dev_stop(ports[i]);
		rte_eth_dev_close(ports[i]);
	}
	ret = st.corrupt != 0 || st.rx == 0 ? 1 : 0;
	if (rte_mempool_avail_count(mp) != NB_MBUFS) {
		fprintf(stderr, "ofld-fwd: %u mbufs not returned\n",
			NB_MBUFS - rte_mempool_avail_count(mp));
		ret = 1;
	}
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return ret;
}
