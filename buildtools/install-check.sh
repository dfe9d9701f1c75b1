#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# A user's own program against the installed files (CI's install stage):
#  1. meson install --destdir BUILD_DIR/stage (the machine's DPDK is not
#     touched);
#  2. examples/ofld-hello, copied out of the tree, built with pkg-config
#     only (PKG_CONFIG_PATH into the stage): make (the driver's .so),
#     make static (its archive, DPDK's too), meson;
#  3. each run over the pair cable (IPv4 and IPv6), every byte checked,
#     and dpdk-testpmd loading the staged driver with -d, as the EAL loads
#     it from DPDK's drivers directory after a real install.
# Fails at the first failure.
#   buildtools/install-check.sh      (BUILD_DIR, default build, built)
set -eu

cd "$(dirname "$0")/.."
build=$(cd "${BUILD_DIR:-build}" && pwd)
stage=$build/stage
ex=$build/ofld-hello

# EAL leaves a runtime directory per --file-prefix (ofld-ic-PID-NAME)
rt=/var/run
[ "$(id -u)" -eq 0 ] || rt=${XDG_RUNTIME_DIR:-/tmp}
trap 'rm -rf "$rt/dpdk/ofld-ic-$$-"*' EXIT
say() { echo "install-check: $*"; }
die() { echo "install-check: FAILED: $*" >&2; exit 1; }

case $build in
/tmp/*) die "$build: DPDK's -d refuses a plugin under /tmp (world-writable)" ;;
esac

# a staged libofld.pc finds its prefix from its own place
meson configure "$build" -Dpkgconfig.relocatable=true
rm -rf "$stage" "$ex"
meson install -C "$build" --destdir "$stage" --quiet >/dev/null ||
	die "meson install"
pc=$(find "$stage" -name libofld.pc)
[ -n "$pc" ] || die "no libofld.pc in $stage"
PKG_CONFIG_PATH=$(dirname "$pc")
export PKG_CONFIG_PATH
libdir=$(pkg-config --variable=libdir libofld)
pmd=$stage$(pkg-config --variable=pmddir libofld)/librte_net_ofld.so
[ -e "$pmd" ] || die "the driver is not in the drivers directory: $pmd"
say "staged: $(cd "$stage" && find . -name 'librte_net_ofld.so' \
	-o -name 'rte_pmd_ofld.h' -o -name 'libofld.pc' | sort | tr '\n' ' ')"

cp -r examples/ofld-hello "$ex"
make -s -C "$ex" ofld-hello ofld-hello-static || die "make"
(meson setup "$ex/b" "$ex" >/dev/null && ninja -C "$ex/b" >/dev/null) ||
	die "meson build of the example"

eal="--no-huge -m 1024 --no-pci --no-shconf --no-telemetry -l 0 --log-level=lib.eal:error
--vdev net_ofld0,pair=hello --vdev net_ofld1,pair=hello"
run() {	# run NAME PROGRAM [its own arguments]
	name=$1
	prog=$2
	shift 2
	# shellcheck disable=SC2086
	LD_LIBRARY_PATH=$libdir "$prog" $eal --file-prefix "ofld-ic-$$-$name" \
		-- "$@" || die "$name: $prog $*"
}
run make "$ex/ofld-hello"
run make6 "$ex/ofld-hello" --ipv6
run static "$ex/ofld-hello-static"
run meson "$ex/b/ofld-hello" --ipv6

# a program that does not link the driver: testpmd with -d, 64 frames
# each way across the cable
out=$(echo | dpdk-testpmd --no-huge -m 1024 --no-pci --no-shconf -l 0,1 \
	--file-prefix "ofld-ic-$$-tp" -d "$pmd" \
	--vdev net_ofld0,pair=tp --vdev net_ofld1,pair=tp \
	-- --total-num-mbufs=16384 --tx-first 2>&1) || die "testpmd -d: $out"
echo "$out" | grep -q 'TX-packets: [1-9]' || die "testpmd -d sent nothing: $out"
say "testpmd -d $(basename "$pmd"): frames across the cable"
say "ok"
