#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Build this tree against every DPDK LTS Debian ships and run its unit, pmd
# and testpmd suites there (and interop where network namespaces work):
#   22.11  the host (Debian 12): a build of its own in the cache, or the
#          README test command's run if OFLD_MATRIX_HOST_LOG names its
#          testlog.json (CI);
#   24.11  Debian 13 (trixie), 25.11  Debian unstable (sid): a root file
#          system of each made with mmdebstrap from Debian's archive (DPDK,
#          Meson, CUnit, tshark, scapy inside), kept in the cache and
#          reused; the tree is bind-mounted read-only and built afresh.
# One line per DPDK version, e.g.
#   dpdk-matrix: 24.11.8 (trixie): build ok, 19/19 passed, 2m58s
# exit status 0 only if every version built and passed.
# Time on 2 cores: about 3 minutes per version once the root file systems
# are cached; making one costs about 2 minutes more (downloads). With the
# host's line from OFLD_MATRIX_HOST_LOG: 6 minutes cached, 10 cold.
#
# usage: dpdk-matrix.sh [CACHE_DIR]   (as root: chroot, mount)
# env: OFLD_MATRIX_CACHE  cache (default ${XDG_CACHE_HOME:-~/.cache}/ofld-matrix)
#      OFLD_MATRIX_SUITES Debian suites (default "trixie sid")
#      OFLD_MATRIX_MIRROR archive (default http://deb.debian.org/debian)
#      OFLD_MATRIX_HOST_LOG  testlog.json of the host's run (skip 22.11's)
#      OFLD_MATRIX_LOCK   a file to flock around builds and test runs
#      OFLD_DPDK_SRC      passed on (buildtools/fetch-sdk-headers.sh)
#      OFLD_MATRIX_ALLOW_NO_SDK=1  a version whose source package the
#                         archive does not serve (404: no driver SDK
#                         headers) is NOT TESTED, not a failure
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${1:-${OFLD_MATRIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ofld-matrix}}
SUITES=${OFLD_MATRIX_SUITES:-trixie sid}
MIRROR=${OFLD_MATRIX_MIRROR:-http://deb.debian.org/debian}
TEST_SUITES="unit pmd testpmd" # and interop where namespaces work
# Inside each root: what the build and the three (four) suites need
# (dpdk-testpmd is in dpdk-dev).
PKGS="libdpdk-dev dpdk dpdk-dev libnuma-dev libpcap-dev libcunit1-dev meson
ninja-build pkg-config gcc g++ python3 python3-scapy tshark iproute2
ethtool nftables xz-utils git ca-certificates"
MOUNTS=()

source "$TOP/buildtools/matrix-lib.sh"

[ "$(id -u)" -eq 0 ] || die "run as root (mmdebstrap, chroot, mount)"
command -v mmdebstrap >/dev/null ||
	die "mmdebstrap is missing: apt-get install mmdebstrap"
mkdir -p "$CACHE" || die "cannot create the cache $CACHE"
CACHE=$(cd "$CACHE" && pwd)
trap unmount_all EXIT
trap on_signal INT TERM

rc=0
host_line || rc=1
for suite in $SUITES; do
	suite_line "$suite" || rc=1
done
exit $rc
