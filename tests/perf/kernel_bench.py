#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ofld against the Linux kernel over a veth pair, and Linux against Linux,
in one run (issue 15, part 3).

  tests/perf/kernel_bench.py BUILD_DIR [--seconds S] [--rounds N]
                             [--lower auto|af_xdp|af_packet|tap]
                             [--cc cubic|bbr|reno]

For 1 and 4 connections, one after the other in each round (as root):
  - ofld -> kernel and kernel -> ofld: apps/ofld-perf/perf-kernel.py
    (net_ofld on net_af_xdp on one end of a veth pair, the kernel's TCP
    sockets on the other; ofld-perf on one lcore, unpaced);
  - Linux -> Linux: iperf3 over a veth pair between two namespaces (as
    tests/perf/perf_report.py), TSO/GSO/GRO off and on.
Goodput is each tool's own (bytes the receiver got and checked, over the
run); CPU is taken the same way for all: busy time of the whole machine
from /proc/stat (softirq included; ofld's busy-polling lcore counts as
busy) over the steady part of the run, from second 1 to second S - 1 of
ofld-perf's progress lines, or of iperf3's run. Prints a Markdown table
and the target line (ofld -> kernel at least Linux -> Linux with offloads
off). Figures, not a test: nothing here fails on a number.

The kernel's congestion control is the same for all (--cc, CUBIC unless
told: Debian's and Linux's default). A machine whose default is BBR (these
are) would otherwise send to ofld with BBR, which keeps the AF_XDP
socket's 2048 receive buffers overflowing with 4 connections: kernel ->
ofld 1.5 Gbit/s, 6% of the frames dropped at the veth's XDP redirect,
against 7.5 with CUBIC (2026-11-28).
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import perf_report as pr  # noqa: E402

WRAPPER = os.path.join(HERE, "..", "..", "apps", "ofld-perf",
                       "perf-kernel.py")


def ofld(build, direction, conns, seconds, lower, cc):
    """One perf-kernel.py run: (goodput Gbit/s, busy cores, lower, ok)."""
    cmd = [sys.executable, WRAPPER, "--lower", lower, "--cc", cc,
           os.path.join(build, "apps", "ofld-perf"), "--direction",
           direction, "--conns", str(conns), "--seconds", str(seconds)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    marks, goodput, used, mismatch = {}, None, lower, False
    last = f"{seconds - 1:.1f} s"
    for line in p.stdout:
        s = line.strip()
        # progress lines: "1.0 s  goodput ..."; the steady part between
        if s.startswith("1.0 s ") and "first" not in marks:
            marks["first"] = pr.cpu_jiffies()
        elif s.startswith(last + " ") and "first" in marks:
            marks["last"] = pr.cpu_jiffies()
        m = re.match(r"goodput\s+([0-9.]+) Gbit/s", s)
        if m:
            goodput = float(m.group(1))
        m = re.match(r"peer\s+Linux kernel on (\S+)", s)
        if m:
            used = "tap" if m.group(1).startswith("ofldtap") else used
        mismatch = mismatch or "MISMATCH" in s
    err = p.stderr.read()
    rc = p.wait()
    m = re.search(r"lower (\w+):", err)
    if m:
        used = m.group(1)
    elif lower == "auto":
        used = "af_xdp"
    if rc != 0 or goodput is None or "last" not in marks:
        sys.stderr.write(err[-2000:])
        return goodput or 0.0, None, used, False
    (b0, a0), (b1, a1) = marks["first"], marks["last"]
    cores = os.cpu_count() * (b1 - b0) / max(a1 - a0, 1)
    return goodput, cores, used, not mismatch


def row(name, n, g, c):
    per = f"{g / c:.2f} Gbit/s" if c else "-"
    busy = f"{c:.2f}" if c else "-"
    return f"| {name} | {n} | {g:.2f} Gbit/s | {busy} | {per} |"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build")
    ap.add_argument("--seconds", type=int, default=6)
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--lower", default="auto")
    ap.add_argument("--cc", default="cubic",
                    help="the kernel's congestion control, for its sockets "
                    "to ofld and for iperf3's sender (default cubic)")
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("kernel_bench.py: needs root (network namespaces)")
        return 77
    res = {}
    rep = ["| stack | streams | goodput | busy cores | per core |",
           "|---|---:|---:|---:|---:|"]
    for r in range(a.rounds):
        for n in (1, 4):
            for d, name in (("send", "ofld -> kernel"),
                            ("recv", "kernel -> ofld")):
                g, c, used, ok = ofld(a.build, d, n, a.seconds, a.lower,
                                      a.cc)
                label = f"{name} ({used})" + ("" if ok else " FAILED")
                res.setdefault((name, n), []).append(g)
                rep.append(row(label, n, g, c))
                print(rep[-1], flush=True)
            pr.ns_setup()
            try:
                for on in (False, True):
                    pr.offloads(on)
                    g, c = pr.linux(n, seconds=a.seconds, cc=a.cc)
                    name = "Linux -> Linux, TSO/GSO/GRO " + \
                        ("on" if on else "off")
                    res.setdefault((name, n), []).append(g)
                    rep.append(row(name, n, g, c))
                    print(rep[-1], flush=True)
            finally:
                pr.ns_teardown()
    print()
    print("\n".join(rep))
    print()
    off = "Linux -> Linux, TSO/GSO/GRO off"
    for n in (1, 4):
        ours, theirs = res[("ofld -> kernel", n)], res[(off, n)]
        x = [o / max(t, 1e-9) for o, t in zip(ours, theirs)]
        print(f"- ofld -> kernel / Linux -> Linux (offloads off), {n} "
              f"stream(s), each round: {', '.join(f'{v:.2f}x' for v in x)}"
              f" (target 1.0x: {'met' if min(x) >= 1.0 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
