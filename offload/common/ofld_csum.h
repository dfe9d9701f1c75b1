/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_CSUM_H
#define OFLD_CSUM_H

/**
 * @file
 * Internet checksums the NIC computes (G6, G11, G14; the TCP engine's
 * segments, T7): ones' complement arithmetic (RFC 1071, 1624), TCP/UDP
 * checksums of any mbuf chain over IPv4 and IPv6 (extension headers
 * walked for the pseudo-header, RFC 8200 8.1), and the checksum offloads
 * of a plain packet. Shared by offload/gso and offload/tcp.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Raw sum of a buffer in memory byte order (portable or AVX2). */
extern uint64_t (*ofld_csum_sum_fn)(const uint8_t *b, uint32_t len);

static inline uint32_t
ofld_csum_fold32(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return (uint32_t)sum;
}

static inline uint16_t
ofld_csum_fold16(uint64_t sum)
{
	uint32_t s = ofld_csum_fold32(sum);

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Ones' complement sum of a payload piece that starts at byte offset
 * `off` of the checksummed area (odd offsets swap the bytes).
 */
static inline uint32_t
ofld_csum_piece(const void *buf, uint32_t len, uint32_t off)
{
	uint16_t s = ofld_csum_fold16(ofld_csum_sum_fn(buf, len));

	if (off & 1)
		s = (uint16_t)((s << 8) | (s >> 8));
	return s;
}

/**
 * Do what a non-segmented packet's checksum flags ask (rule G14):
 * RTE_MBUF_F_TX_IP_CKSUM and RTE_MBUF_F_TX_{TCP,UDP}_CKSUM, in software, in
 * place; the flags are cleared once done.
 * @return 0, or -EINVAL if the header lengths do not fit the packet.
 */
int ofld_csum_apply(struct rte_mbuf *m);

/**
 * Check, without changing anything, that ofld_csum_apply() can do what
 * @p m's checksum flags ask.
 * @return 0 or -EINVAL.
 */
int ofld_csum_check(const struct rte_mbuf *m);

/**
 * TCP/UDP checksum of the segment at @p l4_off of @p m (any chain, any
 * segment lengths), pseudo-header from @p l3 (IPv4 when @p ipv4, else
 * IPv6), ready to be stored. DPDK 22.11's rte_raw_cksum_mbuf() loses the
 * carry of an odd-aligned segment's sum; this one does not.
 */
uint16_t ofld_l4_cksum(const struct rte_mbuf *m, const void *l3, bool ipv4,
		       uint32_t l4_off);

/** True when the TCP/UDP checksum of that segment verifies. */
bool ofld_l4_cksum_ok(const struct rte_mbuf *m, const void *l3, bool ipv4,
		      uint32_t l4_off);

/**
 * IPv6: walk the extension headers (hop-by-hop, routing, destination
 * options) of the @p l3_len bytes at @p l3. *dst_off: offset in l3 of the
 * address checksums use (the final destination of a routing header);
 * *nh: the header after them.
 * @return 0, or -EINVAL.
 */
int ofld_ipv6_walk(const uint8_t *l3, uint32_t l3_len, uint32_t *dst_off,
		   uint8_t *nh);

#ifdef __cplusplus
}
#endif

#endif /* OFLD_CSUM_H */
