/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * API misuse (issue 7): every public call of net_ofld's TCP send offload
 * and GSO record with an invalid port, a port of another driver, a port
 * not started, an invalid queue, NULL pointers, a connection handle of
 * another port or queue or of nothing, posting on a closed connection,
 * double close and double release, duplicate and too many connections.
 * Each gets its documented error (-ENODEV, -ENOTSUP, -EINVAL, -EPIPE,
 * -EEXIST, -ENOSPC; NULL with rte_errno) and changes nothing: no crash,
 * requests refused stay the caller's, the mempool is full at the end.
 */

#include <errno.h>
#include <string.h>

#include <CUnit/Basic.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "ofld_test.h"
#include "rte_pmd_ofld.h"

#define NO_PORT	1000	/* never a valid port id */

static int pa = -1, pb = -1, pc = -1, pnull = -1;

static void
state(struct ofld_tcp_state *st, uint16_t lport, int peer)
{
	memset(st, 0, sizeof(*st));
	st->local_ip[0] = 198, st->local_ip[1] = 18, st->local_ip[3] = 1;
	st->remote_ip[0] = 198, st->remote_ip[1] = 18, st->remote_ip[3] = 2;
	st->local_port = lport;
	st->remote_port = 80;
	rte_eth_macaddr_get((uint16_t)peer, &st->remote_mac);
	st->snd_una = st->snd_nxt = st->snd_max = 1;
	st->rcv_nxt = 1;
	st->snd_wnd = st->rcv_wnd = 65535;
	st->mss = 1460;
}

static void
setup(void)
{
	if (pa >= 0)
		return;
	/* a and b: started, 2 queue pairs, at most 4 connections each; c:
	 * configured, never started; a port of another driver
	 */
	pa = ofld_test_vdev("net_ofld_ma", "pair=misuse,tcp_max_conns=4");
	pb = ofld_test_vdev("net_ofld_mb", "pair=misuse,tcp_max_conns=4");
	pc = ofld_test_vdev("net_ofld_mc", "pair=misuse2");
	CU_ASSERT_FATAL(pa >= 0 && pb >= 0 && pc >= 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pa, 2, 2) == 0);
	CU_ASSERT_FATAL(ofld_test_port_start((uint16_t)pb, 2, 2) == 0);
	pnull = ofld_test_vdev("net_null_m", "");
}

/* What the calls put on the cable (RSTs of aborts) and in the event rings
 * is taken and freed, so that the mempool can be counted: at least 4
 * rounds, then until every mbuf is back (a paced frame may still be on
 * the cable after 4 quick rounds) or 5 s passed.
 */
static bool
drained_pool_full(void)
{
	struct rte_mbuf *rx[32];
	struct ofld_tcp_event ev[32];
	uint64_t dl = ofld_test_deadline(5000);
	uint16_t k, q, i;
	int p, round;

	for (round = 0; round < 4 || (rte_mempool_avail_count(
		ofld_test_pool()) != OFLD_TEST_POOL_SIZE &&
		!ofld_test_expired(dl, "every mbuf back in the test pool"));
	     round++) {
		for (p = 0; p < 2; p++) {
			uint16_t port = (uint16_t)(p ? pb : pa);

			for (q = 0; q < 2; q++) {
				rte_pmd_ofld_poll(port, q);
				while ((k = rte_eth_rx_burst(port, q, rx,
							     32)) != 0)
					rte_pktmbuf_free_bulk(rx, k);
				while ((k = rte_pmd_ofld_tcp_events(port, q,
							ev, 32)) != 0)
					for (i = 0; i < k; i++)
						rte_pktmbuf_free(ev[i].m);
			}
		}
	}
	return ofld_test_pool_full();
}

static struct rte_mbuf *
request(uint32_t len)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(ofld_test_pool());

	CU_ASSERT_FATAL(m != NULL);
	if (len != 0)
		CU_ASSERT_FATAL(rte_pktmbuf_append(m, (uint16_t)len) != NULL);
	return m;
}

/* Every call with a port id that is no port, a port that is not net_ofld,
 * a net_ofld port not started, and queues that do not exist.
 */
static void
test_bad_port_and_queue(void)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_open o;
	struct ofld_tcp_event ev[4];
	struct rte_pmd_ofld_gso_caps caps;
	uint32_t id;
	struct {
		int port;
		uint16_t queue;
		int err;
	} bad[] = {
		{ NO_PORT, 0, ENODEV },
		{ RTE_MAX_ETHPORTS, 0, ENODEV },
		{ -2, 0, ENOTSUP },		/* net_null, filled in below */
		{ -3, 0, EINVAL },		/* not started */
		{ -1, 2, EINVAL },		/* a: queue 2 of 2 */
		{ -1, 64, EINVAL },
		{ -1, UINT16_MAX, EINVAL },
	};
	unsigned int i;

	setup();
	bad[2].port = pnull;
	bad[3].port = pc;
	bad[4].port = bad[5].port = bad[6].port = pa;
	state(&st, 1000, pb);
	memset(&o, 0, sizeof(o));
	o.local_port = 1000;
	o.remote_port = 80;
	for (i = 0; i < RTE_DIM(bad); i++) {
		uint16_t p, q = bad[i].queue;
		int e = bad[i].err;

		if (bad[i].port < 0) {
			CU_FAIL("net_null not available");
			continue;
		}
		p = (uint16_t)bad[i].port;
		rte_errno = 0;
		CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload(p, q, &st));
		CU_ASSERT_EQUAL(rte_errno, e);
		rte_errno = 0;
		CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_connect(p, q, &o));
		CU_ASSERT_EQUAL(rte_errno, e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_listen(p, q, &o), -e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close(p, q, NULL), -e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort(p, q, NULL), -e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_terminate(p, q, NULL, &st),
				-e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release(p, q, NULL), -e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_poll(p, q), -e);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_events(p, q, ev, 4), 0);
	}
	/* the GSO record and the service id: per port */
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get(NO_PORT, &caps, &caps),
			-ENODEV);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set(NO_PORT, &caps), -ENODEV);
	if (pnull >= 0) {
		CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get((uint16_t)pnull,
							  &caps, NULL),
				-ENOTSUP);
		CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set((uint16_t)pnull,
							  &caps), -ENOTSUP);
		CU_ASSERT_EQUAL(rte_pmd_ofld_service_id((uint16_t)pnull, &id),
				-ENOTSUP);
	}
	CU_ASSERT_EQUAL(rte_pmd_ofld_service_id(NO_PORT, &id), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_service_id((uint16_t)pa, &id), -ENOENT);
	CU_ASSERT(drained_pool_full());
}

/* NULL where a pointer is needed, and states and options that are wrong. */
static void
test_null_and_bad_arguments(void)
{
	struct rte_pmd_ofld_gso_caps hw, act;
	struct ofld_tcp_state st;
	struct ofld_tcp_open o;
	struct ofld_tcp_conn *c;
	struct rte_mbuf *m;

	setup();
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, NULL));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_listen((uint16_t)pa, 0, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close((uint16_t)pa, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, NULL), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, NULL),
			-EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_events((uint16_t)pa, 0, NULL, 8), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_service_id((uint16_t)pa, NULL), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_set((uint16_t)pa, NULL), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get((uint16_t)pa, NULL, NULL), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_gso_caps_get((uint16_t)pa, &hw, &act), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(NULL, NULL, 1), -EINVAL);

	/* states and options that cannot be */
	state(&st, 1001, pb);
	st.mss = 0;
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);
	memset(&o, 0, sizeof(o));
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, &o));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);	/* no ports */
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_listen((uint16_t)pa, 0, &o), -EINVAL);
	o.local_port = 1001;
	o.remote_port = 80;
	o.mss = 20;
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_connect((uint16_t)pa, 0, &o));
	CU_ASSERT_EQUAL(rte_errno, EINVAL);	/* MSS below 88 */

	/* a live connection: NULL requests, an empty one, terminate into
	 * NULL; nothing is taken, the connection carries on
	 */
	state(&st, 1002, pb);
	c = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, NULL, 1), -EINVAL);
	m = request(0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, &m, 1), -EINVAL);
	rte_pktmbuf_free(m);	/* refused: still ours */
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, &m, 0), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_terminate((uint16_t)pa, 0, c, NULL),
			-EINVAL);
	CU_ASSERT_STRING_EQUAL(ofld_tcp_state_name(c), "established");
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c), 0);
	CU_ASSERT(drained_pool_full());
}

/* Handles that are not the queue's: another queue's, another port's, a
 * made-up pointer, one inside the table but not at a connection.
 */
static void
test_foreign_and_bogus_handles(void)
{
	struct ofld_tcp_state st, out;
	struct ofld_tcp_conn *ca, *cb, *cq1;
	uint64_t junk[16] = { 0 };
	struct ofld_tcp_conn *fake = (struct ofld_tcp_conn *)(void *)junk;
	struct ofld_tcp_conn *inside;

	setup();
	state(&st, 1003, pb);
	ca = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
	cb = rte_pmd_ofld_tcp_offload((uint16_t)pb, 0, &st);
	/* N2: a 4-tuple is open once per port, whatever the queue */
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload((uint16_t)pa, 1, &st));
	CU_ASSERT_EQUAL(rte_errno, EEXIST);
	state(&st, 1004, pb);
	cq1 = rte_pmd_ofld_tcp_offload((uint16_t)pa, 1, &st);
	CU_ASSERT_FATAL(ca != NULL && cq1 != NULL && cb != NULL);
	inside = (struct ofld_tcp_conn *)(void *)((uint8_t *)ca + 8);

	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close((uint16_t)pa, 0, cb), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, cq1), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_terminate((uint16_t)pa, 0, cb, &out),
			-EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 1, ca), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close((uint16_t)pa, 0, fake), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, inside),
			-EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pb, 0, inside),
			-EINVAL);
	/* all three untouched */
	CU_ASSERT_STRING_EQUAL(ofld_tcp_state_name(ca), "established");
	CU_ASSERT_STRING_EQUAL(ofld_tcp_state_name(cq1), "established");
	CU_ASSERT_STRING_EQUAL(ofld_tcp_state_name(cb), "established");
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, ca), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 1, cq1), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pb, 0, cb), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, ca), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 1, cq1), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pb, 0, cb), 0);
	CU_ASSERT(drained_pool_full());
}

/* The life of a connection out of order: posting after close and abort,
 * double close, release while open, double release, calls after release.
 */
static void
test_out_of_order_lifecycle(void)
{
	struct ofld_tcp_state st;
	struct ofld_tcp_conn *c;
	struct ofld_tcp_event ev[16];
	struct rte_mbuf *m;
	uint16_t k;

	setup();
	state(&st, 1004, pb);
	c = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
	CU_ASSERT_FATAL(c != NULL);
	/* release of a connection still open */
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c), -EBUSY);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close((uint16_t)pa, 0, c), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close((uint16_t)pa, 0, c), -EPIPE);
	m = request(100);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, &m, 1), -EPIPE);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c), -EPIPE);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_send(c, &m, 1), -EPIPE);
	rte_pktmbuf_free(m);	/* refused: still ours */
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c), 0);
	/* the handle is gone now: every call on it is refused */
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_close((uint16_t)pa, 0, c), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c), -EINVAL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_terminate((uint16_t)pa, 0, c, &st),
			-EINVAL);
	while ((k = rte_pmd_ofld_tcp_events((uint16_t)pa, 0, ev, 16)) != 0)
		while (k-- > 0)
			rte_pktmbuf_free(ev[k].m);
	CU_ASSERT(drained_pool_full());
}

/* Duplicate 4-tuples, a full engine, a port listened to twice. */
static void
test_duplicates_and_limits(void)
{
	struct ofld_tcp_conn *c[5];
	struct ofld_tcp_state st;
	struct ofld_tcp_open o;
	int i;

	setup();
	state(&st, 1005, pb);
	c[0] = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
	CU_ASSERT_FATAL(c[0] != NULL);
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st));
	CU_ASSERT_EQUAL(rte_errno, EEXIST);
	for (i = 1; i < 4; i++) {
		state(&st, (uint16_t)(1005 + i), pb);
		c[i] = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
		CU_ASSERT_FATAL(c[i] != NULL);
	}
	state(&st, 1009, pb);
	rte_errno = 0;
	CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st));
	CU_ASSERT_EQUAL(rte_errno, ENOSPC);	/* tcp_max_conns=4 */
	memset(&o, 0, sizeof(o));
	o.local_port = 8080;
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_listen((uint16_t)pa, 1, &o), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_listen((uint16_t)pa, 1, &o), -EEXIST);
	for (i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c[i]),
				0);
		CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c[i]),
				0);
	}
	/* room again */
	c[4] = rte_pmd_ofld_tcp_offload((uint16_t)pa, 0, &st);
	CU_ASSERT_FATAL(c[4] != NULL);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_abort((uint16_t)pa, 0, c[4]), 0);
	CU_ASSERT_EQUAL(rte_pmd_ofld_tcp_release((uint16_t)pa, 0, c[4]), 0);
	CU_ASSERT(drained_pool_full());
}

/* Ports go away with what was misused on them: nothing left behind. */
static void
test_teardown(void)
{
	setup();
	CU_ASSERT(drained_pool_full());
	CU_ASSERT_EQUAL(rte_eth_dev_stop((uint16_t)pa), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_stop((uint16_t)pb), 0);
	/* a stopped port: no new connections; polling runs timers and
	 * completions, sends nothing
	 */
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll((uint16_t)pa, 0), 0);
	{
		struct ofld_tcp_state st;

		state(&st, 1010, pb);
		rte_errno = 0;
		CU_ASSERT_PTR_NULL(rte_pmd_ofld_tcp_offload((uint16_t)pa, 0,
							    &st));
		CU_ASSERT_EQUAL(rte_errno, EINVAL);
	}
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pa), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pb), 0);
	CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pc), 0);
	/* a closed port is no port */
	CU_ASSERT_EQUAL(rte_pmd_ofld_poll((uint16_t)pa, 0), -ENODEV);
	if (pnull >= 0)
		CU_ASSERT_EQUAL(rte_eth_dev_close((uint16_t)pnull), 0);
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "invalid port, other driver, not started, bad queue",
		  test_bad_port_and_queue },
		{ "NULL pointers and impossible arguments",
		  test_null_and_bad_arguments },
		{ "handles of other queues and ports, made-up handles",
		  test_foreign_and_bogus_handles },
		{ "post after close, double close/abort/release",
		  test_out_of_order_lifecycle },
		{ "duplicate 4-tuple, full engine, listen twice",
		  test_duplicates_and_limits },
		{ "teardown after misuse", test_teardown },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "API misuse", cases);
}
