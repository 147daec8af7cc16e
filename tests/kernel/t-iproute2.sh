#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# ip link ... type mdtun (utilities/iproute2/link_mdtun.so loaded by
# Debian's ip through IP_LIB_DIR): a tunnel made with ip alone carries
# traffic between two namespaces; what ip configured reads back through
# mdtun-ctl (libnl, an independent parser of the same attributes) as the
# command line said; ip -d -j link show reports it in iproute2's JSON
# style; ip link set changes what changelink allows, the kernel's refusal
# is printed; bad arguments are refused before anything is sent.
. "$(dirname "$0")/lib.sh"

export IP_LIB_DIR=${IP_LIB_DIR:-$top/utilities/iproute2}
[ -f "$IP_LIB_DIR/link_mdtun.so" ] ||
	{ t_error "no $IP_LIB_DIR/link_mdtun.so (make all builds it)"; exit 1; }

# refused NAME REGEX CMD...: CMD says no with a message matching REGEX.
# ip exits 255 for arguments it refuses itself (invarg), 1 or 2 otherwise.
refused() {
	local name=$1 re=$2 rc
	shift 2
	t_run "$@"
	rc=$?
	if { t_refused "$rc" || [ "$rc" -eq 255 ]; } && grep -Eq -- "$re" "$t_out"; then
		pass "$name" "$(head -n 1 "$t_out")"
	else
		fail "$name" "expected a refusal matching /$re/ (status $rc): $*" \
			"$(tail -n 5 "$t_out")"
	fi
}

check load load_mdtun
mkhosts 2

check add-h1 on h1 ip link add mdt0 type mdtun id 42 remote 198.51.100.2 \
	local 198.51.100.1 ttl 17 tos 0x20 df set noudpcsum carry mark \
	trust 198.51.100.0/24,2001:db8:1::/64
check add-h2 on h2 ip link add mdt0 type mdtun id 42 remote 198.51.100.1 \
	dstport 7081 carry mark,priority
for k in 1 2; do
	overlay h$k mdt0 192.0.2.$k/24
done
check ping-over-ip-made-tunnel ping_ok h1 192.0.2.2

# ctl_field HOST KEY [DEV]: one info_data field of DEV (default mdt0) as
# mdtun-ctl reads it, lists as JSON; fails (prints nothing) when the field
# is missing.
ctl_field() {
	ctl "$1" show "${3:-mdt0}" --json | "$PY" -c '
import json, sys
d = json.load(sys.stdin)[0]["linkinfo"]["info_data"]
if sys.argv[1] not in d:
    sys.exit("ctl_field: no " + sys.argv[1])
v = d[sys.argv[1]]
print(json.dumps(v) if isinstance(v, list) else v)' "$2"
}
check_eq ctl-id 42 "$(ctl_field h1 id)"
check_eq ctl-remote 198.51.100.2 "$(ctl_field h1 remote)"
check_eq ctl-local 198.51.100.1 "$(ctl_field h1 local)"
check_eq ctl-ttl 17 "$(ctl_field h1 ttl)"
check_eq ctl-tos 32 "$(ctl_field h1 tos)"
check_eq ctl-df set "$(ctl_field h1 df)"
check_eq ctl-csum False "$(ctl_field h1 csum)"
check_eq ctl-carry '["mark"]' "$(ctl_field h1 carry)"
check_eq ctl-trust '["198.51.100.0/24", "2001:db8:1::/64"]' "$(ctl_field h1 trust)"
check_eq ctl-carry-h2 '["mark", "priority"]' "$(ctl_field h2 carry)"

# ipj_dev HOST DEV EXPR: a Python expression over `ip -d -j link show DEV`'s
# info_data (as d), a tuple printed space-separated; fails when the JSON or
# a key is missing or the link is not an mdtun one.
ipj_dev() {
	on "$1" ip -d -j link show "$2" | "$PY" -c '
import json, sys
link = json.load(sys.stdin)[0]
assert link["linkinfo"]["info_kind"] == "mdtun", link["linkinfo"]
d = link["linkinfo"]["info_data"]
v = eval(sys.argv[1])
print(*v) if isinstance(v, tuple) else print(v)' "$3"
}
# ipj HOST EXPR: the same for mdt0; ipj6 EXPR: for m6 on h1.
ipj() { ipj_dev "$1" mdt0 "$2"; }
ipj6() { ipj_dev h1 m6 "$1"; }
check_eq json-id 42 "$(ipj h1 'd["id"]')"
check_eq json-remote 198.51.100.2 "$(ipj h1 'd["remote"]')"
check_eq json-local 198.51.100.1 "$(ipj h1 'd["local"]')"
check_eq json-ttl 17 "$(ipj h1 'd["ttl"]')"
check_eq json-tos 0x20 "$(ipj h1 'd["tos"]')"
check_eq json-df set "$(ipj h1 'd["df"]')"
check_eq json-port 7081 "$(ipj h1 'd["port"]')"
check_eq json-udp-csum False "$(ipj h1 'd["udp_csum"]')"
check_eq json-carry "['mark']" "$(ipj h1 'd["carry"]')"
check_eq json-trust "['198.51.100.0/24', '2001:db8:1::/64']" \
	"$(ipj h1 'd["trust"]')"
check_eq json-ttl-not-inherit False "$(ipj h1 '"ttl_inherit" in d')"
check_eq json-not-external False "$(ipj h1 '"external" in d')"
check_match text-details \
	'mdtun id 42 remote 198.51.100.2 local 198.51.100.1 ttl 17 tos 0x20 df set dstport 7081 noudpcsum .*carry mark trust 198.51.100.0/24,2001:db8:1::/64' \
	on h1 ip -d link show mdt0
# Counters by name (the codec's), in text and JSON.
check_match stats-text 'tx_carry_added [1-9][0-9]*( |$)' on h1 ip -s -d link show mdt0
# The counters end their block: what ip prints next is on its own line.
check_match stats-text-ends '^ +addrgenmode ' on h1 ip -s -d link show mdt0
check_eq stats-json-rx-unknown-vni 0 \
	"$(on h1 ip -s -d -j link show mdt0 | "$PY" -c '
import json, sys
print(json.load(sys.stdin)[0]["linkinfo"]["info_xstats"]["rx_unknown_vni"])')"

# ip link set: only what is named changes, also while up.
check set-live on h1 ip link set mdt0 type mdtun ttl inherit carry none \
	trust none
check_eq set-ttl-inherit True "$(ctl_field h1 ttl_inherit)"
check_eq set-carry-none "[]" "$(ctl_field h1 carry)"
check_eq set-trust-empty "[]" "$(ctl_field h1 trust)"
check_eq set-tos-kept 32 "$(ctl_field h1 tos)"
check_eq set-id-kept 42 "$(ctl_field h1 id)"
check_eq set-json-ttl-inherit True "$(ipj h1 'd["ttl_inherit"]')"
check_eq set-json-carry-empty "[]" "$(ipj h1 'd["carry"]')"
check_eq set-json-trust-empty "[]" "$(ipj h1 'd["trust"]')"
check_match set-text-inherit 'ttl inherit .*carry none trust none' \
	on h1 ip -d link show mdt0
# Identity only while down: the kernel says so, and ip prints it.
refused set-id-while-up 'Set the device down' \
	on h1 ip link set mdt0 type mdtun id 43
check_eq set-id-refused-kept 42 "$(ctl_field h1 id)"

# An IPv6 underlay and the settings the IPv4 device left at defaults.
check add-v6 on h1 ip link add m6 type mdtun id 43 remote 2001:db8:1::2 \
	local 2001:db8:1::1 dstport 7090 ttl auto tos inherit df inherit \
	udp6zerocsumtx noudp6zerocsumrx
check_eq v6-json-remote6 2001:db8:1::2 "$(ipj6 'd["remote6"]')"
check_eq v6-json-local6 2001:db8:1::1 "$(ipj6 'd["local6"]')"
check_eq v6-json-port 7090 "$(ipj6 'd["port"]')"
check_eq v6-json-ttl-auto 0 "$(ipj6 'd["ttl"]')"
check_eq v6-json-tos-inherit True "$(ipj6 'd["tos_inherit"]')"
check_eq v6-json-df inherit "$(ipj6 'd["df"]')"
check_eq v6-json-zero-csum6 "True False" \
	"$(ipj6 'd["udp_zero_csum6_tx"], d["udp_zero_csum6_rx"]')"
check_eq v6-ctl-remote 2001:db8:1::2 "$(ctl_field h1 remote m6)"
# Decimal TOS is decimal (32, not 0x32).
check set-tos-decimal on h1 ip link set m6 type mdtun tos 32
check_eq v6-json-tos-decimal 0x20 "$(ipj6 'd["tos"]')"
check_match v6-text 'mdtun id 43 remote 2001:db8:1::2 local 2001:db8:1::1 ttl auto tos 0x20 df inherit dstport 7090' \
	on h1 ip -d link show m6
refused trust-too-many 'at most 16 prefixes' \
	on h1 ip link set m6 type mdtun trust "$(seq -s, -f '2001:db8:%g::/48' 17)"

# External (collect-metadata) mode.
check add-external on h2 ip link add ext0 type mdtun external dstport 7082
check_eq json-external True "$(ipj_dev h2 ext0 'd["external"]')"

# Refused by the plugin, before any request.
refused bad-id 'id must be 0 to 16777215' \
	on h1 ip link add bad0 type mdtun id 16777216 remote 198.51.100.2
refused bad-carry 'carry takes none or mark,priority' \
	on h1 ip link add bad0 type mdtun id 1 remote 198.51.100.2 carry ttl
refused bad-trust 'not an address prefix' \
	on h1 ip link add bad0 type mdtun id 1 remote 198.51.100.2 trust nonsense
refused bad-df 'df must be unset, set or inherit' \
	on h1 ip link add bad0 type mdtun id 1 remote 198.51.100.2 df maybe
refused bad-port 'dstport must be 1 to 65535' \
	on h1 ip link add bad0 type mdtun id 1 remote 198.51.100.2 dstport 0
refused dup-option '"id" is duplicate' \
	on h1 ip link add bad0 type mdtun id 1 id 2 remote 198.51.100.2
refused unknown-option 'unknown command "frobnicate"' \
	on h1 ip link add bad0 type mdtun frobnicate
# Refused by the kernel (a fixed device needs a remote), extack shown.
refused kernel-refusal 'needs a remote' \
	on h1 ip link add bad0 type mdtun id 7
check_fails no-bad-device on h1 ip link show bad0
check_match help 'Usage: \.\.\. mdtun \{ id VNI remote ADDR \| external \}' \
	on h1 ip link help mdtun

check delete on h1 ip link del mdt0
check_fails deleted on h1 ip link show mdt0
t_done
