#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The Debian packages (make deb), on the VM's clean root: Debian's own
# openvswitch-switch goes in first (from .debs that install-deps fetched),
# then mdtun-dkms, mdtun-utils and openvswitch-switch-mdtun with dpkg -i.
# DKMS builds the modules for the VM's kernel, modprobe finds them, ip
# makes a working tunnel with the installed plugin and reports it, Debian's
# ovs-ctl starts our daemon through the ovs-vswitchd alternative and an
# ovs-vsctl mdtun port (vport-mdtun autoloaded) carries traffic to that
# tunnel, tshark decodes it with the installed dissector; dpkg -r of each
# package then leaves the system as it was before they came.
#
# Run by tests/lib/run-tests.sh (make check-package, suite package) in the VM, with
# DEB_DIR (our .debs) and DEBIAN_DEBS (Debian's) in the environment.
. "$(dirname "$0")/../kernel/lib.sh"

deb_dir=${DEB_DIR:?DEB_DIR: the directory make deb wrote}
debian_debs=${DEBIAN_DEBS:?DEBIAN_DEBS: Debian openvswitch-switch .debs}
kver=$(uname -r)
ours="mdtun-dkms mdtun-utils openvswitch-switch-mdtun"
debs=()
for p in $ours; do
	f=$(ls "$deb_dir/${p}_"*.deb 2>/dev/null | head -n 1)
	[ -n "$f" ] || { t_error "no $p .deb in $deb_dir (make deb)"; exit 1; }
	debs+=("$f")
done
ls "$debian_debs"/openvswitch-switch_*.deb >/dev/null 2>&1 ||
	{ t_error "no Debian openvswitch-switch .deb in $debian_debs (utilities/install-deps.sh)"; exit 1; }

ALT_DEBIAN=/usr/lib/openvswitch-switch/ovs-vswitchd
ALT_MDTUN=/usr/lib/openvswitch-switch-mdtun/ovs-vswitchd-mdtun
OVS_CTL=/usr/share/openvswitch/scripts/ovs-ctl

# snapshot: what the packages may touch, as a list (paths, symlink
# targets, sizes of all but directories: the overlay's copy-up changes
# those) and checksums of the files that are rewritten in place.  Left
# out: /etc/openvswitch (ovs-ctl's database) and the signing key that
# DKMS makes on its first build (/var/lib/dkms/mok.*), which DKMS keeps
# for every later module it builds.
snapshot() {
	find /etc /usr /var/lib/dkms /var/lib/dpkg/alternatives -xdev \
		\( -path /etc/openvswitch -o -path '/var/lib/dkms/mok.*' \) -prune -o \
		\( -type d -printf '%p d\n' \) -o \
		-printf '%p %y %l %s\n' 2>/dev/null | LC_ALL=C sort
	md5sum /lib/modules/"$kver"/modules.* /var/lib/dpkg/alternatives/ovs-vswitchd
}

vswitchd_choice() { readlink -f /usr/sbin/ovs-vswitchd; }

# No service starts from a maintainer script: ovs-ctl is run by hand here.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
# Nor does man-db re-index every page after each dpkg run (minutes under
# TCG; the VM's root is thrown away anyway).  The snapshots below leave
# /var/cache out for the same reason.
rm -f /var/lib/man-db/auto-update
export DPKG_FORCE=unsafe-io

# ---- Debian's Open vSwitch -----------------------------------------------
log "installing Debian's Open vSwitch"
check debian-ovs-installs dpkg -i "$debian_debs"/*.deb
check_eq alternative-is-debian "$ALT_DEBIAN" "$(vswitchd_choice)"
before=$(mktemp)
snapshot >"$before"

# ---- Ours --------------------------------------------------------------
log 'installing ours (DKMS builds the modules)'
check install-ours dpkg -i "${debs[@]}"
check_match dkms-built "^mdtun/[^,]*, $kver, x86_64: installed" dkms status mdtun
check_eq alternative-is-mdtun "$ALT_MDTUN" "$(vswitchd_choice)"
check_eq modprobe-finds-dkms-module "/lib/modules/$kver/updates/dkms/mdtun.ko" \
	"$(modinfo -n mdtun 2>&1)"
check modprobe modprobe mdtun

# ---- ip link ... type mdtun with the installed plugin (no IP_LIB_DIR) ----
unset IP_LIB_DIR
mkhosts 2
check ip-add-h1 on h1 ip link add mdt0 type mdtun id 42 remote 198.51.100.2 carry mark
check ip-add-h2 on h2 ip link add mdt0 type mdtun id 42 remote 198.51.100.1 carry mark
overlay h1 mdt0 192.0.2.1/24
overlay h2 mdt0 192.0.2.2/24
check_within ip-tunnel-carries 20 ping_ok h1 192.0.2.2
check_eq ip-json-reports "mdtun 42 198.51.100.2 mark" "$(on h1 ip -d -j link show mdt0 |
	"$PY" -c 'import json, sys
d = json.load(sys.stdin)[0]["linkinfo"]
i = d["info_data"]
print(d["info_kind"], i["id"], i["remote"], ",".join(i["carry"]))' 2>&1)"

# tshark, as root, loads the installed dissector on its own.
cap=$(mktemp /tmp/mdtun-deb.XXXXXX.pcap)
on h2 tshark -q -i ul -f "udp port 7081" -c 4 -w "$cap" >/dev/null 2>&1 &
tshark_pid=$!
wait_until 30 sh -c "[ -s '$cap' ]"
send_pings h1 192.0.2.2 4
wait_until 20 sh -c "! kill -0 $tshark_pid"
kill "$tshark_pid" 2>/dev/null
check_match tshark-decodes '^42$' sh -c \
	"tshark -r '$cap' -Y mdtun -T fields -e mdtun.vni 2>/dev/null | sort -u"
rm -f "$cap"

# ---- Debian's ovs-ctl runs our daemon ------------------------------------
# The OVS host is the root namespace; its peer is h3, with an ip-made
# mdtun device.
ip netns add h3
ip link add ovsul type veth peer name ul netns h3
ip addr add 198.51.100.1/24 dev ovsul
ip link set ovsul up
on h3 ip addr add 198.51.100.3/24 dev ul
on h3 ip link set ul up
on h3 ip link set lo up
on h3 ip link add mdt0 type mdtun id 77 remote 198.51.100.1
overlay h3 mdt0 192.0.2.3/24
check ovs-ctl-start "$OVS_CTL" start --system-id=random --no-mlockall
check_match debian-appctl-talks-to-ours 'Open vSwitch\) 3\.1\.0' ovs-appctl version
check_eq daemon-is-ours "$ALT_MDTUN" "$(readlink -f /proc/"$(cat /var/run/openvswitch/ovs-vswitchd.pid)"/exe)"
check add-bridge ovs-vsctl add-br br0
check add-port ovs-vsctl add-port br0 t0 -- set interface t0 type=mdtun \
	options:remote_ip=198.51.100.3 options:key=77
check_eventually_eq port-up 10 '[]' ovs-vsctl get interface t0 error
ip addr add 192.0.2.1/24 dev br0
ip link set br0 up
check_within ovs-port-carries 30 ping_ok h3 192.0.2.1
# (An OVS 3.1 daemon that started without upcall handlers loses them all.)
check_match no-upcall-lost 'lost:0' ovs-appctl dpctl/show
check_match vport-mdtun-autoloaded "^/lib/modules/$kver/updates/dkms/vport-mdtun.ko" \
	sh -c 'grep -q "^vport_mdtun " /proc/modules && modinfo -n vport_mdtun'
check_match mdtun-show 't0' ovs-appctl mdtun/show
check ovs-del-br ovs-vsctl del-br br0
check ovs-ctl-stop "$OVS_CTL" stop
ovs-dpctl del-dp ovs-system 2>/dev/null

# ---- Removal -----------------------------------------------------------
check remove-ovs dpkg -r openvswitch-switch-mdtun
check_eq alternative-restored "$ALT_DEBIAN" "$(vswitchd_choice)"
check remove-utils dpkg -r mdtun-utils
check remove-dkms dpkg -r mdtun-dkms
check_eq modules-unloaded "" "$(grep -E '^(mdtun|vport_mdtun) ' /proc/modules)"
check_fails modules-gone modinfo mdtun
after=$(mktemp)
snapshot >"$after"
check_eq system-as-before "" "$(diff "$before" "$after")"
rm -f "$before" "$after"

t_done
