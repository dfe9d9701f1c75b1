#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The Linux kernel as a real TCP peer (issue 6).

In a network namespace this test makes, net_ofld runs stacked on net_tap
(tests/interop/kpeer.c) and the namespace's kernel TCP talks to it through
the tap interface (198.18.1.0/24, 2001:2::/64). Checked:
  - ofld sends 256 MiB in requests of mixed sizes to a kernel socket, IPv4
    and IPv6: the kernel's sha256 of what it read is ours; every request
    completes once, in order; the same with 1% loss and with reordering on
    our cable;
  - the kernel sends 256 MiB to an ofld connection: every byte arrives;
  - a capture of the tap (tshark in the namespace) shows no bad checksum,
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

REGION = 4 << 20
TOTAL = int(os.environ.get("OFLD_KERNEL_TEST_MIB", "256")) << 20
NS = f"ofldk{os.getpid()}"
checks = []
T0 = time.monotonic()


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
w = array("Q", ((i * 0x9e3779b97f4a7c15) & (2**64 - 1)
               for i in range((4 << 20) // 8)))
if sys.byteorder != "little":
    w.byteswap()
reg = w.tobytes()
c = socket.create_connection((dst, 5201), timeout=60)
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


def sh(*cmd, timeout=300):
    """Run a command to its end (timeout seconds at most, then say so)."""
    try:
        return subprocess.run(list(cmd), capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        msg = f"gave up after {timeout} s waiting for: {' '.join(cmd)}"
        print(f"     {msg}", flush=True)
        return subprocess.CompletedProcess(list(cmd), -1, "", msg)


def in_ns(*cmd):
    return ["ip", "netns", "exec", NS] + list(cmd)


def kpeer_env(faults, go_file=None, lport=None):
    env = dict(os.environ)
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
# cannot meet the next run's SYN. (ofld does not answer the challenge ACK
# such a socket sends to a SYN with a RST, RFC 9293 3.10.7.3, so it would
# retry its SYN until that socket gives up.)
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
            tsh = Proc(in_ns("tshark", "-q", "-i", "ofldtap0", "-B", "64",
                             "-w", capture, "-f", "tcp port 5201"),
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


def run_recv(kpeer, v6):
    """The kernel sends to kpeer's listener; returns (kpeer's exit code or
    -1, its RESULT, what the kernel's client said or what went wrong)."""
    procs = []
    try:
        p = Proc(in_ns(kpeer, "recv", str(TOTAL)) + (["v6"] if v6 else []),
                 "kpeer")
        procs.append(p)
        p.expect("LISTENING", 120, "kpeer to listen on port 5201")
        cl = Proc(in_ns("/usr/bin/python3", "-c", CLIENT,
                        "v6" if v6 else "v4", str(TOTAL)),
                  "the kernel's client")
        procs.append(cl)
        crc = cl.finish(600, "the kernel's client to send everything")
        rc = p.finish(120, "kpeer to receive every byte and the FIN")
        return rc, result(p.out()), f"client exit {crc}: " + \
            (cl.out() + cl.err()).strip()[-500:]
    except WaitError as e:
        print(f"     {e}", flush=True)
        return -1, {}, str(e)
    finally:
        for x in procs:
            x.stop()


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None:
        print("SKIP: needs root and iproute2 (network namespaces)")
        return 77
    kpeer = sys.argv[1]
    tshark = sys.argv[2] if len(sys.argv) > 2 else None
    if sh("ip", "netns", "add", NS).returncode != 0:
        print("SKIP: cannot create a network namespace here")
        return 77
    sh(*in_ns("ip", "link", "set", "lo", "up"))
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
        for faults, name in (("loss=0.01,seed=7", "1% loss"),
                             ("reorder=0.02,seed=8", "reordering")):
            rc, r, n, sha, note, _ = run_send(kpeer, reg, faults=faults)
            check(f"IPv4 with {name} on our cable: sha256 equal",
                  rc == 0 and n == TOTAL and sha == want,
                  f"kernel read {n}, retransmitted {r.get('retrans')} "
                  f"{note}")

        # kernel -> ofld
        for v6 in (False, True):
            fam = "IPv6" if v6 else "IPv4"
            rc, r, note = run_recv(kpeer, v6)
            check(f"{fam}: kernel -> ofld {TOTAL >> 20} MiB, every byte",
                  rc == 0 and r.get("received") == str(TOTAL) and
                  r.get("bad") == "0", f"{r} {note}")

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
            check("capture: taken while kpeer sent, kpeer succeeded, no "
                  "frame dropped by the capture", rc == 0 and
                  os.path.exists(cap) and "dropped" not in log,
                  f"rc {rc}: {log}")
            bad = sh(tshark, "-r", cap, "-o", "tcp.check_checksum:TRUE",
                     "-o", "ip.check_checksum:TRUE", "-Y",
                     "tcp.checksum.status == 0 || ip.checksum.status == 0 "
                     "|| tcp.analysis.ack_lost_segment", "-T", "fields",
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
        sh("ip", "netns", "del", NS)
        shutil.rmtree(tmp, ignore_errors=True)
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
