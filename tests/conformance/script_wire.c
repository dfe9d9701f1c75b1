/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The conformance runner's wire (issue 13): the frames of `<` lines built
 * from their relative numbers (payload from the peer's pattern, valid
 * checksums), the engine's frames decoded and checked (addresses, IPv4
 * DF and ID range (T14), checksums, payload equal to what `send` posted),
 * compared with `>` lines, and both written back as script text.
 */

#include <stdio.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_tcp.h>

#include "ofld_pkt.h"
#include "ofld_test.h"
#include "tcp_script.h"

/* ---- inbound ---- */

static int
opt_size(const struct scr_opt *x)
{
	static const uint8_t sz[] = { [SO_EOL] = 1, [SO_NOP] = 1,
		[SO_MSS] = 4, [SO_WSCALE] = 3, [SO_SACKOK] = 2,
		[SO_TS] = 10 };

	return x->kind == SO_SACK ? 2 + 8 * x->nblocks : sz[x->kind];
}

/* Option bytes of a `<` line, NOP-padded to 4; length or -1. */
static int
opts_build(struct scr_run *r, const struct scr_seg *g, uint8_t *o)
{
	int n = 0, i, b;

	for (i = 0; i < g->nopts; i++) {
		const struct scr_opt *x = &g->opts[i];
		uint32_t ecr = x->b;

		if (n + opt_size(x) > 40)
			return scr_fail(r, "options: more than 40 bytes");
		switch (x->kind) {
		case SO_EOL: case SO_NOP:
			o[n++] = (uint8_t)x->kind;
			break;
		case SO_MSS:
			o[n++] = 2; o[n++] = 4;
			tpkt_put16(o + n, (uint16_t)x->a);
			n += 2;
			break;
		case SO_WSCALE:
			o[n++] = 3; o[n++] = 3; o[n++] = (uint8_t)x->a;
			break;
		case SO_SACKOK:
			o[n++] = 4; o[n++] = 2;
			break;
		case SO_SACK:
			o[n++] = 5; o[n++] = (uint8_t)(2 + 8 * x->nblocks);
			for (b = 0; b < x->nblocks; b++, n += 8) {
				tpkt_put32(o + n, r->iss + x->blk[b][0]);
				tpkt_put32(o + n + 4, r->iss + x->blk[b][1]);
			}
			break;
		case SO_TS:
			if (x->wild_a)
				return scr_fail(r, "inbound TS val wants a number");
			if (x->wild_b && !r->have_tsval)
				return scr_fail(r, "ecr *: no TSval of ours seen yet");
			if (x->wild_b)
				ecr = r->last_tsval;
			o[n++] = 8; o[n++] = 10;
			tpkt_put32(o + n, x->a);
			tpkt_put32(o + n + 4, ecr);
			n += 8;
			break;
		}
	}
	while (n % 4 != 0)
		o[n++] = 1;
	return n;
}

void
scr_wire_addrs(const struct scr_run *r, uint8_t *ours, uint8_t *peer)
{
	static const uint8_t v6a[16] = { 0x20, 0x01, 0, 2, [15] = 1 };
	static const uint8_t v6b[16] = { 0x20, 0x01, 0, 2, [15] = 2 };
	static const uint8_t v4a[4] = { 198, 18, 0, 1 };
	static const uint8_t v4b[4] = { 198, 18, 0, 2 };

	memcpy(ours, r->v6 ? v6a : v4a, r->v6 ? 16 : 4);
	memcpy(peer, r->v6 ? v6b : v4b, r->v6 ? 16 : 4);
}

static const struct rte_ether_addr peer_mac = {
	.addr_bytes = { 2, 0, 0, 0, 0, 2 } };

/* Ethernet and IP headers of an inbound frame; the TCP header's offset. */
static uint32_t
l2l3_build(struct scr_run *r, uint8_t *p, uint32_t l4len)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	uint8_t ours[16], peer[16];

	scr_wire_addrs(r, ours, peer);
	rte_ether_addr_copy(&r->conf.local_mac, &eth->dst_addr);
	rte_ether_addr_copy(&peer_mac, &eth->src_addr);
	p += RTE_ETHER_HDR_LEN;
	if (r->v6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)p;

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip6->vtc_flow = rte_cpu_to_be_32(0x60000000);
		ip6->payload_len = rte_cpu_to_be_16((uint16_t)l4len);
		ip6->proto = IPPROTO_TCP;
		ip6->hop_limits = 64;
		memcpy(&ip6->src_addr, peer, 16);
		memcpy(&ip6->dst_addr, ours, 16);
		return RTE_ETHER_HDR_LEN + 40;
	}
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;

	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + l4len));
	ip->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	memcpy(&ip->src_addr, peer, 4);
	memcpy(&ip->dst_addr, ours, 4);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return RTE_ETHER_HDR_LEN + 20;
}

/* The flat frame p of tot bytes into a chain of the pool's mbufs (a
 * jumbo segment takes several, as a NIC's scattered receive would); NULL
 * + r->err when the pool runs dry.
 */
static struct rte_mbuf *
frame_chain(struct scr_run *r, const uint8_t *p, uint32_t tot)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t off = 0, n;
	char *d;

	while (off < tot) {
		m = rte_pktmbuf_alloc(r->pool);
		n = m != NULL ? RTE_MIN(tot - off,
					(uint32_t)rte_pktmbuf_tailroom(m)) : 0;
		d = n != 0 ? rte_pktmbuf_append(m, (uint16_t)n) : NULL;
		if (d == NULL || (head != NULL && rte_pktmbuf_chain(head, m))) {
			rte_pktmbuf_free(m);
			rte_pktmbuf_free(head);
			scr_fail(r, "no mbuf for a %u-byte inbound frame", tot);
			return NULL;
		}
		memcpy(d, p + off, n);
		if (head == NULL)
			head = m;
		off += n;
	}
	return head;
}

struct rte_mbuf *
scr_wire_build(struct scr_run *r, const struct scr_seg *g)
{
	uint8_t opt[64], *p = r->in_flat;
	int ol = opts_build(r, g, opt);
	uint32_t l4, thl = 20 + (uint32_t)ol, tot, i, off;
	struct rte_tcp_hdr *th;

	if (ol < 0)
		return NULL;
	if ((g->flags & RTE_TCP_ACK_FLAG) && !r->iss_known) {
		scr_fail(r, "an inbound ACK before our ISS is known");
		return NULL;
	}
	tot = RTE_ETHER_HDR_LEN + (r->v6 ? 40 : 20) + thl + g->len;
	if (tot > 65535 || tot > sizeof(r->in_flat)) {
		scr_fail(r, "a %u-byte inbound frame: too long for IP", tot);
		return NULL;
	}
	memset(p, 0, tot);
	l4 = l2l3_build(r, p, thl + g->len);
	th = (struct rte_tcp_hdr *)(p + l4);
	th->src_port = rte_cpu_to_be_16(r->peer_port);
	th->dst_port = rte_cpu_to_be_16(r->our_port);
	th->sent_seq = rte_cpu_to_be_32(r->peer_isn + g->seq);
	th->recv_ack = rte_cpu_to_be_32(g->has_ack ? r->iss + g->ack : 0);
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = g->flags;
	th->rx_win = rte_cpu_to_be_16((uint16_t)(g->has_win ? g->win : 65535));
	memcpy(th + 1, opt, (size_t)ol);
	/* payload: the peer's stream at its offset (data starts at 1) */
	off = g->seq - ((g->flags & RTE_TCP_SYN_FLAG) ? 0 : 1);
	for (i = 0; i < g->len; i++)
		p[l4 + thl + i] = ofld_test_stream_byte((uint32_t)(off + i),
							SCR_PEER_KEY);
	if (r->v6)
		th->cksum = rte_ipv6_udptcp_cksum((void *)(p + RTE_ETHER_HDR_LEN),
						  th);
	else
		th->cksum = rte_ipv4_udptcp_cksum((void *)(p + RTE_ETHER_HDR_LEN),
						  th);
	return frame_chain(r, p, tot);
}

/* ---- outbound ---- */

static int
opts_decode(struct scr_run *r, const uint8_t *o, uint32_t n)
{
	struct scr_frame *f = &r->fr;
	uint32_t i = 0, len, b;

	f->nopts = 0;
	while (i < n && f->nopts < SCR_MAX_OPTS) {
		struct scr_opt *x = &f->opts[f->nopts++];

		memset(x, 0, sizeof(*x));
		x->kind = o[i];
		if (o[i] == SO_EOL || o[i] == SO_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || i + o[i + 1] > n)
			return scr_fail(r, "malformed option at byte %u", i);
		len = o[i + 1];
		if (o[i] == SO_MSS && len == 4) {
			x->a = tpkt_get16(o + i + 2);
		} else if (o[i] == SO_WSCALE && len == 3) {
			x->a = o[i + 2];
		} else if (o[i] == SO_TS && len == 10) {
			x->a = tpkt_get32(o + i + 2);
			x->b = tpkt_get32(o + i + 6);
			r->last_tsval = x->a;
			r->have_tsval = true;
		} else if (o[i] == SO_SACK && len >= 10 && (len - 2) % 8 == 0 &&
			   len <= 34) {
			x->nblocks = (uint8_t)((len - 2) / 8);
			for (b = 0; b < x->nblocks; b++) {
				x->blk[b][0] = tpkt_get32(o + i + 2 + 8 * b);
				x->blk[b][1] = tpkt_get32(o + i + 6 + 8 * b);
			}
		} else if (o[i] != SO_SACKOK || len != 2) {
			x->kind = SO_OTHER;
			x->a = o[i];
			x->b = len;
		}
		i += len;
	}
	return 0;
}

/* IP header checks; the TCP header's offset, or 0 + r->err. */
static uint32_t
l3_decode(struct scr_run *r, const uint8_t *p, uint32_t len)
{
	uint8_t ours[16], peer[16];
	uint16_t type = tpkt_get16(p + 12);
	const uint8_t *ip = p + RTE_ETHER_HDR_LEN;

	scr_wire_addrs(r, ours, peer);
	if (type != (r->v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4) ||
	    len < RTE_ETHER_HDR_LEN + (r->v6 ? 60 : 40))
		return scr_fail(r, "not a TCP/IPv%d frame", r->v6 ? 6 : 4), 0;
	if (r->v6) {
		if (ip[6] != IPPROTO_TCP || memcmp(ip + 8, ours, 16) != 0 ||
		    memcmp(ip + 24, peer, 16) != 0 ||
		    tpkt_get16(ip + 4) != len - RTE_ETHER_HDR_LEN - 40)
			return scr_fail(r, "IPv6 header wrong"), 0;
		return RTE_ETHER_HDR_LEN + 40;
	}
	if (ip[0] != 0x45 || ip[9] != IPPROTO_TCP ||
	    memcmp(ip + 12, ours, 4) != 0 || memcmp(ip + 16, peer, 4) != 0 ||
	    tpkt_get16(ip + 2) != len - RTE_ETHER_HDR_LEN)
		return scr_fail(r, "IPv4 header wrong"), 0;
	if (tpkt_ocsum(ip, 20, 0) != 0xffff)
		return scr_fail(r, "IPv4 header checksum wrong"), 0;
	/* T14: DF, IDs 0x8000..0xffff */
	if (!(ip[6] & 0x40) || !(ip[4] & 0x80))
		return scr_fail(r, "T14: IPv4 DF or ID range (id 0x%04x)",
				tpkt_get16(ip + 4)), 0;
	return RTE_ETHER_HDR_LEN + 20;
}

int
scr_wire_decode(struct scr_run *r, const struct rte_mbuf *m)
{
	struct scr_frame *f = &r->fr;
	const uint8_t *p, *th;
	uint32_t l4, thl, len = m->pkt_len;

	if (len > sizeof(f->flat) || len < RTE_ETHER_HDR_LEN + 40)
		return scr_fail(r, "a %u-byte frame", len);
	p = rte_pktmbuf_read(m, 0, len, f->flat);
	if (p != f->flat)
		memcpy(f->flat, p, len);
	p = f->flat;
	if (memcmp(p, &peer_mac, 6) != 0 ||
	    memcmp(p + 6, &r->conf.local_mac, 6) != 0)
		return scr_fail(r, "Ethernet addresses wrong");
	l4 = l3_decode(r, p, len);
	if (l4 == 0)
		return -1;
	th = p + l4;
	thl = (uint32_t)(th[12] >> 4) * 4;
	if (thl < 20 || l4 + thl > len)
		return scr_fail(r, "TCP header length %u", thl);
	if (tpkt_get16(th) != r->our_port || tpkt_get16(th + 2) != r->peer_port)
		return scr_fail(r, "ports %u > %u", tpkt_get16(th),
				tpkt_get16(th + 2));
	if ((r->v6 ? rte_ipv6_udptcp_cksum_verify((const void *)(p + 14), th) :
	     rte_ipv4_udptcp_cksum_verify((const void *)(p + 14), th)) != 0)
		return scr_fail(r, "TCP checksum wrong");
	f->ipv6 = r->v6;
	f->seq = tpkt_get32(th + 4);
	f->ack = tpkt_get32(th + 8);
	f->flags = th[13];
	f->win = tpkt_get16(th + 14);
	f->len = len - l4 - thl;
	f->payload = th + thl;
	return opts_decode(r, th + 20, thl - 20);
}

/* ---- matching ---- */

static bool
opt_eq(const struct scr_run *r, const struct scr_opt *w,
       const struct scr_opt *g)
{
	uint8_t b;

	if (w->kind != g->kind)
		return false;
	if (w->kind == SO_SACK) {
		if (w->nblocks != g->nblocks)
			return false;
		for (b = 0; b < w->nblocks; b++)
			if (g->blk[b][0] - r->peer_isn != w->blk[b][0] ||
			    g->blk[b][1] - r->peer_isn != w->blk[b][1])
				return false;
		return true;
	}
	return (w->wild_a || w->a == g->a) && (w->wild_b || w->b == g->b);
}

/* Payload bytes equal to what `send` posted at their offset. */
static int
payload_check(struct scr_run *r, uint32_t rel)
{
	const struct scr_frame *f = &r->fr;
	uint32_t i, off = rel - 1;

	for (i = 0; i < f->len; i++)
		if (f->payload[i] != ofld_test_stream_byte(
				(uint32_t)(off + i), SCR_OUR_KEY))
			return scr_fail(r, "payload byte %u (stream offset %u) "
					"differs from what was posted", i,
					off + i);
	return 0;
}

int
scr_wire_match(struct scr_run *r, const struct scr_seg *g)
{
	const struct scr_frame *f = &r->fr;
	uint32_t rel;
	int i;

	if ((!r->iss_known || r->iss_relearn) &&
	    (f->flags & RTE_TCP_SYN_FLAG)) {
		r->iss = f->seq - g->seq;	/* our ISS, from our SYN */
		r->iss_known = true;
		r->iss_relearn = false;
	}
	if (!r->iss_known)
		return scr_fail(r, "our ISS is not known (no SYN seen yet)");
	rel = f->seq - r->iss;
	if (f->flags != g->flags || rel != g->seq || f->len != g->len)
		return -1;
	if (g->has_ack && (!(f->flags & RTE_TCP_ACK_FLAG) ||
			   f->ack - r->peer_isn != g->ack))
		return -1;
	if (g->has_win && f->win != g->win)
		return -1;
	if (g->has_opts) {
		if (f->nopts != g->nopts)
			return -1;
		for (i = 0; i < g->nopts; i++)
			if (!opt_eq(r, &g->opts[i], &f->opts[i]))
				return -1;
	}
	return payload_check(r, rel);
}

/* ---- text ---- */

static int
fmt_flags(uint8_t fl, char *b)
{
	static const struct { uint8_t bit; char c; } order[] = {
		{ RTE_TCP_SYN_FLAG, 'S' }, { RTE_TCP_FIN_FLAG, 'F' },
		{ RTE_TCP_RST_FLAG, 'R' }, { RTE_TCP_PSH_FLAG, 'P' },
		{ RTE_TCP_URG_FLAG, 'U' }, { RTE_TCP_ECE_FLAG, 'E' },
		{ RTE_TCP_CWR_FLAG, 'W' }, { RTE_TCP_ACK_FLAG, '.' },
	};
	unsigned int i;
	int n = 0;

	for (i = 0; i < RTE_DIM(order); i++)
		if (fl & order[i].bit)
			b[n++] = order[i].c;
	b[n] = '\0';
	return n;
}

static void
num(char *b, size_t len, bool wild, uint32_t v)
{
	if (wild)
		snprintf(b, len, "*");
	else
		snprintf(b, len, "%u", v);
}

/* One option; sack blocks are made relative by base. */
static int
fmt_opt(const struct scr_opt *o, uint32_t base, char *b, size_t len)
{
	char x[16], y[16];
	int n = 0, k;

	num(x, sizeof(x), o->wild_a, o->a);
	num(y, sizeof(y), o->wild_b, o->b);
	switch (o->kind) {
	case SO_EOL: return snprintf(b, len, "eol");
	case SO_NOP: return snprintf(b, len, "nop");
	case SO_SACKOK: return snprintf(b, len, "sackOK");
	case SO_MSS: return snprintf(b, len, "mss %s", x);
	case SO_WSCALE: return snprintf(b, len, "wscale %s", x);
	case SO_TS: return snprintf(b, len, "TS val %s ecr %s", x, y);
	case SO_SACK:
		n = snprintf(b, len, "sack");
		for (k = 0; k < o->nblocks && (size_t)n < len; k++)
			n += snprintf(b + n, len - (size_t)n, " %u:%u",
				      o->blk[k][0] - base, o->blk[k][1] - base);
		return n;
	default:
		return snprintf(b, len, "opt %u len %u", o->a, o->b);
	}
}

static void
fmt_seg(char *buf, size_t len, uint8_t flags, uint32_t seq, uint32_t dlen,
	const char *ack, const char *win, const struct scr_opt *o, int nopt,
	bool has_opts, uint32_t sack_base)
{
	char fl[16];
	int n, i;

	fmt_flags(flags, fl);
	n = snprintf(buf, len, "%s %u:%u(%u)%s%s", fl, seq, seq + dlen, dlen,
		     ack, win);
	if (!has_opts || (size_t)n >= len)
		return;
	n += snprintf(buf + n, len - (size_t)n, " <");
	for (i = 0; i < nopt && (size_t)n < len; i++) {
		if (i > 0)
			n += snprintf(buf + n, len - (size_t)n, ",");
		if ((size_t)n < len)
			n += fmt_opt(&o[i], sack_base, buf + n, len - (size_t)n);
	}
	if ((size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ">");
}

void
scr_wire_fmt_spec(const struct scr_run *r, const struct scr_seg *g, bool out,
		  char *buf, size_t len)
{
	char ack[24] = "", win[24] = "";

	RTE_SET_USED(r);
	RTE_SET_USED(out);
	if (g->has_ack)
		snprintf(ack, sizeof(ack), " ack %u", g->ack);
	if (g->has_win)
		snprintf(win, sizeof(win), " win %u", g->win);
	fmt_seg(buf, len, g->flags, g->seq, g->len, ack, win, g->opts,
		g->nopts, g->has_opts, 0);
}

void
scr_wire_fmt_frame(const struct scr_run *r, char *buf, size_t len)
{
	const struct scr_frame *f = &r->fr;
	char ack[24] = "", win[24];

	if (f->flags & RTE_TCP_ACK_FLAG)
		snprintf(ack, sizeof(ack), " ack %u", f->ack - r->peer_isn);
	snprintf(win, sizeof(win), " win %u", f->win);
	fmt_seg(buf, len, f->flags, f->seq - (r->iss_known ? r->iss : 0),
		f->len, ack, win, f->opts, f->nopts, f->nopts != 0, r->peer_isn);
}
