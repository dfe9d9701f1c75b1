#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Debian's dpdk-testpmd with net_ofld loaded by -d: two ports on one pair
cable, io forwarding started with tx_first (the frames then circulate
between the ports), checked from testpmd's own output: packets crossed
both ways, the link is up at the cable speed, and 'show port xstats' lists
net_ofld's counters with values that agree with the forward statistics."""
import sys
import time

from testpmd_session import Checks, Testpmd, nic_stats, port_stats, xstats

check = Checks()


def main():
    testpmd, so = sys.argv[1], sys.argv[2]
    tp = Testpmd(testpmd, so, ["net_ofld0,pair=tp,speed=40000",
                               "net_ofld1,pair=tp,speed=40000"])
    try:
        info = tp.cmd("show port info 0")
        check("driver name", "Driver name: net_ofld" in info)
        check("link up", "Link status: up" in info)
        check("link speed", "Link speed: 40 Gbps" in info)

        tp.cmd("set fwd io")
        tp.cmd("start tx_first")
        # forward until each port has received and sent more than 1000
        # frames (what the checks below ask of the forward statistics)
        deadline = time.monotonic() + 60
        while True:
            moved = nic_stats(tp.cmd("show port stats all"))
            if all(min(moved.get(p, (0, 0))) > 1000 for p in (0, 1)):
                break
            if time.monotonic() >= deadline:
                print("gave up after 60 s waiting for both ports to "
                      f"receive and send 1000 frames: {moved}")
                break
            time.sleep(0.05)
        out = tp.cmd("stop")
        st = port_stats(out)
        check("stats for both ports", set(st) == {0, 1}, str(st))
        for p in (0, 1):
            rx, tx = st.get(p, (0, 0))
            check(f"port {p} received and sent", rx > 1000 and tx > 1000,
                  f"rx {rx} tx {tx}")

        xs0 = xstats(tp.cmd("show port xstats 0"))
        xs1 = xstats(tp.cmd("show port xstats 1"))
        for name in ("rx_q0_packets", "rx_q0_bytes", "rx_q0_missed",
                     "tx_q0_packets", "tx_q0_link_down",
                     "tx_q0_pacing_stalls", "tx_q0_fault_loss",
                     "tx_q0_peer_overrun"):
            check(f"xstats list {name}", name in xs0 and name in xs1)
        # What port 0 put on the wire, port 1 received or missed, but for
        # the frames still on the cable when forwarding stopped (at most a
        # lane's 4096 slots).
        sent = xs0.get("tx_q0_packets", -1)
        got = xs1.get("rx_q0_packets", -2) + xs1.get("rx_q0_missed", 0)
        check("tx of port 0 == rx + missed of port 1 + on the cable",
              0 <= sent - got < 4096, f"{sent} vs {got}")
        check("xstats agree with ethdev totals",
              xs0.get("tx_q0_packets") == xs0.get("tx_good_packets"))

        tp.cmd("port stop 1")
        info = tp.cmd("show port info 0")
        check("link down when the peer stops", "Link status: down" in info)
    finally:
        rc = tp.quit()
    check("testpmd exits cleanly", rc == 0, f"exit code {rc}")
    rc = check.finish()
    if rc:
        sys.stderr.write(tp.output()[-6000:])
    return rc


if __name__ == "__main__":
    sys.exit(main())
