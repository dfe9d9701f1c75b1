/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The neighbour table (N1): entries and their states, next-hop choice,
 * resolution (the first solicitation), learning from what the wire
 * (ofld_neigh_wire.c) found, the timers (retransmit, fail, age, remove,
 * announce) and the read-only views (counters, dump).
 */

#include <errno.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "ofld_neigh_var.h"

/* A reader that keeps meeting a writer gives up (the caller asks later). */
#define READ_TRIES	64
/* Solicitations one sweep sends at most; the rest go at the next sweep. */
#define SWEEP_SENDS	32

/* ms (or the default) in the table's ticks */
static uint64_t
ticks_of(const struct ofld_neigh *t, uint32_t ms, uint32_t dflt)
{
	return (uint64_t)(ms != 0 ? ms : dflt) * t->tick_hz / 1000;
}

struct ofld_neigh *
ofld_neigh_create(const char *name, const struct ofld_neigh_conf *conf)
{
	struct ofld_neigh *t;
	uint32_t nb;

	if (conf == NULL || (conf->ip4_set && (conf->ip4_prefix == 0 ||
					       conf->ip4_prefix > 32)) ||
	    (conf->ip6_set && (conf->ip6_prefix == 0 || conf->ip6_prefix > 128))) {
		rte_errno = EINVAL;
		return NULL;
	}
	nb = conf->max_entries != 0 ? conf->max_entries : OFLD_NEIGH_MAX_ENTRIES;
	t = rte_zmalloc_socket(name, sizeof(*t) + nb * sizeof(t->e[0]),
			       RTE_CACHE_LINE_SIZE, conf->socket);
	if (t == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	t->conf = *conf;
	t->nb = nb;
	/* ticks: the test's microseconds, else TSC cycles (no division
	 * on the per-burst look at the timers)
	 */
	t->tick_hz = conf->clock_us != NULL ? 1000000 : rte_get_timer_hz();
	t->reachable_t = ticks_of(t, conf->reachable_ms,
				  OFLD_NEIGH_REACHABLE_MS);
	t->retrans_t = ticks_of(t, conf->retrans_ms, OFLD_NEIGH_RETRANS_MS);
	t->gc_t = ticks_of(t, conf->gc_ms, OFLD_NEIGH_GC_MS);
	if (t->conf.probes == 0)
		t->conf.probes = OFLD_NEIGH_PROBES;
	/* timers are looked at 8 times per shortest period, at most every
	 * 100 us: a retransmission is at most 1/8 of a period late
	 */
	t->sweep_t = t->reachable_t < t->retrans_t ? t->reachable_t :
		t->retrans_t;
	if (t->gc_t < t->sweep_t)
		t->sweep_t = t->gc_t;
	t->sweep_t = RTE_MAX(t->sweep_t / 8, t->tick_hz / 10000);
	t->snm6[0] = 0xff;
	t->snm6[1] = 0x02;
	t->snm6[11] = 0x01;
	t->snm6[12] = 0xff;
	memcpy(&t->snm6[13], &conf->ip6[13], 3);
	t->snm6_mac = (struct rte_ether_addr){ .addr_bytes = { 0x33, 0x33,
		0xff, conf->ip6[13], conf->ip6[14], conf->ip6[15] } };
	rte_spinlock_init(&t->wlock);
	rte_seqcount_init(&t->sc);
	return t;
}

void
ofld_neigh_free(struct ofld_neigh *t)
{
	rte_free(t);
}

const struct ofld_neigh_conf *
ofld_neigh_conf_get(const struct ofld_neigh *t)
{
	return &t->conf;
}

uint64_t
neigh_now(const struct ofld_neigh *t)
{
	if (t->conf.clock_us != NULL)
		return t->conf.clock_us(t->conf.clock_arg);
	return rte_get_timer_cycles();
}

static struct neigh_entry *
find(struct ofld_neigh *t, bool ipv6, const uint8_t *ip)
{
	uint32_t i;

	for (i = 0; i < t->nb; i++)
		if (t->e[i].state != OFLD_NEIGH_FREE && t->e[i].ipv6 == ipv6 &&
		    neigh_ip_eq(t->e[i].ip, ip, ipv6))
			return &t->e[i];
	return NULL;
}

/* A slot for a new entry: a free one, else the oldest STALE or FAILED. */
static struct neigh_entry *
slot_new(struct ofld_neigh *t, bool ipv6, const uint8_t *ip)
{
	struct neigh_entry *best = NULL;
	uint32_t i;

	for (i = 0; i < t->nb; i++) {
		struct neigh_entry *x = &t->e[i];

		if (x->state == OFLD_NEIGH_FREE) {
			best = x;
			break;
		}
		if ((x->state == OFLD_NEIGH_STALE ||
		     x->state == OFLD_NEIGH_FAILED) &&
		    (best == NULL || x->changed < best->changed))
			best = x;
	}
	if (best == NULL) {
		NSTAT_INC(t, full);
		return NULL;
	}
	memset(best, 0, sizeof(*best));
	best->ipv6 = ipv6;
	memcpy(best->ip, ip, ipv6 ? 16 : 4);
	return best;
}

static bool
prefix_match(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(a, b, bytes) != 0)
		return false;
	return bits == 0 ||
		((a[bytes] ^ b[bytes]) & (uint8_t)(0xff << (8 - bits))) == 0;
}

/* The next hop towards dst: itself when on-link, else the gateway. */
static int
next_hop(const struct ofld_neigh *t, bool ipv6, const uint8_t *dst,
	 uint8_t *nh)
{
	const struct ofld_neigh_conf *c = &t->conf;
	bool set = ipv6 ? c->ip6_set : c->ip4_set;
	bool gw_set = ipv6 ? c->gw6_set : c->gw4_set;
	unsigned int len = ipv6 ? 16 : 4;

	if (!set)
		return -ENETUNREACH;
	if (prefix_match(dst, ipv6 ? c->ip6 : c->ip4,
			 ipv6 ? c->ip6_prefix : c->ip4_prefix))
		memcpy(nh, dst, len);
	else if (gw_set)
		memcpy(nh, ipv6 ? c->gw6 : c->gw4, len);
	else
		return -ENETUNREACH;
	return 0;
}

/* A lock-free copy of nh's entry; false: none, or writers kept busy. */
static bool
read_entry(const struct ofld_neigh *t, bool ipv6, const uint8_t *nh,
	   struct neigh_entry *out, bool *found)
{
	unsigned int tries;
	uint32_t sn;

	for (tries = 0; tries < READ_TRIES; tries++) {
		sn = rte_seqcount_read_begin(&t->sc);
		*found = false;
		for (uint32_t i = 0; i < t->nb; i++) {
			const struct neigh_entry *x = &t->e[i];

			if (x->state != OFLD_NEIGH_FREE && x->ipv6 == ipv6 &&
			    neigh_ip_eq(x->ip, nh, ipv6)) {
				*out = *x;
				*found = true;
				break;
			}
		}
		if (!rte_seqcount_read_retry(&t->sc, sn))
			return true;
	}
	return false;
}

/* Writer side of a resolution: start (or restart) it, or re-probe a
 * STALE entry once per retransmission time. *send: a solicitation is due.
 */
static int
resolve_write(struct ofld_neigh *t, bool ipv6, const uint8_t *nh, bool start,
	      struct rte_ether_addr *mac, bool *send)
{
	struct neigh_entry *x;
	uint64_t now = neigh_now(t);
	int ret = -EAGAIN;

	if (!rte_spinlock_trylock(&t->wlock)) {
		NSTAT_INC(t, busy);
		return -EAGAIN;
	}
	rte_seqcount_write_begin(&t->sc);
	x = find(t, ipv6, nh);
	if (x != NULL && x->state == OFLD_NEIGH_STALE) {
		*mac = x->mac;
		ret = 0;
		if (now >= x->probe_at) {
			x->probe_at = now + t->retrans_t;
			*send = true;
		}
	} else if (x != NULL && x->state == OFLD_NEIGH_REACHABLE) {
		*mac = x->mac;
		ret = 0;
	} else if (x != NULL && x->state == OFLD_NEIGH_FAILED && !start) {
		ret = -EHOSTUNREACH;
	} else if (x == NULL || x->state == OFLD_NEIGH_FAILED) {
		if (x == NULL)
			x = slot_new(t, ipv6, nh);
		if (x != NULL) {
			x->state = OFLD_NEIGH_INCOMPLETE;
			x->probes = 1;
			x->changed = now;
			x->probe_at = now + t->retrans_t;
			*send = true;
		}
	}
	rte_seqcount_write_end(&t->sc);
	rte_spinlock_unlock(&t->wlock);
	return ret;
}

int
ofld_neigh_resolve(struct ofld_neigh *t, bool ipv6, const uint8_t *dst,
		   bool start, struct rte_ether_addr *mac,
		   const struct ofld_neigh_io *io)
{
	uint8_t nh[16] = { 0 };
	struct neigh_entry x;
	bool found, send = false;
	int ret;

	if (t == NULL || dst == NULL || mac == NULL)
		return -EINVAL;
	ret = next_hop(t, ipv6, dst, nh);
	if (ret != 0) {
		if (start)
			NSTAT_INC(t, unreachable);
		return ret;
	}
	if (!read_entry(t, ipv6, nh, &x, &found))
		return -EAGAIN;
	if (found && x.state == OFLD_NEIGH_REACHABLE) {
		*mac = x.mac;
		return 0;
	}
	if (found && x.state == OFLD_NEIGH_INCOMPLETE)
		return -EAGAIN;
	if (found && x.state == OFLD_NEIGH_FAILED && !start)
		return -EHOSTUNREACH;
	if (found && x.state == OFLD_NEIGH_STALE && !start) {
		*mac = x.mac;
		return 0;
	}
	/* new, failed and asked afresh, or stale on a new use */
	ret = resolve_write(t, ipv6, nh, start, mac, &send);
	if (send && io != NULL)
		neigh_send_solicit(t, io, ipv6, nh);
	return ret;
}

static void
learn_entry(struct ofld_neigh *t, struct neigh_entry *x,
	    const struct rte_ether_addr *mac, enum neigh_learn_how how,
	    uint64_t now)
{
	bool same = rte_is_same_ether_addr(&x->mac, mac);

	if (x->state == OFLD_NEIGH_INCOMPLETE || x->state == OFLD_NEIGH_FAILED)
		same = false;	/* the MAC field means nothing yet */
	if (how == NEIGH_LEARN_REPLY) {
		if (x->state != OFLD_NEIGH_REACHABLE &&
		    x->state != OFLD_NEIGH_STALE)
			NSTAT_INC(t, resolved);
		x->state = OFLD_NEIGH_REACHABLE;
	} else if (same) {
		return;		/* nothing new: keep the state */
	} else {
		x->state = OFLD_NEIGH_STALE;
	}
	x->mac = *mac;
	x->probes = 0;
	x->probe_at = 0;
	x->changed = now;
}

int
neigh_learn(struct ofld_neigh *t, bool ipv6, const uint8_t *ip,
	    const struct rte_ether_addr *mac, enum neigh_learn_how how)
{
	struct neigh_entry *x;
	int ret = 1;

	if (!rte_spinlock_trylock(&t->wlock)) {
		NSTAT_INC(t, busy);
		return -EBUSY;
	}
	rte_seqcount_write_begin(&t->sc);
	x = find(t, ipv6, ip);
	if (x == NULL && how == NEIGH_LEARN_REQUEST)
		x = slot_new(t, ipv6, ip);
	if (x != NULL)
		learn_entry(t, x, mac, how, neigh_now(t));
	else
		ret = 0;
	rte_seqcount_write_end(&t->sc);
	rte_spinlock_unlock(&t->wlock);
	return ret;
}

struct sweep_sends {
	unsigned int n;
	struct {
		bool ipv6;
		uint8_t ip[16];
	} to[SWEEP_SENDS];
};

/* One entry's timers; a solicitation to send goes into s. */
static void
sweep_entry(struct ofld_neigh *t, struct neigh_entry *x, uint64_t now,
	    struct sweep_sends *s)
{
	switch (x->state) {
	case OFLD_NEIGH_INCOMPLETE:
		if (now < x->probe_at)
			break;
		if (x->probes >= t->conf.probes) {
			x->state = OFLD_NEIGH_FAILED;
			x->changed = now;
			NSTAT_INC(t, failed);
		} else if (s->n < SWEEP_SENDS) {
			x->probes++;
			x->probe_at = now + t->retrans_t;
			s->to[s->n].ipv6 = x->ipv6;
			memcpy(s->to[s->n].ip, x->ip, 16);
			s->n++;
		}
		break;
	case OFLD_NEIGH_REACHABLE:
		if (now - x->changed >= t->reachable_t) {
			x->state = OFLD_NEIGH_STALE;
			x->changed = now;
		}
		break;
	case OFLD_NEIGH_STALE:
	case OFLD_NEIGH_FAILED:
		if (now - x->changed >= t->gc_t) {
			x->state = OFLD_NEIGH_FREE;
			NSTAT_INC(t, aged);
		}
		break;
	default:
		break;
	}
}

void
ofld_neigh_poll(struct ofld_neigh *t, const struct ofld_neigh_io *io)
{
	struct sweep_sends s;
	uint64_t now;
	bool announce;
	uint32_t i;

	now = neigh_now(t);
	if (now < __atomic_load_n(&t->next_sweep, __ATOMIC_RELAXED) &&
	    !__atomic_load_n(&t->announce, __ATOMIC_RELAXED))
		return;
	if (!rte_spinlock_trylock(&t->wlock))
		return;		/* another thread is at it */
	announce = __atomic_exchange_n(&t->announce, 0, __ATOMIC_RELAXED);
	s.n = 0;
	if (now >= t->next_sweep) {
		rte_seqcount_write_begin(&t->sc);
		for (i = 0; i < t->nb; i++)
			sweep_entry(t, &t->e[i], now, &s);
		rte_seqcount_write_end(&t->sc);
		__atomic_store_n(&t->next_sweep, now + t->sweep_t,
				 __ATOMIC_RELAXED);
	}
	rte_spinlock_unlock(&t->wlock);
	for (i = 0; i < s.n; i++)
		neigh_send_solicit(t, io, s.to[i].ipv6, s.to[i].ip);
	if (announce)
		neigh_send_announce(t, io);
}

void
ofld_neigh_set_mac(struct ofld_neigh *t, const struct rte_ether_addr *mac)
{
	rte_spinlock_lock(&t->wlock);
	rte_seqcount_write_begin(&t->sc);
	t->conf.mac = *mac;
	rte_seqcount_write_end(&t->sc);
	rte_spinlock_unlock(&t->wlock);
}

void
ofld_neigh_announce(struct ofld_neigh *t)
{
	if (t != NULL)
		__atomic_store_n(&t->announce, 1, __ATOMIC_RELAXED);
}

void
ofld_neigh_stats_get(const struct ofld_neigh *t, struct ofld_neigh_stats *s)
{
	const uint64_t *src = (const uint64_t *)&t->st;
	uint64_t *dst = (uint64_t *)s;
	size_t i;

	for (i = 0; i < sizeof(*s) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
}

uint32_t
ofld_neigh_dump(const struct ofld_neigh *t, struct ofld_neigh_entry_info *out,
		uint32_t max)
{
	uint64_t now = neigh_now(t);
	uint32_t i, n, sn;

	do {
		sn = rte_seqcount_read_begin(&t->sc);
		for (i = 0, n = 0; i < t->nb && n < max; i++) {
			const struct neigh_entry *x = &t->e[i];

			if (x->state == OFLD_NEIGH_FREE)
				continue;
			out[n].ipv6 = x->ipv6;
			memcpy(out[n].ip, x->ip, 16);
			out[n].mac = x->mac;
			out[n].state = (enum ofld_neigh_state)x->state;
			out[n].probes = x->probes;
			out[n].age_ms = now > x->changed ?
				(now - x->changed) / (t->tick_hz / 1000) : 0;
			n++;
		}
	} while (rte_seqcount_read_retry(&t->sc, sn));
	return n;
}

uint32_t
ofld_neigh_count(const struct ofld_neigh *t)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->nb; i++)
		n += __atomic_load_n(&t->e[i].state, __ATOMIC_RELAXED) !=
			OFLD_NEIGH_FREE;
	return n;
}

const char *
ofld_neigh_state_name(enum ofld_neigh_state s)
{
	static const char *const names[] = {
		[OFLD_NEIGH_FREE] = "free",
		[OFLD_NEIGH_INCOMPLETE] = "incomplete",
		[OFLD_NEIGH_REACHABLE] = "reachable",
		[OFLD_NEIGH_STALE] = "stale",
		[OFLD_NEIGH_FAILED] = "failed",
	};

	return (unsigned int)s < RTE_DIM(names) ? names[s] : "?";
}
