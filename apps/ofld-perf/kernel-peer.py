#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The ofld authors
"""The Linux kernel's end of ofld-perf --peer kernel: kernel TCP sockets in
the network namespace where ofld-perf runs net_ofld over net_tap.

  kernel-peer.py sink [--conns N] [--sha256]
      listen on port 5001 (IPv4 and IPv6), read every connection from
      ofld-perf --direction send to its end, check every byte against the
      pattern ofld-perf sends (connection i comes from port 10000 + i)
  kernel-peer.py source --conns N (--bytes B | --seconds S) [--ipv6]
      connect N sockets from ports 10000 + i to ofld-perf --direction recv
      (198.18.1.2 or 2001:2::2, port 5001, retried until it listens) and
      send the pattern: B bytes in all, or for S seconds

Prints "LISTENING" (sink) once ready, then one JSON object per connection
and a last one with the totals ("summary": true). Exit status 0 when every
connection ended cleanly and every byte matched, 1 otherwise.
apps/ofld-perf/perf-kernel.py runs it together with ofld-perf.
"""
import argparse
import ctypes
import errno
import hashlib
import json
import selectors
import signal
import socket
import sys
import threading
import time
from array import array

REGION = 4 << 20        # ofld-perf's pattern: REGION bytes, repeated
SALT = 7919
PORT = 5001
FIRST_PORT = 10000      # connection i uses port FIRST_PORT + i
OFLD_IP4, OFLD_IP6 = "198.18.1.2", "2001:2::2"


def region():
    """ofld-perf's region_fill(): word i is i * golden ratio ^ salt, in the
    machine's byte order (both ends run on this machine)."""
    mask = (1 << 64) - 1
    w = array("Q", (((i * 0x9e3779b97f4a7c15) & mask) ^ SALT
                    for i in range(REGION // 8)))
    return w.tobytes()


def conn_start(i):
    """Where connection i's stream starts in the region."""
    return (i * 1000003 * 8) % REGION


def emit(obj):
    print(json.dumps(obj), flush=True)


class Stop(Exception):
    pass


def on_signal(sig, frame):
    raise Stop()


# ---- sink ----------------------------------------------------------------

class Reader:
    def __init__(self, sock, peer_port, conns, sha):
        self.sock, self.port = sock, peer_port
        self.idx = peer_port - FIRST_PORT
        self.known = 0 <= self.idx < (conns or 1 << 16)
        self.start = conn_start(self.idx) if self.known else 0
        self.n = self.bad = 0
        self.sha = hashlib.sha256() if sha else None

    def report(self, state):
        r = {"conn": self.idx, "port": self.port, "bytes": self.n,
             "bad": self.bad if self.known else None, "state": state}
        if self.sha:
            r["sha256"] = self.sha.hexdigest()
        return r


# libc's memcmp on two buffers' addresses: what is read is compared where
# it lies (Python's memoryview comparison goes byte by byte, about 1 GB/s:
# it, not the kernel, was what limited ofld -> kernel at 6 Gbit/s)
_memcmp = ctypes.CDLL(None).memcmp
_memcmp.restype = ctypes.c_int
_memcmp.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t)


def address(b):
    """The address of a bytearray's storage (it must not be resized)."""
    return ctypes.addressof(ctypes.c_char.from_buffer(b))


def set_cc(s, cc):
    """The socket's congestion control (TCP_CONGESTION), when asked."""
    if not cc:
        return
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_CONGESTION, cc.encode())
    except OSError as e:
        try:
            with open("/proc/sys/net/ipv4/tcp_available_congestion_control",
                      encoding="ascii") as f:
                have = f.read().strip()
        except OSError:
            have = "?"
        sys.exit(f"kernel-peer.py: congestion control {cc!r}: {e.strerror}"
                 f" (available here: {have})")


def sink(a):
    reg = region()
    twice_buf = bytearray(reg + reg)    # any chunk up to REGION, unwrapped
    twice = memoryview(twice_buf)
    twice_at = address(twice_buf)
    buf = bytearray(1 << 20)
    view = memoryview(buf)
    buf_at = address(buf)
    ls = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    set_cc(ls, a.cc)    # accepted sockets inherit it
    ls.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    ls.bind(("::", a.port))
    ls.listen(max(a.conns, 128))
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    print("LISTENING", flush=True)
    done, total, bad, ok = 0, 0, 0, True
    open_readers = {}
    try:
        while not a.conns or done < a.conns:
            for key, _ in sel.select(timeout=1.0):
                if key.data is None:
                    s, peer = ls.accept()
                    s.setblocking(False)
                    rd = Reader(s, peer[1], a.conns, a.sha256)
                    open_readers[s] = rd
                    sel.register(s, selectors.EVENT_READ, rd)
                    continue
                rd = key.data
                try:
                    k = rd.sock.recv_into(buf)
                except BlockingIOError:
                    continue
                except OSError as e:        # reset by ofld
                    k, state = -1, "error: " + e.strerror
                if k > 0:
                    chunk = view[:k]
                    p = (rd.start + rd.n) % REGION
                    if rd.known and _memcmp(buf_at, twice_at + p, k) != 0:
                        rd.bad += sum(x != y for x, y in
                                      zip(chunk, twice[p:p + k]))
                    if rd.sha:
                        rd.sha.update(chunk)
                    rd.n += k
                    continue
                sel.unregister(rd.sock)
                rd.sock.close()
                del open_readers[rd.sock]
                r = rd.report("closed" if k == 0 else state)
                emit(r)
                done += 1
                total += rd.n
                bad += rd.bad if rd.known else 0
                ok = ok and k == 0 and rd.known and rd.bad == 0
    except Stop:
        pass
    for rd in open_readers.values():     # interrupted: what we have
        emit(rd.report("open"))
        total += rd.n
        bad += rd.bad
        ok = False
    emit({"summary": True, "role": "sink", "connections": done,
          "bytes": total, "bad": bad, "ok": ok and done > 0})
    return 0 if ok and done > 0 else 1


# ---- source --------------------------------------------------------------

def connect(i, a, deadline):
    fam = socket.AF_INET6 if a.ipv6 else socket.AF_INET
    dst = OFLD_IP6 if a.ipv6 else OFLD_IP4
    while True:
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        set_cc(s, a.cc)
        s.bind(("::" if a.ipv6 else "0.0.0.0", FIRST_PORT + i))
        s.settimeout(2.0)
        try:
            s.connect((dst, a.port))
            s.settimeout(None)
            return s
        except OSError as e:
            s.close()
            # no tap yet, or ofld-perf not listening yet
            if time.monotonic() > deadline or e.errno not in (
                    errno.ENETUNREACH, errno.EHOSTUNREACH,
                    errno.ECONNREFUSED, errno.ETIMEDOUT, None):
                raise
            time.sleep(0.05)


def source(a):
    reg = region()
    twice = memoryview(reg + reg)
    per_conn = -(-a.bytes // a.conns) if a.bytes else 0
    results = [None] * a.conns
    stop = threading.Event()

    def run(i):
        r = {"conn": i, "port": FIRST_PORT + i, "bytes": 0}
        sha = hashlib.sha256() if a.sha256 else None
        try:
            s = connect(i, a, time.monotonic() + a.timeout)
        except OSError as e:
            r["state"] = "connect: " + (e.strerror or str(e))
            results[i] = r
            return
        start, n = conn_start(i), 0
        end = time.monotonic() + a.seconds if not per_conn else None
        try:
            while not stop.is_set():
                if per_conn:
                    if n >= per_conn:
                        break
                elif time.monotonic() >= end:
                    break
                k = 256 << 10
                if per_conn:
                    k = min(k, per_conn - n)
                p = (start + n) % REGION
                s.sendall(twice[p:p + k])
                if sha:
                    sha.update(twice[p:p + k])
                n += k
            s.shutdown(socket.SHUT_WR)
            s.settimeout(a.timeout)
            extra = s.recv(1)         # ofld closes its side in return
            r["state"] = "closed" if not extra else "unexpected data"
        except OSError as e:
            r["state"] = "error: " + (e.strerror or str(e))
        finally:
            s.close()
        r["bytes"] = n
        if sha:
            r["sha256"] = sha.hexdigest()
        results[i] = r

    threads = [threading.Thread(target=run, args=(i,), daemon=True)
               for i in range(a.conns)]
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads):
            for t in threads:
                t.join(0.2)
    except Stop:
        stop.set()
        for t in threads:
            t.join(a.timeout)
    ok = True
    for i, r in enumerate(results):
        r = r or {"conn": i, "port": FIRST_PORT + i, "bytes": 0,
                  "state": "interrupted"}
        results[i] = r
        emit(r)
        ok = ok and r["state"] == "closed" and r["bytes"] > 0 and \
            (not per_conn or r["bytes"] == per_conn)
    emit({"summary": True, "role": "source", "connections": a.conns,
          "bytes": sum(r["bytes"] for r in results), "ok": ok})
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="role", required=True)
    s = sub.add_parser("sink", help="read from ofld-perf --direction send")
    s.add_argument("--conns", type=int, default=0,
                   help="exit after this many connections (0: at SIGTERM)")
    r = sub.add_parser("source", help="send to ofld-perf --direction recv")
    r.add_argument("--conns", type=int, required=True)
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--bytes", type=int, help="bytes in all")
    g.add_argument("--seconds", type=float)
    r.add_argument("--ipv6", action="store_true")
    r.add_argument("--timeout", type=float, default=60,
                   help="for ofld-perf to listen, and to close (s)")
    for p in (s, r):
        p.add_argument("--port", type=int, default=PORT)
        p.add_argument("--sha256", action="store_true",
                       help="report the sha256 of each connection's bytes")
        p.add_argument("--cc", metavar="NAME",
                       help="the kernel's congestion control for these "
                       "connections (TCP_CONGESTION; default: the "
                       "namespace's net.ipv4.tcp_congestion_control)")
    a = ap.parse_args()
    with socket.socket() as probe:     # a bad --cc said here, not in a thread
        set_cc(probe, a.cc)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return sink(a) if a.role == "sink" else source(a)


if __name__ == "__main__":
    sys.exit(main())
