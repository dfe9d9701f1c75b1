/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-perf's report: a run's result from the counters, the summary as
 * text or JSON, the OFLD_PERF_DEBUG line, and the exit status (with the
 * kernel as the peer, what went wrong said on stderr).
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>

#include "perf.h"

/* The pair cable in words: speed, delay and faults when there are. */
void
cable_describe(char *buf, size_t size)
{
	int k;

	k = snprintf(buf, size, "link %u Mbit/s", app.o.speed);
	if (k > 0 && (size_t)k < size && app.o.delay_us != 0)
		k += snprintf(buf + k, size - k, ", delay %u us one way",
			      app.o.delay_us);
	if (k > 0 && (size_t)k < size &&
	    (app.o.loss > 0 || app.o.reorder > 0 || app.o.dup > 0))
		k += snprintf(buf + k, size - k, ", loss %g, reorder %g, "
			      "dup %g, seed %" PRIu64, app.o.loss,
			      app.o.reorder, app.o.dup, app.o.seed);
	if (k > 0 && (size_t)k < size && app.o.ack_loss >= 0)
		snprintf(buf + k, size - k, ", ACK loss %g", app.o.ack_loss);
}

/* The senders' smoothed RTT, as their engines see it now. */
static void
srtt_get(struct result *r)
{
	struct ofld_tcp_state st;
	uint64_t sum = 0;
	uint32_t i, n = 0;

	r->srtt_min_us = UINT32_MAX;
	for (i = 0; i < app.o.conns; i++) {
		if (app.c[i].tx == NULL || !app.c[i].established)
			continue;
		ofld_tcp_query(app.c[i].tx, &st);
		sum += st.srtt_us;
		r->srtt_min_us = RTE_MIN(r->srtt_min_us, st.srtt_us);
		r->srtt_max_us = RTE_MAX(r->srtt_max_us, st.srtt_us);
		n++;
	}
	if (n == 0)
		r->srtt_min_us = 0;
	r->srtt_avg_us = n != 0 ? (double)sum / n : 0;
}

/* The result of a run that measured from t0 to now. */
void
result_get(struct result *r, uint64_t t0, uint64_t now)
{
	struct rte_eth_stats s1;
	uint64_t pk, by, hz = rte_get_tsc_hz();
	double jain_num = 0, jain_den = 0;
	const uint32_t hdrs = 14 + 20 + 20 + 12;
	uint32_t i;

	memset(r, 0, sizeof(*r));
	r->secs = (double)(now - t0) / hz;
	if (r->secs <= 0)
		r->secs = 1e-9;
	wire_get(&pk, &by);
	rte_eth_stats_get(app.rx_port, &s1);
	r->rx_ipackets = s1.ipackets;
	r->retrans = xstat_tcp(app.tx_port, "retrans_segs");
	r->got = delivered();
	for (i = 0; i < app.o.conns; i++) {
		const struct conn *c = &app.c[i];
		double g = app.o.kernel && !app.o.recv ? c->sent_done :
			c->received;

		r->bad += c->bad_bytes;
		r->reqs += c->done_reqs;
		r->failed += c->failed_reqs;
		r->closed_ok += c->closed &&
			c->close_status == OFLD_TCP_SUCCESS;
		jain_num += g;
		jain_den += g * g;
	}
	r->goodput = r->got * 8 / r->secs / 1e9;
	r->wire = (by + 24.0 * pk) * 8 / r->secs / 1e9;
	r->mpps = pk / r->secs / 1e6;
	if (!app.o.kernel) {
		uint32_t mss = app.o.mtu - (app.o.ipv6 ? 60 : 40) - 12;
		uint32_t frame = mss + hdrs + (app.o.ipv6 ? 20 : 0) + 24;

		r->max_goodput = app.o.speed ? app.o.speed / 1e3 * mss / frame :
			0;
	}
	r->cpb = r->got ? (double)(now - t0) * (app.lcore_per_queue ?
		2.0 * app.o.queues : 1 + (app.rx_lc < RTE_MAX_LCORE) +
		(app.svc_lc < RTE_MAX_LCORE)) / r->got : 0;
	r->jain = jain_den > 0 ? jain_num * jain_num /
		(app.o.conns * jain_den) : 0;
	srtt_get(r);
	r->steal = app.steal;
}

/* The JSON members of the pair cable and the window (null with the
 * kernel, where the faults are net_ofld's device arguments).
 */
static void
report_json_cable(const struct result *r)
{
	if (app.o.kernel)
		printf("\"loss\": null, \"ack_loss\": null, \"reorder\": null, "
		       "\"dup\": null, "
		       "\"delay_us\": null, \"seed\": null, ");
	else
		printf("\"loss\": %.9g, \"ack_loss\": %.9g, \"reorder\": "
		       "%.9g, \"dup\": %.9g, \"delay_us\": %u, \"seed\": %"
		       PRIu64 ", ", app.o.loss, app.o.ack_loss < 0 ?
		       app.o.loss : app.o.ack_loss, app.o.reorder, app.o.dup,
		       app.o.delay_us,
		       app.o.seed);
	printf("\"rcv_wnd\": %u, \"srtt_us\": %.1f, ", app.o.rcv_wnd,
	       r->srtt_avg_us);
}

/* The engine counters of a loss run, per side (tcp_qN_NAME xstats, summed
 * over the queues).
 */
static const char *const sender_xstats[] = {
	"segs_out", "retrans_segs", "fast_retrans", "rto_fired",
	"sack_recoveries", "reno_recoveries", "rack_marked", "tlp_sent",
	"tlp_recovered", "spurious_undone", "dsack_in", "sack_blocks_in",
	"smap_nomem", "trk_busy", "tso_bursts",
};
static const char *const receiver_xstats[] = {
	"segs_in", "ooo_held", "ooo_dropped", "dsack_out", "sack_blocks_out",
	"rcv_wnd_full", "rcv_nomem",
};

/* "KEY": {"NAME": value, ...} of a port's engine, or "KEY": null. */
static void
report_json_xstats(const char *key, bool have, uint16_t port,
		   const char *const *names, unsigned int n)
{
	unsigned int i;

	printf("\"%s\": ", key);
	if (!have) {
		printf("null, ");
		return;
	}
	for (i = 0; i < n; i++) {
		printf("%s\"%s\": %" PRIu64, i == 0 ? "{" : ", ", names[i],
		       xstat_tcp(port, names[i]));
	}
	printf("}, ");
}

/* The sending and the receiving engine's counters (the sender's since
 * the measurement started); with the kernel, only ofld's side.
 */
static void
report_json_engines(void)
{
	bool snd = !app.o.kernel || !app.o.recv;
	bool rcv = !app.o.kernel || app.o.recv;
	char name[RTE_ETH_XSTATS_NAME_SIZE];
	static const char *const paths[] = {
		"tso_down", "gso_sends", "csum_down", "csum_here",
		"prepare_refused", "linearized", "linear_nomem",
	};
	unsigned int i;
	uint64_t sum;

	report_json_xstats("sender_xstats", snd, app.tx_port, sender_xstats,
			   RTE_DIM(sender_xstats));
	report_json_xstats("receiver_xstats", rcv, app.rx_port,
			   receiver_xstats, RTE_DIM(receiver_xstats));
	/* which path our frames took to the lower port (N3) */
	printf("\"lower_path\": ");
	for (i = 0; i < RTE_DIM(paths); i++) {
		sum = 0;
		for (uint16_t q = 0; app.o.kernel && q < app.o.queues; q++) {
			snprintf(name, sizeof(name), "tx_q%u_%s", q, paths[i]);
			sum += xstat(app.tx_port, name);
		}
		if (!app.o.kernel)
			break;
		printf("%s\"%s\": %" PRIu64, i == 0 ? "{" : ", ", paths[i],
		       sum);
	}
	printf("%s, ", app.o.kernel ? "}" : "null");
}

/* The summary as one line of JSON. */
static void
report_json(const struct result *r)
{
	const char *dir = !app.o.kernel ? "send" : app.o.recv ? "recv" :
		"send";
	char lat[128] = "null", maxg[32] = "null", bad[32] = "null";
	char reqs[64] = "null", waited[96] = "null";

	if (!app.o.recv) {
		snprintf(lat, sizeof(lat), "{\"p50\": %.1f, \"p99\": "
			 "%.1f, \"p99.9\": %.1f}", hist_pct(0.5),
			 hist_pct(0.99), hist_pct(0.999));
		snprintf(reqs, sizeof(reqs), "%" PRIu64, r->reqs);
	}
	if (!app.o.kernel)
		snprintf(maxg, sizeof(maxg), "%.3f", r->max_goodput);
	if (r->steal.known)
		snprintf(waited, sizeof(waited), "{\"lcores\": %u, \"ms\": "
			 "%.3f, \"pct\": %.2f}", r->steal.lcores,
			 r->steal.wait_ms, r->steal.pct);
	if (!app.o.kernel || app.o.recv)
		snprintf(bad, sizeof(bad), "%" PRIu64, r->bad);
	printf("{\"peer\": \"%s\", \"direction\": \"%s\", ",
	       app.o.kernel ? "kernel" : "pair", dir);
	if (app.o.kernel)
		printf("\"iface\": \"%s\", \"checked_by\": \"%s\", "
		       "\"connections_closed_ok\": %u, "
		       "\"requests_failed\": %" PRIu64 ", ",
		       app.kt.iface, app.o.recv ? "ofld-perf" :
		       "kernel-peer", r->closed_ok, r->failed);
	report_json_cable(r);
	report_json_engines();
	printf("\"connections\": %u, \"request_size\": %u, "
	       "\"ipv6\": %s, \"mtu\": %u, \"speed_mbps\": %u, "
	       "\"cc\": \"%s\", \"engine\": \"%s\", \"seconds\": %.3f, "
	       "\"bytes_received\": %" PRIu64 ", \"bytes_bad\": %s, "
	       "\"requests_completed\": %s, "
	       "\"goodput_gbps\": %.3f, \"max_goodput_gbps\": %s, "
	       "\"wire_gbps\": %.3f, \"wire_mpps\": %.3f, "
	       "\"retransmitted_segments\": %" PRIu64 ", "
	       "\"latency_us\": %s, \"cycles_per_byte\": %.3f, "
	       "\"jain_fairness\": %.4f, \"conn_state_bytes\": %zu, "
	       "\"queues\": %u, \"placement\": \"%s\", "
	       "\"handed_off\": %" PRIu64 ", \"lcores_waited\": %s}\n",
	       app.o.conns, app.o.req_size, app.o.ipv6 ? "true" : "false",
	       app.o.mtu, app.o.kernel ? 0 : app.o.speed,
	       app.o.cc ? "cubic" : "newreno",
	       app.o.service ? "service" : "inline", r->secs, r->got,
	       bad, reqs, r->goodput, maxg, r->wire, r->mpps,
	       r->retrans, lat, r->cpb, r->jain, ofld_tcp_conn_size(),
	       app.o.queues, app.o.fixed_ports ? "fixed" : "placed",
	       xstat_rxq(app.tx_port, "handed_off") +
	       (app.o.kernel ? 0 : xstat_rxq(app.rx_port, "handed_off")),
	       waited);
}

/* How the sender recovered, from its engine's counters. */
static void
report_recovery(void)
{
	printf("  %-28s %10" PRIu64 " SACK + %" PRIu64 " dup-ACK recoveries, "
	       "%" PRIu64 " RTOs, %" PRIu64 " TLPs, %" PRIu64 " undone\n",
	       "loss recovery", xstat_tcp(app.tx_port, "sack_recoveries"),
	       xstat_tcp(app.tx_port, "reno_recoveries"),
	       xstat_tcp(app.tx_port, "rto_fired"),
	       xstat_tcp(app.tx_port, "tlp_sent"),
	       xstat_tcp(app.tx_port, "spurious_undone"));
}

/* The summary as text. */
static void
report_text(const struct result *r)
{
	char cable[160];

	printf("\nsummary\n");
	if (app.o.kernel) {
		printf("  %-28s Linux kernel on %s, %s\n", "peer", app.kt.iface,
		       app.o.recv ? "kernel -> ofld" : "ofld -> kernel");
	} else {
		cable_describe(cable, sizeof(cable));
		printf("  %-28s %s\n", "pair cable", cable);
	}
	printf("  %-28s %10.2f s\n", "time", r->secs);
	if (app.o.kernel && !app.o.recv)
		printf("  %-28s %10" PRIu64 " B (checked by the kernel peer)\n",
		       "acknowledged by the kernel", r->got);
	else
		printf("  %-28s %10" PRIu64 " B (%" PRIu64 " bad)\n",
		       "received and checked", r->got, r->bad);
	if (!app.o.recv)
		printf("  %-28s %10" PRIu64 " (%" PRIu64 " failed)\n",
		       "requests completed", r->reqs, r->failed);
	if (app.o.kernel)
		printf("  %-28s %10u of %u\n", "connections closed cleanly",
		       r->closed_ok, app.o.conns);
	printf("  %-28s %10.3f Gbit/s", "goodput", r->goodput);
	if (r->max_goodput > 0)
		printf("  (%.1f%% of the %.3f Gbit/s the link allows)",
		       r->goodput / r->max_goodput * 100, r->max_goodput);
	printf("\n  %-28s %10.3f Gbit/s, %.3f Mpps%s\n", "wire", r->wire,
	       r->mpps, app.o.recv ? " (received)" : "");
	if (app.o.lro)
		printf("  %-28s %10" PRIu64 " sent, %" PRIu64 " received whole "
		       "(LRO)\n", "TSO bursts",
		       xstat_tcp(app.tx_port, "tso_bursts"),
		       xstat_rxq(app.rx_port, "lro"));
	if (!app.o.recv) {
		printf("  %-28s %10" PRIu64 " segments\n", "retransmitted",
		       r->retrans);
		if (r->retrans != 0)
			report_recovery();
		printf("  %-28s %10.1f / %.1f / %.1f us\n",
		       "completion p50/p99/p99.9", hist_pct(0.5),
		       hist_pct(0.99), hist_pct(0.999));
		printf("  %-28s %10.3f / %.3f / %.3f ms (2 x delay %.3f)\n",
		       "srtt min/avg/max", r->srtt_min_us / 1e3,
		       r->srtt_avg_us / 1e3, r->srtt_max_us / 1e3,
		       2 * app.o.delay_us / 1e3);
	}
	printf("  %-28s %10.3f%s\n", "CPU cycles per byte", r->cpb,
	       app.o.kernel ? " (ofld's lcores; not the kernel's)" : "");
	printf("  %-28s %10.4f\n", "fairness (Jain)", r->jain);
	if (r->steal.known)
		printf("  %-28s %10.1f ms, %.2f%% of the run (%u lcores, "
		       "runnable, not running)\n", "lcores waited for CPU",
		       r->steal.wait_ms, r->steal.pct, r->steal.lcores);
	if (app.o.queues > 1)
		printf("  %-28s %10u per port, %s, %s ports: %" PRIu64
		       " segments handed to their queue\n", "queues",
		       app.o.queues, app.lcore_per_queue ? "an lcore each" :
		       "polled in turn", app.o.fixed_ports ? "fixed" : "placed",
		       xstat_rxq(app.tx_port, "handed_off") + (app.o.kernel ?
		       0 : xstat_rxq(app.rx_port, "handed_off")));
	printf("  %-28s %10zu B in the NIC (+%zu B in this app)\n",
	       "state per connection", ofld_tcp_conn_size(),
	       sizeof(struct conn) + (app.o.depth + 1) * sizeof(uint64_t));
}

/* The summary: JSON (--json) or text. */
void
report(const struct result *r)
{
	if (app.o.json)
		report_json(r);
	else
		report_text(r);
}

/* Exit status of a kernel run, saying on stderr what went wrong. */
static int
kernel_verdict(const struct result *r)
{
	uint64_t per_conn_limit = app.per_conn_limit;
	uint32_t i;
	int ret = 0;

	for (i = 0; i < app.o.conns; i++) {
		const struct conn *c = &app.c[i];
		uint64_t got = app.o.recv ? c->received : c->sent_done;

		if (!app.o.recv && !c->established) {
			fprintf(stderr, "ofld-perf: connection %u to "
				"%s port %u never established (%s): is "
				"kernel-peer.py sink running in this "
				"namespace?\n", i, app.o.ipv6 ?
				APP_KTAP_KERNEL_IP6 : APP_KTAP_KERNEL_IP4,
				SERVER_PORT, !c->closed ? "no answer" :
				c->close_status == OFLD_TCP_ABORTED_BY_PEER ?
				"refused" : "failed");
			ret = 1;
			continue;
		}
		if (app.o.recv && !c->peer_fin) {
			fprintf(stderr, "ofld-perf: connection %u (kernel port "
				"%u) %s\n", i, 10000 + i, c->accepted ?
				"not ended by the kernel" : "never came");
			ret = 1;
		}
		if (!c->closed || c->close_status != OFLD_TCP_SUCCESS) {
			fprintf(stderr, "ofld-perf: connection %u not closed "
				"cleanly (%s, status %d)\n", i, c->closed ?
				"closed" : "still open", c->close_status);
			ret = 1;
		}
		if (per_conn_limit != 0 && got != per_conn_limit) {
			fprintf(stderr, "ofld-perf: connection %u: %" PRIu64
				" B, expected %" PRIu64 "\n", i, got,
				per_conn_limit);
			ret = 1;
		}
	}
	if (r->failed != 0 || r->bad != 0 || r->got == 0 || app.strays != 0) {
		fprintf(stderr, "ofld-perf: %" PRIu64 " request(s) failed, %"
			PRIu64 " bad byte(s), %" PRIu64 " byte(s) delivered, %"
			PRIu64 " unexpected connection(s)\n", r->failed, r->bad,
			r->got, app.strays);
		ret = 1;
	}
	return ret;
}

/* With OFLD_PERF_DEBUG in the environment: the engines' counters. */
void
report_debug(const struct result *r)
{
	if (getenv("OFLD_PERF_DEBUG") == NULL)
		return;
	fprintf(stderr, "tx segs_out %" PRIu64 " hs %" PRIu64 "; rx syn_in %"
		PRIu64 " hs %" PRIu64 " segs_in %" PRIu64 " not_ours %" PRIu64
		" ipackets %" PRIu64 " rx mac_filtered %" PRIu64 "\n",
		xstat_tcp(app.tx_port, "segs_out"),
		xstat_tcp(app.tx_port, "handshakes"),
		xstat_tcp(app.rx_port, "syn_in"),
		xstat_tcp(app.rx_port, "handshakes"),
		xstat_tcp(app.rx_port, "segs_in"),
		xstat_tcp(app.rx_port, "not_ours"), r->rx_ipackets,
		xstat_rxq(app.rx_port, "mac_filtered"));
}

/* The exit status of a run: 0 when every byte arrived as sent. */
int
verdict(const struct result *r)
{
	if (app.o.kernel)
		return kernel_verdict(r);
	return r->bad != 0 || r->got == 0 ? 1 : 0;
}
