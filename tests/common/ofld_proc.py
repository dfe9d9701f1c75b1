# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""Waits of the Python tests: child processes whose output is read as it
comes, so that a test waits for a line with a deadline, and a polled
condition with a deadline. The rule (docs/reliability.md, "Test
reliability"): every wait has a condition and a deadline, and on expiry
says what it waited for; a fixed sleep never stands in for a condition.

  p = Proc(["kpeer", "send", "1000"], "kpeer")
  p.expect("READY", 60, "kpeer's port and tap up")   # raises WaitError
  wait_until(lambda: os.path.exists(f), 10, "the capture file")
  rc = p.finish(600, "kpeer to complete every request")
"""
import subprocess
import threading
import time


class WaitError(Exception):
    """A deadline passed (or the process ended) before the condition."""


def wait_until(cond, timeout, what, interval=0.02):
    """Poll cond() until it is true; WaitError after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() >= deadline:
            raise WaitError(f"gave up after {timeout:g} s waiting for "
                            f"{what}")
        time.sleep(interval)


class Proc:
    """subprocess.Popen with stdout and stderr collected line by line by
    two threads (so no pipe ever fills and blocks the child)."""

    def __init__(self, argv, name, **kw):
        self.name = name
        self.lines = {"out": [], "err": []}
        self.pos = {"out": 0, "err": 0}
        self.cv = threading.Condition()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True,
                                     errors="replace", **kw)
        self.threads = [threading.Thread(target=self._read, args=(k, f),
                                         daemon=True)
                        for k, f in (("out", self.proc.stdout),
                                     ("err", self.proc.stderr))]
        for t in self.threads:
            t.start()

    def _read(self, key, f):
        for line in f:
            with self.cv:
                self.lines[key].append(line)
                self.cv.notify_all()
        with self.cv:
            self.lines[key].append(None)      # end of stream
            self.cv.notify_all()

    def expect(self, prefix, timeout, what, stream="out"):
        """The next line of stream (out or err) that contains prefix
        (stdout: starts with it); WaitError if the process ends first or
        after timeout seconds."""
        deadline = time.monotonic() + timeout
        with self.cv:
            while True:
                buf = self.lines[stream]
                while self.pos[stream] < len(buf):
                    line = buf[self.pos[stream]]
                    if line is None:
                        raise WaitError(
                            f"{self.name} ended (exit {self.proc.wait()}) "
                            f"before {what} ('{prefix}'); stderr: "
                            f"{self.err()[-1500:]}")
                    self.pos[stream] += 1
                    if (line.startswith(prefix) if stream == "out"
                            else prefix in line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0:
                    raise WaitError(
                        f"gave up after {timeout:g} s waiting for {what} "
                        f"('{prefix}' from {self.name}); stderr: "
                        f"{self.err()[-1500:]}")
                self.cv.wait(left)

    def finish(self, timeout, what):
        """Wait for the process to end; after timeout seconds terminate
        it (then kill it) and raise WaitError. Returns the exit code."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop()
            raise WaitError(f"gave up after {timeout:g} s waiting for "
                            f"{what} ({self.name} still running, stopped "
                            f"now); stdout: {self.out()[-500:]} stderr: "
                            f"{self.err()[-1500:]}")
        for t in self.threads:
            t.join(10)
        return rc

    def stop(self):
        """Terminate (10 s later kill) if still running."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self.threads:
            t.join(10)

    def _text(self, key):
        with self.cv:
            return "".join(x for x in self.lines[key] if x is not None)

    def out(self):
        return self._text("out")

    def err(self):
        return self._text("err")

    @property
    def returncode(self):
        return self.proc.returncode
