#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# Bad configuration, table-driven: every invalid value of an mdtun port's
# options (mdtun's own and OVS's generic tunnel ones) refuses the port with
# exactly the expected text in its Interface "error" column, and leaves the
# other ports alone.  Userspace datapath (see lib.sh); the kernel datapath
# gives the same errors (the plugin makes them; tests/ovs-kernel/t-carry
# checks one).
#
# The expected texts are those designed for each refusal: OVS's own (its
# lib/netdev-vport.c, "NAME: ..." per line, a warning line first when OVS
# warns before the plugin refuses), the patch's dst_port check, and the
# plugin's (vswitchd-plugin/mdtun_options.h).
. "$(dirname "$0")/lib.sh"

start_daemons

# Ports that must not notice the bad ones: an mdtun port on the default UDP
# port with nothing carried (as the bad ports below, which would otherwise
# be refused for differing from it), one on 7082 with carry and trust, and
# a geneve port.
check "good port t0 (UDP 7081, key=flow)" \
	vsctl add-port br0 t0 -- set interface t0 type=mdtun \
	options:remote_ip=flow options:key=flow
check "good port t1 (UDP 7082, carry=mark, trusted_remotes)" \
	vsctl add-port br0 t1 -- set interface t1 type=mdtun \
	options:remote_ip=192.0.2.2 options:dst_port=7082 options:carry=mark \
	options:trusted_remotes=192.0.2.0/24
check "good port g0 (geneve)" \
	vsctl add-port br0 g0 -- set interface g0 type=geneve \
	options:remote_ip=203.0.113.9
ofports() { vsctl get interface t0 ofport -- get interface t1 ofport -- get interface g0 ofport | tr '\n' ' '; }
good_before=$(ofports)
check_match "  all three up" '^[1-9][0-9]* [1-9][0-9]* [1-9][0-9]* $' echo "$good_before"

n=0
# bad EXPECTED OPTION...: port bN with OPTIONs (and remote_ip=flow unless
# one of them sets remote_ip, or is "-no-remote") is refused with the error
# column EXPECTED, in which "@" stands for the port's name and "\n"
# separates lines.
bad() {
	local want=$1 name opts=() o remote=options:remote_ip=flow
	shift
	n=$((n + 1))
	name=b$n
	for o in "$@"; do
		case $o in
		-no-remote) remote= ;;
		options:remote_ip=*) remote= opts+=("$o") ;;
		*) opts+=("$o") ;;
		esac
	done
	[ -n "$remote" ] && opts+=("$remote")
	vsctl add-port br0 "$name" -- set interface "$name" type=mdtun \
		"${opts[@]}" >/dev/null 2>&1
	port_refused "$name: $*" "$name" "$(printf '%b' "${want//@/$name}")"
}

# ---- mdtun's own options ---------------------------------------------------------

carry_help='(expected a comma-separated list of mark, priority, metadata, in_port, reg0 to reg15 or a range of them such as reg0-reg3; or none)'
bad "@: invalid carry 'bogus': unknown field 'bogus' $carry_help" options:carry=bogus
bad "@: invalid carry '': empty field $carry_help" 'options:carry=""'
bad "@: invalid carry 'mark,none': unknown field 'none' $carry_help" 'options:carry="mark,none"'
bad "@: invalid carry 'Mark': unknown field 'Mark' $carry_help" options:carry=Mark
bad "@: invalid carry 'reg16': unknown field 'reg16' $carry_help" options:carry=reg16
bad "@: invalid carry 'reg3-reg1': empty register range 'reg3-reg1'" options:carry=reg3-reg1
bad "@: invalid in_port_reg 'r7': expected a register, reg0 to reg15" \
	options:carry=in_port options:in_port_reg=r7
bad "@: in_port_reg=reg7 without in_port in carry" \
	options:carry=reg14 options:in_port_reg=reg7
bad "@: in_port_reg=reg14 is also carried (carry=in_port,reg14): the sender's value would overwrite the in_port" \
	'options:carry="in_port,reg14"' options:in_port_reg=reg14
bad "@: invalid trusted_remotes prefix '300.1.1.1/8': not an IPv4 or IPv6 address" \
	options:trusted_remotes=300.1.1.1/8
bad "@: invalid trusted_remotes prefix '192.0.2.0/33': prefix length must be 0 to 32" \
	options:trusted_remotes=192.0.2.0/33
bad "@: invalid trusted_remotes prefix '2001:db8::/129': prefix length must be 0 to 128" \
	'options:trusted_remotes="2001:db8::/129"'
bad "@: invalid trusted_remotes prefix '192.0.2.0/-1': prefix length must be 0 to 32" \
	options:trusted_remotes=192.0.2.0/-1
bad "@: empty prefix in trusted_remotes" 'options:trusted_remotes="192.0.2.1,"'
seventeen=$(for i in $(seq 1 17); do printf '203.0.113.%d,' "$i"; done)
bad "@: too many trusted_remotes prefixes (at most 16)" \
	"options:trusted_remotes=\"${seventeen%,}\""

# ---- OVS's generic tunnel options ----------------------------------------------

bad "@: invalid dst_port '0'" options:dst_port=0
bad "@: invalid dst_port '65536'" options:dst_port=65536
bad "@: invalid dst_port 'abc'" options:dst_port=abc
bad "@: invalid dst_port '-1'" options:dst_port=-1
vni='expected flow or a VNI of at most 24 bits (0 to 16777215, 0xffffff)'
bad "@: invalid key '16777216': $vni" options:key=16777216
bad "@: invalid in_key '0x1000000': $vni" options:in_key=0x1000000
bad "@: invalid out_key 'abc': $vni" options:out_key=abc
bad "@: invalid key '-1': $vni" options:key=-1
bad "@: mdtun type requires valid 'remote_ip' argument" -no-remote options:carry=none
bad "@: bad mdtun 'remote_ip'\n@: mdtun type requires valid 'remote_ip' argument" \
	options:remote_ip=bogus
bad "@: multicast remote_ip=224.0.0.1 not allowed" options:remote_ip=224.0.0.1
bad "@: bad mdtun 'local_ip'\n@: invalid local_ip 'bogus': expected flow or an IPv4 or IPv6 address" \
	options:local_ip=bogus
bad "@: mdtun type requires 'remote_ip=flow' with 'local_ip=flow'" \
	options:remote_ip=192.0.2.2 options:local_ip=flow
bad "@: 'remote_ip' and 'local_ip' has to be of the same address family" \
	options:remote_ip=192.0.2.2 'options:local_ip="2001:db8::1"'
dscp='expected inherit or a DSCP value in the upper six bits (0 to 0xfc, a multiple of 4)'
bad "@: invalid TOS 0x101\n@: invalid tos '0x101': $dscp" options:tos=0x101
bad "@: invalid TOS 1\n@: invalid tos '1': $dscp" options:tos=1
bad "@: invalid ttl '0': expected inherit or 1 to 255" options:ttl=0
bad "@: invalid ttl '300': expected inherit or 1 to 255" options:ttl=300
bad "@: invalid ttl '0x40': expected inherit or 1 to 255" options:ttl=0x40
bad "@: invalid csum 'yes': expected true or false" options:csum=yes
bad "@: invalid df_default '1': expected true or false" options:df_default=1
bad "@: invalid egress_pkt_mark '0x77': expected a decimal number, 0 to 4294967295" \
	options:egress_pkt_mark=0x77
bad "@: invalid egress_pkt_mark '4294967296': expected a decimal number, 0 to 4294967295" \
	options:egress_pkt_mark=4294967296
bad "@: legacy_l3 configured on mdtun tunnel that cannot carry L3 traffic" \
	options:packet_type=legacy_l3
bad "@: unknown packet_type 'bogus'" options:packet_type=bogus

# ---- Nobody else noticed; the limits themselves are accepted ----------------------

check_eq "t0, t1, g0 kept their OpenFlow ports (never taken down)" "$good_before" "$(ofports)"
for p in t0 t1 g0; do
	check "$p still up with no error" port_ok "$p"
done
check_match "dpif/show still lists t0 and t1 as configured" \
	't1 [0-9]+/[0-9a-z]+: \(mdtun: carry=mark, dst_port=7082, remote_ip=192\.0\.2\.2, trusted_remotes=192\.0\.2\.0/24\)' \
	appctl dpif/show
check_nomatch "  and none of the bad ports" '^[[:space:]]*b[0-9]+ ' appctl dpif/show
check "the largest VNIs and the edges of tos, ttl, egress_pkt_mark are accepted (b1)" \
	vsctl set interface b1 options:carry=none options:in_key=16777215 \
	options:out_key=0xffffff options:tos=0xfc options:ttl=255 options:csum=false \
	options:df_default=true options:egress_pkt_mark=4294967295
check "  b1 is up" port_ok b1
check "a running port given a bad value (t0 key=0x1000000) ..." \
	vsctl set interface t0 options:key=0x1000000
port_refused "  ... shows the error" t0 "t0: invalid key '0x1000000': $vni"
check "  ... and comes back with key=flow" vsctl set interface t0 options:key=flow
check "  t0 up" port_ok t0

t_done
