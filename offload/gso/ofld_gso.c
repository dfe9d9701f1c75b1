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
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "ofld_gso.h"

#define TCP_FLAGS_LAST_ONLY	(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG)
#define TCP_FLAGS_FIRST_ONLY	RTE_TCP_CWR_FLAG

#define IPV6_EXT_HOPOPTS	0
#define IPV6_EXT_ROUTING	43
#define IPV6_EXT_DSTOPTS	60

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

int
ofld_gso_caps_valid(const struct ofld_gso_caps *c)
{
	if ((c->l3 & ~OFLD_GSO_L3_ALL) || (c->l4 & ~OFLD_GSO_L4_ALL))
		return -EINVAL;
	if (c->l3 == 0 || c->l4 == 0)
		return -EINVAL;
	if (c->max_offload_size == 0 || c->min_segs == 0)
		return -EINVAL;
	if ((c->l3 & OFLD_GSO_L3_IPV4_OPTS) && !(c->l3 & OFLD_GSO_L3_IPV4))
		return -EINVAL;
	if ((c->l3 & OFLD_GSO_L3_IPV6_EXT) && !(c->l3 & OFLD_GSO_L3_IPV6))
		return -EINVAL;
	if ((c->l4 & OFLD_GSO_L4_TCP_OPTS) && !(c->l4 & OFLD_GSO_L4_TCP))
		return -EINVAL;
	return 0;
}

int
ofld_gso_caps_subset(const struct ofld_gso_caps *a,
		     const struct ofld_gso_caps *hw)
{
	if ((a->l3 & ~hw->l3) || (a->l4 & ~hw->l4))
		return -EINVAL;
	if ((a->l3 & OFLD_GSO_L3_IPV4_OPTS) && !(a->l3 & OFLD_GSO_L3_IPV4))
		return -EINVAL;
	if ((a->l3 & OFLD_GSO_L3_IPV6_EXT) && !(a->l3 & OFLD_GSO_L3_IPV6))
		return -EINVAL;
	if ((a->l4 & OFLD_GSO_L4_TCP_OPTS) && !(a->l4 & OFLD_GSO_L4_TCP))
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

/* IPv6: walk the extension headers we segment over; 0 or a verdict. */
static enum ofld_gso_verdict
parse_ipv6(struct ofld_gso_pkt *p, uint8_t want_proto)
{
	const uint8_t *l3 = p->hdr + p->l2_len;
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)l3;
	uint32_t off = sizeof(*ip6);
	uint8_t nh = ip6->proto;

	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6)
		return OFLD_GSO_BAD_L3;
	p->v6_dst_off = p->l2_len + offsetof(struct rte_ipv6_hdr, dst_addr);
	while (nh == IPV6_EXT_HOPOPTS || nh == IPV6_EXT_ROUTING ||
	       nh == IPV6_EXT_DSTOPTS) {
		uint32_t hlen;

		if (nh == IPV6_EXT_HOPOPTS && off != sizeof(*ip6))
			return OFLD_GSO_BAD_L3; /* hop-by-hop only first */
		if (off + 8 > p->l3_len)
			return OFLD_GSO_BAD_L3;
		hlen = ((uint32_t)l3[off + 1] + 1) * 8;
		if (off + hlen > p->l3_len)
			return OFLD_GSO_BAD_L3;
		if (nh == IPV6_EXT_ROUTING && l3[off + 3] != 0) {
			/* RFC 8200 8.1: checksums use the final destination. */
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
				return OFLD_GSO_BAD_L3;
			}
			if (hlen < 24 || a + 16 > off + hlen)
				return OFLD_GSO_BAD_L3;
			p->v6_dst_off = p->l2_len + a;
		}
		nh = l3[off];
		off += hlen;
	}
	if (off != p->l3_len)
		return OFLD_GSO_BAD_L3;
	if (nh != want_proto)
		return OFLD_GSO_BAD_L4; /* includes fragment, AH, ESP */
	p->kind_l3 = off > sizeof(*ip6) ? OFLD_GSO_L3_IPV6_EXT :
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

enum ofld_gso_verdict
ofld_gso_parse(const struct rte_mbuf *m, const struct ofld_gso_caps *caps,
	       struct ofld_gso_pkt *p)
{
	const uint64_t fl = m->ol_flags;
	const bool tso = (fl & RTE_MBUF_F_TX_TCP_SEG) != 0;
	const bool uso = (fl & RTE_MBUF_F_TX_UDP_SEG) != 0;
	const bool v4 = (fl & RTE_MBUF_F_TX_IPV4) != 0;
	const bool v6 = (fl & RTE_MBUF_F_TX_IPV6) != 0;
	const struct rte_mbuf *seg;
	enum ofld_gso_verdict v;
	uint32_t total, n;
	const void *h;

	if (tso == uso || v4 == v6)
		return OFLD_GSO_BAD_FLAGS;
	p->ipv4 = v4;
	p->udp = uso;
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

	v = v4 ? parse_ipv4(p, tso ? IPPROTO_TCP : IPPROTO_UDP) :
		parse_ipv6(p, tso ? IPPROTO_TCP : IPPROTO_UDP);
	if (v != OFLD_GSO_OK)
		return v;
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

/* ---- checksum arithmetic ------------------------------------------- */

static inline uint32_t
csum_fold32(uint64_t sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	return (uint32_t)sum;
}

static inline uint16_t
csum_fold16(uint64_t sum)
{
	uint32_t s = csum_fold32(sum);

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* Ones' complement sum of a payload piece that starts at byte offset
 * `off` of the checksummed area (odd offsets swap the bytes).
 */
static inline uint32_t
csum_piece(const void *buf, uint32_t len, uint32_t off)
{
	uint16_t s = csum_fold16(__rte_raw_cksum(buf, len, 0));

	if (off & 1)
		s = (uint16_t)((s << 8) | (s >> 8));
	return s;
}

/* ---- per large send: what every segment shares --------------------- */

struct gso_ctx {
	const struct ofld_gso_pkt *p;
	uint64_t phdr0;		/* pseudo-header sum without the length */
	uint64_t l4_sum0;	/* phdr0 + L4 header sum */
	uint64_t ip_sum0;	/* IPv4 header sum without tot_len and id */
	uint32_t seq0;
	uint16_t id0;
	uint16_t l3_fixed;	/* IPv6: extension header bytes */
	uint8_t tcp_flags;
	bool l4_lower;
};

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
		c->phdr0 = __rte_raw_cksum(ip6->src_addr, 16, 0) +
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
		ip->hdr_checksum = ~csum_fold16(c->ip_sum0 +
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
			uh->dgram_cksum = csum_fold16(c->phdr0 +
						      rte_cpu_to_be_16(l4_len));
			return;
		}
		cks = ~csum_fold16(sum + psum);
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
			th->cksum = csum_fold16(c->phdr0 +
						rte_cpu_to_be_16(l4_len));
			return;
		}
		/* flags share a 16-bit word with data_off: byte 13 of the
		 * header, the low byte of that word in network order.
		 */
		sum += rte_cpu_to_be_16((uint16_t)extra);
		sum += rte_cpu_to_be_16((uint16_t)(seq >> 16)) +
			rte_cpu_to_be_16((uint16_t)seq);
		th->cksum = ~csum_fold16(sum + psum);
	}
}

int
ofld_gso_segment(struct rte_mbuf *m, const struct ofld_gso_pkt *p,
		 struct rte_mempool *hdr_mp, struct rte_mempool *ind_mp,
		 struct rte_mbuf **out, uint32_t flags)
{
	struct gso_ctx c;
	struct rte_mbuf *src = m, *h, *tail, *mi;
	uint32_t s, off, left, take, seg_len, psum, pos;
	uint64_t ol = 0;
	uint8_t *hdr;

	if (rte_pktmbuf_alloc_bulk(hdr_mp, out, p->nb_segs) != 0)
		return -ENOMEM;
	gso_ctx_init(&c, p, flags);
	if (c.l4_lower)
		ol = (p->ipv4 ? RTE_MBUF_F_TX_IPV4 : RTE_MBUF_F_TX_IPV6) |
			(p->udp ? RTE_MBUF_F_TX_UDP_CKSUM :
			 RTE_MBUF_F_TX_TCP_CKSUM);

	/* Cursor in the input: payload starts after the headers. */
	off = p->hdr_len;
	while (src != NULL && off >= src->data_len) {
		off -= src->data_len;
		src = src->next;
	}

	left = p->payload;
	for (s = 0; s < p->nb_segs; s++) {
		h = out[s];
		seg_len = RTE_MIN(left, (uint32_t)p->mss);
		hdr = (uint8_t *)rte_pktmbuf_append(h, p->hdr_len);
		if (unlikely(hdr == NULL))
			goto nomem_from; /* header room too small: a pool issue */
		memcpy(hdr, p->hdr, p->hdr_len);
		tail = h;
		psum = 0;
		pos = 0;
		while (pos < seg_len) {
			while (off >= src->data_len) {
				off = 0;
				src = src->next;
			}
			take = RTE_MIN(seg_len - pos, src->data_len - off);
			mi = rte_pktmbuf_alloc(ind_mp);
			if (unlikely(mi == NULL))
				goto nomem_from;
			rte_pktmbuf_attach(mi, src);
			mi->data_off += off;
			mi->data_len = take;
			mi->pkt_len = take;
			tail->next = mi;
			tail = mi;
			h->nb_segs++;
			h->pkt_len += take;
			if (!c.l4_lower)
				psum += csum_piece(rte_pktmbuf_mtod(mi, void *),
						   take, pos);
			off += take;
			pos += take;
		}
		left -= seg_len;
		gso_fix_headers(&c, hdr, s, seg_len, psum,
				s + 1 == p->nb_segs);
		h->ol_flags = ol;
		h->l2_len = p->l2_len;
		h->l3_len = p->l3_len;
		h->l4_len = p->l4_len;
		h->packet_type = m->packet_type;
		h->port = m->port;
	}
	rte_pktmbuf_free(m);
	return p->nb_segs;

nomem_from:
	/* Free every segment, built or not: indirect ones detach. */
	for (s = 0; s < p->nb_segs; s++)
		rte_pktmbuf_free(out[s]);
	return -ENOMEM;
}

/* Where a plain packet's L3 and L4 headers are, if its checksum flags can
 * be done: 0, or -EINVAL.
 */
static int
csum_locate(const struct rte_mbuf *m, bool *v4, uint8_t *proto)
{
	const uint64_t l4 = m->ol_flags & RTE_MBUF_F_TX_L4_MASK;
	const uint32_t l4_off = (uint32_t)m->l2_len + m->l3_len;
	const struct rte_ipv4_hdr *ip;

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
	uint16_t *field;
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
		field = rte_pktmbuf_mtod_offset(m, uint16_t *, l4_off +
			(proto == IPPROTO_TCP ?
			 offsetof(struct rte_tcp_hdr, cksum) :
			 offsetof(struct rte_udp_hdr, dgram_cksum)));
		*field = 0;
		*field = v4 ? rte_ipv4_udptcp_cksum_mbuf(m, ip, l4_off) :
			rte_ipv6_udptcp_cksum_mbuf(m, l3, l4_off);
	}
	m->ol_flags &= ~(RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK);
	return 0;
}
