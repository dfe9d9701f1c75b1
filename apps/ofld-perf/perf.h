/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_PERF_H
#define OFLD_PERF_H

/*
 * ofld-perf's shared types (options, a connection, the application state,
 * a run's result), its constants, and the functions one file offers
 * another, grouped by file. What the application does is described at the
 * top of main.c.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_mbuf.h>

#include "app_ktap.h"
#include "app_pattern.h"
#include "rte_pmd_ofld.h"

#define HIST_BUCKETS	(64 * 16)
#define SERVER_PORT	5001
#define LISTEN_COOKIE	UINT64_MAX

struct opts {
	uint32_t req_size;
	uint32_t conns;
	double seconds;
	uint64_t total_bytes;
	uint32_t speed;
	uint16_t mtu;
	bool ipv6;
	uint8_t cc;
	bool service;
	bool tx_free_receiver;	/* --tx-free receiver */
	bool json;
	bool quiet;
	uint32_t depth;		/* requests outstanding per connection */
	bool kernel;		/* --peer kernel */
	bool recv;		/* --direction recv: ofld receives */
	bool speed_set;
	/* the pair cable: net_ofld device arguments of both ports */
	double loss, reorder, dup;	/* fault probabilities */
	double ack_loss;		/* the receiver's port; < 0: loss */
	uint32_t delay_us;		/* one way */
	uint64_t seed;
	bool cable_set;			/* one of them given */
	uint32_t rcv_wnd;		/* bytes each end advertises */
	uint16_t queues;		/* queue pairs per port (pair) */
	bool fixed_ports;		/* --placement fixed: 10000 + i */
	bool lro;			/* --lro: receiving ports with LRO */
};

struct conn {
	struct ofld_tcp_conn *tx, *rx;
	uint32_t start;			/* where its stream starts in the region */
	uint64_t posted, sent_done, received;
	uint64_t posted_reqs, done_reqs;
	uint64_t bad_bytes;
	uint64_t failed_reqs;			/* completed, not acked */
	uint64_t *post_tsc;			/* ring of post times */
	uint32_t post_cap;
	bool connected, accepted;
	bool established;			/* connected once */
	bool closing, closed, peer_fin;		/* --peer kernel */
	int close_status;
	uint16_t txq, rxq;	/* the queues its two ends live on */
};

/* steal.c: the lcores' time waiting for their CPU during a run */
#define STEAL_TASKS_MAX	64
struct steal_task {
	int tid;
	uint64_t run_ns, wait_ns;
};
struct steal_snap {
	struct steal_task t[STEAL_TASKS_MAX];
	int n;
	bool ok;		/* every task's schedstat read */
	double ns;		/* TSC time of the snapshot */
};
struct steal {
	bool known;
	unsigned int lcores;	/* the threads that ran the most */
	double wait_ms;		/* their run-queue wait, summed */
	double pct;		/* of the run */
};
void steal_snap(struct steal_snap *s);
void steal_result(const struct steal_snap *a, const struct steal_snap *b,
		  unsigned int n, struct steal *r);

struct app {
	struct opts o;
	/* one pattern region for all connections, each starting elsewhere */
	struct app_pattern pat;
	uint16_t tx_port, rx_port;
	struct rte_mempool *pool, *ext_pool;
	struct rte_mempool *rx_pool;	/* receive queues': pool, or jumbo */
	struct conn *c;
	uint64_t hist[HIST_BUCKETS];	/* completion latency, log2 x 16 */
	uint64_t lat_n;
	volatile bool rx_stop;
	uint64_t received_total, psh_seen;
	struct app_ktap kt;		/* --peer kernel */
	uint64_t strays;		/* unexpected kernel connections */
	uint64_t last_rx_tsc;		/* recv: when data last came */
	uint64_t per_conn_limit;	/* --bytes per connection; 0: none */
	bool posting;			/* requests still being posted */
	/* lcores: the receiving port's (pair, inline engine) and the
	 * service one (--engine service); RTE_MAX_LCORE: none
	 */
	uint32_t rx_lc, svc_lc, svc_id;
	/* --queues, placed: the sender's local port -> index + 1 */
	uint32_t *by_port;
	/* --queues N with 2 x N lcores: each queue of each port has its
	 * own (queue 0 of the sender: the main lcore)
	 */
	bool lcore_per_queue;
	struct steal steal;	/* of the last run (run()) */
	volatile bool queue_lcores_on;	/* they poll: main polls queue 0 */
};

/* The one application state (main.c). */
extern struct app app;

struct result {
	double secs, goodput, max_goodput, wire, mpps, cpb, jain;
	double srtt_avg_us;		/* senders' smoothed RTT at the end */
	uint32_t srtt_min_us, srtt_max_us;
	uint64_t got, bad, reqs, failed, retrans;
	uint32_t closed_ok;
	uint64_t rx_ipackets;		/* for OFLD_PERF_DEBUG */
	struct steal steal;		/* what the machine took from lcores */
};

/* opts.c */
int opts_get(int argc, char **argv, struct opts *o, int *eal_argc);

/* traffic.c */
int traffic_init(void);
double hist_pct(double p);
void rx_event(uint16_t port, uint16_t q, struct ofld_tcp_event *ev);
void poll_queues(uint16_t port, bool rx_side, uint64_t now);
void rx_events(void);
int rx_lcore(void *arg);
#define QUEUE_LCORE_RX	((uintptr_t)1 << 16)
int queue_lcore(void *arg);
void tx_event(struct ofld_tcp_event *ev, uint64_t now);
void tx_events(uint64_t now);

/* setup.c */
int setup_memory(void);
int setup_open(void);
uint64_t xstat(uint16_t port, const char *name);
uint64_t xstat_tcp(uint16_t port, const char *name);
uint64_t xstat_rxq(uint16_t port, const char *name);

/* run.c */
void run_catch_signals(void);
void run_banner(void);
uint64_t run(uint64_t *t0);
uint64_t delivered(void);
void wire_get(uint64_t *pk, uint64_t *by);
void run_close(void);

/* report.c */
void cable_describe(char *buf, size_t size);
void result_get(struct result *r, uint64_t t0, uint64_t now);
void report(const struct result *r);
void report_debug(const struct result *r);
int verdict(const struct result *r);

#endif /* OFLD_PERF_H */
