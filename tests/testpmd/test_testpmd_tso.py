#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""TSO through Debian's dpdk-testpmd, in the style of DPDK's TSO test plan.

scapy writes large TCP/IPv4 and TCP/IPv6 packets to a capture; testpmd
reads it on a net_pcap port and forwards it with the csum engine (`csum set
ip hw`, `csum set tcp hw`, `tso set 800`) to a net_ofld port stacked on a
net_pcap port that writes what it sends to a second capture. tshark, with
its checksum validation on, reads that capture; every frame is checked:
segment count and sizes as the plan expects (payload <= 800: one frame;
else floor(N/800) frames of 800 and one of the rest), IP and TCP checksums
good (G11), IPv4 ID +1 per segment (G12), sequence numbers contiguous and
PSH on the last segment only (G10), reassembled payload identical (G8)."""
import os
import sys
import tempfile
import time

from scapy.all import Ether, IP, IPv6, TCP, Raw, wrpcap  # noqa: E402
import subprocess

from testpmd_session import Checks, Testpmd

MSS = 800
SIZES = [128, 800, 801, 1700, 2500, 8000, 20000, 60000]
check = Checks()


def payload(i, n):
    return bytes(((j * 7 + i * 13) & 0xff) for j in range(n))


def inputs():
    pkts, want = [], {}
    for v6 in (False, True):
        for i, n in enumerate(SIZES):
            sport = (20000 if v6 else 10000) + i
            l3 = (IPv6(src="2001:2::1", dst="2001:2::2") if v6 else
                  IP(src="198.18.0.1", dst="198.18.0.2", id=0xfff0 + i))
            p = (Ether(dst="02:00:00:00:00:02", src="02:00:00:00:00:01") /
                 l3 / TCP(sport=sport, dport=80, seq=1000000 * i,
                          flags="PA") / Raw(payload(i, n)))
            pkts.append(p)
            want[sport] = (v6, 1000000 * i, payload(i, n),
                           0xfff0 + i if not v6 else None)
    return pkts, want


def plan(n):
    return [n] if n <= MSS else [MSS] * (n // MSS) + (
        [n % MSS] if n % MSS else [])


def main():
    testpmd, so, tshark = sys.argv[1], sys.argv[2], sys.argv[3]
    pkts, want = inputs()
    expected_frames = sum(len(plan(len(w[2]))) for w in want.values())
    with tempfile.TemporaryDirectory(prefix="ofld-tso-") as tmp:
        cap_in = os.path.join(tmp, "in.pcap")
        cap_out = os.path.join(tmp, "out.pcap")
        wrpcap(cap_in, pkts)
        tp = Testpmd(testpmd, so, [
            f"net_pcap0,rx_pcap={cap_in},"
            f"tx_pcap={os.path.join(tmp, 'o0.pcap')}",
            f"net_pcap1,tx_pcap={cap_out}",
            "net_ofld0,lower=net_pcap1"], app=["--no-flush-rx"])
        try:
            # ports: 0 = net_pcap0, 2 = net_ofld0 (net_pcap1 is owned)
            for c in ("port stop all", "csum set ip hw 2",
                      "csum set tcp hw 2", "tso set 800 2",
                      "set fwd csum", "port start all", "start"):
                out = tp.cmd(c)
                check(f"'{c}' accepted", "Invalid" not in out and
                      "rror" not in out, out.strip()[-200:])
            # forward until net_ofld has sent every segment
            deadline = time.monotonic() + 60
            sent = 0
            while True:
                st = tp.cmd("show port xstats 2")
                for line in st.splitlines():
                    if line.startswith("tx_q0_packets:"):
                        sent = int(line.split()[1])
                if sent >= expected_frames:
                    break
                if time.monotonic() >= deadline:
                    print(f"gave up after 60 s waiting for net_ofld to "
                          f"send {expected_frames} segments ({sent} sent)")
                    break
                time.sleep(0.05)
            tp.cmd("stop")
            xs = tp.cmd("show port xstats 2")
            check("net_ofld segmented every large send",
                  f"tx_q0_packets: {expected_frames}" in xs,
                  f"{sent} of {expected_frames} frames")
        finally:
            rc = tp.quit()
        check("testpmd exits cleanly", rc == 0, f"exit code {rc}")

        fields = ["tcp.srcport", "tcp.len", "tcp.seq_raw", "ip.version",
                  "ip.id", "ip.checksum.status", "tcp.checksum.status",
                  "tcp.flags.push", "tcp.payload", "ipv6.plen", "ip.len"]
        cmd = [tshark, "-r", cap_out, "-o", "ip.check_checksum:TRUE",
               "-o", "tcp.check_checksum:TRUE", "-T", "fields",
               "-E", "separator=;"]
        for f in fields:
            cmd += ["-e", f]
        res = subprocess.run(cmd, capture_output=True, text=True,
                             timeout=120)
        check("tshark reads the capture", res.returncode == 0, res.stderr)
    frames = {}
    for line in res.stdout.splitlines():
        v = dict(zip(fields, line.split(";")))
        frames.setdefault(int(v["tcp.srcport"]), []).append(v)
    check("frame count", sum(len(f) for f in frames.values()) ==
          expected_frames, f"{sum(len(f) for f in frames.values())} vs "
          f"{expected_frames}")
    for sport, (v6, seq0, data, id0) in sorted(want.items()):
        segs = frames.get(sport, [])
        name = f"{'IPv6' if v6 else 'IPv4'} payload {len(data)}"
        sizes = [int(s["tcp.len"]) for s in segs]
        check(f"{name}: segment sizes {plan(len(data))}",
              sizes == plan(len(data)), str(sizes))
        seq, ok_seq, ok_csum, ok_psh, ok_id, got = seq0, True, True, True, \
            True, b""
        for k, s in enumerate(segs):
            ok_seq &= int(s["tcp.seq_raw"]) == seq
            seq += int(s["tcp.len"])
            ok_csum &= s["tcp.checksum.status"] == "1"
            if not v6:
                ok_csum &= s["ip.checksum.status"] == "1"
                ok_id &= int(s["ip.id"], 16) == (id0 + k) & 0xffff
            ok_psh &= (s["tcp.flags.push"] in ("1", "True")) == \
                (k == len(segs) - 1)
            got += bytes.fromhex(s["tcp.payload"].replace(":", ""))
        check(f"{name}: checksums good", ok_csum and bool(segs))
        check(f"{name}: sequence numbers contiguous", ok_seq)
        check(f"{name}: PSH on the last segment only", ok_psh)
        if not v6:
            check(f"{name}: IPv4 ID +1 per segment", ok_id)
        check(f"{name}: reassembled payload identical", got == data)
    rc = check.finish()
    if rc:
        sys.stderr.write(tp.output()[-5000:])
    return rc


if __name__ == "__main__":
    sys.exit(main())
