#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per segment of ofld's GSO and of rte_gso, counted by
# callgrind (repeatable, unlike timings on a shared machine): only the
# segmentation call itself is collected (--toggle-collect).
#
# usage: tests/perf/gso_callgrind.sh BUILD_DIR
set -eu
build=${1:-build}
bench=$build/tests/perf/gso_bench
iters=200
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

count() { # engine function case
	valgrind --tool=callgrind --toggle-collect="$2" \
		--callgrind-out-file="$tmp/cg.out" \
		"$bench" --no-huge -m 512 --no-pci --no-shconf \
		--file-prefix="ofld-cg-$$" -l 0 -- --rounds 1 --iters $iters \
		--only "$1" --case "$3" > "$tmp/bench.txt" 2> "$tmp/vg.txt"
	ir=$(sed -n 's/^summary: *//p' "$tmp/cg.out")
	# segments = timed rounds + the warm-up round, each $iters sends
	segs=$(awk -v c="$3" -v e="$1" '$1 == c && $2 ~ e { print }' \
		"$tmp/bench.txt" | head -1)
	echo "$3 $1 $ir"
}

printf '%-20s %-11s %s\n' case engine "instructions per segment"
for c in tcp4-64k-mss1448:1 tcp6-64k-mss1428:0 udp4-64k-mss1472:0; do
	name=${c%:*}
	rte=${c#*:}
	payload=65536
	case $name in
	*1448) mss=1448 ;; *1428) mss=1428 ;; *1472) mss=1472 ;;
	esac
	segs_per_send=$(( (payload + mss - 1) / mss ))
	# warm-up round (min(iters, 200)) + 1 timed round of $iters
	sends=$(( iters + (iters < 200 ? iters : 200) ))
	for e in ours-lower ours-full; do
		set -- $(count $e seg_ours $name)
		awk -v n="$1" -v e="$2" -v ir="$3" -v s=$((sends * segs_per_send)) \
			'BEGIN { printf "%-20s %-11s %8.1f\n", n, e, ir / s }'
	done
	if [ "$rte" = 1 ]; then
		set -- $(count rte seg_rte $name)
		awk -v n="$1" -v ir="$3" -v s=$((sends * segs_per_send)) \
			'BEGIN { printf "%-20s %-11s %8.1f\n", n, "rte_gso", ir / s }'
	fi
done
