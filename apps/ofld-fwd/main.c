/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * ofld-fwd: traffic between two net_ofld ports on the in-memory pair cable.
 *
 * Port 0 generates numbered frames; port 1 forwards every frame it receives
 * back (on its own lcore when there is one); port 0 receives them and checks
 * sequence and content. Prints a line per second and a summary: frames,
 * losses, reordering, Mpps, Gbit/s and the share of the link speed.
 */

/* This file: the forwarding run and main(); opts.c reads the command line,
 * setup.c makes and closes the ports and the mempool.
 */

#include <inttypes.h>
#include <signal.h>
#include <stdio.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "fwd.h"

static volatile bool quit_signal;
static volatile bool fwd_stop;

static void
on_signal(int sig)
{
	RTE_SET_USED(sig);
	quit_signal = true;
}

static int
fwd_lcore(void *arg)
{
	uint16_t port = *(uint16_t *)arg;
	struct rte_mbuf *b[BURST];
	uint16_t n, s;

	while (!fwd_stop) {
		n = rte_eth_rx_burst(port, 0, b, BURST);
		if (n == 0)
			continue;
		s = 0;
		while (s < n && !fwd_stop)
			s += rte_eth_tx_burst(port, 0, b + s, n - s);
		if (s < n)
			rte_pktmbuf_free_bulk(b + s, n - s);
	}
	return 0;
}

static void
report(const char *what, const struct gen_stats *d, double secs,
       uint32_t size, uint32_t speed)
{
	double mpps = d->rx / secs / 1e6;
	double gbps = d->rx_bytes * 8 / secs / 1e9;
	double wire = (d->rx_bytes + 24.0 * d->rx) * 8 / secs / 1e9;

	RTE_SET_USED(size);
	printf("%-8s %7.2f s  rx %10" PRIu64 " frames  %7.3f Mpps  %8.3f Gbit/s"
	       "  wire %8.3f Gbit/s", what, secs, d->rx, mpps, gbps, wire);
	if (speed != 0)
		printf("  (%5.1f%% of %u Mbit/s link)", wire * 1e3 / speed * 100,
		       speed);
	printf("\n");
}

/* Port 1's forwarding lcore (when there is a second one), and the line
 * that says what runs.
 */
static void
start(struct fwd *f)
{
	f->worker = rte_get_next_lcore(-1, 1, 0);
	if (f->worker < RTE_MAX_LCORE)
		rte_eal_remote_launch(fwd_lcore, &f->ports[1], f->worker);
	printf("ofld-fwd: port %u -> pair cable -> port %u (forwarding on %s) "
	       "-> port %u; %u-byte frames, link %u Mbit/s\n", f->ports[0],
	       f->ports[1], f->worker < RTE_MAX_LCORE ? "its own lcore" :
	       "the main lcore", f->ports[0], f->o.size, f->o.speed);
}

/* Port 0: a burst of numbered frames when the last one is gone (and
 * generating), and what is left of it to the link.
 */
static void
generate(struct fwd *f, bool generating)
{
	struct rte_ether_hdr *eth;
	uint16_t k;
	int i;

	if (generating && f->npend == 0 &&
	    rte_pktmbuf_alloc_bulk(f->mp, f->pend, BURST) == 0) {
		for (i = 0; i < BURST; i++) {
			rte_pktmbuf_append(f->pend[i], f->o.size);
			eth = rte_pktmbuf_mtod(f->pend[i],
					       struct rte_ether_hdr *);
			*eth = f->hdr;
			*(uint64_t *)(eth + 1) = f->next_seq++;
		}
		f->npend = BURST;
		f->pend_off = 0;
	}
	if (f->npend != 0) {
		/* The link paces us: what it refuses now goes later. */
		k = rte_eth_tx_burst(f->ports[0], 0, f->pend + f->pend_off,
				     f->npend);
		f->st.tx += k;
		f->pend_off += k;
		f->npend -= k;
		if (f->npend != 0)
			f->st.tx_fail++;
	}
}

/* Port 1 on the main lcore: one burst back where it came from. */
static void
forward(uint16_t port)
{
	struct rte_mbuf *b[BURST];
	uint16_t n, k;

	n = rte_eth_rx_burst(port, 0, b, BURST);
	k = n ? rte_eth_tx_burst(port, 0, b, n) : 0;
	if (k < n)
		rte_pktmbuf_free_bulk(b + k, n - k);
}

/* Port 0: a burst of returned frames, checked for order and content.
 * Returns how many came.
 */
static uint16_t
receive(struct fwd *f, uint64_t now)
{
	struct rte_mbuf *b[BURST];
	uint32_t size = f->o.size;
	uint16_t n;
	int i;

	n = rte_eth_rx_burst(f->ports[0], 0, b, BURST);
	for (i = 0; i < n; i++) {
		const uint8_t *pl = rte_pktmbuf_mtod(b[i], uint8_t *);
		uint64_t seq = *(const uint64_t *)(pl + RTE_ETHER_HDR_LEN);

		if (seq < f->expect)
			f->st.reordered++;
		else
			f->expect = seq + 1;
		if (b[i]->pkt_len != size ||
		    pl[size - 1] != pattern(size - 1) ||
		    pl[HDR] != pattern(HDR))
			f->st.corrupt++;
		f->st.rx_bytes += b[i]->pkt_len;
	}
	f->st.rx += n;
	if (n != 0) {
		rte_pktmbuf_free_bulk(b, n);
		f->t_rx = now;
	}
	return n;
}

/* Generate for --seconds (or --frames), forward, receive, a line per
 * second; then drain the cable. Returns when it started.
 */
static uint64_t
run(struct fwd *f)
{
	struct gen_stats last = { 0 }, d;
	uint64_t t0, t_last, now, hz, t_end, idle;
	bool generating;
	uint16_t n;

	hz = rte_get_timer_hz();
	t0 = rte_get_timer_cycles();
	t_last = t0;
	t_end = t0 + (uint64_t)(f->o.seconds * hz);
	idle = 0;
	for (;;) {
		now = rte_get_timer_cycles();
		generating = !quit_signal && now < t_end &&
			(f->o.frames == 0 ||
			 f->next_seq + BURST <= f->o.frames);
		generate(f, generating);
		if (f->worker >= RTE_MAX_LCORE)
			forward(f->ports[1]);
		n = receive(f, now);
		if (!generating && f->npend == 0) {
			/* Drain what is still on the cable, then stop. */
			if (n != 0)
				idle = now + hz / 10;
			else if (idle == 0)
				idle = now + hz / 10;
			else if (now > idle)
				break;
		}
		if (now - t_last >= hz) {
			d = f->st;
			d.rx -= last.rx;
			d.rx_bytes -= last.rx_bytes;
			report("progress", &d, (double)(now - t_last) / hz,
			       f->o.size, f->o.speed);
			fflush(stdout);
			last = f->st;
			t_last = now;
		}
	}
	return t0;
}

/* The counts, and the rates from t0 to the last frame back (or now). */
static void
summary(struct fwd *f, uint64_t t0, uint64_t now)
{
	struct gen_stats *st = &f->st;

	st->lost = st->tx > st->rx ? st->tx - st->rx : 0;
	printf("\nsummary\n");
	printf("  frames sent      %" PRIu64 "\n", st->tx);
	printf("  frames returned  %" PRIu64 "\n", st->rx);
	printf("  lost             %" PRIu64 "\n", st->lost);
	printf("  reordered        %" PRIu64 "\n", st->reordered);
	printf("  corrupt          %" PRIu64 "\n", st->corrupt);
	printf("  tx bursts cut short by the link: %" PRIu64 "\n",
	       st->tx_fail);
	report("total", st, (double)((f->t_rx > t0 ? f->t_rx : now) - t0) /
	       rte_get_timer_hz(), f->o.size, f->o.speed);
}

int
main(int argc, char **argv)
{
	static struct fwd f;
	uint64_t t0, now;
	int ret;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "ofld-fwd: cannot initialise EAL\n");
		return 1;
	}
	argc -= ret;
	argv += ret;
	argv[0] = (char *)(uintptr_t)"ofld-fwd";
	if (parse_opts(argc, argv, &f.o) != 0) {
		rte_eal_cleanup();
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	if (setup(&f) != 0) {
		rte_eal_cleanup();
		return 1;
	}
	start(&f);
	t0 = run(&f);
	fwd_stop = true;
	rte_eal_mp_wait_lcore();
	now = rte_get_timer_cycles();
	summary(&f, t0, now);
	return finish(&f);
}
