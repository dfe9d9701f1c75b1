#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Fetch the DPDK driver SDK headers (not shipped by Debian's or Ubuntu's
# libdpdk-dev, 22.11 to 25.11) and put them, flat, into OUTDIR. Nothing
# fetched here is ever committed.
#
# Where from, in this order:
#  1. the distribution's source package of exactly the installed
#     libdpdk-dev (apt-get source; needs a deb-src entry, in any layout:
#     deb822 .sources, or deb-src lines in /etc/apt/sources.list as on
#     Ubuntu);
#  2. OFLD_DPDK_SRC, if set: a DPDK source tree, a release tarball, or a
#     git repository of DPDK (tag v<version>, else the newest tag of the
#     same release branch, or OFLD_DPDK_SRC_REF). Its major.minor must be
#     the installed one's (the driver headers do not change within an LTS
#     branch; a different point release is said on stderr).
#
# usage: fetch-sdk-headers.sh OUTDIR
# env:   OFLD_DPDK_SRC_CACHE  directory to keep the downloaded source in
#                             (default: OUTDIR/.src)
#        OFLD_DPDK_SRC, OFLD_DPDK_SRC_REF  see 2. above
# OUTDIR/.origin says which of the two the headers came from.
# Exit status: 0, 1 (no headers), 2 (no headers: the archive does not
# serve that source package, HTTP 404, and OFLD_DPDK_SRC is not set).
set -eu

# The same five headers from 22.11 to 25.11 (a vdev ethdev driver's).
HDRS="lib/ethdev/ethdev_driver.h lib/ethdev/ethdev_vdev.h
drivers/bus/vdev/bus_vdev_driver.h lib/eal/include/bus_driver.h
lib/eal/include/dev_driver.h"

die() {
	echo "fetch-sdk-headers: error: $*" >&2
	exit 1
}

note() {
	echo "fetch-sdk-headers: $*" >&2
}

has_deb_src() {
	grep -qs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list \
		/etc/apt/sources.list.d/*.list ||
	grep -qs '^Types:.*deb-src' /etc/apt/sources.list.d/*.sources
}

# apt-get source, three tries 10 s apart for a transient failure (not for
# a file the archive does not have: 404).
apt_source() {
	for try in 1 2 3; do
		(cd "$cache" && timeout 600 apt-get source --download-only \
			"$srcpkg=$ver") >"$cache/apt-get.log" 2>&1 && return 0
		grep -q ' 404 ' "$cache/apt-get.log" && not_served=1 && return 1
		[ "$try" -lt 3 ] && note "download failed (try $try of 3), again in 10 s" && sleep 10
	done
	return 1
}

# Debian source package -> the orig tarball in $cache, or return 1 with
# the reason in $why.
debian_tarball() {
	tarball=$(ls "$cache"/dpdk_"$upstream".orig.tar.* 2>/dev/null |
		head -n 1 || true)
	[ -n "$tarball" ] && return 0
	if ! has_deb_src; then
		why="no deb-src entry in the apt sources (add the deb-src twin of the archive that provides libdpdk-dev, e.g. with buildtools/add-deb-src.sh, then apt-get update)"
		return 1
	fi
	note "downloading source package $srcpkg=$ver"
	if ! apt_source; then
		why="'apt-get source --download-only $srcpkg=$ver' failed: $(grep '^E:' "$cache/apt-get.log" | head -n 3 | tr '\n' ' ')"
		return 1
	fi
	tarball=$(ls "$cache"/dpdk_"$upstream".orig.tar.* 2>/dev/null |
		head -n 1 || true)
	[ -n "$tarball" ] && return 0
	why="apt-get source left no dpdk_$upstream.orig.tar.* in $cache"
	return 1
}

from_tarball() { # TARBALL
	patterns="*/VERSION"
	for h in $HDRS; do
		patterns="$patterns */$h"
	done
	# shellcheck disable=SC2086
	tar -xf "$1" -C "$tmp" --wildcards $patterns ||
		die "$1 does not contain the driver SDK headers"
	f=$(find "$tmp" -mindepth 2 -maxdepth 2 -name VERSION | head -n 1)
	[ -n "$f" ] || die "VERSION missing from $1"
	cp "$f" "$tmp/VERSION"
	for h in $HDRS; do
		f=$(find "$tmp" -path "*/$h" | head -n 1)
		[ -n "$f" ] || die "$h missing from $1"
		cp "$f" "$tmp/$(basename "$h")"
	done
}

from_git() { # REPO
	ref=${OFLD_DPDK_SRC_REF:-}
	if [ -z "$ref" ]; then
		ref=v$upstream
		git -C "$1" rev-parse -q --verify "$ref^{commit}" >/dev/null ||
			ref=$(git -C "$1" tag -l "v$branch" "v$branch.*" |
				sort -V | tail -n 1)
	fi
	[ -n "$ref" ] || die "no tag v$branch* in the git repository $1"
	for h in VERSION $HDRS; do
		git -C "$1" show "$ref:$h" >"$tmp/$(basename "$h")" 2>/dev/null ||
			die "$h missing at $ref in $1"
	done
}

from_tree() { # DIR
	for h in VERSION $HDRS; do
		[ -f "$1/$h" ] || die "$h missing from the DPDK tree $1"
		cp "$1/$h" "$tmp/$(basename "$h")"
	done
}

# OFLD_DPDK_SRC, of the same release branch as the installed DPDK.
from_user_source() { # SRC
	if [ -f "$1" ]; then
		from_tarball "$1"
	elif [ -e "$1/.git" ] || [ -f "$1/HEAD" ]; then
		from_git "$1"
	elif [ -d "$1" ]; then
		from_tree "$1"
	else
		die "OFLD_DPDK_SRC=$1 is neither a file nor a directory"
	fi
	got=$(cat "$tmp/VERSION")
	case "$got" in
	"$branch" | "$branch".*) ;;
	*) die "OFLD_DPDK_SRC=$1 is DPDK $got, the installed one is $upstream (release branch $branch)" ;;
	esac
	[ "$got" = "$upstream" ] ||
		note "headers of DPDK $got for the installed $upstream (same release branch)"
}

[ $# -eq 1 ] || die "usage: $0 OUTDIR"
out=$1

q='${Version} ${source:Package} ${source:Version}'
info=$(dpkg-query -W -f="$q" libdpdk-dev 2>/dev/null) ||
	die "libdpdk-dev is not installed; run buildtools/install-deps.sh (or apt-get install libdpdk-dev)"
set -- $info
[ $# -eq 3 ] || die "cannot read the installed libdpdk-dev version"
srcpkg=$2
ver=$3

mkdir -p "$out"
if [ -f "$out/.version" ] && [ "$(cat "$out/.version")" = "$ver" ]; then
	exit 0
fi

cache=${OFLD_DPDK_SRC_CACHE:-$out/.src}
mkdir -p "$cache"
# Debian version [epoch:]upstream-revision -> upstream, as in the tarball
# name (Ubuntu's too); the release branch is its major.minor.
upstream=${ver#*:}
upstream=${upstream%-*}
branch=$(echo "$upstream" | cut -d. -f1-2)

tmp=$(mktemp -d "$out/.extract.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
why=""
not_served=0
if debian_tarball; then
	from_tarball "$tarball"
	origin="source package $srcpkg=$ver"
elif [ -n "${OFLD_DPDK_SRC:-}" ]; then
	note "no source package ($why); using OFLD_DPDK_SRC=$OFLD_DPDK_SRC"
	from_user_source "$OFLD_DPDK_SRC"
	origin="SDK headers of DPDK $(cat "$tmp/VERSION") from OFLD_DPDK_SRC"
else
	echo "fetch-sdk-headers: error: cannot get DPDK $upstream's driver SDK headers from the source package: $why. Either fix that (buildtools/install-deps.sh sets up deb-src on Debian 12), or point OFLD_DPDK_SRC at a DPDK $branch source tree, release tarball (fast.dpdk.org/rel) or git repository." >&2
	# 2: the archive does not serve that source package (HTTP 404)
	[ "$not_served" -eq 1 ] && exit 2
	exit 1
fi
for h in $HDRS; do
	cp "$tmp/$(basename "$h")" "$out/"
done
echo "$origin" > "$out/.origin"
echo "$ver" > "$out/.version"
note "driver SDK headers for DPDK $ver in $out ($origin)"
