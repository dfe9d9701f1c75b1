#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""Where a test's DPDK lcores run: the Python twin of ofld_lcores.c, for
the Python tests (testpmd, the kernel as the peer) and for test commands
declared in meson.build. Policy (docs/reliability.md, "Test reliability"):
every lcore floats over every CPU the process may run on; nothing is
pinned to core 0.

  from ofld_lcores import eal_lcores
  argv = [testpmd, eal_lcores(2), ...]     # "--lcores=(0-1)@(0,1)"

  ofld_lcores.py N PROGRAM [ARGS...]       # runs PROGRAM with the option
                                           # for N lcores as its first
                                           # argument (an EAL program)
"""
import os
import sys


def lcores_spec(n=1):
    """EAL's --lcores value for n lcores, each floating over every CPU of
    this process's affinity mask: "0@(0,1)", "(0-1)@(0,1)"."""
    cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    lcores = "0" if n == 1 else f"(0-{n - 1})"
    return f"{lcores}@({cpus})"


def eal_lcores(n=1):
    """The EAL option that places n lcores: "--lcores=" + lcores_spec(n)."""
    return "--lcores=" + lcores_spec(n)


def main():
    if len(sys.argv) < 3 or not sys.argv[1].isdigit() or \
            int(sys.argv[1]) < 1:
        print("usage: ofld_lcores.py N PROGRAM [ARGS...]", file=sys.stderr)
        return 2
    prog = sys.argv[2]
    os.execv(prog, [prog, eal_lcores(int(sys.argv[1]))] + sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
