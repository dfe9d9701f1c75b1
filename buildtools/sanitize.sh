#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Build everything with AddressSanitizer + UndefinedBehaviorSanitizer and
# run every test suite that way.
#
#   buildtools/sanitize.sh [meson test arguments...]
#
# SAN_BUILD chooses the build directory (default build-san). The tests of
# a sanitizer build stop at the first report (tests/meson.build sets
# ASAN_OPTIONS, LSAN_OPTIONS and UBSAN_OPTIONS, with suppressions for
# DPDK's own libraries and headers only: tests/sanitizers/). Prints
# "N passed, N failed, N skipped" and fails if anything failed.
set -eu

cd "$(dirname "$0")/.."
build=${SAN_BUILD:-build-san}

if [ ! -f "$build/build.ninja" ]; then
	# b_lundef=false: the PMD plugin's sanitizer symbols come from the
	# runtime of the program that loads it.
	meson setup "$build" -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C "$build"

rc=0
meson test -C "$build" --print-errorlogs --num-processes 2 "$@" || rc=$?
printf 'sanitizers (address,undefined): '
python3 buildtools/test-summary.py "$build/meson-logs/testlog.json" || rc=1
exit $rc
