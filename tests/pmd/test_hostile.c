/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Hostile peers (issue 7). Two net_ofld ports on a pair cable, the TCP
 * engine on both. Port a holds the connections under attack; the test
 * plays their peer by hand: it injects crafted segments with
 * rte_eth_tx_burst() on port b and reads what a answers with
 * rte_eth_rx_burst() on b (segments of no connection of b's engine come
 * out there). Meanwhile a well-behaved bystander connection (a -> b,
 * both engines) keeps transferring, and every byte of it is checked.
 *
 * Each attack must be survived (no crash, the victim stays usable where
 * the rules say so), answered as RFC 9293 / RFC 5961 say, counted in the
 * port's xstats, bounded in what it makes us send and hold, and must not
 * stall the bystander. At the end: every mempool full, the DPDK heap back
 * to where it was, the bystander's stream byte-exact.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>

#include "ofld_test.h"
#include "rte_pmd_ofld.h"

#define POOL_SIZE	(64 * 1024 - 1)
#define CAP_MAX		65536
#define BYST_BYTES	(96ull << 20)
#define BYST_REQ	(256u * 1024)
#define WIN		65535u

/* DPDK 22.11's RTE_IPV4() shifts an int into the sign bit (UBSan) */
#define IP4(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define IP_A	IP4(198, 18, 0, 1)
#define IP_F	IP4(198, 18, 0, 3)	/* the hand-played peer */
#define PORT_F	5001

static struct rte_mempool *pool;
static int pa = -1, pb = -1;
static struct rte_ether_addr mac_a, mac_b;
static struct rte_malloc_socket_stats heap0;
static bool heap0_taken;

/* What port a sent to the hand-played peer. */
struct seen {
	uint32_t src_ip;
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t win;
};
static struct seen cap[CAP_MAX];
static uint32_t ncap;

/* The bystander: a -> b, posted on a, received on b. */
static struct {
	struct ofld_tcp_conn *ca, *cb;
	uint64_t posted, done_bytes, received, bad_data, bad_status;
	uint64_t nb_posted, nb_done;
} by;

/* Events of the connections under attack, by cookie. */
#define COOKIE_BY	1
#define COOKIE_LISTEN	3
#define COOKIE_V	100
static struct {
	uint32_t done[16], aborted[16], closed[16];
	struct ofld_tcp_conn *accepted;
	uint32_t nb_accepted;
} vev;

/* ---- the hand-played peer's segments ---------------------------------- */

struct seg {
	uint32_t src_ip;	/* default IP_F */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t win;
	const uint8_t *opt;	/* padded by craft() to a multiple of 4 */
	uint8_t optlen;
	uint16_t len;		/* payload bytes (pattern) */
};

static struct rte_mbuf *
craft(const struct seg *s)
{
	uint8_t optlen = (uint8_t)RTE_ALIGN_CEIL(s->optlen, 4);
	uint32_t thl = 20 + optlen;
	uint32_t tot = RTE_ETHER_HDR_LEN + 20 + thl + s->len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	struct rte_ether_hdr *eth;
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint8_t *p;
	uint32_t i;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)tot);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, tot);
	eth = (struct rte_ether_hdr *)p;
	rte_ether_addr_copy(&mac_a, &eth->dst_addr);
	rte_ether_addr_copy(&mac_b, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	ip = (struct rte_ipv4_hdr *)(eth + 1);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(20 + thl + s->len));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	ip->src_addr = rte_cpu_to_be_32(s->src_ip != 0 ? s->src_ip : IP_F);
	ip->dst_addr = rte_cpu_to_be_32(IP_A);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th = (struct rte_tcp_hdr *)(ip + 1);
	th->src_port = rte_cpu_to_be_16(s->sport != 0 ? s->sport : PORT_F);
	th->dst_port = rte_cpu_to_be_16(s->dport);
	th->sent_seq = rte_cpu_to_be_32(s->seq);
	th->recv_ack = rte_cpu_to_be_32(s->ack);
	th->data_off = (uint8_t)((thl / 4) << 4);
	th->tcp_flags = s->flags;
	th->rx_win = rte_cpu_to_be_16(s->win);
	if (s->optlen != 0)
		memcpy(th + 1, s->opt, s->optlen);
	for (i = 0; i < s->len; i++)
		p[tot - s->len + i] = ofld_test_stream_byte(i, 0);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	return m;
}

/* Inject n copies of s (seq advanced by step each), in bursts. */
static void
inject(const struct seg *s, uint32_t n, uint32_t step, uint16_t port_step)
{
	struct rte_mbuf *m[32];
	struct seg c = *s;
	uint32_t i = 0;
	uint16_t k;

	while (i < n) {
		for (k = 0; k < RTE_DIM(m) && i < n; k++, i++) {
			m[k] = craft(&c);
			CU_ASSERT_FATAL(m[k] != NULL);
			c.seq += step;
			c.sport = (uint16_t)(c.sport + port_step);
			if (port_step != 0 && c.sport == 0)
				c.src_ip++;	/* ports wrapped: next address */
		}
		CU_ASSERT_EQUAL(ofld_test_tx_all((uint16_t)pb, 0, m, k), k);
	}
}

/* ---- the application's loop ------------------------------------------- */

static void
record(struct rte_mbuf *m)
{
	uint8_t buf[RTE_ETHER_HDR_LEN + 20 + 20];
	const uint8_t *p = rte_pktmbuf_read(m, 0, sizeof(buf), buf);
	const struct rte_ipv4_hdr *ip;
	const struct rte_tcp_hdr *th;
	struct seen *s;

	if (p == NULL || ncap == CAP_MAX)
		return;
	ip = (const struct rte_ipv4_hdr *)(p + RTE_ETHER_HDR_LEN);
	if (((const struct rte_ether_hdr *)p)->ether_type !=
	    rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4) ||
	    ip->next_proto_id != IPPROTO_TCP || ip->ihl != 5)
		return;
	th = (const struct rte_tcp_hdr *)(ip + 1);
	s = &cap[ncap++];
	s->src_ip = rte_be_to_cpu_32(ip->src_addr);
	s->sport = rte_be_to_cpu_16(th->src_port);
	s->dport = rte_be_to_cpu_16(th->dst_port);
	s->flags = th->tcp_flags;
	s->seq = rte_be_to_cpu_32(th->sent_seq);
	s->ack = rte_be_to_cpu_32(th->recv_ack);
	s->win = rte_be_to_cpu_16(th->rx_win);
	s->len = rte_be_to_cpu_16(ip->total_length) - 20 -
		 (th->data_off >> 4) * 4;
}

static void
bystander_post(void)
{
	struct rte_mbuf *m;
	uint32_t len;

	while (by.posted < BYST_BYTES && by.posted - by.done_bytes < 8 * BYST_REQ) {
		len = (uint32_t)RTE_MIN((uint64_t)BYST_REQ, BYST_BYTES - by.posted);
		m = ofld_test_stream_chain(pool, by.posted, len, 0, 0);
		if (m == NULL)
			return;
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(by.ca, &m, 1), 0);
		by.posted += len;
		by.nb_posted++;
	}
}

static void
events(void)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;
	uint32_t v;

	while ((k = rte_pmd_ofld_tcp_events((uint16_t)pa, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			if (ev[i].conn_cookie == COOKIE_BY &&
			    ev[i].kind == OFLD_TCP_EV_SEND_DONE) {
				by.nb_done++;
				by.done_bytes += ev[i].bytes;
				by.bad_status += ev[i].status != OFLD_TCP_SUCCESS;
			} else if (ev[i].kind == OFLD_TCP_EV_ACCEPTED) {
				vev.accepted = ev[i].conn;
				vev.nb_accepted++;
			} else if (ev[i].conn_cookie >= COOKIE_V &&
				   ev[i].conn_cookie < COOKIE_V + 16) {
				v = (uint32_t)(ev[i].conn_cookie - COOKIE_V);
				if (ev[i].kind == OFLD_TCP_EV_SEND_DONE &&
				    ev[i].status == OFLD_TCP_SUCCESS)
					vev.done[v]++;
				else if (ev[i].kind == OFLD_TCP_EV_SEND_DONE)
					vev.aborted[v]++;
				else if (ev[i].kind == OFLD_TCP_EV_CLOSED)
					vev.closed[v]++;
			}
			if (ev[i].m != NULL)
				rte_pktmbuf_free(ev[i].m);
		}
	}
	while ((k = rte_pmd_ofld_tcp_events((uint16_t)pb, 0, ev, 64)) != 0) {
		for (i = 0; i < k; i++) {
			if (ev[i].kind == OFLD_TCP_EV_RECV) {
				by.bad_data += ofld_test_stream_check(ev[i].m,
							by.received, 0);
				by.received += ev[i].m->pkt_len;
			}
			if (ev[i].m != NULL)
				rte_pktmbuf_free(ev[i].m);
		}
	}
}

static void
pump(void)
{
	struct rte_mbuf *rx[64];
	uint16_t k, i;

	bystander_post();
	k = rte_eth_rx_burst((uint16_t)pa, 0, rx, 64);
	rte_pktmbuf_free_bulk(rx, k);
	k = rte_eth_rx_burst((uint16_t)pb, 0, rx, 64);
	for (i = 0; i < k; i++)
		record(rx[i]);
	rte_pktmbuf_free_bulk(rx, k);
	rte_pmd_ofld_poll((uint16_t)pa, 0);
	rte_pmd_ofld_poll((uint16_t)pb, 0);
	events();
}

/* Pump for secs, and at least 32 rounds: a test preempted for longer
 * than secs still polls (a window in which nothing more may come, or a
 * pace; never a stand-in for a condition: see PUMP_UNTIL).
 */
static void
pump_for(double secs)
{
	uint64_t end = rte_get_timer_cycles() +
		(uint64_t)(secs * (double)rte_get_timer_hz());
	unsigned int rounds = 0;

	do
		pump();
	while (rte_get_timer_cycles() < end || ++rounds < 32);
}

/* Pump until cond holds (10 s at most, then say what was waited for with
 * the printf-style rest), then 50 ms more (and at least 32 rounds) in
 * which nothing more may come: what the checks count is all there.
 */
#define PUMP_UNTIL(cond, ...) do {					\
	uint64_t dl_ = ofld_test_deadline(10000);			\
									\
	while (!(cond)) {						\
		if (rte_get_timer_cycles() >= dl_) {			\
			ofld_test_expired(dl_, __VA_ARGS__);		\
			break;						\
		}							\
		pump();							\
	}								\
	pump_for(0.05);							\
} while (0)

static uint64_t
xs(const char *name)
{
	char full[64];

	snprintf(full, sizeof(full), "tcp_q0_%s", name);
	return ofld_test_xstat((uint16_t)pa, full);
}

static void
env_up(void)
{
	struct ofld_tcp_state sa, sb;
	uint16_t b;

	if (pa >= 0)
		return;
	pool = rte_pktmbuf_pool_create("hostile", POOL_SIZE, 256, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	CU_ASSERT_FATAL(pool != NULL);
	/* DPDK makes some process-wide tables on first use and keeps them
	 * (ethdev's port data, the mbuf dynamic field registry): a port pair
	 * made and closed once before the heap is measured
	 */
	pa = ofld_test_vdev("net_ofld_hw0", "pair=hostile_warm");
	pb = ofld_test_vdev("net_ofld_hw1", "pair=hostile_warm");
	CU_ASSERT_FATAL(pa >= 0 && pb >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pa, 1, 1) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_stop((uint16_t)pa) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_close((uint16_t)pa) == 0);
	CU_ASSERT_FATAL(rte_eth_dev_close((uint16_t)pb) == 0);
	rte_malloc_get_socket_stats(rte_socket_id(), &heap0);
	heap0_taken = true;

	pa = ofld_test_vdev("net_ofld_ha", "pair=hostile,speed=0");
	pb = ofld_test_vdev("net_ofld_hb", "pair=hostile,speed=0");
	CU_ASSERT_FATAL(pa >= 0 && pb >= 0);
	for (b = 0; b < 2; b++) {
		struct rte_eth_conf conf;
		uint16_t port = (uint16_t)(b ? pb : pa);

		memset(&conf, 0, sizeof(conf));
		CU_ASSERT_FATAL(rte_eth_dev_configure(port, 1, 1, &conf) == 0);
		CU_ASSERT_FATAL(rte_eth_rx_queue_setup(port, 0, 1024, 0, NULL,
						       pool) == 0);
		CU_ASSERT_FATAL(rte_eth_tx_queue_setup(port, 0, 1024, 0,
						       NULL) == 0);
		CU_ASSERT_FATAL(rte_eth_dev_start(port) == 0);
	}
	rte_eth_macaddr_get((uint16_t)pa, &mac_a);
	rte_eth_macaddr_get((uint16_t)pb, &mac_b);

	/* the bystander: 198.18.0.1:4000 -> 198.18.0.2:5002 */
	memset(&sa, 0, sizeof(sa));
	sa.local_ip[0] = 198, sa.local_ip[1] = 18, sa.local_ip[3] = 1;
	sa.remote_ip[0] = 198, sa.remote_ip[1] = 18, sa.remote_ip[3] = 2;
	sa.local_port = 4000;
	sa.remote_port = 5002;
	sa.remote_mac = mac_b;
	sa.snd_una = sa.snd_nxt = sa.snd_max = 7;
	sa.rcv_nxt = 9;
	sa.snd_wnd = sa.rcv_wnd = 4u << 20;
	sa.snd_wscale = sa.rcv_wscale = 8;
	sa.mss = 1460;
	sa.cookie = COOKIE_BY;
	sb = sa;
	memcpy(sb.local_ip, sa.remote_ip, 4);
	memcpy(sb.remote_ip, sa.local_ip, 4);
	sb.local_port = 5002;
	sb.remote_port = 4000;
	sb.remote_mac = mac_a;
	sb.snd_una = sb.snd_nxt = sb.snd_max = 9;
	sb.rcv_nxt = 7;
	by.ca = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &sa);
	by.cb = rte_pmd_ofld_tcp_offload((uint16_t)pb, 0, &sb);
	CU_ASSERT_FATAL(by.ca != NULL && by.cb != NULL);
}

/* A victim: 198.18.0.1:lport <-> the hand-played peer 198.18.0.3:5001. */
#define V_SND	1000000u	/* our snd_una at hand-over */
#define V_RCV	2000000u	/* what we expect from the peer next */

static struct ofld_tcp_conn *
victim(uint16_t lport, uint32_t v, uint32_t snd_wnd)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_conn *c;

	memset(&st, 0, sizeof(st));
	st.local_ip[0] = 198, st.local_ip[1] = 18, st.local_ip[3] = 1;
	st.remote_ip[0] = 198, st.remote_ip[1] = 18, st.remote_ip[3] = 3;
	st.local_port = lport;
	st.remote_port = PORT_F;
	st.remote_mac = mac_b;
	st.snd_una = st.snd_nxt = st.snd_max = V_SND;
	st.rcv_nxt = V_RCV;
	st.snd_wnd = snd_wnd;
	st.rcv_wnd = WIN;
	st.mss = 1460;
	st.srtt_us = 1000;	/* RTO at its floor: timers in milliseconds */
	st.rttvar_us = 500;
	st.cookie = COOKIE_V + v;
	c = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
	CU_ASSERT_FATAL(c != NULL);
	return c;
}

static void
post(struct ofld_tcp_conn *c, uint32_t len)
{
	struct rte_mbuf *m = ofld_test_stream_chain(pool, 0, len, 0, 0);

	CU_ASSERT_FATAL(m != NULL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, &m, 1), 0);
}

/* Count what a sent to the peer since mark: pure ACKs or data segments,
 * acknowledging ack (0: any), with sequence number seq (0: any).
 */
static uint32_t
count_seq(uint32_t mark, uint16_t lport, bool data, uint32_t ack,
	  uint32_t seq)
{
	uint32_t i, n = 0;

	for (i = mark; i < ncap; i++)
		if (cap[i].sport == lport && (cap[i].len != 0) == data &&
		    (ack == 0 || cap[i].ack == ack) &&
		    (seq == 0 || cap[i].seq == seq))
			n++;
	return n;
}

static uint32_t
count(uint32_t mark, uint16_t lport, bool data, uint32_t ack)
{
	return count_seq(mark, lport, data, ack, 0);
}

/* The peer acknowledges everything a sent on lport since mark. */
static void
ack_all(uint32_t mark, uint16_t lport, uint32_t rcv_nxt)
{
	struct seg s = { .dport = lport, .seq = rcv_nxt,
			 .flags = RTE_TCP_ACK_FLAG, .win = WIN };
	uint32_t i;

	s.ack = V_SND;
	for (i = mark; i < ncap; i++)
		if (cap[i].sport == lport &&
		    (int32_t)(cap[i].seq + cap[i].len - s.ack) > 0)
			s.ack = cap[i].seq + cap[i].len;
	inject(&s, 1, 0, 0);
}

/* Send nothing, then acknowledge what comes, until v's request is done. */
static void
serve_until_done(uint32_t v, uint16_t lport, uint32_t rcv_nxt, uint32_t mark)
{
	uint64_t end = ofld_test_deadline(20000);

	while (vev.done[v] == 0 && !ofld_test_expired(end, "victim %u's "
			"request to complete while its peer ACKs", v)) {
		pump_for(0.002);
		ack_all(mark, lport, rcv_nxt);
	}
	CU_ASSERT_EQUAL(vev.done[v], 1);
}

static void
end_victim(struct ofld_tcp_conn *c)
{
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c), 0);
	pump_for(0.01);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c), 0);
}

/* Data outside the receive window, and old duplicates: dropped, counted,
 * answered with an ACK of rcv_nxt (RFC 9293 3.10.7.4), nothing delivered.
 */
static void
test_out_of_window(void)
{
	struct seg s = { .dport = 6001, .ack = V_SND,
			 .flags = RTE_TCP_ACK_FLAG, .win = WIN, .len = 100 };
	uint64_t bad0, segs0;
	struct ofld_tcp_conn *c;
	struct ofld_tcp_state q;
	uint32_t mark;

	env_up();
	c = victim(6001, 0, WIN);
	bad0 = xs("bad_seq");
	segs0 = xs("segs_in");
	mark = ncap;
	s.seq = V_RCV + 10 * WIN;		/* far ahead */
	inject(&s, 500, 100, 0);
	s.seq = V_RCV - 1000000;		/* long past */
	inject(&s, 500, 100, 0);
	PUMP_UNTIL(xs("bad_seq") - bad0 >= 1000 &&
		   count(mark, 6001, false, V_RCV) >= 1000,
		   "1000 segments counted bad_seq (%" PRIu64 ") and answered "
		   "(%u)", xs("bad_seq") - bad0,
		   count(mark, 6001, false, V_RCV));
	CU_ASSERT_EQUAL(xs("bad_seq") - bad0, 1000);
	CU_ASSERT(xs("segs_in") - segs0 >= 1000);
	CU_ASSERT_EQUAL(count(mark, 6001, false, V_RCV), 1000);
	CU_ASSERT_EQUAL(count(mark, 6001, true, 0), 0);
	ofld_tcp_query(c, &q);
	CU_ASSERT_EQUAL(q.rcv_nxt, V_RCV);
	CU_ASSERT_EQUAL(q.snd_una, V_SND);
	end_victim(c);
}

/* ACKs of data never sent: dropped, counted; challenge ACKs at most
 * OFLD_TCP_CHALLENGE_PER_SEC per second (RFC 5961 5.2 and 7); the
 * connection carries on.
 */
static void
test_ack_unsent(void)
{
	struct seg s = { .dport = 6002, .seq = V_RCV,
			 .flags = RTE_TCP_ACK_FLAG, .win = WIN };
	uint64_t un0, lim0, t0, secs;
	struct ofld_tcp_conn *c;
	struct ofld_tcp_state q;
	uint32_t mark, chal;

	env_up();
	c = victim(6002, 1, WIN);
	post(c, 3000);
	/* sent, not acknowledged */
	PUMP_UNTIL((ofld_tcp_query(c, &q), q.snd_nxt - V_SND == 3000),
		   "victim 1's 3000 bytes to be sent (snd_nxt %u)",
		   (ofld_tcp_query(c, &q), q.snd_nxt - V_SND));
	mark = ncap;
	un0 = xs("ack_unsent");
	lim0 = xs("challenge_limited");
	t0 = rte_get_timer_cycles();
	s.ack = V_SND + 1000000;
	inject(&s, 1000, 0, 0);
	PUMP_UNTIL(xs("ack_unsent") - un0 >= 1000, "1000 ACKs of unsent "
		   "data counted (%" PRIu64 ")", xs("ack_unsent") - un0);
	secs = (rte_get_timer_cycles() - t0) / rte_get_timer_hz() + 1;
	chal = count(mark, 6002, false, V_RCV);
	printf("1000 ACKs of unsent data: %u challenge ACKs, %" PRIu64
	       " limited\n", chal, xs("challenge_limited") - lim0);
	CU_ASSERT_EQUAL(xs("ack_unsent") - un0, 1000);
	CU_ASSERT(chal >= 1);
	CU_ASSERT(chal <= (secs + 1) * OFLD_TCP_CHALLENGE_PER_SEC);
	CU_ASSERT_EQUAL(chal + (xs("challenge_limited") - lim0), 1000);
	ofld_tcp_query(c, &q);
	CU_ASSERT_EQUAL(q.snd_una, V_SND);	/* nothing taken as acked */
	CU_ASSERT_EQUAL(vev.done[1], 0);
	serve_until_done(1, 6002, V_RCV, 0);
	end_victim(c);
}

/* RST and SYN with wrong sequence numbers (RFC 5961 3.2, 4.2): in-window
 * ones get a challenge ACK, others are dropped; the connection survives;
 * only the exact RST ends it, pending requests aborted by the peer (T9).
 */
static void
test_rst_syn_wrong_seq(void)
{
	struct seg s = { .dport = 6003, .ack = V_SND, .win = WIN };
	uint64_t rst0, rc0, sc0;
	struct ofld_tcp_conn *c;
	uint32_t mark;

	env_up();
	c = victim(6003, 2, 0);		/* zero window: the request waits */
	post(c, 3000);
	post(c, 5000);
	pump_for(0.02);
	rst0 = xs("rst_in");
	rc0 = xs("rst_challenged");
	sc0 = xs("syn_challenged");
	mark = ncap;
	s.flags = RTE_TCP_RST_FLAG;
	s.seq = V_RCV + 10;			/* in window, not exact */
	inject(&s, 20, 1, 0);
	s.seq = V_RCV + 4 * WIN;		/* outside */
	inject(&s, 20, 1, 0);
	s.seq = V_RCV - 4 * WIN;
	inject(&s, 20, 1, 0);
	s.flags = RTE_TCP_SYN_FLAG;
	s.seq = V_RCV + 5;
	inject(&s, 10, 0, 0);
	s.flags = RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG;
	inject(&s, 10, 0, 0);
	PUMP_UNTIL(xs("rst_in") - rst0 >= 60 &&
		   xs("rst_challenged") - rc0 >= 20 &&
		   xs("syn_challenged") - sc0 >= 20 &&
		   count_seq(mark, 6003, false, V_RCV, V_SND) >= 40,
		   "60 RSTs (%" PRIu64 "), 20 RST (%" PRIu64 ") and 20 SYN (%"
		   PRIu64 ") challenges, 40 challenge ACKs (%u)",
		   xs("rst_in") - rst0, xs("rst_challenged") - rc0,
		   xs("syn_challenged") - sc0,
		   count_seq(mark, 6003, false, V_RCV, V_SND));
	CU_ASSERT_EQUAL(xs("rst_in") - rst0, 60);
	CU_ASSERT_EQUAL(xs("rst_challenged") - rc0, 20);
	CU_ASSERT_EQUAL(xs("syn_challenged") - sc0, 20);
	/* challenge ACKs carry snd_nxt; zero-window probes snd_una - 1 */
	CU_ASSERT_EQUAL(count_seq(mark, 6003, false, V_RCV, V_SND), 40);
	CU_ASSERT_STRING_EQUAL(ofld_tcp_state_name(c), "established");
	CU_ASSERT_EQUAL(vev.aborted[2], 0);
	/* the one RST that counts */
	s.flags = RTE_TCP_RST_FLAG;
	s.seq = V_RCV;
	inject(&s, 1, 0, 0);
	PUMP_UNTIL(vev.aborted[2] >= 2 && vev.closed[2] >= 1, "the exact "
		   "RST to abort 2 requests (%u) and close (%u)",
		   vev.aborted[2], vev.closed[2]);
	CU_ASSERT_EQUAL(vev.aborted[2], 2);
	CU_ASSERT_EQUAL(vev.closed[2], 1);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c), 0);
}

/* A zero window held forever: probes at a backed-off pace (persist timer),
 * no data, no busy loop; once the window opens the request completes.
 */
static void
test_zero_window_forever(void)
{
	struct seg s = { .dport = 6004, .seq = V_RCV,
			 .flags = RTE_TCP_ACK_FLAG, .win = 0 };
	uint32_t mark, probes, i, last = 0, answered = 0;
	uint64_t p0, gap, prev_gap = 0, t_prev = 0;
	uint64_t end, hz = rte_get_timer_hz();
	struct ofld_tcp_conn *c;
	int shrink = 0;

	env_up();
	c = victim(6004, 3, 0);
	post(c, 10000);
	p0 = xs("persist_probes");
	mark = ncap;
	end = rte_get_timer_cycles() + 3 * hz;
	while (rte_get_timer_cycles() < end) {
		pump();
		/* the peer answers every probe: still no room */
		for (i = RTE_MAX(mark, last); i < ncap; i++) {
			if (cap[i].sport != 6004)
				continue;
			s.ack = V_SND;
			inject(&s, 1, 0, 0);
			answered++;
			gap = rte_get_timer_cycles() - t_prev;
			if (t_prev != 0 && gap + hz / 200 < prev_gap)
				shrink++;	/* intervals must not shrink */
			prev_gap = t_prev != 0 ? gap : 0;
			t_prev = rte_get_timer_cycles();
		}
		last = ncap;
	}
	probes = count(mark, 6004, false, 0);
	printf("zero window for 3 s: %u probes, %" PRIu64 " counted\n",
	       probes, xs("persist_probes") - p0);
	CU_ASSERT_EQUAL(count(mark, 6004, true, 0), 0);	/* no data */
	CU_ASSERT(probes >= 3);
	CU_ASSERT(probes <= 30);	/* backed off: no busy loop */
	CU_ASSERT_EQUAL(xs("persist_probes") - p0, probes);
	CU_ASSERT_EQUAL(answered, probes);
	CU_ASSERT_EQUAL(shrink, 0);
	CU_ASSERT_EQUAL(vev.done[3], 0);
	/* the window opens */
	serve_until_done(3, 6004, V_RCV, mark);
	end_victim(c);
}

/* Options on the SYN of a passive open. */
static uint32_t
handshake(uint16_t lport, uint16_t sport, const uint8_t *opt, uint8_t optlen,
	  uint32_t *our_iss)
{
	struct seg s = { .dport = lport, .sport = sport, .seq = 5000000,
			 .flags = RTE_TCP_SYN_FLAG, .win = WIN, .opt = opt,
			 .optlen = optlen };
	uint32_t mark = ncap, i, n0 = vev.nb_accepted;
	uint64_t end = ofld_test_deadline(10000);

	inject(&s, 1, 0, 0);
	*our_iss = 0;
	while (*our_iss == 0 && !ofld_test_expired(end, "a SYN-ACK from "
			"port %u to %u", lport, sport)) {
		pump();
		for (i = mark; i < ncap; i++)
			if (cap[i].sport == lport && cap[i].dport == sport &&
			    cap[i].flags == (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG))
				*our_iss = cap[i].seq;
	}
	CU_ASSERT_FATAL(*our_iss != 0);
	s.flags = RTE_TCP_ACK_FLAG;
	s.seq = 5000001;
	s.ack = *our_iss + 1;
	s.opt = NULL;
	s.optlen = 0;
	inject(&s, 1, 0, 0);
	while (vev.nb_accepted == n0 && !ofld_test_expired(end, "the "
			"connection from port %u to be accepted", sport))
		pump();
	CU_ASSERT_FATAL(vev.nb_accepted == n0 + 1);
	return 5000001;
}

/* An MSS of 1, a window shift of 200, unknown kinds: clamped, counted; the
 * transfer uses 88-byte segments instead of one-byte ones.
 */
static void
test_absurd_options(void)
{
	static const uint8_t opt[] = { 2, 4, 0, 1,	/* MSS 1 */
				       3, 3, 200,	/* shift 200 */
				       4, 2,		/* SACK permitted */
				       99, 4, 1, 2,	/* unknown kind */
				       1, 1, 0 };
	struct ofld_tcp_open o;
	struct ofld_tcp_conn *c;
	uint64_t cl0 = xs("opt_clamped");
	uint32_t iss, peer_nxt, mark, i, segs = 0, bad_len = 0;

	env_up();
	memset(&o, 0, sizeof(o));
	o.local_port = 7001;
	o.cookie = COOKIE_LISTEN;
	o.backlog = 16;
	CU_ASSERT_FATAL(rte_pmd_ofld_tcp_listen((uint16_t)pa, 0, &o) == 0);
	peer_nxt = handshake(7001, 40000, opt, sizeof(opt), &iss);
	CU_ASSERT_EQUAL(xs("opt_clamped") - cl0, 2);
	c = vev.accepted;
	ofld_tcp_set_cookie(c, COOKIE_V + 4);
	mark = ncap;
	post(c, 10000);
	/* the peer (window scale 14 as clamped: any window is plenty) */
	{
		uint64_t end = ofld_test_deadline(20000);
		struct seg s = { .dport = 7001, .sport = 40000, .seq = peer_nxt,
				 .flags = RTE_TCP_ACK_FLAG, .win = 4 };

		while (vev.done[4] == 0 && !ofld_test_expired(end,
				"10000 bytes in 88-byte segments to be acked")) {
			pump_for(0.002);
			s.ack = iss + 1;
			for (i = mark; i < ncap; i++)
				if (cap[i].sport == 7001 &&
				    (int32_t)(cap[i].seq + cap[i].len - s.ack) > 0)
					s.ack = cap[i].seq + cap[i].len;
			inject(&s, 1, 0, 0);
		}
	}
	CU_ASSERT_EQUAL(vev.done[4], 1);
	for (i = mark; i < ncap; i++) {
		if (cap[i].sport != 7001 || cap[i].len == 0)
			continue;
		segs++;
		bad_len += cap[i].len != OFLD_TCP_MIN_SND_MSS &&
			   cap[i].seq + cap[i].len != iss + 1 + 10000;
	}
	printf("MSS 1 offered: %u data segments for 10000 bytes\n", segs);
	CU_ASSERT(segs >= (10000 + OFLD_TCP_MIN_SND_MSS - 1) /
		  OFLD_TCP_MIN_SND_MSS);
	CU_ASSERT_EQUAL(bad_len, 0);
	end_victim(c);
}

/* Truncated and over-long options on an established connection and on a
 * SYN: parsed up to the fault, counted, nothing read past the header.
 */
static void
test_bad_options(void)
{
	static const uint8_t over[] = { 2, 40, 5, 180 };	/* runs past */
	static const uint8_t trunc[] = { 1, 1, 1, 8 };		/* no length */
	static const uint8_t wrong[] = { 8, 9, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 };
	static const uint8_t zero[] = { 5, 0, 1, 1 };		/* length 0 */
	struct seg s = { .dport = 6005, .seq = V_RCV, .ack = V_SND,
			 .flags = RTE_TCP_ACK_FLAG, .win = WIN };
	struct ofld_tcp_conn *c;
	uint64_t bad0;
	uint32_t iss;

	env_up();
	c = victim(6005, 5, WIN);
	bad0 = xs("opt_bad");
	s.opt = over, s.optlen = sizeof(over);
	inject(&s, 100, 0, 0);
	s.opt = trunc, s.optlen = sizeof(trunc);
	inject(&s, 100, 0, 0);
	s.opt = wrong, s.optlen = sizeof(wrong);
	inject(&s, 100, 0, 0);
	s.opt = zero, s.optlen = sizeof(zero);
	inject(&s, 100, 0, 0);
	PUMP_UNTIL(xs("opt_bad") - bad0 >= 400, "400 segments with bad "
		   "options counted (%" PRIu64 ")", xs("opt_bad") - bad0);
	CU_ASSERT_EQUAL(xs("opt_bad") - bad0, 400);
	post(c, 20000);
	serve_until_done(5, 6005, V_RCV, ncap);
	end_victim(c);
	/* a SYN with them: still a handshake (no usable option: defaults) */
	bad0 = xs("opt_bad");
	handshake(7001, 40001, over, sizeof(over), &iss);
	CU_ASSERT_EQUAL(xs("opt_bad") - bad0, 1);
	end_victim(vev.accepted);
}

/* A SYN flood on a listening port: at most the backlog is held, the rest
 * counted; a legitimate client still gets in on another listener; memory
 * stays bounded.
 */
static void
test_syn_flood(void)
{
	struct seg s = { .src_ip = IP4(198, 19, 0, 1), .sport = 1,
			 .dport = 7002, .seq = 1, .flags = RTE_TCP_SYN_FLAG,
			 .win = WIN };
	struct ofld_tcp_open o;
	uint64_t in0, drop0, hs0, inuse0, dl;
	uint32_t mark, synacks = 0, i, iss, n;
	struct rte_malloc_socket_stats h0, h1;

	env_up();
	memset(&o, 0, sizeof(o));
	o.local_port = 7002;
	o.cookie = COOKIE_LISTEN;
	o.backlog = 64;
	CU_ASSERT_FATAL(rte_pmd_ofld_tcp_listen((uint16_t)pa, 0, &o) == 0);
	pump_for(0.01);
	rte_malloc_get_socket_stats(rte_socket_id(), &h0);
	inuse0 = rte_mempool_in_use_count(pool);
	in0 = xs("syn_in");
	drop0 = xs("syn_flood_dropped");
	hs0 = xs("handshakes");
	mark = ncap;
	for (n = 0; n < 20000; n += 500) {
		inject(&s, 500, 7, 1);
		s.sport = (uint16_t)(s.sport + 500);
		s.src_ip += s.sport < 500;
		/* taken before the next 500 (the receive ring holds 1024) */
		dl = ofld_test_deadline(10000);
		do
			pump_for(0.002);
		while (xs("syn_in") - in0 < n + 500 &&
		       !ofld_test_expired(dl, "%u SYNs taken (%" PRIu64 ")",
					  n + 500, xs("syn_in") - in0));
	}
	pump_for(0.05);
	for (i = mark; i < ncap; i++)
		synacks += cap[i].sport == 7002 &&
			   cap[i].flags == (RTE_TCP_SYN_FLAG | RTE_TCP_ACK_FLAG);
	printf("SYN flood: 20000 SYNs, %" PRIu64 " dropped, %u SYN-ACKs\n",
	       xs("syn_flood_dropped") - drop0, synacks);
	CU_ASSERT_EQUAL(xs("syn_in") - in0, 20000);
	CU_ASSERT(xs("syn_flood_dropped") - drop0 >= 20000 - 64 * 4);
	CU_ASSERT(synacks <= 64 * 8);	/* held ones, with retransmissions */
	CU_ASSERT_EQUAL(xs("handshakes") - hs0, 0);
	rte_malloc_get_socket_stats(rte_socket_id(), &h1);
	CU_ASSERT(h1.heap_allocsz_bytes <= h0.heap_allocsz_bytes);
	CU_ASSERT(rte_mempool_in_use_count(pool) <= inuse0 + 4096);
	/* a real client on the other listener is served meanwhile */
	handshake(7001, 40002, NULL, 0, &iss);
	end_victim(vev.accepted);
}

/* The bystander finished byte-exact, unharmed; then nothing is left. */
static void
test_bystander_and_nothing_lost(void)
{
	uint64_t end = ofld_test_deadline(120000);
	struct rte_malloc_socket_stats h;

	env_up();
	while ((by.received < BYST_BYTES || by.nb_done < by.nb_posted ||
		by.posted < BYST_BYTES) && !ofld_test_expired(end, "the "
			"bystander's %" PRIu64 " bytes (%" PRIu64 " received, %"
			PRIu64 " of %" PRIu64 " requests done)",
			(uint64_t)BYST_BYTES,
			by.received, by.nb_done, by.nb_posted))
		pump();
	printf("bystander: %" PRIu64 " bytes received, %" PRIu64
	       " requests done\n", by.received, by.nb_done);
	CU_ASSERT_EQUAL(by.received, BYST_BYTES);
	CU_ASSERT_EQUAL(by.bad_data, 0);
	CU_ASSERT_EQUAL(by.nb_done, by.nb_posted);
	CU_ASSERT_EQUAL(by.bad_status, 0);
	CU_ASSERT_EQUAL(by.done_bytes, BYST_BYTES);
	CU_ASSERT_EQUAL(xs("csum_bad"), 0);

	CU_ASSERT_EQUAL(rte_eth_dev_stop((uint16_t)pa), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_stop((uint16_t)pb), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pa), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pb), 0);
	CU_ASSERT(ofld_test_mempool_full(pool, POOL_SIZE));
	rte_malloc_get_socket_stats(rte_socket_id(), &h);
	printf("heap: %zu bytes allocated before, %zu after\n",
	       heap0.heap_allocsz_bytes, h.heap_allocsz_bytes);
	CU_ASSERT(heap0_taken);
	CU_ASSERT_EQUAL(h.heap_allocsz_bytes, heap0.heap_allocsz_bytes);
	rte_mempool_free(pool);
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "data outside the window", test_out_of_window },
		{ "ACK of data never sent", test_ack_unsent },
		{ "RST and SYN with wrong sequence numbers",
		  test_rst_syn_wrong_seq },
		{ "zero window held forever", test_zero_window_forever },
		{ "MSS of 1 and absurd options", test_absurd_options },
		{ "truncated and over-long options", test_bad_options },
		{ "SYN flood on a listening port", test_syn_flood },
		{ "bystander unharmed, nothing lost",
		  test_bystander_and_nothing_lost },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "hostile peers", cases);
}
