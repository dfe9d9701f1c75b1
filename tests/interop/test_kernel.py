#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Linux kernel as a real TCP peer (issue 6).

In a network namespace this test makes, net_ofld runs stacked on a lower
port (tests/interop/kpeer.c) and the namespace's kernel TCP talks to it
(198.18.1.0/24, 2001:2::/64). The lower, by `--lower L`
(apps/ofld-perf/kernel_lower.py): tap (net_tap; the kernel on the tap
interface), af_xdp or af_packet on a veth pair (the kernel on its other
end, ofldvb), or auto (af_xdp, af_packet where AF_XDP is refused). Over
af_xdp, which sends one-segment frames only, the engine's chained
segments are copied into one (N3: its `linearized` xstat moves, nothing
is dropped for it); over the others nothing is copied. No neighbour entry is
added by hand: net_ofld has its addresses as device arguments, answers
the kernel's ARP and neighbour solicitations and resolves the kernel's
MAC for its connects (N1). Checked:
  - ofld sends 256 MiB in requests of mixed sizes to a kernel socket, IPv4
    and IPv6: the kernel's sha256 of what it read is ours; every request
    completes once, in order; the same with 1% loss and with reordering on
    our cable; with the loss, our engine recovers by SACK (its
    sack_recoveries move, its RTOs stay at most 1 per 20 of them);
  - the kernel sends 256 MiB to an ofld connection: every byte arrives;
  - the same with 1% loss both ways (issue 13): the kernel's sender sits in
    a second namespace routed through the first, where nftables drops 1%
    of its data segments at random on the way to the tap (a drop the
    sender cannot see; one on its own output path it would), and our
    cable loses 1% of our ACKs (loss= faults hit what net_ofld sends):
    every byte arrives, and the kernel recovers by SACK (TcpExt
    TCPSackRecovery moves, TCPTimeouts stays at most 2 per 256 MiB; needs
    nftables and ethtool, else said and skipped);
  - a capture of the kernel's interface (tshark in the namespace) shows no
    bad checksum,
    no segment acked unseen, no window violation, SYN options both ways;
  - the kernel resetting the connection mid-transfer completes our pending
    requests with ABORTED_BY_PEER (T9).
Needs root and network namespaces: without them the test says so and is
skipped (exit 77).

Every wait has a condition and a deadline (tests/common/ofld_proc.py):
the capture starts once kpeer says READY (port started, tap up and
configured), kpeer connects once tshark says it captures, and tshark is
stopped once the capture file holds both FINs of the connection. Each
check line says how long the test had run by then.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from array import array

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from ofld_proc import Proc, WaitError, wait_until  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "apps", "ofld-perf"))
import kernel_lower  # noqa: E402

REGION = 4 << 20
TOTAL = int(os.environ.get("OFLD_KERNEL_TEST_MIB", "256")) << 20
NS = f"ofldk{os.getpid()}"
# kernel -> ofld with loss: the kernel's sender in SND_NS, routed through NS
SND_NS = f"ofldks{os.getpid()}"
RT_IP, SND_IP = "198.18.6.1", "198.18.6.2"
NFT_TABLE = "ofldkloss"
RTO_MAX = 2 * max(1, TOTAL >> 28)    # kernel's timeouts: 2 per 256 MiB
# ofld's: 1 per 20 SACK recoveries. Its minimum RTO (10 ms) is far below
# Linux's 200 ms, and over the tap (ACKs delayed while the kernel and kpeer
# share the cores) it fired 0-15 times per 256 MiB in 16 runs on a busy
# machine, and 40 times (2.5% of its recoveries, 34 undone as spurious)
# at a load average of 6
OFLD_RTO_PER_RECOVERY = 0.05
KERNEL_LOSS_COUNTERS = (
    "TcpRetransSegs", "TcpExtTCPSackRecovery", "TcpExtTCPTimeouts",
    "TcpExtTCPLossProbes", "TcpExtTCPLossProbeRecovery",
    "TcpExtTCPSpuriousRTOs", "TcpExtTCPSACKReorder", "TcpExtTCPDSACKRecv")
KERNEL_RCV_COUNTERS = (
    "TcpExtTCPOFOQueue", "TcpExtTCPDSACKOldSent", "TcpExtTCPDSACKOfoSent",
    "TcpExtTCPSACKReneging")
checks = []
T0 = time.monotonic()
# the lower port: (name, --vdev, on a veth pair, why not the one asked)
LOWER = kernel_lower.choose("tap")


def check(name, cond, detail=""):
    checks.append(bool(cond))
    print(("ok   " if cond else "FAIL ") + name +
          (f" ({detail})" if detail else "") +
          f" [{time.monotonic() - T0:.1f} s]", flush=True)


def region():
    w = array("Q", ((i * 0x9e3779b97f4a7c15) & (2**64 - 1)
                    for i in range(REGION // 8)))
    if sys.byteorder != "little":
        w.byteswap()
    return w.tobytes()


def stream_sha(reg, n):
    h = hashlib.sha256()
    full, rest = divmod(n, REGION)
    for _ in range(full):
        h.update(reg)
    h.update(reg[:rest])
    return h.hexdigest()


SERVER = r"""
import hashlib, socket, struct, sys
fam = socket.AF_INET6 if sys.argv[1] == "v6" else socket.AF_INET
limit = int(sys.argv[2])   # reset after this many bytes (0: never)
s = socket.socket(fam, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::" if fam == socket.AF_INET6 else "0.0.0.0", 5201))
s.listen(1)
print("LISTENING", flush=True)
c, peer = s.accept()
print("ACCEPTED", peer, flush=True)
h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 20)
    if not b:
        break
    h.update(b); n += len(b)
    if limit and n >= limit:
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     struct.pack("ii", 1, 0))
        break
c.close()
print("KERNEL", n, h.hexdigest(), flush=True)
"""

CLIENT = r"""
import socket, sys
from array import array
fam = socket.AF_INET6 if sys.argv[1] == "v6" else socket.AF_INET
dst = "2001:2::2" if fam == socket.AF_INET6 else "198.18.1.2"
total = int(sys.argv[2])
cc = sys.argv[3] if len(sys.argv) > 3 else ""   # congestion control
w = array("Q", ((i * 0x9e3779b97f4a7c15) & (2**64 - 1)
               for i in range((4 << 20) // 8)))
if sys.byteorder != "little":
    w.byteswap()
reg = w.tobytes()
c = socket.socket(fam, socket.SOCK_STREAM)
c.settimeout(60)
if cc:
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
c.connect((dst, 5201))
sent = 0
while sent < total:
    off = sent % len(reg)
    chunk = reg[off:off + min(len(reg) - off, total - sent, 1 << 20)]
    c.sendall(chunk)
    sent += len(chunk)
c.shutdown(socket.SHUT_WR)
c.recv(1)
c.close()
print("KERNEL sent", sent, flush=True)
"""


def sh(*cmd, timeout=300, input=None):
    """Run a command to its end (timeout seconds at most, then say so)."""
    try:
        return subprocess.run(list(cmd), capture_output=True, text=True,
                              timeout=timeout, input=input)
    except subprocess.TimeoutExpired:
        msg = f"gave up after {timeout} s waiting for: {' '.join(cmd)}"
        print(f"     {msg}", flush=True)
        return subprocess.CompletedProcess(list(cmd), -1, "", msg)


def in_ns(*cmd, ns=None):
    return ["ip", "netns", "exec", ns or NS] + list(cmd)


def kernel_counters(ns=None):
    """The namespace's Tcp and TcpExt counters, e.g. 'TcpExtTCPTimeouts'."""
    out = {}
    for path in ("/proc/net/snmp", "/proc/net/netstat"):
        lines = sh(*in_ns("cat", path, ns=ns)).stdout.splitlines()
        for head, vals in zip(lines[::2], lines[1::2]):
            kind, names = head.split(":", 1)
            for n, v in zip(names.split(), vals.split(":", 1)[1].split()):
                out[kind + n] = int(v)
    return out


def moved(before, after, names):
    return {n: after.get(n, 0) - before.get(n, 0) for n in names}


def kernel_iface():
    """The kernel's interface: the tap, or its end of the veth pair."""
    return kernel_lower.KERNEL_VETH if LOWER[2] else "ofldtap0"


def kpeer_env(faults, go_file=None, lport=None):
    env = dict(os.environ)
    env["OFLD_KPEER_LOWER"] = LOWER[1]
    if LOWER[2]:
        env["OFLD_KTAP_IFACE"] = kernel_lower.KERNEL_VETH
    if lport:
        env["OFLD_KPEER_LPORT"] = str(lport)
    if faults:
        env["OFLD_KPEER_OFLD_ARGS"] = faults
    if go_file:
        env["OFLD_KPEER_GO"] = go_file   # kpeer waits for it to exist
    return env


def result(out):
    for line in out.splitlines():
        if line.startswith("RESULT"):
            return dict(kv.split("=") for kv in line.split()[1:])
    return {}


def capture_ended(tshark, capture, lport):
    """Both FINs of the connection are in the capture file (dumpcap
    writes it out as it goes)."""
    r = sh(tshark, "-r", capture, "-Y", "tcp.flags.fin == 1", "-T",
           "fields", "-e", "tcp.srcport", timeout=60)
    return {"5201", str(lport)} <= set(r.stdout.split())


# Each sending run connects from a port of its own: a kernel socket that
# one run leaves behind (its last ACK lost to the faults on our cable)
# cannot meet the next run's SYN. (ofld now answers the challenge ACK such
# a socket sends to a SYN with a RST, RFC 9293 3.10.7.3, and retries, but
# that costs the run its SYN retransmission timeout.)
next_lport = [40000]


def run_send(kpeer, reg, v6=False, faults=None, reset_after=0, capture=None,
             tshark=None):
    """kpeer sends to the kernel's listener; returns (kpeer's exit code or
    -1 when a wait failed, its RESULT, bytes the kernel read, their sha256,
    what went wrong or tshark said, kpeer's port)."""
    procs, note = [], ""
    lport = next_lport[0]
    next_lport[0] += 1
    rc, r, kout = -1, {}, ""
    try:
        srv = Proc(in_ns("/usr/bin/python3", "-c", SERVER,
                         "v6" if v6 else "v4", str(reset_after)),
                   "the kernel's listener")
        procs.append(srv)
        srv.expect("LISTENING", 60, "the kernel to listen on port 5201")
        args = [kpeer, "send", str(TOTAL if not capture else 16 << 20)]
        args += ["v6"] if v6 else []
        args += ["abort-ok"] if reset_after else []
        p = Proc(in_ns(*args), "kpeer",
                 env=kpeer_env(faults, capture + ".go" if capture else None,
                               lport))
        procs.append(p)
        tsh = None
        if capture:
            # the tap is up and configured once kpeer says READY
            p.expect("READY", 120, "kpeer's port started and tap up")
            # a kernel buffer (-B, MiB) that holds the whole capture
            # (16 MiB sent, some 12,000 frames): nothing is dropped even
            # if dumpcap gets no CPU while kpeer sends
            # Wireshark 4.2 logs "Capture started" at level info (4.0: at
            # message, shown by default): ask for info, Main domain only
            tsh = Proc(in_ns("tshark", "-q", "-i", kernel_iface(), "-B", "64",
                             "-w", capture, "-f", "tcp port 5201",
                             "--log-level", "info", "--log-domains", "Main"),
                       "tshark")
            procs.append(tsh)
            # kpeer connects once tshark captures (a loaded machine can
            # take seconds to start it)
            # "Capturing on" comes before tshark starts dumpcap; "Capture
            # started" once dumpcap has the interface open and the file
            tsh.expect("Capture started", 120, "tshark to capture on the "
                       "tap", stream="err")
            open(capture + ".go", "w").close()
        rc = p.finish(600, "kpeer to complete every request and close")
        r = result(p.out())
        if rc != 0:
            sys.stderr.write(p.err()[-3000:])
        srv.finish(120, "the kernel's listener to report what it read")
        kout = srv.out()
        if tsh:
            # Once the file holds the connection's end, tshark can stop
            # (the frames after the FINs are ACKs). It may stop by itself
            # when the tap goes away, but not always: when dumpcap handles
            # the tap going down before it is deleted, nothing wakes it.
            wait_until(lambda: tsh.proc.poll() is not None or
                       capture_ended(tshark, capture, lport), 60,
                       "both FINs in the capture file", interval=0.2)
            tsh.stop()
            note = " ".join(tsh.err().split())[-200:]
    except WaitError as e:
        print(f"     {e}", flush=True)
        note = str(e)
        rc = -1
    finally:
        for x in procs:
            x.stop()
    kline = [x for x in kout.splitlines() if x.startswith("KERNEL")]
    k = kline[-1].split() if kline else ["KERNEL", "0", ""]
    return rc, r, int(k[1]), k[2], note, lport


def run_recv(kpeer, v6=False, client_ns=None, faults=None, cc=""):
    """The kernel (in client_ns, default NS) sends TOTAL bytes to kpeer's
    listener; returns (kpeer's exit code or -1 when a wait failed, its
    RESULT, what the kernel's client said or what went wrong)."""
    procs = []
    if LOWER[2]:
        # the veth outlives kpeer (a tap does not): the kernel forgets
        # what it learned of us, so that it asks again (N1)
        sh(*in_ns("ip", "neigh", "flush", "dev", kernel_lower.KERNEL_VETH))
    try:
        p = Proc(in_ns(kpeer, "recv", str(TOTAL)) + (["v6"] if v6 else []),
                 "kpeer", env=kpeer_env(faults))
        procs.append(p)
        p.expect("LISTENING", 120, "kpeer to listen on port 5201")
        cl = Proc(in_ns("/usr/bin/python3", "-c", CLIENT,
                        "v6" if v6 else "v4", str(TOTAL), cc, ns=client_ns),
                  "the kernel's client")
        procs.append(cl)
        crc = cl.finish(600, "the kernel's client to send everything")
        rc = p.finish(120, "kpeer to receive every byte and the FIN")
        if rc != 0:
            sys.stderr.write(p.err()[-3000:])
        return rc, result(p.out()), f"client exit {crc}: " + \
            (cl.out() + cl.err()).strip()[-500:]
    except WaitError as e:
        print(f"     {e}", flush=True)
        return -1, {}, str(e)
    finally:
        for x in procs:
            x.stop()


def router_setup():
    """SND_NS behind NS: a veth pair, NS forwards to the tap and drops 1%
    of SND_NS's data segments at random in its forward hook. Every frame
    one segment: TSO/GSO off at the sender, GRO off where NS receives."""
    nft = "\n".join((
        f"table inet {NFT_TABLE} {{", "  chain lossy_forward {",
        "    type filter hook forward priority 0; policy accept;",
        f"    ip saddr {SND_IP} tcp dport 5201 ip length > 100 counter",
        f"    ip saddr {SND_IP} tcp dport 5201 ip length > 100 "
        "numgen random mod 100 < 1 counter drop", "  }", "}", ""))
    for cmd, ns, stdin in (
            (["ip", "netns", "add", SND_NS], None, None),
            (["ip", "link", "add", "ofldkr", "netns", NS, "type", "veth",
              "peer", "name", "ofldks", "netns", SND_NS], None, None),
            (in_ns("ip", "addr", "add", RT_IP + "/24", "dev", "ofldkr"),
             None, None),
            (in_ns("ip", "link", "set", "ofldkr", "up"), None, None),
            (in_ns("ethtool", "-K", "ofldkr", "gro", "off"), None, None),
            (in_ns("sysctl", "-qw", "net.ipv4.ip_forward=1"), None, None),
            (in_ns("nft", "-f", "-"), None, nft),
            (["ip", "addr", "add", SND_IP + "/24", "dev", "ofldks"],
             SND_NS, None),
            (["ip", "link", "set", "ofldks", "up"], SND_NS, None),
            (["ip", "link", "set", "lo", "up"], SND_NS, None),
            (["ip", "route", "add", "198.18.1.0/24", "via", RT_IP],
             SND_NS, None),
            (["ethtool", "-K", "ofldks", "tso", "off", "gso", "off"],
             SND_NS, None)):
        r = sh(*(in_ns(*cmd, ns=ns) if ns else cmd), input=stdin)
        if r.returncode != 0:
            raise RuntimeError(" ".join(cmd) + ": " + r.stderr.strip())


def nft_drops():
    """(data segments seen, dropped) by NS's forward hook."""
    d = json.loads(sh(*in_ns("nft", "-j", "list", "table", "inet",
                             NFT_TABLE)).stdout or "{}")
    counts = [x["counter"]["packets"] for item in d.get("nftables", [])
              for x in item.get("rule", {}).get("expr", [])
              if "counter" in x]
    return tuple((counts + [0, 0])[:2])


def kernel_to_ofld_lossy(kpeer):
    """Kernel -> ofld with 1% of the kernel's data segments lost on the way
    and 1% of our frames (ACKs) lost on our cable."""
    missing = [t for t in ("nft", "ethtool") if shutil.which(t) is None]
    if missing:
        print(f"SKIP kernel -> ofld with 1% loss: needs {', '.join(missing)}"
              " (Debian packages nftables, ethtool)", flush=True)
        return
    try:
        router_setup()
    except RuntimeError as e:
        check("kernel -> ofld with 1% loss: set-up", False, str(e))
        return
    before = kernel_counters(SND_NS)
    rc, r, cl = run_recv(kpeer, client_ns=SND_NS, faults="loss=0.01,seed=9",
                         cc="cubic")
    k = moved(before, kernel_counters(SND_NS), KERNEL_LOSS_COUNTERS)
    seen, dropped = nft_drops()
    check(f"IPv4: kernel -> ofld {TOTAL >> 20} MiB, 1% loss both ways, "
          "every byte", rc == 0 and r.get("received") == str(TOTAL) and
          r.get("bad") == "0", f"{r} {cl}")
    check("kernel -> ofld, 1% loss: the kernel recovers by SACK "
          f"(TCPSackRecovery moves, TCPTimeouts <= {RTO_MAX})",
          dropped > 0 and k["TcpExtTCPSackRecovery"] > 0 and
          k["TcpExtTCPTimeouts"] <= RTO_MAX,
          f"{dropped} of {seen} data segments dropped; kernel: " +
          ", ".join(f"{n.replace('TcpExt', '')} {v}" for n, v in k.items())
          + f"; ofld receiver: ooo_held {r.get('ooo_held')}, "
          f"sack_blocks_out {r.get('sack_blocks_out')}, "
          f"dsack_out {r.get('dsack_out')}")


def ofld_loss_detail(r, k):
    return (f"ofld: retrans {r.get('retrans')}, sack_recoveries "
            f"{r.get('sack_recoveries')}, fast_retrans "
            f"{r.get('fast_retrans')}, rto_fired {r.get('rto_fired')}, "
            f"tlp_sent {r.get('tlp_sent')}, spurious_undone "
            f"{r.get('spurious_undone')}, dsack_in {r.get('dsack_in')}; "
            "kernel receiver: " + ", ".join(
                f"{n.replace('TcpExt', '')} {v}" for n, v in k.items()))


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("SKIP: needs root and iproute2 (network namespaces)")
        return 77
    global LOWER
    args = sys.argv[1:]
    want_lower = "tap"
    if "--lower" in args:
        i = args.index("--lower")
        want_lower = args[i + 1]
        del args[i:i + 2]
    if want_lower not in kernel_lower.CHOICES:
        print(f"--lower {want_lower}: one of {kernel_lower.CHOICES}")
        return 2
    LOWER = kernel_lower.choose(want_lower)
    kpeer = args[0]
    tshark = args[1] if len(args) > 1 else None
    if sh("ip", "netns", "add", NS).returncode != 0:
        print("SKIP: cannot create a network namespace here")
        return 77
    sh(*in_ns("ip", "link", "set", "lo", "up"))
    print(f"lower port: {LOWER[0]} ({LOWER[1]})" +
          (f"; {LOWER[3]}" if LOWER[3] else ""), flush=True)
    if LOWER[2]:
        try:
            kernel_lower.veth_pair(NS)
        except RuntimeError as e:
            sh("ip", "netns", "del", NS)
            print(f"cannot set up the veth pair: {e}")
            return 1
    reg = region()
    want = stream_sha(reg, TOTAL)
    tmp = tempfile.mkdtemp(prefix="ofld-kernel-")
    try:
        for v6 in (False, True):
            fam = "IPv6" if v6 else "IPv4"
            rc, r, n, sha, note, _ = run_send(kpeer, reg, v6=v6)
            check(f"{fam}: ofld -> kernel {TOTAL >> 20} MiB, sha256 equal",
                  rc == 0 and n == TOTAL and sha == want,
                  f"kernel read {n}, rc {rc}, {r} {note}")
            check(f"{fam}: every request completed once, in order",
                  r.get("out_of_order") == "0" and
                  r.get("requests") == r.get("completed"))
            # N3: chained frames copied into one for af_xdp only
            lin = int(r.get("linearized", -1))
            check(f"{fam}: over {LOWER[0]}, frames copied into one segment"
                  f" {'(linearized > 0)' if LOWER[0] == 'af_xdp' else '0'}"
                  ", none dropped for it",
                  (lin > 0 if LOWER[0] == "af_xdp" else lin == 0) and
                  r.get("linear_nomem") == "0", str(r))
            # N1: connected without a MAC, no neighbour entry by hand
            sol = "neigh_ns_sent" if v6 else "neigh_arp_sent"
            check(f"{fam}: ofld resolved the kernel by "
                  f"{'ND' if v6 else 'ARP'} before its SYN",
                  int(r.get(sol, 0)) >= 1 and
                  int(r.get("neigh_resolved", 0)) >= 1, str(r))
        for faults, name in (("loss=0.01,seed=7", "1% loss"),
                             ("reorder=0.02,seed=8", "reordering")):
            before = kernel_counters()
            rc, r, n, sha, note, _ = run_send(kpeer, reg, faults=faults)
            k = moved(before, kernel_counters(), KERNEL_RCV_COUNTERS)
            check(f"IPv4 with {name} on our cable: sha256 equal",
                  rc == 0 and n == TOTAL and sha == want,
                  f"kernel read {n}, retransmitted {r.get('retrans')}, "
                  f"requests {r.get('requests')} completed "
                  f"{r.get('completed')}, rc {rc} {note}")
            if faults.startswith("loss"):
                rec = int(r.get("sack_recoveries", 0))
                check("ofld -> kernel, 1% loss: ofld recovers by SACK "
                      "(sack_recoveries > 0, rto_fired <= "
                      f"{OFLD_RTO_PER_RECOVERY:.0%} of them)", rec > 0 and
                      int(r.get("rto_fired", rec)) <=
                      OFLD_RTO_PER_RECOVERY * rec, ofld_loss_detail(r, k))

        # kernel -> ofld
        for v6 in (False, True):
            fam = "IPv6" if v6 else "IPv4"
            rc, r, note = run_recv(kpeer, v6=v6)
            check(f"{fam}: kernel -> ofld {TOTAL >> 20} MiB, every byte",
                  rc == 0 and r.get("received") == str(TOTAL) and
                  r.get("bad") == "0", f"{r} {note}")
            ans = "neigh_ns_answered" if v6 else "neigh_arp_answered"
            check(f"{fam}: the kernel learned ofld's address by "
                  f"{'ND' if v6 else 'ARP'} (answered)",
                  int(r.get(ans, 0)) >= 1, str(r))
        kernel_to_ofld_lossy(kpeer)

        # the kernel resets mid-transfer (T9)
        rc, r, n, sha, note, _ = run_send(kpeer, reg,
                                          reset_after=8 << 20)
        check("kernel RST mid-transfer: pending requests ABORTED_BY_PEER, "
              "in order", rc == 0 and r.get("status") == "1" and
              r.get("out_of_order") == "0" and
              r.get("requests") == r.get("completed"), f"{r} {note}")

        # a capture of the tap, read by tshark's TCP analysis
        if tshark:
            cap = os.path.join(tmp, "tap.pcapng")
            # paced to 1 Gbit/s so that the capture keeps every frame
            rc, r, n, sha, log, lport = run_send(kpeer, reg,
                                                 faults="speed=1000",
                                                 capture=cap, tshark=tshark)
            # 0xffff for a sum of 0x0000 is the same number (RFC 1624);
            # Linux writes it (CSUM_MANGLED_0) and tshark flags it as bad
            check("capture: taken while kpeer sent, kpeer succeeded, no "
                  "frame dropped by the capture", rc == 0 and
                  os.path.exists(cap) and "dropped" not in log,
                  f"rc {rc}: {log}")
            bad = sh(tshark, "-r", cap, "-o", "tcp.check_checksum:TRUE",
                     "-o", "ip.check_checksum:TRUE", "-Y",
                     "(tcp.checksum.status == 0 && !tcp.checksum.ffff) || "
                     "ip.checksum.status == 0 || "
                     "tcp.analysis.ack_lost_segment", "-T", "fields",
                     "-e", "frame.number")
            nbad = len([x for x in bad.stdout.split() if x])
            total = sh(tshark, "-r", cap, "-T", "fields", "-e",
                       "frame.number").stdout.split()
            why = sh(tshark, "-r", cap, "-o", "tcp.check_checksum:TRUE",
                     "-Y", "frame.number in {" + " ".join(
                         bad.stdout.split()[:5]) + "}").stdout \
                if nbad else ""
            check("capture: no bad checksum, no ACK of unseen data",
                  bad.returncode == 0 and nbad == 0 and len(total) > 1000,
                  f"{nbad} of {len(total)} frames flagged {why[-600:]} "
                  f"{log}")
            # window: what we have in flight never exceeds what the
            # kernel last advertised (tshark scales it)
            fl = sh(tshark, "-r", cap, "-T", "fields", "-E", "separator=;",
                    "-e", "tcp.srcport", "-e", "tcp.window_size", "-e",
                    "tcp.analysis.bytes_in_flight").stdout.splitlines()
            wnd, over, seen = None, 0, 0
            for row in fl:
                sp, ws, infl = (row.split(";") + ["", "", ""])[:3]
                if sp == "5201" and ws:
                    wnd = int(ws)
                elif sp == str(lport) and infl and wnd is not None:
                    seen += 1
                    over += int(infl) > wnd
            check("capture: never more in flight than the kernel's window",
                  seen > 1000 and over == 0, f"{over} of {seen} over")
            syn = sh(tshark, "-r", cap, "-Y", "tcp.flags.syn == 1", "-T",
                     "fields", "-e", "tcp.flags.ack", "-e",
                     "tcp.options.wscale.shift", "-e",
                     "tcp.options.timestamp.tsval", "-e",
                     "tcp.options.sack_perm").stdout.split("\n")
            rows = [x.split("\t") for x in syn if x.strip()]
            both = len(rows) >= 2 and all(len(x) == 4 and all(x[1:])
                                          for x in rows[:2])
            check("capture: window scale, timestamps and SACK permitted "
                  "in both SYNs", both, str(rows[:2]))
            psh = sh(tshark, "-r", cap, "-Y",
                     "tcp.flags.push == 1 && tcp.len > 0 && "
                     f"tcp.srcport == {lport}", "-T", "fields", "-e",
                     "frame.number").stdout.split()
            check("capture: PSH on request boundaries seen", len(psh) > 0,
                  f"{len(psh)} PSH segments")
    finally:
        sh("ip", "netns", "del", SND_NS)
        sh("ip", "netns", "del", NS)
        shutil.rmtree(tmp, ignore_errors=True)
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
