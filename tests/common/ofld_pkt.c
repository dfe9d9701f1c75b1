/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#include "ofld_pkt.h"

#include <stdio.h>
#include <string.h>

/* Addresses of test packets: IPv4 from 198.18.0.0/15, IPv6 from the
 * benchmarking prefix 2001:2::/48 (RFC 5180). They never leave memory.
 */
static const uint8_t ip4_src[4] = { 198, 18, 0, 1 };
static const uint8_t ip4_dst[4] = { 198, 18, 0, 2 };
static const uint8_t ip6_src[16] = { 0x20, 0x01, 0, 2, [15] = 1 };
static const uint8_t ip6_dst[16] = { 0x20, 0x01, 0, 2, [15] = 2 };
static const uint8_t ip6_final[16] = { 0x20, 0x01, 0, 2, [15] = 0x99 };

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

uint16_t
tpkt_ocsum(const uint8_t *b, uint32_t len, uint32_t init)
{
	uint64_t sum = init;
	uint32_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t
l3_len(const struct tpkt_spec *s)
{
	if (!s->ipv6)
		return 20 + s->ip_opts;
	return 40 + (s->hbh ? 8 : 0) + (s->routing ? 40 : 0) +
		(s->dstopts ? 16 : 0);
}

static uint32_t
l4_len(const struct tpkt_spec *s)
{
	return s->udp ? 8 : 20 + s->tcp_opts;
}

uint32_t
tpkt_hdr_len(const struct tpkt_spec *s)
{
	return 14 + l3_len(s) + l4_len(s);
}

static uint8_t
payload_byte(uint32_t i)
{
	return (uint8_t)(i * 7 + (i >> 9) + 1);
}

static uint32_t
build_flat(const struct tpkt_spec *s, uint8_t *b)
{
	uint32_t l3 = l3_len(s), l4 = l4_len(s), off = 14, i, len;
	uint8_t proto = s->udp ? 17 : 6, *ip, *th;

	memset(b, 0, tpkt_hdr_len(s));
	memcpy(b, "\x02\0\0\0\0\x02\x02\0\0\0\0\x01", 12);
	tpkt_put16(b + 12, s->ipv6 ? 0x86dd : 0x0800);
	ip = b + off;
	if (!s->ipv6) {
		ip[0] = 0x40 | (uint8_t)(l3 / 4);
		tpkt_put16(ip + 2, s->ip_tot_len ? s->ip_tot_len :
		      (uint16_t)RTE_MIN(l3 + l4 + s->payload, 65535u));
		tpkt_put16(ip + 4, s->ip_id);
		tpkt_put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = proto;
		tpkt_put16(ip + 10, 0xbeef);	/* wrong on purpose: GSO recomputes */
		memcpy(ip + 12, ip4_src, 4);
		memcpy(ip + 16, ip4_dst, 4);
		if (s->ip_opts >= 12) {
			/* timestamp option: must be copied, never advanced */
			memcpy(ip + 20, "\x44\x0c\x05\x00\x11\x22\x33\x44"
			       "\x55\x66\x77\x88", 12);
			memset(ip + 32, 1, s->ip_opts - 12);
		} else if (s->ip_opts >= 4) {
			memcpy(ip + 20, "\x94\x04\x00\x00", 4); /* router alert */
			memset(ip + 24, 1, s->ip_opts - 4);
		}
	} else {
		uint8_t *e = ip + 40, *last_nh = ip + 6;

		tpkt_put32(ip, 0x60000000 | 0x12345);
		tpkt_put16(ip + 4, (uint16_t)RTE_MIN(l3 - 40 + l4 + s->payload,
						65535u));
		ip[7] = 64;
		memcpy(ip + 8, ip6_src, 16);
		memcpy(ip + 24, ip6_dst, 16);
		if (s->hbh) {
			*last_nh = 0;
			last_nh = e;
			e[1] = 0;
			e[2] = 1;	/* PadN */
			e[3] = 4;
			e += 8;
		}
		if (s->routing) {
			*last_nh = 43;
			last_nh = e;
			e[1] = 4;	/* 4 * 8 + 8 = 40 bytes */
			e[2] = 4;	/* segment routing header */
			e[3] = 1;	/* segments left */
			e[4] = 1;	/* last entry */
			memcpy(e + 8, ip6_final, 16);	/* list[0]: final */
			memcpy(e + 24, ip6_dst, 16);	/* list[1]: active */
			e += 40;
		}
		if (s->dstopts) {
			*last_nh = 60;
			last_nh = e;
			e[1] = 1;
			e[2] = 1;	/* PadN */
			e[3] = 12;
			e += 16;
		}
		*last_nh = proto;
	}
	th = ip + l3;
	tpkt_put16(th, 40000);
	tpkt_put16(th + 2, 5001);
	if (s->udp) {
		tpkt_put16(th + 4, (uint16_t)RTE_MIN(8 + s->payload, 65535u));
		tpkt_put16(th + 6, 0xbeef);
	} else {
		tpkt_put32(th + 4, s->seq);
		tpkt_put32(th + 8, 0x01020304);
		th[12] = (uint8_t)((l4 / 4) << 4);
		th[13] = s->tcp_flags;
		tpkt_put16(th + 14, 0xffff);
		tpkt_put16(th + 16, 0xbeef);
		if (s->tcp_opts >= 12) {
			/* NOP NOP timestamps: copied, never advanced */
			memcpy(th + 20, "\x01\x01\x08\x0a\xde\xad\xbe\xef"
			       "\x00\x00\x00\x07", 12);
			memset(th + 32, 1, s->tcp_opts - 12);
		} else {
			memset(th + 20, 1, s->tcp_opts);
		}
	}
	len = tpkt_hdr_len(s);
	for (i = 0; i < s->payload; i++)
		b[len + i] = payload_byte(i);
	return len + s->payload;
}

struct rte_mbuf *
tpkt_build(struct rte_mempool *mp, const struct tpkt_spec *s, uint8_t *flat)
{
	uint32_t len = build_flat(s, flat), off = 0, k = 0, take;
	struct rte_mbuf *head = NULL, *m;
	uint16_t room;

	while (off < len) {
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		room = rte_pktmbuf_tailroom(m);
		take = s->chain != NULL ? s->chain[k++ % s->chain_n] : 2000;
		take = RTE_MIN(take, (uint32_t)room);
		take = RTE_MIN(take, len - off);
		memcpy(rte_pktmbuf_append(m, take), flat + off, take);
		off += take;
		if (head == NULL)
			head = m;
		else if (rte_pktmbuf_chain(head, m) != 0) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			return NULL;
		}
	}
	head->ol_flags = (s->ipv6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
		(s->udp ? RTE_MBUF_F_TX_UDP_SEG : RTE_MBUF_F_TX_TCP_SEG);
	if (!s->ipv6)
		head->ol_flags |= RTE_MBUF_F_TX_IP_CKSUM;
	head->l2_len = 14;
	head->l3_len = l3_len(s);
	head->l4_len = l4_len(s);
	head->tso_segsz = s->mss;
	return head;
}

#define FAIL(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

int
tpkt_check(const struct tpkt_spec *s, const uint8_t *flat,
	   struct rte_mbuf **segs, int n, bool l4_phdr_only, char *err,
	   size_t errlen)
{
	static uint8_t buf[65536 + 512];
	const uint32_t hl = tpkt_hdr_len(s), l3 = l3_len(s), l4 = l4_len(s);
	const uint32_t l3o = 14, l4o = 14 + l3;
	uint32_t want = s->payload == 0 ? 1 : (s->payload + s->mss - 1) / s->mss;
	uint8_t mask[512];
	uint32_t i, j, plen, pos = 0;
	const uint8_t *b;

	if ((uint32_t)n != want)
		FAIL("%d segments, want %u", n, want);
	/* Header bytes that may differ from the input's. */
	memset(mask, 0, sizeof(mask));
	if (!s->ipv6) {
		mask[l3o + 2] = mask[l3o + 3] = 1;	/* total length */
		mask[l3o + 4] = mask[l3o + 5] = 1;	/* id */
		mask[l3o + 10] = mask[l3o + 11] = 1;	/* checksum */
	} else {
		mask[l3o + 4] = mask[l3o + 5] = 1;	/* payload length */
	}
	if (s->udp) {
		mask[l4o + 4] = mask[l4o + 5] = mask[l4o + 6] = mask[l4o + 7] = 1;
	} else {
		for (j = 4; j < 8; j++)
			mask[l4o + j] = 1;		/* seq */
		mask[l4o + 13] = 1;			/* flags */
		mask[l4o + 16] = mask[l4o + 17] = 1;	/* checksum */
	}

	for (i = 0; i < want; i++) {
		const struct rte_mbuf *m = segs[i];
		bool last = i + 1 == want;
		uint32_t pseudo;

		plen = last ? s->payload - pos : s->mss;
		if (m->pkt_len != hl + plen)
			FAIL("seg %u: %u bytes, want %u", i, m->pkt_len, hl + plen);
		b = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
		if (b == NULL)
			FAIL("seg %u: unreadable chain", i);
		for (j = 0; j < hl; j++)
			if (!mask[j] && b[j] != flat[j])
				FAIL("seg %u: header byte %u is %#x, input %#x",
				     i, j, b[j], flat[j]);
		if (memcmp(b + hl, flat + hl + pos, plen) != 0)
			FAIL("seg %u: payload differs from input [%u, %u)", i,
			     pos, pos + plen);
		if (!s->ipv6) {
			if (tpkt_get16(b + l3o + 2) != l3 + l4 + plen)
				FAIL("seg %u: IPv4 total length %u", i,
				     tpkt_get16(b + l3o + 2));
			if (tpkt_get16(b + l3o + 4) != (uint16_t)(s->ip_id + i))
				FAIL("seg %u: IPv4 id %#x, want %#x", i,
				     tpkt_get16(b + l3o + 4),
				     (uint16_t)(s->ip_id + i));
			if (tpkt_ocsum(b + l3o, l3, 0) != 0xffff)
				FAIL("seg %u: bad IPv4 header checksum", i);
			pseudo = tpkt_ocsum(b + l3o + 12, 8, 0);
		} else {
			if (tpkt_get16(b + l3o + 4) != l3 - 40 + l4 + plen)
				FAIL("seg %u: IPv6 payload length %u", i,
				     tpkt_get16(b + l3o + 4));
			pseudo = tpkt_ocsum(b + l3o + 8, 16, 0);
			/* RFC 8200 8.1: the final destination */
			pseudo = tpkt_ocsum(s->routing ? ip6_final :
					    b + l3o + 24, 16, pseudo);
		}
		pseudo += (s->udp ? 17 : 6) + l4 + plen;
		if (s->udp) {
			if (tpkt_get16(b + l4o + 4) != 8 + plen)
				FAIL("seg %u: UDP length %u", i, tpkt_get16(b + l4o + 4));
		} else {
			uint8_t f = s->tcp_flags & ~(TCP_FIN | TCP_PSH | TCP_CWR);

			if (i == 0)
				f |= s->tcp_flags & TCP_CWR;
			if (last)
				f |= s->tcp_flags & (TCP_FIN | TCP_PSH);
			if (tpkt_get32(b + l4o + 4) != s->seq + i * s->mss)
				FAIL("seg %u: seq %u, want %u", i,
				     tpkt_get32(b + l4o + 4), s->seq + i * s->mss);
			if (b[l4o + 13] != f)
				FAIL("seg %u: TCP flags %#x, want %#x", i,
				     b[l4o + 13], f);
		}
		if (l4_phdr_only) {
			uint16_t field = tpkt_get16(b + l4o + (s->udp ? 6 : 16));

			if (field != tpkt_ocsum(NULL, 0, pseudo))
				FAIL("seg %u: L4 field %#x is not the "
				     "pseudo-header sum %#x", i, field,
				     tpkt_ocsum(NULL, 0, pseudo));
		} else if (tpkt_ocsum(b + l4o, l4 + plen, pseudo) != 0xffff) {
			FAIL("seg %u: bad %s checksum", i, s->udp ? "UDP" : "TCP");
		}
		pos += plen;
	}
	return 0;
}
