#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
#
# Goodput with 1, 2 and 4 queues per port (connections placed by the
# port's choice of local port), and 4 queues with fixed ports (most of the
# sender's segments handed to their queue): the four set-ups alternate,
# ROUNDS rounds (default 3), one ofld-perf run of 4 s each.
# Usage: tests/perf/queues_bench.sh BUILD_DIR
set -eu
build=${1:?usage: $0 BUILD_DIR}
rounds=${ROUNDS:-3}
r=1
while [ "$r" -le "$rounds" ]; do
	for cfg in "1 placed" "2 placed" "4 placed" "4 fixed"; do
		set -- $cfg
		"$build/apps/ofld-perf" -l 0,1 --no-huge -m 2048 \
			--log-level=ofld:warning -- --seconds 4 --speed 0 \
			--conns 16 --queues "$1" --placement "$2" --json |
		python3 -c 'import json, sys
d = json.loads(sys.stdin.read())
print("round %s queues %s %-6s goodput %6.2f Gbit/s  cycles/byte %.3f  "
      "handed off %d  bad bytes %s" % (sys.argv[1], sys.argv[2],
      sys.argv[3], d["goodput_gbps"], d["cycles_per_byte"],
      d["handed_off"], d["bytes_bad"]))' "$r" "$1" "$2"
	done
	r=$((r + 1))
done
