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
iproute2 ethtool python3-scapy tshark iperf3 dpkg-dev
debhelper dh-dkms dkms lintian fakeroot
"

# Debian source packages whose headers the build takes (iproute2's link-type
# plugin interface, for utilities/iproute2/link_mdtun.so; QEMU's TCG plugin
# interface, for make bench's utilities/bench/insn-count.so).  They are
# fetched with a private sources list, so the machine's own apt sources are
# neither used for deb-src nor changed; apt verifies the index with
# Debian's keyring and dpkg-source the files against the .dsc.  Cached in
# deb-src/ of the source tree, where configure looks for them.
SOURCE_PACKAGES="iproute2 qemu"
DEB_SRC_MIRROR=${MDTUN_DEB_SRC_MIRROR:-http://deb.debian.org/debian}
DEB_SRC_DIR=$(cd "$(dirname "$0")/.." && pwd)/deb-src

# Debian binary packages that the package test (tests/package/) installs
# in the VM before ours, with whichever of their dependencies this machine
# lacks (the VM's root starts as a copy of this machine's): downloaded, not
# installed, into deb-src/binary/.
TEST_PACKAGES="openvswitch-switch"
DEB_BIN_DIR=$DEB_SRC_DIR/binary

if [ "${1:-}" = "--print" ]; then
	echo $PACKAGES
	echo "source packages: $SOURCE_PACKAGES"
	echo "downloaded for the package test: $TEST_PACKAGES"
	exit 0
fi

# fetch_test_debs: $TEST_PACKAGES and their missing dependencies, as apt
# would install them here (apt-get download checks their hashes).
fetch_test_debs() {
	local want pkg
	[ -f "$DEB_BIN_DIR/.complete" ] && return 0
	# The VM's root is this machine's: the package test installs Debian's
	# Open vSwitch on it, so it must not be here already (apt would then
	# have nothing to download either).
	for pkg in $TEST_PACKAGES; do
		if dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q ' installed$'; then
			echo "install-deps: $pkg is installed on this machine; the package test (make check, suite package) needs a root without it: apt-get purge $pkg" >&2
			return 1
		fi
	done
	# shellcheck disable=SC2086 # lists of words
	want=$(apt-get -s -qq install $TEST_PACKAGES |
		awk '$1 == "Inst" { sub(/^\(/, "", $3); print $2 "=" $3 }') &&
		[ -n "$want" ] ||
		{ echo "install-deps: apt cannot resolve $TEST_PACKAGES" >&2; return 1; }
	echo "install-deps: downloading for the package test:" $want
	rm -rf "$DEB_BIN_DIR" && mkdir -p "$DEB_BIN_DIR" || return 1
	# shellcheck disable=SC2086
	(cd "$DEB_BIN_DIR" && apt-get download -q $want) || return 1
	touch "$DEB_BIN_DIR/.complete"
}

# fetch_sources: every $SOURCE_PACKAGES not yet in $DEB_SRC_DIR.
fetch_sources() {
	local pkg need="" lists
	for pkg in $SOURCE_PACKAGES; do
		ls "$DEB_SRC_DIR/$pkg"_*.dsc >/dev/null 2>&1 || need="$need $pkg"
	done
	[ -n "$need" ] || return 0
	echo "install-deps: fetching Debian source packages:$need"
	mkdir -p "$DEB_SRC_DIR/.apt/lists/partial"
	lists="$DEB_SRC_DIR/.apt"
	echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $DEB_SRC_MIRROR bookworm main" \
		>"$lists/sources.list"
	set -- -o Dir::Etc::SourceList="$lists/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$lists/lists"
	apt-get "$@" update -q || return 1
	# shellcheck disable=SC2086
	(cd "$DEB_SRC_DIR" && apt-get "$@" source --download-only -q $need)
}

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
	fetch_sources
	fetch_test_debs
	exit
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
fetch_sources
fetch_test_debs
