/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * What a user sees of net_ofld's TCP engines (W3): their counters as
 * named xstats per queue (tcp_qN_*), and per-connection state through DPDK
 * telemetry (/ofld/tcp/conns, /ofld/tcp/conn).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <arpa/inet.h>
#include <pthread.h>
#include <sys/socket.h>

#include <ethdev_driver.h>
#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "ofld_private.h"

#define TCPS(f) { #f, offsetof(struct ofld_tcp_stats, f) }
static const struct {
	const char *name;
	size_t off;
} tcp_xstats[] = {
	TCPS(segs_out), TCPS(bytes_out), TCPS(retrans_segs),
	TCPS(retrans_bytes), TCPS(fast_retrans), TCPS(rto_fired),
	TCPS(segs_in), TCPS(bytes_in), TCPS(acks_in), TCPS(dupacks_in),
	TCPS(psh_in),
	TCPS(ooo_held), TCPS(ooo_dropped), TCPS(bad_seq), TCPS(ack_unsent), TCPS(rst_in),
	TCPS(rst_challenged), TCPS(syn_challenged), TCPS(csum_bad),
	TCPS(not_ours), TCPS(reqs_posted), TCPS(reqs_done), TCPS(nomem),
	TCPS(events_deferred), TCPS(syn_in), TCPS(syn_flood_dropped),
	TCPS(handshakes), TCPS(persist_probes), TCPS(opt_bad),
	TCPS(opt_clamped), TCPS(challenge_limited), TCPS(ack_old),
	TCPS(paws_dropped), TCPS(sack_blocks_in), TCPS(sack_blocks_out),
	TCPS(dsack_in), TCPS(dsack_out), TCPS(sack_recoveries),
	TCPS(reno_recoveries), TCPS(rack_marked), TCPS(tlp_sent),
	TCPS(tlp_recovered), TCPS(spurious_undone), TCPS(rto_user_timeout),
	TCPS(time_wait), TCPS(time_wait_reused), TCPS(syn_sent_rst),
	TCPS(keepalive_probes), TCPS(keepalive_dead), TCPS(rcv_wnd_full),
	TCPS(rcv_nomem), TCPS(ssr_idle), TCPS(hystart_exits), TCPS(smap_nomem),
	TCPS(ooo_reneged), TCPS(resolve_waits), TCPS(unreachable),
	TCPS(tso_bursts), TCPS(trk_busy),
};
/* every counter of struct ofld_tcp_stats has its xstat */
static_assert(RTE_DIM(tcp_xstats) * sizeof(uint64_t) ==
	      sizeof(struct ofld_tcp_stats), "tcp xstats list incomplete");

unsigned int
ofld_tcp_xstats_count(const struct pmd_internals *pi)
{
	unsigned int q, n = 0;

	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		n += pi->tcp[q] != NULL;
	return n * RTE_DIM(tcp_xstats);
}

unsigned int
ofld_tcp_xstats_names(const struct pmd_internals *pi,
		      struct rte_eth_xstat_name *names)
{
	unsigned int q, j, k = 0;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (pi->tcp[q] == NULL)
			continue;
		for (j = 0; j < RTE_DIM(tcp_xstats); j++)
			snprintf(names[k++].name, sizeof(names[0].name),
				 "tcp_q%u_%s", q, tcp_xstats[j].name);
	}
	return k;
}

unsigned int
ofld_tcp_xstats_values(const struct pmd_internals *pi,
		       struct rte_eth_xstat *xs, unsigned int first)
{
	struct ofld_tcp_stats st;
	unsigned int q, j, k = 0;

	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (pi->tcp[q] == NULL)
			continue;
		ofld_tcp_stats_get(pi->tcp[q], &st);
		for (j = 0; j < RTE_DIM(tcp_xstats); j++, k++) {
			xs[k].id = first + k;
			xs[k].value = *(const uint64_t *)(const void *)
				((const char *)&st + tcp_xstats[j].off) -
				*(const uint64_t *)(const void *)
				((const char *)&pi->tcp_base[q] +
				 tcp_xstats[j].off);
		}
	}
	return k;
}

void
ofld_tcp_xstats_reset(struct pmd_internals *pi)
{
	unsigned int q;

	for (q = 0; q < OFLD_MAX_QUEUES; q++)
		if (pi->tcp[q] != NULL)
			ofld_tcp_stats_get(pi->tcp[q], &pi->tcp_base[q]);
}

/* ---- telemetry: /ofld/tcp/conns,PORT[,QUEUE] and /ofld/tcp/conn ------- */

/* Up to n numbers of a telemetry command's parameters: how many, or -1. */
int
ofld_tel_args(const char *params, unsigned long *v, int n)
{
	char buf[64], *tok, *save, *end;
	int i = 0;

	if (params == NULL || strlen(params) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", params);
	for (tok = strtok_r(buf, ",", &save); tok != NULL && i < n;
	     tok = strtok_r(NULL, ",", &save)) {
		v[i] = strtoul(tok, &end, 10);
		if (end == tok || *end != '\0')
			return -1;
		i++;
	}
	return i;
}

/* The net_ofld port a telemetry command names, or NULL. */
struct pmd_internals *
ofld_tel_port(unsigned long port)
{
	struct rte_eth_dev *dev;

	if (port >= RTE_MAX_ETHPORTS || !rte_eth_dev_is_valid_port(port))
		return NULL;
	dev = &rte_eth_devices[port];
	if (dev->dev_ops != &ofld_ops)
		return NULL;
	return dev->data->dev_private;
}

struct tel_list {
	struct rte_tel_data *d;
	uint16_t q;
};

static void
tel_list_one(struct ofld_tcp_conn *c, void *arg)
{
	struct tel_list *l = arg;

	ofld_tel_add_array_u64(l->d,
		((uint64_t)l->q << 32) | ofld_tcp_conn_index(c));
}

/* Connections of a port (or one queue): queue << 32 | index, each. */
static int
tel_conns(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned long v[2];
	struct pmd_internals *pi;
	struct tel_list l = { .d = d };
	int n = ofld_tel_args(params, v, 2);
	uint16_t q;

	RTE_SET_USED(cmd);
	if (n < 1 || (pi = ofld_tel_port(v[0])) == NULL)
		return -EINVAL;
	rte_tel_data_start_array(d, RTE_TEL_U64_VAL);
	pthread_mutex_lock(&ofld_tel_lock);
	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (pi->tcp[q] == NULL || (n == 2 && q != v[1]))
			continue;
		l.q = q;
		ofld_tcp_foreach(pi->tcp[q], tel_list_one, &l);
	}
	pthread_mutex_unlock(&ofld_tel_lock);
	return 0;
}

/* One connection's delegated state: PORT,QUEUE,INDEX. */
/* R2-R10: what recovery, SACK and the receive side are doing. */
static void
tel_conn_loss(struct rte_tel_data *d, const struct ofld_tcp_conn *c)
{
	struct ofld_tcp_conn_info i;

	if (ofld_tcp_conn_info(c, &i) != 0)
		return;
	rte_tel_data_add_dict_string(d, "recovery", i.recovery);
	ofld_tel_add_dict_u64(d, "sack", i.sack_ok);
	ofld_tel_add_dict_u64(d, "reordering_seen", i.reordering);
	ofld_tel_add_dict_u64(d, "backoff", i.backoff);
	ofld_tel_add_dict_u64(d, "rto_us", i.rto_us);
	ofld_tel_add_dict_u64(d, "min_rtt_us", i.min_rtt_us);
	ofld_tel_add_dict_u64(d, "pipe", i.pipe);
	ofld_tel_add_dict_u64(d, "sacked_bytes", i.sacked_bytes);
	ofld_tel_add_dict_u64(d, "lost_bytes", i.lost_bytes);
	ofld_tel_add_dict_u64(d, "reo_wnd_mult", i.reo_wnd_mult);
	ofld_tel_add_dict_u64(d, "rcv_wnd_offered", i.rcv_wnd);
	ofld_tel_add_dict_u64(d, "ooo_bytes", i.ooo_bytes);
	ofld_tel_add_dict_u64(d, "user_timeout_ms", i.user_timeout_ms);
	ofld_tel_add_dict_u64(d, "keepalive_idle_ms", i.keepalive_idle_ms);
}

static int
tel_conn(const char *cmd, const char *params, struct rte_tel_data *d)
{
	unsigned long v[3];
	struct pmd_internals *pi;
	struct ofld_tcp_conn *c;
	struct ofld_tcp_state st;
	char addr[64];
	int ret = 0;

	RTE_SET_USED(cmd);
	if (ofld_tel_args(params, v, 3) != 3 || (pi = ofld_tel_port(v[0])) == NULL ||
	    v[1] >= OFLD_MAX_QUEUES)
		return -EINVAL;
	pthread_mutex_lock(&ofld_tel_lock);
	c = pi->tcp[v[1]] != NULL ?
		ofld_tcp_conn_at(pi->tcp[v[1]], (uint32_t)v[2]) : NULL;
	if (c == NULL) {
		ret = -ENOENT;
		goto out;
	}
	/* a snapshot read beside the engine: fields are read whole */
	ofld_tcp_query(c, &st);
	rte_tel_data_start_dict(d);
	if (st.ipv6)
		inet_ntop(AF_INET6, st.local_ip, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, st.local_ip, addr, sizeof(addr));
	rte_tel_data_add_dict_string(d, "local_ip", addr);
	if (st.ipv6)
		inet_ntop(AF_INET6, st.remote_ip, addr, sizeof(addr));
	else
		inet_ntop(AF_INET, st.remote_ip, addr, sizeof(addr));
	rte_tel_data_add_dict_string(d, "remote_ip", addr);
	ofld_tel_add_dict_u64(d, "local_port", st.local_port);
	ofld_tel_add_dict_u64(d, "remote_port", st.remote_port);
	rte_tel_data_add_dict_string(d, "state", ofld_tcp_state_name(c));
	ofld_tel_add_dict_u64(d, "snd_una", st.snd_una);
	ofld_tel_add_dict_u64(d, "snd_nxt", st.snd_nxt);
	ofld_tel_add_dict_u64(d, "snd_max", st.snd_max);
	ofld_tel_add_dict_u64(d, "snd_wnd", st.snd_wnd);
	ofld_tel_add_dict_u64(d, "cwnd", st.cwnd);
	ofld_tel_add_dict_u64(d, "ssthresh", st.ssthresh);
	ofld_tel_add_dict_u64(d, "srtt_us", st.srtt_us);
	ofld_tel_add_dict_u64(d, "rttvar_us", st.rttvar_us);
	ofld_tel_add_dict_u64(d, "rcv_nxt", st.rcv_nxt);
	ofld_tel_add_dict_u64(d, "rcv_wnd", st.rcv_wnd);
	ofld_tel_add_dict_u64(d, "mss", st.mss);
	ofld_tel_add_dict_u64(d, "snd_wscale", st.snd_wscale);
	ofld_tel_add_dict_u64(d, "rcv_wscale", st.rcv_wscale);
	ofld_tel_add_dict_u64(d, "timestamps", st.ts_ok);
	ofld_tel_add_dict_u64(d, "backlog_bytes", ofld_tcp_backlog(c));
	ofld_tel_add_dict_u64(d, "cookie", st.cookie);
	tel_conn_loss(d, c);
out:
	pthread_mutex_unlock(&ofld_tel_lock);
	return ret;
}

RTE_INIT(ofld_telemetry_init)
{
	rte_telemetry_register_cmd("/ofld/tcp/conns", tel_conns,
		"Offloaded TCP connections of a net_ofld port, as queue << 32 | "
		"index. Parameters: port[,queue]");
	rte_telemetry_register_cmd("/ofld/tcp/conn", tel_conn,
		"Delegated state of one offloaded TCP connection. Parameters: "
		"port,queue,index");
}
