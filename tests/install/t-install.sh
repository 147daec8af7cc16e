#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# make install DESTDIR=... prefix=/usr puts exactly the designed files in
# place, each usable from there, and make uninstall removes every one of
# them.  The places expected are Debian's own, read from the tools that
# will look there (ip's compiled-in plugin directory, tshark's Lua plugin
# folder, the modules' vermagic), not from our configure.
#
# Run by tests/lib/run-tests.sh (make check, suite install) with BUILDDIR
# (a configured, built tree) and MAKE in the environment.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/lib/checks.sh"

builddir=${BUILDDIR:?BUILDDIR: the configured build tree}
make=${MAKE:-make}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

# ---- Where things must go ------------------------------------------------
kver=$(/usr/sbin/modinfo -F vermagic "$top/datapath/mdtun.ko" | awk '{ print $1 }')
ipdir=$(strings -a "$(command -v ip)" | grep -x '/usr/lib/.*/ip' | head -n 1)
luadir=$(tshark -G folders 2>/dev/null | awk -F':[ \t]*' '$1 == "Global Lua Plugins" { print $2 }')
for v in kver ipdir luadir; do
	[ -n "${!v}" ] || { t_error "cannot tell $v"; exit 1; }
done

expected_files() {
	cat <<EOF
lib/modules/$kver/updates/mdtun.ko
lib/modules/$kver/updates/vport-mdtun.ko
${ipdir#/}/link_mdtun.so
${luadir#/}/mdtun.lua
usr/bin/mdtun-ctl
usr/libexec/ovs-mdtun/ovs-vswitchd-mdtun
usr/share/man/man7/ovs-mdtun.7
usr/share/man/man8/ip-link-mdtun.8
usr/share/man/man8/mdtun-ctl.8
EOF
}

# installed_files: every file and symlink under $dest, relative, sorted.
installed_files() {
	(cd "$dest" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort)
}

# ---- Install ---------------------------------------------------------------
check install "$make" -C "$builddir" install DESTDIR="$dest" prefix=/usr
# (With DESTDIR no depmod ran: its output would be in the list.)
check_eq file-list "$(expected_files | LC_ALL=C sort)" "$(installed_files)"

# Each installed piece works from where it is.
check_eq module-alias-rtnl rtnl-link-mdtun \
	"$(/usr/sbin/modinfo -F alias "$dest/lib/modules/$kver/updates/mdtun.ko")"
check_eq module-alias-vport vport-type-200 \
	"$(/usr/sbin/modinfo -F alias "$dest/lib/modules/$kver/updates/vport-mdtun.ko")"
check_match ovs-vswitchd-runs '^ovs-vswitchd-mdtun \(Open vSwitch\) 3\.1\.0$' \
	"$dest/usr/libexec/ovs-mdtun/ovs-vswitchd-mdtun" --version
check_match mdtun-ctl-runs 'mdtun-ctl add' "$dest/usr/bin/mdtun-ctl" --help
check_match ip-loads-plugin 'Usage: \.\.\. mdtun' \
	env IP_LIB_DIR="$dest$ipdir" ip link help mdtun
check_match tshark-loads-dissector '^mdtun\b' \
	bash -o pipefail -c "tshark -G protocols -X lua_script:'$dest$luadir/mdtun.lua' 2>/dev/null | cut -f3"
check_match man-page-renders 'ip-link-mdtun' \
	man -l "$dest/usr/share/man/man8/ip-link-mdtun.8"

# ---- Uninstall -------------------------------------------------------------
check uninstall "$make" -C "$builddir" uninstall DESTDIR="$dest" prefix=/usr
check_eq nothing-left "" "$(installed_files)"

t_done
