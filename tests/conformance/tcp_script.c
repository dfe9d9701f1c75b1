/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * tcp_script (issue 13): packetdrill-style conformance scripts against the
 * TCP engine's public API. This file owns the time line of a run: the
 * engine's virtual clock, the in-memory wire (every frame the engine
 * sends is captured with its time and must be matched by a `>` line),
 * the events taken after every engine call, the end-of-script checks
 * (nothing unmatched, every mbuf back in the pool) and main().
 *
 *   tcp_script [EAL args --] [-v] [--fail-with=TEXT] script.pkt...
 *
 * The syntax is in tests/conformance/README.md; script_parse.c reads it,
 * script_exec.c runs each line, script_wire.c builds and decodes frames.
 */

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_mempool.h>

#include "ofld_test.h"
#include "tcp_script.h"

#define AFTER_MAX_US	(200ull * 1000 * 1000)	/* `~`: wait this long */
/* Meson's "hard error": not taken for an expected failure (should_fail),
 * so that a script with a syntax error or a crash never passes as one.
 */
#define EXIT_HARD	99

static bool verbose;
/* --fail-with=TEXT: the harness's own tests, scripts that must fail with
 * a message containing TEXT (a script that passes, or fails otherwise,
 * fails).
 */
static const char *fail_with;

int
scr_fail(struct scr_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return -1;
}

static uint64_t
clock_cb(void *arg)
{
	return ((struct scr_run *)arg)->now;
}

/* The wire: frames queue up, stamped with the virtual time. */
static void
xmit_cb(void *arg, struct rte_mbuf **f, uint16_t n)
{
	struct scr_run *r = arg;
	uint16_t i;

	for (i = 0; i < n; i++) {
		if (r->cap_tail - r->cap_head == SCR_CAPQ) {
			r->cap_overflow = true;
			rte_pktmbuf_free(f[i]);
			continue;
		}
		r->cap[r->cap_tail % SCR_CAPQ].m = f[i];
		r->cap[r->cap_tail % SCR_CAPQ].t_us = r->now;
		r->cap_tail++;
	}
}

/* A SEND_DONE: the next request posted (T4), all bytes if SUCCESS. */
static int
send_done(struct scr_run *r, const struct ofld_tcp_event *ev)
{
	struct rte_mbuf *want;

	if (r->req_head == r->req_tail)
		return scr_fail(r, "SEND_DONE of a request never posted");
	want = r->req[r->req_head++ % SCR_REQQ];
	if (ev->m != want)
		return scr_fail(r, "T4: SEND_DONE out of posting order");
	if (ev->status == OFLD_TCP_SUCCESS && ev->bytes != ev->m->pkt_len)
		return scr_fail(r, "SEND_DONE SUCCESS with %u of %u bytes",
				ev->bytes, ev->m->pkt_len);
	if (ev->bytes > ev->m->pkt_len)
		return scr_fail(r, "SEND_DONE: %u bytes acked of %u",
				ev->bytes, ev->m->pkt_len);
	return 0;
}

/* Delivered payload: in order, equal to the peer's stream (R8). */
static int
recv_data(struct scr_run *r, const struct ofld_tcp_event *ev)
{
	uint64_t bad = ofld_test_stream_check(ev->m, r->rcv_base + r->rcv_got,
					      SCR_PEER_KEY);

	if (ev->bytes != ev->m->pkt_len)
		return scr_fail(r, "RECV: bytes %u, mbuf %u", ev->bytes,
				ev->m->pkt_len);
	if (bad != 0)
		return scr_fail(r, "RECV: %" PRIu64 " of %u bytes at stream "
				"offset %" PRIu64 " differ from what the peer "
				"sent", bad, ev->m->pkt_len,
				r->rcv_base + r->rcv_got);
	r->rcv_got += ev->m->pkt_len;
	return 0;
}

void
scr_new_streams(struct scr_run *r, uint64_t snd0, uint64_t rcv0)
{
	r->snd_off = snd0;
	r->rcv_base = rcv0 - r->rcv_got;	/* modulo 2^64 */
}

static int
take_event(struct scr_run *r, struct ofld_tcp_event *ev)
{
	int ret = 0;

	if (r->cleaning) {
		rte_pktmbuf_free(ev->m);
		return 0;
	}
	if (ev->kind == OFLD_TCP_EV_RECV)
		ret = recv_data(r, ev);
	else if (ev->kind == OFLD_TCP_EV_SEND_DONE)
		ret = send_done(r, ev);
	else if (ev->kind == OFLD_TCP_EV_ACCEPTED && r->conn == NULL) {
		r->conn = ev->conn;	/* the connection under test */
		scr_new_streams(r, 0, 0);
	}
	rte_pktmbuf_free(ev->m);
	ev->m = NULL;
	if (ev->kind == OFLD_TCP_EV_RECV || ret != 0)
		return ret;
	if (r->ev_tail - r->ev_head == SCR_EVQ)
		return scr_fail(r, "more than %u events unchecked", SCR_EVQ);
	r->ev[r->ev_tail++ % SCR_EVQ] = *ev;
	return 0;
}

int
scr_take_events(struct scr_run *r, uint32_t n)
{
	struct ofld_tcp_event ev[64];
	uint16_t k, i;
	int ret = 0;

	while (r->e != NULL && n != 0 &&
	       (k = ofld_tcp_events(r->e, ev, (uint16_t)RTE_MIN(n, 64u))) != 0) {
		n -= k;
		for (i = 0; i < k; i++)
			if (take_event(r, &ev[i]) != 0 && ret == 0)
				ret = -1;	/* the rest still freed */
	}
	return ret;
}

int
scr_drain_events(struct scr_run *r)
{
	if (r->holding && !r->cleaning)
		return 0;	/* the application does not read (`hold`) */
	return scr_take_events(r, UINT32_MAX);
}

int
scr_poll(struct scr_run *r)
{
	if (r->e == NULL)
		return 0;
	ofld_tcp_poll(r->e);
	if (r->cap_overflow)
		return scr_fail(r, "more than %u frames unmatched", SCR_CAPQ);
	return scr_drain_events(r);
}

static void
cap_pop(struct scr_run *r)
{
	rte_pktmbuf_free(r->cap[r->cap_head % SCR_CAPQ].m);
	r->cap_head++;
}

/* The oldest unmatched frame, decoded, as text. */
static void
head_text(struct scr_run *r, char *buf, size_t len)
{
	const struct scr_cap *c = &r->cap[r->cap_head % SCR_CAPQ];
	char txt[512];

	if (scr_wire_decode(r, c->m) != 0)
		snprintf(txt, sizeof(txt), "(undecodable: %.400s)", r->err);
	else
		scr_wire_fmt_frame(r, txt, sizeof(txt));
	snprintf(buf, len, "%.6f > %.480s", c->t_us / 1e6, txt);
}

static int
unexpected(struct scr_run *r)
{
	char got[640];

	head_text(r, got, sizeof(got));
	return scr_fail(r, "unexpected frame\n  got:      %s", got);
}

/* Move the clock to t, polling every step; no frame may wait meanwhile. */
static int
advance_to(struct scr_run *r, uint64_t t)
{
	while (r->now < t) {
		if (r->cap_head != r->cap_tail)
			return unexpected(r);
		r->now = RTE_MIN(r->now + r->step, t);
		if (scr_poll(r) != 0)
			return -1;
	}
	return 0;
}

static void
trace_frame(struct scr_run *r, uint64_t t)
{
	char txt[512];

	if (!verbose)
		return;
	scr_wire_fmt_frame(r, txt, sizeof(txt));
	printf("  %.6f > %s\n", t / 1e6, txt);
}

/* The next frame, within [t - tol, t + tol] (`~`: or later). */
int
scr_expect_out(struct scr_run *r, const struct scr_line *l, uint64_t t)
{
	uint64_t lo = t > r->tol ? t - r->tol : 0;
	uint64_t hi = t + (l->after ? AFTER_MAX_US : r->tol);
	char want[512], got[640];
	const struct scr_cap *c;

	scr_wire_fmt_spec(r, &l->seg, true, want, sizeof(want));
	while (r->cap_head == r->cap_tail && r->now < hi) {
		r->now = RTE_MIN(r->now + r->step, hi);
		if (scr_poll(r) != 0)
			return -1;
	}
	if (r->cap_head == r->cap_tail)
		return scr_fail(r, "missing frame\n  expected: %s%.6f > %s\n"
				"  got:      nothing by %.6f",
				l->after ? "~" : "", t / 1e6, want, hi / 1e6);
	c = &r->cap[r->cap_head % SCR_CAPQ];
	if (scr_wire_decode(r, c->m) != 0)
		return scr_fail(r, "frame at %.6f: %s", c->t_us / 1e6,
				strdupa(r->err));
	r->err[0] = '\0';
	if (c->t_us < lo || scr_wire_match(r, &l->seg) != 0) {
		const char *why = c->t_us < lo ? "too early" :
			r->err[0] != '\0' ? strdupa(r->err) : "mismatch";

		head_text(r, got, sizeof(got));
		return scr_fail(r, "%s\n  expected: %s%.6f > %s\n"
				"  got:      %s", why, l->after ? "~" : "",
				t / 1e6, want, got);
	}
	trace_frame(r, c->t_us);
	r->prev_t = c->t_us;
	cap_pop(r);
	return 0;
}

/* When a line runs: its time column, else the previous line's time. */
static uint64_t
line_time(const struct scr_run *r, const struct scr_line *l)
{
	if (!l->has_time)
		return r->prev_t;
	return l->rel ? r->prev_t + (uint64_t)l->t_us : (uint64_t)l->t_us;
}

static bool
is_directive(enum scr_kind k)
{
	return k == LK_ENGINE || k == LK_TOLERANCE || k == LK_STEP ||
		k == LK_PEER_ISN;
}

static int
run_line(struct scr_run *r, const struct scr_line *l)
{
	uint64_t t = line_time(r, l);

	r->cur = l;
	if (is_directive(l->kind))
		return scr_exec_line(r, l);
	if (scr_exec_engine(r) != 0)
		return -1;
	if (l->kind == LK_OUT)
		return scr_expect_out(r, l, t);
	if (advance_to(r, t) != 0)
		return -1;
	r->prev_t = r->now;
	if (verbose && l->kind == LK_IN) {
		char txt[512];

		scr_wire_fmt_spec(r, &l->seg, false, txt, sizeof(txt));
		printf("  %.6f < %s\n", r->now / 1e6, txt);
	}
	return scr_exec_line(r, l);
}

/* After the last line: nothing left unmatched or unchecked. */
static int
end_checks(struct scr_run *r)
{
	const struct ofld_tcp_event *ev;

	if (r->cap_head != r->cap_tail)
		return unexpected(r);
	if (r->ev_head != r->ev_tail) {
		ev = &r->ev[r->ev_head % SCR_EVQ];
		return scr_fail(r, "event %s status=%s bytes=%u never "
				"checked by an 'event' line",
				scr_event_name(ev->kind),
				scr_status_name(ev->status), ev->bytes);
	}
	if (r->rcv_got != r->rcv_claimed)
		return scr_fail(r, "%" PRIu64 " bytes delivered that no "
				"'recv' line claimed",
				r->rcv_got - r->rcv_claimed);
	return 0;
}

/* Hand everything back; the pool must be full again (style 15). */
static int
cleanup(struct scr_run *r, int ret)
{
	struct ofld_tcp_state st;
	unsigned int avail;

	while (r->cap_head != r->cap_tail)
		cap_pop(r);
	if (r->conn != NULL)
		ofld_tcp_terminate(r->conn, &st);
	r->cleaning = true;	/* events are only freed now */
	if (r->e != NULL) {
		ofld_tcp_poll(r->e);
		scr_drain_events(r);
	}
	avail = rte_mempool_avail_count(r->pool);
	if (ret == 0 && avail != r->pool_size) {
		r->cur = NULL;
		ret = scr_fail(r, "leak: %u of %u mbufs back in the pool",
			       avail, r->pool_size);
	}
	ofld_tcp_engine_free(r->e);
	r->e = NULL;
	return ret;
}

static void
run_init(struct scr_run *r, const struct scr_script *s)
{
	static unsigned int nr;

	memset(r, 0, sizeof(*r));
	r->s = s;
	r->pool = ofld_test_pool();
	r->pool_size = OFLD_TEST_POOL_SIZE;
	r->conf.max_conns = 16;
	r->conf.local_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 1 } };
	r->conf.tx_pool = r->pool;
	r->conf.rx_pool = r->pool;
	r->conf.xmit = xmit_cb;
	r->conf.xmit_arg = r;
	r->conf.clock_us = clock_cb;
	r->conf.clock_arg = r;
	r->engine_nr = nr++;
	r->step = 100;
	r->tol = 2000;
	r->peer_isn = 1000000;
	r->our_port = 40000;
	r->peer_port = 5001;
}

/* One script: 0 passed, 1 failed, EXIT_HARD not run (syntax). */
static int
run_script(const char *file)
{
	struct scr_script s;
	struct scr_run *r;
	int i, ret = 0;

	if (scr_parse(file, &s) != 0) {
		scr_script_free(&s);
		printf("FAIL %s (syntax)\n", file);
		return EXIT_HARD;
	}
	r = malloc(sizeof(*r));
	if (r == NULL)
		return 1;
	run_init(r, &s);
	if (verbose)
		printf("%s\n", file);
	for (i = 0; i < s.nlines && ret == 0; i++)
		ret = run_line(r, &s.lines[i]);
	if (ret == 0) {
		r->cur = NULL;
		ret = end_checks(r);
	}
	ret = cleanup(r, ret);
	if (ret != 0) {
		if (r->cur != NULL)
			printf("%s:%d: %s\n", file, r->cur->lineno, r->err);
		else
			printf("%s: at the end: %s\n", file, r->err);
	}
	if (fail_with != NULL) {
		ret = !(ret != 0 && strstr(r->err, fail_with) != NULL);
		printf("%s: %s '%s'\n", file, ret ? "did not fail with" :
		       "failed as it must, with", fail_with);
	}
	printf("%s %s\n", ret != 0 ? "FAIL" : "PASS", file);
	free(r);
	scr_script_free(&s);
	return ret != 0;
}

static void
crashed(int sig)
{
	static const char msg[] = "tcp_script: crashed (signal)\n";

	RTE_SET_USED(sig);
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_HARD);
	_exit(EXIT_HARD);
}

int
main(int argc, char **argv)
{
	int i, first = 1, passed = 0, failed = 0, hard = 0, ret;

	signal(SIGSEGV, crashed);
	signal(SIGBUS, crashed);
	signal(SIGFPE, crashed);
	signal(SIGABRT, crashed);
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--") == 0)
			first = i + 1;
	if (ofld_test_eal_init(argv[0], first > 1 ? first - 2 : 0,
			       argv + 1) != 0 || ofld_req_register() != 0) {
		fprintf(stderr, "EAL init failed\n");
		return EXIT_HARD;
	}
	for (i = first; i < argc; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			verbose = true;
			continue;
		}
		if (strncmp(argv[i], "--fail-with=", 12) == 0) {
			fail_with = argv[i] + 12;
			continue;
		}
		ret = run_script(argv[i]);
		passed += ret == 0;
		failed += ret != 0;
		hard |= ret == EXIT_HARD;
	}
	printf("%d passed, %d failed\n", passed, failed);
	ofld_test_eal_cleanup();
	if (hard || passed + failed == 0)
		return EXIT_HARD;
	return failed != 0 ? 1 : 0;
}
