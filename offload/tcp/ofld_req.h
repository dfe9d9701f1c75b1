/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_REQ_H
#define OFLD_REQ_H

/**
 * @file
 * Space a send request carries in its own first mbuf (an mbuf dynamic
 * field, the analogue of NDIS's MiniportReserved): the link of the
 * lockless send queue while it is queued, and its completion (status,
 * bytes acknowledged) when it comes back. Queueing allocates nothing.
 */

#include <assert.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include "ofld_mpsc.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * What a send request carries in its first mbuf. The same layout also
 * carries received data and connection events to the application.
 */
struct ofld_req_meta {
	struct ofld_mpsc_node link;	/**< queue link (owned by ofld) */
	void *trk;			/**< engine's tracker of the request */
	uint32_t acked;			/**< completion: bytes acknowledged */
	uint32_t info;			/**< connection index, status, kind */
};

#define OFLD_REQ_CONN_MASK	0x00ffffffu	/**< ~0 & mask: none */
#define OFLD_REQ_STATUS_SHIFT	24
#define OFLD_REQ_KIND_SHIFT	28

static inline uint32_t
ofld_req_info(uint32_t conn, uint32_t status, uint32_t kind)
{
	return (conn & OFLD_REQ_CONN_MASK) |
		((status & 15) << OFLD_REQ_STATUS_SHIFT) |
		((kind & 15) << OFLD_REQ_KIND_SHIFT);
}

/* The mbuf has 32 bytes for dynamic fields, which other drivers share. */
static_assert(sizeof(struct ofld_req_meta) == 24, "ofld_req_meta size");

/** Byte offset of struct ofld_req_meta in an mbuf; -1 before register. */
extern int ofld_req_offset;

/**
 * Register the dynamic field (idempotent; every process that posts or
 * completes requests must call it, once EAL is up).
 * @return 0, or -rte_errno.
 */
int ofld_req_register(void);

static inline struct ofld_req_meta *
ofld_req(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, ofld_req_offset, struct ofld_req_meta *);
}

/** The request mbuf that holds queue node n. */
static inline struct rte_mbuf *
ofld_req_of(struct ofld_mpsc_node *n)
{
	return (struct rte_mbuf *)(void *)((char *)n - ofld_req_offset -
		offsetof(struct ofld_req_meta, link));
}

#ifdef __cplusplus
}
#endif

#endif /* OFLD_REQ_H */
