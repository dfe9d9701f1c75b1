/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Loud drops (issue 18): a drop of a kind that can stall a handshake or
 * a transfer is counted (xstats) and, the first time in a while, said in
 * one log line naming the engine (net_ofld names it oftPORT_QUEUE_N), the
 * connection and what to do about it. At most one line per kind per
 * engine every OTCP_LOG_EVERY_US: a flood of bad segments costs counters,
 * not a flooded log.
 */

#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include <rte_log.h>

#include "ofld_tcp_var.h"

RTE_LOG_REGISTER(otcp_logtype, pmd.net.ofld.tcp, NOTICE);

#define OTCP_LOG_EVERY_US	(10ull * 1000 * 1000)

static const char *const drop_text[OTCP_DROP_NB] = {
	[OTCP_DROP_CSUM] = "a segment with a bad TCP checksum was dropped "
		"(xstat csum_bad). A peer on a veth or tap whose checksum "
		"offload leaves partial checksums sends such segments: switch "
		"it off there (ethtool -K DEV tx off)",
	[OTCP_DROP_RCV_NOMEM] = "received data in the window was dropped: "
		"the receive queue's mempool is empty (xstat rcv_nomem); give "
		"it more mbufs or take RECV events sooner",
	[OTCP_DROP_TX_NOMEM] = "a segment could not be built: the mempool is "
		"empty (xstat nomem); sending waits",
	[OTCP_DROP_SMAP] = "the send map's pool is empty (xstat smap_nomem); "
		"sending waits for ACKs",
	[OTCP_DROP_TRK_BUSY] = "a request has 49,151 segments not yet freed "
		"below the engine (xstat trk_busy: its buffers' 16-bit "
		"reference count); sending from it waits for frees (a delay "
		"line holds speed x delay of frames)",
};

/* "198.18.0.1:40000 > 198.18.0.2:5001" */
static void
key_text(const struct conn_key *k, char *buf, size_t size)
{
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	int af = k->ipv6 ? AF_INET6 : AF_INET;

	inet_ntop(af, k->local_ip, l, sizeof(l));
	inet_ntop(af, k->remote_ip, r, sizeof(r));
	snprintf(buf, size, "%s%s%s:%u > %s%s%s:%u", k->ipv6 ? "[" : "", l,
		 k->ipv6 ? "]" : "", k->local_port, k->ipv6 ? "[" : "", r,
		 k->ipv6 ? "]" : "", k->remote_port);
}

void
otcp_log_drop(struct ofld_tcp_engine *e, const struct conn_key *k,
	      enum otcp_drop kind)
{
	char conn[128];

	if (e->drop_logged_us[kind] != 0 &&
	    e->now_us - e->drop_logged_us[kind] < OTCP_LOG_EVERY_US)
		return;
	e->drop_logged_us[kind] = e->now_us != 0 ? e->now_us : 1;
	if (k != NULL)
		key_text(k, conn, sizeof(conn));
	else
		snprintf(conn, sizeof(conn), "-");
	rte_log(RTE_LOG_WARNING, otcp_logtype,
		"ofld tcp %s: connection %s: %s (said once per 10 s)\n",
		e->name, conn, drop_text[kind]);
}
