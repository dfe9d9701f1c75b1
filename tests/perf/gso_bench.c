/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * gso_bench: ofld's GSO engine against DPDK's rte_gso on the same inputs,
 * alternating in one run, on one core. Prints segments/s, ns per segment,
 * Gbit/s of payload and the ratio ours / rte_gso. Figures, not a test.
 *
 * Modes of ours:
 *   lower  L4 checksums left to the port below (pseudo-header only), IPv4
 *          header checksums computed: the same work rte_gso does
 *   full   full software TCP/UDP checksums in every segment
 *
 * usage: gso_bench [EAL args] -- [--rounds N] [--iters N]
 *                  [--only ours-lower|ours-full|rte] [--case NAME]
 * --only runs one engine alone (for callgrind's instruction counts, see
 * tests/perf/gso_callgrind.sh).
 */

#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_gso.h>
#include <rte_mbuf.h>

#include "ofld_gso.h"
#include "ofld_pkt.h"
#include "ofld_test.h"

#define MAX_OUT 256

enum engine { ENG_OURS_LOWER, ENG_OURS_FULL, ENG_RTE, ENG_N };
static const char *const eng_name[ENG_N] = { "ours-lower", "ours-full",
					     "rte_gso" };

struct bcase {
	const char *name;
	struct tpkt_spec s;
	bool rte_can;		/* rte_gso does this kind (TCP/IPv4) */
};

static struct rte_mempool *in_pool, *hdr_pool, *ind_pool;
static struct rte_mbuf *out[MAX_OUT];
static uint8_t flat[TPKT_MAX];
static uint64_t in_flags;

static const struct ofld_gso_caps caps = {
	.l3 = OFLD_GSO_L3_ALL, .l4 = OFLD_GSO_L4_ALL,
	.max_offload_size = 1 << 20, .min_segs = 1,
};

/* The timed calls, kept out of line so callgrind can count them alone. */
static __rte_noinline int
seg_ours(struct rte_mbuf *m, uint32_t flags)
{
	struct ofld_gso_pkt p;

	enum ofld_gso_verdict v = ofld_gso_parse(m, &caps, &p);

	if (v != OFLD_GSO_OK) {
		fprintf(stderr, "refused: %s\n", ofld_gso_verdict_name[v]);
		return -1;
	}
	return ofld_gso_segment(m, &p, hdr_pool, ind_pool, out, flags);
}

/* rte_gso leaves the input to the application to free (rte_gso.h); ours
 * consumes it. Both are timed with that free, the same work.
 */
static __rte_noinline int
seg_rte(struct rte_mbuf *m, const struct rte_gso_ctx *ctx)
{
	int n = rte_gso_segment(m, ctx, out, MAX_OUT);

	rte_pktmbuf_free(m);
	return n;
}

/* Keep the input alive across calls: both engines free what they cut. */
static void
hold(struct rte_mbuf *m)
{
	for (; m != NULL; m = m->next)
		rte_mbuf_refcnt_update(m, 1);
}

struct result {
	uint64_t cycles, segs, payload;
};

static int
run(enum engine e, struct rte_mbuf *in, const struct rte_gso_ctx *ctx,
    unsigned int iters, struct result *r)
{
	uint64_t t0, t1;
	unsigned int i;
	int n, k;

	for (i = 0; i < iters; i++) {
		hold(in);
		in->ol_flags = in_flags; /* rte_gso clears TCP_SEG in its input */
		t0 = rte_rdtsc_precise();
		if (e == ENG_RTE)
			n = seg_rte(in, ctx);
		else
			n = seg_ours(in, e == ENG_OURS_LOWER ?
				     OFLD_GSO_F_L4_CSUM_LOWER : 0);
		t1 = rte_rdtsc_precise();
		if (n <= 0) {
			fprintf(stderr, "%s: segmentation failed (%d)\n",
				eng_name[e], n);
			return -1;
		}
		r->cycles += t1 - t0;
		r->segs += n;
		r->payload += in->pkt_len - (in->l2_len + in->l3_len +
					     in->l4_len);
		for (k = 0; k < n; k++)
			rte_pktmbuf_free(out[k]);
	}
	return 0;
}

static void
print_result(const char *cname, enum engine e, const struct result *r,
	     double base_segs_per_s)
{
	double secs = (double)r->cycles / rte_get_tsc_hz();
	double sps = r->segs / secs;

	printf("%-22s %-11s %8.2f Mseg/s %7.1f ns/seg %8.1f Gbit/s",
	       cname, eng_name[e], sps / 1e6, 1e9 / sps,
	       r->payload * 8 / secs / 1e9);
	if (base_segs_per_s > 0)
		printf("   ours/rte_gso %.2fx", sps / base_segs_per_s);
	printf("\n");
}

struct opts {
	unsigned int rounds, iters;
	int only;		/* an engine, or -1: all */
	const char *only_case;
};

/* The options after EAL's. @return 0, or 2 having said why. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "rounds", required_argument, NULL, 'r' },
		{ "iters", required_argument, NULL, 'i' },
		{ "only", required_argument, NULL, 'o' },
		{ "case", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->rounds = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'i':
			o->iters = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'o':
			for (o->only = 0; o->only < ENG_N; o->only++)
				if (strcmp(optarg, eng_name[o->only]) == 0)
					break;
			if (strcmp(optarg, "rte") == 0)
				o->only = ENG_RTE;
			if (o->only == ENG_N) {
				fprintf(stderr, "--only: ours-lower, ours-full "
					"or rte\n");
				return 2;
			}
			break;
		case 'c':
			o->only_case = optarg;
			break;
		default:
			fprintf(stderr, "usage: gso_bench [EAL] -- [--rounds N] "
				"[--iters N] [--only ENGINE] [--case NAME]\n");
			return 2;
		}
	}
	if (o->rounds == 0 || o->iters == 0) {
		fprintf(stderr, "--rounds and --iters must be > 0\n");
		return 2;
	}
	return 0;
}

/* Whether engine e runs on case bc under the options. */
static bool
engine_on(const struct opts *o, const struct bcase *bc, unsigned int e)
{
	return !((o->only >= 0 && (int)e != o->only) ||
		 (e == ENG_RTE && !bc->rte_can));
}

/* One case: a warm-up round, then the rounds alternating the engines,
 * and a line per engine. @return 0, or -1.
 */
static int
bench_case(const struct opts *o, const struct bcase *bc,
	   struct rte_gso_ctx *ctx)
{
	struct result res[ENG_N];
	struct rte_mbuf *in;
	unsigned int r, e;
	double base;

	in = tpkt_build(in_pool, &bc->s, flat);
	if (in == NULL)
		return -1;
	in->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
	in_flags = in->ol_flags;
	ctx->gso_size = tpkt_hdr_len(&bc->s) + bc->s.mss;
	/* one untimed round to warm caches and mempool caches */
	for (e = 0; e < ENG_N; e++) {
		struct result warm = { 0 };

		if (engine_on(o, bc, e) &&
		    run(e, in, ctx, RTE_MIN(o->iters, 200u), &warm) != 0)
			return -1;
	}
	memset(res, 0, sizeof(res));
	for (r = 0; r < o->rounds; r++)
		for (e = 0; e < ENG_N; e++)
			if (engine_on(o, bc, e) &&
			    run(e, in, ctx, o->iters, &res[e]) != 0)
				return -1;
	for (e = 0; e < ENG_N; e++) {
		if (res[e].segs == 0)
			continue;
		base = e != ENG_RTE && res[ENG_RTE].segs != 0 ?
			res[ENG_RTE].segs / ((double)res[ENG_RTE].cycles /
					     rte_get_tsc_hz()) : 0;
		print_result(bc->name, e, &res[e], base);
	}
	rte_pktmbuf_free(in);
	return 0;
}

int
main(int argc, char **argv)
{
	/* Inputs as an application hands them over: a 2-mbuf chain. */
	static const uint16_t two[] = { 32 * 1024 + 54, 40 * 1024 };
	const struct bcase cases[] = {
		{ "tcp4-64k-mss1448", { .payload = 65536, .mss = 1448,
			.tcp_flags = 0x18, .chain = two, .chain_n = 2 }, true },
		{ "tcp6-64k-mss1428", { .ipv6 = true, .payload = 65536,
			.mss = 1428, .tcp_flags = 0x18, .chain = two,
			.chain_n = 2 }, false },
		{ "udp4-64k-mss1472", { .udp = true, .payload = 65536,
			.mss = 1472, .chain = two, .chain_n = 2 }, false },
		{ "udp6-64k-mss1452", { .udp = true, .ipv6 = true,
			.payload = 65536, .mss = 1452, .chain = two,
			.chain_n = 2 }, false },
	};
	struct opts o = { .rounds = 20, .iters = 2000, .only = -1 };
	struct rte_gso_ctx ctx;
	unsigned int ci;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return 1;
	ret = parse_opts(argc - ret, argv + ret, &o);
	if (ret != 0)
		return ret;
	in_pool = rte_pktmbuf_pool_create("bench_in", 64, 0, 0,
					  48 * 1024, rte_socket_id());
	hdr_pool = rte_pktmbuf_pool_create("bench_hdr", 2048, 256, 0,
					   RTE_PKTMBUF_HEADROOM + 256,
					   rte_socket_id());
	ind_pool = rte_pktmbuf_pool_create("bench_ind", 2048, 256, 0, 0,
					   rte_socket_id());
	if (in_pool == NULL || hdr_pool == NULL || ind_pool == NULL) {
		fprintf(stderr, "mempools: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.direct_pool = hdr_pool;
	ctx.indirect_pool = ind_pool;
	ctx.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO;
	ctx.flag = 0;	/* IPv4 ID increments, as ours (G12) */

	printf("gso_bench: %u rounds x %u large sends per engine, alternating; "
	       "TSC %.2f GHz\n", o.rounds, o.iters, rte_get_tsc_hz() / 1e9);
	for (ci = 0; ci < RTE_DIM(cases); ci++)
		if ((o.only_case == NULL ||
		     strcmp(o.only_case, cases[ci].name) == 0) &&
		    bench_case(&o, &cases[ci], &ctx) != 0)
			return 1;
	if (rte_mempool_avail_count(in_pool) != 64 ||
	    rte_mempool_avail_count(hdr_pool) != 2048 ||
	    rte_mempool_avail_count(ind_pool) != 2048) {
		fprintf(stderr, "gso_bench: mbufs not back: input %u/64, "
			"header %u/2048, indirect %u/2048\n",
			rte_mempool_avail_count(in_pool),
			rte_mempool_avail_count(hdr_pool),
			rte_mempool_avail_count(ind_pool));
		return 1;
	}
	rte_eal_cleanup();
	return 0;
}
