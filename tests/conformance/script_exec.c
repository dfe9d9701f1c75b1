/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * What each script line does to the engine (issue 13), at the time the
 * time line (tcp_script.c) has reached: set-up (engine, connect, listen,
 * offload), the peer's segments in, the application's calls (send,
 * close, abort, terminate, release, with their return values), and the
 * expectations (events, delivered bytes, state, counters, the delegated
 * state). Public API only (ofld_tcp.h).
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_tcp.h>

#include "ofld_test.h"
#include "tcp_script.h"

/* ---- key=value words ---- */

static int
kv_num(struct scr_run *r, const struct scr_kv *kv, uint32_t *v)
{
	char *end;
	unsigned long long x;

	errno = 0;
	x = strtoull(kv->val, &end, 0);
	if (kv->val[0] == '\0' || *end != '\0' || errno != 0 ||
	    x > UINT32_MAX)
		return scr_fail(r, "%s: want a number, got '%s'", kv->key,
				kv->val);
	*v = (uint32_t)x;
	return 0;
}

static int
kv_cc(struct scr_run *r, const struct scr_kv *kv, uint8_t *cc)
{
	if (strcmp(kv->val, "newreno") == 0)
		*cc = OFLD_TCP_CC_NEWRENO;
	else if (strcmp(kv->val, "cubic") == 0)
		*cc = OFLD_TCP_CC_CUBIC;
	else
		return scr_fail(r, "cc: newreno or cubic, not '%s'", kv->val);
	return 0;
}

static int
exec_engine_kv(struct scr_run *r, const struct scr_line *l)
{
	uint32_t v;
	int i;

	if (r->e != NULL)
		return scr_fail(r, "'engine' after the engine started");
	for (i = 0; i < l->nkv; i++) {
		const struct scr_kv *kv = &l->kv[i];

		if (kv_num(r, kv, &v) != 0)
			return -1;
		if (strcmp(kv->key, "delack_us") == 0)
			r->conf.delack_us = v;
		else if (strcmp(kv->key, "min_rto_us") == 0)
			r->conf.min_rto_us = v;
		else if (strcmp(kv->key, "max_conns") == 0)
			r->conf.max_conns = v;
		else if (strcmp(kv->key, "event_ring_size") == 0)
			r->conf.event_ring_size = v;
		else if (strcmp(kv->key, "max_rto_ms") == 0)
			r->conf.max_rto_ms = v;
		else if (strcmp(kv->key, "user_timeout_ms") == 0)
			r->conf.user_timeout_ms = v;
		else if (strcmp(kv->key, "time_wait_ms") == 0)
			r->conf.time_wait_ms = v;
		else if (strcmp(kv->key, "delack_max_us") == 0)
			r->conf.delack_max_us = v;
		else if (strcmp(kv->key, "mss") == 0)
			r->def_mss = v;
		else if (strcmp(kv->key, "rcv_wnd") == 0)
			r->def_rcv_wnd = v;
		else
			return scr_fail(r, "engine: unknown key '%s'", kv->key);
	}
	return 0;
}

int
scr_exec_engine(struct scr_run *r)
{
	char name[32];

	if (r->e != NULL)
		return 0;
	snprintf(name, sizeof(name), "cs%u", r->engine_nr);
	r->e = ofld_tcp_engine_create(name, &r->conf);
	if (r->e == NULL)
		return scr_fail(r, "engine_create: %s", rte_strerror(rte_errno));
	return 0;
}

static int
exec_directive(struct scr_run *r, const struct scr_line *l)
{
	switch (l->kind) {
	case LK_ENGINE:
		return exec_engine_kv(r, l);
	case LK_TOLERANCE:
		r->tol = l->value;
		return 0;
	case LK_STEP:
		r->step = l->value;
		return 0;
	default:
		/* before the connection, or once it is released (a new
		 * connection of the peer's, say after TIME-WAIT)
		 */
		if (r->conn != NULL)
			return scr_fail(r, "peer_isn while a connection is held");
		r->peer_isn = (uint32_t)l->value;
		return 0;
	}
}

/* ---- set-up: connect, listen ---- */

/* A key=number word of `connect` and `listen`. */
static int
open_num(struct scr_run *r, struct ofld_tcp_open *o, const char *k,
	 uint32_t v, bool listen)
{
	if (strcmp(k, "mss") == 0)
		o->mss = (uint16_t)v;
	else if (strcmp(k, "rcv_wnd") == 0)
		o->rcv_wnd = v;
	else if (strcmp(k, "user_timeout_ms") == 0)
		o->user_timeout_ms = v;
	else if (strcmp(k, "keepalive_idle_ms") == 0)
		o->keepalive_idle_ms = v;
	else if (strcmp(k, "keepalive_intvl_ms") == 0)
		o->keepalive_intvl_ms = v;
	else if (strcmp(k, "keepalive_cnt") == 0 && v <= UINT8_MAX)
		o->keepalive_cnt = (uint8_t)v;
	else if (listen && strcmp(k, "port") == 0)
		o->local_port = (uint16_t)v;
	else if (listen && strcmp(k, "backlog") == 0)
		o->backlog = (uint16_t)v;
	else
		return scr_fail(r, "unknown word '%s' (or value %u)", k, v);
	return 0;
}

/* The words of `connect` and `listen`. */
static int
open_words(struct scr_run *r, const struct scr_line *l,
	   struct ofld_tcp_open *o, bool listen)
{
	uint32_t v;
	int i;

	memset(o, 0, sizeof(*o));
	o->mss = (uint16_t)r->def_mss;
	o->rcv_wnd = r->def_rcv_wnd;
	for (i = 0; i < l->nkv; i++) {
		const struct scr_kv *kv = &l->kv[i];
		const char *k = kv->key;

		if (strcmp(k, "v6") == 0) { o->ipv6 = true; continue; }
		if (strcmp(k, "no_sack") == 0) { o->no_sack = true; continue; }
		if (strcmp(k, "no_ts") == 0) { o->no_timestamps = true; continue; }
		if (strcmp(k, "no_wscale") == 0) {
			o->no_window_scale = true;
			continue;
		}
		if (strcmp(k, "cc") == 0) {
			if (kv_cc(r, kv, &o->cc) != 0)
				return -1;
			continue;
		}
		if (kv_num(r, kv, &v) != 0 || open_num(r, o, k, v, listen) != 0)
			return -1;
	}
	r->v6 = o->ipv6;
	scr_wire_addrs(r, o->local_ip, o->remote_ip);
	if (o->local_port == 0)
		o->local_port = r->our_port;
	r->our_port = o->local_port;
	o->remote_port = r->peer_port;
	o->remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 2 } };
	o->cookie = 1;
	return 0;
}

static int
check_ret(struct scr_run *r, const struct scr_line *l, const char *what,
	  int got)
{
	int want = l->has_ret ? l->ret : 0;

	if (got != want)
		return scr_fail(r, "%s returned %d (%s), want %d", what, got,
				got < 0 ? strerror(-got) : "ok", want);
	return 0;
}

static int
exec_connect(struct scr_run *r, const struct scr_line *l)
{
	struct ofld_tcp_open o;

	if (r->conn != NULL)
		return scr_fail(r, "one connection per script");
	if (open_words(r, l, &o, false) != 0)
		return -1;
	r->conn = ofld_tcp_connect(r->e, &o);
	if (check_ret(r, l, "connect", r->conn == NULL ? -rte_errno : 0) != 0)
		return -1;
	if (r->conn == NULL)
		return 0;	/* refused, as the line says */
	r->iss_known = false;
	r->iss_relearn = false;
	scr_new_streams(r, 0, 0);
	return scr_poll(r);
}

static int
exec_listen(struct scr_run *r, const struct scr_line *l)
{
	struct ofld_tcp_open o;

	if (open_words(r, l, &o, true) != 0)
		return -1;
	memset(o.local_ip, 0, sizeof(o.local_ip));	/* any address */
	if (check_ret(r, l, "listen", ofld_tcp_listen(r->e, &o)) != 0)
		return -1;
	r->listening = true;
	r->iss_known = false;
	return 0;
}

/* ---- set-up: offload (the state of ofld_tcp.h) ---- */

static int
offload_word(struct scr_run *r, const struct scr_kv *kv,
	     struct ofld_tcp_state *st, uint32_t *una, uint32_t *nxt)
{
	static const struct { const char *k; size_t off; } u32s[] = {
		{ "snd_wnd", offsetof(struct ofld_tcp_state, snd_wnd) },
		{ "rcv_wnd", offsetof(struct ofld_tcp_state, rcv_wnd) },
		{ "cwnd", offsetof(struct ofld_tcp_state, cwnd) },
		{ "ssthresh", offsetof(struct ofld_tcp_state, ssthresh) },
		{ "srtt_us", offsetof(struct ofld_tcp_state, srtt_us) },
		{ "rttvar_us", offsetof(struct ofld_tcp_state, rttvar_us) },
		{ "ts_recent", offsetof(struct ofld_tcp_state, ts_recent) },
		{ "ts_offset", offsetof(struct ofld_tcp_state, ts_offset) },
	};
	unsigned int a, b, i;
	uint32_t v;

	if (strcmp(kv->key, "v6") == 0)
		return 0;
	if (strcmp(kv->key, "cc") == 0)
		return kv_cc(r, kv, &st->cc);
	if (strcmp(kv->key, "ts") == 0 || strcmp(kv->key, "sack") == 0) {
		if (strcmp(kv->val, "on") != 0 && strcmp(kv->val, "off") != 0)
			return scr_fail(r, "%s=on or %s=off", kv->key, kv->key);
		if (kv->key[0] == 't')
			st->ts_ok = strcmp(kv->val, "on") == 0;
		else
			st->sack_ok = strcmp(kv->val, "on") == 0;
		return 0;
	}
	if (strcmp(kv->key, "wscale") == 0) {
		if (sscanf(kv->val, "%u,%u", &a, &b) != 2 || a > 255 || b > 255)
			return scr_fail(r, "wscale=peer,ours");
		st->snd_wscale = (uint8_t)a;
		st->rcv_wscale = (uint8_t)b;
		return 0;
	}
	if (kv_num(r, kv, &v) != 0)
		return -1;
	for (i = 0; i < RTE_DIM(u32s); i++)
		if (strcmp(kv->key, u32s[i].k) == 0) {
			memcpy((uint8_t *)st + u32s[i].off, &v, sizeof(v));
			return 0;
		}
	if (strcmp(kv->key, "iss") == 0)
		r->iss = v;
	else if (strcmp(kv->key, "snd_una") == 0)
		*una = v;
	else if (strcmp(kv->key, "rcv_nxt") == 0)
		*nxt = v;
	else if (strcmp(kv->key, "mss") == 0)
		st->mss = (uint16_t)v;
	else
		return scr_fail(r, "offload: unknown key '%s'", kv->key);
	return 0;
}

static int
exec_offload(struct scr_run *r, const struct scr_line *l)
{
	struct ofld_tcp_state st;
	uint32_t una = 1, nxt = 1;
	int i;

	if (r->conn != NULL)
		return scr_fail(r, "one connection per script");
	memset(&st, 0, sizeof(st));
	r->v6 = false;
	for (i = 0; i < l->nkv; i++)
		if (strcmp(l->kv[i].key, "v6") == 0)
			r->v6 = true;
	r->iss = 3000000000u;	/* above 2^31: signed slips show */
	st.snd_wnd = 65535;
	st.rcv_wnd = r->def_rcv_wnd != 0 ? r->def_rcv_wnd : 65535;
	st.mss = (uint16_t)(r->def_mss != 0 ? r->def_mss :
			    (r->v6 ? 1440 : 1460));
	for (i = 0; i < l->nkv; i++)
		if (offload_word(r, &l->kv[i], &st, &una, &nxt) != 0)
			return -1;
	st.ipv6 = r->v6;
	scr_wire_addrs(r, st.local_ip, st.remote_ip);
	st.local_port = r->our_port;
	st.remote_port = r->peer_port;
	st.remote_mac = (struct rte_ether_addr){ { 2, 0, 0, 0, 0, 2 } };
	st.cookie = 1;
	st.snd_una = st.snd_nxt = st.snd_max = r->iss + una;
	st.rcv_nxt = r->peer_isn + nxt;
	r->iss_known = true;
	r->iss_relearn = false;
	r->conn = ofld_tcp_offload(r->e, &st);
	if (check_ret(r, l, "offload", r->conn == NULL ? -rte_errno : 0) != 0)
		return -1;
	if (r->conn != NULL)
		scr_new_streams(r, una - 1, nxt - 1);
	return 0;
}

/* ---- the peer's segments, the application's calls ---- */

static int
exec_in(struct scr_run *r, const struct scr_line *l)
{
	struct rte_mbuf *m = scr_wire_build(r, &l->seg), *rest;

	if (m == NULL)
		return -1;
	/* the peer opens anew (nothing held): our next SYN-ACK says our ISS */
	if (r->conn == NULL && (l->seg.flags & (RTE_TCP_SYN_FLAG |
						RTE_TCP_ACK_FLAG)) ==
	    RTE_TCP_SYN_FLAG)
		r->iss_relearn = true;
	if (ofld_tcp_input(r->e, &m, 1, &rest) != 0)
		rte_pktmbuf_free(rest);	/* not the engine's (W1) */
	if (scr_drain_events(r) != 0)
		return -1;
	return scr_poll(r);
}

/* The handle a call works on: the connection, or `old` the released. */
static struct ofld_tcp_conn *
handle(struct scr_run *r, const struct scr_line *l)
{
	struct ofld_tcp_conn *c = l->old ? r->old : r->conn;

	if (c == NULL)
		scr_fail(r, l->old ? "no released handle" : "no connection");
	return c;
}

static int
exec_send(struct scr_run *r, const struct scr_line *l)
{
	struct rte_mbuf *m[SCR_MAX_SIZES];
	struct ofld_tcp_conn *c = handle(r, l);
	uint64_t off = r->snd_off;
	int i, ret;

	if (c == NULL)
		return -1;
	if (r->req_tail - r->req_head + l->nsizes > SCR_REQQ)
		return scr_fail(r, "too many requests outstanding");
	for (i = 0; i < l->nsizes; i++) {
		m[i] = ofld_test_stream_chain(r->pool, off, l->sizes[i],
					      SCR_OUR_KEY, 0);
		if (m[i] == NULL) {
			rte_pktmbuf_free_bulk(m, (unsigned int)i);
			return scr_fail(r, "send: the pool ran dry");
		}
		off += l->sizes[i];
	}
	ret = ofld_tcp_send(c, m, l->nsizes);
	if (ret != 0) {
		rte_pktmbuf_free_bulk(m, l->nsizes);
	} else {
		for (i = 0; i < l->nsizes; i++)
			r->req[r->req_tail++ % SCR_REQQ] = m[i];
		r->snd_off = off;
	}
	if (check_ret(r, l, "send", ret) != 0)
		return -1;
	return scr_poll(r);
}

static int
exec_call(struct scr_run *r, const struct scr_line *l)
{
	struct ofld_tcp_conn *c = handle(r, l);
	const char *what;
	int ret;

	if (c == NULL)
		return -1;
	switch (l->kind) {
	case LK_CLOSE: what = "close"; ret = ofld_tcp_close(c); break;
	case LK_ABORT: what = "abort"; ret = ofld_tcp_abort(c); break;
	case LK_TERMINATE:
		what = "terminate";
		ret = ofld_tcp_terminate(c, &r->term_st);
		r->terminated |= ret == 0;
		break;
	default: what = "release"; ret = ofld_tcp_release(c); break;
	}
	if (ret == 0 && c == r->conn &&
	    (l->kind == LK_TERMINATE || l->kind == LK_RELEASE)) {
		r->old = c;	/* `old` reaches it from now on (R12) */
		r->conn = NULL;
	}
	if (check_ret(r, l, what, ret) != 0 || scr_drain_events(r) != 0)
		return -1;
	return scr_poll(r);
}

/* `setopt NAME VALUE`: ofld_tcp_setopt() (R5, R10). */
static int
exec_setopt(struct scr_run *r, const struct scr_line *l)
{
	static const struct { const char *n; enum ofld_tcp_opt o; } opts[] = {
		{ "user_timeout", OFLD_TCP_OPT_USER_TIMEOUT },
		{ "keepalive_idle", OFLD_TCP_OPT_KEEPALIVE_IDLE },
		{ "keepalive_intvl", OFLD_TCP_OPT_KEEPALIVE_INTVL },
		{ "keepalive_cnt", OFLD_TCP_OPT_KEEPALIVE_CNT },
	};
	struct ofld_tcp_conn *c = handle(r, l);
	unsigned int i;

	if (c == NULL)
		return -1;
	for (i = 0; i < RTE_DIM(opts); i++)
		if (strcmp(l->name, opts[i].n) == 0)
			break;
	if (i == RTE_DIM(opts))
		return scr_fail(r, "setopt: no option '%s'", l->name);
	if (check_ret(r, l, "setopt", ofld_tcp_setopt(c, opts[i].o,
						      (uint32_t)l->value)) != 0)
		return -1;
	return scr_poll(r);
}

/* `hold`: the application stops reading events (R8: what it has not
 * taken fills the receive buffer); `take N` reads N of them, `take` all
 * and reads again from then on.
 */
static int
exec_hold_take(struct scr_run *r, const struct scr_line *l)
{
	if (l->kind == LK_HOLD) {
		r->holding = true;
		return 0;
	}
	if (l->value == 0)
		r->holding = false;
	return scr_take_events(r, l->value != 0 ? (uint32_t)l->value :
			       UINT32_MAX);
}

/* ---- expectations ---- */

static int
exec_event(struct scr_run *r, const struct scr_line *l)
{
	const struct ofld_tcp_event *ev;
	char want[96];

	snprintf(want, sizeof(want), "event %s%s%s", scr_event_name(l->ev_kind),
		 l->ev_status >= 0 ? " status=" : "",
		 l->ev_status >= 0 ? scr_status_name(l->ev_status) : "");
	if (l->has_bytes)
		snprintf(want + strlen(want), sizeof(want) - strlen(want),
			 " bytes=%" PRIu64, l->value);
	if (r->ev_head == r->ev_tail)
		return scr_fail(r, "missing event\n  expected: %s\n"
				"  got:      none", want);
	ev = &r->ev[r->ev_head % SCR_EVQ];
	if ((int)ev->kind != l->ev_kind ||
	    (l->ev_status >= 0 && (int)ev->status != l->ev_status) ||
	    (l->has_bytes && ev->bytes != l->value))
		return scr_fail(r, "event mismatch\n  expected: %s\n"
				"  got:      event %s status=%s bytes=%u", want,
				scr_event_name(ev->kind),
				scr_status_name(ev->status), ev->bytes);
	r->ev_head++;
	return 0;
}

static int
exec_recv(struct scr_run *r, const struct scr_line *l)
{
	uint64_t have = r->rcv_got - r->rcv_claimed;

	if (have < l->value)
		return scr_fail(r, "recv: %" PRIu64 " bytes delivered, want %"
				PRIu64, have, l->value);
	r->rcv_claimed += l->value;
	return 0;
}

static bool
cmp_holds(enum scr_cmp op, uint64_t a, uint64_t b)
{
	switch (op) {
	case CMP_EQ: return a == b;
	case CMP_NE: return a != b;
	case CMP_GE: return a >= b;
	case CMP_LE: return a <= b;
	case CMP_GT: return a > b;
	default: return a < b;
	}
}

static int
cmp_check(struct scr_run *r, const struct scr_line *l, const char *what,
	  uint64_t got)
{
	static const char *const ops[] = { "==", "!=", ">=", "<=", ">", "<" };

	if (cmp_holds(l->cmp, got, l->value))
		return 0;
	return scr_fail(r, "%s %s is %" PRIu64 ", want %s %" PRIu64, what,
			l->name, got, ops[l->cmp], l->value);
}

#define STAT(f) { #f, offsetof(struct ofld_tcp_stats, f) }

static int
exec_stat(struct scr_run *r, const struct scr_line *l)
{
	static const struct { const char *n; size_t off; } f[] = {
		STAT(segs_out), STAT(bytes_out), STAT(retrans_segs),
		STAT(retrans_bytes), STAT(fast_retrans), STAT(rto_fired),
		STAT(segs_in), STAT(bytes_in), STAT(acks_in),
		STAT(dupacks_in), STAT(psh_in), STAT(ooo_held),
		STAT(ooo_dropped), STAT(bad_seq), STAT(ack_unsent),
		STAT(rst_in), STAT(rst_challenged), STAT(syn_challenged),
		STAT(csum_bad), STAT(not_ours), STAT(reqs_posted),
		STAT(reqs_done), STAT(nomem), STAT(events_deferred),
		STAT(syn_in), STAT(syn_flood_dropped), STAT(handshakes),
		STAT(persist_probes), STAT(opt_bad), STAT(opt_clamped),
		STAT(challenge_limited), STAT(ack_old), STAT(paws_dropped),
		STAT(sack_blocks_in), STAT(sack_blocks_out), STAT(dsack_in),
		STAT(dsack_out), STAT(sack_recoveries), STAT(reno_recoveries),
		STAT(rack_marked), STAT(tlp_sent), STAT(tlp_recovered),
		STAT(spurious_undone), STAT(rto_user_timeout), STAT(time_wait),
		STAT(time_wait_reused), STAT(syn_sent_rst),
		STAT(keepalive_probes), STAT(keepalive_dead),
		STAT(rcv_wnd_full), STAT(rcv_nomem), STAT(ssr_idle),
		STAT(hystart_exits), STAT(smap_nomem), STAT(trk_busy),
	};
	struct ofld_tcp_stats st;
	uint64_t v;
	unsigned int i;

	ofld_tcp_stats_get(r->e, &st);
	for (i = 0; i < RTE_DIM(f); i++)
		if (strcmp(f[i].n, l->name) == 0) {
			memcpy(&v, (uint8_t *)&st + f[i].off, sizeof(v));
			return cmp_check(r, l, "stat", v);
		}
	return scr_fail(r, "no counter '%s' in struct ofld_tcp_stats",
			l->name);
}

/* A field of the delegated state; sequence numbers relative. */
static int
query_field(struct scr_run *r, const struct ofld_tcp_state *st,
	    const char *n, uint64_t *v)
{
	if (strcmp(n, "snd_una") == 0) *v = st->snd_una - r->iss;
	else if (strcmp(n, "snd_nxt") == 0) *v = st->snd_nxt - r->iss;
	else if (strcmp(n, "snd_max") == 0) *v = st->snd_max - r->iss;
	else if (strcmp(n, "rcv_nxt") == 0) *v = st->rcv_nxt - r->peer_isn;
	else if (strcmp(n, "snd_wnd") == 0) *v = st->snd_wnd;
	else if (strcmp(n, "cwnd") == 0) *v = st->cwnd;
	else if (strcmp(n, "ssthresh") == 0) *v = st->ssthresh;
	else if (strcmp(n, "srtt_us") == 0) *v = st->srtt_us;
	else if (strcmp(n, "rttvar_us") == 0) *v = st->rttvar_us;
	else if (strcmp(n, "rcv_wnd") == 0) *v = st->rcv_wnd;
	else if (strcmp(n, "mss") == 0) *v = st->mss;
	else if (strcmp(n, "snd_wscale") == 0) *v = st->snd_wscale;
	else if (strcmp(n, "rcv_wscale") == 0) *v = st->rcv_wscale;
	else if (strcmp(n, "ts_ok") == 0) *v = st->ts_ok;
	else if (strcmp(n, "ts_recent") == 0) *v = st->ts_recent;
	else if (strcmp(n, "cc") == 0) *v = st->cc;
	else
		return scr_fail(r, "no field '%s' in the state", n);
	return 0;
}

static int
exec_query(struct scr_run *r, const struct scr_line *l)
{
	struct ofld_tcp_state st;
	uint64_t v = 0;

	if (strcmp(l->name, "backlog") == 0) {
		if (r->conn == NULL)
			return scr_fail(r, "no connection");
		return cmp_check(r, l, "query", ofld_tcp_backlog(r->conn));
	}
	if (r->conn != NULL)
		ofld_tcp_query(r->conn, &st);
	else if (r->terminated)
		st = r->term_st;	/* what terminate handed back (T12) */
	else
		return scr_fail(r, "no connection");
	if (query_field(r, &st, l->name, &v) != 0)
		return -1;
	return cmp_check(r, l, "query", v);
}

static int
exec_state(struct scr_run *r, const struct scr_line *l)
{
	const char *got = r->conn != NULL ? ofld_tcp_state_name(r->conn) :
		"(none)";

	if (strcmp(got, l->name) != 0)
		return scr_fail(r, "state is %s, want %s", got, l->name);
	return 0;
}

int
scr_exec_line(struct scr_run *r, const struct scr_line *l)
{
	switch (l->kind) {
	case LK_ENGINE: case LK_TOLERANCE: case LK_STEP: case LK_PEER_ISN:
		return exec_directive(r, l);
	case LK_CONNECT: return exec_connect(r, l);
	case LK_LISTEN: return exec_listen(r, l);
	case LK_OFFLOAD: return exec_offload(r, l);
	case LK_IN: return exec_in(r, l);
	case LK_SEND: return exec_send(r, l);
	case LK_CLOSE: case LK_ABORT: case LK_TERMINATE: case LK_RELEASE:
		return exec_call(r, l);
	case LK_EVENT: return exec_event(r, l);
	case LK_RECV: return exec_recv(r, l);
	case LK_STATE: return exec_state(r, l);
	case LK_STAT: return exec_stat(r, l);
	case LK_QUERY: return exec_query(r, l);
	case LK_SETOPT: return exec_setopt(r, l);
	case LK_HOLD: case LK_TAKE: return exec_hold_take(r, l);
	default: return scr_fail(r, "'>' lines are the time line's");
	}
}
