# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# buildtools/dpdk-matrix.sh, the run in one suite's root (sourced, bash).

# deb-src twin, package indexes, the package list (a no-op once there).
prepare_root() { # ROOT LOG
	in_root "$1" 60 /ofld/src/buildtools/add-deb-src.sh >>"$2" 2>&1 &&
	retry 3 "apt-get update" \
		in_root "$1" 600 "apt-get update -q" >>"$2" 2>&1 &&
	retry 3 "apt-get install" \
		in_root "$1" 900 "apt-get install -y -q $(echo $PKGS)" >>"$2" 2>&1
}

# Network namespaces inside the chroot: then the interop suite runs too.
netns_works() { # ROOT
	in_root "$1" 60 "$NETNS_PROBE" >/dev/null 2>&1
}

# Where the driver SDK headers came from, when not the source package.
sdk_note() { # ROOT
	local o=$1/ofld/build/dpdk-sdk-headers/.origin
	[ -f "$o" ] && grep -q OFLD_DPDK_SRC "$o" && echo " ($(cat "$o"))"
}

# The driver SDK headers on their own first (the build then finds them in
# /ofld/cache). 2: the archive does not serve this DPDK's source package
# and OFLD_DPDK_SRC is not set (buildtools/fetch-sdk-headers.sh).
sdk_in_root() { # ROOT LOG
	in_root "$1" 1200 "rm -rf /ofld/sdk-probe &&
		/ofld/src/buildtools/fetch-sdk-headers.sh /ofld/sdk-probe" \
		>>"$2" 2>&1
}

# No headers to be had here: the line says so. Not a failure only with
# OFLD_MATRIX_ALLOW_NO_SDK=1 (an archive that does not serve the source
# package is the environment's gap, not the tree's).
no_sdk_line() { # VERSION SUITE LOG START
	echo "dpdk-matrix: $1 ($2): NOT TESTED: Debian's archive here does not serve DPDK $1's source package (404), so there are no driver SDK headers; OFLD_DPDK_SRC (a DPDK $(echo "$1" | cut -d. -f1-2) tree, tarball or git repository) supplies them (log: $3), $(since "$4")"
	[ "${OFLD_MATRIX_ALLOW_NO_SDK:-0}" = 1 ]
}

build_in_root() { # ROOT LOG
	locked in_root "$1" 1200 "rm -rf /ofld/build &&
		cd /ofld/src && meson setup /ofld/build && ninja -C /ofld/build" \
		>>"$2" 2>&1
}

test_in_root() { # ROOT LOG SUITES
	# shellcheck disable=SC2086
	locked in_root "$1" 1800 "meson test -C /ofld/build $(suite_args $3) \
		--num-processes 2 --print-errorlogs" >>"$2" 2>&1
}

# One suite: root, mounts, build, tests; its summary line on stdout.
suite_line() { # SUITE
	local suite=$1 dir=$CACHE/$1 root=$CACHE/$1/root start ver res ok
	local suites=$TEST_SUITES extra="" log
	start=$(date +%s)
	# shellcheck disable=SC2034 # read by since (matrix-lib.sh)
	LOCK_WAIT=0
	log=$dir/run.log
	if ! root_ensure "$suite"; then
		echo "dpdk-matrix: ? ($suite): root file system FAILED (log: $dir/mmdebstrap.log), $(since "$start")"
		return 1
	fi
	: >"$log"
	if ! mount_root "$root" "$dir" || ! prepare_root "$root" "$log"; then
		unmount_all
		tail -n 5 "$log" >&2
		echo "dpdk-matrix: ? ($suite): setting up the root FAILED (log: $log), $(since "$start")"
		return 1
	fi
	ver=$(upstream_of "$(chroot "$root" dpkg-query -W -f='${Version}' libdpdk-dev)")
	say "$ver ($suite): building (log: $log)"
	sdk_in_root "$root" "$log"
	if [ $? -eq 2 ]; then
		unmount_all
		no_sdk_line "$ver" "$suite" "$log" "$start"
		return
	fi
	if ! build_in_root "$root" "$log"; then
		unmount_all
		grep -E 'error|ERROR' "$log" | tail -n 10 >&2
		echo "dpdk-matrix: $ver ($suite): build FAILED (log: $log), $(since "$start")"
		return 1
	fi
	if netns_works "$root"; then
		suites="$suites interop"
	else
		extra=" (interop not run: no network namespaces in the chroot)"
	fi
	say "$ver ($suite): testing"
	test_in_root "$root" "$log" "$suites"
	# shellcheck disable=SC2086
	res=$(summarize "$root/ofld/build/meson-logs/testlog.json" $suites \
		2>>"$log")
	ok=$?
	echo "dpdk-matrix: $ver ($suite): build ok$(sdk_note "$root"), ${res:-no test results}, $(since "$start")$extra"
	unmount_all
	return $ok
}
