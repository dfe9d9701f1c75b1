/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf: large sends on offloaded TCP connections between two
 * net_ofld ports on the in-memory pair cable, at a chosen link speed; or
 * (--peer kernel) between a net_ofld port stacked on net_tap and the
 * Linux kernel of the network namespace it runs in, either way
 * (--direction send: ofld sends to kernel sockets; recv: kernel sockets
 * send to ofld's listener).
 *
 * The receiving port listens, the sending port connects N connections
 * (MSS, window scale, timestamps negotiated), then keeps every connection
 * busy with requests of one size. Request payload is zero copy: each
 * request is a chain of mbufs attached (external buffers) to slices of a
 * per-connection pattern region, so the sender writes nothing per byte.
 * The receiver compares every byte it gets with that region and counts
 * PSH boundaries. One line per second, then a summary (and --json).
 *
 * With the kernel as the peer the other end is apps/ofld-perf/
 * kernel-peer.py (a sink or a source of the same pattern, which checks or
 * produces every byte); apps/ofld-perf/perf-kernel.py runs both in a
 * network namespace of its own.
 */

/* This file: the application state and main(), which runs the steps the
 * other files own: opts.c (the command line), setup.c (memory, ports,
 * opening the connections), traffic.c (the pattern, requests, both sides'
 * events), run.c (the run and the end), report.c (the summary, the exit
 * status).
 */

#include <stdio.h>

#include <rte_eal.h>
#include <rte_lcore.h>

#include "perf.h"

struct app app = {
	.posting = true,
	.rx_lc = RTE_MAX_LCORE,
	.svc_lc = RTE_MAX_LCORE,
};

int
main(int argc, char **argv)
{
	struct result r;
	uint64_t t0, now;
	int ret, eal_argc;

	/* options first: a bad one stops us before EAL does anything */
	ret = opts_get(argc, argv, &app.o, &eal_argc);
	if (ret != 0)
		return ret > 0 ? 0 : 2;
	ret = rte_eal_init(eal_argc, argv);
	if (ret < 0) {
		fprintf(stderr, "ofld-perf: cannot initialise EAL\n");
		return 1;
	}
	run_catch_signals();
	ret = setup_memory();
	if (ret == 0)
		ret = setup_open();
	if (ret != 0)
		return ret;
	if (app.o.total_bytes != 0)
		app.per_conn_limit = (app.o.total_bytes + app.o.conns - 1) /
			app.o.conns;
	run_banner();
	now = run(&t0);

	result_get(&r, t0, now);
	report(&r);
	fflush(stdout);
	report_debug(&r);
	ret = verdict(&r);
	run_close();
	return ret;
}
