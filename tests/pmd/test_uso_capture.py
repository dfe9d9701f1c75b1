#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""USO (and TSO with options) through the API onto a capture, read back by
tshark with checksum validation on: every segment a real UDP datagram with
its own header, length and good checksum (G11, G12), IPv4 ID +1 per
segment, sizes per G8, payload reassembled identical."""
import subprocess
import sys
import tempfile
import os


def pattern(n):
    return bytes(((i * 7 + (i >> 9) + 1) & 0xff) for i in range(n))


def main():
    helper, tshark = sys.argv[1], sys.argv[2]
    checks = []

    def check(name, cond, detail=""):
        checks.append(cond)
        print(("ok   " if cond else "FAIL ") + name +
              (f" ({detail})" if detail else ""))

    with tempfile.TemporaryDirectory(prefix="ofld-uso-") as tmp:
        cap = os.path.join(tmp, "out.pcap")
        run = subprocess.run([helper, cap], capture_output=True, text=True,
                             timeout=120)
        sys.stderr.write(run.stderr[-3000:])
        check("helper sent every large send, no leak", run.returncode == 0)
        sends = [line.split() for line in run.stdout.splitlines()]
        fields = ["udp.length", "udp.checksum.status", "tcp.len",
                  "tcp.checksum.status", "ip.checksum.status", "ip.id",
                  "udp.payload", "tcp.payload", "ip.flags.mf",
                  "ip.frag_offset"]
        cmd = [tshark, "-r", cap, "-o", "ip.check_checksum:TRUE",
               "-o", "udp.check_checksum:TRUE", "-o",
               "tcp.check_checksum:TRUE", "-o", "ip.defragment:FALSE",
               "-T", "fields", "-E", "separator=;"]
        for f in fields:
            cmd += ["-e", f]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        rows = [dict(zip(fields, line.split(";")))
                for line in res.stdout.splitlines()]
    i = 0
    for proto, ver, idx, size, mss in sends:
        size, mss = int(size), int(mss)
        n = max(1, (size + mss - 1) // mss)
        segs = rows[i:i + n]
        i += n
        name = f"{proto}/{ver} send {idx} payload {size} mss {mss}"
        want = [mss] * (size // mss) + ([size % mss] if size % mss else [])
        if proto == "udp":
            sizes = [int(r["udp.length"] or 0) - 8 for r in segs]
            good = all(r["udp.checksum.status"] == "1" for r in segs)
            data = b"".join(bytes.fromhex(r["udp.payload"].replace(":", ""))
                            for r in segs)
        else:
            sizes = [int(r["tcp.len"] or 0) for r in segs]
            good = all(r["tcp.checksum.status"] == "1" for r in segs)
            data = b"".join(bytes.fromhex(r["tcp.payload"].replace(":", ""))
                            for r in segs)
        check(f"{name}: sizes", sizes == want, f"{sizes[:4]}...")
        check(f"{name}: L4 checksums good", good and len(segs) == n)
        if ver == "v4":
            check(f"{name}: IPv4 checksums good, no fragments",
                  all(r["ip.checksum.status"] == "1" and
                      r["ip.flags.mf"] in ("0", "False") and
                      r["ip.frag_offset"] == "0" for r in segs))
            ids = [int(r["ip.id"], 16) for r in segs]
            check(f"{name}: IPv4 ID +1 per segment",
                  all(ids[k] == (ids[0] + k) & 0xffff
                      for k in range(len(ids))))
        check(f"{name}: payload identical", data == pattern(size))
    check("no stray frames", i == len(rows), f"{len(rows)} frames")
    failed = checks.count(False)
    print(f"{len(checks) - failed} passed, {failed} failed")
    return 1 if failed or not checks else 0


if __name__ == "__main__":
    sys.exit(main())
