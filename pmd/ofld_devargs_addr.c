/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * The device arguments of a port's addresses and neighbour table (N1):
 * ip=ADDR/PREFIX, gw=ADDR, ip6=ADDR/PREFIX, gw6=ADDR and the table's
 * times and size (neigh_*). Strict as the others (ofld_devargs.c): a bad
 * value fails the probe with a log line naming the argument.
 */

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>

#include "ofld_private.h"

#define NEIGH_MS_MAX	3600000u	/* an hour */

static const char *const addr_keys[] = {
	OFLD_ARG_IP, OFLD_ARG_GW, OFLD_ARG_IP6, OFLD_ARG_GW6,
	OFLD_ARG_NEIGH_ENTRIES, OFLD_ARG_NEIGH_REACHABLE,
	OFLD_ARG_NEIGH_RETRANS, OFLD_ARG_NEIGH_GC, OFLD_ARG_NEIGH_PROBES, NULL,
};

bool
ofld_devargs_addr_key(const char *key)
{
	return ofld_devargs_key_in(addr_keys, key);
}

/* A unicast address we may take or route through. */
static bool
unicast_ok(bool v6, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (v6)
		return a[0] != 0xff && memcmp(a, zero, 16) != 0 &&
			!(memcmp(a, zero, 15) == 0 && a[15] == 1);
	return a[0] != 0 && a[0] != 127 && a[0] < 224;
}

/* "ADDR" or, with a prefix wanted, "ADDR/LEN". */
static int
parse_ip(const char *dev, const char *key, const char *val, bool v6,
	 bool want_prefix, uint8_t *addr, uint8_t *prefix)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end = NULL;
	unsigned long len = 0;
	size_t n = val != NULL ? strlen(val) : 0;

	if (n == 0 || n >= sizeof(buf))
		goto bad;
	memcpy(buf, val, n + 1);
	slash = strchr(buf, '/');
	if ((slash != NULL) != want_prefix)
		goto bad;
	if (slash != NULL) {
		*slash = '\0';
		if (!isdigit((unsigned char)slash[1]))
			goto bad;
		len = strtoul(slash + 1, &end, 10);
		if (*end != '\0' || len == 0 || len > (v6 ? 128u : 32u))
			goto bad;
		*prefix = (uint8_t)len;
	}
	if (inet_pton(v6 ? AF_INET6 : AF_INET, buf, addr) != 1 ||
	    !unicast_ok(v6, addr))
		goto bad;
	return 0;
bad:
	OFLD_LOG(ERR, "%s: device argument '%s=%s': expected a unicast %s "
		 "address%s", dev, key, val != NULL ? val : "",
		 v6 ? "IPv6" : "IPv4", want_prefix ?
		 (v6 ? " with a prefix length 1..128, e.g. fd00:1::1/64" :
		  " with a prefix length 1..32, e.g. 198.18.0.1/24") : "");
	return -EINVAL;
}

static int
parse_ms(const char *dev, const char *key, const char *val, uint32_t min,
	 uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end = NULL;

	if (val == NULL || !isdigit((unsigned char)*val))
		goto bad;
	errno = 0;
	v = strtoull(val, &end, 10);
	if (*end != '\0' || errno != 0 || v < min || v > max)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	OFLD_LOG(ERR, "%s: device argument '%s=%s': expected a whole number "
		 "in [%u, %u]", dev, key, val != NULL ? val : "", min, max);
	return -EINVAL;
}

int
ofld_devargs_addr(const char *dev, const char *key, const char *val,
		  struct ofld_neigh_conf *nc)
{
	uint32_t v = 0;
	int ret;

	if (strcmp(key, OFLD_ARG_IP) == 0) {
		nc->ip4_set = true;
		return parse_ip(dev, key, val, false, true, nc->ip4,
				&nc->ip4_prefix);
	}
	if (strcmp(key, OFLD_ARG_IP6) == 0) {
		nc->ip6_set = true;
		return parse_ip(dev, key, val, true, true, nc->ip6,
				&nc->ip6_prefix);
	}
	if (strcmp(key, OFLD_ARG_GW) == 0) {
		nc->gw4_set = true;
		return parse_ip(dev, key, val, false, false, nc->gw4, NULL);
	}
	if (strcmp(key, OFLD_ARG_GW6) == 0) {
		nc->gw6_set = true;
		return parse_ip(dev, key, val, true, false, nc->gw6, NULL);
	}
	if (strcmp(key, OFLD_ARG_NEIGH_ENTRIES) == 0)
		return parse_ms(dev, key, val, 1, 65536, &nc->max_entries);
	if (strcmp(key, OFLD_ARG_NEIGH_PROBES) == 0) {
		ret = parse_ms(dev, key, val, 1, 10, &v);
		nc->probes = (uint8_t)v;
		return ret;
	}
	if (strcmp(key, OFLD_ARG_NEIGH_REACHABLE) == 0)
		return parse_ms(dev, key, val, 1, NEIGH_MS_MAX,
				&nc->reachable_ms);
	if (strcmp(key, OFLD_ARG_NEIGH_RETRANS) == 0)
		return parse_ms(dev, key, val, 1, NEIGH_MS_MAX,
				&nc->retrans_ms);
	return parse_ms(dev, key, val, 1, NEIGH_MS_MAX, &nc->gc_ms);
}

/* A gateway needs an address of its family and must be on its link. */
static int
check_gw(const char *dev, bool v6, const struct ofld_neigh_conf *nc)
{
	const uint8_t *ip = v6 ? nc->ip6 : nc->ip4;
	const uint8_t *gw = v6 ? nc->gw6 : nc->gw4;
	unsigned int plen = v6 ? nc->ip6_prefix : nc->ip4_prefix, i;
	const char *gk = v6 ? OFLD_ARG_GW6 : OFLD_ARG_GW;
	const char *ik = v6 ? OFLD_ARG_IP6 : OFLD_ARG_IP;

	if (!(v6 ? nc->ip6_set : nc->ip4_set)) {
		OFLD_LOG(ERR, "%s: device argument '%s' needs '%s=ADDR/PREFIX' "
			 "(the gateway is on the port's own link)", dev, gk, ik);
		return -EINVAL;
	}
	for (i = 0; i < plen; i++) {
		uint8_t bit = (uint8_t)(0x80 >> (i % 8));

		if ((ip[i / 8] ^ gw[i / 8]) & bit)
			break;
	}
	if (i < plen || memcmp(ip, gw, v6 ? 16 : 4) == 0) {
		OFLD_LOG(ERR, "%s: device argument '%s': the gateway must be "
			 "another address within the prefix of '%s'", dev, gk,
			 ik);
		return -EINVAL;
	}
	return 0;
}

int
ofld_devargs_addr_check(const char *dev, struct ofld_neigh_conf *nc)
{
	int ret = 0;

	if (nc->gw4_set)
		ret = check_gw(dev, false, nc);
	if (ret == 0 && nc->gw6_set)
		ret = check_gw(dev, true, nc);
	return ret;
}
