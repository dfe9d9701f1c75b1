/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_FWD_H
#define OFLD_FWD_H

/*
 * ofld-fwd's shared types (options, counts, a run's state), its constants,
 * and the functions one file offers another, grouped by file. What the
 * application does is described at the top of main.c.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mempool.h>
#include <rte_mbuf.h>

#define BURST		32
#define NB_MBUFS	16383
#define ETHERTYPE	0x88b5
#define HDR		(RTE_ETHER_HDR_LEN + 8)	/* Ethernet + 64-bit seq */

struct opts {
	double seconds;
	uint64_t frames;
	uint32_t size;
	uint32_t speed;
};

struct gen_stats {
	uint64_t tx, rx, rx_bytes, lost, reordered, corrupt, tx_fail;
};

/* A run: its ports and mempool, the frames the link has not taken yet, the
 * sequence numbers sent and expected, and the counts.
 */
struct fwd {
	struct opts o;
	uint16_t ports[2];		/* 0 generates and checks, 1 forwards */
	struct rte_mempool *mp;
	unsigned int worker;		/* port 1's lcore, or RTE_MAX_LCORE */
	struct rte_ether_hdr hdr;	/* of every frame port 0 sends */
	struct rte_mbuf *pend[BURST];
	uint16_t npend, pend_off;
	uint64_t next_seq, expect;
	uint64_t t_rx;			/* when a frame last came back */
	struct gen_stats st;
};

/* The payload byte at offset i of a frame. */
static inline uint8_t
pattern(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

/* opts.c */
int parse_opts(int argc, char **argv, struct opts *o);

/* setup.c */
int setup(struct fwd *f);
int finish(struct fwd *f);

#endif /* OFLD_FWD_H */
