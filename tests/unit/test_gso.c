/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The GSO engine (offload/gso) on its own, rule by rule (G1, G2, G7-G14).
 * Segments are checked by tests/common/ofld_pkt.c, which recomputes every
 * checksum with its own byte-wise arithmetic. Every test ends with the
 * mempool full.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_mbuf.h>

#include "ofld_gso.h"
#include "ofld_pkt.h"
#include "ofld_test.h"

static uint8_t flat[TPKT_MAX];
static struct rte_mbuf *segs[OFLD_GSO_MAX_SEGS];

static const struct ofld_gso_caps all_caps = {
	.l3 = OFLD_GSO_L3_ALL,
	.l4 = OFLD_GSO_L4_ALL,
	.max_offload_size = 16u << 20,
	.min_segs = 1,
	.l4_offset_max = 0,
};

/* Build, parse, segment, check, free. 0 on success. */
static int
run_case(const char *name, const struct tpkt_spec *s, uint32_t flags)
{
	struct ofld_gso_pkt p;
	struct rte_mbuf *m;
	enum ofld_gso_verdict v;
	char err[256];
	int n, ret = 0, i;

	m = tpkt_build(ofld_test_pool(), s, flat);
	if (m == NULL) {
		fprintf(stderr, "%s: cannot build\n", name);
		return -1;
	}
	v = ofld_gso_parse(m, &all_caps, &p);
	if (v != OFLD_GSO_OK) {
		fprintf(stderr, "%s: refused: %s\n", name,
			ofld_gso_verdict_name[v]);
		rte_pktmbuf_free(m);
		return -1;
	}
	n = ofld_gso_segment(m, &p, ofld_test_pool(), ofld_test_pool(), segs,
			     flags);
	if (n < 0) {
		fprintf(stderr, "%s: segment: %d\n", name, n);
		rte_pktmbuf_free(m);
		return -1;
	}
	if (tpkt_check(s, flat, segs, n,
		       (flags & OFLD_GSO_F_L4_CSUM_LOWER) != 0, err,
		       sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", name, err);
		ret = -1;
	}
	if (flags & OFLD_GSO_F_L4_CSUM_LOWER) {
		for (i = 0; i < n; i++) {
			uint64_t want = s->udp ? RTE_MBUF_F_TX_UDP_CKSUM :
				RTE_MBUF_F_TX_TCP_CKSUM;

			if ((segs[i]->ol_flags & RTE_MBUF_F_TX_L4_MASK) != want)
				ret = -1;
		}
	}
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(segs[i]);
	return ret;
}

struct kind {
	const char *name;
	bool ipv6, udp;
};

static const struct kind kinds[] = {
	{ "tcp4", false, false }, { "tcp6", true, false },
	{ "udp4", false, true }, { "udp6", true, true },
};

/* G8: k*MSS-1, k*MSS, k*MSS+1 payload bytes, every kind. */
static void
test_g8_mss_boundaries(void)
{
	static const uint32_t ks[] = { 1, 2, 3, 45 };
	char name[64];
	unsigned int i, j;
	int d;

	for (i = 0; i < RTE_DIM(kinds); i++) {
		for (j = 0; j < RTE_DIM(ks); j++) {
			for (d = -1; d <= 1; d++) {
				struct tpkt_spec s = {
					.ipv6 = kinds[i].ipv6,
					.udp = kinds[i].udp,
					.mss = kinds[i].udp ? 1400 : 1448,
					.tcp_flags = 0x10,
					.seq = 1000,
					.ip_id = 7,
				};
				s.payload = ks[j] * s.mss + d;
				snprintf(name, sizeof(name), "%s %u*mss%+d",
					 kinds[i].name, ks[j], d);
				CU_ASSERT_EQUAL(run_case(name, &s, 0), 0);
			}
		}
	}
	CU_ASSERT(ofld_test_pool_full());
}

/* G8: input chains of odd-sized mbufs; segments cross mbuf boundaries. */
static void
test_g8_multiseg_input(void)
{
	static const uint16_t odd[] = { 1, 7, 333, 1001, 13, 1999, 2 };
	static const uint16_t hdr_split[] = { 20, 3, 500 };
	unsigned int i;
	char name[64];

	for (i = 0; i < RTE_DIM(kinds); i++) {
		struct tpkt_spec s = {
			.ipv6 = kinds[i].ipv6, .udp = kinds[i].udp,
			.payload = 20011, .mss = 1000, .tcp_flags = 0x18,
			.chain = odd, .chain_n = RTE_DIM(odd),
		};

		snprintf(name, sizeof(name), "%s odd chain", kinds[i].name);
		CU_ASSERT_EQUAL(run_case(name, &s, 0), 0);
		/* headers themselves split over three mbufs */
		s.chain = hdr_split;
		s.chain_n = RTE_DIM(hdr_split);
		snprintf(name, sizeof(name), "%s split headers", kinds[i].name);
		CU_ASSERT_EQUAL(run_case(name, &s, 0), 0);
	}
	CU_ASSERT(ofld_test_pool_full());
}

/* G9: options and extension headers copied byte-exact (timestamps not
 * advanced), with checksums still right.
 */
static void
test_g9_options_copied(void)
{
	struct tpkt_spec s = { .payload = 9000, .mss = 1448, .tcp_flags = 0x18 };

	s.ip_opts = 12;
	s.tcp_opts = 12;
	CU_ASSERT_EQUAL(run_case("ipv4 ts option + tcp ts", &s, 0), 0);
	s.ip_opts = 40;
	s.tcp_opts = 40;
	CU_ASSERT_EQUAL(run_case("ipv4 40 + tcp 40 option bytes", &s, 0), 0);
	s.ip_opts = 4;
	s.udp = true;
	CU_ASSERT_EQUAL(run_case("ipv4 router alert + udp", &s, 0), 0);

	s = (struct tpkt_spec){ .ipv6 = true, .hbh = true, .routing = true,
				.dstopts = true, .tcp_opts = 12,
				.payload = 9000, .mss = 1428 };
	CU_ASSERT_EQUAL(run_case("ipv6 hbh+srh+dst + tcp ts", &s, 0), 0);
	s.udp = true;
	CU_ASSERT_EQUAL(run_case("ipv6 hbh+srh+dst + udp", &s, 0), 0);
	s = (struct tpkt_spec){ .ipv6 = true, .dstopts = true,
				.payload = 3000, .mss = 1000 };
	CU_ASSERT_EQUAL(run_case("ipv6 dstopts + tcp", &s, 0), 0);
	CU_ASSERT(ofld_test_pool_full());
}

/* G10: FIN and PSH on the last segment only, CWR on the first only, the
 * other flags everywhere; seq advances by the payload before.
 */
static void
test_g10_tcp_flags(void)
{
	/* FIN PSH ACK URG ECE CWR */
	struct tpkt_spec s = { .payload = 3000, .mss = 1000, .tcp_flags = 0xf9,
			       .seq = 0xfffffc00 /* wraps */ };

	CU_ASSERT_EQUAL(run_case("3 segments, all flags", &s, 0), 0);
	s.payload = 500;
	CU_ASSERT_EQUAL(run_case("1 segment keeps all flags", &s, 0), 0);
	s.payload = 2000;
	s.ipv6 = true;
	s.tcp_flags = 0x01 | 0x10;
	CU_ASSERT_EQUAL(run_case("FIN|ACK over 2", &s, 0), 0);
	CU_ASSERT(ofld_test_pool_full());
}

/* G11: pseudo-header-only mode for a port below that does L4 checksums
 * (IPv4 header checksums are still computed: G6).
 */
static void
test_g11_l4_left_to_lower(void)
{
	struct tpkt_spec s = { .payload = 7000, .mss = 1448, .ip_opts = 8 };

	CU_ASSERT_EQUAL(run_case("tcp4 phdr only", &s,
				 OFLD_GSO_F_L4_CSUM_LOWER), 0);
	s = (struct tpkt_spec){ .ipv6 = true, .udp = true, .routing = true,
				.payload = 7000, .mss = 1200 };
	CU_ASSERT_EQUAL(run_case("udp6 srh phdr only", &s,
				 OFLD_GSO_F_L4_CSUM_LOWER), 0);
	CU_ASSERT(ofld_test_pool_full());
}

/* G12: IPv4 ID + 1 per segment, wrapping at 16 bits; USO makes real UDP
 * datagrams (own header and length), not fragments.
 */
static void
test_g12_ip_id_wrap(void)
{
	struct tpkt_spec s = { .payload = 4000, .mss = 1000, .ip_id = 0xfffe };
	struct ofld_gso_pkt p;
	struct rte_mbuf *m;
	int n, i;

	CU_ASSERT_EQUAL(run_case("tcp4 id wrap", &s, 0), 0);
	s.udp = true;
	CU_ASSERT_EQUAL(run_case("udp4 id wrap", &s, 0), 0);

	/* Spelled out: ids fffe ffff 0000 0001, DF kept, no fragment bits. */
	m = tpkt_build(ofld_test_pool(), &s, flat);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL_FATAL(ofld_gso_parse(m, &all_caps, &p), OFLD_GSO_OK);
	n = ofld_gso_segment(m, &p, ofld_test_pool(), ofld_test_pool(), segs, 0);
	CU_ASSERT_EQUAL_FATAL(n, 4);
	for (i = 0; i < n; i++) {
		const uint8_t *ip = rte_pktmbuf_mtod_offset(segs[i],
						const uint8_t *, 14);
		uint16_t id = (uint16_t)(ip[4] << 8 | ip[5]);

		CU_ASSERT_EQUAL(id, (uint16_t)(0xfffe + i));
		CU_ASSERT_EQUAL(ip[6], 0x40);	/* DF, offset 0, no MF */
		CU_ASSERT_EQUAL(ip[7], 0);
		rte_pktmbuf_free(segs[i]);
	}
	CU_ASSERT(ofld_test_pool_full());
}

/* G13: inputs over 64 KiB; their own IPv4/IPv6 length fields are ignored. */
static void
test_g13_over_64k(void)
{
	struct tpkt_spec s = { .payload = 200 * 1024 + 17, .mss = 1448,
			       .ip_tot_len = 1234, .tcp_opts = 12 };

	CU_ASSERT_EQUAL(run_case("tcp4 200 KiB", &s, 0), 0);
	s.ipv6 = true;
	s.hbh = true;
	CU_ASSERT_EQUAL(run_case("tcp6 200 KiB", &s, 0), 0);
	s = (struct tpkt_spec){ .udp = true, .payload = 256 * 1024,
				.mss = 1472 };
	CU_ASSERT_EQUAL(run_case("udp4 256 KiB", &s, 0), 0);
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- G7: every refusal, its errno, nothing changed ---------------- */

enum mutation {
	MUT_NONE, MUT_BOTH_SEG, MUT_NO_L3_FLAG, MUT_L2_SHORT, MUT_TRUNCATED,
	MUT_CHAIN_LIE, MUT_L3_LEN, MUT_L4_LEN, MUT_UDP_ON_TCP, MUT_MSS0,
	MUT_MSS1, MUT_IPV6_L3_LEN, MUT_L4_LEN_UDP,
};

struct refusal {
	const char *name;
	struct tpkt_spec s;
	enum mutation mut;
	struct ofld_gso_caps caps;
	enum ofld_gso_verdict want;
};

static void
mutate(struct rte_mbuf *m, enum mutation mut)
{
	switch (mut) {
	case MUT_NONE:
		break;
	case MUT_BOTH_SEG:
		m->ol_flags |= RTE_MBUF_F_TX_UDP_SEG | RTE_MBUF_F_TX_TCP_SEG;
		break;
	case MUT_NO_L3_FLAG:
		m->ol_flags &= ~(RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6);
		break;
	case MUT_L2_SHORT:
		m->l2_len = 10;
		break;
	case MUT_TRUNCATED:
		/* all the payload and 10 header bytes gone */
		rte_pktmbuf_trim(m, m->pkt_len - (m->l2_len + m->l3_len +
						  m->l4_len) + 10);
		break;
	case MUT_CHAIN_LIE:
		m->pkt_len += 100;
		break;
	case MUT_L3_LEN:
		m->l3_len = 24;
		break;
	case MUT_L4_LEN:
		m->l4_len = 24;
		break;
	case MUT_L4_LEN_UDP:
		m->l4_len = 12;
		break;
	case MUT_UDP_ON_TCP:
		m->ol_flags = (m->ol_flags & ~RTE_MBUF_F_TX_TCP_SEG) |
			RTE_MBUF_F_TX_UDP_SEG;
		m->l4_len = 8;
		break;
	case MUT_MSS0:
		m->tso_segsz = 0;
		break;
	case MUT_MSS1:
		m->tso_segsz = 1;
		break;
	case MUT_IPV6_L3_LEN:
		m->l3_len = 40;
		break;
	}
}

static void
test_g7_refusals(void)
{
	struct ofld_gso_caps no_opts = all_caps, small = all_caps,
		min2 = all_caps, l4off = all_caps, no_ext = all_caps,
		no_udp = all_caps;
	const struct tpkt_spec tcp = { .payload = 3000, .mss = 1000 };
	const struct tpkt_spec tcp_ts = { .payload = 3000, .mss = 1000,
					  .tcp_opts = 12 };
	const struct tpkt_spec v4opt = { .payload = 3000, .mss = 1000,
					 .ip_opts = 24 };
	const struct tpkt_spec v6ext = { .ipv6 = true, .hbh = true,
					 .payload = 3000, .mss = 1000 };
	const struct tpkt_spec udp = { .udp = true, .payload = 3000,
				       .mss = 1000 };
	const struct tpkt_spec tiny = { .payload = 100, .mss = 1000 };
	unsigned int i;

	no_opts.l4 = OFLD_GSO_L4_TCP | OFLD_GSO_L4_UDP;
	no_opts.l3 = OFLD_GSO_L3_IPV4 | OFLD_GSO_L3_IPV6;
	no_ext.l3 = OFLD_GSO_L3_IPV4 | OFLD_GSO_L3_IPV6;
	no_udp.l4 = OFLD_GSO_L4_TCP | OFLD_GSO_L4_TCP_OPTS;
	small.max_offload_size = 2999;
	min2.min_segs = 2;
	l4off.l4_offset_max = 14 + 20 + 23;

	const struct refusal cases[] = {
		{ "TCP_SEG and UDP_SEG", tcp, MUT_BOTH_SEG, all_caps,
		  OFLD_GSO_BAD_FLAGS },
		{ "no IPV4/IPV6 flag", tcp, MUT_NO_L3_FLAG, all_caps,
		  OFLD_GSO_BAD_FLAGS },
		{ "l2_len 10", tcp, MUT_L2_SHORT, all_caps,
		  OFLD_GSO_BAD_LENGTHS },
		{ "truncated headers", tiny, MUT_TRUNCATED, all_caps,
		  OFLD_GSO_BAD_LENGTHS },
		{ "pkt_len beyond the chain", tcp, MUT_CHAIN_LIE, all_caps,
		  OFLD_GSO_BAD_LENGTHS },
		{ "l3_len vs IHL", tcp, MUT_L3_LEN, all_caps, OFLD_GSO_BAD_L3 },
		{ "l3_len vs IPv6 chain", v6ext, MUT_IPV6_L3_LEN, all_caps,
		  OFLD_GSO_BAD_L3 },
		{ "l4_len vs data offset", tcp, MUT_L4_LEN, all_caps,
		  OFLD_GSO_BAD_L4 },
		{ "UDP_SEG on TCP", tcp, MUT_UDP_ON_TCP, all_caps,
		  OFLD_GSO_BAD_L4 },
		{ "UDP l4_len 12", udp, MUT_L4_LEN_UDP, all_caps,
		  OFLD_GSO_BAD_L4 },
		{ "tso_segsz 0", tcp, MUT_MSS0, all_caps, OFLD_GSO_BAD_MSS },
		{ "more segments than the NIC cuts", tcp, MUT_MSS1, all_caps,
		  OFLD_GSO_BAD_MSS },
		{ "TCP options off", tcp_ts, MUT_NONE, no_opts,
		  OFLD_GSO_KIND_OFF },
		{ "IPv4 options off", v4opt, MUT_NONE, no_opts,
		  OFLD_GSO_KIND_OFF },
		{ "IPv6 ext headers off", v6ext, MUT_NONE, no_ext,
		  OFLD_GSO_KIND_OFF },
		{ "UDP off", udp, MUT_NONE, no_udp, OFLD_GSO_KIND_OFF },
		{ "payload > max offload size", tcp, MUT_NONE, small,
		  OFLD_GSO_TOO_BIG },
		{ "segments < min segment count", tiny, MUT_NONE, min2,
		  OFLD_GSO_TOO_FEW_SEGS },
		{ "L4 offset over the limit", v4opt, MUT_NONE, l4off,
		  OFLD_GSO_L4_OFFSET },
	};

	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct refusal *c = &cases[i];
		struct ofld_gso_pkt p;
		struct rte_mbuf *m = tpkt_build(ofld_test_pool(), &c->s, flat);
		enum ofld_gso_verdict v;
		uint64_t flags;
		uint32_t len;

		CU_ASSERT_FATAL(m != NULL);
		mutate(m, c->mut);
		flags = m->ol_flags;
		len = m->pkt_len;
		v = ofld_gso_parse(m, &c->caps, &p);
		CU_ASSERT_EQUAL(v, c->want);
		if (v != c->want)
			fprintf(stderr, "%s: got %s, want %s\n", c->name,
				ofld_gso_verdict_name[v],
				ofld_gso_verdict_name[c->want]);
		CU_ASSERT_EQUAL(ofld_gso_verdict_errno(v),
				c->want < OFLD_GSO_KIND_OFF ? EINVAL : ENOTSUP);
		/* parse changes nothing */
		CU_ASSERT_EQUAL(m->ol_flags, flags);
		CU_ASSERT_EQUAL(m->pkt_len, len);
		if (c->mut == MUT_CHAIN_LIE)
			m->pkt_len -= 100;
		rte_pktmbuf_free(m);
	}
	/* The same packets pass with the record that has their kind. */
	{
		struct ofld_gso_pkt p;
		struct rte_mbuf *m = tpkt_build(ofld_test_pool(), &tcp_ts, flat);

		CU_ASSERT_EQUAL(ofld_gso_parse(m, &all_caps, &p), OFLD_GSO_OK);
		CU_ASSERT_EQUAL(p.kind_l4, OFLD_GSO_L4_TCP_OPTS);
		rte_pktmbuf_free(m);
	}
	CU_ASSERT(ofld_test_pool_full());
}

/* On a dry mempool: -ENOMEM, nothing allocated, the input untouched. */
static void
test_nomem_leaves_input(void)
{
	struct tpkt_spec s = { .payload = 30000, .mss = 1000 };
	struct rte_mempool *small;
	struct ofld_gso_pkt p;
	struct rte_mbuf *m;
	uint8_t *copy;

	small = rte_pktmbuf_pool_create("gso_small", 40, 0, 0,
					RTE_MBUF_DEFAULT_BUF_SIZE,
					rte_socket_id());
	CU_ASSERT_FATAL(small != NULL);
	copy = malloc(TPKT_MAX);
	CU_ASSERT_FATAL(copy != NULL);
	m = tpkt_build(ofld_test_pool(), &s, flat);
	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL_FATAL(ofld_gso_parse(m, &all_caps, &p), OFLD_GSO_OK);
	/* 30 headers fit, their 30+ indirect mbufs do not. */
	CU_ASSERT_EQUAL(ofld_gso_segment(m, &p, small, small, segs, 0),
			-ENOMEM);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(small), 40);
	CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(m), 1);
	CU_ASSERT_EQUAL(m->pkt_len, tpkt_hdr_len(&s) + s.payload);
	CU_ASSERT_PTR_NOT_NULL(rte_pktmbuf_read(m, 0, m->pkt_len, copy));
	CU_ASSERT(memcmp(rte_pktmbuf_read(m, 0, m->pkt_len, copy), flat,
			 m->pkt_len) == 0);
	/* Headers alone can't be had either. */
	s.payload = 60000;
	rte_pktmbuf_free(m);
	m = tpkt_build(ofld_test_pool(), &s, flat);
	CU_ASSERT_EQUAL_FATAL(ofld_gso_parse(m, &all_caps, &p), OFLD_GSO_OK);
	CU_ASSERT_EQUAL(ofld_gso_segment(m, &p, small, ofld_test_pool(), segs,
					 0), -ENOMEM);
	CU_ASSERT_EQUAL(rte_mempool_avail_count(small), 40);
	rte_pktmbuf_free(m);
	free(copy);
	rte_mempool_free(small);
	CU_ASSERT(ofld_test_pool_full());
}

/* The input's buffers stay alive while segments reference them. */
static void
test_zero_copy_refcount(void)
{
	struct tpkt_spec s = { .payload = 5000, .mss = 1000 };
	struct ofld_gso_pkt p;
	struct rte_mbuf *m, *first;
	int n, i;

	m = tpkt_build(ofld_test_pool(), &s, flat);
	first = m;
	CU_ASSERT_EQUAL_FATAL(ofld_gso_parse(m, &all_caps, &p), OFLD_GSO_OK);
	rte_mbuf_refcnt_update(first, 1);	/* keep a reference */
	n = ofld_gso_segment(m, &p, ofld_test_pool(), ofld_test_pool(), segs, 0);
	CU_ASSERT_EQUAL_FATAL(n, 5);
	/* ours + the segments that reference the first mbuf's payload */
	CU_ASSERT(rte_mbuf_refcnt_read(first) >= 2);
	for (i = 0; i < n; i++) {
		CU_ASSERT(segs[i]->nb_segs >= 2);
		CU_ASSERT(RTE_MBUF_CLONED(segs[i]->next) != 0);
		rte_pktmbuf_free(segs[i]);
	}
	CU_ASSERT_EQUAL(rte_mbuf_refcnt_read(first), 1);
	rte_pktmbuf_free(first);
	CU_ASSERT(ofld_test_pool_full());
}

/* G14: checksum offloads of a plain packet, done in software. */
static void
test_g14_csum_apply(void)
{
	struct tpkt_spec s = { .payload = 1000, .mss = 1448, .ip_opts = 4 };
	struct rte_mbuf *m;
	uint32_t l4o, pseudo;
	const uint8_t *b;
	unsigned int k;

	for (k = 0; k < RTE_DIM(kinds); k++) {
		s.ipv6 = kinds[k].ipv6;
		s.udp = kinds[k].udp;
		s.ip_opts = s.ipv6 ? 0 : 4;
		m = tpkt_build(ofld_test_pool(), &s, flat);
		CU_ASSERT_FATAL(m != NULL && m->nb_segs == 1);
		m->ol_flags = (s.ipv6 ? RTE_MBUF_F_TX_IPV6 :
			       RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM) |
			(s.udp ? RTE_MBUF_F_TX_UDP_CKSUM :
			 RTE_MBUF_F_TX_TCP_CKSUM);
		CU_ASSERT_EQUAL(ofld_csum_check(m), 0);
		CU_ASSERT_EQUAL(ofld_csum_apply(m), 0);
		CU_ASSERT_EQUAL(m->ol_flags & (RTE_MBUF_F_TX_IP_CKSUM |
					       RTE_MBUF_F_TX_L4_MASK), 0);
		b = rte_pktmbuf_mtod(m, const uint8_t *);
		l4o = 14 + m->l3_len;
		if (!s.ipv6) {
			CU_ASSERT_EQUAL(tpkt_ocsum(b + 14, m->l3_len, 0), 0xffff);
			pseudo = tpkt_ocsum(b + 14 + 12, 8, 0);
		} else {
			pseudo = tpkt_ocsum(b + 14 + 8, 32, 0);
		}
		pseudo += (s.udp ? 17 : 6) + (m->pkt_len - l4o);
		CU_ASSERT_EQUAL(tpkt_ocsum(b + l4o, m->pkt_len - l4o, pseudo),
				0xffff);
		rte_pktmbuf_free(m);
	}
	/* IPv6 with extension headers: the pseudo-header holds the final
	 * destination of the routing header and the upper-layer protocol,
	 * not the first next-header value (RFC 8200 8.1)
	 */
	for (k = 0; k < 2; k++) {
		struct tpkt_spec x = { .ipv6 = true, .udp = k == 1,
				       .hbh = true, .routing = true,
				       .dstopts = true, .payload = 777,
				       .mss = 1448 };

		m = tpkt_build(ofld_test_pool(), &x, flat);
		CU_ASSERT_FATAL(m != NULL && m->nb_segs == 1);
		m->ol_flags = RTE_MBUF_F_TX_IPV6 | (x.udp ?
			RTE_MBUF_F_TX_UDP_CKSUM : RTE_MBUF_F_TX_TCP_CKSUM);
		CU_ASSERT_EQUAL(ofld_csum_apply(m), 0);
		b = rte_pktmbuf_mtod(m, const uint8_t *);
		l4o = 14 + m->l3_len;
		/* source; segment list[0] of the SRH after the 8-byte HBH */
		pseudo = tpkt_ocsum(b + 14 + 8, 16, 0);
		pseudo += tpkt_ocsum(b + 14 + 40 + 8 + 8, 16, 0);
		pseudo += (x.udp ? 17 : 6) + (m->pkt_len - l4o);
		CU_ASSERT_EQUAL(tpkt_ocsum(b + l4o, m->pkt_len - l4o, pseudo),
				0xffff);
		rte_pktmbuf_free(m);
	}
	/* Refused: lengths that do not fit, SCTP, IPv6 header checksum. */
	m = tpkt_build(ofld_test_pool(), &s, flat);
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	m->l3_len = 24;
	CU_ASSERT_EQUAL(ofld_csum_check(m), -EINVAL);
	CU_ASSERT_EQUAL(ofld_csum_apply(m), -EINVAL);
	m->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_IP_CKSUM;
	m->l3_len = 40;
	CU_ASSERT_EQUAL(ofld_csum_check(m), -EINVAL);
	m->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_SCTP_CKSUM;
	CU_ASSERT_EQUAL(ofld_csum_check(m), -EINVAL);
	rte_pktmbuf_free(m);
	CU_ASSERT(ofld_test_pool_full());
}

/* G1/G2: validity of a hardware record, subset rule for an active one. */
static void
test_g1_g2_records(void)
{
	struct ofld_gso_caps hw = {
		.l3 = OFLD_GSO_L3_IPV4 | OFLD_GSO_L3_IPV6,
		.l4 = OFLD_GSO_L4_TCP, .max_offload_size = 65536,
		.min_segs = 2, .l4_offset_max = 100,
	}, a;

	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&hw), 0);
	a = hw;
	a.l3 = 0;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);
	a = hw;
	a.l4 = 0;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);
	a = hw;
	a.max_offload_size = 0;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);
	a = hw;
	a.min_segs = 0;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);
	a = hw;
	a.l3 = OFLD_GSO_L3_IPV4_OPTS;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);
	a = hw;
	a.l4 = OFLD_GSO_L4_TCP_OPTS;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);
	a = hw;
	a.l3 = OFLD_GSO_L3_IPV6_EXT | OFLD_GSO_L3_IPV4;
	CU_ASSERT_EQUAL(ofld_gso_caps_valid(&a), -EINVAL);

	/* subsets */
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&hw, &hw), 0);
	a = hw;
	a.l3 = OFLD_GSO_L3_IPV4;
	a.max_offload_size = 1000;
	a.min_segs = 5;
	a.l4_offset_max = 50;
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), 0);
	a = hw;
	a.l3 = a.l4 = 0;	/* GSO off */
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), 0);
	a = hw;
	a.l4 |= OFLD_GSO_L4_UDP;
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), -EINVAL);
	a = hw;
	a.max_offload_size = 65537;
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), -EINVAL);
	a = hw;
	a.min_segs = 1;
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), -EINVAL);
	a = hw;
	a.l4_offset_max = 0;	/* "no limit" is more than 100 */
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), -EINVAL);
	a = hw;
	a.l4_offset_max = 101;
	CU_ASSERT_EQUAL(ofld_gso_caps_subset(&a, &hw), -EINVAL);
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "G1/G2 capability records", test_g1_g2_records },
		{ "G7 every refusal and its errno", test_g7_refusals },
		{ "G8 sizes at MSS boundaries", test_g8_mss_boundaries },
		{ "G8 multi-segment inputs", test_g8_multiseg_input },
		{ "G9 options and ext headers copied", test_g9_options_copied },
		{ "G10 TCP flags and seq", test_g10_tcp_flags },
		{ "G11 L4 checksum left to the port below", test_g11_l4_left_to_lower },
		{ "G12 IPv4 ID wrap, USO datagrams", test_g12_ip_id_wrap },
		{ "G13 inputs over 64 KiB", test_g13_over_64k },
		{ "G14 checksum offloads", test_g14_csum_apply },
		{ "zero copy refcounts", test_zero_copy_refcount },
		{ "no memory: input untouched", test_nomem_leaves_input },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "GSO engine", cases);
}
