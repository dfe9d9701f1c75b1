/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The ofld authors
 */

/*
 * net_ofld's life as a vdev (W1): probe (device arguments, the port's
 * internals, its cable: a pair end or a lower port it owns) and remove;
 * the driver's registration and its parameter string.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bus_vdev_driver.h>
#include <ethdev_driver.h>
#include <ethdev_vdev.h>
#include <rte_ethdev.h>

#include "ofld_private.h"

static struct rte_vdev_driver ofld_vdev_driver;

/* The file of this process that holds addr: the program or a .so. */
static const char *
object_file(const void *addr)
{
	Dl_info info;

	if (dladdr(addr, &info) == 0 || info.dli_fname == NULL ||
	    info.dli_fname[0] == '\0')
		return "the program";
	return info.dli_fname;
}

/*
 * Two copies of this driver in one process (linked, as the .so or the
 * static archive, and loaded again with -d or from DPDK's drivers
 * directory; or two different .so files) each register "net_ofld". The
 * vdev bus probes with the first one registered, which sees the others
 * after it on the bus's list; the application may be calling the API of
 * the other copy, whose state (mbuf field, cables) is not this one's.
 * Refuse the port, naming both files.
 */
static int
ofld_check_one_copy(const char *name)
{
	const struct rte_vdev_driver *d;

	for (d = TAILQ_NEXT(&ofld_vdev_driver, next); d != NULL;
	     d = TAILQ_NEXT(d, next)) {
		if (d->driver.name == NULL ||
		    strcmp(d->driver.name, OFLD_DRIVER_NAME) != 0)
			continue;
		OFLD_LOG(ERR, "%s: two copies of the net_ofld driver in this "
			 "process: %s and %s. Link it once (its .so or its "
			 "static archive) and do not also load it with -d or "
			 "from DPDK's drivers directory: no port made", name,
			 object_file(&ofld_vdev_driver), object_file(d));
		return -EEXIST;
	}
	return 0;
}

static void
ofld_set_bursts(struct rte_eth_dev *dev, enum ofld_cable_kind cable)
{
	/* Chosen once: no per-packet branch on the cable kind. */
	if (cable == OFLD_CABLE_PAIR) {
		dev->rx_pkt_burst = ofld_pair_rx_burst;
		dev->tx_pkt_burst = ofld_pair_tx_burst;
	} else {
		dev->rx_pkt_burst = ofld_lower_rx_burst;
		dev->tx_pkt_burst = ofld_lower_tx_burst;
	}
	dev->tx_pkt_prepare = ofld_tx_prepare;
}

static int
ofld_lower_take(struct pmd_internals *pi, const char *name)
{
	struct rte_eth_dev_owner owner, cur;
	uint16_t port;
	int ret;

	if (rte_eth_dev_get_port_by_name(pi->da.lower, &port) != 0) {
		OFLD_LOG(ERR, "%s: device argument 'lower=%s': no such port "
			 "(create it before this one, e.g. with --vdev)", name,
			 pi->da.lower);
		return -ENODEV;
	}
	if (rte_eth_dev_owner_get(port, &cur) == 0 &&
	    cur.id != RTE_ETH_DEV_NO_OWNER) {
		OFLD_LOG(ERR, "%s: device argument 'lower=%s': port %u is "
			 "already owned by '%s'", name, pi->da.lower, port,
			 cur.name);
		return -EBUSY;
	}
	memset(&owner, 0, sizeof(owner));
	ret = rte_eth_dev_owner_new(&owner.id);
	if (ret != 0)
		return ret;
	snprintf(owner.name, sizeof(owner.name), "%s", name);
	ret = rte_eth_dev_owner_set(port, &owner);
	if (ret != 0) {
		OFLD_LOG(ERR, "%s: device argument 'lower=%s': cannot take "
			 "ownership of port %u: %s", name, pi->da.lower, port,
			 rte_strerror(-ret));
		rte_eth_dev_owner_delete(owner.id);
		return ret;
	}
	pi->lower_port = port;
	pi->lower_owner = owner.id;
	return 0;
}

/* Another process's port: attach to it. */
static int
probe_secondary(struct rte_vdev_device *vdev, const char *name)
{
	struct rte_eth_dev *dev = rte_eth_dev_attach_secondary(name);
	struct pmd_internals *pi;

	if (dev == NULL) {
		OFLD_LOG(ERR, "%s: cannot attach in secondary process", name);
		return -ENODEV;
	}
	pi = dev->data->dev_private;
	dev->dev_ops = &ofld_ops;
	dev->device = &vdev->device;
	ofld_set_bursts(dev, pi->cable);
	rte_eth_dev_probing_finish(dev);
	return 0;
}

/* A new port's internals from its device arguments. */
static void
internals_init(struct pmd_internals *pi, struct rte_eth_dev *dev,
	       const struct ofld_devargs *da)
{
	pi->dev = dev;
	pi->port_id = dev->data->port_id;
	pi->da = *da;
	pi->cable = da->pair[0] != '\0' ? OFLD_CABLE_PAIR : OFLD_CABLE_LOWER;
	pi->fault_cfg.loss = ofld_fault_threshold(da->loss);
	pi->fault_cfg.dup = ofld_fault_threshold(da->dup);
	pi->fault_cfg.reorder = ofld_fault_threshold(da->reorder);
	pi->fault_cfg.seed = da->seed;
	pi->fault_cfg.enabled = da->loss > 0 || da->dup > 0 || da->reorder > 0;
	/* G1: hardware record from the device arguments; active starts with
	 * the hardware's L3 kinds and no L4 kind: TSO/USO come on through
	 * rte_eth_dev_configure() offloads or the private API.
	 */
	pi->gso_hw = da->gso_hw;
	rte_seqlock_init(&pi->gso_lock);
	pi->gso_active = da->gso_hw;
	pi->gso_active.l4 = 0;
	pi->gso_flags = 0;
	if (da->mac_set) {
		pi->mac = da->mac;
	} else {
		/* Locally administered, "ofl" + port id. */
		pi->mac = (struct rte_ether_addr){
			.addr_bytes = { 0x02, 0x6f, 0x66, 0x6c,
					pi->port_id >> 8, pi->port_id & 0xff } };
	}
}

/* Plug the port into its cable: a pair end, or the lower port. */
static int
cable_attach(struct pmd_internals *pi, const char *name)
{
	int ret;

	if (pi->cable != OFLD_CABLE_PAIR)
		return ofld_lower_take(pi, name);
	ret = ofld_pair_attach(pi, pi->da.pair);
	if (ret == -EBUSY)
		OFLD_LOG(ERR, "%s: device argument 'pair=%s': that pair "
			 "cable has two ports already", name, pi->da.pair);
	else if (ret != 0 && ret != -EXDEV)	/* EXDEV: said already */
		OFLD_LOG(ERR, "%s: cannot create pair cable '%s': %s",
			 name, pi->da.pair, rte_strerror(-ret));
	return ret;
}

static int
ofld_probe(struct rte_vdev_device *vdev)
{
	const char *name = rte_vdev_device_name(vdev);
	const char *args = rte_vdev_device_args(vdev);
	struct pmd_internals *pi;
	struct rte_eth_dev *dev;
	struct ofld_devargs da;
	int ret;

	ret = ofld_check_one_copy(name);
	if (ret != 0)
		return ret;
	if (rte_eal_process_type() == RTE_PROC_SECONDARY)
		return probe_secondary(vdev, name);
	ret = ofld_devargs_parse(name, args, &da);
	if (ret != 0)
		return ret;
	dev = rte_eth_vdev_allocate(vdev, sizeof(*pi));
	if (dev == NULL) {
		OFLD_LOG(ERR, "%s: cannot allocate the ethdev port", name);
		return -ENOMEM;
	}
	pi = dev->data->dev_private;
	internals_init(pi, dev, &da);
	ret = ofld_neigh_setup(pi);
	if (ret == 0)
		ret = cable_attach(pi, name);
	if (ret != 0) {
		ofld_neigh_teardown(pi);
		dev->data->mac_addrs = NULL;
		rte_eth_dev_release_port(dev);
		return ret;
	}
	dev->dev_ops = &ofld_ops;
	ofld_set_bursts(dev, pi->cable);
	dev->data->mac_addrs = &pi->mac;
	dev->data->mtu = RTE_ETHER_MTU;
	ofld_set_max_frame(pi, RTE_ETHER_MTU);
	ofld_link_update(dev, 0);
	rte_eth_dev_probing_finish(dev);
	OFLD_LOG(INFO, "%s: port %u, %s cable '%s', %u Mbit/s, delay %u us",
		 name, pi->port_id, pi->cable == OFLD_CABLE_PAIR ? "pair" :
		 "lower", pi->cable == OFLD_CABLE_PAIR ? da.pair : da.lower,
		 da.speed_mbps, da.delay_us);
	return 0;
}

static int
ofld_remove(struct rte_vdev_device *vdev)
{
	struct rte_eth_dev *dev;

	dev = rte_eth_dev_allocated(rte_vdev_device_name(vdev));
	if (dev == NULL)
		return 0; /* already closed and released */
	if (rte_eal_process_type() == RTE_PROC_PRIMARY)
		ofld_dev_close(dev);
	return rte_eth_dev_release_port(dev);
}

static struct rte_vdev_driver ofld_vdev_driver = {
	.probe = ofld_probe,
	.remove = ofld_remove,
};

RTE_PMD_REGISTER_VDEV(net_ofld, ofld_vdev_driver);
RTE_PMD_REGISTER_PARAM_STRING(net_ofld,
	"pair=<name> lower=<port name> speed=<Mbit/s, 0: unpaced> "
	"delay=<us, one way, pair only> loss=<0..1> reorder=<0..1> dup=<0..1> seed=<uint64> mac=<xx:xx:xx:xx:xx:xx> "
	"gso_l3=<ipv4:ipv4opts:ipv6:ipv6ext> gso_l4=<tcp:tcpopts:udp> "
	"gso_max_size=<bytes> gso_min_segs=<n> gso_l4_offset_max=<bytes> "
	"tcp_max_conns=<n> engine=<inline|service> tx_free=<sender|receiver> "
	"lower_offload=<on|off> "
	"ip=<a.b.c.d/len> gw=<a.b.c.d> ip6=<addr/len> gw6=<addr> "
	"neigh_entries=<n> neigh_reachable_ms=<ms> neigh_retrans_ms=<ms> "
	"neigh_gc_ms=<ms> neigh_probes=<n>");
