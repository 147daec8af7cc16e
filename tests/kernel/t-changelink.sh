#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Changing mdtun devices through rtnetlink (RTM_NEWLINK on an existing
# link, tests/lib/nl.py): every attribute that may change on a live device
# changed, read back with RTM_GETLINK and -- TTL, TOS, DF, the UDP checksum
# and the carried fields -- seen on the wire; IPv6 zero checksums seen by
# the receiver's counter.  What must not change on a live device (VNI,
# addresses, port; the mode; fixed-only attributes of an external device)
# refused with its errno and extack text, leaving the device exactly as it
# was, even when the request also held allowed changes; the same changes
# accepted while the device is down, and traffic on the new VNI and port.
# The MTU after carry (and family) changes: one at its default follows the
# overhead, one set by the administrator stays.  A vport's device changed
# the same way: the vport reports the device's options as they are now.
#
# Default MTU (the design): 1500 - outer IP (20; 40 for IPv6 and external
# devices) - 8 UDP - 8 mdtun header - 8 per carried field - 14 Ethernet.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nl-lib.sh"

check load load_mdtun
mkhosts 2
nl_start
nlq_ok ns h1

# h1's devices through raw netlink, h2's with mdtun-ctl.
check "h1: fixed IPv4 device m4" nlq_ok new m4 ID=u32:42 \
	REMOTE=ip:198.51.100.2 LOCAL=ip:198.51.100.1
check "h1: fixed IPv6 device m6" nlq_ok new m6 ID=u32:43 REMOTE6=ip:2001:db8:1::2
check "h1: external device e0" nlq_ok new e0 COLLECT_METADATA PORT=be16:7090
ctl h2 add m4 id 42 remote 198.51.100.1
ctl h2 add m6 id 43 remote 2001:db8:1::1 zero-csum6-tx on
for h in h1 h2; do
	quiet $h m4 m6
	overlay $h m4 "192.0.2.${h#h}/24"
	overlay $h m6 "203.0.113.${h#h}/24"
done
on h1 ip link set e0 up
# Static neighbours: no ARP through the tunnels, so that only the test's
# own datagrams cross and counts are exact.
for d in m4:192.0.2 m6:203.0.113; do
	dev=${d%%:*} net=${d#*:}
	on h1 ip neigh replace "$net.2" dev "$dev" nud permanent \
		lladdr "$(on h2 cat /sys/class/net/$dev/address)"
	on h2 ip neigh replace "$net.1" dev "$dev" nud permanent \
		lladdr "$(on h1 cat /sys/class/net/$dev/address)"
done

# ---- Default MTUs -----------------------------------------------------------------
check_eq "m4 default MTU: 1500-20-8-8-14" "mtu=1450" "$(nl_get m4 mtu)"
check_eq "m6 default MTU: 1500-40-8-8-14" "mtu=1430" "$(nl_get m6 mtu)"
check_eq "e0 default MTU: 1500-40-8-8-14" "mtu=1430" "$(nl_get e0 mtu)"
check_eq "all three up" "up=1 up=1 up=1" \
	"$(nl_get m4 up) $(nl_get m6 up) $(nl_get e0 up)"

# ---- Live changes, read back and on the wire -------------------------------------
# change_to DEV NAME READBACK ATTR...: change DEV, then read READBACK
# ("KEY=VALUE ..." of the keys named) back.
change_to() {
	local dev=$1 name=$2 want=$3 keys=() kv
	shift 3
	check_eq "$name" ok "$(nlq change "$dev" "$@")"
	for kv in $want; do keys+=("${kv%%=*}"); done
	check_eq "$name: reads back" "$want" "$(nl_get "$dev" "${keys[@]}")"
}

# send ARGS: one UDP datagram from h1 through the overlay (nl.py's "udp":
# DST PORT [tos= ttl= df= mark= prio=]).
send() { check_eq "  sent: $*" ok "$(nlq udp "$@")"; }

# Each change below is followed by one datagram; the capture holds them in
# order (the change is in place when its answer comes).
wire4=()
capture_start h1 16 --src 198.51.100.1
change_to m4 "TTL 33 on a live device" "TTL=33 TTL_INHERIT=0" TTL=u8:33
send 192.0.2.2 9 ttl=64;			wire4+=("ttl=33")
change_to m4 "TTL_INHERIT 1" "TTL=0 TTL_INHERIT=1" TTL_INHERIT=u8:1
send 192.0.2.2 9 ttl=21;			wire4+=("ttl=21")
change_to m4 "TTL 44 replaces inherit" "TTL=44 TTL_INHERIT=0" TTL=u8:44
send 192.0.2.2 9 ttl=21;			wire4+=("ttl=44")
change_to m4 "TTL 0: the route's default" "TTL=0 TTL_INHERIT=0" TTL=u8:0
send 192.0.2.2 9 ttl=21;			wire4+=("ttl=64")
change_to m4 "TOS 0x28" "TOS=40 TOS_INHERIT=0" TOS=u8:0x28
send 192.0.2.2 9 tos=0;			wire4+=("tos=0x28")
change_to m4 "TOS_INHERIT 1" "TOS=0 TOS_INHERIT=1" TOS_INHERIT=u8:1
send 192.0.2.2 9 tos=0x48;			wire4+=("tos=0x48")
change_to m4 "TOS_INHERIT 0" "TOS=0 TOS_INHERIT=0" TOS_INHERIT=u8:0
send 192.0.2.2 9 tos=0x48;			wire4+=("tos=0x00")
change_to m4 "DF set" "DF=1" DF=u8:1
send 192.0.2.2 9 df=0;			wire4+=("df=1")
change_to m4 "DF inherit" "DF=2" DF=u8:2
send 192.0.2.2 9 df=1;			wire4+=("df=1")
send 192.0.2.2 9 df=0;			wire4+=("df=0")
change_to m4 "DF unset" "DF=0" DF=u8:0
send 192.0.2.2 9 df=1;			wire4+=("df=0")
change_to m4 "UDP_CSUM off" "UDP_CSUM=0" UDP_CSUM=u8:0
send 192.0.2.2 9;			wire4+=("csum=0x0000")
change_to m4 "UDP_CSUM on" "UDP_CSUM=1" UDP_CSUM=u8:1
send 192.0.2.2 9;			wire4+=("csum!=0x0000")
change_to m4 "CARRY mark: the default MTU follows (1450-8)" "CARRY=0x1 mtu=1442" \
	CARRY=u32:1
send 192.0.2.2 9 mark=0x2a prio=5;	wire4+=("tlvs=fff7:01:0000002a")
change_to m4 "CARRY mark,priority: MTU 1450-16" "CARRY=0x3 mtu=1434" CARRY=u32:3
send 192.0.2.2 9 mark=0x2a prio=5;	wire4+=("tlvs~fff7:01:0000002a tlvs~fff7:02:00000005")
change_to m4 "CARRY none: MTU back to 1450" "CARRY=0x0 mtu=1450" CARRY=u32:0
send 192.0.2.2 9 mark=0x2a prio=5;	wire4+=("tlvs=-")
mapfile -t got4 < <(capture_stop)

# wire_check NAME EXPECT LINE: LINE (a mdtun_decode.py line) has each
# field of EXPECT: "key=value" exactly, "key!=value" present but not
# that value, "key~item" a comma-separated list holding item.
wire_check() {
	local name=$1 e k v w ok=1
	local -A f=()
	for w in $3; do f[${w%%=*}]=${w#*=}; done
	for e in $2; do
		case $e in
		*'!='*)
			k=${e%%!=*} v=${e#*!=}
			[ -n "${f[$k]:-}" ] && [ "${f[$k]}" != "$v" ] || ok=
			;;
		*'~'*)
			k=${e%%~*} v=${e#*~}
			case ",${f[$k]:-}," in *",$v,"*) ;; *) ok= ;; esac
			;;
		*)
			k=${e%%=*} v=${e#*=}
			[ "${f[$k]:-(none)}" = "$v" ] || ok=
			;;
		esac
	done
	if [ -n "$ok" ]; then
		pass "$name" "$3"
	else
		fail "$name" "expected $2" "got: ${3:-(no datagram)}"
	fi
}
check_eq "IPv4 wire: one datagram per change" "${#wire4[@]}" "${#got4[@]}"
for i in "${!wire4[@]}"; do
	wire_check "IPv4 wire, datagram $((i + 1)): ${wire4[$i]}" \
		"vni=42 ${wire4[$i]}" "${got4[$i]:-}"
done

# The same on the IPv6 device: hop limit, traffic class, zero checksums.
wire6=()
capture_start h1 5 --src 2001:db8:1::1
change_to m6 "IPv6: TTL (hop limit) 33" "TTL=33" TTL=u8:33
send 203.0.113.2 9;			wire6+=("ttl=33")
change_to m6 "IPv6: TOS (traffic class) 0x28" "TOS=40" TOS=u8:0x28
send 203.0.113.2 9;			wire6+=("tos=0x28")
change_to m6 "UDP_ZERO_CSUM6_TX on" "UDP_ZERO_CSUM6_TX=1" UDP_ZERO_CSUM6_TX=u8:1
send 203.0.113.2 9;			wire6+=("csum=0x0000")
change_to m6 "UDP_ZERO_CSUM6_TX off" "UDP_ZERO_CSUM6_TX=0" UDP_ZERO_CSUM6_TX=u8:0
send 203.0.113.2 9;			wire6+=("csum!=0x0000")
change_to m6 "IPv6: UDP_CSUM does not apply, the checksum stays" "UDP_CSUM=0" \
	UDP_CSUM=u8:0
send 203.0.113.2 9;			wire6+=("csum!=0x0000")
mapfile -t got6 < <(capture_stop)
check_eq "IPv6 wire: one datagram per change" "${#wire6[@]}" "${#got6[@]}"
for i in "${!wire6[@]}"; do
	wire_check "IPv6 wire, datagram $((i + 1)): ${wire6[$i]}" \
		"vni=43 ${wire6[$i]}" "${got6[$i]:-}"
done

# Zero-checksum IPv6 datagrams from h2 (zero-csum6-tx on): refused and
# counted while UDP_ZERO_CSUM6_RX is off, delivered once it is on.
zc0=$(stat h1 m6 rx_zero_csum)
send_pings h2 203.0.113.1 2
check_eventually_eq "UDP_ZERO_CSUM6_RX off: both zero-checksum datagrams counted" 10 \
	"$((${zc0:-0} + 2))" stat h1 m6 rx_zero_csum
change_to m6 "UDP_ZERO_CSUM6_RX on" "UDP_ZERO_CSUM6_RX=1" UDP_ZERO_CSUM6_RX=u8:1
check "  now h2's zero-checksum pings get through" ping_ok h2 203.0.113.1 1
check_eq "  and none was counted" "$((${zc0:-0} + 2))" "$(stat h1 m6 rx_zero_csum)"

change_to m4 "TRUST on a live device (prefixes masked)" \
	"TRUST=198.51.100.0/24,2001:db8::/32" \
	TRUST=prefixes:198.51.100.7/24,2001:db8::1/32
change_to m4 "TRUST emptied" "TRUST=-" "TRUST={}"
change_to e0 "external, live: CARRY mark,priority, MTU 1430-16" "CARRY=0x3 mtu=1414" \
	CARRY=u32:3
change_to e0 "external, live: TRUST" "TRUST=203.0.113.0/24" \
	TRUST=prefixes:203.0.113.0/24
change_to e0 "external, live: zero IPv6 checksums" \
	"UDP_ZERO_CSUM6_TX=1 UDP_ZERO_CSUM6_RX=1" \
	UDP_ZERO_CSUM6_TX=u8:1 UDP_ZERO_CSUM6_RX=u8:1
check "  traffic still crosses m4" ping_ok h1 192.0.2.2 1

# ---- Refused changes: errno, extack, and nothing changed -------------------------
# refused DEV NAME EXPECTED ATTR...: "change DEV ATTR..." is answered
# EXPECTED and DEV reads back exactly as before (every attribute, MTU,
# up/down, address).
refused() {
	local dev=$1 name=$2 want=$3 before
	shift 3
	before=$(nl_get "$dev")
	check_eq "$name" "$want" "$(nlq change "$dev" "$@")"
	check_eq "$name: $dev unchanged" "$before" "$(nl_get "$dev")"
}
BUSY="err EBUSY: Set the device down to change its VNI, addresses or port"
EXT="err EINVAL: Not allowed in external mode: the value comes with each packet's metadata"
refused m4 "live: ID" "$BUSY" ID=u32:99
refused m4 "live: REMOTE" "$BUSY" REMOTE=ip:198.51.100.3
refused m4 "live: LOCAL" "$BUSY" LOCAL=ip:198.51.100.9
refused m4 "live: PORT" "$BUSY" PORT=be16:7082
refused m6 "live: REMOTE6" "$BUSY" REMOTE6=ip:2001:db8:1::3
refused m6 "live: LOCAL6 added" "$BUSY" LOCAL6=ip:2001:db8:1::1
refused e0 "live external: PORT" "$BUSY" PORT=be16:7091
refused m4 "live: TTL and ID together (the TTL is not applied either)" "$BUSY" \
	TTL=u8:99 ID=u32:99
refused m4 "live: CARRY and PORT together (carry and MTU stay)" "$BUSY" \
	CARRY=u32:1 PORT=be16:7082
refused m4 "live: IPv6 remote with the IPv4 local" \
	"err EINVAL: Local and remote addresses must be of the same family" \
	REMOTE6=ip:2001:db8:1::2
refused m4 "mode: fixed to external" \
	"err EOPNOTSUPP: Mode cannot be changed; recreate the device" COLLECT_METADATA
refused m4 "fixed TTL and inherit at once" \
	"err EINVAL: Give a fixed value or inherit, not both" TTL=u8:5 TTL_INHERIT=u8:1
refused m4 "DF 3" "err ERANGE: integer out of range" DF=u8:3
refused m4 "CARRY bit 2" "err EINVAL: Unknown carry bits (known: mark 0x1, priority 0x2)" \
	CARRY=u32:4
refused m4 "17 trust prefixes" "err E2BIG: Too many trust prefixes (at most 16)" \
	TRUST=prefixes:$(seq -s, -f '203.0.113.%g/32' 1 17)
for a in ID=u32:1 REMOTE=ip:198.51.100.2 REMOTE6=ip:2001:db8:1::2 \
	LOCAL=ip:198.51.100.1 LOCAL6=ip:2001:db8:1::1 TTL=u8:1 TTL_INHERIT=u8:1 \
	TOS=u8:1 TOS_INHERIT=u8:1 DF=u8:1 UDP_CSUM=u8:1; do
	refused e0 "external: ${a%%=*}" "$EXT" "$a"
done
check_eq "live: the same VNI and addresses again are no change" ok \
	"$(nlq change m4 ID=u32:42 REMOTE=ip:198.51.100.2 LOCAL=ip:198.51.100.1 PORT=be16:7081)"
check_eq "external: COLLECT_METADATA again is no change" ok "$(nlq change e0 COLLECT_METADATA)"

# ---- While down --------------------------------------------------------------------
check "m4 down on h1" nlq_ok set m4 down
check "m4 down on h2" on h2 ip link set m4 down
change_to m4 "down: ID and PORT" "ID=52 PORT=7082 up=0" ID=u32:52 PORT=be16:7082
nlq_ok ns h2
change_to m4 "down (h2): ID and PORT" "ID=52 PORT=7082" ID=u32:52 PORT=be16:7082
check "m4 up on h2" nlq_ok set m4 up
nlq_ok ns h1
check "m4 up on h1" nlq_ok set m4 up
rx0=$(stat h2 m4 rx_packets)
check "traffic on VNI 52, UDP port 7082" ping_ok h1 192.0.2.2 2
check_ge "  received by h2's m4" "$((${rx0:-0} + 2))" "$(stat h2 m4 rx_packets)"

nlq_ok set m4 down
change_to m4 "down: REMOTE and LOCAL" "REMOTE=198.51.100.3 LOCAL=198.51.100.9" \
	REMOTE=ip:198.51.100.3 LOCAL=ip:198.51.100.9
change_to m4 "down: to IPv6; the default MTU follows (1500-40-16-14)" \
	"REMOTE6=2001:db8:1::2 LOCAL6=2001:db8:1::1 REMOTE=(absent) LOCAL=(absent) mtu=1430" \
	REMOTE6=ip:2001:db8:1::2 LOCAL6=ip:2001:db8:1::1
change_to m4 "down: back to IPv4, MTU 1450" \
	"REMOTE=198.51.100.2 LOCAL=198.51.100.1 REMOTE6=(absent) mtu=1450" \
	REMOTE=ip:198.51.100.2 LOCAL=ip:198.51.100.1
refused m4 "down: mode still cannot change" \
	"err EOPNOTSUPP: Mode cannot be changed; recreate the device" COLLECT_METADATA
check "fixture: m5 (down) on VNI 60" nlq_ok new m5 ID=u32:60 REMOTE=ip:198.51.100.2
refused m5 "down: m4's VNI, remote and port" \
	"err EBUSY: An mdtun device with this VNI, remote and UDP port already exists" \
	ID=u32:52 PORT=be16:7082
change_to m5 "down: m4's VNI on another port" "ID=52 PORT=7083" ID=u32:52 PORT=be16:7083
nlq_ok set m6 down
change_to m6 "down: REMOTE6 and LOCAL6" "REMOTE6=2001:db8:1::3 LOCAL6=2001:db8:1::1" \
	REMOTE6=ip:2001:db8:1::3 LOCAL6=ip:2001:db8:1::1
nlq_ok set e0 down
change_to e0 "down, external: PORT" "PORT=7091" PORT=be16:7091
change_to m4 "down: the other attributes too" \
	"TTL=7 TOS=8 DF=1 UDP_CSUM=0 UDP_ZERO_CSUM6_TX=1 UDP_ZERO_CSUM6_RX=1 CARRY=0x2 TRUST=198.51.100.0/24" \
	TTL=u8:7 TOS=u8:8 DF=u8:1 UDP_CSUM=u8:0 UDP_ZERO_CSUM6_TX=u8:1 \
	UDP_ZERO_CSUM6_RX=u8:1 CARRY=u32:2 TRUST=prefixes:198.51.100.0/24
check_eq "  m4 down: the MTU followed carry (1450-8)" "mtu=1442" "$(nl_get m4 mtu)"
change_to m4 "down: TTL_INHERIT and TOS_INHERIT" "TTL=0 TTL_INHERIT=1 TOS=0 TOS_INHERIT=1" \
	TTL_INHERIT=u8:1 TOS_INHERIT=u8:1

# ---- An MTU the administrator set stays ----------------------------------------
change_to m4 "CARRY none: default MTU 1450" "CARRY=0x0 mtu=1450" CARRY=u32:0
check "MTU 1300 set on m4" nlq_ok set m4 mtu=1300
change_to m4 "CARRY mark,priority: MTU 1300 stays" "CARRY=0x3 mtu=1300" CARRY=u32:3
change_to m4 "CARRY none: MTU 1300 stays" "CARRY=0x0 mtu=1300" CARRY=u32:0
check "m7 created with MTU 1400" nlq_ok new m7 mtu=1400 ID=u32:70 REMOTE=ip:198.51.100.2
change_to m7 "m7: CARRY mark, MTU 1400 stays" "CARRY=0x1 mtu=1400" CARRY=u32:1
change_to m6 "IPv6 m6: CARRY priority, MTU 1430-8" "CARRY=0x2 mtu=1422" CARRY=u32:2
change_to m6 "IPv6 m6: CARRY none, MTU 1430" "CARRY=0x0 mtu=1430" CARRY=u32:0
change_to m6 "CARRY and an MTU in one request: the MTU given wins" \
	"CARRY=0x1 mtu=1350" mtu=1350 CARRY=u32:1
change_to e0 "external e0: CARRY mark, MTU 1430-8" "CARRY=0x1 mtu=1422" CARRY=u32:1

for d in m4 m5 m6 m7 e0; do nlq_ok del $d; done
check_eq "no mdtun device left on h1" ok "$(nlq links)"

# ---- A vport's device changed over rtnetlink ------------------------------------
# vport-mdtun.ko reports a vport's options (get_options) from its device,
# as the device is now, not as the vport was created.
check "openvswitch.ko" modprobe openvswitch
check "vport-mdtun.ko" insmod "$(dirname "$MDTUN_KO")/vport-mdtun.ko"
check_eq "a bare datapath" ok "$(nlq dp new cdp)"
check_eq "vport cv0 (UDP port 7089, carry mark, one trusted prefix)" ok \
	"$(nlq vport new cdp cv0 200 DST_PORT=u16:7089 CARRY=u32:1 \
		TRUST=prefixes:198.51.100.0/24)"
check_eq "  reports them" "ok type=200 dst_port=7089 carry=0x1 trust=198.51.100.0/24" \
	"$(nlq vport get cdp cv0)"
check_eq "  its device: external, UDP port 7089, up" "COLLECT_METADATA=1 PORT=7089 up=1" \
	"$(nl_get cv0 COLLECT_METADATA PORT up)"
change_to cv0 "vport device, live: CARRY and TRUST" \
	"CARRY=0x3 TRUST=203.0.113.0/24" CARRY=u32:3 TRUST=prefixes:203.0.113.0/24
check_eq "  the vport reports the device's carry and trust" \
	"ok type=200 dst_port=7089 carry=0x3 trust=203.0.113.0/24" "$(nlq vport get cdp cv0)"
refused cv0 "vport device, live: PORT" "$BUSY" PORT=be16:7088
check "vport device down" nlq_ok set cv0 down
change_to cv0 "vport device, down: PORT 7088" "PORT=7088" PORT=be16:7088
check "vport device up" nlq_ok set cv0 up
check_eq "  the vport reports the device's UDP port" \
	"ok type=200 dst_port=7088 carry=0x3 trust=203.0.113.0/24" "$(nlq vport get cdp cv0)"
check_eq "vport deleted" ok "$(nlq vport del cdp cv0)"
check_eq "  with its device" ok "$(nlq links)"
check_eq "datapath deleted" ok "$(nlq dp del cdp)"
check "vport-mdtun.ko unloads" rmmod vport_mdtun
nl_stop
check dmesg-clean dmesg_clean
t_done
