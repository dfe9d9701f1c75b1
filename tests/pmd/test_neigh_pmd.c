/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Addresses and neighbours of net_ofld ports (N1) over the public ethdev
 * API and the pair cable:
 * - a port with addresses announces itself at start, answers ARP and NS
 *   byte for byte (a port without addresses on the other end sends the
 *   questions with tx_burst and reads the answers with rx_burst), and
 *   hands ARP/ND that is not its own to rx_burst (W1);
 * - two ports with addresses resolve each other for connects opened
 *   without a MAC, IPv4 and IPv6, and say so in xstats (W3);
 * - a peer that does not answer, or has no route, ends the connect with
 *   OFLD_TCP_UNREACHABLE within a deadline;
 * - bad address device arguments are refused naming the key.
 * Addresses: 198.18.0.0/15 and the ULA prefix fd00:1::/64, on in-process
 * cables only.
 */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_arp.h>
#include <rte_bus_vdev.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_service.h>

#include "ofld_test.h"
#include "rte_pmd_ofld.h"

/* ans (addresses) and raw (none) on one cable; a and b (addresses) on
 * another
 */
static int p_ans = -1, p_raw = -1, pa = -1, pb = -1;
static struct rte_ether_addr mac_ans, mac_raw, mac_a, mac_b;

#define ANS_ARGS "pair=nraw,ip=198.18.2.1/24,ip6=fd00:2::1/64"
#define A_ARGS	"pair=nab,ip=198.18.0.1/24,gw=198.18.0.254," \
		"ip6=fd00:1::1/64,neigh_retrans_ms=50"
#define B_ARGS	"pair=nab,ip=198.18.0.2/24,ip6=fd00:1::2/64"

static const uint8_t ans4[4] = { 198, 18, 2, 1 };
static const uint8_t raw4[4] = { 198, 18, 2, 2 };
static const uint8_t ans6[16] = { 0xfd, 0, 0, 2, [15] = 1 };
static const uint8_t raw6[16] = { 0xfd, 0, 0, 2, [15] = 2 };

static void
setup(void)
{
	if (p_ans >= 0)
		return;
	p_raw = ofld_test_vdev("net_ofld_nraw", "pair=nraw");
	p_ans = ofld_test_vdev("net_ofld_nans", ANS_ARGS);
	pa = ofld_test_vdev("net_ofld_na", A_ARGS);
	pb = ofld_test_vdev("net_ofld_nb", B_ARGS);
	CU_ASSERT_FATAL(p_raw >= 0 && p_ans >= 0 && pa >= 0 && pb >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)p_raw, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)p_ans, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pa, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pb, 1, 1) == 0);
	/* raw sees everything, multicast NAs included */
	CU_ASSERT_FATAL(rte_eth_promiscuous_enable((uint16_t)p_raw) == 0);
	rte_eth_macaddr_get((uint16_t)p_ans, &mac_ans);
	rte_eth_macaddr_get((uint16_t)p_raw, &mac_raw);
	rte_eth_macaddr_get((uint16_t)pa, &mac_a);
	rte_eth_macaddr_get((uint16_t)pb, &mac_b);
}

static uint64_t
xstat(int port, const char *name)
{
	uint64_t v = ofld_test_xstat((uint16_t)port, name);

	if (v == UINT64_MAX)
		fprintf(stderr, "no xstat '%s' on port %d\n", name, port);
	return v;
}

/* ---- ans and raw: frames by hand ---- */

/* Frames raw received, taken until `want` of them or 5 s; ans's queue is
 * polled meanwhile (it answers there), and what ans's rx_burst gives is
 * kept in ans_got[].
 */
static struct rte_mbuf *raw_got[16], *ans_got[16];
static uint16_t nraw, nans;

static void
pump_once(void)
{
	struct rte_mbuf *m[16];
	uint16_t k, i;

	k = rte_eth_rx_burst((uint16_t)p_ans, 0, m, 16);
	for (i = 0; i < k; i++) {
		if (nans < RTE_DIM(ans_got))
			ans_got[nans++] = m[i];
		else
			rte_pktmbuf_free(m[i]);
	}
	k = rte_eth_rx_burst((uint16_t)p_raw, 0, raw_got + nraw,
			     (uint16_t)(RTE_DIM(raw_got) - nraw));
	nraw += k;
}

static void
pump_raw(uint16_t want, const char *what)
{
	uint64_t dl = ofld_test_deadline(5000);

	while (nraw < want && !ofld_test_expired(dl, "%s", what))
		pump_once();
}

static void
got_free(void)
{
	rte_pktmbuf_free_bulk(raw_got, nraw);
	rte_pktmbuf_free_bulk(ans_got, nans);
	nraw = nans = 0;
}

static void
raw_send_arp(uint16_t op, const struct rte_ether_addr *dst,
	     const uint8_t *sip, const uint8_t *tip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ofld_test_pool());
	struct rte_ether_hdr *eth;
	struct rte_arp_hdr *a;

	CU_ASSERT_FATAL(m != NULL);
	eth = (struct rte_ether_hdr *)rte_pktmbuf_append(m, 60);
	memset(eth, 0, 60);
	eth->dst_addr = *dst;
	eth->src_addr = mac_raw;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_ARP);
	a = (struct rte_arp_hdr *)(eth + 1);
	a->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	a->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	a->arp_hlen = 6;
	a->arp_plen = 4;
	a->arp_opcode = rte_cpu_to_be_16(op);
	a->arp_data.arp_sha = mac_raw;
	memcpy(&a->arp_data.arp_sip, sip, 4);
	memcpy(&a->arp_data.arp_tip, tip, 4);
	CU_ASSERT_FATAL(ofld_test_tx_all((uint16_t)p_raw, 0, &m, 1) == 1);
}

/* An NS from raw for target, with raw's link-layer address. */
static void
raw_send_ns(const uint8_t *target)
{
	uint8_t f[14 + 40 + 32] = { 0 }, *icmp = f + 14 + 40;
	uint8_t dst[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)f;
	struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)(f + 14);
	struct rte_mbuf *m = rte_pktmbuf_alloc(ofld_test_pool());
	rte_be16_t ck;
	char *p;

	CU_ASSERT_FATAL(m != NULL);
	memcpy(&dst[13], &target[13], 3);
	eth->dst_addr = (struct rte_ether_addr){ .addr_bytes = { 0x33, 0x33,
		0xff, target[13], target[14], target[15] } };
	eth->src_addr = mac_raw;
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
	ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
	ip6->payload_len = rte_cpu_to_be_16(32);
	ip6->proto = 58;
	ip6->hop_limits = 255;
	memcpy(&ip6->src_addr, raw6, 16);
	memcpy(&ip6->dst_addr, dst, 16);
	icmp[0] = 135;
	memcpy(icmp + 8, target, 16);
	icmp[24] = 1;
	icmp[25] = 1;
	memcpy(icmp + 26, &mac_raw, 6);
	ck = rte_ipv6_udptcp_cksum(ip6, icmp);
	memcpy(icmp + 2, &ck, 2);
	p = rte_pktmbuf_append(m, sizeof(f));
	CU_ASSERT_FATAL(p != NULL);
	memcpy(p, f, sizeof(f));
	CU_ASSERT_FATAL(ofld_test_tx_all((uint16_t)p_raw, 0, &m, 1) == 1);
}

static const uint8_t *
bytes(const struct rte_mbuf *m)
{
	return rte_pktmbuf_mtod(m, const uint8_t *);
}

/* The gratuitous ARP and the unsolicited NA ans sent when it started. */
static void
check_announcements(void)
{
	unsigned int i, arp = 0, na = 0;

	pump_raw(2, "ans's two announcements on raw");
	for (i = 0; i < nraw; i++) {
		const uint8_t *p = bytes(raw_got[i]);

		if (p[12] == 0x08 && p[13] == 0x06 && p[21] == 1 &&
		    memcmp(p + 28, ans4, 4) == 0 &&
		    memcmp(p + 38, ans4, 4) == 0 &&
		    rte_is_broadcast_ether_addr((const void *)p))
			arp++;	/* a request for its own address */
		if (p[12] == 0x86 && p[13] == 0xdd && p[54] == 136 &&
		    p[58] == 0x20 && memcmp(p + 62, ans6, 16) == 0)
			na++;	/* override only, its address as target */
	}
	CU_ASSERT_EQUAL(arp, 1);
	CU_ASSERT_EQUAL(na, 1);
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_announced"), 2);
	got_free();
}

static void
test_answers_over_cable(void)
{
	static const struct rte_ether_addr bc = { .addr_bytes = { 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff } };
	uint8_t want[60] = { 0 };
	const uint8_t *p;

	setup();
	check_announcements();

	/* ARP: the reply to raw, byte for byte (60 bytes, padded) */
	raw_send_arp(RTE_ARP_OP_REQUEST, &bc, raw4, ans4);
	pump_raw(1, "ans's ARP reply on raw");
	CU_ASSERT_EQUAL_FATAL(nraw, 1);
	memcpy(want, &mac_raw, 6);
	memcpy(want + 6, &mac_ans, 6);
	memcpy(want + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00\x02", 10);
	memcpy(want + 22, &mac_ans, 6);
	memcpy(want + 28, ans4, 4);
	memcpy(want + 32, &mac_raw, 6);
	memcpy(want + 38, raw4, 4);
	CU_ASSERT_EQUAL(raw_got[0]->pkt_len, 60);
	CU_ASSERT(memcmp(bytes(raw_got[0]), want, 60) == 0);
	CU_ASSERT_EQUAL(nans, 0);	/* consumed, not handed to rx_burst */
	got_free();

	/* NS: the NA, solicited and override, with ans's MAC as option */
	raw_send_ns(ans6);
	pump_raw(1, "ans's NA on raw");
	CU_ASSERT_EQUAL_FATAL(nraw, 1);
	p = bytes(raw_got[0]);
	CU_ASSERT_EQUAL(raw_got[0]->pkt_len, 86);
	CU_ASSERT(memcmp(p, &mac_raw, 6) == 0 && memcmp(p + 6, &mac_ans, 6) == 0);
	CU_ASSERT(p[20] == 58 && p[21] == 255);		/* ICMPv6, hops */
	CU_ASSERT(memcmp(p + 22, ans6, 16) == 0 && memcmp(p + 38, raw6, 16) == 0);
	CU_ASSERT(p[54] == 136 && p[55] == 0 && p[58] == 0x60);
	CU_ASSERT(memcmp(p + 62, ans6, 16) == 0);
	CU_ASSERT(p[78] == 2 && p[79] == 1 && memcmp(p + 80, &mac_ans, 6) == 0);
	CU_ASSERT(rte_ipv6_udptcp_cksum_verify((const void *)(p + 14),
					       p + 54) == 0);
	got_free();
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_arp_answered"), 1);
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_ns_answered"), 1);
	/* both questions taught ans who raw is */
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_entries"), 2);
}

/* W1: ARP that is not ans's reaches its rx_burst. */
static void
test_not_ours_to_rx_burst(void)
{
	static const uint8_t other[4] = { 198, 18, 2, 99 };
	static const struct rte_ether_addr bc = { .addr_bytes = { 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff } };
	static const uint8_t stranger[4] = { 198, 18, 2, 3 };
	uint64_t passed;
	uint64_t dl;

	setup();
	passed = xstat(p_ans, "neigh_passed");
	raw_send_arp(RTE_ARP_OP_REQUEST, &bc, raw4, other); /* not for ans */
	/* a reply from an address ans never asked about */
	raw_send_arp(RTE_ARP_OP_REPLY, &mac_ans, stranger, ans4);
	dl = ofld_test_deadline(5000);
	while (nans < 2 && !ofld_test_expired(dl, "2 ARP frames on ans's "
					       "rx_burst"))
		pump_once();
	CU_ASSERT_EQUAL(nans, 2);
	CU_ASSERT_EQUAL(nraw, 0);	/* no answer to either */
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_passed"), passed + 2);
	got_free();
	rte_eth_stats_reset((uint16_t)p_ans);
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_passed"), 0);
	CU_ASSERT_EQUAL(xstat(p_ans, "neigh_entries"), 2);	/* a gauge */
}

/* A new MAC is announced at once and answered with. */
static void
test_mac_change(void)
{
	static const struct rte_ether_addr bc = { .addr_bytes = { 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff } };
	struct rte_ether_addr nmac = { .addr_bytes = { 0x02, 0x6e, 0x65,
		0x77, 0, 1 } }, old = mac_ans;
	unsigned int i, arp = 0;
	const uint8_t *p;

	setup();
	CU_ASSERT_FATAL(rte_eth_dev_default_mac_addr_set((uint16_t)p_ans,
							 &nmac) == 0);
	pump_raw(2, "the announcements with the new MAC");
	for (i = 0; i < nraw; i++) {
		p = bytes(raw_got[i]);
		if (p[12] == 0x08 && p[13] == 0x06 &&
		    memcmp(p + 22, &nmac, 6) == 0 && memcmp(p + 6, &nmac, 6) == 0)
			arp++;
	}
	CU_ASSERT_EQUAL(arp, 1);	/* and the NA beside it */
	got_free();
	raw_send_arp(RTE_ARP_OP_REQUEST, &bc, raw4, ans4);
	pump_raw(1, "the ARP reply after the MAC change");
	CU_ASSERT_EQUAL_FATAL(nraw, 1);
	p = bytes(raw_got[0]);
	CU_ASSERT(memcmp(p + 6, &nmac, 6) == 0 && memcmp(p + 22, &nmac, 6) == 0);
	got_free();
	CU_ASSERT(rte_eth_dev_default_mac_addr_set((uint16_t)p_ans, &old) == 0);
	pump_raw(2, "the announcements with the old MAC again");
	got_free();
}

/* ---- a and b: connects without a MAC ---- */

/* Every connection event of a and b seen so far (data events freed). */
static struct {
	int port;
	struct ofld_tcp_event ev;
} seen[256];
static unsigned int nseen;

static bool
seen_find(int port, enum ofld_tcp_event_kind kind, uint64_t cookie,
	  struct ofld_tcp_event *out)
{
	unsigned int i;

	for (i = 0; i < nseen; i++) {
		if (seen[i].port == port && seen[i].ev.kind == kind &&
		    seen[i].ev.conn_cookie == cookie) {
			*out = seen[i].ev;
			seen[i] = seen[--nseen];	/* taken */
			return true;
		}
	}
	return false;
}

static void
pump_ab(void)
{
	struct ofld_tcp_event ev[16];
	struct rte_mbuf *m[32];
	uint16_t k, i, p;

	for (p = 0; p < 2; p++) {
		int port = p ? pb : pa;

		k = rte_eth_rx_burst((uint16_t)port, 0, m, 32);
		rte_pktmbuf_free_bulk(m, k);
		k = rte_pmd_ofld_tcp_events((uint16_t)port, 0, ev, 16);
		for (i = 0; i < k; i++) {
			rte_pktmbuf_free(ev[i].m);
			ev[i].m = NULL;
			if (nseen < RTE_DIM(seen)) {
				seen[nseen].port = port;
				seen[nseen++].ev = ev[i];
			}
		}
	}
}

/* Poll a and b until port has an event of kind for cookie (or 5 s). */
static bool
wait_event(int port, enum ofld_tcp_event_kind kind, uint64_t cookie,
	   struct ofld_tcp_event *out, const char *what)
{
	uint64_t dl = ofld_test_deadline(5000);

	while (!seen_find(port, kind, cookie, out)) {
		if (ofld_test_expired(dl, "%s", what))
			return false;
		pump_ab();
	}
	return true;
}

static void
open_of(struct ofld_tcp_open *o, bool v6, uint8_t peer_last,
	uint16_t lport, uint64_t cookie)
{
	memset(o, 0, sizeof(*o));
	o->ipv6 = v6;
	if (v6) {
		static const uint8_t pre[4] = { 0xfd, 0, 0, 1 };

		memcpy(o->local_ip, pre, 4);
		memcpy(o->remote_ip, pre, 4);
		o->local_ip[15] = 1;
		o->remote_ip[15] = peer_last;
	} else {
		o->local_ip[0] = o->remote_ip[0] = 198;
		o->local_ip[1] = o->remote_ip[1] = 18;
		o->local_ip[3] = 1;
		o->remote_ip[3] = peer_last;
	}
	o->local_port = lport;
	o->remote_port = 80;
	o->cookie = cookie;
}

static void
connect_resolved(bool v6)
{
	struct ofld_tcp_open o, l;
	struct ofld_tcp_event ev;
	struct ofld_tcp_state st;
	struct ofld_tcp_conn *c;

	open_of(&l, v6, 0, 80, 7);
	memset(l.local_ip, 0, 16);
	l.local_port = 80;
	CU_ASSERT_FATAL(rte_pmd_ofld_tcp_listen((uint16_t)pb, 0, &l) == 0);
	open_of(&o, v6, 2, 40000, 11);	/* remote_mac all zero */
	c = rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, &o);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(wait_event(pa, OFLD_TCP_EV_CONNECTED, 11, &ev,
			     v6 ? "CONNECTED over IPv6 after ND" :
			     "CONNECTED over IPv4 after ARP"));
	ofld_tcp_query(c, &st);
	CU_ASSERT(rte_is_same_ether_addr(&st.remote_mac, &mac_b));
	CU_ASSERT(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c) == 0);
	CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c) == 0);
	CU_ASSERT_FATAL(wait_event(pb, OFLD_TCP_EV_ACCEPTED, 7, &ev,
				   "ACCEPTED on b"));
	/* the RST of the abort ends it on b (the listener's cookie) */
	CU_ASSERT(wait_event(pb, OFLD_TCP_EV_CLOSED, 7, &ev,
			     "b's connection CLOSED by the RST"));
	CU_ASSERT_EQUAL(ev.status, OFLD_TCP_ABORTED_BY_PEER);
	CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pb, 0, ev.conn) == 0);
}

static void
test_connect_resolves(void)
{
	setup();
	connect_resolved(false);
	CU_ASSERT_EQUAL(xstat(pa, "neigh_arp_sent"), 1);
	CU_ASSERT_EQUAL(xstat(pa, "neigh_resolved"), 1);
	CU_ASSERT_EQUAL(xstat(pb, "neigh_arp_answered"), 1);
	CU_ASSERT_EQUAL(xstat(pa, "tcp_q0_resolve_waits"), 1);
	connect_resolved(true);
	CU_ASSERT_EQUAL(xstat(pa, "neigh_ns_sent"), 1);
	CU_ASSERT_EQUAL(xstat(pa, "neigh_resolved"), 2);
	CU_ASSERT_EQUAL(xstat(pb, "neigh_ns_answered"), 1);
	CU_ASSERT_EQUAL(xstat(pa, "tcp_q0_resolve_waits"), 2);
	/* b learned a from its questions */
	CU_ASSERT_EQUAL(xstat(pb, "neigh_entries"), 2);
	/* a MAC given: no resolution at all (behaviour as before N1) */
}

static void
unreachable(bool v6, uint8_t last, const char *what)
{
	struct ofld_tcp_open o;
	struct ofld_tcp_event ev;
	struct ofld_tcp_conn *c;
	uint64_t t0 = rte_get_timer_cycles();

	open_of(&o, v6, last, 40001, 21);
	if (!v6 && last == 0) {		/* 198.19.0.1: off-link */
		o.remote_ip[1] = 19;
		o.remote_ip[3] = 1;
	}
	c = rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, &o);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(wait_event(pa, OFLD_TCP_EV_CLOSED, 21, &ev, what));
	CU_ASSERT_EQUAL(ev.status, OFLD_TCP_UNREACHABLE);
	printf("\n    %s: UNREACHABLE after %.0f ms\n", what,
	       (double)(rte_get_timer_cycles() - t0) * 1000 /
	       rte_get_timer_hz());
	CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c) == 0);
}

static void
test_unreachable(void)
{
	uint64_t failed, unr;

	setup();
	failed = xstat(pa, "neigh_failed");
	unr = xstat(pa, "tcp_q0_unreachable");
	/* nobody has 198.18.0.77 / fd00:1::77: 3 solicitations 50 ms
	 * apart (neigh_retrans_ms=50), then failed
	 */
	unreachable(false, 77, "IPv4 peer that never answers");
	unreachable(true, 0x77, "IPv6 peer that never answers");
	CU_ASSERT_EQUAL(xstat(pa, "neigh_failed"), failed + 2);
	/* the gateway 198.18.0.254 does not answer either: off-link peer */
	unreachable(false, 0, "off-link peer, gateway silent");
	CU_ASSERT_EQUAL(xstat(pa, "tcp_q0_unreachable"), unr + 3);
}

/* No route: off-link IPv6 without gw6 ends the connect at once. */
static void
test_no_route(void)
{
	struct ofld_tcp_open o;
	struct ofld_tcp_event ev;
	struct ofld_tcp_conn *c;

	setup();
	open_of(&o, true, 1, 40002, 31);
	o.remote_ip[3] = 9;		/* fd00:9::1: not in fd00:1::/64 */
	c = rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, &o);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT(wait_event(pa, OFLD_TCP_EV_CLOSED, 31, &ev,
			     "CLOSED of a connect without a route"));
	CU_ASSERT_EQUAL(ev.status, OFLD_TCP_UNREACHABLE);
	CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c) == 0);
	CU_ASSERT(xstat(pa, "neigh_unreachable") >= 1);
}

/* Ageing at the port, on times a test can wait for: c learns d by a
 * connect, the entry turns stale after 20 ms and is gone 40 ms later;
 * the timers run in c's rx_burst.
 */
static void
test_ageing(void)
{
	int pc = ofld_test_vdev("net_ofld_nc", "pair=nage,ip=198.18.4.1/24,"
				"neigh_reachable_ms=20,neigh_gc_ms=40");
	int pd = ofld_test_vdev("net_ofld_nd", "pair=nage,ip=198.18.4.2/24");
	struct ofld_tcp_open o;
	struct ofld_tcp_event ev[8];
	struct ofld_tcp_conn *c;
	struct rte_mbuf *m[32];
	uint64_t dl, t0;
	bool up = false;
	uint16_t k, i;
	int p;

	CU_ASSERT_FATAL(pc >= 0 && pd >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pc, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pd, 1, 1) == 0);
	memset(&o, 0, sizeof(o));
	o.local_port = 9;	/* d listens on any address */
	CU_ASSERT_FATAL(rte_pmd_ofld_tcp_listen((uint16_t)pd, 0, &o) == 0);
	memcpy(o.local_ip, (uint8_t[]){ 198, 18, 4, 1 }, 4);
	memcpy(o.remote_ip, (uint8_t[]){ 198, 18, 4, 2 }, 4);
	o.local_port = 40000;
	o.remote_port = 9;
	c = rte_pmd_ofld_tcp_connect((uint16_t)pc, 0, &o);
	CU_ASSERT_FATAL(c != NULL);
	t0 = rte_get_timer_cycles();
	dl = ofld_test_deadline(5000);
	while ((!up || ofld_test_xstat((uint16_t)pc, "neigh_entries") != 0) &&
	       !ofld_test_expired(dl, "c's entry for d resolved, then aged "
				  "out (neigh_entries 0)")) {
		for (p = 0; p < 2; p++) {
			uint16_t port = (uint16_t)(p ? pd : pc);

			k = rte_eth_rx_burst(port, 0, m, 32);
			rte_pktmbuf_free_bulk(m, k);
			k = rte_pmd_ofld_tcp_events(port, 0, ev, 8);
			for (i = 0; i < k; i++) {
				rte_pktmbuf_free(ev[i].m);
				if (port == pc && ev[i].kind ==
				    OFLD_TCP_EV_CONNECTED) {
					/* resolved, then connected: gone */
					up = true;
					rte_pmd_ofld_tcp_abort((uint16_t)pc,
							       0, c);
				}
			}
		}
	}
	printf("\n    resolved, connected, aged out after %.0f ms\n",
	       (double)(rte_get_timer_cycles() - t0) * 1000 /
	       rte_get_timer_hz());
	CU_ASSERT(up);
	if (!up) {
		const char *n[] = { "neigh_arp_sent", "neigh_arp_answered",
			"neigh_resolved", "neigh_entries", "neigh_passed",
			"neigh_arp_learned", "tcp_q0_segs_out", "tcp_q0_syn_in",
			"tcp_q0_resolve_waits", "rx_q0_packets", "tx_q0_packets",
			"tx_q0_link_down", "rx_q0_mac_filtered" };
		for (i = 0; i < RTE_DIM(n); i++)
			fprintf(stderr, "%s c=%" PRIu64 " d=%" PRIu64 "\n", n[i],
				ofld_test_xstat((uint16_t)pc, n[i]),
				ofld_test_xstat((uint16_t)pd, n[i]));
	}
	CU_ASSERT_EQUAL(ofld_test_xstat((uint16_t)pc, "neigh_resolved"), 1);
	CU_ASSERT_EQUAL(ofld_test_xstat((uint16_t)pc, "neigh_aged"), 1);
	CU_ASSERT_EQUAL(ofld_test_xstat((uint16_t)pc, "neigh_entries"), 0);
	CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pc, 0, c) == 0);
	for (p = 0; p < 2; p++) {
		rte_eth_dev_stop((uint16_t)(p ? pd : pc));
		rte_eth_dev_close((uint16_t)(p ? pd : pc));
	}
	CU_ASSERT(rte_vdev_uninit("net_ofld_nc") == 0);
	CU_ASSERT(rte_vdev_uninit("net_ofld_nd") == 0);
}

/* engine=service: the ARP reply reaches the service's receive path, the
 * connect (through the mailbox) resolves there.
 */
static void
test_service_engine(void)
{
	int pe = ofld_test_vdev("net_ofld_ne", "pair=nsvc,ip=198.18.5.1/24,"
				"engine=service");
	int pf = ofld_test_vdev("net_ofld_nf", "pair=nsvc,ip=198.18.5.2/24");
	uint32_t sid, lcore = rte_get_next_lcore(-1, 1, 0);
	struct ofld_tcp_event ev[8];
	struct ofld_tcp_open o;
	struct ofld_tcp_conn *c;
	struct rte_mbuf *m[32];
	bool up = false;
	uint64_t dl;
	uint16_t k, i;

	CU_ASSERT_FATAL(lcore < RTE_MAX_LCORE);	/* main asks for two */
	CU_ASSERT_FATAL(pe >= 0 && pf >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pe, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pf, 1, 1) == 0);
	CU_ASSERT_FATAL(rte_pmd_ofld_service_id((uint16_t)pe, &sid) == 0);
	CU_ASSERT(rte_service_lcore_add(lcore) == 0);
	CU_ASSERT(rte_service_map_lcore_set(sid, lcore, 1) == 0);
	CU_ASSERT(rte_service_runstate_set(sid, 1) == 0);
	CU_ASSERT(rte_service_lcore_start(lcore) == 0);
	memset(&o, 0, sizeof(o));
	o.local_port = 9;
	CU_ASSERT_FATAL(rte_pmd_ofld_tcp_listen((uint16_t)pf, 0, &o) == 0);
	memcpy(o.local_ip, (uint8_t[]){ 198, 18, 5, 1 }, 4);
	memcpy(o.remote_ip, (uint8_t[]){ 198, 18, 5, 2 }, 4);
	o.local_port = 40000;
	o.remote_port = 9;
	c = rte_pmd_ofld_tcp_connect((uint16_t)pe, 0, &o);
	CU_ASSERT_FATAL(c != NULL);
	dl = ofld_test_deadline(5000);
	while (!up && !ofld_test_expired(dl, "CONNECTED with the engine on "
					 "the service lcore")) {
		k = rte_eth_rx_burst((uint16_t)pf, 0, m, 32);
		rte_pktmbuf_free_bulk(m, k);
		k = rte_pmd_ofld_tcp_events((uint16_t)pf, 0, ev, 8);
		for (i = 0; i < k; i++)
			rte_pktmbuf_free(ev[i].m);
		k = rte_pmd_ofld_tcp_events((uint16_t)pe, 0, ev, 8);
		for (i = 0; i < k; i++) {
			rte_pktmbuf_free(ev[i].m);
			up |= ev[i].kind == OFLD_TCP_EV_CONNECTED;
		}
	}
	CU_ASSERT(up);
	CU_ASSERT_EQUAL(xstat(pe, "neigh_resolved"), 1);
	CU_ASSERT_EQUAL(xstat(pf, "neigh_arp_answered"), 1);
	CU_ASSERT(rte_pmd_ofld_tcp_abort((uint16_t)pe, 0, c) == 0);
	CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pe, 0, c) == 0);
	CU_ASSERT(rte_service_runstate_set(sid, 0) == 0);
	CU_ASSERT(rte_service_lcore_stop(lcore) == 0);
	/* the lcore may be in its last iteration (see test_tcp_pmd.c) */
	dl = ofld_test_deadline(10000);
	while (rte_service_lcore_may_be_active(lcore) == 1 &&
	       !ofld_test_expired(dl, "service lcore %u to leave its loop",
				  lcore))
		rte_delay_us_sleep(100);
	CU_ASSERT(rte_service_lcore_del(lcore) == 0);
	CU_ASSERT(rte_vdev_uninit("net_ofld_ne") == 0);
	CU_ASSERT(rte_vdev_uninit("net_ofld_nf") == 0);
}

/* A port of 4 queues with RSS: the connects of every queue ask the one
 * table; ARP (not hashed) arrives on queue 0, NS/NA (hashed on the
 * addresses) wherever RSS puts them; every queue is polled.
 */
static int
port_rss4(const char *name, const char *args)
{
	struct rte_eth_conf conf;
	int port = ofld_test_vdev(name, args);
	uint16_t q;

	if (port < 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
	conf.rxmode.offloads = RTE_ETH_RX_OFFLOAD_RSS_HASH;
	conf.rx_adv_conf.rss_conf.rss_hf = RTE_ETH_RSS_IPV4 | RTE_ETH_RSS_IPV6 |
		RTE_ETH_RSS_NONFRAG_IPV4_TCP | RTE_ETH_RSS_NONFRAG_IPV6_TCP;
	if (rte_eth_dev_configure((uint16_t)port, 4, 4, &conf) != 0)
		return -1;
	for (q = 0; q < 4; q++)
		if (rte_eth_rx_queue_setup((uint16_t)port, q, 1024, 0, NULL,
					   ofld_test_pool()) != 0 ||
		    rte_eth_tx_queue_setup((uint16_t)port, q, 1024, 0,
					   NULL) != 0)
			return -1;
	return rte_eth_dev_start((uint16_t)port) == 0 ? port : -1;
}

static void
test_rss_queues(void)
{
	int pg = port_rss4("net_ofld_ng", "pair=nrss,ip=198.18.6.1/24,"
			   "ip6=fd00:6::1/64");
	int ph = port_rss4("net_ofld_nh", "pair=nrss,ip=198.18.6.2/24,"
			   "ip6=fd00:6::2/64");
	struct ofld_tcp_conn *c[4];
	struct ofld_tcp_event ev[8];
	struct ofld_tcp_open o;
	struct rte_mbuf *m[32];
	unsigned int up = 0, want = 0;
	uint16_t q, k, i;
	uint64_t dl;
	int p;

	CU_ASSERT_FATAL(pg >= 0 && ph >= 0);
	memset(&o, 0, sizeof(o));
	o.local_port = 9;
	for (q = 0; q < 4; q++)	/* h listens on every queue */
		CU_ASSERT(rte_pmd_ofld_tcp_listen((uint16_t)ph, q, &o) == 0);
	o.ipv6 = true;
	for (q = 0; q < 4; q++)
		CU_ASSERT(rte_pmd_ofld_tcp_listen((uint16_t)ph, q, &o) == 0);
	/* g: queues 1 and 3 connect over IPv4, 0 and 2 over IPv6, no MAC,
	 * local port chosen by the port (placed by RSS)
	 */
	for (q = 0; q < 4; q++) {
		memset(&o, 0, sizeof(o));
		o.ipv6 = q % 2 == 0;
		if (o.ipv6) {
			memcpy(o.local_ip, (uint8_t[]){ 0xfd, 0, 0, 6 }, 4);
			memcpy(o.remote_ip, (uint8_t[]){ 0xfd, 0, 0, 6 }, 4);
			o.local_ip[15] = 1;
			o.remote_ip[15] = 2;
		} else {
			memcpy(o.local_ip, (uint8_t[]){ 198, 18, 6, 1 }, 4);
			memcpy(o.remote_ip, (uint8_t[]){ 198, 18, 6, 2 }, 4);
		}
		o.remote_port = 9;
		o.cookie = q;
		c[q] = rte_pmd_ofld_tcp_connect((uint16_t)pg, q, &o);
		CU_ASSERT_FATAL(c[q] != NULL);
		want |= 1u << q;
	}
	dl = ofld_test_deadline(5000);
	while (up != want && !ofld_test_expired(dl, "CONNECTED on all 4 "
			"queues (mask 0x%x) without a MAC, RSS on", up)) {
		for (p = 0; p < 2; p++) {
			uint16_t port = (uint16_t)(p ? ph : pg);

			for (q = 0; q < 4; q++) {
				k = rte_eth_rx_burst(port, q, m, 32);
				rte_pktmbuf_free_bulk(m, k);
				k = rte_pmd_ofld_tcp_events(port, q, ev, 8);
				for (i = 0; i < k; i++) {
					rte_pktmbuf_free(ev[i].m);
					if (port == pg && ev[i].kind ==
					    OFLD_TCP_EV_CONNECTED)
						up |= 1u << q;
				}
			}
		}
	}
	CU_ASSERT_EQUAL(up, want);
	/* one resolution per family: the other queues found the entry */
	CU_ASSERT_EQUAL(xstat(pg, "neigh_arp_sent"), 1);
	CU_ASSERT_EQUAL(xstat(pg, "neigh_ns_sent"), 1);
	CU_ASSERT_EQUAL(xstat(pg, "neigh_resolved"), 2);
	for (q = 0; q < 4; q++) {
		CU_ASSERT(rte_pmd_ofld_tcp_abort((uint16_t)pg, q, c[q]) == 0);
		CU_ASSERT(rte_pmd_ofld_tcp_release((uint16_t)pg, q, c[q]) == 0);
	}
	for (p = 0; p < 2; p++) {
		rte_eth_dev_stop((uint16_t)(p ? ph : pg));
		rte_eth_dev_close((uint16_t)(p ? ph : pg));
	}
	CU_ASSERT(rte_vdev_uninit("net_ofld_ng") == 0);
	CU_ASSERT(rte_vdev_uninit("net_ofld_nh") == 0);
}

static void
test_bad_devargs(void)
{
	static const struct {
		const char *args, *must_say;
	} cases[] = {
		{ "pair=x,ip=198.18.0.1", "'ip=198.18.0.1'" },
		{ "pair=x,ip=198.18.0.1/33", "'ip=198.18.0.1/33'" },
		{ "pair=x,ip=198.18.0.1/0", "'ip=198.18.0.1/0'" },
		{ "pair=x,ip=224.0.0.1/24", "'ip=224.0.0.1/24'" },
		{ "pair=x,ip=198.18.0/24", "'ip=198.18.0/24'" },
		{ "pair=x,ip=198.18.0.1/24x", "'ip=198.18.0.1/24x'" },
		{ "pair=x,ip6=fd00:1::1/129", "'ip6=fd00:1::1/129'" },
		{ "pair=x,ip6=ff02::1/64", "'ip6=ff02::1/64'" },
		{ "pair=x,ip6=198.18.0.1/24", "'ip6=198.18.0.1/24'" },
		{ "pair=x,gw=198.18.0.254", "'gw'" },
		{ "pair=x,ip=198.18.0.1/24,gw=198.18.1.254", "'gw'" },
		{ "pair=x,ip=198.18.0.1/24,gw=198.18.0.1", "'gw'" },
		{ "pair=x,ip=198.18.0.1/24,gw=198.18.0.254/24", "'gw=" },
		{ "pair=x,ip=198.18.0.1/24,gw6=fd00:1::fe", "'gw6'" },
		{ "pair=x,ip=198.18.0.1/24,neigh_retrans_ms=0",
		  "'neigh_retrans_ms=0'" },
		{ "pair=x,ip=198.18.0.1/24,neigh_probes=11", "'neigh_probes" },
		{ "pair=x,ip=198.18.0.1/24,neigh_entries=many",
		  "'neigh_entries=many'" },
		{ "pair=x,ip=198.18.0.1/24,neigh_gc_ms=-1", "'neigh_gc_ms" },
	};
	uint16_t before = rte_eth_dev_count_total();
	unsigned int i;
	bool named;

	for (i = 0; i < RTE_DIM(cases); i++) {
		ofld_test_log_clear();
		CU_ASSERT(rte_vdev_init("net_ofld_nbad", cases[i].args) != 0);
		CU_ASSERT_EQUAL(rte_eth_dev_count_total(), before);
		named = strstr(ofld_test_log(), cases[i].must_say) != NULL;
		CU_ASSERT(named);
		if (!named)
			fprintf(stderr, "'%s': log does not name '%s':\n%s\n",
				cases[i].args, cases[i].must_say,
				ofld_test_log());
	}
	/* and good ones are taken */
	CU_ASSERT(ofld_test_vdev("net_ofld_ngood", "pair=y,ip=198.19.0.1/32,"
		"gw6=fd00:1::fe,ip6=fd00:1::1/64,neigh_entries=4,"
		"neigh_reachable_ms=1,neigh_gc_ms=1,neigh_probes=1") >= 0);
	CU_ASSERT(rte_vdev_uninit("net_ofld_ngood") == 0);
}

static void
test_teardown(void)
{
	int p[] = { p_raw, p_ans, pa, pb };
	unsigned int i;

	for (i = 0; i < RTE_DIM(p); i++) {
		char name[RTE_ETH_NAME_MAX_LEN];

		rte_eth_dev_stop((uint16_t)p[i]);
		rte_eth_dev_get_name_by_port((uint16_t)p[i], name);
		rte_eth_dev_close((uint16_t)p[i]);
		rte_vdev_uninit(name);
	}
	p_raw = p_ans = pa = pb = -1;
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "N1 announced at start; ARP and NS answered over the cable, "
		  "byte for byte", test_answers_over_cable },
		{ "W1 ARP not ours reaches rx_burst", test_not_ours_to_rx_burst },
		{ "N1 a new MAC is announced and answered with",
		  test_mac_change },
		{ "N1 connects without a MAC resolve, IPv4 and IPv6",
		  test_connect_resolves },
		{ "N1 a silent peer ends the connect UNREACHABLE",
		  test_unreachable },
		{ "N1 no route ends the connect UNREACHABLE", test_no_route },
		{ "N1 ageing: reachable, stale, removed, on a port's own times",
		  test_ageing },
		{ "N1 with the engine on a service lcore", test_service_engine },
		{ "N1 4 queues with RSS: one table for every queue's connects",
		  test_rss_queues },
		{ "N1 bad address device arguments refused, naming the key",
		  test_bad_devargs },
		{ "every port closed, every mbuf back", test_teardown },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	ofld_test_want_lcores(2);	/* the service case */
	return ofld_test_main(argv[0], "neighbours (ethdev)", cases);
}
