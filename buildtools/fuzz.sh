#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run the libFuzzer harnesses of tests/fuzz, one after the other (one core
# each), for SECONDS each (default 60), on a copy of their seed corpus.
#
#   buildtools/fuzz.sh [SECONDS]
#
# Configures (once) and builds build-fuzz/ with clang, libFuzzer,
# AddressSanitizer and UBSan; prints per harness the inputs tried,
# execs/s, coverage and features; exits non-zero on any crash, sanitizer
# report, leak, timeout or broken invariant, printing where the input
# that did it was left. Environment: FUZZ_BUILD (build directory,
# default build-fuzz), FUZZ_KEEP=1 (keep the temporary directory),
# FUZZ_JOBS (ninja jobs, default 2).
set -eu

secs=${1:-60}
case $secs in
''|*[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac
top=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD:-build-fuzz}
case $build in /*) ;; *) build=$top/$build ;; esac
harnesses="fuzz_tx fuzz_tcp_rx fuzz_neigh"

command -v clang >/dev/null || { echo "fuzz.sh: clang not found" >&2; exit 2; }

if [ ! -f "$build/build.ninja" ]; then
	# b_lundef=false: the sanitizer runtimes come with the executables,
	# not with the shared libraries. c_args: no inlining surprises in
	# stack traces; -Wno-error: DPDK headers are not clang-clean.
	CC=clang meson setup "$build" "$top" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fno-omit-frame-pointer -Dbuildtype=debugoptimized
fi
targets=""
for h in $harnesses; do
	targets="$targets tests/fuzz/$h-libfuzzer tests/fuzz/$h"
done
# shellcheck disable=SC2086
ninja -C "$build" -j "${FUZZ_JOBS:-2}" $targets

work=$(mktemp -d "${TMPDIR:-/tmp}/ofld-fuzz.XXXXXX")
cleanup() {
	if [ "${FUZZ_KEEP:-0}" = 1 ] || [ -n "$(ls "$work"/artifacts 2>/dev/null)" ]; then
		echo "fuzz.sh: kept $work"
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT INT TERM
mkdir -p "$work/artifacts"

# AddressSanitizer and LeakSanitizer with DPDK:
#  - detect_leaks=1 with lsan.supp: EAL keeps some allocations until the
#    process ends (its argument copies, plugin and device lists, thread
#    data); the file suppresses leaks only when the allocation is made
#    inside a DPDK library (frames of librte_*.so), never ours.
#  - abort_on_error=1: a report is an abort, which libFuzzer records.
#  - UBSan: halt_on_error=1, print_stacktrace=1: undefined behaviour is a
#    crash here, not a log line.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:detect_odr_violation=0"
export LSAN_OPTIONS="suppressions=$top/tests/sanitizers/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"

status=0
for h in $harnesses; do
	corpus=$work/corpus-$h
	mkdir -p "$corpus"
	cp "$top/tests/fuzz/corpus/$h"/* "$corpus"/
	if [ -n "$(ls "$top/tests/fuzz/regress/$h" 2>/dev/null)" ]; then
		cp "$top/tests/fuzz/regress/$h"/* "$corpus"/
	fi
	log=$work/$h.log
	echo "== $h: ${secs}s"
	# -max_len: fuzz_tx packets carry up to 64 KiB of their own bytes plus
	# a generated pad; 8 KiB of input covers every field and many mbufs.
	# -timeout: one input runs in well under a second; 10 s is a hang.
	# -rss_limit_mb: 512 MB of DPDK memory (--no-huge -m 512) + ASan.
	set +e
	"$build/tests/fuzz/$h-libfuzzer" "$corpus" \
		-max_total_time="$secs" -max_len=8192 -timeout=10 \
		-rss_limit_mb=4096 -print_final_stats=1 \
		-artifact_prefix="$work/artifacts/$h-" >"$log" 2>&1
	rc=$?
	set -e
	# figures: the last status line and the final stats
	grep -E '^#[0-9]+' "$log" | tail -1 || true
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
	if [ $rc -ne 0 ]; then
		status=1
		echo "fuzz.sh: $h FAILED (exit $rc); its log: $log"
		grep -E 'ERROR: |fuzz invariant|SUMMARY|Test unit written|runtime error' "$log" | head -20 || true
		for a in "$work/artifacts/$h-"*; do
			[ -e "$a" ] && echo "fuzz.sh: input left in $a (replay: $build/tests/fuzz/$h $a)"
		done
	fi
done
exit $status
