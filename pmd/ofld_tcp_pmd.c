/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld's TCP send offload: one engine (offload/tcp) per queue pair,
 * fed by that queue's receive path, sending through that queue's transmit
 * path (paced, faults applied), advanced by rx_burst and by
 * rte_pmd_ofld_poll(). The private API of rte_pmd_ofld.h.
 */

#include <errno.h>
#include <stdio.h>

#include <pthread.h>

#include <ethdev_driver.h>
#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_ring.h>
#include <rte_service_component.h>

#include "ofld_private.h"
#include "rte_pmd_ofld.h"

static int ofld_service_register(struct pmd_internals *pi);
/* engines made in this process (their object names) */
static uint32_t engine_seq;
/* Telemetry reads engines from its own thread: not while they go away. */
pthread_mutex_t ofld_tel_lock = PTHREAD_MUTEX_INITIALIZER;

/*
 * Control calls (offload, connect, listen, close, abort, terminate,
 * release) change engine state, so they run in the engine's thread. Inline,
 * that is the caller's. With engine=service, the caller leaves the call in
 * the queue's mailbox and waits; the service runs it between polls. The
 * engine's side is one load of `pending` per poll: no lock on its path.
 */
enum ctl_op {
	CTL_OFFLOAD, CTL_CONNECT, CTL_LISTEN, CTL_CLOSE, CTL_ABORT,
	CTL_TERMINATE, CTL_RELEASE, CTL_SETOPT,
};

struct ofld_tcp_ctl {
	pthread_mutex_t lock;		/* callers, one at a time */
	uint32_t pending;		/* C0 (caller) / E0 (engine) */
	enum ctl_op op;
	struct ofld_tcp_conn *conn;
	const struct ofld_tcp_state *st_in;
	struct ofld_tcp_state *st_out;
	const struct ofld_tcp_open *open;
	enum ofld_tcp_opt opt;
	uint32_t value;
	struct ofld_tcp_conn *conn_out;
	int ret;
	int err;
};

static void
ctl_run(struct ofld_tcp_engine *e, struct ofld_tcp_ctl *m)
{
	rte_errno = 0;
	m->conn_out = NULL;
	/* a handle of another queue, port or of nothing: refused, never
	 * dereferenced
	 */
	if (m->op >= CTL_CLOSE && !ofld_tcp_conn_owned(e, m->conn)) {
		m->ret = -EINVAL;
		m->err = EINVAL;
		return;
	}
	switch (m->op) {
	case CTL_OFFLOAD:
		m->conn_out = ofld_tcp_offload(e, m->st_in);
		break;
	case CTL_CONNECT:
		m->conn_out = ofld_tcp_connect(e, m->open);
		break;
	case CTL_LISTEN:
		m->ret = ofld_tcp_listen(e, m->open);
		break;
	case CTL_CLOSE:
		m->ret = ofld_tcp_close(m->conn);
		break;
	case CTL_ABORT:
		m->ret = ofld_tcp_abort(m->conn);
		break;
	case CTL_TERMINATE:
		m->ret = ofld_tcp_terminate(m->conn, m->st_out);
		break;
	case CTL_RELEASE:
		if (m->st_out != NULL)	/* its 4-tuple, for placement */
			ofld_tcp_query(m->conn, m->st_out);
		m->ret = ofld_tcp_release(m->conn);
		break;
	case CTL_SETOPT:
		m->ret = ofld_tcp_setopt(m->conn, m->opt, m->value);
		break;
	}
	m->err = rte_errno;
}

/* Engine side: run a waiting control call. */
static inline void
ctl_check(struct ofld_tcp_engine *e, struct ofld_tcp_ctl *m)
{
	/* E0: pairs with C0: the request's fields are visible */
	if (likely(!__atomic_load_n(&m->pending, __ATOMIC_ACQUIRE)))
		return;
	ctl_run(e, m);
	/* E1: pairs with C1: the caller sees the results */
	__atomic_store_n(&m->pending, 0, __ATOMIC_RELEASE);
}

/* Caller side: run op in the engine's thread. */
static int
ctl_call(struct pmd_internals *pi, uint16_t q, struct ofld_tcp_ctl *req)
{
	struct ofld_tcp_ctl *m = pi->tcp_ctl[q];
	uint64_t end;
	unsigned int turns = 0;
	int ret = 0;

	if (!pi->da.engine_service) {
		ctl_run(pi->tcp[q], req);
		rte_errno = req->err;
		return 0;
	}
	pthread_mutex_lock(&m->lock);
	m->op = req->op;
	m->conn = req->conn;
	m->st_in = req->st_in;
	m->st_out = req->st_out;
	m->open = req->open;
	m->opt = req->opt;
	m->value = req->value;
	/* C0: publish the request (pairs with E0) */
	__atomic_store_n(&m->pending, 1, __ATOMIC_RELEASE);
	end = rte_get_timer_cycles() + 5 * rte_get_timer_hz();
	/* C1: pairs with E1 */
	while (__atomic_load_n(&m->pending, __ATOMIC_ACQUIRE)) {
		if (rte_get_timer_cycles() > end) {
			/* the service does not run: take the call back */
			if (__atomic_exchange_n(&m->pending, 0,
						__ATOMIC_ACQ_REL)) {
				ret = -ETIMEDOUT;
				break;
			}
		}
		ofld_wait_turn(&turns);
	}
	if (ret == 0) {
		req->ret = m->ret;
		req->err = m->err;
		req->conn_out = m->conn_out;
		rte_errno = m->err;
	}
	pthread_mutex_unlock(&m->lock);
	return ret;
}

/* Frames the engine consumed go back to the end that sent them. */
static void
ofld_tcp_consumed_cb(void *arg, struct rte_mbuf **m, uint16_t n)
{
	ofld_pair_give_back(arg, m, n);
}

/* The engine of queue pair q: its own view of transmit queue q (so that
 * it may run on a service lcore beside the application's transmit calls),
 * its control mailbox, and the engine.
 */
static int
engine_make(struct pmd_internals *pi, uint16_t q)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	struct ofld_rxq *rxq = data->rx_queues[q];
	struct ofld_txq *txq = data->tx_queues[q], *etq;
	struct ofld_tcp_engine_conf conf;
	char name[32];

	etq = rte_zmalloc_socket("ofld_tcp_txq", sizeof(*etq),
				 RTE_CACHE_LINE_SIZE, data->numa_node);
	pi->tcp_txq[q] = etq;
	pi->tcp_ctl[q] = rte_zmalloc_socket("ofld_tcp_ctl",
		sizeof(*pi->tcp_ctl[q]), RTE_CACHE_LINE_SIZE, data->numa_node);
	if (etq == NULL || pi->tcp_ctl[q] == NULL)
		return -ENOMEM;
	pthread_mutex_init(&pi->tcp_ctl[q]->lock, NULL);
	etq->pi = pi;
	etq->qid = q;
	etq->lower_port = txq->lower_port;
	etq->lanes = txq->lanes;
	etq->steer = txq->steer;
	ofld_fault_init(&etq->fault, pi->fault_cfg.seed ^ 0x7c9, pi->port_id,
			q);
	memset(&conf, 0, sizeof(conf));
	conf.max_conns = pi->da.tcp_max_conns;
	conf.socket = data->numa_node;
	rte_ether_addr_copy(&pi->mac, &conf.local_mac);
	conf.tx_pool = rxq->mp;
	conf.rx_pool = rxq->mp;
	conf.event_ring_size = 16384;
	conf.xmit = ofld_tcp_xmit_cb;
	conf.xmit_arg = etq;
	conf.tx_room = ofld_tcp_room_cb;
	if (pi->cable == OFLD_CABLE_PAIR && !pi->da.tx_free_receiver) {
		conf.consumed = ofld_tcp_consumed_cb;
		conf.consumed_arg = pi;
	}
	/* the pair cable is a virtual wire: a segment's TCP checksum is
	 * marked good rather than computed and verified; the lower cable
	 * computes it (ofld_tx.c)
	 */
	conf.tx_csum_offload = true;
	/* TSO bursts where the lower port segments (N3); not on a paced
	 * link, whose budget a 64 KiB burst could outgrow
	 */
	if (pi->cable == OFLD_CABLE_LOWER && !pi->pacer.enabled &&
	    (pi->pt_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO))
		conf.tso_max = 64u * 1024u;
	/* connects without a MAC resolve it through the port's table (N1) */
	if (pi->neigh != NULL) {
		conf.resolve = ofld_neigh_resolve_cb;
		conf.resolve_arg = etq;
	}
	/* queueing on a busy 2-core host reaches ms: a 1 ms floor fires
	 * spuriously (measured with ofld-perf)
	 */
	conf.min_rto_us = 10000;
	/* unique per engine: a closed port's engine may keep its tracker
	 * pool until the last segment of a request is freed, and a new port
	 * can get the same port id meanwhile
	 */
	snprintf(name, sizeof(name), "oft%u_%u_%u", pi->port_id, q,
		 __atomic_fetch_add(&engine_seq, 1, __ATOMIC_RELAXED));
	pi->tcp[q] = ofld_tcp_engine_create(name, &conf);
	if (pi->tcp[q] == NULL) {
		OFLD_LOG(ERR, "%s: queue %u: cannot create the TCP engine: %s",
			 data->name, q, rte_strerror(rte_errno));
		return -rte_errno;
	}
	memset(&pi->tcp_base[q], 0, sizeof(pi->tcp_base[q]));
	return 0;
}

/* Engines for queue pairs 0..min(nb_rxq, nb_txq)-1, made once. */
int
ofld_tcp_start(struct pmd_internals *pi)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	uint16_t q, n = RTE_MIN(data->nb_rx_queues, data->nb_tx_queues);
	int ret;

	/* Send requests are queued through an mbuf dynamic field (T1). Not
	 * at probe: a --vdev probes inside rte_eal_init(), before the
	 * registry of dynamic fields can be used.
	 */
	ret = ofld_req_register();
	if (ret != 0) {
		/* no room left by other drivers: the port runs without it */
		OFLD_LOG(WARNING, "%s: no room for the mbuf dynamic field of "
			 "send requests (%s): TCP send offload is off",
			 data->name, rte_strerror(-ret));
		return 0;
	}
	ret = ofld_handoff_make(pi, n);
	if (ret != 0)
		return ret;
	for (q = 0; q < n; q++) {
		if (pi->tcp[q] == NULL) {
			ret = engine_make(pi, q);
			if (ret != 0)
				return ret;
		}
		((struct ofld_rxq *)data->rx_queues[q])->tcp = pi->tcp[q];
	}
	if (pi->da.engine_service && !pi->service_registered)
		return ofld_service_register(pi);
	return 0;
}

/*
 * dev_stop, after clearing dev_started: wait until no service iteration
 * that may have seen the port started is still running (it could be
 * receiving from the lower port being stopped). S1: pairs with S0.
 */
void
ofld_tcp_service_quiesce(struct pmd_internals *pi)
{
	unsigned int turns = 0;

	if (!pi->service_registered)
		return;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (__atomic_load_n(&pi->service_busy, __ATOMIC_ACQUIRE))
		ofld_wait_turn(&turns);
}

/* Every connection is terminated (pending requests come back UPLOADED
 * and, with the events nobody took, are freed).
 */
void
ofld_tcp_free_all(struct pmd_internals *pi)
{
	struct rte_eth_dev_data *data = pi->dev->data;
	unsigned int turns = 0;
	uint16_t q;

	if (pi->service_registered) {
		rte_service_component_runstate_set(pi->service_id, 0);
		rte_service_runstate_set(pi->service_id, 0);
		/* wait until no lcore runs it, then it can go. An lcore the
		 * application removed from the service cores while it was
		 * still in an iteration is not seen by
		 * rte_service_may_be_active(): S2 (pairs with S0) makes an
		 * iteration that starts now do nothing, and one under way is
		 * waited out by its busy flag.
		 */
		__atomic_store_n(&pi->service_dying, 1, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		while (rte_service_may_be_active(pi->service_id) == 1 ||
		       __atomic_load_n(&pi->service_busy, __ATOMIC_ACQUIRE))
			ofld_wait_turn(&turns);
		rte_service_component_unregister(pi->service_id);
		pi->service_registered = false;
	}
	pthread_mutex_lock(&ofld_tel_lock);
	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (q < data->nb_rx_queues && data->rx_queues[q] != NULL)
			((struct ofld_rxq *)data->rx_queues[q])->tcp = NULL;
		ofld_tcp_engine_free(pi->tcp[q]);
		pi->tcp[q] = NULL;
		if (pi->tcp_txq[q] != NULL)
			ofld_txq_flush(pi->tcp_txq[q]);
		rte_free(pi->tcp_txq[q]);
		pi->tcp_txq[q] = NULL;
		rte_free(pi->tcp_ctl[q]);
		pi->tcp_ctl[q] = NULL;
	}
	ofld_handoff_free(pi);
	pthread_mutex_unlock(&ofld_tel_lock);
}

static int
engine_of(uint16_t port, uint16_t queue, struct pmd_internals **pip,
	  struct ofld_tcp_engine **e)
{
	struct rte_eth_dev *dev;
	struct pmd_internals *pi;

	if (!rte_eth_dev_is_valid_port(port))
		return -ENODEV;
	dev = &rte_eth_devices[port];
	if (dev->dev_ops != &ofld_ops)	/* a pointer, not a name: per call */
		return -ENOTSUP;
	pi = dev->data->dev_private;
	if (queue >= OFLD_MAX_QUEUES || pi->tcp[queue] == NULL)
		return -EINVAL;	/* no such queue pair, or not started */
	*pip = pi;
	*e = pi->tcp[queue];
	return 0;
}

/* New connections need the port started (engines outlive a stop: their
 * connections wait for the start; polling runs their timers and
 * completions, events can be taken and connections ended meanwhile).
 */
static int
started_engine_of(uint16_t port, uint16_t queue, struct pmd_internals **pip,
		  struct ofld_tcp_engine **e)
{
	int ret = engine_of(port, queue, pip, e);

	if (ret == 0 && !(*pip)->dev->data->dev_started)
		return -EINVAL;
	return ret;
}

static struct ofld_tcp_conn *
ctl_conn_op(uint16_t port, uint16_t queue, struct ofld_tcp_ctl *req)
{
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;
	int ret = started_engine_of(port, queue, &pi, &e);

	if (ret == 0)
		ret = ctl_call(pi, queue, req);
	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	return req->conn_out;
}

static int
ctl_int_op(uint16_t port, uint16_t queue, struct ofld_tcp_ctl *req)
{
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;
	int ret = engine_of(port, queue, &pi, &e);

	if (ret == 0)
		ret = ctl_call(pi, queue, req);
	return ret != 0 ? ret : req->ret;
}

struct ofld_tcp_conn *
rte_pmd_ofld_tcp_offload(uint16_t port, uint16_t queue,
			 const struct ofld_tcp_state *st)
{
	struct ofld_tcp_ctl req = { .op = CTL_OFFLOAD, .st_in = st };
	struct ofld_tcp_engine *e;
	struct pmd_internals *pi;
	struct ofld_tcp_conn *c;
	bool entry = false;
	int ret = started_engine_of(port, queue, &pi, &e);

	if (ret == 0 && st != NULL)
		ret = ofld_place_state(pi, queue, st, &entry);
	if (ret != 0) {
		rte_errno = -ret;
		return NULL;
	}
	c = ctl_conn_op(port, queue, &req);
	if (c == NULL && entry)
		ofld_place_forget(pi, st);
	return c;
}

/* Tries of ephemeral ports the engine refuses (4-tuple in use). */
#define CONNECT_TRIES	64

struct ofld_tcp_conn *
rte_pmd_ofld_tcp_connect(uint16_t port, uint16_t queue,
			 const struct ofld_tcp_open *o)
{
	struct ofld_tcp_ctl req = { .op = CTL_CONNECT };
	struct ofld_tcp_engine *e;
	struct pmd_internals *pi;
	struct ofld_tcp_open oo;
	struct ofld_tcp_conn *c;
	unsigned int tries = 0;
	bool entry;
	int ret = started_engine_of(port, queue, &pi, &e);

	if (ret != 0 || o == NULL) {
		rte_errno = ret != 0 ? -ret : EINVAL;
		return NULL;
	}
	do {
		oo = *o;
		ret = ofld_place_open(pi, queue, &oo, &entry);
		if (ret != 0) {
			rte_errno = -ret;
			return NULL;
		}
		req.open = &oo;
		c = ctl_conn_op(port, queue, &req);
		if (c == NULL && entry) {
			struct ofld_tcp_state st = { .ipv6 = oo.ipv6,
				.local_port = oo.local_port,
				.remote_port = oo.remote_port };

			memcpy(st.local_ip, oo.local_ip, sizeof(st.local_ip));
			memcpy(st.remote_ip, oo.remote_ip,
			       sizeof(st.remote_ip));
			ofld_place_forget(pi, &st);
		}
		/* an ephemeral port in use here: the next one */
	} while (c == NULL && rte_errno == EEXIST && o->local_port == 0 &&
		 ++tries < CONNECT_TRIES);
	return c;
}

int
rte_pmd_ofld_tcp_listen(uint16_t port, uint16_t queue,
			const struct ofld_tcp_open *o)
{
	struct ofld_tcp_ctl req = { .op = CTL_LISTEN, .open = o };
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;
	int ret = started_engine_of(port, queue, &pi, &e);

	return ret != 0 ? ret : ctl_int_op(port, queue, &req);
}

int
rte_pmd_ofld_tcp_close(uint16_t port, uint16_t queue, struct ofld_tcp_conn *c)
{
	struct ofld_tcp_ctl req = { .op = CTL_CLOSE, .conn = c };

	return ctl_int_op(port, queue, &req);
}

int
rte_pmd_ofld_tcp_abort(uint16_t port, uint16_t queue, struct ofld_tcp_conn *c)
{
	struct ofld_tcp_ctl req = { .op = CTL_ABORT, .conn = c };

	return ctl_int_op(port, queue, &req);
}

int
rte_pmd_ofld_tcp_terminate(uint16_t port, uint16_t queue,
			   struct ofld_tcp_conn *c, struct ofld_tcp_state *st)
{
	struct ofld_tcp_ctl req = { .op = CTL_TERMINATE, .conn = c,
				    .st_out = st };
	struct ofld_tcp_engine *e;
	struct pmd_internals *pi;
	int ret = ctl_int_op(port, queue, &req);

	if (ret == 0 && st != NULL && engine_of(port, queue, &pi, &e) == 0)
		ofld_place_forget(pi, st);
	return ret;
}

int
rte_pmd_ofld_tcp_release(uint16_t port, uint16_t queue,
			 struct ofld_tcp_conn *c)
{
	struct ofld_tcp_ctl req = { .op = CTL_RELEASE, .conn = c };
	struct ofld_tcp_engine *e;
	struct pmd_internals *pi;
	struct ofld_tcp_state st;
	bool placed = engine_of(port, queue, &pi, &e) == 0 &&
		pi->handoff != NULL;
	int ret;

	if (placed)
		req.st_out = &st;
	ret = ctl_int_op(port, queue, &req);
	if (ret == 0 && placed)
		ofld_place_forget(pi, &st);
	return ret;
}

int
rte_pmd_ofld_tcp_setopt(uint16_t port, uint16_t queue,
			struct ofld_tcp_conn *c, enum ofld_tcp_opt opt,
			uint32_t value)
{
	struct ofld_tcp_ctl req = { .op = CTL_SETOPT, .conn = c, .opt = opt,
				    .value = value };

	return ctl_int_op(port, queue, &req);
}

uint16_t
rte_pmd_ofld_tcp_events(uint16_t port, uint16_t queue,
			struct ofld_tcp_event *ev, uint16_t n)
{
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;

	if (ev == NULL || engine_of(port, queue, &pi, &e) != 0)
		return 0;
	return ofld_tcp_events(e, ev, n);
}

/* A request completes once the peer acknowledged it and the frames
 * that carry its bytes are freed; a lower port frees what it sent when it
 * needs the descriptors, which at the end of a transfer may be never. So
 * every 100 us the engine's poll asks it to free what it has sent.
 */
static void
lower_tx_cleanup(struct pmd_internals *pi, uint16_t q)
{
	uint64_t now;

	if (pi->lower_cleanup_off || !pi->lower_started)
		return;
	now = rte_get_timer_cycles();
	if (now < pi->lower_cleanup_at[q])
		return;
	pi->lower_cleanup_at[q] = now + rte_get_timer_hz() / 10000;
	if (rte_eth_tx_done_cleanup(pi->lower_port, q, 0) == -ENOTSUP)
		pi->lower_cleanup_off = true;
}

static void
engine_poll(struct pmd_internals *pi, uint16_t queue)
{
	struct rte_mbuf *bufs[OFLD_BURST_CHUNK];
	struct ofld_tcp_engine *e = pi->tcp[queue];
	struct ofld_rxq *rxq = pi->dev->data->rx_queues[queue];
	uint16_t got, kept, round;
	unsigned int put;

	/* receive for the engine; what is not its goes to the stash, which
	 * the queue's rx_burst hands to the application first. Not on a
	 * stopped port (nor from its stopped lower port).
	 */
	ofld_handoff_drain(rxq);
	for (round = 0; round < 8 && pi->dev->data->dev_started; round++) {
		got = pi->cable == OFLD_CABLE_PAIR ?
			ofld_pair_rx_raw(rxq, bufs, RTE_DIM(bufs)) :
			ofld_lower_rx_raw(rxq, bufs, RTE_DIM(bufs));
		if (got == 0)
			break;
		kept = pi->neigh != NULL ? ofld_neigh_rx(rxq, bufs, got) : got;
		kept = ofld_tcp_input(e, bufs, kept, bufs);
		if (kept != 0 && ofld_handoff_on(pi))
			kept = ofld_handoff_steal(rxq, bufs, kept);
		put = rte_ring_sp_enqueue_burst(rxq->stash, (void **)bufs, kept,
						NULL);
		if (put < kept) {
			rte_pktmbuf_free_bulk(bufs + put, kept - put);
			rxq->st.stash_full += kept - put;
		}
	}
	if (pi->cable == OFLD_CABLE_PAIR)
		ofld_pair_reclaim(pi);
	else
		lower_tx_cleanup(pi, queue);
	if (pi->neigh != NULL)
		ofld_neigh_rx(rxq, bufs, 0);	/* its timers */
	if (pi->cable == OFLD_CABLE_PAIR)
		ofld_pair_tso_update(pi, queue, e);
	ofld_tcp_poll(e);
}

int
rte_pmd_ofld_poll(uint16_t port, uint16_t queue)
{
	struct pmd_internals *pi;
	struct ofld_tcp_engine *e;
	int ret = engine_of(port, queue, &pi, &e);

	if (ret != 0)
		return ret;
	if (pi->da.engine_service)
		return -EBUSY;	/* the service runs this queue */
	engine_poll(pi, queue);
	return 0;
}

/* The rte_service of a port with engine=service: every queue's engine. */
static int32_t
ofld_service_run(void *arg)
{
	struct pmd_internals *pi = arg;
	uint16_t q;

	/* also while the port is stopped: control calls are served,
	 * timers and completions run (engine_poll receives nothing and
	 * the engines send nothing then). S0: busy before reading
	 * dev_started (pairs with ofld_tcp_service_quiesce()).
	 */
	__atomic_store_n(&pi->service_busy, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&pi->service_dying, __ATOMIC_RELAXED)) {
		/* the port is closing (pairs with S2 in ofld_tcp_free_all) */
		__atomic_store_n(&pi->service_busy, 0, __ATOMIC_RELEASE);
		return 0;
	}
	for (q = 0; q < OFLD_MAX_QUEUES; q++) {
		if (pi->tcp[q] == NULL)
			continue;
		ctl_check(pi->tcp[q], pi->tcp_ctl[q]);
		engine_poll(pi, q);
	}
	__atomic_store_n(&pi->service_busy, 0, __ATOMIC_RELEASE);
	return 0;
}

static int
ofld_service_register(struct pmd_internals *pi)
{
	struct rte_service_spec spec;
	int ret;

	memset(&spec, 0, sizeof(spec));
	snprintf(spec.name, sizeof(spec.name), "ofld_port%u", pi->port_id);
	spec.callback = ofld_service_run;
	spec.callback_userdata = pi;
	spec.socket_id = pi->dev->data->numa_node;
	ret = rte_service_component_register(&spec, &pi->service_id);
	if (ret != 0) {
		OFLD_LOG(ERR, "%s: cannot register the engine service: %s",
			 pi->dev->data->name, rte_strerror(-ret));
		return ret;
	}
	rte_service_component_runstate_set(pi->service_id, 1);
	pi->service_registered = true;
	OFLD_LOG(INFO, "%s: TCP engines run as service %u ('%s'): map it "
		 "to a service lcore and start it", pi->dev->data->name,
		 pi->service_id, spec.name);
	return 0;
}

int
rte_pmd_ofld_service_id(uint16_t port, uint32_t *id)
{
	struct rte_eth_dev *dev;
	struct pmd_internals *pi;

	if (!rte_eth_dev_is_valid_port(port) || id == NULL)
		return -EINVAL;
	dev = &rte_eth_devices[port];
	if (dev->dev_ops != &ofld_ops)
		return -ENOTSUP;
	pi = dev->data->dev_private;
	if (!pi->service_registered)
		return -ENOENT;
	*id = pi->service_id;
	return 0;
}
