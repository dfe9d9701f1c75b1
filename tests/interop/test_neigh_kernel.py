#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Addresses and neighbours against the Linux kernel (N1, W3).

In a network namespace this test makes, Debian's dpdk-testpmd runs
net_ofld (ip=198.18.1.2/24, ip6=2001:2::2/64) stacked on net_tap, receive
only; the namespace's kernel has 198.18.1.1/24 and 2001:2::1/64 on the tap
and no neighbour entry given by hand. A kernel socket connects to each of
our addresses. Checked:
  - the kernel learned our MAC by ARP and by neighbour discovery (its
    entries hold our MAC, are not permanent);
  - tshark, on a capture of the tap, finds our ARP reply (to the kernel,
    our MAC and address) and our NA (checksum good, S and O set, hop
    limit 255, our MAC as target link-layer address), with no expert
    warning on either (when tshark is given);
  - /ofld/neigh (DPDK telemetry) lists the kernel's two addresses with the
    kernel's MAC, learned from its questions;
  - the neigh_* xstats (through telemetry's /ethdev/xstats) count one ARP
    request and one solicitation answered, the announcements, 2 entries.
Needs root and network namespaces, else skipped (exit 77). Every wait has
a condition and a deadline (tests/common/ofld_proc.py).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "testpmd"))
from ofld_eal import remove_runtime_dir  # noqa: E402
from ofld_lcores import eal_lcores  # noqa: E402
from ofld_proc import Proc, WaitError, wait_until  # noqa: E402
from testpmd_session import loadable_plugin  # noqa: E402

NS = f"ofldn{os.getpid()}"
TAP = "ofldn0"
PREFIX = f"ofldn{os.getpid()}"
checks = []
TMP = [None]
TSHARK = []


def check(name, cond, detail=""):
    checks.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name +
          (f" ({detail})" if detail else ""), flush=True)


def in_ns(*cmd):
    return ["ip", "netns", "exec", NS] + list(cmd)


def sh(*cmd, input=None):
    return subprocess.run(list(cmd), capture_output=True, text=True,
                          input=input, timeout=60)


def kernel_neigh(addr):
    """The kernel's entry for addr on the tap: (lladdr, state) or None."""
    r = sh("ip", "-n", NS, "neigh", "show", addr, "dev", TAP)
    words = r.stdout.split()
    if "lladdr" not in words:
        return None
    return words[words.index("lladdr") + 1], words[-1]


def telemetry(tel, *cmds):
    """The JSON answers of dpdk-telemetry.py to cmds, merged."""
    r = subprocess.run(in_ns(sys.executable, tel, "-f", PREFIX),
                       input="".join(c + "\n" for c in cmds),
                       capture_output=True, text=True, timeout=60)
    out = {}
    for line in r.stdout.splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.update(json.loads(line))
    return out


def connect(addr, v6):
    """A kernel socket's connect to addr (nobody answers the SYN: the
    question for our MAC is what counts)."""
    fam = "socket.AF_INET6" if v6 else "socket.AF_INET"
    sh(*in_ns(sys.executable, "-c",
              f"import socket; s = socket.socket({fam}); "
              f"s.settimeout(1); s.connect_ex(('{addr}', 9))"))


def run(testpmd, so, tel, tshark):
    # line-buffered: testpmd's stdout is a pipe here
    argv = in_ns("stdbuf", "-oL", testpmd, eal_lcores(2), "--no-huge", "-m", "1024",
                 "--no-pci", "--file-prefix", PREFIX, "-d", so,
                 "--vdev", f"net_tap0,iface={TAP}",
                 "--vdev", "net_ofld0,lower=net_tap0,ip=198.18.1.2/24,"
                 "ip6=2001:2::2/64",
                 "--log-level=pmd.net.tap:error", "--",
                 "--total-num-mbufs=16384", "--forward-mode=rxonly",
                 "--auto-start")
    env = dict(os.environ)
    if env.get("OFLD_TEST_PRELOAD"):
        # a sanitizer build: testpmd is not instrumented, our plugin is
        env["LD_PRELOAD"] = env["OFLD_TEST_PRELOAD"]
    tp = Proc(argv, "testpmd", stdin=subprocess.PIPE, env=env)
    try:
        tp.expect("Press enter to exit", 60, "testpmd forwarding")
        ofld_mac = open_mac()
        # the kernel's end of the tap has our MAC (net_ofld passes it
        # down): give it its own, then addresses
        kmac = "02:6b:66:6c:00:01" if ofld_mac != "02:6b:66:6c:00:01" \
            else "02:6b:66:6c:00:02"
        for cmd in (["link", "set", TAP, "address", kmac],
                    ["link", "set", TAP, "up"],
                    ["addr", "add", "198.18.1.1/24", "dev", TAP],
                    ["-6", "addr", "add", "2001:2::1/64", "dev", TAP,
                     "nodad"]):
            r = sh("ip", "-n", NS, *cmd)
            if r.returncode != 0:
                raise WaitError(f"ip {' '.join(cmd)}: {r.stderr}")
        cap = capture_start(tshark)
        for addr, v6 in (("198.18.1.2", False), ("2001:2::2", True)):
            connect(addr, v6)
            wait_until(lambda: kernel_neigh(addr) is not None and
                       kernel_neigh(addr)[0] == ofld_mac, 10,
                       f"the kernel's entry for {addr} with our MAC")
            n = kernel_neigh(addr)
            check(f"the kernel learned {addr} by "
                  f"{'ND' if v6 else 'ARP'}: our MAC, not permanent",
                  n[0] == ofld_mac and n[1] != "PERMANENT", str(n))
        if cap:
            capture_check(tshark, cap, ofld_mac)
        t = telemetry(tel, "/ofld/neigh,1", "/ethdev/xstats,1")
        entries = t.get("/ofld/neigh", [])
        for addr in ("198.18.1.1", "2001:2::1"):
            e = [x for x in entries if x.split()[0] == addr]
            check(f"/ofld/neigh lists {addr} with the kernel's MAC",
                  len(e) == 1 and e[0].split()[1].lower() == kmac and
                  e[0].split()[2] in ("stale", "reachable"), str(entries))
        x = t.get("/ethdev/xstats", {})
        check("xstats: one ARP request and one NS answered, announced, "
              "2 entries", x.get("neigh_arp_answered", 0) >= 1 and
              x.get("neigh_ns_answered", 0) >= 1 and
              x.get("neigh_announced") == 2 and
              x.get("neigh_entries") == 2 and
              x.get("neigh_arp_bad") == 0 and x.get("neigh_nd_bad") == 0,
              str({k: v for k, v in x.items() if k.startswith("neigh")}))
    finally:
        tp.proc.stdin.close()       # testpmd: "Press enter to exit"
        try:
            tp.finish(60, "testpmd to exit")
        except WaitError as e:
            check("testpmd exits", False, str(e))


def tshark_fields(tshark, cap, flt, *fields):
    r = sh(tshark, "-r", cap, "-Y", flt, "-T", "fields", "-E",
           "separator=;", *sum((["-e", f] for f in fields), []))
    return [ln.split(";") for ln in r.stdout.splitlines() if ln]


def capture_start(tshark):
    """tshark on the tap (ARP and ICMPv6), once it captures; the file."""
    if not tshark:
        return None
    cap = os.path.join(TMP[0], "neigh.pcapng")
    # "Capture started" (Main domain, info) once dumpcap has the file
    p = Proc(in_ns(tshark, "-q", "-i", TAP, "-w", cap, "-f",
                   "arp or icmp6", "--log-level", "info",
                   "--log-domains", "Main"), "tshark")
    TSHARK.append(p)
    p.expect("Capture started", 120, "tshark to capture on the tap",
             stream="err")
    return cap


def capture_check(tshark, cap, ofld_mac):
    """Stop tshark once the file holds our ARP reply and NA, then check
    them field by field."""
    def both():
        return (tshark_fields(tshark, cap, "arp.opcode == 2", "frame.number")
                and tshark_fields(tshark, cap, "icmpv6.type == 136",
                                  "frame.number"))
    wait_until(both, 30, "our ARP reply and NA in the capture")
    TSHARK[0].stop()
    arp = tshark_fields(tshark, cap, "arp.opcode == 2", "arp.src.hw_mac",
                        "arp.src.proto_ipv4", "arp.dst.proto_ipv4",
                        "frame.len", "_ws.expert")
    check("capture: our ARP reply (our MAC and address, to the kernel, "
          "60 bytes, no expert note)", any(
              a[0] == ofld_mac and a[1] == "198.18.1.2" and
              a[2] == "198.18.1.1" and a[3] == "60" and a[4] == ""
              for a in arp), str(arp))
    na = tshark_fields(tshark, cap, f"icmpv6.type == 136 && eth.src == "
                       f"{ofld_mac}", "icmpv6.checksum.status",
                       "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.o",
                       "ipv6.hlim", "icmpv6.opt.linkaddr", "ipv6.src",
                       "_ws.expert")
    check("capture: our NA (checksum good, S and O, hop limit 255, our "
          "MAC as option, no expert note)", any(
              n[0] == "1" and n[1] in ("1", "True") and
              n[2] in ("1", "True") and n[3] == "255" and
              n[4] == ofld_mac and n[5] == "2001:2::2" and n[6] == ""
              for n in na), str(na))


def open_mac():
    """net_ofld's MAC: the tap's, as net_ofld gave it (wait for it)."""
    path = f"/sys/class/net/{TAP}/address"
    mac = []

    def got():
        r = sh(*in_ns("cat", path))
        if r.returncode == 0 and r.stdout.strip():
            mac[:] = [r.stdout.strip()]
            return True
        return False
    wait_until(got, 30, f"the tap {TAP} in the namespace")
    return mac[0]


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("SKIP: needs root and iproute2 (network namespaces)")
        return 77
    testpmd, so, tel = sys.argv[1], sys.argv[2], sys.argv[3]
    tshark = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None
    if sh("ip", "netns", "add", NS).returncode != 0:
        print("SKIP: cannot create a network namespace here")
        return 77
    so, plugin_dir = loadable_plugin(so)
    try:
        sh("ip", "-n", NS, "link", "set", "lo", "up")
        TMP[0] = tempfile.mkdtemp(prefix="ofld-neigh-")
        run(testpmd, so, tel, tshark)
    except WaitError as e:
        check("set-up and waits", False, str(e))
    finally:
        for p in TSHARK:
            p.stop()
        sh("ip", "netns", "del", NS)
        remove_runtime_dir(PREFIX)
        if TMP[0]:
            shutil.rmtree(TMP[0], ignore_errors=True)
        if plugin_dir:
            shutil.rmtree(plugin_dir, ignore_errors=True)
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed or not checks else 0


if __name__ == "__main__":
    sys.exit(main())
