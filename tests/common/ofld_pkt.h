/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_PKT_H
#define OFLD_PKT_H

/*
 * Test-side large sends: a builder of TCP/UDP over IPv4/IPv6 packets with
 * options and extension headers, cut into mbuf chains of chosen segment
 * sizes, and an independent checker of the segments GSO makes from them
 * (its own ones' complement arithmetic, byte by byte, no DPDK helper).
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

struct tpkt_spec {
	bool ipv6;
	bool udp;
	uint8_t ip_opts;	/**< IPv4 option bytes, multiple of 4, <= 40 */
	bool hbh;		/**< IPv6 hop-by-hop header (8 bytes) */
	bool routing;		/**< IPv6 segment routing header (40 bytes),
				 *   final destination != IPv6 destination */
	bool dstopts;		/**< IPv6 destination options (16 bytes) */
	uint8_t tcp_opts;	/**< TCP option bytes, multiple of 4, <= 40 */
	uint8_t tcp_flags;
	uint32_t seq;
	uint16_t ip_id;
	uint16_t ip_tot_len;	/**< IPv4 total length to write; 0: real */
	uint32_t payload;
	uint16_t mss;
	const uint16_t *chain;	/**< data_len of each mbuf, cycled; NULL:
				 *   2000-byte mbufs */
	uint16_t chain_n;
};

#define TPKT_MAX (1u << 20)

/** Header length of the packet @p s describes. */
uint32_t tpkt_hdr_len(const struct tpkt_spec *s);

/**
 * Build the large send @p s describes into an mbuf chain from @p mp with
 * the offload fields set, and write the same bytes to @p flat (room for
 * TPKT_MAX). NULL if the pool ran dry.
 */
struct rte_mbuf *tpkt_build(struct rte_mempool *mp, const struct tpkt_spec *s,
			    uint8_t *flat);

/**
 * Check segments made from @p flat (built from @p s) against G8-G12:
 * count, sizes, payload bytes in order, headers copied but for the fields
 * that must change, IPv4 ID, TCP seq and flags, lengths, and (unless
 * @p l4_phdr_only) valid IPv4 header and L4 checksums; with
 * @p l4_phdr_only, the L4 field holds the pseudo-header sum.
 * @return 0, or -1 after writing what is wrong into @p err.
 */
int tpkt_check(const struct tpkt_spec *s, const uint8_t *flat,
	       struct rte_mbuf **segs, int n, bool l4_phdr_only, char *err,
	       size_t errlen);

/** Big-endian 16- and 32-bit fields at any alignment. */
static inline uint16_t
tpkt_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
tpkt_get32(const uint8_t *p)
{
	return (uint32_t)tpkt_get16(p) << 16 | tpkt_get16(p + 2);
}

static inline void
tpkt_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v & 0xff);
}

static inline void
tpkt_put32(uint8_t *p, uint32_t v)
{
	tpkt_put16(p, (uint16_t)(v >> 16));
	tpkt_put16(p + 2, (uint16_t)(v & 0xffff));
}

/** Ones' complement sum (RFC 1071) of bytes as big-endian words, folded. */
uint16_t tpkt_ocsum(const uint8_t *b, uint32_t len, uint32_t init);

#endif /* OFLD_PKT_H */
