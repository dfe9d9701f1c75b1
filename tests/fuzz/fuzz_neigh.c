/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * fuzz_neigh: arbitrary ARP and ND frames, resolutions and time into a
 * neighbour table (offload/neigh, N1, no ethdev).
 *
 * Each input gets a fresh table (198.18.0.1/24 with gateway 198.18.0.254,
 * fd00:1::1/64 without one, 8 entries so that eviction happens) on the
 * harness's clock, and runs up to 64 operations. Invariants:
 *  - no sanitizer report (frames sit in heap buffers of exactly their
 *    size, so a read past the data is seen); the mempool full again after
 *    every input (no mbuf leak);
 *  - frames not consumed come back in rest[] in order, each exactly once;
 *  - every frame the table sends is one of ours: ARP 60 bytes from our MAC
 *    and address, or NS/NA 86 bytes from our address with hop limit 255,
 *    an ICMPv6 checksum that verifies and our MAC as its option;
 *  - a resolution returns 0 (with a unicast MAC), -EAGAIN, -EHOSTUNREACH
 *    or -ENETUNREACH, and never a MAC for a family without an address;
 *  - at most 8 entries, each in a state that exists.
 *
 * Input layout (big-endian; past the end every byte reads 0), ops until
 * the input ends, op byte % 6:
 *   0 raw frame: u16 length (% 200) + bytes
 *   1 ARP: u8 op, u8 who (bits 0-1 sender IP: peer, ours, 0, input;
 *     bits 2-3 target IP: ours, peer, gateway, input; bit 4 unicast to
 *     us; bit 5 sender MAC from the input), [u32 sip], [u32 tip], [6 mac],
 *     u8 poke offset (% 42, 0: none), u8 poke value
 *   2 ND: u8 type (bit 0: NA), u8 how (bits 0-1 source: peer, ::, ours,
 *     input; bits 2-3 target: ours, peer, multicast, input; bit 4 bad
 *     checksum; bit 5 no option; bit 6 hop limit 64; bit 7 S flag),
 *     [16 src], [16 target], u8 option length, 6 option MAC bytes
 *   3 resolve: u8 (bit 0 IPv6, bit 1 start, bits 2-3 destination: peer,
 *     gateway's side (off-link), input, ours), [16 input address]
 *   4 time: u16 milliseconds forward, then a poll
 *   5 announce, then a poll
 */

#include <errno.h>
#include <string.h>

#include <rte_arp.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "fuzz.h"
#include "ofld_neigh.h"

#define POOL_N		1023
#define MAX_OPS		64
#define MAX_SENT	256
#define ENTRIES		8

static struct rte_mempool *pool;
static uint64_t now_us;
static struct rte_mbuf *sent[MAX_SENT];
static unsigned int nb_sent;

static const struct rte_ether_addr our_mac = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 1 } };
static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 2 } };
static const uint8_t our4[4] = { 198, 18, 0, 1 }, peer4[4] = { 198, 18, 0, 2 };
static const uint8_t gw4[4] = { 198, 18, 0, 254 };
static const uint8_t our6[16] = { 0xfd, 0, 0, 1, [15] = 1 };
static const uint8_t peer6[16] = { 0xfd, 0, 0, 1, [15] = 2 };

static uint64_t
clock_us(void *arg)
{
	RTE_SET_USED(arg);
	return now_us;
}

static void
xmit(void *arg, struct rte_mbuf **f, uint16_t n)
{
	uint16_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < n; i++) {
		FZ_CHECK(nb_sent < MAX_SENT, "more than %u frames sent",
			 MAX_SENT);
		sent[nb_sent++] = f[i];
	}
}

static struct ofld_neigh_io io = { .xmit = xmit };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	if (fz_eal_init((*argv)[0]) != 0)
		return -1;
	pool = fz_pool_create("fz_neigh_pool", POOL_N);
	io.mp = pool;
	return pool != NULL ? 0 : -1;
}

/* Every frame we sent is one of ours (see the invariants above). */
static void
check_sent(void)
{
	unsigned int i;

	for (i = 0; i < nb_sent; i++) {
		const uint8_t *p = rte_pktmbuf_mtod(sent[i], const uint8_t *);

		FZ_CHECK(memcmp(p + 6, &our_mac, 6) == 0, "source MAC");
		if (p[12] == 0x08 && p[13] == 0x06) {
			FZ_CHECK(sent[i]->pkt_len == 60, "ARP of %u bytes",
				 sent[i]->pkt_len);
			FZ_CHECK(memcmp(p + 22, &our_mac, 6) == 0 &&
				 memcmp(p + 28, our4, 4) == 0, "ARP sender");
			continue;
		}
		FZ_CHECK(p[12] == 0x86 && p[13] == 0xdd, "neither ARP nor IPv6");
		FZ_CHECK(sent[i]->pkt_len == 86, "ND of %u bytes",
			 sent[i]->pkt_len);
		FZ_CHECK(p[20] == 58 && p[21] == 255, "ICMPv6, hop limit 255");
		FZ_CHECK(memcmp(p + 22, our6, 16) == 0, "ND source address");
		FZ_CHECK(p[54] == 135 || p[54] == 136, "ND type %u", p[54]);
		FZ_CHECK(rte_ipv6_udptcp_cksum_verify((const void *)(p + 14),
						      p + 54) == 0,
			 "ICMPv6 checksum");
		FZ_CHECK(memcmp(p + 80, &our_mac, 6) == 0, "ND option MAC");
	}
	while (nb_sent > 0)
		rte_pktmbuf_free(sent[--nb_sent]);
}

/* Feed one frame; it is consumed or comes back alone, unchanged. */
static void
feed(struct ofld_neigh *t, const uint8_t *f, uint16_t len)
{
	struct rte_mbuf *m = fz_mbuf(pool, FZ_MB_HEAP, f, len, 0), *rest[1];
	uint16_t k;

	if (m == NULL)
		return;
	k = ofld_neigh_input(t, &m, 1, rest, &io);
	FZ_CHECK(k <= 1, "%u frames back from 1", k);
	if (k == 1) {
		FZ_CHECK(rest[0] == m, "another frame came back");
		rte_pktmbuf_free(rest[0]);
	}
}

static void
ip_of(struct fz_in *in, unsigned int choice, const uint8_t *a,
      const uint8_t *b, const uint8_t *c, uint8_t *out, size_t len)
{
	const uint8_t *pick[3] = { a, b, c }, *src;
	size_t n = len;

	if (choice < 3) {
		if (pick[choice] != NULL)
			memcpy(out, pick[choice], len);
		else
			memset(out, 0, len);
		return;
	}
	memset(out, 0, len);
	src = fz_bytes(in, &n);		/* n: how many there were */
	memcpy(out, src, n);
}

static void
op_arp(struct ofld_neigh *t, struct fz_in *in)
{
	static const uint8_t zero[4];
	uint8_t f[60] = { 0 }, op = fz_u8(in), who = fz_u8(in), off, val;
	struct rte_ether_addr sha = peer_mac;
	size_t n = 6;

	ip_of(in, who & 3, peer4, our4, zero, f + 28, 4);
	ip_of(in, (who >> 2) & 3, our4, peer4, gw4, f + 38, 4);
	if (who & 0x20) {
		const uint8_t *src = fz_bytes(in, &n);

		memcpy(&sha, src, n);
	}
	memset(f, 0xff, 6);
	if (who & 0x10)
		memcpy(f, &our_mac, 6);
	memcpy(f + 6, &sha, 6);
	memcpy(f + 12, "\x08\x06\x00\x01\x08\x00\x06\x04\x00", 9);
	f[21] = op;
	memcpy(f + 22, &sha, 6);
	if (op == RTE_ARP_OP_REPLY)
		memcpy(f + 32, &our_mac, 6);
	off = fz_u8(in) % 42;
	val = fz_u8(in);
	if (off != 0)
		f[off] = val;
	feed(t, f, sizeof(f));
}

static void
op_nd(struct ofld_neigh *t, struct fz_in *in)
{
	static const uint8_t unspec[16];
	static const uint8_t mcast[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff,
		[15] = 1 };
	uint8_t f[86] = { 0 }, *ip = f + 14, *icmp = f + 54;
	uint8_t type = fz_u8(in), how = fz_u8(in), olen;
	uint16_t plen = (how & 0x20) ? 24 : 32, ck;
	const uint8_t *src;
	size_t n = 6;

	memcpy(f, &our_mac, 6);
	memcpy(f + 6, &peer_mac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	ip[0] = 0x60;
	ip[5] = (uint8_t)plen;
	ip[6] = 58;
	ip[7] = (how & 0x40) ? 64 : 255;
	ip_of(in, how & 3, peer6, unspec, our6, ip + 8, 16);
	memcpy(ip + 24, (type & 1) ? our6 : mcast, 16);
	icmp[0] = (type & 1) ? 136 : 135;
	icmp[4] = (how & 0x80) ? 0x40 : 0;
	ip_of(in, (how >> 2) & 3, our6, peer6, mcast, icmp + 8, 16);
	olen = fz_u8(in);
	icmp[24] = (type & 1) ? 2 : 1;
	icmp[25] = olen % 3;
	src = fz_bytes(in, &n);
	memcpy(icmp + 26, src, n);
	ck = rte_ipv6_udptcp_cksum((const void *)ip, icmp);
	if (how & 0x10)
		ck ^= 0x0100;
	memcpy(icmp + 2, &ck, 2);
	feed(t, f, (uint16_t)(54 + plen));
}

static void
op_resolve(struct ofld_neigh *t, struct fz_in *in)
{
	static const uint8_t far4[4] = { 198, 19, 0, 9 };
	uint8_t b = fz_u8(in), dst[16] = { 0 };
	bool v6 = b & 1;
	struct rte_ether_addr mac;
	int ret;

	ip_of(in, (b >> 2) & 3, v6 ? peer6 : peer4, v6 ? NULL : far4,
	      NULL, dst, v6 ? 16 : 4);
	if (((b >> 2) & 3) == 3)
		memcpy(dst, v6 ? our6 : our4, v6 ? 16 : 4);
	ret = ofld_neigh_resolve(t, v6, dst, b & 2, &mac, &io);
	FZ_CHECK(ret == 0 || ret == -EAGAIN || ret == -EHOSTUNREACH ||
		 ret == -ENETUNREACH, "resolve gave %d", ret);
	if (ret == 0)
		FZ_CHECK(rte_is_valid_assigned_ether_addr(&mac),
			 "a MAC that is not unicast");
}

static void
check_table(const struct ofld_neigh *t)
{
	struct ofld_neigh_entry_info x[ENTRIES + 1];
	uint32_t n = ofld_neigh_dump(t, x, RTE_DIM(x)), i;

	FZ_CHECK(n <= ENTRIES, "%u entries in a table of %u", n, ENTRIES);
	for (i = 0; i < n; i++)
		FZ_CHECK(x[i].state >= OFLD_NEIGH_INCOMPLETE &&
			 x[i].state <= OFLD_NEIGH_FAILED, "state %d",
			 x[i].state);
}

static struct ofld_neigh *
table(void)
{
	struct ofld_neigh_conf c;

	memset(&c, 0, sizeof(c));
	c.mac = our_mac;
	c.ip4_set = c.gw4_set = c.ip6_set = true;
	memcpy(c.ip4, our4, 4);
	memcpy(c.gw4, gw4, 4);
	c.ip4_prefix = 24;
	memcpy(c.ip6, our6, 16);
	c.ip6_prefix = 64;
	c.max_entries = ENTRIES;
	c.reachable_ms = 50;
	c.retrans_ms = 20;
	c.gc_ms = 100;
	c.clock_us = clock_us;
	c.socket = SOCKET_ID_ANY;
	return ofld_neigh_create("fz_neigh", &c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { .p = data, .n = size };
	struct ofld_neigh *t;
	unsigned int ops;
	uint8_t raw[200];

	now_us = 1000000;
	t = table();
	FZ_CHECK(t != NULL, "no table");
	for (ops = 0; ops < MAX_OPS && in.n != 0; ops++) {
		switch (fz_u8(&in) % 6) {
		case 0: {
			size_t len = fz_u16(&in) % sizeof(raw);
			const uint8_t *src = fz_bytes(&in, &len);

			memcpy(raw, src, len);
			if (len != 0)
				feed(t, raw, (uint16_t)len);
			break;
		}
		case 1:
			op_arp(t, &in);
			break;
		case 2:
			op_nd(t, &in);
			break;
		case 3:
			op_resolve(t, &in);
			break;
		case 4:
			now_us += (uint64_t)fz_u16(&in) * 1000;
			ofld_neigh_poll(t, &io);
			break;
		default:
			ofld_neigh_announce(t);
			ofld_neigh_poll(t, &io);
			break;
		}
		check_sent();
		check_table(t);
	}
	ofld_neigh_free(t);
	fz_pool_check(pool, POOL_N, "after the input");
	return 0;
}

int
fuzz_make_seeds(const char *dir)
{
	static struct fz_out o;

	/* an ARP request for us, an NS for us */
	o.n = 0;
	fz_put(&o, "\x01\x01\x00\x00\x00\x02\x00\x00", 8);
	if (fz_seed_write(dir, "arp-request", &o) != 0)
		return -1;
	o.n = 0;
	fz_put(&o, "\x02\x00\x00\x00\x02\x00\x00\x00\x00\x02", 10);
	if (fz_seed_write(dir, "ns", &o) != 0)
		return -1;
	/* resolve the peer (IPv4), its reply; then IPv6 and an NA (S) */
	o.n = 0;
	fz_put(&o, "\x03\x02\x01\x02\x10\x00\x00", 7);
	fz_put(&o, "\x03\x03\x02\x81\x01\x00\x00\x00\x02\x00\x00\x00\x00\x02",
	       14);
	if (fz_seed_write(dir, "resolve-reply", &o) != 0)
		return -1;
	/* resolve, then let it fail, age and go; announce */
	o.n = 0;
	fz_put(&o, "\x03\x02\x04\x00\x30\x04\x00\x30\x04\x00\x30\x04\x01\x00"
	       "\x05", 15);
	if (fz_seed_write(dir, "resolve-fail-age", &o) != 0)
		return -1;
	return 0;
}
