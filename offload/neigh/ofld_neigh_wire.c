/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The neighbour table's frames (N1): ARP (RFC 826) and IPv6 neighbour
 * discovery (RFC 4861) in, checked before anything is believed (lengths,
 * hardware and protocol types, ICMPv6 checksum, hop limit 255, options),
 * answered or learned from; and the frames we make: replies, solicitations,
 * announcements. Input order: ofld_neigh_input -> arp_in / nd_in ->
 * neigh_learn (ofld_neigh.c) and the reply builders below.
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "ofld_neigh_var.h"

static_assert(sizeof(struct nd_msg) == 24, "RFC 4861 4.3: NS is 24 bytes");
static_assert(sizeof(struct nd_opt_lla) == 8, "RFC 4861 4.6.1");
static_assert(sizeof(struct rte_arp_hdr) == 28, "RFC 826, Ethernet/IPv4");

static const struct rte_ether_addr bcast = {
	.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
static const struct rte_ether_addr all_nodes_mac = {
	.addr_bytes = { 0x33, 0x33, 0, 0, 0, 1 } };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
static const uint8_t unspec[16];

/* ---- frames out ---- */

static void *
frame_new(struct ofld_neigh *t, const struct ofld_neigh_io *io,
	  uint16_t len, struct rte_mbuf **mp)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(io->mp);
	char *p;

	if (m == NULL || (p = rte_pktmbuf_append(m, len)) == NULL) {
		rte_pktmbuf_free(m);
		NSTAT_INC(t, nomem);
		return NULL;
	}
	memset(p, 0, len);
	m->l2_len = RTE_ETHER_HDR_LEN;
	*mp = m;
	return p;
}

/* An ARP frame from us: op, to eth_dst, about (tha, tip). */
static void
send_arp(struct ofld_neigh *t, const struct ofld_neigh_io *io, uint16_t op,
	 const struct rte_ether_addr *eth_dst, const struct rte_ether_addr *tha,
	 const uint8_t *tip)
{
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;
	struct rte_mbuf *m;

	eth = frame_new(t, io, NEIGH_MIN_FRAME, &m);
	if (eth == NULL)
		return;
	eth->dst_addr = *eth_dst;
	eth->src_addr = t->conf.mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = RTE_ETHER_ADDR_LEN;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = t->conf.mac;
	memcpy(&a->arp_data.arp_sip, t->conf.ip4, 4);
	a->arp_data.arp_tha = *tha;
	memcpy(&a->arp_data.arp_tip, tip, 4);
	io->xmit(io->xmit_arg, &m, 1);
}

/* An NS or NA from our address: to (dst, eth_dst), about target, with
 * our link-layer address as its option (SLLA in an NS, TLLA in an NA).
 */
static void
send_nd(struct ofld_neigh *t, const struct ofld_neigh_io *io, uint8_t type,
	uint32_t flags, const uint8_t *dst, const struct rte_ether_addr *eth_dst,
	const uint8_t *target)
{
	struct rte_ether_hdr *eth;
	struct rte_ipv6_hdr *ip6;
	struct nd_opt_lla *o;
	struct nd_msg *nd;
	struct rte_mbuf *m;

	eth = frame_new(t, io, NEIGH_ND_LEN, &m);
	if (eth == NULL)
		return;
	m->l3_len = sizeof(*ip6);
	eth->dst_addr = *eth_dst;
	eth->src_addr = t->conf.mac;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6 = (struct rte_ipv6_hdr *)(eth + 1);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16(sizeof(*nd) + sizeof(*o));
	ip6->proto = IPPROTO_ICMPV6;
	ip6->hop_limits = ND_HOP_LIMIT;
	memcpy(&ip6->src_addr, t->conf.ip6, 16);
	memcpy(&ip6->dst_addr, dst, 16);
	nd = (struct nd_msg *)(ip6 + 1);
	nd->type = type;
	nd->flags = rte_cpu_to_be_32(flags);
	memcpy(nd->target, target, 16);
	o = (struct nd_opt_lla *)(nd + 1);
	o->type = type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
	o->len = 1;
	o->mac = t->conf.mac;
	nd->cksum = rte_ipv6_udptcp_cksum(ip6, nd);
	io->xmit(io->xmit_arg, &m, 1);
}

void
neigh_send_solicit(struct ofld_neigh *t, const struct ofld_neigh_io *io,
		   bool ipv6, const uint8_t *ip)
{
	static const struct rte_ether_addr zero;
	struct rte_ether_addr mac;
	uint8_t snm[16];

	if (!ipv6) {
		send_arp(t, io, RTE_ARP_OP_REQUEST, &bcast, &zero, ip);
		NSTAT_INC(t, arp_sent);
		return;
	}
	/* to the target's solicited-node group (RFC 4861 7.2.2) */
	memcpy(snm, t->snm6, 13);
	memcpy(&snm[13], &ip[13], 3);
	mac = (struct rte_ether_addr){ .addr_bytes = { 0x33, 0x33, 0xff,
		ip[13], ip[14], ip[15] } };
	send_nd(t, io, ND_NS, 0, snm, &mac, ip);
	NSTAT_INC(t, ns_sent);
}

void
neigh_send_announce(struct ofld_neigh *t, const struct ofld_neigh_io *io)
{
	static const struct rte_ether_addr zero;

	if (t->conf.ip4_set) {
		/* gratuitous ARP: a request for our own address (RFC 5227 3) */
		send_arp(t, io, RTE_ARP_OP_REQUEST, &bcast, &zero, t->conf.ip4);
		NSTAT_INC(t, announced);
	}
	if (t->conf.ip6_set) {
		/* unsolicited NA to all nodes, override set (RFC 4861 7.2.6) */
		send_nd(t, io, ND_NA, ND_NA_F_OVERRIDE, all_nodes,
			&all_nodes_mac, t->conf.ip6);
		NSTAT_INC(t, announced);
	}
}

/* ---- frames in ---- */

bool
ofld_neigh_is_nd(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip6;
	const uint8_t *icmp;

	if (unlikely(m->data_len < RTE_ETHER_HDR_LEN))
		return false;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
		return true;
	if (eth->ether_type != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6) ||
	    m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip6) + 1)
		return false;
	ip6 = (const struct rte_ipv6_hdr *)(eth + 1);
	icmp = (const uint8_t *)(ip6 + 1);
	return ip6->proto == IPPROTO_ICMPV6 &&
		(icmp[0] == ND_NS || icmp[0] == ND_NA);
}

/* An ARP frame; true: consumed (answered or learned). */
static bool
arp_in(struct ofld_neigh *t, struct rte_mbuf *m,
       const struct ofld_neigh_io *io)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_arp_hdr *a = (const struct rte_arp_hdr *)(eth + 1);
	const struct rte_arp_ipv4 *d = &a->arp_data;
	uint16_t op;

	if (m->data_len < NEIGH_ARP_LEN ||
	    a->arp_hardware != rte_cpu_to_be_16(RTE_ARP_HRD_ETHER) ||
	    a->arp_protocol != rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    a->arp_hlen != RTE_ETHER_ADDR_LEN || a->arp_plen != 4 ||
	    !rte_is_valid_assigned_ether_addr(&d->arp_sha))
		goto bad;
	if (!t->conf.ip4_set)
		return false;
	/* someone else says it has our address: a conflict, not believed */
	if (memcmp(&d->arp_sip, t->conf.ip4, 4) == 0)
		goto bad;
	if (memcmp(&d->arp_tip, t->conf.ip4, 4) != 0)
		return false;		/* not about us */
	op = rte_be_to_cpu_16(a->arp_opcode);
	if (op == RTE_ARP_OP_REQUEST) {
		send_arp(t, io, RTE_ARP_OP_REPLY, &d->arp_sha, &d->arp_sha,
			 (const uint8_t *)&d->arp_sip);
		NSTAT_INC(t, arp_answered);
		if (d->arp_sip != 0 &&	/* 0: a probe (RFC 5227) */
		    neigh_learn(t, false, (const uint8_t *)&d->arp_sip,
				&d->arp_sha, NEIGH_LEARN_REQUEST) > 0)
			NSTAT_INC(t, arp_learned);
		return true;
	}
	if (op != RTE_ARP_OP_REPLY ||
	    !rte_is_same_ether_addr(&eth->dst_addr, &t->conf.mac))
		return false;		/* a broadcast reply: nobody asked */
	if (neigh_learn(t, false, (const uint8_t *)&d->arp_sip, &d->arp_sha,
			NEIGH_LEARN_REPLY) <= 0)
		return false;		/* not asked for (or table busy) */
	NSTAT_INC(t, arp_learned);
	return true;
bad:
	NSTAT_INC(t, arp_bad);
	return false;
}

/* The ND message's options: its link-layer address (*lla NULL if none).
 * false: a malformed option (RFC 4861 7.1: a zero length).
 */
static bool
nd_options(const uint8_t *p, uint32_t len, uint8_t want,
	   const struct rte_ether_addr **lla)
{
	uint32_t off = 0, olen;

	*lla = NULL;
	while (off + 2 <= len) {
		olen = (uint32_t)p[off + 1] * 8;
		if (olen == 0 || off + olen > len)
			return false;
		if (p[off] == want && olen == 8)
			*lla = &((const struct nd_opt_lla *)(p + off))->mac;
		off += olen;
	}
	return off == len;
}

/* RFC 4861 7.1.1 / 7.1.2: what every NS and NA must be. */
static bool
nd_valid(const struct rte_ipv6_hdr *ip6, const struct nd_msg *nd,
	 uint32_t len)
{
	if (len < sizeof(*nd) || ip6->hop_limits != ND_HOP_LIMIT ||
	    nd->code != 0 || nd->target[0] == 0xff)
		return false;
	/* the checksum over the pseudo-header and the message sums to
	 * all ones
	 */
	return rte_ipv6_udptcp_cksum_verify(ip6, nd) == 0;
}

/* An NS; true: answered. */
static bool
ns_in(struct ofld_neigh *t, const struct rte_ether_hdr *eth,
      const struct rte_ipv6_hdr *ip6, const struct nd_msg *nd,
      const struct rte_ether_addr *slla, const struct ofld_neigh_io *io)
{
	const uint8_t *src = (const uint8_t *)&ip6->src_addr;
	const uint8_t *dst = (const uint8_t *)&ip6->dst_addr;
	bool dad = memcmp(src, unspec, 16) == 0;

	/* from ::, only to a solicited-node group and without SLLA;
	 * a link-layer address given must be a unicast one
	 */
	if ((dad && (slla != NULL || dst[0] != 0xff || dst[1] != 0x02 ||
		     dst[11] != 0x01 || dst[12] != 0xff)) ||
	    (slla != NULL && !rte_is_valid_assigned_ether_addr(slla))) {
		NSTAT_INC(t, nd_bad);
		return false;
	}
	if (memcmp(nd->target, t->conf.ip6, 16) != 0)
		return false;
	if (dad)	/* someone else's duplicate address detection */
		send_nd(t, io, ND_NA, ND_NA_F_OVERRIDE, all_nodes,
			&all_nodes_mac, t->conf.ip6);
	else
		send_nd(t, io, ND_NA, ND_NA_F_SOLICIT | ND_NA_F_OVERRIDE, src,
			slla != NULL ? slla : &eth->src_addr, t->conf.ip6);
	NSTAT_INC(t, ns_answered);
	if (!dad && slla != NULL &&
	    neigh_learn(t, true, src, slla, NEIGH_LEARN_REQUEST) > 0)
		NSTAT_INC(t, nd_learned);
	return true;
}

/* An NA; true: learned. */
static bool
na_in(struct ofld_neigh *t, const struct rte_ipv6_hdr *ip6,
      const struct nd_msg *nd, const struct rte_ether_addr *tlla)
{
	uint32_t flags = rte_be_to_cpu_32(nd->flags);
	bool solicited = (flags & ND_NA_F_SOLICIT) != 0;

	if (solicited && ((const uint8_t *)&ip6->dst_addr)[0] == 0xff)
		goto bad;	/* S set on a multicast NA (7.1.2) */
	if (memcmp(nd->target, t->conf.ip6, 16) == 0)
		goto bad;	/* someone else says it has our address */
	if (tlla == NULL || !rte_is_valid_assigned_ether_addr(tlla))
		return false;	/* nothing to learn */
	if (neigh_learn(t, true, nd->target, tlla, solicited ?
			NEIGH_LEARN_REPLY : NEIGH_LEARN_UNSOLICITED) <= 0)
		return false;	/* not asked for (or table busy) */
	NSTAT_INC(t, nd_learned);
	return true;
bad:
	NSTAT_INC(t, nd_bad);
	return false;
}

/* An NS or NA (ofld_neigh_is_nd() said so); true: consumed. */
static bool
nd_in(struct ofld_neigh *t, struct rte_mbuf *m, const struct ofld_neigh_io *io)
{
	const struct rte_ether_hdr *eth =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip6 = (const struct rte_ipv6_hdr *)(eth + 1);
	const struct nd_msg *nd = (const struct nd_msg *)(ip6 + 1);
	const struct rte_ether_addr *lla;
	uint32_t len = rte_be_to_cpu_16(ip6->payload_len);

	if ((rte_be_to_cpu_32(ip6->vtc_flow) >> 28) != 6 ||
	    m->data_len < RTE_ETHER_HDR_LEN + sizeof(*ip6) + len ||
	    !nd_valid(ip6, nd, len) ||
	    !nd_options((const uint8_t *)(nd + 1), len - sizeof(*nd),
			nd->type == ND_NS ? ND_OPT_SLLA : ND_OPT_TLLA, &lla))
		goto bad;
	if (!t->conf.ip6_set)
		return false;
	if (nd->type == ND_NS)
		return ns_in(t, eth, ip6, nd, lla, io);
	return na_in(t, ip6, nd, lla);
bad:
	NSTAT_INC(t, nd_bad);
	return false;
}

uint16_t
ofld_neigh_input(struct ofld_neigh *t, struct rte_mbuf **frames, uint16_t n,
		 struct rte_mbuf **rest, const struct ofld_neigh_io *io)
{
	const struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	uint16_t i, k = 0;
	bool done;

	for (i = 0; i < n; i++) {
		m = frames[i];
		if (likely(!ofld_neigh_is_nd(m))) {
			rest[k++] = m;
			continue;
		}
		eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
		if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP))
			done = arp_in(t, m, io);
		else
			done = nd_in(t, m, io);
		if (done) {
			rte_pktmbuf_free(m);
		} else {
			NSTAT_INC(t, passed);
			rest[k++] = m;
		}
	}
	return k;
}
