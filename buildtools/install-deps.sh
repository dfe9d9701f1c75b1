#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Install what ofld needs on Debian 12 (run as root): DPDK 22.11, the build
# tools, the test tools, and a deb-src entry so that the build can fetch the
# DPDK driver SDK headers from Debian's source package.
set -eu

die() {
	echo "install-deps: error: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (it calls apt-get)"

# mmdebstrap: buildtools/dpdk-matrix.sh's root file systems.
# make and libsystemd-dev: examples/ofld-hello's Makefile, whose static
# link takes libdpdk.pc's -lsystemd (from libpcap's dbus-1).
PKGS="dpdk dpdk-dev libdpdk-dev libnuma-dev libpcap-dev libcunit1-dev
meson ninja-build pkg-config gcc g++ make dpkg-dev xz-utils tshark python3
python3-scapy iproute2 iperf3 nftables ethtool gnuplot-nox clang
libclang-rt-14-dev libsystemd-dev mmdebstrap"

# deb-src twin of the machine's Debian sources, so the source package comes
# from the same archive and suites as libdpdk-dev.
"$(dirname "$0")/add-deb-src.sh"

export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $PKGS >&2
