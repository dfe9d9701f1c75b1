/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * GSO engine: validation (ofld_gso_parse) and the generic splitter
 * (ofld_gso_segment) with the per-protocol header fix-ups kept apart in
 * small functions. Checksums: one pseudo-header and header sum per large
 * send, adjusted per segment with the fields that change (RFC 1071/1624
 * arithmetic); only the payload bytes are summed per segment.
 */

#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_memcpy.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ofld_gso.h"

#define TCP_FLAGS_LAST_ONLY	(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG)
#define TCP_FLAGS_FIRST_ONLY	RTE_TCP_CWR_FLAG

const char *const ofld_gso_verdict_name[OFLD_GSO_NB_VERDICTS] = {
	[OFLD_GSO_OK] = "ok",
	[OFLD_GSO_BAD_FLAGS] = "bad_flags",
	[OFLD_GSO_BAD_LENGTHS] = "bad_lengths",
	[OFLD_GSO_BAD_L3] = "bad_l3",
	[OFLD_GSO_BAD_L4] = "bad_l4",
	[OFLD_GSO_BAD_MSS] = "bad_mss",
	[OFLD_GSO_KIND_OFF] = "kind_off",
	[OFLD_GSO_TOO_BIG] = "too_big",
	[OFLD_GSO_TOO_FEW_SEGS] = "too_few_segs",
	[OFLD_GSO_L4_OFFSET] = "l4_offset",
};

/* A "with options" kind only with its plain kind (G2); known bits only. */
static bool
caps_kinds_consistent(const struct ofld_gso_caps *c)
{
	return !(c->l3 & ~OFLD_GSO_L3_ALL) && !(c->l4 & ~OFLD_GSO_L4_ALL) &&
		!((c->l3 & OFLD_GSO_L3_IPV4_OPTS) &&
		  !(c->l3 & OFLD_GSO_L3_IPV4)) &&
		!((c->l3 & OFLD_GSO_L3_IPV6_EXT) &&
		  !(c->l3 & OFLD_GSO_L3_IPV6)) &&
		!((c->l4 & OFLD_GSO_L4_TCP_OPTS) && !(c->l4 & OFLD_GSO_L4_TCP));
}

int
ofld_gso_caps_valid(const struct ofld_gso_caps *c)
{
	if (!caps_kinds_consistent(c) || c->l3 == 0 || c->l4 == 0)
		return -EINVAL;
	if (c->max_offload_size == 0 || c->min_segs == 0)
		return -EINVAL;
	return 0;
}

int
ofld_gso_caps_subset(const struct ofld_gso_caps *a,
		     const struct ofld_gso_caps *hw)
{
	if ((a->l3 & ~hw->l3) || (a->l4 & ~hw->l4) ||
	    !caps_kinds_consistent(a))
		return -EINVAL;
	if (a->max_offload_size == 0 ||
	    a->max_offload_size > hw->max_offload_size)
		return -EINVAL;
	if (a->min_segs < hw->min_segs)
		return -EINVAL;
	if (hw->l4_offset_max != 0 &&
	    (a->l4_offset_max == 0 || a->l4_offset_max > hw->l4_offset_max))
		return -EINVAL;
	return 0;
}


/* IPv6: the extension headers we segment over; 0 or a verdict. */
static enum ofld_gso_verdict
parse_ipv6(struct ofld_gso_pkt *p, uint8_t want_proto)
{
	const uint8_t *l3 = p->hdr + p->l2_len;
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)l3;
	uint32_t dst_off;
	uint8_t nh;

	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
		return OFLD_GSO_BAD_L3;
	if (ofld_ipv6_walk(l3, p->l3_len, &dst_off, &nh) != 0)
		return OFLD_GSO_BAD_L3;
	p->v6_dst_off = p->l2_len + dst_off;
	if (nh != want_proto)
		return OFLD_GSO_BAD_L4; /* includes fragment, AH, ESP */
	p->kind_l3 = p->l3_len > sizeof(*ip6) ? OFLD_GSO_L3_IPV6_EXT :
		OFLD_GSO_L3_IPV6;
	return OFLD_GSO_OK;
}

static enum ofld_gso_verdict
parse_ipv4(struct ofld_gso_pkt *p, uint8_t want_proto)
{
	const struct rte_ipv4_hdr *ip =
		(const struct rte_ipv4_hdr *)(p->hdr + p->l2_len);

	if ((ip->version_ihl >> 4) != 4)
		return OFLD_GSO_BAD_L3;
	if (rte_ipv4_hdr_len(ip) != p->l3_len)
		return OFLD_GSO_BAD_L3;
	if (ip->fragment_offset &
	    rte_cpu_to_be_16(RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK))
		return OFLD_GSO_BAD_L3; /* a fragment cannot be segmented */
	if (ip->next_proto_id != want_proto)
		return OFLD_GSO_BAD_L4;
	p->kind_l3 = p->l3_len > sizeof(*ip) ? OFLD_GSO_L3_IPV4_OPTS :
		OFLD_GSO_L3_IPV4;
	return OFLD_GSO_OK;
}

/* Flags, header lengths and the chain's own lengths; the headers copied
 * to p->hdr. 0 or a verdict.
 */
static enum ofld_gso_verdict
parse_lengths(const struct rte_mbuf *m, struct ofld_gso_pkt *p, bool tso,
	      bool v4)
{
	const struct rte_mbuf *seg;
	uint32_t total, n;
	const void *h;

	p->ipv4 = v4;
	p->udp = !tso;
	p->l2_len = m->l2_len;
	p->l3_len = m->l3_len;
	p->l4_len = m->l4_len;
	if (p->l2_len < RTE_ETHER_HDR_LEN ||
	    p->l3_len < (v4 ? sizeof(struct rte_ipv4_hdr) :
			 sizeof(struct rte_ipv6_hdr)) ||
	    p->l4_len < (tso ? sizeof(struct rte_tcp_hdr) :
			 sizeof(struct rte_udp_hdr)))
		return OFLD_GSO_BAD_LENGTHS;
	if ((uint32_t)p->l2_len + p->l3_len + p->l4_len > OFLD_GSO_HDR_MAX) {
		/* Our header buffer: a NIC limit, reported as the L4 offset. */
		return (uint32_t)p->l2_len + p->l3_len + p->l4_len <= m->pkt_len ?
			OFLD_GSO_L4_OFFSET : OFLD_GSO_BAD_LENGTHS;
	}
	p->hdr_len = p->l2_len + p->l3_len + p->l4_len;
	if (m->pkt_len < p->hdr_len)
		return OFLD_GSO_BAD_LENGTHS;
	/* The chain must hold exactly pkt_len bytes: the splitter walks it. */
	for (seg = m, total = 0, n = 0; seg != NULL; seg = seg->next, n++)
		total += seg->data_len;
	if (total != m->pkt_len || n != m->nb_segs)
		return OFLD_GSO_BAD_LENGTHS;
	h = rte_pktmbuf_read(m, 0, p->hdr_len, p->hdr);
	if (h == NULL)
		return OFLD_GSO_BAD_LENGTHS;
	if (h != p->hdr)
		memcpy(p->hdr, h, p->hdr_len);
	return OFLD_GSO_OK;
}

/* The L4 header's kind, and the segment count at this MSS. */
static enum ofld_gso_verdict
parse_l4_mss(const struct rte_mbuf *m, struct ofld_gso_pkt *p, bool tso)
{
	if (tso) {
		const struct rte_tcp_hdr *th = (const struct rte_tcp_hdr *)
			(p->hdr + p->l2_len + p->l3_len);

		if ((uint32_t)(th->data_off >> 4) * 4 != p->l4_len)
			return OFLD_GSO_BAD_L4;
		p->kind_l4 = p->l4_len > sizeof(*th) ? OFLD_GSO_L4_TCP_OPTS :
			OFLD_GSO_L4_TCP;
	} else {
		if (p->l4_len != sizeof(struct rte_udp_hdr))
			return OFLD_GSO_BAD_L4;
		p->kind_l4 = OFLD_GSO_L4_UDP;
	}
	p->mss = m->tso_segsz;
	if (p->mss == 0)
		return OFLD_GSO_BAD_MSS;
	p->payload = m->pkt_len - p->hdr_len;
	p->nb_segs = p->payload == 0 ? 1 : (p->payload + p->mss - 1) / p->mss;
	if (p->nb_segs > OFLD_GSO_MAX_SEGS)
		return OFLD_GSO_BAD_MSS;
	/* a segment's IPv4 total length / IPv6 payload length must hold it */
	if ((uint32_t)p->l3_len + p->l4_len + RTE_MIN((uint32_t)p->mss,
	    p->payload) - (p->ipv4 ? 0 : sizeof(struct rte_ipv6_hdr)) >
	    UINT16_MAX)
		return OFLD_GSO_BAD_MSS;
	return OFLD_GSO_OK;
}

enum ofld_gso_verdict
ofld_gso_parse(const struct rte_mbuf *m, const struct ofld_gso_caps *caps,
	       struct ofld_gso_pkt *p)
{
	const uint64_t fl = m->ol_flags;
	const bool tso = (fl & RTE_MBUF_F_TX_TCP_SEG) != 0;
	const bool uso = (fl & RTE_MBUF_F_TX_UDP_SEG) != 0;
	const bool v4 = (fl & RTE_MBUF_F_TX_IPV4) != 0;
	const bool v6 = (fl & RTE_MBUF_F_TX_IPV6) != 0;
	enum ofld_gso_verdict v;

	if (tso == uso || v4 == v6)
		return OFLD_GSO_BAD_FLAGS;
	v = parse_lengths(m, p, tso, v4);
	if (v != OFLD_GSO_OK)
		return v;
	v = v4 ? parse_ipv4(p, tso ? IPPROTO_TCP : IPPROTO_UDP) :
		parse_ipv6(p, tso ? IPPROTO_TCP : IPPROTO_UDP);
	if (v != OFLD_GSO_OK)
		return v;
	v = parse_l4_mss(m, p, tso);
	if (v != OFLD_GSO_OK)
		return v;
	if (!(caps->l3 & p->kind_l3) || !(caps->l4 & p->kind_l4))
		return OFLD_GSO_KIND_OFF;
	if (p->payload > caps->max_offload_size)
		return OFLD_GSO_TOO_BIG;
	if (p->nb_segs < caps->min_segs)
		return OFLD_GSO_TOO_FEW_SEGS;
	if (caps->l4_offset_max != 0 &&
	    (uint32_t)p->l2_len + p->l3_len > caps->l4_offset_max)
		return OFLD_GSO_L4_OFFSET;
	return OFLD_GSO_OK;
}

/* ---- per large send: what every segment shares --------------------- */

struct gso_ctx {
	const struct ofld_gso_pkt *p;
	uint64_t phdr0;		/* pseudo-header sum without the length */
	uint64_t l4_sum0;	/* phdr0 + L4 header sum */
	uint64_t ip_sum0;	/* IPv4 header sum without tot_len and id */
	uint64_t ip_sum_mid;	/* ip_sum0 + total length of a full segment */
	uint32_t ip_sum_mid16;	/* the same, folded to 16 bits */
	uint64_t l4_sum_mid;	/* l4_sum0 + lengths of a full segment */
	uint32_t seq0;
	uint16_t id0;
	uint16_t l3_fixed;	/* IPv6: extension header bytes */
	uint8_t tcp_flags;
	bool l4_lower;
	/* The headers of a full middle segment: lengths, middle flags and
	 * (L4 left to the port below) the pseudo-header sum already set.
	 */
	uint8_t tmpl[OFLD_GSO_HDR_MAX];
};

/* The full-segment template and its sums, from the zeroed template. */
static void
gso_ctx_mid(struct gso_ctx *c, uint8_t *t)
{
	const struct ofld_gso_pkt *p = c->p;
	const uint16_t l4_len = p->l4_len + p->mss;
	uint8_t *l3 = t + p->l2_len, *l4 = l3 + p->l3_len;

	c->l4_sum_mid = c->l4_sum0 + rte_cpu_to_be_16(l4_len);
	if (p->ipv4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
		uint16_t tot = p->l3_len + l4_len;

		ip->total_length = rte_cpu_to_be_16(tot);
		c->ip_sum_mid = c->ip_sum0 + rte_cpu_to_be_16(tot);
		c->ip_sum_mid16 = ofld_csum_fold16(c->ip_sum_mid);
	} else {
		((struct rte_ipv6_hdr *)l3)->payload_len =
			rte_cpu_to_be_16(c->l3_fixed + l4_len);
	}
	if (p->udp) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)l4;

		uh->dgram_len = rte_cpu_to_be_16(l4_len);
		c->l4_sum_mid += rte_cpu_to_be_16(l4_len);
		if (c->l4_lower)
			uh->dgram_cksum = ofld_csum_fold16(c->phdr0 +
						      rte_cpu_to_be_16(l4_len));
	} else if (c->l4_lower) {
		((struct rte_tcp_hdr *)l4)->cksum =
			ofld_csum_fold16(c->phdr0 + rte_cpu_to_be_16(l4_len));
	}
	memcpy(c->tmpl, t, p->hdr_len);
}

static void
gso_ctx_init(struct gso_ctx *c, const struct ofld_gso_pkt *p, uint32_t flags)
{
	uint8_t tmpl[OFLD_GSO_HDR_MAX];
	uint8_t *l3 = tmpl + p->l2_len, *l4 = l3 + p->l3_len;

	memcpy(tmpl, p->hdr, p->hdr_len);
	memset(c, 0, sizeof(*c));
	c->p = p;
	c->l4_lower = (flags & OFLD_GSO_F_L4_CSUM_LOWER) != 0;
	if (p->ipv4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;

		c->id0 = rte_be_to_cpu_16(ip->packet_id);
		ip->total_length = 0;
		ip->packet_id = 0;
		ip->hdr_checksum = 0;
		c->ip_sum0 = __rte_raw_cksum(ip, p->l3_len, 0);
		/* pseudo-header without the length: addresses + protocol */
		c->phdr0 = __rte_raw_cksum(&ip->src_addr, 8, 0) +
			rte_cpu_to_be_16((uint16_t)ip->next_proto_id);
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		c->l3_fixed = p->l3_len - sizeof(*ip6);
		c->phdr0 = __rte_raw_cksum(&ip6->src_addr, 16, 0) +
			__rte_raw_cksum(p->hdr + p->v6_dst_off, 16, 0) +
			rte_cpu_to_be_16((uint16_t)(p->udp ? IPPROTO_UDP :
						    IPPROTO_TCP));
	}
	c->l4_sum0 = c->phdr0;
	if (p->udp) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)l4;

		uh->dgram_len = 0;
		uh->dgram_cksum = 0;
		c->l4_sum0 += __rte_raw_cksum(uh, sizeof(*uh), 0);
	} else {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)l4;

		c->seq0 = rte_be_to_cpu_32(th->sent_seq);
		c->tcp_flags = th->tcp_flags;
		/* Sum of a middle segment's header: seq 0, no FIN/PSH/CWR. */
		th->sent_seq = 0;
		th->cksum = 0;
		th->tcp_flags &= ~(TCP_FLAGS_LAST_ONLY | TCP_FLAGS_FIRST_ONLY);
		c->l4_sum0 += __rte_raw_cksum(th, p->l4_len, 0);
	}
	gso_ctx_mid(c, tmpl);
}

/* Fix the headers of segment s (payload sum psum, payload bytes len). */
static inline void
gso_fix_headers(const struct gso_ctx *c, uint8_t *hdr, uint32_t s,
		uint32_t len, uint32_t psum, bool last)
{
	const struct ofld_gso_pkt *p = c->p;
	uint8_t *l3 = hdr + p->l2_len, *l4 = l3 + p->l3_len;
	uint16_t l4_len = p->l4_len + len, cks;
	uint64_t sum = c->l4_sum0 + rte_cpu_to_be_16(l4_len);

	if (p->ipv4) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)l3;
		uint16_t tot = p->l3_len + l4_len;
		uint16_t id = (uint16_t)(c->id0 + s);	/* G12, wraps */

		ip->total_length = rte_cpu_to_be_16(tot);
		ip->packet_id = rte_cpu_to_be_16(id);
		ip->hdr_checksum = ~ofld_csum_fold16(c->ip_sum0 +
						rte_cpu_to_be_16(tot) +
						rte_cpu_to_be_16(id));
	} else {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)l3;

		ip6->payload_len = rte_cpu_to_be_16(c->l3_fixed + l4_len);
	}

	if (p->udp) {
		struct rte_udp_hdr *uh = (struct rte_udp_hdr *)l4;

		uh->dgram_len = rte_cpu_to_be_16(l4_len);
		sum += rte_cpu_to_be_16(l4_len);	/* the UDP length field */
		if (c->l4_lower) {
			/* pseudo-header sum only, for the port below */
			uh->dgram_cksum = ofld_csum_fold16(c->phdr0 +
						      rte_cpu_to_be_16(l4_len));
			return;
		}
		cks = ~ofld_csum_fold16(sum + psum);
		uh->dgram_cksum = cks == 0 ? 0xffff : cks;
	} else {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)l4;
		uint32_t seq = c->seq0 + s * p->mss;		/* G10 */
		uint8_t fl = c->tcp_flags &
			~(TCP_FLAGS_LAST_ONLY | TCP_FLAGS_FIRST_ONLY);
		uint8_t extra;

		if (s == 0)
			fl |= c->tcp_flags & TCP_FLAGS_FIRST_ONLY;
		if (last)
			fl |= c->tcp_flags & TCP_FLAGS_LAST_ONLY;
		extra = fl & (TCP_FLAGS_LAST_ONLY | TCP_FLAGS_FIRST_ONLY);
		th->sent_seq = rte_cpu_to_be_32(seq);
		th->tcp_flags = fl;
		if (c->l4_lower) {
			th->cksum = ofld_csum_fold16(c->phdr0 +
						rte_cpu_to_be_16(l4_len));
			return;
		}
		/* flags share a 16-bit word with data_off: byte 13 of the
		 * header, the low byte of that word in network order.
		 */
		sum += rte_cpu_to_be_16((uint16_t)extra);
		sum += rte_cpu_to_be_16((uint16_t)(seq >> 16)) +
			rte_cpu_to_be_16((uint16_t)seq);
		th->cksum = ~ofld_csum_fold16(sum + psum);
	}
}

/*
 * Reference [off, off + len) of input mbuf `src` from `mi`, as
 * rte_pktmbuf_attach() does but without touching the reference count: the
 * caller adds all of a source mbuf's references in one update.
 */
static inline void
attach_noref(struct rte_mbuf *mi, const struct rte_mbuf *src, uint32_t off,
	     uint32_t len)
{
	if (RTE_MBUF_HAS_EXTBUF(src)) {
		mi->ol_flags = src->ol_flags;
		mi->shinfo = src->shinfo;
	} else {
		mi->priv_size = src->priv_size;
		mi->ol_flags = src->ol_flags | RTE_MBUF_F_INDIRECT;
	}
	rte_mbuf_iova_set(mi, rte_mbuf_iova_get(src));
	mi->buf_addr = src->buf_addr;
	mi->buf_len = src->buf_len;
	mi->data_off = (uint16_t)(src->data_off + off);
	mi->data_len = (uint16_t)len;
	mi->pkt_len = len;
	mi->nb_segs = 1;
	mi->next = NULL;
}

/* Add n references to the buffer of input mbuf src. */
static inline void
ref_add(struct rte_mbuf *src, uint16_t n)
{
	if (n == 0)
		return;
	if (RTE_MBUF_HAS_EXTBUF(src))
		rte_mbuf_ext_refcnt_update(src->shinfo, (int16_t)n);
	else
		rte_mbuf_refcnt_update(rte_mbuf_from_indirect(src), (int16_t)n);
}

/* Indirect mbufs come in bulk from the pool, this many at a time. */
#define IND_BULK 64

/* A header mbuf fresh from its pool, set up as rte_pktmbuf_reset() would
 * for what a segment head uses.
 */
static inline void
hdr_init(struct rte_mbuf *h, const struct rte_mbuf *m, uint64_t ol,
	 uint64_t tx_offload, uint16_t hdr_len, uint32_t pkt_len)
{
	h->data_off = RTE_PKTMBUF_HEADROOM;
	h->data_len = hdr_len;
	h->pkt_len = pkt_len;
	h->nb_segs = 1;
	h->ol_flags = (h->ol_flags & RTE_MBUF_F_EXTERNAL) | ol;
	h->tx_offload = tx_offload;
	h->packet_type = m->packet_type;
	h->port = m->port;
	h->vlan_tci = 0;
	h->vlan_tci_outer = 0;
}

/* Fix a middle segment (full MSS, no edge flags): the template has the
 * lengths; only the IPv4 ID, TCP seq and the checksums change.
 */
static __rte_always_inline void
gso_fix_mid(const struct gso_ctx *c, uint8_t *hdr, uint32_t s, uint32_t psum,
	    const bool v4, const bool udp, const bool lower)
{
	const struct ofld_gso_pkt *p = c->p;
	uint8_t *l4 = hdr + p->l2_len + p->l3_len;

	if (v4) {
		struct rte_ipv4_hdr *ip =
			(struct rte_ipv4_hdr *)(hdr + p->l2_len);
		uint16_t id_be = rte_cpu_to_be_16((uint16_t)(c->id0 + s));

		uint32_t sum = c->ip_sum_mid16 + id_be;	/* <= 0x1fffe */

		ip->packet_id = id_be;
		ip->hdr_checksum = ~(uint16_t)((sum & 0xffff) + (sum >> 16));
	}
	if (udp) {
		uint16_t cks;

		if (lower)
			return;
		cks = ~ofld_csum_fold16(c->l4_sum_mid + psum);
		((struct rte_udp_hdr *)l4)->dgram_cksum = cks == 0 ? 0xffff : cks;
	} else {
		struct rte_tcp_hdr *th = (struct rte_tcp_hdr *)l4;
		uint32_t seq_be = rte_cpu_to_be_32(c->seq0 + s * p->mss);

		th->sent_seq = seq_be;
		if (lower)
			return;
		/* seq in network order, summed as the two words it is */
		th->cksum = ~ofld_csum_fold16(c->l4_sum_mid + (seq_be & 0xffff) +
					 (seq_be >> 16) + psum);
	}
}

/* Where the splitter is: in the input's chain, and in its bulk of
 * indirect mbufs.
 */
struct gso_cursor {
	struct rte_mbuf *src;	/* input mbuf of the next payload byte */
	uint32_t off;		/* offset in it */
	uint16_t refs;		/* references to src taken, not yet added */
	uint32_t ind_n, ind_i, pieces;
	struct rte_mbuf *ind[IND_BULK];
};

/* Attach seg_len payload bytes behind h (zero copy), summing them into
 * *psum unless the wire below does the checksum. 0 or -ENOMEM.
 */
static __rte_always_inline int
gso_attach(struct gso_cursor *k, struct rte_mempool *ind_mp,
	   struct rte_mbuf *h, uint32_t seg_len, uint32_t *psum,
	   const bool lower)
{
	struct rte_mbuf *tail = h, *mi;
	uint32_t pos = 0, take;

	*psum = 0;
	while (pos < seg_len) {
		if (k->off >= k->src->data_len) {
			ref_add(k->src, k->refs);
			k->refs = 0;
			k->off = 0;
			k->src = k->src->next;
			continue;
		}
		if (unlikely(k->ind_i == k->ind_n)) {
			k->ind_n = RTE_MIN(k->pieces, (uint32_t)IND_BULK);
			k->ind_i = 0;
			if (unlikely(rte_mempool_get_bulk(ind_mp,
					(void **)k->ind, k->ind_n) != 0)) {
				k->ind_n = 0;
				return -ENOMEM;
			}
			k->pieces -= k->ind_n;
		}
		mi = k->ind[k->ind_i++];
		take = RTE_MIN(seg_len - pos, k->src->data_len - k->off);
		attach_noref(mi, k->src, k->off, take);
		k->refs++;
		tail->next = mi;
		tail = mi;
		h->nb_segs++;
		if (!lower)
			*psum += ofld_csum_piece(rte_pktmbuf_mtod(mi, void *),
						 take, pos);
		k->off += take;
		pos += take;
	}
	return 0;
}

static __rte_always_inline int
gso_cut(struct rte_mbuf *m, const struct ofld_gso_pkt *p, struct gso_ctx *c,
	struct rte_mempool *ind_mp, struct rte_mbuf **out, uint32_t pieces,
	const bool v4, const bool udp, const bool lower)
{
	struct gso_cursor k;
	const uint32_t mss = p->mss, n = p->nb_segs;
	uint32_t s, left, seg_len, psum;
	uint64_t ol = 0, txo;
	struct rte_mbuf *h;
	uint8_t *hdr;

	if (lower)
		ol = (v4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6) |
			(udp ? RTE_MBUF_F_TX_UDP_CKSUM : RTE_MBUF_F_TX_TCP_CKSUM);
	txo = rte_mbuf_tx_offload(p->l2_len, p->l3_len, p->l4_len, 0, 0, 0, 0);

	/* Cursor in the input: payload starts after the headers. */
	k.src = m;
	k.off = p->hdr_len;
	k.refs = 0;
	k.ind_n = k.ind_i = 0;
	k.pieces = pieces;
	while (k.src != NULL && k.off >= k.src->data_len) {
		k.off -= k.src->data_len;
		k.src = k.src->next;
	}

	left = p->payload;
	for (s = 0; s < n; s++) {
		h = out[s];
		seg_len = RTE_MIN(left, mss);
		hdr_init(h, m, ol, txo, p->hdr_len, p->hdr_len + seg_len);
		hdr = rte_pktmbuf_mtod(h, uint8_t *);
		rte_memcpy(hdr, c->tmpl, p->hdr_len);
		if (unlikely(gso_attach(&k, ind_mp, h, seg_len, &psum,
					lower) != 0))
			goto nomem;
		left -= seg_len;
		if (likely(s != 0 && s + 1 != n))
			gso_fix_mid(c, hdr, s, psum, v4, udp, lower);
		else
			gso_fix_headers(c, hdr, s, seg_len, psum, s + 1 == n);
	}
	ref_add(k.src, k.refs);
	rte_pktmbuf_free(m);
	return n;

nomem:
	/* The references taken so far belong to the built segments: add
	 * them, then free every segment (indirect ones detach and drop them
	 * again; heads not reached yet are plain pool mbufs) and the unused
	 * indirect mbufs.
	 */
	ref_add(k.src, k.refs);
	for (s = 0; s < n; s++)
		rte_pktmbuf_free(out[s]);
	if (k.ind_i < k.ind_n)
		rte_mempool_put_bulk(ind_mp, (void **)&k.ind[k.ind_i],
				     k.ind_n - k.ind_i);
	return -ENOMEM;
}

int
ofld_gso_segment(struct rte_mbuf *m, const struct ofld_gso_pkt *p,
		 struct rte_mempool *hdr_mp, struct rte_mempool *ind_mp,
		 struct rte_mbuf **out, uint32_t flags)
{
	const uint32_t mss = p->mss;
	struct rte_mbuf *src;
	uint32_t off, a, b, pieces = 0;
	struct gso_ctx c;

	/* Pieces = (segment, input mbuf) overlaps: one indirect mbuf each. */
	off = p->hdr_len;
	a = 0;
	for (src = m; src != NULL; src = src->next) {
		if (off >= src->data_len) {
			off -= src->data_len;
			continue;
		}
		b = a + src->data_len - off;
		pieces += (b - 1) / mss - a / mss + 1;
		a = b;
		off = 0;
	}

	if (rte_mempool_get_bulk(hdr_mp, (void **)out, p->nb_segs) != 0)
		return -ENOMEM;
	/* The mbufs of a packet mempool all have the same room. */
	if (unlikely(out[0]->buf_len < RTE_PKTMBUF_HEADROOM + p->hdr_len)) {
		/* header room too small: a pool that cannot serve */
		rte_mempool_put_bulk(hdr_mp, (void **)out, p->nb_segs);
		return -ENOMEM;
	}
	gso_ctx_init(&c, p, flags);

	/* One loop per kind, so the per-segment path has no kind branches. */
	switch ((p->ipv4 ? 4 : 0) | (p->udp ? 2 : 0) | (c.l4_lower ? 1 : 0)) {
	case 0: return gso_cut(m, p, &c, ind_mp, out, pieces, false, false, false);
	case 1: return gso_cut(m, p, &c, ind_mp, out, pieces, false, false, true);
	case 2: return gso_cut(m, p, &c, ind_mp, out, pieces, false, true, false);
	case 3: return gso_cut(m, p, &c, ind_mp, out, pieces, false, true, true);
	case 4: return gso_cut(m, p, &c, ind_mp, out, pieces, true, false, false);
	case 5: return gso_cut(m, p, &c, ind_mp, out, pieces, true, false, true);
	case 6: return gso_cut(m, p, &c, ind_mp, out, pieces, true, true, false);
	default: return gso_cut(m, p, &c, ind_mp, out, pieces, true, true, true);
	}
}

