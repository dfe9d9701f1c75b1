/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * Device arguments of net_ofld. Every key is parsed strictly: a bad value,
 * an out-of-range value, an unknown or repeated key each fail the probe
 * with a log line that names the argument.
 */

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_kvargs.h>

#include "ofld_private.h"

#define ARG_PAIR	"pair"
#define ARG_LOWER	"lower"
#define ARG_SPEED	"speed"
#define ARG_DELAY	"delay"
#define ARG_LOSS	"loss"
#define ARG_REORDER	"reorder"
#define ARG_DUP		"dup"
#define ARG_SEED	"seed"
#define ARG_MAC		"mac"
#define ARG_GSO_L3	"gso_l3"
#define ARG_GSO_L4	"gso_l4"
#define ARG_GSO_MAX	"gso_max_size"
#define ARG_GSO_MINSEG	"gso_min_segs"
#define ARG_GSO_L4OFF	"gso_l4_offset_max"
#define ARG_TCP_CONNS	"tcp_max_conns"
#define ARG_ENGINE	"engine"
#define ARG_TX_FREE	"tx_free"
#define ARG_LOWER_OFL	"lower_offload"

#define GSO_MAX_SIZE_LIMIT	(16u << 20)

static const char *const valid_keys[] = {
	ARG_PAIR, ARG_LOWER, ARG_SPEED, ARG_DELAY, ARG_LOSS, ARG_REORDER, ARG_DUP,
	ARG_SEED, ARG_MAC, ARG_GSO_L3, ARG_GSO_L4, ARG_GSO_MAX, ARG_GSO_MINSEG,
	ARG_GSO_L4OFF, ARG_TCP_CONNS, ARG_ENGINE, ARG_TX_FREE, ARG_LOWER_OFL,
	/* addresses and neighbours (ofld_devargs_addr.c) */
	OFLD_ARG_IP, OFLD_ARG_GW, OFLD_ARG_IP6, OFLD_ARG_GW6,
	OFLD_ARG_NEIGH_ENTRIES, OFLD_ARG_NEIGH_REACHABLE,
	OFLD_ARG_NEIGH_RETRANS, OFLD_ARG_NEIGH_GC, OFLD_ARG_NEIGH_PROBES, NULL,
};

struct kind_name {
	const char *name;
	uint32_t bit;
};

static const struct kind_name l3_kinds[] = {
	{ "ipv4", OFLD_GSO_L3_IPV4 }, { "ipv4opts", OFLD_GSO_L3_IPV4_OPTS },
	{ "ipv6", OFLD_GSO_L3_IPV6 }, { "ipv6ext", OFLD_GSO_L3_IPV6_EXT },
	{ NULL, 0 },
};

static const struct kind_name l4_kinds[] = {
	{ "tcp", OFLD_GSO_L4_TCP }, { "tcpopts", OFLD_GSO_L4_TCP_OPTS },
	{ "udp", OFLD_GSO_L4_UDP }, { NULL, 0 },
};

struct arg_ctx {
	const char *dev;
	struct ofld_devargs *da;
};

static int
parse_u64(const char *key, const char *val, uint64_t min, uint64_t max,
	  uint64_t *out, const struct arg_ctx *ctx)
{
	unsigned long long v;
	char *end = NULL;

	if (val == NULL || *val == '\0' || !isdigit((unsigned char)*val))
		goto bad;
	errno = 0;
	v = strtoull(val, &end, 0);
	if (end == val || *end != '\0' || (errno != 0 && errno != ERANGE))
		goto bad;
	if (errno == ERANGE || v < min || v > max) {
		OFLD_LOG(ERR, "%s: device argument '%s=%s' out of range [%" PRIu64
			 ", %" PRIu64 "]", ctx->dev, key, val, min, max);
		return -ERANGE;
	}
	*out = v;
	return 0;
bad:
	OFLD_LOG(ERR, "%s: device argument '%s=%s' is not a number",
		 ctx->dev, key, val != NULL ? val : "");
	return -EINVAL;
}

static int
parse_prob(const char *key, const char *val, double *out,
	   const struct arg_ctx *ctx)
{
	char *end = NULL;
	double v;

	if (val == NULL || *val == '\0')
		goto bad;
	errno = 0;
	v = strtod(val, &end);
	if (errno != 0 || end == val || *end != '\0' || !isfinite(v))
		goto bad;
	if (v < 0.0 || v > 1.0) {
		OFLD_LOG(ERR, "%s: device argument '%s=%s' out of range [0, 1] "
			 "(a probability)", ctx->dev, key, val);
		return -ERANGE;
	}
	*out = v;
	return 0;
bad:
	OFLD_LOG(ERR, "%s: device argument '%s=%s' is not a probability",
		 ctx->dev, key, val != NULL ? val : "");
	return -EINVAL;
}

static int
parse_name(const char *key, const char *val, char *out, size_t size,
	   bool portname, const struct arg_ctx *ctx)
{
	size_t i, len = val != NULL ? strlen(val) : 0;

	if (len == 0 || len >= size) {
		OFLD_LOG(ERR, "%s: device argument '%s' must be 1..%zu characters",
			 ctx->dev, key, size - 1);
		return -EINVAL;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = val[i];

		if (!isalnum(c) && c != '_' && c != '-' &&
		    !(portname && (c == ':' || c == '.'))) {
			OFLD_LOG(ERR, "%s: device argument '%s=%s' has an invalid "
				 "character '%c'", ctx->dev, key, val, c);
			return -EINVAL;
		}
	}
	memcpy(out, val, len + 1);
	return 0;
}

/* "ipv4:ipv6ext": kind names joined by ':' into a bit set. */
static int
parse_kinds(const char *key, const char *val, const struct kind_name *kinds,
	    uint32_t *out, const struct arg_ctx *ctx)
{
	const char *p = val, *end;
	uint32_t bits = 0;
	size_t len;
	int i;

	if (val == NULL || *val == '\0')
		goto bad;
	while (*p != '\0') {
		end = strchr(p, ':');
		len = end != NULL ? (size_t)(end - p) : strlen(p);
		if (len == 0 || (end != NULL && end[1] == '\0'))
			goto bad;	/* empty kind: "::" or a trailing ':' */
		for (i = 0; kinds[i].name != NULL; i++)
			if (strlen(kinds[i].name) == len &&
			    strncmp(kinds[i].name, p, len) == 0)
				break;
		if (kinds[i].name == NULL)
			goto bad;
		bits |= kinds[i].bit;
		p += len;
		if (*p == ':')
			p++;
	}
	*out = bits;
	return 0;
bad:
	OFLD_LOG(ERR, "%s: device argument '%s=%s': expected kinds from "
		 "%s joined by ':'", ctx->dev, key, val != NULL ? val : "",
		 kinds == l3_kinds ? "ipv4, ipv4opts, ipv6, ipv6ext" :
		 "tcp, tcpopts, udp");
	return -EINVAL;
}

/* speed= and delay=: the link's rate and one-way delay. */
static int
handle_link(const char *key, const char *val, const struct arg_ctx *ctx)
{
	struct ofld_devargs *da = ctx->da;
	uint64_t v;
	int ret;

	if (strcmp(key, ARG_SPEED) == 0) {
		ret = parse_u64(key, val, 0, OFLD_MAX_SPEED, &v, ctx);
		if (ret == 0) {
			da->speed_mbps = (uint32_t)v;
			da->speed_set = true;
		}
		return ret;
	}
	ret = parse_u64(key, val, 0, OFLD_DELAY_MAX_US, &v, ctx);
	if (ret == 0)
		da->delay_us = (uint32_t)v;
	return ret;
}

/* One of two words: *second is whether it was the second. */
static int
parse_choice(const char *key, const char *val, const char *first,
	     const char *second, bool *is_second, const struct arg_ctx *ctx)
{
	if (val != NULL && (strcmp(val, first) == 0 ||
			    strcmp(val, second) == 0)) {
		*is_second = strcmp(val, second) == 0;
		return 0;
	}
	OFLD_LOG(ERR, "%s: device argument '%s=%s': expected '%s' or '%s'",
		 ctx->dev, key, val != NULL ? val : "", first, second);
	return -EINVAL;
}

static int
handle_arg(const char *key, const char *val, void *opaque)
{
	const struct arg_ctx *ctx = opaque;
	struct ofld_devargs *da = ctx->da;
	uint64_t v;
	int ret;

	if (ofld_devargs_addr_key(key))
		return ofld_devargs_addr(ctx->dev, key, val, &da->neigh);
	if (strcmp(key, ARG_PAIR) == 0)
		return parse_name(key, val, da->pair, sizeof(da->pair), false,
				  ctx);
	if (strcmp(key, ARG_LOWER) == 0)
		return parse_name(key, val, da->lower, sizeof(da->lower), true,
				  ctx);
	if (strcmp(key, ARG_SPEED) == 0 || strcmp(key, ARG_DELAY) == 0)
		return handle_link(key, val, ctx);
	if (strcmp(key, ARG_LOSS) == 0)
		return parse_prob(key, val, &da->loss, ctx);
	if (strcmp(key, ARG_REORDER) == 0)
		return parse_prob(key, val, &da->reorder, ctx);
	if (strcmp(key, ARG_DUP) == 0)
		return parse_prob(key, val, &da->dup, ctx);
	if (strcmp(key, ARG_SEED) == 0)
		return parse_u64(key, val, 0, UINT64_MAX, &da->seed, ctx);
	if (strcmp(key, ARG_MAC) == 0) {
		if (val == NULL ||
		    rte_ether_unformat_addr(val, &da->mac) != 0 ||
		    !rte_is_valid_assigned_ether_addr(&da->mac)) {
			OFLD_LOG(ERR, "%s: device argument '%s=%s' is not a unicast "
				 "MAC address", ctx->dev, key, val != NULL ? val : "");
			return -EINVAL;
		}
		da->mac_set = true;
		return 0;
	}
	if (strcmp(key, ARG_GSO_L3) == 0)
		return parse_kinds(key, val, l3_kinds, &da->gso_hw.l3, ctx);
	if (strcmp(key, ARG_GSO_L4) == 0)
		return parse_kinds(key, val, l4_kinds, &da->gso_hw.l4, ctx);
	if (strcmp(key, ARG_GSO_MAX) == 0) {
		ret = parse_u64(key, val, 1, GSO_MAX_SIZE_LIMIT, &v, ctx);
		da->gso_hw.max_offload_size = (uint32_t)v;
		return ret;
	}
	if (strcmp(key, ARG_GSO_MINSEG) == 0) {
		ret = parse_u64(key, val, 1, OFLD_GSO_MAX_SEGS, &v, ctx);
		da->gso_hw.min_segs = (uint32_t)v;
		return ret;
	}
	if (strcmp(key, ARG_GSO_L4OFF) == 0) {
		ret = parse_u64(key, val, 1, OFLD_GSO_L4_OFFSET_HW, &v, ctx);
		da->gso_hw.l4_offset_max = (uint32_t)v;
		return ret;
	}
	if (strcmp(key, ARG_ENGINE) == 0)
		return parse_choice(key, val, "inline", "service",
				    &da->engine_service, ctx);
	if (strcmp(key, ARG_TX_FREE) == 0) {
		da->tx_free_set = true;
		return parse_choice(key, val, "sender", "receiver",
				    &da->tx_free_receiver, ctx);
	}
	if (strcmp(key, ARG_LOWER_OFL) == 0) {
		da->lower_offload_set = true;
		return parse_choice(key, val, "on", "off",
				    &da->lower_offload_off, ctx);
	}
	if (strcmp(key, ARG_TCP_CONNS) == 0) {
		ret = parse_u64(key, val, 1, 1u << 20, &v, ctx);
		da->tcp_max_conns = (uint32_t)v;
		return ret;
	}
	return -EINVAL; /* not reached: keys are checked first */
}

/* Whether key is in the NULL-terminated list keys. */
bool
ofld_devargs_key_in(const char *const *keys, const char *key)
{
	unsigned int i;

	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(keys[i], key) == 0)
			return true;
	return false;
}

/* Every key known, with a value, once. 0 or -EINVAL (logged). */
static int
check_keys(const char *name, const struct rte_kvargs *kv)
{
	unsigned int i;

	for (i = 0; i < kv->count; i++) {
		const char *key = kv->pairs[i].key;

		if (!ofld_devargs_key_in(valid_keys, key)) {
			OFLD_LOG(ERR, "%s: unknown device argument '%s' (known: "
				 "pair, lower, speed, delay, loss, reorder, dup, "
				 "seed, mac, gso_l3, gso_l4, gso_max_size, "
				 "gso_min_segs, gso_l4_offset_max, tcp_max_conns, "
				 "engine, tx_free, lower_offload, ip, gw, ip6, gw6, "
				 "neigh_entries, neigh_reachable_ms, "
				 "neigh_retrans_ms, neigh_gc_ms, neigh_probes)",
				 name, key);
			return -EINVAL;
		}
		if (kv->pairs[i].value == NULL) {
			/* said here: from DPDK 24.11 on, rte_kvargs_process()
			 * refuses such a key without calling our handler
			 */
			OFLD_LOG(ERR, "%s: device argument '%s' needs a value "
				 "('%s=...')", name, key, key);
			return -EINVAL;
		}
		if (rte_kvargs_count(kv, key) > 1) {
			OFLD_LOG(ERR, "%s: device argument '%s' given more than "
				 "once", name, key);
			return -EINVAL;
		}
	}
	return 0;
}

/* delay= needs the pair cable and lanes that can hold speed x delay. */
static int
check_delay(const char *name, struct ofld_devargs *da)
{
	if (da->delay_us == 0) {
		da->lane_size = OFLD_LANE_SIZE;
		return 0;
	}
	if (da->pair[0] == '\0') {
		OFLD_LOG(ERR, "%s: device argument 'delay=%u': a delay line is "
			 "the pair cable's (give 'pair=NAME')", name,
			 da->delay_us);
		return -EINVAL;
	}
	da->lane_size = ofld_delay_lane_size(da->speed_mbps,
					     OFLD_DEFAULT_SPEED, da->delay_us,
					     OFLD_LANE_SIZE, OFLD_LANE_MAX);
	if (da->lane_size == 0) {
		OFLD_LOG(ERR, "%s: device argument 'delay=%u': %u Mbit/s%s x "
			 "%u us is more frames in flight than a lane holds "
			 "(%u frames of %u wire bytes, %u of them for the "
			 "receiver's backlog): give a shorter delay or a lower "
			 "speed", name, da->delay_us,
			 da->speed_mbps != 0 ? da->speed_mbps :
			 OFLD_DEFAULT_SPEED, da->speed_mbps != 0 ? "" :
			 " (unpaced: sized as for that)", da->delay_us,
			 OFLD_LANE_MAX, OFLD_DELAY_REF_FRAME_BITS / 8,
			 OFLD_LANE_SIZE);
		return -ERANGE;
	}
	return 0;
}

/**
 * Parse the device arguments of port NAME into *da (defaults filled in).
 * @return 0, or -EINVAL / -ERANGE after logging which argument is wrong.
 */
int
ofld_devargs_parse(const char *name, const char *args, struct ofld_devargs *da)
{
	struct arg_ctx ctx = { .dev = name, .da = da };
	struct rte_kvargs *kv = NULL;
	unsigned int i;
	int ret = 0;

	memset(da, 0, sizeof(*da));
	da->speed_mbps = OFLD_DEFAULT_SPEED;
	da->tcp_max_conns = OFLD_TCP_DEFAULT_CONNS;
	da->gso_hw = (struct ofld_gso_caps){
		.l3 = OFLD_GSO_L3_ALL,
		.l4 = OFLD_GSO_L4_ALL,
		.max_offload_size = OFLD_GSO_DEFAULT_MAX_SIZE,
		.min_segs = 1,
		.l4_offset_max = OFLD_GSO_L4_OFFSET_HW,
	};

	if (args != NULL && *args != '\0') {
		/* Parse without a key filter, to name the unknown key. */
		kv = rte_kvargs_parse(args, NULL);
		if (kv == NULL) {
			OFLD_LOG(ERR, "%s: cannot parse device arguments '%s'",
				 name, args);
			return -EINVAL;
		}
		ret = check_keys(name, kv);
		if (ret != 0)
			goto out;
		for (i = 0; valid_keys[i] != NULL; i++) {
			ret = rte_kvargs_process(kv, valid_keys[i], handle_arg,
						 &ctx);
			if (ret != 0)
				goto out;
		}
	}

	if (ret == 0 && ofld_gso_caps_valid(&da->gso_hw) != 0) {
		/* G2: a "with options" kind needs its plain kind. */
		OFLD_LOG(ERR, "%s: device arguments 'gso_l3=...'/'gso_l4=...' make "
			 "an invalid GSO record: ipv4opts needs ipv4, ipv6ext "
			 "needs ipv6, tcpopts needs tcp", name);
		ret = -EINVAL;
		goto out;
	}
	if (da->pair[0] != '\0' && da->lower[0] != '\0') {
		OFLD_LOG(ERR, "%s: device arguments 'pair' and 'lower' exclude "
			 "each other", name);
		ret = -EINVAL;
	} else if (da->pair[0] == '\0' && da->lower[0] == '\0') {
		OFLD_LOG(ERR, "%s: a cable is needed: give device argument "
			 "'pair=NAME' or 'lower=PORTNAME'", name);
		ret = -EINVAL;
	} else if (da->pair[0] != '\0' && da->lower_offload_set) {
		OFLD_LOG(ERR, "%s: device argument 'lower_offload' is the lower "
			 "port's (over 'pair=' there is no port below)", name);
		ret = -EINVAL;
	} else if (da->lower[0] != '\0' && da->tx_free_set) {
		OFLD_LOG(ERR, "%s: device argument 'tx_free' is the pair "
			 "cable's (over 'lower=' the lower port frees what it "
			 "sent)", name);
		ret = -EINVAL;
	} else {
		ret = check_delay(name, da);
	}
	if (ret == 0)
		ret = ofld_devargs_addr_check(name, &da->neigh);
out:
	rte_kvargs_free(kv);
	return ret;
}
