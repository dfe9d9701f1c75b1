/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The neighbour table on its own (N1, offload/neigh): ARP requests and
 * neighbour solicitations answered byte for byte, hostile ARP/ND frames
 * passed on untouched and counted, resolution with its retries and
 * failure, next hops (on-link, gateway, none), ageing on a clock the test
 * drives, and readers beside writers on two threads (W2). Frames the
 * table sends are caught by the test's xmit; addresses are from
 * 198.18.0.0/15 and the ULA prefix fd00:1::/64 (nothing reaches a kernel).
 */

#include <pthread.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "ofld_neigh.h"
#include "ofld_test.h"

/* the MACs' bytes, for frames written out byte by byte */
#define OUR_MAC		0x02, 0, 0, 0, 0, 0x01
#define PEER_MAC	0x02, 0, 0, 0, 0, 0x02
static const struct rte_ether_addr our_mac = { .addr_bytes = { OUR_MAC } };
static const struct rte_ether_addr peer_mac = { .addr_bytes = { PEER_MAC } };
static const uint8_t our4[4] = { 198, 18, 0, 1 };
static const uint8_t peer4[4] = { 198, 18, 0, 2 };
static const uint8_t gw4[4] = { 198, 18, 0, 254 };
static const uint8_t our6[16] = { 0xfd, 0, 0, 1, [15] = 1 };
static const uint8_t peer6[16] = { 0xfd, 0, 0, 1, [15] = 2 };

static uint64_t now_us;
static struct rte_mbuf *sent[64];
static unsigned int nb_sent;

static uint64_t
clock_us(void *arg)
{
	RTE_SET_USED(arg);
	return __atomic_load_n(&now_us, __ATOMIC_RELAXED);
}

static void
xmit(void *arg, struct rte_mbuf **f, uint16_t n)
{
	uint16_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < n; i++) {
		if (nb_sent < RTE_DIM(sent))
			sent[nb_sent++] = f[i];
		else
			rte_pktmbuf_free(f[i]);
	}
}

static void
sent_free(void)
{
	while (nb_sent > 0)
		rte_pktmbuf_free(sent[--nb_sent]);
}

static struct ofld_neigh_io io;

static struct ofld_neigh *
table(bool v4, bool v6, bool gw)
{
	struct ofld_neigh_conf c;

	memset(&c, 0, sizeof(c));
	c.mac = our_mac;
	c.ip4_set = v4;
	memcpy(c.ip4, our4, 4);
	c.ip4_prefix = 24;
	c.gw4_set = gw;
	memcpy(c.gw4, gw4, 4);
	c.ip6_set = v6;
	memcpy(c.ip6, our6, 16);
	c.ip6_prefix = 64;
	c.reachable_ms = 10;
	c.retrans_ms = 1000;
	c.gc_ms = 20;
	c.clock_us = clock_us;
	c.socket = SOCKET_ID_ANY;
	now_us = 1000000;
	io = (struct ofld_neigh_io){ .mp = ofld_test_pool(), .xmit = xmit };
	return ofld_neigh_create("test_neigh", &c);
}

/* ---- frames in ---- */

static struct rte_mbuf *
arp_frame(uint16_t op, const struct rte_ether_addr *eth_dst,
	  const struct rte_ether_addr *sha, const uint8_t *sip,
	  const uint8_t *tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ofld_test_pool());
	uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, 60);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_arp_hdr *a = (struct rte_arp_hdr *)(eth + 1);

	memset(p, 0, 60);
	eth->dst_addr = *eth_dst;
	eth->src_addr = *sha;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a->arp_hardware = rte_cpu_to_be_16(1);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = *sha;
	memcpy(&a->arp_data.arp_sip, sip, 4);
	if (op == RTE_ARP_OP_REPLY)
		a->arp_data.arp_tha = our_mac;
	memcpy(&a->arp_data.arp_tip, tip, 4);
	return m;
}

/* Ones' complement sum, written here rather than taken from DPDK. */
static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

/* The ICMPv6 checksum of the message at icmp (RFC 4443 2.3). */
static uint16_t
icmp6_cksum(const uint8_t *src, const uint8_t *dst, const uint8_t *icmp,
	    uint16_t len)
{
	uint8_t ph[8] = { 0, 0, len >> 8, len & 0xff, 0, 0, 0, 58 };
	uint32_t s = sum16(src, 16, 0);

	s = sum16(dst, 16, s);
	s = sum16(ph, 8, s);
	s = sum16(icmp, len, s);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct nd_spec {
	uint8_t type, code, hop;
	const uint8_t *src, *dst, *target;
	uint32_t flags;
	uint8_t opt_type, opt_len;	/* 0: no option */
	const struct rte_ether_addr *opt_mac;
	bool bad_cksum;
};

static const uint8_t unspec[16];

/* Solicited-node group of a (ff02::1:ffXX:XXXX) and its MAC. */
static void
snm(const uint8_t *a, uint8_t *g, struct rte_ether_addr *mac)
{
	static const uint8_t pre[13] = { 0xff, 0x02, [11] = 1, [12] = 0xff };

	memcpy(g, pre, 13);
	memcpy(g + 13, a + 13, 3);
	*mac = (struct rte_ether_addr){ .addr_bytes = { 0x33, 0x33, 0xff,
		a[13], a[14], a[15] } };
}

/* An Ethernet + IPv6 + NS/NA frame into p; its length. */
static uint16_t
nd_bytes(uint8_t *p, const struct rte_ether_addr *eth_dst,
	 const struct rte_ether_addr *eth_src, const struct nd_spec *s)
{
	uint16_t len = 24 + (s->opt_type != 0 ? 8 : 0), ck;
	uint8_t *ip = p + 14, *icmp = ip + 40;

	memset(p, 0, 14 + 40 + len);
	memcpy(p, eth_dst, 6);
	memcpy(p + 6, eth_src, 6);
	p[12] = 0x86;
	p[13] = 0xdd;
	ip[0] = 0x60;
	ip[4] = len >> 8;
	ip[5] = len & 0xff;
	ip[6] = 58;
	ip[7] = s->hop;
	memcpy(ip + 8, s->src, 16);
	memcpy(ip + 24, s->dst, 16);
	icmp[0] = s->type;
	icmp[1] = s->code;
	icmp[4] = s->flags >> 24;
	memcpy(icmp + 8, s->target, 16);
	if (s->opt_type != 0) {
		icmp[24] = s->opt_type;
		icmp[25] = s->opt_len;
		memcpy(icmp + 26, s->opt_mac, 6);
	}
	ck = icmp6_cksum(s->src, s->dst, icmp, len);
	if (s->bad_cksum)
		ck ^= 0x0100;
	icmp[2] = ck >> 8;
	icmp[3] = ck & 0xff;
	return 14 + 40 + len;
}

static struct rte_mbuf *
nd_frame(const struct rte_ether_addr *eth_dst, const struct nd_spec *s)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ofld_test_pool());
	uint8_t buf[128];
	uint16_t len = nd_bytes(buf, eth_dst, &peer_mac, s);

	memcpy(rte_pktmbuf_append(m, len), buf, len);
	return m;
}

/* A neighbour solicitation from the peer for target. */
static struct rte_mbuf *
ns_from_peer(const uint8_t *target)
{
	struct rte_ether_addr gmac;
	uint8_t g[16];
	struct nd_spec s = { .type = 135, .hop = 255, .src = peer6,
		.target = target, .opt_type = 1, .opt_len = 1,
		.opt_mac = &peer_mac };

	snm(target, g, &gmac);
	s.dst = g;
	return nd_frame(&gmac, &s);
}

static uint64_t
stat(struct ofld_neigh *t, size_t off)
{
	struct ofld_neigh_stats st;

	ofld_neigh_stats_get(t, &st);
	return *(const uint64_t *)(const void *)((const char *)&st + off);
}
#define STAT(t, f) stat(t, offsetof(struct ofld_neigh_stats, f))

/* The one entry of the table: its state (FREE when there is none). */
static enum ofld_neigh_state
entry_state(struct ofld_neigh *t, struct rte_ether_addr *mac)
{
	struct ofld_neigh_entry_info x[4];

	if (mac != NULL)
		memset(mac, 0, sizeof(*mac));
	if (ofld_neigh_dump(t, x, 4) != 1)
		return OFLD_NEIGH_FREE;
	if (mac != NULL)
		*mac = x[0].mac;
	return x[0].state;
}

static bool
frame_is(const struct rte_mbuf *m, const uint8_t *want, uint16_t len)
{
	if (m->pkt_len != len || m->data_len != len) {
		fprintf(stderr, "frame of %u bytes, expected %u\n", m->pkt_len,
			len);
		return false;
	}
	for (uint16_t i = 0; i < len; i++) {
		if (rte_pktmbuf_mtod(m, const uint8_t *)[i] != want[i]) {
			fprintf(stderr, "byte %u is %02x, expected %02x\n", i,
				rte_pktmbuf_mtod(m, const uint8_t *)[i],
				want[i]);
			return false;
		}
	}
	return true;
}

/* ---- cases ---- */

static void
test_arp_answered(void)
{
	static const uint8_t want[60] = {
		PEER_MAC, OUR_MAC, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x02,
		OUR_MAC, 198, 18, 0, 1, PEER_MAC, 198, 18, 0, 2,
		/* 18 bytes of padding to the 60-byte minimum */
	};
	struct ofld_neigh *t = table(true, false, false);
	struct rte_mbuf *m[1], *rest[1];
	struct rte_ether_addr mac;

	CU_ASSERT_FATAL(t != NULL);
	m[0] = arp_frame(RTE_ARP_OP_REQUEST, &(struct rte_ether_addr){
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		&peer_mac, peer4, our4);
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 0);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 1);
	CU_ASSERT(frame_is(sent[0], want, sizeof(want)));
	CU_ASSERT_EQUAL(STAT(t, arp_answered), 1);
	/* the sender is learned (STALE, as Linux's neigh_event_ns) */
	CU_ASSERT_EQUAL(entry_state(t, &mac), OFLD_NEIGH_STALE);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &peer_mac));
	CU_ASSERT_EQUAL(STAT(t, arp_learned), 1);
	/* a request for another address is not ours: passed on */
	m[0] = arp_frame(RTE_ARP_OP_REQUEST, &peer_mac, &peer_mac, peer4,
			 gw4);
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 1);
	CU_ASSERT_PTR_EQUAL(rest[0], m[0]);
	rte_pktmbuf_free(rest[0]);
	CU_ASSERT_EQUAL(nb_sent, 1);
	CU_ASSERT_EQUAL(STAT(t, passed), 1);
	sent_free();
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

/* The NA we expect for an NS from src (or from :: when dad). */
static uint16_t
na_expected(uint8_t *buf, bool dad)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	struct nd_spec s = { .type = 136, .hop = 255, .src = our6,
		.dst = dad ? all_nodes : peer6, .target = our6,
		.flags = dad ? 0x20000000 : 0x60000000, .opt_type = 2,
		.opt_len = 1, .opt_mac = &our_mac };

	return nd_bytes(buf, dad ? &(struct rte_ether_addr){ .addr_bytes = {
		0x33, 0x33, 0, 0, 0, 1 } } : &peer_mac, &our_mac, &s);
}

static void
test_ns_answered(void)
{
	struct ofld_neigh *t = table(false, true, false);
	struct rte_mbuf *m[1], *rest[1];
	struct rte_ether_addr mac, gmac;
	uint8_t want[128], g[16];
	uint16_t len;

	CU_ASSERT_FATAL(t != NULL);
	m[0] = ns_from_peer(our6);
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 0);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 1);
	len = na_expected(want, false);
	CU_ASSERT_EQUAL(len, 86);
	/* solicited and override, target link-layer option, hop limit 255,
	 * the checksum as this test computes it
	 */
	CU_ASSERT(frame_is(sent[0], want, len));
	CU_ASSERT_EQUAL(STAT(t, ns_answered), 1);
	CU_ASSERT_EQUAL(entry_state(t, &mac), OFLD_NEIGH_STALE);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &peer_mac));
	sent_free();

	/* duplicate address detection (from ::, no option): an NA to all
	 * nodes, override only; nothing learned
	 */
	snm(our6, g, &gmac);
	m[0] = nd_frame(&gmac, &(struct nd_spec){ .type = 135, .hop = 255,
		.src = unspec, .dst = g, .target = our6 });
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 0);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 1);
	len = na_expected(want, true);
	CU_ASSERT(frame_is(sent[0], want, len));
	CU_ASSERT_EQUAL(ofld_neigh_count(t), 1);
	sent_free();
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

/* Hostile and malformed ARP: each passed on, counted, nothing changed. */
static unsigned int
hostile_arp(struct rte_mbuf **m)
{
	static const struct rte_ether_addr bc = { .addr_bytes = { 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff } };
	unsigned int n = 0;

	/* one byte short; hardware type 6; hlen 5; protocol 0x08dd */
	static const struct { uint8_t off, val; } poke[] = {
		{ 0, 0 }, { 15, 6 }, { 18, 5 }, { 17, 0xdd } };
	unsigned int i;

	for (i = 0; i < RTE_DIM(poke); i++) {
		m[n] = arp_frame(RTE_ARP_OP_REQUEST, &bc, &peer_mac, peer4,
				 our4);
		if (i == 0)
			rte_pktmbuf_trim(m[n], 60 - 14 - 27);
		else
			rte_pktmbuf_mtod(m[n], uint8_t *)[poke[i].off] =
				poke[i].val;
		n++;
	}
	m[n++] = arp_frame(RTE_ARP_OP_REQUEST, &bc, &bc, peer4, our4);
	/* someone else claims our address */
	m[n++] = arp_frame(RTE_ARP_OP_REPLY, &our_mac, &peer_mac, our4, our4);
	/* a reply nobody asked for (no entry): not learned */
	m[n++] = arp_frame(RTE_ARP_OP_REPLY, &our_mac, &peer_mac, peer4, our4);
	return n;
}

/* Hostile and malformed ND. */
static unsigned int
hostile_nd(struct rte_mbuf **m)
{
	struct rte_ether_addr gmac;
	uint8_t g[16];
	struct nd_spec ns = { .type = 135, .hop = 255, .src = peer6,
		.target = our6, .opt_type = 1, .opt_len = 1,
		.opt_mac = &peer_mac }, s;
	unsigned int n = 0;

	snm(our6, g, &gmac);
	ns.dst = g;
	s = ns;
	s.bad_cksum = true;
	m[n++] = nd_frame(&gmac, &s);
	s = ns;
	s.hop = 64;		/* routed from elsewhere */
	m[n++] = nd_frame(&gmac, &s);
	s = ns;
	s.code = 1;
	m[n++] = nd_frame(&gmac, &s);
	s = ns;
	s.opt_len = 0;		/* an option of length 0 */
	m[n++] = nd_frame(&gmac, &s);
	s = ns;
	s.src = unspec;		/* from :: with a link-layer address */
	m[n++] = nd_frame(&gmac, &s);
	s = ns;
	s.target = g;		/* a multicast target */
	m[n++] = nd_frame(&gmac, &s);
	s = (struct nd_spec){ .type = 136, .hop = 255, .src = peer6,
		.dst = g, .target = peer6, .flags = 0x40000000,
		.opt_type = 2, .opt_len = 1, .opt_mac = &peer_mac };
	m[n++] = nd_frame(&gmac, &s);	/* S set on a multicast NA */
	s.dst = our6;
	s.target = our6;	/* someone claims our address */
	m[n++] = nd_frame(&our_mac, &s);
	s.target = peer6;	/* an NA nobody asked for */
	m[n++] = nd_frame(&our_mac, &s);
	m[n] = ns_from_peer(our6);	/* truncated: payload length lies */
	rte_pktmbuf_trim(m[n], 8);
	n++;
	return n;
}

static void
test_hostile(void)
{
	struct ofld_neigh *t = table(true, true, false);
	struct rte_mbuf *m[32], *rest[32];
	unsigned int na, nn, i;
	uint16_t k;

	CU_ASSERT_FATAL(t != NULL);
	na = hostile_arp(m);
	nn = hostile_nd(m + na);
	m[na + nn] = ofld_test_frame(&our_mac, 100, 1, 1);	/* not ND */
	k = ofld_neigh_input(t, m, (uint16_t)(na + nn + 1), rest, &io);
	CU_ASSERT_EQUAL(k, na + nn + 1);
	for (i = 0; i < k; i++)
		CU_ASSERT_PTR_EQUAL(rest[i], m[i]);	/* in order */
	rte_pktmbuf_free_bulk(rest, k);
	CU_ASSERT_EQUAL(nb_sent, 0);
	CU_ASSERT_EQUAL(ofld_neigh_count(t), 0);
	CU_ASSERT_EQUAL(STAT(t, arp_bad), 6);	/* the unasked reply is not bad */
	CU_ASSERT_EQUAL(STAT(t, nd_bad), 9);	/* the unasked NA is not bad */
	CU_ASSERT_EQUAL(STAT(t, passed), na + nn);
	CU_ASSERT_EQUAL(STAT(t, arp_answered) + STAT(t, ns_answered), 0);
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

/* The ARP request a resolution of 198.18.0.x sends, byte for byte. */
static void
check_arp_request(const struct rte_mbuf *m, const uint8_t *tip)
{
	uint8_t want[60] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, OUR_MAC, 0x08, 0x06,
		0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01,
		OUR_MAC, 198, 18, 0, 1, 0, 0, 0, 0, 0, 0,
	};

	memcpy(&want[38], tip, 4);
	CU_ASSERT(frame_is(m, want, sizeof(want)));
}

static void
test_resolve_retries_fail(void)
{
	static const uint8_t dst[4] = { 198, 18, 0, 9 };
	struct ofld_neigh *t = table(true, false, false);
	struct rte_ether_addr mac;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, dst, true, &mac, &io),
			-EAGAIN);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 1);
	check_arp_request(sent[0], dst);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_INCOMPLETE);
	/* asking again sends nothing more: the timers retransmit */
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, dst, false, &mac, &io),
			-EAGAIN);
	/* the timers are looked at every 1/8 of the shortest period (here
	 * reachable_ms 10: every 1.25 ms): steps of 2 ms past a due time
	 */
	now_us += 999000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(nb_sent, 1);
	now_us += 2000;		/* one retransmission time */
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 2);
	check_arp_request(sent[1], dst);
	now_us += 1000000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(nb_sent, 3);	/* 3 tries, as Linux's mcast_solicit */
	now_us += 998000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_INCOMPLETE);
	now_us += 2000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(nb_sent, 3);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_FAILED);
	CU_ASSERT_EQUAL(STAT(t, failed), 1);
	CU_ASSERT_EQUAL(STAT(t, arp_sent), 3);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, dst, false, &mac, &io),
			-EHOSTUNREACH);
	/* a new connect asks afresh */
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, dst, true, &mac, &io),
			-EAGAIN);
	CU_ASSERT_EQUAL(nb_sent, 4);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_INCOMPLETE);
	sent_free();
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

static void
test_resolve_by_reply(void)
{
	static const uint8_t far[4] = { 198, 19, 7, 7 };	/* off-link */
	struct ofld_neigh *t = table(true, true, true);
	struct rte_mbuf *m[1], *rest[1];
	struct rte_ether_addr mac, gmac;
	uint8_t g[16];

	CU_ASSERT_FATAL(t != NULL);
	/* off-link: the gateway is asked */
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, far, true, &mac, &io),
			-EAGAIN);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 1);
	check_arp_request(sent[0], gw4);
	m[0] = arp_frame(RTE_ARP_OP_REPLY, &our_mac, &peer_mac, gw4, our4);
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 0);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, far, false, &mac, &io),
			0);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &peer_mac));
	CU_ASSERT_EQUAL(STAT(t, resolved), 1);
	sent_free();

	/* IPv6 on-link: an NS to the solicited-node group, then an NA */
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, true, peer6, true, &mac, &io),
			-EAGAIN);
	CU_ASSERT_EQUAL_FATAL(nb_sent, 1);
	snm(peer6, g, &gmac);
	CU_ASSERT(rte_is_same_ether_addr(
		rte_pktmbuf_mtod(sent[0], struct rte_ether_addr *), &gmac));
	CU_ASSERT_EQUAL(*rte_pktmbuf_mtod_offset(sent[0], uint8_t *, 54), 135);
	CU_ASSERT(memcmp(rte_pktmbuf_mtod_offset(sent[0], uint8_t *, 38), g,
			 16) == 0);
	CU_ASSERT(rte_ipv6_udptcp_cksum_verify(
		rte_pktmbuf_mtod_offset(sent[0], struct rte_ipv6_hdr *, 14),
		rte_pktmbuf_mtod_offset(sent[0], void *, 54)) == 0);
	m[0] = nd_frame(&our_mac, &(struct nd_spec){ .type = 136, .hop = 255,
		.src = peer6, .dst = our6, .target = peer6,
		.flags = 0x60000000, .opt_type = 2, .opt_len = 1,
		.opt_mac = &peer_mac });
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 0);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, true, peer6, false, &mac, &io),
			0);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &peer_mac));
	CU_ASSERT_EQUAL(STAT(t, nd_learned), 1);
	sent_free();
	ofld_neigh_free(t);

	/* no gateway, no IPv6 address: no route, nothing sent */
	t = table(true, false, false);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, far, true, &mac, &io),
			-ENETUNREACH);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, true, peer6, true, &mac, &io),
			-ENETUNREACH);
	CU_ASSERT_EQUAL(nb_sent, 0);
	CU_ASSERT_EQUAL(STAT(t, unreachable), 2);
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

/* reachable_ms 10 and gc_ms 20 on the test's clock. */
static void
test_ageing(void)
{
	struct ofld_neigh *t = table(true, false, false);
	struct rte_mbuf *m[1], *rest[1];
	struct rte_ether_addr mac;

	CU_ASSERT_FATAL(t != NULL);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, peer4, true, &mac, &io),
			-EAGAIN);
	m[0] = arp_frame(RTE_ARP_OP_REPLY, &our_mac, &peer_mac, peer4, our4);
	CU_ASSERT_EQUAL(ofld_neigh_input(t, m, 1, rest, &io), 0);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_REACHABLE);
	/* timers looked at every 1.25 ms: steps of 2 ms past a due time */
	now_us += 9000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_REACHABLE);
	now_us += 2000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_STALE);
	/* a stale entry is used, and a new use probes it once per
	 * retransmission time
	 */
	sent_free();
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, peer4, true, &mac, &io),
			0);
	CU_ASSERT(rte_is_same_ether_addr(&mac, &peer_mac));
	CU_ASSERT_EQUAL(nb_sent, 1);
	CU_ASSERT_EQUAL(ofld_neigh_resolve(t, false, peer4, true, &mac, &io),
			0);
	CU_ASSERT_EQUAL(nb_sent, 1);
	now_us += 19000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(entry_state(t, NULL), OFLD_NEIGH_STALE);
	now_us += 2000;
	ofld_neigh_poll(t, &io);
	CU_ASSERT_EQUAL(ofld_neigh_count(t), 0);
	CU_ASSERT_EQUAL(STAT(t, aged), 1);
	sent_free();
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- W2: a writer and a reader on two threads ---- */

#define RACE_IPS	64
#define RACE_ROUNDS	20000
#define RACE_READS	20000

struct race {
	struct ofld_neigh *t;
	uint32_t stop;
	uint64_t torn;
	uint64_t hits;
};

/* Each address's MAC carries the address: a torn read shows. */
static struct rte_ether_addr
race_mac(unsigned int i, unsigned int gen)
{
	return (struct rte_ether_addr){ .addr_bytes = { 0x02, (uint8_t)gen,
		(uint8_t)i, (uint8_t)gen, (uint8_t)i, (uint8_t)gen } };
}

static void *
race_reader(void *arg)
{
	struct race *r = arg;
	struct rte_ether_addr mac;
	uint8_t ip[4] = { 198, 18, 0, 0 };
	unsigned int i = 0;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		ip[3] = (uint8_t)(10 + i++ % RACE_IPS);
		if (ofld_neigh_resolve(r->t, false, ip, false, &mac, NULL)
		    != 0)
			continue;
		__atomic_store_n(&r->hits, r->hits + 1, __ATOMIC_RELAXED);
		if (mac.addr_bytes[2] != ip[3] - 10 ||
		    mac.addr_bytes[4] != ip[3] - 10 ||
		    mac.addr_bytes[1] != mac.addr_bytes[3] ||
		    mac.addr_bytes[1] != mac.addr_bytes[5])
			r->torn++;
	}
	return NULL;
}

static void
test_concurrent(void)
{
	struct ofld_neigh *t = table(true, false, false);
	struct race r = { .t = t };
	struct rte_mbuf *m[1], *rest[1];
	struct rte_ether_addr mac;
	uint8_t ip[4] = { 198, 18, 0, 0 };
	pthread_t th;
	unsigned int i;
	uint64_t dl;

	CU_ASSERT_FATAL(t != NULL);
	for (i = 0; i < RACE_IPS; i++) {
		ip[3] = (uint8_t)(10 + i);
		ofld_neigh_resolve(t, false, ip, true, &mac, &io);
	}
	sent_free();
	CU_ASSERT_FATAL(pthread_create(&th, NULL, race_reader, &r) == 0);
	/* writes go on until the reader has read enough beside them */
	dl = ofld_test_deadline(10000);
	for (i = 0; i < RACE_ROUNDS ||
	     (__atomic_load_n(&r.hits, __ATOMIC_RELAXED) < RACE_READS &&
	      !ofld_test_expired(dl, "%u lock-free reads beside the writes",
				 RACE_READS)); i++) {
		struct rte_ether_addr w = race_mac(i % RACE_IPS, i / RACE_IPS);

		ip[3] = (uint8_t)(10 + i % RACE_IPS);
		m[0] = arp_frame(RTE_ARP_OP_REPLY, &our_mac, &w, ip, our4);
		CU_ASSERT(ofld_neigh_input(t, m, 1, rest, &io) == 0);
	}
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	printf("\n    %" PRIu64 " lock-free reads beside %u writes, %" PRIu64
	       " torn\n", r.hits, i, r.torn);
	CU_ASSERT(r.hits >= RACE_READS);
	CU_ASSERT_EQUAL(r.torn, 0);
	CU_ASSERT_EQUAL(STAT(t, busy), 0);	/* one writer: never busy */
	sent_free();
	ofld_neigh_free(t);
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "N1 ARP request answered, byte for byte", test_arp_answered },
		{ "N1 NS answered (and DAD), byte for byte", test_ns_answered },
		{ "N1 hostile ARP/ND passed on, counted, nothing changed",
		  test_hostile },
		{ "N1 resolution: 3 tries a second apart, then failed",
		  test_resolve_retries_fail },
		{ "N1 resolution by reply, gateway, no route",
		  test_resolve_by_reply },
		{ "N1 ageing: reachable, stale, removed", test_ageing },
		{ "W2 lock-free readers beside a writer", test_concurrent },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "neighbour table", cases);
}
