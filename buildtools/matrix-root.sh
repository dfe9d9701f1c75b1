# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# buildtools/dpdk-matrix.sh, one Debian suite (sourced, bash): its root file
# system in the cache, the mounts into it, the build and the tests there.

# apt inside: an archive served from a snapshot has Release files past
# their Valid-Until (sid's), and a download is tried again.
APT_CONF='Acquire::Check-Valid-Until "false";
Acquire::Retries "3";
APT::Install-Recommends "false";'

# Only deb entries: buildtools/add-deb-src.sh adds the deb-src twin inside,
# from a one-line sources.list (trixie, as Ubuntu up to 23.10) or from
# deb822 debian.sources (sid, as Debian 12 and 13).
write_sources() { # ROOT SUITE
	rm -f "$1/etc/apt/sources.list" "$1"/etc/apt/sources.list.d/*
	if [ "$2" = sid ]; then
		printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$MIRROR" "$2" >"$1/etc/apt/sources.list.d/debian.sources"
	else
		echo "deb $MIRROR $2 main" >"$1/etc/apt/sources.list"
	fi
	echo "$APT_CONF" >"$1/etc/apt/apt.conf.d/99ofld-matrix"
}

# Mounts left under DIR by a run killed without its trap (SIGKILL) are
# undone, or nothing goes on: rm -rf through a bind of /dev would empty
# the host's.
clear_mounts() { # DIR
	local m
	for m in $(awk -v d="$1/" 'index($2 "/", d) == 1 { print $2 }' \
			/proc/self/mounts | sort -r); do
		umount -R "$m" 2>/dev/null || umount -R -l "$m" 2>/dev/null
	done
	if awk -v d="$1/" 'index($2 "/", d) == 1 { f = 1 } END { exit !f }' \
		/proc/self/mounts; then
		say "mounts remain under $1: not touching it"
		return 1
	fi
}

mmdebstrap_once() { # SUITE TARGET LOG: a fresh try each time
	clear_mounts "$2" || return 1
	rm -rf "$2"
	# shellcheck disable=SC2086
	run_bounded 1200 mmdebstrap --variant=minbase \
		--include="$(echo $PKGS | tr ' ' ',')" \
		--aptopt='Acquire::Check-Valid-Until "false"' \
		--aptopt='Acquire::Retries "3"' "$1" "$2" \
		"deb $MIRROR $1 main" >>"$3" 2>&1
}

# The root file system of SUITE in the cache, made once (root.ok marks it
# complete; a package added to PKGS later is installed by prepare_root).
root_ensure() { # SUITE
	local dir=$CACHE/$1 root=$CACHE/$1/root
	mkdir -p "$dir"
	clear_mounts "$dir" || return 1
	if [ -f "$dir/root.ok" ]; then
		return 0
	fi
	say "$1: making a root file system in $root (log: $dir/mmdebstrap.log)"
	: >"$dir/mmdebstrap.log"
	retry 3 "mmdebstrap $1" \
		mmdebstrap_once "$1" "$root.new" "$dir/mmdebstrap.log" || return 1
	write_sources "$root.new" "$1"
	mkdir -p "$root.new/ofld/src" "$root.new/ofld/cache" \
		"$root.new/ofld/dpdk-src"
	rm -rf "$root"
	mv "$root.new" "$root"
	date >"$dir/root.ok"
}

mnt() { # mount ARGS... TARGET: remembered for unmount_all
	mount "$@" || return 1
	MOUNTS+=("${!#}")
}

unmount_all() {
	local i
	for ((i = ${#MOUNTS[@]} - 1; i >= 0; i--)); do
		umount -R "${MOUNTS[i]}" 2>/dev/null ||
			umount -R -l "${MOUNTS[i]}" 2>/dev/null ||
			say "cannot unmount ${MOUNTS[i]}"
	done
	MOUNTS=()
}

# The root on itself (`ip netns exec` makes / a slave mount: / must be a
# mount point), /proc, /sys, /dev (its own /dev/shm; /dev/net/tun), a
# private /run (ip netns mounts there), the tree read-only, the source
# package cache.
mount_root() { # ROOT SUITE_DIR
	mnt --bind "$1" "$1" &&
	mnt -t proc proc "$1/proc" &&
	mnt --rbind /sys "$1/sys" && mount --make-rslave "$1/sys" &&
	mnt --rbind /dev "$1/dev" && mount --make-rslave "$1/dev" &&
	mnt -t tmpfs -o size=4g shm "$1/dev/shm" &&
	mnt -t tmpfs run "$1/run" &&
	mnt --bind "$TOP" "$1/ofld/src" &&
	mount -o remount,bind,ro "$1/ofld/src" &&
	mkdir -p "$2/dpdk-src-cache" &&
	mnt --bind "$2/dpdk-src-cache" "$1/ofld/cache" || return 1
	if [ -n "${OFLD_DPDK_SRC:-}" ]; then
		mnt --bind "$OFLD_DPDK_SRC" "$1/ofld/dpdk-src" &&
		mount -o remount,bind,ro "$1/ofld/dpdk-src" || return 1
	fi
}

# in_root ROOT SECONDS CMD: CMD in ROOT as a fresh login would have it, for
# SECONDS at most.
in_root() {
	local src=
	[ -n "${OFLD_DPDK_SRC:-}" ] && src=/ofld/dpdk-src
	run_bounded "$2" chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
		OFLD_DPDK_SRC_CACHE=/ofld/cache OFLD_DPDK_SRC=$src \
		/bin/sh -c "$3"
}

source "$TOP/buildtools/matrix-suite.sh"
