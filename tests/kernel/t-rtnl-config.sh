#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Bad configuration, table-driven: raw rtnetlink requests (tests/lib/nl.py)
# that create an mdtun link with attributes out of range, of the wrong
# length or family, without the nesting the policy wants, in combinations
# the driver refuses -- each answered with its errno and extack text, and
# no device left behind -- next to the accepted boundary values that show
# the table does not pass by refusing everything.  Then mdtun-ctl's
# argument errors that tests/kernel/t-ctl.sh does not cover.
#
# Where the expected text comes from: the attribute policy of
# datapath/mdtun_main.c (mdtun_policy, mdtun_prefix_policy) as Linux 6.1's
# lib/nlattr.c applies it -- IFLA_INFO_DATA is parsed liberally, but every
# type from IFLA_MDTUN_ID on strictly (strict_start_type), so
#   a fixed-size integer of another size   EINVAL "invalid attribute length"
#   NLA_POLICY_MAX / _MIN exceeded          ERANGE "integer out of range"
#   NLA_POLICY_EXACT_LEN not met            ERANGE "binary attribute size out of range"
#   a flag with a payload, a binary longer
#   than .len, a nest shorter than a header ERANGE "Attribute failed policy validation"
#   a nest without NLA_F_NESTED             EINVAL "NLA_F_NESTED is missing"
#   NLA_F_NESTED on a non-nest              EINVAL "NLA_F_NESTED not expected"
#   inside a prefix (nla_parse_nested,
#   strict): an unknown type                EINVAL "Unknown attribute type"
# while types above IFLA_MDTUN_MAX never reach the policy (the liberal
# top-level parse skips them); and the messages of mdtun_validate(),
# mdtun_parse() and mdtun_trust_parse() for what the policy cannot say.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/nl-lib.sh"

NS=rc1
B4="ID=u32:1 REMOTE=ip:198.51.100.2"
B6="ID=u32:1 REMOTE6=ip:2001:db8::2"
pfx() { echo "PREFIX={ADDR=ip:$1,LEN=u8:$2}"; }
NO_DEV="ok"	# "links" while the table runs: no mdtun device at all

# refuse NAME EXPECTED REQUEST...: REQUEST gets EXPECTED ("err ENAME:
# text") and leaves the namespace's mdtun links as they were.
refuse() {
	local name=$1 want=$2
	shift 2
	check_eq "$name" "$want" "$(nlq "$@")"
	check_eq "$name: no device left behind" "$NO_DEV" "$(nlq links)"
	# One left behind would fail the next rows with EEXIST: remove it.
	[ "$(nlq links)" = "$NO_DEV" ] || nlq del c1 >/dev/null
}

# accept NAME READBACK REQUEST...: REQUEST ("new c1 ...") is accepted, the
# link reads back READBACK ("KEY=VALUE ..." of the keys named), and it is
# deleted again.
accept() {
	local name=$1 want=$2 dev=$4 keys=()
	shift 2
	check_eq "$name" ok "$(nlq "$@")"
	if [ -n "$want" ]; then
		local kv
		for kv in $want; do keys+=("${kv%%=*}"); done
		check_eq "$name: reads back" "$want" "$(nl_get "$dev" "${keys[@]}")"
	fi
	check_eq "$name: deleted again" ok "$(nlq del "$dev")"
}

check load load_mdtun
ip netns add "$NS"
nl_start
check "nl.py in the test namespace" nlq_ok ns "$NS"
check_eq "no mdtun device to begin with" "$NO_DEV" "$(nlq links)"

# ---- Out of range --------------------------------------------------------------
refuse "VNI 0x1000000 (25 bits)" "err ERANGE: VNI must fit in 24 bits" \
	new c1 ID=u32:0x1000000 REMOTE=ip:198.51.100.2
refuse "VNI 0xffffffff" "err ERANGE: VNI must fit in 24 bits" \
	new c1 ID=u32:0xffffffff REMOTE=ip:198.51.100.2
accept "VNI 0xffffff, the largest" "ID=16777215" \
	new c1 ID=u32:0xffffff REMOTE=ip:198.51.100.2
refuse "UDP port 0" "err EINVAL: UDP port must not be 0" new c1 $B4 PORT=be16:0
accept "UDP port 65535" "PORT=65535" new c1 $B4 PORT=be16:65535
refuse "DF 3 (past inherit)" "err ERANGE: integer out of range" new c1 $B4 DF=u8:3
accept "DF 2 (inherit)" "DF=2" new c1 $B4 DF=u8:2
refuse "TTL_INHERIT 2" "err ERANGE: integer out of range" new c1 $B4 TTL_INHERIT=u8:2
refuse "TOS_INHERIT 2" "err ERANGE: integer out of range" new c1 $B4 TOS_INHERIT=u8:2
refuse "UDP_CSUM 2" "err ERANGE: integer out of range" new c1 $B4 UDP_CSUM=u8:2
refuse "UDP_ZERO_CSUM6_TX 2" "err ERANGE: integer out of range" \
	new c1 $B6 UDP_ZERO_CSUM6_TX=u8:2
refuse "UDP_ZERO_CSUM6_RX 255" "err ERANGE: integer out of range" \
	new c1 $B6 UDP_ZERO_CSUM6_RX=u8:255
accept "the booleans at 1" "TTL_INHERIT=1 TOS_INHERIT=1 UDP_CSUM=1 UDP_ZERO_CSUM6_TX=1 UDP_ZERO_CSUM6_RX=1" \
	new c1 $B6 TTL_INHERIT=u8:1 TOS_INHERIT=u8:1 UDP_CSUM=u8:1 \
	UDP_ZERO_CSUM6_TX=u8:1 UDP_ZERO_CSUM6_RX=u8:1
refuse "CARRY bit 2 (unknown)" \
	"err EINVAL: Unknown carry bits (known: mark 0x1, priority 0x2)" \
	new c1 $B4 CARRY=u32:4
refuse "CARRY bit 31 (unknown)" \
	"err EINVAL: Unknown carry bits (known: mark 0x1, priority 0x2)" \
	new c1 $B4 CARRY=u32:0x80000000
accept "CARRY mark and priority" "CARRY=0x3" new c1 $B4 CARRY=u32:3
refuse "IPv4 trust prefix /33" \
	"err EINVAL: Trust prefix length exceeds 32 (IPv4) or 128 (IPv6)" \
	new c1 $B4 "TRUST={$(pfx 198.51.100.0 33)}"
refuse "IPv6 trust prefix /129" \
	"err EINVAL: Trust prefix length exceeds 32 (IPv4) or 128 (IPv6)" \
	new c1 $B4 "TRUST={$(pfx 2001:db8:: 129)}"
accept "trust prefixes /32, /128 and /0 (masked)" \
	"TRUST=198.51.100.7/32,2001:db8::1/128,0.0.0.0/0" \
	new c1 $B4 "TRUST={$(pfx 198.51.100.7 32),$(pfx 2001:db8::1 128),$(pfx 198.51.100.7 0)}"

# ---- Wrong length -------------------------------------------------------------------
refuse "ID as a u16" "err EINVAL: invalid attribute length" \
	new c1 ID=u16:1 REMOTE=ip:198.51.100.2
refuse "ID as a u64" "err EINVAL: invalid attribute length" \
	new c1 ID=u64:1 REMOTE=ip:198.51.100.2
refuse "PORT as a u32" "err EINVAL: invalid attribute length" new c1 $B4 PORT=u32:7081
refuse "TTL as a u16" "err EINVAL: invalid attribute length" new c1 $B4 TTL=u16:64
refuse "CARRY as a u8" "err EINVAL: invalid attribute length" new c1 $B4 CARRY=u8:1
refuse "DF empty" "err EINVAL: invalid attribute length" new c1 $B4 DF=hex:
refuse "REMOTE of 5 bytes" "err ERANGE: binary attribute size out of range" \
	new c1 ID=u32:1 REMOTE=hex:c633640201
refuse "REMOTE6 of 4 bytes" "err ERANGE: binary attribute size out of range" \
	new c1 ID=u32:1 REMOTE6=ip:198.51.100.2
refuse "LOCAL of 3 bytes" "err ERANGE: binary attribute size out of range" \
	new c1 $B4 LOCAL=hex:c63364
refuse "LOCAL6 of 15 bytes" "err ERANGE: binary attribute size out of range" \
	new c1 $B6 LOCAL6=hex:20010db8000000000000000000000a
refuse "COLLECT_METADATA with a payload" \
	"err ERANGE: Attribute failed policy validation" new c1 COLLECT_METADATA=u8:1
refuse "trust address of 17 bytes" "err ERANGE: Attribute failed policy validation" \
	new c1 $B4 "TRUST={PREFIX={ADDR=hex:20010db800000000000000000000000100,LEN=u8:24}}"
refuse "trust prefix length as a u16" "err EINVAL: invalid attribute length" \
	new c1 $B4 "TRUST={PREFIX={ADDR=ip:198.51.100.0,LEN=u16:24}}"
refuse "TRUST of 2 bytes" "err ERANGE: Attribute failed policy validation" \
	new c1 $B4 0x8011=hex:0000
accept "an empty TRUST" "TRUST=-" new c1 $B4 "TRUST={}"

# ---- Wrong family ------------------------------------------------------------------
refuse "IPv4 remote, IPv6 local" \
	"err EINVAL: Local and remote addresses must be of the same family" \
	new c1 $B4 LOCAL6=ip:2001:db8::1
refuse "IPv6 remote, IPv4 local" \
	"err EINVAL: Local and remote addresses must be of the same family" \
	new c1 $B6 LOCAL=ip:198.51.100.1
refuse "trust address of 6 bytes" \
	"err EINVAL: Trust prefix address must be 4 (IPv4) or 16 (IPv6) bytes" \
	new c1 $B4 "TRUST={PREFIX={ADDR=hex:c63364000000,LEN=u8:24}}"
refuse "trust address of 0 bytes" \
	"err EINVAL: Trust prefix address must be 4 (IPv4) or 16 (IPv6) bytes" \
	new c1 $B4 "TRUST={PREFIX={ADDR=hex:,LEN=u8:0}}"
refuse "LOCAL and LOCAL6" \
	"err EINVAL: Give either an IPv4 or an IPv6 local address, not both" \
	new c1 $B4 LOCAL=ip:198.51.100.1 LOCAL6=ip:2001:db8::1
refuse "REMOTE and REMOTE6" \
	"err EINVAL: Give either an IPv4 or an IPv6 remote, not both" \
	new c1 $B4 REMOTE6=ip:2001:db8::2

# ---- Nesting --------------------------------------------------------------------------
refuse "TRUST without NLA_F_NESTED" "err EINVAL: NLA_F_NESTED is missing" \
	new c1 $B4 "TRUST=nf{$(pfx 198.51.100.0 24)}"
refuse "a trust prefix without NLA_F_NESTED" "err EINVAL: NLA_F_NESTED is missing" \
	new c1 $B4 "TRUST={PREFIX=nf{ADDR=ip:198.51.100.0,LEN=u8:24}}"
refuse "ID with NLA_F_NESTED" "err EINVAL: NLA_F_NESTED not expected" \
	new c1 0x8001=u32:1 REMOTE=ip:198.51.100.2
accept "IFLA_INFO_DATA itself without NLA_F_NESTED (rtnetlink parses it liberally)" \
	"ID=1" new c1 flatdata $B4

# ---- Remote ------------------------------------------------------------------------
for a in 224.0.0.1 0.0.0.0 255.255.255.255; do
	refuse "REMOTE $a" "err EINVAL: Remote must be a unicast address" \
		new c1 ID=u32:1 REMOTE=ip:$a
done
for a in ff02::1 ::; do
	refuse "REMOTE6 $a" "err EINVAL: Remote must be a unicast address" \
		new c1 ID=u32:1 REMOTE6=ip:$a
done

# ---- The trust list ------------------------------------------------------------------
p16=$(for i in $(seq 1 16); do printf '%s,' "$(pfx 203.0.113.$i 32)"; done)
refuse "17 trust prefixes" "err E2BIG: Too many trust prefixes (at most 16)" \
	new c1 $B4 "TRUST={${p16}$(pfx 198.51.100.9 32)}"
accept "16 trust prefixes" \
	"TRUST=$(for i in $(seq 1 16); do printf '203.0.113.%s/32' $i; [ $i -lt 16 ] && printf ,; done)" \
	new c1 $B4 "TRUST={${p16%,}}"
refuse "a trust entry of type 2" "err EINVAL: Trust list may only hold prefixes" \
	new c1 $B4 "TRUST={2={ADDR=ip:198.51.100.0,LEN=u8:24}}"
refuse "a u32 after a valid prefix" "err EINVAL: Trust list may only hold prefixes" \
	new c1 $B4 "TRUST={$(pfx 198.51.100.0 24),5=u32:1}"
refuse "a trust entry of type 0" "err EINVAL: Trust list may only hold prefixes" \
	new c1 $B4 "TRUST={0=hex:}"
refuse "an unknown attribute in a prefix" "err EINVAL: Unknown attribute type" \
	new c1 $B4 "TRUST={PREFIX={ADDR=ip:198.51.100.0,LEN=u8:24,3=u8:1}}"
refuse "a prefix without a length" \
	"err EINVAL: Trust prefix needs an address and a length" \
	new c1 $B4 "TRUST={PREFIX={ADDR=ip:198.51.100.0}}"
refuse "a prefix without an address" \
	"err EINVAL: Trust prefix needs an address and a length" \
	new c1 $B4 "TRUST={PREFIX={LEN=u8:24}}"

# ---- Combinations ----------------------------------------------------------------------
refuse "no IFLA_INFO_DATA" \
	"err EINVAL: mdtun needs a VNI and a remote, or external mode" new c1 nodata
refuse "an empty IFLA_INFO_DATA" \
	"err EINVAL: Fixed mode needs a VNI (IFLA_MDTUN_ID) and a remote; or use external mode" \
	new c1
refuse "a remote without a VNI" "err EINVAL: A remote needs a VNI (IFLA_MDTUN_ID)" \
	new c1 REMOTE=ip:198.51.100.2
refuse "a VNI without a remote" \
	"err EINVAL: Fixed mode needs a remote (IFLA_MDTUN_REMOTE or IFLA_MDTUN_REMOTE6)" \
	new c1 ID=u32:1
refuse "only a local address" \
	"err EINVAL: Fixed mode needs a VNI (IFLA_MDTUN_ID) and a remote; or use external mode" \
	new c1 LOCAL=ip:198.51.100.1
for a in ID=u32:1 REMOTE=ip:198.51.100.2 REMOTE6=ip:2001:db8::2 \
	LOCAL=ip:198.51.100.1 LOCAL6=ip:2001:db8::1 TTL=u8:0 TTL_INHERIT=u8:0 \
	TOS=u8:0 TOS_INHERIT=u8:0 DF=u8:0 UDP_CSUM=u8:1; do
	refuse "external with ${a%%=*}" \
		"err EINVAL: Not allowed in external mode: the value comes with each packet's metadata" \
		new c1 COLLECT_METADATA "$a"
done
accept "external with what it takes" \
	"COLLECT_METADATA=1 PORT=7082 UDP_ZERO_CSUM6_TX=1 UDP_ZERO_CSUM6_RX=1 CARRY=0x1 TRUST=198.51.100.0/24" \
	new c1 COLLECT_METADATA PORT=be16:7082 UDP_ZERO_CSUM6_TX=u8:1 \
	UDP_ZERO_CSUM6_RX=u8:1 CARRY=u32:1 "TRUST={$(pfx 198.51.100.0 24)}"
refuse "a fixed TTL and inherit" "err EINVAL: Give a fixed value or inherit, not both" \
	new c1 $B4 TTL=u8:5 TTL_INHERIT=u8:1
refuse "a fixed TOS and inherit" "err EINVAL: Give a fixed value or inherit, not both" \
	new c1 $B4 TOS=u8:8 TOS_INHERIT=u8:1
accept "a fixed TTL, inherit 0" "TTL=5 TTL_INHERIT=0" new c1 $B4 TTL=u8:5 TTL_INHERIT=u8:0
accept "types past IFLA_MDTUN_MAX are not the policy's (ignored)" "ID=1" \
	new c1 $B4 18=u32:1 0x3fff=hex:00

# ---- Link attributes the driver checks ----------------------------------------------
refuse "a 5-byte link address" "err EINVAL: Provided link layer address is not Ethernet" \
	new c1 address=hex:0200000000 $B4
refuse "a multicast link address" \
	"err EADDRNOTAVAIL: Provided Ethernet address is not unicast" \
	new c1 address=01:00:5e:00:00:01 $B4
accept "a unicast link address" "address=02:00:00:00:00:42" \
	new c1 address=02:00:00:00:00:42 $B4
# The MTU range: 68 to 65535 - 16 (UDP and mdtun header) - 14 (inner Ethernet).
refuse "MTU 67" "err EINVAL: mtu less than device minimum" new c1 mtu=67 $B4
refuse "MTU 65506" "err EINVAL: mtu greater than device maximum" new c1 mtu=65506 $B4
accept "MTU 65505" "mtu=65505" new c1 mtu=65505 $B4
accept "MTU 68" "mtu=68" new c1 mtu=68 $B4

# ---- Clashes with existing devices ---------------------------------------------------
check "fixture: fixed device fx" nlq_ok new fx ID=u32:7 REMOTE=ip:198.51.100.2
check "fixture: external device ex" nlq_ok new ex COLLECT_METADATA
NO_DEV="ok ex fx"
refuse "the same VNI, remote and port" \
	"err EBUSY: An mdtun device with this VNI, remote and UDP port already exists" \
	new c1 ID=u32:7 REMOTE=ip:198.51.100.2
accept "the same VNI and remote on another port" "" \
	new c1 ID=u32:7 REMOTE=ip:198.51.100.2 PORT=be16:7082
accept "the same VNI to another remote" "" new c1 ID=u32:7 REMOTE=ip:198.51.100.3
refuse "a second external device on the port" \
	"err EBUSY: An external mdtun device already uses this UDP port" \
	new c1 COLLECT_METADATA
accept "an external device on another port" "" new c1 COLLECT_METADATA PORT=be16:7082
refuse "an existing name" "err EEXIST: " new fx ID=u32:8 REMOTE=ip:198.51.100.2
check_eq "deleting the fixtures" "ok ok" "$(nlq del fx) $(nlq del ex)"
NO_DEV="ok"
check_eq "no mdtun device at the end" "$NO_DEV" "$(nlq links)"
nl_stop

# ---- mdtun-ctl argument errors (those t-ctl does not cover) ----------------------
# ctl_refused NAME TEXT ARGS...: exit 2 and exactly TEXT as the one line on
# stderr (mdtun-ctl.8: "2: bad arguments, with one line naming the
# argument; nothing is sent to the kernel").
ctl_refused() {
	local name=$1 want=$2 rc err
	shift 2
	err=$(ip netns exec "$NS" "$MDTUN_CTL" "$@" 2>&1 >/dev/null)
	rc=$?
	check_eq "mdtun-ctl $name" "2|mdtun-ctl: $want" "$rc|$err"
}
ctl_refused "port 0" "port: 0 is not a valid UDP port" \
	add m9 id 1 remote 198.51.100.2 port 0
ctl_refused "port 65536" "port: 65536 is out of range (0-65535)" \
	add m9 id 1 remote 198.51.100.2 port 65536
ctl_refused "ttl 256" "ttl: 256 is out of range (0-255)" \
	add m9 id 1 remote 198.51.100.2 ttl 256
ctl_refused "tos not a number" "tos: 'high' is not a number" \
	add m9 id 1 remote 198.51.100.2 tos high
ctl_refused "df maybe" "df: 'maybe' is not set, unset or inherit" \
	add m9 id 1 remote 198.51.100.2 df maybe
ctl_refused "csum yes" "csum: 'yes' is not on or off" \
	add m9 id 1 remote 198.51.100.2 csum yes
ctl_refused "zero-csum6-rx 1" "zero-csum6-rx: '1' is not on or off" \
	set m9 zero-csum6-rx 1
ctl_refused "remote not an address" \
	"remote: '198.51.100.256' is not an IPv4 or IPv6 address" \
	add m9 id 1 remote 198.51.100.256
ctl_refused "a VNI without a remote" "remote: required unless external is given" \
	add m9 id 1
ctl_refused "a remote without a VNI" "id: required with remote" \
	add m9 remote 198.51.100.2
ctl_refused "external with a VNI" \
	"id: not allowed with external (the VNI comes from each packet)" \
	add m9 external id 1
ctl_refused "external with ttl" \
	"ttl: not allowed with external (set per packet by the metadata)" \
	add m9 external ttl 5
ctl_refused "set with nothing to change" "set: nothing to change" set m9
ctl_refused "set the port" \
	"port: cannot be changed by set; delete and add the link again" set m9 port 7082
ctl_refused "add without a name" "add: missing NAME" add
ctl_refused "stats without a name" "stats: missing NAME" stats
ctl_refused "show --frob" "--frob: unknown option" show --frob
ctl_refused "del with an extra argument" "extra: unexpected argument" del m9 extra
ctl_refused "a name with a slash" "NAME: 'a/b' may not contain '/', ':' or spaces" \
	add a/b external
ctl_refused "no command" "missing command (try --help)"
check_eq "mdtun-ctl created nothing" "" "$(ip -n "$NS" -o link show type mdtun)"

check dmesg-clean dmesg_clean
t_done
