#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Devices and the module coming and going while packets flow: unloading the
# module with devices up and a flood running; 100 create/delete cycles
# (the shared UDP socket must be released each time); deleting a
# namespace with live devices under traffic; and a device moved out of its
# link namespace going away with that namespace.  Any leak, use after free
# or refcount slip shows as a failure here or as a kernel report, which
# mdtun-vm turns into a failure.
. "$(dirname "$0")/lib.sh"

# no_mdtun_links HOST: HOST has no mdtun device left.
no_mdtun_links() { ! on "$1" ip -d link show | grep -q 'mdtun '; }
# port_bound HOST PORT: some UDP socket listens on PORT in HOST.
port_bound() { on "$1" ss -Hlun "sport = :$2" | grep -q ":$2"; }

pair() {
	local k
	for k in 1 2; do
		ctl "h$k" add m4 id 42 remote "198.51.100.$((3 - k))" &&
		ctl "h$k" add ext external carry mark trust 198.51.100.0/24 &&
		quiet "h$k" m4 ext &&
		overlay "h$k" m4 "192.0.2.$k/24" &&
		on "h$k" ip link set ext up || return 1
	done
}

check load load_mdtun
mkhosts 2
check devices pair
check ping-before-unload ping_ok h1 192.0.2.2

# ---- Unload under traffic -------------------------------------------------------

flood h1 192.0.2.2 20
flood1=$!
flood h2 192.0.2.1 20
flood2=$!
check flood-running-h1 flowing h1 m4
check flood-running-h2 flowing h2 m4
check rmmod-with-devices-and-traffic rmmod mdtun
check module-gone sh -c '! grep -q "^mdtun " /proc/modules'
check h1-devices-gone no_mdtun_links h1
check h2-devices-gone no_mdtun_links h2
check socket-released-after-unload sh -c "! ip netns exec h2 ss -Hlun 'sport = :7081' | grep -q 7081"
kill "$flood1" "$flood2" 2>/dev/null
wait "$flood1" "$flood2" 2>/dev/null
check reload load_mdtun
check devices-again pair
check ping-after-reload ping_ok h1 192.0.2.2
# The reloaded module set up its per-namespace state (/proc/net/mdtun) in
# namespaces that existed before it.
check_match proc-net-mdtun-after-reload '^rx_unknown_vni 0$' on h1 cat /proc/net/mdtun

# ---- 100 create/delete cycles -------------------------------------------------------

cycles() {
	local i
	for i in $(seq 1 100); do
		# Alternate fixed and collect-metadata devices on one new port,
		# so that each cycle opens and closes the shared socket.
		if [ $((i % 2)) = 0 ]; then
			"$MDTUN_CTL" add "c$i" id $((1000 + i)) remote 198.51.100.2 port 7099
		else
			"$MDTUN_CTL" add "c$i" external port 7099
		fi || { echo "add c$i failed"; return 1; }
		ip link set "c$i" up || return 1
		"$MDTUN_CTL" del "c$i" || { echo "del c$i failed"; return 1; }
	done
}
proc_before=$(on h1 cat /proc/net/mdtun)
t0=$(date +%s%N)
check 100-create-delete-cycles on h1 bash -c "MDTUN_CTL=$MDTUN_CTL; $(declare -f cycles); cycles"
log "100 cycles in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check no-device-left sh -c "! ip netns exec h1 ip -o link show | grep -Eq '^[0-9]+: c[0-9]+[:@]'"
check_fails port-7099-released port_bound h1 7099
check port-7081-still-bound port_bound h1 7081
check_eq proc-net-mdtun-unchanged-by-cycles "$proc_before" "$(on h1 cat /proc/net/mdtun)"
check ping-unaffected-by-cycles ping_ok h1 192.0.2.2

# ---- Namespace deletion with live devices ------------------------------------------

flood h1 192.0.2.2 15
flood1=$!
check flood-running flowing h1 m4
check delete-h2-under-traffic ip netns delete h2
# The namespace is dismantled asynchronously; h1's end of the veth goes
# with h2's.
check_within h1-underlay-gone-with-h2 20 sh -c '! ip -n h1 link show ul'
check h1-device-survives on h1 ip link show m4
# h2's end of the underlay went with it: h1's packets now find no route,
# which its device counts.
nr=$(stat h1 m4 tx_no_route)
on h1 busybox ping -q -c 3 -W 1 192.0.2.2 >/dev/null 2>&1
check_ge h1-counts-no-route $((nr + 1)) "$(stat h1 m4 tx_no_route)"
kill "$flood1" 2>/dev/null
wait "$flood1" 2>/dev/null

# A device created in h3 (its link namespace: sockets, routes) and moved to
# h4 keeps working there and goes away when h3 is deleted.
ip netns add h3
ip netns add h4
ip link add ul netns h3 type veth peer name ul3 netns h1
ip -n h3 addr add 198.51.100.3/24 dev ul
ip -n h3 link set ul up
ip -n h1 link set ul3 up
on h1 ip addr add 198.51.100.33/24 dev ul3 2>/dev/null
ctl h3 add mv id 7 remote 198.51.100.33
ip -n h3 link set mv netns h4
check moved-device-in-h4 on h4 ip link show mv
check delete-link-netns ip netns delete h3
check_within moved-device-gone-with-link-netns 20 sh -c '! ip -n h4 link show mv'
ip netns delete h4

check dmesg dmesg_clean
t_done
