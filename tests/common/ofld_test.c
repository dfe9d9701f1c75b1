/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
/*
 * The CUnit suites' common ground (ofld_test.h): EAL start-up with the
 * tests' lcore policy, the log capture, the test mempool, ports, frames,
 * streams, and the deadlines every wait uses.
 */
#include "ofld_test.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_tcp.h>
#include <rte_log.h>

#include "ofld_lcores.h"
#include "ofld_tcp.h"

static struct rte_mempool *pool;
static unsigned int nb_lcores = 1;
static char *log_buf;
static size_t log_len, log_cap;

/* Log stream: everything goes to stderr and into a buffer tests can read. */
static ssize_t
log_write(void *cookie, const char *buf, size_t size)
{
	RTE_SET_USED(cookie);
	if (fwrite(buf, 1, size, stderr) != size)
		return -1;
	if (log_len + size + 1 > log_cap) {
		size_t cap = (log_len + size + 1) * 2;
		char *p = realloc(log_buf, cap);

		if (p == NULL)
			return (ssize_t)size;
		log_buf = p;
		log_cap = cap;
	}
	memcpy(log_buf + log_len, buf, size);
	log_len += size;
	log_buf[log_len] = '\0';
	return (ssize_t)size;
}

const char *
ofld_test_log(void)
{
	return log_buf != NULL ? log_buf : "";
}

void
ofld_test_log_clear(void)
{
	log_len = 0;
	if (log_buf != NULL)
		log_buf[0] = '\0';
}

void
ofld_test_want_lcores(unsigned int n)
{
	nb_lcores = n;
}

static char runtime_dir[PATH_MAX];

/* EAL leaves its runtime directory (empty with --no-shconf, once its
 * telemetry socket is gone) behind: one per suite run, as the prefix has
 * our pid. At exit, after EAL's handlers.
 */
static void
runtime_dir_remove(void)
{
	if (runtime_dir[0] != '\0' && rmdir(runtime_dir) != 0)
		fprintf(stderr, "ofld_test: cannot remove %s: %s\n",
			runtime_dir, strerror(errno));
}

int
ofld_test_eal_init(const char *prog, int extra_argc, char **extra_argv)
{
	static cookie_io_functions_t fns = { .write = log_write };
	char prefix[64], lcores[512];
	char *argv[32];
	int argc = 0, i, ret;
	FILE *f;

	f = fopencookie(NULL, "w", fns);
	if (f == NULL)
		return -1;
	setvbuf(f, NULL, _IONBF, 0);
	rte_openlog_stream(f);

	snprintf(prefix, sizeof(prefix), "--file-prefix=ofld-test-%d",
		 (int)getpid());
	argv[argc++] = (char *)(uintptr_t)prog;
	argv[argc++] = (char *)(uintptr_t)"--no-huge";
	argv[argc++] = (char *)(uintptr_t)"-m";
	argv[argc++] = (char *)(uintptr_t)"1024";
	argv[argc++] = (char *)(uintptr_t)"--no-pci";
	argv[argc++] = (char *)(uintptr_t)"--no-shconf";
	argv[argc++] = prefix;
	/* lcore 0 (and any other the suite asked for) floats over every CPU
	 * we may use (pthreads a test starts inherit that): not pinned to
	 * core 0 with every other suite
	 */
	if (ofld_test_lcores(lcores, sizeof(lcores), nb_lcores) == NULL)
		return -1;
	argv[argc++] = lcores;
	argv[argc++] = (char *)(uintptr_t)"--log-level=pmd.net.ofld:info";
	for (i = 0; i < extra_argc && argc < (int)RTE_DIM(argv) - 1; i++)
		argv[argc++] = extra_argv[i];
	argv[argc] = NULL;

	/* before EAL's own exit handlers (telemetry's socket): run after them */
	atexit(runtime_dir_remove);
	ret = rte_eal_init(argc, argv);
	if (ret < 0)
		return ret;
	snprintf(runtime_dir, sizeof(runtime_dir), "%s",
		 rte_eal_get_runtime_dir());
	pool = rte_pktmbuf_pool_create("ofld_test_pool", OFLD_TEST_POOL_SIZE,
				       0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	return pool != NULL ? 0 : -1;
}

void
ofld_test_eal_cleanup(void)
{

	rte_mempool_free(pool);
	pool = NULL;
	rte_eal_cleanup();
}

struct rte_mempool *
ofld_test_pool(void)
{
	return pool;
}

bool
ofld_test_mempool_full(struct rte_mempool *mp, unsigned int size)
{
	unsigned int avail = rte_mempool_avail_count(mp);

	if (avail != size)
		fprintf(stderr, "%s: %u of %u mbufs back\n", mp->name, avail,
			size);
	return avail == size;
}

bool
ofld_test_pool_full(void)
{
	return ofld_test_mempool_full(pool, OFLD_TEST_POOL_SIZE);
}

int
ofld_test_vdev(const char *name, const char *args)
{
	uint16_t port;

	if (rte_vdev_init(name, args) != 0)
		return -1;
	if (rte_eth_dev_get_port_by_name(name, &port) != 0)
		return -1;
	return port;
}

static int
port_start_conf(uint16_t port, uint16_t nrxq, uint16_t ntxq,
		const struct rte_eth_conf *conf)
{
	uint16_t q;
	int ret;

	ret = rte_eth_dev_configure(port, nrxq, ntxq, conf);
	if (ret != 0)
		return ret;
	for (q = 0; q < nrxq; q++) {
		ret = rte_eth_rx_queue_setup(port, q, 1024, rte_socket_id(),
					     NULL, pool);
		if (ret != 0)
			return ret;
	}
	for (q = 0; q < ntxq; q++) {
		ret = rte_eth_tx_queue_setup(port, q, 1024, rte_socket_id(),
					     NULL);
		if (ret != 0)
			return ret;
	}
	return rte_eth_dev_start(port);
}

int
ofld_test_port_start(uint16_t port, uint16_t nrxq, uint16_t ntxq)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	return port_start_conf(port, nrxq, ntxq, &conf);
}

int
ofld_test_port_start_tx(uint16_t port, uint64_t tx_offloads)
{
	struct rte_eth_conf conf;

	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = tx_offloads;
	return port_start_conf(port, 1, 1, &conf);
}

uint64_t
ofld_test_xstat(uint16_t port, const char *name)
{
	uint64_t id, value;

	if (rte_eth_xstats_get_id_by_name(port, name, &id) != 0)
		return UINT64_MAX;
	if (rte_eth_xstats_get_by_id(port, &id, &value, 1) != 1)
		return UINT64_MAX;
	return value;
}

static inline uint8_t
pattern_byte(uint32_t seq, uint16_t tag, uint32_t i)
{
	return (uint8_t)(seq * 31 + tag * 7 + i * 13 + (i >> 8));
}

#define HDR_LEN (RTE_ETHER_HDR_LEN + 6)

struct rte_mbuf *
ofld_test_frame(const struct rte_ether_addr *dst, uint32_t len, uint32_t seq,
		uint16_t tag)
{
	static const struct rte_ether_addr src = {
		.addr_bytes = { 0x02, 0, 0, 0, 0xee, 0x01 } };
	struct rte_ether_hdr *eth;
	struct rte_mbuf *m;
	uint8_t *p;
	uint32_t i;

	if (len < HDR_LEN || len > RTE_MBUF_DEFAULT_DATAROOM)
		return NULL;
	m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eth = (struct rte_ether_hdr *)p;
	rte_ether_addr_copy(dst, &eth->dst_addr);
	rte_ether_addr_copy(&src, &eth->src_addr);
	eth->ether_type = rte_cpu_to_be_16(OFLD_TEST_ETHERTYPE);
	p += RTE_ETHER_HDR_LEN;
	memcpy(p, &seq, 4);
	memcpy(p + 4, &tag, 2);
	for (i = HDR_LEN; i < len; i++)
		((uint8_t *)eth)[i] = pattern_byte(seq, tag, i);
	return m;
}

int
ofld_test_frame_check(const struct rte_mbuf *m, uint32_t *seq, uint16_t *tag)
{
	const uint8_t *p;
	uint32_t i;

	if (m->nb_segs != 1 || m->pkt_len < HDR_LEN)
		return -1;
	p = rte_pktmbuf_mtod(m, const uint8_t *);
	if (((const struct rte_ether_hdr *)p)->ether_type !=
	    rte_cpu_to_be_16(OFLD_TEST_ETHERTYPE))
		return -1;
	memcpy(seq, p + RTE_ETHER_HDR_LEN, 4);
	memcpy(tag, p + RTE_ETHER_HDR_LEN + 4, 2);
	for (i = HDR_LEN; i < m->pkt_len; i++)
		if (p[i] != pattern_byte(*seq, *tag, i))
			return -1;
	return 0;
}

uint16_t
ofld_test_rx_all(uint16_t port, uint16_t queue, struct rte_mbuf **bufs,
		 uint16_t n)
{
	const uint64_t idle = rte_get_timer_hz() / 5;
	uint64_t idle_until = rte_get_timer_cycles() + idle, now;
	uint16_t got = 0, k;

	/* The idle time counts only if a poll made after it found nothing:
	 * a test preempted for longer than that still sees what arrived.
	 */
	while (got < n) {
		now = rte_get_timer_cycles();
		k = rte_eth_rx_burst(port, queue, bufs + got,
				     RTE_MIN(n - got, 64));
		got += k;
		if (k != 0)
			idle_until = rte_get_timer_cycles() + idle;
		else if (now >= idle_until)
			break;
	}
	return got;
}

uint16_t
ofld_test_tx_all(uint16_t port, uint16_t queue, struct rte_mbuf **pkts,
		 uint16_t n)
{
	uint64_t deadline = ofld_test_deadline(10000);
	uint16_t done = 0;

	while (done < n && !ofld_test_expired(deadline, "port %u queue %u "
			"to take %u frames (it took %u)", port, queue, n, done))
		done += rte_eth_tx_burst(port, queue, pkts + done, n - done);
	return done;
}

uint64_t
ofld_test_deadline(unsigned int ms)
{
	return rte_get_timer_cycles() + rte_get_timer_hz() * ms / 1000;
}

bool
ofld_test_expired(uint64_t deadline, const char *fmt, ...)
{
	va_list ap;

	if (rte_get_timer_cycles() < deadline)
		return false;
	fprintf(stderr, "gave up waiting (deadline passed) for ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return true;
}

struct rte_mbuf *
ofld_test_stream_chain(struct rte_mempool *mp, uint64_t off, uint32_t len,
		       uint16_t key, uint32_t piece)
{
	struct rte_mbuf *head = NULL, *m;
	uint32_t done = 0, take, i;
	uint8_t *p;

	while (done < len) {
		m = rte_pktmbuf_alloc(mp);
		if (m == NULL) {
			rte_pktmbuf_free(head);
			return NULL;
		}
		take = RTE_MIN(len - done, (uint32_t)rte_pktmbuf_tailroom(m));
		if (piece != 0)
			take = RTE_MIN(take, piece);
		p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)take);
		for (i = 0; i < take; i++)
			p[i] = ofld_test_stream_byte(off + done + i, key);
		done += take;
		if (head == NULL)
			head = m;
		else
			rte_pktmbuf_chain(head, m);
	}
	return head;
}

uint64_t
ofld_test_stream_check(const struct rte_mbuf *m, uint64_t off, uint16_t key)
{
	uint64_t bad = 0;
	uint32_t j, x;

	for (; m != NULL; m = m->next) {
		const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

		for (j = 0, x = m->data_len; j < x; j++)
			bad += p[j] != ofld_test_stream_byte(off + j, key);
		off += m->data_len;
	}
	return bad;
}

int
ofld_test_main(const char *prog, const char *suite,
	       const struct ofld_test_case *cases)
{
	int ret;

	if (ofld_test_eal_init(prog, 0, NULL) != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	ret = ofld_test_run(suite, cases);
	ofld_test_eal_cleanup();
	return ret;
}

int
ofld_test_main_pool(const char *prog, const char *suite,
		    const struct ofld_test_case *cases,
		    struct rte_mempool **mp, unsigned int pool_size)
{
	int ret;

	if (ofld_test_eal_init(prog, 0, NULL) != 0) {
		fprintf(stderr, "EAL init failed\n");
		return 1;
	}
	*mp = rte_pktmbuf_pool_create("ofld_suite_pool", pool_size, 256, 0,
				      RTE_MBUF_DEFAULT_BUF_SIZE,
				      rte_socket_id());
	if (*mp == NULL) {
		fprintf(stderr, "mempool of %u mbufs: %s\n", pool_size,
			rte_strerror(rte_errno));
		ofld_test_eal_cleanup();
		return 1;
	}
	ret = ofld_test_run(suite, cases);
	rte_mempool_free(*mp);
	*mp = NULL;
	ofld_test_eal_cleanup();
	return ret;
}

int
ofld_test_run(const char *suite, const struct ofld_test_case *cases)
{
	const char *only = getenv("OFLD_TEST_ONLY");
	unsigned int failed;
	CU_pSuite s;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 1;
	s = CU_add_suite(suite, NULL, NULL);
	/* OFLD_TEST_ONLY=text: the cases whose name holds it (by hand) */
	for (; cases->name != NULL; cases++)
		if (only == NULL || strstr(cases->name, only) != NULL)
			CU_add_test(s, cases->name, cases->fn);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed != 0;
}

struct rte_mbuf *
ofld_test_tcp4_seg(struct rte_mempool *mp, const struct ofld_tcp_state *from,
		   uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win,
		   uint16_t len, uint8_t fill)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	struct rte_ipv4_hdr *ip;
	struct rte_tcp_hdr *th;
	uint8_t *p;

	if (m == NULL)
		return NULL;
	p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)(54 + len));
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(p, 0, 54);
	memset(rte_pktmbuf_mtod_offset(m, uint8_t *, 54), fill, len);
	p[12] = 0x08;
	ip = (struct rte_ipv4_hdr *)(p + 14);
	th = (struct rte_tcp_hdr *)(p + 34);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16((uint16_t)(40 + len));
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_TCP;
	memcpy(&ip->src_addr, from->local_ip, 4);
	memcpy(&ip->dst_addr, from->remote_ip, 4);
	th->src_port = rte_cpu_to_be_16(from->local_port);
	th->dst_port = rte_cpu_to_be_16(from->remote_port);
	th->sent_seq = rte_cpu_to_be_32(seq);
	th->recv_ack = rte_cpu_to_be_32(ack);
	th->data_off = 5 << 4;
	th->tcp_flags = flags;
	th->rx_win = rte_cpu_to_be_16(win);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	th->cksum = rte_ipv4_udptcp_cksum(ip, th);
	return m;
}
