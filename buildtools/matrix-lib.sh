# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# The steps of buildtools/dpdk-matrix.sh (sourced by it, bash): root file
# systems, mounts, the build and the tests inside, one summary line each.
# Every wait has a deadline (timeout); every mount is undone on exit.

die() {
	echo "dpdk-matrix: error: $*" >&2
	exit 1
}

say() {
	echo "dpdk-matrix: $*" >&2
}

# run_bounded SECONDS CMD...: CMD for SECONDS at most (then TERM, KILL 30 s
# later). timeout puts CMD in a process group of its own, which neither
# Ctrl-C nor a kill of ours reaches: CMD runs in the background, and
# on_signal (trapped on INT, TERM) passes the signal on, waits for it to
# end, and exits, the EXIT trap unmounting.
CHILD=
run_bounded() {
	local s=$1 rc
	shift
	timeout -k 30 "$s" "$@" &
	CHILD=$!
	wait "$CHILD"
	rc=$?
	CHILD=
	return $rc
}

on_signal() {
	if [ -n "$CHILD" ]; then
		kill -TERM "$CHILD" 2>/dev/null
		wait "$CHILD"
	fi
	exit 130
}

# Heavy steps under OFLD_MATRIX_LOCK when set (a machine shared with
# benchmarks; 30 minutes at most for the lock), as they are otherwise.
# LOCK_WAIT adds up the seconds spent waiting for it.
LOCK_WAIT=0
locked() {
	local t0
	if [ -n "${OFLD_MATRIX_LOCK:-}" ]; then
		t0=$(date +%s)
		{
			# in the background too, so a signal ends the wait (the
			# lock belongs to fd 9, which stays open here)
			run_bounded 1860 flock -w 1800 9 || {
				say "no lock on $OFLD_MATRIX_LOCK in 30 minutes"
				return 1
			}
			LOCK_WAIT=$((LOCK_WAIT + $(date +%s) - t0))
			"$@"
		} 9>>"$OFLD_MATRIX_LOCK"
	else
		"$@"
	fi
}

# retry TRIES WHAT CMD...: a transient archive failure is tried again.
retry() {
	local tries=$1 what=$2 i
	shift 2
	for i in $(seq 1 "$tries"); do
		"$@" && return 0
		[ "$i" -lt "$tries" ] &&
			say "$what failed (attempt $i of $tries), again in 15 s"
		[ "$i" -lt "$tries" ] && sleep 15
	done
	say "$what failed $tries times: Debian's archive ($MIRROR) unreachable or incomplete? See the log named below."
	return 1
}

# since START -> "3m10s", and the part of it spent waiting for the lock
since() {
	local s=$(($(date +%s) - $1))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
	[ "$LOCK_WAIT" -gt 0 ] &&
		printf ' (%dm%02ds of it waiting for the lock)' \
			$((LOCK_WAIT / 60)) $((LOCK_WAIT % 60))
	return 0
}

# summarize TESTLOG SUITE...: "P/T passed[, F failed][, S skipped]" of
# the tests of these suites in a meson testlog.json; fails if any failed,
# or a suite has no test (a tool missing at setup drops a whole suite).
summarize() {
	python3 - "$@" <<'EOF'
import json, re, sys
# "ofld:unit+fast / name" (Meson up to 1.7), "unit+fast - ofld:name" (1.12)
NAME = re.compile(r"^[^:]+:(\S+) / |^(\S+) - [^:]+:")
want = set(sys.argv[2:])
n = {"ok": 0, "fail": 0, "skip": 0}
seen = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if not line.strip():
        continue
    t = json.loads(line)
    m = NAME.match(t["name"])
    suites = (m.group(1) or m.group(2)).split("+") if m else []
    if not want.intersection(suites):
        continue
    seen.update(want.intersection(suites))
    r = t["result"]
    n["ok" if r in ("OK", "EXPECTEDFAIL") else
      "skip" if r == "SKIP" else "fail"] += 1
total = sum(n.values())
s = f"{n['ok']}/{total} passed"
s += f", {n['fail']} failed" if n["fail"] else ""
s += f", {n['skip']} skipped" if n["skip"] else ""
s += "".join(f", no {x} test" for x in sorted(want - seen))
print(s)
sys.exit(1 if n["fail"] or not n["ok"] or want - seen else 0)
EOF
}

# Network namespaces here: then the interop suite runs too.
NETNS_PROBE="ip netns add ofld-matrix-probe &&
	ip netns exec ofld-matrix-probe ip link set lo up; rc=\$?;
	ip netns del ofld-matrix-probe; exit \$rc"
netns_probe() {
	run_bounded 60 sh -c "$NETNS_PROBE"
}

suite_args() { # SUITE... -> --suite SUITE...
	local s
	for s in "$@"; do
		printf -- '--suite %s ' "$s"
	done
}

upstream_of() { # Debian version -> upstream (24.11.8-0+deb13u1 -> 24.11.8)
	local v=${1#*:}
	echo "${v%-*}"
}

# 22.11: the README command's run (OFLD_MATRIX_HOST_LOG), or a build here.
host_line() {
	local start ver codename dir res ok suites=$TEST_SUITES
	start=$(date +%s)
	LOCK_WAIT=0
	netns_probe >/dev/null 2>&1 && suites="$suites interop"
	ver=$(upstream_of "$(dpkg-query -W -f='${Version}' libdpdk-dev 2>/dev/null)")
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-host}")
	if [ -n "${OFLD_MATRIX_HOST_LOG:-}" ]; then
		# shellcheck disable=SC2086
		res=$(summarize "$OFLD_MATRIX_HOST_LOG" $suites) || {
			echo "dpdk-matrix: $ver ($codename, host): ${res:-no tests}, the README test command's run"
			return 1
		}
		echo "dpdk-matrix: $ver ($codename, host): build ok, $res, the README test command's run"
		return 0
	fi
	dir=$CACHE/host
	mkdir -p "$dir"
	rm -rf "$dir/build"
	say "$ver ($codename, host): building in $dir/build"
	export OFLD_DPDK_SRC_CACHE=${OFLD_DPDK_SRC_CACHE:-$dir/dpdk-src}
	if ! locked run_bounded 1200 sh -c "cd '$TOP' && meson setup '$dir/build' && ninja -C '$dir/build'" >"$dir/build.log" 2>&1; then
		tail -n 20 "$dir/build.log" >&2
		echo "dpdk-matrix: $ver ($codename, host): build FAILED (log: $dir/build.log), $(since "$start")"
		return 1
	fi
	# shellcheck disable=SC2046,SC2086
	locked run_bounded 1800 meson test -C "$dir/build" $(suite_args $suites) \
		--num-processes 2 --print-errorlogs >"$dir/test.log" 2>&1
	# shellcheck disable=SC2086
	res=$(summarize "$dir/build/meson-logs/testlog.json" $suites)
	ok=$?
	echo "dpdk-matrix: $ver ($codename, host): build ok, $res, $(since "$start")"
	return $ok
}

source "$TOP/buildtools/matrix-root.sh"
