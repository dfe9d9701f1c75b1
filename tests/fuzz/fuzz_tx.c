/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * fuzz_tx: arbitrary packets into net_ofld's transmit path.
 *
 * An input is one burst of 1..4 packets, each with its own offload flags
 * (ol_flags TX bits, TSO/USO, checksums, IPv4/IPv6, outer and tunnel
 * bits), l2/l3/l4 lengths, tso_segsz, bytes, and an mbuf chain cut where
 * the input says, each mbuf a malloc'd buffer of exactly its size (so
 * AddressSanitizer sees any access past it), a plain pool mbuf or an
 * indirect one. The burst goes, by the input's first byte, either
 *
 *  - through rte_eth_tx_prepare() and rte_eth_tx_burst() of a net_ofld
 *    port whose pair peer is drained (a plain cable, or one with loss,
 *    duplication and reordering), at an MTU and with an active GSO record
 *    the input chooses; or
 *  - straight into ofld_gso_parse() / ofld_gso_segment() (L4 checksums
 *    done or left to the port below; pools the input may starve) and
 *    ofld_csum_check() / ofld_csum_apply().
 *
 * Invariants (abort() when one breaks): no sanitizer report; every mbuf
 * back in its pool once the peer is drained; no frame longer than MTU +
 * 22 (the port's L2 allowance: Ethernet header and two VLAN tags) and no
 * GSO segment whose L3 packet is longer than the MTU; a large send that
 * tx_prepare accepted arrives as exactly its segments (G8: sizes and
 * payload in order; G10: seq; G11: lengths, IPv4 header and L4
 * checksums), a plain packet with its checksums done (G14); a failed
 * ofld_gso_segment() leaves its input as it was (rule 11 of style.md).
 *
 * Input layout (big-endian; past the end every byte reads 0):
 *   u8  cfg     bits 0-1: 0 plain pair, 1 faulty pair, 2 direct,
 *                         3 direct with L4 checksums left to the port
 *               bit 2: a GSO record follows; bit 3: direct mode uses
 *               the small pool for header mbufs too
 *   u16 mtu     68 + mtu % 9533 (pair modes)
 *   [u8 l3, u8 l4, u32 max_offload_size, u8 min_segs, u8 l4_offset_max]
 *   u8  starve  direct mode: mbufs left in the small pool (255: all)
 *   u8  npkts   1 + npkts % 4
 *   per packet:
 *     u16 flags (see flag_bits[]), u8 l2_len, u16 l3_len, u8 l4_len,
 *     u16 tso_segsz, u8 outer_l2_len, u8 outer_l3_len,
 *     u16 pad     bytes appended after the packet's own (a pattern)
 *     u8  nsplit  (% 16) then nsplit x { u16 pos, u8 kind }:
 *                 pos % (length + 1) is where an mbuf starts; kind bits
 *                 0-1: 0/3 heap, 1 pool, 2 indirect; bits 2-7: headroom
 *     u16 len, then len bytes (fewer if the input ends)
 */

#include <errno.h>
#include <string.h>

#include <rte_bus_vdev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "fuzz.h"
#include "ofld_gso.h"
#include "ofld_pkt.h"
#include "rte_pmd_ofld.h"

#define POOL_N		32767
#define GPOOL_N		512u	/* direct mode: a pool the input may starve */
#define MAX_PKTS	4
#define MAX_SPLITS	16
#define PKT_MAX		(65535 + 65536)
#define RX_MAX		16384
#define LANE_ROOM	4000	/* frames one burst may put on a pair lane */
#define L2_ALLOWANCE	22	/* the port's: Ethernet header + 2 VLAN tags */

enum { MODE_PAIR, MODE_FAULT, MODE_DIRECT, MODE_DIRECT_LOWER };

#define CFG_RECORD	0x04
#define CFG_SMALL_HDR	0x08

/* ol_flags bits the input's 16 flag bits stand for, in order. */
static const uint64_t flag_bits[16] = {
	RTE_MBUF_F_TX_TCP_SEG, RTE_MBUF_F_TX_UDP_SEG, RTE_MBUF_F_TX_IP_CKSUM,
	RTE_MBUF_F_TX_TCP_CKSUM, RTE_MBUF_F_TX_SCTP_CKSUM,
	RTE_MBUF_F_TX_IPV4, RTE_MBUF_F_TX_IPV6, RTE_MBUF_F_TX_OUTER_IPV4,
	RTE_MBUF_F_TX_OUTER_IPV6, RTE_MBUF_F_TX_OUTER_IP_CKSUM,
	RTE_MBUF_F_TX_OUTER_UDP_CKSUM, RTE_MBUF_F_TX_VLAN,
	RTE_MBUF_F_TX_QINQ, RTE_MBUF_F_TX_TUNNEL_VXLAN,
	RTE_MBUF_F_TX_IEEE1588_TMST, RTE_MBUF_F_TX_SEC_OFFLOAD,
};
/* bits 3 and 4 together: the L4 field's fourth value, UDP */
#define FB_TCP_SEG	0x0001
#define FB_UDP_SEG	0x0002
#define FB_IP_CKSUM	0x0004
#define FB_TCP_CKSUM	0x0008
#define FB_UDP_CKSUM	0x0018
#define FB_IPV4		0x0020
#define FB_IPV6		0x0040

struct pkt {
	struct rte_mbuf *m;
	uint32_t len;
	uint64_t flags;
	uint16_t l2, l3;		/* l2_len, l3_len as the mbuf took them */
	bool seg;			/* TSO/USO */
	bool prepared;			/* tx_prepare accepted it */
	struct ofld_gso_pkt p;		/* seg: what the parser made of it */
	uint8_t flat[PKT_MAX];		/* its bytes before transmission */
};

static struct rte_mempool *pool, *gpool;
static uint16_t port_a[2], port_b[2];	/* [0] plain cable, [1] faulty */
static struct pkt pkts[MAX_PKTS];
static struct rte_mbuf *rx[RX_MAX];
static struct rte_mbuf *gout[OFLD_GSO_MAX_SEGS];
static uint8_t rbuf[PKT_MAX];
static struct rte_pmd_ofld_gso_caps hw_caps;

/* ---- set-up ------------------------------------------------------------- */

static int
port_up(const char *name, const char *args, uint16_t *port, uint16_t mtu)
{
	struct rte_eth_conf conf;

	if (rte_vdev_init(name, args) != 0 ||
	    rte_eth_dev_get_port_by_name(name, port) != 0)
		return -1;
	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = RTE_ETH_TX_OFFLOAD_MULTI_SEGS |
		RTE_ETH_TX_OFFLOAD_TCP_TSO | RTE_ETH_TX_OFFLOAD_UDP_TSO |
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
		RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if (rte_eth_dev_configure(*port, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(*port, 0, 1024, rte_socket_id(), NULL,
				   pool) != 0 ||
	    rte_eth_tx_queue_setup(*port, 0, 1024, rte_socket_id(), NULL) != 0 ||
	    rte_eth_dev_set_mtu(*port, mtu) != 0 ||
	    rte_eth_dev_start(*port) != 0 ||
	    rte_eth_promiscuous_enable(*port) != 0)
		return -1;
	return 0;
}

static void
teardown(void)
{
	rte_vdev_uninit("net_ofld_fza");
	rte_vdev_uninit("net_ofld_fzb");
	rte_vdev_uninit("net_ofld_fzc");
	rte_vdev_uninit("net_ofld_fzd");
	rte_mempool_free(gpool);
	rte_mempool_free(pool);
	rte_eal_cleanup();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	if (fz_eal_init((*argv)[0]) != 0)
		return -1;
	pool = fz_pool_create("fz_tx_pool", POOL_N);
	gpool = fz_pool_create("fz_tx_gpool", GPOOL_N);
	if (pool == NULL || gpool == NULL ||
	    port_up("net_ofld_fza", "pair=fz1", &port_a[0], 1500) != 0 ||
	    port_up("net_ofld_fzb", "pair=fz1", &port_b[0], 9600) != 0 ||
	    port_up("net_ofld_fzc", "pair=fz2,loss=0.05,dup=0.2,reorder=0.2,"
		    "seed=7", &port_a[1], 1500) != 0 ||
	    port_up("net_ofld_fzd", "pair=fz2", &port_b[1], 9600) != 0 ||
	    rte_pmd_ofld_gso_caps_get(port_a[0], &hw_caps, NULL) != 0) {
		fprintf(stderr, "fuzz_tx: set-up failed\n");
		return -1;
	}
	atexit(teardown);
	return 0;
}

/* ---- building a packet -------------------------------------------------- */

static uint8_t
pad_byte(uint32_t i)
{
	return (uint8_t)(i * 13 + (i >> 8) + 5);
}

/* Cut [0, len) of flat into an mbuf chain at the input's split points. */
static struct rte_mbuf *
build_chain(struct fz_in *in, const uint8_t *flat, uint32_t len)
{
	uint32_t start[MAX_SPLITS + 2];
	uint8_t kind[MAX_SPLITS + 2];
	unsigned int ns = fz_u8(in) % MAX_SPLITS, i, j, n = 0;
	struct rte_mbuf *head = NULL, *m;
	uint32_t pos;
	uint8_t k;

	start[n] = 0;
	kind[n++] = 0;
	for (i = 0; i < ns; i++) {
		pos = fz_u16(in) % (len + 1);
		k = fz_u8(in);
		/* insertion in order; equal starts make empty mbufs */
		for (j = n; j > 0 && start[j - 1] > pos; j--) {
			start[j] = start[j - 1];
			kind[j] = kind[j - 1];
		}
		start[j] = pos;
		kind[j] = k;
		n++;
	}
	start[n] = len;
	for (i = 0; i < n; i++) {
		enum fz_mbuf_kind mk = (kind[i] & 3) == 1 ? FZ_MB_DIRECT :
			(kind[i] & 3) == 2 ? FZ_MB_INDIRECT : FZ_MB_HEAP;
		uint16_t hr = kind[i] >> 2;
		uint32_t room = mk == FZ_MB_HEAP ? 16384 :
			RTE_MBUF_DEFAULT_BUF_SIZE - hr;

		pos = start[i];
		do {	/* pieces longer than an mbuf holds are cut again */
			uint32_t take = RTE_MIN(start[i + 1] - pos, room);

			m = fz_mbuf(pool, mk, flat + pos, (uint16_t)take, hr);
			FZ_CHECK(m != NULL, "cannot build an input mbuf");
			if (head == NULL)
				head = m;
			else
				FZ_CHECK(rte_pktmbuf_chain(head, m) == 0,
					 "chain too long");
			pos += take;
		} while (pos < start[i + 1]);
	}
	return head;
}

static void
build_pkt(struct fz_in *in, struct pkt *x)
{
	uint16_t fb, pad, l3, mss;
	uint8_t l2, l4, ol2, ol3;
	size_t len, i;
	const uint8_t *b;
	struct rte_mbuf *m;
	unsigned int bit;

	fb = fz_u16(in);
	l2 = fz_u8(in);
	l3 = fz_u16(in);
	l4 = fz_u8(in);
	mss = fz_u16(in);
	ol2 = fz_u8(in);
	ol3 = fz_u8(in);
	pad = fz_u16(in);
	x->flags = 0;
	for (bit = 0; bit < 16; bit++)
		if (fb & (1u << bit))
			x->flags |= flag_bits[bit];
	/* the two L4 bits: none, TCP, SCTP, UDP (not TCP|SCTP) */
	if ((fb & FB_UDP_CKSUM) == FB_UDP_CKSUM)
		x->flags = (x->flags & ~RTE_MBUF_F_TX_L4_MASK) |
			RTE_MBUF_F_TX_UDP_CKSUM;

	/* the chain description comes before the bytes in the input */
	{
		struct fz_in chain_in = *in;
		unsigned int ns = fz_u8(in) % MAX_SPLITS;

		for (i = 0; i < ns; i++) {
			fz_u16(in);
			fz_u8(in);
		}
		len = fz_u16(in);
		b = fz_bytes(in, &len);
		memcpy(x->flat, b, len);
		for (i = 0; i < pad; i++)
			x->flat[len + i] = pad_byte((uint32_t)i);
		x->len = (uint32_t)(len + pad);
		m = build_chain(&chain_in, x->flat, x->len);
	}
	m->ol_flags = (m->ol_flags & (RTE_MBUF_F_EXTERNAL |
				      RTE_MBUF_F_INDIRECT)) | x->flags;
	m->l2_len = l2;
	m->l3_len = l3;
	x->l2 = m->l2_len;
	x->l3 = m->l3_len;
	m->l4_len = l4;
	m->tso_segsz = mss;
	m->outer_l2_len = ol2;
	m->outer_l3_len = ol3;
	x->m = m;
	x->seg = (x->flags & (RTE_MBUF_F_TX_TCP_SEG |
			      RTE_MBUF_F_TX_UDP_SEG)) != 0;
	x->prepared = false;
}

/* ---- checking what comes out -------------------------------------------- */

/*
 * Segment idx of large send x (idx < 0: which one is not known, as after
 * a cable that duplicates and reorders): lengths, checksums (L4 holding
 * the pseudo-header sum when left to the port below), and with idx, its
 * size and payload bytes (G8) and TCP seq (G10).
 */
static void
check_segment(const struct pkt *x, struct rte_mbuf *f, int idx, bool lower)
{
	const struct ofld_gso_pkt *p = &x->p;
	const uint32_t l3o = p->l2_len, l4o = p->l2_len + p->l3_len;
	uint32_t plen, pseudo;
	const uint8_t *b;

	FZ_CHECK(f->pkt_len >= p->hdr_len, "segment of %u bytes < headers %u",
		 f->pkt_len, p->hdr_len);
	plen = f->pkt_len - p->hdr_len;
	FZ_CHECK(plen <= p->mss, "segment payload %u > MSS %u", plen, p->mss);
	b = rte_pktmbuf_read(f, 0, f->pkt_len, rbuf);
	FZ_CHECK(b != NULL, "unreadable segment");
	if (idx >= 0) {
		uint32_t off = (uint32_t)idx * p->mss;
		uint32_t want = RTE_MIN(p->mss, p->payload - off);

		FZ_CHECK(plen == want, "segment %d: %u payload bytes, want %u",
			 idx, plen, want);
		FZ_CHECK(memcmp(b + p->hdr_len, x->flat + p->hdr_len + off,
				plen) == 0, "segment %d: payload differs", idx);
		if (!p->udp)
			FZ_CHECK(tpkt_get32(b + l4o + 4) ==
				 tpkt_get32(x->flat + l4o + 4) + off,
				 "segment %d: TCP seq", idx);
	}
	if (p->ipv4) {
		FZ_CHECK(tpkt_get16(b + l3o + 2) == p->l3_len + p->l4_len + plen,
			 "IPv4 total length %u", tpkt_get16(b + l3o + 2));
		FZ_CHECK(tpkt_ocsum(b + l3o, p->l3_len, 0) == 0xffff,
			 "bad IPv4 header checksum");
		pseudo = tpkt_ocsum(b + l3o + 12, 8, 0);
	} else {
		FZ_CHECK(tpkt_get16(b + l3o + 4) == p->l3_len - 40 + p->l4_len + plen,
			 "IPv6 payload length %u", tpkt_get16(b + l3o + 4));
		pseudo = tpkt_ocsum(b + l3o + 8, 16, 0);
		/* the final destination of a routing header (RFC 8200 8.1) */
		pseudo = tpkt_ocsum(b + p->v6_dst_off, 16, pseudo);
	}
	pseudo += (p->udp ? IPPROTO_UDP : IPPROTO_TCP) + p->l4_len + plen;
	if (p->udp)
		FZ_CHECK(tpkt_get16(b + l4o + 4) == 8 + plen, "UDP length %u",
			 tpkt_get16(b + l4o + 4));
	if (lower)
		FZ_CHECK(tpkt_get16(b + l4o + (p->udp ? 6 : 16)) ==
			 tpkt_ocsum(NULL, 0, pseudo),
			 "L4 field is not the pseudo-header sum");
	else
		FZ_CHECK(tpkt_ocsum(b + l4o, p->l4_len + plen, pseudo) == 0xffff,
			 "bad %s checksum in a segment", p->udp ? "UDP" : "TCP");
}

/* A plain packet after its checksum offloads were done (G14). */
static void
check_plain(const struct pkt *x, struct rte_mbuf *f)
{
	const uint64_t l4 = x->flags & RTE_MBUF_F_TX_L4_MASK;
	const bool v4 = (x->flags & RTE_MBUF_F_TX_IPV4) != 0;
	/* the receiver's copy has no lengths any more: the input's */
	const uint32_t l3o = x->l2, l4o = (uint32_t)x->l2 + x->l3;
	const uint8_t *b;

	FZ_CHECK(f->pkt_len == x->len, "plain packet %u bytes became %u",
		 x->len, f->pkt_len);
	if (!(x->flags & (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK)))
		return;
	b = rte_pktmbuf_read(f, 0, f->pkt_len, rbuf);
	FZ_CHECK(b != NULL, "unreadable frame");
	if (v4 && (x->flags & RTE_MBUF_F_TX_IP_CKSUM))
		FZ_CHECK(tpkt_ocsum(b + l3o, x->l3, 0) == 0xffff,
			 "bad IPv4 header checksum (G14)");
	if (l4 != 0)
		FZ_CHECK(ofld_l4_cksum_ok(f, rte_pktmbuf_mtod_offset(f,
			 const void *, l3o), v4, l4o),
			 "bad L4 checksum (G14)");
}

/* ---- the two ways in ---------------------------------------------------- */

static void
read_record(struct fz_in *in, uint8_t cfg, struct ofld_gso_caps *c)
{
	c->l3 = hw_caps.l3;
	c->l4 = hw_caps.l4;
	c->max_offload_size = hw_caps.max_offload_size;
	c->min_segs = hw_caps.min_segs;
	c->l4_offset_max = hw_caps.l4_offset_max;
	if (!(cfg & CFG_RECORD))
		return;
	c->l3 = fz_u8(in) & OFLD_GSO_L3_ALL;
	c->l4 = fz_u8(in) & OFLD_GSO_L4_ALL;
	c->max_offload_size = fz_u32(in) % (hw_caps.max_offload_size + 1);
	c->min_segs = fz_u8(in);
	c->l4_offset_max = fz_u8(in);
}

static uint16_t
drain(uint16_t port, uint16_t have)
{
	uint16_t k;
	int idle = 0;

	while (idle < 2 && have < RX_MAX) {
		k = rte_eth_rx_burst(port, 0, rx + have,
				     RTE_MIN(RX_MAX - have, 512));
		have += k;
		idle = k == 0 ? idle + 1 : 0;
	}
	return have;
}

static void
check_sizes(uint16_t n, uint16_t mtu)
{
	uint16_t i;

	for (i = 0; i < n; i++)
		FZ_CHECK(rx[i]->pkt_len <= (uint32_t)mtu + L2_ALLOWANCE,
			 "frame of %u bytes at MTU %u", rx[i]->pkt_len, mtu);
}

static uint32_t
frames_of(const struct pkt *x)
{
	return x->seg ? x->p.nb_segs : 1;
}

/* The frames from prepared packets [from, to), in order. */
static void
check_prepared(unsigned int from, unsigned int to, uint16_t got,
	       uint16_t mtu, bool faulty)
{
	uint32_t want = 0, i, s, k = 0;

	for (i = from; i < to; i++)
		want += frames_of(&pkts[i]);
	if (faulty) {
		/* lost, doubled, swapped: only a single large send's frames
		 * can be told apart, by their content
		 */
		if (to - from == 1 && pkts[from].seg)
			for (i = 0; i < got; i++)
				check_segment(&pkts[from], rx[i], -1, false);
		return;
	}
	FZ_CHECK(got == want, "%u frames arrived, %u expected", got, want);
	FZ_SAY("  packets [%u, %u): %u frames checked\n", from, to, got);
	for (i = from; i < to; i++) {
		const struct pkt *x = &pkts[i];

		for (s = 0; s < frames_of(x); s++, k++) {
			if (!x->seg) {
				check_plain(x, rx[k]);
				continue;
			}
			check_segment(x, rx[k], (int)s, false);
			/* the L3 packet of a segment fits the MTU */
			FZ_CHECK(rx[k]->pkt_len - x->p.l2_len <= mtu,
				 "segment of %u L3 bytes at MTU %u",
				 rx[k]->pkt_len - x->p.l2_len, mtu);
		}
	}
}

static void
send_and_check(unsigned int mode, unsigned int from, unsigned int to,
	       uint16_t mtu, bool prepared)
{
	const uint16_t a = port_a[mode], b = port_b[mode];
	struct rte_mbuf *m[MAX_PKTS];
	uint16_t n = (uint16_t)(to - from), sent, got, i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++)
		m[i] = pkts[from + i].m;
	sent = rte_eth_tx_burst(a, 0, m, n);
	/* what the port did not take is still ours */
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(m[i]);
	/* an empty burst releases a frame held back for reordering */
	rte_eth_tx_burst(a, 0, NULL, 0);
	got = drain(b, 0);
	check_sizes(got, mtu);
	if (prepared && sent == n)
		check_prepared(from, to, got, mtu, mode == MODE_FAULT);
	rte_pktmbuf_free_bulk(rx, got);
}

static void
run_pair(unsigned int mode, uint16_t mtu, const struct ofld_gso_caps *c,
	 unsigned int npkts)
{
	const uint16_t a = port_a[mode];
	struct rte_pmd_ofld_gso_caps act = {
		.l3 = c->l3, .l4 = c->l4,
		.max_offload_size = c->max_offload_size,
		.min_segs = c->min_segs, .l4_offset_max = c->l4_offset_max,
	};
	struct rte_mbuf *m[MAX_PKTS];
	unsigned int i, nprep, from;
	uint32_t frames = 0;

	FZ_CHECK(rte_eth_dev_set_mtu(a, mtu) == 0, "MTU %u refused", mtu);
	if (rte_pmd_ofld_gso_caps_set(a, &act) != 0) {
		/* not a subset: the hardware record, as a default */
		act = hw_caps;
		FZ_CHECK(rte_pmd_ofld_gso_caps_set(a, &act) == 0,
			 "hardware record refused");
	}
	for (i = 0; i < npkts; i++)
		m[i] = pkts[i].m;
	nprep = rte_eth_tx_prepare(a, 0, m, (uint16_t)npkts);
	FZ_SAY(" %s cable, MTU %u: tx_prepare took %u of %u (%s)\n",
	       mode == MODE_FAULT ? "faulty" : "plain", mtu, nprep, npkts,
	       nprep < npkts ? rte_strerror(rte_errno) : "all");
	FZ_CHECK(nprep <= npkts, "tx_prepare said %u of %u", nprep, npkts);
	for (i = 0; i < nprep; i++) {
		struct pkt *x = &pkts[i];

		x->prepared = true;
		if (x->seg) {
			struct ofld_gso_caps cc = {
				.l3 = act.l3, .l4 = act.l4,
				.max_offload_size = act.max_offload_size,
				.min_segs = act.min_segs,
				.l4_offset_max = act.l4_offset_max,
			};

			FZ_CHECK(ofld_gso_parse(x->m, &cc, &x->p) == OFLD_GSO_OK,
				 "tx_prepare took what the parser refuses");
		}
		frames += frames_of(x);
	}
	/* the prepared ones, checked frame by frame: in one burst when the
	 * lane holds them all, else one by one
	 */
	if (frames <= LANE_ROOM) {
		send_and_check(mode, 0, nprep, mtu, true);
	} else {
		for (from = 0; from < nprep; from++)
			send_and_check(mode, from, from + 1, mtu, true);
	}
	/* the refused one and what follows: dropped or sent, never broken */
	send_and_check(mode, nprep, npkts, mtu, false);
}

static void
run_direct(bool lower, bool small_hdr, uint8_t starve,
	   const struct ofld_gso_caps *c, unsigned int npkts)
{
	void *held[GPOOL_N];
	unsigned int i, nheld = 0, s;
	struct rte_mempool *hdr_mp = small_hdr ? gpool : pool;

	if (starve != 255) {
		nheld = GPOOL_N - RTE_MIN((unsigned int)starve, GPOOL_N);
		FZ_CHECK(rte_mempool_get_bulk(gpool, held, nheld) == 0,
			 "small pool");
	}
	for (i = 0; i < npkts; i++) {
		struct pkt *x = &pkts[i];
		struct rte_mbuf *m = x->m;
		int r;

		if (!x->seg) {
			int ck = ofld_csum_check(m), ap = ofld_csum_apply(m);

			FZ_CHECK((ck == 0) == (ap == 0),
				 "csum_check %d but csum_apply %d", ck, ap);
			if (ap == 0)
				check_plain(x, m);
			FZ_SAY(" direct: checksums %s\n", ap ? "refused" : "done");
			rte_pktmbuf_free(m);
			continue;
		}
		r = ofld_gso_parse(m, c, &x->p);
		FZ_SAY(" direct: parse %s\n", ofld_gso_verdict_name[r]);
		if (r != OFLD_GSO_OK) {
			rte_pktmbuf_free(m);
			continue;
		}
		r = ofld_gso_segment(m, &x->p, hdr_mp, gpool, gout,
				     lower ? OFLD_GSO_F_L4_CSUM_LOWER : 0);
		if (r < 0) {
			const uint8_t *b;

			FZ_CHECK(r == -ENOMEM, "ofld_gso_segment: %d", r);
			FZ_SAY(" direct: no mbufs, input intact\n");
			/* the input as it was */
			FZ_CHECK(m->pkt_len == x->len && rte_mbuf_refcnt_read(m)
				 == 1, "input changed by a failed segment");
			b = rte_pktmbuf_read(m, 0, m->pkt_len, rbuf);
			FZ_CHECK(b != NULL && memcmp(b, x->flat, x->len) == 0,
				 "input bytes changed by a failed segment");
			rte_pktmbuf_free(m);
			continue;
		}
		FZ_CHECK((uint32_t)r == x->p.nb_segs, "%d segments, want %u",
			 r, x->p.nb_segs);
		FZ_SAY(" direct: %d segments checked\n", r);
		for (s = 0; s < (unsigned int)r; s++)
			check_segment(x, gout[s], (int)s, lower);
		for (s = 0; s < (unsigned int)r; s++)
			rte_pktmbuf_free(gout[s]);
	}
	if (nheld != 0)
		rte_mempool_put_bulk(gpool, held, nheld);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct ofld_gso_caps caps;
	uint8_t cfg, starve;
	unsigned int mode, npkts, i;
	uint16_t mtu;

	cfg = fz_u8(&in);
	mode = cfg & 3;
	mtu = 68 + fz_u16(&in) % (9600 - 68 + 1);
	read_record(&in, cfg, &caps);
	starve = fz_u8(&in);
	npkts = 1 + fz_u8(&in) % MAX_PKTS;
	for (i = 0; i < npkts; i++)
		build_pkt(&in, &pkts[i]);

	if (mode <= MODE_FAULT)
		run_pair(mode, mtu, &caps, npkts);
	else
		run_direct(mode == MODE_DIRECT_LOWER, cfg & CFG_SMALL_HDR,
			   starve, &caps, npkts);

	fz_pool_check(pool, POOL_N, "after the burst");
	fz_pool_check(gpool, GPOOL_N, "after the burst");
	return 0;
}

/* ---- seeds -------------------------------------------------------------- */

struct seed_pkt {
	struct tpkt_spec s;
	uint16_t flags;		/* 0: from the spec (TSO/USO, IPv4/6) */
	uint16_t take;		/* bytes of payload in the seed; rest: pad */
	uint8_t nsplit;
	uint16_t split[4];
	uint8_t kind[4];
	int8_t l4_delta;	/* a wrong l4_len */
};

static void
put_pkt(struct fz_out *o, const struct seed_pkt *sp)
{
	static uint8_t flat[TPKT_MAX];
	const struct tpkt_spec *s = &sp->s;
	uint32_t hl = tpkt_hdr_len(s), len = hl + RTE_MIN(sp->take, s->payload);
	struct rte_mbuf *m = tpkt_build(pool, s, flat);
	uint16_t fb = sp->flags;
	unsigned int i;

	if (fb == 0)
		fb = (s->udp ? FB_UDP_SEG : FB_TCP_SEG) |
			(s->ipv6 ? FB_IPV6 : FB_IPV4 | FB_IP_CKSUM);
	fz_put16(o, fb);
	fz_put8(o, m->l2_len);
	fz_put16(o, m->l3_len);
	fz_put8(o, (uint8_t)(m->l4_len + sp->l4_delta));
	fz_put16(o, s->mss);
	fz_put8(o, 0);
	fz_put8(o, 0);
	fz_put16(o, (uint16_t)(s->payload - (len - hl)));
	fz_put8(o, sp->nsplit);
	for (i = 0; i < sp->nsplit; i++) {
		fz_put16(o, sp->split[i]);
		fz_put8(o, sp->kind[i]);
	}
	fz_put16(o, (uint16_t)len);
	fz_put(o, flat, len);
	rte_pktmbuf_free(m);
}

static void
put_head(struct fz_out *o, uint8_t cfg, uint16_t mtu, uint8_t npkts)
{
	o->n = 0;
	fz_put8(o, cfg);
	fz_put16(o, (uint16_t)(mtu - 68));
	if (cfg & CFG_RECORD) {
		fz_put8(o, OFLD_GSO_L3_ALL);
		fz_put8(o, OFLD_GSO_L4_TCP | OFLD_GSO_L4_TCP_OPTS);
		fz_put32(o, 65536);
		fz_put8(o, 4);
		fz_put8(o, 100);
	}
	fz_put8(o, 255);	/* starve: nothing held back */
	fz_put8(o, (uint8_t)(npkts - 1));
}

int
fuzz_make_seeds(const char *dir)
{
	static struct fz_out o;
	const struct seed_pkt v4 = { .s = { .payload = 3000, .mss = 1000,
		.seq = 1000, .tcp_flags = 0x18 }, .take = 64 };
	const struct seed_pkt v4opts = { .s = { .ip_opts = 12, .tcp_opts = 12,
		.payload = 20000, .mss = 1400, .tcp_flags = 0x99,
		.ip_id = 0xfffe }, .take = 300, .nsplit = 3,
		.split = { 30, 61, 200 }, .kind = { 0x04, 0x09, 0x42 } };
	const struct seed_pkt v6 = { .s = { .ipv6 = true, .payload = 9000,
		.mss = 1440, .tcp_flags = 0x19 }, .take = 100 };
	const struct seed_pkt v6ext = { .s = { .ipv6 = true, .hbh = true,
		.routing = true, .dstopts = true, .tcp_opts = 12,
		.payload = 5000, .mss = 1300 }, .take = 40, .nsplit = 2,
		.split = { 77, 150 }, .kind = { 0x01, 0x02 } };
	const struct seed_pkt uso4 = { .s = { .udp = true, .payload = 4000,
		.mss = 1472 }, .take = 10, .nsplit = 1, .split = { 42 },
		.kind = { 0x05 } };
	const struct seed_pkt uso6 = { .s = { .ipv6 = true, .udp = true,
		.routing = true, .payload = 3000, .mss = 1000 }, .take = 0 };
	const struct seed_pkt plain4 = { .s = { .payload = 200, .mss = 1000 },
		.flags = FB_IPV4 | FB_IP_CKSUM | FB_TCP_CKSUM, .take = 200 };
	const struct seed_pkt plain6 = { .s = { .ipv6 = true, .udp = true,
		.payload = 300, .mss = 1000 }, .flags = FB_IPV6 | FB_UDP_CKSUM,
		.take = 300, .nsplit = 1, .split = { 100 }, .kind = { 0x07 } };
	const struct seed_pkt empty = { .s = { .payload = 0, .mss = 536 } };
	const struct seed_pkt tiny_mss = { .s = { .payload = 3000, .mss = 1 },
		.take = 8 };
	const struct seed_pkt bad_l4 = { .s = { .payload = 3000, .mss = 1000 },
		.take = 20, .l4_delta = 4 };
	const struct seed_pkt jumbo = { .s = { .tcp_opts = 12,
		.payload = 60000, .mss = 8948 }, .take = 0, .nsplit = 4,
		.split = { 1, 2, 3, 4 }, .kind = { 0, 1, 2, 3 } };
	const struct {
		const char *name;
		uint8_t cfg;
		uint16_t mtu;
		const struct seed_pkt *p[MAX_PKTS];
	} seeds[] = {
		{ "tso4", MODE_PAIR, 1500, { &v4 } },
		{ "tso4-opts-chain", MODE_PAIR, 1500, { &v4opts } },
		{ "tso6", MODE_PAIR, 1500, { &v6 } },
		{ "tso6-ext-chain", MODE_PAIR, 1500, { &v6ext } },
		{ "uso4", MODE_PAIR, 1500, { &uso4 } },
		{ "uso6-routing", MODE_PAIR, 1500, { &uso6 } },
		{ "csum4-plain", MODE_PAIR, 1500, { &plain4 } },
		{ "csum6-udp-plain", MODE_PAIR, 1500, { &plain6 } },
		{ "burst-mixed", MODE_PAIR, 1500,
		  { &plain4, &v4opts, &uso4, &plain6 } },
		{ "refused-then-good", MODE_PAIR, 1500, { &bad_l4, &v4 } },
		{ "tso-empty-and-tiny-mss", MODE_PAIR, 1500,
		  { &empty, &tiny_mss } },
		{ "record-jumbo", MODE_PAIR | CFG_RECORD, 9000, { &jumbo } },
		{ "faulty-tso6", MODE_FAULT, 1500, { &v6ext } },
		{ "direct-tso4", MODE_DIRECT, 1500, { &v4opts, &plain4 } },
		{ "direct-lower-uso6", MODE_DIRECT_LOWER, 1500,
		  { &uso6, &v6 } },
		{ "direct-small-pool", MODE_DIRECT | CFG_SMALL_HDR, 1500,
		  { &jumbo } },
	};
	unsigned int i, j, n;

	for (i = 0; i < RTE_DIM(seeds); i++) {
		for (n = 0; n < MAX_PKTS && seeds[i].p[n] != NULL; n++)
			;
		put_head(&o, seeds[i].cfg, seeds[i].mtu, (uint8_t)n);
		for (j = 0; j < n; j++)
			put_pkt(&o, seeds[i].p[j]);
		if (fz_seed_write(dir, seeds[i].name, &o) != 0)
			return -1;
	}
	return 0;
}
