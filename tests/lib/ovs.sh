# SPDX-License-Identifier: Apache-2.0
#
# Helpers of the Open vSwitch tests (tests/ovs-userspace, tests/ovs-kernel),
# on top of tests/lib/checks.sh.

# stop_daemon DIR NAME: stops the daemon whose pidfile is DIR/NAME.pid and
# control socket DIR/NAME.ctl: asks it to exit, kills it if it has not
# after 10 s.
stop_daemon() {
	local pidfile=$1/$2.pid pid
	[ -f "$pidfile" ] || return 0
	pid=$(cat "$pidfile")
	ovs-appctl -t "$1/$2.ctl" exit >/dev/null 2>&1
	wait_until 10 sh -c "! kill -0 $pid" || kill "$pid" 2>/dev/null
	rm -f "$pidfile"
}

