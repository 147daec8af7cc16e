#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# A locally generated packet fits in front of the outer headers without a
# reallocation: the device's headroom covers the underlay's link-layer
# header, the outer IP and UDP headers, the mdtun header and the fields a
# fixed device carries, and for a collect-metadata device a budget of four
# 4-byte options (docs/performance.md).  Counted with a kprobe on
# pskb_expand_head() while 200 small UDP datagrams cross each tunnel; the
# kernel's geneve, which sizes its headroom the same way, is the check that
# the method can read zero at all.
. "$(dirname "$0")/lib.sh"

tr=/sys/kernel/tracing
probe=mdtun_t/mdtun_expand
n_send=200
opts4=0102:01:00000001,0102:02:00000002,0102:03:00000003,0102:04:00000004

probe_cleanup() {
	echo 0 >"$tr/events/$probe/enable" 2>/dev/null
	echo "-:$probe" >>"$tr/kprobe_events" 2>/dev/null
	t_cleanup
}
trap probe_cleanup EXIT

# expand_hits: pskb_expand_head() calls since the probe was set, from
# kprobe_profile ("NAME NHIT NMISSED"); fails if the probe is not there.
expand_hits() {
	awk '$1 == "mdtun_expand" { print $2; found = 1 }
	     END { if (!found) { print "ERROR: expand_hits: no probe mdtun_expand" > "/dev/stderr"; exit 1 } }' \
		"$tr/kprobe_profile"
}

check load load_mdtun
mountpoint -q "$tr" || mount -t tracefs nodev "$tr"
check kprobe-set sh -c "echo 'p:$probe pskb_expand_head' >>$tr/kprobe_events &&
	echo 1 >$tr/events/$probe/enable"
check_eq kprobe-reads 0 "$(expand_hits)"

# opts4_to HOST DEV SRC FAR PORT: DEV's packets go from SRC to FAR:PORT
# with four options.
opts4_to() {
	on "h$1" tc qdisc add dev "$2" clsact &&
	on "h$1" tc filter add dev "$2" egress matchall action \
		tunnel_key set src_ip "$3" dst_ip "$4" id 46 dst_port "$5" \
		geneve_opts "$opts4"
}

mkhosts 2
modprobe geneve
for k in 1 2; do
	peer4=198.51.100.$((3 - k))
	peer6=2001:db8:1::$((3 - k))
	ctl h$k add m4 id 42 remote "$peer4"
	ctl h$k add m6 id 43 remote "$peer6"
	ctl h$k add mc id 44 remote "$peer4" port 7082 carry mark,priority
	on h$k ip link add g4 type geneve id 45 remote "$peer4"
	overlay h$k m4 192.0.2.$k/26
	overlay h$k m6 192.0.2.$((64 + k))/26
	overlay h$k mc 192.0.2.$((128 + k))/26
	overlay h$k g4 192.0.2.$((192 + k))/26
	# Collect-md, over each underlay family, four options from tc.
	ctl h$k add x4 external port 7085
	ctl h$k add x6 external port 7086
	check "tc-x4-h$k" opts4_to "$k" x4 198.51.100.$k "$peer4" 7085
	check "tc-x6-h$k" opts4_to "$k" x6 2001:db8:1::$k "$peer6" 7086
	overlay h$k x4 203.0.113.$k/26
	overlay h$k x6 203.0.113.$((64 + k))/26
	quiet h$k m4 m6 mc g4 x4 x6
done
# A socket that never reads: no port-unreachable error comes back.
on h2 "$PY" -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9))
time.sleep(3600)' &
check sink-listens wait_until 20 listening h2 udp 9
# Resolve the neighbours first: ARP is not what is measured.
for addr in 192.0.2.2 192.0.2.66 192.0.2.130 192.0.2.194 203.0.113.2 \
	203.0.113.66; do
	check "ping-$addr" ping_ok h1 "$addr" 1
done

# rx_reached DEV N: h2's DEV has received N packets.
rx_reached() {
	local v
	v=$(link_stat h2 "$1" rx_packets) && [ "$v" -ge "$2" ]
}

# send_small DEV ADDR: n_send 64-byte UDP datagrams from a socket in h1 to
# ADDR through DEV; waits until h2's DEV has received them all, then
# prints the reallocations counted meanwhile.
send_small() {
	local dev=$1 addr=$2 rx0 hits0
	rx0=$(link_stat h2 "$dev" rx_packets) || return 1
	hits0=$(expand_hits) || return 1
	on h1 "$PY" -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[2])):
    s.sendto(bytes(64), (sys.argv[1], 9))' "$addr" "$n_send" || return 1
	wait_until 30 rx_reached "$dev" $((rx0 + n_send)) ||
		{ t_error "send_small: $dev did not receive $n_send packets"; return 1; }
	echo $(($(expand_hits) - hits0))
}

# At most a few reallocations among 200 packets: whatever else the system
# did meanwhile; one per packet is the failure this test is about.
for case in g4:192.0.2.194 m4:192.0.2.2 m6:192.0.2.66 mc:192.0.2.130 \
	x4:203.0.113.2 x6:203.0.113.66; do
	dev=${case%%:*}
	n=$(send_small "$dev" "${case#*:}")
	log "$dev: ${n:-(no count)} reallocations for $n_send packets"
	check_le "$dev-no-reallocation" 5 "$n"
done

t_done
