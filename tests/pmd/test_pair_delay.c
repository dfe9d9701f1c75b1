/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The pair cable's delay line (`delay=`), through the public ethdev API:
 * bad values refused at probe, frames that arrive no earlier than their
 * due time (send time + serialisation + delay, measured with the TSC), in
 * order and byte-exact, with and without pacing and with faults; a lane
 * that holds a bandwidth-delay product at 100 Gbit/s; stop, start and
 * close with frames in the delay line. Every test ends with every mempool
 * full again.
 *
 * A suite of its own (not cases in test_ethdev.c): the bandwidth-delay
 * case needs a mempool of its own, larger than the shared test pool, and
 * timing checks live apart from the functional ones. The only timing
 * assertions are "not earlier than due" and "within a generous deadline".
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_test.h"

/* the bandwidth-delay case: frames in flight, and its pool */
#define BDP_FRAMES	24000
#define BIG_POOL_SIZE	32767
#define MAX_FRAMES	BDP_FRAMES
#define DEADLINE_S	10	/* generous: the machine is shared */

static struct rte_mempool *big_pool;
static struct rte_mbuf *frames[MAX_FRAMES];
static uint64_t sent_tsc[MAX_FRAMES], arrived_tsc[MAX_FRAMES];

/* What one run across the cable saw. */
struct delay_run {
	uint16_t tx, rx;		/* ports */
	uint32_t n;			/* frames sent (seq 0..n-1) */
	uint32_t got, bad, out_of_order, max_in_flight;
	uint32_t next_seq;		/* the seq expected next */
	uint64_t last_poll, max_gap;	/* TSC: longest time not polling */
	uint64_t bits_before[MAX_FRAMES + 1];	/* wire bits of seq < i */
};

static struct delay_run run;

static void
remove_all(void)
{
	const char *names[] = { "net_ofld_a", "net_ofld_b", "net_ofld_c" };
	unsigned int i;

	for (i = 0; i < RTE_DIM(names); i++)
		rte_vdev_uninit(names[i]);
}

/* mbufs of the test pool not in it (no message, unlike the full check) */
static unsigned int
pool_in_use(void)
{
	return OFLD_TEST_POOL_SIZE -
		rte_mempool_avail_count(ofld_test_pool());
}

static uint64_t
us_to_tsc(uint64_t us)
{
	return us * rte_get_tsc_hz() / 1000000;
}

/* Two ports on pair cable "dl", each with its own device arguments. */
static void
pair_make(const char *args_a, const char *args_b, int *a, int *b)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "pair=dl%s%s", *args_a ? "," : "", args_a);
	*a = ofld_test_vdev("net_ofld_a", buf);
	snprintf(buf, sizeof(buf), "pair=dl%s%s", *args_b ? "," : "", args_b);
	*b = ofld_test_vdev("net_ofld_b", buf);
	CU_ASSERT_FATAL(*a >= 0 && *b >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start(*a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(*b, 1, 1) == 0);
}

static uint32_t
frame_len(uint32_t seq)
{
	return 60 + (seq * 37) % 1455;
}

/* Frames seq 0..n-1 to rx's MAC (copied into mp when it is not the test
 * pool's), and the wire bits before each, for the due-time checks.
 */
static void
frames_make(uint32_t n, struct rte_mempool *mp)
{
	struct rte_ether_addr dst;
	struct rte_mbuf *m;
	uint32_t i, len;

	rte_eth_macaddr_get(run.rx, &dst);
	run.bits_before[0] = 0;
	for (i = 0; i < n; i++) {
		len = mp != NULL ? 1514 : frame_len(i);
		m = ofld_test_frame(&dst, len, i, 5);
		CU_ASSERT_FATAL(m != NULL);
		if (mp != NULL) {
			frames[i] = rte_pktmbuf_copy(m, mp, 0, UINT32_MAX);
			rte_pktmbuf_free(m);
			CU_ASSERT_FATAL(frames[i] != NULL);
		} else {
			frames[i] = m;
		}
		run.bits_before[i + 1] = run.bits_before[i] +
			((uint64_t)len + 24) * 8;
	}
	run.n = n;
}

/* Receive what is there: note when each frame came, check it. */
static uint16_t
poll_rx(void)
{
	struct rte_mbuf *bufs[64];
	uint16_t k, i, tag;
	uint64_t now;
	uint32_t seq;

	k = rte_eth_rx_burst(run.rx, 0, bufs, RTE_DIM(bufs));
	now = rte_get_tsc_cycles();
	if (run.last_poll != 0 && now - run.last_poll > run.max_gap)
		run.max_gap = now - run.last_poll;
	run.last_poll = now;
	for (i = 0; i < k; i++) {
		if (ofld_test_frame_check(bufs[i], &seq, &tag) != 0 ||
		    tag != 5 || seq >= run.n) {
			run.bad++;
			continue;
		}
		if (seq != run.next_seq)
			run.out_of_order++;
		run.next_seq = seq + 1;
		arrived_tsc[seq] = now;
		run.got++;
	}
	rte_pktmbuf_free_bulk(bufs, k);
	return k;
}

/* Send frames [from, to) as the link lets them, noting when each burst
 * went; with `poll`, receive between bursts.
 */
static void
send_range(uint32_t from, uint32_t to, bool poll)
{
	uint64_t deadline = rte_get_tsc_cycles() +
		DEADLINE_S * rte_get_tsc_hz();
	uint32_t i = from, j;
	uint64_t t;
	uint16_t k;

	while (i < to && rte_get_tsc_cycles() < deadline) {
		t = rte_get_tsc_cycles();
		k = rte_eth_tx_burst(run.tx, 0, frames + i,
				     (uint16_t)RTE_MIN(to - i, 64u));
		for (j = i; j < i + k; j++)
			sent_tsc[j] = t;
		i += k;
		if (poll)
			poll_rx();
		if (i - run.got > run.max_in_flight)
			run.max_in_flight = i - run.got;
	}
	if (i < to)
		fprintf(stderr, "send: %u of frames %u..%u taken in %d s\n",
			i - from, from, to - 1, DEADLINE_S);
	CU_ASSERT_EQUAL(i, to);
}

/* Receive until every frame came or the deadline passed. */
static void
receive_all(void)
{
	uint64_t deadline = rte_get_tsc_cycles() +
		DEADLINE_S * rte_get_tsc_hz();

	while (run.got + run.bad < run.n && rte_get_tsc_cycles() < deadline)
		poll_rx();
	if (run.got + run.bad < run.n)
		fprintf(stderr, "waited %d s for %u frames across the delay "
			"line: %u came\n", DEADLINE_S, run.n,
			run.got + run.bad);
}

static void
run_begin(uint16_t tx, uint16_t rx)
{
	memset(&run, 0, sizeof(run));
	run.tx = tx;
	run.rx = rx;
	memset(arrived_tsc, 0, sizeof(arrived_tsc));
}

/*
 * Every frame came, intact and in order, and none before it was due: its
 * send time + delay; paced, also + the serialisation of it and of every
 * frame before it since the first burst (the wire clock only moves on),
 * less 1 us for the clock's rounding.
 */
static void
check_due(uint32_t delay_us, uint32_t speed_mbps)
{
	const uint64_t d = us_to_tsc(delay_us), hz = rte_get_tsc_hz();
	const uint64_t slack = us_to_tsc(1);
	uint64_t wire, early = 0, early_wire = 0;
	uint32_t i;

	CU_ASSERT_EQUAL(run.got, run.n);
	CU_ASSERT_EQUAL(run.bad, 0);
	CU_ASSERT_EQUAL(run.out_of_order, 0);
	for (i = 0; i < run.n; i++) {
		if (arrived_tsc[i] == 0)
			continue;	/* counted above */
		if (arrived_tsc[i] < sent_tsc[i] + d)
			early++;
		if (speed_mbps == 0)
			continue;
		wire = (uint64_t)((double)run.bits_before[i + 1] /
				  (speed_mbps * 1e6) * hz);
		if (arrived_tsc[i] + slack < sent_tsc[0] + wire + d)
			early_wire++;
	}
	if (early != 0 || early_wire != 0)
		fprintf(stderr, "%" PRIu64 " frame(s) before send + delay, %"
			PRIu64 " before the wire let them arrive\n", early,
			early_wire);
	CU_ASSERT_EQUAL(early, 0);
	CU_ASSERT_EQUAL(early_wire, 0);
}

static int
cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

/* How late after send + delay the frames came (a figure, not a check). */
static void
print_lateness(uint32_t delay_us)
{
	static uint64_t late[MAX_FRAMES];
	const uint64_t d = us_to_tsc(delay_us);
	const double us = 1e6 / rte_get_tsc_hz();
	uint32_t i, k = 0;

	for (i = 0; i < run.n; i++)
		if (arrived_tsc[i] >= sent_tsc[i] + d)
			late[k++] = arrived_tsc[i] - sent_tsc[i] - d;
	if (k == 0)
		return;
	qsort(late, k, sizeof(late[0]), cmp_u64);
	printf("\n    after send + %u us: +%.1f us median, +%.1f us max "
	       "(%u frames; longest pause between polls %.1f us)\n",
	       delay_us, late[k / 2] * us, late[k - 1] * us, k,
	       run.max_gap * us);
}

/* ---- device arguments ----------------------------------------------- */

struct bad_arg {
	const char *args;
	const char *must_say;
};

static void
test_bad_delay(void)
{
	static const struct bad_arg cases[] = {
		{ "pair=x,delay=abc", "delay" },
		{ "pair=x,delay=12x", "delay" },
		{ "pair=x,delay=-1", "delay" },
		{ "pair=x,delay=1.5", "delay" },
		{ "pair=x,delay=", "delay" },
		{ "pair=x,delay=1000001", "delay" },
		{ "pair=x,delay=99999999999999999999999", "delay" },
		{ "pair=x,delay=5,delay=6", "delay" },
		/* 100 Gbit/s x 100 ms: 813,000 frames in flight */
		{ "pair=x,speed=100000,delay=100000", "delay" },
		/* unpaced: sized as for 100 Gbit/s */
		{ "pair=x,speed=0,delay=40000", "delay" },
		{ "lower=net_null0,delay=100", "delay" },
		/* the unknown-argument message lists it */
		{ "pair=x,bogus=1", "delay" },
	};
	uint16_t before = rte_eth_dev_count_total();
	unsigned int i;
	bool named;

	for (i = 0; i < RTE_DIM(cases); i++) {
		ofld_test_log_clear();
		CU_ASSERT(rte_vdev_init("net_ofld_a", cases[i].args) != 0);
		CU_ASSERT_EQUAL(rte_eth_dev_count_total(), before);
		named = strstr(ofld_test_log(), cases[i].must_say) != NULL;
		CU_ASSERT(named);
		if (!named)
			fprintf(stderr, "'%s': log does not name '%s'\n",
				cases[i].args, cases[i].must_say);
		rte_vdev_uninit("net_ofld_a");
	}
	/* The good forms: none, the longest, the largest lane. */
	CU_ASSERT(ofld_test_vdev("net_ofld_a", "pair=g1,delay=0") >= 0);
	CU_ASSERT(ofld_test_vdev("net_ofld_b",
				 "pair=g2,speed=1000,delay=1000000") >= 0);
	CU_ASSERT(ofld_test_vdev("net_ofld_c",
				 "pair=g3,speed=100000,delay=30000") >= 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* A port plugged into an end whose lanes the other end still receives
 * from must fit them: a delay on lanes made without one is refused.
 */
static void
test_replug_must_fit(void)
{
	int a, b;

	a = ofld_test_vdev("net_ofld_a", "pair=rp");
	b = ofld_test_vdev("net_ofld_b", "pair=rp,delay=100");
	CU_ASSERT_FATAL(a >= 0 && b >= 0);
	rte_vdev_uninit("net_ofld_a");
	ofld_test_log_clear();
	CU_ASSERT(rte_vdev_init("net_ofld_a", "pair=rp,delay=100") != 0);
	CU_ASSERT(strstr(ofld_test_log(), "delay") != NULL);
	/* without a delay it fits; on lanes that delay, a port may send
	 * with no delay of its own
	 */
	a = ofld_test_vdev("net_ofld_a", "pair=rp");
	CU_ASSERT_FATAL(a >= 0);
	rte_vdev_uninit("net_ofld_b");
	b = ofld_test_vdev("net_ofld_b", "pair=rp");
	CU_ASSERT_FATAL(b >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start(a, 1, 1) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start(b, 1, 1) == 0);
	run_begin(b, a);
	frames_make(100, NULL);
	send_range(0, run.n, true);
	receive_all();
	check_due(0, 100000);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* ---- frames through the delay line ---------------------------------- */

/* Paced at 1 Gbit/s, 2 ms one way: every frame late enough. */
static void
test_due_paced(void)
{
	int a, b;

	pair_make("speed=1000,delay=2000", "speed=1000,delay=2000", &a, &b);
	run_begin(a, b);
	frames_make(400, NULL);
	send_range(0, run.n, true);
	receive_all();
	check_due(2000, 1000);
	print_lateness(2000);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_missed"), 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* Unpaced, 20 ms one way (b sends with no delay): due at send + delay. */
static void
test_due_unpaced(void)
{
	int a, b;

	pair_make("speed=0,delay=20000", "speed=0", &a, &b);
	run_begin(a, b);
	frames_make(1000, NULL);
	send_range(0, run.n, true);
	receive_all();
	check_due(20000, 0);
	print_lateness(20000);
	/* the other way: no delay line, every frame arrives */
	run_begin(b, a);
	frames_make(100, NULL);
	send_range(0, run.n, true);
	receive_all();
	check_due(0, 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/* Faults apply before the delay line: lost, duplicated and reordered
 * frames still arrive no earlier than due, and nothing leaks.
 */
static void
test_due_with_faults(void)
{
	uint32_t i, dups, lost, early = 0;
	int a, b;

	pair_make("speed=10000,delay=1000,loss=0.05,dup=0.1,reorder=0.1,"
		  "seed=7", "", &a, &b);
	run_begin(a, b);
	frames_make(1000, NULL);
	send_range(0, run.n, true);
	rte_eth_tx_burst(a, 0, NULL, 0);	/* the held frame goes */
	dups = ofld_test_xstat(a, "tx_q0_fault_dup");
	lost = ofld_test_xstat(a, "tx_q0_fault_loss");
	run.n += dups;	/* receive_all's count; seqs stay < 1000 */
	run.n -= lost;
	receive_all();
	run.n = 1000;
	CU_ASSERT_EQUAL(run.got, 1000 + dups - lost);
	CU_ASSERT_EQUAL(run.bad, 0);
	CU_ASSERT(dups > 0 && lost > 0 && run.out_of_order > 0);
	for (i = 0; i < run.n; i++)
		if (arrived_tsc[i] != 0 &&
		    arrived_tsc[i] < sent_tsc[i] + us_to_tsc(1000))
			early++;
	CU_ASSERT_EQUAL(early, 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

/*
 * 100 Gbit/s, 2 ms one way: 16,000 full frames on the wire, 4 times what
 * a lane without delay holds. The first 8000 go before the receiver
 * polls, so the lane surely holds them at once; then both run. Nothing is
 * lost.
 */
static void
test_bdp_high_speed(void)
{
	int a, b;

	pair_make("speed=100000,delay=2000", "speed=100000,delay=2000", &a,
		  &b);
	run_begin(a, b);
	frames_make(BDP_FRAMES, big_pool);
	send_range(0, 8000, false);
	send_range(8000, BDP_FRAMES, true);
	receive_all();
	printf("\n    %u frames, at most %u in flight\n", run.n,
	       run.max_in_flight);
	CU_ASSERT(run.max_in_flight >= 8000);
	check_due(2000, 100000);
	CU_ASSERT_EQUAL(ofld_test_xstat(a, "tx_q0_peer_overrun"), 0);
	CU_ASSERT_EQUAL(ofld_test_xstat(b, "rx_q0_missed"), 0);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
	CU_ASSERT(ofld_test_mempool_full(big_pool, BIG_POOL_SIZE));
}

/* ---- stop, start, close with frames in the delay line ------------- */

static void
test_stop_start_in_flight(void)
{
	int a, b;

	/* 200 ms one way: the frames are surely still in the line */
	pair_make("speed=1000,delay=200000", "", &a, &b);
	run_begin(a, b);
	frames_make(300, NULL);
	send_range(0, run.n, false);
	CU_ASSERT(pool_in_use() >= 300);
	/* The receiver stops: what is in the line towards it is freed. */
	CU_ASSERT_EQUAL(rte_eth_dev_stop(b), 0);
	CU_ASSERT(ofld_test_pool_full());
	CU_ASSERT_EQUAL(rte_eth_dev_start(b), 0);
	CU_ASSERT_EQUAL(ofld_test_rx_all(b, 0, frames, 1), 0);

	/* The sender stops: what it sent is on the cable and arrives. */
	run_begin(a, b);
	frames_make(300, NULL);
	send_range(0, run.n, false);
	CU_ASSERT_EQUAL(rte_eth_dev_stop(a), 0);
	receive_all();
	check_due(200000, 1000);
	CU_ASSERT(ofld_test_pool_full());

	/* Started again, it sends through the line again; then both close
	 * with frames in it: nothing leaks.
	 */
	CU_ASSERT_EQUAL(rte_eth_dev_start(a), 0);
	run_begin(a, b);
	frames_make(300, NULL);
	send_range(0, run.n, false);
	CU_ASSERT(pool_in_use() >= 300);
	remove_all();
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "bad delay arguments", test_bad_delay },
		{ "re-plugged end must fit its lanes", test_replug_must_fit },
		{ "paced: not earlier than due", test_due_paced },
		{ "unpaced: not earlier than due", test_due_unpaced },
		{ "faults before the delay line", test_due_with_faults },
		{ "bandwidth-delay product at 100 Gbit/s", test_bdp_high_speed },
		{ "stop, start, close with frames in the line",
		  test_stop_start_in_flight },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main_pool(argv[0], "net_ofld pair delay line", cases,
				   &big_pool, BIG_POOL_SIZE);
}
