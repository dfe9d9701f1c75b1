#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Add a deb-src twin of the machine's Debian or Ubuntu archive entries (run
# as root), so that `apt-get source dpdk` finds the source package of the
# installed DPDK (buildtools/fetch-sdk-headers.sh). Nothing is done if a
# deb-src entry is already enabled. Layouts: deb822 (debian.sources,
# ubuntu.sources in /etc/apt/sources.list.d) and one-line deb lines in
# /etc/apt/sources.list (Ubuntu before 24.04, mmdebstrap roots). Only the
# distribution's own entries are twinned (third-party archives seldom
# carry sources). Does not run apt-get update.
set -eu

die() {
	echo "add-deb-src: error: $*" >&2
	exit 1
}

D=/etc/apt/sources.list.d
if grep -qs '^[[:space:]]*deb-src[[:space:]]' /etc/apt/sources.list $D/*.list ||
   grep -qs '^Types:.*deb-src' $D/*.sources; then
	exit 0
fi
for f in $D/debian.sources $D/ubuntu.sources; do
	if [ -f "$f" ]; then
		sed -e 's/^Types:[[:space:]]*deb[[:space:]]*$/Types: deb-src/' \
			"$f" > "$D/ofld-deb-src.sources"
		echo "add-deb-src: $D/ofld-deb-src.sources from $f" >&2
		exit 0
	fi
done
if grep -qs '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
	sed -n -e 's/^[[:space:]]*deb[[:space:]]/deb-src /p' \
		/etc/apt/sources.list > "$D/ofld-deb-src.list"
	echo "add-deb-src: $D/ofld-deb-src.list from /etc/apt/sources.list" >&2
	exit 0
fi
die "no Debian or Ubuntu apt sources found to derive a deb-src entry from (looked at $D/debian.sources, $D/ubuntu.sources, /etc/apt/sources.list)"
