/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_FUZZ_H
#define OFLD_FUZZ_H

/*
 * What the fuzz harnesses share. A harness is LLVMFuzzerInitialize() +
 * LLVMFuzzerTestOneInput() + fuzz_make_seeds(); the same file is linked
 * either with libFuzzer (meson -Dfuzz=true, clang) or with fuzz_replay.c,
 * a main() that runs files and directories through it (every build: the
 * 'fuzz-regress' suite).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/** Write the harness's seed corpus into @p dir. @return 0 or -1. */
int fuzz_make_seeds(const char *dir);

/** An invariant broke: say which and abort() (libFuzzer keeps the input). */
#define FZ_CHECK(cond, ...) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "fuzz invariant broken at %s:%d: ",	\
			__FILE__, __LINE__);				\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		abort();						\
	}								\
} while (0)

/** OFLD_FUZZ_VERBOSE=1 in the environment: harnesses say what each input
 * did (to see what a seed reaches). */
extern bool fz_verbose;
#define FZ_SAY(...) do {						\
	if (fz_verbose)							\
		fprintf(stderr, __VA_ARGS__);				\
} while (0)

/* ---- reading an input: past its end every read gives zeros ---- */

struct fz_in {
	const uint8_t *p;
	size_t n;
};

static inline uint8_t
fz_u8(struct fz_in *in)
{
	uint8_t v = 0;

	if (in->n != 0) {
		v = *in->p++;
		in->n--;
	}
	return v;
}

static inline uint16_t
fz_u16(struct fz_in *in)
{
	uint16_t hi = fz_u8(in);

	return (uint16_t)(hi << 8 | fz_u8(in));
}

static inline uint32_t
fz_u32(struct fz_in *in)
{
	uint32_t hi = fz_u16(in);

	return hi << 16 | fz_u16(in);
}

/** Up to @p len bytes of the input; *len gets how many there were. */
static inline const uint8_t *
fz_bytes(struct fz_in *in, size_t *len)
{
	const uint8_t *p = in->p;

	if (*len > in->n)
		*len = in->n;
	in->p += *len;
	in->n -= *len;
	return p;
}

/* ---- writing a seed: the same encoding ---- */

struct fz_out {
	uint8_t b[65536];
	size_t n;
};

void fz_put8(struct fz_out *o, uint8_t v);
void fz_put16(struct fz_out *o, uint16_t v);
void fz_put32(struct fz_out *o, uint32_t v);
void fz_put(struct fz_out *o, const void *p, size_t len);
/** Write @p o to dir/name. @return 0 or -1. */
int fz_seed_write(const char *dir, const char *name, const struct fz_out *o);

/* ---- environment ---- */

/**
 * Start EAL once for a harness: no hugepages, 512 MB, no PCI, no shared
 * config, lcore 0 only, a file prefix of its own. Logs at warning level.
 * @return 0 or -1.
 */
int fz_eal_init(const char *prog);

/** A pktmbuf pool that is checked for leaks after every input. */
struct rte_mempool *fz_pool_create(const char *name, unsigned int n);
/** Abort when @p mp does not hold all @p n of its mbufs. */
void fz_pool_check(struct rte_mempool *mp, unsigned int n, const char *when);

/**
 * An mbuf holding @p len bytes of @p data at @p headroom, as @p kind:
 * FZ_MB_HEAP: an external buffer of exactly headroom + len bytes from
 * malloc(), so that AddressSanitizer sees any read or write past the data
 * (pool mbufs sit next to each other in one DPDK mapping, where it sees
 * nothing); FZ_MB_DIRECT: a plain mbuf of @p mp; FZ_MB_INDIRECT: an mbuf
 * attached to another one of @p mp (its only reference).
 * @return the mbuf or NULL (pool empty, or data too long for the kind).
 */
enum fz_mbuf_kind { FZ_MB_HEAP, FZ_MB_DIRECT, FZ_MB_INDIRECT };
struct rte_mbuf *fz_mbuf(struct rte_mempool *mp, enum fz_mbuf_kind kind,
			 const uint8_t *data, uint16_t len, uint16_t headroom);

#endif /* OFLD_FUZZ_H */
