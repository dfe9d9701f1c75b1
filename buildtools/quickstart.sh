#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# The README's two commands.
#   buildtools/quickstart.sh demo   install, build, run the main job
#   buildtools/quickstart.sh test   install, build, run every test suite
# BUILD_DIR (default: build) chooses the build directory.
set -eu

cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}

case "${1:-}" in
demo | test) ;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac

if [ "$(id -u)" -eq 0 ]; then
	buildtools/install-deps.sh
else
	echo "quickstart: not root, skipping package installation" >&2
fi

if [ ! -f "$BUILD_DIR/build.ninja" ]; then
	meson setup "$BUILD_DIR"
fi
ninja -C "$BUILD_DIR"

case "$1" in
demo)
	# Large sends on 4 offloaded TCP connections across the in-memory
	# pair cable at 10 Gbit/s, every byte checked: line rate.
	# --no-shconf: no memory map file of EAL's on disk (no hugepages
	# here: one entry per 4 KiB page); EAL leaves its runtime directory,
	# removed after the run.
	rc=0
	"$BUILD_DIR/apps/ofld-perf" --no-huge -m 2048 --no-pci --no-shconf \
		--file-prefix "ofld-demo-$$" -l 0,1 \
		--log-level=pmd.net.ofld:notice -- --seconds 5 --speed 10000 ||
		rc=$?
	rt=/var/run
	[ "$(id -u)" -eq 0 ] || rt=${XDG_RUNTIME_DIR:-/tmp}
	rm -rf "$rt/dpdk/ofld-demo-$$"
	exit $rc
	;;
test)
	rc=0
	meson test -C "$BUILD_DIR" --print-errorlogs --num-processes 2 || rc=$?
	# One closing line any CI can read: N passed, N failed, N skipped.
	python3 buildtools/test-summary.py "$BUILD_DIR/meson-logs/testlog.json"
	exit $rc
	;;
esac
