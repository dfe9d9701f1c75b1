/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Checksums (G6, G11, G14, T7): the raw sum (portable, AVX2 picked at
 * start-up), TCP/UDP checksums of mbuf chains with the pseudo-header of
 * IPv4 or IPv6 (RFC 8200 8.1), the IPv6 extension header walk, and the
 * checksum offloads of a plain packet.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_cpuflags.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ofld_csum.h"

#define IPV6_EXT_HOPOPTS	0
#define IPV6_EXT_ROUTING	43
#define IPV6_EXT_DSTOPTS	60

/*
 * IPv6: walk the extension headers (hop-by-hop, routing, destination
 * options) of the l3_len bytes at l3. *dst_off: offset in l3 of the
 * address checksums use (RFC 8200 8.1: the final destination of a routing
 * header); *nh: the header after them. 0, or -EINVAL when the chain
 * does not fit l3_len or has a header we do not walk.
 */
int
ofld_ipv6_walk(const uint8_t *l3, uint32_t l3_len, uint32_t *dst_off,
	       uint8_t *nh)
{
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)l3;
	uint32_t off = sizeof(*ip6);

	*nh = ip6->proto;
	*dst_off = offsetof(struct rte_ipv6_hdr, dst_addr);
	while (*nh == IPV6_EXT_HOPOPTS || *nh == IPV6_EXT_ROUTING ||
	       *nh == IPV6_EXT_DSTOPTS) {
		uint32_t hlen;

		if (*nh == IPV6_EXT_HOPOPTS && off != sizeof(*ip6))
			return -EINVAL; /* hop-by-hop only first */
		if (off + 8 > l3_len)
			return -EINVAL;
		hlen = ((uint32_t)l3[off + 1] + 1) * 8;
		if (off + hlen > l3_len)
			return -EINVAL;
		if (*nh == IPV6_EXT_ROUTING && l3[off + 3] != 0) {
			uint32_t a;

			switch (l3[off + 2]) {
			case 0:	/* last address of the list */
				a = off + hlen - 16;
				break;
			case 2:	/* type 2: the home address */
			case 4:	/* segment routing: segment list[0] */
				a = off + 8;
				break;
			default:
				return -EINVAL;
			}
			if (hlen < 24 || a + 16 > off + hlen)
				return -EINVAL;
			*dst_off = a;
		}
		*nh = l3[off];
		off += hlen;
	}
	return off == l3_len ? 0 : -EINVAL;
}

/*
 * Raw ones' complement sum of a buffer, in the byte order of memory (as
 * __rte_raw_cksum), 32-bit words added into 64-bit accumulators: folding
 * mod 0xffff makes it the same sum. A portable version and an AVX2 one,
 * picked once at start-up from the CPU's flags.
 */
static uint64_t
sum_portable(const uint8_t *b, uint32_t len)
{
	uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
	uint32_t w[4];
	uint16_t h;

	for (; len >= 16; b += 16, len -= 16) {
		memcpy(w, b, 16);
		s0 += w[0];
		s1 += w[1];
		s2 += w[2];
		s3 += w[3];
	}
	for (; len >= 4; b += 4, len -= 4) {
		memcpy(w, b, 4);
		s0 += w[0];
	}
	if (len >= 2) {
		memcpy(&h, b, 2);
		s1 += h;
		b += 2;
		len -= 2;
	}
	if (len)
		s2 += *b;	/* the low byte of a little-endian word */
	return s0 + s1 + s2 + s3;
}

#if defined(RTE_ARCH_X86)
#include <immintrin.h>

static __attribute__((target("avx2"))) uint64_t
sum_avx2(const uint8_t *b, uint32_t len)
{
	__m256i acc0 = _mm256_setzero_si256(), acc1 = _mm256_setzero_si256();
	const __m256i zero = _mm256_setzero_si256();
	uint64_t lanes[4];

	for (; len >= 64; b += 64, len -= 64) {
		__m256i v0 = _mm256_loadu_si256((const __m256i *)b);
		__m256i v1 = _mm256_loadu_si256((const __m256i *)(b + 32));

		acc0 = _mm256_add_epi64(acc0, _mm256_unpacklo_epi32(v0, zero));
		acc1 = _mm256_add_epi64(acc1, _mm256_unpackhi_epi32(v0, zero));
		acc0 = _mm256_add_epi64(acc0, _mm256_unpacklo_epi32(v1, zero));
		acc1 = _mm256_add_epi64(acc1, _mm256_unpackhi_epi32(v1, zero));
	}
	_mm256_storeu_si256((__m256i *)lanes, _mm256_add_epi64(acc0, acc1));
	return lanes[0] + lanes[1] + lanes[2] + lanes[3] +
		sum_portable(b, len);
}
#endif

uint64_t (*ofld_csum_sum_fn)(const uint8_t *, uint32_t) = sum_portable;

RTE_INIT(ofld_csum_pick_sum)
{
#if defined(RTE_ARCH_X86)
	if (rte_cpu_get_flag_enabled(RTE_CPUFLAG_AVX2))
		ofld_csum_sum_fn = sum_avx2;
#endif
}

/* Raw sum of [off, off + len) of a chain, odd boundaries handled. */
static uint32_t
chain_sum(const struct rte_mbuf *m, uint32_t off, uint32_t len)
{
	uint64_t sum = 0;
	uint32_t pos = 0, take;

	while (m != NULL && off >= m->data_len) {
		off -= m->data_len;
		m = m->next;
	}
	while (m != NULL && len > 0) {
		take = RTE_MIN(len, (uint32_t)m->data_len - off);
		sum += ofld_csum_piece(rte_pktmbuf_mtod_offset(m, const char *, off),
				  take, pos);
		pos += take;
		len -= take;
		off = 0;
		m = m->next;
	}
	return ofld_csum_fold16(sum);
}

static uint32_t
l4_sum(const struct rte_mbuf *m, const void *l3, bool ipv4, uint32_t l4_off)
{
	uint32_t len;
	uint64_t phdr;

	if (ipv4) {
		const struct rte_ipv4_hdr *ip = l3;

		len = rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip);
		phdr = rte_ipv4_phdr_cksum(ip, 0);
	} else {
		const struct rte_ipv6_hdr *ip6 = l3;
		const uint32_t l3_len = l4_off - (uint32_t)((const char *)l3 -
			rte_pktmbuf_mtod(m, const char *));
		uint32_t dst_off, be;
		uint8_t nh;

		len = rte_be_to_cpu_16(ip6->payload_len) -
			(l3_len - (uint32_t)sizeof(*ip6));
		/* RFC 8200 8.1: final destination, upper-layer protocol
		 * and length (not the first next header, not the first
		 * destination). Headers we cannot walk: the first
		 * destination and next header, as they stand.
		 */
		if (ofld_ipv6_walk(l3, l3_len, &dst_off, &nh) != 0) {
			dst_off = offsetof(struct rte_ipv6_hdr, dst_addr);
			nh = ip6->proto;
		}
		phdr = __rte_raw_cksum(&ip6->src_addr, 16, 0);
		phdr += __rte_raw_cksum((const uint8_t *)l3 + dst_off, 16, 0);
		be = rte_cpu_to_be_32(len);
		phdr += __rte_raw_cksum(&be, 4, 0);
		be = rte_cpu_to_be_32(nh);
		phdr += __rte_raw_cksum(&be, 4, 0);
	}
	if (l4_off + len > m->pkt_len)
		len = m->pkt_len > l4_off ? m->pkt_len - l4_off : 0;
	return ofld_csum_fold16(phdr + chain_sum(m, l4_off, len));
}

uint16_t
ofld_l4_cksum(const struct rte_mbuf *m, const void *l3, bool ipv4,
	      uint32_t l4_off)
{
	uint16_t c = (uint16_t)~l4_sum(m, l3, ipv4, l4_off);
	const uint8_t proto = ipv4 ?
		((const struct rte_ipv4_hdr *)l3)->next_proto_id :
		((const struct rte_ipv6_hdr *)l3)->proto;

	/* UDP says "no checksum" with 0: an all-ones sum goes as 0xffff */
	if (c == 0 && proto == IPPROTO_UDP)
		c = 0xffff;
	return c;
}

bool
ofld_l4_cksum_ok(const struct rte_mbuf *m, const void *l3, bool ipv4,
		 uint32_t l4_off)
{
	return l4_sum(m, l3, ipv4, l4_off) == 0xffff;
}
/* Where a plain packet's L3 and L4 headers are, if its checksum flags can
 * be done: 0, or -EINVAL.
 */
static int
csum_locate(const struct rte_mbuf *m, bool *v4, uint8_t *proto)
{
	const uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	const uint32_t l4_off = (uint32_t)m->l2_len + m->l3_len;
	const struct rte_ipv4_hdr *ip = NULL;
	uint32_t l4_hdr, l3_total;

	if (l4 != 0 && l4 != RTE_MBUF_F_TX_TCP_CKSUM &&
	    l4 != RTE_MBUF_F_TX_UDP_CKSUM)
		return -EINVAL; /* SCTP: not offered */
	/* The headers we write must be in the first segment. */
	if (m->l2_len < RTE_ETHER_HDR_LEN || l4_off > m->data_len)
		return -EINVAL;
	if (m->ol_flags & RTE_MBUF_F_TX_IPV4) {
		if (m->l3_len < sizeof(*ip))
			return -EINVAL;
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
					     m->l2_len);
		if ((ip->version_ihl >> 4) != 4 ||
		    rte_ipv4_hdr_len(ip) != m->l3_len)
			return -EINVAL;
		*v4 = true;
		*proto = ip->next_proto_id;
	} else if (m->ol_flags & RTE_MBUF_F_TX_IPV6) {
		if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM)
			return -EINVAL; /* IPv6 has no header checksum */
		if (m->l3_len < sizeof(struct rte_ipv6_hdr))
			return -EINVAL;
		*v4 = false;
		*proto = l4 == RTE_MBUF_F_TX_TCP_CKSUM ? IPPROTO_TCP :
			IPPROTO_UDP;
	} else {
		return -EINVAL;
	}
	if (l4 == 0)
		return 0;
	if ((l4 == RTE_MBUF_F_TX_TCP_CKSUM) != (*proto == IPPROTO_TCP))
		return -EINVAL;
	/* The L4 length the IP header gives (what the sum covers) must hold
	 * the L4 header, or the checksum field is outside the sum.
	 */
	l4_hdr = *proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
		sizeof(struct rte_udp_hdr);
	l3_total = *v4 ? rte_be_to_cpu_16(ip->total_length) :
		sizeof(struct rte_ipv6_hdr) + rte_be_to_cpu_16(
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
						m->l2_len)->payload_len);
	if (l3_total < (uint32_t)m->l3_len + l4_hdr)
		return -EINVAL;
	if (l4_off + (*proto == IPPROTO_TCP ? sizeof(struct rte_tcp_hdr) :
		      sizeof(struct rte_udp_hdr)) > m->pkt_len ||
	    l4_off + (*proto == IPPROTO_TCP ? 18u : 8u) > m->data_len)
		/* the checksum field itself must be in the first segment */
		return -EINVAL;
	return 0;
}

int
ofld_csum_check(const struct rte_mbuf *m)
{
	uint8_t proto;
	bool v4;

	return csum_locate(m, &v4, &proto);
}

int
ofld_csum_apply(struct rte_mbuf *m)
{
	const uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	const uint32_t l4_off = (uint32_t)m->l2_len + m->l3_len;
	struct rte_ipv4_hdr *ip = NULL;
	uint8_t *field;
	uint16_t cks;
	uint8_t proto;
	void *l3;
	bool v4;

	if (csum_locate(m, &v4, &proto) != 0)
		return -EINVAL;
	l3 = rte_pktmbuf_mtod_offset(m, void *, m->l2_len);
	if (v4) {
		ip = l3;
		if (m->ol_flags & RTE_MBUF_F_TX_IP_CKSUM) {
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
	}
	if (l4 != 0) {
		/* any alignment (odd header lengths): no uint16_t stores */
		field = rte_pktmbuf_mtod_offset(m, uint8_t *, l4_off +
			(proto == IPPROTO_TCP ?
			 offsetof(struct rte_tcp_hdr, cksum) :
			 offsetof(struct rte_udp_hdr, dgram_cksum)));
		memset(field, 0, 2);
		cks = ofld_l4_cksum(m, l3, v4, l4_off);
		memcpy(field, &cks, 2);
	}
	m->ol_flags &= ~(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK);
	return 0;
}

