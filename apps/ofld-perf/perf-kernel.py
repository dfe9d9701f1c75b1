#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""ofld-perf with the Linux kernel as the peer, in one command (as root).

  perf-kernel.py [--lower L] [--ofld-args KV] [--sha256] [--lcores SPEC]
                 [--cc NAME] OFLD_PERF [ofld-perf options]

makes a network namespace of its own (ofldperf<pid>), runs in it
kernel-peer.py (the sink for --direction send, the source for --direction
recv) and OFLD_PERF --peer kernel with EAL options
  --vdev LOWER
  --vdev net_ofld0,lower=NAME,ip=198.18.1.2/24,ip6=2001:2::2/64[,KV]
and -l 0 (-l 0,1 with --engine service; --lcores SPEC instead: EAL's
--lcores=SPEC), and always deletes the namespace. LOWER by --lower
(kernel_lower.py): net_af_xdp0,iface=ofldva on a veth pair whose other
end, ofldvb, is the kernel's (the default, auto), net_af_packet0 on the
same pair where the kernel refuses AF_XDP, or net_tap0,iface=ofldtap0;
with --queues N, N queues on the lower and the veth. ofld-perf's output
is passed through; the kernel peer's totals follow (with --json: one JSON
object, ofld-perf's with "kernel_peer" and "lower" members). Exit status:
0 when both ends succeeded and agree on the byte count, 1 when not, 77
when it cannot run here (not root, no network namespaces).
"""
import argparse
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import kernel_lower  # noqa: E402
PEER = os.path.join(HERE, "kernel-peer.py")
PY = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else \
    sys.executable


def remove_runtime_dir(prefix):
    """EAL's runtime directory of our ofld-perf (--no-shconf: empty),
    which EAL leaves behind; once ofld-perf has exited."""
    base = "/var/run" if os.geteuid() == 0 else \
        os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    shutil.rmtree(os.path.join(base, "dpdk", prefix), ignore_errors=True)


def ofld_perf_opts(opts):
    """The ofld-perf options the kernel peer has to follow."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--direction", default="send")
    p.add_argument("--conns", type=int, default=4)
    p.add_argument("--bytes", type=int)
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--ipv6", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--engine", default="inline")
    p.add_argument("--queues", type=int, default=1)
    return p.parse_known_args(opts)[0]


def main():
    ap = argparse.ArgumentParser(
        description="ofld-perf --peer kernel in a network namespace of its "
        "own", epilog="e.g. perf-kernel.py build/apps/ofld-perf "
        "--direction recv --conns 4 --seconds 5")
    ap.add_argument("--ofld-args", default="",
                    help="more net_ofld device arguments, e.g. speed=1000 "
                    "or loss=0.01,seed=7")
    ap.add_argument("--sha256", action="store_true",
                    help="the kernel peer reports each connection's sha256")
    ap.add_argument("--cc", metavar="NAME",
                    help="the kernel peer's congestion control (cubic, "
                    "bbr, reno; default: the system's)")
    ap.add_argument("--lcores", metavar="SPEC",
                    help="ofld-perf's lcores as EAL --lcores=SPEC (default "
                    "-l 0, or -l 0,1 with --engine service)")
    ap.add_argument("--lower", choices=kernel_lower.CHOICES,
                    default="auto",
                    help="the port under net_ofld: af_xdp or af_packet on "
                    "a veth pair whose other end is the kernel's, or "
                    "tap (net_tap); auto (the default): af_xdp, else "
                    "af_packet where AF_XDP is refused")
    ap.add_argument("ofld_perf", help="the ofld-perf binary")
    ap.add_argument("opts", nargs=argparse.REMAINDER,
                    help="ofld-perf options (after the binary)")
    a = ap.parse_args()
    if a.cc:
        try:
            with socket.socket() as probe:
                probe.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION,
                                 a.cc.encode())
        except OSError as e:
            print(f"perf-kernel.py: --cc {a.cc}: {e.strerror}",
                  file=sys.stderr)
            return 2
    o = ofld_perf_opts(a.opts)
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("perf-kernel.py: needs root and ip(8) (network namespaces)",
              file=sys.stderr)
        return 77
    if o.direction not in ("send", "recv"):
        print("perf-kernel.py: --direction send or recv", file=sys.stderr)
        return 2

    ns = f"ofldperf{os.getpid()}"
    if subprocess.run(["ip", "netns", "add", ns]).returncode != 0:
        print("perf-kernel.py: cannot create a network namespace here",
              file=sys.stderr)
        return 77
    signal.signal(signal.SIGTERM, lambda s, f: sys.exit(1))
    procs = []
    try:
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"],
                       check=True)
        lname, vdev, veth, why = kernel_lower.choose(a.lower, o.queues)
        if why:
            print(f"perf-kernel.py: lower {lname}: {why}", file=sys.stderr)
        env = dict(os.environ)
        if veth:
            try:
                kernel_lower.veth_pair(ns, o.queues)
            except RuntimeError as e:
                print(f"perf-kernel.py: {e}", file=sys.stderr)
                return 1
            env["OFLD_KTAP_IFACE"] = kernel_lower.KERNEL_VETH
        in_ns = ["ip", "netns", "exec", ns]
        peer = [PY, PEER]
        if o.direction == "send":
            peer += ["sink", "--conns", str(o.conns)]
        else:
            peer += ["source", "--conns", str(o.conns)]
            peer += ["--bytes", str(o.bytes)] if o.bytes else \
                ["--seconds", str(o.seconds)]
            peer += ["--ipv6"] if o.ipv6 else []
        peer += ["--sha256"] if a.sha256 else []
        peer += ["--cc", a.cc] if a.cc else []
        service = o.engine == "service"
        # net_ofld's addresses: the kernel and the port learn each other
        # by ARP/ND (no neighbour entry by hand)
        devargs = ",".join(x for x in (
            "lower=" + kernel_lower.lower_name(vdev),
            "ip=198.18.1.2/24,ip6=2001:2::2/64",
            "engine=service" if service else "",
            a.ofld_args) if x)
        lcores = [f"--lcores={a.lcores}"] if a.lcores else \
            ["-l", "0,1" if service else "0"]
        perf = [a.ofld_perf, "--no-huge", "-m", "2048", "--no-pci",
                "--no-shconf", f"--file-prefix=ofldperf{os.getpid()}"] + \
            lcores + [
                "--vdev", vdev,
                "--vdev", "net_ofld0," + devargs,
                "--log-level=pmd.net.tap:error", "--log-level=eal:warning",
                "--", "--peer", "kernel"] + a.opts

        kp = subprocess.Popen(in_ns + peer, stdout=subprocess.PIPE,
                              text=True)
        procs.append(kp)
        if o.direction == "send":
            # the sink says LISTENING once its socket listens (60 s)
            ready, _, _ = select.select([kp.stdout], [], [], 60)
            line = kp.stdout.readline() if ready else ""
            if line.strip() != "LISTENING":
                print("perf-kernel.py: the kernel sink did not start "
                      "(no LISTENING within 60 s)", file=sys.stderr)
                return 1
        pp = subprocess.Popen(in_ns + perf, stdout=subprocess.PIPE,
                              text=True, env=env)
        procs.append(pp)
        perf_out = []
        for line in pp.stdout:          # progress lines as they come
            perf_out.append(line)
            if not o.json:
                sys.stdout.write(line)
                sys.stdout.flush()
        prc = pp.wait()
        try:
            kout, _ = kp.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            kp.send_signal(signal.SIGTERM)
            kout, _ = kp.communicate(timeout=15)
        peer_rc = kp.returncode
        rows = [json.loads(x) for x in kout.splitlines()
                if x.startswith("{")]
        summ = next((r for r in rows if r.get("summary")), {})
        conns = [r for r in rows if not r.get("summary")]

        perf_json = None
        if o.json:
            text = "".join(perf_out).strip()
            try:
                perf_json = json.loads(text.splitlines()[-1])
            except (ValueError, IndexError):
                sys.stdout.write(text + "\n")
        # both ends agree on what went over
        ours = None
        if perf_json is not None:
            ours = perf_json.get("bytes_received")
        else:
            for line in perf_out:
                if line.strip().startswith(("acknowledged by the kernel",
                                            "received and checked")):
                    ours = int(re.search(r" (\d+) B", line).group(1))
        agree = ours is not None and ours == summ.get("bytes")
        ok = prc == 0 and peer_rc == 0 and agree
        if perf_json is not None:
            perf_json["lower"] = lname
            perf_json["kernel_peer"] = dict(summ, connections_detail=conns,
                                            agrees=agree)
            perf_json["ok"] = ok
            print(json.dumps(perf_json))
        else:
            what = "read and checked" if o.direction == "send" else "sent"
            print(f"  {'kernel peer':<28} {summ.get('bytes', 0):>10} B "
                  f"{what} on {summ.get('connections', 0)} connection(s)"
                  + (f", {summ.get('bad')} bad" if 'bad' in summ else "")
                  + ("" if agree else
                     f"  MISMATCH: ofld-perf counted {ours}"))
            for r in conns if a.sha256 else []:
                print(f"  {'  connection ' + str(r['conn']):<28} "
                      f"{r['bytes']:>10} B sha256 {r.get('sha256')}")
        if not ok:
            print(f"perf-kernel.py: ofld-perf exit {prc}, kernel peer exit "
                  f"{peer_rc}, byte counts {'agree' if agree else 'differ'}",
                  file=sys.stderr)
        return 0 if ok else 1
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        subprocess.run(["ip", "netns", "del", ns])
        remove_runtime_dir(f"ofldperf{os.getpid()}")


if __name__ == "__main__":
    sys.exit(main())
