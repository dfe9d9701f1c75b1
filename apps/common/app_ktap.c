/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ethdev.h>

#include "app_ktap.h"

int
app_ktap_find(const char *prog, struct app_ktap *t)
{
	struct rte_eth_dev_info info;
	struct rte_eth_dev_owner owner;
	char name[RTE_ETH_NAME_MAX_LEN];
	uint16_t p, q;
	bool ofld_seen = false;

	memset(t, 0, sizeof(*t));
	for (p = 0; p < RTE_MAX_ETHPORTS; p++) {
		if (!rte_eth_dev_is_valid_port(p) ||
		    rte_eth_dev_info_get(p, &info) != 0 ||
		    info.driver_name == NULL ||
		    strcmp(info.driver_name, "net_ofld") != 0 ||
		    rte_eth_dev_get_name_by_port(p, name) != 0)
			continue;
		ofld_seen = true;
		/* net_ofld owns its lower port under its own name */
		for (q = 0; q < RTE_MAX_ETHPORTS; q++) {
			if (!rte_eth_dev_is_valid_port(q) ||
			    rte_eth_dev_owner_get(q, &owner) != 0 ||
			    owner.id == RTE_ETH_DEV_NO_OWNER ||
			    strcmp(owner.name, name) != 0 ||
			    rte_eth_dev_info_get(q, &info) != 0 ||
			    info.if_index == 0 ||
			    if_indextoname(info.if_index, t->iface) == NULL)
				continue;
			t->ofld_port = p;
			t->lower_port = q;
			memcpy(t->lower_iface, t->iface, sizeof(t->iface));
			if (getenv("OFLD_KTAP_IFACE") != NULL)
				snprintf(t->iface, sizeof(t->iface), "%s",
					 getenv("OFLD_KTAP_IFACE"));
			return 0;
		}
	}
	fprintf(stderr, "%s: %s; the kernel as the peer needs one stacked on "
		"net_tap, e.g. EAL options --vdev net_tap0,iface=ofldtap0 "
		"--vdev net_ofld0,lower=net_tap0," APP_KTAP_OFLD_ADDRS "\n", prog,
		ofld_seen ?
		"no net_ofld port is stacked on a port with a kernel interface" :
		"no net_ofld port");
	return -ENODEV;
}

static int
run(const char *prog, const char *cmd)
{
	int r = system(cmd);

	if (r != 0)
		fprintf(stderr, "%s: '%s' failed (%d)\n", prog, cmd, r);
	return r == 0 ? 0 : -1;
}

int
app_ktap_setup(const char *prog, struct app_ktap *t)
{
	char cmd[512], mac[RTE_ETHER_ADDR_FMT_SIZE], path[64];
	struct rte_ether_addr kmac;
	uint64_t id;
	FILE *f;
	int ok;

	if (rte_eth_macaddr_get(t->ofld_port, &t->ofld_mac) != 0)
		return -1;
	/* a port with addresses has a neighbour table, and its xstats */
	if (rte_eth_xstats_get_id_by_name(t->ofld_port, "neigh_entries",
					  &id) != 0) {
		fprintf(stderr, "%s: the net_ofld port has no address: give it "
			"the device arguments " APP_KTAP_OFLD_ADDRS " (the "
			"kernel learns it by ARP and neighbour discovery)\n",
			prog);
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", t->iface);
	f = fopen(path, "r");
	ok = f != NULL && fscanf(f, "%17s", mac) == 1 &&
		rte_ether_unformat_addr(mac, &kmac) == 0;
	if (f != NULL)
		fclose(f);
	if (!ok) {
		fprintf(stderr, "%s: cannot read %s\n", prog, path);
		return -1;
	}
	if (rte_is_same_ether_addr(&kmac, &t->ofld_mac)) {
		/* Two ends, one MAC: give the kernel's end another one
		 * (still locally administered, unicast).
		 */
		kmac.addr_bytes[1] ^= 0x04;
		rte_ether_format_addr(mac, sizeof(mac), &kmac);
		snprintf(cmd, sizeof(cmd), "ip link set dev %s address %s",
			 t->iface, mac);
		if (run(prog, cmd) != 0)
			return -1;
	}
	t->kernel_mac = kmac;
	if (strcmp(t->lower_iface, t->iface) != 0) {
		snprintf(cmd, sizeof(cmd), "ip link set dev %s up",
			 t->lower_iface);
		if (run(prog, cmd) != 0)
			return -1;
	}
	snprintf(cmd, sizeof(cmd),
		 "ip link set dev %s up && "
		 "ip addr replace " APP_KTAP_KERNEL_IP4 "/24 dev %s && "
		 "ip -6 addr replace " APP_KTAP_KERNEL_IP6 "/64 dev %s nodad",
		 t->iface, t->iface, t->iface);
	return run(prog, cmd);
}

void
app_ktap_ip(uint8_t ip[16], bool v6, bool kernel_end)
{
	memset(ip, 0, 16);
	if (v6) {
		/* 2001:2::1 (kernel), 2001:2::2 (net_ofld) */
		ip[0] = 0x20;
		ip[1] = 0x01;
		ip[3] = 0x02;
		ip[15] = kernel_end ? 1 : 2;
	} else {
		/* 198.18.1.1 (kernel), 198.18.1.2 (net_ofld) */
		ip[0] = 198;
		ip[1] = 18;
		ip[2] = 1;
		ip[3] = kernel_end ? 1 : 2;
	}
}
