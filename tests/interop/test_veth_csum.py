#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A kernel peer on a veth, net_ofld on net_af_packet (issue 18).

The Linux kernel's TCP on a veth leaves TCP checksums to the device's
"offload" (CHECKSUM_PARTIAL: only the pseudo-header sum in the field); a
packet socket on the other end of the pair reads the frames as they are,
and DPDK's net_af_packet (22.11) does not pass on the kernel's "checksum
not ready" status. So net_ofld cannot tell such a segment from a corrupt
one: it drops it, and says so once, naming the remedy. In a network
namespace this test makes, with a veth pair ofldva (net_af_packet under
net_ofld, in tests/interop/kpeer) and ofldvb (the kernel's end,
198.18.1.1/24, through OFLD_KTAP_IFACE):
  - with the peer's checksum offload on (the default), the kernel's
    connect to our listener times out, and kpeer's log has the line about
    the bad checksum with `ethtool -K DEV tx off` in it;
  - with `ethtool -K ofldvb tx off` on the kernel's end, as the guide
    says, the kernel sends 16 MiB and every byte arrives right.
Needs root, network namespaces, ethtool and DPDK's net_af_packet driver;
otherwise it says so and is skipped (exit 77).
"""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_kernel as tk  # noqa: E402  (its helpers, and its CLIENT)
from test_kernel import Proc, WaitError  # noqa: E402

NS = f"ofldv{os.getpid()}"
TOTAL = 16 << 20
LOWER = "net_af_packet0,iface=ofldva"

# connect once, for a few seconds at most
CONNECT = r"""
import socket
c = socket.socket()
c.settimeout(3)
try:
    c.connect(("198.18.1.2", 5201))
    print("CONNECTED", flush=True)
except OSError as e:
    print("NOT CONNECTED", e, flush=True)
"""


def kpeer_proc(kpeer, total):
    env = tk.kpeer_env(None)
    env["OFLD_KPEER_LOWER"] = LOWER
    env["OFLD_KTAP_IFACE"] = "ofldvb"
    return Proc(tk.in_ns(kpeer, "recv", str(total), ns=NS), "kpeer",
                env=env)


def offload_on(kpeer):
    """The default: the kernel's SYN arrives with a partial checksum."""
    p = kpeer_proc(kpeer, TOTAL)
    try:
        p.expect("LISTENING", 120, "kpeer to listen on port 5201")
        cl = tk.sh(*tk.in_ns("/usr/bin/python3", "-c", CONNECT, ns=NS),
                   timeout=30)
        tk.check("veth, checksum offload on: the kernel cannot connect",
                 "NOT CONNECTED" in cl.stdout, cl.stdout + cl.stderr)
    except WaitError as e:
        tk.check("veth, checksum offload on: kpeer listened", False, str(e))
    finally:
        p.stop()
    said = [x for x in p.err().splitlines() if "bad TCP checksum" in x]
    tk.check("veth, checksum offload on: the drop is said, with the remedy",
             len(said) == 1 and "ethtool -K DEV tx off" in said[0],
             said[0] if said else p.err()[-1500:])


def offload_off(kpeer):
    """What the guide says: checksums filled in by the kernel."""
    r = tk.sh(*tk.in_ns("ethtool", "-K", "ofldvb", "tx", "off", ns=NS))
    tk.check("ethtool -K ofldvb tx off", r.returncode == 0, r.stderr)
    procs = []
    try:
        p = kpeer_proc(kpeer, TOTAL)
        procs.append(p)
        p.expect("LISTENING", 120, "kpeer to listen on port 5201")
        cl = Proc(tk.in_ns("/usr/bin/python3", "-c", tk.CLIENT, "v4",
                           str(TOTAL), ns=NS), "the kernel's client")
        procs.append(cl)
        crc = cl.finish(300, "the kernel's client to send everything")
        rc = p.finish(120, "kpeer to receive every byte and the FIN")
        res = tk.result(p.out())
        tk.check(f"veth, checksum offload off: kernel -> ofld "
                 f"{TOTAL >> 20} MiB, every byte right", rc == 0 and
                 crc == 0 and res.get("received") == str(TOTAL) and
                 res.get("bad") == "0",
                 f"received {res.get('received')}, bad {res.get('bad')}"
                 if rc == 0 else f"kpeer {rc} {res}; client {crc} "
                 f"{cl.out()}{cl.err()}{p.err()[-1500:]}")
    except WaitError as e:
        tk.check("veth, checksum offload off: the transfer", False, str(e))
    finally:
        for x in procs:
            x.stop()


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None or \
            shutil.which("ethtool") is None:
        print("SKIP: needs root, iproute2 and ethtool")
        return 77
    kpeer = sys.argv[1]
    if tk.sh("ip", "netns", "add", NS).returncode != 0:
        print("SKIP: cannot create a network namespace here")
        return 77
    try:
        for cmd in (("ip", "link", "set", "lo", "up"),
                    ("ip", "link", "add", "ofldva", "type", "veth",
                     "peer", "name", "ofldvb"),
                    ("ip", "link", "set", "ofldva", "up"),
                    ("ip", "link", "set", "ofldvb", "up")):
            r = tk.sh(*tk.in_ns(*cmd, ns=NS))
            if r.returncode != 0:
                print(f"SKIP: {' '.join(cmd)}: {r.stderr.strip()}")
                return 77
        offload_on(kpeer)
        offload_off(kpeer)
    finally:
        tk.sh("ip", "netns", "del", NS)
    failed = tk.checks.count(False)
    print(f"{len(tk.checks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
