#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per data segment of the TCP engine, path by path (issue 14),
# counted by callgrind: repeatable, unlike timings on a shared machine.
# tcp_bench runs under callgrind once per path, collecting only inside that
# path's function (--toggle-collect), then once collecting all three for
# the functions that cost most (self cost, inlined code counted with the
# function it is inlined into). Extra arguments go to tcp_bench.
#
# usage: tests/perf/tcp_callgrind.sh BUILD_DIR [tcp_bench options]
set -eu
build=${1:-build}
[ $# -gt 0 ] && shift
bench=$build/tests/perf/tcp_bench
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# collect FUNCTIONS...: a callgrind run collecting inside them
collect() {
	toggles=
	for f; do toggles="$toggles --toggle-collect=$f"; done
	# shellcheck disable=SC2086
	if ! valgrind --tool=callgrind $toggles \
		--callgrind-out-file="$tmp/cg.out" \
		"$bench" --no-huge -m 1024 --no-pci --no-shconf \
		--file-prefix="ofld-tcp-cg-$$" -l 0 --log-level=error -- \
		--mbytes 32 "$@" > "$tmp/bench.txt" 2> "$tmp/vg.txt"; then
		cat "$tmp/bench.txt" "$tmp/vg.txt" >&2
		echo "tcp_callgrind: tcp_bench failed under callgrind" >&2
		exit 1
	fi
}

set -- "$@"
opts="$*"
printf '%-6s %s\n' path "instructions per data segment"
for p in send:bench_send_path recv:bench_recv_path,bench_recv_poll \
	ack:bench_ack_path; do
	# shellcheck disable=SC2086
	collect $(echo "${p#*:}" | tr , ' ') $opts
	ir=$(sed -n 's/^summary: *//p' "$tmp/cg.out")
	segs=$(sed -n 's/^data segments \([0-9]*\).*/\1/p' "$tmp/bench.txt")
	awk -v p="${p%%:*}" -v ir="$ir" -v s="$segs" \
		'BEGIN { printf "%-6s %8.1f\n", p, ir / s }'
done
echo "($segs data segments; $(head -1 "$tmp/bench.txt" | cut -d' ' -f2-))"
# shellcheck disable=SC2086
collect bench_send_path bench_recv_path bench_recv_poll bench_ack_path $opts
echo
echo "where (self cost per data segment, the 15 largest):"
callgrind_annotate --inclusive=no --auto=no --threshold=99.9 "$tmp/cg.out" |
	awk -v s="$segs" '
		/^ *[0-9,]+ / && /:/ {
			ir = $1; gsub(",", "", ir)
			fn = $0; sub(/^[^:]*:/, "", fn); sub(/ \[.*$/, "", fn)
			if (fn ~ /^0x/) fn = "(" $NF ")"
			cost[fn] += ir
		}
		END { for (f in cost) printf "%10.1f  %s\n", cost[f] / s, f }' |
	sort -rn | head -15
