/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_GSO_H
#define OFLD_GSO_H

/**
 * @file
 * The ofld NIC's Generic Segmentation Offload engine: TCP (TSO) and UDP
 * (USO) large sends over IPv4 (with or without options) and IPv6 (with or
 * without hop-by-hop, routing and destination options headers), with
 * correct IPv4 header and L4 checksums in every segment.
 *
 * No ethdev dependency: it works on mbufs. A large send is an mbuf chain
 * with RTE_MBUF_F_TX_TCP_SEG or RTE_MBUF_F_TX_UDP_SEG, RTE_MBUF_F_TX_IPV4 or
 * _IPV6, l2_len, l3_len, l4_len and tso_segsz (payload bytes per segment).
 *
 * Two steps: ofld_gso_parse() validates a large send against a capability
 * record (rule G7) and keeps a copy of its headers; ofld_gso_segment() cuts
 * it into segments, zero copy: each segment is a header mbuf chained to
 * indirect mbufs that reference the large send's payload.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_bitops.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#include "ofld_csum.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @name Layer-3 kinds of the capability record */
/**@{*/
#define OFLD_GSO_L3_IPV4	RTE_BIT32(0) /**< IPv4 without options */
#define OFLD_GSO_L3_IPV4_OPTS	RTE_BIT32(1) /**< IPv4 with options */
#define OFLD_GSO_L3_IPV6	RTE_BIT32(2) /**< IPv6, no extension header */
#define OFLD_GSO_L3_IPV6_EXT	RTE_BIT32(3) /**< IPv6 with extension headers */
#define OFLD_GSO_L3_ALL		(RTE_BIT32(4) - 1)
/**@}*/

/** @name Layer-4 kinds of the capability record */
/**@{*/
#define OFLD_GSO_L4_TCP		RTE_BIT32(0) /**< TCP without options */
#define OFLD_GSO_L4_TCP_OPTS	RTE_BIT32(1) /**< TCP with options */
#define OFLD_GSO_L4_UDP		RTE_BIT32(2) /**< UDP */
#define OFLD_GSO_L4_ALL		(RTE_BIT32(3) - 1)
/**@}*/

/** Longest header (L2 + L3 + L4) the engine copies into a segment. */
#define OFLD_GSO_HDR_MAX	256
/** Most segments one large send may be cut into. */
#define OFLD_GSO_MAX_SEGS	2048

/** A GSO capability record (rule G1): queried and set as a whole. */
struct ofld_gso_caps {
	uint32_t l3;		/**< OFLD_GSO_L3_* */
	uint32_t l4;		/**< OFLD_GSO_L4_* */
	uint32_t max_offload_size; /**< most L4 payload bytes per large send */
	uint32_t min_segs;	/**< fewest segments a large send must make */
	uint32_t l4_offset_max;	/**< largest L4 header offset; 0: no limit */
};

/**
 * Check that a record is valid as a hardware record (rule G2): an l3 and
 * an l4 kind, non-zero sizes, "with options" only with "without options".
 * @return 0 or -EINVAL.
 */
int ofld_gso_caps_valid(const struct ofld_gso_caps *c);

/**
 * Check that @p active may be switched on with hardware @p hw (rule G1):
 * a subset of it. An active record with no l3 or no l4 kind is GSO off.
 * @return 0 or -EINVAL.
 */
int ofld_gso_caps_subset(const struct ofld_gso_caps *active,
			 const struct ofld_gso_caps *hw);

/** Why a large send was refused; 0 is accepted. */
enum ofld_gso_verdict {
	OFLD_GSO_OK = 0,
	/* -EINVAL: the packet contradicts itself */
	OFLD_GSO_BAD_FLAGS,	/**< not exactly one of TCP/UDP_SEG, IPV4/6 */
	OFLD_GSO_BAD_LENGTHS,	/**< header lengths too short or truncated */
	OFLD_GSO_BAD_L3,	/**< l3_len vs IHL / IPv6 chain, version */
	OFLD_GSO_BAD_L4,	/**< l4_len vs TCP data offset, protocol */
	OFLD_GSO_BAD_MSS,	/**< tso_segsz 0, or too many segments */
	/* -ENOTSUP: the packet is fine but not switched on */
	OFLD_GSO_KIND_OFF,	/**< its l3/l4 kind is not in the record */
	OFLD_GSO_TOO_BIG,	/**< payload above max offload size */
	OFLD_GSO_TOO_FEW_SEGS,	/**< fewer segments than min segment count */
	OFLD_GSO_L4_OFFSET,	/**< L4 header beyond the offset limit */
	OFLD_GSO_NB_VERDICTS
};

/** Short names of the verdicts, for counters ("bad_l3", ...). */
extern const char *const ofld_gso_verdict_name[OFLD_GSO_NB_VERDICTS];

/** The errno of a verdict: 0, EINVAL or ENOTSUP. */
static inline int
ofld_gso_verdict_errno(enum ofld_gso_verdict v)
{
	if (v == OFLD_GSO_OK)
		return 0;
	return v < OFLD_GSO_KIND_OFF ? EINVAL : ENOTSUP;
}

/** A large send, parsed and validated. */
struct ofld_gso_pkt {
	uint16_t l2_len;
	uint16_t l3_len;
	uint16_t l4_len;
	uint16_t hdr_len;	/**< l2 + l3 + l4 */
	uint16_t mss;
	uint8_t ipv4;		/**< 1: IPv4, 0: IPv6 */
	uint8_t udp;		/**< 1: USO, 0: TSO */
	uint32_t kind_l3;	/**< the OFLD_GSO_L3_* it needs */
	uint32_t kind_l4;	/**< the OFLD_GSO_L4_* it needs */
	uint32_t payload;	/**< L4 payload bytes */
	uint32_t nb_segs;	/**< segments it makes */
	/** IPv6: offset in hdr of the destination the L4 checksum uses (the
	 * final one when a routing header has segments left, RFC 8200 8.1).
	 */
	uint16_t v6_dst_off;
	uint8_t hdr[OFLD_GSO_HDR_MAX]; /**< copy of its headers */
};

/**
 * Validate the large send @p m against @p caps (rule G7) and parse it into
 * @p p. Reads only; @p m is not changed. The input IPv4 total length and
 * IPv6 payload length are ignored: pkt_len rules (G13).
 *
 * @return OFLD_GSO_OK, or the reason for refusing it.
 */
enum ofld_gso_verdict ofld_gso_parse(const struct rte_mbuf *m,
				     const struct ofld_gso_caps *caps,
				     struct ofld_gso_pkt *p);

/** Leave L4 checksums to the port below: segments carry the pseudo-header
 * sum and RTE_MBUF_F_TX_{TCP,UDP}_CKSUM (IPv4 header checksums are always
 * computed, rule G6).
 */
#define OFLD_GSO_F_L4_CSUM_LOWER	RTE_BIT32(0)

/**
 * Cut the large send @p m, parsed by ofld_gso_parse() into @p p, into
 * p->nb_segs segments written to @p out.
 *
 * Each segment is a header mbuf from @p hdr_mp chained to indirect mbufs
 * from @p ind_mp attached to @p m's payload (zero copy). Segment s carries
 * payload bytes [s * mss, (s + 1) * mss) (G8), the headers of @p m with
 * options copied unaltered (G9), TCP sequence number and flags per G10,
 * lengths and checksums per G11, IPv4 ID + s (G12).
 *
 * Ownership: on success @p m is consumed (the segments keep its buffers
 * alive) and the segments are the caller's. On failure nothing is
 * allocated and @p m is untouched and still the caller's.
 *
 * @return p->nb_segs, or -ENOMEM if a mempool ran dry.
 */
int ofld_gso_segment(struct rte_mbuf *m, const struct ofld_gso_pkt *p,
		     struct rte_mempool *hdr_mp, struct rte_mempool *ind_mp,
		     struct rte_mbuf **out, uint32_t flags);


#ifdef __cplusplus
}
#endif

#endif /* OFLD_GSO_H */
