#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Fetch the DPDK driver SDK headers (not shipped by Debian's libdpdk-dev)
# from Debian's source package of exactly the installed libdpdk-dev version,
# and put them, flat, into OUTDIR. Nothing fetched here is ever committed.
#
# usage: fetch-sdk-headers.sh OUTDIR
# env:   OFLD_DPDK_SRC_CACHE  directory to keep the downloaded source in
#                             (default: OUTDIR/.src)
set -eu

HDRS="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/bus_driver.h
lib/eal/include/dev_driver.h"

die() {
	echo "fetch-sdk-headers: error: $*" >&2
	exit 1
}

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$1

ver=$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null) ||
	die "libdpdk-dev is not installed; run buildtools/install-deps.sh (or apt-get install libdpdk-dev)"
[ -n "$ver" ] || die "cannot read the installed libdpdk-dev version"

mkdir -p "$out"
if [ -f "$out/.version" ] && [ "$(cat "$out/.version")" = "$ver" ]; then
	exit 0
fi

cache=${OFLD_DPDK_SRC_CACHE:-$out/.src}
mkdir -p "$cache"
# Debian version [epoch:]upstream-revision -> upstream, as in the tarball name
upstream=${ver#*:}
upstream=${upstream%-*}
tarball=$(ls "$cache"/dpdk_"$upstream".orig.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$tarball" ]; then
	echo "fetch-sdk-headers: downloading Debian source package dpdk=$ver" >&2
	(cd "$cache" && apt-get source --download-only "dpdk=$ver" >&2) ||
		die "cannot download the Debian source package dpdk=$ver. It needs a deb-src entry for the archive that provides libdpdk-dev and 'apt-get update' (buildtools/install-deps.sh sets both up)."
	tarball=$(ls "$cache"/dpdk_"$upstream".orig.tar.* 2>/dev/null | head -n 1 || true)
	[ -n "$tarball" ] || die "apt-get source did not leave dpdk_$upstream.orig.tar.* in $cache"
fi

tmp=$(mktemp -d "$out/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
patterns=""
for h in $HDRS; do
	patterns="$patterns */$h"
done
# shellcheck disable=SC2086
tar -xf "$tarball" -C "$tmp" --wildcards $patterns ||
	die "$tarball does not contain the expected driver SDK headers"
for h in $HDRS; do
	f=$(find "$tmp" -path "*/$h" | head -n 1)
	[ -n "$f" ] || die "$h missing from $tarball"
	cp "$f" "$out/"
done
echo "$ver" > "$out/.version"
echo "fetch-sdk-headers: driver SDK headers of DPDK $ver in $out" >&2
