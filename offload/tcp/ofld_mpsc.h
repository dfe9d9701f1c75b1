/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_MPSC_H
#define OFLD_MPSC_H

/**
 * @file
 * Unbounded, allocation-free, lockless multi-producer single-consumer
 * queue of intrusive nodes (D. Vyukov's non-intrusive MPSC queue made
 * intrusive, with a stub node). It carries send requests (rule T1, T2):
 * the node lives in space reserved in the mbuf itself (an mbuf dynamic
 * field, see ofld_req.h), so posting allocates nothing and never fails.
 *
 * Producers: any number, concurrently: ofld_mpsc_push() / _push_chain()
 * are wait-free (one atomic exchange and one store). Consumer: one thread
 * at a time: ofld_mpsc_pop(). FIFO: nodes come out in the order of their
 * exchanges on the tail; one producer's nodes in the order it pushed them.
 *
 * A pop may return NULL while a producer is between its exchange and its
 * link store (a few instructions); the node is returned by a later pop.
 */

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>

#include <rte_common.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ofld_mpsc_node {
	struct ofld_mpsc_node *next;
};

struct ofld_mpsc {
	/** Producers exchange themselves in here. */
	struct ofld_mpsc_node *tail __rte_cache_aligned;
	/** Consumer only. */
	struct ofld_mpsc_node *head __rte_cache_aligned;
	struct ofld_mpsc_node stub;
};

/* Producers and the consumer must not share a cache line. */
static_assert(offsetof(struct ofld_mpsc, head) -
	      offsetof(struct ofld_mpsc, tail) >= RTE_CACHE_LINE_SIZE,
	      "mpsc: tail and head on one cache line");

static inline void
ofld_mpsc_init(struct ofld_mpsc *q)
{
	q->stub.next = NULL;
	q->head = &q->stub;
	__atomic_store_n(&q->tail, &q->stub, __ATOMIC_RELEASE);
}

/**
 * Append the chain first..last (already linked through ->next) in one
 * step: no other producer's node can land inside it.
 */
static inline void
ofld_mpsc_push_chain(struct ofld_mpsc *q, struct ofld_mpsc_node *first,
		     struct ofld_mpsc_node *last)
{
	struct ofld_mpsc_node *prev;

	__atomic_store_n(&last->next, NULL, __ATOMIC_RELAXED);
	/* P0: take the tail. ACQ_REL: pairs with other producers' P0 so that
	 * prev is a node whose own P1 store we do not overtake.
	 */
	prev = __atomic_exchange_n(&q->tail, last, __ATOMIC_ACQ_REL);
	/* P1: publish. RELEASE pairs with the consumer's C0/C1 acquire: the
	 * chain's contents (and the request mbuf's data) are visible before
	 * the link is.
	 */
	__atomic_store_n(&prev->next, first, __ATOMIC_RELEASE);
}

static inline void
ofld_mpsc_push(struct ofld_mpsc *q, struct ofld_mpsc_node *n)
{
	ofld_mpsc_push_chain(q, n, n);
}

/** True if nothing is queued (a racing push may make it stale). */
static inline bool
ofld_mpsc_empty(const struct ofld_mpsc *q)
{
	return q->head == &q->stub &&
		__atomic_load_n(&q->stub.next, __ATOMIC_ACQUIRE) == NULL;
}

/** Consumer: the oldest node, or NULL (empty, or a push in flight). */
static inline struct ofld_mpsc_node *
ofld_mpsc_pop(struct ofld_mpsc *q)
{
	struct ofld_mpsc_node *head = q->head, *next, *tail;

	/* C0: pairs with P1. */
	next = __atomic_load_n(&head->next, __ATOMIC_ACQUIRE);
	if (head == &q->stub) {
		if (next == NULL)
			return NULL;
		q->head = next;
		head = next;
		next = __atomic_load_n(&head->next, __ATOMIC_ACQUIRE);
	}
	if (next != NULL) {
		q->head = next;
		return head;
	}
	/* head is the last linked node. C1: pairs with P0. */
	tail = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
	if (head != tail)
		return NULL; /* a producer is between P0 and P1 */
	/* Put the stub back behind head so head can be taken. */
	ofld_mpsc_push(q, &q->stub);
	next = __atomic_load_n(&head->next, __ATOMIC_ACQUIRE);
	if (next != NULL) {
		q->head = next;
		return head;
	}
	return NULL;
}

#ifdef __cplusplus
}
#endif

#endif /* OFLD_MPSC_H */
