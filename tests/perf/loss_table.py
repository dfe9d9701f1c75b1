#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Goodput under random loss: ofld against Linux TCP, in one run (issue 13).

  tests/perf/loss_table.py BUILD_DIR [--seconds S] [--rates 0.1,1,2,5]
                           [--cc cubic|newreno] [--linux-ref CC]
                           [--ack-loss] [--paced] [--json FILE]

As root. Owns the two network namespaces it makes (ofldlossA, the
sender, 198.18.2.1; ofldlossB, the receiver, 198.18.2.2; a veth pair,
MTU 1500) and deletes them whatever happens. Installs nothing: it needs
iperf3, nftables (nft), ethtool and iproute2 (ip), and says which Debian
packages are missing.

The loss table, one connection, unpaced, for each loss rate in turn:
  - Linux: iperf3 (1 stream, --seconds), the sender's veth with TSO/GSO
    off and the receiver's with GRO off, so that every frame is one
    MSS-sized segment; an nftables rule in the receiver's namespace drops
    RATE% of the sender's data segments at random (`numgen random`) on
    their way in; ACKs are not touched (with --ack-loss, RATE% of the ACKs
    are dropped on their way into the sender too). Congestion control set per socket (iperf3 -C) and checked: the
    kernel's default may be something else (bbr on some machines), and a
    namespace may not make a CC its default unless the host allows it.
    --linux-ref CC adds a column of Linux with another CC (e.g. bbr).
  - ofld: ofld-perf over the pair cable, --speed 0 --conns 1 --loss RATE/100
    --ack-loss 0 --seed 7 --cc CC: the cable loses RATE% of the frames the
    sender's port sends (its data segments), none of the receiver's ACKs;
    with --ack-loss, RATE% of those too. Both stacks lose the same.
  - CPU: busy time of the whole machine from /proc/stat (softirq
    included), sampled every 100 ms, over the last --seconds before each
    process exited: the same window for both stacks.
  - Loss recovery: Linux's counters (iperf3's retransmits; TcpExt
    TCPSackRecovery, TCPTimeouts from the sender's namespace) and ofld's
    engine counters (ofld-perf --json sender_xstats).

--paced: ofld-perf at 10 Gbit/s, 4 connections, 1% loss, NewReno and CUBIC,
with no delay (goodput against the link's ceiling) and with --delay 1000
and 10000 us one way (goodput against the Mathis bound at the base RTT,
2 x delay; see bound()); every row also against the bound at the RTT the
senders measured.

Figures, not a test: nothing here passes or fails on a number.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from ofld_eal import remove_runtime_dir  # noqa: E402

NS_SND, NS_RCV = "ofldlossA", "ofldlossB"
DEV_SND, DEV_RCV = "ofldlsa", "ofldlsb"
IP_SND, IP_RCV = "198.18.2.1", "198.18.2.2"
PORT, CPORT = 5201, 5202     # iperf3's server port; its data stream's port
MSS = 1448                    # MTU 1500, IPv4, timestamps
SEED = 7
NFT_TABLE = "ofldloss"
TOOLS = {"ip": "iproute2", "iperf3": "iperf3", "nft": "nftables",
         "ethtool": "ethtool"}
LINUX_CC = {"cubic": "cubic", "newreno": "reno"}


def run(cmd, check=True, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError(" ".join(cmd) + ": " + r.stderr.strip())
    return r


def in_ns(ns, *cmd):
    return ["ip", "netns", "exec", ns] + list(cmd)


def missing_packages():
    return sorted({pkg for tool, pkg in TOOLS.items()
                   if shutil.which(tool) is None})


# ---- CPU: busy time of the whole machine ---------------------------------

def cpu_now():
    """(busy, total) jiffies of all CPUs: busy counts user, nice, system,
    irq, softirq and steal; total adds idle and iowait."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:9]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    return busy, busy + v[3] + v[4]


class CpuSampler:
    """Samples /proc/stat every 100 ms while a process runs."""

    def __init__(self):
        self.samples, self.stop = [], threading.Event()
        self.t = threading.Thread(target=self.loop, daemon=True)

    def loop(self):
        while not self.stop.is_set():
            self.samples.append((time.monotonic(),) + cpu_now())
            self.stop.wait(0.1)

    def __enter__(self):
        self.t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.t.join()

    def cores(self, t_from, t_to):
        """Cores busy on average between t_from and t_to."""
        inside = [s for s in self.samples if t_from <= s[0] <= t_to]
        if len(inside) < 2:
            return float("nan")
        (_, b0, a0), (_, b1, a1) = inside[0], inside[-1]
        return (os.cpu_count() or 1) * (b1 - b0) / max(a1 - a0, 1)


def run_measured(cmd, seconds, timeout):
    """Runs cmd; returns (completed process, cores busy over the last
    `seconds` before it exited, less 0.2 s of teardown)."""
    with CpuSampler() as cpu:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=timeout)
        end = time.monotonic()
        time.sleep(0.15)
    return r, cpu.cores(end - 0.2 - seconds, end - 0.2)


# ---- the namespaces -------------------------------------------------------

def ns_setup():
    ns_teardown()
    for cmd in (["ip", "netns", "add", NS_SND], ["ip", "netns", "add", NS_RCV],
                ["ip", "link", "add", DEV_SND, "netns", NS_SND, "type",
                 "veth", "peer", "name", DEV_RCV, "netns", NS_RCV],
                ["ip", "-n", NS_SND, "addr", "add", IP_SND + "/24", "dev",
                 DEV_SND],
                ["ip", "-n", NS_RCV, "addr", "add", IP_RCV + "/24", "dev",
                 DEV_RCV]):
        run(cmd)
    for ns, dev in ((NS_SND, DEV_SND), (NS_RCV, DEV_RCV)):
        run(["ip", "-n", ns, "link", "set", dev, "mtu", "1500", "up"])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
    # every frame one MSS-sized segment: no TSO/GSO at the sender, no GRO
    # at the receiver
    run(in_ns(NS_SND, "ethtool", "-K", DEV_SND, "tso", "off", "gso", "off"))
    run(in_ns(NS_RCV, "ethtool", "-K", DEV_RCV, "gro", "off"))


def ns_teardown():
    run(["ip", "netns", "del", NS_SND], check=False)
    run(["ip", "netns", "del", NS_RCV], check=False)


def nft_rules(src, sport, dport, rate, payload_only):
    """Count, then drop RATE% at random of, the TCP segments from
    src:sport to dport coming in (with payload_only, those over 100 bytes
    of IP: data, not ACKs)."""
    match = f"ip saddr {src} tcp sport {sport} tcp dport {dport}"
    if payload_only:
        match += " ip length > 100"
    rules = [f"{match} counter"]
    if rate > 0:
        rules.append(f"{match} numgen random mod 100000 < "
                     f"{round(rate * 1000)} counter drop")
    return rules


def nft_load(ns, rules):
    text = [f"table inet {NFT_TABLE} {{", "  chain in {",
            "    type filter hook input priority 0; policy accept;"]
    text += ["    " + r for r in rules] + ["  }", "}"]
    run(in_ns(ns, "nft", "delete", "table", "inet", NFT_TABLE), check=False)
    run(in_ns(ns, "nft", "-f", "-"), input="\n".join(text) + "\n")


def nft_set_loss(rate, ack_loss):
    """Data segments lost at the receiver; with ack_loss, ACKs at the
    sender."""
    nft_load(NS_RCV, nft_rules(IP_SND, CPORT, PORT, rate, True))
    nft_load(NS_SND, nft_rules(IP_RCV, PORT, CPORT, rate if ack_loss else 0,
                               False))


def nft_counts(ns):
    """(segments seen, segments dropped) by the rules in ns."""
    d = json.loads(run(in_ns(ns, "nft", "-j", "list", "table", "inet",
                             NFT_TABLE)).stdout)
    counts = []
    for item in d["nftables"]:
        for stmt in item.get("rule", {}).get("expr", []):
            if "counter" in stmt:
                counts.append(stmt["counter"]["packets"])
    return (counts + [0, 0])[0], (counts + [0, 0])[1]


def tcp_counters(ns):
    """The namespace's Tcp and TcpExt counters, e.g. 'TcpExtTCPTimeouts'."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = run(in_ns(ns, "cat", path)).stdout.splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            kind, names = head.split(":", 1)
            for n, v in zip(names.split(), vals.split(":", 1)[1].split()):
                out[kind + n] = int(v)
    return out


# ---- one run of each stack ------------------------------------------------

def linux_run(rate, seconds, cc, ack_loss):
    """iperf3 with Linux's congestion control cc (its own name: cubic,
    reno, bbr)."""
    nft_set_loss(rate, ack_loss)
    srv = subprocess.Popen(in_ns(NS_RCV, "iperf3", "-s", "-1", "-B", IP_RCV),
                           stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        before = tcp_counters(NS_SND)
        r, cores = run_measured(
            in_ns(NS_SND, "iperf3", "-c", IP_RCV, "--cport", str(CPORT),
                  "-t", str(seconds), "-C", cc, "-J"),
            seconds, timeout=seconds + 60)
        srv.wait(timeout=30)
    finally:
        if srv.poll() is None:
            srv.kill()
    d = json.loads(r.stdout)
    if "error" in d:
        raise RuntimeError("iperf3: " + d["error"])
    if d["end"].get("sender_tcp_congestion") != cc:
        raise RuntimeError(f"iperf3 -C {cc}: the sender used "
                           f"{d['end'].get('sender_tcp_congestion')}")
    after = tcp_counters(NS_SND)
    seen, dropped = nft_counts(NS_RCV)
    end = d["end"]
    return {"gbps": end["sum_received"]["bits_per_second"] / 1e9,
            "cores": cores,
            "retrans": end["sum_sent"].get("retransmits", 0),
            "sack_recoveries": after["TcpExtTCPSackRecovery"] -
            before["TcpExtTCPSackRecovery"],
            "rtos": after["TcpExtTCPTimeouts"] - before["TcpExtTCPTimeouts"],
            "data_segments": seen, "dropped": dropped}


def ofld_run(build, seconds, args):
    prefix = f"ofld-loss-{os.getpid()}"
    cmd = [os.path.join(build, "apps", "ofld-perf"), "--no-huge", "-m",
           "3072", "--no-pci", "--no-shconf", "--file-prefix", prefix,
           "-l", "0,1", "--", "--seconds", str(seconds), "--json"] + args
    try:
        r, cores = run_measured(cmd, seconds, timeout=seconds + 120)
    finally:
        remove_runtime_dir(prefix)
    lines = [x for x in r.stdout.splitlines() if x.startswith("{")]
    if r.returncode != 0 or not lines:
        sys.stderr.write(r.stdout[-2000:] + r.stderr[-2000:])
        raise RuntimeError("ofld-perf failed: " + " ".join(args))
    d = json.loads(lines[-1])
    d["cores"] = cores
    return d


def ofld_loss_run(build, rate, seconds, cc, ack_loss):
    d = ofld_run(build, seconds, ["--speed", "0", "--conns", "1", "--loss",
                                  f"{rate / 100:g}", "--ack-loss",
                                  f"{rate / 100 if ack_loss else 0:g}",
                                  "--seed", str(SEED), "--cc", cc])
    x = d["sender_xstats"]
    return {"gbps": d["goodput_gbps"], "cores": d["cores"],
            "bad": d["bytes_bad"], "retrans": x["retrans_segs"],
            "sack_recoveries": x["sack_recoveries"],
            "reno_recoveries": x["reno_recoveries"], "rtos": x["rto_fired"],
            "tlps": x["tlp_sent"], "undone": x["spurious_undone"],
            "srtt_us": d["srtt_us"], "xstats": x,
            "receiver_xstats": d["receiver_xstats"]}


# ---- the loss table -------------------------------------------------------

def loss_table(a):
    rows = []
    for rate in a.rates:
        lx = linux_run(rate, a.seconds, LINUX_CC[a.cc], a.ack_loss)
        of = ofld_loss_run(a.build, rate, a.seconds, a.cc, a.ack_loss)
        rows.append({"rate_pct": rate, "linux": lx, "ofld": of})
        if a.linux_ref:
            rows[-1]["linux_ref"] = linux_run(rate, a.seconds, a.linux_ref,
                                              a.ack_loss)
        print(f"  {rate:g}%: Linux {lx['gbps']:.3f} Gbit/s, ofld "
              f"{of['gbps']:.3f} Gbit/s", file=sys.stderr, flush=True)
    return rows


def loss_table_md(rows, a):
    cc = a.cc
    out = [f"One connection, unpaced, {a.seconds:g} s per run, congestion "
           f"control {cc} on both (Linux: {LINUX_CC[cc]}); Linux loses "
           "data segments at the receiver" +
           (" and ACKs at the sender" if a.ack_loss else "") +
           ", ofld's pair cable the same: frames its sender's port sends" +
           (" and the receiver's ACKs" if a.ack_loss else
            " (not the receiver's ACKs)") +
           ". Cores: the whole machine's busy time (/proc/stat) over each "
           "run.", "",
           "| loss | Linux Gbit/s | ofld Gbit/s | ofld / Linux | "
           "Linux cores | ofld cores | Linux dropped | Linux retrans | "
           "Linux SACK rec. | Linux RTOs | ofld retrans | "
           "ofld SACK rec. | ofld RTOs | ofld TLPs |" +
           (f" Linux {a.linux_ref} Gbit/s |" if a.linux_ref else ""),
           "|---:" * (15 if a.linux_ref else 14) + "|"]
    for r in rows:
        lx, of = r["linux"], r["ofld"]
        ratio = of["gbps"] / lx["gbps"] if lx["gbps"] > 0 else float("nan")
        seen = max(lx["data_segments"], 1)
        ref = f" {r['linux_ref']['gbps']:.2f} |" if "linux_ref" in r else ""
        out.append(
            f"| {r['rate_pct']:g}% | {lx['gbps']:.2f} | {of['gbps']:.2f} | "
            f"{ratio:.2f}x | {lx['cores']:.2f} | {of['cores']:.2f} | "
            f"{100 * lx['dropped'] / seen:.2f}% | {lx['retrans']} | "
            f"{lx['sack_recoveries']} | {lx['rtos']} | {of['retrans']} | "
            f"{of['sack_recoveries']} | {of['rtos']} | {of['tlps']} |" + ref)
    return out


# ---- paced, with delay: against the link and against Mathis ---------------

def bound(cc, rtt_s, p):
    """Goodput one connection keeps on average, bit/s, at loss rate p and
    round-trip time rtt_s (deterministic loss model, no timeouts):
      Reno (Mathis et al. 1997): MSS/RTT x sqrt(3/2) / sqrt(p);
      CUBIC (RFC 9438 5.1, C = 0.4, beta = 0.7): the window averages
      (C (3 + beta) / (4 (1 - beta)))^(1/4) x (RTT/p)^(3/4) = 1.054 x
      (RTT/p)^(3/4) segments (RTT in seconds), but never less than Reno's
      (the Reno-friendly region, RFC 9438 4.3, whose alpha makes its
      average Reno's). The 1.17 of Ha, Rhee and Xu (2008) is the same
      formula with their beta = 0.8."""
    seg = MSS * 8 / rtt_s
    reno = seg * math.sqrt(1.5) / math.sqrt(p)
    if cc != "cubic":
        return reno
    c, beta = 0.4, 0.7
    w = (c * (3 + beta) / (4 * (1 - beta))) ** 0.25 * (rtt_s / p) ** 0.75
    return max(reno, seg * w)


def paced_args(conns, delay_us):
    """Window and requests for the bandwidth-delay product of 10 Gbit/s."""
    if delay_us == 0:
        return []
    per_conn = 10e9 * 2 * delay_us / 1e6 / 8 / conns
    wnd = 1 << max(22, math.ceil(math.log2(2 * per_conn)))
    return ["--delay", str(delay_us), "--rcv-wnd", str(wnd),
            "--depth", str(max(4, wnd // 262144))]


def paced(a, loss=0.01, conns=4):
    rows = []
    for delay in (0, 1000, 10000):
        for cc in ("newreno", "cubic"):
            d = ofld_run(a.build, a.seconds,
                         ["--speed", "10000", "--conns", str(conns),
                          "--loss", str(loss), "--seed", str(SEED),
                          "--cc", cc] + paced_args(conns, delay))
            b = bound(cc, 2 * delay / 1e6, loss) * conns / 1e9 \
                if delay else None
            bs = bound(cc, d["srtt_us"] / 1e6, loss) * conns / 1e9 \
                if d["srtt_us"] > 0 else None    # 0: no connection left
            rows.append({"delay_us": delay, "cc": cc, "loss": loss,
                         "conns": conns, "gbps": d["goodput_gbps"],
                         "ceiling_gbps": d["max_goodput_gbps"],
                         "bound_gbps": b, "bound_srtt_gbps": bs,
                         "srtt_us": d["srtt_us"],
                         "xstats": d["sender_xstats"]})
            print(f"  paced, delay {delay} us, {cc}: "
                  f"{d['goodput_gbps']:.3f} Gbit/s", file=sys.stderr,
                  flush=True)
    return rows


def bound_cells(gbps, b):
    return f"{b:.3f} | {100 * gbps / b:.0f}% | " if b else "- | - | "


def paced_md(rows, seconds):
    out = [f"10 Gbit/s link, 4 connections, 1% loss, {seconds:g} s per "
           "run. Bound: the Mathis bound for the CC (CUBIC: RFC 9438's "
           "response function, at least Reno's) times 4 connections, at "
           "most the ceiling; at the base RTT (2 x delay) and at the "
           "senders' smoothed RTT at the end of the run.", "",
           "| delay (one way) | CC | goodput Gbit/s | ceiling | of the "
           "ceiling | bound, base RTT | of it | srtt ms | bound, srtt | "
           "of it | retrans | SACK rec. | RTOs |", "|---:" * 13 + "|"]
    for r in rows:
        x, ceil = r["xstats"], r["ceiling_gbps"]
        b = min(r["bound_gbps"], ceil) if r["bound_gbps"] else None
        bs = min(r["bound_srtt_gbps"], ceil) \
            if r["bound_srtt_gbps"] else None
        out.append(
            f"| {r['delay_us']} us | {r['cc']} | {r['gbps']:.3f} | "
            f"{ceil:.3f} | {100 * r['gbps'] / ceil:.1f}% | " +
            bound_cells(r["gbps"], b) + f"{r['srtt_us'] / 1e3:.3f} | " +
            bound_cells(r["gbps"], bs) + f"{x['retrans_segs']} | "
            f"{x['sack_recoveries']} | {x['rto_fired']} |")
    return out


# ---- main -----------------------------------------------------------------

def options():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("build", help="the build directory (apps/ofld-perf)")
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--rates", default="0.1,1,2,5",
                   help="loss rates in percent, comma-separated")
    p.add_argument("--cc", choices=("cubic", "newreno"), default="cubic",
                   help="congestion control of both stacks in the table")
    p.add_argument("--linux-ref", metavar="CC",
                   help="also Linux with this congestion control (e.g. "
                   "bbr), as a reference column")
    p.add_argument("--ack-loss", action="store_true",
                   help="Linux: drop ACKs too, at the same rate")
    p.add_argument("--paced", action="store_true",
                   help="also ofld at 10 Gbit/s, 4 connections, 1%% loss, "
                   "with delays")
    p.add_argument("--json", metavar="FILE", help="write the results here")
    a = p.parse_args()
    a.rates = [float(x) for x in a.rates.split(",") if x]
    return a


def main():
    a = options()
    if os.geteuid() != 0:
        sys.exit("loss_table: run as root (it makes network namespaces)")
    missing = missing_packages()
    if missing:
        sys.exit("loss_table: missing tools; install the Debian packages: "
                 "apt-get install " + " ".join(missing))
    idle = run_measured(["sleep", "1"], 0.8, timeout=10)[1]
    report = [f"# Loss: ofld against Linux ({time.strftime('%Y-%m-%d %H:%M')}"
              f", {os.cpu_count()} cores, {idle:.2f} cores busy before the "
              "runs)", ""]
    results = {"background_cores": idle, "seconds": a.seconds, "cc": a.cc}
    try:
        ns_setup()
        results["loss_table"] = loss_table(a)
    finally:
        ns_teardown()
    report += loss_table_md(results["loss_table"], a)
    if a.paced:
        results["paced"] = paced(a)
        report += ["", "## Paced, with delay", ""] + \
            paced_md(results["paced"], a.seconds)
    print("\n".join(report))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
