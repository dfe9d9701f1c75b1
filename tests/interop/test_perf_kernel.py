#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Smoke test of ofld-perf --peer kernel (issue 6), through the wrapper a
user runs (apps/ofld-perf/perf-kernel.py, which makes and deletes its own
network namespace):
  - ofld -> kernel, 64 MiB on 4 connections in odd-sized requests: every
    request completed, every connection closed cleanly, the kernel read
    exactly what ofld-perf counts as acknowledged, and the sha256 of what
    the kernel read on each connection is that of the pattern stream this
    test computes on its own;
  - kernel -> ofld, 64 MiB: every byte checked by ofld-perf, none bad, each
    connection ended by the kernel and closed, and the kernel sent this
    test's pattern stream (sha256);
  - no kernel listener: ofld-perf fails and says the connections were never
    established.
Needs root and network namespaces: without them, skipped (exit 77).
ofld-perf's lcore floats over the CPUs (tests/common/ofld_lcores.py).
"""
import hashlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from ofld_eal import remove_runtime_dir  # noqa: E402
from ofld_lcores import eal_lcores, lcores_spec  # noqa: E402

REGION = 4 << 20
TOTAL = 64 << 20
CONNS = 4
REQ = 1000003          # odd-sized requests, a short one at each end
checks = []


def check(name, cond, detail=""):
    checks.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name +
          (f" ({detail})" if detail and not cond else ""), flush=True)


def pattern():
    """ofld-perf's region, written out word by word (not kernel-peer.py's
    code): word i = i * 0x9e3779b97f4a7c15 ^ 7919, native byte order."""
    words = REGION // 8
    out = bytearray(REGION)
    for i in range(words):
        struct.pack_into("=Q", out, 8 * i,
                         ((i * 0x9e3779b97f4a7c15) % (1 << 64)) ^ 7919)
    return bytes(out)


def stream_sha(reg, conn, n):
    """sha256 of connection conn's first n bytes."""
    h = hashlib.sha256()
    pos = (conn * 1000003 * 8) % REGION
    while n > 0:
        k = min(n, REGION - pos)
        h.update(reg[pos:pos + k])
        n -= k
        pos = 0
    return h.hexdigest()


def run(wrapper, perf, *opts, ofld_args="", lower="tap"):
    """The wrapper to its end (300 s; then SIGTERM, on which it stops
    ofld-perf and the kernel peer and deletes its namespace, and a note
    of what was waited for)."""
    extra = ["--ofld-args", ofld_args] if ofld_args else []
    extra += ["--lower", lower]
    p = subprocess.Popen([sys.executable, wrapper, "--sha256",
                          "--lcores", lcores_spec(1)] + extra + [perf,
                          "--conns", str(CONNS), "--bytes", str(TOTAL),
                          "--seconds", "120", "--json"] + list(opts),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    note = ""
    try:
        out, err = p.communicate(timeout=300)
    except subprocess.TimeoutExpired:
        p.send_signal(signal.SIGTERM)
        try:
            out, err = p.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            p.kill()
            out, err = p.communicate()
        note = (f"gave up after 300 s waiting for perf-kernel.py "
                f"{' '.join(opts)} to end; stopped it\n")
    try:
        return p.returncode, json.loads(out.strip().splitlines()[-1]), \
            note + err
    except (ValueError, IndexError):
        return p.returncode, {}, note + out[-2000:] + err[-3000:]


def run_for(argv, timeout, what):
    """subprocess.run() with a deadline that, when it passes, kills the
    command and says what it waited for (returncode -1)."""
    try:
        return subprocess.run(argv, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, -1, "", f"gave up after "
                                           f"{timeout} s waiting for {what}")


def check_send(what, rc, j, err, want):
    """ofld sent TOTAL bytes to the kernel's sink: all of it right."""
    kp = j.get("kernel_peer", {})
    det = kp.get("connections_detail", [])
    per_conn = TOTAL // CONNS
    reqs = CONNS * -(-per_conn // REQ)
    check(f"{what}: exit 0, both ends agree", rc == 0 and
          j.get("ok") is True and kp.get("agrees") is True,
          f"rc {rc}: {err[-1500:]}")
    check(f"{what}: 64 MiB acknowledged and read by the kernel",
          j.get("bytes_received") == TOTAL and kp.get("bytes") == TOTAL,
          f"{j.get('bytes_received')} / {kp.get('bytes')}")
    check(f"{what}: every request completed, none failed",
          j.get("requests_completed") == reqs and
          j.get("requests_failed") == 0,
          f"{j.get('requests_completed')} of {reqs}")
    check(f"{what}: every connection closed cleanly",
          j.get("connections_closed_ok") == CONNS and
          all(d.get("state") == "closed" for d in det), str(det)[:500])
    check(f"{what}: the kernel's sha256 per connection is ours",
          len(det) == CONNS and kp.get("bad") == 0 and
          all(d.get("sha256") == want[d.get("conn")] and
              d.get("bytes") == per_conn for d in det),
          str([(d.get("conn"), d.get("bytes")) for d in det]))


def check_recv(what, rc, j, err, want):
    """The kernel's source sent TOTAL bytes to ofld: all of it right."""
    kp = j.get("kernel_peer", {})
    det = kp.get("connections_detail", [])
    check(f"{what}: exit 0, both ends agree", rc == 0 and
          j.get("ok") is True and kp.get("agrees") is True,
          f"rc {rc}: {err[-1500:]}")
    check(f"{what}: 64 MiB received, every byte checked, none bad",
          j.get("bytes_received") == TOTAL and j.get("bytes_bad") == 0 and
          j.get("checked_by") == "ofld-perf",
          f"{j.get('bytes_received')}, bad {j.get('bytes_bad')}")
    check(f"{what}: every connection ended by the kernel and closed",
          j.get("connections_closed_ok") == CONNS and
          all(d.get("state") == "closed" for d in det), str(det)[:500])
    check(f"{what}: the kernel sent our pattern (sha256)",
          len(det) == CONNS and all(d.get("sha256") == want[d.get("conn")]
                                    for d in det))


def main():
    wrapper, perf = sys.argv[1], sys.argv[2]
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("SKIP: needs root and iproute2 (network namespaces)")
        return 77
    reg = pattern()
    per_conn = TOTAL // CONNS
    want = [stream_sha(reg, i, per_conn) for i in range(CONNS)]

    rc, j, err = run(wrapper, perf, "--direction", "send",
                     "--req-size", str(REQ))
    if rc == 77:
        print("SKIP: " + err.strip())
        return 77
    check_send("ofld -> kernel", rc, j, err, want)
    check_recv("kernel -> ofld", *run(wrapper, perf, "--direction", "recv"),
               want)
    # N2: two queues on the tap; connections on both, segments the tap
    # puts on the other queue handed to their owner
    check_send("ofld -> kernel, 2 queues", *run(
        wrapper, perf, "--direction", "send", "--req-size", str(REQ),
        "--queues", "2"), want)
    check_recv("kernel -> ofld, 2 queues", *run(
        wrapper, perf, "--direction", "recv", "--queues", "2"), want)

    # N3: our ACKs (one-segment frames) have their TCP checksum done by
    # net_tap, unless lower_offload=off; large sends are never handed to
    # net_tap (its rte_gso: IPv4 only, headers + MSS within the MTU)
    rc, j, err = run(wrapper, perf, "--direction", "recv")
    check_recv("kernel -> ofld (path counters)", rc, j, err, want)
    lp = j.get("lower_path") or {}
    check("N3: checksums handed down to net_tap, none refused",
          lp.get("csum_down", 0) > 0 and lp.get("prepare_refused") == 0 and
          lp.get("tso_down") == 0, str(lp))
    rc, j, err = run(wrapper, perf, "--direction", "recv",
                     ofld_args="lower_offload=off")
    check_recv("kernel -> ofld, lower_offload=off", rc, j, err, want)
    lp = j.get("lower_path") or {}
    check("N3: lower_offload=off: every checksum done here",
          lp.get("csum_down") == 0 and lp.get("csum_here", 0) > 0, str(lp))

    # Part 3 of issue 15: the kernel on a veth pair, net_ofld on
    # net_af_xdp (net_af_packet where AF_XDP is refused), both ways; over
    # net_af_xdp the engine's chained segments are copied into one frame
    # (it sends one-segment frames only), none lost for it
    for direction in ("send", "recv"):
        opts = ["--direction", direction]
        opts += ["--req-size", str(REQ)] if direction == "send" else []
        rc, j, err = run(wrapper, perf, *opts, lower="auto")
        what = f"{'ofld -> kernel' if direction == 'send' else 'kernel -> ofld'}" \
            f" over {j.get('lower', '?')} on a veth"
        (check_send if direction == "send" else check_recv)(
            what, rc, j, err, want)
        # (data segments are chains; our ACKs, all a receiver sends, are
        # one segment each)
        lp = j.get("lower_path") or {}
        copies = j.get("lower") == "af_xdp" and direction == "send"
        check(f"{what}: frames copied into one segment "
              f"{'(linearized > 0)' if copies else '0'}, none dropped "
              "for it", (lp.get("linearized", 0) > 0 if copies else
                         lp.get("linearized") == 0) and
              lp.get("linear_nomem") == 0, str(lp))

    # no listener in the kernel: refused, and ofld-perf says so
    ns = f"ofldpk{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", ns]).returncode == 0:
        try:
            p = run_for(
                ["ip", "netns", "exec", ns, perf, "--no-huge", "-m", "1024",
                 "--no-pci", "--no-shconf", f"--file-prefix={ns}",
                 eal_lcores(1),
                 "--vdev", "net_tap0,iface=ofldtap0",
                 "--vdev", "net_ofld0,lower=net_tap0,ip=198.18.1.2/24,"
                 "ip6=2001:2::2/64",
                 "--log-level=pmd.net.tap:error", "--", "--peer", "kernel",
                 "--conns", "2", "--seconds", "1", "--quiet"], 120,
                "ofld-perf to give up on a kernel without a listener")
            check("no kernel listener: ofld-perf fails, says why",
                  p.returncode == 1 and "never established (refused)" in
                  p.stderr, f"rc {p.returncode}: {p.stderr[-600:]}")
        finally:
            subprocess.run(["ip", "netns", "del", ns])
            remove_runtime_dir(ns)
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
