# SPDX-License-Identifier: Apache-2.0
#
# Shared part of the OVS demos (ovs-demo.sh, pipeline-demo.sh), sourced
# after tests/ovs-kernel/lib.sh: the hosts are the OVS tests'.
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '\033[2m$ %s\033[0m\n' "$*"; "$@"; }
die() { echo "demo: $*" >&2; exit 1; }

# demo_hosts: openvswitch.ko and the two hosts of the OVS tests.
demo_hosts() {
	install_modules && modprobe openvswitch || die "cannot load openvswitch.ko"
	say "Two hosts: underlay 198.51.100.1 and .2, endpoints 192.0.2.1 and .2"
	add_hosts 2 || die "host setup failed"
}

# ping_captured: endpoint 1 pings endpoint 2 while host 2's underlay is
# captured (one datagram from host 1); sets flows1 and flows2 to the hosts'
# datapath flows, read before they expire (10 s idle).
ping_captured() {
	capture_start 2 1 --src 198.51.100.1
	ping_ok 1 2 || die "the ping did not cross"
	appctl 1 revalidator/wait && appctl 2 revalidator/wait
	flows1=$(appctl 1 dpctl/dump-flows)
	flows2=$(appctl 2 dpctl/dump-flows)
}

# show_captured: the captured datagram, decoded by the mdtun dissector.
show_captured() {
	capture_wait
	tshark -r "$tmp/capture.pcap" -X "lua_script:$top/utilities/wireshark/mdtun.lua" \
		-O mdtun -V 2>/dev/null | sed -n '/^MDTUN\|^mdtun\|^Metadata/,/^[A-Z]/p' |
		sed '$d' | sed -n '1,40p'
}

# show_flows FLOWS REGEX: the datapath flows in FLOWS that match REGEX,
# their actions on a line of their own.
show_flows() { echo "$1" | grep -- "$2" | sed 's/), /),\n    /g'; }
