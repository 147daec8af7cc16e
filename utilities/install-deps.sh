#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
#
# Install every Debian 12 package that building, testing, the demo and the
# benchmarks of ovs-mdtun need.  Idempotent: packages already present are
# left alone, and apt is not even asked when nothing is missing.
#
# Usage: utilities/install-deps.sh [--print]
#   --print   list the packages and exit (for documentation and CI logs)
set -eu

PACKAGES="
autoconf automake libtool pkg-config make gcc g++ clang libclang-rt-14-dev
libgtest-dev libgmock-dev libbenchmark-dev valgrind
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev
linux-headers-amd64 linux-image-amd64 linux-source-6.1 kmod
openvswitch-source libssl-dev libcap-ng-dev libunbound-dev python3
qemu-system-x86 busybox-static cpio xz-utils xxd patch
iproute2 ethtool python3-scapy tshark iperf3
"

if [ "${1:-}" = "--print" ]; then
	echo $PACKAGES
	exit 0
fi

missing=""
for pkg in $PACKAGES; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	case "$status" in
	*" installed") ;;
	*) missing="$missing $pkg" ;;
	esac
done

if [ -z "$missing" ]; then
	echo "install-deps: all $(echo $PACKAGES | wc -w) packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing:$missing" >&2
	echo "install-deps: run as root (or with sudo) to install them" >&2
	exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer for it.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
