# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""EAL's runtime directory of a DPDK process a test or benchmark starts:
where it is, and removing it once the process has exited. EAL creates
/var/run/dpdk/PREFIX (as root; else under $XDG_RUNTIME_DIR or /tmp) and
leaves it behind, with its files unless --no-shconf: with a per-process
--file-prefix, one per run, and under --no-huge a memseg array file of 48
bytes per 4 KiB page of -m (37 MB for -m 3072) that the kernel writes
back to disk while the next run measures.

  from ofld_eal import remove_runtime_dir
  remove_runtime_dir(prefix)      # after the process has exited
"""
import os
import shutil


def runtime_dir(prefix):
    """The runtime directory EAL makes for --file-prefix prefix."""
    base = "/var/run" if os.geteuid() == 0 else \
        os.environ.get("XDG_RUNTIME_DIR", "/tmp")
    return os.path.join(base, "dpdk", prefix)


def remove_runtime_dir(prefix):
    """Remove it and what is in it (nothing of a running process: call
    once the process has exited)."""
    shutil.rmtree(runtime_dir(prefix), ignore_errors=True)
