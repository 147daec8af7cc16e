# SPDX-License-Identifier: Apache-2.0
#
# Shared part of the userspace-datapath OVS tests (tests/ovs-userspace/t-*.sh):
# a private ovsdb-server and ovs-vswitchd (datapath_type=netdev, no kernel
# module) in a temporary directory, driven with ovs-vsctl and ovs-appctl.
# OVS is $OVS_BUILD, default the patched tree built by `make ovs`
# (ovs-build/).  The checks are tests/lib/checks.sh.
set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tests/lib/checks.sh"
. "$top/tests/lib/ovs.sh"
ovs=${OVS_BUILD:-$top/ovs-build}
if [ ! -x "$ovs/vswitchd/ovs-vswitchd" ]; then
	fail "ovs-vswitchd built" "$ovs/vswitchd/ovs-vswitchd missing (make ovs)"
	t_done
fi
ovs=$(cd "$ovs" && pwd)
PATH=$ovs/vswitchd:$ovs/ovsdb:$ovs/utilities:$PATH

tmp=$(mktemp -d "/tmp/$T_NAME.XXXXXX")
export OVS_RUNDIR=$tmp OVS_DBDIR=$tmp OVS_LOGDIR=$tmp OVS_SYSCONFDIR=$tmp
export OVS_PKGDATADIR=$ovs
DB=unix:$tmp/db.sock

# ---- Daemons ---------------------------------------------------------------

start_ovsdb() { ovs_start_db "$tmp"; }

# VSWITCHD_OPTS: more options, e.g. --enable-dummy for dummy datapaths.
start_vswitchd() {
	# shellcheck disable=SC2086 # a list of options
	ovs_start_vswitchd "$tmp" "" --disable-system --disable-system-route \
		${VSWITCHD_OPTS:-}
}

cleanup() {
	stop_daemon "$tmp" ovs-vswitchd
	stop_daemon "$tmp" ovsdb-server
	if [ "$t_fail" -ne 0 ]; then
		echo "---- ovs-vswitchd.log (last 40 lines)"
		tail -n 40 "$tmp/ovs-vswitchd.log" 2>/dev/null
	fi
	rm -rf "$tmp" "$t_out"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

vsctl() { ovs-vsctl --db="$DB" --timeout=20 "$@"; }
appctl() { ovs-appctl -t "$tmp/ovs-vswitchd.ctl" "$@"; }

# start_daemons: both daemons and bridge br0 on the userspace datapath;
# ends the test when they do not start.
start_daemons() {
	echo "$T_NAME: OVS from $ovs, run dir $tmp"
	if ! start_ovsdb || ! start_vswitchd; then
		fail "daemons start" "$(tail -n 20 "$tmp"/*.log 2>/dev/null)"
		t_done
	fi
	pass "ovsdb-server and ovs-vswitchd (with the mdtun plugin) start"
	check "bridge with the userspace datapath" \
		vsctl add-br br0 -- set bridge br0 datapath_type=netdev
}

# ---- Ports -------------------------------------------------------------------

# A port is up when it has no error and an OpenFlow port number.
port_ok() {
	local err ofport
	err=$(vsctl get interface "$1" error) || return 1
	ofport=$(vsctl get interface "$1" ofport) || return 1
	[ "$err" = "[]" ] && [ "$ofport" -gt 0 ] 2>/dev/null && return 0
	echo "$1: error=$err ofport=$ofport"
	return 1
}

# port_error NAME PORT REGEX: the port is down with an error matching REGEX.
port_error() {
	local err ofport
	err=$(vsctl get interface "$2" error)
	ofport=$(vsctl get interface "$2" ofport)
	if printf '%s\n' "$err" | grep -Eq -- "$3" && [ "$ofport" = "-1" ]; then
		pass "$1"
		echo "      error column: $err"
	else
		fail "$1" "expected error /$3/ and ofport -1" "got error=$err ofport=$ofport"
	fi
}

# error_of PORT: the port's error column as text (lines as they are), and
# "ofport=N" on a last line; fails when ovs-vsctl cannot read them.
error_of() {
	local err ofport
	err=$(vsctl --bare --columns=error list interface "$1") &&
	ofport=$(vsctl get interface "$1" ofport) ||
		{ t_error "cannot read interface $1"; return 1; }
	printf '%s\nofport=%s\n' "$err" "$ofport"
}

# port_refused NAME PORT EXPECTED: the port is down (ofport -1) and its
# error column is exactly EXPECTED.
port_refused() {
	check_eq "$1" "$(printf '%s\nofport=-1' "$3")" "$(error_of "$2")"
}
