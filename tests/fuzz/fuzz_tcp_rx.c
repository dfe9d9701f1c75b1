/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * fuzz_tcp_rx: arbitrary segments into the receive path of a live
 * connection of the TCP send offload engine (offload/tcp, no ethdev).
 *
 * Each input sets up one connection on a long-lived engine: handed over
 * established (optionally with data the previous stack sent unacked),
 * opened actively (SYN sent), or opened by the peer (a listener); posts
 * up to 7 send requests (heap buffers of exactly their size) and lets the
 * engine put data in flight. Then it runs the input's operations:
 * structured frames (the harness builds Ethernet/IPv4 or IPv6/TCP with the
 * connection's 4-tuple and a correct checksum; the input picks flags, seq
 * and ack as offsets from the connection's rcv_nxt and snd_una/snd_max,
 * window, TCP option bytes, payload length, a broken checksum, padding, a
 * chain), raw frames (bytes as they are), polls, and waits of 1.1 ms (at
 * most 2 per input: the engine's clock is the TSC; delayed ACK and RTO
 * are set to fire after that). Frames are fed in batches of up to 8.
 * Finally every connection is terminated, the wire and the events are
 * drained, and the invariants are checked:
 *
 *  - no sanitizer report; the mempool full again (no mbuf leak);
 *  - every request comes back exactly once, in posting order, with
 *    SUCCESS only when all its bytes were acknowledged (T4, T5, T13);
 *  - payload delivered (RECV) is the peer's bytes in order: the harness
 *    sends byte pat(seq) at sequence number seq, whatever the segment;
 *    nothing is delivered after the peer's FIN;
 *  - every frame the engine sends has good IPv4 and TCP checksums, fits
 *    the 1500-byte MTU, and carries the requests' bytes at its seq (T3).
 *
 * Input layout (big-endian; past the end every byte reads 0):
 *   u8  cfg   bits 0-1: 0 handed over, 1 active open, 2 passive open,
 *             3 handed over with unacked data of the previous stack;
 *             bit 2 IPv6, bit 3 timestamps, bit 4 CUBIC, bit 5 keep
 *             sent frames "on the wire" until the end, bit 6 close
 *             after posting, bit 7 small receive window (4 KiB)
 *   u8  nreq (% 8), then nreq x u16 request length (1 + v % 30000)
 *   u8  wscales (low nibble snd % 15, high nibble rcv % 15)
 *   u32 iss, u32 irs, u16 mss (bit 15: SACK permitted when handed
 *   over), u32 snd_wnd
 *   ops until the input ends (at most 64), op byte % 8:
 *     0-4 structured frame: u8 tcp flags, u8 how (bit 0 bad checksum,
 *         bit 1 ack from snd_max, bit 2 timestamp option first, bit 3
 *         two mbufs, bit 4 trailing bytes after the IP packet, bit 5 seq
 *         from irs instead of rcv_nxt, bit 6 a SACK option of two
 *         blocks from snd_una (R2), bit 7 the timestamp steps back by
 *         the split byte: PAWS, R6), u16 seq offset, u16 ack offset
 *         (signed), u16 window, u8 option length (% 41) + bytes, u16
 *         payload length (% 3000), u8 split point / padding, and with
 *         bit 6: 4 x u16 (block starts and lengths from snd_una)
 *     5   poll and drain events
 *     6   wait 1.1 ms, poll (at most twice per input)
 *     7   raw frame: u16 length (% 2048) + bytes
 */

#include <inttypes.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "fuzz.h"
#include "ofld_pkt.h"
#include "ofld_tcp.h"

#define POOL_N		16383
#define MAX_REQS	7
#define MAX_OPS		64
#define BATCH		8
#define WIRE_MAX	4096
#define LISTEN_PORT	80
#define MTU		1500

#define CFG_MODE	0x03
#define CFG_V6		0x04
#define CFG_TS		0x08
#define CFG_CUBIC	0x10
#define CFG_HOLD	0x20
#define CFG_CLOSE	0x40
#define CFG_SMALLWND	0x80

enum { MODE_OFFLOAD, MODE_CONNECT, MODE_LISTEN, MODE_OFFLOAD_UNACKED };

static struct rte_mempool *pool;
static struct ofld_tcp_engine *eng;
static const struct rte_ether_addr local_mac = { { 2, 0, 0, 0, 0xf, 1 } };
static const struct rte_ether_addr remote_mac = { { 2, 0, 0, 0, 0xf, 2 } };
static const uint8_t ip4_local[16] = { 198, 18, 0, 1 };
static const uint8_t ip4_remote[16] = { 198, 18, 0, 2 };
static const uint8_t ip6_local[16] = { 0x20, 1, 0, 2, [15] = 1 };
static const uint8_t ip6_remote[16] = { 0x20, 1, 0, 2, [15] = 2 };

/* What the engine sent, kept or freed as the input says. */
static struct rte_mbuf *wire[WIRE_MAX];
static unsigned int nb_wire;

/* The connection of this input and what is known of it. */
static struct {
	bool v6;
	uint16_t lport, rport;
	bool data_known;	/* iss/irs known: payloads can be checked */
	uint32_t data_base;	/* seq of the first request byte */
	uint32_t rcv_next;	/* seq of the next byte RECV must give */
	struct rte_mbuf *req[MAX_REQS];
	uint32_t req_len[MAX_REQS];
	unsigned int nreq, nb_done;
	uint64_t done_ok_bytes;
	uint32_t tsval;
	bool peer_fin;		/* its PEER_FIN came: no more data */
} cx;

static uint8_t
rx_pat(uint32_t seq)
{
	return (uint8_t)(seq * 7 + (seq >> 8) * 3 + 1);
}

static uint8_t
tx_pat(uint32_t off)
{
	return (uint8_t)(off * 13 + (off >> 10) + 9);
}

/* ---- the engine's side of the wire ------------------------------------ */

/* The options of a segment the engine sends are well formed; a SACK
 * block (R2) is a non-empty range, above the ACK unless it is the first
 * (a D-SACK may lie below it, RFC 2883).
 */
static void
check_options(const uint8_t *th, uint32_t thl)
{
	uint32_t i = 20, k, ack = tpkt_get32(th + 8), a, b;

	while (i < thl) {
		if (th[i] == 0)
			break;
		if (th[i] == 1) {
			i++;
			continue;
		}
		FZ_CHECK(i + 1 < thl && th[i + 1] >= 2 && i + th[i + 1] <= thl,
			 "engine sent a malformed option (kind %u)", th[i]);
		if (th[i] == 5) {
			FZ_CHECK((th[i + 1] - 2) % 8 == 0, "SACK option length");
			for (k = 0; k < (th[i + 1] - 2u) / 8; k++) {
				a = tpkt_get32(th + i + 2 + 8 * k);
				b = tpkt_get32(th + i + 6 + 8 * k);
				FZ_CHECK((int32_t)(b - a) > 0,
					 "empty SACK block %u:%u", a, b);
				FZ_CHECK(k == 0 || (int32_t)(a - ack) > 0,
					 "SACK block %u:%u below the ACK %u",
					 a, b, ack);
			}
		}
		i += th[i + 1];
	}
}

/* A frame the engine sends: checksums, size, and its data bytes. */
static void
check_sent(struct rte_mbuf *m)
{
	static uint8_t buf[16384];
	const uint8_t *b;
	uint32_t l3 = RTE_ETHER_HDR_LEN, l4, thl, plen, seq, i, pseudo;
	bool v6;

	FZ_CHECK(m->pkt_len <= RTE_ETHER_HDR_LEN + MTU,
		 "engine frame of %u bytes over the MTU", m->pkt_len);
	b = rte_pktmbuf_read(m, 0, m->pkt_len, buf);
	FZ_CHECK(b != NULL && m->pkt_len >= l3 + 40, "engine frame unreadable");
	v6 = tpkt_get16(b + 12) == RTE_ETHER_TYPE_IPV6;
	if (v6) {
		l4 = l3 + 40;
		FZ_CHECK(tpkt_get16(b + l3 + 4) == m->pkt_len - l4,
			 "IPv6 payload length");
		pseudo = tpkt_ocsum(b + l3 + 8, 32, 0);
	} else {
		l4 = l3 + (b[l3] & 0xf) * 4u;
		FZ_CHECK(tpkt_get16(b + l3 + 2) == m->pkt_len - l3,
			 "IPv4 total length");
		FZ_CHECK(tpkt_ocsum(b + l3, l4 - l3, 0) == 0xffff,
			 "engine frame: bad IPv4 header checksum");
		pseudo = tpkt_ocsum(b + l3 + 12, 8, 0);
	}
	pseudo += IPPROTO_TCP + m->pkt_len - l4;
	FZ_CHECK(tpkt_ocsum(b + l4, m->pkt_len - l4, pseudo) == 0xffff,
		 "engine frame: bad TCP checksum");
	thl = (b[l4 + 12] >> 4) * 4u;
	FZ_CHECK(thl >= 20 && l4 + thl <= m->pkt_len, "TCP header length");
	check_options(b + l4, thl);
	plen = m->pkt_len - l4 - thl;
	if (plen == 0 || !cx.data_known || tpkt_get16(b + l4) != cx.lport ||
	    (b[l4 + 13] & (RTE_TCP_SYN_FLAG | RTE_TCP_RST_FLAG)))
		return;
	/* T3: the bytes at seq are the requests' bytes at that offset */
	seq = tpkt_get32(b + l4 + 4);
	for (i = 0; i < plen; i++)
		FZ_CHECK(b[l4 + thl + i] == tx_pat(seq + i - cx.data_base),
			 "engine sent wrong data at seq %u (+%u)", seq, i);
}

static void
wire_xmit(void *arg, struct rte_mbuf **f, uint16_t n)
{
	uint16_t i;

	RTE_SET_USED(arg);
	for (i = 0; i < n; i++) {
		check_sent(f[i]);
		if (nb_wire < WIRE_MAX)
			wire[nb_wire++] = f[i];
		else
			rte_pktmbuf_free(f[i]);	/* the wire lost it */
	}
}

static void
wire_free(void)
{
	rte_pktmbuf_free_bulk(wire, nb_wire);
	nb_wire = 0;
}

static int
engine_up(void)
{
	struct ofld_tcp_engine_conf conf = {
		.max_conns = 8,
		.socket = (int)rte_socket_id(),
		.local_mac = local_mac,
		.tx_pool = pool,
		.rx_pool = pool,
		.event_ring_size = 16,	/* small: the overflow FIFO works too */
		.xmit = wire_xmit,
		.delack_us = 1,		/* timers fire at the next scan */
		.min_rto_us = 1,
	};
	struct ofld_tcp_open lo = { .local_port = LISTEN_PORT, .backlog = 4 };

	eng = ofld_tcp_engine_create("fz_tcp", &conf);
	if (eng == NULL)
		return -1;
	if (ofld_tcp_listen(eng, &lo) != 0)
		return -1;
	lo.ipv6 = true;
	return ofld_tcp_listen(eng, &lo) == 0 ? 0 : -1;
}

static void
teardown(void)
{
	wire_free();
	ofld_tcp_engine_free(eng);
	rte_mempool_free(pool);
	rte_eal_cleanup();
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	RTE_SET_USED(argc);
	if (fz_eal_init((*argv)[0]) != 0)
		return -1;
	pool = fz_pool_create("fz_tcp_pool", POOL_N);
	if (pool == NULL || ofld_req_register() != 0 || engine_up() != 0) {
		fprintf(stderr, "fuzz_tcp_rx: set-up failed\n");
		return -1;
	}
	atexit(teardown);
	return 0;
}

/* ---- events ------------------------------------------------------------ */

static void
on_send_done(const struct ofld_tcp_event *ev)
{
	unsigned int k = cx.nb_done;

	FZ_CHECK(k < cx.nreq && ev->m == cx.req[k],
		 "request completed twice, out of order or not ours (T4, T5)");
	FZ_CHECK(ev->bytes <= cx.req_len[k], "acked %u of %u bytes",
		 ev->bytes, cx.req_len[k]);
	FZ_CHECK(ev->status != OFLD_TCP_SUCCESS || ev->bytes == cx.req_len[k],
		 "SUCCESS with %u of %u bytes acked (T13)", ev->bytes,
		 cx.req_len[k]);
	if (ev->status == OFLD_TCP_SUCCESS)
		cx.done_ok_bytes += ev->bytes;
	cx.nb_done++;
	rte_pktmbuf_free(ev->m);
}

static void
on_recv(const struct ofld_tcp_event *ev)
{
	static uint8_t buf[65536];
	const uint8_t *p;
	uint32_t i;

	FZ_CHECK(ev->m != NULL && ev->bytes == ev->m->pkt_len,
		 "RECV of %u bytes in a %u-byte mbuf", ev->bytes,
		 ev->m != NULL ? ev->m->pkt_len : 0);
	FZ_SAY(" RECV %u bytes (expected at seq %u)\n", ev->m->pkt_len,
	       cx.rcv_next);
	if (cx.data_known) {
		FZ_CHECK(!cx.peer_fin, "data delivered after the peer's FIN");
		p = rte_pktmbuf_read(ev->m, 0, ev->m->pkt_len, buf);
		FZ_CHECK(p != NULL, "RECV unreadable");
		for (i = 0; i < ev->m->pkt_len; i++)
			FZ_CHECK(p[i] == rx_pat(cx.rcv_next + i),
				 "delivered byte %u of seq %u is wrong", i,
				 cx.rcv_next);
		cx.rcv_next += ev->m->pkt_len;
	}
	rte_pktmbuf_free(ev->m);
}

static void
events_drain(void)
{
	struct ofld_tcp_event ev[32];
	uint16_t k, i;

	while ((k = ofld_tcp_events(eng, ev, RTE_DIM(ev))) != 0) {
		for (i = 0; i < k; i++) {
			switch (ev[i].kind) {
			case OFLD_TCP_EV_SEND_DONE:
				on_send_done(&ev[i]);
				break;
			case OFLD_TCP_EV_RECV:
				on_recv(&ev[i]);
				break;
			case OFLD_TCP_EV_PEER_FIN:
				cx.peer_fin = true;
				break;
			default:
				FZ_CHECK(ev[i].m == NULL, "event %d with an mbuf",
					 ev[i].kind);
				break;
			}
		}
	}
}

/* ---- the connection ------------------------------------------------------ */

static struct ofld_tcp_conn *found;

static void
find_cb(struct ofld_tcp_conn *c, void *arg)
{
	struct ofld_tcp_state st;

	RTE_SET_USED(arg);
	ofld_tcp_query(c, &st);
	if (found == NULL && st.ipv6 == cx.v6 && st.remote_port == cx.rport)
		found = c;
}

/* The input's connection if it is (still) there. */
static struct ofld_tcp_conn *
conn_now(void)
{
	found = NULL;
	ofld_tcp_foreach(eng, find_cb, NULL);
	return found;
}

static struct rte_mbuf *
request(uint32_t off, uint32_t len)
{
	static uint8_t b[4000];
	struct rte_mbuf *head = NULL, *m;
	uint32_t done = 0, take, i;

	while (done < len) {
		take = RTE_MIN(len - done, (uint32_t)sizeof(b));
		for (i = 0; i < take; i++)
			b[i] = tx_pat(off + done + i);
		m = fz_mbuf(pool, FZ_MB_HEAP, b, (uint16_t)take, 0);
		FZ_CHECK(m != NULL, "request mbuf");
		if (head == NULL)
			head = m;
		else
			FZ_CHECK(rte_pktmbuf_chain(head, m) == 0, "chain");
		done += take;
	}
	return head;
}

static struct ofld_tcp_conn *
conn_setup(struct fz_in *in, uint8_t cfg)
{
	const bool v6 = cfg & CFG_V6;
	struct ofld_tcp_state st;
	struct ofld_tcp_open o;
	struct ofld_tcp_conn *c = NULL;
	uint16_t len[MAX_REQS];
	uint32_t off = 0;
	uint8_t ws;
	uint16_t mss_in;
	unsigned int i;

	memset(&cx, 0, sizeof(cx));
	cx.v6 = v6;
	cx.nreq = fz_u8(in) % (MAX_REQS + 1);
	for (i = 0; i < cx.nreq; i++)
		len[i] = 1 + fz_u16(in) % 30000;
	ws = fz_u8(in);
	memset(&st, 0, sizeof(st));
	st.snd_una = st.snd_nxt = st.snd_max = fz_u32(in);
	st.rcv_nxt = fz_u32(in);
	mss_in = fz_u16(in);
	st.mss = 76 + (mss_in & 0x7fff) % (1461 - 76 - (v6 ? 20 : 0));
	st.sack_ok = (mss_in & 0x8000) != 0;
	st.snd_wnd = fz_u32(in);
	st.snd_wscale = (ws & 0xf) % 15;
	st.rcv_wscale = (ws >> 4) % 15;

	switch (cfg & CFG_MODE) {
	case MODE_OFFLOAD:
	case MODE_OFFLOAD_UNACKED:
		st.ipv6 = v6;
		memcpy(st.local_ip, v6 ? ip6_local : ip4_local, 16);
		memcpy(st.remote_ip, v6 ? ip6_remote : ip4_remote, 16);
		st.local_port = cx.lport = 40000;
		st.remote_port = cx.rport = 5001;
		st.remote_mac = remote_mac;
		if ((cfg & CFG_MODE) == MODE_OFFLOAD_UNACKED)
			st.snd_max = st.snd_una + 5000;
		st.rcv_wnd = (cfg & CFG_SMALLWND) ? 4096 : 1u << 20;
		st.ts_ok = (cfg & CFG_TS) != 0;
		st.srtt_us = 100;	/* RTO ~ 300 us: a wait fires it */
		st.rttvar_us = 50;
		st.cc = (cfg & CFG_CUBIC) ? OFLD_TCP_CC_CUBIC :
			OFLD_TCP_CC_NEWRENO;
		c = ofld_tcp_offload(eng, &st);
		FZ_CHECK(c != NULL, "offload refused a valid state");
		cx.data_known = true;
		cx.data_base = st.snd_una;
		cx.rcv_next = st.rcv_nxt;
		break;
	case MODE_CONNECT:
		memset(&o, 0, sizeof(o));
		o.ipv6 = v6;
		memcpy(o.local_ip, v6 ? ip6_local : ip4_local, 16);
		memcpy(o.remote_ip, v6 ? ip6_remote : ip4_remote, 16);
		o.local_port = cx.lport = 40001;
		o.remote_port = cx.rport = 5002;
		o.remote_mac = remote_mac;
		o.rcv_wnd = (cfg & CFG_SMALLWND) ? 4096 : 0;
		o.no_timestamps = !(cfg & CFG_TS);
		o.cc = (cfg & CFG_CUBIC) ? OFLD_TCP_CC_CUBIC :
			OFLD_TCP_CC_NEWRENO;
		c = ofld_tcp_connect(eng, &o);
		FZ_CHECK(c != NULL, "connect refused");
		break;
	default:	/* passive: the peer's SYN makes the connection */
		cx.lport = LISTEN_PORT;
		cx.rport = 5003;
		cx.nreq = 0;	/* nothing to post to yet */
		return NULL;
	}
	for (i = 0; i < cx.nreq; i++) {
		cx.req[i] = request(off, len[i]);
		cx.req_len[i] = len[i];
		off += len[i];
	}
	if (cx.nreq != 0)
		FZ_CHECK(ofld_tcp_send(c, cx.req, (uint16_t)cx.nreq) == 0,
			 "posting refused");
	if (cfg & CFG_CLOSE)
		ofld_tcp_close(c);
	ofld_tcp_poll(eng);	/* data in flight */
	events_drain();
	if (fz_verbose) {
		ofld_tcp_query(c, &st);
		FZ_SAY(" set up: %s, snd_una %u snd_nxt %u snd_max %u rcv_nxt"
		       " %u\n", ofld_tcp_state_name(c), st.snd_una, st.snd_nxt,
		       st.snd_max, st.rcv_nxt);
	}
	return c;
}

/* ---- frames from the peer -------------------------------------------- */

/* A SACK option of two blocks at offsets from snd_una (R2), if room. */
static uint32_t
put_sack(uint8_t *o, struct fz_in *in, uint32_t una, size_t room)
{
	uint32_t k, start, len;

	if (room < 20) {
		for (k = 0; k < 4; k++)
			fz_u16(in);	/* the same input layout either way */
		return 0;
	}
	memcpy(o, "\x01\x01\x05\x12", 4);
	for (k = 0; k < 2; k++) {
		start = una + fz_u16(in);
		len = fz_u16(in);
		tpkt_put32(o + 4 + 8 * k, start);
		tpkt_put32(o + 8 + 8 * k, start + len);
	}
	return 20;
}

static struct rte_mbuf *
frame_structured(struct fz_in *in)
{
	static uint8_t f[2048 + 256];
	struct ofld_tcp_conn *c = conn_now();
	struct ofld_tcp_state st;
	uint8_t flags = fz_u8(in), how = fz_u8(in), *ip, *th;
	int16_t seq_off = (int16_t)fz_u16(in), ack_off = (int16_t)fz_u16(in);
	uint16_t win = fz_u16(in), plen;
	uint32_t optlen = fz_u8(in) % 41, thl, l3 = RTE_ETHER_HDR_LEN;
	uint32_t l4, seq, ack, i, len, pseudo, extra = 0;
	size_t olen;
	const uint8_t *opt;
	uint8_t sp;
	struct rte_mbuf *m, *m2;

	memset(&st, 0, sizeof(st));
	if (c != NULL)
		ofld_tcp_query(c, &st);
	olen = optlen;
	opt = fz_bytes(in, &olen);
	plen = fz_u16(in) % 3000;
	sp = fz_u8(in);
	seq = ((how & 0x20) && cx.data_known ? cx.rcv_next : st.rcv_nxt) +
		seq_off;
	ack = ((how & 0x02) ? st.snd_max : st.snd_una) + ack_off;

	memset(f, 0, 128);
	memcpy(f, &local_mac, 6);
	memcpy(f + 6, &remote_mac, 6);
	tpkt_put16(f + 12, cx.v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	ip = f + l3;
	l4 = l3 + (cx.v6 ? 40 : 20);
	th = f + l4;
	/* options: a timestamp first if asked, then the input's bytes,
	 * padded with NOPs to a multiple of 4
	 */
	i = 0;
	if ((how & 0x04) && optlen <= 28) {
		memcpy(th + 20, "\x01\x01\x08\x0a", 4);
		/* bit 7: older than the last one (PAWS) */
		cx.tsval = (how & 0x80) ? cx.tsval - sp : cx.tsval + 1;
		tpkt_put32(th + 24, cx.tsval);
		tpkt_put32(th + 28, 0);
		i = 12;
	}
	if (how & 0x40)
		i += put_sack(th + 20 + i, in, st.snd_una, 40 - i - olen);
	memcpy(th + 20 + i, opt, olen);
	i += (uint32_t)olen;
	while (i % 4)
		th[20 + i++] = 1;
	thl = 20 + i;
	if (l4 + thl + plen > 2048)
		plen = (uint16_t)(2048 - l4 - thl);
	len = l4 + thl + plen;
	if (cx.v6) {
		tpkt_put32(ip, 0x60000000);
		tpkt_put16(ip + 4, (uint16_t)(thl + plen));
		ip[6] = IPPROTO_TCP;
		ip[7] = 64;
		memcpy(ip + 8, ip6_remote, 16);
		memcpy(ip + 24, ip6_local, 16);
		pseudo = tpkt_ocsum(ip + 8, 32, 0);
	} else {
		ip[0] = 0x45;
		tpkt_put16(ip + 2, (uint16_t)(20 + thl + plen));
		tpkt_put16(ip + 6, 0x4000);
		ip[8] = 64;
		ip[9] = IPPROTO_TCP;
		memcpy(ip + 12, ip4_remote, 4);
		memcpy(ip + 16, ip4_local, 4);
		tpkt_put16(ip + 10, (uint16_t)~tpkt_ocsum(ip, 20, 0));
		pseudo = tpkt_ocsum(ip + 12, 8, 0);
	}
	tpkt_put16(th, cx.rport);
	tpkt_put16(th + 2, cx.lport);
	tpkt_put32(th + 4, seq);
	tpkt_put32(th + 8, ack);
	th[12] = (uint8_t)((thl / 4) << 4);
	th[13] = flags;
	tpkt_put16(th + 14, win);
	for (i = 0; i < plen; i++)
		th[thl + i] = rx_pat(seq + i);
	pseudo += IPPROTO_TCP + thl + plen;
	tpkt_put16(th + 16, (uint16_t)~tpkt_ocsum(th, thl + plen, pseudo));
	if (how & 0x01)
		th[16] ^= 0x40;		/* a bad checksum */
	if (how & 0x10) {
		extra = sp % 64;	/* Ethernet padding after the packet */
		memset(f + len, 0xee, extra);
	}
	len += extra;
	FZ_SAY(" frame: flags %#x seq %u ack %u win %u options %u payload %u"
	       "%s\n", flags, seq, ack, win, thl - 20, plen,
	       (how & 0x01) ? " (bad checksum)" : "");
	if (!(how & 0x08) || sp % len == 0)
		return fz_mbuf(pool, FZ_MB_HEAP, f, (uint16_t)len, 0);
	/* two mbufs, cut at sp */
	m = fz_mbuf(pool, FZ_MB_HEAP, f, sp % len, 0);
	m2 = fz_mbuf(pool, FZ_MB_HEAP, f + sp % len, (uint16_t)(len - sp % len),
		     0);
	FZ_CHECK(m != NULL && m2 != NULL, "frame mbufs");
	FZ_CHECK(rte_pktmbuf_chain(m, m2) == 0, "chain");
	return m;
}

static void
feed(struct rte_mbuf **b, unsigned int *n)
{
	struct rte_mbuf *rest[BATCH];
	uint16_t k;

	if (*n == 0)
		return;
	k = ofld_tcp_input(eng, b, (uint16_t)*n, rest);
	FZ_CHECK(k <= *n, "input gave back %u of %u", k, *n);
	rte_pktmbuf_free_bulk(rest, k);
	*n = 0;
	events_drain();
}

static void
terminate_cb(struct ofld_tcp_conn *c, void *arg)
{
	struct ofld_tcp_conn **list = arg;
	unsigned int i;

	for (i = 0; list[i] != NULL; i++)
		;
	list[i] = c;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct rte_mbuf *batch[BATCH], *m;
	struct ofld_tcp_conn *all[16];
	struct ofld_tcp_state st;
	unsigned int nb = 0, ops, waits = 0, i;
	uint32_t una_end = 0;
	uint64_t until;
	uint8_t cfg, op;
	size_t len;

	cfg = fz_u8(&in);
	conn_setup(&in, cfg);
	if (!(cfg & CFG_HOLD))
		wire_free();
	for (ops = 0; ops < MAX_OPS && in.n != 0; ops++) {
		op = fz_u8(&in) % 8;
		if (op <= 4 || op == 7) {
			if (op == 7) {
				const uint8_t *raw;

				/* fz_bytes() shortens len: call it first
				 * (argument order is unspecified)
				 */
				len = fz_u16(&in) % 2048;
				raw = fz_bytes(&in, &len);
				m = fz_mbuf(pool, FZ_MB_HEAP, raw,
					    (uint16_t)len, 0);
			} else {
				m = frame_structured(&in);
			}
			FZ_CHECK(m != NULL, "frame mbuf");
			batch[nb++] = m;
			if (nb == BATCH)
				feed(batch, &nb);
			continue;
		}
		feed(batch, &nb);
		if (op == 6 && waits++ < 2) {
			until = rte_get_tsc_cycles() + rte_get_tsc_hz() * 11 /
				10000;
			while (rte_get_tsc_cycles() < until)
				rte_pause();
		}
		ofld_tcp_poll(eng);
		events_drain();
		if (!(cfg & CFG_HOLD))
			wire_free();
	}
	feed(batch, &nb);
	ofld_tcp_poll(eng);
	events_drain();

	/* the end: what the peer acknowledged, then every connection goes */
	m = NULL;
	if (conn_now() != NULL) {
		ofld_tcp_query(found, &st);
		una_end = st.snd_una;
		FZ_SAY(" end: %s, snd_una %u snd_nxt %u snd_max %u rcv_nxt"
		       " %u\n", ofld_tcp_state_name(found), st.snd_una,
		       st.snd_nxt, st.snd_max, st.rcv_nxt);
	}
	wire_free();
	memset(all, 0, sizeof(all));
	ofld_tcp_foreach(eng, terminate_cb, all);
	for (i = 0; all[i] != NULL; i++)
		FZ_CHECK(ofld_tcp_terminate(all[i], &st) == 0, "terminate");
	ofld_tcp_poll(eng);
	events_drain();
	wire_free();
	ofld_tcp_poll(eng);
	events_drain();

	if (fz_verbose) {
		struct ofld_tcp_stats es;

		ofld_tcp_stats_get(eng, &es);
		FZ_SAY(" %u ops, %u connection(s) at the end, %u/%u requests"
		       " done (%" PRIu64 " bytes ok), received up to %u;"
		       " engine totals: segs in %" PRIu64 " out %" PRIu64
		       " retrans %" PRIu64 " rto %" PRIu64 " ooo %" PRIu64
		       " bad_seq %" PRIu64 " csum_bad %" PRIu64 " rst %"
		       PRIu64 " handshakes %" PRIu64 "\n", ops, i,
		       cx.nb_done, cx.nreq, cx.done_ok_bytes, cx.rcv_next,
		       es.segs_in, es.segs_out, es.retrans_segs, es.rto_fired,
		       es.ooo_held, es.bad_seq, es.csum_bad, es.rst_in,
		       es.handshakes);
	}
	FZ_CHECK(ofld_tcp_nb_conns(eng) == 0, "connections left");
	FZ_CHECK(cx.nb_done == cx.nreq, "%u of %u requests came back (T5)",
		 cx.nb_done, cx.nreq);
	if (cx.data_known)
		FZ_CHECK(cx.done_ok_bytes <= (uint32_t)(una_end - cx.data_base),
			 "%" PRIu64 " bytes completed, %u acknowledged (T4)",
			 cx.done_ok_bytes, una_end - cx.data_base);
	fz_pool_check(pool, POOL_N, "after teardown");
	return 0;
}

/* ---- seeds ----------------------------------------------------------- */

struct seed_frame {
	uint8_t flags, how;
	int16_t seq_off, ack_off;
	uint16_t win;
	const char *opt;	/* bytes, NUL-free */
	uint8_t optlen;
	uint16_t plen;
	uint8_t sp;
	uint16_t sack[4];	/* how bit 6: block starts, lengths */
};

/* In a seed's frame list: a poll (op 5) instead of a frame, so that the
 * next frames are built from the state the earlier ones made.
 */
static const struct seed_frame seed_poll;

static void
put_frame(struct fz_out *o, const struct seed_frame *f)
{
	if (f == &seed_poll) {
		fz_put8(o, 5);
		return;
	}
	fz_put8(o, 0);		/* op: structured frame */
	fz_put8(o, f->flags);
	fz_put8(o, f->how);
	fz_put16(o, (uint16_t)f->seq_off);
	fz_put16(o, (uint16_t)f->ack_off);
	fz_put16(o, f->win);
	fz_put8(o, f->optlen);
	fz_put(o, f->opt, f->optlen);
	fz_put16(o, f->plen);
	fz_put8(o, f->sp);
	if (f->how & 0x40)
		for (unsigned int k = 0; k < 4; k++)
			fz_put16(o, f->sack[k]);
}

/* Seeds after this is set hand over connections with SACK permitted. */
static bool seed_sack;

static void
put_setup(struct fz_out *o, uint8_t cfg, unsigned int nreq, uint16_t rlen)
{
	unsigned int i;

	o->n = 0;
	fz_put8(o, cfg);
	fz_put8(o, (uint8_t)nreq);
	for (i = 0; i < nreq; i++)
		fz_put16(o, (uint16_t)(rlen - 1));
	fz_put8(o, 0x77);		/* window scale 7 both ways */
	fz_put32(o, 0xfffff000);	/* iss: wraps soon */
	fz_put32(o, 1000);		/* irs */
	fz_put16(o, (uint16_t)((1460 - 76) | (seed_sack ? 0x8000 : 0)));
	fz_put32(o, 1u << 20);		/* the peer's window, bytes */
}

#define A	RTE_TCP_ACK_FLAG
#define P	RTE_TCP_PSH_FLAG
#define S	RTE_TCP_SYN_FLAG
#define R	RTE_TCP_RST_FLAG
#define F	RTE_TCP_FIN_FLAG
#define MSSWS	"\x02\x04\x05\xb4\x03\x03\x07\x04\x02"

int
fuzz_make_seeds(const char *dir)
{
	static struct fz_out o;
	/* data in order, then an ACK of everything in flight */
	const struct seed_frame data = { A | P, 0, 0, 0, 4096, "", 0, 1000, 0 };
	const struct seed_frame data2 = { A, 0x20, 1000, 0, 4096, "", 0, 1448,
					   0 };
	const struct seed_frame ack_all = { A, 0x02, 0, 0, 4096, "", 0, 0, 0 };
	const struct seed_frame ack_part = { A, 0, 0, 1000, 4096, "", 0, 0, 0 };
	const struct seed_frame dupack = { A, 0, 0, 0, 4096, "", 0, 0, 0 };
	const struct seed_frame ooo = { A, 0x20, 1900, 0, 4096, "", 0, 500, 0 };
	const struct seed_frame hole = { A, 0x20, 0, 0, 4096, "", 0, 1900, 0 };
	const struct seed_frame ts = { A, 0x04, 0, 0, 4096, "", 0, 100, 0 };
	const struct seed_frame rst = { R, 0, 0, 0, 0, "", 0, 0, 0 };
	const struct seed_frame rst_inwin = { R, 0, 100, 0, 0, "", 0, 0, 0 };
	const struct seed_frame syn_est = { S, 0, 0, 0, 4096, "", 0, 0, 0 };
	const struct seed_frame fin = { A | F, 0, 0, 0, 4096, "", 0, 0, 0 };
	const struct seed_frame fin_data = { A | F | P, 0x20, 0, 0, 4096, "",
					     0, 200, 0 };
	const struct seed_frame zero_wnd = { A, 0, 0, 0, 0, "", 0, 0, 0 };
	const struct seed_frame opts = { A, 0x18, 0, 0, 4096,
		"\x01\x05\x0a\x00\x00\x00\x01\x00\x00\x00\x02\x00", 12, 300,
		33 };
	const struct seed_frame badck = { A, 0x01, 0, 0, 4096, "", 0, 100, 0 };
	const struct seed_frame synack = { S | A, 0x04, 0, 0, 65535, MSSWS,
					   9, 0, 0 };
	const struct seed_frame syn = { S, 0x04, 0, 0, 65535, MSSWS, 9, 0, 0 };
	const struct seed_frame hs_ack = { A, 0x04, 0, 0, 4096, "", 0, 0, 0 };
	const struct {
		const char *name;
		uint8_t cfg;
		unsigned int nreq;
		uint16_t rlen;
		const struct seed_frame *f[8];
		uint8_t tail_op;
	} seeds[] = {
		{ "data-in-order", MODE_OFFLOAD, 0, 0, { &data, &data2 }, 5 },
		{ "ack-all", MODE_OFFLOAD, 3, 4000, { &ack_part, &ack_all }, 5 },
		{ "dupacks-fast-retransmit", MODE_OFFLOAD, 4, 8000,
		  { &dupack, &dupack, &dupack, &dupack, &ack_part }, 5 },
		{ "ooo-then-hole", MODE_OFFLOAD | CFG_V6, 1, 3000,
		  { &ooo, &hole, &ack_all }, 5 },
		{ "timestamps", MODE_OFFLOAD | CFG_TS, 2, 2000,
		  { &ts, &ack_all }, 5 },
		{ "rst-exact", MODE_OFFLOAD, 2, 20000, { &rst }, 5 },
		{ "rst-in-window", MODE_OFFLOAD, 1, 100, { &rst_inwin }, 5 },
		{ "syn-on-established", MODE_OFFLOAD_UNACKED, 1, 100,
		  { &syn_est, &ack_all }, 5 },
		{ "peer-fin", MODE_OFFLOAD | CFG_CLOSE, 1, 500,
		  { &fin_data, &ack_all }, 5 },
		{ "fin-alone", MODE_OFFLOAD | CFG_V6 | CFG_CUBIC, 0, 0,
		  { &fin }, 5 },
		{ "zero-window-persist", MODE_OFFLOAD | CFG_HOLD, 2, 30000,
		  { &zero_wnd }, 6 },
		{ "options-chain-pad", MODE_OFFLOAD | CFG_SMALLWND, 1, 10,
		  { &opts, &badck }, 5 },
		{ "rto", MODE_OFFLOAD | CFG_CUBIC, 5, 10000, { &ack_part }, 6 },
		{ "connect-synack", MODE_CONNECT | CFG_TS, 2, 3000,
		  { &synack, &seed_poll, &ack_all }, 5 },
		{ "connect-v6-rst", MODE_CONNECT | CFG_V6, 1, 10,
		  { &rst }, 5 },
		{ "listen-syn-ack-data", MODE_LISTEN | CFG_TS, 0, 0,
		  { &syn, &seed_poll, &hs_ack, &data }, 5 },
		{ "listen-v6-syn", MODE_LISTEN | CFG_V6, 0, 0, { &syn }, 6 },
	};
	unsigned int i, j;

	for (i = 0; i < RTE_DIM(seeds); i++) {
		put_setup(&o, seeds[i].cfg, seeds[i].nreq, seeds[i].rlen);
		for (j = 0; j < RTE_DIM(seeds[i].f) && seeds[i].f[j]; j++)
			put_frame(&o, seeds[i].f[j]);
		fz_put8(&o, seeds[i].tail_op);
		if (fz_seed_write(dir, seeds[i].name, &o) != 0)
			return -1;
	}
	/* SACK (R2, R3): blocks above a hole, a D-SACK below snd_una, a
	 * reneging one; PAWS (R6): a timestamp that steps back
	 */
	seed_sack = true;
	{
		const struct seed_frame sack1 = { A, 0x40, 0, 0, 4096, "", 0,
			0, 0, { 1384, 2768, 5536, 1384 } };
		const struct seed_frame sack2 = { A, 0x40, 0, 0, 4096, "", 0,
			0, 0, { 1384, 5536, 8304, 1384 } };
		const struct seed_frame dsack = { A, 0x42, 0, 0, 4096, "", 0,
			0, 0, { 65000, 500, 1384, 1384 } };
		const struct seed_frame paws = { A | P, 0x84, 0, 0, 4096, "", 0,
			200, 5 };
		const struct seed_frame *sf[][6] = {
			{ &sack1, &sack1, &sack2, &seed_poll, &ack_all },
			{ &sack1, &dsack, &ack_all },
			{ &ts, &paws, &data },
		};
		const char *names[] = { "sack-holes", "dsack", "paws" };
		const uint8_t cfgs[] = { MODE_OFFLOAD, MODE_OFFLOAD | CFG_CUBIC,
					 MODE_OFFLOAD | CFG_TS };

		for (i = 0; i < RTE_DIM(sf); i++) {
			put_setup(&o, cfgs[i], 6, 9000);
			for (j = 0; j < RTE_DIM(sf[i]) && sf[i][j]; j++)
				put_frame(&o, sf[i][j]);
			fz_put8(&o, 6);	/* a wait: RACK's timer, the RTO */
			fz_put8(&o, 5);
			if (fz_seed_write(dir, names[i], &o) != 0)
				return -1;
		}
	}
	seed_sack = false;
	/* a raw frame: an IPv4 TCP segment of nobody's */
	put_setup(&o, MODE_OFFLOAD, 0, 0);
	fz_put8(&o, 7);
	fz_put16(&o, 54);
	fz_put(&o, "\x02\0\0\0\x0f\x01\x02\0\0\0\x0f\x02\x08\x00"
	       "\x45\0\0\x28\0\0\x40\0\x40\x06\0\0\xc6\x12\0\x02\xc6\x12\0\x01"
	       "\x13\x89\x9c\x40\0\0\0\x01\0\0\0\x01\x50\x10\x10\0\0\0\0\0",
	       54);
	return fz_seed_write(dir, "raw-not-ours", &o);
}
