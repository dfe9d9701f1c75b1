# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""The port under net_ofld when the Linux kernel is the peer.

Shared by perf-kernel.py and tests/interop: which DPDK port carries
net_ofld's frames to the kernel of a network namespace, and its set-up.

  tap        net_tap: the kernel's end is the tap itself (one frame per
             system call each way);
  af_xdp     net_af_xdp on ofldva, one end of a veth pair whose other end,
             ofldvb, is the kernel's (copy mode on a veth);
  af_packet  net_af_packet (qdisc_bypass) on the same veth pair;
  auto       af_xdp where the kernel takes AF_XDP sockets and DPDK's
             net_af_xdp is installed, else af_packet;
             tap where ethtool(8) is missing (the veth's kernel end must
             have its checksum offload switched off, see veth_pair()).
"""
import glob
import os
import shutil
import socket
import subprocess

# name: (EAL --vdev, its queue count's key, on the veth pair)
LOWERS = {
    "tap": ("net_tap0,iface=ofldtap0", None, False),
    "af_xdp": ("net_af_xdp0,iface=ofldva", "queue_count", True),
    "af_packet": ("net_af_packet0,iface=ofldva,qdisc_bypass=1", "qpairs",
                  True),
}
CHOICES = ("auto",) + tuple(sorted(LOWERS))
KERNEL_VETH = "ofldvb"      # the kernel's end of the veth pair
AF_XDP = getattr(socket, "AF_XDP", 44)


def af_xdp_ok():
    """The kernel takes AF_XDP sockets (DPDK's net_af_xdp needs them)."""
    try:
        socket.socket(AF_XDP, socket.SOCK_RAW, 0).close()
        return True
    except OSError:
        return False


def pmd_present(lib):
    """DPDK's driver library `lib` (librte_net_af_xdp) is installed where
    EAL loads drivers from (libdpdk's libdir or its dpdk/pmds-* plugin
    directory); True when that cannot be told (no pkg-config)."""
    try:
        libdir = subprocess.run(
            ["pkg-config", "--variable=libdir", "libdpdk"],
            capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return True
    return bool(glob.glob(os.path.join(libdir, lib + ".so*")) or
                glob.glob(os.path.join(libdir, "dpdk", "pmds-*",
                                       lib + ".so*")))


def choose(name, queues=1):
    """The lower for `name` (one of CHOICES) with `queues` queue pairs:
    (name, vdev, veth, why it is not the one asked for)."""
    why = ""
    if name == "auto":
        if shutil.which("ethtool") is None:
            name, why = "tap", "no ethtool(8) to set up a veth pair"
        elif not af_xdp_ok():
            name, why = "af_packet", "the kernel refuses AF_XDP sockets"
        elif not pmd_present("librte_net_af_xdp"):
            name, why = "af_packet", "DPDK's net_af_xdp is not installed"
        else:
            name = "af_xdp"
    vdev, qkey, veth = LOWERS[name]
    if queues > 1 and qkey:
        vdev += f",{qkey}={queues}"
    return name, vdev, veth, why


def lower_name(vdev):
    """The port name in a --vdev string, for net_ofld's lower=."""
    return vdev.split(",")[0]


def veth_pair(ns, queues=1):
    """ofldva (DPDK's end) and ofldvb (the kernel's) in namespace `ns`,
    `queues` receive and transmit queues each.

    The kernel's end computes its TCP checksums in full (ethtool -K tx
    off): AF_XDP and packet sockets hand over what is on the veth as it
    is, a partial checksum (CHECKSUM_PARTIAL) included, with no word that
    it is partial, and net_ofld drops such a segment as corrupt. Raises
    RuntimeError naming the command that failed.
    """
    nq = ["numtxqueues", str(queues), "numrxqueues", str(queues)]
    for cmd in (["ip", "-n", ns, "link", "add", "ofldva"] + nq +
                ["type", "veth", "peer", "name", KERNEL_VETH] + nq,
                ["ip", "-n", ns, "link", "set", "ofldva", "up"],
                ["ip", "netns", "exec", ns, "ethtool", "-K", KERNEL_VETH,
                 "tx", "off"]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(" ".join(cmd) + ": " + r.stderr.strip())
