/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf's run: the start line, the loops that send (pair, or ofld to
 * the kernel) and receive (the kernel to ofld), the progress lines, the
 * closing of connections and, at the end, of everything. Owns the stop
 * signal (SIGINT, SIGTERM).
 */

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_service.h>

#include "perf.h"

static volatile bool stop_signal;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	stop_signal = true;
}

void
run_catch_signals(void)
{
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
}

/* The line that says what the run is (not with --json). */
void
run_banner(void)
{
	char cable[160];

	cable_describe(cable, sizeof(cable));
	if (app.o.json)
		;
	else if (!app.o.kernel)
		printf("ofld-perf: %u connection(s), %u-byte requests, %s, MTU "
		       "%u, %s, %s, engine %s, %u queue(s)\n", app.o.conns,
		       app.o.req_size, app.o.ipv6 ? "IPv6" : "IPv4", app.o.mtu,
		       cable, app.o.cc == OFLD_TCP_CC_CUBIC ? "CUBIC" :
		       "NewReno", app.o.service ? "on a service lcore" :
		       "inline", app.o.queues);
	else if (app.o.recv)
		printf("ofld-perf: the Linux kernel on %s sends, ofld receives: "
		       "listening on %s port %u for %u connection(s), %s, MTU "
		       "%u, engine %s\n", app.kt.iface, app.o.ipv6 ?
		       APP_KTAP_OFLD_IP6 : APP_KTAP_OFLD_IP4, SERVER_PORT,
		       app.o.conns, app.o.ipv6 ? "IPv6" : "IPv4", app.o.mtu,
		       app.o.service ? "on a service lcore" : "inline");
	else
		printf("ofld-perf: ofld sends to the Linux kernel on %s (%s "
		       "port %u): %u connection(s), %u-byte requests, %s, MTU "
		       "%u, %s, engine %s\n", app.kt.iface, app.o.ipv6 ?
		       APP_KTAP_KERNEL_IP6 : APP_KTAP_KERNEL_IP4, SERVER_PORT,
		       app.o.conns, app.o.req_size, app.o.ipv6 ? "IPv6" : "IPv4",
		       app.o.mtu, app.o.cc == OFLD_TCP_CC_CUBIC ? "CUBIC" :
		       "NewReno", app.o.service ? "on a service lcore" :
		       "inline");
	fflush(stdout);
}

/* ---- what the run has done so far ------------------------------------- */

/* Bytes the receiving end has got: checked here (pair, kernel recv) or
 * acknowledged by the kernel (kernel send).
 */
uint64_t
delivered(void)
{
	uint64_t sum = 0;
	uint32_t i;

	if (!app.o.kernel || app.o.recv)
		return app.received_total;
	for (i = 0; i < app.o.conns; i++)
		sum += app.c[i].sent_done;
	return sum;
}

/* Frames on the measured wire: sent (pair, kernel send) or received
 * (kernel recv) by our port.
 */
void
wire_get(uint64_t *pk, uint64_t *by)
{
	struct rte_eth_stats s;

	rte_eth_stats_get(app.o.recv ? app.rx_port : app.tx_port, &s);
	*pk = app.o.recv ? s.ipackets : s.opackets;
	*by = app.o.recv ? s.ibytes : s.obytes;
}

static uint32_t
count_conns(bool accepted, bool peer_fin, bool closed)
{
	uint32_t i, n = 0;

	for (i = 0; i < app.o.conns; i++)
		n += (!accepted || app.c[i].accepted) &&
			(!peer_fin || app.c[i].peer_fin) &&
			(!closed || app.c[i].closed);
	return n;
}

static uint64_t
in_flight(void)
{
	struct ofld_tcp_state st;
	uint64_t sum = 0;
	uint32_t i;

	for (i = 0; i < app.o.conns; i++) {
		if (app.c[i].tx == NULL)
			continue;
		ofld_tcp_query(app.c[i].tx, &st);
		sum += st.snd_max - st.snd_una;
	}
	return sum;
}

/* Everything posted has completed (the run can end). */
static bool
done_all_posted(void)
{
	uint32_t i;

	for (i = 0; i < app.o.conns; i++)
		if (app.c[i].done_reqs != app.c[i].posted_reqs)
			return false;
	return true;
}

/* ---- running ---------------------------------------------------------- */

/* With the kernel: our one port, receiving or sending. */
static void
kernel_events(uint16_t port, uint64_t now)
{
	poll_queues(port, app.o.recv, now);
}

/* Close every connection the kernel did not end, once. */
static void
close_all(void)
{
	uint32_t i;
	struct conn *c;

	for (i = 0; i < app.o.conns; i++) {
		c = &app.c[i];
		if (c->closing || c->closed)
			continue;
		c->closing = true;
		if (c->tx != NULL)
			rte_pmd_ofld_tcp_close(app.tx_port, c->txq, c->tx);
		else if (c->rx != NULL)
			rte_pmd_ofld_tcp_close(app.rx_port, c->rxq, c->rx);
	}
}

static void
progress(uint64_t now, uint64_t t0, uint64_t *t_last, uint64_t *last)
{
	double dt = (double)(now - *t_last) / rte_get_tsc_hz();
	uint64_t pk, by, got = delivered();

	wire_get(&pk, &by);
	printf("%6.1f s  goodput %8.3f Gbit/s  ", (double)(now - t0) /
	       rte_get_tsc_hz(), (got - last[0]) * 8 / dt / 1e9);
	if (!app.o.kernel)
		printf("wire %5.1f%%  ", app.o.speed ? ((by - last[2]) +
		       24.0 * (pk - last[1])) * 8 / dt / (app.o.speed * 1e6) *
		       100 : 0.0);
	else
		printf("wire %7.3f Gbit/s  ", ((by - last[2]) +
		       24.0 * (pk - last[1])) * 8 / dt / 1e9);
	printf("%7.3f Mpps  ", (pk - last[1]) / dt / 1e6);
	if (app.o.recv)
		printf("connections %u open, %u closed by the kernel\n",
		       count_conns(true, false, false) -
		       count_conns(true, true, false),
		       count_conns(true, true, false));
	else
		printf("%8.0f compl/s  retrans %" PRIu64 "  in flight %" PRIu64
		       " B\n", (double)(app.lat_n - last[3]) / dt,
		       xstat_tcp(app.tx_port, "retrans_segs"), in_flight());
	fflush(stdout);
	last[0] = got;
	last[1] = pk;
	last[2] = by;
	last[3] = app.lat_n;
	*t_last = now;
}

/* Pair, or the kernel as the receiver: post for --seconds (or --bytes),
 * then wait for completions; with the kernel, close and wait for CLOSED.
 * Returns the time the measurement ends.
 */
static uint64_t
run_send(uint64_t t0, uint64_t hz, uint64_t per_conn_limit)
{
	uint64_t t_end = t0 + (uint64_t)(app.o.seconds * hz), now = t0;
	uint64_t t_last = t0, t_stop = 0, last[4] = { 0 };
	uint32_t i;

	for (;;) {
		bool all_done = per_conn_limit != 0;

		now = rte_get_tsc_cycles();
		app.posting = now < t_end && !stop_signal;
		if (app.o.kernel) {
			kernel_events(app.tx_port, now);
		} else {
			if (app.rx_lc >= RTE_MAX_LCORE && !app.lcore_per_queue)
				rx_events();
			tx_events(now);
		}
		if (all_done) {
			for (i = 0; all_done && i < app.o.conns; i++)
				all_done = app.c[i].sent_done >= per_conn_limit;
		}
		if (t_stop == 0 && (all_done || (!app.posting &&
						 done_all_posted()))) {
			t_stop = now;
			if (!app.o.kernel)
				break;
			app.posting = false;
			close_all();
		}
		if (app.o.kernel) {
			if (count_conns(false, false, true) == app.o.conns) {
				/* all closed: by us, or refused / reset */
				if (t_stop == 0)
					t_stop = now;
				break;
			}
			if (t_stop != 0 && now >= t_stop + 5 * hz)
				break;	/* the kernel did not close: report */
			for (i = 0; t_stop == 0 && now >= t0 + 10 * hz &&
			     i < app.o.conns; i++)
				if (!app.c[i].established && !app.c[i].closed)
					break;
			if (t_stop == 0 && i < app.o.conns &&
			    now >= t0 + 10 * hz) {
				fprintf(stderr, "ofld-perf: connection %u: no "
					"answer from the kernel in 10 s\n", i);
				t_stop = now;
				break;
			}
		}
		if (now >= t_end + 5 * hz) {
			if (t_stop == 0)
				t_stop = now;
			break;	/* the tail did not drain: report it */
		}
		if (now - t_last >= hz && !app.o.json && !app.o.quiet)
			progress(now, t0, &t_last, last);
	}
	app.rx_stop = true;
	rte_eal_mp_wait_lcore();
	app.queue_lcores_on = false;	/* every queue is main's again */
	if (!app.o.kernel)
		rx_events();
	return t_stop != 0 ? t_stop : now;
}

/* The kernel as the sender: from the first accepted connection until every
 * connection has been closed by the kernel. Returns the end time and sets
 * *t0 to the start.
 */
static uint64_t
run_recv(uint64_t *t0, uint64_t hz)
{
	uint64_t start = rte_get_tsc_cycles(), now = start, t_last = 0;
	uint64_t t_stop = 0, last[4] = { 0 }, seen = 0;

	*t0 = 0;
	for (;;) {
		now = rte_get_tsc_cycles();
		kernel_events(app.rx_port, now);
		if (*t0 == 0 && count_conns(true, false, false) != 0) {
			*t0 = now;
			t_last = now;
			app.last_rx_tsc = now;
		}
		if (app.received_total != seen) {
			seen = app.received_total;
			app.last_rx_tsc = now;
		}
		if (t_stop == 0 && *t0 != 0 &&
		    count_conns(true, true, false) == app.o.conns)
			t_stop = now;	/* every connection ended by the kernel */
		if (t_stop == 0 && stop_signal) {
			t_stop = now;
			close_all();
		}
		if (t_stop == 0 && *t0 == 0 && now >= start + 60 * hz) {
			fprintf(stderr, "ofld-perf: no connection from the kernel "
				"in 60 s (start apps/ofld-perf/kernel-peer.py "
				"source in the namespace)\n");
			t_stop = now;
		}
		if (t_stop == 0 && *t0 != 0 && now >= app.last_rx_tsc + 10 * hz) {
			fprintf(stderr, "ofld-perf: nothing received for 10 s: "
				"%u of %u connection(s) ended by the kernel\n",
				count_conns(true, true, false), app.o.conns);
			t_stop = now;
			close_all();
		}
		if (t_stop != 0 && (count_conns(false, false, true) ==
				    app.o.conns || now >= t_stop + 5 * hz ||
				    *t0 == 0))
			break;
		if (*t0 != 0 && now - t_last >= hz && !app.o.json &&
		    !app.o.quiet)
			progress(now, *t0, &t_last, last);
	}
	if (*t0 == 0)
		*t0 = start;
	rte_eal_mp_wait_lcore();
	return t_stop;
}

/* Run: from the start of the measurement (*t0) to its end (returned). */
uint64_t
run(uint64_t *t0)
{
	static struct steal_snap s0, s1;	/* 3 KiB: not on the stack */
	uint64_t hz = rte_get_tsc_hz(), end;

	rte_eth_stats_reset(app.o.recv ? app.rx_port : app.tx_port);
	steal_snap(&s0);
	*t0 = rte_get_tsc_cycles();
	if (app.o.kernel && app.o.recv)
		end = run_recv(t0, hz);
	else
		end = run_send(*t0, hz, app.per_conn_limit);
	steal_snap(&s1);
	steal_result(&s0, &s1, rte_lcore_count(), &app.steal);
	return end;
}

/* Stop the service lcore, close the ports, free what is ours, end EAL. */
void
run_close(void)
{
	uint32_t i;

	if (app.o.service) {
		rte_service_runstate_set(app.svc_id, 0);
		rte_service_lcore_stop(app.svc_lc);
	}
	rte_eth_dev_stop(app.tx_port);
	rte_eth_dev_close(app.tx_port);
	if (app.rx_port != app.tx_port) {
		rte_eth_dev_stop(app.rx_port);
		rte_eth_dev_close(app.rx_port);
	}
	for (i = 0; i < app.o.conns; i++)
		free(app.c[i].post_tsc);
	app_pattern_free(&app.pat);
	rte_eal_cleanup();
}
