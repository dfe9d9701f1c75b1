/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * GSO through net_ofld's public faces: the capability records (G1-G5) via
 * rte_pmd_ofld.h and ethdev, tx_prepare's errnos and tx_burst's drops
 * (G7), segments crossing the pair cable intact (G8-G12), checksum
 * offloads (G6, G14), and a record changed while another thread sends
 * large sends (G4). Every test ends with the mempool full.
 */

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_pkt.h"
#include "ofld_test.h"
#include "rte_pmd_ofld.h"

#define L3_ALL (RTE_PMD_OFLD_GSO_L3_IPV4 | RTE_PMD_OFLD_GSO_L3_IPV4_OPTS | \
		RTE_PMD_OFLD_GSO_L3_IPV6 | RTE_PMD_OFLD_GSO_L3_IPV6_EXT)
#define L4_TCP (RTE_PMD_OFLD_GSO_L4_TCP | RTE_PMD_OFLD_GSO_L4_TCP_OPTS)

static uint8_t flat[TPKT_MAX];
static struct rte_mbuf *rx[4096];

static void
remove_all(void)
{
	rte_vdev_uninit("net_ofld_a");
	rte_vdev_uninit("net_ofld_b");
}

static void
pair_up(const char *extra, uint64_t offloads, int *a, int *b)
{
	char args[160];

	snprintf(args, sizeof(args), "pair=gso%s%s", extra ? "," : "",
		 extra ? extra : "");
	*a = ofld_test_vdev("net_ofld_a", args);
	*b = ofld_test_vdev("net_ofld_b", "pair=gso");
	CU_ASSERT_FATAL(*a >= 0 && *b >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start_tx(*a, offloads) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start_tx(*b, 0) == 0);
	/* test packets are addressed to no port in particular */
	CU_ASSERT_FATAL(rte_eth_promiscuous_enable(*b) == 0);
}

/* G1, G2, G3: records from device arguments, get/set, subset rule. */
static void
test_records_api(void)
{
	struct rte_pmd_ofld_gso_caps hw, act, bad;
	struct rte_eth_dev_info info;
	int a, b;

	a = ofld_test_vdev("net_ofld_a", "pair=r,gso_l3=ipv4:ipv6,"
			   "gso_l4=tcp:tcpopts,gso_max_size=65536,"
			   "gso_min_segs=2,gso_l4_offset_max=100");
	b = ofld_test_vdev("net_ofld_b", "pair=r");
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, &hw, &act), 0);
	CU_ASSERT_EQUAL(hw.l3, RTE_PMD_OFLD_GSO_L3_IPV4 |
			RTE_PMD_OFLD_GSO_L3_IPV6);
	CU_ASSERT_EQUAL(hw.l4, L4_TCP);
	CU_ASSERT_EQUAL(hw.max_offload_size, 65536);
	CU_ASSERT_EQUAL(hw.min_segs, 2);
	CU_ASSERT_EQUAL(hw.l4_offset_max, 100);
	/* Before configure: nothing at layer 4 is on. */
	CU_ASSERT_EQUAL(act.l4, 0);

	/* Defaults of the other port: everything, 256 KiB. */
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(b, &hw, NULL), 0);
	CU_ASSERT_EQUAL(hw.l3, L3_ALL);
	CU_ASSERT_EQUAL(hw.l4, L4_TCP | RTE_PMD_OFLD_GSO_L4_UDP);
	CU_ASSERT_EQUAL(hw.max_offload_size, 256 * 1024);
	CU_ASSERT_EQUAL(hw.min_segs, 1);

	/* G5: the ethdev view follows the hardware record. */
	CU_ASSERT_EQUAL(rte_eth_dev_info_get(a, &info), 0);
	CU_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_TSO);
	CU_ASSERT_FALSE(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_TSO);
	CU_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_IPV4_CKSUM);
	CU_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_TCP_CKSUM);
	CU_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_UDP_CKSUM);
	CU_ASSERT(info.tx_offload_capa & RTE_ETH_TX_OFFLOAD_MULTI_SEGS);

	/* G3: a subset is taken whole. */
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, &hw, NULL), 0);
	act = hw;
	act.l3 = RTE_PMD_OFLD_GSO_L3_IPV4;
	act.l4 = RTE_PMD_OFLD_GSO_L4_TCP;
	act.max_offload_size = 1000;
	act.min_segs = 3;
	act.l4_offset_max = 50;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &act), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, NULL, &bad), 0);
	CU_ASSERT(memcmp(&act, &bad, sizeof(act)) == 0);

	/* G1: not a subset: -EINVAL and nothing changes. */
	bad = hw;
	bad.l4 |= RTE_PMD_OFLD_GSO_L4_UDP;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &bad), -EINVAL);
	bad = hw;
	bad.max_offload_size = 65537;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &bad), -EINVAL);
	bad = hw;
	bad.min_segs = 1;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &bad), -EINVAL);
	bad = hw;
	bad.l4_offset_max = 0;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &bad), -EINVAL);
	bad = hw;
	bad.l3 = RTE_PMD_OFLD_GSO_L3_IPV4_OPTS;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &bad), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, NULL), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, NULL, &bad), 0);
	CU_ASSERT(memcmp(&act, &bad, sizeof(act)) == 0);

	/* Not a port, not ours. */
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(RTE_MAX_ETHPORTS, &hw, NULL),
			-ENODEV);
	CU_ASSERT_EQUAL(rte_vdev_init("net_null_g", ""), 0);
	{
		uint16_t np;

		CU_ASSERT_EQUAL(rte_eth_dev_get_port_by_name("net_null_g", &np),
				0);
		CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(np, &hw, NULL),
				-ENOTSUP);
		CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(np, &hw), -ENOTSUP);
		rte_vdev_uninit("net_null_g");
	}
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* G2: an invalid hardware record fails the probe, naming the argument. */
static void
test_bad_gso_devargs(void)
{
	static const char *const bad[][2] = {
		{ "pair=x,gso_l3=ipv4opts", "gso_l3" },
		{ "pair=x,gso_l3=ipv6ext:ipv4", "gso_l3" },
		{ "pair=x,gso_l4=tcpopts", "gso_l4" },
		{ "pair=x,gso_l3=ipx", "gso_l3" },
		{ "pair=x,gso_l3=", "gso_l3" },
		{ "pair=x,gso_l4=tcp:", "gso_l4" },
		{ "pair=x,gso_max_size=0", "gso_max_size" },
		{ "pair=x,gso_max_size=99999999", "gso_max_size" },
		{ "pair=x,gso_min_segs=0", "gso_min_segs" },
		{ "pair=x,gso_l4_offset_max=0", "gso_l4_offset_max" },
		{ "pair=x,gso_l4_offset_max=197", "gso_l4_offset_max" },
	};
	uint16_t before = rte_eth_dev_count_total();
	unsigned int i;

	for (i = 0; i < RTE_DIM(bad); i++) {
		ofld_test_log_clear();
		CU_ASSERT(rte_vdev_init("net_ofld_a", bad[i][0]) != 0);
		CU_ASSERT(strstr(ofld_test_log(), bad[i][1]) != NULL);
		CU_ASSERT_EQUAL(rte_eth_dev_count_total(), before);
		rte_vdev_uninit("net_ofld_a");
	}
}

/* G5: rte_eth_dev_configure's TSO offloads switch the record's L4 part;
 * the record's changes show in the configured offloads.
 */
static void
test_ethdev_view(void)
{
	struct rte_pmd_ofld_gso_caps act;
	struct rte_eth_conf conf;
	int a, b;

	pair_up(NULL, RTE_ETH_TX_OFFLOAD_TCP_TSO, &a, &b);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, NULL, &act), 0);
	CU_ASSERT_EQUAL(act.l4, L4_TCP);
	CU_ASSERT_EQUAL(act.l3, L3_ALL);

	CU_ASSERT_EQUAL(rte_eth_dev_stop(a), 0);
	CU_ASSERT_EQUAL(ofld_test_port_start_tx(a, RTE_ETH_TX_OFFLOAD_UDP_TSO), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, NULL, &act), 0);
	CU_ASSERT_EQUAL(act.l4, RTE_PMD_OFLD_GSO_L4_UDP);

	/* Set through the API: ethdev's configuration follows. */
	act.l4 = RTE_PMD_OFLD_GSO_L4_TCP;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &act), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_conf_get(a, &conf), 0);
	CU_ASSERT(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO);
	CU_ASSERT_FALSE(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_UDP_TSO);
	act.l4 = 0;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &act), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_conf_get(a, &conf), 0);
	CU_ASSERT_FALSE(conf.txmode.offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO);

	/* A port without UDP in hardware refuses UDP_TSO at configure. */
	remove_all();
	a = ofld_test_vdev("net_ofld_a", "pair=v,gso_l4=tcp");
	CU_ASSERT_FATAL(a >= 0);
	CU_ASSERT(ofld_test_port_start_tx(a, RTE_ETH_TX_OFFLOAD_UDP_TSO) != 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* Receive everything on port b; returns the count. */
static int
drain(int b)
{
	return ofld_test_rx_all(b, 0, rx, RTE_DIM(rx));
}

/* G8-G12 end to end: a large send crosses the cable as checked segments. */
static void
test_segments_cross_the_cable(void)
{
	const struct tpkt_spec specs[] = {
		{ .payload = 64 * 1024, .mss = 1448, .tcp_opts = 12,
		  .tcp_flags = 0x18, .seq = 77, .ip_id = 0xfff0 },
		{ .ipv6 = true, .hbh = true, .dstopts = true, .payload = 100000,
		  .mss = 1400, .tcp_flags = 0x19 },
		{ .udp = true, .payload = 50000, .mss = 1464, .ip_opts = 8 },
		{ .ipv6 = true, .udp = true, .routing = true, .payload = 30000,
		  .mss = 1200 },
	};
	struct rte_eth_stats st;
	struct rte_mbuf *m;
	unsigned int i;
	char err[256];
	int a, b, n;

	pair_up(NULL, RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO,
		&a, &b);
	for (i = 0; i < RTE_DIM(specs); i++) {
		m = tpkt_build(ofld_test_pool(), &specs[i], flat);
		CU_ASSERT_FATAL(m != NULL);
		CU_ASSERT_EQUAL(rte_eth_tx_prepare(a, 0, &m, 1), 1);
		CU_ASSERT_EQUAL(rte_eth_tx_burst(a, 0, &m, 1), 1);
		n = drain(b);
		if (tpkt_check(&specs[i], flat, rx, n, false, err,
			       sizeof(err)) != 0) {
			CU_FAIL("segments on the wire");
			fprintf(stderr, "spec %u: %s\n", i, err);
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_gso_sends"), RTE_DIM(specs));
	CU_ASSERT_EQUAL(rte_eth_stats_get(b, &st), 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_packets"), st.ipackets);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

struct prep_case {
	const char *name;
	struct tpkt_spec s;
	int mut;		/* 0 none, 1 l4_len, 2 mss 0, 3 mss > MTU */
	int want_errno;
	const char *xstat;
};

/* G7: tx_prepare says why with rte_errno; tx_burst drops, counts, goes on
 * with the next packet; the peer sees nothing of a refused packet.
 */
static void
test_refusals_prepare_and_burst(void)
{
	const struct prep_case cases[] = {
		{ "l4_len vs data offset", { .payload = 3000, .mss = 1000 }, 1,
		  EINVAL, "tx_q0_gso_bad_l4" },
		{ "tso_segsz 0", { .payload = 3000, .mss = 1000 }, 2, EINVAL,
		  "tx_q0_gso_bad_mss" },
		{ "segments over the MTU", { .payload = 9000, .mss = 1000 }, 3,
		  EINVAL, "tx_q0_gso_bad_mss" },
		{ "TCP options off", { .payload = 3000, .mss = 1000,
				       .tcp_opts = 12 }, 0, ENOTSUP,
		  "tx_q0_gso_kind_off" },
		{ "UDP off", { .udp = true, .payload = 3000, .mss = 1000 }, 0,
		  ENOTSUP, "tx_q0_gso_kind_off" },
		{ "over max offload size", { .payload = 70000, .mss = 1000 },
		  0, ENOTSUP, "tx_q0_gso_too_big" },
	};
	struct rte_pmd_ofld_gso_caps act;
	struct rte_mbuf *m[3];
	struct tpkt_spec good = { .payload = 5000, .mss = 1000 };
	static uint8_t flat2[TPKT_MAX];
	unsigned int i;
	char err[256];
	int a, b, n;

	pair_up(NULL, RTE_ETH_TX_OFFLOAD_TCP_TSO, &a, &b);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(a, NULL, &act), 0);
	act.l4 = RTE_PMD_OFLD_GSO_L4_TCP;
	act.max_offload_size = 65536;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &act), 0);

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct prep_case *c = &cases[i];
		uint64_t before = ofld_test_xstat(a, c->xstat);

		m[0] = tpkt_build(ofld_test_pool(), &good, flat2);
		m[1] = tpkt_build(ofld_test_pool(), &c->s, flat);
		m[2] = tpkt_build(ofld_test_pool(), &good, flat2);
		CU_ASSERT_FATAL(m[0] && m[1] && m[2]);
		if (c->mut == 1)
			m[1]->l4_len = 24;
		else if (c->mut == 2)
			m[1]->tso_segsz = 0;
		else if (c->mut == 3)
			m[1]->tso_segsz = 1500;
		rte_errno = 0;
		CU_ASSERT_EQUAL(rte_eth_tx_prepare(a, 0, m, 3), 1);
		CU_ASSERT_EQUAL(rte_errno, c->want_errno);
		if (rte_errno != c->want_errno)
			fprintf(stderr, "%s: errno %d\n", c->name, rte_errno);
		/* tx_burst takes all three, sends two, drops the middle. */
		CU_ASSERT_EQUAL(rte_eth_tx_burst(a, 0, m, 3), 3);
		CU_ASSERT_EQUAL(ofld_test_xstat(a, c->xstat), before + 1);
		n = drain(b);
		CU_ASSERT_EQUAL(n, 10);
		if (n == 10) {
			CU_ASSERT_EQUAL(tpkt_check(&good, flat2, rx, 5, false,
						   err, sizeof(err)), 0);
			CU_ASSERT_EQUAL(tpkt_check(&good, flat2, rx + 5, 5,
						   false, err, sizeof(err)), 0);
		}
		rte_pktmbuf_free_bulk(rx, n);
	}
	/* With TSO off in the record, any large send is refused. */
	act.l4 = 0;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(a, &act), 0);
	m[0] = tpkt_build(ofld_test_pool(), &good, flat2);
	CU_ASSERT_EQUAL(rte_eth_tx_prepare(a, 0, m, 1), 0);
	CU_ASSERT_EQUAL(rte_errno, ENOTSUP);
	CU_ASSERT_EQUAL(rte_eth_tx_burst(a, 0, m, 1), 1);
	CU_ASSERT_EQUAL(drain(b), 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* G6, G14: checksum offloads of plain packets are done; segments carry
 * correct checksums whatever the checksum offload settings.
 */
static void
test_checksum_offloads(void)
{
	struct tpkt_spec s = { .payload = 800, .mss = 1448 };
	struct rte_mbuf *m;
	const uint8_t *p;
	char err[256];
	int a, b, n;
	uint32_t pseudo;

	pair_up(NULL, RTE_ETH_TX_OFFLOAD_TCP_TSO, &a, &b);
	m = tpkt_build(ofld_test_pool(), &s, flat);
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM |
		RTE_MBUF_F_TX_TCP_CKSUM;
	CU_ASSERT_EQUAL(rte_eth_tx_prepare(a, 0, &m, 1), 1);
	CU_ASSERT_EQUAL(rte_eth_tx_burst(a, 0, &m, 1), 1);
	n = drain(b);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	p = rte_pktmbuf_mtod(rx[0], const uint8_t *);
	CU_ASSERT_EQUAL(tpkt_ocsum(p + 14, 20, 0), 0xffff);
	pseudo = tpkt_ocsum(p + 14 + 12, 8, 0) + 6 + 20 + 800;
	CU_ASSERT_EQUAL(tpkt_ocsum(p + 34, 820, pseudo), 0xffff);
	rte_pktmbuf_free(rx[0]);

	/* Large send with no checksum flag at all: still correct (G6). */
	s.payload = 5000;
	m = tpkt_build(ofld_test_pool(), &s, flat);
	m->ol_flags &= ~RTE_MBUF_F_TX_IP_CKSUM;
	CU_ASSERT_EQUAL(rte_eth_tx_burst(a, 0, &m, 1), 1);
	n = drain(b);
	CU_ASSERT_EQUAL(tpkt_check(&s, flat, rx, n, false, err, sizeof(err)),
			0);
	rte_pktmbuf_free_bulk(rx, n);

	/* A checksum request that does not fit: EINVAL, dropped, counted. */
	m = tpkt_build(ofld_test_pool(), &s, flat);
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	m->l3_len = 28;
	CU_ASSERT_EQUAL(rte_eth_tx_prepare(a, 0, &m, 1), 0);
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_EQUAL(rte_eth_tx_burst(a, 0, &m, 1), 1);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_csum_bad"), 1);
	CU_ASSERT_EQUAL(drain(b), 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- G4: set while traffic flows ---------------------------------- */

struct g4_ctx {
	int a, b;
	volatile int stop;
	uint64_t sent;
};

/*
 * Two records. R1: TCP on, max 64 KiB. R2: UDP only, max 16 KiB. The
 * sender sends 48 KiB TCP large sends: under R1 they go, under R2 they are
 * refused as "kind_off". Only a torn record (R1's kinds with R2's size)
 * would refuse one as "too_big".
 */
static struct rte_pmd_ofld_gso_caps r1, r2;

static void *
g4_sender(void *arg)
{
	struct g4_ctx *c = arg;
	static uint8_t f[TPKT_MAX];
	const struct tpkt_spec s = { .payload = 48 * 1024, .mss = 1448 };
	struct rte_mbuf *m;
	int n;

	while (!c->stop) {
		/* no mbuf: still drain below (what is on the cable holds
		 * them), never spin on the pool alone
		 */
		m = tpkt_build(ofld_test_pool(), &s, f);
		if (m != NULL && rte_eth_tx_burst(c->a, 0, &m, 1) == 1)
			__atomic_fetch_add(&c->sent, 1, __ATOMIC_RELAXED);
		else if (m != NULL)
			rte_pktmbuf_free(m);
		n = rte_eth_rx_burst(c->b, 0, rx, 512);
		while (n > 0) {
			rte_pktmbuf_free_bulk(rx, n);
			n = rte_eth_rx_burst(c->b, 0, rx, 512);
		}
	}
	return NULL;
}

static void
test_g4_set_while_sending(void)
{
	struct g4_ctx c = { 0 };
	struct rte_mbuf *m;
	pthread_t t;
	uint64_t sends, kind_off, too_big, dl;
	int i;

	pair_up(NULL, RTE_ETH_TX_OFFLOAD_TCP_TSO, &c.a, &c.b);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(c.a, NULL, &r1), 0);
	r1.l4 = L4_TCP;
	r1.max_offload_size = 64 * 1024;
	r2 = r1;
	r2.l4 = RTE_PMD_OFLD_GSO_L4_UDP;
	r2.max_offload_size = 16 * 1024;
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(c.a, &r1), 0);

	CU_ASSERT_FATAL(pthread_create(&t, NULL, g4_sender, &c) == 0);
	/* Flip until the sender has made 2000 large sends (60 s at most; the
	 * sender's thread floats over the CPUs like ours, so it normally has
	 * a core of its own).
	 */
	dl = ofld_test_deadline(60000);
	for (i = 0; __atomic_load_n(&c.sent, __ATOMIC_RELAXED) < 2000; i++) {
		rte_pmd_ofld_gso_caps_set(c.a, (i & 1) ? &r1 : &r2);
		if ((i & 1023) == 0 && ofld_test_expired(dl, "the sender "
				"thread's 2000 large sends (%" PRIu64 " made)",
				__atomic_load_n(&c.sent, __ATOMIC_RELAXED)))
			break;
	}
	c.stop = 1;
	pthread_join(t, NULL);

	sends = ofld_test_xstat(c.a, "tx_q0_gso_sends");
	kind_off = ofld_test_xstat(c.a, "tx_q0_gso_kind_off");
	too_big = ofld_test_xstat(c.a, "tx_q0_gso_too_big");
	fprintf(stderr, "G4: %" PRIu64 " large sends: %" PRIu64 " cut, %"
		PRIu64 " refused (kind off), %" PRIu64 " torn\n", c.sent, sends,
		kind_off, too_big);
	CU_ASSERT(c.sent >= 2000);
	CU_ASSERT_EQUAL(too_big, 0);
	CU_ASSERT_EQUAL(sends + kind_off, c.sent);
	/* both records were in force at some point */
	CU_ASSERT(sends > 0);
	CU_ASSERT(kind_off > 0);

	/* After set returns, the next packet meets the new record. */
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(c.a, &r2), 0);
	m = tpkt_build(ofld_test_pool(),
		       &(struct tpkt_spec){ .payload = 4000, .mss = 1000 }, flat);
	CU_ASSERT_EQUAL(rte_eth_tx_burst(c.a, 0, &m, 1), 1);
	CU_ASSERT_EQUAL(ofld_test_xstat(c.a, "tx_q0_gso_kind_off"),
			kind_off + 1);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(c.a, &r1), 0);
	m = tpkt_build(ofld_test_pool(),
		       &(struct tpkt_spec){ .payload = 4000, .mss = 1000 }, flat);
	CU_ASSERT_EQUAL(rte_eth_tx_burst(c.a, 0, &m, 1), 1);
	CU_ASSERT_EQUAL(ofld_test_xstat(c.a, "tx_q0_gso_sends"), sends + 1);
	rte_pktmbuf_free_bulk(rx, drain(c.b));
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "G1-G3 records and the private API", test_records_api },
		{ "G2 bad GSO device arguments", test_bad_gso_devargs },
		{ "G5 ethdev view", test_ethdev_view },
		{ "G8-G12 segments cross the cable", test_segments_cross_the_cable },
		{ "G7 tx_prepare errno, tx_burst drops", test_refusals_prepare_and_burst },
		{ "G6/G14 checksum offloads", test_checksum_offloads },
		{ "G4 set while sending", test_g4_set_while_sending },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "net_ofld GSO", cases);
}
