/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef TCP_SCRIPT_H
#define TCP_SCRIPT_H

/*
 * The conformance runner's own types (issue 13): a script's parsed lines
 * (script_parse.c), the segments of `<` and `>` lines and their wire form
 * (script_wire.c), and the state of one script's run (tcp_script.c runs
 * the time line, script_exec.c does each line). Nothing here is the
 * engine's: scripts reach it through ofld_tcp.h only.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "ofld_tcp.h"

#define SCR_MAX_LINES	4096
#define SCR_MAX_OPTS	16
#define SCR_MAX_KV	24
#define SCR_MAX_SIZES	32
#define SCR_ERR_LEN	1024
#define SCR_CAPQ	1024	/* outbound frames not matched yet */
#define SCR_EVQ		1024	/* events not checked yet */
#define SCR_REQQ	4096	/* requests posted, not completed */
#define SCR_FRAME_MAX	(64 * 1024 + 256)

/* Stream keys of the pattern bytes (ofld_test_stream_byte). */
#define SCR_OUR_KEY	1	/* what `send` posts */
#define SCR_PEER_KEY	2	/* what `<` lines carry */

/* ---- segments ---- */

enum scr_opt_kind {
	SO_EOL = 0, SO_NOP = 1, SO_MSS = 2, SO_WSCALE = 3, SO_SACKOK = 4,
	SO_SACK = 5, SO_TS = 8,
	SO_OTHER = 256,		/* decoded only: kind in a, length in b */
};

struct scr_opt {
	uint16_t kind;		/* enum scr_opt_kind */
	bool wild_a, wild_b;	/* `*` (on `<`: ecr * = our last TSval) */
	uint32_t a, b;		/* MSS / shift / TS val, ecr */
	uint8_t nblocks;	/* SACK blocks (relative on lines) */
	uint32_t blk[4][2];
};

/* A segment as a line writes it, sequence numbers relative. */
struct scr_seg {
	uint8_t flags;		/* RTE_TCP_*_FLAG */
	uint32_t seq, end, len;
	bool has_ack, has_win, has_opts;
	uint32_t ack, win;
	uint8_t nopts;
	struct scr_opt opts[SCR_MAX_OPTS];
};

/* An outbound frame decoded: absolute numbers, payload in a flat copy. */
struct scr_frame {
	bool ipv6;
	uint8_t flags;
	uint32_t seq, ack, len;
	uint16_t win;
	uint8_t nopts;
	struct scr_opt opts[SCR_MAX_OPTS];
	const uint8_t *payload;
	uint8_t flat[SCR_FRAME_MAX];
};

/* ---- lines ---- */

enum scr_kind {
	LK_ENGINE, LK_TOLERANCE, LK_STEP, LK_PEER_ISN,
	LK_CONNECT, LK_LISTEN, LK_OFFLOAD,
	LK_IN, LK_OUT,
	LK_SEND, LK_CLOSE, LK_ABORT, LK_TERMINATE, LK_RELEASE,
	LK_EVENT, LK_RECV, LK_STATE, LK_STAT, LK_QUERY,
	LK_SETOPT, LK_HOLD, LK_TAKE,
};

enum scr_cmp { CMP_EQ, CMP_NE, CMP_GE, CMP_LE, CMP_GT, CMP_LT };

struct scr_kv {
	char key[24];
	char val[40];		/* "" for a bare word (a flag) */
};

struct scr_line {
	int lineno;
	enum scr_kind kind;
	bool has_time;		/* no time column: at the previous line's */
	bool rel;		/* `+x`: after the previous line's actual time */
	bool after;		/* `~`: `>` line, at or after its time */
	int64_t t_us;
	bool old;		/* `old` prefix: the released handle */
	bool has_ret;		/* `-> RET` */
	int ret;
	struct scr_seg seg;			/* LK_IN, LK_OUT */
	uint32_t sizes[SCR_MAX_SIZES];		/* LK_SEND */
	uint8_t nsizes;
	struct scr_kv kv[SCR_MAX_KV];		/* set-up lines */
	uint8_t nkv;
	int ev_kind, ev_status;			/* LK_EVENT; status -1: any */
	bool has_bytes;
	uint64_t value;		/* bytes=, recv N, stat/query value, setopt
				 * value, take N (0: all) ...
				 */
	enum scr_cmp cmp;
	char name[32];		/* state name, stat/query field, option */
};

struct scr_script {
	const char *file;
	int nlines;
	struct scr_line *lines;
};

/* ---- one run ---- */

struct scr_cap {
	struct rte_mbuf *m;
	uint64_t t_us;
};

struct scr_run {
	const struct scr_script *s;
	const struct scr_line *cur;	/* the line being run */
	struct rte_mempool *pool;
	unsigned int pool_size;

	/* engine set-up (`engine` lines) */
	struct ofld_tcp_engine_conf conf;
	struct ofld_tcp_engine *e;
	unsigned int engine_nr;

	/* the connection under test, and the handle released last */
	struct ofld_tcp_conn *conn, *old;
	bool listening;
	bool v6;
	uint16_t our_port, peer_port;
	uint32_t iss, peer_isn;
	bool iss_known;
	bool iss_relearn;	/* a new SYN of the peer: our next SYN-ACK
				 * brings a new ISS (the old one stays for
				 * the old connection's segments meanwhile)
				 */

	/* time, microseconds of virtual time */
	uint64_t now, step, tol, prev_t;

	/* outbound frames, in order */
	struct scr_cap cap[SCR_CAPQ];
	uint32_t cap_head, cap_tail;
	bool cap_overflow;

	/* events but RECV, in order; RECV bytes are counted */
	struct ofld_tcp_event ev[SCR_EVQ];
	uint32_t ev_head, ev_tail;
	bool ev_overflow;
	bool holding;			/* `hold`: events left in the engine */
	uint64_t rcv_base, rcv_got, rcv_claimed;
	bool rcv_bad;
	char rcv_err[200];

	/* requests posted, in order (T4) */
	struct rte_mbuf *req[SCR_REQQ];
	uint32_t req_head, req_tail;
	uint64_t snd_off;

	uint32_t last_tsval;
	bool have_tsval;
	struct ofld_tcp_state term_st;	/* from `terminate` */
	bool terminated;
	bool cleaning;			/* end of run: events just freed */
	uint32_t def_mss, def_rcv_wnd;	/* `engine mss= rcv_wnd=` */

	char err[SCR_ERR_LEN];
	struct scr_frame fr;		/* decode buffer */
	uint8_t in_flat[SCR_FRAME_MAX];	/* an inbound frame, before it is
					 * cut into mbufs
					 */
};

/* ---- script_parse.c ---- */
/** Parse a script file; 0, or -1 after printing file:line: what. */
int scr_parse(const char *file, struct scr_script *s);
void scr_script_free(struct scr_script *s);
const char *scr_event_name(int kind);
const char *scr_status_name(int status);

/* ---- script_wire.c ---- */
/** Our address and the peer's (IPv4 in the first 4 bytes). */
void scr_wire_addrs(const struct scr_run *r, uint8_t *ours, uint8_t *peer);
/** The inbound frame of a `<` line (pattern payload); NULL + r->err. */
struct rte_mbuf *scr_wire_build(struct scr_run *r, const struct scr_seg *g);
/** Decode an outbound frame into r->fr; 0, or -1 + r->err. */
int scr_wire_decode(struct scr_run *r, const struct rte_mbuf *m);
/** Compare r->fr with a `>` line's segment; 0, or -1 + r->err. */
int scr_wire_match(struct scr_run *r, const struct scr_seg *g);
/** Write a line's segment as a script would (relative numbers). */
void scr_wire_fmt_spec(const struct scr_run *r, const struct scr_seg *g,
		       bool out, char *buf, size_t len);
/** Write the decoded r->fr the same way. */
void scr_wire_fmt_frame(const struct scr_run *r, char *buf, size_t len);

/* ---- script_exec.c ---- */
/** Run one line at r->now (time already reached); 0 or -1 + r->err. */
int scr_exec_line(struct scr_run *r, const struct scr_line *l);
/** Create the engine if the script has not yet; 0 or -1 + r->err. */
int scr_exec_engine(struct scr_run *r);

/* ---- tcp_script.c (the time line) ---- */
/** Poll the engine once at r->now and take its events; 0 or -1. */
int scr_poll(struct scr_run *r);
/** Take the engine's events (none while `hold` holds them); 0, or -1
 * (+ r->err).
 */
int scr_drain_events(struct scr_run *r);
/** A new connection: our stream starts at offset snd0 (the next `send`),
 * the peer's at rcv0 (the next byte delivered).
 */
void scr_new_streams(struct scr_run *r, uint64_t snd0, uint64_t rcv0);
/** Take up to n of the engine's events now, held or not; 0 or -1. */
int scr_take_events(struct scr_run *r, uint32_t n);
/** Match a `>` line against the next outbound frame (advances time). */
int scr_expect_out(struct scr_run *r, const struct scr_line *l,
		   uint64_t t_us);
int scr_fail(struct scr_run *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TCP_SCRIPT_H */
