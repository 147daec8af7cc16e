#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
#
# The mdtun tunnel type in ovs-vswitchd with the userspace datapath
# (datapath_type=netdev), which runs without any kernel module: a private
# ovsdb-server and ovs-vswitchd in a temporary directory, driven with
# ovs-vsctl and ovs-appctl.
#
# Run by tests/lib/run-tests.sh (make check, suite ovs_userspace); see
# lib.sh.  t-bad-config has the table of refused option values, t-shared
# the ports that share a UDP port.
. "$(dirname "$0")/lib.sh"

good_ports_ok() {
	port_ok t0 && port_ok t1 && port_ok g0
}

# ---- Tests -------------------------------------------------------------------

start_daemons
check_match "mdtun is a registered interface type" '(^|[ ,"])mdtun([ ,"]|$)' \
	vsctl get open_vswitch . iface_types

check "add mdtun port t0 (remote_ip=flow key=flow carry=mark)" \
	vsctl add-port br0 t0 -- set interface t0 type=mdtun \
	options:remote_ip=flow options:key=flow options:carry=mark
check "t0 is up with no error" port_ok t0
check "add mdtun port t1 (IPv4+IPv6 trust, dst_port 7082)" \
	vsctl add-port br0 t1 -- set interface t1 type=mdtun \
	options:remote_ip=192.0.2.2 options:local_ip=192.0.2.1 \
	options:carry=priority,mark \
	'options:trusted_remotes="192.0.2.77/24, 2001:db8::/32,198.51.100.7"' \
	options:dst_port=7082
check "t1 is up with no error" port_ok t1
check "add geneve port g0 beside them" \
	vsctl add-port br0 g0 -- set interface g0 type=geneve \
	options:remote_ip=203.0.113.9
check "g0 is up with no error" port_ok g0

# The configuration as OVS reads it back (get_config): canonical forms.
check_match "t0 config read back" \
	't0 [0-9]+/[0-9a-z]+: \(mdtun: carry=mark, key=flow, remote_ip=flow\)' \
	appctl dpif/show
check_match "t1 config read back, prefixes masked and canonical" \
	'carry=mark,priority, dst_port=7082, local_ip=192.0.2.1, remote_ip=192.0.2.2, trusted_remotes=192.0.2.0/24,2001:db8::/32,198.51.100.7/32' \
	appctl dpif/show
check_match "datapath port named mdtun_sys_7081" 'mdtun_sys_7081' appctl dpctl/show
check_match "datapath port named mdtun_sys_7082" 'mdtun_sys_7082' appctl dpctl/show

# Bad options: the port stays down with a clear error, the others stay up.
vsctl add-port br0 bad1 -- set interface bad1 type=mdtun \
	options:remote_ip=flow options:carry=bogus >/dev/null 2>&1
port_error "carry=bogus is refused" bad1 \
	"bad1: invalid carry 'bogus': unknown field 'bogus'"
vsctl add-port br0 bad2 -- set interface bad2 type=mdtun \
	options:remote_ip=flow options:trusted_remotes=300.1.1.1/8 >/dev/null 2>&1
port_error "trusted_remotes=300.1.1.1/8 is refused" bad2 \
	"bad2: invalid trusted_remotes prefix '300.1.1.1/8': not an IPv4 or IPv6 address"
vsctl add-port br0 bad3 -- set interface bad3 type=mdtun \
	options:remote_ip=flow options:dst_port=0 >/dev/null 2>&1
port_error "dst_port=0 is refused" bad3 "bad3: invalid dst_port '0'"
vsctl add-port br0 bad4 -- set interface bad4 type=mdtun \
	options:remote_ip=flow options:dst_port=70000 >/dev/null 2>&1
port_error "dst_port=70000 is refused" bad4 "bad4: invalid dst_port '70000'"
vsctl add-port br0 bad5 -- set interface bad5 type=mdtun \
	options:remote_ip=flow options:trusted_remotes=192.0.2.0/33 >/dev/null 2>&1
port_error "prefix length 33 is refused" bad5 \
	"bad5: invalid trusted_remotes prefix '192.0.2.0/33': prefix length must be 0 to 32"
vsctl add-port br0 bad6 -- set interface bad6 type=mdtun \
	options:remote_ip=flow options:carry=mark,,priority >/dev/null 2>&1
port_error "carry with an empty field is refused" bad6 "bad6: invalid carry 'mark,,priority': empty field"
vsctl add-port br0 bad7 -- set interface bad7 type=mdtun \
	options:carry=mark >/dev/null 2>&1
port_error "remote_ip is required, as for every tunnel" bad7 \
	"bad7: mdtun type requires valid 'remote_ip' argument"
check "good ports unaffected by the bad ones" good_ports_ok

# A bad port that is fixed comes up; a good port given a bad option goes
# down with the error (OVS removes it from the datapath, as for geneve) and
# comes back once fixed.
# (On a UDP port of its own: mdtun ports on one UDP port must agree on
# carry and trusted_remotes, t-shared; t0 changes its carry below.)
check "fixing bad1's option" vsctl set interface bad1 options:carry=mark \
	options:dst_port=7083
check "bad1 is up once fixed" port_ok bad1
vsctl set interface t0 options:carry=wrong >/dev/null 2>&1
port_error "a bad change takes t0 down with the error" t0 \
	"t0: invalid carry 'wrong'"
check "the other ports stay up meanwhile" port_ok t1
check "t0 reconfigured to carry=mark,priority" \
	vsctl set interface t0 options:carry=mark,priority
check "t0 is up after the fix" port_ok t0
check_match "mdtun/show follows the reconfiguration" 'carry: mark,priority$' \
	appctl mdtun/show t0

# Unknown keys only warn, as for other tunnel types.
check "unknown option accepted with a warning" \
	vsctl set interface t1 options:frobnicate=1
check "t1 still up" port_ok t1
check_match "warning logged for the unknown option" \
	"unknown mdtun argument 'frobnicate'" cat "$tmp/ovs-vswitchd.log"
check "removing the unknown option" vsctl remove interface t1 options frobnicate

# ovs-appctl mdtun/show and the status column.
check_match "mdtun/show lists t0" '^t0:$' appctl mdtun/show
check_match "mdtun/show lists t0 once, with its current configuration" '^1$' \
	sh -c "ovs-appctl -t '$tmp/ovs-vswitchd.ctl' mdtun/show | grep -c '^t0:'"
check_match "mdtun/show lists the repaired port bad1" '^bad1:$' appctl mdtun/show
check_match "mdtun/show lists t1 with its trusted prefixes" \
	'trusted_remotes: 192.0.2.0/24,2001:db8::/32,198.51.100.7/32' appctl mdtun/show
check_match "mdtun/show gives the datapath port" \
	'datapath port: mdtun_sys_7082 \(UDP port 7082\)' appctl mdtun/show t1
check_match "mdtun/show says there is no kernel device" \
	'kernel device: none' appctl mdtun/show t0
check_nomatch "mdtun/show does not list the geneve port" '^g0:' appctl mdtun/show
check_nomatch "mdtun/show does not list ports that never came up" '^bad2:' \
	appctl mdtun/show
check_error "mdtun/show of an unknown port fails" 'no mdtun port nope' \
	appctl mdtun/show nope
check_match "status of t0 names its datapath port" \
	'mdtun_dpif_port=mdtun_sys_7081' vsctl get interface t0 status
check_match "status of t0 warns that nothing is trusted" \
	'mdtun_warning=' vsctl get interface t0 status
check_nomatch "status of t1 has no warning" 'mdtun_warning' \
	vsctl get interface t1 status

# Pipeline fields are restored only from trusted_remotes or a fixed
# remote_ip, a sender's in_port only into in_port_reg: the status says when
# a port's configuration restores nothing.
check "p1: carry=metadata,in_port, remote_ip=flow, its own UDP port" \
	vsctl add-port br0 p1 -- set interface p1 type=mdtun \
		options:remote_ip=flow options:dst_port=7084 \
		'options:carry="metadata,in_port"'
check "p1 is up" port_ok p1
check_match "status of p1: no sender to trust with pipeline fields" \
	'mdtun_warning=.*no trusted_remotes and no fixed remote_ip' \
	vsctl get interface p1 status
check_match "status of p1: in_port has no register" \
	'mdtun_warning=.*carry has in_port but no in_port_reg' \
	vsctl get interface p1 status
check_match "mdtun/show of p1: no in_port_reg" '^  in_port_reg: none$' \
	appctl mdtun/show p1
check "p1: a fixed remote_ip and in_port_reg=reg7" \
	vsctl set interface p1 options:remote_ip=192.0.2.9 options:in_port_reg=reg7
check "p1 is up with them" port_ok p1
no_warning() { ! vsctl get interface "$1" status | grep -q mdtun_warning; }
check_within "status of p1 has no warning then" 10 no_warning p1
check "deleting p1" vsctl del-port br0 p1

echo "---- ovs-appctl mdtun/show"
appctl mdtun/show
echo "----"

# Restarting ovs-vswitchd keeps the configuration (it is in the database).
stop_daemon "$tmp" ovs-vswitchd
if start_vswitchd; then pass "ovs-vswitchd restarts"; else fail "ovs-vswitchd restarts"; fi
# A change made without --no-wait returns once ovs-vswitchd has applied the
# whole configuration.
check "restarted ovs-vswitchd applies the database" \
	vsctl set open_vswitch . external_ids:mdtun-test=restarted
check "t0 up after the restart" port_ok t0
check "t1 up after the restart" port_ok t1
check "g0 up after the restart" port_ok g0
port_error "bad2 still refused after the restart" bad2 "invalid trusted_remotes prefix"
check_match "mdtun/show after the restart" \
	'carry: mark,priority$' appctl mdtun/show t0

# Deleting a port removes it from mdtun/show.
check "deleting t1" vsctl del-port br0 t1
check_nomatch "t1 gone from mdtun/show" '^t1:' appctl mdtun/show

t_done
