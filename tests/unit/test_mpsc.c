/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The lockless send queue (T1, T2): requests linked through an mbuf
 * dynamic field, FIFO, nothing lost or duplicated, with several threads
 * posting at once: each to its own connection's queue, and all to one.
 */

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <CUnit/Basic.h>

#include <rte_mbuf.h>

#include "ofld_mpsc.h"
#include "ofld_req.h"
#include "ofld_test.h"

#define PRODUCERS	3
#define PER_PRODUCER	200000

static struct rte_mbuf *
req(uint16_t producer, uint32_t seq)
{
	struct rte_mbuf *m;

	while ((m = rte_pktmbuf_alloc(ofld_test_pool())) == NULL)
		; /* the consumer gives them back */
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
		m[i] = req(0, i);
		ofld_mpsc_push(&q, &ofld_req(m[i])->link);
	}
	/* a chain of three posted in one call, then one more */
	for (i = 4; i < 7; i++)
		m[i] = req(0, i);
	ofld_req(m[4])->link.next = &ofld_req(m[5])->link;
	ofld_req(m[5])->link.next = &ofld_req(m[6])->link;
	ofld_mpsc_push_chain(&q, &ofld_req(m[4])->link, &ofld_req(m[6])->link);
	m[7] = req(0, 7);
	ofld_mpsc_push(&q, &ofld_req(m[7])->link);
	CU_ASSERT_FALSE(ofld_mpsc_empty(&q));
	for (i = 0; i < 8; i++) {
		n = ofld_mpsc_pop(&q);
		CU_ASSERT_PTR_EQUAL(n, &ofld_req(m[i])->link);
		if (n != NULL)
			CU_ASSERT_PTR_EQUAL(ofld_req_of(n), m[i]);
		/* the queue works again after running dry */
		if (i == 5) {
			m[8] = req(0, 8);
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
};

static void *
producer(void *arg)
{
	struct prod *p = arg;
	uint32_t i;

	for (i = 0; i < PER_PRODUCER; i++) {
		ofld_mpsc_push(p->own, &ofld_req(req(p->id, i))->link);
		ofld_mpsc_push(p->shared, &ofld_req(req(p->id, i))->link);
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

static void
test_t2_concurrent_posting(void)
{
	static struct ofld_mpsc own[PRODUCERS], shared;
	struct prod p[PRODUCERS];
	uint32_t seq_own[PRODUCERS][PRODUCERS] = { { 0 } };
	uint32_t seq_shared[PRODUCERS] = { 0 };
	uint64_t got_own[PRODUCERS] = { 0 }, got_shared = 0, bad = 0;
	unsigned int i, running;

	ofld_mpsc_init(&shared);
	for (i = 0; i < PRODUCERS; i++) {
		ofld_mpsc_init(&own[i]);
		p[i] = (struct prod){ .id = i, .own = &own[i],
				      .shared = &shared };
		CU_ASSERT_FATAL(pthread_create(&p[i].t, NULL, producer,
					       &p[i]) == 0);
	}
	/* One consumer drains every queue while they post. */
	do {
		running = 0;
		for (i = 0; i < PRODUCERS; i++) {
			got_own[i] += drain(&own[i], seq_own[i], &bad);
			running += got_own[i] < PER_PRODUCER;
		}
		got_shared += drain(&shared, seq_shared, &bad);
		running += got_shared < (uint64_t)PRODUCERS * PER_PRODUCER;
	} while (running != 0 && bad == 0);
	for (i = 0; i < PRODUCERS; i++)
		pthread_join(p[i].t, NULL);
	for (i = 0; i < PRODUCERS; i++) {
		got_own[i] += drain(&own[i], seq_own[i], &bad);
		CU_ASSERT_EQUAL(got_own[i], PER_PRODUCER);
		CU_ASSERT_EQUAL(seq_own[i][i], PER_PRODUCER);
		CU_ASSERT(ofld_mpsc_empty(&own[i]));
	}
	got_shared += drain(&shared, seq_shared, &bad);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(got_shared, (uint64_t)PRODUCERS * PER_PRODUCER);
	for (i = 0; i < PRODUCERS; i++)
		CU_ASSERT_EQUAL(seq_shared[i], PER_PRODUCER);
	CU_ASSERT(ofld_mpsc_empty(&shared));
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
