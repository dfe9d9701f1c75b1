#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run the README's test command (buildtools/quickstart.sh test) N times,
# each time in a fresh clone of this repository's HEAD commit, and print
# one line per run and a tally: is the suite green every time?
#
#   buildtools/repeat-suite.sh N [--load]
#
# --load  keeps a busy loop pinned (taskset) to the first CPU this script
#         may run on for the whole time, as another busy program would.
#
# Each run: git clone into a fresh temporary directory, check out HEAD's
# commit, run 'buildtools/quickstart.sh test' there (as root it installs
# or checks the Debian packages first, as the README says), then print
# the run number, the summary line's counts, the wall time of the whole
# command and the three slowest suites (build/meson-logs/testlog.json).
# The clone is removed afterwards; a failed run's logs are kept and their
# directory printed. Commits only: uncommitted changes are not tested.
#
# env: OFLD_DPDK_SRC_CACHE  where the build keeps the downloaded DPDK
#                           source package (buildtools/fetch-sdk-headers.sh);
#                           when unset, one temporary cache serves every
#                           run, so only the first run downloads it.
# Exit status: 0 when every run passed, 1 otherwise, 2 on usage errors.
set -eu

usage() {
	echo "usage: $0 N [--load]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
runs=$1
shift
load=false
for a in "$@"; do
	case "$a" in
	--load) load=true ;;
	*) usage ;;
	esac
done
case "$runs" in
'' | *[!0-9]*) usage ;;
esac
[ "$runs" -ge 1 ] || usage

top=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
commit=$(git -C "$top" rev-parse HEAD)
short=$(git -C "$top" rev-parse --short HEAD)
if [ -n "$(git -C "$top" status --porcelain --untracked-files=no)" ]; then
	echo "repeat-suite: note: uncommitted changes are not tested, only" \
		"commit $short" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ofld-repeat.XXXXXX")
keep=""
busy=""
cleanup() {
	if [ -n "$busy" ]; then
		kill "$busy" 2>/dev/null || true
		wait "$busy" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ -z "${OFLD_DPDK_SRC_CACHE:-}" ]; then
	OFLD_DPDK_SRC_CACHE=$work/dpdk-src
	mkdir -p "$OFLD_DPDK_SRC_CACHE"
fi
export OFLD_DPDK_SRC_CACHE

loadnote=""
if $load; then
	loadnote=", with a busy loop on one core"
	cpu=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
	taskset -c "$cpu" sh -c 'while :; do :; done' &
	busy=$!
	echo "repeat-suite: busy loop (pid $busy) on CPU $cpu for the whole time"
fi

echo "repeat-suite: $runs run(s) of 'buildtools/quickstart.sh test' on" \
	"commit $short$loadnote"

# "N passed, N failed, N skipped" and the three slowest suites of a run
slowest() {
	python3 - "$1" <<'EOF'
import json, sys
rows = []
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            t = json.loads(line)
            rows.append((t["duration"], t["name"].split(" / ")[-1]))
rows.sort(reverse=True)
print(", ".join(f"{n} {d:.1f} s" for d, n in rows[:3]))
EOF
}

green=0
i=1
while [ "$i" -le "$runs" ]; do
	dir=$work/run$i
	mkdir -p "$dir"
	t0=$(date +%s)
	rc=0
	{
		git clone -q --no-checkout "$top" "$dir/ofld" &&
			git -C "$dir/ofld" checkout -q --detach "$commit" &&
			(cd "$dir/ofld" && buildtools/quickstart.sh test)
	} > "$dir/log" 2>&1 || rc=$?
	t=$(($(date +%s) - t0))
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' \
		"$dir/log" | tail -n 1 || true)
	[ -n "$summary" ] || summary="no summary line"
	tlog=$dir/ofld/build/meson-logs/testlog.json
	slow=$([ -f "$tlog" ] && slowest "$tlog" || echo "no testlog.json")
	result=FAILED
	if [ "$rc" -eq 0 ] && echo "$summary" | grep -q ' 0 failed'; then
		result=green
		green=$((green + 1))
	fi
	printf 'run %d/%d: %-6s %s; %dm%02ds; slowest: %s\n' "$i" "$runs" \
		"$result" "$summary" $((t / 60)) $((t % 60)) "$slow"
	if [ "$result" != green ]; then
		if [ -z "$keep" ]; then
			keep=$(mktemp -d "${TMPDIR:-/tmp}/ofld-repeat-logs.XXXXXX")
		fi
		mkdir -p "$keep/run$i"
		cp "$dir/log" "$keep/run$i/"
		cp -r "$dir/ofld/build/meson-logs" "$keep/run$i/" 2>/dev/null ||
			true
		echo "  exit $rc; logs kept in $keep/run$i"
	fi
	rm -rf "$dir"
	i=$((i + 1))
done

echo "tally: $green of $runs runs green on commit $short" \
	"($(git -C "$top" log -1 --format=%cs "$commit"))$loadnote"
[ "$green" -eq "$runs" ]
