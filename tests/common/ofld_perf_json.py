#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""Runs an ofld-perf command given with --json and checks its summary
object beyond the exit status: no bad byte, every lcore of the run found
in lcores_waited (the threads that ran the most, one per EAL lcore) with a
wait no longer than the run on each.

  ofld_perf_json.py LCORES PROGRAM [ARGS...]   (ARGS include --json)
"""
import json
import subprocess
import sys


def check(d, lcores):
    """What is wrong with summary d, or None."""
    w = d.get("lcores_waited")
    if d.get("bytes_bad") != 0:
        return f"bytes_bad {d.get('bytes_bad')}"
    if not isinstance(w, dict):
        return f"lcores_waited is {w!r} (schedstat unreadable?)"
    if w["lcores"] != lcores:
        return f"lcores_waited counts {w['lcores']} lcores, not {lcores}"
    # measured from just before the run's start to just after its end
    run_ms = d["seconds"] * 1000 + 100
    if not 0 <= w["ms"] <= lcores * run_ms or \
            not 0 <= w["pct"] <= 100 * lcores:
        return f"lcores waited {w['ms']} ms ({w['pct']}%) in a " \
            f"{d['seconds']:.3f} s run"
    return None


def main():
    lcores, cmd = int(sys.argv[1]), sys.argv[2:]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True, timeout=300)
    sys.stdout.write(p.stdout)
    if p.returncode != 0:
        return p.returncode
    lines = [x for x in p.stdout.splitlines() if x.startswith("{")]
    if not lines:
        print("ofld_perf_json: no JSON summary", file=sys.stderr)
        return 1
    err = check(json.loads(lines[-1]), lcores)
    if err:
        print("ofld_perf_json: " + err, file=sys.stderr)
        return 1
    print("ofld_perf_json: summary checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
