/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_TEST_H
#define OFLD_TEST_H

/*
 * Helpers shared by the CUnit suites: EAL start-up for tests (no hugepages,
 * a private file prefix, logs captured so a test can check what was said),
 * ports over the public ethdev API, frames with a checkable pattern.
 */

#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define OFLD_TEST_POOL_SIZE	8191
#define OFLD_TEST_ETHERTYPE	0x88b5	/* IEEE local experimental */

/**
 * How many lcores the next ofld_test_eal_init() gives EAL (default 1):
 * a suite that runs a service or a worker lcore asks for 2 before its
 * main; it then busy-polls two cores and runs alone (meson's
 * is_parallel: false). Every lcore floats over the process's CPUs
 * (ofld_lcores.h).
 */
void ofld_test_want_lcores(unsigned int n);

/** Start EAL for a test program; extra EAL arguments may be added. */
int ofld_test_eal_init(const char *prog, int extra_argc, char **extra_argv);
void ofld_test_eal_cleanup(void);

/** The log captured since the last ofld_test_log_clear(). */
const char *ofld_test_log(void);
void ofld_test_log_clear(void);

struct rte_mempool *ofld_test_pool(void);
/** Every mbuf of the test pool is back (none leaked, none in flight). */
bool ofld_test_pool_full(void);
/** The same for another pool of `size` mbufs (says what is missing). */
bool ofld_test_mempool_full(struct rte_mempool *mp, unsigned int size);

/** Create a vdev and return its port id, or -1. */
int ofld_test_vdev(const char *name, const char *args);
/** Configure nrxq/ntxq queues with the test pool and start the port. */
int ofld_test_port_start(uint16_t port, uint16_t nrxq, uint16_t ntxq);
/** One queue pair with these transmit offloads, started. */
int ofld_test_port_start_tx(uint16_t port, uint64_t tx_offloads);
/** Value of the named xstat, or UINT64_MAX when the name is unknown. */
uint64_t ofld_test_xstat(uint16_t port, const char *name);

/**
 * A frame of len bytes (Ethernet header included) to dst whose payload
 * starts with a 32-bit sequence number and a 16-bit tag, then a pattern
 * derived from both.
 */
struct rte_mbuf *ofld_test_frame(const struct rte_ether_addr *dst,
				 uint32_t len, uint32_t seq, uint16_t tag);
/** A frame made by ofld_test_frame(): 0 if intact, with its seq and tag. */
int ofld_test_frame_check(const struct rte_mbuf *m, uint32_t *seq,
			  uint16_t *tag);

/**
 * Poll port/queue until n frames arrived, or until a poll finds nothing
 * after 200 ms without a frame: a drain (most callers ask for more than
 * will come, or for nothing), so it says nothing itself; a caller that
 * expects exactly n checks the count it returns.
 */
uint16_t ofld_test_rx_all(uint16_t port, uint16_t queue,
			  struct rte_mbuf **bufs, uint16_t n);
/**
 * Send all frames, retrying while the link paces (10 s at most, then says
 * so on stderr); returns frames taken.
 */
uint16_t ofld_test_tx_all(uint16_t port, uint16_t queue,
			  struct rte_mbuf **pkts, uint16_t n);

/*
 * Waits (docs/reliability.md, "Test reliability"): every wait has a
 * condition and a deadline, and says on expiry what it waited for:
 *
 *	uint64_t dl = ofld_test_deadline(10000);
 *
 *	while (!done && !ofld_test_expired(dl, "the %u ACKs", n))
 *		pump();
 */

/** Timer cycles (rte_get_timer_cycles()) @p ms milliseconds from now. */
uint64_t ofld_test_deadline(unsigned int ms);

/**
 * Whether @p deadline has passed; if so, says on stderr what was waited
 * for (printf-style: "gave up waiting (deadline passed) for ...").
 */
bool ofld_test_expired(uint64_t deadline, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * Byte @p off of the test stream @p key: what transfer tests send and
 * check (differs from byte to byte, stream to stream, and at 8 KiB).
 */
static inline uint8_t
ofld_test_stream_byte(uint64_t off, uint16_t key)
{
	return (uint8_t)(off * 7 + (off >> 13) + key * 31);
}

/**
 * A send request: @p len bytes of stream @p key from offset @p off, in a
 * chain of mbufs of @p mp holding at most @p piece bytes each (0: as much
 * as fits). NULL (nothing kept) when the pool runs out.
 */
struct rte_mbuf *ofld_test_stream_chain(struct rte_mempool *mp, uint64_t off,
					uint32_t len, uint16_t key,
					uint32_t piece);

/** How many bytes of @p m differ from stream @p key at offset @p off. */
uint64_t ofld_test_stream_check(const struct rte_mbuf *m, uint64_t off,
				uint16_t key);

struct ofld_tcp_state;

/**
 * A TCP/IPv4 segment sent by the end whose connection state is @p from
 * (its local address and port to its remote ones), no options, window
 * field @p win, @p len payload bytes of value @p fill, checksums right.
 * NULL when @p mp is empty.
 */
struct rte_mbuf *ofld_test_tcp4_seg(struct rte_mempool *mp,
				    const struct ofld_tcp_state *from,
				    uint32_t seq, uint32_t ack, uint8_t flags,
				    uint16_t win, uint16_t len, uint8_t fill);

struct ofld_test_case {
	const char *name;
	void (*fn)(void);
};

/**
 * The whole main() of a CUnit test program: EAL up, one suite with the
 * NULL-terminated @p cases, verbose run, clean-up.
 * @return the process exit code (0: every assertion passed).
 */
int ofld_test_main(const char *prog, const char *suite,
		   const struct ofld_test_case *cases);

/** Run one suite of the NULL-terminated @p cases (EAL already up). */
int ofld_test_run(const char *suite, const struct ofld_test_case *cases);

/**
 * ofld_test_main() for suites that need a larger mempool of their own:
 * *mp is made after EAL init (pool_size mbufs of the default size) and
 * freed after the cases ran.
 */
int ofld_test_main_pool(const char *prog, const char *suite,
			const struct ofld_test_case *cases,
			struct rte_mempool **mp, unsigned int pool_size);

#endif /* OFLD_TEST_H */
