#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""net_ofld stacked on net_pcap (lower=): the frames sent are the frames
that tshark reads back from the capture file, byte for byte, in order."""
import json
import subprocess
import sys
import tempfile
import os

N = 500


def main():
    helper, tshark = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="ofld-pcap-") as tmp:
        cap = os.path.join(tmp, "out.pcap")
        run = subprocess.run([helper, cap, str(N)], capture_output=True,
                             text=True, timeout=120)
        sys.stderr.write(run.stderr[-4000:])
        if run.returncode != 0:
            print(f"FAIL: helper exited {run.returncode}")
            return 1
        sent = run.stdout.split()
        dump = subprocess.run([tshark, "-r", cap, "-T", "json", "-x"],
                              capture_output=True, text=True, timeout=120)
        if dump.returncode != 0:
            print("FAIL: tshark: " + dump.stderr)
            return 1
        captured = [p["_source"]["layers"]["frame_raw"][0]
                    for p in json.loads(dump.stdout)]
    ok = 0
    for i, (s, c) in enumerate(zip(sent, captured)):
        if s == c:
            ok += 1
        elif ok == i:
            print(f"first mismatch at frame {i}:\n sent {s[:80]}...\n"
                  f" capt {c[:80]}...")
    print(f"sent {len(sent)} frames, captured {len(captured)}, "
          f"{ok} identical")
    passed = len(sent) == N and len(captured) == N and ok == N
    print(f"{1 if passed else 0} passed, {0 if passed else 1} failed")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
