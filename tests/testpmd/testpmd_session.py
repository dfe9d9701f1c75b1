# SPDX-License-Identifier: BSD-3-Clause
"""Drive Debian's dpdk-testpmd interactively through a pseudo-terminal (so
that its output is line-buffered and every command's answer ends at the
next prompt), with net_ofld loaded by -d."""
import os
import pty
import re
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from ofld_eal import remove_runtime_dir  # noqa: E402
from ofld_lcores import eal_lcores  # noqa: E402

PROMPT = "testpmd> "


def _insecure(path):
    """EAL's -d refuses a plugin below a world-writable directory."""
    path = os.path.dirname(os.path.abspath(path))
    while True:
        if os.stat(path).st_mode & stat.S_IWOTH:
            return True
        parent = os.path.dirname(path)
        if parent == path:
            return False
        path = parent


def loadable_plugin(pmd_so):
    """Return (path testpmd -d accepts, temporary dir to remove or None).
    A build tree under /tmp (world-writable) gets a private copy of the
    plugin in a fresh directory below $HOME (or another safe place)."""
    if not _insecure(pmd_so):
        return pmd_so, None
    for base in (os.environ.get("XDG_RUNTIME_DIR"),
                 os.path.expanduser("~/.cache"), "/run"):
        if not base:
            continue
        try:
            os.makedirs(base, exist_ok=True)
        except OSError:
            continue
        if os.path.isdir(base) and not _insecure(os.path.join(base, "x")):
            d = tempfile.mkdtemp(prefix="ofld-plugin-", dir=base)
            dst = os.path.join(d, os.path.basename(pmd_so))
            shutil.copy2(pmd_so, dst)
            return dst, d
    raise RuntimeError("no directory without world-writable parents to "
                       "load the plugin from")


class Testpmd:
    def __init__(self, testpmd, pmd_so, vdevs, eal=(), app=(), timeout=60):
        self.log = []
        pmd_so, self.plugin_dir = loadable_plugin(pmd_so)
        prefix = f"ofld-tp-{os.getpid()}-{time.monotonic_ns() % 100000}"
        self.prefix = prefix
        # two lcores (interactive main, one forwarding), floating over
        # the CPUs: tests/common/ofld_lcores.py
        argv = [testpmd, eal_lcores(2), "--no-huge", "-m", "1024",
                "--no-pci", "--file-prefix", prefix, "-d", pmd_so]
        for v in vdevs:
            argv += ["--vdev", v]
        argv += list(eal) + ["--", "-i", "--total-num-mbufs=16384"]
        argv += list(app)
        self.master, slave = pty.openpty()
        env = dict(os.environ)
        if env.get("OFLD_TEST_PRELOAD"):
            # a sanitizer build: testpmd is not instrumented, our plugin is
            env["LD_PRELOAD"] = env["OFLD_TEST_PRELOAD"]
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave,
                                     stderr=slave, close_fds=True, env=env)
        os.close(slave)
        self.buf = ""
        try:
            self.expect(PROMPT, timeout)
        except Exception:
            self.quit(timeout=5)
            raise

    def _read(self, deadline):
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            r, _, _ = select.select([self.master], [], [], left)
            if not r:
                return False
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return False
            if not data:
                return False
            text = data.decode(errors="replace").replace("\r", "")
            self.log.append(text)
            self.buf += text
            return True

    def expect(self, what, timeout=30):
        """Return the output up to and including `what` (a string)."""
        deadline = time.monotonic() + timeout
        while what not in self.buf:
            if not self._read(deadline):
                raise TimeoutError(f"testpmd: no '{what.strip()}' in "
                                   f"{timeout}s; last output:\n"
                                   + self.buf[-3000:])
        i = self.buf.index(what) + len(what)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out

    def cmd(self, line, timeout=30):
        """Run one command, return its output (up to the next prompt)."""
        os.write(self.master, (line + "\n").encode())
        return self.expect(PROMPT, timeout)

    def quit(self, timeout=60):
        os.write(self.master, b"quit\n")
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:
            self._read(min(deadline, time.monotonic() + 0.5))
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)
        if self.plugin_dir:
            shutil.rmtree(self.plugin_dir, ignore_errors=True)
        remove_runtime_dir(self.prefix)
        return self.proc.returncode

    def output(self):
        return "".join(self.log)


def port_stats(text):
    """Per-port RX/TX packets from the 'Forward statistics for port N'
    blocks printed by 'stop'."""
    stats = {}
    for m in re.finditer(r"Forward statistics for port (\d+).*?"
                         r"RX-packets: (\d+).*?TX-packets: (\d+)", text,
                         re.S):
        stats[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return stats


def nic_stats(text):
    """Per-port RX/TX packets from 'show port stats all' (they can be
    asked while forwarding runs)."""
    stats = {}
    for m in re.finditer(r"NIC statistics for port (\d+).*?"
                         r"RX-packets:\s+(\d+).*?TX-packets:\s+(\d+)",
                         text, re.S):
        stats[int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
    return stats


def xstats(text):
    """name -> value from 'show port xstats N'."""
    return {m.group(1): int(m.group(2))
            for m in re.finditer(r"^(\w+): (\d+)$", text, re.M)}


class Checks:
    """Named checks printed as they go, and the closing 'N passed, N
    failed' line."""

    def __init__(self):
        self.results = []

    def __call__(self, name, cond, detail=""):
        self.results.append(bool(cond))
        print(("ok   " if cond else "FAIL ") + name +
              (f" ({detail})" if detail else ""))

    def finish(self):
        failed = self.results.count(False)
        print(f"{len(self.results) - failed} passed, {failed} failed")
        return 1 if failed or not self.results else 0
