/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The lockless send queue (T1, T2): requests linked through an mbuf
 * dynamic field, FIFO, nothing lost or duplicated, with several threads
 * posting at once: each to its own connection's queue, and all to one.
 */

#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include <rte_cycles.h>
#include <rte_mbuf.h>

#include "ofld_mpsc.h"
#include "ofld_req.h"
#include "ofld_test.h"

#define PRODUCERS	3
#define PER_PRODUCER	200000
/* Every node of the concurrent case is allocated before it starts (mbufs
 * without data room, about 250 MB): producers take nothing from a mempool
 * while they post and never wait for the consumer to give an mbuf back.
 * The test used to recycle 8191 mbufs: three producers spinning in
 * rte_pktmbuf_alloc() on an empty pool, inside the mempool ring's wait
 * for each other's tail update (DPDK's multi-consumer ring is not
 * preemption safe), stalled for minutes once they shared a core with
 * other busy threads (issue 11).
 */
#define NODES		(PRODUCERS * PER_PRODUCER * 2)
#define DEADLINE_MS	60000

static struct rte_mbuf *
req(struct rte_mempool *mp, uint16_t producer, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);

	CU_ASSERT_FATAL(m != NULL);
	ofld_req(m)->info = producer;
	ofld_req(m)->acked = seq;
	return m;
}

static void
test_t1_fifo_single_thread(void)
{
	struct ofld_mpsc q;
	struct rte_mbuf *m[10];
	struct ofld_mpsc_node *n;
	unsigned int i;

	CU_ASSERT_FATAL(ofld_req_register() == 0);
	CU_ASSERT(ofld_req_register() == 0);	/* idempotent */
	ofld_mpsc_init(&q);
	CU_ASSERT(ofld_mpsc_empty(&q));
	CU_ASSERT_PTR_NULL(ofld_mpsc_pop(&q));
	for (i = 0; i < 4; i++) {
		m[i] = req(ofld_test_pool(), 0, i);
		ofld_mpsc_push(&q, &ofld_req(m[i])->link);
	}
	/* a chain of three posted in one call, then one more */
	for (i = 4; i < 7; i++)
		m[i] = req(ofld_test_pool(), 0, i);
	ofld_req(m[4])->link.next = &ofld_req(m[5])->link;
	ofld_req(m[5])->link.next = &ofld_req(m[6])->link;
	ofld_mpsc_push_chain(&q, &ofld_req(m[4])->link, &ofld_req(m[6])->link);
	m[7] = req(ofld_test_pool(), 0, 7);
	ofld_mpsc_push(&q, &ofld_req(m[7])->link);
	CU_ASSERT_FALSE(ofld_mpsc_empty(&q));
	for (i = 0; i < 8; i++) {
		n = ofld_mpsc_pop(&q);
		CU_ASSERT_PTR_EQUAL(n, &ofld_req(m[i])->link);
		if (n != NULL)
			CU_ASSERT_PTR_EQUAL(ofld_req_of(n), m[i]);
		/* the queue works again after running dry */
		if (i == 5) {
			m[8] = req(ofld_test_pool(), 0, 8);
			ofld_mpsc_push(&q, &ofld_req(m[8])->link);
		}
	}
	CU_ASSERT_PTR_EQUAL(ofld_mpsc_pop(&q), &ofld_req(m[8])->link);
	CU_ASSERT_PTR_NULL(ofld_mpsc_pop(&q));
	CU_ASSERT(ofld_mpsc_empty(&q));
	for (i = 0; i < 9; i++)
		rte_pktmbuf_free(m[i]);
	CU_ASSERT(ofld_test_pool_full());
}

struct prod {
	pthread_t t;
	uint16_t id;
	struct ofld_mpsc *own;		/* this producer's connection */
	struct ofld_mpsc *shared;	/* one queue everybody posts to */
	struct rte_mbuf **m_own, **m_shared;	/* its nodes, allocated */
	pthread_barrier_t *go;
	uint32_t pushed;		/* pairs posted so far (atomic) */
};

static void *
producer(void *arg)
{
	struct prod *p = arg;
	struct rte_mbuf *m;
	uint32_t i;

	pthread_barrier_wait(p->go);	/* everybody at once */
	for (i = 0; i < PER_PRODUCER; i++) {
		/* what the consumer checks is written before the push, whose
		 * release store publishes it
		 */
		m = p->m_own[i];
		ofld_req(m)->info = p->id;
		ofld_req(m)->acked = i;
		ofld_mpsc_push(p->own, &ofld_req(m)->link);
		m = p->m_shared[i];
		ofld_req(m)->info = p->id;
		ofld_req(m)->acked = i;
		ofld_mpsc_push(p->shared, &ofld_req(m)->link);
		__atomic_store_n(&p->pushed, i + 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Drain one queue: per producer, sequence numbers must come in order. */
static uint64_t
drain(struct ofld_mpsc *q, uint32_t *next_seq, uint64_t *bad)
{
	struct ofld_mpsc_node *n;
	struct rte_mbuf *m;
	uint64_t got = 0;

	while ((n = ofld_mpsc_pop(q)) != NULL) {
		m = ofld_req_of(n);
		if (ofld_req(m)->info >= PRODUCERS ||
		    ofld_req(m)->acked != next_seq[ofld_req(m)->info])
			(*bad)++;
		else
			next_seq[ofld_req(m)->info]++;
		rte_pktmbuf_free(m);
		got++;
	}
	return got;
}

static bool
alloc_nodes(struct rte_mempool *mp, struct rte_mbuf **m, uint32_t n)
{
	uint32_t i, k;

	for (i = 0; i < n; i += k) {
		k = RTE_MIN(n - i, 512u);
		if (rte_pktmbuf_alloc_bulk(mp, m + i, k) != 0) {
			rte_pktmbuf_free_bulk(m, i);
			return false;
		}
	}
	return true;
}

/* Say what the consumer still waits for, per queue and producer. */
static void
report_missing(const struct prod *p, uint32_t seq_own[][PRODUCERS],
	       const uint32_t *seq_shared, double secs)
{
	unsigned int i;

	fprintf(stderr, "send-queue: gave up after %.1f s waiting for the "
		"nodes of %u producers x %u pairs:\n", secs, PRODUCERS,
		PER_PRODUCER);
	for (i = 0; i < PRODUCERS; i++)
		fprintf(stderr, "  producer %u: pushed %u pairs; its own queue "
			"still owes %u nodes (next seq %u), the shared queue "
			"%u (next seq %u)\n", i,
			__atomic_load_n(&p[i].pushed, __ATOMIC_RELAXED),
			PER_PRODUCER - seq_own[i][i], seq_own[i][i],
			PER_PRODUCER - seq_shared[i], seq_shared[i]);
}

static void
test_t2_concurrent_posting(void)
{
	static struct ofld_mpsc own[PRODUCERS], shared;
	struct prod p[PRODUCERS];
	uint32_t seq_own[PRODUCERS][PRODUCERS] = { { 0 } };
	uint32_t seq_shared[PRODUCERS] = { 0 };
	uint64_t got_own[PRODUCERS] = { 0 }, got_shared = 0, bad = 0;
	uint64_t deadline, moved, yields = 0, t0, k;
	const uint64_t all = (uint64_t)PRODUCERS * PER_PRODUCER;
	struct rte_mempool *mp;
	pthread_barrier_t go;
	unsigned int i, running;
	bool expired = false;

	mp = rte_pktmbuf_pool_create("mpsc_nodes", NODES, 0, 0, 0,
				     rte_socket_id());
	CU_ASSERT_FATAL(mp != NULL);
	CU_ASSERT_FATAL(pthread_barrier_init(&go, NULL, PRODUCERS + 1) == 0);
	ofld_mpsc_init(&shared);
	for (i = 0; i < PRODUCERS; i++) {
		ofld_mpsc_init(&own[i]);
		p[i] = (struct prod){ .id = i, .own = &own[i],
				      .shared = &shared, .go = &go };
		p[i].m_own = malloc(PER_PRODUCER * sizeof(*p[i].m_own));
		p[i].m_shared = malloc(PER_PRODUCER * sizeof(*p[i].m_shared));
		CU_ASSERT_FATAL(p[i].m_own != NULL && p[i].m_shared != NULL);
		CU_ASSERT_FATAL(alloc_nodes(mp, p[i].m_own, PER_PRODUCER));
		CU_ASSERT_FATAL(alloc_nodes(mp, p[i].m_shared, PER_PRODUCER));
	}
	for (i = 0; i < PRODUCERS; i++)
		CU_ASSERT_FATAL(pthread_create(&p[i].t, NULL, producer,
					       &p[i]) == 0);
	pthread_barrier_wait(&go);
	t0 = rte_get_timer_cycles();
	deadline = ofld_test_deadline(DEADLINE_MS);
	/* One consumer drains every queue while they post. A pop finds
	 * nothing while a producer sits between its exchange and its link
	 * store (inherent, see ofld_mpsc.h); if that producer was preempted
	 * on our core, only giving the core away lets it go on: a sweep that
	 * moved nothing yields. Producers never wait for anybody.
	 */
	do {
		running = 0;
		moved = 0;
		for (i = 0; i < PRODUCERS; i++) {
			k = drain(&own[i], seq_own[i], &bad);
			got_own[i] += k;
			moved += k;
			running += got_own[i] < PER_PRODUCER;
		}
		k = drain(&shared, seq_shared, &bad);
		got_shared += k;
		moved += k;
		running += got_shared < all;
		if (running == 0 || bad != 0)
			break;
		if (moved == 0) {
			yields++;
			sched_yield();
		}
		expired = rte_get_timer_cycles() >= deadline;
	} while (!expired);
	if (expired)
		report_missing(p, seq_own, seq_shared, (double)
			       (rte_get_timer_cycles() - t0) /
			       rte_get_timer_hz());
	if (bad != 0)
		fprintf(stderr, "send-queue: %" PRIu64 " nodes out of order "
			"or from nowhere\n", bad);
	/* producers wait for nobody: they end */
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(p[i].t, NULL);
	printf("\n  %" PRIu64 " nodes in %.2f s, %" PRIu64 " empty sweeps "
	       "yielded the core\n", all * 2, (double)(rte_get_timer_cycles()
	       - t0) / rte_get_timer_hz(), yields);
	/* every push is complete now: what is left comes out */
	for (i = 0; i < PRODUCERS; i++) {
		got_own[i] += drain(&own[i], seq_own[i], &bad);
		CU_ASSERT_EQUAL(got_own[i], PER_PRODUCER);
		CU_ASSERT_EQUAL(seq_own[i][i], PER_PRODUCER);
		CU_ASSERT(ofld_mpsc_empty(&own[i]));
	}
	got_shared += drain(&shared, seq_shared, &bad);
	CU_ASSERT_FALSE(expired);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(got_shared, all);
	for (i = 0; i < PRODUCERS; i++)
		CU_ASSERT_EQUAL(seq_shared[i], PER_PRODUCER);
	CU_ASSERT(ofld_mpsc_empty(&shared));
	for (i = 0; i < PRODUCERS; i++) {
		free(p[i].m_own);
		free(p[i].m_shared);
	}
	pthread_barrier_destroy(&go);
	CU_ASSERT(ofld_test_mempool_full(mp, NODES));
	rte_mempool_free(mp);
	CU_ASSERT(ofld_test_pool_full());
}

int
main(int argc, char **argv)
{
	static const struct ofld_test_case cases[] = {
		{ "T1 FIFO, chains, empty (one thread)",
		  test_t1_fifo_single_thread },
		{ "T1/T2 concurrent posting, own and shared queues",
		  test_t2_concurrent_posting },
		{ NULL, NULL },
	};

	RTE_SET_USED(argc);
	return ofld_test_main(argv[0], "lockless send queue", cases);
}
