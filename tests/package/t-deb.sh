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
# package then leaves the system as it was before they came.  Then make
# install and make uninstall from the build tree, without DESTDIR.
#
# Run by tests/lib/run-tests.sh (make check, suite package; make
# check-package) in the VM, with DEB_DIR (our .debs), DEBIAN_DEBS
# (Debian's), BUILDDIR, OVS_BUILD and MAKE in the environment.
. "$(dirname "$0")/../kernel/lib.sh"

deb_dir=${DEB_DIR:?DEB_DIR: the directory make deb wrote}
builddir=${BUILDDIR:?BUILDDIR: the configured, built tree (for make install)}
ovs_build=${OVS_BUILD:?OVS_BUILD: its OVS build (for the schema)}
make=${MAKE:-make}
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

# What changed: the VM's root is the host's under an overlay
# (utilities/vm/init), so every file created, changed or deleted since boot
# (a deletion is a whiteout, a 0:0 character device) is in the overlay's
# upper layer, and what a path was before it changed is in the lower one.
# The system is as before when every path in the upper layer now is
# described -- type, link target, checksum of a file -- as it was: as in the
# upper layer then, or, for a path that has entered it since, as in the
# lower one.  Left out: logs, caches, /tmp and /root; dpkg's backups
# (*-old) and locks; ovs-ctl's database and system id (/etc/openvswitch,
# /var/lib/openvswitch); and the signing key that DKMS makes on its first
# build (/var/lib/dkms/mok.*), which DKMS keeps for every later module.
upper=/run/mdtun-vm-rw/upper
lower=/run/mdtun-vm-lower
[ -d "$upper" ] && [ -d "$lower/usr" ] ||
	{ t_error "no overlay layers at $upper and $lower (run in utilities/mdtun-vm)"; exit 1; }
changed_paths() {
	(cd "$upper" && find . \( -path ./tmp -o -path ./root -o -path ./var/log -o \
		-path ./var/cache -o -path ./etc/openvswitch -o \
		-path ./var/lib/openvswitch -o -path './var/lib/dkms/mok.*' -o \
		-path './var/lib/dpkg/*-old' -o -path './var/lib/dpkg/lock*' -o \
		-path ./var/lib/dpkg/triggers/Lock \) -prune -o -print) | LC_ALL=C sort
}
# describe LAYER: each path read from stdin that exists in LAYER.  (One
# python process: a fork per path costs a minute under TCG.)
describe() {
	"$PY" -c '
import hashlib, os, stat, sys
layer = sys.argv[1]
for p in sys.stdin.read().splitlines():
    f = os.path.join(layer, p)
    try:
        st = os.lstat(f)
    except FileNotFoundError:
        continue
    if stat.S_ISLNK(st.st_mode):
        print(p, "->", os.readlink(f))
    elif stat.S_ISCHR(st.st_mode) and st.st_rdev == 0:
        print(p, "deleted")
    elif stat.S_ISREG(st.st_mode):
        with open(f, "rb") as data:
            print(p, "file", hashlib.md5(data.read()).hexdigest())
    elif stat.S_ISDIR(st.st_mode):
        print(p, "directory")
    else:
        print(p, "mode %o" % stat.S_IFMT(st.st_mode))
' "$1"
}

# What differs from the state saved by save_state, as diff prints it.
save_state() {
	state_paths=$(mktemp) state=$(mktemp)
	changed_paths >"$state_paths"
	describe "$upper" <"$state_paths" >"$state"
}
changes_since_saved() {
	local now_paths now was
	now_paths=$(mktemp) now=$(mktemp) was=$(mktemp)
	changed_paths >"$now_paths"
	describe "$upper" <"$now_paths" | LC_ALL=C sort >"$now"
	{ cat "$state"; LC_ALL=C comm -13 "$state_paths" "$now_paths" |
		describe "$lower"; } | LC_ALL=C sort >"$was"
	diff "$was" "$now"
	rm -f "$now_paths" "$now" "$was"
}

vswitchd_choice() { readlink -f /usr/sbin/ovs-vswitchd; }

# No service starts from a maintainer script: ovs-ctl is run by hand here.
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod +x /usr/sbin/policy-rc.d
# Nor does man-db re-index every page after each dpkg run (minutes under
# TCG; the VM's root is thrown away anyway).
rm -f /var/lib/man-db/auto-update
export DPKG_FORCE=unsafe-io

# ---- Debian's Open vSwitch -----------------------------------------------
log "installing Debian's Open vSwitch"
check debian-ovs-installs dpkg -i "$debian_debs"/*.deb
check_eq alternative-is-debian "$ALT_DEBIAN" "$(vswitchd_choice)"
save_state

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
# Our daemon's database code is generated from our OVS's schema; Debian's
# ovsdb-server serves Debian's.  They must be the same schema, checksum
# and all, for the daemon to read and write every column it knows.
check_eq schema-agrees \
	"$(ovsdb-tool schema-cksum "$ovs_build/vswitchd/vswitch.ovsschema" 2>&1)" \
	"$(ovsdb-client get-schema-cksum Open_vSwitch 2>&1)"
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
check_eq system-as-before "" "$(changes_since_saved)"

# ---- make install from the tree, beside Debian's OVS ----------------------
# Without DESTDIR, make install registers our daemon as an ovs-vswitchd
# alternative too, and runs depmod so that modprobe finds the modules in
# updates/; make uninstall undoes both.  An explicit prefix, so that the
# path expected does not depend on how the tree was configured.
log 'make install from the build tree'
prefix=/usr/local
check make-install "$make" -s -C "$builddir" install prefix=$prefix
check_eq make-install-alternative "$prefix/libexec/ovs-mdtun/ovs-vswitchd-mdtun" \
	"$(vswitchd_choice)"
check_eq make-install-modprobe-finds "/lib/modules/$kver/updates/mdtun.ko" \
	"$(modinfo -n mdtun 2>&1)"
check make-install-modprobe modprobe vport_mdtun
check_match make-install-deps-loaded '^udp_tunnel ' cat /proc/modules
check make-install-unload modprobe -r vport_mdtun mdtun
check make-uninstall "$make" -s -C "$builddir" uninstall prefix=$prefix
check_eq make-uninstall-alternative "$ALT_DEBIAN" "$(vswitchd_choice)"
check_fails make-uninstall-modules-gone modinfo mdtun
# Automake's uninstall leaves the directories install made (an
# autotools convention): new empty directories are all it may leave.
check_eq make-uninstall-leaves-system "" \
	"$(changes_since_saved | grep '^[<>]' | grep -v '^> .* directory$')"
rm -f "$state" "$state_paths"

t_done
