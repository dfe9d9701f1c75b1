/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */
#ifndef OFLD_APP_KTAP_H
#define OFLD_APP_KTAP_H

/*
 * The Linux kernel as the peer of a net_ofld port stacked on net_tap
 * (EAL: --vdev net_tap0,iface=ofldtap0 --vdev net_ofld0,lower=net_tap0),
 * shared by ofld-perf --peer kernel and the interop test helper kpeer.
 *
 * The kernel's end of the tap gets APP_KTAP_KERNEL_IP4/24 and
 * APP_KTAP_KERNEL_IP6/64 (from the benchmarking ranges 198.18.0.0/15 and
 * 2001:2::/48); net_ofld has APP_KTAP_OFLD_IP4/IP6 in the same prefixes
 * (its device arguments APP_KTAP_OFLD_ADDRS): each side learns the other
 * by ARP and neighbour discovery (N1), no neighbour entry is added by
 * hand. Use it only in a network namespace of your own: the commands
 * change that namespace's interfaces.
 */

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include <rte_ether.h>

#define APP_KTAP_KERNEL_IP4	"198.18.1.1"
#define APP_KTAP_OFLD_IP4	"198.18.1.2"
#define APP_KTAP_KERNEL_IP6	"2001:2::1"
#define APP_KTAP_OFLD_IP6	"2001:2::2"
/** net_ofld's device arguments for its addresses on the tap's link. */
#define APP_KTAP_OFLD_ADDRS	"ip=" APP_KTAP_OFLD_IP4 "/24,ip6=" \
				APP_KTAP_OFLD_IP6 "/64"

/** The kernel end of the tap under a net_ofld port. */
struct app_ktap {
	uint16_t ofld_port;		/**< the net_ofld port */
	uint16_t lower_port;		/**< the port it is stacked on */
	char iface[IF_NAMESIZE];	/**< the kernel interface */
	char lower_iface[IF_NAMESIZE];	/**< the lower port's interface */
	struct rte_ether_addr ofld_mac;	/**< net_ofld's MAC */
	struct rte_ether_addr kernel_mac; /**< the interface's MAC */
};

/**
 * The first net_ofld port stacked on a port that has a kernel interface
 * (net_tap); fills ofld_port, lower_port and iface. With the environment
 * variable OFLD_KTAP_IFACE set, the kernel's end is that interface instead
 * of the lower port's own: the other end of a veth pair whose first end
 * a net_af_packet port opened (both in this network namespace).
 * @return 0, or -ENODEV (none; says why on stderr).
 */
int app_ktap_find(const char *prog, struct app_ktap *t);

/**
 * After rte_eth_dev_start() of the net_ofld port: check that the port has
 * its addresses (APP_KTAP_OFLD_ADDRS in its device arguments), bring the
 * interface up, give it a MAC of its own if it has net_ofld's (net_ofld
 * passes its address down to the lower port, which for net_tap is the
 * interface), add the kernel's addresses, and read the interface's MAC
 * into kernel_mac. Runs ip(8).
 * @return 0, or -1 (says what is missing or which command failed on
 *   stderr).
 */
int app_ktap_setup(const char *prog, struct app_ktap *t);

/** An address of the tap's subnet in the engine's form (16 bytes,
 * IPv4 in the first 4): the kernel's end or net_ofld's.
 */
void app_ktap_ip(uint8_t ip[16], bool v6, bool kernel_end);

#endif /* OFLD_APP_KTAP_H */
